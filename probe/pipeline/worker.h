/*
 * A worker: one analyzer fed by the capture thread over a ring, sending
 * what it finds to the aggregator over another (the records are in
 * probe/pipeline/wire.h).  Each worker is a thread of its own.
 */
#ifndef VQ_WORKER_H
#define VQ_WORKER_H

#include "probe/analysis/analyzer.h"
#include "probe/pipeline/ring.h"

struct worker;

/*
 * A worker reading in and writing out (neither owned).  live_view: publish
 * what it holds once a second, for the terminal view.
 */
struct worker	*worker_new(const struct analyzer_config *, struct ring *in,
		    struct ring *out, int live_view);
void		 worker_free(struct worker *);
/*
 * Start its thread.  part_msgs: the calls in parts carry their SIP
 * messages; interval_rows: metrics intervals carry a row per stream;
 * watermarks: after each tick and mark, say how far its results have come
 * (a sink wants them in capture order).
 */
void		 worker_start(struct worker *, int part_msgs, int interval_rows,
		    int watermarks);
/* Wait for the thread, which ends once it has sent its final part. */
void		 worker_join(struct worker *);

#endif /* VQ_WORKER_H */
