/*
 * Unit tests for probe/pipeline/ring.c: order, wrap-around, full and empty, a
 * two-thread run that checks every record's bytes with both sides waiting
 * and sleeping as the pipeline's do (run it under ThreadSanitizer to check
 * the memory orders too), and sides that sleep rather than spin.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/*
 * Looking ahead walks the records after the one peeked, in order, across
 * the wrap (and its pad), up to the last committed, and takes nothing.
 */
static void
test_peek_ahead(void)
{
	struct ring *r = ring_new(4096);
	const uint8_t *p;
	uint8_t *w;
	size_t len, at, i, k, next = 0, sent = 0;
	uint32_t type;

	for (i = 0; i < 2000; i++) {
		/* Keep up to 5 records in, of sizes that make pads. */
		while (sent - next < 5) {
			size_t want = (sent * 53) % 700 + 1;

			if ((w = ring_reserve(r, want)) == NULL)
				break;
			memset(w, (int)(sent & 0xff), want);
			ring_commit(r, (uint32_t)sent);
			sent++;
		}
		p = ring_peek(r, &len, &type);
		CHECK(p != NULL);
		if (p == NULL)
			break;
		CHECK_INT(type, next);
		at = 0;
		for (k = next + 1; k < sent; k++) {
			p = ring_peek_ahead(r, &at, &len, &type);
			CHECK(p != NULL);
			if (p == NULL)
				break;
			CHECK_INT(type, k);
			CHECK_INT(len, (k * 53) % 700 + 1);
			CHECK_INT(p[len - 1], k & 0xff);
		}
		CHECK(ring_peek_ahead(r, &at, &len, &type) == NULL);
		/* Nothing was taken: the oldest is still the one peeked. */
		p = ring_peek(r, &len, &type);
		CHECK_INT(type, next);
		ring_release(r);
		next++;
	}
	ring_free(r);
}

#define STRESS_RECORDS	2000000

struct stress {
	struct ring	*ring;
	struct ring_bell *bell;
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

		w = ring_reserve_wait(s->ring, want, 0);
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
	unsigned idle = 0;

	while (i < STRESS_RECORDS) {
		const uint8_t *p;
		size_t len, k;
		uint32_t type;

		if ((p = ring_peek(s->ring, &len, &type)) == NULL) {
			ring_wait(s->bell, &s->ring, 1, &idle, 1000000);
			continue;
		}
		idle = 0;
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
	struct stress s = { ring_new(16384), ring_bell_new(), 0, 0 };
	pthread_t prod, cons;

	ring_set_bell(s.ring, s.bell);
	CHECK(pthread_create(&cons, NULL, stress_consume, &s) == 0);
	CHECK(pthread_create(&prod, NULL, stress_produce, &s) == 0);
	pthread_join(prod, NULL);
	pthread_join(cons, NULL);
	CHECK_INT(s.received, STRESS_RECORDS);
	CHECK_INT(s.bad, 0);
	CHECK(ring_empty(s.ring));
	ring_free(s.ring);
	ring_bell_free(s.bell);
}

/*
 * Sides that wait sleep, and are woken: a producer that publishes a
 * record every 5 ms, then fills a small ring that a consumer drains
 * slowly.  Waiting, either side would burn its core if it spun (about
 * the run's wall time in CPU); asleep, it takes a few milliseconds.  A
 * wake that never came would cost the 10 s each sleep allows.
 */
#define SLOW_RECORDS	40
#define FILL_RECORDS	4000

static double
thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
nap_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

struct sleepers {
	struct ring	*ring;
	struct ring_bell *bell;
	uint32_t	 received;
	double		 consumer_cpu_s;	/* while records came slowly */
	double		 producer_cpu_s;	/* while it filled the ring */
};

static void *
sleepers_produce(void *arg)
{
	struct sleepers *s = arg;
	double cpu;
	uint32_t i;

	for (i = 0; i < SLOW_RECORDS; i++) {
		nap_ms(5);
		ring_reserve_wait(s->ring, 16, 0);
		ring_commit(s->ring, i);
	}
	cpu = thread_cpu_s();
	for (; i < SLOW_RECORDS + FILL_RECORDS; i++) {
		ring_reserve_wait(s->ring, 200, 0);
		ring_commit(s->ring, i);
	}
	s->producer_cpu_s = thread_cpu_s() - cpu;
	ring_flush(s->ring);
	return NULL;
}

static void *
sleepers_consume(void *arg)
{
	struct sleepers *s = arg;
	unsigned idle = 0;
	double cpu = thread_cpu_s();

	while (s->received < SLOW_RECORDS + FILL_RECORDS) {
		size_t len;
		uint32_t type;

		if (ring_peek(s->ring, &len, &type) == NULL) {
			ring_wait(s->bell, &s->ring, 1, &idle, 10000000);
			continue;
		}
		idle = 0;
		if (type == s->received)
			s->received++;
		else
			s->received = UINT32_MAX - 1;	/* out of order */
		ring_release(s->ring);
		if (s->received == SLOW_RECORDS)
			s->consumer_cpu_s = thread_cpu_s() - cpu;
		/* Slow: the producer finds the ring full, often. */
		if (s->received > SLOW_RECORDS && s->received % 100 == 0)
			nap_ms(2);
	}
	return NULL;
}

static void
test_sleepers(void)
{
	struct sleepers s = { ring_new(4096), ring_bell_new(), 0, 0, 0 };
	pthread_t prod, cons;
	double t0 = mono_s(), wall;

	ring_set_bell(s.ring, s.bell);
	CHECK(pthread_create(&cons, NULL, sleepers_consume, &s) == 0);
	CHECK(pthread_create(&prod, NULL, sleepers_produce, &s) == 0);
	pthread_join(prod, NULL);
	pthread_join(cons, NULL);
	wall = mono_s() - t0;
	printf("sleepers: %.3f s wall, consumer %.4f s CPU, producer %.4f s"
	    " CPU\n", wall, s.consumer_cpu_s, s.producer_cpu_s);
	CHECK_INT(s.received, SLOW_RECORDS + FILL_RECORDS);
	/* 40 x 5 ms and 40 x 2 ms of naps: woken, not timed out. */
	CHECK(wall < 5.0);
	/* Spinning, either would have used about 0.2 and 0.08 s. */
	CHECK(s.consumer_cpu_s < 0.05);
	CHECK(s.producer_cpu_s < 0.05);
	ring_free(s.ring);
	ring_bell_free(s.bell);
}

int
main(void)
{
	RUN(test_order_and_types);
	RUN(test_full_and_too_big);
	RUN(test_wrap_single_thread);
	RUN(test_peek_ahead);
	RUN(test_two_threads);
	RUN(test_sleepers);
	return unit_done("ring");
}
