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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dissectors/decode.h"
#include "dissectors/rtcp.h"
#include "dissectors/rtp.h"
#include "dissectors/sdp.h"
#include "dissectors/sip.h"
#include "dissectors/vqreport.h"
#include "probe/analysis/analyzer-private.h"
#include "probe/analysis/analyzer.h"
#include "probe/analysis/calls.h"
#include "probe/analysis/dpi.h"
#include "probe/analysis/flows.h"
#include "probe/analysis/streams.h"
#include "probe/output/callpcap.h"
#include "probe/vqprobe.h"

/* Ended calls that analyzer_settle frees whatever the table's size. */
#define ANALYZER_SETTLE_CALLS	1024
/*
 * A call that said goodbye stays this long after its last packet, for the
 * RTP and RTCP still in flight, before it is reported and forgotten.
 */
#define ANALYZER_LINGER_US	(5 * 1000000LL)
/*
 * What the end of a run hands over at a time: this many calls with their
 * streams, or this many streams that have no call.  Each piece is made
 * from the state it frees, so memory at the end grows by a piece, not by
 * a copy of every call and stream still up (30 MB for 10 000 calls).
 */
#define ANALYZER_PIECE_CALLS	64
#define ANALYZER_PIECE_STREAMS	128

/* A stream still up at the end, and the piece it goes in. */
struct held_stream {
	size_t		 piece;
	size_t		 rank;		/* in the activity list */
	struct stream	*s;
};

/* The end's hand-over under way (analyzer_hand_over). */
struct hand_over {
	struct held_stream *streams;	/* by piece, then rank */
	size_t		  n_streams;
	size_t		  next_stream;
	size_t		  call_pieces;	/* the pieces with calls come first */
	size_t		  next_piece;
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

void
analyzer_set_interval_rows(struct analyzer *a, int with_rows)
{
	a->interval_rows = with_rows;
}

struct analyzer *
analyzer_new(const struct analyzer_config *cfg)
{
	struct stream_config sc;
	struct analyzer *a;

	a = xcalloc(1, sizeof(*a));
	a->cfg = *cfg;
	a->part_msgs = 1;
	a->interval_rows = 1;
	a->calls = calls_new();
	memset(&sc, 0, sizeof(sc));
	sc.interval_us = cfg->interval_us;
	sc.g711_plc = cfg->g711_plc;
	sc.jbuf = cfg->jbuf;
	sc.keep_points = cfg->keep_points;
	sc.home_net = cfg->home_net;
	a->streams = streams_new(&sc);
	a->flows = flows_new(a->calls);
	if (cfg->pcap_dir != NULL && (a->pcap = callpcap_new(cfg->pcap_dir)) ==
	    NULL)
		fatal("out of memory");
	return a;
}

/* Count (and, for its first packets, classify) a packet no call explains. */
void
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

/*
 * Report a piece of the results that will not change any more: a call as
 * it stands (or none) and at most one stream of it.  The aggregator keeps
 * the latest version of a call, by its INVITE's frame.  The call comes
 * without its SIP messages unless someone wants them (part_msgs): they
 * are a few kilobytes a call, and a part may wait in the ring to the
 * aggregator.  When they are wanted, a stream's part has them too if they
 * changed since the call's previous part (else it says they are the
 * same): the terminal view shows the latest version of a call still up,
 * which can be that of a stream of it that ended.
 */
static void
emit_part(struct analyzer *a, struct call *c, const struct stream *s)
{
	struct snapshot *part = xcalloc(1, sizeof(*part));

	part->capture.kernel_drops = -1;
	if (s != NULL) {
		part->streams = xcalloc(1, sizeof(*part->streams));
		part->n_streams = 1;
		stream_snapshot(s, c != NULL ? 0 : SNAP_NO_CALL,
		    &part->streams[0]);
		/* An ended stream counts in its call's verdict from now on. */
		if (c != NULL)
			call_media_add(c, &part->streams[0]);
	}
	if (c != NULL) {
		part->calls = xcalloc(1, sizeof(*part->calls));
		part->n_calls = 1;
		/* Its end carries them whole, a stream's part if new. */
		if (a->part_msgs)
			call_part_snapshot(c, &part->calls[0], s == NULL);
		else
			call_snapshot(c, &part->calls[0], 0);
		part->calls[0].version = ++a->version;
		/* Its own part is its last: no later copy comes. */
		part->calls[0].settled = s == NULL;
	}
	a->emit(a->emit_arg, part);
}

/*
 * Room for one more entry in the interval being filled; when nobody reads
 * them, the stream's figures for the interval are still made (it keeps
 * them for the views), into a row that is not kept.
 */
static struct snap_stream_interval *
pending_add(struct analyzer *a)
{
	if (!a->interval_rows)
		return &a->row_unkept;
	if (a->n_pending == a->cap_pending) {
		a->cap_pending = a->cap_pending ? a->cap_pending * 2 : 64;
		a->pending = xreallocarray(a->pending, a->cap_pending,
		    sizeof(*a->pending));
	}
	return &a->pending[a->n_pending++];
}

/* The stream is over: settle it, report it, forget it. */
void
end_stream(struct analyzer *a, struct stream *s)
{
	/* What the call knows of its media is as late as the stream's. */
	if (stream_call(s) != NULL)
		call_media_until(stream_call(s), stream_last_us(s));
	stream_finish(a->streams, s);
	if (a->emit_interval != NULL)
		stream_interval(a->streams, s, stream_last_us(s), 1,
		    pending_add(a));
	emit_part(a, stream_call(s), s);
	flows_forget(a->flows, s);
	streams_remove(a->streams, s);
}

/*
 * The call's latest packet, SIP or media: its streams still held know
 * their own latest, which the call learns only when they move or end.
 */
static int64_t
call_activity_us(const struct call *c)
{
	int64_t media_us = streams_call_last_us(c);

	return media_us > call_last_activity_us(c) ? media_us :
	    call_last_activity_us(c);
}

/* The call is over: its streams, then the call itself, leave the tables. */
static void
call_end(struct analyzer *a, struct call *c)
{
	struct stream *s;

	while ((s = streams_of_call(c)) != NULL)
		end_stream(a, s);
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
	size_t i;

	if (a == NULL)
		return;
	streams_free(a->streams);
	flows_free(a->flows);
	for (i = 0; a->pcap != NULL && i < calls_count(a->calls); i++)
		callpcap_close(a->pcap, call_evidence(calls_at(a->calls, i)));
	callpcap_free(a->pcap);
	calls_free(a->calls);
	dpi_free(a->dpi);
	free(a->pending);
	if (a->hand_over != NULL)
		free(a->hand_over->streams);
	free(a->hand_over);
	free(a);
}

void
count_result(struct analyzer *a, enum dissect_result r,
    enum dissect_proto proto)
{
	if (r == DISSECT_TRUNCATED)
		a->truncated[proto]++;
	else if (r == DISSECT_MALFORMED)
		a->malformed[proto]++;
}

/* A packet of call c into the call's pcap, when there are pcaps. */
void
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

/* A SIP message parsed (msg, from meta's payload): the call it moves on. */
static void
sip_message(struct analyzer *a, const struct pkt_meta *meta,
    const struct sip_msg *msg)
{
	struct sdp_session sdp;
	const struct sdp_session *body = NULL;
	enum dissect_result r;
	struct call *c;

	a->sip_messages++;
	if (msg->is_request)
		a->sip_requests[msg->method < SNAP_SIP_METHODS ? msg->method : 0]++;
	else if (msg->status_code >= 100 &&
	    msg->status_code < 100 * (SNAP_SIP_CLASSES + 1))
		a->sip_responses[msg->cseq_method < SNAP_SIP_METHODS ?
		    msg->cseq_method : 0][msg->status_code / 100 - 1]++;
	/* The SDP is the body, or its application/sdp part (multipart). */
	if (msg->sdp.len > 0) {
		/*
		 * A body the capture cut short would give a wrong port from a
		 * cut "m=" line: count it as truncated rather than learn it.
		 */
		if (msg->sdp_truncated)
			r = DISSECT_TRUNCATED;
		else
			r = sdp_parse(msg->sdp.p, msg->sdp.len, &sdp);
		count_result(a, r, PROTO_SDP);
		/* Media that is all fax (UNSUPPORTED) still ends RTP's period. */
		if (r == DISSECT_OK ||
		    (r == DISSECT_UNSUPPORTED && sdp.n_media > 0))
			body = &sdp;
	}
	if (msg->is_request && msg->method == SIP_INVITE && msg->to_tag.len == 0 &&
	    calls_active(a->calls) >= a->cfg.max_calls &&
	    calls_least_active(a->calls) != NULL &&
	    !calls_known(a->calls, msg)) {
		/* Full: the least recently active call makes room. */
		struct call *old = calls_least_active(a->calls);

		a->calls_evicted++;
		call_end_now(old, meta->ts_us, "evicted");
		call_end(a, old);
	}
	if (vqr_sip_carries(msg))
		vq_report(a, meta, msg);
	c = calls_sip(a->calls, msg, body, meta->ts_us, a->frame_order);
	keep_packet(a, c, meta);
	if (c != NULL && a->cfg.keep_sip)
		calls_note_message(c, msg, meta->ts_us, &meta->src, &meta->dst,
		    meta->payload, meta->payload_len);
}

void
handle_sip(struct analyzer *a, const struct pkt_meta *meta)
{
	struct sip_msg msg;
	enum dissect_result r;

	r = sip_parse(meta->payload, meta->payload_len, &msg);
	count_result(a, r, PROTO_SIP);
	if (r == DISSECT_OK)
		sip_message(a, meta, &msg);
}

void
analyzer_sip(struct analyzer *a, const struct pkt_meta *meta,
    const struct sip_msg *msg, uint64_t frame_order)
{
	a->frame_order = frame_order;
	sip_message(a, meta, msg);
}


void
analyzer_payload(struct analyzer *a, const struct pkt_meta *meta,
    uint64_t frame_order, const struct flow_hint *hint)
{
	a->frame_order = frame_order;
	if (meta->ip_proto == DECODE_IPPROTO_TCP) {
		/* The reassembler frames SIP only: nothing else comes from TCP. */
		if (sip_looks_like(meta->payload, meta->payload_len))
			handle_sip(a, meta);
		return;
	}
	analyzer_udp(a, meta, hint);
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
	c->candidates_dropped += streams_candidates_dropped(a->streams);
	c->calls_timed_out += a->calls_timed_out;
	c->vq_reports += a->vq_reports;
	c->vq_reports_unmatched += a->vq_reports_unmatched;
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

	for (s = streams_least_active(a->streams); s != NULL;
	    s = stream_more_active(s))
		if (ended || stream_has_news(s))
			stream_interval(a->streams, s, end_us, ended,
			    pending_add(a));
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
	iv->active_streams = streams_count(a->streams);
	for (p = 0; p < PROTO_COUNT; p++) {
		iv->truncated += a->truncated[p];
		iv->malformed += a->malformed[p];
	}
	iv->calls_evicted = a->calls_evicted;
	iv->streams_evicted = a->streams_evicted;
	iv->candidates_dropped = streams_candidates_dropped(a->streams);
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
	struct stream *s, *next_s;
	struct call *c, *next;
	int64_t active_us, idle_us;
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
	/* In the order of their latest moves: see streams_least_active. */
	for (s = streams_least_active(a->streams); s != NULL &&
	    now_us - stream_moved_us(s) > a->cfg.stream_timeout_us;
	    s = next_s) {
		next_s = stream_more_active(s);
		if (now_us - stream_last_us(s) > a->cfg.stream_timeout_us)
			end_stream(a, s);
	}
	streams_expire_candidates(a->streams, now_us,
	    a->cfg.stream_timeout_us);

	/*
	 * Least active first: once a call is younger than the shortest
	 * wait, so are the rest, except for the session timer (media going
	 * on with no SIP), which a full pass checks once a minute.
	 */
	full_scan = now_us >= a->next_session_check_us;
	if (full_scan)
		a->next_session_check_us = now_us + 60 * 1000000LL;
	for (c = calls_least_active(a->calls); c != NULL; c = next) {
		next = call_more_active(c);
		/* In the order of their latest moves: see calls_least_active. */
		if (now_us - call_moved_us(c) < ANALYZER_LINGER_US &&
		    !full_scan)
			break;
		active_us = call_activity_us(c);
		idle_us = now_us - active_us;
		if (idle_us < ANALYZER_LINGER_US && !full_scan)
			continue;
		if (call_has_ended(c)) {
			if (idle_us >= ANALYZER_LINGER_US)
				call_end(a, c);
		} else if (idle_us >= a->cfg.call_timeout_us) {
			a->calls_timed_out++;
			call_end_now(c, active_us, "timeout");
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
	size_t i;

	streams_finish(a->streams);
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
	size_t i;

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

	snap->n_streams = streams_count(a->streams);
	snap->streams = xcalloc(snap->n_streams ? snap->n_streams : 1,
	    sizeof(*snap->streams));
	streams_snapshot(a->streams, snap->streams);
	/* The streams still going end with the run: their calls count them. */
	for (i = 0; i < snap->n_streams; i++)
		if (snap->streams[i].call < snap->n_calls)
			verdict_sums_add(snap->calls[snap->streams[i].call].media,
			    &snap->streams[i]);
}

/* qsort's order of the streams held at the end: by piece, then as listed. */
static int
held_cmp(const void *x, const void *y)
{
	const struct held_stream *a = x, *b = y;

	if (a->piece != b->piece)
		return a->piece < b->piece ? -1 : 1;
	return a->rank < b->rank ? -1 : a->rank > b->rank;
}

/*
 * Which piece each stream still up goes in: its call's (pieces of
 * ANALYZER_PIECE_CALLS calls in INVITE order), or after them if it has
 * none.  Within a piece the streams keep the order analyzer_snapshot
 * gives them, so that a call's streams add up to the same verdict.
 */
static struct hand_over *
hand_over_start(struct analyzer *a)
{
	struct hand_over *h = xcalloc(1, sizeof(*h));
	struct stream *s;
	size_t loose = 0, n = streams_count(a->streams);

	calls_compact(a->calls);
	h->call_pieces = (calls_count(a->calls) + ANALYZER_PIECE_CALLS - 1) /
	    ANALYZER_PIECE_CALLS;
	h->streams = xcalloc(n ? n : 1, sizeof(*h->streams));
	for (s = streams_least_active(a->streams); s != NULL;
	    s = stream_more_active(s)) {
		struct held_stream *hs = &h->streams[h->n_streams];

		hs->s = s;
		hs->rank = h->n_streams++;
		hs->piece = stream_call(s) != NULL ?
		    call_index(stream_call(s)) / ANALYZER_PIECE_CALLS :
		    h->call_pieces + loose++ / ANALYZER_PIECE_STREAMS;
	}
	qsort(h->streams, h->n_streams, sizeof(*h->streams), held_cmp);
	/* One version for the lot: later than any part emitted before. */
	a->version++;
	return h;
}

int
analyzer_hand_over(struct analyzer *a, struct snapshot *snap)
{
	struct hand_over *h = a->hand_over;
	size_t i, first, end, piece;

	if (h == NULL)
		h = a->hand_over = hand_over_start(a);
	memset(snap, 0, sizeof(*snap));
	snap->capture.kernel_drops = -1;
	piece = h->next_piece++;

	/* Its streams first: their calls (at 0 .. up) give their indexes. */
	first = h->next_stream;
	for (end = first; end < h->n_streams && h->streams[end].piece == piece;
	    end++)
		;
	snap->n_streams = end - first;
	snap->streams = xcalloc(snap->n_streams ? snap->n_streams : 1,
	    sizeof(*snap->streams));
	for (i = first; i < end; i++) {
		struct stream *s = h->streams[i].s;
		struct call *c = stream_call(s);

		stream_snapshot(s, c != NULL ? call_index(c) : SNAP_NO_CALL,
		    &snap->streams[i - first]);
		flows_forget(a->flows, s);
		streams_remove(a->streams, s);
	}
	h->next_stream = end;

	snap->calls = xcalloc(piece < h->call_pieces ? ANALYZER_PIECE_CALLS :
	    1, sizeof(*snap->calls));
	snap->n_calls = calls_hand_over(a->calls, snap->calls,
	    piece < h->call_pieces ? ANALYZER_PIECE_CALLS : 0);
	for (i = 0; i < snap->n_calls; i++) {
		snap->calls[i].version = a->version;
		snap->calls[i].settled = 1;
	}
	/* The streams still going end with the run: their calls count them. */
	for (i = 0; i < snap->n_streams; i++)
		if (snap->streams[i].call < snap->n_calls)
			verdict_sums_add(snap->calls[snap->streams[i].call].media,
			    &snap->streams[i]);
	if (h->next_stream < h->n_streams || calls_count(a->calls) > 0)
		return 1;
	/* The last piece: the analyzer's counters go with it. */
	snapshot_capture(a, &snap->capture);
	free(h->streams);
	free(h);
	a->hand_over = NULL;
	return 0;
}

void
analyzer_held_orders(const struct analyzer *a, uint64_t *call,
    uint64_t *stream)
{
	/*
	 * The call table lists calls in INVITE order (calls ended but not yet
	 * compacted away only make the figure lower: still true; see
	 * analyzer_settle).  An unsignalled candidate needs no look: the
	 * stream it may become takes the order of the packet that confirms
	 * it, one not seen yet.
	 */
	*call = calls_count(a->calls) > 0 ?
	    call_order(calls_at(a->calls, 0)) : UINT64_MAX;
	*stream = streams_lowest_order(a->streams);
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
