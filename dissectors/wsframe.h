/*
 * SIP over WebSocket (RFC 7118 on RFC 6455): the HTTP Upgrade that opens
 * a connection, and the frames that then carry one SIP message per
 * WebSocket message.  Pure parsing over bytes the caller holds; the TCP
 * reassembler (tcpreasm.c) keeps the state of each direction.
 */
#ifndef VQ_WSFRAME_H
#define VQ_WSFRAME_H

#include <stddef.h>
#include <stdint.h>

enum wsframe_result {
	WSFRAME_COMPLETE,	/* whole: the lengths say how much */
	WSFRAME_NEED_MORE,	/* could be one; its end is not here yet */
	WSFRAME_BAD		/* not one, or longer than allowed */
};

/* Does p begin like an HTTP request or response (what to follow)? */
int	wsframe_http_start(const uint8_t *p, size_t len);

/*
 * The HTTP head at p (request or status line and headers, to the empty
 * line): COMPLETE with its length in *head_len and in *upgrade whether it
 * opens a WebSocket (a GET with "Upgrade: websocket", or a 101 response);
 * NEED_MORE while it could still end within max_len bytes; BAD if not HTTP.
 */
enum wsframe_result wsframe_http_head(const uint8_t *p, size_t len,
	    size_t max_len, size_t *head_len, int *upgrade);

/* RFC 6455 5.2 data opcodes; those with 0x8 set are control frames. */
#define WSFRAME_CONTINUATION	0x0
#define WSFRAME_TEXT		0x1
#define WSFRAME_BINARY		0x2

struct wsframe {
	int		 fin;		/* the last frame of its message */
	int		 rsv;		/* RSV1-3: an extension's (compressed) */
	int		 opcode;
	int		 masked;
	uint8_t		 mask[4];
	size_t		 header_len;	/* to the payload */
	uint64_t	 payload_len;
};

/*
 * The frame header at p: COMPLETE (its fields in *f; the payload may not
 * be all here yet), NEED_MORE, or BAD (a length that is not minimal or
 * has its top bit set, a control frame over 125 bytes or fragmented).
 */
enum wsframe_result wsframe_header(const uint8_t *p, size_t len,
	    struct wsframe *f);

/* Unmask n payload bytes from src to dst, starting at payload offset at. */
void	wsframe_unmask(uint8_t *dst, const uint8_t *src, size_t n,
	    const uint8_t mask[4], uint64_t at);

#endif /* VQ_WSFRAME_H */
