/*
 * Unit tests for metrics/rtpstat.c: sequence extension, loss, duplicates,
 * reordering, restarts, burst ratio and jitter.
 *
 * Expected figures are worked out here from the stream each case builds
 * (or taken from REFERENCES.md, or from tshark 4.0.17's "-z rtp,streams"
 * on a capture of the same packets, where the case says so), never read
 * back from the code under test.
 */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "metrics/rtpstat.h"
#include "metrics/seqmath.h"
#include "tests/unit.h"

#define PTIME_US	20000	/* 20 ms of audio per packet */
#define TS_PER_PKT	160	/* 20 ms at 8000 Hz */

static struct rtpstat *
new_stream(uint32_t clock_rate_hz)
{
	struct rtpstat	*rs;

	if ((rs = rtpstat_new(clock_rate_hz)) == NULL) {
		fprintf(stderr, "rtpstat_new: out of memory\n");
		exit(1);
	}
	return rs;
}

static void
feed(struct rtpstat *rs, int64_t arrival_us, uint16_t seq, uint32_t ts,
    int marker, enum rtpstat_kind kind)
{
	struct rtpstat_pkt	pkt;

	memset(&pkt, 0, sizeof pkt);
	pkt.arrival_us = arrival_us;
	pkt.seq = seq;
	pkt.timestamp = ts;
	pkt.marker = (uint8_t)marker;
	pkt.kind = kind;
	rtpstat_update(rs, &pkt);
}

/* An ordinary voice packet at its nominal time, plus delay_us. */
static void
feed_voice(struct rtpstat *rs, uint16_t seq0, unsigned i, int64_t delay_us)
{
	feed(rs, 1000000 + (int64_t)i * PTIME_US + delay_us,
	    (uint16_t)(seq0 + i), (uint32_t)(i * TS_PER_PKT), 0, RTPSTAT_VOICE);
}

/* Feed a pattern of '1' (received) and '0' (lost) from seq0 on. */
static void
feed_pattern(struct rtpstat *rs, uint16_t seq0, const char *pattern)
{
	unsigned	i;

	for (i = 0; pattern[i] != '\0'; i++) {
		if (pattern[i] == '1')
			feed_voice(rs, seq0, i, 0);
	}
}

/* Append n copies of c to the pattern in buf. */
static void
append_run(char *buf, size_t size, unsigned n, char c)
{
	size_t	len = strlen(buf);

	while (n-- > 0 && len + 1 < size)
		buf[len++] = c;
	buf[len] = '\0';
}

/* A stream that loses nothing and keeps time. */
static void
test_clean(void)
{
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s;
	unsigned		 i;

	for (i = 0; i < 500; i++)
		feed_voice(rs, 1000, i, 0);
	rtpstat_summary(rs, &s);
	CHECK_INT(s.packets, 500);
	CHECK_INT(s.expected, 500);
	CHECK_INT(s.lost, 0);
	CHECK_INT(s.duplicates, 0);
	CHECK_INT(s.out_of_order, 0);
	CHECK_INT(s.restarts, 0);
	CHECK_NEAR(s.loss_pct, 0.0, 1e-12);
	CHECK_NEAR(s.burst_ratio, 1.0, 1e-12);
	CHECK_NEAR(s.jitter_mean_ms, 0.0, 1e-9);
	CHECK_NEAR(s.jitter_max_ms, 0.0, 1e-9);
	CHECK_NEAR(s.max_delta_ms, 20.0, 1e-9);
	CHECK_INT(s.first_us, 1000000);
	CHECK_INT(s.last_us, 1000000 + 499 * PTIME_US);
	rtpstat_free(rs);
}

/* No packets at all: zeros, and a burst ratio of 1. */
static void
test_empty(void)
{
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s;

	rtpstat_summary(rs, &s);
	CHECK_INT(s.packets, 0);
	CHECK_INT(s.expected, 0);
	CHECK_INT(s.lost, 0);
	CHECK_NEAR(s.loss_pct, 0.0, 1e-12);
	CHECK_NEAR(s.burst_ratio, 1.0, 1e-12);
	rtpstat_free(rs);
}

/* Pseudo-random loss: lost, loss_pct and BurstR from runs counted here. */
static void
test_random_loss(void)
{
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s;
	uint32_t		 x = 2463534242u;
	unsigned		 i, n = 20000, lost = 0, runs = 0;
	int			 prev_lost = 0, drop;
	double			 p;

	for (i = 0; i < n; i++) {
		/* xorshift32; about 4% loss, never the first or last. */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		drop = i > 0 && i < n - 1 && x % 100 < 4;
		if (drop) {
			lost++;
			if (!prev_lost)
				runs++;
		} else
			feed_voice(rs, 7000, i, 0);
		prev_lost = drop;
	}
	rtpstat_summary(rs, &s);
	CHECK(lost > 0 && runs > 0);
	CHECK_INT(s.expected, n);
	CHECK_INT(s.lost, lost);
	CHECK_INT(s.packets, n - lost);
	CHECK_NEAR(s.loss_pct, lost * 100.0 / n, 1e-9);
	p = (double)lost / n;
	CHECK_NEAR(s.burst_ratio, (double)lost / runs * (1 - p), 1e-9);
	rtpstat_free(rs);
}

/* REFERENCES.md: 1101111100011111 (Chydzinski) gives BurstR 1.5. */
static void
test_burst_vector_short(void)
{
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s;

	feed_pattern(rs, 500, "1101111100011111");
	rtpstat_summary(rs, &s);
	CHECK_INT(s.expected, 16);
	CHECK_INT(s.lost, 4);
	CHECK_NEAR(s.loss_pct, 25.0, 1e-9);
	CHECK_NEAR(s.burst_ratio, 1.5, 1e-9);
	rtpstat_free(rs);
}

/* REFERENCES.md: 50R 1L 30R 1L 2R 1L 1R 2L 40R 1L 20R gives 1.1517. */
static void
test_burst_vector_long(void)
{
	static const struct {
		unsigned	n;
		char		c;
	} runs[] = {
		{ 50, '1' }, { 1, '0' }, { 30, '1' }, { 1, '0' }, { 2, '1' },
		{ 1, '0' }, { 1, '1' }, { 2, '0' }, { 40, '1' }, { 1, '0' },
		{ 20, '1' }
	};
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s;
	char			 pattern[256] = "";
	size_t			 i;

	for (i = 0; i < sizeof runs / sizeof runs[0]; i++)
		append_run(pattern, sizeof pattern, runs[i].n, runs[i].c);
	feed_pattern(rs, 65500, pattern);	/* and across a wrap */
	rtpstat_summary(rs, &s);
	CHECK_INT(s.expected, 149);
	CHECK_INT(s.lost, 6);
	CHECK_NEAR(s.burst_ratio, 1.1517, 0.0001);
	rtpstat_free(rs);
}

/* Duplicates, right after the original and later, are not received twice. */
static void
test_duplicates(void)
{
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s;
	unsigned		 i;

	for (i = 0; i < 100; i++) {
		feed_voice(rs, 0, i, 0);
		if (i == 10)
			feed_voice(rs, 0, 10, 300);	/* at once */
		if (i == 25)
			feed_voice(rs, 0, 20, 5000);	/* late */
		if (i == 99) {
			feed_voice(rs, 0, 99, 100);
			feed_voice(rs, 0, 99, 200);
		}
	}
	rtpstat_summary(rs, &s);
	CHECK_INT(s.packets, 104);
	CHECK_INT(s.expected, 100);
	CHECK_INT(s.lost, 0);
	CHECK_INT(s.duplicates, 4);
	CHECK_INT(s.out_of_order, 0);
	CHECK_NEAR(s.burst_ratio, 1.0, 1e-12);
	rtpstat_free(rs);
}

/*
 * RFC 4733: the end of an event is sent three times with one seq.  The
 * repeats are neither duplicates nor negative loss (tshark: "-2 (-25.0%)"
 * on SIPp's dtmf_2833_1.pcap, whose seqs and times these are).
 */
static void
test_event_end_repeats(void)
{
	static const int64_t	arrival_us[] = {
		0, 19992, 39881, 59911, 79983, 99925, 119865, 139846, 139888,
		139929
	};
	static const uint16_t	seq[] = {
		7984, 7985, 7986, 7987, 7988, 7989, 7990, 7991, 7991, 7991
	};
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s;
	size_t			 i;

	for (i = 0; i < sizeof seq / sizeof seq[0]; i++)
		feed(rs, arrival_us[i], seq[i], 13280, i == 0, RTPSTAT_EVENT);
	rtpstat_summary(rs, &s);
	CHECK_INT(s.packets, 10);
	CHECK_INT(s.expected, 8);
	CHECK_INT(s.lost, 0);
	CHECK_INT(s.duplicates, 0);
	CHECK_INT(s.out_of_order, 0);
	CHECK_NEAR(s.jitter_max_ms, 0.0, 1e-12);
	rtpstat_free(rs);

	/* An event packet repeating a voice packet's seq is a duplicate. */
	rs = new_stream(8000);
	feed(rs, 0, 1, 0, 0, RTPSTAT_VOICE);
	feed(rs, 20000, 2, 160, 0, RTPSTAT_VOICE);
	feed(rs, 20100, 2, 160, 0, RTPSTAT_EVENT);
	rtpstat_summary(rs, &s);
	CHECK_INT(s.duplicates, 1);
	CHECK_INT(s.lost, 0);
	rtpstat_free(rs);
}

/*
 * A digit in the middle of a call: voice stops, events carry the event's
 * start timestamp every 50 ms, the end is sent three times, voice resumes.
 * The events must not make jitter (tshark would take the next voice
 * packet's D against the last event packet) nor count their 50 ms gaps.
 */
static void
test_event_jitter(void)
{
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s;
	int64_t			 t0 = 1000000;
	unsigned		 i, k;

	for (i = 0; i < 10; i++)
		feed_voice(rs, 0, i, 0);
	/* Events: seq 10..14, timestamp of 200 ms, at 200..400 ms. */
	for (k = 0; k < 5; k++)
		feed(rs, t0 + 200000 + (int64_t)k * 50000, (uint16_t)(10 + k),
		    10 * TS_PER_PKT, k == 0, RTPSTAT_EVENT);
	feed(rs, t0 + 400100, 14, 10 * TS_PER_PKT, 0, RTPSTAT_EVENT);
	feed(rs, t0 + 400200, 14, 10 * TS_PER_PKT, 0, RTPSTAT_EVENT);
	/* Voice resumes at 420 ms with seq 15, sampled at 420 ms. */
	for (i = 21; i < 60; i++)
		feed(rs, t0 + (int64_t)i * PTIME_US, (uint16_t)(i - 6),
		    i * TS_PER_PKT, 0, RTPSTAT_VOICE);
	rtpstat_summary(rs, &s);
	CHECK_INT(s.packets, 10 + 7 + 39);
	CHECK_INT(s.expected, 54);
	CHECK_INT(s.lost, 0);
	CHECK_INT(s.duplicates, 0);
	CHECK_NEAR(s.jitter_mean_ms, 0.0, 1e-9);
	CHECK_NEAR(s.jitter_max_ms, 0.0, 1e-9);
	CHECK_NEAR(s.max_delta_ms, 20.0, 1e-9);
	rtpstat_free(rs);

	/*
	 * Voice goes on while a digit is sent, as in the T.38 capture in
	 * shared/pcaps: an event packet 5 ms after every second voice packet,
	 * all in one seq space, the events with a fixed start timestamp.
	 */
	rs = new_stream(8000);
	for (i = 0, k = 0; i < 60; i++) {
		feed(rs, t0 + (int64_t)i * PTIME_US, (uint16_t)(i + k),
		    i * TS_PER_PKT, 0, RTPSTAT_VOICE);
		if (i >= 20 && i < 40 && i % 2 == 0) {
			k++;
			feed(rs, t0 + (int64_t)i * PTIME_US + 5000,
			    (uint16_t)(i + k), 20 * TS_PER_PKT, i == 20,
			    RTPSTAT_EVENT);
		}
	}
	rtpstat_summary(rs, &s);
	CHECK_INT(s.packets, 70);
	CHECK_INT(s.expected, 70);
	CHECK_INT(s.lost, 0);
	CHECK_NEAR(s.jitter_max_ms, 0.0, 1e-9);
	CHECK_NEAR(s.max_delta_ms, 20.0, 1e-9);
	rtpstat_free(rs);
}

/* Reordering: out_of_order and lost exact; a late packet fills a hole. */
static void
test_reorder(void)
{
	static const uint16_t	order[] = {
		0, 1, 2, 3, 4, 6, 5, 7, 8, 9, 11, 12, 13, 14, 16, 17, 18, 15, 19
	};
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s;
	size_t			 i;

	for (i = 0; i < sizeof order / sizeof order[0]; i++)
		feed(rs, (int64_t)i * PTIME_US, order[i],
		    order[i] * TS_PER_PKT, 0, RTPSTAT_VOICE);
	rtpstat_summary(rs, &s);
	CHECK_INT(s.expected, 20);
	CHECK_INT(s.lost, 1);			/* 10 */
	CHECK_INT(s.out_of_order, 2);		/* 5 and 15 */
	CHECK_INT(s.duplicates, 0);

	/* 10 turns up late: no longer lost, and out of order. */
	feed(rs, 19 * PTIME_US, 10, 10 * TS_PER_PKT, 0, RTPSTAT_VOICE);
	rtpstat_summary(rs, &s);
	CHECK_INT(s.expected, 20);
	CHECK_INT(s.lost, 0);
	CHECK_INT(s.out_of_order, 3);
	CHECK_NEAR(s.burst_ratio, 1.0, 1e-12);
	rtpstat_free(rs);

	/* A seq older than the first widens the range downwards. */
	rs = new_stream(8000);
	feed(rs, 0, 50, 50 * TS_PER_PKT, 0, RTPSTAT_VOICE);
	feed(rs, 40000, 52, 52 * TS_PER_PKT, 0, RTPSTAT_VOICE);
	feed(rs, 45000, 47, 47 * TS_PER_PKT, 0, RTPSTAT_VOICE);
	rtpstat_summary(rs, &s);
	CHECK_INT(s.expected, 6);		/* 47..52 */
	CHECK_INT(s.lost, 3);			/* 48, 49, 51 */
	CHECK_INT(s.out_of_order, 1);
	CHECK_NEAR(s.burst_ratio, 1.5 * (1 - 3.0 / 6), 1e-9);
	rtpstat_free(rs);
}

/* 65530..5 across the wrap, losing 65533, 1 and 2. */
static void
test_seq_wrap(void)
{
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s;
	unsigned		 i;
	uint16_t		 seq;

	for (i = 0; i < 12; i++) {
		seq = (uint16_t)(65530 + i);
		if (seq != 65533 && seq != 1 && seq != 2)
			feed_voice(rs, 65530, i, 0);
	}
	rtpstat_summary(rs, &s);
	CHECK_INT(s.expected, 12);
	CHECK_INT(s.lost, 3);
	CHECK_INT(s.restarts, 0);
	/* Runs {65533} and {1, 2}: mean 1.5, P = 0.25. */
	CHECK_NEAR(s.burst_ratio, 1.5 * 0.75, 1e-9);

	/* 65533 arrives after 5, from the previous cycle. */
	feed_voice(rs, 65530, 3, 200000);
	rtpstat_summary(rs, &s);
	CHECK_INT(s.expected, 12);
	CHECK_INT(s.lost, 2);
	CHECK_INT(s.out_of_order, 1);
	CHECK_NEAR(s.burst_ratio, 2.0 * (1 - 2.0 / 12), 1e-9);
	rtpstat_free(rs);
}

/* A jump of more than MAX_DROPOUT, confirmed by the next packet. */
static void
test_restart(void)
{
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s;
	unsigned		 i;

	for (i = 0; i < 100; i++)
		if (i != 50)
			feed_voice(rs, 0, i, 0);
	for (i = 100; i < 200; i++)
		if (i != 150)
			feed_voice(rs, 20000 - 100, i, 0);
	rtpstat_summary(rs, &s);
	CHECK_INT(s.restarts, 1);
	CHECK_INT(s.packets, 198);
	CHECK_INT(s.expected, 200);
	CHECK_INT(s.lost, 2);
	CHECK_INT(s.out_of_order, 0);
	CHECK_NEAR(s.burst_ratio, 1.0 * (1 - 2.0 / 200), 1e-9);
	rtpstat_free(rs);

	/* Backwards, and onto seq 0: the jump itself is seq 65535. */
	rs = new_stream(8000);
	for (i = 0; i < 100; i++)
		feed_voice(rs, 30000, i, 0);
	for (i = 100; i < 200; i++)
		feed_voice(rs, (uint16_t)(65535 - 100), i, 0);
	rtpstat_summary(rs, &s);
	CHECK_INT(s.restarts, 1);
	CHECK_INT(s.expected, 200);
	CHECK_INT(s.lost, 0);
	rtpstat_free(rs);
}

/* A single stray jump, not confirmed: counted as a packet, nothing else. */
static void
test_stray_jump(void)
{
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s;
	unsigned		 i;

	for (i = 0; i < 100; i++) {
		feed_voice(rs, 0, i, 0);
		if (i == 49)
			feed(rs, 1000000 + 49 * PTIME_US + 5000, 40000,
			    49 * TS_PER_PKT, 0, RTPSTAT_VOICE);
	}
	rtpstat_summary(rs, &s);
	CHECK_INT(s.restarts, 0);
	CHECK_INT(s.packets, 101);
	CHECK_INT(s.expected, 100);
	CHECK_INT(s.lost, 0);
	CHECK_INT(s.duplicates, 0);
	CHECK_INT(s.out_of_order, 0);
	rtpstat_free(rs);
}

/* Every packet delayed by the same 37 ms: no jitter. */
static void
test_jitter_constant_delay(void)
{
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s;
	unsigned		 i;

	for (i = 0; i < 300; i++)
		feed_voice(rs, 0, i, 37000);
	rtpstat_summary(rs, &s);
	CHECK_NEAR(s.jitter_mean_ms, 0.0, 1e-9);
	CHECK_NEAR(s.jitter_max_ms, 0.0, 1e-9);
	rtpstat_free(rs);
}

/*
 * Delay alternating 0, d, 0, d, ...: |D| = d on every packet after the
 * first, so J_k = d (1 - r^k) with r = 15/16.  Every packet after the
 * first is regular, so tshark's running mean is the plain mean over the
 * n - 1 of them, and the maximum is the last J.
 */
static void
expect_alternating(unsigned n, double d_ms, double *mean_ms, double *max_ms)
{
	double	r = 15.0 / 16.0, sum_rk;

	sum_rk = r * (1 - pow(r, n - 1)) / (1 - r);
	*mean_ms = d_ms * ((n - 1) - sum_rk) / (n - 1);
	*max_ms = d_ms * (1 - pow(r, n - 1));
}

static void
run_alternating(uint32_t clock_rate_hz, uint32_t ts0, unsigned n,
    int64_t d_us, struct rtpstat_summary *s)
{
	struct rtpstat	*rs = new_stream(clock_rate_hz);
	uint32_t	 ts_per_pkt = clock_rate_hz / 50;
	unsigned	 i;

	for (i = 0; i < n; i++)
		feed(rs, 1000000 + (int64_t)i * PTIME_US + (i % 2 ? d_us : 0),
		    (uint16_t)(100 + i), ts0 + i * ts_per_pkt, 0,
		    RTPSTAT_VOICE);
	rtpstat_summary(rs, s);
	rtpstat_free(rs);
}

static void
test_jitter_alternating(void)
{
	struct rtpstat_summary	s;
	double			mean, max;

	/* Closed form; tshark 4.0.17 prints mean 1.329, max 2.203, 25.000. */
	run_alternating(8000, 0, 10, 5000, &s);
	expect_alternating(10, 5.0, &mean, &max);
	CHECK_NEAR(s.jitter_mean_ms, mean, 1e-9);
	CHECK_NEAR(s.jitter_max_ms, max, 1e-9);
	CHECK_NEAR(s.jitter_mean_ms, 1.329, 0.0005);
	CHECK_NEAR(s.jitter_max_ms, 2.203, 0.0005);
	CHECK_NEAR(s.max_delta_ms, 25.0, 1e-9);

	run_alternating(8000, 0, 200, 3000, &s);
	expect_alternating(200, 3.0, &mean, &max);
	CHECK_NEAR(s.jitter_mean_ms, mean, 1e-9);
	CHECK_NEAR(s.jitter_max_ms, max, 1e-9);
}

/* The same times on a 48 kHz clock give the same jitter in ms. */
static void
test_jitter_clock_scaling(void)
{
	struct rtpstat_summary	s8, s48;
	double			mean, max;

	run_alternating(8000, 1234, 120, 4000, &s8);
	run_alternating(48000, 1234, 120, 4000, &s48);
	expect_alternating(120, 4.0, &mean, &max);
	CHECK_NEAR(s8.jitter_mean_ms, mean, 1e-9);
	CHECK_NEAR(s48.jitter_mean_ms, mean, 1e-9);
	CHECK_NEAR(s8.jitter_max_ms, max, 1e-9);
	CHECK_NEAR(s48.jitter_max_ms, max, 1e-9);
}

/* Timestamps wrapping past 2^32 are differences, not a 2^32 jump. */
static void
test_jitter_ts_wrap(void)
{
	struct rtpstat_summary	s;
	double			mean, max;

	run_alternating(8000, 0xffffffffu - 160 * 20, 100, 0, &s);
	CHECK_NEAR(s.jitter_max_ms, 0.0, 1e-9);
	run_alternating(8000, 0xffffffffu - 160 * 20, 100, 2000, &s);
	expect_alternating(100, 2.0, &mean, &max);
	CHECK_NEAR(s.jitter_mean_ms, mean, 1e-9);
	CHECK_NEAR(s.jitter_max_ms, max, 1e-9);
}

/* Clock unknown: no jitter, but the gaps are still measured. */
static void
test_jitter_no_clock(void)
{
	struct rtpstat_summary	s;

	run_alternating(0, 0, 50, 5000, &s);
	CHECK_NEAR(s.jitter_mean_ms, 0.0, 1e-12);
	CHECK_NEAR(s.jitter_max_ms, 0.0, 1e-12);
	CHECK_NEAR(s.max_delta_ms, 25.0, 1e-9);
	CHECK_INT(s.packets, 50);
}

/*
 * A payload type nobody announced, and no voice: the gaps are measured
 * between its packets, with no clock rate (2.8 s of silence is 2 800 ms,
 * not 0).  In a voice stream such packets stay out of the gaps, as
 * events do.  One packet has no gap at all: -1, not a made-up 0.
 */
static void
test_gaps_unannounced(void)
{
	struct rtpstat		*rs = new_stream(0);
	struct rtpstat_summary	 s;
	unsigned		 i;

	feed(rs, 1000000, 500, 0, 0, RTPSTAT_UNANNOUNCED);
	rtpstat_summary(rs, &s);
	CHECK_NEAR(s.max_delta_ms, -1.0, 1e-12);
	for (i = 1; i < 20; i++)
		feed(rs, 1000000 + (int64_t)i * PTIME_US + (i >= 10 ? 2800000 :
		    0), (uint16_t)(500 + i), i * TS_PER_PKT, 0,
		    RTPSTAT_UNANNOUNCED);
	rtpstat_summary(rs, &s);
	CHECK_NEAR(s.max_delta_ms, 2820.0, 1e-9);
	CHECK_INT(s.packets, 20);
	rtpstat_free(rs);

	/*
	 * Voice first: an unannounced packet 320 ms after the last voice is
	 * no gap, and the voice 20 ms after it is timed from it.
	 */
	rs = new_stream(8000);
	for (i = 0; i < 10; i++)
		feed_voice(rs, 100, i, 0);
	feed(rs, 1000000 + 9 * PTIME_US + 320000, 110, 0, 0,
	    RTPSTAT_UNANNOUNCED);
	feed(rs, 1000000 + 9 * PTIME_US + 340000, 111, 10 * TS_PER_PKT, 0,
	    RTPSTAT_VOICE);
	rtpstat_summary(rs, &s);
	CHECK_NEAR(s.max_delta_ms, 20.0, 1e-9);
	rtpstat_free(rs);
}

/*
 * Against tshark 4.0.17 ("-z rtp,streams" on a capture of these packets):
 * delays of (7i mod 5) ms, a marker on packet 15, comfort noise on 25 and
 * 26, and packet 10 sent twice, the copy 1 ms later.  The duplicate counts
 * in the mean's denominator as tshark counts it; the marker, the CN
 * packets and the one after them stay out of the mean and maximum.
 * tshark: mean 1.435, max 2.192, max delta 22.000.
 */
static void
test_jitter_tshark_marker_cn_dup(void)
{
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s;
	enum rtpstat_kind	 kind;
	int64_t			 t;
	unsigned		 i;

	for (i = 0; i < 40; i++) {
		t = 1000000 + (int64_t)i * PTIME_US + (i * 7 % 5) * 1000;
		kind = i == 25 || i == 26 ? RTPSTAT_COMFORT_NOISE :
		    RTPSTAT_VOICE;
		feed(rs, t, (uint16_t)(200 + i), i * TS_PER_PKT, i == 15, kind);
		if (i == 10)
			feed(rs, t + 1000, (uint16_t)(200 + i), i * TS_PER_PKT,
			    0, kind);
	}
	rtpstat_summary(rs, &s);
	CHECK_INT(s.packets, 41);
	CHECK_INT(s.duplicates, 1);
	CHECK_INT(s.lost, 0);
	CHECK_NEAR(s.jitter_mean_ms, 1.435, 0.0005);
	CHECK_NEAR(s.jitter_max_ms, 2.192, 0.0005);
	CHECK_NEAR(s.max_delta_ms, 22.0, 1e-9);
	rtpstat_free(rs);
}

/*
 * Against tshark 4.0.17: delays of (3i mod 4) ms, packet 13 arriving
 * first and 12 three ms after it.  D is taken between packets in arrival
 * order, the late one included.  tshark: mean 2.838, max 5.982, 26.000.
 */
static void
test_jitter_tshark_reorder(void)
{
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s;
	int64_t			 t;
	unsigned		 i, j;

	for (i = 0; i < 30; i++) {
		/* The i-th to arrive, in the i-th slot; 12 and 13 swapped. */
		j = i == 12 ? 13 : i == 13 ? 12 : i;
		t = 1000000 + (int64_t)i * PTIME_US + (i * 3 % 4) * 1000;
		if (i == 13)
			t += 3000;
		feed(rs, t, (uint16_t)(300 + j), j * TS_PER_PKT, 0,
		    RTPSTAT_VOICE);
	}
	rtpstat_summary(rs, &s);
	CHECK_INT(s.out_of_order, 1);
	CHECK_INT(s.lost, 0);
	CHECK_NEAR(s.jitter_mean_ms, 2.838, 0.0005);
	CHECK_NEAR(s.jitter_max_ms, 5.982, 0.0005);
	CHECK_NEAR(s.max_delta_ms, 26.0, 1e-9);
	rtpstat_free(rs);
}

/*
 * The sender resets its timestamps backwards by back_ts at packet 30 (as
 * in the T.38 capture in shared/pcaps, at seq 1145): delays of (7i mod 5)
 * ms, timestamps 160i + back_ts before the reset and 160i after.
 */
static void
run_ts_reset(uint32_t back_ts, struct rtpstat_summary *s)
{
	struct rtpstat	*rs = new_stream(8000);
	unsigned	 i;

	for (i = 0; i < 60; i++)
		feed(rs, 1000000 + (int64_t)i * PTIME_US + (i * 7 % 5) * 1000,
		    (uint16_t)(100 + i),
		    i * TS_PER_PKT + (i < 30 ? back_ts : 0), 0, RTPSTAT_VOICE);
	rtpstat_summary(rs, s);
	rtpstat_free(rs);
}

/*
 * Against tshark 4.0.17: packets timestamped before the stream's first are
 * left out of jitter and gaps.  Reset by 5 s, all 30 after it are: mean
 * 1.337, max 2.015, max delta 22.000.  Reset by 1 s, packets 30..49 are,
 * and packet 50 is timed against packet 29: mean 9.484, max 64.201, max
 * delta 417.000.  A small step back (200 ms) is plain jitter: 4.610, 14.201.
 */
static void
test_jitter_tshark_ts_reset(void)
{
	struct rtpstat_summary	s;

	run_ts_reset(40000, &s);
	CHECK_INT(s.packets, 60);
	CHECK_INT(s.lost, 0);
	CHECK_NEAR(s.jitter_mean_ms, 1.337, 0.0005);
	CHECK_NEAR(s.jitter_max_ms, 2.015, 0.0005);
	CHECK_NEAR(s.max_delta_ms, 22.0, 1e-9);

	run_ts_reset(8000, &s);
	CHECK_NEAR(s.jitter_mean_ms, 9.484, 0.0005);
	CHECK_NEAR(s.jitter_max_ms, 64.201, 0.0005);
	CHECK_NEAR(s.max_delta_ms, 417.0, 1e-9);

	run_ts_reset(1600, &s);
	CHECK_NEAR(s.jitter_mean_ms, 4.610, 0.0005);
	CHECK_NEAR(s.jitter_max_ms, 14.201, 0.0005);
}

/*
 * A loss run across the edge of the window at summary time: part of it
 * has left the window, part is still inside.  It must count as one run.
 */
static void
test_run_across_window_edge(void)
{
	struct rtpstat		*rs;
	struct rtpstat_summary	 s;
	unsigned		 i, end;

	/* Lose 1000..1009; a window of 4096 seqs then starts near 1005. */
	for (end = 5098; end <= 5112; end += 2) {
		rs = new_stream(8000);
		for (i = 0; i <= end; i++)
			if (i < 1000 || i > 1009)
				feed_voice(rs, 0, i, 0);
		rtpstat_summary(rs, &s);
		CHECK_INT(s.expected, end + 1);
		CHECK_INT(s.lost, 10);
		CHECK_NEAR(s.burst_ratio, 10.0 * (1 - 10.0 / (end + 1)), 1e-9);
		rtpstat_free(rs);
	}
}

/*
 * A late packet at every depth a packet may be late (1 to 99 behind the
 * highest), each also repeated once more later still, and a hole at
 * every such depth that is never filled: the window must hold every
 * late packet's place, and the holes stay lost after they have left it.
 * For d from 1 to 99, packet 200 d is held until 200 d + d has arrived;
 * 200 d + 100 never comes.  A summary is taken after every packet.
 */
static void
test_late_at_every_depth(void)
{
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s;
	unsigned		 i, d, n = 200 * 100 + 200;

	for (i = 0; i < n; i++) {
		d = i / 200;
		if (d >= 1 && d <= 99 && (i == 200 * d || i == 200 * d + 100))
			continue;
		feed_voice(rs, 0, i, 0);
		if (d >= 1 && d <= 99 && i == 200 * d + d) {
			feed_voice(rs, 0, 200 * d,
			    (int64_t)d * PTIME_US + 1000);
			feed_voice(rs, 0, 200 * d,
			    (int64_t)d * PTIME_US + 2000);
		}
		rtpstat_summary(rs, &s);
		CHECK(s.expected == i + 1);
	}
	rtpstat_summary(rs, &s);
	CHECK_INT(s.expected, n);
	CHECK_INT(s.lost, 99);
	CHECK_INT(s.out_of_order, 99);
	CHECK_INT(s.duplicates, 99);
	/* Fed: n less 99 held and 99 holes, plus 99 late and 99 repeats. */
	CHECK_INT(s.packets, n);
	CHECK_NEAR(s.burst_ratio, 1.0 * (1 - 99.0 / n), 1e-12);
	rtpstat_free(rs);
}

/*
 * A run of lost sequence numbers across the window's edge, whatever the
 * window's length (any power of two from 128 to 4096): lose 1000..1009
 * and stop at every end from just after the run to 4096 past it.  Part
 * of the run has left the window, part is still inside; one run always.
 */
static void
test_run_across_any_window_edge(void)
{
	struct rtpstat		*rs;
	struct rtpstat_summary	 s;
	unsigned		 i, end;

	rs = new_stream(8000);
	for (i = 0; i <= 1009 + 4096 + 8; i++) {
		if (i >= 1000 && i <= 1009)
			continue;
		feed_voice(rs, 0, i, 0);
		end = i;
		if (end < 1010)
			continue;
		rtpstat_summary(rs, &s);
		CHECK(s.expected == end + 1);
		CHECK(s.lost == 10);
		CHECK(fabs(s.burst_ratio - 10.0 * (1 - 10.0 / (end + 1))) <
		    1e-9);
	}
	rtpstat_free(rs);
}

/*
 * The widest forward gap that is not a jump (2999), then the latest a
 * packet may be (99 behind the highest) and its duplicate: the window
 * must still hold both ends.
 */
static void
test_gap_then_late(void)
{
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s;
	unsigned		 i;

	for (i = 0; i < 100; i++)
		feed_voice(rs, 0, i, 0);
	feed_voice(rs, 0, 99 + 2999, 0);
	feed_voice(rs, 0, 99 + 2999 - 99, 1000);
	feed_voice(rs, 0, 99 + 2999 - 99, 2000);
	for (i = 99 + 3000; i < 99 + 3000 + 5000; i++)
		feed_voice(rs, 0, i, 0);
	rtpstat_summary(rs, &s);
	CHECK_INT(s.restarts, 0);
	CHECK_INT(s.expected, 99 + 3000 + 5000);
	CHECK_INT(s.lost, 2998 - 1);
	CHECK_INT(s.duplicates, 1);
	CHECK_INT(s.out_of_order, 1);
	/* Runs 100..2998 and 3000..3097. */
	CHECK_NEAR(s.burst_ratio, 2997.0 / 2 * (1 - 2997.0 / 8099), 1e-9);
	rtpstat_free(rs);
}

#if defined(__GLIBC__) && defined(__GLIBC_PREREQ)
#if __GLIBC_PREREQ(2, 33)
#define HAVE_MALLINFO2 1
#endif
#endif

/* Bytes the C library has handed out; 0 where it cannot tell. */
static size_t
heap_in_use(void)
{
#ifdef HAVE_MALLINFO2
	return mallinfo2().uordblks;
#else
	return 0;
#endif
}

/*
 * 200000 packets: the seq wraps three times, 2 in every 100 are lost as a
 * pair, one in 1000 is duplicated and one in 500 swapped with the next.
 * The window slides over all of it; the counts stay exact and the heap
 * does not grow (checked where mallinfo2 exists and no tool replaces
 * malloc; under ASan or valgrind the figure does not move either way).
 */
static void
test_long_stream(void)
{
	struct rtpstat		*rs = new_stream(8000);
	struct rtpstat_summary	 s, half;
	size_t			 heap_before;
	unsigned		 i, n = 200000, lost = 0, dups = 0, late = 0;

	memset(&half, 0, sizeof half);
	heap_before = heap_in_use();
	for (i = 0; i < n; i++) {
		if (i % 100 == 50 || i % 100 == 51) {
			lost++;
			continue;
		}
		if (i % 500 == 300) {
			/* i + 1 first, then i. */
			feed_voice(rs, 60000, i + 1, 0);
			feed_voice(rs, 60000, i, 100);
			late++;
			i++;
			continue;
		}
		feed_voice(rs, 60000, i, 0);
		if (i % 1000 == 7) {
			feed_voice(rs, 60000, i, 50);
			dups++;
		}
		if (i == n / 2)
			rtpstat_summary(rs, &half);
	}
	CHECK(heap_in_use() == heap_before);
	rtpstat_summary(rs, &s);
	CHECK_INT(half.expected, n / 2 + 1);
	CHECK_INT(half.lost, 2 * (n / 2 / 100));
	CHECK_INT(s.packets, n - lost + dups);
	CHECK_INT(s.expected, n);
	CHECK_INT(s.lost, lost);
	CHECK_INT(s.lost, 4000);
	CHECK_INT(s.duplicates, dups);
	CHECK_INT(s.out_of_order, late);
	CHECK_INT(s.restarts, 0);
	/* Runs of 2, P = 0.02. */
	CHECK_NEAR(s.burst_ratio, 2.0 * (1 - 0.02), 1e-9);
	CHECK_NEAR(s.loss_pct, 2.0, 1e-9);
	rtpstat_free(rs);
}

/* Sequence extension: nearest the highest, across wraps, within bounds. */
static void
test_seq_extend(void)
{
	int64_t ext;

	CHECK_INT(seqmath_extend(1000, 1001, 100, 3000, &ext), 0);
	CHECK_INT(ext, 1001);
	CHECK_INT(seqmath_extend(1000, 1000, 100, 3000, &ext), 0);
	CHECK_INT(ext, 1000);
	/* Forward across the wrap, and back across it. */
	CHECK_INT(seqmath_extend(65535, 2, 100, 3000, &ext), 0);
	CHECK_INT(ext, 65538);
	CHECK_INT(seqmath_extend(65538, 65534, 100, 3000, &ext), 0);
	CHECK_INT(ext, 65534);
	/* The bounds are exclusive, as RFC 3550 A.1's. */
	CHECK_INT(seqmath_extend(1000, 3999, 100, 3000, &ext), 0);
	CHECK_INT(seqmath_extend(1000, 4000, 100, 3000, &ext), -1);
	CHECK_INT(ext, 4000);
	CHECK_INT(seqmath_extend(1000, 901, 100, 3000, &ext), 0);
	CHECK_INT(seqmath_extend(1000, 900, 100, 3000, &ext), -1);
	CHECK_INT(ext, 900);
	/* A wide window behind keeps a straggler late. */
	CHECK_INT(seqmath_extend(70000, 2000, 3000, 3000, &ext), 0);
	CHECK_INT(ext, 67536);
	/* Below zero after a restart one below the first packet. */
	CHECK_INT(seqmath_extend(0, 65535, 100, 3000, &ext), 0);
	CHECK_INT(ext, -1);
}

/*
 * What the stream looked like up to a receiver's report's highest seq,
 * against a count over every number received so far: random loss and
 * reordering across a sequence wrap, asked at each number of the window
 * behind the highest and a few ahead of it.  Further back: not known.
 */
static void
test_lost_upto(void)
{
	enum { N = 700, FIRST = 65300 };
	static uint8_t got[N + 40];
	struct rtpstat *rs = new_stream(8000);
	uint64_t expected, lost;
	unsigned i, k, held = 0, have_held = 0, lowest = N, highest = 0;
	int64_t h;

	memset(got, 0, sizeof(got));
	srand(7);
	for (i = 0; i < N; i++) {
		if (i > 0 && i < N - 1 && rand() % 10 == 0)
			continue;
		/* Now and then a packet is held back two places. */
		if (!have_held && i > 2 && rand() % 25 == 0) {
			held = i;
			have_held = 3;
			continue;
		}
		feed(rs, (int64_t)i * PTIME_US, (uint16_t)(FIRST + i),
		    i * TS_PER_PKT, 0, RTPSTAT_VOICE);
		got[i] = 1;
		lowest = i < lowest ? i : lowest;
		highest = i > highest ? i : highest;
		if (have_held && --have_held == 0) {
			feed(rs, (int64_t)i * PTIME_US + 1000,
			    (uint16_t)(FIRST + held), held * TS_PER_PKT, 0,
			    RTPSTAT_VOICE);
			got[held] = 1;
		}
		if (i % 37 != 0)
			continue;
		for (h = (int64_t)highest - 130; h <= (int64_t)highest + 20;
		    h++) {
			uint64_t want_lost = 0;
			int r = rtpstat_lost_upto(rs, (uint16_t)(FIRST + h),
			    &expected, &lost);

			if (h < (int64_t)lowest ||
			    h <= (int64_t)highest - 128) {
				CHECK_INT(r, -1);
				continue;
			}
			CHECK_INT(r, 0);
			for (k = lowest; k <= (unsigned)h; k++)
				want_lost += k > highest || !got[k];
			CHECK_INT(expected, (uint64_t)(h - lowest + 1));
			CHECK_INT(lost, want_lost);
		}
	}
	rtpstat_free(rs);
}

int
main(void)
{
	RUN(test_clean);
	RUN(test_empty);
	RUN(test_random_loss);
	RUN(test_burst_vector_short);
	RUN(test_burst_vector_long);
	RUN(test_duplicates);
	RUN(test_event_end_repeats);
	RUN(test_event_jitter);
	RUN(test_reorder);
	RUN(test_seq_wrap);
	RUN(test_restart);
	RUN(test_stray_jump);
	RUN(test_seq_extend);
	RUN(test_jitter_constant_delay);
	RUN(test_jitter_alternating);
	RUN(test_jitter_clock_scaling);
	RUN(test_jitter_ts_wrap);
	RUN(test_jitter_no_clock);
	RUN(test_gaps_unannounced);
	RUN(test_jitter_tshark_marker_cn_dup);
	RUN(test_jitter_tshark_reorder);
	RUN(test_jitter_tshark_ts_reset);
	RUN(test_run_across_window_edge);
	RUN(test_run_across_any_window_edge);
	RUN(test_late_at_every_depth);
	RUN(test_gap_then_late);
	RUN(test_long_stream);
	RUN(test_lost_upto);
	return unit_done("rtpstat");
}
