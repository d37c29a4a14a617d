/*
 * The configuration file: a small line parser (the format is in
 * probe/conffile.h).  A dozen rules do not need a library, and one that
 * accepts sections, includes or interpolation would accept files that the
 * command line cannot express.  Every rule is tested in tests/test-conffile.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe/conffile.h"
#include "probe/vqprobe.h"

/* Keys whose value is a credential; sentinel-terminated. */
static const char *const conffile_secrets[] = {
	"influx-token",
	"influx-password",
	"hep-key",
	NULL
};

/* The file being read. */
struct conffile_reader {
	FILE		*f;
	const char	*path;
	struct stat	 st;		/* of the open file, for the secret rule */
	unsigned	 line;		/* of the line in buf, from 1 */
	char		*buf;		/* CONFFILE_LINE_MAX + 2 bytes */
	size_t		 len;
};

int
conffile_key_is_secret(const char *key)
{
	size_t i;

	for (i = 0; conffile_secrets[i] != NULL; i++)
		if (strcmp(key, conffile_secrets[i]) == 0)
			return 1;
	return 0;
}

int
conffile_bool(const char *value, int *out)
{
	static const struct {
		const char	*word;
		int		 value;
	} words[] = {
		{ "yes", 1 }, { "true", 1 }, { "on", 1 }, { "1", 1 },
		{ "no", 0 }, { "false", 0 }, { "off", 0 }, { "0", 0 },
		{ NULL, 0 }
	};
	size_t i;

	for (i = 0; words[i].word != NULL; i++) {
		if (strcasecmp(value, words[i].word) == 0) {
			*out = words[i].value;
			return 0;
		}
	}
	return -1;
}

/*
 * Why a file with these attributes may not hold a secret, or NULL when it
 * may.  Group or others able to write it could swap the server for their
 * own and collect the token; able to read it, they have the token.
 */
static char *
conffile_secret_problem(const char *path, const struct stat *st)
{
	uid_t euid = geteuid();

	if (st->st_uid != euid && st->st_uid != 0)
		return xasprintf("%s is owned by uid %lu, not by this user "
		    "(uid %lu) or root", path, (unsigned long)st->st_uid,
		    (unsigned long)euid);
	if ((st->st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) != 0)
		return xasprintf("%s can be read or written by group or "
		    "others (mode %04o): chmod 600 %s", path,
		    (unsigned)(st->st_mode & 07777), path);
	return NULL;
}

int
conffile_secret_ok(const char *path, char **cause)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		*cause = xasprintf("cannot read config %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if ((*cause = conffile_secret_problem(path, &st)) != NULL)
		return -1;
	return 0;
}

/*
 * Read the next line into r->buf, its CR LF or LF end dropped.  Returns 1,
 * 0 at the end of the file, -1 for a line longer than CONFFILE_LINE_MAX
 * and -2 for a read error.
 */
static int
conffile_read_line(struct conffile_reader *r)
{
	size_t n = 0;
	int c;

	while ((c = getc(r->f)) != EOF && c != '\n') {
		/* Room for one byte past the bound: a CR that ends the line. */
		if (n == CONFFILE_LINE_MAX + 1)
			return -1;
		r->buf[n++] = (char)c;
	}
	if (ferror(r->f))
		return -2;
	if (c == EOF && n == 0)
		return 0;
	if (n > 0 && r->buf[n - 1] == '\r')
		n--;
	if (n > CONFFILE_LINE_MAX)
		return -1;
	r->buf[n] = '\0';
	r->len = n;
	return 1;
}

/*
 * Whether the n bytes at s are UTF-8 text: well-formed (no overlong form,
 * surrogate or code point past U+10FFFF) and free of control characters
 * (C0 but tab, DEL, C1), which have no business in a value and could
 * drive a terminal that prints it.
 */
static int
conffile_text_ok(const unsigned char *s, size_t n)
{
	size_t i = 0, k, more;
	unsigned long cp;

	while (i < n) {
		unsigned char b = s[i];

		if (b < 0x80) {
			if ((b < 0x20 && b != '\t') || b == 0x7f)
				return 0;
			i++;
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf) {
			more = 1;
			cp = b & 0x1f;
		} else if (b >= 0xe0 && b <= 0xef) {
			more = 2;
			cp = b & 0x0f;
		} else if (b >= 0xf0 && b <= 0xf4) {
			more = 3;
			cp = b & 0x07;
		} else
			return 0;	/* a continuation byte, 0xc0, 0xc1, 0xf5+ */
		if (n - i <= more)
			return 0;
		for (k = 1; k <= more; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((more == 2 && cp < 0x800) || (more == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
		    (cp >= 0x80 && cp <= 0x9f))
			return 0;
		i += more + 1;
	}
	return 1;
}

/* Space or tab: what may surround keys, '=' and values. */
static int
conffile_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A character of a key after its first: a-z, 0-9, '-'. */
static int
conffile_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/*
 * Decode the quoted value that starts at q (on its opening quote) in place.
 * Returns the value, or NULL with *why set.
 */
static char *
conffile_unquote(char *q, char **why)
{
	char *in = q + 1, *out = q + 1, *value = q + 1;

	for (;;) {
		if (*in == '\0') {
			*why = xasprintf("a quoted value has no closing "
			    "quote");
			return NULL;
		}
		if (*in == '"')
			break;
		if (*in == '\\') {
			in++;
			if (*in != '"' && *in != '\\') {
				*why = *in == '\0' ?
				    xasprintf("a quoted value has no "
				    "closing quote") :
				    xasprintf("unknown escape in a quoted "
				    "value (only \\\" and \\\\ exist)");
				return NULL;
			}
		}
		*out++ = *in++;
	}
	in++;
	while (conffile_blank(*in))
		in++;
	if (*in != '\0' && *in != '#' && *in != ';') {
		*why = xasprintf("text after a quoted value's closing "
		    "quote");
		return NULL;
	}
	*out = '\0';
	return value;
}

/*
 * Parse r->buf.  Returns 1 with *key and *value pointing into it for an
 * entry, 0 for a blank or comment line, or -1 with *why set.
 */
static int
conffile_parse_line(struct conffile_reader *r, char **key, char **value,
    char **why)
{
	char *p = r->buf, *end;

	/* A byte-order mark is an editor's, not the first key's. */
	if (r->line == 1 && strncmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	if (!conffile_text_ok((const unsigned char *)p,
	    r->len - (size_t)(p - r->buf))) {
		*why = xasprintf("not UTF-8 text, or a control character");
		return -1;
	}
	while (conffile_blank(*p))
		p++;
	if (*p == '\0' || *p == '#' || *p == ';')
		return 0;
	if (*p == '[') {
		*why = xasprintf("there are no [sections]: every line is "
		    "key = value");
		return -1;
	}
	if (!(*p >= 'a' && *p <= 'z')) {
		*why = xasprintf("expected a key: a lowercase letter, then "
		    "lowercase letters, digits and '-'");
		return -1;
	}
	*key = p;
	while (conffile_key_char(*p))
		p++;
	end = p;
	while (conffile_blank(*p))
		p++;
	if (*p != '=') {
		const char *hint = p == end && *p != '\0' ?
		    " (a key is lowercase letters, digits and '-')" : "";

		*end = '\0';
		*why = xasprintf("expected '=' after key '%s'%s", *key,
		    hint);
		return -1;
	}
	*end = '\0';
	p++;
	while (conffile_blank(*p))
		p++;
	if (*p == '"') {
		if ((*value = conffile_unquote(p, why)) == NULL)
			return -1;
		return 1;
	}
	/* Unquoted: to the end, or to a comment that a blank introduces. */
	for (end = p; *end != '\0'; end++)
		if ((*end == '#' || *end == ';') && conffile_blank(end[-1]))
			break;
	while (end > p && conffile_blank(end[-1]))
		end--;
	if (end == p) {
		*why = xasprintf("key '%s' has no value (write \"\" for an "
		    "empty one)", *key);
		return -1;
	}
	*end = '\0';
	*value = p;
	return 1;
}

/* Read every line of an open file; returns 0 or -1 with *cause set. */
static int
conffile_read(struct conffile_reader *r, conffile_entry_fn *fn, void *arg,
    char **cause)
{
	char *key, *value, *why = NULL;
	int rc;

	for (;;) {
		if (r->line == ~0u) {
			*cause = xasprintf("%s: too many lines", r->path);
			return -1;
		}
		r->line++;
		rc = conffile_read_line(r);
		if (rc == 0)
			return 0;
		if (rc == -1) {
			*cause = xasprintf("%s:%u: line longer than %d "
			    "bytes", r->path, r->line, CONFFILE_LINE_MAX);
			return -1;
		}
		if (rc == -2) {
			*cause = xasprintf("cannot read config %s: %s",
			    r->path, strerror(errno));
			return -1;
		}
		rc = conffile_parse_line(r, &key, &value, &why);
		if (rc == 0)
			continue;
		if (rc == 1 && conffile_key_is_secret(key) &&
		    (why = conffile_secret_problem(r->path, &r->st)) != NULL) {
			*cause = xasprintf("%s:%u: %s is a secret, but %s",
			    r->path, r->line, key, why);
			free(why);
			return -1;
		}
		if (rc == 1 && fn(arg, key, value, r->path, r->line, &why) == 0)
			continue;
		*cause = xasprintf("%s:%u: %s", r->path, r->line,
		    why != NULL ? why : "bad entry");
		free(why);
		return -1;
	}
}

int
conffile_load(const char *path, conffile_entry_fn *fn, void *arg,
    char **cause)
{
	struct conffile_reader r;
	char *why = NULL;
	int fd, rc, saved;

	memset(&r, 0, sizeof(r));
	r.path = path;
	/* Non-blocking, so that a FIFO named by mistake is refused, not waited on. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1) {
		saved = errno;
		*cause = xasprintf("cannot read config %s: %s", path,
		    strerror(saved));
		errno = saved;
		return -1;
	}
	if (fstat(fd, &r.st) == -1)
		why = xasprintf("cannot read config %s: %s", path,
		    strerror(errno));
	else if (S_ISDIR(r.st.st_mode))
		why = xasprintf("config %s is a directory", path);
	else if (!S_ISREG(r.st.st_mode))
		why = xasprintf("config %s is not a regular file", path);
	if (why != NULL) {
		*cause = why;
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if ((r.f = fdopen(fd, "r")) == NULL)
		fatal("out of memory");
	r.buf = xcalloc(1, CONFFILE_LINE_MAX + 2);
	rc = conffile_read(&r, fn, arg, cause);
	free(r.buf);
	fclose(r.f);
	if (rc == -1)
		errno = EINVAL;
	return rc;
}
