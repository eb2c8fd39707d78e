/* record_codec.c - the table-driven JSON codec of run.json's record
 * (record_codec.h), and the record's string and map helpers
 * (run_record.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runstore/record_codec.h"
#include "util/jsonfile.h"
#include "util/pairs.h"

#define AT RR_AT

/* ---- strings and maps ---- */

int exl_rr_str_set(char **dst, const char *v)
{
	char *c = v ? strdup(v) : NULL;

	if (v && !c)
		return -1;
	free(*dst);
	*dst = c;
	return 0;
}

static long map_find(const struct exl_rr_map *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->key[i], key) == 0)
			return (long)i;
	return -1;
}

const char *exl_rr_map_get(const struct exl_rr_map *m, const char *key)
{
	long i = m ? map_find(m, key) : -1;

	return i < 0 ? NULL : m->val[i];
}

int exl_rr_map_set(struct exl_rr_map *m, const char *key, const char *val)
{
	long i = map_find(m, key);
	char **k, **v, *kc, *vc;

	m->present = 1;
	if (i >= 0)
		return exl_rr_str_set(&m->val[i], val ? val : "");
	kc = strdup(key);
	vc = strdup(val ? val : "");
	k = kc && vc ? realloc(m->key, (m->n + 1) * sizeof(*k)) : NULL;
	if (k)
		m->key = k;
	v = k ? realloc(m->val, (m->n + 1) * sizeof(*v)) : NULL;
	if (!v) {
		free(kc);
		free(vc);
		return -1;
	}
	m->val = v;
	m->key[m->n] = kc;
	m->val[m->n++] = vc;
	return 0;
}

/* map_pair: one statepoint into the map. */
static int map_pair(void *arg, const char *key, const char *val)
{
	return exl_rr_map_set(arg, key, val);
}

int exl_rr_map_from_pairs(struct exl_rr_map *m, const char *pairs)
{
	m->present = 1;
	return exl_pairs_each(pairs, map_pair, m) != 0 ? -1 : 0;
}

void exl_rr_map_free(struct exl_rr_map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->key[i]);
		free(m->val[i]);
	}
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

/* ---- freeing ---- */

static void list_free(const struct rr_kind *k, struct exl_rr_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		rr_free(k, l->v[i]);
		free(l->v[i]);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* rr_free: what one record of kind k holds (not the record itself). */
void rr_free(const struct rr_kind *k, void *base)
{
	size_t i;

	for (i = 0; i < k->nf; i++) {
		const struct rr_field *f = &k->f[i];

		switch (f->type) {
		case T_STR:
			free(*AT(base, f->off, char *));
			break;
		case T_MAP:
			exl_rr_map_free(AT(base, f->off, struct exl_rr_map));
			break;
		case T_OBJ:
			rr_free(f->sub, AT(base, f->off, char));
			break;
		case T_LIST:
		case T_NAMED:
			list_free(f->sub, AT(base, f->off, struct exl_rr_list));
			break;
		case T_RAW:
			json_object_put(*AT(base, f->off, json_object *));
			break;
		default:
			break;
		}
	}
	if (k->name >= 0)
		free(*AT(base, (size_t)k->name, char *));
	json_object_put(*AT(base, k->extra, json_object *));
	memset(base, 0, k->size);
}

/* ---- decoding ---- */

struct dec {
	const char *what;	/* the file, for errors */
	struct exl_err *err;
};

static const char *type_name(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_boolean:
		return "a boolean";
	case json_type_double:
		return "a fraction";
	case json_type_int:
		return "an integer";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	default:
		return "null";
	}
}

/* refuse: the one-line error for a value of the wrong type at where. */
static int refuse(const struct dec *d, const char *where, const char *want,
		  json_object *v)
{
	return exl_errf(d->err, "%s: %s: expected %s, found %s: correct the "
			"value or remove the key (a hand edit?)", d->what, where,
			want, type_name(v));
}

static int oom(const struct dec *d)
{
	return exl_errnof(d->err, ENOMEM, "couldn't read %s", d->what);
}

static int rec_decode(const struct dec *d, const struct rr_kind *k,
		      void *base, json_object *o, const char *where);

/* Longest key path named in an error ("jobs[2].start"). */
#define AT_MAX 512

/* at_key: the path of key below where (a long one cut short). */
static void at_key(char *at, const char *where, const char *key)
{
	int n = snprintf(at, AT_MAX, "%s%s%s", where, *where ? "." : "", key);

	if (n < 0)
		at[0] = '\0';
}

/* at_index: the path of the i-th element of the array at where. */
static void at_index(char *at, const char *where, size_t i)
{
	int n = snprintf(at, AT_MAX, "%s[%zu]", where, i);

	if (n < 0)
		at[0] = '\0';
}

void *rr_list_add(const struct rr_kind *k, struct exl_rr_list *l)
{
	void **v = realloc(l->v, (l->n + 1) * sizeof(*v));
	void *e;

	if (!v)
		return NULL;
	l->v = v;
	if (!(e = calloc(1, k->size)))
		return NULL;
	l->present = 1;
	l->v[l->n++] = e;
	return e;
}

static int decode_map(const struct dec *d, struct exl_rr_map *m,
		      json_object *v, const char *where)
{
	char at[AT_MAX];

	m->present = 1;
	json_object_object_foreach(v, key, val) {
		if (!val)
			continue;
		if (!json_object_is_type(val, json_type_string)) {
			at_key(at, where, key);
			return refuse(d, at, "a string", val);
		}
		if (exl_rr_map_set(m, key, json_object_get_string(val)) < 0)
			return oom(d);
	}
	return 0;
}

static int decode_list(const struct dec *d, const struct rr_field *f,
		       struct exl_rr_list *l, json_object *v, const char *where)
{
	char at[AT_MAX];
	size_t i, n = json_object_array_length(v);

	l->present = 1;
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(v, i);
		void *rec;

		at_index(at, where, i);
		if (!json_object_is_type(e, json_type_object))
			return refuse(d, at, "an object", e);
		if (!(rec = rr_list_add(f->sub, l)))
			return oom(d);
		if (rec_decode(d, f->sub, rec, e, at) < 0)
			return -1;
	}
	return 0;
}

static int decode_named(const struct dec *d, const struct rr_field *f,
			struct exl_rr_list *l, json_object *v,
			const char *where)
{
	char at[AT_MAX];

	l->present = 1;
	json_object_object_foreach(v, key, val) {
		void *rec;

		at_key(at, where, key);
		if (!json_object_is_type(val, json_type_object))
			return refuse(d, at, "an object", val);
		if (!(rec = rr_list_add(f->sub, l)) ||
		    exl_rr_str_set(AT(rec, (size_t)f->sub->name, char *), key) < 0)
			return oom(d);
		if (rec_decode(d, f->sub, rec, val, at) < 0)
			return -1;
	}
	return 0;
}

/* decode_field: v (not null) into the field f of base. */
static int decode_field(const struct dec *d, const struct rr_field *f,
			void *base, json_object *v, const char *where)
{
	void *p = AT(base, f->off, char);

	switch (f->type) {
	case T_STR:
		if (!json_object_is_type(v, json_type_string))
			return refuse(d, where, "a string", v);
		return exl_rr_str_set(p, json_object_get_string(v)) < 0 ?
		       oom(d) : 0;
	case T_INT:
		if (!json_object_is_type(v, json_type_int))
			return refuse(d, where, "an integer", v);
		exl_rr_int_set(p, (long long)json_object_get_int64(v));
		return 0;
	case T_NUM:
		if (!json_object_is_type(v, json_type_double) &&
		    !json_object_is_type(v, json_type_int))
			return refuse(d, where, "a number", v);
		((struct exl_rr_num *)p)->set = 1;
		((struct exl_rr_num *)p)->v = json_object_get_double(v);
		return 0;
	case T_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return refuse(d, where, "true or false", v);
		((struct exl_rr_bool *)p)->set = 1;
		((struct exl_rr_bool *)p)->v = json_object_get_boolean(v);
		return 0;
	case T_RAW:
		if (!json_object_is_type(v, json_type_object))
			return refuse(d, where, "an object", v);
		json_object_put(*(json_object **)p);
		*(json_object **)p = json_object_get(v);
		return 0;
	default:
		break;
	}
	if (!json_object_is_type(v, f->type == T_LIST ? json_type_array :
				 json_type_object))
		return refuse(d, where, f->type == T_LIST ? "an array" :
			      "an object", v);
	if (f->type == T_MAP)
		return decode_map(d, p, v, where);
	if (f->type == T_LIST)
		return decode_list(d, f, p, v, where);
	if (f->type == T_NAMED)
		return decode_named(d, f, p, v, where);
	return rec_decode(d, f->sub, p, v, where);
}

static const struct rr_field *field_of(const struct rr_kind *k,
				       const char *key)
{
	size_t i;

	for (i = 0; i < k->nf; i++)
		if (strcmp(k->f[i].key, key) == 0)
			return &k->f[i];
	return NULL;
}

/* rec_decode: the object o into a record of kind k; unknown keys go to
 * its extra object as they are. */
static int rec_decode(const struct dec *d, const struct rr_kind *k,
		      void *base, json_object *o, const char *where)
{
	json_object **extra = AT(base, k->extra, json_object *);
	char at[AT_MAX];

	if (k->present >= 0)
		*AT(base, (size_t)k->present, int) = 1;
	json_object_object_foreach(o, key, val) {
		const struct rr_field *f = field_of(k, key);

		if (!f) {
			if (!*extra && !(*extra = json_object_new_object()))
				return oom(d);
			if (json_object_object_add(*extra, key,
						   json_object_get(val)) < 0)
				return oom(d);
			continue;
		}
		if (!val)
			continue;	/* null: unset */
		at_key(at, where, key);
		if (decode_field(d, f, base, val, at) < 0)
			return -1;
	}
	return 0;
}

int rr_decode(const struct rr_kind *k, void *base, json_object *o,
	      const char *what, struct exl_err *err)
{
	struct dec d = { what, err };

	return rec_decode(&d, k, base, o, "");
}

/* ---- encoding ---- */


static int put(json_object *o, const char *key, json_object *v)
{
	if (!v)
		return -1;
	if (json_object_object_add(o, key, v) < 0) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

static json_object *map_encode(const struct exl_rr_map *m)
{
	json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; o && i < m->n; i++)
		if (put(o, m->key[i], json_object_new_string(m->val[i])) < 0) {
			json_object_put(o);
			return NULL;
		}
	return o;
}

static json_object *list_encode(const struct rr_field *f,
				const struct exl_rr_list *l)
{
	json_object *o = f->type == T_LIST ? json_object_new_array() :
					    json_object_new_object();
	size_t i;
	int rc = 0;

	for (i = 0; o && rc == 0 && i < l->n; i++) {
		json_object *e = rr_encode(f->sub, l->v[i]);

		if (f->type == T_NAMED)
			rc = put(o, *AT(l->v[i], (size_t)f->sub->name, char *), e);
		else if (!e || json_object_array_add(o, e) < 0) {
			json_object_put(e);
			rc = -1;
		}
	}
	if (rc < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* field_encode: the JSON of field f of base; *skip when it is unset. */
static json_object *field_encode(const struct rr_field *f, const void *base,
				 int *skip)
{
	const void *p = (const char *)base + f->off;
	const struct exl_rr_int *i = p;
	const struct exl_rr_num *x = p;
	const struct exl_rr_bool *b = p;
	const struct exl_rr_map *m = p;
	const struct exl_rr_list *l = p;
	const char *s = *(char *const *)p;
	json_object *raw = *(json_object *const *)p;

	*skip = 0;
	switch (f->type) {
	case T_STR:
		*skip = !s;
		return s ? json_object_new_string(s) : NULL;
	case T_INT:
		*skip = !i->set;
		return i->set ? json_object_new_int64(i->v) : NULL;
	case T_NUM:
		*skip = !x->set;
		return x->set ? json_object_new_double(x->v) : NULL;
	case T_BOOL:
		*skip = !b->set;
		return b->set ? json_object_new_boolean(b->v) : NULL;
	case T_MAP:
		*skip = !m->present && !m->n;
		return *skip ? NULL : map_encode(m);
	case T_LIST:
	case T_NAMED:
		*skip = !l->present && !l->n;
		return *skip ? NULL : list_encode(f, l);
	case T_RAW:
		*skip = !raw;
		return raw ? json_object_get(raw) : NULL;
	case T_OBJ:
		*skip = !*(const int *)((const char *)p +
					(size_t)f->sub->present);
		return *skip ? NULL : rr_encode(f->sub, p);
	}
	return NULL;
}

/* rr_encode: the known keys of a record in table order, then the kept
 * unknown ones in the order they were read.  NULL: out of memory. */
json_object *rr_encode(const struct rr_kind *k, const void *base)
{
	json_object *o = json_object_new_object();
	json_object *extra = *(json_object *const *)((const char *)base +
						     k->extra);
	size_t i;
	int skip;

	for (i = 0; o && i < k->nf; i++) {
		json_object *v = field_encode(&k->f[i], base, &skip);

		if (!skip && put(o, k->f[i].key, v) < 0)
			goto fail;
	}
	if (o && extra) {
		json_object_object_foreach(extra, key, val) {
			if (json_object_object_add(o, key, json_object_get(val)) < 0) {
				json_object_put(val);
				goto fail;
			}
		}
	}
	return o;
fail:
	json_object_put(o);
	return NULL;
}

/* ---- rewriting strings ---- */

struct remap {
	char *(*fn)(const char *s, void *arg);
	void *arg;
};

static int remap_str(const struct remap *m, char **s)
{
	char *n;

	if (!*s || !(n = m->fn(*s, m->arg)))
		return 0;
	free(*s);
	*s = n;
	return 0;
}

/* remap_json: the string values in a kept JSON value (bounded depth). */
static int remap_json(const struct remap *m, json_object *o, int depth)
{
	size_t i, n;

	if (depth > EXL_JSON_MAX_DEPTH)
		return 0;
	if (json_object_is_type(o, json_type_array)) {
		n = json_object_array_length(o);
		for (i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(o, i), *nv;
			char *ns;

			if (!json_object_is_type(e, json_type_string)) {
				if (remap_json(m, e, depth + 1) < 0)
					return -1;
				continue;
			}
			if (!(ns = m->fn(json_object_get_string(e), m->arg)))
				continue;
			nv = json_object_new_string(ns);
			free(ns);
			if (!nv || json_object_array_put_idx(o, i, nv) < 0) {
				json_object_put(nv);
				return -1;
			}
		}
		return 0;
	}
	if (!json_object_is_type(o, json_type_object))
		return 0;
	json_object_object_foreach(o, key, val) {
		char *ns;
		json_object *nv;

		if (!json_object_is_type(val, json_type_string)) {
			if (remap_json(m, val, depth + 1) < 0)
				return -1;
			continue;
		}
		if (!(ns = m->fn(json_object_get_string(val), m->arg)))
			continue;
		nv = json_object_new_string(ns);
		free(ns);
		if (put(o, key, nv) < 0)
			return -1;
	}
	return 0;
}

static int rec_remap(const struct remap *m, const struct rr_kind *k,
		     void *base)
{
	size_t i, j;

	for (i = 0; i < k->nf; i++) {
		const struct rr_field *f = &k->f[i];
		struct exl_rr_map *mp = AT(base, f->off, struct exl_rr_map);
		struct exl_rr_list *l = AT(base, f->off, struct exl_rr_list);
		int rc = 0;

		if (f->type == T_STR)
			rc = remap_str(m, AT(base, f->off, char *));
		else if (f->type == T_MAP)
			for (j = 0; j < mp->n && rc == 0; j++)
				rc = remap_str(m, &mp->val[j]);
		else if (f->type == T_OBJ)
			rc = rec_remap(m, f->sub, AT(base, f->off, char));
		else if (f->type == T_LIST || f->type == T_NAMED)
			for (j = 0; j < l->n && rc == 0; j++)
				rc = rec_remap(m, f->sub, l->v[j]);
		else if (f->type == T_RAW)
			rc = remap_json(m, *AT(base, f->off, json_object *), 0);
		if (rc < 0)
			return -1;
	}
	return remap_json(m, *AT(base, k->extra, json_object *), 0);
}

int rr_remap(const struct rr_kind *k, void *base,
	     char *(*fn)(const char *s, void *arg), void *arg)
{
	struct remap m = { fn, arg };

	return rec_remap(&m, k, base);
}
