/*
 * The flow table of one analyzer: what the last RTP packet between two
 * endpoints resolved to (its stream, the SDP media behind it, what its
 * payload type means), so that the next packet of that stream costs one
 * lookup instead of the media map's two and the stream table's one.
 *
 * An entry holds for as long as its stream lives (the analyzer forgets it
 * when the stream ends) and the media map says the same of its two
 * endpoints (their stamps, calls_media_stamp, have not moved).  Open
 * addressing with the keys inline: a hit reads two cache lines.
 * Single-threaded, like its analyzer.
 */
#ifndef VQ_FLOWS_H
#define VQ_FLOWS_H

#include <stdint.h>

#include "dissectors/decode.h"
#include "probe/analysis/calls.h"
#include "probe/analysis/streams.h"

/* Two endpoints, packed: families and ports, then the two addresses. */
#define FLOW_KEY_WORDS	5

struct flow {
	uint64_t		 key[FLOW_KEY_WORDS];
	uint64_t		 hash;		/* 0: the slot is free */
	struct stream		*stream;	/* the latest on the flow */
	const struct call_media	*media;		/* NULL: no SDP behind it */
	uint32_t		 ssrc;		/* the stream's */
	uint32_t		 stamp[2];	/* destination's, source's */
	uint16_t		 stamp_at[2];
	int16_t			 pt;		/* -1: nothing resolved yet */
	uint8_t			 media_is_dst;
	uint8_t			 kind;		/* enum rtpstat_kind */
	uint32_t		 clock_rate_hz;
	const char		*encoding;
};

struct flow_table;

/* A table that checks its entries against the stamps of calls. */
struct flow_table	*flows_new(const struct call_table *calls);
void			 flows_free(struct flow_table *);
size_t			 flows_count(const struct flow_table *);

/*
 * What looking ahead learnt of one packet's flow before its turn (see
 * analyzer_prefetch), a step at a time: its hash (step 1), then the entry
 * it leads to (step 2; NULL: none), then its figures are on their way
 * (step 3).  The entry found holds while the table has not changed since
 * (its epoch): a put, a forget or a growth moves entries.  All zero:
 * nothing learnt yet.
 */
struct flow_hint {
	uint64_t	 hash;
	struct flow	*flow;
	uint64_t	 epoch;
	uint8_t		 step;
};

/*
 * The entry for meta's two endpoints if it still holds, else NULL (and
 * the packet takes the long way).  The caller still checks the SSRC.
 * hint, if not NULL, is what looking ahead learnt of meta's flow.
 */
struct flow		*flows_find(struct flow_table *,
			    const struct pkt_meta *, const struct flow_hint *);
/*
 * Remember that meta's packet, of SSRC ssrc, went to stream s, by the
 * media given (NULL: none, media_is_dst as streams_add has it).
 */
void			 flows_put(struct flow_table *, const struct pkt_meta *,
			    struct stream *s, uint32_t ssrc,
			    const struct call_media *media, int media_is_dst);
/*
 * Looking ahead (see analyzer_prefetch), each step of hint once, a packet
 * or two apart: hash meta's flow and load its slot; once that is loaded,
 * find the entry and load its stream; once that is, load the stream's
 * figures for a packet numbered seq.  Hints: they change nothing.
 */
void			 flows_hint_hash(const struct flow_table *,
			    const struct pkt_meta *, struct flow_hint *);
void			 flows_hint_entry(const struct flow_table *,
			    const struct pkt_meta *, struct flow_hint *);
void			 flows_hint_figures(const struct flow_table *,
			    struct flow_hint *, uint16_t seq);
/* The stream is ending: an entry that leads to it goes. */
void			 flows_forget(struct flow_table *,
			    const struct stream *s);

#endif /* VQ_FLOWS_H */
