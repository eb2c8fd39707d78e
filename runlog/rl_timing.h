/* rl_timing.h - EXP_LOG_TIMING=1: runlog status says on stderr how long
 * each of its phases took (milliseconds since main), for the bench. */
#ifndef RUNLOG_RL_TIMING_H
#define RUNLOG_RL_TIMING_H

/* Read EXP_LOG_TIMING and take the start time (main calls it first). */
void rl_timing_init(void);

/* One line "runlog timing: PHASE T ms (cpu C ms)": wall and
 * this process's CPU time since it started, when EXP_LOG_TIMING=1. */
void rl_timing(const char *phase);

#endif
