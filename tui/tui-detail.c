/*
 * The detail of a call: its SIP ladder with timings, the raw text of the
 * selected message, and per direction what the probe measured beside what
 * the far end reported in RTCP, with sparklines per metrics interval.  A
 * stream without a call gets the media part only.
 *
 * The raw text is the only thing on screen that is not already safe: it
 * is the sender's bytes.  Every byte outside printable ASCII is shown as
 * a visible escape in its own colour (ESC as ^[, DEL as ^?, other control
 * characters as ^X, bytes from 0x80 as \xNN), so no escape sequence, line
 * break or invalid UTF-8 in it reaches the terminal.
 */
#include <stdio.h>
#include <string.h>

#include "tui/tui-private.h"

#define TUI_MAX_ENDPOINTS	8
#define TUI_TIME_WIDTH		8

/* Where the parts of the detail go. */
struct tui_detail_layout {
	int	top;		/* first row below the title */
	int	flow_rows;	/* ladder and raw text, 0 for a stream alone */
	int	ladder_width;	/* the raw text is right of it */
	int	media_top;
	int	media_rows;
	int	compact;	/* 3 rows per stream rather than 5 */
};

/* The streams the detail shows: a call's, or the one stream without a call. */
static size_t
tui_detail_streams(const struct tui *t, const size_t **list)
{
	if (t->detail_call != SNAP_NO_CALL) {
		const struct tui_call_info *info = &t->info[t->detail_call];

		*list = t->call_streams + info->first;
		return info->n_streams;
	}
	*list = &t->detail_stream;
	return t->detail_stream != SNAP_NO_CALL;
}

/* Share the rows between the ladder and the media figures. */
static void
tui_detail_layout(const struct tui *t, struct tui_detail_layout *l)
{
	const size_t *streams;
	size_t n = tui_detail_streams(t, &streams), i;
	int avail, full, compact;

	l->top = 2;
	avail = LINES - l->top - 1;
	full = 1 + (int)(n > 0 ? n : 1) * 6;
	/* A stream an endpoint reported on itself has a line more. */
	for (i = 0; i < n; i++)
		full += t->snap.streams[streams[i]].far.vq.reports > 0;
	compact = 1 + (int)(n > 0 ? n : 1) * 3;
	l->ladder_width = COLS >= 100 ? COLS * 55 / 100 : COLS / 2;
	if (t->detail_call == SNAP_NO_CALL) {
		l->flow_rows = 0;
		l->compact = 0;
		l->media_rows = avail;
	} else if (avail - full >= 10) {
		l->compact = 0;
		l->media_rows = full;
	} else {
		l->compact = 1;
		l->media_rows = compact;
		if (avail - compact < 6)
			l->media_rows = avail - 6;
	}
	if (t->detail_call != SNAP_NO_CALL)
		l->flow_rows = avail - l->media_rows;
	l->media_top = l->top + l->flow_rows;
}

/*
 * Lay out (and draw, when draw is set) the raw text of a message wrapped
 * at width, skipping the first skip lines, on rows rows from (y, x).
 * Returns how many lines the whole text takes.
 */
static size_t
tui_raw_text(const struct tui *t, const char *text, size_t len, int width,
    size_t skip, int y, int x, int rows, int draw)
{
	attr_t escaped = tui_style(t, TUI_ESCAPED);
	attr_t name = tui_style(t, TUI_LABEL);
	size_t line = 0, i = 0;
	int col = 0, in_name = 1;

	if (width < 8)
		return 0;
	while (i < len) {
		unsigned char c = (unsigned char)text[i];
		char token[8];
		int n, is_escape = 0, shown;

		if (c == '\n' || (c == '\r' && i + 1 < len && text[i + 1] == '\n')) {
			i += c == '\r' ? 2 : 1;
			line++;
			col = 0;
			in_name = 1;
			continue;
		}
		if (c == '\t') {
			n = 8 - col % 8;
			memset(token, ' ', (size_t)n);
			token[n] = '\0';
		} else if (c >= 0x20 && c < 0x7f) {
			token[0] = (char)c;
			token[1] = '\0';
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(token, sizeof(token), "^%c", c == 0x7f ? '?' : c + 0x40);
			is_escape = 1;
		} else {
			snprintf(token, sizeof(token), "\\x%02X", c);
			is_escape = 1;
		}
		n = (int)strlen(token);
		if (col + n > width) {
			line++;
			col = 0;
			if (c == '\t') {
				i++;
				continue;
			}
		}
		if (draw && line >= skip && line - skip < (size_t)rows) {
			attr_t attr = is_escape ? escaped : in_name ? name : A_NORMAL;

			shown = tui_put(y + (int)(line - skip), x + col, n, attr, token);
			(void)shown;
		}
		if (c == ':' || c == ' ' || is_escape)
			in_name = 0;
		col += n;
		i++;
	}
	return line + 1;
}

/* The raw text of the selected message, wrapped, from its line raw_top. */
static void
tui_raw_draw(const struct tui *t, const struct tui_detail_layout *l)
{
	const struct snap_call *c = &t->snap.calls[t->detail_call];
	const struct snap_sip_msg *m;
	int x = l->ladder_width + 1, width = COLS - x - 1, rows = l->flow_rows - 1;
	size_t lines;

	if (c->n_msgs == 0 || t->msgs.sel >= c->n_msgs)
		return;
	m = &c->msgs[t->msgs.sel];
	if (m->text == NULL) {
		tui_put(l->top + 1, x + 1, width, tui_style(t, TUI_DIM),
		    "(the text of this message was not kept)");
		return;
	}
	lines = tui_raw_text(t, m->text, m->text_len, width, 0, 0, 0, 0, 0);
	tui_putf(l->top, x + 1, width, tui_style(t, TUI_LABEL) | A_BOLD,
	    "%s  %zu bytes  lines %zu-%zu of %zu", m->summary, m->text_len,
	    lines > 0 ? t->raw_top + 1 : 0,
	    t->raw_top + (size_t)rows < lines ? t->raw_top + (size_t)rows : lines,
	    lines);
	tui_raw_text(t, m->text, m->text_len, width, t->raw_top, l->top + 1,
	    x + 1, rows, 1);
}

/* Lines the selected message's raw text takes on screen: how far PgDn goes. */
size_t
tui_detail_raw_lines(const struct tui *t)
{
	struct tui_detail_layout l;
	const struct snap_call *c;
	const struct snap_sip_msg *m;

	if (t->detail_call == SNAP_NO_CALL)
		return 0;
	c = &t->snap.calls[t->detail_call];
	if (t->msgs.sel >= c->n_msgs || c->msgs[t->msgs.sel].text == NULL)
		return 0;
	m = &c->msgs[t->msgs.sel];
	tui_detail_layout(t, &l);
	return tui_raw_text(t, m->text, m->text_len,
	    COLS - l.ladder_width - 2, 0, 0, 0, 0, 0);
}

/* The index of an endpoint among those of the ladder, added when new. */
static int
tui_endpoint(const char *names[TUI_MAX_ENDPOINTS], int *n, const char *name)
{
	int i;

	for (i = 0; i < *n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	if (*n == TUI_MAX_ENDPOINTS)
		return TUI_MAX_ENDPOINTS - 1;
	names[*n] = name;
	return (*n)++;
}

/* How a message's arrow looks: requests, then responses by class. */
static attr_t
tui_msg_style(const struct tui *t, const struct snap_sip_msg *m)
{
	if (m->is_request)
		return tui_style(t, TUI_REQUEST);
	if (m->summary[0] == '1')
		return tui_style(t, TUI_FAIR);
	if (m->summary[0] == '2')
		return tui_style(t, TUI_GOOD);
	return tui_style(t, TUI_BAD);
}

/* One message of the ladder: its time and an arrow between two endpoints. */
static void
tui_ladder_msg(const struct tui *t, int y, const struct snap_sip_msg *m,
    int64_t t0_us, int from, int to, int selected)
{
	attr_t attr = tui_msg_style(t, m) | (selected ? A_REVERSE : 0);
	int lo = from < to ? from : to, hi = from < to ? to : from;
	double rel = (double)(m->ts_us - t0_us) / 1e6;
	char label[SNAP_SUMMARY_LEN + 8];
	int n, room;

	tui_putf(y, 0, TUI_TIME_WIDTH, selected ? A_REVERSE : A_NORMAL,
	    rel < 1000 ? "%8.3f" : "%8.0f", rel);
	snprintf(label, sizeof(label), " %s%s ", m->summary,
	    m->has_sdp ? " (SDP)" : "");
	if (from == to) {
		tui_put(y, from + 2, COLS, attr, label);
		return;
	}
	attrset(attr);
	mvhline(y, lo + 1, ACS_HLINE, hi - lo - 1);
	mvaddch(y, to > from ? to - 1 : to + 1,
	    to > from ? ACS_RARROW : ACS_LARROW);
	attrset(A_NORMAL);
	room = hi - lo - 3;
	n = (int)strlen(label);
	if (n > room)
		n = room;
	if (n > 0)
		tui_put(y, lo + 2 + (room - n) / 2, n, attr, label);
}

/* The SIP ladder: endpoints across, one message per row down. */
static void
tui_ladder_draw(struct tui *t, const struct tui_detail_layout *l)
{
	const struct snap_call *c = &t->snap.calls[t->detail_call];
	const char *names[TUI_MAX_ENDPOINTS];
	int pos[TUI_MAX_ENDPOINTS], n = 0, i, rows = l->flow_rows - 1, y;
	int left = TUI_TIME_WIDTH + 3, right = l->ladder_width - 3;
	size_t k;

	if (c->n_msgs == 0) {
		tui_put(l->top + 1, 1, l->ladder_width - 1, tui_style(t, TUI_DIM),
		    "No SIP message kept for this call.");
		return;
	}
	for (k = 0; k < c->n_msgs; k++) {
		tui_endpoint(names, &n, c->msgs[k].src);
		tui_endpoint(names, &n, c->msgs[k].dst);
	}
	for (i = 0; i < n; i++)
		pos[i] = n == 1 ? (left + right) / 2 :
		    left + (right - left) * i / (n - 1);
	for (i = 0; i < n; i++) {
		int w = n == 1 ? right - left : (right - left) / (n - 1) - 1;
		int len = (int)strlen(names[i]), x;

		if (len > w)
			len = w;
		x = pos[i] - len / 2;
		if (x < TUI_TIME_WIDTH + 1)
			x = TUI_TIME_WIDTH + 1;
		if (x + len > l->ladder_width)
			x = l->ladder_width - len;
		tui_put(l->top, x, len, tui_style(t, TUI_LABEL) | A_BOLD, names[i]);
	}
	tui_follow(&t->msgs, c->n_msgs, (size_t)(rows > 1 ? rows : 1));
	for (y = 0; y < rows && t->msgs.top + (size_t)y < c->n_msgs; y++) {
		size_t m = t->msgs.top + (size_t)y;
		int from = tui_endpoint(names, &n, c->msgs[m].src);
		int to = tui_endpoint(names, &n, c->msgs[m].dst);

		for (i = 0; i < n; i++)
			tui_vline(l->top + 1 + y, pos[i], 1, tui_style(t, TUI_DIM));
		tui_ladder_msg(t, l->top + 1 + y, &c->msgs[m], c->msgs[0].ts_us,
		    pos[from], pos[to], m == t->msgs.sel);
	}
	if (c->msgs_dropped > 0 && y < rows)
		tui_putf(l->top + 1 + y, TUI_TIME_WIDTH + 1,
		    l->ladder_width - TUI_TIME_WIDTH - 1, tui_style(t, TUI_DIM),
		    "... %zu more messages not kept", c->msgs_dropped);
}

/* Who sent a stream, as the detail names it. */
static const char *
tui_direction(const struct snap_stream *s)
{
	if (s->direction == NULL)
		return "stream";
	if (strcmp(s->direction, "caller") == 0)
		return "caller->callee";
	if (strcmp(s->direction, "callee") == 0)
		return "callee->caller";
	return "stream";
}

/* A stream's first line: who, where, codec, DSCP. */
static void
tui_stream_title(const struct tui *t, int y, const struct snap_stream *s)
{
	char dscp[24];
	int x;

	x = tui_put(y, 1, COLS - 1, tui_style(t, TUI_LABEL) | A_BOLD,
	    tui_direction(s));
	if (s->dscp == 46)
		snprintf(dscp, sizeof(dscp), "46 (EF)");
	else if (s->dscp >= 0)
		snprintf(dscp, sizeof(dscp), "%d", s->dscp);
	else
		snprintf(dscp, sizeof(dscp), "-");
	tui_putf(y, 1 + x, COLS - 1 - x, A_BOLD,
	    "  %s -> %s  %s/%u  DSCP %s%s  SSRC 0x%08x", s->src, s->dst,
	    s->codec[0] ? s->codec : "?", s->clock_rate_hz, dscp,
	    s->dscp_changes > 0 ? " (changed)" : "", s->ssrc);
}

/* What the probe measured, three lines at (y, x). */
static void
tui_probe_figures(const struct tui *t, int y, int x, int w,
    const struct snap_stream *s)
{
	const struct rtpstat_summary *r = &s->rtp;
	const struct quality_summary *q = &s->quality;
	attr_t loss = tui_band_style(t, verdict_loss_band(r->loss_pct),
	    TUI_NORMAL);
	int n;

	n = tui_putf(y, x, w, loss, "loss %.2f%% %llu/%llu", r->loss_pct,
	    (unsigned long long)r->lost, (unsigned long long)r->expected);
	tui_putf(y, x + n, w - n, A_NORMAL, " burst %.2f", r->burst_ratio);
	if (s->clock_rate_hz != 0)
		n = tui_putf(y + 1, x, w, tui_band_style(t,
		    verdict_jitter_band(r->jitter_mean_ms), TUI_NORMAL),
		    "jitter %.1f max %.1f ms", r->jitter_mean_ms, r->jitter_max_ms);
	else
		n = tui_put(y + 1, x, w, A_NORMAL, "jitter -");
	tui_putf(y + 1, x + n, w - n, q->jb_discards > 0 ?
	    tui_style(t, TUI_FAIR) : A_NORMAL, " discards %llu",
	    (unsigned long long)q->jb_discards);
	if (!q->have_mos) {
		tui_put(y + 2, x, w, A_NORMAL, "MOS -  (no rated interval)");
		return;
	}
	n = tui_put(y + 2, x, w, A_NORMAL, "MOS min ");
	n += tui_putf(y + 2, x + n, w - n, tui_mos_style(t, q->mos_min), "%.2f",
	    q->mos_min);
	n += tui_put(y + 2, x + n, w - n, A_NORMAL, " avg ");
	n += tui_putf(y + 2, x + n, w - n, tui_mos_style(t, q->mos_avg), "%.2f",
	    q->mos_avg);
	tui_putf(y + 2, x + n, w - n, A_NORMAL, " R %.1f delay %.0f ms", q->r_call,
	    q->delay_ms);
}

/* What the far end reported in RTCP, three lines at (y, x). */
static void
tui_far_figures(const struct tui *t, int y, int x, int w,
    const struct snap_stream *s)
{
	const struct snap_far_end *f = &s->far;
	char rtt[24] = "", sender[40] = "";
	int n;

	if (f->reports == 0 && !f->have_sender && !f->have_xr) {
		tui_put(y, x, w, tui_style(t, TUI_DIM),
		    "far end: no RTCP about this stream");
		return;
	}
	if (f->reports > 0) {
		n = tui_putf(y, x, w, A_NORMAL, "far end: %u reports, loss ",
		    f->reports);
		tui_putf(y, x + n, w - n, tui_style(t,
		    verdict_loss_band(f->fraction_lost_pct) == VERDICT_POOR ?
		    TUI_BAD : TUI_NORMAL), "%.1f%% (cum %d)", f->fraction_lost_pct,
		    f->cumulative_lost);
	} else
		tui_put(y, x, w, A_NORMAL, "far end: no report blocks");
	if (f->have_rtt)
		snprintf(rtt, sizeof(rtt), "  RTT %.1f ms", f->rtt_ms);
	if (f->have_sender)
		snprintf(sender, sizeof(sender), "  sender sent %u", f->sender_packets);
	tui_putf(y + 1, x, w, A_NORMAL, "jitter %.1f ms%s%s", f->jitter_ms, rtt,
	    sender);
	if (!f->have_xr) {
		tui_put(y + 2, x, w, tui_style(t, TUI_DIM), "XR: none");
		return;
	}
	n = tui_putf(y + 2, x, w, A_NORMAL, "XR loss %.1f%% disc %.1f%%",
	    f->xr_loss_pct, f->xr_discard_pct);
	if (f->xr_r_factor >= 0)
		n += tui_putf(y + 2, x + n, w - n, A_NORMAL, " R %d", f->xr_r_factor);
	if (f->xr_mos_lq >= 0) {
		n += tui_put(y + 2, x + n, w - n, A_NORMAL, " MOS-LQ ");
		tui_putf(y + 2, x + n, w - n, tui_mos_style(t, f->xr_mos_lq), "%.1f",
		    f->xr_mos_lq);
	}
}

/*
 * What an endpoint reported of the stream itself (RFC 6035), one line
 * under both columns: whose figures, then those it gave of the few the
 * view has room for.
 */
static void
tui_vq_figures(const struct tui *t, int y, int x, int w,
    const struct snap_stream *s)
{
	static const struct {
		enum vqr_metric	 metric;
		const char	*name;
		int		 decimals;
		const char	*unit;
	} shown[] = {
		{ VQR_NLR,	"loss",		1, "%" },
		{ VQR_JDR,	"disc",		1, "%" },
		{ VQR_IAJ,	"jit",		0, " ms" },
		{ VQR_RTD,	"RTT",		0, " ms" },
		{ VQR_MOSLQ,	"MOS-LQ",	1, "" },
		{ VQR_MOSCQ,	"CQ",		1, "" },
	};
	const struct snap_vq_report *vq = &s->far.vq;
	size_t i;
	int n;

	n = tui_put(y, x, w, tui_style(t, TUI_LABEL), vq->by_receiver ?
	    "receiver's own report (RFC 6035):" :
	    "receiver's report, sender's copy (RFC 6035):");
	for (i = 0; i < sizeof(shown) / sizeof(shown[0]) && n < w; i++) {
		if (!((vq->metrics.present >> shown[i].metric) & 1))
			continue;
		n += tui_putf(y, x + n, w - n, shown[i].metric == VQR_MOSLQ ?
		    tui_mos_style(t, vq->metrics.value[VQR_MOSLQ]) : A_NORMAL,
		    " %s %.*f%s", shown[i].name, shown[i].decimals,
		    vq->metrics.value[shown[i].metric], shown[i].unit);
	}
}

/* MOS, loss and jitter per interval side by side on one row. */
static void
tui_charts(const struct tui *t, int y, const struct snap_stream *s)
{
	static const char *const names[] = { "MOS ", "loss ", "jitter " };
	int i, x = 1, cell = (COLS - 2) / 3;

	for (i = 0; i < 3; i++) {
		int n = tui_put(y, x, cell, tui_style(t, TUI_LABEL), names[i]);

		tui_spark(t, y, x + n, cell - n - 2, s->points, s->n_points, i);
		x += cell;
	}
}

/* One segment's loss: "provider side 6.43% (193)", or its source's lack. */
static int
tui_segment(const struct tui *t, int y, int x, int w,
    const struct snap_stream *s, int after)
{
	const struct segment *g = after ? &s->seg.after : &s->seg.before;
	const char *owner = segments_owner_name(segments_owner(s->way, after));
	int n;

	if (owner != NULL)
		n = tui_putf(y, x, w, A_NORMAL, "%s side ", owner);
	else
		n = tui_putf(y, x, w, A_NORMAL, "%s the probe ",
		    after ? "after" : "before");
	if (!g->have_loss)
		return n + tui_put(y, x + n, w - n, tui_style(t, TUI_DIM),
		    "unknown (no report)");
	n += tui_putf(y, x + n, w - n, tui_style(t,
	    verdict_loss_band(g->loss_pct) == VERDICT_POOR ? TUI_BAD :
	    TUI_NORMAL), "%.2f%%", g->loss_pct);
	if (g->have_lost)
		n += tui_putf(y, x + n, w - n, A_NORMAL, " (%lld)",
		    (long long)g->lost);
	if (after)
		n += tui_putf(y, x + n, w - n, tui_style(t, TUI_DIM), " by %s",
		    segments_source_name(g->source));
	return n;
}

/* Where the stream lost its packets: before the probe, after it. */
static void
tui_segment_figures(const struct tui *t, int y, int x, int w,
    const struct snap_stream *s)
{
	int n = tui_put(y, x, w, A_NORMAL, "lost: ");

	n += tui_segment(t, y, x + n, w - n, s, 0);
	n += tui_put(y, x + n, w - n, A_NORMAL, " | ");
	tui_segment(t, y, x + n, w - n, s, 1);
}

/* One compact line: the probe's key figures, then the far end's. */
static void
tui_compact_figures(const struct tui *t, int y, const struct snap_stream *s)
{
	const struct rtpstat_summary *r = &s->rtp;
	const struct quality_summary *q = &s->quality;
	int n = 0;

	n += tui_putf(y, 3, COLS - 3, A_NORMAL,
	    "loss %.2f%% burst %.2f jit %.1f/%.1f disc %llu ", r->loss_pct,
	    r->burst_ratio, r->jitter_mean_ms, r->jitter_max_ms,
	    (unsigned long long)q->jb_discards);
	if (q->have_mos) {
		n += tui_put(y, 3 + n, COLS - 3 - n, A_NORMAL, "MOS ");
		n += tui_putf(y, 3 + n, COLS - 3 - n, tui_mos_style(t, q->mos_min),
		    "%.2f", q->mos_min);
		n += tui_putf(y, 3 + n, COLS - 3 - n, tui_mos_style(t, q->mos_avg),
		    "/%.2f", q->mos_avg);
		n += tui_putf(y, 3 + n, COLS - 3 - n, A_NORMAL, " R %.0f", q->r_call);
	}
	if (s->far.reports > 0)
		n += tui_putf(y, 3 + n, COLS - 3 - n, tui_style(t, TUI_DIM),
		    " | far: loss %.1f%% jit %.1f", s->far.fraction_lost_pct,
		    s->far.jitter_ms);
	if (s->far.vq.reports > 0 &&
	    (s->far.vq.metrics.present >> VQR_NLR) & 1)
		n += tui_putf(y, 3 + n, COLS - 3 - n, tui_style(t, TUI_DIM),
		    " | phone: loss %.1f%%", s->far.vq.metrics.value[VQR_NLR]);
	if (s->seg.after.have_loss)
		tui_putf(y, 3 + n, COLS - 3 - n, tui_style(t, TUI_DIM),
		    " | after probe: %.2f%%", s->seg.after.loss_pct);
}

/* Each stream: title, figures beside the far end's, charts. */
static void
tui_media_draw(const struct tui *t, const struct tui_detail_layout *l)
{
	const size_t *list;
	size_t n = tui_detail_streams(t, &list), i;
	int y = l->media_top, end = l->media_top + l->media_rows, half = COLS / 2;
	int vq;

	tui_hline(y, 0, COLS, tui_style(t, TUI_DIM));
	tui_put(y, 2, COLS - 2, tui_style(t, TUI_LABEL) | A_BOLD,
	    l->compact ? " Media (min/avg MOS; charts per interval) " :
	    " Media: what the probe measured | what the far end reported ");
	y++;
	if (n == 0)
		tui_put(y, 2, COLS - 2, tui_style(t, TUI_DIM), "No RTP seen for this call.");
	for (i = 0; i < n && y < end; i++) {
		const struct snap_stream *s = &t->snap.streams[list[i]];

		tui_stream_title(t, y, s);
		if (l->compact) {
			if (y + 1 < end)
				tui_compact_figures(t, y + 1, s);
			if (y + 2 < end)
				tui_charts(t, y + 2, s);
			y += 3;
			continue;
		}
		vq = s->far.vq.reports > 0;
		if (y + 4 + vq < end) {
			tui_probe_figures(t, y + 1, 3, half - 4, s);
			tui_vline(y + 1, half - 1, 3, tui_style(t, TUI_DIM));
			tui_far_figures(t, y + 1, half + 1, COLS - half - 1, s);
			if (vq)
				tui_vq_figures(t, y + 4, 3, COLS - 3, s);
			tui_segment_figures(t, y + 4 + vq, 3, COLS - 3, s);
		}
		if (y + 5 + vq < end)
			tui_charts(t, y + 5 + vq, s);
		y += 6 + vq;
	}
}

/* The call's title line. */
static void
tui_call_title(const struct tui *t, const struct snap_call *c)
{
	char dur[16], pdd[16], setup[16];
	int n;

	n = tui_putf(1, 0, COLS, A_BOLD, " %s -> %s  ", tui_uri(c->from),
	    tui_uri(c->to));
	n += tui_putf(1, n, COLS - n, c->final_code >= 300 ?
	    tui_style(t, TUI_FAIR) : A_NORMAL, "%s %d",
	    c->state ? c->state : "-", c->final_code);
	tui_format_duration(dur, sizeof(dur), c->duration_s);
	tui_format_ms(pdd, sizeof(pdd), c->pdd_ms);
	tui_format_ms(setup, sizeof(setup), c->setup_ms);
	n += tui_putf(1, n, COLS - n, A_NORMAL, "  PDD %s  setup %s ms  "
	    "dur %s s  %s  ", pdd, setup, dur, c->end_reason);
	tui_putf(1, n, COLS - n, tui_style(t, TUI_DIM), "Call-ID %s", c->call_id);
}

/* The detail of a call (ladder, raw text, media) or of a stream alone. */
void
tui_detail_draw(struct tui *t)
{
	struct tui_detail_layout l;

	tui_detail_layout(t, &l);
	if (t->detail_call != SNAP_NO_CALL) {
		tui_call_title(t, &t->snap.calls[t->detail_call]);
		if (l.flow_rows > 1) {
			tui_ladder_draw(t, &l);
			tui_vline(l.top, l.ladder_width, l.flow_rows,
			    tui_style(t, TUI_DIM));
			tui_raw_draw(t, &l);
		}
		tui_keybar(t, "Up/Down=message PgUp/PgDn=text Esc=back ?=help");
	} else {
		tui_put(1, 0, COLS, A_BOLD, " A stream without a call");
		tui_keybar(t, "Esc=back ?=help");
	}
	tui_media_draw(t, &l);
}
