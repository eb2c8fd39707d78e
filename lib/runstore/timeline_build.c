/* timeline_build.c - rebuild timeline.md (see timeline_build.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runstore/evidence.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "runstore/timeline_build.h"

struct item {
	char *file;		/* the `file` the entry names, or NULL */
	const char *text;	/* the entry after "N. " (NULL: generated) */
	size_t text_len;
	const char *tail;	/* lines below the entry, up to the next */
	size_t tail_len;
	time_t key;
	size_t seq;
};

/* entry_file: the `name` an entry starts with, newly allocated. */
static char *entry_file(const char *t, size_t len)
{
	const char *e;

	if (len < 3 || t[0] != '`')
		return NULL;
	e = memchr(t + 1, '`', len - 1);
	return e ? strndup(t + 1, (size_t)(e - t - 1)) : NULL;
}

static time_t file_key(const char *name, const struct exl_tl_file *files,
		       size_t n)
{
	time_t t;
	size_t i;

	for (i = 0; name && i < n; i++)
		if (strcmp(files[i].name, name) == 0 && files[i].when)
			return files[i].when;
	return exl_timeline_when(name, 0, &t) == 0 ? t : 0;
}

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int o;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	/* ties (runs that started in the same second): the old text's
	 * order (timeline.h), then the order they were collected in */
	o = exl_timeline_tie(x->text ? (long)x->seq : -1, x->file,
			     y->text ? (long)y->seq : -1, y->file);
	if (o)
		return o;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* parse_old: split old text into head and items; returns the head's
 * length, -1 on allocation failure. */
static long parse_old(const char *old, struct item *it, size_t *nit,
		      const struct exl_tl_file *files, size_t n)
{
	const char *p = old, *head_end = NULL;
	time_t last = 0;

	*nit = 0;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t ll = nl ? (size_t)(nl - p) : strlen(p);
		const char *t = exl_timeline_entry(p, NULL);
		const char *next = nl ? nl + 1 : p + ll;

		if (t) {
			struct item *x = &it[(*nit)++];

			if (!head_end)
				head_end = p;
			memset(x, 0, sizeof(*x));
			x->text = t;
			x->text_len = ll - (size_t)(t - p);
			x->tail = next;
			x->file = entry_file(t, x->text_len);
			if (!x->file && t[0] == '`' && memchr(t + 1, '`', x->text_len - 1))
				return -1;
			x->key = file_key(x->file, files, n);
			/* an entry without a date stays after its predecessor */
			if (!x->key)
				x->key = last;
			last = x->key;
			x->seq = *nit;
		} else if (*nit) {
			it[*nit - 1].tail_len = (size_t)(next - it[*nit - 1].tail);
		}
		p = next;
	}
	return head_end ? (long)(head_end - old) : (long)strlen(old);
}

static size_t count_lines(const char *s)
{
	size_t n = 1;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

char *exl_timeline_rebuild(const char *old, const char *title,
			   const struct exl_tl_file *files, size_t n,
			   int *changed)
{
	struct exl_sb b = { 0 };
	struct item *it;
	size_t nit = 0, i, cap = count_lines(old) + n;
	long head;
	char *out;

	*changed = 0;
	it = calloc(cap, sizeof(*it));
	if (!it)
		return NULL;
	head = old ? parse_old(old, it, &nit, files, n) : 0;
	if (head < 0)
		goto fail;
	for (i = 0; i < n; i++) {
		struct item *x;

		if (old && exl_timeline_lists(old, files[i].name))
			continue;
		x = &it[nit++];
		x->file = strdup(files[i].name);
		if (!x->file)
			goto fail;
		x->key = file_key(x->file, files, n);
		x->seq = nit;
	}
	qsort(it, nit, sizeof(*it), cmp_item);
	if (!old || head == 0)
		exl_timeline_put_title(&b, title);
	else
		exl_sb_printf(&b, "%.*s%s", (int)head, old,
			      old[head - 1] == '\n' ? "" : "\n");
	for (i = 0; i < nit; i++) {
		char human[64] = "date unknown";

		if (it[i].text) {
			exl_sb_printf(&b, "%zu. %.*s\n", i + 1, (int)it[i].text_len,
				      it[i].text);
		} else {
			if (it[i].key)
				exl_time_human(it[i].key, 0, human, sizeof(human));
			exl_timeline_put_entry(&b, (long)i + 1, it[i].file, human);
		}
		if (it[i].tail_len)
			exl_sb_printf(&b, "%.*s%s", (int)it[i].tail_len, it[i].tail,
				      it[i].tail[it[i].tail_len - 1] == '\n' ? "" : "\n");
	}
	for (i = 0; i < nit; i++)
		free(it[i].file);
	free(it);
	out = exl_sb_take(&b, NULL);
	*changed = out && (!old || strcmp(out, old) != 0);
	return out;
fail:
	for (i = 0; i < nit; i++)
		free(it[i].file);
	free(it);
	exl_sb_free(&b);
	return NULL;
}
