/*
 * IPv4 and IPv6 fragment reassembly: fragments in, whole datagrams out,
 * with bounded memory and timeouts measured in capture time.
 */
#ifndef VQ_IPFRAG_H
#define VQ_IPFRAG_H

#include <stdint.h>

#include "dissectors/addr.h"

/* The longest datagram payload reassembled (IPv4 total length is 16 bits). */
#define IPFRAG_MAX_DATAGRAM	65535

struct ipfrag_limits {
	int64_t		 timeout_us;	/* from a datagram's first fragment */
	uint32_t	 max_datagrams;	/* in progress at once */
	uint32_t	 max_bytes;	/* held in all, bookkeeping included */
	uint32_t	 max_fragments;	/* held per datagram */
};

/* Counters since ipfrag_new; the last two are levels, not counts. */
struct ipfrag_stats {
	uint64_t	 fragments;	/* offered to ipfrag_add */
	uint64_t	 reassembled;	/* datagrams completed */
	uint64_t	 duplicates;	/* same bytes as one held: ignored */
	/* Fragments thrown away, held ones included, and why: */
	uint64_t	 dropped_timeout;
	uint64_t	 dropped_overlap;	/* overlaps, ends that differ */
	uint64_t	 dropped_memory;	/* max_bytes, malloc failed */
	uint64_t	 dropped_too_many;	/* max_datagrams, _fragments */
	uint64_t	 dropped_malformed;	/* past 65535, bad length */
	uint32_t	 datagrams_pending;
	uint32_t	 bytes_pending;
};

/* What fragments of one datagram share (RFC 791, RFC 8200 4.5). */
struct ipfrag_key {
	uint8_t		 version;	/* 4 or 6 */
	uint8_t		 proto;		/* IPv4 protocol; 0 for IPv6 */
	uint32_t	 id;		/* 16 bits in IPv4 */
	struct vq_addr	 src;
	struct vq_addr	 dst;
};

/* One fragment as its IP header describes it. */
struct ipfrag_fragment {
	uint32_t	 offset;	/* in bytes */
	int		 more;		/* more fragments follow */
	uint8_t		 proto;		/* protocol of the reassembled data */
	const uint8_t	*data;
	uint32_t	 len;		/* all of it: a clipped one can't do */
};

enum ipfrag_result {
	IPFRAG_HELD,		/* kept (or a duplicate): datagram not whole */
	IPFRAG_COMPLETE,	/* the datagram is whole: see out */
	IPFRAG_DROPPED,		/* thrown away with its datagram: a counter */
	IPFRAG_MALFORMED	/* impossible fragment, not kept: a counter */
};

/*
 * A reassembled datagram.  data is the caller's to free(); proto is the
 * one the fragment at offset 0 named (for IPv6, the first header of the
 * fragmentable part).
 */
struct ipfrag_datagram {
	uint8_t		*data;
	uint32_t	 len;
	uint8_t		 proto;
};

/* 30 s, 1024 datagrams, 8 MiB, 256 fragments per datagram. */
void	ipfrag_limits_default(struct ipfrag_limits *);

/* A reassembler, NULL if out of memory; limits are copied. */
struct ipfrag *ipfrag_new(const struct ipfrag_limits *);
void	ipfrag_free(struct ipfrag *);

/*
 * Add one fragment seen at capture time now_us; datagrams older than the
 * timeout are dropped first.  Overlaps: a fragment with exactly the same
 * offset, length and bytes as one held is a duplicate and ignored; any
 * other overlap, and ends that disagree, drop the whole datagram, for
 * IPv6 as RFC 5722 requires and for IPv4 the same (as Linux does), so
 * what is analysed never depends on which copy of the bytes wins.  When
 * max_datagrams or max_bytes would be passed, the oldest datagrams are
 * dropped to make room.
 */
enum ipfrag_result ipfrag_add(struct ipfrag *, const struct ipfrag_key *,
	    const struct ipfrag_fragment *, int64_t now_us,
	    struct ipfrag_datagram *out);

/* Drop the datagrams that timed out by now_us (INT64_MAX: all of them). */
void	ipfrag_expire(struct ipfrag *, int64_t now_us);

void	ipfrag_stats(const struct ipfrag *, struct ipfrag_stats *);

#endif /* VQ_IPFRAG_H */
