/* jobstate.c - job end states in words (see jobstate.h). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "util/jobstate.h"

const char *exl_signal_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "SIG%d", sig);
	return buf;
}

void exl_exit_text(int wstatus, char *buf, size_t len)
{
	char name[32];

	if (WIFSIGNALED(wstatus))
		snprintf(buf, len, "signal %d (%s)", WTERMSIG(wstatus),
			 exl_signal_name(WTERMSIG(wstatus), name, sizeof(name)));
	else
		snprintf(buf, len, "exit code %d", WEXITSTATUS(wstatus));
}

static const struct {
	const char *state;
	const char *words;
} state_words[] = {
	{ "CANCELLED", "cancelled" },
	{ "TIMEOUT", "time limit reached" },
	{ "OUT_OF_MEMORY", "out of memory" },
	{ "NODE_FAIL", "node failure" },
	{ "PREEMPTED", "preempted" },
	{ "DEADLINE", "deadline reached" },
	{ "BOOT_FAIL", "node boot failure" },
	{ "REQUEUED", "requeued" },
	{ NULL, NULL },
};

int exl_state_is_final(const char *s)
{
	static const char *const fin[] = { "COMPLETED", "FAILED", "CANCELLED",
		"TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED",
		"DEADLINE", "BOOT_FAIL", NULL };
	int i;

	for (i = 0; s && fin[i]; i++)
		if (strcmp(s, fin[i]) == 0)
			return 1;
	return 0;
}

void exl_final_text(const char *st, int have_status, int wstatus, char *buf,
		    size_t len)
{
	char ex[64] = "";
	int i;

	if (have_status)
		exl_exit_text(wstatus, ex, sizeof(ex));
	if (!st || strcmp(st, "COMPLETED") == 0 || strcmp(st, "FAILED") == 0) {
		int ok = st ? strcmp(st, "COMPLETED") == 0 :
			 (have_status && WIFEXITED(wstatus) &&
			  WEXITSTATUS(wstatus) == 0);

		if (have_status)
			snprintf(buf, len, "%s, %s", ok ? "completed" : "failed", ex);
		else
			snprintf(buf, len, "%s (scheduler state %s)",
				 ok ? "completed" : "failed", st ? st : "unknown");
		return;
	}
	for (i = 0; state_words[i].state; i++)
		if (strcmp(st, state_words[i].state) == 0)
			break;
	if (have_status)
		snprintf(buf, len, "%s (scheduler state %s), %s",
			 state_words[i].words ? state_words[i].words : "ended",
			 st, ex);
	else
		snprintf(buf, len, "%s (scheduler state %s)",
			 state_words[i].words ? state_words[i].words : "ended", st);
}
