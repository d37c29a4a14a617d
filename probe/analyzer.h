/*
 * The analysis of one packet stream: frames in, calls and media streams out.
 * Single-threaded; the pipeline will run one per worker.
 */
#ifndef VQ_ANALYZER_H
#define VQ_ANALYZER_H

#include <stdint.h>

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
/* Analyse one captured frame of the given pcap link type. */
void		 analyzer_frame(struct analyzer *, int linktype, int64_t ts_us,
		    uint32_t caplen, uint32_t wirelen, const uint8_t *data);
/* The capture is over: settle what every stream still holds undecided. */
void		 analyzer_finish(struct analyzer *);
/* The results so far; release with snapshot_release(). */
void		 analyzer_snapshot(const struct analyzer *, struct snapshot *);

#endif /* VQ_ANALYZER_H */
