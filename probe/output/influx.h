/*
 * The InfluxDB exporter's transport: batches of line protocol delivered over
 * HTTP(S) by a thread of its own, retried while the server fails, and kept
 * in a bounded disk spool (probe/output/spool.c) when memory runs out or the
 * program stops.
 *
 * Delivery follows the status code: 2xx delivered; 400 and 422 rejected
 * (the server stored the good lines: never retried, counted, logged); 413
 * split in halves and resent; 401, 403 and 404 kept and retried with
 * backoff; 429, 5xx and connection errors retried with backoff, honouring
 * Retry-After.  A batch is deleted from the spool only once delivered or
 * rejected, and the spool is replayed oldest first before newer data.
 */
#ifndef VQ_INFLUX_H
#define VQ_INFLUX_H

#include <stddef.h>
#include <stdint.h>

struct influx;

struct influx_config {
	const char	*url;		/* base, e.g. http://127.0.0.1:8086 */
	const char	*db, *rp;	/* v1: /write?db=&rp=&precision=ms */
	const char	*bucket, *org;	/* v2: /api/v2/write?org=&bucket=&precision=ms */
	/* From the environment or the config file, never the command line. */
	const char	*user, *password, *token;
	const char	*ca_file;	/* NULL: the system's CAs */
	int		 insecure;	/* 1: no TLS peer or host verification */
	int		 gzip;		/* Content-Encoding: gzip bodies */
	size_t		 batch_lines;	/* lines per request at most */
	size_t		 batch_bytes;	/* bytes per request, about */
	int		 flush_ms;	/* send a partial batch after this long */
	/*
	 * Memory queue; beyond it, the oldest batches go to the spool through
	 * a hand-over list bounded the same (when the disk cannot keep up, its
	 * oldest are dropped and counted): memory stays under about twice this.
	 */
	size_t		 queue_max_bytes;
	const char	*spool_dir;	/* NULL: no spool (overflow is dropped) */
	uint64_t	 spool_max_bytes;
	int		 retry_min_ms;	/* first backoff ceiling */
	int		 retry_max_ms;	/* backoff ceiling */
	int		 connect_timeout_ms;
	int		 request_timeout_ms; /* a whole request */
};

enum influx_state {
	INFLUX_OK,		/* delivering */
	INFLUX_RETRYING,	/* the server fails; data waits in memory */
	INFLUX_SPOOLING,	/* the spool holds data (outage, or replay) */
	INFLUX_AUTH_FAILED	/* 401 or 403: credentials refused */
};

struct influx_stats {
	uint64_t	lines_sent;	/* acknowledged with 2xx */
	uint64_t	lines_dropped;	/* rejected, and lost for want of room */
	uint64_t	lines_rejected;	/* 400/422, and single lines 413 refused */
	uint64_t	batches_sent;
	uint64_t	write_errors;	/* requests that did not get a 2xx */
	uint64_t	retries;	/* requests sent after a failed one */
	uint64_t	queue_bytes;	/* waiting in memory */
	uint64_t	spool_bytes;	/* waiting on disk */
	uint64_t	spool_files;
	uint64_t	spool_dropped_bytes; /* deleted by the spool's bound */
	uint64_t	spool_write_errors;
	int		last_status;	/* last HTTP status; 0 none or no answer */
	int		state;		/* enum influx_state */
};

/* Defaults: gzip on, 5000 lines or 1 MiB a batch, flush after 1 s. */
void		 influx_config_default(struct influx_config *);
/*
 * Fill the credentials left NULL from VQPROBE_INFLUX_TOKEN,
 * VQPROBE_INFLUX_USER and VQPROBE_INFLUX_PASSWORD.
 */
void		 influx_config_from_env(struct influx_config *);
/*
 * Check the configuration and the URL (http or https, no credentials in
 * it), open the spool and adopt what a previous run left there (it is sent
 * first), and start the exporter's thread.  The configuration's strings are
 * copied.  Returns NULL with *cause set (free it) when something is wrong;
 * the cause never contains a credential.
 */
struct influx	*influx_start(const struct influx_config *, char **cause);
/*
 * Queue complete lines (LF-terminated; a missing final LF is added) for
 * delivery.  From one producer thread only.  Never waits for the network or
 * the disk: when the memory queue is full, its oldest batches are handed to
 * the exporter's thread for the spool (or dropped and counted without one).
 */
void		 influx_write(struct influx *, const char *lines, size_t len);
/* A consistent copy of the counters; from any thread. */
void		 influx_stats(struct influx *, struct influx_stats *);
const char	*influx_state_name(int state);
/*
 * Stop: send what can be sent within timeout_ms (the spool's backlog
 * included), then put whatever is left in the spool, and join the thread.
 * Returns the number of lines neither delivered nor spooled at the stop
 * (0 is success).  influx_stats() still works afterwards.
 */
size_t		 influx_stop(struct influx *, int timeout_ms);
/* Free an exporter after influx_stop() (NULL is fine). */
void		 influx_free(struct influx *);

#endif /* VQ_INFLUX_H */
