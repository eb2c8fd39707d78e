/* jsonfile.c - safe JSON file reading and writing (see jsonfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>

#include "util/fileio.h"
#include "util/jsonfile.h"
#include "util/pairs.h"
#include "util/sharemode.h"

json_object *exl_json_parse(const char *text, size_t len, const char *what,
			    struct exl_err *err)
{
	json_tokener *tok = json_tokener_new_ex(EXL_JSON_MAX_DEPTH);
	json_object *obj;
	enum json_tokener_error jerr;

	if (!tok) {
		exl_errf(err, "%s: out of memory", what);
		return NULL;
	}
	obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!obj || jerr != json_tokener_success) {
		exl_errf(err, "%s: invalid JSON: %s", what,
			 jerr == json_tokener_continue ? "truncated" :
			 json_tokener_error_desc(jerr));
		json_object_put(obj);
		obj = NULL;
	} else if (!json_object_is_type(obj, json_type_object)) {
		exl_errf(err, "%s: expected a JSON object", what);
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

json_object *exl_json_read(const char *path, size_t max, struct exl_err *err)
{
	json_object *obj;
	size_t len;
	char *buf;

	if (exl_read_file(path, max, &buf, &len, err) < 0)
		return NULL;
	if (len > 0x7fffffff) {
		free(buf);
		exl_errf(err, "%s: too large", path);
		return NULL;
	}
	obj = exl_json_parse(buf, len, path, err);
	free(buf);
	return obj;
}

/* json_write_how: obj, pretty, to path: durable (through the spare
 * file when one is named) or not (fileio.h). */
static int json_write_how(const char *path, const char *spare,
			  json_object *obj, int durable, struct exl_err *err)
{
	const char *s = json_object_to_json_string_ext(obj,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = strlen(s);
	char *buf = malloc(len + 2);
	int rc;

	if (!buf)
		return exl_errf(err, "couldn't write %s: out of memory", path);
	memcpy(buf, s, len);
	buf[len++] = '\n';
	rc = durable ? exl_write_atomic_spare(path, spare, buf, len, 0644, NULL,
					      NULL, err) :
		       exl_write_replace(path, buf, len, 0644, err);
	free(buf);
	return rc;
}

int exl_json_write(const char *path, json_object *obj, struct exl_err *err)
{
	return json_write_how(path, NULL, obj, 1, err);
}

int exl_json_write_spare(const char *path, const char *spare,
			 json_object *obj, struct exl_err *err)
{
	return json_write_how(path, spare, obj, 1, err);
}

int exl_json_write_replace(const char *path, json_object *obj,
			   struct exl_err *err)
{
	return json_write_how(path, NULL, obj, 0, err);
}

const char *exl_json_str(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

long long exl_json_int(json_object *o, const char *key, long long dflt)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return dflt;
	return json_object_get_int64(v);
}

int exl_json_has(json_object *o, const char *key)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) && v != NULL;
}

double exl_json_double(json_object *o, const char *key, double dflt)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    (!json_object_is_type(v, json_type_double) &&
	     !json_object_is_type(v, json_type_int)))
		return dflt;
	return json_object_get_double(v);
}

int exl_json_bool(json_object *o, const char *key)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) &&
	       json_object_is_type(v, json_type_boolean) &&
	       json_object_get_boolean(v);
}

json_object *exl_json_array(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

void exl_json_set_str(json_object *o, const char *key, const char *val)
{
	if (val)
		json_object_object_add(o, key, json_object_new_string(val));
}

void exl_json_set_int(json_object *o, const char *key, long long val)
{
	json_object_object_add(o, key, json_object_new_int64(val));
}

void exl_json_set_double(json_object *o, const char *key, double val)
{
	json_object_object_add(o, key, json_object_new_double(val));
}

void exl_json_set_bool(json_object *o, const char *key, int val)
{
	json_object_object_add(o, key, json_object_new_boolean(val));
}

int exl_jsonl_append(const char *path, json_object *obj, struct exl_err *err)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct stat st;
	const char *s = json_object_to_json_string_ext(obj,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	char *line = NULL;
	int fd, rc = -1, len;
	ssize_t n;

	len = asprintf(&line, "%s\n", s);
	if (len < 0)
		return exl_errnof(err, ENOMEM, "couldn't append to %s", path);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		  exl_share_mode(path, 0644, 0));
	if (fd < 0 || exl_share_fix_fd(fd, exl_share_mode(path, 0644, 0)) < 0) {
		exl_errnof(err, errno, "couldn't open %s", path);
		if (fd >= 0)
			close(fd);
		free(line);
		return -1;
	}
	/* no fcntl locks on this filesystem: one O_APPEND write of a line */
	if (fcntl(fd, F_SETLKW, &fl) < 0 && errno != ENOLCK &&
	    errno != ENOSYS && errno != EOPNOTSUPP)
		exl_errnof(err, errno, "couldn't lock %s", path);
	else if (fstat(fd, &st) < 0)
		exl_errnof(err, errno, "couldn't stat %s", path);
	else if ((n = write(fd, line, (size_t)len)) != len) {
		/* a full disk takes part of the line: never leave half of
		 * one for the readers (under the lock, nobody appended) */
		int e = n < 0 ? errno : ENOSPC;

		if (n > 0 && ftruncate(fd, st.st_size) < 0)
			exl_errnof(err, e, "couldn't append to %s, and a part "
				   "of the line is left (truncate: %s)", path,
				   strerror(errno));
		else
			exl_errnof(err, e, "couldn't append to %s", path);
	} else {
		rc = 0;
	}
	close(fd);
	free(line);
	return rc;
}

/* add_pair: one statepoint as a string member. */
static int add_pair(void *arg, const char *key, const char *val)
{
	json_object *v = json_object_new_string(val);

	if (!v || json_object_object_add(arg, key, v) < 0) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

json_object *exl_json_from_pairs(const char *pairs)
{
	json_object *o = json_object_new_object();

	if (!o || exl_pairs_each(pairs, add_pair, o) != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

void exl_json_print(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}
