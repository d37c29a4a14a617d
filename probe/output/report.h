/*
 * Reports of a run: the JSON report and the per-call table, each written
 * as the run goes (a pipeline sink fed in capture order) and put together
 * at the end, so that their memory does not grow with the calls.
 */
#ifndef VQ_REPORT_H
#define VQ_REPORT_H

#include <stdio.h>

#include "metrics/snapshot.h"
#include "probe/pipeline/pipeline.h"

struct report_json;
struct sla;
struct report_table;

/*
 * The JSON report, to path ("-": standard output) once the run is over.
 * What it needs of the calls and streams comes from its sink, as the run
 * goes, and waits in spill files beside path (probe/pipeline/spill.h), made now:
 * NULL with *cause set (free it) when they cannot be, as when path's
 * folder is missing or not writable, so that a run does not find out at
 * its end.
 */
struct report_json	*report_json_new(const char *path, char **cause);
void			 report_json_sink(struct report_json *,
			    struct pipeline_sink *);
/*
 * Give calls and streams the labels sla gave them, and write sla's list
 * (probe/output/sla.h) and its targets at the end.  Before the run, and
 * sla's sink added before this one.
 */
void			 report_json_set_sla(struct report_json *,
			    struct sla *sla);
/*
 * Write the report, with final's capture figures and applications.  A
 * file is written beside its final name and renamed into place, so that a
 * reader never sees half a report.  Returns 0, or -1 with *cause set (free
 * it).
 */
int			 report_json_finish(struct report_json *,
			    const struct snapshot *final, char **cause);
void			 report_json_free(struct report_json *);

/* The per-call quality table, fed by its sink, printed at the end. */
struct report_table	*report_table_new(void);
void			 report_table_sink(struct report_table *,
			    struct pipeline_sink *);
/* Print the table, headed by the capture's figures.  0, or -1 and *cause. */
int			 report_table_finish(struct report_table *,
			    const struct snap_capture *, FILE *, char **cause);
void			 report_table_free(struct report_table *);

#endif /* VQ_REPORT_H */
