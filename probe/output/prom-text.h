/*
 * The figures Prometheus scrapes, as plain data, and their exposition in
 * the text format 0.0.4 (docs/metrics.md, "Prometheus").
 *
 * prom.c fills a struct prom_figures in the aggregator's thread and hands
 * a copy of it to a scrape; this file only writes that copy out.
 */
#ifndef VQ_PROM_TEXT_H
#define VQ_PROM_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "metrics/snapshot.h"

/* The upper bounds of a histogram's buckets, +Inf left out. */
struct prom_buckets {
	const double	*le;
	size_t		 n;
};

#define PROM_MAX_BUCKETS	16

/* Observations per bucket (not cumulative: the writer adds them up). */
struct prom_histogram {
	uint64_t	in_bucket[PROM_MAX_BUCKETS + 1];	/* last: +Inf */
	uint64_t	count;
	double		sum;
};

extern const struct prom_buckets prom_mos_buckets;
extern const struct prom_buckets prom_loss_buckets;
extern const struct prom_buckets prom_jitter_buckets;

/* Add value, weight times. */
void	prom_histogram_observe(struct prom_histogram *,
	    const struct prom_buckets *, double value, uint64_t weight);

/*
 * One label set of the per-interval histograms.  labels: its whole set,
 * already escaped ('probe="p",direction="caller",codec="PCMA"'); never
 * changed once made, so that a scrape's copy may point to it.
 */
struct prom_series {
	const char		*labels;
	struct prom_histogram	 mos;
	struct prom_histogram	 loss_ratio;
	struct prom_histogram	 jitter_seconds;
};

/* The final states of a call, as the JSON report names them. */
#define PROM_CALL_STATES	8
extern const char *const prom_call_states[PROM_CALL_STATES];

struct prom_figures {
	uint64_t	calls[PROM_CALL_STATES];
	uint64_t	sip_requests[SNAP_SIP_METHODS];
	uint64_t	sip_responses[SNAP_SIP_METHODS][SNAP_SIP_CLASSES];
	struct snap_counters capture;	/* the capture thread's totals */
	uint64_t	worker_truncated;	/* the workers' own counts */
	uint64_t	worker_malformed;
	uint64_t	calls_evicted;
	uint64_t	streams_evicted;
	uint64_t	active_calls;
	uint64_t	active_streams;
	int		have_export;	/* --influx: the exporter's figures */
	uint64_t	export_queue_bytes;
	uint64_t	export_lines_dropped;
	uint64_t	observations_refused;	/* past PROM_MAX_SERIES */
	struct prom_series *series;
	size_t		n_series;
};

/*
 * Append value to *out (of *len bytes, *cap allocated), escaped for a label
 * value: backslash, double quote and newline as the format asks, other
 * control characters and bytes that are not UTF-8 as '?', so that text from
 * the network or the operator never breaks the exposition.
 */
void	prom_escape_value(char **out, size_t *len, size_t *cap,
	    const char *value);
/*
 * A label name from an operator's key: characters other than letters,
 * digits and '_' become '_', a leading digit gets a '_' before it, and a
 * name Prometheus keeps for itself (le, quantile, class, __*) gets
 * "label_" before it.  Returns an allocated string.
 */
char	*prom_label_name(const char *key);

/*
 * The exposition of f.  common: the labels of every sample (the probe and
 * the operator's labels), escaped, without braces.  Returns an allocated
 * text and its length in *len.
 */
char	*prom_text_render(const struct prom_figures *f, const char *common,
	    size_t *len);

#endif /* VQ_PROM_TEXT_H */
