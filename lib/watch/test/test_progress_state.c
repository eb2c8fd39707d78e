/* Unit tests: saving the tracker as JSON and reading hostile state. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/jsonfile.h"
#include "watch/progress.h"
#include "tap.h"
#include "testdir.h"

#define T0 ((time_t)1704110400)

static struct exl_patterns pat;
static struct exl_err err;

static int same_series(const struct exl_loss_series *a,
		       const struct exl_loss_series *b)
{
	size_t i;

	if (a->n != b->n || a->count != b->count || a->stride != b->stride ||
	    a->tail != b->tail || a->nonfinite != b->nonfinite ||
	    a->nonfinite_step != b->nonfinite_step)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->pts[i].step != b->pts[i].step ||
		    a->pts[i].value != b->pts[i].value)
			return 0;
	return 1;
}

/* reload: p through JSON text into q. */
static int reload(const struct exl_progress *p, struct exl_progress *q)
{
	json_object *o = exl_progress_to_json(p), *back;
	const char *text;
	int rc;

	if (!o)
		return -1;
	text = json_object_to_json_string(o);
	back = exl_json_parse(text, strlen(text), "state", &err);
	rc = back ? exl_progress_from_json(q, back, &err) : -1;
	json_object_put(back);
	json_object_put(o);
	return rc;
}

static void test_roundtrip(struct exl_progress *p, struct exl_progress *q)
{
	char a[256], b[256];
	int i, same = 1;

	for (i = 0; i < 2000; i++) {
		snprintf(a, sizeof(a), "step %d loss %g\n", i, 5.0 / (i + 1));
		td_write("out", a, i ? "a" : "w");
	}
	td_write("out", "step 2000 lo", "a");
	td_write("err", "CUDA error: first\nTraceback (most recent call last):\n"
		 "  File \"x.py\", line 1\n", "w");
	td_write("m.jsonl", "{\"step\": 1999, \"val_loss\": 0.5}\n", "w");
	exl_progress_scan(p, td_path("out"), EXL_SRC_STDOUT, T0, &err);
	exl_progress_scan(p, td_path("err"), EXL_SRC_STDERR, T0 + 1, &err);
	exl_progress_scan(p, td_path("m.jsonl"), EXL_SRC_METRICS, T0 + 2, &err);
	exl_progress_scan(p, td_path("out"), EXL_SRC_STDOUT, T0 + 3, &err);
	exl_progress_add_error(p, EXL_SRC_STDERR, EXL_ERR_MATCH, "x", T0);
	exl_progress_take_errors(p, a, sizeof(a));
	exl_progress_mark_status(p, T0 + 4);

	if (!ok(reload(p, q) == 0, "state survives a JSON round trip"))
		diag("%s", err.text);
	ok(q->started == p->started && q->last_progress == p->last_progress &&
	   q->last_output == p->last_output && q->have_step &&
	   q->last_step == 1999, "times and last step");
	for (i = 0; i < EXL_SET_COUNT; i++)
		same = same && same_series(&p->train[i], &q->train[i]) &&
		       same_series(&p->val[i], &q->val[i]);
	ok(same, "all four series identical (downsampled: stride %llu)",
	   p->train[0].stride);
	for (i = 0; i < EXL_SRC_COUNT; i++)
		same = same && strcmp(p->src[i].path, q->src[i].path) == 0 &&
		       p->src[i].offset == q->src[i].offset &&
		       p->src[i].ino == q->src[i].ino &&
		       p->src[i].head_len == q->src[i].head_len &&
		       memcmp(p->src[i].head, q->src[i].head,
			      p->src[i].head_len) == 0 &&
		       p->src[i].lines == q->src[i].lines;
	ok(same, "file positions and counters identical");
	ok(q->src[EXL_SRC_STDERR].in_traceback, "inside a traceback");
	ok(q->n_errors == 2 && q->errors_reported == 1 &&
	   strcmp(q->errors[1].text, "x") == 0 && q->status_have_step &&
	   q->status_step == 1999 && q->status_time == T0 + 4,
	   "errors and status bookkeeping");

	/* the epilog continues where the monitor stopped */
	td_write("out", "ss 0.001\n", "a");
	td_write("err", "ValueError: late\n", "a");
	exl_progress_scan(q, td_path("out"), EXL_SRC_STDOUT, T0 + 9, &err);
	exl_progress_scan(q, td_path("err"), EXL_SRC_STDERR, T0 + 9, &err);
	ok(q->last_step == 2000 &&
	   exl_series_last(exl_progress_train(q))->value == 0.001 &&
	   exl_progress_train(q)->count == 2001,
	   "partial line completed after restore, nothing read twice");
	exl_progress_take_errors(q, a, sizeof(a));
	is_str(a, "error in stderr: `x`", "taken in order after restore");
	exl_progress_take_errors(q, a, sizeof(a));
	is_str(a, "traceback in stderr: `ValueError: late`",
	       "traceback finished after restore");
	exl_progress_status_text(p, T0 + 9, 60, 0, -1, a, sizeof(a));
	exl_progress_status_text(q, T0 + 9, 60, 0, -1, b, sizeof(b));
	ok(strncmp(a, b, 14) == 0, "same status start: %s", b);

	ok(exl_progress_save(q, td_path("state.json"), &err) == 0, "save");
	ok(exl_progress_load(p, td_path("state.json"), &err) == 0 &&
	   p->last_step == 2000 && p->n_errors == 3, "load");
	is_int(exl_progress_load(p, td_path("none.json"), &err), 1,
	       "missing state file: 1");
	ok(symlink(td_path("state.json"), td_path("ln.json")) == 0 &&
	   exl_progress_load(p, td_path("ln.json"), &err) < 0 &&
	   strstr(err.text, "symlink"), "symlinked state refused");
}

static const char *const hostile[] = {
	"{\"version\": 2}",
	"{}",
	"{\"version\": 1, \"last_step\": \"12\"}",
	"{\"version\": 1, \"last_step\": -3}",
	"{\"version\": 1, \"started\": 1.5}",
	"{\"version\": 1, \"series\": []}",
	"{\"version\": 1, \"series\": {\"train_text\": {\"count\": 1, "
		"\"points\": [[0, NaN]]}}}",
	"{\"version\": 1, \"series\": {\"train_text\": {\"count\": 1, "
		"\"points\": [[0, \"1\"]]}}}",
	"{\"version\": 1, \"series\": {\"train_text\": {\"count\": 1, "
		"\"points\": [[-2, 1]]}}}",
	"{\"version\": 1, \"series\": {\"train_text\": {\"count\": 1, "
		"\"points\": [[0, 1, 2]]}}}",
	"{\"version\": 1, \"series\": {\"val_text\": {\"count\": 0, "
		"\"points\": [[0, 1], [1, 2]]}}}",
	"{\"version\": 1, \"series\": {\"val_metrics\": {\"count\": 9, "
		"\"stride\": 3, \"points\": [[0, 1]]}}}",
	"{\"version\": 1, \"sources\": {\"stdout\": {\"offset\": 5}}}",
	"{\"version\": 1, \"sources\": {\"stdout\": {\"path\": \"a\", "
		"\"offset\": -5}}}",
	"{\"version\": 1, \"sources\": {\"stdout\": {\"path\": \"a\\u0000b\"}}}",
	"{\"version\": 1, \"sources\": {\"stderr\": {\"path\": \"a\", "
		"\"head\": \"zz\"}}}",
	"{\"version\": 1, \"sources\": {\"stderr\": {\"path\": \"a\", "
		"\"head\": \"abc\"}}}",
	"{\"version\": 1, \"sources\": {\"metrics\": {\"path\": \"a\", "
		"\"offset\": 1e300}}}",
	"{\"version\": 1, \"errors_reported\": 5}",
	"{\"version\": 1, \"errors\": [{\"text\": \"x\", \"source\": \"nope\", "
		"\"kind\": \"match\"}]}",
	"{\"version\": 1, \"errors\": [{\"text\": \"\", \"source\": \"stderr\", "
		"\"kind\": \"match\"}]}",
	"{\"version\": 1, \"errors\": [7]}",
	"{\"version\": 1, \"errors\": [{\"text\": \"x\", \"source\": \"stderr\", "
		"\"kind\": \"match\", \"count\": 0}]}",
};

static void test_hostile(struct exl_progress *q)
{
	char big[2000];
	const char *text;
	json_object *o;
	size_t i;
	int empty;

	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		o = exl_json_parse(hostile[i], strlen(hostile[i]), "t", &err);
		if (!o) {
			ok(1, "refused by the parser: %s", hostile[i]);
			continue;
		}
		ok(exl_progress_from_json(q, o, &err) < 0 &&
		   strstr(err.text, "progress state"), "refused: %s (%s)",
		   hostile[i], err.text);
		json_object_put(o);
		empty = !q->have_step && q->n_errors == 0 && !q->src[0].path &&
			!q->src[1].path && q->train[0].n == 0 &&
			q->val[0].n == 0 && q->val[1].n == 0;
		ok(empty, "left empty");
	}
	/* too many points, too many errors, over-long text */
	o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(1));
	{
		json_object *ser = json_object_new_object();
		json_object *tr = json_object_new_object();
		json_object *pts = json_object_new_array();

		for (i = 0; i < EXL_SERIES_MAX + 2; i++) {
			json_object *pt = json_object_new_array();

			json_object_array_add(pt, json_object_new_int64((int64_t)i));
			json_object_array_add(pt, json_object_new_double(1.0));
			json_object_array_add(pts, pt);
		}
		exl_json_set_int(tr, "count", EXL_SERIES_MAX + 2);
		exl_json_set_int(tr, "stride", 1);
		json_object_object_add(tr, "tail", json_object_new_boolean(1));
		json_object_object_add(tr, "points", pts);
		json_object_object_add(ser, "train_text", tr);
		json_object_object_add(o, "series", ser);
	}
	ok(exl_progress_from_json(q, o, &err) < 0 && strstr(err.text, "points"),
	   "514 points refused: %s", err.text);
	json_object_put(o);
	o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "errors", json_object_new_array());
	for (i = 0; i < EXL_PROGRESS_MAX_ERRORS + 1; i++) {
		json_object *e = json_object_new_object();

		exl_json_set_str(e, "text", "x");
		exl_json_set_str(e, "source", "stderr");
		exl_json_set_str(e, "kind", "match");
		json_object_array_add(json_object_object_get(o, "errors"), e);
	}
	ok(exl_progress_from_json(q, o, &err) < 0, "17 errors refused: %s",
	   err.text);
	json_object_put(o);
	memset(big, 'y', 400);
	big[400] = '\0';
	o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "sources", json_object_new_object());
	{
		json_object *s = json_object_new_object();

		exl_json_set_str(s, "path", "a");
		exl_json_set_str(s, "tb_prefix", big);
		json_object_object_add(json_object_object_get(o, "sources"),
				       "stdout", s);
	}
	ok(exl_progress_from_json(q, o, &err) < 0, "long prefix refused: %s",
	   err.text);
	json_object_put(o);
	ok(exl_progress_from_json(q, NULL, &err) < 0, "NULL refused");

	text = "{\"version\": 1, \"future\": [1], \"errors\": [{\"text\": "
	       "\"a\\u0007b\\u001b[1m\", \"source\": \"stdout\", "
	       "\"kind\": \"traceback\"}]}";
	o = exl_json_parse(text, strlen(text), "t", &err);
	ok(o && exl_progress_from_json(q, o, &err) == 0 && q->n_errors == 1 &&
	   strcmp(q->errors[0].text, "a b [1m") == 0 &&
	   q->errors[0].kind == EXL_ERR_TRACEBACK,
	   "unknown keys ignored, control characters neutralised");
	json_object_put(o);

	td_write("deep.json", "{\"version\": 1, \"x\": ", "w");
	for (i = 0; i < 200; i++)
		td_write("deep.json", "[", "a");
	ok(exl_progress_load(q, td_path("deep.json"), &err) < 0,
	   "nesting bomb refused: %s", err.text);
}

int main(void)
{
	struct exl_progress *p = malloc(sizeof(*p)), *q = malloc(sizeof(*q));

	if (!p || !q || td_init() < 0 || exl_patterns_default(&pat, &err) < 0)
		return 1;
	exl_progress_init(p, &pat);
	exl_progress_init(q, &pat);
	test_roundtrip(p, q);
	test_hostile(q);
	exl_progress_free(p);
	exl_progress_free(q);
	free(p);
	free(q);
	exl_patterns_free(&pat);
	td_cleanup();
	return done_testing();
}
