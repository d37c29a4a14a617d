/*
 * Link layers: from a pcap link type to the IP packet inside.
 *
 * The numbers are the pcap LINKTYPE_ values of capture files; a live
 * capture reports the platform's DLT_ value instead, which differs only for
 * raw IP (DLT_RAW is 12, or 14 on OpenBSD, where files say 101).
 *
 * Ethernet II (IEEE 802.3 clause 3.2.6) with IEEE 802.1Q tags; 802.1ad
 * (0x88a8) and the older 0x9100 carry the outer tag of a QinQ stack:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                destination MAC (6 bytes) ...                  |
 * +-------------------------------+-------------------------------+
 * |      ... destination MAC      |   source MAC (6 bytes) ...    |
 * +-------------------------------+-------------------------------+
 * |                    ... source MAC                             |
 * +-------------------------------+-----+-+-----------------------+
 * | type 0x8100, 0x88a8 or 0x9100 | PCP |D|       VLAN ID         |
 * +-------------------------------+-----+-+-----------------------+
 * |  type (another tag, or IP)    |   0..n more tags, then IP
 * +-------------------------------+
 *
 * Linux cooked capture, LINKTYPE_LINUX_SLL (16 bytes) and
 * LINKTYPE_LINUX_SLL2 (20 bytes); the protocol is an ethertype:
 *
 *  SLL:  0        2        4        6                    14       16
 *        +--------+--------+--------+--------------------+--------+
 *        |pkttype | ARPHRD |addr len| link address (8)   |protocol|
 *        +--------+--------+--------+--------------------+--------+
 *  SLL2: 0        2        4                 8        10 11 12              20
 *        +--------+--------+-----------------+--------+--+--+---------------+
 *        |protocol|reserved| interface index | ARPHRD |pt|al| link addr (8) |
 *        +--------+--------+-----------------+--------+--+--+---------------+
 *
 * BSD loopback: LINKTYPE_NULL is a 4-byte address family in the byte order
 * of the host that wrote the file, LINKTYPE_LOOP the same in network order.
 * AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD)
 * or 30 (macOS), so all three are accepted.
 *
 * MPLS, RFC 3032: a stack of label entries under ethertype 0x8847
 * (unicast) or 0x8848 (multicast), S set on the last.  What follows has no
 * type field: IPv4 and IPv6 are told by their version nibble, and a first
 * nibble of 0 is the pseudowire control word of RFC 4385 in front of an
 * Ethernet frame (RFC 4448).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------+-----+-+---------------+
 * |                 label                 | TC  |S|      TTL      |
 * +---------------------------------------+-----+-+---------------+
 * |0 0 0 0| flags |FRG|  length   |        sequence number        |
 * +-------+-------+---+-----------+-------------------------------+
 *   (pseudowire control word, then the Ethernet frame)
 *
 * PPPoE session stage, RFC 2516 (ethertype 0x8864), carrying PPP (RFC
 * 1661) whose protocol field is 0x0021 for IPv4 and 0x0057 for IPv6, or
 * one byte when compressed (an odd first byte, RFC 1661 section 6.5):
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------+-------+---------------+-------------------------------+
 * |  VER  | TYPE  |  CODE (0x00)  |          session id           |
 * +-------+-------+---------------+-------------------------------+
 * |   length (PPP bytes after)    |         PPP protocol          |
 * +-------------------------------+-------------------------------+
 */

#include <stddef.h>

#include "dissectors/cursor.h"
#include "dissectors/decode.h"

#define LINKTYPE_NULL		0
#define LINKTYPE_ETHERNET	1
#define LINKTYPE_DLT_RAW	12	/* DLT_RAW on most systems */
#define LINKTYPE_DLT_RAW_OBSD	14	/* DLT_RAW on OpenBSD */
#define LINKTYPE_RAW		101
#define LINKTYPE_LOOP		108
#define LINKTYPE_LINUX_SLL	113
#define LINKTYPE_IPV4		228
#define LINKTYPE_IPV6		229
#define LINKTYPE_LINUX_SLL2	276

#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_8021Q		0x8100
#define ETHERTYPE_8021AD	0x88a8
#define ETHERTYPE_QINQ_OLD	0x9100
#define ETHERTYPE_MPLS		0x8847
#define ETHERTYPE_MPLS_MCAST	0x8848
#define ETHERTYPE_PPPOE_SESSION	0x8864

#define ETHER_ADDRS_LEN		12	/* destination, source MAC */
#define SLL_PROTOCOL_OFFSET	14
#define SLL2_AFTER_PROTOCOL	18	/* SLL2 bytes after the protocol */
#define VLAN_ID_MASK		0x0fff

#define MPLS_BOTTOM_OF_STACK	0x00000100
#define MPLS_CONTROL_WORD_LEN	4

#define PPPOE_VER_TYPE		0x11
#define PPPOE_CODE_SESSION	0x00
#define PPP_IPV4		0x0021
#define PPP_IPV6		0x0057

typedef enum dissect_result (*link_decoder)(struct decode_run *,
    const uint8_t *, uint32_t);

static enum dissect_result link_sll(struct decode_run *, const uint8_t *,
    uint32_t);
static enum dissect_result link_sll2(struct decode_run *, const uint8_t *,
    uint32_t);
static enum dissect_result link_null(struct decode_run *, const uint8_t *,
    uint32_t);
static enum dissect_result link_loop(struct decode_run *, const uint8_t *,
    uint32_t);
static enum dissect_result link_mpls(struct decode_run *, const uint8_t *,
    uint32_t);
static enum dissect_result link_pppoe(struct decode_run *, const uint8_t *,
    uint32_t);

static const struct {
	int		linktype;
	link_decoder	decode;
} link_types[] = {
	{ LINKTYPE_NULL,	 link_null },
	{ LINKTYPE_ETHERNET,	 decode_ether },
	{ LINKTYPE_DLT_RAW,	 decode_ip },
	{ LINKTYPE_DLT_RAW_OBSD, decode_ip },
	{ LINKTYPE_RAW,		 decode_ip },
	{ LINKTYPE_LOOP,	 link_loop },
	{ LINKTYPE_LINUX_SLL,	 link_sll },
	{ LINKTYPE_IPV4,	 decode_ipv4 },
	{ LINKTYPE_IPV6,	 decode_ipv6 },
	{ LINKTYPE_LINUX_SLL2,	 link_sll2 },
	{ -1,			 NULL }
};

/* What an ethertype carries; VLAN tags are unwrapped before this. */
static const struct {
	uint16_t	ethertype;
	link_decoder	decode;
} link_ethertypes[] = {
	{ ETHERTYPE_IPV4,		decode_ipv4 },
	{ ETHERTYPE_IPV6,		decode_ipv6 },
	{ ETHERTYPE_MPLS,		link_mpls },
	{ ETHERTYPE_MPLS_MCAST,		link_mpls },
	{ ETHERTYPE_PPPOE_SESSION,	link_pppoe },
	{ 0,				NULL }
};

/* PPP protocols carried over PPPoE. */
static const struct {
	uint16_t	protocol;
	link_decoder	decode;
} link_ppp_protocols[] = {
	{ PPP_IPV4,	decode_ipv4 },
	{ PPP_IPV6,	decode_ipv6 },
	{ 0,		NULL }
};

/* The entry for a link type, or NULL. */
static link_decoder
link_find(int linktype)
{
	size_t	i;

	for (i = 0; link_types[i].decode != NULL; i++) {
		if (link_types[i].linktype == linktype)
			return link_types[i].decode;
	}
	return NULL;
}

/* Does vqprobe read this link type? */
int
decode_linktype_supported(int linktype)
{
	return link_find(linktype) != NULL;
}

/* Decode one frame: reset what the layers fill, then hand it to its link. */
enum dissect_result
decode_frame(struct decode_ctx *ctx, int linktype, const uint8_t *data,
    uint32_t caplen, struct pkt_meta *meta, decode_deliver_fn *fn, void *arg)
{
	struct decode_run	run;
	link_decoder		decode;
	enum dissect_result	r;

	if ((decode = link_find(linktype)) == NULL) {
		/* The meta is reset all the same; the context is left as is. */
		decode_run_begin(&run, NULL, meta, fn, arg);
		return DISSECT_UNSUPPORTED;
	}
	decode_run_begin(&run, ctx, meta, fn, arg);
	r = decode(&run, data, caplen);
	decode_run_end(&run, ctx);
	return r;
}

static int
link_is_vlan_tag(uint16_t ethertype)
{
	return ethertype == ETHERTYPE_8021Q || ethertype == ETHERTYPE_8021AD ||
	    ethertype == ETHERTYPE_QINQ_OLD;
}

/*
 * Unwrap any VLAN tags in front of p, then decode what the last ethertype
 * names.  Tags beyond DECODE_MAX_VLANS are skipped unrecorded.
 */
enum dissect_result
decode_ethertype(struct decode_run *run, uint16_t ethertype, const uint8_t *p,
    uint32_t len)
{
	struct pkt_meta	*meta = run->meta;
	struct cursor	 c;
	uint16_t	 tci;
	size_t		 i;

	cur_init(&c, p, len);
	while (link_is_vlan_tag(ethertype)) {
		tci = cur_be16(&c);
		ethertype = cur_be16(&c);
		if (c.short_read) {
			meta->fail_proto = PROTO_LINK;
			return DISSECT_TRUNCATED;
		}
		if (meta->n_vlans < DECODE_MAX_VLANS)
			meta->vlan_ids[meta->n_vlans++] = tci & VLAN_ID_MASK;
	}

	for (i = 0; link_ethertypes[i].decode != NULL; i++) {
		if (link_ethertypes[i].ethertype == ethertype) {
			return link_ethertypes[i].decode(run, c.p,
			    (uint32_t)cur_left(&c));
		}
	}
	return DISSECT_UNSUPPORTED;
}

/* Ethernet II: two MAC addresses, then an ethertype. */
enum dissect_result
decode_ether(struct decode_run *run, const uint8_t *p, uint32_t len)
{
	struct cursor	c;
	uint16_t	ethertype;

	cur_init(&c, p, len);
	cur_skip(&c, ETHER_ADDRS_LEN);
	ethertype = cur_be16(&c);
	if (c.short_read) {
		run->meta->fail_proto = PROTO_LINK;
		return DISSECT_TRUNCATED;
	}
	return decode_ethertype(run, ethertype, c.p, (uint32_t)cur_left(&c));
}

/* Linux cooked capture v1: the protocol is the header's last field. */
static enum dissect_result
link_sll(struct decode_run *run, const uint8_t *p, uint32_t len)
{
	struct cursor	c;
	uint16_t	protocol;

	cur_init(&c, p, len);
	cur_skip(&c, SLL_PROTOCOL_OFFSET);
	protocol = cur_be16(&c);
	if (c.short_read) {
		run->meta->fail_proto = PROTO_LINK;
		return DISSECT_TRUNCATED;
	}
	return decode_ethertype(run, protocol, c.p, (uint32_t)cur_left(&c));
}

/* Linux cooked capture v2: the protocol is the header's first field. */
static enum dissect_result
link_sll2(struct decode_run *run, const uint8_t *p, uint32_t len)
{
	struct cursor	c;
	uint16_t	protocol;

	cur_init(&c, p, len);
	protocol = cur_be16(&c);
	cur_skip(&c, SLL2_AFTER_PROTOCOL);
	if (c.short_read) {
		run->meta->fail_proto = PROTO_LINK;
		return DISSECT_TRUNCATED;
	}
	return decode_ethertype(run, protocol, c.p, (uint32_t)cur_left(&c));
}

/* IP version a BSD address family stands for, or 0. */
static int
link_af_version(uint32_t af)
{
	switch (af) {
	case 2:
		return 4;
	case 24:
	case 28:
	case 30:
		return 6;
	default:
		return 0;
	}
}

/* Decode what follows a loopback header, by IP version. */
static enum dissect_result
link_af_payload(struct decode_run *run, struct cursor *c, int version)
{
	switch (version) {
	case 4:
		return decode_ipv4(run, c->p, (uint32_t)cur_left(c));
	case 6:
		return decode_ipv6(run, c->p, (uint32_t)cur_left(c));
	default:
		return DISSECT_UNSUPPORTED;
	}
}

/* LINKTYPE_NULL: the family is in the writer's byte order, so try both. */
static enum dissect_result
link_null(struct decode_run *run, const uint8_t *p, uint32_t len)
{
	struct cursor	c;
	uint32_t	af, af_swapped;
	int		version;

	cur_init(&c, p, len);
	af = cur_be32(&c);
	if (c.short_read) {
		run->meta->fail_proto = PROTO_LINK;
		return DISSECT_TRUNCATED;
	}
	af_swapped = (af >> 24) | ((af >> 8) & 0xff00) |
	    ((af << 8) & 0xff0000) | (af << 24);
	if ((version = link_af_version(af)) == 0)
		version = link_af_version(af_swapped);
	return link_af_payload(run, &c, version);
}

/* LINKTYPE_LOOP: OpenBSD's loopback, the family in network byte order. */
static enum dissect_result
link_loop(struct decode_run *run, const uint8_t *p, uint32_t len)
{
	struct cursor	c;
	uint32_t	af;

	cur_init(&c, p, len);
	af = cur_be32(&c);
	if (c.short_read) {
		run->meta->fail_proto = PROTO_LINK;
		return DISSECT_TRUNCATED;
	}
	return link_af_payload(run, &c, link_af_version(af));
}

/* An MPLS label stack, then IP or a pseudowire's Ethernet frame. */
static enum dissect_result
link_mpls(struct decode_run *run, const uint8_t *p, uint32_t len)
{
	struct cursor	c, peek;
	uint32_t	entry;
	uint8_t		nibble;

	cur_init(&c, p, len);
	do
		entry = cur_be32(&c);
	while (!c.short_read && (entry & MPLS_BOTTOM_OF_STACK) == 0);
	peek = c;
	nibble = cur_u8(&peek) >> 4;
	run->meta->fail_proto = PROTO_MPLS;
	if (peek.short_read)
		return DISSECT_TRUNCATED;

	switch (nibble) {
	case 4:
		return decode_ipv4(run, c.p, (uint32_t)cur_left(&c));
	case 6:
		return decode_ipv6(run, c.p, (uint32_t)cur_left(&c));
	case 0:
		cur_skip(&c, MPLS_CONTROL_WORD_LEN);
		if (c.short_read)
			return DISSECT_TRUNCATED;
		if (decode_tunnel_enter(run, PROTO_MPLS) != 0)
			return DISSECT_MALFORMED;
		return decode_ether(run, c.p, (uint32_t)cur_left(&c));
	default:
		return DISSECT_UNSUPPORTED;
	}
}

/* PPPoE session stage, and the PPP protocol field after it. */
static enum dissect_result
link_pppoe(struct decode_run *run, const uint8_t *p, uint32_t len)
{
	struct cursor	c;
	uint8_t		ver_type, code, first;
	uint16_t	pppoe_len, protocol;
	uint32_t	proto_len, payload_len;
	size_t		i;

	cur_init(&c, p, len);
	ver_type = cur_u8(&c);
	code = cur_u8(&c);
	cur_skip(&c, 2);		/* session id */
	pppoe_len = cur_be16(&c);
	first = cur_u8(&c);
	if ((first & 1) != 0) {
		protocol = first;
		proto_len = 1;
	} else {
		protocol = (uint16_t)(first << 8 | cur_u8(&c));
		proto_len = 2;
	}
	run->meta->fail_proto = PROTO_PPPOE;
	if (len > 0 && ver_type != PPPOE_VER_TYPE)
		return DISSECT_MALFORMED;
	if (len > 1 && code != PPPOE_CODE_SESSION)
		return DISSECT_MALFORMED;
	if (c.short_read)
		return DISSECT_TRUNCATED;
	if (pppoe_len < proto_len)
		return DISSECT_MALFORMED;

	/* Bytes past the PPPoE length are Ethernet padding. */
	payload_len = (uint32_t)cur_left(&c);
	if (payload_len > pppoe_len - proto_len)
		payload_len = pppoe_len - proto_len;
	for (i = 0; link_ppp_protocols[i].decode != NULL; i++) {
		if (link_ppp_protocols[i].protocol == protocol)
			return link_ppp_protocols[i].decode(run, c.p,
			    payload_len);
	}
	return DISSECT_UNSUPPORTED;
}
