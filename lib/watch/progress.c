/* progress.c - the progress tracker's facts (see progress.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch/loss_summary.h"
#include "watch/progress.h"

void exl_progress_init(struct exl_progress *p, const struct exl_patterns *pat)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	p->pat = pat;
	for (i = 0; i < EXL_SET_COUNT; i++) {
		exl_series_init(&p->train[i]);
		exl_series_init(&p->val[i]);
	}
}

void exl_progress_free(struct exl_progress *p)
{
	const struct exl_patterns *pat = p->pat;
	long long scan_max = p->scan_max;
	size_t i;

	for (i = 0; i < EXL_SRC_COUNT; i++)
		free(p->src[i].path);
	exl_progress_init(p, pat);
	p->scan_max = scan_max;
}

int exl_progress_record(struct exl_progress *p, enum exl_src_kind kind,
			const struct exl_line_facts *f, time_t t)
{
	int set = kind == EXL_SRC_METRICS ? EXL_SET_METRICS : EXL_SET_TEXT;
	struct exl_progress_src *src = &p->src[kind];
	long long step;
	int progress = 0;

	if (f->have_step && f->step >= 0 &&
	    (!src->have_step || f->step != src->step)) {
		src->have_step = 1;
		src->step = f->step;
		p->have_step = 1;
		p->last_step = f->step;
		progress = 1;
	}
	step = src->have_step ? src->step : p->have_step ? p->last_step : -1;
	if (f->have_loss && exl_series_add(&p->train[set], step, f->loss))
		progress = 1;
	if (f->have_val && exl_series_add(&p->val[set], step, f->val))
		progress = 1;
	if (progress && t > p->last_progress)
		p->last_progress = t;
	return progress;
}

/* pick: the metrics file's series when it has any values, else the
 * series read from stdout and stderr. */
static const struct exl_loss_series *pick(const struct exl_loss_series *s)
{
	const struct exl_loss_series *m = &s[EXL_SET_METRICS];

	return m->count || m->nonfinite ? m : &s[EXL_SET_TEXT];
}

const struct exl_loss_series *exl_progress_train(const struct exl_progress *p)
{
	return pick(p->train);
}

const struct exl_loss_series *exl_progress_val(const struct exl_progress *p)
{
	return pick(p->val);
}

static void value_or_na(const struct exl_loss_point *pt, char *buf,
			size_t len)
{
	if (pt)
		snprintf(buf, len, "%.4g", pt->value);
	else
		snprintf(buf, len, "n/a");
}

int exl_progress_results(const struct exl_progress *p,
			 struct exl_results_fields *out)
{
	const struct exl_loss_series *t = exl_progress_train(p);
	const struct exl_loss_series *v = exl_progress_val(p);

	if (p->have_step)
		snprintf(out->final_step, sizeof(out->final_step), "%lld",
			 p->last_step);
	else
		snprintf(out->final_step, sizeof(out->final_step), "n/a");
	value_or_na(exl_series_first(t), out->start_train_loss,
		    sizeof(out->start_train_loss));
	value_or_na(exl_series_last(t), out->end_train_loss,
		    sizeof(out->end_train_loss));
	value_or_na(exl_series_first(v), out->start_val_loss,
		    sizeof(out->start_val_loss));
	value_or_na(exl_series_last(v), out->end_val_loss,
		    sizeof(out->end_val_loss));
	if (exl_loss_summary(t, v, out->loss_one_liner,
			     sizeof(out->loss_one_liner)) < 0 &&
	    !out->loss_one_liner[0])
		return -1;
	return 0;
}

const char *exl_progress_src_name(enum exl_src_kind kind)
{
	switch (kind) {
	case EXL_SRC_STDOUT:
		return "stdout";
	case EXL_SRC_STDERR:
		return "stderr";
	case EXL_SRC_METRICS:
		return "metrics.jsonl";
	default:
		return "output";
	}
}
