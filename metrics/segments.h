/*
 * Where a stream's media was lost: the segment before the probe (what the
 * probe saw missing) and the one after it (what the stream's receiver
 * reported of itself, less what the probe had already seen missing).
 *
 * The receiver's figures come, best first, from its RTCP report blocks
 * (RFC 3550: a count, exact), its RTCP XR VoIP Metrics (RFC 3611: a rate
 * in 1/256ths) or its SIP end-of-call report (RFC 6035: a rate in %).
 * With the site's own addresses known (--home-net), a segment also has an
 * owner a customer understands: media coming into the site is lost on
 * the provider's side before the probe and inside the site after it; the
 * reverse for media going out.
 *
 * Pure: numbers in, numbers and constant words out.
 */
#ifndef VQ_SEGMENTS_H
#define VQ_SEGMENTS_H

#include <stdint.h>

struct snap_far_end;
struct snap_stream;

/* Where a segment's figures come from. */
enum segment_source {
	SEGMENT_UNKNOWN = 0,	/* nothing said it */
	SEGMENT_PROBE,		/* the probe's own count */
	SEGMENT_RTCP,		/* the receiver's RTCP report blocks */
	SEGMENT_RTCP_XR,	/* its RTCP XR VoIP Metrics */
	SEGMENT_RFC6035,	/* its SIP end-of-call report */
};

/* Which way a stream crosses the site's edge (--home-net). */
enum segment_way {
	SEGMENT_WAY_UNKNOWN = 0,	/* no --home-net */
	SEGMENT_INBOUND,		/* to the site from outside */
	SEGMENT_OUTBOUND,		/* from the site to outside */
	SEGMENT_INTERNAL,		/* both ends are the site's */
	SEGMENT_EXTERNAL,		/* neither end is */
};

/* Whose network a segment is. */
enum segment_owner {
	SEGMENT_OWNER_UNKNOWN = 0,
	SEGMENT_OWNER_PROVIDER,
	SEGMENT_OWNER_SITE,
};

struct segment {
	enum segment_source source;	/* SEGMENT_UNKNOWN: no figures */
	int		have_lost;
	int64_t		lost;		/* packets; may be < 0 (below) */
	int		have_loss;
	double		loss_pct;	/* may be < 0 (below) */
	int		have_jitter;
	double		jitter_ms;	/* before: the probe's mean; after:
					   the receiver's own estimate */
	int		have_jitter_added;
	double		jitter_added_ms;	/* after: the receiver's less
						   the probe's at that time */
};

/*
 * A stream's two segments.  After the probe, a figure below zero means
 * the receiver counted fewer packets missing than the probe did: a packet
 * duplicated after the probe (RFC 3550 counts it as negative loss), or a
 * receiver that began counting later.  It is shown as it is, not hidden.
 */
struct segments {
	struct segment	before;
	struct segment	after;
};

/* The segments of a stream from its RTP figures and its far end's. */
void		 segments_of(const struct snap_stream *, struct segments *);
/* The segment after the probe alone (for a metrics interval's point). */
void		 segments_after(const struct snap_far_end *,
		    double probe_loss_pct, double probe_jitter_ms,
		    struct segment *);

/* The way, from whether each end is the site's own. */
enum segment_way segments_way(int src_is_home, int dst_is_home);
/* The owner of the segment before (after 0) or after (1) the probe. */
enum segment_owner segments_owner(enum segment_way, int after);

/* "probe", "rtcp", "rtcp_xr", "rfc6035"; NULL for SEGMENT_UNKNOWN. */
const char	*segments_source_name(enum segment_source);
/* "inbound", "outbound", "internal", "external"; NULL when unknown. */
const char	*segments_way_name(enum segment_way);
/* "provider", "site"; NULL when unknown. */
const char	*segments_owner_name(enum segment_owner);
/*
 * The segment in a customer's words: "before the probe", "on the way
 * from the far end to this site's edge (the provider's side)", "inside
 * this site", ...
 */
const char	*segments_words(enum segment_way, int after);

#endif /* VQ_SEGMENTS_H */
