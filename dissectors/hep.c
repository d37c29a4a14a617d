/*
 * HEPv3 (EEP3), HOMER's encapsulation protocol, as its specification
 * (revision 37) draws it.  A 6-byte header:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                        "HEP3" (0x48455033)                    |
 * +-------------------------------+-------------------------------+
 * | total length (header included)|  chunks ...                   |
 * +-------------------------------+-------------------------------+
 *
 * then chunks, back to back to the end:
 *
 * +-------------------------------+-------------------------------+
 * |           vendor id           |            type id            |
 * +-------------------------------+-------------------------------+
 * | length (these 6 bytes incl.)  |  value (length - 6 bytes) ... |
 * +-------------------------------+-------------------------------+
 *
 * Vendor 0 is the generic set (family, addresses, ports, time, payload
 * and the rest); other vendors' chunks are skipped whole.  The decoder
 * is as strict as heplify-server, the most used collector: a header
 * length that is not the datagram's, a chunk under 6 bytes or past the
 * end, or a generic fixed-size chunk of another size rejects the packet.
 */

#include <string.h>

#include "dissectors/cursor.h"
#include "dissectors/hep.h"

#define HEP_CHUNK_HEADER_LEN	6
#define HEP_CHUNK_MAX_VALUE	(HEP_MAX_LEN - HEP_CHUNK_HEADER_LEN)

/* Generic chunk types (vendor 0). */
#define HEP_CHUNK_FAMILY	0x0001
#define HEP_CHUNK_IP_PROTO	0x0002
#define HEP_CHUNK_SRC_IP4	0x0003
#define HEP_CHUNK_DST_IP4	0x0004
#define HEP_CHUNK_SRC_IP6	0x0005
#define HEP_CHUNK_DST_IP6	0x0006
#define HEP_CHUNK_SRC_PORT	0x0007
#define HEP_CHUNK_DST_PORT	0x0008
#define HEP_CHUNK_TIME_S	0x0009
#define HEP_CHUNK_TIME_US	0x000a
#define HEP_CHUNK_PROTO_TYPE	0x000b
#define HEP_CHUNK_CAPTURE_ID	0x000c
#define HEP_CHUNK_AUTH_KEY	0x000e
#define HEP_CHUNK_PAYLOAD	0x000f
#define HEP_CHUNK_COMPRESSED	0x0010
#define HEP_CHUNK_CORRELATION	0x0011
#define HEP_CHUNK_VLAN		0x0012
#define HEP_CHUNK_NODE_NAME	0x0013
#define HEP_CHUNK_TCP_FLAGS	0x0017
#define HEP_CHUNK_IP_TOS	0x0018

/* Address families as HEP writes them (BSD's AF_INET and Linux's AF_INET6). */
#define HEP_FAMILY_IPV4		2
#define HEP_FAMILY_IPV6		10

#define US_PER_S		1000000

/*
 * The whole length of each generic chunk with a fixed-size value: the
 * sizes heplify-server enforces.  Types not here are of any length.
 */
static const struct {
	uint16_t	type;
	uint16_t	length;
} hep_fixed_chunks[] = {
	{ HEP_CHUNK_FAMILY,	7 },
	{ HEP_CHUNK_IP_PROTO,	7 },
	{ HEP_CHUNK_PROTO_TYPE,	7 },
	{ HEP_CHUNK_TCP_FLAGS,	7 },
	{ HEP_CHUNK_IP_TOS,	7 },
	{ HEP_CHUNK_SRC_PORT,	8 },
	{ HEP_CHUNK_DST_PORT,	8 },
	{ HEP_CHUNK_VLAN,	8 },
	{ HEP_CHUNK_SRC_IP4,	10 },
	{ HEP_CHUNK_DST_IP4,	10 },
	{ HEP_CHUNK_TIME_S,	10 },
	{ HEP_CHUNK_TIME_US,	10 },
	{ HEP_CHUNK_CAPTURE_ID,	10 },
	{ HEP_CHUNK_SRC_IP6,	22 },
	{ HEP_CHUNK_DST_IP6,	22 },
	{ 0, 0 }
};

static const char *const hep_result_names[HEP_RESULT_COUNT] = {
	[HEP_OK] = "ok",
	[HEP_SHORT] = "short",
	[HEP_NOT_HEP3] = "not_hep3",
	[HEP_BAD_LENGTH] = "bad_length",
	[HEP_BAD_CHUNK] = "bad_chunk",
	[HEP_MISSING] = "missing",
	[HEP_BAD_FAMILY] = "bad_family",
};

static const uint8_t hep_magic[4] = { 'H', 'E', 'P', '3' };

/* What the chunks said, before they are checked against each other. */
struct hep_seen {
	int		family;		/* the chunk's value, -1 when absent */
	int		have_ip4[2];	/* src, dst */
	int		have_ip6[2];
	uint8_t		ip4[2][4];
	uint8_t		ip6[2][16];
	int		have_port[2];
	uint16_t	port[2];
	uint32_t	time_s;
	uint32_t	time_us;
};

/* The fixed length a generic chunk of this type must have; 0 if any. */
static uint16_t
hep_fixed_length(uint16_t type)
{
	size_t i;

	for (i = 0; hep_fixed_chunks[i].type != 0; i++)
		if (hep_fixed_chunks[i].type == type)
			return hep_fixed_chunks[i].length;
	return 0;
}

/* Take one generic chunk's value (its size already checked). */
static void
hep_take_chunk(uint16_t type, const uint8_t *v, size_t len,
    struct hep_seen *seen, struct hep_msg *out)
{
	struct cursor c;

	cur_init(&c, v, len);
	switch (type) {
	case HEP_CHUNK_FAMILY:
		seen->family = cur_u8(&c);
		break;
	case HEP_CHUNK_IP_PROTO:
		out->ip_proto = cur_u8(&c);
		break;
	case HEP_CHUNK_SRC_IP4:
	case HEP_CHUNK_DST_IP4:
		memcpy(seen->ip4[type - HEP_CHUNK_SRC_IP4], v, 4);
		seen->have_ip4[type - HEP_CHUNK_SRC_IP4] = 1;
		break;
	case HEP_CHUNK_SRC_IP6:
	case HEP_CHUNK_DST_IP6:
		memcpy(seen->ip6[type - HEP_CHUNK_SRC_IP6], v, 16);
		seen->have_ip6[type - HEP_CHUNK_SRC_IP6] = 1;
		break;
	case HEP_CHUNK_SRC_PORT:
	case HEP_CHUNK_DST_PORT:
		seen->port[type - HEP_CHUNK_SRC_PORT] = cur_be16(&c);
		seen->have_port[type - HEP_CHUNK_SRC_PORT] = 1;
		break;
	case HEP_CHUNK_TIME_S:
		seen->time_s = cur_be32(&c);
		break;
	case HEP_CHUNK_TIME_US:
		seen->time_us = cur_be32(&c);
		break;
	case HEP_CHUNK_PROTO_TYPE:
		out->proto_type = cur_u8(&c);
		break;
	case HEP_CHUNK_CAPTURE_ID:
		out->capture_id = cur_be32(&c);
		break;
	case HEP_CHUNK_AUTH_KEY:
		out->auth_key = v;
		out->auth_key_len = len;
		break;
	case HEP_CHUNK_PAYLOAD:
	case HEP_CHUNK_COMPRESSED:
		out->payload = v;
		out->payload_len = len;
		out->compressed = type == HEP_CHUNK_COMPRESSED;
		break;
	case HEP_CHUNK_CORRELATION:
		out->correlation = v;
		out->correlation_len = len;
		break;
	case HEP_CHUNK_NODE_NAME:
		out->node_name = v;
		out->node_name_len = len;
		break;
	case HEP_CHUNK_IP_TOS:
		out->ip_tos = cur_u8(&c);
		out->has_ip_tos = 1;
		break;
	default:
		break;
	}
}

/* Fill one endpoint's address from the chunks of the family given. */
static void
hep_set_addr(struct vq_endpoint *e, int family, const uint8_t *bytes,
    uint16_t port)
{
	memset(&e->addr, 0, sizeof e->addr);
	e->addr.family = (uint8_t)family;
	memcpy(e->addr.bytes, bytes, family == 4 ? 4 : 16);
	e->port = port;
}

/* Check what the chunks said against each other and finish *out. */
static enum hep_result
hep_finish(const struct hep_seen *seen, struct hep_msg *out)
{
	int i;

	if (seen->family < 0 || !seen->have_port[0] || !seen->have_port[1] ||
	    out->payload_len == 0)
		return HEP_MISSING;
	if (seen->family != HEP_FAMILY_IPV4 && seen->family != HEP_FAMILY_IPV6)
		return HEP_BAD_FAMILY;
	for (i = 0; i < 2; i++) {
		struct vq_endpoint *e = i == 0 ? &out->src : &out->dst;

		if (seen->family == HEP_FAMILY_IPV4 && seen->have_ip4[i])
			hep_set_addr(e, 4, seen->ip4[i], seen->port[i]);
		else if (seen->family == HEP_FAMILY_IPV6 && seen->have_ip6[i])
			hep_set_addr(e, 6, seen->ip6[i], seen->port[i]);
		else if (seen->have_ip4[i] || seen->have_ip6[i])
			return HEP_BAD_FAMILY;
		else
			return HEP_MISSING;
	}
	out->ts_us = (int64_t)seen->time_s * US_PER_S + seen->time_us;
	return HEP_OK;
}

enum hep_result
hep_decode(const uint8_t *p, size_t len, struct hep_msg *out)
{
	struct cursor c;
	struct hep_seen seen;
	const uint8_t *magic, *value;
	uint16_t total, vendor, type, chunk_len, fixed;

	memset(out, 0, sizeof *out);
	memset(&seen, 0, sizeof seen);
	seen.family = -1;
	cur_init(&c, p, len);
	magic = cur_bytes(&c, 4);
	total = cur_be16(&c);
	if (c.short_read)
		return HEP_SHORT;
	if (memcmp(magic, hep_magic, sizeof hep_magic) != 0)
		return HEP_NOT_HEP3;
	if (total > len)
		return HEP_SHORT;
	if (total != len)
		return HEP_BAD_LENGTH;

	while (cur_left(&c) > 0) {
		vendor = cur_be16(&c);
		type = cur_be16(&c);
		chunk_len = cur_be16(&c);
		if (c.short_read || chunk_len < HEP_CHUNK_HEADER_LEN ||
		    (size_t)(chunk_len - HEP_CHUNK_HEADER_LEN) > cur_left(&c))
			return HEP_BAD_CHUNK;
		value = cur_bytes(&c, chunk_len - HEP_CHUNK_HEADER_LEN);
		if (vendor != 0)
			continue;
		fixed = hep_fixed_length(type);
		if (fixed != 0 && chunk_len != fixed)
			return HEP_BAD_CHUNK;
		hep_take_chunk(type, value, chunk_len - HEP_CHUNK_HEADER_LEN,
		    &seen, out);
	}
	return hep_finish(&seen, out);
}

long
hep_frame_length(const uint8_t *p, size_t len)
{
	long total;

	if (len < HEP_HEADER_LEN)
		return 0;
	if (memcmp(p, hep_magic, sizeof hep_magic) != 0)
		return -1;
	total = (long)p[4] << 8 | p[5];
	if (total < HEP_HEADER_LEN)
		return -1;
	return total;
}

/* The encoder's output: a buffer, and whether anything did not fit. */
struct hep_writer {
	uint8_t		*p;
	size_t		 used;
	size_t		 size;
	int		 overflow;
};

static void
hep_put(struct hep_writer *w, const void *v, size_t len)
{
	if (w->overflow || w->size - w->used < len) {
		w->overflow = 1;
		return;
	}
	if (len != 0)
		memcpy(w->p + w->used, v, len);
	w->used += len;
}

static void
hep_put_be16(struct hep_writer *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	hep_put(w, b, sizeof b);
}

/* One generic chunk of len value bytes. */
static void
hep_put_chunk(struct hep_writer *w, uint16_t type, const void *v, size_t len)
{
	if (len > HEP_CHUNK_MAX_VALUE) {
		w->overflow = 1;
		return;
	}
	hep_put_be16(w, 0);
	hep_put_be16(w, type);
	hep_put_be16(w, (uint16_t)(len + HEP_CHUNK_HEADER_LEN));
	hep_put(w, v, len);
}

static void
hep_put_u8_chunk(struct hep_writer *w, uint16_t type, uint8_t v)
{
	hep_put_chunk(w, type, &v, 1);
}

static void
hep_put_be16_chunk(struct hep_writer *w, uint16_t type, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	hep_put_chunk(w, type, b, sizeof b);
}

static void
hep_put_be32_chunk(struct hep_writer *w, uint16_t type, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	hep_put_chunk(w, type, b, sizeof b);
}

size_t
hep_encode(const struct hep_msg *m, uint8_t *out, size_t size)
{
	struct hep_writer w = { out, 0, size, 0 };
	int v4 = m->src.addr.family == 4;
	size_t addr_len = v4 ? 4 : 16;
	int64_t secs, usecs;

	if ((m->src.addr.family != 4 && m->src.addr.family != 6) ||
	    m->dst.addr.family != m->src.addr.family)
		return 0;
	/* Floor division, so that a time before 1970 still splits right. */
	secs = m->ts_us / US_PER_S;
	usecs = m->ts_us % US_PER_S;
	if (usecs < 0) {
		secs--;
		usecs += US_PER_S;
	}

	hep_put(&w, hep_magic, sizeof hep_magic);
	hep_put_be16(&w, 0);		/* the length, once known */
	hep_put_u8_chunk(&w, HEP_CHUNK_FAMILY,
	    v4 ? HEP_FAMILY_IPV4 : HEP_FAMILY_IPV6);
	hep_put_u8_chunk(&w, HEP_CHUNK_IP_PROTO, m->ip_proto);
	hep_put_chunk(&w, v4 ? HEP_CHUNK_SRC_IP4 : HEP_CHUNK_SRC_IP6,
	    m->src.addr.bytes, addr_len);
	hep_put_chunk(&w, v4 ? HEP_CHUNK_DST_IP4 : HEP_CHUNK_DST_IP6,
	    m->dst.addr.bytes, addr_len);
	hep_put_be16_chunk(&w, HEP_CHUNK_SRC_PORT, m->src.port);
	hep_put_be16_chunk(&w, HEP_CHUNK_DST_PORT, m->dst.port);
	hep_put_be32_chunk(&w, HEP_CHUNK_TIME_S, (uint32_t)secs);
	hep_put_be32_chunk(&w, HEP_CHUNK_TIME_US, (uint32_t)usecs);
	hep_put_u8_chunk(&w, HEP_CHUNK_PROTO_TYPE, m->proto_type);
	hep_put_be32_chunk(&w, HEP_CHUNK_CAPTURE_ID, m->capture_id);
	if (m->auth_key_len != 0)
		hep_put_chunk(&w, HEP_CHUNK_AUTH_KEY, m->auth_key,
		    m->auth_key_len);
	if (m->correlation_len != 0)
		hep_put_chunk(&w, HEP_CHUNK_CORRELATION, m->correlation,
		    m->correlation_len);
	if (m->node_name_len != 0)
		hep_put_chunk(&w, HEP_CHUNK_NODE_NAME, m->node_name,
		    m->node_name_len);
	if (m->has_ip_tos)
		hep_put_u8_chunk(&w, HEP_CHUNK_IP_TOS, m->ip_tos);
	hep_put_chunk(&w, m->compressed ? HEP_CHUNK_COMPRESSED :
	    HEP_CHUNK_PAYLOAD, m->payload, m->payload_len);

	if (w.overflow || w.used > HEP_MAX_LEN)
		return 0;
	out[4] = (uint8_t)(w.used >> 8);
	out[5] = (uint8_t)w.used;
	return w.used;
}

const char *
hep_result_name(enum hep_result r)
{
	if ((unsigned)r >= HEP_RESULT_COUNT)
		return "unknown";
	return hep_result_names[r];
}
