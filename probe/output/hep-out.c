/*
 * HEP out (see hep-out.h): the HEP thread, which turns what the tap
 * brings into HEP packets and hands them to the sender.
 *
 * The thread drains the rings a batch at a time, then gives the socket
 * its turn: a short wait on it when there was nothing to read, none when
 * there was.  At the stop it keeps going until everything is sent or the
 * time given is up.
 */
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dissectors/hep.h"
#include "dissectors/sip.h"
#include "probe/output/hep-out-json.h"
#include "probe/output/hep-out-media.h"
#include "probe/output/hep-out-send.h"
#include "probe/output/hep-out-tap.h"
#include "probe/output/hep-out.h"
#include "probe/vqprobe.h"

/* The tap's ring: a burst of SIP (a flood of INVITEs) while sending lags. */
#define HEP_CAPTURE_RING_BYTES	(8u << 20)
/* The sink's: one interval's streams, a few thousand of them. */
#define HEP_QUALITY_RING_BYTES	(4u << 20)
/* Records handled between two turns of the socket. */
#define HEP_BATCH		256
/* The socket's turn when the rings were empty: the thread's idle pace. */
#define HEP_IDLE_WAIT_MS	5
/* Media endpoints kept, and how long one unused stays. */
#define HEP_MEDIA_MAX		32768
#define HEP_MEDIA_IDLE_US	(600 * 1000000LL)

struct hep_out {
	struct hep_out_config	 cfg;	/* url and auth_key: the copies */
	char			*url;
	char			*auth_key;
	struct hep_tap		*tap;
	struct hep_sender	*sender;
	pthread_t		 thread;

	/*
	 * stop_deadline_ms is written before stop with release and read
	 * after it with acquire, so the thread sees the deadline once it
	 * sees the stop.
	 */
	int64_t			 stop_deadline_ms;
	atomic_int		 stop;

	/* The thread's alone. */
	struct hep_media	*media;
	uint8_t			 buf[HEP_MAX_LEN];
	int64_t			 now_us;	/* the latest capture time */
	int64_t			 swept_us;
	uint64_t		 left_at_stop;	/* records never handled */

	/* Under mu: what hep_out_stats shows. */
	pthread_mutex_t		 mu;
	struct hep_out_stats	 st;
};

void
hep_out_config_default(struct hep_out_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->capture_id = 2001;
	cfg->queue_max_bytes = 4u << 20;
	cfg->retry_min_ms = 500;
	cfg->retry_max_ms = 30000;
}

/* Encode m and queue it; counts what became of it. */
static void
emit(struct hep_out *h, struct hep_msg *m, uint64_t *sent)
{
	size_t len;

	m->capture_id = h->cfg.capture_id;
	if (h->cfg.auth_key != NULL) {
		m->auth_key = (const uint8_t *)h->cfg.auth_key;
		m->auth_key_len = strlen(h->cfg.auth_key);
	}
	if ((len = hep_encode(m, h->buf, sizeof(h->buf))) == 0) {
		h->st.dropped_unencodable++;
		return;
	}
	/* A full queue is counted by the sender. */
	if (hep_sender_queue(h->sender, h->buf, len) == 0)
		(*sent)++;
}

/* The message's addresses, ports and time as captured. */
static void
msg_from_packet(struct hep_msg *m, const struct hep_tap_packet *pkt,
    uint8_t type)
{
	memset(m, 0, sizeof(*m));
	m->src = pkt->src;
	m->dst = pkt->dst;
	m->ip_proto = pkt->ip_proto;
	m->proto_type = type;
	m->ts_us = pkt->ts_us;
	m->payload = (const uint8_t *)(pkt + 1);
	m->payload_len = pkt->len;
}

/*
 * A SIP message: sent as it is, its Call-ID the correlation id; its SDP
 * teaches which call the media belongs to, its BYE that the call is over.
 */
static void
on_sip(struct hep_out *h, const struct hep_tap_packet *pkt)
{
	const uint8_t *payload = (const uint8_t *)(pkt + 1);
	struct hep_msg m;
	struct sip_msg sip;
	uint64_t sent = 0;

	msg_from_packet(&m, pkt, HEP_TYPE_SIP);
	if (sip_parse(payload, pkt->len, &sip) != DISSECT_OK)
		sip.call_id.len = 0;
	if (sip.call_id.len > 0) {
		m.correlation = (const uint8_t *)sip.call_id.p;
		m.correlation_len = sip.call_id.len;
	}
	pthread_mutex_lock(&h->mu);
	emit(h, &m, &sent);
	h->st.sent_sip += sent;
	pthread_mutex_unlock(&h->mu);
	if (sip.call_id.len == 0)
		return;
	if (sip.is_request && sip.method == SIP_BYE)
		hep_media_forget_call(h->media, sip.call_id.p,
		    sip.call_id.len, pkt->ts_us);
	else if (sip.sdp.len > 0 && !sip.sdp_truncated)
		hep_media_learn_sdp(h->media, sip.sdp.p, sip.sdp.len,
		    sip.call_id.p, sip.call_id.len, pkt->ts_us);
}

/* An RTCP datagram: heplify-server's JSON, under its call's Call-ID. */
static void
on_rtcp(struct hep_out *h, const struct hep_tap_packet *pkt)
{
	struct hep_msg m;
	const char *call_id;
	size_t call_id_len = 0;
	uint64_t sent = 0;
	char *json;

	json = hep_json_rtcp((const uint8_t *)(pkt + 1), pkt->len,
	    pkt->wirelen);
	call_id = hep_media_call_of(h->media, &pkt->src, &pkt->dst,
	    pkt->ts_us, &call_id_len);
	pthread_mutex_lock(&h->mu);
	if (json == NULL) {
		h->st.dropped_unencodable++;
		pthread_mutex_unlock(&h->mu);
		return;
	}
	msg_from_packet(&m, pkt, HEP_TYPE_RTCP_JSON);
	m.payload = (const uint8_t *)json;
	m.payload_len = strlen(json);
	if (call_id != NULL) {
		m.correlation = (const uint8_t *)call_id;
		m.correlation_len = call_id_len;
	}
	emit(h, &m, &sent);
	h->st.sent_rtcp += sent;
	if (sent > 0 && call_id == NULL)
		h->st.rtcp_uncorrelated++;
	pthread_mutex_unlock(&h->mu);
	free(json);
}

/* "a.b.c.d:port" or "[v6]:port" back into an endpoint; 0.0.0.0:0 if not. */
static void
endpoint_from_text(const char *text, struct vq_endpoint *ep)
{
	const char *colon, *addr = text;
	size_t addr_len;

	memset(ep, 0, sizeof(*ep));
	ep->addr.family = 4;
	if ((colon = strrchr(text, ':')) == NULL)
		return;
	addr_len = (size_t)(colon - text);
	if (*text == '[' && addr_len >= 2 && colon[-1] == ']') {
		addr++;
		addr_len -= 2;
	}
	if (addr_parse(addr, addr_len, &ep->addr) != 0) {
		memset(&ep->addr, 0, sizeof(ep->addr));
		ep->addr.family = 4;
		return;
	}
	ep->port = (uint16_t)strtoul(colon + 1, NULL, 10);
}

/* One stream over one interval: the quality report, as vq_stream has it. */
static void
on_quality(struct hep_out *h, const struct snap_stream_interval *si)
{
	struct hep_msg m;
	uint64_t sent = 0;
	char *json = hep_json_quality(si);

	memset(&m, 0, sizeof(m));
	endpoint_from_text(si->src, &m.src);
	endpoint_from_text(si->dst, &m.dst);
	/* HEP has no address of mixed families. */
	if (m.src.addr.family != m.dst.addr.family)
		m.src.addr = m.dst.addr;
	m.ip_proto = 17;
	m.proto_type = HEP_TYPE_RTPAGENT;
	m.ts_us = si->last_us;
	m.payload = (const uint8_t *)json;
	m.payload_len = json != NULL ? strlen(json) : 0;
	if (si->call_id[0] != '\0') {
		m.correlation = (const uint8_t *)si->call_id;
		m.correlation_len = strlen(si->call_id);
	}
	pthread_mutex_lock(&h->mu);
	if (json == NULL)
		h->st.dropped_unencodable++;
	else
		emit(h, &m, &sent);
	h->st.sent_quality += sent;
	pthread_mutex_unlock(&h->mu);
	free(json);
}

/* Up to HEP_BATCH records from the rings; how many there were. */
static int
drain(struct hep_out *h)
{
	enum hep_tap_kind kind;
	const void *rec;
	int n;

	for (n = 0; n < HEP_BATCH && (rec = hep_tap_next(h->tap, &kind)) !=
	    NULL; n++) {
		if (kind == HEP_TAP_QUALITY)
			on_quality(h, rec);
		else {
			const struct hep_tap_packet *pkt = rec;

			if (pkt->ts_us > h->now_us)
				h->now_us = pkt->ts_us;
			if (kind == HEP_TAP_SIP)
				on_sip(h, pkt);
			else
				on_rtcp(h, pkt);
		}
		hep_tap_release(h->tap);
	}
	if (h->now_us - h->swept_us > HEP_MEDIA_BYE_GRACE_US) {
		hep_media_sweep(h->media, h->now_us);
		h->swept_us = h->now_us;
	}
	return n;
}

/* Copy the sender's and the table's counters where hep_out_stats reads. */
static void
publish(struct hep_out *h)
{
	struct hep_sender_stats ss;

	hep_sender_stats(h->sender, &ss);
	pthread_mutex_lock(&h->mu);
	h->st.delivered = ss.packets_sent;
	h->st.dropped_queue = ss.dropped_queue_full;
	h->st.send_errors = ss.send_errors;
	h->st.connects = ss.connects;
	h->st.connect_failures = ss.connect_failures;
	h->st.queue_bytes = ss.queue_bytes;
	h->st.connected = ss.connected;
	h->st.media_evicted = hep_media_evicted(h->media);
	pthread_mutex_unlock(&h->mu);
}

static void *
hep_out_main(void *arg)
{
	struct hep_out *h = arg;
	enum hep_tap_kind kind;
	int n, stopping, hurried = 0;

	for (;;) {
		n = drain(h);
		/* Acquire: pairs with hep_out_stop's release (the deadline). */
		stopping = atomic_load_explicit(&h->stop, memory_order_acquire);
		if (stopping && !hurried) {
			/* A backoff must not outlast the flush. */
			hep_sender_retry_now(h->sender);
			hurried = 1;
		}
		hep_sender_poll(h->sender, n > 0 ? 0 : HEP_IDLE_WAIT_MS);
		publish(h);
		if (stopping && n == 0 && hep_tap_empty(h->tap) &&
		    hep_sender_idle(h->sender))
			break;
		if (stopping && mono_us() / 1000 >= h->stop_deadline_ms)
			break;
	}
	/* A refusal of the last datagrams, come back since (UDP). */
	hep_sender_poll(h->sender, 0);
	publish(h);
	/* What the time given did not let through. */
	while (hep_tap_next(h->tap, &kind) != NULL) {
		h->left_at_stop++;
		hep_tap_release(h->tap);
	}
	return NULL;
}

struct hep_out *
hep_out_start(const struct hep_out_config *cfg, char **cause)
{
	struct hep_sender_config scfg;
	struct hep_out *h;
	sigset_t all, old;

	memset(&scfg, 0, sizeof(scfg));
	if (hep_target_parse(cfg->url, &scfg.target, cause) != 0)
		return NULL;
	scfg.queue_max_bytes = cfg->queue_max_bytes;
	scfg.retry_min_ms = cfg->retry_min_ms;
	scfg.retry_max_ms = cfg->retry_max_ms;
	h = xcalloc(1, sizeof(*h));
	h->cfg = *cfg;
	h->cfg.url = h->url = xstrdup(cfg->url);
	if (cfg->auth_key != NULL)
		h->cfg.auth_key = h->auth_key = xstrdup(cfg->auth_key);
	h->tap = hep_tap_new(HEP_CAPTURE_RING_BYTES, HEP_QUALITY_RING_BYTES);
	h->sender = hep_sender_new(&scfg);
	h->media = hep_media_new(HEP_MEDIA_MAX, HEP_MEDIA_IDLE_US);
	pthread_mutex_init(&h->mu, NULL);
	atomic_init(&h->stop, 0);
	/* The thread takes no signals: they are the main thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&h->thread, NULL, hep_out_main, h) != 0)
		fatal("cannot start the HEP thread");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return h;
}

void
hep_out_tap(void *arg, const struct pkt_meta *meta)
{
	hep_tap_payload(arg, meta);
}

void *
hep_out_tap_arg(struct hep_out *h)
{
	return h->tap;
}

static void
on_streams(void *arg, const struct snap_stream_interval *si, size_t n)
{
	struct hep_out *h = arg;

	hep_tap_streams(h->tap, si, n);
}

void
hep_out_sink(struct hep_out *h, struct pipeline_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->streams = on_streams;
	sink->arg = h;
}

void
hep_out_stats(struct hep_out *h, struct hep_out_stats *st)
{
	struct hep_tap_stats ts;

	hep_tap_stats(h->tap, &ts);
	pthread_mutex_lock(&h->mu);
	*st = h->st;
	pthread_mutex_unlock(&h->mu);
	st->dropped_capture = ts.dropped_capture;
	st->dropped_quality = ts.dropped_quality;
}

uint64_t
hep_out_stop(struct hep_out *h, int timeout_ms)
{
	struct hep_out_stats st;
	struct hep_sender_stats ss;

	h->stop_deadline_ms = mono_us() / 1000 + timeout_ms;
	/* Release: the deadline above is visible with the flag. */
	atomic_store_explicit(&h->stop, 1, memory_order_release);
	pthread_join(h->thread, NULL);
	hep_out_stats(h, &st);
	hep_sender_stats(h->sender, &ss);
	return h->left_at_stop + ss.queue_packets + st.dropped_capture +
	    st.dropped_quality + st.dropped_queue + st.send_errors;
}

void
hep_out_format_stats(const struct hep_out_stats *st, char *buf, size_t size)
{
	snprintf(buf, size, "hep_sip=%" PRIu64 " hep_rtcp=%" PRIu64
	    " hep_rtcp_uncorrelated=%" PRIu64 " hep_quality=%" PRIu64
	    " hep_delivered=%" PRIu64 " hep_dropped_capture=%" PRIu64
	    " hep_dropped_quality=%" PRIu64 " hep_dropped_queue=%" PRIu64
	    " hep_unencodable=%" PRIu64 " hep_send_errors=%" PRIu64
	    " hep_connects=%" PRIu64 " hep_connect_failures=%" PRIu64,
	    st->sent_sip, st->sent_rtcp, st->rtcp_uncorrelated,
	    st->sent_quality, st->delivered, st->dropped_capture,
	    st->dropped_quality, st->dropped_queue, st->dropped_unencodable,
	    st->send_errors, st->connects, st->connect_failures);
}

void
hep_out_free(struct hep_out *h)
{
	if (h == NULL)
		return;
	hep_tap_free(h->tap);
	hep_sender_free(h->sender);
	hep_media_free(h->media);
	pthread_mutex_destroy(&h->mu);
	free(h->url);
	free(h->auth_key);
	free(h);
}
