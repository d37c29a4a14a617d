/*
 * Unit tests for dissectors/hep.c: round trips, every way a packet can
 * be refused, and what real senders write (sngrep's capture id, other
 * vendors' chunks).  Hand-built packets are written chunk by chunk here,
 * independently of the encoder under test.
 */

#include <stdlib.h>

#include "dissectors/hep.h"
#include "tests/unit.h"

#define BUF_LEN		(HEP_MAX_LEN + 64)

static const char sip_text[] =
    "OPTIONS sip:b@example.net SIP/2.0\r\nCall-ID: abc\r\n\r\n";

/* A packet built by hand, chunk by chunk. */
struct built {
	uint8_t	b[BUF_LEN];
	size_t	len;
};

static void
b_init(struct built *p)
{
	memcpy(p->b, "HEP3\0\0", 6);
	p->len = 6;
}

static void
b_raw(struct built *p, const void *v, size_t n)
{
	memcpy(p->b + p->len, v, n);
	p->len += n;
}

/* A chunk with an explicit length field, whatever its value's size. */
static void
b_chunk_len(struct built *p, uint16_t vendor, uint16_t type, uint16_t len,
    const void *v, size_t n)
{
	uint8_t h[6] = { (uint8_t)(vendor >> 8), (uint8_t)vendor,
	    (uint8_t)(type >> 8), (uint8_t)type, (uint8_t)(len >> 8),
	    (uint8_t)len };

	b_raw(p, h, sizeof h);
	b_raw(p, v, n);
}

static void
b_chunk(struct built *p, uint16_t type, const void *v, size_t n)
{
	b_chunk_len(p, 0, type, (uint16_t)(n + 6), v, n);
}

static void
b_u8(struct built *p, uint16_t type, uint8_t v)
{
	b_chunk(p, type, &v, 1);
}

static void
b_u16(struct built *p, uint16_t type, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	b_chunk(p, type, b, 2);
}

static void
b_u32(struct built *p, uint16_t type, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	b_chunk(p, type, b, 4);
}

/* Write the header's length: the packet's own, or the one given. */
static void
b_seal(struct built *p, long length)
{
	size_t n = length < 0 ? p->len : (size_t)length;

	p->b[4] = (uint8_t)(n >> 8);
	p->b[5] = (uint8_t)n;
}

/* Everything but what omit names (a chunk type), as Kamailio sends. */
static void
b_sip4(struct built *p, uint16_t omit)
{
	static const uint8_t src[4] = { 192, 0, 2, 1 };
	static const uint8_t dst[4] = { 198, 51, 100, 7 };

	b_init(p);
	if (omit != 1)
		b_u8(p, 1, 2);
	b_u8(p, 2, 17);
	if (omit != 3)
		b_chunk(p, 3, src, 4);
	if (omit != 4)
		b_chunk(p, 4, dst, 4);
	if (omit != 7)
		b_u16(p, 7, 5060);
	if (omit != 8)
		b_u16(p, 8, 5062);
	b_u32(p, 9, 1700000000);
	b_u32(p, 10, 123456);
	b_u8(p, 11, HEP_TYPE_SIP);
	b_u32(p, 12, 2001);
	if (omit != 15)
		b_chunk(p, 15, sip_text, sizeof sip_text - 1);
	b_seal(p, -1);
}

/* Decode from an exact heap copy, so ASan sees any read past the end. */
static enum hep_result
decode(const uint8_t *p, size_t len, struct hep_msg *m, uint8_t **copy)
{
	*copy = malloc(len != 0 ? len : 1);
	memcpy(*copy, p, len);
	return hep_decode(*copy, len, m);
}

static void
test_hand_built_ipv4(void)
{
	struct built p;
	struct hep_msg m;
	uint8_t *copy;

	b_sip4(&p, 0);
	CHECK_INT(decode(p.b, p.len, &m, &copy), HEP_OK);
	CHECK_INT(m.src.addr.family, 4);
	CHECK_INT(m.src.addr.bytes[0], 192);
	CHECK_INT(m.src.addr.bytes[3], 1);
	CHECK_INT(m.dst.addr.bytes[1], 51);
	CHECK_INT(m.src.port, 5060);
	CHECK_INT(m.dst.port, 5062);
	CHECK_INT(m.ip_proto, 17);
	CHECK_INT(m.proto_type, HEP_TYPE_SIP);
	CHECK_INT(m.ts_us, 1700000000123456LL);
	CHECK_INT(m.capture_id, 2001);
	CHECK_MEM(m.payload, m.payload_len, sip_text);
	CHECK_INT(m.compressed, 0);
	CHECK(m.auth_key == NULL);
	CHECK_INT(hep_frame_length(p.b, p.len), (long)p.len);
	free(copy);
}

/* Encode, decode, and compare every field. */
static void
round_trip(const struct hep_msg *in)
{
	static uint8_t buf[BUF_LEN];
	struct hep_msg out;
	uint8_t *copy;
	size_t n;

	n = hep_encode(in, buf, sizeof buf);
	CHECK(n > HEP_HEADER_LEN);
	CHECK_INT(hep_frame_length(buf, n), (long)n);
	CHECK_INT(decode(buf, n, &out, &copy), HEP_OK);
	CHECK(endpoint_equal(&out.src, &in->src));
	CHECK(endpoint_equal(&out.dst, &in->dst));
	CHECK_INT(out.ip_proto, in->ip_proto);
	CHECK_INT(out.proto_type, in->proto_type);
	CHECK_INT(out.ts_us, in->ts_us);
	CHECK_INT(out.capture_id, in->capture_id);
	CHECK_INT(out.compressed, in->compressed);
	CHECK_INT(out.payload_len, in->payload_len);
	CHECK(memcmp(out.payload, in->payload, in->payload_len) == 0);
	CHECK_INT(out.auth_key_len, in->auth_key_len);
	if (in->auth_key_len != 0)
		CHECK(memcmp(out.auth_key, in->auth_key, in->auth_key_len) == 0);
	CHECK_INT(out.correlation_len, in->correlation_len);
	if (in->correlation_len != 0)
		CHECK(memcmp(out.correlation, in->correlation,
		    in->correlation_len) == 0);
	CHECK_INT(out.has_ip_tos, in->has_ip_tos);
	CHECK_INT(out.ip_tos, in->ip_tos);
	CHECK_INT(out.node_name_len, in->node_name_len);
	if (in->node_name_len != 0)
		CHECK(memcmp(out.node_name, in->node_name,
		    in->node_name_len) == 0);
	free(copy);
}

static void
base_msg(struct hep_msg *m, int family)
{
	memset(m, 0, sizeof *m);
	m->src.addr.family = m->dst.addr.family = (uint8_t)family;
	m->src.addr.bytes[0] = 10;
	m->src.addr.bytes[family == 4 ? 3 : 15] = 1;
	m->dst.addr.bytes[0] = family == 4 ? 10 : 0x20;
	m->dst.addr.bytes[family == 4 ? 3 : 15] = 2;
	m->src.port = 40000;
	m->dst.port = 5060;
	m->ip_proto = 17;
	m->proto_type = HEP_TYPE_SIP;
	m->ts_us = 1754000000999999LL;
	m->capture_id = 0xdeadbeef;
	m->payload = (const uint8_t *)sip_text;
	m->payload_len = sizeof sip_text - 1;
}

static void
test_round_trip_ipv4(void)
{
	struct hep_msg m;

	base_msg(&m, 4);
	round_trip(&m);
	m.ip_proto = 6;
	m.proto_type = HEP_TYPE_RTP;
	m.auth_key = (const uint8_t *)"s3cret";
	m.auth_key_len = 6;
	m.correlation = (const uint8_t *)"abc";
	m.correlation_len = 3;
	m.node_name = (const uint8_t *)"probe-1";
	m.node_name_len = 7;
	m.compressed = 1;
	m.has_ip_tos = 1;
	m.ip_tos = 0xb8;
	round_trip(&m);
}

static void
test_round_trip_ipv6(void)
{
	struct hep_msg m;

	base_msg(&m, 6);
	round_trip(&m);
	m.ts_us = 0;
	m.src.port = 0;
	round_trip(&m);
}

/* The largest payload that fits, and one byte more. */
static void
test_encode_limits(void)
{
	static uint8_t buf[BUF_LEN], big[HEP_MAX_LEN];
	struct hep_msg m;
	size_t n, overhead;

	base_msg(&m, 4);
	m.payload_len = 1;
	m.payload = big;
	overhead = hep_encode(&m, buf, sizeof buf) - 1;
	CHECK(overhead > 6);
	memset(big, 'x', sizeof big);
	m.payload_len = HEP_MAX_LEN - overhead;
	n = hep_encode(&m, buf, sizeof buf);
	CHECK_INT(n, HEP_MAX_LEN);
	round_trip(&m);
	m.payload_len++;
	CHECK_INT(hep_encode(&m, buf, sizeof buf), 0);
	/* An output buffer one byte short. */
	m.payload_len = 100;
	n = hep_encode(&m, buf, sizeof buf);
	CHECK_INT(hep_encode(&m, buf, n - 1), 0);
	CHECK_INT(hep_encode(&m, buf, n), n);
	/* Families that do not agree, or are not one. */
	m.dst.addr.family = 6;
	CHECK_INT(hep_encode(&m, buf, sizeof buf), 0);
	m.src.addr.family = m.dst.addr.family = 0;
	CHECK_INT(hep_encode(&m, buf, sizeof buf), 0);
}

static void
check_result(const struct built *p, enum hep_result want)
{
	struct hep_msg m;
	uint8_t *copy;

	CHECK_INT(decode(p->b, p->len, &m, &copy), want);
	free(copy);
}

/* The header: too short, not HEP3, a length that lies either way. */
static void
test_header_errors(void)
{
	struct built p;
	struct hep_msg m;

	CHECK_INT(hep_decode((const uint8_t *)"HEP3", 4, &m), HEP_SHORT);
	CHECK_INT(hep_decode((const uint8_t *)"", 0, &m), HEP_SHORT);
	b_sip4(&p, 0);
	memcpy(p.b, "HEP2", 4);
	check_result(&p, HEP_NOT_HEP3);
	b_sip4(&p, 0);
	b_seal(&p, (long)p.len + 1);		/* says more than there is */
	check_result(&p, HEP_SHORT);
	b_seal(&p, (long)p.len - 1);		/* says less */
	check_result(&p, HEP_BAD_LENGTH);
	b_seal(&p, 0);
	check_result(&p, HEP_BAD_LENGTH);
	b_seal(&p, 65535);
	check_result(&p, HEP_SHORT);
	/* A header alone is a packet with nothing in it. */
	b_init(&p);
	b_seal(&p, -1);
	check_result(&p, HEP_MISSING);
}

/* Chunks: under 6, past the end, cut, zero length, wrong fixed sizes. */
static void
test_chunk_errors(void)
{
	static const uint8_t four[4] = { 1, 2, 3, 4 };
	static const uint16_t fixed_types[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	    11, 12, 18, 23, 24 };
	struct built p;
	size_t i;

	b_sip4(&p, 0);
	b_chunk_len(&p, 0, 0x13, 5, "", 0);
	b_seal(&p, -1);
	check_result(&p, HEP_BAD_CHUNK);
	b_sip4(&p, 0);
	b_chunk_len(&p, 0, 0x13, 0, "", 0);	/* zero length */
	b_seal(&p, -1);
	check_result(&p, HEP_BAD_CHUNK);
	b_sip4(&p, 0);
	b_chunk_len(&p, 0, 0x13, 11, four, 4);	/* past the end by one */
	b_seal(&p, -1);
	check_result(&p, HEP_BAD_CHUNK);
	b_sip4(&p, 0);
	b_raw(&p, "\0\0\0", 3);			/* a chunk header cut short */
	b_seal(&p, -1);
	check_result(&p, HEP_BAD_CHUNK);
	/* Past the end even for another vendor's chunk. */
	b_sip4(&p, 0);
	b_chunk_len(&p, 2, 0x99, 40, four, 4);
	b_seal(&p, -1);
	check_result(&p, HEP_BAD_CHUNK);

	/* Each fixed-size generic chunk one byte too long. */
	for (i = 0; i < sizeof fixed_types / sizeof fixed_types[0]; i++) {
		static const uint8_t zeros[17];

		b_sip4(&p, 0);
		b_chunk(&p, fixed_types[i], zeros,
		    fixed_types[i] == 5 || fixed_types[i] == 6 ? 17 :
		    fixed_types[i] <= 2 || fixed_types[i] == 11 ||
		    fixed_types[i] >= 23 ? 2 :
		    fixed_types[i] == 7 || fixed_types[i] == 8 ||
		    fixed_types[i] == 18 ? 3 : 5);
		b_seal(&p, -1);
		check_result(&p, HEP_BAD_CHUNK);
	}
	/* And an IPv4 address of 3 bytes. */
	b_sip4(&p, 0);
	b_chunk(&p, 3, four, 3);
	b_seal(&p, -1);
	check_result(&p, HEP_BAD_CHUNK);
}

/* Each required chunk left out in turn; families that do not fit. */
static void
test_missing_and_family(void)
{
	static const uint16_t required[] = { 1, 3, 4, 7, 8, 15 };
	static const uint8_t v6[16] = { 0x20, 1, 0xd, 0xb8 };
	struct built p;
	size_t i;

	b_sip4(&p, 0);
	check_result(&p, HEP_OK);
	for (i = 0; i < sizeof required / sizeof required[0]; i++) {
		b_sip4(&p, required[i]);
		check_result(&p, HEP_MISSING);
	}
	/* An empty payload is no payload. */
	b_sip4(&p, 15);
	b_chunk(&p, 15, "", 0);
	b_seal(&p, -1);
	check_result(&p, HEP_MISSING);
	/* Family 7. */
	b_sip4(&p, 1);
	b_u8(&p, 1, 7);
	b_seal(&p, -1);
	check_result(&p, HEP_BAD_FAMILY);
	/* IPv6 said, IPv4 addresses given. */
	b_sip4(&p, 1);
	b_u8(&p, 1, 10);
	b_seal(&p, -1);
	check_result(&p, HEP_BAD_FAMILY);
	/* IPv4 said, the destination only as IPv6. */
	b_sip4(&p, 4);
	b_chunk(&p, 6, v6, 16);
	b_seal(&p, -1);
	check_result(&p, HEP_BAD_FAMILY);
}

/*
 * sngrep 1.6.0 stores htons(id) in the capture id's u32: the chunk has
 * the right size and the packet is good; the id reads as id << 16 on a
 * little-endian sender.  Other vendors' chunks are skipped, even one
 * whose type number is a generic one of another size.
 */
static void
test_real_senders(void)
{
	static const uint8_t sngrep_id[4] = { 0x00, 0x00, 0x07, 0xd2 };
	static const uint8_t swapped_id[4] = { 0x07, 0xd2, 0x00, 0x00 };
	struct built p;
	struct hep_msg m;
	uint8_t *copy;

	b_sip4(&p, 0);
	b_chunk(&p, 12, swapped_id, 4);
	b_seal(&p, -1);
	CHECK_INT(decode(p.b, p.len, &m, &copy), HEP_OK);
	CHECK_INT(m.capture_id, 131203072);
	free(copy);
	b_sip4(&p, 0);
	b_chunk(&p, 12, sngrep_id, 4);
	b_seal(&p, -1);
	CHECK_INT(decode(p.b, p.len, &m, &copy), HEP_OK);
	CHECK_INT(m.capture_id, 2002);
	free(copy);

	b_sip4(&p, 0);
	b_chunk_len(&p, 2, 1, 9, "abc", 3);	/* Kamailio's, type 1 */
	b_chunk_len(&p, 0x8000, 15, 6, "", 0);
	b_u16(&p, 0x12, 100);			/* heplify's VLAN */
	b_chunk(&p, 0x77, "unknown", 7);	/* a generic type not read */
	b_seal(&p, -1);
	CHECK_INT(decode(p.b, p.len, &m, &copy), HEP_OK);
	CHECK_MEM(m.payload, m.payload_len, sip_text);
	CHECK_INT(m.src.addr.family, 4);
	free(copy);

	/* Compressed payload, and the auth key. */
	b_sip4(&p, 15);
	b_chunk(&p, 0x10, "zz", 2);
	b_chunk(&p, 0x0e, "key", 3);
	b_seal(&p, -1);
	CHECK_INT(decode(p.b, p.len, &m, &copy), HEP_OK);
	CHECK_INT(m.compressed, 1);
	CHECK_MEM(m.payload, m.payload_len, "zz");
	CHECK_MEM(m.auth_key, m.auth_key_len, "key");
	free(copy);
}

static void
test_frame_length(void)
{
	uint8_t b[8] = { 'H', 'E', 'P', '3', 0x01, 0x00, 0, 0 };

	CHECK_INT(hep_frame_length(b, 0), 0);
	CHECK_INT(hep_frame_length(b, 5), 0);
	CHECK_INT(hep_frame_length(b, 6), 256);
	b[4] = 0;
	b[5] = 6;
	CHECK_INT(hep_frame_length(b, 8), 6);
	b[5] = 5;
	CHECK_INT(hep_frame_length(b, 8), -1);
	b[4] = 0xff;
	b[5] = 0xff;
	CHECK_INT(hep_frame_length(b, 6), 65535);
	b[3] = '2';
	CHECK_INT(hep_frame_length(b, 8), -1);
	CHECK_INT(hep_frame_length((const uint8_t *)"GET / HTTP/1.1", 14), -1);
}

static void
test_result_names(void)
{
	CHECK_STR(hep_result_name(HEP_OK), "ok");
	CHECK_STR(hep_result_name(HEP_SHORT), "short");
	CHECK_STR(hep_result_name(HEP_NOT_HEP3), "not_hep3");
	CHECK_STR(hep_result_name(HEP_BAD_LENGTH), "bad_length");
	CHECK_STR(hep_result_name(HEP_BAD_CHUNK), "bad_chunk");
	CHECK_STR(hep_result_name(HEP_MISSING), "missing");
	CHECK_STR(hep_result_name(HEP_BAD_FAMILY), "bad_family");
	CHECK_STR(hep_result_name(HEP_RESULT_COUNT), "unknown");
}

int
main(void)
{
	RUN(test_hand_built_ipv4);
	RUN(test_round_trip_ipv4);
	RUN(test_round_trip_ipv6);
	RUN(test_encode_limits);
	RUN(test_header_errors);
	RUN(test_chunk_errors);
	RUN(test_missing_and_family);
	RUN(test_real_senders);
	RUN(test_frame_length);
	RUN(test_result_names);
	return unit_done("test-hep");
}
