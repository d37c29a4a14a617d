/*
 * A direction of a call as its evidence page tells it: the verdict's
 * figures (metrics/verdict.h) and what the page says besides them (the
 * stream it names, bursts, late packets, the far end's reports, the
 * intervals in time order).  No HTML here: evidence-page.c writes it.
 */
#ifndef VQ_EVIDENCE_DIR_H
#define VQ_EVIDENCE_DIR_H

#include <stddef.h>
#include <stdint.h>

#include "metrics/snapshot.h"
#include "metrics/verdict.h"

struct evidence_dir {
	const char	*name;		/* "caller", "callee" */
	struct verdict_dir v;		/* its figures and its verdict */
	const struct snap_stream *first;	/* the one with most packets */
	uint64_t	 duplicates;
	uint64_t	 jb_discards;
	double		 burst_ratio;	/* the highest of its streams with loss */
	double		 r_call;	/* of its stream with the lowest MOS */
	double		 delay_ms;	/* of the same */
	uint32_t	 dscp_changes;
	const struct snap_far_end *far;	/* the most reported-on stream's */
	/* An endpoint's own report (RFC 6035) on its busiest stream with
	   one, or NULL. */
	const struct snap_vq_report *vq;
	uint64_t	 vq_packets;	/* that stream's packets */
	/*
	 * After the probe: the receivers' RTCP counts summed over the
	 * streams that have them, else the first rate (XR, RFC 6035).
	 */
	int		 way;		/* enum segment_way, of first */
	uint32_t	 after_counted;	/* streams with an RTCP count */
	int64_t		 after_lost;
	uint64_t	 after_expected;
	struct segment	 after_rate;	/* source SEGMENT_UNKNOWN: none */
	/* Interval points of all its streams, in time order. */
	const struct snap_point **points;
	size_t		 n_points;
};

/*
 * One side of call c: its verdict from the call's sums (snap_call.media),
 * the rest from the call's streams.
 */
void	evidence_dir_gather(const struct snap_call *c,
	    const struct snap_stream *, size_t n, enum verdict_side,
	    struct evidence_dir *);
void	evidence_dir_release(struct evidence_dir *);
/*
 * The span of the intervals that were bad (verdict_interval_bad), as
 * epoch seconds: 0 when none was.
 */
int	evidence_dir_bad_span(const struct evidence_dir *, int64_t interval_us,
	    double *from_s, double *to_s);

#endif /* VQ_EVIDENCE_DIR_H */
