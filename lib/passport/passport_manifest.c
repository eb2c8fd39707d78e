/* passport_manifest.c - write and read MODEL_PASSPORT.json (see
 * passport_manifest.h). */
#include "exl_build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/canonjson.h"
#include "util/fileio.h"
#include "util/jsonfile.h"
#include "passport/passport_manifest.h"
#include "passport/passport_provenance.h"
#include "util/sha256file.h"
#include "util/timefmt.h"
#include "util/yamljson.h"

json_object *passport_tool_json(void)
{
	json_object *t = json_object_new_object();

	exl_json_set_str(t, "name", "passport");
	exl_json_set_str(t, "version", PACKAGE_VERSION);
	return t;
}

/* load_contract: the YAML contract and a note of where it came from. */
static int load_contract(const char *path, json_object **contract,
			 json_object **source, struct exl_err *err)
{
	char hex[EXL_SHA256_HEX], *text;
	size_t len;

	if (exl_read_file(path, EXL_YAML_MAX, &text, &len, err) < 0)
		return -1;
	*contract = exl_yaml_json_parse(text, len, path, err);
	if (*contract && exl_sha256_buf(text, len, hex) == 0) {
		*source = json_object_new_object();
		exl_json_set_str(*source, "name", exl_basename(path));
		exl_json_set_str(*source, "sha256", hex);
	}
	free(text);
	return *contract ? 0 : -1;
}

json_object *passport_manifest_json(const struct passport_list *l)
{
	json_object *m = json_object_new_object(), *files = json_object_new_array();
	long long nfiles = 0, nlinks = 0, bytes = 0;
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct passport_entry *e = &l->v[i];
		json_object *f = json_object_new_object();

		exl_json_set_str(f, "path", e->path);
		if (e->kind == PASSPORT_LINK) {
			exl_json_set_str(f, "type", "symlink");
			exl_json_set_str(f, "target", e->target);
			nlinks++;
		} else {
			exl_json_set_int(f, "size", (long long)e->size);
			exl_json_set_str(f, "sha256", e->sha256);
			nfiles++;
			bytes += (long long)e->size;
		}
		json_object_array_add(files, f);
	}
	exl_json_set_str(m, "algorithm", "sha256");
	exl_json_set_int(m, "file_count", nfiles);
	exl_json_set_int(m, "link_count", nlinks);
	exl_json_set_int(m, "total_bytes", bytes);
	json_object_object_add(m, "files", files);
	return m;
}

/* refuse_unsafe: entries a passport cannot vouch for. */
static int refuse_unsafe(const char *dir, const struct passport_list *l,
			 struct exl_err *err)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct passport_entry *e = &l->v[i];

		if (e->kind == PASSPORT_OTHER)
			return exl_errf(err, "%s/%s: is a %s, not a regular file: remove it from the checkpoint",
					dir, e->path, e->what);
		if (e->kind == PASSPORT_LINK && e->escapes)
			return exl_errf(err, "%s/%s: symlink leads outside the checkpoint (-> %s): copy the file in instead (cp -L)",
					dir, e->path, e->target);
	}
	return 0;
}

/* hash_all: hash every regular file of l; one error names the first
 * failure in path order and counts the rest. */
static int hash_all(int rootfd, const char *dir, struct passport_list *l,
		    const struct passport_hash_opts *ho,
		    struct passport_gen_result *res, struct exl_err *err)
{
	struct passport_entry **todo = malloc((l->n ? l->n : 1) * sizeof(*todo));
	size_t i, n = 0;
	long failed;

	if (!todo)
		return exl_errnof(err, ENOMEM, "%s: couldn't hash", dir);
	for (i = 0; i < l->n; i++) {
		if (l->v[i].kind == PASSPORT_REG) {
			todo[n++] = &l->v[i];
			res->bytes += l->v[i].size;
		} else {
			res->links++;
		}
	}
	res->files = n;
	failed = passport_hash_entries(rootfd, todo, n, ho, err);
	free(todo);
	if (failed <= 0)
		return (int)failed;
	for (i = 0; i < l->n; i++)
		if (l->v[i].error)
			return exl_errf(err, "%s/%s: %s%s", dir, l->v[i].path,
					l->v[i].error, failed > 1 ?
					" (and more files failed)" : "");
	return exl_errf(err, "%s: hashing failed", dir);
}

/* check_writable: the passport's own path must be free for a file, and a
 * signoff must not be voided by accident. */
static int check_targets(const char *ppath, const char *spath, int force,
			 struct exl_err *err)
{
	struct stat st;

	if (lstat(ppath, &st) == 0 && !S_ISREG(st.st_mode))
		return exl_errf(err, "%s: exists and is not a regular file", ppath);
	if (!force && lstat(spath, &st) == 0)
		return exl_errf(err, "%s: exists and would no longer match a new passport: "
				"pass --force, then sign again", spath);
	return 0;
}

int passport_generate(const char *dir, const struct passport_gen_opts *o,
		      struct passport_gen_result *res, struct exl_err *err)
{
	json_object *contract = NULL, *source = NULL, *prov = NULL, *doc;
	char *ppath = exl_path_join(dir, PASSPORT_FILE);
	char *spath = exl_path_join(dir, SIGNOFF_FILE);
	struct passport_list l = { 0 };
	char when[64];
	int rootfd = -1, rc = -1;

	memset(res, 0, sizeof(*res));
	if (!ppath || !spath) {
		exl_errnof(err, ENOMEM, "%s", dir);
		goto out;
	}
	rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		exl_errnof(err, errno, "couldn't open the checkpoint directory %s", dir);
		goto out;
	}
	if (check_targets(ppath, spath, o->force, err) < 0)
		goto out;
	/* small inputs first: a typo should not wait for gigabytes */
	if (o->contract_path &&
	    load_contract(o->contract_path, &contract, &source, err) < 0)
		goto out;
	if (o->runlog_path &&
	    !(prov = passport_provenance_read(o->runlog_path, err)))
		goto out;
	if (passport_scan(rootfd, dir, &l, err) < 0 ||
	    refuse_unsafe(dir, &l, err) < 0 ||
	    hash_all(rootfd, dir, &l, &o->hash, res, err) < 0)
		goto out;
	exl_time_iso(o->now ? o->now : time(NULL), when, sizeof(when));
	doc = json_object_new_object();
	exl_json_set_str(doc, "schema", PASSPORT_SCHEMA);
	exl_json_set_int(doc, "schema_version", PASSPORT_SCHEMA_VERSION);
	exl_json_set_str(doc, "created", when);
	json_object_object_add(doc, "tool", passport_tool_json());
	json_object_object_add(doc, "contract", contract);
	json_object_object_add(doc, "contract_source", source);
	json_object_object_add(doc, "provenance", prov);
	json_object_object_add(doc, "manifest", passport_manifest_json(&l));
	contract = source = prov = NULL;
	rc = exl_json_write(ppath, doc, err);
	json_object_put(doc);
out:
	json_object_put(contract);
	json_object_put(source);
	json_object_put(prov);
	passport_list_free(&l);
	if (rootfd >= 0)
		close(rootfd);
	free(ppath);
	free(spath);
	return rc;
}

/* parse_entry: one element of manifest.files into e (strings borrowed). */
static int parse_entry(json_object *f, size_t i, struct passport_entry *e,
		       struct exl_err *err)
{
	const char *path = exl_json_str(f, "path");
	const char *type = exl_json_str(f, "type");
	const char *sha = exl_json_str(f, "sha256");
	struct exl_err why;
	long long size;

	memset(e, 0, sizeof(*e));
	if (!json_object_is_type(f, json_type_object) || !path)
		return exl_errf(err, "manifest entry %zu: no path", i + 1);
	if (passport_path_check(path, &why) < 0)
		return exl_errf(err, "manifest entry %zu: bad path: %s", i + 1, why.text);
	if (!strchr(path, '/') && (strcmp(path, PASSPORT_FILE) == 0 ||
				   strcmp(path, SIGNOFF_FILE) == 0))
		return exl_errf(err, "manifest entry %zu: lists %s itself", i + 1, path);
	e->path = (char *)path;
	if (type && strcmp(type, "symlink") == 0) {
		const char *t = exl_json_str(f, "target");
		int tl = t ? json_object_get_string_len(json_object_object_get(f, "target")) : 0;

		if (!t || !*t || (size_t)tl != strlen(t) || tl > PASSPORT_PATH_MAX ||
		    !exl_utf8_valid(t, (size_t)tl))
			return exl_errf(err, "manifest entry %zu (%s): bad symlink target",
					i + 1, path);
		e->kind = PASSPORT_LINK;
		e->target = (char *)t;
		return 0;
	}
	if (type && strcmp(type, "file") != 0)
		return exl_errf(err, "manifest entry %zu (%s): unknown type '%.40s'",
				i + 1, path, type);
	size = exl_json_int(f, "size", -1);
	if (size < 0)
		return exl_errf(err, "manifest entry %zu (%s): bad size", i + 1, path);
	if (!sha || !passport_sha256_hex_ok(sha))
		return exl_errf(err, "manifest entry %zu (%s): bad sha256", i + 1, path);
	e->kind = PASSPORT_REG;
	e->size = (uint64_t)size;
	memcpy(e->sha256, sha, EXL_SHA256_HEX);
	return 0;
}

int passport_doc_parse(json_object *obj, struct passport_list *out,
		       struct exl_err *err)
{
	const char *schema = exl_json_str(obj, "schema");
	long long version = exl_json_int(obj, "schema_version", -1);
	json_object *m = NULL, *files = NULL;
	size_t i, n;

	memset(out, 0, sizeof(*out));
	if (!schema || strcmp(schema, PASSPORT_SCHEMA) != 0)
		return exl_errf(err, "not a model passport (schema is not %s)",
				PASSPORT_SCHEMA);
	if (version < 1)
		return exl_errf(err, "no valid schema_version");
	if (version > PASSPORT_SCHEMA_VERSION)
		return exl_errf(err, "schema_version %lld is newer than this passport (%d): upgrade exp-log",
				version, PASSPORT_SCHEMA_VERSION);
	if (!json_object_object_get_ex(obj, "manifest", &m) ||
	    !json_object_is_type(m, json_type_object) ||
	    !json_object_object_get_ex(m, "files", &files) ||
	    !json_object_is_type(files, json_type_array))
		return exl_errf(err, "no manifest.files list");
	if (!exl_json_str(m, "algorithm") ||
	    strcmp(exl_json_str(m, "algorithm"), "sha256") != 0)
		return exl_errf(err, "manifest.algorithm is not sha256");
	n = json_object_array_length(files);
	if (n > PASSPORT_MAX_ENTRIES)
		return exl_errf(err, "manifest lists more than %d files", PASSPORT_MAX_ENTRIES);
	for (i = 0; i < n; i++) {
		struct passport_entry e;

		if (parse_entry(json_object_array_get_idx(files, i), i, &e, err) < 0)
			goto fail;
		if (out->n && strcmp(out->v[out->n - 1].path, e.path) >= 0) {
			exl_errf(err, "manifest entry %zu (%s): not sorted by path, or listed twice",
				 i + 1, e.path);
			goto fail;
		}
		if (passport_list_add(out, &e) < 0) {
			exl_errnof(err, ENOMEM, "manifest");
			goto fail;
		}
	}
	return 0;
fail:
	passport_list_free(out);
	return -1;
}

int passport_doc_load(const char *dir, struct passport_doc *d,
		      struct exl_err *err)
{
	char *path = exl_path_join(dir, PASSPORT_FILE), *text = NULL;
	struct exl_err why;
	struct stat st;
	size_t len;
	int rc = -1;

	memset(d, 0, sizeof(*d));
	if (!path)
		return exl_errnof(err, ENOMEM, "%s", dir);
	if (lstat(path, &st) < 0 && errno == ENOENT) {
		free(path);
		return 1;
	}
	if (exl_read_file(path, PASSPORT_JSON_MAX, &text, &len, err) < 0)
		goto out;
	if (exl_sha256_buf(text, len, d->sha256) < 0) {
		exl_errf(err, "%s: couldn't hash", path);
		goto out;
	}
	d->obj = exl_json_parse(text, len, path, err);
	if (!d->obj)
		goto out;
	if (passport_doc_parse(d->obj, &d->files, &why) < 0) {
		exl_errf(err, "%s: %s", path, why.text);
		goto out;
	}
	rc = 0;
out:
	if (rc < 0) {
		json_object_put(d->obj);
		d->obj = NULL;
	}
	free(text);
	free(path);
	return rc;
}

void passport_doc_free(struct passport_doc *d)
{
	json_object_put(d->obj);
	passport_list_free(&d->files);
	memset(d, 0, sizeof(*d));
}
