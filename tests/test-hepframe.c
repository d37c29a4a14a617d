/*
 * Unit tests for probe/pipeline/hepframe.c: what a HEP packet becomes
 * must decode, through the decoder every capture goes through, to the
 * packet's addresses, ports, DSCP and payload; TCP flows get contiguous
 * sequence numbers, so that two halves of a SIP message come out whole.
 */

#include <zlib.h>

#include "dissectors/decode.h"
#include "probe/pipeline/hepframe.h"
#include "tests/unit.h"

static const char sip_head[] =
    "MESSAGE sip:b@example.net SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK1\r\n"
    "From: <sip:a@example.net>;tag=1\r\nTo: <sip:b@example.net>\r\n"
    "Call-ID: frame-test\r\nCSeq: 1 MESSAGE\r\n";
static const char sip_tail[] = "Content-Length: 0\r\n\r\n";

/* What the decoder delivered. */
struct got {
	int		n;
	struct pkt_meta	meta;
	char		payload[2048];
};

static void
deliver(void *arg, const struct pkt_meta *meta)
{
	struct got *g = arg;
	size_t n = meta->payload_len < sizeof g->payload - 1 ?
	    meta->payload_len : sizeof g->payload - 1;

	g->n++;
	g->meta = *meta;
	memcpy(g->payload, meta->payload, n);
	g->payload[n] = '\0';
}

/* Build m's frame and decode it; the decoder's result. */
static enum dissect_result
frame_of(struct hepframe *hf, struct decode_ctx *ctx, const struct hep_msg *m,
    struct got *g)
{
	struct pkt_meta meta;
	const uint8_t *ip;
	size_t len;

	memset(g, 0, sizeof *g);
	CHECK_INT(hepframe_build(hf, m, &ip, &len), HEPFRAME_OK);
	meta.ts_us = m->ts_us;
	meta.caplen = meta.wirelen = (uint32_t)len;
	return decode_frame(ctx, HEPFRAME_LINKTYPE, ip, (uint32_t)len, &meta,
	    deliver, g);
}

static void
base(struct hep_msg *m, int family, const char *payload)
{
	memset(m, 0, sizeof *m);
	m->src.addr.family = m->dst.addr.family = (uint8_t)family;
	m->src.addr.bytes[0] = family == 4 ? 192 : 0x20;
	m->src.addr.bytes[family == 4 ? 3 : 15] = 1;
	m->dst.addr.bytes[0] = family == 4 ? 198 : 0x20;
	m->dst.addr.bytes[family == 4 ? 3 : 15] = 2;
	m->src.port = 5060;
	m->dst.port = 5062;
	m->ip_proto = 17;
	m->proto_type = HEP_TYPE_SIP;
	m->ts_us = 1700000000000000LL;
	m->payload = (const uint8_t *)payload;
	m->payload_len = strlen(payload);
}

static void
test_udp_both_families(void)
{
	struct hepframe *hf = hepframe_new();
	struct decode_ctx *ctx = decode_ctx_new(NULL);
	struct hep_msg m;
	struct got g;
	int family;

	for (family = 4; family <= 6; family += 2) {
		base(&m, family, sip_tail);
		m.has_ip_tos = 1;
		m.ip_tos = 46 << 2;		/* EF */
		CHECK_INT(frame_of(hf, ctx, &m, &g), DISSECT_OK);
		CHECK_INT(g.n, 1);
		CHECK_INT(g.meta.ip_proto, 17);
		CHECK_INT(g.meta.dscp, 46);
		CHECK(endpoint_equal(&g.meta.src, &m.src));
		CHECK(endpoint_equal(&g.meta.dst, &m.dst));
		CHECK_STR(g.payload, sip_tail);
	}
	decode_ctx_free(ctx);
	hepframe_free(hf);
}

/* A SIP message mirrored in two TCP segments comes out as one. */
static void
test_tcp_contiguous(void)
{
	struct hepframe *hf = hepframe_new();
	struct decode_ctx *ctx = decode_ctx_new(NULL);
	struct hep_msg m;
	struct got g;
	char whole[sizeof sip_head + sizeof sip_tail];

	base(&m, 4, sip_head);
	m.ip_proto = 6;
	CHECK_INT(frame_of(hf, ctx, &m, &g), DISSECT_OK);
	CHECK_INT(g.n, 0);			/* held: not whole yet */
	base(&m, 4, sip_tail);
	m.ip_proto = 6;
	m.ts_us += 1000;
	CHECK_INT(frame_of(hf, ctx, &m, &g), DISSECT_OK);
	CHECK_INT(g.n, 1);
	snprintf(whole, sizeof whole, "%s%s", sip_head, sip_tail);
	CHECK_STR(g.payload, whole);
	CHECK_INT(g.meta.ip_proto, 6);
	decode_ctx_free(ctx);
	hepframe_free(hf);
}

/* Compressed payloads; types read and not; RTCP raw or as JSON. */
static void
test_types_and_inflate(void)
{
	static const uint8_t rtcp_rr[8] = { 0x80, 201, 0, 1, 1, 2, 3, 4 };
	struct hepframe *hf = hepframe_new();
	struct decode_ctx *ctx = decode_ctx_new(NULL);
	uint8_t packed[256], bomb[2048];
	uLongf packed_len = sizeof packed, bomb_len = sizeof bomb;
	static uint8_t zeros[1 << 17];
	const uint8_t *ip;
	struct hep_msg m;
	struct got g;
	size_t len;

	CHECK_INT(compress(packed, &packed_len, (const Bytef *)sip_tail,
	    sizeof sip_tail - 1), Z_OK);
	base(&m, 4, sip_tail);
	m.payload = packed;
	m.payload_len = packed_len;
	m.compressed = 1;
	CHECK_INT(frame_of(hf, ctx, &m, &g), DISSECT_OK);
	CHECK_STR(g.payload, sip_tail);
	/* More than any packet once inflated; and not zlib at all. */
	CHECK_INT(compress2(bomb, &bomb_len, zeros, sizeof zeros, 9), Z_OK);
	m.payload = bomb;
	m.payload_len = bomb_len;
	CHECK_INT(hepframe_build(hf, &m, &ip, &len), HEPFRAME_INFLATE_FAILED);
	m.payload = (const uint8_t *)"not zlib";
	m.payload_len = 8;
	CHECK_INT(hepframe_build(hf, &m, &ip, &len), HEPFRAME_INFLATE_FAILED);

	base(&m, 4, "{\"type\":200}");
	m.proto_type = HEP_TYPE_RTCP_JSON;
	CHECK_INT(hepframe_build(hf, &m, &ip, &len), HEPFRAME_NOT_ANALYSED);
	m.payload = rtcp_rr;
	m.payload_len = sizeof rtcp_rr;
	CHECK_INT(hepframe_build(hf, &m, &ip, &len), HEPFRAME_OK);
	CHECK_INT(len, 20 + 8 + sizeof rtcp_rr);
	m.proto_type = HEP_TYPE_RTPAGENT;
	CHECK_INT(hepframe_build(hf, &m, &ip, &len), HEPFRAME_NOT_ANALYSED);
	m.proto_type = HEP_TYPE_LOG;
	CHECK_INT(hepframe_build(hf, &m, &ip, &len), HEPFRAME_NOT_ANALYSED);
	m.proto_type = HEP_TYPE_RTP;
	CHECK_INT(hepframe_build(hf, &m, &ip, &len), HEPFRAME_OK);
	decode_ctx_free(ctx);
	hepframe_free(hf);
}

int
main(void)
{
	RUN(test_udp_both_families);
	RUN(test_tcp_contiguous);
	RUN(test_types_and_inflate);
	return unit_done("test-hepframe");
}
