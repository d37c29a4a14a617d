/*
 * Unit tests for metrics/burst.c: G.107 BurstR from runs and from the
 * Markov fit, the loss-run histogram, and RFC 3611 A.2's counters,
 * densities and durations.
 *
 * Figures come from REFERENCES.md (where a case says so) or are worked
 * out by hand in the comment above the case.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/burst.h"
#include "tests/unit.h"

static struct burst *
new_burst(void)
{
	struct burst	*b;

	if ((b = burst_new()) == NULL) {
		fprintf(stderr, "burst_new: out of memory\n");
		exit(1);
	}
	return b;
}

/* Feed a pattern: '1' or 'R' received, '0' or 'L' lost, 'D' discarded. */
static void
feed(struct burst *b, const char *pattern)
{
	for (; *pattern != '\0'; pattern++) {
		switch (*pattern) {
		case '1':
		case 'R':
			burst_update(b, BURST_RECEIVED);
			break;
		case 'D':
			burst_update(b, BURST_DISCARDED);
			break;
		default:
			burst_update(b, BURST_LOST);
			break;
		}
	}
}

/* Feed n packets of one fate. */
static void
feed_n(struct burst *b, unsigned n, enum burst_fate fate)
{
	while (n-- > 0)
		burst_update(b, fate);
}

/*
 * REFERENCES (Chydzinski): 1101111100011111 has P 0.25 and runs of 1 and
 * 3, so BurstR 2 x 0.75 = 1.5.  Transitions: from received 11 (2 to a
 * loss), from lost 4 (2 to a received), so p = 2/11, q = 1/2 and
 * 1 / (p + q) = 22/15 = 1.4667.
 */
static void
test_chydzinski(void)
{
	struct burst		*b = new_burst();
	struct burst_summary	 s;

	feed(b, "1101111100011111");
	burst_summary(b, 20, &s);
	CHECK_INT(s.packets, 16);
	CHECK_INT(s.received, 12);
	CHECK_INT(s.lost, 4);
	CHECK_INT(s.discarded, 0);
	CHECK_NEAR(s.loss_fraction, 0.25, 1e-12);
	CHECK_INT(s.runs, 2);
	CHECK_INT(s.longest_run, 3);
	CHECK_INT(s.run_hist[0], 1);
	CHECK_INT(s.run_hist[1], 0);
	CHECK_INT(s.run_hist[2], 1);
	CHECK_NEAR(s.burst_ratio, 1.5, 1e-12);
	CHECK_NEAR(s.markov_p, 2.0 / 11, 1e-12);
	CHECK_NEAR(s.markov_q, 0.5, 1e-12);
	CHECK_NEAR(s.markov_burst_ratio, 1.467, 0.001);
	CHECK_NEAR(s.markov_burst_ratio, 22.0 / 15, 1e-12);
	burst_free(b);
}

/* 50R 1L 30R 1L 2R 1L 1R 2L 40R 1L 20R, with f as every loss's fate. */
static void
feed_rfc_vector(struct burst *b, enum burst_fate f)
{
	feed_n(b, 50, BURST_RECEIVED);
	feed_n(b, 1, f);
	feed_n(b, 30, BURST_RECEIVED);
	feed_n(b, 1, f);
	feed_n(b, 2, BURST_RECEIVED);
	feed_n(b, 1, f);
	feed_n(b, 1, BURST_RECEIVED);
	feed_n(b, 2, f);
	feed_n(b, 40, BURST_RECEIVED);
	feed_n(b, 1, f);
	feed_n(b, 20, BURST_RECEIVED);
}

/* Check the RFC 3611 figures of REFERENCES' vector at 20 ms a packet. */
static void
check_rfc_vector(const struct burst_summary *s)
{
	CHECK_INT(s->c11, 120);
	CHECK_INT(s->c13, 2);
	CHECK_INT(s->c14, 1);
	CHECK_INT(s->c22, 1);
	CHECK_INT(s->c23, 2);
	CHECK_INT(s->c33, 1);
	CHECK_INT(s->ctotal, 131);
	CHECK_NEAR(s->burst_density, 160, 1e-9);
	CHECK_NEAR(s->gap_density, 2.12, 0.005);
	CHECK_NEAR(s->gap_density, 256.0 / 121, 1e-9);
	CHECK_NEAR(s->gap_ms, 1230, 1e-9);
	CHECK_NEAR(s->burst_ms, 80, 1e-9);
	/* REFERENCES: 1.2 x (1 - 6/149) = 1.1517. */
	CHECK_NEAR(s->burst_ratio, 1.1517, 0.0001);
	CHECK_INT(s->runs, 5);
	CHECK_INT(s->longest_run, 2);
	CHECK_INT(s->run_hist[0], 4);
	CHECK_INT(s->run_hist[1], 1);
	CHECK_INT(s->packets, 149);
}

/* REFERENCES' RFC 3611 vector, all losses in the network. */
static void
test_rfc3611_vector(void)
{
	struct burst		*b = new_burst();
	struct burst_summary	 s;

	feed_rfc_vector(b, BURST_LOST);
	burst_summary(b, 20, &s);
	check_rfc_vector(&s);
	CHECK_INT(s.lost, 6);
	CHECK_INT(s.discarded, 0);
	burst_free(b);
}

/* The same pattern with jitter-buffer discards: the same figures. */
static void
test_rfc3611_vector_discards(void)
{
	struct burst		*b = new_burst();
	struct burst_summary	 s;

	feed_rfc_vector(b, BURST_DISCARDED);
	burst_summary(b, 20, &s);
	check_rfc_vector(&s);
	CHECK_INT(s.lost, 0);
	CHECK_INT(s.discarded, 6);

	/* Lost and discarded mixed, run by run: still one pattern. */
	burst_free(b);
	b = new_burst();
	feed(b, "RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR" "L"
	    "RRRRRRRRRRRRRRRRRRRRRRRRRRRRRR" "D" "RR" "L" "R" "DL"
	    "RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR" "D"
	    "RRRRRRRRRRRRRRRRRRRR");
	burst_summary(b, 20, &s);
	check_rfc_vector(&s);
	CHECK_INT(s.lost, 3);
	CHECK_INT(s.discarded, 3);
	burst_free(b);
}

/* Nothing fed: zeros, BurstR 1. */
static void
test_empty(void)
{
	struct burst		*b = new_burst();
	struct burst_summary	 s;

	burst_summary(b, 20, &s);
	CHECK_INT(s.packets, 0);
	CHECK_INT(s.runs, 0);
	CHECK_NEAR(s.loss_fraction, 0, 0);
	CHECK_NEAR(s.burst_ratio, 1, 0);
	CHECK_NEAR(s.markov_burst_ratio, 1, 0);
	CHECK_NEAR(s.burst_density, 0, 0);
	CHECK_NEAR(s.gap_density, 0, 0);
	CHECK_NEAR(s.burst_ms, 0, 0);
	CHECK_NEAR(s.gap_ms, 0, 0);
	burst_free(b);
}

/* No loss: one gap as long as the stream (100 x 20 ms), no burst. */
static void
test_no_loss(void)
{
	struct burst		*b = new_burst();
	struct burst_summary	 s;

	feed_n(b, 100, BURST_RECEIVED);
	burst_summary(b, 20, &s);
	CHECK_INT(s.received, 100);
	CHECK_NEAR(s.burst_ratio, 1, 0);
	CHECK_NEAR(s.markov_p, 0, 0);
	CHECK_NEAR(s.markov_burst_ratio, 1, 0);
	CHECK_NEAR(s.burst_density, 0, 0);
	CHECK_NEAR(s.gap_density, 0, 0);
	CHECK_NEAR(s.burst_ms, 0, 0);
	CHECK_NEAR(s.gap_ms, 2000, 1e-9);
	burst_free(b);
}

/*
 * Nothing but loss, 5 packets: every loss follows a loss (c33 = 5), one
 * burst of 5 x 20 ms at density 256.  BurstR from runs: 5 x (1 - 1) = 0;
 * the Markov fit has p + q = 0 and says 1.
 */
static void
test_all_lost(void)
{
	struct burst		*b = new_burst();
	struct burst_summary	 s;

	feed(b, "LLLLL");
	burst_summary(b, 20, &s);
	CHECK_INT(s.c33, 5);
	CHECK_INT(s.ctotal, 5);
	CHECK_INT(s.runs, 1);
	CHECK_INT(s.longest_run, 5);
	CHECK_INT(s.run_hist[4], 1);
	CHECK_NEAR(s.burst_ratio, 0, 1e-12);
	CHECK_NEAR(s.markov_burst_ratio, 1, 0);
	CHECK_NEAR(s.burst_density, 256, 1e-9);
	CHECK_NEAR(s.gap_density, 0, 0);
	CHECK_NEAR(s.gap_ms, 0, 1e-9);
	CHECK_NEAR(s.burst_ms, 100, 1e-9);
	burst_free(b);
}

/*
 * Losses within Gmin of the start: 5R 1L 20R 1L 20R.  The first loss
 * stays in the (initial) burst: c23 1, c22 4.  The second ends a gap of
 * 20 and finds one loss before it: c14 1, c11 20.  c13 is 0, so the
 * stream is taken to have begun in its one burst.  p32 = 1/1, p23 =
 * 1 - 4/5 = 0.2: burst density 256 x 0.2 / 1.2 = 42.667; gap density
 * 256 / 21 = 12.190; ctotal 20 + 1 + 4 + 1 + 1 = 27; gap (20 + 1) x 20 =
 * 420 ms; burst 27 x 20 - 420 = 120 ms.
 */
static void
test_loss_before_gmin(void)
{
	struct burst		*b = new_burst();
	struct burst_summary	 s;

	feed_n(b, 5, BURST_RECEIVED);
	feed_n(b, 1, BURST_LOST);
	feed_n(b, 20, BURST_RECEIVED);
	feed_n(b, 1, BURST_LOST);
	feed_n(b, 20, BURST_RECEIVED);
	burst_summary(b, 20, &s);
	CHECK_INT(s.c11, 20);
	CHECK_INT(s.c13, 0);
	CHECK_INT(s.c14, 1);
	CHECK_INT(s.c22, 4);
	CHECK_INT(s.c23, 1);
	CHECK_INT(s.c33, 0);
	CHECK_INT(s.ctotal, 27);
	CHECK_NEAR(s.burst_density, 256 * 0.2 / 1.2, 1e-9);
	CHECK_NEAR(s.gap_density, 256.0 / 21, 1e-9);
	CHECK_NEAR(s.gap_ms, 420, 1e-9);
	CHECK_NEAR(s.burst_ms, 120, 1e-9);
	burst_free(b);
}

/*
 * Runs of 1 to 12 losses, each followed by one received packet: bins 1 to
 * 9 hold one run each, the last bin the runs of 10, 11 and 12.
 */
static void
test_histogram(void)
{
	struct burst		*b = new_burst();
	struct burst_summary	 s;
	unsigned		 n;
	size_t			 i;

	for (n = 1; n <= 12; n++) {
		feed_n(b, n, BURST_LOST);
		feed_n(b, 1, BURST_RECEIVED);
	}
	burst_summary(b, 20, &s);
	CHECK_INT(s.runs, 12);
	CHECK_INT(s.longest_run, 12);
	for (i = 0; i < BURST_HIST_BINS - 1; i++)
		CHECK_INT(s.run_hist[i], 1);
	CHECK_INT(s.run_hist[BURST_HIST_BINS - 1], 3);
	CHECK_INT(s.lost, 78);
	burst_free(b);
}

/*
 * A run still open when the summary is taken counts as it stands, and
 * goes on growing: RRRLL then L then R then L.
 */
static void
test_open_run(void)
{
	struct burst		*b = new_burst();
	struct burst_summary	 s;

	feed(b, "RRRLL");
	burst_summary(b, 20, &s);
	CHECK_INT(s.runs, 1);
	CHECK_INT(s.longest_run, 2);
	CHECK_INT(s.run_hist[1], 1);
	/* 2 lost in 1 run, P 0.4: 2 x 0.6. */
	CHECK_NEAR(s.burst_ratio, 1.2, 1e-12);

	feed(b, "L");
	burst_summary(b, 20, &s);
	CHECK_INT(s.runs, 1);
	CHECK_INT(s.longest_run, 3);
	CHECK_INT(s.run_hist[1], 0);
	CHECK_INT(s.run_hist[2], 1);

	feed(b, "RL");
	burst_summary(b, 20, &s);
	CHECK_INT(s.runs, 2);
	CHECK_INT(s.longest_run, 3);
	CHECK_INT(s.run_hist[0], 1);
	CHECK_INT(s.run_hist[2], 1);
	burst_free(b);
}

/*
 * A long Gilbert stream (p 0.05, q 0.25, so BurstR 1 / 0.3 = 3.33 and
 * loss p / (p + q) = 1/6): both estimates land near the truth, and the
 * run-length one equals its definition recounted here.
 */
static void
test_gilbert_stream(void)
{
	struct burst		*b = new_burst();
	struct burst_summary	 s;
	uint64_t		 x = 88172645463325252ull;
	unsigned		 i, n = 300000, lost = 0, runs = 0;
	int			 bad = 0, prev = 0;
	double			 u;

	for (i = 0; i < n; i++) {
		/* xorshift64 */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		u = (double)(x >> 11) / 9007199254740992.0;
		bad = bad ? u >= 0.25 : u < 0.05;
		burst_update(b, bad ? BURST_LOST : BURST_RECEIVED);
		if (bad) {
			lost++;
			if (!prev)
				runs++;
		}
		prev = bad;
	}
	burst_summary(b, 20, &s);
	CHECK_INT(s.lost, lost);
	CHECK_INT(s.runs, runs);
	CHECK_NEAR(s.burst_ratio, (double)lost / runs *
	    (1 - (double)lost / n), 1e-9);
	CHECK_NEAR(s.loss_fraction, 1.0 / 6, 0.01);
	CHECK_NEAR(s.markov_p, 0.05, 0.005);
	CHECK_NEAR(s.markov_q, 0.25, 0.01);
	CHECK_NEAR(s.markov_burst_ratio, 1 / 0.3, 0.15);
	CHECK_NEAR(s.burst_ratio, 1 / 0.3, 0.15);
	burst_free(b);
}

/*
 * A reset stream is a new one: after a reset, RLLRDRRL gives exactly
 * what a fresh stream gives for it, whatever came before.
 */
static void
test_reset(void)
{
	struct burst		*b = new_burst(), *fresh = new_burst();
	struct burst_summary	 got, want;

	feed(b, "RRRRLLLRRRRRRRRRRRRRRRRRRRRLRLD");
	burst_reset(b);
	feed(b, "RLLRDRRL");
	feed(fresh, "RLLRDRRL");
	burst_summary(b, 20, &got);
	burst_summary(fresh, 20, &want);
	CHECK(memcmp(&got, &want, sizeof got) == 0);
	CHECK_INT(got.packets, 8);
	CHECK_INT(got.lost, 3);
	CHECK_INT(got.discarded, 1);
	CHECK_INT(got.runs, 3);
	burst_reset(b);
	burst_summary(b, 20, &got);
	CHECK_INT(got.packets, 0);
	CHECK_NEAR(got.burst_ratio, 1, 0);
	burst_free(b);
	burst_free(fresh);
}

/* G.107 BurstR from counts, as burst_summary and rtpstat take it. */
static void
test_ratio_g107(void)
{
	CHECK_NEAR(burst_ratio_g107(0, 0, 100), 1.0, 1e-12);
	CHECK_NEAR(burst_ratio_g107(0, 0, 0), 1.0, 1e-12);
	/* Ten single losses in 100: random loss, 1 * (1 - 0.1). */
	CHECK_NEAR(burst_ratio_g107(10, 10, 100), 0.9, 1e-12);
	/* Two runs of five: 5 * 0.9. */
	CHECK_NEAR(burst_ratio_g107(10, 2, 100), 4.5, 1e-12);
}

int
main(void)
{
	RUN(test_chydzinski);
	RUN(test_rfc3611_vector);
	RUN(test_rfc3611_vector_discards);
	RUN(test_empty);
	RUN(test_no_loss);
	RUN(test_all_lost);
	RUN(test_loss_before_gmin);
	RUN(test_histogram);
	RUN(test_open_run);
	RUN(test_gilbert_stream);
	RUN(test_reset);
	RUN(test_ratio_g107);
	return unit_done("test-burst");
}
