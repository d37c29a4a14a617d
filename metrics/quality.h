/*
 * What a listener would have heard, per stream: jitter-buffer emulation,
 * loss and discard patterns, and the E-model per interval and per call.
 *
 * The module sees a stream's packets in arrival order and decides each
 * sequence number's fate (played, discarded by the jitter buffer, lost)
 * once no later packet can change it; fates are taken in sequence order
 * into intervals of media time, each rated with ITU-T G.107.
 */
#ifndef VQ_QUALITY_H
#define VQ_QUALITY_H

#include <stddef.h>
#include <stdint.h>

#include "metrics/burst.h"
#include "metrics/emodel.h"
#include "metrics/jbuf.h"

struct quality_config {
	const struct emodel_codec *codec;	/* NULL: no MOS (unknown codec) */
	uint32_t	clock_rate_hz;
	int64_t		interval_us;		/* MOS interval, e.g. 10 s */
	struct jbuf_config jbuf;
};

struct quality_summary {
	uint64_t	jb_discards;
	double		jb_delay_ms;	/* mean time packets waited to play */
	double		packet_ms;	/* audio per packet, from timestamps */
	double		delay_ms;	/* Ta: network (RTT/2) + buffer + packet */
	int		have_rtt;	/* network delay known from RTCP */
	int		have_mos;	/* a known codec and at least one fate */
	double		mos_call;	/* G.107 on the whole stream's figures */
	double		r_call;		/* its R, narrowband scale */
	double		mos_min;	/* the worst interval */
	double		mos_avg;	/* intervals weighted by their media time */
	double		mos_last;	/* the latest interval rated */
	double		r_last;		/* its R */
	uint32_t	intervals;	/* rated so far */
	struct burst_summary burst;	/* the whole stream */
};

/* Default configuration: 10 s intervals, fixed 60 ms jitter buffer. */
void		 quality_config_default(struct quality_config *);
/* A new stream; NULL with *cause set when the configuration is wrong. */
struct quality	*quality_new(const struct quality_config *, const char **cause);
void		 quality_free(struct quality *);
/*
 * For a caller that keeps the stream inside a block of its own (with its
 * other per-stream state, say): the room it takes, a multiple of 8; the
 * stream made in that room at mem, aligned for a uint64_t (NULL with
 * *cause set, as quality_new); and, before the block is freed, the
 * release of what the stream allocated on its own since.
 */
size_t		 quality_size(const struct quality_config *);
struct quality	*quality_init(void *mem, const struct quality_config *,
		    const char **cause);
void		 quality_release(struct quality *);
/*
 * One packet, in arrival order.  timed: a voice or comfort-noise packet,
 * whose timestamp is a sampling instant and goes through the jitter
 * buffer; an RFC 4733 event only fills its sequence number.
 */
void		 quality_packet(struct quality *, uint16_t seq, uint32_t timestamp,
		    int64_t arrival_us, int marker, int timed);
/* The codec, once the stream's first voice packet names it. */
void		 quality_set_codec(struct quality *, const struct emodel_codec *,
		    uint32_t clock_rate_hz);
/* The round trip to the far end, from RTCP (half of it is network delay). */
void		 quality_set_rtt(struct quality *, double rtt_ms);
/* Settle every sequence number still pending: at the end of the stream. */
void		 quality_finish(struct quality *);
void		 quality_summary(const struct quality *, struct quality_summary *);
/* Intervals rated so far (the summary's intervals, cheaply). */
uint32_t	 quality_intervals(const struct quality *);

/* Start loading the state a packet will update (a hint for speed). */
void		 quality_prefetch(const struct quality *, uint16_t seq);

#endif /* VQ_QUALITY_H */
