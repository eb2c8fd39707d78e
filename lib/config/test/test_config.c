/* Unit tests: exp-log.yaml loading, messages, layering, roots, patterns. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "config/config_impl.h"
#include "util/fileio.h"
#include "watch/progress.h"
#include "tap.h"

#ifndef EXL_TOP_SRCDIR
#define EXL_TOP_SRCDIR "."
#endif

static char dir[] = "/tmp/exl-config-XXXXXX";
static struct exl_config_problems probs;

static char *p(const char *name)
{
	return tap_path(dir, name);
}

static void put(const char *name, const char *text)
{
	struct exl_err err;

	if (exl_write_atomic(p(name), text, strlen(text), 0644, &err) < 0) {
		printf("Bail out! %s\n", err.text);
		exit(1);
	}
}

static void fresh(struct exl_config *c)
{
	memset(&probs, 0, sizeof(probs));
	if (exl_config_defaults(c) < 0)
		tap_bail("defaults");
}

/* load_text: defaults, then yaml as the file "t.yaml". */
static int load_text(struct exl_config *c, const char *yaml, int site)
{
	fresh(c);
	return exl_config_load_buffer(c, "t.yaml", yaml, strlen(yaml), site,
				      &probs);
}

static char *default_dump(void)
{
	struct exl_config c;
	char *d;

	fresh(&c);
	d = exl_config_dump(&c);
	exl_config_free(&c);
	if (!d)
		tap_bail("dump");
	return d;
}

static void test_values(void)
{
	static const struct {
		const char *s;
		long long want;		/* -1: refused */
	} durations[] = {
		{ "30", 30 }, { "30s", 30 }, { "10m", 600 }, { "2h", 7200 },
		{ "1d", 86400 }, { "0", 0 }, { "", -1 }, { "s", -1 },
		{ "-5", -1 }, { "+5", -1 }, { " 5", -1 }, { "5 ", -1 },
		{ "1.5h", -1 }, { "5x", -1 }, { "1h30m", -1 }, { "5S", -1 },
		{ "off", -1 }, { "99999999999999999999", -1 },
		{ "999999999999999999d", -1 },
	}, sizes[] = {
		{ "0", 0 }, { "1024", 1024 }, { "512K", 524288 },
		{ "1M", 1048576 }, { "1G", 1LL << 30 }, { "1GiB", 1LL << 30 },
		{ "1GB", 1LL << 30 }, { "1g", 1LL << 30 }, { "2T", 2LL << 40 },
		{ "100B", 100 }, { "1X", -1 }, { "G", -1 }, { "1.5G", -1 },
		{ "-1", -1 }, { "1 G", -1 }, { "1Gi", -1 }, { "1KK", -1 },
		{ "99999999999T", -1 }, { "", -1 },
	}, bools[] = {
		{ "true", 1 }, { "false", 0 }, { "yes", 1 }, { "no", 0 },
		{ "on", 1 }, { "off", 0 }, { "TRUE", 1 }, { "False", 0 },
		{ "1", -1 }, { "y", -1 }, { "", -1 }, { "truth", -1 },
	};
	long long v;
	size_t i;
	int b;

	for (i = 0; i < sizeof(durations) / sizeof(durations[0]); i++) {
		v = -1;
		if (exl_config_parse_duration(durations[i].s, &v) < 0)
			v = -1;
		is_int(v, durations[i].want, "duration '%s'", durations[i].s);
	}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		v = -1;
		if (exl_config_parse_size(sizes[i].s, &v) < 0)
			v = -1;
		is_int(v, sizes[i].want, "size '%s'", sizes[i].s);
	}
	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		b = -1;
		if (exl_config_parse_bool(bools[i].s, &b) < 0)
			b = -1;
		is_int(b, bools[i].want, "bool '%s'", bools[i].s);
	}
}

static void test_defaults(void)
{
	struct exl_config c;
	size_t i;

	fresh(&c);
	is_int(c.status_interval, 1800, "status interval 30m");
	is_int(c.stall_intervals, 3, "stalled after 3 intervals");
	is_int(c.telemetry_interval, 30, "telemetry every 30s");
	is_int(c.hash_data, 0, "datasets not hashed");
	is_int(c.hash_data_max, 1LL << 30, "hash at most 1 GiB");
	is_str(c.nvml_library, "libnvidia-ml.so.1", "NVML library");
	ok(c.cost_per_gpu_hour < 0 && !c.currency, "no cost");
	ok(!c.log_dir && !c.group && !c.mode && !c.wandb_mode &&
	   !c.wandb_entity && !c.wandb_project, "no option defaults");
	ok(c.n_allowed_roots == 0 && !c.roots_restricted, "roots anywhere");
	is_str(c.pattern_step, EXL_PAT_STEP_DEFAULT,
	       "progress.h's step pattern");
	is_str(c.pattern_loss, EXL_PAT_LOSS_DEFAULT,
	       "progress.h's loss pattern");
	is_str(c.pattern_val_loss, EXL_PAT_VAL_DEFAULT,
	       "progress.h's val_loss pattern");
	for (i = 0; exl_error_patterns_default[i]; i++)
		ok(i < c.n_error_patterns &&
		   !strcmp(c.error_patterns[i], exl_error_patterns_default[i]),
		   "progress.h's error pattern %zu", i);
	is_int(c.n_error_patterns, i, "and no other error pattern");
	is_int(c.n_checkpoint_patterns, 2, "two checkpoint globs");
	is_str(c.checkpoint_patterns[0], "**/" EXL_CONFIG_CHECKPOINT_FILES,
	       "weight files in any sub-folder");
	ok(c.n_env_capture == 0 && c.n_sanitize == 0, "no env, no rules");
	exl_config_free(&c);
	ok(!c.pattern_step && !c.error_patterns && c.n_error_patterns == 0,
	   "free resets");
}

struct bad_case {
	const char *yaml;
	int site;
	const char *msg;
};

/* One bad key per document: the exact message, and nothing changed (for
 * a bad list item: the list applies without it, here an empty list). */
static void run_cases(const struct bad_case *bad, size_t n, int item)
{
	struct exl_config c;
	char *want = default_dump(), *got;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = load_text(&c, bad[i].yaml, bad[i].site);
		ok(rc == -1 && probs.count == 1, "one problem: %s", bad[i].msg);
		is_str(probs.msg[0], bad[i].msg, "message");
		got = exl_config_dump(&c);
		if (item && strncmp(bad[i].yaml, "checkpoints", 11) == 0)
			ok(c.n_checkpoint_patterns == 0, "bad item dropped");
		else if (item)
			ok(c.n_allowed_roots == 0 && c.roots_restricted,
			   "bad root dropped, roots still restricted");
		else
			ok(got && strcmp(got, want) == 0, "nothing applied");
		free(got);
		exl_config_free(&c);
	}
	free(want);
}

/* issue 19, finding 1: a pattern glibc could not compile in bounded
 * memory (PCRE2 refuses it at once) is one clear problem naming file,
 * line and key */
static void test_costly_patterns(void)
{
	static const char *const yaml[] = {
		"status:\n  errors: ['e++++++++++++++++++++++++']\n",
		"status:\n  patterns:\n    step: 'step (e++++++++++++++++++++++++)'\n",
		"sanitize:\n  - pattern: 'e++++++++++++++++++++++++'\n    replace: x\n",
	};
	static const char *const where[] = {
		"t.yaml:2: status.errors[0]: ", "t.yaml:3: status.patterns.step: ",
		"t.yaml:2: sanitize[0].pattern: ",
	};
	struct exl_config c;
	size_t i;

	for (i = 0; i < 3; i++) {
		int rc = load_text(&c, yaml[i], i == 2);

		ok(rc == -1 && probs.count == 1 &&
		   strncmp(probs.msg[0], where[i], strlen(where[i])) == 0 &&
		   strstr(probs.msg[0], "quantifier does not follow a "
			  "repeatable item (at byte "),
		   "costly pattern refused: %s", probs.count ? probs.msg[0] : "");
		exl_config_free(&c);
	}
}

static void test_errors(void)
{
	static const struct bad_case bad[] = {
		{ "status:\n  interval: soon\n", 0,
		  "t.yaml:2: status.interval: expected seconds (e.g. 1800, 30m, 2h), got 'soon'" },
		{ "status:\n  interval: 5s\n", 0,
		  "t.yaml:2: status.interval: expected seconds (e.g. 1800, 30m, 2h), got '5s': must be between 10s and 7d" },
		{ "status:\n  interval: 30 m\n", 0,
		  "t.yaml:2: status.interval: expected seconds (e.g. 1800, 30m, 2h), got '30 m'" },
		{ "status:\n  interval: off\n", 0,
		  "t.yaml:2: status.interval: expected seconds (e.g. 1800, 30m, 2h), got 'off'" },
		{ "status:\n  interval:\n", 0,
		  "t.yaml:2: status.interval: expected seconds (e.g. 1800, 30m, 2h), got nothing" },
		{ "status:\n  interval: [1]\n", 0,
		  "t.yaml:2: status.interval: expected seconds (e.g. 1800, 30m, 2h), got a list" },
		{ "status:\n  stall_intervals: -1\n", 0,
		  "t.yaml:2: status.stall_intervals: expected a whole number, got '-1'" },
		{ "status:\n  stall_intervals: 0\n", 0,
		  "t.yaml:2: status.stall_intervals: expected a whole number, got '0': must be between 1 and 1000" },
		{ "telemetry:\n  interval: never\n", 0,
		  "t.yaml:2: telemetry.interval: expected seconds (e.g. 30, 30s, 1m) or off, got 'never'" },
		{ "telemetry:\n  interval: 2d\n", 0,
		  "t.yaml:2: telemetry.interval: expected seconds (e.g. 30, 30s, 1m) or off, got '2d': must be between 1s and 1d" },
		{ "data:\n  hash: maybe\n", 0,
		  "t.yaml:2: data.hash: expected true or false, got 'maybe'" },
		{ "data:\n  hash_max: 1X\n", 0,
		  "t.yaml:2: data.hash_max: expected a size in bytes (e.g. 1073741824, 512M, 1G), got '1X'" },
		{ "data:\n  hash_max: 0\n", 0,
		  "t.yaml:2: data.hash_max: expected a size in bytes (e.g. 1073741824, 512M, 1G), got '0': must be at least 1" },
		{ "data:\n  hash_max: 99999999999T\n", 0,
		  "t.yaml:2: data.hash_max: expected a size in bytes (e.g. 1073741824, 512M, 1G), got '99999999999T'" },
		{ "telemetry:\n  cost_per_gpu_hour: -2\n", 1,
		  "t.yaml:2: telemetry.cost_per_gpu_hour: expected a number of at least 0 (e.g. 2.50), got '-2'" },
		{ "telemetry:\n  cost_per_gpu_hour: 2,50\n", 1,
		  "t.yaml:2: telemetry.cost_per_gpu_hour: expected a number of at least 0 (e.g. 2.50), got '2,50'" },
		{ "telemetry:\n  nvml_library: lib/libnvidia-ml.so\n", 1,
		  "t.yaml:2: telemetry.nvml_library: expected a library name or an absolute path, got 'lib/libnvidia-ml.so': a path must be absolute" },
		{ "telemetry:\n  currency: \"\"\n", 1,
		  "t.yaml:2: telemetry.currency: expected a currency code or symbol (e.g. USD), got ''" },
		{ "defaults:\n  group: ../x\n", 0,
		  "t.yaml:2: defaults.group: expected a name of 1-80 letters, digits, '.', '_' or '-', not starting with '.', got '../x'" },
		{ "defaults:\n  mode: foo\n", 0,
		  "t.yaml:2: defaults.mode: expected replication, experiment or pipeline[:SUBTYPE], got 'foo'" },
		{ "defaults:\n  log_dir: ~/logs\n", 0,
		  "t.yaml:2: defaults.log_dir: expected a directory path, got '~/logs': '~' is not expanded: write the full path" },
		{ "defaults:\n  log_dir: \"a\\nb\"\n", 0,
		  "t.yaml:2: defaults.log_dir: expected a directory path, got 'a?b': contains a newline or control character" },
		{ "wandb:\n  mode: online\n", 0,
		  "t.yaml:2: wandb.mode: expected offline or disabled, got 'online'" },
		{ "wandb:\n  project: 'my project'\n", 0,
		  "t.yaml:2: wandb.project: expected a name of 1-80 letters, digits, '.', '_' or '-', not starting with '.', got 'my project'" },
		{ "status:\n  patterns:\n    loss: 'loss [0-9.]+'\n", 0,
		  "t.yaml:3: status.patterns.loss: expected a regular expression with a capture group, got 'loss [0-9.]+': no capture group: put the number in ( )" },
		{ "status:\n  patterns:\n    step: '((((((((((((((((((((((((((((((((x))))))))))))))))))))))))))))))))'\n", 0,
		  "t.yaml:3: status.patterns.step: expected a regular expression with a capture group, got '((((((((((((((((((((((((((((((((x)))))))))))))))))))))))))))...': more than 31 capture groups" },
		{ "status:\n  errors: 'x'\n", 0,
		  "t.yaml:2: status.errors: expected a list, each item a regular expression, got 'x'" },
		{ "allowed_roots: [/x]\n", 0,
		  "t.yaml:1: allowed_roots: site-only key, ignored: only the site file may set it" },
		{ "telemetry:\n  nvml_library: /x.so\n", 0,
		  "t.yaml:2: telemetry.nvml_library: site-only key, ignored: only the site file may set it" },
		{ "sanitize: []\n", 0,
		  "t.yaml:1: sanitize: site-only key, ignored: only the site file may set it" },
		{ "env_capture:\n  pip: [a]\n", 1,
		  "t.yaml:2: env_capture.pip: expected a one-line shell command, got a list" },
		{ "env_capture:\n  'bad name': x\n", 1,
		  "t.yaml:2: env_capture.bad name: expected a name of letters, digits, '.', '_' or '-', got 'bad name'" },
		{ "env_capture: [pip]\n", 1,
		  "t.yaml:1: env_capture: expected a mapping of NAME: COMMAND (e.g. pip: pip freeze), got a list" },
		{ "sanitize:\n  - pattern: a\n    replace: '\\2'\n", 1,
		  "t.yaml:2: sanitize[0].replace: \\2 refers to capture group 2, but the pattern has 0: fix replace or the pattern" },
		{ "sanitize:\n  - replace: x\n", 1,
		  "t.yaml:2: sanitize[0]: missing pattern: add pattern: REGEX" },
		{ "sanitize: [x]\n", 1,
		  "t.yaml:1: sanitize[0]: expected a mapping with pattern and replace, got 'x'" },
		{ "sanitize: x\n", 1,
		  "t.yaml:1: sanitize: expected a list, each item a mapping with pattern and replace, got 'x'" },
		{ "foo: 1\n", 0, "t.yaml:1: foo: unknown key: see exp-log.yaml(5)" },
		{ "status:\n  intervall: 5m\n", 0,
		  "t.yaml:2: status.intervall: unknown key: see exp-log.yaml(5)" },
		{ "status: 5\n", 0,
		  "t.yaml:1: status: expected a mapping of keys (see exp-log.yaml(5)), got '5'" },
		{ "- a\n", 0,
		  "t.yaml:1: expected a mapping of keys at the top level (see exp-log.yaml(5)), got a list" },
		{ "\"\\e[31mred\": 1\n", 0,
		  "t.yaml:1: ?[31mred: unknown key: see exp-log.yaml(5)" },
	};
	static const struct bad_case bad_items[] = {
		{ "checkpoints:\n  - /abs/*\n", 0,
		  "t.yaml:2: checkpoints[0]: expected a glob relative to the submit directory (e.g. checkpoints/*), got '/abs/*'" },
		{ "checkpoints: ['../x/*']\n", 0,
		  "t.yaml:1: checkpoints[0]: expected a glob relative to the submit directory (e.g. checkpoints/*), got '../x/*': '..' is not allowed" },
		{ "checkpoints: [[a]]\n", 0,
		  "t.yaml:1: checkpoints[0]: expected a glob relative to the submit directory (e.g. checkpoints/*), got a list" },
		{ "allowed_roots: ['/a/../b']\n", 1,
		  "t.yaml:1: allowed_roots[0]: expected an absolute directory path, got '/a/../b': '..' is not allowed" },
	};

	run_cases(bad, sizeof(bad) / sizeof(bad[0]), 0);
	run_cases(bad_items, sizeof(bad_items) / sizeof(bad_items[0]), 1);
}

/* Valid keys apply next to bad ones; list items are checked one by one. */
static void test_partial(void)
{
	struct exl_config c;
	char want[600], why[200];
	struct exl_regex *re;

	load_text(&c, "status:\n  interval: 5m\n  stall_intervals: many\n"
		  "telemetry:\n  interval: off\n", 0);
	ok(probs.count == 1 && c.status_interval == 300 &&
	   c.stall_intervals == 3 && c.telemetry_interval == 0,
	   "good keys apply, the bad one keeps its default");
	exl_config_free(&c);

	re = exl_pattern_compile("(", 0, why, sizeof(why));
	ok(!re, "'(' does not compile");
	snprintf(want, sizeof(want), "t.yaml:4: status.errors[1]: expected a regular expression, got '(': %s",
		 why);
	load_text(&c, "status:\n  errors:\n    - ok\n    - '('\n", 0);
	is_str(probs.msg[0], want, "PCRE2's reason in the message");
	ok(c.n_error_patterns == 1 && strcmp(c.error_patterns[0], "ok") == 0,
	   "the list keeps its good items");
	exl_config_free(&c);

	load_text(&c, "status:\n  interval: 5m\n  interval: 10m\n", 0);
	is_str(probs.msg[0], "t.yaml:3: status.interval: duplicate key, ignored: the one at line 2 applies",
	       "duplicate key");
	is_int(c.status_interval, 300, "the first one applies");
	exl_config_free(&c);

	load_text(&c, "sanitize:\n  - pattern: 'a(b)'\n    foo: 1\n", 1);
	is_str(probs.msg[0], "t.yaml:3: sanitize[0].foo: unknown key: see exp-log.yaml(5)",
	       "unknown key in a rule");
	ok(c.n_sanitize == 1 && strcmp(c.sanitize[0].replacement,
				       "[REDACTED]") == 0,
	   "the rule applies with the default replacement");
	exl_config_free(&c);

	load_text(&c, "allowed_roots: [scratch]\n", 1);
	ok(probs.count == 1 && c.n_allowed_roots == 0 && c.roots_restricted,
	   "an invalid root leaves the roots restricted");
	exl_config_free(&c);

	load_text(&c, "defaults:\n  group: g\n", 1);
	ok(c.group && exl_config_load_buffer(&c, "u.yaml", "defaults:\n  group:\n",
					      19, 0, &probs) == 0 && !c.group,
	   "null clears a nullable key");
	exl_config_free(&c);

	fresh(&c);
	for (int i = 0; i < 40; i++) {
		char y[32];

		snprintf(y, sizeof(y), "k%d: 1\n", i);
		exl_config_load_buffer(&c, "t.yaml", y, strlen(y), 0, &probs);
	}
	ok(probs.count == 40 &&
	   strcmp(probs.msg[EXL_CONFIG_PROBLEMS_MAX - 1],
		  "t.yaml:1: k31: unknown key: see exp-log.yaml(5)") == 0,
	   "problems are counted past the %d kept", EXL_CONFIG_PROBLEMS_MAX);
	exl_config_free(&c);
}

static char *repeat(const char *head, const char *unit, int n,
		    const char *tail)
{
	size_t len = strlen(head) + strlen(unit) * (size_t)n + strlen(tail);
	char *s = malloc(len + 1);
	int i;

	if (!s)
		tap_bail("malloc");
	strcpy(s, head);
	for (i = 0; i < n; i++)
		strcat(s, unit);
	strcat(s, tail);
	return s;
}

/* Broken documents: one message, and the file changes nothing. */
static void test_malformed(void)
{
	static const struct {
		const char *yaml;
		const char *msg;
	} bad[] = {
		{ "status:\n  interval: 5m\ndefaults:\n  group: 'abc\n",
		  "t.yaml:4: defaults.group: invalid YAML: found unexpected end of stream while scanning a quoted scalar: close the quote; file ignored" },
		{ "status:\n\tinterval: 5m\n",
		  "t.yaml:2: status: invalid YAML: found character that cannot start any token while scanning for the next token: indent with spaces, not tabs; file ignored" },
		{ "status:\n  interval: 5m\n stall_intervals: 2\n",
		  "t.yaml:3: status: invalid YAML: did not find expected key while parsing a block mapping: check the indentation; file ignored" },
		{ "status:\n  interval: a: b\n",
		  "t.yaml:2: status.interval: invalid YAML: mapping values are not allowed in this context: quote a value that contains ': '; file ignored" },
		{ "status: {interval: 5m\n",
		  "t.yaml:1: status.interval: invalid YAML: did not find expected ',' or '}' while parsing a flow mapping: close the bracket; file ignored" },
		{ "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
		  "t.yaml:2: b[0]: aliases (*a) are not allowed: write the value out; file ignored" },
		{ "status:\n  interval: 5m\n---\nstatus:\n  interval: 6m\n",
		  "t.yaml:3: more than one YAML document: remove the second '---'; file ignored" },
		{ "? [a]\n: b\n",
		  "t.yaml:1: a key must be plain text, not a list or mapping; file ignored" },
		{ "defaults:\n  group: \"\xff\"\n",
		  "t.yaml:2: invalid YAML: invalid leading UTF-8 octet: save the file as UTF-8 text; file ignored" },
	};
	/* the document is head, then unit n times */
	static const struct {
		const char *head, *unit;
		int n;
		const char *msg;
	} limits[] = {
		{ "status:\n  interval: 5m\nx: ", "[", EXL_YAML_MAX_DEPTH + 4,
		  "t.yaml:3: x[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]: nested deeper than 16 levels: flatten it; file ignored" },
		{ "status:\n  interval: 5m\n  errors: [", "a, ",
		  EXL_YAML_MAX_ITEMS + 1,
		  "t.yaml:3: status.errors[256]: more than 256 list items: shorten it; file ignored" },
		{ "status:\n  interval: 5m\ndefaults:\n  log_dir: ", "x",
		  EXL_YAML_MAX_SCALAR + 1,
		  "t.yaml:4: defaults.log_dir: value longer than 4096 bytes: shorten it; file ignored" },
		{ "status:\n  interval: 5m\n", "? k\n: [a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a]\n",
		  250,
		  "t.yaml:402: k[26]: more than 8192 values: the file is too big; file ignored" },
	};
	struct exl_config c;
	char *want = default_dump(), *got, *s;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rc = load_text(&c, bad[i].yaml, 0);
		ok(rc == -1 && probs.count == 1, "malformed: one problem (%zu)", i);
		is_str(probs.msg[0], bad[i].msg, "malformed: message %zu", i);
		got = exl_config_dump(&c);
		ok(got && strcmp(got, want) == 0, "malformed: nothing applied (%zu)",
		   i);
		free(got);
		exl_config_free(&c);
	}

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		s = repeat(limits[i].head, limits[i].unit, limits[i].n, "\n");
		load_text(&c, s, 0);
		is_str(probs.msg[0], limits[i].msg, "limit %zu", i);
		is_int(c.status_interval, 1800, "limit %zu: nothing applied", i);
		free(s);
		exl_config_free(&c);
	}
	free(want);

	ok(load_text(&c, "", 0) == 0 && probs.count == 0, "empty file");
	exl_config_free(&c);
	ok(load_text(&c, "# only a comment\n---\n", 0) == 0 && probs.count == 0,
	   "comment-only file");
	exl_config_free(&c);
	ok(load_text(&c, "status: !!map {interval: !!str 5m}\n", 0) == 0 &&
	   c.status_interval == 300, "tags are ignored");
	exl_config_free(&c);
	ok(load_text(&c, "status: &s {interval: 5m}\n", 0) == 0 &&
	   c.status_interval == 300, "an anchor without alias is harmless");
	exl_config_free(&c);
	fresh(&c);
	rc = exl_config_load_buffer(&c, "t.yaml", "a: \"x\0y\"\n", 9, 0, &probs);
	ok(rc == -1 && strstr(probs.msg[0], "control characters are not allowed"),
	   "NUL inside the buffer refused: %s", probs.msg[0]);
	exl_config_free(&c);
}

static const char site_yaml[] =
	"defaults:\n"
	"  group: site-group\n"
	"  log_dir: /scratch/logs\n"
	"status:\n"
	"  interval: 1h\n"
	"telemetry:\n"
	"  cost_per_gpu_hour: 3\n"
	"allowed_roots: [/scratch/, /home]\n"
	"checkpoints: ['ckpt/*']\n";

static const char user_yaml[] =
	"defaults:\n"
	"  group: mine\n"
	"status:\n"
	"  stall_intervals: 5\n"
	"allowed_roots: [/]\n"
	"checkpoints: []\n";

static void check_layered(const struct exl_config *c, const char *user,
			  const char *how)
{
	char want[600];

	is_str(c->group, "mine", "%s: user overrides site", how);
	is_str(c->log_dir, "/scratch/logs", "%s: site value kept", how);
	is_int(c->status_interval, 3600, "%s: site interval", how);
	is_int(c->stall_intervals, 5, "%s: user stall intervals", how);
	ok(c->cost_per_gpu_hour == 3, "%s: site cost", how);
	ok(c->n_allowed_roots == 2 && strcmp(c->allowed_roots[0], "/scratch") == 0 &&
	   strcmp(c->allowed_roots[1], "/home") == 0,
	   "%s: site roots, normalised; the user's are ignored", how);
	is_int(c->n_checkpoint_patterns, 0, "%s: an empty list clears", how);
	snprintf(want, sizeof(want), "%s:5: allowed_roots: site-only key, ignored: only the site file may set it",
		 user);
	ok(probs.count == 1, "%s: one problem", how);
	is_str(probs.msg[0], want, "%s: names the user file, line and key",
	       how);
}

static void test_files(void)
{
	struct exl_config c;
	char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	char big_msg[300];
	char *big;

	put("site.yaml", site_yaml);
	put("user.yaml", user_yaml);
	memset(&probs, 0, sizeof(probs));
	ok(exl_config_load(&c, p("site.yaml"), p("user.yaml"), &probs) == -1,
	   "load reports the problem");
	check_layered(&c, p("user.yaml"), "paths");
	exl_config_free(&c);

	if (mkdir(p(".config"), 0700) < 0)
		tap_bail("mkdir");
	put(".config/exp-log.yaml", user_yaml);
	setenv("HOME", dir, 1);
	memset(&probs, 0, sizeof(probs));
	exl_config_load(&c, p("site.yaml"), NULL, &probs);
	check_layered(&c, p(".config/exp-log.yaml"), "$HOME");
	exl_config_free(&c);

	memset(&probs, 0, sizeof(probs));
	ok(exl_config_load(&c, p("nosite.yaml"), p("nouser.yaml"), &probs) == 0 &&
	   probs.count == 0 && c.status_interval == 1800,
	   "missing files: defaults, no problem");
	ok(exl_config_load_file(&c, p("nosite.yaml"), 1, &probs) == 1,
	   "missing file returns 1");
	ok(exl_config_load_file(&c, p("site.yaml/x"), 1, &probs) == 1,
	   "a path through a file is missing too");
	exl_config_free(&c);
	unsetenv("HOME");
	memset(&probs, 0, sizeof(probs));
	ok(exl_config_load(&c, p("site.yaml"), NULL, &probs) == 0 &&
	   probs.count == 0 && !strcmp(c.group, "site-group"),
	   "no $HOME: no user file");
	exl_config_free(&c);
	if (home)
		setenv("HOME", home, 1);
	free(home);

	if (symlink(p("user.yaml"), p("link.yaml")) < 0)
		tap_bail("symlink");
	fresh(&c);
	ok(exl_config_load_file(&c, p("link.yaml"), 0, &probs) == -1 &&
	   strstr(probs.msg[0], "is a symlink, refusing to follow it; file ignored"),
	   "user file through a symlink refused: %s", probs.msg[0]);
	exl_config_free(&c);
	fresh(&c);
	ok(exl_config_load_file(&c, p("link.yaml"), 1, &probs) == 0 &&
	   probs.count == 0 && !strcmp(c.group, "mine"),
	   "site file through a symlink is followed");
	exl_config_free(&c);

	fresh(&c);
	ok(exl_config_load_file(&c, dir, 1, &probs) == -1 &&
	   strstr(probs.msg[0], "not a regular file; file ignored"),
	   "directory refused: %s", probs.msg[0]);
	exl_config_free(&c);

	big = malloc(EXL_CONFIG_MAX_BYTES + 2);
	if (!big)
		tap_bail("malloc");
	memset(big, '#', EXL_CONFIG_MAX_BYTES + 1);
	big[EXL_CONFIG_MAX_BYTES + 1] = '\0';
	put("big.yaml", big);
	fresh(&c);
	snprintf(big_msg, sizeof(big_msg), "%s: too large (%u bytes, limit %u); file ignored",
		 p("big.yaml"), EXL_CONFIG_MAX_BYTES + 1, EXL_CONFIG_MAX_BYTES);
	ok(exl_config_load_file(&c, p("big.yaml"), 1, &probs) == -1,
	   "huge file refused");
	is_str(probs.msg[0], big_msg, "huge file message");
	exl_config_free(&c);
	big[EXL_CONFIG_MAX_BYTES] = '\0';
	put("big.yaml", big);
	fresh(&c);
	ok(exl_config_load_file(&c, p("big.yaml"), 1, &probs) == 0,
	   "a file of exactly the limit loads");
	exl_config_free(&c);
	free(big);
}

static int allowed(const struct exl_config *c, const char *path,
		   struct exl_err *err)
{
	exl_err_clear(err);
	return exl_config_root_allowed(c, path, err);
}

static void test_roots(void)
{
	static const struct {
		const char *path;	/* below the temp dir */
		int ok;
	} cases[] = {
		{ "root", 1 }, { "root/new/deeper", 1 }, { "root/sub/x", 1 },
		{ "root//sub/./x/", 1 }, { "root/in/x", 1 },
		{ "root/out", 0 }, { "root/out/x", 0 },
		{ "root/../outside", 0 }, { "root/sub/../../outside", 0 },
		{ "outside", 0 }, { "rootx", 0 }, { "roo", 0 },
		{ "rootlink/x", 1 }, { "real/x", 1 }, { "root/dangling/x", 0 },
		{ "root/loop/x", 0 }, { "root/file/x", 0 },
	};
	struct exl_config c;
	struct exl_err err;
	char yaml[1024], path[600], want[1024];
	size_t i;

	if (mkdir(p("root"), 0755) < 0 || mkdir(p("root/sub"), 0755) < 0 ||
	    mkdir(p("outside"), 0755) < 0 || mkdir(p("real"), 0755) < 0 ||
	    symlink(p("outside"), p("root/out")) < 0 ||
	    symlink(p("root/sub"), p("root/in")) < 0 ||
	    symlink(p("real"), p("rootlink")) < 0 ||
	    symlink(p("nowhere"), p("root/dangling")) < 0 ||
	    symlink(p("root/loop"), p("root/loop")) < 0)
		tap_bail("roots fixture");
	put("root/file", "x");

	snprintf(yaml, sizeof(yaml), "allowed_roots:\n  - %s/\n  - %s\n",
		 p("root"), p("rootlink"));
	ok(load_text(&c, yaml, 1) == 0, "roots load");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, cases[i].path);
		is_int(allowed(&c, path, &err) == 0, cases[i].ok,
		       "%s %s (%s)", cases[i].path,
		       cases[i].ok ? "allowed" : "refused", err.text);
	}
	snprintf(want, sizeof(want), "exp-log: run-log root: %s is a symlink to %s, outside the allowed run-log roots: use a directory inside them",
		 p("root/out"), p("outside"));
	allowed(&c, p("root/out/logs"), &err);
	is_str(err.text, want, "symlink escape message");
	snprintf(want, sizeof(want), "exp-log: run-log root %s is outside the allowed run-log roots (%s, %s): use a directory inside one of them",
		 p("outside"), p("root"), p("rootlink"));
	allowed(&c, p("outside"), &err);
	is_str(err.text, want, "outside message");
	snprintf(want, sizeof(want), "exp-log: run-log root %s: '..' is not allowed when run-log roots are restricted: give the path without '..'",
		 p("root/../outside"));
	allowed(&c, p("root/../outside"), &err);
	is_str(err.text, want, "'..' message");
	ok(allowed(&c, "run_logs", &err) < 0 &&
	   strstr(err.text, "not an absolute path"), "relative refused");
	exl_config_free(&c);

	ok(load_text(&c, "allowed_roots: [/]\n", 1) == 0 &&
	   allowed(&c, p("outside/x"), &err) == 0 &&
	   allowed(&c, p("root/out/x"), &err) == 0 &&
	   allowed(&c, "/a/../b", &err) < 0, "root / allows all but '..'");
	exl_config_free(&c);

	fresh(&c);
	ok(allowed(&c, p("root/out/x"), &err) == 0 &&
	   allowed(&c, "/a/../b", &err) == 0, "no roots: anywhere");
	exl_config_free(&c);

	load_text(&c, "allowed_roots: [relative, also/relative]\n", 1);
	ok(allowed(&c, p("root"), &err) < 0 &&
	   strstr(err.text, "allowed_roots has no valid entry"),
	   "roots given but all invalid: nothing allowed");
	exl_config_free(&c);
}

/* The config's default patterns, compiled and matched as the monitor
 * does (exl_config_patterns, exl_patterns_match), against lines real
 * trainers print. */
static void test_patterns(void)
{
	static const struct {
		int which;		/* 0 step, 1 loss, 2 val_loss */
		const char *line;
		double want;		/* -1: no match */
	} lines[] = {
		{ 0, "step 1200", 1200 }, { 0, "step=1200", 1200 },
		{ 0, "step: 1200", 1200 }, { 0, "iter 5", 5 },
		{ 0, "Iteration: 12 loss 3", 12 }, { 0, "Step 30/100", 30 },
		{ 0, "global_step=7", 7 }, { 0, "{'step': 9}", 9 },
		{ 0, "[step 4] lr 0.1", 4 }, { 0, "max_steps=1000", -1 },
		{ 0, "warmup_steps 10", -1 }, { 0, "timestep 5", -1 },
		{ 0, "step_time 0.5", -1 }, { 0, "epoch 3", -1 },
		{ 1, "loss 0.085", 0.085 }, { 1, "loss=0.085", 0.085 },
		{ 1, "train_loss: 0.085", 0.085 }, { 1, "Loss: 1.5e-3", 1.5e-3 },
		{ 1, "epoch 3 loss 0.5", 0.5 }, { 1, "step 5, loss 2", 2 },
		{ 1, "{'loss': 0.4321, 'epoch': 0.5}", 0.4321 },
		{ 1, "train/loss=0.25", 0.25 }, { 1, "training loss: 0.3", 0.3 },
		{ 1, "| loss -0.5 |", -0.5 }, { 1, "\tloss .5", 0.5 },
		{ 1, "val_loss 0.09", -1 }, { 1, "eval_loss: 0.1", -1 },
		{ 1, "val/loss=0.2", -1 }, { 1, "validation loss: 0.2", -1 },
		{ 1, "val loss 0.2", -1 }, { 1, "loss_scale 1024", -1 },
		{ 1, "losses 3", -1 },
		/* read as NaN: the tracker counts it, never uses it */
		{ 1, "loss nan", NAN },
		{ 1, "val_loss=0.456, train_loss=0.123", 0.123 },
		{ 2, "val_loss 0.09", 0.09 }, { 2, "val/loss=0.1", 0.1 },
		{ 2, "eval_loss: 0.2", 0.2 }, { 2, "{'eval_loss': 0.41}", 0.41 },
		{ 2, "Validation Loss: 0.3", 0.3 }, { 2, "valid_loss 1", 1 },
		{ 2, "loss 0.5", -1 }, { 2, "train_loss 0.5", -1 },
		{ 2, "interval_loss 3", -1 },
	};
	static const char *const name[] = { "step", "loss", "val_loss" };
	struct exl_patterns pat;
	struct exl_line_facts f;
	struct exl_config c;
	struct exl_err err;
	double v, want;
	size_t i;
	int have;

	fresh(&c);
	if (exl_config_patterns(&c, &pat, &err) < 0)
		tap_bail(err.text);
	is_int(pat.n_errors, c.n_error_patterns,
	       "every error pattern compiled");
	exl_config_free(&c);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		exl_patterns_match(&pat, lines[i].line, &f);
		switch (lines[i].which) {
		case 0:
			have = f.have_step;
			v = (double)f.step;
			break;
		case 1:
			have = f.have_loss;
			v = f.loss;
			break;
		default:
			have = f.have_val;
			v = f.val;
			break;
		}
		want = lines[i].want;
		ok(isnan(want) ? have && isnan(v) :
		   want == -1 ? !have : have && v == want,
		   "%s pattern on '%s': %s %g", name[lines[i].which],
		   lines[i].line, have ? "read" : "none", have ? v : -1);
	}
	is_int(exl_patterns_error(&pat, "torch.OutOfMemoryError: CUDA out of memory."),
	       0, "default error pattern: OOM");
	is_int(exl_patterns_error(&pat, "cuda out of memory"), -1,
	       "error patterns are case-sensitive");
	exl_patterns_free(&pat);
}

/* exl_config_patterns: what the file says is what the monitor matches. */
static void test_config_patterns(void)
{
	struct exl_patterns pat;
	struct exl_line_facts f;
	struct exl_config c;
	struct exl_err err;

	load_text(&c, "status:\n  patterns:\n    step: ~\n    val_loss: null\n"
		  "  errors: []\n", 0);
	ok(probs.count == 0 && !c.pattern_step && !c.pattern_val_loss &&
	   c.n_error_patterns == 0, "null patterns, empty error list");
	ok(exl_config_patterns(&c, &pat, &err) == 0 &&
	   !pat.have[EXL_PAT_STEP] && pat.have[EXL_PAT_LOSS] &&
	   !pat.have[EXL_PAT_VAL] && pat.n_errors == 0,
	   "null: not looked for (not the default); []: no error patterns");
	ok(exl_patterns_match(&pat, "step 5 loss 0.5 val_loss 0.6", &f) &&
	   !f.have_step && f.have_loss && f.loss == 0.5 && !f.have_val,
	   "only the loss is read");
	ok(exl_patterns_error(&pat, "CUDA out of memory") < 0,
	   "no error is matched");
	exl_patterns_free(&pat);
	exl_config_free(&c);

	load_text(&c, "status:\n  patterns:\n"
		  "    step: '([0-9]+)/([0-9]+)'\n"
		  "    loss: 'LOSS=([0-9.]+)'\n"
		  "    val_loss: '(val|eval)_loss ([0-9.]+)'\n"
		  "  errors: ['FATAL']\n", 0);
	ok(probs.count == 0 && exl_config_patterns(&c, &pat, &err) == 0,
	   "custom patterns compile");
	ok(exl_patterns_match(&pat, "30/100 loss=0.25 eval_loss 0.5", &f) &&
	   f.step == 100 && f.loss == 0.25 && f.val == 0.5,
	   "the last group that took part is the number, case-insensitive");
	ok(exl_patterns_error(&pat, "FATAL: x") == 0 &&
	   exl_patterns_error(&pat, "fatal: x") < 0,
	   "custom error pattern, case-sensitive");
	exl_patterns_free(&pat);
	exl_config_free(&c);

	load_text(&c, "status:\n  patterns:\n    step: '(a)|([0-9]+)'\n", 0);
	ok(exl_config_patterns(&c, &pat, &err) == 0 &&
	   exl_patterns_match(&pat, "x 42", &f) && f.step == 42 &&
	   !exl_patterns_match(&pat, "a", &f),
	   "alternation: the group that took part");
	exl_patterns_free(&pat);
	exl_config_free(&c);
}

static char *slurp(const char *path)
{
	struct exl_err err;
	char *buf;

	if (exl_read_file(path, EXL_READ_MAX, &buf, NULL, &err) < 0) {
		printf("Bail out! %s\n", err.text);
		exit(1);
	}
	return buf;
}

struct key_check {
	const char *man, *example;
	int keys;
};

static void check_key(const char *path, unsigned flags, void *arg)
{
	struct key_check *k = arg;
	const char *leaf = strrchr(path, '.');
	char needle[160];

	k->keys++;
	snprintf(needle, sizeof(needle), ".B %s\n", path);
	ok(strstr(k->man, needle) != NULL, "man page documents %s", path);
	if (flags & EXL_CFG_SITE_ONLY) {
		snprintf(needle, sizeof(needle), ".B %s\nSite-only", path);
		ok(strstr(k->man, needle) != NULL, "man page: %s is site-only",
		   path);
	}
	snprintf(needle, sizeof(needle), "%s%s:", leaf ? " " : "\n",
		 leaf ? leaf + 1 : path);
	ok(strstr(k->example, needle) != NULL, "example file shows %s", path);
}

/* unroff: the text of the man page's first .nf block after marker,
 * with the escapes this page uses (\e, \-, \&) undone. */
static char *unroff(const char *man, const char *marker)
{
	const char *b = strstr(man, marker), *e;
	char *out, *o;

	b = b ? strstr(b, ".nf\n") : NULL;
	e = b ? strstr(b, ".fi\n") : NULL;
	if (!e)
		return NULL;
	b += 4;
	out = o = malloc((size_t)(e - b) + 1);
	if (!out)
		tap_bail("malloc");
	while (b < e) {
		if (b[0] == '\\' && (b[1] == 'e' || b[1] == '-')) {
			*o++ = b[1] == 'e' ? '\\' : '-';
			b += 2;
		} else if (b[0] == '\\' && b[1] == '&') {
			b += 2;
		} else {
			*o++ = *b++;
		}
	}
	*o = '\0';
	return out;
}

static void test_example_and_man(void)
{
	struct key_check k = { 0 };
	struct exl_config c, d;
	char *text, *man, *example;
	size_t i;

	fresh(&c);
	ok(exl_config_load_file(&c, EXL_TOP_SRCDIR "/contrib/examples/exp-log.yaml",
				1, &probs) == 0 && probs.count == 0,
	   "the example site file loads without problems");
	for (i = 0; i < probs.count && i < EXL_CONFIG_PROBLEMS_MAX; i++)
		diag("%s", probs.msg[i]);
	fresh(&d);
	ok(!strcmp(c.pattern_step, d.pattern_step) &&
	   !strcmp(c.pattern_loss, d.pattern_loss) &&
	   !strcmp(c.pattern_val_loss, d.pattern_val_loss),
	   "the example shows the default progress patterns");
	ok(c.n_error_patterns == d.n_error_patterns &&
	   c.n_checkpoint_patterns == d.n_checkpoint_patterns,
	   "and the default error patterns and checkpoints");
	for (i = 0; i < c.n_error_patterns && i < d.n_error_patterns; i++)
		is_str(c.error_patterns[i], d.error_patterns[i],
		       "example error pattern %zu", i);
	ok(c.n_allowed_roots == 2 && c.n_env_capture == 2 && c.n_sanitize == 2 &&
	   !strcmp(c.sanitize[1].replacement, "[REDACTED]") &&
	   !strcmp(c.wandb_mode, "offline") && c.cost_per_gpu_hour == 2.5,
	   "example values");
	exl_config_free(&d);

	/* what the dump shows loads back to the same dump */
	text = exl_config_dump(&c);
	fresh(&d);
	ok(text && exl_config_load_buffer(&d, "dump", text, strlen(text), 1,
					  &probs) == 0, "dump loads back");
	example = exl_config_dump(&d);
	ok(text && example && strcmp(text, example) == 0, "dump round trip");
	ok(text && strstr(text, "\nallowed_roots:\n  - '/home'\n") &&
	   strstr(text, "\nsanitize:\n  - pattern: '(api[_-]?key|token|password)=[^[:space:]]+'\n    replace: '\\1=[REDACTED]'\n") &&
	   strstr(text, "\n  cost_per_gpu_hour: 2.5\n"), "dump layout");
	free(text);
	free(example);
	exl_config_free(&c);
	exl_config_free(&d);

	/* the template: make changes only its .TH line (version, date) */
	man = slurp(EXL_TOP_SRCDIR "/man/exp-log.yaml.5.in");
	example = slurp(EXL_TOP_SRCDIR "/contrib/examples/exp-log.yaml");
	text = unroff(man, "comment says \"example\"):");
	is_str(text, example, "the man page shows the example file as it is");
	free(text);
	k.man = man;
	k.example = example;
	exl_cfg_each_key(check_key, &k);
	is_int(k.keys, 25, "25 keys");
	free(man);
	free(example);
}

/* Mutate a valid file many ways: never a crash or leak, and whatever
 * got in is valid (the dump loads back cleanly to the same dump). */
static const char flow_seed[] =
	"status: {interval: 10m, patterns: {step: '(x)([0-9]+)'}, errors: [a, 'b(c)']}\n"
	"env_capture: {pip: pip freeze, 'x.y': \"echo \\\"hi\\\"\"}\n"
	"sanitize: [{pattern: '(t)=x', replace: '\\1'}, {pattern: a}]\n"
	"allowed_roots: [/a/, //b//c]\n"
	"data: &d {hash: yes, hash_max: 5M}\n"
	"wandb: {mode: disabled, entity: e, project: p}\n"
	"telemetry: {interval: off, cost_per_gpu_hour: 0.5, currency: \"\u20ac\"}\n"
	"defaults: {log_dir: /x, group: g, mode: 'pipeline:a b'}\n"
	"checkpoints: ['*.pt', \"ckpt/**\"]\n";

static void test_flow_seed(void)
{
	struct exl_config c;

	ok(load_text(&c, flow_seed, 1) == 0 && probs.count == 0 &&
	   c.n_sanitize == 2 && c.n_allowed_roots == 2 &&
	   !strcmp(c.allowed_roots[1], "/b/c") &&
	   !strcmp(c.currency, "\u20ac") && c.telemetry_interval == 0,
	   "flow-style seed loads cleanly");
	exl_config_free(&c);
}

static void test_fuzz(const char *seed_text, const char *name, int rounds)
{
	static const char specials[] = ":-[]{}&*!|>'\"%@`#,?\t\n \\~0";
	char *seed = strdup(seed_text), *buf, *d1, *d2;
	size_t len = strlen(seed_text), n, pos, i;
	struct exl_config c, d;
	int r, bad = 0, loaded = 0;
	unsigned state = 12345;

	buf = seed ? malloc(len * 2 + 64) : NULL;
	if (!buf)
		tap_bail("malloc");
	for (r = 0; r < rounds; r++) {
		memcpy(buf, seed, len + 1);
		n = len;
		for (i = 0; i < 1 + (size_t)(r % 4); i++) {
			state = state * 1103515245 + 12345;
			pos = (state >> 8) % (n + 1);
			switch ((state >> 4) % 5) {
			case 0:		/* replace */
				if (pos < n)
					buf[pos] = specials[(state >> 16) % (sizeof(specials) - 1)];
				break;
			case 1:		/* insert */
				memmove(buf + pos + 1, buf + pos, n - pos + 1);
				buf[pos] = specials[(state >> 16) % (sizeof(specials) - 1)];
				n++;
				break;
			case 2:		/* delete a run */
				if (pos < n) {
					size_t k = 1 + (state >> 20) % 8;

					if (k > n - pos)
						k = n - pos;
					memmove(buf + pos, buf + pos + k,
						n - pos - k + 1);
					n -= k;
				}
				break;
			case 3:		/* truncate */
				buf[pos] = '\0';
				n = pos;
				break;
			default:	/* random byte */
				if (pos < n)
					buf[pos] = (char)(state >> 24);
				break;
			}
		}
		memset(&probs, 0, sizeof(probs));
		fresh(&c);
		if (exl_config_load_buffer(&c, "fuzz", buf, n, 1, &probs) == 0)
			loaded++;
		d1 = exl_config_dump(&c);
		fresh(&d);
		if (!d1 || exl_config_load_buffer(&d, "dump", d1, strlen(d1), 1,
						  &probs) != 0)
			bad++;
		d2 = exl_config_dump(&d);
		if (!d1 || !d2 || strcmp(d1, d2) != 0)
			bad++;
		if (bad == 1 && d1)
			diag("round %d: %s", r, probs.count ? probs.msg[0] : d1);
		free(d1);
		free(d2);
		exl_config_free(&c);
		exl_config_free(&d);
	}
	ok(bad == 0, "fuzz %s: %d mutations, %d loaded cleanly, every result valid",
	   name, rounds, loaded);
	free(buf);
	free(seed);
}

int main(void)
{
	const char *rounds = getenv("EXL_FUZZ_ROUNDS");
	char cmd[300], *example;

	if (!mkdtemp(dir))
		tap_bail("mkdtemp");
	test_values();
	test_defaults();
	test_errors();
	test_costly_patterns();
	test_partial();
	test_malformed();
	test_files();
	test_roots();
	test_patterns();
	test_config_patterns();
	test_example_and_man();
	example = slurp(EXL_TOP_SRCDIR "/contrib/examples/exp-log.yaml");
	test_flow_seed();
	test_fuzz(example, "example", rounds ? atoi(rounds) : 2000);
	test_fuzz(flow_seed, "flow", rounds ? atoi(rounds) : 2000);
	free(example);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("couldn't remove %s", dir);
	return done_testing();
}
