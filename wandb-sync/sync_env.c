/* sync_env.c - what a `wandb sync` child needs: the executable, the
 * API key (read from a private file), an environment that carries it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fileio.h"
#include "sync_item.h"
#include "wandb/wandb_token.h"

extern char **environ;

/* sync_find_wandb: the executable to run, or NULL. */
char *sync_find_wandb(const char *opt)
{
	const char *name = opt ? opt : "wandb", *path = getenv("PATH");
	char *dup, *dir, *save = NULL, *cand;

	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? realpath(name, NULL) : NULL;
	if (!path || !(dup = strdup(path)))
		return NULL;
	for (dir = strtok_r(dup, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		struct stat st;

		cand = exl_path_join(*dir ? dir : ".", name);
		if (cand && stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(cand, X_OK) == 0) {
			free(dup);
			return cand;
		}
		free(cand);
	}
	free(dup);
	return NULL;
}

/* sync_get_key: the API key from the token file (or note that the environment
 * has one).  *key stays NULL when the child inherits WANDB_API_KEY. */
int sync_get_key(const char *token_file, struct sync_summary *s,
		 char **key_file, char **key)
{
	struct exl_err e;
	const char *env = getenv("WANDB_API_KEY");

	*key = NULL;
	*key_file = token_file ? strdup(token_file) : exl_wandb_default_key_file();
	if (!*key_file) {
		if (token_file)
			return -1;
		if (env && *env) {
			s->key_from = "environment";
			return 0;
		}
		snprintf(s->key_problem, sizeof(s->key_problem),
			 "no key file: create ~/.wandb_token (chmod 600) or pass --wandb-token-file");
		return -1;
	}
	s->key_file = *key_file;
	if (exl_wandb_read_key(*key_file, key, &e) < 0) {
		snprintf(s->key_problem, sizeof(s->key_problem), "%s", e.text);
		return -1;
	}
	s->key_from = "file";
	return 0;
}

/* sync_child_env: this process's environment with WANDB_API_KEY replaced by
 * key (when given).  The one entry holding the key is wiped by
 * free_env. */
char **sync_child_env(const char *key)
{
	size_t n = 0, i, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < n; i++)
		if (!key || strncmp(environ[i], "WANDB_API_KEY=", 14) != 0)
			env[k++] = environ[i];
	if (key && asprintf(&env[k++], "WANDB_API_KEY=%s", key) < 0) {
		free(env);
		return NULL;
	}
	return env;
}

void sync_free_env(char **env, const char *key)
{
	size_t i;

	if (!env)
		return;
	for (i = 0; key && env[i]; i++)
		if (strncmp(env[i], "WANDB_API_KEY=", 14) == 0)
			exl_wandb_key_free(env[i]);	/* ours: wipe it */
	free(env);
}
