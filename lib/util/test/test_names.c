/* Unit tests: task-name sanitizing, group names, titles, layout paths. */
#include <stdlib.h>
#include <string.h>

#include "runstore/layout.h"
#include "util/names.h"
#include "tap.h"

int main(void)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "train", "train" },
		{ "train front cam", "train_front_cam" },
		{ "train/../../etc", "train_etc" },
		{ "../x", "x" },
		{ "..", "job" },
		{ "", "job" },
		{ "   ", "job" },
		{ "a//b", "a_b" },
		{ "résumé", "r_sum" },
		{ "lr=1e-3,bs=64", "lr_1e-3_bs_64" },
		{ ".hidden", "hidden" },
		{ "trailing___", "trailing" },
		{ "x.", "x" },
		{ "name\nwith\tctl", "name_with_ctl" },
		{ "UPPER.lower-9_z", "UPPER.lower-9_z" },
	};
	char out[EXL_NAME_MAX + 1], big[400], title[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		exl_sanitize_name(cases[i].in, out);
		is_str(out, cases[i].out, "sanitize case %zu", i);
	}
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	exl_sanitize_name(big, out);
	is_int(strlen(out), EXL_NAME_MAX, "long names are cut");
	exl_sanitize_name(NULL, out);
	is_str(out, "job", "NULL name");

	{
		char t[64];

		exl_task_from_job_name("train.sh", t, sizeof(t));
		is_str(t, "train", "job name .sh stripped");
		exl_task_from_job_name("eval.sbatch", t, sizeof(t));
		is_str(t, "eval", ".sbatch stripped");
		exl_task_from_job_name("a.b.slurm", t, sizeof(t));
		is_str(t, "a.b", "only the last suffix");
		exl_task_from_job_name(".sh", t, sizeof(t));
		is_str(t, ".sh", "nothing left: kept");
		exl_task_from_job_name("", t, sizeof(t));
		is_str(t, "job", "empty job name");
		exl_task_from_job_name("wrap", t, sizeof(t));
		is_str(t, "wrap", "plain name untouched");
	}
	ok(exl_valid_group("arx5_multitask") == 0, "plain group ok");
	ok(exl_valid_group("a.b-c") == 0, "dots and dashes ok");
	ok(exl_valid_group("../etc") < 0, "traversal refused");
	ok(exl_valid_group("a/b") < 0, "slash refused");
	ok(exl_valid_group(".git") < 0, "leading dot refused");
	ok(exl_valid_group("") < 0, "empty refused");
	ok(exl_valid_group("+flat") < 0, "reserved flat key refused");
	ok(exl_valid_group(big) < 0, "overlong refused");

	exl_title_case("arx5_multitask", title, sizeof(title));
	is_str(title, "Arx5 Multitask", "title case");
	exl_title_case("libero-subtask__v2_", title, sizeof(title));
	is_str(title, "Libero Subtask V2", "title case collapses separators");
	exl_group_title("arx5_multitask", title, sizeof(title));
	is_str(title, "Arx5 Multitask", "group title");
	exl_group_title(NULL, title, sizeof(title));
	is_str(title, "Run Logs", "flat level's title");

	ok(exl_layout_safe_rel("grp/2026-01-01_x.md") == 0, "safe relative");
	ok(exl_layout_safe_rel("/etc/passwd") < 0, "absolute refused");
	ok(exl_layout_safe_rel("a/../b") < 0, "dotdot refused");
	ok(exl_layout_safe_rel("..") < 0, "bare dotdot refused");
	ok(exl_layout_safe_rel("a//b") < 0, "empty component refused");
	ok(exl_layout_safe_rel("a/") < 0, "trailing slash refused");
	ok(exl_layout_safe_rel("./a") < 0, "dot refused");
	ok(exl_layout_safe_rel("") < 0 && exl_layout_safe_rel(NULL) < 0,
	   "empty refused");
	{
		char *p = exl_layout_state_dir("/r", NULL, "s");

		is_str(p, "/r/.exp-log/runs/+flat/s", "flat state dir");
		free(p);
		p = exl_layout_lock("/r", "g");
		is_str(p, "/r/.exp-log/locks/g.lock", "group lock");
		free(p);
		p = exl_layout_timeline_spare("/r", NULL);
		is_str(p, "/r/.exp-log/locks/+flat.timeline.prev",
		       "the timeline's spare, beside the group lock");
		free(p);
	}
	return done_testing();
}
