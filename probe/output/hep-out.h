/*
 * HEP out (--hep): what vqprobe sees, mirrored to a HOMER collector
 * (heplify-server, or anything that reads HEPv3):
 *
 *   - every SIP message as HEP type 1, byte for byte, with its capture's
 *     addresses, ports, IP protocol and time, its Call-ID as the
 *     correlation id (chunk 0x0011);
 *   - every RTCP datagram as HEP type 5, the JSON heplify-server reads,
 *     with the Call-ID of the call whose SDP announced its media as the
 *     correlation id (none when no SDP seen announced it: heplify-server
 *     still counts such a report in its metrics but does not store it);
 *   - per stream per metrics interval, vqprobe's quality figures as HEP
 *     type 34 JSON (docs/metrics.md), the very figures of vq_stream.
 *
 * The capture thread's tap and the aggregator's sink only copy into
 * rings (probe/output/hep-out-tap.h); one HEP thread of its own encodes,
 * learns media endpoints from SDP, and sends (hep-out-send.h).  Nothing
 * here ever makes the capture or the aggregator wait: what does not fit
 * is dropped and counted.
 */
#ifndef VQ_HEP_OUT_H
#define VQ_HEP_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/decode.h"
#include "probe/pipeline/sink.h"

struct hep_out_config {
	const char	*url;		/* udp:HOST:PORT | tcp:HOST:PORT */
	uint32_t	 capture_id;	/* chunk 0x000c */
	const char	*auth_key;	/* chunk 0x000e; NULL: none */
	size_t		 queue_max_bytes;	/* encoded, waiting to go */
	int		 retry_min_ms;	/* TCP reconnect backoff */
	int		 retry_max_ms;
};

/* Every counter, from any thread. */
struct hep_out_stats {
	uint64_t	 sent_sip;	/* queued to go, by type */
	uint64_t	 sent_rtcp;
	uint64_t	 sent_quality;
	uint64_t	 rtcp_uncorrelated;	/* of sent_rtcp: no call known */
	uint64_t	 delivered;	/* packets written to the socket */
	uint64_t	 dropped_capture;	/* the tap's ring was full */
	uint64_t	 dropped_quality;	/* the sink's ring was full */
	uint64_t	 dropped_queue;	/* the send queue was full */
	uint64_t	 dropped_unencodable;	/* too big for HEP, or RTCP
						   that does not parse */
	uint64_t	 send_errors;	/* UDP datagrams refused */
	uint64_t	 connects;	/* TCP connections made */
	uint64_t	 connect_failures;
	uint64_t	 queue_bytes;	/* waiting now */
	uint64_t	 media_evicted;	/* endpoints forgotten for room */
	int		 connected;
};

struct hep_out;

/* Queue 4 MiB; reconnect after 0.5 s at first, 30 s at most. */
void		 hep_out_config_default(struct hep_out_config *);
/*
 * Check and resolve the URL and start the HEP thread.  NULL with *cause
 * (free it) for a bad URL: an unknown scheme, no port, a host that does
 * not resolve.
 */
struct hep_out	*hep_out_start(const struct hep_out_config *, char **cause);
/*
 * The capture thread's tap, with hep_out_tap_arg as its argument: give
 * it to the pipeline (pipeline_config.tap).
 */
void		 hep_out_tap(void *arg, const struct pkt_meta *);
void		*hep_out_tap_arg(struct hep_out *);
/* The sink that sends each stream's interval figures. */
void		 hep_out_sink(struct hep_out *, struct pipeline_sink *);
/*
 * After the pipeline has stopped: send what waits for up to timeout_ms,
 * then stop the thread.  Returns the packets not delivered at the end
 * (those still waiting, and all dropped since the start).
 */
uint64_t	 hep_out_stop(struct hep_out *, int timeout_ms);
void		 hep_out_stats(struct hep_out *, struct hep_out_stats *);
/* The counters as one log line's key=value pairs into buf. */
void		 hep_out_format_stats(const struct hep_out_stats *, char *buf,
		    size_t size);
void		 hep_out_free(struct hep_out *);

#endif /* VQ_HEP_OUT_H */
