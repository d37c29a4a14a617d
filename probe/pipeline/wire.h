/*
 * The records the pipeline's threads pass over their rings (see
 * probe/pipeline/pipeline.c): from the capture thread to each worker, and
 * from each worker to the aggregator.  Plain data, shared by the three.
 */
#ifndef VQ_WIRE_H
#define VQ_WIRE_H

#include <stdint.h>

#include "dissectors/decode.h"
#include "dissectors/sip.h"
#include "metrics/snapshot.h"

/* Capture thread → worker records (the ring's record type). */
enum wire_to_worker {
	WIRE_PAYLOAD = 1,	/* struct wire_payload, then the bytes */
	WIRE_OTHER,		/* struct wire_payload, then the IP packet */
	WIRE_TICK,		/* struct wire_tick: capture time goes on */
	WIRE_MARK,		/* uint64_t: frames read, between ticks */
	WIRE_END,		/* the capture is over */
	WIRE_SIP		/* struct wire_sip, then the bytes */
};

/* Worker → aggregator records: a pointer to a heap object, but one. */
enum wire_to_aggregator {
	WIRE_PART = 1,		/* struct snapshot *: a call or stream ended */
	WIRE_INTERVAL,		/* struct snap_interval *: a metrics interval */
	WIRE_LIVE,		/* struct snapshot *: what the worker holds now */
	WIRE_FINAL,		/* struct snapshot *: all the worker still has */
	WIRE_WATERMARKS,	/* struct wire_watermarks, in the record */
	/*
	 * struct snapshot *: a piece of what the worker still has at the
	 * end; the rest follows, WIRE_FINAL last.
	 */
	WIRE_HELD
};

struct wire_payload {
	uint64_t	frame_order;
	/*
	 * meta.ip (when the IP packet came along) and meta.payload point
	 * into the record's own bytes: set by the capture thread where the
	 * record lies in the ring, good until the worker releases it.
	 */
	struct pkt_meta	meta;
};

/*
 * A SIP message the capture thread parsed to route it, with its parse:
 * msg's slices point into the record's own bytes (sip_msg_rebase), which
 * stay in place until the worker releases the record.
 */
struct wire_sip {
	struct wire_payload	head;
	struct sip_msg		msg;
};

/* Capture time, and the capture's totals at that time. */
struct wire_tick {
	int64_t			now_us;
	/*
	 * totals.packets, the frames read, is also the number of the frame
	 * being read: every payload after the tick comes from this frame or
	 * a later one.
	 */
	struct snap_counters	totals;
};

/*
 * After a tick or a mark, when a sink wants results in order (see
 * probe/pipeline/reorder.h): every call (stream) the worker reports from
 * now on has an order at least calls (streams), so what it sent before is
 * all there is below them.
 */
struct wire_watermarks {
	uint64_t	calls;
	uint64_t	streams;
};

#endif /* VQ_WIRE_H */
