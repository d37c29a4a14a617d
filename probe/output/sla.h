/*
 * The month per customer (--json's "sla" and "sla_targets", --report's
 * sla.html): per label value the operator gave (--label site=paris, or
 * --subnet-label 10.1.0.0/16=site=paris by the addresses of a call's
 * media), the calls, ASR and NER, the streams and minutes below the MOS
 * target, and the loss and jitter percentiles; one more entry, label
 * null, for every call.  Each figure is remade from the report's own
 * calls and streams by tests/check-sla.py, so every one is computed
 * from the figure as the JSON report prints it (same decimals).
 *
 * Labels: a call takes the subnet labels of its streams' addresses (as
 * its vq_call point does, see probe/output/export.c) and the static
 * labels, a subnet label winning over a static one of the same key; its
 * streams are grouped by their call's labels; a stream without a call
 * takes the labels of its own addresses.
 *
 * Memory: per label value a few counters and the five worst calls, plus
 * for exact percentiles each distinct loss and mean-jitter value the
 * report prints (in thousandths) with its count: bounded by the figures'
 * range, not by the number of streams, so that a month of calls takes no
 * more than a day; label values are bounded by the operator's rules
 * (probe/subnet.h).
 */
#ifndef VQ_SLA_H
#define VQ_SLA_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "metrics/kpi.h"
#include "metrics/snapshot.h"
#include "probe/output/export.h"
#include "probe/pipeline/sink.h"
#include "probe/subnet.h"

/* Labels one call or stream takes, at most. */
#define SLA_MAX_LABELS		(SUBNET_MAX_KEYS + EXPORT_MAX_LABELS)
/* The worst calls each entry names. */
#define SLA_WORST_CALLS		5
/* A figure that is not set (a target, a percentile without values). */
#define SLA_NONE		INT64_MIN

/* The labels of one call or stream: keys in the configuration's order. */
struct sla_labels {
	size_t		 n;
	const char	*key[SLA_MAX_LABELS];
	const char	*value[SLA_MAX_LABELS];
};

/* Where labels come from (not owned; they outlive the run's outputs). */
struct sla_label_config {
	const struct subnet_labels *subnets;	/* NULL: none */
	const struct export_label *labels;	/* the static ones */
	size_t		 n_labels;
};

/*
 * The targets, in thousandths (MOS 3.600 is 3600, a loss of 0.1 % is
 * 100), as the report prints them, so a comparison is exact; SLA_NONE:
 * none.  operator: set by --sla-target rather than the default.
 */
enum sla_target_key {
	SLA_TARGET_MOS,
	SLA_TARGET_LOSS_PCT,
	SLA_TARGET_JITTER_MS,
	SLA_TARGET_ASR_PCT,
	SLA_TARGETS
};

struct sla_targets {
	int64_t		milli[SLA_TARGETS];
	int		operator[SLA_TARGETS];
};

/* The worst calls of an entry: the lowest MOS (call_mos), earliest first. */
struct sla_worst {
	char		call_id[SNAP_TEXT_LEN];
	int64_t		mos_milli;
	char		page[64];	/* "calls/STEM.html", "" without --report */
};

/* One entry of the list, figures made (see sla_entry). */
struct sla_entry {
	const char	*label;		/* NULL: every call */
	const char	*value;
	uint64_t	 calls;
	struct kpi_summary kpis;	/* answered, ASR, NER (metrics/kpi.h) */
	uint64_t	 streams;
	uint64_t	 streams_below_mos;
	double		 minutes;
	double		 minutes_below_mos;
	int64_t		 loss_p50_milli;	/* SLA_NONE: no stream */
	int64_t		 loss_p95_milli;
	int64_t		 jitter_p50_milli;	/* SLA_NONE: no clock */
	int64_t		 jitter_p95_milli;
	size_t		 n_worst;
	struct sla_worst worst[SLA_WORST_CALLS];
};

struct sla_config {
	struct sla_label_config labels;
	struct sla_targets targets;
	int		 pages;		/* --report: calls have pages */
};

struct sla;

/*
 * Values kept for a percentile: each distinct value once, with how many
 * times it came (zeroed: none yet).
 */
struct sla_count;
struct sla_values {
	struct sla_count *counts;	/* uthash by value */
	uint64_t	 n;		/* values pushed */
};

/* The defaults (G.107 for MOS, Y.1541 for loss and jitter; see sla.c). */
void		 sla_targets_default(struct sla_targets *);
/*
 * Set one target from "KEY=VALUE" (mos, loss_pct, jitter_ms, asr_pct;
 * VALUE a number, or "none").  Returns 0, or -1 with *cause set (free it)
 * and the targets unchanged.
 */
int		 sla_targets_set(struct sla_targets *, const char *spec,
		    char **cause);
/* The name of a target's key ("mos", ...). */
const char	*sla_target_name(enum sla_target_key);
/* Where a default comes from, in words. */
const char	*sla_target_source(const struct sla_targets *,
		    enum sla_target_key);

/*
 * v as printf's "%.3f" prints it, in thousandths (so 3.5996 is 3600).
 * The one rounding every figure here goes through.
 */
int64_t		 sla_milli(double v);
/*
 * m (thousandths) as the outputs print it: three decimals, "3.600".
 * Returns its length.
 */
#define SLA_MILLI_TEXT	32
size_t		 sla_milli_text(char buf[SLA_MILLI_TEXT], int64_t m);

void		 sla_values_push(struct sla_values *, int32_t);
/*
 * The nearest-rank percentile (pct 1 to 100): the value at rank
 * ceil(pct / 100 * n), 1-based; SLA_NONE when there is none.
 */
int64_t		 sla_values_percentile(struct sla_values *, unsigned pct);
void		 sla_values_free(struct sla_values *);

struct sla	*sla_new(const struct sla_config *);
void		 sla_free(struct sla *);
/* The sink that feeds it (stream_done and call_done only). */
void		 sla_sink(struct sla *, struct pipeline_sink *);
/*
 * The labels the sink gave the stream (the call) it handled last: its
 * own (a stream), or those its media's addresses and the static labels
 * give it (a call).  For an output whose sink comes after sla's (the
 * JSON report), so that each is matched once.  fatal() if s (c) is not
 * the one sla handled last.
 */
void		 sla_stream_labels(const struct sla *,
		    const struct snap_stream *, struct sla_labels *);
void		 sla_call_labels(const struct sla *, const struct snap_call *,
		    struct sla_labels *);
const struct sla_targets *sla_targets(const struct sla *);
/*
 * The entries, once the run is over: every call first, then by label
 * and value (bytes, as strcmp orders them).  Valid until sla_free.
 */
size_t		 sla_count(struct sla *);
void		 sla_entry(struct sla *, size_t i, struct sla_entry *);
/*
 * The report's "sla" list and "sla_targets" object, as json-c trees
 * (probe/output/sla-json.c).
 */
json_object	*sla_json(struct sla *);
json_object	*sla_targets_json(const struct sla *);

/*
 * sla.html (probe/output/sla-html.c): the entries as tables, one per
 * label, the worst calls linked to their pages.  probe and source as the
 * index says them.  Returns 0, or -1 with errno set.
 */
int		 sla_html_write(struct sla *, const char *path,
		    const char *probe, const char *source);

#endif /* VQ_SLA_H */
