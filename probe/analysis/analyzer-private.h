/*
 * What the analyzer's files share: the analyzer itself, and the steps a
 * packet of media takes that the rest of it takes too.  analyzer.c keeps
 * the tables' lives (ticks, ends, snapshots), analyzer-media.c the RTP
 * and RTCP of each packet and the endpoints' own reports on them.  Nothing outside the two includes this.
 */
#ifndef VQ_ANALYZER_PRIVATE_H
#define VQ_ANALYZER_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/decode.h"
#include "metrics/snapshot.h"
#include "probe/analysis/analyzer.h"
#include "probe/analysis/calls.h"
#include "probe/analysis/dpi.h"
#include "probe/analysis/flows.h"
#include "probe/analysis/streams.h"
#include "probe/output/callpcap.h"

struct analyzer {
	struct analyzer_config	  cfg;
	struct call_table	 *calls;
	struct stream_table	 *streams;
	struct flow_table	 *flows;
	struct dpi		 *dpi;		/* NULL: no classification */
	struct callpcap		 *pcap;		/* NULL: no per-call pcaps */
	uint64_t		  frame_order;	/* of the payload in hand */
	analyzer_emit_fn	 *emit;
	analyzer_interval_fn	 *emit_interval;
	void			 *emit_arg;
	int			  part_msgs;	/* a call's part has its messages */
	int			  interval_rows; /* an interval has its streams */
	struct snap_stream_interval row_unkept;	/* else they go here */
	/* The metrics interval being filled. */
	int64_t			  next_interval_us;
	struct snap_stream_interval *pending;	/* streams ended in it */
	size_t			  n_pending;
	size_t			  cap_pending;
	uint64_t		  sip_requests[SNAP_SIP_METHODS];
	uint64_t		  sip_responses[SNAP_SIP_METHODS]
				    [SNAP_SIP_CLASSES];
	int64_t			  next_session_check_us;
	uint64_t		  version;	/* of the latest call copy */
	struct hand_over	 *hand_over;	/* the end's, once begun */

	uint64_t		  calls_evicted;
	uint64_t		  streams_evicted;
	uint64_t		  calls_timed_out;
	uint64_t		  vq_reports;	/* RFC 6035 reports parsed */
	uint64_t		  vq_reports_unmatched;	/* no stream took */

	uint64_t		  sip_messages;
	uint64_t		  rtp_packets;
	uint64_t		  rtcp_packets;
	uint64_t		  not_rtp_packets;
	uint64_t		  truncated[PROTO_COUNT];
	uint64_t		  malformed[PROTO_COUNT];
};

/* Count (and, for its first packets, classify) a packet no call explains. */
void	classify(struct analyzer *, const struct pkt_meta *);
/* The stream is over: settle it, report it, forget it. */
void	end_stream(struct analyzer *, struct stream *);
/* Count a dissector's verdict on a packet of proto. */
void	count_result(struct analyzer *, enum dissect_result,
	    enum dissect_proto);
/* A packet of call c into the call's pcap, when there are pcaps. */
void	keep_packet(struct analyzer *, struct call *, const struct pkt_meta *);
void	handle_sip(struct analyzer *, const struct pkt_meta *);
/* A PUBLISH or NOTIFY with an endpoint's report (RFC 6035) in msg. */
void	vq_report(struct analyzer *, const struct pkt_meta *,
	    const struct sip_msg *);
/* A UDP payload: SIP, RTCP, RTP, or something no call explains. */
void	analyzer_udp(struct analyzer *, const struct pkt_meta *,
	    const struct flow_hint *);

#endif /* VQ_ANALYZER_PRIVATE_H */
