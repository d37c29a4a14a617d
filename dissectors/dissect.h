/*
 * What every dissector returns, and the protocols counted per outcome.
 */
#ifndef VQ_DISSECT_H
#define VQ_DISSECT_H

enum dissect_result {
	DISSECT_OK = 0,
	DISSECT_TRUNCATED,	/* the capture cut the header short (snaplen) */
	DISSECT_MALFORMED,	/* the bytes contradict the protocol */
	DISSECT_UNSUPPORTED	/* well formed, but nothing vqprobe analyses */
};

/*
 * Protocols whose truncated and malformed packets are counted apart.  New
 * ones go last, so the values (and the order of reports) stay stable.
 */
enum dissect_proto {
	PROTO_LINK = 0,
	PROTO_IPV4,
	PROTO_IPV6,
	PROTO_UDP,
	PROTO_SIP,
	PROTO_SDP,
	PROTO_RTP,
	PROTO_RTCP,
	PROTO_MPLS,
	PROTO_PPPOE,
	PROTO_GRE,	/* with ERSPAN */
	PROTO_VXLAN,
	PROTO_TCP,
	PROTO_IPFRAG,	/* IP fragments and their reassembly */
	PROTO_GTPU,
	PROTO_VQREPORT,	/* RFC 6035 reports in SIP bodies */
	PROTO_COUNT
};

/* Lower-case protocol name for reports ("ipv4", "sip", ...). */
const char *dissect_proto_name(enum dissect_proto);

#endif /* VQ_DISSECT_H */
