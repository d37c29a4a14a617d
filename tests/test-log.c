/*
 * Unit tests for probe/log.c: level and destination names, the level
 * filter, the line format on standard error (and with the journal's
 * priority prefix), control characters escaped, warnx_vq() routed through
 * the log, and SIGHUP's reopen request served once.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe/log.h"
#include "probe/vqprobe.h"
#include "tests/unit.h"

static char path[256];
static int saved_stderr = -1;

/* Standard error into a fresh file, until captured(). */
static void
capture_stderr(void)
{
	int fd;

	fflush(stderr);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1)
		abort();
	close(fd);
}

/*
 * What was written since capture_stderr(), in a static buffer; stderr is
 * the test's own again, for the failures.
 */
static const char *
captured(void)
{
	static char buf[8192];
	FILE *f;
	size_t n;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	if ((f = fopen(path, "r")) == NULL)
		abort();
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
test_names(void)
{
	enum log_level level;
	enum log_dest dest;

	CHECK_INT(log_level_parse("error", &level), 0);
	CHECK_INT(level, LOG_LEVEL_ERROR);
	CHECK_INT(log_level_parse("warning", &level), 0);
	CHECK_INT(level, LOG_LEVEL_WARNING);
	CHECK_INT(log_level_parse("notice", &level), 0);
	CHECK_INT(level, LOG_LEVEL_NOTICE);
	CHECK_INT(log_level_parse("info", &level), 0);
	CHECK_INT(level, LOG_LEVEL_INFO);
	CHECK_INT(log_level_parse("debug", &level), 0);
	CHECK_INT(level, LOG_LEVEL_DEBUG);
	CHECK_INT(log_level_parse("warn", &level), -1);
	CHECK_INT(log_level_parse("INFO", &level), -1);
	CHECK_INT(log_level_parse("", &level), -1);
	CHECK_STR(log_level_name(LOG_LEVEL_NOTICE), "notice");
	CHECK_INT(log_dest_parse("stderr", &dest), 0);
	CHECK_INT(dest, LOG_TO_STDERR);
	CHECK_INT(log_dest_parse("syslog", &dest), 0);
	CHECK_INT(dest, LOG_TO_SYSLOG);
	CHECK_INT(log_dest_parse("file", &dest), -1);
	CHECK_INT(LOG_LEVEL_DEFAULT, LOG_LEVEL_NOTICE);
}

/* Before log_open, warnx_vq() writes on stderr as it always did. */
static void
test_before_open(void)
{
	capture_stderr();
	warnx_vq("disk %d%% full", 93);
	CHECK_STR(captured(), "vqprobe: warning: disk 93% full\n");
}

static void
test_levels_and_format(void)
{
	unsetenv("JOURNAL_STREAM");
	log_open(LOG_TO_STDERR, LOG_LEVEL_NOTICE);
	capture_stderr();
	CHECK(log_enabled(LOG_LEVEL_ERROR));
	CHECK(log_enabled(LOG_LEVEL_NOTICE));
	CHECK(!log_enabled(LOG_LEVEL_INFO));
	log_error("e %s", "one");
	log_warning("w");
	log_notice("n");
	log_info("not shown");
	log_debug("not shown either");
	warnx_vq("through warnx_vq");
	CHECK_STR(captured(), "vqprobe: error: e one\n"
	    "vqprobe: warning: w\n"
	    "vqprobe: notice: n\n"
	    "vqprobe: warning: through warnx_vq\n");
	log_close();

	log_open(LOG_TO_STDERR, LOG_LEVEL_ERROR);
	capture_stderr();
	warnx_vq("hidden");
	log_error("shown");
	CHECK_STR(captured(), "vqprobe: error: shown\n");
	log_close();

	log_open(LOG_TO_STDERR, LOG_LEVEL_DEBUG);
	capture_stderr();
	log_debug("d");
	log_info("i");
	CHECK_STR(captured(), "vqprobe: debug: d\nvqprobe: info: i\n");
	log_close();
}

/* One message, one line: what a packet could smuggle is escaped. */
static void
test_escaping(void)
{
	const char *out;
	char big[4000];

	log_open(LOG_TO_STDERR, LOG_LEVEL_INFO);
	capture_stderr();
	log_info("from %s", "a\r\nvqprobe: error: forged\x1b[2J\x7f%41");
	CHECK_STR(captured(), "vqprobe: info: from a%0D%0Avqprobe: error: "
	    "forged%1B[2J%7F%41\n");
	/* A message longer than a line is cut, still one line. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	capture_stderr();
	log_info("%s", big);
	out = captured();
	CHECK(strlen(out) > 2000 && strlen(out) < 2100);
	CHECK(strchr(out, '\n') == out + strlen(out) - 1);
	log_close();
}

/* Under systemd, stderr is the journal: the level goes in "<N>". */
static void
test_journal_prefix(void)
{
	struct stat st;
	char env[64];

	capture_stderr();
	if (fstat(STDERR_FILENO, &st) != 0)
		abort();
	snprintf(env, sizeof(env), "%llu:%llu",
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	log_open(LOG_TO_STDERR, LOG_LEVEL_DEBUG);
	log_error("e");
	log_warning("w");
	log_notice("n");
	log_info("i");
	log_debug("d");
	CHECK_STR(captured(), "<3>vqprobe: error: e\n<4>vqprobe: warning: w\n"
	    "<5>vqprobe: notice: n\n<6>vqprobe: info: i\n"
	    "<7>vqprobe: debug: d\n");
	log_close();
	/* Another stream than the one systemd connected: no prefix. */
	setenv("JOURNAL_STREAM", "1:2", 1);
	log_open(LOG_TO_STDERR, LOG_LEVEL_DEBUG);
	capture_stderr();
	log_info("i");
	CHECK_STR(captured(), "vqprobe: info: i\n");
	log_close();
	unsetenv("JOURNAL_STREAM");
}

/* SIGHUP only asks; log_service acts once per request. */
static void
on_hup(int sig)
{
	(void)sig;
	log_request_reopen();
}

static void
test_reopen(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_hup;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	const char *out;
	int first, second, third;

	log_open(LOG_TO_STDERR, LOG_LEVEL_NOTICE);
	capture_stderr();
	first = log_service();
	raise(SIGHUP);
	raise(SIGHUP);
	out = captured();
	CHECK_STR(out, "");
	CHECK_INT(first, 0);
	capture_stderr();
	second = log_service();
	third = log_service();
	out = captured();
	CHECK_INT(second, 1);
	CHECK_INT(third, 0);
	CHECK(strstr(out, "vqprobe: notice: SIGHUP: log reopened "
	    "(stderr, level notice)") != NULL);
	log_close();
	/* Below notice, the reopen is done all the same, silently. */
	log_open(LOG_TO_STDERR, LOG_LEVEL_WARNING);
	capture_stderr();
	raise(SIGHUP);
	first = log_service();
	out = captured();
	CHECK_INT(first, 1);
	CHECK_STR(out, "");
	log_close();
	/* syslog: closelog and openlog, nothing on stderr. */
	log_open(LOG_TO_SYSLOG, LOG_LEVEL_WARNING);
	capture_stderr();
	raise(SIGHUP);
	first = log_service();
	log_warning("to syslog, not stderr");
	out = captured();
	CHECK_INT(first, 1);
	CHECK_STR(out, "");
	log_close();
}

int
main(void)
{
	int rc;

	saved_stderr = dup(STDERR_FILENO);
	snprintf(path, sizeof(path), "%s/vqprobe-test-log.%ld",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
	RUN(test_names);
	RUN(test_before_open);
	RUN(test_levels_and_format);
	RUN(test_escaping);
	RUN(test_journal_prefix);
	RUN(test_reopen);
	rc = unit_done("test-log");
	unlink(path);
	return rc;
}
