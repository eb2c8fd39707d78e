/* passport_provenance.h - where a checkpoint came from, read from its
 * exp-log run log (the markdown written by the plugin, see DESIGN.md §4).
 *
 * The result is a JSON object for MODEL_PASSPORT.json:
 *   run_log, run_log_sha256   the run log's file name and content hash
 *   run_type                  ## Mode
 *   job_ids                   execution_id of every ## Job block, in order
 *   commit, branch, dirty     ## Config, code state
 *   config, config_sha256     ## Config, the config's file name and hash
 *   dataset                   ## Config
 *   wandb_url                 ## W&B synced (or a job block's W&B URL)
 * A field the run log leaves open (a placeholder, "n/a", "none") is null.
 * Only file names are kept, not cluster paths: a passport is published.
 */
#ifndef EXL_PASSPORT_PROVENANCE_H
#define EXL_PASSPORT_PROVENANCE_H

#include <stddef.h>

#include <json-c/json.h>

#include "util/exl_err.h"

/* Provenance from run-log text (len bytes, UTF-8); name is the run log's
 * file name. */
json_object *passport_provenance_parse(const char *text, size_t len,
				       const char *name, struct exl_err *err);

/* Read the run log at path (a regular file) and parse it. */
json_object *passport_provenance_read(const char *path, struct exl_err *err);

#endif
