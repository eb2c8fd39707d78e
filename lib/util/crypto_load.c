/* crypto_load.c - libcrypto's digest functions by dlopen (crypto_load.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "exl_build.h"
#include "util/crypto_load.h"

static struct exl_crypto fns;
static int loaded;
static char why[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* sym: one function of handle h into *slot; -1 (with why) if missing. */
static int sym(void *h, const char *name, void *slot)
{
	void *p = dlsym(h, name);

	if (!p) {
		snprintf(why, sizeof(why), "%s has no %s: reinstall OpenSSL's "
			 "library", CRYPTO_SONAME, name);
		return -1;
	}
	/* POSIX: a data pointer from dlsym converts to a function pointer */
	memcpy(slot, &p, sizeof(p));
	return 0;
}

static void load(void)
{
	/* the soname configure found; NODELETE: the table outlives any
	 * caller; LOCAL: its symbols never satisfy another module's */
	void *h = dlopen(CRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);

	if (!h) {
		snprintf(why, sizeof(why), "couldn't load %s: %s", CRYPTO_SONAME,
			 dlerror());
		return;
	}
	if (sym(h, "EVP_Digest", &fns.digest) < 0 ||
	    sym(h, "EVP_sha256", &fns.sha256) < 0 ||
	    sym(h, "EVP_MD_CTX_new", &fns.ctx_new) < 0 ||
	    sym(h, "EVP_MD_CTX_free", &fns.ctx_free) < 0 ||
	    sym(h, "EVP_DigestInit_ex", &fns.init) < 0 ||
	    sym(h, "EVP_DigestUpdate", &fns.update) < 0 ||
	    sym(h, "EVP_DigestFinal_ex", &fns.final) < 0)
		return;
	loaded = 1;
}

const struct exl_crypto *exl_crypto(void)
{
	if (pthread_once(&once, load) != 0)
		return NULL;
	return loaded ? &fns : NULL;
}

const char *exl_crypto_error(void)
{
	return loaded ? "" : why;
}
