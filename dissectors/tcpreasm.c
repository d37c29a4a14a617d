/*
 * TCP stream reassembly for SIP (TCP: RFC 9293; SIP over TCP: RFC 3261
 * section 18.3).
 *
 * Each direction of a connection ("half") keeps the sequence number of
 * the next byte it expects, the bytes of an unfinished message, and the
 * segments that came ahead of a hole, sorted, trimmed so none overlaps:
 *
 *        consumed          buf (unfinished)  hole    held out of order
 *   ...-----------------|==================|.....|#####|..|######|
 *                                          ^
 *                                      next_seq
 *
 * In-order bytes go straight to the framer; only the tail of an
 * unfinished message is copied, so a segment holding whole messages is
 * delivered without a copy.  Sequence numbers compare modulo 2^32.
 *
 * A connection starts being followed when a segment begins with a SIP
 * start line, so a capture that starts mid-connection is picked up at the
 * next message, and every other TCP connection costs one line check per
 * segment and no memory.  After a hole that will not be filled, or bytes
 * that are not SIP inside a stream that was, the half resynchronises: it
 * throws bytes away up to the next line that is a SIP start line.
 *
 * A connection that opens with an HTTP Upgrade to WebSocket (RFC 7118,
 * on any port) is followed too: each half reads its HTTP head, then
 * WebSocket frames (wsframe.h), whose data messages, unmasked and put
 * together from their fragments, are SIP messages, one each.  A hole in
 * such a half loses its framing: the rest of it is dropped, counted.
 */

#include <stdlib.h>
#include <string.h>

#include "dissectors/sipframe.h"
#include "dissectors/tcpreasm-private.h"
#include "dissectors/wsframe.h"

static int
seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static int
seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

void
tcpreasm_limits_default(struct tcpreasm_limits *l)
{
	l->idle_timeout_us = 300 * 1000000LL;
	l->gap_timeout_us = 2 * 1000000LL;
	l->max_streams = 4096;
	l->max_stream_bytes = 256u << 10;
	l->max_segments = 64;
	l->max_bytes = 32u << 20;
	l->max_message = 64u << 10;
}

struct tcpreasm *
tcpreasm_new(const struct tcpreasm_limits *limits)
{
	struct tcpreasm	*t;
	uint32_t	 n = 16;

	if ((t = calloc(1, sizeof *t)) == NULL)
		return NULL;
	t->limits = *limits;
	if (t->limits.max_message < TCPREASM_MIN_MESSAGE)
		t->limits.max_message = TCPREASM_MIN_MESSAGE;
	if (t->limits.max_message > TCPREASM_MAX_MESSAGE)
		t->limits.max_message = TCPREASM_MAX_MESSAGE;
	while (n < limits->max_streams && n < TCPREASM_MAX_BUCKETS)
		n *= 2;
	if ((t->buckets = calloc(n, sizeof *t->buckets)) == NULL) {
		free(t);
		return NULL;
	}
	t->n_buckets = n;
	return t;
}

/* FNV-1a over the n bytes at p, continuing from h. */
static uint32_t
tcpreasm_fnv(uint32_t h, const void *p, size_t n)
{
	const uint8_t	*b = p;

	while (n-- > 0)
		h = (h ^ *b++) * 16777619u;
	return h;
}

static uint32_t
tcpreasm_hash(const struct vq_endpoint ep[2])
{
	uint32_t	h = 2166136261u;
	int		i;

	for (i = 0; i < 2; i++) {
		h = tcpreasm_fnv(h, &ep[i].addr.family, 1);
		h = tcpreasm_fnv(h, ep[i].addr.bytes, sizeof ep[i].addr.bytes);
		h = tcpreasm_fnv(h, &ep[i].port, sizeof ep[i].port);
	}
	return h;
}

/* Order two endpoints, so both directions find the same connection. */
static int
tcpreasm_ep_cmp(const struct vq_endpoint *a, const struct vq_endpoint *b)
{
	int	c;

	if (a->addr.family != b->addr.family)
		return a->addr.family < b->addr.family ? -1 : 1;
	c = memcmp(a->addr.bytes, b->addr.bytes, sizeof a->addr.bytes);
	if (c != 0)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return 0;
}

/* Account for bytes the connection holds (delta may be negative). */
static void
tcpreasm_charge(struct tcpreasm *t, struct conn *c, int64_t delta)
{
	c->charged = (uint32_t)((int64_t)c->charged + delta);
	t->stats.bytes_buffered = (uint32_t)((int64_t)t->stats.bytes_buffered +
	    delta);
}

/* Throw away what a half holds, counting it as dropped. */
static void
tcpreasm_half_clear(struct tcpreasm *t, struct conn *c, struct half *h)
{
	struct seg	*s, *next;

	t->stats.bytes_dropped += h->len;
	for (s = h->held; s != NULL; s = next) {
		next = s->next;
		t->stats.bytes_dropped += s->len;
		tcpreasm_charge(t, c, -(int64_t)(sizeof *s + s->len));
		free(s);
	}
	h->held = NULL;
	h->n_held = 0;
	h->held_bytes = 0;
	tcpreasm_charge(t, c, -(int64_t)h->cap);
	free(h->buf);
	h->buf = NULL;
	h->len = 0;
	h->cap = 0;
	sipframe_init(&h->frame);
	t->stats.bytes_dropped += h->ws_len;
	tcpreasm_charge(t, c, -(int64_t)h->ws_cap);
	free(h->ws);
	h->ws = NULL;
	h->ws_len = h->ws_cap = 0;
}

/* Unlink and free a connection; its bytes count as dropped. */
static void
tcpreasm_destroy(struct tcpreasm *t, struct conn *c)
{
	struct conn	**pp;

	for (pp = &t->buckets[c->hash & (t->n_buckets - 1)]; *pp != c;
	    pp = &(*pp)->hash_next)
		;
	*pp = c->hash_next;
	if (c->older != NULL)
		c->older->newer = c->newer;
	else
		t->oldest = c->newer;
	if (c->newer != NULL)
		c->newer->older = c->older;
	else
		t->newest = c->older;
	tcpreasm_half_clear(t, c, &c->half[0]);
	tcpreasm_half_clear(t, c, &c->half[1]);
	tcpreasm_charge(t, c, -(int64_t)c->charged);
	t->stats.streams_active--;
	free(c);
}

/* Time passed from since_us to now_us, beyond limit_us? */
static int
tcpreasm_timed_out(int64_t since_us, int64_t now_us, int64_t limit_us)
{
	if (now_us == INT64_MAX)
		return 1;
	return now_us > since_us && (uint64_t)now_us - (uint64_t)since_us >
	    (uint64_t)limit_us;
}

void
tcpreasm_expire(struct tcpreasm *t, int64_t now_us)
{
	while (t->oldest != NULL && tcpreasm_timed_out(t->oldest->last_us,
	    now_us, t->limits.idle_timeout_us)) {
		t->stats.streams_timed_out++;
		tcpreasm_destroy(t, t->oldest);
	}
}

void
tcpreasm_free(struct tcpreasm *t)
{
	if (t == NULL)
		return;
	while (t->oldest != NULL)
		tcpreasm_destroy(t, t->oldest);
	free(t->buckets);
	free(t);
}

void
tcpreasm_stats(const struct tcpreasm *t, struct tcpreasm_stats *out)
{
	*out = t->stats;
}

/*
 * Make room for charge more bytes by evicting the connections idle the
 * longest, keep excepted.  Returns 0, or -1 if that is not enough.
 */
static int
tcpreasm_make_room(struct tcpreasm *t, uint32_t charge, const struct conn *keep)
{
	struct conn	*victim;

	if (charge > t->limits.max_bytes)
		return -1;
	while (t->stats.bytes_buffered > t->limits.max_bytes - charge) {
		victim = t->oldest != keep ? t->oldest : keep->newer;
		if (victim == NULL)
			return -1;
		t->stats.streams_evicted++;
		tcpreasm_destroy(t, victim);
	}
	return 0;
}

/* The connection of a segment and the direction it goes in, or NULL. */
static struct conn *
tcpreasm_find(struct tcpreasm *t, const struct tcpreasm_segment *s, int *dir)
{
	struct vq_endpoint	 ep[2];
	struct conn		*c;
	uint32_t		 hash;

	*dir = tcpreasm_ep_cmp(&s->src, &s->dst) <= 0 ? 0 : 1;
	ep[*dir] = s->src;
	ep[!*dir] = s->dst;
	hash = tcpreasm_hash(ep);
	for (c = t->buckets[hash & (t->n_buckets - 1)]; c != NULL;
	    c = c->hash_next) {
		if (c->hash == hash && endpoint_equal(&c->ep[0], &ep[0]) &&
		    endpoint_equal(&c->ep[1], &ep[1]))
			return c;
	}
	return NULL;
}

/* Follow a new connection, evicting the stalest if there are too many. */
static struct conn *
tcpreasm_create(struct tcpreasm *t, const struct tcpreasm_segment *s, int dir)
{
	struct conn	*c;
	uint32_t	 bucket;

	while (t->stats.streams_active >= t->limits.max_streams &&
	    t->oldest != NULL) {
		t->stats.streams_evicted++;
		tcpreasm_destroy(t, t->oldest);
	}
	if (t->limits.max_streams == 0 ||
	    tcpreasm_make_room(t, sizeof *c, NULL) != 0 ||
	    (c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	c->ep[dir] = s->src;
	c->ep[!dir] = s->dst;
	c->hash = tcpreasm_hash(c->ep);
	sipframe_init(&c->half[0].frame);
	sipframe_init(&c->half[1].frame);
	bucket = c->hash & (t->n_buckets - 1);
	c->hash_next = t->buckets[bucket];
	t->buckets[bucket] = c;
	t->stats.streams_active++;
	t->stats.streams++;
	tcpreasm_charge(t, c, sizeof *c);
	return c;
}

/* Make c the most recently active connection. */
static void
tcpreasm_touch(struct tcpreasm *t, struct conn *c, int64_t now_us)
{
	c->last_us = now_us;
	if (t->newest == c)
		return;
	if (c->older != NULL || t->oldest == c) {
		/* Linked already: take it out first. */
		if (c->older != NULL)
			c->older->newer = c->newer;
		else
			t->oldest = c->newer;
		c->newer->older = c->older;
	}
	c->older = t->newest;
	c->newer = NULL;
	if (t->newest != NULL)
		t->newest->newer = c;
	else
		t->oldest = c;
	t->newest = c;
}

/* The length of the CR and LF bytes at the start of p. */
size_t
tcpreasm_crlf(const uint8_t *p, size_t len)
{
	size_t	n;

	for (n = 0; n < len && (p[n] == '\r' || p[n] == '\n'); n++)
		;
	return n;
}

/* Could a stream start here: a start line, maybe behind CRLF keep-alives? */
static int
tcpreasm_starts_sip(const uint8_t *p, size_t len)
{
	size_t	skip = tcpreasm_crlf(p, len), line_len;

	return skip < len && sipframe_start_line(p + skip, len - skip,
	    &line_len) != SIPFRAME_NOT_SIP;
}

/*
 * Throw bytes of p[*off..len) away until a start line begins at *off.
 * Returns 1 there, 0 when the bytes ran out first.
 */
static int
tcpreasm_resync(struct tcpreasm *t, struct half *h, const uint8_t *p,
    size_t len, size_t *off)
{
	const uint8_t		*lf;
	size_t			 line_len, drop;
	enum sipframe_result	 r;

	while (*off < len) {
		if (h->resync == RESYNC_MID_LINE) {
			lf = memchr(p + *off, '\n', len - *off);
			drop = lf != NULL ? (size_t)(lf - (p + *off)) + 1 :
			    len - *off;
			t->stats.bytes_dropped += drop;
			*off += drop;
			if (lf != NULL)
				h->resync = RESYNC_LINE_START;
			continue;
		}
		r = sipframe_start_line(p + *off, len - *off, &line_len);
		if (r == SIPFRAME_COMPLETE) {
			h->resync = RESYNC_NONE;
			return 1;
		}
		if (r == SIPFRAME_NEED_MORE)
			return 0;
		h->resync = RESYNC_MID_LINE;
	}
	return 0;
}

/* Hand one framed message to the caller. */
void
tcpreasm_deliver(struct tcpreasm *t, struct conn *c, int dir,
    const uint8_t *p, size_t len, int64_t ts_us)
{
	struct tcpreasm_msg	msg;

	msg.src = &c->ep[dir];
	msg.dst = &c->ep[!dir];
	msg.ts_us = ts_us;
	msg.data = p;
	msg.len = len;
	t->stats.sip_messages++;
	c->messages++;
	if (t->deliver != NULL)
		t->deliver(t->deliver_arg, &msg);
}

/*
 * Frame and deliver the messages in p[0..len), the bytes of half dir
 * from its unfinished message on.  Returns how many bytes are done with:
 * the rest begins an unfinished message (whose scan state is in
 * h->frame), or a possible start line while resynchronising.
 */
static size_t
tcpreasm_frame(struct tcpreasm *t, struct conn *c, int dir, const uint8_t *p,
    size_t len, int64_t ts_us)
{
	struct half		*h = &c->half[dir];
	size_t			 off = 0, msg_len;
	enum sipframe_result	 r;

	if (h->mode != HALF_SIP)
		return tcpreasm_frame_ws(t, c, dir, p, len, ts_us);
	while (off < len) {
		if (h->resync != RESYNC_NONE &&
		    !tcpreasm_resync(t, h, p, len, &off))
			break;
		if (h->frame.scanned == 0) {
			off += tcpreasm_crlf(p + off, len - off);
			if (off == len)
				break;
		}
		r = sipframe_feed(&h->frame, p + off, len - off,
		    t->limits.max_message, &msg_len);
		if (r == SIPFRAME_NEED_MORE)
			break;
		sipframe_init(&h->frame);
		if (r == SIPFRAME_COMPLETE) {
			tcpreasm_deliver(t, c, dir, p + off, msg_len, ts_us);
			off += msg_len;
			continue;
		}
		if (c->messages == 0) {
			/* Began like SIP, but never was: stop following. */
			t->stats.not_sip++;
			t->stats.bytes_dropped += len - off;
			c->dead = 1;
			return len;
		}
		/* Garbage inside a SIP stream: skip to the next message. */
		h->resync = RESYNC_MID_LINE;
	}
	return off;
}

/*
 * Grow one of the connection's buffers (*buf of *cap bytes) to hold need
 * bytes, doubling, at most max_message unless need is more; charged to
 * it.  Returns 0, or -1 (limits, memory).
 */
int
tcpreasm_grow(struct tcpreasm *t, struct conn *c, uint8_t **buf,
    uint32_t *cap, uint32_t need)
{
	uint32_t	 n;
	uint8_t		*p;

	if (need <= *cap)
		return 0;
	n = *cap < TCPREASM_MIN_BUF ? TCPREASM_MIN_BUF : *cap;
	while (n < need)
		n *= 2;
	if (n > t->limits.max_message)
		n = need > t->limits.max_message ? need :
		    t->limits.max_message;
	if (tcpreasm_make_room(t, n - *cap, c) != 0 ||
	    (p = realloc(*buf, n)) == NULL)
		return -1;
	tcpreasm_charge(t, c, n - *cap);
	*buf = p;
	*cap = n;
	return 0;
}

/* Grow h's buffer for n more bytes.  Returns 0, or -1 (limits, memory). */
static int
tcpreasm_reserve(struct tcpreasm *t, struct conn *c, struct half *h,
    uint32_t n)
{
	return tcpreasm_grow(t, c, &h->buf, &h->cap, h->len + n);
}

/* Bytes lost in the middle of half h: drop its message, resynchronise. */
static void
tcpreasm_lose(struct tcpreasm *t, struct half *h, uint32_t lost)
{
	t->stats.bytes_dropped += (uint64_t)h->len + lost;
	h->len = 0;
	sipframe_init(&h->frame);
	h->resync = RESYNC_MID_LINE;
}

/* Keep the unfinished tail p[0..n) in h's buffer, or lose it. */
static void
tcpreasm_keep(struct tcpreasm *t, struct conn *c, struct half *h,
    const uint8_t *p, uint32_t n)
{
	if (tcpreasm_reserve(t, c, h, n) != 0) {
		tcpreasm_lose(t, h, n);
		return;
	}
	memcpy(h->buf + h->len, p, n);
	h->len += n;
}

/* Drop the first n bytes of h's buffer; free it once empty. */
static void
tcpreasm_consume(struct tcpreasm *t, struct conn *c, struct half *h,
    size_t n)
{
	h->len -= (uint32_t)n;
	if (h->len > 0) {
		memmove(h->buf, h->buf + n, h->len);
		return;
	}
	tcpreasm_charge(t, c, -(int64_t)h->cap);
	free(h->buf);
	h->buf = NULL;
	h->cap = 0;
}

/* Take the next len in-order bytes of half dir, captured at ts_us. */
static void
tcpreasm_push(struct tcpreasm *t, struct conn *c, int dir, const uint8_t *p,
    uint32_t len, int64_t ts_us)
{
	struct half	*h = &c->half[dir];
	size_t		 used;
	uint32_t	 chunk;

	h->next_seq += len;
	while (len > 0 && !c->dead) {
		if (h->len == 0) {
			/* Frame straight from the segment; keep the rest. */
			used = tcpreasm_frame(t, c, dir, p, len, ts_us);
			if (!c->dead && used < len)
				tcpreasm_keep(t, c, h, p + used,
				    len - (uint32_t)used);
			return;
		}
		/*
		 * The framer leaves less than max_message behind, so there
		 * is room for a byte at least; if not, start over rather
		 * than loop.
		 */
		chunk = t->limits.max_message - h->len;
		if (chunk > len)
			chunk = len;
		if (chunk == 0 || tcpreasm_reserve(t, c, h, chunk) != 0) {
			tcpreasm_lose(t, h, 0);
			continue;
		}
		memcpy(h->buf + h->len, p, chunk);
		h->len += chunk;
		p += chunk;
		len -= chunk;
		used = tcpreasm_frame(t, c, dir, h->buf, h->len, ts_us);
		if (c->dead) {
			/* The framer counted the bytes it threw away. */
			h->len = 0;
			return;
		}
		tcpreasm_consume(t, c, h, used);
	}
}

/* Push the held segments that the in-order bytes have reached. */
static void
tcpreasm_drain(struct tcpreasm *t, struct conn *c, int dir, int64_t now_us)
{
	struct half	*h = &c->half[dir];
	struct seg	*s;
	uint32_t	 skip;

	while ((s = h->held) != NULL && !c->dead &&
	    seq_le(s->seq, h->next_seq)) {
		h->held = s->next;
		h->n_held--;
		h->held_bytes -= s->len;
		tcpreasm_charge(t, c, -(int64_t)(sizeof *s + s->len));
		skip = h->next_seq - s->seq;
		if (skip < s->len)
			tcpreasm_push(t, c, dir, s->data + skip, s->len - skip,
			    s->ts_us);
		free(s);
		h->stall_us = now_us;
	}
}

/*
 * Give up on the bytes of half dir before to: the capture lost them.  The
 * message they cut is dropped; since segments usually start with a
 * message, the line at to is tried first as a start line.
 */
static void
tcpreasm_skip_to(struct tcpreasm *t, struct conn *c, int dir, uint32_t to,
    int64_t now_us)
{
	struct half	*h = &c->half[dir];

	t->stats.gaps++;
	tcpreasm_lose(t, h, 0);
	h->resync = RESYNC_LINE_START;
	h->next_seq = to;
	tcpreasm_drain(t, c, dir, now_us);
}

/* Give up on the hole in front of the first held segment, if any. */
static void
tcpreasm_skip_hole(struct tcpreasm *t, struct conn *c, int dir,
    int64_t now_us)
{
	if (c->half[dir].held != NULL)
		tcpreasm_skip_to(t, c, dir, c->half[dir].held->seq, now_us);
}

/* A new held segment [seq, seq+len) inserted at *pp.  Returns 0 or -1. */
static int
tcpreasm_hold_piece(struct tcpreasm *t, struct conn *c, struct half *h,
    struct seg **pp, uint32_t seq, const uint8_t *p, uint32_t len,
    int64_t ts_us)
{
	struct seg	*s;
	uint32_t	 charge = (uint32_t)sizeof *s + len;

	if (h->n_held >= t->limits.max_segments ||
	    len > t->limits.max_stream_bytes - h->held_bytes ||
	    tcpreasm_make_room(t, charge, c) != 0 ||
	    (s = malloc(sizeof *s + len)) == NULL)
		return -1;
	s->seq = seq;
	s->len = len;
	s->ts_us = ts_us;
	memcpy(s->data, p, len);
	s->next = *pp;
	*pp = s;
	if (h->held == s && s->next == NULL)
		h->stall_us = ts_us;
	h->n_held++;
	h->held_bytes += len;
	tcpreasm_charge(t, c, charge);
	return 0;
}

/*
 * Hold bytes that came ahead of a hole, where no held byte already is
 * (the first copy wins).  Returns 0, or -1 if the limits refuse some.
 */
static int
tcpreasm_hold(struct tcpreasm *t, struct conn *c, struct half *h,
    uint32_t seq, const uint8_t *p, uint32_t len, int64_t ts_us)
{
	struct seg	**pp = &h->held, *cur;
	uint32_t	  n;

	while (len > 0) {
		cur = *pp;
		if (cur == NULL || seq_le(seq + len, cur->seq))
			return tcpreasm_hold_piece(t, c, h, pp, seq, p, len,
			    ts_us);
		if (seq_le(cur->seq + cur->len, seq)) {
			pp = &cur->next;
			continue;
		}
		if (seq_lt(seq, cur->seq)) {
			n = cur->seq - seq;
			if (tcpreasm_hold_piece(t, c, h, pp, seq, p, n,
			    ts_us) != 0)
				return -1;
			pp = &(*pp)->next;
			seq += n;
			p += n;
			len -= n;
		}
		/* Now seq is inside cur: skip what it already has. */
		n = cur->seq + cur->len - seq;
		if (n >= len)
			return 0;
		seq += n;
		p += n;
		len -= n;
		pp = &cur->next;
	}
	return 0;
}

/*
 * Take payload bytes [seq, seq+wirelen) of half dir, of which the first
 * len were captured.  may_skip: if the hole before them cannot wait any
 * longer for lack of room, skip it and try once more.
 */
static void
tcpreasm_data(struct tcpreasm *t, struct conn *c, int dir, uint32_t seq,
    const uint8_t *p, uint32_t len, uint32_t wirelen, int64_t ts_us,
    int may_skip)
{
	struct half	*h = &c->half[dir];
	uint32_t	 skip;

	if (seq_le(seq + wirelen, h->next_seq)) {
		t->stats.retransmissions++;
		return;
	}
	if (seq_lt(seq, h->next_seq)) {
		/* A retransmission that brings new bytes too. */
		t->stats.retransmissions++;
		skip = h->next_seq - seq;
		seq += skip;
		wirelen -= skip;
		skip = skip < len ? skip : len;
		p += skip;
		len -= skip;
	}

	if (seq == h->next_seq) {
		tcpreasm_push(t, c, dir, p, len, ts_us);
		if (c->dead)
			return;
		if (len < wirelen) {
			/* The capture clipped it: those bytes never come. */
			tcpreasm_lose(t, h, wirelen - len);
			h->resync = RESYNC_LINE_START;
			h->next_seq += wirelen - len;
		}
		tcpreasm_drain(t, c, dir, ts_us);
		return;
	}

	if (seq - h->next_seq > TCPREASM_MAX_AHEAD || len == 0) {
		t->stats.bytes_dropped += len;
		return;
	}
	t->stats.out_of_order++;
	if (tcpreasm_hold(t, c, h, seq, p, len, ts_us) == 0)
		return;
	if (!may_skip) {
		t->stats.bytes_dropped += len;
		return;
	}
	/* Too much waits behind the hole: give up on it, then try again. */
	tcpreasm_skip_to(t, c, dir, h->held != NULL ? h->held->seq : seq,
	    ts_us);
	if (!c->dead)
		tcpreasm_data(t, c, dir, seq, p, len, wirelen, ts_us, 0);
}

/* A FIN reached, or a half that never synchronised: is h finished? */
static void
tcpreasm_check_closed(struct tcpreasm *t, struct conn *c, struct half *h)
{
	if (h->closed || !h->fin || (h->synced && h->next_seq != h->fin_seq))
		return;
	/* What is left is a message the peer never finished. */
	tcpreasm_half_clear(t, c, h);
	h->closed = 1;
}

/* Take one segment; see tcpreasm.h. */
enum tcpreasm_result
tcpreasm_segment(struct tcpreasm *t, const struct tcpreasm_segment *s,
    tcpreasm_deliver_fn *fn, void *arg)
{
	struct conn	*c;
	struct half	*h, *other;
	uint32_t	 seq = s->seq;
	int		 dir, d;

	t->stats.segments++;
	tcpreasm_expire(t, s->ts_us);
	if ((c = tcpreasm_find(t, s, &dir)) == NULL) {
		if ((s->flags & TCPREASM_RST) != 0)
			return TCPREASM_IGNORED;
		if (tcpreasm_starts_ws(t, s->data, s->len)) {
			if ((c = tcpreasm_create(t, s, dir)) == NULL)
				return TCPREASM_IGNORED;
			c->half[0].mode = c->half[1].mode = HALF_HTTP;
		} else if (!tcpreasm_starts_sip(s->data, s->len) ||
		    (c = tcpreasm_create(t, s, dir)) == NULL)
			return TCPREASM_IGNORED;
	}
	tcpreasm_touch(t, c, s->ts_us);
	if ((s->flags & TCPREASM_RST) != 0) {
		tcpreasm_destroy(t, c);
		return TCPREASM_FOLLOWED;
	}
	t->deliver = fn;
	t->deliver_arg = arg;
	h = &c->half[dir];
	other = &c->half[!dir];

	if ((s->flags & TCPREASM_SYN) != 0) {
		/*
		 * The SYN takes a sequence number.  The same SYN again is a
		 * retransmission; another one is a new connection on the
		 * same addresses, which restarts the half.
		 */
		seq++;
		if (!h->has_syn || h->syn_next != seq) {
			enum half_mode mode = h->mode;

			tcpreasm_half_clear(t, c, h);
			memset(h, 0, sizeof *h);
			/* A new WebSocket connection opens with its head. */
			h->mode = mode == HALF_SIP ? HALF_SIP : HALF_HTTP;
			sipframe_init(&h->frame);
			h->synced = 1;
			h->next_seq = seq;
			h->has_syn = 1;
			h->syn_next = seq;
		}
	}
	if (!h->synced && s->len > 0) {
		if (h->mode == HALF_HTTP ? wsframe_http_start(s->data, s->len) :
		    tcpreasm_starts_sip(s->data, s->len)) {
			h->synced = 1;
			h->next_seq = seq;
		} else {
			t->stats.bytes_dropped += s->len;
		}
	}
	if ((s->flags & TCPREASM_FIN) != 0) {
		h->fin = 1;
		h->fin_seq = seq + s->wirelen;
	}
	if (h->synced && !h->closed && s->wirelen > 0)
		tcpreasm_data(t, c, dir, seq, s->data, s->len, s->wirelen,
		    s->ts_us, 1);

	/* The peer acknowledged bytes the capture never showed: skip. */
	if (!c->dead && (s->flags & TCPREASM_ACK) != 0 && other->synced &&
	    other->held != NULL && seq_lt(other->next_seq, s->ack))
		tcpreasm_skip_hole(t, c, !dir, s->ts_us);
	for (d = 0; d < 2 && !c->dead; d++) {
		if (c->half[d].held != NULL && tcpreasm_timed_out(
		    c->half[d].stall_us, s->ts_us, t->limits.gap_timeout_us))
			tcpreasm_skip_hole(t, c, d, s->ts_us);
	}
	for (d = 0; d < 2 && !c->dead; d++)
		tcpreasm_check_closed(t, c, &c->half[d]);
	if (c->half[0].closed && c->half[1].closed)
		c->dead = 1;

	t->deliver = NULL;
	t->deliver_arg = NULL;
	if (c->dead)
		tcpreasm_destroy(t, c);
	return TCPREASM_FOLLOWED;
}
