/* yamltree.c - bounded YAML tree from libyaml events (see yamltree.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/yamltree.h"

struct builder {
	const char *buf;
	size_t len;
	struct exl_yaml_node *root;
	struct exl_yaml_node *stack[EXL_YAML_MAX_DEPTH];
	int depth;
	size_t nodes;
	int docs;
	struct exl_yaml_error *e;
};

char *exl_yaml_printable(const char *s, char *out, size_t len)
{
	size_t i, n = strlen(s);
	int cut = 0;

	if (len == 0)
		return out;
	if (n >= len) {
		cut = len > 4;
		n = cut ? len - 4 : len - 1;
		/* do not cut a UTF-8 sequence in half */
		while (cut && n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		out[i] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	strcpy(out + i, cut ? "..." : "");
	return out;
}

/* key_path: the dotted path of the innermost open keys, for messages.
 * In the innermost list the index is that of the item being read. */
static void key_path(const struct builder *b, char *out, size_t len)
{
	char part[64];
	size_t used = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < b->depth; i++) {
		const struct exl_yaml_node *n = b->stack[i];
		int w = 0;

		if (n->kind == EXL_YAML_MAP && n->nkids > 0) {
			exl_yaml_printable(n->kids[(n->nkids - 1) & ~(size_t)1]->text,
					   part, sizeof(part));
			w = snprintf(out + used, len - used, "%s%s",
				     used ? "." : "", part);
		} else if (n->kind == EXL_YAML_SEQ) {
			size_t idx = n->nkids;

			if (i < b->depth - 1 && idx > 0)
				idx--;
			w = snprintf(out + used, len - used, "[%zu]", idx);
		}
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
}

static int __attribute__((format(printf, 3, 4)))
fail(struct builder *b, int line, const char *fmt, ...)
{
	va_list ap;

	b->e->line = line;
	key_path(b, b->e->key, sizeof(b->e->key));
	va_start(ap, fmt);
	vsnprintf(b->e->text, sizeof(b->e->text), fmt, ap);
	va_end(ap);
	return -1;
}

static int line_of_offset(const struct builder *b, size_t off)
{
	int line = 1;
	size_t i;

	for (i = 0; i < off && i < b->len; i++)
		if (b->buf[i] == '\n')
			line++;
	return line;
}

/* How to fix the syntax errors people make most, by libyaml's text. */
static const struct {
	const char *text;
	const char *hint;
} hints[] = {
	{ "quoted scalar", ": close the quote" },
	{ "did not find expected key", ": check the indentation" },
	{ "mapping values are not allowed", ": quote a value that contains ': '" },
	{ "did not find expected ',' or", ": close the bracket" },
};

/* parser_fail: turn libyaml's error state into one message. */
static int parser_fail(struct builder *b, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "unreadable input";
	const char *context = p->context ? p->context : "";
	yaml_mark_t mark = p->problem_mark;
	const char *hint = "";
	size_t i;

	if (p->error == YAML_MEMORY_ERROR)
		return fail(b, 0, "out of memory");
	if (p->error == YAML_READER_ERROR)
		return fail(b, line_of_offset(b, p->problem_offset),
			    "invalid YAML: %s: save the file as UTF-8 text",
			    problem);
	/* an unclosed quote or bracket fails at the end of the file: point
	 * at where it was opened instead */
	if (p->context && mark.index >= b->len)
		mark = p->context_mark;
	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (strstr(problem, hints[i].text) ||
		    strstr(context, hints[i].text))
			hint = hints[i].hint;
	if (mark.index < b->len && b->buf[mark.index] == '\t')
		hint = ": indent with spaces, not tabs";
	return fail(b, (int)mark.line + 1, "invalid YAML: %s%s%s%s", problem,
		    *context ? " " : "", context, hint);
}

static struct exl_yaml_node *new_node(struct builder *b,
				      enum exl_yaml_kind kind,
				      const yaml_event_t *ev)
{
	struct exl_yaml_node *n = calloc(1, sizeof(*n));

	if (!n) {
		fail(b, 0, "out of memory");
		return NULL;
	}
	n->kind = kind;
	n->line = (int)ev->start_mark.line + 1;
	return n;
}

/* attach: hang n under the innermost open collection (or make it the
 * root).  On failure n is freed. */
static int attach(struct builder *b, struct exl_yaml_node *n)
{
	struct exl_yaml_node *parent, **kids;
	size_t max;

	if (++b->nodes > EXL_YAML_MAX_NODES) {
		fail(b, n->line, "more than %d values: the file is too big",
		     EXL_YAML_MAX_NODES);
		goto fail;
	}
	if (b->depth == 0) {
		b->root = n;
		return 0;
	}
	parent = b->stack[b->depth - 1];
	if (parent->kind == EXL_YAML_MAP) {
		max = 2 * EXL_YAML_MAX_ITEMS;
		if (parent->nkids % 2 == 0 && n->kind != EXL_YAML_SCALAR) {
			fail(b, n->line, "a key must be plain text, not a list or mapping");
			goto fail;
		}
	} else {
		max = EXL_YAML_MAX_ITEMS;
	}
	if (parent->nkids >= max) {
		fail(b, n->line, "more than %d %s: shorten it",
		     EXL_YAML_MAX_ITEMS,
		     parent->kind == EXL_YAML_MAP ? "keys" : "list items");
		goto fail;
	}
	if (parent->nkids == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 8;

		kids = realloc(parent->kids, cap * sizeof(*kids));
		if (!kids) {
			fail(b, n->line, "out of memory");
			goto fail;
		}
		parent->kids = kids;
		parent->cap = cap;
	}
	parent->kids[parent->nkids++] = n;
	return 0;
fail:
	exl_yaml_free(n);
	return -1;
}

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct exl_yaml_node *n;

	if (len > EXL_YAML_MAX_SCALAR)
		return fail(b, (int)ev->start_mark.line + 1,
			    "value longer than %d bytes: shorten it",
			    EXL_YAML_MAX_SCALAR);
	if (memchr(v, '\0', len))
		return fail(b, (int)ev->start_mark.line + 1,
			    "value contains a NUL character: remove it");
	n = new_node(b, EXL_YAML_SCALAR, ev);
	if (!n)
		return -1;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	n->text = strndup(v, len);
	if (!n->text) {
		exl_yaml_free(n);
		return fail(b, 0, "out of memory");
	}
	return attach(b, n);
}

static int on_open(struct builder *b, const yaml_event_t *ev,
		   enum exl_yaml_kind kind)
{
	struct exl_yaml_node *n;

	if (b->depth >= EXL_YAML_MAX_DEPTH)
		return fail(b, (int)ev->start_mark.line + 1,
			    "nested deeper than %d levels: flatten it",
			    EXL_YAML_MAX_DEPTH);
	n = new_node(b, kind, ev);
	if (!n || attach(b, n) < 0)
		return -1;
	b->stack[b->depth++] = n;
	return 0;
}

static int on_event(struct builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->docs > 1)
			return fail(b, (int)ev->start_mark.line + 1,
				    "more than one YAML document: remove the second '---'");
		return 0;
	case YAML_ALIAS_EVENT:
		return fail(b, (int)ev->start_mark.line + 1,
			    "aliases (*%.40s) are not allowed: write the value out",
			    (const char *)ev->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_open(b, ev, EXL_YAML_SEQ);
	case YAML_MAPPING_START_EVENT:
		return on_open(b, ev, EXL_YAML_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->depth > 0)
			b->depth--;
		return 0;
	default:
		return 0;
	}
}

int exl_yaml_parse(const char *buf, size_t len, struct exl_yaml_node **rootp,
		   struct exl_yaml_error *e)
{
	struct builder b = { .buf = buf, .len = len, .e = e };
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = 0, done = 0;

	*rootp = NULL;
	memset(e, 0, sizeof(*e));
	if (!yaml_parser_initialize(&p))
		return fail(&b, 0, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = parser_fail(&b, &p);
			break;
		}
		rc = on_event(&b, &ev);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (rc < 0) {
		exl_yaml_free(b.root);
		return -1;
	}
	*rootp = b.root;
	return 0;
}

void exl_yaml_free(struct exl_yaml_node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nkids; i++)
		exl_yaml_free(n->kids[i]);
	free(n->kids);
	free(n->text);
	free(n);
}

int exl_yaml_is_null(const struct exl_yaml_node *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (!n)
		return 1;
	if (n->kind != EXL_YAML_SCALAR || !n->plain)
		return 0;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(n->text, nulls[i]) == 0)
			return 1;
	return 0;
}
