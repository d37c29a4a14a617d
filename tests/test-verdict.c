/* Unit tests for metrics/verdict.c: a call's figures and its verdict. */
#include "metrics/snapshot.h"
#include "metrics/verdict.h"
#include "tests/unit.h"

/* A stream of one side with the figures the verdict reads. */
static struct snap_stream
stream(const char *direction, uint64_t packets, uint64_t expected,
    uint64_t lost, double mos_call, double jitter_mean_ms)
{
	struct snap_stream s;

	memset(&s, 0, sizeof(s));
	s.call = 0;
	s.direction = direction;
	s.clock_rate_hz = 8000;
	s.rtp.packets = packets;
	s.rtp.expected = expected;
	s.rtp.lost = lost;
	s.rtp.loss_pct = expected ? 100.0 * (double)lost / (double)expected : 0;
	s.rtp.jitter_mean_ms = jitter_mean_ms;
	s.rtp.jitter_max_ms = jitter_mean_ms * 2;
	if (mos_call > 0) {
		s.quality.have_mos = 1;
		s.quality.mos_call = mos_call;
		s.quality.mos_min = mos_call - 0.5;
		s.quality.mos_avg = mos_call - 0.1;
	}
	return s;
}

/* Loss is summed over streams, not the worst stream's. */
static void
test_loss_summed(void)
{
	struct snap_stream s[2];
	struct verdict_call v;

	/* 5 % of 100 and 0 % of 900: 0.5 % in all, under the 1 % bound. */
	s[0] = stream("caller", 95, 100, 5, 4.3, 1);
	s[1] = stream("caller", 900, 900, 0, 4.4, 1);
	verdict_of_call(s, 2, 0, &v);
	CHECK(v.dir[VERDICT_CALLER].have_loss);
	CHECK_NEAR(v.dir[VERDICT_CALLER].loss_pct, 0.5, 1e-9);
	CHECK(!v.dir[VERDICT_CALLER].impaired);
	CHECK(!v.impaired);
	CHECK_INT(v.dir[VERDICT_CALLER].sums.streams, 2);
	CHECK_INT(v.dir[VERDICT_CALLEE].sums.streams, 0);
}

/* MOS and jitter are weighted by packets; min and max are extremes. */
static void
test_weighted_figures(void)
{
	struct snap_stream s[2];
	struct verdict_call v;
	const struct verdict_dir *d = &v.dir[VERDICT_CALLEE];

	s[0] = stream("callee", 300, 300, 0, 3.0, 40);
	s[1] = stream("callee", 100, 100, 0, 4.2, 0);
	verdict_of_call(s, 2, 0, &v);
	CHECK_NEAR(d->mos, (3.0 * 300 + 4.2 * 100) / 400, 1e-9);
	CHECK_NEAR(d->mos_avg, (2.9 * 300 + 4.1 * 100) / 400, 1e-9);
	CHECK_NEAR(d->mos_min, 2.5, 1e-9);
	CHECK_NEAR(d->jitter_ms, 30.0, 1e-9);
	CHECK_NEAR(d->jitter_max_ms, 80.0, 1e-9);
	/* MOS 3.3 < 3.6; jitter exactly 30 is not above 30. */
	CHECK_INT(d->reasons, VERDICT_REASON_MOS);
	CHECK(d->impaired);
	CHECK(v.impaired);
	CHECK_NEAR(v.mos, d->mos, 1e-12);
}

/* Each threshold, at and around its bound, with its operator. */
static void
test_thresholds(void)
{
	struct snap_stream s;
	struct verdict_call v;

	s = stream("caller", 99, 100, 1, 4.0, 5);	/* exactly 1 % */
	verdict_of_call(&s, 1, 0, &v);
	CHECK_INT(v.dir[0].reasons, VERDICT_REASON_LOSS);
	s = stream("caller", 1000, 1000, 0, 3.6, 5);	/* exactly 3.6 */
	verdict_of_call(&s, 1, 0, &v);
	CHECK_INT(v.dir[0].reasons, 0);
	s = stream("caller", 1000, 1000, 0, 3.59, 5);
	verdict_of_call(&s, 1, 0, &v);
	CHECK_INT(v.dir[0].reasons, VERDICT_REASON_MOS);
	s = stream("caller", 1000, 1000, 0, 4.2, 30.01);
	verdict_of_call(&s, 1, 0, &v);
	CHECK_INT(v.dir[0].reasons, VERDICT_REASON_JITTER);
	s = stream("caller", 90, 100, 10, 2.0, 50);
	verdict_of_call(&s, 1, 0, &v);
	CHECK_INT(v.dir[0].reasons, VERDICT_REASON_LOSS | VERDICT_REASON_MOS |
	    VERDICT_REASON_JITTER);
}

/* A side without media has no figures and no verdict against it. */
static void
test_no_media(void)
{
	struct snap_stream s[2];
	struct verdict_call v;

	s[0] = stream("caller", 100, 100, 0, 4.4, 1);
	s[1] = stream(NULL, 100, 100, 50, 1.0, 90);	/* no signalling */
	verdict_of_call(s, 2, 0, &v);
	CHECK(!v.dir[VERDICT_CALLEE].have_loss);
	CHECK(!v.dir[VERDICT_CALLEE].have_mos);
	CHECK(!v.dir[VERDICT_CALLEE].have_jitter);
	CHECK(!v.dir[VERDICT_CALLEE].impaired);
	CHECK(!v.impaired);
	/* Another call's streams do not count. */
	s[1] = stream("callee", 10, 100, 90, 1.0, 90);
	s[1].call = 7;
	verdict_of_call(s, 2, 0, &v);
	CHECK_INT(v.dir[VERDICT_CALLEE].sums.streams, 0);
	/* Without a clock rate there is no jitter to judge. */
	s[0].clock_rate_hz = 0;
	s[0].rtp.jitter_mean_ms = 99;
	verdict_of_call(s, 1, 0, &v);
	CHECK(!v.dir[VERDICT_CALLER].have_jitter);
	CHECK(!v.dir[VERDICT_CALLER].impaired);
}

/* Fed stream by stream, as the outputs do, it is the same verdict. */
static void
test_incremental(void)
{
	struct snap_stream s[3];
	struct verdict_sums backwards[2];
	struct verdict_call a, b;
	size_t i;

	s[0] = stream("caller", 500, 510, 10, 3.9, 12);
	s[1] = stream("callee", 500, 500, 0, 4.3, 3);
	s[2] = stream("caller", 200, 200, 0, 4.1, 8);
	verdict_of_call(s, 3, 0, &a);
	/* In another order, and judged twice: the same. */
	memset(backwards, 0, sizeof(backwards));
	for (i = 3; i-- > 0;)
		verdict_sums_add(backwards, &s[i]);
	verdict_call_from(backwards, &b);
	verdict_call_from(backwards, &b);
	CHECK_NEAR(a.dir[0].loss_pct, b.dir[0].loss_pct, 1e-12);
	CHECK_NEAR(a.dir[0].mos, b.dir[0].mos, 1e-12);
	CHECK_NEAR(a.dir[0].jitter_ms, b.dir[0].jitter_ms, 1e-12);
	CHECK_INT(a.dir[0].reasons, b.dir[0].reasons);
	CHECK_INT(a.impaired, b.impaired);
	CHECK_NEAR(a.dir[0].loss_pct, 100.0 * 10 / 710, 1e-9);
	/* Summed as a worker does for a call, then judged by an output. */
	{
		struct verdict_sums side[2];
		struct verdict_call c;

		memset(side, 0, sizeof(side));
		for (i = 0; i < 3; i++)
			verdict_sums_add(side, &s[i]);
		verdict_call_from(side, &c);
		CHECK_NEAR(c.dir[0].mos, a.dir[0].mos, 1e-12);
		CHECK_NEAR(c.dir[1].jitter_ms, a.dir[1].jitter_ms, 1e-12);
		CHECK_NEAR(c.dir[0].mos_min, a.dir[0].mos_min, 1e-12);
		CHECK_INT(c.dir[0].sums.streams, 2);
		CHECK_INT(c.impaired, a.impaired);
	}
}

static void
test_names_and_bands(void)
{
	size_t i;

	CHECK_STR(verdict_reason_name(VERDICT_REASON_LOSS), "loss");
	CHECK_STR(verdict_reason_name(VERDICT_REASON_MOS), "mos");
	CHECK_STR(verdict_reason_name(VERDICT_REASON_JITTER), "jitter");
	CHECK(verdict_reason_name(0) == NULL);
	for (i = 0; i < VERDICT_REASONS; i++)
		CHECK(verdict_reason_name(verdict_reason_at(i)) != NULL);
	CHECK_INT(verdict_reason_at(VERDICT_REASONS), 0);
	CHECK_INT(verdict_side("caller"), VERDICT_CALLER);
	CHECK_INT(verdict_side("callee"), VERDICT_CALLEE);
	CHECK_INT(verdict_side(NULL), -1);
	CHECK_INT(verdict_side("other"), -1);
	CHECK_STR(verdict_side_name(VERDICT_CALLEE), "callee");
	CHECK_INT(verdict_loss_band(0), VERDICT_GOOD);
	CHECK_INT(verdict_loss_band(0.1), VERDICT_FAIR);
	CHECK_INT(verdict_loss_band(VERDICT_LOSS_PCT), VERDICT_POOR);
	CHECK_INT(verdict_mos_band(4.0), VERDICT_GOOD);
	CHECK_INT(verdict_mos_band(3.6), VERDICT_FAIR);
	CHECK_INT(verdict_mos_band(3.59), VERDICT_POOR);
	CHECK_INT(verdict_jitter_band(9.9), VERDICT_GOOD);
	CHECK_INT(verdict_jitter_band(10), VERDICT_FAIR);
	CHECK_INT(verdict_jitter_band(30), VERDICT_FAIR);
	CHECK_INT(verdict_jitter_band(30.5), VERDICT_POOR);
	CHECK(verdict_interval_bad(1.0, 0, 0));
	CHECK(!verdict_interval_bad(0.9, 1, 3.6));
	CHECK(verdict_interval_bad(0, 1, 3.5));
	CHECK(!verdict_interval_bad(0, 0, 1.0));
}

int
main(void)
{
	RUN(test_loss_summed);
	RUN(test_weighted_figures);
	RUN(test_thresholds);
	RUN(test_no_media);
	RUN(test_incremental);
	RUN(test_names_and_bands);
	return unit_done("verdict");
}
