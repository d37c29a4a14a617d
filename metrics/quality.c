/*
 * What a listener would have heard, per stream.
 *
 * Each packet goes through the jitter-buffer emulation on arrival (played
 * or discarded).  A sequence number's fate is final once the stream has
 * moved MISORDER numbers past it: played, discarded, or - if it never came
 * - lost.  Final fates feed the loss-pattern counters of the whole stream
 * and of the current interval in sequence order, so bursts are measured
 * as the decoder would meet them, not in the order the network delivered.
 *
 * Intervals are media time: an interval closes when a fate arrives more
 * than interval_us after the interval's first.  Each closed interval is
 * rated with G.107; mos_min is the worst, mos_avg their mean weighted by
 * the sequence numbers each covers (its media time at a constant packet
 * size), and mos_call rates the whole stream's loss, BurstR and delay.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/quality.h"
#include "metrics/seqmath.h"

#define QUALITY_MISORDER	100	/* RFC 3550 A.1's MAX_MISORDER */
/*
 * Sequence numbers held undecided, in a ring indexed by extended seq.
 * Fewer than QUALITY_MISORDER are undecided after each packet, and while
 * a packet is placed no more need share the ring: a packet far ahead
 * first decides the numbers that could not share the ring with it, in
 * the order they would be decided anyway.  Before the first fate, a
 * packet up to QUALITY_MISORDER - 1 below the lowest opens the stream
 * further down, 2 * QUALITY_MISORDER - 2 in all; where that is more than
 * the ring holds, the packet and the numbers between it and the old
 * lowest, none of which came, are decided at once without a slot (see
 * settle_below), as they would have been once placed.  So any ring
 * longer than QUALITY_MISORDER decides the same fates in the same order;
 * this is the smallest power of two that is.
 */
#define QUALITY_WINDOW		128
#define QUALITY_WORDS		(QUALITY_WINDOW / 64)
/*
 * How far from the highest a sequence number may be, ahead or behind,
 * before it is taken as the sender renumbering (RFC 3550 A.1's
 * MAX_DROPOUT).  Wider behind than rtpstat's MAX_MISORDER, because here a
 * jump restarts the listener's model at once, with no second packet to
 * confirm it: a straggler 100 to 3000 behind must stay a packet too late
 * to change a decided fate, not throw the stream's model away.
 */
#define QUALITY_DROPOUT		3000
#define QUALITY_DEFAULT_MS	20.0

_Static_assert(QUALITY_WINDOW > QUALITY_MISORDER &&
    (QUALITY_WINDOW & (QUALITY_WINDOW - 1)) == 0 && QUALITY_WINDOW % 64 == 0,
    "the ring must hold every undecided sequence number in whole words");

/*
 * A stream's listener model, in one block with its jitter buffer and its
 * whole-stream loss pattern after it (quality_new).  What a packet reads
 * or moves comes first; what only a closing interval or a summary reads
 * comes last.
 */
struct quality {
	int64_t			 highest;	/* highest extended seq seen */
	int64_t			 next_final;	/* lowest seq not yet decided */
	struct jbuf		*jb;		/* in the block, after this */
	struct burst		*whole;		/* in the block, after jb */
	int32_t			 started;
	uint32_t		 clock_rate_hz;

	int64_t			 prev_timed_seq;
	uint32_t		 prev_timed_ts;
	int32_t			 have_prev_timed;
	double			 packet_ms;

	int64_t			 last_fate_us;
	int64_t			 interval_start_us;
	int64_t			 interval_us;
	uint64_t		 whole_fates;
	/*
	 * The current interval's loss pattern: all that rating it reads
	 * (its fates, its losses and the runs they form; see
	 * close_interval).  A run that crosses into it starts anew in it.
	 */
	uint64_t		 interval_fates;
	uint64_t		 interval_losses;
	uint64_t		 interval_runs;
	int32_t			 interval_in_run;	/* its last fate a loss */

	/*
	 * The undecided sequence numbers, by extended seq modulo the window:
	 * whether each came (held) and if so whether the buffer discarded
	 * it, one bit each, and its arrival time as an offset from
	 * arrival_base_us, which takes half the room of a whole time.  Once
	 * the arrivals held span more than 32 bits of microseconds (35
	 * minutes) the times are held whole in arrival_wide instead.
	 */
	uint64_t		 held[QUALITY_WORDS];
	uint64_t		 discarded[QUALITY_WORDS];
	int64_t			 arrival_base_us;
	int64_t			*arrival_wide;	/* NULL: offsets in use */
	int32_t			 arrival_off[QUALITY_WINDOW];

	/* Read when an interval closes, and by summaries. */
	const struct emodel_codec *codec;	/* NULL: no MOS */
	int32_t			 have_rtt;
	uint32_t		 intervals;
	double			 rtt_ms;
	double			 mos_min;
	double			 mos_last;	/* of the latest interval */
	double			 r_last;
	double			 mos_weighted;
	uint64_t		 mos_weight;
};

void
quality_config_default(struct quality_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->interval_us = 10 * 1000000LL;
	jbuf_config_default(&cfg->jbuf, JBUF_FIXED);
}

/* The room a part of the block takes, kept a multiple of 8. */
static size_t
part_size(size_t size)
{
	return (size + 7) & ~(size_t)7;
}

size_t
quality_size(const struct quality_config *cfg)
{
	return part_size(sizeof(struct quality)) +
	    part_size(jbuf_size(&cfg->jbuf)) + part_size(burst_size());
}

struct quality *
quality_init(void *mem, const struct quality_config *cfg, const char **cause)
{
	struct quality *q = mem;
	size_t own = part_size(sizeof(*q));

	if (cfg->interval_us <= 0) {
		*cause = "the MOS interval must be positive";
		return NULL;
	}
	memset(q, 0, sizeof(*q));
	/* One block: a packet's updates fall on neighbouring lines. */
	if ((q->jb = jbuf_init((char *)q + own, &cfg->jbuf, cause)) == NULL)
		return NULL;
	q->whole = burst_init((char *)q + own +
	    part_size(jbuf_size(&cfg->jbuf)));
	q->codec = cfg->codec;
	q->clock_rate_hz = cfg->clock_rate_hz;
	q->interval_us = cfg->interval_us;
	q->packet_ms = QUALITY_DEFAULT_MS;
	q->mos_min = 5.0;
	return q;
}

void
quality_release(struct quality *q)
{
	if (q == NULL)
		return;
	free(q->arrival_wide);
	q->arrival_wide = NULL;
}

struct quality *
quality_new(const struct quality_config *cfg, const char **cause)
{
	struct quality *q;
	void *mem;

	if ((mem = malloc(quality_size(cfg))) == NULL) {
		*cause = "out of memory";
		return NULL;
	}
	if ((q = quality_init(mem, cfg, cause)) == NULL)
		free(mem);
	return q;
}

void
quality_free(struct quality *q)
{
	quality_release(q);
	free(q);
}

/* Whether a slot holds a packet that came. */
static int
slot_held(const struct quality *q, size_t slot)
{
	return (q->held[slot / 64] >> (slot % 64)) & 1;
}

/* Whether t - base_us fits an offset. */
static int
offset_fits(int64_t t, int64_t base_us)
{
	return t - base_us >= INT32_MIN && t - base_us <= INT32_MAX;
}

/* When the packet held in a slot arrived. */
static int64_t
slot_arrival(const struct quality *q, size_t slot)
{
	if (q->arrival_wide != NULL)
		return q->arrival_wide[slot];
	return q->arrival_base_us + q->arrival_off[slot];
}

/*
 * Make base_us the offsets' base, re-expressing those held; if one of
 * them is too far from it, hold whole times from now on instead.
 */
static void
arrival_rebase(struct quality *q, int64_t base_us)
{
	size_t slot;

	for (slot = 0; slot < QUALITY_WINDOW; slot++)
		if (slot_held(q, slot) &&
		    !offset_fits(slot_arrival(q, slot), base_us))
			break;
	if (slot < QUALITY_WINDOW) {
		q->arrival_wide = calloc(QUALITY_WINDOW,
		    sizeof(*q->arrival_wide));
		if (q->arrival_wide == NULL)
			abort();	/* 1 KiB: nothing sensible is left */
		for (slot = 0; slot < QUALITY_WINDOW; slot++)
			if (slot_held(q, slot))
				q->arrival_wide[slot] = q->arrival_base_us +
				    q->arrival_off[slot];
		return;
	}
	for (slot = 0; slot < QUALITY_WINDOW; slot++)
		if (slot_held(q, slot))
			q->arrival_off[slot] = (int32_t)(q->arrival_base_us +
			    q->arrival_off[slot] - base_us);
	q->arrival_base_us = base_us;
}

/* Hold a packet that came in an empty slot: its arrival and its verdict. */
static void
slot_hold(struct quality *q, size_t slot, int64_t arrival_us, int discarded)
{
	uint64_t bit = (uint64_t)1 << (slot % 64);

	/* The slot is still empty: a new base need not carry it. */
	if (q->arrival_wide == NULL &&
	    !offset_fits(arrival_us, q->arrival_base_us))
		arrival_rebase(q, arrival_us);
	if (q->arrival_wide != NULL)
		q->arrival_wide[slot] = arrival_us;
	else
		q->arrival_off[slot] = (int32_t)(arrival_us -
		    q->arrival_base_us);
	q->held[slot / 64] |= bit;
	if (discarded)
		q->discarded[slot / 64] |= bit;
}

/* Ta: one-way network delay (half the RTT), buffering and packetization. */
static double
mouth_to_ear_ms(const struct quality *q, const struct jbuf_summary *jb)
{
	return (q->have_rtt ? q->rtt_ms / 2.0 : 0.0) + jb->mean_ms +
	    q->packet_ms;
}

/*
 * Rate a loss pattern with the E-model: packets fates, of which the
 * fraction loss_fraction lost or discarded, with G.107's burst_ratio.
 * The MOS, or -1 for no codec or no fate.
 */
static double
rate(const struct quality *q, uint64_t packets, double loss_fraction,
    double burst_ratio, struct emodel_result *res)
{
	struct emodel_input in;
	struct jbuf_summary jb;

	if (q->codec == NULL || packets == 0)
		return -1;
	jbuf_summary(q->jb, &jb);
	memset(&in, 0, sizeof(in));
	in.codec = q->codec;
	in.ppl_pct = 100.0 * loss_fraction;
	in.burst_r = burst_ratio;
	in.ta_ms = mouth_to_ear_ms(q, &jb);
	emodel_rate(&in, res);
	return res->mos;
}

/*
 * Rate the interval that ends here and start the next.  Its loss
 * fraction and BurstR are figured as burst_summary() figures a stream's.
 */
static void
close_interval(struct quality *q)
{
	struct emodel_result res;
	double mos, fates = (double)q->interval_fates;

	if (q->interval_fates == 0)
		return;
	mos = rate(q, q->interval_fates, (double)q->interval_losses / fates,
	    burst_ratio_g107(q->interval_losses, q->interval_runs,
	    q->interval_fates), &res);
	if (mos >= 0) {
		if (mos < q->mos_min)
			q->mos_min = mos;
		q->mos_last = mos;
		q->r_last = res.r_nb;
		q->mos_weighted += mos * (double)q->interval_fates;
		q->mos_weight += q->interval_fates;
		q->intervals++;
	}
	q->interval_fates = 0;
	q->interval_losses = 0;
	q->interval_runs = 0;
	q->interval_in_run = 0;
}

/* Decide the lowest pending sequence number: fate, at when_us. */
static void
settle_fate(struct quality *q, enum burst_fate fate, int64_t when_us)
{
	int loss = fate != BURST_RECEIVED;

	if (q->interval_fates == 0)
		q->interval_start_us = when_us;
	else if (when_us - q->interval_start_us >= q->interval_us) {
		close_interval(q);
		q->interval_start_us = when_us;
	}
	burst_update(q->whole, fate);
	if (loss) {
		q->interval_losses++;
		if (!q->interval_in_run)
			q->interval_runs++;
	}
	q->interval_in_run = loss;
	q->interval_fates++;
	q->whole_fates++;
	q->last_fate_us = when_us;
	q->next_final++;
}

/* When a lost packet would have come: one packet after the last fate. */
static int64_t
lost_arrival_us(const struct quality *q)
{
	return q->last_fate_us + (int64_t)(q->packet_ms * 1000.0);
}

/* Decide the fate of the lowest pending sequence number from its slot. */
static void
settle_one(struct quality *q)
{
	size_t slot = (size_t)(q->next_final & (QUALITY_WINDOW - 1));
	uint64_t bit = (uint64_t)1 << (slot % 64);
	enum burst_fate fate;

	if (!(q->held[slot / 64] & bit)) {
		settle_fate(q, BURST_LOST, lost_arrival_us(q));
		return;
	}
	fate = q->discarded[slot / 64] & bit ? BURST_DISCARDED :
	    BURST_RECEIVED;
	q->held[slot / 64] &= ~bit;
	q->discarded[slot / 64] &= ~bit;
	settle_fate(q, fate, slot_arrival(q, slot));
}

/*
 * Before the first fate, a packet came so far below the highest that the
 * ring cannot hold both; it is the lowest now, and more than
 * QUALITY_MISORDER below the highest, so placing it would decide it at
 * once, and after it the numbers up to QUALITY_MISORDER below the
 * highest.  Those all lie below the lowest before it, where nothing
 * came: decide them so, without their slots, which other numbers use.
 */
static void
settle_below(struct quality *q, int64_t old_lowest, int discarded,
    int64_t arrival_us)
{
	settle_fate(q, discarded ? BURST_DISCARDED : BURST_RECEIVED,
	    arrival_us);
	while (q->highest - q->next_final >= QUALITY_MISORDER) {
		assert(q->next_final < old_lowest);
		settle_fate(q, BURST_LOST, lost_arrival_us(q));
	}
}

/* Audio per packet, from consecutive timed packets' timestamps. */
static void
learn_packet_size(struct quality *q, int64_t ext, uint32_t timestamp)
{
	double ms;

	if (q->have_prev_timed && ext == q->prev_timed_seq + 1 &&
	    q->clock_rate_hz != 0) {
		ms = (double)(uint32_t)(timestamp - q->prev_timed_ts) * 1000.0 /
		    q->clock_rate_hz;
		if (ms >= 2.5 && ms <= 200.0)
			q->packet_ms = ms;
	}
	q->have_prev_timed = 1;
	q->prev_timed_seq = ext;
	q->prev_timed_ts = timestamp;
}

void
quality_packet(struct quality *q, uint16_t seq, uint32_t timestamp,
    int64_t arrival_us, int marker, int timed)
{
	struct jbuf_pkt jp;
	enum jbuf_verdict v = JBUF_PLAYED;
	int64_t ext, old_lowest = 0;
	int lowered = 0;
	size_t slot;

	if (!q->started) {
		q->started = 1;
		q->highest = q->next_final = seq;
		q->last_fate_us = arrival_us;
		q->arrival_base_us = arrival_us;
	}
	if (seqmath_extend(q->highest, seq, QUALITY_DROPOUT, QUALITY_DROPOUT,
	    &ext) != 0) {
		/* The sender renumbered: decide the old range, start anew. */
		while (q->next_final <= q->highest)
			settle_one(q);
		q->highest = q->next_final = ext;
		q->have_prev_timed = 0;
	}
	if (ext < q->next_final) {
		/*
		 * Before anything is decided, an earlier packet than the first
		 * moves the start down (as rtpstat's lowest sequence number).
		 * Nothing below the old start came: this is no duplicate.
		 */
		if (q->whole_fates != 0 || q->next_final - ext >= QUALITY_MISORDER)
			return;	/* too late to change a decided fate */
		old_lowest = q->next_final;
		q->next_final = ext;
		lowered = 1;
	}

	slot = (size_t)(ext & (QUALITY_WINDOW - 1));
	if (!lowered && ext <= q->highest && slot_held(q, slot))
		return;		/* a duplicate */

	if (timed) {
		memset(&jp, 0, sizeof(jp));
		jp.arrival_us = arrival_us;
		jp.timestamp = timestamp;
		jp.ext_seq = ext;
		jp.marker = (uint8_t)(marker != 0);
		jp.clock_rate_hz = q->clock_rate_hz;
		v = jbuf_update(q->jb, &jp);
		if (v == JBUF_DUPLICATE) {
			/* The buffer saw no number below the start either. */
			assert(!lowered);
			return;
		}
		learn_packet_size(q, ext, timestamp);
	}

	if (lowered && q->highest - ext >= QUALITY_WINDOW) {
		settle_below(q, old_lowest, v == JBUF_DISCARDED, arrival_us);
		return;
	}
	if (ext > q->highest) {
		q->highest = ext;
		/* A gap wider than the window: what falls out is decided. */
		while (q->highest - q->next_final >= QUALITY_WINDOW)
			settle_one(q);
	}
	slot_hold(q, slot, arrival_us, v == JBUF_DISCARDED);
	while (q->highest - q->next_final >= QUALITY_MISORDER)
		settle_one(q);
}

void
quality_set_codec(struct quality *q, const struct emodel_codec *codec,
    uint32_t clock_rate_hz)
{
	q->codec = codec;
	q->clock_rate_hz = clock_rate_hz;
}

void
quality_set_rtt(struct quality *q, double rtt_ms)
{
	if (rtt_ms < 0)
		return;
	q->have_rtt = 1;
	q->rtt_ms = rtt_ms;
}

void
quality_finish(struct quality *q)
{
	if (!q->started)
		return;
	while (q->next_final <= q->highest)
		settle_one(q);
	close_interval(q);
}

void
quality_summary(const struct quality *q, struct quality_summary *s)
{
	struct jbuf_summary jb;
	struct emodel_result res;

	memset(s, 0, sizeof(*s));
	jbuf_summary(q->jb, &jb);
	burst_summary(q->whole, q->packet_ms, &s->burst);
	s->jb_discards = jb.discarded;
	s->jb_delay_ms = jb.mean_ms;
	s->packet_ms = q->packet_ms;
	s->delay_ms = mouth_to_ear_ms(q, &jb);
	s->have_rtt = q->have_rtt;
	s->intervals = q->intervals;
	if (rate(q, s->burst.packets, s->burst.loss_fraction,
	    s->burst.burst_ratio, &res) >= 0) {
		s->have_mos = 1;
		s->mos_call = res.mos;
		s->r_call = res.r_nb;
		s->mos_min = q->intervals ? q->mos_min : res.mos;
		s->mos_last = q->intervals ? q->mos_last : res.mos;
		s->r_last = q->intervals ? q->r_last : res.r_nb;
		s->mos_avg = q->mos_weight ? q->mos_weighted /
		    (double)q->mos_weight : res.mos;
	}
}

uint32_t
quality_intervals(const struct quality *q)
{
	return q->intervals;
}

void
quality_prefetch(const struct quality *q, uint16_t seq)
{
	/* The window's slots are by extended seq modulo a divisor of 2^16. */
	size_t slot = seq & (QUALITY_WINDOW - 1);
	size_t settle = (size_t)(seq - QUALITY_MISORDER) & (QUALITY_WINDOW - 1);
	/* The buffer is next in the block: no need to read q for where. */
	const char *jb = (const char *)q + part_size(sizeof(*q));

	__builtin_prefetch(q);
	__builtin_prefetch((const char *)q + 64);
	__builtin_prefetch((const char *)q + 128);
	__builtin_prefetch(&q->arrival_off[slot]);
	__builtin_prefetch(&q->arrival_off[settle]);
	jbuf_prefetch((const struct jbuf *)jb);
}
