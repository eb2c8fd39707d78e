/* exp_run_record.c - exp-run's records and tracker finalization.
 *
 * Records go to the run's state dir ($EXP_LOG_STATE):
 *   signals.jsonl    one line per signal: time, signal, rank, host, action
 *   exp-run.json     how CMD ended (exit code or signal, runtime, grace)
 * The plugin reads both to write "how the job ended" into the run log.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <slurm/slurm.h>

#include "cli/cli.h"
#include "runstore/exprun_record.h"
#include "exp_run.h"
#include "util/fileio.h"
#include "util/jobstate.h"
#include "util/jsonfile.h"
#include "util/sigspec.h"
#include "util/timefmt.h"
#include "watch/tracker_events.h"
#include "wandb/wandb_append.h"

#define EXP_RUN_DEFAULT_KILLWAIT 30

void exp_run_init(struct exp_run *r)
{
	memset(r, 0, sizeof(*r));
	r->grace = -1;
	r->margin = -1;
	r->kill_wait = EXP_RUN_DEFAULT_KILLWAIT;
	r->requeue_max = -1;
}

/* spec_signal: the signal number of the job's --signal spec, 0: none. */
static int spec_signal(const char *spec)
{
	const char *s = strchr(spec, ':') ? strchr(spec, ':') + 1 : spec;
	int i;

	for (i = 1; i < NSIG; i++) {
		const char *ab = sigabbrev_np(i);
		size_t l = ab ? strlen(ab) : 0;

		if (ab && strncmp(s, ab, l) == 0 && s[l] == '@')
			return i;
	}
	return 0;
}

/* warning_of_spec: the warning signal and window of r->signal_spec. */
static void warning_of_spec(struct exp_run *r)
{
	r->warn_sig = 0;
	r->warn_secs = 0;
	if (r->signal_spec[0] && exl_sigspec_secs(r->signal_spec) > 0) {
		r->warn_sig = spec_signal(r->signal_spec);
		r->warn_secs = exl_sigspec_secs(r->signal_spec);
	}
}

int exp_run_set_warning(struct exp_run *r, const char *spec)
{
	struct exl_err err;

	if (exl_sigspec_normalize(spec, r->signal_spec, sizeof(r->signal_spec),
				  &err) < 0 || exl_sigspec_secs(r->signal_spec) <= 0) {
		cli_usage_err(NULL, "--warning: invalid value '%s': give the job's --signal, e.g. B:USR1@50",
			      spec);
		r->signal_spec[0] = '\0';
		return -1;
	}
	warning_of_spec(r);
	return 0;
}

void exp_run_load_env(struct exp_run *r)
{
	const char *v;
	struct exl_err err;

	if (!r->state_dir && (v = getenv("EXP_LOG_STATE")) && *v)
		r->state_dir = v;
	v = getenv("SLURM_PROCID");
	r->rank = v ? atoi(v) : 0;
	if (gethostname(r->host, sizeof(r->host)) < 0)
		snprintf(r->host, sizeof(r->host), "unknown");
	r->host[sizeof(r->host) - 1] = '\0';
	v = getenv("SLURM_SPANK_EXP_LOG_SIGNAL");
	if (v && exl_sigspec_normalize(v, r->signal_spec,
				       sizeof(r->signal_spec), &err) < 0)
		r->signal_spec[0] = '\0';
	warning_of_spec(r);
	if (getenv("SLURM_JOB_ID")) {
		slurm_conf_t *conf = NULL;

		/* KillWait: how long Slurm waits between SIGTERM and SIGKILL */
		if (slurm_load_ctl_conf((time_t)0, &conf) == 0 && conf) {
			if (conf->kill_wait > 0)
				r->kill_wait = (int)conf->kill_wait;
			slurm_free_ctl_conf(conf);
		}
	}
	v = getenv("WANDB_DIR");
	r->wandb_dir = v && *v ? v : NULL;
}

int exp_run_grace_for(const struct exp_run *r, int sig)
{
	int window, margin;

	if (r->grace >= 0)
		return r->grace;
	if (r->warn_sig && r->warn_sig == sig && r->warn_secs > 0)
		window = r->warn_secs;
	else
		window = r->kill_wait;
	margin = r->margin >= 0 ? r->margin : window / 10;
	if (r->margin < 0 && margin < 2)
		margin = 2;
	return window > margin ? window - margin : 0;
}

static int is_terminating(int sig)
{
	return sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT;
}

/* record: one line in signals.jsonl (when there is a state dir). */
static void record(const struct exp_run *r, int sig, double when,
		   const char *action)
{
	struct exl_err err;
	char name[32];

	if (!r->state_dir)
		return;
	if (exl_exprun_signal_add(r->state_dir, when,
				  sig ? exl_signal_name(sig, name, sizeof(name)) : NULL,
				  r->rank, r->host, action, &err) < 0)
		cli_err("couldn't record signal: %s", err.text);
}

int exp_run_signal(struct exp_run *r, int sig, double when,
		   enum exp_run_sent sent)
{
	static const char *const what[] = {
		[EXP_RUN_FORWARDED] = "forwarded",
		[EXP_RUN_STEP_WIDE] = "not forwarded: Slurm signalled every process of the step",
		[EXP_RUN_CMD_ENDED] = "not forwarded: the command had ended",
	};
	char action[128];

	if (!is_terminating(sig) || r->term_signal) {
		record(r, sig, when, what[sent]);
		return 0;
	}
	r->term_signal = sig;
	r->term_time = when;
	r->grace_used = exp_run_grace_for(r, sig);
	snprintf(action, sizeof(action), "%s; grace %d s", what[sent],
		 r->grace_used);
	record(r, sig, when, action);
	return 1;
}

int exp_run_translated(struct exp_run *r, int sig, double when, int sent)
{
	char action[200], name[32];

	if (!r->warned_at)
		r->warned_at = when;
	if (!sent) {
		record(r, sig, when, "not forwarded: the command had ended");
		return 0;
	}
	exl_signal_name(r->send_sig, name, sizeof(name));
	if (r->term_signal) {
		snprintf(action, sizeof(action),
			 "the job's warning signal: %s sent to the program only (pid %d)",
			 name, (int)r->pgid);
		record(r, sig, when, action);
		return 0;
	}
	r->term_signal = sig;
	r->term_time = when;
	r->grace_used = exp_run_grace_for(r, sig);
	snprintf(action, sizeof(action),
		 "the job's warning signal: %s sent to the program only (pid %d); grace %d s",
		 name, (int)r->pgid, r->grace_used);
	record(r, sig, when, action);
	return 1;
}

void exp_run_grace_expired(struct exp_run *r, double when)
{
	r->killed = 1;
	record(r, SIGKILL, when, "grace over: SIGKILL sent to the process group");
}

/* exit_code_of: CMD's status as a shell reports it. */
static int exit_code_of(int ws)
{
	return WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
}

void exp_run_write_result(const struct exp_run *r)
{
	struct exl_exprun_result res = { 0 };
	struct exl_err err;

	if (!r->state_dir)
		return;
	res.exit_code = exit_code_of(r->wstatus);
	res.wstatus = r->wstatus;
	exl_exit_text(r->wstatus, res.exit, sizeof(res.exit));
	res.start = r->start;
	res.end = r->end;
	res.rank = r->rank;
	snprintf(res.host, sizeof(res.host), "%s", r->host);
	if (r->term_signal) {
		exl_signal_name(r->term_signal, res.term_signal,
				sizeof(res.term_signal));
		res.term_time = r->term_time;
		res.grace = r->grace_used;
		res.exited_after = r->end - r->term_time;
		res.killed = r->killed;
	}
	res.chain = r->chain;
	if (exl_exprun_write(r->state_dir, &res, &err) < 0)
		cli_err("couldn't record the result: %s", err.text);
}

/* finish_wandb: offline W&B runs in WANDB_DIR without an exit record get
 * one with CMD's exit code (the program died before wandb.finish()). */
static void finish_wandb(const struct exp_run *r, int code)
{
	struct exl_wandb_finalize_report rep;
	struct exl_err err;
	unsigned i;

	if (!r->wandb_dir)
		return;
	memset(&rep, 0, sizeof(rep));
	if (exl_wandb_finalize_dir(r->wandb_dir, code, (int)(r->end - r->start),
				   EXL_WANDB_REPAIR_TAIL, &rep, &err) < 0) {
		cli_err("couldn't finalize W&B runs in %s: %s", r->wandb_dir,
			err.text);
		return;
	}
	if (rep.appended)
		cli_err("W&B: %u offline run%s had no exit record: exit code %d appended",
			rep.appended, rep.appended == 1 ? "" : "s", code);
	for (i = 0; i < rep.ndetail && i < 8; i++)
		cli_err("W&B: %s", rep.detail[i]);
}

void exp_run_finish(struct exp_run *r)
{
	struct exl_err err;
	int code = exit_code_of(r->wstatus);

	exp_run_write_result(r);
	if (r->no_trackers || r->rank != 0)
		return;
	if (r->state_dir &&
	    exl_events_finish(r->state_dir, code, "exp-run", &err) < 0)
		cli_err("couldn't finalize events.jsonl: %s", err.text);
	finish_wandb(r, code);
}
