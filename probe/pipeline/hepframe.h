/*
 * What a HEP packet carried, as the IP packet it was mirrored from: the
 * capture thread decodes HEP input like any other frame, of link type
 * raw IP, so that SIP, RTP and RTCP mirrored over HEP take the very path
 * a capture's do.
 */
#ifndef VQ_HEPFRAME_H
#define VQ_HEPFRAME_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/hep.h"

/* The link type of what hepframe_build makes (LINKTYPE_RAW). */
#define HEPFRAME_LINKTYPE	101
/* The most payload a frame carries: what an IPv6 + TCP header leaves. */
#define HEPFRAME_MAX_PAYLOAD	(65535 - 40 - 20)

enum hepframe_result {
	HEPFRAME_OK,
	HEPFRAME_NOT_ANALYSED,	/* a protocol type vqprobe does not read */
	HEPFRAME_INFLATE_FAILED	/* a compressed payload that would not
				   inflate, or not within the bound */
};

/* The builder: its buffers and the TCP flows' running sequence numbers. */
struct hepframe;

struct hepframe	*hepframe_new(void);
void		 hepframe_free(struct hepframe *);
/*
 * Make the IP packet m was mirrored from: IPv4 or IPv6, then UDP, or TCP
 * (PSH|ACK, the flow's next sequence number) when m says TCP, then the
 * payload, inflated when it came compressed.  Types read: SIP, RTP, and
 * RTCP when the payload is RTCP itself (not heplify's JSON).  On
 * HEPFRAME_OK, *ip and *len are the packet, valid until the next call.
 */
enum hepframe_result hepframe_build(struct hepframe *, const struct hep_msg *m,
		    const uint8_t **ip, size_t *len);

#endif /* VQ_HEPFRAME_H */
