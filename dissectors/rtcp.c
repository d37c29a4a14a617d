/*
 * RTCP, RFC 3550 §6: compound packets of SR, RR, SDES, BYE and APP; RTCP
 * XR, RFC 3611, with the VoIP Metrics block (§4.7) decoded.
 *
 * A datagram holds one or more packets back to back, each with this
 * header; its length counts 32-bit words, less one, header included:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---+-+---------+---------------+-------------------------------+
 * |V=2|P|  count  |  packet type  |            length             |
 * +---+-+---------+---------------+-------------------------------+
 *
 * SR (200) and RR (201): the sender's SSRC, for an SR its sender info
 * (NTP time 64 bits, RTP time, packets, octets: 20 bytes), then count
 * report blocks of 24 bytes:
 *
 * +---------------------------------------------------------------+
 * |                 SSRC of the source reported on                |
 * +---------------+-----------------------------------------------+
 * | fraction lost |       cumulative lost (signed, 24 bits)       |
 * +---------------+-----------------------------------------------+
 * |       extended highest sequence number received (32)          |
 * +---------------------------------------------------------------+
 * |                     interarrival jitter                       |
 * +---------------------------------------------------------------+
 * |                  last SR (LSR, NTP middle 32)                 |
 * +---------------------------------------------------------------+
 * |              delay since last SR (DLSR, 1/65536 s)            |
 * +---------------------------------------------------------------+
 *
 * XR (207): the sender's SSRC, then report blocks, each with this header;
 * its length counts the block's 32-bit words less one, header included,
 * which is the words after the header:
 *
 * +---------------+---------------+-------------------------------+
 * |      BT       | type-specific |  block length (words after)   |
 * +---------------+---------------+-------------------------------+
 *
 * VoIP Metrics (BT 7, block length 8): SSRC; loss rate, discard rate,
 * burst density, gap density (8 bits each); burst and gap duration (16);
 * round-trip and end-system delay (16); signal level, noise level, RERL,
 * Gmin; R factor, ext. R factor, MOS-LQ, MOS-CQ; RX config, reserved, JB
 * nominal (16); JB maximum, JB abs max (16).
 *
 * Only the last packet of a compound may be padded; its last byte counts
 * the padding, itself included (RFC 3550 §6.4.1).
 */

#include <stddef.h>
#include <string.h>

#include "dissectors/cursor.h"
#include "dissectors/rtcp.h"

#define RTCP_VERSION		2
#define RTCP_FLAG_PADDING	0x20
#define RTCP_COUNT_MASK		0x1f
#define RTCP_PT_FIRST		192	/* RFC 5761 §4 */
#define RTCP_PT_LAST		223
#define RTCP_HEADER_LEN		4
#define RTCP_REPORT_BLOCK_LEN	24
#define RTCP_SDES_END		0
#define RTCP_SDES_CNAME		1

#define XR_RRT_WORDS		2
#define XR_DLRR_ITEM_WORDS	3
#define XR_VOIP_WORDS		8

/* Seconds from the NTP epoch (1900) to the Unix one (1970). */
#define NTP_UNIX_OFFSET_S	2208988800U

static const struct {
	uint8_t		 type;
	const char	*name;
} rtcp_type_names[] = {
	{ RTCP_SR,	"SR" },
	{ RTCP_RR,	"RR" },
	{ RTCP_SDES,	"SDES" },
	{ RTCP_BYE,	"BYE" },
	{ RTCP_APP,	"APP" },
	{ RTCP_RTPFB,	"RTPFB" },
	{ RTCP_PSFB,	"PSFB" },
	{ RTCP_XR,	"XR" },
	{ 0,		NULL }
};

/* The report blocks of an SR or RR; -1 if count of them do not fit. */
static int
rtcp_report_blocks(struct cursor *c, uint8_t count, struct rtcp_report *r)
{
	struct rtcp_report_block	*b;
	uint32_t			 word;
	size_t				 i;

	if (cur_left(c) < (size_t)count * RTCP_REPORT_BLOCK_LEN)
		return -1;
	for (i = 0; i < count; i++) {
		b = &r->blocks[i];
		b->ssrc = cur_be32(c);
		word = cur_be32(c);
		b->fraction_lost = (uint8_t)(word >> 24);
		/* Sign-extend the low 24 bits. */
		b->cumulative_lost = (int32_t)(word & 0x00ffffffU);
		if (b->cumulative_lost & 0x00800000)
			b->cumulative_lost -= 0x01000000;
		b->ext_highest_seq = cur_be32(c);
		b->jitter = cur_be32(c);
		b->lsr = cur_be32(c);
		b->dlsr = cur_be32(c);
	}
	r->n_blocks = count;
	r->ext_len = cur_left(c);
	return 0;
}

/* SR: sender SSRC, sender info, report blocks, profile extension. */
static int
rtcp_sr(struct cursor *c, struct rtcp_packet *pkt)
{
	struct rtcp_report	*r = &pkt->u.report;

	r->ssrc = cur_be32(c);
	r->sender.ntp_sec = cur_be32(c);
	r->sender.ntp_frac = cur_be32(c);
	r->sender.rtp_timestamp = cur_be32(c);
	r->sender.packet_count = cur_be32(c);
	r->sender.octet_count = cur_be32(c);
	if (c->short_read)
		return -1;
	return rtcp_report_blocks(c, pkt->count, r);
}

/* RR: sender SSRC, report blocks, profile extension. */
static int
rtcp_rr(struct cursor *c, struct rtcp_packet *pkt)
{
	struct rtcp_report	*r = &pkt->u.report;

	r->ssrc = cur_be32(c);
	if (c->short_read)
		return -1;
	return rtcp_report_blocks(c, pkt->count, r);
}

/*
 * SDES: count chunks, each an SSRC and items (type, length, text) ended by
 * a null byte and padded to a 32-bit boundary.  The first CNAME counts.
 */
static int
rtcp_sdes(struct cursor *c, struct rtcp_packet *pkt)
{
	struct rtcp_sdes_chunk	*chunk;
	const uint8_t		*text;
	uint8_t			 type, len;
	size_t			 i, used;

	for (i = 0; i < pkt->count; i++) {
		chunk = &pkt->u.sdes.chunks[i];
		chunk->ssrc = cur_be32(c);
		for (;;) {
			type = cur_u8(c);
			if (c->short_read)
				return -1;
			if (type == RTCP_SDES_END)
				break;
			len = cur_u8(c);
			text = cur_bytes(c, len);
			if (text == NULL)
				return -1;
			if (type == RTCP_SDES_CNAME && chunk->cname == NULL) {
				chunk->cname = text;
				chunk->cname_len = len;
			}
		}
		/* The body starts 32-bit aligned, so align on its offset. */
		used = (size_t)(c->p - pkt->body);
		cur_skip(c, (4 - used % 4) % 4);
		if (c->short_read)
			return -1;
		pkt->u.sdes.n_chunks = (uint8_t)(i + 1);
	}
	return 0;
}

/* BYE: count SSRCs, then perhaps a reason (length byte and text). */
static int
rtcp_bye(struct cursor *c, struct rtcp_packet *pkt)
{
	struct rtcp_bye	*bye = &pkt->u.bye;
	size_t		 i;

	for (i = 0; i < pkt->count; i++)
		bye->ssrcs[i] = cur_be32(c);
	if (c->short_read)
		return -1;
	bye->n_ssrcs = pkt->count;
	if (cur_left(c) > 0) {
		bye->reason_len = cur_u8(c);
		bye->reason = cur_bytes(c, bye->reason_len);
		if (bye->reason == NULL)
			return -1;
	}
	return 0;
}

/* APP: SSRC, a four-character name, data. */
static int
rtcp_app(struct cursor *c, struct rtcp_packet *pkt)
{
	struct rtcp_app	*app = &pkt->u.app;
	const uint8_t	*name;

	app->subtype = pkt->count;
	app->ssrc = cur_be32(c);
	if ((name = cur_bytes(c, 4)) == NULL)
		return -1;
	memcpy(app->name, name, 4);
	app->name[4] = '\0';
	app->data_len = cur_left(c);
	app->data = cur_bytes(c, app->data_len);
	return 0;
}

/* XR VoIP Metrics (RFC 3611 §4.7), block length 8. */
static void
rtcp_xr_voip(struct cursor *c, struct rtcp_xr_voip *v)
{
	v->ssrc = cur_be32(c);
	v->loss_rate_q8 = cur_u8(c);
	v->discard_rate_q8 = cur_u8(c);
	v->burst_density_q8 = cur_u8(c);
	v->gap_density_q8 = cur_u8(c);
	v->burst_duration_ms = cur_be16(c);
	v->gap_duration_ms = cur_be16(c);
	v->round_trip_delay_ms = cur_be16(c);
	v->end_system_delay_ms = cur_be16(c);
	v->signal_level_dbm0 = (int8_t)cur_u8(c);
	v->noise_level_dbm0 = (int8_t)cur_u8(c);
	v->rerl_db = cur_u8(c);
	v->gmin = cur_u8(c);
	v->r_factor = cur_u8(c);
	v->ext_r_factor = cur_u8(c);
	v->mos_lq_x10 = cur_u8(c);
	v->mos_cq_x10 = cur_u8(c);
	v->rx_config = cur_u8(c);
	(void)cur_u8(c);		/* reserved */
	v->jb_nominal_ms = cur_be16(c);
	v->jb_max_ms = cur_be16(c);
	v->jb_abs_max_ms = cur_be16(c);
	/* RX config: PLC in the top two bits, JBA, then the JB rate. */
	v->plc = (enum rtcp_xr_plc)(v->rx_config >> 6);
	v->jb_adaptive = (enum rtcp_xr_jba)((v->rx_config >> 4) & 0x03);
	v->jb_rate = v->rx_config & 0x0f;
}

/* One XR block's body, of the words its header gave; -1 if they are wrong. */
static int
rtcp_xr_block(const uint8_t *body, uint16_t words, struct rtcp_xr_block *b)
{
	struct cursor	c;
	size_t		i, n;

	cur_init(&c, body, 4 * (size_t)words);
	switch (b->type) {
	case RTCP_XR_BLOCK_VOIP:
		if (words != XR_VOIP_WORDS)
			return -1;
		rtcp_xr_voip(&c, &b->u.voip);
		break;
	case RTCP_XR_BLOCK_RRT:
		if (words != XR_RRT_WORDS)
			return -1;
		b->u.rrt.ntp_sec = cur_be32(&c);
		b->u.rrt.ntp_frac = cur_be32(&c);
		break;
	case RTCP_XR_BLOCK_DLRR:
		if (words % XR_DLRR_ITEM_WORDS != 0)
			return -1;
		n = words / XR_DLRR_ITEM_WORDS;
		for (i = 0; i < n && i < RTCP_XR_MAX_DLRR; i++) {
			b->u.dlrr.items[i].ssrc = cur_be32(&c);
			b->u.dlrr.items[i].lrr = cur_be32(&c);
			b->u.dlrr.items[i].dlrr = cur_be32(&c);
		}
		b->u.dlrr.n_items = (uint8_t)i;
		b->u.dlrr.items_skipped = (uint8_t)(n - i);
		break;
	default:
		break;		/* skipped by its length */
	}
	return c.short_read ? -1 : 0;
}

/* XR: sender SSRC, then report blocks walked by their lengths. */
static int
rtcp_xr(struct cursor *c, struct rtcp_packet *pkt)
{
	struct rtcp_xr		*xr = &pkt->u.xr;
	struct rtcp_xr_block	 scratch, *b;
	const uint8_t		*body;
	uint8_t			 type, type_specific;
	uint16_t		 words;

	xr->ssrc = cur_be32(c);
	if (c->short_read)
		return -1;
	/* Fewer than 4 bytes left can only be what padding left over. */
	while (cur_left(c) >= 4) {
		type = cur_u8(c);
		type_specific = cur_u8(c);
		words = cur_be16(c);
		if ((body = cur_bytes(c, 4 * (size_t)words)) == NULL)
			return -1;
		if (xr->n_blocks < RTCP_XR_MAX_BLOCKS)
			b = &xr->blocks[xr->n_blocks];
		else
			b = &scratch;	/* still checked, not kept */
		memset(b, 0, sizeof *b);
		b->type = type;
		b->type_specific = type_specific;
		b->body = body;
		b->body_len = 4 * (size_t)words;
		if (rtcp_xr_block(body, words, b) == -1)
			return -1;
		if (b == &scratch) {
			if (xr->blocks_skipped < UINT16_MAX)
				xr->blocks_skipped++;
		} else
			xr->n_blocks++;
	}
	return 0;
}

/* Decoders by packet type; the others are delivered undecoded. */
static const struct {
	uint8_t	 type;
	int	(*decode)(struct cursor *, struct rtcp_packet *);
} rtcp_decoders[] = {
	{ RTCP_SR,	rtcp_sr },
	{ RTCP_RR,	rtcp_rr },
	{ RTCP_SDES,	rtcp_sdes },
	{ RTCP_BYE,	rtcp_bye },
	{ RTCP_APP,	rtcp_app },
	{ RTCP_XR,	rtcp_xr },
	{ 0,		NULL }
};

/* Start walking a datagram. */
void
rtcp_iter_init(struct rtcp_iter *it, const uint8_t *p, size_t len,
    size_t wirelen)
{
	memset(it, 0, sizeof *it);
	cur_init(&it->c, p, len);
	it->start = p;
	/* A capture longer than the datagram would be nonsense: trust it. */
	it->wirelen = wirelen < len ? len : wirelen;
	it->result = DISSECT_OK;
}

/* Stop the walk with a result. */
static int
rtcp_stop(struct rtcp_iter *it, enum dissect_result result)
{
	it->done = 1;
	it->result = result;
	return 0;
}

/* The next packet of the compound. */
int
rtcp_next(struct rtcp_iter *it, struct rtcp_packet *out)
{
	struct cursor	c, body;
	size_t		offset, wire_left, pkt_len, i;
	uint8_t		b0;
	uint16_t	length;

	if (it->done)
		return 0;
	offset = (size_t)(it->c.p - it->start);
	wire_left = it->wirelen - offset;
	if (wire_left == 0)
		return rtcp_stop(it, it->n_packets == 0 ? DISSECT_MALFORMED :
		    DISSECT_OK);
	if (wire_left < RTCP_HEADER_LEN)
		return rtcp_stop(it, DISSECT_MALFORMED);

	c = it->c;
	b0 = cur_u8(&c);
	memset(out, 0, sizeof *out);
	out->type = cur_u8(&c);
	length = cur_be16(&c);
	if (c.short_read)
		return rtcp_stop(it, DISSECT_TRUNCATED);
	if ((b0 >> 6) != RTCP_VERSION || out->type < RTCP_PT_FIRST ||
	    out->type > RTCP_PT_LAST)
		return rtcp_stop(it, DISSECT_MALFORMED);
	pkt_len = 4 * ((size_t)length + 1);
	if (pkt_len > wire_left)
		return rtcp_stop(it, DISSECT_MALFORMED);
	if (pkt_len > cur_left(&it->c))
		return rtcp_stop(it, DISSECT_TRUNCATED);

	out->count = b0 & RTCP_COUNT_MASK;
	out->offset = offset;
	out->len = pkt_len;
	out->body = c.p;
	out->body_len = pkt_len - RTCP_HEADER_LEN;
	if (b0 & RTCP_FLAG_PADDING) {
		/* Padding belongs at the end of the compound only. */
		if (pkt_len != wire_left)
			return rtcp_stop(it, DISSECT_MALFORMED);
		if (out->body_len == 0)
			return rtcp_stop(it, DISSECT_MALFORMED);
		out->padding_len = out->body[out->body_len - 1];
		if (out->padding_len == 0 || out->padding_len > out->body_len)
			return rtcp_stop(it, DISSECT_MALFORMED);
		out->body_len -= out->padding_len;
	}

	cur_init(&body, out->body, out->body_len);
	for (i = 0; rtcp_decoders[i].decode != NULL; i++) {
		if (rtcp_decoders[i].type != out->type)
			continue;
		if (rtcp_decoders[i].decode(&body, out) == -1 ||
		    body.short_read)
			return rtcp_stop(it, DISSECT_MALFORMED);
		break;
	}

	cur_skip(&it->c, pkt_len);
	it->n_packets++;
	return 1;
}

/* A packet type's short name. */
const char *
rtcp_type_name(uint8_t type)
{
	size_t	i;

	for (i = 0; rtcp_type_names[i].name != NULL; i++) {
		if (rtcp_type_names[i].type == type)
			return rtcp_type_names[i].name;
	}
	return NULL;
}

/* The low 16 bits of the seconds and the high 16 of the fraction. */
uint32_t
rtcp_ntp_middle32(uint32_t ntp_sec, uint32_t ntp_frac)
{
	return (ntp_sec << 16) | (ntp_frac >> 16);
}

/* A Unix time in µs on the NTP clock, middle 32 bits. */
uint32_t
rtcp_ntp_middle32_from_us(int64_t unix_us)
{
	int64_t		sec = unix_us / 1000000, us = unix_us % 1000000;
	uint32_t	ntp_sec, ntp_frac;

	if (us < 0) {		/* before 1970: floor, not truncation */
		us += 1000000;
		sec--;
	}
	ntp_sec = (uint32_t)((uint64_t)sec + NTP_UNIX_OFFSET_S);
	ntp_frac = (uint32_t)(((uint64_t)us << 32) / 1000000);
	return rtcp_ntp_middle32(ntp_sec, ntp_frac);
}

/*
 * RTT = A - LSR - DLSR, all modulo 2^32 (the middle 32 bits wrap every
 * 18.2 hours): a difference over half the range is a negative one.
 */
int
rtcp_rtt(uint32_t arrival_mid32, uint32_t lsr, uint32_t dlsr,
    uint32_t *rtt_q16)
{
	uint32_t	since_sr;

	if (lsr == 0)
		return -1;
	since_sr = arrival_mid32 - lsr;
	if (since_sr > 0x80000000U || dlsr > since_sr)
		return -1;
	*rtt_q16 = since_sr - dlsr;
	return 0;
}

/* 1/65536 s to µs. */
uint64_t
rtcp_q16_to_us(uint32_t q16)
{
	return ((uint64_t)q16 * 1000000) >> 16;
}
