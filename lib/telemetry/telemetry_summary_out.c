/* telemetry_summary_out.c - a telemetry summary as sidecar JSON and as
 * Results bullets (see telemetry_summary.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/units.h"
#include "util/jsonfile.h"
#include "util/strbuf.h"
#include "telemetry/telemetry_sample.h"
#include "telemetry/telemetry_summary_int.h"
#include "telemetry/telemetry_topo.h"

#define J_PER_KWH 3.6e6

static double util_mean(const struct tsum_totals *t)
{
	return t->util_n ? t->util_sum / (double)t->util_n : 0;
}

static int have_cost(const struct exl_tsum *s, const struct tsum_totals *t)
{
	return s->opts.price_per_gpu_hour > 0 && t->gpu_seen;
}

/* key: value, or key: null when v < 0. */
static void set_ll(json_object *o, const char *key, long long v)
{
	json_object_object_add(o, key, v < 0 ? NULL : json_object_new_int64(v));
}

static json_object *totals_json(const struct exl_tsum *s,
				const struct tsum_totals *t)
{
	json_object *o = json_object_new_object();
	int gpus = t->gpu_seen;

	if (!o)
		return NULL;
	exl_json_set_int(o, "samples", (long long)t->samples);
	set_ll(o, "ngpus", gpus ? t->ngpus : -1);
	json_object_object_add(o, "gpu_util_mean", t->util_n ?
			       exl_json_fixed(util_mean(t), 2) : NULL);
	set_ll(o, "gpu_util_max", t->util_max);
	set_ll(o, "gpu_mem_peak_mib", t->mem_peak);
	set_ll(o, "gpu_mem_total_mib", t->mem_total);
	set_ll(o, "rss_peak_mib", t->rss_peak);
	set_ll(o, "alloc_mem_mb", t->alloc_mb ? (long long)t->alloc_mb : -1);
	json_object_object_add(o, "rss_peak_pct", t->alloc_mb && t->rss_peak >= 0 ?
			       exl_json_fixed(100.0 * t->rss_peak / t->alloc_mb, 1) :
			       NULL);
	json_object_object_add(o, "energy_kwh", gpus ?
			       exl_json_fixed(t->energy_j / J_PER_KWH, 6) : NULL);
	json_object_object_add(o, "gpu_hours", gpus ?
			       exl_json_fixed(t->gpu_hours, 4) : NULL);
	json_object_object_add(o, "cost", have_cost(s, t) ?
			       exl_json_fixed(t->gpu_hours *
					      s->opts.price_per_gpu_hour, 2) : NULL);
	json_object_object_add(o, "elapsed_s", exl_json_fixed(t->elapsed, 3));
	set_ll(o, "gpu_failed_samples", gpus ? (long long)t->failed : -1);
	set_ll(o, "xid", t->xid);
	set_ll(o, "ecc_uncorr", t->ecc_uncorr);
	return o;
}

static json_object *gpus_json(const struct tsum_node *n)
{
	json_object *a = json_object_new_array();
	int i;

	for (i = 0; a && i < n->ngpus; i++) {
		const struct tsum_gpu *g = &n->gpu[i];
		json_object *o = json_object_new_object();

		exl_json_set_str(o, "uuid", g->uuid);
		exl_json_set_int(o, "samples", (long long)g->samples);
		json_object_object_add(o, "util_mean", g->util_n ?
				exl_json_fixed(g->util_sum / (double)g->util_n, 2) :
				NULL);
		set_ll(o, "util_max", g->util_max);
		set_ll(o, "mem_peak_mib", g->mem_peak);
		set_ll(o, "mem_total_mib", g->mem_total);
		json_object_object_add(o, "energy_kwh",
				exl_json_fixed(g->energy_j / J_PER_KWH, 6));
		exl_json_set_int(o, "failed_samples", (long long)g->failed);
		if (g->error[0])
			exl_json_set_str(o, "last_error", g->error);
		set_ll(o, "xid", g->xid);
		set_ll(o, "xid_last", g->xid_last);
		set_ll(o, "ecc_uncorr", g->ecc_max >= 0 ?
		       g->ecc_max - g->ecc_min : -1);
		json_object_array_add(a, o);
	}
	return a;
}

json_object *exl_tsum_json(const struct exl_tsum *s)
{
	json_object *o = json_object_new_object(), *nodes, *hw, *n;
	struct tsum_totals t;
	int i;

	if (!o)
		return NULL;
	tsum_overall(s, &t);
	json_object_object_add(o, "overall", totals_json(s, &t));
	nodes = json_object_new_object();
	hw = json_object_new_object();
	for (i = 0; i < s->nnodes; i++) {
		const struct tsum_node *nd = &s->node[i];

		tsum_node_totals(s, nd, &t);
		n = totals_json(s, &t);
		json_object_object_add(n, "gpus", gpus_json(nd));
		if (nd->gpu_note[0])
			exl_json_set_str(n, "gpu_note", nd->gpu_note);
		set_ll(n, "mem_avail_min_mib", nd->mem_avail_min);
		set_ll(n, "fs_free_min_mib", nd->fs_free_min);
		json_object_object_add(nodes, nd->name, n);
		if (nd->hardware)
			json_object_object_add(hw, nd->name,
					       json_object_get(nd->hardware));
	}
	json_object_object_add(o, "nodes", nodes);
	json_object_object_add(o, "hardware", hw);
	if (s->opts.price_per_gpu_hour > 0) {
		json_object_object_add(o, "price_per_gpu_hour",
			exl_json_fixed(s->opts.price_per_gpu_hour, 4));
		exl_json_set_str(o, "currency", s->currency);
	}
	exl_json_set_int(o, "lines", (long long)s->lines);
	exl_json_set_int(o, "malformed", (long long)s->malformed);
	exl_json_set_int(o, "files_skipped", s->skipped);
	return o;
}

static void md_mib(struct exl_sb *b, const char *pre, long long mib)
{
	char sz[32];

	exl_human_bytes((uint64_t)mib << 20, sz, sizeof(sz));
	exl_sb_printf(b, "%s%s", pre, sz);
}

/* Keep file text out of the markdown structure: printable ASCII only,
 * no backticks. */
static void md_text(struct exl_sb *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		exl_sb_printf(b, "%c", c >= 0x20 && c < 0x7f && c != '`' ?
			      (char)c : '?');
	}
}

/* The GPU part of a bullet. */
static void md_gpu(struct exl_sb *b, const struct exl_tsum *s,
		   const struct tsum_totals *t)
{
	if (!t->gpu_seen) {
		exl_sb_printf(b, "GPU: no data");
		return;
	}
	if (t->ngpus == 0) {
		exl_sb_printf(b, "GPU: none allocated");
		return;
	}
	if (t->util_n)
		exl_sb_printf(b, "GPU util mean %.1f%%, max %lld%%",
			      util_mean(t), t->util_max);
	else
		exl_sb_printf(b, "GPU util n/a");
	if (t->mem_peak >= 0) {
		md_mib(b, "; GPU mem peak ", t->mem_peak);
		if (t->mem_total > 0)
			md_mib(b, " of ", t->mem_total);
	}
	exl_sb_printf(b, "; GPU energy %.3f kWh; %.2f GPU-hours",
		      t->energy_j / J_PER_KWH, t->gpu_hours);
	if (have_cost(s, t))
		exl_sb_printf(b, "; cost %.2f%s%s", t->gpu_hours *
			      s->opts.price_per_gpu_hour, s->currency ? " " : "",
			      s->currency ? s->currency : "");
}

/* md_rss: the RSS peak, said only when a sample saw a resident program: a
 * peak of 0 MiB means every sample fell where no program was resident (in
 * exec, just exiting: a job shorter than one interval), not a program that
 * used no memory. */
static void md_rss(struct exl_sb *b, const struct tsum_totals *t, int which)
{
	if (t->rss_peak <= 0)
		return;
	md_mib(b, "; RSS peak ", t->rss_peak);
	if (t->alloc_mb) {
		md_mib(b, " of ", (long long)t->alloc_mb);
		exl_sb_printf(b, " allocated (%.0f%%)",
			      100.0 * t->rss_peak / t->alloc_mb);
	}
	if (which && t->rss_node)
		exl_sb_printf(b, " on %s", t->rss_node);
}

static void md_errors(struct exl_sb *b, const struct tsum_node *n,
		      const struct tsum_totals *t)
{
	int i;

	for (i = 0; n && i < n->ngpus; i++) {
		if (!n->gpu[i].failed)
			continue;
		exl_sb_printf(b, "; ");
		md_text(b, n->gpu[i].uuid);
		exl_sb_printf(b, " failed in %llu of %llu samples (",
			      n->gpu[i].failed, n->gpu[i].samples);
		md_text(b, n->gpu[i].error);
		exl_sb_printf(b, ")");
	}
	if (!n && t->failed)
		exl_sb_printf(b, "; GPU failures in %llu sample%s", t->failed,
			      t->failed == 1 ? "" : "s");
	if (t->xid > 0)
		exl_sb_printf(b, "; XID errors: %lld", t->xid);
	if (t->ecc_uncorr > 0)
		exl_sb_printf(b, "; uncorrected ECC errors: %lld", t->ecc_uncorr);
}

/* Emit one bullet: key and the text built in b. */
static int emit(struct exl_sb *b, const char *key, exl_tsum_line_fn fn,
		void *arg)
{
	char *v = exl_sb_take(b, NULL);

	if (!v)
		return -1;
	fn(key, v, arg);
	free(v);
	return 0;
}

static int md_note(const struct exl_tsum *s, exl_tsum_line_fn fn, void *arg)
{
	struct exl_sb b = { 0 };
	const char *sep = "";
	int i;

	if (s->malformed) {
		exl_sb_printf(&b, "%llu malformed telemetry line%s skipped",
			      s->malformed, s->malformed > 1 ? "s" : "");
		sep = "; ";
	}
	if (s->skipped) {
		exl_sb_printf(&b, "%s%u telemetry file%s skipped (", sep,
			      s->skipped, s->skipped > 1 ? "s" : "");
		md_text(&b, s->skip_note);
		exl_sb_printf(&b, ")");
		sep = "; ";
	}
	for (i = 0; i < s->nnodes; i++) {
		if (!s->node[i].gpu_note[0] || s->node[i].gpu_seen)
			continue;
		exl_sb_printf(&b, "%s%s: ", sep, s->node[i].name);
		md_text(&b, s->node[i].gpu_note);
		sep = "; ";
	}
	if (!*sep)
		return 0;
	return emit(&b, "telemetry_note", fn, arg);
}

int exl_tsum_md_each(const struct exl_tsum *s, exl_tsum_line_fn fn,
		     void *arg)
{
	struct exl_sb b = { 0 };
	struct tsum_totals t;
	char key[96];
	int i;

	tsum_overall(s, &t);
	if (s->nnodes == 0 || t.samples == 0) {
		exl_sb_printf(&b, "no samples");
	} else {
		exl_sb_printf(&b, "%d node%s, %llu sample%s; ", t.nnodes,
			      t.nnodes > 1 ? "s" : "", t.samples,
			      t.samples == 1 ? "" : "s");
		md_gpu(&b, s, &t);
		md_rss(&b, &t, t.nnodes > 1);
		md_errors(&b, NULL, &t);
	}
	if (emit(&b, "telemetry", fn, arg) < 0)
		return -1;
	for (i = 0; i < s->nnodes; i++) {
		tsum_node_totals(s, &s->node[i], &t);
		exl_sb_printf(&b, "%llu sample%s; ", t.samples,
			      t.samples == 1 ? "" : "s");
		md_gpu(&b, s, &t);
		md_rss(&b, &t, 0);
		md_errors(&b, &s->node[i], &t);
		snprintf(key, sizeof(key), "telemetry %s", s->node[i].name);
		if (emit(&b, key, fn, arg) < 0)
			return -1;
	}
	return md_note(s, fn, arg);
}

static void add_bullet(const char *key, const char *value, void *arg)
{
	exl_sb_printf(arg, "- %s: %s\n", key, value);
}

char *exl_tsum_md(const struct exl_tsum *s)
{
	struct exl_sb b = { 0 };

	if (exl_tsum_md_each(s, add_bullet, &b) < 0) {
		exl_sb_free(&b);
		return NULL;
	}
	return exl_sb_take(&b, NULL);
}

char *exl_tsum_hardware_md(const struct exl_tsum *s, const char *key)
{
	struct exl_sb b = { 0 };
	char *v;
	int i;

	for (i = 0; i < s->nnodes; i++) {
		if (!s->node[i].hardware)
			continue;
		v = exl_topo_md_value(s->node[i].hardware);
		if (!v) {
			exl_sb_free(&b);
			return NULL;
		}
		exl_sb_printf(&b, "- %s: %s\n", key, v);
		free(v);
	}
	return exl_sb_take(&b, NULL);
}
