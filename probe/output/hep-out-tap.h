/*
 * HEP out's intake (see hep-out.h): what the capture thread and the
 * aggregator hand to the HEP thread, over one single-producer ring each,
 * so that neither ever waits for it.  A full ring drops the record and
 * counts it.
 *
 * The capture thread's tap takes SIP messages (UDP datagrams, and
 * messages out of TCP and WebSocket reassembly) and RTCP datagrams, with
 * their addresses, ports, IP protocol and capture time; everything else
 * costs it two byte compares.  The aggregator's side takes the per-stream
 * figures of each metrics interval.
 */
#ifndef VQ_HEP_OUT_TAP_H
#define VQ_HEP_OUT_TAP_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/addr.h"
#include "dissectors/decode.h"
#include "metrics/snapshot.h"

enum hep_tap_kind {
	HEP_TAP_SIP = 1,
	HEP_TAP_RTCP,
	HEP_TAP_QUALITY
};

/* A SIP message or an RTCP datagram as captured; its bytes follow. */
struct hep_tap_packet {
	int64_t			 ts_us;
	struct vq_endpoint	 src;
	struct vq_endpoint	 dst;
	uint8_t			 ip_proto;	/* 17 UDP, 6 TCP */
	uint32_t		 len;		/* captured bytes */
	uint32_t		 wirelen;
};

struct hep_tap_stats {
	uint64_t	 dropped_capture;	/* SIP and RTCP: ring full */
	uint64_t	 dropped_quality;	/* stream intervals: ring full */
};

struct hep_tap;

/* Rings of capture_bytes and quality_bytes. */
struct hep_tap	*hep_tap_new(size_t capture_bytes, size_t quality_bytes);
void		 hep_tap_free(struct hep_tap *);

/*
 * The capture thread's tap (a pipeline_tap_fn): queue meta's payload if
 * it is SIP or RTCP.
 */
void		 hep_tap_payload(void *tap, const struct pkt_meta *meta);
/* The aggregator's: queue n stream intervals. */
void		 hep_tap_streams(struct hep_tap *,
		    const struct snap_stream_interval *, size_t n);

/*
 * The HEP thread's: the oldest record of either ring, capture first, or
 * NULL when both are empty.  A packet's bytes follow the struct; a
 * quality record is a struct snap_stream_interval.  Valid until
 * hep_tap_release.
 */
const void	*hep_tap_next(struct hep_tap *, enum hep_tap_kind *kind);
void		 hep_tap_release(struct hep_tap *);
/* Whether both rings are empty. */
int		 hep_tap_empty(const struct hep_tap *);
void		 hep_tap_stats(const struct hep_tap *, struct hep_tap_stats *);

#endif /* VQ_HEP_OUT_TAP_H */
