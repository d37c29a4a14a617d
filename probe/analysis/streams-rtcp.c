/*
 * What RTCP says of the streams (see streams.h): its report blocks and
 * XR VoIP Metrics blocks, filed under the streams they name by SSRC and
 * the RTCP's own addresses (stream_by_ssrc).
 */
#include <stdint.h>
#include <stdlib.h>

#include "dissectors/rtcp.h"
#include "metrics/quality.h"
#include "probe/analysis/streams-private.h"
#include "probe/vqprobe.h"

/* What RTCP says of the stream, made when it first says something. */
static struct snap_far_end *
far_end(struct stream *s)
{
	if (s->far == NULL)
		s->far = xcalloc(1, sizeof(*s->far));
	return s->far;
}

/*
 * A report block from a stream's receiver.  Its RTT is measured on the
 * probe's own clock: from the sender's SR passing the probe to the
 * receiver's report on it passing back, less the receiver's hold time
 * (DLSR).  That is the round trip between the probe and the receiver; the
 * two directions' figures together make the end-to-end round trip.
 */
static void
rtcp_report_block(struct stream_table *st, uint32_t reporter_ssrc,
    const struct rtcp_report_block *b, const struct pkt_meta *meta)
{
	/* The reporter receives the stream: it is the stream's destination. */
	struct stream *s = stream_by_ssrc(st, b->ssrc, &meta->dst.addr,
	    &meta->src.addr, 0), *back;
	int64_t ts_us = meta->ts_us;
	struct snap_far_end *far;
	int64_t rtt_us;

	if (s == NULL)
		return;
	far = far_end(s);
	far->reports++;
	far->fraction_lost_pct = b->fraction_lost * 100.0 / 256.0;
	far->cumulative_lost = b->cumulative_lost;
	if (s->clock_rate_hz != 0) {
		far->have_jitter = 1;
		far->jitter_ms = b->jitter * 1000.0 / s->clock_rate_hz;
		far->upto_jitter_ms = rtpstat_jitter_ms(s->stat);
	}
	far->have_upto = rtpstat_lost_upto(s->stat,
	    (uint16_t)b->ext_highest_seq, &far->upto_expected,
	    &far->upto_lost) == 0;
	far->upto_duplicates = rtpstat_duplicates(s->stat);
	if (b->lsr == 0 || s->last_sr_us == 0 || b->lsr != s->last_sr_mid32)
		return;
	rtt_us = ts_us - s->last_sr_us - (int64_t)rtcp_q16_to_us(b->dlsr);
	if (rtt_us < 0)
		return;
	far->have_rtt = 1;
	far->rtt_ms = (double)rtt_us / 1000.0;
	/*
	 * The reporter's own stream runs the other way; once its leg is
	 * known too, the E-model gets the end-to-end round trip.
	 */
	back = stream_by_ssrc(st, reporter_ssrc, &meta->src.addr,
	    &meta->dst.addr, 1);
	if (back != NULL && back != s && back->far != NULL &&
	    back->far->have_rtt) {
		quality_set_rtt(s->quality, far->rtt_ms + back->far->rtt_ms);
		quality_set_rtt(back->quality, far->rtt_ms + back->far->rtt_ms);
	}
}

void
streams_rtcp_report(struct stream_table *st, const struct rtcp_report *r,
    int is_sr, const struct pkt_meta *meta)
{
	struct stream *s;
	size_t i;

	/* An SR's sender info: the reporter sends the stream. */
	if (is_sr && (s = stream_by_ssrc(st, r->ssrc, &meta->src.addr,
	    &meta->dst.addr, 1)) != NULL) {
		s->last_sr_us = meta->ts_us;
		s->last_sr_mid32 = rtcp_ntp_middle32(r->sender.ntp_sec,
		    r->sender.ntp_frac);
		far_end(s)->have_sender = 1;
		far_end(s)->sender_packets = r->sender.packet_count;
	}
	for (i = 0; i < r->n_blocks; i++)
		rtcp_report_block(st, r->ssrc, &r->blocks[i], meta);
}

/* An RFC 3611 VoIP Metrics block: the receiver's own quality figures. */
static void
rtcp_xr_voip(struct stream_table *st, const struct rtcp_xr_voip *v,
    const struct pkt_meta *meta)
{
	/* As a report block: from the stream's receiver. */
	struct stream *s = stream_by_ssrc(st, v->ssrc, &meta->dst.addr,
	    &meta->src.addr, 0);
	struct snap_far_end *far;

	if (s == NULL)
		return;
	far = far_end(s);
	far->have_xr = 1;
	far->xr_loss_pct = v->loss_rate_q8 * 100.0 / 256.0;
	far->xr_discard_pct = v->discard_rate_q8 * 100.0 / 256.0;
	far->xr_r_factor = v->r_factor == RTCP_XR_UNAVAILABLE ? -1 :
	    v->r_factor;
	far->xr_mos_lq = v->mos_lq_x10 == RTCP_XR_UNAVAILABLE ? -1 :
	    v->mos_lq_x10 / 10.0;
	far->xr_mos_cq = v->mos_cq_x10 == RTCP_XR_UNAVAILABLE ? -1 :
	    v->mos_cq_x10 / 10.0;
	far->xr_rtt_ms = v->round_trip_delay_ms;
	far->xr_end_system_delay_ms = v->end_system_delay_ms;
}

void
streams_rtcp_xr(struct stream_table *st, const struct rtcp_xr *xr,
    const struct pkt_meta *meta)
{
	size_t i;

	for (i = 0; i < xr->n_blocks; i++)
		if (xr->blocks[i].type == RTCP_XR_BLOCK_VOIP)
			rtcp_xr_voip(st, &xr->blocks[i].u.voip, meta);
}
