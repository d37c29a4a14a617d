/*
 * tui-drive: runs the terminal view on a JSON report (vqprobe --json) until
 * q, for tests/tui.test.
 *
 * A report has neither the SIP messages nor the per-interval figures, so
 * the driver makes them up from the call's timings and the stream's
 * summary: a plausible ladder whose raw text carries the report's From,
 * To and Call-ID decoded back to the bytes the sender wrote (%XX undone,
 * escape sequences included), and intervals whose worst has the stream's
 * minimum MOS.  They exercise the view; they are not measurements.
 *
 *   tui-drive [--dump] [--copies N] [--live] [--tui-calls N]
 *             [--pid-file FILE] REPORT.json
 *
 * --dump prints what the list shows of each call (figures, colours, the
 * verdict) as JSON, without a terminal;
 * --tui-calls N keeps what vqprobe --tui-calls N keeps (without it, every
 * call of the report): with --dump, the output is then an object, the
 * rows kept under "calls" and how many were not kept under "not_kept";
 * --copies N shows every call N times (scrolling through thousands);
 * --live sends an update every second as a live probe would.
 */
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/tui.h"

/* The static names the snapshot points to. */
static const char *const drive_states[] = {
	"setup", "ringing", "in_call", "completed", "cancelled", "busy",
	"diverted", "rejected", "timeout", NULL
};

/* calloc or die. */
static void *
drive_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL) {
		fprintf(stderr, "tui-drive: out of memory\n");
		exit(1);
	}
	return p;
}

/* A member of an object, or NULL when missing or null. */
static struct json_object *
drive_get(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    json_object_get_type(v) == json_type_null)
		return NULL;
	return v;
}

/* A number member, or dflt. */
static double
drive_num(struct json_object *o, const char *key, double dflt)
{
	struct json_object *v = drive_get(o, key);

	return v ? json_object_get_double(v) : dflt;
}

/* A string member copied into buf, "" when missing. */
static void
drive_str(struct json_object *o, const char *key, char *buf, size_t size)
{
	struct json_object *v = drive_get(o, key);

	snprintf(buf, size, "%s", v ? json_object_get_string(v) : "");
}

/* The static name equal to s, or "other". */
static const char *
drive_state(const char *s)
{
	size_t i;

	for (i = 0; drive_states[i] != NULL; i++)
		if (strcmp(drive_states[i], s) == 0)
			return drive_states[i];
	return "other";
}

/* Undo the report's %XX escaping: the bytes the sender wrote. */
static void
drive_unescape(const char *s, char *out, size_t size)
{
	size_t n = 0;
	unsigned int byte;

	while (*s != '\0' && n + 1 < size) {
		if (s[0] == '%' && s[1] != '\0' && s[2] != '\0' &&
		    sscanf(s + 1, "%2x", &byte) == 1) {
			out[n++] = (char)byte;
			s += 3;
		} else
			out[n++] = *s++;
	}
	out[n] = '\0';
}

/* The address of "ip:port" or "[v6]:port" with port 5060; out unchanged without one. */
static void
drive_sip_endpoint(const char *media, char *out, size_t size)
{
	const char *colon = strrchr(media, ':');

	if (colon != NULL && colon > media)
		snprintf(out, size, "%.*s:5060", (int)(colon - media), media);
}

/* Add one made-up SIP message to a call. */
static void
drive_msg(struct snap_call *c, double at_s, const char *src, const char *dst,
    const char *summary, int sdp, const char *from, const char *to,
    const char *call_id)
{
	struct snap_sip_msg *m;
	char text[2048];
	int n, request = !(summary[0] >= '1' && summary[0] <= '6');

	c->msgs = realloc(c->msgs, (c->n_msgs + 1) * sizeof(*c->msgs));
	if (c->msgs == NULL) {
		fprintf(stderr, "tui-drive: out of memory\n");
		exit(1);
	}
	m = &c->msgs[c->n_msgs++];
	memset(m, 0, sizeof(*m));
	m->ts_us = (int64_t)(at_s * 1e6);
	snprintf(m->src, sizeof(m->src), "%s", src);
	snprintf(m->dst, sizeof(m->dst), "%s", dst);
	snprintf(m->summary, sizeof(m->summary), "%s", summary);
	m->is_request = request;
	m->has_sdp = sdp;
	if (request)
		n = snprintf(text, sizeof(text), "%s sip:%s SIP/2.0\r\n", summary,
		    to + (strncmp(to, "sip:", 4) == 0 ? 4 : 0));
	else
		n = snprintf(text, sizeof(text), "SIP/2.0 %s\r\n", summary);
	n += snprintf(text + n, sizeof(text) - (size_t)n,
	    "Via: SIP/2.0/UDP %s;branch=z9hG4bK%zu\r\n"
	    "From: <%s>;tag=1\r\nTo: <%s>\r\nCall-ID: %s\r\nCSeq: 1 %s\r\n"
	    "Content-Length: %d\r\n\r\n%s", request ? src : dst, c->n_msgs,
	    from, to, call_id, request ? summary : "INVITE", sdp ? 27 : 0,
	    sdp ? "v=0\r\nm=audio 40000 RTP/AVP 0\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(text))
		n = (int)sizeof(text) - 1;
	m->text = drive_calloc(1, (size_t)n + 1);
	memcpy(m->text, text, (size_t)n);
	m->text_len = (size_t)n;
}

/* A plausible ladder from the call's timings. */
static void
drive_ladder(struct snap_call *c, const char *caller, const char *callee)
{
	char from[SNAP_TEXT_LEN], to[SNAP_TEXT_LEN], id[SNAP_TEXT_LEN];
	char final[SNAP_SUMMARY_LEN];
	double t0 = c->start_s, end;

	drive_unescape(c->from, from, sizeof(from));
	drive_unescape(c->to, to, sizeof(to));
	drive_unescape(c->call_id, id, sizeof(id));
	drive_msg(c, t0, caller, callee, "INVITE", 1, from, to, id);
	drive_msg(c, t0 + 0.02, callee, caller, "100 Trying", 0, from, to, id);
	if (c->pdd_ms >= 0)
		drive_msg(c, t0 + c->pdd_ms / 1e3, callee, caller, "180 Ringing", 0,
		    from, to, id);
	if (c->setup_ms >= 0) {
		double ok = t0 + c->setup_ms / 1e3;

		drive_msg(c, ok, callee, caller, "200 OK", 1, from, to, id);
		drive_msg(c, ok + 0.03, caller, callee, "ACK", 0, from, to, id);
		if (c->duration_s >= 0) {
			int by_callee = strcmp(c->end_reason, "bye_callee") == 0;
			double bye = ok + c->duration_s;

			drive_msg(c, bye, by_callee ? callee : caller,
			    by_callee ? caller : callee, "BYE", 0, from, to, id);
			drive_msg(c, bye + 0.02, by_callee ? caller : callee,
			    by_callee ? callee : caller, "200 OK", 0, from, to, id);
		}
		return;
	}
	if (c->final_code == 0)
		return;
	end = c->end_s >= 0 ? c->end_s : t0 + 1;
	if (c->final_code == 487) {
		drive_msg(c, end - 0.05, caller, callee, "CANCEL", 0, from, to, id);
		drive_msg(c, end - 0.03, callee, caller, "200 OK", 0, from, to, id);
	}
	snprintf(final, sizeof(final), "%d %s", c->final_code,
	    c->final_code == 486 ? "Busy Here" : c->final_code == 487 ?
	    "Request Terminated" : "Failed");
	drive_msg(c, end, callee, caller, final, 0, from, to, id);
	drive_msg(c, end + 0.01, caller, callee, "ACK", 0, from, to, id);
}

/* Made-up intervals: steady at the average, the worst at the minimum. */
static void
drive_points(struct snap_stream *s, double start_s)
{
	size_t i, n = s->quality.intervals ? s->quality.intervals : 1, worst;

	if (s->rtp.packets == 0)
		return;
	s->points = drive_calloc(n, sizeof(*s->points));
	s->n_points = n;
	worst = n / 2;
	for (i = 0; i < n; i++) {
		struct snap_point *p = &s->points[i];

		p->end_us = (int64_t)((start_s + 10.0 * (double)(i + 1)) * 1e6);
		p->expected = s->rtp.expected / n;
		p->packets = s->rtp.packets / n;
		p->have_mos = s->quality.have_mos;
		p->mos = i == worst ? s->quality.mos_min : s->quality.mos_avg;
		p->jitter_ms = i == worst ? s->rtp.jitter_max_ms :
		    s->rtp.jitter_mean_ms;
		p->max_jitter_ms = p->jitter_ms;
		if (i == worst) {
			p->lost = s->rtp.lost;
			p->jb_discards = s->quality.jb_discards;
			p->loss_pct = p->expected ?
			    100.0 * (double)p->lost / (double)p->expected : 0;
		}
	}
}

/* A stream from the report. */
/* One segment of the report's, as segments_of made it. */
static void
drive_segment(struct json_object *o, struct segment *g)
{
	static const enum segment_source sources[] = { SEGMENT_PROBE,
	    SEGMENT_RTCP, SEGMENT_RTCP_XR, SEGMENT_RFC6035 };
	char buf[32];
	size_t i;

	drive_str(o, "source", buf, sizeof(buf));
	for (i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (strcmp(buf, segments_source_name(sources[i])) == 0)
			g->source = sources[i];
	g->have_lost = drive_get(o, "lost") != NULL;
	g->lost = (int64_t)drive_num(o, "lost", 0);
	g->have_loss = drive_get(o, "loss_pct") != NULL;
	g->loss_pct = drive_num(o, "loss_pct", 0);
	g->have_jitter = drive_get(o, "jitter_ms") != NULL;
	g->jitter_ms = drive_num(o, "jitter_ms", 0);
	g->have_jitter_added = drive_get(o, "jitter_added_ms") != NULL;
	g->jitter_added_ms = drive_num(o, "jitter_added_ms", 0);
}

/* A stream's segments and the way it crosses the site's edge. */
static void
drive_segments(struct json_object *o, struct snap_stream *s)
{
	static const enum segment_way ways[] = { SEGMENT_INBOUND,
	    SEGMENT_OUTBOUND, SEGMENT_INTERNAL, SEGMENT_EXTERNAL };
	char buf[32];
	size_t i;

	if (o == NULL)
		return;
	drive_str(o, "way", buf, sizeof(buf));
	for (i = 0; i < sizeof(ways) / sizeof(ways[0]); i++)
		if (strcmp(buf, segments_way_name(ways[i])) == 0)
			s->way = ways[i];
	drive_segment(drive_get(o, "before_probe"), &s->seg.before);
	drive_segment(drive_get(o, "after_probe"), &s->seg.after);
}

static void
drive_stream(struct json_object *o, struct snap_stream *s)
{
	struct json_object *jit = drive_get(o, "jitter_ms");
	struct json_object *mos = drive_get(o, "mos");
	struct json_object *far = drive_get(o, "far_end");
	struct json_object *xr = drive_get(far, "xr");
	struct json_object *vq = drive_get(far, "vq_report");
	char buf[SNAP_TEXT_LEN];
	int m;

	s->id = (unsigned)drive_num(o, "id", 0);
	s->order = s->id;
	drive_str(o, "direction", buf, sizeof(buf));
	s->direction = strcmp(buf, "caller") == 0 ? "caller" :
	    strcmp(buf, "callee") == 0 ? "callee" : NULL;
	drive_str(o, "src", s->src, sizeof(s->src));
	drive_str(o, "dst", s->dst, sizeof(s->dst));
	drive_str(o, "ssrc", buf, sizeof(buf));
	s->ssrc = (uint32_t)strtoul(buf, NULL, 16);
	s->payload_type = (int)drive_num(o, "payload_type", -1);
	drive_str(o, "codec", s->codec, sizeof(s->codec));
	s->clock_rate_hz = (uint32_t)drive_num(o, "clock_rate", 0);
	s->dscp = (int)drive_num(o, "dscp", -1);
	s->dscp_changes = (uint32_t)drive_num(o, "dscp_changes", 0);
	s->vlan = (int)drive_num(o, "vlan", -1);
	s->rtp.packets = (uint64_t)drive_num(o, "packets", 0);
	s->rtp.expected = (uint64_t)drive_num(o, "expected", 0);
	s->rtp.lost = (uint64_t)drive_num(o, "lost", 0);
	s->rtp.duplicates = (uint64_t)drive_num(o, "duplicates", 0);
	s->rtp.out_of_order = (uint64_t)drive_num(o, "out_of_order", 0);
	s->rtp.loss_pct = drive_num(o, "loss_pct", 0);
	s->rtp.burst_ratio = drive_num(o, "burst_ratio", 1);
	s->rtp.jitter_mean_ms = drive_num(jit, "mean", 0);
	s->rtp.jitter_max_ms = drive_num(jit, "max", 0);
	s->rtp.max_delta_ms = drive_num(o, "max_delta_ms", 0);
	s->quality.jb_discards = (uint64_t)drive_num(o, "jb_discards", 0);
	s->quality.delay_ms = drive_num(o, "delay_ms", 0);
	s->quality.have_mos = drive_get(mos, "call") != NULL;
	s->quality.mos_call = drive_num(mos, "call", 0);
	s->quality.mos_min = drive_num(mos, "min", 0);
	s->quality.mos_avg = drive_num(mos, "avg", 0);
	s->quality.intervals = (uint32_t)drive_num(mos, "intervals", 0);
	s->quality.r_call = drive_num(o, "r_factor", 0);
	if (far != NULL) {
		s->far.reports = (uint32_t)drive_num(far, "reports", 0);
		s->far.fraction_lost_pct = drive_num(far, "fraction_lost_pct", 0);
		s->far.cumulative_lost = (int32_t)drive_num(far, "cumulative_lost", 0);
		s->far.jitter_ms = drive_num(far, "jitter_ms", 0);
		s->far.have_rtt = drive_get(far, "rtt_ms") != NULL;
		s->far.rtt_ms = drive_num(far, "rtt_ms", 0);
		s->far.have_sender = drive_get(far, "sender_packets") != NULL;
		s->far.sender_packets = (uint32_t)drive_num(far, "sender_packets", 0);
		s->far.have_xr = xr != NULL;
		s->far.xr_loss_pct = drive_num(xr, "loss_pct", 0);
		s->far.xr_discard_pct = drive_num(xr, "discard_pct", 0);
		s->far.xr_r_factor = (int)drive_num(xr, "r_factor", -1);
		s->far.xr_mos_lq = drive_num(xr, "mos_lq", -1);
		s->far.xr_mos_cq = drive_num(xr, "mos_cq", -1);
	}
	drive_segments(drive_get(o, "segments"), s);
	if (vq != NULL) {
		s->far.vq.reports = (uint32_t)drive_num(vq, "reports", 0);
		drive_str(vq, "source", buf, sizeof(buf));
		s->far.vq.by_receiver = strcmp(buf, "receiver") == 0;
		drive_str(vq, "reporter", s->far.vq.reporter,
		    sizeof(s->far.vq.reporter));
		for (m = 0; m < VQR_METRICS; m++) {
			const char *key = vqr_metric_info(m)->key;

			if (drive_get(vq, key) == NULL)
				continue;
			s->far.vq.metrics.present |= 1u << m;
			s->far.vq.metrics.value[m] = drive_num(vq, key, 0);
		}
	}
}

/* A call from the report; copy > 0 makes its Call-ID distinct. */
static void
drive_call(struct json_object *o, struct snap_call *c, size_t copy)
{
	char state[64];

	drive_str(o, "call_id", c->call_id, sizeof(c->call_id));
	if (copy > 0) {
		size_t n = strlen(c->call_id);

		snprintf(c->call_id + n, sizeof(c->call_id) - n, "-%zu", copy);
	}
	drive_str(o, "from", c->from, sizeof(c->from));
	drive_str(o, "to", c->to, sizeof(c->to));
	drive_str(o, "state", state, sizeof(state));
	c->state = drive_state(state);
	c->final_code = (int)drive_num(o, "final_code", 0);
	c->start_s = drive_num(o, "start", SNAP_NONE) + (double)copy;
	c->end_s = drive_num(o, "end", SNAP_NONE);
	if (c->end_s >= 0)
		c->end_s += (double)copy;
	c->pdd_ms = drive_num(o, "pdd_ms", SNAP_NONE);
	c->setup_ms = drive_num(o, "setup_ms", SNAP_NONE);
	c->duration_s = drive_num(o, "duration_s", SNAP_NONE);
	drive_str(o, "end_reason", c->end_reason, sizeof(c->end_reason));
	c->q850_cause = (int)drive_num(o, "q850_cause", -1);
	c->dialogs = (unsigned)drive_num(o, "dialogs", 1);
}

/* A snapshot of the report, every call and stream copies times. */
static int
drive_load(const char *path, size_t copies, struct snapshot *snap)
{
	struct json_object *root, *cap, *calls, *streams;
	size_t nc, ns, k, i, j, *base_call;
	char (*caller)[SNAP_ENDPOINT_LEN], (*callee)[SNAP_ENDPOINT_LEN];

	memset(snap, 0, sizeof(*snap));
	if ((root = json_object_from_file(path)) == NULL)
		return -1;
	cap = drive_get(root, "capture");
	calls = drive_get(root, "calls");
	streams = drive_get(root, "streams");
	drive_str(cap, "source", snap->capture.source,
	    sizeof(snap->capture.source));
	snap->capture.packets = (uint64_t)drive_num(cap, "packets", 0);
	snap->capture.kernel_drops = (int64_t)drive_num(cap, "kernel_drops", -1);
	snap->capture.probe_drops = (uint64_t)drive_num(cap, "probe_drops", 0);
	nc = calls ? json_object_array_length(calls) : 0;
	ns = streams ? json_object_array_length(streams) : 0;
	snap->calls = drive_calloc(nc * copies, sizeof(*snap->calls));
	snap->streams = drive_calloc(ns * copies, sizeof(*snap->streams));
	snap->n_calls = nc * copies;
	snap->n_streams = ns * copies;

	/*
	 * Which call of the report each stream belongs to: the ids each call
	 * lists (a Call-ID can come twice in one capture).
	 */
	base_call = drive_calloc(ns, sizeof(*base_call));
	for (j = 0; j < ns; j++)
		base_call[j] = SNAP_NO_CALL;
	for (i = 0; i < nc; i++) {
		struct json_object *ids = drive_get(
		    json_object_array_get_idx(calls, i), "streams");
		size_t n = ids ? json_object_array_length(ids) : 0, m;

		for (m = 0; m < n; m++) {
			int id = json_object_get_int(
			    json_object_array_get_idx(ids, m));

			for (j = 0; j < ns; j++)
				if (drive_num(json_object_array_get_idx(streams,
				    j), "id", -1) == id)
					base_call[j] = i;
		}
	}
	/* SIP endpoints: the caller's media address with port 5060. */
	caller = drive_calloc(nc ? nc : 1, sizeof(*caller));
	callee = drive_calloc(nc ? nc : 1, sizeof(*callee));
	for (i = 0; i < nc; i++) {
		snprintf(caller[i], sizeof(caller[i]), "192.0.2.1:5060");
		snprintf(callee[i], sizeof(callee[i]), "192.0.2.2:5060");
	}
	for (k = 0; k < copies; k++) {
		for (i = 0; i < nc; i++) {
			struct snap_call *c = &snap->calls[k * nc + i];

			drive_call(json_object_array_get_idx(calls, i), c, k);
			c->order = k * nc + i;
		}
		for (j = 0; j < ns; j++) {
			struct snap_stream *s = &snap->streams[k * ns + j];

			drive_stream(json_object_array_get_idx(streams, j), s);
			s->id += (unsigned)(k * ns);
			s->order = k * ns + j;
			s->call = SNAP_NO_CALL;
			if (base_call[j] != SNAP_NO_CALL)
				s->call = k * nc + base_call[j];
			if (k == 0 && s->call != SNAP_NO_CALL &&
			    s->direction != NULL &&
			    strcmp(s->direction, "caller") == 0) {
				drive_sip_endpoint(s->src, caller[s->call],
				    sizeof(caller[0]));
				drive_sip_endpoint(s->dst, callee[s->call],
				    sizeof(callee[0]));
			}
			drive_points(s, s->call != SNAP_NO_CALL ?
			    snap->calls[s->call].start_s : 0);
		}
	}
	for (i = 0; i < snap->n_calls; i++)
		drive_ladder(&snap->calls[i], caller[i % nc], callee[i % nc]);
	free(base_call);
	free(caller);
	free(callee);
	json_object_put(root);
	return 0;
}

/* One list cell as JSON: its text, and whether it is red. */
static void
drive_dump_cell(struct json_object *side, struct json_object *poor,
    const char *key, const char *reason, const struct tui_cell *c)
{
	json_object_object_add(side, key, json_object_new_string(c->text));
	json_object_object_add(poor, reason, json_object_new_boolean(
	    c->have && c->band == VERDICT_POOR));
}

/*
 * What the list shows of each call, as a JSON array on standard output
 * (tests/verdict.test compares it with the other outputs); with a bound,
 * an object: that array as "calls", and "not_kept".
 */
static void
drive_dump(const struct snapshot *snap, int bounded, size_t not_kept)
{
	struct json_object *all = json_object_new_array();
	struct tui_side_cells cells[2];
	size_t i;
	int k;

	for (i = 0; i < snap->n_calls; i++) {
		struct json_object *row = json_object_new_object();

		tui_list_cells(snap, i, cells);
		json_object_object_add(row, "call_id",
		    json_object_new_string(snap->calls[i].call_id));
		for (k = 0; k < 2; k++) {
			struct json_object *side = json_object_new_object();
			struct json_object *poor = json_object_new_object();

			json_object_object_add(side, "impaired",
			    json_object_new_boolean(cells[k].impaired));
			drive_dump_cell(side, poor, "mos", "mos", &cells[k].mos);
			drive_dump_cell(side, poor, "loss_pct", "loss",
			    &cells[k].loss_pct);
			drive_dump_cell(side, poor, "jitter_ms", "jitter",
			    &cells[k].jitter_ms);
			json_object_object_add(side, "poor", poor);
			json_object_object_add(row,
			    verdict_side_name((enum verdict_side)k), side);
		}
		json_object_array_add(all, row);
	}
	if (bounded) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "calls", all);
		json_object_object_add(o, "not_kept",
		    json_object_new_int64((int64_t)not_kept));
		all = o;
	}
	printf("%s\n", json_object_to_json_string_ext(all,
	    JSON_C_TO_STRING_PRETTY));
	json_object_put(all);
}

/* Load the report, open the view, update it until q. */
int
main(int argc, char **argv)
{
	struct snapshot snap;
	struct snap_status status;
	const char *cause, *pid_file = NULL;
	struct tui *view;
	size_t copies = 1, i, keep = SIZE_MAX;
	int live = 0, dump = 0, optind;
	double last_end = 0;

	for (optind = 1; optind < argc && argv[optind][0] == '-'; optind++) {
		if (strcmp(argv[optind], "--dump") == 0)
			dump = 1;
		else if (strcmp(argv[optind], "--copies") == 0 &&
		    optind + 1 < argc)
			copies = strtoul(argv[++optind], NULL, 10);
		else if (strcmp(argv[optind], "--live") == 0)
			live = 1;
		else if (strcmp(argv[optind], "--tui-calls") == 0 &&
		    optind + 1 < argc)
			keep = strtoul(argv[++optind], NULL, 10);
		else if (strcmp(argv[optind], "--pid-file") == 0 &&
		    optind + 1 < argc)
			pid_file = argv[++optind];
		else
			goto usage;
	}
	if (optind + 1 != argc || copies == 0 || copies > 100000)
		goto usage;
	if (drive_load(argv[optind], copies, &snap) != 0) {
		fprintf(stderr, "tui-drive: cannot read %s\n", argv[optind]);
		return 2;
	}
	if (dump) {
		size_t not_kept = 0;

		if (keep != SIZE_MAX)
			not_kept = tui_keep_calls(&snap, keep);
		drive_dump(&snap, keep != SIZE_MAX, not_kept);
		snapshot_release(&snap);
		return 0;
	}
	if (pid_file != NULL) {
		FILE *f = fopen(pid_file, "w");

		if (f != NULL) {
			fprintf(f, "%ld\n", (long)getpid());
			fclose(f);
		}
	}
	memset(&status, 0, sizeof(status));
	snprintf(status.source, sizeof(status.source), "%s", snap.capture.source);
	for (i = 0; i < snap.n_calls; i++)
		if (snap.calls[i].end_s > last_end)
			last_end = snap.calls[i].end_s;
	status.capture_us = (int64_t)(last_end * 1e6);
	status.packets = snap.capture.packets;
	status.kernel_drops = snap.capture.kernel_drops;
	status.probe_drops = snap.capture.probe_drops;
	status.live = live;
	status.finished = !live;
	if (live)
		status.exporter_state = "ok";

	if ((view = tui_open(&cause)) == NULL) {
		fprintf(stderr, "tui-drive: %s\n", cause);
		snapshot_release(&snap);
		return 1;
	}
	tui_keep(view, keep);
	tui_update(view, &snap, &status);
	while (!tui_poll(view, 1000)) {
		if (!live)
			continue;
		/* A live probe: a new snapshot every second. */
		status.uptime_s += 1;
		status.packets_per_s = 100;
		status.active_calls = snap.n_calls;
		status.active_streams = snap.n_streams;
		tui_update(view, &snap, &status);
	}
	tui_close(view);
	snapshot_release(&snap);
	return 0;
usage:
	fprintf(stderr, "usage: tui-drive [--dump] [--copies N] [--live] "
	    "[--tui-calls N] [--pid-file FILE] REPORT.json\n");
	return 2;
}
