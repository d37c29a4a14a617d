/*
 * HEP out's intake (see hep-out-tap.h).
 */
#include <assert.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dissectors/sip.h"
#include "probe/output/hep-out-tap.h"
#include "probe/pipeline/ring.h"
#include "probe/vqprobe.h"

struct hep_tap {
	struct ring	*capture;	/* from the capture thread */
	struct ring	*quality;	/* from the aggregator */
	struct ring	*peeked;	/* the ring hep_tap_next read */
	/*
	 * Each written by its ring's producer alone and read by anyone for
	 * display: relaxed (a count on its own, nothing published with it).
	 */
	_Atomic uint64_t dropped_capture;
	_Atomic uint64_t dropped_quality;
};

struct hep_tap *
hep_tap_new(size_t capture_bytes, size_t quality_bytes)
{
	struct hep_tap *t = xcalloc(1, sizeof(*t));

	if ((t->capture = ring_new(capture_bytes)) == NULL ||
	    (t->quality = ring_new(quality_bytes)) == NULL)
		fatal("out of memory");
	atomic_init(&t->dropped_capture, 0);
	atomic_init(&t->dropped_quality, 0);
	return t;
}

void
hep_tap_free(struct hep_tap *t)
{
	if (t == NULL)
		return;
	ring_free(t->capture);
	ring_free(t->quality);
	free(t);
}

/* One more for a counter only its producer writes (relaxed, as above). */
static void
count(_Atomic uint64_t *c)
{
	atomic_store_explicit(c, atomic_load_explicit(c,
	    memory_order_relaxed) + 1, memory_order_relaxed);
}

/*
 * RTCP (RFC 3550 §6.4, RFC 5761 §4): version 2 and a first packet type
 * from 192 to 223, where RTP's marker bit and payload type never fall in
 * a session that multiplexes the two.
 */
static int
looks_like_rtcp(const uint8_t *p, size_t len)
{
	return len >= 8 && (p[0] & 0xc0) == 0x80 && p[1] >= 192 &&
	    p[1] <= 223;
}

void
hep_tap_payload(void *arg, const struct pkt_meta *meta)
{
	struct hep_tap *t = arg;
	struct hep_tap_packet *rec;
	enum hep_tap_kind kind;

	if (meta->payload == NULL || meta->payload_len == 0)
		return;
	/* What comes out of TCP reassembly is SIP, framed. */
	if (meta->ip_proto == DECODE_IPPROTO_TCP)
		kind = HEP_TAP_SIP;
	else if (looks_like_rtcp(meta->payload, meta->payload_len))
		kind = HEP_TAP_RTCP;
	else if (sip_looks_like(meta->payload, meta->payload_len))
		kind = HEP_TAP_SIP;
	else
		return;
	rec = ring_reserve(t->capture, sizeof(*rec) + meta->payload_len);
	if (rec == NULL) {
		count(&t->dropped_capture);
		return;
	}
	rec->ts_us = meta->ts_us;
	rec->src = meta->src;
	rec->dst = meta->dst;
	rec->ip_proto = meta->ip_proto;
	rec->len = meta->payload_len;
	rec->wirelen = meta->payload_wirelen;
	memcpy(rec + 1, meta->payload, meta->payload_len);
	ring_commit(t->capture, (uint32_t)kind);
}

void
hep_tap_streams(struct hep_tap *t, const struct snap_stream_interval *si,
    size_t n)
{
	struct snap_stream_interval *rec;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((rec = ring_reserve(t->quality, sizeof(*rec))) == NULL) {
			count(&t->dropped_quality);
			continue;
		}
		/* direction points to a constant string: it travels as is. */
		*rec = si[i];
		ring_commit(t->quality, HEP_TAP_QUALITY);
	}
}

const void *
hep_tap_next(struct hep_tap *t, enum hep_tap_kind *kind)
{
	const void *rec;
	uint32_t type;
	size_t len;

	if ((rec = ring_peek(t->capture, &len, &type)) != NULL)
		t->peeked = t->capture;
	else if ((rec = ring_peek(t->quality, &len, &type)) != NULL)
		t->peeked = t->quality;
	else
		return NULL;
	*kind = (enum hep_tap_kind)type;
	return rec;
}

void
hep_tap_release(struct hep_tap *t)
{
	assert(t->peeked != NULL);
	ring_release(t->peeked);
	t->peeked = NULL;
}

int
hep_tap_empty(const struct hep_tap *t)
{
	return ring_empty(t->capture) && ring_empty(t->quality);
}

void
hep_tap_stats(const struct hep_tap *t, struct hep_tap_stats *st)
{
	/* Relaxed: counts for display (see struct hep_tap). */
	st->dropped_capture = atomic_load_explicit(&t->dropped_capture,
	    memory_order_relaxed);
	st->dropped_quality = atomic_load_explicit(&t->dropped_quality,
	    memory_order_relaxed);
}
