/* fake_nvml.c - a scripted stand-in for libnvidia-ml.so.1.  TEST ONLY.
 *
 * Built by "make check" (never installed) so the GPU path of the
 * telemetry sampler can be tested on machines without a GPU.  It
 * implements the entry points listed in lib/nvml_abi.h and answers from a
 * script named by the environment variable FAKE_NVML_SCRIPT, read at each
 * nvmlInit_v2 (so every init starts the script over).  Without the
 * variable, or with a script it cannot parse, nvmlInit_v2 fails.
 *
 * Script lines (blank lines and "#" comments ignored; I is a GPU index):
 *   init_fail CODE       nvmlInit_v2 returns CODE
 *   gpus N               how many GPUs (at most 64; default 0)
 *   name I TEXT...       device name (rest of the line)
 *   uuid I UUID          default GPU-fa4e0000-0000-0000-0000-00000000000I
 *   bus I BUSID          default 00000000:(0x10+I):00.0
 *   mem_total I BYTES    default 80 GiB
 *   util I V,V,...       per-sample values (the last one repeats);
 *   mem_util, mem_used, power (mW), temp, sm (MHz), ecc_corr, ecc_uncorr
 *                        likewise; all default to 0
 *   no I FIELD           FIELD (power, temp, sm, ecc, events) reports
 *                        NVML_ERROR_NOT_SUPPORTED
 *   vanish I N           from sample N on, every call for GPU I fails with
 *                        NVML_ERROR_GPU_IS_LOST
 *   xid I N CODE         XID CODE on GPU I, delivered by the first event
 *                        poll after GPU I's sample N
 *   hang I N MS          sample N of GPU I takes MS milliseconds (a stuck
 *                        driver call)
 *
 * Samples: each nvmlDeviceGetUtilizationRates call on a GPU starts its
 * next sample (the first call is sample 0); the other queries answer with
 * the values of the current sample.  Queries before the first sample
 * (device discovery) use sample 0's values and never vanish.
 */
#include <ctype.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "telemetry/nvml_abi.h"

#define MAXG 64
#define MAXV 256
#define MAXX 16

enum { S_UTIL, S_MEM_UTIL, S_MEM_USED, S_POWER, S_TEMP, S_SM, S_ECC_CORR,
       S_ECC_UNCORR, NSERIES };

static const char *const series_name[NSERIES] = {
	"util", "mem_util", "mem_used", "power", "temp", "sm", "ecc_corr",
	"ecc_uncorr",
};

struct series {
	unsigned long long v[MAXV];
	int n;
};

struct fake_gpu {
	char name[96], uuid[96], bus[32];
	unsigned long long mem_total;
	struct series s[NSERIES];
	int no_power, no_temp, no_sm, no_ecc, no_events;
	long vanish;			/* first sample that fails, -1: never */
	long hang_at, hang_ms;		/* sample that hangs, -1: none */
	long cur;			/* current sample, -1 before the first */
	int nxid;
	long xid_at[MAXX];
	unsigned long long xid_code[MAXX];
	int xid_done[MAXX];
	int registered;
};

static struct fake_gpu gpus[MAXG];
static int ngpus, inited;
static struct nvmlEventSet_st { int used; } the_set;

static int parse_list(const char *s, struct series *out)
{
	char *end;

	out->n = 0;
	while (*s && out->n < MAXV) {
		out->v[out->n++] = strtoull(s, &end, 0);
		if (end == s)
			return -1;
		s = end;
		if (*s == ',')
			s++;
		else if (*s && !isspace((unsigned char)*s))
			return -1;
		else
			break;
	}
	return out->n > 0 ? 0 : -1;
}

static void defaults(void)
{
	int i;

	memset(gpus, 0, sizeof(gpus));
	for (i = 0; i < MAXG; i++) {
		snprintf(gpus[i].name, sizeof(gpus[i].name), "Fake GPU %d", i);
		snprintf(gpus[i].uuid, sizeof(gpus[i].uuid),
			 "GPU-fa4e0000-0000-0000-0000-%012d", i);
		snprintf(gpus[i].bus, sizeof(gpus[i].bus), "00000000:%02x:00.0",
			 0x10 + i);
		gpus[i].mem_total = 80ULL << 30;
		gpus[i].vanish = -1;
		gpus[i].hang_at = -1;
		gpus[i].cur = -1;
	}
	ngpus = 0;
}

/* One script line; returns the init result it asks for (or -1: bad). */
static int parse_line(char *line, int *init_rc)
{
	char word[32], arg[256];
	int i, n = 0, k;
	struct fake_gpu *g;

	if (sscanf(line, "%31s%n", word, &n) != 1 || word[0] == '#')
		return 0;
	line += n;
	while (isspace((unsigned char)*line))
		line++;
	if (!strcmp(word, "init_fail"))
		return sscanf(line, "%d", init_rc) == 1 ? 0 : -1;
	if (!strcmp(word, "gpus"))
		return sscanf(line, "%d", &ngpus) == 1 && ngpus >= 0 &&
		       ngpus <= MAXG ? 0 : -1;
	if (sscanf(line, "%d%n", &i, &n) != 1 || i < 0 || i >= MAXG)
		return -1;
	g = &gpus[i];
	line += n;
	while (isspace((unsigned char)*line))
		line++;
	line[strcspn(line, "\r\n")] = '\0';
	if (!strcmp(word, "name"))
		return snprintf(g->name, sizeof(g->name), "%s", line) > 0 ? 0 : -1;
	if (!strcmp(word, "uuid"))
		return sscanf(line, "%95s", g->uuid) == 1 ? 0 : -1;
	if (!strcmp(word, "bus"))
		return sscanf(line, "%31s", g->bus) == 1 ? 0 : -1;
	if (!strcmp(word, "mem_total"))
		return sscanf(line, "%llu", &g->mem_total) == 1 ? 0 : -1;
	if (!strcmp(word, "vanish"))
		return sscanf(line, "%ld", &g->vanish) == 1 ? 0 : -1;
	if (!strcmp(word, "hang"))
		return sscanf(line, "%ld %ld", &g->hang_at, &g->hang_ms) == 2 ?
		       0 : -1;
	if (!strcmp(word, "xid")) {
		if (g->nxid >= MAXX || sscanf(line, "%ld %llu", &g->xid_at[g->nxid],
					      &g->xid_code[g->nxid]) != 2)
			return -1;
		g->nxid++;
		return 0;
	}
	if (!strcmp(word, "no")) {
		if (sscanf(line, "%255s", arg) != 1)
			return -1;
		if (!strcmp(arg, "power"))
			g->no_power = 1;
		else if (!strcmp(arg, "temp"))
			g->no_temp = 1;
		else if (!strcmp(arg, "sm"))
			g->no_sm = 1;
		else if (!strcmp(arg, "ecc"))
			g->no_ecc = 1;
		else if (!strcmp(arg, "events"))
			g->no_events = 1;
		else
			return -1;
		return 0;
	}
	for (k = 0; k < NSERIES; k++)
		if (!strcmp(word, series_name[k]))
			return parse_list(line, &g->s[k]);
	return -1;
}

static nvmlReturn_t load_script(void)
{
	const char *path = getenv("FAKE_NVML_SCRIPT");
	char line[512];
	int init_rc = NVML_SUCCESS, lineno = 0;
	FILE *f;

	defaults();
	if (!path || !(f = fopen(path, "r"))) {
		fprintf(stderr, "fake_nvml: FAKE_NVML_SCRIPT unset or unreadable\n");
		return NVML_ERROR_UNKNOWN;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (parse_line(line, &init_rc) < 0) {
			fprintf(stderr, "fake_nvml: %s:%d: bad line\n", path,
				lineno);
			fclose(f);
			return NVML_ERROR_UNKNOWN;
		}
	}
	fclose(f);
	return init_rc;
}

/* The device behind a handle, or NULL. */
static struct fake_gpu *gpu_of(nvmlDevice_t d)
{
	struct fake_gpu *g = (struct fake_gpu *)d;

	if (!inited || g < gpus || g >= gpus + ngpus)
		return NULL;
	return g;
}

static unsigned long long value(const struct fake_gpu *g, int k)
{
	const struct series *s = &g->s[k];
	long i = g->cur < 0 ? 0 : g->cur;

	if (s->n == 0)
		return 0;
	return s->v[i < s->n ? i : s->n - 1];
}

static int lost(const struct fake_gpu *g)
{
	return g->vanish >= 0 && g->cur >= g->vanish;
}

/* Common prologue: a bad handle or a vanished GPU answers an error. */
#define DEVICE(d, g)						\
	struct fake_gpu *g = gpu_of(d);				\
	if (!g)							\
		return inited ? NVML_ERROR_INVALID_ARGUMENT :	\
				NVML_ERROR_UNINITIALIZED;	\
	if (lost(g))						\
		return NVML_ERROR_GPU_IS_LOST

nvmlReturn_t nvmlInit_v2(void)
{
	nvmlReturn_t rc = load_script();

	inited = rc == NVML_SUCCESS;
	return rc;
}

nvmlReturn_t nvmlShutdown(void)
{
	if (!inited)
		return NVML_ERROR_UNINITIALIZED;
	inited = 0;
	return NVML_SUCCESS;
}

const char *nvmlErrorString(nvmlReturn_t rc)
{
	switch (rc) {
	case NVML_SUCCESS: return "Success";
	case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
	case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
	case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
	case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
	case NVML_ERROR_TIMEOUT: return "Timeout";
	case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
	default: return "Unknown Error";
	}
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count)
{
	if (!inited)
		return NVML_ERROR_UNINITIALIZED;
	*count = (unsigned int)ngpus;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t *d)
{
	if (!inited)
		return NVML_ERROR_UNINITIALIZED;
	if (i >= (unsigned int)ngpus)
		return NVML_ERROR_INVALID_ARGUMENT;
	*d = (nvmlDevice_t)&gpus[i];
	return NVML_SUCCESS;
}

static nvmlReturn_t copy_str(const char *s, char *buf, unsigned int len)
{
	if (strlen(s) + 1 > len)
		return NVML_ERROR_INSUFFICIENT_SIZE;
	memcpy(buf, s, strlen(s) + 1);
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *name, unsigned int len)
{
	DEVICE(d, g);
	return copy_str(g->name, name, len);
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t d, char *uuid, unsigned int len)
{
	DEVICE(d, g);
	return copy_str(g->uuid, uuid, len);
}

nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t d, nvmlPciInfo_t *pci)
{
	DEVICE(d, g);
	memset(pci, 0, sizeof(*pci));
	snprintf(pci->busId, sizeof(pci->busId), "%s", g->bus);
	snprintf(pci->busIdLegacy, sizeof(pci->busIdLegacy), "%.15s", g->bus);
	pci->pciDeviceId = 0x233010de;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *m)
{
	DEVICE(d, g);
	m->total = g->mem_total;
	m->used = value(g, S_MEM_USED);
	m->free = m->total > m->used ? m->total - m->used : 0;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d,
					   nvmlUtilization_t *u)
{
	struct fake_gpu *g = gpu_of(d);

	if (!g)
		return NVML_ERROR_INVALID_ARGUMENT;
	g->cur++;
	if (g->cur == g->hang_at) {
		struct timespec ts = { g->hang_ms / 1000,
				       (g->hang_ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	if (lost(g))
		return NVML_ERROR_GPU_IS_LOST;
	u->gpu = (unsigned int)value(g, S_UTIL);
	u->memory = (unsigned int)value(g, S_MEM_UTIL);
	return NVML_SUCCESS;
}

/* A per-sample value of series k, unless the script said "no". */
static nvmlReturn_t scalar(struct fake_gpu *g, int supported, int k,
			   unsigned int *out)
{
	if (!supported)
		return NVML_ERROR_NOT_SUPPORTED;
	*out = (unsigned int)value(g, k);
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *mw)
{
	DEVICE(d, g);
	return scalar(g, !g->no_power, S_POWER, mw);
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, int sensor,
				      unsigned int *t)
{
	DEVICE(d, g);
	return scalar(g, !g->no_temp && sensor == NVML_TEMPERATURE_GPU, S_TEMP,
		      t);
}

nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t d, int type,
				    unsigned int *mhz)
{
	DEVICE(d, g);
	return scalar(g, !g->no_sm && type == NVML_CLOCK_SM, S_SM, mhz);
}

nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t d, int error_type,
					 int counter_type,
					 unsigned long long *n)
{
	DEVICE(d, g);
	if (g->no_ecc || counter_type != NVML_VOLATILE_ECC)
		return NVML_ERROR_NOT_SUPPORTED;
	*n = value(g, error_type == NVML_MEMORY_ERROR_TYPE_CORRECTED ?
		   S_ECC_CORR : S_ECC_UNCORR);
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t *set)
{
	if (!inited)
		return NVML_ERROR_UNINITIALIZED;
	the_set.used = 1;
	*set = &the_set;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t d,
				      unsigned long long types,
				      nvmlEventSet_t set)
{
	DEVICE(d, g);
	if (set != &the_set || g->no_events ||
	    !(types & nvmlEventTypeXidCriticalError))
		return NVML_ERROR_NOT_SUPPORTED;
	g->registered = 1;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t *data,
				 unsigned int timeout_ms)
{
	int i, k;

	(void)timeout_ms;	/* the fake never waits */
	if (!inited || set != &the_set || !the_set.used)
		return NVML_ERROR_INVALID_ARGUMENT;
	for (i = 0; i < ngpus; i++) {
		struct fake_gpu *g = &gpus[i];

		for (k = 0; k < g->nxid && g->registered; k++) {
			if (g->xid_done[k] || g->cur < g->xid_at[k])
				continue;
			g->xid_done[k] = 1;
			memset(data, 0, sizeof(*data));
			data->device = (nvmlDevice_t)g;
			data->eventType = nvmlEventTypeXidCriticalError;
			data->eventData = g->xid_code[k];
			return NVML_SUCCESS;
		}
	}
	return NVML_ERROR_TIMEOUT;
}

nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set)
{
	if (set != &the_set)
		return NVML_ERROR_INVALID_ARGUMENT;
	the_set.used = 0;
	return NVML_SUCCESS;
}

/* The compiler checks each entry point against lib/nvml_abi.h. */
static const struct nvml_fns abi_check __attribute__((unused)) = {
	nvmlInit_v2, nvmlShutdown, nvmlErrorString, nvmlDeviceGetCount_v2,
	nvmlDeviceGetHandleByIndex_v2, nvmlDeviceGetName, nvmlDeviceGetUUID,
	nvmlDeviceGetPciInfo_v3, nvmlDeviceGetMemoryInfo,
	nvmlDeviceGetUtilizationRates, nvmlDeviceGetPowerUsage,
	nvmlDeviceGetTemperature, nvmlDeviceGetClockInfo,
	nvmlDeviceGetTotalEccErrors, nvmlEventSetCreate,
	nvmlDeviceRegisterEvents, nvmlEventSetWait_v2, nvmlEventSetFree,
};
