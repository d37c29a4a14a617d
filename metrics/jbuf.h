/*
 * Jitter-buffer emulation: which packets of a stream a receiver would have
 * played and which it would have discarded for arriving too late (RFC
 * 3611's "discarded"), and how long the buffer held them, the buffer's
 * share of the one-way delay the E-model rates.
 *
 * Two buffers.  A fixed one of nominal depth B plays each packet at the
 * first packet's arrival + B + the packet's RTP time since the first.  An
 * adaptive one starts the same way and, at each talk-spurt start (a packet
 * with the marker bit), moves its playout point so that the depth covers a
 * chosen share of the recent packets' delays, within [min, max]; see
 * jbuf.c for the details.
 *
 * Packets are fed in arrival order, each with its extended sequence number
 * (RFC 3550 A.1).  A packet is discarded if it arrives after its playout
 * time (at it, it still plays); one that arrives out of order but in time
 * is played; a duplicate is ignored (neither played nor discarded).  Time
 * is capture time; nothing reads a clock.
 */
#ifndef VQ_JBUF_H
#define VQ_JBUF_H

#include <stddef.h>
#include <stdint.h>

enum jbuf_kind {
	JBUF_FIXED = 0,
	JBUF_ADAPTIVE
};

struct jbuf_config {
	enum jbuf_kind	kind;
	double		nominal_ms;	/* fixed depth; adaptive's first (60) */
	double		min_ms;		/* adaptive: smallest depth (20) */
	double		max_ms;		/* adaptive: largest depth (200) */
	double		coverage;	/* adaptive: share of recent packets the
					   depth should be in time for (0.98) */
	unsigned	window_packets;	/* adaptive: how many recent (500) */
};

struct jbuf_pkt {
	int64_t		arrival_us;	/* capture time */
	uint32_t	timestamp;	/* RTP timestamp */
	int64_t		ext_seq;	/* extended sequence number */
	uint8_t		marker;		/* RTP marker: a talk spurt starts */
	uint32_t	clock_rate_hz;	/* of the payload; 0: cannot place it */
};

enum jbuf_verdict {
	JBUF_PLAYED = 0,	/* in time, perhaps out of order */
	JBUF_DISCARDED,		/* arrived after its playout time */
	JBUF_DUPLICATE,		/* a sequence number already seen: ignored */
	JBUF_UNTIMED		/* no clock rate: ignored */
};

struct jbuf_summary {
	uint64_t	packets;	/* every packet fed */
	uint64_t	played;
	uint64_t	discarded;
	uint64_t	duplicates;
	uint64_t	untimed;
	uint32_t	resizes;	/* adaptive playout point moves */
	uint32_t	resyncs;	/* timing restarts: see jbuf.c */
	double		current_ms;	/* the depth in force now */
	double		mean_ms;	/* mean time a played packet was held:
					   the buffer's part of the delay */
};

struct jbuf;

/* Fill the defaults for a kind of buffer. */
void		 jbuf_config_default(struct jbuf_config *, enum jbuf_kind);
/*
 * A new buffer, or NULL with *cause saying why (a configuration out of
 * range, or out of memory).
 */
struct jbuf	*jbuf_new(const struct jbuf_config *, const char **cause);
void		 jbuf_free(struct jbuf *);
/*
 * For a caller that keeps the buffer inside a block of its own: the room
 * it takes (a multiple of 8), and the buffer made in that room at mem,
 * aligned for an int64_t (NULL with *cause set, as jbuf_new).  Nothing
 * to free but the block.
 */
size_t		 jbuf_size(const struct jbuf_config *);
struct jbuf	*jbuf_init(void *mem, const struct jbuf_config *,
		    const char **cause);
/* Emulate one packet's arrival and say what became of it. */
enum jbuf_verdict jbuf_update(struct jbuf *, const struct jbuf_pkt *);
/* The figures so far; the buffer can go on being updated afterwards. */
void		 jbuf_summary(const struct jbuf *, struct jbuf_summary *);

/* Start loading the state a packet will update (a hint for speed). */
void		 jbuf_prefetch(const struct jbuf *);

#endif /* VQ_JBUF_H */
