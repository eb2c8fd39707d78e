/* passport_trust.h - which signing keys a verifier trusts.
 *
 * A signature only proves a signoff was not altered since someone signed
 * it; who signed is a trust decision.  Trusted keys are listed by id (the
 * sha256 of the raw public key, 64 hex digits, as `passport verify
 * --json` reports it) in trusted-keys files: the site's
 * /etc/exp-log/trusted-keys and the user's ~/.config/exp-log/trusted-keys,
 * or instead the colon-separated files in $EXP_LOG_TRUSTED_KEYS.  One id
 * per line; text after it and lines starting with '#' are comments.
 */
#ifndef EXL_PASSPORT_TRUST_H
#define EXL_PASSPORT_TRUST_H

#include <stddef.h>

#include "util/exl_err.h"

#define PASSPORT_TRUST_SITE "/etc/exp-log/trusted-keys"
#define PASSPORT_TRUST_USER ".config/exp-log/trusted-keys"	/* in $HOME */
#define PASSPORT_TRUST_ENV "EXP_LOG_TRUSTED_KEYS"

/* Is key_id listed in one of the trusted-keys files (files: a
 * colon-separated list; NULL: $EXP_LOG_TRUSTED_KEYS, else the site and
 * user files)?  1 yes (where, if not NULL, names the file), 0 no, -1
 * when a file exists but cannot be read or holds a malformed line (err
 * says which; nothing is trusted then).  Missing files list nothing. */
int passport_key_trusted(const char *key_id, const char *files,
			 char *where, size_t wlen, struct exl_err *err);

#endif
