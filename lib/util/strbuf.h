/* strbuf.h - a growable string built with printf. */
#ifndef EXL_STRBUF_H
#define EXL_STRBUF_H

#include <stddef.h>

struct exl_sb {
	char *p;
	size_t len, cap;
	int failed;		/* an allocation failed: the text is incomplete */
};

void exl_sb_printf(struct exl_sb *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Hand the text to the caller (NULL if anything failed) and reset b. */
char *exl_sb_take(struct exl_sb *b, size_t *lenp);

void exl_sb_free(struct exl_sb *b);

/* Copy the text into buf (cut to fit) and reset b.  Returns 0, or -1
 * when the text was cut or an allocation had failed (buf is "" then). */
int exl_sb_copy_out(struct exl_sb *b, char *buf, size_t len);

#endif
