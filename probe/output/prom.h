/*
 * --prometheus: the probe's figures for Prometheus to scrape at /metrics
 * (docs/metrics.md, "Prometheus").
 *
 * The pipeline's sink updates the figures in the aggregator's thread,
 * under a mutex held only to add numbers; a scrape, on the HTTP server's
 * own thread, copies them under the same mutex and writes the copy out.
 * So the aggregator never waits on the network.
 */
#ifndef VQ_PROM_H
#define VQ_PROM_H

#include <stddef.h>

#include "probe/output/export.h"
#include "probe/output/influx.h"
#include "probe/pipeline/sink.h"
#include "probe/subnet.h"

/*
 * Label sets of the per-interval histograms kept at most: past it, a
 * stream interval of a new set is counted as refused, not recorded.
 */
#define PROM_MAX_SERIES	500

struct prom_config {
	const char			*listen;	/* "[ADDR:]PORT" */
	const char			*probe;		/* the probe label */
	const struct export_label	*labels;	/* --label */
	size_t				 n_labels;
	const struct subnet_labels	*subnets;	/* NULL: none */
};

struct prom;

/*
 * Listen where cfg->listen says (127.0.0.1 unless an address is given)
 * and serve the figures, all 0 until the pipeline reports.  Returns NULL
 * with *cause set (free it) when the value is wrong or the port cannot be
 * bound.
 */
struct prom	*prom_start(const struct prom_config *, char **cause);
/* Where it listens, e.g. "127.0.0.1:9464" or "[::1]:9464". */
const char	*prom_address(const struct prom *);
/* Show the InfluxDB exporter's queue too (NULL: none). */
void		 prom_set_influx(struct prom *, struct influx *);
/* The pipeline sink that updates the figures. */
void		 prom_sink(struct prom *, struct pipeline_sink *);
/*
 * The run is over: the capture's final totals, the exporter's final
 * figures, and no call or stream left active.
 */
void		 prom_finish(struct prom *, const struct snap_counters *);
/* Stop serving and free (NULL is fine). */
void		 prom_free(struct prom *);

#endif /* VQ_PROM_H */
