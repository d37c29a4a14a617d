/*
 * The InfluxDB exporter's memory queue (probe/output/influx.c): the
 * producer fills an open batch and seals it into a queue bounded in
 * bytes; beyond the bound, the oldest sealed batches move to an overflow
 * list for the spool, or are dropped and counted without one.  The
 * producer and the exporter's thread share it under its own mutex, which
 * no one holds while waiting for the network or the disk.
 */
#ifndef VQ_INFLUX_QUEUE_H
#define VQ_INFLUX_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "probe/output/influx-batch.h"

struct influx_queue_config {
	size_t		 batch_lines;	/* seal the open batch at this ... */
	size_t		 batch_bytes;	/* ... or this, whichever first */
	int		 flush_ms;	/* the open batch is due this old */
	size_t		 max_bytes;	/* sealed batches waiting, at most */
	int		 spool;		/* 0: no spool, overflow is dropped */
};

struct influx_queue;

struct influx_queue *influx_queue_new(const struct influx_queue_config *);
/* Free a queue and what waits in it (NULL is fine). */
void		 influx_queue_free(struct influx_queue *);
/*
 * From the producer: queue complete lines (a missing final LF is added).
 * Returns 1 when the exporter's thread should look: a batch was sealed,
 * or a new one opened whose flush_ms starts now.
 */
int		 influx_queue_write(struct influx_queue *, const char *lines,
		    size_t len);
/*
 * The whole overflow list, for the spool, and the lines the bounds
 * dropped since the last call (for the log).
 */
struct influx_batches influx_queue_take_overflow(struct influx_queue *,
		    uint64_t *dropped_since);
/*
 * The oldest batch to deliver from memory, or NULL: none while the
 * overflow, which is older, waits for the spool; the open batch once
 * flush_ms old, or at once when stopping.
 */
struct influx_batch *influx_queue_next(struct influx_queue *, int64_t now_ms,
		    int stopping);
/* Everything in memory, oldest first: the overflow, the queue, the open. */
struct influx_batches influx_queue_take_all(struct influx_queue *);
/* Whether nothing at all waits. */
int		 influx_queue_empty(struct influx_queue *);
/*
 * wait_ms, or the time until the open batch falls due if that is sooner
 * (below 0 when it is past due).
 */
int64_t		 influx_queue_wait_ms(struct influx_queue *, int64_t now_ms,
		    int64_t wait_ms);
/*
 * Bytes waiting in memory, the lines the queue dropped, and whether the
 * overflow holds any.
 */
void		 influx_queue_stats(struct influx_queue *, uint64_t *bytes,
		    uint64_t *lines_dropped, int *overflowing);

#endif /* VQ_INFLUX_QUEUE_H */
