/*
 * Bounds-checked reading of packet bytes.
 *
 * Every dissector reads through a cursor built from the capture length
 * (never the wire length).  Reads past the end return zero and set a sticky
 * flag, so a dissector reads its whole header linearly and checks once.
 */
#ifndef VQ_CURSOR_H
#define VQ_CURSOR_H

#include <stddef.h>
#include <stdint.h>

struct cursor {
	const uint8_t	*p;
	const uint8_t	*end;
	int		 short_read;	/* set once any read ran past end */
};

/* Start a cursor over len bytes at p. */
static inline void
cur_init(struct cursor *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->end = p + len;
	c->short_read = 0;
}

/* Bytes left to read. */
static inline size_t
cur_left(const struct cursor *c)
{
	return (size_t)(c->end - c->p);
}

/* Mark the cursor short unless n bytes are left; return whether they are. */
static inline int
cur_need(struct cursor *c, size_t n)
{
	if (c->short_read || cur_left(c) < n) {
		c->short_read = 1;
		c->p = c->end;
		return 0;
	}
	return 1;
}

static inline uint8_t
cur_u8(struct cursor *c)
{
	if (!cur_need(c, 1))
		return 0;
	return *c->p++;
}

static inline uint16_t
cur_be16(struct cursor *c)
{
	uint16_t v;

	if (!cur_need(c, 2))
		return 0;
	v = (uint16_t)((c->p[0] << 8) | c->p[1]);
	c->p += 2;
	return v;
}

static inline uint32_t
cur_be32(struct cursor *c)
{
	uint32_t v;

	if (!cur_need(c, 4))
		return 0;
	v = ((uint32_t)c->p[0] << 24) | ((uint32_t)c->p[1] << 16) |
	    ((uint32_t)c->p[2] << 8) | (uint32_t)c->p[3];
	c->p += 4;
	return v;
}

static inline void
cur_skip(struct cursor *c, size_t n)
{
	if (cur_need(c, n))
		c->p += n;
}

/* Pointer to the next n bytes, consumed; NULL (and short) if fewer remain. */
static inline const uint8_t *
cur_bytes(struct cursor *c, size_t n)
{
	const uint8_t *at;

	if (!cur_need(c, n))
		return NULL;
	at = c->p;
	c->p += n;
	return at;
}

#endif /* VQ_CURSOR_H */
