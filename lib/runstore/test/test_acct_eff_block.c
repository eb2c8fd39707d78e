/* Unit tests: the run log's "## Efficiency" block (acct_eff_block). */
#include <stdlib.h>
#include <string.h>

#include "runstore/acct_eff_block.h"
#include "tap.h"

#define GIB (1024ULL * 1024 * 1024)

/* render: d as text (static buffer), "" on failure. */
static const char *render(const struct exl_doc *d)
{
	static char buf[4096];
	size_t n;
	char *t = exl_doc_render(d, &n);

	snprintf(buf, sizeof(buf), "%s", t ? t : "");
	free(t);
	return buf;
}

int main(void)
{
	struct exl_doc d = { 0 };
	struct exl_err err = { 0 };
	struct exl_acct_job j = { 0 };
	struct exl_acct_eff e;

	j.elapsed = 120;
	j.timelimit = 600;
	j.total_cpu = 210;
	j.alloc_cpus = 2;
	j.nnodes = 1;
	j.max_rss = GIB / 4;
	j.req_mem = 4 * GIB;
	exl_acct_eff_compute(&j, &e);

	ok(exl_doc_parse(&d, "# run\n\n## Results\n- exit: 0\n", &err) == 0,
	   "parse a run log");
	ok(exl_acct_eff_block(&d, "77", &j, &e) == 0, "add the block");
	is_str(render(&d),
	       "# run\n\n## Results\n- exit: 0\n\n## Efficiency\n"
	       "- cpu_efficiency: 87.5% (TotalCPU 00:03:30 of 2 CPUs x 00:02:00)\n"
	       "- memory_efficiency: 6.2% (worst step 256.0 MiB of 4.0 GiB asked)\n"
	       "- time_efficiency: 20.0% (ran 00:02:00 of a 00:10:00 limit)\n"
	       "- advice: asked 4.0 GiB, used 256 MiB: ask for 1 GiB; "
	       "time limit 0:10:00, ran 0:02:00: ask for --time=0:04:00\n"
	       "- source: accounting (sacct -j 77)\n",
	       "appended at the end, advice included");

	/* a second close-out replaces the block, in place */
	j.req_mem = 0;
	j.timelimit = -1;
	exl_acct_eff_compute(&j, &e);
	ok(exl_doc_insert(&d, d.n, "") == 0 &&
	   exl_doc_insert(&d, d.n, "## Notes") == 0 &&
	   exl_doc_insert(&d, d.n, "hand-written") == 0, "a section after it");
	ok(exl_acct_eff_block(&d, "77", &j, &e) == 0, "replace the block");
	is_str(render(&d),
	       "# run\n\n## Results\n- exit: 0\n\n## Efficiency\n"
	       "- cpu_efficiency: 87.5% (TotalCPU 00:03:30 of 2 CPUs x 00:02:00)\n"
	       "- memory_efficiency: unknown (no memory request)\n"
	       "- time_efficiency: unknown (no time limit)\n"
	       "- source: accounting (sacct -j 77)\n"
	       "\n## Notes\nhand-written\n",
	       "one block, unknown figures said so, what follows kept");

	/* GPUs from the run's telemetry: a line, and advice when idle */
	exl_acct_eff_gpu(&e, 7.5, 2);
	ok(exl_acct_eff_block(&d, "77", &j, &e) == 0, "block with GPUs");
	is_str(render(&d),
	       "# run\n\n## Results\n- exit: 0\n\n## Efficiency\n"
	       "- cpu_efficiency: 87.5% (TotalCPU 00:03:30 of 2 CPUs x 00:02:00)\n"
	       "- memory_efficiency: unknown (no memory request)\n"
	       "- time_efficiency: unknown (no time limit)\n"
	       "- gpu_utilization: 7.5% (mean over 2 GPUs, exp-log telemetry)\n"
	       "- advice: 2 GPUs busy 8% of the time on average: feed them "
	       "faster (data loading) or ask for fewer\n"
	       "- source: accounting (sacct -j 77)\n"
	       "\n## Notes\nhand-written\n",
	       "the GPU line from telemetry, advice for idle GPUs");
	exl_acct_eff_compute(&j, &e);
	exl_acct_eff_gpu(&e, 90, 1);
	ok(e.gpu > 0.89 && e.gpu < 0.91 && e.ngpus == 1 && !e.advice[0],
	   "a busy GPU: no advice");
	exl_acct_eff_compute(&j, &e);
	exl_acct_eff_gpu(&e, 50, 0);
	ok(e.gpu < 0, "no GPUs: no figure");
	exl_acct_eff_gpu(&e, 101, 1);
	ok(e.gpu < 0, "a figure over 100 percent is refused");
	exl_doc_free(&d);
	return done_testing();
}
