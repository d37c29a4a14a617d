/*
 * Run-time messages (see log.h).
 *
 * The destination and level are set once, before the threads start, and
 * only read afterwards.  A message is formatted whole, then written with
 * one call (fputs on stderr, syslog), under a mutex that a reopen takes
 * too, so that lines of the aggregator and the exporter's thread never mix
 * and no message goes out while syslog is being reopened.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "probe/log.h"
#include "probe/vqprobe.h"

/* Longest message kept; a longer one is cut. */
#define LOG_LINE_MAX	2048

/* Names and syslog priorities, in enum log_level's order. */
static const struct {
	const char	*name;
	int		 priority;
} log_levels[] = {
	{ "error",	LOG_ERR },
	{ "warning",	LOG_WARNING },
	{ "notice",	LOG_NOTICE },
	{ "info",	LOG_INFO },
	{ "debug",	LOG_DEBUG },
	{ NULL,		0 }
};

static enum log_dest log_dest = LOG_TO_STDERR;
static enum log_level log_level = LOG_LEVEL_DEFAULT;
static int log_journal;		/* stderr is the journal: "<N>" prefixes */
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

/*
 * Set by the SIGHUP handler, cleared by log_service.  Relaxed both ways:
 * the flag carries no data, and a request seen late is served at the next
 * call.  Lock-free, so that the handler may touch it.
 */
static atomic_int log_reopen_requested;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2,
    "the SIGHUP flag must be lock-free to be set in a signal handler");

int
log_level_parse(const char *name, enum log_level *out)
{
	int i;

	for (i = 0; log_levels[i].name != NULL; i++) {
		if (strcmp(name, log_levels[i].name) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

const char *
log_level_name(enum log_level level)
{
	return log_levels[level].name;
}

int
log_dest_parse(const char *name, enum log_dest *out)
{
	if (strcmp(name, "stderr") == 0)
		*out = LOG_TO_STDERR;
	else if (strcmp(name, "syslog") == 0)
		*out = LOG_TO_SYSLOG;
	else
		return -1;
	return 0;
}

/*
 * Whether standard error is the systemd journal: JOURNAL_STREAM holds the
 * device and inode of the stream systemd connected (systemd.exec(5)); a
 * shell redirection afterwards makes them differ.
 */
static int
log_stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (env == NULL || sscanf(env, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

/*
 * Copy src into dst (size bytes, NUL-terminated), writing control
 * characters as %XX: one message, one line.  Other bytes, '%' included,
 * are kept: packet text arrives escaped already, and must not be twice.
 */
static void
log_clean(char *dst, size_t size, const char *src)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *src != '\0'; src++) {
		unsigned char c = (unsigned char)*src;

		if (c >= 0x20 && c != 0x7f) {
			if (o + 1 >= size)
				break;
			dst[o++] = (char)c;
		} else {
			if (o + 3 >= size)
				break;
			dst[o++] = '%';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 0x0f];
		}
	}
	dst[o] = '\0';
}

/* Write one formatted message; the caller has checked the level. */
static void __attribute__((format(printf, 3, 0)))
log_write(enum log_level level, int to_stderr, const char *fmt, va_list ap)
{
	char raw[LOG_LINE_MAX], line[LOG_LINE_MAX];
	char out[LOG_LINE_MAX + 64];

	vsnprintf(raw, sizeof(raw), fmt, ap);
	log_clean(line, sizeof(line), raw);
	pthread_mutex_lock(&log_mu);
	if (to_stderr) {
		if (log_journal)
			snprintf(out, sizeof(out), "<%d>vqprobe: %s: %s\n",
			    log_levels[level].priority, log_levels[level].name,
			    line);
		else
			snprintf(out, sizeof(out), "vqprobe: %s: %s\n",
			    log_levels[level].name, line);
		fputs(out, stderr);
		fflush(stderr);
	} else
		syslog(log_levels[level].priority, "%s: %s",
		    log_levels[level].name, line);
	pthread_mutex_unlock(&log_mu);
}

/* warnx_vq() and fatal() of probe/vqprobe.c, once the log is open. */
static void __attribute__((format(printf, 2, 0)))
log_hook(int fatal_error, const char *fmt, va_list ap)
{
	if (fatal_error) {
		/* fatal() has written it on stderr already. */
		if (log_dest == LOG_TO_SYSLOG)
			log_write(LOG_LEVEL_ERROR, 0, fmt, ap);
		return;
	}
	if (log_enabled(LOG_LEVEL_WARNING))
		log_write(LOG_LEVEL_WARNING, log_dest == LOG_TO_STDERR, fmt,
		    ap);
}

void
log_open(enum log_dest dest, enum log_level level)
{
	log_dest = dest;
	log_level = level;
	log_journal = dest == LOG_TO_STDERR && log_stderr_is_journal();
	if (dest == LOG_TO_SYSLOG)
		openlog("vqprobe", LOG_PID, LOG_DAEMON);
	vqprobe_set_message_hook(log_hook);
}

void
log_close(void)
{
	vqprobe_set_message_hook(NULL);
	if (log_dest == LOG_TO_SYSLOG)
		closelog();
	log_dest = LOG_TO_STDERR;
}

int
log_enabled(enum log_level level)
{
	return level <= log_level;
}

void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	if (log_enabled(level))
		log_write(level, log_dest == LOG_TO_STDERR, fmt, ap);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

void
log_request_reopen(void)
{
	/* Relaxed: see log_reopen_requested. */
	atomic_store_explicit(&log_reopen_requested, 1, memory_order_relaxed);
}

int
log_service(void)
{
	/* Relaxed: see log_reopen_requested. */
	if (atomic_exchange_explicit(&log_reopen_requested, 0,
	    memory_order_relaxed) == 0)
		return 0;
	if (log_dest == LOG_TO_SYSLOG) {
		/* A syslog daemon restarted, or its socket moved. */
		pthread_mutex_lock(&log_mu);
		closelog();
		openlog("vqprobe", LOG_PID, LOG_DAEMON);
		pthread_mutex_unlock(&log_mu);
	}
	log_notice("SIGHUP: log reopened (%s, level %s); the configuration "
	    "is read at the next start only", log_dest == LOG_TO_SYSLOG ?
	    "syslog" : "stderr", log_level_name(log_level));
	return 1;
}
