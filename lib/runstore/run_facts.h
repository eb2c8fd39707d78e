/* run_facts.h - what is known about a run when its job starts.
 *
 * Filled by the plugin from Slurm (job record, job environment) and by
 * the tools; rendered into the run log and its JSON sidecar by lib/.
 */
#ifndef EXL_RUN_FACTS_H
#define EXL_RUN_FACTS_H

#include <time.h>

#include "watch/dataset.h"
#include "watch/gitstate.h"
#include "util/names.h"
#include "opts/options.h"
#include "util/sha256file.h"

struct exl_job_facts {
	char job_id[32];
	char array_id[80];	/* "1230_4" for array tasks, else "" */
	char job_name[256];
	char user[64];
	time_t submitted;
	time_t start;
	char nodes[1024];	/* node list, "n[1-3]" */
	int nnodes;
	char partition[128];
	unsigned int time_limit_min;	/* Slurm minutes, 0xffffffff: none */
	char signal_spec[64];	/* "B:TERM@90", "" when none */
	char batch_host[256];
	char script[4096];	/* job script or command */
	char work_dir[4096];	/* the job's working directory */
	char stdout_path[4096];	/* expanded --output file ("" if unknown) */
	char stderr_path[4096];	/* expanded --error file (may equal stdout) */
	char tres[512];		/* allocated TRES: "cpu=4,mem=2000M,gres/gpu=2" */
	char submit_dir[4096];
	int restart_count;	/* SLURM_RESTART_COUNT */
	int requeue_off;	/* slurmctld will not requeue it (--no-requeue) */
	/* a chain stage (sbatch-exp chain): the job it waits for and the
	 * job that waits for it, as the run log says them; "" when none */
	char depends_on[512];
	char needed_by[512];
};

struct exl_run_facts {
	const struct exl_opts *opts;
	char task[EXL_NAME_MAX + 1];	/* sanitized file-name task */
	char config_abs[4096];		/* "" when no --exp-config */
	char config_sha256[EXL_SHA256_HEX];
	char config_snapshot[4096];
	char config_error[512];		/* why hashing/snapshot failed */
	char resumed_from[4096];	/* checkpoint a resumed job starts from */
	int resumed_from_missing;	/* it did not exist when the job started */
	/* a requeued link without --exp-checkpoint: where the newest
	 * checkpoint of the earlier links is looked for (the config's
	 * checkpoint globs, relative to the job's working directory) */
	char *const *ckpt_globs;
	size_t n_ckpt_globs;
	char resume_step[32];		/* the step it resumes at, "" unknown */
	char dataset_abs[4096];		/* --exp-dataset resolved ("" if URL/none) */
	struct exl_dataset dataset;
	char wandb_dir[4200];		/* WANDB_DIR for --exp-wandb=offline */
	char wandb_run_id[72];		/* WANDB_RUN_ID of the run (wandb_chain.h),
					 * "" when not known yet */
	double price_per_gpu_hour;	/* site config; <= 0: no cost line */
	char currency[16];
	char patch_path[4096];		/* uncommitted changes, "" when clean */
	char patch_sha256[EXL_SHA256_HEX];
	struct exl_gitstate git;
	struct exl_job_facts job;
	/* the slow facts (the code state and its patch, the dataset's walk
	 * and hash) are read once the program has started, by the batch
	 * step's monitor (job/run_late.h): the start writes EXL_PENDING_RUN
	 * in their place and leaves git and dataset unread */
	int late;
};

/* Render the initial run log.  Returns a malloc'd NUL-terminated text. */
char *exl_runlog_render(const struct exl_run_facts *f);

/* Placeholder text for fields the end of the job fills in. */
#define EXL_PENDING "_(filled when the job ends)_"

/* ... and for those its start fills in: a run log written at submission
 * (job.start == 0, exl_run_submit) has these until the job starts. */
#define EXL_PENDING_START "_(filled when the job starts)_"

/* ... and for the slow facts read once the program runs (late). */
#define EXL_PENDING_RUN "_(read once the program has started)_"

struct exl_sb;

/* The Config lines of the code state ("- code: ..." or repo, branch,
 * commit, dirty, diff) and of --exp-dataset (none without one), as the
 * run log shows them, into b. */
void exl_runlog_render_code(struct exl_sb *b, const struct exl_run_facts *f);
void exl_runlog_render_dataset(struct exl_sb *b,
			       const struct exl_run_facts *f);

#endif
