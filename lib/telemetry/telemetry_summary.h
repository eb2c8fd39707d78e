/* telemetry_summary.h - what a run's telemetry adds up to, for the
 * Results section and the JSON sidecar.
 *
 * Reads <state_dir>/telemetry/<node>.jsonl (all nodes, all steps; lines
 * are hostile input, see telemetry_jsonl.h) and computes per node and
 * overall: mean and max GPU utilization, peak GPU memory, peak job RSS
 * against the memory allocation, GPU energy (trapezoid rule over the
 * power samples), GPU-hours (GPUs x elapsed) and their cost when a price
 * is configured, plus GPU failures, XID and uncorrected-ECC counts.
 *
 * Several samplers may write one node's file (one per step): GPU series
 * are merged per GPU UUID in time order, and the node's RSS at a moment
 * is the sum over the steps' latest samples that are still fresh.
 *
 * Privileges: reads files in a user-controlled directory; call it as
 * the job user (or from a process that is not root).
 */
#ifndef EXL_TELEMETRY_SUMMARY_H
#define EXL_TELEMETRY_SUMMARY_H

#include <json-c/json.h>

#include "util/exl_err.h"

#define EXL_TSUM_MAX_NODES 4096

struct exl_tsum_opts {
	double price_per_gpu_hour;	/* <= 0: no cost line */
	const char *currency;		/* "USD", NULL: none */
	double elapsed_s;		/* job runtime for GPU-hours; 0: each
					 * node's first to last sample */
	unsigned long long alloc_mem_mb;	/* per node; 0: from the
						 * sampler's start lines */
	const char *job_id;		/* only lines of this job; NULL: all */
};

struct exl_tsum;

/* Read and add up.  A missing telemetry directory is an empty summary,
 * not an error. */
int exl_tsum_read(const char *state_dir, const struct exl_tsum_opts *o,
		  struct exl_tsum **out, struct exl_err *err);
void exl_tsum_free(struct exl_tsum *s);

/* Lines read and lines skipped as malformed, over all files. */
unsigned long long exl_tsum_lines(const struct exl_tsum *s);
unsigned long long exl_tsum_malformed(const struct exl_tsum *s);

/* The sidecar object:
 *   {"overall":{...},"nodes":{"n1":{...,"gpus":[{per GPU}]}},
 *    "hardware":{"n1":{telemetry_topo.h object}},"lines":N,"malformed":M}
 * with, overall and per node: samples, ngpus, gpu_util_mean,
 * gpu_util_max, gpu_mem_peak_mib, gpu_mem_total_mib, rss_peak_mib,
 * alloc_mem_mb, rss_peak_pct, energy_kwh, gpu_hours, cost, elapsed_s,
 * gpu_failed_samples, xid, ecc_uncorr (increase during the run); null
 * where unknown. */
json_object *exl_tsum_json(const struct exl_tsum *s);

/* Results bullets, one per call: key "telemetry" (overall) then
 * "telemetry <node>" per node, then "telemetry_note" when lines were
 * skipped or a node had no GPU data.  value is plain markdown text. */
typedef void (*exl_tsum_line_fn)(const char *key, const char *value,
				 void *arg);
int exl_tsum_md_each(const struct exl_tsum *s, exl_tsum_line_fn fn,
		     void *arg);

/* The same as text: "- key: value\n" lines.  Newly allocated. */
char *exl_tsum_md(const struct exl_tsum *s);

/* "- hardware: <node>: ..." lines from the sampler start lines that
 * carried the node's hardware (the newest per node).  Newly allocated,
 * "" when none did.  key: the run log's key for the line (the run store's
 * EXL_K_HARDWARE). */
char *exl_tsum_hardware_md(const struct exl_tsum *s, const char *key);

#endif
