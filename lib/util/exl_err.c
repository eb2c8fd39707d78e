/* exl_err.c - error text buffers (see exl_err.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/exl_err.h"

int exl_errf(struct exl_err *err, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->text, sizeof(err->text), fmt, ap);
		va_end(ap);
	}
	errno = saved;
	return -1;
}

int exl_errnof(struct exl_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->text, sizeof(err->text), fmt, ap);
		va_end(ap);
		n = strlen(err->text);
		snprintf(err->text + n, sizeof(err->text) - n, ": %s",
			 strerror(errnum));
	}
	errno = errnum;
	return -1;
}

void exl_err_clear(struct exl_err *err)
{
	if (err)
		err->text[0] = '\0';
}
