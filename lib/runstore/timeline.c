/* timeline.c - maintain timeline.md (see timeline.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fileio.h"
#include "util/names.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "runstore/timeline.h"
#include "runstore/evidence.h"

/* quotes: p starts with "`file`" (fl: file's length). */
static int quotes(const char *p, const char *file, size_t fl)
{
	return p[0] == '`' && strncmp(p + 1, file, fl) == 0 && p[1 + fl] == '`';
}

long exl_timeline_offset(const char *text, const char *file)
{
	size_t fl = strlen(file);
	const char *p = text;

	while (text && (p = strchr(p, '`'))) {
		if (quotes(p, file, fl))
			return (long)(p - text);
		p++;
	}
	return -1;
}

int exl_timeline_tie(long xpos, const char *xname, long ypos,
		     const char *yname)
{
	if ((xpos < 0) != (ypos < 0))
		return xpos < 0 ? 1 : -1;
	if (xpos != ypos)
		return xpos < ypos ? -1 : 1;
	return xname && yname ? strcmp(xname, yname) : 0;
}

int exl_timeline_lists(const char *text, const char *file)
{
	return exl_timeline_offset(text, file) >= 0;
}

const char *exl_timeline_entry(const char *line, long *n)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*line))
		return NULL;
	errno = 0;
	v = strtol(line, &end, 10);
	/* LONG_MAX is refused too: the next entry (v + 1) must not wrap */
	if (errno == ERANGE || v >= LONG_MAX || end[0] != '.' || end[1] != ' ')
		return NULL;
	if (n)
		*n = v;
	return end + 2;
}

void exl_timeline_put_title(struct exl_sb *b, const char *title)
{
	exl_sb_printf(b, "# %s Timeline\n\n", title);
}

void exl_timeline_put_entry(struct exl_sb *b, long n, const char *file,
			    const char *human)
{
	exl_sb_printf(b, "%ld. `%s` — %s\n", n, file, human);
}

char *exl_timeline_add(const char *text, const char *title,
		       const char *file, time_t when, const char *note,
		       int *added)
{
	struct exl_sb b = { 0 };
	char human[1200];
	const char *p;
	long last = 0, n;
	size_t tl;

	*added = 0;
	exl_time_human(when, 0, human, sizeof(human));
	if (note && *note) {
		size_t hl = strlen(human);

		snprintf(human + hl, sizeof(human) - hl, " — %s", note);
	}
	if (!text || !*text) {
		exl_timeline_put_title(&b, title);
		text = "";
	} else {
		if (exl_timeline_lists(text, file))
			return strdup(text);
		exl_sb_printf(&b, "%s", text);
	}
	for (p = text; *p; ) {
		if (exl_timeline_entry(p, &n) && n > last)
			last = n;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	tl = strlen(text);
	if (tl > 0 && text[tl - 1] != '\n')
		exl_sb_printf(&b, "\n");
	exl_timeline_put_entry(&b, last + 1, file, human);
	*added = 1;
	return exl_sb_take(&b, NULL);
}

struct add_arg {
	const char *group, *file, *note;
	time_t when;
};

/* add: exl_timeline_add as an exl_rewrite edit. */
static char *add(const char *old, void *arg, int *changed,
		 struct exl_err *err)
{
	const struct add_arg *a = arg;
	char title[128], *new;

	exl_group_title(a->group, title, sizeof(title));
	new = exl_timeline_add(old, title, a->file, a->when, a->note, changed);
	if (!new)
		exl_errnof(err, ENOMEM, "couldn't update timeline.md");
	return new;
}

int exl_timeline_update(const char *dir, const char *spare, const char *group,
			const char *file, time_t when, const char *note,
			struct exl_err *err)
{
	struct add_arg a = { group, file, note, when };

	return exl_rewrite_spare(dir, "timeline.md", spare, add, &a, err);
}

int exl_timeline_when(const char *name, time_t start, time_t *when)
{
	if (start > 0) {
		*when = start;
		return 0;
	}
	return name && exl_parse_date(name, when) == 0 ? 0 : -1;
}

char *exl_timeline_drop(const char *text, const char *file, int *dropped)
{
	struct exl_sb b = { 0 };
	const char *p = text, *nl, *rest;
	size_t fl = strlen(file);

	*dropped = 0;
	while (p && *p) {
		nl = strchr(p, '\n');
		rest = exl_timeline_entry(p, NULL);
		if (!*dropped && rest && quotes(rest, file, fl)) {
			*dropped = 1;
		} else {
			exl_sb_printf(&b, "%.*s", (int)(nl ? nl - p + 1 :
						     (long)strlen(p)), p);
		}
		p = nl ? nl + 1 : NULL;
	}
	return exl_sb_take(&b, NULL);
}

/* drop: exl_timeline_drop as an exl_rewrite edit (arg: the file). */
static char *drop(const char *old, void *arg, int *changed,
		  struct exl_err *err)
{
	char *new = exl_timeline_drop(old, arg, changed);

	if (!new)
		exl_errnof(err, ENOMEM, "couldn't update timeline.md");
	return new;
}

int exl_timeline_remove(const char *dir, const char *spare,
			const char *file, struct exl_err *err)
{
	return exl_rewrite_spare(dir, "timeline.md", spare, drop, (void *)file,
				 err);
}
