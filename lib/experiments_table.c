/* experiments_table.c - experiments.md from run logs (see
 * experiments_table.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "experiments_table.h"
#include "jobstate.h"
#include "status_row.h"
#include "strbuf.h"

#define NCELL 5
#define HEADER "| run | description | metric | status | notes |\n" \
	       "|-----|-------------|--------|--------|-------|\n"

int exl_exp_is_experiment(const struct exl_run_summary *s)
{
	return s->run_type && strncmp(s->run_type, "experiment", 10) == 0;
}

/* cell_text: text for a table cell: one line, no '|'. */
static void cell_text(const char *in, char *out, size_t len)
{
	size_t i;

	snprintf(out, len, "%s", in ? in : "");
	for (i = 0; out[i]; i++)
		if (out[i] == '|' || (unsigned char)out[i] < 0x20)
			out[i] = ' ';
}

void exl_exp_row(const char *stem, const struct exl_run_summary *s,
		 struct exl_exp_row *r)
{
	const char *desc = s->title ? strstr(s->title, " \xe2\x80\x94 ") : NULL;
	char buf[64];
	size_t i;

	memset(r, 0, sizeof(*r));
	cell_text(stem, r->run, sizeof(r->run));
	cell_text(desc ? desc + 5 : exl_value_present(s->objective) ?
		  s->objective : "-", r->description, sizeof(r->description));
	if (exl_value_present(s->end_val_loss))
		snprintf(buf, sizeof(buf), "val_loss %s", s->end_val_loss);
	else if (s->ev.have_val_loss)
		snprintf(buf, sizeof(buf), "val_loss %.4g", s->ev.val_loss);
	else if (exl_value_present(s->end_train_loss))
		snprintf(buf, sizeof(buf), "train_loss %s", s->end_train_loss);
	else if (s->ev.loss_name[0])
		snprintf(buf, sizeof(buf), "%s %.4g", s->ev.loss_name, s->ev.loss);
	else
		snprintf(buf, sizeof(buf), "-");
	cell_text(buf, r->metric, sizeof(r->metric));
	if (exl_summary_closed(s))
		cell_text(exl_state_word(s->sched_state) ? s->sched_state : "ended",
			  r->status, sizeof(r->status));
	else
		cell_text("open", r->status, sizeof(r->status));
	for (i = 0; r->status[i]; i++)
		r->status[i] = (char)tolower((unsigned char)r->status[i]);
}

/* cells: split a table line "| a | b |" into trimmed cells (pointers
 * into buf, which is modified).  Returns the count. */
static int cells(char *buf, char **c, int max)
{
	char *p = buf, *bar;
	int n = 0;

	while (*p == ' ')
		p++;
	if (*p != '|')
		return 0;
	p++;
	while (n < max && (bar = strchr(p, '|'))) {
		char *e = bar;

		*bar = '\0';
		while (*p == ' ')
			p++;
		while (e > p && e[-1] == ' ')
			*--e = '\0';
		c[n++] = p;
		p = bar + 1;
	}
	return n;
}

/* run_cell_is: does a run cell ("2026-03-11_x", "`2026-03-11_x.md`",
 * "[x](x.md)") name run? */
static int run_cell_is(const char *cell, const char *run)
{
	size_t rl = strlen(run);
	const char *p = cell;

	while ((p = strstr(p, run))) {
		char before = p == cell ? ' ' : p[-1], after = p[rl];

		if (!(isalnum((unsigned char)before) || before == '_' ||
		      before == '-') &&
		    !(isalnum((unsigned char)after) || after == '_' ||
		      after == '-'))
			return 1;
		p++;
	}
	return 0;
}

static int is_row(const char *line)
{
	while (*line == ' ')
		line++;
	return *line == '|';
}

/* line_is_run: is this table line the row of run? */
static int line_is_run(const char *line, size_t len, const char *run)
{
	char buf[1024], *c[NCELL];

	if (len >= sizeof(buf) || !is_row(line))
		return 0;
	memcpy(buf, line, len);
	buf[len] = '\0';
	return cells(buf, c, NCELL) >= 1 && run_cell_is(c[0], run);
}

int exl_exp_has_row(const char *text, const char *run)
{
	const char *p = text;

	while (p && *p) {
		size_t ll = strcspn(p, "\n");

		if (line_is_run(p, ll, run))
			return 1;
		p += ll + (p[ll] == '\n');
	}
	return 0;
}

static void emit_row(struct exl_sb *b, const struct exl_exp_row *r,
		     const char *status, const char *notes)
{
	exl_sb_printf(b, "| %s | %s | %s | %s | %s |\n", r->run,
		      r->description, r->metric, status, notes);
}

/* generated_status: a status cell this code wrote (a run state), as
 * opposed to a person's verdict ("keep", "discard"). */
static int generated_status(const char *cell)
{
	char up[32];
	size_t i;

	if (!cell[0] || strcmp(cell, "open") == 0 || strcmp(cell, "ended") == 0)
		return 1;
	for (i = 0; cell[i] && i + 1 < sizeof(up); i++)
		up[i] = (char)toupper((unsigned char)cell[i]);
	up[i] = '\0';
	return islower((unsigned char)cell[0]) && exl_state_is_final(up);
}

/* upsert_line: a table line of an existing row, refreshed from r. */
static void upsert_line(struct exl_sb *b, const char *line, size_t len,
			const struct exl_exp_row *r)
{
	char buf[1024], *c[NCELL];
	int n;

	memcpy(buf, line, len);
	buf[len] = '\0';
	n = cells(buf, c, NCELL);
	emit_row(b, r, n > 3 && !generated_status(c[3]) ? c[3] : r->status,
		 n > 4 && c[4][0] ? c[4] : r->notes);
}

char *exl_exp_render(const char *old, const char *title,
		     const struct exl_exp_row *rows, size_t n, int *added)
{
	struct exl_sb b = { 0 };
	const char *p = old;
	char *done = calloc(n ? n : 1, 1);
	int in_table = 0, had_table = 0;
	size_t i;

	*added = 0;
	if (!done)
		return NULL;
	if (!old || !*old)
		exl_sb_printf(&b, "# %s\n\n", title);
	while (p && *p) {
		size_t ll = strcspn(p, "\n");
		int row = is_row(p);

		for (i = 0; row && ll < 1024 && i < n; i++)
			if (!done[i] && line_is_run(p, ll, rows[i].run))
				break;
		if (row && ll < 1024 && i < n) {
			upsert_line(&b, p, ll, &rows[i]);
			done[i] = 1;
		} else {
			if (in_table && !row) {
				/* the table ends: new rows go here */
				for (i = 0; i < n; i++)
					if (!done[i]) {
						emit_row(&b, &rows[i], rows[i].status,
							 rows[i].notes);
						done[i] = 1;
						(*added)++;
					}
			}
			exl_sb_printf(&b, "%.*s\n", (int)ll, p);
		}
		in_table = row;
		had_table |= row;
		p += ll + (p[ll] == '\n');
	}
	if (!had_table && n)
		exl_sb_printf(&b, "%s" HEADER, old && *old ? "\n" : "");
	for (i = 0; i < n; i++)
		if (!done[i]) {
			emit_row(&b, &rows[i], rows[i].status, rows[i].notes);
			(*added)++;
		}
	free(done);
	return exl_sb_take(&b, NULL);
}
