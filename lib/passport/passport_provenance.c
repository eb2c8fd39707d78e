/* passport_provenance.c - run log to provenance (see
 * passport_provenance.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/canonjson.h"
#include "util/fileio.h"
#include "util/jsonfile.h"
#include "passport/passport_provenance.h"
#include "passport/passport_tree.h"
#include "runstore/runlog_doc.h"
#include "util/sha256file.h"
#include "runstore/runlog_keys.h"

/* is_open_value: the run log has no real value here yet: empty, a
 * "_(...)_" placeholder, a bare "n/a"/"none"/"unknown"/"pending", or the
 * plugin's "none given (...)", "not given (...)", "pending — ...",
 * "unknown (...)" notes. */
static int is_open_value(const char *v)
{
	static const char *const words[] = { "n/a", "none", "unknown", "pending",
					     NULL };
	static const char *const notes[] = { "_(", "none given", "not given",
					     "pending ", "unknown (", NULL };
	const char *const *p;

	if (!v || !*v)
		return 1;
	for (p = words; *p; p++)
		if (strcasecmp(v, *p) == 0)
			return 1;
	for (p = notes; *p; p++)
		if (strncmp(v, *p, strlen(*p)) == 0)
			return 1;
	return 0;
}

/* set_value: obj[key] = the section's KEY value, or null. */
static void set_value(json_object *obj, const char *key,
		      const struct exl_doc *d, long sec, const char *doc_key)
{
	char *v = sec >= 0 ? exl_doc_get_key(d, (size_t)sec, doc_key) : NULL;

	if (is_open_value(v))
		json_object_object_add(obj, key, NULL);
	else
		exl_json_set_str(obj, key, v);
	free(v);
}

static int is_url(const char *v)
{
	return v && (strncmp(v, "https://", 8) == 0 ||
		     strncmp(v, "http://", 7) == 0);
}

/* backticked: the text between the first pair of backticks after
 * start, malloc'd, or NULL. */
static char *backticked(const char *start)
{
	const char *a = strchr(start, '`'), *b;

	if (!a || !(b = strchr(a + 1, '`')))
		return NULL;
	return strndup(a + 1, (size_t)(b - a - 1));
}

/* set_config: "- config: `PATH` (sha256 `HEX`)" as config (the file
 * name) and config_sha256. */
static void set_config(json_object *obj, const struct exl_doc *d, long sec)
{
	char *v = sec >= 0 ? exl_doc_get_key(d, (size_t)sec, EXL_K_CONFIG) : NULL;
	char *path = NULL, *hex = NULL;
	const char *sha;

	if (v && v[0] == '`')
		path = backticked(v);
	else if (v && !is_open_value(v) && !strchr(v, ' '))
		path = strdup(v);	/* backticks already stripped */
	if (v && (sha = strstr(v, "(sha256 ")))
		hex = backticked(sha);
	if (path)
		exl_json_set_str(obj, "config", exl_basename(path));
	else
		json_object_object_add(obj, "config", NULL);
	if (hex && passport_sha256_hex_ok(hex))
		exl_json_set_str(obj, "config_sha256", hex);
	else
		json_object_object_add(obj, "config_sha256", NULL);
	free(path);
	free(hex);
	free(v);
}

static void set_dirty(json_object *obj, const struct exl_doc *d, long sec)
{
	char *v = sec >= 0 ? exl_doc_get_key(d, (size_t)sec, EXL_K_DIRTY) : NULL;

	if (v && strcmp(v, "yes") == 0)
		json_object_object_add(obj, "dirty", json_object_new_boolean(1));
	else if (v && strcmp(v, "no") == 0)
		json_object_object_add(obj, "dirty", json_object_new_boolean(0));
	else
		json_object_object_add(obj, "dirty", NULL);
	free(v);
}

/* url_in: the W&B URL a section records (synced or wandb key), or NULL. */
static char *url_in(const struct exl_doc *d, long sec)
{
	static const char *const keys[] = { "synced", "wandb", "wandb_url", NULL };
	const char *const *k;

	for (k = keys; *k; k++) {
		char *v = exl_doc_get_key(d, (size_t)sec, *k);

		if (is_url(v))
			return v;
		free(v);
	}
	return NULL;
}

static int is_job_header(const char *line)
{
	return exl_doc_job_header(line, NULL, NULL);
}

/* add_jobs: job_ids from every job block; *job_url gets the last W&B URL
 * a job block carries.  Returns how many ids were found. */
static size_t add_jobs(json_object *obj, const struct exl_doc *d,
		       char **job_url)
{
	json_object *ids = json_object_new_array();
	size_t i, n = 0;

	for (i = 0; i < d->n; i++) {
		char *id, *url;

		if (!is_job_header(d->lines[i]))
			continue;
		id = exl_doc_get_key(d, i, EXL_K_EXECUTION_ID);
		if (id && *id && !is_open_value(id)) {
			json_object_array_add(ids, json_object_new_string(id));
			n++;
		}
		free(id);
		url = url_in(d, (long)i);
		if (url) {
			free(*job_url);
			*job_url = url;
		}
	}
	json_object_object_add(obj, "job_ids", ids);
	return n;
}

json_object *passport_provenance_parse(const char *text, size_t len,
				       const char *name, struct exl_err *err)
{
	char hex[EXL_SHA256_HEX], *url, *job_url = NULL;
	struct exl_doc d;
	json_object *obj;
	long cfg, wb;

	if (strlen(text) != len || !exl_utf8_valid(text, len)) {
		exl_errf(err, "%s: not a text file (NUL bytes or invalid UTF-8)", name);
		return NULL;
	}
	if (exl_doc_parse(&d, text, err) < 0)
		return NULL;
	obj = json_object_new_object();
	if (!obj || exl_sha256_buf(text, len, hex) < 0) {
		json_object_put(obj);
		exl_doc_free(&d);
		exl_errf(err, "%s: out of memory", name);
		return NULL;
	}
	exl_json_set_str(obj, "run_log", name);
	exl_json_set_str(obj, "run_log_sha256", hex);
	set_value(obj, "run_type", &d, exl_doc_find_section(&d, "Mode", 0),
		  "run_type");
	if (add_jobs(obj, &d, &job_url) == 0) {
		exl_errf(err, "%s: not an exp-log run log: no ## Job section with an execution_id",
			 name);
		json_object_put(obj);
		free(job_url);
		exl_doc_free(&d);
		return NULL;
	}
	cfg = exl_doc_find_section(&d, "Config", 0);
	set_value(obj, "commit", &d, cfg, "commit");
	set_value(obj, "branch", &d, cfg, "branch");
	set_dirty(obj, &d, cfg);
	set_config(obj, &d, cfg);
	set_value(obj, "dataset", &d, cfg, "dataset");
	wb = exl_doc_find_section(&d, "W&B", 0);
	url = wb >= 0 ? url_in(&d, wb) : NULL;
	if (!url) {
		url = job_url;
		job_url = NULL;
	}
	if (url)
		exl_json_set_str(obj, "wandb_url", url);
	else
		json_object_object_add(obj, "wandb_url", NULL);
	free(url);
	free(job_url);
	exl_doc_free(&d);
	return obj;
}

json_object *passport_provenance_read(const char *path, struct exl_err *err)
{
	json_object *obj;
	size_t len;
	char *text;

	if (exl_read_file(path, EXL_READ_MAX, &text, &len, err) < 0)
		return NULL;
	obj = passport_provenance_parse(text, len, exl_basename(path), err);
	free(text);
	return obj;
}
