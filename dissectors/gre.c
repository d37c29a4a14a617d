/*
 * GRE, RFC 2784 with the key and sequence number of RFC 2890, and the
 * ERSPAN mirroring headers it carries (draft-foschiano-erspan).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-----------------+-----+-------------------------------+
 * |C|R|K|S|    reserved0    | ver |         protocol type         |
 * +-+-+-+-+-----------------+-----+-------------------------------+
 * |   checksum (if C)             |       reserved1 (if C)        |
 * +-------------------------------+-------------------------------+
 * |                          key (if K)                           |
 * +---------------------------------------------------------------+
 * |                    sequence number (if S)                     |
 * +---------------------------------------------------------------+
 *
 * The protocol type is an ethertype: IPv4, IPv6, MPLS, 0x6558 for a
 * whole Ethernet frame (transparent Ethernet bridging, as NVGRE uses),
 * 0x88be for ERSPAN type I (no header, no S bit) and II, 0x22eb for
 * ERSPAN type III.  Version 1 (PPTP) and RFC 1701 source routing (R)
 * are not analysed.
 *
 * ERSPAN type II, 8 bytes, then the mirrored Ethernet frame:
 * +-------+-----------------------+-----+---+-+-------------------+
 * |  ver  |         VLAN          | COS |En |T|    session id     |
 * +-------+---------------+-------+-----+---+-+-------------------+
 * |    reserved   |                     index                     |
 * +---------------+-----------------------------------------------+
 *
 * ERSPAN type III, 12 bytes, 8 more when O is set, then the frame:
 * +-------+-----------------------+-----+---+-+-------------------+
 * |  ver  |         VLAN          | COS |BSO|T|    session id     |
 * +-------+-----------------------+-----+---+-+-------------------+
 * |                           timestamp                           |
 * +-------------------------------+-+---------+-----------+-+---+-+
 * |              SGT              |P|   FT    |   hw id   |D|gra|O|
 * +-------------------------------+-+---------+-----------+-+---+-+
 * |             platform specific subheader (if O) ...            |
 * +---------------------------------------------------------------+
 *
 * FT (frame type) 0 is Ethernet, 2 an IP packet.  A type II En of 1
 * (ISL) or 2 (802.1Q) means the switch took the tag off the mirrored
 * frame and the VLAN field holds its id, which is kept like a tag's.
 */

#include "dissectors/cursor.h"
#include "dissectors/decode.h"

#define GRE_FLAG_C		0x8000
#define GRE_FLAG_R		0x4000
#define GRE_FLAG_K		0x2000
#define GRE_FLAG_S		0x1000
#define GRE_VERSION_MASK	0x0007

#define GRE_PROTO_TEB		0x6558
#define GRE_PROTO_ERSPAN_II	0x88be
#define GRE_PROTO_ERSPAN_III	0x22eb

#define ERSPAN_II_VERSION	1
#define ERSPAN_III_VERSION	2
#define ERSPAN_VLAN_MASK	0x0fff
#define ERSPAN_III_SUBHDR_LEN	8
#define ERSPAN_FT_ETHERNET	0
#define ERSPAN_FT_IP		2

/* ERSPAN type II: the frame follows an 8-byte header. */
static enum dissect_result
gre_erspan2(struct decode_run *run, struct cursor *c)
{
	struct pkt_meta	*meta = run->meta;
	uint16_t	 ver_vlan, cos_en_session;
	unsigned	 en;

	ver_vlan = cur_be16(c);
	cos_en_session = cur_be16(c);
	cur_skip(c, 4);			/* reserved, index */
	if (c->short_read)
		return DISSECT_TRUNCATED;
	if ((ver_vlan >> 12) != ERSPAN_II_VERSION)
		return DISSECT_MALFORMED;
	en = (cos_en_session >> 11) & 3;
	if ((en == 1 || en == 2) && meta->n_vlans < DECODE_MAX_VLANS)
		meta->vlan_ids[meta->n_vlans++] = ver_vlan & ERSPAN_VLAN_MASK;
	return decode_ether(run, c->p, (uint32_t)cur_left(c));
}

/* ERSPAN type III: 12 bytes, maybe 8 more, then Ethernet or IP. */
static enum dissect_result
gre_erspan3(struct decode_run *run, struct cursor *c)
{
	uint16_t	ver_vlan, ft_o;
	unsigned	frame_type;

	ver_vlan = cur_be16(c);
	cur_skip(c, 2);			/* COS, BSO, T, session id */
	cur_skip(c, 4);			/* timestamp */
	cur_skip(c, 2);			/* SGT */
	ft_o = cur_be16(c);
	if (!c->short_read && (ft_o & 1) != 0)
		cur_skip(c, ERSPAN_III_SUBHDR_LEN);
	if (c->short_read)
		return DISSECT_TRUNCATED;
	if ((ver_vlan >> 12) != ERSPAN_III_VERSION)
		return DISSECT_MALFORMED;
	frame_type = (ft_o >> 10) & 0x1f;
	switch (frame_type) {
	case ERSPAN_FT_ETHERNET:
		return decode_ether(run, c->p, (uint32_t)cur_left(c));
	case ERSPAN_FT_IP:
		/* Only the version nibble tells the IP: it must be there. */
		if (cur_left(c) == 0)
			return DISSECT_TRUNCATED;
		return decode_ip(run, c->p, (uint32_t)cur_left(c));
	default:
		return DISSECT_UNSUPPORTED;
	}
}

/* Decode a GRE header and what its protocol type names. */
enum dissect_result
decode_gre(struct decode_run *run, const uint8_t *p, uint32_t len)
{
	struct cursor	c;
	uint16_t	flags_version, protocol;

	cur_init(&c, p, len);
	flags_version = cur_be16(&c);
	protocol = cur_be16(&c);
	if ((flags_version & GRE_FLAG_C) != 0)
		cur_skip(&c, 4);	/* checksum, reserved1 */
	if ((flags_version & GRE_FLAG_K) != 0)
		cur_skip(&c, 4);
	if ((flags_version & GRE_FLAG_S) != 0)
		cur_skip(&c, 4);

	run->meta->fail_proto = PROTO_GRE;
	if (len >= 2 && ((flags_version & GRE_VERSION_MASK) != 0 ||
	    (flags_version & GRE_FLAG_R) != 0))
		return DISSECT_UNSUPPORTED;
	if (c.short_read)
		return DISSECT_TRUNCATED;

	switch (protocol) {
	case GRE_PROTO_TEB:
		return decode_ether(run, c.p, (uint32_t)cur_left(&c));
	case GRE_PROTO_ERSPAN_II:
		/* Type I has no header, and no sequence number either. */
		if ((flags_version & GRE_FLAG_S) == 0)
			return decode_ether(run, c.p, (uint32_t)cur_left(&c));
		return gre_erspan2(run, &c);
	case GRE_PROTO_ERSPAN_III:
		return gre_erspan3(run, &c);
	default:
		return decode_ethertype(run, protocol, c.p,
		    (uint32_t)cur_left(&c));
	}
}
