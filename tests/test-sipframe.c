/*
 * Unit tests for dissectors/sipframe.c: where a SIP message ends in a
 * byte stream.  Every measure is also run on a heap copy of exactly the
 * bytes given, so AddressSanitizer sees any read past them, and fed one
 * byte at a time through the resumable interface, which must agree.
 */

#include <stdlib.h>

#include "dissectors/sipframe.h"
#include "tests/unit.h"

#define MAX_LEN		65536

#define INVITE_HEAD							\
	"INVITE sip:bob@example.com SIP/2.0\r\n"			\
	"Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK776\r\n"		\
	"Call-ID: a84b4c76e66710\r\n"

/* Measure a heap copy of the first len bytes of text. */
static enum sipframe_result
measure(const char *text, size_t len, size_t max_len, size_t *msg_len)
{
	enum sipframe_result	 r;
	uint8_t			*copy = malloc(len != 0 ? len : 1);

	memcpy(copy, text, len);
	*msg_len = 0;
	r = sipframe_measure(copy, len, max_len, msg_len);
	free(copy);
	return r;
}

/*
 * Feed text one more byte at a time through one state, as a stream
 * would deliver it; return the first result that is not NEED_MORE.
 */
static enum sipframe_result
feed_bytewise(const char *text, size_t len, size_t max_len, size_t *msg_len)
{
	struct sipframe		 sf;
	enum sipframe_result	 r = SIPFRAME_NEED_MORE;
	size_t			 n;
	uint8_t			*copy;

	sipframe_init(&sf);
	*msg_len = 0;
	for (n = 1; n <= len && r == SIPFRAME_NEED_MORE; n++) {
		copy = malloc(n);
		memcpy(copy, text, n);
		r = sipframe_feed(&sf, copy, n, max_len, msg_len);
		free(copy);
	}
	return r;
}

/* A whole message of want bytes at the start of text (maybe more after). */
static void
check_complete(const char *text, size_t want)
{
	size_t	msg_len, len = strlen(text), cut;

	CHECK_INT(measure(text, len, MAX_LEN, &msg_len), SIPFRAME_COMPLETE);
	CHECK_INT(msg_len, want);
	CHECK_INT(feed_bytewise(text, len, MAX_LEN, &msg_len),
	    SIPFRAME_COMPLETE);
	CHECK_INT(msg_len, want);
	/* Every shorter prefix needs more. */
	for (cut = 0; cut < want; cut++)
		CHECK_INT(measure(text, cut, MAX_LEN, &msg_len),
		    SIPFRAME_NEED_MORE);
}

static void
check_not_sip(const char *text)
{
	size_t	msg_len, len = strlen(text);

	CHECK_INT(measure(text, len, MAX_LEN, &msg_len), SIPFRAME_NOT_SIP);
	CHECK_INT(feed_bytewise(text, len, MAX_LEN, &msg_len),
	    SIPFRAME_NOT_SIP);
}

static void
test_request_with_body(void)
{
	const char	*msg = INVITE_HEAD
	    "Content-Length: 4\r\n"
	    "\r\n"
	    "v=0\n"
	    "BYE sip:bob@example.com SIP/2.0\r\n";

	check_complete(msg, strlen(msg) - strlen("BYE sip:bob@example.com "
	    "SIP/2.0\r\n"));
}

static void
test_response(void)
{
	const char	*msg = "SIP/2.0 200 OK\r\n"
	    "Call-ID: x\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n";
	size_t		 msg_len;

	check_complete(msg, strlen(msg));
	/* An empty reason phrase, with or without its space. */
	check_complete("SIP/2.0 180 \r\nl: 0\r\n\r\n", 22);
	check_complete("SIP/2.0 180\r\nl: 0\r\n\r\n", 21);
	/* The version in lower case is still SIP (RFC 3261 7.1). */
	check_complete("sip/2.0 486 Busy Here\r\n\r\n", 25);
	/* Status codes run from 100 to 699. */
	CHECK_INT(measure("SIP/2.0 099 Odd\r\n\r\n", 19, MAX_LEN, &msg_len),
	    SIPFRAME_NOT_SIP);
	CHECK_INT(measure("SIP/2.0 700 Odd\r\n\r\n", 19, MAX_LEN, &msg_len),
	    SIPFRAME_NOT_SIP);
	CHECK_INT(measure("SIP/2.0 20 OK\r\n\r\n", 17, MAX_LEN, &msg_len),
	    SIPFRAME_NOT_SIP);
	CHECK_INT(measure("SIP/2.0 2000 OK\r\n\r\n", 19, MAX_LEN, &msg_len),
	    SIPFRAME_NOT_SIP);
}

static void
test_compact_length(void)
{
	const char	*msg = INVITE_HEAD
	    "l: 3\r\n"
	    "\r\n"
	    "abc";
	const char	*spaced = INVITE_HEAD
	    "L\t :  3 \t\r\n"
	    "\r\n"
	    "abc";
	const char	*longform = INVITE_HEAD
	    "cOnTeNt-LeNgTh:3\r\n"
	    "\r\n"
	    "abcdef";

	check_complete(msg, strlen(msg));
	check_complete(spaced, strlen(spaced));
	check_complete(longform, strlen(longform) - 3);
}

/* No Content-Length: the body is taken as empty. */
static void
test_missing_length(void)
{
	const char	*msg = "OPTIONS sip:carol@example.com SIP/2.0\r\n"
	    "Call-ID: y\r\n"
	    "\r\n"
	    "SIP/2.0 200 OK\r\n";

	check_complete(msg, strlen(msg) - strlen("SIP/2.0 200 OK\r\n"));
	/* Headers alone, no empty line yet: more is needed. */
	check_complete("OPTIONS sip:c@d SIP/2.0\r\n\r\n", 27);
}

static void
test_bare_lf(void)
{
	const char	*msg = "BYE sip:bob@example.com SIP/2.0\n"
	    "Content-Length: 2\n"
	    "\n"
	    "hi";

	check_complete(msg, strlen(msg));
}

/* Folded lines continue a header; the start line cannot be folded away. */
static void
test_folded(void)
{
	const char	*msg = INVITE_HEAD
	    "Subject: a long\r\n"
	    "  subject\r\n"
	    "\tstill\r\n"
	    "Content-Length: 1\r\n"
	    "\r\n"
	    "x";

	check_complete(msg, strlen(msg));
	/* A length folded before its digits has none: not SIP. */
	check_not_sip(INVITE_HEAD "Content-Length:\r\n 1\r\n\r\nx");
}

static void
test_length_limits(void)
{
	char	 buf[256];
	size_t	 msg_len;
	int	 n;

	/* Huge, overflowing, or just past max_len: refused at once. */
	check_not_sip(INVITE_HEAD "Content-Length: 99999999999999999999999999"
	    "\r\n\r\n");
	check_not_sip(INVITE_HEAD "l: 18446744073709551617\r\n\r\n");
	check_not_sip(INVITE_HEAD "Content-Length: 65537\r\n\r\n");

	/* Headers plus body exactly max_len is fine, one more is not. */
	n = snprintf(buf, sizeof buf, "%sl: 10\r\n\r\n0123456789",
	    INVITE_HEAD);
	CHECK_INT(measure(buf, (size_t)n, (size_t)n, &msg_len),
	    SIPFRAME_COMPLETE);
	CHECK_INT(msg_len, n);
	CHECK_INT(measure(buf, (size_t)n, (size_t)n - 1, &msg_len),
	    SIPFRAME_NOT_SIP);
	/* NEED_MORE only while the message could still fit. */
	CHECK_INT(measure(buf, (size_t)n - 1, (size_t)n, &msg_len),
	    SIPFRAME_NEED_MORE);
	CHECK_INT(measure(buf, 40, 40, &msg_len), SIPFRAME_NOT_SIP);
	CHECK_INT(measure(buf, 10, 10, &msg_len), SIPFRAME_NOT_SIP);

	/* Two lengths: equal is fine, different is ambiguous. */
	check_complete(INVITE_HEAD "l: 1\r\nContent-Length: 1\r\n\r\nx",
	    strlen(INVITE_HEAD "l: 1\r\nContent-Length: 1\r\n\r\nx"));
	check_not_sip(INVITE_HEAD "l: 1\r\nContent-Length: 2\r\n\r\nxy");

	/* Not a number. */
	check_not_sip(INVITE_HEAD "Content-Length: 12a\r\n\r\n");
	check_not_sip(INVITE_HEAD "Content-Length: -1\r\n\r\n");
	check_not_sip(INVITE_HEAD "Content-Length: \r\n\r\n");
	check_not_sip(INVITE_HEAD "Content-Length: 1 2\r\n\r\n");
}

static void
test_garbage(void)
{
	size_t	msg_len;

	check_not_sip("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
	check_not_sip("HTTP/1.1 200 OK\r\n\r\n");
	check_not_sip("POST sip:x HTTP/1.1\r\n\r\n");
	check_not_sip("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03");
	check_not_sip("INVITE  sip:bob@example.com SIP/2.0\r\n\r\n");
	check_not_sip("INVITE sip:bob@example.com SIP/2.0 \r\n\r\n");
	check_not_sip("INVITE bob SIP/2.0\r\n\r\n");	/* no scheme */
	check_not_sip("INVITE sip:bob@example.com SIP/3.0\r\n\r\n");
	check_not_sip("INV(TE sip:bob@example.com SIP/2.0\r\n\r\n");
	check_not_sip(" INVITE sip:bob@example.com SIP/2.0\r\n\r\n");
	check_not_sip("\r\nINVITE sip:bob@example.com SIP/2.0\r\n\r\n");
	/* A header line without a colon, or with a bad name. */
	check_not_sip(INVITE_HEAD "Garbage here\r\n\r\n");
	check_not_sip(INVITE_HEAD ": no name\r\n\r\n");
	check_not_sip(INVITE_HEAD "Na(me: x\r\n\r\n");
	/* A NUL inside the headers. */
	CHECK_INT(measure(INVITE_HEAD "X: a\0b\r\n\r\n",
	    strlen(INVITE_HEAD) + 10, MAX_LEN, &msg_len), SIPFRAME_NOT_SIP);
	/* A start line that never ends. */
	{
		char	*line = malloc(SIPFRAME_MAX_START_LINE + 16);

		memcpy(line, "INVITE sip:", 11);
		memset(line + 11, 'a', SIPFRAME_MAX_START_LINE + 5);
		CHECK_INT(measure(line, SIPFRAME_MAX_START_LINE - 1, MAX_LEN,
		    &msg_len), SIPFRAME_NEED_MORE);
		CHECK_INT(measure(line, SIPFRAME_MAX_START_LINE, MAX_LEN,
		    &msg_len), SIPFRAME_NOT_SIP);
		free(line);
	}
	/* Nothing at all: wait. */
	CHECK_INT(measure("", 0, MAX_LEN, &msg_len), SIPFRAME_NEED_MORE);
}

/* The start-line check alone, on whole and partial lines. */
static void
test_start_line(void)
{
	size_t		 line_len;
	const char	*req = "REGISTER sips:registrar.example.com "
			    "SIP/2.0\r\n";
	size_t		 n;

	CHECK_INT(sipframe_start_line((const uint8_t *)req, strlen(req),
	    &line_len), SIPFRAME_COMPLETE);
	CHECK_INT(line_len, strlen(req));
	for (n = 0; n < strlen(req) - 1; n++)
		CHECK_INT(sipframe_start_line((const uint8_t *)req, n,
		    &line_len), SIPFRAME_NEED_MORE);
	CHECK_INT(sipframe_start_line((const uint8_t *)"SIP/2.0 1", 9,
	    &line_len), SIPFRAME_NEED_MORE);
	CHECK_INT(sipframe_start_line((const uint8_t *)"SIP/2.0 1x", 10,
	    &line_len), SIPFRAME_NOT_SIP);
	CHECK_INT(sipframe_start_line((const uint8_t *)"SIP/2.0 100x", 12,
	    &line_len), SIPFRAME_NOT_SIP);
	CHECK_INT(sipframe_start_line((const uint8_t *)"GET /", 5,
	    &line_len), SIPFRAME_NEED_MORE);
	CHECK_INT(sipframe_start_line((const uint8_t *)"GET / H", 7,
	    &line_len), SIPFRAME_NOT_SIP);
	CHECK_INT(sipframe_start_line((const uint8_t *)"ACK tel:+1 SIP/2.0\n",
	    19, &line_len), SIPFRAME_COMPLETE);
	CHECK_INT(line_len, 19);
	CHECK_INT(sipframe_start_line((const uint8_t *)"\x80", 1,
	    &line_len), SIPFRAME_NOT_SIP);
}

/* Several messages back to back: measured one after the other. */
static void
test_back_to_back(void)
{
	const char	*stream =
	    "SIP/2.0 100 Trying\r\nl: 0\r\n\r\n"
	    "SIP/2.0 180 Ringing\r\nl: 0\r\n\r\n"
	    "SIP/2.0 200 OK\r\nl: 5\r\n\r\nhello";
	const size_t	 want[] = { 28, 29, 29 };
	size_t		 off = 0, msg_len, i;

	for (i = 0; i < 3; i++) {
		CHECK_INT(measure(stream + off, strlen(stream) - off, MAX_LEN,
		    &msg_len), SIPFRAME_COMPLETE);
		CHECK_INT(msg_len, want[i]);
		off += msg_len;
	}
	CHECK_INT(off, strlen(stream));
}

int
main(void)
{
	RUN(test_request_with_body);
	RUN(test_response);
	RUN(test_compact_length);
	RUN(test_missing_length);
	RUN(test_bare_lf);
	RUN(test_folded);
	RUN(test_length_limits);
	RUN(test_garbage);
	RUN(test_start_line);
	RUN(test_back_to_back);
	return unit_done("sipframe");
}
