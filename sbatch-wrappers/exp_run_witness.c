/* exp_run_witness.c - tells a signal that Slurm sent to every process of
 * the step from one sent to exp-run alone.
 *
 * Slurm 22.05 signals a step in two ways (src/slurmd/slurmstepd/req.c,
 * _handle_signal_container):
 *   - every process of the step, whatever its process group
 *     (proctrack_g_signal): scancel, the time limit, preemption,
 *     scancel -s SIG and --signal=SIG@T (both: steps other than the batch
 *     step);
 *   - the batch shell alone (kill) or the batch shell's process group
 *     (killpg): --signal=B:SIG@T, scancel -b, scancel --full.
 * The program runs in a process group of its own, so it gets the first
 * kind from Slurm and never the second.  The witness is a child of
 * exp-run in a third process group that only reports the signals it
 * receives: a signal the witness got too reached the program as well and
 * must not be sent again; one it did not get is forwarded.  The test asks
 * the step itself, so it also holds under any proctrack plugin.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exp_run.h"

/* witness_main: the witness process: report every signal of set, one byte
 * each, until exp-run goes away. */
static void witness_main(int wfd, const sigset_t *set, pid_t parent)
{
	struct signalfd_siginfo si;
	int sfd;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(0);
	sfd = signalfd(-1, set, SFD_CLOEXEC);
	if (sfd < 0)
		_exit(1);
	for (;;) {
		unsigned char b;
		ssize_t n = read(sfd, &si, sizeof(si));

		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(si))
			_exit(1);
		b = (unsigned char)si.ssi_signo;
		if (write(wfd, &b, 1) != 1)
			_exit(0);
	}
}

int exp_run_witness_start(struct exp_run_witness *w, const sigset_t *set,
			  int keep_fd)
{
	int p[2];
	pid_t parent = getpid();

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	w->pid = fork();
	if (w->pid < 0) {
		close(p[0]);
		close(p[1]);
		w->pid = 0;
		return -1;
	}
	if (w->pid == 0) {
		close(p[0]);
		if (keep_fd >= 0)
			close(keep_fd);
		setpgid(0, 0);
		witness_main(p[1], set, parent);
	}
	/* both sides set the group so that no signal finds it in ours */
	if (setpgid(w->pid, w->pid) < 0 && errno != EACCES && errno != ESRCH) {
		exp_run_witness_stop(w);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(p[1]);
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) {
		close(p[0]);
		exp_run_witness_stop(w);
		return -1;
	}
	w->fd = p[0];
	return 0;
}

int exp_run_witness_read(struct exp_run_witness *w, int *sigs, int max)
{
	unsigned char b[64];
	ssize_t n;
	int i;

	if (w->fd < 0)
		return -1;
	if (max > (int)sizeof(b))
		max = (int)sizeof(b);
	n = read(w->fd, b, (size_t)max);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		close(w->fd);
		w->fd = -1;
		return -1;
	}
	for (i = 0; i < n; i++)
		sigs[i] = b[i];
	return (int)n;
}

void exp_run_witness_stop(struct exp_run_witness *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	if (w->pid > 0) {
		kill(w->pid, SIGKILL);
		while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	w->pid = 0;
}
