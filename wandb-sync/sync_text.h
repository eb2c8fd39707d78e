/* sync_text.h - what a `wandb sync` child printed: cleaned, the API key
 * removed, and the run's URL found in it. */
#ifndef SYNC_TEXT_H
#define SYNC_TEXT_H

#include <stddef.h>

#include "sync_exec.h"

/* The captured tail as text: terminal escapes removed, carriage returns
 * made newlines, every occurrence of secret (and a piece of it cut by
 * the start of the tail) replaced by "[redacted]".  Newly allocated. */
char *sync_clean(const struct sync_tail *t, const char *secret);

/* The run's URL in text: the last http(s) URL with "/runs/<run_id>" in
 * it, else the last one with "/runs/".  Only URLs made of URL characters
 * (nothing that could break a markdown line) count.  0 when found. */
int sync_find_url(const char *text, const char *run_id, char *url,
		  size_t len);

/* https://wandb.ai/<entity>/<project>/runs/<run_id> into url; -1 when
 * a part has characters a URL path cannot carry as is. */
int sync_default_url(const char *entity, const char *project,
		     const char *run_id, char *url, size_t len);

/* The start of the last n lines of text. */
const char *sync_last_lines(const char *text, int n);

#endif
