/* cli.c - messages, exit codes and progress for the tools (see cli.h). */
#include "exl_build.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/units.h"

static const char *prog_name = "exp-log";

void cli_init(const char *prog)
{
	const char *slash = strrchr(prog, '/');

	prog_name = slash ? slash + 1 : prog;
	opterr = 0;
}

const char *cli_prog(void)
{
	return prog_name;
}

static void vmsg(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", prog_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void cli_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(code);
}

int cli_version(void)
{
	printf("%s (%s) %s\n", prog_name, PACKAGE_NAME, PACKAGE_VERSION);
	return EXL_EXIT_OK;
}

/* who: "<prog>" or "<prog> <cmd>" into buf. */
static const char *who(const char *cmd, char *buf, size_t len)
{
	if (cmd)
		snprintf(buf, len, "%s %s", prog_name, cmd);
	else
		snprintf(buf, len, "%s", prog_name);
	return buf;
}

/* usage_line: "<who>: <message>; try '<who> --help'" on stderr. */
static int usage_line(const char *cmd, const char *fmt, va_list ap)
{
	char w[128];

	who(cmd, w, sizeof(w));
	fprintf(stderr, "%s: ", w);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "; try '%s --help'\n", w);
	return EXL_EXIT_USAGE;
}

int cli_usage_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = usage_line(cmd, fmt, ap);
	va_end(ap);
	return rc;
}

/* Name the offending option as typed.  getopt leaves optind past the
 * element it finished; a short option inside a cluster ("-qx") is
 * named by optopt alone. */
int cli_bad_option(int ch, char **argv, const char *cmd)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	char name[64];
	const char *eq;

	if (!arg || strncmp(arg, "--", 2) != 0) {
		if (optopt > 0 && optopt < 128 && isgraph(optopt))
			snprintf(name, sizeof(name), "-%c", optopt);
		else
			snprintf(name, sizeof(name), "%.60s", arg ? arg : "");
	} else {
		eq = strchr(arg, '=');
		snprintf(name, sizeof(name), "%.*s",
			 (int)(eq && eq - arg < 60 ? eq - arg : 60), arg);
		if (ch == '?' && optopt && eq)
			return cli_usage_err(cmd, "option '%s' takes no value",
					     name);
	}
	if (ch == ':')
		return cli_usage_err(cmd, "option '%s' needs a value", name);
	return cli_usage_err(cmd, "unknown option '%s'", name);
}

int cli_missing(const char *cmd, const char *what, const char *help)
{
	const char *end = strstr(help, "\n\n");
	char w[128];

	if (!end) {
		end = help + strlen(help);
		if (end > help && end[-1] == '\n')
			end--;
	}
	fprintf(stderr, "%s: missing %s\n%.*s\n", who(cmd, w, sizeof(w)),
		what, (int)(end - help), help);
	return EXL_EXIT_USAGE;
}

int cli_parse_jobs(const char *cmd, const char *opt, const char *val,
		   long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(val, &end, 10);
	if (errno || end == val || *end || v < 1 || v > max) {
		cli_usage_err(cmd, "%s: expected a number from 1 to %ld, not '%s' "
			      "(leave it out for the default)", opt, max, val);
		return -1;
	}
	*out = v;
	return 0;
}

const char *cli_plural(unsigned long long n, const char *one,
		       const char *many)
{
	return n == 1 ? one : many;
}

int cli_color_stdout(void)
{
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	return isatty(STDOUT_FILENO) && !(nc && *nc) &&
	       !(term && strcmp(term, "dumb") == 0);
}

static double secs_since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void cli_progress_start(struct cli_progress *p, const char *what,
			uint64_t total_bytes, uint64_t total_items)
{
	memset(p, 0, sizeof(*p));
	p->enabled = isatty(STDERR_FILENO);
	p->what = what;
	p->total = total_bytes;
	p->items_total = total_items;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->last = p->start;
}

void cli_progress_add(struct cli_progress *p, uint64_t bytes, uint64_t items)
{
	struct timespec now;
	char done[32], rate[32];
	double el;

	p->done += bytes;
	p->items_done += items;
	if (!p->enabled)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (secs_since(&p->last, &now) < 0.1 &&
	    !(p->items_total && p->items_done == p->items_total))
		return;
	p->last = now;
	el = secs_since(&p->start, &now);
	exl_human_bytes(p->done, done, sizeof(done));
	exl_human_bytes(el > 0 ? (uint64_t)((double)p->done / el) : 0, rate,
			sizeof(rate));
	if (p->total)
		fprintf(stderr, "\r%s: %s: %5.1f%% %s, %s/s, %llu/%llu files \033[K",
			prog_name, p->what, 100.0 * (double)p->done / (double)p->total,
			done, rate, (unsigned long long)p->items_done,
			(unsigned long long)p->items_total);
	else
		fprintf(stderr, "\r%s: %s: %llu done, %s \033[K", prog_name,
			p->what, (unsigned long long)p->items_done, done);
	fflush(stderr);
}

void cli_progress_end(struct cli_progress *p)
{
	if (p->enabled) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
}
