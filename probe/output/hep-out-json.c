/*
 * HEP out's JSON bodies (see hep-out-json.h).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "dissectors/rtcp.h"
#include "probe/output/hep-out-json.h"
#include "probe/vqprobe.h"

/* Compact: a HEP packet is a datagram, every byte counts. */
#define HEP_JSON_FLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static void
add_int(struct json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

/* A figure; one that is not finite is left out (JSON has no NaN). */
static void
add_double(struct json_object *o, const char *key, double v)
{
	if (isfinite(v))
		json_object_object_add(o, key, json_object_new_double(v));
}

/* The object as text, and the object freed; NULL when out of memory. */
static char *
finish(struct json_object *o)
{
	const char *text = json_object_to_json_string_ext(o, HEP_JSON_FLAGS);
	char *out = text != NULL ? xstrdup(text) : NULL;

	json_object_put(o);
	return out;
}

/* SR sender info, with the NTP fraction in microseconds as heplify does. */
static void
add_sender(struct json_object *o, const struct rtcp_sender_info *si)
{
	struct json_object *s = json_object_new_object();

	add_int(s, "ntp_timestamp_sec", si->ntp_sec);
	add_int(s, "ntp_timestamp_usec",
	    (int64_t)(((uint64_t)si->ntp_frac * 1000000u) >> 32));
	add_int(s, "rtp_timestamp", si->rtp_timestamp);
	add_int(s, "packets", si->packet_count);
	add_int(s, "octets", si->octet_count);
	json_object_object_add(o, "sender_information", s);
}

/*
 * The report blocks as the RTCP header gives them: fraction_lost the raw
 * 8-bit value (1/256), ia_jitter in RTP timestamp units, lsr the middle
 * 32 bits of NTP time, dlsr in 1/65536 s.
 */
static void
add_report(struct json_object *o, const struct rtcp_packet *pkt)
{
	const struct rtcp_report *r = &pkt->u.report;
	struct json_object *blocks = json_object_new_array();
	unsigned i;

	if (pkt->type == RTCP_SR)
		add_sender(o, &r->sender);
	add_int(o, "ssrc", r->ssrc);
	add_int(o, "type", pkt->type);
	add_int(o, "report_count", r->n_blocks);
	for (i = 0; i < r->n_blocks; i++) {
		const struct rtcp_report_block *b = &r->blocks[i];
		struct json_object *jb = json_object_new_object();

		add_int(jb, "source_ssrc", b->ssrc);
		add_int(jb, "fraction_lost", b->fraction_lost);
		add_int(jb, "packets_lost", b->cumulative_lost);
		add_int(jb, "highest_seq_no", b->ext_highest_seq);
		add_int(jb, "ia_jitter", b->jitter);
		add_int(jb, "lsr", b->lsr);
		add_int(jb, "dlsr", b->dlsr);
		json_object_array_add(blocks, jb);
	}
	json_object_object_add(o, "report_blocks", blocks);
}

/*
 * XR VoIP Metrics (RFC 3611 §4.7) under the names heplify-server reads:
 * rates and densities as sent (1/256), durations and delays in ms.
 */
static void
add_xr_voip(struct json_object *o, const struct rtcp_xr *xr,
    const struct rtcp_xr_voip *v)
{
	struct json_object *x = json_object_new_object();

	add_int(x, "type", RTCP_XR_BLOCK_VOIP);
	add_int(x, "id", xr->ssrc);
	add_int(x, "source_ssrc", v->ssrc);
	add_int(x, "fraction_lost", v->loss_rate_q8);
	add_int(x, "fraction_discard", v->discard_rate_q8);
	add_int(x, "burst_density", v->burst_density_q8);
	add_int(x, "gap_density", v->gap_density_q8);
	add_int(x, "burst_duration", v->burst_duration_ms);
	add_int(x, "gap_duration", v->gap_duration_ms);
	add_int(x, "round_trip_delay", v->round_trip_delay_ms);
	add_int(x, "end_system_delay", v->end_system_delay_ms);
	add_int(x, "mos_lq", v->mos_lq_x10);
	add_int(x, "mos_cq", v->mos_cq_x10);
	json_object_object_add(o, "report_blocks_xr", x);
}

char *
hep_json_rtcp(const uint8_t *p, size_t len, size_t wirelen)
{
	struct rtcp_iter it;
	struct rtcp_packet pkt;
	struct json_object *o;
	int have_report = 0, have_sdes = 0, have_xr = 0, first = 1;
	unsigned i;

	o = json_object_new_object();
	rtcp_iter_init(&it, p, len, wirelen);
	while (rtcp_next(&it, &pkt)) {
		if ((pkt.type == RTCP_SR || pkt.type == RTCP_RR) &&
		    !have_report) {
			add_report(o, &pkt);
			have_report = 1;
		} else if (pkt.type == RTCP_SDES && !have_sdes &&
		    pkt.u.sdes.n_chunks > 0) {
			add_int(o, "sdes_ssrc", pkt.u.sdes.chunks[0].ssrc);
			have_sdes = 1;
		} else if (pkt.type == RTCP_XR && !have_xr) {
			for (i = 0; i < pkt.u.xr.n_blocks; i++)
				if (pkt.u.xr.blocks[i].type ==
				    RTCP_XR_BLOCK_VOIP) {
					add_xr_voip(o, &pkt.u.xr,
					    &pkt.u.xr.blocks[i].u.voip);
					have_xr = 1;
					break;
				}
		}
		/* A compound without SR or RR: its first packet's type. */
		if (first && pkt.type != RTCP_SR && pkt.type != RTCP_RR)
			add_int(o, "type", pkt.type);
		first = 0;
	}
	/* Nothing usable: not a body to send. */
	if (first || (it.result != DISSECT_OK && !have_report)) {
		json_object_put(o);
		return NULL;
	}
	return finish(o);
}

char *
hep_json_quality(const struct snap_stream_interval *si)
{
	struct json_object *o = json_object_new_object();
	char ssrc[16];

	/* What heplify-server reads (its rtpagent gauges). */
	if (si->have_mos)
		add_double(o, "MOS", si->mos);
	add_double(o, "JITTER", si->jitter_ms);
	add_int(o, "PACKET_LOSS", si->lost);
	/* vqprobe's own, named as vq_stream names them. */
	json_object_object_add(o, "call_id",
	    json_object_new_string(si->call_id));
	json_object_object_add(o, "direction",
	    json_object_new_string(si->direction ? si->direction : "none"));
	json_object_object_add(o, "codec", json_object_new_string(si->codec));
	json_object_object_add(o, "src", json_object_new_string(si->src));
	json_object_object_add(o, "dst", json_object_new_string(si->dst));
	snprintf(ssrc, sizeof(ssrc), "0x%08x", si->ssrc);
	json_object_object_add(o, "ssrc", json_object_new_string(ssrc));
	add_int(o, "time_us", si->last_us);
	add_int(o, "packets", (int64_t)si->packets);
	add_int(o, "expected", (int64_t)si->expected);
	add_int(o, "lost", si->lost);
	if (si->expected > 0)
		add_double(o, "loss_pct", snap_interval_loss_pct(si));
	add_int(o, "jb_discards", (int64_t)si->jb_discards);
	add_double(o, "burst_ratio", si->burst_ratio);
	add_double(o, "jitter_ms", si->jitter_ms);
	add_double(o, "max_jitter_ms", si->max_jitter_ms);
	if (si->have_mos) {
		add_double(o, "mos", si->mos);
		add_double(o, "r_factor", si->r_factor);
	}
	add_int(o, "dscp", si->dscp);
	if (si->after.have_lost)
		add_int(o, "lost_after", si->after.lost);
	if (si->after.have_loss)
		add_double(o, "loss_after_pct", si->after.loss_pct);
	json_object_object_add(o, "ended", json_object_new_boolean(si->ended));
	return finish(o);
}
