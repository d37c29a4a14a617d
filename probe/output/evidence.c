/*
 * The evidence report: per-call pages, an index, written as calls end.
 * Everything shown comes from the snapshot the analyzers made; the text
 * in it (URIs, Call-IDs, SIP messages) is the sender's choice and is
 * escaped for HTML here, whatever it holds.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <uthash.h>

#include "config.h"
#include "metrics/emodel.h"
#include "probe/output/callpcap.h"
#include "probe/output/evidence.h"
#include "probe/vqprobe.h"

/*
 * When a direction counts as impaired.  1 % loss is where G.711 without
 * concealment becomes audibly worse (G.113 Appendix I) and a common SLA
 * bound; MOS 3.6 is R = 70, below which G.107 (Annex B) has many users
 * dissatisfied; 30 ms of mean jitter is a usual alert bound (the Grafana
 * rules use the same three).
 */
#define IMPAIRED_LOSS_PCT	1.0
#define IMPAIRED_MOS		3.6
#define IMPAIRED_JITTER_MS	30.0
/* Loss runs clustered this much more than random count as bursty. */
#define BURSTY_RATIO		1.2
/* Interval totals kept to tell the probe's drops during a call. */
#define TIMELINE_MAX		8192
/* Live, the index is rewritten at most this often. */
#define INDEX_EVERY_US		(10 * 1000000LL)
/*
 * Calls the index lists, at most: past it, the better half goes (their
 * pages stay), so that months of calls keep memory and the page bounded.
 */
#define INDEX_MAX		20000

/* A call not yet written: its latest copy and its streams. */
struct pending {
	char		 stem[CALLPCAP_STEM_LEN];
	struct snap_call call;
	int		 have_call;
	struct snap_stream *streams;
	size_t		 n_streams;
	int		 ended;		/* its page waits for the interval
					   after its end (the probe's drops) */
	UT_hash_handle	 hh;
};

/* A direction of a call: its streams taken together. */
struct direction {
	const char	*name;		/* "caller", "callee" */
	size_t		 n_streams;
	const struct snap_stream *first;	/* the one with most packets */
	uint64_t	 packets;
	uint64_t	 expected;
	uint64_t	 lost;
	uint64_t	 duplicates;
	uint64_t	 jb_discards;
	double		 loss_pct;
	double		 burst_ratio;	/* of its lossiest stream */
	double		 jitter_mean_ms;	/* the worst stream's */
	double		 jitter_max_ms;
	int		 have_mos;
	double		 mos_call;	/* the worst stream's */
	double		 mos_min;
	double		 r_call;
	double		 delay_ms;
	uint32_t	 dscp_changes;
	const struct snap_far_end *far;	/* the most reported-on stream's */
	/* Interval points of all its streams, in time order. */
	const struct snap_point **points;
	size_t		 n_points;
	int		 impaired;
};

/* One line of the index. */
struct row {
	char		stem[CALLPCAP_STEM_LEN];
	char		call_id[SNAP_TEXT_LEN];
	char		from[SNAP_TEXT_LEN];
	char		to[SNAP_TEXT_LEN];
	double		start_s;
	double		duration_s;
	int		final_code;
	const char	*state;
	int		have_mos[2];
	double		mos[2];		/* caller's media, callee's */
	double		loss_pct[2];
	double		jitter_ms[2];
	int		has_media[2];
	int		impaired[2];
	double		worst;		/* sort key: lower is worse */
};

struct drops_at {
	int64_t		end_us;
	int64_t		kernel;		/* -1: a file */
	uint64_t	probe;
};

struct evidence {
	struct evidence_config cfg;
	char		 dir[4096];
	char		 pcap_dir[4200];
	char		 tz[64];	/* the probe's zone, "CET (+0100)" */
	struct pending	*pending;	/* uthash by stem */
	struct row	*rows;
	size_t		 n_rows;
	size_t		 cap_rows;
	uint64_t	 rows_dropped;	/* better calls the index no longer lists */
	int		 rows_changed;
	int64_t		 index_written_us;	/* monotonic */
	struct drops_at	 timeline[TIMELINE_MAX];
	size_t		 n_timeline;
	uint64_t	 write_errors;
	int		 warned;
};

void
evidence_config_default(struct evidence_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->probe = "vqprobe";
	cfg->source = "";
}

/* ---- Writing files ---- */

/* A page that could not be written: counted, and said once. */
static int
write_failed(struct evidence *ev, const char *path)
{
	ev->write_errors++;
	if (!ev->warned) {
		ev->warned = 1;
		warnx_vq("evidence %s: %s", path, strerror(errno));
	}
	return -1;
}

static int
make_dir(const char *path, char **cause)
{
	struct stat st;

	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		*cause = xasprintf("--report %s: %s", path, strerror(errno));
		return -1;
	}
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    access(path, W_OK | X_OK) != 0) {
		*cause = xasprintf("--report %s: not a folder this process can "
		    "write to", path);
		return -1;
	}
	return 0;
}

struct evidence *
evidence_open(const struct evidence_config *cfg, char **cause)
{
	struct evidence *ev;
	char sub[4200];
	time_t now = time(NULL);
	struct tm tm;

	if (strlen(cfg->dir) > 3000) {
		*cause = xasprintf("--report: folder name too long");
		return NULL;
	}
	ev = xcalloc(1, sizeof(*ev));
	ev->cfg = *cfg;
	snprintf(ev->dir, sizeof(ev->dir), "%s", cfg->dir);
	snprintf(sub, sizeof(sub), "%s/calls", ev->dir);
	snprintf(ev->pcap_dir, sizeof(ev->pcap_dir), "%s/pcap", ev->dir);
	if (make_dir(ev->dir, cause) != 0 || make_dir(sub, cause) != 0 ||
	    make_dir(ev->pcap_dir, cause) != 0) {
		free(ev);
		return NULL;
	}
	localtime_r(&now, &tm);
	strftime(ev->tz, sizeof(ev->tz), "%Z (%z)", &tm);
	return ev;
}

const char *
evidence_pcap_dir(const struct evidence *ev)
{
	return ev->pcap_dir;
}

/* A page is written beside its name and renamed: never seen half-made. */
static FILE *
page_open(const char *path, char *tmp, size_t size)
{
	snprintf(tmp, size, "%s.tmp", path);
	return fopen(tmp, "w");
}

static int
page_close(struct evidence *ev, FILE *f, const char *tmp, const char *path)
{
	int bad = ferror(f);

	if (fclose(f) != 0)
		bad = 1;
	if (!bad && rename(tmp, path) == 0)
		return 0;
	unlink(tmp);
	return write_failed(ev, path);
}

/* ---- HTML ---- */

/*
 * Text for HTML: the five metacharacters as entities, any other byte
 * outside printable ASCII as %XX (as probe/text.h makes it), so that
 * nothing in it can open a tag, end an attribute or reach the terminal
 * of someone who prints the file.  keep_lines: CR LF and LF stay line
 * breaks (SIP messages shown whole).
 */
static void
html_text(FILE *f, const char *p, size_t len, int keep_lines)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (keep_lines && c == '\r' && i + 1 < len && p[i + 1] == '\n')
			continue;
		if (keep_lines && c == '\n')
			fputc('\n', f);
		else if (c == '&')
			fputs("&amp;", f);
		else if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c == '\'')
			fputs("&#39;", f);
		else if (c < 0x20 || c > 0x7e)
			fprintf(f, "%%%02X", c);
		else
			fputc(c, f);
	}
}

static void
html(FILE *f, const char *s)
{
	html_text(f, s, strlen(s), 0);
}

/* A time in UTC, with its date or without, or "-" for none. */
static void
utc_format(double epoch_s, int with_date, char *buf, size_t size)
{
	time_t t = (time_t)epoch_s;
	struct tm tm;

	if (epoch_s < 0 || gmtime_r(&t, &tm) == NULL)
		snprintf(buf, size, "-");
	else if (with_date)
		strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
	else
		strftime(buf, size, "%H:%M:%S", &tm);
}

static void
utc_time(double epoch_s, char *buf, size_t size)
{
	utc_format(epoch_s, 1, buf, size);
}

static void
clock_time(double epoch_s, char *buf, size_t size)
{
	utc_format(epoch_s, 0, buf, size);
}

static const char css[] =
"body{font:14px/1.45 sans-serif;color:#1b1b1b;margin:24px auto;"
"max-width:980px;padding:0 16px}"
"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;"
"border-bottom:1px solid #ccc;padding-bottom:3px}"
"table{border-collapse:collapse;margin:6px 0}"
"td,th{border:1px solid #ccc;padding:3px 7px;text-align:left;"
"vertical-align:top}th{background:#f1f1f1}"
"td.n{text-align:right;font-variant-numeric:tabular-nums}"
".bad{color:#a40000;font-weight:bold}.ok{color:#176117}"
".meta{color:#555}#verdict{border:2px solid #999;padding:8px 14px;"
"background:#fafafa}#verdict.impaired{border-color:#a40000}"
"#verdict.clean{border-color:#176117}"
"pre{white-space:pre-wrap;word-break:break-all;font-size:12px;"
"background:#f7f7f7;padding:6px}"
"svg{display:block;margin:4px 0 12px}svg text{font:11px sans-serif}"
"polyline{fill:none}polyline.caller{stroke:#0b5cad}"
"polyline.callee{stroke:#c25400}circle.caller{fill:#0b5cad}"
"circle.callee{fill:#c25400}span.caller{color:#0b5cad}"
"span.callee{color:#c25400}"
"@media print{body{margin:0;max-width:none}a{color:inherit}"
"h2{break-after:avoid}svg,table{break-inside:avoid}}";

static void
page_head(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "\n<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<title>", f);
	html(f, title);
	fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n", css);
}

/* ---- A call's directions ---- */

static int
point_cmp(const void *a, const void *b)
{
	const struct snap_point *x = *(const struct snap_point *const *)a;
	const struct snap_point *y = *(const struct snap_point *const *)b;

	return (x->end_us > y->end_us) - (x->end_us < y->end_us);
}

/* The streams one side of the call sent (by the direction it is named). */
static void
direction_gather(const struct pending *p, const char *name,
    struct direction *d)
{
	size_t i, k, n = 0;

	memset(d, 0, sizeof(*d));
	d->name = name;
	d->burst_ratio = 1.0;
	for (i = 0; i < p->n_streams; i++) {
		const struct snap_stream *s = &p->streams[i];

		if (s->direction == NULL || strcmp(s->direction, name) != 0)
			continue;
		d->n_streams++;
		if (d->first == NULL || s->rtp.packets > d->first->rtp.packets)
			d->first = s;
		d->packets += s->rtp.packets;
		d->expected += s->rtp.expected;
		d->lost += s->rtp.lost;
		d->duplicates += s->rtp.duplicates;
		d->jb_discards += s->quality.jb_discards;
		if (s->rtp.lost > 0 && s->rtp.burst_ratio > d->burst_ratio)
			d->burst_ratio = s->rtp.burst_ratio;
		if (s->rtp.jitter_mean_ms > d->jitter_mean_ms)
			d->jitter_mean_ms = s->rtp.jitter_mean_ms;
		if (s->rtp.jitter_max_ms > d->jitter_max_ms)
			d->jitter_max_ms = s->rtp.jitter_max_ms;
		if (s->quality.have_mos && (!d->have_mos ||
		    s->quality.mos_call < d->mos_call)) {
			d->mos_call = s->quality.mos_call;
			d->r_call = s->quality.r_call;
			d->delay_ms = s->quality.delay_ms;
		}
		if (s->quality.have_mos && (!d->have_mos ||
		    s->quality.mos_min < d->mos_min))
			d->mos_min = s->quality.mos_min;
		d->have_mos |= s->quality.have_mos;
		d->dscp_changes += s->dscp_changes;
		if (d->far == NULL || s->far.reports > d->far->reports)
			d->far = &s->far;
		n += s->n_points;
	}
	d->loss_pct = d->expected ? 100.0 * (double)d->lost /
	    (double)d->expected : 0.0;
	if (n > 0) {
		d->points = xcalloc(n, sizeof(*d->points));
		for (i = 0; i < p->n_streams; i++) {
			const struct snap_stream *s = &p->streams[i];

			if (s->direction == NULL ||
			    strcmp(s->direction, name) != 0)
				continue;
			for (k = 0; k < s->n_points; k++)
				d->points[d->n_points++] = &s->points[k];
		}
		qsort(d->points, d->n_points, sizeof(*d->points), point_cmp);
	}
	d->impaired = d->packets > 0 && (d->loss_pct >= IMPAIRED_LOSS_PCT ||
	    (d->have_mos && d->mos_call < IMPAIRED_MOS) ||
	    d->jitter_mean_ms > IMPAIRED_JITTER_MS);
}

/* The probe's drops from the interval before start to the one after end. */
static void
drops_during(const struct evidence *ev, double start_s, double end_s,
    int64_t *kernel, uint64_t *probe, int *known)
{
	int64_t from = (int64_t)(start_s * 1e6), to = (int64_t)(end_s * 1e6);
	const struct drops_at *base = NULL, *top = NULL;
	size_t i;

	for (i = 0; i < ev->n_timeline; i++) {
		const struct drops_at *t = &ev->timeline[i];

		if (t->end_us <= from)
			base = t;
		if (top == NULL && t->end_us >= to)
			top = t;
	}
	if (top == NULL && ev->n_timeline > 0)
		top = &ev->timeline[ev->n_timeline - 1];
	*known = top != NULL && top->kernel >= 0;
	*kernel = top != NULL && top->kernel >= 0 ? top->kernel -
	    (base != NULL && base->kernel >= 0 ? base->kernel : 0) : -1;
	*probe = top != NULL ? top->probe - (base != NULL ? base->probe : 0) :
	    0;
}

/* The span of the intervals that were bad, as clock times. */
static int
bad_span(const struct direction *d, const struct analyzer_config *an,
    double *from_s, double *to_s)
{
	size_t i;
	int any = 0;

	for (i = 0; i < d->n_points; i++) {
		const struct snap_point *pt = d->points[i];

		if (pt->loss_pct < IMPAIRED_LOSS_PCT &&
		    !(pt->have_mos && pt->mos < IMPAIRED_MOS))
			continue;
		if (!any) {
			/* An interval starts no earlier than the media. */
			*from_s = (double)(pt->end_us - an->interval_us) / 1e6;
			if (d->first != NULL && *from_s <
			    (double)d->first->rtp.first_us / 1e6)
				*from_s = (double)d->first->rtp.first_us / 1e6;
		}
		*to_s = (double)pt->end_us / 1e6;
		any = 1;
	}
	return any;
}

static void
dscp_name(int dscp, char *buf, size_t size)
{
	if (dscp == 46)
		snprintf(buf, size, "EF (46)");
	else if (dscp == 0)
		snprintf(buf, size, "0, best effort");
	else if (dscp >= 10 && dscp <= 38 && dscp % 2 == 0 &&
	    (dscp & 7) != 0 && (dscp >> 3) >= 1 && (dscp >> 3) <= 4)
		snprintf(buf, size, "AF%d%d (%d)", dscp >> 3,
		    (dscp & 7) >> 1, dscp);
	else if (dscp % 8 == 0)
		snprintf(buf, size, "CS%d (%d)", dscp / 8, dscp);
	else
		snprintf(buf, size, "%d", dscp);
}

/* The verdict on one direction, as sentences. */
static void
direction_verdict(FILE *f, const struct evidence *ev, const struct pending *p,
    const struct direction *d, const struct direction *other)
{
	const struct snap_stream *s = d->first;
	char t1[32], t2[32], b1[32], b2[32];
	double from_s, to_s;
	int64_t kernel;
	uint64_t probe;
	int known;

	fprintf(f, "<p><b>Media from the %s</b> (", d->name);
	html(f, s->src);
	fputs(" &rarr; ", f);
	html(f, s->dst);
	if (s->codec[0]) {
		fputs(", ", f);
		html(f, s->codec);
	}
	fputs(")", f);
	if (!d->impaired) {
		fprintf(f, " arrived <span class=\"ok\">clean</span>: %.2f %% "
		    "of its packets missing (%llu of %llu), mean jitter "
		    "%.1f ms", d->loss_pct, (unsigned long long)d->lost,
		    (unsigned long long)d->expected, d->jitter_mean_ms);
		if (d->have_mos)
			fprintf(f, ", MOS %.2f", d->mos_call);
		fputs(".</p>\n", f);
		return;
	}
	fprintf(f, " was <span class=\"bad\">impaired</span>: it reached the "
	    "probe with <b>%.2f %%</b> of its packets missing (%llu of "
	    "%llu)", d->loss_pct, (unsigned long long)d->lost,
	    (unsigned long long)d->expected);
	if (d->have_mos)
		fprintf(f, ", for a MOS of <b>%.2f</b> (R %.1f)", d->mos_call,
		    d->r_call);
	fputs(".", f);
	if (d->lost > 0) {
		if (d->burst_ratio > BURSTY_RATIO)
			fprintf(f, " The loss came <b>in bursts</b> (burst "
			    "ratio %.2f: losses clustered %.1f times more than "
			    "random loss would, as on a congested or failing "
			    "link; bursts hurt speech more than the same loss "
			    "spread out).", d->burst_ratio, d->burst_ratio);
		else
			fprintf(f, " The loss was spread out, not bursty "
			    "(burst ratio %.2f).", d->burst_ratio);
	}
	if (d->jitter_mean_ms > IMPAIRED_JITTER_MS)
		fprintf(f, " Jitter was high: %.1f ms on average, %.1f ms at "
		    "most.", d->jitter_mean_ms, d->jitter_max_ms);
	if (d->jb_discards > 0)
		fprintf(f, " %llu packets came too late for the listener's "
		    "jitter buffer.", (unsigned long long)d->jb_discards);
	if (bad_span(d, ev->cfg.analysis, &from_s, &to_s)) {
		clock_time(from_s, t1, sizeof(t1));
		clock_time(to_s, t2, sizeof(t2));
		fprintf(f, " It was bad between <b>%s and %s</b> UTC.", t1, t2);
	}
	fputs("</p>\n<p>", f);
	drops_during(ev, p->call.start_s, p->call.end_s != SNAP_NONE ?
	    p->call.end_s : p->call.start_s, &kernel, &probe, &known);
	if (!known && probe == 0)
		fprintf(f, "The probe read these packets from a capture file, "
		    "whose own drops at capture time a file does not record; "
		    "vqprobe analysed every packet in it.");
	else if (kernel == 0 && probe == 0)
		fprintf(f, "<b>The probe dropped no packet</b> during the call "
		    "(kernel 0, probe 0): the missing packets were lost "
		    "<b>before they reached the probe</b>, between the %s and "
		    "the capture point (", d->name);
	else
		fprintf(f, "<span class=\"bad\">The probe itself dropped "
		    "packets during the call</span> (kernel %lld, probe "
		    "%llu): some of the loss may be the probe's own, so it is "
		    "not proof of loss in the network (", (long long)kernel,
		    (unsigned long long)probe);
	if (known || probe > 0) {
		html(f, ev->cfg.source);
		fputs(").", f);
	}
	if (d->far != NULL && d->far->reports > 0) {
		double far_pct = d->expected ? 100.0 *
		    (double)d->far->cumulative_lost / (double)d->expected : 0;

		if (fabs(far_pct - d->loss_pct) <= 1.0)
			fprintf(f, " <b>The receiver's own RTCP reports "
			    "agree</b>: %d packets lost in its last report "
			    "(%.2f %%), against %llu counted by the probe.",
			    d->far->cumulative_lost, far_pct,
			    (unsigned long long)d->lost);
		else
			fprintf(f, " The receiver's own RTCP reports differ: "
			    "%d packets lost in its last report (%.2f %%), "
			    "against %llu counted by the probe%s.",
			    d->far->cumulative_lost, far_pct,
			    (unsigned long long)d->lost,
			    far_pct > d->loss_pct ? "; more packets were lost "
			    "between the probe and the receiver" : "");
		if (d->far->have_xr)
			fprintf(f, " Its RTCP XR VoIP metrics give %.1f %% "
			    "lost and %.1f %% discarded.", d->far->xr_loss_pct,
			    d->far->xr_discard_pct);
	} else
		fputs(" No RTCP report from the receiver was seen to compare "
		    "with.", f);
	dscp_name(s->dscp, b1, sizeof(b1));
	if (d->dscp_changes > 0)
		fprintf(f, " Its DSCP marking changed %u times during the call "
		    "(first %s).", d->dscp_changes, b1);
	else if (other->first != NULL && other->first->dscp != s->dscp) {
		dscp_name(other->first->dscp, b2, sizeof(b2));
		fprintf(f, " It arrived marked DSCP %s while the %s's media "
		    "arrived marked %s: %s.", b1, other->name, b2,
		    s->dscp < other->first->dscp ? "its priority marking was "
		    "lost, or never set, on the way" : "the two directions are "
		    "not treated alike");
	} else
		fprintf(f, " It arrived marked DSCP %s, as the other "
		    "direction.", b1);
	fputs("</p>\n", f);
}

/* ---- Charts ---- */

#define CHART_W		640
#define CHART_H		150
#define CHART_LEFT	48
#define CHART_BOTTOM	22

enum metric { M_LOSS, M_JITTER, M_MOS };

static int
point_value(const struct snap_point *pt, enum metric m, double *v)
{
	if (m == M_LOSS)
		*v = pt->loss_pct;
	else if (m == M_JITTER)
		*v = pt->max_jitter_ms;
	else if (pt->have_mos)
		*v = pt->mos;
	else
		return 0;
	return 1;
}

/* Where a value v at t seconds falls in the plot area. */
static void
chart_xy(double t, double tmax, double v, double vmin, double vmax,
    double *x, double *y)
{
	*x = CHART_LEFT + t / tmax * (CHART_W - CHART_LEFT - 8);
	*y = 4 + (1.0 - (v - vmin) / (vmax - vmin)) *
	    (CHART_H - CHART_BOTTOM - 4);
}

/* One chart: a metric per interval, a line per direction. */
static void
chart(FILE *f, const char *title, const char *unit, enum metric m,
    const struct direction *d, size_t n_dirs, double t0_s)
{
	double vmax = m == M_MOS ? 5.0 : 0.0, vmin = m == M_MOS ? 1.0 : 0.0;
	double tmax = 1.0, v, x, y;
	size_t i, k;
	int started;

	for (k = 0; k < n_dirs; k++)
		for (i = 0; i < d[k].n_points; i++) {
			double t = (double)d[k].points[i]->end_us / 1e6 - t0_s;

			if (t > tmax)
				tmax = t;
			if (m != M_MOS && point_value(d[k].points[i], m, &v) &&
			    v > vmax)
				vmax = v;
		}
	if (vmax <= vmin)
		vmax = vmin + 1.0;
	vmax = m == M_MOS ? vmax : ceil(vmax * 1.1);
	fprintf(f, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-label=\"", CHART_W, CHART_H, CHART_W, CHART_H);
	html(f, title);
	fprintf(f, "\"><rect x=\"%d\" y=\"4\" width=\"%d\" height=\"%d\" "
	    "fill=\"none\" stroke=\"#bbb\"/>", CHART_LEFT, CHART_W -
	    CHART_LEFT - 8, CHART_H - CHART_BOTTOM - 4);
	fprintf(f, "<text x=\"%d\" y=\"14\" text-anchor=\"end\">%.*f</text>"
	    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.*f</text>",
	    CHART_LEFT - 4, m == M_MOS ? 1 : 0, vmax, CHART_LEFT - 4,
	    CHART_H - CHART_BOTTOM, m == M_MOS ? 1 : 0, vmin);
	fprintf(f, "<text x=\"4\" y=\"%d\">%s</text>", CHART_H / 2, unit);
	fprintf(f, "<text x=\"%d\" y=\"%d\">0 s</text><text x=\"%d\" y=\"%d\" "
	    "text-anchor=\"end\">%.0f s</text>", CHART_LEFT, CHART_H - 6,
	    CHART_W - 8, CHART_H - 6, tmax);
	for (k = 0; k < n_dirs; k++) {
		started = 0;
		for (i = 0; i < d[k].n_points; i++) {
			if (!point_value(d[k].points[i], m, &v))
				continue;
			chart_xy((double)d[k].points[i]->end_us / 1e6 - t0_s,
			    tmax, v, vmin, vmax, &x, &y);
			if (!started)
				fprintf(f, "<polyline class=\"%s\" "
				    "stroke-width=\"2\" points=\"", d[k].name);
			fprintf(f, "%s%.1f,%.1f", started ? " " : "", x, y);
			started = 1;
		}
		if (started)
			fputs("\"/>", f);
		for (i = 0; i < d[k].n_points; i++) {
			double t = (double)d[k].points[i]->end_us / 1e6 - t0_s;

			if (!point_value(d[k].points[i], m, &v))
				continue;
			chart_xy(t, tmax, v, vmin, vmax, &x, &y);
			fprintf(f, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" "
			    "r=\"2.5\"><title>%s %.0f s: %.2f</title></circle>",
			    d[k].name, x, y, d[k].name, t, v);
		}
	}
	fputs("</svg>\n", f);
}

/* ---- The SIP ladder ---- */

#define LADDER_MAX_PARTIES	6
#define LADDER_MAX_MSGS		200

static int
party_of(char parties[][SNAP_ENDPOINT_LEN], size_t *n, const char *ep)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(parties[i], ep) == 0)
			return (int)i;
	if (*n == LADDER_MAX_PARTIES)
		return -1;
	snprintf(parties[*n], SNAP_ENDPOINT_LEN, "%s", ep);
	return (int)(*n)++;
}

static void
ladder(FILE *f, const struct snap_call *c)
{
	char parties[LADDER_MAX_PARTIES][SNAP_ENDPOINT_LEN];
	size_t n = 0, i, shown = c->n_msgs < LADDER_MAX_MSGS ? c->n_msgs :
	    LADDER_MAX_MSGS;
	int width, x0 = 90, gap, h;

	for (i = 0; i < shown; i++) {
		party_of(parties, &n, c->msgs[i].src);
		party_of(parties, &n, c->msgs[i].dst);
	}
	if (n < 2) {
		fputs("<p>No SIP message was kept for this call.</p>\n", f);
		return;
	}
	gap = n > 2 ? 200 : 320;
	width = x0 + (int)(n - 1) * gap + 120;
	h = 40 + (int)shown * 24;
	fprintf(f, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-label=\"SIP ladder\">", width, h, width, h);
	for (i = 0; i < n; i++) {
		int x = x0 + (int)i * gap;

		fprintf(f, "<text x=\"%d\" y=\"14\" text-anchor=\"middle\">",
		    x);
		html(f, parties[i]);
		fprintf(f, "</text><line x1=\"%d\" y1=\"20\" x2=\"%d\" "
		    "y2=\"%d\" stroke=\"#999\"/>", x, x, h);
	}
	for (i = 0; i < shown; i++) {
		const struct snap_sip_msg *m = &c->msgs[i];
		int a = party_of(parties, &n, m->src);
		int b = party_of(parties, &n, m->dst);
		int y = 36 + (int)i * 24, xa, xb;
		double dt = (double)m->ts_us / 1e6 - c->start_s;

		if (a < 0 || b < 0)
			continue;
		xa = x0 + a * gap;
		xb = x0 + b * gap;
		fprintf(f, "<text x=\"4\" y=\"%d\">+%.3f s</text>", y, dt);
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		    "stroke=\"%s\" stroke-width=\"1.5\"/>", xa, y, xb, y,
		    m->is_request ? "#333" : "#0b5cad");
		fprintf(f, "<polygon points=\"%d,%d %d,%d %d,%d\" fill=\"%s\"/>",
		    xb, y, xb + (xb > xa ? -8 : 8), y - 4, xb + (xb > xa ?
		    -8 : 8), y + 4, m->is_request ? "#333" : "#0b5cad");
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
		    (xa + xb) / 2, y - 4);
		html(f, m->summary);
		if (m->has_sdp)
			fputs(" (SDP)", f);
		fputs("</text>", f);
	}
	fputs("</svg>\n", f);
	if (c->n_msgs > shown || c->msgs_dropped > 0)
		fprintf(f, "<p class=\"meta\">%zu more messages not drawn.</p>\n",
		    c->n_msgs - shown + c->msgs_dropped);
}

/* ---- Pages ---- */

/* A figure with its decimals, marked when bad; "-" when there is none. */
static void
figure_cell(FILE *f, int have, double v, int decimals, int bad)
{
	if (!have) {
		fputs("<td class=\"n\">-</td>", f);
		return;
	}
	fprintf(f, "<td class=\"n%s\">%.*f</td>", bad ? " bad" : "", decimals,
	    v);
}

static void
figures_table(FILE *f, const struct direction *d)
{
	size_t k;

	fputs("<table><tr><th>media from</th><th>streams</th><th>packets</th>"
	    "<th>expected</th><th>lost</th><th>loss %</th><th>burst ratio</th>"
	    "<th>jitter mean / max ms</th><th>late for the buffer</th>"
	    "<th>MOS call / worst interval</th><th>R</th><th>DSCP</th></tr>\n",
	    f);
	for (k = 0; k < 2; k++) {
		if (d[k].first == NULL)
			continue;
		fprintf(f, "<tr><td>%s</td><td class=\"n\">%zu</td>"
		    "<td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
		    "<td class=\"n\">%llu</td>", d[k].name, d[k].n_streams,
		    (unsigned long long)d[k].packets,
		    (unsigned long long)d[k].expected,
		    (unsigned long long)d[k].lost);
		figure_cell(f, 1, d[k].loss_pct, 2,
		    d[k].loss_pct >= IMPAIRED_LOSS_PCT);
		figure_cell(f, 1, d[k].burst_ratio, 2, 0);
		fprintf(f, "<td class=\"n\">%.2f / %.2f</td><td class=\"n\">"
		    "%llu</td>", d[k].jitter_mean_ms, d[k].jitter_max_ms,
		    (unsigned long long)d[k].jb_discards);
		if (d[k].have_mos)
			fprintf(f, "<td class=\"n%s\">%.2f / %.2f</td>",
			    d[k].mos_call < IMPAIRED_MOS ? " bad" : "",
			    d[k].mos_call, d[k].mos_min);
		else
			fputs("<td class=\"n\">-</td>", f);
		figure_cell(f, d[k].have_mos, d[k].r_call, 1, 0);
		fprintf(f, "<td class=\"n\">%d</td></tr>\n", d[k].first->dscp);
	}
	fputs("</table>\n", f);
}

/* The E-model's inputs per direction, and the standards behind them. */
static void
model_table(FILE *f, const struct evidence *ev, const struct direction *d)
{
	const struct analyzer_config *an = ev->cfg.analysis;
	struct emodel_options eo;
	size_t k;

	emodel_options_init(&eo);
	eo.g711_plc = an->g711_plc;
	fputs("<table><tr><th>media from</th><th>codec</th><th>clock Hz</th>"
	    "<th>audio per packet ms</th><th>Ie</th><th>Bpl</th>"
	    "<th>Ppl % (lost + late)</th><th>BurstR</th><th>Ta ms</th>"
	    "<th>figures from</th></tr>\n", f);
	for (k = 0; k < 2; k++) {
		const struct snap_stream *s = d[k].first;
		const struct emodel_codec *c;
		double ppl;

		if (s == NULL)
			continue;
		c = s->codec[0] ? emodel_codec_find(s->codec, s->clock_rate_hz,
		    &eo) : NULL;
		ppl = d[k].expected ? 100.0 * (double)(d[k].lost +
		    d[k].jb_discards) / (double)d[k].expected : 0.0;
		fprintf(f, "<tr><td>%s</td><td>", d[k].name);
		html(f, s->codec[0] ? s->codec : "unknown");
		fprintf(f, "</td><td class=\"n\">%u</td><td class=\"n\">%.0f</td>",
		    s->clock_rate_hz, s->quality.packet_ms);
		if (c != NULL)
			fprintf(f, "<td class=\"n\">%.0f</td><td class=\"n\">"
			    "%.1f</td>", c->ie, c->bpl);
		else
			fputs("<td>-</td><td>-</td>", f);
		fprintf(f, "<td class=\"n\">%.2f</td><td class=\"n\">%.2f</td>"
		    "<td class=\"n\">%.0f</td><td>", ppl, d[k].burst_ratio,
		    d[k].delay_ms);
		html(f, c != NULL && c->source != NULL ? c->source :
		    "no figures: no MOS");
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	fprintf(f, "<p class=\"meta\">The listener modelled: a %s jitter "
	    "buffer of %.0f ms%s, MOS rated every %.0f s of media. Ta is the "
	    "one-way delay the E-model is given: the buffer and the packet, "
	    "plus half the round trip when RTCP tells it.</p>\n",
	    an->jbuf.kind == JBUF_ADAPTIVE ? "adaptive" : "fixed",
	    an->jbuf.nominal_ms, an->g711_plc ? ", G.711 with packet-loss "
	    "concealment (G.711 Appendix I)" : ", no packet-loss concealment",
	    (double)an->interval_us / 1e6);
	fputs("<p class=\"meta\">Standards: ITU-T G.107 (E-model: R-factor and "
	    "MOS, BurstR), ITU-T G.113 Appendix I (Ie and Bpl per codec), "
	    "RFC 3550 (sequence numbers, loss and interarrival jitter, "
	    "RTCP), RFC 3611 (RTCP XR VoIP metrics), RFC 3261 and RFC 4566 "
	    "(SIP, SDP). Loss is expected &minus; received per RFC 3550 "
	    "Appendix A.3, counted where the probe captured.</p>\n", f);
}

static void
write_call_page(struct evidence *ev, const struct pending *p,
    struct direction *d, const char *verdict_dirs)
{
	const struct snap_call *c = &p->call;
	char path[4300], tmp[4400], t1[32], t2[32], pcap[4300];
	struct stat st;
	size_t i;
	FILE *f;
	int any = d[0].impaired || d[1].impaired;

	snprintf(path, sizeof(path), "%s/calls/%s.html", ev->dir, p->stem);
	if ((f = page_open(path, tmp, sizeof(tmp))) == NULL) {
		write_failed(ev, path);
		return;
	}
	page_head(f, c->call_id);
	fputs("<p><a href=\"../index.html\">&larr; all calls</a></p>\n", f);
	fputs("<h1>Call ", f);
	html(f, c->from);
	fputs(" &rarr; ", f);
	html(f, c->to);
	fputs("</h1>\n<p class=\"meta\">Call-ID ", f);
	html(f, c->call_id);
	utc_time(c->start_s, t1, sizeof(t1));
	utc_time(c->end_s, t2, sizeof(t2));
	fprintf(f, "<br>From %s to %s UTC; final response %d; %s", t1,
	    c->end_s != SNAP_NONE ? t2 : "(not ended)", c->final_code,
	    c->state != NULL ? c->state : "");
	if (c->end_reason[0]) {
		fputs(" (", f);
		html(f, c->end_reason);
		fputs(")", f);
	}
	if (c->duration_s != SNAP_NONE)
		fprintf(f, "; talked %.1f s", c->duration_s);
	if (c->pdd_ms != SNAP_NONE)
		fprintf(f, "; post-dial delay %.0f ms", c->pdd_ms);
	if (c->setup_ms != SNAP_NONE)
		fprintf(f, "; set up in %.0f ms", c->setup_ms);
	fputs("</p>\n", f);

	fprintf(f, "<h2>Verdict</h2>\n<section id=\"verdict\" class=\"%s\" "
	    "data-impaired=\"%s\">\n", any ? "impaired" : "clean",
	    verdict_dirs);
	if (d[0].first == NULL && d[1].first == NULL)
		fputs("<p>No media was seen for this call.</p>\n", f);
	else if (!any)
		fputs("<p><b>Both directions were clean.</b></p>\n", f);
	else if (d[0].impaired && d[1].impaired)
		fputs("<p><b>Both directions were impaired.</b></p>\n", f);
	else
		fprintf(f, "<p><b>The media from the %s to the %s was "
		    "impaired; the other direction was not.</b></p>\n",
		    d[0].impaired ? "caller" : "callee",
		    d[0].impaired ? "callee" : "caller");
	for (i = 0; i < 2; i++)
		if (d[i].first != NULL)
			direction_verdict(f, ev, p, &d[i], &d[1 - i]);
	fputs("</section>\n", f);

	fputs("<h2>Media</h2>\n", f);
	figures_table(f, d);
	if (d[0].n_points + d[1].n_points > 0) {
		fputs("<p class=\"meta\">Per interval, from the start of the "
		    "call: <span class=\"caller\">&#9632; media from the "
		    "caller</span>, <span class=\"callee\">&#9632; media from "
		    "the callee</span>.</p>\n<h3>Loss (% of packets)</h3>\n", f);
		chart(f, "loss per interval", "%", M_LOSS, d, 2, c->start_s);
		fputs("<h3>Jitter (highest in the interval, ms)</h3>\n", f);
		chart(f, "jitter per interval", "ms", M_JITTER, d, 2,
		    c->start_s);
		fputs("<h3>MOS per interval</h3>\n", f);
		chart(f, "MOS per interval", "MOS", M_MOS, d, 2, c->start_s);
	}
	fputs("<h2>The MOS and what it rests on</h2>\n", f);
	model_table(f, ev, d);

	fputs("<h2>SIP</h2>\n", f);
	ladder(f, c);
	if (c->n_msgs > 0) {
		fputs("<details><summary>The messages as captured</summary>\n",
		    f);
		for (i = 0; i < c->n_msgs; i++) {
			const struct snap_sip_msg *m = &c->msgs[i];

			utc_time((double)m->ts_us / 1e6, t1, sizeof(t1));
			fprintf(f, "<p class=\"meta\">%s.%06lld UTC ", t1,
			    (long long)(m->ts_us % 1000000));
			html(f, m->src);
			fputs(" &rarr; ", f);
			html(f, m->dst);
			fputs("</p><pre>", f);
			if (m->text != NULL)
				html_text(f, m->text, m->text_len, 1);
			fputs("</pre>\n", f);
		}
		fputs("</details>\n", f);
	}

	fputs("<h2>Evidence</h2>\n<p>", f);
	snprintf(pcap, sizeof(pcap), "%s/%s.pcap", ev->pcap_dir, p->stem);
	if (stat(pcap, &st) == 0)
		fprintf(f, "The call's packets (SIP, RTP, RTCP): <a href=\"../"
		    "pcap/%s.pcap\">%s.pcap</a> (%lld bytes, raw IP, opens in "
		    "Wireshark).", p->stem, p->stem, (long long)st.st_size);
	else
		fputs("No packet of this call was written.", f);
	fputs("</p>\n<p class=\"meta\">Captured by probe ", f);
	html(f, ev->cfg.probe);
	fprintf(f, " %s ", ev->cfg.live ? "on interface" : "from file");
	html(f, ev->cfg.source);
	fprintf(f, ". Times are UTC; the probe's time zone is %s. vqprobe %s."
	    "</p>\n</body></html>\n", ev->tz, PACKAGE_VERSION);
	page_close(ev, f, tmp, path);
}

static int row_cmp(const void *, const void *);

static struct row *
row_add(struct evidence *ev, const char *stem)
{
	size_t i;

	/* A call written again (a later copy) keeps its line. */
	for (i = ev->n_rows; i-- > 0 && ev->n_rows - i <= 64;)
		if (strcmp(ev->rows[i].stem, stem) == 0)
			return &ev->rows[i];
	if (ev->n_rows == INDEX_MAX) {
		qsort(ev->rows, ev->n_rows, sizeof(*ev->rows), row_cmp);
		ev->rows_dropped += ev->n_rows - INDEX_MAX / 2;
		ev->n_rows = INDEX_MAX / 2;
	}
	if (ev->n_rows == ev->cap_rows) {
		ev->cap_rows = ev->cap_rows ? ev->cap_rows * 2 : 64;
		ev->rows = xreallocarray(ev->rows, ev->cap_rows,
		    sizeof(*ev->rows));
	}
	memset(&ev->rows[ev->n_rows], 0, sizeof(ev->rows[0]));
	return &ev->rows[ev->n_rows++];
}

/* Write a pending call's page, keep its line for the index, forget it. */
static void
settle(struct evidence *ev, struct pending *p)
{
	struct direction d[2];
	char dirs[32] = "";
	struct row *r;
	size_t k;

	if (!p->have_call)
		return;
	direction_gather(p, "caller", &d[0]);
	direction_gather(p, "callee", &d[1]);
	for (k = 0; k < 2; k++)
		if (d[k].impaired)
			snprintf(dirs + strlen(dirs), sizeof(dirs) - strlen(dirs),
			    "%s%s", dirs[0] ? " " : "", d[k].name);
	if (!dirs[0])
		snprintf(dirs, sizeof(dirs), "none");
	write_call_page(ev, p, d, dirs);

	r = row_add(ev, p->stem);
	snprintf(r->stem, sizeof(r->stem), "%s", p->stem);
	memcpy(r->call_id, p->call.call_id, sizeof(r->call_id));
	memcpy(r->from, p->call.from, sizeof(r->from));
	memcpy(r->to, p->call.to, sizeof(r->to));
	r->start_s = p->call.start_s;
	r->duration_s = p->call.duration_s;
	r->final_code = p->call.final_code;
	r->state = p->call.state;
	r->worst = 6.0;
	for (k = 0; k < 2; k++) {
		r->has_media[k] = d[k].first != NULL;
		r->have_mos[k] = d[k].have_mos;
		r->mos[k] = d[k].mos_call;
		r->loss_pct[k] = d[k].loss_pct;
		r->jitter_ms[k] = d[k].jitter_mean_ms;
		r->impaired[k] = d[k].impaired;
		if (d[k].have_mos && d[k].mos_call < r->worst)
			r->worst = d[k].mos_call;
		free(d[k].points);
	}
	ev->rows_changed = 1;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int ix = x->impaired[0] + x->impaired[1];
	int iy = y->impaired[0] + y->impaired[1];

	/* Impaired first, then the lowest MOS, then the most loss. */
	if (ix != iy)
		return iy - ix;
	if (x->worst != y->worst)
		return x->worst < y->worst ? -1 : 1;
	if (x->loss_pct[0] + x->loss_pct[1] != y->loss_pct[0] + y->loss_pct[1])
		return x->loss_pct[0] + x->loss_pct[1] >
		    y->loss_pct[0] + y->loss_pct[1] ? -1 : 1;
	return (x->start_s > y->start_s) - (x->start_s < y->start_s);
}

static int
write_index(struct evidence *ev, const struct snapshot *final)
{
	char path[4300], tmp[4400], t1[32];
	size_t i, k, bad = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/index.html", ev->dir);
	if ((f = page_open(path, tmp, sizeof(tmp))) == NULL)
		return write_failed(ev, path);
	qsort(ev->rows, ev->n_rows, sizeof(*ev->rows), row_cmp);
	for (i = 0; i < ev->n_rows; i++)
		bad += ev->rows[i].impaired[0] || ev->rows[i].impaired[1];
	page_head(f, "vqprobe: calls");
	fputs("<h1>Calls, worst first</h1>\n<p class=\"meta\">Probe ", f);
	html(f, ev->cfg.probe);
	fprintf(f, " %s ", ev->cfg.live ? "on interface" : "from file");
	html(f, ev->cfg.source);
	fprintf(f, "; times UTC (the probe's zone: %s).", ev->tz);
	if (final != NULL) {
		fprintf(f, " %llu packets", (unsigned long long)
		    final->capture.packets);
		if (final->capture.kernel_drops >= 0)
			fprintf(f, "; dropped by the kernel %lld, by the probe "
			    "%llu", (long long)final->capture.kernel_drops,
			    (unsigned long long)final->capture.probe_drops);
		fputs(".", f);
	} else
		fputs(" The run goes on: this page is rewritten as calls "
		    "end.", f);
	fprintf(f, "</p>\n<p>%zu calls, <b>%zu impaired</b> (loss &ge; %.0f %%, "
	    "MOS &lt; %.1f or mean jitter &gt; %.0f ms in a direction).",
	    ev->n_rows, bad, IMPAIRED_LOSS_PCT, IMPAIRED_MOS,
	    IMPAIRED_JITTER_MS);
	if (ev->rows_dropped > 0)
		fprintf(f, " %llu better calls are not listed (the index keeps "
		    "the worst %d); their pages are in calls/.",
		    (unsigned long long)ev->rows_dropped, INDEX_MAX / 2);
	fputs("</p>\n", f);
	fputs("<table><tr><th rowspan=\"2\">start</th><th rowspan=\"2\">from"
	    "</th><th rowspan=\"2\">to</th><th rowspan=\"2\">code</th>"
	    "<th rowspan=\"2\">talk s</th><th colspan=\"3\">caller's media"
	    "</th><th colspan=\"3\">callee's media</th><th rowspan=\"2\">"
	    "evidence</th></tr>\n<tr><th>MOS</th><th>loss %</th><th>jitter ms"
	    "</th><th>MOS</th><th>loss %</th><th>jitter ms</th></tr>\n", f);
	for (i = 0; i < ev->n_rows; i++) {
		const struct row *r = &ev->rows[i];

		utc_time(r->start_s, t1, sizeof(t1));
		fprintf(f, "<tr><td>%s</td><td>", t1);
		html(f, r->from);
		fputs("</td><td>", f);
		html(f, r->to);
		fprintf(f, "</td><td class=\"n\">%d</td>", r->final_code);
		if (r->duration_s != SNAP_NONE)
			fprintf(f, "<td class=\"n\">%.1f</td>", r->duration_s);
		else
			fputs("<td class=\"n\">-</td>", f);
		for (k = 0; k < 2; k++) {
			if (!r->has_media[k]) {
				fputs("<td>-</td><td>-</td><td>-</td>", f);
				continue;
			}
			figure_cell(f, r->have_mos[k], r->mos[k], 2,
			    r->have_mos[k] && r->mos[k] < IMPAIRED_MOS);
			figure_cell(f, 1, r->loss_pct[k], 2,
			    r->loss_pct[k] >= IMPAIRED_LOSS_PCT);
			figure_cell(f, 1, r->jitter_ms[k], 1,
			    r->jitter_ms[k] > IMPAIRED_JITTER_MS);
		}
		fprintf(f, "<td><a href=\"calls/%s.html\">page</a> <a href=\""
		    "pcap/%s.pcap\">pcap</a></td></tr>\n", r->stem, r->stem);
	}
	fprintf(f, "</table>\n<p class=\"meta\">vqprobe %s</p>\n</body>"
	    "</html>\n", PACKAGE_VERSION);
	ev->rows_changed = 0;
	return page_close(ev, f, tmp, path);
}

/* ---- Gathering the parts ---- */

static struct pending *
pending_get(struct evidence *ev, const struct snap_call *c)
{
	char stem[CALLPCAP_STEM_LEN];
	struct pending *p;

	callpcap_stem(c->order, c->call_id, stem, sizeof(stem));
	HASH_FIND_STR(ev->pending, stem, p);
	if (p == NULL) {
		p = xcalloc(1, sizeof(*p));
		memcpy(p->stem, stem, sizeof(stem));
		HASH_ADD_STR(ev->pending, stem, p);
	}
	return p;
}

static void
pending_call(struct pending *p, const struct snap_call *c)
{
	if (p->have_call && p->call.version > c->version)
		return;
	if (p->have_call)
		snap_call_release(&p->call);
	p->call = *c;
	p->call.msgs = snap_msgs_dup(c->msgs, c->n_msgs);
	if (p->call.msgs == NULL)
		p->call.n_msgs = 0;
	p->have_call = 1;
}

static void
pending_stream(struct pending *p, const struct snap_stream *s)
{
	struct snap_stream *copy;

	p->streams = xreallocarray(p->streams, p->n_streams + 1,
	    sizeof(*p->streams));
	copy = &p->streams[p->n_streams++];
	*copy = *s;
	copy->points = NULL;
	if (s->n_points > 0) {
		copy->points = xcalloc(s->n_points, sizeof(*s->points));
		memcpy(copy->points, s->points, s->n_points *
		    sizeof(*s->points));
	}
}

static void
pending_free(struct evidence *ev, struct pending *p)
{
	size_t i;

	HASH_DEL(ev->pending, p);
	if (p->have_call)
		snap_call_release(&p->call);
	for (i = 0; i < p->n_streams; i++)
		free(p->streams[i].points);
	free(p->streams);
	free(p);
}

static void
on_part(void *arg, const struct snapshot *part, int final)
{
	struct evidence *ev = arg;
	size_t i;

	for (i = 0; i < part->n_calls; i++)
		pending_call(pending_get(ev, &part->calls[i]),
		    &part->calls[i]);
	for (i = 0; i < part->n_streams; i++) {
		const struct snap_stream *s = &part->streams[i];

		/* Media no call explains has no page. */
		if (s->call == SNAP_NO_CALL || s->call >= part->n_calls)
			continue;
		pending_stream(pending_get(ev, &part->calls[s->call]), s);
	}
	/*
	 * A call on its own is the call ending (its streams came before it):
	 * its page now.  What a worker still held at the end waits for
	 * evidence_finish.
	 */
	if (!final && part->n_calls == 1 && part->n_streams == 0)
		pending_get(ev, &part->calls[0])->ended = 1;
}

static void
on_interval(void *arg, const struct snap_interval *iv,
    const struct pipeline_progress *pr)
{
	struct evidence *ev = arg;
	struct pending *p, *tmp;
	struct drops_at *t;

	(void)iv;
	if (ev->n_timeline == TIMELINE_MAX) {
		/* The oldest half goes: calls that long ago are written. */
		memmove(ev->timeline, ev->timeline + TIMELINE_MAX / 2,
		    (TIMELINE_MAX / 2) * sizeof(*ev->timeline));
		ev->n_timeline = TIMELINE_MAX / 2;
	}
	t = &ev->timeline[ev->n_timeline++];
	t->end_us = pr->capture_us;
	t->kernel = pr->capture.kernel_drops;
	t->probe = pr->capture.probe_drops;
	/*
	 * The calls that ended before this interval did: the probe's drops
	 * over their whole time are known now, so their pages can say them.
	 */
	HASH_ITER(hh, ev->pending, p, tmp)
		if (p->ended && p->have_call && p->call.end_s != SNAP_NONE &&
		    (int64_t)(p->call.end_s * 1e6) <= pr->capture_us) {
			settle(ev, p);
			pending_free(ev, p);
		}
	if (ev->cfg.live && ev->rows_changed && mono_us() -
	    ev->index_written_us >= INDEX_EVERY_US) {
		write_index(ev, NULL);
		ev->index_written_us = mono_us();
	}
}

void
evidence_sink(struct evidence *ev, struct pipeline_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->part = on_part;
	sink->interval = on_interval;
	sink->arg = ev;
	sink->wants_msgs = 1;
}

int
evidence_finish(struct evidence *ev, const struct snapshot *final,
    char **cause)
{
	struct pending *p, *tmp;
	struct drops_at *t;

	/* The end of the run counts as the last interval's totals. */
	if (ev->n_timeline < TIMELINE_MAX) {
		t = &ev->timeline[ev->n_timeline++];
		t->end_us = INT64_MAX;
		t->kernel = final->capture.kernel_drops;
		t->probe = final->capture.probe_drops;
	}
	HASH_ITER(hh, ev->pending, p, tmp) {
		settle(ev, p);
		pending_free(ev, p);
	}
	if (write_index(ev, final) != 0 || ev->write_errors > 0) {
		*cause = xasprintf("--report %s: %llu files could not be written",
		    ev->dir, (unsigned long long)ev->write_errors);
		return -1;
	}
	return 0;
}

void
evidence_free(struct evidence *ev)
{
	struct pending *p, *tmp;

	if (ev == NULL)
		return;
	HASH_ITER(hh, ev->pending, p, tmp)
		pending_free(ev, p);
	free(ev->rows);
	free(ev);
}
