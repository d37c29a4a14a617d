/*
 * The pipeline (see pipeline.h):
 *
 *   capture thread ──ring──▶ worker 0 ──ring──▶ ┐
 *   (decode, shard) ──ring──▶ worker 1 ──ring──▶ ├ aggregator (caller)
 *                   ──ring──▶ worker N ──ring──▶ ┘
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
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uthash.h>

#include "dissectors/decode.h"
#include "dissectors/sdp.h"
#include "dissectors/sip.h"
#include "probe/pipeline/merge.h"
#include "probe/pipeline/pipeline.h"
#include "probe/pipeline/reorder.h"
#include "probe/pipeline/ring.h"
#include "probe/pipeline/routes.h"
#include "probe/vqprobe.h"

/* Capture → worker records. */
enum {
	MSG_PAYLOAD = 1,	/* struct wire_payload, then the bytes */
	MSG_OTHER,		/* struct wire_payload, then the IP packet */
	MSG_TICK,		/* struct wire_tick: capture time goes on */
	MSG_MARK,		/* uint64_t: frames read, between ticks */
	MSG_END			/* the capture is over */
};

/* Worker → aggregator records: a pointer to a heap object. */
enum {
	OUT_PART = 1,		/* struct snapshot *: a call or stream ended */
	OUT_INTERVAL,		/* struct snap_interval *: a metrics interval */
	OUT_LIVE,		/* struct snapshot *: what the worker holds now */
	OUT_FINAL,		/* struct snapshot *: all the worker still has */
	OUT_WATERMARKS		/* struct wire_watermarks, in the record */
};

/*
 * After a tick or a mark, when a sink wants results in order (see
 * probe/pipeline/reorder.h): every call (stream) the worker reports from now on has
 * an order at least calls (streams), so what it sent before is all there
 * is below them.
 */
struct wire_watermarks {
	uint64_t	calls;
	uint64_t	streams;
};

/* One metrics interval as the workers report it, until all of them have. */
struct interval_sum {
	struct snap_interval	 sum;	/* its streams are not kept */
	int			 reports;
};

struct wire_payload {
	uint64_t	frame_order;
	struct pkt_meta	meta;		/* meta.payload is not used */
};

/* Capture time, and the capture's totals at that time. */
struct wire_tick {
	int64_t			now_us;
	/*
	 * totals.packets, the frames read, is also the number of the frame
	 * being read: every payload after the tick comes from this frame or
	 * a later one.
	 */
	struct snap_counters	totals;
};

/* Fragments given up on, for whatever reason. */
static uint64_t
ipfrag_dropped(const struct decode_stats *ds)
{
	return ds->ipfrag.dropped_timeout + ds->ipfrag.dropped_overlap +
	    ds->ipfrag.dropped_memory + ds->ipfrag.dropped_too_many +
	    ds->ipfrag.dropped_malformed;
}

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
/* Default ring between the capture thread and one worker. */
#define RING_BYTES	(16u << 20)
/*
 * Ring from one worker to the aggregator: pointers to parts, 1 024 of
 * them (16 bytes a record).  What waits there is memory that comes and
 * goes with the aggregator's lag.  Measured on 100 000 calls with the
 * reorder's REORDER_IN_MEMORY: 4 096 parts and 8 192 results made the
 * peak 20 to 35 MB higher than 1 024 and 2 048 at the same speed; 256 and
 * 1 024 made one worker a quarter slower.
 */
#define OUT_RING_BYTES	(16u << 10)

struct worker {
	struct pipeline	*pl;
	int		 index;
	pthread_t	 thread;
	struct ring	*in;		/* from the capture thread */
	struct ring	*out;		/* to the aggregator */
	struct analyzer	*analyzer;
	struct wire_tick last_tick;	/* the worker's own copy */
	uint64_t	 frames_bound;	/* later payloads' frames are >= */
	/* Written by the capture thread, read by the aggregator. */
	_Atomic uint64_t drops;
};

struct pipeline {
	struct pipeline_config	 cfg;
	struct capture		*cap;
	int			 linktype;
	int			 live;
	int			 n_workers;
	struct worker		*workers;
	pthread_t		 capture_thread;
	/* Set by pipeline_stop (any thread, a signal handler). */
	atomic_int		 stop;

	/* The capture thread's own. */
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
	int			 capture_status;
	char			*capture_cause;

	/*
	 * Published by the capture thread for the aggregator's progress
	 * reports (relaxed: each is a figure on its own, read for display).
	 */
	_Atomic uint64_t	 pub_packets;
	_Atomic uint64_t	 pub_bytes;
	_Atomic int64_t		 pub_now_us;
	_Atomic int64_t		 pub_kernel_drops;

	/* The aggregator's. */
	/*
	 * With keep_results only (the terminal view's final state): every
	 * part, ended pieces then finals.  Without, parts go to the sinks
	 * and the reorder and are let go.
	 */
	struct snapshot		*parts;
	size_t			 n_parts;
	size_t			 cap_parts;
	size_t			 n_finals;
	struct snap_capture	 analysed;	/* the parts' counters, added */
	struct reorder		*reorder;	/* NULL: no sink wants order */
	int64_t			 final_kernel_drops;
	struct pipeline_sink	 sinks[PIPELINE_MAX_SINKS];
	int			 n_sinks;
	/*
	 * Every worker reports the same intervals in the same order (each
	 * gets every tick), so the k-th report of each is the same interval:
	 * sums[0] is the oldest not yet reported by all.
	 */
	struct interval_sum	*sums;
	size_t			 n_sums;
	size_t			 cap_sums;
	size_t			*reports_seen;	/* per worker, since sums[0] */
	struct snap_app		*apps;		/* totals of the run */
	size_t			 n_apps;
	struct snapshot		*lives;		/* per worker, the latest */
};

int
pipeline_default_workers(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (cores <= 2)
		return 1;
	return cores - 1 > 16 ? 16 : (int)(cores - 1);
}

void
pipeline_config_default(struct pipeline_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	analyzer_config_default(&cfg->analysis);
	cfg->ring_bytes = RING_BYTES;
}

static void
sleep_us(int64_t us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * Waiting for a ring: yield a few times (the other side is usually about
 * to move), then sleep, longer the longer it stays idle, up to 1 ms.
 */
static void
idle_wait(unsigned *idle)
{
	if (*idle < 16)
		sched_yield();
	else
		sleep_us(*idle < 26 ? 1 << (*idle - 16) : 1000);
	if (*idle < 64)
		(*idle)++;
}

struct pipeline *
pipeline_new(const struct pipeline_config *cfg, struct capture *cap)
{
	struct pipeline *pl;
	int i;

	pl = xcalloc(1, sizeof(*pl));
	pl->cfg = *cfg;
	if (pl->cfg.workers <= 0)
		pl->cfg.workers = pipeline_default_workers();
	if (pl->cfg.ring_bytes == 0)
		pl->cfg.ring_bytes = RING_BYTES;
	pl->cap = cap;
	pl->linktype = capture_linktype(cap);
	pl->live = capture_is_live(cap);
	pl->n_workers = pl->cfg.workers;
	/* The live view merges what ended with what the workers hold. */
	if (pl->cfg.live_view)
		pl->cfg.keep_results = 1;
	pl->routes = routes_new(pl->cfg.analysis.max_calls >
	    SIZE_MAX / ROUTES_PER_MAX_CALL ? SIZE_MAX :
	    pl->cfg.analysis.max_calls * ROUTES_PER_MAX_CALL);
	/* The limits are the probe's: each worker gets its share. */
	pl->cfg.analysis.max_calls = (pl->cfg.analysis.max_calls +
	    (size_t)pl->n_workers - 1) / (size_t)pl->n_workers;
	pl->cfg.analysis.max_streams = (pl->cfg.analysis.max_streams +
	    (size_t)pl->n_workers - 1) / (size_t)pl->n_workers;
	atomic_init(&pl->stop, 0);
	atomic_init(&pl->pub_packets, 0);
	atomic_init(&pl->pub_bytes, 0);
	atomic_init(&pl->pub_now_us, 0);
	atomic_init(&pl->pub_kernel_drops, pl->live ? 0 : -1);
	if ((pl->decode = decode_ctx_new(NULL)) == NULL)
		fatal("out of memory");
	pl->workers = xcalloc((size_t)pl->n_workers, sizeof(*pl->workers));
	for (i = 0; i < pl->n_workers; i++) {
		struct worker *w = &pl->workers[i];

		w->pl = pl;
		w->index = i;
		if ((w->in = ring_new(pl->cfg.ring_bytes)) == NULL ||
		    (w->out = ring_new(OUT_RING_BYTES)) == NULL)
			fatal("out of memory");
		w->analyzer = analyzer_new(&pl->cfg.analysis);
		atomic_init(&w->drops, 0);
	}
	pl->reports_seen = xcalloc((size_t)pl->n_workers,
	    sizeof(*pl->reports_seen));
	pl->analysed.kernel_drops = -1;
	pl->lives = xcalloc((size_t)pl->n_workers, sizeof(*pl->lives));
	return pl;
}

void
pipeline_add_sink(struct pipeline *pl, const struct pipeline_sink *sink)
{
	if (pl->n_sinks == PIPELINE_MAX_SINKS)
		fatal("more than %d result sinks", PIPELINE_MAX_SINKS);
	pl->sinks[pl->n_sinks++] = *sink;
}

void
pipeline_free(struct pipeline *pl)
{
	size_t i;
	int k;

	if (pl == NULL)
		return;
	for (k = 0; k < pl->n_workers; k++) {
		ring_free(pl->workers[k].in);
		ring_free(pl->workers[k].out);
		analyzer_free(pl->workers[k].analyzer);
	}
	free(pl->workers);
	for (i = 0; i < pl->n_parts; i++)
		snapshot_release(&pl->parts[i]);
	free(pl->parts);
	reorder_free(pl->reorder);
	for (i = 0; i < pl->n_sums; i++)
		free(pl->sums[i].sum.apps);
	free(pl->sums);
	free(pl->reports_seen);
	free(pl->apps);
	for (k = 0; k < pl->n_workers; k++)
		snapshot_release(&pl->lives[k]);
	free(pl->lives);
	routes_free(pl->routes);
	decode_ctx_free(pl->decode);
	free(pl->capture_cause);
	free(pl);
}

void
pipeline_stop(struct pipeline *pl)
{
	/*
	 * Relaxed: the flag carries no data; the capture thread polls it
	 * between batches, and capture_break wakes a blocked read.
	 */
	atomic_store_explicit(&pl->stop, 1, memory_order_relaxed);
	capture_break(pl->cap);
}

/* Has pipeline_stop been called?  (Relaxed, as the store above.) */
static int
stopping(struct pipeline *pl)
{
	return atomic_load_explicit(&pl->stop, memory_order_relaxed);
}

/* ---- The capture thread ---- */

static unsigned
hash_bytes(const void *p, size_t len)
{
	unsigned h;

	HASH_VALUE(p, len, h);
	return h;
}

/* The worker of media to or from ep (or its port less one), or -1. */
static int
route_find(struct pipeline *pl, const struct vq_endpoint *ep, int port_less)
{
	struct vq_endpoint e = *ep;

	if (port_less > e.port)
		return -1;
	e.port = (uint16_t)(e.port - port_less);
	return routes_find(pl->routes, &e, pl->now_us);
}

/*
 * By the endpoints with the port's low bit cleared, in an order that does
 * not depend on the direction: RTP and its RTCP, both ways, hash alike.
 */
static int
route_by_flow(const struct pipeline *pl, const struct pkt_meta *meta)
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
	return (int)(hash_bytes(both, sizeof(both)) % (unsigned)pl->n_workers);
}

/*
 * SIP goes by its Call-ID; the media its SDP announces is noted as going
 * the same way (the analyzer learns the same endpoints from the same SDP).
 */
static int
route_sip(struct pipeline *pl, const struct pkt_meta *meta)
{
	struct sip_msg msg;
	struct sdp_session sdp;
	enum dissect_result r;
	int w;
	size_t i;

	if (sip_parse(meta->payload, meta->payload_len, &msg) != DISSECT_OK ||
	    msg.call_id.len == 0)
		return route_by_flow(pl, meta);
	w = (int)(hash_bytes(msg.call_id.p, msg.call_id.len) %
	    (unsigned)pl->n_workers);
	if (msg.sdp.len == 0 || msg.sdp_truncated)
		return w;
	r = sdp_parse(msg.sdp.p, msg.sdp.len, &sdp);
	if (r != DISSECT_OK && r != DISSECT_UNSUPPORTED)
		return w;
	for (i = 0; i < sdp.n_media; i++) {
		const struct sdp_media *sm = &sdp.media[i];
		struct vq_endpoint rtcp;

		if (sm->rtp.port == 0 || sm->rtp.addr.family == 0)
			continue;
		routes_learn(pl->routes, &sm->rtp, msg.call_id.p,
		    msg.call_id.len, w, pl->now_us);
		/* RTCP elsewhere than the next port, as a=rtcp may say. */
		if (sm->rtcp_attr && sm->rtcp_port != 0) {
			rtcp.addr = sm->rtcp_addr.family != 0 ? sm->rtcp_addr :
			    sm->rtp.addr;
			rtcp.port = sm->rtcp_port;
			routes_learn(pl->routes, &rtcp, msg.call_id.p,
			    msg.call_id.len, w, pl->now_us);
		}
	}
	return w;
}

/* The worker that analyses this payload. */
static int
route(struct pipeline *pl, const struct pkt_meta *meta)
{
	int w;

	if (pl->n_workers == 1)
		return 0;
	if (meta->ip_proto == DECODE_IPPROTO_TCP ||
	    sip_looks_like(meta->payload, meta->payload_len))
		return route_sip(pl, meta);
	/* RTP to or from an SDP endpoint, RTCP on the port after it. */
	if ((w = route_find(pl, &meta->dst, 0)) >= 0 ||
	    (w = route_find(pl, &meta->src, 0)) >= 0 ||
	    (w = route_find(pl, &meta->dst, 1)) >= 0 ||
	    (w = route_find(pl, &meta->src, 1)) >= 0)
		return w;
	return route_by_flow(pl, meta);
}

/*
 * Room for a record in a worker's ring.  Reading a file, wait for it;
 * live, give up after a few tries and return NULL (a probe drop).
 */
static void *
ring_room(struct ring *ring, size_t len, int may_drop)
{
	unsigned idle = 0;
	void *p;

	while ((p = ring_reserve(ring, len)) == NULL) {
		if (may_drop && idle >= 8)
			return NULL;
		idle_wait(&idle);
	}
	return p;
}

/* A record the worker's full ring had no room for: a probe drop. */
static void
count_drop(struct worker *w)
{
	/*
	 * Relaxed: the only writer is the capture thread; the aggregator
	 * reads the count for display and after the join.
	 */
	atomic_store_explicit(&w->drops, atomic_load_explicit(&w->drops,
	    memory_order_relaxed) + 1, memory_order_relaxed);
}

/*
 * Queue n bytes from `from` (the payload, or the IP packet around it when
 * ip_len says so) with its metadata, as a record of type for worker w; a
 * full ring on a live capture is a probe drop.
 */
static void
queue_record(struct pipeline *pl, struct worker *w, uint32_t type,
    const struct pkt_meta *meta, const uint8_t *from, size_t n,
    uint32_t ip_len)
{
	struct wire_payload *rec;

	if ((rec = ring_room(w->in, sizeof(*rec) + n, pl->live)) == NULL) {
		count_drop(w);
		return;
	}
	rec->frame_order = pl->frames;
	rec->meta = *meta;
	/* Pointers into the frame mean nothing to the worker: offsets. */
	rec->meta.payload = NULL;
	rec->meta.ip = NULL;
	rec->meta.ip_caplen = ip_len;
	memcpy(rec + 1, from, n);
	ring_commit(w->in, type);
}

/* One payload out of the decoder: copy it to its worker's ring. */
static void
on_payload(void *arg, const struct pkt_meta *meta)
{
	struct pipeline *pl = arg;
	struct worker *w = &pl->workers[route(pl, meta)];
	const uint8_t *from = meta->payload;
	size_t n = meta->payload_len;
	uint32_t ip_len = 0;

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
	if (sizeof(struct wire_payload) + n > ring_max_record(w->in)) {
		/* Bigger than any SIP message the reassembler makes. */
		pl->truncated[PROTO_UDP]++;
		return;
	}
	queue_record(pl, w, MSG_PAYLOAD, meta, from, n, ip_len);
}

/*
 * An IP packet nothing was delivered of (TCP that is not SIP, ...): to a
 * worker by its flow, for the application counts.  The first bytes are
 * enough for nDPI, which looks at a flow's first packets' starts.
 */
#define OTHER_MAX_BYTES	1600

static void
send_other(struct pipeline *pl, const struct pkt_meta *meta)
{
	uint32_t n = meta->ip_caplen < OTHER_MAX_BYTES ? meta->ip_caplen :
	    OTHER_MAX_BYTES;

	queue_record(pl, &pl->workers[route_by_flow(pl, meta)], MSG_OTHER,
	    meta, meta->ip, n, n);
}

static uint64_t probe_drops(struct pipeline *);

/* The capture thread's totals, with the kernel's drops as given. */
static void
capture_totals(struct pipeline *pl, int64_t kernel_drops,
    struct snap_counters *c)
{
	struct decode_stats ds;
	int i;

	memset(c, 0, sizeof(*c));
	c->packets = pl->frames;
	c->bytes = pl->bytes;
	c->kernel_drops = kernel_drops;
	c->probe_drops = probe_drops(pl);
	for (i = 0; i < PROTO_COUNT; i++) {
		c->truncated += pl->truncated[i];
		c->malformed += pl->malformed[i];
	}
	decode_ctx_stats(pl->decode, &ds);
	c->ip_fragments_dropped = ipfrag_dropped(&ds);
	c->tcp_bytes_dropped = ds.tcp.bytes_dropped;
	c->media_routes_evicted = routes_evicted(pl->routes);
}

/* Tell every worker what time it is, and publish the figures. */
static void
tick(struct pipeline *pl, int64_t now_us)
{
	struct wire_tick *t, now;
	int i;

	now.now_us = now_us;
	capture_totals(pl, capture_kernel_drops(pl->cap), &now.totals);
	pl->marked_frames = pl->frames;
	for (i = 0; i < pl->n_workers; i++) {
		/*
		 * Never dropped: every worker must see every tick, so that
		 * all report the same metrics intervals.  A tick is tiny and
		 * waits only when the ring is full, when payloads are being
		 * dropped already.
		 */
		t = ring_room(pl->workers[i].in, sizeof(*t), 0);
		*t = now;
		ring_commit(pl->workers[i].in, MSG_TICK);
	}
	routes_sweep(pl->routes, now_us, ROUTE_IDLE_US);
	/* Relaxed: display figures, each on its own (see struct pipeline). */
	atomic_store_explicit(&pl->pub_packets, pl->frames,
	    memory_order_relaxed);
	atomic_store_explicit(&pl->pub_bytes, pl->bytes, memory_order_relaxed);
	atomic_store_explicit(&pl->pub_now_us, now_us, memory_order_relaxed);
	atomic_store_explicit(&pl->pub_kernel_drops, now.totals.kernel_drops,
	    memory_order_relaxed);
}

/*
 * Tell the workers how far the capture has read, as a tick does.  Reading
 * a file, as payloads do, wait for room: a worker that missed a mark
 * would hold every worker's results back to its last one.  Live, a mark
 * only hurries results along: a worker whose ring is full skips it.
 */
static void
mark(struct pipeline *pl)
{
	uint64_t *m;
	int i;

	pl->marked_frames = pl->frames;
	for (i = 0; i < pl->n_workers; i++)
		if ((m = ring_room(pl->workers[i].in, sizeof(*m),
		    pl->live)) != NULL) {
			*m = pl->frames;
			ring_commit(pl->workers[i].in, MSG_MARK);
		}
}

/* Capture time moved to now_us: tick once per TICK_US crossed. */
static void
advance(struct pipeline *pl, int64_t now_us)
{
	if (now_us > pl->now_us)
		pl->now_us = now_us;
	if (pl->next_tick_us == 0)
		pl->next_tick_us = (pl->now_us / TICK_US + 1) * TICK_US;
	if (pl->now_us >= pl->next_tick_us) {
		tick(pl, pl->now_us);
		pl->next_tick_us = (pl->now_us / TICK_US + 1) * TICK_US;
	}
}

/* --realtime: hold a frame back until its time has come. */
static void
pace(struct pipeline *pl, int64_t ts_us)
{
	int64_t due, now;

	if (pl->pace_wall_us == 0) {
		pl->pace_first_us = ts_us;
		pl->pace_wall_us = mono_us();
		return;
	}
	due = pl->pace_wall_us + (ts_us - pl->pace_first_us);
	while (!stopping(pl) && (now = mono_us()) < due)
		sleep_us(due - now > 100000 ? 100000 : due - now);
}

static void
on_frame(void *arg, int64_t ts_us, uint32_t caplen, uint32_t wirelen,
    const uint8_t *data)
{
	struct pipeline *pl = arg;
	struct pkt_meta meta;
	enum dissect_result r;

	if (pl->cfg.realtime && !pl->live)
		pace(pl, ts_us);
	if (pl->cfg.snaplen != 0 && caplen > pl->cfg.snaplen)
		caplen = pl->cfg.snaplen;
	pl->frames++;
	pl->bytes += wirelen;
	advance(pl, ts_us);
	if (pl->reorder != NULL && pl->frames - pl->marked_frames >= MARK_FRAMES)
		mark(pl);
	memset(&meta, 0, sizeof(meta));
	meta.ts_us = ts_us;
	meta.caplen = caplen;
	meta.wirelen = wirelen;
	r = decode_frame(pl->decode, pl->linktype, data, caplen, &meta,
	    on_payload, pl);
	if (r == DISSECT_UNSUPPORTED && meta.ip != NULL &&
	    pl->cfg.analysis.dpi)
		send_other(pl, &meta);
	if (r == DISSECT_TRUNCATED)
		pl->truncated[meta.fail_proto]++;
	else if (r == DISSECT_MALFORMED)
		pl->malformed[meta.fail_proto]++;
}

/* Between batches: stop when asked; keep time going on a quiet link. */
static int
on_poll(void *arg)
{
	struct pipeline *pl = arg;
	struct timespec ts;

	if (stopping(pl))
		return 1;
	if (pl->live) {
		/* Packet times are the system clock too: ticks go on. */
		clock_gettime(CLOCK_REALTIME, &ts);
		advance(pl, (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
	}
	return 0;
}

static void *
capture_main(void *arg)
{
	struct pipeline *pl = arg;
	int i;

	pl->capture_status = capture_run(pl->cap, on_frame, on_poll, pl,
	    &pl->capture_cause);
	/* Fragments and TCP data still held can no longer complete. */
	decode_ctx_expire(pl->decode, INT64_MAX);
	tick(pl, pl->now_us);
	for (i = 0; i < pl->n_workers; i++) {
		/* The end must get through, even live: wait for room. */
		ring_room(pl->workers[i].in, 0, 0);
		ring_commit(pl->workers[i].in, MSG_END);
	}
	return NULL;
}

/* ---- The workers ---- */

/* Hand a heap object to the aggregator; waits for room (rarely needed). */
static void
worker_send(struct worker *w, uint32_t type, void *obj)
{
	void **slot = ring_room(w->out, sizeof(obj), 0);

	*slot = obj;
	ring_commit(w->out, type);
}

/* The analyzer ended a call or a stream: on to the aggregator. */
static void
worker_emit(void *arg, struct snapshot *part)
{
	worker_send(arg, OUT_PART, part);
}

/*
 * The worker's watermarks after a tick or a mark: what its analyzer holds,
 * and what the frames still to come may bring (numbered from the bound
 * on).  Every tick and mark, not every metrics interval: what the reorder
 * must hold back is what comes between two of them.
 */
static void
worker_watermarks(struct worker *w)
{
	struct wire_watermarks *wm;
	uint64_t calls, streams;

	analyzer_held_orders(w->analyzer, &calls, &streams);
	wm = ring_room(w->out, sizeof(*wm), 0);
	wm->calls = calls < w->frames_bound ? calls : w->frames_bound;
	wm->streams = streams < w->frames_bound ? streams : w->frames_bound;
	ring_commit(w->out, OUT_WATERMARKS);
}

/* A metrics interval, with the capture's totals of the tick that ended it. */
static void
worker_interval(void *arg, struct snap_interval *iv)
{
	struct worker *w = arg;

	iv->capture = w->last_tick.totals;
	worker_send(w, OUT_INTERVAL, iv);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct snapshot *snap;
	const void *p;
	size_t len;
	uint32_t type;
	unsigned idle = 0;

	int64_t now_us = 0, published_us = 0;

	analyzer_set_emit(w->analyzer, worker_emit, worker_interval, w);
	for (;;) {
		if ((p = ring_peek(w->in, &len, &type)) == NULL) {
			idle_wait(&idle);
			continue;
		}
		idle = 0;
		if (type == MSG_PAYLOAD) {
			const struct wire_payload *rec = p;
			struct pkt_meta meta = rec->meta;
			const uint8_t *bytes = (const uint8_t *)(rec + 1);

			/* The IP packet, when it came along, ends in the payload. */
			if (meta.ip_caplen > 0)
				meta.ip = bytes;
			meta.payload = bytes + (len - sizeof(*rec) -
			    meta.payload_len);
			analyzer_payload(w->analyzer, &meta, rec->frame_order);
		} else if (type == MSG_OTHER) {
			const struct wire_payload *rec = p;
			struct pkt_meta meta = rec->meta;

			meta.ip = (const uint8_t *)(rec + 1);
			analyzer_other(w->analyzer, &meta);
		} else if (type == MSG_TICK) {
			const struct wire_tick *t = p;

			now_us = t->now_us;
			w->last_tick = *t;
			w->frames_bound = t->totals.packets;
			analyzer_tick(w->analyzer, now_us);
			/*
			 * Set before the threads started, so read without
			 * a fence: pthread_create orders it.
			 */
			if (w->pl->reorder != NULL)
				worker_watermarks(w);
			/* Once a second of the clock is plenty for a view. */
			if (w->pl->cfg.live_view &&
			    mono_us() - published_us >= 1000000) {
				snap = xcalloc(1, sizeof(*snap));
				analyzer_snapshot(w->analyzer, snap);
				worker_send(w, OUT_LIVE, snap);
				published_us = mono_us();
			}
		} else if (type == MSG_MARK) {
			memcpy(&w->frames_bound, p, sizeof(w->frames_bound));
			analyzer_settle(w->analyzer);
			/* Marks are sent only when there is a reorder. */
			worker_watermarks(w);
		} else if (type == MSG_END) {
			ring_release(w->in);
			break;
		}
		ring_release(w->in);
	}
	analyzer_finish(w->analyzer);
	analyzer_flush(w->analyzer, now_us);
	snap = xcalloc(1, sizeof(*snap));
	analyzer_snapshot(w->analyzer, snap);
	worker_send(w, OUT_FINAL, snap);
	return NULL;
}

/* ---- The aggregator ---- */

/* Every worker has reported the oldest interval: hand its sums on. */
static void
interval_complete(struct pipeline *pl)
{
	struct pipeline_progress pr;
	const struct snap_interval *sum = &pl->sums[0].sum;
	int i;

	pr.capture_us = sum->end_us;
	pr.capture = sum->capture;
	for (i = 0; i < pl->n_sinks; i++)
		if (pl->sinks[i].interval != NULL)
			pl->sinks[i].interval(pl->sinks[i].arg, sum, &pr);
	free(pl->sums[0].sum.apps);
	memmove(pl->sums, pl->sums + 1, (pl->n_sums - 1) * sizeof(*pl->sums));
	pl->n_sums--;
	for (i = 0; i < pl->n_workers; i++)
		pl->reports_seen[i]--;
}

/* Add application counts to a list of them, by name. */
static void
apps_add(struct snap_app **list, size_t *n, const struct snap_app *add,
    size_t n_add)
{
	size_t i, k;

	for (i = 0; i < n_add; i++) {
		for (k = 0; k < *n; k++)
			if (strcmp((*list)[k].name, add[i].name) == 0)
				break;
		if (k == *n) {
			*list = xreallocarray(*list, *n + 1, sizeof(**list));
			memset(&(*list)[k], 0, sizeof(**list));
			memcpy((*list)[k].name, add[i].name,
			    sizeof((*list)[k].name));
			(*n)++;
		}
		(*list)[k].flows += add[i].flows;
		(*list)[k].packets += add[i].packets;
		(*list)[k].bytes += add[i].bytes;
	}
}

/* Worker w reports a metrics interval. */
static void
interval_add(struct pipeline *pl, int w, struct snap_interval *iv)
{
	struct interval_sum *is;
	size_t k = pl->reports_seen[w]++, m, c;
	int j;

	for (j = 0; iv->n_streams > 0 && j < pl->n_sinks; j++)
		if (pl->sinks[j].streams != NULL)
			pl->sinks[j].streams(pl->sinks[j].arg, iv->streams,
			    iv->n_streams);
	if (k == pl->n_sums) {
		if (pl->n_sums == pl->cap_sums) {
			pl->cap_sums = pl->cap_sums ? pl->cap_sums * 2 : 8;
			pl->sums = xreallocarray(pl->sums, pl->cap_sums,
			    sizeof(*pl->sums));
		}
		memset(&pl->sums[pl->n_sums++], 0, sizeof(*pl->sums));
	}
	is = &pl->sums[k];
	is->sum.end_us = iv->end_us;
	for (m = 0; m < SNAP_SIP_METHODS; m++) {
		is->sum.sip_requests[m] += iv->sip_requests[m];
		for (c = 0; c < 6; c++)
			is->sum.sip_responses[m][c] += iv->sip_responses[m][c];
	}
	is->sum.active_calls += iv->active_calls;
	is->sum.active_streams += iv->active_streams;
	/* The same tick's totals reach every worker: any one will do. */
	is->sum.capture = iv->capture;
	is->sum.truncated += iv->truncated;
	is->sum.malformed += iv->malformed;
	is->sum.calls_evicted += iv->calls_evicted;
	is->sum.streams_evicted += iv->streams_evicted;
	is->sum.candidates_dropped += iv->candidates_dropped;
	apps_add(&is->sum.apps, &is->sum.n_apps, iv->apps, iv->n_apps);
	apps_add(&pl->apps, &pl->n_apps, iv->apps, iv->n_apps);
	free(iv->apps);
	is->reports++;
	free(iv->streams);
	free(iv);
	while (pl->n_sums > 0 && pl->sums[0].reports == pl->n_workers)
		interval_complete(pl);
}

/* The reorder hands a stream on: to every sink that wants them. */
static void
ordered_stream(void *arg, const struct snap_stream *s, const char *call_id,
    uint64_t call_order)
{
	struct pipeline *pl = arg;
	int k;

	for (k = 0; k < pl->n_sinks; k++)
		if (pl->sinks[k].stream_done != NULL)
			pl->sinks[k].stream_done(pl->sinks[k].arg, s, call_id,
			    call_order);
}

/* The reorder hands a call on. */
static void
ordered_call(void *arg, const struct snap_call *c, const unsigned *ids,
    size_t n)
{
	struct pipeline *pl = arg;
	int k;

	for (k = 0; k < pl->n_sinks; k++)
		if (pl->sinks[k].call_done != NULL)
			pl->sinks[k].call_done(pl->sinks[k].arg, c, ids, n);
}

/* Worker w sent a part (final: all it still held, its last word). */
static void
part_add(struct pipeline *pl, int w, struct snapshot *part, int final)
{
	int k;

	for (k = 0; k < pl->n_sinks; k++)
		if (pl->sinks[k].part != NULL)
			pl->sinks[k].part(pl->sinks[k].arg, part, final);
	merge_capture(&pl->analysed, &part->capture);
	if (pl->reorder != NULL) {
		reorder_part(pl->reorder, part, final);
		if (final)
			reorder_watermarks(pl->reorder, w, UINT64_MAX,
			    UINT64_MAX);
	}
	if (final)
		pl->n_finals++;
	if (!pl->cfg.keep_results) {
		snapshot_release(part);
		free(part);
		return;
	}
	if (pl->n_parts == pl->cap_parts) {
		pl->cap_parts = pl->cap_parts ? pl->cap_parts * 2 : 256;
		pl->parts = xreallocarray(pl->parts, pl->cap_parts,
		    sizeof(*pl->parts));
	}
	/*
	 * Kept in arrival order: a worker's pieces come in the order it made
	 * them, its final one last, so the latest version of a call is the
	 * last one here.
	 */
	pl->parts[pl->n_parts++] = *part;
	free(part);
}

/* Take what the workers sent; returns how many records. */
static int
gather(struct pipeline *pl)
{
	const void *p;
	size_t len;
	uint32_t type;
	int i, n = 0;

	for (i = 0; i < pl->n_workers; i++)
		while ((p = ring_peek(pl->workers[i].out, &len, &type)) !=
		    NULL) {
			void *obj;

			n++;
			if (type == OUT_WATERMARKS) {
				struct wire_watermarks wm;

				memcpy(&wm, p, sizeof(wm));
				ring_release(pl->workers[i].out);
				/*
				 * The ring is first in, first out: every part
				 * w sent before these has been taken.
				 */
				reorder_watermarks(pl->reorder, i, wm.calls,
				    wm.streams);
				continue;
			}
			obj = *(void *const *)p;
			ring_release(pl->workers[i].out);
			if (type == OUT_INTERVAL) {
				interval_add(pl, i, obj);
				continue;
			}
			if (type == OUT_LIVE) {
				snapshot_release(&pl->lives[i]);
				pl->lives[i] = *(struct snapshot *)obj;
				free(obj);
				continue;
			}
			part_add(pl, i, obj, type == OUT_FINAL);
		}
	return n;
}

static uint64_t
probe_drops(struct pipeline *pl)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < pl->n_workers; i++)
		/* Relaxed: a count on its own (see on_payload). */
		n += atomic_load_explicit(&pl->workers[i].drops,
		    memory_order_relaxed);
	return n;
}

static int
app_cmp(const void *a, const void *b)
{
	const struct snap_app *x = a, *y = b;

	/* Most bytes first; by name among equals, so the order is stable. */
	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * The run's applications into a snapshot, most bytes first (so that every
 * reader shows them in one order), or none when classification is off.
 */
static void
copy_apps(struct pipeline *pl, struct snapshot *out)
{
	if (!pl->cfg.analysis.dpi)
		return;
	out->apps = xcalloc(pl->n_apps ? pl->n_apps : 1, sizeof(*out->apps));
	if (pl->n_apps > 0)
		memcpy(out->apps, pl->apps, pl->n_apps * sizeof(*out->apps));
	out->n_apps = pl->n_apps;
	qsort(out->apps, out->n_apps, sizeof(*out->apps), app_cmp);
}

/* The capture's figures so far. */
static void
progress_now(struct pipeline *pl, struct pipeline_progress *pr)
{
	memset(pr, 0, sizeof(*pr));
	/* Relaxed: display figures (see struct pipeline). */
	pr->capture_us = atomic_load_explicit(&pl->pub_now_us,
	    memory_order_relaxed);
	pr->capture.packets = atomic_load_explicit(&pl->pub_packets,
	    memory_order_relaxed);
	pr->capture.bytes = atomic_load_explicit(&pl->pub_bytes,
	    memory_order_relaxed);
	pr->capture.kernel_drops = atomic_load_explicit(&pl->pub_kernel_drops,
	    memory_order_relaxed);
	pr->capture.probe_drops = probe_drops(pl);
}

void
pipeline_view(struct pipeline *pl, struct snapshot *out,
    struct pipeline_progress *pr)
{
	struct snapshot *all;
	size_t n = pl->n_parts;
	int i;

	/* Shallow copies: the merge makes its own of what they point to. */
	all = xcalloc(n + (size_t)pl->n_workers, sizeof(*all));
	if (n > 0)
		memcpy(all, pl->parts, n * sizeof(*all));
	for (i = 0; i < pl->n_workers; i++)
		all[n++] = pl->lives[i];
	merge_snapshots(out, all, n);
	free(all);
	copy_apps(pl, out);
	progress_now(pl, pr);
	out->capture.packets = pr->capture.packets;
	out->capture.bytes = pr->capture.bytes;
	out->capture.kernel_drops = pr->capture.kernel_drops;
	out->capture.probe_drops = pr->capture.probe_drops;
}

/*
 * Whether the calls in parts must carry their SIP messages: for the
 * evidence pages, and for the terminal view, which keeps every part.
 */
static int
parts_want_msgs(const struct pipeline *pl)
{
	int i;

	if (pl->cfg.keep_results)
		return 1;
	for (i = 0; i < pl->n_sinks; i++)
		if (pl->sinks[i].wants_msgs)
			return 1;
	return 0;
}

int
pipeline_run(struct pipeline *pl, pipeline_poll_fn *poll, void *arg,
    char **cause)
{
	int64_t last_poll = 0, now;
	sigset_t block, old;
	unsigned idle = 0;
	int i, msgs;

	for (i = 0; i < pl->n_sinks; i++)
		if (pl->sinks[i].stream_done != NULL ||
		    pl->sinks[i].call_done != NULL) {
			struct reorder_out out = { ordered_stream,
			    ordered_call, pl };

			pl->reorder = reorder_new(pl->n_workers, &out);
			break;
		}
	/*
	 * The threads started here take no signals: they come to this one,
	 * whose handler calls pipeline_stop.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	msgs = parts_want_msgs(pl);
	for (i = 0; i < pl->n_workers; i++) {
		analyzer_set_part_msgs(pl->workers[i].analyzer, msgs);
		if (pthread_create(&pl->workers[i].thread, NULL, worker_main,
		    &pl->workers[i]) != 0)
			fatal("cannot start a worker thread");
	}
	if (pthread_create(&pl->capture_thread, NULL, capture_main, pl) != 0)
		fatal("cannot start the capture thread");
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	while (pl->n_finals < (size_t)pl->n_workers) {
		if (gather(pl) > 0)
			idle = 0;
		else
			idle_wait(&idle);
		if (poll != NULL && (now = mono_us()) - last_poll >= 100000) {
			poll(arg);
			last_poll = now;
		}
	}
	if (pl->reorder != NULL)
		reorder_finish(pl->reorder);
	pthread_join(pl->capture_thread, NULL);
	for (i = 0; i < pl->n_workers; i++)
		pthread_join(pl->workers[i].thread, NULL);
	pl->final_kernel_drops = capture_kernel_drops(pl->cap);
	if (pl->capture_status != 0) {
		*cause = pl->capture_cause;
		pl->capture_cause = NULL;
		return -1;
	}
	return 0;
}

void
pipeline_totals(struct pipeline *pl, struct snap_counters *c)
{
	capture_totals(pl, pl->final_kernel_drops, c);
}

/*
 * The capture thread's figures into the report's (after the join: no one
 * else writes them); its truncated and malformed counts by protocol.
 */
static void
capture_figures(struct pipeline *pl, struct snap_capture *c)
{
	struct snap_counters t;
	struct decode_stats ds;

	pipeline_totals(pl, &t);
	c->packets = t.packets;
	c->bytes = t.bytes;
	c->kernel_drops = t.kernel_drops;
	c->probe_drops = t.probe_drops;
	analyzer_errors_add(c, pl->truncated, pl->malformed);
	decode_ctx_stats(pl->decode, &ds);
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
}

void
pipeline_snapshot(struct pipeline *pl, struct snapshot *out)
{
	/*
	 * The calls and streams kept (none without keep_results), and the
	 * counters of every part, kept or not.
	 */
	merge_snapshots(out, pl->parts, pl->n_parts);
	out->capture = pl->analysed;
	capture_figures(pl, &out->capture);
	copy_apps(pl, out);
}
