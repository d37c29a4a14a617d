/*
 * The analysis of one packet stream: frames in, calls and media streams out.
 * Single-threaded: the pipeline runs one per worker.
 */
#ifndef VQ_ANALYZER_H
#define VQ_ANALYZER_H

#include <stdint.h>

#include "dissectors/decode.h"
#include "metrics/snapshot.h"

struct analyzer;

#include "metrics/jbuf.h"

struct analyzer_config {
	int64_t			interval_us;	/* MOS interval of media time */
	int			g711_plc;	/* G.711 with Appendix I PLC */
	struct jbuf_config	jbuf;		/* the emulated listener's */
};

void		 analyzer_config_default(struct analyzer_config *);
struct analyzer	*analyzer_new(const struct analyzer_config *);
void		 analyzer_free(struct analyzer *);
/*
 * Analyse one UDP datagram or SIP message as the decoder delivered it.
 * frame_order numbers the capture's frames: calls and streams keep the
 * number of the frame they were first seen on, so that results from
 * several analyzers merge into the order one analyzer would have given.
 */
void		 analyzer_payload(struct analyzer *, const struct pkt_meta *,
		    uint64_t frame_order);
/* The capture is over: settle what every stream still holds undecided. */
void		 analyzer_finish(struct analyzer *);
/*
 * The results so far; release with snapshot_release().  The capture
 * figures are this analyzer's only (SIP, RTP and RTCP counts, its
 * truncated and malformed payloads); packets and bytes are the capture
 * stage's to fill.
 */
void		 analyzer_snapshot(const struct analyzer *, struct snapshot *);
/* Add per-protocol truncated and malformed counts (PROTO_COUNT each). */
void		 analyzer_errors_add(struct snap_capture *,
		    const uint64_t *truncated, const uint64_t *malformed);

#endif /* VQ_ANALYZER_H */
