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
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "probe/pipeline/ring.h"

#define RING_HDR	8
#define RING_PAD	UINT32_MAX	/* type of a pad record */
#define RING_LINE	64		/* a cache line, so the indexes do
					   not share one */
/*
 * Waits spent spinning before a side sleeps: well under a microsecond.
 * A consumer that keeps up with its producer runs dry between records;
 * spinning there for the next one takes what the producer's core needs
 * (with 128 spins, reading a file on 2 cores took twice as long), where
 * a sleep costs one wake a batch (RING_BELL_SHARE).
 */
#define RING_SPINS	8
/*
 * A sleeping consumer is woken for a batch, 1/RING_BELL_SHARE of its
 * ring, not for each record: one that keeps up with its producer would
 * otherwise empty the ring, sleep and be woken again for every record,
 * two context switches a record.  Less than a batch waits for
 * ring_flush, which a producer calls whenever its input pauses.
 */
#define RING_BELL_SHARE	256
/*
 * But never under four 16-byte records: the aggregator's rings of
 * pointers are small, and a wake for every part made a run 5 % slower.
 */
#define RING_BELL_MIN	64
/* The longest a producer sleeps for room before it looks again. */
#define RING_ROOM_MAX_US	2000
/* A producer that may drop waits at most this long for room. */
#define RING_DROP_WAIT_US	50

struct ring_hdr {
	uint32_t	len;
	uint32_t	type;
};

/* See ring_wait. */
struct ring_bell {
	_Alignas(RING_LINE) _Atomic uint32_t seq;	/* the futex word */
	_Atomic uint32_t sleeping;	/* the consumer sleeps, or is about to */
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
	size_t		 flushed_head;		/* head at the last flush */

	/* The consumer's own. */
	_Alignas(RING_LINE) size_t head_seen;	/* head when last loaded */
	size_t		 peeked;		/* bytes ring_release frees */

	/*
	 * Written by the producer when it goes to sleep for room, read by
	 * the consumer at each release (a line that stays in its cache
	 * while the producer is awake); room_seq is the futex word.
	 */
	_Alignas(RING_LINE) _Atomic uint32_t room_sleeping;
	_Atomic uint32_t room_seq;
	_Atomic size_t	 room_tail;	/* the tail that frees what it wants */

	/*
	 * Written by the consumer when it goes to sleep on its bell, read by
	 * the producer only while it sleeps: the tail then.  A commit rings
	 * the bell once a batch (bell_batch) is there to read.
	 */
	_Alignas(RING_LINE) _Atomic size_t bell_tail;

	/* Set at creation (and the bell before the threads start). */
	_Alignas(RING_LINE) size_t size;
	size_t		 bell_batch;	/* see RING_BELL_SHARE */
	size_t		 mask;
	uint8_t		*buf;
	struct ring_bell *bell;		/* the consumer's, or NULL */
};

/*
 * A futex where there is one: sleep while *word is seen, at most max_us;
 * wake every sleeper.  Elsewhere, a short sleep does (the wake is then
 * late by at most a millisecond).
 */
#ifdef __linux__
/* The kernel reads the word as a plain 32-bit integer, as _Atomic lays it. */
#define FUTEX_WORD(w)	((uint32_t *)(uintptr_t)(w))

static void
futex_sleep(_Atomic uint32_t *word, uint32_t seen, int64_t max_us)
{
	struct timespec ts = { max_us / 1000000, (max_us % 1000000) * 1000 };

	/* Returns at once when *word has moved on: the wake came first. */
	syscall(SYS_futex, FUTEX_WORD(word), FUTEX_WAIT_PRIVATE, seen, &ts,
	    NULL, 0);
}

static void
futex_wake(_Atomic uint32_t *word)
{
	syscall(SYS_futex, FUTEX_WORD(word), FUTEX_WAKE_PRIVATE, INT_MAX,
	    NULL, NULL, 0);
}
#else
static void
futex_sleep(_Atomic uint32_t *word, uint32_t seen, int64_t max_us)
{
	struct timespec ts = { 0, (max_us < 1000 ? max_us : 1000) * 1000 };

	if (atomic_load(word) == seen)
		nanosleep(&ts, NULL);
}

static void
futex_wake(_Atomic uint32_t *word)
{
	(void)word;
}
#endif

/* Tell a spinning thread's core that it spins. */
static inline void
cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

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
	/*
	 * Every page present from the start: a page first written when a
	 * burst fills the ring would cost a fault on the capture path just
	 * when it is busiest, and the process's memory would grow at an
	 * unforeseeable moment rather than be what it is from the start.
	 * MAP_POPULATE has the kernel map them all in one call (16 MiB: a
	 * third of the time of touching each page, 4 096 faults, and no
	 * second pass to zero what the kernel zeroed).
	 */
#ifdef MAP_POPULATE
	r->buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (r->buf == MAP_FAILED)
		r->buf = NULL;
#else
	if ((r->buf = aligned_alloc(RING_LINE, size)) != NULL)
		memset(r->buf, 0, size);
#endif
	if (r->buf == NULL) {
		free(r);
		return NULL;
	}
	r->size = size;
	r->mask = size - 1;
	r->bell_batch = size / RING_BELL_SHARE > RING_BELL_MIN ?
	    size / RING_BELL_SHARE : RING_BELL_MIN;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	return r;
}

void
ring_free(struct ring *r)
{
	if (r == NULL)
		return;
#ifdef MAP_POPULATE
	munmap(r->buf, r->size);
#else
	free(r->buf);
#endif
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

/* Wake the consumer, if it still sleeps (one producer does it). */
static void
bell_ring(struct ring_bell *b)
{
	if (atomic_exchange_explicit(&b->sleeping, 0, memory_order_acq_rel)) {
		atomic_fetch_add_explicit(&b->seq, 1, memory_order_release);
		futex_wake(&b->seq);
	}
}

/* Wake the producer sleeping for room (the consumer's side). */
static void
room_wake(struct ring *r)
{
	if (atomic_exchange_explicit(&r->room_sleeping, 0,
	    memory_order_acq_rel)) {
		atomic_fetch_add_explicit(&r->room_seq, 1, memory_order_release);
		futex_wake(&r->room_seq);
	}
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
	/*
	 * Relaxed: a stale bell_tail is an older, lower one, which only
	 * rings sooner; a stale "awake" makes a late wake, as ring.h says.
	 */
	if (r->bell != NULL && atomic_load_explicit(&r->bell->sleeping,
	    memory_order_relaxed) && r->pending_head -
	    atomic_load_explicit(&r->bell_tail, memory_order_relaxed) >=
	    r->bell_batch)
		bell_ring(r->bell);
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

/*
 * At the end of what the consumer saw last it loads head again, as
 * ring_peek would once there: a worker behind its producer then looks
 * ahead across the whole backlog, one load of head per catch-up.
 */
const void *
ring_peek_ahead(struct ring *r, size_t *at, size_t *len, uint32_t *type)
{
	const struct ring_hdr *h;

	assert(r->peeked != 0);
	if (*at == 0)
		/* Relaxed: only this thread writes tail. */
		*at = atomic_load_explicit(&r->tail, memory_order_relaxed) +
		    r->peeked;
	for (;;) {
		if (*at == r->head_seen) {
			/* Acquire, paired as in ring_peek. */
			r->head_seen = atomic_load_explicit(&r->head,
			    memory_order_acquire);
			if (*at == r->head_seen)
				return NULL;
		}
		h = (const struct ring_hdr *)(r->buf + (*at & r->mask));
		*at += RING_HDR + round8(h->len);
		if (h->type != RING_PAD)
			break;
	}
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
	tail += r->peeked;
	atomic_store_explicit(&r->tail, tail, memory_order_release);
	r->peeked = 0;
	/* Acquire, paired with room_sleep: room_tail is the one it set. */
	if (atomic_load_explicit(&r->room_sleeping, memory_order_acquire) &&
	    tail >= atomic_load_explicit(&r->room_tail, memory_order_relaxed))
		room_wake(r);
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

struct ring_bell *
ring_bell_new(void)
{
	struct ring_bell *b;

	if ((b = aligned_alloc(RING_LINE, sizeof(*b))) == NULL)
		return NULL;
	atomic_init(&b->seq, 0);
	atomic_init(&b->sleeping, 0);
	return b;
}

void
ring_bell_free(struct ring_bell *b)
{
	free(b);
}

void
ring_set_bell(struct ring *r, struct ring_bell *b)
{
	r->bell = b;
}

void
ring_flush(struct ring *r)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);

	/*
	 * Nothing published since the last flush, nothing to wake for: the
	 * consumer was awake then, and reads head again before it sleeps.
	 * (A worker flushes each time it runs out of input, often; a wake
	 * for nothing costs the aggregator two context switches.)  Relaxed:
	 * only this thread writes head.
	 */
	if (r->bell == NULL || head == r->flushed_head)
		return;
	r->flushed_head = head;
	/*
	 * A seq_cst read-modify-write of head, then a seq_cst read, paired
	 * with ring_wait's seq_cst store and reads: either the consumer reads
	 * this head, or this reads that it sleeps.  (Not a fence:
	 * ThreadSanitizer does not follow fences.)
	 */
	atomic_fetch_add_explicit(&r->head, 0, memory_order_seq_cst);
	if (atomic_load_explicit(&r->bell->sleeping, memory_order_seq_cst))
		bell_ring(r->bell);
}

void
ring_wait(struct ring_bell *b, struct ring *const *rings, size_t n,
    unsigned *idle, int64_t max_us)
{
	uint32_t seq;
	size_t i;

	if (*idle < RING_SPINS) {
		(*idle)++;
		cpu_relax();
		return;
	}
	/*
	 * Nothing in any ring, so all the room there is: wake a producer
	 * that sleeps for it, whatever a release may have missed.  Paired
	 * with room_sleep as ring_flush is with the reads below.
	 */
	for (i = 0; i < n; i++) {
		atomic_fetch_add_explicit(&rings[i]->tail, 0,
		    memory_order_seq_cst);
		if (atomic_load_explicit(&rings[i]->room_sleeping,
		    memory_order_seq_cst))
			room_wake(rings[i]);
	}
	/* Relaxed: the seq_cst store below publishes it with the rest. */
	for (i = 0; i < n; i++)
		atomic_store_explicit(&rings[i]->bell_tail,
		    atomic_load_explicit(&rings[i]->tail,
		    memory_order_relaxed), memory_order_relaxed);
	atomic_store_explicit(&b->sleeping, 1, memory_order_seq_cst);
	seq = atomic_load_explicit(&b->seq, memory_order_seq_cst);
	for (i = 0; i < n; i++)
		if (atomic_load_explicit(&rings[i]->head, memory_order_seq_cst) !=
		    atomic_load_explicit(&rings[i]->tail, memory_order_relaxed))
			break;
	if (i == n)
		futex_sleep(&b->seq, seq, max_us);
	atomic_store_explicit(&b->sleeping, 0, memory_order_relaxed);
}

/*
 * Producer: sleep until the consumer has freed the room a record of len
 * bytes needs, and slack more (so that it is not woken for each record),
 * or max_us pass.
 */
static void
room_sleep(struct ring *r, size_t len, size_t slack, int64_t max_us)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	size_t need = RING_HDR + round8(len), to_end = r->size - (head & r->mask);
	size_t want = head + (need > to_end ? to_end : 0) + need + slack;
	uint32_t seq;

	/* The tail at which that room is free: at most all of the ring. */
	want = want > r->size ? want - r->size : 0;
	if (want > head)
		want = head;
	atomic_store_explicit(&r->room_tail, want, memory_order_relaxed);
	/*
	 * Seq_cst (a release too: a consumer that sees it sleep sees
	 * room_tail), paired with ring_wait: either the consumer sees it
	 * sleep, or this reads the tail the consumer left.
	 */
	atomic_store_explicit(&r->room_sleeping, 1, memory_order_seq_cst);
	seq = atomic_load_explicit(&r->room_seq, memory_order_seq_cst);
	if (atomic_load_explicit(&r->tail, memory_order_seq_cst) < want)
		futex_sleep(&r->room_seq, seq, max_us);
	atomic_store_explicit(&r->room_sleeping, 0, memory_order_relaxed);
}

void *
ring_reserve_wait(struct ring *r, size_t len, int may_drop)
{
	unsigned spins = 0;
	void *p;

	while ((p = ring_reserve(r, len)) == NULL) {
		if (len > ring_max_record(r))
			return NULL;
		if (spins < RING_SPINS) {
			spins++;
			cpu_relax();
			continue;
		}
		/* Whoever consumes must not sleep on what is there. */
		ring_flush(r);
		if (may_drop) {
			room_sleep(r, len, 0, RING_DROP_WAIT_US);
			return ring_reserve(r, len);
		}
		room_sleep(r, len, r->size / 4, RING_ROOM_MAX_US);
	}
	return p;
}
