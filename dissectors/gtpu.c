/*
 * GTP-U, version 1 (3GPP TS 29.281): the user plane of mobile cores
 * (S1-U, S5, N3, N9), user IP packets carried in UDP to port 2152.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-----+-+-+-+-+-+---------------+-------------------------------+
 * | ver |P|0|E|S|N| message type  |            length             |
 * +-----+-+-+-+-+-+---------------+-------------------------------+
 * |                tunnel endpoint identifier (TEID)              |
 * +-------------------------------+---------------+---------------+
 * |        sequence number        |  N-PDU number | next ext type |
 * +-------------------------------+---------------+---------------+
 * |  extension headers, each: length (4-byte units), contents,    |
 * |  the next one's type (0: none) ...                            |
 * +---------------------------------------------------------------+
 * |                 the user's IPv4 or IPv6 packet ...            |
 * +---------------------------------------------------------------+
 *
 * The third word is there when any of E, S or PN is set, whole even
 * when only one is.  The length counts what follows the first 8 bytes:
 * that word, the extension headers and the user packet.  Only G-PDUs
 * (type 255) carry a user packet; echo and the other signalling
 * messages of the user plane are not analysed.  GTP' (P clear, charging
 * data) and other versions neither.  The TEID is not kept: the inner
 * addresses tell calls apart, as they do for VXLAN.
 */

#include "dissectors/cursor.h"
#include "dissectors/decode.h"

#define GTPU_HDR_LEN		8
#define GTPU_OPT_LEN		4
#define GTPU_VERSION		1
#define GTPU_FLAG_PT		0x10
#define GTPU_FLAGS_OPT		0x07	/* E, S, PN */
#define GTPU_FLAG_E		0x04
#define GTPU_TYPE_GPDU		255

/* Decode a GTP-U header and the user packet a G-PDU carries. */
enum dissect_result
decode_gtpu(struct decode_run *run, const uint8_t *p, uint32_t len)
{
	struct pkt_meta	*meta = run->meta;
	struct cursor	 c;
	uint8_t		 flags, type, next = 0, units;
	uint32_t	 length, wire, left;

	cur_init(&c, p, len);
	flags = cur_u8(&c);
	type = cur_u8(&c);
	length = cur_be16(&c);
	cur_skip(&c, 4);		/* TEID */

	/* What the datagram says it holds, against what the capture kept. */
	wire = meta->payload_wirelen;
	meta->payload = NULL;
	meta->payload_len = 0;
	meta->payload_wirelen = 0;
	meta->fail_proto = PROTO_GTPU;
	if (wire < GTPU_HDR_LEN || length > wire - GTPU_HDR_LEN)
		return DISSECT_MALFORMED;
	if (c.short_read)
		return DISSECT_TRUNCATED;
	if (flags >> 5 != GTPU_VERSION || (flags & GTPU_FLAG_PT) == 0 ||
	    type != GTPU_TYPE_GPDU)
		return DISSECT_UNSUPPORTED;

	left = length;
	if (flags & GTPU_FLAGS_OPT) {
		if (left < GTPU_OPT_LEN)
			return DISSECT_MALFORMED;
		cur_skip(&c, 3);	/* sequence number, N-PDU number */
		next = cur_u8(&c);
		left -= GTPU_OPT_LEN;
		/* Without E, the next-type octet means nothing. */
		if ((flags & GTPU_FLAG_E) == 0)
			next = 0;
	}
	/* Each extension header: its length first, the next type last. */
	while (next != 0) {
		if (left < 4)
			return DISSECT_MALFORMED;
		units = cur_u8(&c);
		if (c.short_read)
			return DISSECT_TRUNCATED;
		if (units == 0 || (uint32_t)units * 4 > left)
			return DISSECT_MALFORMED;
		cur_skip(&c, (size_t)units * 4 - 2);
		next = cur_u8(&c);
		left -= (uint32_t)units * 4;
	}
	if (c.short_read)
		return DISSECT_TRUNCATED;
	if (left == 0)
		return DISSECT_MALFORMED;	/* a G-PDU without its packet */
	/* Its first byte names the IP version: none is the tunnel's cut. */
	if (cur_left(&c) == 0)
		return DISSECT_TRUNCATED;
	/* The user packet ends where the length says, or where the capture did. */
	return decode_ip(run, c.p, left < cur_left(&c) ? left :
	    (uint32_t)cur_left(&c));
}
