/*
 * RTP (RFC 3550) fixed header, and RTP/RTCP demultiplexing (RFC 5761).
 */
#ifndef VQ_RTP_H
#define VQ_RTP_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/dissect.h"

#define RTP_MAX_CSRC	15	/* the 4-bit CC field */
#define RTP_PT_CN	13	/* comfort noise (RFC 3389), static */

struct rtp_hdr {
	uint8_t		marker;
	uint8_t		payload_type;
	uint16_t	seq;
	uint32_t	timestamp;
	uint32_t	ssrc;
	uint32_t	payload_len;	/* after CSRCs, extension; before
					   padding */

	/* Contributing sources, when a mixer made the packet. */
	uint8_t		csrc_count;
	uint32_t	csrc[RTP_MAX_CSRC];
	/*
	 * Header extension (RFC 3550 §5.3.1): the profile's 16 bits (0xBEDE
	 * for RFC 8285 one-byte elements, 0x100x for two-byte ones) and the
	 * length of what follows its 4-byte header.
	 */
	uint8_t		extension;
	uint16_t	ext_profile;
	uint32_t	ext_len;	/* bytes */
	const uint8_t	*ext;		/* into the packet */
	uint8_t		padding_len;	/* removed from the payload; 0 when
					   not padded or not checked */
	const uint8_t	*payload;	/* into the packet: payload_len bytes */
};

/*
 * An RFC 4733 named event (DTMF digits 0-9 * # A-D are events 0-15):
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * One event keeps its RTP timestamp (its start) across its packets; the
 * duration grows, and the last packet, with E set, is sent three times.
 */
struct rtp_event {
	uint8_t		event;
	uint8_t		end;		/* E: the event is over */
	uint8_t		volume_dbm0;	/* power, as -dBm0: 0..63 */
	uint16_t	duration;	/* since the start, in RTP timestamp
					   units */
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

/*
 * Parse a telephone-event payload (the first event of it): TRUNCATED when
 * len is under 4 bytes.
 */
enum dissect_result rtp_event_parse(const uint8_t *payload, size_t len,
	    struct rtp_event *out);

/* A DTMF event's digit ("0".."9", "*", "#", "A".."D"), NULL for others. */
const char *rtp_event_name(uint8_t event);

/* RFC 3551 static payload types: name and clock, or NULL if dynamic/unknown. */
const char *rtp_static_codec(uint8_t payload_type, uint32_t *clock_rate_hz);

#endif /* VQ_RTP_H */
