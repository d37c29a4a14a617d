/*
 * The HTTP side of --prometheus: a libmicrohttpd server on a thread of its
 * own that answers GET /metrics with what a render function writes, 404
 * on any other path and 405 to any other method.
 */
#ifndef VQ_PROM_HTTP_H
#define VQ_PROM_HTTP_H

#include <stddef.h>

/*
 * The exposition, allocated (the server frees it), its length in *len.
 * Called on the server's thread.
 */
typedef char	*prom_http_render_fn(void *arg, size_t *len);

struct prom_http;

/*
 * Listen on "[ADDR:]PORT" (ADDR: an IPv4 address, or an IPv6 one in
 * brackets; 127.0.0.1 when left out) and serve.  Returns NULL with *cause
 * set (free it) when the value is wrong or the port cannot be bound.
 */
struct prom_http *prom_http_start(const char *listen,
		    prom_http_render_fn *render, void *arg, char **cause);
/* The address it listens on, as "ADDR:PORT" ("[ADDR]:PORT" for IPv6). */
const char	*prom_http_address(const struct prom_http *);
/* Stop the server and its thread, and free (NULL is fine). */
void		 prom_http_stop(struct prom_http *);

#endif /* VQ_PROM_HTTP_H */
