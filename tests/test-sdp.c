/*
 * Unit tests for dissectors/sdp.c.
 */

#include <stdlib.h>

#include "dissectors/sdp.h"
#include "tests/unit.h"

/* Parse a copy of exactly the text on the heap: no NUL, ASan watching. */
static enum dissect_result
parse_exact(const char *text, size_t len, struct sdp_session *s)
{
	enum dissect_result	 r;
	char			*copy;

	copy = malloc(len != 0 ? len : 1);
	memcpy(copy, text, len);
	r = sdp_parse(copy, len, s);
	free(copy);
	return r;
}

static enum dissect_result
parse(const char *text, struct sdp_session *s)
{
	return parse_exact(text, strlen(text), s);
}

static void
endpoint_text(const struct vq_endpoint *e, char *buf, size_t size)
{
	addr_format_endpoint(e, buf, size);
}

static const char offer[] =
	"v=0\r\n"
	"o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.10\r\n"
	"t=0 0\r\n"
	"m=audio 49170 RTP/AVP 0 8 18 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-15\r\n"
	"a=ptime:20\r\n"
	"a=sendrecv\r\n";

static const char answer[] =
	"v=0\r\n"
	"o=bob 2808844564 2808844564 IN IP4 198.51.100.20\r\n"
	"s=-\r\n"
	"c=IN IP4 198.51.100.20\r\n"
	"t=0 0\r\n"
	"m=audio 31000 RTP/AVP 8 101\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n";

/* Encoding names as the IANA registry spells them; others as written. */
static void
test_encoding_names(void)
{
	static const char text[] =
	    "v=0\r\n"
	    "o=- 1 1 IN IP4 192.0.2.1\r\n"
	    "s=-\r\n"
	    "c=IN IP4 192.0.2.1\r\n"
	    "t=0 0\r\n"
	    "m=audio 4000 RTP/AVP 8 97 98 99 100\r\n"
	    "a=rtpmap:8 pcma/8000\r\n"
	    "a=rtpmap:97 ILBC/8000\r\n"
	    "a=rtpmap:98 aal2-g726-32/8000\r\n"
	    "a=rtpmap:99 X-Vendor-Codec/8000\r\n"
	    "a=rtpmap:100 Telephone-Event/8000\r\n";
	struct sdp_session	 s;
	const char		*enc;
	uint32_t		 rate;

	CHECK_INT(parse(text, &s), DISSECT_OK);
	CHECK_INT(sdp_media_codec(&s.media[0], 8, &enc, &rate), 0);
	CHECK_STR(enc, "PCMA");
	CHECK_INT(sdp_media_codec(&s.media[0], 97, &enc, &rate), 0);
	CHECK_STR(enc, "iLBC");
	CHECK_INT(sdp_media_codec(&s.media[0], 98, &enc, &rate), 0);
	CHECK_STR(enc, "AAL2-G726-32");
	CHECK_INT(sdp_media_codec(&s.media[0], 99, &enc, &rate), 0);
	CHECK_STR(enc, "X-Vendor-Codec");
	CHECK_INT(sdp_media_codec(&s.media[0], 100, &enc, &rate), 0);
	CHECK_STR(enc, "telephone-event");
}

static void
test_offer_answer(void)
{
	struct sdp_session	 s;
	const struct sdp_media	*m;
	const char		*enc;
	uint32_t		 rate;
	char			 buf[ADDR_ENDPOINT_STRLEN];

	CHECK_INT(parse(offer, &s), DISSECT_OK);
	CHECK_INT(s.n_media, 1);
	m = &s.media[0];
	CHECK_STR(m->kind, "audio");
	endpoint_text(&m->rtp, buf, sizeof buf);
	CHECK_STR(buf, "192.0.2.10:49170");
	CHECK_INT(m->n_formats, 4);
	CHECK_INT(m->formats[0], 0);
	CHECK_INT(m->formats[1], 8);
	CHECK_INT(m->formats[2], 18);
	CHECK_INT(m->formats[3], 101);
	CHECK_INT(m->n_rtpmaps, 2);
	CHECK_INT(m->rtcp_port, 49171);
	CHECK_INT(m->rtcp_mux, 0);
	CHECK_INT(m->inactive, 0);

	CHECK_INT(sdp_media_codec(m, 101, &enc, &rate), 0);
	CHECK_STR(enc, "telephone-event");
	CHECK_INT(rate, 8000);
	/* 18 has no rtpmap: the static table answers. */
	CHECK_INT(sdp_media_codec(m, 18, &enc, &rate), 0);
	CHECK_STR(enc, "G729");
	CHECK_INT(rate, 8000);
	CHECK_INT(sdp_media_codec(m, 96, &enc, &rate), -1);

	CHECK_INT(parse(answer, &s), DISSECT_OK);
	CHECK_INT(s.n_media, 1);
	m = &s.media[0];
	endpoint_text(&m->rtp, buf, sizeof buf);
	CHECK_STR(buf, "198.51.100.20:31000");
	CHECK_INT(m->n_formats, 2);
	CHECK_INT(m->formats[0], 8);
	CHECK_INT(sdp_media_codec(m, m->formats[0], &enc, &rate), 0);
	CHECK_STR(enc, "PCMA");
}

static void
test_ipv6(void)
{
	struct sdp_session	s;
	char			buf[ADDR_ENDPOINT_STRLEN];

	CHECK_INT(parse("v=0\r\n"
	    "o=- 1 1 IN IP6 2001:db8::10\r\n"
	    "s=-\r\n"
	    "c=IN IP6 2001:db8::10\r\n"
	    "t=0 0\r\n"
	    "m=audio 20000 RTP/AVP 0\r\n", &s), DISSECT_OK);
	CHECK_INT(s.media[0].rtp.addr.family, 6);
	endpoint_text(&s.media[0].rtp, buf, sizeof buf);
	CHECK_STR(buf, "[2001:db8::10]:20000");

	/* The address type must match the address. */
	CHECK_INT(parse("v=0\r\n"
	    "c=IN IP4 2001:db8::10\r\n"
	    "m=audio 20000 RTP/AVP 0\r\n", &s), DISSECT_OK);
	CHECK_INT(s.media[0].rtp.addr.family, 0);
}

/* Media-level c= wins over the session's; the session's fills the rest. */
static void
test_media_connection(void)
{
	struct sdp_session	s;
	char			buf[ADDR_ENDPOINT_STRLEN];

	CHECK_INT(parse("v=0\n"
	    "o=- 1 1 IN IP4 192.0.2.1\n"
	    "s=-\n"
	    "c=IN IP4 192.0.2.1\n"
	    "t=0 0\n"
	    "m=audio 5004 RTP/AVP 0\n"
	    "c=IN IP4 203.0.113.9/127\n"
	    "m=video 5006 RTP/AVP 31\n"
	    "m=audio 5008 RTP/AVP 8\n"
	    "c=IN IP6 2001:db8::9\n", &s), DISSECT_OK);
	CHECK_INT(s.n_media, 3);
	endpoint_text(&s.media[0].rtp, buf, sizeof buf);
	CHECK_STR(buf, "203.0.113.9:5004");
	endpoint_text(&s.media[1].rtp, buf, sizeof buf);
	CHECK_STR(buf, "192.0.2.1:5006");
	CHECK_STR(s.media[1].kind, "video");
	endpoint_text(&s.media[2].rtp, buf, sizeof buf);
	CHECK_STR(buf, "[2001:db8::9]:5008");

	/* No session c= at all: each media has its own. */
	CHECK_INT(parse("v=0\r\n"
	    "m=audio 5004 RTP/AVP 0\r\n"
	    "c=IN IP4 192.0.2.5\r\n", &s), DISSECT_OK);
	endpoint_text(&s.media[0].rtp, buf, sizeof buf);
	CHECK_STR(buf, "192.0.2.5:5004");
}

static void
test_opus(void)
{
	struct sdp_session	 s;
	const struct sdp_media	*m;
	const char		*enc;
	uint32_t		 rate;

	CHECK_INT(parse("v=0\r\n"
	    "o=- 1 1 IN IP4 192.0.2.1\r\n"
	    "s=-\r\n"
	    "c=IN IP4 192.0.2.1\r\n"
	    "t=0 0\r\n"
	    "m=audio 40000 UDP/TLS/RTP/SAVPF 111 9 0 8 110\r\n"
	    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
	    "a=rtcp-mux\r\n"
	    "a=rtpmap:111 opus/48000/2\r\n"
	    "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
	    "a=rtpmap:9 G722/8000\r\n"
	    "a=rtpmap:110 telephone-event/48000\r\n", &s), DISSECT_OK);
	m = &s.media[0];
	CHECK_INT(m->n_formats, 5);
	CHECK_INT(m->formats[0], 111);
	CHECK_INT(m->rtcp_mux, 1);
	CHECK_INT(m->rtcp_port, 9);
	CHECK_INT(sdp_media_codec(m, 111, &enc, &rate), 0);
	CHECK_STR(enc, "opus");
	CHECK_INT(rate, 48000);
	CHECK_INT(sdp_media_codec(m, 9, &enc, &rate), 0);
	CHECK_STR(enc, "G722");
	CHECK_INT(rate, 8000);
	CHECK_INT(sdp_media_codec(m, 110, NULL, &rate), 0);
	CHECK_INT(rate, 48000);
	CHECK_INT(sdp_media_codec(m, 0, &enc, NULL), 0);
	CHECK_STR(enc, "PCMU");
}

/* What sdp_media_endpoints says each media section announces. */
static void
test_endpoints(void)
{
	struct sdp_session	s;
	struct sdp_endpoints	ep;
	char			buf[64];

	CHECK_INT(parse("v=0\r\n"
	    "o=- 1 1 IN IP4 192.0.2.1\r\n"
	    "s=-\r\n"
	    "c=IN IP4 192.0.2.1\r\n"
	    "t=0 0\r\n"
	    "m=audio 40000 RTP/AVP 0\r\n"
	    "m=audio 40010 RTP/AVP 0\r\n"
	    "a=rtcp:40101\r\n"
	    "m=audio 40020 RTP/AVP 0\r\n"
	    "a=rtcp:50203 IN IP4 198.51.100.7\r\n"
	    "m=audio 40030 RTP/AVP 0\r\n"
	    "a=rtcp:40031\r\n"
	    "a=rtcp-mux\r\n"
	    "m=audio 0 RTP/AVP 0\r\n"
	    "m=image 40040 udptl t38\r\n"
	    "m=audio 65535 RTP/AVP 0\r\n", &s), DISSECT_OK);
	CHECK_INT(s.n_media, 7);

	/* No a=rtcp: the RTP port + 1, at the RTP address. */
	CHECK_INT(sdp_media_endpoints(&s.media[0], &ep), 0);
	addr_format_endpoint(&ep.rtp, buf, sizeof buf);
	CHECK_STR(buf, "192.0.2.1:40000");
	addr_format_endpoint(&ep.rtcp, buf, sizeof buf);
	CHECK_STR(buf, "192.0.2.1:40001");
	CHECK_INT(ep.rtcp_mux, 0);

	/* a=rtcp with a port only: that port, at the RTP address. */
	CHECK_INT(sdp_media_endpoints(&s.media[1], &ep), 0);
	addr_format_endpoint(&ep.rtcp, buf, sizeof buf);
	CHECK_STR(buf, "192.0.2.1:40101");

	/* a=rtcp with an address: both as given. */
	CHECK_INT(sdp_media_endpoints(&s.media[2], &ep), 0);
	addr_format_endpoint(&ep.rtp, buf, sizeof buf);
	CHECK_STR(buf, "192.0.2.1:40020");
	addr_format_endpoint(&ep.rtcp, buf, sizeof buf);
	CHECK_STR(buf, "198.51.100.7:50203");

	/* rtcp-mux: said, and the a=rtcp fallback kept beside it. */
	CHECK_INT(sdp_media_endpoints(&s.media[3], &ep), 0);
	CHECK_INT(ep.rtcp_mux, 1);
	addr_format_endpoint(&ep.rtcp, buf, sizeof buf);
	CHECK_STR(buf, "192.0.2.1:40031");

	/* A declined stream announces nothing. */
	CHECK_INT(sdp_media_endpoints(&s.media[4], &ep), -1);

	/* Fax over udptl: where it goes, but no RTCP. */
	CHECK_INT(sdp_media_endpoints(&s.media[5], &ep), 0);
	addr_format_endpoint(&ep.rtp, buf, sizeof buf);
	CHECK_STR(buf, "192.0.2.1:40040");
	CHECK_INT(ep.rtcp.port, 0);

	/* RTP on the last port has no next one for RTCP. */
	CHECK_INT(sdp_media_endpoints(&s.media[6], &ep), 0);
	CHECK_INT(ep.rtcp.port, 0);

	/* No c= at all: no address to announce. */
	CHECK_INT(parse("v=0\r\n"
	    "o=- 1 1 IN IP4 192.0.2.1\r\n"
	    "s=-\r\n"
	    "t=0 0\r\n"
	    "m=audio 40000 RTP/AVP 0\r\n"
	    "a=rtcp:40101 IN IP4 192.0.2.9\r\n", &s), DISSECT_OK);
	CHECK_INT(sdp_media_endpoints(&s.media[0], &ep), -1);
}

/* Every transport that carries RTP; others are not kept. */
static void
test_protos(void)
{
	struct sdp_session	s;

	CHECK_INT(parse("v=0\r\nc=IN IP4 192.0.2.1\r\n"
	    "m=audio 1000 RTP/AVP 0\r\n"
	    "m=audio 1002 RTP/SAVP 0\r\n"
	    "m=audio 1004 RTP/AVPF 0\r\n"
	    "m=audio 1006 UDP/TLS/RTP/SAVPF 0\r\n", &s), DISSECT_OK);
	CHECK_INT(s.n_media, 4);
	CHECK_INT(s.media[3].rtp.port, 1006);

	CHECK_STR(s.media[3].proto, "UDP/TLS/RTP/SAVPF");
	CHECK_INT(s.media[3].not_rtp, 0);

	/*
	 * A T.38 fax re-offer: well formed, nothing RTP in it, but the image
	 * media is there to see, flagged, with no RTCP port.
	 */
	CHECK_INT(parse("v=0\r\nc=IN IP4 192.0.2.1\r\n"
	    "m=image 4000 udptl t38\r\n"
	    "a=T38FaxVersion:0\r\n"
	    "a=rtpmap:98 t140/1000\r\n"
	    "a=fmtp:98 x\r\n", &s), DISSECT_UNSUPPORTED);
	CHECK_INT(s.n_media, 1);
	CHECK_STR(s.media[0].kind, "image");
	CHECK_STR(s.media[0].proto, "udptl");
	CHECK_INT(s.media[0].not_rtp, 1);
	CHECK_INT(s.media[0].rtp.port, 4000);
	CHECK_INT(s.media[0].rtp.addr.family, 4);
	CHECK_INT(s.media[0].rtcp_port, 0);
	CHECK_INT(s.media[0].n_formats, 0);
	CHECK_INT(s.media[0].n_rtpmaps, 0);
	CHECK_INT(s.media[0].n_fmtps, 0);

	/* T.38 beside audio (a fax switch with audio declined), MSRP too. */
	CHECK_INT(parse("v=0\r\nc=IN IP4 192.0.2.1\r\n"
	    "m=audio 0 RTP/AVP 0\r\n"
	    "m=image 4000 udptl t38\r\n"
	    "a=rtcp-mux\r\n"
	    "m=message 7394 TCP/MSRP *\r\n"
	    "m=application 4002 RTP/AVP 98\r\n"
	    "a=rtpmap:98 t140/1000\r\n", &s), DISSECT_OK);
	CHECK_INT(s.n_media, 4);
	CHECK_INT(s.media[0].not_rtp, 0);
	CHECK_INT(s.media[0].inactive, 1);
	CHECK_STR(s.media[1].kind, "image");
	CHECK_INT(s.media[1].not_rtp, 1);
	CHECK_INT(s.media[1].inactive, 0);
	CHECK_INT(s.media[1].rtcp_mux, 1);
	CHECK_STR(s.media[2].kind, "message");
	CHECK_STR(s.media[2].proto, "TCP/MSRP");
	CHECK_INT(s.media[2].not_rtp, 1);
	CHECK_STR(s.media[3].kind, "application");
	CHECK_INT(s.media[3].rtcp_mux, 0);
	CHECK_INT(s.media[3].n_rtpmaps, 1);
	CHECK_INT(s.media[3].rtcp_port, 4003);

	/* A bad m= line beside a T.38 one: what there is, unsupported. */
	CHECK_INT(parse("v=0\r\nm=audio x RTP/AVP 0\r\n"
	    "m=image 4000 udptl t38\r\n", &s), DISSECT_UNSUPPORTED);
	CHECK_INT(s.n_media, 1);
}

static void
test_inactive(void)
{
	struct sdp_session	s;

	/* Port 0: the stream is declined. */
	CHECK_INT(parse("v=0\r\nc=IN IP4 192.0.2.1\r\n"
	    "m=audio 49170 RTP/AVP 0\r\n"
	    "m=video 0 RTP/AVP 31\r\n", &s), DISSECT_OK);
	CHECK_INT(s.n_media, 2);
	CHECK_INT(s.media[0].inactive, 0);
	CHECK_INT(s.media[1].inactive, 1);
	CHECK_INT(s.media[1].rtp.port, 0);
	CHECK_INT(s.media[1].rtcp_port, 0);

	/* a=inactive in a media part. */
	CHECK_INT(parse("v=0\r\nc=IN IP4 192.0.2.1\r\n"
	    "m=audio 49170 RTP/AVP 0\r\n"
	    "a=inactive\r\n"
	    "m=audio 49172 RTP/AVP 0\r\n", &s), DISSECT_OK);
	CHECK_INT(s.media[0].inactive, 1);
	CHECK_INT(s.media[1].inactive, 0);

	/* At session level, unless a media part says otherwise. */
	CHECK_INT(parse("v=0\r\nc=IN IP4 192.0.2.1\r\na=inactive\r\n"
	    "m=audio 49170 RTP/AVP 0\r\n"
	    "m=audio 49172 RTP/AVP 0\r\n"
	    "a=sendonly\r\n", &s), DISSECT_OK);
	CHECK_INT(s.media[0].inactive, 1);
	CHECK_INT(s.media[1].inactive, 0);
}

static void
test_malformed(void)
{
	struct sdp_session	s;

	CHECK_INT(parse_exact("", 0, &s), DISSECT_MALFORMED);
	CHECK_INT(parse("c=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 0\r\n",
	    &s), DISSECT_MALFORMED);
	CHECK_INT(parse("v=0\r\nc=IN IP4 192.0.2.1\r\n", &s),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("v=0\r\nm=audio port RTP/AVP 0\r\n", &s),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("v=0\r\nm=audio 70000 RTP/AVP 0\r\n", &s),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("v=0\r\nm=audio\r\n", &s), DISSECT_MALFORMED);
	CHECK_INT(parse("hello world", &s), DISSECT_MALFORMED);
}

/* Odd but harmless: what is not understood is left alone. */
static void
test_lenient(void)
{
	struct sdp_session	s;

	/* Port count, unknown formats, no final line end. */
	CHECK_INT(parse("v=0\r\nc=IN IP4 192.0.2.1\r\n"
	    "m=audio 49170/2 RTP/AVP 0 x 200 8\r\n"
	    "a=rtpmap:bad PCMU/8000\r\n"
	    "a=rtpmap:8 PCMA\r\n"
	    "a=rtpmap:0 PCMU/8000\r\n"
	    "a=rtpmap:0 PCMA/8000\r\n"
	    "a=rtcp:70000\r\n"
	    "a=rtcp-mux", &s), DISSECT_OK);
	CHECK_INT(s.media[0].rtp.port, 49170);
	CHECK_INT(s.media[0].n_formats, 2);
	CHECK_INT(s.media[0].formats[1], 8);
	CHECK_INT(s.media[0].n_rtpmaps, 1);
	CHECK_STR(s.media[0].rtpmaps[0].encoding, "PCMU");
	CHECK_INT(s.media[0].rtcp_port, 49171);
	CHECK_INT(s.media[0].rtcp_mux, 1);

	/* A host name in c= gives no address; the media is still kept. */
	CHECK_INT(parse("v=0\r\nc=IN IP4 media.example.com\r\n"
	    "m=audio 49170 RTP/AVP 0\r\n", &s), DISSECT_OK);
	CHECK_INT(s.media[0].rtp.addr.family, 0);
}

/* More media and formats than fit: the first ones are kept. */
static void
test_limits(void)
{
	struct sdp_session	s;

	char			buf[1024];
	size_t			i;
	int			n;

	n = snprintf(buf, sizeof buf, "v=0\r\nc=IN IP4 192.0.2.1\r\n");
	for (i = 0; i <= SDP_MAX_MEDIA; i++)
		n += snprintf(buf + n, sizeof buf - (size_t)n,
		    "m=audio %zu RTP/AVP 0\r\n", 1000 + 2 * i);
	snprintf(buf + n, sizeof buf - (size_t)n,
	    "c=IN IP4 192.0.2.99\r\na=inactive\r\na=ptime:30\r\n");
	CHECK_INT(parse(buf, &s), DISSECT_OK);
	CHECK_INT(s.n_media, SDP_MAX_MEDIA);
	CHECK_INT(s.media[SDP_MAX_MEDIA - 1].rtp.port,
	    1000 + 2 * (SDP_MAX_MEDIA - 1));
	CHECK_INT(s.media[SDP_MAX_MEDIA - 1].rtp.addr.bytes[3], 1);
	CHECK_INT(s.media[SDP_MAX_MEDIA - 1].inactive, 0);
	CHECK_INT(s.media[SDP_MAX_MEDIA - 1].ptime_ms, 0);

	CHECK_INT(parse("v=0\r\nc=IN IP4 192.0.2.1\r\n"
	    "m=audio 1000 RTP/AVP 96 97 98 99 100 101 102 103 104 105 106 "
	    "107 108 109 110 111 112 113\r\n", &s), DISSECT_OK);
	CHECK_INT(s.media[0].n_formats, SDP_MAX_FORMATS);
	CHECK_INT(s.media[0].formats[SDP_MAX_FORMATS - 1], 111);

	/* An encoding name too long for the field is not kept. */
	CHECK_INT(parse("v=0\r\nc=IN IP4 192.0.2.1\r\n"
	    "m=audio 1000 RTP/AVP 96\r\n"
	    "a=rtpmap:96 abcdefghijklmnopqrstuvwxyz/8000\r\n", &s), DISSECT_OK);
	CHECK_INT(s.media[0].n_rtpmaps, 0);
}

/* A WebRTC-like offer with most of what SDP can say about RTP. */
static const char full[] =
	"v=0\r\n"
	"o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
	"s=-\r\n"
	"c=IN IP6 2001:db8::1\r\n"
	"t=0 0\r\n"
	"a=recvonly\r\n"
	"a=ptime:30\r\n"
	"m=audio 9000 RTP/AVP 111 0 101\r\n"
	"a=rtcp:9001 IN IP6 2001:db8::2\r\n"
	"a=rtpmap:111 opus/48000/2\r\n"
	"a=fmtp:111 minptime=10; useinbandfec=1 \r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\n"
	"a=fmtp:101 0-15\r\n"
	"a=ptime:20\r\n"
	"a=maxptime:120\r\n"
	"a=sendrecv\r\n"
	"m=video 9002 RTP/AVPF 96\r\n"
	"c=IN IP4 192.0.2.7\r\n"
	"a=rtcp:9003\r\n"
	"a=rtcp-mux\r\n"
	"a=fmtp:96 profile-level-id=42e01f;level-asymmetry-allowed=1;"
	"packetization-mode=1;"
	"sprop-parameter-sets=AAAAAAAAAAAAAAAA,BBBBBBBB==\r\n"
	"m=audio 9004 RTP/AVP 8\r\n"
	"a=sendonly\r\n"
	"m=audio 9006 RTP/AVP 8\r\n";

static void
test_full(void)
{
	struct sdp_session	 s;
	const struct sdp_media	*m;
	char			 buf[ADDR_ENDPOINT_STRLEN];

	CHECK_INT(parse(full, &s), DISSECT_OK);
	CHECK_INT(s.has_origin, 1);
	CHECK(s.origin_session_id == 4611731400430051336ULL);
	CHECK(s.origin_version == 2);
	CHECK_INT(s.connection.family, 6);
	CHECK_INT(s.direction, SDP_RECVONLY);
	CHECK_INT(s.n_media, 4);

	m = &s.media[0];
	endpoint_text(&m->rtp, buf, sizeof buf);
	CHECK_STR(buf, "[2001:db8::1]:9000");
	CHECK_INT(m->rtcp_attr, 1);
	CHECK_INT(m->rtcp_port, 9001);
	CHECK_INT(m->rtcp_addr.family, 6);
	CHECK_INT(m->rtcp_addr.bytes[15], 2);
	CHECK_INT(m->ptime_ms, 20);
	CHECK_INT(m->maxptime_ms, 120);
	CHECK_INT(m->direction, SDP_SENDRECV);
	CHECK_INT(m->inactive, 0);
	CHECK_INT(m->n_fmtps, 2);
	CHECK_STR(sdp_media_fmtp(m, 111), "minptime=10; useinbandfec=1");
	CHECK_STR(sdp_media_fmtp(m, 101), "0-16");	/* the first counts */
	CHECK(sdp_media_fmtp(m, 0) == NULL);

	m = &s.media[1];
	CHECK_STR(m->kind, "video");
	endpoint_text(&m->rtp, buf, sizeof buf);
	CHECK_STR(buf, "192.0.2.7:9002");
	CHECK_INT(m->rtcp_attr, 1);
	CHECK_INT(m->rtcp_port, 9003);
	CHECK_INT(m->rtcp_addr.family, 0);
	CHECK_INT(m->rtcp_mux, 1);
	CHECK_INT(m->direction, SDP_RECVONLY);	/* the session's */
	CHECK_INT(m->ptime_ms, 30);		/* the session's */
	CHECK_INT(m->maxptime_ms, 0);
	CHECK_INT(m->fmtps[0].truncated, 1);
	CHECK_INT(strlen(m->fmtps[0].params), SDP_FMTP_LEN - 1);
	CHECK(strncmp(m->fmtps[0].params, "profile-level-id=42e01f;",
	    24) == 0);

	CHECK_INT(s.media[2].direction, SDP_SENDONLY);
	CHECK_INT(s.media[2].rtcp_attr, 0);
	CHECK_INT(s.media[2].rtcp_port, 9005);
	CHECK_INT(s.media[3].direction, SDP_RECVONLY);
	CHECK_INT(s.media[3].inactive, 0);

	CHECK_STR(sdp_direction_name(SDP_SENDRECV), "sendrecv");
	CHECK_STR(sdp_direction_name(SDP_SENDONLY), "sendonly");
	CHECK_STR(sdp_direction_name(SDP_RECVONLY), "recvonly");
	CHECK_STR(sdp_direction_name(SDP_INACTIVE), "inactive");
	CHECK_STR(sdp_direction_name((enum sdp_direction)7), "sendrecv");
}

/* o=: numbers of 64 bits, and what is not a number. */
static void
test_origin(void)
{
	struct sdp_session	s;

	CHECK_INT(parse("v=0\r\no=- 18446744073709551615 0 IN IP4 x\r\n"
	    "m=audio 1 RTP/AVP 0\r\n", &s), DISSECT_OK);
	CHECK_INT(s.has_origin, 1);
	CHECK(s.origin_session_id == UINT64_MAX);
	CHECK(s.origin_version == 0);
	CHECK_INT(parse("v=0\r\no=- 18446744073709551616 1 IN IP4 x\r\n"
	    "m=audio 1 RTP/AVP 0\r\n", &s), DISSECT_OK);
	CHECK_INT(s.has_origin, 0);
	CHECK_INT(parse("v=0\r\no=- 1 x IN IP4 x\r\n"
	    "m=audio 1 RTP/AVP 0\r\n", &s), DISSECT_OK);
	CHECK_INT(s.has_origin, 0);
	CHECK_INT(parse("v=0\r\no=-\r\nm=audio 1 RTP/AVP 0\r\n", &s),
	    DISSECT_OK);
	CHECK_INT(s.has_origin, 0);

	/* The first o= counts; one inside a media part is not the session's. */
	CHECK_INT(parse("v=0\r\no=a 5 6 IN IP4 x\r\no=a 7 8 IN IP4 x\r\n"
	    "m=audio 1 RTP/AVP 0\r\n", &s), DISSECT_OK);
	CHECK(s.origin_session_id == 5 && s.origin_version == 6);
	CHECK_INT(parse("v=0\r\nm=audio 1 RTP/AVP 0\r\no=a 7 8 IN IP4 x\r\n",
	    &s), DISSECT_OK);
	CHECK_INT(s.has_origin, 0);
}

/* a=ptime, a=maxptime, a=rtcp values that are not what they should be. */
static void
test_attribute_values(void)
{
	struct sdp_session	s;

	CHECK_INT(parse("v=0\r\nm=audio 1000 RTP/AVP 0\r\n"
	    "a=ptime:20.5\r\na=maxptime: 40 \r\n", &s), DISSECT_OK);
	CHECK_INT(s.media[0].ptime_ms, 20);
	CHECK_INT(s.media[0].maxptime_ms, 40);
	CHECK_INT(parse("v=0\r\nm=audio 1000 RTP/AVP 0\r\n"
	    "a=ptime:\r\na=maxptime:abc\r\na=ptime:20x\r\na=ptime:.\r\n"
	    "a=maxptime:99999\r\na=ptime:1.2.3\r\n", &s), DISSECT_OK);
	CHECK_INT(s.media[0].ptime_ms, 0);
	CHECK_INT(s.media[0].maxptime_ms, 0);

	/* a=rtcp with a host name, a bad family, or no port. */
	CHECK_INT(parse("v=0\r\nm=audio 1000 RTP/AVP 0\r\n"
	    "a=rtcp:2000 IN IP4 host.example\r\n", &s), DISSECT_OK);
	CHECK_INT(s.media[0].rtcp_port, 2000);
	CHECK_INT(s.media[0].rtcp_addr.family, 0);
	CHECK_INT(parse("v=0\r\nm=audio 1000 RTP/AVP 0\r\n"
	    "a=rtcp:2000 IN IP6 192.0.2.1\r\n", &s), DISSECT_OK);
	CHECK_INT(s.media[0].rtcp_addr.family, 0);
	CHECK_INT(parse("v=0\r\nm=audio 1000 RTP/AVP 0\r\n"
	    "a=rtcp:0\r\na=rtcp:\r\na=rtcp:x\r\n", &s), DISSECT_OK);
	CHECK_INT(s.media[0].rtcp_attr, 0);
	CHECK_INT(s.media[0].rtcp_port, 1001);

	/* fmtp for a payload type that is not a number, or with nothing. */
	CHECK_INT(parse("v=0\r\nm=audio 1000 RTP/AVP 0\r\n"
	    "a=fmtp:x y\r\na=fmtp:128 y\r\na=fmtp:0\r\n", &s), DISSECT_OK);
	CHECK_INT(s.media[0].n_fmtps, 1);
	CHECK_STR(sdp_media_fmtp(&s.media[0], 0), "");

	/* More fmtp lines than fit. */
	CHECK_INT(parse("v=0\r\nm=audio 1000 RTP/AVP 0\r\n"
	    "a=fmtp:0 a\r\na=fmtp:1 a\r\na=fmtp:2 a\r\na=fmtp:3 a\r\n"
	    "a=fmtp:4 a\r\na=fmtp:5 a\r\na=fmtp:6 a\r\na=fmtp:7 a\r\n"
	    "a=fmtp:8 a\r\na=fmtp:9 a\r\na=fmtp:10 a\r\na=fmtp:11 a\r\n"
	    "a=fmtp:12 a\r\na=fmtp:13 a\r\na=fmtp:14 a\r\na=fmtp:15 a\r\n"
	    "a=fmtp:16 a\r\n", &s), DISSECT_OK);
	CHECK_INT(s.media[0].n_fmtps, SDP_MAX_FORMATS);
	CHECK(sdp_media_fmtp(&s.media[0], 16) == NULL);
}

/* Directions: the session default, each media's own, and port 0. */
static void
test_directions(void)
{
	struct sdp_session	s;

	CHECK_INT(parse("v=0\r\nc=IN IP4 192.0.2.1\r\na=sendonly\r\n"
	    "m=audio 1000 RTP/AVP 0\r\n"
	    "m=audio 1002 RTP/AVP 0\r\na=inactive\r\n"
	    "m=audio 0 RTP/AVP 0\r\na=sendrecv\r\n"
	    "m=audio 1004 RTP/AVP 0\r\na=recvonly\r\na=sendrecv\r\n", &s),
	    DISSECT_OK);
	CHECK_INT(s.direction, SDP_SENDONLY);
	CHECK_INT(s.media[0].direction, SDP_SENDONLY);
	CHECK_INT(s.media[0].inactive, 0);
	CHECK_INT(s.media[1].direction, SDP_INACTIVE);
	CHECK_INT(s.media[1].inactive, 1);
	CHECK_INT(s.media[2].direction, SDP_SENDRECV);
	CHECK_INT(s.media[2].inactive, 1);
	CHECK_INT(s.media[3].direction, SDP_SENDRECV);	/* the last counts */

	/* Hold the RFC 2543 way: c=0.0.0.0 is an address, all zero. */
	CHECK_INT(parse("v=0\r\nc=IN IP4 0.0.0.0\r\nm=audio 1000 RTP/AVP 0\r\n",
	    &s), DISSECT_OK);
	CHECK_INT(s.media[0].rtp.addr.family, 4);
	CHECK_INT(s.media[0].direction, SDP_SENDRECV);
}

/* Every prefix of a description parses without reading past it. */
static void
test_prefixes(void)
{
	struct sdp_session	s;
	enum dissect_result	r;
	size_t			len, proto_end;

	/* From the end of "RTP/AVP" on, the media line is usable. */
	proto_end = (size_t)(strstr(offer, "RTP/AVP") - offer) + 7;
	for (len = 0; len <= sizeof offer - 1; len++) {
		r = parse_exact(offer, len, &s);
		if (len >= proto_end)
			CHECK_INT(r, DISSECT_OK);
		else
			CHECK(r == DISSECT_MALFORMED ||
			    r == DISSECT_UNSUPPORTED);
		CHECK(s.n_media <= SDP_MAX_MEDIA);
	}

	/* A fuller description: each prefix, then the whole, still parse. */
	proto_end = (size_t)(strstr(full, "RTP/AVP") - full) + 7;
	for (len = 0; len <= sizeof full - 1; len++) {
		r = parse_exact(full, len, &s);
		if (len >= proto_end)
			CHECK_INT(r, DISSECT_OK);
		else
			CHECK(r == DISSECT_MALFORMED ||
			    r == DISSECT_UNSUPPORTED);
		CHECK(s.n_media <= SDP_MAX_MEDIA);
		CHECK(s.media[0].n_fmtps <= SDP_MAX_FORMATS);
	}
}

int
main(void)
{
	RUN(test_offer_answer);
	RUN(test_encoding_names);
	RUN(test_ipv6);
	RUN(test_media_connection);
	RUN(test_opus);
	RUN(test_endpoints);
	RUN(test_protos);
	RUN(test_inactive);
	RUN(test_malformed);
	RUN(test_lenient);
	RUN(test_limits);
	RUN(test_full);
	RUN(test_origin);
	RUN(test_attribute_values);
	RUN(test_directions);
	RUN(test_prefixes);
	return unit_done("sdp");
}
