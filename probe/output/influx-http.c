/*
 * The exporter's HTTP side (see influx-http.h).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#define ZLIB_CONST
#include <zlib.h>

#include "config.h"
#include "probe/output/influx-http.h"
#include "probe/vqprobe.h"

#define INFLUX_BODY_KEEP	512	/* bytes of an error answer kept */

struct influx_http {
	const struct influx_config *cfg;	/* the exporter's */
	const char	*secrets[3];	/* never shown */
	char		*write_url;
	CURL		*easy;
	CURLM		*multi;
	struct curl_slist *headers;
	int		 inflight;
	CURLcode	 result;	/* of the last request */
	char		 answer[INFLUX_BODY_KEEP];
	size_t		 answer_len;
	char		 errbuf[CURL_ERROR_SIZE];
	unsigned char	*gz;
	size_t		 gz_cap;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result;

/*
 * The length of a credential starting at p, or of the start of one cut off
 * by the end of the text (4 bytes or more), or 0.
 */
static size_t
secret_at(const struct influx_http *h, const char *p, size_t left)
{
	size_t k, slen;
	const char *s;

	for (k = 0; k < sizeof(h->secrets) / sizeof(h->secrets[0]); k++) {
		if ((s = h->secrets[k]) == NULL || (slen = strlen(s)) == 0)
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
sanitise(const struct influx_http *h, const char *in, size_t len, char *out,
    size_t size)
{
	size_t i = 0, o = 0, n;
	unsigned char c;

	if (size == 0)
		return;
	while (i < len && o + 1 < size && o < INFLUX_SHOW_MAX) {
		if ((n = secret_at(h, in + i, len - i)) > 0) {
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
write_url(const struct influx_config *c, char **cause)
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
on_answer(char *data, size_t size, size_t nmemb, void *arg)
{
	struct influx_http *h = arg;
	size_t len = size * nmemb, room;

	room = sizeof(h->answer) - 1 - h->answer_len;
	if (room > len)
		room = len;
	memcpy(h->answer + h->answer_len, data, room);
	h->answer_len += room;
	h->answer[h->answer_len] = '\0';
	return len;
}

/* Set a curl option or say which one failed; for setup_curl(). */
#define SETOPT(opt, val) do {						\
	if (curl_easy_setopt(h->easy, opt, val) != CURLE_OK) {		\
		*cause = xasprintf("libcurl refuses %s", #opt);	\
		return -1;						\
	}								\
} while (0)

/* The easy handle's options that hold for every request; -1 with *cause. */
static int
setup_curl(struct influx_http *h, char **cause)
{
	const struct influx_config *c = h->cfg;
	char hdr[1024];

	if ((h->easy = curl_easy_init()) == NULL ||
	    (h->multi = curl_multi_init()) == NULL) {
		*cause = xasprintf("libcurl cannot start");
		return -1;
	}
	SETOPT(CURLOPT_URL, h->write_url);
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
	SETOPT(CURLOPT_ERRORBUFFER, h->errbuf);
	SETOPT(CURLOPT_WRITEFUNCTION, on_answer);
	SETOPT(CURLOPT_WRITEDATA, h);
	SETOPT(CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L);
	if (c->ca_file != NULL)
		SETOPT(CURLOPT_CAINFO, c->ca_file);

	/* Body is line protocol, sent at once: no "Expect: 100-continue". */
	h->headers = curl_slist_append(h->headers,
	    "Content-Type: text/plain; charset=utf-8");
	h->headers = curl_slist_append(h->headers, "Expect:");
	if (c->gzip)
		h->headers = curl_slist_append(h->headers,
		    "Content-Encoding: gzip");
	if (c->token != NULL) {
		if (snprintf(hdr, sizeof(hdr), "Authorization: Token %s",
		    c->token) >= (int)sizeof(hdr)) {
			*cause = xasprintf("VQPROBE_INFLUX_TOKEN is too long");
			return -1;
		}
		h->headers = curl_slist_append(h->headers, hdr);
		explicit_bzero(hdr, sizeof(hdr));
	} else if (c->user != NULL) {
		/* Basic auth, never u= and p= in a URL that could be logged. */
		SETOPT(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		SETOPT(CURLOPT_USERNAME, c->user);
		SETOPT(CURLOPT_PASSWORD, c->password != NULL ? c->password :
		    "");
	}
	if (h->headers == NULL)
		fatal("out of memory");
	SETOPT(CURLOPT_HTTPHEADER, h->headers);
	return 0;
}

#undef SETOPT

/* curl_global_init() once per process, whoever starts an exporter first. */
static void
curl_init(void)
{
	curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct influx_http *
influx_http_new(const struct influx_config *cfg, char **cause)
{
	struct influx_http *h;

	pthread_once(&curl_once, curl_init);
	if (curl_init_result != CURLE_OK) {
		*cause = xasprintf("libcurl cannot start: %s",
		    curl_easy_strerror(curl_init_result));
		return NULL;
	}
	h = xcalloc(1, sizeof(*h));
	h->cfg = cfg;
	h->secrets[0] = cfg->token;
	h->secrets[1] = cfg->password;
	/* A short user name would hide ordinary words; it is no secret anyway. */
	h->secrets[2] = cfg->user != NULL && strlen(cfg->user) >= 4 ?
	    cfg->user : NULL;
	if ((h->write_url = write_url(cfg, cause)) == NULL ||
	    setup_curl(h, cause) == -1) {
		influx_http_free(h);
		return NULL;
	}
	return h;
}

void
influx_http_free(struct influx_http *h)
{
	if (h == NULL)
		return;
	if (h->multi != NULL)
		curl_multi_cleanup(h->multi);
	if (h->easy != NULL)
		curl_easy_cleanup(h->easy);
	curl_slist_free_all(h->headers);
	free(h->gz);
	free(h->write_url);
	free(h);
}

/* Compress a body into h->gz; its length, or 0 when it cannot be done. */
static size_t
gzip_body(struct influx_http *h, const char *data, size_t len)
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
	if (bound > h->gz_cap) {
		free(h->gz);
		h->gz = xcalloc(1, bound);
		h->gz_cap = bound;
	}
	zs.next_in = (const Bytef *)data;
	zs.avail_in = (uInt)len;
	zs.next_out = h->gz;
	zs.avail_out = (uInt)bound;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&zs);
		return 0;
	}
	out = zs.total_out;
	deflateEnd(&zs);
	return out;
}

void
influx_http_post(struct influx_http *h, const char *data, size_t len)
{
	const char *body = data;
	size_t zlen;

	if (h->cfg->gzip) {
		/* The header says gzip: a body that cannot be compressed is not sent. */
		if ((zlen = gzip_body(h, data, len)) == 0)
			fatal("zlib: cannot compress a batch of %zu bytes", len);
		body = (const char *)h->gz;
		len = zlen;
	}
	curl_easy_setopt(h->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)len);
	curl_easy_setopt(h->easy, CURLOPT_POSTFIELDS, body);
	h->answer_len = 0;
	h->answer[0] = '\0';
	h->errbuf[0] = '\0';
	if (curl_multi_add_handle(h->multi, h->easy) != CURLM_OK)
		fatal("libcurl: cannot start a request");
	h->inflight = 1;
}

int
influx_http_busy(const struct influx_http *h)
{
	return h->inflight;
}

int
influx_http_pump(struct influx_http *h, struct influx_http_result *res)
{
	struct CURLMsg *msg;
	curl_off_t retry_after = 0;
	int running, left, done = 0;

	curl_multi_perform(h->multi, &running);
	/* A quick answer can be complete within this call: look now, not after a wait. */
	while ((msg = curl_multi_info_read(h->multi, &left)) != NULL)
		if (msg->msg == CURLMSG_DONE) {
			h->result = msg->data.result;
			done = 1;
		}
	if (!done)
		return 0;
	curl_multi_remove_handle(h->multi, h->easy);
	h->inflight = 0;
	memset(res, 0, sizeof(*res));
	if (h->result == CURLE_OK) {
		res->answered = 1;
		curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &res->status);
		curl_easy_getinfo(h->easy, CURLINFO_RETRY_AFTER, &retry_after);
		res->retry_after_s = (long)retry_after;
	}
	return 1;
}

void
influx_http_said(const struct influx_http *h, char *out, size_t size)
{
	const char *text = h->answer;
	size_t len = h->answer_len;

	if (h->result != CURLE_OK) {
		text = h->errbuf[0] != '\0' ? h->errbuf :
		    curl_easy_strerror(h->result);
		len = strlen(text);
	}
	sanitise(h, text, len, out, size);
}

void
influx_http_wait(struct influx_http *h, int wait_ms)
{
	curl_multi_poll(h->multi, NULL, 0, wait_ms, NULL);
}

void
influx_http_wakeup(struct influx_http *h)
{
	curl_multi_wakeup(h->multi);
}

void
influx_http_abort(struct influx_http *h)
{
	if (h->inflight) {
		curl_multi_remove_handle(h->multi, h->easy);
		h->inflight = 0;
	}
}
