/* sync_exec.c - run sync children with a bound and a timeout
 * (sync_exec.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sync_exec.h"

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* tail_add: keep the last SYNC_TAIL_MAX bytes of a stream. */
static void tail_add(struct sync_tail *t, const char *p, size_t n)
{
	size_t keep;

	if (n > SYNC_TAIL_MAX) {
		p += n - SYNC_TAIL_MAX;
		n = SYNC_TAIL_MAX;
		t->cut = 1;
	}
	keep = SYNC_TAIL_MAX - n;	/* room left for older bytes */
	if (t->len > keep) {
		memmove(t->buf, t->buf + t->len - keep, keep);
		t->len = keep;
		t->cut = 1;
	}
	memcpy(t->buf + t->len, p, n);
	t->len += n;
}

/* child: never returns.  Only async-signal-safe calls after fork. */
static void child(const struct sync_task *t, char *const *envp,
		  const int out[2], const int err[2])
{
	static const char msg[] = "exp-wandb-sync: couldn't run the wandb executable\n";
	int null = open("/dev/null", O_RDONLY);

	setpgid(0, 0);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(out[1], STDOUT_FILENO) < 0 || dup2(err[1], STDERR_FILENO) < 0)
		_exit(127);
	execve(t->argv[0], t->argv, envp);
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(127);
	_exit(127);
}

static int spawn(struct sync_task *t, char *const *envp)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };

	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		goto fail;
	t->pid = fork();
	if (t->pid < 0)
		goto fail;
	if (t->pid == 0)
		child(t, envp, out, err);
	/* both sides set the group, so a kill never races the child; here
	 * EACCES only means the child has already done it and exec'd */
	setpgid(t->pid, t->pid);
	close(out[1]);
	close(err[1]);
	t->fd[0] = out[0];
	t->fd[1] = err[0];
	t->started = now_s();
	t->state = 1;
	if (fcntl(t->fd[0], F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(t->fd[1], F_SETFL, O_NONBLOCK) < 0) {
		/* reads could block the loop: stop this one at once */
		snprintf(t->spawn_error, sizeof(t->spawn_error),
			 "couldn't watch it: %s", strerror(errno));
		kill(-t->pid, SIGKILL);
		t->term_at = t->started;
	}
	return 0;
fail:
	snprintf(t->spawn_error, sizeof(t->spawn_error), "couldn't start it: %s",
		 strerror(errno));
	if (out[0] >= 0) {
		close(out[0]);
		close(out[1]);
	}
	if (err[0] >= 0) {
		close(err[0]);
		close(err[1]);
	}
	t->state = 2;
	return -1;
}

/* drain: read what is there from the child's pipes (EOF closes). */
static void drain(struct sync_task *t)
{
	char buf[8192];
	int i;

	for (i = 0; i < 2; i++) {
		while (t->fd[i] >= 0) {
			ssize_t n = read(t->fd[i], buf, sizeof(buf));

			if (n > 0) {
				tail_add(&t->out[i], buf, (size_t)n);
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
				close(t->fd[i]);
				t->fd[i] = -1;
			}
			break;
		}
	}
}

/* police: timeouts and interrupts for a running task. */
static void police(struct sync_task *t, const struct sync_cfg *cfg, double now)
{
	if (!t->term_at) {
		if (stop_requested) {
			t->interrupted = 1;
		} else if (cfg->timeout_s > 0 &&
			   now - t->started >= (double)cfg->timeout_s) {
			t->timed_out = 1;
		} else {
			return;
		}
		kill(-t->pid, SIGTERM);
		t->term_at = now;
	} else if (now - t->term_at >= SYNC_KILL_GRACE_S) {
		kill(-t->pid, SIGKILL);
	}
}

/* reap: a running child that exited becomes done (its helpers may keep
 * the pipes open: whatever they have written is taken, then closed). */
static int reap(struct sync_task *t)
{
	int i;

	if (waitpid(t->pid, &t->wstatus, WNOHANG) != t->pid)
		return 0;
	t->exited = 1;
	drain(t);
	for (i = 0; i < 2; i++)
		if (t->fd[i] >= 0) {
			close(t->fd[i]);
			t->fd[i] = -1;
		}
	if (t->term_at)
		kill(-t->pid, SIGKILL);	/* no helper outlives a kill */
	t->state = 2;
	return 1;
}

/* wait_io: poll the running children's pipes, 200 ms at most. */
static void wait_io(struct sync_task *t, size_t n)
{
	struct pollfd *p = calloc(2 * n + 1, sizeof(*p));
	size_t i, np = 0;

	if (!p) {
		usleep(200 * 1000);
		return;
	}
	for (i = 0; i < n; i++) {
		if (t[i].state != 1)
			continue;
		if (t[i].fd[0] >= 0)
			p[np++] = (struct pollfd){ .fd = t[i].fd[0], .events = POLLIN };
		if (t[i].fd[1] >= 0)
			p[np++] = (struct pollfd){ .fd = t[i].fd[1], .events = POLLIN };
	}
	if (poll(p, np, 200) < 0 && errno != EINTR)
		usleep(200 * 1000);
	free(p);
}

int sync_run_tasks(struct sync_task *t, size_t n, const struct sync_cfg *cfg,
		   const struct sync_watch *watch)
{
	struct sigaction sa = { .sa_handler = on_stop }, old_int, old_term;
	size_t i, next = 0, done = 0, running = 0;

	for (i = 0; i < n; i++) {
		t[i].fd[0] = t[i].fd[1] = -1;
		t[i].state = 0;
	}
	stop_requested = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	while (done < n) {
		while (!stop_requested && running < (size_t)cfg->jobs && next < n) {
			if (spawn(&t[next], cfg->envp) == 0) {
				running++;
			} else {
				done++;
				watch->done(watch->arg, next);
			}
			next++;
		}
		for (; stop_requested && next < n; next++, done++) {
			t[next].interrupted = 1;
			t[next].state = 2;
			watch->done(watch->arg, next);
		}
		watch->progress(watch->arg, done, running, n);
		if (done >= n)
			break;
		wait_io(t, n);
		for (i = 0; i < n; i++) {
			if (t[i].state != 1)
				continue;
			drain(&t[i]);
			police(&t[i], cfg, now_s());
			if (reap(&t[i])) {
				running--;
				done++;
				watch->done(watch->arg, i);
			}
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return stop_requested ? 1 : 0;
}

int sync_task_ok(const struct sync_task *t)
{
	return t->exited && !t->timed_out && !t->interrupted && !t->spawn_error[0] &&
	       WIFEXITED(t->wstatus) && WEXITSTATUS(t->wstatus) == 0;
}

const char *sync_task_why(const struct sync_task *t, int timeout_s,
			  char *buf, size_t len)
{
	if (t->spawn_error[0])
		snprintf(buf, len, "%s", t->spawn_error);
	else if (t->timed_out)
		snprintf(buf, len, "timed out after %d s: stopped", timeout_s);
	else if (t->interrupted)
		snprintf(buf, len, "interrupted");
	else if (!t->exited)
		snprintf(buf, len, "did not run");
	else if (WIFSIGNALED(t->wstatus))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(t->wstatus));
	else if (WEXITSTATUS(t->wstatus) == 127 && !t->out[0].len)
		snprintf(buf, len, "couldn't run the wandb executable");
	else
		snprintf(buf, len, "wandb sync exited with status %d",
			 WEXITSTATUS(t->wstatus));
	return buf;
}
