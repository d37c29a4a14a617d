/*
 * What every file of the program shares: fatal errors and allocation that
 * cannot fail quietly.
 */
#ifndef VQ_VQPROBE_H
#define VQ_VQPROBE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Exit status for bad usage or unreadable input. */
#define VQ_EXIT_USAGE	2

/* Print "vqprobe: MSG" and exit 1; for the impossible and out of memory. */
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
/* Print "vqprobe: warning: MSG" on stderr and go on. */
void	warnx_vq(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "vqprobe: PREFIXmessage" and a newline on stderr. */
void	vqprobe_vmessage(const char *prefix, const char *fmt, va_list ap);
/* Something fatal() runs before it prints (restoring the terminal). */
void	vqprobe_set_fatal_hook(void (*hook)(void));

void	*xcalloc(size_t n, size_t size);
void	*xreallocarray(void *p, size_t n, size_t size);
char	*xstrdup(const char *);

#endif /* VQ_VQPROBE_H */
