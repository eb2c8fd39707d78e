/* telemetry_nvml.h - GPU readings through NVML, loaded at run time.
 *
 * NVML is opened with dlopen() (default libnvidia-ml.so.1), so exp-log
 * builds and runs on machines without NVIDIA software: a missing library
 * or a failing nvmlInit only turns GPU telemetry off, with one line that
 * says why.  The handle is used by one thread at a time (the sampler's).
 *
 * Privileges: inside slurmstepd this code runs as root, so the library
 * path must come from the site configuration, never from a user: pass
 * trusted_only when running privileged, and a path containing '/' is then
 * loaded only when it and its directory are owned by root and writable by
 * nobody else.
 */
#ifndef EXL_TELEMETRY_NVML_H
#define EXL_TELEMETRY_NVML_H

#include <stddef.h>

#include "util/exl_err.h"

#define EXL_NVML_DEFAULT_LIB "libnvidia-ml.so.1"
#define EXL_NVML_MAX_GPUS 64

struct exl_nvml;

/* What NVML says about one device, read once when NVML is opened. */
struct exl_gpu_info {
	unsigned int index;		/* NVML index */
	char name[96];			/* "NVIDIA H100 80GB HBM3" */
	char uuid[96];			/* "GPU-..." */
	char busid[32];			/* "0000:17:00.0", "" when unknown */
	unsigned long long mem_total;	/* bytes, 0 when unknown */
};

/* Bits of exl_gpu_reading.have: which fields hold a value. */
enum {
	EXL_GPU_UTIL = 1 << 0,		/* util, mem_util */
	EXL_GPU_MEM = 1 << 1,		/* mem_used, mem_total */
	EXL_GPU_POWER = 1 << 2,
	EXL_GPU_TEMP = 1 << 3,
	EXL_GPU_SM = 1 << 4,
	EXL_GPU_ECC = 1 << 5,
	EXL_GPU_XID = 1 << 6,		/* xid_count, xid_last */
};

/* One reading of one GPU.  When the device fails, error says why and
 * have keeps only EXL_GPU_XID (the caller reports null fields and
 * carries on). */
struct exl_gpu_reading {
	unsigned int have;
	unsigned int util, mem_util;		/* percent */
	unsigned long long mem_used, mem_total;	/* bytes */
	unsigned int power_mw;
	unsigned int temp_c;
	unsigned int sm_mhz;
	unsigned long long ecc_corrected, ecc_uncorrected;	/* volatile */
	unsigned long long xid_count;	/* XID events since exl_nvml_open */
	unsigned long long xid_last;	/* last XID number, 0: none yet */
	char error[128];
};

/* dlopen libpath (NULL: the default), resolve the entry points, run
 * nvmlInit_v2 and read every device's exl_gpu_info.  On failure *out is
 * NULL and err holds one line, "no NVML: GPU telemetry off (why)" or
 * "NVML init failed: GPU telemetry off (why)".  All devices start
 * selected. */
int exl_nvml_open(const char *libpath, int trusted_only,
		  struct exl_nvml **out, struct exl_err *err);

/* Restrict readings to the job's GPUs.  sel is CUDA_VISIBLE_DEVICES
 * style: NULL or "all" selects every device, "" or "none" none; otherwise
 * a comma list of NVML indices, GPU UUIDs (a unique prefix is enough, as
 * with CUDA) or PCI bus ids ("0000:17:00.0").  Selected GPUs are also
 * registered for XID events where the driver supports it. */
int exl_nvml_select(struct exl_nvml *nv, const char *sel,
		    struct exl_err *err);

/* All devices NVML reports, and the selected ones (in selection order). */
unsigned int exl_nvml_count(const struct exl_nvml *nv);
const struct exl_gpu_info *exl_nvml_info(const struct exl_nvml *nv,
					 unsigned int i);
unsigned int exl_nvml_nselected(const struct exl_nvml *nv);
const struct exl_gpu_info *exl_nvml_selected(const struct exl_nvml *nv,
					     unsigned int i);

/* Collect pending XID events (never waits).  Call once per sample,
 * before reading the GPUs. */
void exl_nvml_poll_events(struct exl_nvml *nv);

/* Read selected GPU i (0 .. nselected-1). */
void exl_nvml_read(struct exl_nvml *nv, unsigned int i,
		   struct exl_gpu_reading *r);

/* nvmlShutdown and dlclose.  NULL is fine. */
void exl_nvml_close(struct exl_nvml *nv);

/* Normalize a PCI bus id ("00000000:17:00.0", "17:00.0") to hwloc's
 * "0000:17:00.0" form.  Returns -1 when s is not a bus id. */
int exl_busid_norm(const char *s, char *out, size_t len);

#endif
