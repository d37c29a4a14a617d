/*
 * IPv6, RFC 8200, and the extension headers that may sit before UDP.
 * Fragments are reassembled (RFC 8200 section 4.5) by identification and
 * addresses; the datagram goes on from the header the fragment header
 * named.  An atomic fragment (offset 0, M clear) is a whole packet (RFC
 * 6946); a fragment header inside a reassembled datagram is malformed.
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

static enum dissect_result ipv6_reassembled(struct decode_run *, uint8_t,
    const uint8_t *, uint32_t);

static int
ipv6_is_extension(uint8_t next_header)
{
	return next_header == IPV6_EXT_HOPOPTS ||
	    next_header == IPV6_EXT_ROUTING ||
	    next_header == IPV6_EXT_FRAGMENT ||
	    next_header == IPV6_EXT_DSTOPTS;
}

/*
 * Walk the extension headers from next on, over len captured bytes of
 * which wire_left are the packet's, then go on into what they lead to.
 * reassembled: p is a datagram put together from fragments.
 */
static enum dissect_result
ipv6_chain(struct decode_run *run, uint8_t next, const uint8_t *p,
    uint32_t len, uint32_t wire_left, int reassembled)
{
	struct pkt_meta		*meta = run->meta;
	struct cursor		 c;
	struct ipfrag_key	 key;
	struct ipfrag_fragment	 frag;
	uint8_t			 ext_type;
	uint16_t		 offset_flags = 0;
	uint32_t		 ext_len, id = 0, captured;

	cur_init(&c, p, len);
	while (ipv6_is_extension(next)) {
		ext_type = next;
		next = cur_u8(&c);
		if (ext_type == IPV6_EXT_FRAGMENT) {
			cur_skip(&c, 1);	/* reserved */
			offset_flags = cur_be16(&c);
			id = cur_be32(&c);
			ext_len = IPV6_FRAG_LEN;
		} else {
			ext_len = 8 * ((uint32_t)cur_u8(&c) + 1);
			cur_skip(&c, ext_len - 2);
		}
		if (c.short_read) {
			meta->fail_proto = PROTO_IPV6;
			return DISSECT_TRUNCATED;
		}
		if (ext_len > wire_left) {
			meta->fail_proto = PROTO_IPV6;
			return DISSECT_MALFORMED;
		}
		wire_left -= ext_len;
		if (ext_type != IPV6_EXT_FRAGMENT ||
		    (offset_flags & (IPV6_FRAG_OFFSET_MASK |
		    IPV6_FRAG_MORE)) == 0)
			continue;

		meta->ip_proto = next;
		meta->is_fragment = 1;
		if (reassembled) {
			meta->fail_proto = PROTO_IPFRAG;
			return DISSECT_MALFORMED;
		}
		captured = (uint32_t)cur_left(&c);
		if (captured > wire_left)
			captured = wire_left;
		memset(&key, 0, sizeof key);
		key.version = 6;
		key.id = id;
		key.src = meta->src.addr;
		key.dst = meta->dst.addr;
		frag.offset = offset_flags & IPV6_FRAG_OFFSET_MASK;
		frag.more = (offset_flags & IPV6_FRAG_MORE) != 0;
		frag.proto = next;
		frag.data = c.p;
		frag.len = captured;
		return decode_ip_fragment(run, &key, &frag, wire_left,
		    ipv6_reassembled);
	}

	meta->ip_proto = next;
	meta->ip_payload_wirelen = wire_left;
	captured = (uint32_t)cur_left(&c);
	if (captured > wire_left)
		captured = wire_left;
	return decode_ip_payload(run, next, c.p, captured);
}

/* A reassembled datagram: its headers from the fragment header's next on. */
static enum dissect_result
ipv6_reassembled(struct decode_run *run, uint8_t next, const uint8_t *p,
    uint32_t len)
{
	return ipv6_chain(run, next, p, len, len, 1);
}

/* Decode an IPv6 header and go on through its extension headers. */
enum dissect_result
decode_ipv6(struct decode_run *run, const uint8_t *p, uint32_t len)
{
	struct pkt_meta	*meta = run->meta;
	struct cursor	 c;
	const uint8_t	*src, *dst;
	uint8_t		 b0, b1, next;
	uint16_t	 payload_len;

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
	meta->ip = p;
	meta->ip_caplen = len < 40u + payload_len ? len : 40u + payload_len;
	meta->src.addr.family = 6;
	memcpy(meta->src.addr.bytes, src, 16);
	meta->dst.addr.family = 6;
	memcpy(meta->dst.addr.bytes, dst, 16);

	/* Jumbograms (RFC 2675, payload length 0) carry no voice: malformed. */
	return ipv6_chain(run, next, c.p, (uint32_t)cur_left(&c), payload_len,
	    0);
}
