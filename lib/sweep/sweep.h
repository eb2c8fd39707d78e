/* sweep.h - a sweep spec (sbatch-exp(1)) and the tasks it expands to.
 *
 * exl_sweep_load reads the YAML spec with lib/util's bounded YAML tree
 * and checks everything before anything is submitted; every refusal is
 * one line "FILE:LINE: what is wrong: the fix".  exl_sweep_expand turns
 * the grid (product axes, zipped axes, excluded combinations, a seeded
 * random sample) into the job array's tasks, each with its statepoints
 * and a stable name made from them.
 */
#ifndef EXL_SWEEP_H
#define EXL_SWEEP_H

#include <stddef.h>

#include "util/exl_err.h"

/* Most combinations a grid may have before sampling and exclusion. */
#define EXL_SWEEP_MAX_COMBOS 100000
/* Most tasks one sweep may submit (one job array). */
#define EXL_SWEEP_MAX_TASKS 10000
/* Longest statepoint name; names are [A-Za-z][A-Za-z0-9_]*. */
#define EXL_SWEEP_NAME_MAX 32
/* Longest statepoint value. */
#define EXL_SWEEP_VALUE_MAX 64

/* One swept statepoint: its values, and the zip group it moves with
 * (-1: an axis of its own in the product). */
struct exl_sweep_axis {
	char *name;
	int line;
	char **vals;
	size_t nvals;
	int zip;
};

/* A "key: value" of the sbatch: or exp: section; val NULL: a flag. */
struct exl_sweep_pair {
	char *key;
	char *val;
	int line;
};

/* One excluded combination: axis index and value, ANDed. */
struct exl_sweep_exclude {
	size_t n;
	size_t *axis;
	char **val;
	int line;
};

struct exl_sweep_spec {
	char *file;		/* as given, for messages */
	char *script;
	int script_line;
	char **args;
	size_t nargs;
	char *name;		/* sweep name: the run-log group */
	struct exl_sweep_pair *sbatch;
	size_t nsbatch;
	struct exl_sweep_pair *exp;
	size_t nexp;
	long throttle;		/* %N, 0: none */
	struct exl_sweep_axis *axes;
	size_t naxes;
	int nzip;		/* zip groups */
	struct exl_sweep_exclude *excl;
	size_t nexcl;
	long sample;		/* tasks to draw, 0: all */
	unsigned long long seed;
	int grid_line;		/* for "empty grid" */
	/* chain stages (sweep_chain.h) */
	int stage;		/* parsed as a stage: after: allowed, grid:
				 * optional (none: one job, not an array) */
	int after_any;		/* after: any (afterany), else afterok */
	char *group;		/* the run-log group when exp: has none
				 * (a chain's name), NULL: the name */
};

/* One task of the array. */
struct exl_sweep_task {
	unsigned index;		/* SLURM_ARRAY_TASK_ID */
	char name[81];		/* stable task name from the statepoints */
	char *sp;		/* "k=v,k2=v2" in axis order */
};

struct exl_sweep_tasks {
	struct exl_sweep_task *t;
	size_t n;
};

/* Parse and check the spec held in buf (file names it in messages). */
int exl_sweep_parse(const char *file, const char *buf, size_t len,
		    struct exl_sweep_spec *s, struct exl_err *err);

struct exl_yaml_node;

/* Parse and check one spec's mapping (s->file and s->stage set by the
 * caller, the rest zeroed); a chain's stages go through here. */
int exl_sweep_parse_node(struct exl_sweep_spec *s,
			 const struct exl_yaml_node *root, struct exl_err *err);

/* Read and parse the spec file at path. */
int exl_sweep_load(const char *path, struct exl_sweep_spec *s,
		   struct exl_err *err);

void exl_sweep_free(struct exl_sweep_spec *s);

/* Number of combinations before exclusion and sampling; -1 with err when
 * over EXL_SWEEP_MAX_COMBOS. */
long exl_sweep_combos(const struct exl_sweep_spec *s, struct exl_err *err);

/* Expand the grid into tasks numbered 0..n-1.  Refuses an empty result,
 * more than EXL_SWEEP_MAX_TASKS tasks and two tasks with the same name. */
int exl_sweep_expand(const struct exl_sweep_spec *s, struct exl_sweep_tasks *out,
		     struct exl_err *err);

void exl_sweep_tasks_free(struct exl_sweep_tasks *t);

/* 1 when name is a valid statepoint name for a sweep. */
int exl_sweep_valid_name(const char *name);

#endif
