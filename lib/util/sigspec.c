/* sigspec.c - recover and normalize --signal (see sigspec.h). */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/sigspec.h"

/* sig_number: "TERM", "SIGTERM", "15" -> 15; 0 when unknown. */
static int sig_number(const char *s, size_t len)
{
	char name[32];
	char *end;
	long n;
	int i;

	if (len == 0 || len >= sizeof(name))
		return 0;
	memcpy(name, s, len);
	name[len] = '\0';
	if (isdigit((unsigned char)name[0])) {
		n = strtol(name, &end, 10);
		return (*end == '\0' && n > 0 && n < NSIG) ? (int)n : 0;
	}
	for (i = 0; name[i]; i++)
		name[i] = (char)toupper((unsigned char)name[i]);
	s = strncmp(name, "SIG", 3) == 0 ? name + 3 : name;
	for (i = 1; i < NSIG; i++) {
		const char *abbrev = sigabbrev_np(i);

		if (abbrev && strcmp(abbrev, s) == 0)
			return i;
	}
	return 0;
}

int exl_sigspec_normalize(const char *spec, char *out, size_t len,
			  struct exl_err *err)
{
	const char *p = spec, *at, *abbrev;
	int batch = 0, sig;
	long secs = 60;
	char *end;

	if (!spec || !*spec)
		return exl_errf(err, "--signal: empty value");
	/* flags before ':' : R (reservation) and/or B (batch shell) */
	if ((at = strchr(p, ':')) && at - p <= 2) {
		for (; p < at; p++) {
			if (*p == 'B' || *p == 'b')
				batch = 1;
			else if (*p != 'R' && *p != 'r')
				return exl_errf(err, "--signal: bad flags in '%s'", spec);
		}
		p = at + 1;
	}
	at = strchr(p, '@');
	sig = sig_number(p, at ? (size_t)(at - p) : strlen(p));
	if (!sig)
		return exl_errf(err, "--signal: unknown signal in '%s'", spec);
	if (at) {
		secs = strtol(at + 1, &end, 10);
		if (end == at + 1 || *end != '\0' || secs < 0 || secs > 65535)
			return exl_errf(err, "--signal: bad time in '%s'", spec);
	}
	abbrev = sigabbrev_np(sig);
	if (abbrev)
		snprintf(out, len, "%s%s@%ld", batch ? "B:" : "", abbrev, secs);
	else
		snprintf(out, len, "%s%d@%ld", batch ? "B:" : "", sig, secs);
	return 0;
}

int exl_sigspec_secs(const char *spec)
{
	const char *at = spec ? strrchr(spec, '@') : NULL;
	char *end;
	long v;

	if (!at)
		return -1;
	v = strtol(at + 1, &end, 10);
	/* the same range exl_sigspec_normalize accepts */
	return end == at + 1 || v < 0 || v > 65535 ? -1 : (int)v;
}

/* Options of sbatch/salloc/srun that never take a separate argument; any
 * other option written without '=' is assumed to consume the next word.
 * Only the common ones matter: a miss can only hide a later --signal. */
static const char *const flag_opts[] = {
	"--wait", "-W", "--hold", "-H", "--requeue", "--no-requeue",
	"--exclusive", "--parsable", "-Q", "--quiet", "-v", "--verbose",
	"--test-only", "--overcommit", "-O", "--contiguous", "--spread-job",
	"--use-min-nodes", "--ignore-pbs", "--get-user-env", "--exp-log",
	"-h", "--help", "--usage", "-V", "--version", "-l", "--label",
	"--unbuffered", "-u", "--pty", "--no-kill", "-k", "-s",
	"--oversubscribe", "--no-shell", "-I", "--immediate", "--x11",
	NULL,
};

static int is_flag(const char *a)
{
	int i;

	for (i = 0; flag_opts[i]; i++)
		if (strcmp(a, flag_opts[i]) == 0)
			return 1;
	/* bundled short flags such as -vvv */
	if (a[0] == '-' && a[1] == 'v' && strspn(a + 1, "v") == strlen(a + 1))
		return 1;
	return 0;
}

const char *exl_sigspec_from_argv(int argc, char *const argv[],
				  int *script_idx)
{
	const char *found = NULL;
	int i;

	*script_idx = -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			if (i + 1 < argc)
				*script_idx = i + 1;
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			*script_idx = i;
			break;
		}
		if (strncmp(a, "--signal=", 9) == 0) {
			found = a + 9;
		} else if (strcmp(a, "--signal") == 0) {
			if (i + 1 < argc)
				found = argv[++i];
		} else if (a[1] == '-' && strchr(a, '=')) {
			continue;
		} else if (!is_flag(a) && !(a[1] != '-' && a[2] != '\0')) {
			i++;	/* "-o FILE", "--output FILE" */
		}
	}
	return found;
}

int exl_sigspec_from_script(const char *text, char *out, size_t len)
{
	const char *p = text;
	int found = -1, first = 1;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t ll = nl ? (size_t)(nl - p) : strlen(p);
		char line[1024];

		if (ll >= sizeof(line))
			ll = sizeof(line) - 1;
		memcpy(line, p, ll);
		line[ll] = '\0';
		p = nl ? nl + 1 : NULL;
		if (first && strncmp(line, "#!", 2) == 0) {
			first = 0;
			continue;
		}
		first = 0;
		{
			char *s = line + strspn(line, " \t");

			if (*s == '\0')
				continue;
			if (*s != '#')
				break;	/* directives end at the first command */
			if (strncmp(s, "#SBATCH", 7) != 0)
				continue;
			s += 7;
			s += strspn(s, " \t");
			if (strncmp(s, "--signal", 8) != 0 ||
			    (s[8] != '=' && s[8] != ' ' && s[8] != '\t'))
				continue;
			s += 9;
			s += strspn(s, " \t");
			s[strcspn(s, " \t#")] = '\0';
			if (*s) {
				snprintf(out, len, "%s", s);
				found = 0;
			}
		}
	}
	return found;
}
