/*
 * Unit tests for probe/subnet.c: the rule syntax and its errors, longest
 * prefix per key over IPv4 and IPv6, ties between addresses, endpoints as
 * the reports write them, duplicates and bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/subnet.h"
#include "tests/unit.h"

/* Add a rule that must be accepted. */
static void
add(struct subnet_labels *s, const char *spec)
{
	struct subnet_rule r;
	char *cause = NULL;

	if (subnet_rule_parse(spec, &r, &cause) != 0 ||
	    subnet_labels_add(s, &r, &cause) != 0) {
		UNIT_FAIL("'%s' refused: %s", spec, cause ? cause : "?");
		free(cause);
	}
}

/* The error of a rule that must be refused by the parser, or "". */
static const char *
parse_error(const char *spec)
{
	static char last[512];
	struct subnet_rule r;
	char *cause = NULL;

	last[0] = '\0';
	if (subnet_rule_parse(spec, &r, &cause) == 0)
		return "";
	snprintf(last, sizeof(last), "%s", cause);
	free(cause);
	return last;
}

/* The value of key (by name) for the endpoints given, "-" for none. */
static const char *
lookup(const struct subnet_labels *s, const char *key, const char *a,
    const char *b)
{
	struct subnet_match m;
	size_t i;

	subnet_match_init(&m);
	if (a != NULL)
		subnet_labels_match_text(s, a, &m);
	if (b != NULL)
		subnet_labels_match_text(s, b, &m);
	for (i = 0; i < subnet_labels_n_keys(s); i++)
		if (strcmp(subnet_labels_key(s, i), key) == 0)
			return m.value[i] != NULL ? m.value[i] : "-";
	return "-";
}

static void
test_parse_forms(void)
{
	struct subnet_rule r;
	char *cause = NULL;

	CHECK_INT(subnet_rule_parse("10.1.0.0/16 site=paris", &r, &cause), 0);
	CHECK_INT(r.net.family, 4);
	CHECK_INT(r.prefix_len, 16);
	CHECK_STR(r.key, "site");
	CHECK_STR(r.value, "paris");
	/* '=' instead of the blank, for the command line. */
	CHECK_INT(subnet_rule_parse("10.1.0.0/16=site=paris", &r, &cause), 0);
	CHECK_INT(r.prefix_len, 16);
	CHECK_STR(r.key, "site");
	CHECK_STR(r.value, "paris");
	/* Tabs and several blanks; a value may hold '=' and blanks. */
	CHECK_INT(subnet_rule_parse("192.0.2.0/24 \t trunk=a=b c", &r,
	    &cause), 0);
	CHECK_STR(r.key, "trunk");
	CHECK_STR(r.value, "a=b c");
	/* One address: a host route. */
	CHECK_INT(subnet_rule_parse("192.0.2.7 pbx=main", &r, &cause), 0);
	CHECK_INT(r.prefix_len, 32);
	CHECK_INT(subnet_rule_parse("2001:db8::/32=site=lyon", &r, &cause), 0);
	CHECK_INT(r.net.family, 6);
	CHECK_INT(r.prefix_len, 32);
	CHECK_STR(r.value, "lyon");
	CHECK_INT(subnet_rule_parse("2001:db8::1 pbx=v6", &r, &cause), 0);
	CHECK_INT(r.prefix_len, 128);
	CHECK_INT(subnet_rule_parse("0.0.0.0/0 site=elsewhere", &r, &cause),
	    0);
	CHECK_INT(r.prefix_len, 0);
	CHECK_INT(subnet_rule_parse("::/0 site=elsewhere", &r, &cause), 0);
	CHECK_INT(r.prefix_len, 0);
}

static void
test_parse_errors(void)
{
	CHECK(strstr(parse_error(""), "CIDR KEY=VALUE") != NULL);
	CHECK(strstr(parse_error("10.1.0.0/16"), "CIDR KEY=VALUE") != NULL);
	CHECK(strstr(parse_error("site=paris"), "not an IPv4 or IPv6") !=
	    NULL);
	CHECK(strstr(parse_error("10.1.0/16 site=paris"), "not an IPv4") !=
	    NULL);
	CHECK(strstr(parse_error("paris 10.1.0.0/16"), "not an IPv4") !=
	    NULL);
	CHECK(strstr(parse_error("10.1.0.0/33 site=x"), "prefix length") !=
	    NULL);
	CHECK(strstr(parse_error("10.1.0.0/ site=x"), "prefix length") !=
	    NULL);
	CHECK(strstr(parse_error("10.1.0.0/1x site=x"), "prefix length") !=
	    NULL);
	CHECK(strstr(parse_error("10.1.0.0/99999999999 site=x"),
	    "prefix length") != NULL);
	CHECK(strstr(parse_error("2001:db8::/129 site=x"), "0 to 128") !=
	    NULL);
	/* Host bits past the prefix: a typo more often than not. */
	CHECK(strstr(parse_error("10.1.2.3/16 site=x"),
	    "host bits set: the network is 10.1.0.0/16") != NULL);
	CHECK(strstr(parse_error("2001:db8::1/64 site=x"),
	    "the network is 2001:db8::/64") != NULL);
	CHECK(strstr(parse_error("10.1.0.0/16 site"), "KEY=VALUE") != NULL);
	CHECK(strstr(parse_error("10.1.0.0/16 =paris"), "KEY=VALUE") != NULL);
	CHECK(strstr(parse_error("10.1.0.0/16 site="), "KEY=VALUE") != NULL);
	CHECK(strstr(parse_error("10.1.0.0/16 si te=x"), "a key is") != NULL);
	CHECK(strstr(parse_error("10.1.0.0/16 site=a\x1b[2J"),
	    "control character") != NULL);
	CHECK(strstr(parse_error("10.1.0.0/16 site=a\nb"),
	    "control character") != NULL);
}

static void
test_longest_prefix_ipv4(void)
{
	struct subnet_labels *s = subnet_labels_new();

	add(s, "10.0.0.0/8 site=corp");
	add(s, "10.1.0.0/16 site=paris");
	add(s, "10.1.2.0/24 site=paris-3");
	add(s, "10.1.2.7 site=pbx");
	add(s, "0.0.0.0/0 site=internet");
	CHECK_STR(lookup(s, "site", "10.1.2.7:5060", NULL), "pbx");
	CHECK_STR(lookup(s, "site", "10.1.2.8:40000", NULL), "paris-3");
	CHECK_STR(lookup(s, "site", "10.1.3.1:40000", NULL), "paris");
	CHECK_STR(lookup(s, "site", "10.2.0.1:40000", NULL), "corp");
	CHECK_STR(lookup(s, "site", "192.0.2.1:40000", NULL), "internet");
	/* An address alone, as well as with a port. */
	CHECK_STR(lookup(s, "site", "10.1.2.7", NULL), "pbx");
	/* An IPv4 rule says nothing of IPv6. */
	CHECK_STR(lookup(s, "site", "[2001:db8::1]:5060", NULL), "-");
	subnet_labels_free(s);
}

static void
test_longest_prefix_ipv6(void)
{
	struct subnet_labels *s = subnet_labels_new();

	add(s, "2001:db8::/32 site=lyon");
	add(s, "2001:db8:0:1::/64 site=lyon-1");
	add(s, "2001:db8:0:1::5 site=sbc");
	/* A prefix length that is not a multiple of 8. */
	add(s, "2001:db8:8000::/33 site=lyon-high");
	CHECK_STR(lookup(s, "site", "[2001:db8:0:1::5]:5060", NULL), "sbc");
	CHECK_STR(lookup(s, "site", "[2001:db8:0:1::6]:5060", NULL),
	    "lyon-1");
	CHECK_STR(lookup(s, "site", "[2001:db8:0:2::1]:5060", NULL), "lyon");
	CHECK_STR(lookup(s, "site", "[2001:db8:7fff::1]:5060", NULL), "lyon");
	CHECK_STR(lookup(s, "site", "[2001:db8:8000::1]:5060", NULL),
	    "lyon-high");
	CHECK_STR(lookup(s, "site", "[2001:db9::1]:5060", NULL), "-");
	CHECK_STR(lookup(s, "site", "2001:db8::1", NULL), "lyon");
	/* An IPv6 rule says nothing of IPv4. */
	CHECK_STR(lookup(s, "site", "10.1.2.3:5060", NULL), "-");
	subnet_labels_free(s);
}

/* Odd prefix lengths cut inside a byte. */
static void
test_bits_inside_a_byte(void)
{
	struct subnet_labels *s = subnet_labels_new();

	add(s, "192.0.2.128/25 half=upper");
	add(s, "192.0.2.0/25 half=lower");
	add(s, "172.16.0.0/12 rfc1918=yes");
	CHECK_STR(lookup(s, "half", "192.0.2.127:1", NULL), "lower");
	CHECK_STR(lookup(s, "half", "192.0.2.128:1", NULL), "upper");
	CHECK_STR(lookup(s, "rfc1918", "172.31.255.255:1", NULL), "yes");
	CHECK_STR(lookup(s, "rfc1918", "172.32.0.0:1", NULL), "-");
	CHECK_STR(lookup(s, "rfc1918", "172.15.255.255:1", NULL), "-");
	subnet_labels_free(s);
}

/* Keys resolve apart; over two addresses the longer prefix wins. */
static void
test_keys_and_addresses(void)
{
	struct subnet_labels *s = subnet_labels_new();

	add(s, "10.1.0.0/16 site=paris");
	add(s, "10.2.0.0/16 site=lyon");
	add(s, "10.2.5.0/24 site=lyon-5");
	add(s, "192.0.2.0/24 trunk=carrier-a");
	CHECK_INT(subnet_labels_n_keys(s), 2);
	CHECK_STR(subnet_labels_key(s, 0), "site");
	CHECK_STR(subnet_labels_key(s, 1), "trunk");
	CHECK(subnet_labels_key(s, 2) == NULL);
	/* A phone in Paris to the carrier: both keys, from each address. */
	CHECK_STR(lookup(s, "site", "10.1.0.9:4000", "192.0.2.1:5000"),
	    "paris");
	CHECK_STR(lookup(s, "trunk", "10.1.0.9:4000", "192.0.2.1:5000"),
	    "carrier-a");
	CHECK_STR(lookup(s, "trunk", "192.0.2.1:5000", "10.1.0.9:4000"),
	    "carrier-a");
	/* Paris (/16) to Lyon 5 (/24): the longer prefix, in either order. */
	CHECK_STR(lookup(s, "site", "10.1.0.9:4000", "10.2.5.1:4000"),
	    "lyon-5");
	CHECK_STR(lookup(s, "site", "10.2.5.1:4000", "10.1.0.9:4000"),
	    "lyon-5");
	/* Equally long: the first address wins. */
	CHECK_STR(lookup(s, "site", "10.1.0.9:4000", "10.2.0.1:4000"),
	    "paris");
	CHECK_STR(lookup(s, "site", "10.2.0.1:4000", "10.1.0.9:4000"),
	    "lyon");
	/* Neither address in a rule. */
	CHECK_STR(lookup(s, "site", "198.51.100.1:1", "203.0.113.1:1"), "-");
	subnet_labels_free(s);
}

/* What is not an address matches nothing and changes nothing. */
static void
test_not_addresses(void)
{
	struct subnet_labels *s = subnet_labels_new();
	struct subnet_match m;

	add(s, "0.0.0.0/0 v4=any");
	add(s, "::/0 v6=any");
	subnet_match_init(&m);
	CHECK_INT(subnet_labels_match_text(s, "", &m), -1);
	CHECK_INT(subnet_labels_match_text(s, "[2001:db8::1:5060", &m), -1);
	CHECK_INT(subnet_labels_match_text(s, "host.example:5060", &m), -1);
	CHECK_INT(subnet_labels_match_text(s, "10.1.2:5060", &m), -1);
	CHECK(m.value[0] == NULL);
	CHECK_INT(m.prefix_len[0], -1);
	CHECK_INT(subnet_labels_match_text(s, "[::1]:5060", &m), 0);
	CHECK_STR(m.value[1], "any");
	CHECK_INT(m.prefix_len[1], 0);
	CHECK(m.value[0] == NULL);
	subnet_labels_free(s);
}

static void
test_duplicates_and_bounds(void)
{
	struct subnet_labels *s = subnet_labels_new();
	struct subnet_rule r;
	char *cause = NULL;
	char spec[64];
	int i;

	add(s, "10.1.0.0/16 site=paris");
	/* The same network for another key is fine; for the same key not. */
	add(s, "10.1.0.0/16 trunk=x");
	CHECK_INT(subnet_rule_parse("10.1.0.0/16 site=lyon", &r, &cause), 0);
	CHECK_INT(subnet_labels_add(s, &r, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "10.1.0.0/16 has a subnet label "
	    "site already (site=paris)") != NULL);
	free(cause);
	cause = NULL;
	CHECK_STR(lookup(s, "site", "10.1.0.1:1", NULL), "paris");
	/* Keys: SUBNET_MAX_KEYS at most. */
	for (i = 2; i < SUBNET_MAX_KEYS; i++) {
		snprintf(spec, sizeof(spec), "10.9.0.0/16 k%d=v", i);
		add(s, spec);
	}
	CHECK_INT(subnet_labels_n_keys(s), SUBNET_MAX_KEYS);
	CHECK_INT(subnet_rule_parse("10.9.0.0/16 onemore=v", &r, &cause), 0);
	CHECK_INT(subnet_labels_add(s, &r, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "keys") != NULL);
	free(cause);
	cause = NULL;
	CHECK_INT(subnet_labels_n_keys(s), SUBNET_MAX_KEYS);
	subnet_labels_free(s);

	/* Rules: SUBNET_MAX_RULES at most. */
	s = subnet_labels_new();
	for (i = 0; i < SUBNET_MAX_RULES; i++) {
		snprintf(spec, sizeof(spec), "10.%d.%d.0/24 site=s%d",
		    i / 256, i % 256, i % 7);
		add(s, spec);
	}
	CHECK_STR(lookup(s, "site", "10.15.255.9:1", NULL), "s0");
	CHECK_INT(subnet_rule_parse("11.0.0.0/8 site=x", &r, &cause), 0);
	CHECK_INT(subnet_labels_add(s, &r, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "subnet labels") != NULL);
	free(cause);
	subnet_labels_free(s);
	subnet_labels_free(NULL);
}

int
main(void)
{
	RUN(test_parse_forms);
	RUN(test_parse_errors);
	RUN(test_longest_prefix_ipv4);
	RUN(test_longest_prefix_ipv6);
	RUN(test_bits_inside_a_byte);
	RUN(test_keys_and_addresses);
	RUN(test_not_addresses);
	RUN(test_duplicates_and_bounds);
	return unit_done("test-subnet");
}
