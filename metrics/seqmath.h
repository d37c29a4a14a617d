/*
 * Arithmetic on RTP sequence numbers and timestamps that several metrics
 * share: sequence-number extension, wrap-around differences and bitmaps of
 * sequence numbers.
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

/*
 * RFC 3550 A.1: the extended sequence number of a 16-bit seq, the one
 * nearest highest_ext (the highest extended so far), into *ext.  Returns 0
 * when it lies less than behind_max below highest_ext and less than
 * ahead_max above it, else -1: a jump (a stray packet, or the sender
 * renumbering), which each caller treats its own way.  Both bounds are at
 * most 32768; the callers' are MAX_MISORDER and MAX_DROPOUT in rtpstat.c
 * and QUALITY_DROPOUT in quality.c, where they say why.
 */
static inline int
seqmath_extend(int64_t highest_ext, uint16_t seq, int32_t behind_max,
    int32_t ahead_max, int64_t *ext)
{
	int32_t d = (int16_t)(uint16_t)(seq - (uint16_t)highest_ext);

	*ext = highest_ext + d;
	return d <= -behind_max || d >= ahead_max ? -1 : 0;
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
