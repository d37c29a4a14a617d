/*
 * The JSON report (keys as DESIGN.md fixes them): its head and tail (the
 * capture's figures, the KPIs, the applications) printed by json-c, its
 * calls and streams, the bulk of it, by the streaming writer of jsonw.h,
 * which makes json-c's text without json-c's tree (why, in jsonw.c).
 *
 * A figure that cannot be computed (MOS of an unknown codec, RTT without
 * RTCP) is null, never a made-up number.
 *
 * Written as the run goes, so that a run of months takes no more memory
 * than a run of minutes: each call and stream is made into text as it
 * comes (in capture order, see probe/pipeline/reorder.h) and spilled to a
 * file of calls and one of streams; at the end the report is put together
 * from the head (the capture's figures, known only then), the two files
 * and the tail, through a small buffer.  The text is what json-c prints
 * for the whole tree: an entry's lines indented for its depth, entries
 * joined by ",\n".  The one figure of a stream that waits for the end
 * (probe_loss_suspect: did the probe drop anything?) is spilled as a mark
 * and settled in the copy.
 */
#include <sys/stat.h>

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "config.h"
#include "metrics/kpi.h"
#include "metrics/segments.h"
#include "metrics/verdict.h"
#include "probe/output/hep-json.h"
#include "probe/output/jsonw.h"
#include "probe/output/report.h"
#include "probe/output/sla.h"
#include "probe/pipeline/spill.h"
#include "probe/vqprobe.h"

#define JSON_FLAGS	(JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | \
			 JSON_C_TO_STRING_NOSLASHESCAPE)

static char	*cause_errno(const char *, const char *);

struct report_json {
	char			*path;	/* "-": standard output */
	FILE			*calls;	/* spilled entries; NULL: failed */
	FILE			*streams;
	size_t			 n_calls;
	size_t			 n_streams;
	struct jsonw		*w;	/* an entry's text, reused */
	struct kpi_summary	 kpis;	/* of the calls written */
	struct sla		*sla;	/* labels, its list at the end; NULL:
					   none */
	char			*cause;	/* the first error, for the end */
};

/* A double printed with a fixed number of decimals (json-c keeps the text). */
static json_object *
jnum(double v, int decimals)
{
	char buf[64];

	if (!isfinite(v))
		return NULL;
	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

/* A time or duration that may be absent (SNAP_NONE). */
static json_object *
jopt(double v, int decimals)
{
	return v < 0 ? NULL : jnum(v, decimals);
}

static json_object *
jint(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

static void
add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *
capture_json(const struct snap_capture *c)
{
	json_object *o = json_object_new_object(), *by = json_object_new_object();
	size_t i;

	add(o, "source", json_object_new_string(c->source));
	add(o, "packets", jint(c->packets));
	add(o, "bytes", jint(c->bytes));
	add(o, "kernel_drops", c->kernel_drops < 0 ? NULL :
	    json_object_new_int64(c->kernel_drops));
	add(o, "probe_drops", jint(c->probe_drops));
	add(o, "truncated", jint(c->truncated));
	add(o, "malformed", jint(c->malformed));
	add(o, "sip_messages", jint(c->sip_messages));
	add(o, "rtp_packets", jint(c->rtp_packets));
	add(o, "rtcp_packets", jint(c->rtcp_packets));
	add(o, "not_rtp_packets", jint(c->not_rtp_packets));
	add(o, "ip_fragments", jint(c->ip_fragments));
	add(o, "ip_reassembled", jint(c->ip_reassembled));
	add(o, "ip_fragments_dropped", jint(c->ip_fragments_dropped));
	add(o, "tcp_segments", jint(c->tcp_segments));
	add(o, "tcp_sip_streams", jint(c->tcp_sip_streams));
	add(o, "tcp_sip_messages", jint(c->tcp_sip_messages));
	add(o, "tcp_out_of_order", jint(c->tcp_out_of_order));
	add(o, "tcp_retransmissions", jint(c->tcp_retransmissions));
	add(o, "tcp_bytes_dropped", jint(c->tcp_bytes_dropped));
	add(o, "tunnels_too_deep", jint(c->tunnels_too_deep));
	add(o, "calls_evicted", jint(c->calls_evicted));
	add(o, "streams_evicted", jint(c->streams_evicted));
	add(o, "rtp_candidates_dropped", jint(c->candidates_dropped));
	add(o, "calls_timed_out", jint(c->calls_timed_out));
	add(o, "media_routes_evicted", jint(c->media_routes_evicted));
	add(o, "vq_reports", jint(c->vq_reports));
	add(o, "vq_reports_unmatched", jint(c->vq_reports_unmatched));
	for (i = 0; i < c->n_proto_errors; i++) {
		const struct snap_proto_errors *e = &c->proto_errors[i];
		json_object *p = json_object_new_object();

		add(p, "truncated", jint(e->truncated));
		add(p, "malformed", jint(e->malformed));
		add(by, e->proto, p);
	}
	add(o, "by_protocol", by);
	if (c->hep.enabled)
		add(o, "hep", hep_json(&c->hep));
	return o;
}

/* A time or duration that may be absent (SNAP_NONE). */
static void
w_opt(struct jsonw *w, const char *key, double v, int decimals)
{
	if (v < 0)
		jsonw_null(w, key);
	else
		jsonw_fixed(w, key, v, decimals);
}

static void
w_str_or_null(struct jsonw *w, const char *key, const char *s)
{
	jsonw_string(w, key, (s == NULL || *s == '\0') ? NULL : s);
}

/* A figure that only have makes (null without it). */
static void
w_have(struct jsonw *w, const char *key, int have, double v, int decimals)
{
	if (have)
		jsonw_fixed(w, key, v, decimals);
	else
		jsonw_null(w, key);
}

/*
 * One side's verdict: its figures (null without the media to make them)
 * and, when impaired, the reasons in the verdict's order.
 */
static void
verdict_dir_write(struct jsonw *w, const char *key,
    const struct verdict_dir *d)
{
	size_t i;

	jsonw_object_begin(w, key);
	jsonw_bool(w, "impaired", d->impaired);
	jsonw_array_begin(w, "reasons");
	for (i = 0; i < VERDICT_REASONS; i++)
		if (d->reasons & verdict_reason_at(i))
			jsonw_string(w, NULL,
			    verdict_reason_name(verdict_reason_at(i)));
	jsonw_array_end(w);
	w_have(w, "loss_pct", d->have_loss, d->loss_pct, 3);
	w_have(w, "mos", d->have_mos, d->mos, 3);
	w_have(w, "jitter_ms", d->have_jitter, d->jitter_ms, 3);
	jsonw_object_end(w);
}

static void
verdict_write(struct jsonw *w, const struct verdict_call *v)
{
	jsonw_object_begin(w, "verdict");
	jsonw_bool(w, "impaired", v->impaired);
	verdict_dir_write(w, verdict_side_name(VERDICT_CALLER),
	    &v->dir[VERDICT_CALLER]);
	verdict_dir_write(w, verdict_side_name(VERDICT_CALLEE),
	    &v->dir[VERDICT_CALLEE]);
	jsonw_object_end(w);
}

/*
 * The labels of a call or stream (--label, --subnet-label), key to value,
 * what the SLA list (probe/output/sla.h) groups it by.
 */
static void
labels_write(struct jsonw *w, const struct sla_labels *l)
{
	size_t i;

	jsonw_object_begin(w, "labels");
	for (i = 0; i < l->n; i++)
		jsonw_string(w, l->key[i], l->value[i]);
	jsonw_object_end(w);
}

static void
call_write(struct jsonw *w, const struct snap_call *c,
    const unsigned *stream_ids, size_t n_streams,
    const struct verdict_call *v, const struct sla_labels *labels)
{
	size_t i;

	jsonw_object_begin(w, NULL);
	jsonw_string(w, "call_id", c->call_id);
	labels_write(w, labels);
	jsonw_string(w, "from", c->from);
	jsonw_string(w, "to", c->to);
	jsonw_fixed(w, "start", c->start_s, 6);
	w_opt(w, "end", c->end_s, 6);
	jsonw_string(w, "state", c->state);
	if (c->final_code)
		jsonw_int(w, "final_code", c->final_code);
	else
		jsonw_null(w, "final_code");
	w_opt(w, "pdd_ms", c->pdd_ms, 3);
	w_opt(w, "setup_ms", c->setup_ms, 3);
	w_opt(w, "duration_s", c->duration_s, 3);
	w_str_or_null(w, "end_reason", c->end_reason);
	if (c->q850_cause < 0)
		jsonw_null(w, "q850_cause");
	else
		jsonw_int(w, "q850_cause", c->q850_cause);
	jsonw_int(w, "dialogs", (int)c->dialogs);
	jsonw_array_begin(w, "streams");
	for (i = 0; i < n_streams; i++)
		jsonw_int(w, NULL, (int)stream_ids[i]);
	jsonw_array_end(w);
	verdict_write(w, v);
	jsonw_object_end(w);
}

/*
 * The loss pattern as the decoder met it (lost and discarded, in sequence
 * order): run histogram, and RFC 3611 bursts and gaps with Gmin 16.
 */
static void
burst_write(struct jsonw *w, const struct burst_summary *b)
{
	size_t i;

	jsonw_object_begin(w, "loss_pattern");
	jsonw_int(w, "sequence_numbers", (int64_t)b->packets);
	jsonw_int(w, "lost", (int64_t)b->lost);
	jsonw_int(w, "discarded", (int64_t)b->discarded);
	jsonw_int(w, "runs", (int64_t)b->runs);
	jsonw_int(w, "longest_run", (int64_t)b->longest_run);
	/* Runs of 1..9, then 10 or more. */
	jsonw_array_begin(w, "run_histogram");
	for (i = 0; i < BURST_HIST_BINS; i++)
		jsonw_int(w, NULL, (int64_t)b->run_hist[i]);
	jsonw_array_end(w);
	jsonw_fixed(w, "burst_ratio", b->burst_ratio, 4);
	jsonw_fixed(w, "markov_burst_ratio", b->markov_burst_ratio, 4);
	jsonw_fixed(w, "burst_density_pct", b->burst_density * 100.0 / 256.0,
	    2);
	jsonw_fixed(w, "gap_density_pct", b->gap_density * 100.0 / 256.0, 2);
	jsonw_fixed(w, "burst_ms", b->burst_ms, 1);
	jsonw_fixed(w, "gap_ms", b->gap_ms, 1);
	jsonw_object_end(w);
}

/*
 * An endpoint's own report on the stream (RFC 6035): whose figures they
 * are, then each as the report gave it, null where it gave none.
 */
static void
vq_report_write(struct jsonw *w, const struct snap_vq_report *vq)
{
	const struct vqr_metric_info *info;
	int m;

	if (vq->reports == 0) {
		jsonw_null(w, "vq_report");
		return;
	}
	jsonw_object_begin(w, "vq_report");
	jsonw_int(w, "reports", vq->reports);
	jsonw_string(w, "type", vqr_kind_name(vq->kind));
	jsonw_string(w, "source", vq->by_receiver ? "receiver" : "sender");
	jsonw_string(w, "reporter", vq->reporter[0] ? vq->reporter : NULL);
	for (m = 0; m < VQR_METRICS; m++) {
		info = vqr_metric_info(m);
		w_have(w, info->key, (vq->metrics.present >> m) & 1,
		    vq->metrics.value[m], 3);
	}
	jsonw_object_end(w);
}

/* One segment of a stream: its figures, their source and its owner. */
static void
segment_write(struct jsonw *w, const char *key, const struct segment *g,
    int way, int after)
{
	const char *source = segments_source_name(g->source);
	const char *owner = segments_owner_name(segments_owner(way, after));

	jsonw_object_begin(w, key);
	if (source != NULL)
		jsonw_string(w, "source", source);
	else
		jsonw_null(w, "source");
	if (owner != NULL)
		jsonw_string(w, "owner", owner);
	else
		jsonw_null(w, "owner");
	jsonw_string(w, "where", segments_words(way, after));
	if (g->have_lost)
		jsonw_int(w, "lost", g->lost);
	else
		jsonw_null(w, "lost");
	w_have(w, "loss_pct", g->have_loss, g->loss_pct, 3);
	w_have(w, "jitter_ms", g->have_jitter, g->jitter_ms, 3);
	if (after)
		w_have(w, "jitter_added_ms", g->have_jitter_added,
		    g->jitter_added_ms, 3);
	jsonw_object_end(w);
}

/* Where the stream's media was lost: before the probe, and after it. */
static void
segments_write(struct jsonw *w, const struct snap_stream *s)
{
	const char *way = segments_way_name(s->way);

	jsonw_object_begin(w, "segments");
	if (way != NULL)
		jsonw_string(w, "way", way);
	else
		jsonw_null(w, "way");
	segment_write(w, "before_probe", &s->seg.before, s->way, 0);
	segment_write(w, "after_probe", &s->seg.after, s->way, 1);
	jsonw_object_end(w);
}

/*
 * What the receiver reported in RTCP, and what an endpoint reported
 * itself, beside the probe's own figures.
 */
static void
far_end_write(struct jsonw *w, const struct snap_far_end *f)
{
	if (f->reports == 0 && !f->have_sender && !f->have_xr &&
	    f->vq.reports == 0) {
		jsonw_null(w, "far_end");
		return;
	}
	jsonw_object_begin(w, "far_end");
	jsonw_int(w, "reports", f->reports);
	w_have(w, "fraction_lost_pct", f->reports != 0, f->fraction_lost_pct,
	    2);
	if (f->reports)
		jsonw_int(w, "cumulative_lost", f->cumulative_lost);
	else
		jsonw_null(w, "cumulative_lost");
	w_have(w, "jitter_ms", f->reports != 0, f->jitter_ms, 3);
	w_have(w, "rtt_ms", f->have_rtt, f->rtt_ms, 3);
	if (f->have_sender)
		jsonw_int(w, "sender_packets", f->sender_packets);
	else
		jsonw_null(w, "sender_packets");
	if (!f->have_xr)
		jsonw_null(w, "xr");
	else {
		jsonw_object_begin(w, "xr");
		jsonw_fixed(w, "loss_pct", f->xr_loss_pct, 2);
		jsonw_fixed(w, "discard_pct", f->xr_discard_pct, 2);
		if (f->xr_r_factor < 0)
			jsonw_null(w, "r_factor");
		else
			jsonw_int(w, "r_factor", f->xr_r_factor);
		w_have(w, "mos_lq", f->xr_mos_lq >= 0, f->xr_mos_lq, 1);
		w_have(w, "mos_cq", f->xr_mos_cq >= 0, f->xr_mos_cq, 1);
		jsonw_int(w, "rtt_ms", f->xr_rtt_ms);
		jsonw_int(w, "end_system_delay_ms", f->xr_end_system_delay_ms);
		jsonw_object_end(w);
	}
	vq_report_write(w, &f->vq);
	jsonw_object_end(w);
}

/* "0x" and the SSRC in eight hex digits, as "0x%08x" prints it. */
static void
ssrc_text(char buf[11], uint32_t ssrc)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	buf[0] = '0';
	buf[1] = 'x';
	for (i = 0; i < 8; i++)
		buf[2 + i] = hex[(ssrc >> (28 - 4 * i)) & 0xf];
	buf[10] = '\0';
}

static void
stream_write(struct jsonw *w, const struct snap_stream *s,
    const char *call_id, const struct sla_labels *labels)
{
	const struct rtpstat_summary *r = &s->rtp;
	const struct quality_summary *q = &s->quality;
	char ssrc[11];
	int have_clock = s->clock_rate_hz != 0;

	jsonw_object_begin(w, NULL);
	jsonw_int(w, "id", (int)s->id);
	jsonw_string(w, "call_id", call_id);
	labels_write(w, labels);
	w_str_or_null(w, "direction", s->direction);
	jsonw_int(w, "media_period", s->period);
	jsonw_string(w, "src", s->src);
	jsonw_string(w, "dst", s->dst);
	ssrc_text(ssrc, s->ssrc);
	jsonw_string(w, "ssrc", ssrc);
	if (s->payload_type < 0)
		jsonw_null(w, "payload_type");
	else
		jsonw_int(w, "payload_type", s->payload_type);
	w_str_or_null(w, "codec", s->codec);
	if (have_clock)
		jsonw_int(w, "clock_rate", s->clock_rate_hz);
	else
		jsonw_null(w, "clock_rate");
	jsonw_fixed(w, "start", (double)r->first_us / 1e6, 6);
	jsonw_fixed(w, "end", (double)r->last_us / 1e6, 6);
	jsonw_int(w, "packets", (int64_t)r->packets);
	jsonw_int(w, "expected", (int64_t)r->expected);
	jsonw_int(w, "lost", (int64_t)r->lost);
	jsonw_int(w, "duplicates", (int64_t)r->duplicates);
	jsonw_int(w, "out_of_order", (int64_t)r->out_of_order);
	jsonw_int(w, "events", (int64_t)r->events);
	jsonw_int(w, "telephone_events", (int64_t)r->telephone_events);
	jsonw_int(w, "comfort_noise", (int64_t)r->comfort_noise);
	jsonw_int(w, "unannounced", (int64_t)r->unannounced);
	jsonw_fixed(w, "loss_pct", r->loss_pct, 3);
	jsonw_fixed(w, "burst_ratio", r->burst_ratio, 4);
	if (have_clock) {
		jsonw_object_begin(w, "jitter_ms");
		jsonw_fixed(w, "mean", r->jitter_mean_ms, 3);
		jsonw_fixed(w, "max", r->jitter_max_ms, 3);
		jsonw_object_end(w);
	} else
		jsonw_null(w, "jitter_ms");
	w_opt(w, "max_delta_ms", r->max_delta_ms, 3);
	jsonw_int(w, "jb_discards", (int64_t)q->jb_discards);
	jsonw_fixed(w, "jb_delay_ms", q->jb_delay_ms, 3);
	jsonw_fixed(w, "delay_ms", q->delay_ms, 3);
	jsonw_bool(w, "delay_includes_rtt", q->have_rtt);
	jsonw_object_begin(w, "mos");
	w_have(w, "call", q->have_mos, q->mos_call, 3);
	w_have(w, "min", q->have_mos, q->mos_min, 3);
	w_have(w, "avg", q->have_mos, q->mos_avg, 3);
	jsonw_int(w, "intervals", (int64_t)q->intervals);
	jsonw_object_end(w);
	w_have(w, "r_factor", q->have_mos, q->r_call, 3);
	burst_write(w, &q->burst);
	far_end_write(w, &s->far);
	segments_write(w, s);
	/*
	 * Loss while the probe itself dropped packets may be the probe's:
	 * say so, so nobody blames an ISP for it.  The capture's drops are
	 * not yet known per interval, so any drop in it makes loss suspect:
	 * known at the end, so a stream with loss gets a mark until then.
	 */
	jsonw_raw(w, "probe_loss_suspect", r->lost > 0 ?
	    (const char []){ SPILL_MARK, '\0' } : "false");
	jsonw_int(w, "dscp", s->dscp);
	jsonw_int(w, "dscp_changes", s->dscp_changes);
	/* Voice not marked EF (46) is at the mercy of every queue on the path. */
	jsonw_bool(w, "dscp_ef", s->dscp == 46 && s->dscp_changes == 0);
	if (s->vlan < 0)
		jsonw_null(w, "vlan");
	else
		jsonw_int(w, "vlan", s->vlan);
	jsonw_object_end(w);
}

/* ASR and NER over every call of the report. */
static json_object *
kpis_json(const struct kpi_summary *k)
{
	json_object *o = json_object_new_object();

	add(o, "attempts", jint(k->attempts));
	add(o, "answered", jint(k->answered));
	add(o, "asr_pct", jopt(k->asr_pct, 2));
	add(o, "ner_pct", jopt(k->ner_pct, 2));
	return o;
}

/*
 * The applications nDPI named, in the snapshot's order, or null when
 * classification was off.
 */
static json_object *
apps_json(const struct snapshot *snap)
{
	json_object *apps;
	size_t i;

	if (snap->apps == NULL)
		return NULL;
	apps = json_object_new_array();
	for (i = 0; i < snap->n_apps; i++) {
		json_object *o = json_object_new_object();

		add(o, "app", json_object_new_string(snap->apps[i].name));
		add(o, "flows", jint(snap->apps[i].flows));
		add(o, "packets", jint(snap->apps[i].packets));
		add(o, "bytes", jint(snap->apps[i].bytes));
		json_object_array_add(apps, o);
	}
	return apps;
}

/*
 * Write o's text as json-c would print it depth levels down (two spaces a
 * level): its lines after the first indented that much more.  Strings
 * hold no line break (json-c escapes them), so every one is json-c's.
 */
static int
write_indented(FILE *f, json_object *o, int depth)
{
	static const char spaces[] = "                ";
	const char *text = o == NULL ? "null" :
	    json_object_to_json_string_ext(o, JSON_FLAGS);
	const char *nl;
	size_t indent = 2 * (size_t)depth;

	/* Not fprintf per line: formatting the indent took most of it. */
	assert(indent < sizeof(spaces));
	while ((nl = strchr(text, '\n')) != NULL) {
		if (fwrite(text, 1, (size_t)(nl - text) + 1, f) !=
		    (size_t)(nl - text) + 1 ||
		    fwrite(spaces, 1, indent, f) != indent)
			return -1;
		text = nl + 1;
	}
	return fputs(text, f) == EOF ? -1 : 0;
}

/* The entry w holds, one more of an array two levels down (calls[], streams[]). */
static void
spill_entry(struct report_json *rj, FILE *f, size_t *n)
{
	size_t len;
	const char *text = jsonw_text(rj->w, &len);

	if (rj->cause == NULL &&
	    (fputs(*n > 0 ? ",\n    " : "    ", f) == EOF ||
	    fwrite(text, 1, len, f) != len))
		rj->cause = cause_errno("write", "a spill file of the report");
	(*n)++;
}

static void
on_stream(void *arg, const struct snap_stream *s, const char *call_id,
    uint64_t call_order)
{
	struct report_json *rj = arg;
	struct sla_labels labels;

	(void)call_order;
	labels.n = 0;
	if (rj->sla != NULL)
		sla_stream_labels(rj->sla, s, &labels);
	jsonw_clear(rj->w, 2);
	stream_write(rj->w, s, call_id, &labels);
	spill_entry(rj, rj->streams, &rj->n_streams);
}

static void
on_call(void *arg, const struct snap_call *c, const unsigned *stream_ids,
    size_t n_streams)
{
	struct report_json *rj = arg;
	struct verdict_call v;
	struct sla_labels labels;

	labels.n = 0;
	if (rj->sla != NULL)
		sla_call_labels(rj->sla, c, &labels);
	kpi_add(&rj->kpis, c->final_code);
	verdict_call_from(c->media, &v);
	jsonw_clear(rj->w, 2);
	call_write(rj->w, c, stream_ids, n_streams, &v, &labels);
	spill_entry(rj, rj->calls, &rj->n_calls);
}

struct report_json *
report_json_new(const char *path, char **cause)
{
	struct report_json *rj = xcalloc(1, sizeof(*rj));
	const char *prefix = path;
	struct stat st;

	rj->path = xstrdup(path);
	rj->w = jsonw_new();
	kpi_summarise(NULL, 0, &rj->kpis);
	/* Beside the report (its disk), unless it goes to a pipe or device. */
	if (strcmp(path, "-") == 0 || (stat(path, &st) == 0 &&
	    !S_ISREG(st.st_mode)))
		prefix = NULL;
	if ((rj->calls = spill_open(prefix, cause)) == NULL ||
	    (rj->streams = spill_open(prefix, cause)) == NULL) {
		report_json_free(rj);
		return NULL;
	}
	return rj;
}

void
report_json_sink(struct report_json *rj, struct pipeline_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->stream_done = on_stream;
	sink->call_done = on_call;
	sink->arg = rj;
}

void
report_json_set_sla(struct report_json *rj, struct sla *sla)
{
	rj->sla = sla;
}

/* One array of the report from its spill file, "[ ]" style when empty. */
static int
write_array(FILE *f, FILE *spill, size_t n, const char *mark_as)
{
	if (fputs("[\n", f) == EOF || (n > 0 && (spill_copy(spill, f,
	    mark_as) != 0 || fputc('\n', f) == EOF)) || fputs("  ]", f) == EOF)
		return -1;
	return 0;
}

/* The whole report to f: head, calls, kpis, streams, apps. */
static int
write_report(struct report_json *rj, const struct snapshot *final, FILE *f)
{
	const struct snap_capture *c = &final->capture;
	const char *suspect = c->kernel_drops > 0 || c->probe_drops > 0 ?
	    "true" : "false";
	json_object *version = json_object_new_string(PACKAGE_VERSION);
	json_object *capture = capture_json(c), *kpis = kpis_json(&rj->kpis);
	json_object *apps = apps_json(final);
	json_object *sla = NULL, *targets = NULL;
	int rc = -1;

	if (rj->sla != NULL) {
		sla = sla_json(rj->sla);
		targets = sla_targets_json(rj->sla);
	}

	if (fputs("{\n  \"version\": ", f) == EOF ||
	    write_indented(f, version, 1) != 0 ||
	    fputs(",\n  \"capture\": ", f) == EOF ||
	    write_indented(f, capture, 1) != 0 ||
	    fputs(",\n  \"calls\": ", f) == EOF ||
	    write_array(f, rj->calls, rj->n_calls, NULL) != 0 ||
	    fputs(",\n  \"kpis\": ", f) == EOF ||
	    write_indented(f, kpis, 1) != 0 ||
	    fputs(",\n  \"streams\": ", f) == EOF ||
	    write_array(f, rj->streams, rj->n_streams, suspect) != 0 ||
	    fputs(",\n  \"apps\": ", f) == EOF ||
	    write_indented(f, apps, 1) != 0 ||
	    (sla != NULL && (fputs(",\n  \"sla\": ", f) == EOF ||
	    write_indented(f, sla, 1) != 0 ||
	    fputs(",\n  \"sla_targets\": ", f) == EOF ||
	    write_indented(f, targets, 1) != 0)) ||
	    fputs("\n}\n", f) == EOF)
		goto out;
	rc = 0;
out:
	json_object_put(version);
	json_object_put(capture);
	json_object_put(kpis);
	json_object_put(apps);
	json_object_put(sla);
	json_object_put(targets);
	return rc;
}
static char *
cause_errno(const char *what, const char *path)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "cannot %s %s: %s", what, path,
	    strerror(errno));
	return xstrdup(buf);
}

int
report_json_finish(struct report_json *rj, const struct snapshot *final,
    char **cause)
{
	const char *path = rj->path;
	char *tmp = NULL;
	struct stat st;
	FILE *f;
	int rc = -1;

	if (rj->cause != NULL) {
		*cause = rj->cause;
		rj->cause = NULL;
		return -1;
	}
	if (strcmp(path, "-") == 0) {
		if (write_report(rj, final, stdout) != 0 ||
		    fflush(stdout) == EOF) {
			*cause = cause_errno("write", "standard output");
			return -1;
		}
		return 0;
	}
	/*
	 * A device or a pipe (/dev/null, a FIFO a script reads) is written
	 * in place: renaming over it would replace the device with a file.
	 */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if ((f = fopen(path, "w")) == NULL) {
			*cause = cause_errno("open", path);
		} else if (write_report(rj, final, f) != 0) {
			*cause = cause_errno("write", path);
			fclose(f);
		} else if (fclose(f) == EOF)
			*cause = cause_errno("write", path);
		else
			rc = 0;
		return rc;
	}

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		fatal("out of memory");
	if ((f = fopen(tmp, "w")) == NULL) {
		*cause = cause_errno("create", tmp);
		goto out;
	}
	if (write_report(rj, final, f) != 0) {
		*cause = cause_errno("write", tmp);
		fclose(f);
		unlink(tmp);
		goto out;
	}
	if (fclose(f) == EOF) {
		*cause = cause_errno("write", tmp);
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) == -1) {
		*cause = cause_errno("rename into", path);
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

void
report_json_free(struct report_json *rj)
{
	if (rj == NULL)
		return;
	if (rj->calls != NULL)
		fclose(rj->calls);
	if (rj->streams != NULL)
		fclose(rj->streams);
	jsonw_free(rj->w);
	free(rj->cause);
	free(rj->path);
	free(rj);
}
