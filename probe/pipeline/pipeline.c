/*
 * The pipeline (see pipeline.h):
 *
 *   capture thread ──ring──▶ worker 0 ──ring──▶ ┐
 *   (decode, shard) ──ring──▶ worker 1 ──ring──▶ ├ aggregator (caller)
 *                   ──ring──▶ worker N ──ring──▶ ┘
 *
 * Each stage is a file with its own state: the capture thread
 * (capthread.c: decoding, and how a call's SIP and media are sharded to
 * one worker), the workers (worker.c) and the aggregator (aggregator.c);
 * the records between them are in wire.h.  This file makes the rings,
 * starts the threads and joins them.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe/pipeline/aggregator.h"
#include "probe/pipeline/capthread.h"
#include "probe/pipeline/pipeline.h"
#include "probe/pipeline/ring.h"
#include "probe/pipeline/worker.h"
#include "probe/vqprobe.h"

/*
 * Default ring between the capture thread and one worker: live, room for
 * a burst (50 000 records of RTP) while the worker is busy.  A file is
 * read no faster than the worker takes it (the capture thread waits for
 * room, nothing is dropped), so its ring need only smooth the two
 * threads' pace: a quarter does, and its pages cost a quarter of the
 * start-up (4 ms of a run's 12 on the 2-core machines measured).
 */
#define RING_BYTES	(16u << 20)
#define FILE_RING_BYTES	(4u << 20)
/*
 * Ring from one worker to the aggregator: pointers to parts, 256 of them
 * (16 bytes a record).  What waits there is memory that comes and goes
 * with the aggregator's lag: a part is a call or a stream, 2 to 3 kB
 * with its snapshot.  Measured on 100 000 calls with the reorder's
 * REORDER_IN_MEMORY: 4 096 parts and 8 192 results made the peak 20 to
 * 35 MB higher than 1 024 and 2 048 at the same speed.  On the 2-core
 * machines, where the aggregator shares a core, 1 024 parts filled now
 * and then, 2 MB more than usual (a tenth of a long run's peak); 256
 * bound that to under 1 MB at the same speed, once the aggregator is
 * woken for a few parts rather than for each (RING_BELL_MIN in ring.c).
 */
#define OUT_RING_BYTES	(4u << 10)

struct pipeline {
	struct pipeline_config	 cfg;
	int			 n_workers;
	struct ring		**to_workers;
	struct ring		**from_workers;
	struct worker		**workers;
	struct capthread	*capture;
	struct aggregator	*aggregator;
};

int
pipeline_default_workers(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (cores <= 2)
		return 1;
	return cores - 1 > 16 ? 16 : (int)(cores - 1);
}

void
pipeline_config_default(struct pipeline_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	analyzer_config_default(&cfg->analysis);
	cfg->ring_bytes = 0;	/* by the capture: see pipeline_new */
}

struct pipeline *
pipeline_new(const struct pipeline_config *cfg, struct capture *cap)
{
	struct capthread_config ccfg;
	struct pipeline *pl;
	size_t n;
	int i;

	pl = xcalloc(1, sizeof(*pl));
	pl->cfg = *cfg;
	if (pl->cfg.workers <= 0)
		pl->cfg.workers = pipeline_default_workers();
	if (pl->cfg.ring_bytes == 0)
		pl->cfg.ring_bytes = capture_is_live(cap) ? RING_BYTES :
		    FILE_RING_BYTES;
	pl->n_workers = pl->cfg.workers;
	n = (size_t)pl->n_workers;
	/* The live view merges what ended with what the workers hold. */
	if (pl->cfg.live_view)
		pl->cfg.keep_results = 1;
	memset(&ccfg, 0, sizeof(ccfg));
	ccfg.realtime = pl->cfg.realtime;
	ccfg.snaplen = pl->cfg.snaplen;
	ccfg.dpi = pl->cfg.analysis.dpi;
	ccfg.max_calls = pl->cfg.analysis.max_calls;
	ccfg.tap = pl->cfg.tap;
	ccfg.tap_arg = pl->cfg.tap_arg;
	/* The limits are the probe's: each worker gets its share. */
	pl->cfg.analysis.max_calls = (pl->cfg.analysis.max_calls + n - 1) / n;
	pl->cfg.analysis.max_streams = (pl->cfg.analysis.max_streams + n - 1) /
	    n;
	pl->to_workers = xcalloc(n, sizeof(*pl->to_workers));
	pl->from_workers = xcalloc(n, sizeof(*pl->from_workers));
	pl->workers = xcalloc(n, sizeof(*pl->workers));
	for (i = 0; i < pl->n_workers; i++) {
		if ((pl->to_workers[i] = ring_new(pl->cfg.ring_bytes)) == NULL ||
		    (pl->from_workers[i] = ring_new(OUT_RING_BYTES)) == NULL)
			fatal("out of memory");
		pl->workers[i] = worker_new(&pl->cfg.analysis,
		    pl->to_workers[i], pl->from_workers[i], pl->cfg.live_view);
	}
	pl->capture = capthread_new(&ccfg, cap, pl->to_workers, pl->n_workers);
	pl->aggregator = aggregator_new(pl->from_workers, pl->n_workers,
	    pl->cfg.keep_results, pl->cfg.analysis.dpi);
	return pl;
}

void
pipeline_add_sink(struct pipeline *pl, const struct pipeline_sink *sink)
{
	aggregator_add_sink(pl->aggregator, sink);
}

void
pipeline_free(struct pipeline *pl)
{
	int i;

	if (pl == NULL)
		return;
	for (i = 0; i < pl->n_workers; i++) {
		worker_free(pl->workers[i]);
		ring_free(pl->to_workers[i]);
		ring_free(pl->from_workers[i]);
	}
	free(pl->workers);
	free(pl->to_workers);
	free(pl->from_workers);
	aggregator_free(pl->aggregator);
	capthread_free(pl->capture);
	free(pl);
}

void
pipeline_stop(struct pipeline *pl)
{
	capthread_stop(pl->capture);
}

int
pipeline_run(struct pipeline *pl, pipeline_poll_fn *poll, void *arg,
    char **cause)
{
	sigset_t block, old;
	int i, ordered, msgs, rows, rc;

	ordered = aggregator_prepare(pl->aggregator);
	/*
	 * The threads started here take no signals: they come to this one,
	 * whose handler calls pipeline_stop.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	msgs = aggregator_wants_msgs(pl->aggregator);
	rows = aggregator_wants_rows(pl->aggregator);
	for (i = 0; i < pl->n_workers; i++)
		worker_start(pl->workers[i], msgs, rows, ordered);
	capthread_start(pl->capture, ordered);
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	aggregator_run(pl->aggregator, poll, arg);
	rc = capthread_join(pl->capture, cause);
	for (i = 0; i < pl->n_workers; i++)
		worker_join(pl->workers[i]);
	return rc;
}

void
pipeline_set_prune(struct pipeline *pl, pipeline_prune_fn *prune, void *arg)
{
	aggregator_set_prune(pl->aggregator, prune, arg);
}

void
pipeline_view(struct pipeline *pl, struct snapshot *out,
    struct pipeline_progress *pr)
{
	aggregator_view(pl->aggregator, out);
	capthread_progress(pl->capture, &pr->capture_us, &pr->capture);
	out->capture.packets = pr->capture.packets;
	out->capture.bytes = pr->capture.bytes;
	out->capture.kernel_drops = pr->capture.kernel_drops;
	out->capture.probe_drops = pr->capture.probe_drops;
}

void
pipeline_snapshot(struct pipeline *pl, struct snapshot *out)
{
	aggregator_snapshot(pl->aggregator, out);
	capthread_figures(pl->capture, &out->capture);
}

void
pipeline_totals(struct pipeline *pl, struct snap_counters *c)
{
	capthread_totals(pl->capture, c);
}
