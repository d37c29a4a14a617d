/*
 * The Prometheus text exposition format, version 0.0.4 (see prom-text.h).
 *
 * Each metric is written as one group: "# HELP", "# TYPE", then every
 * sample of that name.  A histogram's buckets are cumulative, in increasing
 * order of le, and end with le="+Inf", which equals its _count.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dissectors/sip.h"
#include "metrics/verdict.h"
#include "probe/output/prom-text.h"
#include "probe/vqprobe.h"

/*
 * MOS: the verdict's bands (VERDICT_MOS, VERDICT_MOS_GOOD) are bounds, so
 * that a query can count the intervals below them exactly.
 */
static const double mos_le[] = { 1, 1.5, 2, 2.5, 3, 3.5, VERDICT_MOS,
    VERDICT_MOS_GOOD, 4.3, 4.5 };
/* Loss ratio 0-1: le="0" counts the intervals without loss. */
static const double loss_le[] = { 0, 0.001, 0.005, VERDICT_LOSS_PCT / 100,
    0.02, 0.05, 0.1, 0.2, 0.5, 1 };
/* Jitter in seconds, with the verdict's fair and impaired bounds. */
static const double jitter_le[] = { 0.001, 0.002, 0.005,
    VERDICT_JITTER_FAIR_MS / 1000, 0.02, VERDICT_JITTER_MS / 1000, 0.05,
    0.1, 0.2, 0.5 };

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

const struct prom_buckets prom_mos_buckets = { mos_le, NITEMS(mos_le) };
const struct prom_buckets prom_loss_buckets = { loss_le, NITEMS(loss_le) };
const struct prom_buckets prom_jitter_buckets = { jitter_le,
    NITEMS(jitter_le) };

const char *const prom_call_states[PROM_CALL_STATES] = {
	"completed", "rejected", "busy", "cancelled", "diverted",
	"in_call", "ringing", "setup"
};

void
prom_histogram_observe(struct prom_histogram *h, const struct prom_buckets *b,
    double value, uint64_t weight)
{
	size_t i;

	for (i = 0; i < b->n && value > b->le[i]; i++)
		;
	h->in_bucket[i] += weight;
	h->count += weight;
	h->sum += value * (double)weight;
}

/* A growing text. */
struct text {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

static void
text_reserve(char **data, size_t len, size_t *cap, size_t more)
{
	if (len + more + 1 <= *cap)
		return;
	while (len + more + 1 > *cap)
		*cap = *cap ? *cap * 2 : 4096;
	*data = xreallocarray(*data, *cap, 1);
}

static void
text_printf(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
text_printf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("prometheus: cannot format a line");
	text_reserve(&t->data, t->len, &t->cap, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(t->data + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/* The length of the UTF-8 sequence at p (at most left bytes), 0: invalid. */
static size_t
utf8_length(const unsigned char *p, size_t left)
{
	size_t n, i;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates, past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void
prom_escape_value(char **out, size_t *len, size_t *cap, const char *value)
{
	const unsigned char *p = (const unsigned char *)value;
	size_t left = strlen(value), n;

	while (left > 0) {
		text_reserve(out, *len, cap, 4);
		if (*p == '\\' || *p == '"' || *p == '\n') {
			(*out)[(*len)++] = '\\';
			(*out)[(*len)++] = *p == '\n' ? 'n' : (char)*p;
			p++, left--;
			continue;
		}
		if ((n = utf8_length(p, left)) == 0 || *p < 0x20 ||
		    *p == 0x7f) {
			(*out)[(*len)++] = '?';
			p++, left--;
			continue;
		}
		memcpy(*out + *len, p, n);
		*len += n;
		p += n, left -= n;
	}
	text_reserve(out, *len, cap, 0);
	(*out)[*len] = '\0';
}

char *
prom_label_name(const char *key)
{
	static const char *const reserved[] = { "le", "quantile", "class",
	    NULL };
	char *name = xasprintf("_%s", key), *p;
	size_t i;

	for (p = name + 1; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_'))
			*p = '_';
	/* The leading '_' stays only before a digit or nothing. */
	if (name[1] != '\0' && !(name[1] >= '0' && name[1] <= '9'))
		memmove(name, name + 1, strlen(name));
	for (i = 0; reserved[i] != NULL; i++)
		if (strcmp(name, reserved[i]) == 0)
			break;
	if (reserved[i] != NULL || strncmp(name, "__", 2) == 0) {
		p = xasprintf("label_%s", name);
		free(name);
		name = p;
	}
	return name;
}

/* HELP and TYPE of a metric (help is vqprobe's own: nothing to escape). */
static void
header(struct text *t, const char *name, const char *type, const char *help)
{
	text_printf(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One sample: name{common,extra} value. */
static void
sample_u64(struct text *t, const char *name, const char *common,
    const char *extra, uint64_t value)
{
	text_printf(t, "%s{%s%s%s} %llu\n", name, common,
	    *common && *extra ? "," : "", extra, (unsigned long long)value);
}

/* A float as Go's strconv reads it back exactly. */
static void
format_double(char *buf, size_t size, double v)
{
	snprintf(buf, size, "%.17g", v);
}

static void
counter(struct text *t, const char *name, const char *help,
    const char *common, uint64_t value)
{
	header(t, name, "counter", help);
	sample_u64(t, name, common, "", value);
}

static void
gauge(struct text *t, const char *name, const char *help,
    const char *common, uint64_t value)
{
	header(t, name, "gauge", help);
	sample_u64(t, name, common, "", value);
}

/* One histogram: each series' buckets (cumulative), _sum and _count. */
static void
histogram(struct text *t, const struct prom_figures *f, const char *name,
    const char *help, const struct prom_buckets *b, size_t offset)
{
	char le[32], sum[40];
	size_t i, k;

	header(t, name, "histogram", help);
	for (i = 0; i < f->n_series; i++) {
		const struct prom_series *s = &f->series[i];
		const struct prom_histogram *h = (const struct prom_histogram *)
		    (const void *)((const char *)s + offset);
		uint64_t cumulative = 0;

		for (k = 0; k < b->n; k++) {
			cumulative += h->in_bucket[k];
			snprintf(le, sizeof(le), "%g", b->le[k]);
			text_printf(t, "%s_bucket{%s,le=\"%s\"} %llu\n", name,
			    s->labels, le, (unsigned long long)cumulative);
		}
		cumulative += h->in_bucket[b->n];
		text_printf(t, "%s_bucket{%s,le=\"+Inf\"} %llu\n", name,
		    s->labels, (unsigned long long)cumulative);
		format_double(sum, sizeof(sum), h->sum);
		text_printf(t, "%s_sum{%s} %s\n", name, s->labels, sum);
		text_printf(t, "%s_count{%s} %llu\n", name, s->labels,
		    (unsigned long long)h->count);
	}
}

/* The name of method m as vq_sip tags it, or NULL: no such method. */
static const char *
method_name(int m)
{
	if (m == SIP_METHOD_UNKNOWN)
		return "other";
	return m <= SIP_PUBLISH ? sip_method_name((enum sip_method)m) : NULL;
}

static void
sip(struct text *t, const struct prom_figures *f, const char *common)
{
	const char *name;
	char extra[64];
	int m, c;

	header(t, "vqprobe_sip_requests_total", "counter",
	    "SIP requests seen, by method (methods vqprobe does not know: "
	    "other).");
	for (m = 0; m < SNAP_SIP_METHODS; m++) {
		if ((name = method_name(m)) == NULL)
			continue;
		snprintf(extra, sizeof(extra), "method=\"%s\"", name);
		sample_u64(t, "vqprobe_sip_requests_total", common, extra,
		    f->sip_requests[m]);
	}
	header(t, "vqprobe_sip_responses_total", "counter",
	    "SIP responses seen, by the method of their CSeq and by class.");
	for (m = 0; m < SNAP_SIP_METHODS; m++) {
		uint64_t any = 0;

		if ((name = method_name(m)) == NULL)
			continue;
		for (c = 0; c < SNAP_SIP_CLASSES; c++)
			any += f->sip_responses[m][c];
		/* INVITE's classes are known to come: 0 from the start. */
		if (any == 0 && m != SIP_INVITE)
			continue;
		for (c = 0; c < SNAP_SIP_CLASSES; c++) {
			snprintf(extra, sizeof(extra),
			    "method=\"%s\",class=\"%dxx\"", name, c + 1);
			sample_u64(t, "vqprobe_sip_responses_total", common,
			    extra, f->sip_responses[m][c]);
		}
	}
}

static void
calls(struct text *t, const struct prom_figures *f, const char *common)
{
	char extra[64];
	size_t i;

	header(t, "vqprobe_calls_total", "counter",
	    "Calls that ended, by their final state (as the JSON report's "
	    "calls[].state).");
	for (i = 0; i < PROM_CALL_STATES; i++) {
		snprintf(extra, sizeof(extra), "state=\"%s\"",
		    prom_call_states[i]);
		sample_u64(t, "vqprobe_calls_total", common, extra, f->calls[i]);
	}
}

/* The probe's own health. */
static void
health(struct text *t, const struct prom_figures *f, const char *common)
{
	counter(t, "vqprobe_captured_packets_total",
	    "Frames captured.", common, f->capture.packets);
	counter(t, "vqprobe_captured_bytes_total",
	    "Bytes of the frames captured.", common, f->capture.bytes);
	/* A file has no kernel: no such series rather than a false 0. */
	if (f->capture.kernel_drops >= 0)
		counter(t, "vqprobe_kernel_dropped_packets_total",
		    "Packets the kernel dropped before the probe read them "
		    "(pcap_stats).", common,
		    (uint64_t)f->capture.kernel_drops);
	counter(t, "vqprobe_ring_dropped_packets_total",
	    "Packets dropped because a worker's ring was full.", common,
	    f->capture.probe_drops);
	counter(t, "vqprobe_truncated_packets_total",
	    "Packets cut short by the snapshot length.", common,
	    f->capture.truncated + f->worker_truncated);
	counter(t, "vqprobe_malformed_packets_total",
	    "Packets that did not parse.", common,
	    f->capture.malformed + f->worker_malformed);
	counter(t, "vqprobe_calls_evicted_total",
	    "Calls ended early by --max-calls.", common, f->calls_evicted);
	counter(t, "vqprobe_streams_evicted_total",
	    "Streams ended early by --max-streams.", common,
	    f->streams_evicted);
	gauge(t, "vqprobe_active_calls",
	    "Calls in the live tables at the latest metrics interval.", common,
	    f->active_calls);
	gauge(t, "vqprobe_active_streams",
	    "Streams in the live tables at the latest metrics interval.",
	    common, f->active_streams);
	if (f->have_export) {
		gauge(t, "vqprobe_export_queue_bytes",
		    "Metrics waiting in memory for InfluxDB.", common,
		    f->export_queue_bytes);
		counter(t, "vqprobe_export_dropped_lines_total",
		    "Metric lines InfluxDB rejected or that were lost for "
		    "want of a spool.", common, f->export_lines_dropped);
	}
	counter(t, "vqprobe_observations_refused_total",
	    "Stream intervals left out of the histograms because their "
	    "label set would pass the bound on series.", common,
	    f->observations_refused);
}

char *
prom_text_render(const struct prom_figures *f, const char *common,
    size_t *len)
{
	struct text t = { NULL, 0, 0 };

	histogram(&t, f, "vqprobe_interval_mos",
	    "MOS-CQE (ITU-T G.107) of each stream's rated MOS intervals, "
	    "as vq_stream's mos.", &prom_mos_buckets,
	    offsetof(struct prom_series, mos));
	histogram(&t, f, "vqprobe_interval_loss_ratio",
	    "Packet loss of each stream per metrics interval, 0 to 1, as "
	    "vq_stream's loss_pct / 100.", &prom_loss_buckets,
	    offsetof(struct prom_series, loss_ratio));
	histogram(&t, f, "vqprobe_interval_jitter_seconds",
	    "RFC 3550 interarrival jitter of each stream at the end of each "
	    "metrics interval, as vq_stream's jitter_ms / 1000.",
	    &prom_jitter_buckets, offsetof(struct prom_series, jitter_seconds));
	calls(&t, f, common);
	sip(&t, f, common);
	health(&t, f, common);
	text_reserve(&t.data, t.len, &t.cap, 0);
	t.data[t.len] = '\0';
	*len = t.len;
	return t.data;
}
