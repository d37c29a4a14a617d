/*
 * SIP over WebSocket in the TCP reassembler (RFC 7118): the halves of a
 * connection that opened with an HTTP Upgrade read their HTTP head, then
 * frames (wsframe.h), whose data messages, unmasked and put together from
 * their fragments, are one SIP message each.  A half's message so far is
 * held in its own buffer, charged to the reassembler's memory bound.
 */
#include <string.h>

#include "dissectors/tcpreasm-private.h"
#include "dissectors/wsframe.h"

/* Does a connection open here with an HTTP Upgrade to WebSocket? */
int
tcpreasm_starts_ws(const struct tcpreasm *t, const uint8_t *p, size_t len)
{
	size_t	head_len;
	int	upgrade;

	return len >= 4 && memcmp(p, "GET ", 4) == 0 &&
	    wsframe_http_head(p, len, t->limits.max_message, &head_len,
	    &upgrade) == WSFRAME_COMPLETE && upgrade;
}

/* A whole WebSocket message in h->ws: its SIP message out, if it is one. */
static void
tcpreasm_ws_message(struct tcpreasm *t, struct conn *c, int dir,
    int64_t ts_us)
{
	struct half	*h = &c->half[dir];
	size_t		 skip = tcpreasm_crlf(h->ws, h->ws_len), msg_len;

	if (!h->ws_skip && skip < h->ws_len && sipframe_measure(h->ws + skip,
	    h->ws_len - skip, t->limits.max_message, &msg_len) ==
	    SIPFRAME_COMPLETE)
		tcpreasm_deliver(t, c, dir, h->ws + skip, msg_len, ts_us);
	else if (skip < h->ws_len)
		t->stats.bytes_dropped += h->ws_len;
	h->ws_len = 0;
	h->ws_in_message = 0;
	h->ws_skip = 0;
}

/*
 * The WebSocket way of tcpreasm_frame: the HTTP head, then whole frames.
 * A frame's payload is unmasked into the half's message, which goes out
 * at its last frame; control frames (close, ping, pong) carry no SIP.  A
 * head that is no upgrade, or a frame that breaks RFC 6455, ends the
 * half's following (a frame longer than max_message, only its message).
 */
size_t
tcpreasm_frame_ws(struct tcpreasm *t, struct conn *c, int dir,
    const uint8_t *p, size_t len, int64_t ts_us)
{
	struct half		*h = &c->half[dir];
	struct wsframe		 f;
	enum wsframe_result	 r;
	size_t			 off = 0, head_len, avail;
	uint64_t		 frame_len;
	int			 upgrade;

	if (h->resync != RESYNC_NONE) {
		/* A hole lost the frames' boundaries for good. */
		t->stats.bytes_dropped += len;
		return len;
	}
	while (off < len) {
		avail = len - off;
		if (h->mode == HALF_HTTP) {
			r = wsframe_http_head(p + off, avail,
			    t->limits.max_message, &head_len, &upgrade);
			if (r == WSFRAME_NEED_MORE)
				break;
			if (r == WSFRAME_BAD || !upgrade)
				goto broken;
			off += head_len;
			h->mode = HALF_WS;
			continue;
		}
		r = wsframe_header(p + off, avail, &f);
		if (r == WSFRAME_NEED_MORE)
			break;
		if (r == WSFRAME_BAD)
			goto broken;
		frame_len = f.header_len + f.payload_len;
		if (frame_len > t->limits.max_message)
			goto broken;
		if (frame_len > avail)
			break;
		if (f.opcode == WSFRAME_TEXT || f.opcode == WSFRAME_BINARY ||
		    f.opcode == WSFRAME_CONTINUATION) {
			if (f.opcode != WSFRAME_CONTINUATION) {
				/* A new message: one left unfinished is lost. */
				t->stats.bytes_dropped += h->ws_len;
				h->ws_len = 0;
				h->ws_skip = f.rsv;
				h->ws_in_message = 1;
			} else if (!h->ws_in_message)
				h->ws_skip = 1;	/* its start was not seen */
			/* frame_len <= max_message: no overflow here. */
			if (!h->ws_skip && (h->ws_len + f.payload_len >
			    t->limits.max_message || tcpreasm_grow(t, c, &h->ws,
			    &h->ws_cap, h->ws_len + (uint32_t)f.payload_len) != 0))
				h->ws_skip = 1;
			if (!h->ws_skip && f.payload_len > 0) {
				wsframe_unmask(h->ws + h->ws_len,
				    p + off + f.header_len,
				    (size_t)f.payload_len, f.masked ? f.mask :
				    (const uint8_t[4]){ 0, 0, 0, 0 }, 0);
				h->ws_len += (uint32_t)f.payload_len;
			} else if (h->ws_skip)
				t->stats.bytes_dropped += f.payload_len;
			if (f.fin)
				tcpreasm_ws_message(t, c, dir, ts_us);
		}
		off += (size_t)frame_len;
	}
	return off;
broken:
	if (c->messages == 0)
		t->stats.not_sip++;
	t->stats.bytes_dropped += len - off;
	h->resync = RESYNC_MID_LINE;
	return len;
}
