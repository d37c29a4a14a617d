/*
 * IP of either version, told apart by the first nibble (RFC 791, RFC 8200),
 * for link types that carry bare IP packets without naming the version;
 * and what an IP header of either version leads to, by protocol number
 * (IANA "Assigned Internet Protocol Numbers"):
 *
 *  0       4       8
 * +-------+-------+----
 * |version|  ...  |
 * +-------+-------+----
 *
 *   4  IPv4 in IP (RFC 2003)          17  UDP (RFC 768)
 *   6  TCP (RFC 9293)                 41  IPv6 in IP (RFC 2473, RFC 4213)
 *                                     47  GRE (RFC 2784)
 */

#include <stddef.h>
#include <stdlib.h>

#include "dissectors/cursor.h"
#include "dissectors/decode.h"

#define IPPROTO_IPIP_NUM	4
#define IPPROTO_IPV6_NUM	41
#define IPPROTO_GRE_NUM		47
#define IPPROTO_ROUTING_NUM	43	/* IPv6 extension headers that may */
#define IPPROTO_DSTOPTS_NUM	60	/* start a fragmentable part */

static const struct {
	uint8_t		 version;
	enum dissect_result (*decode)(struct decode_run *, const uint8_t *,
	    uint32_t);
} ip_versions[] = {
	{ 4,	decode_ipv4 },
	{ 6,	decode_ipv6 },
	{ 0,	NULL }
};

/* Protocols after an IP header; a tunnel counts against the depth. */
static const struct {
	uint8_t		 proto;
	enum dissect_proto tunnel;	/* PROTO_COUNT: not a tunnel */
	enum dissect_result (*decode)(struct decode_run *, const uint8_t *,
	    uint32_t);
} ip_protocols[] = {
	{ IPPROTO_IPIP_NUM,	PROTO_IPV4,	decode_ipv4 },
	{ DECODE_IPPROTO_TCP,	PROTO_COUNT,	decode_tcp },
	{ DECODE_IPPROTO_UDP,	PROTO_COUNT,	decode_udp },
	{ IPPROTO_IPV6_NUM,	PROTO_IPV6,	decode_ipv6 },
	{ IPPROTO_GRE_NUM,	PROTO_GRE,	decode_gre },
	{ 0,			PROTO_COUNT,	NULL }
};

/* Decode an IPv4 or IPv6 packet; any other version is not analysed. */
enum dissect_result
decode_ip(struct decode_run *run, const uint8_t *p, uint32_t len)
{
	struct cursor	c;
	uint8_t		version;
	size_t		i;

	cur_init(&c, p, len);
	version = cur_u8(&c) >> 4;
	if (c.short_read) {
		/* An empty raw-IP frame: nothing names the IP version. */
		run->meta->fail_proto = PROTO_LINK;
		return DISSECT_TRUNCATED;
	}
	for (i = 0; ip_versions[i].decode != NULL; i++) {
		if (ip_versions[i].version == version)
			return ip_versions[i].decode(run, p, len);
	}
	return DISSECT_UNSUPPORTED;
}

/* Go on into what an IP header's protocol field names. */
enum dissect_result
decode_ip_payload(struct decode_run *run, uint8_t proto, const uint8_t *p,
    uint32_t len)
{
	size_t	i;

	for (i = 0; ip_protocols[i].decode != NULL; i++) {
		if (ip_protocols[i].proto != proto)
			continue;
		if (ip_protocols[i].tunnel != PROTO_COUNT &&
		    decode_tunnel_enter(run, ip_protocols[i].tunnel) != 0)
			return DISSECT_MALFORMED;
		return ip_protocols[i].decode(run, p, len);
	}
	return DISSECT_UNSUPPORTED;
}

/* Is proto something decode_ip_payload goes into? */
int
decode_ip_proto_known(uint8_t proto)
{
	size_t	i;

	for (i = 0; ip_protocols[i].decode != NULL; i++) {
		if (ip_protocols[i].proto == proto)
			return 1;
	}
	return 0;
}

/*
 * Hand a fragment to the reassembler.  Fragments of protocols nothing
 * here decodes are not kept.  When the datagram is whole, cont decodes
 * it from its first protocol on; the buffer lives until cont returns.
 */
enum dissect_result
decode_ip_fragment(struct decode_run *run, const struct ipfrag_key *key,
    const struct ipfrag_fragment *frag, uint32_t wirelen,
    decode_ip_cont_fn *cont)
{
	struct ipfrag_datagram	dg;
	enum dissect_result	r;

	run->meta->is_fragment = 1;
	if (run->ipfrag == NULL || (!decode_ip_proto_known(frag->proto) &&
	    frag->proto != IPPROTO_ROUTING_NUM &&
	    frag->proto != IPPROTO_DSTOPTS_NUM))
		return DISSECT_UNSUPPORTED;
	if (frag->len < wirelen) {
		/* A clipped fragment leaves a hole no datagram survives. */
		run->meta->fail_proto = PROTO_IPFRAG;
		return DISSECT_TRUNCATED;
	}
	switch (ipfrag_add(run->ipfrag, key, frag, run->meta->ts_us, &dg)) {
	case IPFRAG_COMPLETE:
		run->meta->ip_proto = dg.proto;
		run->meta->ip_payload_wirelen = dg.len;
		run->meta->ip = NULL;
		run->meta->ip_caplen = 0;
		r = cont(run, dg.proto, dg.data, dg.len);
		free(dg.data);
		return r;
	case IPFRAG_MALFORMED:
		run->meta->fail_proto = PROTO_IPFRAG;
		return DISSECT_MALFORMED;
	case IPFRAG_HELD:
	case IPFRAG_DROPPED:
	default:
		/* Well formed; a drop is the reassembler's counter. */
		return DISSECT_OK;
	}
}
