/*
 * The figures behind /metrics (see prom.h): the pipeline's sink adds to
 * them, a scrape writes a copy of them.
 *
 * The per-interval histograms follow vq_stream (probe/output/export.c):
 * the same rows, the same labels (the probe, the subnet labels matched by
 * the stream's addresses, the operator's labels, direction and codec), the
 * same rules (loss only where packets were expected).  MOS counts each MOS
 * interval rated since the stream's previous row, as the JSON report's
 * streams[].mos.intervals counts them.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "probe/output/prom-http.h"
#include "probe/output/prom-text.h"
#include "probe/output/prom.h"
#include "probe/vqprobe.h"

/* Where a label set's histograms are, by its labels. */
struct series_index {
	char		*labels;	/* the key; prom_series.labels */
	size_t		 i;		/* in figures.series */
	UT_hash_handle	 hh;
};

struct prom {
	struct prom_config	 cfg;
	char			*common;	/* probe and --label, escaped */
	char			**label_names;	/* of cfg.labels; NULL: left
						   out (a name seen before) */
	char			**subnet_names;	/* of the subnet keys */
	size_t			 n_subnet_keys;
	struct influx		*influx;
	struct series_index	*index;		/* uthash head; aggregator */
	size_t			 cap_series;
	struct prom_http	*http;
	/* What a scrape copies, under lock. */
	pthread_mutex_t		 lock;
	struct prom_figures	 fig;
};

/* Append s as it is. */
static void
raw_add(char **text, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*text = xreallocarray(*text, *cap, 1);
	}
	memcpy(*text + *len, s, n + 1);
	*len += n;
}

/*
 * Append ',name="value"' (the comma only after something); name is a
 * valid label name already (prom_label_name), value is escaped.
 */
static void
label_add(char **text, size_t *len, size_t *cap, const char *name,
    const char *value)
{
	if (*len > 0)
		raw_add(text, len, cap, ",");
	raw_add(text, len, cap, name);
	raw_add(text, len, cap, "=\"");
	prom_escape_value(text, len, cap, value);
	raw_add(text, len, cap, "\"");
}

/* A label name of vqprobe's own, which the operator's may not take. */
static int
own_name(const char *name)
{
	static const char *const own[] = { "probe", "direction", "codec",
	    "state", "method", "class", NULL };
	size_t i;

	for (i = 0; own[i] != NULL; i++)
		if (strcmp(name, own[i]) == 0)
			return 1;
	return 0;
}

/* The operator's label names, each once; the common labels. */
static void
names_make(struct prom *p)
{
	size_t i, k, len = 0, cap = 0;

	p->label_names = xcalloc(p->cfg.n_labels + 1, sizeof(char *));
	for (i = 0; i < p->cfg.n_labels; i++) {
		char *name = prom_label_name(p->cfg.labels[i].key);

		for (k = 0; k < i; k++)
			if (p->label_names[k] != NULL &&
			    strcmp(p->label_names[k], name) == 0)
				break;
		if (k < i || own_name(name))
			free(name);
		else
			p->label_names[i] = name;
	}
	if (p->cfg.subnets != NULL)
		p->n_subnet_keys = subnet_labels_n_keys(p->cfg.subnets);
	p->subnet_names = xcalloc(p->n_subnet_keys + 1, sizeof(char *));
	for (i = 0; i < p->n_subnet_keys; i++) {
		p->subnet_names[i] = prom_label_name(subnet_labels_key(
		    p->cfg.subnets, i));
		if (own_name(p->subnet_names[i])) {
			free(p->subnet_names[i]);
			p->subnet_names[i] = NULL;
		}
	}
	label_add(&p->common, &len, &cap, "probe", p->cfg.probe);
	for (i = 0; i < p->cfg.n_labels; i++)
		if (p->label_names[i] != NULL)
			label_add(&p->common, &len, &cap, p->label_names[i],
			    p->cfg.labels[i].value);
}

/*
 * The labels of a stream interval's series.  A subnet label that matched
 * wins over an operator's label of the same name, as on vq_stream.
 */
static char *
series_labels(const struct prom *p, const struct snap_stream_interval *si)
{
	struct subnet_match where;
	char *text = NULL;
	size_t len = 0, cap = 0, i, k;

	subnet_match_init(&where);
	if (p->cfg.subnets != NULL) {
		/* The source first: it wins ties (see subnet.h). */
		subnet_labels_match_text(p->cfg.subnets, si->src, &where);
		subnet_labels_match_text(p->cfg.subnets, si->dst, &where);
	}
	label_add(&text, &len, &cap, "probe", p->cfg.probe);
	for (i = 0; i < p->n_subnet_keys && i < SUBNET_MAX_KEYS; i++)
		if (where.value[i] != NULL && p->subnet_names[i] != NULL)
			label_add(&text, &len, &cap, p->subnet_names[i],
			    where.value[i]);
	for (i = 0; i < p->cfg.n_labels; i++) {
		if (p->label_names[i] == NULL)
			continue;
		for (k = 0; k < p->n_subnet_keys && k < SUBNET_MAX_KEYS; k++)
			if (where.value[k] != NULL && p->subnet_names[k] !=
			    NULL && strcmp(p->subnet_names[k],
			    p->label_names[i]) == 0)
				break;
		if (k == p->n_subnet_keys || k == SUBNET_MAX_KEYS)
			label_add(&text, &len, &cap, p->label_names[i],
			    p->cfg.labels[i].value);
	}
	label_add(&text, &len, &cap, "direction", si->direction ?
	    si->direction : "none");
	/* As on vq_stream: no codec label when the codec is not known. */
	if (si->codec[0] != '\0')
		label_add(&text, &len, &cap, "codec", si->codec);
	return text;
}

/*
 * The series of labels, made if there is room; NULL past PROM_MAX_SERIES.
 * Takes labels (frees it, or keeps it as the new series' key).  Under lock.
 */
static struct prom_series *
series_get(struct prom *p, char *labels)
{
	struct series_index *x;

	HASH_FIND_STR(p->index, labels, x);
	if (x != NULL) {
		free(labels);
		return &p->fig.series[x->i];
	}
	if (p->fig.n_series == PROM_MAX_SERIES) {
		free(labels);
		return NULL;
	}
	if (p->fig.n_series == p->cap_series) {
		p->cap_series = p->cap_series ? p->cap_series * 2 : 16;
		p->fig.series = xreallocarray(p->fig.series, p->cap_series,
		    sizeof(*p->fig.series));
	}
	x = xcalloc(1, sizeof(*x));
	x->labels = labels;
	x->i = p->fig.n_series++;
	HASH_ADD_KEYPTR(hh, p->index, x->labels, strlen(x->labels), x);
	memset(&p->fig.series[x->i], 0, sizeof(p->fig.series[x->i]));
	p->fig.series[x->i].labels = x->labels;
	return &p->fig.series[x->i];
}

/* Per-stream rows of a metrics interval: the histograms. */
static void
on_streams(void *arg, const struct snap_stream_interval *rows, size_t n)
{
	struct prom *p = arg;
	struct prom_series *s;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct snap_stream_interval *si = &rows[i];
		char *labels = series_labels(p, si);

		pthread_mutex_lock(&p->lock);
		if ((s = series_get(p, labels)) == NULL) {
			p->fig.observations_refused++;
			pthread_mutex_unlock(&p->lock);
			continue;
		}
		/*
		 * Two MOS intervals rated between two rows (a stream's last
		 * row) count twice at the latest one's MOS: the count stays
		 * the number of rated intervals.
		 */
		if (si->have_mos && si->mos_intervals > 0)
			prom_histogram_observe(&s->mos, &prom_mos_buckets,
			    si->mos, si->mos_intervals);
		if (si->expected > 0)
			prom_histogram_observe(&s->loss_ratio,
			    &prom_loss_buckets,
			    snap_interval_loss_pct(si) / 100.0, 1);
		prom_histogram_observe(&s->jitter_seconds, &prom_jitter_buckets,
		    si->jitter_ms / 1000.0, 1);
		pthread_mutex_unlock(&p->lock);
	}
}

/* The exporter's queue, when there is one (outside the lock). */
static void
export_figures(const struct prom *p, struct influx_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (p->influx != NULL)
		influx_stats(p->influx, st);
}

/* The totals of a metrics interval: SIP, the capture, the tables. */
static void
on_interval(void *arg, const struct snap_interval *iv,
    const struct pipeline_progress *pr)
{
	struct prom *p = arg;
	struct influx_stats st;
	int m, c;

	(void)pr;
	export_figures(p, &st);
	pthread_mutex_lock(&p->lock);
	for (m = 0; m < SNAP_SIP_METHODS; m++) {
		p->fig.sip_requests[m] += iv->sip_requests[m];
		for (c = 0; c < SNAP_SIP_CLASSES; c++)
			p->fig.sip_responses[m][c] += iv->sip_responses[m][c];
	}
	p->fig.capture = iv->capture;
	p->fig.worker_truncated = iv->truncated;
	p->fig.worker_malformed = iv->malformed;
	p->fig.calls_evicted = iv->calls_evicted;
	p->fig.streams_evicted = iv->streams_evicted;
	p->fig.active_calls = iv->active_calls;
	p->fig.active_streams = iv->active_streams;
	p->fig.export_queue_bytes = st.queue_bytes;
	p->fig.export_lines_dropped = st.lines_dropped;
	pthread_mutex_unlock(&p->lock);
}

/* A call is over (each call once, with its final state). */
static void
on_call(void *arg, const struct snap_call *c, const unsigned *stream_ids,
    size_t n_streams)
{
	struct prom *p = arg;
	size_t i;

	(void)stream_ids;
	(void)n_streams;
	for (i = 0; i < PROM_CALL_STATES; i++)
		if (strcmp(c->state, prom_call_states[i]) == 0)
			break;
	if (i == PROM_CALL_STATES)
		fatal("prometheus: call state '%s' not known", c->state);
	pthread_mutex_lock(&p->lock);
	p->fig.calls[i]++;
	pthread_mutex_unlock(&p->lock);
}

/* A scrape, on the server's thread: write a copy taken under lock. */
static char *
render(void *arg, size_t *len)
{
	struct prom *p = arg;
	struct prom_figures copy;
	char *text;

	pthread_mutex_lock(&p->lock);
	copy = p->fig;
	copy.series = NULL;
	if (p->fig.n_series > 0) {
		copy.series = xreallocarray(NULL, p->fig.n_series,
		    sizeof(*copy.series));
		memcpy(copy.series, p->fig.series,
		    p->fig.n_series * sizeof(*copy.series));
	}
	pthread_mutex_unlock(&p->lock);
	/* The labels stay: a series' are never changed nor freed. */
	text = prom_text_render(&copy, p->common, len);
	free(copy.series);
	return text;
}

struct prom *
prom_start(const struct prom_config *cfg, char **cause)
{
	struct prom *p = xcalloc(1, sizeof(*p));

	p->cfg = *cfg;
	pthread_mutex_init(&p->lock, NULL);
	/* A file has no kernel drops until a live capture says otherwise. */
	p->fig.capture.kernel_drops = -1;
	names_make(p);
	if ((p->http = prom_http_start(cfg->listen, render, p, cause)) ==
	    NULL) {
		prom_free(p);
		return NULL;
	}
	return p;
}

const char *
prom_address(const struct prom *p)
{
	return prom_http_address(p->http);
}

void
prom_set_influx(struct prom *p, struct influx *influx)
{
	p->influx = influx;
	pthread_mutex_lock(&p->lock);
	p->fig.have_export = influx != NULL;
	pthread_mutex_unlock(&p->lock);
}

void
prom_sink(struct prom *p, struct pipeline_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->streams = on_streams;
	sink->interval = on_interval;
	sink->call_done = on_call;
	sink->arg = p;
}

void
prom_finish(struct prom *p, const struct snap_counters *totals)
{
	struct influx_stats st;

	export_figures(p, &st);
	pthread_mutex_lock(&p->lock);
	p->fig.capture = *totals;
	p->fig.active_calls = 0;
	p->fig.active_streams = 0;
	p->fig.export_queue_bytes = st.queue_bytes;
	p->fig.export_lines_dropped = st.lines_dropped;
	pthread_mutex_unlock(&p->lock);
}

void
prom_free(struct prom *p)
{
	struct series_index *x, *tmp;
	size_t i;

	if (p == NULL)
		return;
	/* First the server: no scrape reads what follows. */
	prom_http_stop(p->http);
	HASH_ITER(hh, p->index, x, tmp) {
		HASH_DEL(p->index, x);
		free(x->labels);
		free(x);
	}
	for (i = 0; i < p->cfg.n_labels; i++)
		free(p->label_names[i]);
	for (i = 0; i < p->n_subnet_keys; i++)
		free(p->subnet_names[i]);
	free(p->label_names);
	free(p->subnet_names);
	free(p->common);
	free(p->fig.series);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
