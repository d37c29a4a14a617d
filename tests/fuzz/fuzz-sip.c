/*
 * libFuzzer: any UDP payload as a SIP message, and the SDP it carries
 * (whole body or multipart part) on to the SDP parser, as the probe does.
 */
#include <stddef.h>
#include <stdint.h>

#include "dissectors/sdp.h"
#include "dissectors/sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_msg msg;
	struct sdp_session sdp;

	(void)sip_looks_like(data, size);
	if (sip_parse(data, size, &msg) != DISSECT_OK)
		return 0;
	(void)sip_method_name(msg.method);
	(void)sip_status_phrase(msg.status_code);
	if (msg.sdp.p != NULL && !msg.sdp_truncated)
		(void)sdp_parse(msg.sdp.p, msg.sdp.len, &sdp);
	return 0;
}
