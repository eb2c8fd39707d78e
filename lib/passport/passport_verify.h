/* passport_verify.h - does a checkpoint directory still match its
 * passport, and is the signoff bound to it?
 *
 * Every manifest entry gets one status; every file on disk the manifest
 * does not list is "extra".  Then the signoff (when there is one, or
 * when asked for) is checked: its passport sha256 must be this
 * MODEL_PASSPORT.json's, its weight list must be exactly the passport's
 * weight files with the same hashes, and its Ed25519 signature (when
 * present, or when a public key is given) must hold.  The report carries
 * it all; ok is set only when everything holds.
 */
#ifndef EXL_PASSPORT_VERIFY_H
#define EXL_PASSPORT_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "util/exl_err.h"
#include "passport/passport_hash.h"
#include "passport/passport_tree.h"
#include "passport/passport_check.h"

struct passport_verify_opts {
	int require_signoff;
	const char *pubkey_path;	/* pin the signer; implies a signature */
	const char *trusted_keys;	/* NULL: the defaults (passport_trust.h) */
	struct passport_hash_opts hash;
};

/* Verify dir.  Returns 0 when the check ran (rep->ok is the answer), -1
 * when it could not (dir unreadable, bad --pubkey, no memory). */
int passport_verify(const char *dir, const struct passport_verify_opts *o,
		    struct passport_report *rep, struct exl_err *err);

#endif
