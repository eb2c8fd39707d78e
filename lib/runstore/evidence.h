/* evidence.h - reading a run log's Status lines back.
 *
 * The plugin and people write "- YYYY-MM-DD HH:MM — text" under Status.
 * These helpers split such a line into its stamp and text and pull the
 * progress evidence out of the text ("running, step 2400, train_loss
 * 0.085, GPU util 97%") tolerantly: "step=2400", "loss: 0.1" and the
 * like are understood too.
 */
#ifndef EXL_EVIDENCE_H
#define EXL_EVIDENCE_H

#include <time.h>

/* If line is a Status entry "- YYYY-MM-DD HH:MM — text" (the dash may
 * also be " - " or " -- "; a leading "*" bullet is accepted), store the
 * stamp as local time in *when and return the text; else NULL. */
const char *exl_status_line(const char *line, time_t *when);

/* exl_status_line without the time conversion: the text or NULL. */
const char *exl_status_text(const char *line);

/* Progress evidence found in one Status text. */
struct exl_evidence {
	long long step;		/* -1: none */
	double loss;
	char loss_name[32];	/* "" : no loss; "train_loss", "loss", ... */
	double val_loss;
	int have_val_loss;
	int gpu_util;		/* percent, -1: none */
};

/* Fill ev from text.  Loss preference: train_loss, then loss, then the
 * first other "*_loss"; val_loss is also kept on its own. */
void exl_evidence_parse(const char *text, struct exl_evidence *ev);

/* True when a Status text records a lifecycle event (started, requeued,
 * completed, failed, cancelled, a scheduler verdict, a human note) or
 * one of the plugin's own statements without a step (a quoted traceback
 * or error, a warning, "stalled", "no output yet", "running, no progress
 * parsed yet", a config problem) rather than progress; such lines need
 * no step or loss. */
int exl_status_is_event(const char *text);

/* True when text is a note a person added ("note: ..."). */
int exl_status_is_note(const char *text);

/* "YYYY-MM-DD" at the start of s, as local noon of that day (so the day
 * never shifts); -1 if s does not start with a valid date. */
int exl_parse_date(const char *s, time_t *out);

#endif
