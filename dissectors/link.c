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
 */

#include <stddef.h>
#include <string.h>

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

#define ETHER_ADDRS_LEN		12	/* destination, source MAC */
#define SLL_PROTOCOL_OFFSET	14
#define SLL2_AFTER_PROTOCOL	18	/* SLL2 bytes after the protocol */
#define VLAN_ID_MASK		0x0fff

typedef enum dissect_result (*link_decoder)(const uint8_t *, uint32_t,
    struct pkt_meta *);

static enum dissect_result link_ether(const uint8_t *, uint32_t,
    struct pkt_meta *);
static enum dissect_result link_sll(const uint8_t *, uint32_t,
    struct pkt_meta *);
static enum dissect_result link_sll2(const uint8_t *, uint32_t,
    struct pkt_meta *);
static enum dissect_result link_null(const uint8_t *, uint32_t,
    struct pkt_meta *);
static enum dissect_result link_loop(const uint8_t *, uint32_t,
    struct pkt_meta *);

static const struct {
	int		linktype;
	link_decoder	decode;
} link_types[] = {
	{ LINKTYPE_NULL,	 link_null },
	{ LINKTYPE_ETHERNET,	 link_ether },
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
	{ ETHERTYPE_IPV4,	decode_ipv4 },
	{ ETHERTYPE_IPV6,	decode_ipv6 },
	{ 0,			NULL }
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
decode_frame(int linktype, const uint8_t *data, uint32_t caplen,
    struct pkt_meta *meta)
{
	link_decoder	decode;

	meta->n_vlans = 0;
	memset(meta->vlan_ids, 0, sizeof meta->vlan_ids);
	meta->ip_proto = 0;
	meta->dscp = 0;
	meta->is_fragment = 0;
	memset(&meta->src, 0, sizeof meta->src);
	memset(&meta->dst, 0, sizeof meta->dst);
	meta->ip_payload_wirelen = 0;
	meta->payload = NULL;
	meta->payload_len = 0;
	meta->payload_wirelen = 0;
	meta->fail_proto = PROTO_LINK;

	if ((decode = link_find(linktype)) == NULL)
		return DISSECT_UNSUPPORTED;
	return decode(data, caplen, meta);
}

static int
link_is_vlan_tag(uint16_t ethertype)
{
	return ethertype == ETHERTYPE_8021Q || ethertype == ETHERTYPE_8021AD ||
	    ethertype == ETHERTYPE_QINQ_OLD;
}

/*
 * Unwrap any VLAN tags in front of the cursor, then decode what the last
 * ethertype names.  Tags beyond DECODE_MAX_VLANS are skipped unrecorded.
 */
static enum dissect_result
link_ethertype(struct cursor *c, uint16_t ethertype, struct pkt_meta *meta)
{
	uint16_t	tci;
	size_t		i;

	while (link_is_vlan_tag(ethertype)) {
		tci = cur_be16(c);
		ethertype = cur_be16(c);
		if (c->short_read) {
			meta->fail_proto = PROTO_LINK;
			return DISSECT_TRUNCATED;
		}
		if (meta->n_vlans < DECODE_MAX_VLANS)
			meta->vlan_ids[meta->n_vlans++] = tci & VLAN_ID_MASK;
	}

	for (i = 0; link_ethertypes[i].decode != NULL; i++) {
		if (link_ethertypes[i].ethertype == ethertype) {
			return link_ethertypes[i].decode(c->p,
			    (uint32_t)cur_left(c), meta);
		}
	}
	return DISSECT_UNSUPPORTED;
}

/* Ethernet II: two MAC addresses, then an ethertype. */
static enum dissect_result
link_ether(const uint8_t *p, uint32_t len, struct pkt_meta *meta)
{
	struct cursor	c;
	uint16_t	ethertype;

	cur_init(&c, p, len);
	cur_skip(&c, ETHER_ADDRS_LEN);
	ethertype = cur_be16(&c);
	if (c.short_read) {
		meta->fail_proto = PROTO_LINK;
		return DISSECT_TRUNCATED;
	}
	return link_ethertype(&c, ethertype, meta);
}

/* Linux cooked capture v1: the protocol is the header's last field. */
static enum dissect_result
link_sll(const uint8_t *p, uint32_t len, struct pkt_meta *meta)
{
	struct cursor	c;
	uint16_t	protocol;

	cur_init(&c, p, len);
	cur_skip(&c, SLL_PROTOCOL_OFFSET);
	protocol = cur_be16(&c);
	if (c.short_read) {
		meta->fail_proto = PROTO_LINK;
		return DISSECT_TRUNCATED;
	}
	return link_ethertype(&c, protocol, meta);
}

/* Linux cooked capture v2: the protocol is the header's first field. */
static enum dissect_result
link_sll2(const uint8_t *p, uint32_t len, struct pkt_meta *meta)
{
	struct cursor	c;
	uint16_t	protocol;

	cur_init(&c, p, len);
	protocol = cur_be16(&c);
	cur_skip(&c, SLL2_AFTER_PROTOCOL);
	if (c.short_read) {
		meta->fail_proto = PROTO_LINK;
		return DISSECT_TRUNCATED;
	}
	return link_ethertype(&c, protocol, meta);
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
link_af_payload(struct cursor *c, int version, struct pkt_meta *meta)
{
	switch (version) {
	case 4:
		return decode_ipv4(c->p, (uint32_t)cur_left(c), meta);
	case 6:
		return decode_ipv6(c->p, (uint32_t)cur_left(c), meta);
	default:
		return DISSECT_UNSUPPORTED;
	}
}

/* LINKTYPE_NULL: the family is in the writer's byte order, so try both. */
static enum dissect_result
link_null(const uint8_t *p, uint32_t len, struct pkt_meta *meta)
{
	struct cursor	c;
	uint32_t	af, af_swapped;
	int		version;

	cur_init(&c, p, len);
	af = cur_be32(&c);
	if (c.short_read) {
		meta->fail_proto = PROTO_LINK;
		return DISSECT_TRUNCATED;
	}
	af_swapped = (af >> 24) | ((af >> 8) & 0xff00) |
	    ((af << 8) & 0xff0000) | (af << 24);
	if ((version = link_af_version(af)) == 0)
		version = link_af_version(af_swapped);
	return link_af_payload(&c, version, meta);
}

/* LINKTYPE_LOOP: OpenBSD's loopback, the family in network byte order. */
static enum dissect_result
link_loop(const uint8_t *p, uint32_t len, struct pkt_meta *meta)
{
	struct cursor	c;
	uint32_t	af;

	cur_init(&c, p, len);
	af = cur_be32(&c);
	if (c.short_read) {
		meta->fail_proto = PROTO_LINK;
		return DISSECT_TRUNCATED;
	}
	return link_af_payload(&c, link_af_version(af), meta);
}
