/* chain_resume.c - a requeued link's header and checkpoint handover
 * (see chain_resume.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "job/chain_resume.h"
#include "runstore/exprun_record.h"
#include "runstore/layout.h"
#include "runstore/runlog_keys.h"
#include "util/timefmt.h"
#include "watch/checkpoint_find.h"

/* first_start: when the run's first job block started, 0 unknown. */
static time_t first_start(const struct exl_doc *d)
{
	time_t t = 0;
	size_t i;

	for (i = 0; i < d->n; i++) {
		char *v;

		if (!exl_doc_job_header(d->lines[i], NULL, NULL))
			continue;
		v = exl_doc_get_key(d, i, EXL_K_START);
		if (!v || exl_parse_iso(v, &t) < 0)
			t = 0;
		free(v);
		return t;
	}
	return 0;
}

/* final_step: Results' "final step" when it is a number. */
static void final_step(const struct exl_doc *d, char *out, size_t len)
{
	long res = exl_doc_find_section(d, "Results", 0);
	char *v = res >= 0 ? exl_doc_get_key(d, (size_t)res, EXL_K_FINAL_STEP) :
		  NULL;

	out[0] = '\0';
	if (v && *v && strspn(v, "0123456789") == strlen(v) && strlen(v) < len)
		snprintf(out, len, "%s", v);
	free(v);
}

void exl_chain_resume(const struct exl_run_facts *f, const struct exl_doc *d,
		      const char *state_dir, struct exl_chain_resume *out)
{
	const struct exl_job_facts *j = &f->job;
	char *root;
	struct exl_exprun_result prev;
	const char *base = j->work_dir[0] ? j->work_dir : j->submit_dir;
	int max = f->opts && f->opts->requeue_max > 0 ? f->opts->requeue_max : 0;

	memset(out, 0, sizeof(*out));
	if (j->restart_count <= 0)
		return;
	if (!max && exl_exprun_read(state_dir, &prev) == 0 &&
	    prev.chain.decision[0])
		max = prev.chain.max;
	if (max >= j->restart_count) {
		out->k = j->restart_count;
		out->m = max;
	}
	final_step(d, out->step, sizeof(out->step));
	/* the run-log root holds no checkpoints: passed over */
	root = exl_layout_root_of(state_dir);
	if (f->n_ckpt_globs && base[0] &&
	    exl_checkpoint_newest(base, f->ckpt_globs, f->n_ckpt_globs,
				  first_start(d), root, out->checkpoint,
				  sizeof(out->checkpoint), NULL) != 0)
		out->checkpoint[0] = '\0';
	free(root);
}

int exl_chain_start_problem(const struct exl_run_facts *f, char *buf,
			    size_t len)
{
	if (!f->opts || f->opts->requeue_max <= 0 || f->job.restart_count > 0)
		return 0;
	if (f->job.requeue_off)
		snprintf(buf, len, "exp-log: --exp-requeue: the job cannot be requeued (sbatch --no-requeue, or JobRequeue=0 in slurm.conf): submit it with --requeue");
	else if (!f->job.signal_spec[0])
		snprintf(buf, len, "exp-log: --exp-requeue without a time-limit warning: submit with --signal=B:USR1@SECS (SECS: time to save) and run the program with exec exp-run -- CMD");
	else
		return 0;
	return 1;
}
