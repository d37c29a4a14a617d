/*
 * IP reassembly: IPv4 (RFC 791 section 3.2, RFC 815), IPv6 (RFC 8200
 * section 4.5) with overlapping fragments refused (RFC 5722).
 *
 * A datagram in progress is identified by its key and holds its fragments
 * in a list sorted by offset, none overlapping another:
 *
 *   0          8*k         8*m                 total
 *   +-----------+     +-----+-----------------+
 *   | offset 0  | ... | ... | last (MF clear) |
 *   +-----------+     +-----+-----------------+
 *
 * Since no two fragments overlap, the datagram is whole exactly when the
 * last fragment has given its total length and the held bytes add up to
 * it.  Datagrams sit in a hash table for lookup and in a list by age, so
 * the oldest (first to time out, first to go when a limit is reached) is
 * always at its head.
 */

#include <stdlib.h>
#include <string.h>

#include "dissectors/ipfrag.h"

#define IPFRAG_MAX_BUCKETS	65536

struct frag {
	struct frag	*next;		/* by offset */
	uint32_t	 offset;
	uint32_t	 len;
	uint8_t		 data[];
};

struct dgram {
	struct dgram	*hash_next;
	struct dgram	*older;
	struct dgram	*newer;
	struct ipfrag_key key;
	uint32_t	 hash;
	int64_t		 first_us;	/* capture time of the first fragment */
	struct frag	*frags;		/* by offset */
	struct frag	*tail;		/* the last of frags */
	uint32_t	 n_frags;
	uint32_t	 data_bytes;	/* fragment bytes held */
	uint32_t	 charged;	/* counted against max_bytes */
	uint32_t	 total;		/* from the last fragment */
	int		 has_total;
	uint8_t		 proto;		/* from the fragment at offset 0 */
};

struct ipfrag {
	struct ipfrag_limits	 limits;
	struct dgram		**buckets;
	uint32_t		 n_buckets;	/* a power of two */
	struct dgram		*oldest;
	struct dgram		*newest;
	struct ipfrag_stats	 stats;
};

/* 30 s, as Linux's default ipfrag_time. */
void
ipfrag_limits_default(struct ipfrag_limits *l)
{
	l->timeout_us = 30 * 1000000LL;
	l->max_datagrams = 1024;
	l->max_bytes = 8u << 20;
	l->max_fragments = 256;
}

struct ipfrag *
ipfrag_new(const struct ipfrag_limits *limits)
{
	struct ipfrag	*f;
	uint32_t	 n = 16;

	if ((f = calloc(1, sizeof *f)) == NULL)
		return NULL;
	f->limits = *limits;
	while (n < limits->max_datagrams && n < IPFRAG_MAX_BUCKETS)
		n *= 2;
	if ((f->buckets = calloc(n, sizeof *f->buckets)) == NULL) {
		free(f);
		return NULL;
	}
	f->n_buckets = n;
	return f;
}

/* FNV-1a over the n bytes at p, continuing from h. */
static uint32_t
ipfrag_fnv(uint32_t h, const void *p, size_t n)
{
	const uint8_t	*b = p;

	while (n-- > 0)
		h = (h ^ *b++) * 16777619u;
	return h;
}

static uint32_t
ipfrag_hash(const struct ipfrag_key *k)
{
	uint32_t	h = 2166136261u;

	h = ipfrag_fnv(h, &k->version, 1);
	h = ipfrag_fnv(h, &k->proto, 1);
	h = ipfrag_fnv(h, &k->id, sizeof k->id);
	h = ipfrag_fnv(h, k->src.bytes, sizeof k->src.bytes);
	return ipfrag_fnv(h, k->dst.bytes, sizeof k->dst.bytes);
}

static int
ipfrag_key_equal(const struct ipfrag_key *a, const struct ipfrag_key *b)
{
	return a->version == b->version && a->proto == b->proto &&
	    a->id == b->id && addr_equal(&a->src, &b->src) &&
	    addr_equal(&a->dst, &b->dst);
}

/* Unlink a datagram from table and age list, free it, count its loss. */
static void
ipfrag_destroy(struct ipfrag *f, struct dgram *d, uint64_t *dropped)
{
	struct dgram	**pp;
	struct frag	 *fr, *next;

	for (pp = &f->buckets[d->hash & (f->n_buckets - 1)]; *pp != d;
	    pp = &(*pp)->hash_next)
		;
	*pp = d->hash_next;
	if (d->older != NULL)
		d->older->newer = d->newer;
	else
		f->oldest = d->newer;
	if (d->newer != NULL)
		d->newer->older = d->older;
	else
		f->newest = d->older;

	if (dropped != NULL)
		*dropped += d->n_frags;
	f->stats.datagrams_pending--;
	f->stats.bytes_pending -= d->charged;
	for (fr = d->frags; fr != NULL; fr = next) {
		next = fr->next;
		free(fr);
	}
	free(d);
}

/* Has the datagram first seen at first_us outlived the timeout by now? */
static int
ipfrag_timed_out(const struct ipfrag *f, int64_t first_us, int64_t now_us)
{
	if (now_us == INT64_MAX)
		return 1;
	/* Unsigned difference: no overflow whatever the two times are. */
	return now_us > first_us && (uint64_t)now_us - (uint64_t)first_us >
	    (uint64_t)f->limits.timeout_us;
}

void
ipfrag_expire(struct ipfrag *f, int64_t now_us)
{
	/*
	 * The age list is in order of arrival, which is capture order; a
	 * capture whose clock steps back only delays an expiry.
	 */
	while (f->oldest != NULL &&
	    ipfrag_timed_out(f, f->oldest->first_us, now_us))
		ipfrag_destroy(f, f->oldest, &f->stats.dropped_timeout);
}

void
ipfrag_free(struct ipfrag *f)
{
	if (f == NULL)
		return;
	while (f->oldest != NULL)
		ipfrag_destroy(f, f->oldest, NULL);
	free(f->buckets);
	free(f);
}

void
ipfrag_stats(const struct ipfrag *f, struct ipfrag_stats *out)
{
	*out = f->stats;
}

static struct dgram *
ipfrag_find(struct ipfrag *f, const struct ipfrag_key *key, uint32_t hash)
{
	struct dgram	*d;

	for (d = f->buckets[hash & (f->n_buckets - 1)]; d != NULL;
	    d = d->hash_next) {
		if (d->hash == hash && ipfrag_key_equal(&d->key, key))
			return d;
	}
	return NULL;
}

/*
 * Make room for charge more bytes by dropping the oldest datagrams other
 * than keep.  Returns 0, or -1 if even that is not enough.
 */
static int
ipfrag_make_room(struct ipfrag *f, uint32_t charge, const struct dgram *keep)
{
	struct dgram	*victim;

	if (charge > f->limits.max_bytes)
		return -1;
	while (f->stats.bytes_pending > f->limits.max_bytes - charge) {
		victim = f->oldest != keep ? f->oldest : keep->newer;
		if (victim == NULL)
			return -1;
		ipfrag_destroy(f, victim, &f->stats.dropped_memory);
	}
	return 0;
}

/* A new datagram for key, or NULL (counted) if there is no room. */
static struct dgram *
ipfrag_create(struct ipfrag *f, const struct ipfrag_key *key, uint32_t hash,
    int64_t now_us)
{
	struct dgram	*d;
	uint32_t	 bucket;

	while (f->stats.datagrams_pending >= f->limits.max_datagrams &&
	    f->oldest != NULL)
		ipfrag_destroy(f, f->oldest, &f->stats.dropped_too_many);
	if (f->limits.max_datagrams == 0 ||
	    ipfrag_make_room(f, sizeof *d, NULL) != 0) {
		f->stats.dropped_memory++;
		return NULL;
	}
	if ((d = calloc(1, sizeof *d)) == NULL) {
		f->stats.dropped_memory++;
		return NULL;
	}
	d->key = *key;
	d->hash = hash;
	d->first_us = now_us;
	d->charged = sizeof *d;
	bucket = hash & (f->n_buckets - 1);
	d->hash_next = f->buckets[bucket];
	f->buckets[bucket] = d;
	d->older = f->newest;
	if (f->newest != NULL)
		f->newest->newer = d;
	else
		f->oldest = d;
	f->newest = d;
	f->stats.datagrams_pending++;
	f->stats.bytes_pending += d->charged;
	return d;
}

/*
 * Where a fragment [offset, end) goes: *prev_out is the held fragment
 * before it (NULL: at the head).  Returns 0 if it fits between its
 * neighbours, 1 if it is an exact duplicate of one, -1 if it overlaps.
 */
static int
ipfrag_place(const struct dgram *d, const struct ipfrag_fragment *in,
    struct frag **prev_out)
{
	struct frag	*prev = NULL, *next;
	uint32_t	 end = in->offset + in->len;

	/* In-order arrival is the usual case: check the tail first. */
	if (d->tail != NULL && d->tail->offset + d->tail->len <= in->offset)
		prev = d->tail;
	else {
		for (next = d->frags; next != NULL &&
		    next->offset + next->len <= in->offset; next = next->next)
			prev = next;
	}
	*prev_out = prev;
	next = prev != NULL ? prev->next : d->frags;
	if (next == NULL || end <= next->offset)
		return 0;
	if (next->offset == in->offset && next->len == in->len &&
	    memcmp(next->data, in->data, in->len) == 0)
		return 1;
	return -1;
}

/* Copy the whole datagram out and forget it. */
static enum ipfrag_result
ipfrag_complete(struct ipfrag *f, struct dgram *d, struct ipfrag_datagram *out)
{
	struct frag	*fr;

	if ((out->data = malloc(d->total)) == NULL) {
		ipfrag_destroy(f, d, &f->stats.dropped_memory);
		return IPFRAG_DROPPED;
	}
	for (fr = d->frags; fr != NULL; fr = fr->next)
		memcpy(out->data + fr->offset, fr->data, fr->len);
	out->len = d->total;
	out->proto = d->proto;
	f->stats.reassembled++;
	ipfrag_destroy(f, d, NULL);
	return IPFRAG_COMPLETE;
}

/* Drop datagram d and the fragment that doomed it, under counter c. */
static enum ipfrag_result
ipfrag_drop(struct ipfrag *f, struct dgram *d, uint64_t *c)
{
	ipfrag_destroy(f, d, c);
	(*c)++;
	return IPFRAG_DROPPED;
}

/* Add one fragment; see ipfrag.h. */
enum ipfrag_result
ipfrag_add(struct ipfrag *f, const struct ipfrag_key *key,
    const struct ipfrag_fragment *in, int64_t now_us,
    struct ipfrag_datagram *out)
{
	struct dgram	*d;
	struct frag	*prev, *fr;
	uint32_t	 hash, end, charge;
	int		 place;

	f->stats.fragments++;
	ipfrag_expire(f, now_us);

	/*
	 * Every fragment but the last carries a multiple of 8 bytes (the
	 * unit of the offset), and none reaches past 65535.  An empty
	 * last fragment is allowed: it only says where the datagram ends.
	 */
	if (in->offset > IPFRAG_MAX_DATAGRAM ||
	    in->len > IPFRAG_MAX_DATAGRAM - in->offset ||
	    (in->more && (in->len == 0 || in->len % 8 != 0)) ||
	    (!in->more && in->offset + in->len == 0)) {
		f->stats.dropped_malformed++;
		return IPFRAG_MALFORMED;
	}
	end = in->offset + in->len;

	hash = ipfrag_hash(key);
	if ((d = ipfrag_find(f, key, hash)) == NULL &&
	    (d = ipfrag_create(f, key, hash, now_us)) == NULL)
		return IPFRAG_DROPPED;

	/* The last fragment fixes the end; nothing may pass it. */
	if (!in->more) {
		if ((d->has_total && d->total != end) ||
		    (d->tail != NULL && d->tail->offset + d->tail->len > end))
			return ipfrag_drop(f, d, &f->stats.dropped_overlap);
	} else if (d->has_total && end > d->total) {
		return ipfrag_drop(f, d, &f->stats.dropped_overlap);
	}

	if (in->len > 0) {
		if ((place = ipfrag_place(d, in, &prev)) < 0)
			return ipfrag_drop(f, d, &f->stats.dropped_overlap);
		if (place > 0) {
			f->stats.duplicates++;
			return IPFRAG_HELD;
		}
		if (d->n_frags >= f->limits.max_fragments)
			return ipfrag_drop(f, d, &f->stats.dropped_too_many);
		charge = (uint32_t)sizeof *fr + in->len;
		if (ipfrag_make_room(f, charge, d) != 0 ||
		    (fr = malloc(sizeof *fr + in->len)) == NULL)
			return ipfrag_drop(f, d, &f->stats.dropped_memory);
		fr->offset = in->offset;
		fr->len = in->len;
		memcpy(fr->data, in->data, in->len);
		if (prev != NULL) {
			fr->next = prev->next;
			prev->next = fr;
		} else {
			fr->next = d->frags;
			d->frags = fr;
		}
		if (fr->next == NULL)
			d->tail = fr;
		d->n_frags++;
		d->data_bytes += in->len;
		d->charged += charge;
		f->stats.bytes_pending += charge;
	}
	if (in->offset == 0)
		d->proto = in->proto;
	if (!in->more) {
		d->total = end;
		d->has_total = 1;
	}

	if (d->has_total && d->data_bytes == d->total)
		return ipfrag_complete(f, d, out);
	return IPFRAG_HELD;
}
