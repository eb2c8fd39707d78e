/* run_data.c - a run's plottable series from its state dir (see
 * run_data.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "util/fileio.h"
#include "util/jsonfile.h"
#include "telemetry/telemetry_jsonl.h"
#include "telemetry/telemetry_sample.h"
#include "telemetry/telemetry_topo.h"
#include "watch/progress.h"
#include "report/run_data.h"

#define MAX_PAIRS 64

static const char *const step_keys[] = { EXL_JSON_STEP_KEYS, NULL };
static const char *const loss_keys[] = { EXL_JSON_LOSS_KEYS, NULL };
static const char *const val_keys[] = { EXL_JSON_VAL_KEYS, NULL };

int exl_rd_add(struct exl_rd_series *s, double x, double y)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct exl_xy *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].x = x;
	s->v[s->n].y = y;
	s->n++;
	return 0;
}

double *exl_rd_values(const struct exl_rd_series *s)
{
	double *v = malloc((s->n ? s->n : 1) * sizeof(*v));
	size_t i;

	if (v)
		for (i = 0; i < s->n; i++)
			v[i] = s->v[i].y;
	return v;
}

/* ---- a flat JSON object, fast ------------------------------------ */

struct pair {
	const char *key;
	size_t klen;
	double v;
};

static const char *ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

/* Past a JSON string starting at p ('"'), NULL when unterminated;
 * *esc set when it has an escape. */
static const char *skip_string(const char *p, const char *e, int *esc)
{
	for (p++; p < e; p++) {
		if (*p == '\\') {
			p++;
			*esc = 1;
		} else if (*p == '"') {
			return p + 1;
		}
	}
	return NULL;
}

/* Past any nested value ({...} or [...]), strings aware. */
static const char *skip_nested(const char *p, const char *e)
{
	int depth = 0, esc;

	while (p < e) {
		if (*p == '"') {
			p = skip_string(p, e, &esc);
			if (!p)
				return NULL;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']') {
			if (--depth == 0)
				return p + 1;
		}
		p++;
	}
	return NULL;
}

/* A number of at most 15 significant digits and a decimal exponent of
 * at most 22 either way, exactly as strtod reads it (one rounding: the
 * mantissa and the power of ten are exact doubles).  -1: use strtod. */
static int fast_number(const char *p, size_t l, double *out)
{
	static const double pow10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21,
		1e22,
	};
	const char *e = p + l;
	unsigned long long m = 0;
	int neg = 0, digits = 0, exp10 = 0, any = 0, x = 0, xneg = 0;

	if (p < e && *p == '-') {
		neg = 1;
		p++;
	}
	for (; p < e && *p >= '0' && *p <= '9'; p++, any = 1) {
		if (m || *p != '0')
			digits++;
		m = m * 10 + (unsigned)(*p - '0');
		if (digits > 15)
			return -1;
	}
	if (p < e && *p == '.') {
		for (p++; p < e && *p >= '0' && *p <= '9'; p++, any = 1) {
			if (m || *p != '0')
				digits++;
			m = m * 10 + (unsigned)(*p - '0');
			exp10--;
			if (digits > 15)
				return -1;
		}
	}
	if (!any)
		return -1;
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			xneg = *p++ == '-';
		if (p == e)
			return -1;
		for (; p < e && *p >= '0' && *p <= '9'; p++) {
			x = x * 10 + (*p - '0');
			if (x > 400)
				return -1;
		}
		exp10 += xneg ? -x : x;
	}
	if (p != e || exp10 > 22 || exp10 < -22)
		return -1;
	*out = exp10 >= 0 ? (double)m * pow10[exp10] :
			    (double)m / pow10[-exp10];
	if (neg)
		*out = -*out;
	return 0;
}

/* The numeric top-level pairs of one object line; -1 when malformed. */
static int parse_pairs(const char *p, const char *e, struct pair *out,
		       size_t *np)
{
	size_t n = 0;

	p = ws(p, e);
	if (p == e || *p++ != '{')
		return -1;
	for (;;) {
		const char *k, *q;
		size_t klen;
		char *end;
		double v;
		int esc = 0;

		p = ws(p, e);
		if (p < e && *p == '}')
			break;
		if (p == e || *p != '"')
			return -1;
		k = p + 1;
		q = skip_string(p, e, &esc);
		if (!q)
			return -1;
		klen = (size_t)(q - 1 - k);
		p = ws(q, e);
		if (p == e || *p++ != ':')
			return -1;
		p = ws(p, e);
		if (p == e)
			return -1;
		if (*p == '"') {
			int vesc;

			p = skip_string(p, e, &vesc);
		} else if (*p == '{' || *p == '[') {
			p = skip_nested(p, e);
		} else if (*p == '-' || (*p >= '0' && *p <= '9')) {
			char num[64];
			size_t l = strspn(p, "+-0123456789.eE");

			if (l >= sizeof(num) || p + l > e)
				return -1;
			if (fast_number(p, l, &v) < 0) {
				memcpy(num, p, l);
				num[l] = '\0';
				v = strtod(num, &end);
				if (*end)
					return -1;
			}
			if (n < MAX_PAIRS && isfinite(v) && !esc) {
				out[n].key = k;
				out[n].klen = klen;
				out[n].v = v;
				n++;
			}
			p += l;
		} else {
			size_t l = strspn(p, "abcdefghijklmnopqrstuvwxyzN");

			if (!l)
				return -1;
			p += l;		/* true, false, null, NaN */
		}
		if (!p)
			return -1;
		p = ws(p, e);
		if (p < e && *p == ',') {
			p++;
			continue;
		}
		if (p < e && *p == '}')
			break;
		return -1;
	}
	*np = n;
	return 0;
}

static int key_is(const struct pair *q, const char *k)
{
	return strlen(k) == q->klen && memcmp(q->key, k, q->klen) == 0;
}

/* The step, loss and val keys with their lengths, in order of
 * preference (computed once: a million lines compare them). */
enum { K_STEP, K_LOSS, K_VAL, K_COUNT };
static const char *const *const key_lists[K_COUNT] = {
	step_keys, loss_keys, val_keys,
};
static size_t key_len[K_COUNT][16];
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void key_init(void)
{
	size_t k, j;

	for (k = 0; k < K_COUNT; k++)
		for (j = 0; key_lists[k][j] && j < 16; j++)
			key_len[k][j] = strlen(key_lists[k][j]);
}

/* Which list q's key is in (K_COUNT: none) and its rank there. */
static int classify(const struct pair *q, int *rank)
{
	size_t k, j;

	for (k = 0; k < K_COUNT; k++)
		for (j = 0; key_lists[k][j] && j < 16; j++)
			if (key_len[k][j] == q->klen &&
			    memcmp(q->key, key_lists[k][j], q->klen) == 0) {
				*rank = (int)j;
				return (int)k;
			}
	return K_COUNT;
}

/* The scalar series named by q, created when there is room. */
static struct exl_rd_series *scalar(struct exl_run_data *d,
				    const struct pair *q)
{
	size_t i;

	if (q->klen >= sizeof(d->scalar[0].name))
		return NULL;
	for (i = 0; i < d->nscalar; i++)
		if (key_is(q, d->scalar[i].name))
			return &d->scalar[i];
	if (d->nscalar == EXL_RD_MAX_SCALARS)
		return NULL;
	memcpy(d->scalar[i].name, q->key, q->klen);
	d->scalar[i].name[q->klen] = '\0';
	d->nscalar++;
	return &d->scalar[i];
}

int exl_rd_metrics_line(struct exl_run_data *d, const char *line,
			size_t len, double *last_step)
{
	struct pair pr[MAX_PAIRS];
	int cls[MAX_PAIRS], best[K_COUNT] = { -1, -1, -1 }, rank[K_COUNT];
	size_t n, i;
	double step;

	if (parse_pairs(line, line + len, pr, &n) < 0)
		return -1;
	pthread_once(&key_once, key_init);
	for (i = 0; i < n; i++) {
		int r = 0;

		cls[i] = classify(&pr[i], &r);
		if (cls[i] < K_COUNT &&
		    (best[cls[i]] < 0 || r < rank[cls[i]])) {
			best[cls[i]] = (int)i;
			rank[cls[i]] = r;
		}
	}
	if (best[K_STEP] >= 0) {
		step = pr[best[K_STEP]].v;
		if (isfinite(*last_step) && step < *last_step &&
		    d->nlinks < EXL_RD_MAX_LINKS)
			d->links[d->nlinks++] = step;
		*last_step = step;
	} else {
		step = isfinite(*last_step) ? *last_step : 0;
	}
	if (best[K_LOSS] >= 0 &&
	    exl_rd_add(&d->train, step, pr[best[K_LOSS]].v) < 0)
		return -2;
	if (best[K_VAL] >= 0 &&
	    exl_rd_add(&d->val, step, pr[best[K_VAL]].v) < 0)
		return -2;
	for (i = 0; i < n; i++) {
		struct exl_rd_series *s;

		if (cls[i] < K_COUNT || pr[i].key[0] == '_')
			continue;
		s = scalar(d, &pr[i]);
		if (s && exl_rd_add(s, step, pr[i].v) < 0)
			return -2;
	}
	return 0;
}

/* Read metrics.jsonl in blocks (a million lines need not sit in memory
 * at once), never through a symlink, at most EXL_RD_METRICS_MAX bytes;
 * a line longer than a block is skipped. */
#define BLOCK (1u << 20)

static int load_metrics(const char *dir, struct exl_run_data *d,
			struct exl_err *err)
{
	char *path = exl_path_join(dir, "metrics.jsonl"), *buf;
	size_t have = 0, total = 0;
	double last = NAN;
	struct stat st;
	int fd, rc = 0, skip = 0;

	if (!path)
		return exl_errf(err, "out of memory");
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	free(path);
	if (fd < 0)
		return 0;	/* none, or unreadable: nothing to plot */
	buf = malloc(BLOCK + 1);
	if (!buf) {
		close(fd);
		return exl_errf(err, "out of memory");
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		goto out;
	for (;;) {
		ssize_t r = read(fd, buf + have, BLOCK - have);
		char *p, *e, *nl;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 && !have)
			break;
		if (r > 0)
			total += (size_t)r;
		if (r > 0)
			have += (size_t)r;
		else
			buf[have++] = '\n';	/* the last line, unended */
		buf[have] = '\0';
		for (p = buf, e = buf + have;
		     (nl = memchr(p, '\n', (size_t)(e - p))); p = nl + 1) {
			if (skip) {
				skip = 0;	/* the tail of a long line */
				continue;
			}
			if (nl == p)
				continue;
			*nl = '\0';
			rc = exl_rd_metrics_line(d, p, (size_t)(nl - p), &last);
			if (rc == -2) {
				rc = exl_errf(err, "out of memory");
				goto out;
			}
			if (rc < 0)
				d->skipped++;
			rc = 0;
		}
		have = (size_t)(e - p);
		if (have == BLOCK) {	/* a line longer than a block */
			d->skipped++;
			skip = 1;
			have = 0;
		}
		memmove(buf, p, have);
		if (r <= 0 || total >= EXL_RD_METRICS_MAX)
			break;
	}
out:
	free(buf);
	close(fd);
	if (d->train.n || d->val.n)
		d->loss_source = "metrics.jsonl";
	return rc;
}

static int copy_series(struct exl_rd_series *dst,
		       const struct exl_loss_series *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (exl_rd_add(dst, s->pts[i].step >= 0 ?
			       (double)s->pts[i].step : (double)i,
			       s->pts[i].value) < 0)
			return -1;
	return 0;
}

/* The monitor's bounded series, when metrics.jsonl had no loss. */
static int load_progress(const char *dir, struct exl_run_data *d,
			 struct exl_err *err)
{
	char *path = exl_path_join(dir, "progress.json");
	struct exl_progress *p = malloc(sizeof(*p));
	int rc = 0;

	if (!path || !p) {
		free(path);
		free(p);
		return exl_errf(err, "out of memory");
	}
	exl_progress_init(p, NULL);
	if (exl_progress_load(p, path, NULL) == 0) {
		if (copy_series(&d->train, exl_progress_train(p)) < 0 ||
		    copy_series(&d->val, exl_progress_val(p)) < 0)
			rc = exl_errf(err, "out of memory");
		else if (d->train.n || d->val.n)
			d->loss_source = "progress.json";
	}
	exl_progress_free(p);
	free(p);
	free(path);
	return rc;
}

/* ---- telemetry ------------------------------------------------------ */

static int num(json_object *o, const char *key, double *v)
{
	json_object *x;

	if (!json_object_object_get_ex(o, key, &x))
		return 0;
	if (!json_object_is_type(x, json_type_double) &&
	    !json_object_is_type(x, json_type_int))
		return 0;
	*v = json_object_get_double(x);
	return isfinite(*v);
}

static struct exl_rd_gpu *gpu_of(struct exl_rd_node *nd, int index)
{
	size_t i;

	for (i = 0; i < nd->ngpu; i++)
		if (nd->gpu[i].index == index)
			return &nd->gpu[i];
	if (nd->ngpu == EXL_RD_MAX_GPUS)
		return NULL;
	nd->gpu[nd->ngpu].index = index;
	return &nd->gpu[nd->ngpu++];
}

/* One telemetry line: a start line's allocation or a sample. */
static int tel_line(json_object *o, void *arg)
{
	struct exl_rd_node *nd = arg;
	const char *type = exl_json_str(o, "type");
	json_object *a, *gpus;
	double t, v;
	size_t i, n;
	int bad = 0;

	if (!type)
		return -1;
	if (strcmp(type, "start") == 0) {
		if (json_object_object_get_ex(o, "alloc", &a) &&
		    json_object_is_type(a, json_type_object)) {
			const char *cpus = exl_json_str(a, "cpus");
			int nc = cpus ? exl_cpulist_count(cpus) : -1;

			if (nc > 0)
				nd->cpu_limit = 100.0 * nc;
			if (num(a, "mem_mb", &v) && v > 0)
				nd->mem_limit = v;
		}
		return 0;
	}
	if (strcmp(type, "sample") || !num(o, "t", &t))
		return 0;
	if (num(o, "cpu_pct", &v))
		bad |= exl_rd_add(&nd->cpu, t, v);
	if (num(o, "rss_mib", &v))
		bad |= exl_rd_add(&nd->rss, t, v);
	gpus = exl_json_array(o, "gpus");
	n = gpus ? json_object_array_length(gpus) : 0;
	for (i = 0; i < n; i++) {
		json_object *g = json_object_array_get_idx(gpus, i);
		struct exl_rd_gpu *gp;
		double idx;

		if (!g || !num(g, "index", &idx) || idx < 0 || idx > 1e6)
			continue;
		gp = gpu_of(nd, (int)idx);
		if (!gp)
			continue;
		if (num(g, "util", &v))
			bad |= exl_rd_add(&gp->util, t, v);
		if (num(g, "mem_used_mib", &v))
			bad |= exl_rd_add(&gp->mem, t, v);
		if (num(g, "power_w", &v))
			bad |= exl_rd_add(&gp->power, t, v);
		if (num(g, "mem_total_mib", &v) && v > 0)
			gp->mem_total = v;
	}
	return bad ? -1 : 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct exl_rd_node *)a)->name,
		      ((const struct exl_rd_node *)b)->name);
}

static int load_telemetry(const char *dir, struct exl_run_data *d,
			  struct exl_err *err)
{
	char *tdir = exl_path_join(dir, "telemetry");
	struct dirent *de;
	DIR *dp;
	int rc = 0;

	if (!tdir)
		return exl_errf(err, "out of memory");
	dp = opendir(tdir);
	if (!dp) {
		free(tdir);
		return 0;
	}
	while ((de = readdir(dp)) && d->nnode < EXL_RD_MAX_NODES) {
		size_t l = strlen(de->d_name);
		struct exl_jsonl_stats st = { 0 };
		struct exl_rd_node *nd;
		char *path;

		if (l <= 6 || l - 6 >= sizeof(nd->name) || de->d_name[0] == '.'
		    || strcmp(de->d_name + l - 6, ".jsonl"))
			continue;
		nd = realloc(d->node, (d->nnode + 1) * sizeof(*nd));
		path = exl_path_join(tdir, de->d_name);
		if (!nd || !path) {
			if (nd)
				d->node = nd;
			free(path);
			rc = exl_errf(err, "out of memory");
			break;
		}
		d->node = nd;
		nd = &d->node[d->nnode++];
		memset(nd, 0, sizeof(*nd));
		memcpy(nd->name, de->d_name, l - 6);
		exl_jsonl_read(path, tel_line, nd, &st, NULL);
		free(path);
	}
	closedir(dp);
	free(tdir);
	if (d->nnode > 1)
		qsort(d->node, d->nnode, sizeof(*d->node), by_name);
	return rc;
}

int exl_rd_load(const char *state_dir, struct exl_run_data *d,
		struct exl_err *err)
{
	if (load_metrics(state_dir, d, err) < 0)
		return -1;
	if (!d->loss_source && load_progress(state_dir, d, err) < 0)
		return -1;
	return load_telemetry(state_dir, d, err);
}

static void series_free(struct exl_rd_series *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

void exl_rd_free(struct exl_run_data *d)
{
	size_t i, j;

	series_free(&d->train);
	series_free(&d->val);
	for (i = 0; i < d->nscalar; i++)
		series_free(&d->scalar[i]);
	for (i = 0; i < d->nnode; i++) {
		series_free(&d->node[i].cpu);
		series_free(&d->node[i].rss);
		for (j = 0; j < d->node[i].ngpu; j++) {
			series_free(&d->node[i].gpu[j].util);
			series_free(&d->node[i].gpu[j].mem);
			series_free(&d->node[i].gpu[j].power);
		}
	}
	free(d->node);
	memset(d, 0, sizeof(*d));
}
