/*
 * The exporter's disk spool.
 *
 * A batch is one file named by its sequence number, 16 decimal digits and
 * ".lp" (0001099511627776.lp), holding line protocol exactly as it is
 * sent.  The numeric order of the names is the order of the data: new
 * batches take the next number, a batch put back in front takes one less
 * than the smallest.  A fresh spool starts numbering at 2^40, so there is
 * room below for batches put back.
 *
 * A file is written under "NAME.tmp", fsynced, renamed to NAME and the
 * directory fsynced: after a crash there is the whole batch or a stray
 * temporary, which the next open deletes, never half a batch.
 *
 * Line counts are what the dropped-lines statistic needs; files adopted from
 * a previous run are counted only when read or deleted, so opening a large
 * spool reads no file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics/lineproto.h"
#include "probe/output/spool.h"
#include "probe/vqprobe.h"

#define SPOOL_DIGITS	16
#define SPOOL_SUFFIX	".lp"
#define SPOOL_TMP	".lp.tmp"
#define SPOOL_FIRST_SEQ	(UINT64_C(1) << 40)
#define SPOOL_LINES_UNKNOWN ((uint64_t)-1)

struct spool_entry {
	uint64_t	seq;
	uint64_t	bytes;
	uint64_t	lines;		/* SPOOL_LINES_UNKNOWN until counted */
};

struct spool {
	char			*dir;
	int			 dirfd;		/* holds the flock */
	uint64_t		 max_bytes;
	/* A ring of entries, oldest at head. */
	struct spool_entry	*entries;
	size_t			 head, count, cap;
	uint64_t		 next_seq;
	uint64_t		 pinned;	/* 0: none */
	struct spool_stats	 st;
};

/* The i-th entry from the oldest. */
static struct spool_entry *
spool_at(const struct spool *sp, size_t i)
{
	return &sp->entries[(sp->head + i) % sp->cap];
}

/* Make room for one more entry, keeping the order. */
static void
spool_grow(struct spool *sp)
{
	struct spool_entry *n;
	size_t i, ncap;

	if (sp->count < sp->cap)
		return;
	ncap = sp->cap ? sp->cap * 2 : 64;
	n = xreallocarray(NULL, ncap, sizeof(*n));
	for (i = 0; i < sp->count; i++)
		n[i] = *spool_at(sp, i);
	free(sp->entries);
	sp->entries = n;
	sp->cap = ncap;
	sp->head = 0;
}

/* Forget the i-th entry (its file is already gone), keeping the order. */
static void
spool_forget(struct spool *sp, size_t i)
{
	struct spool_entry *e = spool_at(sp, i);

	sp->st.bytes -= e->bytes;
	sp->st.files--;
	/* Close the gap from the head side: i is 0 or 1 in practice. */
	for (; i > 0; i--)
		*spool_at(sp, i) = *spool_at(sp, i - 1);
	sp->head = (sp->head + 1) % sp->cap;
	sp->count--;
}

/* The file name of a sequence number, with an optional suffix. */
static void
spool_name(char *out, size_t size, uint64_t seq, const char *suffix)
{
	snprintf(out, size, "%0*" PRIu64 "%s", SPOOL_DIGITS, seq, suffix);
}

/* Read a whole batch file; -1 with errno set on failure. */
static int
spool_read_file(struct spool *sp, uint64_t seq, char **data, size_t *len)
{
	char name[64];
	struct stat sb;
	size_t got = 0;
	ssize_t n;
	char *buf;
	int fd, saved;

	spool_name(name, sizeof(name), seq, SPOOL_SUFFIX);
	if ((fd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &sb) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	buf = xcalloc(1, (size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			saved = n == 0 ? EIO : errno;
			free(buf);
			close(fd);
			errno = saved;
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	*data = buf;
	*len = got;
	return 0;
}

/* Write data to NAME through NAME.tmp, fsync and rename; -1 with errno set. */
static int
spool_write_file(struct spool *sp, uint64_t seq, const char *data, size_t len)
{
	char name[64], tmp[64];
	size_t off = 0;
	ssize_t n;
	int fd, saved;

	spool_name(name, sizeof(name), seq, SPOOL_SUFFIX);
	spool_name(tmp, sizeof(tmp), seq, SPOOL_TMP);
	fd = openat(sp->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return -1;
	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(sp->dirfd, tmp, sp->dirfd, name) == -1)
		goto fail;
	/* The rename is only durable once the directory is. */
	(void)fsync(sp->dirfd);
	return 0;

fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	(void)unlinkat(sp->dirfd, tmp, 0);
	errno = saved;
	return -1;
}

/* Delete the i-th entry's file and count it dropped. */
static void
spool_evict(struct spool *sp, size_t i)
{
	struct spool_entry *e = spool_at(sp, i);
	char name[64];
	size_t len;
	char *data;

	if (e->lines == SPOOL_LINES_UNKNOWN) {
		e->lines = 0;
		if (spool_read_file(sp, e->seq, &data, &len) == 0) {
			e->lines = lp_count_lines(data, len);
			free(data);
		}
	}
	spool_name(name, sizeof(name), e->seq, SPOOL_SUFFIX);
	(void)unlinkat(sp->dirfd, name, 0);
	sp->st.dropped_files++;
	sp->st.dropped_bytes += e->bytes;
	sp->st.dropped_lines += e->lines;
	spool_forget(sp, i);
}

/* Count a batch that the bound refuses. */
static void
spool_refuse(struct spool *sp, size_t len, size_t nlines)
{
	sp->st.dropped_files++;
	sp->st.dropped_bytes += len;
	sp->st.dropped_lines += nlines;
}

/* Order entries by sequence number, for qsort. */
static int
spool_entry_cmp(const void *a, const void *b)
{
	const struct spool_entry *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Parse "DIGITS" + suffix exactly; 1 and *seq when name is one. */
static int
spool_parse_name(const char *name, const char *suffix, uint64_t *seq)
{
	uint64_t v = 0;
	int i;

	if (strlen(name) != SPOOL_DIGITS + strlen(suffix) ||
	    strcmp(name + SPOOL_DIGITS, suffix) != 0)
		return 0;
	for (i = 0; i < SPOOL_DIGITS; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(name[i] - '0');
	}
	*seq = v;
	return 1;
}

/* Adopt the files a previous run left, oldest first; -1 on a read error. */
static int
spool_adopt(struct spool *sp, char **cause)
{
	struct dirent *de;
	struct stat sb;
	uint64_t seq;
	DIR *d;
	int fd;

	if ((fd = openat(sp->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1 || (d = fdopendir(fd)) == NULL) {
		*cause = xasprintf("cannot list spool %s: %s", sp->dir,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (spool_parse_name(de->d_name, SPOOL_TMP, &seq)) {
			/* A write that never reached its rename. */
			(void)unlinkat(sp->dirfd, de->d_name, 0);
			continue;
		}
		if (!spool_parse_name(de->d_name, SPOOL_SUFFIX, &seq) || seq == 0)
			continue;
		if (fstatat(sp->dirfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) ==
		    -1 || !S_ISREG(sb.st_mode))
			continue;
		if (sb.st_size == 0) {
			(void)unlinkat(sp->dirfd, de->d_name, 0);
			continue;
		}
		spool_grow(sp);
		*spool_at(sp, sp->count) = (struct spool_entry){ seq,
		    (uint64_t)sb.st_size, SPOOL_LINES_UNKNOWN };
		sp->count++;
		sp->st.bytes += (uint64_t)sb.st_size;
		sp->st.files++;
	}
	closedir(d);
	/* spool_grow() leaves head at 0 whenever it reallocates. */
	if (sp->count > 0) {
		qsort(sp->entries, sp->count, sizeof(*sp->entries),
		    spool_entry_cmp);
		sp->next_seq = spool_at(sp, sp->count - 1)->seq + 1;
	}
	return 0;
}

struct spool *
spool_open(const char *dir, uint64_t max_bytes, char **cause)
{
	struct spool *sp;
	struct stat sb;
	int fd;

	if (max_bytes == 0) {
		*cause = xasprintf("spool %s: the size bound must be above 0",
		    dir);
		return NULL;
	}
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		*cause = xasprintf("cannot create spool %s: %s", dir,
		    strerror(errno));
		return NULL;
	}
	if (stat(dir, &sb) == -1) {
		*cause = xasprintf("spool %s: %s", dir, strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(sb.st_mode)) {
		*cause = xasprintf("spool %s is not a directory", dir);
		return NULL;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		*cause = xasprintf("cannot open spool %s: %s", dir,
		    strerror(errno));
		return NULL;
	}
	if (faccessat(fd, ".", W_OK | X_OK, AT_EACCESS) == -1) {
		*cause = xasprintf("spool %s is not writable: %s", dir,
		    strerror(errno));
		close(fd);
		return NULL;
	}
	/* Two exporters sharing a spool would send each batch twice. */
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		*cause = xasprintf("spool %s is in use by another exporter",
		    dir);
		close(fd);
		return NULL;
	}
	sp = xcalloc(1, sizeof(*sp));
	sp->dir = xstrdup(dir);
	sp->dirfd = fd;
	sp->max_bytes = max_bytes;
	sp->next_seq = SPOOL_FIRST_SEQ;
	if (spool_adopt(sp, cause) == -1) {
		spool_close(sp);
		return NULL;
	}
	return sp;
}

void
spool_close(struct spool *sp)
{
	if (sp == NULL)
		return;
	close(sp->dirfd);
	free(sp->entries);
	free(sp->dir);
	free(sp);
}

/* Write a batch under seq and count the failure; -1 with *cause on failure. */
static int
spool_store(struct spool *sp, uint64_t seq, const char *data, size_t len,
    size_t nlines, char **cause)
{
	if (spool_write_file(sp, seq, data, len) == -1) {
		sp->st.write_errors++;
		sp->st.write_failed_lines += nlines;
		*cause = xasprintf("cannot write to spool %s: %s", sp->dir,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
spool_push(struct spool *sp, const char *data, size_t len, size_t nlines,
    char **cause)
{
	size_t victim;

	if (len == 0)
		return 0;
	if (len > sp->max_bytes) {
		spool_refuse(sp, len, nlines);
		*cause = xasprintf("a batch of %zu bytes exceeds spool %s's "
		    "bound", len, sp->dir);
		return -1;
	}
	while (sp->st.bytes + len > sp->max_bytes && sp->count > 0) {
		victim = spool_at(sp, 0)->seq == sp->pinned ? 1 : 0;
		if (victim >= sp->count)
			break;
		spool_evict(sp, victim);
	}
	if (spool_store(sp, sp->next_seq, data, len, nlines, cause) == -1)
		return -1;
	spool_grow(sp);
	*spool_at(sp, sp->count) = (struct spool_entry){ sp->next_seq, len,
	    nlines };
	sp->count++;
	sp->next_seq++;
	sp->st.bytes += len;
	sp->st.files++;
	return 0;
}

int
spool_push_front(struct spool *sp, const char *data, size_t len,
    size_t nlines, char **cause)
{
	uint64_t seq;

	if (len == 0)
		return 0;
	seq = sp->count > 0 ? spool_at(sp, 0)->seq : sp->next_seq;
	if (sp->st.bytes + len > sp->max_bytes || seq <= 1) {
		spool_refuse(sp, len, nlines);
		*cause = xasprintf("spool %s is full: the oldest batch is "
		    "dropped", sp->dir);
		return -1;
	}
	seq--;
	if (spool_store(sp, seq, data, len, nlines, cause) == -1)
		return -1;
	spool_grow(sp);
	sp->head = (sp->head + sp->cap - 1) % sp->cap;
	sp->count++;
	*spool_at(sp, 0) = (struct spool_entry){ seq, len, nlines };
	sp->st.bytes += len;
	sp->st.files++;
	return 0;
}

int
spool_read_oldest(struct spool *sp, uint64_t *seq, char **data, size_t *len,
    char **cause)
{
	struct spool_entry *e;

	if (sp->count == 0)
		return 0;
	e = spool_at(sp, 0);
	if (spool_read_file(sp, e->seq, data, len) == -1) {
		*cause = xasprintf("cannot read batch %" PRIu64 " of spool "
		    "%s: %s", e->seq, sp->dir, strerror(errno));
		if (e->lines == SPOOL_LINES_UNKNOWN)
			e->lines = 0;
		spool_evict(sp, 0);
		return -1;
	}
	if (e->lines == SPOOL_LINES_UNKNOWN)
		e->lines = lp_count_lines(*data, *len);
	sp->pinned = e->seq;
	*seq = e->seq;
	return 1;
}

/* The position of seq among the entries, or -1. */
static long
spool_find(const struct spool *sp, uint64_t seq)
{
	size_t i;

	for (i = 0; i < sp->count; i++)
		if (spool_at(sp, i)->seq == seq)
			return (long)i;
	return -1;
}

void
spool_remove(struct spool *sp, uint64_t seq)
{
	char name[64];
	long i;

	if (sp->pinned == seq)
		sp->pinned = 0;
	if ((i = spool_find(sp, seq)) == -1)
		return;
	spool_name(name, sizeof(name), seq, SPOOL_SUFFIX);
	(void)unlinkat(sp->dirfd, name, 0);
	/* Without this a power cut could bring a delivered batch back. */
	(void)fsync(sp->dirfd);
	spool_forget(sp, (size_t)i);
}

int
spool_replace(struct spool *sp, uint64_t seq, const char *data, size_t len,
    size_t nlines, char **cause)
{
	struct spool_entry *e;
	long i;

	if ((i = spool_find(sp, seq)) == -1) {
		*cause = xasprintf("spool %s has no batch %" PRIu64, sp->dir,
		    seq);
		return -1;
	}
	if (len == 0) {
		spool_remove(sp, seq);
		return 0;
	}
	if (spool_write_file(sp, seq, data, len) == -1) {
		*cause = xasprintf("cannot write to spool %s: %s", sp->dir,
		    strerror(errno));
		return -1;
	}
	e = spool_at(sp, (size_t)i);
	sp->st.bytes = sp->st.bytes - e->bytes + len;
	e->bytes = len;
	e->lines = nlines;
	return 0;
}

int
spool_empty(const struct spool *sp)
{
	return sp->count == 0;
}

void
spool_get_stats(const struct spool *sp, struct spool_stats *st)
{
	*st = sp->st;
}
