/*
 * Unit tests for the decode path: dissectors/decode.c, link.c, ip.c, ipv4.c, ipv6.c,
 * udp.c, tcp.c, gre.c, vxlan.c, the decode context (reassembly through
 * decode_frame) and the protocol names of dissect.c.
 *
 * Frames are built by hand, layer by layer; each layer marks where its
 * header starts, so a cut at any length knows which layer it falls in.
 * Every frame is also decoded cut at every length from 0 to whole, from a
 * heap copy of exactly that many bytes so that AddressSanitizer sees any
 * read past the capture.  What the decoder delivers is copied while it is
 * valid.
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
#define MAX_DELIVERIES	16

#define SIP_MSG1	"INVITE sip:bob@example.com SIP/2.0\r\n"	\
	"Call-ID: c1\r\nContent-Length: 3\r\n\r\nv=0"
#define SIP_MSG2	"BYE sip:bob@example.com SIP/2.0\r\n"	\
	"Call-ID: c1\r\nl: 0\r\n\r\n"

/* Length fields patched once the frame is whole. */
enum fix_kind {
	FIX_IPV4_TOTAL,
	FIX_IPV6_PAYLOAD,
	FIX_UDP_LEN,
	FIX_PPPOE_LEN,
	FIX_GTPU_LEN
};

struct frame {
	uint8_t	bytes[1024];
	size_t	len;
	size_t	udp_off;	/* where the innermost UDP header starts */
	size_t	payload_off;	/* where its payload starts */
	int	ip_version;	/* of the innermost IP header */
	int	tunnels;	/* tunnels on the way in */
	struct {
		size_t			off;
		enum dissect_proto	proto;
	}	marks[64];	/* where each layer's header starts */
	size_t	n_marks;
	struct {
		size_t		off;
		enum fix_kind	kind;
	}	fixes[32];
	size_t	n_fixes;
};

/* What decode_frame delivered, copied during the calls. */
struct rec {
	int		n;
	struct pkt_meta	meta[MAX_DELIVERIES];
	uint8_t		data[MAX_DELIVERIES][2048];
	const uint8_t	*where[MAX_DELIVERIES];	/* meta.payload as given */
};

static void
on_deliver(void *arg, const struct pkt_meta *meta)
{
	struct rec	*r = arg;

	if (r->n == MAX_DELIVERIES || meta->payload_len > sizeof r->data[0]) {
		UNIT_FAIL("unexpected delivery of %u bytes", meta->payload_len);
		return;
	}
	r->meta[r->n] = *meta;
	r->where[r->n] = meta->payload;
	memcpy(r->data[r->n], meta->payload, meta->payload_len);
	r->n++;
}

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

/* The layer whose header starts here. */
static void
f_mark(struct frame *f, enum dissect_proto proto)
{
	f->marks[f->n_marks].off = f->len;
	f->marks[f->n_marks].proto = proto;
	f->n_marks++;
}

/* A length field at off to patch in f_finish. */
static void
f_fix(struct frame *f, size_t off, enum fix_kind kind)
{
	f->fixes[f->n_fixes].off = off;
	f->fixes[f->n_fixes].kind = kind;
	f->n_fixes++;
}

/* Ethernet destination and source MACs; the type is the caller's. */
static void
f_macs(struct frame *f)
{
	const uint8_t	macs[12] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
			    0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 };

	f_mark(f, PROTO_LINK);
	f_raw(f, macs, sizeof macs);
}

/* An Ethernet header naming ethertype. */
static void
f_ether(struct frame *f, uint16_t ethertype)
{
	f_macs(f);
	f_be16(f, ethertype);
}

/* UDP 5060 -> 5062 carrying PAYLOAD. */
static void
f_udp(struct frame *f)
{
	f->udp_off = f->len;
	f_mark(f, PROTO_UDP);
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
	f->ip_version = 4;
	f_mark(f, PROTO_IPV4);
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

	f->ip_version = 6;
	f_mark(f, PROTO_IPV6);
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

/* An outer (tunnel) IPv4 header 10.0.0.1 -> 10.0.0.2 naming proto. */
static void
f_ipv4_outer(struct frame *f, uint8_t proto)
{
	f_mark(f, PROTO_IPV4);
	f_fix(f, f->len, FIX_IPV4_TOTAL);
	f_u8(f, 0x45);
	f_u8(f, 0);
	f_be16(f, 0);			/* total length, fixed later */
	f_be16(f, 0x4321);
	f_be16(f, 0);
	f_u8(f, 64);
	f_u8(f, proto);
	f_be16(f, 0);
	f_be32(f, 0x0a000001);
	f_be32(f, 0x0a000002);
}

/* An outer IPv6 header fd00::1 -> fd00::2 naming next. */
static void
f_ipv6_outer(struct frame *f, uint8_t next)
{
	f_mark(f, PROTO_IPV6);
	f_fix(f, f->len, FIX_IPV6_PAYLOAD);
	f_be32(f, 0x60000000U);
	f_be16(f, 0);			/* payload length, fixed later */
	f_u8(f, next);
	f_u8(f, 64);
	f_be32(f, 0xfd000000);
	f_be32(f, 0);
	f_be32(f, 0);
	f_be32(f, 1);
	f_be32(f, 0xfd000000);
	f_be32(f, 0);
	f_be32(f, 0);
	f_be32(f, 2);
}

/* An outer UDP header to dst_port. */
static void
f_udp_outer(struct frame *f, uint16_t dst_port)
{
	f_mark(f, PROTO_UDP);
	f_fix(f, f->len, FIX_UDP_LEN);
	f_be16(f, 49152);
	f_be16(f, dst_port);
	f_be16(f, 0);			/* length, fixed later */
	f_be16(f, 0);
}

/* Patch every length field now that the frame is whole. */
static void
f_finish(struct frame *f)
{
	size_t	i, off, v;

	for (i = 0; i < f->n_fixes; i++) {
		off = f->fixes[i].off;
		switch (f->fixes[i].kind) {
		case FIX_IPV4_TOTAL:
			v = f->len - off;
			off += 2;
			break;
		case FIX_IPV6_PAYLOAD:
			v = f->len - off - 40;
			off += 4;
			break;
		case FIX_UDP_LEN:
			v = f->len - off;
			off += 4;
			break;
		case FIX_GTPU_LEN:
			v = f->len - off - 8;
			off += 2;
			break;
		case FIX_PPPOE_LEN:
		default:
			v = f->len - off - 6;
			off += 4;
			break;
		}
		f->bytes[off] = (uint8_t)(v >> 8);
		f->bytes[off + 1] = (uint8_t)v;
	}
	f->n_fixes = 0;
}

/* Set a 16-bit field of a built frame. */
static void
f_put16(struct frame *f, size_t off, uint16_t v)
{
	f->bytes[off] = (uint8_t)(v >> 8);
	f->bytes[off + 1] = (uint8_t)v;
}

/* Decode a heap copy of the first len bytes of a frame, through ctx. */
static enum dissect_result
decode_ctx_exact(struct decode_ctx *ctx, int linktype, const struct frame *f,
    size_t len, struct pkt_meta *meta, struct rec *r, uint8_t **copy_out)
{
	enum dissect_result	 res;
	uint8_t			*copy;

	copy = malloc(len != 0 ? len : 1);
	memcpy(copy, f->bytes, len);
	/* Garbage in every field the decoder owns, to see it reset them. */
	memset(meta, 0x5a, sizeof *meta);
	meta->ts_us = 0;
	memset(r, 0, sizeof *r);
	res = decode_frame(ctx, linktype, copy, (uint32_t)len, meta,
	    on_deliver, r);
	if (copy_out != NULL)
		*copy_out = copy;
	else
		free(copy);
	return res;
}

/* The same with no context: nothing reassembled, nothing kept. */
static enum dissect_result
decode_exact(int linktype, const struct frame *f, size_t len,
    struct pkt_meta *meta, uint8_t **copy_out)
{
	static struct rec	r;

	return decode_ctx_exact(NULL, linktype, f, len, meta, &r, copy_out);
}

/* The layer a cut at len falls in, as decode_frame names it. */
static enum dissect_proto
layer_at(int linktype, const struct frame *f, size_t len)
{
	enum dissect_proto	proto = PROTO_LINK;
	size_t			i;

	/* Raw IP with no byte at all: nothing says which IP it is. */
	if (len == 0 && linktype != LT_IPV4 && linktype != LT_IPV6)
		return PROTO_LINK;
	for (i = 0; i < f->n_marks; i++) {
		if (f->marks[i].off <= len)
			proto = f->marks[i].proto;
	}
	return proto;
}

/*
 * Decode the whole frame, check what every layer said and the one
 * delivery, then every cut: truncated inside the headers, delivered with
 * a clipped payload after them.
 */
static void
check_frame(int linktype, const struct frame *f)
{
	struct pkt_meta	 meta;
	struct rec	*r = malloc(sizeof *r);
	const struct pkt_meta *d = &r->meta[0];
	uint8_t		*copy;
	size_t		 len;
	char		 buf[ADDR_ENDPOINT_STRLEN];

	CHECK_INT(decode_ctx_exact(NULL, linktype, f, f->len, &meta, r, &copy),
	    DISSECT_OK);
	CHECK_INT(r->n, 1);
	CHECK(r->where[0] == copy + f->payload_off);
	CHECK_INT(d->payload_len, PAYLOAD_LEN);
	CHECK_INT(d->payload_wirelen, PAYLOAD_LEN);
	CHECK_MEM(r->data[0], d->payload_len, PAYLOAD);
	CHECK_INT(d->ip_proto, 17);
	CHECK_INT(d->dscp, DSCP_EF);
	CHECK_INT(d->is_fragment, 0);
	CHECK_INT(d->n_tunnels, f->tunnels);
	CHECK_INT(d->ip_payload_wirelen, f->payload_off - f->udp_off +
	    PAYLOAD_LEN);
	addr_format_endpoint(&d->src, buf, sizeof buf);
	CHECK_STR(buf, f->ip_version == 4 ? "192.0.2.1:5060" :
	    "[2001:db8::1]:5060");
	addr_format_endpoint(&d->dst, buf, sizeof buf);
	CHECK_STR(buf, f->ip_version == 4 ? "198.51.100.2:5062" :
	    "[2001:db8::2]:5062");
	free(copy);

	for (len = 0; len <= f->len; len++) {
		if (len < f->payload_off) {
			CHECK_INT(decode_ctx_exact(NULL, linktype, f, len,
			    &meta, r, NULL), DISSECT_TRUNCATED);
			CHECK_INT(meta.fail_proto, layer_at(linktype, f, len));
			CHECK_INT(r->n, 0);
			continue;
		}
		CHECK_INT(decode_ctx_exact(NULL, linktype, f, len, &meta, r,
		    NULL), DISSECT_OK);
		CHECK_INT(r->n, 1);
		CHECK_INT(d->payload_len, len - f->payload_off);
		CHECK_INT(d->payload_wirelen, PAYLOAD_LEN);
	}
	free(r);
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

	/* Tags past DECODE_MAX_VLANS are skipped, not recorded. */
	f_init(&f);
	f_macs(&f);
	f_be16(&f, 0x88a8);
	f_be16(&f, 1);
	for (i = 2; i <= DECODE_MAX_VLANS + 1; i++) {
		f_be16(&f, 0x8100);
		f_be16(&f, (uint16_t)i);
	}
	f_be16(&f, 0x0800);
	f_ipv4_udp(&f);
	check_frame(LT_ETHERNET, &f);
	CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
	    DISSECT_OK);
	CHECK_INT(meta.n_vlans, DECODE_MAX_VLANS);
	CHECK_INT(meta.vlan_ids[0], 1);
	CHECK_INT(meta.vlan_ids[DECODE_MAX_VLANS - 1], DECODE_MAX_VLANS);
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
	/* No IP packet: its pointer reset too, the garbage gone. */
	CHECK_INT(meta.ip == NULL, 1);
	CHECK_INT(meta.ip_caplen, 0);
	CHECK_INT(meta.payload == NULL, 1);

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
	f_mark(&f, PROTO_IPV4);
	f_u8(&f, 0x46);
	f_raw(&f, plain.bytes + 1, 19);
	f_raw(&f, "\x01\x01\x01\x00", 4);
	f.udp_off = f.len;
	f_mark(&f, PROTO_UDP);
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
	f_mark(f, PROTO_IPV6);
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
	static struct rec	r;
	struct frame		f;
	struct pkt_meta		meta;
	struct decode_run	run;
	uint32_t		n;

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
	memset(&run, 0, sizeof run);
	run.meta = &meta;
	run.deliver = on_deliver;
	run.deliver_arg = &r;
	memset(&r, 0, sizeof r);
	for (n = 0; n < 8; n++) {
		meta.ip_payload_wirelen = 8 + PAYLOAD_LEN;
		CHECK_INT(decode_udp(&run, f.bytes, n), DISSECT_TRUNCATED);
	}
	meta.ip_payload_wirelen = 8 + PAYLOAD_LEN;
	CHECK_INT(decode_udp(&run, f.bytes, (uint32_t)f.len), DISSECT_OK);
	CHECK_INT(meta.src.port, 5060);
	CHECK_INT(meta.dst.port, 5062);
	CHECK_INT(r.n, 1);
	meta.ip_payload_wirelen = 8;
	CHECK_INT(decode_udp(&run, f.bytes, (uint32_t)f.len),
	    DISSECT_MALFORMED);
	CHECK_INT(r.n, 1);
}


/* MPLS label entries; the last has the bottom-of-stack bit. */
static void
f_mpls(struct frame *f, int labels)
{
	int	i;

	f_mark(f, PROTO_MPLS);
	for (i = 0; i < labels; i++)
		f_be32(f, ((uint32_t)(16 + i) << 12) |
		    (i == labels - 1 ? 0x100u : 0) | 64);
}

/*
 * After the bottom of an MPLS stack, or an ERSPAN III header naming IP,
 * the dissector reads the version nibble itself, so a cut right there is
 * still its own: the mark of the IP header (the one before UDP's) moves
 * by one.
 */
static void
f_ip_peeked(struct frame *f)
{
	f->marks[f->n_marks - 2].off++;
}

static void
test_mpls(void)
{
	struct frame	f;
	struct pkt_meta	meta;

	f_init(&f);
	f_ether(&f, 0x8847);
	f_mpls(&f, 1);
	f_ipv4_udp(&f);
	f_ip_peeked(&f);
	check_frame(LT_ETHERNET, &f);

	f_init(&f);
	f_ether(&f, 0x8848);
	f_mpls(&f, 3);
	f_ipv6_udp(&f, 0);
	f_ip_peeked(&f);
	check_frame(LT_ETHERNET, &f);

	/* In Linux cooked capture, after a VLAN tag. */
	f_init(&f);
	f_be16(&f, 0);
	f_be16(&f, 1);
	f_be16(&f, 6);
	f_raw(&f, "\x02\x00\x5e\x00\x00\x01\x00\x00", 8);
	f_be16(&f, 0x8100);
	f_be16(&f, 300);
	f_be16(&f, 0x8847);
	f_mpls(&f, 2);
	f_ipv4_udp(&f);
	f_ip_peeked(&f);
	check_frame(LT_SLL, &f);

	/* A pseudowire: control word, then a whole Ethernet frame. */
	f_init(&f);
	f_ether(&f, 0x8100);
	f_be16(&f, 100);
	f_be16(&f, 0x8847);
	f_mpls(&f, 2);
	f_be32(&f, 0);			/* control word */
	f_ether(&f, 0x8100);
	f_be16(&f, 7);
	f_be16(&f, 0x0800);
	f_ipv4_udp(&f);
	f.tunnels = 1;
	check_frame(LT_ETHERNET, &f);
	CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
	    DISSECT_OK);
	CHECK_INT(meta.n_vlans, 2);
	CHECK_INT(meta.vlan_ids[0], 100);
	CHECK_INT(meta.vlan_ids[1], 7);

	/* Neither IP nor a control word after the stack. */
	f_init(&f);
	f_ether(&f, 0x8847);
	f_mpls(&f, 1);
	f_be32(&f, 0x50000000);
	CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
	/* A stack that never ends. */
	f_init(&f);
	f_ether(&f, 0x8847);
	f_be32(&f, 0x00010040);
	f_be32(&f, 0x00020040);
	CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
	    DISSECT_TRUNCATED);
	CHECK_INT(meta.fail_proto, PROTO_MPLS);
}

/* A PPPoE session header and the PPP protocol. */
static void
f_pppoe(struct frame *f, uint16_t ppp_protocol, int compressed)
{
	f_mark(f, PROTO_PPPOE);
	f_fix(f, f->len, FIX_PPPOE_LEN);
	f_u8(f, 0x11);
	f_u8(f, 0x00);
	f_be16(f, 0x1234);		/* session id */
	f_be16(f, 0);			/* length, fixed later */
	if (compressed)
		f_u8(f, (uint8_t)ppp_protocol);
	else
		f_be16(f, ppp_protocol);
}

static void
test_pppoe(void)
{
	struct frame	f;
	struct pkt_meta	meta;

	f_init(&f);
	f_ether(&f, 0x8864);
	f_pppoe(&f, 0x0021, 0);
	f_ipv4_udp(&f);
	f_finish(&f);
	check_frame(LT_ETHERNET, &f);

	/* Behind QinQ, carrying IPv6. */
	f_init(&f);
	f_ether(&f, 0x88a8);
	f_be16(&f, 20);
	f_be16(&f, 0x8100);
	f_be16(&f, 30);
	f_be16(&f, 0x8864);
	f_pppoe(&f, 0x0057, 0);
	f_ipv6_udp(&f, 1);
	f_finish(&f);
	check_frame(LT_ETHERNET, &f);

	/* A compressed protocol field (RFC 1661 6.5). */
	f_init(&f);
	f_ether(&f, 0x8864);
	f_pppoe(&f, 0x21, 1);
	f_ipv4_udp(&f);
	f_finish(&f);
	check_frame(LT_ETHERNET, &f);

	/* Bytes past the PPPoE length are padding, not IP. */
	memset(f.bytes + f.len, 0xee, 10);
	f.len += 10;
	CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
	    DISSECT_OK);

	/* Version, code and length that contradict a session packet. */
	f_init(&f);
	f_ether(&f, 0x8864);
	f_pppoe(&f, 0x0021, 0);
	f_ipv4_udp(&f);
	f_finish(&f);
	f.bytes[14] = 0x12;
	CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_PPPOE);
	CHECK_INT(decode_exact(LT_ETHERNET, &f, 15, &meta, NULL),
	    DISSECT_MALFORMED);
	f.bytes[14] = 0x11;
	f.bytes[15] = 0x09;		/* PADI */
	CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
	    DISSECT_MALFORMED);
	f.bytes[15] = 0;
	f_put16(&f, 18, 1);
	CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_PPPOE);

	/* LCP is not analysed. */
	f_init(&f);
	f_ether(&f, 0x8864);
	f_pppoe(&f, 0xc021, 0);
	f_raw(&f, "\x01\x01\x00\x04", 4);
	f_finish(&f);
	CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
}

/* A GRE header with the optional fields its flags ask for. */
static void
f_gre(struct frame *f, uint16_t flags, uint16_t protocol)
{
	f_mark(f, PROTO_GRE);
	f_be16(f, flags);
	f_be16(f, protocol);
	if (flags & 0x8000)
		f_be32(f, 0xabcd0000);	/* checksum, reserved1 */
	if (flags & 0x2000)
		f_be32(f, 0x00000042);	/* key */
	if (flags & 0x1000)
		f_be32(f, 0x00000007);	/* sequence number */
	f->tunnels++;
}

static void
test_gre(void)
{
	static const uint16_t	flag_sets[] = { 0, 0x8000, 0x2000, 0x1000,
				    0xb000 };
	struct frame		f;
	struct pkt_meta		meta;
	size_t			i;

	for (i = 0; i < sizeof flag_sets / sizeof flag_sets[0]; i++) {
		f_init(&f);
		f_ether(&f, 0x0800);
		f_ipv4_outer(&f, 47);
		f_gre(&f, flag_sets[i], 0x0800);
		f_ipv4_udp(&f);
		f_finish(&f);
		check_frame(LT_ETHERNET, &f);

		f_init(&f);
		f_ipv6_outer(&f, 47);
		f_gre(&f, flag_sets[i], 0x86dd);
		f_ipv6_udp(&f, 0);
		f_finish(&f);
		check_frame(LT_RAW, &f);
	}

	/* A whole Ethernet frame (transparent bridging), with a tag. */
	f_init(&f);
	f_ether(&f, 0x0800);
	f_ipv4_outer(&f, 47);
	f_gre(&f, 0x2000, 0x6558);
	f_ether(&f, 0x8100);
	f_be16(&f, 555);
	f_be16(&f, 0x86dd);
	f_ipv6_udp(&f, 1);
	f_finish(&f);
	check_frame(LT_ETHERNET, &f);
	CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
	    DISSECT_OK);
	CHECK_INT(meta.n_vlans, 1);
	CHECK_INT(meta.vlan_ids[0], 555);

	/* MPLS over GRE (RFC 4023). */
	f_init(&f);
	f_ipv4_outer(&f, 47);
	f_gre(&f, 0, 0x8847);
	f_mpls(&f, 1);
	f_ipv4_udp(&f);
	f_ip_peeked(&f);
	f_finish(&f);
	check_frame(LT_RAW, &f);

	/* Version 1 (PPTP), source routing, an unknown protocol. */
	f_init(&f);
	f_ipv4_outer(&f, 47);
	f_gre(&f, 0x2001, 0x880b);
	f_raw(&f, "\xff\x03\x00\x21", 4);
	f_finish(&f);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
	f_init(&f);
	f_ipv4_outer(&f, 47);
	f_gre(&f, 0x4000, 0x0800);
	f_ipv4_udp(&f);
	f_finish(&f);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
	f_init(&f);
	f_ipv4_outer(&f, 47);
	f_gre(&f, 0, 0x0806);
	f_raw(&f, "\x00\x01\x08\x00", 4);
	f_finish(&f);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
}

/* ERSPAN type II header: version 1, a VLAN, the En bits. */
static void
f_erspan2(struct frame *f, uint16_t vlan, unsigned en)
{
	f_be16(f, (uint16_t)(0x1000 | vlan));
	f_be16(f, (uint16_t)((en << 11) | 0x0123));	/* session 0x123 */
	f_be32(f, 0x00000001);				/* index */
}

/* ERSPAN type III header: version 2, frame type ft, O bit. */
static void
f_erspan3(struct frame *f, unsigned ft, int o)
{
	f_be16(f, 0x2000 | 42);
	f_be16(f, 0x0123);
	f_be32(f, 0x11223344);			/* timestamp */
	f_be16(f, 0);				/* SGT */
	f_be16(f, (uint16_t)((ft << 10) | (o ? 1 : 0)));
	if (o) {
		f_be32(f, 0x08000000);		/* platform subheader */
		f_be32(f, 0x00000000);
	}
}

static void
test_erspan(void)
{
	struct frame	f;
	struct pkt_meta	meta;
	unsigned	en;

	/* Type I: no ERSPAN header, no sequence number. */
	f_init(&f);
	f_ether(&f, 0x0800);
	f_ipv4_outer(&f, 47);
	f_gre(&f, 0, 0x88be);
	f_ether(&f, 0x0800);
	f_ipv4_udp(&f);
	f_finish(&f);
	check_frame(LT_ETHERNET, &f);

	/* Type II; En 1 and 2 say the tag was taken off: keep its id. */
	for (en = 0; en < 4; en++) {
		f_init(&f);
		f_ether(&f, 0x0800);
		f_ipv4_outer(&f, 47);
		f_gre(&f, 0x1000, 0x88be);
		f_erspan2(&f, 321, en);
		f_ether(&f, 0x0800);
		f_ipv4_udp(&f);
		f_finish(&f);
		check_frame(LT_ETHERNET, &f);
		CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
		    DISSECT_OK);
		CHECK_INT(meta.n_vlans, en == 1 || en == 2 ? 1 : 0);
		if (meta.n_vlans == 1)
			CHECK_INT(meta.vlan_ids[0], 321);
	}

	/* Type III, without and with the platform subheader. */
	f_init(&f);
	f_ether(&f, 0x0800);
	f_ipv4_outer(&f, 47);
	f_gre(&f, 0x1000, 0x22eb);
	f_erspan3(&f, 0, 0);
	f_ether(&f, 0x86dd);
	f_ipv6_udp(&f, 0);
	f_finish(&f);
	check_frame(LT_ETHERNET, &f);
	f_init(&f);
	f_ipv6_outer(&f, 47);
	f_gre(&f, 0x1000, 0x22eb);
	f_erspan3(&f, 0, 1);
	f_ether(&f, 0x0800);
	f_ipv4_udp(&f);
	f_finish(&f);
	check_frame(LT_RAW, &f);
	/* Frame type 2: an IP packet with no Ethernet header. */
	f_init(&f);
	f_ipv4_outer(&f, 47);
	f_gre(&f, 0x1000, 0x22eb);
	f_erspan3(&f, 2, 0);
	f_ipv6_udp(&f, 1);
	f_ip_peeked(&f);
	f_finish(&f);
	check_frame(LT_RAW, &f);

	/* A version that is not the type's; a frame type not analysed. */
	f_init(&f);
	f_ipv4_outer(&f, 47);
	f_gre(&f, 0x1000, 0x88be);
	f_erspan3(&f, 0, 0);
	f_ether(&f, 0x0800);
	f_ipv4_udp(&f);
	f_finish(&f);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_GRE);
	f_init(&f);
	f_ipv4_outer(&f, 47);
	f_gre(&f, 0x1000, 0x22eb);
	f_erspan3(&f, 5, 0);
	f_ipv4_udp(&f);
	f_finish(&f);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
}

static void
test_vxlan(void)
{
	struct frame	f;
	struct pkt_meta	meta;

	/* A tagged outer frame, a tagged inner one. */
	f_init(&f);
	f_ether(&f, 0x8100);
	f_be16(&f, 10);
	f_be16(&f, 0x0800);
	f_ipv4_outer(&f, 17);
	f_udp_outer(&f, 4789);
	f_mark(&f, PROTO_VXLAN);
	f_be32(&f, 0x08000000);
	f_be32(&f, 0x00123400);		/* VNI 0x1234 */
	f.tunnels++;
	f_ether(&f, 0x8100);
	f_be16(&f, 55);
	f_be16(&f, 0x86dd);
	f_ipv6_udp(&f, 0);
	f_finish(&f);
	check_frame(LT_ETHERNET, &f);
	CHECK_INT(decode_exact(LT_ETHERNET, &f, f.len, &meta, NULL),
	    DISSECT_OK);
	CHECK_INT(meta.n_vlans, 2);
	CHECK_INT(meta.vlan_ids[0], 10);
	CHECK_INT(meta.vlan_ids[1], 55);

	/* Over IPv6. */
	f_init(&f);
	f_ipv6_outer(&f, 17);
	f_udp_outer(&f, 4789);
	f_mark(&f, PROTO_VXLAN);
	f_be32(&f, 0x08000000);
	f_be32(&f, 0x00000100);
	f.tunnels++;
	f_ether(&f, 0x0800);
	f_ipv4_udp(&f);
	f_finish(&f);
	check_frame(LT_IPV6, &f);

	/* Without the I flag it is not analysed. */
	f.bytes[40 + 8] = 0;
	CHECK_INT(decode_exact(LT_IPV6, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
	CHECK(meta.payload == NULL);
}

/*
 * A GTP-U header with flags and type, its length fixed later; with any
 * of E, S or PN the optional word, its next-extension type first_ext.
 */
static void
f_gtpu(struct frame *f, uint8_t flags, uint8_t type, uint8_t first_ext)
{
	f_mark(f, PROTO_GTPU);
	f_fix(f, f->len, FIX_GTPU_LEN);
	f_u8(f, flags);
	f_u8(f, type);
	f_be16(f, 0);			/* length, fixed later */
	f_be32(f, 0x0badcafe);		/* TEID */
	if (flags & 0x07) {
		f_be16(f, 0x1234);	/* sequence number */
		f_u8(f, 0);		/* N-PDU number */
		f_u8(f, first_ext);
	}
	f->tunnels++;
}

/*
 * The user packet's first byte names its version: a cut before it is
 * the tunnel's, not the inner IP's.  mark: the inner IP's, moved one on.
 */
static void
f_user_packet(struct frame *f, size_t mark)
{
	f->marks[mark].off++;
}

static void
test_gtpu(void)
{
	struct frame	f;
	struct pkt_meta	meta;
	size_t		gtp, inner;

	/* A plain G-PDU over Ethernet and IPv4: the user's IPv4. */
	f_init(&f);
	f_ether(&f, 0x0800);
	f_ipv4_outer(&f, 17);
	f_udp_outer(&f, 2152);
	f_gtpu(&f, 0x30, 255, 0);
	inner = f.n_marks;
	f_ipv4_udp(&f);
	f_finish(&f);
	f_user_packet(&f, inner);
	check_frame(LT_ETHERNET, &f);

	/* With a sequence number, over IPv6, the user's IPv6. */
	f_init(&f);
	f_ipv6_outer(&f, 17);
	f_udp_outer(&f, 2152);
	f_gtpu(&f, 0x32, 255, 0);
	inner = f.n_marks;
	f_ipv6_udp(&f, 1);
	f_finish(&f);
	f_user_packet(&f, inner);
	check_frame(LT_IPV6, &f);

	/*
	 * 5G's PDU session container (0x85), then a second header (UDP
	 * port, 0x40): the chain is followed to its end.
	 */
	f_init(&f);
	f_ipv4_outer(&f, 17);
	f_udp_outer(&f, 2152);
	gtp = f.len;
	f_gtpu(&f, 0x34, 255, 0x85);
	f_raw(&f, "\x01\x10\x09\x40", 4);	/* QFI 9; next 0x40 */
	f_raw(&f, "\x01\x08\x68\x00", 4);	/* port 2152; the last */
	inner = f.n_marks;
	f_ipv4_udp(&f);
	f_finish(&f);
	f_user_packet(&f, inner);
	check_frame(LT_RAW, &f);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL), DISSECT_OK);
	CHECK_INT(meta.n_tunnels, 1);

	/* An extension header of length 0 never ends: malformed. */
	f.bytes[gtp + 12] = 0;
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_GTPU);
	/* One longer than what the length leaves: malformed. */
	f.bytes[gtp + 12] = 200;
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_GTPU);
	f.bytes[gtp + 12] = 1;
	/* A length past the datagram: malformed, not a short capture. */
	f.bytes[gtp + 2] = 0x7f;
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_GTPU);
	CHECK(meta.payload == NULL);
	f.bytes[gtp + 2] = 0;
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL), DISSECT_OK);

	/* Echo, GTP' and other versions carry no user packet. */
	f.bytes[gtp + 1] = 1;		/* echo request */
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
	CHECK(meta.payload == NULL);
	f.bytes[gtp + 1] = 255;
	f.bytes[gtp] = 0x24;		/* PT clear: GTP' */
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
	f.bytes[gtp] = 0x54;		/* version 2 */
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);

	/* A G-PDU with nothing after its header: malformed. */
	f_init(&f);
	f_ipv4_outer(&f, 17);
	f_udp_outer(&f, 2152);
	f_gtpu(&f, 0x30, 255, 0);
	f_finish(&f);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_GTPU);

	/* E set with only the optional word's room: the chain is cut. */
	f_init(&f);
	f_ipv4_outer(&f, 17);
	f_udp_outer(&f, 2152);
	f_gtpu(&f, 0x34, 255, 0x85);
	f_finish(&f);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_GTPU);
}

static void
test_ip_in_ip(void)
{
	struct frame	f;

	f_init(&f);
	f_ipv4_outer(&f, 4);
	f.tunnels = 1;
	f_ipv4_udp(&f);
	f_finish(&f);
	check_frame(LT_RAW, &f);

	f_init(&f);
	f_ether(&f, 0x0800);
	f_ipv4_outer(&f, 41);
	f.tunnels = 1;
	f_ipv6_udp(&f, 1);
	f_finish(&f);
	check_frame(LT_ETHERNET, &f);

	f_init(&f);
	f_ipv6_outer(&f, 41);
	f.tunnels = 1;
	f_ipv6_udp(&f, 0);
	f_finish(&f);
	check_frame(LT_IPV6, &f);

	f_init(&f);
	f_ipv6_outer(&f, 4);
	f.tunnels = 1;
	f_ipv4_udp(&f);
	f_finish(&f);
	check_frame(LT_RAW, &f);

	/* Everything at once: GRE, ERSPAN, VXLAN, then IPv4 in IPv6. */
	f_init(&f);
	f_ether(&f, 0x0800);
	f_ipv4_outer(&f, 47);
	f_gre(&f, 0x1000, 0x88be);
	f_erspan2(&f, 12, 0);
	f_ether(&f, 0x0800);
	f_ipv4_outer(&f, 17);
	f_udp_outer(&f, 4789);
	f_mark(&f, PROTO_VXLAN);
	f_be32(&f, 0x08000000);
	f_be32(&f, 0x00000100);
	f_ether(&f, 0x86dd);
	f_ipv6_outer(&f, 4);
	f.tunnels += 2;
	f_ipv4_udp(&f);
	f_finish(&f);
	check_frame(LT_ETHERNET, &f);
}

/* IPv4 in IPv4 n times over UDP. */
static void
f_nested(struct frame *f, int n)
{
	int	i;

	f_init(f);
	for (i = 0; i < n; i++)
		f_ipv4_outer(f, 4);
	f->tunnels = n;
	f_ipv4_udp(f);
	f_finish(f);
}

static void
test_too_deep(void)
{
	struct decode_ctx	*ctx = decode_ctx_new(NULL);
	struct decode_stats	 st;
	struct frame		 f;
	struct pkt_meta		 meta;
	struct rec		*r = malloc(sizeof *r);

	f_nested(&f, DECODE_MAX_TUNNELS);
	check_frame(LT_RAW, &f);
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_OK);
	CHECK_INT(r->n, 1);

	f_nested(&f, DECODE_MAX_TUNNELS + 1);
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_IPV4);
	CHECK_INT(r->n, 0);
	decode_ctx_stats(ctx, &st);
	CHECK_INT(st.too_deep, 1);

	/* Through GRE and VXLAN the limit is the same. */
	f_init(&f);
	{
		int	i;

		for (i = 0; i <= DECODE_MAX_TUNNELS; i++) {
			f_ipv4_outer(&f, 17);
			f_udp_outer(&f, 4789);
			f_be32(&f, 0x08000000);
			f_be32(&f, 0);
			f_ether(&f, 0x0800);
		}
	}
	f_ipv4_udp(&f);
	f_finish(&f);
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_VXLAN);
	decode_ctx_stats(ctx, &st);
	CHECK_INT(st.too_deep, 2);
	decode_ctx_free(ctx);
	free(r);
}

/*
 * One UDP datagram (8 + PAYLOAD_BIG bytes) as IPv4 fragments of
 * frag_len bytes; fragment i of the datagram into f.
 */
#define PAYLOAD_BIG	300

static uint8_t	big_udp[8 + PAYLOAD_BIG];

static void
big_udp_init(void)
{
	size_t	i;

	big_udp[0] = 0x13;		/* 5060 -> 5062 */
	big_udp[1] = 0xc4;
	big_udp[2] = 0x13;
	big_udp[3] = 0xc6;
	big_udp[4] = (uint8_t)((8 + PAYLOAD_BIG) >> 8);
	big_udp[5] = (uint8_t)(8 + PAYLOAD_BIG);
	for (i = 8; i < sizeof big_udp; i++)
		big_udp[i] = (uint8_t)('a' + i % 26);
}

static void
f_ipv4_frag(struct frame *f, uint16_t id, uint32_t off, uint32_t len,
    int more)
{
	f_init(f);
	f->ip_version = 4;
	f_mark(f, PROTO_IPV4);
	f_u8(f, 0x45);
	f_u8(f, DSCP_EF << 2);
	f_be16(f, (uint16_t)(20 + len));
	f_be16(f, id);
	f_be16(f, (uint16_t)((more ? 0x2000 : 0) | off / 8));
	f_u8(f, 64);
	f_u8(f, 17);
	f_be16(f, 0);
	f_be32(f, 0xc0000201);
	f_be32(f, 0xc6336402);
	f_mark(f, PROTO_IPFRAG);
	f_raw(f, big_udp + off, len);
}

/* IPv6 fragment; the first carries a destination options header too. */
static void
f_ipv6_frag_of(struct frame *f, uint32_t id, const uint8_t *part,
    uint32_t off, uint32_t len, int more)
{
	f_init(f);
	f->ip_version = 6;
	f_mark(f, PROTO_IPV6);
	f_be32(f, 0x60000000U);
	f_be16(f, (uint16_t)(8 + len));
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
	f_u8(f, 60);			/* the fragmentable part starts so */
	f_u8(f, 0);
	f_be16(f, (uint16_t)(off | (more ? 1 : 0)));
	f_be32(f, id);
	f_mark(f, PROTO_IPFRAG);
	f_raw(f, part + off, len);
}

static void
test_reassembly(void)
{
	struct decode_ctx	*ctx = decode_ctx_new(NULL);
	struct decode_stats	 st;
	struct frame		 f;
	struct pkt_meta		 meta;
	struct rec		*r = malloc(sizeof *r);
	uint8_t			 v6part[8 + sizeof big_udp];
	size_t			 len;
	char			 buf[ADDR_ENDPOINT_STRLEN];

	big_udp_init();

	/* IPv4, last fragment first. */
	f_ipv4_frag(&f, 77, 208, 100, 0);
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_OK);
	CHECK_INT(meta.is_fragment, 1);
	CHECK_INT(r->n, 0);
	f_ipv4_frag(&f, 77, 104, 104, 1);
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_OK);
	CHECK_INT(r->n, 0);
	f_ipv4_frag(&f, 77, 0, 104, 1);
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_OK);
	CHECK_INT(r->n, 1);
	CHECK_INT(r->meta[0].is_fragment, 1);
	CHECK_INT(r->meta[0].ip_proto, 17);
	CHECK_INT(r->meta[0].payload_len, PAYLOAD_BIG);
	CHECK_INT(r->meta[0].payload_wirelen, PAYLOAD_BIG);
	CHECK(memcmp(r->data[0], big_udp + 8, PAYLOAD_BIG) == 0);
	addr_format_endpoint(&r->meta[0].src, buf, sizeof buf);
	CHECK_STR(buf, "192.0.2.1:5060");
	decode_ctx_stats(ctx, &st);
	CHECK_INT(st.ipfrag.reassembled, 1);
	CHECK_INT(st.ipfrag.fragments, 3);

	/* IPv6 with a destination options header in the fragmentable part. */
	memcpy(v6part, "\x11\x00\x01\x04\x00\x00\x00\x00", 8);
	memcpy(v6part + 8, big_udp, sizeof big_udp);
	f_ipv6_frag_of(&f, 0xabcdef, v6part, 0, 160, 1);
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_OK);
	CHECK_INT(r->n, 0);
	/* A duplicate changes nothing. */
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_OK);
	f_ipv6_frag_of(&f, 0xabcdef, v6part, 160, sizeof v6part - 160, 0);
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len,
	    &meta, r, NULL), DISSECT_OK);
	CHECK_INT(r->n, 1);
	CHECK_INT(r->meta[0].payload_len, PAYLOAD_BIG);
	CHECK_INT(r->meta[0].ip_payload_wirelen, sizeof big_udp);
	CHECK(memcmp(r->data[0], big_udp + 8, PAYLOAD_BIG) == 0);
	addr_format_endpoint(&r->meta[0].dst, buf, sizeof buf);
	CHECK_STR(buf, "[2001:db8::2]:5062");
	decode_ctx_stats(ctx, &st);
	CHECK_INT(st.ipfrag.duplicates, 1);
	CHECK_INT(st.ipfrag.reassembled, 2);

	/* IPv6 overlap (RFC 5722): the datagram goes. */
	f_ipv6_frag_of(&f, 5, v6part, 0, 160, 1);
	decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL);
	f_ipv6_frag_of(&f, 5, v6part, 152, sizeof v6part - 152, 0);
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_OK);
	CHECK_INT(r->n, 0);
	decode_ctx_stats(ctx, &st);
	CHECK_INT(st.ipfrag.dropped_overlap, 2);

	/* Every cut of a fragment: the header's layer, then IPFRAG. */
	f_ipv4_frag(&f, 78, 0, 104, 1);
	for (len = 0; len < f.len; len++) {
		CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, len, &meta, r,
		    NULL), DISSECT_TRUNCATED);
		CHECK_INT(meta.fail_proto, layer_at(LT_RAW, &f, len));
	}
	f_ipv6_frag_of(&f, 6, v6part, 0, 160, 1);
	for (len = 0; len < f.len; len++) {
		CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, len, &meta, r,
		    NULL), DISSECT_TRUNCATED);
		CHECK_INT(meta.fail_proto, layer_at(LT_RAW, &f, len));
	}

	/* A middle fragment whose length is no multiple of 8. */
	f_ipv4_frag(&f, 79, 0, 100, 1);
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_IPFRAG);

	/* Fragments of a protocol not analysed are not kept. */
	f_ipv4_frag(&f, 80, 0, 104, 1);
	f.bytes[9] = 1;			/* ICMP */
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_UNSUPPORTED);
	CHECK_INT(meta.is_fragment, 1);
	decode_ctx_stats(ctx, &st);
	CHECK_INT(st.ipfrag.fragments, 3 + 3 + 2 + 1);

	/* A fragment header inside a reassembled datagram. */
	memcpy(v6part, "\x2c\x00\x01\x04\x00\x00\x00\x00"
	    "\x11\x00\x00\x01\x00\x00\x00\x09", 16);
	f_ipv6_frag_of(&f, 7, v6part, 0, 8, 1);
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_OK);
	f_ipv6_frag_of(&f, 7, v6part, 8, 8, 0);
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_IPFRAG);

	/* Fragments inside a tunnel are reassembled too. */
	{
		struct frame	outer;
		uint32_t	offs[2] = { 104, 0 }, lens[2] = { 204, 104 };
		int		i;

		for (i = 0; i < 2; i++) {
			f_ipv4_frag(&f, 81, offs[i], lens[i], i == 1);
			f_init(&outer);
			f_ether(&outer, 0x86dd);
			f_ipv6_outer(&outer, 4);
			f_raw(&outer, f.bytes, f.len);
			f_finish(&outer);
			CHECK_INT(decode_ctx_exact(ctx, LT_ETHERNET, &outer,
			    outer.len, &meta, r, NULL), DISSECT_OK);
		}
		CHECK_INT(r->n, 1);
		CHECK_INT(r->meta[0].n_tunnels, 1);
		CHECK_INT(r->meta[0].payload_len, PAYLOAD_BIG);
	}

	/* The end of the capture: what is still held counts as timed out. */
	f_ipv4_frag(&f, 82, 0, 104, 1);
	decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL);
	decode_ctx_expire(ctx, INT64_MAX);
	decode_ctx_stats(ctx, &st);
	CHECK_INT(st.ipfrag.datagrams_pending, 0);
	CHECK(st.ipfrag.dropped_timeout >= 1);
	decode_ctx_free(ctx);
	free(r);
}

/* An IPv4 TCP segment 192.0.2.1:5060 -> 198.51.100.2:5062 with options. */
static void
f_tcp(struct frame *f, uint32_t seq, uint8_t flags, const char *data)
{
	f_init(f);
	f->ip_version = 4;
	f_ipv4_outer(f, 6);
	memcpy(f->bytes + 12, "\xc0\x00\x02\x01\xc6\x33\x64\x02", 8);
	f->udp_off = f->len;
	f_mark(f, PROTO_TCP);
	f_be16(f, 5060);
	f_be16(f, 5062);
	f_be32(f, seq);
	f_be32(f, 0);
	f_u8(f, 8 << 4);		/* 32 bytes: 12 of options */
	f_u8(f, flags);
	f_be16(f, 65535);
	f_be32(f, 0);
	f_raw(f, "\x01\x01\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x02", 12);
	f->payload_off = f->len;
	f_raw(f, data, strlen(data));
	f_finish(f);
}

static void
test_tcp(void)
{
	struct decode_ctx	*ctx = decode_ctx_new(NULL);
	struct decode_limits	 limits;
	struct decode_stats	 st;
	struct frame		 f;
	struct pkt_meta		 meta;
	struct rec		*r = malloc(sizeof *r);
	size_t			 len, whole1;
	char			 buf[ADDR_ENDPOINT_STRLEN];

	/* Two SIP messages in one segment: two deliveries. */
	f_tcp(&f, 1000, 0x18, SIP_MSG1 SIP_MSG2);
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_OK);
	CHECK_INT(r->n, 2);
	CHECK_MEM(r->data[0], r->meta[0].payload_len, SIP_MSG1);
	CHECK_MEM(r->data[1], r->meta[1].payload_len, SIP_MSG2);
	CHECK_INT(r->meta[0].ip_proto, 6);
	CHECK_INT(r->meta[1].payload_wirelen, strlen(SIP_MSG2));
	addr_format_endpoint(&r->meta[1].src, buf, sizeof buf);
	CHECK_STR(buf, "192.0.2.1:5060");
	addr_format_endpoint(&r->meta[1].dst, buf, sizeof buf);
	CHECK_STR(buf, "198.51.100.2:5062");
	/* The same again: a retransmission, nothing delivered. */
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_OK);
	CHECK_INT(r->n, 0);
	decode_ctx_stats(ctx, &st);
	CHECK_INT(st.tcp.sip_messages, 2);
	CHECK_INT(st.tcp.retransmissions, 1);
	CHECK_INT(st.tcp.segments, 2);
	decode_ctx_free(ctx);

	/* Not SIP: not analysed, and nothing kept. */
	ctx = decode_ctx_new(NULL);
	f_tcp(&f, 1000, 0x18, "GET / HTTP/1.1\r\n\r\n");
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_UNSUPPORTED);
	CHECK_INT(meta.ip_proto, 6);
	CHECK_INT(meta.src.port, 5060);
	decode_ctx_stats(ctx, &st);
	CHECK_INT(st.tcp.streams, 0);
	/* Without a context, or with TCP turned off, neither is SIP. */
	f_tcp(&f, 1000, 0x18, SIP_MSG1);
	CHECK_INT(decode_exact(LT_RAW, &f, f.len, &meta, NULL),
	    DISSECT_UNSUPPORTED);
	CHECK_INT(meta.ip_proto, 6);
	decode_ctx_free(ctx);
	decode_limits_default(&limits);
	limits.tcp.max_streams = 0;
	limits.ipfrag.max_datagrams = 0;
	ctx = decode_ctx_new(&limits);
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_UNSUPPORTED);
	f_ipv4_frag(&f, 1, 0, 104, 1);
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_UNSUPPORTED);
	decode_ctx_free(ctx);

	/*
	 * Every cut: TCP's header truncated; no payload, nothing to know
	 * it by; part of it, the whole messages delivered and the rest
	 * TRUNCATED.
	 */
	f_tcp(&f, 1000, 0x18, SIP_MSG1 SIP_MSG2);
	whole1 = f.payload_off + strlen(SIP_MSG1);
	for (len = 0; len <= f.len; len++) {
		enum dissect_result	res;

		ctx = decode_ctx_new(NULL);
		res = decode_ctx_exact(ctx, LT_RAW, &f, len, &meta, r, NULL);
		if (len < f.payload_off) {
			CHECK_INT(res, DISSECT_TRUNCATED);
			CHECK_INT(meta.fail_proto, layer_at(LT_RAW, &f, len));
		} else if (len == f.payload_off) {
			CHECK_INT(res, DISSECT_UNSUPPORTED);
		} else if (len < f.len) {
			CHECK_INT(res, DISSECT_TRUNCATED);
			CHECK_INT(meta.fail_proto, PROTO_TCP);
			CHECK_INT(r->n, len >= whole1 ? 1 : 0);
		} else {
			CHECK_INT(res, DISSECT_OK);
			CHECK_INT(r->n, 2);
		}
		decode_ctx_free(ctx);
	}

	/* Header lies: a data offset under 5 words, or past the packet. */
	ctx = decode_ctx_new(NULL);
	f_tcp(&f, 1000, 0x18, SIP_MSG1);
	f.bytes[20 + 12] = 4 << 4;
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_MALFORMED);
	CHECK_INT(meta.fail_proto, PROTO_TCP);
	f_tcp(&f, 1000, 0x18, "");
	f.bytes[20 + 12] = 15 << 4;
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_MALFORMED);
	f_put16(&f, 2, 20 + 10);
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, 30, &meta, r, NULL),
	    DISSECT_MALFORMED);

	/* One message over three segments. */
	f_tcp(&f, 5000, 0x10, "INVITE sip:bob@ex");
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_OK);
	f_tcp(&f, 5017, 0x10, "ample.com SIP/2.0\r\nl: 3\r\n");
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_OK);
	CHECK_INT(r->n, 0);
	f_tcp(&f, 5017 + 25, 0x11, "\r\nabc");
	CHECK_INT(decode_ctx_exact(ctx, LT_RAW, &f, f.len, &meta, r, NULL),
	    DISSECT_OK);
	CHECK_INT(r->n, 1);
	CHECK_MEM(r->data[0], r->meta[0].payload_len,
	    "INVITE sip:bob@example.com SIP/2.0\r\nl: 3\r\n\r\nabc");
	decode_ctx_free(ctx);
	free(r);
}

static void
test_ctx(void)
{
	struct decode_limits	 limits;
	struct decode_ctx	*ctx;
	struct decode_stats	 st;
	struct frame		 f;
	struct pkt_meta		 meta;
	struct rec		*r = malloc(sizeof *r);

	decode_limits_default(&limits);
	CHECK_INT(limits.ipfrag.timeout_us, 30 * 1000000LL);
	CHECK(limits.tcp.max_streams > 0);
	ctx = decode_ctx_new(&limits);
	decode_ctx_stats(ctx, &st);
	CHECK_INT(st.ipfrag.fragments, 0);
	CHECK_INT(st.tcp.segments, 0);
	CHECK_INT(st.too_deep, 0);

	/* A UDP frame through a context is just the same. */
	f_init(&f);
	f_ether(&f, 0x0800);
	f_ipv4_udp(&f);
	CHECK_INT(decode_ctx_exact(ctx, LT_ETHERNET, &f, f.len, &meta, r,
	    NULL), DISSECT_OK);
	CHECK_INT(r->n, 1);
	/* No callback at all is allowed. */
	CHECK_INT(decode_frame(ctx, LT_ETHERNET, f.bytes, (uint32_t)f.len,
	    &meta, NULL, NULL), DISSECT_OK);
	decode_ctx_free(ctx);
	decode_ctx_free(NULL);
	free(r);
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
	CHECK_STR(dissect_proto_name(PROTO_MPLS), "mpls");
	CHECK_STR(dissect_proto_name(PROTO_PPPOE), "pppoe");
	CHECK_STR(dissect_proto_name(PROTO_GRE), "gre");
	CHECK_STR(dissect_proto_name(PROTO_VXLAN), "vxlan");
	CHECK_STR(dissect_proto_name(PROTO_GTPU), "gtpu");
	CHECK_STR(dissect_proto_name(PROTO_TCP), "tcp");
	CHECK_STR(dissect_proto_name(PROTO_IPFRAG), "ipfrag");
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
	RUN(test_mpls);
	RUN(test_pppoe);
	RUN(test_gre);
	RUN(test_erspan);
	RUN(test_vxlan);
	RUN(test_gtpu);
	RUN(test_ip_in_ip);
	RUN(test_too_deep);
	RUN(test_reassembly);
	RUN(test_tcp);
	RUN(test_ctx);
	RUN(test_proto_names);
	return unit_done("decode");
}
