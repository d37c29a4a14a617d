/*
 * HEPv3 input (see hepin.h).
 *
 * UDP: one datagram, one HEP packet.  Senders burst (sngrep sends a whole
 * capture file as fast as it reads it), so the socket asks for a large
 * receive buffer.  TCP: HEP packets back to back, each framed by its
 * header's length; a client whose bytes stop being HEPv3 is closed, as
 * nothing after them can be framed again.
 *
 * The clock.  A run over HEP is live: time moves on while nothing comes,
 * so that calls without a BYE end.  But the packets carry their sender's
 * capture time, which can be far behind the wall clock (a sender replaying
 * an old capture) or off by a sender's own clock error; taking the wall
 * clock would end every such call at once as idle.  So the run's clock is
 * the wall clock less the offset between the wall clock and the newest
 * packet time seen, measured when that packet came: it reads the packets'
 * own time while they flow, and moves on at the wall clock's pace between
 * them.  Before the first packet there is nothing to time.
 */
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>

#include "dissectors/hep.h"
#include "probe/pipeline/hepframe.h"
#include "probe/pipeline/hepin.h"
#include "probe/vqprobe.h"

/* The receive buffer asked for (SO_RCVBUFFORCE as root, else SO_RCVBUF). */
#define HEPIN_RCVBUF		(8 * 1024 * 1024)
/* Datagrams, or reads of a client, per hepin_service: then pcap's turn. */
#define HEPIN_BATCH		256
#define HEPIN_BACKLOG		16

struct hepin_client {
	int		 fd;
	size_t		 used;			/* bytes in buf */
	uint8_t		 buf[HEP_MAX_LEN];	/* at most one packet */
};

struct hepin {
	char			*spec;
	int			 tcp;
	int			 fd;		/* the UDP socket or listener */
	struct hepin_client	*clients[HEPIN_MAX_CLIENTS];
	size_t			 n_clients;
	char			*key;
	size_t			 key_len;
	struct hepframe		*frames;
	uint8_t			 dgram[HEP_MAX_LEN + 1];
	struct snap_hep		 stats;
	/* The clock (see above). */
	int			 have_clock;
	int64_t			 newest_us;
	int64_t			 offset_us;	/* wall clock less newest_us */
};

static char * __attribute__((format(printf, 1, 2)))
hepin_cause(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return xstrdup(buf);
}

static int64_t
wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * Split "udp:ADDR:PORT" or "tcp:[ADDR]:PORT" into its parts (host and
 * port point into a copy the caller frees).  0, or -1 with *cause.
 */
static int
hepin_parse_spec(const char *spec, int *tcp, char **copy, const char **host,
    const char **port, char **cause)
{
	char *s, *colon, *end;
	long n;

	if (strncmp(spec, "udp:", 4) == 0)
		*tcp = 0;
	else if (strncmp(spec, "tcp:", 4) == 0)
		*tcp = 1;
	else
		goto bad;
	*copy = s = xstrdup(spec + 4);
	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL || end[1] != ':')
			goto bad_free;
		*end = '\0';
		*host = s + 1;
		colon = end + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			goto bad_free;
		*colon = '\0';
		*host = s;
	}
	*port = colon + 1;
	errno = 0;
	n = strtol(*port, &end, 10);
	if ((*host)[0] == '\0' || *end != '\0' || end == *port || errno != 0 ||
	    n < 1 || n > 65535)
		goto bad_free;
	return 0;
bad_free:
	free(*copy);
	*copy = NULL;
bad:
	*cause = hepin_cause("--hep-listen %s: give udp:ADDR:PORT or "
	    "tcp:ADDR:PORT (an IPv6 ADDR in brackets)", spec);
	return -1;
}

/* Ask for a receive buffer that holds a sender's burst. */
static void
hepin_grow_rcvbuf(int fd)
{
	int size = HEPIN_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
}

/* The bound socket of the spec; -1 with *cause. */
static int
hepin_bind(const char *spec, int tcp, const char *host, const char *port,
    char **cause)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, on = 1, rc, err = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		*cause = hepin_cause("--hep-listen %s: %s", spec,
		    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		if (tcp)
			(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
			    sizeof on);
		else
			hepin_grow_rcvbuf(fd);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    (!tcp || listen(fd, HEPIN_BACKLOG) == 0))
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		*cause = hepin_cause("--hep-listen %s: cannot listen: %s", spec,
		    strerror(err));
	return fd;
}

struct hepin *
hepin_open(const char *spec, const char *key, char **cause)
{
	struct hepin *h;
	const char *host, *port;
	char *copy;
	int tcp, fd;

	if (hepin_parse_spec(spec, &tcp, &copy, &host, &port, cause) != 0)
		return NULL;
	fd = hepin_bind(spec, tcp, host, port, cause);
	free(copy);
	if (fd < 0)
		return NULL;
	h = xcalloc(1, sizeof *h);
	h->spec = xstrdup(spec);
	h->tcp = tcp;
	h->fd = fd;
	if (key != NULL && key[0] != '\0') {
		h->key = xstrdup(key);
		h->key_len = strlen(key);
	}
	h->frames = hepframe_new();
	h->stats.enabled = 1;
	return h;
}

size_t
hepin_pollfds(const struct hepin *h, struct pollfd *fds)
{
	size_t i;

	fds[0].fd = h->fd;
	fds[0].events = POLLIN;
	fds[0].revents = 0;
	for (i = 0; i < h->n_clients; i++) {
		fds[1 + i].fd = h->clients[i]->fd;
		fds[1 + i].events = POLLIN;
		fds[1 + i].revents = 0;
	}
	return 1 + h->n_clients;
}

/* Whether m carries the key this listener wants (any, without one). */
static int
hepin_authorised(const struct hepin *h, const struct hep_msg *m)
{
	if (h->key == NULL)
		return 1;
	return m->auth_key_len == h->key_len &&
	    memcmp(m->auth_key, h->key, h->key_len) == 0;
}

/* Move the clock's reference to a newer packet time (see the top). */
static void
hepin_set_clock(struct hepin *h, int64_t ts_us)
{
	if (h->have_clock && ts_us <= h->newest_us)
		return;
	h->newest_us = ts_us;
	h->offset_us = wall_us() - ts_us;
	h->have_clock = 1;
}

/* One HEP packet of len bytes: count it, check it, hand its frame on. */
static void
hepin_packet(struct hepin *h, const uint8_t *p, size_t len,
    hepin_frame_fn *fn, void *arg)
{
	struct hep_msg m;
	enum hep_result r;
	const uint8_t *ip;
	size_t ip_len;

	h->stats.packets++;
	h->stats.bytes += len;
	if ((r = hep_decode(p, len, &m)) != HEP_OK) {
		h->stats.refused[r]++;
		return;
	}
	if (!hepin_authorised(h, &m)) {
		h->stats.auth_failed++;
		return;
	}
	switch (hepframe_build(h->frames, &m, &ip, &ip_len)) {
	case HEPFRAME_OK:
		break;
	case HEPFRAME_NOT_ANALYSED:
		h->stats.not_analysed++;
		return;
	case HEPFRAME_INFLATE_FAILED:
		h->stats.inflate_failed++;
		return;
	}
	h->stats.analysed++;
	hepin_set_clock(h, m.ts_us);
	fn(arg, m.ts_us, ip, ip_len);
}

/* Datagrams waiting on the UDP socket, a batch of them. */
static void
hepin_read_udp(struct hepin *h, hepin_frame_fn *fn, void *arg)
{
	ssize_t n;
	int i;

	for (i = 0; i < HEPIN_BATCH; i++) {
		/* One byte more than a packet can be: a longer one shows. */
		n = recv(h->fd, h->dgram, sizeof h->dgram, MSG_TRUNC);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				h->stats.receive_errors++;
			return;
		}
		if ((size_t)n > HEP_MAX_LEN) {
			/* Longer than a HEP length can say. */
			h->stats.packets++;
			h->stats.bytes += (uint64_t)n;
			h->stats.refused[HEP_BAD_LENGTH]++;
			continue;
		}
		hepin_packet(h, h->dgram, (size_t)n, fn, arg);
	}
}

/* A new TCP client, or one too many (closed at once). */
static void
hepin_accept(struct hepin *h)
{
	struct hepin_client *c;
	int fd;

	if ((fd = accept4(h->fd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED)
			h->stats.receive_errors++;
		return;
	}
	if (h->n_clients == HEPIN_MAX_CLIENTS) {
		h->stats.connections_refused++;
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->fd = fd;
	h->clients[h->n_clients++] = c;
	h->stats.connections++;
}

/*
 * The whole packets at the start of a client's buffer, handed on; the
 * rest moved to its start.  -1 when the bytes are not HEPv3.
 */
static int
hepin_frame_client(struct hepin *h, struct hepin_client *c,
    hepin_frame_fn *fn, void *arg)
{
	size_t at = 0;
	long len;

	while (at < c->used) {
		len = hep_frame_length(c->buf + at, c->used - at);
		if (len < 0)
			return -1;
		if (len == 0 || (size_t)len > c->used - at)
			break;
		hepin_packet(h, c->buf + at, (size_t)len, fn, arg);
		at += (size_t)len;
	}
	memmove(c->buf, c->buf + at, c->used - at);
	c->used -= at;
	return 0;
}

/* Read what a client sent; 0, or -1 when it is to be closed. */
static int
hepin_read_client(struct hepin *h, struct hepin_client *c,
    hepin_frame_fn *fn, void *arg)
{
	ssize_t n;
	int i;

	for (i = 0; i < HEPIN_BATCH; i++) {
		/* The buffer holds one packet at most: the rest waits. */
		n = recv(c->fd, c->buf + c->used, sizeof c->buf - c->used, 0);
		if (n == 0)
			return -1;
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return 0;
			h->stats.receive_errors++;
			return -1;
		}
		c->used += (size_t)n;
		if (hepin_frame_client(h, c, fn, arg) != 0) {
			h->stats.streams_bad++;
			return -1;
		}
	}
	return 0;
}

/* Close client i; the last takes its place. */
static void
hepin_drop_client(struct hepin *h, size_t i)
{
	close(h->clients[i]->fd);
	free(h->clients[i]);
	h->clients[i] = h->clients[--h->n_clients];
	h->clients[h->n_clients] = NULL;
}

void
hepin_service(struct hepin *h, const struct pollfd *fds, size_t n,
    hepin_frame_fn *fn, void *arg)
{
	size_t i, k;

	if (n == 0)
		return;
	if (fds[0].revents != 0) {
		if (h->tcp)
			hepin_accept(h);
		else
			hepin_read_udp(h, fn, arg);
	}
	/*
	 * Clients by descriptor: a close moves the last client to its slot,
	 * so look each descriptor up rather than trust the order.
	 */
	for (k = 1; k < n; k++) {
		if (fds[k].revents == 0)
			continue;
		for (i = 0; i < h->n_clients; i++)
			if (h->clients[i]->fd == fds[k].fd)
				break;
		if (i < h->n_clients &&
		    hepin_read_client(h, h->clients[i], fn, arg) != 0)
			hepin_drop_client(h, i);
	}
}

int
hepin_now(const struct hepin *h, int64_t wall, int64_t *now_us)
{
	if (!h->have_clock)
		return -1;
	*now_us = wall - h->offset_us;
	return 0;
}

void
hepin_figures(const struct hepin *h, struct snap_hep *out)
{
	*out = h->stats;
}

const char *
hepin_spec(const struct hepin *h)
{
	return h->spec;
}

void
hepin_close(struct hepin *h)
{
	if (h == NULL)
		return;
	while (h->n_clients > 0)
		hepin_drop_client(h, h->n_clients - 1);
	close(h->fd);
	hepframe_free(h->frames);
	free(h->key);
	free(h->spec);
	free(h);
}
