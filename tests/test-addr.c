/*
 * Unit tests for dissectors/addr.c.
 */

#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dissectors/addr.h"
#include "tests/unit.h"

static void
test_parse_ipv4(void)
{
	struct vq_addr	a;
	const uint8_t	want[4] = { 192, 0, 2, 1 };

	CHECK_INT(addr_parse("192.0.2.1", 9, &a), 0);
	CHECK_INT(a.family, 4);
	CHECK(memcmp(a.bytes, want, 4) == 0);
	CHECK_INT(a.bytes[4], 0);
	CHECK_INT(a.bytes[15], 0);
}

static void
test_parse_ipv6(void)
{
	struct vq_addr	a;
	const uint8_t	want[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
			    0, 0, 0, 0, 0, 0, 0, 0x01 };

	CHECK_INT(addr_parse("2001:db8::1", 11, &a), 0);
	CHECK_INT(a.family, 6);
	CHECK(memcmp(a.bytes, want, 16) == 0);

	CHECK_INT(addr_parse("::ffff:192.0.2.1", 16, &a), 0);
	CHECK_INT(a.family, 6);
	CHECK_INT(a.bytes[10], 0xff);
	CHECK_INT(a.bytes[12], 192);
}

/* The text is a piece of a packet: only len bytes count, no NUL after. */
static void
test_parse_bounded(void)
{
	struct vq_addr	 a;
	char		*buf;

	CHECK_INT(addr_parse("192.0.2.10/127", 10, &a), 0);
	CHECK_INT(a.family, 4);
	CHECK_INT(a.bytes[3], 10);
	CHECK_INT(addr_parse("192.0.2.10", 9, &a), 0);
	CHECK_INT(a.bytes[3], 1);

	/* Exactly the address on the heap, so ASan sees any read past it. */
	buf = malloc(9);
	memcpy(buf, "192.0.2.7", 9);
	CHECK_INT(addr_parse(buf, 9, &a), 0);
	CHECK_INT(a.bytes[3], 7);
	free(buf);
}

static void
test_parse_rejects(void)
{
	struct vq_addr	a;
	char		long_text[64];

	CHECK_INT(addr_parse("", 0, &a), -1);
	CHECK_INT(a.family, 0);
	CHECK_INT(addr_parse("example.com", 11, &a), -1);
	CHECK_INT(a.family, 0);
	CHECK_INT(addr_parse("192.0.2.256", 11, &a), -1);
	CHECK_INT(addr_parse("192.0.2", 7, &a), -1);
	CHECK_INT(addr_parse("2001:db8::1::2", 14, &a), -1);
	CHECK_INT(addr_parse("192.0.2.1\0", 10, &a), -1);
	CHECK_INT(addr_parse(" 192.0.2.1", 10, &a), -1);

	memset(long_text, '1', sizeof long_text);
	CHECK_INT(addr_parse(long_text, sizeof long_text, &a), -1);
}

static void
test_format(void)
{
	struct vq_addr	a;
	char		buf[64];

	addr_parse("198.51.100.7", 12, &a);
	addr_format(&a, buf, sizeof buf);
	CHECK_STR(buf, "198.51.100.7");

	addr_parse("2001:DB8:0:0:0:0:0:1", 20, &a);
	addr_format(&a, buf, sizeof buf);
	CHECK_STR(buf, "2001:db8::1");

	memset(&a, 0, sizeof a);
	addr_format(&a, buf, sizeof buf);
	CHECK_STR(buf, "");

	/* Too small a buffer gives an empty string, never an overflow. */
	addr_parse("198.51.100.7", 12, &a);
	addr_format(&a, buf, 4);
	CHECK_STR(buf, "");
}

static void
test_format_endpoint(void)
{
	struct vq_endpoint	e;
	char			buf[ADDR_ENDPOINT_STRLEN];

	memset(&e, 0, sizeof e);
	addr_parse("192.0.2.1", 9, &e.addr);
	e.port = 5060;
	addr_format_endpoint(&e, buf, sizeof buf);
	CHECK_STR(buf, "192.0.2.1:5060");

	addr_parse("2001:db8::1", 11, &e.addr);
	addr_format_endpoint(&e, buf, sizeof buf);
	CHECK_STR(buf, "[2001:db8::1]:5060");

	/* The longest form fits ADDR_ENDPOINT_STRLEN. */
	addr_parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 45,
	    &e.addr);
	e.port = 65535;
	addr_format_endpoint(&e, buf, sizeof buf);
	CHECK_STR(buf, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");

	/* A short buffer is cut, and still terminated. */
	addr_parse("192.0.2.1", 9, &e.addr);
	e.port = 5060;
	addr_format_endpoint(&e, buf, 6);
	CHECK_STR(buf, "192.0");
}

/*
 * IPv4 endpoints are written without printf: the same text as inet_ntop
 * and "%s:%u" for every size of buffer, over addresses whose octets take
 * one to three digits and ports of one to five.
 */
static void
test_format_endpoint_ipv4(void)
{
	static const uint8_t	octets[] = { 0, 1, 9, 10, 99, 100, 199, 255 };
	static const uint16_t	ports[] = { 0, 7, 80, 5060, 10000, 65535 };
	struct vq_endpoint	e;
	char			got[32], host[INET_ADDRSTRLEN], want[32];
	unsigned		i, j, k, size, bad = 0;

	memset(&e, 0, sizeof e);
	e.addr.family = 4;
	for (i = 0; i < 8 * 8 * 8 * 8; i++) {
		for (k = 0; k < 4; k++)
			e.addr.bytes[k] = octets[(i >> (3 * k)) & 7];
		inet_ntop(AF_INET, e.addr.bytes, host, sizeof host);
		for (j = 0; j < sizeof(ports) / sizeof(ports[0]); j++) {
			e.port = ports[j];
			for (size = 1; size <= 24; size++) {
				snprintf(want, size, "%s:%u", host, e.port);
				memset(got, 'x', sizeof got);
				addr_format_endpoint(&e, got, size);
				bad += strcmp(got, want) != 0;
			}
		}
	}
	CHECK_INT(bad, 0);
}

static void
test_equal(void)
{
	struct vq_endpoint	a, b;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	CHECK(addr_equal(&a.addr, &b.addr));

	addr_parse("192.0.2.1", 9, &a.addr);
	addr_parse("192.0.2.1", 9, &b.addr);
	a.port = b.port = 4000;
	CHECK(addr_equal(&a.addr, &b.addr));
	CHECK(endpoint_equal(&a, &b));

	b.port = 4001;
	CHECK(!endpoint_equal(&a, &b));

	addr_parse("192.0.2.2", 9, &b.addr);
	b.port = 4000;
	CHECK(!addr_equal(&a.addr, &b.addr));
	CHECK(!endpoint_equal(&a, &b));

	/* IPv4-mapped IPv6 is another family, so another address. */
	addr_parse("::ffff:192.0.2.1", 16, &b.addr);
	CHECK(!addr_equal(&a.addr, &b.addr));

	addr_parse("2001:db8::1", 11, &a.addr);
	addr_parse("2001:db8:0::1", 13, &b.addr);
	CHECK(addr_equal(&a.addr, &b.addr));
}

int
main(void)
{
	RUN(test_parse_ipv4);
	RUN(test_parse_ipv6);
	RUN(test_parse_bounded);
	RUN(test_parse_rejects);
	RUN(test_format);
	RUN(test_format_endpoint);
	RUN(test_format_endpoint_ipv4);
	RUN(test_equal);
	return unit_done("addr");
}
