/*
 * libFuzzer: any frame, under every supported link type, through one
 * decode context that lives across inputs, so that fragments and TCP
 * segments of earlier inputs meet those of later ones.  The limits are
 * small, so eviction and timeouts happen often; capture time moves on
 * by an amount the input chooses.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dissectors/decode.h"
#include "dissectors/rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where the bytes read go, so reading them is not optimised away. */
static volatile unsigned sink;

/* Read every delivered byte, so a stale pointer shows under ASan. */
static void
deliver(void *arg, const struct pkt_meta *meta)
{
	struct rtp_hdr	 rtp;
	unsigned	*sum = arg;
	uint32_t	 i;

	for (i = 0; i < meta->payload_len; i++)
		*sum += meta->payload[i];
	if (meta->ip_proto == DECODE_IPPROTO_UDP)
		(void)rtp_parse(meta->payload, meta->payload_len,
		    meta->payload_wirelen, &rtp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int	 linktypes[] = { 0, 1, 12, 14, 101, 108, 113,
				    228, 229, 276 };
	static struct decode_ctx *ctx;
	static int64_t		 now_us;
	struct decode_limits	 limits;
	struct pkt_meta		 meta;
	unsigned		 sum = 0;
	size_t			 i;

	if (ctx == NULL) {
		decode_limits_default(&limits);
		limits.ipfrag.max_datagrams = 8;
		limits.ipfrag.max_bytes = 16384;
		limits.ipfrag.max_fragments = 16;
		limits.ipfrag.timeout_us = 5000000;
		limits.tcp.max_streams = 8;
		limits.tcp.max_stream_bytes = 4096;
		limits.tcp.max_segments = 8;
		limits.tcp.max_bytes = 65536;
		limits.tcp.gap_timeout_us = 1000000;
		limits.tcp.idle_timeout_us = 10000000;
		if ((ctx = decode_ctx_new(&limits)) == NULL)
			return 0;
	}
	/* The last byte says how far the clock moves: 0 to 3.1 s. */
	if (size > 0)
		now_us += (int64_t)(data[size - 1] & 0x1f) * 100000;

	for (i = 0; i < sizeof(linktypes) / sizeof(linktypes[0]); i++) {
		memset(&meta, 0, sizeof(meta));
		meta.ts_us = now_us;
		meta.caplen = (uint32_t)size;
		meta.wirelen = (uint32_t)size;
		(void)decode_frame(ctx, linktypes[i], data, (uint32_t)size,
		    &meta, deliver, &sum);
	}
	/* And without a context, as a caller that keeps no state would. */
	memset(&meta, 0, sizeof(meta));
	(void)decode_frame(NULL, 1, data, (uint32_t)size, &meta, deliver, &sum);
	sink = sum;
	return 0;
}
