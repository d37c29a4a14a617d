/*
 * A call's evidence page (see evidence-page.h): the verdict in words, the
 * figures, charts per interval, the E-model's inputs, the SIP ladder and
 * messages.  Everything shown comes from the snapshot the analyzers made;
 * the text in it (URIs, Call-IDs, SIP messages) is the sender's choice
 * and goes through html.h, whatever it holds.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "metrics/emodel.h"
#include "metrics/verdict.h"
#include "probe/output/evidence-page.h"
#include "probe/output/html.h"

/* Loss runs clustered this much more than random count as bursty. */
#define BURSTY_RATIO		1.2

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

/*
 * What an endpoint's own report (RFC 6035) says of the direction's loss,
 * beside the probe's: the phone measured at the far end of the path.
 */
static void
vq_sentence(FILE *f, const struct evidence_dir *d)
{
	const struct snap_vq_report *vq = d->vq;

	if (vq == NULL)
		return;
	fprintf(f, " %s (RFC 6035, %s)", vq->by_receiver ?
	    "The receiver's own quality report" : "The sender's copy of the "
	    "receiver's quality report", vqr_kind_name(vq->kind));
	if ((vq->metrics.present >> VQR_NLR) & 1)
		fprintf(f, " gives %.1f %% lost in the network",
		    vq->metrics.value[VQR_NLR]);
	else
		fputs(" gives no loss figure", f);
	if ((vq->metrics.present >> VQR_JDR) & 1)
		fprintf(f, " and %.1f %% discarded by its jitter buffer",
		    vq->metrics.value[VQR_JDR]);
	fputs(".", f);
}

/*
 * Where the media was lost: before the probe (its own count) and after it
 * (the receiver's, less the probe's), each segment named for a customer
 * when --home-net says which side is the site's.
 */
static void
segments_sentence(FILE *f, const struct evidence_dir *d)
{
	const struct segment *r = &d->after_rate;

	fprintf(f, " <b>Where:</b> %llu packets (%.2f %%) were lost <b>%s</b>",
	    (unsigned long long)d->v.sums.lost, d->v.loss_pct,
	    segments_words(d->way, 0));
	if (d->after_counted > 0 && d->after_expected > 0)
		fprintf(f, "; %lld (%.2f %%) were lost <b>%s</b>, by the "
		    "receiver's own RTCP reports less what the probe had "
		    "already counted missing over the same sequence numbers.",
		    (long long)d->after_lost, 100.0 * (double)d->after_lost /
		    (double)d->after_expected, segments_words(d->way, 1));
	else if (r->source != SEGMENT_UNKNOWN)
		fprintf(f, "; %.2f %% more were lost <b>%s</b>, by the "
		    "receiver's %s (its loss rate less the probe's; a rate, "
		    "not a count).", r->loss_pct, segments_words(d->way, 1),
		    r->source == SEGMENT_RTCP_XR ? "RTCP XR VoIP metrics" :
		    "own end-of-call report (RFC 6035)");
	else
		fprintf(f, "; what happened <b>%s</b> is not known: the "
		    "receiver sent no report about this stream.",
		    segments_words(d->way, 1));
}

/* The verdict on one direction, as sentences. */
static void
direction_verdict(FILE *f, const struct evidence_page *pg,
    const struct evidence_dir *d, const struct evidence_dir *other)
{
	const struct snap_stream *s = d->first;
	char t1[32], t2[32], b1[32], b2[32];
	double from_s, to_s;
	int64_t kernel = pg->kernel_drops;
	uint64_t probe = pg->probe_drops;
	int known = pg->drops_known;

	fprintf(f, "<p><b>Media from the %s</b> (", d->name);
	html_str(f, s->src);
	fputs(" &rarr; ", f);
	html_str(f, s->dst);
	if (s->codec[0]) {
		fputs(", ", f);
		html_str(f, s->codec);
	}
	fputs(")", f);
	if (!d->v.impaired) {
		fprintf(f, " arrived <span class=\"ok\">clean</span>: %.2f %% "
		    "of its packets missing (%llu of %llu)", d->v.loss_pct,
		    (unsigned long long)d->v.sums.lost,
		    (unsigned long long)d->v.sums.expected);
		if (d->v.have_jitter)
			fprintf(f, ", mean jitter %.1f ms", d->v.jitter_ms);
		if (d->v.have_mos)
			fprintf(f, ", MOS %.2f", d->v.mos);
		fputs(".", f);
		/* Clean at the probe, but perhaps not at the receiver. */
		if ((d->after_counted > 0 && d->after_lost > 0) ||
		    (d->after_rate.source != SEGMENT_UNKNOWN &&
		    d->after_rate.loss_pct > 0))
			segments_sentence(f, d);
		fputs("</p>\n", f);
		return;
	}
	fprintf(f, " was <span class=\"bad\">impaired</span>: it reached the "
	    "probe with <b>%.2f %%</b> of its packets missing (%llu of "
	    "%llu)", d->v.loss_pct, (unsigned long long)d->v.sums.lost,
	    (unsigned long long)d->v.sums.expected);
	if (d->v.have_mos)
		fprintf(f, ", for a MOS of <b>%.2f</b> (R %.1f)", d->v.mos,
		    d->r_call);
	fputs(".", f);
	if (d->v.sums.lost > 0) {
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
	if (d->v.reasons & VERDICT_REASON_JITTER)
		fprintf(f, " Jitter was high: %.1f ms on average, %.1f ms at "
		    "most.", d->v.jitter_ms, d->v.jitter_max_ms);
	if (d->jb_discards > 0)
		fprintf(f, " %llu packets came too late for the listener's "
		    "jitter buffer.", (unsigned long long)d->jb_discards);
	if (evidence_dir_bad_span(d, pg->analysis->interval_us, &from_s,
	    &to_s)) {
		html_utc(from_s, 0, t1, sizeof(t1));
		html_utc(to_s, 0, t2, sizeof(t2));
		fprintf(f, " It was bad between <b>%s and %s</b> UTC.", t1, t2);
	}
	fputs("</p>\n<p>", f);
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
		html_str(f, pg->source);
		fputs(").", f);
	}
	segments_sentence(f, d);
	if (d->far != NULL && d->far->have_xr)
		fprintf(f, " Its RTCP XR VoIP metrics give %.1f %% lost and "
		    "%.1f %% discarded.", d->far->xr_loss_pct,
		    d->far->xr_discard_pct);
	vq_sentence(f, d);
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
    const struct evidence_dir *d, size_t n_dirs, double t0_s)
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
	html_str(f, title);
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
		html_str(f, parties[i]);
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
		html_str(f, m->summary);
		if (m->has_sdp)
			fputs(" (SDP)", f);
		fputs("</text>", f);
	}
	fputs("</svg>\n", f);
	if (c->n_msgs > shown || c->msgs_dropped > 0)
		fprintf(f, "<p class=\"meta\">%zu more messages not drawn.</p>\n",
		    c->n_msgs - shown + c->msgs_dropped);
}

/* The unit a report's figure is in, from its name: ", %", ", ms" or "". */
static const char *
vq_unit(const char *key)
{
	size_t n = strlen(key);

	if (n > 4 && strcmp(key + n - 4, "_pct") == 0)
		return ", %";
	if (n > 3 && strcmp(key + n - 3, "_ms") == 0)
		return ", ms";
	return "";
}

/*
 * Every figure of the endpoints' own reports: a column per direction, a
 * row per figure either gave.
 */
static void
vq_table(FILE *f, const struct evidence_dir *d)
{
	uint32_t given = 0;
	size_t k;
	int m;

	for (k = 0; k < 2; k++)
		if (d[k].vq != NULL)
			given |= d[k].vq->metrics.present;
	if (d[0].vq == NULL && d[1].vq == NULL)
		return;
	fputs("<h3>The endpoints' own reports (RFC 6035)</h3>\n"
	    "<table><tr><th>media from</th>", f);
	for (k = 0; k < 2; k++)
		fprintf(f, "<th>%s</th>", d[k].name);
	fputs("</tr>\n<tr><td>reported by</td>", f);
	for (k = 0; k < 2; k++)
		fprintf(f, "<td>%s</td>", d[k].vq == NULL ? "-" :
		    d[k].vq->by_receiver ? "its receiver" :
		    "its sender, from the receiver's RTCP XR");
	fputs("</tr>\n", f);
	for (m = 0; m < VQR_METRICS; m++) {
		const struct vqr_metric_info *info = vqr_metric_info(m);

		if (!((given >> m) & 1))
			continue;
		fprintf(f, "<tr><td>%s%s (%s)</td>", info->label,
		    vq_unit(info->key), info->param);
		for (k = 0; k < 2; k++)
			html_figure_cell(f, d[k].vq != NULL &&
			    ((d[k].vq->metrics.present >> m) & 1),
			    d[k].vq != NULL ? d[k].vq->metrics.value[m] : 0,
			    info->decimals, 0);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void
figures_table(FILE *f, const struct evidence_dir *d)
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
		    "<td class=\"n\">%llu</td>", d[k].name, (size_t)d[k].v.sums.streams,
		    (unsigned long long)d[k].v.sums.packets,
		    (unsigned long long)d[k].v.sums.expected,
		    (unsigned long long)d[k].v.sums.lost);
		html_figure_cell(f, d[k].v.have_loss, d[k].v.loss_pct, 2,
		    d[k].v.reasons & VERDICT_REASON_LOSS);
		html_figure_cell(f, 1, d[k].burst_ratio, 2, 0);
		html_pair_cell(f, d[k].v.have_jitter, d[k].v.jitter_ms,
		    d[k].v.jitter_max_ms, d[k].v.reasons & VERDICT_REASON_JITTER);
		fprintf(f, "<td class=\"n\">%llu</td>",
		    (unsigned long long)d[k].jb_discards);
		html_pair_cell(f, d[k].v.have_mos, d[k].v.mos, d[k].v.mos_min,
		    d[k].v.reasons & VERDICT_REASON_MOS);
		html_figure_cell(f, d[k].v.have_mos, d[k].r_call, 1, 0);
		fprintf(f, "<td class=\"n\">%d</td></tr>\n", d[k].first->dscp);
	}
	fputs("</table>\n", f);
}

/* The E-model's inputs per direction, and the standards behind them. */
static void
model_table(FILE *f, const struct evidence_page *pg,
    const struct evidence_dir *d)
{
	const struct analyzer_config *an = pg->analysis;
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
		ppl = d[k].v.sums.expected ? 100.0 * (double)(d[k].v.sums.lost +
		    d[k].jb_discards) / (double)d[k].v.sums.expected : 0.0;
		fprintf(f, "<tr><td>%s</td><td>", d[k].name);
		html_str(f, s->codec[0] ? s->codec : "unknown");
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
		html_str(f, c != NULL && c->source != NULL ? c->source :
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

void
evidence_page_write(FILE *f, const struct evidence_page *pg)
{
	const struct snap_call *c = pg->call;
	const struct evidence_dir *d = pg->dir;
	char t1[32], t2[32], dirs[32] = "";
	size_t i;
	int any = d[0].v.impaired || d[1].v.impaired;

	for (i = 0; i < 2; i++)
		if (d[i].v.impaired)
			snprintf(dirs + strlen(dirs), sizeof(dirs) - strlen(dirs),
			    "%s%s", dirs[0] ? " " : "", d[i].name);
	if (!dirs[0])
		snprintf(dirs, sizeof(dirs), "none");
	html_page_head(f, c->call_id);
	fputs("<p><a href=\"../index.html\">&larr; all calls</a></p>\n", f);
	fputs("<h1>Call ", f);
	html_str(f, c->from);
	fputs(" &rarr; ", f);
	html_str(f, c->to);
	fputs("</h1>\n<p class=\"meta\">Call-ID ", f);
	html_str(f, c->call_id);
	html_utc(c->start_s, 1, t1, sizeof(t1));
	html_utc(c->end_s, 1, t2, sizeof(t2));
	fprintf(f, "<br>From %s to %s UTC; final response %d; %s", t1,
	    c->end_s != SNAP_NONE ? t2 : "(not ended)", c->final_code,
	    c->state != NULL ? c->state : "");
	if (c->end_reason[0]) {
		fputs(" (", f);
		html_str(f, c->end_reason);
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
	    dirs);
	if (d[0].first == NULL && d[1].first == NULL)
		fputs("<p>No media was seen for this call.</p>\n", f);
	else if (!any)
		fputs("<p><b>Both directions were clean.</b></p>\n", f);
	else if (d[0].v.impaired && d[1].v.impaired)
		fputs("<p><b>Both directions were impaired.</b></p>\n", f);
	else
		fprintf(f, "<p><b>The media from the %s to the %s was "
		    "impaired; the other direction was not.</b></p>\n",
		    d[0].v.impaired ? "caller" : "callee",
		    d[0].v.impaired ? "callee" : "caller");
	for (i = 0; i < 2; i++)
		if (d[i].first != NULL)
			direction_verdict(f, pg, &d[i], &d[1 - i]);
	fputs("</section>\n", f);

	fputs("<h2>Media</h2>\n", f);
	figures_table(f, d);
	vq_table(f, d);
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
	model_table(f, pg, d);

	fputs("<h2>SIP</h2>\n", f);
	ladder(f, c);
	if (c->n_msgs > 0) {
		fputs("<details><summary>The messages as captured</summary>\n",
		    f);
		for (i = 0; i < c->n_msgs; i++) {
			const struct snap_sip_msg *m = &c->msgs[i];

			html_utc((double)m->ts_us / 1e6, 1, t1, sizeof(t1));
			fprintf(f, "<p class=\"meta\">%s.%06lld UTC ", t1,
			    (long long)(m->ts_us % 1000000));
			html_str(f, m->src);
			fputs(" &rarr; ", f);
			html_str(f, m->dst);
			fputs("</p><pre>", f);
			if (m->text != NULL)
				html_text(f, m->text, m->text_len, 1);
			fputs("</pre>\n", f);
		}
		fputs("</details>\n", f);
	}

	fputs("<h2>Evidence</h2>\n<p>", f);
	if (pg->pcap_bytes >= 0)
		fprintf(f, "The call's packets (SIP, RTP, RTCP): <a href=\"../"
		    "pcap/%s.pcap\">%s.pcap</a> (%lld bytes, raw IP, opens in "
		    "Wireshark).", pg->stem, pg->stem, pg->pcap_bytes);
	else
		fputs("No packet of this call was written.", f);
	fputs("</p>\n<p class=\"meta\">Captured by probe ", f);
	html_str(f, pg->probe);
	fprintf(f, " %s ", pg->live ? "on interface" : "from file");
	html_str(f, pg->source);
	fprintf(f, ". Times are UTC; the probe's time zone is %s. vqprobe %s."
	    "</p>\n</body></html>\n", pg->tz, PACKAGE_VERSION);
}

