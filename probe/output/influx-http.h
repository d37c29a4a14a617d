/*
 * The InfluxDB exporter's HTTP side (probe/output/influx.c): one libcurl
 * easy handle kept in one multi handle, whose connection cache keeps the
 * connection alive from request to request; the write URL and headers
 * built once from the configuration; and what the server says, made fit
 * to log.  For the exporter's thread alone, but for influx_http_wakeup.
 */
#ifndef VQ_INFLUX_HTTP_H
#define VQ_INFLUX_HTTP_H

#include <stddef.h>

#include "probe/output/influx.h"

/* Bytes of a server's answer or an error shown in the log, at most. */
#define INFLUX_SHOW_MAX		200

/* How a request ended. */
struct influx_http_result {
	int	answered;	/* 0: no answer (connection, timeout, TLS) */
	long	status;		/* the HTTP status; 0 without an answer */
	long	retry_after_s;	/* Retry-After, 0 when none */
};

struct influx_http;

/*
 * Check the URL (http or https, no credentials in it) and set up the
 * handles for cfg, which must outlive them.  Returns NULL with *cause set
 * (free it), which never contains a credential.
 */
struct influx_http *influx_http_new(const struct influx_config *cfg,
		    char **cause);
/* Free the handles (NULL is fine); a request in flight is abandoned. */
void		 influx_http_free(struct influx_http *);
/* Post len bytes of line protocol, gzipped first when cfg says so. */
void		 influx_http_post(struct influx_http *, const char *body,
		    size_t len);
/* Whether a request is in flight. */
int		 influx_http_busy(const struct influx_http *);
/*
 * Let libcurl move the request in flight on: 1 when it has ended (how, in
 * *res), 0 while it goes on.
 */
int		 influx_http_pump(struct influx_http *,
		    struct influx_http_result *res);
/*
 * What the server answered to the last request, or why no answer came,
 * fit to log: credentials replaced by "***", control bytes by spaces or
 * '?', at most INFLUX_SHOW_MAX bytes.
 */
void		 influx_http_said(const struct influx_http *, char *out,
		    size_t size);
/* Wait for the request's sockets or a wakeup, wait_ms at most. */
void		 influx_http_wait(struct influx_http *, int wait_ms);
/* From any thread: end influx_http_wait at once. */
void		 influx_http_wakeup(struct influx_http *);
/* Abandon the request in flight, if any. */
void		 influx_http_abort(struct influx_http *);

#endif /* VQ_INFLUX_HTTP_H */
