/*
 * IPv4, RFC 791 (the TOS byte as DSCP and ECN: RFC 2474, RFC 3168).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------+-------+-----------+---+-------------------------------+
 * |version|  IHL  |   DSCP    |ECN|         total length          |
 * +-------+-------+-----------+---+-----+-------------------------+
 * |        identification         |0|D|M|    fragment offset      |
 * +---------------+---------------+-----+-------------------------+
 * | time to live  |   protocol    |        header checksum        |
 * +---------------+---------------+-------------------------------+
 * |                        source address                         |
 * +---------------------------------------------------------------+
 * |                      destination address                      |
 * +---------------------------------------------------------------+
 * |           options (IHL - 5 words of 32 bits) ...              |
 * +---------------------------------------------------------------+
 *
 * The header checksum is not verified: a capture taken on the sending host
 * sees packets before the NIC fills checksums in (offload).
 *
 * A fragment (MF set or a non-zero offset) goes to the reassembler keyed
 * by identification, addresses and protocol (RFC 791 section 3.2); the
 * whole datagram then goes on as an unfragmented one would.
 */

#include <string.h>

#include "dissectors/cursor.h"
#include "dissectors/decode.h"

#define IPV4_HDR_LEN		20
#define IPV4_FLAG_MF		0x2000
#define IPV4_OFFSET_MASK	0x1fff

/* Decode an IPv4 header and go on into what it carries. */
enum dissect_result
decode_ipv4(struct decode_run *run, const uint8_t *p, uint32_t len)
{
	struct pkt_meta		*meta = run->meta;
	struct cursor		 c;
	struct ipfrag_key	 key;
	struct ipfrag_fragment	 frag;
	const uint8_t		*src, *dst;
	uint8_t			 vhl, tos, protocol;
	uint16_t		 total_len, id, flags_offset;
	uint32_t		 hdr_len, payload_len;

	cur_init(&c, p, len);
	vhl = cur_u8(&c);
	tos = cur_u8(&c);
	total_len = cur_be16(&c);
	id = cur_be16(&c);
	flags_offset = cur_be16(&c);
	cur_skip(&c, 1);		/* time to live */
	protocol = cur_u8(&c);
	cur_skip(&c, 2);		/* header checksum, see above */
	src = cur_bytes(&c, 4);
	dst = cur_bytes(&c, 4);

	meta->fail_proto = PROTO_IPV4;
	hdr_len = (uint32_t)(vhl & 0x0f) * 4;
	/* The first byte alone can contradict IPv4, however short the rest. */
	if (len > 0 && ((vhl >> 4) != 4 || hdr_len < IPV4_HDR_LEN))
		return DISSECT_MALFORMED;
	if (c.short_read)
		return DISSECT_TRUNCATED;

	if (total_len < hdr_len)
		return DISSECT_MALFORMED;
	cur_skip(&c, hdr_len - IPV4_HDR_LEN);	/* options */
	if (c.short_read)
		return DISSECT_TRUNCATED;

	meta->dscp = tos >> 2;
	meta->ip_proto = protocol;
	meta->ip = p;
	meta->ip_caplen = len < total_len ? len : total_len;
	memset(&meta->src.addr, 0, sizeof meta->src.addr);
	meta->src.addr.family = 4;
	memcpy(meta->src.addr.bytes, src, 4);
	memset(&meta->dst.addr, 0, sizeof meta->dst.addr);
	meta->dst.addr.family = 4;
	memcpy(meta->dst.addr.bytes, dst, 4);

	/*
	 * Bytes past the total length are link padding; a total length past
	 * the capture means the snaplen clipped the packet, and UDP's own
	 * length then still tells the payload's size on the wire.
	 */
	meta->ip_payload_wirelen = total_len - hdr_len;
	payload_len = (uint32_t)cur_left(&c);
	if (payload_len > meta->ip_payload_wirelen)
		payload_len = meta->ip_payload_wirelen;

	if ((flags_offset & (IPV4_FLAG_MF | IPV4_OFFSET_MASK)) == 0)
		return decode_ip_payload(run, protocol, c.p, payload_len);

	memset(&key, 0, sizeof key);
	key.version = 4;
	key.proto = protocol;
	key.id = id;
	key.src = meta->src.addr;
	key.dst = meta->dst.addr;
	frag.offset = (uint32_t)(flags_offset & IPV4_OFFSET_MASK) * 8;
	frag.more = (flags_offset & IPV4_FLAG_MF) != 0;
	frag.proto = protocol;
	frag.data = c.p;
	frag.len = payload_len;
	return decode_ip_fragment(run, &key, &frag, meta->ip_payload_wirelen,
	    decode_ip_payload);
}
