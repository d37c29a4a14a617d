/*
 * The aggregator (see aggregator.h).
 *
 * Every worker reports the same metrics intervals in the same order (each
 * gets every tick), so the k-th report of each is the same interval: the
 * aggregator adds the reports up as they come and hands an interval on
 * once the last worker has reported it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/pipeline/aggregator.h"
#include "probe/pipeline/merge.h"
#include "probe/pipeline/reorder.h"
#include "probe/pipeline/wire.h"
#include "probe/vqprobe.h"

/*
 * The longest the aggregator sleeps with nothing from the workers: it
 * polls its caller every 100 ms (a live view, a signal, the exporter).
 */
#define AGGREGATOR_MAX_SLEEP_US	20000

/*
 * With keep_results, the parts kept are merged into one (and pruned) once
 * this many have come: the merge costs what is kept, so doing it every
 * thousand parts costs little, and the parts wait at most this many.
 */
#define AGGREGATOR_KEEP_BATCH	1024

/* One metrics interval as the workers report it, until all of them have. */
struct interval_sum {
	struct snap_interval	 sum;	/* its streams are not kept */
	int			 reports;
};

struct aggregator {
	struct ring		**rings;	/* from the workers */
	struct ring_bell	 *bell;		/* rung when one has records */
	int			 n_workers;
	int			 keep_results;
	int			 dpi;
	struct pipeline_sink	 sinks[PIPELINE_MAX_SINKS];
	int			 n_sinks;
	/*
	 * With keep_results only (the terminal view's final state): the
	 * parts, ended pieces then finals, every AGGREGATOR_KEEP_BATCH of
	 * them merged into the first and pruned.  Without, parts go to the
	 * sinks and the reorder and are let go.
	 */
	pipeline_prune_fn	 *prune;
	void			 *prune_arg;
	struct snapshot		*parts;
	size_t			 n_parts;
	size_t			 cap_parts;
	size_t			 n_finals;
	struct snap_capture	 analysed;	/* the parts' counters, added */
	struct reorder		*reorder;	/* NULL: no sink wants order */
	/* sums[0] is the oldest interval not yet reported by all. */
	struct interval_sum	*sums;
	size_t			 n_sums;
	size_t			 cap_sums;
	size_t			*reports_seen;	/* per worker, since sums[0] */
	struct snap_app		*apps;		/* totals of the run */
	size_t			 n_apps;
	struct snapshot		*lives;		/* per worker, the latest */
};

struct aggregator *
aggregator_new(struct ring *const *from_workers, int n, int keep_results,
    int dpi)
{
	struct aggregator *ag;
	int i;

	ag = xcalloc(1, sizeof(*ag));
	ag->n_workers = n;
	ag->rings = xcalloc((size_t)n, sizeof(*ag->rings));
	if ((ag->bell = ring_bell_new()) == NULL)
		fatal("out of memory");
	for (i = 0; i < n; i++) {
		ag->rings[i] = from_workers[i];
		ring_set_bell(ag->rings[i], ag->bell);
	}
	ag->keep_results = keep_results;
	ag->dpi = dpi;
	ag->reports_seen = xcalloc((size_t)n, sizeof(*ag->reports_seen));
	ag->analysed.kernel_drops = -1;
	ag->lives = xcalloc((size_t)n, sizeof(*ag->lives));
	return ag;
}

void
aggregator_free(struct aggregator *ag)
{
	size_t i;
	int k;

	if (ag == NULL)
		return;
	for (i = 0; i < ag->n_parts; i++)
		snapshot_release(&ag->parts[i]);
	free(ag->parts);
	reorder_free(ag->reorder);
	for (i = 0; i < ag->n_sums; i++)
		free(ag->sums[i].sum.apps);
	free(ag->sums);
	free(ag->reports_seen);
	free(ag->apps);
	for (k = 0; k < ag->n_workers; k++)
		snapshot_release(&ag->lives[k]);
	free(ag->lives);
	free(ag->rings);
	ring_bell_free(ag->bell);
	free(ag);
}

void
aggregator_add_sink(struct aggregator *ag, const struct pipeline_sink *sink)
{
	if (ag->n_sinks == PIPELINE_MAX_SINKS)
		fatal("more than %d result sinks", PIPELINE_MAX_SINKS);
	ag->sinks[ag->n_sinks++] = *sink;
}

/* Every worker has reported the oldest interval: hand its sums on. */
static void
interval_complete(struct aggregator *ag)
{
	struct pipeline_progress pr;
	const struct snap_interval *sum = &ag->sums[0].sum;
	int i;

	pr.capture_us = sum->end_us;
	pr.capture = sum->capture;
	for (i = 0; i < ag->n_sinks; i++)
		if (ag->sinks[i].interval != NULL)
			ag->sinks[i].interval(ag->sinks[i].arg, sum, &pr);
	free(ag->sums[0].sum.apps);
	memmove(ag->sums, ag->sums + 1, (ag->n_sums - 1) * sizeof(*ag->sums));
	ag->n_sums--;
	for (i = 0; i < ag->n_workers; i++)
		ag->reports_seen[i]--;
}

/* Add application counts to a list of them, by name. */
static void
apps_add(struct snap_app **list, size_t *n, const struct snap_app *add,
    size_t n_add)
{
	size_t i, k;

	for (i = 0; i < n_add; i++) {
		for (k = 0; k < *n; k++)
			if (strcmp((*list)[k].name, add[i].name) == 0)
				break;
		if (k == *n) {
			*list = xreallocarray(*list, *n + 1, sizeof(**list));
			memset(&(*list)[k], 0, sizeof(**list));
			memcpy((*list)[k].name, add[i].name,
			    sizeof((*list)[k].name));
			(*n)++;
		}
		(*list)[k].flows += add[i].flows;
		(*list)[k].packets += add[i].packets;
		(*list)[k].bytes += add[i].bytes;
	}
}

/* Worker w reports a metrics interval. */
static void
interval_add(struct aggregator *ag, int w, struct snap_interval *iv)
{
	struct interval_sum *is;
	size_t k = ag->reports_seen[w]++, m, c;
	int j;

	for (j = 0; iv->n_streams > 0 && j < ag->n_sinks; j++)
		if (ag->sinks[j].streams != NULL)
			ag->sinks[j].streams(ag->sinks[j].arg, iv->streams,
			    iv->n_streams);
	if (k == ag->n_sums) {
		if (ag->n_sums == ag->cap_sums) {
			ag->cap_sums = ag->cap_sums ? ag->cap_sums * 2 : 8;
			ag->sums = xreallocarray(ag->sums, ag->cap_sums,
			    sizeof(*ag->sums));
		}
		memset(&ag->sums[ag->n_sums++], 0, sizeof(*ag->sums));
	}
	is = &ag->sums[k];
	is->sum.end_us = iv->end_us;
	for (m = 0; m < SNAP_SIP_METHODS; m++) {
		is->sum.sip_requests[m] += iv->sip_requests[m];
		for (c = 0; c < 6; c++)
			is->sum.sip_responses[m][c] += iv->sip_responses[m][c];
	}
	is->sum.active_calls += iv->active_calls;
	is->sum.active_streams += iv->active_streams;
	/* The same tick's totals reach every worker: any one will do. */
	is->sum.capture = iv->capture;
	is->sum.truncated += iv->truncated;
	is->sum.malformed += iv->malformed;
	is->sum.calls_evicted += iv->calls_evicted;
	is->sum.streams_evicted += iv->streams_evicted;
	is->sum.candidates_dropped += iv->candidates_dropped;
	apps_add(&is->sum.apps, &is->sum.n_apps, iv->apps, iv->n_apps);
	apps_add(&ag->apps, &ag->n_apps, iv->apps, iv->n_apps);
	free(iv->apps);
	is->reports++;
	free(iv->streams);
	free(iv);
	while (ag->n_sums > 0 && ag->sums[0].reports == ag->n_workers)
		interval_complete(ag);
}

/* The reorder hands a stream on: to every sink that wants them. */
static void
ordered_stream(void *arg, const struct snap_stream *s, const char *call_id,
    uint64_t call_order)
{
	struct aggregator *ag = arg;
	int k;

	for (k = 0; k < ag->n_sinks; k++)
		if (ag->sinks[k].stream_done != NULL)
			ag->sinks[k].stream_done(ag->sinks[k].arg, s, call_id,
			    call_order);
}

/* The reorder hands a call on. */
static void
ordered_call(void *arg, const struct snap_call *c, const unsigned *ids,
    size_t n)
{
	struct aggregator *ag = arg;
	int k;

	for (k = 0; k < ag->n_sinks; k++)
		if (ag->sinks[k].call_done != NULL)
			ag->sinks[k].call_done(ag->sinks[k].arg, c, ids, n);
}

/*
 * The parts kept as one, pruned: a call in several parts is its latest
 * version (merge_snapshots), and what prune lets go is gone for good.
 */
static void
keep_merge(struct aggregator *ag)
{
	struct snapshot merged;
	size_t i;

	merge_snapshots(&merged, ag->parts, ag->n_parts);
	for (i = 0; i < ag->n_parts; i++)
		snapshot_release(&ag->parts[i]);
	if (ag->prune != NULL)
		ag->prune(ag->prune_arg, &merged);
	ag->parts[0] = merged;
	ag->n_parts = 1;
}

void
aggregator_set_prune(struct aggregator *ag, pipeline_prune_fn *prune,
    void *arg)
{
	ag->prune = prune;
	ag->prune_arg = arg;
}

/*
 * Worker w sent a part (final: of what it still held at the end; last:
 * its last word).
 */
static void
part_add(struct aggregator *ag, int w, struct snapshot *part, int final,
    int last)
{
	int k;

	for (k = 0; k < ag->n_sinks; k++)
		if (ag->sinks[k].part != NULL)
			ag->sinks[k].part(ag->sinks[k].arg, part, final);
	merge_capture(&ag->analysed, &part->capture);
	if (ag->reorder != NULL) {
		reorder_part(ag->reorder, part, final);
		if (last)
			reorder_watermarks(ag->reorder, w, UINT64_MAX,
			    UINT64_MAX);
	}
	if (last)
		ag->n_finals++;
	if (!ag->keep_results) {
		snapshot_release(part);
		free(part);
		return;
	}
	if (ag->n_parts == ag->cap_parts) {
		ag->cap_parts = ag->cap_parts ? ag->cap_parts * 2 : 256;
		ag->parts = xreallocarray(ag->parts, ag->cap_parts,
		    sizeof(*ag->parts));
	}
	/*
	 * Kept in arrival order: a worker's pieces come in the order it made
	 * them, its final one last, so the latest version of a call is the
	 * last one here.
	 */
	ag->parts[ag->n_parts++] = *part;
	free(part);
	if (ag->n_parts >= AGGREGATOR_KEEP_BATCH)
		keep_merge(ag);
}

/* Take what the workers sent; returns how many records. */
static int
gather(struct aggregator *ag)
{
	const void *p;
	size_t len;
	uint32_t type;
	int i, n = 0;

	for (i = 0; i < ag->n_workers; i++)
		while ((p = ring_peek(ag->rings[i], &len, &type)) != NULL) {
			void *obj;

			n++;
			if (type == WIRE_WATERMARKS) {
				struct wire_watermarks wm;

				memcpy(&wm, p, sizeof(wm));
				ring_release(ag->rings[i]);
				/*
				 * The ring is first in, first out: every part
				 * w sent before these has been taken.
				 */
				reorder_watermarks(ag->reorder, i, wm.calls,
				    wm.streams);
				continue;
			}
			obj = *(void *const *)p;
			ring_release(ag->rings[i]);
			if (type == WIRE_INTERVAL) {
				interval_add(ag, i, obj);
				continue;
			}
			if (type == WIRE_LIVE) {
				snapshot_release(&ag->lives[i]);
				ag->lives[i] = *(struct snapshot *)obj;
				free(obj);
				continue;
			}
			part_add(ag, i, obj, type == WIRE_FINAL ||
			    type == WIRE_HELD, type == WIRE_FINAL);
		}
	return n;
}

int
aggregator_prepare(struct aggregator *ag)
{
	int i;

	for (i = 0; i < ag->n_sinks; i++)
		if (ag->sinks[i].stream_done != NULL ||
		    ag->sinks[i].call_done != NULL) {
			struct reorder_out out = { ordered_stream,
			    ordered_call, ag };

			ag->reorder = reorder_new(ag->n_workers, &out);
			return 1;
		}
	return 0;
}

/*
 * The evidence pages want the calls in parts with their SIP messages, and
 * so does the terminal view, which keeps every part.
 */
int
aggregator_wants_msgs(const struct aggregator *ag)
{
	int i;

	if (ag->keep_results)
		return 1;
	for (i = 0; i < ag->n_sinks; i++)
		if (ag->sinks[i].wants_msgs)
			return 1;
	return 0;
}

int
aggregator_wants_rows(const struct aggregator *ag)
{
	int i;

	for (i = 0; i < ag->n_sinks; i++)
		if (ag->sinks[i].streams != NULL)
			return 1;
	return 0;
}

void
aggregator_run(struct aggregator *ag, pipeline_poll_fn *poll, void *arg)
{
	int64_t last_poll = 0, now;
	unsigned idle = 0;

	while (ag->n_finals < (size_t)ag->n_workers) {
		if (gather(ag) > 0)
			idle = 0;
		else
			ring_wait(ag->bell, ag->rings, (size_t)ag->n_workers,
			    &idle, AGGREGATOR_MAX_SLEEP_US);
		if (poll != NULL && (now = mono_us()) - last_poll >= 100000) {
			poll(arg);
			last_poll = now;
		}
	}
	if (ag->reorder != NULL)
		reorder_finish(ag->reorder);
}

/* qsort's order of applications. */
static int
app_cmp(const void *a, const void *b)
{
	const struct snap_app *x = a, *y = b;

	/* Most bytes first; by name among equals, so the order is stable. */
	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * The run's applications into a snapshot, most bytes first (so that every
 * reader shows them in one order), or none when classification is off.
 */
static void
copy_apps(struct aggregator *ag, struct snapshot *out)
{
	if (!ag->dpi)
		return;
	out->apps = xcalloc(ag->n_apps ? ag->n_apps : 1, sizeof(*out->apps));
	if (ag->n_apps > 0)
		memcpy(out->apps, ag->apps, ag->n_apps * sizeof(*out->apps));
	out->n_apps = ag->n_apps;
	qsort(out->apps, out->n_apps, sizeof(*out->apps), app_cmp);
}

void
aggregator_view(struct aggregator *ag, struct snapshot *out)
{
	struct snapshot *all;
	size_t n = ag->n_parts;
	int i;

	/* Shallow copies: the merge makes its own of what they point to. */
	all = xcalloc(n + (size_t)ag->n_workers, sizeof(*all));
	if (n > 0)
		memcpy(all, ag->parts, n * sizeof(*all));
	for (i = 0; i < ag->n_workers; i++)
		all[n++] = ag->lives[i];
	merge_snapshots(out, all, n);
	free(all);
	copy_apps(ag, out);
}

void
aggregator_snapshot(struct aggregator *ag, struct snapshot *out)
{
	/*
	 * The calls and streams kept (none without keep_results), and the
	 * counters of every part, kept or not.
	 */
	merge_snapshots(out, ag->parts, ag->n_parts);
	out->capture = ag->analysed;
	copy_apps(ag, out);
}
