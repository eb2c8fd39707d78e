/* ending.c - the story of a job's end (see ending.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "job/ending.h"
#include "runstore/exprun_record.h"
#include "util/fileio.h"
#include "util/jobstate.h"
#include "util/jsonfile.h"
#include "util/sigspec.h"

struct witness {
	int have;		/* exp-run.json present and sane */
	struct exl_exprun_result r;
};

/* read_witness: exp-run's result for rank 0, if any. */
static void read_witness(const char *state_dir, struct witness *w)
{
	memset(w, 0, sizeof(*w));
	w->have = state_dir && exl_exprun_read(state_dir, &w->r) == 0;
}

/* first_seen: the first time exp-run recorded signal name in this job
 * (since its start: a requeued job's links share the state dir), 0 if
 * never. */
static double first_seen(const struct exl_ending_in *in, const char *name)
{
	return in->state_dir ? exl_exprun_signal_first(in->state_dir, name,
						       (double)in->start) : 0;
}

static void clock_of(double t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm))
		strftime(buf, len, "%H:%M:%S", &tm);
	else
		snprintf(buf, len, "?");
}

/* warning_due: when the job's --signal warning was due, 0 if it has none. */
static double warning_due(const struct exl_ending_in *in)
{
	int secs = in->signal_spec ? exl_sigspec_secs(in->signal_spec) : -1;

	if (secs < 0 || in->time_limit_min == 0 ||
	    in->time_limit_min >= 0xfffffffeu)
		return 0;
	return (double)in->start + (double)in->time_limit_min * 60 - secs;
}

/* spec_sig_name: "SIGTERM" from "B:TERM@90". */
static void spec_sig_name(const char *spec, char *buf, size_t len)
{
	const char *sig = strchr(spec, ':') ? strchr(spec, ':') + 1 : spec;

	snprintf(buf, len, "SIG%.*s", (int)strcspn(sig, "@"), sig);
}

/* shell_killed_by_warning: the batch shell died of the job's --signal=B:
 * warning and no exp-run saw it: exp-run (if any) was not the batch shell,
 * and Slurm signals only the batch shell for B: (sbatch(1), --signal).
 * Slurm may send the warning up to 60 s before it is due. */
static int shell_killed_by_warning(const struct exl_ending_in *in)
{
	char want[32], name[32];
	double due = warning_due(in);

	if (!in->signal_spec || strncmp(in->signal_spec, "B:", 2) != 0 ||
	    due <= 0 || !in->have_status || !WIFSIGNALED(in->wstatus) ||
	    !in->end || (double)in->end < due - 65 ||
	    (double)in->end > due + 65)
		return 0;
	spec_sig_name(in->signal_spec, want, sizeof(want));
	exl_signal_name(WTERMSIG(in->wstatus), name, sizeof(name));
	return strcmp(want, name) == 0 && first_seen(in, want) == 0;
}

/* story_index: which entry of how[] tells this end, -1 for a normal end. */
static int story_index(const struct exl_ending_in *in, const struct witness *w,
		       const char *const *states)
{
	int i, timeout = -1, hit = -1;

	for (i = 0; states[i]; i++) {
		if (strcmp(states[i], "TIMEOUT") == 0)
			timeout = i;
		if (in->sched_state && strcmp(in->sched_state, states[i]) == 0)
			hit = i;
	}
	/* A program that stops on the --signal warning ends before the limit,
	 * so Slurm says FAILED or COMPLETED: the time limit still ended it.
	 * Slurm may send the warning up to 60 s early (sbatch(1), --signal). */
	if ((hit < 0 || hit == timeout) && w->have && w->r.term_signal[0] &&
	    warning_due(in) > 0) {
		char want[32];
		double due = warning_due(in);

		spec_sig_name(in->signal_spec, want, sizeof(want));
		if (strcmp(want, w->r.term_signal) == 0 && w->r.term_time >= due - 65 &&
		    w->r.term_time <= due + 65)
			hit = timeout;
	}
	return hit;
}

void exl_ending_text(const struct exl_ending_in *in, char *buf, size_t len)
{
	static const char *const states[] = { "TIMEOUT", "CANCELLED",
		"PREEMPTED", "OUT_OF_MEMORY", "NODE_FAIL", "DEADLINE",
		"BOOT_FAIL", "REQUEUED", NULL };
	static const char *const words[] = { "time limit", "cancelled",
		"preempted", "out of memory", "node failure", "deadline",
		"node boot failure", "requeued", NULL };
	struct witness w;
	char at[16], ex[64];
	int i, n;

	read_witness(in->state_dir, &w);
	if (shell_killed_by_warning(in)) {
		spec_sig_name(in->signal_spec, ex, sizeof(ex));
		clock_of((double)in->end, at, sizeof(at));
		snprintf(buf, len, "time limit warning: the batch shell was killed by %s (--signal=%s) at %s, before the program could save",
			 ex, in->signal_spec, at);
		return;
	}
	i = story_index(in, &w, states);
	if (i < 0) {
		/* a normal end: the exit status says it all */
		exl_final_text(in->sched_state, in->have_status, in->wstatus, buf,
			       len);
		return;
	}
	n = snprintf(buf, len, "%s", words[i]);
	if (n < 0 || (size_t)n >= len)
		return;
	if (w.have && w.r.term_signal[0]) {
		clock_of(w.r.term_time, at, sizeof(at));
		if (WIFSIGNALED(w.r.wstatus)) {
			char sig[32];

			snprintf(ex, sizeof(ex), "killed by %s",
				 exl_signal_name(WTERMSIG(w.r.wstatus), sig,
						 sizeof(sig)));
		} else {
			snprintf(ex, sizeof(ex), "exited %d", WEXITSTATUS(w.r.wstatus));
		}
		snprintf(buf + n, len - (size_t)n,
			 ": %s at %s (grace %d s), %s after %.0f s%s", w.r.term_signal,
			 at, w.r.grace, ex, w.r.exited_after,
			 w.r.killed ? ", SIGKILLed when the grace ran out" : "");
	} else if (in->have_status) {
		exl_exit_text(in->wstatus, ex, sizeof(ex));
		snprintf(buf + n, len - (size_t)n, ": batch script ended with %s%s",
			 ex, w.have ? "" : " (no exp-run record)");
	}
}

int exl_ending_signal_note(const struct exl_ending_in *in, char *buf,
			   size_t len)
{
	char due_s[16], seen_s[16], name[32];
	const char *spec = in->signal_spec, *sig;
	double due, seen;
	int secs;

	if (!spec || !*spec || in->time_limit_min == 0xffffffffu ||
	    in->time_limit_min == 0xfffffffeu || in->time_limit_min == 0)
		return -1;
	secs = exl_sigspec_secs(spec);
	if (secs < 0)
		return -1;
	sig = strchr(spec, ':') ? strchr(spec, ':') + 1 : spec;
	snprintf(name, sizeof(name), "SIG%.*s", (int)strcspn(sig, "@"), sig);
	due = (double)in->start + (double)in->time_limit_min * 60 - secs;
	if (in->end && (double)in->end < due - 65)	/* see story_index */
		return -1;
	/* cancelled, preempted or done before the warning was due and with
	 * no warning seen: the warning has nothing to tell */
	if (in->end && (double)in->end < due && in->sched_state &&
	    (strcmp(in->sched_state, "CANCELLED") == 0 ||
	     strcmp(in->sched_state, "PREEMPTED") == 0 ||
	     strcmp(in->sched_state, "COMPLETED") == 0) &&
	    first_seen(in, name) == 0)
		return -1;
	if (shell_killed_by_warning(in)) {
		clock_of((double)in->end, seen_s, sizeof(seen_s));
		snprintf(buf, len, "the batch shell was killed by the warning signal %s (--signal=%s) at %s, before the program could save: Slurm sends a B: signal to the batch shell only; start the program with `exec exp-run -- CMD` so that exp-run is the batch shell and gives the program its grace",
			 name, spec, seen_s);
		return 0;
	}
	clock_of(due, due_s, sizeof(due_s));
	seen = first_seen(in, name);
	if (seen > 0) {
		clock_of(seen, seen_s, sizeof(seen_s));
		snprintf(buf, len, "warning signal %s (--signal=%s) was due at %s; exp-run saw it at %s",
			 name, spec, due_s, seen_s);
	} else {
		snprintf(buf, len, "warning signal %s (--signal=%s) was due at %s; no exp-run record of it%s",
			 name, spec, due_s,
			 in->sched_state && strcmp(in->sched_state, "TIMEOUT") == 0 ?
			 " (run the program under exp-run to catch it)" : "");
	}
	return 0;
}
