/*
 * The log's view of a run: one line per metrics interval at info level
 * (packets, bytes, active calls and streams, calls ended, drops, the
 * exporter's state and spool), the exporter's changes of state at notice
 * or warning, each ended call at debug.  A pipeline sink, so it runs in the
 * aggregator's thread, where it also serves SIGHUP's request to reopen the
 * log (log_service).
 */
#ifndef VQ_SUMMARY_H
#define VQ_SUMMARY_H

#include "probe/output/hep-out.h"
#include "probe/output/influx.h"
#include "probe/pipeline/pipeline.h"

struct summary;

/*
 * A summary added to pl's sinks; influx is the exporter's transport (not
 * owned; NULL without --influx).  Before pipeline_run.
 */
struct summary	*summary_add(struct pipeline *pl, struct influx *influx);
/*
 * --hep's counters on the interval line too (hep: not owned; NULL: none).
 * Before pipeline_run.
 */
void		 summary_set_hep(struct summary *, struct hep_out *hep);
void		 summary_free(struct summary *);

#endif /* VQ_SUMMARY_H */
