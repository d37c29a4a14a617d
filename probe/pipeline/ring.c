/*
 * The SPSC ring (see ring.h).
 *
 * head and tail count bytes since the ring was made and only grow; a
 * position in the buffer is the count masked by the size.  The producer
 * alone writes head, the consumer alone writes tail.  Each side keeps a
 * private copy of the other's index and reloads it only when that copy
 * says the ring is full (producer) or empty (consumer), so the indexes'
 * cache lines bounce between cores once per batch, not once per record.
 *
 * Every record starts with an 8-byte header (length, type) and is padded
 * to 8 bytes.  A record never wraps: when it does not fit before the end of
 * the buffer, the producer fills the rest with a pad record and starts
 * again at the front.
 *
 *	 buffer: | hdr | data...pad | hdr | data | PAD ............ |
 *	           ^tail                         ^head
 */
#include <assert.h>
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe/pipeline/ring.h"

#define RING_HDR	8
#define RING_PAD	UINT32_MAX	/* type of a pad record */
#define RING_LINE	64		/* a cache line, so the indexes do
					   not share one */

struct ring_hdr {
	uint32_t	len;
	uint32_t	type;
};

struct ring {
	/* Written by the producer, read by the consumer. */
	_Alignas(RING_LINE) _Atomic size_t head;
	/* Written by the consumer, read by the producer. */
	_Alignas(RING_LINE) _Atomic size_t tail;

	/* The producer's own. */
	_Alignas(RING_LINE) size_t tail_seen;	/* tail when last loaded */
	size_t		 pending_head;		/* head once committed */
	size_t		 pending_len;

	/* The consumer's own. */
	_Alignas(RING_LINE) size_t head_seen;	/* head when last loaded */
	size_t		 peeked;		/* bytes ring_release frees */

	/* Set at creation, then read-only. */
	_Alignas(RING_LINE) size_t size;
	size_t		 mask;
	uint8_t		*buf;
};

static size_t
round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

struct ring *
ring_new(size_t min_bytes)
{
	struct ring *r;
	size_t size = 4096;

	while (size < min_bytes && size < ((size_t)1 << 40))
		size <<= 1;
	/* The struct's size is a multiple of its alignment, as C requires. */
	if ((r = aligned_alloc(RING_LINE, sizeof(*r))) == NULL)
		return NULL;
	memset(r, 0, sizeof(*r));
	if ((r->buf = aligned_alloc(RING_LINE, size)) == NULL) {
		free(r);
		return NULL;
	}
	/*
	 * Touch every page now: a page first written when a burst fills the
	 * ring would cost a fault on the capture path just when it is
	 * busiest, and the process's memory would grow at an unforeseeable
	 * moment rather than be what it is from the start.
	 */
	memset(r->buf, 0, size);
	r->size = size;
	r->mask = size - 1;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	return r;
}

void
ring_free(struct ring *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r);
}

size_t
ring_capacity(const struct ring *r)
{
	return r->size;
}

size_t
ring_max_record(const struct ring *r)
{
	/* Half the ring: a record plus the pad before it always fits then. */
	return r->size / 2 - RING_HDR;
}

void *
ring_reserve(struct ring *r, size_t len)
{
	/* Relaxed: only this thread writes head. */
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	size_t need = RING_HDR + round8(len), pos = head & r->mask;
	size_t to_end = r->size - pos, pad = 0;
	struct ring_hdr *h;

	if (len > ring_max_record(r))
		return NULL;
	if (need > to_end)
		pad = to_end;	/* wrap: a pad record fills to the end */
	if (head + pad + need - r->tail_seen > r->size) {
		/*
		 * Acquire, paired with the consumer's release store of tail in
		 * ring_release: the consumer has finished reading the bytes
		 * before tail, so writing over them is safe.
		 */
		r->tail_seen = atomic_load_explicit(&r->tail,
		    memory_order_acquire);
		if (head + pad + need - r->tail_seen > r->size)
			return NULL;
	}
	if (pad != 0) {
		h = (struct ring_hdr *)(r->buf + pos);
		h->len = (uint32_t)(pad - RING_HDR);
		h->type = RING_PAD;
		pos = 0;
	}
	r->pending_head = head + pad + need;
	r->pending_len = len;
	return r->buf + pos + RING_HDR;
}

void
ring_commit(struct ring *r, uint32_t type)
{
	size_t pos = (r->pending_head - RING_HDR - round8(r->pending_len)) &
	    r->mask;
	struct ring_hdr *h = (struct ring_hdr *)(r->buf + pos);

	assert(type != RING_PAD);
	h->len = (uint32_t)r->pending_len;
	h->type = type;
	/*
	 * Release, paired with the consumer's acquire load of head in
	 * ring_peek: the record's bytes (and a pad header before it) are
	 * visible before the consumer can see the new head.
	 */
	atomic_store_explicit(&r->head, r->pending_head, memory_order_release);
}

const void *
ring_peek(struct ring *r, size_t *len, uint32_t *type)
{
	/* Relaxed: only this thread writes tail. */
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	const struct ring_hdr *h;

	for (;;) {
		if (tail == r->head_seen) {
			/*
			 * Acquire, paired with the producer's release store in
			 * ring_commit: the bytes before head are complete.
			 */
			r->head_seen = atomic_load_explicit(&r->head,
			    memory_order_acquire);
			if (tail == r->head_seen)
				return NULL;
		}
		h = (const struct ring_hdr *)(r->buf + (tail & r->mask));
		if (h->type != RING_PAD)
			break;
		/* Skip the pad; its space is freed with the next release. */
		tail += RING_HDR + h->len;
		/*
		 * Release, paired with the producer's acquire load of tail in
		 * ring_reserve: done with the pad's bytes.
		 */
		atomic_store_explicit(&r->tail, tail, memory_order_release);
	}
	r->peeked = RING_HDR + round8(h->len);
	*len = h->len;
	*type = h->type;
	return (const uint8_t *)h + RING_HDR;
}

void
ring_release(struct ring *r)
{
	/* Relaxed: only this thread writes tail. */
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

	assert(r->peeked != 0);
	/*
	 * Release, paired with the producer's acquire load of tail in
	 * ring_reserve: every read of this record happened before the
	 * producer may reuse its bytes.
	 */
	atomic_store_explicit(&r->tail, tail + r->peeked,
	    memory_order_release);
	r->peeked = 0;
}

int
ring_empty(const struct ring *r)
{
	/*
	 * Acquire on both, so a true answer is not older than the last
	 * record the other side published; it is still only a hint.
	 */
	return atomic_load_explicit(&r->tail, memory_order_acquire) ==
	    atomic_load_explicit(&r->head, memory_order_acquire);
}

/* Sleep us microseconds, whatever signals come. */
static void
ring_sleep_us(int64_t us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

void
ring_idle_wait(unsigned *idle)
{
	if (*idle < 16)
		sched_yield();
	else
		ring_sleep_us(*idle < 26 ? 1 << (*idle - 16) : 1000);
	if (*idle < 64)
		(*idle)++;
}

void *
ring_reserve_wait(struct ring *r, size_t len, int may_drop)
{
	unsigned idle = 0;
	void *p;

	while ((p = ring_reserve(r, len)) == NULL) {
		if (may_drop && idle >= 8)
			return NULL;
		ring_idle_wait(&idle);
	}
	return p;
}
