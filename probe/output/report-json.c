/*
 * The JSON report (keys as DESIGN.md fixes them), written with json-c.
 *
 * A figure that cannot be computed (MOS of an unknown codec, RTT without
 * RTCP) is null, never a made-up number.
 *
 * Written as the run goes, so that a run of months takes no more memory
 * than a run of minutes: each call and stream is made into text by json-c
 * as it comes (in capture order, see probe/pipeline/reorder.h) and spilled to a
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
#include <json-c/printbuf.h>

#include "config.h"
#include "metrics/kpi.h"
#include "metrics/verdict.h"
#include "probe/output/report.h"
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
	struct kpi_summary	 kpis;	/* of the calls written */
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

static json_object *
jstr_or_null(const char *s)
{
	return (s == NULL || *s == '\0') ? NULL : json_object_new_string(s);
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
	for (i = 0; i < c->n_proto_errors; i++) {
		const struct snap_proto_errors *e = &c->proto_errors[i];
		json_object *p = json_object_new_object();

		add(p, "truncated", jint(e->truncated));
		add(p, "malformed", jint(e->malformed));
		add(by, e->proto, p);
	}
	add(o, "by_protocol", by);
	return o;
}

/*
 * One side's verdict: its figures (null without the media to make them)
 * and, when impaired, the reasons in the verdict's order.
 */
static json_object *
verdict_dir_json(const struct verdict_dir *d)
{
	json_object *o = json_object_new_object(), *why;
	size_t i;

	add(o, "impaired", json_object_new_boolean(d->impaired));
	why = json_object_new_array();
	for (i = 0; i < VERDICT_REASONS; i++)
		if (d->reasons & verdict_reason_at(i))
			json_object_array_add(why, json_object_new_string(
			    verdict_reason_name(verdict_reason_at(i))));
	add(o, "reasons", why);
	add(o, "loss_pct", d->have_loss ? jnum(d->loss_pct, 3) : NULL);
	add(o, "mos", d->have_mos ? jnum(d->mos, 3) : NULL);
	add(o, "jitter_ms", d->have_jitter ? jnum(d->jitter_ms, 3) : NULL);
	return o;
}

static json_object *
verdict_json(const struct verdict_call *v)
{
	json_object *o = json_object_new_object();

	add(o, "impaired", json_object_new_boolean(v->impaired));
	add(o, verdict_side_name(VERDICT_CALLER),
	    verdict_dir_json(&v->dir[VERDICT_CALLER]));
	add(o, verdict_side_name(VERDICT_CALLEE),
	    verdict_dir_json(&v->dir[VERDICT_CALLEE]));
	return o;
}

static json_object *
call_json(const struct snap_call *c, const unsigned *stream_ids,
    size_t n_streams, const struct verdict_call *v)
{
	json_object *o = json_object_new_object(), *ids = json_object_new_array();
	size_t i;

	add(o, "call_id", json_object_new_string(c->call_id));
	add(o, "from", json_object_new_string(c->from));
	add(o, "to", json_object_new_string(c->to));
	add(o, "start", jnum(c->start_s, 6));
	add(o, "end", jopt(c->end_s, 6));
	add(o, "state", json_object_new_string(c->state));
	add(o, "final_code", c->final_code ?
	    json_object_new_int(c->final_code) : NULL);
	add(o, "pdd_ms", jopt(c->pdd_ms, 3));
	add(o, "setup_ms", jopt(c->setup_ms, 3));
	add(o, "duration_s", jopt(c->duration_s, 3));
	add(o, "end_reason", jstr_or_null(c->end_reason));
	add(o, "q850_cause", c->q850_cause < 0 ? NULL :
	    json_object_new_int(c->q850_cause));
	add(o, "dialogs", json_object_new_int((int)c->dialogs));
	for (i = 0; i < n_streams; i++)
		json_object_array_add(ids, json_object_new_int((int)stream_ids[i]));
	add(o, "streams", ids);
	add(o, "verdict", verdict_json(v));
	return o;
}

/*
 * The loss pattern as the decoder met it (lost and discarded, in sequence
 * order): run histogram, and RFC 3611 bursts and gaps with Gmin 16.
 */
static json_object *
burst_json(const struct burst_summary *b)
{
	json_object *o = json_object_new_object(), *h = json_object_new_array();
	size_t i;

	add(o, "sequence_numbers", jint(b->packets));
	add(o, "lost", jint(b->lost));
	add(o, "discarded", jint(b->discarded));
	add(o, "runs", jint(b->runs));
	add(o, "longest_run", jint(b->longest_run));
	for (i = 0; i < BURST_HIST_BINS; i++)
		json_object_array_add(h, jint(b->run_hist[i]));
	add(o, "run_histogram", h);	/* runs of 1..9, then 10 or more */
	add(o, "burst_ratio", jnum(b->burst_ratio, 4));
	add(o, "markov_burst_ratio", jnum(b->markov_burst_ratio, 4));
	add(o, "burst_density_pct", jnum(b->burst_density * 100.0 / 256.0, 2));
	add(o, "gap_density_pct", jnum(b->gap_density * 100.0 / 256.0, 2));
	add(o, "burst_ms", jnum(b->burst_ms, 1));
	add(o, "gap_ms", jnum(b->gap_ms, 1));
	return o;
}

/* What the receiver reported in RTCP, beside the probe's own figures. */
static json_object *
far_end_json(const struct snap_far_end *f)
{
	json_object *o, *xr;

	if (f->reports == 0 && !f->have_sender && !f->have_xr)
		return NULL;
	o = json_object_new_object();
	add(o, "reports", jint(f->reports));
	add(o, "fraction_lost_pct", f->reports ?
	    jnum(f->fraction_lost_pct, 2) : NULL);
	add(o, "cumulative_lost", f->reports ?
	    json_object_new_int(f->cumulative_lost) : NULL);
	add(o, "jitter_ms", f->reports ? jnum(f->jitter_ms, 3) : NULL);
	add(o, "rtt_ms", f->have_rtt ? jnum(f->rtt_ms, 3) : NULL);
	add(o, "sender_packets", f->have_sender ?
	    jint(f->sender_packets) : NULL);
	if (!f->have_xr) {
		add(o, "xr", NULL);
		return o;
	}
	xr = json_object_new_object();
	add(xr, "loss_pct", jnum(f->xr_loss_pct, 2));
	add(xr, "discard_pct", jnum(f->xr_discard_pct, 2));
	add(xr, "r_factor", f->xr_r_factor < 0 ? NULL :
	    json_object_new_int(f->xr_r_factor));
	add(xr, "mos_lq", f->xr_mos_lq < 0 ? NULL : jnum(f->xr_mos_lq, 1));
	add(xr, "mos_cq", f->xr_mos_cq < 0 ? NULL : jnum(f->xr_mos_cq, 1));
	add(xr, "rtt_ms", json_object_new_int(f->xr_rtt_ms));
	add(xr, "end_system_delay_ms",
	    json_object_new_int(f->xr_end_system_delay_ms));
	add(o, "xr", xr);
	return o;
}

/* Prints the mark spill_copy settles (see the top of the file). */
static int
print_mark(json_object *o, struct printbuf *pb, int level, int flags)
{
	(void)o;
	(void)level;
	(void)flags;
	return printbuf_memappend(pb, (const char []){ SPILL_MARK }, 1);
}

static json_object *
stream_json(const struct snap_stream *s, const char *call_id)
{
	const struct rtpstat_summary *r = &s->rtp;
	const struct quality_summary *q = &s->quality;
	json_object *o = json_object_new_object(), *jit, *mos, *suspect;
	char ssrc[16];
	int have_clock = s->clock_rate_hz != 0;

	add(o, "id", json_object_new_int((int)s->id));
	add(o, "call_id", call_id == NULL ? NULL :
	    json_object_new_string(call_id));
	add(o, "direction", jstr_or_null(s->direction));
	add(o, "media_period", jint(s->period));
	add(o, "src", json_object_new_string(s->src));
	add(o, "dst", json_object_new_string(s->dst));
	snprintf(ssrc, sizeof(ssrc), "0x%08x", s->ssrc);
	add(o, "ssrc", json_object_new_string(ssrc));
	add(o, "payload_type", s->payload_type < 0 ? NULL :
	    json_object_new_int(s->payload_type));
	add(o, "codec", jstr_or_null(s->codec));
	add(o, "clock_rate", have_clock ?
	    json_object_new_int64(s->clock_rate_hz) : NULL);
	add(o, "start", jnum((double)r->first_us / 1e6, 6));
	add(o, "end", jnum((double)r->last_us / 1e6, 6));
	add(o, "packets", jint(r->packets));
	add(o, "expected", jint(r->expected));
	add(o, "lost", jint(r->lost));
	add(o, "duplicates", jint(r->duplicates));
	add(o, "out_of_order", jint(r->out_of_order));
	add(o, "events", jint(r->events));
	add(o, "telephone_events", jint(r->telephone_events));
	add(o, "comfort_noise", jint(r->comfort_noise));
	add(o, "unannounced", jint(r->unannounced));
	add(o, "loss_pct", jnum(r->loss_pct, 3));
	add(o, "burst_ratio", jnum(r->burst_ratio, 4));
	if (have_clock) {
		jit = json_object_new_object();
		add(jit, "mean", jnum(r->jitter_mean_ms, 3));
		add(jit, "max", jnum(r->jitter_max_ms, 3));
		add(o, "jitter_ms", jit);
	} else
		add(o, "jitter_ms", NULL);
	add(o, "max_delta_ms", jnum(r->max_delta_ms, 3));
	add(o, "jb_discards", jint(q->jb_discards));
	add(o, "jb_delay_ms", jnum(q->jb_delay_ms, 3));
	add(o, "delay_ms", jnum(q->delay_ms, 3));
	add(o, "delay_includes_rtt", json_object_new_boolean(q->have_rtt));
	mos = json_object_new_object();
	add(mos, "call", q->have_mos ? jnum(q->mos_call, 3) : NULL);
	add(mos, "min", q->have_mos ? jnum(q->mos_min, 3) : NULL);
	add(mos, "avg", q->have_mos ? jnum(q->mos_avg, 3) : NULL);
	add(mos, "intervals", jint(q->intervals));
	add(o, "mos", mos);
	add(o, "r_factor", q->have_mos ? jnum(q->r_call, 3) : NULL);
	add(o, "loss_pattern", burst_json(&q->burst));
	add(o, "far_end", far_end_json(&s->far));
	/*
	 * Loss while the probe itself dropped packets may be the probe's:
	 * say so, so nobody blames an ISP for it.  The capture's drops are
	 * not yet known per interval, so any drop in it makes loss suspect:
	 * known at the end, so a stream with loss gets a mark until then.
	 */
	suspect = json_object_new_boolean(0);
	if (r->lost > 0)
		json_object_set_serializer(suspect, print_mark, NULL, NULL);
	add(o, "probe_loss_suspect", suspect);
	add(o, "dscp", json_object_new_int(s->dscp));
	add(o, "dscp_changes", jint(s->dscp_changes));
	/* Voice not marked EF (46) is at the mercy of every queue on the path. */
	add(o, "dscp_ef", json_object_new_boolean(s->dscp == 46 &&
	    s->dscp_changes == 0));
	add(o, "vlan", s->vlan < 0 ? NULL : json_object_new_int(s->vlan));
	return o;
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

/* One more entry of an array two levels down (calls[], streams[]). */
static void
spill_entry(struct report_json *rj, FILE *f, size_t *n, json_object *o)
{
	if (rj->cause == NULL &&
	    (fputs(*n > 0 ? ",\n    " : "    ", f) == EOF ||
	    write_indented(f, o, 2) != 0))
		rj->cause = cause_errno("write", "a spill file of the report");
	(*n)++;
	json_object_put(o);
}

static void
on_stream(void *arg, const struct snap_stream *s, const char *call_id,
    uint64_t call_order)
{
	struct report_json *rj = arg;

	(void)call_order;
	spill_entry(rj, rj->streams, &rj->n_streams, stream_json(s, call_id));
}

static void
on_call(void *arg, const struct snap_call *c, const unsigned *stream_ids,
    size_t n_streams)
{
	struct report_json *rj = arg;
	struct verdict_call v;

	kpi_add(&rj->kpis, c->final_code);
	verdict_call_from(c->media, &v);
	spill_entry(rj, rj->calls, &rj->n_calls, call_json(c, stream_ids,
	    n_streams, &v));
}

struct report_json *
report_json_new(const char *path, char **cause)
{
	struct report_json *rj = xcalloc(1, sizeof(*rj));
	const char *prefix = path;
	struct stat st;

	rj->path = xstrdup(path);
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
	int rc = -1;

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
	    fputs("\n}\n", f) == EOF)
		goto out;
	rc = 0;
out:
	json_object_put(version);
	json_object_put(capture);
	json_object_put(kpis);
	json_object_put(apps);
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
	free(rj->cause);
	free(rj->path);
	free(rj);
}
