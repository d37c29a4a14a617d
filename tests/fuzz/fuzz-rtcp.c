/*
 * libFuzzer: any payload on a media port, as the probe meets it: RTCP
 * compound packets (whole, and as if the capture had cut them), and RTP
 * with an RFC 4733 event payload.
 */
#include <stddef.h>
#include <stdint.h>

#include "dissectors/rtcp.h"
#include "dissectors/rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Walk a datagram and use every figure the probe would. */
static void
walk(const uint8_t *data, size_t len, size_t wirelen)
{
	struct rtcp_iter it;
	struct rtcp_packet pkt;
	const struct rtcp_report *r;
	uint32_t rtt;
	size_t i;

	rtcp_iter_init(&it, data, len, wirelen);
	while (rtcp_next(&it, &pkt)) {
		(void)rtcp_type_name(pkt.type);
		if (pkt.type != RTCP_SR && pkt.type != RTCP_RR)
			continue;
		r = &pkt.u.report;
		for (i = 0; i < r->n_blocks; i++)
			if (rtcp_rtt(rtcp_ntp_middle32(r->sender.ntp_sec,
			    r->sender.ntp_frac), r->blocks[i].lsr,
			    r->blocks[i].dlsr, &rtt) == 0)
				(void)rtcp_q16_to_us(rtt);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rtp_hdr rtp;
	struct rtp_event ev;
	uint64_t unix_us = 0;
	size_t i;

	/* The first bytes as a capture time, negative ones included. */
	for (i = 0; i < size && i < 8; i++)
		unix_us = unix_us << 8 | data[i];
	(void)rtcp_ntp_middle32_from_us((int64_t)unix_us);

	walk(data, size, size);
	walk(data, size, size + 64);
	if (size > 8)
		walk(data, size - 8, size);
	if (!rtp_is_rtcp(data, size) &&
	    rtp_parse(data, size, size, &rtp) == DISSECT_OK &&
	    rtp_event_parse(rtp.payload, rtp.payload_len, &ev) == DISSECT_OK)
		(void)rtp_event_name(ev.event);
	return 0;
}
