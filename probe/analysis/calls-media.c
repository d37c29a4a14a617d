/*
 * The call table's media map (see calls-media.h).
 *
 * An entry keeps the media line that announced its endpoint as an
 * sdp_media whose rtpmaps and fmtps sit in one block sized to them: the
 * parse's room for sixteen of each is 1.6 KB, and a call keeps two or
 * more entries for as long as it is up.
 */
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "probe/analysis/calls-media.h"
#include "probe/vqprobe.h"

/*
 * A media endpoint in the map: the hash key is its packed address and port.
 * It is in the RTCP map too, under the RTCP endpoint its SDP announced,
 * unless a later media line announced the same one.
 */
struct media_entry {
	uint8_t			key[ENDPOINT_KEY_LEN];
	uint8_t			rtcp_key[ENDPOINT_KEY_LEN];
	int			rtcp_indexed;	/* in the RTCP map */
	struct call_media	media;
	void			*sdp_room;	/* media.sdp's rtpmaps, fmtps */
	UT_hash_handle		hh;
	UT_hash_handle		hh_rtcp;
};

struct media_map {
	struct media_entry	*media;		/* uthash head */
	struct media_entry	*rtcp;		/* by RTCP endpoint */
	uint32_t		 stamps[CALLS_MEDIA_STAMPS];
};

struct media_map *
media_map_new(void)
{
	return xcalloc(1, sizeof(struct media_map));
}

/* File a media entry under the RTCP endpoint its SDP announced. */
static void
rtcp_index(struct media_map *map, struct media_entry *e)
{
	struct sdp_endpoints ep;
	struct media_entry *old;

	if (sdp_media_endpoints(&e->media.sdp, &ep) != 0 || ep.rtcp.port == 0)
		return;
	endpoint_pack(&ep.rtcp, e->rtcp_key);
	/* The latest media to announce it wins, as for RTP endpoints. */
	HASH_FIND(hh_rtcp, map->rtcp, e->rtcp_key, ENDPOINT_KEY_LEN, old);
	if (old != NULL) {
		HASH_DELETE(hh_rtcp, map->rtcp, old);
		old->rtcp_indexed = 0;
	}
	HASH_ADD(hh_rtcp, map->rtcp, rtcp_key, ENDPOINT_KEY_LEN, e);
	e->rtcp_indexed = 1;
}

static void
rtcp_unindex(struct media_map *map, struct media_entry *e)
{
	if (e->rtcp_indexed) {
		HASH_DELETE(hh_rtcp, map->rtcp, e);
		e->rtcp_indexed = 0;
	}
}

/* Take a media entry out of both maps and free it. */
static void
entry_free(struct media_map *map, struct media_entry *e)
{
	map->stamps[calls_media_stamp_at(&e->media.endpoint)]++;
	rtcp_unindex(map, e);
	HASH_DEL(map->media, e);
	free(e->sdp_room);
	free(e);
}

void
media_map_free(struct media_map *map)
{
	struct media_entry *e, *tmp;

	if (map == NULL)
		return;
	HASH_ITER(hh, map->media, e, tmp)
		entry_free(map, e);
	free(map);
}

const uint32_t *
media_map_stamps(const struct media_map *map)
{
	return map->stamps;
}

/* Keep a media line's SDP in an entry, its tables in a block of their own. */
static void
entry_keep_sdp(struct media_entry *e, const struct sdp_media *sm)
{
	size_t maps = sm->n_rtpmaps * sizeof(*sm->rtpmaps);
	size_t fmtps = sm->n_fmtps * sizeof(*sm->fmtps);
	uint8_t *room = NULL;

	free(e->sdp_room);
	if (maps + fmtps > 0) {
		room = xcalloc(1, maps + fmtps);
		memcpy(room, sm->rtpmaps, maps);
		memcpy(room + maps, sm->fmtps, fmtps);
	}
	e->sdp_room = room;
	e->media.sdp = *sm;
	e->media.sdp.rtpmaps = maps > 0 ? (struct sdp_rtpmap *)room : NULL;
	e->media.sdp.fmtps = fmtps > 0 ? (struct sdp_fmtp *)(room + maps) :
	    NULL;
}

void
media_map_put(struct media_map *map, struct call *c,
    const struct sdp_media *sm, int by_caller)
{
	struct media_entry *e;
	uint8_t key[ENDPOINT_KEY_LEN];

	endpoint_pack(&sm->rtp, key);
	HASH_FIND(hh, map->media, key, sizeof(key), e);
	if (e == NULL) {
		e = xcalloc(1, sizeof(*e));
		memcpy(e->key, key, sizeof(key));
		HASH_ADD(hh, map->media, key, sizeof(e->key), e);
	} else if (e->media.sdp.not_rtp != sm->not_rtp)
		e->media.period++;
	/* A later call reusing the address and port takes it over. */
	map->stamps[calls_media_stamp_at(&sm->rtp)]++;
	rtcp_unindex(map, e);
	e->media.endpoint = sm->rtp;
	e->media.call = c;
	e->media.by_caller = by_caller;
	entry_keep_sdp(e, sm);
	rtcp_index(map, e);
}

void
media_map_drop(struct media_map *map, const uint8_t key[ENDPOINT_KEY_LEN],
    const struct call *c)
{
	struct media_entry *e;

	HASH_FIND(hh, map->media, key, ENDPOINT_KEY_LEN, e);
	/* A later call may have taken the endpoint over: leave it. */
	if (e != NULL && e->media.call == c)
		entry_free(map, e);
}

const struct call_media *
media_map_find(const struct media_map *map, const struct vq_endpoint *ep)
{
	struct media_entry *e;
	uint8_t key[ENDPOINT_KEY_LEN];

	endpoint_pack(ep, key);
	HASH_FIND(hh, map->media, key, sizeof(key), e);
	return e ? &e->media : NULL;
}

const struct call_media *
media_map_rtcp_find(const struct media_map *map, const struct vq_endpoint *ep)
{
	struct sdp_endpoints announced;
	struct media_entry *e;
	uint8_t key[ENDPOINT_KEY_LEN];

	endpoint_pack(ep, key);
	HASH_FIND(hh, map->media, key, sizeof(key), e);
	if (e != NULL && sdp_media_endpoints(&e->media.sdp, &announced) == 0 &&
	    announced.rtcp_mux)
		return &e->media;
	HASH_FIND(hh_rtcp, map->rtcp, key, sizeof(key), e);
	return e ? &e->media : NULL;
}
