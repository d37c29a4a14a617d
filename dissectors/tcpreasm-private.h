/*
 * The TCP reassembler's own state (tcpreasm.c), shared with the file that
 * reads WebSocket halves (tcpreasm-ws.c) and no one else.
 */
#ifndef VQ_TCPREASM_PRIVATE_H
#define VQ_TCPREASM_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/sipframe.h"
#include "dissectors/tcpreasm.h"

#define TCPREASM_MIN_MESSAGE	16384
#define TCPREASM_MAX_MESSAGE	(16u << 20)
#define TCPREASM_MIN_BUF	1024
#define TCPREASM_MAX_BUCKETS	65536
/* Further ahead than any window can reach (2^30, RFC 7323): not this stream. */
#define TCPREASM_MAX_AHEAD	(1u << 30)

/* Where a resynchronising half stands in the bytes it throws away. */
enum resync {
	RESYNC_NONE,		/* in step with the messages */
	RESYNC_LINE_START,	/* at a line start: a start line? */
	RESYNC_MID_LINE		/* drop bytes through the next LF */
};

/* What a half's in-order bytes are. */
enum half_mode {
	HALF_SIP,		/* SIP messages, framed by Content-Length */
	HALF_HTTP,		/* an HTTP head, then WebSocket frames */
	HALF_WS			/* WebSocket frames carrying SIP */
};

/* Bytes held ahead of a hole. */
struct seg {
	struct seg	*next;
	uint32_t	 seq;
	uint32_t	 len;
	int64_t		 ts_us;
	uint8_t		 data[];
};

struct half {
	int		 synced;	/* next_seq is known */
	uint32_t	 next_seq;
	uint8_t		*buf;		/* an unfinished message */
	uint32_t	 len;
	uint32_t	 cap;
	struct sipframe	 frame;		/* scan state of buf's message */
	enum resync	 resync;
	struct seg	*held;		/* by seq, none overlapping */
	uint32_t	 n_held;
	uint32_t	 held_bytes;
	int64_t		 stall_us;	/* last progress while holding */
	int		 has_syn;	/* syn_next is known */
	uint32_t	 syn_next;	/* the sequence number after SYN */
	int		 fin;		/* fin_seq is known */
	uint32_t	 fin_seq;
	int		 closed;
	enum half_mode	 mode;
	uint8_t		*ws;		/* the WebSocket message so far */
	uint32_t	 ws_len;
	uint32_t	 ws_cap;
	int		 ws_in_message;	/* a data frame began one */
	int		 ws_skip;	/* ... that is not kept (too long,
					   compressed) */
};

struct conn {
	struct conn	*hash_next;
	struct conn	*older;
	struct conn	*newer;
	uint32_t	 hash;
	struct vq_endpoint ep[2];	/* half[d] carries ep[d] -> ep[!d] */
	struct half	 half[2];
	int64_t		 last_us;
	uint64_t	 messages;	/* framed, both directions */
	uint32_t	 charged;	/* counted against max_bytes */
	int		 dead;		/* to free after this segment */
};

struct tcpreasm {
	struct tcpreasm_limits	 limits;
	struct conn		**buckets;
	uint32_t		 n_buckets;	/* a power of two */
	struct conn		*oldest;	/* by last activity */
	struct conn		*newest;
	struct tcpreasm_stats	 stats;
	/* The delivery of the tcpreasm_segment call in progress. */
	tcpreasm_deliver_fn	*deliver;
	void			*deliver_arg;
};

/* tcpreasm.c, for tcpreasm-ws.c. */
int	tcpreasm_grow(struct tcpreasm *, struct conn *, uint8_t **buf,
	    uint32_t *cap, uint32_t need);
size_t	tcpreasm_crlf(const uint8_t *p, size_t len);
void	tcpreasm_deliver(struct tcpreasm *, struct conn *, int dir,
	    const uint8_t *p, size_t len, int64_t ts_us);

/*
 * tcpreasm-ws.c: does a connection open here with an HTTP Upgrade to
 * WebSocket; and the WebSocket way of framing a half's in-order bytes
 * (as tcpreasm_frame, for a half whose mode is not HALF_SIP).
 */
int	tcpreasm_starts_ws(const struct tcpreasm *, const uint8_t *p,
	    size_t len);
size_t	tcpreasm_frame_ws(struct tcpreasm *, struct conn *, int dir,
	    const uint8_t *p, size_t len, int64_t ts_us);

#endif /* VQ_TCPREASM_PRIVATE_H */
