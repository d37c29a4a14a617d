/*
 * Pairing the streams of two capture points by evidence, never by one key.
 *
 * An SSRC says little on its own: sipp's pcap play sends the same SSRC,
 * sequence numbers, timestamps and payloads on every call, relays keep the
 * SSRC across legs, and NAT changes addresses and ports.  So:
 *
 * 1. Candidates: a stream of A and one of B with the same SSRC and payload
 *    type whose numbers overlap, with the same RTP timestamp on (nearly)
 *    every number both saw.  Each carries the transit of the numbers both
 *    saw, x = tB - tA on the points' own clocks: its minimum, median and
 *    maximum.  A candidate that swaps an endpoint's role, the source at
 *    one point being the destination at the other, is the other direction
 *    of the call (which fits in every other way when both sides play the
 *    same recording): it is out from the start (reversed).
 * 2. The clock picture.  The clocks share an unknown offset; the true
 *    pairs of one direction have nearly the same x (offset plus the
 *    segment's delay), a wrong pair (another call with the same SSRC two
 *    seconds later) is seconds off.  The cluster of x that covers the most
 *    streams is one direction; two clusters are the two directions when
 *    they share no stream, their streams run opposite ways between the
 *    same hosts, and together they cover more (compare_find_clusters).
 *    Only the candidates not ruled out count for these.
 * 3. A candidate whose x is in neither cluster is out.  Endpoint mappings
 *    (A's ip:port to B's ip:port, either role) are learnt from each pair
 *    made; a candidate that contradicts one is out, one consistent with
 *    them (or with no NAT at all) scores.  The same Call-ID at both points
 *    scores more; the same payload bytes less.  A pair is made when each
 *    stream is the other's single best; ties are left ambiguous.  Rounds
 *    go on while pairs are made, each round's mappings helping the next.
 * 4. Both directions paired: the offset is the midpoint of the minimum
 *    transit each way (equal minimum delays assumed), and the clocks are
 *    trusted.  Upstream is the point that saw the packets first.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "probe/compare/compare.h"
#include "probe/compare/compare-pairing.h"
#include "probe/vqprobe.h"

/* What a candidate's evidence is worth, beyond what every one has. */
#define SCORE_CALL_ID		8
#define SCORE_MAPPING		2	/* each endpoint */
#define SCORE_PAYLOAD		1

static int
double_order(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

/* The multiple of 65536 that brings b's numbers nearest a's. */
static int32_t
seq_shift(const struct compare_stream *a, const struct compare_stream *b)
{
	double k = (double)a->seqs[0].ext_seq - (double)b->seqs[0].ext_seq;

	return (int32_t)(floor(k / 65536.0 + 0.5) * 65536.0);
}

/*
 * Is (a, b) a candidate?  Fills c from the numbers both saw; 0 when they
 * saw none, or disagree on the timestamps.
 */
static int
cand_eval(struct pairing *pr, size_t ia, size_t ib, struct cand *c)
{
	const struct compare_stream *a = &pr->pts[0].streams[ia];
	const struct compare_stream *b = &pr->pts[1].streams[ib];
	const struct compare_pkt *pa, *pb;
	size_t i = 0, j = 0, ts_match = 0;
	int32_t sb;

	if (a->n_seqs == 0 || b->n_seqs == 0)
		return 0;
	memset(c, 0, sizeof(*c));
	c->a = ia;
	c->b = ib;
	c->shift = seq_shift(a, b);
	if (pr->n_scratch < a->n_seqs) {
		pr->n_scratch = a->n_seqs;
		pr->scratch = xreallocarray(pr->scratch, pr->n_scratch,
		    sizeof(*pr->scratch));
	}
	while (i < a->n_seqs && j < b->n_seqs) {
		sb = b->seqs[j].ext_seq + c->shift;
		if (a->seqs[i].ext_seq < sb) {
			i++;
			continue;
		}
		if (a->seqs[i].ext_seq > sb) {
			j++;
			continue;
		}
		pa = &a->pkts[a->seqs[i].first];
		pb = &b->pkts[b->seqs[j].first];
		ts_match += pa->rtp_ts == pb->rtp_ts;
		c->hash_match += pa->payload_hash == pb->payload_hash;
		pr->scratch[c->common++] = (double)(pb->ts_us - pa->ts_us);
		i++;
		j++;
	}
	if (c->common == 0 ||
	    ts_match * 100 < c->common * COMPARE_TS_AGREE_PCT)
		return 0;
	qsort(pr->scratch, c->common, sizeof(*pr->scratch), double_order);
	c->x_min = pr->scratch[0];
	c->x_max = pr->scratch[c->common - 1];
	c->x_med = pr->scratch[(c->common - 1) / 2];
	return 1;
}

/* Of two streams' groups (SSRC, then payload type), which comes first. */
static int
group_cmp(const struct compare_stream *a, const struct compare_stream *b)
{
	if (a->ssrc != b->ssrc)
		return a->ssrc < b->ssrc ? -1 : 1;
	if (a->payload_type != b->payload_type)
		return a->payload_type < b->payload_type ? -1 : 1;
	return 0;
}

/*
 * Streams of a point by group, then index; qsort has no argument for the
 * table, so it is lent here for the sort (one thread compares).
 */
static const struct compare_stream *order_streams;

static int
stream_order(const void *x, const void *y)
{
	const struct compare_stream *a = &order_streams[*(const size_t *)x];
	const struct compare_stream *b = &order_streams[*(const size_t *)y];
	int cmp = group_cmp(a, b);

	if (cmp != 0)
		return cmp;
	return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

static size_t *
sorted_streams(const struct compare_point *pt)
{
	size_t *idx = xreallocarray(NULL, pt->n_streams + 1, sizeof(*idx));
	size_t i;

	for (i = 0; i < pt->n_streams; i++)
		idx[i] = i;
	order_streams = pt->streams;
	qsort(idx, pt->n_streams, sizeof(*idx), stream_order);
	order_streams = NULL;
	return idx;
}

/*
 * Does a candidate swap an endpoint's role between the points: A's source
 * is B's destination, or A's destination B's source?  On one path a
 * packet keeps going away from its source; NAT may rewrite either
 * address, but what it rewrites stays in its role.  Such a candidate is
 * the reverse stream of the same call, and when both sides play one
 * recording (sipp's pcap play: one SSRC, numbers, timestamps and payload
 * each way) it agrees on everything else, with a transit near the true
 * pairs of the other direction: counted, it joins their cluster, which
 * then shares a stream with the cluster of the stream's own pair, and the
 * own pair is out with that cluster.  So it counts for no cluster's
 * support nor for what two clusters share, and never fits; it stays in
 * the pool only as a point on the line of transits, so that clusters are
 * drawn where they were (between the two directions' transits it can
 * join them into one cluster, which both then fit).  The cost: a relay
 * between the points that receives and sends on one ip:port cannot be
 * paired across (its streams are listed as rejected).
 */
static int
reversed(const struct pairing *pr, const struct cand *c)
{
	const struct compare_stream *a = &pr->pts[0].streams[c->a];
	const struct compare_stream *b = &pr->pts[1].streams[c->b];

	return endpoint_equal(&a->src, &b->dst) ||
	    endpoint_equal(&a->dst, &b->src);
}

/* Every candidate: within each group of one SSRC and payload type. */
static void
find_candidates(struct pairing *pr)
{
	struct compare_point *pa = &pr->pts[0], *pb = &pr->pts[1];
	size_t *ia = sorted_streams(pa), *ib = sorted_streams(pb);
	size_t i = 0, j = 0, ie, je, x, y, cap = 0;
	struct cand c;
	int cmp;

	while (i < pa->n_streams && j < pb->n_streams) {
		cmp = group_cmp(&pa->streams[ia[i]], &pb->streams[ib[j]]);
		if (cmp < 0) {
			i++;
			continue;
		}
		if (cmp > 0) {
			j++;
			continue;
		}
		for (ie = i; ie < pa->n_streams &&
		    group_cmp(&pa->streams[ia[ie]], &pa->streams[ia[i]]) == 0; ie++)
			;
		for (je = j; je < pb->n_streams &&
		    group_cmp(&pb->streams[ib[je]], &pb->streams[ib[j]]) == 0; je++)
			;
		for (x = i; x < ie; x++)
			for (y = j; y < je; y++) {
				if (!cand_eval(pr, ia[x], ib[y], &c))
					continue;
				c.reversed = reversed(pr, &c);
				if (pr->n_cands == cap) {
					cap = cap ? cap * 2 : 64;
					pr->cands = xreallocarray(pr->cands,
					    cap, sizeof(*pr->cands));
				}
				pr->cands[pr->n_cands++] = c;
			}
		i = ie;
		j = je;
	}
	free(ia);
	free(ib);
}

static int
mapping_order(const void *x, const void *y)
{
	return memcmp(((const struct mapping *)x)->from,
	    ((const struct mapping *)y)->from, ENDPOINT_KEY_LEN);
}

/* What the learnt mappings of one way say of from: its image, or NULL. */
static const uint8_t *
mapping_find(const struct pairing *pr, int way, const struct vq_endpoint *ep)
{
	struct mapping key;
	const struct mapping *m;

	if (pr->n_maps == 0)
		return NULL;
	endpoint_pack(ep, key.from);
	m = bsearch(&key, pr->maps[way], pr->n_maps, sizeof(key),
	    mapping_order);
	return m != NULL ? m->to : NULL;
}

/* Learn the endpoint mappings of every pair made so far. */
static void
learn_mappings(struct pairing *pr)
{
	const struct compare_stream *a, *b;
	size_t i, n = 0;
	int way;

	for (way = 0; way < COMPARE_POINTS; way++)
		free(pr->maps[way]);
	for (i = 0; i < pr->pts[0].n_streams; i++)
		n += pr->paired[0][i] != SIZE_MAX;
	for (way = 0; way < COMPARE_POINTS; way++)
		pr->maps[way] = xreallocarray(NULL, 2 * n + 1,
		    sizeof(struct mapping));
	pr->n_maps = 0;
	for (i = 0; i < pr->pts[0].n_streams; i++) {
		if (pr->paired[0][i] == SIZE_MAX)
			continue;
		a = &pr->pts[0].streams[i];
		b = &pr->pts[1].streams[pr->paired[0][i]];
		endpoint_pack(&a->src, pr->maps[0][pr->n_maps].from);
		endpoint_pack(&b->src, pr->maps[0][pr->n_maps].to);
		endpoint_pack(&b->src, pr->maps[1][pr->n_maps].from);
		endpoint_pack(&a->src, pr->maps[1][pr->n_maps++].to);
		endpoint_pack(&a->dst, pr->maps[0][pr->n_maps].from);
		endpoint_pack(&b->dst, pr->maps[0][pr->n_maps].to);
		endpoint_pack(&b->dst, pr->maps[1][pr->n_maps].from);
		endpoint_pack(&a->dst, pr->maps[1][pr->n_maps++].to);
	}
	for (way = 0; way < COMPARE_POINTS; way++)
		qsort(pr->maps[way], pr->n_maps, sizeof(struct mapping),
		    mapping_order);
}

/*
 * One endpoint of a candidate against the mappings: -1 contradicted, 1
 * consistent (learnt, or the same at both points), 0 not known.
 */
static int
mapping_check_one(const struct pairing *pr, const struct vq_endpoint *ea,
    const struct vq_endpoint *eb)
{
	uint8_t ka[ENDPOINT_KEY_LEN], kb[ENDPOINT_KEY_LEN];
	const uint8_t *to_b = mapping_find(pr, 0, ea);
	const uint8_t *to_a = mapping_find(pr, 1, eb);

	endpoint_pack(ea, ka);
	endpoint_pack(eb, kb);
	if ((to_b != NULL && memcmp(to_b, kb, sizeof(kb)) != 0) ||
	    (to_a != NULL && memcmp(to_a, ka, sizeof(ka)) != 0))
		return -1;
	return to_b != NULL || endpoint_equal(ea, eb);
}

/* Both endpoints of a candidate: -1, or how many are consistent (0-2). */
static int
mapping_check(const struct pairing *pr, const struct cand *c)
{
	const struct compare_stream *a = &pr->pts[0].streams[c->a];
	const struct compare_stream *b = &pr->pts[1].streams[c->b];
	int s = mapping_check_one(pr, &a->src, &b->src);
	int d = mapping_check_one(pr, &a->dst, &b->dst);

	if (s < 0 || d < 0)
		return -1;
	return s + d;
}

static int
same_call(const struct pairing *pr, const struct cand *c)
{
	const char *a = pr->pts[0].streams[c->a].call_id;
	const char *b = pr->pts[1].streams[c->b].call_id;

	return a[0] != '\0' && strcmp(a, b) == 0;
}

/* A candidate's score, or -1 when it is out. */
static int
cand_score(const struct pairing *pr, const struct cand *c)
{
	int m, score = 0;

	if (!c->fits || pr->paired[0][c->a] != SIZE_MAX ||
	    pr->paired[1][c->b] != SIZE_MAX || (m = mapping_check(pr, c)) < 0)
		return -1;
	score += SCORE_MAPPING * m;
	if (same_call(pr, c))
		score += SCORE_CALL_ID;
	if (c->hash_match == c->common)
		score += SCORE_PAYLOAD;
	return score;
}

/* Each stream's best candidates this round. */
struct best {
	int		 score;		/* -1: none */
	size_t		 n;		/* candidates at that score */
	size_t		 cand;		/* one of them */
};

static void
best_note(struct best *b, int score, size_t cand)
{
	if (score < 0 || score < b->score)
		return;
	if (score > b->score) {
		b->score = score;
		b->n = 0;
		b->cand = cand;
	}
	b->n++;
}

/* Rank every stream's candidates; best[0] for A's streams, best[1] B's. */
static void
rank(const struct pairing *pr, struct best *best[COMPARE_POINTS])
{
	size_t i;
	int p, s;

	for (p = 0; p < COMPARE_POINTS; p++)
		for (i = 0; i < pr->pts[p].n_streams; i++) {
			best[p][i].score = -1;
			best[p][i].n = 0;
		}
	for (i = 0; i < pr->n_cands; i++) {
		s = cand_score(pr, &pr->cands[i]);
		best_note(&best[0][pr->cands[i].a], s, i);
		best_note(&best[1][pr->cands[i].b], s, i);
	}
}

/* Rounds of mutual single bests (step 3); returns the pairs' candidates. */
static size_t *
choose(struct pairing *pr, struct best *best[COMPARE_POINTS], size_t *n_out)
{
	size_t *made = xreallocarray(NULL, pr->pts[0].n_streams + 1,
	    sizeof(*made));
	size_t i, n = 0, before;
	const struct cand *c;

	do {
		before = n;
		rank(pr, best);
		for (i = 0; i < pr->pts[0].n_streams; i++) {
			if (best[0][i].n != 1)
				continue;
			c = &pr->cands[best[0][i].cand];
			if (best[1][c->b].n != 1 || best[1][c->b].cand !=
			    best[0][i].cand)
				continue;
			made[n++] = best[0][i].cand;
		}
		/* Made after the round: one round's choices are all equal. */
		for (i = before; i < n; i++)
			pr->cands[made[i]].mapped =
			    mapping_check(pr, &pr->cands[made[i]]) > 0;
		for (i = before; i < n; i++) {
			c = &pr->cands[made[i]];
			pr->paired[0][c->a] = c->b;
			pr->paired[1][c->b] = c->a;
		}
		if (n > before)
			learn_mappings(pr);
	} while (n > before);
	/* The last round made nothing: best holds the final ranking. */
	*n_out = n;
	return made;
}

/* The pair of a candidate, with its evidence; figures come later. */
static void
make_pair(const struct pairing *pr, const struct cand *c,
    struct compare_pair *p)
{
	const struct compare_stream *a = &pr->pts[0].streams[c->a];
	const struct compare_stream *b = &pr->pts[1].streams[c->b];

	memset(p, 0, sizeof(*p));
	p->stream[0] = c->a;
	p->stream[1] = c->b;
	p->seq_shift = c->shift;
	p->common_seqs = c->common;
	p->transit_median_us = c->x_med;
	p->evidence = COMPARE_BY_SSRC | COMPARE_BY_PT | COMPARE_BY_SEQUENCE |
	    COMPARE_BY_TIMESTAMP;
	if (c->fits)
		p->evidence |= COMPARE_BY_TIME;
	if (c->mapped)
		p->evidence |= COMPARE_BY_NAT_MAPPING;
	if (same_call(pr, c))
		p->evidence |= COMPARE_BY_CALL_ID;
	p->nat = !endpoint_equal(&a->src, &b->src) ||
	    !endpoint_equal(&a->dst, &b->dst);
}

/*
 * The clock (step 4).  Two pairs whose streams run opposite ways between
 * the same hosts (at A) are the two directions: the one with the larger
 * transit goes A to B, x = offset + delay; the other x = offset - delay.
 * B's clock minus A's is the midpoint of the minimum transit each way
 * over all such pairs.  With none, no offset: upstream by the raw order.
 */
static void
set_clock(const struct pairing *pr, const size_t *made, size_t n_made,
    struct compare_result *res)
{
	double m_ab = INFINITY, m_ba = INFINITY;
	const struct compare_stream *s, *t;
	const struct cand *ci, *cj, *hi, *lo;
	size_t i, j;

	res->clock.trusted = 0;
	res->clock.offset_us = 0;
	res->clock.method = n_made == 0 ? NULL :
	    "none: traffic paired one way only, the clocks cannot be "
	    "compared; upstream from the raw time order";
	for (i = 0; i < n_made; i++) {
		ci = &pr->cands[made[i]];
		s = &pr->pts[0].streams[ci->a];
		for (j = i + 1; j < n_made; j++) {
			cj = &pr->cands[made[j]];
			t = &pr->pts[0].streams[cj->a];
			if (!addr_equal(&s->src.addr, &t->dst.addr) ||
			    !addr_equal(&s->dst.addr, &t->src.addr) ||
			    ci->x_med == cj->x_med)
				continue;
			hi = ci->x_med > cj->x_med ? ci : cj;
			lo = hi == ci ? cj : ci;
			if (hi->x_min < m_ab)
				m_ab = hi->x_min;
			if (-lo->x_max < m_ba)
				m_ba = -lo->x_max;
		}
	}
	if (!isfinite(m_ab) || !isfinite(m_ba))
		return;
	res->clock.trusted = 1;
	res->clock.offset_us = (m_ab - m_ba) / 2;
	res->clock.method = "midpoint of the minimum transit each way "
	    "(assumes equal minimum delays both ways)";
}

/*
 * Upstream: with the clocks trusted, the point that saw the packets first.
 * Else the raw time order, unless the numbers say otherwise: when one
 * point saw numbers the other did not, and not the other way round, the
 * one that saw more is upstream (loss is only ever added downstream).
 */
static void
set_upstream(const struct compare_point *pts, const struct compare_clock *clk,
    struct compare_pair *p)
{
	const struct compare_stream *a = &pts[0].streams[p->stream[0]];
	const struct compare_stream *b = &pts[1].streams[p->stream[1]];
	size_t only_a = a->n_seqs - p->common_seqs;
	size_t only_b = b->n_seqs - p->common_seqs;
	int raw, by_loss = -1;

	p->upstream_by_loss = 0;
	if (clk->trusted) {
		p->upstream = p->transit_median_us > clk->offset_us ? 0 : 1;
		return;
	}
	if (only_a > 0 && only_b == 0)
		by_loss = 0;
	else if (only_b > 0 && only_a == 0)
		by_loss = 1;
	raw = p->transit_median_us >= 0 ? 0 : 1;
	p->upstream = raw;
	if (by_loss >= 0 && by_loss != raw) {
		p->upstream = by_loss;
		p->upstream_by_loss = 1;
	}
}

/*
 * A stream left unpaired: ambiguous while candidates are left that no
 * evidence tells apart; rejected when it had some (had of them) and each
 * was ruled out; no candidate only when it had none.
 */
static void
add_unpaired(struct compare_result *res, int point, size_t stream,
    const struct best *b, const struct best *other, size_t had)
{
	struct compare_unpaired *u;

	res->unpaired = xreallocarray(res->unpaired, res->n_unpaired + 1,
	    sizeof(*res->unpaired));
	u = &res->unpaired[res->n_unpaired++];
	u->point = point;
	u->stream = stream;
	u->candidates = b->score < 0 ? 0 : b->n;
	/* Its one best wants another: as undecided as a tie. */
	if (u->candidates == 1 && other != NULL && other->n > 1)
		u->candidates = other->n;
	if (u->candidates > 0)
		u->reason = COMPARE_AMBIGUOUS;
	else if (had > 0) {
		u->reason = COMPARE_REJECTED;
		u->candidates = had;
	} else
		u->reason = COMPARE_NO_CANDIDATE;
}

void
compare_pair_points(struct compare_point pts[COMPARE_POINTS],
    struct compare_result *res)
{
	struct pairing pr;
	struct best *best[COMPARE_POINTS];
	size_t *made, n_made, i, *had[COMPARE_POINTS];
	int p;

	memset(res, 0, sizeof(*res));
	memset(&pr, 0, sizeof(pr));
	pr.pts = pts;
	for (p = 0; p < COMPARE_POINTS; p++) {
		compare_point_finish(&pts[p]);
		pr.paired[p] = xreallocarray(NULL, pts[p].n_streams + 1,
		    sizeof(size_t));
		for (i = 0; i < pts[p].n_streams; i++)
			pr.paired[p][i] = SIZE_MAX;
		best[p] = xcalloc(pts[p].n_streams + 1, sizeof(struct best));
		had[p] = xcalloc(pts[p].n_streams + 1, sizeof(size_t));
	}
	find_candidates(&pr);
	compare_find_clusters(&pr);
	made = choose(&pr, best, &n_made);

	res->pairs = xcalloc(n_made + 1, sizeof(*res->pairs));
	for (i = 0; i < n_made; i++)
		make_pair(&pr, &pr.cands[made[i]], &res->pairs[res->n_pairs++]);
	set_clock(&pr, made, n_made, res);
	for (i = 0; i < res->n_pairs; i++) {
		set_upstream(pts, &res->clock, &res->pairs[i]);
		compare_figures(pts, &res->clock, &res->pairs[i]);
		res->lost_after_clamped += res->pairs[i].fig.lost_after_clamped;
	}
	for (i = 0; i < pr.n_cands; i++) {
		had[0][pr.cands[i].a]++;
		had[1][pr.cands[i].b]++;
	}
	for (p = 0; p < COMPARE_POINTS; p++)
		for (i = 0; i < pts[p].n_streams; i++) {
			const struct best *b = &best[p][i], *other = NULL;

			if (pr.paired[p][i] != SIZE_MAX)
				continue;
			if (b->score >= 0 && b->n == 1)
				other = &best[1 - p][p == 0 ?
				    pr.cands[b->cand].b : pr.cands[b->cand].a];
			add_unpaired(res, p, i, b, other, had[p][i]);
		}
	for (p = 0; p < COMPARE_POINTS; p++) {
		free(pr.paired[p]);
		free(pr.maps[p]);
		free(best[p]);
		free(had[p]);
	}
	free(made);
	free(pr.cands);
	free(pr.scratch);
}

void
compare_result_free(struct compare_result *res)
{
	free(res->pairs);
	free(res->unpaired);
	memset(res, 0, sizeof(*res));
}
