/*
 * The capture thread's map of media endpoints announced in SDP, and the
 * worker each belongs to: with several workers, RTP and RTCP must reach
 * the worker that holds their call, which hashing the flow cannot know.
 *
 * The map is bounded three ways, so that no traffic can grow it without
 * limit:
 *  - a call (by its Call-ID) keeps the ROUTES_PER_CALL endpoints it
 *    announced last, as the analyzer's call does (probe/analysis/calls.c): a dialog
 *    that keeps renegotiating replaces its endpoints, it does not add;
 *  - the whole map holds at most the limit given to routes_new, after
 *    which the endpoint used least recently goes, and is counted;
 *  - an endpoint unused for the idle time of routes_sweep goes.
 * Media to an endpoint that is no longer known is sent by its flow's hash,
 * as unsignalled RTP is: at worst its call's worker does not see it.
 *
 * One thread owns a map; nothing here locks.
 */
#ifndef VQ_ROUTES_H
#define VQ_ROUTES_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/addr.h"

/* Endpoints a call keeps, as CALL_MAX_MEDIA in probe/analysis/calls.c. */
#define ROUTES_PER_CALL	64
/* The smallest total routes_new accepts. */
#define ROUTES_MIN	1024

struct routes;

/* A map of at most max_routes endpoints (raised to ROUTES_MIN). */
struct routes	*routes_new(size_t max_routes);
void		 routes_free(struct routes *);

/*
 * Media to ep belongs to worker w, as the SDP of the call call_id (len
 * bytes) said at capture time now_us.  A later call announcing the same
 * endpoint takes it over.
 */
void	routes_learn(struct routes *, const struct vq_endpoint *ep,
	    const char *call_id, size_t call_id_len, int w, int64_t now_us);

/* The worker of media to or from ep, or -1; a hit counts as a use. */
int	routes_find(struct routes *, const struct vq_endpoint *ep,
	    int64_t now_us);

/* Forget the endpoints not used for more than idle_us before now_us. */
void	routes_sweep(struct routes *, int64_t now_us, int64_t idle_us);

/* Endpoints held now. */
size_t	routes_count(const struct routes *);

/* Endpoints forgotten because the map was full, since routes_new. */
uint64_t routes_evicted(const struct routes *);

#endif
