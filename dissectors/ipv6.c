/*
 * IPv6, RFC 8200, and the extension headers that may sit before UDP.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------+-----------+---+---------------------------------------+
 * |version|   DSCP    |ECN|              flow label               |
 * +-------+-----------+---+-------+---------------+---------------+
 * |        payload length         |  next header  |   hop limit   |
 * +-------------------------------+---------------+---------------+
 * |                  source address (16 bytes)                    |
 * +---------------------------------------------------------------+
 * |                destination address (16 bytes)                 |
 * +---------------------------------------------------------------+
 *
 * Hop-by-hop options (0), routing (43) and destination options (60):
 * +---------------+---------------+-------------------------------+
 * |  next header  | length (8-byte units, not counting the first) |
 * +---------------+---------------+-------------------------------+
 *
 * Fragment (44), always 8 bytes:
 * +---------------+---------------+-------------------------+---+-+
 * |  next header  |   reserved    |    fragment offset      |res|M|
 * +---------------+---------------+-------------------------+---+-+
 * |                        identification                         |
 * +---------------------------------------------------------------+
 */

#include <string.h>

#include "dissectors/cursor.h"
#include "dissectors/decode.h"

#define IPV6_HDR_LEN		40
#define IPV6_EXT_HOPOPTS	0
#define IPV6_EXT_ROUTING	43
#define IPV6_EXT_FRAGMENT	44
#define IPV6_EXT_DSTOPTS	60
#define IPV6_FRAG_LEN		8
#define IPV6_FRAG_OFFSET_MASK	0xfff8
#define IPV6_FRAG_MORE		0x0001
#define IPPROTO_UDP_NUM		17

static int
ipv6_is_extension(uint8_t next_header)
{
	return next_header == IPV6_EXT_HOPOPTS ||
	    next_header == IPV6_EXT_ROUTING ||
	    next_header == IPV6_EXT_FRAGMENT ||
	    next_header == IPV6_EXT_DSTOPTS;
}

/* Decode an IPv6 header and its extension headers; go on into UDP. */
enum dissect_result
decode_ipv6(const uint8_t *p, uint32_t len, struct pkt_meta *meta)
{
	struct cursor	 c;
	const uint8_t	*src, *dst;
	uint8_t		 b0, b1, next, ext_type;
	uint16_t	 payload_len, frag;
	uint32_t	 wire_left, ext_len, captured;
	int		 fragment = 0;

	cur_init(&c, p, len);
	b0 = cur_u8(&c);		/* version, traffic class high nibble */
	b1 = cur_u8(&c);		/* traffic class low nibble, flow */
	cur_skip(&c, 2);		/* rest of the flow label */
	payload_len = cur_be16(&c);
	next = cur_u8(&c);
	cur_skip(&c, 1);		/* hop limit */
	src = cur_bytes(&c, 16);
	dst = cur_bytes(&c, 16);

	meta->fail_proto = PROTO_IPV6;
	if (len > 0 && (b0 >> 4) != 6)
		return DISSECT_MALFORMED;
	if (c.short_read)
		return DISSECT_TRUNCATED;

	meta->dscp = (uint8_t)((((b0 & 0x0f) << 4) | (b1 >> 4)) >> 2);
	meta->src.addr.family = 6;
	memcpy(meta->src.addr.bytes, src, 16);
	meta->dst.addr.family = 6;
	memcpy(meta->dst.addr.bytes, dst, 16);

	/* Jumbograms (RFC 2675, payload length 0) carry no voice: malformed. */
	wire_left = payload_len;

	while (ipv6_is_extension(next)) {
		ext_type = next;
		next = cur_u8(&c);
		if (ext_type == IPV6_EXT_FRAGMENT) {
			cur_skip(&c, 1);	/* reserved */
			frag = cur_be16(&c);
			cur_skip(&c, 4);	/* identification */
			ext_len = IPV6_FRAG_LEN;
			/* Offset 0 and no more fragments: atomic (RFC 6946). */
			if ((frag & IPV6_FRAG_OFFSET_MASK) != 0 ||
			    (frag & IPV6_FRAG_MORE) != 0)
				fragment = 1;
		} else {
			ext_len = 8 * ((uint32_t)cur_u8(&c) + 1);
			cur_skip(&c, ext_len - 2);
		}
		if (c.short_read)
			return DISSECT_TRUNCATED;
		if (ext_len > wire_left)
			return DISSECT_MALFORMED;
		wire_left -= ext_len;
		if (fragment) {
			meta->ip_proto = next;
			meta->is_fragment = 1;
			return DISSECT_UNSUPPORTED;
		}
	}

	meta->ip_proto = next;
	if (next != IPPROTO_UDP_NUM)
		return DISSECT_UNSUPPORTED;

	meta->ip_payload_wirelen = wire_left;
	captured = (uint32_t)cur_left(&c);
	if (captured > wire_left)
		captured = wire_left;
	return decode_udp(c.p, captured, meta);
}
