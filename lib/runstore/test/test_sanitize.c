/* Unit tests: sanitizing a run log for publishing (paths, ids, host
 * names, W&B ids; W&B URLs kept; site rules first). */
#include <stdlib.h>
#include <string.h>

#include "runstore/sanitize.h"
#include "tap.h"
#include "tmpdir.h"

static const char *log_text =
	"# train — front cam\n"
	"## Config\n"
	"- config: `/home/alice/proj/configs/base.yaml` (sha256 `ab12`)\n"
	"- config_snapshot: `/work/proj/run_logs/.exp-log/runs/g/x/config/base.yaml`\n"
	"- dataset: `/scratch/alice/data/set.tar` (12 MiB)\n"
	"## Job\n"
	"- execution_id: 4242424\n"
	"- nodes: `gpu-a[01-02]` (2)\n"
	"## Status\n"
	"- 2026-03-11 15:00 — started: job 4242424 on gpu-a01 (2 nodes)\n"
	"- 2026-03-11 16:00 — running, step 4242424, train_loss 0.4242424, "
	"GPU util 97%\n"
	"- 2026-03-12 15:00 — requeued: Job 4242425 restarted on gpu-a02\n"
	"## Results\n"
	"- checkpoint: `/tmp/ckpt/step_1000/`\n"
	"- see slurm-4242424.out and SLURM_JOB_ID=4242424\n"
	"## W&B\n"
	"- local: `wandb/offline-run-20260311_150000-abc123x`\n"
	"- synced: https://wandb.ai/team/proj/runs/abc123x\n"
	"- notes: resumed via wandb_id.txt (wandb_id: abc123x), file run-abc123x.wandb\n"
	"- other: /lustre/proj/x.py; /work/proj/train.py and /work/proj\n";

static const char *want =
	"# train — front cam\n"
	"## Config\n"
	"- config: `~/proj/configs/base.yaml` (sha256 `ab12`)\n"
	"- config_snapshot: `run_logs/.exp-log/runs/g/x/config/base.yaml`\n"
	"- dataset: `[scratch]/set.tar` (12 MiB)\n"
	"## Job\n"
	"- execution_id: [job-id]\n"
	"- nodes: `[node]` (2)\n"
	"## Status\n"
	"- 2026-03-11 15:00 — started: job [job-id] on [node] (2 nodes)\n"
	"- 2026-03-11 16:00 — running, step [job-id], train_loss 0.4242424, "
	"GPU util 97%\n"
	"- 2026-03-12 15:00 — requeued: Job [job-id] restarted on [node]\n"
	"## Results\n"
	"- checkpoint: `[tmp]/step_1000`\n"
	"- see slurm-[job-id].out and SLURM_JOB_ID=[job-id]\n"
	"## W&B\n"
	"- local: `wandb/offline-run-[wandb-id]`\n"
	"- synced: https://wandb.ai/team/proj/runs/abc123x\n"
	"- notes: resumed via wandb_id.txt (wandb_id: [wandb-id]), file run-[wandb-id].wandb\n"
	"- other: [cluster]/x.py; train.py and .\n";

static char *run(const char *text, const char *submit, const char *nodes,
		 const char *rules)
{
	struct exl_sanitizer s = { 0 };
	struct exl_err err;
	char *out = NULL;

	if ((rules && exl_san_load_rules(&s, rules, &err) < 0) ||
	    exl_san_add_builtins(&s, text, submit, nodes, &err) < 0)
		diag("%s", err.text);
	else
		out = exl_san_apply(&s, text, &err);
	exl_san_free(&s);
	return out;
}

static void builtins(void)
{
	char *out = run(log_text, "/work/proj/", NULL, NULL);

	is_str(out, want, "the whole run log");
	free(out);
	/* a step that happens to equal a short job id stays */
	out = run("- execution_id: 42\n- 2026-03-11 16:00 — step 42, loss 4.2\n"
		  "- 2026-03-11 17:00 — job 42 ended\n", NULL, NULL, NULL);
	is_str(out, "- execution_id: [job-id]\n- 2026-03-11 16:00 — step 42, loss 4.2\n"
	       "- 2026-03-11 17:00 — job [job-id] ended\n",
	       "short ids only in context");
	free(out);
	out = run("- node: n1\nran on n1, n10 and xn1; n1.\n", NULL, "cn[0-9]+", NULL);
	is_str(out, "- node: [node]\nran on [node], n10 and xn1; [node].\n",
	       "node names as words only");
	free(out);
	out = run("host cn042 and cn7 ok\n", NULL, "cn[0-9]+", NULL);
	is_str(out, "host [node] and [node] ok\n", "--node-pattern");
	free(out);
	out = run("paths: /, //srv/x, /home/bob, http://h/a/b, x/y\n", NULL, NULL, NULL);
	is_str(out, "paths: /, //srv/x, ~, http://h/a/b, x/y\n",
	       "root, UNC, bare home, URL paths, relative paths");
	free(out);
	out = run("", NULL, NULL, NULL);
	is_str(out, "", "empty text");
	free(out);
	out = run("no newline at the end /tmp/a", NULL, NULL, NULL);
	is_str(out, "no newline at the end [tmp]/a", "last line without newline");
	free(out);
}

static void rules(void)
{
	char d[256], path[400], *out;
	struct exl_sanitizer s = { 0 };
	struct exl_err err;

	if (!tmpdir_make(d, sizeof(d)))
		return;
	tmpdir_put(d, "rules", "# site rules\n\n"
		   "/lustre/proj/([a-z]+)\tdata/\\1\n"
		   "secret-[0-9]+\t\n"
		   "(a)(b)\t\\2\\1\\\\\n");
	snprintf(path, sizeof(path), "%s/rules", d);
	out = run("x /lustre/proj/imgs/y and secret-123 ab\n", NULL, NULL, path);
	is_str(out, "x data/imgs/y and  ba\\\n",
	       "site rules run first, with back references and deletion");
	free(out);
	tmpdir_put(d, "bad", "ok\tx\n(unclosed\ty\n");
	snprintf(path, sizeof(path), "%s/bad", d);
	ok(exl_san_load_rules(&s, path, &err) < 0, "bad regex refused");
	ok(strstr(err.text, "bad:2: bad regex") != NULL, "names file and line: %s",
	   err.text);
	exl_san_free(&s);
	tmpdir_put(d, "notab", "x y\n");
	snprintf(path, sizeof(path), "%s/notab", d);
	ok(exl_san_load_rules(&s, path, &err) < 0 && strstr(err.text, "no TAB"),
	   "a line without TAB refused");
	exl_san_free(&s);
	snprintf(path, sizeof(path), "%s/none", d);
	ok(exl_san_load_rules(&s, path, &err) < 0, "missing rules file");
	exl_san_free(&s);
	ok(exl_san_add_regex(&s, "^x", "", 0, "t", &err) == 0, "anchored rule");
	out = exl_san_apply(&s, "xa https://wandb.ai/p/x x\nx\n", &err);
	is_str(out, "a https://wandb.ai/p/x x\n\n",
	       "^ only at the line start, not after a kept URL");
	free(out);
	exl_san_free(&s);
	tmpdir_remove(d);
}

int main(void)
{
	builtins();
	rules();
	return done_testing();
}
