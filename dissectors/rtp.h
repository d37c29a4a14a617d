/*
 * RTP (RFC 3550) fixed header, and RTP/RTCP demultiplexing (RFC 5761).
 */
#ifndef VQ_RTP_H
#define VQ_RTP_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/dissect.h"

struct rtp_hdr {
	uint8_t		marker;
	uint8_t		payload_type;
	uint16_t	seq;
	uint32_t	timestamp;
	uint32_t	ssrc;
	uint32_t	payload_len;	/* after CSRCs, extension; before padding */
};

/* RTCP packet types 192..223 sit where RTP has marker+PT (RFC 5761 §4). */
int	rtp_is_rtcp(const uint8_t *p, size_t len);

/*
 * Parse the fixed header, CSRC list and extension; version must be 2.  len
 * bytes were captured of a datagram of wirelen bytes; padding (counted in
 * the last byte) is only checked and removed when the two are equal.
 */
enum dissect_result rtp_parse(const uint8_t *p, size_t len, size_t wirelen,
	    struct rtp_hdr *out);

/* RFC 3551 static payload types: name and clock, or NULL if dynamic/unknown. */
const char *rtp_static_codec(uint8_t payload_type, uint32_t *clock_rate_hz);

#endif /* VQ_RTP_H */
