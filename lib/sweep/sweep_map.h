/* sweep_map.h - the sweep's task map: what each array task is.
 *
 * sbatch-exp writes one map per submitted sweep and hands its path to
 * the job in EXP_LOG_SWEEP; the plugin, as the job user, looks up its
 * SLURM_ARRAY_TASK_ID there and records that task's name and
 * statepoints.  One line per task: "INDEX<TAB>TASK<TAB>K=V,K2=V2".
 */
#ifndef EXL_SWEEP_MAP_H
#define EXL_SWEEP_MAP_H

#include <stddef.h>

#include "util/exl_err.h"
#include "sweep/sweep.h"

/* The environment variable that names the map in the job. */
#define EXL_SWEEP_ENV "EXP_LOG_SWEEP"
/* Prefix of the per-statepoint variables: EXP_SP_LR=0.01. */
#define EXL_SWEEP_SP_ENV "EXP_SP_"

/* The map's text (newly allocated), or NULL when out of memory. */
char *exl_sweep_map_text(const struct exl_sweep_tasks *t);

/* Look task index up in the map at path: its name into task (81 bytes)
 * and its statepoints into sp.  -1 with err when the map cannot be read
 * or has no such task. */
int exl_sweep_map_lookup(const char *path, unsigned index, char *task,
			 char *sp, size_t splen, struct exl_err *err);

/* "lr" -> "EXP_SP_LR" ('.' and '-' become '_'). */
void exl_sweep_env_name(const char *key, char *out, size_t len);

/* Call fn(arg, "EXP_SP_K", "V") for each k=v of "k=v,k2=v2"; stops at
 * and returns the first non-zero return of fn. */
int exl_sweep_sp_each(const char *sp,
		      int (*fn)(void *arg, const char *env, const char *val),
		      void *arg);

/* "0-11%4" or "1,4,7-9": the --array value for these indices (sorted,
 * ascending) and throttle (0: none).  Newly allocated. */
char *exl_sweep_array_spec(const unsigned *idx, size_t n, long throttle);

#endif
