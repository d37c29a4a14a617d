/*
 * The analysis of one packet stream.
 *
 * A frame is decoded down to UDP.  SIP (recognised by its first line, on
 * any port) goes to the call table, which learns media endpoints from SDP.
 * A UDP datagram to or from a learned endpoint is RTP or RTCP of that call;
 * RTP is followed per (source, destination, SSRC), as tshark does, so an
 * SSRC change is a new stream.  Media with no signalling seen is left to
 * the heuristics of a later version: guessing RTP from arbitrary UDP gives
 * false streams, and a false stream is a false alarm.
 */
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "dissectors/decode.h"
#include "dissectors/rtp.h"
#include "dissectors/sdp.h"
#include "dissectors/sip.h"
#include "metrics/rtpstat.h"
#include "probe/analyzer.h"
#include "probe/calls.h"
#include "probe/vqprobe.h"

/* Hash key of a stream: packed source, destination and SSRC. */
#define STREAM_KEY_LEN	(19 + 19 + 4)

struct stream {
	uint8_t			 key[STREAM_KEY_LEN];
	unsigned		 id;
	struct call		*call;
	const char		*direction;
	struct vq_endpoint	 src;
	struct vq_endpoint	 dst;
	uint32_t		 ssrc;
	int			 payload_type;
	char			 codec[SNAP_CODEC_LEN];
	uint32_t		 clock_rate_hz;
	int			 dscp;
	struct rtpstat		*stat;
	UT_hash_handle		 hh;
};

struct analyzer {
	struct call_table	 *calls;
	struct stream		 *by_key;	/* uthash head */
	struct stream		**order;	/* first-seen order; id = index + 1 */
	size_t			  n_streams;
	size_t			  cap_streams;

	uint64_t		  packets;
	uint64_t		  bytes;
	uint64_t		  sip_messages;
	uint64_t		  rtp_packets;
	uint64_t		  rtcp_packets;
	uint64_t		  ip_fragments;
	uint64_t		  truncated[PROTO_COUNT];
	uint64_t		  malformed[PROTO_COUNT];
};

struct analyzer *
analyzer_new(void)
{
	struct analyzer *a;

	a = xcalloc(1, sizeof(*a));
	a->calls = calls_new();
	return a;
}

void
analyzer_free(struct analyzer *a)
{
	size_t i;

	if (a == NULL)
		return;
	HASH_CLEAR(hh, a->by_key);
	for (i = 0; i < a->n_streams; i++) {
		rtpstat_free(a->order[i]->stat);
		free(a->order[i]);
	}
	free(a->order);
	calls_free(a->calls);
	free(a);
}

static void
count_result(struct analyzer *a, enum dissect_result r,
    enum dissect_proto proto)
{
	if (r == DISSECT_TRUNCATED)
		a->truncated[proto]++;
	else if (r == DISSECT_MALFORMED)
		a->malformed[proto]++;
}

static void
pack_endpoint(uint8_t *k, const struct vq_endpoint *ep)
{
	k[0] = ep->addr.family;
	memcpy(k + 1, ep->addr.bytes, 16);
	k[17] = (uint8_t)(ep->port >> 8);
	k[18] = (uint8_t)ep->port;
}

static void
handle_sip(struct analyzer *a, const struct pkt_meta *meta)
{
	struct sip_msg msg;
	struct sdp_session sdp;
	const struct sdp_session *body = NULL;
	enum dissect_result r;

	r = sip_parse(meta->payload, meta->payload_len, &msg);
	count_result(a, r, PROTO_SIP);
	if (r != DISSECT_OK)
		return;
	a->sip_messages++;
	if (msg.body.len > 0 && (msg.content_type.len == 0 ||
	    (msg.content_type.len >= 15 &&
	    strncasecmp(msg.content_type.p, "application/sdp", 15) == 0))) {
		/*
		 * A body the capture cut short would give a wrong port from a
		 * cut "m=" line: count it as truncated rather than learn it.
		 */
		if (msg.content_length >= 0 &&
		    msg.body.len < (size_t)msg.content_length)
			r = DISSECT_TRUNCATED;
		else
			r = sdp_parse(msg.body.p, msg.body.len, &sdp);
		count_result(a, r, PROTO_SDP);
		if (r == DISSECT_OK)
			body = &sdp;
	}
	calls_sip(a->calls, &msg, body, meta->ts_us);
}

/* How loss and jitter should treat a payload type the SDP announced. */
static enum rtpstat_kind
payload_kind(const char *encoding, uint8_t pt)
{
	if (strcasecmp(encoding, "telephone-event") == 0)
		return RTPSTAT_EVENT;
	if (pt == 13 || strcasecmp(encoding, "CN") == 0)
		return RTPSTAT_COMFORT_NOISE;
	return RTPSTAT_VOICE;
}

static struct stream *
stream_get(struct analyzer *a, const struct pkt_meta *meta, uint32_t ssrc,
    const struct call_media *media, int media_is_dst)
{
	uint8_t key[STREAM_KEY_LEN];
	struct stream *s;

	pack_endpoint(key, &meta->src);
	pack_endpoint(key + 19, &meta->dst);
	key[38] = (uint8_t)(ssrc >> 24);
	key[39] = (uint8_t)(ssrc >> 16);
	key[40] = (uint8_t)(ssrc >> 8);
	key[41] = (uint8_t)ssrc;
	HASH_FIND(hh, a->by_key, key, sizeof(key), s);
	if (s != NULL)
		return s;

	s = xcalloc(1, sizeof(*s));
	memcpy(s->key, key, sizeof(key));
	s->call = media->call;
	/*
	 * Media sent to the endpoint the callee announced comes from the
	 * caller, and media sent from the caller's endpoint too.
	 */
	if (media_is_dst)
		s->direction = media->by_caller ? "callee" : "caller";
	else
		s->direction = media->by_caller ? "caller" : "callee";
	s->src = meta->src;
	s->dst = meta->dst;
	s->ssrc = ssrc;
	s->payload_type = -1;
	s->dscp = meta->dscp;
	if (a->n_streams == a->cap_streams) {
		a->cap_streams = a->cap_streams ? a->cap_streams * 2 : 64;
		a->order = xreallocarray(a->order, a->cap_streams,
		    sizeof(*a->order));
	}
	a->order[a->n_streams++] = s;
	s->id = (unsigned)a->n_streams;
	HASH_ADD(hh, a->by_key, key, sizeof(s->key), s);
	return s;
}

static void
handle_rtp(struct analyzer *a, const struct pkt_meta *meta,
    const struct call_media *media, int media_is_dst)
{
	struct rtp_hdr rtp;
	struct rtpstat_pkt pkt;
	struct stream *s;
	const char *encoding = NULL;
	uint32_t clock_rate_hz = 0;
	enum dissect_result r;

	r = rtp_parse(meta->payload, meta->payload_len, meta->payload_wirelen,
	    &rtp);
	count_result(a, r, PROTO_RTP);
	if (r != DISSECT_OK)
		return;
	a->rtp_packets++;

	/* The receiver's SDP says what its payload type numbers mean. */
	if (sdp_media_codec(&media->sdp, rtp.payload_type, &encoding,
	    &clock_rate_hz) != 0)
		pkt.kind = RTPSTAT_UNANNOUNCED;
	else
		pkt.kind = payload_kind(encoding, rtp.payload_type);

	s = stream_get(a, meta, rtp.ssrc, media, media_is_dst);
	if (s->stat == NULL) {
		s->clock_rate_hz = clock_rate_hz;
		if ((s->stat = rtpstat_new(clock_rate_hz)) == NULL)
			fatal("out of memory");
	}
	if (s->payload_type < 0 && pkt.kind == RTPSTAT_VOICE) {
		s->payload_type = rtp.payload_type;
		if (encoding != NULL)
			snprintf(s->codec, sizeof(s->codec), "%s", encoding);
		s->clock_rate_hz = clock_rate_hz;
	}
	pkt.arrival_us = meta->ts_us;
	pkt.seq = rtp.seq;
	pkt.timestamp = rtp.timestamp;
	pkt.marker = rtp.marker;
	rtpstat_update(s->stat, &pkt);
}

/*
 * The media RTCP belongs to: RTCP goes to the RTP port + 1 (RFC 3550 §11),
 * or to the RTP port itself with rtcp-mux (RFC 5761).
 */
static const struct call_media *
rtcp_media(const struct analyzer *a, const struct vq_endpoint *ep)
{
	const struct call_media *m;
	struct vq_endpoint rtp_ep = *ep;

	if ((m = calls_media_find(a->calls, ep)) != NULL && m->sdp.rtcp_mux)
		return m;
	if (ep->port == 0)
		return NULL;
	rtp_ep.port = (uint16_t)(ep->port - 1);
	return calls_media_find(a->calls, &rtp_ep);
}

static void
handle_udp(struct analyzer *a, const struct pkt_meta *meta)
{
	const struct call_media *media;
	int media_is_dst = 1;

	if (sip_looks_like(meta->payload, meta->payload_len)) {
		handle_sip(a, meta);
		return;
	}
	if (rtp_is_rtcp(meta->payload, meta->payload_len)) {
		if (rtcp_media(a, &meta->dst) != NULL ||
		    rtcp_media(a, &meta->src) != NULL)
			a->rtcp_packets++;
		return;
	}
	media = calls_media_find(a->calls, &meta->dst);
	if (media == NULL) {
		media = calls_media_find(a->calls, &meta->src);
		media_is_dst = 0;
	}
	if (media != NULL)
		handle_rtp(a, meta, media, media_is_dst);
	else if (meta->payload_len < meta->payload_wirelen)
		/*
		 * The capture cut the datagram before anything could tell
		 * what it carries: that is lost to the analysis, so count it.
		 */
		a->truncated[PROTO_UDP]++;
}

void
analyzer_frame(struct analyzer *a, int linktype, int64_t ts_us,
    uint32_t caplen, uint32_t wirelen, const uint8_t *data)
{
	struct pkt_meta meta;
	enum dissect_result r;

	a->packets++;
	a->bytes += wirelen;
	memset(&meta, 0, sizeof(meta));
	meta.ts_us = ts_us;
	meta.caplen = caplen;
	meta.wirelen = wirelen;
	r = decode_frame(linktype, data, caplen, &meta);
	if (r == DISSECT_OK) {
		handle_udp(a, &meta);
		return;
	}
	if (r == DISSECT_UNSUPPORTED && meta.is_fragment)
		a->ip_fragments++;
	count_result(a, r, meta.fail_proto);
}

static void
snapshot_capture(const struct analyzer *a, struct snap_capture *c)
{
	int p;

	c->packets = a->packets;
	c->bytes = a->bytes;
	c->sip_messages = a->sip_messages;
	c->rtp_packets = a->rtp_packets;
	c->rtcp_packets = a->rtcp_packets;
	c->ip_fragments = a->ip_fragments;
	for (p = 0; p < PROTO_COUNT; p++) {
		struct snap_proto_errors *e;

		c->truncated += a->truncated[p];
		c->malformed += a->malformed[p];
		if (c->n_proto_errors == sizeof(c->proto_errors) /
		    sizeof(c->proto_errors[0]))
			break;
		e = &c->proto_errors[c->n_proto_errors++];
		e->proto = dissect_proto_name((enum dissect_proto)p);
		e->truncated = a->truncated[p];
		e->malformed = a->malformed[p];
	}
}

void
analyzer_snapshot(const struct analyzer *a, struct snapshot *snap)
{
	size_t i;

	memset(snap, 0, sizeof(*snap));
	snap->capture.kernel_drops = -1;
	snapshot_capture(a, &snap->capture);

	snap->n_calls = calls_count(a->calls);
	snap->calls = xcalloc(snap->n_calls ? snap->n_calls : 1,
	    sizeof(*snap->calls));
	calls_snapshot(a->calls, snap->calls);

	snap->n_streams = a->n_streams;
	snap->streams = xcalloc(a->n_streams ? a->n_streams : 1,
	    sizeof(*snap->streams));
	for (i = 0; i < a->n_streams; i++) {
		const struct stream *s = a->order[i];
		struct snap_stream *o = &snap->streams[i];

		o->id = s->id;
		o->call = s->call ? call_index(s->call) : SNAP_NO_CALL;
		o->direction = s->direction;
		addr_format_endpoint(&s->src, o->src, sizeof(o->src));
		addr_format_endpoint(&s->dst, o->dst, sizeof(o->dst));
		o->ssrc = s->ssrc;
		o->payload_type = s->payload_type;
		memcpy(o->codec, s->codec, sizeof(o->codec));
		o->clock_rate_hz = s->clock_rate_hz;
		o->dscp = s->dscp;
		rtpstat_summary(s->stat, &o->rtp);
	}
}
