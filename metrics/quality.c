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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/quality.h"
#include "metrics/seqmath.h"

#define QUALITY_MISORDER	100	/* RFC 3550 A.1's MAX_MISORDER */
/*
 * Sequence numbers held undecided, in a ring indexed by extended seq.
 * Fewer than QUALITY_MISORDER are undecided after each packet.  While a
 * packet is placed the span can be wider: before the first fate, a packet
 * up to QUALITY_MISORDER - 1 below the lowest opens the stream further
 * down (2 * QUALITY_MISORDER - 2 in all), and a packet far ahead first
 * decides the numbers that could not share the ring with it, in the order
 * they would be decided anyway.  So any ring longer than that span decides
 * the same fates in the same order; this is the smallest power of two
 * that is.
 */
#define QUALITY_WINDOW		256
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

_Static_assert(QUALITY_WINDOW > 2 * QUALITY_MISORDER - 2 &&
    (QUALITY_WINDOW & (QUALITY_WINDOW - 1)) == 0,
    "the ring must hold every undecided sequence number");

enum slot_state { SLOT_EMPTY = 0, SLOT_PLAYED, SLOT_DISCARDED };

struct quality {
	struct quality_config	 cfg;
	struct jbuf		*jb;
	struct burst		*whole;
	struct burst		*interval;

	int			 started;
	int64_t			 highest;	/* highest extended seq seen */
	int64_t			 next_final;	/* lowest seq not yet decided */

	int64_t			 last_fate_us;
	int64_t			 interval_start_us;
	uint64_t		 interval_fates;
	uint64_t		 whole_fates;
	uint32_t		 intervals;
	double			 mos_min;
	double			 mos_last;	/* of the latest interval */
	double			 r_last;
	double			 mos_weighted;
	uint64_t		 mos_weight;

	int64_t			 prev_timed_seq;
	uint32_t		 prev_timed_ts;
	int			 have_prev_timed;
	double			 packet_ms;

	int			 have_rtt;
	double			 rtt_ms;

	/*
	 * The undecided sequence numbers, by extended seq modulo the window:
	 * each one's slot_state, and its arrival time as an offset from
	 * arrival_base_us, which takes half the room of a whole time.  Once
	 * the arrivals held span more than 32 bits of microseconds (35
	 * minutes) the times are held whole in arrival_wide instead.
	 */
	int64_t			 arrival_base_us;
	int64_t			*arrival_wide;	/* NULL: offsets in use */
	uint8_t			 state[QUALITY_WINDOW];
	int32_t			 arrival_off[QUALITY_WINDOW];
};

void
quality_config_default(struct quality_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->interval_us = 10 * 1000000LL;
	jbuf_config_default(&cfg->jbuf, JBUF_FIXED);
}

struct quality *
quality_new(const struct quality_config *cfg, const char **cause)
{
	struct quality *q;

	if (cfg->interval_us <= 0) {
		*cause = "the MOS interval must be positive";
		return NULL;
	}
	if ((q = calloc(1, sizeof(*q))) == NULL) {
		*cause = "out of memory";
		return NULL;
	}
	q->cfg = *cfg;
	q->packet_ms = QUALITY_DEFAULT_MS;
	q->mos_min = 5.0;
	q->jb = jbuf_new(&cfg->jbuf, cause);
	q->whole = burst_new();
	q->interval = burst_new();
	if (q->jb == NULL || q->whole == NULL || q->interval == NULL) {
		if (q->jb != NULL)
			*cause = "out of memory";
		quality_free(q);
		return NULL;
	}
	return q;
}

void
quality_free(struct quality *q)
{
	if (q == NULL)
		return;
	jbuf_free(q->jb);
	burst_free(q->whole);
	burst_free(q->interval);
	free(q->arrival_wide);
	free(q);
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
		if (q->state[slot] != SLOT_EMPTY &&
		    !offset_fits(slot_arrival(q, slot), base_us))
			break;
	if (slot < QUALITY_WINDOW) {
		q->arrival_wide = calloc(QUALITY_WINDOW,
		    sizeof(*q->arrival_wide));
		if (q->arrival_wide == NULL)
			abort();	/* 2 KiB: nothing sensible is left */
		for (slot = 0; slot < QUALITY_WINDOW; slot++)
			if (q->state[slot] != SLOT_EMPTY)
				q->arrival_wide[slot] = q->arrival_base_us +
				    q->arrival_off[slot];
		return;
	}
	for (slot = 0; slot < QUALITY_WINDOW; slot++)
		if (q->state[slot] != SLOT_EMPTY)
			q->arrival_off[slot] = (int32_t)(q->arrival_base_us +
			    q->arrival_off[slot] - base_us);
	q->arrival_base_us = base_us;
}

/* Remember when the packet held in a slot arrived. */
static void
slot_set_arrival(struct quality *q, size_t slot, int64_t arrival_us)
{
	if (q->arrival_wide == NULL &&
	    !offset_fits(arrival_us, q->arrival_base_us))
		arrival_rebase(q, arrival_us);
	if (q->arrival_wide != NULL)
		q->arrival_wide[slot] = arrival_us;
	else
		q->arrival_off[slot] = (int32_t)(arrival_us -
		    q->arrival_base_us);
}

/* Ta: one-way network delay (half the RTT), buffering and packetization. */
static double
mouth_to_ear_ms(const struct quality *q, const struct jbuf_summary *jb)
{
	return (q->have_rtt ? q->rtt_ms / 2.0 : 0.0) + jb->mean_ms +
	    q->packet_ms;
}

/* Rate a loss pattern with the E-model; the MOS, or -1 for no codec. */
static double
rate(const struct quality *q, const struct burst_summary *bs,
    struct emodel_result *res)
{
	struct emodel_input in;
	struct jbuf_summary jb;

	if (q->cfg.codec == NULL || bs->packets == 0)
		return -1;
	jbuf_summary(q->jb, &jb);
	memset(&in, 0, sizeof(in));
	in.codec = q->cfg.codec;
	in.ppl_pct = 100.0 * bs->loss_fraction;
	in.burst_r = bs->burst_ratio;
	in.ta_ms = mouth_to_ear_ms(q, &jb);
	emodel_rate(&in, res);
	return res->mos;
}

static void
close_interval(struct quality *q)
{
	struct burst_summary bs;
	struct emodel_result res;
	double mos;

	if (q->interval_fates == 0)
		return;
	burst_summary(q->interval, q->packet_ms, &bs);
	if ((mos = rate(q, &bs, &res)) >= 0) {
		if (mos < q->mos_min)
			q->mos_min = mos;
		q->mos_last = mos;
		q->r_last = res.r_nb;
		q->mos_weighted += mos * (double)q->interval_fates;
		q->mos_weight += q->interval_fates;
		q->intervals++;
	}
	burst_reset(q->interval);
	q->interval_fates = 0;
}

/* Decide the fate of the lowest pending sequence number. */
static void
settle_one(struct quality *q)
{
	size_t slot = (size_t)(q->next_final & (QUALITY_WINDOW - 1));
	enum burst_fate fate = BURST_LOST;
	/* A lost packet would have come one packet after the last fate. */
	int64_t when = q->last_fate_us + (int64_t)(q->packet_ms * 1000.0);

	if (q->state[slot] != SLOT_EMPTY) {
		fate = q->state[slot] == SLOT_PLAYED ? BURST_RECEIVED :
		    BURST_DISCARDED;
		when = slot_arrival(q, slot);
	}
	if (q->interval_fates == 0)
		q->interval_start_us = when;
	else if (when - q->interval_start_us >= q->cfg.interval_us) {
		close_interval(q);
		q->interval_start_us = when;
	}
	burst_update(q->whole, fate);
	burst_update(q->interval, fate);
	q->interval_fates++;
	q->whole_fates++;
	q->last_fate_us = when;
	q->state[slot] = SLOT_EMPTY;
	q->next_final++;
}

/* Audio per packet, from consecutive timed packets' timestamps. */
static void
learn_packet_size(struct quality *q, int64_t ext, uint32_t timestamp)
{
	double ms;

	if (q->have_prev_timed && ext == q->prev_timed_seq + 1 &&
	    q->cfg.clock_rate_hz != 0) {
		ms = (double)(uint32_t)(timestamp - q->prev_timed_ts) * 1000.0 /
		    q->cfg.clock_rate_hz;
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
	int64_t ext;
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
		 */
		if (q->whole_fates != 0 || q->next_final - ext >= QUALITY_MISORDER)
			return;	/* too late to change a decided fate */
		q->next_final = ext;
	}

	slot = (size_t)(ext & (QUALITY_WINDOW - 1));
	if (ext <= q->highest && q->state[slot] != SLOT_EMPTY)
		return;		/* a duplicate */

	if (timed) {
		memset(&jp, 0, sizeof(jp));
		jp.arrival_us = arrival_us;
		jp.timestamp = timestamp;
		jp.ext_seq = ext;
		jp.marker = (uint8_t)(marker != 0);
		jp.clock_rate_hz = q->cfg.clock_rate_hz;
		v = jbuf_update(q->jb, &jp);
		if (v == JBUF_DUPLICATE)
			return;
		learn_packet_size(q, ext, timestamp);
	}

	if (ext > q->highest) {
		q->highest = ext;
		/* A gap wider than the window: what falls out is decided. */
		while (q->highest - q->next_final >= QUALITY_WINDOW)
			settle_one(q);
	}
	slot = (size_t)(ext & (QUALITY_WINDOW - 1));
	/* The slot is still empty: a new base need not carry it. */
	slot_set_arrival(q, slot, arrival_us);
	q->state[slot] = v == JBUF_DISCARDED ? SLOT_DISCARDED : SLOT_PLAYED;
	while (q->highest - q->next_final >= QUALITY_MISORDER)
		settle_one(q);
}

void
quality_set_codec(struct quality *q, const struct emodel_codec *codec,
    uint32_t clock_rate_hz)
{
	q->cfg.codec = codec;
	q->cfg.clock_rate_hz = clock_rate_hz;
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
	if (rate(q, &s->burst, &res) >= 0) {
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
	size_t settle = (seq - QUALITY_MISORDER) & (QUALITY_WINDOW - 1);

	__builtin_prefetch(q);
	__builtin_prefetch((const char *)q + 64);
	__builtin_prefetch(&q->state[slot]);
	__builtin_prefetch(&q->arrival_off[slot]);
	__builtin_prefetch(&q->state[settle]);
	__builtin_prefetch(&q->arrival_off[settle]);
	jbuf_prefetch(q->jb);
	burst_prefetch(q->whole);
	burst_prefetch(q->interval);
}
