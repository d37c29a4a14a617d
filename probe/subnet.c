/*
 * Labels by address (see subnet.h).
 *
 * Longest prefix match the plain way: one hash table of the networks,
 * keyed by family, prefix length and masked address, and for each family
 * the prefix lengths in use.  A lookup masks the address to each length in
 * use, longest first, and looks the network up: at most 33 or 129 lookups,
 * in practice the handful of lengths an operator writes.  A trie would
 * save lookups that cost nothing next to writing the point.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "probe/subnet.h"
#include "probe/vqprobe.h"

/* A network as a hash key, with no padding bytes in it. */
struct subnet_key {
	uint8_t		family;
	uint8_t		prefix_len;
	uint8_t		bytes[16];
};

/* One network and the value of each key that a rule gave it. */
struct subnet_net {
	struct subnet_key key;
	char		*value[SUBNET_MAX_KEYS];
	UT_hash_handle	 hh;
};

struct subnet_labels {
	struct subnet_net *nets;		/* uthash head */
	char		*keys[SUBNET_MAX_KEYS];
	size_t		 n_keys;
	size_t		 n_rules;
	uint8_t		 in_use4[33];		/* prefix lengths of rules */
	uint8_t		 in_use6[129];
};

/* Zero the bits of a past its first prefix_len. */
static void
subnet_mask(struct vq_addr *a, unsigned prefix_len)
{
	unsigned i, bits = a->family == 4 ? 32 : 128;

	for (i = 0; i < bits / 8; i++) {
		if (prefix_len >= (i + 1) * 8)
			continue;
		if (prefix_len <= i * 8)
			a->bytes[i] = 0;
		else
			a->bytes[i] &= (uint8_t)(0xff << (8 - (prefix_len -
			    i * 8)));
	}
}

/* Parse the CIDR of n bytes at s into r; NULL, or why not (malloc'd). */
static char *
subnet_parse_cidr(const char *s, size_t n, struct subnet_rule *r)
{
	const char *slash = memchr(s, '/', n);
	size_t addr_len = slash != NULL ? (size_t)(slash - s) : n;
	unsigned max, len = 0;
	struct vq_addr masked;
	size_t i;

	if (addr_parse(s, addr_len, &r->net) != 0)
		return xasprintf("'%.*s' is not an IPv4 or IPv6 address",
		    (int)addr_len, s);
	max = r->net.family == 4 ? 32 : 128;
	if (slash == NULL) {
		r->prefix_len = max;
		return NULL;
	}
	if (slash + 1 == s + n)
		return xasprintf("no prefix length after '/'");
	for (i = addr_len + 1; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || len > max)
			return xasprintf("bad prefix length '%.*s' (0 to "
			    "%u)", (int)(n - addr_len - 1), slash + 1, max);
		len = len * 10 + (unsigned)(s[i] - '0');
	}
	if (len > max)
		return xasprintf("bad prefix length '%.*s' (0 to %u)",
		    (int)(n - addr_len - 1), slash + 1, max);
	r->prefix_len = len;
	masked = r->net;
	subnet_mask(&masked, len);
	if (memcmp(masked.bytes, r->net.bytes, sizeof(masked.bytes)) != 0) {
		char net[64];

		addr_format(&masked, net, sizeof(net));
		return xasprintf("'%.*s' has host bits set: the network is "
		    "%s/%u", (int)n, s, net, len);
	}
	return NULL;
}

int
subnet_rule_parse(const char *spec, struct subnet_rule *r, char **cause)
{
	size_t cidr_len = strcspn(spec, " \t=");
	const char *pair = spec + cidr_len, *eq;
	char *why;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (cidr_len == 0 || *pair == '\0') {
		*cause = xasprintf("bad subnet label '%s' (CIDR KEY=VALUE, "
		    "as 10.1.0.0/16 site=paris)", spec);
		return -1;
	}
	if (*pair == '=')
		pair++;
	else
		pair += strspn(pair, " \t");
	if ((why = subnet_parse_cidr(spec, cidr_len, r)) != NULL) {
		*cause = xasprintf("bad subnet label '%s': %s", spec, why);
		free(why);
		return -1;
	}
	eq = strchr(pair, '=');
	if (eq == NULL || eq == pair || eq[1] == '\0') {
		*cause = xasprintf("bad subnet label '%s': want KEY=VALUE "
		    "after the CIDR", spec);
		return -1;
	}
	if ((size_t)(eq - pair) > SUBNET_KEY_MAX ||
	    strlen(eq + 1) > SUBNET_VALUE_MAX) {
		*cause = xasprintf("bad subnet label '%s': a key is at most "
		    "%d bytes, a value %d", spec, SUBNET_KEY_MAX,
		    SUBNET_VALUE_MAX);
		return -1;
	}
	memcpy(r->key, pair, (size_t)(eq - pair));
	r->key[eq - pair] = '\0';
	snprintf(r->value, sizeof(r->value), "%s", eq + 1);
	if (strspn(r->key, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != strlen(r->key)) {
		*cause = xasprintf("bad subnet label '%s': a key is "
		    "letters, digits, '_', '-' and '.'", spec);
		return -1;
	}
	for (i = 0; r->value[i] != '\0'; i++) {
		if ((unsigned char)r->value[i] < 0x20 || r->value[i] == 0x7f) {
			*cause = xasprintf("bad subnet label: a control "
			    "character in the value of %s", r->key);
			return -1;
		}
	}
	return 0;
}

struct subnet_labels *
subnet_labels_new(void)
{
	return xcalloc(1, sizeof(struct subnet_labels));
}

void
subnet_labels_free(struct subnet_labels *s)
{
	struct subnet_net *n, *tmp;
	size_t i;

	if (s == NULL)
		return;
	HASH_ITER(hh, s->nets, n, tmp) {
		HASH_DEL(s->nets, n);
		for (i = 0; i < SUBNET_MAX_KEYS; i++)
			free(n->value[i]);
		free(n);
	}
	for (i = 0; i < s->n_keys; i++)
		free(s->keys[i]);
	free(s);
}

/* The hash key of a network. */
static void
subnet_key_of(const struct vq_addr *net, unsigned prefix_len,
    struct subnet_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = net->family;
	k->prefix_len = (uint8_t)prefix_len;
	memcpy(k->bytes, net->bytes, sizeof(k->bytes));
}

int
subnet_labels_add(struct subnet_labels *s, const struct subnet_rule *r,
    char **cause)
{
	struct subnet_key k;
	struct subnet_net *n;
	char net[64];
	size_t i;

	for (i = 0; i < s->n_keys; i++)
		if (strcmp(s->keys[i], r->key) == 0)
			break;
	if (i == SUBNET_MAX_KEYS) {
		*cause = xasprintf("more than %d subnet label keys",
		    SUBNET_MAX_KEYS);
		return -1;
	}
	if (s->n_rules == SUBNET_MAX_RULES) {
		*cause = xasprintf("more than %d subnet labels",
		    SUBNET_MAX_RULES);
		return -1;
	}
	subnet_key_of(&r->net, r->prefix_len, &k);
	HASH_FIND(hh, s->nets, &k, sizeof(k), n);
	if (n != NULL && i < s->n_keys && n->value[i] != NULL) {
		addr_format(&r->net, net, sizeof(net));
		*cause = xasprintf("%s/%u has a subnet label %s already "
		    "(%s=%s)", net, r->prefix_len, r->key, r->key,
		    n->value[i]);
		return -1;
	}
	if (i == s->n_keys)
		s->keys[s->n_keys++] = xstrdup(r->key);
	if (n == NULL) {
		n = xcalloc(1, sizeof(*n));
		n->key = k;
		HASH_ADD(hh, s->nets, key, sizeof(n->key), n);
	}
	n->value[i] = xstrdup(r->value);
	if (r->net.family == 4)
		s->in_use4[r->prefix_len] = 1;
	else
		s->in_use6[r->prefix_len] = 1;
	s->n_rules++;
	return 0;
}

size_t
subnet_labels_n_keys(const struct subnet_labels *s)
{
	return s->n_keys;
}

const char *
subnet_labels_key(const struct subnet_labels *s, size_t i)
{
	return i < s->n_keys ? s->keys[i] : NULL;
}

void
subnet_match_init(struct subnet_match *m)
{
	size_t i;

	for (i = 0; i < SUBNET_MAX_KEYS; i++) {
		m->value[i] = NULL;
		m->prefix_len[i] = -1;
	}
}

void
subnet_labels_match(const struct subnet_labels *s, const struct vq_addr *a,
    struct subnet_match *m)
{
	const uint8_t *in_use;
	struct subnet_net *n;
	struct subnet_key k;
	struct vq_addr masked;
	int len;
	size_t i;

	if (a->family == 4)
		in_use = s->in_use4;
	else if (a->family == 6)
		in_use = s->in_use6;
	else
		return;
	for (len = a->family == 4 ? 32 : 128; len >= 0; len--) {
		if (!in_use[len])
			continue;
		masked = *a;
		subnet_mask(&masked, (unsigned)len);
		subnet_key_of(&masked, (unsigned)len, &k);
		HASH_FIND(hh, s->nets, &k, sizeof(k), n);
		if (n == NULL)
			continue;
		/* Longest first: a key set here keeps this address's best. */
		for (i = 0; i < s->n_keys; i++) {
			if (n->value[i] != NULL && m->prefix_len[i] < len) {
				m->value[i] = n->value[i];
				m->prefix_len[i] = len;
			}
		}
	}
}

int
subnet_labels_match_text(const struct subnet_labels *s, const char *text,
    struct subnet_match *m)
{
	const char *start = text, *colon;
	struct vq_addr a;
	size_t len;

	if (text[0] == '[') {
		/* "[v6]:port" */
		start = text + 1;
		if ((colon = strchr(start, ']')) == NULL)
			return -1;
		len = (size_t)(colon - start);
	} else if ((colon = strchr(text, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		/* "a.b.c.d:port": one colon. */
		len = (size_t)(colon - text);
	} else
		len = strlen(text);	/* an address alone */
	if (addr_parse(start, len, &a) != 0)
		return -1;
	subnet_labels_match(s, &a, m);
	return 0;
}
