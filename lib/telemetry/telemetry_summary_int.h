/* telemetry_summary_int.h - the accumulators behind telemetry_summary.h,
 * shared by its reading half (telemetry_summary.c) and its output half
 * (telemetry_summary_out.c).  Not a public interface. */
#ifndef EXL_TELEMETRY_SUMMARY_INT_H
#define EXL_TELEMETRY_SUMMARY_INT_H

#include "util/exl_err.h"
#include "telemetry/telemetry_summary.h"

#define TSUM_MAX_GPUS 64	/* per node */
#define TSUM_MAX_STEPS 32	/* per node, for the RSS sum */

/* One GPU's series on one node. */
struct tsum_gpu {
	char uuid[96];			/* or "index N" */
	unsigned long long samples, util_n, failed;
	double util_sum;
	long long util_max, mem_peak, mem_total;	/* -1: none */
	double energy_j;
	int have_last;
	double last_t, last_w;
	long long xid, xid_last;			/* -1: none */
	long long ecc_min, ecc_max;			/* -1: none */
	char error[128];		/* last failure */
};

/* The latest RSS of one step, for summing concurrent steps. */
struct tsum_step {
	char name[32];
	double t, interval;
	long long rss;
};

struct tsum_node {
	char name[81];
	unsigned long long samples;
	double first_t, last_t;
	int ngpus, gpu_seen;
	struct tsum_gpu *gpu;		/* TSUM_MAX_GPUS of them */
	int nsteps;
	struct tsum_step step[TSUM_MAX_STEPS];
	long long rss_peak, mem_avail_min, fs_free_min;	/* MiB, -1: none */
	unsigned long long alloc_mem_mb;
	json_object *hardware;		/* newest, owned reference */
	double hardware_t;
	char gpu_note[256];
};

struct exl_tsum {
	struct exl_tsum_opts opts;
	char *currency;
	int nnodes, cap;
	struct tsum_node *node;		/* sorted by name */
	unsigned long long lines, malformed;
	unsigned int skipped;		/* files that could not be read */
	char skip_note[sizeof(((struct exl_err *)0)->text)];	/* first error */
};

/* Totals of one node, or of all: what the outputs print. */
struct tsum_totals {
	int nnodes, ngpus, gpu_seen;
	unsigned long long samples, util_n, failed;
	double util_sum, energy_j, gpu_hours, elapsed;
	long long util_max, mem_peak, mem_total, rss_peak, xid, ecc_uncorr;
	unsigned long long alloc_mb;	/* of the node with rss_peak */
	const char *rss_node;		/* overall: which node */
};

void tsum_node_totals(const struct exl_tsum *s, const struct tsum_node *n,
		      struct tsum_totals *t);
void tsum_overall(const struct exl_tsum *s, struct tsum_totals *t);

#endif
