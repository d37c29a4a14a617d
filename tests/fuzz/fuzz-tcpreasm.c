/*
 * libFuzzer: TCP reassembly for SIP driven directly.  The input's first
 * part is a byte stream per direction (each ended by a NUL); what
 * follows is a list of 5-byte segment descriptions: direction and flags,
 * where in its stream the segment starts and how long it is, how much of
 * it the capture kept, and a time step.  An input without two NULs (a
 * SIP message from the seed corpus, say) is one stream, sent in order in
 * pieces whose sizes its own bytes choose.  Small limits make holes,
 * eviction and resynchronisation happen.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dissectors/tcpreasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where the bytes read go, so reading them is not optimised away. */
static volatile unsigned sink;

/* Read every byte of a message, so a stale pointer shows under ASan. */
static void
deliver(void *arg, const struct tcpreasm_msg *msg)
{
	unsigned	*sum = arg;
	size_t		 i;

	for (i = 0; i < msg->len; i++)
		*sum += msg->data[i];
}

/* The whole input as one direction, in order, in pieces it chooses. */
static int
one_stream(const uint8_t *data, size_t size)
{
	struct tcpreasm_limits	 limits;
	struct tcpreasm		*t;
	struct tcpreasm_segment	 seg;
	unsigned		 sum = 0;
	size_t			 pos = 0, len;

	tcpreasm_limits_default(&limits);
	if ((t = tcpreasm_new(&limits)) == NULL)
		return 0;
	memset(&seg, 0, sizeof(seg));
	seg.src.addr.family = seg.dst.addr.family = 4;
	seg.src.port = 40000;
	seg.dst.port = 5060;
	while (pos < size) {
		len = 1 + (size_t)data[pos] % 200;
		if (len > size - pos)
			len = size - pos;
		seg.seq = 1000u + (uint32_t)pos;
		seg.data = data + pos;
		seg.len = seg.wirelen = (uint32_t)len;
		(void)tcpreasm_segment(t, &seg, deliver, &sum);
		pos += len;
	}
	tcpreasm_free(t);
	sink = sum;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcpreasm_limits	 limits;
	struct tcpreasm		*t;
	struct tcpreasm_segment	 seg;
	struct tcpreasm_stats	 st;
	const uint8_t		*stream[2], *nul;
	size_t			 stream_len[2], pos, from, len;
	unsigned		 sum = 0;
	int			 dir;

	/* Two streams: the input up to a NUL, then the rest to a second. */
	stream[0] = data;
	if ((nul = memchr(data, 0, size)) == NULL ||
	    memchr(nul + 1, 0, size - (size_t)(nul + 1 - data)) == NULL)
		return one_stream(data, size);
	stream_len[0] = (size_t)(nul - data);
	pos = stream_len[0] + 1;
	nul = memchr(data + pos, 0, size - pos);
	stream[1] = data + pos;
	stream_len[1] = (size_t)(nul - stream[1]);
	pos += stream_len[1] + 1;

	tcpreasm_limits_default(&limits);
	limits.max_streams = 3;
	limits.max_stream_bytes = 2048;
	limits.max_segments = 6;
	limits.max_bytes = 6000;
	limits.gap_timeout_us = 50;
	limits.idle_timeout_us = 400;
	if ((t = tcpreasm_new(&limits)) == NULL)
		return 0;
	memset(&seg, 0, sizeof(seg));
	while (size - pos >= 5) {
		const uint8_t	*h = data + pos;

		pos += 5;
		dir = h[0] & 1;
		seg.flags = h[0] >> 1 & 0x17;
		/* The top two bits choose one of four connections. */
		memset(&seg.src, 0, sizeof(seg.src));
		memset(&seg.dst, 0, sizeof(seg.dst));
		seg.src.addr.family = seg.dst.addr.family = 4;
		seg.src.addr.bytes[3] = (uint8_t)(1 + dir);
		seg.dst.addr.bytes[3] = (uint8_t)(2 - dir);
		seg.src.port = (uint16_t)(dir ? 5060 : 40000 + (h[0] >> 6));
		seg.dst.port = (uint16_t)(dir ? 40000 + (h[0] >> 6) : 5060);
		from = stream_len[dir] == 0 ? 0 : h[1] % (stream_len[dir] + 1);
		len = stream_len[dir] - from;
		if (len > h[2])
			len = h[2];
		seg.seq = 1000u + (uint32_t)dir * 0x7fff0000u + (uint32_t)from;
		seg.ack = 1000u + (uint32_t)!dir * 0x7fff0000u + h[4];
		seg.data = stream[dir] + from;
		seg.wirelen = (uint32_t)len;
		/* The capture may clip the segment. */
		seg.len = (h[3] & 0x80) ? (uint32_t)len * (h[3] & 0x7f) / 127 :
		    (uint32_t)len;
		seg.ts_us += h[3] & 0x1f;
		(void)tcpreasm_segment(t, &seg, deliver, &sum);
		tcpreasm_stats(t, &st);
		if (st.bytes_buffered > limits.max_bytes ||
		    st.streams_active > limits.max_streams)
			abort();
	}
	tcpreasm_expire(t, INT64_MAX);
	tcpreasm_stats(t, &st);
	if (st.streams_active != 0 || st.bytes_buffered != 0)
		abort();
	tcpreasm_free(t);
	sink = sum;
	return 0;
}
