/*
 * Results back in capture order as the run goes (see reorder.h).
 *
 * Streams wait in a heap by order until the stream watermark passes them;
 * then they get their ids.  A call waits, by its order, until it has ended,
 * the call watermark has passed it and every stream of it has its id (its
 * streams end before it does, and in the same worker, so by the time its
 * end is seen they have all been seen).  What is held is what the
 * watermarks do not let out yet: the calls of a few thousand frames
 * (watermarks come every tick and every mark), and those that ended after
 * the oldest call still up began.
 *
 * That last can be a great many: one call that stays up for the two hours
 * of a session timer holds back every call that ends meanwhile, and its
 * streams every stream that began after them.  Past
 * REORDER_IN_MEMORY held results, the bulk of each (the call or stream as
 * reported, about a kilobyte) goes to a spill file, and only its place in
 * the order and in the file stays in memory.  The file is emptied whenever
 * nothing in it is held any more.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <uthash.h>

#include "probe/pipeline/reorder.h"
#include "probe/pipeline/spill.h"
#include "probe/vqprobe.h"

/*
 * Results held with their bulk in memory; past that, it goes to disk.
 * The bulk is about a kilobyte, so this is what a worker falling behind
 * for a moment costs at most: 2 MB.
 */
#define REORDER_IN_MEMORY	2048

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

/* A stream as it will be handed on. */
struct stream_body {
	struct snap_stream s;
	char		 call_id[SNAP_TEXT_LEN];
};

struct pending_stream {
	struct heap_key	 key;		/* first: the heap sees only this */
	int		 has_call;
	uint64_t	 call_order;
	struct stream_body *body;	/* NULL: in the spill file, at off */
	off_t		 off;
};

struct pending_call {
	struct heap_key	 key;		/* first; in the heap once ended */
	struct snap_call *call;		/* the latest version, no messages;
					   NULL: in the spill file, at off */
	off_t		 off;
	uint64_t	 version;	/* of that latest version (0: none) */
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
	size_t			 in_memory;	/* held bodies not spilled */
	FILE			*spill;		/* NULL: none (yet, or could not) */
	off_t			 spill_end;
	size_t			 spilled;	/* held bodies in the file */
	int			 spill_failed;	/* say so once, then keep all */
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
	for (i = 0; i < r->streams.n; i++) {
		free(((struct pending_stream *)r->streams.v[i])->body);
		free(r->streams.v[i]);
	}
	free(r->streams.v);
	free(r->calls.v);
	HASH_ITER(hh, r->by_order, c, tmp) {
		HASH_DEL(r->by_order, c);
		free(c->call);
		free(c->ids);
		free(c);
	}
	if (r->spill != NULL)
		fclose(r->spill);
	free(r->call_wm);
	free(r->stream_wm);
	free(r);
}

/*
 * Write len bytes of a held result to the spill file: its offset, or -1
 * (then it stays in memory; the first failure is logged, and no more
 * tries are made).
 */
static off_t
spill_put(struct reorder *r, const void *p, size_t len)
{
	char *cause = NULL;
	off_t off;
	ssize_t n;

	if (r->spill_failed)
		return -1;
	if (r->spill == NULL &&
	    (r->spill = spill_open(NULL, &cause)) == NULL) {
		warnx_vq("results held for ordering stay in memory: %s", cause);
		free(cause);
		r->spill_failed = 1;
		return -1;
	}
	off = r->spill_end;
	n = pwrite(fileno(r->spill), p, len, off);
	if (n < 0 || (size_t)n != len) {
		warnx_vq("results held for ordering stay in memory: spill file: %s",
		    n < 0 ? strerror(errno) : "disk full");
		r->spill_failed = 1;
		return -1;
	}
	r->spill_end += (off_t)len;
	r->spilled++;
	return off;
}

/* A spilled result is no longer needed; the file is emptied with the last. */
static void
spill_drop(struct reorder *r)
{
	if (--r->spilled > 0)
		return;
	if (ftruncate(fileno(r->spill), 0) != 0)
		fatal("emptying the spill file: %s", strerror(errno));
	r->spill_end = 0;
}

/* Read a spilled result back (and drop it). */
static void
spill_get(struct reorder *r, void *p, size_t len, off_t off)
{
	ssize_t n = pread(fileno(r->spill), p, len, off);

	if (n < 0 || (size_t)n != len)
		fatal("reading back results held for ordering: %s",
		    n < 0 ? strerror(errno) : "short read");
	spill_drop(r);
}

/* A body stays in memory while few are, or the file cannot be had. */
static int
keep_in_memory(const struct reorder *r)
{
	return r->in_memory < REORDER_IN_MEMORY || r->spill_failed;
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
	c->off = -1;
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
	if (in->version >= c->version) {
		if (c->call == NULL) {
			/* A spilled version, if any, is stale now. */
			if (c->off >= 0) {
				spill_drop(r);
				c->off = -1;
			}
			c->call = xcalloc(1, sizeof(*c->call));
			r->in_memory++;
		}
		*c->call = *in;
		c->call->msgs = NULL;
		c->call->n_msgs = 0;
		c->version = in->version;
	}
	if (ended && !c->ended) {
		c->ended = 1;
		heap_push(&r->calls, &c->key);
		/* Ended, it only waits: to disk if too many do. */
		if (!keep_in_memory(r) && (c->off = spill_put(r, c->call,
		    sizeof(*c->call))) >= 0) {
			free(c->call);
			c->call = NULL;
			r->in_memory--;
		}
	}
}

static void
stream_note(struct reorder *r, const struct snapshot *part,
    const struct snap_stream *in)
{
	struct pending_stream *p = xcalloc(1, sizeof(*p));
	struct stream_body body;
	struct pending_call *c;

	memset(&body, 0, sizeof(body));
	p->key.order = in->order;
	p->key.seq = r->seq++;
	body.s = *in;
	body.s.points = NULL;
	body.s.n_points = 0;
	if (in->call != SNAP_NO_CALL && in->call < part->n_calls) {
		const struct snap_call *call = &part->calls[in->call];

		p->has_call = 1;
		p->call_order = call->order;
		memcpy(body.call_id, call->call_id, sizeof(body.call_id));
		if ((c = call_get(r, call->order)) != NULL)
			c->streams_pending++;
	}
	p->off = -1;
	if (keep_in_memory(r) ||
	    (p->off = spill_put(r, &body, sizeof(body))) < 0) {
		p->body = xcalloc(1, sizeof(*p->body));
		*p->body = body;
		r->in_memory++;
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

	struct stream_body spilled_stream;
	struct snap_call spilled_call;
	struct stream_body *b;
	const struct snap_call *call;

	while ((k = heap_top(&r->streams)) != NULL &&
	    k->order < r->stream_below) {
		p = (struct pending_stream *)heap_pop(&r->streams);
		if ((b = p->body) == NULL) {
			spill_get(r, &spilled_stream, sizeof(spilled_stream),
			    p->off);
			b = &spilled_stream;
		}
		b->s.id = ++r->next_id;
		b->s.call = p->has_call ? 0 : SNAP_NO_CALL;
		r->out.stream(r->out.arg, &b->s, p->has_call ? b->call_id :
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
				c->ids[c->n_ids++] = b->s.id;
				c->streams_pending--;
			}
		}
		if (p->body != NULL)
			r->in_memory--;
		free(p->body);
		free(p);
	}
	while ((k = heap_top(&r->calls)) != NULL && k->order < r->call_below &&
	    ((struct pending_call *)k)->streams_pending == 0) {
		c = (struct pending_call *)heap_pop(&r->calls);
		if ((call = c->call) == NULL) {
			/* Spilled, or never seen but through its streams. */
			memset(&spilled_call, 0, sizeof(spilled_call));
			if (c->off >= 0)
				spill_get(r, &spilled_call,
				    sizeof(spilled_call), c->off);
			call = &spilled_call;
		}
		r->out.call(r->out.arg, call, c->ids, c->n_ids);
		r->wrote_call = 1;
		r->last_call = c->key.order;
		HASH_DEL(r->by_order, c);
		if (c->call != NULL)
			r->in_memory--;
		free(c->call);
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
