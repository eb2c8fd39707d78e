/* Unit tests: weight-file rule, verdicts, Ed25519 signatures over the
 * canonical JSON: round trip, wrong key, forged and altered documents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "util/canonjson.h"
#include "util/jsonfile.h"
#include "passport_fixture.h"
#include "passport_keys.h"
#include "passport/passport_sign.h"
#include "tap.h"

static void weight_rule(void)
{
	static const struct { const char *p; int w; } t[] = {
		{ "model.safetensors", 1 }, { "a/b/pytorch_model-00001-of-00002.bin", 1 },
		{ "ckpt.PT", 1 }, { "x.pth", 1 }, { "last.ckpt", 1 }, { "w.npz", 1 },
		{ "w.npy", 1 }, { "flax_model.msgpack", 1 }, { "tf_model.h5", 1 },
		{ "m.hdf5", 1 }, { "llama.gguf", 1 }, { "model.onnx", 1 },
		{ "checkpoints/1000/params/d/0.0", 1 }, { "params/_METADATA", 1 },
		{ "config.json", 0 }, { "tokenizer.model", 0 }, { "README.md", 0 },
		{ "myparams/x", 0 }, { "params", 0 }, { "a.bin.txt", 0 },
		{ "bin", 0 }, { "assets/norm_stats.json", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(passport_is_weight(t[i].p), t[i].w, "weight rule: %s", t[i].p);
}

static void verdicts(void)
{
	struct exl_err err;
	char *long_reason = malloc(SIGNOFF_REASON_MAX + 2);

	memset(long_reason, 'x', SIGNOFF_REASON_MAX + 1);
	long_reason[SIGNOFF_REASON_MAX + 1] = '\0';
	is_int(passport_verdict_check("pass", NULL, &err), 0, "pass, no reason");
	is_int(passport_verdict_check("pass", "clean eval", &err), 0, "pass, a reason");
	is_int(passport_verdict_check("soft_signal", "loss spike at 9k", &err), 0,
	       "soft_signal with a reason");
	ok(passport_verdict_check("soft_signal", NULL, &err) < 0 &&
	   strstr(err.text, "needs a reason"), "soft_signal without a reason");
	ok(passport_verdict_check("soft_signal", " \t\n", &err) < 0,
	   "soft_signal with a blank reason");
	ok(passport_verdict_check("fail", NULL, &err) < 0 &&
	   strstr(err.text, "pass or soft_signal"), "unknown verdict");
	ok(passport_verdict_check("pass", long_reason, &err) < 0, "reason too long");
	ok(passport_verdict_check("pass", "\xff", &err) < 0, "reason not UTF-8");
	free(long_reason);
}

static json_object *sample(void)
{
	const char *t = "{\"schema\":\"exp-log/signoff\",\"verdict\":\"pass\","
			"\"weights\":[{\"path\":\"m.safetensors\",\"size\":3}],"
			"\"verdict_reason\":null}";
	struct exl_err err;

	return exl_json_parse(t, strlen(t), "sample", &err);
}

/* raw_verify: check the signature with OpenSSL alone, over the canonical
 * bytes, to pin down what exactly is signed. */
static int raw_verify(json_object *doc, const char *pub_path)
{
	struct exl_err err;
	EVP_PKEY *pub = passport_key_load_public(pub_path, &err);
	json_object *s = json_object_object_get(doc, "signature");
	const char *v64 = exl_json_str(s, "value");
	unsigned char sig[66];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t len;
	char *msg = exl_canon_json(doc, "signature", &len, &err);
	int n, rc = 0;

	n = v64 ? EVP_DecodeBlock(sig, (const unsigned char *)v64, 88) : -1;
	if (pub && msg && ctx && n == 66 &&
	    EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pub) == 1)
		rc = EVP_DigestVerify(ctx, sig, 64, (unsigned char *)msg, len) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pub);
	free(msg);
	return rc;
}

static void signatures(void)
{
	EVP_PKEY *key, *pub, *other_pub, *attacker;
	char id[EXL_SHA256_HEX];
	struct exl_err err;
	json_object *doc, *s;

	ok(fx_keypair("ED25519", fx("key.pem"), fx("pub.pem")) == 0 &&
	   fx_keypair("ED25519", fx("key2.pem"), fx("pub2.pem")) == 0 &&
	   fx_keypair("EC", fx("ec.pem"), NULL) == 0, "keys made");
	key = passport_key_load_private(fx("key.pem"), &err);
	pub = passport_key_load_public(fx("pub.pem"), &err);
	other_pub = passport_key_load_public(fx("pub2.pem"), &err);
	attacker = passport_key_load_private(fx("key2.pem"), &err);
	ok(key && pub && other_pub && attacker, "keys loaded");
	ok(!passport_key_load_private(fx("ec.pem"), &err) &&
	   strstr(err.text, "not an Ed25519 key"), "EC key refused");
	ok(!passport_key_load_public(fx("key.pem"), &err) &&
	   strstr(err.text, "not a PEM public key"), "private key as --pubkey refused");
	fx_write_str("junk.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
	ok(!passport_key_load_private(fx("junk.pem"), &err), "junk PEM refused");

	doc = sample();
	ok(passport_signature_add(doc, key, &err) == 0, "sign");
	s = json_object_object_get(doc, "signature");
	is_str(exl_json_str(s, "algorithm"), "ed25519", "algorithm recorded");
	is_int(strlen(exl_json_str(s, "value")), 88, "64-byte signature, base64");
	is_int(passport_signature_check(doc, NULL, id, &err), 0,
	       "valid with the embedded key");
	is_str(id, exl_json_str(s, "key_id"), "key id reported");
	is_int(passport_signature_check(doc, pub, id, &err), 0,
	       "valid with the pinned public key");
	ok(raw_verify(doc, fx("pub.pem")), "OpenSSL alone verifies the canonical bytes");
	is_int(passport_signature_check(doc, other_pub, id, &err), 1,
	       "another public key: invalid");
	ok(strstr(err.text, "not with the given public key") != NULL, "says why");

	/* altered after signing */
	json_object_object_add(doc, "verdict", json_object_new_string("soft_signal"));
	is_int(passport_signature_check(doc, pub, id, &err), 1, "altered verdict: invalid");
	json_object_object_add(doc, "verdict", json_object_new_string("pass"));
	is_int(passport_signature_check(doc, pub, id, &err), 0, "restored: valid again");
	json_object_object_add(doc, "extra", json_object_new_string("x"));
	is_int(passport_signature_check(doc, NULL, id, &err), 1, "added member: invalid");
	json_object_object_del(doc, "extra");

	/* forged: a signature value made up, or made with another key */
	json_object_object_add(s, "value", json_object_new_string(
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="));
	is_int(passport_signature_check(doc, NULL, id, &err), 1, "forged value: invalid");
	ok(strstr(err.text, "forged") != NULL, "says forged or altered");
	json_object_object_add(s, "value", json_object_new_string("bm90IGJhc2U2NA"));
	is_int(passport_signature_check(doc, NULL, id, &err), 1, "malformed value: invalid");
	json_object_object_del(doc, "signature");
	is_int(passport_signature_check(doc, NULL, id, &err), 1, "unsigned: not valid");
	ok(passport_signature_add(doc, attacker, &err) == 0, "attacker re-signs");
	is_int(passport_signature_check(doc, NULL, id, &err), 0,
	       "self-consistent with its own embedded key...");
	is_int(passport_signature_check(doc, pub, id, &err), 1,
	       "...but refused once the signer is pinned");
	json_object_put(doc);

	doc = sample();
	json_object_object_add(doc, "float", json_object_new_double(0.5));
	ok(passport_signature_add(doc, key, &err) < 0 && strstr(err.text, "floating"),
	   "documents with doubles are not signed");
	json_object_put(doc);
	EVP_PKEY_free(key);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(other_pub);
	EVP_PKEY_free(attacker);
}

int main(void)
{
	if (fx_start() < 0)
		return 1;
	weight_rule();
	verdicts();
	signatures();
	fx_finish();
	return done_testing();
}
