/*
 * The figures of one pair: where its media was lost, duplicated and
 * reordered, and the delay variation the segment between the points
 * added (docs/metrics.md defines each; the unit tests hold them to it).
 *
 * U is the upstream point, D the downstream one.  Sequence numbers are
 * the points' extended ones, B's moved by the pair's shift (whole cycles)
 * so that the same packet has the same number at both.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dissectors/rtp.h"
#include "metrics/rtpstat.h"
#include "metrics/seqmath.h"
#include "probe/compare/compare.h"
#include "probe/vqprobe.h"

/* What a walk over the numbers of U and D found. */
struct walk {
	int64_t		 only_up;	/* seen at U, never at D */
	int64_t		 longest_run;
	int64_t		 duplicated;
	double		*transit_us;	/* tD - tU of each common number */
	size_t		 n_common;
	uint8_t		*common_up;	/* by packet of U: first copy of a
					   number both saw */
	uint8_t		*common_down;
};

static int
double_cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

double
compare_percentile(const double *sorted, size_t n, unsigned pct)
{
	size_t rank;

	if (n == 0)
		return NAN;
	/* Nearest rank: the smallest value with pct% of them at or below. */
	rank = ((size_t)pct * n + 99) / 100;
	return sorted[rank == 0 ? 0 : rank - 1];
}

/* Merge the two lists of distinct numbers. */
static void
walk_numbers(const struct compare_stream *u, int32_t u_shift,
    const struct compare_stream *d, int32_t d_shift, struct walk *w)
{
	size_t i = 0, j = 0;
	int64_t run = 0, last_missing = 0;
	int32_t su, sd;

	memset(w, 0, sizeof(*w));
	w->transit_us = xreallocarray(NULL, u->n_seqs + 1, sizeof(double));
	w->common_up = xcalloc(u->n_pkts + 1, 1);
	w->common_down = xcalloc(d->n_pkts + 1, 1);
	while (i < u->n_seqs) {
		su = u->seqs[i].ext_seq + u_shift;
		sd = j < d->n_seqs ? d->seqs[j].ext_seq + d_shift : INT32_MAX;
		if (j < d->n_seqs && sd < su) {
			j++;
			continue;
		}
		if (sd == su) {
			const struct compare_seq *qu = &u->seqs[i];
			const struct compare_seq *qd = &d->seqs[j];

			if (qd->copies > qu->copies)
				w->duplicated += qd->copies - qu->copies;
			w->transit_us[w->n_common++] =
			    (double)(d->pkts[qd->first].ts_us -
			    u->pkts[qu->first].ts_us);
			w->common_up[qu->first] = 1;
			w->common_down[qd->first] = 1;
			i++;
			j++;
			continue;
		}
		/* Seen upstream only: lost between, in a run or not. */
		w->only_up++;
		run = w->only_up > 1 && su == last_missing + 1 ? run + 1 : 1;
		last_missing = su;
		if (run > w->longest_run)
			w->longest_run = run;
		i++;
	}
}

/*
 * Packets out of order among the first copies of the common numbers:
 * each that arrives after one with a higher number.
 */
static int64_t
out_of_order(const struct compare_stream *s, const uint8_t *common)
{
	int64_t n = 0;
	int32_t highest = INT32_MIN;
	size_t i;

	for (i = 0; i < s->n_pkts; i++) {
		if (!common[i])
			continue;
		if (s->pkts[i].ext_seq < highest)
			n++;
		else
			highest = s->pkts[i].ext_seq;
	}
	return n;
}

/* RFC 3550 A.8 jitter of a stream at one point, the one the probe uses. */
static double
stream_jitter_ms(const struct compare_stream *s, uint32_t clock_rate_hz)
{
	struct rtpstat *st = rtpstat_new(clock_rate_hz);
	struct rtpstat_pkt r;
	double jitter_ms;
	size_t i;

	if (st == NULL)
		fatal("out of memory");
	for (i = 0; i < s->n_pkts; i++) {
		memset(&r, 0, sizeof(r));
		r.arrival_us = s->pkts[i].ts_us;
		r.seq = (uint16_t)s->pkts[i].ext_seq;
		r.timestamp = s->pkts[i].rtp_ts;
		r.kind = RTPSTAT_VOICE;
		rtpstat_update(st, &r);
	}
	jitter_ms = rtpstat_jitter_ms(st);
	rtpstat_free(st);
	return jitter_ms;
}

/*
 * The receiver's last report block about the stream at point p: about its
 * SSRC, from its destination's address as that point sees it; NULL if none.
 */
static const struct compare_report *
last_report(const struct compare_point *pt, const struct compare_stream *s)
{
	const struct compare_report *r, *last = NULL;
	size_t i;

	for (i = 0; i < pt->n_reports; i++) {
		r = &pt->reports[i];
		if (r->ssrc == s->ssrc && addr_equal(&r->from, &s->dst.addr) &&
		    (last == NULL || r->ts_us >= last->ts_us))
			last = r;
	}
	return last;
}

/*
 * Missing at D from its lowest number up to a report's extended highest,
 * itself included, less the extra copies D saw in that range; numbers
 * past what D saw count as missing there too.  The copies: a receiver
 * counts every packet it got, duplicates included (RFC 3550 A.3), so its
 * cumulative loss is short by the copies that reached it, which are the
 * copies D saw.
 * The report's 16 low bits are placed in D's numbering nearest the highest
 * number D had seen by the report's time (or at all, when reported at U).
 */
static int64_t
missing_upto(const struct compare_stream *d, const struct compare_report *r,
    int at_down)
{
	int32_t ref = INT32_MIN, lo = d->seqs[0].ext_seq;
	int64_t highest, missing;
	size_t i;

	for (i = 0; i < d->n_pkts; i++)
		if ((!at_down || d->pkts[i].ts_us <= r->ts_us) &&
		    d->pkts[i].ext_seq > ref)
			ref = d->pkts[i].ext_seq;
	if (ref == INT32_MIN)
		ref = lo;
	/* Nearest ref whichever way: no jump is refused. */
	(void)seqmath_extend(ref, (uint16_t)r->ext_highest_seq, 32768, 32768,
	    &highest);
	if (highest < lo)
		return 0;
	missing = highest - lo + 1;
	for (i = 0; i < d->n_seqs && d->seqs[i].ext_seq <= highest; i++)
		missing -= d->seqs[i].copies;
	return missing;
}

/* lost_after: the receiver's report less what D already saw missing. */
static void
figure_lost_after(const struct compare_point *pts, const struct compare_pair *p,
    struct compare_figures *f)
{
	int up = p->upstream, down = 1 - p->upstream;
	const struct compare_stream *d = &pts[down].streams[p->stream[down]];
	const struct compare_stream *u = &pts[up].streams[p->stream[up]];
	const struct compare_report *r;
	int at_down = 1;

	if ((r = last_report(&pts[down], d)) == NULL) {
		r = last_report(&pts[up], u);
		at_down = 0;
	}
	if (r == NULL)
		return;
	f->has_lost_after = 1;
	f->lost_after = (int64_t)r->cumulative_lost -
	    missing_upto(d, r, at_down);
	if (f->lost_after < 0) {
		f->lost_after = 0;
		f->lost_after_clamped = 1;
	}
}

void
compare_figures(const struct compare_point pts[COMPARE_POINTS],
    const struct compare_clock *clk, struct compare_pair *p)
{
	int up = p->upstream, down = 1 - p->upstream;
	const struct compare_stream *u = &pts[up].streams[p->stream[up]];
	const struct compare_stream *d = &pts[down].streams[p->stream[down]];
	struct compare_figures *f = &p->fig;
	int32_t shift[COMPARE_POINTS] = { 0, p->seq_shift };
	int64_t ooo_up, ooo_down;
	uint32_t clock_rate_hz;
	double sign;
	struct walk w;
	size_t i;

	memset(f, 0, sizeof(*f));
	f->lost_before = (int64_t)u->seqs[u->n_seqs - 1].ext_seq -
	    u->seqs[0].ext_seq + 1 - (int64_t)u->n_seqs;
	walk_numbers(u, shift[up], d, shift[down], &w);
	f->lost_between = w.only_up;
	f->longest_run_between = w.longest_run;
	f->duplicated_between = w.duplicated;
	ooo_up = out_of_order(u, w.common_up);
	ooo_down = out_of_order(d, w.common_down);
	f->reordered_between = ooo_down > ooo_up ? ooo_down - ooo_up : 0;
	figure_lost_after(pts, p, f);

	if (w.n_common > 0) {
		qsort(w.transit_us, w.n_common, sizeof(double), double_cmp);
		f->has_delay_variation = 1;
		f->delay_variation_ms = (compare_percentile(w.transit_us,
		    w.n_common, 95) - w.transit_us[0]) / 1000.0;
	}
	if (w.n_common > 0 && clk->trusted) {
		/* tD - tU is B - A downstream of A, A - B downstream of B. */
		sign = up == 0 ? -1.0 : 1.0;
		for (i = 0; i < w.n_common; i++)
			w.transit_us[i] += sign * clk->offset_us;
		f->has_one_way_delay = 1;
		f->one_way_delay_min_ms = w.transit_us[0] / 1000.0;
		f->one_way_delay_median_ms = compare_percentile(w.transit_us,
		    w.n_common, 50) / 1000.0;
		f->one_way_delay_p95_ms = compare_percentile(w.transit_us,
		    w.n_common, 95) / 1000.0;
	}
	if (rtp_static_codec(u->payload_type, &clock_rate_hz) != NULL &&
	    clock_rate_hz > 0) {
		f->has_jitter_added = 1;
		f->jitter_added_ms = stream_jitter_ms(d, clock_rate_hz) -
		    stream_jitter_ms(u, clock_rate_hz);
	}
	free(w.transit_us);
	free(w.common_up);
	free(w.common_down);
}
