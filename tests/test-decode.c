/*
 * Unit tests for the decode path: dissectors/link.c, ip.c, ipv4.c, ipv6.c,
 * udp.c and the protocol names of dissect.c.
 *
 * Frames are built by hand, layer by layer.  Every frame is also decoded
 * cut at every length from 0 to whole, from a heap copy of exactly that
 * many bytes so that AddressSanitizer sees any read past the capture.
 */

#include <stdlib.h>

#include "dissectors/decode.h"
#include "tests/unit.h"

#define LT_NULL		0
#define LT_ETHERNET	1
#define LT_DLT_RAW	12
#define LT_DLT_RAW_OBSD	14
#define LT_RAW		101
#define LT_LOOP		108
#define LT_SLL		113
#define LT_IPV4		228
#define LT_IPV6		229
#define LT_SLL2		276

#define PAYLOAD		"hello"
#define PAYLOAD_LEN	5
#define DSCP_EF		46

struct frame {
	uint8_t	bytes[512];
	size_t	len;
	size_t	ip_off;		/* where the IP header starts */
	size_t	udp_off;	/* where the UDP header starts */
	size_t	payload_off;	/* where the UDP payload starts */
	int	ip_version;
};

static void
f_init(struct frame *f)
{
	memset(f, 0, sizeof *f);
}

static void
f_u8(struct frame *f, uint8_t v)
{
	f->bytes[f->len++] = v;
}

static void
f_be16(struct frame *f, uint16_t v)
{
	f_u8(f, (uint8_t)(v >> 8));
	f_u8(f, (uint8_t)v);
}

static void
f_be32(struct frame *f, uint32_t v)
{
	f_be16(f, (uint16_t)(v >> 16));
	f_be16(f, (uint16_t)v);
}

static void
f_le32(struct frame *f, uint32_t v)
{
	f_u8(f, (uint8_t)v);
	f_u8(f, (uint8_t)(v >> 8));
	f_u8(f, (uint8_t)(v >> 16));
	f_u8(f, (uint8_t)(v >> 24));
}

static void
f_raw(struct frame *f, const void *p, size_t n)
{
	memcpy(f->bytes + f->len, p, n);
	f->len += n;
}

/* Ethernet destination and source MACs; the type is the caller's. */
static void
f_macs(struct frame *f)
{
	const uint8_t	macs[12] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
			    0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 };

	f_raw(f, macs, sizeof macs);
}

/* UDP 5060 -> 5062 carrying PAYLOAD. */
static void
f_udp(struct frame *f)
{
	f->udp_off = f->len;
	f_be16(f, 5060);
	f_be16(f, 5062);
	f_be16(f, 8 + PAYLOAD_LEN);
	f_be16(f, 0);
	f->payload_off = f->len;
	f_raw(f, PAYLOAD, PAYLOAD_LEN);
}

/* IPv4 192.0.2.1 -> 198.51.100.2, DSCP EF, then UDP. */
static void
f_ipv4_udp(struct frame *f)
{
	f->ip_off = f->len;
	f->ip_version = 4;
	f_u8(f, 0x45);
	f_u8(f, DSCP_EF << 2);
	f_be16(f, 20 + 8 + PAYLOAD_LEN);
	f_be16(f, 0x1234);		/* identification */
	f_be16(f, 0x4000);		/* don't fragment */
	f_u8(f, 64);
	f_u8(f, 17);
	f_be16(f, 0);
	f_be32(f, 0xc0000201);
	f_be32(f, 0xc6336402);
	f_udp(f);
}

/*
 * IPv6 2001:db8::1 -> 2001:db8::2, DSCP EF, then hop-by-hop options (8
 * bytes) and destination options (16 bytes) if ext, then UDP.
 */
static void
f_ipv6_udp(struct frame *f, int ext)
{
	size_t	ext_len = ext ? 24 : 0;

	f->ip_off = f->len;
	f->ip_version = 6;
	f_be32(f, 0x60000000U | ((uint32_t)(DSCP_EF << 2) << 20) | 0x12345);
	f_be16(f, (uint16_t)(ext_len + 8 + PAYLOAD_LEN));
	f_u8(f, ext ? 0 : 17);
	f_u8(f, 64);
	f_be32(f, 0x20010db8);
	f_be32(f, 0);
	f_be32(f, 0);
	f_be32(f, 1);
	f_be32(f, 0x20010db8);
	f_be32(f, 0);
	f_be32(f, 0);
	f_be32(f, 2);
	if (ext) {
		f_u8(f, 60);	/* hop-by-hop: destination options next */
		f_u8(f, 0);
		f_raw(f, "\x01\x04\x00\x00\x00\x00", 6);	/* PadN */
		f_u8(f, 17);	/* destination options: UDP next */
		f_u8(f, 1);
		f_raw(f, "\x01\x0c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		    "\x00\x00", 14);
	}
	f_udp(f);
}

/* Set a 16-bit field of a built frame. */
static void
f_put16(struct frame *f, size_t off, uint16_t v)
{
	f->bytes[off] = (uint8_t)(v >> 8);
	f->bytes[off + 1] = (uint8_t)v;
}

/* Decode a heap copy of the first len bytes of a frame. */
static enum dissect_result
decode_exact(int linktype, const struct frame *f, size_t len,
    struct pkt_meta *meta, uint8_t **copy_out)
{
	enum dissect_result	 r;
	uint8_t			*copy;

	copy = malloc(len != 0 ? len : 1);
	memcpy(copy, f->bytes, len);
	/* Garbage in every field the decoder owns, to see it reset them. */
	memset(meta, 0x5a, sizeof *meta);
	r = decode_frame(linktype, copy, (uint32_t)len, meta);
	if (copy_out != NULL)
		*copy_out = copy;
	else
		free(copy);
	return r;
}

/* The layer a cut at len falls in, as decode_frame names it. */
static enum dissect_proto
layer_at(int linktype, const struct frame *f, size_t len)
{
	/* Raw IP with no byte at all: nothing says which IP it is. */
	if (len == 0 && f->ip_off == 0 && linktype != LT_IPV4 &&
	    linktype != LT_IPV6)
		return PROTO_LINK;
	if (len < f->ip_off)
		return PROTO_LINK;
	if (len < f->udp_off)
		return f->ip_version == 4 ? PROTO_IPV4 : PROTO_IPV6;
	return PROTO_UDP;
}

/*
 * Decode the whole frame, check what every layer said, then every cut:
 * truncated inside the headers, fine with a clipped payload after them.
 */
static void
check_frame(int linktype, const struct frame *f)
{
	struct pkt_meta	 meta;
	uint8_t		*copy;
	size_t		 len;
	char		 buf[ADDR_ENDPOINT_STRLEN];

	CHECK_INT(decode_exact(linktype, f, f->len, &meta, &copy), DISSECT_OK);
	CHECK(meta.payload == copy + f->payload_off);
	CHECK_INT(meta.payload_len, PAYLOAD_LEN);
	CHECK_INT(meta.payload_wirelen, PAYLOAD_LEN);
	CHECK_MEM(meta.payload, meta.payload_len, PAYLOAD);
	CHECK_INT(meta.ip_proto, 17);
	CHECK_INT(meta.dscp, DSCP_EF);
	CHECK_INT(meta.is_fragment, 0);
	CHECK_INT(meta.ip_payload_wirelen, f->payload_off - f->udp_off +
	    PAYLOAD_LEN);
	addr_format_endpoint(&meta.src, buf, sizeof buf);
	CHECK_STR(buf, f->ip_version == 4 ? "192.0.2.1:5060" :
	    "[2001:db8::1]:5060");
	addr_format_endpoint(&meta.dst, buf, sizeof buf);
	CHECK_STR(buf, f->ip_version == 4 ? "198.51.100.2:5062" :
	    "[2001:db8::2]:5062");
	free(copy);

	for (len = 0; len <= f->len; len++) {
		if (len < f->payload_off) {
			CHECK_INT(decode_exact(linktype, f, len, &meta, NULL),
			    DISSECT_TRUNCATED);
			CHECK_INT(meta.fail_proto, layer_at(linktype, f, len));
			continue;
		}
		CHECK_INT(decode_exact(linktype, f, len, &meta, NULL),
		    DISSECT_OK);
		CHECK_INT(meta.payload_len, len - f->payload_off);
		CHECK_INT(meta.payload_wirelen, PAYLOAD_LEN);
	}
}

static void
test_ethernet(void)
{
	struct frame	f;
	struct pkt_meta	meta;

	f_init(&f);
	f_macs(&f);
	f_be16(&f, 0x0800);
	f_ipv4_udp(&f);
	check_frame(LT_ETHERNET, &f);
	CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
	    DISSECT_OK);
	CHECK_INT(meta.n_vlans, 0);
	CHECK_INT(meta.vlan_ids[0], 0);

	/* Short frames are padded to 60 bytes: the padding is no payload. */
	memset(f.bytes + f.len, 0, 60 - f.len);
	f.len = 60;
	CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
	    DISSECT_OK);
	CHECK_INT(meta.payload_len, PAYLOAD_LEN);

	f_init(&f);
	f_macs(&f);
	f_be16(&f, 0x86dd);
	f_ipv6_udp(&f, 0);
	check_frame(LT_ETHERNET, &f);
}

static void
test_vlan(void)
{
	struct frame	f;
	struct pkt_meta	meta;

	/* PCP 5 and DEI set around VLAN 100. */
	f_init(&f);
	f_macs(&f);
	f_be16(&f, 0x8100);
	f_be16(&f, 0xb064);
	f_be16(&f, 0x0800);
	f_ipv4_udp(&f);
	check_frame(LT_ETHERNET, &f);
	CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
	    DISSECT_OK);
	CHECK_INT(meta.n_vlans, 1);
	CHECK_INT(meta.vlan_ids[0], 100);
}

static void
test_qinq(void)
{
	struct frame	f;
	struct pkt_meta	meta;
	const uint16_t	outer_types[] = { 0x88a8, 0x9100, 0x8100 };
	size_t		i;

	for (i = 0; i < sizeof outer_types / sizeof outer_types[0]; i++) {
		f_init(&f);
		f_macs(&f);
		f_be16(&f, outer_types[i]);
		f_be16(&f, 10);
		f_be16(&f, 0x8100);
		f_be16(&f, 4094);
		f_be16(&f, 0x86dd);
		f_ipv6_udp(&f, 1);
		check_frame(LT_ETHERNET, &f);
		CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
		    DISSECT_OK);
		CHECK_INT(meta.n_vlans, 2);
		CHECK_INT(meta.vlan_ids[0], 10);
		CHECK_INT(meta.vlan_ids[1], 4094);
	}

	/* A third tag is skipped, not recorded. */
	f_init(&f);
	f_macs(&f);
	f_be16(&f, 0x88a8);
	f_be16(&f, 1);
	f_be16(&f, 0x8100);
	f_be16(&f, 2);
	f_be16(&f, 0x8100);
	f_be16(&f, 3);
	f_be16(&f, 0x0800);
	f_ipv4_udp(&f);
	check_frame(LT_ETHERNET, &f);
	CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
	    DISSECT_OK);
	CHECK_INT(meta.n_vlans, DECODE_MAX_VLANS);
	CHECK_INT(meta.vlan_ids[0], 1);
	CHECK_INT(meta.vlan_ids[1], 2);
}

static void
test_ipv6_extensions(void)
{
	struct frame	f;

	f_init(&f);
	f_macs(&f);
	f_be16(&f, 0x86dd);
	/* Extension headers count as IPv6 when the capture cuts them. */
	f_ipv6_udp(&f, 1);
	check_frame(LT_ETHERNET, &f);
}

static void
test_sll(void)
{
	struct frame	f;
	struct pkt_meta	meta;

	f_init(&f);
	f_be16(&f, 0);			/* to us */
	f_be16(&f, 1);			/* ARPHRD_ETHER */
	f_be16(&f, 6);
	f_raw(&f, "\x02\x00\x5e\x00\x00\x01\x00\x00", 8);
	f_be16(&f, 0x0800);
	f_ipv4_udp(&f);
	check_frame(LT_SLL, &f);

	/* A VLAN tag left in the packet by the kernel. */
	f_init(&f);
	f_be16(&f, 4);			/* outgoing */
	f_be16(&f, 1);
	f_be16(&f, 6);
	f_raw(&f, "\x02\x00\x5e\x00\x00\x01\x00\x00", 8);
	f_be16(&f, 0x8100);
	f_be16(&f, 42);
	f_be16(&f, 0x86dd);
	f_ipv6_udp(&f, 0);
	check_frame(LT_SLL, &f);
	CHECK_INT(decode_exact(LT_SLL, &f, f.len, &meta, NULL), DISSECT_OK);
	CHECK_INT(meta.n_vlans, 1);
	CHECK_INT(meta.vlan_ids[0], 42);
}

static void
test_sll2(void)
{
	struct frame	f;

	f_init(&f);
	f_be16(&f, 0x86dd);
	f_be16(&f, 0);			/* reserved */
	f_be32(&f, 3);			/* interface index */
	f_be16(&f, 1);			/* ARPHRD_ETHER */
	f_u8(&f, 0);			/* to us */
	f_u8(&f, 6);
	f_raw(&f, "\x02\x00\x5e\x00\x00\x01\x00\x00", 8);
	f_ipv6_udp(&f, 1);
	check_frame(LT_SLL2, &f);

	f_init(&f);
	f_be16(&f, 0x0800);
	f_be16(&f, 0);
	f_be32(&f, 3);
	f_be16(&f, 1);
	f_u8(&f, 0);
	f_u8(&f, 6);
	f_raw(&f, "\x02\x00\x5e\x00\x00\x01\x00\x00", 8);
	f_ipv4_udp(&f);
	check_frame(LT_SLL2, &f);
}

static void
test_raw(void)
{
	struct frame	v4, v6, bad;
	struct pkt_meta	meta;
	const int	raw_types[] = { LT_RAW, LT_DLT_RAW, LT_DLT_RAW_OBSD };
	size_t		i;

	f_init(&v4);
	f_ipv4_udp(&v4);
	f_init(&v6);
	f_ipv6_udp(&v6, 0);
	for (i = 0; i < sizeof raw_types / sizeof raw_types[0]; i++) {
		check_frame(raw_types[i], &v4);
		check_frame(raw_types[i], &v6);
	}
	check_frame(LT_IPV4, &v4);
	check_frame(LT_IPV6, &v6);

	/* The link type names the version: the packet must agree. */
	CHECK_INT(decode_exact(LT_IPV4, &v6, v6.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_IPV4);
	CHECK_INT(decode_exact(LT_IPV6, &v4, v4.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_IPV6);

	/* Raw IP of another version is not analysed. */
	f_init(&bad);
	f_u8(&bad, 0x50);
	f_raw(&bad, "\0\0\0\0\0\0\0", 7);
	CHECK_INT(decode_exact(LT_RAW, &bad, bad.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
}

static void
test_null_loop(void)
{
	struct frame	f;
	struct pkt_meta	meta;
	const uint32_t	v6_families[] = { 24, 28, 30 };
	size_t		i;

	/* LINKTYPE_NULL: AF_INET written by either kind of host. */
	f_init(&f);
	f_le32(&f, 2);
	f_ipv4_udp(&f);
	check_frame(LT_NULL, &f);
	f_init(&f);
	f_be32(&f, 2);
	f_ipv4_udp(&f);
	check_frame(LT_NULL, &f);

	for (i = 0; i < sizeof v6_families / sizeof v6_families[0]; i++) {
		f_init(&f);
		f_le32(&f, v6_families[i]);
		f_ipv6_udp(&f, 0);
		check_frame(LT_NULL, &f);
		f_init(&f);
		f_be32(&f, v6_families[i]);
		f_ipv6_udp(&f, 0);
		check_frame(LT_NULL, &f);

		/* LINKTYPE_LOOP: network byte order only. */
		f_init(&f);
		f_be32(&f, v6_families[i]);
		f_ipv6_udp(&f, 1);
			check_frame(LT_LOOP, &f);
	}

	f_init(&f);
	f_be32(&f, 2);
	f_ipv4_udp(&f);
	check_frame(LT_LOOP, &f);
	f_init(&f);
	f_le32(&f, 2);
	f_ipv4_udp(&f);
	CHECK_INT(decode_exact(LT_LOOP, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);

	/* Some other family, e.g. AF_APPLETALK. */
	f_init(&f);
	f_le32(&f, 16);
	f_ipv4_udp(&f);
	CHECK_INT(decode_exact(LT_NULL, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
}

static void
test_unsupported(void)
{
	struct frame	f;
	struct pkt_meta	meta;
	const int	supported[] = { LT_NULL, LT_ETHERNET, LT_DLT_RAW,
			    LT_DLT_RAW_OBSD, LT_RAW, LT_LOOP, LT_SLL, LT_IPV4,
			    LT_IPV6, LT_SLL2 };
	size_t		i;

	for (i = 0; i < sizeof supported / sizeof supported[0]; i++)
		CHECK(decode_linktype_supported(supported[i]));
	CHECK(!decode_linktype_supported(105));		/* 802.11 */
	CHECK(!decode_linktype_supported(-1));
	CHECK(!decode_linktype_supported(127));		/* radiotap */

	f_init(&f);
	f_macs(&f);
	f_be16(&f, 0x0800);
	f_ipv4_udp(&f);
	CHECK_INT(decode_exact(105, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);

	/* ARP. */
	f_init(&f);
	f_macs(&f);
	f_be16(&f, 0x0806);
	f_raw(&f, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
	CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);

	/* TCP over IPv4: the protocol is still reported. */
	f_init(&f);
	f_ipv4_udp(&f);
	f.bytes[9] = 6;
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
	CHECK_INT(meta.ip_proto, 6);
	CHECK_INT(meta.src.addr.family, 4);

	/* ICMPv6 behind an extension header. */
	f_init(&f);
	f_ipv6_udp(&f, 1);
	f.bytes[40 + 8] = 58;
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
	CHECK_INT(meta.ip_proto, 58);
}

static void
test_ipv4_malformed(void)
{
	struct frame	f;
	struct pkt_meta	meta;
	size_t		len;

	/* IHL 4: malformed as soon as the first byte is captured. */
	f_init(&f);
	f_ipv4_udp(&f);
	f.bytes[0] = 0x44;
	for (len = 1; len <= f.len; len++) {
		CHECK_INT(decode_exact(LT_RAW, &f, len, &meta, NULL),
		    DISSECT_MALFORMED);
		CHECK_INT(meta.fail_proto, PROTO_IPV4);
	}

	/* Total length shorter than the header. */
	f_init(&f);
	f_ipv4_udp(&f);
	f_put16(&f, 2, 19);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_IPV4);

	/* Version 5 behind an IPv4 ethertype. */
	f_init(&f);
	f_macs(&f);
	f_be16(&f, 0x0800);
	f_ipv4_udp(&f);
	f.bytes[14] = 0x55;
	CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_IPV4);

	/* IHL 15 with a 20-byte header captured. */
	f_init(&f);
	f_ipv4_udp(&f);
	f.bytes[0] = 0x4f;
	f_put16(&f, 2, 60 + 8 + PAYLOAD_LEN);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_TRUNCATED);
	CHECK_INT(meta.fail_proto, PROTO_IPV4);
}

/* A 4-byte option (NOP NOP NOP EOL): the header is 24 bytes. */
static void
test_ipv4_options(void)
{
	struct frame	f, plain;

	f_init(&plain);
	f_ipv4_udp(&plain);
	f_init(&f);
	f_u8(&f, 0x46);
	f_raw(&f, plain.bytes + 1, 19);
	f_raw(&f, "\x01\x01\x01\x00", 4);
	f.udp_off = f.len;
	f_raw(&f, plain.bytes + 20, 8);
	f.payload_off = f.len;
	f_raw(&f, PAYLOAD, PAYLOAD_LEN);
	f_put16(&f, 2, (uint16_t)f.len);
	f.ip_version = 4;
	check_frame(LT_RAW, &f);
}

/* The snaplen cut the packet: IP and UDP still say how long it was. */
static void
test_clipped(void)
{
	struct frame	 f;
	struct pkt_meta	 meta;
	uint8_t		*copy;

	f_init(&f);
	f_macs(&f);
	f_be16(&f, 0x0800);
	f_ipv4_udp(&f);
	memset(f.bytes + f.len, 'x', 200);
	f.len += 200;
	f_put16(&f, 14 + 2, 20 + 8 + PAYLOAD_LEN + 200);
	f_put16(&f, 14 + 20 + 4, 8 + PAYLOAD_LEN + 200);
	CHECK_INT(decode_exact(LT_ETHERNET, &f, 96, &meta, &copy),
	    DISSECT_OK);
	CHECK(meta.payload == copy + 42);
	CHECK_INT(meta.payload_len, 96 - 42);
	CHECK_INT(meta.payload_wirelen, PAYLOAD_LEN + 200);
	CHECK_INT(meta.ip_payload_wirelen, 8 + PAYLOAD_LEN + 200);
	free(copy);
}

static void
test_fragments(void)
{
	struct frame	f;
	struct pkt_meta	meta;

	/* First fragment: more fragments set. */
	f_init(&f);
	f_ipv4_udp(&f);
	f_put16(&f, 6, 0x2000);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
	CHECK_INT(meta.is_fragment, 1);
	CHECK_INT(meta.ip_proto, 17);
	CHECK_INT(meta.src.addr.family, 4);

	/* Last fragment: an offset, no more fragments. */
	f_put16(&f, 6, 0x00b9);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
	CHECK_INT(meta.is_fragment, 1);

	/* Reserved bit and DF alone: not a fragment. */
	f_put16(&f, 6, 0xc000);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL), DISSECT_OK);
	CHECK_INT(meta.is_fragment, 0);
}

/* IPv6 with a fragment header in front of UDP. */
static void
f_ipv6_frag(struct frame *f, uint16_t offset_flags)
{
	f_init(f);
	f->ip_version = 6;
	f_be32(f, 0x60000000U | ((uint32_t)(DSCP_EF << 2) << 20));
	f_be16(f, 8 + 8 + PAYLOAD_LEN);
	f_u8(f, 44);
	f_u8(f, 64);
	f_be32(f, 0x20010db8);
	f_be32(f, 0);
	f_be32(f, 0);
	f_be32(f, 1);
	f_be32(f, 0x20010db8);
	f_be32(f, 0);
	f_be32(f, 0);
	f_be32(f, 2);
	f_u8(f, 17);
	f_u8(f, 0);
	f_be16(f, offset_flags);
	f_be32(f, 0xabcdef01);
	f_udp(f);
}

static void
test_ipv6_fragments(void)
{
	struct frame	f;
	struct pkt_meta	meta;

	f_ipv6_frag(&f, 0x0001);		/* offset 0, more */
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
	CHECK_INT(meta.is_fragment, 1);
	CHECK_INT(meta.ip_proto, 17);

	f_ipv6_frag(&f, 0x0100);		/* offset 32, last */
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
	CHECK_INT(meta.is_fragment, 1);

	/* An atomic fragment is a whole packet (RFC 6946). */
	f_ipv6_frag(&f, 0x0000);
	check_frame(LT_RAW, &f);
	check_frame(LT_IPV6, &f);
}

static void
test_ipv6_malformed(void)
{
	struct frame	f;
	struct pkt_meta	meta;

	/* Extension headers longer than the payload length. */
	f_init(&f);
	f_ipv6_udp(&f, 1);
	f_put16(&f, 4, 16);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_IPV6);

	/* A payload length leaving no room for UDP. */
	f_init(&f);
	f_ipv6_udp(&f, 0);
	f_put16(&f, 4, 4);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_UDP);

	/* UDP claims more than IPv6 carries. */
	f_init(&f);
	f_ipv6_udp(&f, 0);
	f_put16(&f, 4, 8 + PAYLOAD_LEN - 1);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_UDP);
}

static void
test_udp_lies(void)
{
	struct frame	f;
	struct pkt_meta	meta;
	uint32_t	n;

	/* Shorter than its own header. */
	f_init(&f);
	f_ipv4_udp(&f);
	f_put16(&f, 24, 7);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_UDP);

	/* Longer than IP says. */
	f_put16(&f, 24, 8 + PAYLOAD_LEN + 1);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_UDP);

	/* Shorter than IP says: the rest is not payload. */
	f_put16(&f, 24, 8 + 2);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL), DISSECT_OK);
	CHECK_INT(meta.payload_len, 2);
	CHECK_INT(meta.payload_wirelen, 2);

	/* IPv4 leaves less than a UDP header. */
	f_init(&f);
	f_ipv4_udp(&f);
	f_put16(&f, 2, 20 + 4);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_UDP);

	/* Called on its own, UDP trusts ip_payload_wirelen. */
	f_init(&f);
	f_udp(&f);
	memset(&meta, 0, sizeof meta);
	for (n = 0; n < 8; n++) {
		meta.ip_payload_wirelen = 8 + PAYLOAD_LEN;
		CHECK_INT(decode_udp(f.bytes, n, &meta), DISSECT_TRUNCATED);
	}
	meta.ip_payload_wirelen = 8 + PAYLOAD_LEN;
	CHECK_INT(decode_udp(f.bytes, (uint32_t)f.len, &meta), DISSECT_OK);
	CHECK_INT(meta.src.port, 5060);
	CHECK_INT(meta.dst.port, 5062);
	meta.ip_payload_wirelen = 8;
	CHECK_INT(decode_udp(f.bytes, (uint32_t)f.len, &meta),
	    DISSECT_MALFORMED);
}

static void
test_proto_names(void)
{
	CHECK_STR(dissect_proto_name(PROTO_LINK), "link");
	CHECK_STR(dissect_proto_name(PROTO_IPV4), "ipv4");
	CHECK_STR(dissect_proto_name(PROTO_IPV6), "ipv6");
	CHECK_STR(dissect_proto_name(PROTO_UDP), "udp");
	CHECK_STR(dissect_proto_name(PROTO_SIP), "sip");
	CHECK_STR(dissect_proto_name(PROTO_SDP), "sdp");
	CHECK_STR(dissect_proto_name(PROTO_RTP), "rtp");
	CHECK_STR(dissect_proto_name(PROTO_RTCP), "rtcp");
	CHECK_STR(dissect_proto_name(PROTO_COUNT), "unknown");
}

int
main(void)
{
	RUN(test_ethernet);
	RUN(test_vlan);
	RUN(test_qinq);
	RUN(test_ipv6_extensions);
	RUN(test_sll);
	RUN(test_sll2);
	RUN(test_raw);
	RUN(test_null_loop);
	RUN(test_unsupported);
	RUN(test_ipv4_malformed);
	RUN(test_ipv4_options);
	RUN(test_clipped);
	RUN(test_fragments);
	RUN(test_ipv6_fragments);
	RUN(test_ipv6_malformed);
	RUN(test_udp_lies);
	RUN(test_proto_names);
	return unit_done("decode");
}
