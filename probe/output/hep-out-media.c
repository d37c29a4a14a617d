/*
 * Media endpoints to Call-IDs (see hep-out-media.h).
 *
 * A uthash table in the order entries were last learnt or used: a use
 * moves the entry to the end, so the head is always the one to evict or
 * to sweep first.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "dissectors/sdp.h"
#include "probe/output/hep-out-media.h"
#include "probe/vqprobe.h"

struct media_entry {
	uint8_t		 key[ENDPOINT_KEY_LEN];
	int64_t		 used_us;
	int64_t		 ends_us;	/* after its call's BYE; 0: none */
	size_t		 call_id_len;
	char		 call_id[HEP_MEDIA_CALL_ID_MAX];
	UT_hash_handle	 hh;
};

struct hep_media {
	struct media_entry	*table;
	size_t			 max;
	int64_t			 idle_us;
	uint64_t		 evicted;
};

struct hep_media *
hep_media_new(size_t max, int64_t idle_us)
{
	struct hep_media *m = xcalloc(1, sizeof(*m));

	m->max = max > 0 ? max : 1;
	m->idle_us = idle_us;
	return m;
}

static void
entry_delete(struct hep_media *m, struct media_entry *e)
{
	HASH_DEL(m->table, e);
	free(e);
}

void
hep_media_free(struct hep_media *m)
{
	struct media_entry *e, *tmp;

	if (m == NULL)
		return;
	HASH_ITER(hh, m->table, e, tmp)
		entry_delete(m, e);
	free(m);
}

/* Used now: to the end of the order. */
static void
entry_touch(struct hep_media *m, struct media_entry *e, int64_t now_us)
{
	HASH_DEL(m->table, e);
	e->used_us = now_us;
	HASH_ADD(hh, m->table, key, sizeof(e->key), e);
}

static void
learn(struct hep_media *m, const struct vq_endpoint *ep, const char *call_id,
    size_t call_id_len, int64_t now_us)
{
	struct media_entry *e;
	uint8_t key[ENDPOINT_KEY_LEN];

	endpoint_pack(ep, key);
	HASH_FIND(hh, m->table, key, sizeof(key), e);
	if (e == NULL) {
		if (HASH_COUNT(m->table) >= m->max) {
			entry_delete(m, m->table);
			m->evicted++;
		}
		e = xcalloc(1, sizeof(*e));
		memcpy(e->key, key, sizeof(key));
	} else
		HASH_DEL(m->table, e);
	memcpy(e->call_id, call_id, call_id_len);
	e->call_id_len = call_id_len;
	e->used_us = now_us;
	e->ends_us = 0;
	HASH_ADD(hh, m->table, key, sizeof(e->key), e);
}

void
hep_media_learn_sdp(struct hep_media *m, const char *sdp, size_t sdp_len,
    const char *call_id, size_t call_id_len, int64_t now_us)
{
	struct sdp_session sess;
	struct sdp_endpoints ep;
	enum dissect_result r;
	size_t i;

	if (call_id_len == 0 || call_id_len > HEP_MEDIA_CALL_ID_MAX)
		return;
	r = sdp_parse(sdp, sdp_len, &sess);
	if (r != DISSECT_OK && r != DISSECT_UNSUPPORTED)
		return;
	for (i = 0; i < sess.n_media; i++) {
		if (sdp_media_endpoints(&sess.media[i], &ep) != 0)
			continue;
		/*
		 * RTCP on RTP's port (rtcp-mux) or the next is found by the
		 * RTP entry: only another address or port needs its own.
		 */
		learn(m, &ep.rtp, call_id, call_id_len, now_us);
		if (ep.rtcp.port != 0 && (!addr_equal(&ep.rtcp.addr,
		    &ep.rtp.addr) || (ep.rtcp.port != ep.rtp.port &&
		    ep.rtcp.port != ep.rtp.port + 1)))
			learn(m, &ep.rtcp, call_id, call_id_len, now_us);
	}
}

void
hep_media_forget_call(struct hep_media *m, const char *call_id,
    size_t call_id_len, int64_t now_us)
{
	struct media_entry *e;

	for (e = m->table; e != NULL; e = e->hh.next)
		if (e->call_id_len == call_id_len && e->ends_us == 0 &&
		    memcmp(e->call_id, call_id, call_id_len) == 0)
			e->ends_us = now_us + HEP_MEDIA_BYE_GRACE_US;
}

/* The entry of ep with its port less port_less, or NULL. */
static struct media_entry *
find(struct hep_media *m, const struct vq_endpoint *ep, int port_less)
{
	struct vq_endpoint e = *ep;
	struct media_entry *found;
	uint8_t key[ENDPOINT_KEY_LEN];

	if (e.port < port_less)
		return NULL;
	e.port = (uint16_t)(e.port - port_less);
	endpoint_pack(&e, key);
	HASH_FIND(hh, m->table, key, sizeof(key), found);
	return found;
}

const char *
hep_media_call_of(struct hep_media *m, const struct vq_endpoint *src,
    const struct vq_endpoint *dst, int64_t now_us, size_t *len)
{
	struct media_entry *e;

	/* Announced RTCP, or rtcp-mux, first; then RTP's port + 1. */
	if ((e = find(m, dst, 0)) == NULL && (e = find(m, src, 0)) == NULL &&
	    (e = find(m, dst, 1)) == NULL && (e = find(m, src, 1)) == NULL)
		return NULL;
	/* Its call ended a while ago: the endpoint is nobody's now. */
	if (e->ends_us != 0 && now_us > e->ends_us) {
		entry_delete(m, e);
		return NULL;
	}
	entry_touch(m, e, now_us);
	*len = e->call_id_len;
	return e->call_id;
}

void
hep_media_sweep(struct hep_media *m, int64_t now_us)
{
	struct media_entry *e, *next;

	/* The order is by use: stop at the first entry still fresh. */
	while (m->table != NULL && now_us - m->table->used_us > m->idle_us)
		entry_delete(m, m->table);
	/* Those of calls ended, wherever they are. */
	for (e = m->table; e != NULL; e = next) {
		next = e->hh.next;
		if (e->ends_us != 0 && now_us > e->ends_us)
			entry_delete(m, e);
	}
}

size_t
hep_media_count(const struct hep_media *m)
{
	return HASH_COUNT(m->table);
}

uint64_t
hep_media_evicted(const struct hep_media *m)
{
	return m->evicted;
}
