/*
 * What the pairing (compare-pair.c) shares with its clock picture
 * (compare-cluster.c): the candidates and the state of one pairing.  Not
 * for any other file.
 */
#ifndef VQ_COMPARE_PAIRING_H
#define VQ_COMPARE_PAIRING_H

#include <stddef.h>
#include <stdint.h>

#include "probe/compare/compare.h"

/* Medians of transit this close belong to one cluster (single linkage). */
#define COMPARE_CLUSTER_GAP_US	20000.0
/* Of the numbers both saw, at least this share must have equal timestamps. */
#define COMPARE_TS_AGREE_PCT	90
/* Clusters weighed against each other, the most supported. */
#define COMPARE_TOP_CLUSTERS	16

struct cand {
	size_t		 a, b;		/* streams of A and of B */
	int32_t		 shift;		/* B's numbers + shift: A's */
	size_t		 common;	/* distinct numbers both saw */
	size_t		 hash_match;
	double		 x_min, x_med, x_max;	/* tB - tA, µs */
	int		 reversed;	/* an endpoint swaps roles: out */
	int		 fits;		/* x in a cluster */
	int		 mapped;	/* consistent with the mappings
					   learnt before it was chosen */
};

struct cluster {
	double		 lo, hi;	/* of the members' x_med */
	size_t		 support;	/* distinct streams of A in it */
	size_t		 first, end;	/* its members in the sorted pool */
};

/* An endpoint of one point and the endpoint it is at the other. */
struct mapping {
	uint8_t		 from[ENDPOINT_KEY_LEN];
	uint8_t		 to[ENDPOINT_KEY_LEN];
};

/* The state of a pairing. */
struct pairing {
	struct compare_point	*pts;
	struct cand		*cands;
	size_t			 n_cands;
	struct cluster		 clusters[2];
	int			 n_clusters;
	size_t			*paired[COMPARE_POINTS];	/* SIZE_MAX:
								   not yet */
	struct mapping		*maps[COMPARE_POINTS];	/* A to B, B to A */
	size_t			 n_maps;
	double			*scratch;
	size_t			 n_scratch;
};

/*
 * Step 2 of the pairing (see compare-pair.c): the clusters of transit
 * that explain the candidates, and each candidate's fits.
 */
void	compare_find_clusters(struct pairing *);

#endif /* VQ_COMPARE_PAIRING_H */
