/* run_data.h - the series a run's report page plots, read from its state
 * directory (every file there is written by the job user: hostile input,
 * read with bounds):
 *
 *   metrics.jsonl        every numeric top-level key against the step
 *                        (the full series; the first EXL_RD_MAX_SCALARS
 *                        keys), train/val loss by progress.h's keys
 *   progress.json        the monitor's loss series (bounded, downsampled),
 *                        used when metrics.jsonl gives no loss
 *   telemetry/<node>.jsonl  CPU % and RSS per node, GPU util / memory /
 *                        power per GPU, and the allocation (start lines)
 */
#ifndef EXL_RUN_DATA_H
#define EXL_RUN_DATA_H

#include <stddef.h>

#include "util/exl_err.h"
#include "report/plot.h"

#define EXL_RD_MAX_SCALARS 12
#define EXL_RD_MAX_GPUS 16
#define EXL_RD_MAX_NODES 64
#define EXL_RD_MAX_LINKS 64
/* Largest metrics.jsonl read (bytes). */
#define EXL_RD_METRICS_MAX (512u << 20)

struct exl_rd_series {
	char name[64];
	struct exl_xy *v;
	size_t n, cap;
};

struct exl_rd_gpu {
	int index;
	struct exl_rd_series util, mem, power;
	double mem_total;		/* MiB, 0: unknown */
};

struct exl_rd_node {
	char name[64];
	struct exl_rd_series cpu, rss;
	double cpu_limit;		/* 100 x allocated CPUs, 0: unknown */
	double mem_limit;		/* allocated MiB, 0: unknown */
	struct exl_rd_gpu gpu[EXL_RD_MAX_GPUS];
	size_t ngpu;
};

struct exl_run_data {
	struct exl_rd_series train, val;	/* loss against step */
	struct exl_rd_series scalar[EXL_RD_MAX_SCALARS];
	size_t nscalar;
	double links[EXL_RD_MAX_LINKS];	/* steps where a restart began */
	size_t nlinks;
	const char *loss_source;	/* "metrics.jsonl", "progress.json",
					 * NULL: none */
	unsigned long long skipped;	/* metrics lines not read */
	struct exl_rd_node *node;	/* sorted by name */
	size_t nnode;
};

/* Append (x, y) to a series.  Returns 0, -1 out of memory. */
int exl_rd_add(struct exl_rd_series *s, double x, double y);

/* Parse one metrics.jsonl line (len bytes): the numeric top-level keys
 * into d's series.  Returns 0, or -1 when the line is not a flat JSON
 * object (skipped) or memory ran out (-2). */
int exl_rd_metrics_line(struct exl_run_data *d, const char *line,
			size_t len, double *last_step);

/* Read everything under state_dir (missing files are no error).
 * Returns 0, or -1 with err set (out of memory). */
int exl_rd_load(const char *state_dir, struct exl_run_data *d,
		struct exl_err *err);

/* The values of a series' y, newly allocated (for sparklines). */
double *exl_rd_values(const struct exl_rd_series *s);

void exl_rd_free(struct exl_run_data *d);

#endif
