/*
 * One capture point: a capture read through the probe's own decoders into
 * streams (src, dst, SSRC) of packets, the RTCP report blocks the point
 * saw, and the Call-ID of each stream, from the SIP whose SDP announced
 * one of its endpoints (UDP or TCP SIP, as the decoder delivers it).
 */
#include <stdlib.h>
#include <string.h>

#include "dissectors/decode.h"
#include "dissectors/rtcp.h"
#include "dissectors/rtp.h"
#include "dissectors/sdp.h"
#include "dissectors/sip.h"
#include "metrics/seqmath.h"
#include "probe/compare/compare.h"
#include "probe/pipeline/capture.h"
#include "probe/text.h"
#include "probe/vqprobe.h"

/*
 * RTP that no SDP announced is taken on its looks (version 2, a header
 * that parses, unprivileged ports); a lone datagram that looks so is more
 * likely something else, so a stream needs this many packets unless an
 * SDP of the capture names one of its endpoints.
 */
#define COMPARE_MIN_UNANNOUNCED	2

/* An endpoint an SDP announced, and the call it belongs to. */
struct compare_sdp_note {
	struct vq_endpoint	 ep;
	int64_t			 ts_us;
	char			 call_id[COMPARE_CALL_ID_LEN];
};

/* What a read keeps besides the point. */
struct compare_reader {
	struct compare_point	*pt;
	struct decode_ctx	*decode;
	struct compare_sdp_note	*notes;
	size_t			 n_notes, cap_notes;
};

void
compare_point_init(struct compare_point *pt, const char *name,
    const char *file)
{
	memset(pt, 0, sizeof(*pt));
	pt->name = name;
	pt->file = file;
}

void
compare_point_free(struct compare_point *pt)
{
	size_t i;

	for (i = 0; i < pt->n_streams; i++) {
		free(pt->streams[i].pkts);
		free(pt->streams[i].seqs);
	}
	free(pt->streams);
	free(pt->reports);
	free(pt->index);
	memset(pt, 0, sizeof(*pt));
}

static uint64_t
stream_key_hash(const struct vq_endpoint *src, const struct vq_endpoint *dst,
    uint32_t ssrc)
{
	return endpoint_hash(src) ^ (endpoint_hash(dst) >> 7) ^
	    (uint64_t)ssrc * 0x9e3779b97f4a7c15ULL;
}

/* Put stream i in the index (which has room). */
static void
index_put(struct compare_point *pt, size_t i)
{
	const struct compare_stream *s = &pt->streams[i];
	size_t slot;

	slot = (size_t)(stream_key_hash(&s->src, &s->dst, s->ssrc) >> 20) &
	    (pt->n_index - 1);
	while (pt->index[slot] != SIZE_MAX)
		slot = (slot + 1) & (pt->n_index - 1);
	pt->index[slot] = i;
}

/* Keep the index at most half full: grow it and put every stream again. */
static void
index_grow(struct compare_point *pt)
{
	size_t i;

	if (pt->n_index != 0 && pt->n_streams * 2 < pt->n_index)
		return;
	free(pt->index);
	pt->n_index = pt->n_index == 0 ? 64 : pt->n_index * 2;
	pt->index = xreallocarray(NULL, pt->n_index, sizeof(*pt->index));
	for (i = 0; i < pt->n_index; i++)
		pt->index[i] = SIZE_MAX;
	for (i = 0; i < pt->n_streams; i++)
		index_put(pt, i);
}

/* The stream of (src, dst, ssrc), made when new. */
static struct compare_stream *
stream_get(struct compare_point *pt, const struct vq_endpoint *src,
    const struct vq_endpoint *dst, uint32_t ssrc, uint8_t payload_type)
{
	struct compare_stream *s;
	size_t slot;

	index_grow(pt);
	slot = (size_t)(stream_key_hash(src, dst, ssrc) >> 20) &
	    (pt->n_index - 1);
	for (; pt->index[slot] != SIZE_MAX;
	    slot = (slot + 1) & (pt->n_index - 1)) {
		s = &pt->streams[pt->index[slot]];
		if (s->ssrc == ssrc && endpoint_equal(&s->src, src) &&
		    endpoint_equal(&s->dst, dst))
			return s;
	}
	if (pt->n_streams == pt->cap_streams) {
		pt->cap_streams = pt->cap_streams ? pt->cap_streams * 2 : 16;
		pt->streams = xreallocarray(pt->streams, pt->cap_streams,
		    sizeof(*pt->streams));
	}
	s = &pt->streams[pt->n_streams];
	memset(s, 0, sizeof(*s));
	s->src = *src;
	s->dst = *dst;
	s->ssrc = ssrc;
	s->payload_type = payload_type;
	pt->index[slot] = pt->n_streams++;
	return s;
}

struct compare_stream *
compare_point_add_rtp(struct compare_point *pt, const struct vq_endpoint *src,
    const struct vq_endpoint *dst, uint32_t ssrc, uint16_t seq,
    uint32_t rtp_ts, uint8_t payload_type, int64_t ts_us,
    uint32_t payload_hash)
{
	struct compare_stream *s = stream_get(pt, src, dst, ssrc, payload_type);
	struct compare_pkt *p;
	int64_t ext = seq;

	/*
	 * RFC 3550 A.1, without its probation: the number nearest the
	 * highest so far with these 16 bits, so a wrap counts a cycle and
	 * a late packet from before it does not.  No jump is refused, so
	 * the bounds are the widest.
	 */
	if (s->n_pkts > 0)
		(void)seqmath_extend(s->max_ext_seq, seq, 32768, 32768, &ext);
	if (s->n_pkts == 0 || ext > s->max_ext_seq)
		s->max_ext_seq = (int32_t)ext;
	if (s->n_pkts == s->cap_pkts) {
		s->cap_pkts = s->cap_pkts ? s->cap_pkts * 2 : 64;
		s->pkts = xreallocarray(s->pkts, s->cap_pkts, sizeof(*s->pkts));
	}
	p = &s->pkts[s->n_pkts++];
	p->ts_us = ts_us;
	p->ext_seq = (int32_t)ext;
	p->rtp_ts = rtp_ts;
	p->payload_hash = payload_hash;
	pt->rtp_packets++;
	return s;
}

void
compare_point_add_report(struct compare_point *pt,
    const struct compare_report *r)
{
	if (pt->n_reports == pt->cap_reports) {
		pt->cap_reports = pt->cap_reports ? pt->cap_reports * 2 : 16;
		pt->reports = xreallocarray(pt->reports, pt->cap_reports,
		    sizeof(*pt->reports));
	}
	pt->reports[pt->n_reports++] = *r;
}

/* By number, then by arrival: the first copy of a number comes first. */
static int
seq_order(const void *x, const void *y)
{
	const struct compare_seq *a = x, *b = y;

	if (a->ext_seq != b->ext_seq)
		return a->ext_seq < b->ext_seq ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

void
compare_point_finish(struct compare_point *pt)
{
	struct compare_stream *s;
	size_t i, j, n;

	for (i = 0; i < pt->n_streams; i++) {
		s = &pt->streams[i];
		free(s->seqs);
		s->seqs = xreallocarray(NULL, s->n_pkts ? s->n_pkts : 1,
		    sizeof(*s->seqs));
		for (j = 0; j < s->n_pkts; j++) {
			s->seqs[j].ext_seq = s->pkts[j].ext_seq;
			s->seqs[j].first = (uint32_t)j;
			s->seqs[j].copies = 1;
		}
		qsort(s->seqs, s->n_pkts, sizeof(*s->seqs), seq_order);
		for (j = 0, n = 0; j < s->n_pkts; j++) {
			if (n > 0 && s->seqs[n - 1].ext_seq == s->seqs[j].ext_seq)
				s->seqs[n - 1].copies++;
			else
				s->seqs[n++] = s->seqs[j];
		}
		s->n_seqs = n;
	}
}

/* FNV-1a: a short fingerprint of a payload, not a defence against anyone. */
static uint32_t
payload_hash(const uint8_t *p, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* Note the media endpoints a SIP message's SDP announces, with its call. */
static void
read_sip(struct compare_reader *rd, const struct pkt_meta *meta)
{
	struct sdp_session *sdp;
	struct sdp_endpoints eps;
	struct compare_sdp_note *n;
	struct sip_msg msg;
	size_t i;

	if (sip_parse(meta->payload, meta->payload_len, &msg) != DISSECT_OK ||
	    msg.sdp.p == NULL)
		return;
	sdp = xcalloc(1, sizeof(*sdp));	/* 5 KB: not on the stack */
	if (sdp_parse(msg.sdp.p, msg.sdp.len, sdp) == DISSECT_OK) {
		for (i = 0; i < sdp->n_media; i++) {
			if (sdp->media[i].not_rtp ||
			    sdp_media_endpoints(&sdp->media[i], &eps) != 0)
				continue;
			if (rd->n_notes == rd->cap_notes) {
				rd->cap_notes = rd->cap_notes ?
				    rd->cap_notes * 2 : 16;
				rd->notes = xreallocarray(rd->notes,
				    rd->cap_notes, sizeof(*rd->notes));
			}
			n = &rd->notes[rd->n_notes++];
			n->ep = eps.rtp;
			n->ts_us = meta->ts_us;
			text_copy_safe(n->call_id, sizeof(n->call_id),
			    msg.call_id.p, msg.call_id.len);
		}
	}
	free(sdp);
}

/* File each reception report block of an RTCP datagram. */
static void
read_rtcp(struct compare_reader *rd, const struct pkt_meta *meta)
{
	struct rtcp_packet *pkt = xcalloc(1, sizeof(*pkt));
	struct compare_report r;
	struct rtcp_iter it;
	unsigned i;

	rtcp_iter_init(&it, meta->payload, meta->payload_len,
	    meta->payload_wirelen);
	while (rtcp_next(&it, pkt)) {
		if (pkt->type != RTCP_SR && pkt->type != RTCP_RR)
			continue;
		for (i = 0; i < pkt->u.report.n_blocks; i++) {
			const struct rtcp_report_block *b =
			    &pkt->u.report.blocks[i];

			memset(&r, 0, sizeof(r));
			r.ts_us = meta->ts_us;
			r.from = meta->src.addr;
			r.ssrc = b->ssrc;
			r.cumulative_lost = b->cumulative_lost;
			r.ext_highest_seq = b->ext_highest_seq;
			compare_point_add_report(rd->pt, &r);
		}
	}
	free(pkt);
}

/* One UDP payload or SIP message from the decoder. */
static void
read_payload(void *arg, const struct pkt_meta *meta)
{
	struct compare_reader *rd = arg;
	struct rtp_hdr hdr;

	if (sip_looks_like(meta->payload, meta->payload_len)) {
		read_sip(rd, meta);
		return;
	}
	if (meta->ip_proto != DECODE_IPPROTO_UDP || meta->src.port < 1024 ||
	    meta->dst.port < 1024)
		return;
	if (rtp_is_rtcp(meta->payload, meta->payload_len)) {
		read_rtcp(rd, meta);
		return;
	}
	/* rtp_parse checks the version and the length of the header. */
	if (rtp_parse(meta->payload, meta->payload_len, meta->payload_wirelen,
	    &hdr) != DISSECT_OK)
		return;
	compare_point_add_rtp(rd->pt, &meta->src, &meta->dst, hdr.ssrc,
	    hdr.seq, hdr.timestamp, hdr.payload_type, meta->ts_us,
	    payload_hash(hdr.payload, hdr.payload_len));
}

static void
read_frame(void *arg, int linktype, int64_t ts_us, uint32_t caplen,
    uint32_t wirelen, const uint8_t *data)
{
	struct compare_reader *rd = arg;
	struct pkt_meta meta;

	rd->pt->packets++;
	meta.ts_us = ts_us;
	meta.caplen = caplen;
	meta.wirelen = wirelen;
	decode_frame(rd->decode, linktype, data, caplen, &meta,
	    read_payload, rd);
}

/*
 * The call of a stream: of the SDPs announcing its destination (else its
 * source), the last one before its first packet, or the first after it
 * (an answer may come after early media started).
 */
static const char *
stream_call(const struct compare_reader *rd, const struct compare_stream *s)
{
	const struct compare_sdp_note *before, *after, *n;
	int64_t first_us = s->pkts[0].ts_us;
	size_t i;
	int side;

	for (side = 0; side < 2; side++) {
		before = after = NULL;
		for (i = 0; i < rd->n_notes; i++) {
			n = &rd->notes[i];
			if (!endpoint_equal(&n->ep, side == 0 ? &s->dst :
			    &s->src))
				continue;
			if (n->ts_us <= first_us) {
				if (before == NULL || n->ts_us >= before->ts_us)
					before = n;
			} else if (after == NULL || n->ts_us < after->ts_us)
				after = n;
		}
		if (before != NULL)
			return before->call_id;
		if (after != NULL)
			return after->call_id;
	}
	return NULL;
}

/* Name each stream's call; drop lone look-alikes no SDP announced. */
static void
read_settle(struct compare_reader *rd)
{
	struct compare_point *pt = rd->pt;
	const char *call_id;
	size_t i, kept = 0;

	for (i = 0; i < pt->n_streams; i++) {
		struct compare_stream *s = &pt->streams[i];

		call_id = stream_call(rd, s);
		if (call_id == NULL && s->n_pkts < COMPARE_MIN_UNANNOUNCED) {
			pt->rtp_packets -= s->n_pkts;
			free(s->pkts);
			continue;
		}
		text_copy(s->call_id, sizeof(s->call_id),
		    call_id != NULL ? call_id : "");
		pt->streams[kept++] = *s;
	}
	pt->n_streams = kept;
	/* Nothing is added after a read: the index is no longer needed. */
	free(pt->index);
	pt->index = NULL;
	pt->n_index = 0;
}

int
compare_point_read(struct compare_point *pt, char **cause)
{
	struct compare_reader rd;
	struct capture *cap;
	char *why = NULL;

	if ((cap = capture_open_file(pt->file, cause)) == NULL)
		return -1;
	memset(&rd, 0, sizeof(rd));
	rd.pt = pt;
	if ((rd.decode = decode_ctx_new(NULL)) == NULL)
		fatal("out of memory");
	if (capture_run(cap, read_frame, NULL, &rd, &why) != 0) {
		warnx_vq("%s: %s; the comparison covers the packets before it",
		    pt->file, why);
		free(why);
	}
	/* SIP held in TCP reassembly at the end is not needed: forget it. */
	decode_ctx_free(rd.decode);
	capture_close(cap);
	read_settle(&rd);
	free(rd.notes);
	return 0;
}
