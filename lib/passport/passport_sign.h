/* passport_sign.h - SIGNOFF.json: a person's verdict on a checkpoint,
 * bound to its passport and weight files, optionally signed.
 *
 * Layout (schema_version 1):
 *   schema "exp-log/signoff", schema_version, verdict ("pass" or
 *   "soft_signal"), verdict_reason (required for soft_signal, else
 *   string or null), signer {user, host, time}, tool,
 *   passport {file, sha256 of MODEL_PASSPORT.json's bytes},
 *   weights [ {path, size, sha256} ] (the passport's weight files),
 *   signature {algorithm "ed25519", public_key, key_id, value}
 *     (only with a key).
 * The signature is Ed25519 over the canonical JSON (canonjson.h) of the
 * whole document without its "signature" member; public_key and value
 * are base64, key_id is the sha256 (hex) of the raw 32-byte public key.
 */
#ifndef EXL_PASSPORT_SIGN_H
#define EXL_PASSPORT_SIGN_H

#include <time.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "util/exl_err.h"
#include "passport/passport_hash.h"
#include "passport/passport_check.h"

#define SIGNOFF_SCHEMA "exp-log/signoff"
#define SIGNOFF_SCHEMA_VERSION 1
#define SIGNOFF_JSON_MAX (256u << 20)
#define SIGNOFF_REASON_MAX 4096

/* The weight-file rule: a file whose name ends in .safetensors .bin .pt
 * .pth .ckpt .npz .npy .msgpack .h5 .hdf5 .gguf or .onnx (any case), or
 * any file below a directory named "params" (Flax/Orbax checkpoints). */
int passport_is_weight(const char *path);

/* 0 when verdict is "pass" or "soft_signal" and reason fits it (needed,
 * non-blank, for soft_signal; at most SIGNOFF_REASON_MAX bytes, UTF-8). */
int passport_verdict_check(const char *verdict, const char *reason,
			   struct exl_err *err);

struct passport_sign_opts {
	const char *verdict;
	const char *reason;	/* NULL: none */
	const char *key_path;	/* Ed25519 private key (PEM); NULL: unsigned */
	int force;		/* replace an existing SIGNOFF.json */
	time_t now;		/* 0: now */
	struct passport_hash_opts hash;
};

/* Re-verify every file of dir against its passport, then write
 * dir/SIGNOFF.json.  Returns 0 when written, 1 when refused because the
 * files do not match (rep lists why), -1 on error. */
int passport_sign(const char *dir, const struct passport_sign_opts *o,
		  struct passport_report *rep, struct exl_err *err);

/* Ed25519 keys from PEM files (no symlinks followed). */
EVP_PKEY *passport_key_load_private(const char *path, struct exl_err *err);
EVP_PKEY *passport_key_load_public(const char *path, struct exl_err *err);

/* Sign doc (canonical JSON without "signature") and add its "signature"
 * member. */
int passport_signature_add(json_object *doc, EVP_PKEY *key,
			   struct exl_err *err);

/* Check doc's signature, with pinned when given, else with the public
 * key the document carries.  Returns 0 when valid, 1 when not (unsigned,
 * malformed, another key, altered or forged; err says which).  key_id
 * (may be NULL) receives the signing key's id once it is known. */
int passport_signature_check(json_object *doc, EVP_PKEY *pinned,
			     char key_id[EXL_SHA256_HEX], struct exl_err *err);

#endif
