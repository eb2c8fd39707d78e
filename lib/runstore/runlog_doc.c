/* runlog_doc.c - line model of a run log (see runlog_doc.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fileio.h"
#include "runstore/runlog_doc.h"
#include "runstore/runlog_keys.h"

static int grow(struct exl_doc *d)
{
	size_t cap;
	char **nl;

	if (d->n < d->cap)
		return 0;
	cap = d->cap ? d->cap * 2 : 64;
	nl = realloc(d->lines, cap * sizeof(*nl));
	if (!nl)
		return -1;
	d->lines = nl;
	d->cap = cap;
	return 0;
}

int exl_doc_insert(struct exl_doc *d, size_t at, const char *line)
{
	char *c;

	if (at > d->n)
		at = d->n;
	if (d->n >= EXL_DOC_MAX_LINES || grow(d) < 0)
		return -1;
	c = strdup(line);
	if (!c)
		return -1;
	memmove(d->lines + at + 1, d->lines + at,
		(d->n - at) * sizeof(*d->lines));
	d->lines[at] = c;
	d->n++;
	return 0;
}

void exl_doc_delete(struct exl_doc *d, size_t at)
{
	if (at >= d->n)
		return;
	free(d->lines[at]);
	memmove(d->lines + at, d->lines + at + 1,
		(d->n - at - 1) * sizeof(*d->lines));
	d->n--;
}

int exl_doc_parse(struct exl_doc *d, const char *text, struct exl_err *err)
{
	const char *p = text, *nl;

	memset(d, 0, sizeof(*d));
	while (*p) {
		size_t len;
		char *line;

		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (d->n >= EXL_DOC_MAX_LINES) {
			exl_doc_free(d);
			return exl_errf(err, "run log has more than %d lines",
					EXL_DOC_MAX_LINES);
		}
		if (grow(d) < 0 || !(line = strndup(p, len))) {
			exl_doc_free(d);
			return exl_errnof(err, ENOMEM, "couldn't parse run log");
		}
		d->lines[d->n++] = line;
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

char *exl_doc_render(const struct exl_doc *d, size_t *lenp)
{
	size_t i, len = 0, off = 0;
	char *buf;

	for (i = 0; i < d->n; i++)
		len += strlen(d->lines[i]) + 1;
	buf = malloc(len + 1);
	if (!buf)
		return NULL;
	for (i = 0; i < d->n; i++) {
		size_t l = strlen(d->lines[i]);

		memcpy(buf + off, d->lines[i], l);
		off += l;
		buf[off++] = '\n';
	}
	buf[off] = '\0';
	if (lenp)
		*lenp = off;
	return buf;
}

void exl_doc_free(struct exl_doc *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->lines[i]);
	free(d->lines);
	memset(d, 0, sizeof(*d));
}

static int is_header(const char *l)
{
	return (l[0] == '#' && l[1] == ' ') ||
	       (l[0] == '#' && l[1] == '#' && l[2] == ' ');
}

long exl_doc_find_section(const struct exl_doc *d, const char *title,
			  size_t from)
{
	size_t i, tl = strlen(title);

	for (i = from; i < d->n; i++) {
		const char *l = d->lines[i];

		if (strncmp(l, "## ", 3) != 0 || strncmp(l + 3, title, tl) != 0)
			continue;
		l += 3 + tl;
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l == '\0')
			return (long)i;
	}
	return -1;
}

size_t exl_doc_section_end(const struct exl_doc *d, size_t start)
{
	size_t i;

	for (i = start + 1; i < d->n; i++)
		if (is_header(d->lines[i]))
			return i;
	return d->n;
}

/* key_value: if line is "- KEY: rest" (leading spaces and "*" bullets
 * allowed), return a pointer to rest, else NULL. */
static const char *key_value(const char *line, const char *key)
{
	size_t kl = strlen(key);

	while (*line == ' ')
		line++;
	if ((line[0] != '-' && line[0] != '*') || line[1] != ' ')
		return NULL;
	line += 2;
	if (strncmp(line, key, kl) != 0 || line[kl] != ':')
		return NULL;
	line += kl + 1;
	while (*line == ' ')
		line++;
	return line;
}

long exl_doc_find_key(const struct exl_doc *d, size_t sec, const char *key)
{
	size_t i, end = exl_doc_section_end(d, sec);

	for (i = sec + 1; i < end; i++)
		if (key_value(d->lines[i], key))
			return (long)i;
	return -1;
}

const char *exl_doc_value_trim(const char *v, size_t *len)
{
	size_t n;

	while (*v == ' ')
		v++;
	n = strlen(v);
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n >= 2 && v[0] == '`' && v[n - 1] == '`') {
		v++;
		n -= 2;
	}
	*len = n;
	return v;
}

char *exl_doc_get_key(const struct exl_doc *d, size_t sec, const char *key)
{
	long i = exl_doc_find_key(d, sec, key);
	const char *v;
	size_t len;

	if (i < 0)
		return NULL;
	v = exl_doc_value_trim(key_value(d->lines[i], key), &len);
	return strndup(v, len);
}

/* digits: a decimal number of 1-6 digits at p[*i]; -1 when none. */
static int digits(const char *p, size_t len, size_t *i)
{
	int n = 0;
	size_t start = *i;

	while (*i < len && p[*i] >= '0' && p[*i] <= '9' && *i - start < 6)
		n = n * 10 + (p[(*i)++] - '0');
	return *i > start ? n : -1;
}

int exl_doc_job_header_n(const char *p, size_t len, int *k, int *m)
{
	static const char job[] = "## Job", res[] = " (resumed";
	size_t i = sizeof(res) - 1 + sizeof(job) - 1;
	int a, b;

	if (k)
		*k = 0;
	if (m)
		*m = 0;
	if (len < sizeof(job) - 1 || memcmp(p, job, sizeof(job) - 1) != 0)
		return 0;
	if (len == sizeof(job) - 1)
		return 1;
	if (len < i + 1 || memcmp(p + sizeof(job) - 1, res, sizeof(res) - 1) != 0)
		return 0;
	if (len == i + 1)
		return p[i] == ')';
	if (p[i++] != ' ' || (a = digits(p, len, &i)) < 1 || i >= len ||
	    p[i++] != '/' || (b = digits(p, len, &i)) < 1 || a > b ||
	    i + 1 != len || p[i] != ')')
		return 0;
	if (k)
		*k = a;
	if (m)
		*m = b;
	return 1;
}

int exl_doc_job_header(const char *line, int *k, int *m)
{
	return exl_doc_job_header_n(line, strlen(line), k, m);
}

long exl_doc_last_job_block(const struct exl_doc *d)
{
	long i;

	for (i = (long)d->n - 1; i >= 0; i--)
		if (exl_doc_job_header(d->lines[i], NULL, NULL))
			return i;
	return -1;
}

long exl_doc_find_job_block(const struct exl_doc *d, const char *job_id)
{
	long hit = -1;
	size_t i;

	for (i = 0; i < d->n; i++) {
		char *v;
		int match;

		if (!exl_doc_job_header(d->lines[i], NULL, NULL))
			continue;
		v = exl_doc_get_key(d, i, EXL_K_EXECUTION_ID);
		match = v && strcmp(v, job_id) == 0;
		free(v);
		if (match)
			hit = (long)i;
	}
	return hit;
}

int exl_doc_set_key(struct exl_doc *d, size_t sec, const char *key,
		    const char *value)
{
	long i = exl_doc_find_key(d, sec, key);
	size_t end, last, j;
	char *line;
	int rc;

	if (i >= 0) {
		/* keep the human's indentation and bullet character */
		const char *l = d->lines[i];
		int indent = (int)strspn(l, " ");

		if (asprintf(&line, "%.*s%c %s: %s", indent, l, l[indent], key,
			     value) < 0)
			return -1;
		free(d->lines[i]);
		d->lines[i] = line;
		return 0;
	}
	end = exl_doc_section_end(d, sec);
	last = sec;
	for (j = sec + 1; j < end; j++)
		if (d->lines[j][0] == '-' || d->lines[j][0] == '*')
			last = j;
	if (last == sec) {
		/* no bullet yet: after the header, or after its text */
		for (j = sec + 1; j < end; j++)
			if (d->lines[j][0] != '\0')
				last = j;
	}
	if (asprintf(&line, "- %s: %s", key, value) < 0)
		return -1;
	rc = exl_doc_insert(d, last + 1, line);
	free(line);
	return rc;
}

int exl_doc_append(struct exl_doc *d, size_t sec, const char *line)
{
	size_t end = exl_doc_section_end(d, sec), last = sec, j;

	for (j = sec + 1; j < end; j++)
		if (d->lines[j][0] != '\0')
			last = j;
	return exl_doc_insert(d, last + 1, line);
}

const char *exl_doc_bullet_value(const char *line, const char *key)
{
	return key_value(line, key);
}

int exl_doc_load(const char *path, struct exl_doc *d, struct exl_err *err)
{
	char *text;
	int rc;

	if (exl_read_file(path, EXL_READ_MAX, &text, NULL, err) < 0)
		return -1;
	rc = exl_doc_parse(d, text, err);
	free(text);
	return rc;
}

int exl_doc_save(const char *path, const struct exl_doc *d,
		 struct exl_err *err)
{
	size_t len;
	char *text = exl_doc_render(d, &len);
	int rc;

	if (!text)
		return exl_errnof(err, ENOMEM, "couldn't write %s", path);
	rc = exl_write_atomic(path, text, len, 0644, err);
	free(text);
	return rc;
}
