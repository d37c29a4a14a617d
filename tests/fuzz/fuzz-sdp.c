/* libFuzzer: any body as SDP, and every look-up on what it gave. */
#include <stddef.h>
#include <stdint.h>

#include "dissectors/sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdp_session sdp;
	const struct sdp_media *m;
	const char *encoding;
	uint32_t clock_rate_hz;
	size_t i, j;

	if (sdp_parse((const char *)data, size, &sdp) == DISSECT_MALFORMED)
		return 0;
	(void)sdp_direction_name(sdp.direction);
	for (i = 0; i < sdp.n_media; i++) {
		m = &sdp.media[i];
		(void)sdp_direction_name(m->direction);
		for (j = 0; j < m->n_formats; j++) {
			(void)sdp_media_codec(m, m->formats[j], &encoding,
			    &clock_rate_hz);
			(void)sdp_media_fmtp(m, m->formats[j]);
		}
	}
	return 0;
}
