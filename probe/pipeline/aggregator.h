/*
 * The aggregator: in the thread that runs the pipeline, it takes what the
 * workers send over their rings (records in probe/pipeline/wire.h), sums
 * their metrics intervals, puts results in capture order when a sink
 * wants them so, and hands everything to the sinks.
 */
#ifndef VQ_AGGREGATOR_H
#define VQ_AGGREGATOR_H

#include "metrics/snapshot.h"
#include "probe/pipeline/ring.h"
#include "probe/pipeline/sink.h"

struct aggregator;

/*
 * An aggregator reading n rings, one per worker (not owned).
 * keep_results: keep the parts, for aggregator_view and for
 * aggregator_snapshot's calls and streams (see aggregator_set_prune);
 * dpi: the parts count
 * applications, and the snapshots list them.
 */
struct aggregator *aggregator_new(struct ring *const *from_workers, int n,
		    int keep_results, int dpi);
void		 aggregator_free(struct aggregator *);
/* Before aggregator_prepare; PIPELINE_MAX_SINKS at most. */
void		 aggregator_add_sink(struct aggregator *,
		    const struct pipeline_sink *);
/*
 * Before the workers start: get ready to put results in capture order if
 * a sink wants them so.  Returns 1 when it will: then the workers must
 * send watermarks, and the capture thread marks.
 */
int		 aggregator_prepare(struct aggregator *);
/* Whether the calls in parts must carry their SIP messages. */
int		 aggregator_wants_msgs(const struct aggregator *);
/* Whether a sink takes the per-stream rows of metrics intervals. */
int		 aggregator_wants_rows(const struct aggregator *);
/*
 * Gather until every worker has sent its final part, calling poll (if not
 * NULL) about every 100 ms.
 */
void		 aggregator_run(struct aggregator *, pipeline_poll_fn *poll,
		    void *arg);
/*
 * With keep_results, what to keep of the ended calls: every so many parts
 * the parts kept are merged into one and prune (if set) trims it as it
 * likes (to what a view shows), so that the parts kept do not grow with
 * the calls that go by.
 */
void		 aggregator_set_prune(struct aggregator *,
		    pipeline_prune_fn *prune, void *arg);
/*
 * With keep_results: every call and stream as the workers last reported
 * them, ended ones included, and the applications; not the capture's
 * figures, which are the capture thread's.
 */
void		 aggregator_view(struct aggregator *, struct snapshot *);
/*
 * After aggregator_run: the counters of every part and the applications,
 * and with keep_results every call and stream kept, in first-seen order.
 */
void		 aggregator_snapshot(struct aggregator *, struct snapshot *);

#endif /* VQ_AGGREGATOR_H */
