/*
 * What probe/main.c gives the program's modules (fatal, warnings,
 * allocation), for the test programs that link probe/ files without it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/vqprobe.h"

/* "vqprobe: PREFIXmessage" and a newline on stderr. */
static void
vmessage(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "vqprobe: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* Say what is impossible and exit 1. */
void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
	exit(1);
}

/* A warning on stderr. */
void
warnx_vq(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap);
	va_end(ap);
}

/* calloc() or exit. */
void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if ((p = calloc(n, size)) == NULL)
		fatal("out of memory");
	return p;
}

/* realloc() of n * size bytes, checked for overflow, or exit. */
void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		fatal("out of memory");
	if ((p = realloc(p, n * size)) == NULL)
		fatal("out of memory");
	return p;
}

/* strdup() or exit. */
char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		fatal("out of memory");
	return p;
}
