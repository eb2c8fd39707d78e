/* rl_sched.c - the scheduler query and sacct (see rl_sched.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <slurm/slurm.h>
#include <slurm/slurm_errno.h>

#include "rl_sched.h"
#include "util/jobstate.h"
#include "rl_spawn.h"

/* Exported by libslurm (as squeue uses it) but not declared in the
 * public 22.05 headers. */
extern const char *slurm_job_reason_string(enum job_state_reason inx);

/* state_name: Slurm's name for a job state, flags first (as squeue). */
static const char *state_name(uint32_t st)
{
	static const struct {
		uint32_t flag;
		const char *name;
	} flags[] = {
		{ JOB_COMPLETING, "COMPLETING" },
		{ JOB_CONFIGURING, "CONFIGURING" },
		{ JOB_RESIZING, "RESIZING" },
		{ JOB_REQUEUE, "REQUEUED" },
		{ JOB_REQUEUE_FED, "REQUEUE_FED" },
		{ JOB_REQUEUE_HOLD, "REQUEUE_HOLD" },
		{ JOB_SPECIAL_EXIT, "SPECIAL_EXIT" },
		{ JOB_STOPPED, "STOPPED" },
		{ JOB_REVOKED, "REVOKED" },
		{ JOB_RESV_DEL_HOLD, "RESV_DEL_HOLD" },
		{ JOB_SIGNALING, "SIGNALING" },
		{ JOB_STAGE_OUT, "STAGE_OUT" },
	};
	static const char *const base[] = { "PENDING", "RUNNING", "SUSPENDED",
		"COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "NODE_FAIL",
		"PREEMPTED", "BOOT_FAIL", "DEADLINE", "OUT_OF_MEMORY" };
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (st & flags[i].flag)
			return flags[i].name;
	st &= JOB_STATE_BASE;
	return st < sizeof(base) / sizeof(base[0]) ? base[st] : "UNKNOWN";
}

/* elapsed: run time so far, the way squeue computes it. */
static long elapsed(const slurm_job_info_t *j, time_t now)
{
	uint32_t base = j->job_state & JOB_STATE_BASE;
	time_t end;

	if (base == JOB_PENDING || j->start_time == 0)
		return 0;
	if (base == JOB_SUSPENDED)
		return (long)j->pre_sus_time;
	end = (base == JOB_RUNNING || j->end_time == 0) ? now : j->end_time;
	if (j->suspend_time)
		return (long)difftime(end, j->suspend_time) +
		       (long)j->pre_sus_time;
	return (long)difftime(end, j->start_time);
}

/* load_lines: ask slurmctld for every job (libslurm initialised here)
 * and write one line per job to out.  -1 with why when it did not
 * answer. */
static int load_lines(FILE *out, char *why, size_t len)
{
	job_info_msg_t *msg = NULL;
	time_t now = time(NULL);
	uint32_t i;

	slurm_init(NULL);
	if (slurm_load_jobs((time_t)0, &msg, SHOW_ALL) != SLURM_SUCCESS) {
		snprintf(why, len, "%s", slurm_strerror(slurm_get_errno()));
		return -1;
	}
	for (i = 0; i < msg->record_count; i++) {
		const slurm_job_info_t *j = &msg->job_array[i];
		struct exl_sched_job r = { 0 };
		char line[256];

		r.job_id = j->job_id;
		snprintf(r.state, sizeof(r.state), "%s", state_name(j->job_state));
		/* a pending job's, and the last one a job that left the
		 * queue waited for (status rows show only the former) */
		if (j->state_reason != WAIT_NO_REASON) {
			const char *w = slurm_job_reason_string(j->state_reason);

			snprintf(r.reason, sizeof(r.reason), "%s", w ? w : "");
		}
		r.start = j->start_time;
		r.end = j->end_time;
		r.elapsed = elapsed(j, now);
		r.limit_min = (j->time_limit == INFINITE ||
			       j->time_limit == NO_VAL) ? EXL_NO_LIMIT :
			      (long)j->time_limit;
		/* how it ended, once it has (runlog close takes it) */
		if (exl_state_is_final(r.state) && j->exit_code <= 0xffff) {
			r.have_exit = 1;
			r.exit_status = (int)j->exit_code;
		}
		if (exl_sched_format(&r, line, sizeof(line)) < 0 ||
		    fputs(line, out) == EOF) {
			slurm_free_job_info_msg(msg);
			snprintf(why, len, "couldn't keep the scheduler's answer: "
				 "%s", strerror(errno ? errno : ENOMEM));
			return -1;
		}
	}
	slurm_free_job_info_msg(msg);
	return 0;
}

/* query: the child's work (a root without a slurm.conf file: libslurm
 * looks for its configuration elsewhere and ends the process when it
 * finds none).  Never returns.  Once the answer is written it says so
 * on done_fd and exits at once: the parent reads the answer without
 * waiting for libslurm's clean-up or the exit (the kernel frees what
 * the child holds). */
static void __attribute__((noreturn)) query(int out_fd, int err_fd,
					     int done_fd)
{
	char done = 0, why[200];
	FILE *out;
	int null_fd;

	alarm(RL_SCHED_TIMEOUT);
	/* the caller's stdin and stdout are not the child's to hold: a
	 * pipe reading runlog's output must see its end with runlog's */
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 ||
	    dup2(null_fd, STDOUT_FILENO) < 0 ||
	    dup2(err_fd, STDERR_FILENO) < 0)
		_exit(3);
	out = fdopen(out_fd, "w");
	if (!out)
		_exit(3);
	if (load_lines(out, why, sizeof(why)) < 0) {
		fprintf(stderr, "%s\n", why);
		_exit(1);
	}
	if (fclose(out) == EOF || write(done_fd, &done, 1) != 1)
		_exit(2);
	_exit(0);
}

/* The query thread's state, shared with the caller under tq.lock: one
 * query per process.  The thread writes its byte on done_fd while it
 * holds the lock, so a caller that gave up waiting (ABANDONED) never
 * leaves it writing to a closed pipe. */
enum { TQ_IDLE, TQ_RUNNING, TQ_ANSWERED, TQ_FAILED, TQ_ABANDONED };
static struct {
	pthread_mutex_t lock;
	int state;
	int done_fd;		/* the thread's end of the pipe */
	char *out;		/* the answer's lines (TQ_ANSWERED) */
	char why[200];		/* TQ_FAILED */
} tq = { .lock = PTHREAD_MUTEX_INITIALIZER, .done_fd = -1 };

/* Set in the query thread: exit() called there is libslurm's fatal(). */
static __thread int in_query;

/* tq_end: the thread's result (out: the answer, or NULL and why), handed
 * to the caller unless it gave up waiting. */
static void tq_end(char *out, const char *why)
{
	char byte = 0;	/* only wakes the caller: tq.state says how */
	int fd;

	pthread_mutex_lock(&tq.lock);
	fd = tq.done_fd;
	tq.done_fd = -1;
	if (tq.state == TQ_ABANDONED) {
		free(out);
	} else {
		tq.state = out ? TQ_ANSWERED : TQ_FAILED;
		tq.out = out;
		snprintf(tq.why, sizeof(tq.why), "%s", why);
		if (write(fd, &byte, 1) != 1)
			tq.state = TQ_FAILED;
	}
	pthread_mutex_unlock(&tq.lock);
	/* taken under the lock: a later query's pipe is never closed here */
	close(fd);
}

/* on_sched_exit: an exit handler for the two ways the query thread
 * meets exit().  libslurm ends the process with exit(1) when its
 * configuration is broken (fatal(), after printing why): called on the
 * query thread, this turns that into "the scheduler did not answer" and
 * parks the thread; the caller goes on with the run logs, and its own
 * exit ends the process.  And when the caller exits while the query is
 * still in libslurm (abandoned, or never waited for), the process ends
 * here, before the libraries' destructors run under that thread. */
static void on_sched_exit(int status, void *arg)
{
	int gone;

	(void)arg;
	if (in_query) {
		tq_end(NULL, "libslurm could not use Slurm's configuration: "
		       "see its message above");
		for (;;)
			pause();
	}
	pthread_mutex_lock(&tq.lock);
	gone = tq.state == TQ_ABANDONED || tq.state == TQ_RUNNING;
	pthread_mutex_unlock(&tq.lock);
	if (gone) {
		fflush(NULL);
		_exit(status);
	}
}

/* query_thread: the query in this process (no fork: a forked child
 * pays for copying the parent's pages as it touches them, about a
 * third of squeue's own time here). */
static void *query_thread(void *arg)
{
	char why[200] = "", *buf = NULL;
	size_t len = 0;
	FILE *out;

	in_query = 1;
	out = open_memstream(&buf, &len);
	if (!out) {
		tq_end(NULL, "out of memory");
		return arg;
	}
	if (load_lines(out, why, sizeof(why)) < 0) {
		fclose(out);
		free(buf);
		tq_end(NULL, why);
		return arg;
	}
	if (fclose(out) == EOF) {
		free(buf);
		tq_end(NULL, "out of memory");
		return arg;
	}
	tq_end(buf, "");
	return arg;
}

/* config_file: does libslurm have a slurm.conf file to read (SLURM_CONF,
 * checked by the caller, or the places it looks first)?  Without one it
 * looks for a configuration elsewhere (DNS), and says on stderr how that
 * failed: the forked child keeps that off the user's terminal. */
static int config_file(void)
{
	const char *conf = getenv("SLURM_CONF");

	return (conf && *conf) || access(RL_SLURM_CONF, R_OK) == 0 ||
	       access(RL_SLURM_CONF_CACHED, R_OK) == 0;
}

/* thread_free: may a query start on the thread (none runs)? */
static int thread_free(void)
{
	int yes;

	pthread_mutex_lock(&tq.lock);
	yes = tq.state != TQ_RUNNING && tq.state != TQ_ABANDONED;
	pthread_mutex_unlock(&tq.lock);
	return yes;
}

/* start_thread: the query on a thread; the pipe's write end is its. */
static int start_thread(struct rl_sched_query *q, int wfd)
{
	static int handler;
	pthread_attr_t a;
	pthread_t t;
	int e;

	if (!handler && on_exit(on_sched_exit, NULL) != 0)
		return -1;
	handler = 1;
	if ((e = pthread_attr_init(&a)) != 0) {
		errno = e;
		return -1;
	}
	/* no thread runs (thread_free): nothing else reads these yet */
	tq.state = TQ_RUNNING;
	tq.done_fd = wfd;
	e = pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	if (e == 0)
		e = pthread_create(&t, &a, query_thread, NULL);
	pthread_attr_destroy(&a);
	if (e != 0) {
		tq.state = TQ_IDLE;
		errno = e;
		return -1;
	}
	q->thread = 1;
	q->pid = 0;
	return 0;
}

int rl_sched_start(struct rl_sched_query *q, char *why, size_t len)
{
	const char *conf = getenv("SLURM_CONF");
	int done[2];

	q->pid = -1;
	q->thread = 0;
	q->out_fd = q->err_fd = q->done_fd = -1;
	/* libslurm spends a minute retrying a configuration file that is
	 * not there */
	if (conf && *conf && access(conf, R_OK) != 0) {
		snprintf(why, len, "SLURM_CONF=%s: %s", conf, strerror(errno));
		return -1;
	}
	if (pipe2(done, O_CLOEXEC) < 0)
		goto fail;
	q->done_fd = done[0];
	/* one query thread per process: a later query (none so far) forks */
	if (config_file() && thread_free()) {
		if (start_thread(q, done[1]) < 0) {
			close(done[1]);
			goto fail;
		}
		return 0;
	}
	q->out_fd = memfd_create("runlog-jobs", MFD_CLOEXEC);
	q->err_fd = memfd_create("runlog-jobs-err", MFD_CLOEXEC);
	if (q->out_fd < 0 || q->err_fd < 0) {
		close(done[1]);
		goto fail;
	}
	fflush(NULL);
	q->pid = fork();
	if (q->pid < 0) {
		close(done[1]);
		goto fail;
	}
	if (q->pid == 0) {
		close(done[0]);
		query(q->out_fd, q->err_fd, done[1]);
	}
	close(done[1]);
	return 0;
fail:
	snprintf(why, len, "couldn't start the scheduler query: %s",
		 strerror(errno));
	if (q->out_fd >= 0)
		close(q->out_fd);
	if (q->err_fd >= 0)
		close(q->err_fd);
	if (q->done_fd >= 0)
		close(q->done_fd);
	q->out_fd = q->err_fd = q->done_fd = -1;
	q->pid = -1;
	return -1;
}

/* last_line: the last non-empty line of a program's stderr, without
 * "prog: ", "error: " or "fatal: " in front (libslurm prefixes its
 * messages so, and says the decisive thing last). */
static void last_line(const char *text, char *buf, size_t len)
{
	static const char *const pfx[] = { "error: ", "fatal: ", NULL };
	const char *l = NULL, *p = text, *c;
	size_t n = 0;
	int i;

	while (p && *p) {
		size_t ll = strcspn(p, "\n");

		if (ll > 0) {
			l = p;
			n = ll;
		}
		p += ll + (p[ll] == '\n');
	}
	if (!l) {
		snprintf(buf, len, "%s", "");
		return;
	}
	c = memchr(l, ':', n);
	if (c && c + 2 <= l + n && c[1] == ' ' && !memchr(l, ' ', (size_t)(c - l))) {
		n -= (size_t)(c + 2 - l);
		l = c + 2;
	}
	for (i = 0; pfx[i]; i++)
		if (n > strlen(pfx[i]) && strncmp(l, pfx[i], strlen(pfx[i])) == 0) {
			n -= strlen(pfx[i]);
			l += strlen(pfx[i]);
		}
	snprintf(buf, len, "%.*s", (int)n, l);
}

/* parse_lines: one record per line into set; malformed lines skipped. */
static int parse_lines(char *text, int sacct, struct exl_sched_set *set)
{
	char *save = NULL, *l;

	for (l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct exl_sched_job j;

		if ((sacct ? exl_sacct_parse_line(l, &j) :
			     exl_sched_parse_line(l, &j)) < 0)
			continue;
		if (exl_sched_add(set, &j) < 0)
			return -1;
	}
	exl_sched_sort(set);
	return 0;
}

/* finish_thread: wait for the query thread's answer (RL_SCHED_TIMEOUT
 * at most) and take it.  The answer's text in *out. */
static int finish_thread(struct rl_sched_query *q, char **out, char *why,
			 size_t len)
{
	struct pollfd p = { .fd = q->done_fd, .events = POLLIN };
	int n, rc = -1;

	do {
		n = poll(&p, 1, RL_SCHED_TIMEOUT * 1000);
	} while (n < 0 && errno == EINTR);
	pthread_mutex_lock(&tq.lock);
	if (tq.state == TQ_RUNNING) {
		/* it goes on in libslurm; its answer is dropped */
		tq.state = TQ_ABANDONED;
		snprintf(why, len, "no answer from slurmctld in %d s",
			 RL_SCHED_TIMEOUT);
	} else if (tq.state == TQ_ANSWERED) {
		*out = tq.out;
		tq.out = NULL;
		rc = 0;
	} else {
		snprintf(why, len, "%s", tq.why[0] ? tq.why :
			 "the scheduler query failed");
	}
	pthread_mutex_unlock(&tq.lock);
	return rc;
}

/* finish_child: wait for the child's answer and read it into *out. */
static int finish_child(struct rl_sched_query *q, char **out, char *why,
			size_t len)
{
	char *err = NULL, line[200], done;
	int status = 0, rc = -1;
	ssize_t n;

	/* the answer is complete when the child says so; it is reaped when
	 * it has exited by then, else by init after runlog exits */
	do {
		n = read(q->done_fd, &done, 1);
	} while (n < 0 && errno == EINTR);
	if (n == 1 && done == 0) {
		(void)waitpid(q->pid, NULL, WNOHANG);
		goto answer;
	}
	while (waitpid(q->pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(why, len, "couldn't wait for the scheduler query: %s",
				 strerror(errno));
			goto out;
		}
	}
	err = rl_read_fd(q->err_fd, 1 << 20, NULL);
	if (WIFSIGNALED(status)) {
		snprintf(why, len, WTERMSIG(status) == SIGALRM ?
			 "no answer from slurmctld in %d s" :
			 "the scheduler query was killed (signal %d)",
			 WTERMSIG(status) == SIGALRM ? RL_SCHED_TIMEOUT :
			 WTERMSIG(status));
		goto out;
	}
	if (WEXITSTATUS(status) != 0) {
		last_line(err, line, sizeof(line));
		snprintf(why, len, "%s", line[0] ? line :
			 "the scheduler query failed");
		goto out;
	}
answer:
	*out = rl_read_fd(q->out_fd, 256u << 20, NULL);
	if (!*out) {
		snprintf(why, len, "couldn't read the scheduler's answer: %s",
			 strerror(errno ? errno : ENOMEM));
		goto out;
	}
	rc = 0;
out:
	free(err);
	close(q->out_fd);
	close(q->err_fd);
	return rc;
}

int rl_sched_finish(struct rl_sched_query *q, struct exl_sched_set *set,
		    char *why, size_t len)
{
	char *out = NULL;
	int rc;

	if (q->pid < 0)
		return -1;
	rc = q->thread ? finish_thread(q, &out, why, len) :
			 finish_child(q, &out, why, len);
	close(q->done_fd);
	q->pid = -1;
	if (rc == 0 && parse_lines(out, 0, set) < 0) {
		snprintf(why, len, "couldn't read the scheduler's answer: %s",
			 strerror(ENOMEM));
		rc = -1;
	}
	free(out);
	return rc;
}

/* spawn_epoch: rl_spawn with SLURM_TIME_FORMAT=%s, so sacct prints
 * times as epoch seconds (no time zone to guess); the caller's value is
 * put back. */
static int spawn_epoch(char **argv, int timeout_s, char **out, char **err)
{
	const char *was = getenv("SLURM_TIME_FORMAT");
	char *keep = was ? strdup(was) : NULL;
	int status, e;

	if ((was && !keep) || setenv("SLURM_TIME_FORMAT", "%s", 1) < 0) {
		free(keep);
		return -1;
	}
	status = rl_spawn(argv, timeout_s, out, NULL, err);
	e = errno;
	if (keep)
		(void)setenv("SLURM_TIME_FORMAT", keep, 1);
	else
		(void)unsetenv("SLURM_TIME_FORMAT");
	free(keep);
	errno = e;
	return status;
}

int rl_sacct(char *const *ids, size_t n, int timeout_s,
	     struct exl_sched_set *set, char *why, size_t len)
{
	char **argv = calloc(n ? 9 : 1, sizeof(char *)), *list = NULL;
	char *out = NULL, *err = NULL, line[200];
	size_t i, total = 1;
	int status, rc = -1;

	if (n == 0) {
		free(argv);
		return 0;
	}
	for (i = 0; i < n; i++)
		total += strlen(ids[i]) + 1;
	list = malloc(total);
	if (!argv || !list) {
		snprintf(why, len, "out of memory");
		goto out;
	}
	for (i = 0, total = 0; i < n; i++) {
		size_t l = strlen(ids[i]);

		if (i)
			list[total++] = ',';
		memcpy(list + total, ids[i], l);
		total += l;
	}
	list[total] = '\0';
	argv[0] = "sacct";
	argv[1] = "-X";
	argv[2] = "-n";
	argv[3] = "-P";
	argv[4] = "-o";
	argv[5] = "JobID,State,Elapsed,End,ExitCode";
	argv[6] = "-j";
	argv[7] = list;
	status = spawn_epoch(argv, timeout_s, &out, &err);
	if (status == -1) {
		snprintf(why, len, "couldn't run sacct: %s", strerror(errno));
		if (errno == ENOENT)
			rc = -2;
	} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
		snprintf(why, len, "sacct gave no answer in %d s", timeout_s);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		last_line(err, line, sizeof(line));
		snprintf(why, len, "sacct failed: %s", line[0] ? line :
			 "no message");
		if (err && strstr(err, "accounting storage is disabled"))
			rc = -2;
	} else if (parse_lines(out, 1, set) < 0) {
		snprintf(why, len, "out of memory");
	} else {
		rc = 0;
	}
out:
	free(out);
	free(err);
	free(list);
	free(argv);
	return rc;
}
