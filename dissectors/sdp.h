/*
 * SDP (RFC 4566, RFC 3264 offer/answer): where media will flow and how.
 */
#ifndef VQ_SDP_H
#define VQ_SDP_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/addr.h"
#include "dissectors/dissect.h"

#define SDP_MAX_MEDIA	4
#define SDP_MAX_FORMATS	16
#define SDP_ENCODING_LEN 24

struct sdp_rtpmap {
	uint8_t		payload_type;
	char		encoding[SDP_ENCODING_LEN];	/* "PCMU", "telephone-event" */
	uint32_t	clock_rate_hz;
};

struct sdp_media {
	char			kind[16];	/* "audio", "video", "application" */
	struct vq_endpoint	rtp;		/* media c= (or session c=) and port */
	uint8_t			n_formats;
	uint8_t			formats[SDP_MAX_FORMATS];	/* m= order */
	uint8_t			n_rtpmaps;
	struct sdp_rtpmap	rtpmaps[SDP_MAX_FORMATS];
	int			rtcp_mux;	/* a=rtcp-mux */
	uint16_t		rtcp_port;	/* a=rtcp: port, else rtp port + 1 */
	int			inactive;	/* port 0 or a=inactive */
};

struct sdp_session {
	uint8_t		 n_media;
	struct sdp_media media[SDP_MAX_MEDIA];
};

/*
 * Parse an SDP body; MALFORMED when it has no v= line or no usable m= line,
 * UNSUPPORTED when its m= lines are well formed but none carries RTP (T.38
 * over udptl, MSRP).  Only RTP m= lines are kept, the first SDP_MAX_MEDIA.
 * A media's rtp.addr has family 0 when no c= gives it an IP address.
 */
enum dissect_result sdp_parse(const char *p, size_t len,
	    struct sdp_session *out);

/*
 * Encoding name and clock rate of a payload type in this media: its rtpmap,
 * else the RFC 3551 static table.  Returns 0, or -1 if neither knows it.
 */
int	sdp_media_codec(const struct sdp_media *, uint8_t payload_type,
	    const char **encoding, uint32_t *clock_rate_hz);

#endif /* VQ_SDP_H */
