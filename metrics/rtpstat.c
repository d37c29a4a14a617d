/*
 * Per-stream RTP statistics.
 *
 * Sequence numbers are extended and checked as in RFC 3550 Appendix A.1,
 * with two changes: no packet is discarded while a stream is "on
 * probation" (every packet counts), and a restart keeps the packet that
 * announced it.  Loss follows A.3, but exactly: a bitmap of the extended
 * sequence numbers received in a sliding window tells a duplicate from a
 * late packet and a filled hole from a loss, and the runs of lost sequence
 * numbers it leaves behind give the G.107 burst ratio.  Jitter is the A.8
 * estimator, with its mean and maximum taken the way tshark 4.0's
 * "-z rtp,streams" takes them, so the two can be compared.
 */

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/burst.h"
#include "metrics/rtpstat.h"
#include "metrics/seqmath.h"

#define RTP_SEQ_MOD	65536
/*
 * A.1's window for extending a sequence number: up to MAX_DROPOUT - 1
 * ahead of the highest is in order (a gap is loss), up to MAX_MISORDER - 1
 * behind is late.  Anything further is a jump, taken as the source
 * restarting only once the next packet continues it (bad_seq): a lone
 * stray does not move the stream.
 */
#define MAX_DROPOUT	3000
#define MAX_MISORDER	100
#define NO_BAD_SEQ	(RTP_SEQ_MOD + 1)	/* matches no 16-bit seq */

/*
 * The window of extended sequence numbers, ending at the highest, whose
 * reception is still open.  A packet is taken as late only if it is less
 * than MAX_MISORDER behind the highest (further back it is a jump), so a
 * sequence number that falls out of a window longer than that can never be
 * received afterwards: whether it was lost is final, and it is counted
 * into the loss runs and forgotten.  The runs come out the same whatever
 * the window's length beyond MAX_MISORDER, since the numbers leave it in
 * order; the smallest power of two above it keeps both bitmaps in four
 * words, the stream in a few cache lines, and a summary's scan of what is
 * still inside short.  This bounds a stream's memory however long it runs.
 */
#define WINDOW_SEQS	128
#define WINDOW_WORDS	(WINDOW_SEQS / 64)

/* A power of two, so negative extended seqs share the modular mapping. */
_Static_assert(WINDOW_SEQS > MAX_MISORDER &&
    (WINDOW_SEQS & (WINDOW_SEQS - 1)) == 0 && WINDOW_SEQS % 64 == 0,
    "the window must cover every late packet and fill whole words");

/* The transit-time difference is smoothed over 16 packets (A.8). */
#define JITTER_GAIN	16.0

/*
 * Ordered so that no field leaves a hole, with what every packet reads
 * or moves first and the totals of ranges closed by restarts last.  The
 * voice and comfort-noise packets that jitter's mean runs over are not
 * counted apart: they are the packets that are neither events nor of an
 * unannounced type.
 */
struct rtpstat {
	uint64_t		packets;
	int64_t			last_us;

	/*
	 * The current range of extended sequence numbers: from the restart
	 * (or the first packet) to now.  lowest_seq can still go down when
	 * a packet older than the first arrives late.
	 */
	int64_t			highest_seq;
	int64_t			lowest_seq;
	uint64_t		range_received;	/* distinct seqs */
	uint64_t		received[WINDOW_WORDS];
	uint64_t		event[WINDOW_WORDS];	/* got as RFC 4733 */

	/* Sequence extension, RFC 3550 A.1, from highest_seq above. */
	uint32_t		bad_seq;	/* seq confirming a restart */
	int32_t			bad_seq_event;	/* the jump was an event */

	/* Timing. */
	enum rtpstat_kind	prev_kind;	/* of the previous packet */
	int32_t			has_prev_media;
	int64_t			prev_us;	/* previous packet timed */
	int64_t			prev_media_us;	/* last voice or CN packet */
	int64_t			prev_media_offset; /* ts - first ts */
	uint32_t		prev_media_ts;
	uint32_t		clock_rate_hz;
	double			jitter_ts;	/* J, in timestamp units */
	double			jitter_max_ts;
	double			jitter_mean_ts;
	double			jitter_window_max_ts;	/* since rtpstat_window */
	int64_t			max_delta_us;	/* -1: no gap measured */

	uint64_t		final_lost;	/* lost, out of the window */
	uint64_t		final_runs;
	int32_t			final_in_run;	/* the last one out was lost */
	uint32_t		last_event_ts;	/* an event's packets share it */

	uint64_t		duplicates;
	uint64_t		out_of_order;
	uint64_t		events;
	uint64_t		telephone_events;
	uint64_t		comfort_noise;
	uint64_t		unannounced;
	int64_t			first_us;

	/* Ranges closed by restarts. */
	uint64_t		done_expected;
	uint64_t		done_received;
	uint64_t		done_lost;
	uint64_t		done_runs;
	uint32_t		restarts;
};

/* One sequence number leaving the window: lost, and a run begun? */
static void
count_one(const struct rtpstat *rs, int64_t seq, uint64_t *lost,
    uint64_t *runs, int *in_run)
{
	if ((rs->received[seqmath_word(seq, WINDOW_SEQS)] &
	    seqmath_bit(seq)) != 0) {
		*in_run = 0;
		return;
	}
	(*lost)++;
	if (!*in_run)
		(*runs)++;
	*in_run = 1;
}

/*
 * Count the lost sequence numbers and the runs they form in [from, to],
 * continuing a run if in_run says the one before from was lost.  A word
 * of the window at a time: the lost are its clear bits, a run starts at
 * a lost bit whose lower neighbour (or in_run, at the first) was not.
 * For a summary's scan of the window; a packet's step is count_one.
 */
static void
count_runs(const struct rtpstat *rs, int64_t from, int64_t to,
    uint64_t *lost, uint64_t *runs, int *in_run)
{
	int64_t	seq = from;
	uint64_t mask, gone, starts;
	unsigned lo, n;

	while (seq <= to) {
		lo = (unsigned)((uint64_t)seq % 64);
		n = 64 - lo;
		if (to - seq + 1 < (int64_t)n)
			n = (unsigned)(to - seq + 1);
		mask = (n == 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1) << lo;
		gone = ~rs->received[seqmath_word(seq, WINDOW_SEQS)] & mask;
		starts = gone & ~((gone << 1) | ((uint64_t)(*in_run != 0) << lo));
		*lost += (uint64_t)__builtin_popcountll(gone);
		*runs += (uint64_t)__builtin_popcountll(starts);
		*in_run = (int)((gone >> (lo + n - 1)) & 1);
		seq += n;
	}
}

/*
 * The lost seqs and runs of the current range that are still inside the
 * window, added to what already left it.  Reads the state without
 * changing it, so a summary can be taken mid-stream.
 */
static void
range_tail(const struct rtpstat *rs, uint64_t *lost, uint64_t *runs)
{
	int64_t	from;
	int	in_run;

	*lost = rs->final_lost;
	*runs = rs->final_runs;
	in_run = rs->final_in_run;
	from = rs->highest_seq - WINDOW_SEQS + 1;
	if (from < rs->lowest_seq)
		from = rs->lowest_seq;
	count_runs(rs, from, rs->highest_seq, lost, runs, &in_run);
}

/* Begin a range whose highest (and lowest) extended seq is seq. */
static void
range_open(struct rtpstat *rs, int64_t seq)
{
	memset(rs->received, 0, sizeof rs->received);
	memset(rs->event, 0, sizeof rs->event);
	rs->lowest_seq = rs->highest_seq = seq;
	rs->range_received = 0;
	rs->final_lost = rs->final_runs = 0;
	rs->final_in_run = 0;
}

/* Fold the current range into the totals of closed ranges. */
static void
range_close(struct rtpstat *rs)
{
	uint64_t	lost, runs;

	range_tail(rs, &lost, &runs);
	rs->done_expected += (uint64_t)(rs->highest_seq - rs->lowest_seq + 1);
	rs->done_received += rs->range_received;
	rs->done_lost += lost;
	rs->done_runs += runs;
}

/*
 * Move the window's end up to seq.  Each seq that enters reuses the bit of
 * the one WINDOW_SEQS below it, which leaves: count that one first.
 */
static void
window_advance(struct rtpstat *rs, int64_t seq)
{
	int64_t	next, leaving;

	for (next = rs->highest_seq + 1; next <= seq; next++) {
		leaving = next - WINDOW_SEQS;
		if (leaving >= rs->lowest_seq)
			count_one(rs, leaving, &rs->final_lost,
			    &rs->final_runs, &rs->final_in_run);
		rs->received[seqmath_word(next, WINDOW_SEQS)] &=
		    ~seqmath_bit(next);
		rs->event[seqmath_word(next, WINDOW_SEQS)] &=
		    ~seqmath_bit(next);
	}
	if (seq > rs->highest_seq)
		rs->highest_seq = seq;
}

/*
 * Mark seq received; return 1 if it is new, 0 if it was already there.
 * An RFC 4733 event packet repeating an event packet's seq is no duplicate:
 * the sender sends the end of an event three times with one seq on purpose
 * (RFC 4733 2.5.1.4), so it counts only as a packet.  (tshark counts each
 * repeat as a negative loss.)
 */
static int
range_mark(struct rtpstat *rs, int64_t seq, enum rtpstat_kind kind)
{
	size_t		word = seqmath_word(seq, WINDOW_SEQS);
	uint64_t	bit = seqmath_bit(seq);

	assert(seq > rs->highest_seq - WINDOW_SEQS && seq <= rs->highest_seq);
	if (seq < rs->lowest_seq)
		rs->lowest_seq = seq;
	if (rs->received[word] & bit) {
		if (kind != RTPSTAT_EVENT || !(rs->event[word] & bit))
			rs->duplicates++;
		return 0;
	}
	rs->received[word] |= bit;
	if (kind == RTPSTAT_EVENT)
		rs->event[word] |= bit;
	rs->range_received++;
	return 1;
}

/* Start the sequence state on a stream's first packet. */
static void
seq_init(struct rtpstat *rs, const struct rtpstat_pkt *pkt)
{
	rs->bad_seq = NO_BAD_SEQ;
	range_open(rs, pkt->seq);
	range_mark(rs, pkt->seq, pkt->kind);
}

/*
 * A jump was confirmed by the packet after it: the source restarted its
 * sequence (A.1).  Close the old range and open one that holds both the
 * jump and this packet, so neither is lost, nor the gap counted as loss.
 */
static void
seq_restart(struct rtpstat *rs, const struct rtpstat_pkt *pkt)
{
	range_close(rs);
	rs->restarts++;
	rs->bad_seq = NO_BAD_SEQ;
	range_open(rs, pkt->seq);
	range_mark(rs, (int64_t)pkt->seq - 1,
	    rs->bad_seq_event ? RTPSTAT_EVENT : RTPSTAT_VOICE);
	range_mark(rs, pkt->seq, pkt->kind);
}

/* Extend the packet's seq and account for it (RFC 3550 A.1). */
static void
seq_update(struct rtpstat *rs, const struct rtpstat_pkt *pkt)
{
	int64_t		seq;

	if (seqmath_extend(rs->highest_seq, pkt->seq, MAX_MISORDER,
	    MAX_DROPOUT, &seq) != 0) {
		/*
		 * A large jump.  Alone it is a stray, counted only as a packet;
		 * if the next one continues it, the source restarted.
		 */
		if (pkt->seq == rs->bad_seq)
			seq_restart(rs, pkt);
		else {
			rs->bad_seq = (uint32_t)((pkt->seq + 1) % RTP_SEQ_MOD);
			rs->bad_seq_event = pkt->kind == RTPSTAT_EVENT;
		}
	} else if (seq >= rs->highest_seq) {
		/* In order, perhaps with a gap. */
		window_advance(rs, seq);
		range_mark(rs, seq, pkt->kind);
	} else if (range_mark(rs, seq, pkt->kind)) {
		/* Late, or a duplicate (not counted here). */
		rs->out_of_order++;
	}
}

/*
 * Update J (RFC 3550 A.8) with this packet's D against the previous voice
 * or comfort-noise packet; on a regular packet, fold J into the maximum
 * and into tshark's running mean, mean = (mean * (n - 1) + J) / n, with n
 * the packets before this one, duplicates included.  Packets that are not
 * regular leave the mean alone while n still grows.  Event packets are not
 * in n: they are no part of the voice whose jitter this is (the mean is
 * tshark's on the same capture without its telephone-event packets).
 */
static void
jitter_update(struct rtpstat *rs, const struct rtpstat_pkt *pkt, int regular)
{
	double	arrival_ts, d;
	int64_t	sampled_ts;
	/* n: the voice and comfort-noise packets before this one. */
	uint64_t media_packets = rs->packets - rs->events - rs->unannounced;

	/* Arrival time on the RTP clock: D = (Rj - Ri) - (Sj - Si). */
	arrival_ts = (double)(pkt->arrival_us - rs->prev_media_us) *
	    rs->clock_rate_hz / 1e6;
	sampled_ts = seqmath_ts_diff(rs->prev_media_ts, pkt->timestamp);
	d = arrival_ts - (double)sampled_ts;
	rs->jitter_ts += (fabs(d) - rs->jitter_ts) / JITTER_GAIN;
	if (!regular)
		return;
	if (rs->jitter_ts > rs->jitter_max_ts)
		rs->jitter_max_ts = rs->jitter_ts;
	if (rs->jitter_ts > rs->jitter_window_max_ts)
		rs->jitter_window_max_ts = rs->jitter_ts;
	rs->jitter_mean_ts = (rs->jitter_mean_ts *
	    (double)(media_packets - 1) + rs->jitter_ts) /
	    (double)media_packets;
}

/*
 * Update jitter and the gaps between packets, the way tshark 4.0's
 * "-z rtp,streams" does, so the two agree.  J is updated on every packet
 * after the first, in arrival order (late ones included), and counted in
 * the maximum and the mean only on "regular" packets: not the first, no
 * marker (a talk spurt starts after silence: its gap is not jitter), not
 * comfort noise and not the packet after comfort noise.  The largest gap
 * is counted on the same packets.  A packet timestamped before the
 * stream's first is left out altogether, as tshark leaves it: it takes no
 * part in jitter or gaps.  After a sender resets its timestamps backwards
 * this freezes jitter for the rest of the stream rather than report the
 * reset as seconds of jitter.  tshark compares with the first timestamp
 * modulo 2^32, which goes wrong once a stream spans 2^31 ticks (12 hours
 * at 48 kHz); the offset here is 64 bits and does not.
 *
 * Where vqprobe differs on purpose: an RFC 4733 event packet carries the
 * timestamp of the event's start, not of its sampling instant, so it
 * neither updates J nor counts in the maximum, the mean or the largest
 * gap, and the next voice packet's D is taken against the last voice (or
 * comfort noise) packet.  tshark takes it against the event packet, and
 * a digit sent while voice goes on shows as a jitter spike.
 */
static void
timing_update(struct rtpstat *rs, const struct rtpstat_pkt *pkt)
{
	/*
	 * A payload type nobody announced (a vendor's signalling events such
	 * as Cisco's NSE on PT 100) has a clock of its own, if any: keep it
	 * out of jitter like an event, where tshark skips it for want of a
	 * clock rate.
	 */
	int	media = pkt->kind != RTPSTAT_EVENT &&
	    pkt->kind != RTPSTAT_UNANNOUNCED;
	int	regular;
	int64_t	offset = 0;

	if (media && rs->has_prev_media) {
		offset = rs->prev_media_offset +
		    seqmath_ts_diff(rs->prev_media_ts, pkt->timestamp);
		if (offset < 0)
			return;
	}

	regular = rs->packets > 0 && pkt->kind == RTPSTAT_VOICE &&
	    !pkt->marker && rs->prev_kind != RTPSTAT_COMFORT_NOISE;
	/*
	 * A gap needs no clock rate: in a stream whose payload type nobody
	 * announced (no voice in it so far), its packets are what the gaps
	 * are between, as tshark takes them.
	 */
	if ((regular || (pkt->kind == RTPSTAT_UNANNOUNCED && rs->packets > 0 &&
	    !pkt->marker && rs->packets == rs->events + rs->unannounced +
	    rs->comfort_noise)) &&
	    pkt->arrival_us - rs->prev_us > rs->max_delta_us)
		rs->max_delta_us = pkt->arrival_us - rs->prev_us;
	rs->prev_us = pkt->arrival_us;

	if (!media)
		return;
	if (rs->clock_rate_hz != 0 && rs->has_prev_media)
		jitter_update(rs, pkt, regular);
	rs->has_prev_media = 1;
	rs->prev_media_us = pkt->arrival_us;
	rs->prev_media_ts = pkt->timestamp;
	rs->prev_media_offset = offset;
}

/* The room a stream takes, for a caller that places it in its own block. */
size_t
rtpstat_size(void)
{
	return sizeof(struct rtpstat);
}

/* A new stream in rtpstat_size() bytes at mem, aligned for a uint64_t. */
struct rtpstat *
rtpstat_init(void *mem, uint32_t clock_rate_hz)
{
	struct rtpstat	*rs = memset(mem, 0, sizeof(struct rtpstat));

	rs->clock_rate_hz = clock_rate_hz;
	rs->bad_seq = NO_BAD_SEQ;
	rs->max_delta_us = -1;
	return rs;
}

/*
 * A new stream whose RTP clock runs at clock_rate_hz (0: unknown, no
 * jitter).  Returns NULL if out of memory; nothing else is allocated later.
 */
struct rtpstat *
rtpstat_new(uint32_t clock_rate_hz)
{
	void	*mem;

	if ((mem = malloc(sizeof(struct rtpstat))) == NULL)
		return NULL;
	return rtpstat_init(mem, clock_rate_hz);
}

/* Free a stream made by rtpstat_new(); NULL is allowed. */
void
rtpstat_free(struct rtpstat *rs)
{
	free(rs);
}

/* Account for one packet, fed in capture order. */
void
rtpstat_update(struct rtpstat *rs, const struct rtpstat_pkt *pkt)
{
	if (rs->packets == 0) {
		rs->first_us = pkt->arrival_us;
		seq_init(rs, pkt);
	} else
		seq_update(rs, pkt);
	timing_update(rs, pkt);
	rs->prev_kind = pkt->kind;
	rs->last_us = pkt->arrival_us;
	rs->packets++;
	if (pkt->kind == RTPSTAT_EVENT) {
		/* Each event keeps its start as timestamp (RFC 4733 2.5.1.1). */
		if (rs->events == 0 || pkt->timestamp != rs->last_event_ts)
			rs->telephone_events++;
		rs->last_event_ts = pkt->timestamp;
		rs->events++;
	}
	else if (pkt->kind == RTPSTAT_UNANNOUNCED)
		rs->unannounced++;
	else if (pkt->kind == RTPSTAT_COMFORT_NOISE)
		rs->comfort_noise++;
}

/* The figures so far; the stream can go on being updated afterwards. */
void
rtpstat_summary(const struct rtpstat *rs, struct rtpstat_summary *sum)
{
	uint64_t	received, lost_seqs, runs;

	memset(sum, 0, sizeof *sum);
	sum->burst_ratio = 1.0;
	if (rs->packets == 0)
		return;

	range_tail(rs, &lost_seqs, &runs);
	lost_seqs += rs->done_lost;
	runs += rs->done_runs;
	sum->packets = rs->packets;
	sum->expected = rs->done_expected +
	    (uint64_t)(rs->highest_seq - rs->lowest_seq + 1);
	received = rs->done_received + rs->range_received;
	sum->lost = sum->expected > received ? sum->expected - received : 0;
	assert(lost_seqs == sum->lost);
	sum->duplicates = rs->duplicates;
	sum->events = rs->events;
	sum->telephone_events = rs->telephone_events;
	sum->comfort_noise = rs->comfort_noise;
	sum->unannounced = rs->unannounced;
	sum->out_of_order = rs->out_of_order;
	sum->restarts = rs->restarts;
	sum->loss_pct = (double)sum->lost * 100.0 / (double)sum->expected;

	sum->burst_ratio = burst_ratio_g107(lost_seqs, runs, sum->expected);

	if (rs->clock_rate_hz != 0) {
		sum->jitter_mean_ms = rs->jitter_mean_ts * 1000.0 /
		    rs->clock_rate_hz;
		sum->jitter_max_ms = rs->jitter_max_ts * 1000.0 /
		    rs->clock_rate_hz;
	}
	sum->max_delta_ms = rs->max_delta_us < 0 ? -1.0 :
	    (double)rs->max_delta_us / 1000.0;
	sum->first_us = rs->first_us;
	sum->last_us = rs->last_us;
}

int
rtpstat_lost_upto(const struct rtpstat *rs, uint16_t highest,
    uint64_t *expected, uint64_t *lost)
{
	uint64_t	tail_lost, runs, after_lost = 0, after_runs = 0;
	int64_t		seq;
	int		in_run = 0;

	if (rs->packets == 0)
		return -1;
	/* The extension nearest the probe's own highest: a report lags. */
	seq = rs->highest_seq + (int16_t)(uint16_t)(highest -
	    (uint16_t)rs->highest_seq);
	if (seq < rs->lowest_seq || seq <= rs->highest_seq - WINDOW_SEQS)
		return -1;
	range_tail(rs, &tail_lost, &runs);
	tail_lost += rs->done_lost;
	*expected = rs->done_expected + (uint64_t)(seq - rs->lowest_seq + 1);
	if (seq >= rs->highest_seq) {
		/* Past what the probe saw: missing here too. */
		*lost = tail_lost + (uint64_t)(seq - rs->highest_seq);
		return 0;
	}
	/* Take back the lost that lie after it, still in the window. */
	count_runs(rs, seq + 1, rs->highest_seq, &after_lost, &after_runs,
	    &in_run);
	*lost = tail_lost - after_lost;
	return 0;
}

void
rtpstat_window(struct rtpstat *rs, double *jitter_ms, double *max_jitter_ms)
{
	double to_ms = rs->clock_rate_hz ? 1000.0 / rs->clock_rate_hz : 0.0;

	*jitter_ms = rs->jitter_ts * to_ms;
	*max_jitter_ms = rs->jitter_window_max_ts * to_ms;
	rs->jitter_window_max_ts = 0;
}

double
rtpstat_jitter_ms(const struct rtpstat *rs)
{
	return rs->clock_rate_hz ? rs->jitter_ts * 1000.0 /
	    rs->clock_rate_hz : 0.0;
}

uint64_t
rtpstat_duplicates(const struct rtpstat *rs)
{
	return rs->duplicates;
}

uint64_t
rtpstat_packets(const struct rtpstat *rs)
{
	return rs->packets;
}

void
rtpstat_prefetch(const struct rtpstat *s)
{
	size_t off;

	for (off = 0; off < sizeof(*s); off += 64)
		__builtin_prefetch((const char *)s + off);
}
