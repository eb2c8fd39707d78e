/* cmd_diff.c - `runlog diff RUN_A RUN_B`: what changed between two runs,
 * read from their run logs: statepoints, config (a unified diff of the
 * config snapshots the logs reference), code (commit range, the dirty
 * patches), environment captures, hardware and outcome. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "runstore/runlog_keys.h"
#include "runstore/runlog_doc.h"
#include "rl_spawn.h"
#include "runlog.h"
#include "util/jsonfile.h"

static const char usage[] =
"Usage: runlog diff RUN_A RUN_B [--json]\n"
"\n"
"What changed from run A to run B, read from their run logs, in six parts:\n"
"  statepoints  each statepoint whose value differs (or only one run has)\n"
"  config       the config file and its sha256, the snapshot, the dataset,\n"
"               and a unified diff of the two config snapshots\n"
"  code         repo, branch, commit (the range A..B and its commits when\n"
"               the repo is at hand), dirty, and a unified diff of the two\n"
"               uncommitted-change patches\n"
"  environment  every environment capture (env_capture), with a unified\n"
"               diff of the two captures that differ\n"
"  hardware     hardware, nodes, partition, time limit\n"
"  outcome      scheduler state, exit, runtime, final step, final losses\n"
"Only what differs is listed; a part with no difference says 'same'.\n"
"RUN is a path, a file name, a stem or group/name, as for runlog show.\n"
"\n"
"      --json   the parts as JSON\n"
"  -h, --help   this help\n"
"\n"
"Exit status: 0 the runs are the same in every part, 1 they differ,\n"
"2 bad command line, 3 a run log could not be read.\n";

/* Longest unified diff kept per file pair. */
#define DIFF_MAX (256u << 10)

enum part { P_SP, P_CONFIG, P_CODE, P_ENV, P_HW, P_OUT, NPARTS };

static const char *const part_name[NPARTS] = {
	"statepoints", "config", "code", "environment", "hardware", "outcome",
};

/* One field that differs: key, A's value, B's (NULL: absent). */
struct field {
	char *key, *a, *b;
};

struct part_diff {
	struct field *f;
	size_t n;
	char *diff;		/* unified diff text, NULL: none */
	char *note;		/* "commits A..B: ..." and the like */
};

/* One side: its run and parsed log. */
struct side {
	struct rl_run run;
	struct exl_doc d;
	long config, job, results;	/* section lines, -1: none */
};

/* xstrdup: strdup or die. */
static char *xstrdup(const char *s)
{
	char *p = s ? strdup(s) : NULL;

	if (s && !p)
		cli_die(EXL_EXIT_ERROR, "out of memory");
	return p;
}

/* add: record key with values a and b when they differ. */
static void add(struct part_diff *p, const char *key, const char *a,
		const char *b)
{
	struct field *nf;

	if ((!a && !b) || (a && b && strcmp(a, b) == 0))
		return;
	nf = realloc(p->f, (p->n + 1) * sizeof(*nf));
	if (!nf)
		cli_die(EXL_EXIT_ERROR, "out of memory");
	p->f = nf;
	p->f[p->n].key = xstrdup(key);
	p->f[p->n].a = xstrdup(a);
	p->f[p->n++].b = xstrdup(b);
}

/* get: "- key:" of section sec (-1: none), NULL when absent. */
static char *get(const struct side *s, long sec, const char *key)
{
	return sec < 0 ? NULL : exl_doc_get_key(&s->d, (size_t)sec, key);
}

/* cmp_key: compare one key of a section on both sides. */
static void cmp_key(struct part_diff *p, const struct side *a, long sa,
		    const struct side *b, long sb, const char *key)
{
	char *va = get(a, sa, key), *vb = get(b, sb, key);

	add(p, key, va, vb);
	free(va);
	free(vb);
}

/* newest_job: the line of the newest "## Job" block, -1 when none. */
static long newest_job(const struct exl_doc *d)
{
	long at = -1;

	for (size_t i = 0; i < d->n; i++)
		if (strncmp(d->lines[i], "## Job", 6) == 0 &&
		    (d->lines[i][6] == '\0' || d->lines[i][6] == ' '))
			at = (long)i;
	return at;
}

/* load: read and parse RUN. */
static int load(const struct rl *c, const char *arg, struct side *s)
{
	struct exl_err err;
	char *text;
	int rc = rl_read_run(c, arg, &s->run, &text);

	if (rc)
		return rc;
	if (exl_doc_parse(&s->d, text, &err) < 0) {
		cli_err("%s: %s", s->run.path, err.text);
		free(text);
		return EXL_EXIT_ERROR;
	}
	free(text);
	s->config = exl_doc_find_section(&s->d, "Config", 0);
	s->results = exl_doc_find_section(&s->d, "Results", 0);
	s->job = newest_job(&s->d);
	return 0;
}

/* sp_value: the value of statepoint key in "k=v,k2=v2" into out; 0 when
 * the list has it. */
static int sp_value(const char *sp, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);

	for (const char *p = sp; p && *p; ) {
		const char *end = strchr(p, ','), *eq = strchr(p, '=');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (eq && eq < p + n && (size_t)(eq - p) == kl &&
		    strncmp(p, key, kl) == 0) {
			snprintf(out, len, "%.*s", (int)(n - kl - 1), eq + 1);
			return 0;
		}
		p = end ? end + 1 : NULL;
	}
	return -1;
}

/* sp_keys: add every key of sp that the other list lacks or holds with
 * another value (each key once). */
static void sp_part(struct part_diff *p, const char *spa, const char *spb)
{
	const char *lists[2] = { spa, spb };

	for (int w = 0; w < 2; w++)
		for (const char *q = lists[w]; q && *q; ) {
			const char *end = strchr(q, ','), *eq = strchr(q, '=');
			size_t n = end ? (size_t)(end - q) : strlen(q);
			char key[128], va[256], vb[256];
			int ha, hb;

			if (eq && eq < q + n && (size_t)(eq - q) < sizeof(key)) {
				snprintf(key, sizeof(key), "%.*s", (int)(eq - q), q);
				ha = spa && sp_value(spa, key, va, sizeof(va)) == 0;
				hb = spb && sp_value(spb, key, vb, sizeof(vb)) == 0;
				/* the second pass adds only keys A lacks */
				if (w == 0 || !ha)
					add(p, key, ha ? va : NULL, hb ? vb : NULL);
			}
			q = end ? end + 1 : NULL;
		}
}

/* path_of: the first `...` of a value ("`/x/y` (sha256 `..`)"), or the
 * whole value; newly allocated, NULL when none. */
static char *path_of(const char *v)
{
	const char *a, *b;
	char *p;

	if (!v)
		return NULL;
	a = strchr(v, '`');
	b = a ? strchr(a + 1, '`') : NULL;
	if (!a || !b)
		return strchr(v, ' ') ? NULL : xstrdup(v);
	p = strndup(a + 1, (size_t)(b - a - 1));
	if (!p)
		cli_die(EXL_EXIT_ERROR, "out of memory");
	return p;
}

/* udiff: `diff -u` of files a and b labelled la and lb; NULL when the
 * same or when either cannot be compared (note says why). */
static char *udiff(const char *a, const char *b, const char *la,
		   const char *lb, char **note)
{
	char *argv[] = { "diff", "-u", "--label", (char *)la, "--label",
			 (char *)lb, "--", (char *)a, (char *)b, NULL };
	char *out = NULL, *err = NULL;
	size_t len = 0;
	int st = rl_spawn(argv, 30, &out, &len, &err);

	if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 1 && out) {
		free(err);
		if (len > DIFF_MAX) {
			out[DIFF_MAX] = '\0';
			*note = xstrdup("(diff cut at 256 KiB)");
		}
		return out;
	}
	if (!(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0) && !*note) {
		char buf[512];

		snprintf(buf, sizeof(buf), "couldn't compare %s and %s: %s", a, b,
			 st < 0 ? "diff(1) not found" :
			 err && *err ? err : "diff failed");
		buf[strcspn(buf, "\n")] = '\0';
		*note = xstrdup(buf);
	}
	free(out);
	free(err);
	return NULL;
}

/* file_part: compare the files two values reference (snapshot, patch,
 * capture) with a unified diff. */
static void file_part(struct part_diff *p, const char *va, const char *vb,
		      const char *what)
{
	char *a = path_of(va), *b = path_of(vb), la[300], lb[300], *d;

	if (a && b && strcmp(a, b) != 0) {
		snprintf(la, sizeof(la), "a/%s", what);
		snprintf(lb, sizeof(lb), "b/%s", what);
		d = udiff(a, b, la, lb, &p->note);
		if (d && p->diff) {
			size_t n = strlen(p->diff), m = strlen(d);
			char *nd = realloc(p->diff, n + m + 1);

			if (!nd)
				cli_die(EXL_EXIT_ERROR, "out of memory");
			memcpy(nd + n, d, m + 1);
			p->diff = nd;
			free(d);
		} else if (d) {
			p->diff = d;
		}
	}
	free(a);
	free(b);
}

/* commit_range: "A..B" and, when the repo is at hand, its commits. */
static void commit_range(struct part_diff *p, const char *repo,
			 const char *ca, const char *cb)
{
	char range[200], *out = NULL, *err = NULL, buf[2048];
	char *argv[] = { "git", "-C", (char *)repo, "rev-list", "--oneline",
			 "--max-count=20", range, NULL };
	size_t len = 0;
	int st;

	snprintf(range, sizeof(range), "%s..%s", ca, cb);
	st = repo ? rl_spawn(argv, 30, &out, &len, &err) : -1;
	if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 && out) {
		size_t n = 0;

		for (char *q = out; *q; q++)
			n += *q == '\n';
		snprintf(buf, sizeof(buf), "commits %s (%zu%s):\n%s", range, n,
			 n == 20 ? " or more" : "", out);
	} else {
		snprintf(buf, sizeof(buf), "commits %s (the repo is not at hand to list them)\n",
			 range);
	}
	buf[sizeof(buf) - 1] = '\0';
	free(out);
	free(err);
	free(p->note);
	p->note = xstrdup(buf);
}

/* env_keys: compare every "- env NAME:" of Config, with diffs of the
 * captures that differ. */
static void env_part(struct part_diff *p, const struct side *a,
		     const struct side *b)
{
	const struct side *sides[2] = { a, b };

	for (int w = 0; w < 2; w++) {
		const struct side *s = sides[w];
		size_t end;

		if (s->config < 0)
			continue;
		end = exl_doc_section_end(&s->d, (size_t)s->config);
		for (size_t i = (size_t)s->config + 1; i < end; i++) {
			const char *l = s->d.lines[i];
			char key[128], *va, *vb;
			size_t n;

			if (strncmp(l, "- env ", 6) != 0 || !strchr(l + 6, ':'))
				continue;
			n = (size_t)(strchr(l + 6, ':') - (l + 2));
			if (n >= sizeof(key))
				continue;
			snprintf(key, sizeof(key), "%.*s", (int)n, l + 2);
			va = get(a, a->config, key);
			vb = get(b, b->config, key);
			if (w == 0 || !va) {
				add(p, key, va, vb);
				if (va && vb && strcmp(va, vb) != 0)
					file_part(p, va, vb, key + 4);
			}
			free(va);
			free(vb);
		}
	}
}

/* compare: all six parts. */
static void compare(const struct side *a, const struct side *b,
		    struct part_diff *p)
{
	static const char *const cfg_keys[] = { EXL_K_SCRIPT, EXL_K_CONFIG,
		EXL_K_DATASET, NULL };
	static const char *const hw_job[] = { EXL_K_NODES, EXL_K_PARTITION,
		EXL_K_TIME_LIMIT, NULL };
	static const char *const out_keys[] = { EXL_K_SCHEDULER_STATE,
		EXL_K_EXIT, EXL_K_RUNTIME, EXL_K_FINAL_STEP,
		EXL_K_END_TRAIN_LOSS, EXL_K_END_VAL_LOSS, NULL };
	char *va, *vb, *sa, *sb;

	sa = get(a, a->config, EXL_K_STATEPOINTS);
	sb = get(b, b->config, EXL_K_STATEPOINTS);
	sp_part(&p[P_SP], sa, sb);
	free(sa);
	free(sb);

	for (size_t i = 0; cfg_keys[i]; i++)
		cmp_key(&p[P_CONFIG], a, a->config, b, b->config, cfg_keys[i]);
	va = get(a, a->config, EXL_K_CONFIG_SNAPSHOT);
	vb = get(b, b->config, EXL_K_CONFIG_SNAPSHOT);
	file_part(&p[P_CONFIG], va, vb, "config");
	free(va);
	free(vb);

	cmp_key(&p[P_CODE], a, a->config, b, b->config, EXL_K_REPO);
	cmp_key(&p[P_CODE], a, a->config, b, b->config, EXL_K_BRANCH);
	cmp_key(&p[P_CODE], a, a->config, b, b->config, EXL_K_CODE);
	va = get(a, a->config, EXL_K_COMMIT);
	vb = get(b, b->config, EXL_K_COMMIT);
	add(&p[P_CODE], EXL_K_COMMIT, va, vb);
	if (va && vb && strcmp(va, vb) != 0) {
		char *repo = get(b, b->config, EXL_K_REPO);

		commit_range(&p[P_CODE], repo, va, vb);
		free(repo);
	}
	free(va);
	free(vb);
	cmp_key(&p[P_CODE], a, a->config, b, b->config, EXL_K_DIRTY);
	va = get(a, a->config, EXL_K_DIFF);
	vb = get(b, b->config, EXL_K_DIFF);
	add(&p[P_CODE], EXL_K_DIFF, va, vb);
	/* the patch is the value's `path` after "(patch " */
	if (va && vb && strstr(va, "(patch `") && strstr(vb, "(patch `"))
		file_part(&p[P_CODE], strstr(va, "(patch `") + 7,
			  strstr(vb, "(patch `") + 7, "code.patch");
	free(va);
	free(vb);

	env_part(&p[P_ENV], a, b);

	cmp_key(&p[P_HW], a, a->config, b, b->config, EXL_K_HARDWARE);
	for (size_t i = 0; hw_job[i]; i++)
		cmp_key(&p[P_HW], a, a->job, b, b->job, hw_job[i]);

	for (size_t i = 0; out_keys[i]; i++)
		cmp_key(&p[P_OUT], a, a->results, b, b->results, out_keys[i]);
}

/* print_text: each part, its differing fields, its diff. */
static void print_text(const struct side *a, const struct side *b,
		       const struct part_diff *p)
{
	printf("a: %s\nb: %s\n", a->run.path, b->run.path);
	for (int i = 0; i < NPARTS; i++) {
		if (!p[i].n && !p[i].diff && !p[i].note) {
			printf("%s: same\n", part_name[i]);
			continue;
		}
		printf("%s:\n", part_name[i]);
		for (size_t k = 0; k < p[i].n; k++)
			printf("  %s: %s -> %s\n", p[i].f[k].key,
			       p[i].f[k].a ? p[i].f[k].a : "(none)",
			       p[i].f[k].b ? p[i].f[k].b : "(none)");
		if (p[i].note) {
			printf("  ");
			for (const char *q = p[i].note; *q; q++) {
				putchar(*q);
				if (*q == '\n' && q[1])
					printf("    ");
			}
			if (p[i].note[strlen(p[i].note) - 1] != '\n')
				putchar('\n');
		}
		if (p[i].diff)
			fputs(p[i].diff, stdout);
	}
}

/* print_json: {"a", "b", "same", PART: {same, fields, diff, note}}. */
static void print_json(const struct side *a, const struct side *b,
		       const struct part_diff *p, int same)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "a", json_object_new_string(a->run.path));
	json_object_object_add(o, "b", json_object_new_string(b->run.path));
	json_object_object_add(o, "same", json_object_new_boolean(same));
	for (int i = 0; i < NPARTS; i++) {
		json_object *x = json_object_new_object(), *f = json_object_new_array();

		json_object_object_add(x, "same", json_object_new_boolean(
			!p[i].n && !p[i].diff));
		for (size_t k = 0; k < p[i].n; k++) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "key", json_object_new_string(p[i].f[k].key));
			json_object_object_add(e, "a", p[i].f[k].a ?
					       json_object_new_string(p[i].f[k].a) : NULL);
			json_object_object_add(e, "b", p[i].f[k].b ?
					       json_object_new_string(p[i].f[k].b) : NULL);
			json_object_array_add(f, e);
		}
		json_object_object_add(x, "fields", f);
		json_object_object_add(x, "diff", p[i].diff ?
				       json_object_new_string(p[i].diff) : NULL);
		json_object_object_add(x, "note", p[i].note ?
				       json_object_new_string(p[i].note) : NULL);
		json_object_object_add(o, part_name[i], x);
	}
	exl_json_print(o);
}

int cmd_diff(struct rl *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct side a, b;
	struct part_diff p[NPARTS];
	int ch, json = 0, rc, same = 1;

	optind = 0;	/* glibc: reinitialise (main used "+") */
	while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (ch == 'j')
			json = 1;
		else if (ch == 'h')
			return rl_help(usage);
		else
			return cli_bad_option(ch, argv, "diff");
	}
	if (argc - optind < 2)
		return cli_missing("diff", argc - optind ? "RUN_B" : "RUN_A",
				   usage);
	if (argc - optind > 2)
		return rl_usage("diff", "two runs, RUN_A and RUN_B");
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(p, 0, sizeof(p));
	rc = load(c, argv[optind], &a);
	if (!rc)
		rc = load(c, argv[optind + 1], &b);
	if (!rc) {
		compare(&a, &b, p);
		for (int i = 0; i < NPARTS; i++)
			same &= !p[i].n && !p[i].diff;
		if (json)
			print_json(&a, &b, p, same);
		else
			print_text(&a, &b, p);
		rc = same ? EXL_EXIT_OK : EXL_EXIT_CHECK;
	}
	for (int i = 0; i < NPARTS; i++) {
		for (size_t k = 0; k < p[i].n; k++) {
			free(p[i].f[k].key);
			free(p[i].f[k].a);
			free(p[i].f[k].b);
		}
		free(p[i].f);
		free(p[i].diff);
		free(p[i].note);
	}
	exl_doc_free(&a.d);
	exl_doc_free(&b.d);
	return rc;
}
