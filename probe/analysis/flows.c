/*
 * The flow table (see flows.h).
 *
 * Linear probing in a power-of-two array at most three quarters full
 * (a lookup that hits then reads about two entries; half full, the
 * table at 10 000 calls took twice the 3 MB), deletion by
 * shifting back the entries after (no tombstones), so a lookup stops at
 * the first free slot.  A table grows as streams do and holds one entry
 * per stream at most: entries go with their streams.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/analysis/flows.h"
#include "probe/vqprobe.h"

#define FLOWS_MIN_SLOTS	1024

struct flow_table {
	struct flow	*slots;
	size_t		 mask;		/* slots - 1 */
	size_t		 n;
	const uint32_t	*stamps;	/* the call table's */
	uint64_t	 epoch;		/* moves when an entry may have */
};

struct flow_table *
flows_new(const struct call_table *calls)
{
	struct flow_table *t = xcalloc(1, sizeof(*t));

	t->slots = xcalloc(FLOWS_MIN_SLOTS, sizeof(*t->slots));
	t->mask = FLOWS_MIN_SLOTS - 1;
	t->stamps = calls_media_stamps(calls);
	return t;
}

void
flows_free(struct flow_table *t)
{
	if (t == NULL)
		return;
	free(t->slots);
	free(t);
}

size_t
flows_count(const struct flow_table *t)
{
	return t->n;
}

/* The key of two endpoints; every byte set, so that equal means same. */
static void
flow_key(uint64_t key[FLOW_KEY_WORDS], const struct vq_endpoint *src,
    const struct vq_endpoint *dst)
{
	key[0] = (uint64_t)src->addr.family | (uint64_t)src->port << 8 |
	    (uint64_t)dst->addr.family << 24 | (uint64_t)dst->port << 32;
	memcpy(&key[1], src->addr.bytes, 16);
	memcpy(&key[3], dst->addr.bytes, 16);
}

/*
 * Mix the words (a multiply and shifts each, as in the finalizer of
 * MurmurHash3): the low bits, which pick the slot, depend on all of them.
 * Never 0, which marks a free slot.
 */
static uint64_t
flow_hash(const uint64_t key[FLOW_KEY_WORDS])
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;
	int i;

	for (i = 0; i < FLOW_KEY_WORDS; i++) {
		h ^= key[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return h != 0 ? h : 1;
}

static int
key_equal(const uint64_t a[FLOW_KEY_WORDS], const uint64_t b[FLOW_KEY_WORDS])
{
	return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) |
	    (a[3] ^ b[3]) | (a[4] ^ b[4])) == 0;
}

/* The slot of the key, or the free slot where it would go. */
static struct flow *
slot_of(const struct flow_table *t, const uint64_t key[FLOW_KEY_WORDS],
    uint64_t hash)
{
	size_t i = hash & t->mask;

	while (t->slots[i].hash != 0 && (t->slots[i].hash != hash ||
	    !key_equal(t->slots[i].key, key)))
		i = (i + 1) & t->mask;
	return &t->slots[i];
}

/*
 * The entry of meta's flow, found with the help of a hint; NULL: none.
 * A hint still good gives it without the key being made at all.
 */
static struct flow *
entry_of(const struct flow_table *t, const struct pkt_meta *meta,
    const struct flow_hint *hint)
{
	uint64_t key[FLOW_KEY_WORDS];
	struct flow *f;

	if (hint != NULL && hint->step >= 2 && hint->epoch == t->epoch)
		return hint->flow;
	flow_key(key, &meta->src, &meta->dst);
	f = slot_of(t, key, hint != NULL && hint->step >= 1 ? hint->hash :
	    flow_hash(key));
	return f->hash != 0 ? f : NULL;
}

struct flow *
flows_find(struct flow_table *t, const struct pkt_meta *meta,
    const struct flow_hint *hint)
{
	struct flow *f;

	if ((f = entry_of(t, meta, hint)) == NULL ||
	    t->stamps[f->stamp_at[0]] != f->stamp[0] ||
	    t->stamps[f->stamp_at[1]] != f->stamp[1])
		return NULL;
	return f;
}

void
flows_hint_hash(const struct flow_table *t, const struct pkt_meta *meta,
    struct flow_hint *hint)
{
	uint64_t key[FLOW_KEY_WORDS];
	const char *slot;

	flow_key(key, &meta->src, &meta->dst);
	hint->hash = flow_hash(key);
	hint->step = 1;
	slot = (const char *)&t->slots[hint->hash & t->mask];
	/* An entry spans two lines, or three at the edge of one. */
	__builtin_prefetch(slot);
	__builtin_prefetch(slot + sizeof(struct flow) - 1);
}

void
flows_hint_entry(const struct flow_table *t, const struct pkt_meta *meta,
    struct flow_hint *hint)
{
	hint->flow = entry_of(t, meta, hint);
	hint->epoch = t->epoch;
	hint->step = 2;
	if (hint->flow != NULL)
		stream_prefetch(hint->flow->stream);
}

void
flows_hint_figures(const struct flow_table *t, struct flow_hint *hint,
    uint16_t seq)
{
	/* The entry, and so its stream, may have gone since. */
	if (hint->epoch == t->epoch && hint->flow != NULL)
		stream_prefetch_figures(hint->flow->stream, seq);
	hint->step = 3;
}

static void
grow(struct flow_table *t)
{
	struct flow *old = t->slots;
	size_t i, n = t->mask + 1;

	t->slots = xcalloc(2 * n, sizeof(*t->slots));
	t->mask = 2 * n - 1;
	t->epoch++;
	for (i = 0; i < n; i++)
		if (old[i].hash != 0)
			*slot_of(t, old[i].key, old[i].hash) = old[i];
	free(old);
}

void
flows_put(struct flow_table *t, const struct pkt_meta *meta, struct stream *s,
    uint32_t ssrc, const struct call_media *media, int media_is_dst)
{
	uint64_t key[FLOW_KEY_WORDS], hash;
	struct flow *f;
	unsigned at;

	if (4 * (t->n + 1) > 3 * (t->mask + 1))
		grow(t);
	flow_key(key, &meta->src, &meta->dst);
	hash = flow_hash(key);
	f = slot_of(t, key, hash);
	if (f->hash == 0)
		t->n++;
	t->epoch++;
	memset(f, 0, sizeof(*f));
	memcpy(f->key, key, sizeof(key));
	f->hash = hash;
	f->stream = s;
	f->media = media;
	f->media_is_dst = (uint8_t)media_is_dst;
	f->ssrc = ssrc;
	at = calls_media_stamp_at(&meta->dst);
	f->stamp_at[0] = (uint16_t)at;
	f->stamp[0] = t->stamps[at];
	at = calls_media_stamp_at(&meta->src);
	f->stamp_at[1] = (uint16_t)at;
	f->stamp[1] = t->stamps[at];
	f->pt = -1;
}

void
flows_forget(struct flow_table *t, const struct stream *s)
{
	uint64_t key[FLOW_KEY_WORDS];
	struct flow *f;
	size_t i, j, home;

	flow_key(key, stream_src(s), stream_dst(s));
	f = slot_of(t, key, flow_hash(key));
	if (f->hash == 0 || f->stream != s)
		return;		/* a later stream has the flow, or none */
	/*
	 * Shift back each entry after it that the free slot would hide
	 * from its lookup: one whose home is not cyclically within (i, j].
	 */
	i = (size_t)(f - t->slots);
	for (j = (i + 1) & t->mask; t->slots[j].hash != 0;
	    j = (j + 1) & t->mask) {
		home = t->slots[j].hash & t->mask;
		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	memset(&t->slots[i], 0, sizeof(t->slots[i]));
	t->n--;
	t->epoch++;
}
