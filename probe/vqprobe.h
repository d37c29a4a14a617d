/*
 * What every file of the program shares: fatal errors and allocation that
 * cannot fail quietly.
 */
#ifndef VQ_VQPROBE_H
#define VQ_VQPROBE_H

#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

/* Exit status for bad usage or unreadable input. */
#define VQ_EXIT_USAGE	2

/*
 * Print "vqprobe: MSG" on stderr (and to the log, when it is syslog) and
 * exit 1; for the impossible and out of memory.
 */
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
/*
 * Log MSG as a warning and go on: "vqprobe: warning: MSG" on stderr, or
 * wherever the log goes (probe/log.h).
 */
void	warnx_vq(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "vqprobe: PREFIXmessage" and a newline on stderr. */
void	vqprobe_vmessage(const char *prefix, const char *fmt, va_list ap);
/* Something fatal() runs before it prints (restoring the terminal). */
void	vqprobe_set_fatal_hook(void (*hook)(void));
/*
 * Where warnx_vq() sends its message instead of stderr (fatal: 0), and
 * where fatal() sends it besides stderr (fatal: 1); set by log_open().
 */
typedef void vqprobe_message_fn(int fatal, const char *fmt, va_list ap);
void	vqprobe_set_message_hook(vqprobe_message_fn *hook);

/* Microseconds on the monotonic clock. */
int64_t	 mono_us(void);

void	*xcalloc(size_t n, size_t size);
void	*xreallocarray(void *p, size_t n, size_t size);
char	*xstrdup(const char *);
/* A malloc'd string from a format (out of memory is fatal). */
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* VQ_VQPROBE_H */
