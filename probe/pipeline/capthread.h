/*
 * The capture thread: reads the capture, decodes each frame, and shards
 * what the frames carry over one ring per worker, with the ticks and marks
 * that tell the workers how far the capture has gone (the records are in
 * probe/pipeline/wire.h).
 */
#ifndef VQ_CAPTHREAD_H
#define VQ_CAPTHREAD_H

#include <stddef.h>
#include <stdint.h>

#include "metrics/snapshot.h"
#include "probe/pipeline/capture.h"
#include "probe/pipeline/ring.h"
#include "probe/pipeline/sink.h"

struct capthread_config {
	int		 realtime;	/* pace a file by its timestamps */
	uint32_t	 snaplen;	/* cut a file's frames; 0: as is */
	int		 dpi;		/* IP packets nothing was delivered of
					   go to a worker too, for nDPI */
	size_t		 max_calls;	/* the probe's: bounds the routes */
	pipeline_tap_fn	*tap;		/* sees every payload; NULL: none */
	void		*tap_arg;
};

struct capthread;

/* A capture thread reading cap into n rings, one per worker (not owned). */
struct capthread *capthread_new(const struct capthread_config *,
		    struct capture *cap, struct ring *const *to_workers, int n);
void		 capthread_free(struct capthread *);
/*
 * Start the thread.  marks: a sink wants results in order, so tell the
 * workers how far the capture has read between ticks too.
 */
void		 capthread_start(struct capthread *, int marks);
/* Stop the capture; safe in a signal handler and from any thread. */
void		 capthread_stop(struct capthread *);
/*
 * Wait for the thread to end.  Returns 0, or -1 with *cause when the
 * capture stopped on an error.
 */
int		 capthread_join(struct capthread *, char **cause);
/*
 * While it runs: the capture time reached, and the packets, bytes and
 * drops so far (the other counters 0), for display.
 */
void		 capthread_progress(struct capthread *, int64_t *capture_us,
		    struct snap_counters *);
/* After the join: the capture's totals at its end. */
void		 capthread_totals(struct capthread *, struct snap_counters *);
/*
 * After the join: the capture thread's figures into a report's (its
 * truncated and malformed counts added to what is there, by protocol).
 */
void		 capthread_figures(struct capthread *, struct snap_capture *);

#endif /* VQ_CAPTHREAD_H */
