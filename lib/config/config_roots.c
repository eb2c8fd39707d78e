/* config_roots.c - is a run-log root inside the site's allowed_roots?
 *
 * Two steps (DESIGN.md section 7: ".." and symlinks out of the root are
 * refused).  First a lexical check on the normalised path, which refuses
 * any ".." outright rather than guessing what it resolves to.  Then a
 * walk over the components below the matching root: each one that exists
 * is lstat()ed, and a symlink must resolve (realpath) into some allowed
 * root.  Components that do not exist yet end the walk: exp-log creates
 * them itself, never through a symlink.  Each root is also compared in
 * its resolved form, so a root that is a symlink (/scratch ->
 * /lustre/scratch) admits both spellings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config_impl.h"
#include "util/fileio.h"

struct roots {
	char *const *lexical;	/* the configured roots */
	char **real;		/* their realpath, NULL when unresolvable */
	size_t n;
};

/* longest_root: length of the longest root (either form) containing
 * path, 0 when none does. */
static size_t longest_root(const struct roots *r, const char *path)
{
	size_t i, best = 0;

	for (i = 0; i < r->n; i++) {
		if (exl_path_inside(path, r->lexical[i]) &&
		    strlen(r->lexical[i]) > best)
			best = strlen(r->lexical[i]);
		if (r->real[i] && exl_path_inside(path, r->real[i]) &&
		    strlen(r->real[i]) > best)
			best = strlen(r->real[i]);
	}
	return best;
}

static void list_roots(const struct roots *r, char *buf, size_t len)
{
	size_t i, used = 0;
	int w;

	buf[0] = '\0';
	for (i = 0; i < r->n && i < 4; i++) {
		w = snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
			     r->lexical[i]);
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
	if (r->n > 4)
		snprintf(buf + used, len - used, ", ...");
}

/* check_links: walk path's components after the first skip bytes; a
 * symlink among them must point into a root. */
static int check_links(const struct roots *r, char *path, size_t skip,
		       struct exl_err *err)
{
	size_t i, len = strlen(path);
	struct stat st;
	char *target;
	int rc = 0;

	for (i = skip + 1; i <= len && rc == 0; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (lstat(path, &st) < 0) {
			if (errno != ENOENT)
				rc = exl_errnof(err, errno, "exp-log: run-log root: couldn't check %s",
						path);
			else
				i = len;	/* the rest is created later */
		} else if (S_ISLNK(st.st_mode)) {
			target = realpath(path, NULL);
			if (!target) {
				rc = exl_errnof(err, errno, "exp-log: run-log root: %s is a symlink that does not resolve",
						path);
			} else {
				size_t j;

				for (j = 0; j < r->n; j++)
					if (exl_path_inside(target,
							    r->lexical[j]) ||
					    (r->real[j] &&
					     exl_path_inside(target,
							     r->real[j])))
						break;
				if (j == r->n)
					rc = exl_errf(err, "exp-log: run-log root: %s is a symlink to %s, outside the allowed run-log roots: use a directory inside them",
						      path, target);
				free(target);
			}
		}
		if (i < len)
			path[i] = '/';
	}
	return rc;
}

int exl_config_root_allowed(const struct exl_config *c, const char *abs_root,
			    struct exl_err *err)
{
	struct roots r = { .lexical = c->allowed_roots,
			   .n = c->n_allowed_roots };
	char *path = NULL, list[256];
	size_t i, skip;
	int rc = -1;

	if (!abs_root || abs_root[0] != '/')
		return exl_errf(err, "exp-log: run-log root '%s' is not an absolute path",
				abs_root ? abs_root : "");
	if (!c->roots_restricted && c->n_allowed_roots == 0)
		return 0;
	if (c->n_allowed_roots == 0)
		return exl_errf(err, "exp-log: run-log root %s refused: the site's allowed_roots has no valid entry: ask your admin to fix exp-log.yaml",
				abs_root);
	if (exl_cfg_has_dotdot(abs_root))
		return exl_errf(err, "exp-log: run-log root %s: '..' is not allowed when run-log roots are restricted: give the path without '..'",
				abs_root);
	r.real = calloc(r.n, sizeof(*r.real));
	path = exl_cfg_normalize(abs_root);
	if (!r.real || !path) {
		exl_errnof(err, ENOMEM, "exp-log: run-log root %s", abs_root);
		goto out;
	}
	for (i = 0; i < r.n; i++)
		r.real[i] = realpath(r.lexical[i], NULL);
	skip = longest_root(&r, path);
	if (skip == 0) {
		list_roots(&r, list, sizeof(list));
		exl_errf(err, "exp-log: run-log root %s is outside the allowed run-log roots (%s): use a directory inside one of them",
			 path, list);
		goto out;
	}
	rc = check_links(&r, path, skip, err);
out:
	for (i = 0; r.real && i < r.n; i++)
		free(r.real[i]);
	free(r.real);
	free(path);
	return rc;
}
