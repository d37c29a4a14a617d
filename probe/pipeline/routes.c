/*
 * The capture thread's map of SDP media endpoints (see routes.h).
 *
 * Each endpoint is on two lists besides the hash table: the map's, least
 * recently used first, and its call's, announced first first.  Both
 * orders make every bound O(1): the map's head is the one to evict when
 * full and the first to look at when sweeping idle ones (capture time
 * only moves on, so the head is the idlest), the call's head the one it
 * announced longest ago.  A call is known only while it has an endpoint
 * here, so the calls cannot outgrow the endpoints.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <uthash.h>

#include "probe/pipeline/routes.h"
#include "probe/vqprobe.h"

struct route_call;

struct route {
	uint8_t			 key[ENDPOINT_KEY_LEN];
	int			 worker;
	int64_t			 last_us;
	struct route_call	*call;
	TAILQ_ENTRY(route)	 lru;		/* the map's, oldest use first */
	TAILQ_ENTRY(route)	 by_call;	/* its call's, oldest first */
	UT_hash_handle		 hh;
};

TAILQ_HEAD(route_list, route);

/*
 * A call, by a 64-bit hash of its Call-ID: two calls that collide share
 * ROUTES_PER_CALL, which costs them nothing unless both renegotiate past
 * it.  The Call-ID itself is the attacker's length; the hash is not.
 */
struct route_call {
	uint64_t		 id;
	size_t			 n_routes;
	struct route_list	 routes;
	UT_hash_handle		 hh;
};

struct routes {
	struct route		*by_key;	/* uthash head */
	struct route_call	*calls;		/* uthash head */
	struct route_list	 lru;
	size_t			 n_routes;
	size_t			 max_routes;
	uint64_t		 evicted;
};

/* FNV-1a, 64 bits. */
static uint64_t
call_id_hash(const char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (uint8_t)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

struct routes *
routes_new(size_t max_routes)
{
	struct routes *rt = xcalloc(1, sizeof(*rt));

	TAILQ_INIT(&rt->lru);
	rt->max_routes = max_routes < ROUTES_MIN ? ROUTES_MIN : max_routes;
	return rt;
}

/* Take r off its call, forgetting the call with its last endpoint. */
static void
call_unlink(struct routes *rt, struct route *r)
{
	struct route_call *c = r->call;

	TAILQ_REMOVE(&c->routes, r, by_call);
	r->call = NULL;
	if (--c->n_routes == 0) {
		HASH_DEL(rt->calls, c);
		free(c);
	}
}

static void
route_remove(struct routes *rt, struct route *r)
{
	call_unlink(rt, r);
	TAILQ_REMOVE(&rt->lru, r, lru);
	HASH_DEL(rt->by_key, r);
	rt->n_routes--;
	free(r);
}

void
routes_free(struct routes *rt)
{
	struct route *r;

	if (rt == NULL)
		return;
	while ((r = TAILQ_FIRST(&rt->lru)) != NULL)
		route_remove(rt, r);
	free(rt);
}

/* The call of this Call-ID, made if new. */
static struct route_call *
call_get(struct routes *rt, const char *call_id, size_t len)
{
	uint64_t id = call_id_hash(call_id, len);
	struct route_call *c;

	HASH_FIND(hh, rt->calls, &id, sizeof(id), c);
	if (c == NULL) {
		c = xcalloc(1, sizeof(*c));
		c->id = id;
		TAILQ_INIT(&c->routes);
		HASH_ADD(hh, rt->calls, id, sizeof(c->id), c);
	}
	return c;
}

void
routes_learn(struct routes *rt, const struct vq_endpoint *ep,
    const char *call_id, size_t call_id_len, int w, int64_t now_us)
{
	uint8_t key[ENDPOINT_KEY_LEN];
	struct route_call *c;
	struct route *r;

	endpoint_pack(ep, key);
	HASH_FIND(hh, rt->by_key, key, sizeof(key), r);
	if (r != NULL) {
		/* Announced again: the newest of its call, maybe another. */
		call_unlink(rt, r);
		TAILQ_REMOVE(&rt->lru, r, lru);
	} else {
		r = xcalloc(1, sizeof(*r));
		memcpy(r->key, key, sizeof(key));
		HASH_ADD(hh, rt->by_key, key, sizeof(r->key), r);
		rt->n_routes++;
	}
	/* Made after the unlink, which may free the call r was on. */
	c = call_get(rt, call_id, call_id_len);
	r->worker = w;
	r->last_us = now_us;
	r->call = c;
	TAILQ_INSERT_TAIL(&c->routes, r, by_call);
	c->n_routes++;
	TAILQ_INSERT_TAIL(&rt->lru, r, lru);

	/*
	 * The bounds, each dropping the oldest: the call's own first (as
	 * the analyzer forgets it too, not a loss), then the map's.  r is
	 * the newest of both lists, so it is never the one to go.
	 */
	if (c->n_routes > ROUTES_PER_CALL)
		route_remove(rt, TAILQ_FIRST(&c->routes));
	if (rt->n_routes > rt->max_routes) {
		route_remove(rt, TAILQ_FIRST(&rt->lru));
		rt->evicted++;
	}
}

int
routes_find(struct routes *rt, const struct vq_endpoint *ep, int64_t now_us)
{
	uint8_t key[ENDPOINT_KEY_LEN];
	struct route *r;

	endpoint_pack(ep, key);
	HASH_FIND(hh, rt->by_key, key, sizeof(key), r);
	if (r == NULL)
		return -1;
	/* A capture file's clock may step back: keep the newest time. */
	if (now_us > r->last_us)
		r->last_us = now_us;
	if (r != TAILQ_LAST(&rt->lru, route_list)) {
		TAILQ_REMOVE(&rt->lru, r, lru);
		TAILQ_INSERT_TAIL(&rt->lru, r, lru);
	}
	return r->worker;
}

void
routes_sweep(struct routes *rt, int64_t now_us, int64_t idle_us)
{
	struct route *r;

	/*
	 * Uses are appended, so the head is the least recently used; a
	 * clock that stepped back can leave a newer time ahead of an older
	 * one, which only delays that one to a later sweep.
	 */
	while ((r = TAILQ_FIRST(&rt->lru)) != NULL &&
	    now_us - r->last_us > idle_us)
		route_remove(rt, r);
}

size_t
routes_count(const struct routes *rt)
{
	return rt->n_routes;
}

uint64_t
routes_evicted(const struct routes *rt)
{
	return rt->evicted;
}
