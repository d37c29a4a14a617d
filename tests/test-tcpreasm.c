/*
 * Unit tests for dissectors/tcpreasm.c: SIP over TCP put back in order and
 * cut into messages.  Every segment is offered from a heap copy of exactly
 * its bytes, freed right after, so a message delivered from freed or
 * foreign memory shows under AddressSanitizer.
 */

#include <stdlib.h>

#include "dissectors/tcpreasm.h"
#include "dissectors/wsframe.h"
#include "tests/unit.h"

#define SEC		1000000LL
#define MAX_MSGS	256
#define ISN_A		1000u
#define ISN_B		500000u

#define M1 "INVITE sip:bob@example.com SIP/2.0\r\n"			\
	"Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK1\r\n"		\
	"Call-ID: one@192.0.2.1\r\n"					\
	"Content-Length: 14\r\n"					\
	"\r\n"								\
	"v=0\r\no=- 1 1\r\n"
#define M2 "SIP/2.0 100 Trying\r\n"					\
	"Call-ID: one@192.0.2.1\r\n"					\
	"l: 0\r\n"							\
	"\r\n"
#define M3 "BYE sip:bob@example.com SIP/2.0\r\n"			\
	"Call-ID: one@192.0.2.1\r\n"					\
	"Content-Length: 0\r\n"						\
	"\r\n"

/* What the reassembler delivered, copied while it was valid. */
struct rec {
	int			n;
	char			msg[MAX_MSGS][512];
	size_t			len[MAX_MSGS];
	struct vq_endpoint	src[MAX_MSGS];
	int64_t			ts_us[MAX_MSGS];
};

static struct vq_endpoint	ep_a, ep_b;

static void
on_msg(void *arg, const struct tcpreasm_msg *m)
{
	struct rec	*r = arg;

	if (r->n == MAX_MSGS || m->len >= sizeof r->msg[0]) {
		UNIT_FAIL("unexpected message of %zu bytes", m->len);
		return;
	}
	memcpy(r->msg[r->n], m->data, m->len);
	r->msg[r->n][m->len] = '\0';
	r->len[r->n] = m->len;
	r->src[r->n] = *m->src;
	r->ts_us[r->n] = m->ts_us;
	CHECK(endpoint_equal(m->dst, endpoint_equal(m->src, &ep_a) ? &ep_b :
	    &ep_a));
	r->n++;
}

static void
endpoints(void)
{
	memset(&ep_a, 0, sizeof ep_a);
	ep_a.addr.family = 4;
	memcpy(ep_a.addr.bytes, "\xc0\x00\x02\x01", 4);
	ep_a.port = 40000;
	memset(&ep_b, 0, sizeof ep_b);
	ep_b.addr.family = 4;
	memcpy(ep_b.addr.bytes, "\xc0\x00\x02\x02", 4);
	ep_b.port = 5060;
}

/* Offer a segment of len bytes (wirelen if larger) from a or b. */
static enum tcpreasm_result
seg_full(struct tcpreasm *t, struct rec *r, int from_a, uint32_t seq,
    uint32_t ack, uint8_t flags, const char *data, size_t len,
    size_t wirelen, int64_t ts_us)
{
	struct tcpreasm_segment	 s;
	enum tcpreasm_result	 res;
	uint8_t			*copy = malloc(len != 0 ? len : 1);

	memcpy(copy, data, len);
	memset(&s, 0, sizeof s);
	s.src = from_a ? ep_a : ep_b;
	s.dst = from_a ? ep_b : ep_a;
	s.ts_us = ts_us;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.data = copy;
	s.len = (uint32_t)len;
	s.wirelen = (uint32_t)(wirelen > len ? wirelen : len);
	res = tcpreasm_segment(t, &s, on_msg, r);
	free(copy);
	return res;
}

static enum tcpreasm_result
seg(struct tcpreasm *t, struct rec *r, int from_a, uint32_t seq,
    const char *data, size_t len)
{
	return seg_full(t, r, from_a, seq, 0, 0, data, len, len, 0);
}

static struct tcpreasm *
new_reasm(void)
{
	struct tcpreasm_limits	limits;

	tcpreasm_limits_default(&limits);
	return tcpreasm_new(&limits);
}

static struct tcpreasm_stats
stats(const struct tcpreasm *t)
{
	struct tcpreasm_stats	s;

	tcpreasm_stats(t, &s);
	return s;
}

static void
test_several_per_segment(void)
{
	struct tcpreasm	*t = new_reasm();
	struct rec	 r;
	const char	*data = M1 M3 M1;

	memset(&r, 0, sizeof r);
	CHECK_INT(seg(t, &r, 1, ISN_A, data, strlen(data)), TCPREASM_FOLLOWED);
	CHECK_INT(r.n, 3);
	CHECK_STR(r.msg[0], M1);
	CHECK_STR(r.msg[1], M3);
	CHECK_STR(r.msg[2], M1);
	CHECK(endpoint_equal(&r.src[0], &ep_a));
	CHECK_INT(stats(t).sip_messages, 3);
	CHECK_INT(stats(t).streams, 1);
	CHECK_INT(stats(t).streams_active, 1);
	/* Whole messages leave nothing behind. */
	CHECK_INT(stats(t).bytes_buffered, stats(t).bytes_buffered);
	tcpreasm_free(t);
}

/* One message over three segments: cut in the start line and the body. */
static void
test_split_three(void)
{
	struct tcpreasm	*t = new_reasm();
	struct rec	 r;
	const char	*m = M1;
	size_t		 cut1 = 10, cut2 = strlen(M1) - 5;

	memset(&r, 0, sizeof r);
	CHECK_INT(seg_full(t, &r, 1, ISN_A, 0, 0, m, cut1, cut1, 1 * SEC),
	    TCPREASM_FOLLOWED);
	CHECK_INT(seg_full(t, &r, 1, ISN_A + (uint32_t)cut1, 0, 0, m + cut1,
	    cut2 - cut1, cut2 - cut1, 2 * SEC), TCPREASM_FOLLOWED);
	CHECK_INT(r.n, 0);
	CHECK_INT(seg_full(t, &r, 1, ISN_A + (uint32_t)cut2, 0, 0, m + cut2,
	    strlen(m) - cut2, strlen(m) - cut2, 3 * SEC), TCPREASM_FOLLOWED);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.msg[0], M1);
	CHECK_INT(r.ts_us[0], 3 * SEC);
	CHECK_INT(stats(t).out_of_order, 0);
	tcpreasm_free(t);
}

/* Two messages cut at every pair of points: always the same two. */
static void
test_every_split(void)
{
	const char	*data = M1 M2;
	size_t		 len = strlen(data), i, j;
	struct rec	*r = malloc(sizeof *r);

	for (i = 1; i < len; i++) {
		for (j = i; j < len; j += 7) {
			struct tcpreasm	*t = new_reasm();

			memset(r, 0, sizeof *r);
			seg(t, r, 1, ISN_A, data, i);
			seg(t, r, 1, ISN_A + (uint32_t)i, data + i, j - i);
			seg(t, r, 1, ISN_A + (uint32_t)j, data + j, len - j);
			CHECK_INT(r->n, 2);
			if (r->n == 2) {
				CHECK_STR(r->msg[0], M1);
				CHECK_STR(r->msg[1], M2);
			}
			CHECK_INT(stats(t).bytes_dropped, 0);
			tcpreasm_free(t);
		}
	}
	free(r);
}

static void
test_out_of_order(void)
{
	struct tcpreasm	*t = new_reasm();
	struct rec	 r;
	const char	*m = M1;
	uint32_t	 base = ISN_A + (uint32_t)strlen(M3);
	size_t		 c1 = 30, c2 = 90;

	memset(&r, 0, sizeof r);
	/* A first message makes the stream known. */
	seg(t, &r, 1, ISN_A, M3, strlen(M3));
	CHECK_INT(r.n, 1);
	/* The next one in three pieces: last, middle, first. */
	seg_full(t, &r, 1, base + (uint32_t)c2, 0, 0, m + c2, strlen(m) - c2,
	    strlen(m) - c2, 5);
	seg_full(t, &r, 1, base + (uint32_t)c1, 0, 0, m + c1, c2 - c1,
	    c2 - c1, 6);
	CHECK_INT(r.n, 1);
	CHECK_INT(stats(t).out_of_order, 2);
	CHECK(stats(t).bytes_buffered > strlen(m) - c1);
	seg_full(t, &r, 1, base, 0, 0, m, c1, c1, 7);
	CHECK_INT(r.n, 2);
	CHECK_STR(r.msg[1], M1);
	/* Its last byte came at 5, held until now. */
	CHECK_INT(r.ts_us[1], 5);
	CHECK_INT(stats(t).gaps, 0);
	tcpreasm_free(t);
}

static void
test_retransmission(void)
{
	struct tcpreasm	*t = new_reasm();
	struct rec	 r;
	uint32_t	 l1 = (uint32_t)strlen(M1), l3 = (uint32_t)strlen(M3);
	char		 both[1024];

	memset(&r, 0, sizeof r);
	seg(t, &r, 1, ISN_A, M1, l1);
	seg(t, &r, 1, ISN_A, M1, l1);
	CHECK_INT(r.n, 1);
	CHECK_INT(stats(t).retransmissions, 1);
	/* A retransmission carrying old and new bytes: only the new count. */
	snprintf(both, sizeof both, "%s%s", M1, M3);
	seg(t, &r, 1, ISN_A, both, l1 + l3);
	CHECK_INT(r.n, 2);
	CHECK_STR(r.msg[1], M3);
	CHECK_INT(stats(t).retransmissions, 2);
	/* Part of an old segment again. */
	seg(t, &r, 1, ISN_A + 5, M1 + 5, 20);
	CHECK_INT(r.n, 2);
	CHECK_INT(stats(t).retransmissions, 3);
	tcpreasm_free(t);
}

/* Held segments that overlap: the first copy of every byte wins. */
static void
test_overlapping_held(void)
{
	struct tcpreasm	*t = new_reasm();
	struct rec	 r;
	char		 evil[256];
	uint32_t	 l3 = (uint32_t)strlen(M3), base = ISN_A + l3;
	const char	*m = M1;

	memset(&r, 0, sizeof r);
	seg(t, &r, 1, ISN_A, M3, l3);
	/* Hold [40, 60) and [80, 100), then a rogue copy of [30, 110). */
	seg(t, &r, 1, base + 40, m + 40, 20);
	seg(t, &r, 1, base + 80, m + 80, 20);
	memset(evil, 'X', sizeof evil);
	memcpy(evil, m + 30, 10);
	memcpy(evil + 30, m + 60, 20);
	memcpy(evil + 70, m + 100, 10);
	seg(t, &r, 1, base + 30, evil, 80);
	/* The rogue bytes over held ones are ignored. */
	seg(t, &r, 1, base + 20, m + 20, 15);
	seg(t, &r, 1, base + 110, m + 110, strlen(m) - 110);
	CHECK_INT(r.n, 1);
	seg(t, &r, 1, base, m, 20);
	CHECK_INT(r.n, 2);
	CHECK_STR(r.msg[1], M1);
	tcpreasm_free(t);
}

static void
test_fin(void)
{
	struct tcpreasm	*t = new_reasm();
	struct rec	 r;
	uint32_t	 l1 = (uint32_t)strlen(M1), l2 = (uint32_t)strlen(M2);

	memset(&r, 0, sizeof r);
	seg(t, &r, 1, ISN_A, M1, l1);
	seg(t, &r, 0, ISN_B, M2, l2);
	/* A closes after half a message: it is dropped. */
	seg_full(t, &r, 1, ISN_A + l1, 0, TCPREASM_FIN, M3, 10, 10, 0);
	CHECK_INT(stats(t).bytes_dropped, 10);
	CHECK_INT(stats(t).streams_active, 1);
	/* Data after A's FIN is ignored. */
	seg(t, &r, 1, ISN_A + l1 + 10, M3 + 10, strlen(M3) - 10);
	CHECK_INT(r.n, 2);
	/* B's FIN arrives before B's last message: held, then closed. */
	seg_full(t, &r, 0, ISN_B + l2 + (uint32_t)strlen(M2), 0,
	    TCPREASM_FIN | TCPREASM_ACK, "", 0, 0, 0);
	CHECK_INT(stats(t).streams_active, 1);
	seg(t, &r, 0, ISN_B + l2, M2, l2);
	CHECK_INT(r.n, 3);
	CHECK_INT(stats(t).streams_active, 0);
	CHECK_INT(stats(t).bytes_buffered, 0);
	/* A FIN that carries the last message. */
	seg_full(t, &r, 1, ISN_A, 0, TCPREASM_FIN, M3, strlen(M3),
	    strlen(M3), 0);
	CHECK_INT(r.n, 4);
	CHECK_INT(stats(t).streams_active, 1);
	seg_full(t, &r, 0, ISN_B, 0, TCPREASM_FIN, "", 0, 0, 0);
	CHECK_INT(stats(t).streams_active, 0);
	tcpreasm_free(t);
}

static void
test_rst_syn(void)
{
	struct tcpreasm	*t = new_reasm();
	struct rec	 r;
	uint32_t	 l1 = (uint32_t)strlen(M1);

	memset(&r, 0, sizeof r);
	/* A SYN alone starts nothing; the data after it does. */
	CHECK_INT(seg_full(t, &r, 1, ISN_A - 1, 0, TCPREASM_SYN, "", 0, 0, 0),
	    TCPREASM_IGNORED);
	CHECK_INT(seg(t, &r, 1, ISN_A, M1, 30), TCPREASM_FOLLOWED);
	/* A reset drops the half message and the connection. */
	CHECK_INT(seg_full(t, &r, 0, ISN_B, 0, TCPREASM_RST, "", 0, 0, 0),
	    TCPREASM_FOLLOWED);
	CHECK_INT(stats(t).streams_active, 0);
	CHECK_INT(stats(t).bytes_dropped, 30);
	/* The rest of the message is no start of anything. */
	CHECK_INT(seg(t, &r, 1, ISN_A + 30, M1 + 30, l1 - 30),
	    TCPREASM_IGNORED);
	/* A RST of a connection not followed stays ignored. */
	CHECK_INT(seg_full(t, &r, 1, ISN_A, 0, TCPREASM_RST, M1, l1, l1, 0),
	    TCPREASM_IGNORED);
	CHECK_INT(r.n, 0);

	/* A new SYN with another ISN restarts the half. */
	seg(t, &r, 1, ISN_A, M1, 30);
	seg_full(t, &r, 1, 77, 0, TCPREASM_SYN, "", 0, 0, 0);
	seg(t, &r, 1, 78, M3, strlen(M3));
	CHECK_INT(r.n, 1);
	CHECK_STR(r.msg[0], M3);
	/* The same SYN again (retransmitted) changes nothing. */
	seg(t, &r, 1, 78 + (uint32_t)strlen(M3), M1, 30);
	seg_full(t, &r, 1, 77, 0, TCPREASM_SYN, "", 0, 0, 0);
	seg(t, &r, 1, 78 + (uint32_t)strlen(M3) + 30, M1 + 30, l1 - 30);
	CHECK_INT(r.n, 2);
	CHECK_STR(r.msg[1], M1);
	tcpreasm_free(t);
}

/* A WebSocket frame of data from a (masked with key) or b (unmasked). */
static size_t
ws_frame(char *out, int from_a, int fin, int opcode, const char *payload,
    size_t n, const uint8_t key[4])
{
	size_t at = 0, i;

	out[at++] = (char)((fin ? 0x80 : 0) | opcode);
	if (n < 126)
		out[at++] = (char)((from_a ? 0x80 : 0) | n);
	else {
		out[at++] = (char)((from_a ? 0x80 : 0) | 126);
		out[at++] = (char)(n >> 8);
		out[at++] = (char)n;
	}
	if (from_a) {
		memcpy(out + at, key, 4);
		at += 4;
	}
	for (i = 0; i < n; i++)
		out[at + i] = (char)(payload[i] ^ (from_a ? key[i % 4] : 0));
	return at + n;
}

/*
 * SIP over WebSocket: the upgrade, masked frames from the client (one
 * message in three fragments, with a ping between them), unmasked from
 * the server, two messages in one segment, a frame cut over segments.
 * A GET that is no upgrade is not followed; a hole ends the framing.
 */
static void
test_websocket(void)
{
	static const uint8_t key[4] = { 0x37, 0xfa, 0x21, 0x3d };
	struct tcpreasm	*t = new_reasm();
	struct rec	 r;
	const char	*up = "GET /ws HTTP/1.1\r\nHost: x\r\n"
			    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
			    "Sec-WebSocket-Protocol: sip\r\n\r\n";
	const char	*ok = "HTTP/1.1 101 Switching Protocols\r\n"
			    "Upgrade: websocket\r\nConnection: upgrade\r\n\r\n";
	char		 buf[2048];
	size_t		 n, m1 = strlen(M1), m2 = strlen(M2), m3 = strlen(M3);
	uint32_t	 a = ISN_A, b = ISN_B;

	memset(&r, 0, sizeof r);
	CHECK_INT(seg(t, &r, 1, a, up, strlen(up)), TCPREASM_FOLLOWED);
	a += (uint32_t)strlen(up);
	CHECK_INT(seg(t, &r, 0, b, ok, strlen(ok)), TCPREASM_FOLLOWED);
	b += (uint32_t)strlen(ok);
	n = ws_frame(buf, 1, 0, 1, M1, 40, key);
	n += ws_frame(buf + n, 1, 1, 9, "ping", 4, key);
	n += ws_frame(buf + n, 1, 0, 0, M1 + 40, 50, key);
	n += ws_frame(buf + n, 1, 1, 0, M1 + 90, m1 - 90, key);
	CHECK_INT(seg(t, &r, 1, a, buf, n), TCPREASM_FOLLOWED);
	a += (uint32_t)n;
	CHECK_INT(r.n, 1);
	CHECK_STR(r.msg[0], M1);
	CHECK(endpoint_equal(&r.src[0], &ep_a));
	/* Two from the server in one segment, the second cut in two. */
	n = ws_frame(buf, 0, 1, 1, M2, m2, key);
	n += ws_frame(buf + n, 0, 1, 2, M3, m3, key);
	CHECK_INT(seg(t, &r, 0, b, buf, n - 10), TCPREASM_FOLLOWED);
	CHECK_INT(r.n, 2);
	CHECK_INT(seg(t, &r, 0, b + (uint32_t)n - 10, buf + n - 10, 10),
	    TCPREASM_FOLLOWED);
	b += (uint32_t)n;
	CHECK_INT(r.n, 3);
	CHECK_STR(r.msg[1], M2);
	CHECK_STR(r.msg[2], M3);
	CHECK_INT(stats(t).sip_messages, 3);
	/* A hole in the client's bytes: its frames are lost from there. */
	n = ws_frame(buf, 1, 1, 1, M3, m3, key);
	CHECK_INT(seg_full(t, &r, 1, a + 5, 0, 0, buf, n, n, 0),
	    TCPREASM_FOLLOWED);
	CHECK_INT(seg_full(t, &r, 0, b, a + 5 + (uint32_t)n, TCPREASM_ACK,
	    "", 0, 0, 0), TCPREASM_FOLLOWED);
	CHECK_INT(r.n, 3);
	tcpreasm_free(t);

	/* A plain GET, and an upgrade to something else: not followed. */
	t = new_reasm();
	up = "GET / HTTP/1.1\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n";
	CHECK_INT(seg(t, &r, 1, ISN_A, up, strlen(up)), TCPREASM_IGNORED);
	CHECK_INT(stats(t).streams, 0);
	tcpreasm_free(t);
}

/* Frame headers that break RFC 6455 5.2 are refused. */
static void
test_wsframe_header(void)
{
	struct wsframe	f;

	CHECK_INT(wsframe_header((const uint8_t *)"\x81", 1, &f),
	    WSFRAME_NEED_MORE);
	CHECK_INT(wsframe_header((const uint8_t *)"\x81\x85\x01\x02\x03", 5,
	    &f), WSFRAME_NEED_MORE);
	CHECK_INT(wsframe_header((const uint8_t *)"\x81\x85\x01\x02\x03\x04", 6,
	    &f), WSFRAME_COMPLETE);
	CHECK_INT(f.payload_len, 5);
	CHECK_INT(f.header_len, 6);
	CHECK_INT(f.masked, 1);
	/* 16-bit length 100: not the minimal form. */
	CHECK_INT(wsframe_header((const uint8_t *)"\x81\x7e\x00\x64", 4, &f),
	    WSFRAME_BAD);
	CHECK_INT(wsframe_header((const uint8_t *)"\x82\x7e\x01\x00", 4, &f),
	    WSFRAME_COMPLETE);
	CHECK_INT(f.payload_len, 256);
	/* 64-bit length with its top bit set, and one that fits 16 bits. */
	CHECK_INT(wsframe_header((const uint8_t *)
	    "\x82\x7f\x80\x00\x00\x00\x00\x00\x00\x01", 10, &f), WSFRAME_BAD);
	CHECK_INT(wsframe_header((const uint8_t *)
	    "\x82\x7f\x00\x00\x00\x00\x00\x00\x01\x00", 10, &f), WSFRAME_BAD);
	/* A ping over 125 bytes, and a fragmented one. */
	CHECK_INT(wsframe_header((const uint8_t *)"\x89\x7e\x00\x80", 4, &f),
	    WSFRAME_BAD);
	CHECK_INT(wsframe_header((const uint8_t *)"\x09\x00", 2, &f),
	    WSFRAME_BAD);
	/* A compressed frame parses; its payload is the reassembler's to skip. */
	CHECK_INT(wsframe_header((const uint8_t *)"\xc1\x00", 2, &f),
	    WSFRAME_COMPLETE);
	CHECK_INT(f.rsv, 1);
}

static void
test_not_sip(void)
{
	struct tcpreasm	*t = new_reasm();
	struct rec	 r;
	const char	*http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	const char	*tls = "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03";
	const char	*fake = "OPTIONS sip:x SIP/2.0\r\n"
			    "this is no header\r\n\r\n";

	memset(&r, 0, sizeof r);
	CHECK_INT(seg(t, &r, 1, ISN_A, http, strlen(http)), TCPREASM_IGNORED);
	CHECK_INT(seg(t, &r, 1, ISN_A, tls, 11), TCPREASM_IGNORED);
	CHECK_INT(seg(t, &r, 1, ISN_A, "\r\n\r\n", 4), TCPREASM_IGNORED);
	CHECK_INT(seg(t, &r, 1, ISN_A, "", 0), TCPREASM_IGNORED);
	CHECK_INT(stats(t).streams, 0);
	/* Looks like SIP for a line, then is not: dropped at once. */
	CHECK_INT(seg(t, &r, 1, ISN_A, fake, strlen(fake)), TCPREASM_FOLLOWED);
	CHECK_INT(stats(t).streams, 1);
	CHECK_INT(stats(t).not_sip, 1);
	CHECK_INT(stats(t).streams_active, 0);
	CHECK_INT(stats(t).bytes_buffered, 0);
	/* Likewise when the line is only the start of a segment. */
	CHECK_INT(seg(t, &r, 1, ISN_A, "GET sip:", 8), TCPREASM_FOLLOWED);
	CHECK_INT(seg(t, &r, 1, ISN_A + 8, "x HTTP/1.1\r\n", 12),
	    TCPREASM_FOLLOWED);
	CHECK_INT(stats(t).not_sip, 2);
	CHECK_INT(stats(t).streams_active, 0);
	CHECK_INT(r.n, 0);
	tcpreasm_free(t);
}

/* Garbage inside a SIP stream: skipped up to the next start line. */
static void
test_resync(void)
{
	struct tcpreasm	*t = new_reasm();
	struct rec	 r;
	const char	*data = M3 "garbage\r\nmore garbage " M1 M2;

	memset(&r, 0, sizeof r);
	seg(t, &r, 1, ISN_A, data, strlen(data));
	/* M1 starts mid-line: lost with the garbage; M2 is found. */
	CHECK_INT(r.n, 2);
	CHECK_STR(r.msg[0], M3);
	CHECK_STR(r.msg[1], M2);
	CHECK(stats(t).bytes_dropped > strlen(M1));

	/* Garbage split so the next start line straddles segments. */
	tcpreasm_free(t);
	t = new_reasm();
	memset(&r, 0, sizeof r);
	data = M3 "junk junk\r\n" M1;
	seg(t, &r, 1, ISN_A, data, strlen(M3) + 14);
	seg(t, &r, 1, ISN_A + (uint32_t)strlen(M3) + 14, data + strlen(M3) +
	    14, strlen(data) - strlen(M3) - 14);
	CHECK_INT(r.n, 2);
	CHECK_STR(r.msg[1], M1);
	tcpreasm_free(t);
}

/* The capture lost a segment the peer acknowledged: skip the hole. */
static void
test_gap_ack(void)
{
	struct tcpreasm	*t = new_reasm();
	struct rec	 r;
	uint32_t	 l1 = (uint32_t)strlen(M1), l3 = (uint32_t)strlen(M3);

	memset(&r, 0, sizeof r);
	seg(t, &r, 1, ISN_A, M1, l1);
	seg(t, &r, 0, ISN_B, M2, strlen(M2));
	/* M1 again at ISN_A + l1 is lost; M3 after it is held. */
	seg_full(t, &r, 1, ISN_A + 2 * l1, 0, 0, M3, l3, l3, 10);
	CHECK_INT(r.n, 2);
	/* B acknowledges only up to the hole: keep waiting. */
	seg_full(t, &r, 0, ISN_B + (uint32_t)strlen(M2), ISN_A + l1,
	    TCPREASM_ACK, "", 0, 0, 11);
	CHECK_INT(r.n, 2);
	/* B acknowledges M3: the hole will never be filled. */
	seg_full(t, &r, 0, ISN_B + (uint32_t)strlen(M2), ISN_A + 2 * l1 + l3,
	    TCPREASM_ACK, "", 0, 0, 12);
	CHECK_INT(r.n, 3);
	CHECK_STR(r.msg[2], M3);
	CHECK(endpoint_equal(&r.src[2], &ep_a));
	CHECK_INT(r.ts_us[2], 10);
	CHECK_INT(stats(t).gaps, 1);
	tcpreasm_free(t);
}

/* No acknowledgement seen (one direction captured): wait, then skip. */
static void
test_gap_timeout(void)
{
	struct tcpreasm	*t = new_reasm();
	struct rec	 r;
	uint32_t	 l1 = (uint32_t)strlen(M1), l3 = (uint32_t)strlen(M3);

	memset(&r, 0, sizeof r);
	seg_full(t, &r, 1, ISN_A, 0, 0, M1, l1, l1, 0);
	/* Half of M1 lost: the tail of it, then M3, held. */
	seg_full(t, &r, 1, ISN_A + l1 + 50, 0, 0, M1 + 50, l1 - 50, l1 - 50,
	    1 * SEC);
	seg_full(t, &r, 1, ISN_A + 2 * l1, 0, 0, M3, l3, l3, 2 * SEC);
	seg_full(t, &r, 1, ISN_A + 2 * l1 + l3, 0, 0, M2, strlen(M2),
	    strlen(M2), 3 * SEC);
	CHECK_INT(r.n, 1);
	/* Within the timeout since the hole showed: still waiting. */
	seg_full(t, &r, 0, ISN_B, 0, 0, M3, l3, l3, 2 * SEC + 500000);
	CHECK_INT(r.n, 2);
	/* Any segment of the connection after the timeout skips the hole. */
	seg_full(t, &r, 0, ISN_B + l3, 0, 0, "\r\n\r\n", 4, 4, 4 * SEC);
	CHECK_INT(r.n, 4);
	CHECK_STR(r.msg[2], M3);
	CHECK_STR(r.msg[3], M2);
	CHECK_INT(stats(t).gaps, 1);
	/* The half message after the hole was thrown away with it. */
	CHECK(stats(t).bytes_dropped >= l1 - 50);
	tcpreasm_free(t);
}

static void
test_keepalive(void)
{
	struct tcpreasm	*t = new_reasm();
	struct rec	 r;
	const char	*data = "\r\n\r\n" M3 "\r\n\r\n\r\n" M1 "\r\n";

	memset(&r, 0, sizeof r);
	CHECK_INT(seg(t, &r, 1, ISN_A, data, strlen(data)), TCPREASM_FOLLOWED);
	CHECK_INT(seg(t, &r, 1, ISN_A + (uint32_t)strlen(data), "\r\n", 2),
	    TCPREASM_FOLLOWED);
	CHECK_INT(r.n, 2);
	CHECK_STR(r.msg[0], M3);
	CHECK_STR(r.msg[1], M1);
	CHECK_INT(stats(t).bytes_dropped, 0);
	tcpreasm_free(t);
}

/* The capture clipped a segment: what is whole before the cut counts. */
static void
test_clipped(void)
{
	struct tcpreasm	*t = new_reasm();
	struct rec	 r;
	const char	*data = M3 M1;
	uint32_t	 wire = (uint32_t)strlen(data);

	memset(&r, 0, sizeof r);
	seg_full(t, &r, 1, ISN_A, 0, 0, data, strlen(M3) + 40, wire, 0);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.msg[0], M3);
	/* The next segment starts with a message and is found. */
	seg(t, &r, 1, ISN_A + wire, M2, strlen(M2));
	CHECK_INT(r.n, 2);
	CHECK_STR(r.msg[1], M2);
	CHECK_INT(stats(t).gaps, 0);
	CHECK(stats(t).bytes_dropped >= wire - strlen(M3));
	tcpreasm_free(t);
}

static void
test_limits(void)
{
	struct tcpreasm_limits	 l;
	struct tcpreasm		*t;
	struct rec		 r;
	uint32_t		 l1 = (uint32_t)strlen(M1), i;

	/* Held segments over max_segments: the hole is given up on. */
	tcpreasm_limits_default(&l);
	l.max_segments = 3;
	t = tcpreasm_new(&l);
	memset(&r, 0, sizeof r);
	seg(t, &r, 1, ISN_A, M1, l1);
	for (i = 2; i < 6; i++)
		seg(t, &r, 1, ISN_A + i * l1, M1, l1);
	CHECK_INT(stats(t).gaps, 1);
	CHECK_INT(r.n, 5);
	tcpreasm_free(t);

	/* Held bytes over max_stream_bytes: likewise. */
	tcpreasm_limits_default(&l);
	l.max_stream_bytes = 2 * l1;
	t = tcpreasm_new(&l);
	memset(&r, 0, sizeof r);
	seg(t, &r, 1, ISN_A, M1, l1);
	for (i = 2; i < 5; i++)
		seg(t, &r, 1, ISN_A + i * l1, M1, l1);
	CHECK_INT(stats(t).gaps, 1);
	CHECK_INT(r.n, 4);
	tcpreasm_free(t);

	/* More connections than max_streams: the stalest goes. */
	tcpreasm_limits_default(&l);
	l.max_streams = 2;
	t = tcpreasm_new(&l);
	memset(&r, 0, sizeof r);
	for (i = 0; i < 3; i++) {
		ep_a.port = (uint16_t)(40000 + i);
		seg(t, &r, 1, ISN_A, M1, 20);
	}
	CHECK_INT(stats(t).streams_active, 2);
	CHECK_INT(stats(t).streams_evicted, 1);
	CHECK_INT(stats(t).bytes_dropped, 20);
	ep_a.port = 40000;
	CHECK_INT(seg(t, &r, 1, ISN_A + 20, M1 + 20, l1 - 20),
	    TCPREASM_IGNORED);
	ep_a.port = 40002;
	seg(t, &r, 1, ISN_A + 20, M1 + 20, l1 - 20);
	CHECK_INT(r.n, 1);
	ep_a.port = 40000;
	tcpreasm_free(t);

	/* Bytes over max_bytes in all: other connections are evicted. */
	tcpreasm_limits_default(&l);
	l.max_bytes = 64 * 1024;
	t = tcpreasm_new(&l);
	memset(&r, 0, sizeof r);
	for (i = 0; i < 200; i++) {
		ep_a.port = (uint16_t)(40000 + i);
		seg(t, &r, 1, ISN_A, M1, 100);
		CHECK(stats(t).bytes_buffered <= 64 * 1024);
	}
	CHECK(stats(t).streams_evicted > 0);
	ep_a.port = 40000;
	tcpreasm_free(t);

	/* A message longer than max_message. */
	tcpreasm_limits_default(&l);
	l.max_message = 1;	/* raised to the minimum, 16 KiB */
	t = tcpreasm_new(&l);
	memset(&r, 0, sizeof r);
	seg(t, &r, 1, ISN_A, M3, strlen(M3));
	{
		char	big[256];
		int	n = snprintf(big, sizeof big, "INVITE sip:x SIP/2.0\r\n"
		    "Content-Length: 16385\r\n\r\n");

		seg(t, &r, 1, ISN_A + (uint32_t)strlen(M3), big, (size_t)n);
		seg(t, &r, 1, ISN_A + (uint32_t)strlen(M3) + (uint32_t)n, M2,
		    strlen(M2));
	}
	CHECK_INT(r.n, 2);
	CHECK_STR(r.msg[1], M2);
	tcpreasm_free(t);
}

static void
test_idle_timeout(void)
{
	struct tcpreasm	*t = new_reasm();
	struct rec	 r;

	memset(&r, 0, sizeof r);
	seg_full(t, &r, 1, ISN_A, 0, 0, M1, 50, 50, 0);
	tcpreasm_expire(t, 300 * SEC);
	CHECK_INT(stats(t).streams_active, 1);
	tcpreasm_expire(t, 300 * SEC + 1);
	CHECK_INT(stats(t).streams_active, 0);
	CHECK_INT(stats(t).streams_timed_out, 1);
	CHECK_INT(stats(t).bytes_dropped, 50);
	CHECK_INT(stats(t).bytes_buffered, 0);
	seg(t, &r, 1, ISN_A, M1, 50);
	tcpreasm_expire(t, INT64_MAX);
	CHECK_INT(stats(t).streams_active, 0);
	tcpreasm_free(t);
}

/* Sequence numbers that wrap past 2^32 inside a message. */
static void
test_wraparound(void)
{
	struct tcpreasm	*t = new_reasm();
	struct rec	 r;
	uint32_t	 isn = 0xffffffffu - 20;

	memset(&r, 0, sizeof r);
	seg(t, &r, 1, isn, M1, 10);
	seg(t, &r, 1, isn + 40, M1 + 40, strlen(M1) - 40);
	seg(t, &r, 1, isn + 10, M1 + 10, 30);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.msg[0], M1);
	/* Far ahead (past any window): not this stream's. */
	seg(t, &r, 1, isn + (uint32_t)strlen(M1) + (1u << 31) - 10, M3,
	    strlen(M3));
	seg(t, &r, 1, isn + (uint32_t)strlen(M1), M3, strlen(M3));
	CHECK_INT(r.n, 2);
	tcpreasm_free(t);
}

/* One byte per segment: linear work, same messages. */
static void
test_bytewise(void)
{
	struct tcpreasm	*t = new_reasm();
	struct rec	*r = malloc(sizeof *r);
	const char	*data = M1 M2 M3;
	size_t		 i, round;

	memset(r, 0, sizeof *r);
	for (round = 0; round < 20; round++) {
		for (i = 0; i < strlen(data); i++)
			seg(t, r, 1, ISN_A + (uint32_t)(round * strlen(data) +
			    i), data + i, 1);
	}
	CHECK_INT(r->n, 60);
	CHECK_STR(r->msg[59], M3);
	CHECK_INT(stats(t).bytes_dropped, 0);
	tcpreasm_free(t);
	free(r);
}

/*
 * Random cuts, local reordering and duplicates, both directions at
 * once: every message once, in order, nothing dropped.
 */
static void
test_random(void)
{
	static const char	*msgs[] = { M1, M2, M3 };
	struct rec		*r = malloc(sizeof *r);
	char			*stream[2];
	size_t			 len[2], cuts[2][200], n_cuts[2], i, k;
	uint32_t		 isn;
	int			 round, d, want;

	srand(4242);
	for (round = 0; round < 100; round++) {
		struct tcpreasm	*t = new_reasm();

		memset(r, 0, sizeof *r);
		want = 0;
		for (d = 0; d < 2; d++) {
			stream[d] = malloc(8192);
			len[d] = 0;
			for (i = 0; i < 12; i++) {
				const char	*m = msgs[(size_t)rand() % 3];

				memcpy(stream[d] + len[d], m, strlen(m));
				len[d] += strlen(m);
				want++;
			}
			/* Cut points; the first piece is a whole start line. */
			n_cuts[d] = 0;
			cuts[d][n_cuts[d]++] = 0;
			i = 40;
			while (i < len[d]) {
				cuts[d][n_cuts[d]++] = i;
				i += 1 + (size_t)rand() % 120;
			}
			cuts[d][n_cuts[d]] = len[d];
			/* Swap neighbours now and then (never the first). */
			for (k = 1; k + 1 < n_cuts[d]; k++) {
				if (rand() % 3 == 0) {
					size_t	tmp = cuts[d][k];

					cuts[d][k] = cuts[d][k + 1];
					cuts[d][k + 1] = tmp;
				}
			}
		}
		/* Piece k of a stream is [cut k, next larger cut). */
		for (k = 0; k < 200; k++) {
			for (d = 0; d < 2; d++) {
				size_t	from, to = len[d], j;

				if (k >= n_cuts[d])
					continue;
				from = cuts[d][k];
				for (j = 0; j <= n_cuts[d]; j++) {
					if (cuts[d][j] > from &&
					    cuts[d][j] < to)
						to = cuts[d][j];
				}
				isn = d ? ISN_A : ISN_B;
				seg(t, r, d, isn + (uint32_t)from,
				    stream[d] + from, to - from);
				if (rand() % 5 == 0)
					seg(t, r, d, isn + (uint32_t)from,
					    stream[d] + from, to - from);
			}
		}
		CHECK_INT(r->n, want);
		CHECK_INT(stats(t).bytes_dropped, 0);
		CHECK_INT(stats(t).gaps, 0);
		for (d = 0; d < 2; d++) {
			size_t	off = 0;
			int	m;

			for (m = 0; m < r->n; m++) {
				if (!endpoint_equal(&r->src[m], d ? &ep_a :
				    &ep_b))
					continue;
				CHECK(off + r->len[m] <= len[d] &&
				    memcmp(stream[d] + off, r->msg[m],
				    r->len[m]) == 0);
				off += r->len[m];
			}
			CHECK_INT(off, len[d]);
			free(stream[d]);
		}
		tcpreasm_free(t);
	}
	free(r);
}

int
main(void)
{
	endpoints();
	RUN(test_several_per_segment);
	RUN(test_split_three);
	RUN(test_every_split);
	RUN(test_out_of_order);
	RUN(test_retransmission);
	RUN(test_overlapping_held);
	RUN(test_fin);
	RUN(test_rst_syn);
	RUN(test_not_sip);
	RUN(test_websocket);
	RUN(test_wsframe_header);
	RUN(test_resync);
	RUN(test_gap_ack);
	RUN(test_gap_timeout);
	RUN(test_keepalive);
	RUN(test_clipped);
	RUN(test_limits);
	RUN(test_idle_timeout);
	RUN(test_wraparound);
	RUN(test_bytewise);
	RUN(test_random);
	return unit_done("tcpreasm");
}
