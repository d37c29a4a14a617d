/*
 * The media of each packet (see analyzer-private.h): RTP to its stream,
 * by one lookup in the flow table when the flow is known, else through
 * the media map and the stream table; RTCP to the streams it speaks of;
 * RTP that no SDP announced once it proves to be a stream.
 */
#include <stdint.h>
#include <string.h>

#include "dissectors/rtcp.h"
#include "dissectors/rtp.h"
#include "dissectors/sip.h"
#include "dissectors/vqreport.h"
#include "probe/analysis/analyzer-private.h"

/*
 * Parse RTP; 0, or -1 (counted) when it is not well-formed RTP.  What is
 * no RTP at all on a media port is counted as such, not as broken RTP: a
 * datagram shorter than an RTP header on the wire (the few bytes phones
 * send to keep a NAT binding open), or one whose first two bits are not
 * version 2 (STUN, DTLS, ZRTP).
 */
static int
parse_rtp(struct analyzer *a, const struct pkt_meta *meta,
    struct stream_pkt *r)
{
	enum dissect_result res;

	if (meta->payload_wirelen < 12 ||
	    (meta->payload_len > 0 && meta->payload[0] >> 6 != 2)) {
		a->not_rtp_packets++;
		return -1;
	}
	res = rtp_parse(meta->payload, meta->payload_len,
	    meta->payload_wirelen, &r->hdr);
	count_result(a, res, PROTO_RTP);
	if (res != DISSECT_OK)
		return -1;
	r->ts_us = meta->ts_us;
	r->dscp = meta->dscp;
	return 0;
}

/*
 * A new stream for this packet; when the table is full, the least
 * recently active stream ends to make room.
 */
static struct stream *
new_stream(struct analyzer *a, const struct pkt_meta *meta, uint32_t ssrc,
    const struct call_media *media, int media_is_dst)
{
	struct stream *old;

	if (streams_count(a->streams) >= a->cfg.max_streams &&
	    (old = streams_least_active(a->streams)) != NULL) {
		a->streams_evicted++;
		end_stream(a, old);
	}
	return streams_add(a->streams, meta, ssrc, media, media_is_dst,
	    a->frame_order);
}

/*
 * Account for a packet in its stream, and in its call's activity when the
 * stream moved in its own (once a second): writing the call on every
 * packet missed the cache at thousands of calls.
 */
static void
account(struct analyzer *a, struct stream *s, const struct stream_pkt *r)
{
	if (stream_account(a->streams, s, r) && stream_call(s) != NULL)
		calls_touch_media(a->calls, stream_call(s),
		    stream_last_us(s));
}

static void
handle_rtp(struct analyzer *a, const struct pkt_meta *meta,
    const struct call_media *media, int media_is_dst)
{
	struct stream *s;
	struct stream_pkt r;

	if (parse_rtp(a, meta, &r) != 0)
		return;
	a->rtp_packets++;
	/* The receiver's SDP says what its payload type numbers mean. */
	stream_pkt_classify(&r, &media->sdp);
	if ((s = streams_find(a->streams, meta, r.hdr.ssrc, media->period)) ==
	    NULL)
		s = new_stream(a, meta, r.hdr.ssrc, media, media_is_dst);
	account(a, s, &r);
	flows_put(a->flows, meta, s, r.hdr.ssrc, media, media_is_dst);
}

/*
 * RTP that no SDP announced: the stream it continues, or a flow that may
 * become one (streams_candidate).  When a flow does, the packets that
 * waited are accounted for as they were seen, then this one.
 */
static void
handle_unsignalled(struct analyzer *a, const struct pkt_meta *meta)
{
	struct stream_pkt r, held[STREAMS_CANDIDATE_HELD];
	struct stream *s;
	int i, n;

	if (meta->src.port < 1024 || meta->dst.port < 1024 ||
	    meta->payload_len < 12 || (meta->payload[0] >> 6) != 2)
		return;
	memset(&r, 0, sizeof(r));
	if (rtp_parse(meta->payload, meta->payload_len, meta->payload_wirelen,
	    &r.hdr) != DISSECT_OK)
		return;		/* not RTP: nothing to count it against */
	r.ts_us = meta->ts_us;
	r.dscp = meta->dscp;
	stream_pkt_classify(&r, NULL);

	if ((s = streams_find(a->streams, meta, r.hdr.ssrc, 0)) != NULL) {
		a->rtp_packets++;
		account(a, s, &r);
	} else {
		if ((n = streams_candidate(a->streams, meta, &r, held)) == 0)
			return;
		s = new_stream(a, meta, r.hdr.ssrc, NULL, 0);
		a->rtp_packets += (uint64_t)n + 1;
		for (i = 0; i < n; i++)
			account(a, s, &held[i]);
		account(a, s, &r);
	}
	flows_put(a->flows, meta, s, r.hdr.ssrc, NULL, 0);
}

/*
 * A packet of a stream the flow table knows, nothing changed since: what
 * handle_rtp or handle_unsignalled would do with it, after one lookup.
 * 0: it takes the long way.
 */
static int
handle_known(struct analyzer *a, const struct pkt_meta *meta,
    const struct flow_hint *hint)
{
	const uint8_t *p = meta->payload;
	struct stream_pkt r;
	struct flow *f;

	if (meta->payload_len < 12 || (f = flows_find(a->flows, meta, hint)) ==
	    NULL || f->ssrc != ((uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 |
	    (uint32_t)p[10] << 8 | p[11]))
		return 0;
	if (f->media == NULL) {
		classify(a, meta);
		memset(&r, 0, sizeof(r));
		if ((p[0] >> 6) != 2 || rtp_parse(p, meta->payload_len,
		    meta->payload_wirelen, &r.hdr) != DISSECT_OK)
			return 1;
		r.ts_us = meta->ts_us;
		r.dscp = meta->dscp;
		stream_pkt_classify(&r, NULL);
	} else {
		/* Its call's line is cold at thousands of calls: only if kept. */
		if (a->pcap != NULL)
			keep_packet(a, f->media->call, meta);
		if (parse_rtp(a, meta, &r) != 0)
			return 1;
		/* What its payload type means, looked up once. */
		if (r.hdr.payload_type != f->pt) {
			stream_pkt_classify(&r, &f->media->sdp);
			f->pt = r.hdr.payload_type;
			f->kind = (uint8_t)r.kind;
			f->encoding = r.encoding;
			f->clock_rate_hz = r.clock_rate_hz;
		}
		r.kind = (enum rtpstat_kind)f->kind;
		r.encoding = f->encoding;
		r.clock_rate_hz = f->clock_rate_hz;
		r.event_shape = 0;	/* the SDP says what it is */
	}
	a->rtp_packets++;
	account(a, f->stream, &r);
	return 1;
}

/*
 * RTCP that no SDP announced is taken only when it parses as RTCP, between
 * unprivileged ports: the checks of RFC 3550 A.2 (version, lengths adding
 * up) seldom hold for anything else.  The whole datagram, or a compound
 * that begins as RFC 3550 6.1 says one must (an SR or RR) and is followed
 * by fewer stray bytes than it holds itself: its valid part then counts,
 * and the tail is counted malformed (handle_rtcp), as on an announced leg.
 */
static int
rtcp_well_formed(const struct pkt_meta *meta)
{
	struct rtcp_iter it;
	struct rtcp_packet pkt;
	int first_type = 0;
	size_t valid;

	if (meta->src.port < 1024 || meta->dst.port < 1024)
		return 0;
	rtcp_iter_init(&it, meta->payload, meta->payload_len,
	    meta->payload_wirelen);
	while (rtcp_next(&it, &pkt))
		if (it.n_packets == 1)
			first_type = pkt.type;
	if (it.n_packets == 0)
		return 0;
	if (it.result == DISSECT_OK)
		return 1;
	valid = (size_t)(it.c.p - it.start);
	return it.result == DISSECT_MALFORMED &&
	    (first_type == RTCP_SR || first_type == RTCP_RR) &&
	    meta->payload_wirelen - valid < valid;
}

/* Walk a compound RTCP datagram and file what it says under its streams. */
static void
handle_rtcp(struct analyzer *a, const struct pkt_meta *meta)
{
	struct rtcp_iter it;
	struct rtcp_packet pkt;

	a->rtcp_packets++;
	rtcp_iter_init(&it, meta->payload, meta->payload_len,
	    meta->payload_wirelen);
	while (rtcp_next(&it, &pkt)) {
		if (pkt.type == RTCP_SR || pkt.type == RTCP_RR)
			streams_rtcp_report(a->streams, &pkt.u.report,
			    pkt.type == RTCP_SR, meta);
		else if (pkt.type == RTCP_XR)
			streams_rtcp_xr(a->streams, &pkt.u.xr, meta);
	}
	count_result(a, it.result, PROTO_RTCP);
}

void
analyzer_prefetch(const struct analyzer *a, const struct pkt_meta *meta,
    struct flow_hint *hint, unsigned ahead)
{
	const uint8_t *p = meta->payload;

	if (meta->ip_proto != DECODE_IPPROTO_UDP || meta->payload_len < 12)
		return;
	/* A step a call; one that came late takes its first ones anyway. */
	if (hint->step == 0)
		flows_hint_hash(a->flows, meta, hint);
	else if (hint->step == 1 && ahead <= ANALYZER_PREFETCH_AHEAD - 2)
		flows_hint_entry(a->flows, meta, hint);
	else if (hint->step == 2 && ahead <= ANALYZER_PREFETCH_AHEAD - 4)
		flows_hint_figures(a->flows, hint,
		    (uint16_t)(p[2] << 8 | p[3]));
}

void
analyzer_udp(struct analyzer *a, const struct pkt_meta *meta,
    const struct flow_hint *hint)
{
	const struct call_media *media;
	int media_is_dst = 1;

	if (sip_looks_like(meta->payload, meta->payload_len)) {
		handle_sip(a, meta);
		return;
	}
	if (rtp_is_rtcp(meta->payload, meta->payload_len)) {
		if ((media = calls_rtcp_find(a->calls, &meta->dst)) != NULL ||
		    (media = calls_rtcp_find(a->calls, &meta->src)) != NULL) {
			keep_packet(a, media->call, meta);
			handle_rtcp(a, meta);
		} else {
			classify(a, meta);
			if (rtcp_well_formed(meta))
				handle_rtcp(a, meta);
		}
		return;
	}
	if (handle_known(a, meta, hint))
		return;
	media = calls_media_find(a->calls, &meta->dst);
	if (media == NULL) {
		media = calls_media_find(a->calls, &meta->src);
		media_is_dst = 0;
	}
	if (media != NULL)
		keep_packet(a, media->call, meta);
	if (media != NULL && !media->sdp.not_rtp) {
		handle_rtp(a, meta, media, media_is_dst);
		return;
	}
	if (media != NULL) {
		a->not_rtp_packets++;	/* T.38 and the like: not voice */
		return;
	}
	/* No SIP explains it: nDPI names it (RTP without SDP too). */
	classify(a, meta);
	if (meta->payload_len >= 12)
		handle_unsignalled(a, meta);
	else if (meta->payload_len < meta->payload_wirelen)
		/*
		 * The capture cut the datagram before anything could tell
		 * what it carries: that is lost to the analysis, so count it.
		 */
		a->truncated[PROTO_UDP]++;
}

/*
 * An endpoint's own report (RFC 6035) in a PUBLISH or NOTIFY: filed under
 * the streams of the call its body names (the capture thread routes it
 * by that Call-ID), which is usually over by then but still lingers
 * (ANALYZER_LINGER_US).  The message goes in that call's ladder and pcap:
 * it is the call's evidence too.
 */
void
vq_report(struct analyzer *a, const struct pkt_meta *meta,
    const struct sip_msg *msg)
{
	struct vqr_report r;
	enum dissect_result res;
	struct call *c;

	if (msg->content_length > (long)msg->body.len)
		res = DISSECT_TRUNCATED;
	else
		res = vqr_parse(msg->body.p, msg->body.len, &r);
	count_result(a, res, PROTO_VQREPORT);
	if (res != DISSECT_OK)
		return;
	a->vq_reports++;
	c = calls_find_id(a->calls, r.call_id, r.call_id_len);
	if (c == NULL || streams_vq_report(c, &r) == 0) {
		a->vq_reports_unmatched++;
		return;
	}
	keep_packet(a, c, meta);
	if (a->cfg.keep_sip)
		calls_note_message(c, msg, meta->ts_us, &meta->src, &meta->dst,
		    meta->payload, meta->payload_len);
}
