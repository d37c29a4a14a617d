/*
 * The exporter's thread (see influx-sender.h).
 *
 * It loops around influx_http_wait(): it writes the queue's overflow to
 * the spool, picks the next batch (the spool's oldest first, then the
 * memory queue, then the open batch once flush_ms old), sends it and
 * classifies the answer.  The producer's influx_sender_wakeup interrupts
 * the wait, so the thread writes overflow to disk while a request is in
 * flight and a slow server never stalls it.
 *
 * Order: a batch is taken from memory only when the spool and the overflow
 * list are empty, so what is on disk is always older than what is in
 * memory, and the batch being delivered is older than both.  That is why a
 * batch put back at the stop goes in front of the spool.
 */
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics/lineproto.h"
#include "probe/output/backoff.h"
#include "probe/output/influx-http.h"
#include "probe/output/influx-sender.h"
#include "probe/output/spool.h"
#include "probe/vqprobe.h"

#define INFLUX_LOG_EVERY_MS	60000	/* one message per kind per minute */
#define INFLUX_RETRY_AFTER_MAX_MS 300000
#define INFLUX_POLL_MAX_MS	1000

/* At most one message of a kind per INFLUX_LOG_EVERY_MS. */
struct ratelimit {
	int64_t		 next_ms;
	unsigned	 held;		/* messages held back since */
};

struct influx_sender {
	/* Set by influx_sender_new, read-only afterwards. */
	const struct influx_config *cfg;	/* the exporter's */
	struct influx_queue	*queue;		/* shared with the producer */
	struct influx_http	*http;
	pthread_t		 thread;
	int			 started;

	pthread_mutex_t		 mu;
	/* Under mu: the stop's request, and what influx_stats shows. */
	int			 stopping;
	int64_t			 stop_deadline_ms;
	struct influx_stats	 st;	/* lines_dropped: the thread's part */
	struct spool_stats	 spst;	/* the spool's, as last seen */
	int			 failing;	/* the last request failed */
	int			 auth_failed;	/* ... with 401 or 403 */

	/* The thread's alone. */
	struct spool		*spool;
	struct influx_batches	 pend;	/* pieces of the batch being delivered */
	uint64_t		 pend_origin;	/* its spool file, 0: from memory */
	int			 pend_partial;	/* a piece of it was done with */
	uint64_t		 pend_drops_at_take; /* spool evictions when taken */
	int			 attempt;	/* failures in a row */
	int64_t			 retry_at_ms;
	uint64_t		 rng;
	struct ratelimit	 rl_reject, rl_auth, rl_retry, rl_spool, rl_drop;
	size_t			 lost_at_stop;
};

/* Whether a message of this kind may be shown now; *held says how many were not. */
static int
ratelimit_pass(struct ratelimit *rl, int64_t now, unsigned *held)
{
	if (now < rl->next_ms) {
		rl->held++;
		return 0;
	}
	*held = rl->held;
	rl->held = 0;
	rl->next_ms = now + INFLUX_LOG_EVERY_MS;
	return 1;
}

/* Log, at most once a minute per kind, with the count held back. */
static void __attribute__((format(printf, 2, 3)))
sender_log(struct ratelimit *rl, const char *fmt, ...)
{
	char msg[1024];
	unsigned held;
	va_list ap;

	if (!ratelimit_pass(rl, mono_us() / 1000, &held))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (held > 0)
		warnx_vq("influx: %s (%u more like it not shown)", msg, held);
	else
		warnx_vq("influx: %s", msg);
}

/* Copy the spool's counters where influx_stats() can see them. */
static void
publish_spool(struct influx_sender *s)
{
	struct spool_stats spst;

	if (s->spool == NULL)
		return;
	spool_get_stats(s->spool, &spst);
	pthread_mutex_lock(&s->mu);
	s->spst = spst;
	pthread_mutex_unlock(&s->mu);
}

/* Count lines lost by the thread itself. */
static void
count_dropped(struct influx_sender *s, uint64_t lines)
{
	pthread_mutex_lock(&s->mu);
	s->st.lines_dropped += lines;
	pthread_mutex_unlock(&s->mu);
}

/* Store a batch in the spool, or count its lines lost; 0 when stored. */
static int
spool_batch(struct influx_sender *s, struct influx_batch *b, int front)
{
	char *cause = NULL;
	int rc;

	if (s->spool == NULL)
		return -1;
	if (front)
		rc = spool_push_front(s->spool, b->data, b->len, b->nlines,
		    &cause);
	else
		rc = spool_push(s->spool, b->data, b->len, b->nlines, &cause);
	if (rc == -1) {
		sender_log(&s->rl_spool, "%s", cause);
		free(cause);
	}
	return rc;
}

/* Write the queue's overflow to the spool, oldest first. */
static void
drain_overflow(struct influx_sender *s)
{
	struct influx_batches todo;
	struct influx_batch *b;
	uint64_t unlogged;

	todo = influx_queue_take_overflow(s->queue, &unlogged);
	if (unlogged > 0)
		sender_log(&s->rl_drop, "memory queue full: %" PRIu64
		    " lines dropped%s", unlogged, s->spool == NULL ?
		    " (no spool)" : " (the spool cannot keep up)");
	if (todo.head == NULL)
		return;
	while ((b = influx_batches_pop(&todo)) != NULL) {
		/* A failed write is counted by the spool. */
		(void)spool_batch(s, b, 0);
		influx_batch_free(b);
	}
	publish_spool(s);
}

/* Whether the spool dropped newer data since the batch being delivered was taken. */
static int
pend_stale(struct influx_sender *s)
{
	struct spool_stats spst;

	if (s->spool == NULL || s->pend.head == NULL)
		return 0;
	spool_get_stats(s->spool, &spst);
	return spst.dropped_files > s->pend_drops_at_take;
}

/*
 * Give up the batch being delivered: the spool's bound dropped newer data
 * while it waited, and it is older still.
 */
static void
drop_pend(struct influx_sender *s)
{
	uint64_t lines = influx_batches_lines(&s->pend);

	influx_batches_free(&s->pend);
	if (s->pend_origin != 0)
		spool_remove(s->spool, s->pend_origin);
	s->pend_origin = 0;
	count_dropped(s, lines);
	sender_log(&s->rl_spool, "spool full: dropped the oldest batch "
	    "(%" PRIu64 " lines) while the server was failing", lines);
	publish_spool(s);
}

/* Take the next batch to deliver into pend: the spool's oldest, then memory. */
static void
take_next(struct influx_sender *s, int64_t now, int stopping)
{
	struct spool_stats spst;
	char *cause = NULL, *data;
	uint64_t seq;
	size_t len;
	struct influx_batch *b;
	int rc;

	if (s->spool != NULL && !spool_empty(s->spool)) {
		rc = spool_read_oldest(s->spool, &seq, &data, &len, &cause);
		if (rc == -1) {
			sender_log(&s->rl_spool, "%s", cause);
			free(cause);
			publish_spool(s);
			return;
		}
		b = influx_batch_adopt(data, len, lp_count_lines(data, len));
		influx_batches_push(&s->pend, b);
		s->pend_origin = seq;
		s->pend_partial = 0;
		spool_get_stats(s->spool, &spst);
		s->pend_drops_at_take = spst.dropped_files;
		return;
	}
	if ((b = influx_queue_next(s->queue, now, stopping)) == NULL)
		return;
	influx_batches_push(&s->pend, b);
	s->pend_origin = 0;
	s->pend_partial = 0;
	if (s->spool != NULL) {
		spool_get_stats(s->spool, &spst);
		s->pend_drops_at_take = spst.dropped_files;
	}
}

/* Send the first piece of pend. */
static void
send_pend(struct influx_sender *s)
{
	influx_http_post(s->http, s->pend.head->data, s->pend.head->len);
	if (s->attempt > 0) {
		pthread_mutex_lock(&s->mu);
		s->st.retries++;
		pthread_mutex_unlock(&s->mu);
	}
}

/* Done with the first piece of pend (delivered, rejected or given up). */
static void
piece_done(struct influx_sender *s)
{
	influx_batch_free(influx_batches_pop(&s->pend));
	s->pend_partial = 1;
	if (s->pend.head == NULL && s->pend_origin != 0) {
		spool_remove(s->spool, s->pend_origin);
		s->pend_origin = 0;
		publish_spool(s);
	}
}

/* Wait before the next try: exponential with full jitter, or Retry-After. */
static void
backoff(struct influx_sender *s, int64_t now, long retry_after_s)
{
	int64_t delay;

	delay = backoff_delay_ms(&s->rng, s->attempt, s->cfg->retry_min_ms,
	    s->cfg->retry_max_ms);
	if (retry_after_s > 0) {
		delay = (int64_t)retry_after_s * 1000;
		if (delay > INFLUX_RETRY_AFTER_MAX_MS)
			delay = INFLUX_RETRY_AFTER_MAX_MS;
	}
	s->retry_at_ms = now + delay;
}

/* The answer to a request: count it and decide what becomes of the piece. */
/*
 * The head batch is settled, delivered or refused for good (sending it
 * again would not help): count it, and the server is answering.
 */
static void
head_settled(struct influx_sender *s, int delivered, uint64_t nlines,
    int64_t now)
{
	pthread_mutex_lock(&s->mu);
	if (delivered) {
		s->st.lines_sent += nlines;
		s->st.batches_sent++;
	} else {
		s->st.lines_rejected += nlines;
		s->st.lines_dropped += nlines;
	}
	s->failing = s->auth_failed = 0;
	pthread_mutex_unlock(&s->mu);
	s->attempt = 0;
	s->retry_at_ms = now;
	piece_done(s);
}

static void
finish(struct influx_sender *s, const struct influx_http_result *res)
{
	char shown[INFLUX_SHOW_MAX + 8];
	long status = res->status;
	int64_t now = mono_us() / 1000;
	uint64_t nlines = s->pend.head->nlines;

	pthread_mutex_lock(&s->mu);
	s->st.last_status = (int)status;
	if (status < 200 || status > 299)
		s->st.write_errors++;
	pthread_mutex_unlock(&s->mu);

	if (status >= 200 && status <= 299) {
		head_settled(s, 1, nlines, now);
		return;
	}
	if (status == 400 || status == 422 || (status == 413 &&
	    nlines <= 1)) {
		/* The good lines are stored: sending again would duplicate them. */
		influx_http_said(s->http, shown, sizeof(shown));
		sender_log(&s->rl_reject, "server rejected %" PRIu64
		    " line%s (HTTP %ld): %s", nlines, nlines == 1 ? "" : "s",
		    status, shown[0] != '\0' ? shown : "no reason given");
		head_settled(s, 0, nlines, now);
		return;
	}
	if (status == 413) {
		influx_batches_split_head(&s->pend);
		s->retry_at_ms = now;
		return;
	}

	s->attempt++;
	backoff(s, now, status == 429 || status >= 500 ?
	    res->retry_after_s : 0);
	pthread_mutex_lock(&s->mu);
	s->failing = 1;
	s->auth_failed = status == 401 || status == 403;
	pthread_mutex_unlock(&s->mu);
	influx_http_said(s->http, shown, sizeof(shown));
	if (!res->answered)
		sender_log(&s->rl_retry, "cannot deliver: %s; retrying",
		    shown);
	else if (status == 401 || status == 403 || status == 404)
		sender_log(&s->rl_auth, "HTTP %ld (%s): %s; data kept, "
		    "retrying", status, status == 404 ?
		    "database or bucket missing" : "credentials refused",
		    shown[0] != '\0' ? shown : "no reason given");
	else
		sender_log(&s->rl_retry, "HTTP %ld: %s; retrying",
		    status, shown[0] != '\0' ? shown : "no reason given");
}

/* Let the request move on, and take its answer when it is done. */
static void
pump(struct influx_sender *s)
{
	struct influx_http_result res;

	if (influx_http_pump(s->http, &res))
		finish(s, &res);
}

/* Whether nothing is left to deliver anywhere. */
static int
idle(struct influx_sender *s)
{
	if (s->pend.head != NULL || influx_http_busy(s->http) ||
	    (s->spool != NULL && !spool_empty(s->spool)))
		return 0;
	return influx_queue_empty(s->queue);
}

/* How long the loop may wait for sockets or a wakeup. */
static int
wait_ms(struct influx_sender *s, int64_t now, int stopping, int64_t deadline)
{
	int64_t wait = INFLUX_POLL_MAX_MS;
	int busy = influx_http_busy(s->http);

	if (stopping && deadline - now < wait)
		wait = deadline - now;
	if (!busy && s->pend.head != NULL && s->retry_at_ms - now < wait)
		wait = s->retry_at_ms - now;
	if (!busy && s->pend.head == NULL)
		wait = influx_queue_wait_ms(s->queue, now, wait);
	return wait < 0 ? 0 : (int)wait;
}

/*
 * At the stop: abandon a request in flight; put the overflow, the queue and
 * the open batch in the spool, then the batch being delivered back in front
 * of them, unless the bound dropped newer data meanwhile (it is older
 * still).  Count what finds no place.
 */
static void
put_away(struct influx_sender *s)
{
	struct influx_batches rest;
	struct influx_batch *b, *all;
	char *cause = NULL;
	size_t lost = 0;

	influx_http_abort(s->http);
	rest = influx_queue_take_all(s->queue);
	while ((b = influx_batches_pop(&rest)) != NULL) {
		if (spool_batch(s, b, 0) == -1)
			lost += b->nlines;
		influx_batch_free(b);
	}

	if (s->pend.head != NULL && pend_stale(s)) {
		lost += influx_batches_lines(&s->pend);
		drop_pend(s);
	}
	if (s->pend.head != NULL) {
		/* One body for what is left of the batch. */
		all = influx_batches_join(&s->pend);
		influx_batches_free(&s->pend);
		if (s->pend_origin != 0) {
			/* Still on disk; rewritten only if part of it went. */
			if (s->pend_partial && spool_replace(s->spool,
			    s->pend_origin, all->data, all->len, all->nlines,
			    &cause) == -1) {
				sender_log(&s->rl_spool, "%s", cause);
				free(cause);
			}
		} else if (spool_batch(s, all, 1) == -1) {
			lost += all->nlines;
		}
		influx_batch_free(all);
	}
	publish_spool(s);
	/* Without a spool the loss is ours to count; with one, the spool counts. */
	if (s->spool == NULL)
		count_dropped(s, lost);
	s->lost_at_stop = lost;
}

/* The exporter thread. */
static void *
sender_main(void *arg)
{
	struct influx_sender *s = arg;
	int64_t now, deadline;
	int stopping, stop_seen = 0;

	for (;;) {
		drain_overflow(s);
		now = mono_us() / 1000;
		pthread_mutex_lock(&s->mu);
		stopping = s->stopping;
		deadline = s->stop_deadline_ms;
		pthread_mutex_unlock(&s->mu);
		if (stopping && now >= deadline)
			break;
		/*
		 * A backoff set during an outage can run past the stop's
		 * deadline (it grows to retry_max_ms): try once at once, so
		 * that a server back by now gets the data, not the spool or
		 * nobody.  Once only: a failure here backs off as usual.
		 */
		if (stopping && !stop_seen) {
			stop_seen = 1;
			if (s->retry_at_ms > now)
				s->retry_at_ms = now;
		}
		if (!influx_http_busy(s->http)) {
			if (s->pend.head == NULL)
				take_next(s, now, stopping);
			if (s->pend.head != NULL && s->attempt > 0 &&
			    pend_stale(s))
				drop_pend(s);
			if (s->pend.head != NULL && now >= s->retry_at_ms) {
				send_pend(s);
				pump(s);
				/* Answered already: go round for the next one. */
				if (!influx_http_busy(s->http))
					continue;
			} else if (stopping && idle(s)) {
				break;
			}
		}
		influx_http_wait(s->http, wait_ms(s, now, stopping, deadline));
		if (influx_http_busy(s->http))
			pump(s);
	}
	put_away(s);
	return NULL;
}

struct influx_sender *
influx_sender_new(const struct influx_config *cfg, struct influx_queue *queue,
    char **cause)
{
	struct influx_sender *s;

	s = xcalloc(1, sizeof(*s));
	s->cfg = cfg;
	s->queue = queue;
	pthread_mutex_init(&s->mu, NULL);
	backoff_seed(&s->rng);
	if ((s->http = influx_http_new(cfg, cause)) == NULL)
		goto fail;
	if (cfg->spool_dir != NULL) {
		s->spool = spool_open(cfg->spool_dir, cfg->spool_max_bytes,
		    cause);
		if (s->spool == NULL)
			goto fail;
		spool_get_stats(s->spool, &s->spst);
	}
	return s;

fail:
	influx_sender_free(s);
	return NULL;
}

int
influx_sender_start(struct influx_sender *s, char **cause)
{
	sigset_t all, old;
	int rc;

	/* The thread takes no signal: they stay the main thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->thread, NULL, sender_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		*cause = xasprintf("cannot start the exporter thread: %s",
		    strerror(rc));
		return -1;
	}
	s->started = 1;
	return 0;
}

void
influx_sender_wakeup(struct influx_sender *s)
{
	influx_http_wakeup(s->http);
}

void
influx_sender_stats(struct influx_sender *s, struct influx_stats *out)
{
	uint64_t queue_dropped;
	int overflowing;

	/* Both locks, this one first, for one consistent copy. */
	pthread_mutex_lock(&s->mu);
	*out = s->st;
	influx_queue_stats(s->queue, &out->queue_bytes, &queue_dropped,
	    &overflowing);
	out->spool_bytes = s->spst.bytes;
	out->spool_files = s->spst.files;
	out->spool_dropped_bytes = s->spst.dropped_bytes;
	out->spool_write_errors = s->spst.write_errors;
	out->lines_dropped += queue_dropped + s->spst.dropped_lines +
	    s->spst.write_failed_lines;
	if (s->auth_failed)
		out->state = INFLUX_AUTH_FAILED;
	else if (s->spst.bytes > 0 || overflowing)
		out->state = INFLUX_SPOOLING;
	else if (s->failing)
		out->state = INFLUX_RETRYING;
	else
		out->state = INFLUX_OK;
	pthread_mutex_unlock(&s->mu);
}

size_t
influx_sender_stop(struct influx_sender *s, int timeout_ms)
{
	if (s == NULL || !s->started)
		return 0;
	pthread_mutex_lock(&s->mu);
	s->stopping = 1;
	s->stop_deadline_ms = mono_us() / 1000 +
	    (timeout_ms > 0 ? timeout_ms : 0);
	pthread_mutex_unlock(&s->mu);
	influx_http_wakeup(s->http);
	pthread_join(s->thread, NULL);
	s->started = 0;
	return s->lost_at_stop;
}

void
influx_sender_free(struct influx_sender *s)
{
	if (s == NULL)
		return;
	if (s->started)
		(void)influx_sender_stop(s, 0);
	influx_batches_free(&s->pend);
	spool_close(s->spool);
	influx_http_free(s->http);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
