/* Unit tests: the detached monitor process starts, stops on request, and
 * its last writes land before exl_monitor_stop returns. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "util/fileio.h"
#include "watch/monitor_proc.h"
#include "tap.h"

static char path[] = "/tmp/exl-mon-XXXXXX";

/* ticker: one line per 50 ms, "stopped" at the end after a slow write. */
static void ticker(void *arg, int stop_fd, int report_fd)
{
	FILE *f = fopen(arg, "a");

	(void)report_fd;
	if (!f)
		return;
	while (!exl_monitor_wait(stop_fd, 0.05)) {
		fprintf(f, "tick %d\n", (int)getppid());
		fflush(f);
	}
	usleep(200 * 1000);	/* a slow final write */
	fprintf(f, "stopped uid=%d\n", (int)getuid());
	fclose(f);
}

/* exited: the process is gone or a zombie waiting for init to reap it. */
static int exited(pid_t pid)
{
	char p[64], buf[256], *rp;
	FILE *f;
	int gone = 1;

	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	f = fopen(p, "r");
	if (!f)
		return 1;
	if (fgets(buf, sizeof(buf), f) && (rp = strrchr(buf, ')')))
		gone = rp[2] == 'Z' || rp[2] == 'X';
	fclose(f);
	return gone;
}

static void quick(void *arg, int stop_fd, int report_fd)
{
	(void)arg;
	(void)stop_fd;
	(void)report_fd;
}

static void stubborn(void *arg, int stop_fd, int report_fd)
{
	(void)arg;
	(void)stop_fd;
	(void)report_fd;
	sleep(3);
}

/* reporter: waits for stop, then tells what went wrong. */
static void reporter(void *arg, int stop_fd, int report_fd)
{
	const char *msg = arg;

	while (!exl_monitor_wait(stop_fd, 0.05))
		;
	usleep(100 * 1000);
	if (write(report_fd, msg, strlen(msg)) < 0)
		_exit(1);
}

/* echo: waits for stop, then reports what the stopper sent with it
 * ("none" when nothing). */
static void echo(void *arg, int stop_fd, int report_fd)
{
	char msg[64];
	size_t n;

	(void)arg;
	while (!exl_monitor_wait(stop_fd, 0.05))
		;
	n = exl_monitor_stop_msg(stop_fd, msg, sizeof(msg) - 1);
	if (!n)
		n = (size_t)snprintf(msg, sizeof(msg), "none");
	if (write(report_fd, msg, n) < 0)
		_exit(1);
}

/* fd_census: waits for stop, then reports which of the caller's
 * descriptors it still holds: "open:" and the list, its pipes "ok". */
static void fd_census(void *arg, int stop_fd, int report_fd)
{
	const int *fds = arg;
	char msg[128];
	int i, n;

	while (!exl_monitor_wait(stop_fd, 0.05))
		;
	n = snprintf(msg, sizeof(msg), "open:");
	for (i = 0; fds[i] >= 0; i++)
		if (fcntl(fds[i], F_GETFD) != -1)
			n += snprintf(msg + n, sizeof(msg) - (size_t)n, " %d",
				      fds[i]);
	n += snprintf(msg + n, sizeof(msg) - (size_t)n, "%s",
		      fcntl(stop_fd, F_GETFD) != -1 &&
		      fcntl(report_fd, F_GETFD) != -1 ? " pipes ok" : " pipes gone");
	if (write(report_fd, msg, (size_t)n) < 0)
		_exit(1);
}

int main(void)
{
	struct exl_monitor m;
	struct exl_err err;
	char *text = NULL, report[128];
	int fd;

	fd = mkstemp(path);
	if (fd < 0)
		return 1;
	close(fd);
	ok(exl_monitor_start(&m, getuid(), getgid(), ticker, path, &err) == 0,
	   "start");
	ok(m.pid > 0 && kill(m.pid, 0) == 0, "monitor is alive");
	ok(exl_monitor_wait(m.done_fd, 0.3) == 0, "it keeps running");
	ok(exl_monitor_stop(&m, 5, NULL, 0) == 0, "stop waits for it");
	ok(exl_read_file(path, 1 << 20, &text, NULL, &err) == 0 &&
	   strstr(text, "tick 1\n") && strstr(text, "stopped uid="),
	   "ticked detached (parent is init) and finished its last write");
	free(text);
	usleep(100 * 1000);
	ok(exited(m.pid), "monitor gone after stop");
	is_int(m.stop_fd, -1, "stop fd closed");

	ok(exl_monitor_start(&m, getuid(), getgid(), quick, NULL, &err) == 0,
	   "a monitor that returns at once");
	ok(exl_monitor_stop(&m, 5, report, sizeof(report)) == 0,
	   "stop after it ended is fine");
	is_str(report, "", "a monitor that says nothing: empty report");
	ok(exl_monitor_start(&m, getuid(), getgid(), stubborn, NULL, &err) == 0,
	   "a monitor that ignores stop");
	ok(exl_monitor_stop(&m, 1, NULL, 0) < 0, "stop gives up after the timeout");
	ok(exl_monitor_stop(&m, 1, NULL, 0) == 0, "second stop is a no-op");

	ok(exl_monitor_start(&m, getuid(), getgid(), reporter,
			     "3 updates could not be written", &err) == 0,
	   "a monitor with something to report");
	ok(exl_monitor_stop(&m, 5, report, sizeof(report)) == 0,
	   "stop waits for it");
	is_str(report, "3 updates could not be written",
	       "its report reaches the stopper");
	/* a message with the stop: the monitor reads it */
	ok(exl_monitor_start(&m, getuid(), getgid(), echo, NULL, &err) == 0,
	   "a monitor that echoes the stop message");
	ok(exl_monitor_stop_with(&m, "ended 3", 7, 5, report,
				 sizeof(report)) == 0 &&
	   strcmp(report, "ended 3") == 0, "the message reaches it: %s",
	   report);
	ok(exl_monitor_start(&m, getuid(), getgid(), echo, NULL, &err) == 0,
	   "again, stopped without a message");
	ok(exl_monitor_stop(&m, 5, report, sizeof(report)) == 0 &&
	   strcmp(report, "none") == 0, "it reads none: %s", report);
	/* a monitor already gone: the message is lost quietly (a SIGPIPE
	 * would end this test) */
	ok(exl_monitor_start(&m, getuid(), getgid(), quick, NULL, &err) == 0,
	   "a monitor that returns at once");
	usleep(200 * 1000);
	ok(exl_monitor_stop_with(&m, "late", 4, 5, report,
				 sizeof(report)) == 0 && report[0] == '\0',
	   "a message to a monitor gone: no signal, empty report");
	ok(exl_monitor_start(&m, getuid(), getgid(), reporter,
			     "a long report that does not fit", &err) == 0,
	   "a report longer than the buffer");
	ok(exl_monitor_stop(&m, 5, report, 7) == 0 &&
	   strcmp(report, "a long") == 0, "is cut to fit, NUL-terminated");

	/* the monitor holds none of its parent's other descriptors: a low
	 * one, and one far past 1024, under a limit of 70,000 open files
	 * (slurmstepd's can be that high) where one can be set */
	{
		struct rlimit rl;
		int fds[3] = { open("/dev/null", O_RDONLY), 4000, -1 };

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
			rl.rlim_cur = 70000;
			if (rl.rlim_max < rl.rlim_cur)
				rl.rlim_max = rl.rlim_cur;
			if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
				diag("open-file limit stays (%s)", strerror(errno));
		}

		ok(fds[0] >= 3 && dup2(fds[0], fds[1]) == fds[1],
		   "descriptors %d and %d open here", fds[0], fds[1]);
		ok(exl_monitor_start(&m, getuid(), getgid(), fd_census, fds,
				     &err) == 0, "a monitor that counts its fds");
		ok(exl_monitor_stop(&m, 5, report, sizeof(report)) == 0,
		   "stop waits for it");
		is_str(report, "open: pipes ok",
		       "the monitor closed them all, and kept its pipes");
		close(fds[0]);
		close(fds[1]);
	}
	unlink(path);
	return done_testing();
}
