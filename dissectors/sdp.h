/*
 * SDP (RFC 4566, RFC 3264 offer/answer): where media will flow and how.
 */
#ifndef VQ_SDP_H
#define VQ_SDP_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/addr.h"
#include "dissectors/dissect.h"

#define SDP_MAX_MEDIA	8
#define SDP_MAX_FORMATS	16
#define SDP_ENCODING_LEN 24
#define SDP_FMTP_LEN	64	/* a=fmtp parameters kept, NUL included */
#define SDP_PROTO_LEN	24

struct sdp_rtpmap {
	uint8_t		payload_type;
	char		encoding[SDP_ENCODING_LEN];	/* "PCMU",
							   "telephone-event" */
	uint32_t	clock_rate_hz;
};

/* a=fmtp:<pt> <parameters>: the parameters as written ("0-15"). */
struct sdp_fmtp {
	uint8_t		payload_type;
	uint8_t		truncated;	/* longer than params could hold */
	char		params[SDP_FMTP_LEN];
};

/* Which way media flows (RFC 4566 §6, RFC 3264 §5.1); sendrecv is 0. */
enum sdp_direction {
	SDP_SENDRECV = 0,
	SDP_SENDONLY,
	SDP_RECVONLY,
	SDP_INACTIVE
};

struct sdp_media {
	char			kind[16];	/* "audio", "video", "image" */
	struct vq_endpoint	rtp;		/* media c= (or session c=)
						   and port */
	uint8_t			n_formats;
	uint8_t			formats[SDP_MAX_FORMATS];	/* m= order */
	/*
	 * The rtpmaps and fmtps are held apart, in the session that parsed
	 * them (sdp_parse points these at its own room) or wherever a
	 * keeper of the section puts them: sixteen of each would make a
	 * section 1.6 KB, most of it never used, and a call keeps one per
	 * endpoint.  A copy of the struct shares them.
	 */
	uint8_t			n_rtpmaps;
	struct sdp_rtpmap	*rtpmaps;	/* SDP_MAX_FORMATS of room */
	int			rtcp_mux;	/* a=rtcp-mux */
	uint16_t		rtcp_port;	/* a=rtcp: port, else rtp
						   port + 1; 0 if not RTP */
	int			inactive;	/* port 0 or a=inactive */

	char			proto[SDP_PROTO_LEN];	/* "RTP/AVP", "udptl" */
	/*
	 * A transport that does not carry RTP: T.38 fax over udptl (RFC
	 * 3362), MSRP over TCP, ...  Kept so that a switch to fax is seen;
	 * its rtp endpoint is where that media goes, not an RTP stream.
	 */
	int			not_rtp;
	enum sdp_direction	direction;	/* its own a=, else the
						   session's */
	uint32_t		ptime_ms;	/* a=ptime, 0 when absent */
	uint32_t		maxptime_ms;	/* a=maxptime, 0 when absent */
	/* a=rtcp (RFC 3605): was it given, and the address if it had one. */
	int			rtcp_attr;
	struct vq_addr		rtcp_addr;	/* family 0: rtp.addr's */
	uint8_t			n_fmtps;
	struct sdp_fmtp		*fmtps;		/* SDP_MAX_FORMATS of room */
};

struct sdp_session {
	uint8_t		 n_media;
	struct sdp_media media[SDP_MAX_MEDIA];

	/*
	 * o= (RFC 4566 §5.2): a new offer in the same session keeps the id
	 * and raises the version; the same version is a repeat.
	 */
	int		   has_origin;	/* o= with numeric id and version */
	uint64_t	   origin_session_id;
	uint64_t	   origin_version;
	struct vq_addr	   connection;	/* session c=, family 0 if none */
	enum sdp_direction direction;	/* session-level a=, the default */
	/* What media[i].rtpmaps and fmtps point at. */
	struct sdp_rtpmap  rtpmap_room[SDP_MAX_MEDIA][SDP_MAX_FORMATS];
	struct sdp_fmtp	   fmtp_room[SDP_MAX_MEDIA][SDP_MAX_FORMATS];
};

/*
 * The transport addresses a media section announces: where its RTP goes,
 * where its RTCP goes (RFC 3605 a=rtcp, its port and, if given, its
 * address; else the RTP port + 1, RFC 3550 §11), and whether RTCP may
 * share the RTP port (RFC 5761 a=rtcp-mux).  rtcp is filled even with
 * rtcp_mux: an offer's a=rtcp is where RTCP goes if the answer declines.
 */
struct sdp_endpoints {
	struct vq_endpoint	rtp;
	struct vq_endpoint	rtcp;		/* port 0: none (not RTP, or
						   RTP on port 65535) */
	int			rtcp_mux;
};

/*
 * Parse an SDP body; MALFORMED when it has no v= line or no usable m= line,
 * UNSUPPORTED when its m= lines are well formed but none carries RTP (T.38
 * over udptl, MSRP).  The first SDP_MAX_MEDIA m= lines are kept, in order,
 * those that do not carry RTP flagged not_rtp (and filled in even when the
 * result is UNSUPPORTED).  A media's rtp.addr has family 0 when no c=
 * gives it an IP address.
 */
enum dissect_result sdp_parse(const char *p, size_t len,
	    struct sdp_session *out);

/*
 * The endpoints a parsed media section announces.  Returns 0, or -1 when
 * it announces none: a declined stream (port 0) or no c= address.
 */
int	sdp_media_endpoints(const struct sdp_media *, struct sdp_endpoints *);

/* The a=fmtp parameters of a payload type in this media, or NULL. */
const char *sdp_media_fmtp(const struct sdp_media *, uint8_t payload_type);

/* "sendrecv", "sendonly", "recvonly", "inactive". */
const char *sdp_direction_name(enum sdp_direction);

/*
 * Encoding name and clock rate of a payload type in this media: its rtpmap,
 * else the RFC 3551 static table.  Returns 0, or -1 if neither knows it.
 */
int	sdp_media_codec(const struct sdp_media *, uint8_t payload_type,
	    const char **encoding, uint32_t *clock_rate_hz);

#endif /* VQ_SDP_H */
