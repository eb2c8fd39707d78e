/* spec_file.h - what sweep specs and chain specs share: "FILE:LINE:"
 * errors, reading the file within a size bound, and parsing its YAML. */
#ifndef EXL_SWEEP_SPEC_FILE_H
#define EXL_SWEEP_SPEC_FILE_H

#include <stddef.h>

#include "util/exl_err.h"
#include "util/yamltree.h"

/* Largest sweep or chain spec read. */
#define EXL_SPEC_MAX_BYTES (1024 * 1024)

/* "FILE:LINE: message" into err; always -1. */
int exl_spec_bad(struct exl_err *err, const char *file, int line,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Parse buf as YAML into *root; on a syntax error, "FILE:LINE: ...: fix
 * the YAML" into err and -1. */
int exl_spec_yaml(const char *file, const char *buf, size_t len,
		  struct exl_yaml_node **root, struct exl_err *err);

/* Parse buf's YAML and hand the tree to node(obj, root); obj's file name
 * is set first (*filep = strdup(file)), and on any failure free_obj(obj)
 * is called so the caller owns nothing. obj must be zeroed. */
int exl_spec_parse(const char *file, const char *buf, size_t len,
		   char **filep, void *obj,
		   int (*node)(void *obj, const struct exl_yaml_node *root,
			       struct exl_err *err),
		   void (*free_obj)(void *obj), struct exl_err *err);

/* The parser a loader hands the file's text to (exl_sweep_parse,
 * exl_chain_parse), obj being its spec. */
typedef int (*exl_spec_parse_fn)(const char *file, const char *buf,
				 size_t len, void *obj, struct exl_err *err);

/* Read path (at most EXL_SPEC_MAX_BYTES) and hand it to parse; an
 * unreadable file is "PATH: why: give a readable WHAT". */
int exl_spec_load(const char *path, const char *what, exl_spec_parse_fn parse,
		  void *obj, struct exl_err *err);

#endif
