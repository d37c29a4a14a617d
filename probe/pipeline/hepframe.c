/*
 * HEP packets back into IP packets (see hepframe.h).
 *
 * The headers written are the least the decoder reads: IPv4 (RFC 791)
 * without options, or IPv6 (RFC 8200) without extension headers, then
 * UDP (RFC 768) or a 20-byte TCP header (RFC 9293).  Checksums are left
 * zero: the decoder does not verify them (offload makes them unreliable
 * in captures anyway).
 *
 * TCP: a HEP sender mirrors each SIP message (or segment) on its own,
 * without sequence numbers, so each flow is given a running one here,
 * advanced by each payload's length: the reassembler sees the flow's
 * bytes back to back, in the order they came.  The table is bounded and
 * indexed by a hash of the flow; a flow that lands on a slot another
 * holds takes it over and starts again, which the reassembler sees as a
 * new stream (it resynchronises on the next SIP start line).
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "probe/pipeline/hepframe.h"
#include "probe/vqprobe.h"

#define IPV4_HEADER_LEN		20
#define IPV6_HEADER_LEN		40
#define UDP_HEADER_LEN		8
#define TCP_HEADER_LEN		20
#define IP_PROTO_TCP		6
#define IP_PROTO_UDP		17
#define IPV4_TTL		64
#define IPV4_FLAG_DF		0x40	/* in the flags' byte */
#define TCP_FLAGS_PSH_ACK	0x18
#define TCP_WINDOW		65535
#define RTP_VERSION		2

/* TCP flows whose sequence numbers are kept (a power of two). */
#define HEPFRAME_FLOWS		4096
/* A flow's first sequence number: any would do; 1 reads well in a dump. */
#define HEPFRAME_FIRST_SEQ	1

struct hepframe_flow {
	struct vq_endpoint	src;
	struct vq_endpoint	dst;
	uint32_t		next_seq;
	int			used;
};

struct hepframe {
	struct hepframe_flow	 flows[HEPFRAME_FLOWS];
	uint8_t			 inflated[HEPFRAME_MAX_PAYLOAD];
	uint8_t			 packet[IPV6_HEADER_LEN + TCP_HEADER_LEN +
				    HEPFRAME_MAX_PAYLOAD];
};

struct hepframe *
hepframe_new(void)
{
	return xcalloc(1, sizeof(struct hepframe));
}

void
hepframe_free(struct hepframe *hf)
{
	free(hf);
}

static void
put_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * Whether vqprobe reads this type: SIP and RTP, and RTCP when the
 * payload is RTCP itself (version 2 in its first two bits) rather than
 * the JSON heplify-server reads as type 5.
 */
static int
hepframe_analysed(const struct hep_msg *m, const uint8_t *payload, size_t len)
{
	switch (m->proto_type) {
	case HEP_TYPE_SIP:
	case HEP_TYPE_RTP:
		return 1;
	case HEP_TYPE_RTCP_JSON:
		return len > 0 && payload[0] >> 6 == RTP_VERSION;
	default:
		return 0;
	}
}

/* Inflate a zlib or gzip payload into hf->inflated; its length, or -1. */
static long
hepframe_inflate(struct hepframe *hf, const uint8_t *in, size_t len)
{
	z_stream z;
	long out;
	int rc;

	memset(&z, 0, sizeof z);
	/* 32 more than the window's bits: zlib or gzip, by their header. */
	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return -1;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = hf->inflated;
	z.avail_out = sizeof hf->inflated;
	rc = inflate(&z, Z_FINISH);
	out = (long)z.total_out;
	inflateEnd(&z);
	/* Z_BUF_ERROR with no room left: more than the bound. */
	return rc == Z_STREAM_END ? out : -1;
}

/* The slot of the flow from src to dst. */
static struct hepframe_flow *
hepframe_slot(struct hepframe *hf, const struct vq_endpoint *src,
    const struct vq_endpoint *dst)
{
	uint64_t h = endpoint_hash(src) ^ (endpoint_hash(dst) >> 1);

	return &hf->flows[(h >> 20) & (HEPFRAME_FLOWS - 1)];
}

/*
 * The flow's next sequence number, advanced past len bytes; *ack: the
 * other way's next one, all a real peer could have acknowledged (0 while
 * that way has sent nothing).
 */
static uint32_t
hepframe_seq(struct hepframe *hf, const struct hep_msg *m, size_t len,
    uint32_t *ack)
{
	struct hepframe_flow *f = hepframe_slot(hf, &m->src, &m->dst);
	struct hepframe_flow *back = hepframe_slot(hf, &m->dst, &m->src);
	uint32_t seq;

	if (!f->used || !endpoint_equal(&f->src, &m->src) ||
	    !endpoint_equal(&f->dst, &m->dst)) {
		f->src = m->src;
		f->dst = m->dst;
		f->next_seq = HEPFRAME_FIRST_SEQ;
		f->used = 1;
	}
	seq = f->next_seq;
	/* Unsigned: sequence numbers wrap, as TCP's do. */
	f->next_seq += (uint32_t)len;
	*ack = back->used && endpoint_equal(&back->src, &m->dst) &&
	    endpoint_equal(&back->dst, &m->src) ? back->next_seq : 0;
	return seq;
}

/* The IP header for an upper layer of len bytes; its length. */
static size_t
hepframe_ip(const struct hep_msg *m, uint8_t proto, size_t len, uint8_t *p)
{
	uint8_t tos = m->has_ip_tos ? m->ip_tos : 0;

	if (m->src.addr.family == 4) {
		memset(p, 0, IPV4_HEADER_LEN);
		p[0] = 0x45;			/* version 4, 5 words */
		p[1] = tos;
		put_be16(p + 2, (uint32_t)(IPV4_HEADER_LEN + len));
		p[6] = IPV4_FLAG_DF;
		p[8] = IPV4_TTL;
		p[9] = proto;
		memcpy(p + 12, m->src.addr.bytes, 4);
		memcpy(p + 16, m->dst.addr.bytes, 4);
		return IPV4_HEADER_LEN;
	}
	memset(p, 0, IPV6_HEADER_LEN);
	/* Version 6, then the traffic class across the next 8 bits. */
	p[0] = (uint8_t)(0x60 | tos >> 4);
	p[1] = (uint8_t)(tos << 4);
	put_be16(p + 4, (uint32_t)len);
	p[6] = proto;
	p[7] = IPV4_TTL;
	memcpy(p + 8, m->src.addr.bytes, 16);
	memcpy(p + 24, m->dst.addr.bytes, 16);
	return IPV6_HEADER_LEN;
}

enum hepframe_result
hepframe_build(struct hepframe *hf, const struct hep_msg *m,
    const uint8_t **ip, size_t *len)
{
	const uint8_t *payload = m->payload;
	size_t payload_len = m->payload_len, l4_len, at;
	int tcp = m->ip_proto == IP_PROTO_TCP;
	uint8_t *p = hf->packet;
	long inflated;
	uint32_t ack;

	if (m->compressed) {
		if ((inflated = hepframe_inflate(hf, payload, payload_len)) < 0)
			return HEPFRAME_INFLATE_FAILED;
		payload = hf->inflated;
		payload_len = (size_t)inflated;
	}
	if (!hepframe_analysed(m, payload, payload_len))
		return HEPFRAME_NOT_ANALYSED;
	/* A decoded packet's payload is under 65535 bytes: it fits. */
	if (payload_len > HEPFRAME_MAX_PAYLOAD)
		return HEPFRAME_INFLATE_FAILED;
	l4_len = (tcp ? TCP_HEADER_LEN : UDP_HEADER_LEN) + payload_len;
	at = hepframe_ip(m, tcp ? IP_PROTO_TCP : IP_PROTO_UDP, l4_len, p);
	put_be16(p + at, m->src.port);
	put_be16(p + at + 2, m->dst.port);
	if (tcp) {
		memset(p + at + 4, 0, TCP_HEADER_LEN - 4);
		put_be32(p + at + 4, hepframe_seq(hf, m, payload_len, &ack));
		put_be32(p + at + 8, ack);
		p[at + 12] = (TCP_HEADER_LEN / 4) << 4;
		p[at + 13] = TCP_FLAGS_PSH_ACK;
		put_be16(p + at + 14, TCP_WINDOW);
		at += TCP_HEADER_LEN;
	} else {
		put_be16(p + at + 4, (uint32_t)l4_len);
		put_be16(p + at + 6, 0);
		at += UDP_HEADER_LEN;
	}
	memcpy(p + at, payload, payload_len);
	*ip = p;
	*len = at + payload_len;
	return HEPFRAME_OK;
}
