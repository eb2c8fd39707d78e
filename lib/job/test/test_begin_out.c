/* Unit tests: the parent's check of what a begin child sends back
 * (begin_out.h): an honest reply passes, crafted ones are refused. */
#include <stdio.h>
#include <string.h>

#include "job/begin_out.h"
#include "tap.h"

static struct exl_begin_out honest, o;

static void refused(const char *root, const char *what, const char *name)
{
	struct exl_err err;
	int rc;

	exl_err_clear(&err);
	rc = exl_begin_out_check(&o, root, &err);
	ok(rc < 0 && strstr(err.text, what), "refused: %s (%s)", name,
	   err.text);
}

int main(void)
{
	const char *root = "/scratch/u/run_logs";
	struct exl_err err;

	snprintf(honest.paths.run_log, sizeof(honest.paths.run_log),
		 "%s/grp/2026-12-05_train.md", root);
	snprintf(honest.paths.state_dir, sizeof(honest.paths.state_dir),
		 "%s/.exp-log/runs/grp/2026-12-05_train", root);
	snprintf(honest.paths.wandb_dir, sizeof(honest.paths.wandb_dir),
		 "%s/wandb", honest.paths.state_dir);
	snprintf(honest.job.job_id, sizeof(honest.job.job_id), "42");
	snprintf(honest.job.stdout_path, sizeof(honest.job.stdout_path),
		 "/scratch/u/slurm-42.out");
	snprintf(honest.statepoints, sizeof(honest.statepoints), "lr=0.1,bs=8");

	o = honest;
	is_int(exl_begin_out_check(&o, root, &err), 0, "an honest reply passes");
	is_int(exl_begin_out_check(&o, "/scratch/u/run_logs/", &err), 0,
	       "a root with a trailing slash too");
	o = honest;
	o.paths.wandb_dir[0] = '\0';
	is_int(exl_begin_out_check(&o, root, &err), 0, "no W&B dir is fine");
	snprintf(o.paths.run_log, sizeof(o.paths.run_log),
		 "/work/../logs/a.md");
	snprintf(o.paths.state_dir, sizeof(o.paths.state_dir),
		 "/work/../logs/.exp-log/runs/a");
	is_int(exl_begin_out_check(&o, "/work/../logs", &err), 0,
	       "a root of the parent's own with '..' in it is the parent's");

	o = honest;
	memset(o.paths.run_log, 'a', sizeof(o.paths.run_log));
	refused(root, "run log path", "an unterminated run log path");
	o = honest;
	snprintf(o.paths.run_log, sizeof(o.paths.run_log), "/etc/passwd");
	refused(root, "run log path", "a run log outside the root");
	o = honest;
	snprintf(o.paths.run_log, sizeof(o.paths.run_log),
		 "%s/../../etc/x.md", root);
	refused(root, "run log path", "a run log that climbs out with '..'");
	o = honest;
	snprintf(o.paths.run_log, sizeof(o.paths.run_log), "%s_evil/a.md", root);
	refused(root, "run log path", "a sibling directory sharing the prefix");
	o = honest;
	snprintf(o.paths.state_dir, sizeof(o.paths.state_dir), "%s", root);
	refused(root, "state dir", "the root itself as the state dir");
	o = honest;
	snprintf(o.paths.state_dir, sizeof(o.paths.state_dir),
		 "%s/x\ny", root);
	refused(root, "state dir", "a newline in the state dir");
	o = honest;
	snprintf(o.paths.wandb_dir, sizeof(o.paths.wandb_dir), "/tmp/w");
	refused(root, "W&B dir", "a W&B dir outside the state dir");
	o = honest;
	o.paths.resumed = 7;
	refused(root, "resumed", "resumed outside 0/1");
	o = honest;
	memset(o.job.job_name, 'n', sizeof(o.job.job_name));
	refused(root, "job facts", "an unterminated job name");
	o = honest;
	memset(o.job.tres, 't', sizeof(o.job.tres));
	refused(root, "job facts", "an unterminated TRES string");
	o = honest;
	snprintf(o.job.stdout_path, sizeof(o.job.stdout_path), "/a\rb");
	refused(root, "job facts", "a control character in stdout's path");
	o = honest;
	memset(o.statepoints, 's', sizeof(o.statepoints));
	refused(root, "statepoints", "unterminated statepoints");
	return done_testing();
}
