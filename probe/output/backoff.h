/*
 * Waiting before retrying a server that failed, for every exporter: the
 * delay is drawn uniformly below a ceiling that doubles with each failure
 * in a row, from min_ms up to max_ms ("full jitter"), so that probes
 * restarted together do not come back in step.
 */
#ifndef VQ_BACKOFF_H
#define VQ_BACKOFF_H

#include <stdint.h>

/*
 * A generator's state, seeded from the clock, the process and where the
 * state lies.
 */
void		 backoff_seed(uint64_t *rng);
/* A uniformly random number below n (n > 0): xorshift64*, for jitter. */
uint64_t	 backoff_random(uint64_t *rng, uint64_t n);
/*
 * The delay before try number attempt + 1 after attempt (>= 1) failures
 * in a row, in milliseconds: below min_ms * 2^(attempt - 1), capped at
 * max_ms.
 */
int64_t		 backoff_delay_ms(uint64_t *rng, int attempt, int min_ms,
		    int max_ms);

#endif /* VQ_BACKOFF_H */
