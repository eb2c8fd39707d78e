/* Unit tests: verify and sign against a real tree - every tamper kind,
 * the passport/signoff binding, signatures, refusals. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/jsonfile.h"
#include "passport_fixture.h"
#include "passport_keys.h"
#include "passport/passport_manifest.h"
#include "passport/passport_sign.h"
#include "passport/passport_verify.h"
#include "tap.h"

static char keys[] = "/tmp/exl-passport-keys-XXXXXX";

static const char *key(const char *name)
{
	return fx_join(keys, name);
}

/* build: a small checkpoint with weights, config, a link; passport. */
static int build(void)
{
	struct passport_gen_opts o = { .now = 1772028131 };
	struct passport_gen_result res;
	struct exl_err err;

	fx_clean();
	fx_write_pattern("model-00001-of-00002.safetensors", 3 << 20, 1);
	fx_write_pattern("model-00002-of-00002.safetensors", 5000, 2);
	fx_write_pattern("checkpoints/100/params/d/0", 7000, 3);
	fx_write_str("config.json", "{\"hidden\": 64}\n");
	fx_write_str("tokenizer.json", "{}\n");
	if (symlink("model-00001-of-00002.safetensors", fx("latest")) < 0)
		return -1;
	if (passport_generate(fx_root, &o, &res, &err) < 0) {
		diag("%s", err.text);
		return -1;
	}
	return 0;
}

static int sign(const char *verdict, const char *reason, const char *keyfile,
		int force, struct passport_report *rep, struct exl_err *err)
{
	struct passport_sign_opts o = { .verdict = verdict, .reason = reason,
					.key_path = keyfile, .force = force };

	return passport_sign(fx_root, &o, rep, err);
}

/* check: verify the scratch tree; returns rep.ok, keeps rep for looks. */
static int check(int require, const char *pubkey, struct passport_report *rep)
{
	struct passport_verify_opts o = { .require_signoff = require,
					  .pubkey_path = pubkey };
	struct exl_err err;

	passport_report_free(rep);
	if (passport_verify(fx_root, &o, rep, &err) < 0) {
		diag("%s", err.text);
		return -1;
	}
	return rep->ok;
}

static const struct passport_finding *finding(const struct passport_report *r,
					      const char *path)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++)
		if (strcmp(r->files[i].path, path) == 0)
			return &r->files[i];
	return NULL;
}

static int has_problem(const struct passport_report *r, const char *text)
{
	size_t i;

	for (i = 0; i < r->nproblems; i++)
		if (strstr(r->problems[i], text))
			return 1;
	return 0;
}

/* expect_status: after a tamper, exactly one finding, of this status. */
static void expect_status(const char *what, const char *path,
			  enum passport_status st)
{
	struct passport_report rep = { 0 };
	const struct passport_finding *f;

	is_int(check(0, NULL, &rep), 0, "%s: verify fails", what);
	f = finding(&rep, path);
	ok(f && f->status == st, "%s: %s is %s", what, path,
	   passport_status_name(st));
	is_int(passport_report_file_problems(&rep), 1, "%s: only that file", what);
	passport_report_free(&rep);
}

static void tampering(void)
{
	struct passport_report rep = { 0 };
	const struct passport_finding *f;
	char *line;
	int fd;

	ok(build() == 0, "checkpoint built");
	is_int(check(0, NULL, &rep), 1, "untouched checkpoint verifies");
	is_int(rep.counts[PASSPORT_OK], 6, "6 entries ok");
	is_int(rep.bytes_hashed, (3 << 20) + 5000 + 7000 + 15 + 3, "every byte hashed");
	passport_report_free(&rep);

	fd = open(fx("model-00002-of-00002.safetensors"), O_WRONLY);
	ok(fd >= 0 && pwrite(fd, "X", 1, 4000) == 1, "flip one byte");
	close(fd);
	expect_status("modified", "model-00002-of-00002.safetensors",
		      PASSPORT_HASH_MISMATCH);
	check(0, NULL, &rep);
	line = passport_finding_line(finding(&rep, "model-00002-of-00002.safetensors"));
	ok(line && strncmp(line, "hash mismatch: model-00002-of-00002.safetensors (expected sha256 ", 65) == 0,
	   "hash mismatch line");
	free(line);
	passport_report_free(&rep);

	ok(build() == 0 && truncate(fx("config.json"), 3) == 0, "truncate");
	expect_status("truncated", "config.json", PASSPORT_SIZE_MISMATCH);
	check(0, NULL, &rep);
	line = passport_finding_line(finding(&rep, "config.json"));
	is_str(line, "size mismatch: config.json (expected 15 bytes, found 3)",
	       "size mismatch line");
	free(line);
	passport_report_free(&rep);

	ok(build() == 0 && unlink(fx("tokenizer.json")) == 0, "delete");
	expect_status("deleted", "tokenizer.json", PASSPORT_MISSING);

	ok(build() == 0 && fx_write_str("notes.txt", "hi") == 0, "add");
	expect_status("added", "notes.txt", PASSPORT_EXTRA);

	ok(build() == 0 && mkfifo(fx("pipe"), 0644) == 0, "add a FIFO");
	expect_status("FIFO added", "pipe", PASSPORT_EXTRA);
	check(0, NULL, &rep);
	is_str(finding(&rep, "pipe")->detail, "a FIFO", "FIFO named");
	passport_report_free(&rep);

	ok(build() == 0 && unlink(fx("config.json")) == 0 &&
	   symlink("/etc/hostname", fx("config.json")) == 0,
	   "file replaced by a symlink out");
	expect_status("file to link", "config.json", PASSPORT_TYPE_MISMATCH);
	check(0, NULL, &rep);
	f = finding(&rep, "config.json");
	is_str(f->detail, "expected a file, found a symlink -> /etc/hostname",
	       "type mismatch detail");
	passport_report_free(&rep);

	ok(build() == 0 && unlink(fx("latest")) == 0 &&
	   symlink("model-00002-of-00002.safetensors", fx("latest")) == 0,
	   "link retargeted");
	expect_status("retargeted", "latest", PASSPORT_TARGET_MISMATCH);

	ok(build() == 0 && chmod(fx("tokenizer.json"), 0) == 0, "unreadable file");
	if (geteuid() == 0) {
		ok(1, "unreadable file # SKIP root reads everything");
		ok(1, "unreadable file # SKIP root reads everything");
		ok(1, "unreadable file # SKIP root reads everything");
	} else {
		expect_status("unreadable", "tokenizer.json", PASSPORT_UNREADABLE);
	}
	chmod(fx("tokenizer.json"), 0644);

	ok(build() == 0 && unlink(fx("MODEL_PASSPORT.json")) == 0, "passport removed");
	is_int(check(0, NULL, &rep), 0, "no passport: fails");
	ok(!rep.passport_found && has_problem(&rep, "no MODEL_PASSPORT.json"),
	   "says the passport is missing");
	passport_report_free(&rep);
}

static void signoffs(void)
{
	struct passport_report rep = { 0 };
	struct exl_err err;
	json_object *so;

	ok(build() == 0, "fresh checkpoint");
	is_int(check(1, NULL, &rep), 0, "--require-signoff without one fails");
	ok(has_problem(&rep, "no SIGNOFF.json"), "says so");
	passport_report_free(&rep);
	is_int(check(0, key("pub.pem"), &rep), 0, "--pubkey without a signoff fails");
	passport_report_free(&rep);

	ok(sign("soft_signal", NULL, NULL, 0, &rep, &err) < 0 &&
	   strstr(err.text, "needs a reason"), "soft_signal without reason refused");
	ok(!fx_exists("SIGNOFF.json"), "nothing written");
	passport_report_free(&rep);

	is_int(sign("pass", NULL, key("key.pem"), 0, &rep, &err), 0, "signed");
	is_int(rep.signed_weights, 3, "3 weight files signed off");
	passport_report_free(&rep);
	is_int(check(1, key("pub.pem"), &rep), 1, "verifies with the pinned key");
	ok(rep.sig == PASSPORT_SIG_VALID && rep.key_pinned, "signature valid, pinned");
	is_str(rep.verdict, "pass", "verdict reported");
	passport_report_free(&rep);
	is_int(check(1, key("pub2.pem"), &rep), 0, "wrong public key: fails");
	ok(rep.sig == PASSPORT_SIG_INVALID, "signature invalid");
	passport_report_free(&rep);

	ok(sign("pass", NULL, NULL, 0, &rep, &err) < 0 && strstr(err.text, "--force"),
	   "existing signoff needs --force");
	passport_report_free(&rep);

	/* forge: edit the signed verdict by hand */
	so = exl_json_read(fx("SIGNOFF.json"), 1 << 20, &err);
	json_object_object_add(so, "verdict", json_object_new_string("soft_signal"));
	json_object_object_add(so, "verdict_reason", json_object_new_string("forged"));
	exl_json_write(fx("SIGNOFF.json"), so, &err);
	json_object_put(so);
	is_int(check(0, NULL, &rep), 0, "edited signoff: fails");
	ok(has_problem(&rep, "signature: does not match"), "signature broken");
	passport_report_free(&rep);

	/* a signoff for another passport */
	ok(sign("soft_signal", "eval drift", key("key.pem"), 1, &rep, &err) == 0,
	   "re-signed with --force");
	passport_report_free(&rep);
	fx_write_str("notes.txt", "new file");
	{
		struct passport_gen_opts o = { .force = 1, .now = 1772028999 };
		struct passport_gen_result res;

		ok(passport_generate(fx_root, &o, &res, &err) == 0,
		   "passport regenerated over a signoff (--force)");
	}
	is_int(check(0, NULL, &rep), 0, "swapped passport: fails");
	ok(has_problem(&rep, "signoff: made for another MODEL_PASSPORT.json"),
	   "binding broken");
	ok(rep.sig == PASSPORT_SIG_VALID, "the signature itself still holds");
	passport_report_free(&rep);

	/* unsigned signoff, then a pinned key */
	ok(sign("pass", NULL, NULL, 1, &rep, &err) == 0, "unsigned signoff");
	passport_report_free(&rep);
	is_int(check(0, NULL, &rep), 1, "unsigned signoff verifies without --require-signoff");
	ok(rep.sig == PASSPORT_SIG_ABSENT, "no signature");
	passport_report_free(&rep);
	/* issue 19, finding 6: --require-signoff needs a trusted signer */
	is_int(check(1, NULL, &rep), 0, "...but not with --require-signoff");
	ok(has_problem(&rep, "signoff: not signed: --require-signoff needs a signature by a trusted key"),
	   "says a trusted signature is needed");
	passport_report_free(&rep);
	is_int(check(1, key("pub.pem"), &rep), 0, "...but not with --pubkey");
	ok(has_problem(&rep, "not signed"), "says it is not signed");
	passport_report_free(&rep);

	/* weight list tampering, unsigned so only the binding catches it */
	so = exl_json_read(fx("SIGNOFF.json"), 1 << 20, &err);
	json_object_array_del_idx(json_object_object_get(so, "weights"), 0, 1);
	exl_json_write(fx("SIGNOFF.json"), so, &err);
	json_object_put(so);
	is_int(check(0, NULL, &rep), 0, "weight dropped from the signoff: fails");
	ok(has_problem(&rep, "is not signed off"), "names the missing weight");
	passport_report_free(&rep);

	/* never sign a tree that does not match */
	fx_write_str("config.json", "{\"hidden\": 65}\n");
	is_int(sign("pass", NULL, NULL, 1, &rep, &err), 1, "sign refuses a mismatch");
	ok(finding(&rep, "config.json")->status == PASSPORT_HASH_MISMATCH,
	   "and says which file");
	passport_report_free(&rep);
}

static void report_json(void)
{
	struct passport_report rep = { 0 };
	json_object *j, *sum;

	ok(build() == 0 && unlink(fx("tokenizer.json")) == 0, "one missing");
	check(0, NULL, &rep);
	j = passport_report_json(&rep, "ck");
	sum = json_object_object_get(j, "summary");
	is_str(exl_json_str(j, "schema"), "exp-log/passport-verify", "report schema");
	ok(!json_object_get_boolean(json_object_object_get(j, "ok")), "ok false");
	is_int(exl_json_int(sum, "missing", -1), 1, "missing counted");
	is_int(exl_json_int(sum, "ok", -1), 5, "ok counted");
	is_int(json_object_array_length(json_object_object_get(j, "files")), 6,
	       "every entry listed");
	json_object_put(j);
	passport_report_free(&rep);
}

int main(void)
{
	/* the machine's trusted-keys files play no part */
	setenv("EXP_LOG_TRUSTED_KEYS", "/nonexistent/trusted-keys", 1);
	if (fx_start() < 0 || !mkdtemp(keys) ||
	    fx_keypair("ED25519", key("key.pem"), key("pub.pem")) < 0 ||
	    fx_keypair("ED25519", NULL, key("pub2.pem")) < 0)
		return 1;
	tampering();
	signoffs();
	report_json();
	unlink(key("key.pem"));
	unlink(key("pub.pem"));
	unlink(key("pub2.pem"));
	rmdir(keys);
	fx_finish();
	return done_testing();
}
