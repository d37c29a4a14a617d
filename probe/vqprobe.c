/*
 * What every file of the program shares (see vqprobe.h): messages, the
 * fatal path, allocation that cannot fail quietly.  The test programs that
 * link probe/ files link this one too.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe/vqprobe.h"

/* Run before fatal() prints: the terminal view puts the terminal back. */
static void (*fatal_hook)(void);
/* Where warnings go instead of standard error (the log, probe/log.c). */
static vqprobe_message_fn *message_hook;

void
vqprobe_set_fatal_hook(void (*hook)(void))
{
	fatal_hook = hook;
}

void
vqprobe_set_message_hook(vqprobe_message_fn *hook)
{
	message_hook = hook;
}

void
vqprobe_vmessage(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "vqprobe: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	if (fatal_hook != NULL)
		fatal_hook();
	va_start(ap, fmt);
	vqprobe_vmessage("", fmt, ap);
	va_end(ap);
	if (message_hook != NULL) {
		va_start(ap, fmt);
		message_hook(1, fmt, ap);
		va_end(ap);
	}
	exit(1);
}

void
warnx_vq(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (message_hook != NULL)
		message_hook(0, fmt, ap);
	else
		vqprobe_vmessage("warning: ", fmt, ap);
	va_end(ap);
}

void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if ((p = calloc(n, size)) == NULL)
		fatal("out of memory");
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		fatal("out of memory");
	if ((p = realloc(p, n * size)) == NULL)
		fatal("out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		fatal("out of memory");
	return p;
}

int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("out of memory");
	return s;
}
