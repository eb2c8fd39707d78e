/* passport_trust.c - trusted-keys files (see passport_trust.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util/fileio.h"
#include "passport/passport_trust.h"

/* A trusted-keys file is a short list: 1 MiB is plenty. */
#define TRUST_FILE_MAX (1 << 20)

/* in_file: is key_id listed in path?  1, 0, or -1 with err set. */
static int in_file(const char *key_id, const char *path, struct exl_err *err)
{
	struct stat st;
	char *text, *line, *next;
	int found = 0, lineno = 0;

	if (lstat(path, &st) < 0 && errno == ENOENT)
		return 0;
	if (exl_read_file(path, TRUST_FILE_MAX, &text, NULL, err) < 0)
		return -1;
	for (line = text; line && !found; line = next) {
		size_t n;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		line += strspn(line, " \t");
		if (!*line || *line == '#')
			continue;
		n = strspn(line, "0123456789abcdefABCDEF");
		if (n != 64 || (line[n] && !isspace((unsigned char)line[n]))) {
			exl_errf(err, "%s:%d: expected a key id (64 hex digits, "
				 "see passport(1)), got '%.20s'", path, lineno,
				 line);
			free(text);
			return -1;
		}
		found = strncasecmp(line, key_id, 64) == 0;
	}
	free(text);
	return found;
}

int passport_key_trusted(const char *key_id, const char *files,
			 char *where, size_t wlen, struct exl_err *err)
{
	char user[4096], *list, *p, *save = NULL;
	const char *home = getenv("HOME");
	int rc = 0;

	if (!key_id || strlen(key_id) != 64)
		return 0;
	if (!files)
		files = getenv(PASSPORT_TRUST_ENV);
	if (!files) {
		if (home && *home == '/')
			snprintf(user, sizeof(user), "%s:%s/%s",
				 PASSPORT_TRUST_SITE, home, PASSPORT_TRUST_USER);
		else
			snprintf(user, sizeof(user), "%s", PASSPORT_TRUST_SITE);
		files = user;
	}
	list = strdup(files);
	if (!list)
		return exl_errnof(err, ENOMEM, "couldn't read trusted keys");
	for (p = strtok_r(list, ":", &save); p && rc == 0;
	     p = strtok_r(NULL, ":", &save)) {
		rc = in_file(key_id, p, err);
		if (rc == 1 && where)
			snprintf(where, wlen, "%s", p);
	}
	free(list);
	return rc;
}
