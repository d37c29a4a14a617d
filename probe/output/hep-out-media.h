/*
 * Which call a media endpoint belongs to, for HEP out's RTCP: learnt
 * from the SDP of the SIP messages the HEP thread sends, so that an
 * RTCP packet can carry its call's Call-ID as the correlation id
 * heplify-server files it under.  The HEP thread's own: no lock.
 *
 * Bounded: past max entries the least recently learnt or used goes (and
 * is counted); a call's entries go a few seconds after its BYE (the
 * endpoints' last RTCP, their RTCP BYE, comes about then), and any entry
 * unused for idle_us of capture time goes at the next sweep.
 */
#ifndef VQ_HEP_OUT_MEDIA_H
#define VQ_HEP_OUT_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/addr.h"

/* The longest Call-ID kept; a longer one is not learnt. */
#define HEP_MEDIA_CALL_ID_MAX	255

struct hep_media;

struct hep_media *hep_media_new(size_t max, int64_t idle_us);
void		 hep_media_free(struct hep_media *);
/*
 * The SDP of a SIP message of call_id (call_id_len bytes) at now_us:
 * its media endpoints, RTP and RTCP, now belong to that call.
 */
void		 hep_media_learn_sdp(struct hep_media *, const char *sdp,
		    size_t sdp_len, const char *call_id, size_t call_id_len,
		    int64_t now_us);
/* A call's BYE after this long, its endpoints are no longer its. */
#define HEP_MEDIA_BYE_GRACE_US	(5 * 1000000LL)
/*
 * The call ended (its BYE at now_us): forget its endpoints
 * HEP_MEDIA_BYE_GRACE_US later.
 */
void		 hep_media_forget_call(struct hep_media *, const char *call_id,
		    size_t call_id_len, int64_t now_us);
/*
 * The Call-ID of RTCP from src to dst at now_us: either end's endpoint
 * as announced for RTCP, or for RTP one port below (RFC 3550's RTP + 1)
 * or the same port (rtcp-mux).  NULL when neither is known; else *len.
 */
const char	*hep_media_call_of(struct hep_media *,
		    const struct vq_endpoint *src,
		    const struct vq_endpoint *dst, int64_t now_us,
		    size_t *len);
/* Forget entries unused for idle_us before now_us. */
void		 hep_media_sweep(struct hep_media *, int64_t now_us);
/* Entries now, and those evicted for want of room. */
size_t		 hep_media_count(const struct hep_media *);
uint64_t	 hep_media_evicted(const struct hep_media *);

#endif /* VQ_HEP_OUT_MEDIA_H */
