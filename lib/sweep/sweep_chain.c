/* sweep_chain.c - chain specs and chain files (see sweep_chain.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fileio.h"
#include "util/names.h"
#include "util/strbuf.h"
#include "util/yamltree.h"
#include "sweep/sweep_argv.h"
#include "sweep/sweep_chain.h"
#include "sweep/spec_file.h"

/* bad: "FILE:LINE: message" into err; always -1. */
#define bad exl_spec_bad

/* has_key: does mapping m have key? Its node, else NULL. */
static const struct exl_yaml_node *has_key(const struct exl_yaml_node *m,
					   const char *key)
{
	for (size_t i = 0; m->kind == EXL_YAML_MAP && i < m->nkids; i += 2)
		if (strcmp(m->kids[i]->text, key) == 0)
			return m->kids[i];
	return NULL;
}

/* default_name: the spec file's base name without .yaml/.yml. */
static int default_name(struct exl_chain *c, struct exl_err *err)
{
	char base[256], out[EXL_NAME_MAX + 1];
	size_t n;

	snprintf(base, sizeof(base), "%s", exl_basename(c->file));
	n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".yaml") == 0)
		base[n - 5] = '\0';
	else if (n > 4 && strcmp(base + n - 4, ".yml") == 0)
		base[n - 4] = '\0';
	exl_sanitize_name(base, out);
	if (!(c->name = strdup(out)))
		return exl_errf(err, "chain: out of memory");
	return 0;
}

/* parse_stage: stage i (0-based) of stages:. */
static int parse_stage(struct exl_chain *c, const struct exl_yaml_node *m,
		       size_t i, struct exl_err *err)
{
	struct exl_sweep_spec *s = &c->st[i];
	const struct exl_yaml_node *after;
	char nm[32];

	memset(s, 0, sizeof(*s));
	s->stage = 1;
	if (!(s->file = strdup(c->file)))
		return exl_errf(err, "chain: out of memory");
	/* without name: the stage is "stageN" */
	if (m->kind == EXL_YAML_MAP && !has_key(m, "name")) {
		snprintf(nm, sizeof(nm), "stage%zu", i + 1);
		if (!(s->name = strdup(nm)))
			return exl_errf(err, "chain: out of memory");
	}
	if (exl_sweep_parse_node(s, m, err) < 0) {
		exl_sweep_free(s);
		return -1;
	}
	c->n = i + 1;
	if (i == 0 && (after = has_key(m, "after")))
		return bad(err, c->file, after->line, "after: the first stage waits for nothing: drop after: from it");
	for (size_t j = 0; j < i; j++)
		if (strcmp(c->st[j].name, s->name) == 0)
			return bad(err, c->file, m->line, "stage %zu: name '%s' is stage %zu's too: give each stage its own name",
				   i + 1, s->name, j + 1);
	if (!(s->group = strdup(c->name)))
		return exl_errf(err, "chain: out of memory");
	return 0;
}

/* parse_top: name: and stages:. */
static int parse_top(struct exl_chain *c, const struct exl_yaml_node *root,
		     struct exl_err *err)
{
	const struct exl_yaml_node *stages = NULL;
	char b[80];
	size_t i;

	if (!root || root->kind != EXL_YAML_MAP)
		return bad(err, c->file, root ? root->line : 1, "a chain spec is a mapping: start with stages:");
	for (i = 0; i < root->nkids; i += 2) {
		const struct exl_yaml_node *k = root->kids[i], *v = root->kids[i + 1];

		if (strcmp(k->text, "name") == 0) {
			if (v->kind != EXL_YAML_SCALAR || exl_valid_group(v->text) != 0)
				return bad(err, c->file, k->line, "name: not a valid group name: use 1-80 characters from [A-Za-z0-9._-], not starting with '.'");
			if (!(c->name = strdup(v->text)))
				return exl_errf(err, "chain: out of memory");
		} else if (strcmp(k->text, "stages") == 0) {
			stages = v;
		} else {
			return bad(err, c->file, k->line, "unknown key '%s': a chain spec has name and stages (the sweep keys go in each stage)",
				   exl_yaml_printable(k->text, b, sizeof(b)));
		}
	}
	if (!stages)
		return bad(err, c->file, 1, "no stages: list them in order, e.g. stages: [{name: prep, script: prep.sh}, {name: train, script: train.sh}]");
	if (stages->kind != EXL_YAML_SEQ)
		return bad(err, c->file, stages->line, "stages: expected a list: write each stage as '- name: ...'");
	if (stages->nkids < 2)
		return bad(err, c->file, stages->line, "stages: a chain needs at least 2 stages: add one, or submit one stage with sbatch-exp sweep");
	if (stages->nkids > EXL_CHAIN_MAX_STAGES)
		return bad(err, c->file, stages->line, "stages: %zu stages, at most %d: split the chain",
			   stages->nkids, EXL_CHAIN_MAX_STAGES);
	if (!c->name && default_name(c, err) < 0)
		return -1;
	c->st = calloc(stages->nkids, sizeof(*c->st));
	if (!c->st)
		return exl_errf(err, "chain: out of memory");
	for (i = 0; i < stages->nkids; i++)
		if (parse_stage(c, stages->kids[i], i, err) < 0)
			return -1;
	return 0;
}

/* top_node, free_chain: parse_top and exl_chain_free for exl_spec_parse. */
static int top_node(void *c, const struct exl_yaml_node *root,
		    struct exl_err *err)
{
	return parse_top(c, root, err);
}

static void free_chain(void *c)
{
	exl_chain_free(c);
}

int exl_chain_parse(const char *file, const char *buf, size_t len,
		    struct exl_chain *c, struct exl_err *err)
{
	memset(c, 0, sizeof(*c));
	return exl_spec_parse(file, buf, len, &c->file, c, top_node,
			      free_chain, err);
}

/* chain_parse: exl_chain_parse as an exl_spec_parse_fn. */
static int chain_parse(const char *file, const char *buf, size_t len,
		       void *c, struct exl_err *err)
{
	return exl_chain_parse(file, buf, len, c, err);
}

int exl_chain_load(const char *path, struct exl_chain *c, struct exl_err *err)
{
	memset(c, 0, sizeof(*c));
	return exl_spec_load(path, "chain spec", chain_parse, c, err);
}

void exl_chain_free(struct exl_chain *c)
{
	size_t n = c->st ? c->n : 0;

	/* a stage that failed half-parsed was freed by parse_stage */
	for (size_t i = 0; i < n; i++)
		exl_sweep_free(&c->st[i]);
	free(c->st);
	free(c->file);
	free(c->name);
	memset(c, 0, sizeof(*c));
}

const char *exl_chain_after(const struct exl_chain *c, size_t i)
{
	return c->st[i].after_any ? "afterany" : "afterok";
}

char *exl_chain_file_text(const struct exl_chain *c, char *const *jobs)
{
	struct exl_sb b = { 0 };

	exl_sb_printf(&b, "# chain %s\n", c->name);
	for (size_t i = 0; i < c->n; i++)
		exl_sb_printf(&b, "%zu\t%s\t%s\t%s\t%s\n", i + 1, jobs[i],
			      i ? exl_chain_after(c, i) : "-",
			      exl_sweep_group(&c->st[i]), c->st[i].name);
	if (b.failed) {
		exl_sb_free(&b);
		return NULL;
	}
	return exl_sb_take(&b, NULL);
}

/* field: copy the next tab-separated field of *p into out; -1 when it is
 * missing, empty or too long. */
static int field(char **p, char *out, size_t len, int last)
{
	char *end = last ? *p + strlen(*p) : strchr(*p, '\t');
	size_t n;

	if (!end)
		return -1;
	n = (size_t)(end - *p);
	if (n == 0 || n >= len)
		return -1;
	memcpy(out, *p, n);
	out[n] = '\0';
	*p = *end ? end + 1 : end;
	return 0;
}

int exl_chain_file_read(const char *path, struct exl_chain_file *f,
			struct exl_err *err)
{
	char *buf, *line, *save = NULL;
	size_t len, ln = 0;
	struct exl_err e;

	memset(f, 0, sizeof(*f));
	if (exl_read_file(path, EXL_SPEC_MAX_BYTES, &buf, &len, &e) < 0)
		return exl_errf(err, "chain file %s: %s", path, e.text);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct exl_chain_entry *ne, x;
		char st[16], *p = line, *end;

		ln++;
		if (strncmp(line, "# chain ", 8) == 0) {
			snprintf(f->name, sizeof(f->name), "%s", line + 8);
			continue;
		}
		memset(&x, 0, sizeof(x));
		if (field(&p, st, sizeof(st), 0) < 0 ||
		    field(&p, x.job, sizeof(x.job), 0) < 0 ||
		    field(&p, x.after, sizeof(x.after), 0) < 0 ||
		    field(&p, x.group, sizeof(x.group), 0) < 0 ||
		    field(&p, x.name, sizeof(x.name), 1) < 0 ||
		    (x.stage = (unsigned)strtoul(st, &end, 10)) != f->n + 1 ||
		    *end) {
			free(buf);
			exl_chain_file_free(f);
			return exl_errf(err, "chain file %s:%zu: malformed line: rewrite it as sbatch-exp did (STAGE, JOB, AFTER, GROUP, NAME)",
					path, ln);
		}
		ne = realloc(f->e, (f->n + 1) * sizeof(*ne));
		if (!ne) {
			free(buf);
			exl_chain_file_free(f);
			return exl_errf(err, "chain: out of memory");
		}
		f->e = ne;
		f->e[f->n++] = x;
	}
	free(buf);
	if (!f->n)
		return exl_errf(err, "chain file %s: no stages", path);
	return 0;
}

void exl_chain_file_free(struct exl_chain_file *f)
{
	free(f->e);
	memset(f, 0, sizeof(*f));
}

int exl_chain_links(const char *path, unsigned stage, char *dep, size_t dlen,
		    char *next, size_t nlen, struct exl_err *err)
{
	struct exl_chain_file f;
	const struct exl_chain_entry *p, *q;

	dep[0] = next[0] = '\0';
	if (exl_chain_file_read(path, &f, err) < 0)
		return -1;
	if (stage < 1 || stage > f.n) {
		exl_chain_file_free(&f);
		return exl_errf(err, "chain file %s has no stage %u", path, stage);
	}
	if (stage > 1) {
		p = &f.e[stage - 2];
		snprintf(dep, dlen, "%s:%s (stage %u %s of chain %s, group %s)",
			 f.e[stage - 1].after, p->job, p->stage, p->name,
			 f.name, p->group);
	}
	if (stage < f.n) {
		q = &f.e[stage];
		snprintf(next, nlen, "job %s (stage %u %s of chain %s, %s, group %s)",
			 q->job, q->stage, q->name, f.name, q->after, q->group);
	}
	exl_chain_file_free(&f);
	return 0;
}
