/*
 * IP of either version, told apart by the first nibble (RFC 791, RFC 8200),
 * for link types that carry bare IP packets without naming the version.
 *
 *  0       4       8
 * +-------+-------+----
 * |version|  ...  |
 * +-------+-------+----
 */

#include <stddef.h>

#include "dissectors/cursor.h"
#include "dissectors/decode.h"

static const struct {
	uint8_t		 version;
	enum dissect_result (*decode)(const uint8_t *, uint32_t,
	    struct pkt_meta *);
} ip_versions[] = {
	{ 4,	decode_ipv4 },
	{ 6,	decode_ipv6 },
	{ 0,	NULL }
};

/* Decode an IPv4 or IPv6 packet; any other version is not analysed. */
enum dissect_result
decode_ip(const uint8_t *p, uint32_t len, struct pkt_meta *meta)
{
	struct cursor	c;
	uint8_t		version;
	size_t		i;

	cur_init(&c, p, len);
	version = cur_u8(&c) >> 4;
	if (c.short_read) {
		/* An empty raw-IP frame: nothing names the IP version. */
		meta->fail_proto = PROTO_LINK;
		return DISSECT_TRUNCATED;
	}
	for (i = 0; ip_versions[i].decode != NULL; i++) {
		if (ip_versions[i].version == version)
			return ip_versions[i].decode(p, len, meta);
	}
	return DISSECT_UNSUPPORTED;
}
