/* passport_manifest.h - MODEL_PASSPORT.json: write it, read it back.
 *
 * Layout (schema_version 1; passport(1) FILES has the full schema):
 *   schema "exp-log/model-passport", schema_version, created, tool,
 *   contract (free-form, from a YAML file) and contract_source,
 *   provenance (from a run log, see passport_provenance.h),
 *   manifest { algorithm "sha256", file_count, link_count, total_bytes,
 *              files: [ {path, size, sha256} | {path, type "symlink",
 *              target} ], sorted by path bytes }.
 * A file's sha256 is the sha256 of its bytes: the Git LFS oid the
 * Hugging Face hub shows for it.
 */
#ifndef EXL_PASSPORT_MANIFEST_H
#define EXL_PASSPORT_MANIFEST_H

#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

#include "util/exl_err.h"
#include "passport/passport_hash.h"
#include "passport/passport_tree.h"

#define PASSPORT_SCHEMA "exp-log/model-passport"
#define PASSPORT_SCHEMA_VERSION 1

/* Largest MODEL_PASSPORT.json read back (a million entries fit). */
#define PASSPORT_JSON_MAX (512u << 20)

struct passport_gen_opts {
	const char *contract_path;	/* YAML, NULL: none */
	const char *runlog_path;	/* exp-log run log, NULL: none */
	int force;		/* replace a passport that has a signoff */
	time_t now;		/* creation time, 0: now */
	struct passport_hash_opts hash;
};

struct passport_gen_result {
	size_t files, links;
	uint64_t bytes;
};

/* Write dir/MODEL_PASSPORT.json for the tree under dir.  Nothing is
 * written unless every file hashed cleanly; an existing SIGNOFF.json
 * (which the new passport would void) needs o->force. */
int passport_generate(const char *dir, const struct passport_gen_opts *o,
		      struct passport_gen_result *res, struct exl_err *err);

/* {"name": "passport", "version": PACKAGE_VERSION}, for every document
 * the tool writes. */
json_object *passport_tool_json(void);

/* The "manifest" object for a scanned and hashed list. */
json_object *passport_manifest_json(const struct passport_list *l);

/* A passport as read back: the parsed document, the sha256 of its bytes
 * and its manifest as a sorted list. */
struct passport_doc {
	json_object *obj;
	char sha256[EXL_SHA256_HEX];
	struct passport_list files;
};

/* Read dir/MODEL_PASSPORT.json.  Returns 0, 1 when there is none, -1
 * when it cannot be read or is not a valid passport (err says where). */
int passport_doc_load(const char *dir, struct passport_doc *d,
		      struct exl_err *err);

/* Check a parsed passport and extract its manifest (sorted, validated). */
int passport_doc_parse(json_object *obj, struct passport_list *out,
		       struct exl_err *err);

void passport_doc_free(struct passport_doc *d);

#endif
