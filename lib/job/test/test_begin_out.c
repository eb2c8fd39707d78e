/* Unit tests: the parent's check of what a begin child sends back
 * (begin_out.h): an honest reply passes, crafted ones are refused. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "job/begin_out.h"
#include "runstore/layout.h"
#include "util/fileio.h"
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

/* put_index: job 42's index entry in root, as text. */
static void put_index(const char *root, const char *text)
{
	char *p = exl_layout_job_index(root, "42"), *dir;
	struct exl_err err;

	if (!p || !(dir = strdup(p))) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	*strrchr(dir, '/') = '\0';
	if (exl_mkdir_p(dir, 0755, &err) < 0 ||
	    exl_write_atomic(p, text, strlen(text), 0644, &err) < 0) {
		printf("Bail out! %s\n", err.text);
		exit(1);
	}
	free(dir);
	free(p);
}

/* The job index is read as the job user (nobody when we are root). */
static void test_state_dir(void)
{
	char root[] = "/tmp/exl-begin-out-XXXXXX", out[4096], cmd[128];
	uid_t uid = geteuid() == 0 ? 65534 : geteuid();
	gid_t gid = geteuid() == 0 ? 65534 : getegid();
	struct exl_err err;
	int rc;

	if (!mkdtemp(root) || chmod(root, 0755) < 0) {
		printf("Bail out! %s\n", strerror(errno));
		exit(1);
	}
	rc = exl_run_state_dir_as_user(root, "42", uid, gid, NULL, 0, 30, out,
				       sizeof(out), &err);
	is_int(rc, 1, "no index entry: no run log");
	put_index(root, "{\"run_log\": \"a.md\", "
		  "\"state_dir\": \".exp-log/runs/+flat/a\"}");
	rc = exl_run_state_dir_as_user(root, "42", uid, gid, NULL, 0, 30, out,
				       sizeof(out), &err);
	ok(rc == 0 && strstr(out, root) == out &&
	   strcmp(out + strlen(root), "/.exp-log/runs/+flat/a") == 0,
	   "the state dir from the index, below the root: %s", out);
	put_index(root, "{\"run_log\": \"a.md\", "
		  "\"state_dir\": \"../../etc\"}");
	rc = exl_run_state_dir_as_user(root, "42", uid, gid, NULL, 0, 30, out,
				       sizeof(out), &err);
	ok(rc < 0 && strstr(err.text, "unsafe"),
	   "an index that climbs out is refused: %s", err.text);
	if (geteuid() == 0) {
		char *idx = exl_layout_job_index(root, "42");

		put_index(root, "{\"run_log\": \"a.md\", "
			  "\"state_dir\": \"s\"}");
		if (!idx || chmod(idx, 0600) < 0)
			diag("chmod: %s", strerror(errno));
		free(idx);
		rc = exl_run_state_dir_as_user(root, "42", uid, gid, NULL, 0,
					       30, out, sizeof(out), &err);
		ok(rc < 0 && strstr(err.text, "Permission denied"),
		   "read as the user, not root: %s", err.text);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		diag("couldn't remove %s", root);
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
	snprintf(honest.paths.wandb_run_id, sizeof(honest.paths.wandb_run_id),
		 "ab12cd34");

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
	snprintf(o.paths.wandb_run_id, sizeof(o.paths.wandb_run_id),
		 "x;rm -rf");
	refused(root, "W&B run id", "a W&B run id W&B would refuse");
	o = honest;
	memset(o.paths.wandb_run_id, 'a', sizeof(o.paths.wandb_run_id));
	refused(root, "W&B run id", "an unterminated W&B run id");
	o = honest;
	o.paths.resumed = 7;
	refused(root, "resumed", "resumed outside 0/1");
	o = honest;
	o.monitor_pid = -1;
	refused(root, "monitor pid", "a negative monitor pid");
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
	test_state_dir();
	return done_testing();
}
