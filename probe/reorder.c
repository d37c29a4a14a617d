/*
 * Results back in capture order as the run goes (see reorder.h).
 *
 * Streams wait in a heap by order until the stream watermark passes them;
 * then they get their ids.  A call waits, by its order, until it has ended,
 * the call watermark has passed it and every stream of it has its id (its
 * streams end before it does, and in the same worker, so by the time its
 * end is seen they have all been seen).  What is held is what the
 * watermarks do not let out yet: the calls of about a tick (watermarks
 * come every second of capture time), and those that began before the
 * oldest call still up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "probe/reorder.h"
#include "probe/vqprobe.h"

/* What the heaps sort by: order, then arrival (as merge does, by part). */
struct heap_key {
	uint64_t	order;
	uint64_t	seq;
};

struct heap {
	struct heap_key	**v;
	size_t		  n;
	size_t		  cap;
};

struct pending_stream {
	struct heap_key	 key;		/* first: the heap sees only this */
	struct snap_stream s;
	int		 has_call;
	uint64_t	 call_order;
	char		 call_id[SNAP_TEXT_LEN];
};

struct pending_call {
	struct heap_key	 key;		/* first; in the heap once ended */
	struct snap_call call;		/* the latest version, no messages */
	int		 ended;
	size_t		 streams_pending;	/* seen, not yet handed on */
	unsigned	*ids;
	size_t		 n_ids;
	size_t		 cap_ids;
	UT_hash_handle	 hh;		/* by key.order */
};

struct reorder {
	struct reorder_out	 out;
	int			 n_workers;
	uint64_t		*call_wm;	/* per worker, the latest */
	uint64_t		*stream_wm;
	uint64_t		 call_below;	/* the lowest of them */
	uint64_t		 stream_below;
	struct heap		 streams;
	struct heap		 calls;		/* ended calls */
	struct pending_call	*by_order;	/* uthash head: every call held */
	uint64_t		 seq;
	unsigned		 next_id;
	int			 wrote_call;
	uint64_t		 last_call;	/* order of the latest handed on */
};

static int
key_less(const struct heap_key *a, const struct heap_key *b)
{
	if (a->order != b->order)
		return a->order < b->order;
	return a->seq < b->seq;
}

static void
heap_push(struct heap *h, struct heap_key *k)
{
	size_t i, up;

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->v = xreallocarray(h->v, h->cap, sizeof(*h->v));
	}
	for (i = h->n++; i > 0; i = up) {
		up = (i - 1) / 2;
		if (!key_less(k, h->v[up]))
			break;
		h->v[i] = h->v[up];
	}
	h->v[i] = k;
}

static struct heap_key *
heap_top(const struct heap *h)
{
	return h->n > 0 ? h->v[0] : NULL;
}

static struct heap_key *
heap_pop(struct heap *h)
{
	struct heap_key *top = h->v[0], *last = h->v[--h->n];
	size_t i = 0, child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= h->n)
			break;
		if (child + 1 < h->n && key_less(h->v[child + 1], h->v[child]))
			child++;
		if (!key_less(h->v[child], last))
			break;
		h->v[i] = h->v[child];
		i = child;
	}
	if (h->n > 0)
		h->v[i] = last;
	return top;
}

struct reorder *
reorder_new(int n_workers, const struct reorder_out *out)
{
	struct reorder *r = xcalloc(1, sizeof(*r));

	r->out = *out;
	r->n_workers = n_workers;
	/* Nothing goes out before every worker has said where it is. */
	r->call_wm = xcalloc((size_t)n_workers, sizeof(*r->call_wm));
	r->stream_wm = xcalloc((size_t)n_workers, sizeof(*r->stream_wm));
	return r;
}

void
reorder_free(struct reorder *r)
{
	struct pending_call *c, *tmp;
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->streams.n; i++)
		free(r->streams.v[i]);
	free(r->streams.v);
	free(r->calls.v);
	HASH_ITER(hh, r->by_order, c, tmp) {
		HASH_DEL(r->by_order, c);
		free(c->ids);
		free(c);
	}
	free(r->call_wm);
	free(r->stream_wm);
	free(r);
}

/*
 * The held call of this order, made if new; NULL for a call handed on
 * already (a copy arriving after its end: nothing left to do with it).
 */
static struct pending_call *
call_get(struct reorder *r, uint64_t order)
{
	struct pending_call *c;

	HASH_FIND(hh, r->by_order, &order, sizeof(order), c);
	if (c != NULL)
		return c;
	if (r->wrote_call && order <= r->last_call)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->key.order = order;
	c->key.seq = r->seq++;
	c->call.version = 0;
	HASH_ADD(hh, r->by_order, key.order, sizeof(c->key.order), c);
	return c;
}

/* A version of a call: the latest counts (the last, of equal versions). */
static void
call_note(struct reorder *r, const struct snap_call *in, int ended)
{
	struct pending_call *c = call_get(r, in->order);

	if (c == NULL)
		return;
	if (in->version >= c->call.version) {
		c->call = *in;
		c->call.msgs = NULL;
		c->call.n_msgs = 0;
	}
	if (ended && !c->ended) {
		c->ended = 1;
		heap_push(&r->calls, &c->key);
	}
}

static void
stream_note(struct reorder *r, const struct snapshot *part,
    const struct snap_stream *in)
{
	struct pending_stream *p = xcalloc(1, sizeof(*p));
	struct pending_call *c;

	p->key.order = in->order;
	p->key.seq = r->seq++;
	p->s = *in;
	p->s.points = NULL;
	p->s.n_points = 0;
	if (in->call != SNAP_NO_CALL && in->call < part->n_calls) {
		const struct snap_call *call = &part->calls[in->call];

		p->has_call = 1;
		p->call_order = call->order;
		memcpy(p->call_id, call->call_id, sizeof(p->call_id));
		if ((c = call_get(r, call->order)) != NULL)
			c->streams_pending++;
	}
	heap_push(&r->streams, &p->key);
}

/* Hand on what the watermarks let out. */
static void
flush(struct reorder *r)
{
	struct heap_key *k;
	struct pending_stream *p;
	struct pending_call *c;

	while ((k = heap_top(&r->streams)) != NULL &&
	    k->order < r->stream_below) {
		p = (struct pending_stream *)heap_pop(&r->streams);
		p->s.id = ++r->next_id;
		p->s.call = p->has_call ? 0 : SNAP_NO_CALL;
		r->out.stream(r->out.arg, &p->s, p->has_call ? p->call_id :
		    NULL, p->call_order);
		if (p->has_call) {
			HASH_FIND(hh, r->by_order, &p->call_order,
			    sizeof(p->call_order), c);
			if (c != NULL) {
				if (c->n_ids == c->cap_ids) {
					c->cap_ids = c->cap_ids ?
					    c->cap_ids * 2 : 2;
					c->ids = xreallocarray(c->ids,
					    c->cap_ids, sizeof(*c->ids));
				}
				c->ids[c->n_ids++] = p->s.id;
				c->streams_pending--;
			}
		}
		free(p);
	}
	while ((k = heap_top(&r->calls)) != NULL && k->order < r->call_below &&
	    ((struct pending_call *)k)->streams_pending == 0) {
		c = (struct pending_call *)heap_pop(&r->calls);
		r->out.call(r->out.arg, &c->call, c->ids, c->n_ids);
		r->wrote_call = 1;
		r->last_call = c->key.order;
		HASH_DEL(r->by_order, c);
		free(c->ids);
		free(c);
	}
}

void
reorder_part(struct reorder *r, const struct snapshot *part, int final)
{
	size_t i;

	/*
	 * A part with a call and no stream is the call's end; a part with a
	 * stream carries its call as it stood.  What a worker still held at
	 * the end is as ended as it will be.
	 */
	for (i = 0; i < part->n_calls; i++)
		call_note(r, &part->calls[i], final || part->n_streams == 0);
	for (i = 0; i < part->n_streams; i++)
		stream_note(r, part, &part->streams[i]);
	flush(r);
}

void
reorder_watermarks(struct reorder *r, int worker, uint64_t call_watermark,
    uint64_t stream_watermark)
{
	int i;

	r->call_wm[worker] = call_watermark;
	r->stream_wm[worker] = stream_watermark;
	r->call_below = r->stream_below = UINT64_MAX;
	for (i = 0; i < r->n_workers; i++) {
		if (r->call_wm[i] < r->call_below)
			r->call_below = r->call_wm[i];
		if (r->stream_wm[i] < r->stream_below)
			r->stream_below = r->stream_wm[i];
	}
	flush(r);
}

void
reorder_finish(struct reorder *r)
{
	struct pending_call *c, *tmp;
	int i;

	for (i = 0; i < r->n_workers; i++)
		r->call_wm[i] = r->stream_wm[i] = UINT64_MAX;
	r->call_below = r->stream_below = UINT64_MAX;
	/* Calls only ever seen with a stream of theirs: out as they are. */
	HASH_ITER(hh, r->by_order, c, tmp)
		if (!c->ended) {
			c->ended = 1;
			heap_push(&r->calls, &c->key);
		}
	flush(r);
}
