/* model_card.h - the README.md skeleton published beside a sanitized
 * TRAINING_LOG.md: description, config, loss table, W&B link, files,
 * and a usage section for a person to fill in. */
#ifndef EXL_MODEL_CARD_H
#define EXL_MODEL_CARD_H

#include "runstore/runlog_doc.h"

/* The model card for a (sanitized) run log d.  Malloc'd; NULL when
 * memory ran out. */
char *exl_model_card(const struct exl_doc *d);

#endif
