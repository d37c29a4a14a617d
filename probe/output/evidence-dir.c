/*
 * A direction of a call as its evidence page tells it (see evidence-dir.h).
 */
#include <stdlib.h>
#include <string.h>

#include "probe/output/evidence-dir.h"
#include "probe/vqprobe.h"

static int
point_cmp(const void *a, const void *b)
{
	const struct snap_point *x = *(const struct snap_point *const *)a;
	const struct snap_point *y = *(const struct snap_point *const *)b;

	return (x->end_us > y->end_us) - (x->end_us < y->end_us);
}

void
evidence_dir_gather(const struct snap_call *c,
    const struct snap_stream *streams, size_t n_streams,
    enum verdict_side side, struct evidence_dir *d)
{
	const struct snap_stream *lowest = NULL;
	struct verdict_call v;
	size_t i, k, n = 0;

	memset(d, 0, sizeof(*d));
	d->name = verdict_side_name(side);
	d->burst_ratio = 1.0;
	for (i = 0; i < n_streams; i++) {
		const struct snap_stream *s = &streams[i];

		if (verdict_side(s->direction) != (int)side)
			continue;
		if (d->first == NULL || s->rtp.packets > d->first->rtp.packets)
			d->first = s;
		d->duplicates += s->rtp.duplicates;
		d->jb_discards += s->quality.jb_discards;
		if (s->rtp.lost > 0 && s->rtp.burst_ratio > d->burst_ratio)
			d->burst_ratio = s->rtp.burst_ratio;
		if (s->quality.have_mos && (lowest == NULL ||
		    s->quality.mos_call < lowest->quality.mos_call))
			lowest = s;
		d->dscp_changes += s->dscp_changes;
		if (d->far == NULL || s->far.reports > d->far->reports)
			d->far = &s->far;
		if (s->far.vq.reports > 0 && (d->vq == NULL ||
		    s->rtp.packets > d->vq_packets)) {
			d->vq = &s->far.vq;
			d->vq_packets = s->rtp.packets;
		}
		n += s->n_points;
		if (s->seg.after.source == SEGMENT_RTCP) {
			d->after_counted++;
			d->after_lost += s->seg.after.lost;
			d->after_expected += s->far.upto_expected;
		} else if (s->seg.after.source != SEGMENT_UNKNOWN &&
		    d->after_rate.source == SEGMENT_UNKNOWN)
			d->after_rate = s->seg.after;
	}
	if (d->first != NULL)
		d->way = d->first->way;
	verdict_call_from(c->media, &v);
	d->v = v.dir[side];
	if (lowest != NULL) {
		d->r_call = lowest->quality.r_call;
		d->delay_ms = lowest->quality.delay_ms;
	}
	if (n > 0) {
		d->points = xcalloc(n, sizeof(*d->points));
		for (i = 0; i < n_streams; i++) {
			const struct snap_stream *s = &streams[i];

			if (verdict_side(s->direction) != (int)side)
				continue;
			for (k = 0; k < s->n_points; k++)
				d->points[d->n_points++] = &s->points[k];
		}
		qsort(d->points, d->n_points, sizeof(*d->points), point_cmp);
	}
}

void
evidence_dir_release(struct evidence_dir *d)
{
	free(d->points);
	d->points = NULL;
	d->n_points = 0;
}

int
evidence_dir_bad_span(const struct evidence_dir *d, int64_t interval_us,
    double *from_s, double *to_s)
{
	size_t i;
	int any = 0;

	for (i = 0; i < d->n_points; i++) {
		const struct snap_point *pt = d->points[i];

		if (!verdict_interval_bad(pt->loss_pct, pt->have_mos, pt->mos))
			continue;
		if (!any) {
			/* An interval starts no earlier than the media. */
			*from_s = (double)(pt->end_us - interval_us) / 1e6;
			if (d->first != NULL && *from_s <
			    (double)d->first->rtp.first_us / 1e6)
				*from_s = (double)d->first->rtp.first_us / 1e6;
		}
		*to_s = (double)pt->end_us / 1e6;
		any = 1;
	}
	return any;
}
