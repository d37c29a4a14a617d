/*
 * vqprobe: a passive SIP/RTP call-quality probe.
 *
 * This file owns the command line and the run: open the source, analyse
 * every frame, write the reports.
 */
#include <errno.h>
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
#include "probe/report.h"
#include "probe/vqprobe.h"

struct options {
	const char	*read_file;
	const char	*json_path;
	const char	*filter;
	uint32_t	 snaplen;	/* 0: as captured */
	struct analyzer_config analysis;
	long		 jb_ms;		/* 0: the buffer's default depth */
};

/* What a run over the frames needs. */
struct run {
	struct analyzer	*analyzer;
	int		 linktype;
	uint32_t	 snaplen;
};

enum {
	OPT_JSON = 256,
	OPT_NO_TUI,
	OPT_INTERVAL,
	OPT_JITTER_BUFFER,
	OPT_JB_MS,
	OPT_NO_PLC,
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
	{ "realtime",		no_argument,		NULL, OPT_LATER },
	{ "influx",		required_argument,	NULL, OPT_LATER },
	{ "influx-db",		required_argument,	NULL, OPT_LATER },
	{ "influx-bucket",	required_argument,	NULL, OPT_LATER },
	{ "influx-org",		required_argument,	NULL, OPT_LATER },
	{ "probe-name",		required_argument,	NULL, OPT_LATER },
	{ "interval",		required_argument,	NULL, OPT_INTERVAL },
	{ "jitter-buffer",	required_argument,	NULL, OPT_JITTER_BUFFER },
	{ "jb-ms",		required_argument,	NULL, OPT_JB_MS },
	{ "no-plc",		no_argument,		NULL, OPT_NO_PLC },
	{ "spool",		required_argument,	NULL, OPT_LATER },
	{ "spool-max",		required_argument,	NULL, OPT_LATER },
	{ "report",		required_argument,	NULL, OPT_LATER },
	{ "workers",		required_argument,	NULL, OPT_LATER },
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
"usage: vqprobe -r FILE [-f 'BPF'] [-s SNAPLEN] [--json PATH]\n"
"               [--interval SEC] [--jitter-buffer fixed|adaptive]\n"
"               [--jb-ms MS] [--no-plc] [--no-tui]\n"
"       vqprobe --version | --help\n"
"  -r FILE      read a pcap or pcapng capture\n"
"  -f BPF       analyse only the packets this filter accepts\n"
"  -s SNAPLEN   cut every packet to SNAPLEN bytes, as a capture would\n"
"  --json PATH  write the report as JSON to PATH ('-': standard output)\n"
"  --interval SEC  MOS interval in seconds of media time (default 10)\n"
"  --jitter-buffer fixed|adaptive  the playout buffer emulated (fixed)\n"
"  --jb-ms MS   its depth (fixed) or starting depth (adaptive), default 60\n"
"  --no-plc     rate G.711 as without packet-loss concealment\n"
"  --no-tui     print the per-call table (the only view in this version)\n"
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
		jbuf_config_default(&o->analysis.jbuf, JBUF_FIXED);
	else if (strcmp(kind, "adaptive") == 0)
		jbuf_config_default(&o->analysis.jbuf, JBUF_ADAPTIVE);
	else
		usage_error("bad jitter buffer '%s' (fixed or adaptive)", kind);
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	int ch, idx;

	memset(o, 0, sizeof(*o));
	analyzer_config_default(&o->analysis);
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
			o->analysis.g711_plc = 0;
			break;
		case OPT_INTERVAL:
			o->analysis.interval_us = parse_number(optarg,
			    "interval", 1, 3600) * 1000000LL;
			break;
		case OPT_VERSION:
			version();
			exit(0);
		case OPT_HELP:
			usage(stdout);
			exit(0);
		case 'i':
		case 'B':
		case 'Z':
			usage_error("-%c is not available in this version", ch);
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
	if (o->read_file == NULL)
		usage_error("%s", "nothing to read: give -r FILE");
	if (o->jb_ms != 0)
		o->analysis.jbuf.nominal_ms = (double)o->jb_ms;
}

static void
on_frame(void *arg, int64_t ts_us, uint32_t caplen, uint32_t wirelen,
    const uint8_t *data)
{
	struct run *run = arg;

	if (run->snaplen != 0 && caplen > run->snaplen)
		caplen = run->snaplen;
	analyzer_frame(run->analyzer, run->linktype, ts_us, caplen, wirelen,
	    data);
}

int
main(int argc, char **argv)
{
	struct options opt;
	struct capture *cap;
	struct snapshot snap;
	struct run run;
	char *cause = NULL;
	int status = 0;

	parse_options(argc, argv, &opt);

	if ((cap = capture_open_file(opt.read_file, &cause)) == NULL) {
		fprintf(stderr, "vqprobe: %s\n", cause);
		free(cause);
		return VQ_EXIT_USAGE;
	}
	if (opt.filter != NULL && capture_set_filter(cap, opt.filter,
	    &cause) != 0) {
		fprintf(stderr, "vqprobe: %s\n", cause);
		free(cause);
		capture_close(cap);
		return VQ_EXIT_USAGE;
	}

	run.analyzer = analyzer_new(&opt.analysis);
	run.linktype = capture_linktype(cap);
	run.snaplen = opt.snaplen;
	if (capture_run(cap, on_frame, &run, &cause) != 0) {
		/* A file cut mid-record: report what was read, and say so. */
		warnx_vq("%s: %s; the report covers the packets before it",
		    opt.read_file, cause);
		free(cause);
		cause = NULL;
	}

	analyzer_finish(run.analyzer);
	analyzer_snapshot(run.analyzer, &snap);
	snprintf(snap.capture.source, sizeof(snap.capture.source), "%s",
	    opt.read_file);
	snap.capture.kernel_drops = capture_kernel_drops(cap);
	capture_close(cap);

	if (opt.json_path == NULL || strcmp(opt.json_path, "-") != 0)
		report_table_print(&snap, stdout);
	if (opt.json_path != NULL &&
	    report_json_write(&snap, opt.json_path, &cause) != 0) {
		fprintf(stderr, "vqprobe: %s\n", cause);
		free(cause);
		status = 1;
	}
	snapshot_release(&snap);
	analyzer_free(run.analyzer);
	return status;
}
