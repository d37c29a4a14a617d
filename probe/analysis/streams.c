/*
 * The stream table (see streams.h).
 *
 * Each stream is in a hash by its key, in a second by SSRC (RTCP names a
 * stream by nothing else), and on two lists: least recently active first,
 * for timeouts and eviction, and lowest order first, for the watermark
 * the pipeline merges by.  A call's streams are a list of their own whose
 * head is the call's user pointer, so that ending a call finds them
 * without a search.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "metrics/emodel.h"
#include "metrics/quality.h"
#include "probe/analysis/streams-private.h"
#include "probe/subnet.h"
#include "probe/vqprobe.h"

/* How loss and jitter should treat a payload type of this encoding. */
static enum rtpstat_kind
payload_kind(const char *encoding, uint8_t pt)
{
	if (strcasecmp(encoding, "telephone-event") == 0)
		return RTPSTAT_EVENT;
	if (pt == RTP_PT_CN || strcasecmp(encoding, "CN") == 0)
		return RTPSTAT_COMFORT_NOISE;
	return RTPSTAT_VOICE;
}

/*
 * A dynamic payload type without SDP is taken for RFC 4733 events by
 * their shape (4 bytes per event, the reserved bit clear), which no voice
 * codec's packet has.
 */
void
stream_pkt_classify(struct stream_pkt *r, const struct sdp_media *sdp)
{
	const uint8_t *payload = r->hdr.payload;

	r->encoding = NULL;
	r->clock_rate_hz = 0;
	r->event_shape = 0;
	if (sdp != NULL) {
		if (sdp_media_codec(sdp, r->hdr.payload_type, &r->encoding,
		    &r->clock_rate_hz) != 0)
			r->kind = RTPSTAT_UNANNOUNCED;
		else
			r->kind = payload_kind(r->encoding,
			    r->hdr.payload_type);
		return;
	}
	r->encoding = rtp_static_codec(r->hdr.payload_type, &r->clock_rate_hz);
	if (r->encoding != NULL) {
		r->kind = payload_kind(r->encoding, r->hdr.payload_type);
		return;
	}
	/*
	 * DTMF and flash are events 0 to 16 (RFC 4733 3.2).  The shape alone
	 * is weak (an encrypted payload of 4 to 16 bytes has it one time in
	 * thirty): stream_account wants a second packet of the same event.
	 */
	if (r->hdr.payload_type >= 96 && r->hdr.payload_len >= 4 &&
	    r->hdr.payload_len <= 16 && r->hdr.payload_len % 4 == 0 &&
	    payload[0] <= 16 && (payload[1] & 0x40) == 0) {
		r->encoding = "telephone-event";
		r->clock_rate_hz = 0;	/* its clock is the voice's: unknown */
		r->kind = RTPSTAT_EVENT;
		r->event_shape = 1;
		r->event_code = payload[0];
		r->event_duration = (uint16_t)(payload[2] << 8 | payload[3]);
		return;
	}
	r->kind = RTPSTAT_UNANNOUNCED;
}

struct stream_table *
streams_new(const struct stream_config *cfg)
{
	struct stream_table *st = xcalloc(1, sizeof(*st));

	st->cfg = *cfg;
	emodel_options_init(&st->emodel);
	st->emodel.g711_plc = cfg->g711_plc;
	TAILQ_INIT(&st->lru);
	TAILQ_INIT(&st->by_order);
	return st;
}

static void
stream_free(struct stream *s)
{
	free(s->points);
	free(s->far);
	/* The statistics head the block the listener's model shares. */
	quality_release(s->quality);
	free(s->stat);
	free(s);
}

void
streams_free(struct stream_table *st)
{
	struct candidate *c, *ctmp;
	struct stream *s, *next;

	if (st == NULL)
		return;
	HASH_CLEAR(hh, st->by_key);
	HASH_CLEAR(hh_ssrc, st->by_ssrc);
	HASH_ITER(hh, st->candidates, c, ctmp) {
		HASH_DEL(st->candidates, c);
		free(c);
	}
	for (s = TAILQ_FIRST(&st->lru); s != NULL; s = next) {
		next = TAILQ_NEXT(s, lru);
		stream_free(s);
	}
	free(st);
}

size_t
streams_count(const struct stream_table *st)
{
	return st->n_streams;
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

struct stream *
streams_find(const struct stream_table *st, const struct pkt_meta *meta,
    uint32_t ssrc, uint32_t period)
{
	uint8_t key[STREAM_KEY_LEN];
	struct stream *s;

	stream_key(key, meta, ssrc, period);
	HASH_FIND(hh, st->by_key, key, sizeof(key), s);
	return s;
}

/*
 * Payloads reach a worker in frame order, so a new stream is nearly always
 * the highest: the walk back from the tail is for safety, not speed.
 */
static void
stream_order_insert(struct stream_table *st, struct stream *s)
{
	struct stream *after = TAILQ_LAST(&st->by_order, stream_list);

	while (after != NULL && after->order > s->order)
		after = TAILQ_PREV(after, stream_list, by_order);
	if (after == NULL)
		TAILQ_INSERT_HEAD(&st->by_order, s, by_order);
	else
		TAILQ_INSERT_AFTER(&st->by_order, after, s, by_order);
}

/* RTCP names streams by SSRC: the latest heads the SSRC's chain. */
static void
stream_index_ssrc(struct stream_table *st, struct stream *s)
{
	struct stream *old;

	HASH_FIND(hh_ssrc, st->by_ssrc, &s->ssrc, sizeof(s->ssrc), old);
	if (old != NULL) {
		HASH_DELETE(hh_ssrc, st->by_ssrc, old);
		old->ssrc_newer = s;
		s->ssrc_older = old;
	}
	HASH_ADD(hh_ssrc, st->by_ssrc, ssrc, sizeof(s->ssrc), s);
}

/* The stream leaves its SSRC's chain; the next older heads it. */
static void
stream_unindex_ssrc(struct stream_table *st, struct stream *s)
{
	if (s->ssrc_newer != NULL)
		s->ssrc_newer->ssrc_older = s->ssrc_older;
	else {
		HASH_DELETE(hh_ssrc, st->by_ssrc, s);
		if (s->ssrc_older != NULL)
			HASH_ADD(hh_ssrc, st->by_ssrc, ssrc,
			    sizeof(s->ssrc_older->ssrc), s->ssrc_older);
	}
	if (s->ssrc_older != NULL)
		s->ssrc_older->ssrc_newer = s->ssrc_newer;
	s->ssrc_older = s->ssrc_newer = NULL;
}

/*
 * Streams of one SSRC looked at for an RTCP packet, newest first: enough
 * for the legs of any relay, bounded where a load test sends one SSRC on
 * thousands of calls (the match is then by address among the newest).
 */
#define SSRC_CHAIN_WALK	64

struct stream *
stream_by_ssrc(const struct stream_table *st, uint32_t ssrc,
    const struct vq_addr *src, const struct vq_addr *dst, int reporter_is_src)
{
	struct stream *s, *head, *both = NULL, *side = NULL;
	unsigned n = 0, n_both = 0, n_side = 0;

	HASH_FIND(hh_ssrc, st->by_ssrc, &ssrc, sizeof(ssrc), head);
	for (s = head; s != NULL && n < SSRC_CHAIN_WALK; s = s->ssrc_older) {
		int src_ok = addr_equal(&s->src.addr, src);
		int dst_ok = addr_equal(&s->dst.addr, dst);

		n++;
		if (src_ok && dst_ok) {
			if (n_both++ == 0)
				both = s;
		} else if (reporter_is_src ? src_ok : dst_ok) {
			if (n_side++ == 0)
				side = s;
		}
	}
	if (n_both > 0)
		return n_both == 1 ? both : NULL;
	if (n_side > 0)
		return n_side == 1 ? side : NULL;
	return n == 1 ? head : NULL;
}

/* Which way a new stream crosses the site's edge, by its endpoints. */
static int
stream_way(const struct stream_table *st, const struct pkt_meta *meta)
{
	struct subnet_match src, dst;

	if (st->cfg.home_net == NULL)
		return SEGMENT_WAY_UNKNOWN;
	subnet_match_init(&src);
	subnet_match_init(&dst);
	subnet_labels_match(st->cfg.home_net, &meta->src.addr, &src);
	subnet_labels_match(st->cfg.home_net, &meta->dst.addr, &dst);
	return segments_way(src.value[0] != NULL, dst.value[0] != NULL);
}

struct stream *
streams_add(struct stream_table *st, const struct pkt_meta *meta,
    uint32_t ssrc, const struct call_media *media, int media_is_dst,
    uint64_t order)
{
	struct stream *s = xcalloc(1, sizeof(*s));

	stream_key(s->key, meta, ssrc, media ? media->period : 0);
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
	s->event_pt = -1;
	s->dscp = s->last_dscp = meta->dscp;
	s->vlan = meta->n_vlans > 0 ? meta->vlan_ids[0] : -1;
	s->way = stream_way(st, meta);
	st->n_streams++;
	s->id = ++st->next_id;
	s->order = order;
	s->last_us = s->moved_us = meta->ts_us;
	TAILQ_INSERT_TAIL(&st->lru, s, lru);
	stream_order_insert(st, s);
	if (s->call != NULL) {
		s->call_next = call_user(s->call);
		if (s->call_next != NULL)
			s->call_next->call_prev = s;
		call_set_user(s->call, s);
	}
	HASH_ADD(hh, st->by_key, key, sizeof(s->key), s);
	stream_index_ssrc(st, s);
	return s;
}

void
streams_remove(struct stream_table *st, struct stream *s)
{
	TAILQ_REMOVE(&st->lru, s, lru);
	TAILQ_REMOVE(&st->by_order, s, by_order);
	if (s->call != NULL) {
		if (s->call_prev != NULL)
			s->call_prev->call_next = s->call_next;
		else
			call_set_user(s->call, s->call_next);
		if (s->call_next != NULL)
			s->call_next->call_prev = s->call_prev;
	}
	HASH_DELETE(hh, st->by_key, s);
	stream_unindex_ssrc(st, s);
	st->n_streams--;
	stream_free(s);
}

struct stream *
streams_least_active(const struct stream_table *st)
{
	return TAILQ_FIRST(&st->lru);
}

struct stream *
stream_more_active(const struct stream *s)
{
	return TAILQ_NEXT(s, lru);
}

uint64_t
streams_lowest_order(const struct stream_table *st)
{
	const struct stream *s = TAILQ_FIRST(&st->by_order);

	return s != NULL ? s->order : UINT64_MAX;
}

struct stream *
streams_of_call(const struct call *c)
{
	return call_user(c);
}

struct call *
stream_call(const struct stream *s)
{
	return s->call;
}

int64_t
stream_last_us(const struct stream *s)
{
	return s->last_us;
}

void
stream_prefetch(const struct stream *s)
{
	/* The line of what every packet reads, wherever malloc put it. */
	__builtin_prefetch(s);
	__builtin_prefetch((const char *)s + offsetof(struct stream,
	    dscp_changes));
}

void
stream_prefetch_figures(const struct stream *s, uint16_t seq)
{
	if (s->stat == NULL)
		return;
	rtpstat_prefetch(s->stat);
	quality_prefetch(s->quality, seq);
}

int64_t
stream_moved_us(const struct stream *s)
{
	return s->moved_us;
}

int64_t
streams_call_last_us(const struct call *c)
{
	const struct stream *s;
	int64_t last_us = 0;

	for (s = call_user(c); s != NULL; s = s->call_next)
		if (s->last_us > last_us)
			last_us = s->last_us;
	return last_us;
}

const struct vq_endpoint *
stream_src(const struct stream *s)
{
	return &s->src;
}

const struct vq_endpoint *
stream_dst(const struct stream *s)
{
	return &s->dst;
}

int
stream_has_news(const struct stream *s)
{
	return s->stat == NULL || rtpstat_packets(s->stat) != s->rep_packets;
}

/* A stream's first packet: its statistics and its listener's model. */
static void
stream_start(struct stream_table *st, struct stream *s,
    uint32_t clock_rate_hz)
{
	struct quality_config qc;
	const char *cause;
	char *block;

	s->clock_rate_hz = clock_rate_hz;
	quality_config_default(&qc);
	qc.interval_us = st->cfg.interval_us;
	qc.jbuf = st->cfg.jbuf;
	qc.clock_rate_hz = clock_rate_hz;
	/* One block for both: each packet updates one, then the other. */
	block = xcalloc(1, rtpstat_size() + quality_size(&qc));
	s->stat = rtpstat_init(block, clock_rate_hz);
	if ((s->quality = quality_init(block + rtpstat_size(), &qc,
	    &cause)) == NULL)
		fatal("%s", cause);
}

/*
 * The stream had a packet: once a second it goes to the end of the
 * activity list.  1 when it moved.
 */
static int
stream_lru_touch(struct stream_table *st, struct stream *s)
{
	if (s->last_us - s->moved_us < STREAMS_MOVE_US)
		return 0;
	s->moved_us = s->last_us;
	if (TAILQ_LAST(&st->lru, stream_list) != s) {
		TAILQ_REMOVE(&st->lru, s, lru);
		TAILQ_INSERT_TAIL(&st->lru, s, lru);
	}
	return 1;
}

/* One packet into the stream's figures, as it is classified. */
static int
account_one(struct stream_table *st, struct stream *s,
    const struct stream_pkt *r)
{
	struct rtpstat_pkt pkt;
	int moved;

	if (s->stat == NULL)
		stream_start(st, s, r->clock_rate_hz);
	/* Its first packet (one that waited started it, see below). */
	if (rtpstat_packets(s->stat) == 0) {
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
		    r->clock_rate_hz, &st->emodel), r->clock_rate_hz);
	}
	/* A carrier that re-marks or bleaches DSCP mid-call shows here. */
	if (r->dscp != s->last_dscp) {
		s->dscp_changes++;
		s->last_dscp = r->dscp;
	}
	if (r->ts_us > s->last_us)
		s->last_us = r->ts_us;
	moved = stream_lru_touch(st, s);
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
	return moved;
}

/* The waiting packet had no second of its event: not an event, then. */
static int
pending_not_event(struct stream_table *st, struct stream *s)
{
	s->has_pending = 0;
	s->pending.kind = RTPSTAT_UNANNOUNCED;
	s->pending.encoding = NULL;
	return account_one(st, s, &s->pending);
}

/*
 * An event by its shape alone (no SDP) counts as one only when the next
 * packet of its payload type carries the same event (same RTP timestamp,
 * the event's start; same code; a duration that does not shrink), as
 * every RFC 4733 event of more than one packet does; from then on that
 * payload type is events.  Until then the packet waits, and a packet that
 * does not continue it makes it an unannounced one.  A sender's random
 * encrypted bytes seldom repeat an RTP timestamp.
 */
int
stream_account(struct stream_table *st, struct stream *s,
    const struct stream_pkt *r)
{
	int moved = 0;

	if (!r->event_shape || r->hdr.payload_type == s->event_pt) {
		if (s->has_pending)
			moved |= pending_not_event(st, s);
		return moved | account_one(st, s, r);
	}
	if (s->has_pending && s->pending.hdr.payload_type ==
	    r->hdr.payload_type && s->pending.hdr.timestamp ==
	    r->hdr.timestamp && s->pending.event_code == r->event_code &&
	    r->event_duration >= s->pending.event_duration) {
		s->event_pt = r->hdr.payload_type;
		s->has_pending = 0;
		moved = account_one(st, s, &s->pending);
		return moved | account_one(st, s, r);
	}
	if (s->has_pending)
		moved = pending_not_event(st, s);
	if (s->stat == NULL)
		stream_start(st, s, 0);
	s->pending = *r;
	/* Its bytes are the capture's, gone once this call returns. */
	s->pending.hdr.ext = NULL;
	s->pending.hdr.payload = NULL;
	s->has_pending = 1;
	return moved;
}

/* A packet still waiting for its event's second one: not an event. */
static void
stream_settle_pending(struct stream_table *st, struct stream *s)
{
	if (s->has_pending)
		(void)pending_not_event(st, s);
}

void
stream_finish(struct stream_table *st, struct stream *s)
{
	stream_settle_pending(st, s);
	quality_finish(s->quality);
}

void
streams_finish(struct stream_table *st)
{
	struct stream *s;

	TAILQ_FOREACH(s, &st->lru, lru)
		stream_finish(st, s);
}

void
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
	if (s->far != NULL)
		o->far = *s->far;
	else
		memset(&o->far, 0, sizeof(o->far));
	quality_summary(s->quality, &o->quality);
	o->way = s->way;
	segments_of(o, &o->seg);
	if (s->n_points > 0) {
		o->points = xcalloc(s->n_points, sizeof(*o->points));
		memcpy(o->points, s->points, s->n_points * sizeof(*o->points));
		o->n_points = s->n_points;
	}
}

void
streams_snapshot(const struct stream_table *st, struct snap_stream *out)
{
	const struct stream *s;
	size_t i = 0;

	TAILQ_FOREACH(s, &st->lru, lru)
		stream_snapshot(s, s->call ? call_index(s->call) : SNAP_NO_CALL,
		    &out[i++]);
}

/* Keep an interval's figures with the stream, the latest keep_points. */
static void
stream_keep_point(const struct stream_table *st, struct stream *s,
    int64_t end_us, const struct snap_stream_interval *si)
{
	struct snap_point *p;

	/*
	 * Room as the intervals come, not keep_points (an hour's) at once:
	 * most calls are over long before, and 20 000 streams up at once
	 * held 576 MB of room mostly never used.
	 */
	if (s->n_points == s->cap_points &&
	    s->cap_points < st->cfg.keep_points) {
		s->cap_points = s->cap_points ? s->cap_points * 2 : 4;
		if (s->cap_points > st->cfg.keep_points)
			s->cap_points = st->cfg.keep_points;
		s->points = xreallocarray(s->points, s->cap_points,
		    sizeof(*s->points));
	}
	if (s->n_points == st->cfg.keep_points) {
		memmove(s->points, s->points + 1,
		    (s->n_points - 1) * sizeof(*s->points));
		s->n_points--;
	}
	p = &s->points[s->n_points++];
	p->end_us = end_us;
	p->packets = si->packets;
	p->expected = si->expected;
	p->lost = si->lost;
	p->loss_pct = snap_interval_loss_pct(si);
	p->jitter_ms = si->jitter_ms;
	p->max_jitter_ms = si->max_jitter_ms;
	p->jb_discards = si->jb_discards;
	/* A MOS for this interval only if one was rated in it. */
	p->have_mos = si->have_mos && quality_intervals(s->quality) !=
	    s->rep_intervals;
	p->mos = si->mos;
}

void
stream_interval(const struct stream_table *st, struct stream *s,
    int64_t end_us, int ended, struct snap_stream_interval *out)
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
	segments_after(s->far, rs.loss_pct, s->clock_rate_hz != 0 ?
	    rs.jitter_mean_ms : -1.0, &out->after);
	if (qs.have_mos) {
		out->have_mos = 1;
		out->mos = qs.mos_last;
		out->r_factor = qs.r_last;
		out->mos_intervals = qs.intervals - s->rep_intervals;
	}
	out->ended = ended;
	if (st->cfg.keep_points > 0)
		stream_keep_point(st, s, end_us, out);
	s->rep_packets = rs.packets;
	s->rep_expected = rs.expected;
	s->rep_lost = rs.lost;
	s->rep_discards = qs.jb_discards;
	s->rep_intervals = qs.intervals;
}

int
streams_candidate(struct stream_table *st, const struct pkt_meta *meta,
    const struct stream_pkt *pkt, struct stream_pkt held[STREAMS_CANDIDATE_HELD])
{
	uint8_t key[STREAM_KEY_LEN];
	struct candidate *c;
	unsigned i, n;

	stream_key(key, meta, pkt->hdr.ssrc, 0);
	HASH_FIND(hh, st->candidates, key, sizeof(key), c);
	if (c == NULL) {
		if (st->n_candidates >= STREAMS_MAX_CANDIDATES) {
			/*
			 * Full: the oldest flow goes (uthash keeps the order
			 * of insertion), so that a flood of lone packets
			 * cannot keep real RTP from being found.
			 */
			c = st->candidates;
			HASH_DEL(st->candidates, c);
			free(c);
			st->n_candidates--;
			st->candidates_dropped++;
		}
		c = xcalloc(1, sizeof(*c));
		memcpy(c->key, key, sizeof(key));
		HASH_ADD(hh, st->candidates, key, sizeof(c->key), c);
		st->n_candidates++;
	} else {
		for (i = 0; i < c->n; i++)
			if (pkt->hdr.payload_type ==
			    c->held[i].hdr.payload_type &&
			    pkt->hdr.seq == (uint16_t)(c->held[i].hdr.seq + 1))
				break;
		if (i < c->n) {
			n = c->n;
			memcpy(held, c->held, n * sizeof(held[0]));
			HASH_DEL(st->candidates, c);
			free(c);
			st->n_candidates--;
			return (int)n;
		}
	}
	/* No continuation yet: the packet waits, the oldest making room. */
	if (c->n == STREAMS_CANDIDATE_HELD) {
		memmove(&c->held[0], &c->held[1],
		    (STREAMS_CANDIDATE_HELD - 1) * sizeof(c->held[0]));
		c->n--;
	}
	c->held[c->n] = *pkt;
	/* Its bytes are the capture's, gone once this call returns. */
	c->held[c->n].hdr.ext = NULL;
	c->held[c->n].hdr.payload = NULL;
	c->n++;
	return 0;
}

void
streams_expire_candidates(struct stream_table *st, int64_t now_us,
    int64_t idle_us)
{
	struct candidate *c, *ctmp;

	HASH_ITER(hh, st->candidates, c, ctmp)
		if (now_us - c->held[c->n - 1].ts_us > idle_us) {
			HASH_DEL(st->candidates, c);
			free(c);
			st->n_candidates--;
		}
}

uint64_t
streams_candidates_dropped(const struct stream_table *st)
{
	return st->candidates_dropped;
}
