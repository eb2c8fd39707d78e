/* runlog_keys.h - the keys of the run log's bullets ("- key: value"):
 * the one place their spelling lives.  Writers build lines with them
 * ("- " EXL_K_END ": %s"), readers look them up by them; the layers
 * test finds any key spelled as a literal elsewhere.
 */
#ifndef EXL_RUNLOG_KEYS_H
#define EXL_RUNLOG_KEYS_H

/* ## Mode */
#define EXL_K_RUN_TYPE "run_type"
#define EXL_K_OBJECTIVE "objective"

/* ## Config */
#define EXL_K_SCRIPT "script"
#define EXL_K_CONFIG "config"
#define EXL_K_CONFIG_SNAPSHOT "config_snapshot"
#define EXL_K_DATASET "dataset"
#define EXL_K_KEY_SETTINGS "key settings"
#define EXL_K_CODE "code"
#define EXL_K_REPO "repo"
#define EXL_K_BRANCH "branch"
#define EXL_K_COMMIT "commit"
#define EXL_K_DIRTY "dirty"
#define EXL_K_DIFF "diff"

/* ## Job */
#define EXL_K_EXECUTION_ID "execution_id"
#define EXL_K_SUBMITTED "submitted"
#define EXL_K_START "start"
#define EXL_K_START_HUMAN "start_human"
#define EXL_K_END "end"
#define EXL_K_END_HUMAN "end_human"
#define EXL_K_RUNTIME "runtime"
#define EXL_K_NODES "nodes"
#define EXL_K_PARTITION "partition"
#define EXL_K_TIME_LIMIT "time_limit"
#define EXL_K_SIGNAL "signal"
#define EXL_K_ARRAY_TASK "array_task"
#define EXL_K_STATEPOINTS "statepoints"
#define EXL_K_RESUMED_FROM "resumed from"
#define EXL_K_HARDWARE "hardware"
#define EXL_K_DEPENDS_ON "depends_on"
#define EXL_K_NEEDED_BY "needed_by"

/* ## Results */
#define EXL_K_EXIT "exit"
#define EXL_K_SCHEDULER_STATE "scheduler_state"
#define EXL_K_ENDED "ended"
#define EXL_K_FINAL_STEP "final step"
#define EXL_K_CHECKPOINT "checkpoint"
#define EXL_K_TELEMETRY "telemetry"
#define EXL_K_REPORT "report"
#define EXL_K_LOSS_ONE_LINER "loss_one_liner"
#define EXL_K_END_TRAIN_LOSS "end_train_loss"
#define EXL_K_END_VAL_LOSS "end_val_loss"
#define EXL_K_SIGNOFF_VERDICT "signoff verdict"

/* ## Efficiency (from accounting, acct_eff_block.c) */
#define EXL_K_CPU_EFFICIENCY "cpu_efficiency"
#define EXL_K_MEMORY_EFFICIENCY "memory_efficiency"
#define EXL_K_TIME_EFFICIENCY "time_efficiency"
#define EXL_K_GPU_UTILIZATION "gpu_utilization"
#define EXL_K_ADVICE "advice"
#define EXL_K_SOURCE "source"

/* ## W&B */
#define EXL_K_LOCAL "local"
#define EXL_K_SYNCED "synced"
#define EXL_K_ENTITY "entity"
#define EXL_K_PROJECT "project"
#define EXL_K_RUN_ID "run id"
#define EXL_K_NOTES "notes"

#endif
