/*
 * Unit tests for metrics/jbuf.c: fixed and adaptive jitter-buffer
 * emulation, discards, holding times, reordering, duplicates, timestamp
 * wraps and timing restarts.
 *
 * Every stream is 20 ms packets at 8000 Hz (160 ticks) that take 20 ms to
 * cross the network unless a case delays them; each case works out by hand,
 * in its comment, which packets miss their playout time.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/jbuf.h"
#include "tests/unit.h"

#define T0_US		5000000	/* the first packet's send time */
#define PTIME_US	20000
#define TS_PER_PKT	160
#define BASE_US		20000	/* the network's delay */

static struct jbuf *
new_jbuf(const struct jbuf_config *cfg)
{
	struct jbuf	*jb;
	const char	*cause = NULL;

	if ((jb = jbuf_new(cfg, &cause)) == NULL) {
		fprintf(stderr, "jbuf_new: %s\n", cause);
		exit(1);
	}
	return jb;
}

static struct jbuf *
new_kind(enum jbuf_kind kind)
{
	struct jbuf_config	cfg;

	jbuf_config_default(&cfg, kind);
	return new_jbuf(&cfg);
}

/*
 * Packet number slot (its send time T0 + slot x 20 ms and timestamp
 * ts0 + slot x 160), sequence number seq, delayed extra_us beyond the
 * network's 20 ms.
 */
static enum jbuf_verdict
feed_at(struct jbuf *jb, uint32_t ts0, unsigned slot, int64_t seq,
    int64_t extra_us, int marker)
{
	struct jbuf_pkt	pkt;

	memset(&pkt, 0, sizeof pkt);
	pkt.arrival_us = T0_US + (int64_t)slot * PTIME_US + BASE_US + extra_us;
	pkt.timestamp = ts0 + (uint32_t)slot * TS_PER_PKT;
	pkt.ext_seq = seq;
	pkt.marker = (uint8_t)marker;
	pkt.clock_rate_hz = 8000;
	return jbuf_update(jb, &pkt);
}

/* Packet i of a stream without silences. */
static enum jbuf_verdict
feed(struct jbuf *jb, unsigned i, int64_t extra_us)
{
	return feed_at(jb, 1000, i, 100 + (int64_t)i, extra_us, i == 0);
}

/* Nothing fed yet: the nominal depth, nothing held. */
static void
test_empty(void)
{
	struct jbuf		*jb = new_kind(JBUF_FIXED);
	struct jbuf_summary	 s;

	jbuf_summary(jb, &s);
	CHECK_INT(s.packets, 0);
	CHECK_NEAR(s.current_ms, 60, 1e-12);
	CHECK_NEAR(s.mean_ms, 0, 0);
	jbuf_free(jb);
	jbuf_free(NULL);
}

/* Constant delay: nothing discarded, every packet held 60 ms. */
static void
test_constant_delay(void)
{
	enum jbuf_kind		 kinds[] = { JBUF_FIXED, JBUF_ADAPTIVE };
	struct jbuf_summary	 s;
	size_t			 k;
	unsigned		 i;

	for (k = 0; k < 2; k++) {
		struct jbuf	*jb = new_kind(kinds[k]);

		for (i = 0; i < 500; i++)
			CHECK_INT(feed(jb, i, 0), JBUF_PLAYED);
		jbuf_summary(jb, &s);
		CHECK_INT(s.packets, 500);
		CHECK_INT(s.played, 500);
		CHECK_INT(s.discarded, 0);
		CHECK_INT(s.duplicates, 0);
		CHECK_INT(s.resizes, 0);
		CHECK_INT(s.resyncs, 0);
		CHECK_NEAR(s.current_ms, 60, 1e-12);
		CHECK_NEAR(s.mean_ms, 60, 1e-9);
		jbuf_free(jb);
	}
}

/*
 * A 100 ms spike in a 60 ms fixed buffer: packet 20 is held up 100 ms and
 * the four after it queue behind, 80, 60, 40 and 20 ms late.  Playout is
 * 60 ms after the nominal arrival, so 20 (100 > 60) and 21 (80 > 60) are
 * discarded; 22 arrives exactly at its playout time and plays, held 0;
 * 23 and 24 are held 20 and 40 ms.  Mean holding time of the 48 played:
 * (45 x 60 + 0 + 20 + 40) / 48 = 57.5 ms.
 */
static void
test_spike(void)
{
	static const int64_t	 extra_ms[] = { 100, 80, 60, 40, 20 };
	static const int	 late[] = { 1, 1, 0, 0, 0 };
	struct jbuf		*jb = new_kind(JBUF_FIXED);
	struct jbuf_summary	 s;
	unsigned		 i;

	for (i = 0; i < 50; i++) {
		int64_t	extra = 0;
		int	want = JBUF_PLAYED;

		if (i >= 20 && i < 25) {
			extra = extra_ms[i - 20] * 1000;
			want = late[i - 20] ? JBUF_DISCARDED : JBUF_PLAYED;
		}
		CHECK_INT(feed(jb, i, extra), want);
	}
	jbuf_summary(jb, &s);
	CHECK_INT(s.discarded, 2);
	CHECK_INT(s.played, 48);
	CHECK_NEAR(s.mean_ms, 57.5, 1e-9);
	CHECK_NEAR(s.current_ms, 60, 1e-12);
	jbuf_free(jb);
}

/*
 * Reordering inside the buffer: packet 11 arrives on time, packet 10 5 ms
 * after it (25 ms late, 35 ms before its playout): both play.  Mean
 * holding time: (49 x 60 + 35) / 50 = 59.5 ms.
 */
static void
test_reorder_in_time(void)
{
	struct jbuf		*jb = new_kind(JBUF_FIXED);
	struct jbuf_summary	 s;
	unsigned		 i;

	for (i = 0; i < 50; i++) {
		if (i == 10)
			continue;
		CHECK_INT(feed(jb, i, 0), JBUF_PLAYED);
		if (i == 11)
			CHECK_INT(feed(jb, 10, 25000), JBUF_PLAYED);
	}
	jbuf_summary(jb, &s);
	CHECK_INT(s.played, 50);
	CHECK_INT(s.discarded, 0);
	CHECK_NEAR(s.mean_ms, 59.5, 1e-9);
	jbuf_free(jb);
}

/*
 * Reordered and too late: packet 30 arrives 70 ms late, after 31 to 33;
 * its playout time passed 10 ms before.  Discarded; the rest play.
 */
static void
test_reorder_late(void)
{
	struct jbuf		*jb = new_kind(JBUF_FIXED);
	struct jbuf_summary	 s;
	unsigned		 i;

	for (i = 0; i < 50; i++) {
		if (i == 30)
			continue;
		CHECK_INT(feed(jb, i, 0), JBUF_PLAYED);
		if (i == 33)
			CHECK_INT(feed(jb, 30, 70000), JBUF_DISCARDED);
	}
	jbuf_summary(jb, &s);
	CHECK_INT(s.played, 49);
	CHECK_INT(s.discarded, 1);
	jbuf_free(jb);
}

/*
 * Duplicates are ignored, whether the first copy played or was
 * discarded, and a duplicate arriving late is no discard.
 */
static void
test_duplicates(void)
{
	struct jbuf		*jb = new_kind(JBUF_FIXED);
	struct jbuf_summary	 s;
	unsigned		 i;

	for (i = 0; i < 50; i++) {
		CHECK_INT(feed(jb, i, i == 25 ? 90000 : 0),
		    i == 25 ? JBUF_DISCARDED : JBUF_PLAYED);
		if (i == 16)
			CHECK_INT(feed(jb, 15, 25000), JBUF_DUPLICATE);
		if (i == 40) {
			/* Copies of a played and of a discarded packet. */
			CHECK_INT(feed(jb, 15, 500000), JBUF_DUPLICATE);
			CHECK_INT(feed(jb, 25, 500000), JBUF_DUPLICATE);
			CHECK_INT(feed(jb, 40, 1000), JBUF_DUPLICATE);
		}
	}
	jbuf_summary(jb, &s);
	CHECK_INT(s.packets, 54);
	CHECK_INT(s.duplicates, 4);
	CHECK_INT(s.played, 49);
	CHECK_INT(s.discarded, 1);
	jbuf_free(jb);
}

/* The RTP timestamp wraps after the second packet: nothing changes. */
static void
test_timestamp_wrap(void)
{
	struct jbuf		*jb = new_kind(JBUF_FIXED);
	struct jbuf_summary	 s;
	unsigned		 i;

	for (i = 0; i < 100; i++)
		CHECK_INT(feed_at(jb, 0xFFFFFF00u, i, 70000 + (int64_t)i,
		    i == 50 ? 59000 : 0, 0), JBUF_PLAYED);
	/* And one late packet after the wrap is still seen as late. */
	CHECK_INT(feed_at(jb, 0xFFFFFF00u, 100, 70100, 61000, 0),
	    JBUF_DISCARDED);
	jbuf_summary(jb, &s);
	CHECK_INT(s.discarded, 1);
	CHECK_INT(s.resyncs, 0);
	/* 99 packets held 60 ms and one 1 ms. */
	CHECK_NEAR(s.mean_ms, (99 * 60 + 1) / 100.0, 1e-9);
	jbuf_free(jb);
}

/*
 * Two talk spurts of 100 packets, 1 s of silence between them, every
 * fifth packet (i % 5 == 4) 90 ms late.
 */
static void
jittery_spurts(struct jbuf *jb, unsigned spurts, unsigned jittery,
    int64_t extra_us)
{
	unsigned	sp, i, slot;

	for (sp = 0; sp < spurts; sp++) {
		for (i = 0; i < 100; i++) {
			/* 50 slots of silence after each spurt. */
			slot = sp * 150 + i;
			feed_at(jb, 1000, slot, 100 * (int64_t)sp + i,
			    sp < jittery && i % 5 == 4 ? extra_us : 0, i == 0);
		}
	}
}

/*
 * The adaptive buffer grows after a jittery spurt.  Spurt 1: both start at
 * 60 ms and lose the 20 packets 90 ms late.  At spurt 2's first packet the
 * adaptive one has 101 transits, 81 at the lowest and 20 at 90 ms more;
 * 98 % of 101 rounds up to 99, the 99th smallest is a late one: depth
 * 90 ms, and spurt 2's late packets arrive just in time.  Fixed: 40
 * discards, held 60 ms each.  Adaptive: 20 discards; held 60 ms in spurt
 * 1 (80 packets), 90 or 0 ms in spurt 2: (80 x 60 + 80 x 90) / 180 =
 * 66.667 ms.
 */
static void
test_adaptive_grows(void)
{
	struct jbuf		*fixed = new_kind(JBUF_FIXED);
	struct jbuf		*adaptive = new_kind(JBUF_ADAPTIVE);
	struct jbuf_summary	 f, a;

	jittery_spurts(fixed, 2, 2, 90000);
	jittery_spurts(adaptive, 2, 2, 90000);
	jbuf_summary(fixed, &f);
	jbuf_summary(adaptive, &a);
	CHECK_INT(f.discarded, 40);
	CHECK_INT(f.resizes, 0);
	CHECK_NEAR(f.current_ms, 60, 1e-12);
	CHECK_NEAR(f.mean_ms, 60, 1e-9);
	CHECK_INT(a.discarded, 20);
	CHECK_INT(a.played, 180);
	CHECK_INT(a.resizes, 1);
	CHECK_NEAR(a.current_ms, 90, 1e-9);
	CHECK_NEAR(a.mean_ms, (80 * 60 + 80 * 90) / 180.0, 1e-9);
	CHECK(a.discarded < f.discarded);
	jbuf_free(fixed);
	jbuf_free(adaptive);
}

/* The adaptive depth stops at its maximum: 300 ms of jitter, 200 ms. */
static void
test_adaptive_max(void)
{
	struct jbuf		*jb = new_kind(JBUF_ADAPTIVE);
	struct jbuf_summary	 s;

	jittery_spurts(jb, 2, 2, 300000);
	jbuf_summary(jb, &s);
	CHECK_NEAR(s.current_ms, 200, 1e-9);
	CHECK_INT(s.discarded, 40);
	jbuf_free(jb);
}

/*
 * And shrinks after calm ones, to its minimum.  With a window of 50: at
 * spurt 2 the last 50 transits hold 10 late ones, depth 90 ms; spurt 2 is
 * calm, so at spurt 3 all 50 are equal and the depth falls to the 20 ms
 * floor, which the second's silence leaves room for.  Spurt 3 is held 20
 * ms a packet.
 */
static void
test_adaptive_shrinks(void)
{
	struct jbuf_config	 cfg;
	struct jbuf		*jb;
	struct jbuf_summary	 s;

	jbuf_config_default(&cfg, JBUF_ADAPTIVE);
	cfg.window_packets = 50;
	jb = new_jbuf(&cfg);
	jittery_spurts(jb, 2, 1, 90000);
	jbuf_summary(jb, &s);
	CHECK_NEAR(s.current_ms, 90, 1e-9);
	jbuf_free(jb);

	jb = new_jbuf(&cfg);
	jittery_spurts(jb, 3, 1, 90000);
	jbuf_summary(jb, &s);
	CHECK_NEAR(s.current_ms, 20, 1e-9);
	CHECK_INT(s.resizes, 2);
	CHECK_INT(s.discarded, 20);
	/* 80 x 60 + 100 x 90 + 100 x 20 over 280 played. */
	CHECK_NEAR(s.mean_ms, (80 * 60 + 100 * 90 + 100 * 20) / 280.0, 1e-9);
	jbuf_free(jb);
}

/*
 * A marker with no silence before it (the timestamps run on) cannot cut
 * the depth: speech would be lost.  Spurts as above with a window of 50,
 * but the third "spurt" follows the second without a gap: the depth stays
 * at 90 ms.
 */
static void
test_adaptive_no_silence(void)
{
	struct jbuf_config	 cfg;
	struct jbuf		*jb;
	struct jbuf_summary	 s;
	unsigned		 i;

	jbuf_config_default(&cfg, JBUF_ADAPTIVE);
	cfg.window_packets = 50;
	jb = new_jbuf(&cfg);
	jittery_spurts(jb, 2, 1, 90000);
	/* Slots 250.. continue spurt 2 (slots 150 to 249) without a gap. */
	for (i = 0; i < 100; i++)
		CHECK_INT(feed_at(jb, 1000, 250 + i, 200 + (int64_t)i, 0,
		    i == 0), JBUF_PLAYED);
	jbuf_summary(jb, &s);
	CHECK_NEAR(s.current_ms, 90, 1e-9);
	CHECK_INT(s.resizes, 1);
	jbuf_free(jb);
}

/*
 * The sender's timestamps jump an hour ahead at packet 20: packets 20 to
 * 29 are an hour early (played, their holding time not counted); at 30
 * they have covered 200 ms of media time at their pace, and the timing
 * starts over from it.  Nothing discarded, every counted packet held
 * 60 ms.
 */
static void
test_resync_forward(void)
{
	struct jbuf		*jb = new_kind(JBUF_FIXED);
	struct jbuf_summary	 s;
	unsigned		 i;
	uint32_t		 jump = 8000u * 3600;

	for (i = 0; i < 60; i++)
		CHECK_INT(feed_at(jb, i < 20 ? 1000 : 1000 + jump, i,
		    (int64_t)i, 0, 0), JBUF_PLAYED);
	jbuf_summary(jb, &s);
	CHECK_INT(s.resyncs, 1);
	CHECK_INT(s.discarded, 0);
	CHECK_NEAR(s.mean_ms, 60, 1e-9);
	jbuf_free(jb);
}

/*
 * An hour back: packets 20 to 29 are judged by the old timing (discarded),
 * 30 shows the jump and starts the timing over; nothing after it is
 * discarded.
 */
static void
test_resync_backward(void)
{
	struct jbuf		*jb = new_kind(JBUF_FIXED);
	struct jbuf_summary	 s;
	unsigned		 i;
	uint32_t		 jump = 8000u * 3600;

	for (i = 0; i < 60; i++)
		CHECK_INT(feed_at(jb, i < 20 ? 1000 : 1000 - jump, i,
		    (int64_t)i, 0, 0), i >= 20 && i < 30 ? JBUF_DISCARDED :
		    JBUF_PLAYED);
	jbuf_summary(jb, &s);
	CHECK_INT(s.resyncs, 1);
	CHECK_INT(s.discarded, 10);
	CHECK_NEAR(s.mean_ms, 60, 1e-9);
	jbuf_free(jb);
}

/*
 * The sender resumes after 30 s on hold with timestamps that did not run
 * on: from packet 20 on, every packet is 30 s late.  20 to 29 are
 * discarded; at 30 the late ones have come at their pace for 200 ms, and
 * the timing starts over.
 */
static void
test_resync_hold(void)
{
	struct jbuf		*jb = new_kind(JBUF_FIXED);
	struct jbuf_summary	 s;
	unsigned		 i;

	for (i = 0; i < 60; i++)
		CHECK_INT(feed(jb, i, i < 20 ? 0 : 30000000), i >= 20 &&
		    i < 30 ? JBUF_DISCARDED : JBUF_PLAYED);
	jbuf_summary(jb, &s);
	CHECK_INT(s.resyncs, 1);
	CHECK_INT(s.discarded, 10);
	CHECK_NEAR(s.mean_ms, 60, 1e-9);
	jbuf_free(jb);
}

/*
 * A 3 s network stall: packets 20 to 169, sent during it, are released
 * together when it ends, 0.1 ms apart from the time packet 169 was due.
 * Packet i is then (169 - i) x 20 + (i - 20) x 0.1 ms late: more than the
 * 60 ms buffer up to 166 (60 + 14.6 ms), less from 167 (40 + 14.7 ms).
 * Those over 2 s late do not pass for moved timing (their transit falls
 * 20 ms a packet): 147 discards, no restart.
 */
static void
test_stall(void)
{
	struct jbuf		*jb = new_kind(JBUF_FIXED);
	struct jbuf_summary	 s;
	unsigned		 i;

	for (i = 0; i < 250; i++) {
		int64_t	extra = 0;

		if (i >= 20 && i < 170)
			extra = (169 - (int64_t)i) * PTIME_US +
			    ((int64_t)i - 20) * 100;
		CHECK_INT(feed(jb, i, extra), i >= 20 && i <= 166 ?
		    JBUF_DISCARDED : JBUF_PLAYED);
	}
	jbuf_summary(jb, &s);
	CHECK_INT(s.resyncs, 0);
	CHECK_INT(s.discarded, 147);
	CHECK_INT(s.played, 103);
	jbuf_free(jb);
}

/* One packet with a garbage timestamp does not restart the timing. */
static void
test_stray_timestamp(void)
{
	struct jbuf		*jb = new_kind(JBUF_FIXED);
	struct jbuf_summary	 s;
	struct jbuf_pkt		 pkt;
	unsigned		 i;

	for (i = 0; i < 60; i++) {
		if (i == 20) {
			memset(&pkt, 0, sizeof pkt);
			pkt.arrival_us = T0_US + 20 * PTIME_US + BASE_US;
			pkt.timestamp = 0x9abcdef0u;
			pkt.ext_seq = 20;
			pkt.clock_rate_hz = 8000;
			jbuf_update(jb, &pkt);
			continue;
		}
		CHECK_INT(feed_at(jb, 1000, i, (int64_t)i, 0, 0), JBUF_PLAYED);
	}
	jbuf_summary(jb, &s);
	CHECK_INT(s.resyncs, 0);
	CHECK_INT(s.discarded + s.played, 60);
	CHECK_NEAR(s.mean_ms, 60, 1e-9);
	jbuf_free(jb);
}

/*
 * The sender numbers afresh (sequence numbers jump 5000 back) while its
 * timestamps run on: no duplicates, no discards, and duplicates are told
 * in the new numbering.
 */
static void
test_seq_restart(void)
{
	struct jbuf		*jb = new_kind(JBUF_ADAPTIVE);
	struct jbuf_summary	 s;
	unsigned		 i;

	for (i = 0; i < 100; i++)
		CHECK_INT(feed_at(jb, 1000, i, i < 50 ? 6000 + (int64_t)i :
		    1000 + (int64_t)i, 0, i == 0 || i == 50), JBUF_PLAYED);
	CHECK_INT(feed_at(jb, 1000, 99, 1099, 1000, 0), JBUF_DUPLICATE);
	jbuf_summary(jb, &s);
	CHECK_INT(s.played, 100);
	CHECK_INT(s.duplicates, 1);
	CHECK_INT(s.discarded, 0);
	CHECK_NEAR(s.mean_ms, 60, 1e-9);
	jbuf_free(jb);
}

/* A packet without a clock rate cannot be placed; a new clock restarts. */
static void
test_clock_rate(void)
{
	struct jbuf		*jb = new_kind(JBUF_FIXED);
	struct jbuf_summary	 s;
	struct jbuf_pkt		 pkt;
	unsigned		 i;

	memset(&pkt, 0, sizeof pkt);
	pkt.arrival_us = T0_US;
	CHECK_INT(jbuf_update(jb, &pkt), JBUF_UNTIMED);
	for (i = 0; i < 20; i++)
		CHECK_INT(feed(jb, i, 0), JBUF_PLAYED);
	/* Now 48 kHz, timestamps from elsewhere: starts over, plays on. */
	for (i = 20; i < 40; i++) {
		memset(&pkt, 0, sizeof pkt);
		pkt.arrival_us = T0_US + (int64_t)i * PTIME_US + BASE_US;
		pkt.timestamp = 777 + (i - 20) * 960;
		pkt.ext_seq = 100 + (int64_t)i;
		pkt.clock_rate_hz = 48000;
		CHECK_INT(jbuf_update(jb, &pkt), JBUF_PLAYED);
	}
	jbuf_summary(jb, &s);
	CHECK_INT(s.untimed, 1);
	CHECK_INT(s.resyncs, 1);
	CHECK_INT(s.played, 40);
	CHECK_INT(s.discarded, 0);
	CHECK_NEAR(s.mean_ms, 60, 1e-9);
	jbuf_free(jb);
}

/* Configurations out of range are refused with a reason. */
static void
test_bad_config(void)
{
	struct jbuf_config	 cfg;
	const char		*cause;

	jbuf_config_default(&cfg, JBUF_ADAPTIVE);
	cfg.min_ms = 100;
	cfg.max_ms = 50;
	cause = NULL;
	CHECK(jbuf_new(&cfg, &cause) == NULL);
	CHECK(cause != NULL);

	jbuf_config_default(&cfg, JBUF_ADAPTIVE);
	cfg.coverage = 0;
	cause = NULL;
	CHECK(jbuf_new(&cfg, &cause) == NULL && cause != NULL);

	jbuf_config_default(&cfg, JBUF_ADAPTIVE);
	cfg.window_packets = 0;
	cause = NULL;
	CHECK(jbuf_new(&cfg, &cause) == NULL && cause != NULL);

	jbuf_config_default(&cfg, JBUF_FIXED);
	cfg.nominal_ms = -1;
	cause = NULL;
	CHECK(jbuf_new(&cfg, &cause) == NULL && cause != NULL);

	/* A fixed buffer ignores the adaptive fields. */
	jbuf_config_default(&cfg, JBUF_FIXED);
	cfg.window_packets = 0;
	cfg.coverage = 7;
	jbuf_free(new_jbuf(&cfg));
}

int
main(void)
{
	RUN(test_empty);
	RUN(test_constant_delay);
	RUN(test_spike);
	RUN(test_reorder_in_time);
	RUN(test_reorder_late);
	RUN(test_duplicates);
	RUN(test_timestamp_wrap);
	RUN(test_adaptive_grows);
	RUN(test_adaptive_max);
	RUN(test_adaptive_shrinks);
	RUN(test_adaptive_no_silence);
	RUN(test_resync_forward);
	RUN(test_resync_backward);
	RUN(test_resync_hold);
	RUN(test_stall);
	RUN(test_stray_timestamp);
	RUN(test_seq_restart);
	RUN(test_clock_rate);
	RUN(test_bad_config);
	return unit_done("test-jbuf");
}
