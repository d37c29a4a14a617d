/*
 * HEPv3 input (--hep-listen): a UDP socket, or a TCP listener and its
 * clients, whose HEP packets become raw IP frames (probe/pipeline/
 * hepframe.h) for the capture thread.  Everything here runs on the
 * capture thread; the figures are read after it has ended.
 */
#ifndef VQ_HEPIN_H
#define VQ_HEPIN_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics/snapshot.h"

/* TCP clients served at once; one more is accepted and closed. */
#define HEPIN_MAX_CLIENTS	64
/* The most descriptors hepin_pollfds fills. */
#define HEPIN_MAX_FDS		(1 + HEPIN_MAX_CLIENTS)

struct hepin;

/* One IP packet a HEP packet carried, and its capture time. */
typedef void hepin_frame_fn(void *arg, int64_t ts_us, const uint8_t *ip,
    size_t len);

/*
 * Listen on spec, "udp:ADDR:PORT" or "tcp:ADDR:PORT" (an IPv6 ADDR in
 * brackets).  key: when not NULL, only packets with this auth key are
 * taken.  NULL with *cause on failure (a bad spec, a port in use).
 */
struct hepin	*hepin_open(const char *spec, const char *key, char **cause);
/* The descriptors to poll for input now, into fds (HEPIN_MAX_FDS). */
size_t		 hepin_pollfds(const struct hepin *, struct pollfd *fds);
/*
 * Read what the descriptors hepin_pollfds gave (after poll) say is
 * there, a bounded batch, and hand each packet that is analysed to fn.
 */
void		 hepin_service(struct hepin *, const struct pollfd *fds,
		    size_t n, hepin_frame_fn *fn, void *arg);
/*
 * The run's clock at wall_us (see hepin.c): 0 and *now_us, or -1 while
 * no packet has set it.
 */
int		 hepin_now(const struct hepin *, int64_t wall_us,
		    int64_t *now_us);
/* The counters so far (enabled set). */
void		 hepin_figures(const struct hepin *, struct snap_hep *);
/* The spec it listens on, as given. */
const char	*hepin_spec(const struct hepin *);
void		 hepin_close(struct hepin *);

#endif /* VQ_HEPIN_H */
