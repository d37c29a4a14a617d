/* Unit tests for metrics/quality.c: fates, intervals and the E-model. */
#include "metrics/quality.h"
#include "tests/unit.h"

#define PKT_US	20000	/* 20 ms of G.711 per packet */

static struct quality *
new_stream(const char *codec)
{
	struct quality_config cfg;
	const char *cause = NULL;
	struct quality *q;

	quality_config_default(&cfg);
	cfg.codec = codec ? emodel_codec_find(codec, 8000, NULL) : NULL;
	cfg.clock_rate_hz = 8000;
	q = quality_new(&cfg, &cause);
	CHECK(q != NULL);
	return q;
}

/* Send n packets from seq0 at 20 ms, constant 30 ms network delay. */
static void
send_range(struct quality *q, int first, int n, int lose_every)
{
	int i;

	for (i = first; i < first + n; i++) {
		if (lose_every && i % lose_every == 0)
			continue;
		quality_packet(q, (uint16_t)(1000 + i), (uint32_t)(160 * i),
		    1000000000LL + (int64_t)i * PKT_US + 30000, 0, 1);
	}
}

/*
 * The MOS of G.711 with PLC at this loss, computed from G.107 here rather
 * than by the module: R = 93.2 - Ie,eff.  Periodic single losses have
 * BurstR = 1 x (1 - P), a little under random loss's 1.
 */
static double
expected_mos(double lost, double expected)
{
	double p = lost / expected;

	return emodel_mos(93.2 - emodel_ie_eff(0, 25.1, 100.0 * p, 1.0 - p));
}

static void
test_clean_stream(void)
{
	struct quality *q = new_stream("PCMU");
	struct quality_summary s;

	send_range(q, 0, 1000, 0);
	quality_finish(q);
	quality_summary(q, &s);
	CHECK_INT(s.jb_discards, 0);
	CHECK_INT(s.burst.lost, 0);
	CHECK_INT(s.intervals, 2);
	CHECK_NEAR(s.packet_ms, 20.0, 1e-9);
	/* Constant delay: every packet waits the whole 60 ms buffer. */
	CHECK_NEAR(s.jb_delay_ms, 60.0, 0.01);
	CHECK_NEAR(s.delay_ms, 80.0, 0.01);	/* no RTT: buffer + packet */
	CHECK(s.have_mos);
	CHECK_NEAR(s.mos_call, 4.409, 0.001);
	CHECK_NEAR(s.mos_min, 4.409, 0.001);
	CHECK_NEAR(s.mos_avg, 4.409, 0.001);
	CHECK_NEAR(s.r_call, 93.2, 0.001);
	quality_free(q);
}

static void
test_uniform_loss(void)
{
	struct quality *q = new_stream("PCMA");
	struct quality_summary s;

	/* Every 20th of 1..1001 lost: 50 runs of one. */
	send_range(q, 1, 1001, 20);
	quality_finish(q);
	quality_summary(q, &s);
	CHECK_INT(s.burst.packets, 1001);
	CHECK_INT(s.burst.lost, 50);
	CHECK_NEAR(s.burst.burst_ratio, 1.0 - 50.0 / 1001, 1e-9);
	CHECK_NEAR(s.mos_call, expected_mos(50, 1001), 0.001);
	quality_free(q);
}

static void
test_bad_interval_is_the_minimum(void)
{
	struct quality *q = new_stream("PCMU");
	struct quality_summary s;

	send_range(q, 0, 500, 0);	/* 10 s clean */
	send_range(q, 500, 500, 10);	/* 10 s at 10 % loss */
	quality_finish(q);
	quality_summary(q, &s);
	CHECK_INT(s.intervals, 2);
	CHECK_NEAR(s.mos_min, expected_mos(50, 500), 0.001);
	CHECK_NEAR(s.mos_avg, (4.409 + expected_mos(50, 500)) / 2, 0.001);
	CHECK_NEAR(s.mos_call, expected_mos(50, 1000), 0.001);
	CHECK(s.mos_min < s.mos_avg && s.mos_avg < 4.409);
	quality_free(q);
}

static void
test_late_packet_is_a_discard(void)
{
	struct quality *q = new_stream("PCMU");
	struct quality_summary s;
	int i;

	for (i = 0; i < 300; i++) {
		/* Packet 100 is held 100 ms in the network: past a 60 ms buffer. */
		int64_t extra = i == 100 ? 100000 : 0;

		quality_packet(q, (uint16_t)i, (uint32_t)(160 * i),
		    (int64_t)i * PKT_US + 30000 + extra, 0, 1);
	}
	quality_finish(q);
	quality_summary(q, &s);
	CHECK_INT(s.jb_discards, 1);
	CHECK_INT(s.burst.discarded, 1);
	CHECK_INT(s.burst.lost, 0);
	CHECK_NEAR(s.burst.loss_fraction, 1.0 / 300, 1e-9);
	quality_free(q);
}

static void
test_reordering_within_buffer_is_no_loss(void)
{
	struct quality *q = new_stream("PCMU");
	struct quality_summary s;
	int i;

	for (i = 0; i < 200; i++) {
		/* Swap each pair: the odd one arrives 5 ms before the even. */
		int sent = (i % 2 == 0) ? i + 1 : i - 1;

		quality_packet(q, (uint16_t)(65500 + sent),
		    (uint32_t)(160 * sent), (int64_t)i * PKT_US + 30000, 0, 1);
	}
	quality_finish(q);
	quality_summary(q, &s);
	CHECK_INT(s.burst.packets, 200);
	CHECK_INT(s.burst.lost, 0);
	CHECK_INT(s.jb_discards, 0);
	quality_free(q);
}

static void
test_events_fill_sequence_numbers(void)
{
	struct quality *q = new_stream("PCMU");
	struct quality_summary s;
	int i;

	for (i = 0; i < 100; i++) {
		int event = i >= 40 && i < 50;

		/* Events keep one timestamp: untimed, but not lost either. */
		quality_packet(q, (uint16_t)i,
		    (uint32_t)(160 * (event ? 40 : i)),
		    (int64_t)i * PKT_US, event && i == 40, !event);
	}
	quality_finish(q);
	quality_summary(q, &s);
	CHECK_INT(s.burst.lost, 0);
	CHECK_INT(s.jb_discards, 0);
	quality_free(q);
}

static void
test_unknown_codec_has_no_mos(void)
{
	struct quality *q = new_stream(NULL);
	struct quality_summary s;

	send_range(q, 0, 100, 0);
	quality_finish(q);
	quality_summary(q, &s);
	CHECK(!s.have_mos);
	CHECK_INT(s.burst.packets, 100);
	quality_free(q);
}

static void
test_rtt_adds_half_to_delay(void)
{
	struct quality *q = new_stream("PCMU");
	struct quality_summary s;

	send_range(q, 0, 500, 0);
	quality_set_rtt(q, 300.0);
	quality_finish(q);
	quality_summary(q, &s);
	CHECK(s.have_rtt);
	CHECK_NEAR(s.delay_ms, 150.0 + 60.0 + 20.0, 0.01);
	CHECK_NEAR(s.mos_call, emodel_mos(93.2 - emodel_idd(230.0)), 0.001);
	quality_free(q);
}

static void
test_renumbering_is_not_loss(void)
{
	struct quality *q = new_stream("PCMU");
	struct quality_summary s;
	int i;

	for (i = 0; i < 100; i++)
		quality_packet(q, (uint16_t)(100 + i), (uint32_t)(160 * i),
		    (int64_t)i * PKT_US, 0, 1);
	for (i = 100; i < 200; i++)
		quality_packet(q, (uint16_t)(40000 + i), (uint32_t)(160 * i),
		    (int64_t)i * PKT_US, 0, 1);
	quality_finish(q);
	quality_summary(q, &s);
	CHECK_INT(s.burst.packets, 200);
	CHECK_INT(s.burst.lost, 0);
	quality_free(q);
}

/*
 * Before the first fate, a packet up to 99 below the first one still
 * opens the stream further down, while 98 later ones wait: the undecided
 * numbers then span 197.  1099..1197 come first, then 1000 (its playout
 * time long past: a discard), then 1198..1399.  1001..1098 never come.
 */
static void
test_late_start_is_held(void)
{
	struct quality *q = new_stream("PCMU");
	struct quality_summary s;
	int i;

	for (i = 1099; i <= 1197; i++)
		quality_packet(q, (uint16_t)i, (uint32_t)(160 * i),
		    (int64_t)i * PKT_US + 30000, 0, 1);
	quality_packet(q, 1000, 160 * 1000, 1198LL * PKT_US + 30000, 0, 1);
	for (i = 1198; i <= 1399; i++)
		quality_packet(q, (uint16_t)i, (uint32_t)(160 * i),
		    (int64_t)(i + 1) * PKT_US + 30000, 0, 1);
	quality_finish(q);
	quality_summary(q, &s);
	CHECK_INT(s.burst.packets, 400);
	CHECK_INT(s.burst.received, 301);
	CHECK_INT(s.burst.discarded, 1);
	CHECK_INT(s.burst.lost, 98);
	/* The discard of 1000 and the loss of 1001..1098: one run. */
	CHECK_INT(s.burst.runs, 1);
	CHECK_INT(s.burst.longest_run, 99);
	CHECK_INT(s.jb_discards, 1);
	quality_free(q);
}

/*
 * The same with an untimed packet (an event: no buffer to miss) below
 * the first, by `below': 1100..1199 wait undecided, then it comes, then
 * 1200..1399.  Its fate is received whether the undecided numbers then
 * span the whole ring or one more than it; nothing between it and 1100
 * came.
 */
static void
late_start_event(int below)
{
	struct quality *q = new_stream("PCMU");
	struct quality_summary s;
	int i;

	for (i = 1100; i <= 1199; i++)
		quality_packet(q, (uint16_t)i, (uint32_t)(160 * i),
		    (int64_t)i * PKT_US + 30000, 0, 1);
	quality_packet(q, (uint16_t)(1100 - below), 160 * 1100,
	    1200LL * PKT_US + 30000, 1, 0);
	for (i = 1200; i <= 1399; i++)
		quality_packet(q, (uint16_t)i, (uint32_t)(160 * i),
		    (int64_t)(i + 1) * PKT_US + 30000, 0, 1);
	quality_finish(q);
	quality_summary(q, &s);
	CHECK_INT(s.burst.packets, 300 + below);
	CHECK_INT(s.burst.received, 301);
	CHECK_INT(s.burst.discarded, 0);
	CHECK_INT(s.burst.lost, below - 1);
	CHECK_INT(s.burst.runs, 1);
	CHECK_INT(s.burst.longest_run, below - 1);
	CHECK_INT(s.jb_discards, 0);
	quality_free(q);
}

static void
test_late_start_event(void)
{
	late_start_event(27);	/* 1073..1199 undecided: 127 numbers */
	late_start_event(28);	/* 128 */
	late_start_event(29);	/* 129 */
	late_start_event(99);	/* as far down as a start may open */
}

/*
 * A loss far longer than the numbers held undecided: 500..2499 never
 * come.  One run of 2000, decided as the stream moves past it.
 */
static void
test_long_loss_run(void)
{
	struct quality *q = new_stream("PCMU");
	struct quality_summary s;

	send_range(q, 0, 500, 0);
	send_range(q, 2500, 500, 0);
	quality_finish(q);
	quality_summary(q, &s);
	CHECK_INT(s.burst.packets, 3000);
	CHECK_INT(s.burst.lost, 2000);
	CHECK_INT(s.burst.runs, 1);
	CHECK_INT(s.burst.longest_run, 2000);
	CHECK_INT(s.burst.run_hist[BURST_HIST_BINS - 1], 1);
	CHECK_INT(s.jb_discards, 0);
	quality_free(q);
}

/*
 * 45 minutes of 20 ms packets at a constant delay: arrival times held
 * for undecided numbers run well past 32 bits of microseconds from the
 * first.  Every interval is exactly 500 packets (10 s of media) and
 * every packet waits the whole buffer.
 */
static void
test_long_call(void)
{
	struct quality *q = new_stream("PCMU");
	struct quality_summary s;
	int i, n = 45 * 60 * 50;

	for (i = 0; i < n; i++)
		quality_packet(q, (uint16_t)i, (uint32_t)(160 * i),
		    5000000000LL + (int64_t)i * PKT_US + 30000, 0, 1);
	quality_finish(q);
	quality_summary(q, &s);
	CHECK_INT(s.burst.packets, n);
	CHECK_INT(s.burst.lost, 0);
	CHECK_INT(s.jb_discards, 0);
	CHECK_INT(s.intervals, n / 500);
	CHECK_NEAR(s.jb_delay_ms, 60.0, 1e-6);
	CHECK_NEAR(s.mos_min, 4.409, 0.001);
	quality_free(q);
}

/*
 * Silence of an hour while 99 numbers are still undecided: packets
 * 0..149, then 150..649 an hour later, timestamps running on as if no
 * time had passed (a sender that stopped its clock).  The fates keep
 * their arrival times: the hour splits the intervals, 0..149 in one and
 * the 500 after it in the next.  The buffer, an hour behind, starts
 * over once 200 ms of packets show the new timing (RESYNC_SPAN_US): the
 * ten packets before that are discarded.
 */
static void
test_hour_of_silence(void)
{
	struct quality *q = new_stream("PCMU");
	struct quality_summary s;
	int64_t hour_us = 3600LL * 1000000;
	int i;

	for (i = 0; i < 650; i++)
		quality_packet(q, (uint16_t)i, (uint32_t)(160 * i),
		    (int64_t)i * PKT_US + 30000 + (i >= 150 ? hour_us : 0), 0,
		    1);
	quality_finish(q);
	quality_summary(q, &s);
	CHECK_INT(s.burst.packets, 650);
	CHECK_INT(s.burst.lost, 0);
	CHECK_INT(s.intervals, 2);
	CHECK_INT(s.jb_discards, 10);
	CHECK_INT(s.burst.discarded, 10);
	quality_free(q);
}

int
main(void)
{
	RUN(test_clean_stream);
	RUN(test_uniform_loss);
	RUN(test_bad_interval_is_the_minimum);
	RUN(test_late_packet_is_a_discard);
	RUN(test_reordering_within_buffer_is_no_loss);
	RUN(test_events_fill_sequence_numbers);
	RUN(test_unknown_codec_has_no_mos);
	RUN(test_rtt_adds_half_to_delay);
	RUN(test_renumbering_is_not_loss);
	RUN(test_late_start_is_held);
	RUN(test_late_start_event);
	RUN(test_long_loss_run);
	RUN(test_long_call);
	RUN(test_hour_of_silence);
	return unit_done("quality");
}
