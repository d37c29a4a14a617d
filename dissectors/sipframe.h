/*
 * Where one SIP message ends in a byte stream (RFC 3261 section 18.3): the
 * start line, header lines up to the empty line, then Content-Length bytes
 * of body.  For SIP over TCP, where nothing else marks a message's end.
 *
 * The scan is resumable: the caller keeps a struct sipframe per message,
 * and each call looks only at the header lines it has not seen yet, so a
 * message fed one byte at a time costs linear work, not quadratic.
 */
#ifndef VQ_SIPFRAME_H
#define VQ_SIPFRAME_H

#include <stddef.h>
#include <stdint.h>

enum sipframe_result {
	SIPFRAME_COMPLETE,	/* the message is whole: *msg_len bytes */
	SIPFRAME_NEED_MORE,	/* SIP so far; its end is not captured yet */
	SIPFRAME_NOT_SIP	/* not SIP, contradictory, or over max_len */
};

/* Scan state of one message; reset with sipframe_init for the next. */
struct sipframe {
	size_t		 scanned;	/* bytes of whole lines already read */
	size_t		 header_len;	/* to the empty line; 0: not yet */
	size_t		 content_length;
	int		 has_content_length;
};

/* Longest start line looked at before giving up on it. */
#define SIPFRAME_MAX_START_LINE	8192

void	sipframe_init(struct sipframe *);

/*
 * Measure the message that starts at p, of which len bytes are here (the
 * same first bytes as at the previous call, and maybe more).  The start
 * line must be the first byte: leading CRLF keep-alives are the caller's
 * to skip.  A message longer than max_len (headers and body) is NOT_SIP,
 * as is a Content-Length that is not a number or that two headers state
 * differently.  Without Content-Length the body is taken to be empty
 * (RFC 3261 requires the header on stream transports).  NEED_MORE is only
 * returned while the message could still fit in max_len bytes.
 */
enum sipframe_result sipframe_feed(struct sipframe *, const uint8_t *p,
	    size_t len, size_t max_len, size_t *msg_len);

/* sipframe_feed from a fresh state: for a caller that keeps none. */
enum sipframe_result sipframe_measure(const uint8_t *p, size_t len,
	    size_t max_len, size_t *msg_len);

/*
 * Does p start with a SIP request or status line?  COMPLETE: the whole
 * line is there and is one (*line_len counts its CRLF or LF); NEED_MORE:
 * the bytes so far could begin one; NOT_SIP otherwise.  HTTP is not SIP.
 */
enum sipframe_result sipframe_start_line(const uint8_t *p, size_t len,
	    size_t *line_len);

#endif /* VQ_SIPFRAME_H */
