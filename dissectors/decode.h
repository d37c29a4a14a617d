/*
 * From a captured frame to what it carries for the analysis: UDP datagrams
 * and SIP messages over TCP.
 *
 * The link layer is chosen from an explicit table of pcap link types
 * (link.c); each layer lives in its own file, and the plumbing they share
 * (the context, a frame's run) in decode.c.  Between the link and the
 * innermost IP header there may be VLAN tags, MPLS labels, PPPoE, and
 * tunnels: IP in IP (either version in either), GRE (with ERSPAN), VXLAN
 * and GTP-U.  IP fragments are reassembled and TCP streams followed, which
 * needs state kept from frame to frame: a decode context, passed in
 * explicitly, one per capture thread.
 */
#ifndef VQ_DECODE_H
#define VQ_DECODE_H

#include <stdint.h>

#include "dissectors/addr.h"
#include "dissectors/dissect.h"
#include "dissectors/ipfrag.h"
#include "dissectors/tcpreasm.h"

#define DECODE_MAX_VLANS	4
/*
 * Tunnels unwrapped at most; one more makes the frame MALFORMED, with
 * fail_proto naming the tunnel that would have gone deeper.
 */
#define DECODE_MAX_TUNNELS	8

#define DECODE_IPPROTO_TCP	6
#define DECODE_IPPROTO_UDP	17

/* What the lower layers say about one frame, or one payload it carries. */
struct pkt_meta {
	int64_t		 ts_us;		/* capture time, µs since the epoch */
	uint32_t	 caplen;	/* bytes captured */
	uint32_t	 wirelen;	/* bytes on the wire */

	uint8_t		 n_vlans;
	uint16_t	 vlan_ids[DECODE_MAX_VLANS];	/* outermost first */
	uint8_t		 n_tunnels;	/* tunnels unwrapped on the way in */

	/* The innermost IP header and what follows it: */
	uint8_t		 ip_proto;	/* 17 UDP, 6 TCP */
	uint8_t		 dscp;
	uint8_t		 is_fragment;	/* the IP packet was a fragment */
	struct vq_endpoint src;
	struct vq_endpoint dst;
	uint32_t	 ip_payload_wirelen; /* after its headers, IP says */
	/*
	 * The innermost IP packet as captured (header on), for classifiers
	 * that want it whole; NULL for a datagram reassembled from
	 * fragments, whose header is not contiguous with its data.  Valid
	 * while the frame is.
	 */
	const uint8_t	*ip;
	uint32_t	 ip_caplen;

	const uint8_t	*payload;	/* UDP payload, or one SIP message */
	uint32_t	 payload_len;	/* captured payload bytes */
	uint32_t	 payload_wirelen; /* payload length on the wire */

	enum dissect_proto fail_proto;	/* TRUNCATED, MALFORMED: the layer */
};

/* How much state a decode context may keep. */
struct decode_limits {
	struct ipfrag_limits	 ipfrag;	/* max_datagrams 0: none */
	struct tcpreasm_limits	 tcp;		/* max_streams 0: no TCP */
};

/* What a decode context has done since it was made. */
struct decode_stats {
	struct ipfrag_stats	 ipfrag;
	struct tcpreasm_stats	 tcp;
	uint64_t		 too_deep;	/* past DECODE_MAX_TUNNELS */
};

/*
 * Called once per UDP datagram and once per SIP message framed from a TCP
 * stream.  meta and what meta->payload points to are valid during the
 * call only; the function must not call decode_frame with the same
 * context.  For a SIP message from TCP, ip_proto is 6, src and dst are
 * that message's direction, ts_us is when its last segment was captured
 * (a message held behind a hole may come out during a later frame), and
 * payload_len == payload_wirelen; the link and IP fields are those of the
 * frame being decoded.
 */
typedef void decode_deliver_fn(void *arg, const struct pkt_meta *meta);

/* The defaults of ipfrag_limits_default and tcpreasm_limits_default. */
void	decode_limits_default(struct decode_limits *);

/* A context, NULL if out of memory; NULL limits means the defaults. */
struct decode_ctx *decode_ctx_new(const struct decode_limits *);
void	decode_ctx_free(struct decode_ctx *);

/*
 * Forget state older than its timeout at capture time now_us; INT64_MAX
 * forgets it all (at the end of a capture, so the drops are counted).
 * decode_frame does this by itself with each frame's time.
 */
void	decode_ctx_expire(struct decode_ctx *, int64_t now_us);

void	decode_ctx_stats(const struct decode_ctx *, struct decode_stats *);

/* Link types vqprobe reads (pcap LINKTYPE_ values). */
int	decode_linktype_supported(int linktype);

/*
 * Decode one frame captured at meta->ts_us (ts_us, caplen and wirelen
 * are the caller's to set; decode_frame resets every other field) and
 * call fn(arg, meta) for each payload it yields: none (a fragment held
 * back, a TCP segment in the middle of a message), one, or several.
 *
 * DISSECT_OK: the frame was decoded; the payloads, if any, were
 * delivered.  A UDP payload clipped by the capture is still delivered,
 * with payload_len < payload_wirelen.  An IP fragment held, or thrown
 * away by the reassembler's rules (counted in decode_stats), is OK too.
 * DISSECT_UNSUPPORTED: nothing vqprobe analyses (ARP, ICMP, TCP that is
 * not SIP, ...); ip_proto and the addresses say what it was if IP.
 * DISSECT_TRUNCATED and DISSECT_MALFORMED: fail_proto names the layer.
 * A TCP segment of a SIP stream clipped by the capture is TRUNCATED
 * (PROTO_TCP) after the messages in front of the cut were delivered; a
 * clipped IP fragment cannot be reassembled and is TRUNCATED
 * (PROTO_IPFRAG).
 *
 * is_fragment is set for any IP fragment, held or reassembled, and in
 * the meta of a datagram reassembled from fragments.  ctx may be NULL:
 * then fragments and TCP are DISSECT_UNSUPPORTED.  fn may be NULL.
 */
enum dissect_result decode_frame(struct decode_ctx *, int linktype,
	    const uint8_t *data, uint32_t caplen, struct pkt_meta *meta,
	    decode_deliver_fn *fn, void *arg);

/*
 * The rest is how the layers (one per file) hand a frame to each other;
 * decode_frame (link.c) is the way in for everyone else.
 */

/* One frame on its way down the layers. */
struct decode_run {
	struct pkt_meta		*meta;
	struct ipfrag		*ipfrag;	/* NULL: no reassembly */
	struct tcpreasm		*tcp;		/* NULL: TCP not followed */
	decode_deliver_fn	*deliver;	/* may be NULL */
	void			*deliver_arg;
	int			 too_deep;	/* a tunnel was refused */
};

/*
 * Start a frame's run (decode.c): reset what the layers fill in meta, as
 * decode_frame promises; with a context (ctx may be NULL), forget what
 * timed out by meta->ts_us and lend the run the context's reassemblers.
 */
void	decode_run_begin(struct decode_run *, struct decode_ctx *ctx,
	    struct pkt_meta *meta, decode_deliver_fn *fn, void *arg);
/* The run is over: count in the context (may be NULL) what it counts. */
void	decode_run_end(const struct decode_run *, struct decode_ctx *ctx);
/*
 * Entering a tunnel (decode.c): 0, or -1 (MALFORMED with fail_proto set
 * to proto) when it would be one more than DECODE_MAX_TUNNELS.
 */
int	decode_tunnel_enter(struct decode_run *, enum dissect_proto proto);
/* Hand meta's payload to the caller's function (decode.c). */
void	decode_deliver(struct decode_run *);

/* Ethernet II, from the destination MAC on (link.c). */
enum dissect_result decode_ether(struct decode_run *, const uint8_t *p,
	    uint32_t len);
/* What an ethertype names, VLAN tags unwrapped first (link.c). */
enum dissect_result decode_ethertype(struct decode_run *, uint16_t ethertype,
	    const uint8_t *p, uint32_t len);
/* IPv4 or IPv6 by the version nibble (ip.c). */
enum dissect_result decode_ip(struct decode_run *, const uint8_t *p,
	    uint32_t len);
/*
 * What follows an IP header: UDP, TCP, GRE or another IP packet (ip.c).
 * The caller sets meta->ip_payload_wirelen and clips len to it.
 */
enum dissect_result decode_ip_payload(struct decode_run *, uint8_t proto,
	    const uint8_t *p, uint32_t len);
/* Does decode_ip_payload know proto (ip.c)? */
int	decode_ip_proto_known(uint8_t proto);
/* Goes on with a reassembled datagram whose first protocol is proto. */
typedef enum dissect_result decode_ip_cont_fn(struct decode_run *,
	    uint8_t proto, const uint8_t *p, uint32_t len);
/*
 * Hand one IP fragment, wirelen bytes on the wire, to the reassembler
 * (ip.c): OK when held (or dropped, which the reassembler counts);
 * MALFORMED (PROTO_IPFRAG) for an impossible fragment; TRUNCATED
 * (PROTO_IPFRAG) if the capture clipped it; UNSUPPORTED without a
 * reassembler or for a protocol not decoded; cont's result once the
 * datagram is whole.
 */
enum dissect_result decode_ip_fragment(struct decode_run *,
	    const struct ipfrag_key *, const struct ipfrag_fragment *,
	    uint32_t wirelen, decode_ip_cont_fn *cont);
enum dissect_result decode_ipv4(struct decode_run *, const uint8_t *p,
	    uint32_t len);
enum dissect_result decode_ipv6(struct decode_run *, const uint8_t *p,
	    uint32_t len);
/*
 * UDP; delivers the payload, or goes into VXLAN on port 4789 or GTP-U on
 * 2152 (udp.c).
 */
enum dissect_result decode_udp(struct decode_run *, const uint8_t *p,
	    uint32_t len);
/* TCP; feeds the stream reassembler, which delivers SIP (tcp.c). */
enum dissect_result decode_tcp(struct decode_run *, const uint8_t *p,
	    uint32_t len);
enum dissect_result decode_gre(struct decode_run *, const uint8_t *p,
	    uint32_t len);
enum dissect_result decode_vxlan(struct decode_run *, const uint8_t *p,
	    uint32_t len);
/* A G-PDU's user packet, from the UDP payload to port 2152 (gtpu.c). */
enum dissect_result decode_gtpu(struct decode_run *, const uint8_t *p,
	    uint32_t len);

#endif /* VQ_DECODE_H */
