/* telemetry_sampler.h - the per-node telemetry sampler: a thread that
 * appends one JSON line per interval to <state_dir>/telemetry/<node>.jsonl
 * (schema in telemetry_sample.h).
 *
 * Where it runs: inside slurmstepd, started with the batch step and with
 * each srun step, stopped at step end.  It never blocks the job: start
 * only opens two descriptors and creates the thread (NVML, hwloc and the
 * first sample happen in the thread), stop waits at most
 * EXL_SAMPLER_STOP_WAIT_MS.  The thread runs at nice EXL_SAMPLER_NICE
 * (back to the caller's priority once stop waits for it, where the
 * caller may raise it), blocks every signal, never forks, never exits the process and never
 * prints.
 *
 * Privileges: call exl_sampler_start with the job user's effective uid
 * (slurm_spank_user_init): it creates <state_dir>/telemetry and opens the
 * output file, refusing symlinks, FIFOs and other non-regular files.  The
 * thread afterwards only writes to those descriptors and reads /proc,
 * /sys and NVML, so it stays safe when slurmstepd is root again.  The
 * NVML library path must come from the site configuration (it is loaded
 * into a root process); set nvml_trusted_only when running as root.
 * A plugin that may be unloaded while a stuck sampler is still running
 * (see exl_sampler_stop) must be linked with -z nodelete.
 */
#ifndef EXL_TELEMETRY_SAMPLER_H
#define EXL_TELEMETRY_SAMPLER_H

#include <sys/types.h>

#include "util/exl_err.h"
#include "telemetry/telemetry_proc.h"
#include "telemetry/telemetry_sample.h"
#include "telemetry/telemetry_topo.h"

/* How long exl_sampler_stop waits for the thread before leaving it. */
#define EXL_SAMPLER_STOP_WAIT_MS 2000

/* The sampler thread's nice value: it yields to the job it watches. */
#define EXL_SAMPLER_NICE 10

struct exl_sampler_cfg {
	unsigned int interval_ms;	/* > 0; the option gives seconds */
	const char *state_dir;		/* the run's state dir (exists) */
	const char *node;		/* file name: [A-Za-z0-9._-], <= 80 */
	const char *job_id;		/* Slurm job id; NULL: none */
	const char *step;		/* "batch", "0", ...; NULL: none */

	/* The job's processes, first one set wins; none: no process
	 * fields.  pids_fn runs on the sampler thread. */
	int (*pids_fn)(void *arg, struct exl_pidset *out);
	void *pids_arg;
	const char *cgroup_dir;		/* pids of this cgroup subtree */
	pid_t pid_root;			/* descendants of this pid */
	int include_root;

	const char *fs_path;		/* free space of; NULL: state_dir */

	const char *nvml_lib;		/* NULL: libnvidia-ml.so.1; "off":
					 * no GPU telemetry */
	int nvml_trusted_only;		/* see telemetry_nvml.h */
	const char *gpus;		/* selection, see exl_nvml_select */

	int hardware;			/* add the node's hardware to the
					 * start line */
	const char *hwloc_xml;		/* NULL: this machine */
	struct exl_topo_alloc alloc;	/* job's CPUs/memory on the node */

	/* For tests and benchmarks: the wall clock for the "t" stamps
	 * (NULL: CLOCK_REALTIME), so energy figures come out exact; and a
	 * number of samples after which the thread only waits for stop
	 * (0: no limit). */
	double (*clock_fn)(void *arg);
	void *clock_arg;
	unsigned long long max_samples;
};

struct exl_sampler;

/* Validate cfg, open the output, start the thread.  The first sample is
 * taken right away.  cfg's strings are copied. */
int exl_sampler_start(const struct exl_sampler_cfg *cfg,
		      struct exl_sampler **out, struct exl_err *err);

/* Stop promptly: wakes the thread and waits up to
 * EXL_SAMPLER_STOP_WAIT_MS for it.  Returns 0 when it ended and
 * everything is freed; 1 when it is stuck (say, in a hung NVML call):
 * it is then detached and frees itself when the call returns.  s is
 * invalid afterwards either way.  NULL is fine. */
int exl_sampler_stop(struct exl_sampler *s);

/* The newest sample's short form (for Status lines).  Returns 0, or 1
 * when no sample has been taken yet. */
int exl_sampler_latest(struct exl_sampler *s, struct exl_sample_brief *b);

/* Whether GPU telemetry is on: 1 on, 0 off (note says why, e.g. "no
 * NVML: GPU telemetry off (...)"), -1 not known yet (NVML still
 * loading). */
int exl_sampler_gpu_state(struct exl_sampler *s, char *note, size_t len);

struct exl_sampler_usage {
	double cpu_s;		/* the thread's user + system CPU time, from
				 * getrusage(RUSAGE_THREAD) after each
				 * sample */
	double wall_s;		/* since exl_sampler_start */
	unsigned long long samples;
	unsigned long long write_errors;	/* lines lost or cut short */
};

/* The sampler's own cost so far. */
void exl_sampler_cpu_usage(struct exl_sampler *s, struct exl_sampler_usage *u);

#endif
