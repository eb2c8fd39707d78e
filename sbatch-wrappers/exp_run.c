/* exp-run - signal-forwarding supervisor for commands inside job scripts.
 *
 *   exp-run [--grace=SECS] [--margin=SECS] [--state=DIR] -- CMD [ARGS...]
 *
 * Runs CMD in its own process group and forwards SIGTERM, SIGINT, SIGHUP,
 * SIGQUIT, SIGUSR1, SIGUSR2 and SIGCONT to that group, recording when each
 * arrived.  After a terminating signal (TERM, INT, HUP, QUIT) the group
 * gets a grace period to save and exit, then SIGKILL.  Whatever happens,
 * exp-run records how CMD ended, finalizes the trackers (events.jsonl,
 * offline W&B runs) and exits with CMD's status (128+N for signal N), so
 * Slurm sees the truth.
 */
#include "exl_build.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "exp_run.h"
#include "util/jobstate.h"

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1,
				 SIGUSR2, SIGCONT };
#define NFWD (sizeof(forwarded) / sizeof(forwarded[0]))

#define USAGE_LINE "Usage: exp-run [OPTIONS] -- CMD [ARGS...]\n"

static void usage(FILE *f)
{
	fprintf(f,
USAGE_LINE
"Run CMD in its own process group inside a Slurm job: forward signals to\n"
"it, give it a grace period after SIGTERM, record how it ended, finalize\n"
"the run's trackers, and exit with CMD's status.\n"
"\n"
"  --grace=SECS    grace after a terminating signal (default: the job's\n"
"                  --signal=...@SECS, or Slurm's KillWait, minus a margin)\n"
"  --margin=SECS   safety margin taken off the default grace (default:\n"
"                  10%% of the window, at least 2 s)\n"
"  --state=DIR     where records go (default: $EXP_LOG_STATE; without it\n"
"                  nothing is recorded, signals are still forwarded)\n"
"  --no-trackers   don't finalize events.jsonl / offline W&B runs\n"
"  -h, --help      this text\n"
"  -V, --version   version\n"
"\n"
"Exit status: CMD's exit code, 128+N when CMD died of signal N, 125 when\n"
"exp-run itself failed (a usage error included), 126/127 when CMD could\n"
"not be run.  See exp-run(1).\n");
}

static int parse_secs(const char *opt, const char *val)
{
	char *end;
	long n = strtol(val, &end, 10);

	if (end == val || *end || n < 0 || n > 86400) {
		cli_usage_err(NULL, "--%s: invalid value '%s': give seconds "
			      "(0-86400)", opt, val);
		exit(EXP_RUN_EXIT_SELF);
	}
	return (int)n;
}

/* spawn: fork CMD into a new process group with default signals. */
static pid_t spawn(char **argv, const sigset_t *orig)
{
	pid_t pid = fork();

	if (pid < 0)
		cli_die(EXP_RUN_EXIT_SELF, "couldn't fork: %s", strerror(errno));
	if (pid == 0) {
		setpgid(0, 0);
		sigprocmask(SIG_SETMASK, orig, NULL);
		execvp(argv[0], argv);
		fprintf(stderr, "exp-run: couldn't run %s: %s\n", argv[0],
			strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	/* both sides set the group so the race with exec can't matter */
	if (setpgid(pid, pid) < 0 && errno != EACCES && errno != ESRCH)
		cli_err("couldn't set the process group of %d: %s", (int)pid,
			strerror(errno));
	return pid;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "grace", required_argument, NULL, 'g' },
		{ "margin", required_argument, NULL, 'm' },
		{ "state", required_argument, NULL, 's' },
		{ "no-trackers", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct exp_run r;
	sigset_t mask, orig;
	double deadline = 0;
	pid_t pid;
	int c, sfd, status = 0, done = 0;
	size_t i;

	cli_init("exp-run");
	exp_run_init(&r);
	while ((c = getopt_long(argc, argv, "+:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'g':
			r.grace = parse_secs("grace", optarg);
			break;
		case 'm':
			r.margin = parse_secs("margin", optarg);
			break;
		case 's':
			r.state_dir = optarg;
			break;
		case 'n':
			r.no_trackers = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			cli_version();
			return 0;
		default:
			/* a usage error is exp-run's own failure: 125 */
			cli_bad_option(c, argv, NULL);
			return EXP_RUN_EXIT_SELF;
		}
	}
	if (optind >= argc) {
		cli_missing(NULL, "CMD", USAGE_LINE);
		return EXP_RUN_EXIT_SELF;
	}
	exp_run_load_env(&r);

	sigemptyset(&mask);
	for (i = 0; i < NFWD; i++)
		sigaddset(&mask, forwarded[i]);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, &orig) < 0 ||
	    (sfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0)
		cli_die(EXP_RUN_EXIT_SELF, "couldn't set up signals: %s",
			strerror(errno));
	r.start = now_s();
	pid = spawn(argv + optind, &orig);
	r.pgid = pid;

	while (!done) {
		struct pollfd p = { .fd = sfd, .events = POLLIN };
		struct signalfd_siginfo si;
		int timeout = -1, rc;

		if (deadline > 0) {
			double left = deadline - now_s();

			timeout = left > 0 ? (int)(left * 1000) + 1 : 0;
		}
		rc = poll(&p, 1, timeout);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc == 0 && deadline > 0) {
			exp_run_grace_expired(&r, now_s());
			kill(-pid, SIGKILL);
			deadline = 0;
			continue;
		}
		if (rc < 0 || read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGCHLD) {
			pid_t w;

			while ((w = waitpid(-1, &status, WNOHANG)) > 0)
				if (w == pid)
					done = 1;
			continue;
		}
		kill(-pid, (int)si.ssi_signo);
		if (exp_run_signal(&r, (int)si.ssi_signo, now_s()) && !deadline)
			deadline = now_s() + r.grace_used;
	}
	r.end = now_s();
	r.wstatus = status;
	exp_run_finish(&r);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
