/* libFuzzer: any frame, under every supported link type, down to UDP. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dissectors/decode.h"
#include "dissectors/rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int linktypes[] = { 0, 1, 12, 14, 101, 108, 113, 228, 229, 276 };
	struct pkt_meta meta;
	struct rtp_hdr rtp;
	size_t i;

	for (i = 0; i < sizeof(linktypes) / sizeof(linktypes[0]); i++) {
		memset(&meta, 0, sizeof(meta));
		if (decode_frame(linktypes[i], data, (uint32_t)size, &meta) ==
		    DISSECT_OK)
			(void)rtp_parse(meta.payload, meta.payload_len,
			    meta.payload_wirelen, &rtp);
	}
	return 0;
}
