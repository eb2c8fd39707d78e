/* telemetry_sampler.c - the sampler thread (see telemetry_sampler.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "util/jsonfile.h"
#include "util/names.h"
#include "util/sharemode.h"
#include "telemetry/telemetry_sampler.h"

struct exl_sampler {
	pthread_t tid;
	pthread_mutex_t lock;
	pthread_cond_t cond;	/* stop requests, and "done" for stop */
	int stop, done, orphaned;
	pid_t thread_id;	/* the thread's kernel id, 0 until it runs */

	struct exl_sampler_cfg cfg;	/* strings: owned copies */
	struct exl_sample_src src;	/* node, job, step, interval */
	int out_fd, fs_fd;
	struct timespec t0;	/* CLOCK_MONOTONIC at start */

	/* Shared with the accessors, under lock. */
	int have_latest;
	struct exl_sample_brief latest;
	int gpu_state;		/* -1 unknown, 0 off, 1 on */
	char gpu_note[640];
	struct exl_sampler_usage usage;

	/* The thread's own. */
	struct exl_nvml *nv;
	struct exl_proc_tracker *tracker;
	struct exl_pidset pids;
	struct exl_sample sample;
};

/* The configuration strings a sampler keeps: copied by
 * exl_sampler_start, freed by destroy. */
static const size_t owned_strings[] = {
	offsetof(struct exl_sampler_cfg, node),
	offsetof(struct exl_sampler_cfg, job_id),
	offsetof(struct exl_sampler_cfg, step),
	offsetof(struct exl_sampler_cfg, cgroup_dir),
	offsetof(struct exl_sampler_cfg, nvml_lib),
	offsetof(struct exl_sampler_cfg, gpus),
	offsetof(struct exl_sampler_cfg, hwloc_xml),
	offsetof(struct exl_sampler_cfg, alloc.cpus),
};

static const char **cfg_string(struct exl_sampler_cfg *c, size_t i)
{
	return (const char **)((char *)c + owned_strings[i]);
}

static double mono_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	       (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void ts_add_ms(struct timespec *ts, unsigned long long ms)
{
	ts->tv_sec += (time_t)(ms / 1000);
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static int ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static double wall_now(const struct exl_sampler *s)
{
	struct timespec ts;

	if (s->cfg.clock_fn)
		return s->cfg.clock_fn(s->cfg.clock_arg);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Append obj as one line with a single writev() on the O_APPEND
 * descriptor, so concurrent samplers (several steps on a node) never
 * interleave inside a line.  A short write (disk full) is ended with a
 * newline: readers skip the stub. */
static void write_line(struct exl_sampler *s, json_object *obj)
{
	const char *text = obj ? json_object_to_json_string_ext(obj,
					JSON_C_TO_STRING_PLAIN) : NULL;
	struct iovec iov[2] = { { (void *)text, text ? strlen(text) : 0 },
				{ "\n", 1 } };
	size_t len = iov[0].iov_len + 1;
	ssize_t n = -1;
	int bad = 1;

	if (text) {
		do
			n = writev(s->out_fd, iov, 2);
		while (n < 0 && errno == EINTR);
		if (n > 0 && (size_t)n < len && write(s->out_fd, "\n", 1) < 0)
			n = -1;
		bad = n != (ssize_t)len;
	}
	if (bad) {
		pthread_mutex_lock(&s->lock);
		s->usage.write_errors++;
		pthread_mutex_unlock(&s->lock);
	}
}

static void set_gpu_state(struct exl_sampler *s, int state, const char *note)
{
	pthread_mutex_lock(&s->lock);
	s->gpu_state = state;
	snprintf(s->gpu_note, sizeof(s->gpu_note), "%s", note ? note : "");
	pthread_mutex_unlock(&s->lock);
}

/* Open NVML and pick the job's GPUs; any failure only turns GPUs off. */
static void gpu_setup(struct exl_sampler *s)
{
	struct exl_err err;
	char note[sizeof(err.text) + 32];

	if (s->cfg.nvml_lib && !strcmp(s->cfg.nvml_lib, "off")) {
		set_gpu_state(s, 0, "GPU telemetry off (disabled in the "
			      "configuration)");
		return;
	}
	if (exl_nvml_open(s->cfg.nvml_lib, s->cfg.nvml_trusted_only, &s->nv,
			  &err) < 0) {
		set_gpu_state(s, 0, err.text);
		return;
	}
	if (exl_nvml_select(s->nv, s->cfg.gpus, &err) < 0) {
		snprintf(note, sizeof(note), "GPU telemetry off (%s)", err.text);
		exl_nvml_close(s->nv);
		s->nv = NULL;
		set_gpu_state(s, 0, note);
		return;
	}
	set_gpu_state(s, 1, NULL);
}

static json_object *hardware(struct exl_sampler *s, struct exl_err *err)
{
	struct exl_topo *t = malloc(sizeof(*t));
	json_object *hw;

	if (!t)
		return exl_errf(err, "hwloc: out of memory"), NULL;
	if (exl_topo_load(s->cfg.hwloc_xml, t, err) < 0) {
		free(t);
		return NULL;
	}
	if (s->nv)
		exl_topo_merge_nvml(t, s->nv);
	hw = exl_topo_to_json(t, s->cfg.node, &s->cfg.alloc);
	free(t);
	return hw;
}

/* The first line of every sampler run: who, how often, GPUs, hardware. */
static json_object *start_line(struct exl_sampler *s)
{
	json_object *o = json_object_new_object(), *gpus, *a, *hw;
	struct exl_err err;
	unsigned int i;

	if (!o)
		return NULL;
	exl_json_set_str(o, "type", "start");
	exl_json_set_int(o, "v", EXL_SAMPLE_VERSION);
	json_object_object_add(o, "t", exl_json_fixed(wall_now(s), 3));
	exl_sample_src_json(o, &s->src);
	exl_json_set_int(o, "pid", (long long)getpid());
	exl_json_set_str(o, "gpu", s->nv ? "on" : "off");
	if (!s->nv)
		exl_json_set_str(o, "gpu_note", s->gpu_note);
	if (s->nv && (gpus = json_object_new_array())) {
		for (i = 0; i < exl_nvml_nselected(s->nv); i++) {
			const struct exl_gpu_info *g = exl_nvml_selected(s->nv, i);
			json_object *j = json_object_new_object();

			exl_json_set_int(j, "index", g->index);
			exl_json_set_str(j, "uuid", g->uuid);
			exl_json_set_str(j, "pci", g->busid);
			exl_json_set_str(j, "name", g->name);
			json_object_array_add(gpus, j);
		}
		json_object_object_add(o, "gpus", gpus);
	}
	if (s->cfg.alloc.cpus || s->cfg.alloc.mem_mb) {
		a = json_object_new_object();
		exl_json_set_str(a, "cpus", s->cfg.alloc.cpus);
		if (s->cfg.alloc.mem_mb)
			exl_json_set_int(a, "mem_mb",
					 (long long)s->cfg.alloc.mem_mb);
		json_object_object_add(o, "alloc", a);
	}
	if (s->cfg.hardware) {
		hw = hardware(s, &err);
		if (hw)
			json_object_object_add(o, "hardware", hw);
		else
			exl_json_set_str(o, "hardware_error", err.text);
	}
	return o;
}

static int collect_pids(struct exl_sampler *s)
{
	const struct exl_sampler_cfg *c = &s->cfg;

	if (c->pids_fn)
		return c->pids_fn(c->pids_arg, &s->pids);
	if (c->cgroup_dir)
		return exl_proc_cgroup_pids(c->cgroup_dir, &s->pids, NULL);
	if (c->pid_root > 0)
		return exl_proc_descendants(c->pid_root, c->include_root,
					    &s->pids);
	return -1;
}

static void take_sample(struct exl_sampler *s, unsigned long long seq)
{
	struct exl_sample *sm = &s->sample;
	struct exl_sample_brief brief;
	json_object *o;
	unsigned int i;

	memset(sm, 0, sizeof(*sm));
	sm->seq = seq;
	/* in ms, as written: the latest brief then equals the file's */
	sm->t = (double)(long long)(wall_now(s) * 1000 + 0.5) / 1000;
	sm->have_proc = s->tracker && collect_pids(s) >= 0 &&
			exl_proc_sample(s->tracker, &s->pids, &sm->proc) == 0;
	sm->have_node = exl_node_sample(&sm->node, NULL) == 0;
	sm->have_fs = exl_fs_sample(s->fs_fd, &sm->fs_free, &sm->fs_total,
				    NULL) == 0;
	if (s->nv) {
		sm->gpu_on = 1;
		exl_nvml_poll_events(s->nv);
		sm->ngpus = exl_nvml_nselected(s->nv);
		for (i = 0; i < sm->ngpus; i++) {
			sm->gpu_info[i] = exl_nvml_selected(s->nv, i);
			exl_nvml_read(s->nv, i, &sm->gpu[i]);
		}
	}
	o = exl_sample_to_json(sm, &s->src);
	write_line(s, o);
	if (o && exl_sample_brief(o, &brief) == 0) {
		pthread_mutex_lock(&s->lock);
		s->latest = brief;
		s->have_latest = 1;
		pthread_mutex_unlock(&s->lock);
	}
	json_object_put(o);
}

/* Record the thread's CPU time (RUSAGE_THREAD: only this thread). */
static void update_usage(struct exl_sampler *s, int sampled)
{
	struct rusage ru;
	double cpu = -1;

	if (getrusage(RUSAGE_THREAD, &ru) == 0)
		cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		      (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	pthread_mutex_lock(&s->lock);
	if (cpu >= 0)
		s->usage.cpu_s = cpu;
	s->usage.samples += sampled ? 1 : 0;
	pthread_mutex_unlock(&s->lock);
}

/* Sleep until deadline or a stop request.  Returns 1 when stopping. */
static int wait_until(struct exl_sampler *s, const struct timespec *deadline)
{
	int stop;

	pthread_mutex_lock(&s->lock);
	while (!s->stop)
		if (pthread_cond_timedwait(&s->cond, &s->lock, deadline))
			break;	/* ETIMEDOUT (or an error: sample anyway) */
	stop = s->stop;
	pthread_mutex_unlock(&s->lock);
	return stop;
}

static void destroy(struct exl_sampler *s)
{
	size_t i;

	exl_nvml_close(s->nv);
	exl_proc_tracker_free(s->tracker);
	exl_pidset_free(&s->pids);
	if (s->out_fd >= 0)
		close(s->out_fd);
	if (s->fs_fd >= 0)
		close(s->fs_fd);
	for (i = 0; i < sizeof(owned_strings) / sizeof(*owned_strings); i++)
		free((char *)*cfg_string(&s->cfg, i));
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static void *run(void *arg)
{
	struct exl_sampler *s = arg;
	struct timespec next, now;
	unsigned long long seq = 0;
	json_object *o;
	int orphan;

	/* Yield to the job and to slurmstepd: nice 10 for this thread only
	 * (Linux applies setpriority to a thread id alone).  Best effort. */
	pthread_mutex_lock(&s->lock);
	s->thread_id = (pid_t)syscall(SYS_gettid);
	pthread_mutex_unlock(&s->lock);
	(void)setpriority(PRIO_PROCESS, (id_t)s->thread_id, EXL_SAMPLER_NICE);
	gpu_setup(s);
	o = start_line(s);
	write_line(s, o);
	json_object_put(o);
	clock_gettime(CLOCK_MONOTONIC, &next);
	do {
		if (!s->cfg.max_samples || seq < s->cfg.max_samples) {
			take_sample(s, seq++);
			update_usage(s, 1);
		}
		/* Fixed-rate schedule; a slow sample skips, never bunches. */
		ts_add_ms(&next, s->cfg.interval_ms);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (ts_before(&next, &now)) {
			next = now;
			ts_add_ms(&next, s->cfg.interval_ms);
		}
	} while (!wait_until(s, &next));
	exl_nvml_close(s->nv);
	s->nv = NULL;
	update_usage(s, 0);
	pthread_mutex_lock(&s->lock);
	s->done = 1;
	orphan = s->orphaned;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	if (orphan)
		destroy(s);
	return NULL;
}

/* Create <state_dir>/telemetry and open <node>.jsonl for appending, and
 * the directory whose filesystem we report.  Runs as the job user. */
static int open_files(struct exl_sampler *s, const char *state_dir,
		      const char *fs_path, struct exl_err *err)
{
	char dir[4096], name[128];
	struct stat st;
	int dfd, made;

	if (snprintf(dir, sizeof(dir), "%s/telemetry", state_dir) >=
	    (int)sizeof(dir))
		return exl_errf(err, "telemetry: state dir path too long");
	made = mkdir(dir, exl_share_mode(dir, 0755, 1)) == 0;
	if (!made && errno != EEXIST)
		return exl_errnof(err, errno, "telemetry: couldn't create %s",
				  dir);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return exl_errnof(err, errno, "telemetry: couldn't open %s%s",
				  dir, errno == ELOOP || errno == ENOTDIR ?
				  " (not a directory or a symlink)" : "");
	/* a team root: the group keeps write access (util/sharemode.h) */
	if (made && exl_share_fix_fd(dfd, exl_share_mode(dir, 0755, 1)) < 0) {
		exl_errnof(err, errno, "telemetry: couldn't set the mode of %s",
			   dir);
		close(dfd);
		return -1;
	}
	snprintf(name, sizeof(name), "%s.jsonl", s->cfg.node);
	/* O_NONBLOCK: a planted FIFO must not hang the step at open. */
	s->out_fd = openat(dfd, name, O_WRONLY | O_CREAT | O_APPEND |
			   O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
			   exl_share_mode_at(dfd, 0644, 0));
	if (s->out_fd >= 0 &&
	    exl_share_fix_fd(s->out_fd, exl_share_mode_at(dfd, 0644, 0)) < 0) {
		close(s->out_fd);
		s->out_fd = -1;
	}
	if (s->out_fd < 0) {
		exl_errnof(err, errno, "telemetry: couldn't open %s/%s", dir,
			   name);
		close(dfd);
		return -1;
	}
	if (fstat(s->out_fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		exl_errf(err, "telemetry: %s/%s is not a regular file", dir,
			 name);
		close(dfd);
		return -1;
	}
	if (fcntl(s->out_fd, F_SETFL, O_APPEND) < 0) {
		exl_errnof(err, errno, "telemetry: couldn't set up %s/%s", dir,
			   name);
		close(dfd);
		return -1;
	}
	if (!fs_path) {
		s->fs_fd = dfd;
		return 0;
	}
	close(dfd);
	s->fs_fd = open(fs_path, O_PATH | O_CLOEXEC);
	if (s->fs_fd < 0)
		return exl_errnof(err, errno, "telemetry: couldn't open %s",
				  fs_path);
	return 0;
}

static int check_cfg(const struct exl_sampler_cfg *c, struct exl_err *err)
{
	if (!c->state_dir || !c->state_dir[0])
		return exl_errf(err, "telemetry: no state dir");
	if (!c->node || exl_valid_group(c->node) != 0)
		return exl_errf(err, "telemetry: invalid node name '%s'",
				c->node ? c->node : "(null)");
	if (c->interval_ms == 0)
		return exl_errf(err, "telemetry: interval must be positive");
	if (c->alloc.cpus && exl_cpulist_count(c->alloc.cpus) < 0)
		return exl_errf(err, "telemetry: invalid CPU list '%s'",
				c->alloc.cpus);
	return 0;
}

/* Start the thread with every signal blocked: signals for slurmstepd
 * must land on its own threads, never on ours. */
static int spawn(struct exl_sampler *s, struct exl_err *err)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->tid, NULL, run, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		return exl_errnof(err, rc, "telemetry: couldn't start the "
				  "sampler thread");
	return 0;
}

int exl_sampler_start(const struct exl_sampler_cfg *cfg,
		      struct exl_sampler **out, struct exl_err *err)
{
	struct exl_sampler *s;
	pthread_condattr_t ca;
	size_t i;
	int oom = 0;

	*out = NULL;
	if (check_cfg(cfg, err) < 0)
		return -1;
	s = calloc(1, sizeof(*s));
	if (!s)
		return exl_errf(err, "telemetry: out of memory");
	s->out_fd = s->fs_fd = -1;
	s->gpu_state = -1;
	s->cfg = *cfg;
	s->cfg.state_dir = s->cfg.fs_path = NULL;	/* used in start only */
	for (i = 0; i < sizeof(owned_strings) / sizeof(*owned_strings); i++) {
		const char **f = cfg_string(&s->cfg, i);

		if (*f && !(*f = strdup(*f)))
			oom = 1;
	}
	s->src = (struct exl_sample_src){ s->cfg.node, s->cfg.job_id,
					  s->cfg.step,
					  cfg->interval_ms / 1000.0 };
	s->tracker = exl_proc_tracker_new();
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (oom || !s->tracker) {
		exl_errf(err, "telemetry: out of memory");
		goto fail;
	}
	if (open_files(s, cfg->state_dir, cfg->fs_path, err) < 0)
		goto fail;
	clock_gettime(CLOCK_MONOTONIC, &s->t0);
	if (spawn(s, err) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	destroy(s);
	return -1;
}

int exl_sampler_stop(struct exl_sampler *s)
{
	struct timespec deadline;
	pthread_t tid;

	if (!s)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	ts_add_ms(&deadline, EXL_SAMPLER_STOP_WAIT_MS);
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	/* the caller now waits for the thread: its nice 10 would make a
	 * busy machine's step end wait behind every other process (back to
	 * the caller's own priority; best effort, it needs the privilege
	 * slurmstepd has) */
	if (s->thread_id > 0 && !s->done)
		(void)setpriority(PRIO_PROCESS, (id_t)s->thread_id,
				  getpriority(PRIO_PROCESS, 0));
	pthread_cond_broadcast(&s->cond);
	while (!s->done)
		if (pthread_cond_timedwait(&s->cond, &s->lock, &deadline))
			break;
	if (s->done) {
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->tid, NULL);
		destroy(s);
		return 0;
	}
	/* Stuck: the thread frees everything when it gets out. */
	s->orphaned = 1;
	tid = s->tid;
	pthread_mutex_unlock(&s->lock);
	pthread_detach(tid);
	return 1;
}

int exl_sampler_latest(struct exl_sampler *s, struct exl_sample_brief *b)
{
	int have;

	pthread_mutex_lock(&s->lock);
	have = s->have_latest;
	if (have)
		*b = s->latest;
	pthread_mutex_unlock(&s->lock);
	if (!have)
		memset(b, 0, sizeof(*b));
	return have ? 0 : 1;
}

int exl_sampler_gpu_state(struct exl_sampler *s, char *note, size_t len)
{
	int state;

	pthread_mutex_lock(&s->lock);
	state = s->gpu_state;
	if (len)
		snprintf(note, len, "%s", s->gpu_note);
	pthread_mutex_unlock(&s->lock);
	return state;
}

void exl_sampler_cpu_usage(struct exl_sampler *s, struct exl_sampler_usage *u)
{
	pthread_mutex_lock(&s->lock);
	*u = s->usage;
	pthread_mutex_unlock(&s->lock);
	u->wall_s = mono_since(&s->t0);
}
