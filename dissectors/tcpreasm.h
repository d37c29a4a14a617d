/*
 * TCP stream reassembly for SIP: segments in, whole SIP messages out.
 *
 * A connection is followed only once a segment of it begins with a SIP
 * start line, on any port; each direction is then put back in order
 * (retransmissions and overlaps ignored, the first copy of a byte wins),
 * and cut into messages by Content-Length (sipframe.h).  A connection
 * whose bytes stop looking like SIP before a first message is dropped at
 * once.  Memory is bounded per direction and in total; time is capture time.
 */
#ifndef VQ_TCPREASM_H
#define VQ_TCPREASM_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/addr.h"

struct tcpreasm_limits {
	int64_t		 idle_timeout_us;	/* forget a silent connection */
	int64_t		 gap_timeout_us;	/* stop waiting for a hole */
	uint32_t	 max_streams;		/* connections at once */
	uint32_t	 max_stream_bytes;	/* held out of order, one way */
	uint32_t	 max_segments;		/* the same, in segments */
	uint32_t	 max_bytes;		/* held in all, with overhead */
	uint32_t	 max_message;		/* longest SIP message */
};

/* Counters since tcpreasm_new; the last two are levels, not counts. */
struct tcpreasm_stats {
	uint64_t	 segments;	/* offered to tcpreasm_segment */
	uint64_t	 streams;	/* followed: they began like SIP */
	uint64_t	 not_sip;	/* ... dropped: not SIP after all */
	uint64_t	 sip_messages;	/* framed and delivered */
	uint64_t	 out_of_order;	/* segments held ahead of a hole */
	uint64_t	 retransmissions; /* segments, or heads, seen before */
	uint64_t	 gaps;		/* holes given up on: capture loss */
	uint64_t	 bytes_dropped;	/* limits, holes, garbage, unfinished */
	uint64_t	 streams_evicted; /* for max_streams or max_bytes */
	uint64_t	 streams_timed_out;
	uint32_t	 streams_active;
	uint32_t	 bytes_buffered;
};

/* TCP header flags that matter here, with their header bit values. */
#define TCPREASM_FIN	0x01
#define TCPREASM_SYN	0x02
#define TCPREASM_RST	0x04
#define TCPREASM_ACK	0x10

/* One segment as its IP and TCP headers describe it. */
struct tcpreasm_segment {
	struct vq_endpoint	 src;
	struct vq_endpoint	 dst;
	int64_t			 ts_us;		/* capture time */
	uint32_t		 seq;
	uint32_t		 ack;		/* read if flags has ACK */
	uint8_t			 flags;		/* TCPREASM_ bits */
	const uint8_t		*data;		/* payload as captured */
	uint32_t		 len;
	uint32_t		 wirelen;	/* on the wire, >= len */
};

/* One SIP message, valid during the delivery call only. */
struct tcpreasm_msg {
	const struct vq_endpoint *src;
	const struct vq_endpoint *dst;
	int64_t			 ts_us;	/* of the segment with its last byte */
	const uint8_t		*data;
	size_t			 len;
};

typedef void tcpreasm_deliver_fn(void *arg, const struct tcpreasm_msg *);

enum tcpreasm_result {
	TCPREASM_IGNORED,	/* not a connection that carries SIP */
	TCPREASM_FOLLOWED	/* part of a SIP connection, taken in */
};

/* 300 s idle, 2 s for a hole, 4096 streams, 256 KiB and 64 segments
 * per direction, 32 MiB in all, 64 KiB per message. */
void	tcpreasm_limits_default(struct tcpreasm_limits *);

/*
 * A reassembler, NULL if out of memory.  Limits are copied; max_message
 * is kept within 16 KiB (so a start line always fits) and 16 MiB.
 */
struct tcpreasm *tcpreasm_new(const struct tcpreasm_limits *);
void	tcpreasm_free(struct tcpreasm *);

/*
 * Take one segment.  fn(arg, msg) is called for every SIP message it
 * completes, in stream order; that may be a message of the other
 * direction, once this segment shows a hole there will not be filled
 * (the peer acknowledged bytes the capture missed).  fn must not call
 * back into this reassembler.  A hole is given up on when the receiver
 * acknowledges past it, when it has stalled a direction for
 * gap_timeout_us, or when what waits behind it passes the limits; the
 * message it cut is lost and the stream resumes at the next start line.
 */
enum tcpreasm_result tcpreasm_segment(struct tcpreasm *,
	    const struct tcpreasm_segment *, tcpreasm_deliver_fn *fn,
	    void *arg);

/* Forget connections idle since before now_us (INT64_MAX: all). */
void	tcpreasm_expire(struct tcpreasm *, int64_t now_us);

void	tcpreasm_stats(const struct tcpreasm *, struct tcpreasm_stats *);

#endif /* VQ_TCPREASM_H */
