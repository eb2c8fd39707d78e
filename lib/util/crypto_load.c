/* crypto_load.c - libcrypto's digest functions by dlopen (crypto_load.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util/crypto_load.h"

/* The sonames to try: OpenSSL 3, then 1.1 (same EVP calls). */
static const char *const sonames[] = { "libcrypto.so.3", "libcrypto.so.1.1" };

static struct exl_crypto fns;
static int loaded;
static char why[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* sym: one function of handle h into *slot; -1 (with why) if missing. */
static int sym(void *h, const char *name, void *slot)
{
	void *p = dlsym(h, name);

	if (!p) {
		snprintf(why, sizeof(why), "libcrypto has no %s", name);
		return -1;
	}
	/* POSIX: a data pointer from dlsym converts to a function pointer */
	memcpy(slot, &p, sizeof(p));
	return 0;
}

static void load(void)
{
	void *h = NULL;
	size_t i;

	for (i = 0; !h && i < sizeof(sonames) / sizeof(sonames[0]); i++)
		h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(why, sizeof(why), "couldn't load libcrypto (%s): "
			 "install OpenSSL's library", dlerror());
		return;
	}
	if (sym(h, "EVP_Digest", &fns.digest) < 0 ||
	    sym(h, "EVP_sha256", &fns.sha256) < 0 ||
	    sym(h, "EVP_MD_CTX_new", &fns.ctx_new) < 0 ||
	    sym(h, "EVP_MD_CTX_free", &fns.ctx_free) < 0 ||
	    sym(h, "EVP_DigestInit_ex", &fns.init) < 0 ||
	    sym(h, "EVP_DigestUpdate", &fns.update) < 0 ||
	    sym(h, "EVP_DigestFinal_ex", &fns.final) < 0)
		return;	/* the handle stays: dlclose could unmap a tool's copy */
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
