/*
 * The threads of a run: one capture thread decodes frames and shards what
 * they carry over lock-free rings to N workers, each with its own analyzer;
 * the thread that calls pipeline_run gathers what the workers report.
 * A file and a live interface go through the same path.
 */
#ifndef VQ_PIPELINE_H
#define VQ_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "metrics/snapshot.h"
#include "probe/analysis/analyzer.h"
#include "probe/pipeline/capture.h"
#include "probe/pipeline/sink.h"

struct pipeline_config {
	int			workers;	/* 0: pipeline_default_workers() */
	struct analyzer_config	analysis;
	int			realtime;	/* pace a file by its timestamps */
	uint32_t		snaplen;	/* cut a file's frames; 0: as is */
	size_t			ring_bytes;	/* per worker; 0: by the capture */
	int			live_view;	/* workers publish what they
						   hold, once a second, for
						   pipeline_view */
	int			keep_results;	/* the calls and streams, for
						   pipeline_view and
						   pipeline_snapshot */
	pipeline_tap_fn		*tap;		/* NULL: none */
	void			*tap_arg;
};

struct pipeline;

/* One worker per core but one, for the capture thread; at least one. */
int		 pipeline_default_workers(void);
void		 pipeline_config_default(struct pipeline_config *);
/* A pipeline reading cap (which it does not own). */
struct pipeline	*pipeline_new(const struct pipeline_config *, struct capture *);
void		 pipeline_free(struct pipeline *);
/*
 * Before pipeline_run, PIPELINE_MAX_SINKS at most; each sink is called in
 * the order added.
 */
void		 pipeline_add_sink(struct pipeline *,
		    const struct pipeline_sink *);
/*
 * Run until the capture ends or pipeline_stop: start the threads, gather
 * in this one (calling poll, if not NULL, about every 100 ms), and join
 * them.  Returns 0, or -1 with *cause when the capture stopped on an
 * error (what came before it was analysed).
 */
int		 pipeline_run(struct pipeline *, pipeline_poll_fn *poll,
		    void *arg, char **cause);
/*
 * With keep_results, before pipeline_run: what the pipeline keeps of the
 * ended calls is trimmed by prune (in the aggregator's thread, every so
 * many calls) to what the view will show, so that it stays bounded
 * however many calls go by.  Without, every call is kept.
 */
void		 pipeline_set_prune(struct pipeline *, pipeline_prune_fn *prune,
		    void *arg);
/*
 * From poll, with live_view: every call and stream as the workers last
 * published them (ended ones included), and the capture's figures.
 */
void		 pipeline_view(struct pipeline *, struct snapshot *,
		    struct pipeline_progress *);
/* Stop the capture; safe in a signal handler and from any thread. */
void		 pipeline_stop(struct pipeline *);
/*
 * After pipeline_run: the capture's figures and applications, and with
 * keep_results every call and stream kept (see pipeline_set_prune), in
 * first-seen order (without it, none: the sinks have had them).
 */
void		 pipeline_snapshot(struct pipeline *, struct snapshot *);
/* After pipeline_run: the capture's totals at its end. */
void		 pipeline_totals(struct pipeline *, struct snap_counters *);

#endif /* VQ_PIPELINE_H */
