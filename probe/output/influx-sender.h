/*
 * The InfluxDB exporter's thread (probe/output/influx.c): it does all the
 * I/O, delivering what the memory queue holds over HTTP
 * (probe/output/influx-http.h), retrying while the server fails, and
 * keeping in the spool what memory cannot hold or what is left at the
 * stop.
 */
#ifndef VQ_INFLUX_SENDER_H
#define VQ_INFLUX_SENDER_H

#include <stddef.h>

#include "probe/output/influx-queue.h"
#include "probe/output/influx.h"

struct influx_sender;

/*
 * A sender of what queue holds, to the server cfg names (both must
 * outlive it); with cfg's spool_dir, it opens the spool and adopts what a
 * previous run left there, to send first.  Returns NULL with *cause set
 * (free it), which never contains a credential.
 */
struct influx_sender *influx_sender_new(const struct influx_config *cfg,
		    struct influx_queue *queue, char **cause);
/* Start the thread; -1 with *cause when it cannot be. */
int		 influx_sender_start(struct influx_sender *, char **cause);
/* From any thread: the queue has news (see influx_queue_write). */
void		 influx_sender_wakeup(struct influx_sender *);
/* The exporter's counters, the queue's included; from any thread. */
void		 influx_sender_stats(struct influx_sender *,
		    struct influx_stats *);
/* As influx_stop. */
size_t		 influx_sender_stop(struct influx_sender *, int timeout_ms);
/* Stop (at once) if still running, and free (NULL is fine). */
void		 influx_sender_free(struct influx_sender *);

#endif /* VQ_INFLUX_SENDER_H */
