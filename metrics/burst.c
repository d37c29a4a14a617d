/*
 * Loss-pattern metrics: G.107 burst ratio, loss runs, and RFC 3611's
 * burst/gap model.
 *
 * RFC 3611 (section 4.7.2 and Appendix A.2) sees a stream as a Markov
 * chain of four states: 1, a packet received in a gap; 2, received in a
 * burst; 3, lost in a burst; 4, lost in a gap.  A gap is a stretch of at
 * least Gmin (16) received packets; a loss on its own inside a gap is a
 * gap loss, and any run of losses closer together than Gmin is a burst.
 * Which of the two a loss is can only be told at the next loss, so the
 * counting runs one loss behind: each loss that ends a stretch of Gmin or
 * more received packets first judges the losses since the previous such
 * stretch (one loss: a gap loss, c14; more: a burst, c13 counting the gap
 * to burst transitions) and adds the stretch to c11 (gap to gap).  A loss
 * closer than Gmin to the last one stays in the burst: straight after it,
 * burst to burst (c33); after received packets, one burst-received to lost
 * transition (c23) and the rest received to received (c22).  The return
 * transitions follow: c31 = c13 and c32 = c23.
 *
 * Two consequences of counting this way, kept so that the figures agree
 * with other RFC 3611 implementations: the losses since the last long gap
 * are not judged until the next loss, and received packets after the last
 * loss are not yet in c11; and before the first loss there are no losses
 * to judge, which the rule "one loss: gap loss, otherwise burst" reads as
 * a burst (the first loss after a long gap counts in c13).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/burst.h"

/*
 * The counters a fate updates, and no more: what else a summary shows
 * follows exactly from them (see burst_summary), so that the two streams
 * each call keeps take fewer cache lines and a fate fewer stores.
 */
struct burst {
	uint64_t	received;
	uint64_t	lost;
	uint64_t	discarded;

	/* Loss runs: those closed by a received packet, and the open one. */
	uint64_t	runs_closed;
	uint64_t	open_run;
	uint64_t	longest_closed;

	/* RFC 3611 A.2. */
	uint64_t	since_loss;	/* received since the last loss */
	uint64_t	burst_losses;	/* losses since the last long gap */
	uint64_t	c11, c13, c14, c23, c33;

	uint64_t	run_hist[BURST_HIST_BINS];
};

/* The room a stream takes, for a caller that places it in its own block. */
size_t
burst_size(void)
{
	return sizeof(struct burst);
}

/* An empty stream in burst_size() bytes at mem (aligned for a uint64_t). */
struct burst *
burst_init(void *mem)
{
	return memset(mem, 0, sizeof(struct burst));
}

/* A new, empty stream; NULL when out of memory. */
struct burst *
burst_new(void)
{
	return calloc(1, sizeof(struct burst));
}

/* Empty a stream for reuse: as burst_new() makes it, without allocating. */
void
burst_reset(struct burst *b)
{
	memset(b, 0, sizeof(*b));
}

/* Free a stream made by burst_new(); NULL is allowed. */
void
burst_free(struct burst *b)
{
	free(b);
}

/* The histogram bin of a run of n >= 1 losses. */
static size_t
hist_bin(uint64_t n)
{
	return n >= BURST_HIST_BINS ? BURST_HIST_BINS - 1 : (size_t)(n - 1);
}

/* RFC 3611 A.2: a loss, judged against the received packets before it. */
static void
rfc3611_loss(struct burst *b)
{
	if (b->since_loss >= BURST_GMIN) {
		if (b->burst_losses == 1)
			b->c14++;
		else
			b->c13++;
		b->burst_losses = 1;
		b->c11 += b->since_loss;
	} else {
		b->burst_losses++;
		if (b->since_loss == 0)
			b->c33++;
		else {
			/* and since_loss - 1 more in c22: see c22_of() */
			b->c23++;
		}
	}
	b->since_loss = 0;
}

/* The next sequence number's fate. */
void
burst_update(struct burst *b, enum burst_fate fate)
{
	if (fate == BURST_RECEIVED) {
		b->received++;
		b->since_loss++;
		if (b->open_run > 0) {
			b->run_hist[hist_bin(b->open_run)]++;
			b->runs_closed++;
			if (b->open_run > b->longest_closed)
				b->longest_closed = b->open_run;
			b->open_run = 0;
		}
		return;
	}
	if (fate == BURST_DISCARDED)
		b->discarded++;
	else
		b->lost++;
	b->open_run++;
	rfc3611_loss(b);
}

/*
 * c22, received to received within bursts.  Every received packet is in
 * since_loss until the next loss, which adds it to c11 (a long gap) or
 * to c23 and c22 (one to c23, the rest to c22); so c11 + c22 + c23 is
 * every received packet but those since the last loss.
 */
static uint64_t
c22_of(const struct burst *b)
{
	return b->received - b->since_loss - b->c11 - b->c23;
}

/* n / d, or 0 when d is 0. */
static double
ratio(double n, double d)
{
	return d > 0 ? n / d : 0;
}

/*
 * RFC 3611's densities and durations from the counters.  The RFC divides
 * by c13, the number of bursts entered from a gap; a stream whose losses
 * all came within Gmin of its start has none, and is taken to have begun
 * in its one burst.  Without any loss there is no burst, and the whole
 * stream is one gap.
 */
static void
rfc3611_summary(const struct burst *b, double ms_per_packet,
    struct burst_summary *s)
{
	uint64_t	c31 = b->c13, c32 = b->c23, c22 = c22_of(b), bursts;
	uint64_t	packets = b->received + b->lost + b->discarded;
	double		p32, p23;

	s->c11 = b->c11;
	s->c13 = b->c13;
	s->c14 = b->c14;
	s->c22 = c22;
	s->c23 = b->c23;
	s->c33 = b->c33;
	s->ctotal = b->c11 + b->c14 + b->c13 + c22 + b->c23 + c31 + c32 +
	    b->c33;
	if (b->lost + b->discarded == 0) {
		s->gap_ms = (double)packets * ms_per_packet;
		return;
	}

	p32 = ratio((double)c32, (double)(c31 + c32 + b->c33));
	if (c22 + b->c23 < 1)
		p23 = 1;
	else
		p23 = 1 - (double)c22 / (double)(c22 + b->c23);
	s->burst_density = ratio(256 * p23, p23 + p32);
	s->gap_density = ratio(256.0 * (double)b->c14,
	    (double)(b->c11 + b->c14));

	bursts = b->c13 > 0 ? b->c13 : 1;
	s->gap_ms = (double)(b->c11 + b->c14 + b->c13) * ms_per_packet /
	    (double)bursts;
	s->burst_ms = (double)s->ctotal * ms_per_packet / (double)bursts -
	    s->gap_ms;
	if (s->burst_ms < 0)
		s->burst_ms = 0;
}

double
burst_ratio_g107(uint64_t lost, uint64_t runs, uint64_t seqs)
{
	if (runs == 0 || seqs == 0)
		return 1.0;
	return (double)lost / (double)runs *
	    (1.0 - (double)lost / (double)seqs);
}

/*
 * The figures so far; the stream can go on being updated afterwards.
 *
 * The Markov fit's transition counts follow from the runs.  A lost-to-
 * received transition closes a run (n_lr is runs_closed); each run of k
 * losses holds k - 1 lost-to-lost ones; every run starts with a
 * received-to-lost one but a run that starts the stream; and every
 * received packet but the first fate follows either a loss or a
 * received one.  A stream starts with a loss exactly when c33, which
 * counts a loss with no received packet since the last loss or the
 * start, exceeds the lost-to-lost transitions.
 */
void
burst_summary(const struct burst *b, double ms_per_packet,
    struct burst_summary *s)
{
	uint64_t	losses = b->lost + b->discarded;
	uint64_t	n_rr, n_rl, n_lr, n_ll, first_lost, first_received;
	double		p, q;

	memset(s, 0, sizeof *s);
	s->packets = b->received + losses;
	s->received = b->received;
	s->lost = b->lost;
	s->discarded = b->discarded;
	s->loss_fraction = ratio((double)losses, (double)s->packets);

	/* The open run counts as it stands; the stream may extend it. */
	memcpy(s->run_hist, b->run_hist, sizeof s->run_hist);
	s->runs = b->runs_closed;
	s->longest_run = b->longest_closed;
	if (b->open_run > 0) {
		s->run_hist[hist_bin(b->open_run)]++;
		s->runs++;
		if (b->open_run > s->longest_run)
			s->longest_run = b->open_run;
	}
	s->burst_ratio = burst_ratio_g107(losses, s->runs, s->packets);

	n_lr = b->runs_closed;
	n_ll = losses - s->runs;
	first_lost = b->c33 - n_ll;
	first_received = s->packets > 0 && !first_lost;
	n_rl = s->runs - first_lost;
	n_rr = b->received - first_received - n_lr;
	p = ratio((double)n_rl, (double)(n_rr + n_rl));
	q = ratio((double)n_lr, (double)(n_lr + n_ll));
	s->markov_p = p;
	s->markov_q = q;
	s->markov_burst_ratio = p + q > 0 ? 1 / (p + q) : 1;

	rfc3611_summary(b, ms_per_packet, s);
}

void
burst_prefetch(const struct burst *b)
{
	size_t off;

	for (off = 0; off < sizeof(*b); off += 64)
		__builtin_prefetch((const char *)b + off);
}
