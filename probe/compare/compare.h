/*
 * vqprobe --compare A.pcap B.pcap: the same RTP streams seen at two
 * capture points of one path (an edge probe and an SBC probe, NAT or not
 * between them), paired by evidence, and for each pair where its media
 * was lost: before the upstream point, between the points (exact, by
 * sequence number), after the downstream point (the receiver's RTCP).
 *
 * The pieces, each a file of this folder:
 *	compare-read.c		a capture into a point: its streams, packets,
 *				RTCP report blocks and the Call-ID of each
 *				stream from the SDP that announced it
 *	compare-pair.c		streams paired across the points; the clock
 *	compare-cluster.c	the clock picture the pairing draws on
 *	compare-figures.c	the figures of one pair
 *	compare-out.c		the table and the JSON; compare_run, which
 *				strings the pieces together for main
 *	compare-html.c		the HTML pages
 */
#ifndef VQ_COMPARE_H
#define VQ_COMPARE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dissectors/addr.h"

#define COMPARE_POINTS		2
/* A Call-ID as kept: made safe by text_copy_safe, cut to fit. */
#define COMPARE_CALL_ID_LEN	160

/* What --compare was asked. */
struct compare_config {
	const char	*file[COMPARE_POINTS];
	const char	*name[COMPARE_POINTS];	/* NULL: "a", "b" */
	const char	*json_path;	/* NULL: none; "-": standard output */
	const char	*report_dir;	/* NULL: no HTML pages */
	int		 table;		/* the text table on standard output */
};

/*
 * Read both captures, pair their streams and write what the config asks.
 * Returns 0, or an exit status with *cause set to one line (free it):
 * VQ_EXIT_USAGE when a capture cannot be read, 1 when an output cannot
 * be written.
 */
int	compare_run(const struct compare_config *, char **cause);

/* One RTP packet as a point saw it. */
struct compare_pkt {
	int64_t		 ts_us;		/* capture time, the point's clock */
	int32_t		 ext_seq;	/* extended by the point (RFC 3550
					   A.1), from the stream's first */
	uint32_t	 rtp_ts;
	uint32_t	 payload_hash;	/* of the captured payload bytes */
};

/* A distinct sequence number of a stream: where its first copy is. */
struct compare_seq {
	int32_t		 ext_seq;
	uint32_t	 first;		/* index in pkts of its first copy */
	uint32_t	 copies;
};

/* A stream at one point: (src, dst, SSRC). */
struct compare_stream {
	struct vq_endpoint	 src;
	struct vq_endpoint	 dst;
	uint32_t		 ssrc;
	uint8_t			 payload_type;	/* of its first packet */
	char			 call_id[COMPARE_CALL_ID_LEN];	/* "": none */
	struct compare_pkt	*pkts;		/* in capture order */
	size_t			 n_pkts, cap_pkts;
	int32_t			 max_ext_seq;	/* for extending */
	/* compare_point_finish: the distinct numbers, ascending. */
	struct compare_seq	*seqs;
	size_t			 n_seqs;
};

/* An RTCP reception report block (SR or RR), and who sent it. */
struct compare_report {
	int64_t		 ts_us;
	struct vq_addr	 from;		/* the RTCP packet's source address */
	uint32_t	 ssrc;		/* the source reported on */
	int32_t		 cumulative_lost;
	uint32_t	 ext_highest_seq;
};

/* One capture point. */
struct compare_point {
	const char		*name;
	const char		*file;
	uint64_t		 packets;	/* frames read */
	uint64_t		 rtp_packets;
	struct compare_stream	*streams;
	size_t			 n_streams, cap_streams;
	struct compare_report	*reports;
	size_t			 n_reports, cap_reports;
	/* The stream table's index: open addressing, n_index slots. */
	size_t			*index;
	size_t			 n_index;
};

void	compare_point_init(struct compare_point *, const char *name,
	    const char *file);
void	compare_point_free(struct compare_point *);
/* One RTP packet, into its stream (made when new); returns the stream. */
struct compare_stream *compare_point_add_rtp(struct compare_point *,
	    const struct vq_endpoint *src, const struct vq_endpoint *dst,
	    uint32_t ssrc, uint16_t seq, uint32_t rtp_ts, uint8_t payload_type,
	    int64_t ts_us, uint32_t payload_hash);
void	compare_point_add_report(struct compare_point *,
	    const struct compare_report *);
/* Index each stream's sequence numbers (compare_pair_points does). */
void	compare_point_finish(struct compare_point *);
/*
 * Read a capture file into a point.  Returns 0 (a file cut mid-record
 * keeps what came before it, with a warning), or -1 with *cause.
 */
int	compare_point_read(struct compare_point *, char **cause);

/* The evidence a pair was made on (compare_evidence_name). */
#define COMPARE_BY_SSRC		0x01
#define COMPARE_BY_PT		0x02
#define COMPARE_BY_SEQUENCE	0x04
#define COMPARE_BY_TIMESTAMP	0x08
#define COMPARE_BY_TIME		0x10
#define COMPARE_BY_NAT_MAPPING	0x20
#define COMPARE_BY_CALL_ID	0x40
#define COMPARE_BY_ALL		0x7f

/* "ssrc", "payload_type", ... for one bit; NULL for another. */
const char *compare_evidence_name(unsigned bit);

/*
 * The two points' clocks: point B's clock minus point A's, when both
 * directions of traffic were paired (trusted), else unknown.
 */
struct compare_clock {
	int		 trusted;
	double		 offset_us;	/* valid when trusted */
	const char	*method;	/* NULL when nothing was paired */
};

/* The figures of one pair (docs/metrics.md defines each). */
struct compare_figures {
	int64_t		 lost_before;
	int64_t		 lost_between;
	int64_t		 longest_run_between;
	int		 has_lost_after;
	int64_t		 lost_after;
	int		 lost_after_clamped;	/* was below 0, made 0 */
	int64_t		 duplicated_between;
	int64_t		 reordered_between;
	int		 has_delay_variation;
	double		 delay_variation_ms;
	int		 has_jitter_added;
	double		 jitter_added_ms;
	int		 has_one_way_delay;
	double		 one_way_delay_min_ms;
	double		 one_way_delay_median_ms;
	double		 one_way_delay_p95_ms;
};

/* A stream of A and its stream of B. */
struct compare_pair {
	size_t		 stream[COMPARE_POINTS];	/* indexes in points */
	/* Added to B's extended numbers, they are A's (wraps apart). */
	int32_t		 seq_shift;
	size_t		 common_seqs;	/* distinct numbers both saw */
	double		 transit_median_us;	/* of tB - tA, raw clocks */
	int		 upstream;	/* 0: A, 1: B */
	int		 upstream_by_loss;	/* else by time */
	unsigned	 evidence;	/* COMPARE_BY_* */
	int		 nat;		/* src or dst differ between points */
	struct compare_figures fig;
};

/*
 * Why a stream is unpaired: nothing at the other point could be it; some
 * could, all equally good; or it had candidates and every one was ruled
 * out (roles swapped, transit outside the clock picture, a mapping
 * contradicted, the other stream paired elsewhere).
 */
#define COMPARE_NO_CANDIDATE	0
#define COMPARE_AMBIGUOUS	1
#define COMPARE_REJECTED	2

/* A stream that could not be paired. */
struct compare_unpaired {
	int		 point;
	size_t		 stream;
	int		 reason;	/* COMPARE_NO_CANDIDATE, ... */
	size_t		 candidates;	/* ambiguous: the equally good ones
					   left; rejected: all it had;
					   no candidate: 0 */
};

struct compare_result {
	struct compare_clock	 clock;
	struct compare_pair	*pairs;
	size_t			 n_pairs;
	struct compare_unpaired	*unpaired;
	size_t			 n_unpaired;
	size_t			 lost_after_clamped;	/* pairs */
};

/*
 * Index the streams of two points (compare_point_finish), pair them and
 * work out each pair's figures.  Every stream ends up in one pair or in
 * the unpaired list.
 */
void	compare_pair_points(struct compare_point pts[COMPARE_POINTS],
	    struct compare_result *);
void	compare_result_free(struct compare_result *);

/* One pair's figures (compare-figures.c); the pair's upstream is set. */
void	compare_figures(const struct compare_point pts[COMPARE_POINTS],
	    const struct compare_clock *, struct compare_pair *);

/* The nearest-rank percentile (1 to 100) of n values sorted ascending. */
double	compare_percentile(const double *sorted, size_t n, unsigned pct);

/* A pair's Call-ID: its stream's at A, else at B; "" for none. */
const char *compare_pair_call(const struct compare_point *,
	    const struct compare_pair *);

/* Outputs (compare-out.c); -1 with *cause when one cannot be written. */
void	compare_write_table(FILE *, const struct compare_point *,
	    const struct compare_result *);
int	compare_write_json(const char *path, const struct compare_point *,
	    const struct compare_result *, char **cause);
int	compare_write_report(const char *dir, const struct compare_point *,
	    const struct compare_result *, char **cause);

#endif /* VQ_COMPARE_H */
