/*
 * vqprobe: a passive SIP/RTP call-quality probe.
 *
 * This file owns the run: take the options (probe/options.c), open the
 * source, run the pipeline over it until it ends or a signal says stop,
 * write the reports.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/compare/compare.h"
#include "probe/log.h"
#include "probe/options.h"
#include "probe/output/evidence.h"
#include "probe/output/export.h"
#include "probe/output/hep-out.h"
#include "probe/output/influx.h"
#include "probe/output/report.h"
#include "probe/output/sla.h"
#include "probe/output/summary.h"
#include "probe/pipeline/capture.h"
#include "probe/pipeline/pipeline.h"
#include "probe/privs.h"
#include "probe/vqprobe.h"
#include "tui/tui.h"

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
 * summary sink) within a metrics interval.  While the terminal view is
 * open, it takes SIGHUP over: there the signal says its terminal hung up,
 * and the view ends as on q (tui.h).
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

/*
 * The capture of the options, filter set: an interface, a file, HEP input
 * alone, or an interface with HEP input beside it.  Exits 2 with one line
 * on failure.
 */
static struct capture *
open_source(const struct options *opt)
{
	struct capture *cap;
	char *cause = NULL;

	if (opt->live.iface != NULL)
		cap = capture_open_live(&opt->live, &cause);
	else if (opt->hep_listen != NULL)
		cap = capture_open_hep(opt->hep_listen, opt->hep_key, &cause);
	else
		cap = capture_open_file(opt->read_file, &cause);
	if (cap != NULL && opt->live.iface != NULL && opt->hep_listen != NULL &&
	    capture_add_hep(cap, opt->hep_listen, opt->hep_key, &cause) != 0) {
		capture_close(cap);
		cap = NULL;
	}
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
	/*
	 * Root was needed to open the interface and bind the HEP port, and
	 * for nothing after.
	 */
	if (opt->user != NULL && privs_drop(opt->user, &cause) != 0) {
		fprintf(stderr, "vqprobe: %s\n", cause);
		free(cause);
		exit(VQ_EXIT_USAGE);
	}
	return cap;
}

/*
 * --compare: two captures of one path, read, paired and written; no
 * pipeline, no signals to catch (a run of seconds).  The exit status.
 */
static int
run_compare(const struct options *opt)
{
	struct compare_config cfg;
	char *cause = NULL;
	int status;

	memset(&cfg, 0, sizeof(cfg));
	cfg.file[0] = opt->compare[0];
	cfg.file[1] = opt->compare[1];
	cfg.name[0] = opt->points[0];
	cfg.name[1] = opt->points[1];
	cfg.json_path = opt->json_path;
	cfg.report_dir = opt->report_dir;
	cfg.table = !opt->no_table && (opt->json_path == NULL ||
	    strcmp(opt->json_path, "-") != 0);
	if ((status = compare_run(&cfg, &cause)) != 0) {
		fprintf(stderr, "vqprobe: %s\n", cause);
		free(cause);
	}
	return status;
}

/*
 * --hep: the HEP thread, and its tap on the capture thread (set in the
 * pipeline's configuration, so before the pipeline is made).  A bad URL
 * exits 2 with one line.
 */
static struct hep_out *
start_hep(struct options *opt)
{
	struct hep_out_config cfg;
	struct hep_out *hep;
	char *cause = NULL;

	hep_out_config_default(&cfg);
	cfg.url = opt->hep_url;
	cfg.capture_id = (uint32_t)opt->hep_id;
	cfg.auth_key = opt->hep_key;
	if ((hep = hep_out_start(&cfg, &cause)) == NULL) {
		fprintf(stderr, "vqprobe: %s\n", cause);
		free(cause);
		exit(VQ_EXIT_USAGE);
	}
	opt->pipeline.tap = hep_out_tap;
	opt->pipeline.tap_arg = hep_out_tap_arg(hep);
	return hep;
}

/*
 * The end of --hep: a few seconds to send what waits, then one line of
 * what was sent and, when something was not, a warning saying how much.
 */
static void
stop_hep(struct hep_out *hep)
{
	struct hep_out_stats st;
	uint64_t left;
	char line[512];

	left = hep_out_stop(hep, 3000);
	hep_out_stats(hep, &st);
	hep_out_format_stats(&st, line, sizeof(line));
	log_notice("hep: %s", line);
	if (left > 0)
		warnx_vq("%llu HEP packets could not be delivered",
		    (unsigned long long)left);
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

/* What the pipeline keeps for the view: no more than the view shows. */
static void
view_prune(void *arg, struct snapshot *kept)
{
	struct view *v = arg;

	tui_prune(v->tui, kept);
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
	/* q, or the terminal hung up: the run ends as if stopped. */
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
	struct hep_out *hep = NULL;
	struct exporter *exporter = NULL;
	struct evidence *evidence = NULL;
	struct evidence_config ecfg;
	struct summary *summary;
	struct report_table *table = NULL;
	struct report_json *json = NULL;
	struct sla *sla = NULL;
	struct snapshot snap;
	struct view view;
	char *cause = NULL;
	const char *source;
	char hep_source[SNAP_TEXT_LEN];
	int status = 0;

	vqprobe_set_fatal_hook(tui_restore_terminal);
	options_parse(&opt, argc, argv);
	if (opt.compare[0] != NULL) {
		status = run_compare(&opt);
		options_free(&opt);
		return status;
	}
	/* Usage errors are behind: from here on, messages go to the log. */
	log_open(opt.log_dest, opt.log_level);
	/*
	 * From here a stop is a stop, not a kill: a service manager may send
	 * SIGTERM while the capture opens and the pipeline is made (after -Z
	 * gives up root, as a test waits for), and the outputs must still be
	 * written.
	 */
	catch_signals();
	if (opt.live.iface != NULL)
		source = opt.live.iface;
	else if (opt.hep_listen != NULL) {
		snprintf(hep_source, sizeof(hep_source), "hep:%s",
		    opt.hep_listen);
		source = hep_source;
	} else
		source = opt.read_file;
	cap = open_source(&opt);
	if (opt.report_dir != NULL) {
		/* After the capture is open: as the user -Z names. */
		evidence_config_default(&ecfg);
		ecfg.dir = opt.report_dir;
		ecfg.probe = opt.export.probe;
		ecfg.source = source;
		ecfg.live = opt.live.iface != NULL || opt.hep_listen != NULL;
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
	if (opt.hep_url != NULL)
		hep = start_hep(&opt);
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
	/*
	 * The month per label value, for the JSON report's "sla" and
	 * --report's sla.html.  Its sink comes before the report's, which
	 * takes each call's and stream's labels from it.
	 */
	if (opt.json_path != NULL || evidence != NULL) {
		struct sla_config scfg;
		struct pipeline_sink sink;

		memset(&scfg, 0, sizeof(scfg));
		scfg.labels.subnets = opt.subnets;
		scfg.labels.labels = opt.export.labels;
		scfg.labels.n_labels = opt.export.n_labels;
		scfg.targets = opt.sla_targets;
		scfg.pages = evidence != NULL;
		sla = sla_new(&scfg);
		sla_sink(sla, &sink);
		pipeline_add_sink(pl, &sink);
		if (evidence != NULL)
			evidence_set_sla(evidence, sla);
	}
	if (opt.json_path != NULL) {
		struct pipeline_sink sink;

		if ((json = report_json_new(opt.json_path, &cause)) == NULL) {
			fprintf(stderr, "vqprobe: %s\n", cause);
			free(cause);
			exit(VQ_EXIT_USAGE);
		}
		report_json_set_sla(json, sla);
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
	if (hep != NULL) {
		struct pipeline_sink sink;

		hep_out_sink(hep, &sink);
		pipeline_add_sink(pl, &sink);
	}
	/* The interval's line at info, and SIGHUP's log reopening. */
	summary = summary_add(pl, influx);
	summary_set_hep(summary, hep);
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
		tui_keep(view.tui, opt.tui_calls);
		pipeline_set_prune(pl, view_prune, &view);
		view.pipeline = pl;
		view.influx = influx;
		view.source = source;
		view.live = opt.live.iface != NULL || opt.hep_listen != NULL;
		view.started_us = mono_us();
	}
	if (pipeline_run(pl, view.tui ? view_poll : NULL, &view, &cause) != 0) {
		/*
		 * A file cut mid-record: report what was read, and say so.  An
		 * interface gone away is a failure (exit 1, as tcpdump's), so
		 * that a service manager restarts the probe: the outputs are
		 * written all the same.
		 */
		if (opt.live.iface != NULL || opt.hep_listen != NULL) {
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
	if (hep != NULL)
		stop_hep(hep);
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
		 * The final state stays on screen until q (or until the
		 * terminal hangs up), unless the run was stopped by the user,
		 * a signal or a hangup: then it is time to go.
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
	sla_free(sla);
	exporter_free(exporter);
	summary_free(summary);
	evidence_free(evidence);
	influx_free(influx);
	hep_out_free(hep);
	pipeline_free(pl);
	capture_close(cap);
	options_free(&opt);
	return status;
}
