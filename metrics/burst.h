/*
 * Loss-pattern metrics over one stream: the G.107 burst ratio (from loss
 * runs, and from a two-state Markov fit), a histogram of loss runs, the
 * longest run, and RFC 3611's burst/gap figures (section 4.7.2, Appendix
 * A.2, Gmin 16).
 *
 * The stream is fed one sequence number at a time, in sequence order, each
 * as received, lost in the network or discarded by the jitter buffer.
 * "Loss" below means lost or discarded: that is what the listener misses,
 * what RFC 3611 counts, and what the E-model wants.  The caller decides
 * when a sequence number's fate is final (once no late packet can still
 * fill it) and feeds it then.
 */
#ifndef VQ_BURST_H
#define VQ_BURST_H

#include <stddef.h>
#include <stdint.h>

/* RFC 3611's Gmin: a gap is at least this many packets received. */
#define BURST_GMIN		16
/* Histogram bins: runs of 1, 2, ... 9 packets, and 10 or more. */
#define BURST_HIST_BINS		10

enum burst_fate {
	BURST_RECEIVED = 0,
	BURST_LOST,		/* never arrived */
	BURST_DISCARDED		/* arrived too late (or early) to be played */
};

struct burst_summary {
	uint64_t	packets;	/* sequence numbers fed */
	uint64_t	received;
	uint64_t	lost;
	uint64_t	discarded;
	double		loss_fraction;	/* (lost + discarded) / packets */

	/* Runs of consecutive lost-or-discarded packets. */
	uint64_t	runs;
	uint64_t	longest_run;
	/* hist[k - 1]: runs of k packets; the last bin, 10 or more. */
	uint64_t	run_hist[BURST_HIST_BINS];
	/* G.107 BurstR = mean run x (1 - loss); 1 without loss. */
	double		burst_ratio;

	/*
	 * Two-state Markov (Gilbert) fit: p = P(loss | previous received),
	 * q = P(received | previous lost), BurstR = 1 / (p + q); each 0
	 * when nothing was seen to estimate it from, and BurstR 1 when
	 * p + q is 0 (no loss, or nothing but loss).
	 */
	double		markov_p;
	double		markov_q;
	double		markov_burst_ratio;

	/* RFC 3611 A.2 transition counters, and ctotal. */
	uint64_t	c11, c13, c14, c22, c23, c33, ctotal;
	/* Loss within bursts and within gaps, in 1/256 as in an XR block. */
	double		burst_density;
	double		gap_density;
	/* Mean burst and gap durations. */
	double		burst_ms;
	double		gap_ms;
};

struct burst;

/* A new, empty stream; NULL when out of memory. */
struct burst	*burst_new(void);
void		 burst_free(struct burst *);
/*
 * For a caller that keeps a stream inside a block of its own: the room it
 * takes (a multiple of 8), and an empty stream made in that room at mem,
 * aligned for a uint64_t.  Nothing to free but the block.
 */
size_t		 burst_size(void);
struct burst	*burst_init(void *mem);
/* Empty a stream for reuse, as burst_new() makes it. */
void		 burst_reset(struct burst *);
/* The next sequence number's fate. */
void		 burst_update(struct burst *, enum burst_fate);
/*
 * G.107's BurstR from loss runs: the mean run length (lost / runs) over
 * the mean under random loss, 1 / (1 - lost / seqs).  1 without a run.
 */
double		 burst_ratio_g107(uint64_t lost, uint64_t runs, uint64_t seqs);
/*
 * The figures so far, durations for ms_per_packet of audio in a packet;
 * the stream can go on being updated afterwards.
 */
void		 burst_summary(const struct burst *, double ms_per_packet,
		    struct burst_summary *);

/* Start loading the state a packet will update (a hint for speed). */
void		 burst_prefetch(const struct burst *);

#endif /* VQ_BURST_H */
