/* outbuf.h - building large outputs fast: `runlog status --all` prints
 * ten thousand rows, and printf per cell costs more than reading the
 * run logs.  Appends never fail individually; a failed allocation is
 * remembered and reported by rl_out_flush. */
#ifndef RUNLOG_OUTBUF_H
#define RUNLOG_OUTBUF_H

#include <stdio.h>
#include <stddef.h>

struct rl_out {
	char *p;
	size_t len, cap;
	int failed;
	FILE *sink;	/* set: written out there every RL_OUT_CHUNK bytes,
			 * so a large output needs no large buffer */
};

#define RL_OUT_CHUNK (1 << 16)

void rl_out_mem(struct rl_out *o, const char *s, size_t n);
void rl_out_str(struct rl_out *o, const char *s);
void rl_out_char(struct rl_out *o, char c);
void rl_out_pad(struct rl_out *o, size_t n);	/* n spaces */
void rl_out_i64(struct rl_out *o, long long v);
/* s as a JSON string (quotes and escapes), or null for NULL. */
void rl_out_json_str(struct rl_out *o, const char *s);

/* Write everything to f (NULL: nothing) and free the buffer.  -1 when
 * an allocation or the write failed. */
int rl_out_flush(struct rl_out *o, FILE *f);

#endif
