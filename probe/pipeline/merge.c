/*
 * Merging worker snapshots (see merge.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/pipeline/merge.h"
#include "probe/vqprobe.h"

/* A call or stream and the part it came from. */
struct merge_ref {
	uint64_t	order;
	size_t		part;
	size_t		index;
};

static int
ref_cmp(const void *a, const void *b)
{
	const struct merge_ref *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	/* The same call in several parts: kept in part order. */
	if (x->part != y->part)
		return x->part < y->part ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Give a copied call its own messages (the part keeps its own). */
static void
own_messages(struct snap_call *c)
{
	if (c->n_msgs == 0) {
		c->msgs = NULL;
		return;
	}
	if ((c->msgs = snap_msgs_dup(c->msgs, c->n_msgs)) == NULL)
		fatal("out of memory");
}

/* Give a copied stream its own points. */
static void
own_points(struct snap_stream *s)
{
	const struct snap_point *p = s->points;

	if (s->n_points == 0) {
		s->points = NULL;
		return;
	}
	s->points = xcalloc(s->n_points, sizeof(*s->points));
	memcpy(s->points, p, s->n_points * sizeof(*s->points));
}

void
merge_capture(struct snap_capture *to, const struct snap_capture *from)
{
	size_t p;

	to->sip_messages += from->sip_messages;
	to->rtp_packets += from->rtp_packets;
	to->rtcp_packets += from->rtcp_packets;
	to->not_rtp_packets += from->not_rtp_packets;
	to->calls_evicted += from->calls_evicted;
	to->streams_evicted += from->streams_evicted;
	to->candidates_dropped += from->candidates_dropped;
	to->calls_timed_out += from->calls_timed_out;
	to->vq_reports += from->vq_reports;
	to->vq_reports_unmatched += from->vq_reports_unmatched;
	to->truncated += from->truncated;
	to->malformed += from->malformed;
	if (from->n_proto_errors > to->n_proto_errors)
		to->n_proto_errors = from->n_proto_errors;
	for (p = 0; p < from->n_proto_errors; p++) {
		to->proto_errors[p].proto = from->proto_errors[p].proto;
		to->proto_errors[p].truncated += from->proto_errors[p].truncated;
		to->proto_errors[p].malformed += from->proto_errors[p].malformed;
	}
}

void
merge_snapshots(struct snapshot *out, const struct snapshot *parts, size_t n)
{
	struct merge_ref *calls, *streams;
	size_t **call_at;	/* call_at[part][i]: its index in out */
	size_t i, j, k, nc = 0, ns = 0;

	memset(out, 0, sizeof(*out));
	out->capture.kernel_drops = -1;
	for (k = 0; k < n; k++) {
		nc += parts[k].n_calls;
		ns += parts[k].n_streams;
		merge_capture(&out->capture, &parts[k].capture);
	}
	calls = xcalloc(nc ? nc : 1, sizeof(*calls));
	streams = xcalloc(ns ? ns : 1, sizeof(*streams));
	call_at = xcalloc(n ? n : 1, sizeof(*call_at));
	nc = ns = 0;
	for (k = 0; k < n; k++) {
		call_at[k] = xcalloc(parts[k].n_calls ? parts[k].n_calls : 1,
		    sizeof(**call_at));
		for (i = 0; i < parts[k].n_calls; i++)
			calls[nc++] = (struct merge_ref){
			    parts[k].calls[i].order, k, i };
		for (i = 0; i < parts[k].n_streams; i++)
			streams[ns++] = (struct merge_ref){
			    parts[k].streams[i].order, k, i };
	}
	qsort(calls, nc, sizeof(*calls), ref_cmp);
	qsort(streams, ns, sizeof(*streams), ref_cmp);

	/*
	 * A call reported more than once (with a stream that ended early,
	 * then on its own end) is one call: its latest version counts, with
	 * the messages of the latest version that carried them (a part whose
	 * messages had not changed leaves them out), and every part's
	 * reference to it points there.
	 */
	out->calls = xcalloc(nc ? nc : 1, sizeof(*out->calls));
	out->n_calls = 0;
	for (i = 0; i < nc; i = j) {
		const struct snap_call *best, *msgs, *c;

		best = &parts[calls[i].part].calls[calls[i].index];
		msgs = best->msgs_same ? NULL : best;
		for (j = i + 1; j < nc && calls[j].order == calls[i].order; j++) {
			c = &parts[calls[j].part].calls[calls[j].index];
			if (c->version >= best->version)
				best = c;
			/* A version that did not copy them has those before. */
			if (!c->msgs_same &&
			    (msgs == NULL || c->version >= msgs->version))
				msgs = c;
		}
		out->calls[out->n_calls] = *best;
		out->calls[out->n_calls].msgs = msgs != NULL ? msgs->msgs : NULL;
		out->calls[out->n_calls].n_msgs = msgs != NULL ? msgs->n_msgs : 0;
		out->calls[out->n_calls].msgs_same = 0;
		own_messages(&out->calls[out->n_calls++]);
	}
	for (i = 0, k = 0; i < nc; i++) {
		if (i > 0 && calls[i].order != calls[i - 1].order)
			k++;
		call_at[calls[i].part][calls[i].index] = k;
	}
	out->n_streams = ns;
	out->streams = xcalloc(ns ? ns : 1, sizeof(*out->streams));
	for (i = 0; i < ns; i++) {
		struct snap_stream *s = &out->streams[i];

		*s = parts[streams[i].part].streams[streams[i].index];
		own_points(s);
		s->id = (unsigned)(i + 1);
		if (s->call != SNAP_NO_CALL)
			s->call = call_at[streams[i].part][s->call];
	}
	for (k = 0; k < n; k++)
		free(call_at[k]);
	free(call_at);
	free(calls);
	free(streams);
}
