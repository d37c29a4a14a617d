/*
 * RTCP (RFC 3550 §6) compound packets, with RTCP XR (RFC 3611): what each
 * end of an RTP session reports about what it received.
 *
 * Nothing here allocates.  A datagram is walked one packet at a time into
 * a caller's struct rtcp_packet whose arrays are sized by the protocol's
 * own 5-bit counts, so no report block, chunk or SSRC is ever dropped;
 * only XR, whose block count has no bound, keeps the first
 * RTCP_XR_MAX_BLOCKS and counts the rest:
 *
 *	struct rtcp_iter	it;
 *	struct rtcp_packet	pkt;
 *
 *	rtcp_iter_init(&it, payload, caplen, wirelen);
 *	while (rtcp_next(&it, &pkt))
 *		... pkt.type, pkt.u.report.blocks[i] ...
 *	count(it.result);	// DISSECT_OK, _TRUNCATED or _MALFORMED
 *
 * Pointers in a packet (SDES CNAME, BYE reason, APP data, XR block bodies)
 * point into the datagram and are valid while it is.
 */
#ifndef VQ_RTCP_H
#define VQ_RTCP_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/cursor.h"
#include "dissectors/dissect.h"

/* Packet types (RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611 §2). */
enum rtcp_type {
	RTCP_SR = 200,
	RTCP_RR = 201,
	RTCP_SDES = 202,
	RTCP_BYE = 203,
	RTCP_APP = 204,
	RTCP_RTPFB = 205,	/* transport feedback: not decoded */
	RTCP_PSFB = 206,	/* payload-specific feedback: not decoded */
	RTCP_XR = 207
};

/* XR report block types (RFC 3611 §4) that are decoded; others are kept raw. */
enum rtcp_xr_block_type {
	RTCP_XR_BLOCK_RRT = 4,		/* Receiver Reference Time */
	RTCP_XR_BLOCK_DLRR = 5,		/* DLRR */
	RTCP_XR_BLOCK_VOIP = 7		/* VoIP Metrics */
};

#define RTCP_MAX_COUNT		31	/* the 5-bit RC / SC field */
#define RTCP_XR_MAX_BLOCKS	8
#define RTCP_XR_MAX_DLRR	4	/* DLRR sub-blocks kept per block */
#define RTCP_XR_UNAVAILABLE	127	/* VoIP Metrics: no value */

/* SR sender info (RFC 3550 §6.4.1). */
struct rtcp_sender_info {
	uint32_t	ntp_sec;	/* wallclock: seconds since 1900 */
	uint32_t	ntp_frac;	/* and 1/2^32 s */
	uint32_t	rtp_timestamp;	/* the same instant, in RTP units */
	uint32_t	packet_count;	/* sent since the start */
	uint32_t	octet_count;	/* payload octets sent */
};

/* A reception report block, in an SR or RR (RFC 3550 §6.4.1). */
struct rtcp_report_block {
	uint32_t	ssrc;		/* the source reported on */
	uint8_t		fraction_lost;	/* since the last report, /256 */
	int32_t		cumulative_lost; /* signed 24 bits: duplicates can
					    make it negative */
	uint32_t	ext_highest_seq; /* cycles << 16 | highest seq */
	uint32_t	jitter;		/* in RTP timestamp units */
	uint32_t	lsr;		/* middle 32 bits of the last SR's
					   NTP time; 0: no SR yet */
	uint32_t	dlsr;		/* since that SR, in 1/65536 s */
};

/* SR and RR. */
struct rtcp_report {
	uint32_t		 ssrc;		/* the packet's sender */
	struct rtcp_sender_info	 sender;	/* SR only, else zero */
	uint8_t			 n_blocks;
	struct rtcp_report_block blocks[RTCP_MAX_COUNT];
	size_t			 ext_len;	/* profile-specific bytes
						   after the blocks */
};

/* An SDES chunk (RFC 3550 §6.5): its source and CNAME. */
struct rtcp_sdes_chunk {
	uint32_t	 ssrc;
	const uint8_t	*cname;		/* NULL when the chunk has none */
	uint8_t		 cname_len;
};

struct rtcp_sdes {
	uint8_t			n_chunks;
	struct rtcp_sdes_chunk	chunks[RTCP_MAX_COUNT];
};

/* BYE (RFC 3550 §6.6): the sources leaving, and why. */
struct rtcp_bye {
	uint8_t		 n_ssrcs;
	uint32_t	 ssrcs[RTCP_MAX_COUNT];
	const uint8_t	*reason;	/* NULL when none is given */
	uint8_t		 reason_len;
};

/* APP (RFC 3550 §6.7). */
struct rtcp_app {
	uint8_t		 subtype;
	uint32_t	 ssrc;
	char		 name[5];	/* four ASCII characters, then NUL */
	const uint8_t	*data;
	size_t		 data_len;
};

/* XR VoIP Metrics RX config, PLC bits (RFC 3611 §4.7.6). */
enum rtcp_xr_plc {
	RTCP_XR_PLC_UNSPECIFIED = 0,
	RTCP_XR_PLC_DISABLED = 1,
	RTCP_XR_PLC_ENHANCED = 2,
	RTCP_XR_PLC_STANDARD = 3
};

/* XR VoIP Metrics RX config, jitter buffer adaptive bits. */
enum rtcp_xr_jba {
	RTCP_XR_JB_UNKNOWN = 0,
	RTCP_XR_JB_RESERVED = 1,
	RTCP_XR_JB_NON_ADAPTIVE = 2,
	RTCP_XR_JB_ADAPTIVE = 3
};

/*
 * XR block type 7, VoIP Metrics (RFC 3611 §4.7), as sent: rates and
 * densities are fractions in 1/256, levels signed dBm0, MOS times ten
 * (10..50 for 1.0..5.0).  RTCP_XR_UNAVAILABLE (127) in signal and noise
 * level, RERL, R factors and MOS means the sender could not tell; a
 * round-trip or end-system delay of 0 means the same.
 */
struct rtcp_xr_voip {
	uint32_t	ssrc;		/* the source reported on */
	uint8_t		loss_rate_q8;
	uint8_t		discard_rate_q8; /* late or early for the jitter
					    buffer */
	uint8_t		burst_density_q8;
	uint8_t		gap_density_q8;
	uint16_t	burst_duration_ms;
	uint16_t	gap_duration_ms;
	uint16_t	round_trip_delay_ms;
	uint16_t	end_system_delay_ms;
	int8_t		signal_level_dbm0;
	int8_t		noise_level_dbm0;
	uint8_t		rerl_db;	/* residual echo return loss */
	uint8_t		gmin;		/* gap threshold, in packets */
	uint8_t		r_factor;	/* 0..100, ITU-T G.107 */
	uint8_t		ext_r_factor;	/* beyond narrowband */
	uint8_t		mos_lq_x10;	/* listening quality */
	uint8_t		mos_cq_x10;	/* conversational quality */
	uint8_t		rx_config;	/* as sent, decoded below */
	enum rtcp_xr_plc plc;
	enum rtcp_xr_jba jb_adaptive;
	uint8_t		jb_rate;	/* adjustment rate, 0..15 */
	uint16_t	jb_nominal_ms;
	uint16_t	jb_max_ms;
	uint16_t	jb_abs_max_ms;
};

/* XR block type 5, DLRR (RFC 3611 §4.5): a receiver's RTT, like LSR/DLSR. */
struct rtcp_xr_dlrr_item {
	uint32_t	ssrc;
	uint32_t	lrr;		/* middle 32 bits of the last RRT */
	uint32_t	dlrr;		/* since then, in 1/65536 s */
};

/* An XR report block; the union holds the decoded types. */
struct rtcp_xr_block {
	uint8_t		 type;		/* enum rtcp_xr_block_type, or
					   another BT */
	uint8_t		 type_specific;
	const uint8_t	*body;		/* after its 4-byte header */
	size_t		 body_len;
	union {
		struct rtcp_xr_voip	voip;		/* type 7 */
		struct {				/* type 4 */
			uint32_t	ntp_sec;
			uint32_t	ntp_frac;
		}			rrt;
		struct {				/* type 5 */
			uint8_t			 n_items;
			uint8_t			 items_skipped;
			struct rtcp_xr_dlrr_item items[RTCP_XR_MAX_DLRR];
		}			dlrr;
	} u;
};

struct rtcp_xr {
	uint32_t		ssrc;		/* the packet's sender */
	uint8_t			n_blocks;
	uint16_t		blocks_skipped;	/* walked, not kept */
	struct rtcp_xr_block	blocks[RTCP_XR_MAX_BLOCKS];
};

/* One packet of a compound datagram. */
struct rtcp_packet {
	uint8_t		 type;		/* enum rtcp_type, or another PT */
	uint8_t		 count;		/* RC, SC, or APP/feedback subtype */
	uint8_t		 padding_len;	/* removed from body */
	size_t		 offset;	/* of the packet in the datagram */
	size_t		 len;		/* header and padding included */
	const uint8_t	*body;		/* after the 4-byte header */
	size_t		 body_len;
	union {
		struct rtcp_report	report;	/* SR, RR */
		struct rtcp_sdes	sdes;
		struct rtcp_bye		bye;
		struct rtcp_app		app;
		struct rtcp_xr		xr;
	} u;
};

/* A walk over a compound datagram; its fields are read-only for callers. */
struct rtcp_iter {
	struct cursor		c;
	const uint8_t		*start;
	size_t			 wirelen;
	unsigned		 n_packets;	/* delivered so far */
	int			 done;
	enum dissect_result	 result;	/* final once rtcp_next
						   returned 0 */
};

/*
 * Start a walk over a datagram of which len bytes of wirelen were
 * captured: a length field that runs past the capture but not past
 * wirelen is TRUNCATED, past wirelen MALFORMED.
 */
void	rtcp_iter_init(struct rtcp_iter *, const uint8_t *p, size_t len,
	    size_t wirelen);

/*
 * Decode the next packet into *out and return 1; return 0 at the end or at
 * the first packet that is cut short or wrong, with it->result saying
 * which (an empty datagram is MALFORMED).  Checked: version 2, a packet
 * type in 192..223 (RFC 5761 §4), the length field against what remains,
 * padding only in the last packet and no longer than it, and each type's
 * own counts and lengths.  Unknown packet types and XR block types are
 * skipped by their length, their body left in out->body.
 */
int	rtcp_next(struct rtcp_iter *, struct rtcp_packet *out);

/* "SR", "RR", "SDES", "BYE", "APP", "RTPFB", "PSFB", "XR"; NULL if other. */
const char *rtcp_type_name(uint8_t type);

/*
 * The middle 32 bits of a 64-bit NTP timestamp: the unit of LSR and DLSR,
 * 1/65536 s, wrapping every 18.2 hours.
 */
uint32_t rtcp_ntp_middle32(uint32_t ntp_sec, uint32_t ntp_frac);

/* A Unix time in microseconds (a capture timestamp) as NTP middle 32. */
uint32_t rtcp_ntp_middle32_from_us(int64_t unix_us);

/*
 * Round-trip time from a report block (RFC 3550 §6.4.1): the arrival time
 * A of the RR, in NTP middle-32 units, less LSR, less DLSR.  Returns 0 and
 * the time in 1/65536 s, or -1 when LSR is 0 (no SR was received) or the
 * result would be negative (clocks or reports that do not add up).
 */
int	rtcp_rtt(uint32_t arrival_mid32, uint32_t lsr, uint32_t dlsr,
	    uint32_t *rtt_q16);

/* A time in 1/65536 s as microseconds. */
uint64_t rtcp_q16_to_us(uint32_t q16);

#endif /* VQ_RTCP_H */
