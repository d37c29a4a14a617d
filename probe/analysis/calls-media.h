/*
 * The call table's media map: the endpoints SDP announced, by RTP and by
 * RTCP endpoint, each with the call that announced it last.  Nothing but
 * calls.c includes this; the rest of the probe asks calls.h.
 */
#ifndef VQ_CALLS_MEDIA_H
#define VQ_CALLS_MEDIA_H

#include <stdint.h>

#include "dissectors/addr.h"
#include "dissectors/sdp.h"
#include "probe/analysis/calls.h"

struct media_map;

struct media_map	*media_map_new(void);
void			 media_map_free(struct media_map *);
/* The stamps of calls_media_stamps. */
const uint32_t		*media_map_stamps(const struct media_map *);
/*
 * The media line sm of call c, announced by the caller or not: its RTP
 * endpoint (and RTCP, per its SDP) now lead to it, whoever had them.
 */
void			 media_map_put(struct media_map *, struct call *c,
			    const struct sdp_media *sm, int by_caller);
/* Forget the endpoint packed in key, unless a call other than c has it. */
void			 media_map_drop(struct media_map *,
			    const uint8_t key[ENDPOINT_KEY_LEN],
			    const struct call *c);
/* As calls_media_find and calls_rtcp_find say. */
const struct call_media	*media_map_find(const struct media_map *,
			    const struct vq_endpoint *);
const struct call_media	*media_map_rtcp_find(const struct media_map *,
			    const struct vq_endpoint *);

#endif /* VQ_CALLS_MEDIA_H */
