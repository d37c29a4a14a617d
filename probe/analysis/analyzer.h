/*
 * The analysis of one packet stream: frames in, calls and media streams out.
 * Single-threaded: the pipeline runs one per worker.
 */
#ifndef VQ_ANALYZER_H
#define VQ_ANALYZER_H

#include <stdint.h>

#include "dissectors/decode.h"
#include "dissectors/sip.h"
#include "metrics/snapshot.h"
#include "probe/analysis/flows.h"

struct analyzer;
struct subnet_labels;

#include "metrics/jbuf.h"

struct analyzer_config {
	int64_t			interval_us;	/* MOS interval of media time */
	int			g711_plc;	/* G.711 with Appendix I PLC */
	struct jbuf_config	jbuf;		/* the emulated listener's */
	int64_t			stream_timeout_us; /* no packet: it ended */
	int64_t			call_timeout_us; /* no SIP, no media: ended */
	int64_t			session_timer_us; /* no SIP: ended anyway */
	size_t			max_calls;	/* then the least active goes */
	size_t			max_streams;
	/* For the views: SIP messages per call, figures per interval. */
	int			keep_sip;
	size_t			keep_points;	/* per stream, the latest */
	int			dpi;		/* classify with nDPI */
	/* Each call's packets as a pcap in this folder; NULL: none. */
	const char		*pcap_dir;
	/*
	 * The site's own addresses (--home-net, one key): which way each
	 * stream crosses its edge.  Read-only, shared by the workers.
	 * NULL: not known.
	 */
	const struct subnet_labels *home_net;
};

/*
 * Takes a piece of results that will not change (a call, a stream of it,
 * or both), allocated with its parts; the function owns it.
 */
typedef void analyzer_emit_fn(void *arg, struct snapshot *part);
/* Takes one metrics interval's report (allocated, with its streams). */
typedef void analyzer_interval_fn(void *arg, struct snap_interval *);

void		 analyzer_config_default(struct analyzer_config *);
struct analyzer	*analyzer_new(const struct analyzer_config *);
void		 analyzer_free(struct analyzer *);
/*
 * Where ended calls and streams go.  Without it nothing ends before
 * analyzer_finish, and the tables only grow.
 */
void		 analyzer_set_emit(struct analyzer *, analyzer_emit_fn *,
		    analyzer_interval_fn *, void *arg);
/*
 * Whether the calls in parts carry their SIP messages (by default they
 * do): only evidence pages and the terminal view show them, and without
 * them a part is a third of the size.
 */
void		 analyzer_set_part_msgs(struct analyzer *, int with_msgs);
/*
 * Whether a metrics interval carries a row per stream (by default it
 * does): only the exporter reads them, and at the end of a run there is
 * one for every stream still up.
 */
void		 analyzer_set_interval_rows(struct analyzer *, int with_rows);
/*
 * Capture time is now_us: end (emit, then forget) the streams and calls
 * whose time is up, per the configured timeouts.
 */
void		 analyzer_tick(struct analyzer *, int64_t now_us);
/*
 * Analyse one UDP datagram or SIP message as the decoder delivered it.
 * frame_order numbers the capture's frames: calls and streams keep the
 * number of the frame they were first seen on, so that results from
 * several analyzers merge into the order one analyzer would have given.
 */
void		 analyzer_payload(struct analyzer *, const struct pkt_meta *,
		    uint64_t frame_order, const struct flow_hint *hint);
/*
 * Looking ahead: meta's packet comes to analyzer_payload `ahead` packets
 * from now (ANALYZER_PREFETCH_AHEAD down to 1).  Start loading from
 * memory what it will read then, a step every two packets as it comes
 * closer (its flow's slot, its stream, its stream's figures), so that at
 * thousands of streams the misses overlap the work on the packets before
 * it instead of stalling it.  hint (zeroed before the first call) keeps
 * what each step learnt for the next and for analyzer_payload, which then
 * neither hashes the flow again nor, if the flow table has not changed
 * meanwhile, looks it up.  Otherwise a hint: it changes nothing.
 */
#define ANALYZER_PREFETCH_AHEAD	6
void		 analyzer_prefetch(const struct analyzer *,
		    const struct pkt_meta *, struct flow_hint *hint,
		    unsigned ahead);
/*
 * A SIP message that analyzer_payload would have parsed (sip_looks_like
 * it, and sip_parse gave msg from its payload): parsed already by the
 * capture thread, which had to read its Call-ID and SDP to route it.
 */
void		 analyzer_sip(struct analyzer *, const struct pkt_meta *,
		    const struct sip_msg *msg, uint64_t frame_order);
/*
 * The last metrics interval, up to now_us: every stream still open, as
 * ended (after analyzer_finish).
 */
void		 analyzer_flush(struct analyzer *, int64_t now_us);
/*
 * An IP packet the decoder delivered nothing of (TCP that is not SIP,
 * protocols vqprobe does not analyse): for the application counts only.
 */
void		 analyzer_other(struct analyzer *, const struct pkt_meta *);
/* The capture is over: settle what every stream still holds undecided. */
void		 analyzer_finish(struct analyzer *);
/*
 * The results so far; release with snapshot_release().  The capture
 * figures are this analyzer's only (SIP, RTP and RTCP counts, its
 * truncated and malformed payloads); packets and bytes are the capture
 * stage's to fill.
 */
void		 analyzer_snapshot(struct analyzer *, struct snapshot *);
/*
 * The end of a run (after analyzer_flush): what analyzer_snapshot would
 * give, in pieces, each freeing what it copies; call it until it returns
 * 0.  A piece holds calls in INVITE order with their streams, or streams
 * without a call; the last one has the counters.  Returns 1 while more
 * pieces follow this one.
 */
int		 analyzer_hand_over(struct analyzer *, struct snapshot *);
/*
 * The lowest order of a call and of a stream the analyzer still holds
 * (UINT64_MAX: none).  Whatever it reports from now on has that order, or
 * the order of a payload it has not seen yet.
 */
void		 analyzer_held_orders(const struct analyzer *, uint64_t *call,
		    uint64_t *stream);
/*
 * Between ticks: free the calls that ended, once there are enough of them
 * to be worth a pass, so that the watermark moves past them.
 */
void		 analyzer_settle(struct analyzer *);
/* Add per-protocol truncated and malformed counts (PROTO_COUNT each). */
void		 analyzer_errors_add(struct snap_capture *,
		    const uint64_t *truncated, const uint64_t *malformed);

#endif /* VQ_ANALYZER_H */
