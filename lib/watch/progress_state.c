/* progress_state.c - the tracker saved as JSON and read back as hostile
 * input (see progress.h). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/jsonfile.h"
#include "watch/progress.h"
#include "util/text_utf8.h"

#define STATE_VERSION 1
#define STATE_MAX (4 << 20)
#define PATH_MAX_LEN 4096

static const char *const src_key[EXL_SRC_COUNT] = { "stdout", "stderr",
						     "metrics" };
static const char *const series_key[2][EXL_SET_COUNT] = {
	{ "train_text", "train_metrics" }, { "val_text", "val_metrics" }
};

/* ---- writing ------------------------------------------------------- */

struct writer {
	int failed;		/* an allocation failed */
};

/* put: add v under key, noting a failed allocation. */
static void put(struct writer *w, json_object *o, const char *key,
		json_object *v)
{
	if (!v || !o || json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		w->failed = 1;
	}
}

static void put_int(struct writer *w, json_object *o, const char *key,
		    long long v)
{
	put(w, o, key, json_object_new_int64(v));
}

static void push(struct writer *w, json_object *a, json_object *v)
{
	if (!v || !a || json_object_array_add(a, v) != 0) {
		json_object_put(v);
		w->failed = 1;
	}
}

static json_object *series_json(struct writer *w,
				const struct exl_loss_series *s)
{
	json_object *o = json_object_new_object(), *pts, *pt;
	size_t i;

	put_int(w, o, "count", (long long)s->count);
	put_int(w, o, "stride", (long long)s->stride);
	put(w, o, "tail", json_object_new_boolean(s->tail));
	put_int(w, o, "nonfinite", (long long)s->nonfinite);
	put_int(w, o, "nonfinite_step", s->nonfinite_step);
	pts = json_object_new_array();
	for (i = 0; pts && i < s->n; i++) {
		pt = json_object_new_array();
		push(w, pt, json_object_new_int64(s->pts[i].step));
		push(w, pt, json_object_new_double(s->pts[i].value));
		push(w, pts, pt);
	}
	put(w, o, "points", pts);
	return o;
}

static json_object *src_json(struct writer *w, const struct exl_progress_src *s)
{
	json_object *o = json_object_new_object();
	char hex[2 * sizeof(s->head) + 1];
	size_t i;

	for (i = 0; i < s->head_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", s->head[i]);
	hex[2 * s->head_len] = '\0';
	put(w, o, "path", json_object_new_string(s->path));
	put_int(w, o, "dev", (long long)s->dev);
	put_int(w, o, "ino", (long long)s->ino);
	put_int(w, o, "offset", s->offset);
	put(w, o, "skipping", json_object_new_boolean(s->skipping));
	put(w, o, "head", json_object_new_string(hex));
	put_int(w, o, "lines", (long long)s->lines);
	put_int(w, o, "matched", (long long)s->matched);
	put_int(w, o, "long_lines", (long long)s->long_lines);
	if (s->have_step)
		put_int(w, o, "step", s->step);
	put(w, o, "in_traceback", json_object_new_boolean(s->in_traceback));
	put_int(w, o, "tb_lines", s->tb_lines);
	put(w, o, "tb_prefix", json_object_new_string(s->tb_prefix));
	return o;
}

static json_object *error_json(struct writer *w,
			       const struct exl_progress_error *e)
{
	json_object *o = json_object_new_object();

	put(w, o, "text", json_object_new_string(e->text));
	put(w, o, "source", json_object_new_string(exl_progress_src_name(e->src)));
	put(w, o, "kind", json_object_new_string(
		    e->kind == EXL_ERR_TRACEBACK ? "traceback" : "match"));
	put_int(w, o, "count", (long long)e->count);
	put_int(w, o, "first_seen", (long long)e->first_seen);
	return o;
}

json_object *exl_progress_to_json(const struct exl_progress *p)
{
	json_object *o = json_object_new_object(), *sub, *arr;
	struct writer w = { 0 };
	size_t i, k;

	put_int(&w, o, "version", STATE_VERSION);
	put_int(&w, o, "started", (long long)p->started);
	put_int(&w, o, "last_progress", (long long)p->last_progress);
	put_int(&w, o, "last_output", (long long)p->last_output);
	if (p->have_step)
		put_int(&w, o, "last_step", p->last_step);
	sub = json_object_new_object();
	for (i = 0; i < EXL_SET_COUNT; i++) {
		put(&w, sub, series_key[0][i], series_json(&w, &p->train[i]));
		put(&w, sub, series_key[1][i], series_json(&w, &p->val[i]));
	}
	put(&w, o, "series", sub);
	sub = json_object_new_object();
	for (k = 0; k < EXL_SRC_COUNT; k++)
		if (p->src[k].path)
			put(&w, sub, src_key[k], src_json(&w, &p->src[k]));
	put(&w, o, "sources", sub);
	arr = json_object_new_array();
	for (i = 0; i < p->n_errors; i++)
		push(&w, arr, error_json(&w, &p->errors[i]));
	put(&w, o, "errors", arr);
	put_int(&w, o, "errors_dropped", (long long)p->errors_dropped);
	put_int(&w, o, "errors_reported", (long long)p->errors_reported);
	put_int(&w, o, "dropped_reported", (long long)p->dropped_reported);
	put_int(&w, o, "status_time", (long long)p->status_time);
	if (p->status_have_step)
		put_int(&w, o, "status_step", p->status_step);
	if (w.failed) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* ---- reading ------------------------------------------------------- */

struct reader {
	struct exl_err *err;
	int bad;		/* something was refused: stop using the data */
};

static void __attribute__((format(printf, 2, 3)))
refuse(struct reader *r, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (r->bad++)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	exl_errf(r->err, "progress state: %s", msg);
}

/* field: o[key] of type t; NULL when absent (or refused as mistyped). */
static json_object *field(struct reader *r, json_object *o, const char *key,
			  json_type t)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	if (!json_object_is_type(v, t)) {
		refuse(r, "\"%s\" has the wrong type", key);
		return NULL;
	}
	return v;
}

static long long get_int(struct reader *r, json_object *o, const char *key,
			 long long min, long long max, long long dflt)
{
	json_object *v = field(r, o, key, json_type_int);
	long long x;

	if (!v)
		return dflt;
	x = json_object_get_int64(v);
	if (x < min || x > max) {
		refuse(r, "\"%s\" out of range (%lld)", key, x);
		return dflt;
	}
	return x;
}

static int get_bool(struct reader *r, json_object *o, const char *key)
{
	json_object *v = field(r, o, key, json_type_boolean);

	return v ? json_object_get_boolean(v) : 0;
}

/* get_str: a string without NUL bytes of at most max bytes, or NULL. */
static const char *get_str(struct reader *r, json_object *o, const char *key,
			   size_t max)
{
	json_object *v = field(r, o, key, json_type_string);
	const char *s;
	size_t n;

	if (!v)
		return NULL;
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	if (strlen(s) != n || n > max) {
		refuse(r, "\"%s\" is too long or holds a NUL byte", key);
		return NULL;
	}
	return s;
}

static void read_point(struct reader *r, json_object *pt,
		       struct exl_loss_point *out)
{
	json_object *a, *b;

	if (!json_object_is_type(pt, json_type_array) ||
	    json_object_array_length(pt) != 2) {
		refuse(r, "a series point is not [step, value]");
		return;
	}
	a = json_object_array_get_idx(pt, 0);
	b = json_object_array_get_idx(pt, 1);
	if (!json_object_is_type(a, json_type_int) ||
	    json_object_get_int64(a) < -1 ||
	    !(json_object_is_type(b, json_type_double) ||
	      json_object_is_type(b, json_type_int)) ||
	    !isfinite(json_object_get_double(b))) {
		refuse(r, "a series point is not [step, value]");
		return;
	}
	out->step = json_object_get_int64(a);
	out->value = json_object_get_double(b);
}

static void read_series(struct reader *r, json_object *o,
			struct exl_loss_series *s)
{
	json_object *pts = field(r, o, "points", json_type_array);
	size_t n = pts ? json_object_array_length(pts) : 0, i;

	if (!o)
		return;
	s->count = (unsigned long long)get_int(r, o, "count", 0, LLONG_MAX, 0);
	s->stride = (unsigned long long)get_int(r, o, "stride", 1, 1LL << 62, 1);
	s->tail = get_bool(r, o, "tail");
	s->nonfinite = (unsigned long long)get_int(r, o, "nonfinite", 0,
						   LLONG_MAX, 0);
	s->nonfinite_step = get_int(r, o, "nonfinite_step", -1, LLONG_MAX, -1);
	if (n > EXL_SERIES_MAX + 1) {
		refuse(r, "a series has %zu points", n);
		return;
	}
	for (i = 0; i < n && !r->bad; i++)
		read_point(r, json_object_array_get_idx(pts, i), &s->pts[i]);
	s->n = n;
	if (!r->bad && exl_series_check(s) < 0)
		refuse(r, "a series is inconsistent");
}

static int unhex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void read_src(struct reader *r, json_object *o,
		     struct exl_progress_src *s)
{
	const char *path = get_str(r, o, "path", PATH_MAX_LEN);
	const char *head = get_str(r, o, "head", 2 * sizeof(s->head));
	const char *pre = get_str(r, o, "tb_prefix", sizeof(s->tb_prefix) - 1);
	size_t i, n = head ? strlen(head) : 0;

	if (!o)
		return;
	if (!path || !*path) {
		refuse(r, "a source has no path");
		return;
	}
	s->path = strdup(path);
	if (!s->path) {
		refuse(r, "out of memory");
		return;
	}
	s->dev = (unsigned long long)get_int(r, o, "dev", LLONG_MIN, LLONG_MAX, 0);
	s->ino = (unsigned long long)get_int(r, o, "ino", LLONG_MIN, LLONG_MAX, 0);
	s->offset = get_int(r, o, "offset", 0, LLONG_MAX, 0);
	s->skipping = get_bool(r, o, "skipping");
	if (n % 2)
		refuse(r, "bad head bytes");
	for (i = 0; i + 1 < n; i += 2) {
		if (unhex(head[i]) < 0 || unhex(head[i + 1]) < 0) {
			refuse(r, "bad head bytes");
			break;
		}
		s->head[i / 2] = (unsigned char)(unhex(head[i]) * 16 +
						 unhex(head[i + 1]));
	}
	s->head_len = n / 2;
	s->lines = (unsigned long long)get_int(r, o, "lines", 0, LLONG_MAX, 0);
	s->matched = (unsigned long long)get_int(r, o, "matched", 0, LLONG_MAX, 0);
	s->long_lines = (unsigned long long)get_int(r, o, "long_lines", 0,
						    LLONG_MAX, 0);
	s->have_step = exl_json_has(o, "step");
	s->step = get_int(r, o, "step", 0, LLONG_MAX, 0);
	s->in_traceback = get_bool(r, o, "in_traceback");
	s->tb_lines = (unsigned int)get_int(r, o, "tb_lines", 0, 1000000, 0);
	snprintf(s->tb_prefix, sizeof(s->tb_prefix), "%s", pre ? pre : "");
}

static void read_error(struct reader *r, json_object *o,
		       struct exl_progress_error *e)
{
	const char *text = get_str(r, o, "text", EXL_ERROR_TEXT - 1);
	const char *src = get_str(r, o, "source", 32);
	const char *kind = get_str(r, o, "kind", 32);
	int k;

	if (!json_object_is_type(o, json_type_object) || !text || !*text ||
	    !src || !kind) {
		refuse(r, "an error entry lacks text, source or kind");
		return;
	}
	exl_utf8_cut(text, e->text, sizeof(e->text), sizeof(e->text) - 1);
	for (k = 0; k < EXL_SRC_COUNT; k++)
		if (strcmp(src, exl_progress_src_name((enum exl_src_kind)k)) == 0)
			break;
	if (k == EXL_SRC_COUNT || (strcmp(kind, "match") != 0 &&
				   strcmp(kind, "traceback") != 0)) {
		refuse(r, "an error entry has an unknown source or kind");
		return;
	}
	e->src = (enum exl_src_kind)k;
	e->kind = strcmp(kind, "match") ? EXL_ERR_TRACEBACK : EXL_ERR_MATCH;
	e->count = (unsigned long long)get_int(r, o, "count", 1, LLONG_MAX, 1);
	e->first_seen = (time_t)get_int(r, o, "first_seen", 0, LLONG_MAX, 0);
}

static void read_all(struct reader *r, json_object *o, struct exl_progress *p)
{
	json_object *series = field(r, o, "series", json_type_object);
	json_object *srcs = field(r, o, "sources", json_type_object);
	json_object *errs = field(r, o, "errors", json_type_array);
	size_t n = errs ? json_object_array_length(errs) : 0, i;

	p->started = (time_t)get_int(r, o, "started", 0, LLONG_MAX, 0);
	p->last_progress = (time_t)get_int(r, o, "last_progress", 0, LLONG_MAX, 0);
	p->last_output = (time_t)get_int(r, o, "last_output", 0, LLONG_MAX, 0);
	p->have_step = exl_json_has(o, "last_step");
	p->last_step = get_int(r, o, "last_step", 0, LLONG_MAX, 0);
	for (i = 0; i < EXL_SET_COUNT; i++) {
		read_series(r, field(r, series, series_key[0][i],
				     json_type_object), &p->train[i]);
		read_series(r, field(r, series, series_key[1][i],
				     json_type_object), &p->val[i]);
	}
	for (i = 0; i < EXL_SRC_COUNT && !r->bad; i++)
		read_src(r, field(r, srcs, src_key[i], json_type_object),
			 &p->src[i]);
	if (n > EXL_PROGRESS_MAX_ERRORS)
		refuse(r, "%zu error entries", n);
	for (i = 0; i < n && !r->bad; i++)
		read_error(r, json_object_array_get_idx(errs, i), &p->errors[i]);
	p->n_errors = r->bad ? 0 : n;
	p->errors_dropped = (unsigned long long)get_int(r, o, "errors_dropped",
							0, LLONG_MAX, 0);
	p->errors_reported = (size_t)get_int(r, o, "errors_reported", 0,
					     (long long)p->n_errors, 0);
	p->dropped_reported = (unsigned long long)get_int(r, o,
				"dropped_reported", 0,
				(long long)p->errors_dropped, 0);
	p->status_time = (time_t)get_int(r, o, "status_time", 0, LLONG_MAX, 0);
	p->status_have_step = exl_json_has(o, "status_step");
	p->status_step = get_int(r, o, "status_step", 0, LLONG_MAX, 0);
}

int exl_progress_from_json(struct exl_progress *p, json_object *o,
			   struct exl_err *err)
{
	struct reader r = { err, 0 };

	exl_progress_free(p);
	if (!o || !json_object_is_type(o, json_type_object))
		return exl_errf(err, "progress state: not a JSON object");
	if (get_int(&r, o, "version", 0, INT_MAX, 0) != STATE_VERSION) {
		refuse(&r, "unsupported version");
		return -1;
	}
	read_all(&r, o, p);
	if (r.bad) {
		exl_progress_free(p);
		return -1;
	}
	return 0;
}

int exl_progress_save(const struct exl_progress *p, const char *path,
		      struct exl_err *err)
{
	json_object *o = exl_progress_to_json(p);
	int rc;

	if (!o)
		return exl_errnof(err, ENOMEM, "couldn't save %s", path);
	/* rewritten every tick, and a run whose state is lost starts its
	 * series afresh (exl_progress_load): not synced */
	rc = exl_json_write_replace(path, o, err);
	json_object_put(o);
	return rc;
}

int exl_progress_load(struct exl_progress *p, const char *path,
		      struct exl_err *err)
{
	struct stat st;
	json_object *o;
	int rc;

	exl_progress_free(p);
	if (lstat(path, &st) < 0 && errno == ENOENT)
		return 1;
	o = exl_json_read(path, STATE_MAX, err);
	if (!o)
		return -1;
	rc = exl_progress_from_json(p, o, err);
	json_object_put(o);
	return rc;
}
