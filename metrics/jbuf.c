/*
 * Jitter-buffer emulation.
 *
 * Each packet's RTP timestamp, extended across wraps and taken from the
 * first packet's, is its media time m (in microseconds, at the payload's
 * clock rate), and its arrival time a gives its transit t = a - m: the
 * network delay plus a constant nobody knows.  A buffer plays every packet
 * at m + P, for a playout offset P; a packet is discarded if it arrives
 * later than that, that is if t > P, and otherwise held for P - t.  The
 * depth of the buffer is P less a reference transit.
 *
 * Fixed buffer: P = t of the first packet + B, as a receiver that starts
 * playing B after the first packet arrives.
 *
 * Adaptive buffer: the same start, with the depth clamped to [min, max].
 * It remembers the transits of the last window_packets packets; at the
 * first packet of each talk spurt (marker bit) it ranks them and sets
 *
 *	P = lowest + clamp(covered - lowest, min, max)
 *
 * where covered is the transit that the chosen share (coverage, 98 %) of
 * them did not exceed: the depth that would have played that share of the
 * recent packets in time, measured from the fastest.  It grows after a
 * jittery spurt and shrinks after calm ones.  The change happens only at a
 * spurt start, where a real receiver can stretch or cut the silence
 * without touching speech, and it may not cut more than the silence: the
 * new spurt never starts before the previous one's last frame has played.
 * With fewer than MIN_SAMPLES transits known the depth stays.
 *
 * Timing restarts: a sender that jumps its timestamps (a new media source
 * behind the same SSRC), or resumes after a hold with timestamps that did
 * not run on, would leave every later packet hours early or late, where a
 * real receiver would start over.  A packet more than RESYNC_US (2 s) from
 * its playout time is judged by the old timing.  Once such packets, all
 * early or all late, cover RESYNC_SPAN_US (200 ms) of media time and their
 * transit has moved by less than half of that, they arrive at the pace
 * they were sent: the timing has moved, and the buffer starts over from
 * the packet that shows it, keeping its depth.  A backlog released at once
 * after a network stall arrives faster than it was sent (its transit
 * falls by as much as its media time grows), does not qualify, and is
 * discarded as late, as a receiver would.  A change of clock rate starts
 * over at once.  Either way what was counted stays counted.
 *
 * What is not modelled: buffer overflow (an early packet is always kept),
 * and the drift between sender and receiver clocks, which a long call
 * without talk spurts turns into discards (fixed) or growing delay.
 */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/jbuf.h"
#include "metrics/seqmath.h"

/* Sequence numbers remembered to tell a duplicate (a power of two). */
#define SEEN_SEQS	1024
#define SEEN_WORDS	(SEEN_SEQS / 64)

_Static_assert((SEEN_SEQS & (SEEN_SEQS - 1)) == 0 && SEEN_SEQS % 64 == 0,
    "the duplicate window must fill whole words");

/* Adaptive resizing needs this many transits to go by. */
#define MIN_SAMPLES	10
/* The largest window an adaptive buffer may keep. */
#define MAX_WINDOW	65536
/* A packet this far from its playout time may mean the timing restarted; */
#define RESYNC_US	2000000
/* packets that far off for this much media time, at their pace, show it. */
#define RESYNC_SPAN_US	200000

/*
 * The fields each packet reads or moves come first, so that a packet
 * touches few cache lines; the configuration, read at talk-spurt starts
 * and in summaries, and the duplicate window, one word of it a packet,
 * come after them.  Packets fed are not kept: each is counted in exactly
 * one of played, discarded, duplicates and untimed.
 */
struct jbuf {
	int64_t		 offset_us;	/* P */
	/* Media time: the timestamp extended from the last packet in time. */
	int64_t		 ref_ts_ext;	/* ticks since the first packet */
	uint32_t	 ref_ts;
	uint32_t	 clock_rate_hz;
	int64_t		 seen_top;	/* end of the duplicate window */

	/* The newest packet so far, for the spurt-start limit. */
	int64_t		 top_seq;
	int64_t		 top_media_us;
	int64_t		 frame_us;	/* media time of one packet */

	uint64_t	 played;
	uint64_t	 held;		/* packets whose holding time counts */
	double		 held_us;	/* their holding times, summed */
	uint64_t	 discarded;
	uint64_t	 duplicates;
	uint64_t	 untimed;

	int32_t		 started;
	/* Packets far from their playout time: -1 early, 1 late, 0 none. */
	int32_t		 off_side;
	int64_t		 off_transit_us;	/* the first one's transit */
	int64_t		 off_media_us;		/* and media time */

	int64_t		 depth_us;	/* P less the reference transit */
	uint32_t	 resizes;
	uint32_t	 resyncs;

	/* Adaptive: a ring of recent transits, in the same block. */
	int64_t		*transit;
	unsigned	 n_transit;
	unsigned	 next_transit;

	struct jbuf_config cfg;

	/* Sequence numbers seen, in a window ending at seen_top. */
	uint64_t	 seen[SEEN_WORDS];
};

/* Fill the defaults for a kind of buffer. */
void
jbuf_config_default(struct jbuf_config *cfg, enum jbuf_kind kind)
{
	cfg->kind = kind;
	cfg->nominal_ms = 60;
	cfg->min_ms = 20;
	cfg->max_ms = 200;
	cfg->coverage = 0.98;
	cfg->window_packets = 500;
}

/* Why a configuration cannot be used, or NULL if it can. */
static const char *
config_check(const struct jbuf_config *cfg)
{
	if (cfg->kind != JBUF_FIXED && cfg->kind != JBUF_ADAPTIVE)
		return "unknown jitter buffer kind";
	if (!(cfg->nominal_ms >= 0 && cfg->nominal_ms <= 10000))
		return "jitter buffer depth must be 0 to 10000 ms";
	if (cfg->kind == JBUF_FIXED)
		return NULL;
	if (!(cfg->min_ms >= 0 && cfg->min_ms <= cfg->max_ms &&
	    cfg->max_ms <= 10000))
		return "jitter buffer bounds need 0 <= min <= max <= 10000 ms";
	if (!(cfg->coverage > 0 && cfg->coverage <= 1))
		return "jitter buffer coverage must be above 0 and at most 1";
	if (cfg->window_packets < 1 || cfg->window_packets > MAX_WINDOW)
		return "jitter buffer window must be 1 to 65536 packets";
	return NULL;
}

/* The room a buffer takes: its adaptive ring of transits follows it. */
size_t
jbuf_size(const struct jbuf_config *cfg)
{
	size_t	size = sizeof(struct jbuf);

	if (cfg->kind == JBUF_ADAPTIVE && config_check(cfg) == NULL)
		size += (size_t)cfg->window_packets * sizeof(int64_t);
	return size;
}

/* A new buffer in jbuf_size() bytes at mem, or NULL with *cause set. */
struct jbuf *
jbuf_init(void *mem, const struct jbuf_config *cfg, const char **cause)
{
	struct jbuf	*jb = mem;
	const char	*why;

	if ((why = config_check(cfg)) != NULL) {
		*cause = why;
		return NULL;
	}
	memset(jb, 0, sizeof *jb);
	jb->cfg = *cfg;
	/* Only the transits pushed are read: the ring needs no clearing. */
	if (cfg->kind == JBUF_ADAPTIVE)
		jb->transit = (int64_t *)(jb + 1);
	return jb;
}

/* A new buffer, or NULL with *cause saying why. */
struct jbuf *
jbuf_new(const struct jbuf_config *cfg, const char **cause)
{
	struct jbuf	*jb;
	const char	*why;

	if ((why = config_check(cfg)) != NULL) {
		*cause = why;
		return NULL;
	}
	if ((jb = malloc(jbuf_size(cfg))) == NULL) {
		*cause = "out of memory";
		return NULL;
	}
	return jbuf_init(jb, cfg, cause);
}

/* Free a buffer made by jbuf_new(); NULL is allowed. */
void
jbuf_free(struct jbuf *jb)
{
	free(jb);
}

/* Milliseconds to whole microseconds. */
static int64_t
ms_to_us(double ms)
{
	return (int64_t)llround(ms * 1000);
}

/* RTP ticks to microseconds, without overflowing on long streams. */
static int64_t
ticks_to_us(int64_t ticks, uint32_t clock_rate_hz)
{
	int64_t	whole = ticks / clock_rate_hz, rest = ticks % clock_rate_hz;

	return whole * 1000000 + rest * 1000000 / clock_rate_hz;
}

/*
 * Mark seq seen; return 1 if it already was.  A sequence number more than
 * SEEN_SEQS behind the newest (20 s of 20 ms packets) is no late packet
 * but a sender that numbers afresh: the window starts over from it.
 */
static int
seen_mark(struct jbuf *jb, int64_t seq)
{
	int64_t	s;
	int	was;

	if (seq > jb->seen_top || seq <= jb->seen_top - SEEN_SEQS) {
		if (seq - jb->seen_top >= SEEN_SEQS ||
		    seq <= jb->seen_top - SEEN_SEQS)
			memset(jb->seen, 0, sizeof jb->seen);
		else {
			for (s = jb->seen_top + 1; s <= seq; s++)
				jb->seen[seqmath_word(s, SEEN_SEQS)] &=
				    ~seqmath_bit(s);
		}
		jb->seen_top = seq;
	}
	was = (jb->seen[seqmath_word(seq, SEEN_SEQS)] & seqmath_bit(seq)) != 0;
	jb->seen[seqmath_word(seq, SEEN_SEQS)] |= seqmath_bit(seq);
	return was;
}

/* Remember a transit for the adaptive depth. */
static void
transit_push(struct jbuf *jb, int64_t transit_us)
{
	if (jb->transit == NULL)
		return;
	jb->transit[jb->next_transit] = transit_us;
	jb->next_transit = (jb->next_transit + 1) % jb->cfg.window_packets;
	if (jb->n_transit < jb->cfg.window_packets)
		jb->n_transit++;
}

/* The adaptive depth clamped to its bounds, in microseconds. */
static int64_t
clamp_depth(const struct jbuf *jb, int64_t depth_us)
{
	int64_t	lo = ms_to_us(jb->cfg.min_ms), hi = ms_to_us(jb->cfg.max_ms);

	if (jb->cfg.kind != JBUF_ADAPTIVE)
		return depth_us;
	return depth_us < lo ? lo : depth_us > hi ? hi : depth_us;
}

/*
 * Start the timing at this packet: its media time is 0 and it plays after
 * the current depth (the nominal one, the first time).
 */
static void
timing_start(struct jbuf *jb, const struct jbuf_pkt *pkt)
{
	if (!jb->started)
		jb->depth_us = clamp_depth(jb, ms_to_us(jb->cfg.nominal_ms));
	jb->started = 1;
	jb->clock_rate_hz = pkt->clock_rate_hz;
	jb->ref_ts = pkt->timestamp;
	jb->ref_ts_ext = 0;
	jb->offset_us = pkt->arrival_us + jb->depth_us;
	jb->off_side = 0;
	jb->top_seq = pkt->ext_seq;
	jb->top_media_us = 0;
	jb->frame_us = 0;
	jb->n_transit = jb->next_transit = 0;
	transit_push(jb, pkt->arrival_us);
}

/*
 * The k-th smallest (from 0) of the n transits, which lie in [lo, hi]:
 * the least value that at least k + 1 of them do not exceed, found by
 * halving [lo, hi].  No copy and no sort: the ring stays as it is and a
 * stream keeps no second array for the purpose.  The halving is done on
 * the unsigned distance from lo, so that no difference overflows.
 */
static int64_t
transit_rank(const struct jbuf *jb, unsigned n, unsigned k, int64_t lo,
    int64_t hi)
{
	uint64_t	span = (uint64_t)hi - (uint64_t)lo, below, above, mid;
	unsigned	i, count;

	/* The answer is lo + d for the least d in [below, above] that fits. */
	below = 0;
	above = span;
	while (below < above) {
		mid = below + (above - below) / 2;
		count = 0;
		for (i = 0; i < n; i++)
			if ((uint64_t)jb->transit[i] - (uint64_t)lo <= mid)
				count++;
		if (count >= k + 1)
			above = mid;
		else
			below = mid + 1;
	}
	return (int64_t)((uint64_t)lo + below);
}

/*
 * A talk spurt starts with this packet (media time media_us): move the
 * playout offset to cover the chosen share of recent transits, no earlier
 * than the end of the previous spurt's last frame.
 */
static void
adapt(struct jbuf *jb, int64_t media_us)
{
	unsigned	n = jb->n_transit, k, i;
	int64_t		lowest, highest, depth_us, offset_us, earliest_us;
	double		want;

	if (n < MIN_SAMPLES)
		return;
	lowest = highest = jb->transit[0];
	for (i = 1; i < n; i++) {
		if (jb->transit[i] < lowest)
			lowest = jb->transit[i];
		if (jb->transit[i] > highest)
			highest = jb->transit[i];
	}

	/* The k-th smallest covers k + 1 of n; slack for rounding 0.98 * n. */
	want = ceil(jb->cfg.coverage * n - 1e-9);
	k = want < 1 ? 0 : (unsigned)want - 1;
	if (k >= n)
		k = n - 1;
	depth_us = clamp_depth(jb, transit_rank(jb, n, k, lowest, highest) -
	    lowest);
	offset_us = lowest + depth_us;

	earliest_us = jb->top_media_us + jb->offset_us + jb->frame_us -
	    media_us;
	if (offset_us < earliest_us)
		offset_us = earliest_us;
	if (offset_us != jb->offset_us) {
		jb->resizes++;
		jb->offset_us = offset_us;
	}
	jb->depth_us = offset_us - lowest;
}

/*
 * Whether this packet, off_side (-1 early, 1 late, 0 in range) by more than
 * RESYNC_US, shows with the ones before it that the timing has moved.
 */
static int
resync_confirmed(struct jbuf *jb, int off_side, int64_t transit_us,
    int64_t media_us)
{
	int64_t	span_us, moved_us;

	if (off_side == 0 || off_side != jb->off_side) {
		jb->off_side = off_side;
		jb->off_transit_us = transit_us;
		jb->off_media_us = media_us;
		return 0;
	}
	span_us = media_us - jb->off_media_us;
	moved_us = transit_us - jb->off_transit_us;
	if (moved_us < 0)
		moved_us = -moved_us;
	return span_us >= RESYNC_SPAN_US && moved_us <= span_us / 2;
}

/* Emulate one packet's arrival and say what became of it. */
enum jbuf_verdict
jbuf_update(struct jbuf *jb, const struct jbuf_pkt *pkt)
{
	int64_t		ts_ext, media_us, transit_us, playout_us, far_us;
	int		off_side = 0;

	if (pkt->clock_rate_hz == 0) {
		jb->untimed++;
		return JBUF_UNTIMED;
	}
	if (!jb->started) {
		jb->seen_top = pkt->ext_seq;
		seen_mark(jb, pkt->ext_seq);
		timing_start(jb, pkt);
		goto played_now;
	}
	if (seen_mark(jb, pkt->ext_seq)) {
		jb->duplicates++;
		return JBUF_DUPLICATE;
	}
	if (pkt->clock_rate_hz != jb->clock_rate_hz) {
		jb->resyncs++;
		timing_start(jb, pkt);
		goto played_now;
	}

	/* Signed distance from the reference: wraps and reordering. */
	ts_ext = jb->ref_ts_ext + seqmath_ts_diff(jb->ref_ts, pkt->timestamp);
	media_us = ticks_to_us(ts_ext, jb->clock_rate_hz);
	transit_us = pkt->arrival_us - media_us;
	far_us = transit_us - jb->offset_us;
	if (far_us > RESYNC_US)
		off_side = 1;
	else if (far_us < -RESYNC_US)
		off_side = -1;
	if (resync_confirmed(jb, off_side, transit_us, media_us)) {
		jb->resyncs++;
		timing_start(jb, pkt);
		goto played_now;
	}

	if (off_side == 0) {
		/* In time or nearly: a sound reference for the next one. */
		jb->ref_ts = pkt->timestamp;
		jb->ref_ts_ext = ts_ext;
		transit_push(jb, transit_us);
		if (pkt->ext_seq > jb->top_seq ||
		    pkt->ext_seq <= jb->top_seq - SEEN_SEQS) {
			if (jb->cfg.kind == JBUF_ADAPTIVE && pkt->marker)
				adapt(jb, media_us);
			if (pkt->ext_seq == jb->top_seq + 1 &&
			    media_us > jb->top_media_us)
				jb->frame_us = media_us - jb->top_media_us;
			jb->top_seq = pkt->ext_seq;
			jb->top_media_us = media_us;
		}
	}

	playout_us = media_us + jb->offset_us;
	if (pkt->arrival_us > playout_us) {
		jb->discarded++;
		return JBUF_DISCARDED;
	}
	jb->played++;
	/* Far early, a jump not yet confirmed: no measure of the buffer. */
	if (off_side == 0) {
		jb->held++;
		jb->held_us += (double)(playout_us - pkt->arrival_us);
	}
	return JBUF_PLAYED;

played_now:
	/* The packet the timing starts from plays after the depth. */
	jb->played++;
	jb->held++;
	jb->held_us += (double)jb->depth_us;
	return JBUF_PLAYED;
}

/* The figures so far; the buffer can go on being updated afterwards. */
void
jbuf_summary(const struct jbuf *jb, struct jbuf_summary *s)
{
	memset(s, 0, sizeof *s);
	s->packets = jb->played + jb->discarded + jb->duplicates + jb->untimed;
	s->played = jb->played;
	s->discarded = jb->discarded;
	s->duplicates = jb->duplicates;
	s->untimed = jb->untimed;
	s->resizes = jb->resizes;
	s->resyncs = jb->resyncs;
	s->current_ms = jb->started ? (double)jb->depth_us / 1000 :
	    jb->cfg.nominal_ms;
	if (jb->held > 0)
		s->mean_ms = jb->held_us / (double)jb->held / 1000;
}

void
jbuf_prefetch(const struct jbuf *jb)
{
	size_t off;

	for (off = 0; off < sizeof(*jb); off += 64)
		__builtin_prefetch((const char *)jb + off);
}
