/*
 * A bounded single-producer, single-consumer ring of variable-length
 * records, lock-free: one thread reserves and commits, one other thread
 * peeks and releases, and neither ever waits on a lock.  A record's bytes
 * stay in place from commit until release, so the consumer reads them
 * without copying.
 */
#ifndef VQ_RING_H
#define VQ_RING_H

#include <stddef.h>
#include <stdint.h>

struct ring;

/*
 * A ring of at least min_bytes (rounded up to a power of two); NULL when
 * out of memory.  A record takes its length rounded up to 8 plus 8 bytes.
 */
struct ring	*ring_new(size_t min_bytes);
void		 ring_free(struct ring *);
/* Bytes the ring holds. */
size_t		 ring_capacity(const struct ring *);
/* The largest record ring_reserve can ever give. */
size_t		 ring_max_record(const struct ring *);

/*
 * Producer: room for a record of len bytes, or NULL when the ring is full
 * for now (or len is over ring_max_record).  Nothing is visible to the
 * consumer until ring_commit.  One reservation at a time.
 */
void		*ring_reserve(struct ring *, size_t len);
/* Producer: publish the record last reserved, with its type. */
void		 ring_commit(struct ring *, uint32_t type);

/*
 * Consumer: the oldest record (its bytes, length and type), or NULL when
 * the ring is empty.  The bytes stay valid until ring_release.
 */
const void	*ring_peek(struct ring *, size_t *len, uint32_t *type);
/*
 * Consumer, looking ahead (to prefetch) from the record ring_peek gave:
 * with *at 0 the record after it, and each call with the same *at the
 * next one; NULL past the last committed.  It takes nothing.
 */
const void	*ring_peek_ahead(struct ring *, size_t *at, size_t *len,
		    uint32_t *type);
/* Consumer: done with the record ring_peek gave. */
void		 ring_release(struct ring *);

/* Either side: is the ring empty right now?  (A hint; it may change.) */
int		 ring_empty(const struct ring *);

/*
 * Waiting.  A side that finds nothing to do spins a little (the other is
 * usually about to move), then sleeps until the other side wakes it: a
 * consumer on its bell, which the producers of its rings ring when they
 * have published a batch (1/256 of the ring, at least 64 bytes) since it
 * fell asleep, or flush; a producer on its ring, which the consumer wakes
 * when it has freed enough room.  Neither ever burns a core waiting, nor switches to
 * the other for every record.
 *
 * A check that the other side sleeps costs one read of a line it writes
 * only when it sleeps; the read is not fenced on every record, so a wake
 * can be late: until the next record, or ring_flush.  A sleep is bounded
 * too, which also bounds a late wake.
 */
struct ring_bell;

struct ring_bell *ring_bell_new(void);
void		 ring_bell_free(struct ring_bell *);
/* The bell of the ring's consumer, which ring_commit rings. */
void		 ring_set_bell(struct ring *, struct ring_bell *);
/*
 * Producer, before it may stop publishing for a while (its input is
 * quiet, or it is about to sleep itself), and between batches of its
 * input: wake the consumer if it sleeps, on however little.
 */
void		 ring_flush(struct ring *);
/*
 * Consumer: none of its n rings had a record.  Spin, then sleep on the
 * bell until a producer publishes or max_us pass.  *idle counts the
 * waits; set it to 0 when a ring moves.
 */
void		 ring_wait(struct ring_bell *, struct ring *const *rings,
		    size_t n, unsigned *idle, int64_t max_us);
/*
 * Producer: ring_reserve, waiting for room (asleep once a spin has not
 * found it, until a quarter of the ring is free); with may_drop, give up
 * after a short wait (under a tenth of a millisecond) and return NULL.
 */
void		*ring_reserve_wait(struct ring *, size_t len, int may_drop);

#endif /* VQ_RING_H */
