/*
 * HEP out's delivery (see hep-out.h): one socket to the collector and a
 * queue of encoded HEP packets bounded in bytes, both owned by the HEP
 * thread alone, so nothing here locks.
 *
 * TCP, the transport to prefer (a collector under load loses datagrams):
 * the connection is made without blocking, and lost or refused
 * connections are retried with exponential backoff and full jitter;
 * packets wait in the queue meanwhile, and once it is full new ones are
 * dropped and counted.  A packet half written when the connection went is
 * sent again whole on the next one (the collector threw the half away
 * with the connection).  UDP: each packet is one datagram, sent once; an
 * error is counted and the packet dropped, and so is each refusal the
 * collector's host sends back (no one listens on the port).
 */
#ifndef VQ_HEP_OUT_SEND_H
#define VQ_HEP_OUT_SEND_H

#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

enum hep_transport {
	HEP_UDP,
	HEP_TCP
};

/* Where HEP goes: --hep udp:HOST:PORT or tcp:HOST:PORT, resolved. */
struct hep_target {
	enum hep_transport	 transport;
	struct sockaddr_storage	 addr;
	socklen_t		 addr_len;
	char			 text[300];	/* as given, for messages */
};

/*
 * Parse and resolve url.  Returns 0, or -1 with *cause (free it): an
 * unknown scheme, no port or a bad one, a host that does not resolve.
 */
int		 hep_target_parse(const char *url, struct hep_target *,
		    char **cause);

struct hep_sender_config {
	struct hep_target	 target;
	size_t			 queue_max_bytes;
	int			 retry_min_ms;	/* first backoff ceiling */
	int			 retry_max_ms;	/* backoff ceiling */
};

/* What the sender has done; the HEP thread publishes a copy. */
struct hep_sender_stats {
	uint64_t	 packets_sent;	/* written whole to the socket */
	uint64_t	 bytes_sent;
	uint64_t	 dropped_queue_full;	/* no room: the server is slow
						   or gone */
	uint64_t	 send_errors;	/* UDP: datagrams refused, by the
					   kernel or by the collector's host
					   (ICMP, reported later) */
	uint64_t	 connects;	/* TCP connections made */
	uint64_t	 connect_failures;	/* refused, timed out, lost */
	uint64_t	 queue_packets;	/* waiting now */
	uint64_t	 queue_bytes;
	int		 connected;	/* TCP: now; UDP: always 1 */
};

struct hep_sender;

struct hep_sender *hep_sender_new(const struct hep_sender_config *);
void		 hep_sender_free(struct hep_sender *);
/*
 * Queue one encoded packet of len bytes (copied).  Returns 0, or -1 when
 * the queue has no room for it (counted as dropped_queue_full).
 */
int		 hep_sender_queue(struct hep_sender *, const uint8_t *pkt,
		    size_t len);
/*
 * Move data: connect when it is time, write what the socket takes, notice
 * a connection the collector closed.  Waits at most wait_ms (0: not at
 * all) for the socket when there is something to do on it.
 */
void		 hep_sender_poll(struct hep_sender *, int wait_ms);
/* Stopping: a TCP reconnect waiting for its backoff is tried now. */
void		 hep_sender_retry_now(struct hep_sender *);
/* Whether nothing waits to be sent. */
int		 hep_sender_idle(const struct hep_sender *);
void		 hep_sender_stats(const struct hep_sender *,
		    struct hep_sender_stats *);

#endif /* VQ_HEP_OUT_SEND_H */
