/*
 * Unit tests for probe/pipeline/ring.c: order, wrap-around, full and empty, and a
 * two-thread run that checks every record's bytes (run it under
 * ThreadSanitizer to check the memory orders too).
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/pipeline/ring.h"
#include "tests/unit.h"

static void
test_order_and_types(void)
{
	struct ring *r = ring_new(4096);
	const uint8_t *p;
	size_t len;
	uint32_t type;
	char *w;

	CHECK(r != NULL);
	CHECK(ring_empty(r));
	CHECK(ring_peek(r, &len, &type) == NULL);
	w = ring_reserve(r, 5);
	memcpy(w, "hello", 5);
	ring_commit(r, 7);
	w = ring_reserve(r, 0);
	CHECK(w != NULL);
	ring_commit(r, 8);
	CHECK(!ring_empty(r));

	p = ring_peek(r, &len, &type);
	CHECK_INT(len, 5);
	CHECK_INT(type, 7);
	CHECK_MEM(p, len, "hello");
	/* A second peek before release gives the same record. */
	p = ring_peek(r, &len, &type);
	CHECK_INT(type, 7);
	ring_release(r);
	p = ring_peek(r, &len, &type);
	CHECK_INT(len, 0);
	CHECK_INT(type, 8);
	ring_release(r);
	CHECK(ring_peek(r, &len, &type) == NULL);
	CHECK(ring_empty(r));
	ring_free(r);
}

static void
test_full_and_too_big(void)
{
	struct ring *r = ring_new(4096);
	size_t n = 0, len;
	uint32_t type;

	CHECK_INT(ring_capacity(r), 4096);
	CHECK(ring_reserve(r, ring_max_record(r) + 1) == NULL);
	/* 100 bytes take 8 + 104: 36 of them fit in 4096. */
	while (ring_reserve(r, 100) != NULL) {
		ring_commit(r, 1);
		n++;
	}
	CHECK_INT(n, 4096 / 112);
	/* Freeing one record makes room for exactly one more. */
	CHECK(ring_peek(r, &len, &type) != NULL);
	ring_release(r);
	CHECK(ring_reserve(r, 100) != NULL);
	ring_commit(r, 1);
	CHECK(ring_reserve(r, 100) == NULL);
	ring_free(r);
}

/* Records of odd sizes wrap many times; each reads back intact. */
static void
test_wrap_single_thread(void)
{
	struct ring *r = ring_new(4096);
	const uint8_t *p;
	uint8_t *w;
	size_t len, i, k;
	uint32_t type;

	for (i = 0; i < 10000; i++) {
		size_t want = (i * 37) % 1500;

		w = ring_reserve(r, want);
		CHECK(w != NULL);
		if (w == NULL)
			break;
		for (k = 0; k < want; k++)
			w[k] = (uint8_t)(i + k);
		ring_commit(r, (uint32_t)i);
		p = ring_peek(r, &len, &type);
		CHECK_INT(len, want);
		CHECK_INT(type, i);
		for (k = 0; k < want; k++)
			if (p[k] != (uint8_t)(i + k))
				break;
		CHECK_INT(k, want);
		ring_release(r);
	}
	ring_free(r);
}

#define STRESS_RECORDS	2000000

struct stress {
	struct ring	*ring;
	uint64_t	 bad;
	uint64_t	 received;
};

/* The producer: records whose size and bytes follow from their number. */
static void *
stress_produce(void *arg)
{
	struct stress *s = arg;
	uint32_t i;
	size_t k;

	for (i = 0; i < STRESS_RECORDS; i++) {
		size_t want = (i * 13u) % 300;
		uint8_t *w;

		while ((w = ring_reserve(s->ring, want)) == NULL)
			sched_yield();
		for (k = 0; k < want; k++)
			w[k] = (uint8_t)(i ^ k);
		ring_commit(s->ring, i);
	}
	return NULL;
}

static void *
stress_consume(void *arg)
{
	struct stress *s = arg;
	uint32_t i = 0;

	while (i < STRESS_RECORDS) {
		const uint8_t *p;
		size_t len, k;
		uint32_t type;

		if ((p = ring_peek(s->ring, &len, &type)) == NULL) {
			sched_yield();
			continue;
		}
		if (type != i || len != (i * 13u) % 300)
			s->bad++;
		else
			for (k = 0; k < len; k++)
				if (p[k] != (uint8_t)(i ^ k)) {
					s->bad++;
					break;
				}
		ring_release(s->ring);
		s->received++;
		i++;
	}
	return NULL;
}

static void
test_two_threads(void)
{
	struct stress s = { ring_new(16384), 0, 0 };
	pthread_t prod, cons;

	CHECK(pthread_create(&cons, NULL, stress_consume, &s) == 0);
	CHECK(pthread_create(&prod, NULL, stress_produce, &s) == 0);
	pthread_join(prod, NULL);
	pthread_join(cons, NULL);
	CHECK_INT(s.received, STRESS_RECORDS);
	CHECK_INT(s.bad, 0);
	CHECK(ring_empty(s.ring));
	ring_free(s.ring);
}

int
main(void)
{
	RUN(test_order_and_types);
	RUN(test_full_and_too_big);
	RUN(test_wrap_single_thread);
	RUN(test_two_threads);
	return unit_done("ring");
}
