/*
 * HEP out's JSON bodies: an RTCP datagram as heplify-server reads RTCP
 * (HEP type 5), and one stream's figures over one metrics interval as a
 * quality report (HEP type 34).  Keys are case-sensitive; see
 * docs/metrics.md for the quality report's.  Strings go through json-c,
 * which escapes quotes, backslashes and control bytes, so no SIP text
 * can change a body's structure.
 */
#ifndef VQ_HEP_OUT_JSON_H
#define VQ_HEP_OUT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "metrics/snapshot.h"

/*
 * The RTCP datagram at p (len bytes captured of wirelen) as JSON: its
 * first SR or RR (sender_information, ssrc, type, report_count,
 * report_blocks), the first SDES chunk's source (sdes_ssrc), and the first
 * XR VoIP Metrics block (report_blocks_xr).  Returns a string to free, or
 * NULL when the datagram is not RTCP that parses.
 */
char	*hep_json_rtcp(const uint8_t *p, size_t len, size_t wirelen);
/* One stream over one interval (the figures vq_stream carries); free it. */
char	*hep_json_quality(const struct snap_stream_interval *);

#endif /* VQ_HEP_OUT_JSON_H */
