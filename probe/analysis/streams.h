/*
 * The stream table of one analyzer: RTP streams by source, destination,
 * SSRC and media period, each with its statistics, its listener's model
 * and what the far end's RTCP says of it; and the UDP flows without SDP
 * that may yet become streams.  The analyzer decides when a stream begins
 * and ends; the table keeps the streams, finds them, and orders them.
 * Single-threaded, like its analyzer.
 */
#ifndef VQ_STREAMS_H
#define VQ_STREAMS_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/decode.h"
#include "dissectors/rtcp.h"
#include "dissectors/rtp.h"
#include "dissectors/sdp.h"
#include "metrics/jbuf.h"
#include "metrics/rtpstat.h"
#include "metrics/snapshot.h"
#include "probe/analysis/calls.h"

struct subnet_labels;

struct stream;
struct stream_table;

/* What every stream of a table is measured with. */
struct stream_config {
	int64_t			interval_us;	/* MOS interval of media time */
	int			g711_plc;	/* G.711 with Appendix I PLC */
	struct jbuf_config	jbuf;		/* the emulated listener's */
	size_t			keep_points;	/* interval figures kept */
	/* The site's own addresses (--home-net); NULL: not known. */
	const struct subnet_labels *home_net;
};

/* One RTP packet as a stream accounts for it. */
struct stream_pkt {
	struct rtp_hdr		 hdr;
	int64_t			 ts_us;
	uint8_t			 dscp;
	uint8_t			 event_shape;	/* an event by its shape alone: */
	uint8_t			 event_code;	/* its event */
	uint16_t		 event_duration;
	enum rtpstat_kind	 kind;
	const char		*encoding;	/* NULL: unknown */
	uint32_t		 clock_rate_hz;
};

/*
 * What the packet's payload type means, into its encoding, clock rate and
 * kind: as the receiver's SDP media announced it, or, with sdp NULL, by
 * the RFC 3551 static table and the shape of RFC 4733 events.  The header
 * must point at the packet's payload, its padding taken off.
 */
void		 stream_pkt_classify(struct stream_pkt *,
		    const struct sdp_media *sdp);

struct stream_table	*streams_new(const struct stream_config *);
/* Free the table with every stream and flow it still holds. */
void			 streams_free(struct stream_table *);
size_t			 streams_count(const struct stream_table *);

/*
 * The stream of packets from meta's source to its destination with this
 * SSRC, in this media period (0 without SDP), or NULL.
 */
struct stream	*streams_find(const struct stream_table *,
		    const struct pkt_meta *, uint32_t ssrc, uint32_t period);
/*
 * A new stream for this packet, which streams_find did not place, made on
 * the frame numbered order.  media is the SDP endpoint the packet went to
 * (media_is_dst) or came from, NULL without SDP: the stream is then of no
 * call.  The table never refuses one: bounding it is the caller's.
 */
struct stream	*streams_add(struct stream_table *, const struct pkt_meta *,
		    uint32_t ssrc, const struct call_media *media,
		    int media_is_dst, uint64_t order);
/* Take a stream out of the table and out of its call, and free it. */
void		 streams_remove(struct stream_table *, struct stream *);

/*
 * The least recently active stream, and the next more active; or NULL.
 * The order is of each stream's latest move (stream_moved_us), which is
 * at most a second of capture time before its latest packet: a stream
 * whose latest move is older than T ago may have had packets since, but
 * none after it in the order has been idle longer than T.
 */
struct stream	*streams_least_active(const struct stream_table *);
struct stream	*stream_more_active(const struct stream *);
/* The lowest order of a stream held (UINT64_MAX: none), in O(1). */
uint64_t	 streams_lowest_order(const struct stream_table *);
/* A stream of the call, or NULL when it has none left. */
struct stream	*streams_of_call(const struct call *);

/*
 * Account for a packet of the stream: its figures and its activity.  1
 * when the stream moved in the activity list (once a second at most).
 */
int		 stream_account(struct stream_table *, struct stream *,
		    const struct stream_pkt *);
/* Its call (NULL: media without signalling) and its latest packet. */
struct call	*stream_call(const struct stream *);
int64_t		 stream_last_us(const struct stream *);
/*
 * Prefetching for a packet of the stream to come: the stream's own lines
 * that a packet reads; once they are loaded, its figures'.
 */
void		 stream_prefetch(const struct stream *);
void		 stream_prefetch_figures(const struct stream *, uint16_t seq);
/* Its latest packet's time when it last moved in the activity list. */
int64_t		 stream_moved_us(const struct stream *);
/* The latest packet of the call's streams still held (0: none). */
int64_t		 streams_call_last_us(const struct call *);
/* The endpoints its packets go from and to. */
const struct vq_endpoint *stream_src(const struct stream *);
const struct vq_endpoint *stream_dst(const struct stream *);
/* It had packets since its last interval report, or never had one. */
int		 stream_has_news(const struct stream *);
/* Settle what its listener's model still holds undecided. */
void		 stream_finish(struct stream_table *, struct stream *);
void		 streams_finish(struct stream_table *);

/*
 * What a stream did since its previous interval report (its last one
 * when ended), into out; the totals become the next report's baseline,
 * and the figures are kept among the stream's points.
 */
void		 stream_interval(const struct stream_table *, struct stream *,
		    int64_t end_us, int ended,
		    struct snap_stream_interval *out);
/* One stream as plain data; call is its call's index, or SNAP_NO_CALL. */
void		 stream_snapshot(const struct stream *, size_t call,
		    struct snap_stream *);
/* Every stream, least recently active first, into out[streams_count()]. */
void		 streams_snapshot(const struct stream_table *,
		    struct snap_stream *out);

/*
 * RTCP in the datagram meta describes (its addresses and capture time):
 * an SR's or RR's reports on the streams they name by SSRC (with is_sr,
 * its sender info on the sender's stream); an XR's VoIP Metrics blocks.
 * Where several streams have the SSRC, the RTCP's addresses pick one.
 */
void		 streams_rtcp_report(struct stream_table *,
		    const struct rtcp_report *, int is_sr,
		    const struct pkt_meta *meta);
void		 streams_rtcp_xr(struct stream_table *, const struct rtcp_xr *,
		    const struct pkt_meta *meta);
/*
 * An endpoint's own report on call c (RFC 6035):
 * each of its metrics blocks filed under the stream of the call it
 * describes (far_end.vq).  Returns how many blocks found their stream.
 */
int		 streams_vq_report(struct call *c, const struct vqr_report *);

/*
 * RTP that no SDP announced and no stream holds.  Its flow (source,
 * destination, SSRC) becomes a stream only when a packet continues the
 * payload type and sequence number of one before it: arbitrary UDP
 * seldom does, and a false stream is a false alarm.  Until then the
 * flow's packets wait, the latest STREAMS_CANDIDATE_HELD of them, so that
 * none is lost to the wait: a first packet captured twice (a span port or
 * a tap that sees it on two legs), a packet lost or reordered among the
 * first ones, all count as they would in a signalled stream.  Returns how
 * many packets waited when pkt continues one of them, copied to held in
 * the order they came, the flow forgotten (the caller makes the stream
 * and accounts for them before pkt); else 0, pkt kept with them.
 */
#define STREAMS_CANDIDATE_HELD	4
int		 streams_candidate(struct stream_table *,
		    const struct pkt_meta *, const struct stream_pkt *pkt,
		    struct stream_pkt held[STREAMS_CANDIDATE_HELD]);
/* Forget the flows whose latest packet is older than idle_us at now_us. */
void		 streams_expire_candidates(struct stream_table *,
		    int64_t now_us, int64_t idle_us);
/* Flows forgotten to keep the table bounded, since streams_new. */
uint64_t	 streams_candidates_dropped(const struct stream_table *);

#endif /* VQ_STREAMS_H */
