/*
 * TCP, RFC 9293 (which obsoletes RFC 793): the header, then the payload to
 * the stream reassembler (tcpreasm.c), which frames SIP messages.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-------------------------------+
 * |          source port          |       destination port        |
 * +-------------------------------+-------------------------------+
 * |                        sequence number                        |
 * +---------------------------------------------------------------+
 * |                     acknowledgment number                     |
 * +-------+-------+-+-+-+-+-+-+-+-+-------------------------------+
 * | data  |       |C|E|U|A|P|R|S|F|                               |
 * |offset | rsrvd |W|C|R|C|S|S|Y|I|            window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-------+-------+-+-+-+-+-+-+-+-+-------------------------------+
 * |           checksum            |        urgent pointer         |
 * +-------------------------------+-------------------------------+
 * |          options (data offset - 5 words of 32 bits) ...       |
 * +---------------------------------------------------------------+
 *
 * The data offset counts the header in 32-bit words, options included;
 * the options themselves (MSS, SACK, timestamps) are not needed.  The
 * checksum is not verified (offload, as for IPv4).
 */

#include "dissectors/cursor.h"
#include "dissectors/decode.h"

#define TCP_HDR_LEN		20
#define TCP_FLAGS_MASK		0x00ff

/* Deliver one SIP message of the stream as its own payload. */
static void
tcp_deliver(void *arg, const struct tcpreasm_msg *msg)
{
	struct decode_run	*run = arg;
	struct pkt_meta		 meta;

	if (run->deliver == NULL)
		return;
	/* A copy: the frame's own meta stays as the frame's. */
	meta = *run->meta;
	meta.ts_us = msg->ts_us;
	meta.src = *msg->src;
	meta.dst = *msg->dst;
	meta.ip_proto = DECODE_IPPROTO_TCP;
	meta.payload = msg->data;
	meta.payload_len = (uint32_t)msg->len;
	meta.payload_wirelen = (uint32_t)msg->len;
	run->deliver(run->deliver_arg, &meta);
}

/* Decode a TCP header; a segment of a SIP stream goes to the reassembler. */
enum dissect_result
decode_tcp(struct decode_run *run, const uint8_t *p, uint32_t len)
{
	struct pkt_meta		*meta = run->meta;
	struct cursor		 c;
	struct tcpreasm_segment	 seg;
	uint16_t		 src_port, dst_port, offset_flags;
	uint32_t		 seq, ack, hdr_len, wirelen, captured;

	/* Without a reassembler TCP is not analysed, not even checked. */
	if (run->tcp == NULL)
		return DISSECT_UNSUPPORTED;

	cur_init(&c, p, len);
	src_port = cur_be16(&c);
	dst_port = cur_be16(&c);
	seq = cur_be32(&c);
	ack = cur_be32(&c);
	offset_flags = cur_be16(&c);
	cur_skip(&c, 6);		/* window, checksum, urgent pointer */

	meta->fail_proto = PROTO_TCP;
	if (c.short_read) {
		if (meta->ip_payload_wirelen < TCP_HDR_LEN)
			return DISSECT_MALFORMED;
		return DISSECT_TRUNCATED;
	}
	meta->src.port = src_port;
	meta->dst.port = dst_port;
	hdr_len = (uint32_t)(offset_flags >> 12) * 4;
	if (hdr_len < TCP_HDR_LEN || hdr_len > meta->ip_payload_wirelen)
		return DISSECT_MALFORMED;
	cur_skip(&c, hdr_len - TCP_HDR_LEN);	/* options */
	if (c.short_read)
		return DISSECT_TRUNCATED;

	wirelen = meta->ip_payload_wirelen - hdr_len;
	captured = (uint32_t)cur_left(&c);
	if (captured > wirelen)
		captured = wirelen;

	seg.src = meta->src;
	seg.dst = meta->dst;
	seg.ts_us = meta->ts_us;
	seg.seq = seq;
	seg.ack = ack;
	seg.flags = (uint8_t)(offset_flags & TCP_FLAGS_MASK);
	seg.data = c.p;
	seg.len = captured;
	seg.wirelen = wirelen;
	if (tcpreasm_segment(run->tcp, &seg, tcp_deliver, run) ==
	    TCPREASM_IGNORED)
		return DISSECT_UNSUPPORTED;
	/* The messages before the cut were delivered; the rest is lost. */
	if (captured < wirelen)
		return DISSECT_TRUNCATED;
	return DISSECT_OK;
}
