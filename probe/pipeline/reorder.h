/*
 * Ended calls and streams from several workers put back in capture order
 * as the run goes, each handed on as soon as nothing earlier can still
 * come: the streaming counterpart of merge_snapshots (probe/pipeline/merge.h), in
 * the same order and with the same stream ids, holding only what cannot
 * be handed on yet.
 *
 * Each worker says, after every tick, the lowest order of a call and of a
 * stream it may still report (its watermarks).  A worker's results
 * reach the aggregator in the order it sent them, so once the lowest of
 * every worker's latest watermark passes a call or a stream, everything
 * before it has been seen.
 */
#ifndef VQ_REORDER_H
#define VQ_REORDER_H

#include <stddef.h>
#include <stdint.h>

#include "metrics/snapshot.h"

/* Where results go, in capture order. */
struct reorder_out {
	/*
	 * A stream, its id set (1, 2, ... in stream order); call_id is its
	 * call's, NULL without one (then call_order means nothing).  Its
	 * points are not kept (NULL).
	 */
	void	(*stream)(void *arg, const struct snap_stream *,
		    const char *call_id, uint64_t call_order);
	/*
	 * A call (its latest version, without its messages), after every
	 * stream of it: their ids, ascending.
	 */
	void	(*call)(void *arg, const struct snap_call *,
		    const unsigned *stream_ids, size_t n_streams);
	void	*arg;
};

struct reorder;

struct reorder	*reorder_new(int n_workers, const struct reorder_out *);
void		 reorder_free(struct reorder *);
/*
 * A part a worker sent (a call or stream that ended, or, final, a piece
 * of what it still held): what is needed of it is copied.
 */
void		 reorder_part(struct reorder *, const struct snapshot *,
		    int final);
/* Worker's watermarks (see struct snap_interval); UINT64_MAX: done. */
void		 reorder_watermarks(struct reorder *, int worker,
		    uint64_t call_watermark, uint64_t stream_watermark);
/* The run is over: hand on whatever is left, in order. */
void		 reorder_finish(struct reorder *);

#endif /* VQ_REORDER_H */
