/*
 * Unit tests for dissectors/rtp.c.
 */

#include <stdlib.h>

#include "dissectors/rtp.h"
#include "tests/unit.h"

/* Parse a copy of exactly len bytes on the heap, so ASan sees overreads. */
static enum dissect_result
parse_exact(const uint8_t *p, size_t len, struct rtp_hdr *h)
{
	enum dissect_result	 r;
	uint8_t			*copy;

	copy = malloc(len != 0 ? len : 1);
	memcpy(copy, p, len);
	r = rtp_parse(copy, len, len, h);
	free(copy);
	return r;
}

static int
is_rtcp_exact(const uint8_t *p, size_t len)
{
	uint8_t	*copy;
	int	 r;

	copy = malloc(len != 0 ? len : 1);
	memcpy(copy, p, len);
	r = rtp_is_rtcp(copy, len);
	free(copy);
	return r;
}

/* PCMU, marker set, seq 0x1234, ts 0x00010000, SSRC 0xdeadbeef, 4 bytes. */
static const uint8_t plain[] = {
	0x80, 0x80, 0x12, 0x34, 0x00, 0x01, 0x00, 0x00,
	0xde, 0xad, 0xbe, 0xef, 0xff, 0xfe, 0xfd, 0xfc
};

static void
test_plain(void)
{
	struct rtp_hdr	h;

	CHECK_INT(parse_exact(plain, sizeof plain, &h), DISSECT_OK);
	CHECK_INT(h.marker, 1);
	CHECK_INT(h.payload_type, 0);
	CHECK_INT(h.seq, 0x1234);
	CHECK_INT(h.timestamp, 0x00010000);
	CHECK_INT(h.ssrc, 0xdeadbeefU);
	CHECK_INT(h.payload_len, 4);

	/* A header and nothing else is a packet with an empty payload. */
	CHECK_INT(parse_exact(plain, 12, &h), DISSECT_OK);
	CHECK_INT(h.payload_len, 0);
}

/* Two CSRCs, a one-word extension, PT 96, then 3 payload bytes. */
static const uint8_t csrc_ext[] = {
	0x92, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0xa0,
	0x11, 0x22, 0x33, 0x44,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
	0xbe, 0xde, 0x00, 0x01, 0x10, 0xaa, 0x00, 0x00,
	0x01, 0x02, 0x03
};

static void
test_csrc_extension(void)
{
	struct rtp_hdr	h;
	size_t		len;

	CHECK_INT(parse_exact(csrc_ext, sizeof csrc_ext, &h), DISSECT_OK);
	CHECK_INT(h.marker, 0);
	CHECK_INT(h.payload_type, 96);
	CHECK_INT(h.seq, 1);
	CHECK_INT(h.timestamp, 160);
	CHECK_INT(h.ssrc, 0x11223344);
	CHECK_INT(h.payload_len, 3);
	CHECK_INT(h.csrc_count, 2);
	CHECK_INT(h.csrc[0], 1);
	CHECK_INT(h.csrc[1], 2);
	CHECK_INT(h.extension, 1);
	CHECK_INT(h.ext_profile, 0xbede);
	CHECK_INT(h.ext_len, 4);
	CHECK(h.ext != NULL);
	CHECK_INT(h.padding_len, 0);

	/* Cut anywhere inside the CSRCs or extension: truncated. */
	for (len = 0; len < 28; len++)
		CHECK_INT(parse_exact(csrc_ext, len, &h), DISSECT_TRUNCATED);
	for (len = 28; len <= sizeof csrc_ext; len++) {
		CHECK_INT(parse_exact(csrc_ext, len, &h), DISSECT_OK);
		CHECK_INT(h.payload_len, len - 28);
	}
}

static void
test_padding(void)
{
	struct rtp_hdr	h;
	uint8_t		pkt[20];

	/* 8 bytes after the header: 5 payload, 3 padding. */
	memcpy(pkt, plain, 12);
	pkt[0] = 0xa0;
	memset(pkt + 12, 0x55, 8);
	pkt[19] = 3;
	CHECK_INT(parse_exact(pkt, 20, &h), DISSECT_OK);
	CHECK_INT(h.payload_len, 5);

	/* Padding may fill everything after the header. */
	pkt[19] = 8;
	CHECK_INT(parse_exact(pkt, 20, &h), DISSECT_OK);
	CHECK_INT(h.payload_len, 0);

	/* More padding than there are bytes, or a count of 0: malformed. */
	pkt[19] = 9;
	CHECK_INT(parse_exact(pkt, 20, &h), DISSECT_MALFORMED);
	pkt[19] = 0;
	CHECK_INT(parse_exact(pkt, 20, &h), DISSECT_MALFORMED);
	pkt[19] = 255;
	CHECK_INT(parse_exact(pkt, 20, &h), DISSECT_MALFORMED);

	/* The padding flag with no byte after the header. */
	CHECK_INT(parse_exact(pkt, 12, &h), DISSECT_MALFORMED);

	/*
	 * A snaplen that cut the packet also cut its padding count: the last
	 * captured byte (0x55) is payload, so it must not be read as a count.
	 */
	pkt[19] = 3;
	CHECK_INT(rtp_parse(pkt, 16, 20, &h), DISSECT_OK);
	CHECK_INT(h.payload_len, 4);
}

static void
test_version(void)
{
	struct rtp_hdr	h;
	uint8_t		pkt[sizeof plain];
	size_t		len;

	memcpy(pkt, plain, sizeof pkt);
	pkt[0] = 0x40;		/* version 1 */
	CHECK_INT(parse_exact(pkt, sizeof pkt, &h), DISSECT_MALFORMED);
	pkt[0] = 0x00;		/* version 0 */
	CHECK_INT(parse_exact(pkt, sizeof pkt, &h), DISSECT_MALFORMED);
	/* The first byte alone is enough to see it. */
	for (len = 1; len <= sizeof pkt; len++)
		CHECK_INT(parse_exact(pkt, len, &h), DISSECT_MALFORMED);
}

static void
test_truncated(void)
{
	struct rtp_hdr	h;
	uint8_t		pkt[12];
	size_t		len;

	for (len = 0; len < 12; len++)
		CHECK_INT(parse_exact(plain, len, &h), DISSECT_TRUNCATED);

	/* A CSRC count of 15 with only the fixed header there. */
	memcpy(pkt, plain, 12);
	pkt[0] = 0x8f;
	CHECK_INT(parse_exact(pkt, 12, &h), DISSECT_TRUNCATED);
}

/* An extension length running far past the packet must not wrap anything. */
static void
test_extension_overrun(void)
{
	struct rtp_hdr	h;
	uint8_t		pkt[16];

	memcpy(pkt, plain, 12);
	pkt[0] = 0x90;
	pkt[12] = 0xbe;
	pkt[13] = 0xde;
	pkt[14] = 0xff;
	pkt[15] = 0xff;
	CHECK_INT(parse_exact(pkt, 16, &h), DISSECT_TRUNCATED);
}

static void
test_is_rtcp(void)
{
	/* RR: V=2, RC=1, PT=201. */
	const uint8_t	rr[] = { 0x81, 0xc9, 0x00, 0x07 };
	const uint8_t	sr[] = { 0x80, 0xc8, 0x00, 0x06 };
	const uint8_t	xr[] = { 0x80, 0xcf, 0x00, 0x06 };	/* 207 */
	const uint8_t	top[] = { 0x80, 223 };
	const uint8_t	below[] = { 0x80, 191 };
	const uint8_t	above[] = { 0x80, 224 };
	const uint8_t	v1[] = { 0x41, 0xc9 };

	CHECK(is_rtcp_exact(rr, sizeof rr));
	CHECK(is_rtcp_exact(sr, sizeof sr));
	CHECK(is_rtcp_exact(xr, sizeof xr));
	CHECK(is_rtcp_exact(top, sizeof top));
	CHECK(!is_rtcp_exact(below, sizeof below));
	CHECK(!is_rtcp_exact(above, sizeof above));
	CHECK(!is_rtcp_exact(v1, sizeof v1));
	/* RTP: PCMU with marker is 0x80 in the second byte. */
	CHECK(!is_rtcp_exact(plain, sizeof plain));
	CHECK(!is_rtcp_exact(rr, 1));
	CHECK(!is_rtcp_exact(rr, 0));
}

static void
test_static_codec(void)
{
	uint32_t	clock_rate_hz = 1;

	CHECK_STR(rtp_static_codec(0, &clock_rate_hz), "PCMU");
	CHECK_INT(clock_rate_hz, 8000);
	CHECK_STR(rtp_static_codec(8, &clock_rate_hz), "PCMA");
	CHECK_INT(clock_rate_hz, 8000);
	CHECK_STR(rtp_static_codec(9, &clock_rate_hz), "G722");
	CHECK_INT(clock_rate_hz, 8000);
	CHECK_STR(rtp_static_codec(18, &clock_rate_hz), "G729");
	CHECK_INT(clock_rate_hz, 8000);
	CHECK_STR(rtp_static_codec(6, &clock_rate_hz), "DVI4");
	CHECK_INT(clock_rate_hz, 16000);
	CHECK_STR(rtp_static_codec(17, &clock_rate_hz), "DVI4");
	CHECK_INT(clock_rate_hz, 22050);
	CHECK_STR(rtp_static_codec(10, &clock_rate_hz), "L16");
	CHECK_INT(clock_rate_hz, 44100);
	CHECK_STR(rtp_static_codec(13, &clock_rate_hz), "CN");
	CHECK_STR(rtp_static_codec(28, &clock_rate_hz), "nv");
	CHECK_INT(clock_rate_hz, 90000);
	CHECK_STR(rtp_static_codec(34, &clock_rate_hz), "H263");
	CHECK_INT(clock_rate_hz, 90000);
	CHECK_STR(rtp_static_codec(3, NULL), "GSM");

	/* Reserved, unassigned and dynamic types are unknown. */
	CHECK(rtp_static_codec(1, &clock_rate_hz) == NULL);
	CHECK_INT(clock_rate_hz, 0);
	CHECK(rtp_static_codec(19, &clock_rate_hz) == NULL);
	CHECK(rtp_static_codec(35, &clock_rate_hz) == NULL);
	CHECK(rtp_static_codec(96, &clock_rate_hz) == NULL);
	CHECK(rtp_static_codec(127, NULL) == NULL);
}

/* The payload pointer and padding length, on the caller's own buffer. */
static void
test_payload_pointer(void)
{
	struct rtp_hdr	h;
	uint8_t		pkt[20];

	CHECK_INT(rtp_parse(csrc_ext, sizeof csrc_ext, sizeof csrc_ext, &h),
	    DISSECT_OK);
	CHECK(h.payload == csrc_ext + 28);
	CHECK(h.ext == csrc_ext + 24);
	CHECK_INT(h.ext[0], 0x10);

	memcpy(pkt, plain, 12);
	pkt[0] = 0xa0;
	memset(pkt + 12, 0x55, 8);
	pkt[19] = 3;
	CHECK_INT(rtp_parse(pkt, 20, 20, &h), DISSECT_OK);
	CHECK(h.payload == pkt + 12);
	CHECK_INT(h.payload_len, 5);
	CHECK_INT(h.padding_len, 3);
	CHECK_INT(h.csrc_count, 0);
	CHECK_INT(h.extension, 0);
	CHECK(h.ext == NULL);
}

/* 15 CSRCs, all kept. */
static void
test_csrc_max(void)
{
	struct rtp_hdr	h;
	uint8_t		pkt[12 + 4 * RTP_MAX_CSRC];
	size_t		i;

	memcpy(pkt, plain, 12);
	pkt[0] = 0x8f;
	for (i = 0; i < 4 * RTP_MAX_CSRC; i++)
		pkt[12 + i] = (uint8_t)(i / 4 + 1);
	CHECK_INT(parse_exact(pkt, sizeof pkt, &h), DISSECT_OK);
	CHECK_INT(h.csrc_count, RTP_MAX_CSRC);
	CHECK_INT(h.csrc[0], 0x01010101);
	CHECK_INT(h.csrc[14], 0x0f0f0f0f);
	CHECK_INT(h.payload_len, 0);
	for (i = 0; i < sizeof pkt; i++)
		CHECK_INT(parse_exact(pkt, i, &h), DISSECT_TRUNCATED);
}

/* Parse an event payload from an exact heap copy. */
static enum dissect_result
event_exact(const uint8_t *p, size_t len, struct rtp_event *e)
{
	enum dissect_result	 r;
	uint8_t			*copy;

	copy = malloc(len != 0 ? len : 1);
	memcpy(copy, p, len);
	r = rtp_event_parse(copy, len, e);
	free(copy);
	return r;
}

/* RFC 4733 events: digit 5, then its end; a reserved bit is ignored. */
static void
test_event(void)
{
	const uint8_t		start[] = { 0x05, 0x0a, 0x00, 0xa0 };
	const uint8_t		last[] = { 0x05, 0x8a, 0x03, 0x20 };
	const uint8_t		odd[] = { 0xff, 0x7f, 0xff, 0xff, 0x01, 0x02 };
	struct rtp_event	e;
	size_t			len;

	CHECK_INT(event_exact(start, sizeof start, &e), DISSECT_OK);
	CHECK_INT(e.event, 5);
	CHECK_INT(e.end, 0);
	CHECK_INT(e.volume_dbm0, 10);
	CHECK_INT(e.duration, 160);
	CHECK_INT(event_exact(last, sizeof last, &e), DISSECT_OK);
	CHECK_INT(e.end, 1);
	CHECK_INT(e.volume_dbm0, 10);
	CHECK_INT(e.duration, 800);

	/* R set, volume 63, a second (redundant) block after the first. */
	CHECK_INT(event_exact(odd, sizeof odd, &e), DISSECT_OK);
	CHECK_INT(e.event, 255);
	CHECK_INT(e.end, 0);
	CHECK_INT(e.volume_dbm0, 63);
	CHECK_INT(e.duration, 65535);

	for (len = 0; len < 4; len++)
		CHECK_INT(event_exact(last, len, &e), DISSECT_TRUNCATED);

	CHECK_STR(rtp_event_name(0), "0");
	CHECK_STR(rtp_event_name(9), "9");
	CHECK_STR(rtp_event_name(10), "*");
	CHECK_STR(rtp_event_name(11), "#");
	CHECK_STR(rtp_event_name(12), "A");
	CHECK_STR(rtp_event_name(15), "D");
	CHECK(rtp_event_name(16) == NULL);
	CHECK(rtp_event_name(255) == NULL);
}

/* An event inside a whole RTP packet, as the probe will meet it. */
static void
test_event_in_rtp(void)
{
	const uint8_t		pkt[] = {
		0x80, 0xe5, 0x00, 0x07, 0x00, 0x00, 0x03, 0x20,
		0x12, 0x34, 0x56, 0x78,
		0x0b, 0x8a, 0x06, 0x40
	};
	struct rtp_hdr		h;
	struct rtp_event	e;

	CHECK_INT(rtp_parse(pkt, sizeof pkt, sizeof pkt, &h), DISSECT_OK);
	CHECK_INT(h.marker, 1);
	CHECK_INT(h.payload_type, 101);
	CHECK_INT(rtp_event_parse(h.payload, h.payload_len, &e), DISSECT_OK);
	CHECK_STR(rtp_event_name(e.event), "#");
	CHECK_INT(e.end, 1);
	CHECK_INT(e.duration, 1600);
}

int
main(void)
{
	RUN(test_plain);
	RUN(test_csrc_extension);
	RUN(test_padding);
	RUN(test_version);
	RUN(test_truncated);
	RUN(test_extension_overrun);
	RUN(test_is_rtcp);
	RUN(test_static_codec);
	RUN(test_payload_pointer);
	RUN(test_csrc_max);
	RUN(test_event);
	RUN(test_event_in_rtp);
	return unit_done("rtp");
}
