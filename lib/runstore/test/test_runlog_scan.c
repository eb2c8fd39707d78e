/* Unit tests: finding and summarising run logs under a root. */
#include <stdio.h>

#include "runstore/runlog_scan.h"
#include "tap.h"
#include "tmpdir.h"

static const char *log_text =
	"# t — x\n\n## Mode\n- run_type: replication\n\n## Job\n"
	"- execution_id: %d\n\n## Status\n"
	"- 2026-03-11 15:00 — running, step %d, loss 1\n";

int main(void)
{
	struct exl_scan sc;
	struct exl_err err;
	char d[256], p[4200], text[512];
	size_t i;
	int n, bad = 0;

	if (!tmpdir_make(d, sizeof(d)))
		return 1;
	for (n = 0; n < 300; n++) {
		snprintf(p, sizeof(p), "g%d/2026-03-11_r%03d.md", n % 3, n);
		snprintf(text, sizeof(text), log_text, n + 1, n);
		tmpdir_put(d, p, text);
	}
	tmpdir_put(d, "zz_flat.md", "# flat\n");
	tmpdir_put(d, "g0/timeline.md", "# T\n");
	tmpdir_put(d, "g0/experiments.md", "# E\n");
	tmpdir_put(d, "g0/notes.txt", "x");
	tmpdir_put(d, ".exp-log/runs/g0/x/run.json", "{}");
	tmpdir_put(d, ".hidden/2026-03-11_h.md", "# h\n");
	tmpdir_put(d, "bad group!/2026-03-11_b.md", "# b\n");
	snprintf(p, sizeof(p), "%s/g1/2026-03-11_link.md", d);
	ok(symlink("/etc/passwd", p) == 0, "planted symlink");
	snprintf(p, sizeof(p), "%s/g2/2026-03-11_dir.md", d);
	mkdir(p, 0755);

	ok(exl_scan_list(d, NULL, &sc, &err) == 0, "list");
	is_int(sc.n, 302, "300 grouped, 1 flat, the symlink; no timeline, dir");
	is_int(sc.ngroups, 3, "three valid groups");
	is_str(sc.v[0].rel, "zz_flat.md", "sorted: flat first");
	ok(sc.v[0].group == NULL, "flat has no group");
	is_str(sc.v[1].rel, "g0/2026-03-11_r000.md", "then g0");
	is_str(sc.v[1].name, "2026-03-11_r000.md", "name");
	ok(exl_scan_summaries(&sc, 4, &err) == 0, "summaries on 4 threads");
	for (i = 1; i < sc.n; i++) {
		long long id = atoll(sc.v[i].sum.job_id ? sc.v[i].sum.job_id : "0");

		if (strstr(sc.v[i].rel, "_link.md"))
			ok(!sc.v[i].ok && strstr(sc.v[i].error, "symlink"),
			   "the symlink is not read, and says why");
		else if (!sc.v[i].ok || sc.v[i].sum.ev.step != id - 1)
			bad++;
	}
	is_int(bad, 0, "every summary belongs to its file");
	exl_scan_free(&sc);

	ok(exl_scan_list(d, "g1", &sc, &err) == 0, "one group");
	is_int(sc.n, 101, "its 100 runs and the symlink");
	exl_scan_free(&sc);
	ok(exl_scan_list(d, "../x", &sc, &err) < 0, "group with a slash refused");
	exl_scan_free(&sc);
	snprintf(p, sizeof(p), "%s/none", d);
	ok(exl_scan_list(p, NULL, &sc, &err) < 0, "missing root is an error");
	exl_scan_free(&sc);

	{
		struct exl_run_summary s;
		char *buf = NULL, *e = NULL;
		size_t cap = 0;

		snprintf(p, sizeof(p), "%s/g1/2026-03-11_link.md", d);
		is_int(exl_scan_read_one(p, &buf, &cap, &s, &e), -1, "symlink not read");
		ok(e && strstr(e, "symlink"), "says why");
		free(e);
		snprintf(p, sizeof(p), "%s/g2/2026-03-11_dir.md", d);
		is_int(exl_scan_read_one(p, &buf, &cap, &s, &e), -1, "directory not read");
		free(e);
		free(buf);
	}
	ok(exl_scan_is_runlog_name("2026-03-11_a.md"), "run log name");
	ok(!exl_scan_is_runlog_name("README.md"), "README");
	ok(!exl_scan_is_runlog_name(".md"), "bare .md");
	ok(!exl_scan_is_runlog_name("a.md.tmp.12.3"), "a temp file");
	tmpdir_remove(d);
	return done_testing();
}
