/* yamljson.c - YAML to json-c with file:line errors (see yamljson.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/fileio.h"
#include "util/yamljson.h"

struct frame {
	json_object *obj;	/* object or array being filled */
	char *key;		/* mapping: key waiting for its value */
};

struct builder {
	const char *what;
	struct frame stack[EXL_YAML_MAX_DEPTH];
	int depth;		/* frames in use */
	json_object *root;
	int ndocs;
	struct exl_err *err;
};

static int fail_at(struct builder *b, const yaml_mark_t *m, const char *msg,
		   const char *arg)
{
	if (arg)
		return exl_errf(b->err, "%s:%zu: %s '%.80s'", b->what,
				m->line + 1, msg, arg);
	return exl_errf(b->err, "%s:%zu: %s", b->what, m->line + 1, msg);
}

/* is_json_number: s is -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?; *integral is
 * set when there is neither fraction nor exponent. */
static int is_json_number(const char *s, int *integral)
{
	const char *p = s;

	*integral = 1;
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return 0;
	if (*p == '.') {
		*integral = 0;
		if (!(*++p >= '0' && *p <= '9'))
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		*integral = 0;
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

static int is_one_of(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(s, *words) == 0)
			return 1;
	return 0;
}

/* scalar_value: the JSON value of a scalar event (see yamljson.h) into
 * *out; NULL there is JSON null.  -1 without memory. */
static int scalar_value(const yaml_event_t *ev, json_object **out)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
	static const char *const trues[] = { "true", "True", "TRUE", NULL };
	static const char *const falses[] = { "false", "False", "FALSE", NULL };
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const char *tag = (const char *)ev->data.scalar.tag;
	int integral;

	*out = NULL;
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    (tag && strcmp(tag, YAML_STR_TAG) == 0) || strlen(s) != len)
		*out = json_object_new_string_len(s, (int)len);
	else if (is_one_of(s, nulls))
		return 0;
	else if (is_one_of(s, trues) || is_one_of(s, falses))
		*out = json_object_new_boolean(is_one_of(s, trues));
	else if (is_json_number(s, &integral)) {
		long long v;

		errno = 0;
		v = strtoll(s, NULL, 10);
		if (integral && errno == 0)
			*out = json_object_new_int64(v);
		else
			*out = json_object_new_double_s(strtod(s, NULL), s);
	} else {
		*out = json_object_new_string_len(s, (int)len);
	}
	return *out ? 0 : -1;
}

/* attach: put a new value where the parser is: the document root, the
 * pending key of a mapping, or the end of a sequence.  Takes val (NULL
 * is JSON null). */
static int attach(struct builder *b, json_object *val, const yaml_mark_t *m)
{
	struct frame *f;

	if (b->depth == 0) {
		if (!json_object_is_type(val, json_type_object)) {
			json_object_put(val);
			return fail_at(b, m, "the top level must be a mapping (key: value lines)", NULL);
		}
		b->root = val;
		return 0;
	}
	f = &b->stack[b->depth - 1];
	if (json_object_is_type(f->obj, json_type_array)) {
		if (json_object_array_add(f->obj, val) == 0)
			return 0;
		json_object_put(val);
		return fail_at(b, m, "out of memory", NULL);
	}
	if (!f->key) {		/* open_container and handle rule this out */
		json_object_put(val);
		return fail_at(b, m, "a key must be a plain value, not a list or mapping", NULL);
	}
	if (json_object_object_add(f->obj, f->key, val) != 0) {
		json_object_put(val);
		return fail_at(b, m, "out of memory", NULL);
	}
	free(f->key);
	f->key = NULL;
	return 0;
}

/* take_key: a scalar in key position of the innermost mapping. */
static int take_key(struct builder *b, const yaml_event_t *ev)
{
	struct frame *f = &b->stack[b->depth - 1];
	const char *s = (const char *)ev->data.scalar.value;

	if (strlen(s) != ev->data.scalar.length)
		return fail_at(b, &ev->start_mark, "a key contains a NUL byte", NULL);
	if (json_object_object_get_ex(f->obj, s, NULL))
		return fail_at(b, &ev->start_mark, "duplicate key", s);
	f->key = strdup(s);
	if (!f->key)
		return fail_at(b, &ev->start_mark, "out of memory", NULL);
	return 0;
}

static int in_key_position(const struct builder *b)
{
	const struct frame *f;

	if (b->depth == 0)
		return 0;
	f = &b->stack[b->depth - 1];
	return json_object_is_type(f->obj, json_type_object) && !f->key;
}

/* open_container: a mapping or sequence starts: attach it and push. */
static int open_container(struct builder *b, json_object *obj,
			  const yaml_mark_t *m)
{
	if (!obj)
		return fail_at(b, m, "out of memory", NULL);
	if (b->depth >= EXL_YAML_MAX_DEPTH) {
		json_object_put(obj);
		return fail_at(b, m, "nested too deeply", NULL);
	}
	if (in_key_position(b)) {
		json_object_put(obj);
		return fail_at(b, m, "a key must be a plain value, not a list or mapping", NULL);
	}
	if (attach(b, json_object_get(obj), m) < 0) {
		json_object_put(obj);
		return -1;
	}
	b->stack[b->depth].obj = obj;
	b->stack[b->depth].key = NULL;
	b->depth++;
	return 0;
}

static void close_container(struct builder *b)
{
	struct frame *f = &b->stack[--b->depth];

	free(f->key);
	json_object_put(f->obj);
	f->obj = NULL;
	f->key = NULL;
}

/* handle: one parser event.  Returns 1 at the end of the stream. */
static int handle(struct builder *b, const yaml_event_t *ev)
{
	json_object *val;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (b->ndocs++ > 0)
			return fail_at(b, &ev->start_mark, "more than one YAML document", NULL);
		return 0;
	case YAML_ALIAS_EVENT:
		return fail_at(b, &ev->start_mark, "aliases are not supported:",
			       (const char *)ev->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		if (in_key_position(b))
			return take_key(b, ev);
		if (scalar_value(ev, &val) < 0)
			return fail_at(b, &ev->start_mark, "out of memory", NULL);
		return attach(b, val, &ev->start_mark);
	case YAML_MAPPING_START_EVENT:
		return open_container(b, json_object_new_object(), &ev->start_mark);
	case YAML_SEQUENCE_START_EVENT:
		return open_container(b, json_object_new_array(), &ev->start_mark);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		close_container(b);
		return 0;
	case YAML_STREAM_END_EVENT:
		return 1;
	default:
		return 0;
	}
}

/* parse_error: libyaml's complaint as "file:line:col: problem".  Reader
 * (encoding) errors carry a byte offset instead of a mark. */
static void parse_error(const yaml_parser_t *p, const char *text, size_t len,
			const char *what, struct exl_err *err)
{
	yaml_mark_t m = p->problem_mark;
	const char *why = p->problem ? p->problem : "invalid YAML";

	if (p->error == YAML_READER_ERROR) {
		size_t i, end = p->problem_offset < len ? p->problem_offset : len;

		m.line = 0;
		m.column = 0;
		for (i = 0; i < end; i++) {
			m.column++;
			if (text[i] == '\n') {
				m.line++;
				m.column = 0;
			}
		}
	}
	if (p->context)
		exl_errf(err, "%s:%zu:%zu: %s (%s, line %zu)", what, m.line + 1,
			 m.column + 1, why, p->context, p->context_mark.line + 1);
	else
		exl_errf(err, "%s:%zu:%zu: %s", what, m.line + 1, m.column + 1,
			 why);
}

json_object *exl_yaml_json_parse(const char *text, size_t len, const char *what,
			    struct exl_err *err)
{
	struct builder b = { .what = what, .err = err };
	yaml_parser_t parser;
	yaml_event_t ev;
	int rc = 0;

	if (!yaml_parser_initialize(&parser)) {
		exl_errf(err, "%s: out of memory", what);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (rc == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			parse_error(&parser, text, len, what, err);
			rc = -1;
			break;
		}
		rc = handle(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	while (b.depth > 0)
		close_container(&b);
	if (rc < 0) {
		json_object_put(b.root);
		return NULL;
	}
	if (!b.root)
		exl_errf(err, "%s: empty: expected a mapping of key: value lines", what);
	return b.root;
}

json_object *exl_yaml_json_read(const char *path, struct exl_err *err)
{
	json_object *obj;
	char *text;
	size_t len;

	if (exl_read_file(path, EXL_YAML_MAX, &text, &len, err) < 0)
		return NULL;
	obj = exl_yaml_json_parse(text, len, path, err);
	free(text);
	return obj;
}
