/*
 * Per-stream RTP statistics (RFC 3550 A.1, A.3, A.8): sequence extension,
 * expected, lost, duplicates, out of order, interarrival jitter, loss runs.
 *
 * One rtpstat follows one direction of one SSRC.  Packets are fed in capture
 * order.  Nothing here reads a clock: time is the packet's capture time.
 */
#ifndef VQ_RTPSTAT_H
#define VQ_RTPSTAT_H

#include <stddef.h>
#include <stdint.h>

/* What a packet carries, as far as loss and jitter are concerned. */
enum rtpstat_kind {
	RTPSTAT_VOICE = 0,	/* ordinary media */
	RTPSTAT_EVENT,		/* RFC 4733 telephone-event */
	RTPSTAT_COMFORT_NOISE,	/* RFC 3389, PT 13 */
	RTPSTAT_UNANNOUNCED	/* a payload type the SDP did not announce */
};

struct rtpstat_pkt {
	int64_t			arrival_us;	/* capture time */
	uint16_t		seq;
	uint32_t		timestamp;	/* RTP timestamp */
	uint8_t			marker;
	enum rtpstat_kind	kind;
};

struct rtpstat_summary {
	uint64_t	packets;	/* every packet fed, duplicates included */
	uint64_t	expected;	/* highest - lowest extended seq + 1 */
	uint64_t	lost;		/* expected - distinct received, >= 0 */
	uint64_t	duplicates;
	uint64_t	out_of_order;	/* arrived after a higher sequence number */
	uint64_t	events;		/* RFC 4733 packets, repeats included */
	uint64_t	telephone_events; /* distinct events (digits) in them */
	uint64_t	comfort_noise;	/* RFC 3389 packets */
	uint64_t	unannounced;	/* packets of payload types not in SDP */
	uint32_t	restarts;	/* RFC 3550 A.1 resynchronisations */
	double		loss_pct;
	double		burst_ratio;	/* G.107 BurstR from loss runs; 1 if no loss */
	double		jitter_mean_ms;	/* as tshark -z rtp,streams prints it */
	double		jitter_max_ms;
	double		max_delta_ms;	/* longest gap between voice packets;
					   -1: none measured (one packet) */
	int64_t		first_us;
	int64_t		last_us;
};

struct rtpstat;

/*
 * A new stream whose RTP clock runs at clock_rate_hz (0: unknown, no
 * jitter); NULL when out of memory.
 */
struct rtpstat	*rtpstat_new(uint32_t clock_rate_hz);
void		 rtpstat_free(struct rtpstat *);
/*
 * For a caller that keeps the stream inside a block of its own: the room
 * it takes (a multiple of 8), and the stream made in that room at mem,
 * aligned for a uint64_t.  Nothing to free but the block.
 */
size_t		 rtpstat_size(void);
struct rtpstat	*rtpstat_init(void *mem, uint32_t clock_rate_hz);
/* Account for one packet. */
void		 rtpstat_update(struct rtpstat *, const struct rtpstat_pkt *);
/*
 * For metrics per interval: jitter now (the RFC 3550 estimate J, in ms)
 * and the highest it was since the previous call, which starts a new
 * window.  0 without a clock rate.
 */
void		 rtpstat_window(struct rtpstat *, double *jitter_ms,
		    double *max_jitter_ms);
/*
 * What the stream looked like up to a receiver's report: the sequence
 * numbers expected, and those not received, from the first up to and
 * including highest (the low 16 bits of an RTCP report block's extended
 * highest sequence number, extended to the nearest of the probe's own).
 * A report names a number the probe saw a moment ago, or one it has not
 * seen yet (those past its highest count as missing here too).  Returns
 * 0, or -1 when the number is before the current range or has left the
 * window (what was missing before it is no longer known exactly).
 */
int		 rtpstat_lost_upto(const struct rtpstat *, uint16_t highest,
		    uint64_t *expected, uint64_t *lost);
/* Jitter now (the RFC 3550 estimate J, in ms; 0 without a clock). */
double		 rtpstat_jitter_ms(const struct rtpstat *);
/* Duplicates so far (the summary's, cheaply). */
uint64_t	 rtpstat_duplicates(const struct rtpstat *);
/* Packets fed so far (the summary's packets, cheaply). */
uint64_t	 rtpstat_packets(const struct rtpstat *);
/* The figures so far; the stream can go on being updated afterwards. */
void		 rtpstat_summary(const struct rtpstat *, struct rtpstat_summary *);

/* Start loading the state a packet will update (a hint for speed). */
void		 rtpstat_prefetch(const struct rtpstat *);

#endif /* VQ_RTPSTAT_H */
