/* telemetry_sample.h - one telemetry sample as a line of JSON, and the
 * short form Status lines quote.
 *
 * <run state dir>/telemetry/<node>.jsonl holds one JSON object per line.
 * Every sampler run starts with a "start" line, then one "sample" line
 * per interval (schema version "v": 1; sizes in MiB, power in W):
 *
 *   {"type":"sample","v":1,"t":1764093600.123,"node":"n1","job":"1234",
 *    "step":"batch","interval_s":10.000,"seq":3,
 *    "nprocs":5,"cpu_s":812.41,"cpu_pct":397.8,"rss_mib":12345,
 *    "load1":4.02,"load5":3.9,"load15":3.1,
 *    "mem_total_mib":515890,"mem_avail_mib":401234,
 *    "fs_free_mib":912345,"fs_total_mib":1048576,
 *    "gpus":[{"index":0,"uuid":"GPU-...","util":97,"mem_util":41,
 *             "mem_used_mib":61234,"mem_total_mib":81559,
 *             "power_w":612.5,"temp_c":71,"sm_mhz":1980,
 *             "ecc_corr":0,"ecc_uncorr":0,"xid":0,"xid_last":null}]}
 *
 * A value that could not be read is null (cpu_pct on the first sample,
 * a GPU field the device does not support).  A GPU that failed this time
 * has every reading null and an "error" string (its XID counts stay:
 * they come from events).  Without NVML there is no "gpus" key at all;
 * with NVML and no allocated GPU it is [].
 */
#ifndef EXL_TELEMETRY_SAMPLE_H
#define EXL_TELEMETRY_SAMPLE_H

#include <json-c/json.h>

#include "util/exl_err.h"
#include "telemetry/telemetry_nvml.h"
#include "telemetry/telemetry_proc.h"

#define EXL_SAMPLE_VERSION 1

/* Everything one sample read; a have_* flag of 0 gives nulls. */
struct exl_sample {
	double t;			/* seconds since the epoch */
	unsigned long long seq;		/* 0, 1, ... within one sampler run */
	int have_proc, have_node, have_fs;
	struct exl_proc_usage proc;
	struct exl_node_usage node;
	unsigned long long fs_free, fs_total;	/* bytes */
	int gpu_on;			/* NVML is up: emit "gpus" */
	unsigned int ngpus;
	const struct exl_gpu_info *gpu_info[EXL_NVML_MAX_GPUS];
	struct exl_gpu_reading gpu[EXL_NVML_MAX_GPUS];
};

/* Who wrote a line: every line carries these. */
struct exl_sample_src {
	const char *node;
	const char *job;	/* Slurm job id, NULL: omitted */
	const char *step;	/* NULL: omitted */
	double interval_s;
};

/* The sample as a JSON object (schema above); NULL when out of memory. */
json_object *exl_sample_to_json(const struct exl_sample *s,
				const struct exl_sample_src *src);

/* The fields of src into o ("node", "job", "step", "interval_s"). */
void exl_sample_src_json(json_object *o, const struct exl_sample_src *src);

/* A double as JSON with a fixed number of decimals (no 0.1000000001). */
json_object *exl_json_fixed(double v, int decimals);

/* A finite number field (int or double) no larger than 1e15 in
 * magnitude, so it converts to long long safely; 0 when absent, null,
 * not a number or out of range. */
int exl_json_num(json_object *o, const char *key, double *out);

/* What a Status line says about the latest sample. */
struct exl_sample_brief {
	double t;
	int gpu_on;		/* the sample had a "gpus" array */
	int ngpus, ngpus_ok;	/* GPUs, and those that answered */
	double gpu_util_mean;
	long long gpu_util_max;
	long long gpu_mem_max_mib;	/* busiest GPU's memory */
	long long gpu_mem_total_mib;	/* and its size */
	int cpu_pct_valid;
	double cpu_pct;
	long long rss_mib;	/* -1 when unknown */
};

/* Fill b from a parsed sample line.  -1 when obj is not a sample. */
int exl_sample_brief(json_object *obj, struct exl_sample_brief *b);

/* "GPU util 87% (4 GPUs, max 100%), GPU mem 59.8 GiB of 79.6 GiB,
 *  CPU 398%, RSS 12.1 GiB"; GPU telemetry off gives "GPU n/a". */
void exl_sample_brief_text(const struct exl_sample_brief *b, char *buf,
			   size_t len);

/* The newest sample line of a .jsonl file (read from its last 64 KiB;
 * the file is not trusted).  Returns 0, 1 when the file holds no sample
 * yet, -1 on error. */
int exl_telemetry_latest(const char *path, struct exl_sample_brief *b,
			 struct exl_err *err);

#endif
