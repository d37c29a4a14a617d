/*
 * Unit tests for HEP out's parts (probe/output/hep-out-*.c): the tap takes
 * SIP and RTCP and nothing else, and counts what a full ring refuses; the
 * media table finds a call by RTP + 1, a=rtcp and rtcp-mux, forgets it at
 * BYE, when idle and past its bound; the RTCP JSON says what the bytes
 * say; the quality JSON survives hostile text; URLs are checked; the send
 * queue is bounded and UDP delivers datagrams whole.
 */
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "probe/output/hep-out-json.h"
#include "probe/output/hep-out-media.h"
#include "probe/output/hep-out-send.h"
#include "probe/output/hep-out-tap.h"
#include "tests/unit.h"

#define SEC	1000000LL

static struct vq_endpoint
ep4(uint8_t last, uint16_t port)
{
	struct vq_endpoint e;

	memset(&e, 0, sizeof(e));
	e.addr.family = 4;
	e.addr.bytes[0] = 10;
	e.addr.bytes[3] = last;
	e.port = port;
	return e;
}

static void
test_tap_kinds(void)
{
	static const uint8_t rtp[12] = { 0x80, 0x00, 0x00, 0x01 };
	static const uint8_t rtp_marker[12] = { 0x80, 0x80 | 8 };
	static const uint8_t rtcp_rr[8] = { 0x80, 201, 0x00, 0x01 };
	static const char sip[] = "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n";
	static const char http[] = "GET / HTTP/1.1\r\n\r\n";
	struct hep_tap *t = hep_tap_new(4096, 4096);
	struct hep_tap_stats st;
	const struct hep_tap_packet *pkt;
	enum hep_tap_kind kind;
	struct pkt_meta m;

	memset(&m, 0, sizeof(m));
	m.ip_proto = 17;
	m.src = ep4(1, 40001);
	m.dst = ep4(2, 50001);
	m.ts_us = 42;
	m.payload = rtp;
	m.payload_len = sizeof(rtp);
	hep_tap_payload(t, &m);
	m.payload = rtp_marker;
	hep_tap_payload(t, &m);
	m.payload = (const uint8_t *)http;
	m.payload_len = sizeof(http) - 1;
	hep_tap_payload(t, &m);
	CHECK(hep_tap_empty(t));
	m.payload = rtcp_rr;
	m.payload_len = sizeof(rtcp_rr);
	m.payload_wirelen = sizeof(rtcp_rr);
	hep_tap_payload(t, &m);
	m.payload = (const uint8_t *)sip;
	m.payload_len = sizeof(sip) - 1;
	hep_tap_payload(t, &m);
	/* Out of TCP reassembly: SIP, whatever it starts with. */
	m.ip_proto = 6;
	m.payload = (const uint8_t *)"x";
	m.payload_len = 1;
	hep_tap_payload(t, &m);

	pkt = hep_tap_next(t, &kind);
	CHECK(pkt != NULL);
	CHECK_INT(kind, HEP_TAP_RTCP);
	CHECK_INT(pkt->len, sizeof(rtcp_rr));
	CHECK_INT(pkt->ts_us, 42);
	CHECK_INT(pkt->src.port, 40001);
	CHECK(memcmp(pkt + 1, rtcp_rr, sizeof(rtcp_rr)) == 0);
	hep_tap_release(t);
	pkt = hep_tap_next(t, &kind);
	CHECK_INT(kind, HEP_TAP_SIP);
	CHECK_MEM((const char *)(pkt + 1), pkt->len, sip);
	hep_tap_release(t);
	pkt = hep_tap_next(t, &kind);
	CHECK_INT(kind, HEP_TAP_SIP);
	CHECK_INT(pkt->ip_proto, 6);
	hep_tap_release(t);
	CHECK(hep_tap_next(t, &kind) == NULL);

	/* A full ring drops and counts, never waits. */
	m.ip_proto = 17;
	m.payload = (const uint8_t *)sip;
	m.payload_len = sizeof(sip) - 1;
	for (int i = 0; i < 100; i++)
		hep_tap_payload(t, &m);
	hep_tap_stats(t, &st);
	CHECK(st.dropped_capture > 0);
	CHECK(st.dropped_capture < 100);
	hep_tap_free(t);
}

#define SDP_A "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\n" \
	"t=0 0\r\nm=audio 40000 RTP/AVP 0\r\n"
#define SDP_B "v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\n" \
	"t=0 0\r\nm=audio 50000 RTP/AVP 0\r\na=rtcp:50011\r\n"
#define SDP_C "v=0\r\no=- 1 1 IN IP4 10.0.0.3\r\ns=-\r\nc=IN IP4 10.0.0.3\r\n" \
	"t=0 0\r\nm=audio 60000 RTP/AVP 0\r\na=rtcp-mux\r\n"

static const char *
call_of(struct hep_media *m, struct vq_endpoint src, struct vq_endpoint dst,
    int64_t t, size_t *len)
{
	return hep_media_call_of(m, &src, &dst, t, len);
}

static void
test_media(void)
{
	struct hep_media *m = hep_media_new(8, 60 * SEC);
	const char *id;
	size_t len = 0;

	hep_media_learn_sdp(m, SDP_A, strlen(SDP_A), "call-a", 6, 0);
	hep_media_learn_sdp(m, SDP_B, strlen(SDP_B), "call-b", 6, 0);
	hep_media_learn_sdp(m, SDP_C, strlen(SDP_C), "call-c", 6, 0);
	/* RTP + 1, from either end. */
	id = call_of(m, ep4(1, 40001), ep4(9, 7001), SEC, &len);
	CHECK_MEM(id, len, "call-a");
	id = call_of(m, ep4(9, 7001), ep4(1, 40001), SEC, &len);
	CHECK_MEM(id, len, "call-a");
	/* a=rtcp names another port. */
	id = call_of(m, ep4(2, 50011), ep4(9, 7001), SEC, &len);
	CHECK_MEM(id, len, "call-b");
	/* rtcp-mux: the RTP port itself. */
	id = call_of(m, ep4(9, 7000), ep4(3, 60000), SEC, &len);
	CHECK_MEM(id, len, "call-c");
	/* Nobody's. */
	CHECK(call_of(m, ep4(9, 7001), ep4(8, 7003), SEC, &len) == NULL);
	CHECK(call_of(m, ep4(1, 40003), ep4(8, 7003), SEC, &len) == NULL);
	/* A re-offer moves the endpoint to another call. */
	hep_media_learn_sdp(m, SDP_A, strlen(SDP_A), "call-z", 6, SEC);
	id = call_of(m, ep4(1, 40001), ep4(9, 7001), SEC, &len);
	CHECK_MEM(id, len, "call-z");
	/* BYE: the last RTCP, within the grace, is still the call's. */
	hep_media_forget_call(m, "call-b", 6, SEC);
	id = call_of(m, ep4(2, 50011), ep4(9, 7001), 3 * SEC, &len);
	CHECK_MEM(id, len, "call-b");
	CHECK(call_of(m, ep4(2, 50011), ep4(9, 7001), 7 * SEC, &len) == NULL);
	hep_media_sweep(m, 7 * SEC);
	CHECK(call_of(m, ep4(2, 50001), ep4(9, 7001), 7 * SEC, &len) == NULL);
	/* Idle: call-c unused since 1 s, call-z used at 30 s. */
	id = call_of(m, ep4(1, 40001), ep4(9, 7001), 30 * SEC, &len);
	CHECK_MEM(id, len, "call-z");
	hep_media_sweep(m, 62 * SEC);
	CHECK(call_of(m, ep4(3, 60000), ep4(9, 7001), 62 * SEC, &len) == NULL);
	id = call_of(m, ep4(1, 40001), ep4(9, 7001), 62 * SEC, &len);
	CHECK_MEM(id, len, "call-z");
	CHECK_INT(hep_media_evicted(m), 0);
	hep_media_free(m);

	/*
	 * The bound: the least recently used goes, counted (call-b takes
	 * two, its RTP and its a=rtcp port).
	 */
	m = hep_media_new(2, 60 * SEC);
	hep_media_learn_sdp(m, SDP_A, strlen(SDP_A), "call-a", 6, 0);
	hep_media_learn_sdp(m, SDP_B, strlen(SDP_B), "call-b", 6, 0);
	CHECK_INT(hep_media_count(m), 2);
	CHECK_INT(hep_media_evicted(m), 1);
	CHECK(call_of(m, ep4(1, 40001), ep4(9, 7001), 0, &len) == NULL);
	id = call_of(m, ep4(2, 50011), ep4(9, 7001), 0, &len);
	CHECK_MEM(id, len, "call-b");
	hep_media_free(m);
}

/* The integer at key (a dotted path of objects and [0]), or -1. */
static long long
jint(struct json_object *o, const char *k1, const char *k2)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k1, &v))
		return -1;
	if (k2 != NULL) {
		if (json_object_is_type(v, json_type_array))
			v = json_object_array_get_idx(v, 0);
		if (v == NULL || !json_object_object_get_ex(v, k2, &v))
			return -1;
	}
	return (long long)json_object_get_int64(v);
}

static void
test_json_rtcp(void)
{
	/* SR from 0x11223344 with one block on 0x55667788, then SDES. */
	static const uint8_t sr[] = {
		0x81, 200, 0x00, 0x0c, 0x11, 0x22, 0x33, 0x44,
		0xe8, 0xfd, 0x54, 0x80, 0x80, 0x00, 0x00, 0x00,	/* NTP, .5 s */
		0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x64,
		0x00, 0x00, 0x3e, 0x80,
		0x55, 0x66, 0x77, 0x88, 0x19, 0xff, 0xff, 0xfe,	/* 25/256, -2 */
		0x00, 0x01, 0x00, 0x10, 0x00, 0x00, 0x00, 0x2a,
		0xaa, 0xbb, 0xcc, 0xdd, 0x00, 0x01, 0x00, 0x00,
		0x81, 202, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44,
		0x00, 0x00, 0x00, 0x00,
	};
	struct json_object *o;
	char *text;

	text = hep_json_rtcp(sr, sizeof(sr), sizeof(sr));
	CHECK(text != NULL);
	if (text == NULL)
		return;
	o = json_tokener_parse(text);
	CHECK(o != NULL);
	CHECK_INT(jint(o, "ssrc", NULL), 0x11223344);
	CHECK_INT(jint(o, "type", NULL), 200);
	CHECK_INT(jint(o, "report_count", NULL), 1);
	CHECK_INT(jint(o, "sdes_ssrc", NULL), 0x11223344);
	CHECK_INT(jint(o, "sender_information", "ntp_timestamp_sec"),
	    0xe8fd5480);
	CHECK_INT(jint(o, "sender_information", "ntp_timestamp_usec"), 500000);
	CHECK_INT(jint(o, "sender_information", "packets"), 100);
	CHECK_INT(jint(o, "sender_information", "octets"), 16000);
	CHECK_INT(jint(o, "report_blocks", "source_ssrc"), 0x55667788);
	CHECK_INT(jint(o, "report_blocks", "fraction_lost"), 25);
	CHECK_INT(jint(o, "report_blocks", "packets_lost"), -2);
	CHECK_INT(jint(o, "report_blocks", "highest_seq_no"), 0x10010);
	CHECK_INT(jint(o, "report_blocks", "ia_jitter"), 42);
	CHECK_INT(jint(o, "report_blocks", "lsr"), 0xaabbccdd);
	CHECK_INT(jint(o, "report_blocks", "dlsr"), 0x10000);
	json_object_put(o);
	free(text);

	/* Not RTCP (version 1), or its length past the datagram: no body. */
	{
		uint8_t bad[sizeof(sr)];

		memcpy(bad, sr, sizeof(sr));
		bad[0] = 0x41;
		CHECK(hep_json_rtcp(bad, sizeof(bad), sizeof(bad)) == NULL);
		memcpy(bad, sr, sizeof(sr));
		bad[3] = 0x40;
		CHECK(hep_json_rtcp(bad, sizeof(bad), sizeof(bad)) == NULL);
	}
}

static void
test_json_quality(void)
{
	static const char evil[] = "a\"},\"MOS\":5,\"x\":\"\\\x01\x1b\x7f";
	struct snap_stream_interval si;
	struct json_object *o, *v;
	char *text;

	memset(&si, 0, sizeof(si));
	memcpy(si.call_id, evil, sizeof(evil));
	si.direction = "caller";
	strcpy(si.codec, "PCMA\"");
	strcpy(si.src, "10.0.0.1:40000");
	strcpy(si.dst, "[2001:db8::1]:50000");
	si.ssrc = 0xdeadbeef;
	si.packets = 480;
	si.expected = 500;
	si.lost = 20;
	si.jitter_ms = NAN;
	si.max_jitter_ms = 3.5;
	si.have_mos = 1;
	si.mos = 3.25;
	si.r_factor = 62.5;
	si.ended = 1;
	text = hep_json_quality(&si);
	CHECK(text != NULL);
	o = text != NULL ? json_tokener_parse(text) : NULL;
	CHECK(o != NULL);
	if (o == NULL) {
		free(text);
		return;
	}
	CHECK(json_object_object_get_ex(o, "call_id", &v));
	CHECK_STR(json_object_get_string(v), evil);
	CHECK(json_object_object_get_ex(o, "codec", &v));
	CHECK_STR(json_object_get_string(v), "PCMA\"");
	CHECK(json_object_object_get_ex(o, "MOS", &v));
	CHECK_NEAR(json_object_get_double(v), 3.25, 0);
	CHECK_INT(jint(o, "PACKET_LOSS", NULL), 20);
	CHECK_INT(jint(o, "lost", NULL), 20);
	CHECK_INT(jint(o, "expected", NULL), 500);
	CHECK(json_object_object_get_ex(o, "loss_pct", &v));
	CHECK_NEAR(json_object_get_double(v), 4.0, 1e-12);
	CHECK(json_object_object_get_ex(o, "ssrc", &v));
	CHECK_STR(json_object_get_string(v), "0xdeadbeef");
	/* No NaN in JSON: the figure is left out. */
	CHECK(!json_object_object_get_ex(o, "JITTER", &v));
	CHECK(!json_object_object_get_ex(o, "jitter_ms", &v));
	CHECK(json_object_object_get_ex(o, "ended", &v));
	CHECK(json_object_get_boolean(v));
	json_object_put(o);
	free(text);
}

static void
test_target(void)
{
	struct hep_target t;
	char *cause = NULL;

	CHECK_INT(hep_target_parse("udp:127.0.0.1:9060", &t, &cause), 0);
	CHECK_INT(t.transport, HEP_UDP);
	CHECK_INT(t.addr.ss_family, AF_INET);
	CHECK_INT(ntohs(((struct sockaddr_in *)&t.addr)->sin_port), 9060);
	CHECK_INT(hep_target_parse("tcp:[::1]:9061", &t, &cause), 0);
	CHECK_INT(t.transport, HEP_TCP);
	CHECK_INT(t.addr.ss_family, AF_INET6);
	static const char *const bad[] = { "sctp:127.0.0.1:9060",
	    "udp:127.0.0.1", "udp:127.0.0.1:", "udp:127.0.0.1:0",
	    "udp:127.0.0.1:65536", "udp:127.0.0.1:90x", "tcp::9060",
	    "tcp:[::1:9060", "udp:host.invalid:9060" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cause = NULL;
		if (hep_target_parse(bad[i], &t, &cause) == 0)
			UNIT_FAIL("%s accepted", bad[i]);
		CHECK(cause != NULL && strchr(cause, '\n') == NULL);
		free(cause);
	}
}

static void
test_sender_udp(void)
{
	struct hep_sender_config cfg;
	struct hep_sender_stats st;
	struct hep_sender *s;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	uint8_t pkt[60], got[128];
	char url[64];
	char *cause = NULL;
	int fd, i;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK_INT(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	getsockname(fd, (struct sockaddr *)&sin, &len);
	snprintf(url, sizeof(url), "udp:127.0.0.1:%u", ntohs(sin.sin_port));
	memset(&cfg, 0, sizeof(cfg));
	CHECK_INT(hep_target_parse(url, &cfg.target, &cause), 0);
	cfg.queue_max_bytes = 100;
	cfg.retry_min_ms = 10;
	cfg.retry_max_ms = 100;
	s = hep_sender_new(&cfg);
	for (i = 0; i < (int)sizeof(pkt); i++)
		pkt[i] = (uint8_t)i;
	CHECK_INT(hep_sender_queue(s, pkt, sizeof(pkt)), 0);
	/* 120 bytes would pass the bound of 100. */
	CHECK_INT(hep_sender_queue(s, pkt, sizeof(pkt)), -1);
	CHECK_INT(hep_sender_queue(s, pkt, 40), 0);
	CHECK(!hep_sender_idle(s));
	for (i = 0; i < 50 && !hep_sender_idle(s); i++)
		hep_sender_poll(s, 10);
	CHECK(hep_sender_idle(s));
	hep_sender_stats(s, &st);
	CHECK_INT(st.packets_sent, 2);
	CHECK_INT(st.bytes_sent, 100);
	CHECK_INT(st.dropped_queue_full, 1);
	CHECK_INT(st.queue_bytes, 0);
	CHECK_INT(recv(fd, got, sizeof(got), MSG_DONTWAIT), 60);
	CHECK(memcmp(got, pkt, 60) == 0);
	CHECK_INT(recv(fd, got, sizeof(got), MSG_DONTWAIT), 40);
	hep_sender_free(s);
	close(fd);
}

/* TCP to a port nobody listens on: refused, counted, retried later. */
static void
test_sender_tcp_refused(void)
{
	struct hep_sender_config cfg;
	struct hep_sender_stats st;
	struct hep_sender *s;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	uint8_t pkt[10] = { 0 };
	char url[64];
	char *cause = NULL;
	int fd, i;

	/* A port bound but not listening: connections to it are refused. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(fd, (struct sockaddr *)&sin, &len);
	snprintf(url, sizeof(url), "tcp:127.0.0.1:%u", ntohs(sin.sin_port));
	memset(&cfg, 0, sizeof(cfg));
	CHECK_INT(hep_target_parse(url, &cfg.target, &cause), 0);
	cfg.queue_max_bytes = 1000;
	cfg.retry_min_ms = 20;
	cfg.retry_max_ms = 40;
	s = hep_sender_new(&cfg);
	hep_sender_queue(s, pkt, sizeof(pkt));
	for (i = 0; i < 30; i++)
		hep_sender_poll(s, 10);
	hep_sender_stats(s, &st);
	CHECK(st.connect_failures >= 2);
	CHECK_INT(st.connects, 0);
	CHECK_INT(st.packets_sent, 0);
	CHECK_INT(st.queue_packets, 1);
	CHECK(!hep_sender_idle(s));
	hep_sender_free(s);
	close(fd);
}

int
main(void)
{
	RUN(test_tap_kinds);
	RUN(test_media);
	RUN(test_json_rtcp);
	RUN(test_json_quality);
	RUN(test_target);
	RUN(test_sender_udp);
	RUN(test_sender_tcp_refused);
	return unit_done("test-hep-out");
}
