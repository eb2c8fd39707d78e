/* record_codec.h - the table-driven JSON codec under run_record.c, for
 * it alone: a record kind is a table of fields (a JSON key, its type,
 * its offset in the struct); rr_decode, rr_encode, rr_free and rr_remap
 * walk the tables.  The tables, and so run.json's keys, live in
 * run_record.c only. */
#ifndef EXL_RECORD_CODEC_H
#define EXL_RECORD_CODEC_H

#include <stddef.h>

#include <json-c/json.h>

#include "util/exl_err.h"
#include "runstore/record_types.h"

enum rr_type {
	T_STR,		/* char * */
	T_INT,		/* struct exl_rr_int */
	T_NUM,		/* struct exl_rr_num */
	T_BOOL,		/* struct exl_rr_bool */
	T_MAP,		/* struct exl_rr_map */
	T_OBJ,		/* an embedded struct of kind sub */
	T_LIST,		/* struct exl_rr_list: a JSON array of sub */
	T_NAMED,	/* struct exl_rr_list: a JSON object of sub by name */
	T_RAW,		/* json_object *, an object kept as is */
};

struct rr_kind;

struct rr_field {
	const char *key;
	enum rr_type type;
	size_t off;
	const struct rr_kind *sub;
};

struct rr_kind {
	const struct rr_field *f;
	size_t nf;
	size_t size;		/* one record of this kind */
	long present;		/* offset of its int present, -1: none */
	size_t extra;		/* offset of its json_object *extra */
	long name;		/* T_NAMED records: offset of char *name */
};

#define RR_AT(base, off, type) ((type *)(void *)((char *)(base) + (off)))

/* Free what one record of kind k holds (not the record) and zero it. */
void rr_free(const struct rr_kind *k, void *base);

/* Decode the object o into base (zeroed) as kind k; what names the file
 * in errors.  -1 with a one-line error (base holds what was read). */
int rr_decode(const struct rr_kind *k, void *base, json_object *o,
	      const char *what, struct exl_err *err);

/* The JSON of a record: known keys in table order, then the kept
 * unknown ones.  NULL: out of memory. */
json_object *rr_encode(const struct rr_kind *k, const void *base);

/* A new zeroed record of kind k at the end of l; NULL: no memory. */
void *rr_list_add(const struct rr_kind *k, struct exl_rr_list *l);

/* Call fn on every string value of a record of kind k (see
 * exl_run_record_map_strings). */
int rr_remap(const struct rr_kind *k, void *base,
	     char *(*fn)(const char *s, void *arg), void *arg);

#endif
