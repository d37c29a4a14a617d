/*
 * Results as line protocol (see export.h and docs/metrics.md).
 *
 * InfluxDB keeps one point per series and timestamp: two streams of one
 * series (same direction and codec) in one millisecond would be one point.
 * So each series remembers its latest timestamp, and a point that would
 * not come after it is moved to 1 ms later.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "dissectors/sip.h"
#include "metrics/kpi.h"
#include "metrics/lineproto.h"
#include "metrics/verdict.h"
#include "probe/analysis/analyzer.h"
#include "probe/output/export.h"
#include "probe/vqprobe.h"

/* Bytes of lines gathered before they go to the transport. */
#define EXPORT_FLUSH_BYTES	(256u << 10)

/* The latest timestamp of one series. */
/*
 * The milliseconds a series' latest points took, as ranges.  InfluxDB
 * keeps one point per series and timestamp, so a point whose millisecond
 * is taken moves past the range that holds it; any other keeps its own
 * time, even when it comes after a later one (calls end in another order
 * than they began, and workers report in turn).  A burst on one
 * millisecond (every call held at the end of a run) is one range however
 * long.  A point that collides with a range older than the last
 * SERIES_RECENT of its series is not seen to.
 */
#define SERIES_RECENT	32

struct ms_range {
	int64_t		 lo;
	int64_t		 hi;
};

struct series {
	char		*key;
	struct ms_range	 recent[SERIES_RECENT];
	size_t		 n_recent;	/* used, up to SERIES_RECENT */
	size_t		 next;		/* the slot a new range takes */
	UT_hash_handle	 hh;
};

/* A call whose streams ended before it: the subnet labels they give it. */
struct call_sum {
	uint64_t		order;		/* its INVITE's frame */
	struct subnet_match	where;		/* its media's subnet labels */
	UT_hash_handle		hh;
};

struct exporter {
	struct export_config	 cfg;
	struct influx		*influx;
	struct lp_buf		 buf;
	struct series		*series;	/* uthash head */
	struct call_sum		*calls;		/* uthash head */
	int			*final_codes;	/* calls ended since the last
						   interval */
	size_t			 n_codes;
	size_t			 cap_codes;
	int64_t			 latest_us;	/* capture time reached */
};

struct exporter *
exporter_new(const struct export_config *cfg, struct influx *influx)
{
	struct exporter *e = xcalloc(1, sizeof(*e));

	e->cfg = *cfg;
	e->influx = influx;
	lp_buf_init(&e->buf);
	return e;
}

void
exporter_free(struct exporter *e)
{
	struct series *s, *stmp;
	struct call_sum *c, *ctmp;

	if (e == NULL)
		return;
	HASH_ITER(hh, e->series, s, stmp) {
		HASH_DEL(e->series, s);
		free(s->key);
		free(s);
	}
	HASH_ITER(hh, e->calls, c, ctmp) {
		HASH_DEL(e->calls, c);
		free(c);
	}
	free(e->final_codes);
	lp_buf_free(&e->buf);
	free(e);
}

/* Hand what is gathered to the transport. */
static void
flush(struct exporter *e)
{
	if (e->buf.len > 0)
		influx_write(e->influx, e->buf.data, e->buf.len);
	lp_buf_reset(&e->buf);
}

/* The recent range that holds ms, or NULL. */
static struct ms_range *
series_range_of(struct series *s, int64_t ms)
{
	size_t i;

	for (i = 0; i < s->n_recent; i++)
		if (s->recent[i].lo <= ms && ms <= s->recent[i].hi)
			return &s->recent[i];
	return NULL;
}

/* Note ms as taken: it extends the range it touches, or starts one. */
static void
series_take(struct series *s, int64_t ms)
{
	size_t i;

	for (i = 0; i < s->n_recent; i++) {
		if (s->recent[i].hi + 1 == ms) {
			s->recent[i].hi = ms;
			return;
		}
		if (s->recent[i].lo - 1 == ms) {
			s->recent[i].lo = ms;
			return;
		}
	}
	s->recent[s->next].lo = ms;
	s->recent[s->next].hi = ms;
	s->next = (s->next + 1) % SERIES_RECENT;
	if (s->n_recent < SERIES_RECENT)
		s->n_recent++;
}

/*
 * A timestamp for a point of this series: ts_us, or the next millisecond
 * no recent point of the series has.  where: the point's subnet labels,
 * which make series of their own.
 */
static int64_t
series_ts_ms(struct exporter *e, const char *measurement, const char *tag1,
    const char *tag2, const struct subnet_match *where, int64_t ts_us)
{
	char key[256 + SUBNET_MAX_KEYS * (SUBNET_VALUE_MAX + 1)];
	struct series *s;
	struct ms_range *r;
	int64_t ms = ts_us / 1000;
	size_t i, n;

	n = (size_t)snprintf(key, sizeof(key), "%s\n%s\n%s", measurement,
	    tag1 ? tag1 : "", tag2 ? tag2 : "");
	for (i = 0; where != NULL && i < SUBNET_MAX_KEYS &&
	    n < sizeof(key); i++)
		n += (size_t)snprintf(key + n, sizeof(key) - n, "\n%s",
		    where->value[i] ? where->value[i] : "");
	HASH_FIND_STR(e->series, key, s);
	if (s == NULL) {
		s = xcalloc(1, sizeof(*s));
		s->key = xstrdup(key);
		HASH_ADD_KEYPTR(hh, e->series, s->key, strlen(s->key), s);
	}
	while ((r = series_range_of(s, ms)) != NULL)
		ms = r->hi + 1;
	series_take(s, ms);
	return ms;
}

/*
 * A point's beginning: the measurement, the probe, the subnet labels that
 * matched (where, or NULL) and the labels.  A tag's first value stays
 * (lp_tag), so a subnet label wins over a label of the same key.
 */
static void
begin(struct exporter *e, const char *measurement,
    const struct subnet_match *where)
{
	size_t i;

	lp_begin(&e->buf, measurement);
	lp_tag(&e->buf, "probe", e->cfg.probe);
	for (i = 0; where != NULL && e->cfg.subnets != NULL &&
	    i < subnet_labels_n_keys(e->cfg.subnets); i++)
		if (where->value[i] != NULL)
			lp_tag(&e->buf, subnet_labels_key(e->cfg.subnets, i),
			    where->value[i]);
	for (i = 0; i < e->cfg.n_labels; i++)
		lp_tag(&e->buf, e->cfg.labels[i].key, e->cfg.labels[i].value);
}

/* The subnet labels of a stream or call's endpoints, matched into m. */
static void
where_add(const struct exporter *e, const char *src, const char *dst,
    struct subnet_match *m)
{
	if (e->cfg.subnets == NULL)
		return;
	/* The source first: it wins ties (see subnet.h). */
	subnet_labels_match_text(e->cfg.subnets, src, m);
	subnet_labels_match_text(e->cfg.subnets, dst, m);
}

/* A point's end; lines go out once enough are gathered. */
static void
end(struct exporter *e, int64_t ts_ms)
{
	lp_end(&e->buf, ts_ms);
	if (e->buf.len >= EXPORT_FLUSH_BYTES)
		flush(e);
}

static void
note_time(struct exporter *e, int64_t ts_us)
{
	if (ts_us > e->latest_us)
		e->latest_us = ts_us;
}

/* vq_stream: one stream over one interval. */
static void
stream_point(struct exporter *e, const struct snap_stream_interval *si)
{
	const char *direction = si->direction ? si->direction : "none";
	struct subnet_match where;
	char ssrc[16];

	note_time(e, si->last_us);
	subnet_match_init(&where);
	where_add(e, si->src, si->dst, &where);
	begin(e, "vq_stream", &where);
	lp_tag(&e->buf, "direction", direction);
	lp_tag(&e->buf, "codec", si->codec);
	lp_field_str(&e->buf, "call_id", si->call_id[0] ? si->call_id : NULL);
	lp_field_str(&e->buf, "src", si->src);
	lp_field_str(&e->buf, "dst", si->dst);
	snprintf(ssrc, sizeof(ssrc), "0x%08x", si->ssrc);
	lp_field_str(&e->buf, "ssrc", ssrc);
	lp_field_uint(&e->buf, "packets", si->packets);
	lp_field_uint(&e->buf, "expected", si->expected);
	lp_field_int(&e->buf, "lost", si->lost);
	if (si->expected > 0)
		lp_field_float(&e->buf, "loss_pct", snap_interval_loss_pct(si));
	lp_field_uint(&e->buf, "jb_discards", si->jb_discards);
	lp_field_float(&e->buf, "burst_ratio", si->burst_ratio);
	lp_field_float(&e->buf, "jitter_ms", si->jitter_ms);
	lp_field_float(&e->buf, "max_jitter_ms", si->max_jitter_ms);
	if (si->have_mos) {
		lp_field_float(&e->buf, "mos", si->mos);
		lp_field_float(&e->buf, "r_factor", si->r_factor);
	}
	lp_field_int(&e->buf, "dscp", si->dscp);
	/* So far, from the receiver's latest report (segments.h). */
	if (si->after.have_lost)
		lp_field_int(&e->buf, "lost_after", si->after.lost);
	if (si->after.have_loss)
		lp_field_float(&e->buf, "loss_after_pct", si->after.loss_pct);
	lp_field_bool(&e->buf, "ended", si->ended);
	end(e, series_ts_ms(e, "vq_stream", direction, si->codec, &where,
	    si->last_us));
}

static void
on_streams(void *arg, const struct snap_stream_interval *si, size_t n)
{
	struct exporter *e = arg;
	size_t i;

	for (i = 0; i < n; i++)
		stream_point(e, &si[i]);
}

/* An ended stream of a call: its addresses label the call (subnets). */
static void
sum_stream(struct exporter *e, uint64_t call_order,
    const struct snap_stream *s)
{
	struct call_sum *c;

	if (s->direction == NULL)
		return;
	HASH_FIND(hh, e->calls, &call_order, sizeof(call_order), c);
	if (c == NULL) {
		c = xcalloc(1, sizeof(*c));
		c->order = call_order;
		subnet_match_init(&c->where);
		HASH_ADD(hh, e->calls, order, sizeof(c->order), c);
	}
	where_add(e, s->src, s->dst, &c->where);
}

/*
 * The per-direction fields of vq_call: the verdict's figures
 * (metrics/verdict.h), named with the side as a suffix.
 */
static void
direction_fields(struct exporter *e, const struct verdict_dir *d,
    const char *side)
{
	char key[32];

	if (d->sums.streams == 0)
		return;
	snprintf(key, sizeof(key), "impaired_%s", side);
	lp_field_bool(&e->buf, key, d->impaired);
	if (d->have_mos) {
		snprintf(key, sizeof(key), "mos_%s", side);
		lp_field_float(&e->buf, key, d->mos);
		snprintf(key, sizeof(key), "mos_min_%s", side);
		lp_field_float(&e->buf, key, d->mos_min);
		snprintf(key, sizeof(key), "mos_avg_%s", side);
		lp_field_float(&e->buf, key, d->mos_avg);
	}
	if (d->have_loss) {
		snprintf(key, sizeof(key), "loss_pct_%s", side);
		lp_field_float(&e->buf, key, d->loss_pct);
	}
	if (d->have_jitter) {
		snprintf(key, sizeof(key), "jitter_ms_%s", side);
		lp_field_float(&e->buf, key, d->jitter_ms);
		snprintf(key, sizeof(key), "jitter_max_ms_%s", side);
		lp_field_float(&e->buf, key, d->jitter_max_ms);
	}
}

/* vq_call: a call that ended, with the sums of its streams. */
static void
call_point(struct exporter *e, const struct snap_call *c)
{
	struct call_sum *sum, none;
	struct verdict_call v;
	int64_t ts_us = c->end_s != SNAP_NONE ? (int64_t)(c->end_s * 1e6) :
	    e->latest_us;

	HASH_FIND(hh, e->calls, &c->order, sizeof(c->order), sum);
	if (sum == NULL) {
		memset(&none, 0, sizeof(none));
		subnet_match_init(&none.where);
		sum = &none;
	}
	verdict_call_from(c->media, &v);
	begin(e, "vq_call", &sum->where);
	lp_tag(&e->buf, "state", c->state);
	lp_field_str(&e->buf, "call_id", c->call_id);
	lp_field_str(&e->buf, "from", c->from);
	lp_field_str(&e->buf, "to", c->to);
	if (c->final_code != 0)
		lp_field_int(&e->buf, "final_code", c->final_code);
	lp_field_bool(&e->buf, "answered", c->final_code >= 200 &&
	    c->final_code < 300);
	if (c->setup_ms != SNAP_NONE)
		lp_field_float(&e->buf, "setup_ms", c->setup_ms);
	if (c->pdd_ms != SNAP_NONE)
		lp_field_float(&e->buf, "pdd_ms", c->pdd_ms);
	if (c->duration_s != SNAP_NONE)
		lp_field_float(&e->buf, "duration_s", c->duration_s);
	lp_field_str(&e->buf, "end_reason", c->end_reason[0] ?
	    c->end_reason : NULL);
	lp_field_bool(&e->buf, "impaired", v.impaired);
	direction_fields(e, &v.dir[VERDICT_CALLER],
	    verdict_side_name(VERDICT_CALLER));
	direction_fields(e, &v.dir[VERDICT_CALLEE],
	    verdict_side_name(VERDICT_CALLEE));
	end(e, series_ts_ms(e, "vq_call", c->state, NULL, &sum->where, ts_us));

	if (sum != &none) {
		HASH_DEL(e->calls, sum);
		free(sum);
	}
	if (e->n_codes == e->cap_codes) {
		e->cap_codes = e->cap_codes ? e->cap_codes * 2 : 64;
		e->final_codes = xreallocarray(e->final_codes, e->cap_codes,
		    sizeof(*e->final_codes));
	}
	e->final_codes[e->n_codes++] = c->final_code;
}

/*
 * A piece of results: a stream that ended (with a copy of its call as it
 * stands), a call that ended (no stream), or all a worker held at the
 * end (every call in it ends with the capture).
 */
static void
on_part(void *arg, const struct snapshot *part, int final)
{
	struct exporter *e = arg;
	size_t i;

	for (i = 0; i < part->n_streams; i++)
		if (part->streams[i].call != SNAP_NO_CALL)
			sum_stream(e, part->calls[part->streams[i].call].order,
			    &part->streams[i]);
	if (final || (part->n_calls == 1 && part->n_streams == 0))
		for (i = 0; i < part->n_calls; i++)
			call_point(e, &part->calls[i]);
}

/* vq_sip per method, and ASR/NER of the calls that ended, with INVITE. */
static void
sip_points(struct exporter *e, const struct snap_interval *iv, int64_t ts_ms)
{
	struct kpi_summary kpi;
	char key[8];
	int m, c;

	kpi_summarise(e->final_codes, e->n_codes, &kpi);
	for (m = 0; m < SNAP_SIP_METHODS; m++) {
		uint64_t any = iv->sip_requests[m];
		const char *name = m == 0 ? "other" :
		    sip_method_name((enum sip_method)m);

		for (c = 0; c < SNAP_SIP_CLASSES; c++)
			any += iv->sip_responses[m][c];
		if ((any == 0 && (m != SIP_INVITE || kpi.attempts == 0)) ||
		    name == NULL)
			continue;
		begin(e, "vq_sip", NULL);
		lp_tag(&e->buf, "method", name);
		lp_field_uint(&e->buf, "requests", iv->sip_requests[m]);
		for (c = 0; c < SNAP_SIP_CLASSES; c++) {
			snprintf(key, sizeof(key), "r%dxx", c + 1);
			lp_field_uint(&e->buf, key, iv->sip_responses[m][c]);
		}
		if (m == SIP_INVITE && kpi.attempts > 0) {
			lp_field_uint(&e->buf, "attempts", kpi.attempts);
			lp_field_uint(&e->buf, "answered", kpi.answered);
			lp_field_float(&e->buf, "asr_pct", kpi.asr_pct);
			lp_field_float(&e->buf, "ner_pct", kpi.ner_pct);
		}
		end(e, series_ts_ms(e, "vq_sip", name, NULL, NULL,
		    ts_ms * 1000));
	}
	e->n_codes = 0;
}

/* vq_probe: the probe's own health. */
static void
probe_point(struct exporter *e, const struct snap_interval *iv,
    const struct pipeline_progress *pr, int64_t ts_ms)
{
	struct influx_stats st;

	influx_stats(e->influx, &st);
	begin(e, "vq_probe", NULL);
	lp_field_uint(&e->buf, "packets", pr->capture.packets);
	lp_field_uint(&e->buf, "bytes", pr->capture.bytes);
	if (pr->capture.kernel_drops >= 0)
		lp_field_int(&e->buf, "kernel_drops", pr->capture.kernel_drops);
	lp_field_uint(&e->buf, "probe_drops", pr->capture.probe_drops);
	lp_field_uint(&e->buf, "truncated", iv->capture.truncated +
	    iv->truncated);
	lp_field_uint(&e->buf, "malformed", iv->capture.malformed +
	    iv->malformed);
	lp_field_uint(&e->buf, "calls_evicted", iv->calls_evicted);
	lp_field_uint(&e->buf, "streams_evicted", iv->streams_evicted);
	lp_field_uint(&e->buf, "rtp_candidates_dropped",
	    iv->candidates_dropped);
	lp_field_uint(&e->buf, "media_routes_evicted",
	    iv->capture.media_routes_evicted);
	lp_field_uint(&e->buf, "ip_fragments_dropped",
	    iv->capture.ip_fragments_dropped);
	lp_field_uint(&e->buf, "tcp_bytes_dropped",
	    iv->capture.tcp_bytes_dropped);
	lp_field_uint(&e->buf, "active_calls", iv->active_calls);
	lp_field_uint(&e->buf, "active_streams", iv->active_streams);
	lp_field_uint(&e->buf, "export_queue_bytes", st.queue_bytes);
	lp_field_uint(&e->buf, "spool_bytes", st.spool_bytes);
	lp_field_uint(&e->buf, "spool_dropped_bytes", st.spool_dropped_bytes);
	lp_field_uint(&e->buf, "export_lines_dropped", st.lines_dropped);
	lp_field_uint(&e->buf, "write_errors", st.write_errors);
	lp_field_str(&e->buf, "exporter_state", influx_state_name(st.state));
	end(e, series_ts_ms(e, "vq_probe", NULL, NULL, NULL, ts_ms * 1000));
}

/* vq_app: traffic per application in the interval. */
static void
app_points(struct exporter *e, const struct snap_interval *iv, int64_t ts_ms)
{
	size_t i;

	for (i = 0; i < iv->n_apps; i++) {
		begin(e, "vq_app", NULL);
		lp_tag(&e->buf, "app", iv->apps[i].name);
		lp_field_uint(&e->buf, "flows", iv->apps[i].flows);
		lp_field_uint(&e->buf, "packets", iv->apps[i].packets);
		lp_field_uint(&e->buf, "bytes", iv->apps[i].bytes);
		end(e, series_ts_ms(e, "vq_app", iv->apps[i].name, NULL, NULL,
		    ts_ms * 1000));
	}
}

static void
on_interval(void *arg, const struct snap_interval *iv,
    const struct pipeline_progress *pr)
{
	struct exporter *e = arg;
	int64_t ts_ms = iv->end_us / 1000;

	note_time(e, iv->end_us);
	sip_points(e, iv, ts_ms);
	app_points(e, iv, ts_ms);
	probe_point(e, iv, pr, ts_ms);
	flush(e);
}

void
exporter_sink(struct exporter *e, struct pipeline_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->part = on_part;
	sink->streams = on_streams;
	sink->interval = on_interval;
	sink->arg = e;
}

void
exporter_finish(struct exporter *e)
{
	struct snap_interval none;

	/* The calls still open at the end closed after the last interval. */
	if (e->n_codes > 0) {
		memset(&none, 0, sizeof(none));
		sip_points(e, &none, e->latest_us / 1000);
	}
	flush(e);
}
