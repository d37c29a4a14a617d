/*
 * The clock picture of a pairing (step 2 of compare-pair.c): the
 * candidates' transit times, clustered; the cluster that covers the most
 * streams is one direction of the path, and two clusters are its two
 * directions when they share no stream and run opposite ways.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "probe/compare/compare-pairing.h"
#include "probe/vqprobe.h"

/* Candidates by x_med, for clustering. */
static int
cand_x_order(const void *x, const void *y)
{
	const struct cand *a = *(const struct cand *const *)x;
	const struct cand *b = *(const struct cand *const *)y;

	return a->x_med < b->x_med ? -1 : a->x_med > b->x_med;
}

static int
size_order(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	return a < b ? -1 : a > b;
}

/*
 * Distinct streams of A among candidates lo..hi-1 of the sorted pool, of
 * those not ruled out.
 */
static size_t
cluster_support(struct cand **pool, size_t lo, size_t hi)
{
	size_t *a = xreallocarray(NULL, hi - lo + 1, sizeof(*a));
	size_t i, k = 0, n = 0;

	for (i = lo; i < hi; i++)
		if (!pool[i]->reversed)
			a[k++] = pool[i]->a;
	qsort(a, k, sizeof(*a), size_order);
	for (i = 0; i < k; i++)
		n += i == 0 || a[i] != a[i - 1];
	free(a);
	return n;
}

/* Clusters by support, most first; of equals, nearest zero first. */
static int
cluster_order(const void *x, const void *y)
{
	const struct cluster *a = x, *b = y;

	if (a->support != b->support)
		return a->support > b->support ? -1 : 1;
	return fabs(a->lo + a->hi) < fabs(b->lo + b->hi) ? -1 :
	    fabs(a->lo + a->hi) > fabs(b->lo + b->hi);
}

/*
 * The clusters of x_med in the pool (sorted by x_med here), by single
 * linkage; the most supported first, at most COMPARE_TOP_CLUSTERS.
 */
static size_t
all_clusters(struct cand **pool, size_t n, struct cluster *out)
{
	struct cluster *all = xreallocarray(NULL, n + 1, sizeof(*all));
	size_t i, start = 0, k = 0;

	qsort(pool, n, sizeof(*pool), cand_x_order);
	for (i = 1; i <= n; i++) {
		if (i < n && pool[i]->x_med - pool[i - 1]->x_med <=
		    COMPARE_CLUSTER_GAP_US)
			continue;
		all[k].lo = pool[start]->x_med;
		all[k].hi = pool[i - 1]->x_med;
		all[k].first = start;
		all[k].end = i;
		all[k++].support = cluster_support(pool, start, i);
		start = i;
	}
	qsort(all, k, sizeof(*all), cluster_order);
	if (k > COMPARE_TOP_CLUSTERS)
		k = COMPARE_TOP_CLUSTERS;
	memcpy(out, all, k * sizeof(*all));
	free(all);
	return k;
}

static int
in_cluster(const struct cluster *cl, double x)
{
	return x >= cl->lo - COMPARE_CLUSTER_GAP_US &&
	    x <= cl->hi + COMPARE_CLUSTER_GAP_US;
}

/*
 * Can clusters i and j be the two directions of one path?  Their
 * candidates not ruled out share no stream, and some stream of j runs
 * back the way one of i runs (at A, between the same two hosts).
 */
static int
two_ways(const struct pairing *pr, struct cand **pool,
    const struct cluster *ci, const struct cluster *cj)
{
	const struct compare_stream *s, *t;
	size_t x, y;
	int back = 0;

	for (x = ci->first; x < ci->end; x++)
		for (y = cj->first; y < cj->end; y++) {
			if (pool[x]->reversed || pool[y]->reversed)
				continue;
			if (pool[x]->a == pool[y]->a ||
			    pool[x]->b == pool[y]->b)
				return 0;
			s = &pr->pts[0].streams[pool[x]->a];
			t = &pr->pts[0].streams[pool[y]->a];
			back |= addr_equal(&t->src.addr, &s->dst.addr) &&
			    addr_equal(&t->dst.addr, &s->src.addr);
		}
	return back;
}

/*
 * The clock picture (step 2): the most supported cluster, or two that are
 * the two ways of the path and together support more.  Of two such
 * explanations equally supported, the one with the shorter round trip
 * (hi - lo: the delays both ways added) is the more likely: with the same
 * recording played both ways, pairing each stream with the other
 * direction's is consistent too, but only with long delays.
 */
void
compare_find_clusters(struct pairing *pr)
{
	struct cand **pool = xreallocarray(NULL, pr->n_cands + 1,
	    sizeof(*pool));
	struct cluster top[COMPARE_TOP_CLUSTERS];
	size_t i, j, n, score, best_score = 0;
	double sep, best_sep = INFINITY;
	struct cand *c;

	for (i = 0; i < pr->n_cands; i++)
		pool[i] = &pr->cands[i];
	n = all_clusters(pool, pr->n_cands, top);
	if (n > 0) {
		pr->clusters[0] = top[0];
		pr->n_clusters = 1;
		best_score = top[0].support;
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			score = top[i].support + top[j].support;
			sep = fabs(top[i].lo + top[i].hi - top[j].lo -
			    top[j].hi);
			if (score < best_score || (score == best_score &&
			    pr->n_clusters == 2 && sep >= best_sep) ||
			    !two_ways(pr, pool, &top[i], &top[j]))
				continue;
			pr->clusters[0] = top[i];
			pr->clusters[1] = top[j];
			pr->n_clusters = 2;
			best_score = score;
			best_sep = sep;
		}
	for (i = 0; i < pr->n_cands; i++) {
		c = &pr->cands[i];
		c->fits = !c->reversed && pr->n_clusters > 0 &&
		    (in_cluster(&pr->clusters[0], c->x_med) ||
		    (pr->n_clusters > 1 &&
		    in_cluster(&pr->clusters[1], c->x_med)));
	}
	free(pool);
}
