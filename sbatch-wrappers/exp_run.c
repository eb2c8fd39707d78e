/* exp-run - signal-forwarding supervisor for commands inside job scripts.
 *
 *   exp-run [--grace=SECS] [--margin=SECS] [--state=DIR] -- CMD [ARGS...]
 *
 * Runs CMD in its own process group and forwards SIGTERM, SIGINT, SIGHUP,
 * SIGQUIT, SIGUSR1, SIGUSR2 and SIGCONT to that group, recording when each
 * arrived, unless Slurm sent the signal to every process of the step: then
 * CMD has it already (see exp_run_witness.c), and each signal reaches CMD
 * exactly once.  After a terminating signal (TERM, INT, HUP, QUIT) the group
 * gets a grace period to save and exit, then SIGKILL.  Whatever happens,
 * exp-run records how CMD ended, finalizes the trackers (events.jsonl,
 * offline W&B runs) and exits with CMD's status (128+N for signal N), so
 * Slurm sees the truth.  --send=SIG gives the job's warning signal to
 * CMD's main process alone as SIG; --requeue makes the job a chain of
 * allocations (exp_run_chain.c).
 */
#include "exl_build.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
"Run CMD in its own process group inside a Slurm job: forward the signals\n"
"that Slurm sent to exp-run alone (each reaches CMD once), give CMD a\n"
"grace period after SIGTERM, record how it ended, finalize the run's\n"
"trackers, and exit with CMD's status.\n"
"\n"
"  --grace=SECS    grace after a terminating signal (default: the job's\n"
"                  --signal=...@SECS, or Slurm's KillWait, minus a margin)\n"
"  --margin=SECS   safety margin taken off the default grace (default:\n"
"                  10%% of the window, at least 2 s)\n"
"  --state=DIR     where records go (default: $EXP_LOG_STATE; without it\n"
"                  nothing is recorded, signals are still forwarded)\n"
"  --no-trackers   don't finalize events.jsonl / offline W&B runs\n"
"  --send=SIG      send SIG to the program's main process alone when the\n"
"                  job's warning signal (--signal=B:USR1@SECS) comes, and\n"
"                  give it the grace (default with --requeue: TERM)\n"
"  --requeue[=MAX] on the time-limit warning or preemption, after the\n"
"                  grace, requeue the job (at most MAX times in all,\n"
"                  default 10; also $EXP_LOG_REQUEUE, set by --exp-requeue)\n"
"  --warning=SPEC  the job's --signal (B:USR1@50) when the plugin does not\n"
"                  tell it (it does for jobs with --exp-log)\n"
"  --stall=N       stop the chain after N links in a row that wrote no\n"
"                  new checkpoint (default 2)\n"
"  -h, --help      this text\n"
"  -V, --version   version\n"
"\n"
"Exit status: CMD's exit code, 128+N when CMD died of signal N, 125 when\n"
"exp-run itself failed (a usage error included), 126/127 when CMD could\n"
"not be run.  See exp-run(1).\n");
}

/* parse_sig: a signal named "TERM", "SIGTERM" or given by number. */
static int parse_sig(const char *val)
{
	const char *name = strncasecmp(val, "SIG", 3) == 0 ? val + 3 : val;
	char *end;
	long n = strtol(val, &end, 10);
	int i;

	if (end != val && !*end && n > 0 && n < NSIG && n != SIGKILL &&
	    n != SIGSTOP)
		return (int)n;
	for (i = 1; i < NSIG; i++)
		if (i != SIGKILL && i != SIGSTOP && sigabbrev_np(i) &&
		    strcasecmp(name, sigabbrev_np(i)) == 0)
			return i;
	cli_usage_err(NULL, "--send: unknown signal '%s': give a name such "
		      "as TERM, INT or USR2", val);
	exit(EXP_RUN_EXIT_SELF);
}

/* parse_count: --requeue=MAX and --stall=N: 1-1000. */
static int parse_count(const char *opt, const char *val)
{
	char *end;
	long n = strtol(val, &end, 10);

	if (end == val || *end || n < 1 || n > 1000) {
		cli_usage_err(NULL, "--%s: invalid value '%s': give a count "
			      "(1-1000)", opt, val);
		exit(EXP_RUN_EXIT_SELF);
	}
	return (int)n;
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

/* spawn: fork CMD into a new process group with default signals; wfd
 * (the witness pipe) is closed in the child. */
static pid_t spawn(char **argv, const sigset_t *orig, int wfd)
{
	pid_t pid = fork();

	if (pid < 0)
		cli_die(EXP_RUN_EXIT_SELF, "couldn't fork: %s", strerror(errno));
	if (pid == 0) {
		if (wfd >= 0)
			close(wfd);
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

/* The supervisor's state while CMD runs. */
struct loop {
	struct exp_run *r;
	struct exp_run_witness w;
	struct exl_sigmatch m;
	pid_t pid;
	int status, done;
	double deadline;	/* grace over at, 0: no grace running */
};

/* decide: what became of a signal that arrived at when.  The job's
 * warning signal, with --send, goes to the program's main process only as
 * that signal (NCCL and torch.distributed workers in its group are not
 * hit; the program tells them). */
static void decide(struct loop *l, int sig, double when,
		   enum exp_run_sent sent)
{
	if (l->r->send_sig && sig == l->r->warn_sig) {
		int ok = sent != EXP_RUN_CMD_ENDED &&
			 kill(l->pid, l->r->send_sig) == 0;

		if (exp_run_translated(l->r, sig, when, ok) && !l->deadline)
			l->deadline = when + l->r->grace_used;
		return;
	}
	if (sent == EXP_RUN_FORWARDED && kill(-l->pid, sig) < 0)
		sent = EXP_RUN_CMD_ENDED;
	if (exp_run_signal(l->r, sig, when, sent) && !l->deadline)
		l->deadline = when + l->r->grace_used;
}

/* witness_gone: without it nothing tells step-wide signals: forward. */
static void witness_gone(struct loop *l)
{
	double at;
	int sig;

	exp_run_witness_stop(&l->w);
	while ((sig = exl_sigmatch_due(&l->m, 0, 1, &at)) > 0)
		decide(l, sig, at, EXP_RUN_FORWARDED);
}

static void on_signal(struct loop *l, int sig, double now)
{
	if (sig == SIGCHLD) {
		pid_t w;
		int st;

		while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
			if (w == l->pid) {
				l->status = st;
				l->done = 1;
			} else if (w == l->w.pid) {
				l->w.pid = 0;
				witness_gone(l);
			}
		}
		return;
	}
	if (l->w.fd < 0)
		decide(l, sig, now, EXP_RUN_FORWARDED);
	else if (exl_sigmatch_arrived(&l->m, sig, now))
		decide(l, sig, now, EXP_RUN_STEP_WIDE);
}

static void on_witness(struct loop *l, double now)
{
	int sigs[64], n, i;
	double at;

	n = exp_run_witness_read(&l->w, sigs, 64);
	if (n < 0) {
		witness_gone(l);
		return;
	}
	for (i = 0; i < n; i++)
		if (exl_sigmatch_witnessed(&l->m, sigs[i], now, &at))
			decide(l, sigs[i], at, EXP_RUN_STEP_WIDE);
}

/* poll_ms: until the grace runs out or a pending signal falls due. */
static int poll_ms(const struct loop *l, double now)
{
	double next = exl_sigmatch_next(&l->m);

	if (l->deadline > 0 && (next == 0 || l->deadline < next))
		next = l->deadline;
	if (next == 0)
		return -1;
	return next > now ? (int)((next - now) * 1000) + 1 : 0;
}

static void supervise(struct loop *l, int sfd)
{
	double at;
	int sig;

	while (!l->done) {
		struct pollfd p[2] = { { .fd = sfd, .events = POLLIN },
				       { .fd = l->w.fd, .events = POLLIN } };
		struct signalfd_siginfo si;
		double now = now_s();
		int rc = poll(p, l->w.fd >= 0 ? 2 : 1, poll_ms(l, now));

		if (rc < 0 && errno != EINTR)
			cli_die(EXP_RUN_EXIT_SELF, "poll: %s", strerror(errno));
		now = now_s();
		if (rc > 0 && (p[0].revents & POLLIN) &&
		    read(sfd, &si, sizeof(si)) == sizeof(si))
			on_signal(l, (int)si.ssi_signo, now);
		if (rc > 0 && l->w.fd >= 0 && p[1].revents)
			on_witness(l, now);
		while (!l->done && (sig = exl_sigmatch_due(&l->m, now, 0, &at)) > 0)
			decide(l, sig, at, EXP_RUN_FORWARDED);
		if (!l->done && l->deadline > 0 && now >= l->deadline) {
			exp_run_grace_expired(l->r, now);
			kill(-l->pid, SIGKILL);
			l->deadline = -1;	/* once */
		}
	}
	/* signals still waiting for the witness came too late for CMD */
	while ((sig = exl_sigmatch_due(&l->m, 0, 1, &at)) > 0)
		decide(l, sig, at, EXP_RUN_CMD_ENDED);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "grace", required_argument, NULL, 'g' },
		{ "margin", required_argument, NULL, 'm' },
		{ "state", required_argument, NULL, 's' },
		{ "no-trackers", no_argument, NULL, 'n' },
		{ "send", required_argument, NULL, 'S' },
		{ "requeue", optional_argument, NULL, 'r' },
		{ "stall", required_argument, NULL, 'T' },
		{ "warning", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct exp_run r;
	struct loop l;
	sigset_t mask, orig, watched;
	const char *v, *warning = NULL;
	int c, sfd;
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
		case 'S':
			r.send_sig = parse_sig(optarg);
			break;
		case 'r':
			r.requeue_max = optarg ? parse_count("requeue", optarg) :
				       EXP_RUN_REQUEUE_DEFAULT;
			break;
		case 'T':
			r.stall_limit = parse_count("stall", optarg);
			break;
		case 'W':
			warning = optarg;
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
	if (warning && exp_run_set_warning(&r, warning) < 0)
		return EXP_RUN_EXIT_SELF;
	/* --exp-requeue=MAX: the plugin's word when the line has none, for
	 * the batch script's exp-run (an srun step's has SLURM_STEP_ID) */
	if (r.requeue_max < 0 && !getenv("SLURM_STEP_ID") &&
	    (v = getenv("EXP_LOG_REQUEUE")) && *v)
		r.requeue_max = parse_count("requeue ($EXP_LOG_REQUEUE)", v);
	if (r.requeue_max >= 0 && !r.send_sig)
		r.send_sig = SIGTERM;
	if (r.requeue_max >= 0 || r.send_sig)
		exp_run_chain_load(&r);

	sigemptyset(&mask);
	for (i = 0; i < NFWD; i++)
		sigaddset(&mask, forwarded[i]);
	watched = mask;
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, &orig) < 0 ||
	    (sfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0)
		cli_die(EXP_RUN_EXIT_SELF, "couldn't set up signals: %s",
			strerror(errno));
	memset(&l, 0, sizeof(l));
	l.r = &r;
	/* without a witness every signal is forwarded, as before */
	if (exp_run_witness_start(&l.w, &watched, sfd) < 0)
		l.w.fd = -1;
	r.start = now_s();
	l.pid = spawn(argv + optind, &orig, l.w.fd);
	r.pgid = l.pid;
	supervise(&l, sfd);
	exp_run_witness_stop(&l.w);
	r.end = now_s();
	r.wstatus = l.status;
	exp_run_chain_end(&r);
	exp_run_finish(&r);
	if (WIFSIGNALED(l.status))
		return 128 + WTERMSIG(l.status);
	return WEXITSTATUS(l.status);
}
