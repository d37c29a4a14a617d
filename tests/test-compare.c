/*
 * Unit tests of --compare's pairing and figures (probe/compare/), on
 * packet lists built here: the figures are worked out by hand in the
 * comments, so each expected number says where it comes from.
 */
#include <stdlib.h>
#include <string.h>

#include "probe/compare/compare.h"
#include "tests/unit.h"

#define PTIME_US	20000
#define SSRC		0x1234abcdu
#define HASH		0xfeedu

static struct vq_endpoint
ep(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
	struct vq_endpoint e;

	memset(&e, 0, sizeof(e));
	e.addr.family = 4;
	e.addr.bytes[0] = a;
	e.addr.bytes[1] = b;
	e.addr.bytes[2] = c;
	e.addr.bytes[3] = d;
	e.port = port;
	return e;
}

/* Two empty points, named as given, of files a.pcap and b.pcap. */
static void
points_init(struct compare_point pts[2], const char *name_a,
    const char *name_b)
{
	compare_point_init(&pts[0], name_a, "a.pcap");
	compare_point_init(&pts[1], name_b, "b.pcap");
}

/* Free a comparison's result and its two points. */
static void
points_free(struct compare_point pts[2], struct compare_result *res)
{
	compare_result_free(res);
	compare_point_free(&pts[0]);
	compare_point_free(&pts[1]);
}

/*
 * A stream of n packets from seq0, sent every 20 ms from start_us, seen
 * delay_us later on the point's clock; what sipp's pcap play sends on every
 * call: one SSRC, numbers from 1000, timestamps from 160000, one payload.
 */
static void
add_stream(struct compare_point *pt, struct vq_endpoint src,
    struct vq_endpoint dst, uint32_t ssrc, uint16_t seq0, int n,
    int64_t start_us, int64_t delay_us)
{
	int i;

	for (i = 0; i < n; i++)
		compare_point_add_rtp(pt, &src, &dst, ssrc,
		    (uint16_t)(seq0 + i), 160000u + 160u * (uint32_t)i, 0,
		    start_us + i * PTIME_US + delay_us, HASH);
}

/* The pair of A's stream i, or NULL. */
static const struct compare_pair *
pair_of(const struct compare_result *res, size_t a)
{
	size_t i;

	for (i = 0; i < res->n_pairs; i++)
		if (res->pairs[i].stream[0] == a)
			return &res->pairs[i];
	return NULL;
}

static int
has(const struct compare_pair *p, unsigned bit)
{
	return p != NULL && (p->evidence & bit) != 0;
}

/*
 * Five calls of one sipp scenario, 2 s apart: every stream has the same
 * SSRC, numbers, timestamps and payload at both points; B is behind a NAT
 * and its clock is 0.5 s ahead, the segment takes 30 ms each way.  Only
 * time (and then the mappings) tells the calls apart.
 */
static void
test_sipp_calls(void)
{
	struct compare_point pts[2];
	struct compare_result res;
	const struct compare_pair *p;
	const struct compare_stream *a, *b;
	size_t i;
	int k;

	points_init(pts, "edge", "sbc");
	for (k = 0; k < 5; k++) {
		int64_t t0 = 1000000000000LL + k * 2000000LL;
		uint16_t port = (uint16_t)(20000 + 2 * k);

		/* Caller to callee: A first, then B. */
		add_stream(&pts[0], ep(10, 0, 0, 5, port), ep(10, 0, 0, 1, 4000),
		    SSRC, 1000, 50, t0, 0);
		add_stream(&pts[1], ep(203, 0, 113, 1, (uint16_t)(port + 10000)),
		    ep(198, 51, 100, 7, (uint16_t)(6000 + k)), SSRC, 1000, 50,
		    t0, 500000 + 30000);
		/*
		 * Callee to caller, the same pcap played back from the
		 * answer on: B first.
		 */
		add_stream(&pts[1], ep(198, 51, 100, 7, (uint16_t)(6000 + k)),
		    ep(203, 0, 113, 1, (uint16_t)(port + 10000)), SSRC, 1000,
		    50, t0 + 300000, 500000);
		add_stream(&pts[0], ep(10, 0, 0, 1, 4000), ep(10, 0, 0, 5, port),
		    SSRC, 1000, 50, t0 + 300000, 30000);
	}
	compare_pair_points(pts, &res);
	CHECK_INT(res.n_pairs, 20 / 2);
	CHECK_INT(res.n_unpaired, 0);
	/* Each of A's streams with B's of the same call and direction. */
	for (i = 0; i < res.n_pairs; i++) {
		p = &res.pairs[i];
		a = &pts[0].streams[p->stream[0]];
		b = &pts[1].streams[p->stream[1]];
		CHECK_INT(p->stream[0] / 2, p->stream[1] / 2);
		CHECK_INT(a->src.port == 4000, b->src.addr.bytes[0] == 198);
		CHECK(has(p, COMPARE_BY_TIME));
		CHECK(has(p, COMPARE_BY_SSRC) && has(p, COMPARE_BY_SEQUENCE));
		CHECK_INT(p->nat, 1);
		/* Caller's media flows edge first; the callee's sbc first. */
		CHECK_INT(p->upstream, a->src.port == 4000 ? 1 : 0);
		CHECK_INT(p->upstream_by_loss, 0);
		CHECK_INT(p->fig.lost_between, 0);
		CHECK(p->fig.has_one_way_delay);
		CHECK_NEAR(p->fig.one_way_delay_min_ms, 30.0, 1e-6);
		CHECK_NEAR(p->fig.one_way_delay_p95_ms, 30.0, 1e-6);
	}
	/* Both ways paired: B's clock minus A's, from the minima. */
	CHECK_INT(res.clock.trusted, 1);
	CHECK_NEAR(res.clock.offset_us, 500000.0, 1e-6);
	points_free(pts, &res);
}

/*
 * One way only, no NAT: the clocks cannot be compared; a stream that one
 * point alone saw has no candidate.
 */
static void
test_one_way_and_alone(void)
{
	struct compare_point pts[2];
	struct compare_result res;
	const struct compare_pair *p;

	points_init(pts, "a", "b");
	add_stream(&pts[0], ep(10, 0, 0, 5, 20000), ep(10, 0, 0, 1, 4000),
	    SSRC, 1000, 50, 0, 0);
	add_stream(&pts[1], ep(10, 0, 0, 5, 20000), ep(10, 0, 0, 1, 4000),
	    SSRC, 1000, 50, 0, 12000);
	/* At A only (another SSRC). */
	add_stream(&pts[0], ep(10, 0, 0, 6, 20002), ep(10, 0, 0, 1, 4002),
	    0x55u, 1, 10, 0, 0);
	compare_pair_points(pts, &res);
	CHECK_INT(res.n_pairs, 1);
	p = pair_of(&res, 0);
	CHECK(p != NULL);
	CHECK_INT(p != NULL ? p->upstream : -1, 0);
	CHECK_INT(p != NULL ? p->nat : -1, 0);
	/* No NAT: the same endpoints at both points is a mapping that fits. */
	CHECK(has(p, COMPARE_BY_NAT_MAPPING));
	CHECK(p == NULL || !p->fig.has_one_way_delay);
	CHECK_INT(res.clock.trusted, 0);
	CHECK(res.clock.method != NULL);
	CHECK_INT(res.n_unpaired, 1);
	CHECK_INT(res.unpaired[0].point, 0);
	CHECK_INT(res.unpaired[0].stream, 1);
	CHECK_INT(res.unpaired[0].reason, COMPARE_NO_CANDIDATE);
	CHECK_INT(res.unpaired[0].candidates, 0);
	points_free(pts, &res);
}

/* Two streams of B fit A's equally well: no choice is made. */
static void
test_ambiguous(void)
{
	struct compare_point pts[2];
	struct compare_result res;
	size_t i;

	points_init(pts, "a", "b");
	add_stream(&pts[0], ep(10, 0, 0, 5, 20000), ep(10, 0, 0, 1, 4000),
	    SSRC, 1000, 50, 0, 0);
	add_stream(&pts[1], ep(203, 0, 113, 1, 30000),
	    ep(198, 51, 100, 7, 6000), SSRC, 1000, 50, 0, 10000);
	add_stream(&pts[1], ep(203, 0, 113, 1, 30002),
	    ep(198, 51, 100, 7, 6002), SSRC, 1000, 50, 0, 10000);
	compare_pair_points(pts, &res);
	CHECK_INT(res.n_pairs, 0);
	CHECK_INT(res.n_unpaired, 3);
	for (i = 0; i < res.n_unpaired; i++) {
		CHECK_INT(res.unpaired[i].reason, COMPARE_AMBIGUOUS);
		CHECK_INT(res.unpaired[i].candidates, 2);
	}
	points_free(pts, &res);
}

/*
 * A NAT mapping learnt from one pair settles another: the reverse stream
 * has two candidates alike in time; the one whose endpoints contradict
 * what the forward pair taught loses.
 */
static void
test_nat_mapping(void)
{
	struct compare_point pts[2];
	struct compare_result res;
	const struct compare_pair *p;

	points_init(pts, "a", "b");
	/* Forward: A 0, B 0. */
	add_stream(&pts[0], ep(10, 0, 0, 5, 20000), ep(10, 0, 0, 1, 4000),
	    0x111u, 1, 50, 0, 0);
	add_stream(&pts[1], ep(203, 0, 113, 1, 30000),
	    ep(198, 51, 100, 7, 6000), 0x111u, 1, 50, 0, 40000);
	/* Reverse: A 1; B 1 is the decoy, B 2 the one the mapping fits. */
	add_stream(&pts[0], ep(10, 0, 0, 1, 4000), ep(10, 0, 0, 5, 20000),
	    0x222u, 1, 50, 0, 20000);
	add_stream(&pts[1], ep(198, 51, 100, 9, 6000),
	    ep(203, 0, 113, 1, 30000), 0x222u, 1, 50, 0, 0);
	add_stream(&pts[1], ep(198, 51, 100, 7, 6000),
	    ep(203, 0, 113, 1, 30000), 0x222u, 1, 50, 0, 0);
	compare_pair_points(pts, &res);
	CHECK_INT(res.n_pairs, 2);
	p = pair_of(&res, 1);
	CHECK_INT(p != NULL ? (long long)p->stream[1] : -1, 2);
	CHECK(has(p, COMPARE_BY_NAT_MAPPING));
	CHECK(!has(pair_of(&res, 0), COMPARE_BY_NAT_MAPPING));
	CHECK_INT(res.n_unpaired, 1);
	CHECK_INT(res.unpaired[0].point, 1);
	CHECK_INT(res.unpaired[0].stream, 1);
	/* It had a candidate, A 1, which the mapping ruled out. */
	CHECK_INT(res.unpaired[0].reason, COMPARE_REJECTED);
	CHECK_INT(res.unpaired[0].candidates, 1);
	/* Both ways: offset (60 - (-20)) / 2 ... x is 40 ms and -20 ms. */
	CHECK_INT(res.clock.trusted, 1);
	CHECK_NEAR(res.clock.offset_us, 10000.0, 1e-6);
	points_free(pts, &res);
}

/*
 * One recording played both ways through a bridge (live-e2e's relay):
 * same SSRC, numbers, timestamps and payloads each way, the same
 * addresses at both points and in one call.  The caller's media crosses
 * A first and takes 20 ms plus up to 9 ms (never reordered), losing 10
 * numbers between the points, the first two and last two among them; the
 * callee's leaves 1 ms before the caller's starts and takes 1 ms back.
 * A's caller stream also fits B's callee stream (x about -1 ms, in the
 * callee pair's cluster) and A's callee stream B's caller stream (x about
 * +25 ms, in the caller pair's): both swap the roles of their endpoints
 * (A's source is B's destination), which no packet on one path does, and
 * must not outvote the true pairs.
 */
#define BOTH_WAYS_PKTS	236

static int
both_ways_lost(int i)
{
	return i < 2 || (i >= 40 && i < 43) || i == 100 || i == 150 ||
	    i == 151 || i >= BOTH_WAYS_PKTS - 2;
}

static void
build_both_ways(struct compare_point pts[2], int caller_at_b)
{
	struct vq_endpoint caller = ep(10, 77, 0, 1, 6000);
	struct vq_endpoint callee = ep(10, 77, 0, 2, 6002);
	struct compare_stream *s;
	int64_t t0 = 1700000000000000LL, sent;
	size_t k;
	int i, p;

	points_init(pts, "mid-a", "mid-b");
	for (i = 0; i < BOTH_WAYS_PKTS; i++) {
		uint16_t seq = (uint16_t)(1000 + i);
		uint32_t rtp_ts = 160000u + 160u * (uint32_t)i;

		sent = t0 + (int64_t)i * PTIME_US;
		compare_point_add_rtp(&pts[0], &caller, &callee, SSRC, seq,
		    rtp_ts, 8, sent, HASH);
		if (caller_at_b && !both_ways_lost(i))
			compare_point_add_rtp(&pts[1], &caller, &callee, SSRC,
			    seq, rtp_ts, 8, sent + 20000 + (i * 37) % 10 * 1000,
			    HASH);
		sent -= 1000;
		compare_point_add_rtp(&pts[1], &callee, &caller, SSRC, seq,
		    rtp_ts, 8, sent, HASH);
		compare_point_add_rtp(&pts[0], &callee, &caller, SSRC, seq,
		    rtp_ts, 8, sent + 1000, HASH);
	}
	for (p = 0; p < 2; p++)
		for (k = 0; k < pts[p].n_streams; k++) {
			s = &pts[p].streams[k];
			strcpy(s->call_id, "1-both-ways@10.77.0.1");
		}
}

static void
test_same_recording_both_ways(void)
{
	struct compare_point pts[2];
	struct compare_result res;
	const struct compare_pair *p;

	/* A's streams: 0 the caller's, 1 the callee's; B's the reverse. */
	build_both_ways(pts, 1);
	compare_pair_points(pts, &res);
	CHECK_INT(res.n_pairs, 2);
	CHECK_INT(res.n_unpaired, 0);
	p = pair_of(&res, 0);
	CHECK_INT(p != NULL ? (long long)p->stream[1] : -1, 1);
	CHECK_INT(p != NULL ? p->upstream : -1, 0);
	CHECK_INT(p != NULL ? p->fig.lost_before : -1, 0);
	CHECK_INT(p != NULL ? p->fig.lost_between : -1, 10);
	CHECK(has(p, COMPARE_BY_CALL_ID) && has(p, COMPARE_BY_NAT_MAPPING));
	CHECK_INT(p != NULL ? p->nat : -1, 0);
	p = pair_of(&res, 1);
	CHECK_INT(p != NULL ? (long long)p->stream[1] : -1, 0);
	CHECK_INT(p != NULL ? p->upstream : -1, 1);
	CHECK_INT(p != NULL ? p->fig.lost_between : -1, 0);
	/* Both ways: the clocks are compared (equal minima assumed). */
	CHECK_INT(res.clock.trusted, 1);
	points_free(pts, &res);

	/*
	 * B never saw the caller's media: A's caller stream had one
	 * candidate, B's callee stream, and it was ruled out.  The entry
	 * says so rather than that nothing was there.
	 */
	build_both_ways(pts, 0);
	compare_pair_points(pts, &res);
	CHECK_INT(res.n_pairs, 1);
	p = pair_of(&res, 1);
	CHECK_INT(p != NULL ? (long long)p->stream[1] : -1, 0);
	CHECK_INT(res.n_unpaired, 1);
	CHECK_INT(res.unpaired[0].point, 0);
	CHECK_INT(res.unpaired[0].stream, 0);
	CHECK_INT(res.unpaired[0].reason, COMPARE_REJECTED);
	CHECK_INT(res.unpaired[0].candidates, 1);
	points_free(pts, &res);
}

/*
 * The figures, on 100 numbers 1000..1099 sent every 20 ms (PT 0, 8 kHz):
 * - A (upstream) never saw 1005: lost_before 1.
 * - B lost 1010, 1011, 1012 and 1050: lost_between 4, longest run 3.
 * - B saw 1020 three times: duplicated_between 2.
 * - 1030 reached B after 1031: reordered_between 1.
 * - transit (tB - tA) is 30 ms + (seq - 1000) % 20 ms, 1030's 62 ms: of
 *   the 95 common numbers the 91st smallest (nearest rank of 95 %) is
 *   49 ms, the least 30 ms: delay_variation_ms 19.
 * figure_case picks the receiver's report, from B's destination.
 */
static void
build_figures_case(struct compare_point pts[2], int64_t b_clock_us)
{
	struct vq_endpoint src = ep(10, 0, 0, 5, 20000), dst = ep(10, 0, 0, 1,
	    4000);
	int64_t send, transit;
	int s;

	points_init(pts, "a", "b");
	for (s = 1000; s < 1100; s++) {
		send = (int64_t)(s - 1000) * PTIME_US;
		if (s != 1005)
			compare_point_add_rtp(&pts[0], &src, &dst, SSRC,
			    (uint16_t)s, 160u * (uint32_t)s, 0, send, HASH);
		if (s == 1005 || (s >= 1010 && s <= 1012) || s == 1050)
			continue;
		/* Captured in arrival order: 1030 after 1031. */
		if (s == 1030)
			continue;
		transit = 30000 + (s - 1000) % 20 * 1000;
		compare_point_add_rtp(&pts[1], &src, &dst, SSRC, (uint16_t)s,
		    160u * (uint32_t)s, 0, send + transit + b_clock_us, HASH);
		if (s == 1031)
			compare_point_add_rtp(&pts[1], &src, &dst, SSRC, 1030,
			    160u * 1030, 0, 30 * PTIME_US + 62000 + b_clock_us,
			    HASH);
		if (s == 1020) {
			compare_point_add_rtp(&pts[1], &src, &dst, SSRC,
			    (uint16_t)s, 160u * (uint32_t)s, 0,
			    send + transit + b_clock_us + 1, HASH);
			compare_point_add_rtp(&pts[1], &src, &dst, SSRC,
			    (uint16_t)s, 160u * (uint32_t)s, 0,
			    send + transit + b_clock_us + 2, HASH);
		}
	}
}

static void
add_report(struct compare_point *pt, struct vq_endpoint from, int32_t lost,
    uint32_t highest, int64_t ts_us)
{
	struct compare_report r;

	memset(&r, 0, sizeof(r));
	r.ts_us = ts_us;
	r.from = from.addr;
	r.ssrc = SSRC;
	r.cumulative_lost = lost;
	r.ext_highest_seq = highest;
	compare_point_add_report(pt, &r);
}

static void
test_figures(void)
{
	struct compare_point pts[2];
	struct compare_result res;
	const struct compare_pair *p;

	build_figures_case(pts, 0);
	/*
	 * The receiver (10.0.0.1) reports 5 lost up to 1099; B saw 95 of
	 * 1000..1099 (5 missing there) and 2 copies of 1020, which the
	 * receiver counted as received (RFC 3550 A.3): 5 + 2 - 5 = 2 lost
	 * after B.  A later report from the sender's address speaks of
	 * something else.
	 */
	add_report(&pts[1], ep(10, 0, 0, 1, 4001), 5, 1099, 3000000);
	add_report(&pts[1], ep(10, 0, 0, 5, 20001), 100, 1099, 4000000);
	compare_pair_points(pts, &res);
	CHECK_INT(res.n_pairs, 1);
	p = pair_of(&res, 0);
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_INT(p->upstream, 0);
		CHECK_INT(p->fig.lost_before, 1);
		CHECK_INT(p->fig.lost_between, 4);
		CHECK_INT(p->fig.longest_run_between, 3);
		CHECK_INT(p->fig.duplicated_between, 2);
		CHECK_INT(p->fig.reordered_between, 1);
		CHECK_INT(p->fig.has_lost_after, 1);
		CHECK_INT(p->fig.lost_after, 2);
		CHECK_INT(p->fig.lost_after_clamped, 0);
		CHECK(p->fig.has_delay_variation);
		CHECK_NEAR(p->fig.delay_variation_ms, 19.0, 1e-9);
		/* A's arrivals are even, B's are not: jitter was added. */
		CHECK(p->fig.has_jitter_added);
		CHECK(p->fig.jitter_added_ms > 0.5);
	}
	points_free(pts, &res);

	/*
	 * A report past what B saw: up to 1105 B misses 5 + 6 = 11, less
	 * its 2 copies, so 10 lost is 1 after B.  Seen at A only, it still
	 * counts.
	 */
	build_figures_case(pts, 0);
	add_report(&pts[0], ep(10, 0, 0, 1, 4001), 10, 1105, 3000000);
	compare_pair_points(pts, &res);
	p = pair_of(&res, 0);
	CHECK_INT(p != NULL ? p->fig.lost_after : -1, 1);
	points_free(pts, &res);

	/* Fewer than B saw missing: clamped to 0, and counted. */
	build_figures_case(pts, 0);
	add_report(&pts[1], ep(10, 0, 0, 1, 4001), 2, 1099, 3000000);
	compare_pair_points(pts, &res);
	p = pair_of(&res, 0);
	CHECK_INT(p != NULL ? p->fig.lost_after : -1, 0);
	CHECK_INT(p != NULL ? p->fig.lost_after_clamped : -1, 1);
	CHECK_INT(res.lost_after_clamped, 1);
	points_free(pts, &res);

	/* No report: lost_after unknown. */
	build_figures_case(pts, 0);
	compare_pair_points(pts, &res);
	p = pair_of(&res, 0);
	CHECK_INT(p != NULL ? p->fig.has_lost_after : -1, 0);
	points_free(pts, &res);
}

/*
 * B's clock a second behind: the raw order says B saw the packets first,
 * but B lacks numbers A saw and has none A lacks: A is upstream, by loss.
 */
static void
test_upstream_by_loss(void)
{
	struct compare_point pts[2];
	struct compare_result res;
	const struct compare_pair *p;

	build_figures_case(pts, -1000000);
	compare_pair_points(pts, &res);
	p = pair_of(&res, 0);
	CHECK_INT(p != NULL ? p->upstream : -1, 0);
	CHECK_INT(p != NULL ? p->upstream_by_loss : -1, 1);
	CHECK_INT(p != NULL ? p->fig.lost_between : -1, 4);
	CHECK_NEAR(p != NULL ? p->fig.delay_variation_ms : -1, 19.0, 1e-9);
	points_free(pts, &res);
}

/*
 * Numbers that wrap: A saw 65530..65545 (0..9 after the wrap), B from 5
 * on; B's numbering is a cycle behind A's, and A's first 11 were lost
 * between.
 */
static void
test_wrap(void)
{
	struct compare_point pts[2];
	struct compare_result res;
	const struct compare_pair *p;
	struct vq_endpoint src = ep(10, 0, 0, 5, 20000), dst = ep(10, 0, 0, 1,
	    4000);
	int i;

	points_init(pts, "a", "b");
	for (i = 0; i < 16; i++) {
		uint16_t seq = (uint16_t)(65530 + i);

		compare_point_add_rtp(&pts[0], &src, &dst, SSRC, seq,
		    160u * (uint32_t)i, 8, (int64_t)i * PTIME_US, HASH);
		if (i >= 11)
			compare_point_add_rtp(&pts[1], &src, &dst, SSRC, seq,
			    160u * (uint32_t)i, 8,
			    (int64_t)i * PTIME_US + 5000, HASH);
	}
	compare_pair_points(pts, &res);
	p = pair_of(&res, 0);
	CHECK(p != NULL);
	CHECK_INT(p != NULL ? p->seq_shift : -1, 65536);
	CHECK_INT(p != NULL ? p->fig.lost_between : -1, 11);
	CHECK_INT(p != NULL ? p->fig.longest_run_between : -1, 11);
	CHECK_INT(p != NULL ? p->fig.lost_before : -1, 0);
	points_free(pts, &res);
}

static void
test_percentile(void)
{
	double v[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

	CHECK_NEAR(compare_percentile(v, 10, 95), 10, 0);
	CHECK_NEAR(compare_percentile(v, 10, 50), 5, 0);
	CHECK_NEAR(compare_percentile(v, 1, 95), 1, 0);
	CHECK_STR(compare_evidence_name(COMPARE_BY_NAT_MAPPING),
	    "nat_mapping");
	CHECK(compare_evidence_name(0x80) == NULL);
}

int
main(void)
{
	RUN(test_sipp_calls);
	RUN(test_one_way_and_alone);
	RUN(test_ambiguous);
	RUN(test_nat_mapping);
	RUN(test_same_recording_both_ways);
	RUN(test_figures);
	RUN(test_upstream_by_loss);
	RUN(test_wrap);
	RUN(test_percentile);
	return unit_done("test-compare");
}
