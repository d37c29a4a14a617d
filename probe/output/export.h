/*
 * The metrics schema (docs/metrics.md): what the pipeline reports, as
 * InfluxDB line protocol, handed to the transport.  Runs in the
 * aggregator's thread, as the pipeline's sink.
 */
#ifndef VQ_EXPORT_H
#define VQ_EXPORT_H

#include <stddef.h>

#include "probe/output/influx.h"
#include "probe/pipeline/pipeline.h"
#include "probe/subnet.h"

#define EXPORT_MAX_LABELS	16

/* An operator's label: a tag on every point, e.g. site=paris. */
struct export_label {
	const char	*key;
	const char	*value;
};

struct export_config {
	const char		*probe;		/* the probe tag */
	struct export_label	 labels[EXPORT_MAX_LABELS];
	size_t			 n_labels;
	/*
	 * Labels by address on vq_stream and vq_call (NULL: none; not
	 * owned).  A subnet label's key may be a label's too: the subnet's
	 * value then wins where it matches, the label is the default.
	 */
	const struct subnet_labels *subnets;
};

struct exporter;

/* An exporter writing to influx (which it does not own). */
struct exporter	*exporter_new(const struct export_config *, struct influx *);
/* The pipeline sink that feeds it. */
void		 exporter_sink(struct exporter *, struct pipeline_sink *);
/* The run is over: write what is still held (calls are already closed). */
void		 exporter_finish(struct exporter *);
void		 exporter_free(struct exporter *);

#endif /* VQ_EXPORT_H */
