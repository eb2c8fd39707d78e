/* run_monitor.h - the batch step's watcher: evidence lines in Status while
 * the job runs, Results at its end.
 *
 * Runs in the detached, unprivileged monitor process (monitor_proc.h).
 * Every tick it reads what is new in the job's stdout, stderr and
 * $EXP_LOG_STATE/metrics.jsonl (progress.h); every status interval it
 * appends one Status line with concrete evidence (or "stalled"), plus a
 * quote of each new error line; and one line when the telemetry shows
 * the job's GPUs or CPUs idle for long (telemetry_idle.h).  When asked
 * to stop it reads the rest and writes final step, losses, the loss
 * one-liner and the newest checkpoint into Results.  Before all that it
 * reads the slow facts its start left to it (run_late.h).  Its tracker
 * state survives in <state dir>/progress.json, so a resumed or requeued
 * job continues the same series.
 */
#ifndef EXL_RUN_MONITOR_H
#define EXL_RUN_MONITOR_H

#include <stddef.h>
#include <time.h>

#include "telemetry/telemetry_idle.h"
#include "util/exl_err.h"

struct exl_config;
struct exl_run_facts;

struct exl_run_monitor_cfg {
	const char *root;		/* run-log root */
	const char *job_id;
	const char *state_dir;
	const char *run_log;		/* for messages; NULL: unknown */
	const char *stdout_path;	/* "" or NULL: unknown */
	const char *stderr_path;	/* may equal stdout_path */
	const char *work_dir;		/* checkpoint globs are relative to it */
	time_t job_start;
	/* a requeued link: the earlier links' newest checkpoint, Results'
	 * checkpoint when this link wrote none ("" or NULL: none) */
	const char *resume_checkpoint;
	int status_interval;		/* seconds, 0: no periodic lines */
	int stall_intervals;		/* intervals without progress: stalled */
	double tick;			/* seconds between reads, 0: default */
	/* patterns, checkpoint globs: the merged configuration */
	const struct exl_config *config;
	/* environment capture commands (name, command), run once at start */
	const char *const *env_names;
	const char *const *env_commands;
	size_t n_env;
	const char *submit_dir;		/* where they run */
	/* latest GPU utilization in percent, -1 when unknown */
	int (*gpu_util)(void *arg);
	void *gpu_arg;
	/* the batch node's telemetry file (NULL: telemetry off) and when
	 * its samples say GPUs or CPUs sit idle (telemetry_idle.h) */
	const char *telemetry_file;
	struct exl_idle_cfg idle;
	/* the run's facts whose slow part (code state, dataset) the start
	 * left to the monitor (run_late.h): read first thing, while the
	 * program runs; NULL: none to read */
	struct exl_run_facts *late;
};

/* A gpu_util callback: the mean GPU utilization of the newest sample in
 * the telemetry file arg (a path), -1 when there is none or GPUs are off. */
int exl_run_monitor_gpu_util(void *arg);

/* How the batch step's program ended, sent by the step when it stops the
 * monitor (exl_monitor_stop_with): the monitor writes it with its last
 * Results, one edit of the run log instead of the monitor's and then the
 * step's.  A monitor that did so starts its report with
 * EXL_RUN_MONITOR_ENDED; otherwise the step writes the end itself. */
struct exl_run_monitor_end {
	unsigned int magic;		/* EXL_RUN_MONITOR_END_MAGIC */
	int have_status, wstatus;	/* as in struct exl_run_end */
	int page;
	long long end;
};
#define EXL_RUN_MONITOR_END_MAGIC 0x45584c45u
#define EXL_RUN_MONITOR_ENDED '+'

/* The monitor body: run until stop_fd is readable (see monitor_proc.h).
 * arg is a struct exl_run_monitor_cfg.  A run-log write that fails (full
 * or read-only filesystem) never stops it: the lost updates are noted in
 * Status once a write works again (write_misses.h), and a line for
 * slurmstepd's log goes to report_fd at the end. */
void exl_run_monitor(void *arg, int stop_fd, int report_fd);

#endif
