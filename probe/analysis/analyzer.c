/*
 * The analysis of one packet stream.
 *
 * A frame is decoded down to UDP.  SIP (recognised by its first line, on
 * any port) goes to the call table, which learns media endpoints from SDP.
 * A UDP datagram to or from a learned endpoint is RTP or RTCP of that call;
 * RTP is followed per (source, destination, SSRC), as tshark does, so an
 * SSRC change is a new stream.
 *
 * What no SDP explains is counted by application (nDPI), and media among
 * it is still measured, warily, since a false stream is a false alarm:
 * RTP without SDP becomes a stream (with no call) only once a second
 * packet continues the first one's SSRC, payload type and sequence number,
 * and RTCP without SDP is read only when the whole datagram parses as
 * RTCP; both between unprivileged ports.
 */
#include <sys/queue.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "dissectors/decode.h"
#include "dissectors/rtcp.h"
#include "dissectors/rtp.h"
#include "dissectors/sdp.h"
#include "dissectors/sip.h"
#include "metrics/emodel.h"
#include "metrics/quality.h"
#include "metrics/rtpstat.h"
#include "probe/analysis/analyzer.h"
#include "probe/output/callpcap.h"
#include "probe/analysis/calls.h"
#include "probe/analysis/dpi.h"
#include "probe/vqprobe.h"

/* Hash key of a stream: packed source, destination, SSRC, media period. */
#define STREAM_KEY_LEN	(2 * ENDPOINT_KEY_LEN + 4 + 4)

struct stream {
	uint8_t			 key[STREAM_KEY_LEN];
	unsigned		 id;
	struct call		*call;
	const char		*direction;
	struct vq_endpoint	 src;
	struct vq_endpoint	 dst;
	uint32_t		 ssrc;
	uint32_t		 period;	/* media period of its endpoint */
	int			 payload_type;	/* first voice packet's */
	int			 first_payload_type;
	char			 codec[SNAP_CODEC_LEN];
	char			 first_codec[SNAP_CODEC_LEN];
	uint32_t		 clock_rate_hz;
	int			 dscp;		/* of the first packet */
	int			 last_dscp;
	uint32_t		 dscp_changes;	/* times it differed from the last */
	int			 vlan;		/* outermost VLAN id, -1 none */
	uint64_t		 order;		/* frame it was made on */
	int64_t			 last_us;	/* its latest packet */
	/* Totals at the latest interval report, for the next one's deltas. */
	uint64_t		 rep_packets;
	uint64_t		 rep_expected;
	uint64_t		 rep_lost;
	uint64_t		 rep_discards;
	uint32_t		 rep_intervals;	/* MOS intervals rated */
	struct snap_point	*points;	/* the latest keep_points */
	size_t			 n_points;
	/* All streams, least recently active first: timeouts, eviction. */
	TAILQ_ENTRY(stream)	 lru;
	/* All streams, lowest order first: the watermark, in O(1). */
	TAILQ_ENTRY(stream)	 by_order;
	/* The streams of one call (the head is the call's user pointer). */
	struct stream		*call_prev;
	struct stream		*call_next;
	struct rtpstat		*stat;
	struct quality		*quality;
	struct snap_far_end	 far;
	int64_t			 last_sr_us;	/* capture time of its last SR */
	uint32_t		 last_sr_mid32;	/* that SR's NTP, middle bits */
	UT_hash_handle		 hh;
	UT_hash_handle		 hh_ssrc;	/* by SSRC, for RTCP */
};

/* Ended calls that analyzer_settle frees whatever the table's size. */
#define ANALYZER_SETTLE_CALLS	1024
/* Bounds the memory that unconfirmed unsignalled flows can take. */
#define ANALYZER_MAX_CANDIDATES	4096
/*
 * A call that said goodbye stays this long after its last packet, for the
 * RTP and RTCP still in flight, before it is reported and forgotten.
 */
#define ANALYZER_LINGER_US	(5 * 1000000LL)

/* One RTP packet as a stream accounts for it. */
struct rtp_seen {
	struct rtp_hdr		 hdr;
	int64_t			 ts_us;
	uint8_t			 dscp;
	enum rtpstat_kind	 kind;
	const char		*encoding;	/* NULL: unknown */
	uint32_t		 clock_rate_hz;
};

/* A UDP flow that looked like RTP once, with no SDP behind it. */
struct candidate {
	uint8_t			 key[STREAM_KEY_LEN];
	struct rtp_seen		 first;
	UT_hash_handle		 hh;
};

struct analyzer {
	struct analyzer_config	  cfg;
	struct emodel_options	  emodel;
	struct call_table	 *calls;
	struct dpi		 *dpi;		/* NULL: no classification */
	struct callpcap		 *pcap;		/* NULL: no per-call pcaps */
	uint64_t		  frame_order;	/* of the payload in hand */
	struct stream		 *by_key;	/* uthash head */
	struct stream		 *by_ssrc;	/* the latest stream of an SSRC */
	struct candidate	 *candidates;	/* unsignalled RTP, unconfirmed */
	size_t			  n_candidates;
	TAILQ_HEAD(stream_lru, stream) lru;		/* least recently active first */
	struct stream_lru	  by_order;		/* lowest order first */
	size_t			  n_streams;
	unsigned		  next_id;
	analyzer_emit_fn	 *emit;
	analyzer_interval_fn	 *emit_interval;
	void			 *emit_arg;
	int			  part_msgs;	/* a call's part has its messages */
	/* The metrics interval being filled. */
	int64_t			  next_interval_us;
	struct snap_stream_interval *pending;	/* streams ended in it */
	size_t			  n_pending;
	size_t			  cap_pending;
	uint64_t		  sip_requests[SNAP_SIP_METHODS];
	uint64_t		  sip_responses[SNAP_SIP_METHODS]
				    [SNAP_SIP_CLASSES];
	int64_t			  next_session_check_us;
	uint64_t		  version;	/* of the latest call copy */

	uint64_t		  calls_evicted;
	uint64_t		  streams_evicted;
	uint64_t		  candidates_dropped;
	uint64_t		  calls_timed_out;

	uint64_t		  sip_messages;
	uint64_t		  rtp_packets;
	uint64_t		  rtcp_packets;
	uint64_t		  not_rtp_packets;
	uint64_t		  truncated[PROTO_COUNT];
	uint64_t		  malformed[PROTO_COUNT];
};

void
analyzer_config_default(struct analyzer_config *cfg)
{
	cfg->interval_us = 10 * 1000000LL;
	cfg->g711_plc = 1;
	jbuf_config_default(&cfg->jbuf, JBUF_FIXED);
	cfg->stream_timeout_us = 120 * 1000000LL;
	cfg->call_timeout_us = 300 * 1000000LL;
	cfg->session_timer_us = 7200 * 1000000LL;
	cfg->max_calls = 200000;
	cfg->max_streams = 400000;
	cfg->dpi = 1;
}

void
analyzer_set_emit(struct analyzer *a, analyzer_emit_fn *fn,
    analyzer_interval_fn *interval_fn, void *arg)
{
	a->emit = fn;
	a->emit_interval = interval_fn;
	a->emit_arg = arg;
}

void
analyzer_set_part_msgs(struct analyzer *a, int with_msgs)
{
	a->part_msgs = with_msgs;
}

struct analyzer *
analyzer_new(const struct analyzer_config *cfg)
{
	struct analyzer *a;

	a = xcalloc(1, sizeof(*a));
	a->cfg = *cfg;
	a->part_msgs = 1;
	emodel_options_init(&a->emodel);
	a->emodel.g711_plc = cfg->g711_plc;
	a->calls = calls_new();
	TAILQ_INIT(&a->lru);
	TAILQ_INIT(&a->by_order);
	if (cfg->pcap_dir != NULL && (a->pcap = callpcap_new(cfg->pcap_dir)) ==
	    NULL)
		fatal("out of memory");
	return a;
}

/* Count (and, for its first packets, classify) a packet no call explains. */
static void
classify(struct analyzer *a, const struct pkt_meta *meta)
{
	struct dpi_flow_key key;
	struct dpi_config dc;
	char *cause = NULL;

	if (!a->cfg.dpi || meta->ip == NULL)
		return;
	/*
	 * Made on first need: nDPI takes a good part of a second to set up,
	 * which a capture of nothing but signalled calls need not pay.
	 */
	if (a->dpi == NULL) {
		dpi_config_default(&dc);
		if ((a->dpi = dpi_new(&dc, &cause)) == NULL)
			fatal("nDPI: %s", cause);
	}
	dpi_flow_key_set(&key, meta->ip_proto, &meta->src, &meta->dst);
	dpi_packet(a->dpi, &key, meta->ts_us, meta->ip, meta->ip_caplen,
	    meta->wirelen);
}

void
analyzer_other(struct analyzer *a, const struct pkt_meta *meta)
{
	classify(a, meta);
}

static void
stream_free(struct stream *s)
{
	free(s->points);
	rtpstat_free(s->stat);
	quality_free(s->quality);
	free(s);
}

/* The stream had a packet: it goes to the end of the activity list. */
static void
stream_lru_touch(struct analyzer *a, struct stream *s)
{
	if (TAILQ_LAST(&a->lru, stream_lru) == s)
		return;
	TAILQ_REMOVE(&a->lru, s, lru);
	TAILQ_INSERT_TAIL(&a->lru, s, lru);
}

/*
 * Payloads reach a worker in frame order, so a new stream is nearly always
 * the highest: the walk back from the tail is for safety, not speed.
 */
static void
stream_order_insert(struct analyzer *a, struct stream *s)
{
	struct stream *after = TAILQ_LAST(&a->by_order, stream_lru);

	while (after != NULL && after->order > s->order)
		after = TAILQ_PREV(after, stream_lru, by_order);
	if (after == NULL)
		TAILQ_INSERT_HEAD(&a->by_order, s, by_order);
	else
		TAILQ_INSERT_AFTER(&a->by_order, after, s, by_order);
}

/* Take a stream out of every list and index. */
static void
stream_unlink(struct analyzer *a, struct stream *s)
{
	struct stream *cur;

	TAILQ_REMOVE(&a->lru, s, lru);
	TAILQ_REMOVE(&a->by_order, s, by_order);
	if (s->call != NULL) {
		if (s->call_prev != NULL)
			s->call_prev->call_next = s->call_next;
		else
			call_set_user(s->call, s->call_next);
		if (s->call_next != NULL)
			s->call_next->call_prev = s->call_prev;
	}
	HASH_DELETE(hh, a->by_key, s);
	HASH_FIND(hh_ssrc, a->by_ssrc, &s->ssrc, sizeof(s->ssrc), cur);
	if (cur == s)
		HASH_DELETE(hh_ssrc, a->by_ssrc, s);
	a->n_streams--;
}

/* One stream as plain data; call is its call's index, or SNAP_NO_CALL. */
static void
stream_snapshot(const struct stream *s, size_t call, struct snap_stream *o)
{
	memset(o, 0, sizeof(*o));
	o->id = s->id;
	o->order = s->order;
	o->call = call;
	o->direction = s->direction;
	addr_format_endpoint(&s->src, o->src, sizeof(o->src));
	addr_format_endpoint(&s->dst, o->dst, sizeof(o->dst));
	o->ssrc = s->ssrc;
	/* A stream of nothing but events is named after them. */
	o->payload_type = s->payload_type >= 0 ? s->payload_type :
	    s->first_payload_type;
	memcpy(o->codec, s->payload_type >= 0 ? s->codec : s->first_codec,
	    sizeof(o->codec));
	o->clock_rate_hz = s->clock_rate_hz;
	o->dscp = s->dscp;
	o->dscp_changes = s->dscp_changes;
	o->vlan = s->vlan;
	o->period = s->period;
	rtpstat_summary(s->stat, &o->rtp);
	o->far = s->far;
	quality_summary(s->quality, &o->quality);
	if (s->n_points > 0) {
		o->points = xcalloc(s->n_points, sizeof(*o->points));
		memcpy(o->points, s->points, s->n_points * sizeof(*o->points));
		o->n_points = s->n_points;
	}
}

/*
 * Report a piece of the results that will not change any more: a call as
 * it stands (or none) and at most one stream of it.  The aggregator keeps
 * the latest version of a call, by its INVITE's frame.  The call comes
 * without its SIP messages unless someone wants them (part_msgs): they
 * are a few kilobytes a call, and a part may wait in the ring to the
 * aggregator.  When they are wanted, a stream's part has them too: the
 * terminal view shows the latest version of a call still up, which can be
 * that of a stream of it that ended.
 */
static void
emit_part(struct analyzer *a, const struct call *c, const struct stream *s)
{
	struct snapshot *part = xcalloc(1, sizeof(*part));

	part->capture.kernel_drops = -1;
	if (c != NULL) {
		part->calls = xcalloc(1, sizeof(*part->calls));
		part->n_calls = 1;
		call_snapshot(c, &part->calls[0], a->part_msgs);
		part->calls[0].version = ++a->version;
	}
	if (s != NULL) {
		part->streams = xcalloc(1, sizeof(*part->streams));
		part->n_streams = 1;
		stream_snapshot(s, c != NULL ? 0 : SNAP_NO_CALL,
		    &part->streams[0]);
	}
	a->emit(a->emit_arg, part);
}

/*
 * An interval's loss in percent of its expected packets, never below 0, as
 * RFC 3550 clamps its fraction lost: a late packet repairs the count, it
 * does not make the interval better than lossless.
 */
double
analyzer_interval_loss_pct(const struct snap_stream_interval *si)
{
	if (si->expected == 0 || si->lost <= 0)
		return 0.0;
	return 100.0 * (double)si->lost / (double)si->expected;
}

/* Keep an interval's figures with the stream, the latest keep_points. */
static void
stream_keep_point(struct analyzer *a, struct stream *s, int64_t end_us,
    const struct snap_stream_interval *si)
{
	struct snap_point *p;

	if (s->points == NULL)
		s->points = xcalloc(a->cfg.keep_points, sizeof(*s->points));
	if (s->n_points == a->cfg.keep_points) {
		memmove(s->points, s->points + 1,
		    (s->n_points - 1) * sizeof(*s->points));
		s->n_points--;
	}
	p = &s->points[s->n_points++];
	p->end_us = end_us;
	p->packets = si->packets;
	p->expected = si->expected;
	p->lost = si->lost;
	p->loss_pct = analyzer_interval_loss_pct(si);
	p->jitter_ms = si->jitter_ms;
	p->max_jitter_ms = si->max_jitter_ms;
	p->jb_discards = si->jb_discards;
	/* A MOS for this interval only if one was rated in it. */
	p->have_mos = si->have_mos && quality_intervals(s->quality) !=
	    s->rep_intervals;
	p->mos = si->mos;
}

/*
 * What a stream did since its previous interval report (its last one when
 * ended), into out; the totals become the next report's baseline.
 */
static void
stream_interval(struct analyzer *a, struct stream *s, int64_t end_us,
    int ended, struct snap_stream_interval *out)
{
	struct rtpstat_summary rs;
	struct quality_summary qs;

	rtpstat_summary(s->stat, &rs);
	quality_summary(s->quality, &qs);
	memset(out, 0, sizeof(*out));
	out->order = s->order;
	out->last_us = s->last_us;
	if (s->call != NULL)
		call_copy_id(s->call, out->call_id, sizeof(out->call_id));
	out->direction = s->direction;
	memcpy(out->codec, s->payload_type >= 0 ? s->codec : s->first_codec,
	    sizeof(out->codec));
	addr_format_endpoint(&s->src, out->src, sizeof(out->src));
	addr_format_endpoint(&s->dst, out->dst, sizeof(out->dst));
	out->ssrc = s->ssrc;
	out->dscp = s->dscp;
	out->packets = rs.packets - s->rep_packets;
	out->expected = rs.expected > s->rep_expected ?
	    rs.expected - s->rep_expected : 0;
	/*
	 * A late packet can fill a gap counted lost in an earlier interval:
	 * the difference is then negative, so that the intervals add up to
	 * the stream's loss (clamped, they over-counted it).
	 */
	out->lost = (int64_t)rs.lost - (int64_t)s->rep_lost;
	out->jb_discards = qs.jb_discards - s->rep_discards;
	rtpstat_window(s->stat, &out->jitter_ms, &out->max_jitter_ms);
	out->burst_ratio = rs.burst_ratio;
	if (qs.have_mos) {
		out->have_mos = 1;
		out->mos = qs.mos_last;
		out->r_factor = qs.r_last;
	}
	out->ended = ended;
	if (a->cfg.keep_points > 0)
		stream_keep_point(a, s, end_us, out);
	s->rep_packets = rs.packets;
	s->rep_expected = rs.expected;
	s->rep_lost = rs.lost;
	s->rep_discards = qs.jb_discards;
	s->rep_intervals = qs.intervals;
}

/* Room for one more entry in the interval being filled. */
static struct snap_stream_interval *
pending_add(struct analyzer *a)
{
	if (a->n_pending == a->cap_pending) {
		a->cap_pending = a->cap_pending ? a->cap_pending * 2 : 64;
		a->pending = xreallocarray(a->pending, a->cap_pending,
		    sizeof(*a->pending));
	}
	return &a->pending[a->n_pending++];
}

/* The stream is over: settle it, report it, forget it. */
static void
stream_end(struct analyzer *a, struct stream *s)
{
	quality_finish(s->quality);
	if (a->emit_interval != NULL)
		stream_interval(a, s, s->last_us, 1, pending_add(a));
	emit_part(a, s->call, s);
	stream_unlink(a, s);
	stream_free(s);
}

/* The call is over: its streams, then the call itself, leave the tables. */
static void
call_end(struct analyzer *a, struct call *c)
{
	struct stream *s;

	while ((s = call_user(c)) != NULL)
		stream_end(a, s);
	/* Its pcap is whole before its page can link to it. */
	if (a->pcap != NULL) {
		callpcap_close(a->pcap, call_evidence(c));
		call_set_evidence(c, NULL);
	}
	emit_part(a, c, NULL);
	calls_remove(a->calls, c);
}

void
analyzer_free(struct analyzer *a)
{
	struct candidate *c, *ctmp;
	struct stream *s, *next;
	size_t i;

	if (a == NULL)
		return;
	HASH_CLEAR(hh, a->by_key);
	HASH_CLEAR(hh_ssrc, a->by_ssrc);
	HASH_ITER(hh, a->candidates, c, ctmp) {
		HASH_DEL(a->candidates, c);
		free(c);
	}
	for (s = TAILQ_FIRST(&a->lru); s != NULL; s = next) {
		next = TAILQ_NEXT(s, lru);
		stream_free(s);
	}
	for (i = 0; a->pcap != NULL && i < calls_count(a->calls); i++)
		callpcap_close(a->pcap, call_evidence(calls_at(a->calls, i)));
	callpcap_free(a->pcap);
	calls_free(a->calls);
	dpi_free(a->dpi);
	free(a->pending);
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

/* A packet of call c into the call's pcap, when there are pcaps. */
static void
keep_packet(struct analyzer *a, struct call *c, const struct pkt_meta *meta)
{
	struct callpcap_file *f;
	char stem[CALLPCAP_STEM_LEN], id[SNAP_TEXT_LEN];

	if (a->pcap == NULL || c == NULL)
		return;
	if ((f = call_evidence(c)) == NULL) {
		call_copy_id(c, id, sizeof(id));
		callpcap_stem(call_order(c), id, stem, sizeof(stem));
		f = callpcap_open(a->pcap, stem);
		call_set_evidence(c, f);
	}
	callpcap_packet(a->pcap, f, meta);
}

static void
handle_sip(struct analyzer *a, const struct pkt_meta *meta)
{
	struct sip_msg msg;
	struct sdp_session sdp;
	const struct sdp_session *body = NULL;
	enum dissect_result r;
	struct call *c;

	r = sip_parse(meta->payload, meta->payload_len, &msg);
	count_result(a, r, PROTO_SIP);
	if (r != DISSECT_OK)
		return;
	a->sip_messages++;
	if (msg.is_request)
		a->sip_requests[msg.method < SNAP_SIP_METHODS ? msg.method : 0]++;
	else if (msg.status_code >= 100 &&
	    msg.status_code < 100 * (SNAP_SIP_CLASSES + 1))
		a->sip_responses[msg.cseq_method < SNAP_SIP_METHODS ?
		    msg.cseq_method : 0][msg.status_code / 100 - 1]++;
	/* The SDP is the body, or its application/sdp part (multipart). */
	if (msg.sdp.len > 0) {
		/*
		 * A body the capture cut short would give a wrong port from a
		 * cut "m=" line: count it as truncated rather than learn it.
		 */
		if (msg.sdp_truncated)
			r = DISSECT_TRUNCATED;
		else
			r = sdp_parse(msg.sdp.p, msg.sdp.len, &sdp);
		count_result(a, r, PROTO_SDP);
		/* Media that is all fax (UNSUPPORTED) still ends RTP's period. */
		if (r == DISSECT_OK ||
		    (r == DISSECT_UNSUPPORTED && sdp.n_media > 0))
			body = &sdp;
	}
	if (msg.is_request && msg.method == SIP_INVITE && msg.to_tag.len == 0 &&
	    calls_active(a->calls) >= a->cfg.max_calls &&
	    calls_least_active(a->calls) != NULL &&
	    !calls_known(a->calls, &msg)) {
		/* Full: the least recently active call makes room. */
		struct call *old = calls_least_active(a->calls);

		a->calls_evicted++;
		call_end_now(old, meta->ts_us, "evicted");
		call_end(a, old);
	}
	c = calls_sip(a->calls, &msg, body, meta->ts_us, a->frame_order);
	keep_packet(a, c, meta);
	if (c != NULL && a->cfg.keep_sip)
		calls_note_message(c, &msg, meta->ts_us, &meta->src, &meta->dst,
		    meta->payload, meta->payload_len);
}

/* How loss and jitter should treat a payload type the SDP announced. */
static enum rtpstat_kind
payload_kind(const char *encoding, uint8_t pt)
{
	if (strcasecmp(encoding, "telephone-event") == 0)
		return RTPSTAT_EVENT;
	if (pt == RTP_PT_CN || strcasecmp(encoding, "CN") == 0)
		return RTPSTAT_COMFORT_NOISE;
	return RTPSTAT_VOICE;
}

/* RTCP names streams by SSRC only: the latest stream of one wins. */
static void
stream_index_ssrc(struct analyzer *a, struct stream *s)
{
	struct stream *old;

	HASH_FIND(hh_ssrc, a->by_ssrc, &s->ssrc, sizeof(s->ssrc), old);
	if (old != NULL)
		HASH_DELETE(hh_ssrc, a->by_ssrc, old);
	HASH_ADD(hh_ssrc, a->by_ssrc, ssrc, sizeof(s->ssrc), s);
}

static struct stream *
stream_by_ssrc(const struct analyzer *a, uint32_t ssrc)
{
	struct stream *s;

	HASH_FIND(hh_ssrc, a->by_ssrc, &ssrc, sizeof(ssrc), s);
	return s;
}

/* A stream's hash key: source, destination, SSRC and media period. */
static void
stream_key(uint8_t key[STREAM_KEY_LEN], const struct pkt_meta *meta,
    uint32_t ssrc, uint32_t period)
{
	endpoint_pack(&meta->src, key);
	endpoint_pack(&meta->dst, key + ENDPOINT_KEY_LEN);
	key += 2 * ENDPOINT_KEY_LEN;
	key[0] = (uint8_t)(ssrc >> 24);
	key[1] = (uint8_t)(ssrc >> 16);
	key[2] = (uint8_t)(ssrc >> 8);
	key[3] = (uint8_t)ssrc;
	memcpy(key + 4, &period, sizeof(period));
}

static void stream_end(struct analyzer *, struct stream *);

/* The stream of this packet, made on its first; media is NULL without SDP. */
static struct stream *
stream_get(struct analyzer *a, const struct pkt_meta *meta, uint32_t ssrc,
    const struct call_media *media, int media_is_dst)
{
	uint8_t key[STREAM_KEY_LEN];
	struct stream *s;

	stream_key(key, meta, ssrc, media ? media->period : 0);
	HASH_FIND(hh, a->by_key, key, sizeof(key), s);
	if (s != NULL)
		return s;

	s = xcalloc(1, sizeof(*s));
	memcpy(s->key, key, sizeof(key));
	/*
	 * Media sent to the endpoint the callee announced comes from the
	 * caller, and media sent from the caller's endpoint too.
	 */
	if (media != NULL) {
		s->call = media->call;
		s->period = media->period;
		if (media_is_dst)
			s->direction = media->by_caller ? "callee" : "caller";
		else
			s->direction = media->by_caller ? "caller" : "callee";
	}
	s->src = meta->src;
	s->dst = meta->dst;
	s->ssrc = ssrc;
	s->payload_type = -1;
	s->dscp = s->last_dscp = meta->dscp;
	s->vlan = meta->n_vlans > 0 ? meta->vlan_ids[0] : -1;
	if (a->n_streams >= a->cfg.max_streams && !TAILQ_EMPTY(&a->lru)) {
		/* Full: the least recently active stream makes room. */
		a->streams_evicted++;
		stream_end(a, TAILQ_FIRST(&a->lru));
	}
	a->n_streams++;
	s->id = ++a->next_id;
	s->order = a->frame_order;
	s->last_us = meta->ts_us;
	TAILQ_INSERT_TAIL(&a->lru, s, lru);
	stream_order_insert(a, s);
	if (s->call != NULL) {
		s->call_next = call_user(s->call);
		if (s->call_next != NULL)
			s->call_next->call_prev = s;
		call_set_user(s->call, s);
	}
	HASH_ADD(hh, a->by_key, key, sizeof(s->key), s);
	stream_index_ssrc(a, s);
	return s;
}

/* A stream's first packet: its statistics and its listener's model. */
static void
stream_start(struct analyzer *a, struct stream *s, uint32_t clock_rate_hz)
{
	struct quality_config qc;
	const char *cause;

	s->clock_rate_hz = clock_rate_hz;
	if ((s->stat = rtpstat_new(clock_rate_hz)) == NULL)
		fatal("out of memory");
	quality_config_default(&qc);
	qc.interval_us = a->cfg.interval_us;
	qc.jbuf = a->cfg.jbuf;
	qc.clock_rate_hz = clock_rate_hz;
	if ((s->quality = quality_new(&qc, &cause)) == NULL)
		fatal("%s", cause);
}

/*
 * What a payload type means without SDP: the RFC 3551 static table, and
 * for a dynamic type the shape of RFC 4733 events (4 bytes per event, the
 * reserved bit clear), which no voice codec's packet has.  The payload is
 * the one the header points at, its padding already taken off.
 */
static void
classify_unsignalled(struct rtp_seen *r)
{
	const uint8_t *payload = r->hdr.payload;

	r->encoding = rtp_static_codec(r->hdr.payload_type, &r->clock_rate_hz);
	if (r->encoding != NULL) {
		r->kind = payload_kind(r->encoding, r->hdr.payload_type);
		return;
	}
	/* DTMF and flash are events 0 to 16 (RFC 4733 3.2). */
	if (r->hdr.payload_type >= 96 && r->hdr.payload_len >= 4 &&
	    r->hdr.payload_len <= 16 && r->hdr.payload_len % 4 == 0 &&
	    payload[0] <= 16 && (payload[1] & 0x40) == 0) {
		r->encoding = "telephone-event";
		r->clock_rate_hz = 0;	/* its clock is the voice's: unknown */
		r->kind = RTPSTAT_EVENT;
		return;
	}
	r->kind = RTPSTAT_UNANNOUNCED;
}

/* Account for one packet in its stream. */
static void
stream_account(struct analyzer *a, struct stream *s, const struct rtp_seen *r)
{
	struct rtpstat_pkt pkt;

	if (s->stat == NULL) {
		stream_start(a, s, r->clock_rate_hz);
		s->first_payload_type = r->hdr.payload_type;
		if (r->encoding != NULL)
			snprintf(s->first_codec, sizeof(s->first_codec), "%s",
			    r->encoding);
	}
	if (s->payload_type < 0 && r->kind == RTPSTAT_VOICE) {
		s->payload_type = r->hdr.payload_type;
		snprintf(s->codec, sizeof(s->codec), "%s", r->encoding);
		s->clock_rate_hz = r->clock_rate_hz;
		/* An unknown codec gets no MOS rather than a guessed one. */
		quality_set_codec(s->quality, emodel_codec_find(r->encoding,
		    r->clock_rate_hz, &a->emodel), r->clock_rate_hz);
	}
	/* A carrier that re-marks or bleaches DSCP mid-call shows here. */
	if (r->dscp != s->last_dscp) {
		s->dscp_changes++;
		s->last_dscp = r->dscp;
	}
	if (r->ts_us > s->last_us)
		s->last_us = r->ts_us;
	stream_lru_touch(a, s);
	if (s->call != NULL)
		calls_touch_media(a->calls, s->call, r->ts_us);
	pkt.kind = r->kind;
	pkt.arrival_us = r->ts_us;
	pkt.seq = r->hdr.seq;
	pkt.timestamp = r->hdr.timestamp;
	pkt.marker = r->hdr.marker;
	rtpstat_update(s->stat, &pkt);
	/* Events and unannounced types hold sequence numbers, not samples. */
	quality_packet(s->quality, r->hdr.seq, r->hdr.timestamp, r->ts_us,
	    r->hdr.marker, r->kind == RTPSTAT_VOICE ||
	    r->kind == RTPSTAT_COMFORT_NOISE);
}

/* Parse RTP; 0, or -1 (counted) when it is not well-formed RTP. */
static int
parse_rtp(struct analyzer *a, const struct pkt_meta *meta, struct rtp_seen *r)
{
	enum dissect_result res;

	res = rtp_parse(meta->payload, meta->payload_len,
	    meta->payload_wirelen, &r->hdr);
	count_result(a, res, PROTO_RTP);
	if (res != DISSECT_OK)
		return -1;
	r->ts_us = meta->ts_us;
	r->dscp = meta->dscp;
	r->encoding = NULL;
	r->clock_rate_hz = 0;
	return 0;
}

static void
handle_rtp(struct analyzer *a, const struct pkt_meta *meta,
    const struct call_media *media, int media_is_dst)
{
	struct rtp_seen r;

	if (parse_rtp(a, meta, &r) != 0)
		return;
	a->rtp_packets++;
	/* The receiver's SDP says what its payload type numbers mean. */
	if (sdp_media_codec(&media->sdp, r.hdr.payload_type, &r.encoding,
	    &r.clock_rate_hz) != 0)
		r.kind = RTPSTAT_UNANNOUNCED;
	else
		r.kind = payload_kind(r.encoding, r.hdr.payload_type);
	stream_account(a, stream_get(a, meta, r.hdr.ssrc, media, media_is_dst),
	    &r);
}

/*
 * RTP that no SDP announced.  A flow becomes a stream only when a second
 * packet continues the first one's SSRC, payload type and sequence number:
 * arbitrary UDP seldom does, and a false stream is a false alarm.  Both
 * packets are then accounted for, the first one as it was seen.
 */
static void
handle_unsignalled(struct analyzer *a, const struct pkt_meta *meta)
{
	struct rtp_seen r;
	struct candidate *c;
	struct stream *s;
	uint8_t key[STREAM_KEY_LEN];

	if (meta->src.port < 1024 || meta->dst.port < 1024 ||
	    meta->payload_len < 12 || (meta->payload[0] >> 6) != 2)
		return;
	memset(&r, 0, sizeof(r));
	if (rtp_parse(meta->payload, meta->payload_len, meta->payload_wirelen,
	    &r.hdr) != DISSECT_OK)
		return;		/* not RTP: nothing to count it against */
	r.ts_us = meta->ts_us;
	r.dscp = meta->dscp;
	classify_unsignalled(&r);

	stream_key(key, meta, r.hdr.ssrc, 0);
	HASH_FIND(hh, a->by_key, key, sizeof(key), s);
	if (s != NULL) {
		a->rtp_packets++;
		stream_account(a, s, &r);
		return;
	}
	HASH_FIND(hh, a->candidates, key, sizeof(key), c);
	if (c == NULL) {
		if (a->n_candidates >= ANALYZER_MAX_CANDIDATES) {
			/*
			 * Full: the oldest flow goes (uthash keeps the order
			 * of insertion), so that a flood of lone packets
			 * cannot keep real RTP from being found.
			 */
			c = a->candidates;
			HASH_DEL(a->candidates, c);
			free(c);
			a->n_candidates--;
			a->candidates_dropped++;
		}
		c = xcalloc(1, sizeof(*c));
		memcpy(c->key, key, sizeof(key));
		c->first = r;
		HASH_ADD(hh, a->candidates, key, sizeof(c->key), c);
		a->n_candidates++;
		return;
	}
	if (r.hdr.payload_type != c->first.hdr.payload_type ||
	    r.hdr.seq != (uint16_t)(c->first.hdr.seq + 1)) {
		c->first = r;	/* not a continuation: start over from this */
		return;
	}
	s = stream_get(a, meta, r.hdr.ssrc, NULL, 0);
	a->rtp_packets += 2;
	stream_account(a, s, &c->first);
	stream_account(a, s, &r);
	HASH_DEL(a->candidates, c);
	free(c);
	a->n_candidates--;
}

/*
 * A report block from a stream's receiver.  Its RTT is measured on the
 * probe's own clock: from the sender's SR passing the probe to the
 * receiver's report on it passing back, less the receiver's hold time
 * (DLSR).  That is the round trip between the probe and the receiver; the
 * two directions' figures together make the end-to-end round trip.
 */
static void
rtcp_report_block(struct analyzer *a, uint32_t reporter_ssrc,
    const struct rtcp_report_block *b, int64_t ts_us)
{
	struct stream *s = stream_by_ssrc(a, b->ssrc), *back;
	int64_t rtt_us;

	if (s == NULL)
		return;
	s->far.reports++;
	s->far.fraction_lost_pct = b->fraction_lost * 100.0 / 256.0;
	s->far.cumulative_lost = b->cumulative_lost;
	if (s->clock_rate_hz != 0)
		s->far.jitter_ms = b->jitter * 1000.0 / s->clock_rate_hz;
	if (b->lsr == 0 || s->last_sr_us == 0 || b->lsr != s->last_sr_mid32)
		return;
	rtt_us = ts_us - s->last_sr_us - (int64_t)rtcp_q16_to_us(b->dlsr);
	if (rtt_us < 0)
		return;
	s->far.have_rtt = 1;
	s->far.rtt_ms = (double)rtt_us / 1000.0;
	/*
	 * The reporter's own stream runs the other way; once its leg is
	 * known too, the E-model gets the end-to-end round trip.
	 */
	back = stream_by_ssrc(a, reporter_ssrc);
	if (back != NULL && back != s && back->far.have_rtt) {
		quality_set_rtt(s->quality, s->far.rtt_ms + back->far.rtt_ms);
		quality_set_rtt(back->quality, s->far.rtt_ms + back->far.rtt_ms);
	}
}

/* An RFC 3611 VoIP Metrics block: the receiver's own quality figures. */
static void
rtcp_xr_voip(struct analyzer *a, const struct rtcp_xr_voip *v)
{
	struct stream *s = stream_by_ssrc(a, v->ssrc);

	if (s == NULL)
		return;
	s->far.have_xr = 1;
	s->far.xr_loss_pct = v->loss_rate_q8 * 100.0 / 256.0;
	s->far.xr_discard_pct = v->discard_rate_q8 * 100.0 / 256.0;
	s->far.xr_r_factor = v->r_factor == RTCP_XR_UNAVAILABLE ? -1 :
	    v->r_factor;
	s->far.xr_mos_lq = v->mos_lq_x10 == RTCP_XR_UNAVAILABLE ? -1 :
	    v->mos_lq_x10 / 10.0;
	s->far.xr_mos_cq = v->mos_cq_x10 == RTCP_XR_UNAVAILABLE ? -1 :
	    v->mos_cq_x10 / 10.0;
	s->far.xr_rtt_ms = v->round_trip_delay_ms;
	s->far.xr_end_system_delay_ms = v->end_system_delay_ms;
}

/*
 * RTCP that no SDP announced is taken only when the whole datagram parses
 * as RTCP, between unprivileged ports: the checks of RFC 3550 A.2 (version,
 * lengths adding up) seldom hold for anything else.
 */
static int
rtcp_well_formed(const struct pkt_meta *meta)
{
	struct rtcp_iter it;
	struct rtcp_packet pkt;

	if (meta->src.port < 1024 || meta->dst.port < 1024)
		return 0;
	rtcp_iter_init(&it, meta->payload, meta->payload_len,
	    meta->payload_wirelen);
	while (rtcp_next(&it, &pkt))
		;
	return it.result == DISSECT_OK && it.n_packets > 0;
}

/* Walk a compound RTCP datagram and file what it says under its streams. */
static void
handle_rtcp(struct analyzer *a, const struct pkt_meta *meta)
{
	struct rtcp_iter it;
	struct rtcp_packet pkt;
	struct stream *s;
	size_t i;

	a->rtcp_packets++;
	rtcp_iter_init(&it, meta->payload, meta->payload_len,
	    meta->payload_wirelen);
	while (rtcp_next(&it, &pkt)) {
		switch (pkt.type) {
		case RTCP_SR:
			s = stream_by_ssrc(a, pkt.u.report.ssrc);
			if (s != NULL) {
				s->last_sr_us = meta->ts_us;
				s->last_sr_mid32 = rtcp_ntp_middle32(
				    pkt.u.report.sender.ntp_sec,
				    pkt.u.report.sender.ntp_frac);
				s->far.have_sender = 1;
				s->far.sender_packets =
				    pkt.u.report.sender.packet_count;
			}
			/* FALLTHROUGH */
		case RTCP_RR:
			for (i = 0; i < pkt.u.report.n_blocks; i++)
				rtcp_report_block(a, pkt.u.report.ssrc,
				    &pkt.u.report.blocks[i], meta->ts_us);
			break;
		case RTCP_XR:
			for (i = 0; i < pkt.u.xr.n_blocks; i++)
				if (pkt.u.xr.blocks[i].type ==
				    RTCP_XR_BLOCK_VOIP)
					rtcp_xr_voip(a,
					    &pkt.u.xr.blocks[i].u.voip);
			break;
		default:
			break;
		}
	}
	count_result(a, it.result, PROTO_RTCP);
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

void
analyzer_payload(struct analyzer *a, const struct pkt_meta *meta,
    uint64_t frame_order)
{
	a->frame_order = frame_order;
	if (meta->ip_proto == DECODE_IPPROTO_TCP) {
		/* The reassembler frames SIP only: nothing else comes from TCP. */
		if (sip_looks_like(meta->payload, meta->payload_len))
			handle_sip(a, meta);
		return;
	}
	handle_udp(a, meta);
}

/* Add this analyzer's counts to what the capture stage counted. */
static void
snapshot_capture(const struct analyzer *a, struct snap_capture *c)
{
	c->sip_messages += a->sip_messages;
	c->rtp_packets += a->rtp_packets;
	c->rtcp_packets += a->rtcp_packets;
	c->not_rtp_packets += a->not_rtp_packets;
	c->calls_evicted += a->calls_evicted;
	c->streams_evicted += a->streams_evicted;
	c->candidates_dropped += a->candidates_dropped;
	c->calls_timed_out += a->calls_timed_out;
	analyzer_errors_add(c, a->truncated, a->malformed);
}

void
analyzer_errors_add(struct snap_capture *c, const uint64_t *truncated,
    const uint64_t *malformed)
{
	int p;

	_Static_assert(PROTO_COUNT <= sizeof(c->proto_errors) /
	    sizeof(c->proto_errors[0]), "a slot per protocol");
	c->n_proto_errors = PROTO_COUNT;
	for (p = 0; p < PROTO_COUNT; p++) {
		struct snap_proto_errors *e = &c->proto_errors[p];

		e->proto = dissect_proto_name((enum dissect_proto)p);
		e->truncated += truncated[p];
		e->malformed += malformed[p];
		c->truncated += truncated[p];
		c->malformed += malformed[p];
	}
}

/* The applications of the interval (all of them, at the end). */
static void
interval_apps(struct analyzer *a, int64_t end_us, int ended,
    struct snap_interval *iv)
{
	struct dpi_app_count counts[64];
	size_t n, i;

	dpi_expire(a->dpi, ended ? INT64_MAX : end_us);
	/* dpi_apps keeps what does not fit for the next call. */
	while ((n = dpi_apps(a->dpi, counts, 64, 1)) > 0) {
		iv->apps = xreallocarray(iv->apps, iv->n_apps + n,
		    sizeof(*iv->apps));
		for (i = 0; i < n; i++) {
			struct snap_app *o = &iv->apps[iv->n_apps++];

			memset(o, 0, sizeof(*o));
			snprintf(o->name, sizeof(o->name), "%s",
			    counts[i].name ? counts[i].name : "Unknown");
			o->flows = counts[i].flows;
			o->packets = counts[i].packets;
			o->bytes = counts[i].bytes;
		}
		if (n < 64)
			break;
	}
}

/*
 * Report the interval ending at end_us: the streams that ended in it, and
 * every other stream that had packets; ended says that the capture is
 * over and every stream with it.
 */
static void
report_interval(struct analyzer *a, int64_t end_us, int ended)
{
	struct snap_interval *iv = xcalloc(1, sizeof(*iv));
	struct stream *s;
	int p;

	TAILQ_FOREACH(s, &a->lru, lru)
		if (ended || s->stat == NULL ||
		    rtpstat_packets(s->stat) != s->rep_packets)
			stream_interval(a, s, end_us, ended, pending_add(a));
	iv->end_us = end_us;
	iv->streams = a->pending;
	iv->n_streams = a->n_pending;
	a->pending = NULL;
	a->n_pending = a->cap_pending = 0;
	memcpy(iv->sip_requests, a->sip_requests, sizeof(a->sip_requests));
	memcpy(iv->sip_responses, a->sip_responses, sizeof(a->sip_responses));
	memset(a->sip_requests, 0, sizeof(a->sip_requests));
	memset(a->sip_responses, 0, sizeof(a->sip_responses));
	iv->active_calls = calls_active(a->calls);
	iv->active_streams = a->n_streams;
	for (p = 0; p < PROTO_COUNT; p++) {
		iv->truncated += a->truncated[p];
		iv->malformed += a->malformed[p];
	}
	iv->calls_evicted = a->calls_evicted;
	iv->streams_evicted = a->streams_evicted;
	iv->candidates_dropped = a->candidates_dropped;
	if (a->dpi != NULL)
		interval_apps(a, end_us, ended, iv);
	a->emit_interval(a->emit_arg, iv);
}

void
analyzer_flush(struct analyzer *a, int64_t now_us)
{
	if (a->emit_interval != NULL)
		report_interval(a, now_us, 1);
}

/*
 * Time at the worker is now_us: end the streams idle past their timeout,
 * the calls that said goodbye a while ago, and the calls that went silent.
 */
void
analyzer_tick(struct analyzer *a, int64_t now_us)
{
	struct candidate *cand, *ctmp;
	struct stream *s;
	struct call *c, *next;
	int full_scan;

	if (a->emit == NULL)
		return;
	/* Metrics intervals are whole multiples of the interval. */
	if (a->emit_interval != NULL) {
		if (a->next_interval_us == 0)
			a->next_interval_us = (now_us / a->cfg.interval_us + 1) *
			    a->cfg.interval_us;
		if (now_us >= a->next_interval_us) {
			report_interval(a, a->next_interval_us, 0);
			a->next_interval_us += a->cfg.interval_us;
		}
		/*
		 * Capture time jumped (a quiet hour, a capture spliced from
		 * two days): the empty intervals between are not reported.
		 */
		if (now_us >= a->next_interval_us)
			a->next_interval_us = (now_us / a->cfg.interval_us + 1) *
			    a->cfg.interval_us;
	}
	while ((s = TAILQ_FIRST(&a->lru)) != NULL &&
	    now_us - s->last_us > a->cfg.stream_timeout_us)
		stream_end(a, s);
	HASH_ITER(hh, a->candidates, cand, ctmp)
		if (now_us - cand->first.ts_us > a->cfg.stream_timeout_us) {
			HASH_DEL(a->candidates, cand);
			free(cand);
			a->n_candidates--;
		}

	/*
	 * Least active first: once a call is younger than the shortest
	 * wait, so are the rest, except for the session timer (media going
	 * on with no SIP), which a full pass checks once a minute.
	 */
	full_scan = now_us >= a->next_session_check_us;
	if (full_scan)
		a->next_session_check_us = now_us + 60 * 1000000LL;
	for (c = calls_least_active(a->calls); c != NULL; c = next) {
		int64_t idle_us = now_us - call_last_activity_us(c);

		next = call_more_active(c);
		if (idle_us < ANALYZER_LINGER_US && !full_scan)
			break;
		if (call_has_ended(c)) {
			if (idle_us >= ANALYZER_LINGER_US)
				call_end(a, c);
		} else if (idle_us >= a->cfg.call_timeout_us) {
			a->calls_timed_out++;
			call_end_now(c, call_last_activity_us(c), "timeout");
			call_end(a, c);
		} else if (now_us - call_last_sip_us(c) >=
		    a->cfg.session_timer_us) {
			a->calls_timed_out++;
			call_end_now(c, now_us, "session_timer");
			call_end(a, c);
		}
	}
	calls_compact(a->calls);
}

void
analyzer_finish(struct analyzer *a)
{
	struct stream *s;

	size_t i;

	TAILQ_FOREACH(s, &a->lru, lru)
		quality_finish(s->quality);
	calls_compact(a->calls);
	/* The calls still up: their pcaps are written out now. */
	for (i = 0; a->pcap != NULL && i < calls_count(a->calls); i++) {
		struct call *c = calls_at(a->calls, i);

		callpcap_close(a->pcap, call_evidence(c));
		call_set_evidence(c, NULL);
	}
}

void
analyzer_snapshot(struct analyzer *a, struct snapshot *snap)
{
	const struct stream *s;
	size_t i = 0;

	memset(snap, 0, sizeof(*snap));
	snap->capture.kernel_drops = -1;
	snapshot_capture(a, &snap->capture);

	snap->n_calls = calls_active(a->calls);
	snap->calls = xcalloc(snap->n_calls ? snap->n_calls : 1,
	    sizeof(*snap->calls));
	calls_snapshot(a->calls, snap->calls);
	/* One version for the lot: later than any part emitted before. */
	a->version++;
	for (i = 0; i < snap->n_calls; i++)
		snap->calls[i].version = a->version;
	i = 0;

	snap->n_streams = a->n_streams;
	snap->streams = xcalloc(a->n_streams ? a->n_streams : 1,
	    sizeof(*snap->streams));
	TAILQ_FOREACH(s, &a->lru, lru)
		stream_snapshot(s, s->call ? call_index(s->call) : SNAP_NO_CALL,
		    &snap->streams[i++]);
}

void
analyzer_held_orders(const struct analyzer *a, uint64_t *call,
    uint64_t *stream)
{
	const struct stream *s = TAILQ_FIRST(&a->by_order);

	/*
	 * The call table lists calls in INVITE order (calls ended but not yet
	 * compacted away only make the figure lower: still true; see
	 * analyzer_settle).  An unsignalled candidate needs no look: the
	 * stream it may become takes the order of the packet that confirms
	 * it, one not seen yet.
	 */
	*call = calls_count(a->calls) > 0 ?
	    call_order(calls_at(a->calls, 0)) : UINT64_MAX;
	*stream = s != NULL ? s->order : UINT64_MAX;
}

void
analyzer_settle(struct analyzer *a)
{
	size_t removed = calls_removed(a->calls);

	/*
	 * Compacting walks the whole table: only once the ended calls are
	 * a good share of it, so that each costs O(1) in the long run.
	 */
	if (removed >= ANALYZER_SETTLE_CALLS ||
	    (removed > 0 && removed * 4 >= calls_count(a->calls)))
		calls_compact(a->calls);
}
