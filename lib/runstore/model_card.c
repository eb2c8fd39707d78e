/* model_card.c - README.md skeleton from a run log (see model_card.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runstore/evidence.h"
#include "runstore/model_card.h"
#include "runstore/runlog_summary.h"
#include "util/strbuf.h"
#include "runstore/runlog_keys.h"

/* First and last values of the losses, from Results or Status. */
struct losses {
	char v[4][32];		/* start train, end train, start val, end val */
};

static void from_status(const struct exl_doc *d, struct losses *l)
{
	long sec = exl_doc_find_section(d, "Status", 0);
	size_t i, end;

	if (sec < 0)
		return;
	end = exl_doc_section_end(d, (size_t)sec);
	for (i = (size_t)sec + 1; i < end; i++) {
		struct exl_evidence ev;
		time_t when;
		const char *t = exl_status_line(d->lines[i], &when);

		if (!t)
			continue;
		exl_evidence_parse(t, &ev);
		if (strcmp(ev.loss_name, "train_loss") == 0 ||
		    strcmp(ev.loss_name, "loss") == 0) {
			if (!l->v[0][0])
				snprintf(l->v[0], sizeof(l->v[0]), "%g", ev.loss);
			snprintf(l->v[1], sizeof(l->v[1]), "%g", ev.loss);
		}
		if (ev.have_val_loss) {
			if (!l->v[2][0])
				snprintf(l->v[2], sizeof(l->v[2]), "%g", ev.val_loss);
			snprintf(l->v[3], sizeof(l->v[3]), "%g", ev.val_loss);
		}
	}
}

static void losses(const struct exl_doc *d, struct losses *l)
{
	static const char *const keys[4] = { "start_train_loss",
		"end_train_loss", "start_val_loss", "end_val_loss" };
	long res = exl_doc_find_section(d, "Results", 0);
	int i;

	memset(l, 0, sizeof(*l));
	from_status(d, l);
	for (i = 0; res >= 0 && i < 4; i++) {
		char *v = exl_doc_get_key(d, (size_t)res, keys[i]);

		if (exl_value_present(v))
			snprintf(l->v[i], sizeof(l->v[i]), "%.31s", v);
		free(v);
	}
	for (i = 0; i < 4; i++)
		if (!l->v[i][0])
			strcpy(l->v[i], "n/a");
}

/* key: a keyed value of section title, or dflt. */
static char *key(const struct exl_doc *d, const char *title, const char *k)
{
	long sec = exl_doc_find_section(d, title, 0);
	char *v = sec >= 0 ? exl_doc_get_key(d, (size_t)sec, k) : NULL;

	if (v && !exl_value_present(v)) {
		free(v);
		v = NULL;
	}
	return v;
}

/* bullets: the "- " lines of a section, copied. */
static void bullets(struct exl_sb *b, const struct exl_doc *d,
		    const char *title)
{
	long sec = exl_doc_find_section(d, title, 0);
	size_t i, end;

	if (sec < 0)
		return;
	end = exl_doc_section_end(d, (size_t)sec);
	for (i = (size_t)sec + 1; i < end; i++)
		if (d->lines[i][0] == '-' || d->lines[i][0] == '*')
			exl_sb_printf(b, "%s\n", d->lines[i]);
}

char *exl_model_card(const struct exl_doc *d)
{
	struct exl_sb b = { 0 };
	struct losses l;
	char *objective = key(d, "Mode", "objective");
	char *run_type = key(d, "Mode", "run_type");
	char *step = key(d, "Results", "final step");
	char *runtime = key(d, "Results", "runtime");
	char *oneliner = key(d, "Results", "loss_one_liner");
	char *url = key(d, "W&B", "synced");
	const char *title = "model";
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strncmp(d->lines[i], "# ", 2) == 0) {
			title = d->lines[i] + 2;
			break;
		}
	losses(d, &l);
	exl_sb_printf(&b, "# %s\n\n", title);
	exl_sb_printf(&b, "%s\n\n", objective ? objective :
		      "_(what this model is and what it is for: fill in)_");
	exl_sb_printf(&b, "## Training\n\n");
	exl_sb_printf(&b, "- run type: %s\n", run_type ? run_type : "n/a");
	exl_sb_printf(&b, "- " EXL_K_FINAL_STEP ": %s\n", step ? step : "n/a");
	exl_sb_printf(&b, "- " EXL_K_RUNTIME ": %s\n\n", runtime ? runtime : "n/a");
	exl_sb_printf(&b, "## Config\n\n");
	bullets(&b, d, "Config");
	exl_sb_printf(&b, "\n## Loss\n\n");
	exl_sb_printf(&b, "| | train_loss | val_loss |\n|---|---|---|\n");
	exl_sb_printf(&b, "| start | %s | %s |\n", l.v[0], l.v[2]);
	exl_sb_printf(&b, "| end | %s | %s |\n\n", l.v[1], l.v[3]);
	if (oneliner)
		exl_sb_printf(&b, "%s\n\n", oneliner);
	exl_sb_printf(&b, "## Training curves\n\n%s\n\n", url && strstr(url, "://") ?
		      url : "_(W&B link: sync the run, then add it here)_");
	exl_sb_printf(&b, "## Files\n\n"
		      "- `TRAINING_LOG.md`: the run log, with cluster details removed\n"
		      "- `MODEL_PASSPORT.json`: feeding contract and integrity manifest\n"
		      "- `SIGNOFF.json`: verdict and sha256 of the passport and weights\n\n");
	exl_sb_printf(&b, "## Usage\n\n_(how to load and run the checkpoint: fill in)_\n");
	free(objective);
	free(run_type);
	free(step);
	free(runtime);
	free(oneliner);
	free(url);
	return exl_sb_take(&b, NULL);
}
