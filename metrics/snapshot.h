/*
 * The probe's results as plain data: what the reports (JSON, table) and the
 * terminal view read.  Filled by probe/, never by the packet path's readers.
 * Strings are already safe to show (see probe/text.h).
 */
#ifndef VQ_SNAPSHOT_H
#define VQ_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dissectors/hep.h"
#include "dissectors/vqreport.h"
#include "metrics/quality.h"
#include "metrics/rtpstat.h"
#include "metrics/segments.h"
#include "metrics/verdict.h"

#define SNAP_TEXT_LEN		256
#define SNAP_ENDPOINT_LEN	56
#define SNAP_CODEC_LEN		24
#define SNAP_NO_CALL		((size_t)-1)

/* HEPv3 input (--hep-listen): what came, and why some was not analysed. */
struct snap_hep {
	int		enabled;	/* a HEP listener ran */
	uint64_t	packets;	/* HEP packets received, good or not */
	uint64_t	bytes;
	uint64_t	analysed;	/* became frames */
	uint64_t	refused[HEP_RESULT_COUNT];	/* by the decoder's
							   reason ([HEP_OK]
							   unused) */
	uint64_t	auth_failed;	/* no auth key, or another */
	uint64_t	not_analysed;	/* a type vqprobe does not read */
	uint64_t	inflate_failed;	/* compressed, and would not inflate */
	uint64_t	connections;	/* TCP clients accepted */
	uint64_t	connections_refused;	/* past the clients' bound */
	uint64_t	streams_bad;	/* TCP clients closed on bytes that
					   were not a HEPv3 packet */
	uint64_t	receive_errors;
};

/* Truncated and malformed counts of one protocol. */
struct snap_proto_errors {
	const char	*proto;
	uint64_t	 truncated;
	uint64_t	 malformed;
};

struct snap_capture {
	char		source[SNAP_TEXT_LEN];
	uint64_t	packets;
	uint64_t	bytes;
	int64_t		kernel_drops;	/* -1: not known (a file has none) */
	uint64_t	probe_drops;
	uint64_t	truncated;
	uint64_t	malformed;
	uint64_t	sip_messages;
	uint64_t	rtp_packets;
	uint64_t	rtcp_packets;
	uint64_t	not_rtp_packets;	/* to media such as T.38 fax */
	/* IP reassembly */
	uint64_t	ip_fragments;
	uint64_t	ip_reassembled;
	uint64_t	ip_fragments_dropped;	/* timeout, overlap, limits */
	/* SIP over TCP */
	uint64_t	tcp_segments;
	uint64_t	tcp_sip_streams;
	uint64_t	tcp_sip_messages;
	uint64_t	tcp_out_of_order;
	uint64_t	tcp_retransmissions;
	uint64_t	tcp_bytes_dropped;	/* holes, limits, garbage */
	uint64_t	tunnels_too_deep;
	/* Bounded state: what the limits and timeouts ended early. */
	uint64_t	calls_evicted;	/* past --max-calls */
	uint64_t	streams_evicted;	/* past --max-streams */
	uint64_t	candidates_dropped;	/* unsignalled flows waiting
						   for a second RTP packet,
						   past their bound */
	uint64_t	calls_timed_out;	/* no BYE: idle, session timer */
	uint64_t	media_routes_evicted;	/* SDP endpoints forgotten by
						   the capture thread, past
						   its bound */
	/* Endpoints' own reports (RFC 6035) that parsed, and of them those
	   no stream of a call held by then could take. */
	uint64_t	vq_reports;
	uint64_t	vq_reports_unmatched;
	size_t		n_proto_errors;
	struct snap_proto_errors proto_errors[16];
	struct snap_hep	hep;
};

/* A time, or none. */
#define SNAP_NONE	(-1.0)

#define SNAP_SUMMARY_LEN	64

/*
 * One SIP message of a call, for the call's ladder.  summary and the
 * endpoints are safe to show; text is the message as captured (bytes the
 * sender chose: escape before showing), or NULL when not kept.
 */
struct snap_sip_msg {
	int64_t		ts_us;
	char		src[SNAP_ENDPOINT_LEN];
	char		dst[SNAP_ENDPOINT_LEN];
	int		is_request;
	char		summary[SNAP_SUMMARY_LEN];	/* "INVITE", "180 Ringing" */
	int		has_sdp;
	char		*text;
	size_t		text_len;
};

struct snap_call {
	uint64_t	order;		/* capture frame of its INVITE */
	uint64_t	version;	/* later copies of a call: higher */
	int		settled;	/* the last copy: the call has left
					   its analyzer */
	char		call_id[SNAP_TEXT_LEN];
	char		from[SNAP_TEXT_LEN];	/* From URI */
	char		to[SNAP_TEXT_LEN];	/* To URI */
	const char	*state;		/* "setup", "ringing", "in_call", ... */
	int		 final_code;	/* 0: no final response yet */
	double		 start_s;	/* INVITE, epoch seconds */
	double		 end_s;		/* SNAP_NONE while the call goes on */
	double		 pdd_ms;	/* INVITE → first 18x, or SNAP_NONE */
	double		 setup_ms;	/* INVITE → 2xx, or SNAP_NONE */
	double		 duration_s;	/* 2xx → BYE, or SNAP_NONE */
	char		 end_reason[SNAP_TEXT_LEN]; /* "" while the call goes on */
	int		 q850_cause;	/* from a Reason header, -1 none */
	unsigned	 dialogs;	/* early or confirmed (forking: > 1) */
	/*
	 * Its streams that ended, summed per side (enum verdict_side): what
	 * its verdict is made from (verdict_call_from), by its worker, so
	 * that every output judges the call on the same streams.
	 */
	struct verdict_sums media[2];
	/* Its SIP messages in capture order (kept for the views only). */
	struct snap_sip_msg *msgs;
	size_t		 n_msgs;
	size_t		 msgs_dropped;	/* past the bound kept per call */
	/*
	 * Set in a part whose call's messages had not changed since its
	 * worker's previous part that carried them: none copied here, they
	 * are those (merge_snapshots and the evidence report keep them).
	 */
	int		 msgs_same;
};

/*
 * What an endpoint reported of the stream itself (RFC 6035), the latest
 * report: its receiver's own figures (LocalMetrics of a report from the
 * receiver) rather than those its sender relays from the receiver's RTCP
 * XR (RemoteMetrics of a report from the sender).
 */
struct snap_vq_report {
	uint32_t	reports;	/* reports about this stream; 0: none */
	int		kind;		/* enum vqr_kind of the latest */
	int		by_receiver;	/* 1: the receiver's own figures */
	char		reporter[SNAP_ENDPOINT_LEN];	/* its LocalAddr, or "" */
	struct vqr_metrics metrics;
};

/* What the stream's receiver said about it in RTCP (RFC 3550, RFC 3611). */
struct snap_far_end {
	uint32_t	reports;	/* report blocks about this stream */
	double		fraction_lost_pct;	/* in the last one */
	int32_t		cumulative_lost;	/* in the last one */
	double		jitter_ms;		/* in the last one */
	/*
	 * The probe's own count up to the last one's highest sequence
	 * number (rtpstat_lost_upto), what the receiver's figure is made
	 * over: the difference is lost after the probe.  Duplicates the
	 * probe saw reach the receiver too, which counts them as negative
	 * loss (RFC 3550 6.4.1).  have_upto 0: not known.
	 */
	int		have_upto;
	uint64_t	upto_expected;
	uint64_t	upto_lost;
	uint64_t	upto_duplicates;
	double		upto_jitter_ms;	/* the probe's estimate then */
	int		have_jitter;	/* jitter_ms: the clock is known */
	int		have_rtt;
	double		rtt_ms;		/* probe to receiver and back */
	int		have_sender;	/* the sender's own SR count */
	uint32_t	sender_packets;	/* in its last SR */
	int		have_xr;	/* an XR VoIP Metrics block */
	double		xr_loss_pct;
	double		xr_discard_pct;
	int		xr_r_factor;	/* -1: unavailable (127) */
	double		xr_mos_lq;	/* -1: unavailable */
	double		xr_mos_cq;
	int		xr_rtt_ms;
	int		xr_end_system_delay_ms;
	struct snap_vq_report vq;
};

/* A stream over one metrics interval, for charts. */
struct snap_point {
	int64_t		end_us;		/* the interval's end (capture time) */
	uint64_t	packets;
	uint64_t	expected;
	int64_t		lost;		/* may be < 0: snap_stream_interval */
	double		loss_pct;	/* lost / expected in the interval */
	double		jitter_ms;	/* at its end */
	double		max_jitter_ms;
	int		have_mos;
	double		mos;
	uint64_t	jb_discards;
};

struct snap_stream {
	unsigned	id;
	uint64_t	order;		/* capture frame that made it a stream */
	size_t		call;		/* index in calls[], or SNAP_NO_CALL */
	const char	*direction;	/* "caller", "callee" (the sender) or NULL */
	char		src[SNAP_ENDPOINT_LEN];
	char		dst[SNAP_ENDPOINT_LEN];
	uint32_t	ssrc;
	int		payload_type;	/* first voice payload type, -1 none */
	char		codec[SNAP_CODEC_LEN];	/* "" when unknown */
	uint32_t	clock_rate_hz;	/* 0 when unknown */
	int		dscp;		/* of the first packet */
	uint32_t	dscp_changes;	/* times a packet's differed from the last */
	int		vlan;		/* outermost VLAN id, -1 none */
	uint32_t	period;		/* media period: bumps on a fax switch */
	struct rtpstat_summary rtp;
	struct quality_summary quality;
	struct snap_far_end far;
	int		way;		/* enum segment_way (--home-net) */
	struct segments	seg;		/* segments_of: where it was lost */
	/* Its figures per metrics interval (kept for the views only). */
	struct snap_point *points;
	size_t		 n_points;
};

/* One stream over one metrics interval (or up to its end). */
struct snap_stream_interval {
	uint64_t	order;		/* the stream's, as in snap_stream */
	int64_t		last_us;	/* its latest packet */
	char		call_id[SNAP_TEXT_LEN];	/* "" without signalling */
	const char	*direction;	/* NULL without signalling */
	char		codec[SNAP_CODEC_LEN];
	char		src[SNAP_ENDPOINT_LEN];
	char		dst[SNAP_ENDPOINT_LEN];
	uint32_t	ssrc;
	int		dscp;
	/* In the interval: */
	uint64_t	packets;
	uint64_t	expected;
	/*
	 * Negative when packets late past the interval's end filled gaps
	 * counted lost in an earlier one: the intervals then add up to the
	 * stream's loss (RFC 3550's cumulative count, which also goes down).
	 */
	int64_t		lost;
	uint64_t	jb_discards;
	double		jitter_ms;	/* at its end */
	double		max_jitter_ms;
	/* So far: */
	struct segment	after;		/* lost after the probe */
	double		burst_ratio;
	int		have_mos;
	double		mos;		/* the latest rated interval */
	double		r_factor;
	int		ended;		/* the stream's last report */
};

#define SNAP_APP_LEN	48

/* Traffic of one application (nDPI's name) over an interval or a run. */
struct snap_app {
	char		name[SNAP_APP_LEN];
	uint64_t	flows;
	uint64_t	packets;
	uint64_t	bytes;
};

/*
 * The capture thread's totals at one moment: what it read and what it
 * could not pass on.  They travel as one struct, assigned whole, from the
 * capture thread to the workers, the aggregator and the outputs.
 */
struct snap_counters {
	uint64_t	packets;
	uint64_t	bytes;
	int64_t		kernel_drops;	/* -1: not known (a file has none) */
	uint64_t	probe_drops;	/* payloads no ring had room for */
	uint64_t	truncated;	/* decoding frames */
	uint64_t	malformed;
	uint64_t	ip_fragments_dropped;	/* timeout, overlap, limits */
	uint64_t	tcp_bytes_dropped;	/* holes, limits, garbage */
	uint64_t	media_routes_evicted;	/* SDP endpoints forgotten */
};

/* SIP per method (sip_method values; 0: methods not known) and class. */
#define SNAP_SIP_METHODS	16
#define SNAP_SIP_CLASSES	6	/* responses 1xx .. 6xx */

/* What one worker saw in one metrics interval, ending at end_us. */
struct snap_interval {
	int64_t		end_us;
	struct snap_stream_interval *streams;
	size_t		n_streams;
	uint64_t	sip_requests[SNAP_SIP_METHODS];
	uint64_t	sip_responses[SNAP_SIP_METHODS][SNAP_SIP_CLASSES];
	uint64_t	active_calls;
	uint64_t	active_streams;
	/* Applications in the interval (traffic SIP does not explain). */
	struct snap_app	*apps;
	size_t		n_apps;
	/* The worker's totals since the start. */
	uint64_t	truncated;
	uint64_t	malformed;
	uint64_t	calls_evicted;
	uint64_t	streams_evicted;
	uint64_t	candidates_dropped;
	/* The capture's totals when the interval was reported. */
	struct snap_counters capture;
};

struct snapshot {
	struct snap_capture	 capture;
	struct snap_call	*calls;
	size_t			 n_calls;
	struct snap_stream	*streams;
	size_t			 n_streams;
	struct snap_app		*apps;		/* most bytes first; NULL: not
						   classified */
	size_t			 n_apps;
};

/*
 * The probe's own state, for a view's header: where packets come from and
 * how the probe copes.
 */
struct snap_status {
	char		source[SNAP_TEXT_LEN];	/* interface or file */
	int		live;
	int		finished;	/* the capture is over */
	int64_t		capture_us;	/* capture time reached */
	double		uptime_s;	/* since the start (wall clock) */
	double		packets_per_s;
	uint64_t	packets;
	int64_t		kernel_drops;	/* -1: a file */
	uint64_t	probe_drops;
	uint64_t	active_calls;
	uint64_t	active_streams;
	const char	*exporter_state;	/* "ok", "retrying", "spooling",
						   NULL without an exporter */
};

/*
 * An interval's loss in percent of its expected packets, never below 0, as
 * RFC 3550 clamps its fraction lost: a late packet repairs the count, it
 * does not make the interval better than lossless.
 */
static inline double
snap_interval_loss_pct(const struct snap_stream_interval *si)
{
	if (si->expected == 0 || si->lost <= 0)
		return 0.0;
	return 100.0 * (double)si->lost / (double)si->expected;
}

/*
 * A copy of n messages and their texts; NULL when n is 0, or when memory
 * runs out (then nothing is left allocated: the caller decides).
 */
static inline struct snap_sip_msg *
snap_msgs_dup(const struct snap_sip_msg *m, size_t n)
{
	struct snap_sip_msg *out;
	size_t i;

	if (n == 0 || (out = (struct snap_sip_msg *)calloc(n,
	    sizeof(*out))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		out[i] = m[i];
		out[i].text = NULL;
		if (m[i].text == NULL)
			continue;
		if ((out[i].text = (char *)malloc(m[i].text_len + 1)) == NULL) {
			while (i-- > 0)
				free(out[i].text);
			free(out);
			return NULL;
		}
		memcpy(out[i].text, m[i].text, m[i].text_len);
		out[i].text[m[i].text_len] = '\0';
	}
	return out;
}

/* Release what one call holds (not the struct itself). */
static inline void
snap_call_release(struct snap_call *c)
{
	size_t i;

	for (i = 0; i < c->n_msgs; i++)
		free(c->msgs[i].text);
	free(c->msgs);
	c->msgs = NULL;
	c->n_msgs = 0;
}

/* Release what a snapshot holds (not the struct itself). */
static inline void
snapshot_release(struct snapshot *s)
{
	size_t i;

	for (i = 0; i < s->n_calls; i++)
		snap_call_release(&s->calls[i]);
	for (i = 0; i < s->n_streams; i++)
		free(s->streams[i].points);
	free(s->calls);
	free(s->streams);
	free(s->apps);
	s->apps = NULL;
	s->n_apps = 0;
	s->calls = NULL;
	s->streams = NULL;
	s->n_calls = s->n_streams = 0;
}

#endif /* VQ_SNAPSHOT_H */
