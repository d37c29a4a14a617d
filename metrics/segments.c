/*
 * Where a stream's media was lost (see segments.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "metrics/rtpstat.h"
#include "metrics/segments.h"
#include "metrics/snapshot.h"

/* The receiver's RTCP report blocks: counts over the same numbers. */
static int
after_from_rtcp(const struct snap_far_end *far, struct segment *seg)
{
	int64_t probe_net;

	if (far->reports == 0 || !far->have_upto || far->upto_expected == 0)
		return 0;
	/*
	 * The receiver counts expected less received, duplicates included
	 * (RFC 3550 A.3); the probe's equivalent over the same numbers is
	 * what it saw missing less the duplicates it saw, which the
	 * receiver got too.
	 */
	probe_net = (int64_t)far->upto_lost - (int64_t)far->upto_duplicates;
	seg->source = SEGMENT_RTCP;
	seg->have_lost = seg->have_loss = 1;
	seg->lost = (int64_t)far->cumulative_lost - probe_net;
	seg->loss_pct = 100.0 * (double)seg->lost /
	    (double)far->upto_expected;
	if (far->have_jitter) {
		seg->have_jitter = seg->have_jitter_added = 1;
		seg->jitter_ms = far->jitter_ms;
		seg->jitter_added_ms = far->jitter_ms - far->upto_jitter_ms;
	}
	return 1;
}

/* The receiver's RTCP XR VoIP Metrics: a loss rate since it began. */
static int
after_from_xr(const struct snap_far_end *far, double probe_loss_pct,
    struct segment *seg)
{
	if (!far->have_xr)
		return 0;
	seg->source = SEGMENT_RTCP_XR;
	seg->have_loss = 1;
	seg->loss_pct = far->xr_loss_pct - probe_loss_pct;
	return 1;
}

/*
 * The receiver's own SIP report (RFC 6035): only its own figures (a
 * sender's relayed copy is the XR above, seen or not).
 */
static int
after_from_vq(const struct snap_far_end *far, double probe_loss_pct,
    double probe_jitter_ms, struct segment *seg)
{
	const struct vqr_metrics *m = &far->vq.metrics;

	if (far->vq.reports == 0 || !far->vq.by_receiver ||
	    !(m->present & (1u << VQR_NLR)))
		return 0;
	seg->source = SEGMENT_RFC6035;
	seg->have_loss = 1;
	seg->loss_pct = m->value[VQR_NLR] - probe_loss_pct;
	if (m->present & (1u << VQR_IAJ)) {
		seg->have_jitter = 1;
		seg->jitter_ms = m->value[VQR_IAJ];
		if (probe_jitter_ms >= 0) {
			seg->have_jitter_added = 1;
			seg->jitter_added_ms = seg->jitter_ms -
			    probe_jitter_ms;
		}
	}
	return 1;
}

void
segments_after(const struct snap_far_end *far, double probe_loss_pct,
    double probe_jitter_ms, struct segment *seg)
{
	memset(seg, 0, sizeof(*seg));
	if (far == NULL)
		return;
	if (!after_from_rtcp(far, seg) &&
	    !after_from_xr(far, probe_loss_pct, seg))
		after_from_vq(far, probe_loss_pct, probe_jitter_ms, seg);
}

void
segments_of(const struct snap_stream *s, struct segments *out)
{
	const struct rtpstat_summary *rtp = &s->rtp;
	struct segment *b = &out->before;

	memset(out, 0, sizeof(*out));
	if (rtp->expected > 0) {
		b->source = SEGMENT_PROBE;
		b->have_lost = b->have_loss = 1;
		b->lost = (int64_t)rtp->lost;
		b->loss_pct = rtp->loss_pct;
		if (s->clock_rate_hz != 0) {
			b->have_jitter = 1;
			b->jitter_ms = rtp->jitter_mean_ms;
		}
	}
	segments_after(&s->far, rtp->loss_pct, s->clock_rate_hz != 0 ?
	    rtp->jitter_mean_ms : -1.0, &out->after);
}

enum segment_way
segments_way(int src_is_home, int dst_is_home)
{
	if (src_is_home && dst_is_home)
		return SEGMENT_INTERNAL;
	if (dst_is_home)
		return SEGMENT_INBOUND;
	if (src_is_home)
		return SEGMENT_OUTBOUND;
	return SEGMENT_EXTERNAL;
}

enum segment_owner
segments_owner(enum segment_way way, int after)
{
	switch (way) {
	case SEGMENT_INBOUND:
		return after ? SEGMENT_OWNER_SITE : SEGMENT_OWNER_PROVIDER;
	case SEGMENT_OUTBOUND:
		return after ? SEGMENT_OWNER_PROVIDER : SEGMENT_OWNER_SITE;
	case SEGMENT_INTERNAL:
		return SEGMENT_OWNER_SITE;
	default:
		return SEGMENT_OWNER_UNKNOWN;
	}
}

const char *
segments_source_name(enum segment_source source)
{
	static const char *const names[] = {
		[SEGMENT_PROBE] = "probe",
		[SEGMENT_RTCP] = "rtcp",
		[SEGMENT_RTCP_XR] = "rtcp_xr",
		[SEGMENT_RFC6035] = "rfc6035",
	};

	return (size_t)source < sizeof(names) / sizeof(names[0]) ?
	    names[source] : NULL;
}

const char *
segments_way_name(enum segment_way way)
{
	static const char *const names[] = {
		[SEGMENT_INBOUND] = "inbound",
		[SEGMENT_OUTBOUND] = "outbound",
		[SEGMENT_INTERNAL] = "internal",
		[SEGMENT_EXTERNAL] = "external",
	};

	return (size_t)way < sizeof(names) / sizeof(names[0]) ?
	    names[way] : NULL;
}

const char *
segments_owner_name(enum segment_owner owner)
{
	switch (owner) {
	case SEGMENT_OWNER_PROVIDER:
		return "provider";
	case SEGMENT_OWNER_SITE:
		return "site";
	default:
		return NULL;
	}
}

const char *
segments_words(enum segment_way way, int after)
{
	/* [way][after] */
	static const char *const words[][2] = {
		[SEGMENT_WAY_UNKNOWN] = { "before the probe",
		    "after the probe" },
		[SEGMENT_INBOUND] = { "on the way from the far end to this "
		    "site's edge (the provider's side)", "inside this site" },
		[SEGMENT_OUTBOUND] = { "inside this site, on the way to its "
		    "edge", "on the way from this site's edge to the far end "
		    "(the provider's side)" },
		[SEGMENT_INTERNAL] = { "inside this site, before the probe",
		    "inside this site, after the probe" },
		[SEGMENT_EXTERNAL] = { "before the probe (neither end is this "
		    "site's)", "after the probe (neither end is this site's)" },
	};

	if ((size_t)way >= sizeof(words) / sizeof(words[0]))
		way = SEGMENT_WAY_UNKNOWN;
	return words[way][after != 0];
}
