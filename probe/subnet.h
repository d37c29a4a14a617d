/*
 * Labels by address (--subnet-label, the configuration's subnet-label):
 * "10.1.0.0/16 site=paris" makes site=paris a tag of the vq_stream and
 * vq_call points whose media goes to or comes from 10.1.0.0/16.
 *
 * A rule is CIDR KEY=VALUE, the CIDR and the pair separated by blanks or by
 * one '=' (10.1.0.0/16=site=paris, easier to type on a command line).  The
 * CIDR is IPv4 or IPv6, with no host bits set past its prefix; without a
 * /LEN it is one address (/32, /128).  Each key is resolved on its own:
 * of the rules of that key, the one with the longest prefix that holds an
 * address wins; between addresses that match equally long prefixes, the
 * one matched first (see subnet_labels_match) wins.
 *
 * Values are the operator's only, never an address, so the tags stay
 * bounded: at most SUBNET_MAX_KEYS keys and SUBNET_MAX_RULES rules.
 */
#ifndef VQ_SUBNET_H
#define VQ_SUBNET_H

#include <stddef.h>

#include "dissectors/addr.h"

#define SUBNET_MAX_KEYS		8
#define SUBNET_MAX_RULES	4096
#define SUBNET_KEY_MAX		64	/* bytes of a key */
#define SUBNET_VALUE_MAX	128	/* bytes of a value */

/* One rule, as parsed. */
struct subnet_rule {
	struct vq_addr	net;		/* host bits zero */
	unsigned	prefix_len;	/* 0 to 32, or 0 to 128 */
	char		key[SUBNET_KEY_MAX + 1];
	char		value[SUBNET_VALUE_MAX + 1];
};

/* What matched, per key (in subnet_labels_key's order). */
struct subnet_match {
	const char	*value[SUBNET_MAX_KEYS];	/* NULL: no rule matched */
	int		 prefix_len[SUBNET_MAX_KEYS];	/* -1: none */
};

struct subnet_labels;

/*
 * Parse "CIDR KEY=VALUE" or "CIDR=KEY=VALUE".  Returns 0, or -1 with
 * *cause set (free it).
 */
int		 subnet_rule_parse(const char *spec, struct subnet_rule *,
		    char **cause);

struct subnet_labels *subnet_labels_new(void);
void		 subnet_labels_free(struct subnet_labels *);
/*
 * Add a rule.  Returns 0, or -1 with *cause set (free it), the set
 * unchanged, when the same CIDR already has a value for the key, or past
 * SUBNET_MAX_KEYS keys or SUBNET_MAX_RULES rules.
 */
int		 subnet_labels_add(struct subnet_labels *,
		    const struct subnet_rule *, char **cause);
size_t		 subnet_labels_n_keys(const struct subnet_labels *);
const char	*subnet_labels_key(const struct subnet_labels *, size_t i);

/* No match yet. */
void		 subnet_match_init(struct subnet_match *);
/*
 * Match one address into m: a key takes this address's value when its
 * prefix is longer than the one m holds for the key.  Call it for each
 * address of a stream or call in turn, the one that should win ties first.
 */
void		 subnet_labels_match(const struct subnet_labels *,
		    const struct vq_addr *, struct subnet_match *);
/*
 * The same for an address as the reports write it: "a.b.c.d:port",
 * "[v6]:port", or an address alone.  Returns 0, or -1 (m unchanged) when
 * the text holds no address.
 */
int		 subnet_labels_match_text(const struct subnet_labels *,
		    const char *endpoint, struct subnet_match *);

#endif /* VQ_SUBNET_H */
