/*
 * UDP, RFC 768.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-------------------------------+
 * |          source port          |       destination port        |
 * +-------------------------------+-------------------------------+
 * |            length             |           checksum            |
 * +-------------------------------+-------------------------------+
 * |                          payload ...                          |
 * +---------------------------------------------------------------+
 *
 * The length counts the header.  The checksum is not verified, for the
 * same offload reason as IPv4's.  Datagrams to port 4789 are VXLAN
 * (RFC 7348, the IANA port) and to 2152 GTP-U (3GPP TS 29.281, the
 * IANA port), unwrapped rather than delivered.
 */

#include "dissectors/cursor.h"
#include "dissectors/decode.h"

#define UDP_HDR_LEN	8
#define UDP_PORT_VXLAN	4789
#define UDP_PORT_GTPU	2152

/* Decode a UDP header; deliver the payload, clipped to the capture. */
enum dissect_result
decode_udp(struct decode_run *run, const uint8_t *p, uint32_t len)
{
	struct pkt_meta	*meta = run->meta;
	struct cursor	 c;
	uint16_t	 src_port, dst_port, udp_len;
	uint32_t	 captured;

	cur_init(&c, p, len);
	src_port = cur_be16(&c);
	dst_port = cur_be16(&c);
	udp_len = cur_be16(&c);
	cur_skip(&c, 2);		/* checksum, see above */

	meta->fail_proto = PROTO_UDP;
	if (c.short_read) {
		/* IP left no room for a header: a lie, not a short capture. */
		if (meta->ip_payload_wirelen < UDP_HDR_LEN)
			return DISSECT_MALFORMED;
		return DISSECT_TRUNCATED;
	}
	meta->src.port = src_port;
	meta->dst.port = dst_port;
	if (udp_len < UDP_HDR_LEN || udp_len > meta->ip_payload_wirelen)
		return DISSECT_MALFORMED;

	meta->payload = c.p;
	meta->payload_wirelen = udp_len - UDP_HDR_LEN;
	captured = (uint32_t)cur_left(&c);
	meta->payload_len = captured < meta->payload_wirelen ?
	    captured : meta->payload_wirelen;

	if (dst_port == UDP_PORT_VXLAN) {
		if (decode_tunnel_enter(run, PROTO_VXLAN) != 0)
			return DISSECT_MALFORMED;
		return decode_vxlan(run, meta->payload, meta->payload_len);
	}
	if (dst_port == UDP_PORT_GTPU) {
		if (decode_tunnel_enter(run, PROTO_GTPU) != 0)
			return DISSECT_MALFORMED;
		return decode_gtpu(run, meta->payload, meta->payload_len);
	}
	decode_deliver(run);
	return DISSECT_OK;
}
