/*
 * GET /metrics over libmicrohttpd (see prom-http.h).
 *
 * The listening socket is made here rather than by libmicrohttpd, so that
 * a port that cannot be bound is reported with the system's reason
 * ("Address already in use"), and so that an IPv6 socket listens on IPv6
 * only, as the address given says.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "probe/output/prom-http.h"
#include "probe/vqprobe.h"

/* The exposition format's media type, version 0.0.4. */
#define PROM_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"
/* Scrapers at once; a scrape that stalls is dropped after this long. */
#define PROM_HTTP_CONNECTIONS	16
#define PROM_HTTP_TIMEOUT_S	15

struct prom_http {
	struct MHD_Daemon	*daemon;
	int			 fd;
	prom_http_render_fn	*render;
	void			*arg;
	char			 address[INET6_ADDRSTRLEN + 16];
};

/*
 * "[ADDR:]PORT" into ss.  Returns 0, or -1 with *cause set.
 */
static int
parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *sslen,
    char **cause)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char host[INET6_ADDRSTRLEN + 1];
	const char *port_text, *colon;
	char *end;
	unsigned long port;
	size_t n;

	memset(ss, 0, sizeof(*ss));
	if (spec[0] == '[') {
		if ((colon = strstr(spec, "]:")) == NULL)
			goto bad;
		n = (size_t)(colon - spec - 1);
		port_text = colon + 2;
	} else if ((colon = strrchr(spec, ':')) != NULL) {
		if (strchr(spec, ':') != colon) {
			*cause = xasprintf("--prometheus %s: put an IPv6 "
			    "address in brackets ([::1]:9464)", spec);
			return -1;
		}
		n = (size_t)(colon - spec);
		port_text = colon + 1;
	} else {
		n = 0;
		port_text = spec;
	}
	errno = 0;
	port = strtoul(port_text, &end, 10);
	if (*port_text < '0' || *port_text > '9' || *end != '\0' ||
	    errno != 0 || port == 0 || port > 65535)
		goto bad;
	if (n >= sizeof(host))
		goto bad_address;
	memcpy(host, spec[0] == '[' ? spec + 1 : spec, n);
	host[n] = '\0';
	if (n == 0 && spec[0] != '[')
		snprintf(host, sizeof(host), "127.0.0.1");
	if (spec[0] != '[' && inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*sslen = sizeof(*sin);
		return 0;
	}
	if (spec[0] == '[' && inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*sslen = sizeof(*sin6);
		return 0;
	}
bad_address:
	*cause = xasprintf("--prometheus %s: the address must be an IPv4 "
	    "address or an IPv6 one in brackets", spec);
	return -1;
bad:
	*cause = xasprintf("--prometheus %s: not [ADDR:]PORT with PORT "
	    "from 1 to 65535", spec);
	return -1;
}

/* A socket listening on ss; -1 with *cause set. */
static int
listen_on(const struct sockaddr_storage *ss, socklen_t sslen,
    const char *address, char **cause)
{
	int fd, on = 1;

	if ((fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		goto fail;
	/* A restarted probe gets its port back at once. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0)
		goto fail;
	if (ss->ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) != 0)
		goto fail;
	if (bind(fd, (const struct sockaddr *)ss, sslen) != 0 ||
	    listen(fd, PROM_HTTP_CONNECTIONS) != 0)
		goto fail;
	return fd;
fail:
	*cause = xasprintf("--prometheus: cannot listen on %s: %s", address,
	    strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* A short text answer with status code. */
static enum MHD_Result
answer_text(struct MHD_Connection *conn, unsigned int code, const char *text,
    const char *allow)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	char *copy = xstrdup(text);

	r = MHD_create_response_from_buffer(strlen(copy), copy,
	    MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(copy);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; charset=utf-8");
	if (allow != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

/* One request, on the server's thread. */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct prom_http *h = cls;
	struct MHD_Response *r;
	enum MHD_Result ret;
	char *body;
	size_t len;

	(void)version;
	(void)upload_data;
	(void)con_cls;
	/* Every answer goes at the first call; a body that comes is skipped. */
	if (*upload_data_size != 0) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (strcmp(url, "/metrics") != 0)
		return answer_text(conn, MHD_HTTP_NOT_FOUND,
		    "Not found: the metrics are at /metrics\n", NULL);
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return answer_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "Method not allowed: GET /metrics\n", "GET, HEAD");
	body = h->render(h->arg, &len);
	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    PROM_CONTENT_TYPE);
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

struct prom_http *
prom_http_start(const char *listen, prom_http_render_fn *render, void *arg,
    char **cause)
{
	struct prom_http *h;
	struct sockaddr_storage ss;
	socklen_t sslen;
	char text[INET6_ADDRSTRLEN];
	unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD;

	if (parse_listen(listen, &ss, &sslen, cause) != 0)
		return NULL;
	h = xcalloc(1, sizeof(*h));
	h->render = render;
	h->arg = arg;
	if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (void *)&ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text));
		snprintf(h->address, sizeof(h->address), "[%s]:%u", text,
		    ntohs(sin6->sin6_port));
		flags |= MHD_USE_IPv6;
	} else {
		const struct sockaddr_in *sin = (void *)&ss;

		inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
		snprintf(h->address, sizeof(h->address), "%s:%u", text,
		    ntohs(sin->sin_port));
	}
	if ((h->fd = listen_on(&ss, sslen, h->address, cause)) < 0) {
		free(h);
		return NULL;
	}
	h->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)h->fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)PROM_HTTP_CONNECTIONS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)PROM_HTTP_TIMEOUT_S,
	    MHD_OPTION_END);
	if (h->daemon == NULL) {
		*cause = xasprintf("--prometheus: cannot serve on %s",
		    h->address);
		close(h->fd);
		free(h);
		return NULL;
	}
	return h;
}

const char *
prom_http_address(const struct prom_http *h)
{
	return h->address;
}

void
prom_http_stop(struct prom_http *h)
{
	if (h == NULL)
		return;
	/* The daemon does not close a socket it was given. */
	MHD_stop_daemon(h->daemon);
	close(h->fd);
	free(h);
}
