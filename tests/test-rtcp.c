/*
 * Unit tests for dissectors/rtcp.c.
 *
 * The compound datagram below was made for these tests and checked
 * against tshark's decoding of it (every field of every packet).
 */

#include <stdlib.h>

#include "dissectors/rtcp.h"
#include "tests/unit.h"

#define MAX_WALK	16

/* What a walk delivered: each packet, and the final result. */
struct walk {
	unsigned		n;
	struct rtcp_packet	pkts[MAX_WALK];
	enum dissect_result	result;
};

/* The exact copy the latest walk ran on: its packets point into it. */
static uint8_t *held_copy;

/* Walk len of wirelen bytes, copied exactly onto the heap for ASan. */
static enum dissect_result
walk_exact(const uint8_t *p, size_t len, size_t wirelen, struct walk *w)
{
	struct rtcp_iter	it;
	struct rtcp_packet	pkt;

	free(held_copy);
	held_copy = malloc(len != 0 ? len : 1);
	memcpy(held_copy, p, len);
	rtcp_iter_init(&it, held_copy, len, wirelen);
	memset(w, 0, sizeof *w);
	while (rtcp_next(&it, &pkt)) {
		if (w->n < MAX_WALK)
			w->pkts[w->n] = pkt;
		w->n++;
	}
	CHECK_INT(it.n_packets, w->n);
	/* Once over, it stays over. */
	CHECK_INT(rtcp_next(&it, &pkt), 0);
	w->result = it.result;
	return it.result;
}

static enum dissect_result
walk(const uint8_t *p, size_t len, struct walk *w)
{
	return walk_exact(p, len, len, w);
}

/* RR (2 blocks), SDES (2 chunks), XR (5 blocks), APP, padded BYE. */
static const uint8_t compound[] = {
	/* RR: RC 2, length 13 */
	0x82, 0xc9, 0x00, 0x0d, 0x11, 0x11, 0x11, 0x11,
	0x22, 0x22, 0x22, 0x22, 0x19, 0xff, 0xff, 0xfe,
	0x00, 0x01, 0xff, 0xff, 0x00, 0x00, 0x00, 0xa0,
	0xc1, 0x70, 0x4d, 0x61, 0x00, 0x01, 0x80, 0x00,
	0x33, 0x33, 0x33, 0x33, 0x00, 0x00, 0x00, 0x10,
	0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* SDES: SC 2, length 12; CNAME, NAME, TOOL; then CNAME "x" */
	0x82, 0xca, 0x00, 0x0c, 0x11, 0x11, 0x11, 0x11,
	0x01, 0x0f, 0x61, 0x6c, 0x69, 0x63, 0x65, 0x40,
	0x31, 0x39, 0x32, 0x2e, 0x30, 0x2e, 0x32, 0x2e,
	0x31, 0x02, 0x05, 0x41, 0x6c, 0x69, 0x63, 0x65,
	0x06, 0x09, 0x70, 0x68, 0x6f, 0x6e, 0x65, 0x20,
	0x31, 0x2e, 0x30, 0x00, 0x44, 0x44, 0x44, 0x44,
	0x01, 0x01, 0x78, 0x00,
	/* XR: length 23; VoIP Metrics, RRT, DLRR, BT 42 empty, BT 6 */
	0x80, 0xcf, 0x00, 0x17,
	0x11, 0x11, 0x11, 0x11, 0x07, 0x00, 0x00, 0x08,
	0x22, 0x22, 0x22, 0x22, 0x0c, 0x03, 0xc8, 0x02,
	0x00, 0x8c, 0x13, 0xa6, 0x00, 0x3e, 0x00, 0x23,
	0xe2, 0xbd, 0x7f, 0x10, 0x52, 0x7f, 0x2a, 0x29,
	0xe5, 0x00, 0x00, 0x3c, 0x00, 0x78, 0x00, 0xc8,
	0x04, 0x00, 0x00, 0x02, 0xdd, 0x3a, 0xc1, 0x70,
	0x4d, 0x61, 0x4d, 0xf8, 0x05, 0x00, 0x00, 0x06,
	0x22, 0x22, 0x22, 0x22, 0xc1, 0x70, 0x4d, 0x61,
	0x00, 0x00, 0x01, 0x00, 0x33, 0x33, 0x33, 0x33,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x2a, 0x09, 0x00, 0x00, 0x06, 0xe0, 0x00, 0x01,
	0x01, 0x02, 0x03, 0x04,
	/* APP: subtype 3, "qual" */
	0x83, 0xcc, 0x00, 0x03,
	0x11, 0x11, 0x11, 0x11, 0x71, 0x75, 0x61, 0x6c,
	0xde, 0xad, 0xbe, 0xef,
	/* BYE: SC 2, reason "hangup x", 4 bytes of padding */
	0xa2, 0xcb, 0x00, 0x06,
	0x11, 0x11, 0x11, 0x11, 0x55, 0x55, 0x55, 0x55,
	0x08, 0x68, 0x61, 0x6e, 0x67, 0x75, 0x70, 0x20,
	0x78, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04
};

/* Where each packet of compound ends. */
static const size_t compound_ends[] = { 56, 108, 204, 220, 248 };

static void
test_compound(void)
{
	struct walk			 w;
	const struct rtcp_report	*rr;
	const struct rtcp_sdes		*sdes;
	const struct rtcp_xr		*xr;
	const struct rtcp_xr_voip	*v;
	const struct rtcp_app		*app;
	const struct rtcp_bye		*bye;

	CHECK_INT(sizeof compound, 248);
	CHECK_INT(walk(compound, sizeof compound, &w), DISSECT_OK);
	CHECK_INT(w.n, 5);

	CHECK_INT(w.pkts[0].type, RTCP_RR);
	CHECK_INT(w.pkts[0].offset, 0);
	CHECK_INT(w.pkts[0].len, 56);
	rr = &w.pkts[0].u.report;
	CHECK_INT(rr->ssrc, 0x11111111);
	CHECK_INT(rr->n_blocks, 2);
	CHECK_INT(rr->ext_len, 0);
	CHECK_INT(rr->sender.ntp_sec, 0);
	CHECK_INT(rr->blocks[0].ssrc, 0x22222222);
	CHECK_INT(rr->blocks[0].fraction_lost, 25);
	CHECK_INT(rr->blocks[0].cumulative_lost, -2);
	CHECK_INT(rr->blocks[0].ext_highest_seq, 131071);
	CHECK_INT(rr->blocks[0].jitter, 160);
	CHECK_INT(rr->blocks[0].lsr, 0xc1704d61);
	CHECK_INT(rr->blocks[0].dlsr, 98304);
	CHECK_INT(rtcp_q16_to_us(rr->blocks[0].dlsr), 1500000);
	CHECK_INT(rr->blocks[1].ssrc, 0x33333333);
	CHECK_INT(rr->blocks[1].cumulative_lost, 16);
	CHECK_INT(rr->blocks[1].ext_highest_seq, 5);
	CHECK_INT(rr->blocks[1].lsr, 0);

	CHECK_INT(w.pkts[1].type, RTCP_SDES);
	CHECK_INT(w.pkts[1].offset, 56);
	sdes = &w.pkts[1].u.sdes;
	CHECK_INT(sdes->n_chunks, 2);
	CHECK_INT(sdes->chunks[0].ssrc, 0x11111111);
	CHECK_MEM(sdes->chunks[0].cname, sdes->chunks[0].cname_len,
	    "alice@192.0.2.1");
	CHECK_INT(sdes->chunks[1].ssrc, 0x44444444);
	CHECK_MEM(sdes->chunks[1].cname, sdes->chunks[1].cname_len, "x");

	CHECK_INT(w.pkts[2].type, RTCP_XR);
	xr = &w.pkts[2].u.xr;
	CHECK_INT(xr->ssrc, 0x11111111);
	CHECK_INT(xr->n_blocks, 5);
	CHECK_INT(xr->blocks_skipped, 0);
	CHECK_INT(xr->blocks[0].type, 7);
	CHECK_INT(xr->blocks[0].body_len, 32);
	v = &xr->blocks[0].u.voip;
	CHECK_INT(v->ssrc, 0x22222222);
	CHECK_INT(v->loss_rate_q8, 12);
	CHECK_INT(v->discard_rate_q8, 3);
	CHECK_INT(v->burst_density_q8, 200);
	CHECK_INT(v->gap_density_q8, 2);
	CHECK_INT(v->burst_duration_ms, 140);
	CHECK_INT(v->gap_duration_ms, 5030);
	CHECK_INT(v->round_trip_delay_ms, 62);
	CHECK_INT(v->end_system_delay_ms, 35);
	CHECK_INT(v->signal_level_dbm0, -30);
	CHECK_INT(v->noise_level_dbm0, -67);
	CHECK_INT(v->rerl_db, RTCP_XR_UNAVAILABLE);
	CHECK_INT(v->gmin, 16);
	CHECK_INT(v->r_factor, 82);
	CHECK_INT(v->ext_r_factor, RTCP_XR_UNAVAILABLE);
	CHECK_INT(v->mos_lq_x10, 42);
	CHECK_INT(v->mos_cq_x10, 41);
	CHECK_INT(v->rx_config, 0xe5);
	CHECK_INT(v->plc, RTCP_XR_PLC_STANDARD);
	CHECK_INT(v->jb_adaptive, RTCP_XR_JB_NON_ADAPTIVE);
	CHECK_INT(v->jb_rate, 5);
	CHECK_INT(v->jb_nominal_ms, 60);
	CHECK_INT(v->jb_max_ms, 120);
	CHECK_INT(v->jb_abs_max_ms, 200);
	CHECK_INT(xr->blocks[1].type, 4);
	CHECK_INT(xr->blocks[1].u.rrt.ntp_sec, 3711615344U);
	CHECK_INT(xr->blocks[1].u.rrt.ntp_frac, 1298222584U);
	CHECK_INT(xr->blocks[2].type, 5);
	CHECK_INT(xr->blocks[2].u.dlrr.n_items, 2);
	CHECK_INT(xr->blocks[2].u.dlrr.items_skipped, 0);
	CHECK_INT(xr->blocks[2].u.dlrr.items[0].ssrc, 0x22222222);
	CHECK_INT(xr->blocks[2].u.dlrr.items[0].lrr, 0xc1704d61);
	CHECK_INT(xr->blocks[2].u.dlrr.items[0].dlrr, 256);
	CHECK_INT(xr->blocks[2].u.dlrr.items[1].ssrc, 0x33333333);
	/* Unknown blocks: kept undecoded, with their bodies. */
	CHECK_INT(xr->blocks[3].type, 42);
	CHECK_INT(xr->blocks[3].type_specific, 9);
	CHECK_INT(xr->blocks[3].body_len, 0);
	CHECK_INT(xr->blocks[4].type, 6);
	CHECK_INT(xr->blocks[4].type_specific, 0xe0);
	CHECK_INT(xr->blocks[4].body_len, 4);
	CHECK_INT(xr->blocks[4].body[3], 4);

	CHECK_INT(w.pkts[3].type, RTCP_APP);
	app = &w.pkts[3].u.app;
	CHECK_INT(app->subtype, 3);
	CHECK_INT(app->ssrc, 0x11111111);
	CHECK_STR(app->name, "qual");
	CHECK_INT(app->data_len, 4);
	CHECK_INT(app->data[0], 0xde);

	CHECK_INT(w.pkts[4].type, RTCP_BYE);
	CHECK_INT(w.pkts[4].padding_len, 4);
	CHECK_INT(w.pkts[4].body_len, 20);
	bye = &w.pkts[4].u.bye;
	CHECK_INT(bye->n_ssrcs, 2);
	CHECK_INT(bye->ssrcs[0], 0x11111111);
	CHECK_INT(bye->ssrcs[1], 0x55555555);
	CHECK_MEM(bye->reason, bye->reason_len, "hangup x");
}

/* An SR and an SDES, as a phone sends every few seconds. */
static const uint8_t sr_sdes[] = {
	0x81, 0xc8, 0x00, 0x0c, 0x0a, 0x0b, 0x0c, 0x0d,
	0xe8, 0x3d, 0x4f, 0x10, 0x80, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x7d, 0x00, 0x00, 0x00, 0x00, 0xc8,
	0x00, 0x00, 0x7d, 0x00, 0x01, 0x02, 0x03, 0x04,
	0x00, 0xff, 0xff, 0xff, 0x00, 0x00, 0x10, 0x00,
	0x00, 0x00, 0x00, 0x09, 0xe8, 0x3c, 0x00, 0x00,
	0x00, 0x00, 0x40, 0x00,
	0x81, 0xca, 0x00, 0x03, 0x0a, 0x0b, 0x0c, 0x0d,
	0x01, 0x03, 0x61, 0x40, 0x62, 0x00, 0x00, 0x00
};

static void
test_sr(void)
{
	struct walk			 w;
	const struct rtcp_report	*sr;

	CHECK_INT(walk(sr_sdes, sizeof sr_sdes, &w), DISSECT_OK);
	CHECK_INT(w.n, 2);
	CHECK_INT(w.pkts[0].type, RTCP_SR);
	CHECK_INT(w.pkts[0].count, 1);
	sr = &w.pkts[0].u.report;
	CHECK_INT(sr->ssrc, 0x0a0b0c0d);
	CHECK_INT(sr->sender.ntp_sec, 0xe83d4f10);
	CHECK_INT(sr->sender.ntp_frac, 0x80000000);
	CHECK_INT(sr->sender.rtp_timestamp, 32000);
	CHECK_INT(sr->sender.packet_count, 200);
	CHECK_INT(sr->sender.octet_count, 32000);
	CHECK_INT(sr->n_blocks, 1);
	CHECK_INT(sr->blocks[0].ssrc, 0x01020304);
	CHECK_INT(sr->blocks[0].cumulative_lost, -1);
	CHECK_INT(sr->blocks[0].ext_highest_seq, 0x1000);
	CHECK_INT(sr->blocks[0].jitter, 9);
	CHECK_INT(sr->blocks[0].lsr, 0xe83c0000);
	CHECK_INT(sr->blocks[0].dlsr, 0x4000);
	CHECK_INT(rtcp_ntp_middle32(sr->sender.ntp_sec, sr->sender.ntp_frac),
	    0x4f108000);
	CHECK_STR(rtcp_type_name(w.pkts[0].type), "SR");
	CHECK_MEM(w.pkts[1].u.sdes.chunks[0].cname,
	    w.pkts[1].u.sdes.chunks[0].cname_len, "a@b");
}

/*
 * Every prefix of a datagram: whole packets are delivered, the cut one is
 * TRUNCATED while the wire length says more was sent, and MALFORMED when
 * the datagram itself ends inside a packet.
 */
static void
check_prefixes(const uint8_t *p, size_t full, const size_t *ends,
    size_t n_ends)
{
	struct walk	w;
	size_t		len, i, whole;
	int		at_boundary;

	for (len = 0; len <= full; len++) {
		whole = 0;
		at_boundary = len == 0;
		for (i = 0; i < n_ends; i++) {
			if (ends[i] <= len)
				whole = i + 1;
			if (ends[i] == len)
				at_boundary = 1;
		}
		(void)walk_exact(p, len, full, &w);
		CHECK_INT(w.n, whole);
		CHECK_INT(w.result, len == full ? DISSECT_OK :
		    DISSECT_TRUNCATED);

		/* The datagram was only this long. */
		(void)walk(p, len, &w);
		if (len == 0 || !at_boundary)
			CHECK_INT(w.result, DISSECT_MALFORMED);
		else
			CHECK_INT(w.result, DISSECT_OK);
		CHECK(w.n <= whole);
	}
}

static void
test_prefixes(void)
{
	const size_t	sr_ends[] = { 52, 68 };

	check_prefixes(compound, sizeof compound, compound_ends,
	    sizeof compound_ends / sizeof compound_ends[0]);
	check_prefixes(sr_sdes, sizeof sr_sdes, sr_ends,
	    sizeof sr_ends / sizeof sr_ends[0]);
}

/* A buffer to build hostile packets in. */
struct buf {
	uint8_t	b[1024];
	size_t	len;
};

static void
put8(struct buf *b, unsigned v)
{
	if (b->len == sizeof b->b) {
		UNIT_FAIL("test buffer full");
		return;
	}
	b->b[b->len++] = (uint8_t)v;
}

static void
put16(struct buf *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v & 0xff);
}

static void
put32(struct buf *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b, v & 0xffff);
}

/* A packet header: V=2, padding flag, count, type, length in words - 1. */
static void
put_hdr(struct buf *b, int padding, unsigned count, unsigned type,
    unsigned words)
{
	put8(b, 0x80 | (padding ? 0x20 : 0) | count);
	put8(b, type);
	put16(b, words);
}

/* Length fields that point past the end, and counts with no room. */
static void
test_hostile_lengths(void)
{
	struct buf	b;
	struct walk	w;
	size_t		i;

	/* RR whose length says 100 words, with 2 there. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 0, RTCP_RR, 100);
	put32(&b, 1);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	CHECK_INT(w.n, 0);
	/* The same, but the capture (not the datagram) was cut. */
	CHECK_INT(walk_exact(b.b, b.len, 404, &w), DISSECT_TRUNCATED);
	CHECK_INT(walk_exact(b.b, b.len, 403, &w), DISSECT_MALFORMED);
	/* Length 0xffff: no overflow anywhere. */
	b.b[2] = 0xff;
	b.b[3] = 0xff;
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	CHECK_INT(walk_exact(b.b, b.len, (size_t)-1, &w), DISSECT_TRUNCATED);

	/* RC 31 with no room for a single block. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 31, RTCP_RR, 1);
	put32(&b, 1);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	/* SR with RC 31 and room for 30. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 31, RTCP_SR, 6 + 30 * 6);
	for (i = 0; i < 6 + 30 * 6; i++)
		put32(&b, (uint32_t)i);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	/* And with room for all 31: every block kept. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 31, RTCP_RR, 1 + 31 * 6);
	put32(&b, 7);
	for (i = 0; i < 31; i++) {
		put32(&b, (uint32_t)i);
		put32(&b, 0x00800000);	/* the most negative loss */
		put32(&b, 0);
		put32(&b, 0);
		put32(&b, 0);
		put32(&b, 0);
	}
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_OK);
	CHECK_INT(w.pkts[0].u.report.n_blocks, 31);
	CHECK_INT(w.pkts[0].u.report.blocks[30].ssrc, 30);
	CHECK_INT(w.pkts[0].u.report.blocks[30].cumulative_lost, -8388608);

	/* SR too short for its sender info. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 0, RTCP_SR, 2);
	put32(&b, 1);
	put32(&b, 2);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);

	/* RR with profile-specific bytes after its blocks, and +max loss. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 1, RTCP_RR, 8);
	put32(&b, 1);
	put32(&b, 2);
	put32(&b, 0x107fffff);
	for (i = 0; i < 4; i++)
		put32(&b, 0);
	put32(&b, 0xabcdef01);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_OK);
	CHECK_INT(w.pkts[0].u.report.blocks[0].fraction_lost, 0x10);
	CHECK_INT(w.pkts[0].u.report.blocks[0].cumulative_lost, 8388607);
	CHECK_INT(w.pkts[0].u.report.ext_len, 4);

	/* 1 to 3 bytes after the last packet. */
	for (i = 1; i < 4; i++) {
		memcpy(b.b, sr_sdes, sizeof sr_sdes);
		memset(b.b + sizeof sr_sdes, 0, i);
		CHECK_INT(walk(b.b, sizeof sr_sdes + i, &w),
		    DISSECT_MALFORMED);
		CHECK_INT(w.n, 2);
	}
}

/* Version, packet type and padding checks. */
static void
test_header_checks(void)
{
	struct buf	b;
	struct walk	w;
	uint8_t		pkt[sizeof sr_sdes];

	CHECK_INT(walk(sr_sdes, 0, &w), DISSECT_MALFORMED);
	CHECK_INT(walk_exact(sr_sdes, 0, 8, &w), DISSECT_TRUNCATED);

	memcpy(pkt, sr_sdes, sizeof pkt);
	pkt[0] = 0x41;			/* version 1 */
	CHECK_INT(walk(pkt, sizeof pkt, &w), DISSECT_MALFORMED);
	CHECK_INT(w.n, 0);
	memcpy(pkt, sr_sdes, sizeof pkt);
	pkt[52] = 0x01;			/* second packet, version 0 */
	CHECK_INT(walk(pkt, sizeof pkt, &w), DISSECT_MALFORMED);
	CHECK_INT(w.n, 1);
	memcpy(pkt, sr_sdes, sizeof pkt);
	pkt[53] = 191;			/* not an RTCP type */
	CHECK_INT(walk(pkt, sizeof pkt, &w), DISSECT_MALFORMED);
	pkt[53] = 224;
	CHECK_INT(walk(pkt, sizeof pkt, &w), DISSECT_MALFORMED);
	pkt[53] = 0;			/* RTP's PCMU */
	CHECK_INT(walk(pkt, sizeof pkt, &w), DISSECT_MALFORMED);

	/* Other types in range: delivered, undecoded, body in place. */
	memcpy(pkt, sr_sdes, sizeof pkt);
	pkt[52] = 0x81;
	pkt[53] = RTCP_PSFB;
	CHECK_INT(walk(pkt, sizeof pkt, &w), DISSECT_OK);
	CHECK_INT(w.pkts[1].type, RTCP_PSFB);
	CHECK_INT(w.pkts[1].count, 1);
	CHECK_INT(w.pkts[1].body_len, 12);
	CHECK_INT(w.pkts[1].body[0], 0x0a);
	CHECK_STR(rtcp_type_name(RTCP_PSFB), "PSFB");
	CHECK(rtcp_type_name(192) == NULL);

	/* Padding on a packet that is not the last. */
	memcpy(pkt, sr_sdes, sizeof pkt);
	pkt[0] |= 0x20;
	CHECK_INT(walk(pkt, sizeof pkt, &w), DISSECT_MALFORMED);
	CHECK_INT(w.n, 0);

	/* Padding of a word; of the whole body (no SSRC left); 0; past it. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 1, 0, RTCP_RR, 2);
	put32(&b, 1);
	put32(&b, 4);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_OK);
	CHECK_INT(w.pkts[0].padding_len, 4);
	CHECK_INT(w.pkts[0].body_len, 4);
	CHECK_INT(w.pkts[0].u.report.ext_len, 0);
	b.b[b.len - 1] = 8;
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	b.b[b.len - 1] = 0;
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	b.b[b.len - 1] = 9;
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	b.b[b.len - 1] = 255;
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	memset(&b, 0, sizeof b);
	put_hdr(&b, 1, 0, RTCP_RR, 2);
	put32(&b, 1);
	put32(&b, 3);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_OK);
	CHECK_INT(w.pkts[0].padding_len, 3);
	CHECK_INT(w.pkts[0].u.report.ext_len, 1);
	/* A padded packet of header only: no byte to count the padding. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 1, 0, 210, 0);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	/* An empty packet of an unknown type is fine. */
	b.b[0] = 0x80;
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_OK);
	CHECK_INT(w.pkts[0].body_len, 0);
}

/* SDES, BYE and APP bodies that do not add up. */
static void
test_bodies(void)
{
	struct buf	b;
	struct walk	w;

	/* An SDES item longer than the packet. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 1, RTCP_SDES, 2);
	put32(&b, 1);
	put8(&b, 1);
	put8(&b, 200);
	put16(&b, 0x6162);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	/* Items with no END. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 1, RTCP_SDES, 2);
	put32(&b, 1);
	put8(&b, 2);
	put8(&b, 2);
	put16(&b, 0x6162);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	/* More chunks promised than there are. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 2, RTCP_SDES, 2);
	put32(&b, 1);
	put32(&b, 0);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	/* A chunk with no CNAME; an empty CNAME; a second one ignored. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 2, RTCP_SDES, 5);
	put32(&b, 1);
	put32(&b, 0x02016100);		/* NAME "a", END */
	put32(&b, 2);
	put32(&b, 0x01000101);		/* CNAME "", CNAME "b"... */
	put32(&b, 0x62000000);		/* ..."b", END, padding */
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_OK);
	CHECK(w.pkts[0].u.sdes.chunks[0].cname == NULL);
	CHECK(w.pkts[0].u.sdes.chunks[1].cname != NULL);
	CHECK_INT(w.pkts[0].u.sdes.chunks[1].cname_len, 0);
	/* A chunk whose END leaves no room for its alignment. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 1, 1, RTCP_SDES, 3);
	put32(&b, 1);
	put32(&b, 0x01026162);		/* CNAME "ab" */
	put32(&b, 0x00000003);		/* END, then 3 bytes of padding */
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	b.b[b.len - 1] = 1;		/* 2 bytes left: room for 3 needed */
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	b.b[0] &= (uint8_t)~0x20;	/* no padding: the 3 bytes are there */
	b.b[b.len - 1] = 0;
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_OK);
	CHECK_MEM(w.pkts[0].u.sdes.chunks[0].cname,
	    w.pkts[0].u.sdes.chunks[0].cname_len, "ab");
	/* SC 0: nothing to read. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 0, RTCP_SDES, 0);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_OK);
	CHECK_INT(w.pkts[0].u.sdes.n_chunks, 0);

	/* BYE: a reason longer than the packet; SSRCs missing; none. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 1, RTCP_BYE, 2);
	put32(&b, 1);
	put32(&b, 0x20616263);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 3, RTCP_BYE, 2);
	put32(&b, 1);
	put32(&b, 2);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 0, RTCP_BYE, 0);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_OK);
	CHECK_INT(w.pkts[0].u.bye.n_ssrcs, 0);
	CHECK(w.pkts[0].u.bye.reason == NULL);

	/* APP without its name. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 0, RTCP_APP, 1);
	put32(&b, 1);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 0, RTCP_APP, 2);
	put32(&b, 1);
	put32(&b, 0x41424344);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_OK);
	CHECK_STR(w.pkts[0].u.app.name, "ABCD");
	CHECK_INT(w.pkts[0].u.app.data_len, 0);
}

/* XR blocks of length 0, huge, wrong for their type, and too many. */
static void
test_xr_blocks(void)
{
	struct buf	b;
	struct walk	w;
	size_t		i;

	/* Only empty blocks of unknown types. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 0, RTCP_XR, 3);
	put32(&b, 1);
	put32(&b, 0x63000000);
	put32(&b, 0x64000000);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_OK);
	CHECK_INT(w.pkts[0].u.xr.n_blocks, 2);
	/* A block length running past the packet (and past the datagram). */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 0, RTCP_XR, 2);
	put32(&b, 1);
	put32(&b, 0x0100ffff);
	put32(&b, 0);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	/* VoIP Metrics with a length of 0, 7 and 9 words. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 0, RTCP_XR, 2);
	put32(&b, 1);
	put32(&b, 0x07000000);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 0, RTCP_XR, 9);
	put32(&b, 1);
	put32(&b, 0x07000007);
	for (i = 0; i < 7; i++)
		put32(&b, 0);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 0, RTCP_XR, 11);
	put32(&b, 1);
	put32(&b, 0x07000009);
	for (i = 0; i < 9; i++)
		put32(&b, 0);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	/* RRT of 3 words; DLRR of 4. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 0, RTCP_XR, 5);
	put32(&b, 1);
	put32(&b, 0x04000003);
	put32(&b, 0);
	put32(&b, 0);
	put32(&b, 0);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 0, RTCP_XR, 6);
	put32(&b, 1);
	put32(&b, 0x05000004);
	for (i = 0; i < 4; i++)
		put32(&b, 0);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	/* DLRR with more items than are kept; an empty DLRR. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 0, RTCP_XR, 2 + 3 * (RTCP_XR_MAX_DLRR + 2) + 1);
	put32(&b, 1);
	put32(&b, 0x05000000 | 3 * (RTCP_XR_MAX_DLRR + 2));
	for (i = 0; i < RTCP_XR_MAX_DLRR + 2; i++) {
		put32(&b, (uint32_t)i);
		put32(&b, 0);
		put32(&b, 0);
	}
	put32(&b, 0x05000000);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_OK);
	CHECK_INT(w.pkts[0].u.xr.blocks[0].u.dlrr.n_items, RTCP_XR_MAX_DLRR);
	CHECK_INT(w.pkts[0].u.xr.blocks[0].u.dlrr.items_skipped, 2);
	CHECK_INT(w.pkts[0].u.xr.blocks[0].u.dlrr.items[3].ssrc, 3);
	CHECK_INT(w.pkts[0].u.xr.blocks[1].u.dlrr.n_items, 0);

	/* More blocks than are kept: walked and checked, then counted. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 0, RTCP_XR, 1 + RTCP_XR_MAX_BLOCKS + 3);
	put32(&b, 1);
	for (i = 0; i < RTCP_XR_MAX_BLOCKS + 3; i++)
		put32(&b, 0x80000000 | (uint32_t)i << 16);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_OK);
	CHECK_INT(w.pkts[0].u.xr.n_blocks, RTCP_XR_MAX_BLOCKS);
	CHECK_INT(w.pkts[0].u.xr.blocks_skipped, 3);
	/* ... and a bad one among the skipped still makes it malformed. */
	b.b[b.len - 4] = 7;
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);

	/* No SSRC at all. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 0, 0, RTCP_XR, 0);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_MALFORMED);
	/* Padding leaving 2 bytes after the blocks: ignored. */
	memset(&b, 0, sizeof b);
	put_hdr(&b, 1, 0, RTCP_XR, 2);
	put32(&b, 1);
	put32(&b, 0x00000002);
	CHECK_INT(walk(b.b, b.len, &w), DISSECT_OK);
	CHECK_INT(w.pkts[0].u.xr.n_blocks, 0);
}

/* NTP middle 32 bits, from SR times and from capture times. */
static void
test_ntp(void)
{
	CHECK_INT(rtcp_ntp_middle32(0xdd3ac170, 0x4d614df8), 0xc1704d61);
	CHECK_INT(rtcp_ntp_middle32(0, 0xffffffff), 0x0000ffff);
	CHECK_INT(rtcp_ntp_middle32(0xffffffff, 0), 0xffff0000);
	/* 2017-08-13 12:15:44.302266 UTC is NTP 3711615344.302266. */
	CHECK_INT(rtcp_ntp_middle32_from_us(1502626544302266LL),
	    0xc1704d61);
	/* The Unix epoch is NTP 2208988800 = 0x83aa7e80. */
	CHECK_INT(rtcp_ntp_middle32_from_us(0), 0x7e800000);
	CHECK_INT(rtcp_ntp_middle32_from_us(500000), 0x7e808000);
	CHECK_INT(rtcp_ntp_middle32_from_us(-500000), 0x7e7f8000);
	CHECK_INT(rtcp_q16_to_us(65536), 1000000);
	CHECK_INT(rtcp_q16_to_us(1), 15);
	CHECK_INT(rtcp_q16_to_us(0xffffffff), 65535999984ULL);
}

/* RTT = A - LSR - DLSR, with the guards. */
static void
test_rtt(void)
{
	uint32_t	rtt = 0;
	uint32_t	arrival;

	/*
	 * An RR arriving at 1502626548.349503 (Unix) reports an SR sent at
	 * NTP middle 0xc1704d61 (…544.302266) and held 263452/65536 s:
	 * 4.047237 - 4.019958 = 27.28 ms.
	 */
	arrival = rtcp_ntp_middle32_from_us(1502626548349503LL);
	CHECK_INT(rtcp_rtt(arrival, 0xc1704d61, 263452, &rtt), 0);
	CHECK_NEAR((double)rtcp_q16_to_us(rtt) / 1000, 27.28, 0.05);

	CHECK_INT(rtcp_rtt(0x00010000, 0x00008000, 0x4000, &rtt), 0);
	CHECK_INT(rtt, 0x4000);
	CHECK_INT(rtcp_rtt(0x00010000, 0x00008000, 0x8000, &rtt), 0);
	CHECK_INT(rtt, 0);
	/* Across the wrap of the 16-bit seconds. */
	CHECK_INT(rtcp_rtt(0x00000100, 0xffffff00, 0x100, &rtt), 0);
	CHECK_INT(rtt, 0x100);

	/* No SR yet; negative; the report from the future. */
	rtt = 77;
	CHECK_INT(rtcp_rtt(0x00010000, 0, 0, &rtt), -1);
	CHECK_INT(rtcp_rtt(0x00010000, 0x00008000, 0x8001, &rtt), -1);
	CHECK_INT(rtcp_rtt(0x00008000, 0x00010000, 0, &rtt), -1);
	CHECK_INT(rtt, 77);
}

int
main(void)
{
	RUN(test_compound);
	RUN(test_sr);
	RUN(test_prefixes);
	RUN(test_hostile_lengths);
	RUN(test_header_checks);
	RUN(test_bodies);
	RUN(test_xr_blocks);
	RUN(test_ntp);
	RUN(test_rtt);
	free(held_copy);
	return unit_done("rtcp");
}
