/* passport_check.c - compare a checkpoint tree with its manifest and
 * collect the findings in a report (see passport_check.h); used by
 * verify and by sign. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fileio.h"
#include "util/jsonfile.h"
#include "passport/passport_check.h"

#define REPORT_SCHEMA "exp-log/passport-verify"

/* Each status as JSON names it and as a line for people says it. */
static const struct {
	const char *name, *label;
} statuses[PASSPORT_NSTATUS] = {
	[PASSPORT_OK] = { "ok", "ok" },
	[PASSPORT_MISSING] = { "missing", "missing" },
	[PASSPORT_EXTRA] = { "extra", "extra" },
	[PASSPORT_SIZE_MISMATCH] = { "size_mismatch", "size mismatch" },
	[PASSPORT_HASH_MISMATCH] = { "hash_mismatch", "hash mismatch" },
	[PASSPORT_TYPE_MISMATCH] = { "type_mismatch", "type mismatch" },
	[PASSPORT_TARGET_MISMATCH] = { "target_mismatch", "target mismatch" },
	[PASSPORT_UNREADABLE] = { "unreadable", "unreadable" },
};

const char *passport_status_name(enum passport_status s)
{
	return s < PASSPORT_NSTATUS ? statuses[s].name : "unknown";
}

const char *passport_status_label(enum passport_status s)
{
	return s < PASSPORT_NSTATUS ? statuses[s].label : "unknown";
}

static const char *kind_name(enum passport_kind k)
{
	return k == PASSPORT_REG ? "file" : k == PASSPORT_LINK ? "symlink" : "other";
}

void passport_report_problem(struct passport_report *rep, const char *fmt, ...)
{
	char **np, *line;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	np = realloc(rep->problems, (rep->nproblems + 1) * sizeof(*np));
	if (n < 0 || !np) {
		/* keep the verdict right even when the text is lost */
		if (n >= 0)
			free(line);
		if (np)
			rep->problems = np;
		rep->incomplete = 1;
		return;
	}
	rep->problems = np;
	rep->problems[rep->nproblems++] = line;
}

/* add_finding: a new finding for path; NULL without memory. */
static struct passport_finding *add_finding(struct passport_report *rep,
					    const char *path,
					    enum passport_status st)
{
	struct passport_finding *f;

	if (rep->nfiles == rep->cap) {
		size_t cap = rep->cap ? rep->cap * 2 : 256;
		struct passport_finding *nv = realloc(rep->files, cap * sizeof(*nv));

		if (!nv)
			return NULL;
		rep->files = nv;
		rep->cap = cap;
	}
	f = &rep->files[rep->nfiles];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!f->path)
		return NULL;
	f->status = st;
	rep->nfiles++;
	return f;
}

static void set_detail(struct passport_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_detail(struct passport_finding *f, const char *fmt, ...)
{
	va_list ap;

	free(f->detail);
	va_start(ap, fmt);
	if (vasprintf(&f->detail, fmt, ap) < 0)
		f->detail = NULL;
	va_end(ap);
}

static void describe_actual(struct passport_finding *f,
			    const struct passport_entry *a)
{
	f->actual_kind = a->kind;
	f->actual_size = a->size;
	if (a->kind == PASSPORT_LINK)
		set_detail(f, "-> %s%s", a->target,
			   a->escapes ? ", outside the checkpoint" : "");
	else if (a->kind == PASSPORT_OTHER)
		set_detail(f, "a %s", a->what);
}

/* compare_one: a path both listed and present.  Returns 1 when the file
 * still needs hashing. */
static int compare_one(struct passport_finding *f,
		       const struct passport_entry *x,
		       const struct passport_entry *a)
{
	f->expected_kind = x->kind;
	f->actual_kind = a->kind;
	f->expected_size = x->size;
	f->actual_size = a->size;
	memcpy(f->expected_sha256, x->sha256, EXL_SHA256_HEX);
	if (x->kind != a->kind) {
		f->status = PASSPORT_TYPE_MISMATCH;
		set_detail(f, "expected a %s, found a %s%s%s", kind_name(x->kind),
			   a->kind == PASSPORT_OTHER ? a->what : kind_name(a->kind),
			   a->kind == PASSPORT_LINK ? " -> " : "",
			   a->kind == PASSPORT_LINK ? a->target : "");
		return 0;
	}
	if (x->kind == PASSPORT_LINK) {
		if (strcmp(x->target, a->target) != 0) {
			f->status = PASSPORT_TARGET_MISMATCH;
			set_detail(f, "expected -> %s, found -> %s", x->target,
				   a->target);
		}
		return 0;
	}
	if (x->size != a->size) {
		f->status = PASSPORT_SIZE_MISMATCH;
		return 0;
	}
	return 1;
}

/* hash_pending: hash the same-size files and settle their findings. */
static int hash_pending(int rootfd, struct passport_report *rep,
			struct passport_entry **todo, size_t *which, size_t n,
			const struct passport_hash_opts *ho, struct exl_err *err)
{
	size_t i;

	if (passport_hash_entries(rootfd, todo, n, ho, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct passport_finding *f = &rep->files[which[i]];
		const struct passport_entry *a = todo[i];

		if (a->error) {
			f->status = PASSPORT_UNREADABLE;
			set_detail(f, "%s", a->error);
			continue;
		}
		rep->bytes_hashed += a->size;
		memcpy(f->actual_sha256, a->sha256, EXL_SHA256_HEX);
		if (strcmp(a->sha256, f->expected_sha256) != 0)
			f->status = PASSPORT_HASH_MISMATCH;
	}
	return 0;
}

int passport_check_files(int rootfd, const char *dir,
			 const struct passport_list *expected,
			 const struct passport_hash_opts *ho,
			 struct passport_report *rep, struct exl_err *err)
{
	struct passport_list actual;
	struct passport_entry **todo = NULL;
	size_t i = 0, j = 0, n = 0, *which = NULL;
	int rc = -1;

	if (passport_scan(rootfd, dir, &actual, err) < 0)
		return -1;
	todo = malloc((actual.n + 1) * sizeof(*todo));
	which = malloc((actual.n + 1) * sizeof(*which));
	if (!todo || !which)
		goto nomem;
	while (i < expected->n || j < actual.n) {
		const struct passport_entry *x = i < expected->n ? &expected->v[i] : NULL;
		struct passport_entry *a = j < actual.n ? &actual.v[j] : NULL;
		int c = !x ? 1 : !a ? -1 : strcmp(x->path, a->path);
		struct passport_finding *f;

		f = add_finding(rep, c <= 0 ? x->path : a->path,
				c < 0 ? PASSPORT_MISSING :
				c > 0 ? PASSPORT_EXTRA : PASSPORT_OK);
		if (!f)
			goto nomem;
		if (c < 0) {
			f->expected_kind = x->kind;
			f->expected_size = x->size;
			memcpy(f->expected_sha256, x->sha256, EXL_SHA256_HEX);
			i++;
		} else if (c > 0) {
			describe_actual(f, a);
			j++;
		} else {
			if (compare_one(f, x, a)) {
				todo[n] = a;
				which[n++] = rep->nfiles - 1;
			}
			i++;
			j++;
		}
	}
	if (hash_pending(rootfd, rep, todo, which, n, ho, err) < 0)
		goto out;
	for (i = 0; i < rep->nfiles; i++)
		rep->counts[rep->files[i].status]++;
	rc = 0;
	goto out;
nomem:
	exl_errnof(err, ENOMEM, "%s: couldn't verify", dir);
out:
	free(todo);
	free(which);
	passport_list_free(&actual);
	return rc;
}

size_t passport_report_file_problems(const struct passport_report *rep)
{
	return rep->nfiles - rep->counts[PASSPORT_OK];
}

char *passport_finding_line(const struct passport_finding *f)
{
	char *line = NULL;
	int n;

	if (f->status == PASSPORT_SIZE_MISMATCH)
		n = asprintf(&line, "size mismatch: %s (expected %llu bytes, found %llu)",
			     f->path, (unsigned long long)f->expected_size,
			     (unsigned long long)f->actual_size);
	else if (f->status == PASSPORT_HASH_MISMATCH)
		n = asprintf(&line, "hash mismatch: %s (expected sha256 %.16s..., found %.16s...)",
			     f->path, f->expected_sha256, f->actual_sha256);
	else
		n = asprintf(&line, "%s: %s%s%s%s", passport_status_label(f->status),
			     f->path,
			     f->detail ? " (" : "", f->detail ? f->detail : "",
			     f->detail ? ")" : "");
	return n < 0 ? NULL : line;
}

static json_object *str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static json_object *finding_json(const struct passport_finding *f)
{
	json_object *o = json_object_new_object();
	int listed = f->status != PASSPORT_EXTRA;
	int present = f->status != PASSPORT_MISSING;
	int reg_x = listed && f->expected_kind == PASSPORT_REG;
	int reg_a = present && f->actual_kind == PASSPORT_REG;

	exl_json_set_str(o, "path", f->path);
	exl_json_set_str(o, "status", passport_status_name(f->status));
	exl_json_set_str(o, "type", kind_name(listed ? f->expected_kind :
					      f->actual_kind));
	json_object_object_add(o, "expected_size", reg_x ?
			       json_object_new_int64((int64_t)f->expected_size) : NULL);
	json_object_object_add(o, "actual_size", reg_a ?
			       json_object_new_int64((int64_t)f->actual_size) : NULL);
	json_object_object_add(o, "expected_sha256",
			       reg_x ? str_or_null(f->expected_sha256) : NULL);
	json_object_object_add(o, "actual_sha256",
			       reg_a ? str_or_null(f->actual_sha256) : NULL);
	json_object_object_add(o, "detail", str_or_null(f->detail));
	return o;
}

json_object *passport_report_json(const struct passport_report *rep,
				  const char *dir)
{
	static const char *const sig_names[] = { "absent", "valid", "invalid" };
	json_object *o = json_object_new_object(), *pp = json_object_new_object();
	json_object *sum = json_object_new_object(), *files = json_object_new_array();
	json_object *so = json_object_new_object(), *sig = json_object_new_object();
	json_object *probs = json_object_new_array();
	size_t i;

	exl_json_set_str(o, "schema", REPORT_SCHEMA);
	exl_json_set_int(o, "schema_version", 1);
	exl_json_set_str(o, "dir", dir);
	json_object_object_add(o, "ok", json_object_new_boolean(rep->ok));
	json_object_object_add(pp, "found", json_object_new_boolean(rep->passport_found));
	json_object_object_add(pp, "sha256", str_or_null(rep->passport_sha256));
	json_object_object_add(o, "passport", pp);
	exl_json_set_int(sum, "entries", (long long)rep->nfiles);
	exl_json_set_int(sum, "bytes_hashed", (long long)rep->bytes_hashed);
	for (i = 0; i < PASSPORT_NSTATUS; i++)
		exl_json_set_int(sum, statuses[i].name, (long long)rep->counts[i]);
	json_object_object_add(o, "summary", sum);
	for (i = 0; i < rep->nfiles; i++)
		json_object_array_add(files, finding_json(&rep->files[i]));
	json_object_object_add(o, "files", files);
	json_object_object_add(so, "found", json_object_new_boolean(rep->signoff_found));
	json_object_object_add(so, "verdict", str_or_null(rep->verdict));
	json_object_object_add(so, "verdict_reason", str_or_null(rep->reason));
	json_object_object_add(so, "signer_user", str_or_null(rep->signer_user));
	json_object_object_add(so, "signer_host", str_or_null(rep->signer_host));
	json_object_object_add(so, "signer_time", str_or_null(rep->signer_time));
	exl_json_set_int(so, "weights", (long long)rep->signed_weights);
	json_object_object_add(o, "signoff", so);
	exl_json_set_str(sig, "status", sig_names[rep->sig]);
	json_object_object_add(sig, "key_id", str_or_null(rep->key_id));
	json_object_object_add(sig, "pinned", json_object_new_boolean(rep->key_pinned));
	json_object_object_add(sig, "trusted", json_object_new_boolean(rep->key_trusted));
	json_object_object_add(sig, "trusted_by", rep->key_trusted ?
			       json_object_new_string(rep->trusted_by) : NULL);
	json_object_object_add(o, "signature", sig);
	for (i = 0; i < rep->nproblems; i++)
		json_object_array_add(probs, json_object_new_string(rep->problems[i]));
	json_object_object_add(o, "problems", probs);
	return o;
}

void passport_report_free(struct passport_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nfiles; i++) {
		free(rep->files[i].path);
		free(rep->files[i].detail);
	}
	for (i = 0; i < rep->nproblems; i++)
		free(rep->problems[i]);
	free(rep->files);
	free(rep->problems);
	free(rep->verdict);
	free(rep->reason);
	free(rep->signer_user);
	free(rep->signer_host);
	free(rep->signer_time);
	memset(rep, 0, sizeof(*rep));
}
