/*
 * The exporter's disk spool: line-protocol batches that could not be
 * delivered yet, one file each, kept in order and bounded in bytes.
 *
 * One thread uses a spool at a time (the exporter's); it has no lock.
 */
#ifndef VQ_SPOOL_H
#define VQ_SPOOL_H

#include <stddef.h>
#include <stdint.h>

struct spool;

struct spool_stats {
	uint64_t	bytes;		/* in batch files now */
	uint64_t	files;
	uint64_t	dropped_files;	/* deleted or refused to keep the bound */
	uint64_t	dropped_bytes;
	uint64_t	dropped_lines;
	uint64_t	write_errors;	/* batches a write, fsync or rename failed */
	uint64_t	write_failed_lines;
};

/*
 * Open the spool in dir, creating the directory (mode 0700) when it is
 * missing, and adopt the batch files a previous run left there, oldest
 * first.  A stray temporary file (a write cut short) is removed, never
 * adopted.  The directory is locked: a second spool on it, in this process
 * or another, is refused.  Returns NULL with *cause set (free it) when dir
 * is not a directory or cannot be used.
 */
struct spool	*spool_open(const char *dir, uint64_t max_bytes, char **cause);
void		 spool_close(struct spool *);

/*
 * Store a batch of nlines lines as the newest.  When it would take the spool
 * past its bound, the oldest files are deleted first and counted dropped; a
 * batch larger than the bound itself is refused and counted dropped.
 * Returns 0 when stored, or -1 with *cause set: refused, or a write failed
 * (a full disk is counted in write_errors, and the batch is not stored).
 */
int		 spool_push(struct spool *, const char *data, size_t len,
		    size_t nlines, char **cause);
/*
 * Store a batch as the oldest (one that was taken out to be sent and must
 * go back before everything stored since).  Being the oldest, it is the one
 * refused, and counted dropped, when it does not fit.  Returns as
 * spool_push.
 */
int		 spool_push_front(struct spool *, const char *data, size_t len,
		    size_t nlines, char **cause);

/*
 * Read the oldest batch into *data (malloc'd, free it), its length into
 * *len and its sequence number into *seq.  The file stays until
 * spool_remove(); meanwhile it is "pinned": the bound deletes other files
 * before it, since it is being delivered.  Returns 1, 0 when the spool is
 * empty, or -1 with *cause set when the file cannot be read (it is then
 * forgotten and counted dropped).
 */
int		 spool_read_oldest(struct spool *, uint64_t *seq, char **data,
		    size_t *len, char **cause);
/* Delete a batch (delivered, or given up); unpins it. */
void		 spool_remove(struct spool *, uint64_t seq);
/*
 * Replace a stored batch's contents atomically (what is left of a batch
 * after part of it was delivered).  Returns 0, or -1 with *cause set and
 * the old contents kept.
 */
int		 spool_replace(struct spool *, uint64_t seq, const char *data,
		    size_t len, size_t nlines, char **cause);

int		 spool_empty(const struct spool *);
void		 spool_get_stats(const struct spool *, struct spool_stats *);

#endif /* VQ_SPOOL_H */
