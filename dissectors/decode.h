/*
 * From a captured frame to the UDP payload: link layer, VLAN tags, IPv4 or
 * IPv6, UDP.  The link layer is chosen from an explicit table of pcap link
 * types (link.c); each layer lives in its own file.
 */
#ifndef VQ_DECODE_H
#define VQ_DECODE_H

#include <stdint.h>

#include "dissectors/addr.h"
#include "dissectors/dissect.h"

#define DECODE_MAX_VLANS	2

/* What the lower layers say about one frame. */
struct pkt_meta {
	int64_t		 ts_us;		/* capture time, µs since the epoch */
	uint32_t	 caplen;	/* bytes captured */
	uint32_t	 wirelen;	/* bytes on the wire */

	uint8_t		 n_vlans;
	uint16_t	 vlan_ids[DECODE_MAX_VLANS];	/* outermost first */

	uint8_t		 ip_proto;	/* 17 for UDP */
	uint8_t		 dscp;
	uint8_t		 is_fragment;	/* IP fragment: not reassembled yet */
	struct vq_endpoint src;
	struct vq_endpoint dst;
	uint32_t	 ip_payload_wirelen; /* bytes IP says follow its headers */

	const uint8_t	*payload;	/* UDP payload, clipped to the capture */
	uint32_t	 payload_len;	/* captured payload bytes */
	uint32_t	 payload_wirelen; /* payload length UDP claims */

	enum dissect_proto fail_proto;	/* with TRUNCATED/MALFORMED: which layer */
};

/* Link types vqprobe reads (pcap LINKTYPE_ values). */
int	decode_linktype_supported(int linktype);

/*
 * Decode one frame down to UDP.  DISSECT_OK fills every field and points
 * payload into data; DISSECT_UNSUPPORTED is a frame vqprobe does not analyse
 * (ARP, TCP, ICMP, an IP fragment, ...); TRUNCATED and MALFORMED name the layer
 * in fail_proto.  ts_us, caplen and wirelen are the caller's to set.
 */
enum dissect_result decode_frame(int linktype, const uint8_t *data,
	    uint32_t caplen, struct pkt_meta *meta);

/*
 * Layer entry points, used by decode_frame and by each other (one per file).
 * decode_udp checks its length against meta->ip_payload_wirelen, which the
 * IP layer (or a test calling it directly) sets first.
 */
enum dissect_result decode_ip(const uint8_t *p, uint32_t len,
	    struct pkt_meta *);
enum dissect_result decode_ipv4(const uint8_t *p, uint32_t len,
	    struct pkt_meta *);
enum dissect_result decode_ipv6(const uint8_t *p, uint32_t len,
	    struct pkt_meta *);
enum dissect_result decode_udp(const uint8_t *p, uint32_t len,
	    struct pkt_meta *);

#endif /* VQ_DECODE_H */
