/*
 * What the pipeline hands its results to, in the aggregator's thread: the
 * types its sinks (the outputs) see, apart from the pipeline itself.
 */
#ifndef VQ_SINK_H
#define VQ_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/decode.h"
#include "metrics/snapshot.h"

/* What the aggregator learns as the run goes (see pipeline_run). */
struct pipeline_progress {
	int64_t			capture_us;	/* capture time reached */
	struct snap_counters	capture;	/* from pipeline_view: packets,
						   bytes and drops only */
};

/* Called by the aggregator about every 100 ms of the clock. */
typedef void pipeline_poll_fn(void *arg);
/*
 * Trims what the pipeline keeps for a view to what the view will show
 * (see pipeline_set_prune), in place.
 */
typedef void pipeline_prune_fn(void *arg, struct snapshot *);

/*
 * Where results go as the run goes, in the aggregator's thread (the one
 * calling pipeline_run); any may be NULL.  part: a call or stream ended
 * (final: a piece of what a worker still held at the end, each call
 * there with all its streams still up); streams: per-stream
 * figures of a metrics interval, worker by worker; interval: the totals
 * of a metrics interval once every worker has reported it.
 *
 * stream_done and call_done: the results in capture order, each as soon
 * as nothing before it can still come (see probe/pipeline/reorder.h), as
 * pipeline_snapshot would order them: streams numbered 1, 2, ... in that
 * order (call_id: its call's, or NULL), each call after its streams.
 */
struct pipeline_sink {
	void	(*part)(void *arg, const struct snapshot *, int final);
	void	(*streams)(void *arg, const struct snap_stream_interval *,
		    size_t n);
	void	(*interval)(void *arg, const struct snap_interval *,
		    const struct pipeline_progress *);
	void	(*stream_done)(void *arg, const struct snap_stream *,
		    const char *call_id, uint64_t call_order);
	void	(*call_done)(void *arg, const struct snap_call *,
		    const unsigned *stream_ids, size_t n_streams);
	void	*arg;
	int	 wants_msgs;	/* calls in parts with their SIP messages */
};

/*
 * A tap on the capture thread: called with every payload the decoder
 * delivers (UDP datagrams, SIP messages out of TCP and WebSocket), in
 * capture order, before it is sharded.  It runs on the packet path: it
 * must only look and copy, never wait.
 */
typedef void pipeline_tap_fn(void *arg, const struct pkt_meta *meta);

/* Sinks one pipeline takes at most. */
#define PIPELINE_MAX_SINKS	8

#endif /* VQ_SINK_H */
