/* passport_keys.h - throwaway Ed25519 (and other) key files for the
 * signing tests, written as PEM like openssl genpkey does. */
#ifndef EXL_PASSPORT_KEYS_H
#define EXL_PASSPORT_KEYS_H

#include <stdio.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

/* fx_keypair: a new key of type ("ED25519", "EC") written to priv_path
 * and pub_path (either may be NULL).  Returns 0. */
static int __attribute__((unused))
fx_keypair(const char *type, const char *priv_path, const char *pub_path)
{
	EVP_PKEY *k = strcmp(type, "EC") == 0 ?
		      EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256") :
		      EVP_PKEY_Q_keygen(NULL, NULL, type);
	FILE *f;
	int rc = 0;

	if (!k)
		return -1;
	if (priv_path) {
		f = fopen(priv_path, "w");
		if (!f || !PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL))
			rc = -1;
		if (f && fclose(f) != 0)
			rc = -1;
	}
	if (pub_path) {
		f = fopen(pub_path, "w");
		if (!f || !PEM_write_PUBKEY(f, k))
			rc = -1;
		if (f && fclose(f) != 0)
			rc = -1;
	}
	EVP_PKEY_free(k);
	return rc;
}

#endif
