/*
 * What the stream table's files share (streams.c keeps the table,
 * streams-rtcp.c files what RTCP says under its streams): the table and
 * its streams.  Nothing outside the two includes this.
 */
#ifndef VQ_STREAMS_PRIVATE_H
#define VQ_STREAMS_PRIVATE_H

#include <sys/queue.h>

#include <stdint.h>

#include <uthash.h>

#include "metrics/emodel.h"
#include "probe/analysis/streams.h"

/* Hash key of a stream: packed source, destination, SSRC, media period. */
#define STREAM_KEY_LEN	(2 * ENDPOINT_KEY_LEN + 4 + 4)
/* Bounds the memory that unconfirmed unsignalled flows can take. */
#define STREAMS_MAX_CANDIDATES	4096
/*
 * A stream moves to the end of the activity list at most once a second of
 * capture time.  A move writes the lines of its neighbours and of the
 * list's tail, which at thousands of streams miss the cache on every
 * packet; the list is then in order of the latest move, each at most this
 * long before the stream's latest packet (see streams.h).
 */
#define STREAMS_MOVE_US		1000000

struct stream {
	/*
	 * What every packet reads or writes (stream_account), first: one
	 * cache line, the one stream_prefetch loads.  At thousands of
	 * streams in arrival order a field further down is a miss a packet
	 * (the 10 000-call impaired capture spent a fifth of its worker's
	 * time reading stat and quality from the struct's fifth line).
	 */
	struct rtpstat		*stat;
	struct quality		*quality;
	struct call		*call;
	int64_t			 last_us;	/* its latest packet */
	int64_t			 moved_us;	/* last_us at its latest move */
	int			 payload_type;	/* first voice packet's */
	int			 last_dscp;
	uint32_t		 dscp_changes;	/* times it differed from the last */
	uint8_t			 has_pending;	/* see pending, below */

	uint8_t			 key[STREAM_KEY_LEN];
	unsigned		 id;
	const char		*direction;
	struct vq_endpoint	 src;
	struct vq_endpoint	 dst;
	uint32_t		 ssrc;
	uint32_t		 period;	/* media period of its endpoint */
	int			 first_payload_type;
	char			 codec[SNAP_CODEC_LEN];
	char			 first_codec[SNAP_CODEC_LEN];
	uint32_t		 clock_rate_hz;
	int			 dscp;		/* of the first packet */
	int			 vlan;		/* outermost VLAN id, -1 none */
	int			 way;		/* enum segment_way */
	uint64_t		 order;		/* frame it was made on */
	/* Totals at the latest interval report, for the next one's deltas. */
	uint64_t		 rep_packets;
	uint64_t		 rep_expected;
	uint64_t		 rep_lost;
	uint64_t		 rep_discards;
	uint32_t		 rep_intervals;	/* MOS intervals rated */
	struct snap_point	*points;	/* the latest keep_points */
	size_t			 cap_points;	/* room in points */
	size_t			 n_points;
	/* All streams, least recently active first: timeouts, eviction. */
	TAILQ_ENTRY(stream)	 lru;
	/* All streams, lowest order first: the watermark, in O(1). */
	TAILQ_ENTRY(stream)	 by_order;
	/* The streams of one call (the head is the call's user pointer). */
	struct stream		*call_prev;
	struct stream		*call_next;
	/* What RTCP said of it; NULL until it says something (most never). */
	struct snap_far_end	*far;
	int64_t			 last_sr_us;	/* capture time of its last SR */
	uint32_t		 last_sr_mid32;	/* that SR's NTP, middle bits */
	UT_hash_handle		 hh;
	UT_hash_handle		 hh_ssrc;	/* by SSRC, for RTCP */
	/*
	 * RTP that no SDP describes: a dynamic payload type is taken for
	 * RFC 4733 events only on evidence (stream_account), the packet of
	 * that shape waiting for it in pending.
	 */
	int			 event_pt;	/* confirmed, -1 none yet */
	struct stream_pkt	 pending;	/* if has_pending */
	/* The other streams of its SSRC: a relay keeps one on both legs. */
	struct stream		*ssrc_older;
	struct stream		*ssrc_newer;
};

/* A UDP flow that looked like RTP once, with no SDP behind it. */
struct candidate {
	uint8_t			 key[STREAM_KEY_LEN];
	unsigned		 n;		/* packets in held */
	struct stream_pkt	 held[STREAMS_CANDIDATE_HELD];
	UT_hash_handle		 hh;
};

TAILQ_HEAD(stream_list, stream);

struct stream_table {
	struct stream_config	 cfg;
	struct emodel_options	 emodel;
	struct stream		*by_key;	/* uthash head */
	struct stream		*by_ssrc;	/* an SSRC's latest stream, the
						   others chained from it */
	struct stream_list	 lru;		/* least recently active 1st */
	struct stream_list	 by_order;	/* lowest order first */
	size_t			 n_streams;
	unsigned		 next_id;
	struct candidate	*candidates;	/* unsignalled, unconfirmed */
	size_t			 n_candidates;
	uint64_t		 candidates_dropped;
};

/*
 * The stream of an SSRC that RTCP from `from` to `to` speaks of, or NULL.
 * An SSRC is not unique: a media relay (gateway, SBC, B2BUA) often keeps
 * it on both of its legs, and a load test may send one on every call.
 * So the stream whose source and destination addresses are the ones
 * given wins; else the one whose reporter's side is (reporter_is_src:
 * the stream's source sends this RTCP, as with an SR's sender info; else
 * its destination does, as with a report block); else the SSRC's only
 * stream, when it has one.  Several that fit as well: none, rather than
 * the wrong leg.  Addresses only, not ports: RTCP comes from RTP's port
 * + 1, from the SDP's a=rtcp, or muxed.
 */
struct stream	*stream_by_ssrc(const struct stream_table *, uint32_t ssrc,
		    const struct vq_addr *src, const struct vq_addr *dst,
		    int reporter_is_src);

#endif /* VQ_STREAMS_PRIVATE_H */
