/* wandb_token.h - the W&B API key, read from a private file.
 *
 * The key is a secret: it is only ever handed to a child process in its
 * environment.  Nothing here prints it or puts it in an error message,
 * and the caller wipes it with exl_wandb_key_free.
 */
#ifndef EXL_WANDB_TOKEN_H
#define EXL_WANDB_TOKEN_H

#include "util/exl_err.h"

/* Read the key from path: a regular file (not a symlink) owned by the
 * caller, with no permission bits for group or others, holding the key
 * on its first line.  *key gets a malloc'd copy. */
int exl_wandb_read_key(const char *path, char **key, struct exl_err *err);

/* Wipe and free a key from exl_wandb_read_key (NULL is fine). */
void exl_wandb_key_free(char *key);

/* The default key file: ~/.wandb_token if it exists, else ~/.wandb_key
 * if that exists, else NULL.  Newly allocated. */
char *exl_wandb_default_key_file(void);

#endif
