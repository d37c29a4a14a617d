/*
 * Unit tests for probe/conffile.c: every syntax rule, errors that name the
 * file and line, the rule for files holding secrets, long lines, CR LF,
 * UTF-8, and files that are not there or not files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe/conffile.h"
#include "tests/unit.h"

static char scratch[256];

/* What the entry function saw: "LINE:KEY=VALUE|" per entry. */
struct seen {
	char	*text;
	size_t	 len;
	int	 calls;
};

/*
 * The entry function: records each entry; refuses the key "unknown" (with
 * a cause) and "silent" (without one), as the program's would.
 */
static int
record(void *arg, const char *key, const char *value, const char *file,
    unsigned line, char **cause)
{
	struct seen *s = arg;
	char *piece;
	int n;

	(void)file;
	s->calls++;
	if (strcmp(key, "unknown") == 0) {
		*cause = strdup("unknown key 'unknown'");
		return -1;
	}
	if (strcmp(key, "silent") == 0)
		return -1;
	n = asprintf(&piece, "%u:%s=%s|", line, key, value);
	if (n < 0)
		abort();
	s->text = realloc(s->text, s->len + (size_t)n + 1);
	if (s->text == NULL)
		abort();
	memcpy(s->text + s->len, piece, (size_t)n + 1);
	s->len += (size_t)n;
	free(piece);
	return 0;
}

/* Write len bytes to scratch/name with the given mode; returns the path. */
static const char *
write_conf_len(const char *name, const char *data, size_t len, mode_t mode)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", scratch, name);
	unlink(path);
	if ((f = fopen(path, "w")) == NULL || fwrite(data, 1, len, f) != len ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	if (chmod(path, mode) != 0) {
		perror(path);
		exit(1);
	}
	return path;
}

/* A file of a string literal's bytes, NULs included. */
#define write_lit(name, lit, mode) \
	write_conf_len((name), (lit), sizeof(lit) - 1, (mode))

static const char *
write_conf(const char *name, const char *data)
{
	return write_conf_len(name, data, strlen(data), 0600);
}

/* Load path and check it succeeds with the entries want. */
static void
load_ok_at(const char *path, const char *want, int line)
{
	struct seen s = { NULL, 0, 0 };
	char *cause = NULL;
	int rc;

	rc = conffile_load(path, record, &s, &cause);
	if (rc != 0) {
		fprintf(stderr, "%s:%d: load failed: %s\n", __FILE__, line,
		    cause != NULL ? cause : "(no cause)");
		unit_failures++;
	}
	unit_checks++;
	if (strcmp(s.text != NULL ? s.text : "", want) != 0) {
		fprintf(stderr, "%s:%d: entries \"%s\", want \"%s\"\n",
		    __FILE__, line, s.text != NULL ? s.text : "", want);
		unit_failures++;
	}
	free(s.text);
	free(cause);
}
#define load_ok(path, want) load_ok_at((path), (want), __LINE__)

/*
 * Load path and check it fails with the cause "PATH:want" (want starting
 * with the line number), or the cause want itself when it starts with '='.
 */
static void
load_err_at(const char *path, const char *want, int line)
{
	struct seen s = { NULL, 0, 0 };
	char *cause = NULL, full[1024];
	int rc;

	if (want[0] == '=')
		snprintf(full, sizeof(full), "%s", want + 1);
	else
		snprintf(full, sizeof(full), "%s:%s", path, want);
	rc = conffile_load(path, record, &s, &cause);
	unit_checks++;
	if (rc != -1) {
		fprintf(stderr, "%s:%d: load of %s succeeded, want \"%s\"\n",
		    __FILE__, line, path, full);
		unit_failures++;
	} else if (cause == NULL || strcmp(cause, full) != 0) {
		fprintf(stderr, "%s:%d: cause \"%s\", want \"%s\"\n", __FILE__,
		    line, cause != NULL ? cause : "(null)", full);
		unit_failures++;
	}
	free(s.text);
	free(cause);
}
#define load_err(path, want) load_err_at((path), (want), __LINE__)

/* Blank lines, comments, blanks around key, '=' and value; order; repeats. */
static void
test_entries(void)
{
	load_ok(write_conf("a.conf",
	    "# a comment\n"
	    "; another\n"
	    "\n"
	    "   \t\n"
	    "  # indented comment\n"
	    "interval = 10\n"
	    "influx-db=vq\n"
	    "\tworkers\t=\t4\t\n"
	    "label = site=paris\n"
	    "label = trunk=a-1\n"
	    "probe-name   =   edge 1  \n"),
	    "6:interval=10|7:influx-db=vq|8:workers=4|9:label=site=paris|"
	    "10:label=trunk=a-1|11:probe-name=edge 1|");
	load_ok(write_conf("empty.conf", ""), "");
	load_ok(write_conf("comments.conf", "# only\n;comments\n\n"), "");
	/* No newline at the end of the last line. */
	load_ok(write_conf("noeol.conf", "a = 1\nb = 2"), "1:a=1|2:b=2|");
	/* Keys are lowercase letters, digits and '-'. */
	load_ok(write_conf("key.conf", "x9-y = z\n"), "1:x9-y=z|");
}

/* An inline comment needs a blank before its '#' or ';'. */
static void
test_inline_comments(void)
{
	load_ok(write_conf("inline.conf",
	    "interval = 10 # seconds\n"
	    "filter = udp#x\n"
	    "a = b;c\n"
	    "d = e ;f\n"
	    "g = h\t# tab before\n"
	    "url = http://h:8086/#frag\n"),
	    "1:interval=10|2:filter=udp#x|3:a=b;c|4:d=e|5:g=h|"
	    "6:url=http://h:8086/#frag|");
	/* A comment in place of the value leaves no value. */
	load_err(write_conf("inline2.conf", "a = # nothing\n"),
	    "1: key 'a' has no value (write \"\" for an empty one)");
}

/* Double quotes: taken as written, \" and \\ only, comments after. */
static void
test_quoted(void)
{
	load_ok(write_conf("q.conf",
	    "a = \" x # y ; z \"\n"
	    "b = \"say \\\"hi\\\"\"\n"
	    "c = \"back\\\\slash\"\n"
	    "d = \"\"\n"
	    "e = \"v\"   # comment\n"
	    "f = \"v\";comment\n"
	    "g = not \"quoted\"\n"
	    "h = \"\\\\\"\n"),
	    "1:a= x # y ; z |2:b=say \"hi\"|3:c=back\\slash|4:d=|5:e=v|"
	    "6:f=v|7:g=not \"quoted\"|8:h=\\|");
	load_err(write_conf("q1.conf", "a = 1\nb = \"open\n"),
	    "2: a quoted value has no closing quote");
	load_err(write_conf("q2.conf", "b = \"open\\\"\n"),
	    "1: a quoted value has no closing quote");
	load_err(write_conf("q3.conf", "b = \"ends in \\\n"),
	    "1: a quoted value has no closing quote");
	load_err(write_conf("q4.conf", "b = \"a\\nb\"\n"),
	    "1: unknown escape in a quoted value (only \\\" and \\\\ exist)");
	load_err(write_conf("q5.conf", "b = \"a\" b\n"),
	    "1: text after a quoted value's closing quote");
	load_err(write_conf("q6.conf", "b = \"a\"\"b\"\n"),
	    "1: text after a quoted value's closing quote");
}

/* Lines that are not entries, each named by file and line. */
static void
test_syntax_errors(void)
{
	load_err(write_conf("e1.conf", "# ok\n\ninterval 10\n"),
	    "3: expected '=' after key 'interval'");
	load_err(write_conf("e2.conf", "[probe]\ninterval = 10\n"),
	    "1: there are no [sections]: every line is key = value");
	load_err(write_conf("e3.conf", "Interval = 10\n"),
	    "1: expected a key: a lowercase letter, then lowercase letters, "
	    "digits and '-'");
	load_err(write_conf("e4.conf", "= 10\n"),
	    "1: expected a key: a lowercase letter, then lowercase letters, "
	    "digits and '-'");
	load_err(write_conf("e5.conf", "9lives = 1\n"),
	    "1: expected a key: a lowercase letter, then lowercase letters, "
	    "digits and '-'");
	load_err(write_conf("e6.conf", "influx_db = vq\n"),
	    "1: expected '=' after key 'influx' (a key is lowercase letters, "
	    "digits and '-')");
	load_err(write_conf("e7.conf", "interval =\n"),
	    "1: key 'interval' has no value (write \"\" for an empty one)");
	load_err(write_conf("e8.conf", "interval =   \t \n"),
	    "1: key 'interval' has no value (write \"\" for an empty one)");
	load_err(write_conf("e9.conf", "interval\n"),
	    "1: expected '=' after key 'interval'");
	load_err(write_conf("e10.conf", "--interval = 10\n"),
	    "1: expected a key: a lowercase letter, then lowercase letters, "
	    "digits and '-'");
}

/* The entry function's refusals carry the file and line; earlier entries were passed. */
static void
test_fn_errors(void)
{
	struct seen s = { NULL, 0, 0 };
	const char *path;
	char *cause = NULL, want[600];

	path = write_conf("fn.conf", "a = 1\n# c\nunknown = 2\nb = 3\n");
	snprintf(want, sizeof(want), "%s:3: unknown key 'unknown'", path);
	CHECK_INT(conffile_load(path, record, &s, &cause), -1);
	CHECK_STR(cause, want);
	CHECK_INT(s.calls, 2);		/* a, then unknown; never b */
	CHECK_STR(s.text, "1:a=1|");
	free(cause);
	free(s.text);

	load_err(write_conf("fn2.conf", "\n\nsilent = 1\n"), "3: bad entry");
}

/* A secret only in a file that only its owner can read and write. */
static void
test_secrets(void)
{
	const char *path;
	char *cause = NULL, want[1024];

	CHECK(conffile_key_is_secret("influx-token"));
	CHECK(conffile_key_is_secret("influx-password"));
	CHECK(!conffile_key_is_secret("influx-user"));
	CHECK(!conffile_key_is_secret("influx"));
	CHECK(!conffile_key_is_secret("influx-token-x"));

	/* 0600: fine. */
	path = write_lit("s600.conf", "influx-token = abc\n", 0600);
	load_ok(path, "1:influx-token=abc|");
	CHECK_INT(conffile_secret_ok(path, &cause), 0);

	/* 0400 too: read-only for the owner. */
	path = write_lit("s400.conf", "influx-password = \"p w\"\n", 0400);
	load_ok(path, "1:influx-password=p w|");

	/* 0644: readable by all, refused, the value never in the message. */
	path = write_lit("s644.conf", "influx = http://h\n"
	    "influx-token = abc\n", 0644);
	snprintf(want, sizeof(want), "2: influx-token is a secret, but %s can "
	    "be read or written by group or others (mode 0644): chmod 600 %s",
	    path, path);
	load_err(path, want);
	CHECK_INT(conffile_secret_ok(path, &cause), -1);
	snprintf(want, sizeof(want), "%s can be read or written by group or "
	    "others (mode 0644): chmod 600 %s", path, path);
	CHECK_STR(cause, want);
	CHECK(cause != NULL && strstr(cause, "abc") == NULL);
	free(cause);
	cause = NULL;

	/* 0640 (group may read) and 0602 (others may write): refused. */
	path = write_lit("s640.conf", "influx-password = x\n", 0640);
	snprintf(want, sizeof(want), "1: influx-password is a secret, but %s "
	    "can be read or written by group or others (mode 0640): chmod 600 "
	    "%s", path, path);
	load_err(path, want);
	path = write_lit("s602.conf", "influx-token = x\n", 0602);
	snprintf(want, sizeof(want), "1: influx-token is a secret, but %s "
	    "can be read or written by group or others (mode 0602): chmod 600 "
	    "%s", path, path);
	load_err(path, want);

	/* No secret: any mode will do. */
	path = write_lit("p644.conf", "influx-user = bob\n", 0644);
	load_ok(path, "1:influx-user=bob|");

	/* Owned by someone else: only root can make such a file. */
	if (geteuid() == 0) {
		path = write_lit("other.conf", "influx-token = x\n", 0600);
		CHECK_INT(chown(path, 65534, 65534), 0);
		snprintf(want, sizeof(want), "1: influx-token is a secret, but "
		    "%s is owned by uid 65534, not by this user (uid 0) or "
		    "root", path);
		load_err(path, want);
		CHECK_INT(conffile_secret_ok(path, &cause), -1);
		free(cause);
		cause = NULL;
	}

	snprintf(want, sizeof(want), "%s/none.conf", scratch);
	CHECK_INT(conffile_secret_ok(want, &cause), -1);
	free(cause);
}

/* Lines up to CONFFILE_LINE_MAX bytes, CR LF or not; longer ones refused. */
static void
test_long_lines(void)
{
	size_t max = CONFFILE_LINE_MAX, n;
	char *data, *want;

	data = malloc(4 * max);
	want = malloc(4 * max);
	if (data == NULL || want == NULL)
		abort();

	/* "f = " and a value filling the line exactly. */
	memcpy(data, "f = ", 4);
	memset(data + 4, 'x', max - 4);
	memcpy(data + max, "\n", 2);
	snprintf(want, 4 * max, "1:f=%.*s|", (int)(max - 4), data + 4);
	load_ok(write_conf_len("long1.conf", data, max + 1, 0600), want);
	/* The same with CR LF, and without a line end. */
	memcpy(data + max, "\r\n", 3);
	load_ok(write_conf_len("long2.conf", data, max + 2, 0600), want);
	load_ok(write_conf_len("long3.conf", data, max, 0600), want);

	/* One byte more, with and without CR LF and line end. */
	memset(data + 4, 'x', max - 3);
	memcpy(data + max + 1, "\n", 2);
	load_err(write_conf_len("long4.conf", data, max + 2, 0600),
	    "1: line longer than 65536 bytes");
	memcpy(data + max + 1, "\r\n", 3);
	load_err(write_conf_len("long5.conf", data, max + 3, 0600),
	    "1: line longer than 65536 bytes");
	load_err(write_conf_len("long6.conf", data, max + 1, 0600),
	    "1: line longer than 65536 bytes");

	/* A much longer one, after good lines: named by its line. */
	n = (size_t)snprintf(data, 4 * max, "a = 1\n#\n");
	memset(data + n, 'y', 3 * max);
	load_err(write_conf_len("long7.conf", data, n + 3 * max, 0600),
	    "3: line longer than 65536 bytes");
	free(data);
	free(want);
}

/* Files that are not there, directories, FIFOs. */
static void
test_not_files(void)
{
	struct seen s = { NULL, 0, 0 };
	char path[512], want[1024], *cause = NULL;

	snprintf(path, sizeof(path), "%s/missing.conf", scratch);
	snprintf(want, sizeof(want), "=cannot read config %s: No such file or "
	    "directory", path);
	load_err(path, want);
	errno = 0;
	CHECK_INT(conffile_load(path, record, &s, &cause), -1);
	CHECK_INT(errno, ENOENT);
	free(cause);
	cause = NULL;

	snprintf(want, sizeof(want), "=config %s is a directory", scratch);
	load_err(scratch, want);
	errno = 0;
	CHECK_INT(conffile_load(scratch, record, &s, &cause), -1);
	CHECK(errno != ENOENT);
	free(cause);

	snprintf(path, sizeof(path), "%s/fifo", scratch);
	if (mkfifo(path, 0600) == 0) {
		snprintf(want, sizeof(want), "=config %s is not a regular file",
		    path);
		load_err(path, want);
		unlink(path);
	}
	load_err("/dev/null", "=config /dev/null is not a regular file");
	CHECK_INT(s.calls, 0);
}

/* CR LF line ends read as LF; a CR anywhere else is a control character. */
static void
test_crlf(void)
{
	load_ok(write_conf("crlf.conf",
	    "# windows\r\n"
	    "\r\n"
	    "interval = 10\r\n"
	    "label = \"site=a b\"\r\n"
	    "workers = 2 # two\r\n"
	    "last = 1\r"),
	    "3:interval=10|4:label=site=a b|5:workers=2|6:last=1|");
	load_err(write_conf("cr.conf", "a = 1\rb = 2\n"),
	    "1: not UTF-8 text, or a control character");
}

/* UTF-8 values pass as they are; anything else is refused. */
static void
test_utf8(void)
{
	load_ok(write_conf("u1.conf",
	    "label = site=Z\xc3\xbcrich\n"
	    "probe-name = \"\xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x93\x9e\"\n"
	    "# comment \xc3\xa9t\xc3\xa9\n"),
	    "1:label=site=Z\xc3\xbcrich|2:probe-name=\xe6\x9d\xb1\xe4\xba\xac "
	    "\xf0\x9f\x93\x9e|");
	/* A byte-order mark before the first key is skipped. */
	load_ok(write_conf("bom.conf", "\xef\xbb\xbfinterval = 5\nb = 1\n"),
	    "1:interval=5|2:b=1|");
	/* ... but only there. */
	load_err(write_conf("bom2.conf", "a = 1\n\xef\xbb\xbf" "b = 1\n"),
	    "2: expected a key: a lowercase letter, then lowercase letters, "
	    "digits and '-'");

	/* Latin-1, stray continuation, overlong, surrogate, past U+10FFFF, cut. */
	load_err(write_conf("u2.conf", "label = site=Z\xfcrich\n"),
	    "1: not UTF-8 text, or a control character");
	load_err(write_conf("u3.conf", "a = \x80\n"),
	    "1: not UTF-8 text, or a control character");
	load_err(write_conf("u4.conf", "a = \xc0\xaf\n"),
	    "1: not UTF-8 text, or a control character");
	load_err(write_conf("u5.conf", "a = \xe0\x80\xaf\n"),
	    "1: not UTF-8 text, or a control character");
	load_err(write_conf("u6.conf", "a = \xed\xa0\x80\n"),
	    "1: not UTF-8 text, or a control character");
	load_err(write_conf("u7.conf", "a = \xf4\x90\x80\x80\n"),
	    "1: not UTF-8 text, or a control character");
	load_err(write_conf("u8.conf", "a = 1\nb = \xc3"),
	    "2: not UTF-8 text, or a control character");
	load_err(write_conf("u9.conf", "a = \xe2\x82\n"),
	    "1: not UTF-8 text, or a control character");

	/* Control characters: ESC, DEL, C1 CSI, NUL (even in a comment). */
	load_err(write_conf("c1.conf", "a = x\x1b[2Jy\n"),
	    "1: not UTF-8 text, or a control character");
	load_err(write_conf("c2.conf", "a = x\x7f\n"),
	    "1: not UTF-8 text, or a control character");
	load_err(write_conf("c3.conf", "a = x\xc2\x9b" "2J\n"),
	    "1: not UTF-8 text, or a control character");
	load_err(write_lit("c4.conf", "a = 1\n# x\0y\n", 0600),
	    "2: not UTF-8 text, or a control character");
	load_err(write_lit("c5.conf", "a = x\0y\n", 0600),
	    "1: not UTF-8 text, or a control character");
	/* A tab is a blank, inside a value too. */
	load_ok(write_conf("tab.conf", "a = x\ty\n"), "1:a=x\ty|");
}

/* The yes/no values of options without an argument. */
static void
test_bool(void)
{
	static const char *const yes[] = { "yes", "true", "on", "1", "YES",
	    "True", NULL };
	static const char *const no[] = { "no", "false", "off", "0", "No",
	    NULL };
	static const char *const bad[] = { "", "2", "y", "n", "yess", "enable",
	    " yes", NULL };
	size_t i;
	int v;

	for (i = 0; yes[i] != NULL; i++) {
		v = -1;
		CHECK_INT(conffile_bool(yes[i], &v), 0);
		CHECK_INT(v, 1);
	}
	for (i = 0; no[i] != NULL; i++) {
		v = -1;
		CHECK_INT(conffile_bool(no[i], &v), 0);
		CHECK_INT(v, 0);
	}
	for (i = 0; bad[i] != NULL; i++) {
		v = 7;
		CHECK_INT(conffile_bool(bad[i], &v), -1);
		CHECK_INT(v, 7);
	}
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(scratch, sizeof(scratch), "%s/test-conffile.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(scratch) == NULL) {
		perror(scratch);
		return 1;
	}
	umask(022);
	RUN(test_entries);
	RUN(test_inline_comments);
	RUN(test_quoted);
	RUN(test_syntax_errors);
	RUN(test_fn_errors);
	RUN(test_secrets);
	RUN(test_long_lines);
	RUN(test_not_files);
	RUN(test_crlf);
	RUN(test_utf8);
	RUN(test_bool);
	if (unit_failures == 0) {
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", scratch);
	}
	return unit_done("test-conffile");
}
