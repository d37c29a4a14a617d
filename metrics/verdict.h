/*
 * The verdict on a call: the one definition of the figures that represent
 * each direction of a call and of when a direction counts as impaired.
 *
 * Every output that shows a call's quality (the table, the JSON report,
 * the terminal view, the evidence pages, the vq_call point, the Grafana
 * alert rules) takes its figures, its colours and its words from here, so
 * that one call cannot be red in one and clean in another.
 *
 * Pure: no allocation, no I/O.  A direction is the media one side of the
 * call sent, all its streams taken together (a re-INVITE or a forked
 * early dialog gives a side several streams).
 */
#ifndef VQ_VERDICT_H
#define VQ_VERDICT_H

#include <stddef.h>
#include <stdint.h>

struct snap_stream;

/*
 * The thresholds.  1 % loss is where G.711 without concealment becomes
 * audibly worse (G.113 Appendix I) and a common SLA bound; MOS 3.6 is
 * R = 70, below which G.107 Annex B has many users dissatisfied; 30 ms of
 * mean jitter is a usual alert bound.  grafana/provisioning/alerting cites
 * these names.
 */
#define VERDICT_LOSS_PCT	1.0	/* impaired at or above */
#define VERDICT_MOS		3.6	/* impaired below */
#define VERDICT_JITTER_MS	30.0	/* impaired above (mean jitter) */
/*
 * The bands the views colour figures by: good, fair (not impaired but
 * not good either), poor.  MOS 4.0 is R = 80, "satisfied" in G.107
 * Annex B; any loss at all, or 10 ms of jitter, is worth a second look.
 */
#define VERDICT_MOS_GOOD	4.0	/* good at or above */
#define VERDICT_JITTER_FAIR_MS	10.0	/* fair at or above */

/* Why a direction is impaired: bits of verdict_dir.reasons. */
enum verdict_reason {
	VERDICT_REASON_LOSS	= 1 << 0,
	VERDICT_REASON_MOS	= 1 << 1,
	VERDICT_REASON_JITTER	= 1 << 2,
};
#define VERDICT_REASONS		3

/* The colour of a figure. */
enum verdict_band {
	VERDICT_GOOD,
	VERDICT_FAIR,
	VERDICT_POOR,
};

/* Which side sent a direction: index into verdict_call.dir. */
enum verdict_side {
	VERDICT_CALLER,
	VERDICT_CALLEE,
};

/*
 * What a verdict is made from: one side's streams, summed.  Small, since
 * a call carries one per side from its worker to the outputs (see
 * snap_call.media) and may wait a while behind a longer call.
 */
struct verdict_sums {
	uint32_t	streams;
	int		have_mos;	/* mos_min holds a stream's figure */
	uint64_t	packets;
	uint64_t	expected;
	uint64_t	lost;
	uint64_t	mos_packets;	/* packets of the streams with a MOS */
	uint64_t	jitter_packets;	/* packets of streams with a clock */
	double		mos_call_sum;	/* their mos.call times packets */
	double		mos_avg_sum;	/* their mos.avg times packets */
	double		mos_min;	/* the lowest interval of any stream */
	double		jitter_sum;	/* their mean jitter times packets */
	double		jitter_max_ms;	/* the highest of any stream */
};

/* One direction: its sums, and the figures and verdict made from them. */
struct verdict_dir {
	struct verdict_sums sums;

	/* The figures (have_*: 0 when there is nothing to make them from). */
	int		have_loss;
	double		loss_pct;	/* 100 * lost / expected, summed */
	int		have_mos;
	double		mos;		/* mos.call, weighted by packets */
	double		mos_min;	/* the lowest interval of any stream */
	double		mos_avg;	/* mos.avg, weighted by packets */
	int		have_jitter;
	double		jitter_ms;	/* mean jitter, weighted by packets */
	double		jitter_max_ms;	/* the highest of any stream */

	/* The verdict. */
	unsigned	reasons;	/* enum verdict_reason bits */
	int		impaired;
};

/* A call: its two directions, and the worse of them. */
struct verdict_call {
	struct verdict_dir dir[2];	/* enum verdict_side */
	int		impaired;	/* either direction is */
	int		have_mos;
	double		mos;		/* the lower direction's */
};

/* Add a stream to the sums of its side (a stream with no side: ignored). */
void		 verdict_sums_add(struct verdict_sums side[2],
		    const struct snap_stream *);
/* A call's verdict from the sums of its two sides. */
void		 verdict_call_from(const struct verdict_sums side[2],
		    struct verdict_call *);

/* The side a stream's direction names; -1 for none (no signalling). */
int		 verdict_side(const char *direction);
/* The name of a side: "caller", "callee". */
const char	*verdict_side_name(enum verdict_side);

/* All of a call: the streams of one call (others, by call index, skipped). */
void		 verdict_of_call(const struct snap_stream *streams, size_t n,
		    size_t call, struct verdict_call *);

/* The word for a reason bit ("loss", "mos", "jitter"); NULL if none. */
const char	*verdict_reason_name(unsigned reason);
/*
 * The reason bits, in the order they are listed: for (i = 0; i <
 * VERDICT_REASONS; i++) verdict_reason_at(i).
 */
unsigned	 verdict_reason_at(size_t i);

/*
 * A side's verdict in words, as the table and the views print it:
 * "clean", "no media", or "impaired: loss 7.83 % >= 1 %, MOS 1.53 < 3.6".
 * Returns what snprintf returns.
 */
int		 verdict_dir_text(const struct verdict_dir *, char *buf,
		    size_t size);

/* Whether one metrics interval was bad (its loss or its MOS). */
int		 verdict_interval_bad(double loss_pct, int have_mos, double mos);

/* The bands the views colour a figure by. */
enum verdict_band verdict_loss_band(double loss_pct);
enum verdict_band verdict_mos_band(double mos);
enum verdict_band verdict_jitter_band(double jitter_ms);

#endif /* VQ_VERDICT_H */
