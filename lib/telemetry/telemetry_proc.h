/* telemetry_proc.h - what a job's processes and its node are doing, from
 * /proc: CPU time and RSS of a set of pids, load and memory of the node,
 * free space of a filesystem.
 *
 * Everything here reads world-readable /proc files and tolerates pids
 * that vanish between listing and reading.  Sizes are bounded: at most
 * EXL_PROC_MAX_PIDS pids per set, fixed buffers per file.  No privileges
 * needed; nothing is written.
 */
#ifndef EXL_TELEMETRY_PROC_H
#define EXL_TELEMETRY_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "util/exl_err.h"

#define EXL_PROC_MAX_PIDS 65536

struct exl_pidset {
	pid_t *pids;
	size_t n, cap;
};

/* Read fd until len bytes or end of file, retrying EINTR.  Returns the
 * count (short at end of file), or -1 when the first read failed. */
ssize_t exl_read_upto(int fd, void *buf, size_t len);

/* Append pid (a no-op past EXL_PROC_MAX_PIDS).  -1 when out of memory. */
int exl_pidset_add(struct exl_pidset *s, pid_t pid);
void exl_pidset_free(struct exl_pidset *s);

/* Replace s with the descendants of root (and root itself when
 * include_root).  Walks /proc/PID/task/TID/children from root, which
 * costs in proportion to the job's own processes; kernels without those
 * files get one scan of every /proc/PID/stat, matching parent pids.
 * Processes that daemonized away from root are not found.  Returns the
 * count, or -1 (root gone: ESRCH). */
int exl_proc_descendants(pid_t root, int include_root, struct exl_pidset *s);

/* The same through the /proc scan only (the fallback; tests compare). */
int exl_proc_descendants_scan(pid_t root, int include_root,
			      struct exl_pidset *s);

/* Replace s with the pids in cgroup directory dir and its children
 * (cgroup.procs files, v1 or v2), at most 8 levels deep. */
int exl_proc_cgroup_pids(const char *dir, struct exl_pidset *s,
			 struct exl_err *err);

/* CPU and memory use of a pid set. */
struct exl_proc_usage {
	size_t nprocs;			/* pids that could be read */
	double cpu_s;			/* utime + stime of those, seconds */
	double cpu_pct;			/* since the last sample, 100 = a core */
	int cpu_pct_valid;		/* 0 on the first sample */
	unsigned long long rss_bytes;	/* sum of RSS (shared pages count
					 * once per process: an upper bound) */
};

/* Remembers each pid's CPU ticks so the next sample can tell the CPU
 * spent in between, even when processes come and go. */
struct exl_proc_tracker;

struct exl_proc_tracker *exl_proc_tracker_new(void);
void exl_proc_tracker_free(struct exl_proc_tracker *t);

/* Read /proc/PID/stat of every pid in s.  -1 only when out of memory. */
int exl_proc_sample(struct exl_proc_tracker *t, const struct exl_pidset *s,
		    struct exl_proc_usage *u);

struct exl_node_usage {
	double load1, load5, load15;
	unsigned long long mem_total, mem_avail;	/* bytes */
};

/* /proc/loadavg and /proc/meminfo. */
int exl_node_sample(struct exl_node_usage *n, struct exl_err *err);

/* Free (for unprivileged users) and total bytes of the filesystem that
 * holds the open file or directory fd. */
int exl_fs_sample(int fd, unsigned long long *free_b,
		  unsigned long long *total_b, struct exl_err *err);

#endif
