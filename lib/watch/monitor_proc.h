/* monitor_proc.h - a watcher process beside a job step.
 *
 * The batch step's evidence lines (and each step's telemetry) come from a
 * small process that runs as the job's user for the whole step.  It is
 * started from slurmstepd's user_init hook, where the effective uid is
 * already the user's: the child makes the drop permanent (setresgid,
 * setresuid; stepd has set the supplementary groups), detaches with a
 * double fork so Slurm's process tracking never waits for it, and runs
 * fn(arg, stop_fd).  fn must return when stop_fd becomes readable (EOF):
 * that happens when exl_monitor_stop closes the other end, or when
 * slurmstepd dies.  exl_monitor_stop then waits (bounded) until fn has
 * returned, so the monitor's last writes land before the step's own.
 *
 * The monitor has no log of its own (it runs as the user, detached, with
 * slurmstepd's log file closed): what it writes to report_fd before it
 * returns (one write, under PIPE_BUF bytes) is handed to the caller of
 * exl_monitor_stop, which logs it.
 */
#ifndef EXL_MONITOR_PROC_H
#define EXL_MONITOR_PROC_H

#include <sys/types.h>

#include "util/exl_err.h"

struct exl_monitor {
	int stop_fd;		/* write end: close to ask the monitor to end */
	int done_fd;		/* read end: EOF once the monitor has ended */
	pid_t pid;		/* the detached monitor, for logs */
};

typedef void (*exl_monitor_fn)(void *arg, int stop_fd, int report_fd);

/* Start fn as a detached process owned by uid/gid.  The caller's euid
 * must be uid (or the caller is root).  m is reset first. */
int exl_monitor_start(struct exl_monitor *m, uid_t uid, gid_t gid,
		      exl_monitor_fn fn, void *arg, struct exl_err *err);

/* The two pipes between a step and its monitor, for a monitor started
 * by a process that already is the user for good (the child that writes
 * the run log's start: one fork less per job than exl_monitor_start).
 * The step opens them before it forks that process, which calls
 * exl_monitor_spawn; the step then takes its ends with
 * exl_monitor_adopt, or closes all four when no monitor was started. */
struct exl_monitor_pipes {
	int stop[2];
	int done[2];
};

int exl_monitor_pipes_open(struct exl_monitor_pipes *p, struct exl_err *err);
void exl_monitor_pipes_close(struct exl_monitor_pipes *p);

/* Fork fn(arg, stop, report) as a monitor in its own session, with only
 * its two pipe ends open.  The caller is already who the monitor runs
 * as (it does not drop) and should exit soon, so the monitor is nobody's
 * child that anyone waits for.  Returns the monitor's pid, -1 with err. */
pid_t exl_monitor_spawn(const struct exl_monitor_pipes *p, exl_monitor_fn fn,
			void *arg, struct exl_err *err);

/* The step's side once pid runs: keep the step's ends in m, close the
 * monitor's. */
void exl_monitor_adopt(struct exl_monitor *m, struct exl_monitor_pipes *p,
		       pid_t pid);

/* Ask the monitor to end and wait up to timeout_s for it.  Returns 0 when
 * it ended in time, -1 otherwise (it is then left to finish alone).  What
 * it wrote to report_fd lands in report (NUL-terminated, "" for nothing;
 * report may be NULL). */
int exl_monitor_stop(struct exl_monitor *m, int timeout_s, char *report,
		     size_t len);

/* exl_monitor_stop, telling the monitor msg (at most PIPE_BUF bytes, one
 * write) before the end of stop_fd: what it needs for its last writes. */
int exl_monitor_stop_with(struct exl_monitor *m, const void *msg,
			  size_t msg_len, int timeout_s, char *report,
			  size_t len);

/* In the monitor, once asked to stop: what the caller of
 * exl_monitor_stop_with sent, up to len bytes, read until the end of
 * stop_fd (at most a second).  Returns the bytes read (0: nothing
 * sent, or slurmstepd is gone). */
size_t exl_monitor_stop_msg(int stop_fd, void *buf, size_t len);

/* Sleep until stop_fd is readable or secs (may be fractional) passed.
 * Returns 1 when asked to stop, 0 on timeout. */
int exl_monitor_wait(int stop_fd, double secs);

#endif
