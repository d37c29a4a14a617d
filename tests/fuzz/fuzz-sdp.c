/* libFuzzer: any body as SDP. */
#include <stddef.h>
#include <stdint.h>

#include "dissectors/sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdp_session sdp;
	const char *encoding;
	uint32_t clock_rate_hz;
	size_t i, j;

	if (sdp_parse((const char *)data, size, &sdp) != DISSECT_OK)
		return 0;
	for (i = 0; i < sdp.n_media; i++)
		for (j = 0; j < sdp.media[i].n_formats; j++)
			(void)sdp_media_codec(&sdp.media[i],
			    sdp.media[i].formats[j], &encoding, &clock_rate_hz);
	return 0;
}
