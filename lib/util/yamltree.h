/* yamltree.h - a bounded YAML document tree for untrusted input.
 *
 * exl_yaml_parse turns one YAML document into a small tree of scalars,
 * lists and mappings, built from libyaml's event stream with hard bounds:
 * nesting depth, items per collection, scalar length and node count.
 * Aliases (*name) are refused, which rules out expansion bombs; anchors
 * and tags are ignored.  Every node remembers its line, so callers can
 * name file, line and key in their messages.
 */
#ifndef EXL_YAMLTREE_H
#define EXL_YAMLTREE_H

#include <stddef.h>

#define EXL_YAML_MAX_DEPTH 16		/* nested collections */
#define EXL_YAML_MAX_ITEMS 256		/* list items or mapping pairs */
#define EXL_YAML_MAX_SCALAR 4096	/* bytes in one scalar */
#define EXL_YAML_MAX_NODES 8192		/* nodes in one document */

enum exl_yaml_kind {
	EXL_YAML_SCALAR,
	EXL_YAML_SEQ,
	EXL_YAML_MAP,
};

struct exl_yaml_node {
	enum exl_yaml_kind kind;
	int line;			/* 1-based line where the node starts */
	int plain;			/* scalar written without quotes */
	char *text;			/* scalar: NUL-terminated text */
	size_t nkids;			/* seq: items; map: 2 * pairs */
	size_t cap;
	struct exl_yaml_node **kids;	/* map: key, value, key, value... */
};

/* Where and why a document was refused. */
struct exl_yaml_error {
	int line;		/* 1-based, 0 when unknown */
	char key[160];		/* dotted path of the nearest key, "" if none */
	char text[256];		/* what is wrong */
};

/* Parse buf (len bytes) as at most one YAML document.  On success returns
 * 0 and sets *rootp (NULL for an empty document).  On error returns -1
 * with *rootp NULL and e filled in. */
int exl_yaml_parse(const char *buf, size_t len, struct exl_yaml_node **rootp,
		   struct exl_yaml_error *e);

void exl_yaml_free(struct exl_yaml_node *n);

/* 1 when n is absent or a plain "", "~", "null", "Null" or "NULL". */
int exl_yaml_is_null(const struct exl_yaml_node *n);

/* Copy s into out for a message: control characters become '?' and text
 * longer than fits is cut with "...".  Returns out. */
char *exl_yaml_printable(const char *s, char *out, size_t len);

#endif
