/* mdtable.c - markdown table rows (see mdtable.h). */
#include <stdlib.h>
#include <string.h>

#include "util/mdtable.h"
#include "util/strbuf.h"
#include "util/text_utf8.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* trimmed: a copy of s[0..n) without surrounding blanks. */
static char *trimmed(const char *s, size_t n)
{
	while (n > 0 && is_blank(*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	return strndup(s, n);
}

static int add_cell(struct exl_md_row *r, const char *s, size_t n)
{
	char **nc = realloc(r->cells, (r->n + 1) * sizeof(*nc));

	if (!nc)
		return -1;
	r->cells = nc;
	r->cells[r->n] = trimmed(s, n);
	if (!r->cells[r->n])
		return -1;
	r->n++;
	return 0;
}

int exl_md_row_parse(const char *line, struct exl_md_row *r)
{
	const char *s = line, *start;

	r->cells = NULL;
	r->n = 0;
	while (is_blank(*s))
		s++;
	if (*s != '|')
		return 1;
	start = ++s;
	for (; *s; s++) {
		if (*s == '\\' && s[1] == '|') {
			s++;
			continue;
		}
		if (*s != '|')
			continue;
		if (add_cell(r, start, (size_t)(s - start)) < 0)
			goto fail;
		start = s + 1;
	}
	/* text after the last '|' is a cell unless it is blank */
	for (s = start; is_blank(*s); s++)
		;
	if (*s && add_cell(r, start, strlen(start)) < 0)
		goto fail;
	return 0;
fail:
	exl_md_row_free(r);
	return -1;
}

void exl_md_row_free(struct exl_md_row *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->cells[i]);
	free(r->cells);
	r->cells = NULL;
	r->n = 0;
}

/* render: the row; an empty cell as "| |", or "|  |" with pad. */
static char *render(const struct exl_md_row *r, int pad)
{
	struct exl_sb b = { 0 };
	size_t i;

	exl_sb_printf(&b, "|");
	for (i = 0; i < r->n; i++) {
		if (r->cells[i][0])
			exl_sb_printf(&b, " %s |", r->cells[i]);
		else
			exl_sb_printf(&b, pad ? "  |" : " |");
	}
	return exl_sb_take(&b, NULL);
}

char *exl_md_row_render(const struct exl_md_row *r)
{
	return render(r, 0);
}

char *exl_md_row_render_padded(const struct exl_md_row *r)
{
	return render(r, 1);
}

int exl_md_row_is_separator(const struct exl_md_row *r)
{
	const char *c;
	size_t i;

	if (r->n == 0)
		return 0;
	for (i = 0; i < r->n; i++) {
		c = r->cells[i];
		if (*c == ':')
			c++;
		if (*c != '-')
			return 0;
		while (*c == '-')
			c++;
		if (*c == ':')
			c++;
		if (*c)
			return 0;
	}
	return 1;
}

int exl_md_row_set(struct exl_md_row *r, size_t i, const char *raw)
{
	char *copy;

	while (r->n <= i)
		if (add_cell(r, "", 0) < 0)
			return -1;
	copy = strdup(raw);
	if (!copy)
		return -1;
	free(r->cells[i]);
	r->cells[i] = copy;
	return 0;
}

char *exl_md_cell_escape(const char *text, size_t max)
{
	char *clean = malloc(max + 4), *esc, *o;
	const char *s;
	size_t n;

	if (!clean)
		return NULL;
	if (exl_utf8_cut(text ? text : "", clean, max + 4, max)) {
		n = strlen(clean);
		memcpy(clean + n, "…", sizeof("…"));
	}
	esc = malloc(2 * strlen(clean) + 1);
	if (esc) {
		for (s = clean, o = esc; *s; s++) {
			if (*s == '|')
				*o++ = '\\';
			*o++ = *s;
		}
		*o = '\0';
	}
	o = esc ? trimmed(esc, strlen(esc)) : NULL;
	free(esc);
	free(clean);
	return o;
}

char *exl_md_cell_text(const char *raw)
{
	char *t = trimmed(raw, strlen(raw)), *o, *s;

	if (!t)
		return NULL;
	for (s = o = t; *s; s++) {
		if (*s == '\\' && s[1] == '|')
			s++;
		*o++ = *s;
	}
	*o = '\0';
	return t;
}
