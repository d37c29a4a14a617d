/*
 * Network addresses as the dissectors and reports see them.
 */
#ifndef VQ_ADDR_H
#define VQ_ADDR_H

#include <stddef.h>
#include <stdint.h>

/* An IPv4 or IPv6 address; IPv4 uses the first 4 bytes, the rest zero. */
struct vq_addr {
	uint8_t	family;		/* 4, 6, or 0 for none */
	uint8_t	bytes[16];
};

/* An address and a UDP/TCP port. */
struct vq_endpoint {
	struct vq_addr	addr;
	uint16_t	port;
};

/* Longest text addr_format_endpoint() writes, NUL included. */
#define ADDR_ENDPOINT_STRLEN	(46 + 2 + 1 + 5 + 1)

/* Parse dotted IPv4 or textual IPv6 of len bytes (no NUL); -1 if neither. */
int	addr_parse(const char *text, size_t len, struct vq_addr *out);
/* Write "a.b.c.d" or "v6:addr" into buf (at least 46 bytes). */
void	addr_format(const struct vq_addr *, char *buf, size_t size);
/* Write "a.b.c.d:port" or "[v6:addr]:port". */
void	addr_format_endpoint(const struct vq_endpoint *, char *buf, size_t size);
/* Bytes endpoint_pack() writes: family, 16 address bytes, port. */
#define ENDPOINT_KEY_LEN	19

int	addr_equal(const struct vq_addr *, const struct vq_addr *);
/* The endpoint as a fixed-size hash key, with no padding bytes in it. */
void	endpoint_pack(const struct vq_endpoint *, uint8_t key[ENDPOINT_KEY_LEN]);
/* A hash of what endpoint_pack packs; its high bits are the best mixed. */
uint64_t endpoint_hash(const struct vq_endpoint *);
int	endpoint_equal(const struct vq_endpoint *, const struct vq_endpoint *);

#endif /* VQ_ADDR_H */
