/* wandb_token.c - read the W&B API key from a private file
 * (wandb_token.h). */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fileio.h"
#include "wandb/wandb_token.h"

/* Longest key file read; W&B keys are 40-86 characters. */
#define KEY_FILE_MAX 4096

/* wipe: clear memory the compiler may not optimise the clearing away. */
static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

void exl_wandb_key_free(char *key)
{
	if (!key)
		return;
	wipe(key, strlen(key));
	free(key);
}

/* check_file: the rules a key file must meet; fd is open on path. */
static int check_file(int fd, const char *path, struct exl_err *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return exl_errnof(err, errno, "couldn't stat %s", path);
	if (!S_ISREG(st.st_mode))
		return exl_errf(err, "%s: not a regular file", path);
	if (st.st_uid != geteuid())
		return exl_errf(err, "%s: owned by uid %u, not by you: refusing to use it",
				path, (unsigned)st.st_uid);
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		return exl_errf(err, "%s: accessible by group or others (mode %04o): run 'chmod 600 %s'",
				path, (unsigned)(st.st_mode & 07777), path);
	if (st.st_size > KEY_FILE_MAX)
		return exl_errf(err, "%s: too large for a key file", path);
	return 0;
}

/* first_line: the trimmed first line of buf as a new string, or NULL
 * with err set when it is empty or has characters no key has. */
static char *first_line(const char *buf, const char *path,
			struct exl_err *err)
{
	size_t len = strcspn(buf, "\r\n"), i;
	char *key;

	while (len && (*buf == ' ' || *buf == '\t')) {
		buf++;
		len--;
	}
	while (len && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	if (!len) {
		exl_errf(err, "%s: no key on its first line", path);
		return NULL;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)buf[i] < 0x21 || (unsigned char)buf[i] > 0x7e) {
			exl_errf(err, "%s: the first line is not an API key (unexpected character at column %zu)",
				 path, i + 1);
			return NULL;
		}
	key = strndup(buf, len);
	if (!key)
		exl_errnof(err, ENOMEM, "couldn't read %s", path);
	return key;
}

int exl_wandb_read_key(const char *path, char **key, struct exl_err *err)
{
	char buf[KEY_FILE_MAX + 1];
	size_t got = 0;
	int fd, rc = -1;

	*key = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP)
			return exl_errf(err, "%s: is a symlink, refusing to follow it", path);
		return exl_errnof(err, errno, "couldn't open %s", path);
	}
	if (check_file(fd, path, err) < 0)
		goto out;
	while (got < KEY_FILE_MAX) {
		ssize_t n = read(fd, buf + got, KEY_FILE_MAX - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			exl_errnof(err, errno, "couldn't read %s", path);
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*key = first_line(buf, path, err);
	rc = *key ? 0 : -1;
out:
	wipe(buf, sizeof(buf));
	close(fd);
	return rc;
}

char *exl_wandb_default_key_file(void)
{
	static const char *const names[] = { ".wandb_token", ".wandb_key" };
	const char *home = getenv("HOME");
	struct passwd *pw;
	size_t i;

	if (!home || !*home) {
		pw = getpwuid(geteuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home)
		return NULL;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *p = exl_path_join(home, names[i]);
		struct stat st;

		if (p && lstat(p, &st) == 0)
			return p;
		free(p);
	}
	return NULL;
}
