/* run_record.c - run.json's codec (run_record.h).  One table per JSON
 * object names its keys, their types and where they live in the struct;
 * a generic decoder, encoder and destructor walk the tables. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runstore/layout.h"
#include "runstore/run_record.h"
#include "util/fileio.h"
#include "util/jsonfile.h"

enum rr_type {
	T_STR,		/* char * */
	T_INT,		/* struct exl_rr_int */
	T_NUM,		/* struct exl_rr_num */
	T_BOOL,		/* struct exl_rr_bool */
	T_MAP,		/* struct exl_rr_map */
	T_OBJ,		/* an embedded struct of kind sub */
	T_LIST,		/* struct exl_rr_list: a JSON array of sub */
	T_NAMED,	/* struct exl_rr_list: a JSON object of sub by name */
	T_RAW,		/* json_object *, an object kept as is */
};

struct rr_kind;

struct rr_field {
	const char *key;
	enum rr_type type;
	size_t off;
	const struct rr_kind *sub;
};

struct rr_kind {
	const struct rr_field *f;
	size_t nf;
	size_t size;		/* one record of this kind */
	long present;		/* offset of its int present, -1: none */
	size_t extra;		/* offset of its json_object *extra */
	long name;		/* T_NAMED records: offset of char *name */
};

#define OFF(st, m) offsetof(struct st, m)
#define NF(a) (sizeof(a) / sizeof((a)[0]))

static const struct rr_field config_f[] = {
	{ "path", T_STR, OFF(exl_run_config, path), NULL },
	{ "sha256", T_STR, OFF(exl_run_config, sha256), NULL },
	{ "snapshot", T_STR, OFF(exl_run_config, snapshot), NULL },
	{ "error", T_STR, OFF(exl_run_config, error), NULL },
};

static const struct rr_kind config_k = {
	config_f, NF(config_f), sizeof(struct exl_run_config),
	OFF(exl_run_config, present), OFF(exl_run_config, extra), -1
};

static const struct rr_field dataset_f[] = {
	{ "given", T_STR, OFF(exl_run_dataset, given), NULL },
	{ "path", T_STR, OFF(exl_run_dataset, path), NULL },
	{ "exists", T_BOOL, OFF(exl_run_dataset, exists), NULL },
	{ "bytes", T_INT, OFF(exl_run_dataset, bytes), NULL },
	{ "files", T_INT, OFF(exl_run_dataset, files), NULL },
	{ "mtime", T_INT, OFF(exl_run_dataset, mtime), NULL },
	{ "sha256", T_STR, OFF(exl_run_dataset, sha256), NULL },
	{ "error", T_STR, OFF(exl_run_dataset, error), NULL },
};

static const struct rr_kind dataset_k = {
	dataset_f, NF(dataset_f), sizeof(struct exl_run_dataset),
	OFF(exl_run_dataset, present), OFF(exl_run_dataset, extra), -1
};

static const struct rr_field git_f[] = {
	{ "repo", T_STR, OFF(exl_run_git, repo), NULL },
	{ "branch", T_STR, OFF(exl_run_git, branch), NULL },
	{ "commit", T_STR, OFF(exl_run_git, commit), NULL },
	{ "dirty", T_BOOL, OFF(exl_run_git, dirty), NULL },
	{ "error", T_STR, OFF(exl_run_git, error), NULL },
	{ "diffstat", T_STR, OFF(exl_run_git, diffstat), NULL },
	{ "patch", T_STR, OFF(exl_run_git, patch), NULL },
	{ "patch_sha256", T_STR, OFF(exl_run_git, patch_sha256), NULL },
};

static const struct rr_kind git_k = {
	git_f, NF(git_f), sizeof(struct exl_run_git),
	OFF(exl_run_git, present), OFF(exl_run_git, extra), -1
};

static const struct rr_field tcost_f[] = {
	{ "price_per_gpu_hour", T_NUM, OFF(exl_run_tcost, price_per_gpu_hour), NULL },
	{ "currency", T_STR, OFF(exl_run_tcost, currency), NULL },
};

static const struct rr_kind tcost_k = {
	tcost_f, NF(tcost_f), sizeof(struct exl_run_tcost),
	OFF(exl_run_tcost, present), OFF(exl_run_tcost, extra), -1
};

static const struct rr_field job_f[] = {
	{ "job_id", T_STR, OFF(exl_run_job, job_id), NULL },
	{ "array_task", T_STR, OFF(exl_run_job, array_task), NULL },
	{ "restart_count", T_INT, OFF(exl_run_job, restart_count), NULL },
	{ "submitted", T_INT, OFF(exl_run_job, submitted), NULL },
	{ "start", T_INT, OFF(exl_run_job, start), NULL },
	{ "nodes", T_STR, OFF(exl_run_job, nodes), NULL },
	{ "nnodes", T_INT, OFF(exl_run_job, nnodes), NULL },
	{ "partition", T_STR, OFF(exl_run_job, partition), NULL },
	{ "time_limit_min", T_INT, OFF(exl_run_job, time_limit_min), NULL },
	{ "signal", T_STR, OFF(exl_run_job, signal), NULL },
	{ "batch_host", T_STR, OFF(exl_run_job, batch_host), NULL },
	{ "exit_status", T_INT, OFF(exl_run_job, exit_status), NULL },
	{ "exit", T_STR, OFF(exl_run_job, exit), NULL },
	{ "sched_state", T_STR, OFF(exl_run_job, sched_state), NULL },
	{ "end", T_INT, OFF(exl_run_job, end), NULL },
	{ "ended_by", T_STR, OFF(exl_run_job, ended_by), NULL },
	{ "verdict", T_STR, OFF(exl_run_job, verdict), NULL },
	{ "signal_note", T_STR, OFF(exl_run_job, signal_note), NULL },
	{ "tracker_error", T_STR, OFF(exl_run_job, tracker_error), NULL },
	{ "wandb_finalized", T_INT, OFF(exl_run_job, wandb_finalized), NULL },
	{ "telemetry", T_RAW, OFF(exl_run_job, telemetry), NULL },
};

static const struct rr_kind job_k = {
	job_f, NF(job_f), sizeof(struct exl_run_job), -1,
	OFF(exl_run_job, extra), -1
};

static const struct rr_field env_f[] = {
	{ "path", T_STR, OFF(exl_run_env, path), NULL },
	{ "sha256", T_STR, OFF(exl_run_env, sha256), NULL },
	{ "wait_status", T_INT, OFF(exl_run_env, wait_status), NULL },
	{ "timed_out", T_BOOL, OFF(exl_run_env, timed_out), NULL },
};

static const struct rr_kind env_k = {
	env_f, NF(env_f), sizeof(struct exl_run_env), -1,
	OFF(exl_run_env, extra), OFF(exl_run_env, name)
};

static const struct rr_field run_f[] = {
	{ "schema", T_INT, OFF(exl_run_record, schema), NULL },
	{ "run_log", T_STR, OFF(exl_run_record, run_log), NULL },
	{ "state_dir", T_STR, OFF(exl_run_record, state_dir), NULL },
	{ "group", T_STR, OFF(exl_run_record, group), NULL },
	{ "task", T_STR, OFF(exl_run_record, task), NULL },
	{ "run_type", T_STR, OFF(exl_run_record, run_type), NULL },
	{ "objective", T_STR, OFF(exl_run_record, objective), NULL },
	{ "script", T_STR, OFF(exl_run_record, script), NULL },
	{ "submit_dir", T_STR, OFF(exl_run_record, submit_dir), NULL },
	{ "user", T_STR, OFF(exl_run_record, user), NULL },
	{ "config", T_OBJ, OFF(exl_run_record, config), &config_k },
	{ "statepoints", T_MAP, OFF(exl_run_record, statepoints), NULL },
	{ "dataset", T_OBJ, OFF(exl_run_record, dataset), &dataset_k },
	{ "git", T_OBJ, OFF(exl_run_record, git), &git_k },
	{ "telemetry", T_OBJ, OFF(exl_run_record, telemetry), &tcost_k },
	{ "jobs", T_LIST, OFF(exl_run_record, jobs), &job_k },
	{ "owned", T_MAP, OFF(exl_run_record, owned), NULL },
	{ "environment", T_NAMED, OFF(exl_run_record, environment), &env_k },
	{ "facts", T_MAP, OFF(exl_run_record, facts), NULL },
	{ "experiments_status", T_STR, OFF(exl_run_record, experiments_status), NULL },
	{ "experiments_error", T_STR, OFF(exl_run_record, experiments_error), NULL },
};

static const struct rr_kind run_k = {
	run_f, NF(run_f), sizeof(struct exl_run_record), -1,
	OFF(exl_run_record, extra), -1
};

#define AT(base, off, type) ((type *)(void *)((char *)(base) + (off)))

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

int exl_rr_map_from_pairs(struct exl_rr_map *m, const char *pairs)
{
	char *copy = strdup(pairs), *save = NULL, *kv;
	int rc = copy ? 0 : -1;

	m->present = 1;
	for (kv = copy ? strtok_r(copy, ",", &save) : NULL; kv && rc == 0;
	     kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');

		if (!eq)
			continue;
		*eq = '\0';
		rc = exl_rr_map_set(m, kv, eq + 1);
	}
	free(copy);
	return rc;
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

static void rec_free(const struct rr_kind *k, void *base);

static void list_free(const struct rr_kind *k, struct exl_rr_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		rec_free(k, l->v[i]);
		free(l->v[i]);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* rec_free: what one record of kind k holds (not the record itself). */
static void rec_free(const struct rr_kind *k, void *base)
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
			rec_free(f->sub, AT(base, f->off, char));
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

void exl_run_record_free(struct exl_run_record *r)
{
	rec_free(&run_k, r);
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

/* list_add: a new zeroed record of kind k at the end of l. */
static void *list_add(const struct rr_kind *k, struct exl_rr_list *l)
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
		if (!(rec = list_add(f->sub, l)))
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
		if (!(rec = list_add(f->sub, l)) ||
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

int exl_run_record_parse(struct exl_run_record *r, const char *text,
			 size_t len, const char *what, struct exl_err *err)
{
	struct dec d = { what, err };
	json_object *o = exl_json_parse(text, len, what, err);
	int rc;

	memset(r, 0, sizeof(*r));
	if (!o)
		return -1;
	rc = rec_decode(&d, &run_k, r, o, "");
	json_object_put(o);
	if (rc < 0)
		exl_run_record_free(r);
	return rc;
}

/* ---- encoding ---- */

static json_object *rec_encode(const struct rr_kind *k, const void *base);

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
		json_object *e = rec_encode(f->sub, l->v[i]);

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
		return *skip ? NULL : rec_encode(f->sub, p);
	}
	return NULL;
}

/* rec_encode: the known keys of a record in table order, then the kept
 * unknown ones in the order they were read.  NULL: out of memory. */
static json_object *rec_encode(const struct rr_kind *k, const void *base)
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

char *exl_run_record_render(const struct exl_run_record *r, size_t *len)
{
	json_object *o = rec_encode(&run_k, r);
	const char *s;
	char *out = NULL;

	s = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					       JSON_C_TO_STRING_SPACED |
					       JSON_C_TO_STRING_NOSLASHESCAPE) :
		NULL;
	if (s && asprintf(&out, "%s\n", s) < 0)
		out = NULL;
	if (out && len)
		*len = strlen(out);
	json_object_put(o);
	return out;
}

/* ---- files ---- */

int exl_run_record_load(const char *state_dir, struct exl_run_record *r,
			struct exl_err *err)
{
	char *path = exl_layout_sidecar(state_dir), *text = NULL;
	size_t len;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!path)
		return exl_errnof(err, ENOMEM, "couldn't read run.json in %s",
				  state_dir);
	if (exl_read_file(path, EXL_RUN_RECORD_MAX, &text, &len, err) < 0) {
		int e = errno;

		free(path);
		errno = e;
		return e == ENOENT ? 1 : -1;
	}
	rc = exl_run_record_parse(r, text, len, path, err);
	free(text);
	free(path);
	return rc;
}

int exl_run_record_save(const char *state_dir, const struct exl_run_record *r,
			struct exl_err *err)
{
	char *path = exl_layout_sidecar(state_dir);
	json_object *o = path ? rec_encode(&run_k, r) : NULL;
	int rc;

	rc = o ? exl_json_write(path, o, err) :
		 exl_errnof(err, ENOMEM, "couldn't write run.json in %s",
			    state_dir);
	json_object_put(o);
	free(path);
	return rc;
}

void exl_run_record_remove(const char *state_dir)
{
	char *path = exl_layout_sidecar(state_dir);

	if (path)
		(void)unlink(path);
	free(path);
}

/* ---- jobs, environment ---- */

struct exl_run_job *exl_run_record_add_job(struct exl_run_record *r)
{
	return list_add(&job_k, &r->jobs);
}

struct exl_run_job *exl_run_record_find_job(const struct exl_run_record *r,
					    const char *job_id, time_t at,
					    long slack)
{
	struct exl_run_job *hit = NULL;
	size_t i;

	for (i = 0; i < r->jobs.n; i++) {
		struct exl_run_job *j = exl_run_job_at(r, i);

		if (!j->job_id || (job_id && strcmp(j->job_id, job_id) != 0))
			continue;
		if (at && ((long long)at < exl_rr_int_or(&j->start, 0) - slack ||
			   (long long)at > exl_rr_int_or(&j->end, LLONG_MAX)))
			continue;
		hit = j;
	}
	return hit;
}

int exl_run_record_set_env(struct exl_run_record *r, const char *name,
			   const char *path, const char *sha256,
			   int wait_status, int timed_out)
{
	struct exl_run_env *e = NULL;
	size_t i;

	for (i = 0; i < r->environment.n && !e; i++)
		if (strcmp(((struct exl_run_env *)r->environment.v[i])->name,
			   name) == 0)
			e = r->environment.v[i];
	if (e)
		rec_free(&env_k, e);	/* replaced in its place */
	else if (!(e = list_add(&env_k, &r->environment)))
		return -1;
	r->environment.present = 1;
	exl_rr_int_set(&e->wait_status, wait_status);
	e->timed_out.set = 1;
	e->timed_out.v = timed_out;
	return exl_rr_str_set(&e->name, name) < 0 ||
	       exl_rr_str_set(&e->path, path) < 0 ||
	       exl_rr_str_set(&e->sha256, sha256) < 0 ? -1 : 0;
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

int exl_run_record_map_strings(struct exl_run_record *r,
			       char *(*fn)(const char *s, void *arg),
			       void *arg)
{
	struct remap m = { fn, arg };

	return rec_remap(&m, &run_k, r);
}
