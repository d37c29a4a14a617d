/*
 * Unit tests for dissectors/sip.c.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dissectors/sip.h"
#include "tests/unit.h"

/* The latest copy parse_exact made: the parsed message points into it. */
static char *held_copy;

static void
release_copy(void)
{
	free(held_copy);
	held_copy = NULL;
}

/* Parse a copy of exactly len bytes on the heap: no NUL, ASan watching. */
static enum dissect_result
parse_exact(const char *text, size_t len, struct sip_msg *m)
{
	release_copy();
	held_copy = malloc(len != 0 ? len : 1);
	memcpy(held_copy, text, len);
	return sip_parse((const uint8_t *)held_copy, len, m);
}

static enum dissect_result
parse(const char *text, struct sip_msg *m)
{
	return parse_exact(text, strlen(text), m);
}

static int
looks_like_exact(const char *text, size_t len)
{
	char	*copy;
	int	 r;

	copy = malloc(len != 0 ? len : 1);
	memcpy(copy, text, len);
	r = sip_looks_like((const uint8_t *)copy, len);
	free(copy);
	return r;
}

static int
looks_like(const char *text)
{
	return looks_like_exact(text, strlen(text));
}

static const char sdp_body[] =
	"v=0\r\n"
	"o=alice 1 1 IN IP4 192.0.2.10\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.10\r\n"
	"t=0 0\r\n"
	"m=audio 49170 RTP/AVP 0\r\n";

static const char invite[] =
	"INVITE sip:bob@example.org SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-inv1\r\n"
	"Max-Forwards: 70\r\n"
	"From: \"Alice\" <sip:alice@example.net>;tag=a73kszlfl\r\n"
	"To: Bob <sip:bob@example.org>\r\n"
	"Call-ID: 3848276298220188511@192.0.2.10\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: <sip:alice@192.0.2.10>\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 94\r\n"
	"\r\n"
	"v=0\r\n"
	"o=alice 1 1 IN IP4 192.0.2.10\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.10\r\n"
	"t=0 0\r\n"
	"m=audio 49170 RTP/AVP 0\r\n";

static void
test_invite(void)
{
	struct sip_msg	m;

	CHECK_INT(strlen(sdp_body), 94);
	CHECK(looks_like(invite));
	CHECK_INT(parse(invite, &m), DISSECT_OK);
	CHECK_INT(m.is_request, 1);
	CHECK_INT(m.method, SIP_INVITE);
	CHECK_MEM(m.method_text.p, m.method_text.len, "INVITE");
	CHECK_MEM(m.request_uri.p, m.request_uri.len, "sip:bob@example.org");
	CHECK_INT(m.status_code, 0);
	CHECK_MEM(m.call_id.p, m.call_id.len,
	    "3848276298220188511@192.0.2.10");
	CHECK_MEM(m.from.p, m.from.len,
	    "\"Alice\" <sip:alice@example.net>;tag=a73kszlfl");
	CHECK_MEM(m.from_uri.p, m.from_uri.len, "sip:alice@example.net");
	CHECK_MEM(m.from_tag.p, m.from_tag.len, "a73kszlfl");
	CHECK_MEM(m.to.p, m.to.len, "Bob <sip:bob@example.org>");
	CHECK_MEM(m.to_uri.p, m.to_uri.len, "sip:bob@example.org");
	CHECK(m.to_tag.p == NULL);
	CHECK_INT(m.to_tag.len, 0);
	CHECK_INT(m.cseq, 1);
	CHECK_INT(m.cseq_method, SIP_INVITE);
	CHECK_MEM(m.content_type.p, m.content_type.len, "application/sdp");
	CHECK_INT(m.content_length, 94);
	CHECK_MEM(m.body.p, m.body.len, sdp_body);
	CHECK(m.reason.p == NULL);
}

static const char ok_200[] =
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-inv1\r\n"
	"From: \"Alice\" <sip:alice@example.net>;tag=a73kszlfl\r\n"
	"To: Bob <sip:bob@example.org>;tag=314159\r\n"
	"Call-ID: 3848276298220188511@192.0.2.10\r\n"
	"CSeq: 1 INVITE\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static void
test_response(void)
{
	struct sip_msg	m;

	CHECK(looks_like(ok_200));
	CHECK_INT(parse(ok_200, &m), DISSECT_OK);
	CHECK_INT(m.is_request, 0);
	CHECK_INT(m.method, SIP_METHOD_UNKNOWN);
	CHECK_INT(m.status_code, 200);
	CHECK_MEM(m.reason_phrase.p, m.reason_phrase.len, "OK");
	CHECK_MEM(m.to_tag.p, m.to_tag.len, "314159");
	CHECK_MEM(m.from_tag.p, m.from_tag.len, "a73kszlfl");
	CHECK_INT(m.cseq_method, SIP_INVITE);
	CHECK_INT(m.content_length, 0);
	CHECK_INT(m.body.len, 0);

	/* A reason phrase with spaces, and one left out. */
	CHECK_INT(parse("SIP/2.0 486 Busy Here\r\n"
	    "f: <sip:a@example.net>;tag=1\r\nt: <sip:b@example.org>;tag=2\r\n"
	    "i: x\r\nCSeq: 1 INVITE\r\n"
	    "Reason: Q.850;cause=17;text=\"User busy\"\r\n\r\n", &m),
	    DISSECT_OK);
	CHECK_INT(m.status_code, 486);
	CHECK_MEM(m.reason_phrase.p, m.reason_phrase.len, "Busy Here");
	CHECK_MEM(m.reason.p, m.reason.len,
	    "Q.850;cause=17;text=\"User busy\"");
	CHECK_INT(parse("SIP/2.0 180\r\nf: <sip:a@x>\r\nt: <sip:b@y>\r\n"
	    "i: x\r\nCSeq: 1 INVITE\r\n\r\n", &m), DISSECT_OK);
	CHECK_INT(m.status_code, 180);
	CHECK_INT(m.reason_phrase.len, 0);
}

/* Compact forms (RFC 3261 §7.3.3), any case, odd spacing. */
static void
test_compact(void)
{
	struct sip_msg	m;

	CHECK_INT(parse("BYE sip:alice@192.0.2.10 SIP/2.0\r\n"
	    "v: SIP/2.0/UDP 198.51.100.20;branch=z9hG4bK-b1\r\n"
	    "f: <sip:bob@example.org>;tag=314159\r\n"
	    "T: sip:alice@example.net;tag=a73kszlfl\r\n"
	    "I:3848276298220188511@192.0.2.10\r\n"
	    "cseq:   2   BYE\r\n"
	    "m: <sip:bob@198.51.100.20>\r\n"
	    "L : 0\r\n"
	    "\r\n", &m), DISSECT_OK);
	CHECK_INT(m.method, SIP_BYE);
	CHECK_MEM(m.call_id.p, m.call_id.len,
	    "3848276298220188511@192.0.2.10");
	CHECK_MEM(m.from_uri.p, m.from_uri.len, "sip:bob@example.org");
	CHECK_MEM(m.to_uri.p, m.to_uri.len, "sip:alice@example.net");
	CHECK_MEM(m.to_tag.p, m.to_tag.len, "a73kszlfl");
	CHECK_INT(m.cseq, 2);
	CHECK_INT(m.cseq_method, SIP_BYE);
	CHECK_INT(m.content_length, 0);

	/* c and l with a body. */
	CHECK_INT(parse("MESSAGE sip:bob@example.org SIP/2.0\r\n"
	    "f: <sip:a@x>;tag=1\r\nt: <sip:bob@example.org>\r\ni: m1\r\n"
	    "CSeq: 7 MESSAGE\r\nc: text/plain\r\nl: 5\r\n\r\nhello", &m),
	    DISSECT_OK);
	CHECK_INT(m.method, SIP_MESSAGE);
	CHECK_MEM(m.content_type.p, m.content_type.len, "text/plain");
	CHECK_MEM(m.body.p, m.body.len, "hello");
}

/* A header continued on the next line (folding, RFC 3261 §7.3.1). */
static void
test_folded(void)
{
	struct sip_msg	m;

	CHECK_INT(parse("INVITE sip:bob@example.org SIP/2.0\r\n"
	    "From: \"Alice\r\n Smith\"\r\n\t<sip:alice@example.net>\r\n"
	    "  ;tag=f1\r\n"
	    "To: <sip:bob@example.org>\r\n"
	    "Subject: lunch\r\n"
	    "   tomorrow\r\n"
	    "Call-ID: fold@192.0.2.10\r\n"
	    "CSeq:\r\n 4711\r\n INVITE\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n", &m), DISSECT_OK);
	CHECK_MEM(m.from_uri.p, m.from_uri.len, "sip:alice@example.net");
	CHECK_MEM(m.from_tag.p, m.from_tag.len, "f1");
	CHECK_MEM(m.call_id.p, m.call_id.len, "fold@192.0.2.10");
	CHECK_INT(m.cseq, 4711);
	CHECK_INT(m.cseq_method, SIP_INVITE);
}

/* Bare LF line ends, throughout. */
static void
test_lf_only(void)
{
	struct sip_msg	m;
	const char	msg[] =
	    "OPTIONS sip:198.51.100.20 SIP/2.0\n"
	    "Via: SIP/2.0/UDP 192.0.2.10\n"
	    "From: <sip:probe@192.0.2.10>;tag=o1\n"
	    "To: <sip:198.51.100.20>\n"
	    "Call-ID: lf@192.0.2.10\n"
	    "CSeq: 9 OPTIONS\n"
	    "Content-Length: 4\n"
	    "\n"
	    "body";

	CHECK(looks_like(msg));
	CHECK_INT(parse(msg, &m), DISSECT_OK);
	CHECK_INT(m.method, SIP_OPTIONS);
	CHECK_MEM(m.call_id.p, m.call_id.len, "lf@192.0.2.10");
	CHECK_MEM(m.from_tag.p, m.from_tag.len, "o1");
	CHECK_MEM(m.body.p, m.body.len, "body");
}

static void
test_missing_required(void)
{
	struct sip_msg	m;

	CHECK_INT(parse("INVITE sip:bob@example.org SIP/2.0\r\n"
	    "From: <sip:a@x>;tag=1\r\nTo: <sip:bob@example.org>\r\n"
	    "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n", &m),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("INVITE sip:bob@example.org SIP/2.0\r\n"
	    "From: <sip:a@x>;tag=1\r\nTo: <sip:bob@example.org>\r\n"
	    "Call-ID:\r\nCSeq: 1 INVITE\r\n\r\n", &m), DISSECT_MALFORMED);
	CHECK_INT(parse("INVITE sip:bob@example.org SIP/2.0\r\n"
	    "To: <sip:bob@example.org>\r\nCall-ID: x\r\n"
	    "CSeq: 1 INVITE\r\n\r\n", &m), DISSECT_MALFORMED);
	CHECK_INT(parse("INVITE sip:bob@example.org SIP/2.0\r\n"
	    "From: <sip:a@x>;tag=1\r\nCall-ID: x\r\n"
	    "CSeq: 1 INVITE\r\n\r\n", &m), DISSECT_MALFORMED);
	CHECK_INT(parse("INVITE sip:bob@example.org SIP/2.0\r\n"
	    "From: <sip:a@x>;tag=1\r\nTo: <sip:bob@example.org>\r\n"
	    "Call-ID: x\r\n\r\n", &m), DISSECT_MALFORMED);
}

static void
test_malformed(void)
{
	struct sip_msg	m;
	const char	*hdrs = "f: <sip:a@x>\r\nt: <sip:b@y>\r\ni: x\r\n";
	char		buf[512];

	/* Start lines. */
	CHECK_INT(parse("SIP/2.0 99 Odd\r\n\r\n", &m), DISSECT_MALFORMED);
	CHECK_INT(parse("SIP/2.0 700 Odd\r\n\r\n", &m), DISSECT_MALFORMED);
	CHECK_INT(parse("SIP/2.0 2000 OK\r\n\r\n", &m), DISSECT_MALFORMED);
	CHECK_INT(parse("SIP/2.0 20x OK\r\n\r\n", &m), DISSECT_MALFORMED);
	CHECK_INT(parse("INVITE sip:bob@example.org SIP/3.0\r\n\r\n", &m),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("INVITE  sip:bob@example.org SIP/2.0\r\n\r\n", &m),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("INVITE sip:bob@example.org\r\n\r\n", &m),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("HTTP/1.1 200 OK\r\n\r\n", &m), DISSECT_MALFORMED);

	/* Headers. */
	snprintf(buf, sizeof buf, "INVITE sip:b@y SIP/2.0\r\n%s"
	    "CSeq: INVITE\r\n\r\n", hdrs);
	CHECK_INT(parse(buf, &m), DISSECT_MALFORMED);
	snprintf(buf, sizeof buf, "INVITE sip:b@y SIP/2.0\r\n%s"
	    "CSeq: 1\r\n\r\n", hdrs);
	CHECK_INT(parse(buf, &m), DISSECT_MALFORMED);
	snprintf(buf, sizeof buf, "INVITE sip:b@y SIP/2.0\r\n%s"
	    "CSeq: 99999999999 INVITE\r\n\r\n", hdrs);
	CHECK_INT(parse(buf, &m), DISSECT_MALFORMED);
	snprintf(buf, sizeof buf, "INVITE sip:b@y SIP/2.0\r\n%s"
	    "CSeq: 1 INVITE\r\nContent-Length: -1\r\n\r\n", hdrs);
	CHECK_INT(parse(buf, &m), DISSECT_MALFORMED);
	snprintf(buf, sizeof buf, "INVITE sip:b@y SIP/2.0\r\n%s"
	    "CSeq: 1 INVITE\r\nContent-Length: 99999999999\r\n\r\n", hdrs);
	CHECK_INT(parse(buf, &m), DISSECT_MALFORMED);
	CHECK_INT(parse("INVITE sip:b@y SIP/2.0\r\nFrom: \"Alice <sip:a@x>\r\n"
	    "t: <sip:b@y>\r\ni: x\r\nCSeq: 1 INVITE\r\n\r\n", &m),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("INVITE sip:b@y SIP/2.0\r\nFrom: <sip:a@x\r\n"
	    "t: <sip:b@y>\r\ni: x\r\nCSeq: 1 INVITE\r\n\r\n", &m),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("INVITE sip:b@y SIP/2.0\r\nFrom: <>\r\n"
	    "t: <sip:b@y>\r\ni: x\r\nCSeq: 1 INVITE\r\n\r\n", &m),
	    DISSECT_MALFORMED);
}

static void
test_truncated(void)
{
	struct sip_msg	m;

	CHECK_INT(parse_exact("", 0, &m), DISSECT_TRUNCATED);
	CHECK_INT(parse("INVITE sip:bob@example.org SIP/2.0\r\n"
	    "From: <sip:a@x>;tag=1\r\nTo: <sip:bob@example.org>\r\n"
	    "Call-ID: x\r\nCSeq: 1 INVITE\r\nContent-Le", &m),
	    DISSECT_TRUNCATED);
	/* Cut before the empty line, even with every required header. */
	CHECK_INT(parse("INVITE sip:bob@example.org SIP/2.0\r\n"
	    "From: <sip:a@x>;tag=1\r\nTo: <sip:bob@example.org>\r\n"
	    "Call-ID: x\r\nCSeq: 1 INVITE\r\n", &m), DISSECT_TRUNCATED);
	CHECK_MEM(m.call_id.p, m.call_id.len, "x");

	/* A body the capture cut is clipped, and the message is fine. */
	CHECK_INT(parse_exact(invite, sizeof invite - 1 - 30, &m),
	    DISSECT_OK);
	CHECK_INT(m.content_length, 94);
	CHECK_INT(m.body.len, 64);
}

/* Content-Length bounds the body; without it the body runs to the end. */
static void
test_content_length(void)
{
	struct sip_msg	m;
	const char	*head = "INFO sip:b@y SIP/2.0\r\n"
	    "f: <sip:a@x>;tag=1\r\nt: <sip:b@y>;tag=2\r\ni: x\r\n"
	    "CSeq: 3 INFO\r\n";
	char		buf[512];

	snprintf(buf, sizeof buf, "%sContent-Length: 4\r\n\r\n"
	    "abcdPADDING", head);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK_MEM(m.body.p, m.body.len, "abcd");

	snprintf(buf, sizeof buf, "%s\r\nabcd\r\n", head);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK_INT(m.content_length, -1);
	CHECK_MEM(m.body.p, m.body.len, "abcd\r\n");
	CHECK_INT(m.method, SIP_INFO);
	CHECK_INT(m.cseq_method, SIP_INFO);

	/* The first of two Content-Length headers counts. */
	snprintf(buf, sizeof buf, "%sl: 2\r\nContent-Length: 4\r\n\r\nabcd",
	    head);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK_MEM(m.body.p, m.body.len, "ab");
}

/* Display names that hide '<' and ';', URIs without angle brackets. */
static void
test_name_addr(void)
{
	struct sip_msg	m;

	CHECK_INT(parse("INVITE sip:b@y SIP/2.0\r\n"
	    "From: \"A <;tag=no> \\\"B\\\"\" <sip:a@x;transport=udp>"
	    " ; x=1 ; TAG = real ;y\r\n"
	    "To: sip:b@y;tag=t2\r\n"
	    "i: x\r\nCSeq: 1 INVITE\r\n\r\n", &m), DISSECT_OK);
	CHECK_MEM(m.from_uri.p, m.from_uri.len, "sip:a@x;transport=udp");
	CHECK_MEM(m.from_tag.p, m.from_tag.len, "real");
	CHECK_MEM(m.to_uri.p, m.to_uri.len, "sip:b@y");
	CHECK_MEM(m.to_tag.p, m.to_tag.len, "t2");

	/* tel: URIs, and a tag-less To. */
	CHECK_INT(parse("INVITE tel:+15550100 SIP/2.0\r\n"
	    "From: <tel:+15550199>;tag=9\r\nTo: <tel:+15550100>\r\n"
	    "i: x\r\nCSeq: 1 INVITE\r\n\r\n", &m), DISSECT_OK);
	CHECK_MEM(m.request_uri.p, m.request_uri.len, "tel:+15550100");
	CHECK_MEM(m.from_uri.p, m.from_uri.len, "tel:+15550199");
	CHECK_INT(m.to_tag.len, 0);
}

/* Of a repeated From, To or CSeq the first counts; known unkept headers. */
static void
test_repeated(void)
{
	struct sip_msg	m;

	CHECK_INT(parse("INVITE sip:b@y SIP/2.0  \r\n"
	    "From: sip:a@x\r\nFrom: <sip:c@x>;tag=9\r\n"
	    "To: sip:b@y\r\nt: <sip:d@y>;tag=8\r\n"
	    "i: rep\r\nCSeq: 4 INVITE\r\nCSeq: x\r\n"
	    "Referred-By: <sip:r@x>\r\nx: 1800\r\n"
	    "Session-Expires: 1800;refresher=uac\r\n\r\n", &m), DISSECT_OK);
	CHECK_MEM(m.request_uri.p, m.request_uri.len, "sip:b@y");
	CHECK_MEM(m.from_uri.p, m.from_uri.len, "sip:a@x");
	CHECK(m.from_tag.p == NULL);
	CHECK_MEM(m.to_uri.p, m.to_uri.len, "sip:b@y");
	CHECK(m.to_tag.p == NULL);
	CHECK_INT(m.cseq, 4);

	/* A status code running into its phrase; a CSeq with no method. */
	CHECK_INT(parse("SIP/2.0 200x OK\r\n\r\n", &m), DISSECT_MALFORMED);
	CHECK_INT(parse("INVITE sip:b@y SIP/2.0\r\nf: <sip:a@x>\r\n"
	    "t: <sip:b@y>\r\ni: x\r\nCSeq: 1 \r\n\r\n", &m),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("INVITE sip:b@y SIP/2.0\r\nf: <sip:a@x>\r\n"
	    "t: <sip:b@y>\r\ni: x\r\nCSeq: 1 ;\r\n\r\n", &m),
	    DISSECT_MALFORMED);
}

/* Leading empty lines are allowed; unknown methods are kept as text. */
static void
test_odd_but_valid(void)
{
	struct sip_msg	m;

	CHECK_INT(parse("\r\n\r\nFOO sips:b@y SIP/2.0\r\n"
	    "f: <sip:a@x>;tag=1\r\nt: <sip:b@y>\r\ni: x\r\nCSeq: 1 FOO\r\n"
	    "no colon here\r\n\r\n", &m), DISSECT_OK);
	CHECK_INT(m.method, SIP_METHOD_UNKNOWN);
	CHECK_MEM(m.method_text.p, m.method_text.len, "FOO");
	CHECK_INT(m.cseq_method, SIP_METHOD_UNKNOWN);
}

static void
test_looks_like(void)
{
	CHECK(looks_like("INVITE sip:bob@example.org SIP/2.0\r\n"));
	CHECK(looks_like("ACK sips:bob@example.org SIP/2.0\n"));
	CHECK(looks_like("INVITE tel:+15550100 SIP/2.0\r\n"));
	CHECK(looks_like("INVITE SIP:bob@example.org sip/2.0\r\n"));
	CHECK(looks_like("SIP/2.0 100 Trying\r\n"));
	CHECK(looks_like("SIP/2.0 180\r\n"));
	CHECK(looks_like("\r\nSIP/2.0 200 OK\r\n"));
	/* Cut inside the request line: still SIP, counted as truncated. */
	CHECK(looks_like("INVITE sip:bob@exam"));

	CHECK(!looks_like(""));
	CHECK(!looks_like("\r\n\r\n"));		/* RFC 5626 keep-alive */
	CHECK(!looks_like("GET / HTTP/1.1\r\n"));
	CHECK(!looks_like("GET sip:x HTTP/1.1\r\n"));
	CHECK(!looks_like("INVITE http://x SIP/2.0\r\n"));
	CHECK(!looks_like("INVITE sip:x\r\n"));
	CHECK(!looks_like("INVITE sip:xSIP/2.0\r\n"));
	CHECK(!looks_like("HTTP/1.1 200 OK\r\n"));
	CHECK(!looks_like("SIP/2.0 20 OK\r\n"));
	CHECK(!looks_like("SIP/2.0 200"));
	CHECK(!looks_like("SIP/2.0 2000 OK\r\n"));
	CHECK(!looks_like("INVITE"));
	CHECK(!looks_like(" INVITE sip:x SIP/2.0\r\n"));
	CHECK(!looks_like("\x80\x00\x12\x34"));
}

static void
test_names(void)
{
	CHECK_STR(sip_method_name(SIP_INVITE), "INVITE");
	CHECK_STR(sip_method_name(SIP_PUBLISH), "PUBLISH");
	CHECK_STR(sip_method_name(SIP_METHOD_UNKNOWN), "UNKNOWN");
	CHECK_INT(sip_method_from("PRACK", 5), SIP_PRACK);
	CHECK_INT(sip_method_from("UPDATEX", 6), SIP_UPDATE);
	CHECK_INT(sip_method_from("invite", 6), SIP_METHOD_UNKNOWN);
	CHECK_INT(sip_method_from("INVIT", 5), SIP_METHOD_UNKNOWN);
	CHECK_INT(sip_method_from("", 0), SIP_METHOD_UNKNOWN);

	CHECK_STR(sip_status_phrase(100), "Trying");
	CHECK_STR(sip_status_phrase(183), "Session Progress");
	CHECK_STR(sip_status_phrase(199), "Early Dialog Terminated");
	CHECK_STR(sip_status_phrase(204), "No Notification");
	CHECK_STR(sip_status_phrase(412), "Conditional Request Failed");
	CHECK_STR(sip_status_phrase(422), "Session Interval Too Small");
	CHECK_STR(sip_status_phrase(429), "Provide Referrer Identity");
	CHECK_STR(sip_status_phrase(481), "Call/Transaction Does Not Exist");
	CHECK_STR(sip_status_phrase(488), "Not Acceptable Here");
	CHECK_STR(sip_status_phrase(491), "Request Pending");
	CHECK_STR(sip_status_phrase(493), "Undecipherable");
	CHECK_STR(sip_status_phrase(580), "Precondition Failure");
	CHECK_STR(sip_status_phrase(603), "Decline");
	CHECK_STR(sip_status_phrase(607), "Unwanted");
	CHECK_STR(sip_status_phrase(608), "Rejected");
	CHECK(sip_status_phrase(0) == NULL);
	CHECK(sip_status_phrase(299) == NULL);
	CHECK(sip_status_phrase(-1) == NULL);
}

/* The offset just past the empty line that ends the headers. */
static size_t
header_end(const char *msg)
{
	const char	*crlf = strstr(msg, "\r\n\r\n");
	const char	*lf = strstr(msg, "\n\n");

	if (crlf != NULL && (lf == NULL || crlf < lf))
		return (size_t)(crlf - msg) + 4;
	return (size_t)(lf - msg) + 2;
}

/*
 * Every prefix of a message: truncated until the empty line after the
 * headers is in, then fine with the body clipped to what was captured.
 */
static void
check_prefixes(const char *msg)
{
	struct sip_msg	m;
	size_t		len, full = strlen(msg), end = header_end(msg);
	long		content_length;

	CHECK_INT(parse(msg, &m), DISSECT_OK);
	content_length = m.content_length;
	for (len = 0; len <= full; len++) {
		(void)looks_like_exact(msg, len);
		if (len < end) {
			CHECK_INT(parse_exact(msg, len, &m), DISSECT_TRUNCATED);
			continue;
		}
		CHECK_INT(parse_exact(msg, len, &m), DISSECT_OK);
		if (content_length < 0 ||
		    len - end <= (size_t)content_length)
			CHECK_INT(m.body.len, len - end);
	}
}

/* Every header the call logic reads, in long form. */
static const char invite_full[] =
	"INVITE sip:bob@example.org;transport=udp SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.30:5060;branch=z9hG4bK-top;rport\r\n"
	"Via: SIP/2.0/TCP 192.0.2.20:5060;branch=z9hG4bK-mid,\r\n"
	"  SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK-bottom\r\n"
	"Max-Forwards: 68\r\n"
	"From: \"Alice, A.\" <sip:alice@example.net>;tag=fa1\r\n"
	"To: <sip:bob@example.org>\r\n"
	"Call-ID: full-1@192.0.2.10\r\n"
	"CSeq: 101 INVITE\r\n"
	"Contact: \"Alice, at desk\" <sip:alice@192.0.2.10:5060;ob>"
	";expires=60, <sip:alice@198.51.100.7>\r\n"
	"User-Agent: Example-Phone/1.2 (beta; x86)\r\n"
	"Supported: replaces, timer, 100rel\r\n"
	"Subject: Project X\r\n"
	"Event: refer;id=93809824\r\n"
	"Allow-Events: talk, hold, refer\r\n"
	"Refer-To: <sip:carol@example.com?Replaces=abc%40x>\r\n"
	"Content-Encoding: identity\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 94\r\n"
	"\r\n"
	"v=0\r\n"
	"o=alice 1 1 IN IP4 192.0.2.10\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.10\r\n"
	"t=0 0\r\n"
	"m=audio 49170 RTP/AVP 0\r\n";

static void
test_headers(void)
{
	struct sip_msg	m;

	CHECK_INT(parse(invite_full, &m), DISSECT_OK);
	CHECK_INT(m.via_count, 3);
	CHECK_MEM(m.via.p, m.via.len,
	    "SIP/2.0/UDP 192.0.2.30:5060;branch=z9hG4bK-top;rport");
	CHECK_MEM(m.via_transport.p, m.via_transport.len, "UDP");
	CHECK_MEM(m.via_sent_by.p, m.via_sent_by.len, "192.0.2.30:5060");
	CHECK_MEM(m.via_branch.p, m.via_branch.len, "z9hG4bK-top");
	CHECK_MEM(m.from_uri.p, m.from_uri.len, "sip:alice@example.net");
	CHECK_MEM(m.contact.p, m.contact.len,
	    "\"Alice, at desk\" <sip:alice@192.0.2.10:5060;ob>;expires=60");
	CHECK_MEM(m.contact_uri.p, m.contact_uri.len,
	    "sip:alice@192.0.2.10:5060;ob");
	CHECK_MEM(m.user_agent.p, m.user_agent.len,
	    "Example-Phone/1.2 (beta; x86)");
	CHECK(m.server.p == NULL);
	CHECK_MEM(m.supported.p, m.supported.len, "replaces, timer, 100rel");
	CHECK_MEM(m.subject.p, m.subject.len, "Project X");
	CHECK_MEM(m.event.p, m.event.len, "refer;id=93809824");
	CHECK_MEM(m.allow_events.p, m.allow_events.len, "talk, hold, refer");
	CHECK_MEM(m.refer_to.p, m.refer_to.len,
	    "<sip:carol@example.com?Replaces=abc%40x>");
	CHECK_MEM(m.content_encoding.p, m.content_encoding.len, "identity");
	CHECK_INT(m.reason_cause, -1);
	CHECK_INT(m.reason_sip_cause, -1);
	CHECK(m.reason_protocol.p == NULL);
	CHECK_MEM(m.sdp.p, m.sdp.len, sdp_body);
	CHECK_INT(m.sdp_truncated, 0);
	CHECK_INT(m.header_len, sizeof invite_full - 1 - 94);
	CHECK(m.body.p == m.call_id.p + (m.header_len -
	    (size_t)(strstr(invite_full, "full-1@") - invite_full)));
}

/*
 * Every compact form RFC 3261 §7.3.3 and its successors define (IANA SIP
 * parameters): i f t v m l c k s e o r u, in either case.
 */
static void
test_compact_all(void)
{
	struct sip_msg	m;

	CHECK_INT(parse("NOTIFY sip:alice@192.0.2.10 SIP/2.0\r\n"
	    "V: SIP/2.0/UDP 198.51.100.20;branch=z9hG4bK-n1\r\n"
	    "v: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bK-n0\r\n"
	    "f: <sip:bob@example.org>;tag=b1\r\n"
	    "t: <sip:alice@example.net>;tag=a1\r\n"
	    "i: compact@198.51.100.20\r\n"
	    "CSeq: 5 NOTIFY\r\n"
	    "M: <sip:bob@198.51.100.20>\r\n"
	    "k: norefersub\r\n"
	    "S: transfer\r\n"
	    "o: refer;id=7\r\n"
	    "U: refer\r\n"
	    "r: <sip:carol@example.com>\r\n"
	    "E: gzip\r\n"
	    "c: message/sipfrag;version=2.0\r\n"
	    "l: 16\r\n"
	    "\r\n"
	    "SIP/2.0 200 OK\r\n", &m), DISSECT_OK);
	CHECK_INT(m.method, SIP_NOTIFY);
	CHECK_INT(m.via_count, 2);
	CHECK_MEM(m.via_branch.p, m.via_branch.len, "z9hG4bK-n1");
	CHECK_MEM(m.from_tag.p, m.from_tag.len, "b1");
	CHECK_MEM(m.to_tag.p, m.to_tag.len, "a1");
	CHECK_MEM(m.call_id.p, m.call_id.len, "compact@198.51.100.20");
	CHECK_MEM(m.contact_uri.p, m.contact_uri.len,
	    "sip:bob@198.51.100.20");
	CHECK_MEM(m.supported.p, m.supported.len, "norefersub");
	CHECK_MEM(m.subject.p, m.subject.len, "transfer");
	CHECK_MEM(m.event.p, m.event.len, "refer;id=7");
	CHECK_MEM(m.allow_events.p, m.allow_events.len, "refer");
	CHECK_MEM(m.refer_to.p, m.refer_to.len, "<sip:carol@example.com>");
	CHECK_MEM(m.content_encoding.p, m.content_encoding.len, "gzip");
	CHECK_MEM(m.content_type.p, m.content_type.len,
	    "message/sipfrag;version=2.0");
	CHECK_INT(m.content_length, 16);
	CHECK_MEM(m.body.p, m.body.len, "SIP/2.0 200 OK\r\n");
	/* A typed body that is not SDP is not taken for one. */
	CHECK(m.sdp.p == NULL);

	/* Letters that are not compact forms are just unknown headers. */
	CHECK_INT(parse("BYE sip:a@x SIP/2.0\r\nf: <sip:a@x>;tag=1\r\n"
	    "t: <sip:b@y>;tag=2\r\ni: q\r\nCSeq: 2 BYE\r\n"
	    "q: 1\r\nz: sip:x\r\nw: \r\ng: x\r\n\r\n", &m), DISSECT_OK);
	CHECK(m.contact.p == NULL);
	CHECK_INT(m.via_count, 0);
}

/* Via: values counted across headers, spacing, the top one kept. */
static void
test_via(void)
{
	struct sip_msg	m;

	CHECK_INT(parse("SIP/2.0 180 Ringing\r\n"
	    "Via: SIP / 2.0 / TCP  [2001:db8::1]:5061 ; received=192.0.2.1 ;"
	    " BRANCH = z9hG4bK-v6 , SIP/2.0/UDP p1.example.com\r\n"
	    "Via: SIP/2.0/UDP p2.example.com;branch=z9hG4bK-2,,\r\n"
	    "v: SIP/2.0/SCTP p3.example.com;branch=\"z9hG4bK-q,\"\r\n"
	    "f: <sip:a@x>;tag=1\r\nt: <sip:b@y>;tag=2\r\ni: v\r\n"
	    "CSeq: 1 INVITE\r\nServer: Example-PBX 3.0\r\n\r\n", &m),
	    DISSECT_OK);
	CHECK_INT(m.via_count, 4);
	CHECK_MEM(m.via_transport.p, m.via_transport.len, "TCP");
	CHECK_MEM(m.via_sent_by.p, m.via_sent_by.len, "[2001:db8::1]:5061");
	CHECK_MEM(m.via_branch.p, m.via_branch.len, "z9hG4bK-v6");
	CHECK_MEM(m.server.p, m.server.len, "Example-PBX 3.0");

	/* A Via without slashes or branch is kept, counted, not parsed. */
	CHECK_INT(parse("OPTIONS sip:x SIP/2.0\r\nVia: junk\r\n"
	    "f: <sip:a@x>;tag=1\r\nt: <sip:b@y>\r\ni: v2\r\n"
	    "CSeq: 1 OPTIONS\r\n\r\n", &m), DISSECT_OK);
	CHECK_INT(m.via_count, 1);
	CHECK_MEM(m.via.p, m.via.len, "junk");
	CHECK(m.via_branch.p == NULL);
	CHECK(m.via_transport.p == NULL);
	CHECK(m.via_sent_by.p == NULL);
}

/* Contact: "*", several values, an unparsable one that is no error. */
static void
test_contact(void)
{
	struct sip_msg	m;
	const char	*head = "REGISTER sip:example.org SIP/2.0\r\n"
	    "f: <sip:a@example.org>;tag=1\r\nt: <sip:a@example.org>\r\n"
	    "i: reg\r\nCSeq: 1 REGISTER\r\n";
	char		buf[512];

	snprintf(buf, sizeof buf, "%sContact: *\r\nExpires: 0\r\n\r\n",
	    head);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK_MEM(m.contact.p, m.contact.len, "*");
	CHECK(m.contact_uri.p == NULL);

	snprintf(buf, sizeof buf, "%sm: sip:a@192.0.2.1;expires=30, "
	    "<sip:a@192.0.2.2>\r\nm: <sip:a@192.0.2.3>\r\n\r\n", head);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK_MEM(m.contact.p, m.contact.len, "sip:a@192.0.2.1;expires=30");
	CHECK_MEM(m.contact_uri.p, m.contact_uri.len, "sip:a@192.0.2.1");

	snprintf(buf, sizeof buf, "%sContact: \"x\" <sip:a@192.0.2.1\r\n\r\n",
	    head);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK(m.contact.p != NULL);
	CHECK(m.contact_uri.p == NULL);
}

/* Reason (RFC 3326): the Q.850 cause as a number, wherever it is. */
static void
test_reason(void)
{
	struct sip_msg	m;
	const char	*head = "BYE sip:b@y SIP/2.0\r\n"
	    "f: <sip:a@x>;tag=1\r\nt: <sip:b@y>;tag=2\r\ni: r\r\n"
	    "CSeq: 2 BYE\r\n";
	char		buf[512];

	snprintf(buf, sizeof buf, "%sReason: Q.850 ;cause=16 ;"
	    "text=\"Normal call clearing\"\r\n\r\n", head);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK_INT(m.reason_cause, 16);
	CHECK_INT(m.reason_sip_cause, -1);
	CHECK_MEM(m.reason_protocol.p, m.reason_protocol.len, "Q.850");
	CHECK_MEM(m.reason_text.p, m.reason_text.len, "Normal call clearing");

	/* SIP first, Q.850 second, one header; quotes hiding ',' and ';'. */
	snprintf(buf, sizeof buf, "%sReason: SIP;cause=200;text=\"Call "
	    "completed, elsewhere;\", q.850;cause=31;text=\"x\"\r\n\r\n", head);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK_INT(m.reason_cause, 31);
	CHECK_INT(m.reason_sip_cause, 200);
	CHECK_MEM(m.reason_protocol.p, m.reason_protocol.len, "SIP");
	CHECK_MEM(m.reason_text.p, m.reason_text.len, "x");
	CHECK_MEM(m.reason.p, m.reason.len, "SIP;cause=200;text=\"Call "
	    "completed, elsewhere;\", q.850;cause=31;text=\"x\"");

	/* Two headers; the first Q.850 cause counts. */
	snprintf(buf, sizeof buf, "%sReason: SIP;cause=487\r\n"
	    "Reason: Q.850;cause=127\r\nReason: Q.850;cause=1\r\n\r\n", head);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK_INT(m.reason_cause, 127);
	CHECK_INT(m.reason_sip_cause, 487);
	CHECK(m.reason_text.p == NULL);

	/* Causes that are not numbers or out of range are no cause. */
	snprintf(buf, sizeof buf, "%sReason: Q.850;cause=128, Q.850;"
	    "cause=abc, Q.850;cause=, Q.850;cause, Q.850\r\n\r\n", head);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK_INT(m.reason_cause, -1);
	CHECK_MEM(m.reason_protocol.p, m.reason_protocol.len, "Q.850");
	snprintf(buf, sizeof buf, "%sReason: ;cause=16\r\n\r\n", head);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK_INT(m.reason_cause, -1);
	CHECK(m.reason_protocol.p == NULL);
	snprintf(buf, sizeof buf, "%sReason: Q.850;text=\"unterminated;"
	    "cause=16\r\n\r\n", head);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK_INT(m.reason_cause, -1);
}

/* An SDP and an ISUP body in one multipart/mixed body (SIP-I). */
static const char multipart_sdp[] =
	"v=0\r\n"
	"o=gw 7 7 IN IP4 203.0.113.5\r\n"
	"s=-\r\n"
	"c=IN IP4 203.0.113.5\r\n"
	"t=0 0\r\n"
	"m=audio 30000 RTP/AVP 8\r\n";

static const char multipart_invite[] =
	"INVITE sip:+15550100@example.org SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 203.0.113.5;branch=z9hG4bK-mp\r\n"
	"From: <sip:+15550199@203.0.113.5>;tag=g1\r\n"
	"To: <sip:+15550100@example.org>\r\n"
	"Call-ID: mp-1@203.0.113.5\r\n"
	"CSeq: 1 INVITE\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: multipart/mixed ; boundary=\"unique-boundary-1\"\r\n"
	"Content-Length: 331\r\n"
	"\r\n"
	"This is a preamble.\r\n"
	"--unique-boundary-1\r\n"
	"Content-Type: application/sdp\r\n"
	"\r\n"
	"v=0\r\n"
	"o=gw 7 7 IN IP4 203.0.113.5\r\n"
	"s=-\r\n"
	"c=IN IP4 203.0.113.5\r\n"
	"t=0 0\r\n"
	"m=audio 30000 RTP/AVP 8\r\n"
	"\r\n"
	"--unique-boundary-1\r\n"
	"Content-Type: application/ISUP;version=itu-t92+\r\n"
	"Content-Disposition: signal;handling=optional\r\n"
	"\r\n"
	"\x01\x10\x49\x20\x7f\x03\x02\x11\x07\r\n"
	"--unique-boundary-1--\r\n"
	"epilogue";

/* Build a multipart message around a body and its Content-Type. */
static void
make_multipart(char *buf, size_t size, const char *ctype, const char *body)
{
	snprintf(buf, size, "INVITE sip:b@y SIP/2.0\r\n"
	    "f: <sip:a@x>;tag=1\r\nt: <sip:b@y>\r\ni: mp\r\n"
	    "CSeq: 1 INVITE\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\n\r\n%s", ctype, strlen(body), body);
}

static void
test_multipart(void)
{
	struct sip_msg	m;
	char		buf[2048], body[1024], boundary[72], ctype[128];
	const char	*sdp = "v=0\r\nm=audio 4000 RTP/AVP 0\r\n";

	CHECK_INT(parse(multipart_invite, &m), DISSECT_OK);
	CHECK_INT(m.content_length, 331);
	CHECK_INT(m.body.len, 331);
	CHECK_MEM(m.sdp.p, m.sdp.len, multipart_sdp);
	CHECK_INT(m.sdp_truncated, 0);

	/* The SDP second, LF line ends, a boundary without quotes. */
	snprintf(body, sizeof body, "--b1\nContent-Type: text/plain\n\nhi\n"
	    "--b1\ncontent-type : Application/SDP;charset=x\n\n%s\n--b1--\n",
	    sdp);
	make_multipart(buf, sizeof buf, "multipart/mixed;boundary=b1", body);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK_MEM(m.sdp.p, m.sdp.len, sdp);

	/* Nested: multipart/alternative inside multipart/mixed. */
	snprintf(body, sizeof body, "--outer\r\n"
	    "Content-Type: multipart/alternative; boundary=inner\r\n\r\n"
	    "--inner\r\nContent-Type: application/sdp\r\n\r\n%s\r\n"
	    "--inner--\r\n--outer--\r\n", sdp);
	make_multipart(buf, sizeof buf, "multipart/mixed;boundary=outer",
	    body);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK_MEM(m.sdp.p, m.sdp.len, sdp);

	/* A delimiter-like line that only starts with the boundary. */
	snprintf(body, sizeof body, "--b\r\nContent-Type: application/sdp\r\n"
	    "\r\n%s--bb\r\n--b x\r\n\r\n--b--", sdp);
	make_multipart(buf, sizeof buf, "multipart/mixed;boundary=b", body);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK(m.sdp.p != NULL);
	CHECK(m.sdp.len == strlen(sdp) + strlen("--bb\r\n--b x\r\n"));

	/* No close delimiter, nothing cut: the last part runs to the end. */
	snprintf(body, sizeof body, "--b\r\nContent-Type: application/sdp\r\n"
	    "\r\n%s", sdp);
	make_multipart(buf, sizeof buf, "multipart/mixed;boundary=b", body);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK_MEM(m.sdp.p, m.sdp.len, sdp);
	CHECK_INT(m.sdp_truncated, 0);

	/* Missing, empty, too long and absent boundaries: no SDP found. */
	snprintf(body, sizeof body, "--b\r\nContent-Type: application/sdp\r\n"
	    "\r\n%s\r\n--b--\r\n", sdp);
	make_multipart(buf, sizeof buf, "multipart/mixed", body);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK(m.sdp.p == NULL);
	make_multipart(buf, sizeof buf, "multipart/mixed;boundary=", body);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK(m.sdp.p == NULL);
	make_multipart(buf, sizeof buf, "multipart/mixed;boundary=\"\"", body);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK(m.sdp.p == NULL);
	make_multipart(buf, sizeof buf, "multipart/mixed;boundary=c", body);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK(m.sdp.p == NULL);

	/* RFC 2046 allows boundaries of 70 characters, not more. */
	memset(boundary, 'z', 71);
	boundary[70] = '\0';
	snprintf(ctype, sizeof ctype, "multipart/mixed;boundary=%s", boundary);
	snprintf(body, sizeof body, "--%s\r\nContent-Type: application/sdp"
	    "\r\n\r\n%s\r\n--%s--\r\n", boundary, sdp, boundary);
	make_multipart(buf, sizeof buf, ctype, body);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK_MEM(m.sdp.p, m.sdp.len, sdp);
	boundary[70] = 'z';
	boundary[71] = '\0';
	snprintf(ctype, sizeof ctype, "multipart/mixed;boundary=%s", boundary);
	snprintf(body, sizeof body, "--%s\r\nContent-Type: application/sdp"
	    "\r\n\r\n%s\r\n--%s--\r\n", boundary, sdp, boundary);
	make_multipart(buf, sizeof buf, ctype, body);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK(m.sdp.p == NULL);
	make_multipart(buf, sizeof buf, "multipart", body);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK(m.sdp.p == NULL);

	/* A part without Content-Type is text/plain, and an empty SDP none. */
	snprintf(body, sizeof body, "--b\r\n\r\n%s\r\n--b\r\n"
	    "Content-Type: application/sdp\r\n\r\n\r\n--b--\r\n", sdp);
	make_multipart(buf, sizeof buf, "multipart/mixed;boundary=b", body);
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK(m.sdp.p == NULL);

	/* Only the close delimiter; headers that never end. */
	make_multipart(buf, sizeof buf, "multipart/mixed;boundary=b",
	    "--b--\r\n");
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK(m.sdp.p == NULL);
	make_multipart(buf, sizeof buf, "multipart/mixed;boundary=b",
	    "--b\r\nContent-Type: application/sdp\r\n");
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK(m.sdp.p == NULL);
	make_multipart(buf, sizeof buf, "multipart/mixed;boundary=b", "--b");
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK(m.sdp.p == NULL);

	/* Deeper nesting than is followed. */
	make_multipart(buf, sizeof buf, "multipart/mixed;boundary=a",
	    "--a\r\nContent-Type: multipart/mixed;boundary=b\r\n\r\n"
	    "--b\r\nContent-Type: multipart/mixed;boundary=c\r\n\r\n"
	    "--c\r\nContent-Type: multipart/mixed;boundary=d\r\n\r\n"
	    "--d\r\nContent-Type: application/sdp\r\n\r\n"
	    "v=0\r\n--d--\r\n--c--\r\n--b--\r\n--a--\r\n");
	CHECK_INT(parse(buf, &m), DISSECT_OK);
	CHECK(m.sdp.p == NULL);
}

/* The whole body as SDP: typed, untyped, or cut by the capture. */
static void
test_sdp_body(void)
{
	struct sip_msg	m;
	size_t		len;

	/*
	 * No Content-Type: the body is taken for SDP, as phones send it.
	 * (Found by fuzz-sip under clang's UBSan: the absent type's NULL
	 * pointer was offset by 0, undefined behaviour.)
	 */
	CHECK_INT(parse("INVITE sip:b@y SIP/2.0\r\nf: <sip:a@x>;tag=1\r\n"
	    "t: <sip:b@y>\r\ni: x\r\nCSeq: 1 INVITE\r\n\r\nv=0\r\n", &m),
	    DISSECT_OK);
	CHECK_MEM(m.sdp.p, m.sdp.len, "v=0\r\n");
	CHECK_INT(parse("INVITE sip:b@y SIP/2.0\r\nf: <sip:a@x>;tag=1\r\n"
	    "t: <sip:b@y>\r\ni: x\r\nCSeq: 1 INVITE\r\n"
	    "c: APPLICATION/SDP ; x=1\r\n\r\nv=0\r\n", &m), DISSECT_OK);
	CHECK_MEM(m.sdp.p, m.sdp.len, "v=0\r\n");
	CHECK_INT(parse(ok_200, &m), DISSECT_OK);
	CHECK(m.sdp.p == NULL);

	/* Compressed: no SDP to read; "identity" is no compression. */
	CHECK_INT(parse("INVITE sip:b@y SIP/2.0\r\nf: <sip:a@x>;tag=1\r\n"
	    "t: <sip:b@y>\r\ni: x\r\nCSeq: 1 INVITE\r\n"
	    "c: application/sdp\r\ne: gzip\r\n\r\n\x1f\x8b\x08", &m),
	    DISSECT_OK);
	CHECK(m.sdp.p == NULL);
	CHECK_INT(m.body.len, 3);
	CHECK_INT(parse("INVITE sip:b@y SIP/2.0\r\nf: <sip:a@x>;tag=1\r\n"
	    "t: <sip:b@y>\r\ni: x\r\nCSeq: 1 INVITE\r\n"
	    "c: application/sdp\r\nContent-Encoding: Identity\r\n\r\n"
	    "v=0\r\n", &m), DISSECT_OK);
	CHECK_MEM(m.sdp.p, m.sdp.len, "v=0\r\n");

	/* Cut inside the body: what there is, flagged. */
	len = sizeof invite - 1 - 30;
	CHECK_INT(parse_exact(invite, len, &m), DISSECT_OK);
	CHECK_INT(m.sdp.len, 64);
	CHECK_INT(m.sdp_truncated, 1);
}

/* Every prefix of a multipart message: never a wrong, untruncated SDP. */
static void
test_multipart_prefixes(void)
{
	struct sip_msg	m;
	size_t		len, full = strlen(multipart_invite);
	size_t		end = header_end(multipart_invite);
	size_t		sdp_end;

	sdp_end = (size_t)(strstr(multipart_invite, "m=audio 30000") -
	    multipart_invite) + strlen("m=audio 30000 RTP/AVP 8\r\n");
	for (len = 0; len <= full; len++) {
		(void)looks_like_exact(multipart_invite, len);
		if (len < end) {
			CHECK_INT(parse_exact(multipart_invite, len, &m),
			    DISSECT_TRUNCATED);
			continue;
		}
		CHECK_INT(parse_exact(multipart_invite, len, &m), DISSECT_OK);
		if (m.sdp.p != NULL && !m.sdp_truncated)
			CHECK_MEM(m.sdp.p, m.sdp.len, multipart_sdp);
		if (len >= sdp_end + strlen("\r\n--unique-boundary-1"))
			CHECK(m.sdp.p != NULL && !m.sdp_truncated);
		if (len < sdp_end)
			CHECK(m.sdp.p == NULL || m.sdp_truncated);
	}
}

/*
 * HTTP on the SIP port (a public capture of the kind holds an HLS request
 * and a 403 answer over TCP 5060): not SIP.
 */
static void
test_http(void)
{
	struct sip_msg	m;
	const char	req[] = "GET /live/index.m3u8?token=0123abcd "
	    "HTTP/1.1\r\nUser-Agent: player/1.0\r\n"
	    "Host: 192.0.2.2\r\nConnection: Keep-Alive\r\n\r\n";
	const char	resp[] = "HTTP/1.1 403 Forbidden\r\n"
	    "Connection: keep-alive\r\nContent-Length: 4\r\n\r\n<htm";
	size_t		len;

	CHECK(!looks_like(req));
	CHECK(!looks_like(resp));
	CHECK(!looks_like("GET / HTTP/1.1\r\n\r\n"));
	CHECK(!looks_like("HTTP/1.1 200 OK\r\n\r\n"));
	CHECK(!looks_like("OPTIONS * HTTP/1.1\r\n"));
	CHECK(!looks_like("OPTIONS sip:x HTTP/1.1\r\n"));
	CHECK(!looks_like("POST sip:x\x01\x02"));
	for (len = 0; len <= sizeof req - 1; len++)
		CHECK(!looks_like_exact(req, len));
	for (len = 0; len <= sizeof resp - 1; len++)
		CHECK(!looks_like_exact(resp, len));
	CHECK_INT(parse(req, &m), DISSECT_MALFORMED);
	CHECK_INT(parse(resp, &m), DISSECT_MALFORMED);
}

static void
test_prefixes(void)
{
	check_prefixes(invite);
	check_prefixes(ok_200);
	check_prefixes(invite_full);
	check_prefixes(multipart_invite);
	check_prefixes("INVITE sip:bob@example.org SIP/2.0\n"
	    "From: \"Alice\n Smith\" <sip:a@x>;tag=1\n"
	    "To: <sip:bob@example.org>\n"
	    "Call-ID: x\nCSeq:\n 1\n INVITE\n\nbody");
}

/*
 * A parse moved with its bytes: rebased, it is the parse of the copy,
 * byte for byte, so no slice was left pointing into the old bytes.
 */
static void
check_rebase(const char *text)
{
	size_t len = strlen(text);
	uint8_t *a = malloc(len), *b = malloc(len);
	struct sip_msg moved, fresh;

	memcpy(a, text, len);
	memcpy(b, text, len);
	CHECK_INT(sip_parse(a, len, &moved), DISSECT_OK);
	sip_msg_rebase(&moved, a, b);
	/* The old bytes are gone: a slice left behind would read this. */
	memset(a, 'X', len);
	free(a);
	CHECK_INT(sip_parse(b, len, &fresh), DISSECT_OK);
	CHECK(memcmp(&moved, &fresh, sizeof(moved)) == 0);
	CHECK(moved.call_id.len > 0 &&
	    moved.call_id.p >= (const char *)b &&
	    moved.call_id.p < (const char *)b + len);
	free(b);
}

static void
test_rebase(void)
{
	check_rebase(invite_full);
	check_rebase(multipart_invite);
	check_rebase("SIP/2.0 486 Busy Here\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK-1\r\n"
	    "From: <sip:alice@example.net>;tag=fa1\r\n"
	    "To: <sip:bob@example.org>;tag=tb2\r\n"
	    "Call-ID: busy-1@192.0.2.10\r\nCSeq: 101 INVITE\r\n"
	    "Server: Example-PBX/3\r\n"
	    "Reason: Q.850;cause=17;text=\"User busy\"\r\n"
	    "Content-Length: 0\r\n\r\n");
}

int
main(void)
{
	RUN(test_invite);
	RUN(test_response);
	RUN(test_compact);
	RUN(test_folded);
	RUN(test_lf_only);
	RUN(test_missing_required);
	RUN(test_malformed);
	RUN(test_truncated);
	RUN(test_content_length);
	RUN(test_name_addr);
	RUN(test_odd_but_valid);
	RUN(test_looks_like);
	RUN(test_names);
	RUN(test_repeated);
	RUN(test_headers);
	RUN(test_compact_all);
	RUN(test_via);
	RUN(test_contact);
	RUN(test_reason);
	RUN(test_multipart);
	RUN(test_sdp_body);
	RUN(test_multipart_prefixes);
	RUN(test_http);
	RUN(test_prefixes);
	RUN(test_rebase);
	release_copy();
	return unit_done("sip");
}
