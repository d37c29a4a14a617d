/*
 * vqprobe: a passive SIP/RTP call-quality probe.
 *
 * This file owns the command line and the run: open the source, run the
 * pipeline over it until it ends or a signal says stop, write the reports.
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <ndpi/ndpi_main.h>
#include <pcap/pcap.h>

#include "config.h"
#include "probe/analyzer.h"
#include "probe/capture.h"
#include "probe/export.h"
#include "probe/influx.h"
#include "probe/pipeline.h"
#include "probe/privs.h"
#include "probe/report.h"
#include "probe/vqprobe.h"

struct options {
	const char	*read_file;
	const char	*json_path;
	const char	*filter;
	const char	*user;		/* -Z */
	struct capture_live_config live;	/* -i and its settings */
	uint32_t	 snaplen;	/* 0: as captured */
	struct pipeline_config pipeline;
	long		 jb_ms;		/* 0: the buffer's default depth */
	struct influx_config influx;	/* url NULL: no export */
	struct export_config export;
	char		 host[256];	/* the default probe name */
};

/* The run a signal stops; set once the pipeline exists. */
static struct pipeline *volatile running;
static volatile sig_atomic_t signals_seen;

enum {
	OPT_JSON = 256,
	OPT_NO_TUI,
	OPT_INTERVAL,
	OPT_JITTER_BUFFER,
	OPT_JB_MS,
	OPT_NO_PLC,
	OPT_WORKERS,
	OPT_REALTIME,
	OPT_NO_PROMISC,
	OPT_IMMEDIATE,
	OPT_STREAM_TIMEOUT,
	OPT_CALL_TIMEOUT,
	OPT_SESSION_TIMER,
	OPT_MAX_CALLS,
	OPT_MAX_STREAMS,
	OPT_INFLUX,
	OPT_INFLUX_DB,
	OPT_INFLUX_RP,
	OPT_INFLUX_BUCKET,
	OPT_INFLUX_ORG,
	OPT_INFLUX_CA,
	OPT_PROBE_NAME,
	OPT_LABEL,
	OPT_SPOOL,
	OPT_SPOOL_MAX,
	OPT_VERSION,
	OPT_HELP,
	OPT_LATER	/* in the stable interface, not in this version */
};

static const struct option long_options[] = {
	{ "json",		required_argument,	NULL, OPT_JSON },
	{ "no-tui",		no_argument,		NULL, OPT_NO_TUI },
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ "help",		no_argument,		NULL, OPT_HELP },
	{ "tui",		no_argument,		NULL, OPT_LATER },
	{ "realtime",		no_argument,		NULL, OPT_REALTIME },
	{ "no-promisc",		no_argument,		NULL, OPT_NO_PROMISC },
	{ "immediate",		no_argument,		NULL, OPT_IMMEDIATE },
	{ "stream-timeout",	required_argument,	NULL, OPT_STREAM_TIMEOUT },
	{ "call-timeout",	required_argument,	NULL, OPT_CALL_TIMEOUT },
	{ "session-timer",	required_argument,	NULL, OPT_SESSION_TIMER },
	{ "max-calls",		required_argument,	NULL, OPT_MAX_CALLS },
	{ "max-streams",	required_argument,	NULL, OPT_MAX_STREAMS },
	{ "influx",		required_argument,	NULL, OPT_INFLUX },
	{ "influx-rp",		required_argument,	NULL, OPT_INFLUX_RP },
	{ "influx-ca",		required_argument,	NULL, OPT_INFLUX_CA },
	{ "label",		required_argument,	NULL, OPT_LABEL },
	{ "influx-db",		required_argument,	NULL, OPT_INFLUX_DB },
	{ "influx-bucket",	required_argument,	NULL, OPT_INFLUX_BUCKET },
	{ "influx-org",		required_argument,	NULL, OPT_INFLUX_ORG },
	{ "probe-name",		required_argument,	NULL, OPT_PROBE_NAME },
	{ "interval",		required_argument,	NULL, OPT_INTERVAL },
	{ "jitter-buffer",	required_argument,	NULL, OPT_JITTER_BUFFER },
	{ "jb-ms",		required_argument,	NULL, OPT_JB_MS },
	{ "no-plc",		no_argument,		NULL, OPT_NO_PLC },
	{ "spool",		required_argument,	NULL, OPT_SPOOL },
	{ "spool-max",		required_argument,	NULL, OPT_SPOOL_MAX },
	{ "report",		required_argument,	NULL, OPT_LATER },
	{ "workers",		required_argument,	NULL, OPT_WORKERS },
	{ "config",		required_argument,	NULL, OPT_LATER },
	{ NULL,			0,			NULL, 0 }
};

/* "vqprobe: PREFIXmessage" and a newline on stderr. */
static void
vmessage(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "vqprobe: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
	exit(1);
}

void
warnx_vq(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap);
	va_end(ap);
}

void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if ((p = calloc(n, size)) == NULL)
		fatal("out of memory");
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		fatal("out of memory");
	if ((p = realloc(p, n * size)) == NULL)
		fatal("out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		fatal("out of memory");
	return p;
}

static void
usage(FILE *f)
{
	fprintf(f,
"usage: vqprobe -i IFACE | -r FILE [-f 'BPF'] [-s SNAPLEN] [--json PATH]\n"
"               [-B MiB] [-Z USER] [--no-promisc] [--immediate]\n"
"               [--workers N] [--realtime] [--interval SEC]\n"
"               [--stream-timeout SEC] [--call-timeout SEC]\n"
"               [--session-timer SEC] [--max-calls N] [--max-streams N]\n"
"               [--jitter-buffer fixed|adaptive] [--jb-ms MS] [--no-plc]\n"
"               [--influx URL (--influx-db DB | --influx-bucket B\n"
"               --influx-org O) [--influx-rp RP] [--influx-ca FILE]\n"
"               [--probe-name NAME] [--label KEY=VALUE]... [--spool DIR]\n"
"               [--spool-max MB]] [--no-tui]\n"
"       vqprobe --version | --help\n"
"  -i IFACE     capture live on IFACE ('any': every interface)\n"
"  -r FILE      read a pcap or pcapng capture\n"
"  -f BPF       analyse only the packets this filter accepts\n"
"  -s SNAPLEN   capture (or cut a file's packets to) SNAPLEN bytes\n"
"  -B MiB       kernel capture buffer size\n"
"  -Z USER      drop root for USER once the capture is open\n"
"  --no-promisc do not put the interface in promiscuous mode\n"
"  --immediate  hand each packet over at once (default: batches, 100 ms)\n"
"  --workers N  analysis threads (default: one per core but one)\n"
"  --realtime   replay a file at the pace of its timestamps\n"
"  --stream-timeout SEC  a stream with no packet this long ended (120)\n"
"  --call-timeout SEC    a call with no SIP and no media this long\n"
"               ended (300)\n"
"  --session-timer SEC   a call with no SIP this long ended, media or\n"
"               not (7200)\n"
"  --max-calls N, --max-streams N  at most this many at once; the least\n"
"               recently active is ended first (200000, 400000)\n"
"  --json PATH  write the report as JSON to PATH ('-': standard output)\n"
"  --interval SEC  MOS interval in seconds of media time (default 10)\n"
"  --jitter-buffer fixed|adaptive  the playout buffer emulated (fixed)\n"
"  --jb-ms MS   its depth (fixed) or starting depth (adaptive), default 60\n"
"  --no-plc     rate G.711 as without packet-loss concealment\n"
"  --no-tui     print the per-call table (the only view in this version)\n"
"  --influx URL InfluxDB (or any line-protocol receiver) to push metrics\n"
"               to, e.g. http://127.0.0.1:8086; credentials come from\n"
"               VQPROBE_INFLUX_TOKEN, or VQPROBE_INFLUX_USER and\n"
"               VQPROBE_INFLUX_PASSWORD, never from the command line\n"
"  --influx-db DB [--influx-rp RP]  the v1 API's database (and policy)\n"
"  --influx-bucket B --influx-org O the v2 API's bucket and organisation\n"
"  --influx-ca FILE  CA certificates to verify an https server with\n"
"  --probe-name NAME the probe tag on every point (default: host name)\n"
"  --label KEY=VALUE a tag of your own on every point (up to 16)\n"
"  --spool DIR  keep metrics the server cannot take on disk, and send\n"
"               them when it is back (also on the next start)\n"
"  --spool-max MB   the spool's bound; the oldest go first (256)\n"
"SIGINT or SIGTERM stops the capture and writes the reports; a second\n"
"one exits at once.\n"
"Exit status: 0 done, 2 bad usage or unreadable input.\n");
}

static void
version(void)
{
	curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);

	printf("vqprobe %s\n", PACKAGE_VERSION);
	printf("  %s\n", pcap_lib_version());
	printf("  nDPI %s\n", ndpi_revision());
	printf("  libcurl %s\n", curl->version);
	printf("  json-c %s\n", json_c_version());
}

/* Say what is wrong with the command line, show the usage, exit 2. */
static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
	usage(stderr);
	exit(VQ_EXIT_USAGE);
}

/* A whole number from min to max, or a usage error naming what it is. */
static long
parse_number(const char *s, const char *what, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < min || v > max)
		usage_error("bad %s '%s' (%ld to %ld)", what, s, min, max);
	return v;
}

/* --jitter-buffer fixed|adaptive: the kind of playout buffer emulated. */
static void
jitter_buffer_kind(struct options *o, const char *kind)
{
	if (strcmp(kind, "fixed") == 0)
		jbuf_config_default(&o->pipeline.analysis.jbuf, JBUF_FIXED);
	else if (strcmp(kind, "adaptive") == 0)
		jbuf_config_default(&o->pipeline.analysis.jbuf, JBUF_ADAPTIVE);
	else
		usage_error("bad jitter buffer '%s' (fixed or adaptive)", kind);
}

/* --label KEY=VALUE: a tag of the operator's on every point. */
static void
add_label(struct options *o, char *arg)
{
	static const char *const reserved[] = { "probe", "direction", "codec",
	    "state", "method", "app", NULL };
	char *eq = strchr(arg, '=');
	size_t i;

	if (eq == NULL || eq == arg || eq[1] == '\0')
		usage_error("bad label '%s' (KEY=VALUE)", arg);
	if (o->export.n_labels == EXPORT_MAX_LABELS)
		usage_error("more than %d labels", EXPORT_MAX_LABELS);
	*eq = '\0';
	for (i = 0; reserved[i] != NULL; i++)
		if (strcmp(arg, reserved[i]) == 0)
			usage_error("label '%s' is a tag of vqprobe's own", arg);
	o->export.labels[o->export.n_labels].key = arg;
	o->export.labels[o->export.n_labels++].value = eq + 1;
}

/* The InfluxDB options make sense together, or not at all. */
static void
check_influx(struct options *o)
{
	if (o->influx.url == NULL) {
		if (o->influx.db != NULL || o->influx.bucket != NULL ||
		    o->influx.org != NULL || o->influx.spool_dir != NULL)
			usage_error("%s", "--influx-db, --influx-bucket, "
			    "--influx-org and --spool need --influx URL");
		return;
	}
	if ((o->influx.db != NULL) == (o->influx.bucket != NULL))
		usage_error("%s", "--influx needs --influx-db DB (v1) or "
		    "--influx-bucket B with --influx-org O (v2)");
	if (o->influx.bucket != NULL && o->influx.org == NULL)
		usage_error("%s", "--influx-bucket needs --influx-org");
	influx_config_from_env(&o->influx);
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	int ch, idx;

	memset(o, 0, sizeof(*o));
	pipeline_config_default(&o->pipeline);
	capture_live_config_default(&o->live);
	influx_config_default(&o->influx);
	if (gethostname(o->host, sizeof(o->host) - 1) != 0 || !o->host[0])
		snprintf(o->host, sizeof(o->host), "vqprobe");
	o->export.probe = o->host;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":r:f:s:i:B:Z:", long_options,
	    &idx)) != -1) {
		switch (ch) {
		case 'r':
			o->read_file = optarg;
			break;
		case 'f':
			o->filter = optarg;
			break;
		case 's':
			o->snaplen = (uint32_t)parse_number(optarg, "snaplen", 1,
			    262144);
			break;
		case 'i':
			o->live.iface = optarg;
			break;
		case 'B':
			o->live.buffer_mib = (int)parse_number(optarg,
			    "buffer size (MiB)", 1, 4096);
			break;
		case 'Z':
			o->user = optarg;
			break;
		case OPT_NO_PROMISC:
			o->live.promisc = 0;
			break;
		case OPT_IMMEDIATE:
			o->live.immediate = 1;
			break;
		case OPT_WORKERS:
			o->pipeline.workers = (int)parse_number(optarg,
			    "number of workers", 1, 64);
			break;
		case OPT_STREAM_TIMEOUT:
			o->pipeline.analysis.stream_timeout_us = parse_number(
			    optarg, "stream timeout", 1, 86400) * 1000000LL;
			break;
		case OPT_CALL_TIMEOUT:
			o->pipeline.analysis.call_timeout_us = parse_number(
			    optarg, "call timeout", 1, 86400) * 1000000LL;
			break;
		case OPT_SESSION_TIMER:
			o->pipeline.analysis.session_timer_us = parse_number(
			    optarg, "session timer", 1, 7 * 86400) * 1000000LL;
			break;
		case OPT_MAX_CALLS:
			o->pipeline.analysis.max_calls = (size_t)parse_number(
			    optarg, "maximum of calls", 1, 100000000);
			break;
		case OPT_MAX_STREAMS:
			o->pipeline.analysis.max_streams = (size_t)parse_number(
			    optarg, "maximum of streams", 1, 100000000);
			break;
		case OPT_INFLUX:
			o->influx.url = optarg;
			break;
		case OPT_INFLUX_DB:
			o->influx.db = optarg;
			break;
		case OPT_INFLUX_RP:
			o->influx.rp = optarg;
			break;
		case OPT_INFLUX_BUCKET:
			o->influx.bucket = optarg;
			break;
		case OPT_INFLUX_ORG:
			o->influx.org = optarg;
			break;
		case OPT_INFLUX_CA:
			o->influx.ca_file = optarg;
			break;
		case OPT_PROBE_NAME:
			if (*optarg == '\0')
				usage_error("%s", "empty probe name");
			o->export.probe = optarg;
			break;
		case OPT_LABEL:
			add_label(o, optarg);
			break;
		case OPT_SPOOL:
			o->influx.spool_dir = optarg;
			break;
		case OPT_SPOOL_MAX:
			o->influx.spool_max_bytes = (uint64_t)parse_number(
			    optarg, "spool size (MB)", 1, 1048576) << 20;
			break;
		case OPT_REALTIME:
			o->pipeline.realtime = 1;
			break;
		case OPT_JSON:
			o->json_path = optarg;
			break;
		case OPT_NO_TUI:
			break;
		case OPT_JITTER_BUFFER:
			jitter_buffer_kind(o, optarg);
			break;
		case OPT_JB_MS:
			o->jb_ms = parse_number(optarg, "jitter-buffer depth",
			    1, 2000);
			break;
		case OPT_NO_PLC:
			o->pipeline.analysis.g711_plc = 0;
			break;
		case OPT_INTERVAL:
			o->pipeline.analysis.interval_us = parse_number(optarg,
			    "interval", 1, 3600) * 1000000LL;
			break;
		case OPT_VERSION:
			version();
			exit(0);
		case OPT_HELP:
			usage(stdout);
			exit(0);
		case OPT_LATER:
			usage_error("--%s is not available in this version",
			    long_options[idx].name);
		case ':':
			usage_error("option %s needs a value", argv[optind - 1]);
		default:
			usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	check_influx(o);
	if (o->read_file == NULL && o->live.iface == NULL)
		usage_error("%s", "nothing to read: give -i IFACE or -r FILE");
	if (o->read_file != NULL && o->live.iface != NULL)
		usage_error("%s", "give -i IFACE or -r FILE, not both");
	if (o->live.iface != NULL) {
		if (o->pipeline.realtime)
			usage_error("%s", "--realtime paces a file (-r)");
		/* Live, the kernel cuts: the file's cut is not needed. */
		o->live.snaplen = o->snaplen;
	} else {
		if (o->user != NULL)
			usage_error("%s", "-Z drops root after opening an "
			    "interface (-i)");
		o->pipeline.snaplen = o->snaplen;
	}
	if (o->jb_ms != 0)
		o->pipeline.analysis.jbuf.nominal_ms = (double)o->jb_ms;
}

/*
 * SIGINT, SIGTERM: the first stops the capture, so that the run ends the
 * normal way and every output is written; a second exits at once.
 */
static void
on_signal(int sig)
{
	if (signals_seen++ > 0 || running == NULL)
		_exit(128 + sig);
	pipeline_stop(running);
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* The capture of the options, filter set; exits 2 with one line on failure. */
static struct capture *
open_source(const struct options *opt)
{
	struct capture *cap;
	char *cause = NULL;

	if (opt->live.iface != NULL)
		cap = capture_open_live(&opt->live, &cause);
	else
		cap = capture_open_file(opt->read_file, &cause);
	if (cap != NULL && opt->filter != NULL &&
	    capture_set_filter(cap, opt->filter, &cause) != 0) {
		capture_close(cap);
		cap = NULL;
	}
	if (cap == NULL) {
		fprintf(stderr, "vqprobe: %s\n", cause);
		free(cause);
		exit(VQ_EXIT_USAGE);
	}
	/* Root was needed to open the interface, and for nothing after. */
	if (opt->user != NULL && privs_drop(opt->user, &cause) != 0) {
		fprintf(stderr, "vqprobe: %s\n", cause);
		free(cause);
		exit(VQ_EXIT_USAGE);
	}
	return cap;
}

int
main(int argc, char **argv)
{
	struct options opt;
	struct capture *cap;
	struct pipeline *pl;
	struct influx *influx = NULL;
	struct exporter *exporter = NULL;
	struct snapshot snap;
	char *cause = NULL;
	const char *source;
	int status = 0;

	parse_options(argc, argv, &opt);
	source = opt.live.iface != NULL ? opt.live.iface : opt.read_file;
	cap = open_source(&opt);

	pl = pipeline_new(&opt.pipeline, cap);
	if (opt.influx.url != NULL) {
		struct pipeline_sink sink;

		if ((influx = influx_start(&opt.influx, &cause)) == NULL) {
			fprintf(stderr, "vqprobe: %s\n", cause);
			free(cause);
			exit(VQ_EXIT_USAGE);
		}
		exporter = exporter_new(&opt.export, influx);
		exporter_sink(exporter, &sink);
		pipeline_set_sink(pl, &sink);
	}
	running = pl;
	catch_signals();
	if (pipeline_run(pl, NULL, NULL, &cause) != 0) {
		/* A file cut mid-record: report what was read, and say so. */
		warnx_vq("%s: %s; the report covers the packets before it",
		    source, cause);
		free(cause);
		cause = NULL;
	}
	if (exporter != NULL) {
		size_t left;

		exporter_finish(exporter);
		/*
		 * What the server has not taken in a few seconds goes to the
		 * spool, for the next start; without one, say what is lost.
		 */
		if ((left = influx_stop(influx, 3000)) > 0)
			warnx_vq("%zu metric lines could not be delivered%s",
			    left, opt.influx.spool_dir ? " or spooled" :
			    " (no --spool)");
	}
	pipeline_snapshot(pl, &snap);
	snprintf(snap.capture.source, sizeof(snap.capture.source), "%s",
	    source);

	if (opt.json_path == NULL || strcmp(opt.json_path, "-") != 0)
		report_table_print(&snap, stdout);
	if (opt.json_path != NULL &&
	    report_json_write(&snap, opt.json_path, &cause) != 0) {
		fprintf(stderr, "vqprobe: %s\n", cause);
		free(cause);
		status = 1;
	}
	snapshot_release(&snap);
	running = NULL;
	exporter_free(exporter);
	influx_free(influx);
	pipeline_free(pl);
	capture_close(cap);
	return status;
}
