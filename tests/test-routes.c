/*
 * Unit tests for probe/pipeline/routes.c: lookups, a later call taking an endpoint
 * over, the per-call bound (the newest ROUTES_PER_CALL stay), the map's
 * bound (the least recently used goes, counted), the idle sweep, and a
 * capture clock that steps back.
 */
#include <stdio.h>
#include <string.h>

#include "probe/pipeline/routes.h"
#include "tests/unit.h"

#define SEC	1000000LL

/* 10.(n >> 16).(n >> 8).(n) port 40000 + (n & 1). */
static struct vq_endpoint
ep(unsigned n)
{
	struct vq_endpoint e;

	memset(&e, 0, sizeof(e));
	e.addr.family = 4;
	e.addr.bytes[0] = 10;
	e.addr.bytes[1] = (uint8_t)(n >> 16);
	e.addr.bytes[2] = (uint8_t)(n >> 8);
	e.addr.bytes[3] = (uint8_t)n;
	e.port = (uint16_t)(40000 + (n & 1));
	return e;
}

static void
learn(struct routes *rt, unsigned n, const char *call, int w, int64_t t)
{
	struct vq_endpoint e = ep(n);

	routes_learn(rt, &e, call, strlen(call), w, t);
}

static int
find(struct routes *rt, unsigned n, int64_t t)
{
	struct vq_endpoint e = ep(n);

	return routes_find(rt, &e, t);
}

static void
test_basic(void)
{
	struct routes *rt = routes_new(0);
	struct vq_endpoint other = ep(1);

	learn(rt, 1, "a@x", 2, 0);
	learn(rt, 2, "a@x", 2, 0);
	CHECK_INT(find(rt, 1, SEC), 2);
	CHECK_INT(find(rt, 3, SEC), -1);
	/* Another port of the same address is another endpoint. */
	other.port = 5060;
	CHECK_INT(routes_find(rt, &other, SEC), -1);
	/* A later call reusing the endpoint takes it over. */
	learn(rt, 1, "b@x", 0, 2 * SEC);
	CHECK_INT(find(rt, 1, 3 * SEC), 0);
	CHECK_INT(find(rt, 2, 3 * SEC), 2);
	CHECK_INT(routes_count(rt), 2);
	/* Announced again by its own call: still one entry. */
	learn(rt, 2, "a@x", 2, 4 * SEC);
	CHECK_INT(routes_count(rt), 2);
	CHECK_INT(routes_evicted(rt), 0);
	routes_free(rt);
}

/* A dialog renegotiating 10 000 times keeps its newest 64 endpoints. */
static void
test_per_call(void)
{
	struct routes *rt = routes_new(0);
	unsigned i;

	learn(rt, 100000, "other@x", 1, 0);
	for (i = 0; i < 10000; i++)
		learn(rt, i, "reinvite@x", 0, (int64_t)i * 1000);
	CHECK_INT(routes_count(rt), ROUTES_PER_CALL + 1);
	CHECK_INT(find(rt, 9999, 20 * SEC), 0);
	CHECK_INT(find(rt, 10000 - ROUTES_PER_CALL, 20 * SEC), 0);
	CHECK_INT(find(rt, 10000 - ROUTES_PER_CALL - 1, 20 * SEC), -1);
	CHECK_INT(find(rt, 0, 20 * SEC), -1);
	/* Another call's endpoint is untouched, and nothing counted lost. */
	CHECK_INT(find(rt, 100000, 20 * SEC), 1);
	CHECK_INT(routes_evicted(rt), 0);
	routes_free(rt);
}

/*
 * An endpoint taken over by another call leaves its first call's list:
 * the first call can announce ROUTES_PER_CALL more without losing it.
 */
static void
test_takeover_frees_slot(void)
{
	struct routes *rt = routes_new(0);
	unsigned i;

	for (i = 0; i < ROUTES_PER_CALL; i++)
		learn(rt, i, "a@x", 0, 0);
	learn(rt, 0, "b@x", 1, SEC);
	learn(rt, 1000, "a@x", 0, 2 * SEC);
	/* a@x had 63 left and took one more: nothing of its went. */
	CHECK_INT(find(rt, 1, 3 * SEC), 0);
	CHECK_INT(find(rt, 0, 3 * SEC), 1);
	CHECK_INT(routes_count(rt), ROUTES_PER_CALL + 1);
	routes_free(rt);
}

/* Past the map's bound the least recently used goes, and is counted. */
static void
test_map_bound(void)
{
	struct routes *rt = routes_new(ROUTES_MIN);
	char call[32];
	unsigned i;

	for (i = 0; i < ROUTES_MIN; i++) {
		snprintf(call, sizeof(call), "c%u", i);
		learn(rt, i, call, (int)(i % 3), SEC);
	}
	/* Endpoint 0 is used: now endpoint 1 is the least recent. */
	CHECK_INT(find(rt, 0, 2 * SEC), 0);
	learn(rt, ROUTES_MIN, "new", 2, 3 * SEC);
	CHECK_INT(routes_count(rt), ROUTES_MIN);
	CHECK_INT(routes_evicted(rt), 1);
	CHECK_INT(find(rt, 0, 4 * SEC), 0);
	CHECK_INT(find(rt, 1, 4 * SEC), -1);
	CHECK_INT(find(rt, 2, 4 * SEC), 2);
	CHECK_INT(find(rt, ROUTES_MIN, 4 * SEC), 2);
	/* A flood of new calls keeps the map at its bound. */
	for (i = 0; i < 100000; i++) {
		snprintf(call, sizeof(call), "flood%u", i);
		learn(rt, 200000 + i, call, 1, 5 * SEC);
	}
	CHECK_INT(routes_count(rt), ROUTES_MIN);
	CHECK_INT(routes_evicted(rt), 100001);
	CHECK_INT(find(rt, 200000 + 99999, 6 * SEC), 1);
	routes_free(rt);

	/* Below the floor, the floor. */
	rt = routes_new(3);
	for (i = 0; i < ROUTES_MIN; i++) {
		snprintf(call, sizeof(call), "c%u", i);
		learn(rt, i, call, 0, 0);
	}
	CHECK_INT(routes_evicted(rt), 0);
	routes_free(rt);
}

static void
test_sweep(void)
{
	struct routes *rt = routes_new(0);

	learn(rt, 1, "a", 0, 0);
	learn(rt, 2, "a", 0, 0);
	learn(rt, 3, "b", 1, 5 * SEC);
	/* Endpoint 1 in use at 8 s; 2 was last used at 0. */
	CHECK_INT(find(rt, 1, 8 * SEC), 0);
	routes_sweep(rt, 10 * SEC, 6 * SEC);
	CHECK_INT(routes_count(rt), 2);
	CHECK_INT(find(rt, 2, 10 * SEC), -1);
	CHECK_INT(find(rt, 1, 10 * SEC), 0);
	/* A clock that steps back does not make a use older. */
	CHECK_INT(find(rt, 3, 1 * SEC), 1);
	routes_sweep(rt, 10 * SEC + SEC / 2, 6 * SEC);
	CHECK_INT(find(rt, 3, 10 * SEC + SEC / 2), 1);
	routes_sweep(rt, 30 * SEC, 6 * SEC);
	CHECK_INT(routes_count(rt), 0);
	CHECK_INT(routes_evicted(rt), 0);
	/* The calls went with their endpoints: a new one starts afresh. */
	learn(rt, 1, "a", 2, 31 * SEC);
	CHECK_INT(find(rt, 1, 31 * SEC), 2);
	routes_free(rt);
}

int
main(void)
{
	test_basic();
	test_per_call();
	test_takeover_frees_slot();
	test_map_bound();
	test_sweep();
	return unit_done("test-routes");
}
