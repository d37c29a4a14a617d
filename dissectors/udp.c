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
 * same offload reason as IPv4's.
 */

#include "dissectors/cursor.h"
#include "dissectors/decode.h"

#define UDP_HDR_LEN	8

/* Decode a UDP header; point meta at the payload, clipped to the capture. */
enum dissect_result
decode_udp(const uint8_t *p, uint32_t len, struct pkt_meta *meta)
{
	struct cursor	c;
	uint16_t	src_port, dst_port, udp_len;
	uint32_t	captured;

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
	return DISSECT_OK;
}
