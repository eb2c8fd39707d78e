/* sigmatch.h - pairs the signals a supervisor (exp-run) received with
 * those a witness process in the same Slurm step received, to tell a
 * signal Slurm sent to every process of the step (the program has it
 * already) from one sent to the supervisor alone (forward it).  Pure
 * bookkeeping on times; the processes are in sbatch-wrappers/. */
#ifndef EXL_SIGMATCH_H
#define EXL_SIGMATCH_H

/* Seconds exp-run waits for the witness before it forwards a signal;
 * signals are numbered below EXL_SIGMATCH_NSIG. */
#define EXL_SIGMATCH_S 0.3
#define EXL_SIGMATCH_NSIG 65

/* Pairs the signals exp-run received with those the witness received. */
struct exl_sigmatch {
	struct exl_sigmatch_sig {
		int pending;	/* received by exp-run, witness not yet */
		double first;	/* arrival of the oldest pending one */
		double due;	/* forward then unless the witness reports
				 * it (the latest arrival + EXL_SIGMATCH_S) */
		int credit;	/* received by the witness first */
		double credit_at;
	} sig[EXL_SIGMATCH_NSIG];
};

/* exp-run received sig: 1 when the witness already had it (step-wide,
 * don't forward), 0 when it is now pending. */
int exl_sigmatch_arrived(struct exl_sigmatch *m, int sig, double now);

/* The witness received sig: 1 when it matches a pending one (step-wide;
 * *arrived is when exp-run got it), 0 otherwise. */
int exl_sigmatch_witnessed(struct exl_sigmatch *m, int sig, double now,
			   double *arrived);

/* A pending signal whose wait is over (all: any pending one), to be
 * forwarded; 0 when none.  *arrived is when exp-run got it. */
int exl_sigmatch_due(struct exl_sigmatch *m, double now, int all,
		     double *arrived);

/* When the next pending signal falls due, 0 when none is pending. */
double exl_sigmatch_next(const struct exl_sigmatch *m);

#endif
