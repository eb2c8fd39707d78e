/* telemetry_proc.c - /proc sampling (see telemetry_proc.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "telemetry/telemetry_proc.h"

#define CHILDREN_BUF 65536	/* one thread's children list, bounded */
#define CGROUP_DEPTH 8

ssize_t exl_read_upto(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && got == 0)
			return -1;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Read up to len-1 bytes of a small file (proc files are read in one
 * go), NUL-terminated.  Returns the length or -1 with errno set. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -1;
	n = exl_read_upto(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

int exl_pidset_add(struct exl_pidset *s, pid_t pid)
{
	if (s->n >= EXL_PROC_MAX_PIDS)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		pid_t *p = realloc(s->pids, cap * sizeof(*p));

		if (!p)
			return -1;
		s->pids = p;
		s->cap = cap;
	}
	s->pids[s->n++] = pid;
	return 0;
}

void exl_pidset_free(struct exl_pidset *s)
{
	free(s->pids);
	memset(s, 0, sizeof(*s));
}

/* Append every pid listed in text (space or newline separated); a number
 * cut off by a full buffer is dropped. */
static int add_pid_list(struct exl_pidset *s, const char *text, size_t len,
			int complete)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		char *e;
		long v;

		while (p < end && (*p == ' ' || *p == '\n'))
			p++;
		if (p >= end)
			break;
		v = strtol(p, &e, 10);
		if (e == p)
			return 0;	/* not a pid list: stop quietly */
		if (e >= end && !complete)
			break;
		if (v > 0 && exl_pidset_add(s, (pid_t)v) < 0)
			return -1;
		p = e;
	}
	return 0;
}

/* Add the children of every thread of pid.  Returns -1 with ENOENT when
 * the kernel has no children files (or pid is gone), -2 out of memory. */
static int add_children(struct exl_pidset *s, pid_t pid, char *buf)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int rc = 0, any = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)) && rc == 0) {
		ssize_t n;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/children",
			 (int)pid, de->d_name);
		n = read_small(path, buf, CHILDREN_BUF);
		if (n < 0)
			continue;
		any = 1;
		if (add_pid_list(s, buf, (size_t)n, n + 1 < CHILDREN_BUF) < 0)
			rc = -2;
	}
	closedir(d);
	if (rc == 0 && !any) {
		errno = ENOENT;
		return -1;
	}
	return rc;
}

/* Fields of /proc/PID/stat this module uses. */
struct stat_fields {
	pid_t ppid;
	unsigned long long ticks;	/* utime + stime */
	unsigned long long start;	/* starttime, ticks after boot */
	long long rss_pages;
};

/* Parse a stat line: "pid (comm) S ppid ...", comm may hold anything. */
static int parse_stat(const char *buf, struct stat_fields *f)
{
	const char *p = strrchr(buf, ')');
	unsigned long long utime = 0, stime = 0;
	long ppid;
	int field;
	char *e;

	if (!p)
		return -1;
	p += 2;			/* ") " -> field 3, the state */
	for (field = 3; *p && field <= 24; field++) {
		switch (field) {
		case 4:
			ppid = strtol(p, &e, 10);
			f->ppid = (pid_t)ppid;
			break;
		case 14:
			utime = strtoull(p, &e, 10);
			break;
		case 15:
			stime = strtoull(p, &e, 10);
			break;
		case 22:
			f->start = strtoull(p, &e, 10);
			break;
		case 24:
			f->rss_pages = strtoll(p, &e, 10);
			f->ticks = utime + stime;
			return 0;
		}
		p = strchr(p, ' ');
		if (!p)
			return -1;
		p++;
	}
	return -1;
}

static int read_stat(pid_t pid, struct stat_fields *f)
{
	char path[32], buf[1024];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return -1;
	return parse_stat(buf, f);
}

struct pp {
	pid_t pid, ppid;
};

static int cmp_ppid(const void *a, const void *b)
{
	const struct pp *x = a, *y = b;

	return (x->ppid > y->ppid) - (x->ppid < y->ppid);
}

/* Fallback: one pass over /proc/[0-9]*, then a breadth-first walk of the
 * (pid, ppid) pairs sorted by parent. */
static int scan_descendants(struct exl_pidset *s)
{
	struct pp *all = NULL, *tmp, key;
	size_t n = 0, cap = 0, i, lo, hi, mid;
	struct stat_fields f;
	struct dirent *de;
	DIR *d = opendir("/proc");
	int rc = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		key.pid = (pid_t)atoi(de->d_name);
		if (read_stat(key.pid, &f) < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			tmp = realloc(all, cap * sizeof(*all));
			if (!tmp) {
				rc = -1;
				break;
			}
			all = tmp;
		}
		all[n].pid = key.pid;
		all[n++].ppid = f.ppid;
	}
	closedir(d);
	if (rc == 0)
		qsort(all, n, sizeof(*all), cmp_ppid);
	/* s->pids[0] is the root; each visited pid appends its children. */
	for (i = 0; rc == 0 && i < s->n; i++) {
		lo = 0;
		hi = n;
		while (lo < hi) {
			mid = (lo + hi) / 2;
			if (all[mid].ppid < s->pids[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < n && all[lo].ppid == s->pids[i]; lo++)
			if (exl_pidset_add(s, all[lo].pid) < 0)
				rc = -1;
	}
	free(all);
	return rc;
}

/* Breadth-first over the children files; -1 when the kernel has none
 * (then the caller scans), -2 when out of memory. */
static int walk_children(struct exl_pidset *s)
{
	char *buf = malloc(CHILDREN_BUF);
	size_t i;
	int rc = 0;

	if (!buf)
		return -2;
	for (i = 0; i < s->n; i++) {
		rc = add_children(s, s->pids[i], buf);
		if (rc == -2 || (rc == -1 && i == 0))
			break;
		rc = 0;		/* a child that exited meanwhile */
	}
	free(buf);
	return rc;
}

static int descendants(pid_t root, int include_root, struct exl_pidset *s,
		       int scan)
{
	struct stat_fields f;
	int rc;

	s->n = 0;
	if (read_stat(root, &f) < 0) {
		errno = ESRCH;
		return -1;
	}
	if (exl_pidset_add(s, root) < 0)
		return -1;
	rc = scan ? -1 : walk_children(s);
	if (rc == -1) {
		s->n = 1;
		rc = scan_descendants(s);
	}
	if (rc < 0)
		return -1;
	if (!include_root) {
		memmove(s->pids, s->pids + 1, (s->n - 1) * sizeof(*s->pids));
		s->n--;
	}
	return (int)s->n;
}

int exl_proc_descendants(pid_t root, int include_root, struct exl_pidset *s)
{
	return descendants(root, include_root, s, 0);
}

int exl_proc_descendants_scan(pid_t root, int include_root,
			      struct exl_pidset *s)
{
	return descendants(root, include_root, s, 1);
}

static int cgroup_walk(const char *dir, int depth, struct exl_pidset *s,
		       char *buf, struct exl_err *err)
{
	char path[4096];
	struct dirent *de;
	ssize_t n;
	DIR *d;
	int rc = 0;

	if (snprintf(path, sizeof(path), "%s/cgroup.procs", dir) >=
	    (int)sizeof(path))
		return 0;
	n = read_small(path, buf, CHILDREN_BUF);
	if (n < 0) {
		if (depth == 0)
			return exl_errnof(err, errno, "couldn't read %s", path);
		return 0;	/* a child cgroup removed meanwhile */
	}
	if (add_pid_list(s, buf, (size_t)n, n + 1 < CHILDREN_BUF) < 0)
		return exl_errf(err, "cgroup pids: out of memory");
	if (depth >= CGROUP_DEPTH || !(d = opendir(dir)))
		return 0;
	while ((de = readdir(d)) && rc == 0) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path))
			continue;
		rc = cgroup_walk(path, depth + 1, s, buf, err);
	}
	closedir(d);
	return rc;
}

int exl_proc_cgroup_pids(const char *dir, struct exl_pidset *s,
			 struct exl_err *err)
{
	char *buf = malloc(CHILDREN_BUF);
	int rc;

	s->n = 0;
	if (!buf)
		return exl_errf(err, "cgroup pids: out of memory");
	rc = cgroup_walk(dir, 0, s, buf, err);
	free(buf);
	return rc < 0 ? -1 : (int)s->n;
}

/* One pid's CPU ticks at the previous sample. */
struct prev {
	pid_t pid;
	unsigned long long start, ticks;
};

struct exl_proc_tracker {
	struct prev *prev;
	size_t nprev;
	double prev_t;			/* CLOCK_BOOTTIME seconds, 0: none */
	long hz, page;
};

struct exl_proc_tracker *exl_proc_tracker_new(void)
{
	struct exl_proc_tracker *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->hz = sysconf(_SC_CLK_TCK);
	t->page = sysconf(_SC_PAGESIZE);
	if (t->hz <= 0)
		t->hz = 100;
	if (t->page <= 0)
		t->page = 4096;
	return t;
}

void exl_proc_tracker_free(struct exl_proc_tracker *t)
{
	if (!t)
		return;
	free(t->prev);
	free(t);
}

static int cmp_prev(const void *a, const void *b)
{
	const struct prev *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* CPU ticks pid spent since the last sample.  A pid not seen then
 * counts in full only if it started after that sample (otherwise it is a
 * process that just joined the set, and its history is not ours). */
static unsigned long long ticks_since(const struct exl_proc_tracker *t,
				      const struct prev *now)
{
	const struct prev *p = t->nprev ?
		bsearch(now, t->prev, t->nprev, sizeof(*now), cmp_prev) : NULL;

	if (p && p->start == now->start)
		return now->ticks >= p->ticks ? now->ticks - p->ticks : 0;
	if ((double)now->start / (double)t->hz >= t->prev_t)
		return now->ticks;
	return 0;
}

int exl_proc_sample(struct exl_proc_tracker *t, const struct exl_pidset *s,
		    struct exl_proc_usage *u)
{
	struct prev *cur = s->n ? malloc(s->n * sizeof(*cur)) : NULL;
	unsigned long long total = 0, delta = 0;
	struct stat_fields f;
	struct timespec ts;
	double now;
	size_t i, n = 0;

	memset(u, 0, sizeof(*u));
	if (s->n && !cur)
		return -1;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	for (i = 0; i < s->n; i++) {
		if (read_stat(s->pids[i], &f) < 0)
			continue;	/* gone since it was listed */
		cur[n].pid = s->pids[i];
		cur[n].start = f.start;
		cur[n].ticks = f.ticks;
		total += f.ticks;
		if (t->prev_t > 0)
			delta += ticks_since(t, &cur[n]);
		if (f.rss_pages > 0)
			u->rss_bytes += (unsigned long long)f.rss_pages *
					(unsigned long long)t->page;
		n++;
	}
	qsort(cur, n, sizeof(*cur), cmp_prev);
	u->nprocs = n;
	u->cpu_s = (double)total / (double)t->hz;
	if (t->prev_t > 0 && now > t->prev_t) {
		u->cpu_pct = 100.0 * (double)delta / (double)t->hz /
			     (now - t->prev_t);
		u->cpu_pct_valid = 1;
	}
	free(t->prev);
	t->prev = cur;
	t->nprev = n;
	t->prev_t = now;
	return 0;
}

/* Value in bytes of a "Key:   123 kB" line of /proc/meminfo. */
static unsigned long long meminfo_kb(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	if (!p || (p != buf && p[-1] != '\n'))
		return 0;
	return strtoull(p + strlen(key), NULL, 10) * 1024ULL;
}

int exl_node_sample(struct exl_node_usage *nu, struct exl_err *err)
{
	char buf[4096];

	memset(nu, 0, sizeof(*nu));
	if (read_small("/proc/loadavg", buf, sizeof(buf)) <= 0 ||
	    sscanf(buf, "%lf %lf %lf", &nu->load1, &nu->load5,
		   &nu->load15) != 3)
		return exl_errnof(err, errno ? errno : EINVAL,
				  "couldn't read /proc/loadavg");
	if (read_small("/proc/meminfo", buf, sizeof(buf)) <= 0)
		return exl_errnof(err, errno, "couldn't read /proc/meminfo");
	nu->mem_total = meminfo_kb(buf, "MemTotal:");
	nu->mem_avail = meminfo_kb(buf, "MemAvailable:");
	if (!nu->mem_total)
		return exl_errf(err, "/proc/meminfo: no MemTotal");
	return 0;
}

int exl_fs_sample(int fd, unsigned long long *free_b,
		  unsigned long long *total_b, struct exl_err *err)
{
	struct statvfs sv;

	if (fstatvfs(fd, &sv) < 0)
		return exl_errnof(err, errno, "couldn't statvfs the run-log "
				  "filesystem");
	*free_b = (unsigned long long)sv.f_bavail * sv.f_frsize;
	*total_b = (unsigned long long)sv.f_blocks * sv.f_frsize;
	return 0;
}
