/*
 * The call table: SIP INVITE dialogs (RFC 3261 §13-15) by Call-ID.
 *
 * Timings are taken from capture time, as a passive observer sees them:
 *   pdd_ms     first INVITE → first 180/183 (post-dial delay)
 *   setup_ms   first INVITE → first 2xx to that INVITE
 *   duration_s 2xx → BYE
 * A retransmitted INVITE does not move the start.  A 401/407 challenge
 * followed by a new INVITE on the same Call-ID is one call, timed from the
 * first INVITE, because that is what the caller waited through.
 */
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "probe/analysis/calls-media.h"
#include "probe/analysis/calls.h"
#include "probe/text.h"
#include "probe/vqprobe.h"

#define CALL_MAX_DIALOGS	8
/* SIP messages a call keeps for the views, and the bytes of each. */
#define CALL_MAX_MSGS		64
#define CALL_MAX_MSG_TEXT	4096
/*
 * Media endpoints a call keeps in the map.  Every offer and answer may
 * announce new ones (a re-INVITE that moves the media); past this many the
 * one announced least recently is forgotten, so that a dialog that keeps
 * renegotiating grows neither the map nor its own list without end.
 */
#define CALL_MAX_MEDIA		64
#define CALL_TAG_LEN		64

struct call {
	/*
	 * Its texts, made safe and cut to SNAP_TEXT_LEN as the snapshot
	 * holds them, but each only as long as it is: the INVITE's in text[]
	 * at the end of the call, the end reason on its own.  Room for the
	 * longest of each made a call 2 KB, most of it never written.
	 */
	const char	*call_id;	/* hash key */
	const char	*from;
	const char	*to;
	const char	*caller_tag;
	char		*end_reason;	/* NULL while the call goes on */
	int		 q850_cause;	/* -1: none given */
	/*
	 * The To tags of responses to the INVITE: a forking proxy makes one
	 * early dialog per branch that answers (RFC 3261 12.1, 13.2.2.4).
	 */
	char		(*dialog_tags)[CALL_TAG_LEN];
	unsigned	 n_dialogs;
	const char	*state;
	size_t		 index;
	uint32_t	 invite_cseq;
	int		 final_code;
	int		 cancelled;
	int64_t		 invite_us;
	int64_t		 ringing_us;	/* 0: none yet */
	int64_t		 answer_us;
	int64_t		 end_us;
	uint64_t	 order;		/* capture frame of the INVITE */
	int64_t		 last_sip_us;
	int64_t		 last_media_us;
	int64_t		 moved_us;	/* its latest move in the lru */
	void		*user;		/* the caller's, see call_user */
	void		*evidence;	/* the caller's, see call_evidence */
	struct verdict_sums media[2];	/* its ended streams, per side */
	int		 removed;	/* out of the table, freed at compaction */
	/* Least recently active first: what the table evicts. */
	struct call	*lru_prev;
	struct call	*lru_next;
	/* Its SIP messages, for the views (calls_note_message). */
	struct snap_sip_msg *msgs;
	size_t		 n_msgs;
	size_t		 msgs_dropped;
	size_t		 msgs_sent;	/* n_msgs + msgs_dropped + 1 when a
					   part last carried them */
	/* The media endpoints its SDP put in the map, packed. */
	uint8_t		(*media_keys)[ENDPOINT_KEY_LEN];
	size_t		 n_media_keys;
	UT_hash_handle	 hh;
	char		 text[];	/* call_id, from, to, caller_tag */
};

struct call_table {
	struct call		 *by_id;	/* uthash head */
	struct call		**order;	/* INVITE order */
	size_t			  n_calls;
	size_t			  cap_calls;
	struct media_map	 *media;	/* the endpoints SDP announced */
	size_t			  n_removed;	/* in order[] until compaction */
	struct call		 *lru_head;	/* least recently active */
	struct call		 *lru_tail;
};

const uint32_t *
calls_media_stamps(const struct call_table *t)
{
	return media_map_stamps(t->media);
}


/* Take a call out of the activity list. */
static void
lru_unlink(struct call_table *t, struct call *c)
{
	if (c->lru_prev != NULL)
		c->lru_prev->lru_next = c->lru_next;
	else
		t->lru_head = c->lru_next;
	if (c->lru_next != NULL)
		c->lru_next->lru_prev = c->lru_prev;
	else
		t->lru_tail = c->lru_prev;
	c->lru_prev = c->lru_next = NULL;
}

/* The call was active at ts_us: it goes to the end of the activity list. */
static void
lru_touch(struct call_table *t, struct call *c, int64_t ts_us)
{
	if (ts_us > c->moved_us)
		c->moved_us = ts_us;
	if (t->lru_tail == c)
		return;
	if (c->lru_prev != NULL || c->lru_next != NULL || t->lru_head == c)
		lru_unlink(t, c);
	c->lru_prev = t->lru_tail;
	if (t->lru_tail != NULL)
		t->lru_tail->lru_next = c;
	else
		t->lru_head = c;
	t->lru_tail = c;
}

static void
call_free(struct call *c)
{
	size_t i;

	for (i = 0; i < c->n_msgs; i++)
		free(c->msgs[i].text);
	free(c->msgs);
	free(c->media_keys);
	free(c->dialog_tags);
	free(c->end_reason);
	free(c);
}

struct call_table *
calls_new(void)
{
	struct call_table *t;

	t = xcalloc(1, sizeof(*t));
	t->media = media_map_new();
	return t;
}

void
calls_free(struct call_table *t)
{
	struct call *c, *ctmp;

	if (t == NULL)
		return;
	media_map_free(t->media);
	HASH_ITER(hh, t->by_id, c, ctmp) {
		HASH_DEL(t->by_id, c);
	}
	/* Every call is in order[], removed ones too until compaction. */
	for (size_t i = 0; i < t->n_calls; i++)
		call_free(t->order[i]);
	free(t->order);
	free(t);
}

/* Compare a packet string with a stored (made safe) one. */
static int
safe_equal(const struct sip_str *s, const char *stored)
{
	char buf[SNAP_TEXT_LEN];

	text_copy_safe(buf, sizeof(buf), s->p, s->len);
	return strcmp(buf, stored) == 0;
}

static struct call *
call_create(struct call_table *t, const char *call_id, const struct sip_msg *m,
    int64_t ts_us, uint64_t frame_order)
{
	char from[SNAP_TEXT_LEN], to[SNAP_TEXT_LEN], tag[SNAP_TEXT_LEN];
	size_t n_id, n_from, n_to, n_tag;
	struct call *c;
	char *p;

	n_id = strlen(call_id) + 1;
	n_from = text_copy_safe(from, sizeof(from), m->from_uri.p,
	    m->from_uri.len) + 1;
	n_to = text_copy_safe(to, sizeof(to), m->to_uri.p, m->to_uri.len) + 1;
	n_tag = text_copy_safe(tag, sizeof(tag), m->from_tag.p,
	    m->from_tag.len) + 1;
	c = xcalloc(1, sizeof(*c) + n_id + n_from + n_to + n_tag);
	p = c->text;
	c->call_id = memcpy(p, call_id, n_id);
	c->from = memcpy(p += n_id, from, n_from);
	c->to = memcpy(p += n_from, to, n_to);
	c->caller_tag = memcpy(p + n_to, tag, n_tag);
	c->state = "setup";
	c->q850_cause = -1;
	c->invite_cseq = m->cseq;
	c->invite_us = ts_us;
	c->order = frame_order;

	if (t->n_calls == t->cap_calls) {
		t->cap_calls = t->cap_calls ? t->cap_calls * 2 : 64;
		t->order = xreallocarray(t->order, t->cap_calls,
		    sizeof(*t->order));
	}
	c->index = t->n_calls;
	t->order[t->n_calls++] = c;
	HASH_ADD_KEYPTR(hh, t->by_id, c->call_id, n_id - 1, c);
	return c;
}

/* The state a final response to the INVITE leaves (sngrep's names). */
static const char *
failure_state(int code, int cancelled)
{
	if (code == 487 && cancelled)
		return "cancelled";
	if (code >= 300 && code < 400)
		return "diverted";
	if (code == 486 || code == 600)
		return "busy";
	return "rejected";
}

/* Say why the call ended (NULL: it has not), cut as a snapshot's text. */
static void
keep_end_reason(struct call *c, const char *reason)
{
	char cut[SNAP_TEXT_LEN];

	free(c->end_reason);
	c->end_reason = NULL;
	if (reason != NULL) {
		snprintf(cut, sizeof(cut), "%s", reason);
		c->end_reason = xstrdup(cut);
	}
}

static void
set_end_reason(struct call *c, const char *what, const struct sip_msg *m)
{
	char reason[SNAP_TEXT_LEN], both[SNAP_TEXT_LEN];

	c->q850_cause = m->reason_cause;
	if (m->reason.len == 0) {
		keep_end_reason(c, what);
		return;
	}
	/* The Reason header (RFC 3326) says why, e.g. Q.850 cause 16. */
	text_copy_safe(reason, sizeof(reason), m->reason.p, m->reason.len);
	snprintf(both, sizeof(both), "%.63s %.180s", what, reason);
	keep_end_reason(c, both);
}

/* Count the dialog a response to the INVITE belongs to, once. */
static void
note_dialog(struct call *c, const struct sip_msg *m)
{
	char tag[CALL_TAG_LEN];
	unsigned i;

	if (m->to_tag.len == 0 || m->status_code < 101)
		return;		/* 100 Trying makes no dialog */
	text_copy_safe(tag, sizeof(tag), m->to_tag.p, m->to_tag.len);
	for (i = 0; i < c->n_dialogs; i++)
		if (strcmp(c->dialog_tags[i], tag) == 0)
			return;
	if (c->n_dialogs < CALL_MAX_DIALOGS) {
		c->dialog_tags = xreallocarray(c->dialog_tags, c->n_dialogs + 1,
		    sizeof(*c->dialog_tags));
		memcpy(c->dialog_tags[c->n_dialogs++], tag, sizeof(tag));
	}
}

static void
response_to_invite(struct call *c, const struct sip_msg *m, int64_t ts_us)
{
	int code = m->status_code;
	const char *phrase;
	char what[64];

	if (m->cseq != c->invite_cseq)
		return;		/* a re-INVITE's answer: not the call's setup */
	note_dialog(c, m);
	if (code >= 180 && code < 200) {
		if (c->ringing_us == 0)
			c->ringing_us = ts_us;
		if (strcmp(c->state, "setup") == 0)
			c->state = "ringing";
	} else if (code >= 200 && code < 300) {
		if (c->answer_us == 0) {
			c->answer_us = ts_us;
			c->final_code = code;
			c->state = "in_call";
		}
	} else if (code >= 300 && c->final_code == 0) {
		c->final_code = code;
		c->end_us = ts_us;
		c->state = failure_state(code, c->cancelled);
		phrase = sip_status_phrase(code);
		snprintf(what, sizeof(what), "%d%s%s", code, phrase ? " " : "",
		    phrase ? phrase : "");
		set_end_reason(c, what, m);
	}
}

/* A new INVITE without a To tag after a 401/407: the same call, retried. */
static void
invite_again(struct call *c, const struct sip_msg *m)
{
	if (m->to_tag.len != 0 || m->cseq <= c->invite_cseq)
		return;
	if (c->final_code == 401 || c->final_code == 407) {
		c->invite_cseq = m->cseq;
		c->final_code = 0;
		c->end_us = 0;
		keep_end_reason(c, NULL);
		c->q850_cause = -1;
		c->state = "setup";
	}
}

static void
request_in_call(struct call *c, const struct sip_msg *m, int64_t ts_us)
{
	int by_caller = safe_equal(&m->from_tag, c->caller_tag);

	switch (m->method) {
	case SIP_INVITE:
		invite_again(c, m);
		break;
	case SIP_CANCEL:
		c->cancelled = 1;
		break;
	case SIP_BYE:
		if (c->end_us == 0) {
			c->end_us = ts_us;
			c->state = "completed";
			set_end_reason(c, by_caller ? "bye_caller" : "bye_callee",
			    m);
		}
		break;
	default:
		break;
	}
}

/* Take the call's first endpoint out of its list, and out of the map. */
static void
forget_first_media(struct call_table *t, struct call *c)
{
	media_map_drop(t->media, c->media_keys[0], c);
	c->n_media_keys--;
	memmove(c->media_keys[0], c->media_keys[1],
	    c->n_media_keys * sizeof(*c->media_keys));
}

/* Remember one media line as belonging to this call. */
static void
learn_one(struct call_table *t, struct call *c, const struct sdp_media *sm,
    int by_caller)
{
	uint8_t key[ENDPOINT_KEY_LEN];
	size_t i;

	endpoint_pack(&sm->rtp, key);
	/*
	 * The call remembers its endpoints, to take them out when it goes,
	 * the one announced last at the end.
	 */
	for (i = 0; i < c->n_media_keys; i++)
		if (memcmp(c->media_keys[i], key, sizeof(key)) == 0)
			break;
	if (i < c->n_media_keys) {
		memmove(c->media_keys[i], c->media_keys[i + 1],
		    (c->n_media_keys - i - 1) * sizeof(*c->media_keys));
		c->n_media_keys--;
	} else if (c->n_media_keys == CALL_MAX_MEDIA)
		forget_first_media(t, c);
	else
		c->media_keys = xreallocarray(c->media_keys,
		    c->n_media_keys + 1, sizeof(*c->media_keys));
	memcpy(c->media_keys[c->n_media_keys++], key, sizeof(key));
	media_map_put(t->media, c, sm, by_caller);
}

/*
 * Remember every media line of an SDP body.  Lines that are not RTP go
 * first: when an answer keeps audio and fax on one port, audio is what
 * flows until a later offer drops it.
 */
static void
learn_media(struct call_table *t, struct call *c, const struct sdp_session *sdp,
    int by_caller)
{
	int rtp_pass;
	size_t i;

	for (rtp_pass = 0; rtp_pass < 2; rtp_pass++)
		for (i = 0; i < sdp->n_media; i++) {
			const struct sdp_media *sm = &sdp->media[i];

			if (sm->inactive || sm->rtp.port == 0 ||
			    sm->rtp.addr.family == 0 ||
			    (sm->not_rtp != 0) == rtp_pass)
				continue;
			learn_one(t, c, sm, by_caller);
		}
}

struct call *
calls_sip(struct call_table *t, const struct sip_msg *m,
    const struct sdp_session *sdp, int64_t ts_us, uint64_t frame_order)
{
	char call_id[SNAP_TEXT_LEN];
	struct call *c;
	int by_caller;

	text_copy_safe(call_id, sizeof(call_id), m->call_id.p, m->call_id.len);
	HASH_FIND_STR(t->by_id, call_id, c);
	if (c == NULL) {
		if (!m->is_request || m->method != SIP_INVITE ||
		    m->to_tag.len != 0)
			return NULL;
		c = call_create(t, call_id, m, ts_us, frame_order);
	}

	c->last_sip_us = ts_us;
	lru_touch(t, c, ts_us);
	if (m->is_request) {
		request_in_call(c, m, ts_us);
		by_caller = safe_equal(&m->from_tag, c->caller_tag);
	} else {
		if (m->cseq_method == SIP_INVITE)
			response_to_invite(c, m, ts_us);
		/* A response comes from the side the request went to. */
		by_caller = !safe_equal(&m->from_tag, c->caller_tag);
	}
	if (sdp != NULL)
		learn_media(t, c, sdp, by_caller);
	return c;
}

const struct call_media *
calls_media_find(const struct call_table *t, const struct vq_endpoint *ep)
{
	return media_map_find(t->media, ep);
}

const struct call_media *
calls_rtcp_find(const struct call_table *t, const struct vq_endpoint *ep)
{
	return media_map_rtcp_find(t->media, ep);
}

void
calls_touch_media(struct call_table *t, struct call *c, int64_t ts_us)
{
	call_media_until(c, ts_us);
	lru_touch(t, c, ts_us);
}

void
call_media_until(struct call *c, int64_t ts_us)
{
	if (ts_us > c->last_media_us)
		c->last_media_us = ts_us;
}

int64_t
call_moved_us(const struct call *c)
{
	return c->moved_us;
}

struct call *
calls_least_active(const struct call_table *t)
{
	return t->lru_head;
}

struct call *
call_more_active(const struct call *c)
{
	return c->lru_next;
}

size_t
calls_active(const struct call_table *t)
{
	return t->n_calls - t->n_removed;
}

int
calls_known(const struct call_table *t, const struct sip_msg *m)
{
	return calls_find_id(t, m->call_id.p, m->call_id.len) != NULL;
}

struct call *
calls_find_id(const struct call_table *t, const char *id, size_t len)
{
	char call_id[SNAP_TEXT_LEN];
	struct call *c;

	text_copy_safe(call_id, sizeof(call_id), id, len);
	HASH_FIND_STR(t->by_id, call_id, c);
	return c;
}

int64_t
call_last_sip_us(const struct call *c)
{
	return c->last_sip_us;
}

int64_t
call_last_activity_us(const struct call *c)
{
	return c->last_media_us > c->last_sip_us ? c->last_media_us :
	    c->last_sip_us;
}

int
call_has_ended(const struct call *c)
{
	return c->end_us != 0;
}

void
call_end_now(struct call *c, int64_t ts_us, const char *reason)
{
	if (c->end_us != 0)
		return;
	c->end_us = ts_us;
	c->q850_cause = -1;
	keep_end_reason(c, reason);
}

void
calls_note_message(struct call *c, const struct sip_msg *m, int64_t ts_us,
    const struct vq_endpoint *src, const struct vq_endpoint *dst,
    const uint8_t *raw, size_t raw_len)
{
	struct snap_sip_msg *o;
	const char *phrase;
	char reason[SNAP_SUMMARY_LEN];

	if (c->n_msgs >= CALL_MAX_MSGS) {
		c->msgs_dropped++;
		return;
	}
	c->msgs = xreallocarray(c->msgs, c->n_msgs + 1, sizeof(*c->msgs));
	o = &c->msgs[c->n_msgs++];
	memset(o, 0, sizeof(*o));
	o->ts_us = ts_us;
	addr_format_endpoint(src, o->src, sizeof(o->src));
	addr_format_endpoint(dst, o->dst, sizeof(o->dst));
	o->is_request = m->is_request;
	o->has_sdp = m->sdp.len > 0;
	if (m->is_request) {
		text_copy_safe(o->summary, sizeof(o->summary), m->method_text.p,
		    m->method_text.len);
	} else {
		phrase = sip_status_phrase(m->status_code);
		if (m->reason_phrase.len > 0) {
			text_copy_safe(reason, sizeof(reason), m->reason_phrase.p,
			    m->reason_phrase.len);
			phrase = reason;
		}
		snprintf(o->summary, sizeof(o->summary), "%d %.56s",
		    m->status_code, phrase ? phrase : "");
	}
	if (raw_len > CALL_MAX_MSG_TEXT)
		raw_len = CALL_MAX_MSG_TEXT;
	o->text = xcalloc(1, raw_len + 1);
	memcpy(o->text, raw, raw_len);
	o->text_len = raw_len;
}

void
call_copy_id(const struct call *c, char *buf, size_t size)
{
	text_copy(buf, size, c->call_id);
}

void
call_set_user(struct call *c, void *user)
{
	c->user = user;
}

void *
call_user(const struct call *c)
{
	return c->user;
}

void
call_set_evidence(struct call *c, void *evidence)
{
	c->evidence = evidence;
}

void *
call_evidence(const struct call *c)
{
	return c->evidence;
}

uint64_t
call_order(const struct call *c)
{
	return c->order;
}

struct call *
calls_at(const struct call_table *t, size_t i)
{
	return t->order[i];
}

void
calls_remove(struct call_table *t, struct call *c)
{
	size_t i;

	if (c->removed)
		return;
	for (i = 0; i < c->n_media_keys; i++)
		media_map_drop(t->media, c->media_keys[i], c);
	HASH_DEL(t->by_id, c);
	lru_unlink(t, c);
	c->removed = 1;
	t->n_removed++;
}

void
calls_compact(struct call_table *t)
{
	size_t i, n = 0;

	if (t->n_removed == 0)
		return;
	for (i = 0; i < t->n_calls; i++) {
		struct call *c = t->order[i];

		if (c->removed) {
			call_free(c);
			continue;
		}
		c->index = n;
		t->order[n++] = c;
	}
	t->n_calls = n;
	t->n_removed = 0;
}

size_t
calls_hand_over(struct call_table *t, struct snap_call *out, size_t n)
{
	size_t i;

	calls_compact(t);
	if (n > t->n_calls)
		n = t->n_calls;
	for (i = 0; i < n; i++) {
		struct call *c = t->order[i];

		call_snapshot(c, &out[i], 1);
		calls_remove(t, c);
		call_free(c);
	}
	t->n_removed -= n;
	t->n_calls -= n;
	/* A table that never held a call has no order array to move. */
	if (n > 0)
		memmove(t->order, t->order + n, t->n_calls * sizeof(*t->order));
	for (i = 0; i < t->n_calls; i++)
		t->order[i]->index = i;
	return n;
}

size_t
calls_removed(const struct call_table *t)
{
	return t->n_removed;
}

size_t
calls_count(const struct call_table *t)
{
	return t->n_calls;
}

size_t
call_index(const struct call *c)
{
	return c->index;
}

static double
ms_between(int64_t from_us, int64_t to_us)
{
	if (from_us == 0 || to_us == 0)
		return SNAP_NONE;
	return (double)(to_us - from_us) / 1000.0;
}

void
call_media_add(struct call *c, const struct snap_stream *s)
{
	verdict_sums_add(c->media, s);
}

void
call_snapshot(const struct call *c, struct snap_call *s, int with_msgs)
{
	memset(s, 0, sizeof(*s));
	s->order = c->order;
	/* Each fits: it was cut to the snapshot's room when kept. */
	strcpy(s->call_id, c->call_id);
	strcpy(s->from, c->from);
	strcpy(s->to, c->to);
	if (c->end_reason != NULL)
		strcpy(s->end_reason, c->end_reason);
	s->state = c->state;
	s->final_code = c->final_code;
	s->q850_cause = c->q850_cause;
	s->dialogs = c->n_dialogs;
	s->start_s = (double)c->invite_us / 1e6;
	s->end_s = c->end_us ? (double)c->end_us / 1e6 : SNAP_NONE;
	s->pdd_ms = ms_between(c->invite_us, c->ringing_us);
	s->setup_ms = ms_between(c->invite_us, c->answer_us);
	s->duration_s = SNAP_NONE;
	if (c->answer_us != 0 && c->end_us > c->answer_us)
		s->duration_s = (double)(c->end_us - c->answer_us) / 1e6;
	s->msgs_dropped = c->msgs_dropped;
	s->media[0] = c->media[0];
	s->media[1] = c->media[1];
	if (with_msgs && c->n_msgs > 0) {
		if ((s->msgs = snap_msgs_dup(c->msgs, c->n_msgs)) == NULL)
			fatal("out of memory");
		s->n_msgs = c->n_msgs;
	}
}

void
call_part_snapshot(struct call *c, struct snap_call *s, int always)
{
	size_t now = c->n_msgs + c->msgs_dropped + 1;

	if (!always && c->msgs_sent == now) {
		call_snapshot(c, s, 0);
		s->msgs_same = 1;
		return;
	}
	call_snapshot(c, s, 1);
	c->msgs_sent = now;
}

void
calls_snapshot(const struct call_table *t, struct snap_call *out)
{
	size_t i, n = 0;

	for (i = 0; i < t->n_calls; i++)
		if (!t->order[i]->removed)
			call_snapshot(t->order[i], &out[n++], 1);
}
