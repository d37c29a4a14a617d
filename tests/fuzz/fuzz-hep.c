/*
 * libFuzzer: bytes as a HEPv3 listener meets them, one datagram (UDP)
 * or a stream cut into packets by their headers (TCP).  Every packet
 * that decodes is encoded again and must decode to the same fields.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dissectors/hep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The header and the encoder's fixed chunks at their largest (IPv6). */
#define ENCODE_FIXED_LEN	(6 + 7 + 7 + 22 + 22 + 8 + 8 + 10 + 10 + 7 + 10)

static uint8_t again[HEP_MAX_LEN];

/* Decode one packet; encode what came out and check it reads the same. */
static void
one(const uint8_t *p, size_t len)
{
	struct hep_msg m, back;
	size_t n;

	(void)hep_result_name(hep_decode(p, len, &m));
	if (hep_decode(p, len, &m) != HEP_OK)
		return;
	n = hep_encode(&m, again, sizeof again);
	/*
	 * The encoder writes every fixed chunk, which the input may have
	 * left out: it must fit whenever those and the octets would.
	 */
	if (n == 0 && ENCODE_FIXED_LEN + m.auth_key_len + m.correlation_len +
	    m.node_name_len + m.payload_len + 4 * 6 <= HEP_MAX_LEN)
		abort();
	if (n == 0)
		return;
	if (hep_decode(again, n, &back) != HEP_OK ||
	    !endpoint_equal(&back.src, &m.src) ||
	    !endpoint_equal(&back.dst, &m.dst) ||
	    back.ts_us != m.ts_us || back.ip_tos != m.ip_tos ||
	    back.payload_len != m.payload_len ||
	    memcmp(back.payload, m.payload, m.payload_len) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t at = 0;
	long frame;

	one(data, size);
	/* As a stream: packet after packet until one does not frame. */
	while (at < size) {
		frame = hep_frame_length(data + at, size - at);
		if (frame <= 0 || (size_t)frame > size - at)
			break;
		one(data + at, (size_t)frame);
		at += (size_t)frame;
	}
	return 0;
}
