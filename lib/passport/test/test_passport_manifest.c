/* Unit tests: MODEL_PASSPORT.json - generate, read back, refuse what a
 * passport cannot vouch for; provenance from a run log. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/jsonfile.h"
#include "passport_fixture.h"
#include "passport/passport_manifest.h"
#include "passport/passport_provenance.h"
#include "util/sha256file.h"
#include "tap.h"

/* Inputs that are not part of the checkpoint live beside it. */
static char in_dir[] = "/tmp/exl-passport-in-XXXXXX";

static const char *in(const char *name)
{
	return fx_join(in_dir, name);
}

static void write_in(const char *name, const char *text)
{
	FILE *f = fopen(in(name), "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		diag("couldn't write %s", in(name));
}

/* A run log laid out as lib/runlog_render.c writes it, resumed once. */
static const char runlog[] =
	"# train — baseline replication\n\n"
	"## Mode\n- run_type: replication\n- objective: match the paper\n\n"
	"## Config\n- script: `train.sh`\n"
	"- config: `/scratch/u/cfg/train.yaml` (sha256 `"
	"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08`)\n"
	"- dataset: `nonexistent-but-real-name`\n"
	"- key settings: _(learning rate, batch size, resume: fill in)_\n"
	"- repo: `/home/u/code`\n- branch: `main`\n"
	"- commit: `0123456789abcdef0123456789abcdef01234567`\n- dirty: no\n\n"
	"## Job\n- execution_id: 100\n- end: _(filled when the job ends)_\n\n"
	"## Status\n- 2026-02-25 14:02 — started\n\n"
	"## W&B\n- local: n/a\n- synced: https://wandb.ai/u/p/runs/abc\n\n"
	"## Job (resumed)\n- execution_id: 105\n"
	"- synced: https://wandb.ai/u/p/runs/def\n";

/* fresh: an unfinished run log: placeholders everywhere. */
static const char fresh[] =
	"# t — job 7\n\n## Config\n- config: none given (use --exp-config=PATH)\n"
	"- dataset: not given (use --exp-dataset=PATH|URL)\n"
	"- code: `/x` is not in a git repository\n\n"
	"## Job\n- execution_id: 7\n\n## W&B\n- synced: n/a\n";

static void provenance(void)
{
	struct exl_err err;
	json_object *p, *ids;

	p = passport_provenance_parse(runlog, strlen(runlog), "run.md", &err);
	ok(p != NULL, "run log parsed");
	is_str(exl_json_str(p, "run_log"), "run.md", "run log name only");
	is_str(exl_json_str(p, "run_type"), "replication", "run type");
	ok(json_object_object_get_ex(p, "job_ids", &ids) &&
	   json_object_array_length(ids) == 2 &&
	   strcmp(json_object_get_string(json_object_array_get_idx(ids, 1)), "105") == 0,
	   "job ids of every block, in order");
	is_str(exl_json_str(p, "commit"), "0123456789abcdef0123456789abcdef01234567",
	       "commit");
	is_str(exl_json_str(p, "branch"), "main", "branch");
	ok(json_object_get_type(json_object_object_get(p, "dirty")) == json_type_boolean &&
	   !json_object_get_boolean(json_object_object_get(p, "dirty")), "dirty: no");
	is_str(exl_json_str(p, "config"), "train.yaml", "config file name, no cluster path");
	is_str(exl_json_str(p, "config_sha256"),
	       "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	       "config sha256");
	is_str(exl_json_str(p, "dataset"), "nonexistent-but-real-name",
	       "dataset (a name starting like a placeholder word is kept)");
	is_str(exl_json_str(p, "wandb_url"), "https://wandb.ai/u/p/runs/abc",
	       "W&B URL from the W&B section");
	ok(!exl_json_has(p, "repo"), "no local repo path published");
	json_object_put(p);

	p = passport_provenance_parse(fresh, strlen(fresh), "fresh.md", &err);
	ok(p && exl_json_has(p, "config") == 0 && exl_json_has(p, "dataset") == 0 &&
	   exl_json_has(p, "commit") == 0 && exl_json_has(p, "config_sha256") == 0,
	   "placeholders become null");
	ok(p && json_object_object_get_ex(p, "wandb_url", NULL) &&
	   !exl_json_has(p, "wandb_url"), "n/a W&B URL is null, key kept");
	json_object_put(p);

	ok(!passport_provenance_parse("# notes\n- a: b\n", 15, "notes.md", &err) &&
	   strstr(err.text, "notes.md: not an exp-log run log"), "not a run log");
	ok(!passport_provenance_parse("## Job\n- execution_id: 1\n\xff\n", 27,
				      "bin.md", &err) &&
	   strstr(err.text, "invalid UTF-8"), "binary run log refused");
}

static int gen(const char *contract, const char *run, int force,
	       struct exl_err *err)
{
	struct passport_gen_opts o = { .contract_path = contract,
				       .runlog_path = run, .force = force,
				       .now = 1772028131 };
	struct passport_gen_result res;

	return passport_generate(fx_root, &o, &res, err);
}

static void generate_and_load(void)
{
	struct passport_gen_opts o = { .now = 1772028131 };
	struct passport_gen_result res;
	struct passport_doc d;
	struct exl_err err;
	char hex[EXL_SHA256_HEX];
	json_object *c, *p;

	fx_clean();
	fx_write_str("config.json", "{}\n");
	fx_write_pattern("model-00001-of-00002.safetensors", 3 << 20, 1);
	fx_write_pattern("model-00002-of-00002.safetensors", 1 << 20, 2);
	fx_write_str("assets/norm_stats.json", "{\"mean\": [0.5]}\n");
	ok(symlink("model-00001-of-00002.safetensors", fx("latest")) == 0, "link");
	write_in("contract.yaml", "inputs:\n  image: {shape: [3, 224, 224]}\n"
		 "normalization: assets/norm_stats.json\n");
	write_in("run.md", runlog);
	ok(passport_generate(fx_root, &o, &res, &err) == 0, "generate");
	is_int(res.files, 4, "4 files");
	is_int(res.links, 1, "1 link");
	is_int(res.bytes, (4 << 20) + 3 + 16, "bytes");
	is_int(passport_doc_load(fx_root, &d, &err), 0, "load it back");
	ok(exl_sha256_file(fx("MODEL_PASSPORT.json"), hex, NULL) == 0 &&
	   strcmp(hex, d.sha256) == 0, "doc sha256 is the file's");
	is_int(d.files.n, 5, "5 entries");
	is_str(d.files.v[0].path, "assets/norm_stats.json", "sorted: first");
	is_str(d.files.v[2].path, "latest", "sorted: the link");
	ok(d.files.v[2].kind == PASSPORT_LINK, "link kind");
	ok(exl_sha256_file(fx("config.json"), hex, NULL) == 0 &&
	   strcmp(hex, d.files.v[1].sha256) == 0, "file sha256 recorded");
	is_str(exl_json_str(d.obj, "created"), "2026-02-25T14:02:11+00:00",
	       "created time");
	ok(!exl_json_has(d.obj, "contract") && !exl_json_has(d.obj, "provenance"),
	   "no contract, no provenance: null");
	passport_doc_free(&d);

	ok(gen(in("contract.yaml"), in("run.md"), 0, &err) == 0,
	   "generate with contract and run log");
	is_int(passport_doc_load(fx_root, &d, &err), 0, "load");
	c = json_object_object_get(d.obj, "contract");
	p = json_object_object_get(d.obj, "provenance");
	is_str(exl_json_str(c, "normalization"), "assets/norm_stats.json",
	       "contract embedded");
	is_str(exl_json_str(json_object_object_get(d.obj, "contract_source"), "name"),
	       "contract.yaml", "contract source named");
	is_str(exl_json_str(p, "commit"), "0123456789abcdef0123456789abcdef01234567",
	       "provenance embedded");
	passport_doc_free(&d);
	is_int(passport_doc_load("/nonexistent", &d, &err), 1, "no passport: 1");
}

static void refusals(void)
{
	struct passport_doc d;
	struct exl_err err;

	fx_clean();
	fx_write_str("a.bin", "x");
	mkfifo(fx("pipe"), 0644);
	ok(gen(NULL, NULL, 0, &err) < 0 && strstr(err.text, "pipe: is a FIFO"),
	   "FIFO refused");
	ok(!fx_exists("MODEL_PASSPORT.json"), "no passport left behind");
	unlink(fx("pipe"));
	ok(symlink("../../etc/passwd", fx("evil")) == 0, "escaping link");
	ok(gen(NULL, NULL, 0, &err) < 0 &&
	   strstr(err.text, "evil: symlink leads outside the checkpoint"),
	   "escaping link refused");
	ok(!fx_exists("MODEL_PASSPORT.json"), "no passport left behind");
	unlink(fx("evil"));

	write_in("bad.yaml", "inputs:\n  a: 1\n  b: [1,\n");
	ok(gen(in("bad.yaml"), NULL, 0, &err) < 0 &&
	   strstr(err.text, "bad.yaml:4:"), "malformed YAML: file and line");
	diag("%s", err.text);
	ok(!fx_exists("MODEL_PASSPORT.json"), "no passport left behind");
	ok(gen(NULL, in("nope.md"), 0, &err) < 0 && strstr(err.text, "nope.md"),
	   "missing run log named");

	mkdir(fx("MODEL_PASSPORT.json"), 0755);
	ok(gen(NULL, NULL, 0, &err) < 0 &&
	   strstr(err.text, "MODEL_PASSPORT.json: exists and is not a regular file"),
	   "name clash with a directory");
	rmdir(fx("MODEL_PASSPORT.json"));

	ok(gen(NULL, NULL, 0, &err) == 0, "generate");
	fx_write_str("SIGNOFF.json", "{}");
	ok(gen(NULL, NULL, 0, &err) < 0 && strstr(err.text, "--force"),
	   "an existing signoff needs --force");
	ok(gen(NULL, NULL, 1, &err) == 0, "--force replaces");

	fx_write_str("MODEL_PASSPORT.json", "{\"schema\": \"exp-log/model-passport\",");
	ok(passport_doc_load(fx_root, &d, &err) < 0 && strstr(err.text, "invalid JSON"),
	   "truncated passport");
	unlink(fx("MODEL_PASSPORT.json"));
	ok(symlink("a.bin", fx("MODEL_PASSPORT.json")) == 0 &&
	   passport_doc_load(fx_root, &d, &err) < 0 && strstr(err.text, "symlink"),
	   "passport that is a symlink is not followed");
	unlink(fx("MODEL_PASSPORT.json"));
}

/* bad_doc: passport_doc_parse's complaint about one manifest entry. */
static const char *bad_doc(const char *files)
{
	static char out[512];
	char json[1024];
	struct passport_list l;
	struct exl_err err;
	json_object *o;

	snprintf(json, sizeof(json), "{\"schema\":\"exp-log/model-passport\","
		 "\"schema_version\":1,\"manifest\":{\"algorithm\":\"sha256\","
		 "\"files\":[%s]}}", files);
	o = exl_json_parse(json, strlen(json), "t", &err);
	if (!o) {
		snprintf(out, sizeof(out), "%s", err.text);
		return out;
	}
	if (passport_doc_parse(o, &l, &err) == 0) {
		passport_list_free(&l);
		snprintf(out, sizeof(out), "accepted");
	} else {
		snprintf(out, sizeof(out), "%s", err.text);
	}
	json_object_put(o);
	return out;
}

#define SHA "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\""

static void hostile_manifests(void)
{
	const char *newer = "{\"schema\":\"exp-log/model-passport\",\"schema_version\":2}";
	const char *other = "{\"schema\":\"other\"}";
	struct passport_list l;
	struct exl_err err;
	json_object *o;

	is_str(bad_doc("{\"path\":\"a\",\"size\":0,\"sha256\":" SHA "},"
		       "{\"path\":\"b\",\"type\":\"symlink\",\"target\":\"a\"}"),
	       "accepted", "well-formed manifest");
	is_str(bad_doc("{\"path\":\"../etc/passwd\",\"size\":0,\"sha256\":" SHA "}"),
	       "manifest entry 1: bad path: '.' or '..' component", "'..' refused");
	is_str(bad_doc("{\"path\":\"/etc/passwd\",\"size\":0,\"sha256\":" SHA "}"),
	       "manifest entry 1: bad path: empty path component (leading, trailing or doubled '/')",
	       "absolute path refused");
	is_str(bad_doc("{\"path\":\"b\",\"size\":0,\"sha256\":" SHA "},"
		       "{\"path\":\"a\",\"size\":0,\"sha256\":" SHA "}"),
	       "manifest entry 2 (a): not sorted by path, or listed twice", "unsorted");
	is_str(bad_doc("{\"path\":\"a\",\"size\":0,\"sha256\":" SHA "},"
		       "{\"path\":\"a\",\"size\":0,\"sha256\":" SHA "}"),
	       "manifest entry 2 (a): not sorted by path, or listed twice", "duplicate");
	is_str(bad_doc("{\"path\":\"a\",\"size\":-1,\"sha256\":" SHA "}"),
	       "manifest entry 1 (a): bad size", "negative size");
	is_str(bad_doc("{\"path\":\"a\",\"size\":1,\"sha256\":\"abc\"}"),
	       "manifest entry 1 (a): bad sha256", "bad sha256");
	is_str(bad_doc("{\"path\":\"a\",\"type\":\"fifo\"}"),
	       "manifest entry 1 (a): unknown type 'fifo'", "unknown type");
	is_str(bad_doc("{\"path\":\"MODEL_PASSPORT.json\",\"size\":0,\"sha256\":" SHA "}"),
	       "manifest entry 1: lists MODEL_PASSPORT.json itself", "lists itself");
	is_str(bad_doc("{\"path\":\"l\",\"type\":\"symlink\",\"target\":\"\"}"),
	       "manifest entry 1 (l): bad symlink target", "empty link target");
	is_str(bad_doc("7"), "manifest entry 1: no path", "not an object");
	o = exl_json_parse(newer, strlen(newer), "t", &err);
	ok(passport_doc_parse(o, &l, &err) < 0 && strstr(err.text, "newer"),
	   "newer schema version refused with a hint");
	json_object_put(o);
	o = exl_json_parse(other, strlen(other), "t", &err);
	ok(passport_doc_parse(o, &l, &err) < 0 && strstr(err.text, "not a model passport"),
	   "other documents refused");
	json_object_put(o);
}

int main(void)
{
	if (fx_start() < 0 || !mkdtemp(in_dir))
		return 1;
	provenance();
	generate_and_load();
	refusals();
	hostile_manifests();
	unlink(in("contract.yaml"));
	unlink(in("run.md"));
	unlink(in("bad.yaml"));
	rmdir(in_dir);
	fx_finish();
	return done_testing();
}
