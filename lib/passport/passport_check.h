/* passport_check.h - a checkpoint tree compared with its manifest: one
 * finding per entry (ok, missing, extra, size/hash/type/target mismatch,
 * unreadable) collected in a report that verify and sign fill and the
 * tool prints or writes as JSON.
 */
#ifndef EXL_PASSPORT_CHECK_H
#define EXL_PASSPORT_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "util/exl_err.h"
#include "passport/passport_hash.h"
#include "passport/passport_tree.h"

enum passport_status {
	PASSPORT_OK,
	PASSPORT_MISSING,	/* listed, not on disk */
	PASSPORT_EXTRA,		/* on disk, not listed */
	PASSPORT_SIZE_MISMATCH,
	PASSPORT_HASH_MISMATCH,
	PASSPORT_TYPE_MISMATCH,	/* file vs symlink vs other */
	PASSPORT_TARGET_MISMATCH,	/* symlink points elsewhere */
	PASSPORT_UNREADABLE,	/* could not be hashed (error, changed) */
	PASSPORT_NSTATUS
};

/* "ok", "missing", "extra", "size_mismatch", ... (the JSON names). */
const char *passport_status_name(enum passport_status s);

/* The same for people: "size mismatch". */
const char *passport_status_label(enum passport_status s);

struct passport_finding {
	char *path;
	enum passport_status status;
	enum passport_kind expected_kind, actual_kind;
	uint64_t expected_size, actual_size;
	char expected_sha256[EXL_SHA256_HEX], actual_sha256[EXL_SHA256_HEX];
	char *detail;		/* link targets, read errors; may be NULL */
};

enum passport_sig {
	PASSPORT_SIG_ABSENT,	/* no signoff, or one without a signature */
	PASSPORT_SIG_VALID,
	PASSPORT_SIG_INVALID,
};

struct passport_report {
	int passport_found;	/* a readable, valid MODEL_PASSPORT.json */
	char passport_sha256[EXL_SHA256_HEX];
	struct passport_finding *files;
	size_t nfiles, cap;
	size_t counts[PASSPORT_NSTATUS];
	uint64_t bytes_hashed;

	int signoff_found;
	char *verdict, *reason;		/* NULL when absent */
	char *signer_user, *signer_host, *signer_time;
	size_t signed_weights;
	enum passport_sig sig;
	char key_id[EXL_SHA256_HEX];	/* sha256 of the raw public key */
	int key_pinned;		/* checked against --pubkey */
	int key_trusted;	/* listed in a trusted-keys file */
	char trusted_by[512];	/* that file */

	char **problems;	/* one line each: passport, signoff, signature */
	size_t nproblems;
	int incomplete;		/* a problem could not be recorded (memory) */
	int ok;
};

/* The file part alone: compare the tree under rootfd with expected (a
 * sorted manifest), hashing what needs it.  Fills rep->files, counts and
 * bytes_hashed.  Used by verify and by sign before it signs. */
int passport_check_files(int rootfd, const char *dir,
			 const struct passport_list *expected,
			 const struct passport_hash_opts *ho,
			 struct passport_report *rep, struct exl_err *err);

/* One line for a finding: "hash mismatch: a.bin (expected sha256 ...,
 * found ...)".  malloc'd. */
char *passport_finding_line(const struct passport_finding *f);

/* Count of findings that are problems (everything but ok). */
size_t passport_report_file_problems(const struct passport_report *rep);

/* Add a problem line (printf style). */
void passport_report_problem(struct passport_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The report as JSON (schema "exp-log/passport-verify", version 1). */
json_object *passport_report_json(const struct passport_report *rep,
				  const char *dir);

void passport_report_free(struct passport_report *rep);

#endif
