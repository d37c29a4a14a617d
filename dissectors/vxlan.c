/*
 * VXLAN, RFC 7348: Ethernet frames carried in UDP to port 4789.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-----------------------------------------------+
 * |R|R|R|R|I|R|R|R|                   reserved                    |
 * +-+-+-+-+-+-+-+-+-------------------------------+---------------+
 * |       VXLAN network identifier (VNI)          |   reserved    |
 * +-----------------------------------------------+---------------+
 * |                 inner Ethernet frame ...                      |
 * +---------------------------------------------------------------+
 *
 * The I flag says the VNI is valid and must be set; without it the
 * datagram is not analysed.  The VNI is not kept: the inner addresses
 * tell calls apart well enough.
 */

#include "dissectors/cursor.h"
#include "dissectors/decode.h"

#define VXLAN_HDR_LEN	8
#define VXLAN_FLAG_I	0x08

/* Decode a VXLAN header and the Ethernet frame it carries. */
enum dissect_result
decode_vxlan(struct decode_run *run, const uint8_t *p, uint32_t len)
{
	struct pkt_meta	*meta = run->meta;
	struct cursor	 c;
	uint8_t		 flags;

	cur_init(&c, p, len);
	flags = cur_u8(&c);
	cur_skip(&c, VXLAN_HDR_LEN - 1);	/* reserved, VNI, reserved */

	/* The outer datagram is not a payload any more. */
	meta->payload = NULL;
	meta->payload_len = 0;
	meta->payload_wirelen = 0;
	meta->fail_proto = PROTO_VXLAN;
	if (c.short_read)
		return DISSECT_TRUNCATED;
	if ((flags & VXLAN_FLAG_I) == 0)
		return DISSECT_UNSUPPORTED;
	return decode_ether(run, c.p, (uint32_t)cur_left(&c));
}
