/*
 * HEP out's socket and queue (see hep-out-send.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "probe/output/backoff.h"
#include "probe/output/hep-out-send.h"
#include "probe/vqprobe.h"

/* A TCP connection that has not come up in this long is given up. */
#define HEP_CONNECT_TIMEOUT_MS	5000

/* One encoded packet waiting. */
struct hep_packet {
	struct hep_packet	*next;
	size_t			 len;
	uint8_t			 data[];
};

enum hep_conn {
	HEP_DOWN,		/* no socket; the next try at retry_at_ms */
	HEP_CONNECTING,		/* TCP: a connect() in flight */
	HEP_UP
};

struct hep_sender {
	struct hep_sender_config cfg;
	int			 fd;
	enum hep_conn		 conn;
	int64_t			 retry_at_ms;
	int64_t			 connect_deadline_ms;
	int			 attempt;	/* failures in a row */
	uint64_t		 rng;
	struct hep_packet	*head, *tail;
	size_t			 head_off;	/* TCP: bytes of head written */
	struct hep_sender_stats	 st;
};

int
hep_target_parse(const char *url, struct hep_target *t, char **cause)
{
	struct addrinfo hints, *res;
	const char *host, *port, *end;
	char hostbuf[256];
	char *num_end;
	size_t host_len;
	long num;
	int rc;

	memset(t, 0, sizeof(*t));
	snprintf(t->text, sizeof(t->text), "%s", url);
	if (strncmp(url, "udp:", 4) == 0)
		t->transport = HEP_UDP;
	else if (strncmp(url, "tcp:", 4) == 0)
		t->transport = HEP_TCP;
	else {
		*cause = xasprintf("--hep %s: give udp:HOST:PORT or "
		    "tcp:HOST:PORT", url);
		return -1;
	}
	host = url + 4;
	/* An IPv6 literal goes in brackets: tcp:[::1]:9060. */
	if (*host == '[') {
		if ((end = strchr(host, ']')) == NULL || end[1] != ':') {
			*cause = xasprintf("--hep %s: an IPv6 address goes "
			    "in brackets, then :PORT", url);
			return -1;
		}
		host++;
		host_len = (size_t)(end - host);
		port = end + 2;
	} else {
		if ((end = strrchr(host, ':')) == NULL) {
			*cause = xasprintf("--hep %s: no port (HOST:PORT)",
			    url);
			return -1;
		}
		host_len = (size_t)(end - host);
		port = end + 1;
	}
	errno = 0;
	num = strtol(port, &num_end, 10);
	if (*port == '\0' || *num_end != '\0' || errno != 0 || num < 1 ||
	    num > 65535) {
		*cause = xasprintf("--hep %s: the port must be a number from "
		    "1 to 65535", url);
		return -1;
	}
	if (host_len == 0 || host_len >= sizeof(hostbuf)) {
		*cause = xasprintf("--hep %s: no host", url);
		return -1;
	}
	memcpy(hostbuf, host, host_len);
	hostbuf[host_len] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = t->transport == HEP_TCP ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
	if ((rc = getaddrinfo(hostbuf, port, &hints, &res)) != 0) {
		*cause = xasprintf("--hep %s: %s: %s", url, hostbuf,
		    gai_strerror(rc));
		return -1;
	}
	memcpy(&t->addr, res->ai_addr, res->ai_addrlen);
	t->addr_len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

struct hep_sender *
hep_sender_new(const struct hep_sender_config *cfg)
{
	struct hep_sender *s = xcalloc(1, sizeof(*s));

	s->cfg = *cfg;
	s->fd = -1;
	s->conn = HEP_DOWN;
	backoff_seed(&s->rng);
	return s;
}

/* Drop the socket; a TCP one is tried again after a backoff. */
static void
sender_close(struct hep_sender *s, int failed)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->conn = HEP_DOWN;
	/* The collector threw away what it had of a half-written packet. */
	s->head_off = 0;
	s->st.connected = 0;
	if (failed) {
		s->st.connect_failures++;
		s->attempt++;
		s->retry_at_ms = mono_us() / 1000 + backoff_delay_ms(&s->rng,
		    s->attempt, s->cfg.retry_min_ms, s->cfg.retry_max_ms);
	}
}

void
hep_sender_free(struct hep_sender *s)
{
	struct hep_packet *p;

	if (s == NULL)
		return;
	if (s->fd >= 0)
		close(s->fd);
	while ((p = s->head) != NULL) {
		s->head = p->next;
		free(p);
	}
	free(s);
}

int
hep_sender_queue(struct hep_sender *s, const uint8_t *pkt, size_t len)
{
	struct hep_packet *p;

	if (s->st.queue_bytes + len > s->cfg.queue_max_bytes) {
		s->st.dropped_queue_full++;
		return -1;
	}
	p = xcalloc(1, sizeof(*p) + len);
	p->len = len;
	memcpy(p->data, pkt, len);
	if (s->tail != NULL)
		s->tail->next = p;
	else
		s->head = p;
	s->tail = p;
	s->st.queue_packets++;
	s->st.queue_bytes += len;
	return 0;
}

/* The head packet is done with, sent or not. */
static void
pop_head(struct hep_sender *s, int sent)
{
	struct hep_packet *p = s->head;

	s->head = p->next;
	if (s->head == NULL)
		s->tail = NULL;
	s->head_off = 0;
	s->st.queue_packets--;
	s->st.queue_bytes -= p->len;
	if (sent) {
		s->st.packets_sent++;
		s->st.bytes_sent += p->len;
	}
	free(p);
}

/* Open the socket and start connecting; a failure waits for the backoff. */
static void
sender_open(struct hep_sender *s)
{
	const struct hep_target *t = &s->cfg.target;
	int type = t->transport == HEP_TCP ? SOCK_STREAM : SOCK_DGRAM;

	s->fd = socket(t->addr.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (s->fd < 0) {
		sender_close(s, 1);
		return;
	}
	/*
	 * UDP connects too: send() then needs no address, and the kernel
	 * reports a port nobody listens on as an error to count.
	 */
	if (connect(s->fd, (const struct sockaddr *)&t->addr,
	    t->addr_len) == 0) {
		s->conn = HEP_UP;
		s->st.connected = 1;
		s->attempt = 0;
		if (t->transport == HEP_TCP)
			s->st.connects++;
		return;
	}
	if (errno == EINPROGRESS) {
		s->conn = HEP_CONNECTING;
		s->connect_deadline_ms = mono_us() / 1000 +
		    HEP_CONNECT_TIMEOUT_MS;
		return;
	}
	sender_close(s, 1);
}

/* A connect() in flight finished (writable): did it work? */
static void
connect_done(struct hep_sender *s)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 ||
	    err != 0) {
		sender_close(s, 1);
		return;
	}
	s->conn = HEP_UP;
	s->st.connected = 1;
	s->st.connects++;
	s->attempt = 0;
}

/*
 * UDP: an error the kernel learnt after a send (the collector's port is
 * closed): take it, so that poll stops reporting it, and count it.
 */
static void
udp_error(struct hep_sender *s)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
	    err != 0)
		s->st.send_errors++;
}

/* UDP: each packet one datagram, sent once. */
static void
write_udp(struct hep_sender *s)
{
	ssize_t n;

	while (s->head != NULL) {
		n = send(s->fd, s->head->data, s->head->len, MSG_DONTWAIT);
		/*
		 * Refused: the collector's host refused an earlier datagram
		 * (ICMP), and this send only reported it.  Count that one,
		 * and send this one now that the error is taken.
		 */
		if (n < 0 && errno == ECONNREFUSED) {
			s->st.send_errors++;
			n = send(s->fd, s->head->data, s->head->len,
			    MSG_DONTWAIT);
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			return;
		if (n < 0)
			s->st.send_errors++;
		pop_head(s, n >= 0);
	}
}

/* TCP: as much as the socket takes; a failed write drops the connection. */
static void
write_tcp(struct hep_sender *s)
{
	ssize_t n;

	while (s->head != NULL) {
		n = send(s->fd, s->head->data + s->head_off,
		    s->head->len - s->head_off, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			return;
		if (n < 0) {
			sender_close(s, 1);
			return;
		}
		s->head_off += (size_t)n;
		if (s->head_off == s->head->len)
			pop_head(s, 1);
	}
}

/*
 * TCP: the collector sends nothing back, so a readable socket means it
 * closed the connection (or reset it).
 */
static void
check_closed(struct hep_sender *s)
{
	uint8_t buf[256];
	ssize_t n;

	while ((n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		;
	if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR))
		sender_close(s, 1);
}

void
hep_sender_poll(struct hep_sender *s, int wait_ms)
{
	int tcp = s->cfg.target.transport == HEP_TCP;
	int64_t now = mono_us() / 1000;
	struct pollfd pfd;

	if (s->conn == HEP_DOWN) {
		if (now < s->retry_at_ms) {
			/* Nothing to do on a socket: sleep the caller's wait. */
			if (wait_ms > 0) {
				int64_t left = s->retry_at_ms - now;

				poll(NULL, 0, left < wait_ms ? (int)left :
				    wait_ms);
			}
			return;
		}
		sender_open(s);
		if (s->conn == HEP_DOWN)
			return;
	}
	pfd.fd = s->fd;
	pfd.events = tcp ? POLLIN : 0;
	if (s->conn == HEP_CONNECTING || s->head != NULL)
		pfd.events |= POLLOUT;
	pfd.revents = 0;
	/* With nothing asked, this is the caller's sleep (errors still end it). */
	if (poll(&pfd, 1, wait_ms) < 0)
		pfd.revents = 0;
	if (!tcp && (pfd.revents & POLLERR))
		udp_error(s);
	if (s->conn == HEP_CONNECTING) {
		if (pfd.revents & (POLLOUT | POLLERR | POLLHUP))
			connect_done(s);
		else if (mono_us() / 1000 >= s->connect_deadline_ms)
			sender_close(s, 1);
		if (s->conn != HEP_UP)
			return;
	}
	if (tcp && (pfd.revents & (POLLIN | POLLERR | POLLHUP))) {
		check_closed(s);
		if (s->conn != HEP_UP)
			return;
	}
	if (tcp)
		write_tcp(s);
	else
		write_udp(s);
}

void
hep_sender_retry_now(struct hep_sender *s)
{
	s->retry_at_ms = mono_us() / 1000;
}

int
hep_sender_idle(const struct hep_sender *s)
{
	return s->head == NULL;
}

void
hep_sender_stats(const struct hep_sender *s, struct hep_sender_stats *st)
{
	*st = s->st;
}
