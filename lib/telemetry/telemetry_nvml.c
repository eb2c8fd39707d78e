/* telemetry_nvml.c - NVML through dlopen (see telemetry_nvml.h). */
#include <ctype.h>
#include <errno.h>
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "telemetry/nvml_abi.h"
#include "telemetry/telemetry_nvml.h"

/* Most XID events collected in one poll: a storm cannot stall a sample. */
#define XID_POLL_MAX 256

/* Where each entry point goes; required ones must all be present. */
static const struct {
	const char *name;
	const char *fallback;	/* older name with a compatible ABI */
	size_t off;
	int required;
} nvml_syms[] = {
	{ "nvmlInit_v2", NULL, offsetof(struct nvml_fns, init), 1 },
	{ "nvmlShutdown", NULL, offsetof(struct nvml_fns, shutdown), 1 },
	{ "nvmlErrorString", NULL, offsetof(struct nvml_fns, error_string), 0 },
	{ "nvmlDeviceGetCount_v2", NULL, offsetof(struct nvml_fns, count), 1 },
	{ "nvmlDeviceGetHandleByIndex_v2", NULL,
	  offsetof(struct nvml_fns, handle), 1 },
	{ "nvmlDeviceGetName", NULL, offsetof(struct nvml_fns, name), 1 },
	{ "nvmlDeviceGetUUID", NULL, offsetof(struct nvml_fns, uuid), 1 },
	{ "nvmlDeviceGetPciInfo_v3", NULL, offsetof(struct nvml_fns, pci), 1 },
	{ "nvmlDeviceGetMemoryInfo", NULL, offsetof(struct nvml_fns, memory), 1 },
	{ "nvmlDeviceGetUtilizationRates", NULL,
	  offsetof(struct nvml_fns, util), 1 },
	{ "nvmlDeviceGetPowerUsage", NULL, offsetof(struct nvml_fns, power), 0 },
	{ "nvmlDeviceGetTemperature", NULL, offsetof(struct nvml_fns, temp), 0 },
	{ "nvmlDeviceGetClockInfo", NULL, offsetof(struct nvml_fns, clock), 0 },
	{ "nvmlDeviceGetTotalEccErrors", NULL, offsetof(struct nvml_fns, ecc), 0 },
	{ "nvmlEventSetCreate", NULL, offsetof(struct nvml_fns, ev_create), 0 },
	{ "nvmlDeviceRegisterEvents", NULL,
	  offsetof(struct nvml_fns, ev_register), 0 },
	{ "nvmlEventSetWait_v2", "nvmlEventSetWait",
	  offsetof(struct nvml_fns, ev_wait), 0 },
	{ "nvmlEventSetFree", NULL, offsetof(struct nvml_fns, ev_free), 0 },
};

struct exl_nvml {
	void *dl;
	struct nvml_fns f;
	unsigned int count;
	nvmlDevice_t dev[EXL_NVML_MAX_GPUS];	/* NULL: no handle */
	struct exl_gpu_info info[EXL_NVML_MAX_GPUS];
	unsigned int nsel;
	unsigned int sel[EXL_NVML_MAX_GPUS];	/* indices into dev/info */
	int xid_on[EXL_NVML_MAX_GPUS];		/* per selected GPU */
	unsigned long long xid_count[EXL_NVML_MAX_GPUS];
	unsigned long long xid_last[EXL_NVML_MAX_GPUS];
	nvmlEventSet_t events;
};

static const char *nvml_str(const struct exl_nvml *nv, nvmlReturn_t rc)
{
	static __thread char buf[32];
	const char *s = nv->f.error_string ? nv->f.error_string(rc) : NULL;

	if (s)
		return s;
	snprintf(buf, sizeof(buf), "NVML error %d", rc);
	return buf;
}

/* Parse 1..max hex digits at *p, stopping at the next non-digit. */
static int hex_field(const char **p, int max, unsigned int *out)
{
	unsigned int v = 0;
	int n = 0;

	for (; isxdigit((unsigned char)**p); (*p)++, n++) {
		if (n == max)
			return -1;
		v = v * 16 + (unsigned int)(isdigit((unsigned char)**p) ?
			**p - '0' : (tolower((unsigned char)**p) - 'a' + 10));
	}
	*out = v;
	return n > 0 ? 0 : -1;
}

int exl_busid_norm(const char *s, char *out, size_t len)
{
	unsigned int dom = 0, bus, dev, fn;
	const char *p = s;

	if (strchr(s, ':') != strrchr(s, ':') &&
	    (hex_field(&p, 8, &dom) < 0 || *p++ != ':'))
		return -1;
	if (hex_field(&p, 2, &bus) < 0 || *p++ != ':' ||
	    hex_field(&p, 2, &dev) < 0 || *p++ != '.' ||
	    hex_field(&p, 1, &fn) < 0 || *p || dom > 0xffff || dev > 0x1f ||
	    fn > 7)
		return -1;
	snprintf(out, len, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return 0;
}

/* owned_by_root: 0 when st is root's and writable by root only. */
static int owned_by_root(const struct stat *st)
{
	return st->st_uid == 0 && !(st->st_mode & (S_IWGRP | S_IWOTH)) ? 0 : -1;
}

/* Refuse a library a non-root user could have written: the file and its
 * directory must be root's and writable by root only. */
static int check_trusted(const char *path, struct exl_err *err)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	struct stat st;

	if (stat(path, &st) < 0)
		return exl_errnof(err, errno, "no NVML: GPU telemetry off (%s)",
				  path);
	if (!S_ISREG(st.st_mode) || owned_by_root(&st) < 0)
		return exl_errf(err, "no NVML: GPU telemetry off (%s: not a "
				"root-owned file writable only by root)", path);
	snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 :
		 (int)(slash - path), path);
	if (stat(dir, &st) < 0)
		return exl_errnof(err, errno, "no NVML: GPU telemetry off (%s)",
				  dir);
	if (owned_by_root(&st) < 0)
		return exl_errf(err, "no NVML: GPU telemetry off (%s: directory "
				"not root-owned or writable by others)", dir);
	return 0;
}

/* Look up every entry point; a missing required one fails. */
static int resolve(struct exl_nvml *nv, const char *libpath,
		   struct exl_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(nvml_syms) / sizeof(nvml_syms[0]); i++) {
		void *sym = dlsym(nv->dl, nvml_syms[i].name);

		if (!sym && nvml_syms[i].fallback)
			sym = dlsym(nv->dl, nvml_syms[i].fallback);
		if (!sym && nvml_syms[i].required)
			return exl_errf(err, "no NVML: GPU telemetry off (%s "
					"lacks %s)", libpath, nvml_syms[i].name);
		/* POSIX guarantees a data pointer holds a function's. */
		memcpy((char *)&nv->f + nvml_syms[i].off, &sym, sizeof(sym));
	}
	return 0;
}

/* Read name, UUID, bus id and memory size of device i. */
static void read_info(struct exl_nvml *nv, unsigned int i)
{
	struct exl_gpu_info *g = &nv->info[i];
	nvmlDevice_t d;
	nvmlPciInfo_t pci;
	nvmlMemory_t mem;

	g->index = i;
	if (nv->f.handle(i, &d) != NVML_SUCCESS)
		return;
	nv->dev[i] = d;
	if (nv->f.name(d, g->name, sizeof(g->name)) != NVML_SUCCESS)
		g->name[0] = '\0';
	if (nv->f.uuid(d, g->uuid, sizeof(g->uuid)) != NVML_SUCCESS)
		g->uuid[0] = '\0';
	memset(&pci, 0, sizeof(pci));
	if (nv->f.pci(d, &pci) == NVML_SUCCESS) {
		pci.busId[sizeof(pci.busId) - 1] = '\0';
		if (exl_busid_norm(pci.busId, g->busid, sizeof(g->busid)) < 0)
			g->busid[0] = '\0';
	}
	if (nv->f.memory(d, &mem) == NVML_SUCCESS)
		g->mem_total = mem.total;
	g->name[sizeof(g->name) - 1] = '\0';
	g->uuid[sizeof(g->uuid) - 1] = '\0';
}

int exl_nvml_open(const char *libpath, int trusted_only,
		  struct exl_nvml **out, struct exl_err *err)
{
	struct exl_nvml *nv;
	nvmlReturn_t rc;
	unsigned int i, n = 0;

	*out = NULL;
	if (!libpath || !*libpath)
		libpath = EXL_NVML_DEFAULT_LIB;
	if (trusted_only && strchr(libpath, '/') &&
	    check_trusted(libpath, err) < 0)
		return -1;
	nv = calloc(1, sizeof(*nv));
	if (!nv)
		return exl_errf(err, "no NVML: GPU telemetry off (out of memory)");
	nv->dl = dlopen(libpath, RTLD_NOW | RTLD_LOCAL);
	if (!nv->dl) {
		const char *why = dlerror();

		exl_errf(err, "no NVML: GPU telemetry off (%s)",
			 why ? why : libpath);
		free(nv);
		return -1;
	}
	if (resolve(nv, libpath, err) < 0)
		goto fail_dl;
	rc = nv->f.init();
	if (rc != NVML_SUCCESS) {
		exl_errf(err, "NVML init failed: GPU telemetry off (%s)",
			 nvml_str(nv, rc));
		goto fail_dl;
	}
	rc = nv->f.count(&n);
	if (rc != NVML_SUCCESS) {
		exl_errf(err, "NVML init failed: GPU telemetry off (couldn't "
			 "count devices: %s)", nvml_str(nv, rc));
		nv->f.shutdown();
		goto fail_dl;
	}
	nv->count = n < EXL_NVML_MAX_GPUS ? n : EXL_NVML_MAX_GPUS;
	for (i = 0; i < nv->count; i++) {
		read_info(nv, i);
		nv->sel[i] = i;
	}
	nv->nsel = nv->count;
	*out = nv;
	return 0;
fail_dl:
	dlclose(nv->dl);
	free(nv);
	return -1;
}

/* find_token: the device a selection token names, or -1 with err set. */
static int find_token(const struct exl_nvml *nv, const char *tok,
		      struct exl_err *err)
{
	char bus[32];
	unsigned int i;
	int found = -1;

	if (*tok && strspn(tok, "0123456789") == strlen(tok)) {
		unsigned long v = strtoul(tok, NULL, 10);

		if (strlen(tok) > 4 || v >= nv->count)
			return exl_errf(err, "GPU selection: no GPU with index "
					"%s (NVML reports %u)", tok, nv->count);
		return (int)v;
	}
	if (!strncmp(tok, "GPU-", 4) || !strncmp(tok, "MIG-", 4)) {
		for (i = 0; i < nv->count; i++) {
			if (strncmp(nv->info[i].uuid, tok, strlen(tok)))
				continue;
			if (found >= 0)
				return exl_errf(err, "GPU selection: '%s' matches "
						"several GPUs", tok);
			found = (int)i;
		}
		if (found < 0)
			return exl_errf(err, "GPU selection: no GPU with UUID "
					"'%s'", tok);
		return found;
	}
	if (exl_busid_norm(tok, bus, sizeof(bus)) == 0) {
		for (i = 0; i < nv->count; i++)
			if (!strcmp(nv->info[i].busid, bus))
				return (int)i;
		return exl_errf(err, "GPU selection: no GPU at PCI bus id '%s'",
				tok);
	}
	return exl_errf(err, "GPU selection: invalid device '%s': use indices, "
			"GPU UUIDs or PCI bus ids", tok);
}

/* Register the selected GPUs for XID events where the driver can. */
static void register_events(struct exl_nvml *nv)
{
	unsigned int i;

	if (nv->events && nv->f.ev_free)
		nv->f.ev_free(nv->events);
	nv->events = NULL;
	memset(nv->xid_on, 0, sizeof(nv->xid_on));
	if (!nv->f.ev_create || !nv->f.ev_register || !nv->f.ev_wait ||
	    !nv->f.ev_free || nv->nsel == 0)
		return;
	if (nv->f.ev_create(&nv->events) != NVML_SUCCESS) {
		nv->events = NULL;
		return;
	}
	for (i = 0; i < nv->nsel; i++) {
		nvmlDevice_t d = nv->dev[nv->sel[i]];

		nv->xid_on[i] = d && nv->f.ev_register(d,
				nvmlEventTypeXidCriticalError,
				nv->events) == NVML_SUCCESS;
	}
}

int exl_nvml_select(struct exl_nvml *nv, const char *sel,
		    struct exl_err *err)
{
	unsigned int pick[EXL_NVML_MAX_GPUS], n = 0, i;
	char *copy, *tok, *save = NULL;
	int rc = 0;

	if (!sel || !strcmp(sel, "all")) {
		for (i = 0; i < nv->count; i++)
			pick[n++] = i;
	} else if (*sel && strcmp(sel, "none")) {
		copy = strdup(sel);
		if (!copy)
			return exl_errf(err, "GPU selection: out of memory");
		for (tok = strtok_r(copy, ",", &save); tok && rc == 0;
		     tok = strtok_r(NULL, ",", &save)) {
			int d = find_token(nv, tok, err);

			if (d < 0) {
				rc = -1;
				break;
			}
			for (i = 0; i < n && pick[i] != (unsigned int)d; i++)
				;
			if (i == n && n < EXL_NVML_MAX_GPUS)
				pick[n++] = (unsigned int)d;
		}
		free(copy);
		if (rc < 0)
			return -1;
	}
	memcpy(nv->sel, pick, n * sizeof(pick[0]));
	nv->nsel = n;
	memset(nv->xid_count, 0, sizeof(nv->xid_count));
	memset(nv->xid_last, 0, sizeof(nv->xid_last));
	register_events(nv);
	return 0;
}

unsigned int exl_nvml_count(const struct exl_nvml *nv)
{
	return nv->count;
}

const struct exl_gpu_info *exl_nvml_info(const struct exl_nvml *nv,
					 unsigned int i)
{
	return i < nv->count ? &nv->info[i] : NULL;
}

unsigned int exl_nvml_nselected(const struct exl_nvml *nv)
{
	return nv->nsel;
}

const struct exl_gpu_info *exl_nvml_selected(const struct exl_nvml *nv,
					     unsigned int i)
{
	return i < nv->nsel ? &nv->info[nv->sel[i]] : NULL;
}

void exl_nvml_poll_events(struct exl_nvml *nv)
{
	nvmlEventData_t ev;
	unsigned int i;
	int n;

	if (!nv->events)
		return;
	for (n = 0; n < XID_POLL_MAX; n++) {
		memset(&ev, 0, sizeof(ev));
		if (nv->f.ev_wait(nv->events, &ev, 0) != NVML_SUCCESS)
			break;
		if (!(ev.eventType & nvmlEventTypeXidCriticalError))
			continue;
		for (i = 0; i < nv->nsel; i++) {
			if (nv->dev[nv->sel[i]] == ev.device) {
				nv->xid_count[i]++;
				nv->xid_last[i] = ev.eventData;
				break;
			}
		}
	}
}

/* ok: whether a call delivered a value.  "Not supported" and "no
 * permission" leave just that field empty; anything else means the
 * device itself failed, which the reading records once. */
static int ok(const struct exl_nvml *nv, nvmlReturn_t rc,
	      struct exl_gpu_reading *r)
{
	if (rc == NVML_SUCCESS)
		return 1;
	if (rc != NVML_ERROR_NOT_SUPPORTED && rc != NVML_ERROR_NO_PERMISSION &&
	    !r->error[0])
		snprintf(r->error, sizeof(r->error), "%s", nvml_str(nv, rc));
	return 0;
}

void exl_nvml_read(struct exl_nvml *nv, unsigned int i,
		   struct exl_gpu_reading *r)
{
	const struct nvml_fns *f = &nv->f;
	nvmlDevice_t d;
	nvmlUtilization_t u;
	nvmlMemory_t m;
	unsigned long long c, uc;
	unsigned int v;

	memset(r, 0, sizeof(*r));
	if (i >= nv->nsel)
		return;
	d = nv->dev[nv->sel[i]];
	if (!d) {
		snprintf(r->error, sizeof(r->error), "no NVML handle");
		return;
	}
	/* Utilization first: the test suite's fake NVML counts samples by
	 * it.  Stop at the first hard error: a lost GPU can make every call
	 * slow. */
	if (ok(nv, f->util(d, &u), r)) {
		r->util = u.gpu;
		r->mem_util = u.memory;
		r->have |= EXL_GPU_UTIL;
	}
	if (!r->error[0] && ok(nv, f->memory(d, &m), r)) {
		r->mem_used = m.used;
		r->mem_total = m.total;
		r->have |= EXL_GPU_MEM;
	}
	if (!r->error[0] && f->power && ok(nv, f->power(d, &v), r)) {
		r->power_mw = v;
		r->have |= EXL_GPU_POWER;
	}
	if (!r->error[0] && f->temp &&
	    ok(nv, f->temp(d, NVML_TEMPERATURE_GPU, &v), r)) {
		r->temp_c = v;
		r->have |= EXL_GPU_TEMP;
	}
	if (!r->error[0] && f->clock && ok(nv, f->clock(d, NVML_CLOCK_SM, &v), r)) {
		r->sm_mhz = v;
		r->have |= EXL_GPU_SM;
	}
	if (!r->error[0] && f->ecc &&
	    ok(nv, f->ecc(d, NVML_MEMORY_ERROR_TYPE_CORRECTED,
			  NVML_VOLATILE_ECC, &c), r) &&
	    ok(nv, f->ecc(d, NVML_MEMORY_ERROR_TYPE_UNCORRECTED,
			  NVML_VOLATILE_ECC, &uc), r)) {
		r->ecc_corrected = c;
		r->ecc_uncorrected = uc;
		r->have |= EXL_GPU_ECC;
	}
	if (r->error[0])
		r->have = 0;
	/* XID counts come from events, so they stay valid (and matter most)
	 * when the device itself stops answering. */
	if (nv->xid_on[i]) {
		r->xid_count = nv->xid_count[i];
		r->xid_last = nv->xid_last[i];
		r->have |= EXL_GPU_XID;
	}
}

void exl_nvml_close(struct exl_nvml *nv)
{
	if (!nv)
		return;
	if (nv->events)
		nv->f.ev_free(nv->events);
	nv->f.shutdown();
	dlclose(nv->dl);
	free(nv);
}
