/*
 * Unit tests for dissectors/sip.c.
 */

#include <stdlib.h>

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

static void
test_prefixes(void)
{
	check_prefixes(invite);
	check_prefixes(ok_200);
	check_prefixes("INVITE sip:bob@example.org SIP/2.0\n"
	    "From: \"Alice\n Smith\" <sip:a@x>;tag=1\n"
	    "To: <sip:bob@example.org>\n"
	    "Call-ID: x\nCSeq:\n 1\n INVITE\n\nbody");
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
	RUN(test_prefixes);
	release_copy();
	return unit_done("sip");
}
