/*
 * The options: one table, options_table[], with an entry per option, from
 * which the getopt tables, the --help text, the command line's dispatch and
 * the configuration file's keys are all made.  Adding an option is adding
 * an entry (and its page in doc/vqprobe.8 and its key in doc/vqprobe.conf,
 * which tests/man.test checks).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <ndpi/ndpi_main.h>
#include <pcap/pcap.h>

#include "config.h"
#include "probe/conffile.h"
#include "probe/options.h"
#include "probe/options-private.h"
#include "probe/subnet.h"
#include "probe/vqprobe.h"
#include "tui/tui.h"

#define OPTIONS_DEFAULT_CONFIG	"/etc/vqprobe/vqprobe.conf"

/* Where --help's text starts, and its lines after the first. */
#define OPTIONS_HELP_COLUMN	15

/* getopt_long's value for the option of entry i (past every letter). */
#define OPTIONS_LONG		256

static options_set_fn options_set_version, options_set_help;

/* Every option, in the order of --help. */
static const struct options_entry options_table[] = {
	{ .name = "interface", .letter = 'i', .arg = "IFACE",
	  .help = "capture live on IFACE ('any': every interface)",
	  .set = options_set_string, .field = OPTIONS_FIELD(live.iface) },
	{ .name = "read", .letter = 'r', .arg = "FILE",
	  .help = "read a pcap or pcapng capture",
	  .set = options_set_string, .field = OPTIONS_FIELD(read_file) },
	{ .name = "filter", .letter = 'f', .arg = "BPF",
	  .help = "analyse only the packets this filter accepts",
	  .set = options_set_string, .field = OPTIONS_FIELD(filter) },
	{ .name = "snaplen", .letter = 's', .arg = "SNAPLEN",
	  .help = "capture (or cut a file's packets to) SNAPLEN\n"
		  "bytes",
	  .set = options_set_int, .field = OPTIONS_FIELD(snaplen),
	  .what = "snaplen", .min = 1, .max = 262144 },
	{ .name = "buffer-size", .letter = 'B', .arg = "MiB",
	  .help = "kernel capture buffer size",
	  .set = options_set_int, .field = OPTIONS_FIELD(live.buffer_mib),
	  .what = "buffer size (MiB)", .min = 1, .max = 4096 },
	{ .name = "user", .letter = 'Z', .arg = "USER",
	  .help = "drop root for USER once the capture is open",
	  .set = options_set_string, .field = OPTIONS_FIELD(user) },
	{ .name = "no-promisc",
	  .help = "do not put the interface in promiscuous mode",
	  .set = options_set_flag, .field = OPTIONS_FIELD(live.promisc),
	  .value = 0 },
	{ .name = "immediate",
	  .help = "hand each packet over at once (default: batches, 100 ms)",
	  .set = options_set_flag, .field = OPTIONS_FIELD(live.immediate),
	  .value = 1 },
	{ .name = "workers", .arg = "N",
	  .help = "analysis threads (default: one per core but one)",
	  .set = options_set_int, .field = OPTIONS_FIELD(pipeline.workers),
	  .what = "number of workers", .min = 1, .max = 64 },
	{ .name = "realtime",
	  .help = "replay a file at the pace of its timestamps",
	  .set = options_set_flag, .field = OPTIONS_FIELD(pipeline.realtime),
	  .value = 1 },
	{ .name = "config", .arg = "FILE",
	  .help = "read options from FILE (default " OPTIONS_DEFAULT_CONFIG "\n"
		  "when it exists); the command line overrides it",
	  .flags = OPTIONS_NO_FILE },	/* read first: options_load_file */
	{ .name = "stream-timeout", .arg = "SEC",
	  .help = "a stream with no packet this long ended (120)",
	  .set = options_set_seconds,
	  .field = OPTIONS_FIELD(pipeline.analysis.stream_timeout_us),
	  .what = "stream timeout", .min = 1, .max = 86400 },
	{ .name = "call-timeout", .arg = "SEC",
	  .help = "a call with no SIP and no media this long\n"
		  "ended (300)",
	  .set = options_set_seconds,
	  .field = OPTIONS_FIELD(pipeline.analysis.call_timeout_us),
	  .what = "call timeout", .min = 1, .max = 86400 },
	{ .name = "session-timer", .arg = "SEC",
	  .help = "a call with no SIP this long ended, media or\n"
		  "not (7200)",
	  .set = options_set_seconds,
	  .field = OPTIONS_FIELD(pipeline.analysis.session_timer_us),
	  .what = "session timer", .min = 1, .max = 7 * 86400 },
	{ .name = "max-calls", .arg = "N",
	  .usage = "--max-calls N, --max-streams N",
	  .help = "at most this many at once; the least\n"
		  "recently active is ended first (200000, 400000)",
	  .set = options_set_count,
	  .field = OPTIONS_FIELD(pipeline.analysis.max_calls),
	  .what = "maximum of calls", .min = 1, .max = 100000000 },
	{ .name = "max-streams", .arg = "N",
	  .set = options_set_count,
	  .field = OPTIONS_FIELD(pipeline.analysis.max_streams),
	  .what = "maximum of streams", .min = 1, .max = 100000000 },
	{ .name = "compare", .arg = "A.pcap",
	  .usage = "--compare A.pcap B.pcap",
	  .help = "the same RTP streams at two capture points of one path:\n"
		  "per stream the loss before the upstream point, between\n"
		  "the points (exact, by sequence number) and after the\n"
		  "downstream one (the receiver's RTCP); with --json and\n"
		  "--report",
	  .set = options_set_string, .field = OPTIONS_FIELD(compare[0]),
	  .flags = OPTIONS_NO_FILE },
	{ .name = "points", .arg = "NAME_A,NAME_B",
	  .help = "the names of --compare's two points (a,b)",
	  .set = options_set_points, .flags = OPTIONS_NO_FILE },
	{ .name = "json", .arg = "PATH",
	  .help = "write the report as JSON to PATH ('-': standard output)",
	  .set = options_set_string, .field = OPTIONS_FIELD(json_path) },
	{ .name = "report", .arg = "DIR",
	  .help = "write evidence to DIR as calls end: an HTML page per call\n"
		  "(verdict, SIP ladder, charts), its packets as a pcap, and\n"
		  "index.html listing every call, worst first",
	  .set = options_set_string, .field = OPTIONS_FIELD(report_dir) },
	{ .name = "sla-target", .arg = "KEY=VALUE",
	  .help = "a target of the SLA list and sla.html (repeatable):\n"
		  "mos (3.6), loss_pct (0.1), jitter_ms (50), asr_pct\n"
		  "(none); VALUE a number or none",
	  .set = options_set_sla_target },
	{ .name = "interval", .arg = "SEC",
	  .help = "MOS interval in seconds of media time (default 10)",
	  .set = options_set_seconds,
	  .field = OPTIONS_FIELD(pipeline.analysis.interval_us),
	  .what = "interval", .min = 1, .max = 3600 },
	{ .name = "jitter-buffer", .arg = "fixed|adaptive",
	  .help = "the playout buffer emulated (fixed)",
	  .set = options_set_jitter_buffer },
	{ .name = "jb-ms", .arg = "MS",
	  .help = "its depth (fixed) or starting depth (adaptive), default 60",
	  .set = options_set_int, .field = OPTIONS_FIELD(jb_ms),
	  .what = "jitter-buffer depth", .min = 1, .max = 2000 },
	{ .name = "no-plc",
	  .help = "rate G.711 as without packet-loss concealment",
	  .set = options_set_flag,
	  .field = OPTIONS_FIELD(pipeline.analysis.g711_plc), .value = 0 },
	{ .name = "no-dpi",
	  .help = "do not name the applications of other traffic (nDPI)",
	  .set = options_set_flag,
	  .field = OPTIONS_FIELD(pipeline.analysis.dpi), .value = 0 },
	{ .name = "tui",
	  .help = "the terminal view (default when standard output is a\n"
		  "terminal and the JSON report does not go there)",
	  .set = options_set_flag, .field = OPTIONS_FIELD(tui), .value = 1 },
	{ .name = "tui-calls", .arg = "N",
	  .help = "the ended calls the view keeps besides those still up:\n"
		  "the worst, then the latest (1000); 0: none",
	  .set = options_set_count, .field = OPTIONS_FIELD(tui_calls),
	  .what = "number of ended calls to keep", .min = 0,
	  .max = 100000000 },
	{ .name = "no-tui",
	  .help = "print the per-call table at the end instead",
	  .set = options_set_flag, .field = OPTIONS_FIELD(tui), .value = 0 },
	{ .name = "no-table",
	  .help = "no per-call table at the end (for a service)",
	  .set = options_set_flag, .field = OPTIONS_FIELD(no_table),
	  .value = 1 },
	{ .name = "influx", .arg = "URL",
	  .help = "InfluxDB (or any line-protocol receiver) to push metrics\n"
		  "to, e.g. http://127.0.0.1:8086; credentials come from\n"
		  "VQPROBE_INFLUX_TOKEN, or VQPROBE_INFLUX_USER and\n"
		  "VQPROBE_INFLUX_PASSWORD, never from the command line",
	  .set = options_set_string, .field = OPTIONS_FIELD(influx.url) },
	{ .name = "influx-db", .arg = "DB",
	  .usage = "--influx-db DB [--influx-rp RP]",
	  .help = "the v1 API's database (and policy)",
	  .set = options_set_string, .field = OPTIONS_FIELD(influx.db) },
	{ .name = "influx-rp", .arg = "RP",
	  .set = options_set_string, .field = OPTIONS_FIELD(influx.rp) },
	{ .name = "influx-bucket", .arg = "B",
	  .usage = "--influx-bucket B --influx-org O",
	  .help = "the v2 API's bucket and organisation",
	  .set = options_set_string, .field = OPTIONS_FIELD(influx.bucket) },
	{ .name = "influx-org", .arg = "O",
	  .set = options_set_string, .field = OPTIONS_FIELD(influx.org) },
	{ .name = "influx-ca", .arg = "FILE",
	  .help = "CA certificates to verify an https server with",
	  .set = options_set_string, .field = OPTIONS_FIELD(influx.ca_file) },
	{ .name = "probe-name", .arg = "NAME",
	  .help = "the probe tag on every point (default: host name)",
	  .set = options_set_probe_name },
	{ .name = "label", .arg = "KEY=VALUE",
	  .help = "a tag of your own on every point (up to 16)",
	  .set = options_set_label },
	{ .name = "subnet-label", .arg = "CIDR=KEY=VALUE",
	  .help = "the tag KEY=VALUE on the vq_stream and\n"
		  "vq_call points of media to or from CIDR (repeatable; the\n"
		  "longest prefix wins; 'CIDR KEY=VALUE' works too)",
	  .set = options_set_subnet_label },
	{ .name = "home-net", .arg = "CIDR",
	  .help = "the site's own addresses (repeatable): the reports\n"
		  "name where media was lost as the provider's side or\n"
		  "inside this site, not only before or after the probe",
	  .set = options_set_home_net },
	{ .name = "hep", .arg = "udp|tcp:HOST:PORT",
	  .help = "send HOMER every SIP message and RTCP report as\n"
		  "HEPv3, with a quality report per stream per interval",
	  .set = options_set_string, .field = OPTIONS_FIELD(hep_url) },
	{ .name = "hep-id", .arg = "N",
	  .help = "the capture agent's number in what --hep sends (2001)",
	  .set = options_set_int, .field = OPTIONS_FIELD(hep_id),
	  .what = "HEP capture id", .min = 0, .max = 2147483647 },
	{ .name = "hep-listen", .arg = "udp|tcp:ADDR:PORT",
	  .help = "take the SIP, RTP and RTCP other agents mirror\n"
		  "over HEPv3, beside -i or alone",
	  .set = options_set_string, .field = OPTIONS_FIELD(hep_listen) },
	{ .name = "prometheus", .arg = "[ADDR:]PORT",
	  .help = "serve /metrics for Prometheus on PORT (loopback\n"
		  "unless ADDR is given)",
	  .set = options_set_string, .field = OPTIONS_FIELD(prometheus) },
	{ .name = "spool", .arg = "DIR",
	  .help = "keep metrics the server cannot take on disk, and send\n"
		  "them when it is back (also on the next start)",
	  .set = options_set_string, .field = OPTIONS_FIELD(influx.spool_dir) },
	{ .name = "spool-max", .arg = "MB",
	  .help = "the spool's bound; the oldest go first (256)",
	  .set = options_set_spool_max },
	{ .name = "log", .arg = "stderr|syslog",
	  .help = "where run-time messages go (default stderr)",
	  .set = options_set_log },
	{ .name = "log-level", .arg = "LEVEL",
	  .help = "error, warning, notice (the default), info (adds a\n"
		  "line per metrics interval) or debug",
	  .set = options_set_log_level },
	{ .name = "version", .set = options_set_version,
	  .flags = OPTIONS_NO_FILE },
	{ .name = "help", .set = options_set_help, .flags = OPTIONS_NO_FILE },
	/* Credentials: never on the command line, where ps shows them. */
	{ .name = "influx-token", .arg = "TOKEN",
	  .set = options_set_string, .field = OPTIONS_FIELD(file_token),
	  .flags = OPTIONS_ONLY_FILE },
	{ .name = "influx-user", .arg = "USER",
	  .set = options_set_string, .field = OPTIONS_FIELD(file_user),
	  .flags = OPTIONS_ONLY_FILE },
	{ .name = "influx-password", .arg = "PASSWORD",
	  .set = options_set_string, .field = OPTIONS_FIELD(file_password),
	  .flags = OPTIONS_ONLY_FILE },
	{ .name = "hep-key", .arg = "KEY",
	  .set = options_set_string, .field = OPTIONS_FIELD(file_hep_key),
	  .flags = OPTIONS_ONLY_FILE },
};
#define OPTIONS_COUNT	(sizeof(options_table) / sizeof(options_table[0]))

/* The configuration file line being applied, for usage errors, or "". */
static char options_where[512];

/* --help's first lines, the forms of a command line. */
static const char options_synopsis[] =
"usage: vqprobe -i IFACE | -r FILE [-f 'BPF'] [-s SNAPLEN] [--json PATH]\n"
"               [--report DIR] [--sla-target KEY=VALUE]...\n"
"               [-B MiB] [-Z USER] [--no-promisc] [--immediate]\n"
"               [--workers N] [--realtime] [--interval SEC]\n"
"               [--stream-timeout SEC] [--call-timeout SEC]\n"
"               [--session-timer SEC] [--max-calls N] [--max-streams N]\n"
"               [--jitter-buffer fixed|adaptive] [--jb-ms MS] [--no-plc]\n"
"               [--no-dpi] [--tui [--tui-calls N] | --no-tui] [--no-table]\n"
"               [--config FILE] [--home-net CIDR]...\n"
"               [--influx URL (--influx-db DB | --influx-bucket B\n"
"               --influx-org O) [--influx-rp RP] [--influx-ca FILE]\n"
"               [--probe-name NAME] [--label KEY=VALUE]...\n"
"               [--subnet-label CIDR=KEY=VALUE]... [--spool DIR]\n"
"               [--spool-max MB]] [--hep udp|tcp:HOST:PORT [--hep-id N]]\n"
"               [--hep-listen udp|tcp:ADDR:PORT] [--prometheus [ADDR:]PORT]\n"
"               [--log stderr|syslog] [--log-level LEVEL]\n"
"       vqprobe --compare A.pcap B.pcap [--points NAME_A,NAME_B]\n"
"               [--json PATH] [--report DIR]\n"
"       vqprobe --version | --help\n";

/* --help's last lines, about the run rather than an option. */
static const char options_epilogue[] =
"SIGINT or SIGTERM stops the capture and writes the reports; a second\n"
"one exits at once.  SIGHUP reopens the log.\n"
"Exit status: 0 done, 2 bad usage or unreadable input.\n";

/* One entry's lines of --help: its left column, then its text. */
static void
options_help_entry(FILE *f, const struct options_entry *e)
{
	const char *line = e->help, *end;
	int n;

	if (e->usage != NULL)
		n = fprintf(f, "  %s", e->usage);
	else if (e->letter != 0)
		n = fprintf(f, "  -%c, --%s", e->letter, e->name);
	else
		n = fprintf(f, "  --%s", e->name);
	if (e->usage == NULL && e->arg != NULL)
		n += fprintf(f, " %s", e->arg);
	/* Short options line their text up; longer ones leave two blanks. */
	fprintf(f, "%*s", n < OPTIONS_HELP_COLUMN ? OPTIONS_HELP_COLUMN - n : 2,
	    "");
	for (;;) {
		end = strchr(line, '\n');
		if (end == NULL) {
			fprintf(f, "%s\n", line);
			return;
		}
		fprintf(f, "%.*s\n%*s", (int)(end - line), line,
		    OPTIONS_HELP_COLUMN, "");
		line = end + 1;
	}
}

/* --help: the synopsis, a few lines per option, signals and exit status. */
static void
options_help(FILE *f)
{
	size_t i;

	fputs(options_synopsis, f);
	for (i = 0; i < OPTIONS_COUNT; i++)
		if (options_table[i].help != NULL)
			options_help_entry(f, &options_table[i]);
	fputs(options_epilogue, f);
}

/*
 * Say what is wrong with the options and exit 2: on the command line, one
 * line and one pointing at --help (the whole text would push the message
 * off the screen); in the configuration file, one line naming FILE:LINE.
 */
void
options_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (options_where[0] != '\0') {
		fprintf(stderr, "vqprobe: %s: ", options_where);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vqprobe_vmessage("", fmt, ap);
		fputs("Try 'vqprobe --help' for more information.\n", stderr);
	}
	va_end(ap);
	exit(VQ_EXIT_USAGE);
}

/* --version: this program's and its libraries', then exit. */
static void
options_set_version(struct options *o, const struct options_entry *e,
    char *arg)
{
	curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);

	(void)o;
	(void)e;
	(void)arg;
	printf("vqprobe %s\n", PACKAGE_VERSION);
	printf("  %s\n", pcap_lib_version());
	printf("  nDPI %s\n", ndpi_revision());
	printf("  libcurl %s\n", curl->version);
	printf("  json-c %s\n", json_c_version());
	exit(0);
}

/* --help, on standard output, then exit. */
static void
options_set_help(struct options *o, const struct options_entry *e,
    char *arg)
{
	(void)o;
	(void)e;
	(void)arg;
	options_help(stdout);
	exit(0);
}

/* The entry of a long name, or NULL. */
static const struct options_entry *
options_find(const char *name)
{
	size_t i;

	for (i = 0; i < OPTIONS_COUNT; i++)
		if (strcmp(options_table[i].name, name) == 0)
			return &options_table[i];
	return NULL;
}

/* A configuration file entry: the option of that long name, with the value. */
static int
options_file_entry(void *arg, const char *key, const char *value,
    const char *file, unsigned line, char **cause)
{
	struct options *o = arg;
	const struct options_entry *e;
	char *copy;
	int on;

	(void)cause;
	snprintf(options_where, sizeof(options_where), "%s:%u", file, line);
	e = options_find(key);
	if (e == NULL || (e->flags & OPTIONS_NO_FILE) != 0)
		options_usage_error("unknown key '%s'", key);
	if (e->arg == NULL) {
		if (conffile_bool(value, &on) != 0)
			options_usage_error("%s: want yes or no, not '%s'", key,
			    value);
		if (on)
			e->set(o, e, NULL);
	} else {
		/* Kept for the run: settings point into it. */
		o->file_values = xreallocarray(o->file_values,
		    o->n_file_values + 1, sizeof(*o->file_values));
		copy = xstrdup(value);
		o->file_values[o->n_file_values++] = copy;
		e->set(o, e, copy);
	}
	options_where[0] = '\0';
	return 0;
}

/*
 * --config FILE, or the default file when it is there: read before the
 * command line, whose options then override it.
 */
static void
options_load_file(struct options *o, int argc, char **argv)
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
		path = OPTIONS_DEFAULT_CONFIG;
	if (conffile_load(path, options_file_entry, o, &cause) == 0)
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

/*
 * The option getopt_long could not take, as the user wrote it: a long one
 * without its "=value", or a letter (which may sit in a cluster, "-xr").
 */
static void
options_given(char *buf, size_t size, char **argv, int letter)
{
	const char *given = argv[optind - 1];

	if (strncmp(given, "--", 2) == 0)
		snprintf(buf, size, "%.*s", (int)strcspn(given, "="), given);
	else if (letter > 0 && letter < OPTIONS_LONG)
		snprintf(buf, size, "-%c", letter);
	else
		snprintf(buf, size, "%s", given);
}

/* The command line, over what the file set. */
static void
options_command_line(struct options *o, int argc, char **argv)
{
	struct option longopts[OPTIONS_COUNT + 1];
	char shortopts[2 + 2 * OPTIONS_COUNT + 1], given[128];
	const struct options_entry *e;
	size_t i, n = 0, len = 0;
	int ch;

	/* ':' first: a missing value is told apart from an unknown option. */
	shortopts[len++] = ':';
	for (i = 0; i < OPTIONS_COUNT; i++) {
		e = &options_table[i];
		if ((e->flags & OPTIONS_ONLY_FILE) != 0)
			continue;
		longopts[n].name = e->name;
		longopts[n].has_arg = e->arg != NULL ? required_argument :
		    no_argument;
		longopts[n].flag = NULL;
		longopts[n++].val = OPTIONS_LONG + (int)i;
		if (e->letter != 0) {
			shortopts[len++] = (char)e->letter;
			if (e->arg != NULL)
				shortopts[len++] = ':';
		}
	}
	memset(&longopts[n], 0, sizeof(longopts[n]));
	shortopts[len] = '\0';

	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) !=
	    -1) {
		if (ch == ':' || ch == '?') {
			options_given(given, sizeof(given), argv, optopt);
			if (ch == ':')
				options_usage_error("option '%s' needs a value",
				    given);
			/* getopt_long's '?' for --switch=value names it. */
			if (optopt >= OPTIONS_LONG)
				options_usage_error("option '%s' takes no "
				    "value", given);
			options_usage_error("unknown option '%s'", given);
		}
		e = NULL;
		if (ch >= OPTIONS_LONG)
			e = &options_table[ch - OPTIONS_LONG];
		for (i = 0; e == NULL && i < OPTIONS_COUNT; i++)
			if (options_table[i].letter == ch)
				e = &options_table[i];
		if (e == NULL)
			fatal("getopt_long returned an option of no entry");
		if (e->set != NULL)
			e->set(o, e, optarg);
	}
	/* --compare A B: B is the one argument that is not an option. */
	if (o->compare[0] != NULL && optind < argc)
		o->compare[1] = argv[optind++];
	if (optind < argc)
		options_usage_error("unexpected argument '%s'", argv[optind]);
}

/* The InfluxDB options make sense together, or not at all. */
static void
options_check_influx(struct options *o)
{
	if (o->influx.url == NULL) {
		if (o->influx.db != NULL || o->influx.bucket != NULL ||
		    o->influx.org != NULL || o->influx.spool_dir != NULL)
			options_usage_error("%s", "--influx-db, --influx-bucket, "
			    "--influx-org and --spool need --influx URL");
		return;
	}
	if ((o->influx.db != NULL) == (o->influx.bucket != NULL))
		options_usage_error("%s", "--influx needs --influx-db DB (v1) or "
		    "--influx-bucket B with --influx-org O (v2)");
	if (o->influx.bucket != NULL && o->influx.org == NULL)
		options_usage_error("%s", "--influx-bucket needs --influx-org");
	influx_config_from_env(&o->influx);
	/* The environment first, then the config file. */
	if (o->influx.token == NULL)
		o->influx.token = o->file_token;
	if (o->influx.user == NULL)
		o->influx.user = o->file_user;
	if (o->influx.password == NULL)
		o->influx.password = o->file_password;
}

/* --compare reads two files and nothing else. */
static void
options_check_compare(struct options *o)
{
	if (o->compare[0] == NULL) {
		if (o->points[0] != NULL)
			options_usage_error("%s", "--points names the points "
			    "of --compare");
		return;
	}
	if (o->compare[1] == NULL)
		options_usage_error("%s", "--compare needs two captures: "
		    "--compare A.pcap B.pcap");
	if (o->live.iface != NULL)
		options_usage_error("%s", "--compare reads two captures, not "
		    "an interface (-i)");
	if (o->read_file != NULL)
		options_usage_error("%s", "--compare reads its two captures "
		    "itself: no -r");
}

/* The options together: conflicts, and what follows from them. */
static void
options_check(struct options *o)
{
	options_check_compare(o);
	if (o->compare[0] != NULL)
		return;
	options_check_influx(o);
	if (o->read_file == NULL && o->live.iface == NULL &&
	    o->hep_listen == NULL)
		options_usage_error("%s", "nothing to read: give -i IFACE, "
		    "-r FILE or --hep-listen");
	if (o->read_file != NULL && o->hep_listen != NULL)
		options_usage_error("%s", "--hep-listen takes live traffic: "
		    "beside -i, or alone, not with -r");
	/* The secret: the environment first, then the config file. */
	o->hep_key = getenv("VQPROBE_HEP_KEY");
	if (o->hep_key == NULL || o->hep_key[0] == '\0')
		o->hep_key = o->file_hep_key;
	if (o->read_file != NULL && o->live.iface != NULL)
		options_usage_error("%s", "give -i IFACE or -r FILE, not both");
	if (o->live.iface != NULL || o->hep_listen != NULL) {
		if (o->pipeline.realtime)
			options_usage_error("%s", "--realtime paces a file (-r)");
		/* Live, the kernel cuts: the file's cut is not needed. */
		o->live.snaplen = (uint32_t)o->snaplen;
	} else {
		if (o->user != NULL)
			options_usage_error("%s", "-Z drops root after opening "
			    "an interface (-i)");
		o->pipeline.snaplen = (uint32_t)o->snaplen;
	}
	if (o->jb_ms != 0)
		o->pipeline.analysis.jbuf.nominal_ms = (double)o->jb_ms;
	if (o->tui == -1)
		o->tui = isatty(STDOUT_FILENO) && isatty(STDIN_FILENO) &&
		    (o->json_path == NULL || strcmp(o->json_path, "-") != 0);
	if (o->tui && o->json_path != NULL && strcmp(o->json_path, "-") == 0)
		options_usage_error("%s",
		    "--tui and --json - both want standard output");
	if (o->tui || o->report_dir != NULL) {
		/* What the view and the evidence show beyond the report. */
		o->pipeline.analysis.keep_sip = 1;
		o->pipeline.analysis.keep_points = 360;
	}
	if (o->tui)
		o->pipeline.live_view = 1;
}

void
options_parse(struct options *o, int argc, char **argv)
{
	memset(o, 0, sizeof(*o));
	pipeline_config_default(&o->pipeline);
	capture_live_config_default(&o->live);
	influx_config_default(&o->influx);
	sla_targets_default(&o->sla_targets);
	o->tui = -1;
	o->tui_calls = TUI_KEEP_ENDED;
	o->hep_id = 2001;
	o->log_dest = LOG_TO_STDERR;
	o->log_level = LOG_LEVEL_DEFAULT;
	if (gethostname(o->host, sizeof(o->host) - 1) != 0 || !o->host[0])
		snprintf(o->host, sizeof(o->host), "vqprobe");
	o->export.probe = o->host;
	options_load_file(o, argc, argv);
	options_command_line(o, argc, argv);
	options_check(o);
}

void
options_free(struct options *o)
{
	size_t i;

	for (i = 0; i < o->n_file_values; i++)
		free(o->file_values[i]);
	free(o->file_values);
	subnet_labels_free(o->subnets);
	subnet_labels_free(o->home_net);
	o->home_net = NULL;
	o->file_values = NULL;
	o->n_file_values = 0;
	o->subnets = NULL;
}
