/* telemetry_summary.c - reading and adding up a run's telemetry (see
 * telemetry_summary.h; output in telemetry_summary_out.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/jsonfile.h"
#include "util/names.h"
#include "telemetry/telemetry_jsonl.h"
#include "telemetry/telemetry_sample.h"
#include "telemetry/telemetry_summary_int.h"

/* A step's RSS still counts this many of its intervals after its last
 * sample (then the step is taken as ended). */
#define STEP_FRESH 2.5

struct line_ctx {
	const char *job_id;	/* only this job's lines; NULL: all */
	struct tsum_node *n;
};

static long long min_or(long long cur, double v)
{
	return cur < 0 || (long long)v < cur ? (long long)v : cur;
}

static long long max_or(long long cur, double v)
{
	return (long long)v > cur ? (long long)v : cur;
}

static struct tsum_gpu *find_gpu(struct tsum_node *n, json_object *g)
{
	const char *uuid = exl_json_str(g, "uuid");
	char key[96];
	double idx;
	int i;

	if (uuid && *uuid)
		snprintf(key, sizeof(key), "%s", uuid);
	else if (exl_json_num(g, "index", &idx))
		snprintf(key, sizeof(key), "index %lld", (long long)idx);
	else
		return NULL;
	for (i = 0; i < n->ngpus; i++)
		if (!strcmp(n->gpu[i].uuid, key))
			return &n->gpu[i];
	if (n->ngpus >= TSUM_MAX_GPUS)
		return NULL;
	n->gpu[n->ngpus] = (struct tsum_gpu){ .util_max = -1, .mem_peak = -1,
		.mem_total = -1, .xid = -1, .xid_last = -1, .ecc_min = -1,
		.ecc_max = -1 };
	snprintf(n->gpu[n->ngpus].uuid, sizeof(key), "%s", key);
	return &n->gpu[n->ngpus++];
}

/* One GPU entry of a sample line at time t. */
static void add_gpu(struct tsum_node *n, json_object *j, double t)
{
	struct tsum_gpu *g = find_gpu(n, j);
	const char *e = exl_json_str(j, "error");
	double v;

	if (!g)
		return;
	g->samples++;
	if (e) {
		g->failed++;
		snprintf(g->error, sizeof(g->error), "%s", e);
	}
	if (exl_json_num(j, "util", &v)) {
		g->util_n++;
		g->util_sum += v;
		g->util_max = max_or(g->util_max, v);
	}
	if (exl_json_num(j, "mem_used_mib", &v))
		g->mem_peak = max_or(g->mem_peak, v);
	if (exl_json_num(j, "mem_total_mib", &v))
		g->mem_total = max_or(g->mem_total, v);
	if (exl_json_num(j, "power_w", &v)) {
		/* Trapezoids between consecutive readings; a reading older
		 * than the last one (another step's sampler) is skipped. */
		if (g->have_last && t > g->last_t)
			g->energy_j += (v + g->last_w) / 2 * (t - g->last_t);
		if (!g->have_last || t > g->last_t) {
			g->last_t = t;
			g->last_w = v;
			g->have_last = 1;
		}
	} else {
		g->have_last = 0;	/* no power: the series breaks */
	}
	if (exl_json_num(j, "xid", &v) && (long long)v > g->xid) {
		g->xid = (long long)v;
		if (exl_json_num(j, "xid_last", &v))
			g->xid_last = (long long)v;
	}
	if (exl_json_num(j, "ecc_uncorr", &v)) {
		g->ecc_min = min_or(g->ecc_min, v);
		g->ecc_max = max_or(g->ecc_max, v);
	}
}

/* The node's job RSS at time t: the sum of every step's latest sample
 * that is still fresh. */
static void add_rss(struct tsum_node *n, json_object *o, double t, double rss)
{
	const char *name = exl_json_str(o, "step");
	struct tsum_step *st = NULL;
	long long sum = 0;
	double iv = 0;
	int i;

	exl_json_num(o, "interval_s", &iv);
	if (!name)
		name = "";
	for (i = 0; i < n->nsteps && !st; i++)
		if (!strncmp(n->step[i].name, name, sizeof(st->name) - 1))
			st = &n->step[i];
	if (!st)
		st = &n->step[n->nsteps < TSUM_MAX_STEPS ? n->nsteps++ :
			      TSUM_MAX_STEPS - 1];
	snprintf(st->name, sizeof(st->name), "%s", name);
	st->t = t;
	st->interval = iv > 1 ? iv : 1;
	st->rss = (long long)rss;
	for (i = 0; i < n->nsteps; i++) {
		double age = t - n->step[i].t;

		if (age < 0)
			age = -age;
		if (age <= STEP_FRESH * n->step[i].interval)
			sum += n->step[i].rss;
	}
	if (sum > n->rss_peak)
		n->rss_peak = sum;
}

static int on_sample(struct tsum_node *n, json_object *o)
{
	json_object *gpus;
	double t, v;
	size_t i, len;

	if (!exl_json_num(o, "t", &t) || t <= 0)
		return -1;
	n->samples++;
	if (n->first_t < 0 || t < n->first_t)
		n->first_t = t;
	if (t > n->last_t)
		n->last_t = t;
	if (exl_json_num(o, "rss_mib", &v) && v >= 0)
		add_rss(n, o, t, v);
	if (exl_json_num(o, "mem_avail_mib", &v))
		n->mem_avail_min = min_or(n->mem_avail_min, v);
	if (exl_json_num(o, "fs_free_mib", &v))
		n->fs_free_min = min_or(n->fs_free_min, v);
	if (!(gpus = exl_json_array(o, "gpus")))
		return 0;
	n->gpu_seen = 1;
	len = json_object_array_length(gpus);
	for (i = 0; i < len; i++) {
		json_object *g = json_object_array_get_idx(gpus, i);

		if (json_object_is_type(g, json_type_object))
			add_gpu(n, g, t);
	}
	return 0;
}

static int on_start(struct tsum_node *n, json_object *o)
{
	json_object *a, *hw;
	const char *gpu = exl_json_str(o, "gpu");
	const char *note = exl_json_str(o, "gpu_note");
	double t = 0, mb;

	exl_json_num(o, "t", &t);
	if (json_object_object_get_ex(o, "alloc", &a) &&
	    exl_json_num(a, "mem_mb", &mb) && mb > 0)
		n->alloc_mem_mb = (unsigned long long)mb;
	if (json_object_object_get_ex(o, "hardware", &hw) &&
	    json_object_is_type(hw, json_type_object) &&
	    (!n->hardware || t >= n->hardware_t)) {
		json_object_put(n->hardware);
		n->hardware = json_object_get(hw);
		n->hardware_t = t;
		/* the file name says which node this is, not the line */
		json_object_object_add(hw, "node",
				       json_object_new_string(n->name));
	}
	if (gpu && !strcmp(gpu, "off") && note)
		snprintf(n->gpu_note, sizeof(n->gpu_note), "%s", note);
	return 0;
}

static int on_line(json_object *o, void *arg)
{
	struct line_ctx *c = arg;
	const char *type = exl_json_str(o, "type");
	const char *job = exl_json_str(o, "job");

	if (!type)
		return -1;
	if (c->job_id && (!job || strcmp(job, c->job_id)))
		return 0;
	if (!strcmp(type, "sample"))
		return on_sample(c->n, o);
	if (!strcmp(type, "start"))
		return on_start(c->n, o);
	return 0;	/* a newer schema's line: not ours to judge */
}

/* The node a directory entry stands for: "<node>.jsonl", or NULL. */
static int node_name(const char *file, char *out, size_t len)
{
	size_t n = strlen(file);

	if (n <= 6 || n - 6 >= len || strcmp(file + n - 6, ".jsonl"))
		return -1;
	memcpy(out, file, n - 6);
	out[n - 6] = '\0';
	return exl_valid_group(out) == 0 ? 0 : -1;
}

static int cmp_node(const void *a, const void *b)
{
	return strcmp(((const struct tsum_node *)a)->name,
		      ((const struct tsum_node *)b)->name);
}

/* Room for one more node. */
static struct tsum_node *new_node(struct exl_tsum *s)
{
	struct tsum_node *n;

	if (s->nnodes == s->cap) {
		int cap = s->cap ? s->cap * 2 : 16;

		n = realloc(s->node, (size_t)cap * sizeof(*n));
		if (!n)
			return NULL;
		s->node = n;
		s->cap = cap;
	}
	n = &s->node[s->nnodes];
	memset(n, 0, sizeof(*n));
	n->gpu = calloc(TSUM_MAX_GPUS, sizeof(*n->gpu));
	if (!n->gpu)
		return NULL;
	s->nnodes++;
	n->first_t = -1;
	n->rss_peak = n->mem_avail_min = n->fs_free_min = -1;
	return n;
}

/* Add one node's file.  A file that cannot be read (a symlink, a FIFO,
 * an I/O error) is skipped and noted, not fatal. */
static int read_node(struct exl_tsum *s, const char *dir, const char *name,
		     const char *file, const char *job_id,
		     struct exl_err *err)
{
	struct exl_jsonl_stats st = { 0 };
	struct tsum_node *n = new_node(s);
	struct line_ctx c = { job_id, n };
	struct exl_err rerr;
	char path[4200];
	int rc;

	if (!n)
		return exl_errf(err, "telemetry summary: out of memory");
	snprintf(n->name, sizeof(n->name), "%s", name);
	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		rc = exl_errf(&rerr, "%s/%s: path too long", dir, file);
	else
		rc = exl_jsonl_read(path, on_line, &c, &st, &rerr);
	if (rc < 0) {
		if (!s->skipped++)
			snprintf(s->skip_note, sizeof(s->skip_note), "%s",
				 rerr.text);
		free(n->gpu);
		json_object_put(n->hardware);
		s->nnodes--;
		return 0;
	}
	s->lines += st.lines;
	s->malformed += st.malformed;
	return 0;
}

int exl_tsum_read(const char *state_dir, const struct exl_tsum_opts *o,
		  struct exl_tsum **out, struct exl_err *err)
{
	struct exl_tsum *s = calloc(1, sizeof(*s));
	char dir[4096], name[81];
	struct dirent *de;
	DIR *d = NULL;
	int fd, rc = 0;

	*out = NULL;
	if (!s)
		return exl_errf(err, "telemetry summary: out of memory");
	if (o)
		s->opts = *o;
	s->opts.job_id = NULL;	/* the caller's; used only while reading */
	s->opts.currency = s->currency = o && o->currency ?
					 strdup(o->currency) : NULL;
	if (o && o->currency && !s->currency) {
		exl_tsum_free(s);
		return exl_errf(err, "telemetry summary: out of memory");
	}
	snprintf(dir, sizeof(dir), "%s/telemetry", state_dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT)
		rc = exl_errnof(err, errno, "couldn't open %s", dir);
	else if (fd >= 0 && !(d = fdopendir(fd))) {
		rc = exl_errnof(err, errno, "couldn't read %s", dir);
		close(fd);
	}
	while (d && rc == 0 && s->nnodes < EXL_TSUM_MAX_NODES &&
	       (de = readdir(d)))
		if (node_name(de->d_name, name, sizeof(name)) == 0)
			rc = read_node(s, dir, name, de->d_name,
				       o ? o->job_id : NULL, err);
	if (d)
		closedir(d);
	if (rc < 0) {
		exl_tsum_free(s);
		return -1;
	}
	if (s->nnodes)
		qsort(s->node, (size_t)s->nnodes, sizeof(*s->node), cmp_node);
	*out = s;
	return 0;
}

void exl_tsum_free(struct exl_tsum *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->nnodes; i++) {
		free(s->node[i].gpu);
		json_object_put(s->node[i].hardware);
	}
	free(s->node);
	free(s->currency);
	free(s);
}

unsigned long long exl_tsum_lines(const struct exl_tsum *s)
{
	return s->lines;
}

unsigned long long exl_tsum_malformed(const struct exl_tsum *s)
{
	return s->malformed;
}

void tsum_node_totals(const struct exl_tsum *s, const struct tsum_node *n,
		      struct tsum_totals *t)
{
	int i;

	memset(t, 0, sizeof(*t));
	t->nnodes = 1;
	t->util_max = t->mem_peak = t->mem_total = t->xid = t->ecc_uncorr = -1;
	t->samples = n->samples;
	t->ngpus = n->ngpus;
	t->gpu_seen = n->gpu_seen;
	t->rss_peak = n->rss_peak;
	t->alloc_mb = s->opts.alloc_mem_mb ? s->opts.alloc_mem_mb :
		      n->alloc_mem_mb;
	t->rss_node = n->name;
	t->elapsed = s->opts.elapsed_s > 0 ? s->opts.elapsed_s :
		     n->samples > 1 ? n->last_t - n->first_t : 0;
	t->gpu_hours = n->ngpus * t->elapsed / 3600.0;
	for (i = 0; i < n->ngpus; i++) {
		const struct tsum_gpu *g = &n->gpu[i];

		t->util_n += g->util_n;
		t->util_sum += g->util_sum;
		t->failed += g->failed;
		t->energy_j += g->energy_j;
		if (g->util_max > t->util_max)
			t->util_max = g->util_max;
		if (g->mem_peak > t->mem_peak) {
			t->mem_peak = g->mem_peak;
			t->mem_total = g->mem_total;
		}
		if (g->xid >= 0)
			t->xid = (t->xid < 0 ? 0 : t->xid) + g->xid;
		if (g->ecc_max >= 0)
			t->ecc_uncorr = (t->ecc_uncorr < 0 ? 0 : t->ecc_uncorr) +
					g->ecc_max - g->ecc_min;
	}
}

/* The node whose RSS came closest to its allocation (or the largest
 * RSS when no allocation is known). */
static int rss_worse(const struct tsum_totals *a, const struct tsum_totals *b)
{
	if (a->rss_peak < 0)
		return 0;
	if (b->rss_peak < 0)
		return 1;
	if (a->alloc_mb && b->alloc_mb)
		return (double)a->rss_peak / a->alloc_mb >
		       (double)b->rss_peak / b->alloc_mb;
	return a->rss_peak > b->rss_peak;
}

void tsum_overall(const struct exl_tsum *s, struct tsum_totals *t)
{
	struct tsum_totals n;
	int i;

	memset(t, 0, sizeof(*t));
	t->util_max = t->mem_peak = t->mem_total = t->rss_peak = t->xid =
		t->ecc_uncorr = -1;
	t->nnodes = s->nnodes;
	for (i = 0; i < s->nnodes; i++) {
		tsum_node_totals(s, &s->node[i], &n);
		t->samples += n.samples;
		t->ngpus += n.ngpus;
		t->gpu_seen |= n.gpu_seen;
		t->util_n += n.util_n;
		t->util_sum += n.util_sum;
		t->failed += n.failed;
		t->energy_j += n.energy_j;
		t->gpu_hours += n.gpu_hours;
		if (n.elapsed > t->elapsed)
			t->elapsed = n.elapsed;
		if (n.util_max > t->util_max)
			t->util_max = n.util_max;
		if (n.mem_peak > t->mem_peak) {
			t->mem_peak = n.mem_peak;
			t->mem_total = n.mem_total;
		}
		if (n.xid >= 0)
			t->xid = (t->xid < 0 ? 0 : t->xid) + n.xid;
		if (n.ecc_uncorr >= 0)
			t->ecc_uncorr = (t->ecc_uncorr < 0 ? 0 :
					 t->ecc_uncorr) + n.ecc_uncorr;
		if (rss_worse(&n, t)) {
			t->rss_peak = n.rss_peak;
			t->alloc_mb = n.alloc_mb;
			t->rss_node = s->node[i].name;
		}
	}
}
