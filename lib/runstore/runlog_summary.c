/* runlog_summary.c - one-pass run-log facts (see runlog_summary.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runstore/runlog_doc.h"
#include "runstore/runlog_keys.h"
#include "runstore/runlog_summary.h"

enum sec { S_NONE, S_MODE, S_CONFIG, S_JOB, S_STATUS, S_RESULTS, S_WANDB,
	   S_EFF, S_OTHER };

struct line {
	const char *p;
	size_t len;
};

/* strip: trim spaces and one pair of surrounding backticks. */
static struct line strip(const char *p, size_t len)
{
	struct line l;

	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' ||
			   p[len - 1] == '\r'))
		len--;
	if (len >= 2 && p[0] == '`' && p[len - 1] == '`') {
		p++;
		len -= 2;
	}
	l.p = p;
	l.len = len;
	return l;
}

/* keyed: "- key: value" (indent and '*' allowed) -> key and value. */
static int keyed(const char *p, size_t len, struct line *key,
		 struct line *val)
{
	const char *end = p + len, *colon;

	while (p < end && *p == ' ')
		p++;
	if (end - p < 3 || (p[0] != '-' && p[0] != '*') || p[1] != ' ')
		return 0;
	p += 2;
	colon = memchr(p, ':', (size_t)(end - p));
	if (!colon || colon == p)
		return 0;
	key->p = p;
	key->len = (size_t)(colon - p);
	*val = strip(colon + 1, (size_t)(end - colon - 1));
	return 1;
}

static int is_key(struct line k, const char *name)
{
	return k.len == strlen(name) && memcmp(k.p, name, k.len) == 0;
}

/* set: replace *dst with a copy of v (the last value seen wins). */
static int set(char **dst, struct line v)
{
	char *c = strndup(v.p, v.len);

	if (!c)
		return -1;
	free(*dst);
	*dst = c;
	return 0;
}

/* starts: does l begin with word (any case)? */
static int starts(struct line l, const char *word)
{
	size_t n = strlen(word);

	return l.len >= n && strncasecmp(l.p, word, n) == 0;
}

/* present: does a stripped value say something (see exl_value_present)? */
static int present(struct line l)
{
	if (l.len == 0 || starts(l, "_("))
		return 0;
	return !(starts(l, "n/a") || starts(l, "none") || starts(l, "pending") ||
		 starts(l, "unknown") || starts(l, "disabled"));
}

int exl_value_present(const char *v)
{
	return v ? present(strip(v, strlen(v))) : 0;
}

int exl_state_word(const char *v)
{
	size_t i;

	if (!v || !isupper((unsigned char)v[0]))
		return 0;
	for (i = 0; v[i]; i++)
		if (!isupper((unsigned char)v[i]) && v[i] != '_')
			return 0;
	return 1;
}

static enum sec section_of(const char *p, size_t len)
{
	struct line t = strip(p + 3, len - 3);

	if (is_key(t, "Mode"))
		return S_MODE;
	if (is_key(t, "Config"))
		return S_CONFIG;
	if (exl_doc_job_header_n(p, len, NULL, NULL))
		return S_JOB;
	if (is_key(t, "Status"))
		return S_STATUS;
	if (is_key(t, "Results"))
		return S_RESULTS;
	if (is_key(t, "W&B"))
		return S_WANDB;
	if (is_key(t, "Efficiency"))
		return S_EFF;
	return S_OTHER;
}

/* num: n digits at p, -1 if any is not a digit. */
static int num(const char *p, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (!isdigit((unsigned char)*p))
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	return v;
}

/* iso_value: "YYYY-MM-DDTHH:MM:SS+HH:MM" (or Z) as exl_time_iso writes
 * it, 0 when absent or a placeholder.  Parsed by hand: sscanf in
 * exl_parse_iso costs more than the rest of a run log. */
static time_t iso_value(struct line v)
{
	const char *p = v.p;
	struct tm tm = { 0 };
	int off = 0;

	if (v.len != 20 && v.len != 25)
		return 0;
	tm.tm_year = num(p, 4) - 1900;
	tm.tm_mon = num(p + 5, 2) - 1;
	tm.tm_mday = num(p + 8, 2);
	tm.tm_hour = num(p + 11, 2);
	tm.tm_min = num(p + 14, 2);
	tm.tm_sec = num(p + 17, 2);
	if (p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':' ||
	    p[16] != ':' || tm.tm_year < 70 || tm.tm_mon < 0 || tm.tm_mon > 11 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour < 0 ||
	    tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 ||
	    tm.tm_sec < 0 || tm.tm_sec > 60)
		return 0;
	if (v.len == 25) {
		int h = num(p + 20, 2), m = num(p + 23, 2);

		if ((p[19] != '+' && p[19] != '-') || p[22] != ':' || h < 0 || m < 0)
			return 0;
		off = (h * 3600 + m * 60) * (p[19] == '-' ? -1 : 1);
	} else if (p[19] != 'Z') {
		return 0;
	}
	return timegm(&tm) - off;
}

/* Status lines seen in one pass: offsets into the text.  Only the
 * newest few are ever looked at (see evidence), so the pass itself does
 * no time conversion and no number parsing. */
struct spans {
	struct line *v;
	size_t n, cap;
};

static int span_add(struct spans *sp, const char *p, size_t len)
{
	if (sp->n == sp->cap) {
		size_t cap = sp->cap ? sp->cap * 2 : 32;
		struct line *nv = realloc(sp->v, cap * sizeof(*nv));

		if (!nv)
			return -1;
		sp->v = nv;
		sp->cap = cap;
	}
	sp->v[sp->n].p = p;
	sp->v[sp->n++].len = len;
	return 0;
}

/* line_copy: one line NUL-terminated in buf (cut to fit). */
static char *line_copy(struct line l, char *buf, size_t len)
{
	if (l.len >= len)
		l.len = len - 1;
	memcpy(buf, l.p, l.len);
	buf[l.len] = '\0';
	return buf;
}

/* evidence: from the newest Status line back, the newest stamp and text
 * (notes skipped), its GPU util, and the newest step, loss and val_loss
 * wherever they were last recorded. */
static int evidence(struct exl_run_summary *s, const struct spans *sp)
{
	int need_step = 1, need_loss = 1, need_val = 1, newest = 1;
	char buf[1024];
	size_t i;

	for (i = sp->n; i-- > 0 && (newest || need_step || need_loss || need_val); ) {
		const char *l = line_copy(sp->v[i], buf, sizeof(buf)), *text;
		struct exl_evidence ev;
		time_t when;

		text = exl_status_text(l);
		if (!text || exl_status_is_note(text))
			continue;
		exl_evidence_parse(text, &ev);
		if (newest) {
			newest = 0;
			exl_status_line(l, &when);
			s->last_stamp = when;
			s->ev.gpu_util = ev.gpu_util;
			if (set(&s->last_status, strip(text, strlen(text))) < 0)
				return -1;
		}
		if (need_step && ev.step >= 0) {
			s->ev.step = ev.step;
			need_step = 0;
		}
		if (need_loss && ev.loss_name[0]) {
			s->ev.loss = ev.loss;
			memcpy(s->ev.loss_name, ev.loss_name, sizeof(ev.loss_name));
			need_loss = 0;
		}
		if (need_val && ev.have_val_loss) {
			s->ev.val_loss = ev.val_loss;
			s->ev.have_val_loss = 1;
			need_val = 0;
		}
	}
	return 0;
}

/* number: v as a finite number in *out (0), or -1 when it is not one
 * ("n/a", a placeholder, text after the number). */
static int number(const char *v, double *out)
{
	char *end;
	double d;

	if (!v || !*v)
		return -1;
	errno = 0;
	d = strtod(v, &end);
	if (end == v || *end || errno || !isfinite(d))
		return -1;
	*out = d;
	return 0;
}

/* results_win: a closed run's Results (final step, end losses) are the last
 * word on where it got; the Status lines only saw the progress samples
 * before the end.  Taken when Results' final step is at least the newest
 * step a Status line saw (a resumed link running past an earlier link's
 * Results keeps its own, newer, figures). */
static void results_win(struct exl_run_summary *s)
{
	double step, loss;

	if (number(s->final_step, &step) < 0 || step < 0 || step > 9e18 ||
	    (s->ev.step >= 0 && step < (double)s->ev.step))
		return;
	s->ev.step = (long long)step;
	if (number(s->end_train_loss, &loss) == 0) {
		s->ev.loss = loss;
		if (!s->ev.loss_name[0])
			snprintf(s->ev.loss_name, sizeof(s->ev.loss_name),
				 "train_loss");
	}
	if (number(s->end_val_loss, &loss) == 0) {
		s->ev.val_loss = loss;
		s->ev.have_val_loss = 1;
	}
}

/* keyed_line: a "- key: value" bullet in section sec. */
static int keyed_line(struct exl_run_summary *s, enum sec sec,
		      struct line k, struct line v)
{
	switch (sec) {
	case S_MODE:
		if (is_key(k, "run_type"))
			return set(&s->run_type, v);
		if (is_key(k, "objective"))
			return set(&s->objective, v);
		break;
	case S_CONFIG:
		if (is_key(k, EXL_K_STATEPOINTS))
			return set(&s->statepoints, v);
		break;
	case S_JOB:
		if (is_key(k, "execution_id"))
			return set(&s->job_id, v);
		if (is_key(k, "start")) {
			s->start = iso_value(v);
		} else if (is_key(k, "end")) {
			s->has_end_key = 1;
			s->end = iso_value(v);
		}
		break;
	case S_RESULTS:
		if (is_key(k, "scheduler_state"))
			return set(&s->sched_state, v);
		if (is_key(k, "exit"))
			return set(&s->exit_text, v);
		if (is_key(k, "checkpoint"))
			return set(&s->checkpoint, v);
		if (is_key(k, "final step"))
			return set(&s->final_step, v);
		if (is_key(k, "end_val_loss"))
			return set(&s->end_val_loss, v);
		if (is_key(k, "end_train_loss"))
			return set(&s->end_train_loss, v);
		break;
	case S_WANDB:
		if (is_key(k, "synced")) {
			if (starts(v, "https://"))
				return set(&s->wandb_url, v);
			if (starts(v, "pending"))
				s->wandb_pending = 1;
		} else if (is_key(k, "local")) {
			s->wandb_local = present(v);
		}
		break;
	default:
		break;
	}
	return 0;
}

int exl_summary_parse(const char *text, size_t len, struct exl_run_summary *s)
{
	const char *p = text, *end = text + len;
	enum sec sec = S_NONE;
	struct spans sp = { 0 };
	int rc = 0;

	memset(s, 0, sizeof(*s));
	s->ev.step = -1;
	s->ev.gpu_util = -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct line k, v;

		if (ll >= 2 && p[0] == '#' && p[1] == ' ') {
			if (!s->title)
				rc = set(&s->title, strip(p + 2, ll - 2));
			sec = S_OTHER;
		} else if (ll >= 3 && memcmp(p, "## ", 3) == 0) {
			sec = section_of(p, ll);
			s->has_eff |= sec == S_EFF;
			if (sec == S_JOB) {
				/* a new job block: its facts replace the last */
				s->job_blocks++;
				free(s->job_id);
				s->job_id = NULL;
				s->start = s->end = 0;
				s->has_end_key = 0;
			}
		} else if (sec == S_STATUS) {
			rc = span_add(&sp, p, ll);
		} else if (keyed(p, ll, &k, &v)) {
			rc = keyed_line(s, sec, k, v);
		}
		if (rc < 0)
			break;
		p = nl ? nl + 1 : end;
	}
	if (rc == 0)
		rc = evidence(s, &sp);
	if (rc == 0)
		results_win(s);
	free(sp.v);
	return rc;
}

void exl_summary_free(struct exl_run_summary *s)
{
	if (s->borrowed) {
		memset(s, 0, sizeof(*s));
		return;
	}
	free(s->title);
	free(s->run_type);
	free(s->objective);
	free(s->job_id);
	free(s->sched_state);
	free(s->exit_text);
	free(s->checkpoint);
	free(s->final_step);
	free(s->end_val_loss);
	free(s->end_train_loss);
	free(s->wandb_url);
	free(s->last_status);
	free(s->statepoints);
	memset(s, 0, sizeof(*s));
}
