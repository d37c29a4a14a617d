/*
 * The analysis of one packet stream: frames in, calls and media streams out.
 * Single-threaded; the pipeline will run one per worker.
 */
#ifndef VQ_ANALYZER_H
#define VQ_ANALYZER_H

#include <stdint.h>

#include "metrics/snapshot.h"

struct analyzer;

struct analyzer	*analyzer_new(void);
void		 analyzer_free(struct analyzer *);
/* Analyse one captured frame of the given pcap link type. */
void		 analyzer_frame(struct analyzer *, int linktype, int64_t ts_us,
		    uint32_t caplen, uint32_t wirelen, const uint8_t *data);
/* The results so far; release with snapshot_release(). */
void		 analyzer_snapshot(const struct analyzer *, struct snapshot *);

#endif /* VQ_ANALYZER_H */
