/*
 * influx-drive: push line protocol through the exporter (probe/output/influx*.c) as
 * the probe would, for tests/influx-transport.test.
 *
 *   influx-drive --url URL (--db DB [--rp RP] | --bucket B [--org O])
 *       [--spool DIR] [--spool-max BYTES] [--queue-max BYTES]
 *       [--batch-lines N] [--batch-bytes N] [--flush-ms MS] [--no-gzip]
 *       [--chunk-lines N] [--chunk-delay-ms MS] [--stop-timeout MS]
 *       [--retry-min-ms MS] [--retry-max-ms MS] [--connect-timeout-ms MS]
 *       [--request-timeout-ms MS] [--ca-file FILE] [--insecure] [FILE]
 *
 * Reads FILE (or standard input), hands it to influx_write() chunk-lines
 * lines at a time with chunk-delay-ms between chunks, stops with
 * stop-timeout, and prints the exporter's statistics as key=value lines.
 * Credentials come from the environment only, as in the probe.  Exit
 * status: 0 when influx_stop() left nothing undelivered and unspooled, 1
 * when it did, 2 for bad usage or a refused configuration.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe/output/influx.h"
#include "probe/vqprobe.h"

enum {
	OPT_URL = 256, OPT_DB, OPT_RP, OPT_BUCKET, OPT_ORG, OPT_SPOOL,
	OPT_SPOOL_MAX, OPT_QUEUE_MAX, OPT_BATCH_LINES, OPT_BATCH_BYTES,
	OPT_FLUSH_MS, OPT_GZIP, OPT_NO_GZIP, OPT_CHUNK_LINES, OPT_CHUNK_DELAY,
	OPT_STOP_TIMEOUT, OPT_RETRY_MIN, OPT_RETRY_MAX, OPT_CONNECT_TIMEOUT,
	OPT_REQUEST_TIMEOUT, OPT_CA_FILE, OPT_INSECURE
};

static const struct option long_options[] = {
	{ "url",		required_argument, NULL, OPT_URL },
	{ "db",			required_argument, NULL, OPT_DB },
	{ "rp",			required_argument, NULL, OPT_RP },
	{ "bucket",		required_argument, NULL, OPT_BUCKET },
	{ "org",		required_argument, NULL, OPT_ORG },
	{ "spool",		required_argument, NULL, OPT_SPOOL },
	{ "spool-max",		required_argument, NULL, OPT_SPOOL_MAX },
	{ "queue-max",		required_argument, NULL, OPT_QUEUE_MAX },
	{ "batch-lines",	required_argument, NULL, OPT_BATCH_LINES },
	{ "batch-bytes",	required_argument, NULL, OPT_BATCH_BYTES },
	{ "flush-ms",		required_argument, NULL, OPT_FLUSH_MS },
	{ "gzip",		no_argument,	   NULL, OPT_GZIP },
	{ "no-gzip",		no_argument,	   NULL, OPT_NO_GZIP },
	{ "chunk-lines",	required_argument, NULL, OPT_CHUNK_LINES },
	{ "chunk-delay-ms",	required_argument, NULL, OPT_CHUNK_DELAY },
	{ "stop-timeout",	required_argument, NULL, OPT_STOP_TIMEOUT },
	{ "retry-min-ms",	required_argument, NULL, OPT_RETRY_MIN },
	{ "retry-max-ms",	required_argument, NULL, OPT_RETRY_MAX },
	{ "connect-timeout-ms",	required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "request-timeout-ms",	required_argument, NULL, OPT_REQUEST_TIMEOUT },
	{ "ca-file",		required_argument, NULL, OPT_CA_FILE },
	{ "insecure",		no_argument,	   NULL, OPT_INSECURE },
	{ NULL,			0,		   NULL, 0 }
};

/* A whole number, or exit 2 naming the option. */
static uint64_t
number(const char *s, const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || *s == '-') {
		fprintf(stderr, "influx-drive: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

/* The whole input, NUL-terminated; exits 2 when it cannot be read. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = stdin;
	size_t cap = 1 << 16, n = 0, got;
	char *buf;

	if (path != NULL && strcmp(path, "-") != 0 &&
	    (f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "influx-drive: cannot read %s: %s\n", path,
		    strerror(errno));
		exit(2);
	}
	buf = xcalloc(1, cap);
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			buf = xreallocarray(buf, cap, 2);
			cap *= 2;
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "influx-drive: read error\n");
		exit(2);
	}
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Sleep for ms milliseconds. */
static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Milliseconds on the monotonic clock. */
static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
main(int argc, char **argv)
{
	struct influx_config cfg;
	struct influx_stats st;
	struct influx *ix;
	uint64_t chunk_lines = 1000, chunk_delay_ms = 0, lines_in = 0;
	uint64_t max_spool = 0, max_queue = 0, n;
	int stop_timeout_ms = 10000, ch, states_seen = 0;
	const char *p, *end, *chunk;
	char *input, *cause = NULL;
	int64_t t0;
	size_t len, left;

	influx_config_default(&cfg);
	while ((ch = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (ch) {
		case OPT_URL: cfg.url = optarg; break;
		case OPT_DB: cfg.db = optarg; break;
		case OPT_RP: cfg.rp = optarg; break;
		case OPT_BUCKET: cfg.bucket = optarg; break;
		case OPT_ORG: cfg.org = optarg; break;
		case OPT_SPOOL: cfg.spool_dir = optarg; break;
		case OPT_SPOOL_MAX:
			cfg.spool_max_bytes = number(optarg, "--spool-max");
			break;
		case OPT_QUEUE_MAX:
			cfg.queue_max_bytes = number(optarg, "--queue-max");
			break;
		case OPT_BATCH_LINES:
			cfg.batch_lines = number(optarg, "--batch-lines");
			break;
		case OPT_BATCH_BYTES:
			cfg.batch_bytes = number(optarg, "--batch-bytes");
			break;
		case OPT_FLUSH_MS:
			cfg.flush_ms = (int)number(optarg, "--flush-ms");
			break;
		case OPT_GZIP: cfg.gzip = 1; break;
		case OPT_NO_GZIP: cfg.gzip = 0; break;
		case OPT_CHUNK_LINES:
			chunk_lines = number(optarg, "--chunk-lines");
			if (chunk_lines == 0)
				chunk_lines = 1;
			break;
		case OPT_CHUNK_DELAY:
			chunk_delay_ms = number(optarg, "--chunk-delay-ms");
			break;
		case OPT_STOP_TIMEOUT:
			stop_timeout_ms = (int)number(optarg, "--stop-timeout");
			break;
		case OPT_RETRY_MIN:
			cfg.retry_min_ms = (int)number(optarg, "--retry-min-ms");
			break;
		case OPT_RETRY_MAX:
			cfg.retry_max_ms = (int)number(optarg, "--retry-max-ms");
			break;
		case OPT_CONNECT_TIMEOUT:
			cfg.connect_timeout_ms = (int)number(optarg,
			    "--connect-timeout-ms");
			break;
		case OPT_REQUEST_TIMEOUT:
			cfg.request_timeout_ms = (int)number(optarg,
			    "--request-timeout-ms");
			break;
		case OPT_CA_FILE: cfg.ca_file = optarg; break;
		case OPT_INSECURE: cfg.insecure = 1; break;
		default:
			fprintf(stderr, "influx-drive: see the comment at the "
			    "top of tests/influx-drive.c for the options\n");
			return 2;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "influx-drive: one input file at most\n");
		return 2;
	}
	influx_config_from_env(&cfg);
	input = slurp(optind < argc ? argv[optind] : NULL, &len);

	t0 = mono_ms();
	if ((ix = influx_start(&cfg, &cause)) == NULL) {
		fprintf(stderr, "influx-drive: %s\n", cause);
		free(cause);
		free(input);
		return 2;
	}
	p = input;
	end = input + len;
	while (p < end) {
		chunk = p;
		for (n = 0; n < chunk_lines && p < end; n++) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));

			p = nl != NULL ? nl + 1 : end;
		}
		lines_in += n;
		influx_write(ix, chunk, (size_t)(p - chunk));
		influx_stats(ix, &st);
		if (st.spool_bytes > max_spool)
			max_spool = st.spool_bytes;
		if (st.queue_bytes > max_queue)
			max_queue = st.queue_bytes;
		states_seen |= 1 << st.state;
		if (chunk_delay_ms > 0)
			sleep_ms((long)chunk_delay_ms);
	}
	left = influx_stop(ix, stop_timeout_ms);
	influx_stats(ix, &st);
	states_seen |= 1 << st.state;

	printf("lines_in=%" PRIu64 "\n", lines_in);
	printf("stop_left=%zu\n", left);
	printf("lines_sent=%" PRIu64 "\n", st.lines_sent);
	printf("lines_dropped=%" PRIu64 "\n", st.lines_dropped);
	printf("lines_rejected=%" PRIu64 "\n", st.lines_rejected);
	printf("batches_sent=%" PRIu64 "\n", st.batches_sent);
	printf("write_errors=%" PRIu64 "\n", st.write_errors);
	printf("retries=%" PRIu64 "\n", st.retries);
	printf("queue_bytes=%" PRIu64 "\n", st.queue_bytes);
	printf("spool_bytes=%" PRIu64 "\n", st.spool_bytes);
	printf("spool_files=%" PRIu64 "\n", st.spool_files);
	printf("spool_dropped_bytes=%" PRIu64 "\n", st.spool_dropped_bytes);
	printf("spool_write_errors=%" PRIu64 "\n", st.spool_write_errors);
	printf("last_status=%d\n", st.last_status);
	printf("state=%s\n", influx_state_name(st.state));
	printf("max_spool_bytes=%" PRIu64 "\n", max_spool);
	printf("max_queue_bytes=%" PRIu64 "\n", max_queue);
	printf("states_seen=");
	for (ch = INFLUX_OK; ch <= INFLUX_AUTH_FAILED; ch++)
		if (states_seen & (1 << ch))
			printf("%s,", influx_state_name(ch));
	printf("\n");
	printf("elapsed_ms=%" PRId64 "\n", mono_ms() - t0);
	influx_free(ix);
	free(input);
	return left == 0 ? 0 : 1;
}
