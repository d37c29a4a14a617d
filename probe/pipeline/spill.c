/*
 * Spill files (see spill.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe/pipeline/spill.h"
#include "probe/vqprobe.h"

FILE *
spill_open(const char *prefix, char **cause)
{
	const char *dir;
	char *name;
	FILE *f;
	int fd;

	if (prefix != NULL) {
		if (asprintf(&name, "%s.spill.XXXXXX", prefix) < 0)
			fatal("out of memory");
	} else {
		if ((dir = getenv("TMPDIR")) == NULL || *dir == '\0')
			dir = "/tmp";
		if (asprintf(&name, "%s/vqprobe.spill.XXXXXX", dir) < 0)
			fatal("out of memory");
	}
	if ((fd = mkstemp(name)) == -1) {
		if (asprintf(cause, "cannot create %s: %s", name,
		    strerror(errno)) < 0)
			fatal("out of memory");
		free(name);
		return NULL;
	}
	/* Anonymous from now on: the descriptor keeps it while needed. */
	unlink(name);
	free(name);
	if ((f = fdopen(fd, "w+")) == NULL)
		fatal("out of memory");
	return f;
}

int
spill_copy(FILE *f, FILE *out, const char *mark_as)
{
	char buf[64 * 1024], *p, *end, *mark;
	size_t n;

	if (fflush(f) == EOF || fseek(f, 0, SEEK_SET) == -1)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		for (p = buf, end = buf + n; p < end; p = mark + 1) {
			mark = mark_as != NULL ? memchr(p, SPILL_MARK,
			    (size_t)(end - p)) : NULL;
			if (mark == NULL) {
				if (fwrite(p, 1, (size_t)(end - p), out) !=
				    (size_t)(end - p))
					return -1;
				break;
			}
			if (fwrite(p, 1, (size_t)(mark - p), out) !=
			    (size_t)(mark - p) || fputs(mark_as, out) == EOF)
				return -1;
		}
	}
	if (ferror(f)) {
		errno = EIO;
		return -1;
	}
	return 0;
}
