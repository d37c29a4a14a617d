/*
 * HEP input's counters as JSON (see hep-json.h).
 */
#include <stdint.h>

#include "dissectors/hep.h"
#include "probe/output/hep-json.h"

static void
add_count(json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_int64((int64_t)v));
}

json_object *
hep_json(const struct snap_hep *h)
{
	json_object *o = json_object_new_object();
	int r;

	add_count(o, "packets", h->packets);
	add_count(o, "bytes", h->bytes);
	add_count(o, "analysed", h->analysed);
	/* Each reason the decoder refuses a packet, by its name. */
	for (r = HEP_OK + 1; r < HEP_RESULT_COUNT; r++)
		add_count(o, hep_result_name((enum hep_result)r),
		    h->refused[r]);
	add_count(o, "auth_failed", h->auth_failed);
	add_count(o, "not_analysed", h->not_analysed);
	add_count(o, "inflate_failed", h->inflate_failed);
	add_count(o, "connections", h->connections);
	add_count(o, "connections_refused", h->connections_refused);
	add_count(o, "streams_bad", h->streams_bad);
	add_count(o, "receive_errors", h->receive_errors);
	return o;
}
