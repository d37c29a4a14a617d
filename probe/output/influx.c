/*
 * The InfluxDB exporter's transport, in four parts, each with its own
 * state:
 *
 * - the memory queue (influx-queue.c): the producer (influx_write) fills
 *   an open batch and seals it at batch_lines or batch_bytes into a queue
 *   bounded by queue_max_bytes; beyond the bound the oldest sealed batches
 *   move to an overflow list.  That costs a memcpy under the queue's
 *   mutex: the producer never touches the network or the disk;
 * - the exporter's thread (influx-sender.c), which does all the I/O: the
 *   overflow to the spool, the next batch to the server, the answer
 *   classified, retries and backoff, and what is left into the spool at
 *   the stop;
 * - the HTTP side (influx-http.c): the URL, the libcurl handles, the
 *   gzip, and the server's answers made fit to log;
 * - the batches themselves (influx-batch.c).
 *
 * This file holds the configuration and ties the parts together.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/output/influx-queue.h"
#include "probe/output/influx-sender.h"
#include "probe/output/influx.h"
#include "probe/vqprobe.h"

struct influx {
	struct influx_config	 cfg;	/* strings are our copies */
	struct influx_queue	*queue;
	struct influx_sender	*sender;
};

void
influx_config_default(struct influx_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->gzip = 1;
	cfg->batch_lines = 5000;
	cfg->batch_bytes = 1024 * 1024;
	cfg->flush_ms = 1000;
	cfg->queue_max_bytes = 16 * 1024 * 1024;
	cfg->spool_max_bytes = UINT64_C(256) * 1024 * 1024;
	cfg->retry_min_ms = 250;
	cfg->retry_max_ms = 30000;
	cfg->connect_timeout_ms = 5000;
	cfg->request_timeout_ms = 30000;
}

/* A non-empty environment variable, or NULL. */
static const char *
env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

void
influx_config_from_env(struct influx_config *cfg)
{
	if (cfg->token == NULL)
		cfg->token = env_nonempty("VQPROBE_INFLUX_TOKEN");
	if (cfg->user == NULL)
		cfg->user = env_nonempty("VQPROBE_INFLUX_USER");
	if (cfg->password == NULL)
		cfg->password = env_nonempty("VQPROBE_INFLUX_PASSWORD");
}

const char *
influx_state_name(int state)
{
	switch (state) {
	case INFLUX_OK:
		return "ok";
	case INFLUX_RETRYING:
		return "retrying";
	case INFLUX_SPOOLING:
		return "spooling";
	case INFLUX_AUTH_FAILED:
		return "auth_failed";
	}
	return "unknown";
}

/* A copy of a configuration string, or NULL. */
static const char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Free a configuration string that dup_or_null() made. */
static void
free_const(const char *s)
{
	/* Ours, from xstrdup(): only the configuration's type is const. */
	free((void *)(uintptr_t)s);
}

/* Copy the configuration, with defaults for what is unset. */
static void
influx_copy_config(struct influx *ix, const struct influx_config *in)
{
	struct influx_config *c = &ix->cfg, d;

	influx_config_default(&d);
	*c = *in;
	c->url = dup_or_null(in->url);
	c->db = dup_or_null(in->db);
	c->rp = dup_or_null(in->rp);
	c->bucket = dup_or_null(in->bucket);
	c->org = dup_or_null(in->org);
	c->user = dup_or_null(in->user);
	c->password = dup_or_null(in->password);
	c->token = dup_or_null(in->token);
	c->ca_file = dup_or_null(in->ca_file);
	c->spool_dir = dup_or_null(in->spool_dir);
	if (c->batch_lines == 0)
		c->batch_lines = d.batch_lines;
	if (c->batch_bytes == 0)
		c->batch_bytes = d.batch_bytes;
	if (c->flush_ms <= 0)
		c->flush_ms = d.flush_ms;
	if (c->queue_max_bytes == 0)
		c->queue_max_bytes = d.queue_max_bytes;
	if (c->spool_max_bytes == 0)
		c->spool_max_bytes = d.spool_max_bytes;
	if (c->retry_min_ms <= 0)
		c->retry_min_ms = d.retry_min_ms;
	if (c->retry_max_ms < c->retry_min_ms)
		c->retry_max_ms = c->retry_min_ms;
	if (c->connect_timeout_ms <= 0)
		c->connect_timeout_ms = d.connect_timeout_ms;
	if (c->request_timeout_ms <= 0)
		c->request_timeout_ms = d.request_timeout_ms;
}

struct influx *
influx_start(const struct influx_config *cfg, char **cause)
{
	struct influx_queue_config qcfg;
	struct influx *ix;

	if (cfg->url == NULL || *cfg->url == '\0') {
		*cause = xasprintf("no InfluxDB URL");
		return NULL;
	}
	if ((cfg->db == NULL) == (cfg->bucket == NULL)) {
		*cause = xasprintf("give InfluxDB either a database (v1 "
		    "API) or a bucket and an organisation (v2 API)");
		return NULL;
	}
	ix = xcalloc(1, sizeof(*ix));
	influx_copy_config(ix, cfg);
	memset(&qcfg, 0, sizeof(qcfg));
	qcfg.batch_lines = ix->cfg.batch_lines;
	qcfg.batch_bytes = ix->cfg.batch_bytes;
	qcfg.flush_ms = ix->cfg.flush_ms;
	qcfg.max_bytes = ix->cfg.queue_max_bytes;
	qcfg.spool = ix->cfg.spool_dir != NULL;
	ix->queue = influx_queue_new(&qcfg);
	if ((ix->sender = influx_sender_new(&ix->cfg, ix->queue,
	    cause)) == NULL ||
	    influx_sender_start(ix->sender, cause) == -1) {
		influx_free(ix);
		return NULL;
	}
	return ix;
}

void
influx_write(struct influx *ix, const char *lines, size_t len)
{
	if (influx_queue_write(ix->queue, lines, len))
		influx_sender_wakeup(ix->sender);
}

void
influx_stats(struct influx *ix, struct influx_stats *out)
{
	influx_sender_stats(ix->sender, out);
}

size_t
influx_stop(struct influx *ix, int timeout_ms)
{
	if (ix == NULL)
		return 0;
	return influx_sender_stop(ix->sender, timeout_ms);
}

void
influx_free(struct influx *ix)
{
	if (ix == NULL)
		return;
	/* The thread first: it uses the queue and the configuration. */
	influx_sender_free(ix->sender);
	influx_queue_free(ix->queue);
	free_const(ix->cfg.url);
	free_const(ix->cfg.db);
	free_const(ix->cfg.rp);
	free_const(ix->cfg.bucket);
	free_const(ix->cfg.org);
	free_const(ix->cfg.user);
	free_const(ix->cfg.password);
	free_const(ix->cfg.token);
	free_const(ix->cfg.ca_file);
	free_const(ix->cfg.spool_dir);
	free(ix);
}
