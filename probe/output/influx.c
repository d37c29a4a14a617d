/*
 * The InfluxDB exporter's transport.
 *
 * The producer (influx_write) fills an open batch and seals it at
 * batch_lines or batch_bytes into a memory queue bounded by queue_max_bytes;
 * beyond the bound the oldest sealed batches move to an overflow list.  All
 * of that happens under one mutex and costs a memcpy: the producer never
 * touches the network or the disk.
 *
 * One exporter thread does all the I/O, in a loop around curl_multi_poll():
 * it writes the overflow list to the spool, picks the next batch (the
 * spool's oldest first, then the memory queue, then the open batch once
 * flush_ms old), sends it and classifies the answer.  curl_multi_wakeup()
 * lets the producer interrupt the wait, so the thread writes overflow to
 * disk while a request is in flight and a slow server never stalls it.  The
 * single easy handle stays in one multi handle, whose connection cache keeps
 * the connection alive from request to request.
 *
 * Order: a batch is taken from memory only when the spool and the overflow
 * list are empty, so what is on disk is always older than what is in
 * memory, and the batch being delivered is older than both.  That is why a
 * batch put back at the stop goes in front of the spool.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#define ZLIB_CONST
#include <zlib.h>

#include "config.h"
#include "metrics/lineproto.h"
#include "probe/output/influx.h"
#include "probe/output/spool.h"
#include "probe/vqprobe.h"

#define INFLUX_LOG_EVERY_MS	60000	/* one message per kind per minute */
#define INFLUX_RETRY_AFTER_MAX_MS 300000
#define INFLUX_BODY_KEEP	512	/* bytes of an error answer kept */
#define INFLUX_SHOW_MAX		200	/* bytes of it shown */
#define INFLUX_POLL_MAX_MS	1000

struct batch {
	struct batch	*next;
	char		*data;
	size_t		 len, cap;
	size_t		 nlines;
};

struct batch_list {
	struct batch	*head, *tail;
	uint64_t	 bytes;
};

/* At most one message of a kind per INFLUX_LOG_EVERY_MS. */
struct ratelimit {
	int64_t		 next_ms;
	unsigned	 held;		/* messages held back since */
};

struct influx {
	/* Set by influx_start(), read-only afterwards. */
	struct influx_config cfg;	/* strings are our copies */
	char		*write_url;
	const char	*secrets[3];	/* never shown */
	CURL		*easy;
	CURLM		*multi;
	struct curl_slist *headers;
	pthread_t	 thread;
	int		 started;

	pthread_mutex_t	 mu;
	/* Under mu. */
	struct batch	*open;		/* being filled by the producer */
	int64_t		 open_since_ms;
	struct batch_list queue;	/* sealed, oldest first */
	struct batch_list overflow;	/* for the spool, oldest first */
	int		 stopping;
	int64_t		 stop_deadline_ms;
	struct influx_stats st;		/* lines_dropped: our own part only */
	uint64_t	 dropped_unlogged; /* lost in memory, not yet said */
	struct spool_stats spst;	/* the spool's, as last seen */
	int		 failing;	/* the last request failed */
	int		 auth_failed;	/* ... with 401 or 403 */

	/* The exporter thread's alone. */
	struct spool	*spool;
	struct batch_list pend;		/* pieces of the batch being delivered */
	uint64_t	 pend_origin;	/* its spool file, 0: from memory */
	int		 pend_partial;	/* a piece of it was done with */
	uint64_t	 pend_drops_at_take; /* spool evictions when taken */
	int		 inflight;
	int		 attempt;	/* failures in a row */
	int64_t		 retry_at_ms;
	unsigned char	*gz;
	size_t		 gz_cap;
	char		 answer[INFLUX_BODY_KEEP];
	size_t		 answer_len;
	char		 errbuf[CURL_ERROR_SIZE];
	uint64_t	 rng;
	struct ratelimit rl_reject, rl_auth, rl_retry, rl_spool, rl_drop;
	size_t		 lost_at_stop;
};

static pthread_once_t influx_curl_once = PTHREAD_ONCE_INIT;
static CURLcode influx_curl_init_result;



/* A uniformly random number below n (n > 0); xorshift64*, good enough for jitter. */
static uint64_t
influx_random(struct influx *ix, uint64_t n)
{
	uint64_t x = ix->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	ix->rng = x;
	return (x * UINT64_C(2685821657736338717)) % n;
}

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

/*
 * The length of a credential starting at p, or of the start of one cut off
 * by the end of the text (4 bytes or more), or 0.
 */
static size_t
influx_secret_at(const struct influx *ix, const char *p, size_t left)
{
	size_t k, slen;
	const char *s;

	for (k = 0; k < sizeof(ix->secrets) / sizeof(ix->secrets[0]); k++) {
		if ((s = ix->secrets[k]) == NULL || (slen = strlen(s)) == 0)
			continue;
		if (left >= slen && memcmp(p, s, slen) == 0)
			return slen;
		if (left < slen && left >= 4 && memcmp(p, s, left) == 0)
			return left;
	}
	return 0;
}

/*
 * Make server or library text fit to show: credentials replaced by "***",
 * line breaks and tabs by spaces, any other byte outside printable ASCII by
 * '?', at most INFLUX_SHOW_MAX bytes.
 */
static void
influx_sanitise(const struct influx *ix, const char *in, size_t len, char *out,
    size_t size)
{
	size_t i = 0, o = 0, n;
	unsigned char c;

	if (size == 0)
		return;
	while (i < len && o + 1 < size && o < INFLUX_SHOW_MAX) {
		if ((n = influx_secret_at(ix, in + i, len - i)) > 0) {
			for (i += n, n = 0; n < 3 && o + 1 < size; n++)
				out[o++] = '*';
			continue;
		}
		c = (unsigned char)in[i++];
		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		else if (c < 0x20 || c >= 0x7f)
			c = '?';
		out[o++] = (char)c;
	}
	/* The answer's own final line feed says nothing. */
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

/* A new empty batch. */
static struct batch *
batch_new(size_t cap)
{
	struct batch *b = xcalloc(1, sizeof(*b));

	b->cap = cap > 0 ? cap : 256;
	b->data = xcalloc(1, b->cap);
	return b;
}

/* A batch holding a copy of len bytes of nlines lines. */
static struct batch *
batch_copy(const char *data, size_t len, size_t nlines)
{
	struct batch *b = batch_new(len);

	memcpy(b->data, data, len);
	b->len = len;
	b->nlines = nlines;
	return b;
}

/* Append bytes to a batch, growing it. */
static void
batch_append(struct batch *b, const char *data, size_t len)
{
	size_t ncap;

	if (b->len + len > b->cap) {
		for (ncap = b->cap; ncap < b->len + len; ncap *= 2)
			;
		b->data = xreallocarray(b->data, ncap, 1);
		b->cap = ncap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

/* Free a batch (NULL is fine). */
static void
batch_free(struct batch *b)
{
	if (b == NULL)
		return;
	free(b->data);
	free(b);
}

/* Add a batch at the tail of a list. */
static void
list_push(struct batch_list *l, struct batch *b)
{
	b->next = NULL;
	if (l->tail != NULL)
		l->tail->next = b;
	else
		l->head = b;
	l->tail = b;
	l->bytes += b->len;
}

/* Add a batch at the head of a list. */
static void
list_push_front(struct batch_list *l, struct batch *b)
{
	b->next = l->head;
	l->head = b;
	if (l->tail == NULL)
		l->tail = b;
	l->bytes += b->len;
}

/* Take the head of a list, or NULL. */
static struct batch *
list_pop(struct batch_list *l)
{
	struct batch *b = l->head;

	if (b == NULL)
		return NULL;
	l->head = b->next;
	if (l->head == NULL)
		l->tail = NULL;
	l->bytes -= b->len;
	b->next = NULL;
	return b;
}

/* Move a whole list out (the source is left empty). */
static struct batch_list
list_take_all(struct batch_list *l)
{
	struct batch_list all = *l;

	l->head = l->tail = NULL;
	l->bytes = 0;
	return all;
}

/* Lines in a whole list. */
static uint64_t
list_lines(const struct batch_list *l)
{
	const struct batch *b;
	uint64_t n = 0;

	for (b = l->head; b != NULL; b = b->next)
		n += b->nlines;
	return n;
}

/* Free a whole list. */
static void
list_free(struct batch_list *l)
{
	struct batch *b;

	while ((b = list_pop(l)) != NULL)
		batch_free(b);
}

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
	ix->secrets[0] = c->token;
	ix->secrets[1] = c->password;
	/* A short user name would hide ordinary words; it is no secret anyway. */
	ix->secrets[2] = c->user != NULL && strlen(c->user) >= 4 ? c->user :
	    NULL;
}

/* Append "key=value" to a URL's query, escaping the value; 0 or -1. */
static int
url_add_query(CURLU *u, const char *key, const char *value)
{
	char buf[1024];

	if (snprintf(buf, sizeof(buf), "%s=%s", key, value) >= (int)sizeof(buf))
		return -1;
	return curl_url_set(u, CURLUPART_QUERY, buf,
	    CURLU_APPENDQUERY | CURLU_URLENCODE) == CURLUE_OK ? 0 : -1;
}

/*
 * The write endpoint from the base URL: checked, never shown in a cause
 * (a URL that fails the checks might carry a password).
 */
static char *
influx_write_url(const struct influx_config *c, char **cause)
{
	char *scheme = NULL, *part = NULL, *path = NULL, *url = NULL;
	const char *endpoint;
	CURLU *u;
	size_t n;

	if ((u = curl_url()) == NULL)
		fatal("out of memory");
	if (curl_url_set(u, CURLUPART_URL, c->url, 0) != CURLUE_OK) {
		*cause = xasprintf("bad InfluxDB URL: it must look like "
		    "http://host:8086");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
		*cause = xasprintf("bad InfluxDB URL: only http and https");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PASSWORD, &part, 0) == CURLUE_OK) {
		*cause = xasprintf("the InfluxDB URL must not carry "
		    "credentials: set VQPROBE_INFLUX_USER and "
		    "VQPROBE_INFLUX_PASSWORD, or VQPROBE_INFLUX_TOKEN");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_QUERY, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) == CURLUE_OK) {
		*cause = xasprintf("bad InfluxDB URL: give the base URL, "
		    "without a query");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK) {
		*cause = xasprintf("bad InfluxDB URL");
		goto out;
	}
	/* A base path (a reverse proxy's prefix) is kept. */
	n = strlen(path);
	while (n > 0 && path[n - 1] == '/')
		path[--n] = '\0';
	endpoint = c->bucket != NULL ? "/api/v2/write" : "/write";
	{
		char full[2048];

		if (snprintf(full, sizeof(full), "%s%s", path, endpoint) >=
		    (int)sizeof(full) ||
		    curl_url_set(u, CURLUPART_PATH, full, 0) != CURLUE_OK) {
			*cause = xasprintf("bad InfluxDB URL: path too long");
			goto out;
		}
	}
	if (c->bucket != NULL) {
		if ((c->org != NULL && url_add_query(u, "org", c->org) == -1) ||
		    url_add_query(u, "bucket", c->bucket) == -1)
			goto toolong;
	} else {
		if (url_add_query(u, "db", c->db) == -1 ||
		    (c->rp != NULL && url_add_query(u, "rp", c->rp) == -1))
			goto toolong;
	}
	if (url_add_query(u, "precision", "ms") == -1)
		goto toolong;
	if (curl_url_get(u, CURLUPART_URL, &part, 0) != CURLUE_OK) {
		*cause = xasprintf("bad InfluxDB URL");
		goto out;
	}
	url = xstrdup(part);
	goto out;

toolong:
	*cause = xasprintf("InfluxDB database, bucket or organisation name "
	    "too long");
out:
	curl_free(scheme);
	curl_free(part);
	curl_free(path);
	curl_url_cleanup(u);
	return url;
}

/* Keep the start of the server's answer, for the log. */
static size_t
influx_on_answer(char *data, size_t size, size_t nmemb, void *arg)
{
	struct influx *ix = arg;
	size_t len = size * nmemb, room;

	room = sizeof(ix->answer) - 1 - ix->answer_len;
	if (room > len)
		room = len;
	memcpy(ix->answer + ix->answer_len, data, room);
	ix->answer_len += room;
	ix->answer[ix->answer_len] = '\0';
	return len;
}

/* Set a curl option or say which one failed; for influx_setup_curl(). */
#define SETOPT(opt, val) do {						\
	if (curl_easy_setopt(ix->easy, opt, val) != CURLE_OK) {		\
		*cause = xasprintf("libcurl refuses %s", #opt);	\
		return -1;						\
	}								\
} while (0)

/* The easy handle's options that hold for every request; -1 with *cause. */
static int
influx_setup_curl(struct influx *ix, char **cause)
{
	const struct influx_config *c = &ix->cfg;
	char hdr[1024];

	if ((ix->easy = curl_easy_init()) == NULL ||
	    (ix->multi = curl_multi_init()) == NULL) {
		*cause = xasprintf("libcurl cannot start");
		return -1;
	}
	SETOPT(CURLOPT_URL, ix->write_url);
	SETOPT(CURLOPT_POST, 1L);
	/* Signals are the main thread's business; timeouts work without. */
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, (long)c->connect_timeout_ms);
	SETOPT(CURLOPT_TIMEOUT_MS, (long)c->request_timeout_ms);
	SETOPT(CURLOPT_TCP_KEEPALIVE, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
#else
	SETOPT(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	/* Never follow a redirect: credentials would go with it. */
	SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(CURLOPT_USERAGENT, "vqprobe/" PACKAGE_VERSION);
	SETOPT(CURLOPT_ERRORBUFFER, ix->errbuf);
	SETOPT(CURLOPT_WRITEFUNCTION, influx_on_answer);
	SETOPT(CURLOPT_WRITEDATA, ix);
	SETOPT(CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L);
	if (c->ca_file != NULL)
		SETOPT(CURLOPT_CAINFO, c->ca_file);

	/* Body is line protocol, sent at once: no "Expect: 100-continue". */
	ix->headers = curl_slist_append(ix->headers,
	    "Content-Type: text/plain; charset=utf-8");
	ix->headers = curl_slist_append(ix->headers, "Expect:");
	if (c->gzip)
		ix->headers = curl_slist_append(ix->headers,
		    "Content-Encoding: gzip");
	if (c->token != NULL) {
		if (snprintf(hdr, sizeof(hdr), "Authorization: Token %s",
		    c->token) >= (int)sizeof(hdr)) {
			*cause = xasprintf("VQPROBE_INFLUX_TOKEN is too long");
			return -1;
		}
		ix->headers = curl_slist_append(ix->headers, hdr);
		explicit_bzero(hdr, sizeof(hdr));
	} else if (c->user != NULL) {
		/* Basic auth, never u= and p= in a URL that could be logged. */
		SETOPT(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		SETOPT(CURLOPT_USERNAME, c->user);
		SETOPT(CURLOPT_PASSWORD, c->password != NULL ? c->password :
		    "");
	}
	if (ix->headers == NULL)
		fatal("out of memory");
	SETOPT(CURLOPT_HTTPHEADER, ix->headers);
	return 0;
}

#undef SETOPT

/* curl_global_init() once per process, whoever starts an exporter first. */
static void
influx_curl_init(void)
{
	influx_curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void *influx_main(void *);

struct influx *
influx_start(const struct influx_config *cfg, char **cause)
{
	struct spool_stats spst;
	sigset_t all, old;
	struct influx *ix;
	int rc;

	if (cfg->url == NULL || *cfg->url == '\0') {
		*cause = xasprintf("no InfluxDB URL");
		return NULL;
	}
	if ((cfg->db == NULL) == (cfg->bucket == NULL)) {
		*cause = xasprintf("give InfluxDB either a database (v1 "
		    "API) or a bucket and an organisation (v2 API)");
		return NULL;
	}
	pthread_once(&influx_curl_once, influx_curl_init);
	if (influx_curl_init_result != CURLE_OK) {
		*cause = xasprintf("libcurl cannot start: %s",
		    curl_easy_strerror(influx_curl_init_result));
		return NULL;
	}

	ix = xcalloc(1, sizeof(*ix));
	influx_copy_config(ix, cfg);
	pthread_mutex_init(&ix->mu, NULL);
	ix->rng = (uint64_t)mono_us() * UINT64_C(0x9E3779B97F4A7C15) ^
	    (uint64_t)getpid() ^ (uint64_t)(uintptr_t)ix;
	if (ix->rng == 0)
		ix->rng = 1;
	if ((ix->write_url = influx_write_url(&ix->cfg, cause)) == NULL ||
	    influx_setup_curl(ix, cause) == -1)
		goto fail;
	if (ix->cfg.spool_dir != NULL) {
		ix->spool = spool_open(ix->cfg.spool_dir,
		    ix->cfg.spool_max_bytes, cause);
		if (ix->spool == NULL)
			goto fail;
		spool_get_stats(ix->spool, &spst);
		ix->spst = spst;
	}

	/* The thread takes no signal: they stay the main thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&ix->thread, NULL, influx_main, ix);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		*cause = xasprintf("cannot start the exporter thread: %s",
		    strerror(rc));
		goto fail;
	}
	ix->started = 1;
	return ix;

fail:
	influx_free(ix);
	return NULL;
}

/*
 * Seal the open batch into the queue and keep the queue within its bound:
 * oldest batches to the overflow list (spool) or, without a spool, dropped.
 * Under mu.  Returns 1 when the thread should look at the overflow.
 */
/* What may wait in memory for the spool: 4 queues' worth, 16 MiB at least. */
static size_t
overflow_max(const struct influx *ix)
{
	size_t four = ix->cfg.queue_max_bytes > SIZE_MAX / 4 ? SIZE_MAX :
	    4 * ix->cfg.queue_max_bytes;

	return four > ((size_t)16 << 20) ? four : (size_t)16 << 20;
}

static int
influx_seal(struct influx *ix)
{
	struct batch *b;
	int moved = 0;

	if (ix->open != NULL) {
		list_push(&ix->queue, ix->open);
		ix->open = NULL;
	}
	while (ix->queue.bytes > ix->cfg.queue_max_bytes &&
	    ix->queue.head != NULL) {
		b = list_pop(&ix->queue);
		if (ix->cfg.spool_dir == NULL) {
			ix->st.lines_dropped += b->nlines;
			ix->dropped_unlogged += b->nlines;
			batch_free(b);
			continue;
		}
		list_push(&ix->overflow, b);
		moved = 1;
	}
	/*
	 * The disk not keeping up (an fsync per batch, on a loaded machine):
	 * memory stays bounded, oldest go first.  The bound is generous, so
	 * that a small memory queue does not lose lines to a slow disk during
	 * an outage the spool is there for.
	 */
	while (ix->overflow.bytes > overflow_max(ix) &&
	    ix->overflow.head != ix->overflow.tail) {
		b = list_pop(&ix->overflow);
		ix->st.lines_dropped += b->nlines;
		ix->dropped_unlogged += b->nlines;
		batch_free(b);
	}
	return moved;
}

void
influx_write(struct influx *ix, const char *lines, size_t len)
{
	const char *p = lines, *end = lines + len, *nl;
	size_t linelen;
	int wake = 0;

	pthread_mutex_lock(&ix->mu);
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL)
			linelen = (size_t)(nl - p) + 1;
		else
			linelen = (size_t)(end - p);
		if (ix->open == NULL) {
			ix->open = batch_new(ix->cfg.batch_bytes < 65536 ?
			    ix->cfg.batch_bytes + 256 : 65536);
			ix->open_since_ms = mono_us() / 1000;
			wake = 1;	/* for its flush_ms */
		}
		batch_append(ix->open, p, linelen);
		if (nl == NULL)
			batch_append(ix->open, "\n", 1);
		ix->open->nlines++;
		p += linelen;
		if (ix->open->nlines >= ix->cfg.batch_lines ||
		    ix->open->len >= ix->cfg.batch_bytes) {
			influx_seal(ix);
			wake = 1;
		}
	}
	pthread_mutex_unlock(&ix->mu);
	if (wake)
		curl_multi_wakeup(ix->multi);
}

/* Copy the spool's counters where influx_stats() can see them. */
static void
influx_publish_spool(struct influx *ix)
{
	struct spool_stats spst;

	if (ix->spool == NULL)
		return;
	spool_get_stats(ix->spool, &spst);
	pthread_mutex_lock(&ix->mu);
	ix->spst = spst;
	pthread_mutex_unlock(&ix->mu);
}

void
influx_stats(struct influx *ix, struct influx_stats *out)
{
	pthread_mutex_lock(&ix->mu);
	*out = ix->st;
	out->queue_bytes = ix->queue.bytes + ix->overflow.bytes +
	    (ix->open != NULL ? ix->open->len : 0);
	out->spool_bytes = ix->spst.bytes;
	out->spool_files = ix->spst.files;
	out->spool_dropped_bytes = ix->spst.dropped_bytes;
	out->spool_write_errors = ix->spst.write_errors;
	out->lines_dropped += ix->spst.dropped_lines +
	    ix->spst.write_failed_lines;
	if (ix->auth_failed)
		out->state = INFLUX_AUTH_FAILED;
	else if (ix->spst.bytes > 0 || ix->overflow.head != NULL)
		out->state = INFLUX_SPOOLING;
	else if (ix->failing)
		out->state = INFLUX_RETRYING;
	else
		out->state = INFLUX_OK;
	pthread_mutex_unlock(&ix->mu);
}

/* Log, at most once a minute per kind, with the count held back. */
static void __attribute__((format(printf, 2, 3)))
influx_log(struct ratelimit *rl, const char *fmt, ...)
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

/* Store a batch in the spool, or count its lines lost; 0 when stored. */
static int
influx_spool_batch(struct influx *ix, struct batch *b, int front)
{
	char *cause = NULL;
	int rc;

	if (ix->spool == NULL)
		return -1;
	if (front)
		rc = spool_push_front(ix->spool, b->data, b->len, b->nlines,
		    &cause);
	else
		rc = spool_push(ix->spool, b->data, b->len, b->nlines, &cause);
	if (rc == -1) {
		influx_log(&ix->rl_spool, "%s", cause);
		free(cause);
	}
	return rc;
}

/* Write the overflow list to the spool, oldest first. */
static void
influx_drain_overflow(struct influx *ix)
{
	struct batch_list todo;
	struct batch *b;
	uint64_t unlogged;

	pthread_mutex_lock(&ix->mu);
	todo = list_take_all(&ix->overflow);
	unlogged = ix->dropped_unlogged;
	ix->dropped_unlogged = 0;
	pthread_mutex_unlock(&ix->mu);
	if (unlogged > 0)
		influx_log(&ix->rl_drop, "memory queue full: %" PRIu64
		    " lines dropped%s", unlogged, ix->spool == NULL ?
		    " (no spool)" : " (the spool cannot keep up)");
	if (todo.head == NULL)
		return;
	while ((b = list_pop(&todo)) != NULL) {
		/* A failed write is counted by the spool. */
		(void)influx_spool_batch(ix, b, 0);
		batch_free(b);
	}
	influx_publish_spool(ix);
}

/* Whether the spool dropped newer data since the batch being delivered was taken. */
static int
influx_pend_stale(struct influx *ix)
{
	struct spool_stats spst;

	if (ix->spool == NULL || ix->pend.head == NULL)
		return 0;
	spool_get_stats(ix->spool, &spst);
	return spst.dropped_files > ix->pend_drops_at_take;
}

/*
 * Give up the batch being delivered: the spool's bound dropped newer data
 * while it waited, and it is older still.
 */
static void
influx_drop_pend(struct influx *ix)
{
	uint64_t lines = list_lines(&ix->pend);

	list_free(&ix->pend);
	if (ix->pend_origin != 0)
		spool_remove(ix->spool, ix->pend_origin);
	ix->pend_origin = 0;
	pthread_mutex_lock(&ix->mu);
	ix->st.lines_dropped += lines;
	pthread_mutex_unlock(&ix->mu);
	influx_log(&ix->rl_spool, "spool full: dropped the oldest batch "
	    "(%" PRIu64 " lines) while the server was failing", lines);
	influx_publish_spool(ix);
}

/* Take the next batch to deliver into pend: the spool's oldest, then memory. */
static void
influx_take_next(struct influx *ix, int64_t now, int stopping)
{
	struct spool_stats spst;
	char *cause = NULL, *data;
	uint64_t seq;
	size_t len;
	struct batch *b = NULL;
	int rc;

	if (ix->spool != NULL && !spool_empty(ix->spool)) {
		rc = spool_read_oldest(ix->spool, &seq, &data, &len, &cause);
		if (rc == -1) {
			influx_log(&ix->rl_spool, "%s", cause);
			free(cause);
			influx_publish_spool(ix);
			return;
		}
		b = xcalloc(1, sizeof(*b));
		b->data = data;
		b->len = b->cap = len;
		b->nlines = lp_count_lines(data, len);
		list_push(&ix->pend, b);
		ix->pend_origin = seq;
		ix->pend_partial = 0;
		spool_get_stats(ix->spool, &spst);
		ix->pend_drops_at_take = spst.dropped_files;
		return;
	}
	pthread_mutex_lock(&ix->mu);
	/* Overflow is older than the queue: it goes to the spool first. */
	if (ix->overflow.head == NULL) {
		if (ix->queue.head != NULL)
			b = list_pop(&ix->queue);
		else if (ix->open != NULL && (stopping ||
		    now - ix->open_since_ms >= ix->cfg.flush_ms)) {
			b = ix->open;
			ix->open = NULL;
		}
	}
	pthread_mutex_unlock(&ix->mu);
	if (b == NULL)
		return;
	list_push(&ix->pend, b);
	ix->pend_origin = 0;
	ix->pend_partial = 0;
	if (ix->spool != NULL) {
		spool_get_stats(ix->spool, &spst);
		ix->pend_drops_at_take = spst.dropped_files;
	}
}

/* Compress a body into ix->gz; its length, or 0 when it cannot be done. */
static size_t
influx_gzip(struct influx *ix, const char *data, size_t len)
{
	z_stream zs;
	size_t bound, out;

	if (len > UINT32_MAX / 2)
		return 0;
	memset(&zs, 0, sizeof(zs));
	/* Level 1: line protocol shrinks five- to tenfold even so, for little CPU. */
	if (deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		fatal("zlib: cannot start a gzip stream");
	bound = deflateBound(&zs, (uLong)len);
	if (bound > ix->gz_cap) {
		free(ix->gz);
		ix->gz = xcalloc(1, bound);
		ix->gz_cap = bound;
	}
	zs.next_in = (const Bytef *)data;
	zs.avail_in = (uInt)len;
	zs.next_out = ix->gz;
	zs.avail_out = (uInt)bound;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&zs);
		return 0;
	}
	out = zs.total_out;
	deflateEnd(&zs);
	return out;
}

/* Send the first piece of pend. */
static void
influx_send(struct influx *ix)
{
	struct batch *b = ix->pend.head;
	const char *body = b->data;
	size_t len = b->len, zlen;

	if (ix->cfg.gzip) {
		/* The header says gzip: a body that cannot be compressed is not sent. */
		if ((zlen = influx_gzip(ix, b->data, b->len)) == 0)
			fatal("zlib: cannot compress a batch of %zu bytes",
			    b->len);
		body = (const char *)ix->gz;
		len = zlen;
	}
	curl_easy_setopt(ix->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)len);
	curl_easy_setopt(ix->easy, CURLOPT_POSTFIELDS, body);
	ix->answer_len = 0;
	ix->answer[0] = '\0';
	ix->errbuf[0] = '\0';
	if (curl_multi_add_handle(ix->multi, ix->easy) != CURLM_OK)
		fatal("libcurl: cannot start a request");
	ix->inflight = 1;
	if (ix->attempt > 0) {
		pthread_mutex_lock(&ix->mu);
		ix->st.retries++;
		pthread_mutex_unlock(&ix->mu);
	}
}

/* Done with the first piece of pend (delivered, rejected or given up). */
static void
influx_piece_done(struct influx *ix)
{
	batch_free(list_pop(&ix->pend));
	ix->pend_partial = 1;
	if (ix->pend.head == NULL && ix->pend_origin != 0) {
		spool_remove(ix->spool, ix->pend_origin);
		ix->pend_origin = 0;
		influx_publish_spool(ix);
	}
}

/* Split the first piece of pend in two at the line nearest its middle. */
static void
influx_split(struct influx *ix)
{
	struct batch *b = list_pop(&ix->pend), *first, *second;
	size_t half = b->nlines / 2, i;
	const char *p = b->data;

	for (i = 0; i < half; i++)
		p = (const char *)memchr(p, '\n', (size_t)(b->data + b->len - p)) +
		    1;
	first = batch_copy(b->data, (size_t)(p - b->data), half);
	second = batch_copy(p, b->len - (size_t)(p - b->data),
	    b->nlines - half);
	list_push_front(&ix->pend, second);
	list_push_front(&ix->pend, first);
	batch_free(b);
}

/* Wait before the next try: exponential with full jitter, or Retry-After. */
static void
influx_backoff(struct influx *ix, int64_t now, long retry_after_s)
{
	int64_t ceiling = ix->cfg.retry_min_ms, delay;
	int i;

	for (i = 1; i < ix->attempt && ceiling < ix->cfg.retry_max_ms; i++)
		ceiling *= 2;
	if (ceiling > ix->cfg.retry_max_ms)
		ceiling = ix->cfg.retry_max_ms;
	delay = (int64_t)influx_random(ix, (uint64_t)ceiling + 1);
	if (retry_after_s > 0) {
		delay = (int64_t)retry_after_s * 1000;
		if (delay > INFLUX_RETRY_AFTER_MAX_MS)
			delay = INFLUX_RETRY_AFTER_MAX_MS;
	}
	ix->retry_at_ms = now + delay;
}

/* The answer to a request: count it and decide what becomes of the piece. */
static void
influx_finish(struct influx *ix, CURLcode result)
{
	struct batch *b = ix->pend.head;
	char shown[INFLUX_SHOW_MAX + 8];
	curl_off_t retry_after = 0;
	long status = 0;
	int64_t now = mono_us() / 1000;
	uint64_t nlines = b->nlines;

	curl_multi_remove_handle(ix->multi, ix->easy);
	ix->inflight = 0;
	if (result == CURLE_OK) {
		curl_easy_getinfo(ix->easy, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_getinfo(ix->easy, CURLINFO_RETRY_AFTER, &retry_after);
	}
	pthread_mutex_lock(&ix->mu);
	ix->st.last_status = (int)status;
	if (status < 200 || status > 299)
		ix->st.write_errors++;
	pthread_mutex_unlock(&ix->mu);

	if (status >= 200 && status <= 299) {
		pthread_mutex_lock(&ix->mu);
		ix->st.lines_sent += nlines;
		ix->st.batches_sent++;
		ix->failing = ix->auth_failed = 0;
		pthread_mutex_unlock(&ix->mu);
		ix->attempt = 0;
		ix->retry_at_ms = now;
		influx_piece_done(ix);
		return;
	}
	if (status == 400 || status == 422 || (status == 413 &&
	    nlines <= 1)) {
		/* The good lines are stored: sending again would duplicate them. */
		influx_sanitise(ix, ix->answer, ix->answer_len, shown,
		    sizeof(shown));
		influx_log(&ix->rl_reject, "server rejected %" PRIu64
		    " line%s (HTTP %ld): %s", nlines, nlines == 1 ? "" : "s",
		    status, shown[0] != '\0' ? shown : "no reason given");
		pthread_mutex_lock(&ix->mu);
		ix->st.lines_rejected += nlines;
		ix->st.lines_dropped += nlines;
		ix->failing = ix->auth_failed = 0;
		pthread_mutex_unlock(&ix->mu);
		ix->attempt = 0;
		ix->retry_at_ms = now;
		influx_piece_done(ix);
		return;
	}
	if (status == 413) {
		influx_split(ix);
		ix->retry_at_ms = now;
		return;
	}

	ix->attempt++;
	influx_backoff(ix, now, status == 429 || status >= 500 ?
	    (long)retry_after : 0);
	pthread_mutex_lock(&ix->mu);
	ix->failing = 1;
	ix->auth_failed = status == 401 || status == 403;
	pthread_mutex_unlock(&ix->mu);
	if (result != CURLE_OK) {
		influx_sanitise(ix, ix->errbuf[0] != '\0' ? ix->errbuf :
		    curl_easy_strerror(result), strlen(ix->errbuf[0] != '\0' ?
		    ix->errbuf : curl_easy_strerror(result)), shown,
		    sizeof(shown));
		influx_log(&ix->rl_retry, "cannot deliver: %s; retrying",
		    shown);
	} else if (status == 401 || status == 403 || status == 404) {
		influx_sanitise(ix, ix->answer, ix->answer_len, shown,
		    sizeof(shown));
		influx_log(&ix->rl_auth, "HTTP %ld (%s): %s; data kept, "
		    "retrying", status, status == 404 ?
		    "database or bucket missing" : "credentials refused",
		    shown[0] != '\0' ? shown : "no reason given");
	} else {
		influx_sanitise(ix, ix->answer, ix->answer_len, shown,
		    sizeof(shown));
		influx_log(&ix->rl_retry, "HTTP %ld: %s; retrying",
		    status, shown[0] != '\0' ? shown : "no reason given");
	}
}

/* Whether nothing is left to deliver anywhere. */
static int
influx_idle(struct influx *ix)
{
	int idle;

	if (ix->pend.head != NULL || ix->inflight ||
	    (ix->spool != NULL && !spool_empty(ix->spool)))
		return 0;
	pthread_mutex_lock(&ix->mu);
	idle = ix->queue.head == NULL && ix->overflow.head == NULL &&
	    ix->open == NULL;
	pthread_mutex_unlock(&ix->mu);
	return idle;
}

/* How long the loop may wait for sockets or a wakeup. */
static int
influx_wait_ms(struct influx *ix, int64_t now, int stopping, int64_t deadline)
{
	int64_t wait = INFLUX_POLL_MAX_MS, due;

	if (stopping && deadline - now < wait)
		wait = deadline - now;
	if (!ix->inflight && ix->pend.head != NULL &&
	    ix->retry_at_ms - now < wait)
		wait = ix->retry_at_ms - now;
	if (!ix->inflight && ix->pend.head == NULL) {
		pthread_mutex_lock(&ix->mu);
		if (ix->open != NULL) {
			due = ix->open_since_ms + ix->cfg.flush_ms - now;
			if (due < wait)
				wait = due;
		}
		pthread_mutex_unlock(&ix->mu);
	}
	return wait < 0 ? 0 : (int)wait;
}

/*
 * At the stop: abandon a request in flight; put the overflow, the queue and
 * the open batch in the spool, then the batch being delivered back in front
 * of them, unless the bound dropped newer data meanwhile (it is older
 * still).  Count what finds no place.
 */
static void
influx_put_away(struct influx *ix)
{
	struct batch_list rest, q;
	struct batch *b, *all;
	char *cause = NULL;
	size_t lost = 0;

	if (ix->inflight) {
		curl_multi_remove_handle(ix->multi, ix->easy);
		ix->inflight = 0;
	}
	pthread_mutex_lock(&ix->mu);
	rest = list_take_all(&ix->overflow);
	q = list_take_all(&ix->queue);
	if (ix->open != NULL) {
		list_push(&q, ix->open);
		ix->open = NULL;
	}
	pthread_mutex_unlock(&ix->mu);
	if (q.head != NULL) {
		if (rest.tail != NULL)
			rest.tail->next = q.head;
		else
			rest.head = q.head;
		rest.tail = q.tail;
		rest.bytes += q.bytes;
	}
	while ((b = list_pop(&rest)) != NULL) {
		if (influx_spool_batch(ix, b, 0) == -1)
			lost += b->nlines;
		batch_free(b);
	}

	if (ix->pend.head != NULL && influx_pend_stale(ix)) {
		lost += list_lines(&ix->pend);
		influx_drop_pend(ix);
	}
	if (ix->pend.head != NULL) {
		/* One body for what is left of the batch. */
		all = batch_new(ix->pend.bytes + 1);
		for (b = ix->pend.head; b != NULL; b = b->next) {
			batch_append(all, b->data, b->len);
			all->nlines += b->nlines;
		}
		list_free(&ix->pend);
		if (ix->pend_origin != 0) {
			/* Still on disk; rewritten only if part of it went. */
			if (ix->pend_partial && spool_replace(ix->spool,
			    ix->pend_origin, all->data, all->len, all->nlines,
			    &cause) == -1) {
				influx_log(&ix->rl_spool, "%s", cause);
				free(cause);
			}
		} else if (influx_spool_batch(ix, all, 1) == -1) {
			lost += all->nlines;
		}
		batch_free(all);
	}
	influx_publish_spool(ix);
	pthread_mutex_lock(&ix->mu);
	/* Without a spool the loss is ours to count; with one, the spool counts. */
	if (ix->spool == NULL)
		ix->st.lines_dropped += lost;
	pthread_mutex_unlock(&ix->mu);
	ix->lost_at_stop = lost;
}

/* Let libcurl move the request on, and take its answer when it is done. */
static void
influx_pump(struct influx *ix)
{
	struct CURLMsg *msg;
	int running, left;

	curl_multi_perform(ix->multi, &running);
	/* A quick answer can be complete within this call: look now, not after a wait. */
	while ((msg = curl_multi_info_read(ix->multi, &left)) != NULL)
		if (msg->msg == CURLMSG_DONE)
			influx_finish(ix, msg->data.result);
}

/* The exporter thread. */
static void *
influx_main(void *arg)
{
	struct influx *ix = arg;
	int64_t now, deadline;
	int stopping, stop_seen = 0;

	for (;;) {
		influx_drain_overflow(ix);
		now = mono_us() / 1000;
		pthread_mutex_lock(&ix->mu);
		stopping = ix->stopping;
		deadline = ix->stop_deadline_ms;
		pthread_mutex_unlock(&ix->mu);
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
			if (ix->retry_at_ms > now)
				ix->retry_at_ms = now;
		}
		if (!ix->inflight) {
			if (ix->pend.head == NULL)
				influx_take_next(ix, now, stopping);
			if (ix->pend.head != NULL && ix->attempt > 0 &&
			    influx_pend_stale(ix))
				influx_drop_pend(ix);
			if (ix->pend.head != NULL && now >= ix->retry_at_ms) {
				influx_send(ix);
				influx_pump(ix);
				/* Answered already: go round for the next one. */
				if (!ix->inflight)
					continue;
			} else if (stopping && influx_idle(ix)) {
				break;
			}
		}
		curl_multi_poll(ix->multi, NULL, 0,
		    influx_wait_ms(ix, now, stopping, deadline), NULL);
		if (ix->inflight)
			influx_pump(ix);
	}
	influx_put_away(ix);
	return NULL;
}

size_t
influx_stop(struct influx *ix, int timeout_ms)
{
	if (ix == NULL || !ix->started)
		return 0;
	pthread_mutex_lock(&ix->mu);
	ix->stopping = 1;
	ix->stop_deadline_ms = mono_us() / 1000 +
	    (timeout_ms > 0 ? timeout_ms : 0);
	pthread_mutex_unlock(&ix->mu);
	curl_multi_wakeup(ix->multi);
	pthread_join(ix->thread, NULL);
	ix->started = 0;
	return ix->lost_at_stop;
}

void
influx_free(struct influx *ix)
{
	if (ix == NULL)
		return;
	if (ix->started)
		(void)influx_stop(ix, 0);
	list_free(&ix->queue);
	list_free(&ix->overflow);
	list_free(&ix->pend);
	batch_free(ix->open);
	spool_close(ix->spool);
	if (ix->multi != NULL)
		curl_multi_cleanup(ix->multi);
	if (ix->easy != NULL)
		curl_easy_cleanup(ix->easy);
	curl_slist_free_all(ix->headers);
	free(ix->gz);
	free(ix->write_url);
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
	pthread_mutex_destroy(&ix->mu);
	free(ix);
}
