/*
 * The JSON report (keys as DESIGN.md fixes them), written with json-c.
 *
 * A figure that cannot be computed (MOS of an unknown codec, RTT without
 * RTCP) is null, never a made-up number.
 */
#include <sys/stat.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "config.h"
#include "metrics/kpi.h"
#include "probe/report.h"
#include "probe/vqprobe.h"

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
	add(o, "calls_timed_out", jint(c->calls_timed_out));
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

static json_object *
call_json(const struct snapshot *snap, const struct report_index *ix,
    size_t idx)
{
	const struct snap_call *c = &snap->calls[idx];
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
	for (i = ix->first[idx]; i != SNAP_NO_CALL; i = ix->next[i])
		json_object_array_add(ids,
		    json_object_new_int((int)snap->streams[i].id));
	add(o, "streams", ids);
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

static json_object *
stream_json(const struct snapshot *snap, const struct snap_stream *s)
{
	const struct rtpstat_summary *r = &s->rtp;
	const struct quality_summary *q = &s->quality;
	json_object *o = json_object_new_object(), *jit, *mos;
	char ssrc[16];
	int have_clock = s->clock_rate_hz != 0;

	add(o, "id", json_object_new_int((int)s->id));
	add(o, "call_id", s->call == SNAP_NO_CALL ? NULL :
	    json_object_new_string(snap->calls[s->call].call_id));
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
	 * not yet known per interval, so any drop in it makes loss suspect.
	 */
	add(o, "probe_loss_suspect", json_object_new_boolean(r->lost > 0 &&
	    (snap->capture.kernel_drops > 0 || snap->capture.probe_drops > 0)));
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
kpis_json(const struct snapshot *snap)
{
	json_object *o = json_object_new_object();
	struct kpi_summary k;
	int *codes;
	size_t i;

	codes = xcalloc(snap->n_calls ? snap->n_calls : 1, sizeof(*codes));
	for (i = 0; i < snap->n_calls; i++)
		codes[i] = snap->calls[i].final_code;
	kpi_summarise(codes, snap->n_calls, &k);
	free(codes);
	add(o, "attempts", jint(k.attempts));
	add(o, "answered", jint(k.answered));
	add(o, "asr_pct", jopt(k.asr_pct, 2));
	add(o, "ner_pct", jopt(k.ner_pct, 2));
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

static json_object *
report_json(const struct snapshot *snap)
{
	json_object *root = json_object_new_object();
	json_object *calls = json_object_new_array();
	json_object *streams = json_object_new_array();
	struct report_index ix;
	size_t i;

	add(root, "version", json_object_new_string(PACKAGE_VERSION));
	add(root, "capture", capture_json(&snap->capture));
	report_index_build(snap, &ix);
	for (i = 0; i < snap->n_calls; i++)
		json_object_array_add(calls, call_json(snap, &ix, i));
	report_index_free(&ix);
	add(root, "calls", calls);
	add(root, "kpis", kpis_json(snap));
	for (i = 0; i < snap->n_streams; i++)
		json_object_array_add(streams,
		    stream_json(snap, &snap->streams[i]));
	add(root, "streams", streams);
	add(root, "apps", apps_json(snap));
	return root;
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
report_json_write(const struct snapshot *snap, const char *path, char **cause)
{
	json_object *root = report_json(snap);
	const char *text;
	char *tmp = NULL;
	struct stat st;
	FILE *f;
	int rc = -1;

	text = json_object_to_json_string_ext(root,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (strcmp(path, "-") == 0) {
		if (fputs(text, stdout) == EOF || fputc('\n', stdout) == EOF ||
		    fflush(stdout) == EOF)
			*cause = cause_errno("write", "standard output");
		else
			rc = 0;
		json_object_put(root);
		return rc;
	}
	/*
	 * A device or a pipe (/dev/null, a FIFO a script reads) is written
	 * in place: renaming over it would replace the device with a file.
	 */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if ((f = fopen(path, "w")) == NULL) {
			*cause = cause_errno("open", path);
		} else if (fputs(text, f) == EOF || fputc('\n', f) == EOF) {
			*cause = cause_errno("write", path);
			fclose(f);
		} else if (fclose(f) == EOF)
			*cause = cause_errno("write", path);
		else
			rc = 0;
		json_object_put(root);
		return rc;
	}

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		fatal("out of memory");
	if ((f = fopen(tmp, "w")) == NULL) {
		*cause = cause_errno("create", tmp);
		goto out;
	}
	if (fputs(text, f) == EOF || fputc('\n', f) == EOF) {
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
	json_object_put(root);
	return rc;
}
