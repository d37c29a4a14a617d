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

/*
 * Where the media stamp of an endpoint is kept, and the stamps: the one
 * at an endpoint's place moves whenever what calls_media_find says of it
 * may have (a flow that saw it unmoved can trust what it found then).
 * Endpoints share places: a move there makes others look again, no more.
 */
#define CALLS_MEDIA_STAMPS	16384
static inline unsigned
calls_media_stamp_at(const struct vq_endpoint *ep)
{
	return (unsigned)(endpoint_hash(ep) >> 50);	/* 14 bits */
}

const uint32_t		*calls_media_stamps(const struct call_table *);

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

/*
 * The media whose RTCP goes to or comes from ep, as its SDP announced it
 * (sdp_media_endpoints): the RTP endpoint itself under rtcp-mux, else the
 * a=rtcp endpoint or the RTP port + 1.  NULL if none.
 */
const struct call_media *calls_rtcp_find(const struct call_table *,
		    const struct vq_endpoint *);

/*
 * Media of the call was seen at ts_us: it is still going on, and the call
 * moves to the end of the activity list.  call_media_until only learns
 * the time (a stream that ends), and the call stays where it is.
 */
void		 calls_touch_media(struct call_table *, struct call *,
		    int64_t ts_us);
void		 call_media_until(struct call *, int64_t ts_us);
/*
 * The least recently active call, and the next more active one; or NULL.
 * The order is of each call's latest move (call_moved_us): by SIP, or by
 * its media, which its analyzer reports at most once a second a stream;
 * none after a call in the order moved before it.
 */
struct call	*calls_least_active(const struct call_table *);
struct call	*call_more_active(const struct call *);
int64_t		 call_moved_us(const struct call *);
/* Calls in the table (not removed). */
size_t		 calls_active(const struct call_table *);
/* Is there a call with this message's Call-ID? */
int		 calls_known(const struct call_table *, const struct sip_msg *);
/* The call of this Call-ID (len bytes, as the wire has it), or NULL. */
struct call	*calls_find_id(const struct call_table *, const char *id,
		    size_t len);
int64_t		 call_last_sip_us(const struct call *);
/* The last SIP message of the call, or media packet reported to it. */
int64_t		 call_last_activity_us(const struct call *);
/* A BYE or a final failure was seen (or call_end_now said so). */
int		 call_has_ended(const struct call *);
/* End a call that never said goodbye (a timeout): why, and when. */
void		 call_end_now(struct call *, int64_t ts_us, const char *reason);
/*
 * Keep a SIP message of the call for the views (its ladder): when, from
 * where to where, its first line, and its text, all bounded.
 */
void		 calls_note_message(struct call *, const struct sip_msg *,
		    int64_t ts_us, const struct vq_endpoint *src,
		    const struct vq_endpoint *dst, const uint8_t *raw,
		    size_t raw_len);
/* The call's Call-ID (made safe). */
void		 call_copy_id(const struct call *, char *buf, size_t size);
/* A pointer the caller keeps on a call (NULL when made). */
void		 call_set_user(struct call *, void *);
void		 *call_user(const struct call *);
/* A second one, for the call's evidence (its pcap file). */
void		 call_set_evidence(struct call *, void *);
void		 *call_evidence(const struct call *);
/*
 * A stream of the call ended: its figures count in the call's verdict
 * (snap_call.media).
 */
void		 call_media_add(struct call *, const struct snap_stream *);
/* The capture frame of its INVITE. */
uint64_t	 call_order(const struct call *);

/* The call at position i of calls_count() (INVITE order). */
struct call	*calls_at(const struct call_table *, size_t i);
/*
 * Take a call and its media endpoints out of the table: SIP and media
 * about it are no longer matched.  It stays in memory, at its position,
 * until calls_compact, which frees it and renumbers the rest.
 */
void		 calls_remove(struct call_table *, struct call *);
void		 calls_compact(struct call_table *);
/*
 * The end of a run: copy the first n calls (INVITE order) with their
 * messages into out, then free them and their media endpoints, so that
 * the copies and the calls need not all exist at once.  The rest move
 * up.  Returns how many were copied.
 */
size_t		 calls_hand_over(struct call_table *, struct snap_call *out,
		    size_t n);
/* Calls removed and not compacted yet. */
size_t		 calls_removed(const struct call_table *);

/* Number of calls, and the position of one in snapshot order (INVITE order). */
size_t		 calls_count(const struct call_table *);
size_t		 call_index(const struct call *);

/*
 * One call as plain data; its messages copied too when with_msgs is set
 * (snap_call_release frees them).
 */
void		 call_snapshot(const struct call *, struct snap_call *,
		    int with_msgs);
/*
 * The call for a part sent on, with its messages: copied when they
 * changed since the call's previous part that had them (or always),
 * else left out and msgs_same set.  A call whose every stream part
 * copied 64 messages of 4 KB held 256 KB a stream in the ring to the
 * aggregator, however long that lagged.
 */
void		 call_part_snapshot(struct call *, struct snap_call *,
		    int always);
/* Fill out[0 .. calls_active() - 1] with every call in the table. */
void		 calls_snapshot(const struct call_table *, struct snap_call *out);

#endif /* VQ_CALLS_H */
