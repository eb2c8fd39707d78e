/* passport_verify.c - check a checkpoint against its passport and
 * signoff (see passport_verify.h). */
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
#include "passport/passport_manifest.h"
#include "passport/passport_sign.h"
#include "passport/passport_trust.h"
#include "passport/passport_verify.h"

static char *dup_str(json_object *o, const char *key)
{
	const char *s = exl_json_str(o, key);

	return s ? strdup(s) : NULL;
}

/* check_weights: the signoff's weights are exactly the passport's weight
 * files, with the passport's sizes and hashes. */
static void check_weights(json_object *so, const struct passport_doc *d,
			  struct passport_report *rep)
{
	struct passport_list listed = { 0 };
	json_object *w;
	size_t i, n;

	if (!json_object_object_get_ex(so, "weights", &w) ||
	    !json_object_is_type(w, json_type_array)) {
		passport_report_problem(rep, "signoff: no weights list");
		return;
	}
	n = json_object_array_length(w);
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(w, i);
		const char *path = exl_json_str(e, "path");
		const char *sha = exl_json_str(e, "sha256");
		long long size = exl_json_int(e, "size", -1);
		const struct passport_entry *p;
		struct passport_entry rec = { 0 };

		if (!path || !sha) {
			passport_report_problem(rep, "signoff: weight entry %zu has no path or sha256", i + 1);
			continue;
		}
		p = passport_list_find(&d->files, path);
		if (!p || p->kind != PASSPORT_REG)
			passport_report_problem(rep, "signoff: weight %s is not a file in the passport", path);
		else if (strcmp(p->sha256, sha) != 0 || (uint64_t)size != p->size)
			passport_report_problem(rep, "signoff: weight %s has another sha256 or size than in the passport", path);
		rec.path = (char *)path;
		if (passport_list_add(&listed, &rec) < 0)
			rep->incomplete = 1;
	}
	passport_list_sort(&listed);
	for (i = 1; i < listed.n; i++)
		if (strcmp(listed.v[i - 1].path, listed.v[i].path) == 0)
			passport_report_problem(rep, "signoff: weight %s is listed twice",
						listed.v[i].path);
	for (i = 0; i < d->files.n; i++) {
		const struct passport_entry *p = &d->files.v[i];

		if (p->kind == PASSPORT_REG && passport_is_weight(p->path) &&
		    !passport_list_find(&listed, p->path))
			passport_report_problem(rep, "signoff: weight file %s of the passport is not signed off",
						p->path);
	}
	rep->signed_weights = n;
	passport_list_free(&listed);
}

static void check_signature(json_object *so, EVP_PKEY *pinned,
			    struct passport_report *rep)
{
	struct exl_err why;
	int rc;

	if (!json_object_object_get_ex(so, "signature", NULL)) {
		rep->sig = PASSPORT_SIG_ABSENT;
		if (pinned)
			passport_report_problem(rep, "signature: SIGNOFF.json is not signed, but a public key was given");
		return;
	}
	rc = passport_signature_check(so, pinned, rep->key_id, &why);
	if (rc == 0) {
		rep->sig = PASSPORT_SIG_VALID;
		rep->key_pinned = pinned != NULL;
		return;
	}
	rep->sig = PASSPORT_SIG_INVALID;
	passport_report_problem(rep, "signature: %s", why.text);
}

/* check_trust: a valid signature proves the signoff unaltered, not who
 * signed it (anyone can re-sign with their own key).  With
 * --require-signoff the signer must be pinned (--pubkey) or listed in a
 * trusted-keys file. */
static void check_trust(const struct passport_verify_opts *o,
			struct passport_report *rep)
{
	struct exl_err why;
	int rc;

	if (rep->sig == PASSPORT_SIG_VALID && !rep->key_pinned) {
		rc = passport_key_trusted(rep->key_id, o->trusted_keys,
					  rep->trusted_by,
					  sizeof(rep->trusted_by), &why);
		if (rc < 0)
			passport_report_problem(rep, "trusted keys: %s", why.text);
		rep->key_trusted = rc == 1;
	}
	if (!o->require_signoff || rep->key_pinned || rep->key_trusted)
		return;
	if (rep->sig == PASSPORT_SIG_ABSENT)
		passport_report_problem(rep, "signoff: not signed: --require-signoff needs a signature by a trusted key (passport sign --key)");
	else if (rep->sig == PASSPORT_SIG_VALID)
		passport_report_problem(rep, "signature: key %s is not trusted: pass --pubkey or list it in a trusted-keys file (see passport(1))",
					rep->key_id);
}

/* check_signoff: SIGNOFF.json against this passport. */
static void check_signoff(const char *dir, const struct passport_doc *d,
			  const struct passport_verify_opts *o,
			  EVP_PKEY *pinned, struct passport_report *rep)
{
	char *spath = exl_path_join(dir, SIGNOFF_FILE);
	json_object *so, *signer = NULL, *pp = NULL;
	const char *schema, *sha;
	struct exl_err why;
	struct stat st;

	if (!spath) {
		passport_report_problem(rep, "signoff: out of memory");
		return;
	}
	if (lstat(spath, &st) < 0 && errno == ENOENT) {
		if (o->require_signoff || pinned)
			passport_report_problem(rep, "signoff: no %s: run 'passport sign' after reviewing the checkpoint",
						SIGNOFF_FILE);
		free(spath);
		return;
	}
	so = exl_json_read(spath, SIGNOFF_JSON_MAX, &why);
	free(spath);
	if (!so) {
		passport_report_problem(rep, "signoff: %s", why.text);
		return;
	}
	rep->signoff_found = 1;
	schema = exl_json_str(so, "schema");
	if (!schema || strcmp(schema, SIGNOFF_SCHEMA) != 0 ||
	    exl_json_int(so, "schema_version", -1) != SIGNOFF_SCHEMA_VERSION)
		passport_report_problem(rep, "signoff: not a %s version %d document",
					SIGNOFF_SCHEMA, SIGNOFF_SCHEMA_VERSION);
	rep->verdict = dup_str(so, "verdict");
	rep->reason = dup_str(so, "verdict_reason");
	if (passport_verdict_check(rep->verdict, rep->reason, &why) < 0)
		passport_report_problem(rep, "signoff: %s", why.text);
	if (json_object_object_get_ex(so, "signer", &signer)) {
		rep->signer_user = dup_str(signer, "user");
		rep->signer_host = dup_str(signer, "host");
		rep->signer_time = dup_str(signer, "time");
	}
	json_object_object_get_ex(so, "passport", &pp);
	sha = exl_json_str(pp, "sha256");
	if (!sha || strcmp(sha, d->sha256) != 0)
		passport_report_problem(rep, "signoff: made for another %s (sha256 %.16s, this one is %.16s): sign again",
					PASSPORT_FILE, sha ? sha : "none", d->sha256);
	check_weights(so, d, rep);
	check_signature(so, pinned, rep);
	check_trust(o, rep);
	json_object_put(so);
}

int passport_verify(const char *dir, const struct passport_verify_opts *o,
		    struct passport_report *rep, struct exl_err *err)
{
	struct passport_doc d = { 0 };
	EVP_PKEY *pinned = NULL;
	struct exl_err why;
	int rootfd = -1, rc = -1, loaded;

	memset(rep, 0, sizeof(*rep));
	if (o->pubkey_path &&
	    !(pinned = passport_key_load_public(o->pubkey_path, err)))
		return -1;
	rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		exl_errnof(err, errno, "couldn't open the checkpoint directory %s", dir);
		goto out;
	}
	loaded = passport_doc_load(dir, &d, &why);
	if (loaded == 1)
		passport_report_problem(rep, "passport: no %s: run 'passport generate'",
					PASSPORT_FILE);
	else if (loaded < 0)
		passport_report_problem(rep, "passport: %s", why.text);
	if (loaded == 0) {
		rep->passport_found = 1;
		memcpy(rep->passport_sha256, d.sha256, EXL_SHA256_HEX);
		if (passport_check_files(rootfd, dir, &d.files, &o->hash, rep,
					 err) < 0)
			goto out;
		check_signoff(dir, &d, o, pinned, rep);
	}
	rep->ok = rep->passport_found && passport_report_file_problems(rep) == 0 &&
		  rep->nproblems == 0 && !rep->incomplete;
	rc = 0;
out:
	if (rootfd >= 0)
		close(rootfd);
	passport_doc_free(&d);
	EVP_PKEY_free(pinned);
	return rc;
}

