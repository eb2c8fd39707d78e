/* Unit tests: how job endings are worded. */
#include <signal.h>
#include <string.h>

#include "util/jobstate.h"
#include "tap.h"

#define EXITED(c) ((c) << 8)

int main(void)
{
	char buf[160];

	exl_exit_text(EXITED(3), buf, sizeof(buf));
	is_str(buf, "exit code 3", "exit code");
	exl_exit_text(SIGTERM, buf, sizeof(buf));
	is_str(buf, "signal 15 (SIGTERM)", "signal");
	exl_final_text(NULL, 1, EXITED(0), buf, sizeof(buf));
	is_str(buf, "completed, exit code 0", "completed");
	exl_final_text(NULL, 1, EXITED(3), buf, sizeof(buf));
	is_str(buf, "failed, exit code 3", "failed");
	exl_final_text("COMPLETED", 1, EXITED(0), buf, sizeof(buf));
	is_str(buf, "completed, exit code 0", "scheduler agrees");
	exl_final_text("FAILED", 1, EXITED(3), buf, sizeof(buf));
	is_str(buf, "failed, exit code 3", "scheduler FAILED");
	exl_final_text("CANCELLED", 1, SIGTERM, buf, sizeof(buf));
	is_str(buf, "cancelled (scheduler state CANCELLED), signal 15 (SIGTERM)",
	       "cancelled");
	exl_final_text("TIMEOUT", 0, 0, buf, sizeof(buf));
	is_str(buf, "time limit reached (scheduler state TIMEOUT)", "timeout");
	exl_final_text("OUT_OF_MEMORY", 1, SIGKILL, buf, sizeof(buf));
	is_str(buf, "out of memory (scheduler state OUT_OF_MEMORY), signal 9 (SIGKILL)",
	       "oom");
	exl_final_text("WEIRD", 0, 0, buf, sizeof(buf));
	is_str(buf, "ended (scheduler state WEIRD)", "unknown state");
	ok(exl_state_is_final("TIMEOUT") && !exl_state_is_final("PENDING") &&
	   !exl_state_is_final(NULL), "final states");
	return done_testing();
}
