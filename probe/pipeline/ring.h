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
/* Consumer: done with the record ring_peek gave. */
void		 ring_release(struct ring *);

/* Either side: is the ring empty right now?  (A hint; it may change.) */
int		 ring_empty(const struct ring *);

/*
 * Either side, waiting for the other: yield a few times (it is usually
 * about to move), then sleep, longer the longer it stays idle, up to 1 ms.
 * *idle counts the waits; set it to 0 when the ring moves.
 */
void		 ring_idle_wait(unsigned *idle);
/*
 * Producer: ring_reserve, waiting for room; with may_drop, give up after
 * a few tries and return NULL.
 */
void		*ring_reserve_wait(struct ring *, size_t len, int may_drop);

#endif /* VQ_RING_H */
