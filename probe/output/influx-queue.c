/*
 * The exporter's memory queue (see influx-queue.h).
 *
 * Everything here happens under the queue's mutex and costs a memcpy at
 * most: the producer never touches the network or the disk.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/output/influx-queue.h"
#include "probe/vqprobe.h"

struct influx_queue {
	struct influx_queue_config cfg;

	pthread_mutex_t		 mu;
	/* Under mu. */
	struct influx_batch	*open;		/* being filled by the producer */
	int64_t			 open_since_ms;
	struct influx_batches	 queue;		/* sealed, oldest first */
	struct influx_batches	 overflow;	/* for the spool, oldest first */
	uint64_t		 lines_dropped;	/* by the bounds */
	uint64_t		 dropped_unlogged; /* of those, not yet said */
};

struct influx_queue *
influx_queue_new(const struct influx_queue_config *cfg)
{
	struct influx_queue *q = xcalloc(1, sizeof(*q));

	q->cfg = *cfg;
	pthread_mutex_init(&q->mu, NULL);
	return q;
}

void
influx_queue_free(struct influx_queue *q)
{
	if (q == NULL)
		return;
	influx_batches_free(&q->queue);
	influx_batches_free(&q->overflow);
	influx_batch_free(q->open);
	pthread_mutex_destroy(&q->mu);
	free(q);
}

/*
 * The overflow list's own bound, for a disk that does not keep up: four
 * queues' worth, 16 MiB at least; past it, the oldest overflow is dropped.
 */
static size_t
overflow_max(const struct influx_queue *q)
{
	size_t four = q->cfg.max_bytes > SIZE_MAX / 4 ? SIZE_MAX :
	    4 * q->cfg.max_bytes;

	return four > ((size_t)16 << 20) ? four : (size_t)16 << 20;
}

/* Lines lost for want of room: counted, and said later by the thread. */
static void
drop(struct influx_queue *q, struct influx_batch *b)
{
	q->lines_dropped += b->nlines;
	q->dropped_unlogged += b->nlines;
	influx_batch_free(b);
}

/*
 * Seal the open batch into the queue and keep the queue within its bound:
 * oldest batches to the overflow list (for the spool) or, without a spool,
 * dropped.  Under mu.
 */
static void
seal(struct influx_queue *q)
{
	struct influx_batch *b;

	if (q->open != NULL) {
		influx_batches_push(&q->queue, q->open);
		q->open = NULL;
	}
	while (q->queue.bytes > q->cfg.max_bytes && q->queue.head != NULL) {
		b = influx_batches_pop(&q->queue);
		if (!q->cfg.spool)
			drop(q, b);
		else
			influx_batches_push(&q->overflow, b);
	}
	/*
	 * The disk not keeping up (an fsync per batch, on a loaded machine):
	 * memory stays bounded, oldest go first.  The bound is generous, so
	 * that a small memory queue does not lose lines to a slow disk during
	 * an outage the spool is there for.
	 */
	while (q->overflow.bytes > overflow_max(q) &&
	    q->overflow.head != q->overflow.tail)
		drop(q, influx_batches_pop(&q->overflow));
}

int
influx_queue_write(struct influx_queue *q, const char *lines, size_t len)
{
	const char *p = lines, *end = lines + len, *nl;
	size_t linelen;
	int wake = 0;

	pthread_mutex_lock(&q->mu);
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL)
			linelen = (size_t)(nl - p) + 1;
		else
			linelen = (size_t)(end - p);
		if (q->open == NULL) {
			q->open = influx_batch_new(q->cfg.batch_bytes < 65536 ?
			    q->cfg.batch_bytes + 256 : 65536);
			q->open_since_ms = mono_us() / 1000;
			wake = 1;	/* for its flush_ms */
		}
		influx_batch_append(q->open, p, linelen);
		if (nl == NULL)
			influx_batch_append(q->open, "\n", 1);
		q->open->nlines++;
		p += linelen;
		if (q->open->nlines >= q->cfg.batch_lines ||
		    q->open->len >= q->cfg.batch_bytes) {
			seal(q);
			wake = 1;
		}
	}
	pthread_mutex_unlock(&q->mu);
	return wake;
}

struct influx_batches
influx_queue_take_overflow(struct influx_queue *q, uint64_t *dropped_since)
{
	struct influx_batches todo;

	pthread_mutex_lock(&q->mu);
	todo = influx_batches_take(&q->overflow);
	*dropped_since = q->dropped_unlogged;
	q->dropped_unlogged = 0;
	pthread_mutex_unlock(&q->mu);
	return todo;
}

struct influx_batch *
influx_queue_next(struct influx_queue *q, int64_t now_ms, int stopping)
{
	struct influx_batch *b = NULL;

	pthread_mutex_lock(&q->mu);
	/* Overflow is older than the queue: it goes to the spool first. */
	if (q->overflow.head == NULL) {
		if (q->queue.head != NULL)
			b = influx_batches_pop(&q->queue);
		else if (q->open != NULL && (stopping ||
		    now_ms - q->open_since_ms >= q->cfg.flush_ms)) {
			b = q->open;
			q->open = NULL;
		}
	}
	pthread_mutex_unlock(&q->mu);
	return b;
}

struct influx_batches
influx_queue_take_all(struct influx_queue *q)
{
	struct influx_batches all, sealed;

	pthread_mutex_lock(&q->mu);
	all = influx_batches_take(&q->overflow);
	sealed = influx_batches_take(&q->queue);
	if (q->open != NULL) {
		influx_batches_push(&sealed, q->open);
		q->open = NULL;
	}
	pthread_mutex_unlock(&q->mu);
	influx_batches_concat(&all, &sealed);
	return all;
}

int
influx_queue_empty(struct influx_queue *q)
{
	int empty;

	pthread_mutex_lock(&q->mu);
	empty = q->queue.head == NULL && q->overflow.head == NULL &&
	    q->open == NULL;
	pthread_mutex_unlock(&q->mu);
	return empty;
}

int64_t
influx_queue_wait_ms(struct influx_queue *q, int64_t now_ms, int64_t wait_ms)
{
	int64_t due;

	pthread_mutex_lock(&q->mu);
	if (q->open != NULL) {
		due = q->open_since_ms + q->cfg.flush_ms - now_ms;
		if (due < wait_ms)
			wait_ms = due;
	}
	pthread_mutex_unlock(&q->mu);
	return wait_ms;
}

void
influx_queue_stats(struct influx_queue *q, uint64_t *bytes,
    uint64_t *lines_dropped, int *overflowing)
{
	pthread_mutex_lock(&q->mu);
	*bytes = q->queue.bytes + q->overflow.bytes +
	    (q->open != NULL ? q->open->len : 0);
	*lines_dropped = q->lines_dropped;
	*overflowing = q->overflow.head != NULL;
	pthread_mutex_unlock(&q->mu);
}
