/*
 * IPv4 and IPv6 addresses as text: parsing SDP's c= lines, writing reports.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "dissectors/addr.h"

/*
 * inet_pton() wants a NUL-terminated string; the longest textual IPv6
 * address (IPv4-mapped, fully written out) is 45 characters.
 */
#define ADDR_TEXT_MAX	45

/* Parse an address of len bytes (not NUL-terminated); -1 if it is neither. */
int
addr_parse(const char *text, size_t len, struct vq_addr *out)
{
	char	buf[ADDR_TEXT_MAX + 1];

	memset(out, 0, sizeof *out);
	if (len == 0 || len > ADDR_TEXT_MAX || memchr(text, '\0', len) != NULL)
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';

	if (inet_pton(AF_INET, buf, out->bytes) == 1) {
		out->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, out->bytes) == 1) {
		out->family = 6;
		return 0;
	}
	memset(out, 0, sizeof *out);
	return -1;
}

/* Write an address as text; an empty string for no address or no room. */
void
addr_format(const struct vq_addr *a, char *buf, size_t size)
{
	const char	*s = NULL;

	if (size == 0)
		return;
	if (a->family == 4)
		s = inet_ntop(AF_INET, a->bytes, buf, (socklen_t)size);
	else if (a->family == 6)
		s = inet_ntop(AF_INET6, a->bytes, buf, (socklen_t)size);
	if (s == NULL)
		buf[0] = '\0';
}

/* Write n's decimal digits at p; the end of what was written. */
static char *
put_decimal(char *p, unsigned n)
{
	char	digits[10];
	int	i = 0;

	do
		digits[i++] = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	while (i > 0)
		*p++ = digits[--i];
	return p;
}

/*
 * Write an address and port; IPv6 goes in brackets so the port stays apart.
 * IPv4 is written here digit by digit, as inet_ntop and "%s:%u" would (a
 * short buffer is cut and terminated the same way): every stream's two
 * endpoints are written for each report of it, and through printf that
 * was a sixth of the time a worker spends handing 20 000 streams over.
 */
void
addr_format_endpoint(const struct vq_endpoint *e, char *buf, size_t size)
{
	char	host[INET6_ADDRSTRLEN], text[sizeof("255.255.255.255:65535")];
	char	*p = text;
	size_t	len;
	int	i;

	if (size == 0)
		return;
	if (e->addr.family == 4) {
		for (i = 0; i < 4; i++) {
			p = put_decimal(p, e->addr.bytes[i]);
			*p++ = i < 3 ? '.' : ':';
		}
		p = put_decimal(p, e->port);
		len = (size_t)(p - text);
		if (len > size - 1)
			len = size - 1;
		memcpy(buf, text, len);
		buf[len] = '\0';
		return;
	}
	addr_format(&e->addr, host, sizeof host);
	if (e->addr.family == 6)
		snprintf(buf, size, "[%s]:%u", host, (unsigned)e->port);
	else
		snprintf(buf, size, "%s:%u", host, (unsigned)e->port);
}

/* Same family and same address bytes. */
int
addr_equal(const struct vq_addr *a, const struct vq_addr *b)
{
	if (a->family != b->family)
		return 0;
	switch (a->family) {
	case 4:
		return memcmp(a->bytes, b->bytes, 4) == 0;
	case 6:
		return memcmp(a->bytes, b->bytes, 16) == 0;
	default:
		return 1;
	}
}

/* Same address and same port. */
int
endpoint_equal(const struct vq_endpoint *a, const struct vq_endpoint *b)
{
	return a->port == b->port && addr_equal(&a->addr, &b->addr);
}

void
endpoint_pack(const struct vq_endpoint *ep, uint8_t key[ENDPOINT_KEY_LEN])
{
	key[0] = ep->addr.family;
	memcpy(key + 1, ep->addr.bytes, 16);
	key[17] = (uint8_t)(ep->port >> 8);
	key[18] = (uint8_t)ep->port;
}

uint64_t
endpoint_hash(const struct vq_endpoint *ep)
{
	uint64_t a, b;

	memcpy(&a, ep->addr.bytes, 8);
	memcpy(&b, ep->addr.bytes + 8, 8);
	a ^= b * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ep->port << 40 ^
	    ep->addr.family;
	return a * 0xff51afd7ed558ccdULL;
}
