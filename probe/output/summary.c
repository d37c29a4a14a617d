/*
 * The log's view of a run (see summary.h).
 *
 * The interval line, at info, is key=value pairs after the word
 * "interval", so that it reads as a sentence and greps as a record:
 *
 *   interval end=2024-06-01T22:13:30Z packets=1978 bytes=240123
 *   active_calls=4 active_streams=4 ended_calls=2 kernel_drops=0
 *   probe_drops=0 exporter=ok spool_bytes=0
 *
 * (one line).  end is the interval's end in capture time (UTC); packets,
 * bytes, ended_calls and the drops count that interval only; the active
 * figures and spool_bytes are at its end.  kernel_drops is "-" for a file,
 * exporter "none" without --influx.  With --hep, the HEP counters follow
 * (hep-out.h: hep_delivered=... hep_dropped_queue=..., since the start).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe/log.h"
#include "probe/output/summary.h"
#include "probe/vqprobe.h"

struct summary {
	struct influx	*influx;	/* NULL: no exporter */
	struct hep_out	*hep;		/* NULL: no --hep */
	int		 state;		/* the exporter's, at the last interval */
	uint64_t	 ended_calls;	/* since the last interval */
	struct snap_counters last;	/* the capture's, at the last interval */
};

/* "2024-06-01T22:13:30Z" for a capture time in microseconds. */
static void
summary_time(char *buf, size_t size, int64_t ts_us)
{
	time_t t = (time_t)(ts_us / 1000000);
	struct tm tm;

	if (ts_us < 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "-");
}

/* A change of the exporter's state, worth a line whatever the interval. */
static void
summary_exporter_state(struct summary *s, const struct influx_stats *st)
{
	if (st->state == s->state)
		return;
	switch (st->state) {
	case INFLUX_OK:
		log_notice("exporter ok: delivering again (was %s)",
		    influx_state_name(s->state));
		break;
	case INFLUX_RETRYING:
		log_warning("exporter retrying: the server does not take "
		    "metrics; they wait in memory (HTTP status %d)",
		    st->last_status);
		break;
	case INFLUX_SPOOLING:
		log_warning("exporter spooling: %llu bytes of metrics wait "
		    "on disk", (unsigned long long)st->spool_bytes);
		break;
	default:
		log_error("exporter: the server refuses the credentials "
		    "(HTTP status %d); metrics wait", st->last_status);
		break;
	}
	s->state = st->state;
}

static void
on_interval(void *arg, const struct snap_interval *iv,
    const struct pipeline_progress *pr)
{
	struct summary *s = arg;
	struct influx_stats st;
	char end[32], kernel[24], hep[512];
	struct hep_out_stats hs;

	log_service();
	memset(&st, 0, sizeof(st));
	if (s->influx != NULL) {
		influx_stats(s->influx, &st);
		summary_exporter_state(s, &st);
	}
	if (log_enabled(LOG_LEVEL_INFO)) {
		summary_time(end, sizeof(end), iv->end_us);
		if (pr->capture.kernel_drops < 0)
			snprintf(kernel, sizeof(kernel), "-");
		else
			snprintf(kernel, sizeof(kernel), "%lld",
			    (long long)(pr->capture.kernel_drops -
			    s->last.kernel_drops));
		hep[0] = '\0';
		if (s->hep != NULL) {
			hep[0] = ' ';
			hep_out_stats(s->hep, &hs);
			hep_out_format_stats(&hs, hep + 1, sizeof(hep) - 1);
		}
		log_info("interval end=%s packets=%llu bytes=%llu "
		    "active_calls=%llu active_streams=%llu ended_calls=%llu "
		    "kernel_drops=%s probe_drops=%llu exporter=%s "
		    "spool_bytes=%llu%s", end,
		    (unsigned long long)(pr->capture.packets - s->last.packets),
		    (unsigned long long)(pr->capture.bytes - s->last.bytes),
		    (unsigned long long)iv->active_calls,
		    (unsigned long long)iv->active_streams,
		    (unsigned long long)s->ended_calls, kernel,
		    (unsigned long long)(pr->capture.probe_drops -
		    s->last.probe_drops),
		    s->influx != NULL ? influx_state_name(st.state) : "none",
		    (unsigned long long)st.spool_bytes, hep);
	}
	s->last = pr->capture;
	s->ended_calls = 0;
}

/*
 * A call or stream that ended, or what a worker held at the end.  A call
 * alone, outside the end, is a call that ended (as the exporter reads it).
 */
static void
on_part(void *arg, const struct snapshot *part, int final)
{
	struct summary *s = arg;
	const struct snap_call *c;

	log_service();
	if (final || part->n_calls != 1 || part->n_streams != 0)
		return;
	s->ended_calls++;
	c = &part->calls[0];
	/* The snapshot's strings are escaped already (probe/text.h). */
	log_debug("call ended: call_id=%s state=%s final_code=%d "
	    "end_reason=\"%s\"", c->call_id, c->state ? c->state : "-",
	    c->final_code, c->end_reason);
}

struct summary *
summary_add(struct pipeline *pl, struct influx *influx)
{
	struct summary *s = xcalloc(1, sizeof(*s));
	struct pipeline_sink sink;

	s->influx = influx;
	s->state = INFLUX_OK;
	memset(&sink, 0, sizeof(sink));
	sink.part = on_part;
	sink.interval = on_interval;
	sink.arg = s;
	pipeline_add_sink(pl, &sink);
	return s;
}

void
summary_set_hep(struct summary *s, struct hep_out *hep)
{
	s->hep = hep;
}

void
summary_free(struct summary *s)
{
	free(s);
}
