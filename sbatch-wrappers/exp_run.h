/* exp_run.h - the bookkeeping half of exp-run: grace computation, the
 * records it leaves in the run's state dir, tracker finalization.  The
 * process half (fork, signal loop) is in exp_run.c. */
#ifndef EXP_RUN_H
#define EXP_RUN_H

#include <signal.h>
#include <sys/types.h>

#include "opts/options.h"
#include "runstore/exprun_record.h"
#include "util/sigmatch.h"

/* exp-run's own failure (bad usage, no fork): distinct from CMD's codes. */
#define EXP_RUN_EXIT_SELF 125
/* --requeue without MAX: --exp-requeue's */
#define EXP_RUN_REQUEUE_DEFAULT EXL_REQUEUE_DEFAULT

struct exp_run {
	int grace;		/* --grace, -1: default */
	int margin;		/* --margin, -1: default */
	const char *state_dir;	/* --state or $EXP_LOG_STATE, NULL: none */
	int no_trackers;
	int rank;		/* SLURM_PROCID, 0 when unset */
	char host[256];
	char signal_spec[64];	/* the job's --signal, normalized */
	int kill_wait;		/* Slurm's KillWait, seconds */
	const char *wandb_dir;	/* $WANDB_DIR */
	pid_t pgid;
	double start, end;
	int term_signal;	/* first terminating signal seen, 0: none */
	double term_time;
	int grace_used;		/* seconds granted after term_signal */
	int killed;		/* the grace ran out: SIGKILL sent */
	int wstatus;
	/* the warning signal and what the program gets for it */
	int warn_sig;		/* the job's --signal number, 0: unknown */
	int warn_secs;		/* its @SECS, 0: unknown */
	int send_sig;		/* --send (or TERM with --requeue), 0: forward */
	double warned_at;	/* when the warning reached exp-run, 0: never */
	/* the chain (--requeue) */
	int requeue_max;	/* --requeue=MAX, -1: off */
	int stall_limit;	/* --stall=N, 0: the default */
	int link;		/* the job's restart count */
	const char *ckpt_globs;	/* $EXP_LOG_CHECKPOINT_GLOBS, '\n' apart */
	const char *ckpt_dir;	/* $EXP_LOG_CHECKPOINT_DIR, NULL: cwd */
	const char *resume_ckpt; /* $EXP_LOG_RESUME_CHECKPOINT */
	int prev_stalled;	/* the previous link's stalled count */
	struct exl_exprun_chain chain;	/* decided at the end, if chained */
};

void exp_run_init(struct exp_run *r);

/* Read SLURM_PROCID, EXP_LOG_STATE, the job's signal spec
 * (SLURM_SPANK_EXP_LOG_SIGNAL, set by the plugin) and KillWait. */
void exp_run_load_env(struct exp_run *r);

/* --warning=SPEC: the job's --signal, as the plugin would tell it.
 * -1 (said on stderr) when it is no SIG@SECS spec. */
int exp_run_set_warning(struct exp_run *r, const char *spec);

/* Grace for signal sig: --grace, else the signal spec's seconds when sig
 * is the job's warning signal, else KillWait; minus the margin. */
int exp_run_grace_for(const struct exp_run *r, int sig);

/* What exp-run did with a signal it received. */
enum exp_run_sent {
	EXP_RUN_FORWARDED,	/* sent to CMD's process group */
	EXP_RUN_STEP_WIDE,	/* Slurm signalled every process: CMD has it */
	EXP_RUN_CMD_ENDED,	/* CMD had ended before it could be sent */
};

/* Record a signal that arrived at time when.  Returns 1 when it starts
 * the grace period (the first terminating signal); r->grace_used is then
 * set. */
int exp_run_signal(struct exp_run *r, int sig, double when,
		   enum exp_run_sent sent);

void exp_run_grace_expired(struct exp_run *r, double when);

/* The job's warning signal sig arrived at when and the program got
 * r->send_sig in its place (sent: forwarded, or not sent when the
 * program had ended): record it and start the grace; returns 1 when it
 * starts the grace period. */
int exp_run_translated(struct exp_run *r, int sig, double when, int sent);

/* The chain (exp_run_chain.c): read the job's restart count and the
 * previous link's record; at the end, decide, requeue through libslurm
 * and record it (before exp_run_finish). */
void exp_run_chain_load(struct exp_run *r);
void exp_run_chain_end(struct exp_run *r);

/* exp-run.json now: how CMD ended and the chain's decision. */
void exp_run_write_result(const struct exp_run *r);

/* Record how CMD ended and finalize the trackers. */
void exp_run_finish(struct exp_run *r);

/* The witness (exp_run_witness.c): a child in a process group of its own
 * that reports each signal it receives, one byte per signal, on fd. */
struct exp_run_witness {
	pid_t pid;		/* 0: none */
	int fd;			/* -1: none (never started, or it died) */
};

/* Start the witness for the signals in set (blocked in the caller);
 * keep_fd is closed in the child.  -1 when it could not be started. */
int exp_run_witness_start(struct exp_run_witness *w, const sigset_t *set,
			  int keep_fd);

/* Signals the witness reported, up to max into sigs: their count, 0 for
 * none yet, -1 when the witness is gone. */
int exp_run_witness_read(struct exp_run_witness *w, int *sigs, int max);

void exp_run_witness_stop(struct exp_run_witness *w);

#endif
