/*
 * The configuration file (--config FILE, by default /etc/vqprobe/vqprobe.conf):
 * a flat list of "key = value" lines, read in order and handed one by one to
 * a function of the caller's, which maps each key to the command-line option
 * of the same long name.
 *
 * The format, line by line (a line ends at LF; a CR before the LF is
 * dropped, so a file written on Windows reads the same):
 *   - blank lines, and lines whose first non-blank character is '#' or ';',
 *     are comments;
 *   - an entry is  key = value : blanks around the key, the '=' and the
 *     value are ignored;
 *   - a key is a long option name without its "--": a lowercase letter,
 *     then lowercase letters, digits and '-' (interval, influx-db, label);
 *   - an unquoted value runs to the end of the line, or to a '#' or ';'
 *     that follows a blank (an inline comment), trailing blanks dropped;
 *     it cannot be empty;
 *   - a value in double quotes is taken as written, blanks, '#' and ';'
 *     included; inside it \" is a quote and \\ a backslash, and no other
 *     escape exists; after the closing quote only blanks or a comment may
 *     follow; "" is the empty value;
 *   - there are no [sections]: a line starting with '[' is an error;
 *   - the file is UTF-8 text (a leading byte-order mark is skipped): a
 *     line that is not valid UTF-8, holds a control character other than
 *     tab, or is longer than CONFFILE_LINE_MAX bytes is an error;
 *   - a key may appear more than once; whether that is allowed (label) or
 *     not is the caller's to decide.
 *
 * A file that holds a secret (influx-token, influx-password) must be owned
 * by the user running vqprobe or by root and must not be readable or
 * writable by its group or by others (chmod 600): otherwise it is refused.
 */
#ifndef VQ_CONFFILE_H
#define VQ_CONFFILE_H

/* The longest line accepted, in bytes, line end excluded. */
#define CONFFILE_LINE_MAX	65536

/*
 * Called for each entry, in the file's order.  key and value are valid only
 * during the call (copy what is kept); file and line say where the entry
 * is, for the caller's own messages.  Returns 0, or -1 with *cause set to a
 * malloc'd message (an unknown key, a bad value) without the file and line,
 * which conffile_load() puts in front of it.  A message about a secret key
 * must not repeat its value.
 */
typedef int conffile_entry_fn(void *arg, const char *key, const char *value,
    const char *file, unsigned line, char **cause);

/*
 * Read the file at path and call fn(arg, ...) for each entry, stopping at
 * the first error.  Returns 0, or -1 with *cause set (free it):
 *   - the file cannot be opened: "cannot read config PATH: REASON", errno
 *     left as open(2) set it (ENOENT when there is no such file, so that a
 *     default path may be skipped);
 *   - it is a directory or not a regular file (errno EINVAL, as below);
 *   - a syntax error or an error of fn: "PATH:LINE: REASON";
 *   - a secret in a file that others may read, or that someone else owns:
 *     "PATH:LINE: KEY is a secret, but ...".
 * After any failure but the first, errno is EINVAL.  Entries before the
 * error have been passed to fn.
 */
int	conffile_load(const char *path, conffile_entry_fn *fn, void *arg,
	    char **cause);

/*
 * Whether the file at path may hold a secret: owned by this process's
 * effective user or by root, and neither readable nor writable by group or
 * others.  Returns 0, or -1 with *cause set (free it).
 */
int	conffile_secret_ok(const char *path, char **cause);

/* Whether key names a secret (its file must pass conffile_secret_ok()). */
int	conffile_key_is_secret(const char *key);

/*
 * A yes/no value, for keys whose option takes no argument (no-promisc =
 * yes): yes, true, on, 1 set *out to 1; no, false, off, 0 set it to 0.
 * Returns 0, or -1 for anything else.
 */
int	conffile_bool(const char *value, int *out);

#endif /* VQ_CONFFILE_H */
