/*
 * Run-time messages: what the probe has to say while it runs (a server
 * that fails, a capture that warns, a summary per metrics interval), at
 * five levels, on standard error or to syslog.
 *
 * A line on standard error reads "vqprobe: LEVEL: message"; when standard
 * error is the systemd journal (JOURNAL_STREAM names it), the line starts
 * with the sd-daemon(3) prefix "<N>" so that the journal records the level.
 * To syslog, the same "LEVEL: message" is sent at the matching priority,
 * as "vqprobe[PID]" of the daemon facility.
 *
 * Every message is one line: control characters (line breaks included)
 * are written as %XX, so that nothing from a packet can forge a line.
 * Text from packets is escaped by text_copy_safe() long before it gets here
 * (snapshots hold it that way); this is the last guard, not the first.
 * Messages never carry credentials: callers do not pass them.
 *
 * Usage errors are not run-time messages: they stay one line on standard
 * error and exit 2, whatever --log says.
 */
#ifndef VQ_LOG_H
#define VQ_LOG_H

#include <stdarg.h>

/* From the most to the least severe; syslog's names and order. */
enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_NOTICE,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG
};

enum log_dest {
	LOG_TO_STDERR,
	LOG_TO_SYSLOG
};

/*
 * The default level.  Notice, as syslog means it: what is normal but worth
 * a line (a reload, the exporter back to ok), and anything worse.  The
 * per-interval summary is info: at the default 10 s interval it would be
 * 8640 lines a day in the journal of every probe, which a daemon should
 * not write unless asked (Telegraf's info lines are its start and stop;
 * tcpdump says nothing while it runs).
 */
#define LOG_LEVEL_DEFAULT	LOG_LEVEL_NOTICE

/* A level from its name (error, warning, notice, info, debug); 0 or -1. */
int		 log_level_parse(const char *name, enum log_level *out);
const char	*log_level_name(enum log_level);
/* A destination from its name (stderr, syslog); 0 or -1. */
int		 log_dest_parse(const char *name, enum log_dest *out);

/*
 * Send messages at level and more severe to dest, from now on (before any
 * thread starts).  Until then, and in programs that never call it, every
 * message goes to standard error.  warnx_vq() (probe/vqprobe.h) goes
 * through here at warning level once this is called; fatal() at error.
 */
void		 log_open(enum log_dest dest, enum log_level level);
void		 log_close(void);
/* Whether a message at this level would be written (skip costly work). */
int		 log_enabled(enum log_level);

/* From any thread. */
void		 log_msg(enum log_level, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 log_vmsg(enum log_level, const char *fmt, va_list ap)
		    __attribute__((format(printf, 2, 0)));
#define log_error(...)		log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...)	log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_notice(...)		log_msg(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_info(...)		log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)		log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

/*
 * SIGHUP: ask for the log to be reopened.  Async-signal-safe: it only sets
 * a flag, which log_service() acts on.
 */
void		 log_request_reopen(void);
/*
 * Act on a request made since the last call: reopen the log (closelog and
 * openlog for syslog; standard error stays what it is) and say so at
 * notice.  Called by the aggregator's thread.  Returns 1 when it acted.
 */
int		 log_service(void);

#endif /* VQ_LOG_H */
