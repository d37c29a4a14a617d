/*
 * Unit tests for dissectors/ipfrag.c: IPv4 and IPv6 reassembly, overlap
 * policy, timeouts and every limit, with the counters each one moves.
 */

#include <stdlib.h>

#include "dissectors/ipfrag.h"
#include "tests/unit.h"

#define SEC	1000000LL

/* Room for fragments that reach past the largest datagram, too. */
static uint8_t	datagram[IPFRAG_MAX_DATAGRAM + 64 * 1024];

/* Fill the test datagram with bytes that tell their offset. */
static void
fill_datagram(void)
{
	size_t	i;

	for (i = 0; i < sizeof datagram; i++)
		datagram[i] = (uint8_t)(i * 7 + (i >> 8));
}

static void
key_v4(struct ipfrag_key *k, uint16_t id)
{
	memset(k, 0, sizeof *k);
	k->version = 4;
	k->proto = 17;
	k->id = id;
	k->src.family = 4;
	memcpy(k->src.bytes, "\xc0\x00\x02\x01", 4);
	k->dst.family = 4;
	memcpy(k->dst.bytes, "\xc6\x33\x64\x02", 4);
}

static void
key_v6(struct ipfrag_key *k, uint32_t id)
{
	memset(k, 0, sizeof *k);
	k->version = 6;
	k->id = id;
	k->src.family = 6;
	memcpy(k->src.bytes, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	k->dst.family = 6;
	memcpy(k->dst.bytes, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
}

static struct ipfrag *
new_frag(void)
{
	struct ipfrag_limits	limits;

	ipfrag_limits_default(&limits);
	return ipfrag_new(&limits);
}

/*
 * Offer datagram[offset, offset+len) from a heap copy of exactly those
 * bytes; on COMPLETE check the datagram is datagram[0, want_total).
 */
static enum ipfrag_result
add(struct ipfrag *f, const struct ipfrag_key *k, uint32_t offset,
    uint32_t len, int more, int64_t now_us, uint32_t want_total)
{
	struct ipfrag_fragment	 in;
	struct ipfrag_datagram	 out;
	enum ipfrag_result	 r;
	uint8_t			*copy = malloc(len != 0 ? len : 1);

	memcpy(copy, datagram + offset, len);
	in.offset = offset;
	in.more = more;
	in.proto = offset == 0 ? 17 : 99;
	in.data = copy;
	in.len = len;
	memset(&out, 0, sizeof out);
	r = ipfrag_add(f, k, &in, now_us, &out);
	free(copy);
	if (r == IPFRAG_COMPLETE) {
		CHECK_INT(out.len, want_total);
		CHECK(memcmp(out.data, datagram, want_total) == 0);
		CHECK_INT(out.proto, 17);
		free(out.data);
	}
	return r;
}

static struct ipfrag_stats
stats(const struct ipfrag *f)
{
	struct ipfrag_stats	s;

	ipfrag_stats(f, &s);
	return s;
}

static void
test_in_order(void)
{
	struct ipfrag		*f = new_frag();
	struct ipfrag_key	 k;

	key_v4(&k, 1);
	CHECK_INT(add(f, &k, 0, 1480, 1, 0, 0), IPFRAG_HELD);
	CHECK_INT(add(f, &k, 1480, 1480, 1, 1, 0), IPFRAG_HELD);
	CHECK_INT(stats(f).datagrams_pending, 1);
	CHECK(stats(f).bytes_pending > 2960);
	CHECK_INT(add(f, &k, 2960, 100, 0, 2, 3060), IPFRAG_COMPLETE);
	CHECK_INT(stats(f).reassembled, 1);
	CHECK_INT(stats(f).fragments, 3);
	CHECK_INT(stats(f).datagrams_pending, 0);
	CHECK_INT(stats(f).bytes_pending, 0);
	ipfrag_free(f);
}

static void
test_reversed(void)
{
	struct ipfrag		*f = new_frag();
	struct ipfrag_key	 k;
	uint32_t		 off;

	key_v6(&k, 0xdeadbeef);
	CHECK_INT(add(f, &k, 8 * 100, 5, 0, 0, 0), IPFRAG_HELD);
	for (off = 8 * 99; off > 0; off -= 8)
		CHECK_INT(add(f, &k, off, 8, 1, 0, 0), IPFRAG_HELD);
	CHECK_INT(add(f, &k, 0, 8, 1, 0, 805), IPFRAG_COMPLETE);
	CHECK_INT(stats(f).reassembled, 1);
	ipfrag_free(f);
}

/* Interleaved datagrams that differ by one key field each. */
static void
test_keys_apart(void)
{
	struct ipfrag		*f = new_frag();
	struct ipfrag_key	 k[5];
	int			 i;

	key_v4(&k[0], 7);
	key_v4(&k[1], 8);
	key_v4(&k[2], 7);
	k[2].proto = 6;
	key_v4(&k[3], 7);
	k[3].src.bytes[3] = 9;
	key_v6(&k[4], 7);
	for (i = 0; i < 5; i++)
		CHECK_INT(add(f, &k[i], 0, 16, 1, 0, 0), IPFRAG_HELD);
	CHECK_INT(stats(f).datagrams_pending, 5);
	for (i = 4; i >= 0; i--)
		CHECK_INT(add(f, &k[i], 16, 4, 0, 0, 20), IPFRAG_COMPLETE);
	CHECK_INT(stats(f).datagrams_pending, 0);
	ipfrag_free(f);
}

static void
test_duplicates(void)
{
	struct ipfrag		*f = new_frag();
	struct ipfrag_key	 k;

	key_v4(&k, 2);
	CHECK_INT(add(f, &k, 0, 64, 1, 0, 0), IPFRAG_HELD);
	CHECK_INT(add(f, &k, 0, 64, 1, 0, 0), IPFRAG_HELD);
	CHECK_INT(add(f, &k, 64, 10, 0, 0, 74), IPFRAG_COMPLETE);
	CHECK_INT(stats(f).duplicates, 1);

	/* The last fragment twice, then the first. */
	CHECK_INT(add(f, &k, 64, 10, 0, 0, 0), IPFRAG_HELD);
	CHECK_INT(add(f, &k, 64, 10, 0, 0, 0), IPFRAG_HELD);
	CHECK_INT(add(f, &k, 0, 64, 1, 0, 74), IPFRAG_COMPLETE);
	CHECK_INT(stats(f).duplicates, 2);
	CHECK_INT(stats(f).dropped_overlap, 0);

	/* Same place, other bytes: an overlap, not a duplicate. */
	CHECK_INT(add(f, &k, 0, 64, 1, 0, 0), IPFRAG_HELD);
	datagram[3] ^= 0xff;
	CHECK_INT(add(f, &k, 0, 64, 1, 0, 0), IPFRAG_DROPPED);
	datagram[3] ^= 0xff;
	CHECK_INT(stats(f).dropped_overlap, 2);
	CHECK_INT(stats(f).datagrams_pending, 0);
	ipfrag_free(f);
}

/* Every kind of overlap drops the whole datagram, for either version. */
static void
test_overlap(void)
{
	static const struct {
		uint32_t	offset, len;
		int		more;
	} second[] = {
		{ 8, 64, 1 },		/* inside the first */
		{ 56, 16, 1 },		/* across its end */
		{ 0, 32, 1 },		/* its start, shorter */
		{ 0, 72, 1 },		/* its start, longer */
		{ 32, 40, 0 },		/* a last fragment inside it */
	};
	struct ipfrag		*f = new_frag();
	struct ipfrag_key	 k;
	size_t			 i;
	int			 v;

	for (v = 4; v <= 6; v += 2) {
		for (i = 0; i < sizeof second / sizeof second[0]; i++) {
			if (v == 4)
				key_v4(&k, (uint16_t)i);
			else
				key_v6(&k, (uint32_t)i);
			CHECK_INT(add(f, &k, 0, 64, 1, 0, 0), IPFRAG_HELD);
			CHECK_INT(add(f, &k, second[i].offset, second[i].len,
			    second[i].more, 0, 0), IPFRAG_DROPPED);
			CHECK_INT(stats(f).datagrams_pending, 0);
			/* What comes after starts a new datagram. */
			CHECK_INT(add(f, &k, 64, 8, 0, 0, 0), IPFRAG_HELD);
			CHECK_INT(add(f, &k, 0, 64, 1, 0, 72),
			    IPFRAG_COMPLETE);
		}
	}
	CHECK_INT(stats(f).dropped_overlap, 2 * 2 * 5);
	ipfrag_free(f);
}

/* Ends that disagree: two last fragments, or a fragment past the end. */
static void
test_conflicting_ends(void)
{
	struct ipfrag		*f = new_frag();
	struct ipfrag_key	 k;

	key_v4(&k, 3);
	CHECK_INT(add(f, &k, 64, 8, 0, 0, 0), IPFRAG_HELD);
	CHECK_INT(add(f, &k, 80, 8, 0, 0, 0), IPFRAG_DROPPED);
	CHECK_INT(add(f, &k, 64, 8, 0, 0, 0), IPFRAG_HELD);
	CHECK_INT(add(f, &k, 72, 8, 1, 0, 0), IPFRAG_DROPPED);
	CHECK_INT(add(f, &k, 72, 8, 1, 0, 0), IPFRAG_HELD);
	CHECK_INT(add(f, &k, 0, 64, 0, 0, 0), IPFRAG_DROPPED);
	CHECK_INT(stats(f).dropped_overlap, 2 + 2 + 2);

	/* An empty last fragment only says where the end is. */
	CHECK_INT(add(f, &k, 0, 64, 1, 0, 0), IPFRAG_HELD);
	CHECK_INT(add(f, &k, 64, 0, 0, 0, 64), IPFRAG_COMPLETE);
	ipfrag_free(f);
}

static void
test_malformed(void)
{
	struct ipfrag		*f = new_frag();
	struct ipfrag_key	 k;

	key_v4(&k, 4);
	/* A middle fragment must carry a multiple of 8 bytes. */
	CHECK_INT(add(f, &k, 0, 12, 1, 0, 0), IPFRAG_MALFORMED);
	CHECK_INT(add(f, &k, 8, 0, 1, 0, 0), IPFRAG_MALFORMED);
	/* Nothing past 65535. */
	CHECK_INT(add(f, &k, 65520, 8, 1, 0, 0), IPFRAG_HELD);
	CHECK_INT(add(f, &k, 65528, 16, 0, 0, 0), IPFRAG_MALFORMED);
	CHECK_INT(add(f, &k, 8191 * 8, 8, 0, 0, 0), IPFRAG_MALFORMED);
	/* Offset 0 and no more fragments is no fragment. */
	CHECK_INT(add(f, &k, 0, 0, 0, 0, 0), IPFRAG_MALFORMED);
	CHECK_INT(stats(f).dropped_malformed, 5);
	/* The held one is untouched; an end at exactly 65535 is fine. */
	CHECK_INT(add(f, &k, 65528, 7, 0, 0, 0), IPFRAG_HELD);
	CHECK_INT(stats(f).datagrams_pending, 1);
	ipfrag_free(f);

	f = new_frag();
	key_v6(&k, 4);
	{
		uint32_t	off;

		for (off = 0; off < 65535 - 255; off += 256)
			CHECK_INT(add(f, &k, off, 256, 1, 0, 0), IPFRAG_HELD);
		CHECK_INT(add(f, &k, off, 65535 - off, 0, 0, 65535),
		    IPFRAG_COMPLETE);
	}
	ipfrag_free(f);
}

static void
test_timeout(void)
{
	struct ipfrag		*f = new_frag();
	struct ipfrag_key	 k1, k2;

	key_v4(&k1, 5);
	key_v4(&k2, 6);
	CHECK_INT(add(f, &k1, 0, 8, 1, 100 * SEC, 0), IPFRAG_HELD);
	CHECK_INT(add(f, &k1, 8, 8, 1, 110 * SEC, 0), IPFRAG_HELD);
	CHECK_INT(add(f, &k2, 0, 8, 1, 120 * SEC, 0), IPFRAG_HELD);
	/* 30 s from the first fragment, not from the last. */
	ipfrag_expire(f, 130 * SEC);
	CHECK_INT(stats(f).datagrams_pending, 2);
	ipfrag_expire(f, 130 * SEC + 1);
	CHECK_INT(stats(f).datagrams_pending, 1);
	CHECK_INT(stats(f).dropped_timeout, 2);
	/* The rest of k1 comes too late: a new datagram that never ends. */
	CHECK_INT(add(f, &k1, 16, 1, 0, 131 * SEC, 0), IPFRAG_HELD);
	/* A clock that steps back expires nothing. */
	ipfrag_expire(f, 0);
	ipfrag_expire(f, INT64_MIN);
	CHECK_INT(stats(f).datagrams_pending, 2);
	/* The end of the capture expires everything. */
	ipfrag_expire(f, INT64_MAX);
	CHECK_INT(stats(f).datagrams_pending, 0);
	CHECK_INT(stats(f).bytes_pending, 0);
	CHECK_INT(stats(f).dropped_timeout, 4);
	ipfrag_free(f);

	/* A configured timeout, and times near the ends of int64. */
	{
		struct ipfrag_limits	l;

		ipfrag_limits_default(&l);
		l.timeout_us = 1;
		f = ipfrag_new(&l);
		CHECK_INT(add(f, &k1, 0, 8, 1, INT64_MIN, 0), IPFRAG_HELD);
		CHECK_INT(add(f, &k2, 0, 8, 1, INT64_MAX - 1, 0),
		    IPFRAG_HELD);
		CHECK_INT(stats(f).dropped_timeout, 1);
		CHECK_INT(add(f, &k2, 8, 8, 0, INT64_MAX - 1, 16),
		    IPFRAG_COMPLETE);
		ipfrag_free(f);
	}
}

static void
test_limit_datagrams(void)
{
	struct ipfrag_limits	 l;
	struct ipfrag		*f;
	struct ipfrag_key	 k;
	uint16_t		 id;

	ipfrag_limits_default(&l);
	l.max_datagrams = 3;
	f = ipfrag_new(&l);
	for (id = 0; id < 5; id++) {
		key_v4(&k, id);
		CHECK_INT(add(f, &k, 0, 8, 1, id, 0), IPFRAG_HELD);
	}
	/* The two oldest went to make room. */
	CHECK_INT(stats(f).datagrams_pending, 3);
	CHECK_INT(stats(f).dropped_too_many, 2);
	key_v4(&k, 0);
	CHECK_INT(add(f, &k, 8, 1, 0, 9, 0), IPFRAG_HELD);
	key_v4(&k, 4);
	CHECK_INT(add(f, &k, 8, 1, 0, 9, 9), IPFRAG_COMPLETE);
	ipfrag_free(f);

	/* Too many fragments in one datagram. */
	ipfrag_limits_default(&l);
	l.max_fragments = 4;
	f = ipfrag_new(&l);
	key_v6(&k, 1);
	for (id = 0; id < 4; id++)
		CHECK_INT(add(f, &k, 8u * id, 8, 1, 0, 0), IPFRAG_HELD);
	CHECK_INT(add(f, &k, 32, 8, 0, 0, 0), IPFRAG_DROPPED);
	CHECK_INT(stats(f).dropped_too_many, 5);
	ipfrag_free(f);
}

static void
test_limit_bytes(void)
{
	struct ipfrag_limits	 l;
	struct ipfrag		*f;
	struct ipfrag_key	 k;
	uint16_t		 id;

	ipfrag_limits_default(&l);
	l.max_bytes = 4096;
	f = ipfrag_new(&l);
	for (id = 0; id < 4; id++) {
		key_v4(&k, id);
		CHECK_INT(add(f, &k, 0, 1000, 1, 0, 0), IPFRAG_HELD);
	}
	/* The oldest went; what is held stays within the limit. */
	CHECK(stats(f).dropped_memory >= 1);
	CHECK(stats(f).bytes_pending <= 4096);
	/* A fragment bigger than everything allowed: its datagram goes. */
	key_v4(&k, 3);
	CHECK_INT(add(f, &k, 1000, 4096, 1, 0, 0), IPFRAG_DROPPED);
	CHECK(stats(f).bytes_pending <= 4096);
	/* One that fits after the others are pushed out completes. */
	key_v4(&k, 9);
	CHECK_INT(add(f, &k, 0, 2000, 1, 0, 0), IPFRAG_HELD);
	CHECK_INT(add(f, &k, 2000, 1500, 0, 0, 3500), IPFRAG_COMPLETE);
	ipfrag_free(f);

	/* Room for no datagram at all. */
	l.max_bytes = 16;
	f = ipfrag_new(&l);
	CHECK_INT(add(f, &k, 0, 8, 1, 0, 0), IPFRAG_DROPPED);
	CHECK_INT(stats(f).dropped_memory, 1);
	CHECK_INT(stats(f).datagrams_pending, 0);
	ipfrag_free(f);
}

/* Random orders with duplicates: always the same datagram once. */
static void
test_shuffled(void)
{
	struct ipfrag		*f = new_frag();
	struct ipfrag_key	 k;
	uint32_t		 order[64], total, n, i, j, t, round;
	int			 completed;
	enum ipfrag_result	 r;

	srand(12345);
	for (round = 0; round < 200; round++) {
		key_v4(&k, (uint16_t)round);
		n = 2 + (uint32_t)rand() % 40;
		total = (n - 1) * 64 + 1 + (uint32_t)rand() % 64;
		for (i = 0; i < n; i++)
			order[i] = i;
		for (i = n - 1; i > 0; i--) {
			j = (uint32_t)rand() % (i + 1);
			t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		completed = 0;
		for (i = 0; i < n; i++) {
			int		more = order[i] != n - 1;
			uint32_t	off = order[i] * 64;
			uint32_t	len = more ? 64 : total - off;

			/* A duplicate now and then, before completion. */
			if (i + 1 < n && rand() % 4 == 0)
				CHECK_INT(add(f, &k, off, len, more, 0, 0),
				    IPFRAG_HELD);
			r = add(f, &k, off, len, more, 0, total);
			if (r == IPFRAG_COMPLETE)
				completed++;
			else
				CHECK_INT(r, IPFRAG_HELD);
		}
		CHECK_INT(completed, 1);
		CHECK(i == n);
	}
	CHECK_INT(stats(f).reassembled, 200);
	CHECK_INT(stats(f).datagrams_pending, 0);
	CHECK_INT(stats(f).dropped_overlap, 0);
	ipfrag_free(f);
}

int
main(void)
{
	fill_datagram();
	RUN(test_in_order);
	RUN(test_reversed);
	RUN(test_keys_apart);
	RUN(test_duplicates);
	RUN(test_overlap);
	RUN(test_conflicting_ends);
	RUN(test_malformed);
	RUN(test_timeout);
	RUN(test_limit_datagrams);
	RUN(test_limit_bytes);
	RUN(test_shuffled);
	return unit_done("ipfrag");
}
