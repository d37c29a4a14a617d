/*
 * vqprobe: a passive SIP/RTP call-quality probe.
 *
 * This file owns the command line and the run: open the source, run the
 * pipeline over it until it ends or a signal says stop, write the reports.
 */
#include <errno.h>
#include <signal.h>
#include <time.h>
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
#include "probe/analysis/analyzer.h"
#include "probe/pipeline/capture.h"
#include "probe/conffile.h"
#include "probe/output/export.h"
#include "probe/output/influx.h"
#include "probe/log.h"
#include "probe/pipeline/pipeline.h"
#include "probe/privs.h"
#include "probe/output/evidence.h"
#include "probe/output/report.h"
#include "probe/subnet.h"
#include "probe/output/summary.h"
#include "probe/vqprobe.h"
#include "tui/tui.h"

struct options {
	const char	*read_file;
	const char	*json_path;
	const char	*report_dir;	/* --report: evidence pages, pcaps */
	const char	*filter;
	const char	*user;		/* -Z */
	struct capture_live_config live;	/* -i and its settings */
	uint32_t	 snaplen;	/* 0: as captured */
	struct pipeline_config pipeline;
	long		 jb_ms;		/* 0: the buffer's default depth */
	struct influx_config influx;	/* url NULL: no export */
	struct export_config export;
	char		 host[256];	/* the default probe name */
	int		 tui;		/* -1: on if stdout is a terminal */
	int		 no_table;	/* --no-table */
	enum log_dest	 log_dest;	/* --log */
	enum log_level	 log_level;	/* --log-level */
};

/* What the terminal view needs while the pipeline runs. */
struct view {
	struct tui	*tui;
	struct pipeline	*pipeline;
	struct influx	*influx;
	const char	*source;
	int		 live;
	int64_t		 started_us;	/* monotonic */
	int64_t		 shown_us;
	uint64_t	 shown_packets;
	int		 quit;
};

/* The run a signal stops; set once the pipeline exists. */
static struct pipeline *volatile running;
static volatile sig_atomic_t signals_seen;

static void	catch_signals(void);

enum {
	OPT_JSON = 256,
	OPT_NO_TUI,
	OPT_NO_TABLE,
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
	OPT_NO_DPI,
	OPT_TUI,
	OPT_CONFIG,
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
	OPT_REPORT,
	OPT_LOG,
	OPT_LOG_LEVEL,
	OPT_SUBNET_LABEL
};

static const struct option long_options[] = {
	{ "interface",		required_argument,	NULL, 'i' },
	{ "read",		required_argument,	NULL, 'r' },
	{ "filter",		required_argument,	NULL, 'f' },
	{ "snaplen",		required_argument,	NULL, 's' },
	{ "buffer-size",	required_argument,	NULL, 'B' },
	{ "user",		required_argument,	NULL, 'Z' },
	{ "json",		required_argument,	NULL, OPT_JSON },
	{ "no-tui",		no_argument,		NULL, OPT_NO_TUI },
	{ "no-table",		no_argument,		NULL, OPT_NO_TABLE },
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ "help",		no_argument,		NULL, OPT_HELP },
	{ "tui",		no_argument,		NULL, OPT_TUI },
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
	{ "no-dpi",		no_argument,		NULL, OPT_NO_DPI },
	{ "spool",		required_argument,	NULL, OPT_SPOOL },
	{ "spool-max",		required_argument,	NULL, OPT_SPOOL_MAX },
	{ "report",		required_argument,	NULL, OPT_REPORT },
	{ "workers",		required_argument,	NULL, OPT_WORKERS },
	{ "config",		required_argument,	NULL, OPT_CONFIG },
	{ "log",		required_argument,	NULL, OPT_LOG },
	{ "log-level",		required_argument,	NULL, OPT_LOG_LEVEL },
	{ "subnet-label",	required_argument,	NULL, OPT_SUBNET_LABEL },
	{ NULL,			0,			NULL, 0 }
};

/* The config file line being applied, for usage errors ("" otherwise). */
static char config_where[512];

/* Secrets the config file gave; the environment's take precedence. */
static char *config_token, *config_user, *config_password;

/*
 * The config file's values, which options point into until the end, and
 * the --subnet-label rules (NULL: none).  Kept here, where they stay
 * reachable for the whole run.
 */
static char **config_values;
static size_t n_config_values;
static struct subnet_labels *subnet_rules;

#define DEFAULT_CONFIG	"/etc/vqprobe/vqprobe.conf"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: vqprobe -i IFACE | -r FILE [-f 'BPF'] [-s SNAPLEN] [--json PATH]\n"
"               [--report DIR]\n"
"               [-B MiB] [-Z USER] [--no-promisc] [--immediate]\n"
"               [--workers N] [--realtime] [--interval SEC]\n"
"               [--stream-timeout SEC] [--call-timeout SEC]\n"
"               [--session-timer SEC] [--max-calls N] [--max-streams N]\n"
"               [--jitter-buffer fixed|adaptive] [--jb-ms MS] [--no-plc]\n"
"               [--no-dpi] [--tui | --no-tui] [--no-table] [--config FILE]\n"
"               [--influx URL (--influx-db DB | --influx-bucket B\n"
"               --influx-org O) [--influx-rp RP] [--influx-ca FILE]\n"
"               [--probe-name NAME] [--label KEY=VALUE]...\n"
"               [--subnet-label CIDR=KEY=VALUE]... [--spool DIR]\n"
"               [--spool-max MB]] [--log stderr|syslog] [--log-level LEVEL]\n"
"       vqprobe --version | --help\n"
"  -i, --interface IFACE  capture live on IFACE ('any': every interface)\n"
"  -r, --read FILE  read a pcap or pcapng capture\n"
"  -f, --filter BPF  analyse only the packets this filter accepts\n"
"  -s, --snaplen SNAPLEN  capture (or cut a file's packets to) SNAPLEN\n"
"               bytes\n"
"  -B, --buffer-size MiB  kernel capture buffer size\n"
"  -Z, --user USER  drop root for USER once the capture is open\n"
"  --no-promisc do not put the interface in promiscuous mode\n"
"  --immediate  hand each packet over at once (default: batches, 100 ms)\n"
"  --workers N  analysis threads (default: one per core but one)\n"
"  --realtime   replay a file at the pace of its timestamps\n"
"  --config FILE  read options from FILE (default " DEFAULT_CONFIG "\n"
"               when it exists); the command line overrides it\n"
"  --stream-timeout SEC  a stream with no packet this long ended (120)\n"
"  --call-timeout SEC    a call with no SIP and no media this long\n"
"               ended (300)\n"
"  --session-timer SEC   a call with no SIP this long ended, media or\n"
"               not (7200)\n"
"  --max-calls N, --max-streams N  at most this many at once; the least\n"
"               recently active is ended first (200000, 400000)\n"
"  --json PATH  write the report as JSON to PATH ('-': standard output)\n"
"  --report DIR write evidence to DIR as calls end: an HTML page per call\n"
"               (verdict, SIP ladder, charts), its packets as a pcap, and\n"
"               index.html listing every call, worst first\n"
"  --interval SEC  MOS interval in seconds of media time (default 10)\n"
"  --jitter-buffer fixed|adaptive  the playout buffer emulated (fixed)\n"
"  --jb-ms MS   its depth (fixed) or starting depth (adaptive), default 60\n"
"  --no-plc     rate G.711 as without packet-loss concealment\n"
"  --no-dpi     do not name the applications of other traffic (nDPI)\n"
"  --tui        the terminal view (default when standard output is a\n"
"               terminal and the JSON report does not go there)\n"
"  --no-tui     print the per-call table at the end instead\n"
"  --no-table   no per-call table at the end (for a service)\n"
"  --influx URL InfluxDB (or any line-protocol receiver) to push metrics\n"
"               to, e.g. http://127.0.0.1:8086; credentials come from\n"
"               VQPROBE_INFLUX_TOKEN, or VQPROBE_INFLUX_USER and\n"
"               VQPROBE_INFLUX_PASSWORD, never from the command line\n"
"  --influx-db DB [--influx-rp RP]  the v1 API's database (and policy)\n"
"  --influx-bucket B --influx-org O the v2 API's bucket and organisation\n"
"  --influx-ca FILE  CA certificates to verify an https server with\n"
"  --probe-name NAME the probe tag on every point (default: host name)\n"
"  --label KEY=VALUE a tag of your own on every point (up to 16)\n"
"  --subnet-label CIDR=KEY=VALUE  the tag KEY=VALUE on the vq_stream and\n"
"               vq_call points of media to or from CIDR (repeatable; the\n"
"               longest prefix wins; 'CIDR KEY=VALUE' works too)\n"
"  --spool DIR  keep metrics the server cannot take on disk, and send\n"
"               them when it is back (also on the next start)\n"
"  --spool-max MB   the spool's bound; the oldest go first (256)\n"
"  --log stderr|syslog  where run-time messages go (default stderr)\n"
"  --log-level LEVEL  error, warning, notice (the default), info (adds a\n"
"               line per metrics interval) or debug\n"
"SIGINT or SIGTERM stops the capture and writes the reports; a second\n"
"one exits at once.  SIGHUP reopens the log.\n"
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

	if (config_where[0] != '\0') {
		/* A config file's mistake: name the line, no usage text. */
		fprintf(stderr, "vqprobe: %s: ", config_where);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
		exit(VQ_EXIT_USAGE);
	}
	va_start(ap, fmt);
	vqprobe_vmessage("", fmt, ap);
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

/* A label's key may not be a tag of vqprobe's own. */
static void
check_label_key(const char *key)
{
	static const char *const reserved[] = { "probe", "direction", "codec",
	    "state", "method", "app", NULL };
	size_t i;

	for (i = 0; reserved[i] != NULL; i++)
		if (strcmp(key, reserved[i]) == 0)
			usage_error("label '%s' is a tag of vqprobe's own", key);
}

/* --label KEY=VALUE: a tag of the operator's on every point. */
static void
add_label(struct options *o, char *arg)
{
	char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg || eq[1] == '\0')
		usage_error("bad label '%s' (KEY=VALUE)", arg);
	if (o->export.n_labels == EXPORT_MAX_LABELS)
		usage_error("more than %d labels", EXPORT_MAX_LABELS);
	*eq = '\0';
	check_label_key(arg);
	o->export.labels[o->export.n_labels].key = arg;
	o->export.labels[o->export.n_labels++].value = eq + 1;
}

/* --subnet-label CIDR=KEY=VALUE: a tag of the media of a subnet. */
static void
add_subnet_label(struct options *o, const char *arg)
{
	struct subnet_rule rule;
	char *cause = NULL;

	if (subnet_rule_parse(arg, &rule, &cause) != 0)
		usage_error("%s", cause);
	check_label_key(rule.key);
	if (subnet_rules == NULL)
		subnet_rules = subnet_labels_new();
	if (subnet_labels_add(subnet_rules, &rule, &cause) != 0)
		usage_error("%s", cause);
	o->export.subnets = subnet_rules;
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
	/* The environment first, then the config file. */
	if (o->influx.token == NULL)
		o->influx.token = config_token;
	if (o->influx.user == NULL)
		o->influx.user = config_user;
	if (o->influx.password == NULL)
		o->influx.password = config_password;
}

/*
 * Apply one option (from the command line, or a config file key named
 * after its long name).
 */
static void
apply_option(struct options *o, int ch, char *optarg, const char *given)
{
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
		o->tui = 0;
		break;
	case OPT_NO_TABLE:
		o->no_table = 1;
		break;
	case OPT_TUI:
		o->tui = 1;
		break;
	case OPT_JITTER_BUFFER:
		jitter_buffer_kind(o, optarg);
		break;
	case OPT_JB_MS:
		o->jb_ms = parse_number(optarg, "jitter-buffer depth",
		    1, 2000);
		break;
	case OPT_NO_DPI:
		o->pipeline.analysis.dpi = 0;
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
	case OPT_REPORT:
		o->report_dir = optarg;
		break;
	case OPT_LOG:
		if (log_dest_parse(optarg, &o->log_dest) != 0)
			usage_error("bad log '%s' (stderr or syslog)", optarg);
		break;
	case OPT_LOG_LEVEL:
		if (log_level_parse(optarg, &o->log_level) != 0)
			usage_error("bad log level '%s' (error, warning, "
			    "notice, info or debug)", optarg);
		break;
	case OPT_SUBNET_LABEL:
		add_subnet_label(o, optarg);
		break;
	case ':':
		usage_error("option %s needs a value", given);
	default:
		usage_error("unknown option %s", given);
	}

}

/* A config file entry: the option of that long name, with the value. */
static int
config_entry(void *arg, const char *key, const char *value, const char *file,
    unsigned line, char **cause)
{
	struct options *o = arg;
	char **secret = NULL;
	int i, on;

	(void)cause;
	snprintf(config_where, sizeof(config_where), "%s:%u", file, line);
	if (strcmp(key, "influx-token") == 0)
		secret = &config_token;
	else if (strcmp(key, "influx-user") == 0)
		secret = &config_user;
	else if (strcmp(key, "influx-password") == 0)
		secret = &config_password;
	if (secret != NULL) {
		free(*secret);
		*secret = xstrdup(value);
		config_where[0] = '\0';
		return 0;
	}
	for (i = 0; long_options[i].name != NULL; i++)
		if (strcmp(long_options[i].name, key) == 0)
			break;
	if (long_options[i].name == NULL || long_options[i].val == OPT_CONFIG ||
	    long_options[i].val == OPT_HELP ||
	    long_options[i].val == OPT_VERSION)
		usage_error("unknown key '%s'", key);
	if (long_options[i].has_arg == no_argument) {
		if (conffile_bool(value, &on) != 0)
			usage_error("%s: want yes or no, not '%s'", key, value);
		if (on)
			apply_option(o, long_options[i].val, NULL, key);
	} else {
		config_values = xreallocarray(config_values,
		    n_config_values + 1, sizeof(*config_values));
		config_values[n_config_values] = xstrdup(value);
		apply_option(o, long_options[i].val,
		    config_values[n_config_values++], key);
	}
	config_where[0] = '\0';
	return 0;
}

/*
 * --config FILE, or the default file when it is there: read before the
 * command line, whose options then override it.
 */
static void
load_config(int argc, char **argv, struct options *o)
{
	const char *path = NULL;
	char *cause = NULL;
	int i, explicit = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			path = argv[++i];
			explicit = 1;
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			path = argv[i] + 9;
			explicit = 1;
		} else if (strcmp(argv[i], "--") == 0)
			break;
	}
	if (path == NULL)
		path = DEFAULT_CONFIG;
	if (conffile_load(path, config_entry, o, &cause) == 0)
		return;
	/* No default file is no error; an unreadable one is worth a word. */
	if (!explicit && errno == ENOENT) {
		free(cause);
		return;
	}
	if (!explicit && errno == EACCES) {
		warnx_vq("%s", cause);
		free(cause);
		return;
	}
	fprintf(stderr, "vqprobe: %s\n", cause);
	free(cause);
	exit(VQ_EXIT_USAGE);
}

static void catch_hangup(void);

static void
parse_options(int argc, char **argv, struct options *o)
{
	int ch, idx;

	memset(o, 0, sizeof(*o));
	pipeline_config_default(&o->pipeline);
	capture_live_config_default(&o->live);
	influx_config_default(&o->influx);
	o->tui = -1;
	o->log_dest = LOG_TO_STDERR;
	o->log_level = LOG_LEVEL_DEFAULT;
	if (gethostname(o->host, sizeof(o->host) - 1) != 0 || !o->host[0])
		snprintf(o->host, sizeof(o->host), "vqprobe");
	o->export.probe = o->host;
	load_config(argc, argv, o);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":r:f:s:i:B:Z:", long_options,
	    &idx)) != -1) {
		if (ch == OPT_CONFIG)
			continue;	/* read first, see load_config */
		apply_option(o, ch, optarg, argv[optind - 1]);
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
	if (o->tui == -1)
		o->tui = isatty(STDOUT_FILENO) && isatty(STDIN_FILENO) &&
		    (o->json_path == NULL || strcmp(o->json_path, "-") != 0);
	if (o->tui && o->json_path != NULL && strcmp(o->json_path, "-") == 0)
		usage_error("%s", "--tui and --json - both want standard output");
	if (o->tui || o->report_dir != NULL) {
		/* What the view and the evidence show beyond the report. */
		o->pipeline.analysis.keep_sip = 1;
		o->pipeline.analysis.keep_points = 360;
	}
	if (o->tui)
		o->pipeline.live_view = 1;
	/* Usage errors are behind: from here on, messages go to the log. */
	log_open(o->log_dest, o->log_level);
	/*
	 * From here a stop is a stop, not a kill: a service manager may send
	 * SIGTERM while the capture opens and the pipeline is made (after -Z
	 * gives up root, as a test waits for), and the outputs must still be
	 * written.
	 */
	catch_signals();

}

/*
 * SIGINT, SIGTERM: the first stops the capture, so that the run ends the
 * normal way and every output is written; a second exits at once.  While
 * the probe is still starting (no pipeline yet), the first is only noted:
 * main stops the pipeline as soon as it has one.
 */
static void
on_signal(int sig)
{
	if (signals_seen++ > 0) {
		tui_restore_terminal();
		_exit(128 + sig);
	}
	if (running != NULL)
		pipeline_stop(running);
}

/*
 * SIGHUP, the service's reload: ask for the log to be reopened.  Only a
 * flag is set here; the aggregator acts on it (log_service, from the
 * summary sink) within a metrics interval.
 */
static void
on_hangup(int sig)
{
	(void)sig;
	log_request_reopen();
}

/* From the moment the log is open: a reload while starting is no kill. */
static void
catch_hangup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_hangup;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
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
	catch_hangup();
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

/* The header's figures. */
static void
view_status(struct view *v, const struct pipeline_progress *pr,
    const struct snapshot *snap, int finished, struct snap_status *st)
{
	int64_t now = mono_us();
	struct influx_stats is;
	size_t i;

	memset(st, 0, sizeof(*st));
	snprintf(st->source, sizeof(st->source), "%s", v->source);
	st->live = v->live;
	st->finished = finished;
	st->capture_us = pr->capture_us;
	st->uptime_s = (double)(now - v->started_us) / 1e6;
	if (now > v->shown_us && v->shown_us != 0)
		st->packets_per_s = (double)(pr->capture.packets -
		    v->shown_packets) * 1e6 / (double)(now - v->shown_us);
	v->shown_us = now;
	v->shown_packets = pr->capture.packets;
	st->packets = pr->capture.packets;
	st->kernel_drops = pr->capture.kernel_drops;
	st->probe_drops = pr->capture.probe_drops;
	for (i = 0; i < snap->n_calls; i++)
		if (snap->calls[i].end_s == SNAP_NONE)
			st->active_calls++;
	for (i = 0; i < snap->n_streams; i++)
		if (!snap->streams[i].rtp.last_us ||
		    snap->streams[i].rtp.last_us >= pr->capture_us -
		    10 * 1000000LL)
			st->active_streams++;
	if (v->influx != NULL) {
		influx_stats(v->influx, &is);
		st->exporter_state = influx_state_name(is.state);
	}
}

/* From the aggregator, every 100 ms: keys; once a second, new figures. */
static void
view_poll(void *arg)
{
	struct view *v = arg;
	struct pipeline_progress pr;
	struct snap_status st;
	struct snapshot snap;

	if (v->quit)
		return;
	if (tui_poll(v->tui, 0)) {
		v->quit = 1;
		pipeline_stop(v->pipeline);
		return;
	}
	if (mono_us() - v->shown_us < 1000000)
		return;
	pipeline_view(v->pipeline, &snap, &pr);
	view_status(v, &pr, &snap, 0, &st);
	tui_update_take(v->tui, &snap, &st);
}

int
main(int argc, char **argv)
{
	struct options opt;
	struct capture *cap;
	struct pipeline *pl;
	struct influx *influx = NULL;
	struct exporter *exporter = NULL;
	struct evidence *evidence = NULL;
	struct evidence_config ecfg;
	struct summary *summary;
	struct report_table *table = NULL;
	struct report_json *json = NULL;
	struct snapshot snap;
	struct view view;
	char *cause = NULL;
	const char *source;
	int status = 0;

	vqprobe_set_fatal_hook(tui_restore_terminal);
	parse_options(argc, argv, &opt);
	source = opt.live.iface != NULL ? opt.live.iface : opt.read_file;
	cap = open_source(&opt);
	if (opt.report_dir != NULL) {
		/* After the capture is open: as the user -Z names. */
		evidence_config_default(&ecfg);
		ecfg.dir = opt.report_dir;
		ecfg.probe = opt.export.probe;
		ecfg.source = source;
		ecfg.live = opt.live.iface != NULL;
		ecfg.analysis = &opt.pipeline.analysis;
		if ((evidence = evidence_open(&ecfg, &cause)) == NULL) {
			fprintf(stderr, "vqprobe: %s\n", cause);
			free(cause);
			exit(VQ_EXIT_USAGE);
		}
		opt.pipeline.analysis.pcap_dir = evidence_pcap_dir(evidence);
	}

	/*
	 * The terminal view shows the whole final state, so it keeps every
	 * call and stream: a viewer's choice, for a run someone watches.
	 * Otherwise nothing is kept: the reports are written as calls end,
	 * and a daemon's months take the memory of its minutes.
	 */
	opt.pipeline.keep_results = opt.tui;
	pl = pipeline_new(&opt.pipeline, cap);
	/*
	 * The table of a service's months of calls has no reader, and would
	 * wait on disk until the end: --no-table.
	 */
	if (!opt.tui && !opt.no_table && (opt.json_path == NULL ||
	    strcmp(opt.json_path, "-") != 0)) {
		struct pipeline_sink sink;

		table = report_table_new();
		report_table_sink(table, &sink);
		pipeline_add_sink(pl, &sink);
	}
	if (opt.json_path != NULL) {
		struct pipeline_sink sink;

		if ((json = report_json_new(opt.json_path, &cause)) == NULL) {
			fprintf(stderr, "vqprobe: %s\n", cause);
			free(cause);
			exit(VQ_EXIT_USAGE);
		}
		report_json_sink(json, &sink);
		pipeline_add_sink(pl, &sink);
	}
	if (evidence != NULL) {
		struct pipeline_sink sink;

		evidence_sink(evidence, &sink);
		pipeline_add_sink(pl, &sink);
	}
	if (opt.influx.url != NULL) {
		struct pipeline_sink sink;

		if ((influx = influx_start(&opt.influx, &cause)) == NULL) {
			fprintf(stderr, "vqprobe: %s\n", cause);
			free(cause);
			exit(VQ_EXIT_USAGE);
		}
		exporter = exporter_new(&opt.export, influx);
		exporter_sink(exporter, &sink);
		pipeline_add_sink(pl, &sink);
	}
	/* The interval's line at info, and SIGHUP's log reopening. */
	summary = summary_add(pl, influx);
	running = pl;
	/* A stop asked for while starting; the handler does it from now on. */
	if (signals_seen > 0)
		pipeline_stop(pl);
	memset(&view, 0, sizeof(view));
	if (opt.tui) {
		const char *why;

		if ((view.tui = tui_open(&why)) == NULL) {
			fprintf(stderr, "vqprobe: terminal view: %s\n", why);
			exit(VQ_EXIT_USAGE);
		}
		view.pipeline = pl;
		view.influx = influx;
		view.source = source;
		view.live = opt.live.iface != NULL;
		view.started_us = mono_us();
	}
	if (pipeline_run(pl, view.tui ? view_poll : NULL, &view, &cause) != 0) {
		/*
		 * A file cut mid-record: report what was read, and say so.  An
		 * interface gone away is a failure (exit 1, as tcpdump's), so
		 * that a service manager restarts the probe: the outputs are
		 * written all the same.
		 */
		if (opt.live.iface != NULL) {
			log_error("%s: %s; the report covers the packets "
			    "before it", source, cause);
			status = 1;
		} else
			warnx_vq("%s: %s; the report covers the packets "
			    "before it", source, cause);
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

	if (table != NULL &&
	    report_table_finish(table, &snap.capture, stdout, &cause) != 0) {
		fprintf(stderr, "vqprobe: %s\n", cause);
		free(cause);
		status = 1;
	}
	if (json != NULL && report_json_finish(json, &snap, &cause) != 0) {
		fprintf(stderr, "vqprobe: %s\n", cause);
		free(cause);
		status = 1;
	}
	if (evidence != NULL && evidence_finish(evidence, &snap, &cause) != 0) {
		fprintf(stderr, "vqprobe: %s\n", cause);
		free(cause);
		status = 1;
	}
	if (view.tui != NULL) {
		/*
		 * The final state stays on screen until q, unless the run was
		 * stopped by the user or a signal: then it is time to go.
		 */
		if (!view.quit && signals_seen == 0) {
			struct pipeline_progress pr;
			struct snap_status st;
			size_t i;

			pr.capture_us = 0;
			for (i = 0; i < snap.n_streams; i++)
				if (snap.streams[i].rtp.last_us > pr.capture_us)
					pr.capture_us = snap.streams[i].rtp.last_us;
			pipeline_totals(pl, &pr.capture);
			view_status(&view, &pr, &snap, 1, &st);
			tui_update(view.tui, &snap, &st);
			while (!tui_poll(view.tui, 1000) && signals_seen == 0)
				;
		}
		tui_close(view.tui);
	}
	snapshot_release(&snap);
	running = NULL;
	report_table_free(table);
	report_json_free(json);
	exporter_free(exporter);
	summary_free(summary);
	evidence_free(evidence);
	influx_free(influx);
	pipeline_free(pl);
	capture_close(cap);
	return status;
}
