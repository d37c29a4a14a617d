/*
 * The capture thread (see capthread.h).
 *
 * Sharding: a call's SIP and its media must meet in one worker, so that
 * per-call state needs no lock.  The capture thread reads the Call-ID of
 * every SIP message and sends the message to the worker its hash names;
 * it also reads the SDP and remembers which worker each announced media
 * endpoint belongs to.  That map is the capture thread's own, updated
 * before the SIP message is queued, so the media that follows an offer in
 * the capture goes where the offer went, exactly as one analyzer reading
 * the file in order would see it; no control ring back from the workers
 * is needed, and a file gives the same numbers with any number of workers.
 * Media no SDP announced goes by a hash of its two endpoints with the
 * port's low bit cleared: RTP on an even port and its RTCP on the next
 * odd one land in the same worker, in both directions.
 *
 * A full ring: reading a file, the capture thread waits (the file can
 * wait); on a live interface it counts the payload as a probe drop and
 * goes on, so the kernel's buffer never backs up behind a slow worker.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uthash.h>

#include "dissectors/decode.h"
#include "dissectors/sdp.h"
#include "dissectors/sip.h"
#include "dissectors/vqreport.h"
#include "probe/analysis/analyzer.h"
#include "probe/pipeline/capthread.h"
#include "probe/pipeline/routes.h"
#include "probe/pipeline/wire.h"
#include "probe/vqprobe.h"

/* Capture time between ticks to the workers. */
#define TICK_US		1000000LL
/*
 * Frames between marks, when results go out in order: a mark lets the
 * workers free the calls that ended and move their watermarks on within
 * a tick, so that what waits for the reorder is a few thousand frames'
 * worth, not a second's (an INVITE flood of 100 000 a second held them
 * all until the tick).
 */
#define MARK_FRAMES	8192
/* A media endpoint not seen for this long leaves the shard map. */
#define ROUTE_IDLE_US	(600 * 1000000LL)
/*
 * Endpoints the shard map holds per call of --max-calls: audio and video,
 * each way, before the least recently used goes.
 */
#define ROUTES_PER_MAX_CALL	4
/*
 * An IP packet nothing was delivered of (TCP that is not SIP, ...): to a
 * worker by its flow, for the application counts.  The first bytes are
 * enough for nDPI, which looks at a flow's first packets' starts.
 */
#define OTHER_MAX_BYTES	1600

struct capthread {
	struct capthread_config	 cfg;
	struct capture		*cap;
	int			 live;
	struct ring		**rings;	/* to the workers */
	int			 n_workers;
	int			 marks;		/* set before the start */
	pthread_t		 thread;
	/* Set by capthread_stop (any thread, a signal handler). */
	atomic_int		 stop;

	/* The thread's own. */
	struct decode_ctx	*decode;
	struct routes		*routes;	/* SDP endpoints to workers */
	uint64_t		 frames;
	uint64_t		 marked_frames;	/* at the last tick or mark */
	uint64_t		 bytes;
	uint64_t		 truncated[PROTO_COUNT];
	uint64_t		 malformed[PROTO_COUNT];
	int64_t			 now_us;	/* latest capture time */
	int64_t			 next_tick_us;
	int64_t			 pace_first_us;	/* --realtime: first frame */
	int64_t			 pace_wall_us;	/* and when it was read */
	int			 status;
	char			*cause;
	int64_t			 final_kernel_drops;	/* at the join */

	/* Written by the thread alone, read by the aggregator. */
	_Atomic uint64_t	 probe_drops;
	/*
	 * Published by the thread for the aggregator's progress reports
	 * (relaxed: each is a figure on its own, read for display).
	 */
	_Atomic uint64_t	 pub_packets;
	_Atomic uint64_t	 pub_bytes;
	_Atomic int64_t		 pub_now_us;
	_Atomic int64_t		 pub_kernel_drops;
};

struct capthread *
capthread_new(const struct capthread_config *cfg, struct capture *cap,
    struct ring *const *to_workers, int n)
{
	struct capthread *ct;
	int i;

	ct = xcalloc(1, sizeof(*ct));
	ct->cfg = *cfg;
	ct->cap = cap;
	ct->live = capture_is_live(cap);
	ct->n_workers = n;
	ct->rings = xcalloc((size_t)n, sizeof(*ct->rings));
	for (i = 0; i < n; i++)
		ct->rings[i] = to_workers[i];
	ct->routes = routes_new(cfg->max_calls >
	    SIZE_MAX / ROUTES_PER_MAX_CALL ? SIZE_MAX :
	    cfg->max_calls * ROUTES_PER_MAX_CALL);
	if ((ct->decode = decode_ctx_new(NULL)) == NULL)
		fatal("out of memory");
	atomic_init(&ct->stop, 0);
	atomic_init(&ct->probe_drops, 0);
	atomic_init(&ct->pub_packets, 0);
	atomic_init(&ct->pub_bytes, 0);
	atomic_init(&ct->pub_now_us, 0);
	atomic_init(&ct->pub_kernel_drops, ct->live ? 0 : -1);
	return ct;
}

void
capthread_free(struct capthread *ct)
{
	if (ct == NULL)
		return;
	routes_free(ct->routes);
	decode_ctx_free(ct->decode);
	free(ct->rings);
	free(ct->cause);
	free(ct);
}

void
capthread_stop(struct capthread *ct)
{
	/*
	 * Relaxed: the flag carries no data; the capture thread polls it
	 * between batches, and capture_break wakes a blocked read.
	 */
	atomic_store_explicit(&ct->stop, 1, memory_order_relaxed);
	capture_break(ct->cap);
}

/* Has capthread_stop been called?  (Relaxed, as the store above.) */
static int
stopping(struct capthread *ct)
{
	return atomic_load_explicit(&ct->stop, memory_order_relaxed);
}

/* Sleep us microseconds, whatever signals come. */
static void
sleep_us(int64_t us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The hash that shards: uthash's, over len bytes. */
static unsigned
hash_bytes(const void *p, size_t len)
{
	unsigned h;

	HASH_VALUE(p, len, h);
	return h;
}

/* The worker of media to or from ep (or its port less one), or -1. */
static int
route_find(struct capthread *ct, const struct vq_endpoint *ep, int port_less)
{
	struct vq_endpoint e = *ep;

	if (port_less > e.port)
		return -1;
	e.port = (uint16_t)(e.port - port_less);
	return routes_find(ct->routes, &e, ct->now_us);
}

/*
 * By the endpoints with the port's low bit cleared, in an order that does
 * not depend on the direction: RTP and its RTCP, both ways, hash alike.
 */
static int
route_by_flow(const struct capthread *ct, const struct pkt_meta *meta)
{
	struct vq_endpoint a = meta->src, b = meta->dst;
	uint8_t ka[ENDPOINT_KEY_LEN], kb[ENDPOINT_KEY_LEN];
	uint8_t both[2 * ENDPOINT_KEY_LEN];

	a.port &= (uint16_t)~1u;
	b.port &= (uint16_t)~1u;
	endpoint_pack(&a, ka);
	endpoint_pack(&b, kb);
	if (memcmp(ka, kb, sizeof(ka)) <= 0) {
		memcpy(both, ka, sizeof(ka));
		memcpy(both + sizeof(ka), kb, sizeof(kb));
	} else {
		memcpy(both, kb, sizeof(kb));
		memcpy(both + sizeof(kb), ka, sizeof(ka));
	}
	return (int)(hash_bytes(both, sizeof(both)) % (unsigned)ct->n_workers);
}

/*
 * SIP goes by its Call-ID; the media its SDP announces is noted as going
 * the same way (the analyzer learns the same endpoints from the same SDP).
 * *parsed: msg is the message's parse, for the worker to take as is.
 */
static int
route_sip(struct capthread *ct, const struct pkt_meta *meta,
    struct sip_msg *msg, int *parsed)
{
	struct sdp_session sdp;
	enum dissect_result r;
	const char *id;
	size_t i, id_len;
	int w;

	if (sip_parse(meta->payload, meta->payload_len, msg) != DISSECT_OK)
		return route_by_flow(ct, meta);
	/* The worker's own test for SIP: only then would it parse it. */
	*parsed = sip_looks_like(meta->payload, meta->payload_len);
	if (msg->call_id.len == 0)
		return route_by_flow(ct, meta);
	/*
	 * An endpoint's report on a call (RFC 6035) goes where the call it
	 * names is, not by its own Call-ID: that worker files it.
	 */
	if (vqr_sip_carries(msg) &&
	    vqr_call_id(msg->body.p, msg->body.len, &id, &id_len) == 0)
		return (int)(hash_bytes(id, id_len) % (unsigned)ct->n_workers);
	w = (int)(hash_bytes(msg->call_id.p, msg->call_id.len) %
	    (unsigned)ct->n_workers);
	if (msg->sdp.len == 0 || msg->sdp_truncated)
		return w;
	r = sdp_parse(msg->sdp.p, msg->sdp.len, &sdp);
	if (r != DISSECT_OK && r != DISSECT_UNSUPPORTED)
		return w;
	for (i = 0; i < sdp.n_media; i++) {
		struct sdp_endpoints ep;

		if (sdp_media_endpoints(&sdp.media[i], &ep) != 0)
			continue;
		routes_learn(ct->routes, &ep.rtp, msg->call_id.p,
		    msg->call_id.len, w, ct->now_us);
		/* RTCP on the RTP port or the next is found by its route. */
		if (ep.rtcp.port != 0 && (!addr_equal(&ep.rtcp.addr,
		    &ep.rtp.addr) || (ep.rtcp.port != ep.rtp.port &&
		    ep.rtcp.port != ep.rtp.port + 1)))
			routes_learn(ct->routes, &ep.rtcp, msg->call_id.p,
			    msg->call_id.len, w, ct->now_us);
	}
	return w;
}

/*
 * The worker that analyses this payload; *parsed: msg is its SIP parse
 * (see route_sip).
 */
static int
route(struct capthread *ct, const struct pkt_meta *meta, struct sip_msg *msg,
    int *parsed)
{
	int w;

	*parsed = 0;
	if (ct->n_workers == 1)
		return 0;
	if (meta->ip_proto == DECODE_IPPROTO_TCP ||
	    sip_looks_like(meta->payload, meta->payload_len))
		return route_sip(ct, meta, msg, parsed);
	/* RTP to or from an SDP endpoint, RTCP on the port after it. */
	if ((w = route_find(ct, &meta->dst, 0)) >= 0 ||
	    (w = route_find(ct, &meta->src, 0)) >= 0 ||
	    (w = route_find(ct, &meta->dst, 1)) >= 0 ||
	    (w = route_find(ct, &meta->src, 1)) >= 0)
		return w;
	return route_by_flow(ct, meta);
}

/* A record a worker's full ring had no room for: a probe drop. */
static void
count_drop(struct capthread *ct)
{
	/*
	 * Relaxed: the only writer is the capture thread; the aggregator
	 * reads the count for display and after the join.
	 */
	atomic_store_explicit(&ct->probe_drops, atomic_load_explicit(
	    &ct->probe_drops, memory_order_relaxed) + 1, memory_order_relaxed);
}

/*
 * Queue n bytes from `from` (the payload, or the IP packet around it when
 * ip_len says so) with its metadata, as a record of type for a worker's
 * ring; a full ring on a live capture is a probe drop.  record_start
 * reserves head bytes (a struct wire_payload first) then the n bytes and
 * fills all but what follows the wire_payload in head; NULL: dropped.
 */
static struct wire_payload *
record_start(struct capthread *ct, struct ring *ring, size_t head,
    const struct pkt_meta *meta, const uint8_t *from, size_t n,
    uint32_t ip_len)
{
	struct wire_payload *rec;

	if ((rec = ring_reserve_wait(ring, head + n, ct->live)) == NULL) {
		count_drop(ct);
		return NULL;
	}
	rec->frame_order = ct->frames;
	rec->meta = *meta;
	/*
	 * The pointers go to the record's own copy of the bytes, which stays
	 * in place until the worker releases it: the IP packet, when it
	 * came along, starts them and the payload ends them.  The worker
	 * reads the metadata where it lies, without a copy to mend.
	 */
	rec->meta.ip = ip_len > 0 ? (const uint8_t *)rec + head : NULL;
	rec->meta.ip_caplen = ip_len;
	rec->meta.payload = meta->payload_len <= n ?
	    (const uint8_t *)rec + head + n - meta->payload_len : NULL;
	memcpy((uint8_t *)rec + head, from, n);
	return rec;
}

static void
queue_record(struct capthread *ct, struct ring *ring, uint32_t type,
    const struct pkt_meta *meta, const uint8_t *from, size_t n,
    uint32_t ip_len)
{
	if (record_start(ct, ring, sizeof(struct wire_payload), meta, from, n,
	    ip_len) != NULL)
		ring_commit(ring, type);
}

/*
 * As queue_record for a SIP message parsed to route it (msg): the parse
 * goes along, its slices moved to the record's copy of the bytes, so the
 * worker does not parse the message again.
 */
static void
queue_sip(struct capthread *ct, struct ring *ring, const struct pkt_meta *meta,
    const struct sip_msg *msg, const uint8_t *from, size_t n, uint32_t ip_len)
{
	struct wire_sip *rec;

	if ((rec = (struct wire_sip *)record_start(ct, ring, sizeof(*rec), meta,
	    from, n, ip_len)) == NULL)
		return;
	rec->msg = *msg;
	/* The payload ends the bytes, as the worker finds it. */
	sip_msg_rebase(&rec->msg, meta->payload, rec->head.meta.payload);
	ring_commit(ring, WIRE_SIP);
}

/* One payload out of the decoder: copy it to its worker's ring. */
static void
on_payload(void *arg, const struct pkt_meta *meta)
{
	struct capthread *ct = arg;
	struct sip_msg msg;
	int parsed;
	struct ring *ring;
	const uint8_t *from = meta->payload;
	size_t n = meta->payload_len;
	uint32_t ip_len = 0;

	/* A tap (HEP out) sees the payload first, as captured. */
	if (ct->cfg.tap != NULL)
		ct->cfg.tap(ct->cfg.tap_arg, meta);
	ring = ct->rings[route(ct, meta, &msg, &parsed)];
	/*
	 * A datagram whose IP packet lies around it in the frame travels
	 * whole, for nDPI; a SIP message out of TCP reassembly, or a
	 * datagram reassembled from fragments, travels alone.
	 */
	if (meta->ip != NULL && meta->payload >= meta->ip &&
	    meta->payload + meta->payload_len <= meta->ip + meta->ip_caplen) {
		from = meta->ip;
		n = (size_t)(meta->payload - meta->ip) + meta->payload_len;
		ip_len = (uint32_t)n;
	}
	if ((parsed ? sizeof(struct wire_sip) : sizeof(struct wire_payload)) +
	    n > ring_max_record(ring)) {
		/* Bigger than any SIP message the reassembler makes. */
		ct->truncated[PROTO_UDP]++;
		return;
	}
	if (parsed)
		queue_sip(ct, ring, meta, &msg, from, n, ip_len);
	else
		queue_record(ct, ring, WIRE_PAYLOAD, meta, from, n, ip_len);
}

/* An IP packet nothing was delivered of: to a worker by its flow. */
static void
send_other(struct capthread *ct, const struct pkt_meta *meta)
{
	uint32_t n = meta->ip_caplen < OTHER_MAX_BYTES ? meta->ip_caplen :
	    OTHER_MAX_BYTES;

	struct ring *ring = ct->rings[route_by_flow(ct, meta)];
	struct wire_payload *rec;

	if ((rec = record_start(ct, ring, sizeof(*rec), meta, meta->ip, n,
	    n)) == NULL)
		return;
	rec->meta.payload = NULL;	/* nothing was delivered of it */
	ring_commit(ring, WIRE_OTHER);
}

/* Fragments given up on, for whatever reason. */
static uint64_t
ipfrag_dropped(const struct decode_stats *ds)
{
	return ds->ipfrag.dropped_timeout + ds->ipfrag.dropped_overlap +
	    ds->ipfrag.dropped_memory + ds->ipfrag.dropped_too_many +
	    ds->ipfrag.dropped_malformed;
}

/* The thread's totals, with the kernel's drops as given. */
static void
totals(struct capthread *ct, int64_t kernel_drops, struct snap_counters *c)
{
	struct decode_stats ds;
	int i;

	memset(c, 0, sizeof(*c));
	c->packets = ct->frames;
	c->bytes = ct->bytes;
	c->kernel_drops = kernel_drops;
	/* Relaxed: a count on its own (see count_drop). */
	c->probe_drops = atomic_load_explicit(&ct->probe_drops,
	    memory_order_relaxed);
	for (i = 0; i < PROTO_COUNT; i++) {
		c->truncated += ct->truncated[i];
		c->malformed += ct->malformed[i];
	}
	decode_ctx_stats(ct->decode, &ds);
	c->ip_fragments_dropped = ipfrag_dropped(&ds);
	c->tcp_bytes_dropped = ds.tcp.bytes_dropped;
	c->media_routes_evicted = routes_evicted(ct->routes);
}

/* Tell every worker what time it is, and publish the figures. */
static void
tick(struct capthread *ct, int64_t now_us)
{
	struct wire_tick *t, now;
	int i;

	now.now_us = now_us;
	totals(ct, capture_kernel_drops(ct->cap), &now.totals);
	ct->marked_frames = ct->frames;
	for (i = 0; i < ct->n_workers; i++) {
		/*
		 * Never dropped: every worker must see every tick, so that
		 * all report the same metrics intervals.  A tick is tiny and
		 * waits only when the ring is full, when payloads are being
		 * dropped already.
		 */
		t = ring_reserve_wait(ct->rings[i], sizeof(*t), 0);
		*t = now;
		ring_commit(ct->rings[i], WIRE_TICK);
	}
	routes_sweep(ct->routes, now_us, ROUTE_IDLE_US);
	/* Relaxed: display figures, each on its own (see struct capthread). */
	atomic_store_explicit(&ct->pub_packets, ct->frames,
	    memory_order_relaxed);
	atomic_store_explicit(&ct->pub_bytes, ct->bytes, memory_order_relaxed);
	atomic_store_explicit(&ct->pub_now_us, now_us, memory_order_relaxed);
	atomic_store_explicit(&ct->pub_kernel_drops, now.totals.kernel_drops,
	    memory_order_relaxed);
}

/*
 * Tell the workers how far the capture has read, as a tick does.  Reading
 * a file, as payloads do, wait for room: a worker that missed a mark
 * would hold every worker's results back to its last one.  Live, a mark
 * only hurries results along: a worker whose ring is full skips it.
 */
static void
mark(struct capthread *ct)
{
	uint64_t *m;
	int i;

	ct->marked_frames = ct->frames;
	for (i = 0; i < ct->n_workers; i++)
		if ((m = ring_reserve_wait(ct->rings[i], sizeof(*m),
		    ct->live)) != NULL) {
			*m = ct->frames;
			ring_commit(ct->rings[i], WIRE_MARK);
		}
}

/* Capture time moved to now_us: tick once per TICK_US crossed. */
static void
advance(struct capthread *ct, int64_t now_us)
{
	if (now_us > ct->now_us)
		ct->now_us = now_us;
	if (ct->next_tick_us == 0)
		ct->next_tick_us = (ct->now_us / TICK_US + 1) * TICK_US;
	if (ct->now_us >= ct->next_tick_us) {
		tick(ct, ct->now_us);
		ct->next_tick_us = (ct->now_us / TICK_US + 1) * TICK_US;
	}
}

/* --realtime: hold a frame back until its time has come. */
static void
pace(struct capthread *ct, int64_t ts_us)
{
	int64_t due, now;

	if (ct->pace_wall_us == 0) {
		ct->pace_first_us = ts_us;
		ct->pace_wall_us = mono_us();
		return;
	}
	due = ct->pace_wall_us + (ts_us - ct->pace_first_us);
	while (!stopping(ct) && (now = mono_us()) < due)
		sleep_us(due - now > 100000 ? 100000 : due - now);
}

/* One frame from the capture: count it, decode it, shard what it holds. */
static void
on_frame(void *arg, int linktype, int64_t ts_us, uint32_t caplen,
    uint32_t wirelen, const uint8_t *data)
{
	struct capthread *ct = arg;
	struct pkt_meta meta;
	enum dissect_result r;

	if (ct->cfg.realtime && !ct->live)
		pace(ct, ts_us);
	if (ct->cfg.snaplen != 0 && caplen > ct->cfg.snaplen)
		caplen = ct->cfg.snaplen;
	ct->frames++;
	ct->bytes += wirelen;
	advance(ct, ts_us);
	if (ct->marks && ct->frames - ct->marked_frames >= MARK_FRAMES)
		mark(ct);
	/* The rest decode_frame resets: no memset of 150 bytes a frame. */
	meta.ts_us = ts_us;
	meta.caplen = caplen;
	meta.wirelen = wirelen;
	r = decode_frame(ct->decode, linktype, data, caplen, &meta,
	    on_payload, ct);
	if (r == DISSECT_UNSUPPORTED && meta.ip != NULL && ct->cfg.dpi)
		send_other(ct, &meta);
	if (r == DISSECT_TRUNCATED)
		ct->truncated[meta.fail_proto]++;
	else if (r == DISSECT_MALFORMED)
		ct->malformed[meta.fail_proto]++;
}

/* Between batches: stop when asked; keep time going on a quiet link. */
static int
on_poll(void *arg)
{
	struct capthread *ct = arg;
	int64_t now_us;
	int i;

	if (stopping(ct))
		return 1;
	/* A quiet link must not leave a worker asleep on what came. */
	for (i = 0; i < ct->n_workers; i++)
		ring_flush(ct->rings[i]);
	/*
	 * Live, ticks go on: packet times are the system clock's, or for HEP
	 * alone follow the packets' (see capture_now_us).
	 */
	if (ct->live && capture_now_us(ct->cap, &now_us) == 0)
		advance(ct, now_us);
	return 0;
}

/* The thread: the capture to its end, then the last tick and the end. */
static void *
capthread_main(void *arg)
{
	struct capthread *ct = arg;
	int i;

	ct->status = capture_run(ct->cap, on_frame, on_poll, ct, &ct->cause);
	/* Fragments and TCP data still held can no longer complete. */
	decode_ctx_expire(ct->decode, INT64_MAX);
	tick(ct, ct->now_us);
	for (i = 0; i < ct->n_workers; i++) {
		/* The end must get through, even live: wait for room. */
		ring_reserve_wait(ct->rings[i], 0, 0);
		ring_commit(ct->rings[i], WIRE_END);
		ring_flush(ct->rings[i]);
	}
	return NULL;
}

void
capthread_start(struct capthread *ct, int marks)
{
	/* Read by the thread without a fence: pthread_create orders it. */
	ct->marks = marks;
	if (pthread_create(&ct->thread, NULL, capthread_main, ct) != 0)
		fatal("cannot start the capture thread");
}

int
capthread_join(struct capthread *ct, char **cause)
{
	pthread_join(ct->thread, NULL);
	ct->final_kernel_drops = capture_kernel_drops(ct->cap);
	if (ct->status != 0) {
		*cause = ct->cause;
		ct->cause = NULL;
		return -1;
	}
	return 0;
}

void
capthread_progress(struct capthread *ct, int64_t *capture_us,
    struct snap_counters *c)
{
	memset(c, 0, sizeof(*c));
	/* Relaxed: display figures (see struct capthread). */
	*capture_us = atomic_load_explicit(&ct->pub_now_us,
	    memory_order_relaxed);
	c->packets = atomic_load_explicit(&ct->pub_packets,
	    memory_order_relaxed);
	c->bytes = atomic_load_explicit(&ct->pub_bytes, memory_order_relaxed);
	c->kernel_drops = atomic_load_explicit(&ct->pub_kernel_drops,
	    memory_order_relaxed);
	c->probe_drops = atomic_load_explicit(&ct->probe_drops,
	    memory_order_relaxed);
}

void
capthread_totals(struct capthread *ct, struct snap_counters *c)
{
	totals(ct, ct->final_kernel_drops, c);
}

void
capthread_figures(struct capthread *ct, struct snap_capture *c)
{
	struct snap_counters t;
	struct decode_stats ds;

	capthread_totals(ct, &t);
	c->packets = t.packets;
	c->bytes = t.bytes;
	c->kernel_drops = t.kernel_drops;
	c->probe_drops = t.probe_drops;
	analyzer_errors_add(c, ct->truncated, ct->malformed);
	decode_ctx_stats(ct->decode, &ds);
	c->ip_fragments = ds.ipfrag.fragments;
	c->ip_reassembled = ds.ipfrag.reassembled;
	c->ip_fragments_dropped = t.ip_fragments_dropped;
	c->tcp_segments = ds.tcp.segments;
	c->tcp_sip_streams = ds.tcp.streams - ds.tcp.not_sip;
	c->tcp_sip_messages = ds.tcp.sip_messages;
	c->tcp_out_of_order = ds.tcp.out_of_order;
	c->tcp_retransmissions = ds.tcp.retransmissions;
	c->tcp_bytes_dropped = t.tcp_bytes_dropped;
	c->tunnels_too_deep = ds.too_deep;
	c->media_routes_evicted = t.media_routes_evicted;
	capture_hep_figures(ct->cap, &c->hep);
}
