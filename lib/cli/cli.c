/* cli.c - messages, exit codes and progress for the tools (see cli.h). */
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
