/*
 * Names of the protocols whose truncated and malformed packets are counted.
 */

#include <stddef.h>

#include "dissectors/dissect.h"

static const struct {
	enum dissect_proto	 proto;
	const char		*name;
} dissect_proto_names[] = {
	{ PROTO_LINK,	"link" },
	{ PROTO_IPV4,	"ipv4" },
	{ PROTO_IPV6,	"ipv6" },
	{ PROTO_UDP,	"udp" },
	{ PROTO_SIP,	"sip" },
	{ PROTO_SDP,	"sdp" },
	{ PROTO_RTP,	"rtp" },
	{ PROTO_RTCP,	"rtcp" },
	{ PROTO_MPLS,	"mpls" },
	{ PROTO_PPPOE,	"pppoe" },
	{ PROTO_GRE,	"gre" },
	{ PROTO_VXLAN,	"vxlan" },
	{ PROTO_TCP,	"tcp" },
	{ PROTO_IPFRAG,	"ipfrag" },
	{ PROTO_GTPU,	"gtpu" },
	{ PROTO_VQREPORT, "vq_rtcpxr" },
	{ PROTO_COUNT,	NULL }
};

/* Look up a protocol's report name; "unknown" for a value out of range. */
const char *
dissect_proto_name(enum dissect_proto proto)
{
	size_t	i;

	for (i = 0; dissect_proto_names[i].name != NULL; i++) {
		if (dissect_proto_names[i].proto == proto)
			return dissect_proto_names[i].name;
	}
	return "unknown";
}
