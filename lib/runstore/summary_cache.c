/* summary_cache.c - remembered run-log summaries (see summary_cache.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fileio.h"
#include "runstore/layout.h"
#include "util/strbuf.h"
#include "runstore/summary_cache.h"

#define MAGIC "exp-log summary cache 4\n"
#define NFIELD 33
/* Largest cache file read back. */
#define CACHE_MAX (256u << 20)

void exl_file_id(const struct stat *st, struct exl_file_id *id)
{
	id->dev = (unsigned long long)st->st_dev;
	id->ino = (unsigned long long)st->st_ino;
	id->size = (unsigned long long)st->st_size;
	id->mtime_s = (long long)st->st_mtim.tv_sec;
	id->mtime_ns = (long long)st->st_mtim.tv_nsec;
}

int exl_file_id_eq(const struct exl_file_id *a, const struct exl_file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime_s == b->mtime_s && a->mtime_ns == b->mtime_ns;
}

char *exl_cache_path(const char *root)
{
	return exl_layout_summary_cache(root);
}

char *exl_cache_recent_path(const char *root)
{
	return exl_layout_recent_cache(root);
}

/* Writing ------------------------------------------------------------ */

static unsigned long long dbl_bits(double x)
{
	unsigned long long u;

	memcpy(&u, &x, sizeof(u));
	return u;
}

static void put_str(struct exl_sb *b, const char *s)
{
	const char *run;

	if (!s) {
		exl_sb_printf(b, "\t\\N");
		return;
	}
	exl_sb_printf(b, "\t");
	for (run = s; *s; s++) {
		const char *esc = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" :
				  *s == '\n' ? "\\n" : *s == '\r' ? "\\r" : NULL;

		if (!esc)
			continue;
		exl_sb_printf(b, "%.*s%s", (int)(s - run), run, esc);
		run = s + 1;
	}
	exl_sb_printf(b, "%s", run);
}

void exl_cache_put(struct exl_sb *b, const char *rel,
		   const struct exl_file_id *id,
		   const struct exl_run_summary *s)
{
	exl_sb_printf(b, "%s", rel);
	exl_sb_printf(b, "\t%llu\t%llu\t%llu\t%lld\t%lld", id->dev, id->ino,
		      id->size, id->mtime_s, id->mtime_ns);
	exl_sb_printf(b, "\t%d\t%lld\t%lld\t%d\t%d\t%d\t%lld", s->job_blocks,
		      (long long)s->start, (long long)s->end, s->has_end_key,
		      s->wandb_local, s->wandb_pending, (long long)s->last_stamp);
	exl_sb_printf(b, "\t%lld\t%016llx\t%d\t%d\t%016llx", s->ev.step,
		      dbl_bits(s->ev.loss), s->ev.gpu_util, s->ev.have_val_loss,
		      dbl_bits(s->ev.val_loss));
	put_str(b, s->ev.loss_name);
	put_str(b, s->title);
	put_str(b, s->run_type);
	put_str(b, s->objective);
	put_str(b, s->job_id);
	put_str(b, s->sched_state);
	put_str(b, s->exit_text);
	put_str(b, s->checkpoint);
	put_str(b, s->final_step);
	put_str(b, s->end_val_loss);
	put_str(b, s->end_train_loss);
	put_str(b, s->wandb_url);
	put_str(b, s->last_status);
	put_str(b, s->statepoints);
	exl_sb_printf(b, "\t%d\n", s->has_eff);
}

void exl_cache_begin(struct exl_sb *b)
{
	exl_sb_printf(b, MAGIC);
}

int exl_cache_store(const char *path, struct exl_sb *b, struct exl_err *err)
{
	char *dir = exl_dirname(path), *text;
	size_t len;
	int rc;

	text = exl_sb_take(b, &len);
	if (!text || !dir) {
		free(text);
		free(dir);
		return exl_errnof(err, ENOMEM, "couldn't write %s", path);
	}
	rc = exl_mkdir_p(dir, 0755, err) < 0 ? -1 :
	     exl_write_atomic(path, text, len, 0644, err);
	free(text);
	free(dir);
	return rc;
}

/* Reading ------------------------------------------------------------ */

/* unescape: the escaped field at p, in place; NULL for "\N". */
static char *unescape(char *p)
{
	char *w, *r = strchr(p, '\\');

	if (!r)
		return p;
	if (strcmp(p, "\\N") == 0)
		return NULL;
	for (w = r; *r; r++) {
		if (*r != '\\') {
			*w++ = *r;
			continue;
		}
		r++;
		*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r == 'r' ? '\r' :
		       *r == '\\' ? '\\' : '?';
		if (!*r)
			break;
	}
	*w = '\0';
	return p;
}

/* sll: a decimal integer, by hand (strtoll's locale handling shows up
 * when ten thousand records are read). */
static int sll(const char *s, long long *v)
{
	unsigned long long u = 0;
	int neg = *s == '-';

	s += neg;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || u > (~0ULL >> 1) / 10)
			return -1;
		u = u * 10 + (unsigned)(*s - '0');
	}
	*v = neg ? -(long long)u : (long long)u;
	return 0;
}

static int ull(const char *s, unsigned long long *v)
{
	long long x;

	if (*s == '-' || sll(s, &x) < 0)
		return -1;
	*v = (unsigned long long)x;
	return 0;
}

/* A double is stored as its 64 bits in hex: exact both ways, and read
 * back without strtod, which cost more than the rest of a record. */
static int dbl(const char *s, double *v)
{
	unsigned long long u = 0;
	int i;

	for (i = 0; i < 16; i++) {
		int c = s[i], d = c >= '0' && c <= '9' ? c - '0' :
				  c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (d < 0)
			return -1;
		u = u << 4 | (unsigned)d;
	}
	if (s[16])
		return -1;
	memcpy(v, &u, sizeof(*v));
	return 0;
}

/* The fields before the summary: rel and the file's identity. */
#define NID 6

/* parse_sum: the summary fields f[] (NFIELD - NID of them) -> s, those
 * whose bit is set in esc unescaped.  -1 if malformed. */
static int parse_sum(char **f, uint32_t esc, struct exl_run_summary *s)
{
	long long v[9];
	char **str[] = { &s->title, &s->run_type, &s->objective, &s->job_id,
			 &s->sched_state, &s->exit_text, &s->checkpoint,
			 &s->final_step, &s->end_val_loss, &s->end_train_loss,
			 &s->wandb_url, &s->last_status, &s->statepoints };
	char *ln;
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < 7; i++)
		if (sll(f[i], &v[i]) < 0)
			return -1;
	if (sll(f[7], &s->ev.step) < 0 || dbl(f[8], &s->ev.loss) < 0 ||
	    sll(f[9], &v[7]) < 0 || sll(f[10], &v[8]) < 0 ||
	    dbl(f[11], &s->ev.val_loss) < 0)
		return -1;
	s->job_blocks = (int)v[0];
	s->start = (time_t)v[1];
	s->end = (time_t)v[2];
	s->has_end_key = v[3] != 0;
	s->wandb_local = v[4] != 0;
	s->wandb_pending = v[5] != 0;
	s->last_stamp = (time_t)v[6];
	s->ev.gpu_util = v[7] >= -1 && v[7] <= 100 ? (int)v[7] : -1;
	s->ev.have_val_loss = v[8] != 0;
	ln = esc & (1u << 12) ? unescape(f[12]) : f[12];
	if (ln)
		snprintf(s->ev.loss_name, sizeof(s->ev.loss_name), "%s", ln);
	for (i = 0; i < sizeof(str) / sizeof(str[0]); i++)
		*str[i] = esc & (1u << (13 + i)) ? unescape(f[13 + i]) :
			  f[13 + i];
	if (sll(f[26], &v[0]) < 0)
		return -1;
	s->has_eff = v[0] != 0;
	s->borrowed = 1;
	return 0;
}

/* split: the tab-separated text at p (NUL-terminated) into exactly n
 * fields f[], in place, in one pass (ten thousand lines are split on
 * each --all); the rest of the text after field n when more is wanted
 * (*more set), else -1 unless exactly n.  Bit i of *esc (when esc is
 * set) tells that field i holds a backslash, to unescape. */
static int split(char *p, char **f, int n, char **more, uint32_t *esc)
{
	int nf = 1;

	f[0] = p;
	if (esc)
		*esc = 0;
	for (; *p; p++) {
		if (*p == '\\' && esc && nf <= 32) {
			*esc |= 1u << (nf - 1);
		} else if (*p == '\t') {
			if (nf == n)
				break;
			*p = '\0';
			f[nf++] = p + 1;
		}
	}
	if (nf != n)
		return -1;
	if (more) {
		*more = *p ? p + 1 : NULL;
		*p = '\0';
		return *more ? 0 : -1;
	}
	return *p ? -1 : 0;
}

int exl_cache_rec_summary(const struct exl_cache_rec *r,
			  struct exl_run_summary *s)
{
	char *f[NFIELD - NID];
	uint32_t esc;

	memset(s, 0, sizeof(*s));
	if (split(r->rest, f, NFIELD - NID, NULL, &esc) < 0 ||
	    parse_sum(f, esc, s) < 0) {
		memset(s, 0, sizeof(*s));
		return -1;
	}
	s->mtime = (time_t)r->id.mtime_s;
	return 0;
}

/* parse_id: rel and identity of one line (NUL-terminated) -> r.  -1 if
 * malformed. */
static int parse_id(char *line, struct exl_cache_rec *r)
{
	char *f[NID];

	if (split(line, f, NID, &r->rest, NULL) < 0 || !f[0][0] ||
	    ull(f[1], &r->id.dev) < 0 || ull(f[2], &r->id.ino) < 0 ||
	    ull(f[3], &r->id.size) < 0 || sll(f[4], &r->id.mtime_s) < 0 ||
	    sll(f[5], &r->id.mtime_ns) < 0)
		return -1;
	r->rel = f[0];
	return 0;
}

int exl_cache_load(const char *path, struct exl_summary_cache *c)
{
	size_t len, lines = 0;
	char *p, *nl;

	memset(c, 0, sizeof(*c));
	if (exl_read_file(path, CACHE_MAX, &c->buf, &len, NULL) < 0)
		return errno == ENOMEM ? -1 : 0;
	if (strncmp(c->buf, MAGIC, strlen(MAGIC)) != 0) {
		free(c->buf);
		c->buf = NULL;
		return 0;
	}
	for (p = c->buf; (nl = memchr(p, '\n', len - (size_t)(p - c->buf)));
	     p = nl + 1)
		lines++;
	/* not zeroed: parse_id sets what a kept record holds */
	c->v = malloc((lines + 1) * sizeof(*c->v));
	if (!c->v) {
		exl_cache_free(c);
		return -1;
	}
	for (p = c->buf + strlen(MAGIC);
	     (nl = memchr(p, '\n', len - (size_t)(p - c->buf))); p = nl + 1) {
		*nl = '\0';
		if (parse_id(p, &c->v[c->n]) < 0)
			continue;
		/* out of order lines would break the merge: stop trusting */
		if (c->n && exl_scan_order(c->v[c->n - 1].rel, c->v[c->n].rel) >= 0)
			break;
		c->n++;
	}
	return 0;
}

void exl_cache_free(struct exl_summary_cache *c)
{
	free(c->v);
	free(c->buf);
	memset(c, 0, sizeof(*c));
}
