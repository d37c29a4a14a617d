/*
 * The call table: SIP INVITE dialogs by Call-ID, their timings and outcome,
 * and the media endpoints their SDP offers and answers announced.
 */
#ifndef VQ_CALLS_H
#define VQ_CALLS_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/addr.h"
#include "dissectors/sdp.h"
#include "dissectors/sip.h"
#include "metrics/snapshot.h"

struct call;
struct call_table;

/* A media endpoint announced in SDP; the call and side that announced it. */
struct call_media {
	struct vq_endpoint	 endpoint;
	struct call		*call;
	int			 by_caller;	/* announced by the caller's SDP */
	struct sdp_media	 sdp;		/* its formats and rtpmaps */
	/*
	 * Counts the switches between RTP and a transport that is not RTP
	 * (a T.38 fax re-INVITE and back): each media period is measured
	 * on its own, so the time spent in fax is not RTP loss.
	 */
	uint32_t		 period;
};

struct call_table	*calls_new(void);
void			 calls_free(struct call_table *);

/*
 * Account for a SIP message captured at ts_us in the frame numbered
 * frame_order (which a new call keeps); sdp is its parsed body or
 * NULL.  Returns the INVITE dialog it belongs to, or NULL (REGISTER,
 * OPTIONS, a dialog whose INVITE was not seen).
 */
struct call	*calls_sip(struct call_table *, const struct sip_msg *,
		    const struct sdp_session *sdp, int64_t ts_us,
		    uint64_t frame_order);

/* The media endpoint learned from SDP at this address and port, or NULL. */
const struct call_media *calls_media_find(const struct call_table *,
		    const struct vq_endpoint *);

/* Number of calls, and the position of one in snapshot order (INVITE order). */
size_t		 calls_count(const struct call_table *);
size_t		 call_index(const struct call *);

/* Fill out[0 .. calls_count() - 1] with every call. */
void		 calls_snapshot(const struct call_table *, struct snap_call *out);

#endif /* VQ_CALLS_H */
