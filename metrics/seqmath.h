/*
 * Arithmetic on RTP sequence numbers and timestamps that several metrics
 * share: wrap-around differences and bitmaps of sequence numbers.
 */
#ifndef VQ_SEQMATH_H
#define VQ_SEQMATH_H

#include <stddef.h>
#include <stdint.h>

/* b - a for two 32-bit RTP timestamps, signed, across a wrap. */
static inline int64_t
seqmath_ts_diff(uint32_t a, uint32_t b)
{
	uint32_t d = b - a;

	return d > INT32_MAX ? (int64_t)d - ((int64_t)1 << 32) : (int64_t)d;
}

/* The 64-bit word of a bitmap of window_seqs sequence numbers holding seq. */
static inline size_t
seqmath_word(int64_t seq, size_t window_seqs)
{
	return (size_t)(((uint64_t)seq % window_seqs) / 64);
}

/* The bit of seq within its word. */
static inline uint64_t
seqmath_bit(int64_t seq)
{
	return (uint64_t)1 << ((uint64_t)seq % 64);
}

#endif /* VQ_SEQMATH_H */
