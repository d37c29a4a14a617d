/*
 * RTP, RFC 3550 §5.1; RTP and RTCP on one port, RFC 5761 §4; the static
 * payload types of the audio/video profile, RFC 3551 §6; named telephone
 * events (DTMF), RFC 4733 §2.3 (the diagram is in rtp.h).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---+-+-+-------+-+-------------+-------------------------------+
 * |V=2|P|X|  CC   |M|     PT      |        sequence number        |
 * +---+-+-+-------+-+-------------+-------------------------------+
 * |                           timestamp                           |
 * +---------------------------------------------------------------+
 * |                             SSRC                              |
 * +---------------------------------------------------------------+
 * |                 CSRC list: CC words of 32 bits                |
 * +-------------------------------+-------------------------------+
 * |     profile-defined (if X)    |  extension length, in words   |
 * +-------------------------------+-------------------------------+
 * |                 extension: that many words                    |
 * +---------------------------------------------------------------+
 * |   payload ...                 |  padding (if P) ... | count   |
 * +---------------------------------------------------------------+
 *
 * The last byte of a padded packet counts the padding, itself included.
 */

#include <stddef.h>
#include <string.h>

#include "dissectors/cursor.h"
#include "dissectors/rtp.h"

#define RTP_VERSION		2
#define RTP_FLAG_PADDING	0x20
#define RTP_FLAG_EXTENSION	0x10
#define RTP_CSRC_COUNT_MASK	0x0f
#define RTP_MARKER		0x80
#define RTP_PT_MASK		0x7f
#define RTP_EVENT_END		0x80
#define RTP_EVENT_VOLUME_MASK	0x3f
#define RTCP_PT_FIRST		192
#define RTCP_PT_LAST		223

/*
 * RFC 3551 table 4 and 5.  G722's clock is 8000 although it samples at
 * 16 kHz: an error in RFC 1890 kept for compatibility (RFC 3551 §4.5.2).
 */
static const struct {
	uint8_t		 payload_type;
	const char	*name;
	uint32_t	 clock_rate_hz;
} rtp_static_codecs[] = {
	{ 0,	"PCMU",		8000 },
	{ 3,	"GSM",		8000 },
	{ 4,	"G723",		8000 },
	{ 5,	"DVI4",		8000 },
	{ 6,	"DVI4",		16000 },
	{ 7,	"LPC",		8000 },
	{ 8,	"PCMA",		8000 },
	{ 9,	"G722",		8000 },
	{ 10,	"L16",		44100 },	/* two channels */
	{ 11,	"L16",		44100 },	/* one channel */
	{ 12,	"QCELP",	8000 },
	{ 13,	"CN",		8000 },
	{ 14,	"MPA",		90000 },
	{ 15,	"G728",		8000 },
	{ 16,	"DVI4",		11025 },
	{ 17,	"DVI4",		22050 },
	{ 18,	"G729",		8000 },
	{ 25,	"CelB",		90000 },
	{ 26,	"JPEG",		90000 },
	{ 28,	"nv",		90000 },
	{ 31,	"H261",		90000 },
	{ 32,	"MPV",		90000 },
	{ 33,	"MP2T",		90000 },
	{ 34,	"H263",		90000 },
	{ 0,	NULL,		0 }
};

/* Is this an RTCP packet sharing the RTP port? */
int
rtp_is_rtcp(const uint8_t *p, size_t len)
{
	struct cursor	c;
	uint8_t		b0, packet_type;

	cur_init(&c, p, len);
	b0 = cur_u8(&c);
	packet_type = cur_u8(&c);
	if (c.short_read)
		return 0;
	return (b0 >> 6) == RTP_VERSION && packet_type >= RTCP_PT_FIRST &&
	    packet_type <= RTCP_PT_LAST;
}

/*
 * Parse an RTP header.  The padding count is the packet's last byte, so it
 * is checked only when the capture kept the whole packet (len == wirelen).
 */
enum dissect_result
rtp_parse(const uint8_t *p, size_t len, size_t wirelen, struct rtp_hdr *out)
{
	struct cursor	c, last;
	uint8_t		b0, b1, padding = 0;
	size_t		left, i;

	memset(out, 0, sizeof *out);
	cur_init(&c, p, len);
	b0 = cur_u8(&c);
	b1 = cur_u8(&c);
	out->seq = cur_be16(&c);
	out->timestamp = cur_be32(&c);
	out->ssrc = cur_be32(&c);
	out->marker = (b1 & RTP_MARKER) != 0;
	out->payload_type = b1 & RTP_PT_MASK;

	if (len > 0 && (b0 >> 6) != RTP_VERSION)
		return DISSECT_MALFORMED;
	out->csrc_count = b0 & RTP_CSRC_COUNT_MASK;
	for (i = 0; i < out->csrc_count; i++)
		out->csrc[i] = cur_be32(&c);
	if (b0 & RTP_FLAG_EXTENSION) {
		out->extension = 1;
		out->ext_profile = cur_be16(&c);
		out->ext_len = 4 * (uint32_t)cur_be16(&c);
		out->ext = cur_bytes(&c, out->ext_len);
	}
	if (c.short_read)
		return DISSECT_TRUNCATED;

	left = cur_left(&c);
	if ((b0 & RTP_FLAG_PADDING) && len >= wirelen) {
		if (left == 0)
			return DISSECT_MALFORMED;
		last = c;
		cur_skip(&last, left - 1);
		padding = cur_u8(&last);
		if (padding == 0 || padding > left)
			return DISSECT_MALFORMED;
	}
	out->padding_len = padding;
	out->payload_len = (uint32_t)(left - padding);
	out->payload = c.p;
	return DISSECT_OK;
}

/* The first named event of a telephone-event payload (RFC 4733 §2.3). */
enum dissect_result
rtp_event_parse(const uint8_t *payload, size_t len, struct rtp_event *out)
{
	struct cursor	c;
	uint8_t		flags;

	memset(out, 0, sizeof *out);
	cur_init(&c, payload, len);
	out->event = cur_u8(&c);
	flags = cur_u8(&c);
	out->duration = cur_be16(&c);
	if (c.short_read)
		return DISSECT_TRUNCATED;
	out->end = (flags & RTP_EVENT_END) != 0;
	/* The R bit is reserved: senders set it to 0, receivers ignore it. */
	out->volume_dbm0 = flags & RTP_EVENT_VOLUME_MASK;
	return DISSECT_OK;
}

/* The digit of a DTMF event. */
const char *
rtp_event_name(uint8_t event)
{
	static const char *const dtmf[] = {
		"0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
		"*", "#", "A", "B", "C", "D"
	};

	if (event >= sizeof dtmf / sizeof dtmf[0])
		return NULL;
	return dtmf[event];
}

/* A static payload type's encoding name and clock rate. */
const char *
rtp_static_codec(uint8_t payload_type, uint32_t *clock_rate_hz)
{
	size_t	i;

	for (i = 0; rtp_static_codecs[i].name != NULL; i++) {
		if (rtp_static_codecs[i].payload_type != payload_type)
			continue;
		if (clock_rate_hz != NULL)
			*clock_rate_hz = rtp_static_codecs[i].clock_rate_hz;
		return rtp_static_codecs[i].name;
	}
	if (clock_rate_hz != NULL)
		*clock_rate_hz = 0;
	return NULL;
}
