/*
 * libFuzzer: any body as an RFC 6035 voice-quality report, its Content-Type
 * check, and every look-up on what the parse gave.  The parse and the cheap
 * CallID look-up must agree, and every value kept must be in its range.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "dissectors/vqreport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read every present value beside its description; abort if out of range. */
static void
walk(const struct vqr_metrics *m)
{
	const struct vqr_metric_info *info;
	int i;

	if (m->present >> VQR_METRICS != 0)
		abort();
	for (i = 0; i < VQR_METRICS; i++) {
		if ((m->present & 1u << i) == 0)
			continue;
		info = vqr_metric_info((enum vqr_metric)i);
		if (info == NULL || info->line == NULL || info->param == NULL ||
		    !(m->value[i] >= info->min && m->value[i] <= info->max))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *id = NULL;
	struct vqr_report r;
	enum dissect_result res;
	size_t id_len = 0, off, i;
	unsigned sum = 0;
	int found;

	(void)vqr_content_type_is(text, size);
	res = vqr_parse(text, size, &r);
	found = vqr_call_id(text, size, &id, &id_len) == 0;
	if (found != (res == DISSECT_OK) ||
	    (found && (id != r.call_id || id_len != r.call_id_len)))
		abort();
	if (res != DISSECT_OK)
		return 0;
	if (r.call_id < text || (off = (size_t)(r.call_id - text)) >= size ||
	    r.call_id_len == 0 || r.call_id_len > size - off)
		abort();
	for (i = 0; i < r.call_id_len; i++)
		sum += (unsigned char)r.call_id[i];
	(void)sum;
	(void)vqr_kind_name(r.kind);
	walk(&r.local_metrics);
	walk(&r.remote_metrics);
	return 0;
}
