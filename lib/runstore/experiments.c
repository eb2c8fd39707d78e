/* experiments.c - maintain experiments.md (rules in experiments.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runstore/experiments.h"
#include "util/fileio.h"
#include "util/mdtable.h"
#include "util/pairs.h"
#include "runstore/runlog_doc.h"
#include "util/strbuf.h"

enum col { C_RUN, C_DESC, C_METRIC, C_STATUS, C_NOTES, C_COUNT };

#define HEADER "| run | description | metric | status | notes |"

static const char *const col_name[C_COUNT] = {
	"run", "description", "metric", "status", "notes"
};

/* header_name: a header cell lowercased, without emphasis marks. */
static void header_name(const char *raw, char *buf, size_t len)
{
	size_t n = 0;

	for (; *raw && n + 1 < len; raw++)
		if (*raw != '*' && *raw != '_' && *raw != '`')
			buf[n++] = (char)tolower((unsigned char)*raw);
	buf[n] = '\0';
}

static long column(const struct exl_md_row *h, const char *name)
{
	char buf[64];
	size_t i;

	for (i = 0; i < h->n; i++) {
		header_name(h->cells[i], buf, sizeof(buf));
		if (strcmp(buf, name) == 0)
			return (long)i;
	}
	return -1;
}

/* is_header: a table row whose first cell is "run". */
static int is_header(const char *line)
{
	struct exl_md_row r;
	char buf[16] = "";

	if (exl_md_row_parse(line, &r) != 0)
		return 0;
	if (r.n > 0)
		header_name(r.cells[0], buf, sizeof(buf));
	exl_md_row_free(&r);
	return strcmp(buf, "run") == 0;
}

/* find_header: the first table header outside fenced code, or -1. */
static long find_header(const struct exl_doc *d)
{
	const char *s;
	int fence = 0;
	size_t i;

	for (i = 0; i < d->n; i++) {
		for (s = d->lines[i]; *s == ' '; s++)
			;
		if (strncmp(s, "```", 3) == 0 || strncmp(s, "~~~", 3) == 0)
			fence = !fence;
		else if (!fence && is_header(d->lines[i]))
			return (long)i;
	}
	return -1;
}

/* map_columns: where each of the five columns is; missing ones are
 * appended to the header.  A column named otherwise right after
 * description and before status is the metric ("val_loss"). */
static int map_columns(struct exl_md_row *h, size_t col[C_COUNT])
{
	long at[C_COUNT];
	int i;

	for (i = 0; i < C_COUNT; i++)
		at[i] = column(h, col_name[i]);
	if (at[C_METRIC] < 0 && at[C_DESC] >= 0 && at[C_STATUS] > at[C_DESC] + 1)
		at[C_METRIC] = at[C_DESC] + 1;
	for (i = 0; i < C_COUNT; i++) {
		if (at[i] < 0) {
			at[i] = (long)h->n;
			if (exl_md_row_set(h, h->n, col_name[i]) < 0)
				return -1;
		}
		col[i] = (size_t)at[i];
	}
	return 0;
}

/* Most statepoint columns one row fills. */
#define SP_MAX 32

/* One statepoint's column and value for the row being written. */
struct spcol {
	size_t col;
	char *val;
};

static void sp_free(struct spcol *sp, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(sp[i].val);
}

struct sp_walk {
	struct exl_md_row *h;
	struct spcol *sp;
	size_t *nsp;
};

/* sp_column: one statepoint's column (added to the header when new) and
 * value.  1 stops the walk when SP_MAX are taken, -1 when out of
 * memory. */
static int sp_column(void *arg, const char *key, const char *val)
{
	struct sp_walk *w = arg;
	char name[64];
	long at;
	int i;

	if (*w->nsp >= SP_MAX)
		return 1;
	header_name(key, name, sizeof(name));
	for (i = 0; i < C_COUNT; i++)
		if (strcmp(name, col_name[i]) == 0)
			return 0;
	at = column(w->h, name);
	if (at < 0) {
		at = (long)w->h->n;
		if (exl_md_row_set(w->h, w->h->n, key) < 0)
			return -1;
	}
	w->sp[*w->nsp].col = (size_t)at;
	if (!(w->sp[*w->nsp].val = strdup(val)))
		return -1;
	(*w->nsp)++;
	return 0;
}

/* sp_columns: the column of each of row's statepoints, appended to the
 * header h when it has none yet. */
static int sp_columns(struct exl_md_row *h, const char *statepoints,
		      struct spcol *sp, size_t *nsp)
{
	struct sp_walk w = { h, sp, nsp };

	*nsp = 0;
	return exl_pairs_each(statepoints, sp_column, &w) < 0 ? -1 : 0;
}

/* put_sp: the statepoint cells of r. */
static int put_sp(struct exl_md_row *r, const struct spcol *sp, size_t nsp,
		  int *diff);

/* replace_line: put text (taken) at line i of d. */
static void replace_line(struct exl_doc *d, size_t i, char *text)
{
	free(d->lines[i]);
	d->lines[i] = text;
}

/* run_key: the run-log stem a run cell names. */
static char *run_key(const char *raw)
{
	char *t = exl_md_cell_text(raw), *k, *end;
	size_t n;

	if (!t)
		return NULL;
	k = t;
	if (*k == '[' && (end = strstr(k, "](")) != NULL) {
		k++;
		*end = '\0';
	}
	n = strlen(k);
	if (n >= 2 && k[0] == '`' && k[n - 1] == '`') {
		k[n - 1] = '\0';
		k++;
		n -= 2;
	}
	if (n > 3 && strcmp(k + n - 3, ".md") == 0)
		k[n - 3] = '\0';
	memmove(t, k, strlen(k) + 1);
	return t;
}

/* same_text: a raw cell reads as text (after escaping text the way a
 * cell is written). */
static int same_text(const char *raw, const char *text)
{
	char *a = exl_md_cell_text(raw);
	char *e = exl_md_cell_escape(text, EXL_EXP_CELL_MAX);
	char *b = e ? exl_md_cell_text(e) : NULL;
	int same = a && b && strcmp(a, b) == 0;

	free(a);
	free(e);
	free(b);
	return same;
}

/* put: set cell col of r to text as a cell; *diff tells a change. */
static int put(struct exl_md_row *r, size_t col, const char *text, int *diff)
{
	char *e = exl_md_cell_escape(text, EXL_EXP_CELL_MAX);
	int rc = -1;

	if (e && (col >= r->n || strcmp(r->cells[col], e) != 0)) {
		*diff = 1;
		rc = exl_md_row_set(r, col, e);
	} else if (e) {
		rc = 0;
	}
	free(e);
	return rc;
}

static int put_sp(struct exl_md_row *r, const struct spcol *sp, size_t nsp,
		  int *diff)
{
	for (size_t i = 0; i < nsp; i++)
		if (put(r, sp[i].col, sp[i].val, diff) < 0)
			return -1;
	return 0;
}

/* update_row: apply the ownership rules to an existing row. */
static int update_row(struct exl_md_row *r, const size_t col[C_COUNT],
		      const struct spcol *sp, size_t nsp,
		      const struct exl_experiment_row *row,
		      const char *prev_status, int *diff)
{
	const char *cur = col[C_STATUS] < r->n ? r->cells[col[C_STATUS]] : "";
	char *cur_text = exl_md_cell_text(cur);
	int own, rc = 0;

	if (!cur_text)
		return -1;
	own = !*cur_text || (prev_status && same_text(cur, prev_status)) ||
	      (row->status && same_text(cur, row->status));
	free(cur_text);
	if (row->description && put(r, col[C_DESC], row->description, diff) < 0)
		rc = -1;
	if (row->metric && put(r, col[C_METRIC], row->metric, diff) < 0)
		rc = -1;
	if (row->status && own && put(r, col[C_STATUS], row->status, diff) < 0)
		rc = -1;
	if (put_sp(r, sp, nsp, diff) < 0)
		rc = -1;
	return rc;
}

/* render_row: r as a line, in row's style. */
static char *render_row(const struct exl_md_row *r,
			const struct exl_experiment_row *row)
{
	return row->plain ? exl_md_row_render_padded(r) : exl_md_row_render(r);
}

/* new_row: the rendered row for a run not in the table yet. */
static char *new_row(size_t ncols, const size_t col[C_COUNT],
		     const struct spcol *sp, size_t nsp,
		     const struct exl_experiment_row *row)
{
	struct exl_md_row r = { 0 };
	char *stem = exl_md_cell_escape(row->run, EXL_EXP_CELL_MAX), *link;
	char *text = NULL;
	int diff = 0;

	if (!stem || (row->plain ? !(link = strdup(stem)) :
		      asprintf(&link, "[%s](%s.md)", stem, stem) < 0)) {
		free(stem);
		return NULL;
	}
	if (exl_md_row_set(&r, ncols - 1, "") == 0 &&
	    exl_md_row_set(&r, col[C_RUN], link) == 0 &&
	    put(&r, col[C_DESC], row->description ? row->description : "",
		&diff) == 0 &&
	    put(&r, col[C_METRIC], row->metric ? row->metric : "", &diff) == 0 &&
	    put(&r, col[C_STATUS], row->status ? row->status : "", &diff) == 0 &&
	    put(&r, col[C_NOTES], row->notes ? row->notes : "", &diff) == 0 &&
	    put_sp(&r, sp, nsp, &diff) == 0)
		text = render_row(&r, row);
	exl_md_row_free(&r);
	free(link);
	free(stem);
	return text;
}

/* delimiter: "|-----|------|...|" for n columns; aligned: as wide as
 * HEADER's cells (n is C_COUNT then). */
static char *delimiter(size_t n, int aligned)
{
	struct exl_sb b = { 0 };
	size_t i;

	exl_sb_printf(&b, "|");
	for (i = 0; i < n; i++)
		exl_sb_printf(&b, "%.*s|",
			      aligned ? (int)strlen(col_name[i]) + 2 :
			      i == 0 ? 5 : 6, "----------------");
	return exl_sb_take(&b, NULL);
}

static int upsert_table(struct exl_doc *d, size_t h,
			const struct exl_experiment_row *row,
			const char *prev_status, int *changed);

/* new_table: append header and delimiter at the end of d, then the row
 * (with its statepoint columns) as into any table. */
static int new_table(struct exl_doc *d, const struct exl_experiment_row *row)
{
	char *delim = delimiter(C_COUNT, row->plain);
	int rc = -1, changed = 0;

	if (delim &&
	    (d->n == 0 || d->lines[d->n - 1][0] == '\0' ||
	     exl_doc_insert(d, d->n, "") == 0) &&
	    exl_doc_insert(d, d->n, HEADER) == 0 &&
	    exl_doc_insert(d, d->n, delim) == 0)
		rc = upsert_table(d, d->n - 2, row, NULL, &changed);
	free(delim);
	return rc;
}

/* fix_delimiter: make sure a delimiter row with ncols cells follows the
 * header at h (inserted when missing, extended when short).  Returns 1
 * when it changed d, 0 when it did not, -1 when out of memory. */
static int fix_delimiter(struct exl_doc *d, size_t h, size_t ncols)
{
	struct exl_md_row r;
	char *line = NULL;
	size_t i;
	int rc;

	rc = h + 1 < d->n ? exl_md_row_parse(d->lines[h + 1], &r) : 1;
	if (rc < 0)
		return -1;
	if (rc == 0 && exl_md_row_is_separator(&r)) {
		if (r.n >= ncols) {
			exl_md_row_free(&r);
			return 0;
		}
		if (strncmp(d->lines[h + 1], "|-----|------|", 14) == 0 &&
		    !strchr(d->lines[h + 1], ' ')) {
			/* the delimiter the machine writes: keep its style */
			struct exl_sb b = { 0 };

			exl_sb_printf(&b, "%s", d->lines[h + 1]);
			for (i = r.n; i < ncols; i++)
				exl_sb_printf(&b, "---|");
			line = b.failed ? NULL : exl_sb_take(&b, NULL);
			if (b.failed)
				exl_sb_free(&b);
		} else {
			for (i = r.n; i < ncols && rc == 0; i++)
				rc = exl_md_row_set(&r, i, "---");
			line = rc == 0 ? exl_md_row_render(&r) : NULL;
		}
		exl_md_row_free(&r);
		if (!line)
			return -1;
		replace_line(d, h + 1, line);
		return 1;
	}
	if (rc == 0)
		exl_md_row_free(&r);
	line = delimiter(ncols, 0);
	rc = line ? exl_doc_insert(d, h + 1, line) : -1;
	free(line);
	return rc < 0 ? -1 : 1;
}

/* find_row: index of the row for run in the table body starting at
 * line from; *end is one past the table's last row.  -1: not found,
 * -2: out of memory. */
static long find_row(const struct exl_doc *d, size_t from, size_t run_col,
		     const char *run, size_t *end)
{
	struct exl_md_row r;
	size_t i;
	char *key;
	int rc, found;

	for (i = from; i < d->n; i++) {
		rc = exl_md_row_parse(d->lines[i], &r);
		if (rc < 0)
			return -2;
		if (rc > 0)
			break;
		key = run_col < r.n ? run_key(r.cells[run_col]) : NULL;
		found = key && strcmp(key, run) == 0;
		free(key);
		exl_md_row_free(&r);
		if (found)
			return (long)i;
	}
	*end = i;
	return -1;
}

/* upsert_table: the table whose header is at line h. */
static int upsert_table(struct exl_doc *d, size_t h,
			const struct exl_experiment_row *row,
			const char *prev_status, int *changed)
{
	struct exl_md_row hdr, r = { 0 };
	size_t col[C_COUNT], ncols, end = 0, nsp = 0;
	struct spcol sp[SP_MAX];
	char *line = NULL;
	int rc = -1, diff = 0;
	long at;

	if (exl_md_row_parse(d->lines[h], &hdr) != 0)
		return -1;
	ncols = hdr.n;
	if (map_columns(&hdr, col) < 0 ||
	    sp_columns(&hdr, row->statepoints, sp, &nsp) < 0)
		goto out;
	if (hdr.n != ncols) {
		if (!(line = exl_md_row_render(&hdr)))
			goto out;
		replace_line(d, h, line);
		*changed = 1;
	}
	ncols = hdr.n;
	switch (fix_delimiter(d, h, ncols)) {
	case -1:
		goto out;
	case 1:
		*changed = 1;
	}
	at = find_row(d, h + 2, col[C_RUN], row->run, &end);
	if (at == -2)
		goto out;
	if (at >= 0) {
		if (exl_md_row_parse(d->lines[at], &r) != 0 ||
		    update_row(&r, col, sp, nsp, row, prev_status, &diff) < 0)
			goto out;
		if (diff) {
			if (!(line = render_row(&r, row)))
				goto out;
			replace_line(d, (size_t)at, line);
			*changed = 1;
		}
	} else {
		line = new_row(ncols, col, sp, nsp, row);
		if (!line || exl_doc_insert(d, end, line) < 0) {
			free(line);
			goto out;
		}
		free(line);
		*changed = 1;
	}
	rc = 0;
out:
	sp_free(sp, nsp);
	exl_md_row_free(&r);
	exl_md_row_free(&hdr);
	return rc;
}

/* new_file: title and table for a run logged first in this group. */
static int new_file(struct exl_doc *d, const char *title,
		    const struct exl_experiment_row *row)
{
	char *head;
	int rc;

	if (asprintf(&head, "# %s%sExperiments", title ? title : "",
		     title ? " " : "") < 0)
		return -1;
	rc = exl_doc_insert(d, 0, head);
	free(head);
	return rc < 0 ? -1 : new_table(d, row);
}

char *exl_experiments_upsert(const char *text, const char *title,
			     const struct exl_experiment_row *row,
			     const char *prev_status, int *changed,
			     struct exl_err *err)
{
	struct exl_doc d = { 0 };
	char *out = NULL;
	const char *s;
	long h;
	int rc;

	*changed = 0;
	if (!row || !row->run || !*row->run) {
		exl_errf(err, "experiments.md: a row needs its run");
		return NULL;
	}
	for (s = text ? text : ""; *s == ' ' || *s == '\t' || *s == '\n'; s++)
		;
	if (!*s)
		text = NULL;
	if (exl_doc_parse(&d, text ? text : "", err) < 0)
		return NULL;
	if (!text) {
		rc = new_file(&d, title, row);
		*changed = 1;
	} else if ((h = find_header(&d)) < 0) {
		rc = new_table(&d, row);
		*changed = 1;
	} else {
		rc = upsert_table(&d, (size_t)h, row, prev_status, changed);
	}
	if (rc == 0)
		out = *changed ? exl_doc_render(&d, NULL) : strdup(text);
	if (!out)
		exl_errnof(err, ENOMEM, "couldn't update experiments.md");
	exl_doc_free(&d);
	return out;
}

/* body_start: the first row of the table whose header is at h, as the
 * text stands (a missing delimiter row is not put back here). */
static int body_start(const struct exl_doc *d, size_t h, size_t *from)
{
	struct exl_md_row r;
	int rc;

	*from = h + 1;
	if (*from >= d->n)
		return 0;
	rc = exl_md_row_parse(d->lines[*from], &r);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		if (exl_md_row_is_separator(&r))
			(*from)++;
		exl_md_row_free(&r);
	}
	return 0;
}

int exl_experiments_find(const char *text, const char *run, char **status)
{
	struct exl_doc d = { 0 };
	struct exl_md_row hdr = { 0 }, r = { 0 };
	size_t col[C_COUNT], from, end;
	long h, at;
	int rc = -1;

	if (status)
		*status = NULL;
	if (exl_doc_parse(&d, text ? text : "", NULL) < 0)
		return -1;
	h = find_header(&d);
	if (h < 0) {
		rc = 0;
		goto out;
	}
	if (exl_md_row_parse(d.lines[h], &hdr) != 0 ||
	    map_columns(&hdr, col) < 0 ||
	    body_start(&d, (size_t)h, &from) < 0)
		goto out;
	at = find_row(&d, from, col[C_RUN], run, &end);
	if (at == -2)
		goto out;
	rc = at >= 0;
	if (rc && status) {
		if (exl_md_row_parse(d.lines[at], &r) != 0 ||
		    !(*status = exl_md_cell_text(col[C_STATUS] < r.n ?
						 r.cells[col[C_STATUS]] : "")))
			rc = -1;
	}
out:
	exl_md_row_free(&r);
	exl_md_row_free(&hdr);
	exl_doc_free(&d);
	return rc;
}

struct upsert_arg {
	const char *title, *prev_status;
	const struct exl_experiment_row *row;
};

/* upsert: exl_experiments_upsert as an exl_rewrite edit. */
static char *upsert(const char *old, void *arg, int *changed,
		    struct exl_err *err)
{
	const struct upsert_arg *a = arg;

	return exl_experiments_upsert(old, a->title, a->row, a->prev_status,
				      changed, err);
}

int exl_experiments_update(const char *dir, const char *title,
			   const struct exl_experiment_row *row,
			   const char *prev_status, struct exl_err *err)
{
	struct upsert_arg a = { title, prev_status, row };

	return exl_rewrite(dir, "experiments.md", upsert, &a, err);
}

/* Where a row goes when the table is reordered. */
struct row_pos {
	size_t rank;	/* place in the runs given, or n + original place */
	char *line;
};

static int cmp_pos(const void *a, const void *b)
{
	const struct row_pos *x = a, *y = b;

	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

char *exl_experiments_reorder(const char *text, const char *const *runs,
			      size_t n)
{
	struct exl_doc d = { 0 };
	struct exl_md_row hdr = { 0 }, r;
	struct row_pos *pos = NULL;
	size_t col[C_COUNT], from, i, k, nrows = 0;
	char *out = NULL, *key;
	long h;

	if (exl_doc_parse(&d, text ? text : "", NULL) < 0)
		return NULL;
	h = find_header(&d);
	if (h < 0) {
		out = strdup(text ? text : "");
		goto out;
	}
	if (exl_md_row_parse(d.lines[h], &hdr) != 0 ||
	    map_columns(&hdr, col) < 0 || body_start(&d, (size_t)h, &from) < 0)
		goto out;
	pos = calloc(d.n + 1, sizeof(*pos));
	if (!pos)
		goto out;
	for (i = from; i < d.n; i++) {
		if (exl_md_row_parse(d.lines[i], &r) != 0)
			break;
		key = col[C_RUN] < r.n ? run_key(r.cells[col[C_RUN]]) : NULL;
		exl_md_row_free(&r);
		pos[nrows].rank = n + nrows;
		for (k = 0; key && k < n; k++)
			if (strcmp(key, runs[k]) == 0) {
				pos[nrows].rank = k;
				break;
			}
		free(key);
		pos[nrows++].line = d.lines[i];
	}
	qsort(pos, nrows, sizeof(*pos), cmp_pos);
	for (i = 0; i < nrows; i++)
		d.lines[from + i] = pos[i].line;
	out = exl_doc_render(&d, NULL);
out:
	free(pos);
	exl_md_row_free(&hdr);
	exl_doc_free(&d);
	return out;
}
