/*
 * Exponential backoff with full jitter (see backoff.h).
 */
#include <stdint.h>
#include <unistd.h>

#include "probe/output/backoff.h"
#include "probe/vqprobe.h"

void
backoff_seed(uint64_t *rng)
{
	*rng = (uint64_t)mono_us() * UINT64_C(0x9E3779B97F4A7C15) ^
	    (uint64_t)getpid() ^ (uint64_t)(uintptr_t)rng;
	if (*rng == 0)
		*rng = 1;
}

uint64_t
backoff_random(uint64_t *rng, uint64_t n)
{
	uint64_t x = *rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*rng = x;
	return (x * UINT64_C(2685821657736338717)) % n;
}

int64_t
backoff_delay_ms(uint64_t *rng, int attempt, int min_ms, int max_ms)
{
	int64_t ceiling = min_ms;
	int i;

	for (i = 1; i < attempt && ceiling < max_ms; i++)
		ceiling *= 2;
	if (ceiling > max_ms)
		ceiling = max_ms;
	return (int64_t)backoff_random(rng, (uint64_t)ceiling + 1);
}
