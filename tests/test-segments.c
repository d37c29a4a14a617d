/*
 * Unit tests for metrics/segments.c: which of the receiver's figures make
 * the segment after the probe, what is taken off them, and the words and
 * owners --home-net gives the two segments.
 */
#include <string.h>

#include "metrics/segments.h"
#include "metrics/snapshot.h"
#include "tests/unit.h"

/* A stream the probe saw 500 of 520 packets of (20 lost, 3 duplicated). */
static void
stream_init(struct snap_stream *s)
{
	memset(s, 0, sizeof(*s));
	s->clock_rate_hz = 8000;
	s->rtp.packets = 503;
	s->rtp.expected = 520;
	s->rtp.lost = 20;
	s->rtp.duplicates = 3;
	s->rtp.loss_pct = 100.0 * 20 / 520;
	s->rtp.jitter_mean_ms = 4.0;
}

/* Before the probe: the probe's own count, with or without a clock. */
static void
test_before(void)
{
	struct snap_stream s;
	struct segments g;

	stream_init(&s);
	segments_of(&s, &g);
	CHECK_INT(g.before.source, SEGMENT_PROBE);
	CHECK_INT(g.before.lost, 20);
	CHECK_NEAR(g.before.loss_pct, 100.0 * 20 / 520, 1e-9);
	CHECK(g.before.have_jitter);
	CHECK_NEAR(g.before.jitter_ms, 4.0, 1e-9);
	CHECK_INT(g.after.source, SEGMENT_UNKNOWN);
	CHECK(!g.after.have_loss && !g.after.have_lost);
	s.clock_rate_hz = 0;
	segments_of(&s, &g);
	CHECK(!g.before.have_jitter);
	/* No packet: nothing before the probe either. */
	memset(&s, 0, sizeof(s));
	segments_of(&s, &g);
	CHECK_INT(g.before.source, SEGMENT_UNKNOWN);
}

/*
 * RTCP: the receiver's cumulative count over the numbers its block
 * covers, less the probe's over the same numbers, duplicates counting
 * as negative loss on both sides.
 */
static void
test_after_rtcp(void)
{
	struct snap_stream s;
	struct segments g;

	stream_init(&s);
	s.far.reports = 3;
	s.far.cumulative_lost = 25;
	s.far.have_upto = 1;
	s.far.upto_expected = 500;
	s.far.upto_lost = 19;
	s.far.upto_duplicates = 3;
	s.far.have_jitter = 1;
	s.far.jitter_ms = 9.5;
	s.far.upto_jitter_ms = 4.25;
	/* And an XR: the count wins. */
	s.far.have_xr = 1;
	s.far.xr_loss_pct = 50.0;
	segments_of(&s, &g);
	CHECK_INT(g.after.source, SEGMENT_RTCP);
	CHECK_INT(g.after.lost, 25 - (19 - 3));
	CHECK_NEAR(g.after.loss_pct, 100.0 * 9 / 500, 1e-9);
	CHECK_NEAR(g.after.jitter_ms, 9.5, 1e-9);
	CHECK_NEAR(g.after.jitter_added_ms, 5.25, 1e-9);
	/* Fewer missing at the receiver than at the probe: shown below 0. */
	s.far.cumulative_lost = 10;
	segments_of(&s, &g);
	CHECK_INT(g.after.lost, -6);
	/* A block the probe could not place: not a count, the XR's rate. */
	s.far.have_upto = 0;
	segments_of(&s, &g);
	CHECK_INT(g.after.source, SEGMENT_RTCP_XR);
	CHECK(!g.after.have_lost);
	CHECK_NEAR(g.after.loss_pct, 50.0 - 100.0 * 20 / 520, 1e-9);
}

/* RFC 6035: only the receiver's own figures, never a sender's copy. */
static void
test_after_vq(void)
{
	struct snap_stream s;
	struct segments g;

	stream_init(&s);
	s.far.vq.reports = 1;
	s.far.vq.by_receiver = 0;
	s.far.vq.metrics.present = 1u << VQR_NLR | 1u << VQR_IAJ;
	s.far.vq.metrics.value[VQR_NLR] = 6.0;
	s.far.vq.metrics.value[VQR_IAJ] = 7.0;
	segments_of(&s, &g);
	CHECK_INT(g.after.source, SEGMENT_UNKNOWN);
	s.far.vq.by_receiver = 1;
	segments_of(&s, &g);
	CHECK_INT(g.after.source, SEGMENT_RFC6035);
	CHECK_NEAR(g.after.loss_pct, 6.0 - 100.0 * 20 / 520, 1e-9);
	CHECK_NEAR(g.after.jitter_ms, 7.0, 1e-9);
	CHECK_NEAR(g.after.jitter_added_ms, 3.0, 1e-9);
	/* Without a loss figure the report says nothing of the segment. */
	s.far.vq.metrics.present = 1u << VQR_IAJ;
	segments_of(&s, &g);
	CHECK_INT(g.after.source, SEGMENT_UNKNOWN);
}

/* Which end is the site's, and what each segment is called then. */
static void
test_way_owner_words(void)
{
	CHECK_INT(segments_way(0, 1), SEGMENT_INBOUND);
	CHECK_INT(segments_way(1, 0), SEGMENT_OUTBOUND);
	CHECK_INT(segments_way(1, 1), SEGMENT_INTERNAL);
	CHECK_INT(segments_way(0, 0), SEGMENT_EXTERNAL);
	CHECK_INT(segments_owner(SEGMENT_INBOUND, 0), SEGMENT_OWNER_PROVIDER);
	CHECK_INT(segments_owner(SEGMENT_INBOUND, 1), SEGMENT_OWNER_SITE);
	CHECK_INT(segments_owner(SEGMENT_OUTBOUND, 0), SEGMENT_OWNER_SITE);
	CHECK_INT(segments_owner(SEGMENT_OUTBOUND, 1), SEGMENT_OWNER_PROVIDER);
	CHECK_INT(segments_owner(SEGMENT_INTERNAL, 1), SEGMENT_OWNER_SITE);
	CHECK_INT(segments_owner(SEGMENT_EXTERNAL, 0), SEGMENT_OWNER_UNKNOWN);
	CHECK_INT(segments_owner(SEGMENT_WAY_UNKNOWN, 1), SEGMENT_OWNER_UNKNOWN);
	CHECK_STR(segments_words(SEGMENT_WAY_UNKNOWN, 0), "before the probe");
	CHECK_STR(segments_words(SEGMENT_WAY_UNKNOWN, 1), "after the probe");
	CHECK(strstr(segments_words(SEGMENT_INBOUND, 0), "provider") != NULL);
	CHECK_STR(segments_words(SEGMENT_INBOUND, 1), "inside this site");
	CHECK(strstr(segments_words(SEGMENT_OUTBOUND, 1), "provider") != NULL);
	CHECK(strstr(segments_words(SEGMENT_OUTBOUND, 0), "inside this site") !=
	    NULL);
	CHECK(segments_way_name(SEGMENT_WAY_UNKNOWN) == NULL);
	CHECK_STR(segments_way_name(SEGMENT_EXTERNAL), "external");
	CHECK_STR(segments_owner_name(SEGMENT_OWNER_SITE), "site");
	CHECK(segments_owner_name(SEGMENT_OWNER_UNKNOWN) == NULL);
	CHECK_STR(segments_source_name(SEGMENT_RFC6035), "rfc6035");
	CHECK(segments_source_name(SEGMENT_UNKNOWN) == NULL);
}

int
main(void)
{
	RUN(test_before);
	RUN(test_after_rtcp);
	RUN(test_after_vq);
	RUN(test_way_owner_words);
	return unit_done("segments");
}
