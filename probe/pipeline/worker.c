/*
 * A worker (see worker.h): it takes the capture thread's records in
 * order, feeds its analyzer, and hands what the analyzer ends, the
 * metrics intervals and, at the end, all it still holds to the aggregator
 * as heap objects whose pointers travel over the ring.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/pipeline/wire.h"
#include "probe/pipeline/worker.h"
#include "probe/vqprobe.h"

/*
 * The longest a worker with nothing to do sleeps before it looks again:
 * the capture thread wakes it, so this only bounds a wake that came late.
 */
#define WORKER_MAX_SLEEP_US	50000

/*
 * The records looked at ahead of their turn, oldest first (a power of two
 * over ANALYZER_PREFETCH_AHEAD), each with what looking ahead learnt of
 * it so far.
 */
#define WORKER_AHEAD_SLOTS	8

struct worker_ahead {
	const void	*rec;
	uint32_t	 type;
	struct flow_hint hint;
};

struct worker {
	pthread_t	 thread;
	struct ring	*in;		/* from the capture thread */
	struct ring	*out;		/* to the aggregator */
	struct ring_bell *bell;		/* rung when in has records */
	struct analyzer	*analyzer;
	int		 live_view;
	int		 watermarks;	/* set before the start */
	struct wire_tick last_tick;	/* the worker's own copy */
	uint64_t	 frames_bound;	/* later payloads' frames are >= */
	struct worker_ahead ahead[WORKER_AHEAD_SLOTS];
	unsigned	 ahead_first;	/* the oldest */
	unsigned	 ahead_n;
	size_t		 ahead_at;	/* ring_peek_ahead's, past the newest */
	struct flow_hint hint;		/* the record in hand's */
};

struct worker *
worker_new(const struct analyzer_config *cfg, struct ring *in,
    struct ring *out, int live_view)
{
	struct worker *w = xcalloc(1, sizeof(*w));

	w->in = in;
	w->out = out;
	w->live_view = live_view;
	w->analyzer = analyzer_new(cfg);
	if ((w->bell = ring_bell_new()) == NULL)
		fatal("out of memory");
	ring_set_bell(in, w->bell);
	return w;
}

void
worker_free(struct worker *w)
{
	if (w == NULL)
		return;
	analyzer_free(w->analyzer);
	ring_bell_free(w->bell);
	free(w);
}

/* Hand a heap object to the aggregator; waits for room (rarely needed). */
static void
worker_send(struct worker *w, uint32_t type, void *obj)
{
	void **slot = ring_reserve_wait(w->out, sizeof(obj), 0);

	*slot = obj;
	ring_commit(w->out, type);
}

/* The analyzer ended a call or a stream: on to the aggregator. */
static void
worker_emit(void *arg, struct snapshot *part)
{
	worker_send(arg, WIRE_PART, part);
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
	wm = ring_reserve_wait(w->out, sizeof(*wm), 0);
	wm->calls = calls < w->frames_bound ? calls : w->frames_bound;
	wm->streams = streams < w->frames_bound ? streams : w->frames_bound;
	ring_commit(w->out, WIRE_WATERMARKS);
}

/* A metrics interval, with the capture's totals of the tick that ended it. */
static void
worker_interval(void *arg, struct snap_interval *iv)
{
	struct worker *w = arg;

	iv->capture = w->last_tick.totals;
	worker_send(w, WIRE_INTERVAL, iv);
}

/*
 * Looking ahead in the ring while a packet is analysed: each of the next
 * ANALYZER_PREFETCH_AHEAD records takes its next step towards having its
 * state in the cache (analyzer_prefetch).  At hundreds of streams and
 * more a packet's state is cold; loaded this way its misses overlap the
 * work on the packets before it instead of stalling in turn.  (The
 * records themselves are read in order, which the processor's own
 * prefetcher follows.)  The records looked at stay in w->ahead with
 * their hints, so that each is found in the ring once and its flow hashed
 * once; p is the record in hand, and what was learnt of it is returned
 * (NULL: it came before it could be looked at).
 */
static const struct flow_hint *
worker_prefetch(struct worker *w, const void *p)
{
	const unsigned mask = WORKER_AHEAD_SLOTS - 1;
	const struct flow_hint *hint = NULL;
	struct worker_ahead *e;
	size_t len;
	unsigned i;

	_Static_assert(WORKER_AHEAD_SLOTS >= ANALYZER_PREFETCH_AHEAD &&
	    (WORKER_AHEAD_SLOTS & (WORKER_AHEAD_SLOTS - 1)) == 0,
	    "room for the look-ahead, a power of two");
	e = &w->ahead[w->ahead_first];
	if (w->ahead_n > 0 && e->rec == p) {
		w->hint = e->hint;
		hint = &w->hint;
		w->ahead_first = (w->ahead_first + 1) & mask;
		w->ahead_n--;
	} else {
		/* Nothing was ahead of it: start after it. */
		w->ahead_n = 0;
		w->ahead_at = 0;
	}
	while (w->ahead_n < ANALYZER_PREFETCH_AHEAD) {
		e = &w->ahead[(w->ahead_first + w->ahead_n) & mask];
		if ((e->rec = ring_peek_ahead(w->in, &w->ahead_at, &len,
		    &e->type)) == NULL)
			break;
		memset(&e->hint, 0, sizeof(e->hint));
		w->ahead_n++;
	}
	for (i = 0; i < w->ahead_n; i++) {
		e = &w->ahead[(w->ahead_first + i) & mask];
		if (e->type == WIRE_PAYLOAD && e->hint.step < 3)
			analyzer_prefetch(w->analyzer,
			    &((const struct wire_payload *)e->rec)->meta,
			    &e->hint, i + 1);
	}
	return hint;
}

/* The thread: records until the end, then all the analyzer still holds. */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct snapshot *snap;
	const void *p;
	const struct flow_hint *hint;
	size_t len;
	uint32_t type;
	unsigned idle = 0;
	int more;
	int64_t now_us = 0, published_us = 0;

	analyzer_set_emit(w->analyzer, worker_emit, worker_interval, w);
	for (;;) {
		if ((p = ring_peek(w->in, &len, &type)) == NULL) {
			/* What it sent must not wait while it sleeps. */
			ring_flush(w->out);
			ring_wait(w->bell, &w->in, 1, &idle, WORKER_MAX_SLEEP_US);
			continue;
		}
		idle = 0;
		hint = worker_prefetch(w, p);
		/* The capture thread pointed the metadata at the bytes. */
		if (type == WIRE_PAYLOAD) {
			const struct wire_payload *rec = p;

			analyzer_payload(w->analyzer, &rec->meta,
			    rec->frame_order, hint);
		} else if (type == WIRE_SIP) {
			const struct wire_sip *rec = p;

			analyzer_sip(w->analyzer, &rec->head.meta, &rec->msg,
			    rec->head.frame_order);
		} else if (type == WIRE_OTHER) {
			const struct wire_payload *rec = p;

			analyzer_other(w->analyzer, &rec->meta);
		} else if (type == WIRE_TICK) {
			const struct wire_tick *t = p;

			now_us = t->now_us;
			w->last_tick = *t;
			w->frames_bound = t->totals.packets;
			analyzer_tick(w->analyzer, now_us);
			if (w->watermarks)
				worker_watermarks(w);
			/* Once a second of the clock is plenty for a view. */
			if (w->live_view &&
			    mono_us() - published_us >= 1000000) {
				snap = xcalloc(1, sizeof(*snap));
				analyzer_snapshot(w->analyzer, snap);
				worker_send(w, WIRE_LIVE, snap);
				published_us = mono_us();
			}
		} else if (type == WIRE_MARK) {
			memcpy(&w->frames_bound, p, sizeof(w->frames_bound));
			analyzer_settle(w->analyzer);
			/* Marks are sent only when there is a reorder. */
			worker_watermarks(w);
		} else if (type == WIRE_END) {
			ring_release(w->in);
			break;
		}
		ring_release(w->in);
	}
	analyzer_finish(w->analyzer);
	analyzer_flush(w->analyzer, now_us);
	/*
	 * In pieces, each taken as soon as sent: the aggregator frees one
	 * while the next is made from the state the last one freed.
	 */
	/*
	 * No frame comes any more, so after each piece what the analyzer
	 * still holds is all it will ever report: its watermarks let the
	 * aggregator hand each piece on as it comes, rather than hold (and
	 * spill to disk) tens of thousands of results until the last.
	 */
	w->frames_bound = UINT64_MAX;
	do {
		snap = xcalloc(1, sizeof(*snap));
		more = analyzer_hand_over(w->analyzer, snap);
		worker_send(w, more ? WIRE_HELD : WIRE_FINAL, snap);
		if (more && w->watermarks)
			worker_watermarks(w);
		ring_flush(w->out);
	} while (more);
	return NULL;
}

void
worker_start(struct worker *w, int part_msgs, int interval_rows,
    int watermarks)
{
	analyzer_set_part_msgs(w->analyzer, part_msgs);
	analyzer_set_interval_rows(w->analyzer, interval_rows);
	/* Read by the thread without a fence: pthread_create orders it. */
	w->watermarks = watermarks;
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
		fatal("cannot start a worker thread");
}

void
worker_join(struct worker *w)
{
	pthread_join(w->thread, NULL);
}
