/* jobstate.h - how a job ended, in words for the run log. */
#ifndef EXL_JOBSTATE_H
#define EXL_JOBSTATE_H

#include <stddef.h>

/* Wait status (as from waitpid) to "exit code 3" / "signal 15 (SIGTERM)". */
void exl_exit_text(int wstatus, char *buf, size_t len);

/* Short name of a signal: "SIGTERM", or "SIG42". */
const char *exl_signal_name(int sig, char *buf, size_t len);

/* Final Status line text from the scheduler state (COMPLETED, FAILED,
 * CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED, ...) and the
 * wait status when known (have_status).  sched_state may be NULL: then
 * only the exit status speaks ("completed, exit code 0"). */
void exl_final_text(const char *sched_state, int have_status, int wstatus,
		    char *buf, size_t len);

/* True for scheduler states that end a job for good (not PENDING,
 * RUNNING, REQUEUED, ...). */
int exl_state_is_final(const char *sched_state);

#endif
