/*
 * HEPv3 (EEP3), the encapsulation HOMER's agents mirror packets in: a
 * 6-byte header ("HEP3" and the whole packet's length) and chunks of
 * vendor, type, length (the chunk's 6-byte header included) and value,
 * every integer big-endian.  Both ways: vqprobe reads what Kamailio,
 * sngrep or heplify send (--hep-listen) and sends its own (--hep).
 */
#ifndef VQ_HEP_H
#define VQ_HEP_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/addr.h"

/* The header, and the most a packet's u16 length can say. */
#define HEP_HEADER_LEN		6
#define HEP_MAX_LEN		65535

/* Protocol types (chunk 0x000b) vqprobe reads or writes. */
#define HEP_TYPE_SIP		1
#define HEP_TYPE_RTP		4
#define HEP_TYPE_RTCP_JSON	5	/* heplify-server's RTCP report */
#define HEP_TYPE_RTPAGENT	34	/* a quality report, JSON */
#define HEP_TYPE_LOG		100	/* not in the spec; Kamailio's hlog */

enum hep_result {
	HEP_OK = 0,
	HEP_SHORT,		/* fewer bytes than a header, or than it says */
	HEP_NOT_HEP3,		/* no "HEP3" (HEPv2 and others) */
	HEP_BAD_LENGTH,		/* the header's length is not the packet's */
	HEP_BAD_CHUNK,		/* a chunk under 6 bytes, past the end, or a
				   generic one of the wrong size */
	HEP_MISSING,		/* no family, addresses, ports or payload */
	HEP_BAD_FAMILY,		/* a family that is not IPv4 or IPv6, or
				   addresses of the other one */
	HEP_RESULT_COUNT
};

/*
 * One HEP packet.  Decoded, the pointers point into the packet given to
 * hep_decode (valid while it is); to encode, into the caller's memory.
 * Lengths of 0 mean absent.
 */
struct hep_msg {
	struct vq_endpoint	 src;		/* family 4 or 6 */
	struct vq_endpoint	 dst;
	uint8_t			 ip_proto;	/* 17 UDP, 6 TCP */
	uint8_t			 proto_type;	/* HEP_TYPE_... */
	int64_t			 ts_us;		/* the capture's time */
	uint32_t		 capture_id;	/* the agent's number */
	const uint8_t		*payload;	/* chunk 0x000f */
	size_t			 payload_len;
	int			 compressed;	/* payload came in 0x0010 */
	const uint8_t		*auth_key;	/* chunk 0x000e */
	size_t			 auth_key_len;
	const uint8_t		*correlation;	/* chunk 0x0011 */
	size_t			 correlation_len;
	const uint8_t		*node_name;	/* chunk 0x0013 */
	size_t			 node_name_len;
	int			 has_ip_tos;	/* chunk 0x0018 was there */
	uint8_t			 ip_tos;	/* its DSCP and ECN */
};

/*
 * Decode the packet of len bytes at p (exactly one: its header's length
 * must be len).  Chunks of other vendors, and generic ones vqprobe does
 * not read, are skipped.  Returns HEP_OK and fills *out, or why not.
 */
enum hep_result	 hep_decode(const uint8_t *p, size_t len, struct hep_msg *out);
/*
 * For a stream (HEP over TCP): the length of the packet that starts at
 * p, once its header is there (0: fewer than HEP_HEADER_LEN bytes yet),
 * or -1 when p does not start a HEPv3 packet or its length is below the
 * header's.
 */
long		 hep_frame_length(const uint8_t *p, size_t len);
/*
 * Encode m into out (size bytes): family, protocol, addresses, ports,
 * time, protocol type, capture id, then the auth key, correlation id,
 * node name and IP TOS when given, and the payload last.  Returns the length, or 0
 * when it would not fit in size or in HEP_MAX_LEN.
 */
size_t		 hep_encode(const struct hep_msg *m, uint8_t *out, size_t size);
/* Lower-case name of a result, for counters ("short", "bad_chunk", ...). */
const char	*hep_result_name(enum hep_result);

#endif /* VQ_HEP_H */
