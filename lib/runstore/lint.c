/* lint.c - rules over one run log (see lint.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runstore/ckpt_state.h"
#include "runstore/evidence.h"
#include "runstore/experiments_table.h"
#include "runstore/lint.h"
#include "runstore/runlog_summary.h"
#include "runstore/status_row.h"
#include "util/timefmt.h"
#include "runstore/runlog_keys.h"

void exl_findings_add(struct exl_findings *f, const char *file, long line,
		      const char *rule, int fixable, const char *fix,
		      const char *fmt, ...)
{
	struct exl_finding *x;
	va_list ap;
	int rc;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 32;
		void *nv = realloc(f->v, cap * sizeof(*f->v));

		if (!nv) {
			f->nomem = 1;
			return;
		}
		f->v = nv;
		f->cap = cap;
	}
	x = &f->v[f->n];
	memset(x, 0, sizeof(*x));
	va_start(ap, fmt);
	rc = vasprintf(&x->msg, fmt, ap);
	va_end(ap);
	x->file = strdup(file);
	x->fix = strdup(fix);
	if (rc < 0 || !x->file || !x->fix) {
		if (rc >= 0)
			free(x->msg);
		free(x->file);
		free(x->fix);
		f->nomem = 1;
		return;
	}
	x->line = line;
	x->rule = rule;
	x->fixable = fixable;
	f->n++;
}

void exl_findings_free(struct exl_findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].file);
		free(f->v[i].msg);
		free(f->v[i].fix);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

/* Per-document state shared by the rules. */
struct ctx {
	const struct exl_doc *d;
	const char *path;
	const char *base;
	struct exl_findings *out;
	struct exl_run_summary s;
	long mode, status, results, wandb, hf;	/* section lines, -1 */
};

static long key_line(const struct ctx *c, long sec, const char *key)
{
	return sec < 0 ? -1 : exl_doc_find_key(c->d, (size_t)sec, key);
}

/* at: a 1-based line for a finding: the key line, else the section,
 * else the end of the file. */
static long at(const struct ctx *c, long sec, const char *key)
{
	long k = key ? key_line(c, sec, key) : -1;

	if (k >= 0)
		return k + 1;
	return sec >= 0 ? sec + 1 : (long)c->d->n + (c->d->n == 0);
}

/* The plugin's own words for a job submitted without --exp-mode
 * (runlog_render.c): an explicit statement, not a forgotten field. */
#define PLUGIN_NO_MODE "unspecified (use --exp-mode="

static void rule_run_type(struct ctx *c)
{
	if (exl_value_present(c->s.run_type) &&
	    strncmp(c->s.run_type, "unspecified", 11) != 0)
		return;
	if (c->s.run_type && strncmp(c->s.run_type, PLUGIN_NO_MODE,
				     strlen(PLUGIN_NO_MODE)) == 0)
		return;
	exl_findings_add(c->out, c->path, at(c, c->mode, "run_type"),
			 "run-type-missing", 0,
			 "add \"- " EXL_K_RUN_TYPE ": replication|experiment|pipeline (SUBTYPE)\" under ## Mode",
			 "no run_type recorded: the run's intent is unclear");
}

/* progress: does a Status text carry a step count or a loss? */
static int progress(const char *text)
{
	struct exl_evidence ev;

	exl_evidence_parse(text, &ev);
	return ev.step >= 0 || ev.loss_name[0] || strcasestr(text, "epoch") ||
	       strcasestr(text, "iter");
}

static void rule_status(struct ctx *c)
{
	size_t i, end;

	if (c->status < 0)
		return;
	end = exl_doc_section_end(c->d, (size_t)c->status);
	for (i = (size_t)c->status + 1; i < end; i++) {
		const char *l = c->d->lines[i], *text;
		time_t when;

		while (*l == ' ')
			l++;
		if ((l[0] != '-' && l[0] != '*') || l[1] != ' ')
			continue;
		text = exl_status_line(l, &when);
		if (!text)
			text = l + 2;
		if (exl_status_is_event(text) || progress(text))
			continue;
		exl_findings_add(c->out, c->path, (long)i + 1,
				 "status-no-progress", 0,
				 "record the step count and loss from the job's output",
				 "Status line without a step count or loss");
	}
}

static void rule_checkpoint(struct ctx *c)
{
	/* "none found (looked for ...)" is the plugin's finding, not a gap */
	if (!exl_summary_closed(&c->s) || exl_value_present(c->s.checkpoint) ||
	    (c->s.checkpoint && strncmp(c->s.checkpoint, "none found", 10) == 0) ||
	    (c->s.run_type && strncmp(c->s.run_type, "pipeline", 8) == 0))
		return;
	exl_findings_add(c->out, c->path, at(c, c->results, "checkpoint"),
			 "checkpoint-missing", 0,
			 "add \"- " EXL_K_CHECKPOINT ": `PATH`\" under ## Results",
			 "finished run without a checkpoint path in Results: "
			 "resuming becomes guesswork");
}

/* block_has_url: does the job block at sec mention a W&B URL? */
static int block_has_url(const struct exl_doc *d, size_t sec)
{
	size_t i, end = exl_doc_section_end(d, sec);

	for (i = sec + 1; i < end; i++)
		if (strstr(d->lines[i], "https://") && strstr(d->lines[i], "wandb"))
			return 1;
	return 0;
}

/* The plugin's own to-do for an offline run it found (wandb_local.c):
 * "pending — run `exp-wandb-sync sync DIR`" names the run and the
 * command, so it is a stated step, not a forgotten URL. */
#define PLUGIN_PENDING "pending — run `exp-wandb-sync sync "

static int plugin_pending(const struct ctx *c)
{
	char *v = key_line(c, c->wandb, "synced") >= 0 ?
		  exl_doc_get_key(c->d, (size_t)c->wandb, EXL_K_SYNCED) : NULL;
	int yes = v && strncmp(v, PLUGIN_PENDING, strlen(PLUGIN_PENDING)) == 0;

	free(v);
	return yes;
}

static void rule_wandb(struct ctx *c)
{
	size_t i, blocks = 0;
	char fix[700];

	if (!c->s.wandb_url) {
		if (exl_summary_closed(&c->s) &&
		    (c->s.wandb_local || c->s.wandb_pending) &&
		    !plugin_pending(c))
			exl_findings_add(c->out, c->path, at(c, c->wandb, "synced"),
					 "wandb-url-missing", 0,
					 "sync the offline run (exp-wandb-sync) and record "
					 "\"- " EXL_K_SYNCED ": https://wandb.ai/...\" under ## W&B",
					 "W&B run recorded but no synced URL: the curves "
					 "are hard to find");
		return;
	}
	for (i = 0; i < c->d->n; i++)
		blocks += exl_doc_job_header(c->d->lines[i], NULL, NULL);
	if (blocks < 2)
		return;
	snprintf(fix, sizeof(fix), "add \"- wandb: <this block's URL>\" to the "
		 "block (the W&B section has %.600s)", c->s.wandb_url);
	for (i = 0; i < c->d->n; i++) {
		if (!exl_doc_job_header(c->d->lines[i], NULL, NULL) ||
		    block_has_url(c->d, i))
			continue;
		exl_findings_add(c->out, c->path, (long)i + 1,
				 "wandb-url-per-block", 0, fix,
				 "%zu job blocks but this one has no W&B URL: it is "
				 "only in the W&B section", blocks);
	}
}

/* iso_value: is "- key: `ISO`" set to a timestamp? */
static int iso_set(const struct exl_doc *d, size_t sec, const char *key)
{
	char *v = exl_doc_get_key(d, sec, key);
	time_t t;
	int set = v && exl_parse_iso(v, &t) == 0;

	free(v);
	return set;
}

static void rule_iso_only(struct ctx *c)
{
	static const char *const keys[][2] = { { "start", "start_human" },
					       { "end", "end_human" } };
	size_t i, k;

	for (i = 0; i < c->d->n; i++) {
		if (!exl_doc_job_header(c->d->lines[i], NULL, NULL))
			continue;
		for (k = 0; k < 2; k++) {
			long l = exl_doc_find_key(c->d, i, keys[k][0]);

			if (l < 0 || !iso_set(c->d, i, keys[k][0]) ||
			    exl_doc_find_key(c->d, i, keys[k][1]) >= 0)
				continue;
			exl_findings_add(c->out, c->path, l + 1, "iso-only", 1,
					 "runlog lint --fix adds the human-readable line",
					 "%s has only an ISO timestamp: add %s "
					 "(\"Wednesday, Feb 25th, 2026\")",
					 keys[k][0], keys[k][1]);
		}
	}
}

static void rule_passport(struct ctx *c)
{
	enum exl_ckpt_state st;
	char *verdict;
	int signed_off;

	if (c->hf < 0)
		return;
	verdict = exl_doc_get_key(c->d, (size_t)c->hf, EXL_K_SIGNOFF_VERDICT);
	st = exl_ckpt_state(c->s.checkpoint, c->base);
	/* a signoff with a verdict; whether its key is trusted is for
	 * passport verify --require-signoff */
	signed_off = st == EXL_CKPT_SIGNED || st == EXL_CKPT_UNSIGNED ||
		     (verdict && (strncmp(verdict, "pass", 4) == 0 ||
				  strncmp(verdict, "soft_signal", 11) == 0));
	free(verdict);
	if (signed_off)
		return;
	exl_findings_add(c->out, c->path, c->hf + 1, "passport-missing", 0,
			 "generate MODEL_PASSPORT.json + SIGNOFF.json for the "
			 "checkpoint, check them (passport verify --require-signoff) "
			 "and record \"- " EXL_K_SIGNOFF_VERDICT ": pass\"",
			 "checkpoint published without a passport and signoff: "
			 "consumers cannot verify it");
}

int exl_lint_good_name(const char *name, time_t start, char *out, size_t len)
{
	size_t n = strlen(name);
	const char *p;
	time_t day;
	char date[16];

	if (n < 4 || strcmp(name + n - 3, ".md") != 0)
		return -1;
	if (exl_parse_date(name, &day) == 0)
		return name[10] == '_' && n > 14 ? 0 : -1;
	/* "<task>_<date>[_N].md" */
	for (p = name; (p = strchr(p, '_')); p++) {
		const char *d = p + 1, *rest = d + 10;

		if (exl_parse_date(d, &day) < 0 ||
		    (strcmp(rest, ".md") != 0 && rest[0] != '_'))
			continue;
		if (snprintf(out, len, "%.10s_%.*s%.*s", d, (int)(p - name), name,
			     (int)(name + n - rest), rest) >= (int)len)
			return -1;
		return 1;
	}
	if (!start || exl_time_date(start, date, sizeof(date)) < 0)
		return -1;
	return snprintf(out, len, "%s_%s", date, name) >= (int)len ? -1 : 1;
}

static void rule_name(struct ctx *c, time_t start)
{
	const char *name = strrchr(c->path, '/');
	char good[512], fix[600];
	int rc;

	name = name ? name + 1 : c->path;
	rc = exl_lint_good_name(name, start, good, sizeof(good));
	if (rc == 0)
		return;
	if (rc > 0)
		snprintf(fix, sizeof(fix), "rename to %s (runlog lint --fix)", good);
	else
		snprintf(fix, sizeof(fix), "rename to <YYYY-MM-DD>_<task>.md");
	exl_findings_add(c->out, c->path, 1,
			 rc > 0 && strcmp(good + 11, name) != 0 ? "name-date-last" :
			 "name-no-date", rc > 0, fix,
			 "file name is not <date>_<task>.md: it breaks "
			 "chronological order");
}

/* first_start: the first job block's start, else the first Status
 * stamp, for naming and ordering. */
static time_t first_start(const struct exl_doc *d, long status)
{
	long job = exl_doc_find_section(d, "Job", 0);
	char *v = job >= 0 ? exl_doc_get_key(d, (size_t)job, EXL_K_START) : NULL;
	time_t t = 0;
	size_t i, end;

	if (v && exl_parse_iso(v, &t) == 0) {
		free(v);
		return t;
	}
	free(v);
	if (status < 0)
		return 0;
	end = exl_doc_section_end(d, (size_t)status);
	for (i = (size_t)status + 1; i < end; i++)
		if (exl_status_line(d->lines[i], &t))
			return t;
	return 0;
}

void exl_lint_doc(const struct exl_doc *d, const char *path,
		  const char *base, struct exl_findings *out,
		  struct exl_lint_info *info)
{
	struct ctx c = { .d = d, .path = path, .base = base, .out = out };
	size_t len;
	char *text = exl_doc_render(d, &len);
	time_t start;

	if (!text || exl_summary_parse(text, len, &c.s) < 0) {
		free(text);
		exl_summary_free(&c.s);
		out->nomem = 1;
		return;
	}
	free(text);
	c.mode = exl_doc_find_section(d, "Mode", 0);
	c.status = exl_doc_find_section(d, "Status", 0);
	c.results = exl_doc_find_section(d, "Results", 0);
	c.wandb = exl_doc_find_section(d, "W&B", 0);
	c.hf = exl_doc_find_section(d, "HuggingFace", 0);
	start = first_start(d, c.status);
	rule_name(&c, start);
	rule_run_type(&c);
	rule_status(&c);
	rule_checkpoint(&c);
	rule_wandb(&c);
	rule_iso_only(&c);
	rule_passport(&c);
	if (info) {
		info->experiment = exl_exp_is_experiment(&c.s);
		info->start = start;
	}
	exl_summary_free(&c.s);
}

const char *exl_lint_not_runlog(const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	if (!text || len == 0)
		return "empty file";
	if (memchr(text, '\0', len))
		return "binary file (NUL bytes)";
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if ((end - p > 2 && p[0] == '#' && p[1] == ' ') ||
		    (end - p > 3 && p[0] == '#' && p[1] == '#' && p[2] == ' '))
			return NULL;
		p = nl ? nl + 1 : end;
	}
	return "no \"# \" title or \"## \" section";
}
