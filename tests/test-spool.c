/* Unit tests for probe/output/spool.c: order, bound, atomic files, refusals. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe/output/spool.h"
#include "tests/unit.h"

static char scratch[256];

/* A fresh directory path under the scratch folder (not created). */
static const char *
path_in_scratch(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", scratch, name);
	return path;
}

/* Push a batch and check it was stored. */
static void
push_ok(struct spool *sp, const char *data, size_t nlines)
{
	char *cause = NULL;

	CHECK_INT(spool_push(sp, data, strlen(data), nlines, &cause), 0);
	if (cause != NULL) {
		fprintf(stderr, "  cause: %s\n", cause);
		free(cause);
	}
}

/* Read the oldest batch, check it is want, and remove it. */
static void
pop_expect(struct spool *sp, const char *want)
{
	char *data = NULL, *cause = NULL;
	uint64_t seq = 0;
	size_t len = 0;

	CHECK_INT(spool_read_oldest(sp, &seq, &data, &len, &cause), 1);
	CHECK_MEM(data, len, want);
	spool_remove(sp, seq);
	free(data);
	free(cause);
}

/* The number of entries in a directory, "." and ".." aside. */
static int
count_files(const char *dir)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Write a file with given contents. */
static void
write_file(const char *dir, const char *name, const char *data)
{
	char path[768];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	CHECK((f = fopen(path, "w")) != NULL);
	if (f == NULL)
		return;
	fputs(data, f);
	fclose(f);
}

/* Whether a file exists in dir. */
static int
exists(const char *dir, const char *name)
{
	char path[768];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static void
test_order_across_reopen(void)
{
	char dir[512], *cause = NULL;
	struct spool_stats st;
	struct spool *sp;
	struct stat sb;

	snprintf(dir, sizeof(dir), "%s", path_in_scratch("order"));
	sp = spool_open(dir, 1 << 20, &cause);
	CHECK(sp != NULL);
	if (sp == NULL)
		return;
	/* Created, and private. */
	CHECK(stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode));
	CHECK_INT(sb.st_mode & 0777, 0700);
	CHECK(spool_empty(sp));
	push_ok(sp, "a 1\n", 1);
	push_ok(sp, "b 2\nb 3\n", 2);
	push_ok(sp, "c 4\n", 1);
	spool_get_stats(sp, &st);
	CHECK_INT(st.files, 3);
	CHECK_INT(st.bytes, 4 + 8 + 4);
	spool_close(sp);

	/* A second run adopts them in order, and adds after them. */
	sp = spool_open(dir, 1 << 20, &cause);
	CHECK(sp != NULL);
	if (sp == NULL)
		return;
	spool_get_stats(sp, &st);
	CHECK_INT(st.files, 3);
	CHECK_INT(st.bytes, 16);
	push_ok(sp, "d 5\n", 1);
	pop_expect(sp, "a 1\n");
	spool_close(sp);

	sp = spool_open(dir, 1 << 20, &cause);
	CHECK(sp != NULL);
	if (sp == NULL)
		return;
	pop_expect(sp, "b 2\nb 3\n");
	pop_expect(sp, "c 4\n");
	pop_expect(sp, "d 5\n");
	CHECK(spool_empty(sp));
	CHECK_INT(count_files(dir), 0);
	spool_close(sp);
}

static void
test_push_front_and_replace(void)
{
	char dir[512], *cause = NULL, *data = NULL;
	struct spool *sp;
	uint64_t seq = 0;
	size_t len;

	snprintf(dir, sizeof(dir), "%s", path_in_scratch("front"));
	sp = spool_open(dir, 1 << 20, &cause);
	CHECK(sp != NULL);
	if (sp == NULL)
		return;
	push_ok(sp, "new 2\n", 1);
	CHECK_INT(spool_push_front(sp, "old 1\n", 6, 1, &cause), 0);
	push_ok(sp, "newer 3\n", 1);

	/* Part of the oldest went: what is left replaces it, in place. */
	CHECK_INT(spool_read_oldest(sp, &seq, &data, &len, &cause), 1);
	CHECK_MEM(data, len, "old 1\n");
	free(data);
	CHECK_INT(spool_replace(sp, seq, "ld 1\n", 5, 1, &cause), 0);
	spool_close(sp);

	sp = spool_open(dir, 1 << 20, &cause);
	CHECK(sp != NULL);
	if (sp == NULL)
		return;
	pop_expect(sp, "ld 1\n");
	pop_expect(sp, "new 2\n");
	pop_expect(sp, "newer 3\n");
	spool_close(sp);
}

static void
test_bound_oldest_first(void)
{
	char dir[512], *cause = NULL, *data = NULL;
	struct spool_stats st;
	struct spool *sp;
	uint64_t seq;
	size_t len;

	snprintf(dir, sizeof(dir), "%s", path_in_scratch("bound"));
	/* Room for three 10-byte batches. */
	sp = spool_open(dir, 30, &cause);
	CHECK(sp != NULL);
	if (sp == NULL)
		return;
	push_ok(sp, "a1\na2\na3\n.\n", 4);	/* 11 bytes */
	push_ok(sp, "b1\nb2\nb3\n", 3);		/* 9 */
	push_ok(sp, "c1\nc2\nc3\n", 3);		/* 9: 29 in all */
	spool_get_stats(sp, &st);
	CHECK_INT(st.dropped_files, 0);
	push_ok(sp, "d1\nd2\nd3\n", 3);		/* a goes */
	spool_get_stats(sp, &st);
	CHECK_INT(st.files, 3);
	CHECK_INT(st.bytes, 27);
	CHECK_INT(st.dropped_files, 1);
	CHECK_INT(st.dropped_bytes, 11);
	CHECK_INT(st.dropped_lines, 4);

	/* Larger than the bound itself: refused and counted, nothing evicted. */
	CHECK_INT(spool_push(sp, "0123456789012345678901234567890\n", 32, 1,
	    &cause), -1);
	CHECK(cause != NULL && strstr(cause, "bound") != NULL);
	free(cause);
	cause = NULL;
	spool_get_stats(sp, &st);
	CHECK_INT(st.files, 3);
	CHECK_INT(st.dropped_files, 2);
	CHECK_INT(st.dropped_lines, 5);

	/* The batch being delivered (pinned) is not the one deleted. */
	CHECK_INT(spool_read_oldest(sp, &seq, &data, &len, &cause), 1);
	CHECK_MEM(data, len, "b1\nb2\nb3\n");
	free(data);
	push_ok(sp, "e1\nee\n", 2);		/* c goes, not b */
	spool_get_stats(sp, &st);
	CHECK_INT(st.dropped_lines, 8);
	spool_remove(sp, seq);
	pop_expect(sp, "d1\nd2\nd3\n");
	pop_expect(sp, "e1\nee\n");

	/* In front only when it fits: it is the oldest, so the one to go. */
	push_ok(sp, "f1\nf2\nf3\n", 3);
	push_ok(sp, "g1\ng2\ng3\n", 3);
	push_ok(sp, "h1\nh2\nh3\n", 3);
	CHECK_INT(spool_push_front(sp, "z1\nz2\nz3\n", 9, 3, &cause), -1);
	free(cause);
	cause = NULL;
	spool_get_stats(sp, &st);
	CHECK_INT(st.files, 3);
	CHECK_INT(st.dropped_lines, 11);
	spool_close(sp);

	/* Adopted files are counted when the bound deletes them. */
	sp = spool_open(dir, 20, &cause);
	CHECK(sp != NULL);
	if (sp == NULL)
		return;
	push_ok(sp, "i1\n", 1);		/* 27 + 3 > 20: f and g go */
	spool_get_stats(sp, &st);
	CHECK_INT(st.dropped_files, 2);
	CHECK_INT(st.dropped_lines, 6);
	CHECK_INT(st.dropped_bytes, 18);
	pop_expect(sp, "h1\nh2\nh3\n");
	pop_expect(sp, "i1\n");
	spool_close(sp);
}

static void
test_partial_files_ignored(void)
{
	char dir[512], *cause = NULL;
	struct spool_stats st;
	struct spool *sp;

	snprintf(dir, sizeof(dir), "%s", path_in_scratch("atomic"));
	CHECK(mkdir(dir, 0700) == 0);
	/* What a crash between write and rename leaves, and other debris. */
	write_file(dir, "0001099511627777.lp.tmp", "half a li");
	write_file(dir, "0001099511627776.lp", "whole 1\n");
	write_file(dir, "0001099511627778.lp", "");
	write_file(dir, "notes.txt", "not ours\n");
	write_file(dir, "12.lp", "not ours either\n");
	sp = spool_open(dir, 1 << 20, &cause);
	CHECK(sp != NULL);
	if (sp == NULL)
		return;
	CHECK(!exists(dir, "0001099511627777.lp.tmp"));
	CHECK(!exists(dir, "0001099511627778.lp"));
	CHECK(exists(dir, "notes.txt"));
	spool_get_stats(sp, &st);
	CHECK_INT(st.files, 1);
	CHECK_INT(st.bytes, 8);
	/* A new batch never lands on a half-written name. */
	push_ok(sp, "whole 2\n", 1);
	pop_expect(sp, "whole 1\n");
	pop_expect(sp, "whole 2\n");
	CHECK(spool_empty(sp));
	CHECK_INT(count_files(dir), 2);
	spool_close(sp);
}

static void
test_write_failure_counted(void)
{
	struct rlimit old, small;
	char dir[512], *cause = NULL;
	struct spool_stats st;
	struct spool *sp;

	snprintf(dir, sizeof(dir), "%s", path_in_scratch("full"));
	sp = spool_open(dir, 1 << 20, &cause);
	CHECK(sp != NULL);
	if (sp == NULL)
		return;
	/*
	 * A file size limit makes write() fail as a full disk would, even for
	 * root: the batch is refused, counted, and leaves no file behind.
	 */
	signal(SIGXFSZ, SIG_IGN);
	CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
	small = old;
	small.rlim_cur = 4;
	CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
	CHECK_INT(spool_push(sp, "too long 1\ntoo long 2\n", 22, 2, &cause),
	    -1);
	CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
	CHECK(cause != NULL && strstr(cause, "cannot write") != NULL);
	free(cause);
	cause = NULL;
	spool_get_stats(sp, &st);
	CHECK_INT(st.write_errors, 1);
	CHECK_INT(st.write_failed_lines, 2);
	CHECK_INT(st.files, 0);
	CHECK_INT(count_files(dir), 0);
	/* And it works again once there is room. */
	push_ok(sp, "fits 1\n", 1);
	pop_expect(sp, "fits 1\n");
	spool_close(sp);
}

static void
test_refusals(void)
{
	char file[512], dir[512], *cause = NULL;
	struct spool *sp, *again;

	/* A path that is not a directory. */
	snprintf(file, sizeof(file), "%s", path_in_scratch("plain-file"));
	write_file(scratch, "plain-file", "x\n");
	CHECK(spool_open(file, 1 << 20, &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, "not a directory") != NULL);
	free(cause);
	cause = NULL;

	/* A parent that does not exist. */
	snprintf(dir, sizeof(dir), "%s", path_in_scratch("no/such/dir"));
	CHECK(spool_open(dir, 1 << 20, &cause) == NULL);
	CHECK(cause != NULL);
	free(cause);
	cause = NULL;

	/* No bound. */
	snprintf(dir, sizeof(dir), "%s", path_in_scratch("locked"));
	CHECK(spool_open(dir, 0, &cause) == NULL);
	free(cause);
	cause = NULL;

	/* One spool per directory: two would send every batch twice. */
	sp = spool_open(dir, 1 << 20, &cause);
	CHECK(sp != NULL);
	again = spool_open(dir, 1 << 20, &cause);
	CHECK(again == NULL);
	CHECK(cause != NULL && strstr(cause, "in use") != NULL);
	free(cause);
	cause = NULL;
	spool_close(again);
	spool_close(sp);
	/* Free again once closed. */
	sp = spool_open(dir, 1 << 20, &cause);
	CHECK(sp != NULL);
	spool_close(sp);
}

/* Remove the scratch folder and what the cases left in it. */
static void
cleanup(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", scratch);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(scratch, sizeof(scratch), "%s/vqprobe-spool.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(scratch) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	umask(022);
	RUN(test_order_across_reopen);
	RUN(test_push_front_and_replace);
	RUN(test_bound_oldest_first);
	RUN(test_partial_files_ignored);
	RUN(test_write_failure_counted);
	RUN(test_refusals);
	cleanup();
	return unit_done("spool");
}
