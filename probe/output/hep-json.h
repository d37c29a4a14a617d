/*
 * HEP input's counters as the JSON report's capture.hep object.
 */
#ifndef VQ_HEP_JSON_H
#define VQ_HEP_JSON_H

#include <json-c/json.h>

#include "metrics/snapshot.h"

/* A new object of every counter in h (the caller puts it). */
json_object	*hep_json(const struct snap_hep *h);

#endif /* VQ_HEP_JSON_H */
