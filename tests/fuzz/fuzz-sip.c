/* libFuzzer: any UDP payload as a SIP message. */
#include <stddef.h>
#include <stdint.h>

#include "dissectors/sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_msg msg;

	if (sip_looks_like(data, size))
		(void)sip_parse(data, size, &msg);
	(void)sip_parse(data, size, &msg);
	return 0;
}
