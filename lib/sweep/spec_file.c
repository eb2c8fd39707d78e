/* spec_file.c - shared reading of sweep and chain specs (spec_file.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fileio.h"
#include "sweep/spec_file.h"

int exl_spec_bad(struct exl_err *err, const char *file, int line,
		 const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return exl_errf(err, "%s:%d: %s", file, line, msg);
}

int exl_spec_yaml(const char *file, const char *buf, size_t len,
		  struct exl_yaml_node **root, struct exl_err *err)
{
	struct exl_yaml_error ye;

	*root = NULL;
	if (exl_yaml_parse(buf, len, root, &ye) == 0)
		return 0;
	return exl_spec_bad(err, file, ye.line ? ye.line : 1,
			    "%s%s%s: fix the YAML", ye.key[0] ? ye.key : "",
			    ye.key[0] ? ": " : "", ye.text);
}

int exl_spec_parse(const char *file, const char *buf, size_t len,
		   char **filep, void *obj,
		   int (*node)(void *obj, const struct exl_yaml_node *root,
			       struct exl_err *err),
		   void (*free_obj)(void *obj), struct exl_err *err)
{
	struct exl_yaml_node *root;
	int rc;

	if (!(*filep = strdup(file)))
		return exl_errf(err, "%s: out of memory", file);
	if (exl_spec_yaml(file, buf, len, &root, err) < 0) {
		free_obj(obj);
		return -1;
	}
	rc = node(obj, root, err);
	exl_yaml_free(root);
	if (rc < 0)
		free_obj(obj);
	return rc;
}

int exl_spec_load(const char *path, const char *what, exl_spec_parse_fn parse,
		  void *obj, struct exl_err *err)
{
	struct exl_err e;
	char *buf;
	size_t len;
	int rc;

	if (exl_read_file(path, EXL_SPEC_MAX_BYTES, &buf, &len, &e) < 0)
		return exl_errf(err, "%s: %s: give a readable %s", path,
				e.text, what);
	rc = parse(path, buf, len, obj, err);
	free(buf);
	return rc;
}
