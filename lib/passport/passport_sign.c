/* passport_sign.c - signoff documents and their Ed25519 signatures (see
 * passport_sign.h). */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "util/canonjson.h"
#include "util/fileio.h"
#include "util/jsonfile.h"
#include "passport/passport_manifest.h"
#include "passport/passport_sign.h"
#include "util/timefmt.h"

#define ED25519_PUB_LEN 32
#define ED25519_SIG_LEN 64
#define KEY_FILE_MAX (64u << 10)

int passport_is_weight(const char *path)
{
	static const char *const exts[] = {
		".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".npz", ".npy",
		".msgpack", ".h5", ".hdf5", ".gguf", ".onnx", NULL
	};
	const char *name = strrchr(path, '/'), *dot, *p;
	const char *const *e;

	name = name ? name + 1 : path;
	dot = strrchr(name, '.');
	for (e = exts; dot && *e; e++)
		if (strcasecmp(dot, *e) == 0)
			return 1;
	/* a "params" directory anywhere above the file */
	for (p = path; (p = strstr(p, "params/")); p++)
		if (p == path || p[-1] == '/')
			return 1;
	return 0;
}

int passport_verdict_check(const char *verdict, const char *reason,
			   struct exl_err *err)
{
	const char *r = reason ? reason : "";

	if (!verdict || (strcmp(verdict, "pass") != 0 &&
			 strcmp(verdict, "soft_signal") != 0))
		return exl_errf(err, "verdict must be pass or soft_signal, not '%s'",
				verdict ? verdict : "");
	while (*r == ' ' || *r == '\t' || *r == '\n')
		r++;
	if (strcmp(verdict, "soft_signal") == 0 && !*r)
		return exl_errf(err, "a soft_signal verdict needs a reason (--reason TEXT): "
				"say what the signal is, so readers of the signoff know");
	if (reason && strlen(reason) > SIGNOFF_REASON_MAX)
		return exl_errf(err, "reason longer than %d bytes", SIGNOFF_REASON_MAX);
	if (reason && !exl_utf8_valid(reason, strlen(reason)))
		return exl_errf(err, "reason is not valid UTF-8");
	return 0;
}

/* ssl_why: the last OpenSSL error as text (the queue is cleared). */
static const char *ssl_why(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	ERR_clear_error();
	return r ? r : "unknown OpenSSL error";
}

/* load_pem: an Ed25519 key from a PEM file, private or public. */
static EVP_PKEY *load_pem(const char *path, int private_key,
			  struct exl_err *err)
{
	EVP_PKEY *k = NULL;
	size_t len;
	char *text;
	BIO *bio;

	if (exl_read_file(path, KEY_FILE_MAX, &text, &len, err) < 0)
		return NULL;
	bio = BIO_new_mem_buf(text, (int)len);
	if (bio) {
		k = private_key ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) :
				  PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
		BIO_free(bio);
	}
	OPENSSL_cleanse(text, len);
	free(text);
	if (!k) {
		exl_errf(err, "%s: not a PEM %s key (%s)%s", path,
			 private_key ? "private" : "public", ssl_why(),
			 private_key ? "" : ": make one with "
			 "'openssl pkey -in KEY.pem -pubout -out PUB.pem'");
		return NULL;
	}
	if (EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(k);
		exl_errf(err, "%s: not an Ed25519 key: make one with "
			 "'openssl genpkey -algorithm ed25519 -out KEY.pem'", path);
		return NULL;
	}
	return k;
}

EVP_PKEY *passport_key_load_private(const char *path, struct exl_err *err)
{
	return load_pem(path, 1, err);
}

EVP_PKEY *passport_key_load_public(const char *path, struct exl_err *err)
{
	return load_pem(path, 0, err);
}

static char *b64_encode(const unsigned char *in, size_t n)
{
	char *out = malloc(4 * ((n + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	return out;
}

/* b64_decode: exactly want bytes from padded base64 s, else -1. */
static int b64_decode(const char *s, unsigned char *out, size_t want)
{
	unsigned char buf[3 * ((ED25519_SIG_LEN + 2) / 3)];
	size_t len = s ? strlen(s) : 0, pad = 0;
	int n;

	if (want > sizeof(buf) || len != 4 * ((want + 2) / 3))
		return -1;
	n = EVP_DecodeBlock(buf, (const unsigned char *)s, (int)len);
	while (pad < 2 && len > pad && s[len - 1 - pad] == '=')
		pad++;
	if (n < 0 || (size_t)n - pad != want)
		return -1;
	memcpy(out, buf, want);
	return 0;
}

/* raw_public: the 32 raw bytes of an Ed25519 key and their key id. */
static int raw_public(EVP_PKEY *k, unsigned char raw[ED25519_PUB_LEN],
		      char key_id[EXL_SHA256_HEX])
{
	size_t n = ED25519_PUB_LEN;

	if (EVP_PKEY_get_raw_public_key(k, raw, &n) != 1 || n != ED25519_PUB_LEN)
		return -1;
	return exl_sha256_buf(raw, n, key_id);
}

int passport_signature_add(json_object *doc, EVP_PKEY *key,
			   struct exl_err *err)
{
	unsigned char raw[ED25519_PUB_LEN], sig[ED25519_SIG_LEN];
	char key_id[EXL_SHA256_HEX], *msg, *pub64 = NULL, *sig64 = NULL;
	size_t len, siglen = sizeof(sig);
	EVP_MD_CTX *ctx;
	json_object *s;
	int rc = -1;

	msg = exl_canon_json(doc, "signature", &len, err);
	if (!msg)
		return -1;
	ctx = EVP_MD_CTX_new();
	if (!ctx || raw_public(key, raw, key_id) < 0 ||
	    EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, (unsigned char *)msg, len) != 1 ||
	    siglen != ED25519_SIG_LEN) {
		exl_errf(err, "couldn't sign: %s", ssl_why());
		goto out;
	}
	pub64 = b64_encode(raw, sizeof(raw));
	sig64 = b64_encode(sig, siglen);
	if (!pub64 || !sig64) {
		exl_errnof(err, ENOMEM, "couldn't sign");
		goto out;
	}
	s = json_object_new_object();
	exl_json_set_str(s, "algorithm", "ed25519");
	exl_json_set_str(s, "public_key", pub64);
	exl_json_set_str(s, "key_id", key_id);
	exl_json_set_str(s, "value", sig64);
	json_object_object_add(doc, "signature", s);
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	free(msg);
	free(pub64);
	free(sig64);
	return rc;
}

/* invalid: exl_errf that returns 1, the "does not hold" answer. */
static int __attribute__((format(printf, 2, 3)))
invalid(struct exl_err *err, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->text, sizeof(err->text), fmt, ap);
		va_end(ap);
	}
	return 1;
}

int passport_signature_check(json_object *doc, EVP_PKEY *pinned,
			     char key_id[EXL_SHA256_HEX], struct exl_err *err)
{
	unsigned char pub[ED25519_PUB_LEN], pin[ED25519_PUB_LEN];
	unsigned char sig[ED25519_SIG_LEN];
	char id[EXL_SHA256_HEX], pin_id[EXL_SHA256_HEX], *msg = NULL;
	EVP_PKEY *embedded = NULL;
	EVP_MD_CTX *ctx = NULL;
	json_object *s;
	const char *alg;
	size_t len;
	int rc = 1;

	if (key_id)
		key_id[0] = '\0';
	if (!json_object_object_get_ex(doc, "signature", &s) ||
	    !json_object_is_type(s, json_type_object))
		return invalid(err, "not signed");
	alg = exl_json_str(s, "algorithm");
	if (!alg || strcmp(alg, "ed25519") != 0)
		return invalid(err, "signature algorithm is not ed25519");
	if (b64_decode(exl_json_str(s, "value"), sig, sizeof(sig)) < 0)
		return invalid(err, "signature value is not 64 bytes of base64");
	if (b64_decode(exl_json_str(s, "public_key"), pub, sizeof(pub)) < 0)
		return invalid(err, "signature public_key is not 32 bytes of base64");
	if (exl_sha256_buf(pub, sizeof(pub), id) < 0)
		return invalid(err, "couldn't hash the public key");
	if (key_id)
		memcpy(key_id, id, EXL_SHA256_HEX);
	if (pinned) {
		if (raw_public(pinned, pin, pin_id) < 0)
			return invalid(err, "unusable public key: %s", ssl_why());
		if (memcmp(pin, pub, sizeof(pub)) != 0)
			return invalid(err, "made with key %.16s, not with the given public key %.16s",
				       id, pin_id);
	} else {
		embedded = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL,
						       pub, sizeof(pub));
		if (!embedded)
			return invalid(err, "signature public_key is not an Ed25519 key");
	}
	msg = exl_canon_json(doc, "signature", &len, err);
	if (!msg) {
		EVP_PKEY_free(embedded);
		return 1;	/* a document that cannot be canonical was not signed by us */
	}
	ctx = EVP_MD_CTX_new();
	if (ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL,
					pinned ? pinned : embedded) == 1 &&
	    EVP_DigestVerify(ctx, sig, sizeof(sig), (unsigned char *)msg, len) == 1)
		rc = 0;
	else
		exl_errf(err, "does not match the document: it was altered after signing, or forged");
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(embedded);
	free(msg);
	return rc;
}

/* signer_json: who signs, where, when. */
static json_object *signer_json(time_t now)
{
	char host[256] = "", when[64], uid[32];
	struct passwd pw, *res = NULL;
	const char *user = NULL;
	json_object *s = json_object_new_object();
	char buf[4096];

	if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) == 0 && res)
		user = res->pw_name;
	if (!user)
		user = getenv("USER");
	if (!user || !exl_utf8_valid(user, strlen(user))) {
		snprintf(uid, sizeof(uid), "uid %ld", (long)geteuid());
		user = uid;
	}
	if (gethostname(host, sizeof(host) - 1) < 0 ||
	    !exl_utf8_valid(host, strlen(host)))
		strcpy(host, "unknown");
	exl_time_iso(now, when, sizeof(when));
	exl_json_set_str(s, "user", user);
	exl_json_set_str(s, "host", host);
	exl_json_set_str(s, "time", when);
	return s;
}

/* signoff_json: the signoff document for a verified passport. */
static json_object *signoff_json(const struct passport_sign_opts *o,
				 const struct passport_doc *d, size_t *nweights)
{
	json_object *doc = json_object_new_object();
	json_object *pp = json_object_new_object();
	json_object *w = json_object_new_array();
	size_t i;

	exl_json_set_str(doc, "schema", SIGNOFF_SCHEMA);
	exl_json_set_int(doc, "schema_version", SIGNOFF_SCHEMA_VERSION);
	exl_json_set_str(doc, "verdict", o->verdict);
	if (o->reason && *o->reason)
		exl_json_set_str(doc, "verdict_reason", o->reason);
	else
		json_object_object_add(doc, "verdict_reason", NULL);
	json_object_object_add(doc, "signer", signer_json(o->now ? o->now :
							   time(NULL)));
	json_object_object_add(doc, "tool", passport_tool_json());
	exl_json_set_str(pp, "file", PASSPORT_FILE);
	exl_json_set_str(pp, "sha256", d->sha256);
	json_object_object_add(doc, "passport", pp);
	*nweights = 0;
	for (i = 0; i < d->files.n; i++) {
		const struct passport_entry *e = &d->files.v[i];
		json_object *f;

		if (e->kind != PASSPORT_REG || !passport_is_weight(e->path))
			continue;
		f = json_object_new_object();
		exl_json_set_str(f, "path", e->path);
		exl_json_set_int(f, "size", (long long)e->size);
		exl_json_set_str(f, "sha256", e->sha256);
		json_object_array_add(w, f);
		(*nweights)++;
	}
	json_object_object_add(doc, "weights", w);
	return doc;
}

/* sign_checked: after the files verified, write the signoff. */
static int sign_checked(const char *spath, const struct passport_sign_opts *o,
			const struct passport_doc *d, EVP_PKEY *key,
			struct passport_report *rep, struct exl_err *err)
{
	json_object *doc = signoff_json(o, d, &rep->signed_weights);
	int rc = 0;

	if (key)
		rc = passport_signature_add(doc, key, err);
	if (rc == 0)
		rc = exl_json_write(spath, doc, err);
	json_object_put(doc);
	return rc;
}

int passport_sign(const char *dir, const struct passport_sign_opts *o,
		  struct passport_report *rep, struct exl_err *err)
{
	char *spath = exl_path_join(dir, SIGNOFF_FILE);
	struct passport_doc d = { 0 };
	EVP_PKEY *key = NULL;
	struct stat st;
	int rootfd = -1, rc = -1, loaded;

	memset(rep, 0, sizeof(*rep));
	if (!spath)
		return exl_errnof(err, ENOMEM, "%s", dir);
	if (passport_verdict_check(o->verdict, o->reason, err) < 0)
		goto out;
	if (o->key_path && !(key = passport_key_load_private(o->key_path, err)))
		goto out;
	if (lstat(spath, &st) == 0 && (!S_ISREG(st.st_mode) || !o->force)) {
		exl_errf(err, S_ISREG(st.st_mode) ?
			 "%s: exists: pass --force to replace it with a new signoff" :
			 "%s: exists and is not a regular file", spath);
		goto out;
	}
	loaded = passport_doc_load(dir, &d, err);
	if (loaded == 1)
		exl_errf(err, "%s: no %s: run 'passport generate %s' first", dir,
			 PASSPORT_FILE, dir);
	if (loaded != 0)
		goto out;
	rep->passport_found = 1;
	memcpy(rep->passport_sha256, d.sha256, EXL_SHA256_HEX);
	rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		exl_errnof(err, errno, "couldn't open %s", dir);
		goto out;
	}
	if (passport_check_files(rootfd, dir, &d.files, &o->hash, rep, err) < 0)
		goto out;
	if (passport_report_file_problems(rep) > 0) {
		rc = 1;		/* never sign what does not match */
		goto out;
	}
	rc = sign_checked(spath, o, &d, key, rep, err);
	rep->ok = rc == 0;
out:
	if (rootfd >= 0)
		close(rootfd);
	passport_doc_free(&d);
	EVP_PKEY_free(key);
	free(spath);
	return rc;
}
