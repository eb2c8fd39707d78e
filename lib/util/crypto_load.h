/* crypto_load.h - OpenSSL's digest functions, loaded on first use.
 *
 * exp_log_core.so is loaded by srun, slurmstepd and the epilog for every
 * --exp-log job; linking libcrypto would make each of them load and
 * relocate it (about 2.6 ms, more than all its other libraries together)
 * though a job hashes only when it has a config file, a git patch or a
 * dataset to hash.  So sha256file.c reaches libcrypto through this table,
 * filled by dlopen the first time a hash is asked for.  The tools that
 * link libcrypto for their own use get the copy already loaded.
 */
#ifndef EXL_CRYPTO_LOAD_H
#define EXL_CRYPTO_LOAD_H

#include <stddef.h>

#include <openssl/evp.h>

struct exl_crypto {
	int (*digest)(const void *data, size_t count, unsigned char *md,
		      unsigned int *size, const EVP_MD *type, ENGINE *impl);
	const EVP_MD *(*sha256)(void);
	EVP_MD_CTX *(*ctx_new)(void);
	void (*ctx_free)(EVP_MD_CTX *ctx);
	int (*init)(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl);
	int (*update)(EVP_MD_CTX *ctx, const void *d, size_t cnt);
	int (*final)(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s);
};

/* The functions, loaded once (thread-safe); NULL when libcrypto could
 * not be loaded, with why in exl_crypto_error(). */
const struct exl_crypto *exl_crypto(void);

/* Why exl_crypto() returned NULL ("" otherwise). */
const char *exl_crypto_error(void);

#endif
