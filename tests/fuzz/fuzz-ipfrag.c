/*
 * libFuzzer: IP reassembly driven directly.  The input is a list of
 * fragments, each a 6-byte header (datagram id 0-7, flags, offset in
 * 8-byte units, length, a time step) and its bytes, offered to one
 * reassembler with small limits.  Every completed datagram is read whole.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dissectors/ipfrag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where the bytes read go, so reading them is not optimised away. */
static volatile unsigned sink;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipfrag_limits	 limits;
	struct ipfrag		*f;
	struct ipfrag_key	 key;
	struct ipfrag_fragment	 in;
	struct ipfrag_datagram	 out;
	struct ipfrag_stats	 st;
	int64_t			 now_us = 0;
	unsigned		 sum = 0;
	size_t			 pos = 0, len, i;

	ipfrag_limits_default(&limits);
	limits.max_datagrams = 3;
	limits.max_bytes = 2048;
	limits.max_fragments = 12;
	limits.timeout_us = 1000;
	if ((f = ipfrag_new(&limits)) == NULL)
		return 0;
	while (size - pos >= 6) {
		const uint8_t	*h = data + pos;

		memset(&key, 0, sizeof(key));
		key.version = (h[0] & 0x40) ? 6 : 4;
		key.proto = key.version == 4 ? 17 : 0;
		key.id = h[0] & 7;
		key.src.family = key.version;
		key.dst.family = key.version;
		in.more = (h[0] & 0x80) != 0;
		/* Offsets near 65535 too, to reach the size checks. */
		in.offset = (uint32_t)(((h[1] << 8) | h[2]) & 0x1fff) * 8;
		len = (size_t)(h[3] << 2 | (h[4] & 3));
		now_us += h[4] >> 2;
		in.proto = h[5];
		pos += 6;
		if (len > size - pos)
			len = size - pos;
		in.data = data + pos;
		in.len = (uint32_t)len;
		pos += len;
		if (ipfrag_add(f, &key, &in, now_us, &out) ==
		    IPFRAG_COMPLETE) {
			for (i = 0; i < out.len; i++)
				sum += out.data[i];
			free(out.data);
		}
		ipfrag_stats(f, &st);
		if (st.bytes_pending > limits.max_bytes ||
		    st.datagrams_pending > limits.max_datagrams)
			abort();
	}
	ipfrag_expire(f, INT64_MAX);
	ipfrag_stats(f, &st);
	if (st.datagrams_pending != 0 || st.bytes_pending != 0)
		abort();
	ipfrag_free(f);
	sink = sum;
	return 0;
}
