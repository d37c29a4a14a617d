/*
 * Drawing helpers of the terminal view: styles, clipped text, lines,
 * sparklines, the header and the key bar.
 *
 * Everything written goes through tui_put(), which lets through printable
 * ASCII only: the snapshot's strings are already safe, and this keeps them
 * so whatever their writer did.  Raw SIP text has its own escaping in
 * tui-detail.c.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "tui/tui-private.h"

/* The attributes of a style: colours when there are, plain attributes if not. */
attr_t
tui_style(const struct tui *t, enum tui_style style)
{
	if (t->colour) {
		switch (style) {
		case TUI_NORMAL:
			return A_NORMAL;
		case TUI_BAR:
			return COLOR_PAIR(1);
		case TUI_BAR_BAD:
			return COLOR_PAIR(2) | A_BOLD;
		case TUI_SELECTED:
			return A_REVERSE;
		case TUI_GOOD:
			return COLOR_PAIR(3);
		case TUI_FAIR:
			return COLOR_PAIR(4) | A_BOLD;
		case TUI_BAD:
			return COLOR_PAIR(5) | A_BOLD;
		case TUI_ESCAPED:
			return COLOR_PAIR(6) | A_BOLD;
		case TUI_LABEL:
			return COLOR_PAIR(7);
		case TUI_REQUEST:
			return COLOR_PAIR(7) | A_BOLD;
		case TUI_DIM:
			return A_DIM;
		}
		return A_NORMAL;
	}
	/* No colours: attributes that still tell the kinds apart. */
	switch (style) {
	case TUI_BAR:
	case TUI_SELECTED:
		return A_REVERSE;
	case TUI_BAR_BAD:
		return A_REVERSE | A_BOLD | A_UNDERLINE;
	case TUI_BAD:
		return A_BOLD | A_UNDERLINE;
	case TUI_FAIR:
	case TUI_REQUEST:
		return A_BOLD;
	case TUI_ESCAPED:
		return A_UNDERLINE;
	case TUI_DIM:
		return A_DIM;
	default:
		return A_NORMAL;
	}
}

attr_t
tui_band_style(const struct tui *t, enum verdict_band band,
    enum tui_style good)
{
	switch (band) {
	case VERDICT_POOR:
		return tui_style(t, TUI_BAD);
	case VERDICT_FAIR:
		return tui_style(t, TUI_FAIR);
	case VERDICT_GOOD:
		break;
	}
	return good == TUI_NORMAL ? A_NORMAL : tui_style(t, good);
}

/* The style of a MOS figure: its band (metrics/verdict.h), good green. */
attr_t
tui_mos_style(const struct tui *t, double mos)
{
	return tui_band_style(t, verdict_mos_band(mos), TUI_GOOD);
}

/* Printable ASCII of s at (y, x), at most width cells; returns the cells used. */
int
tui_put(int y, int x, int width, attr_t attr, const char *s)
{
	int n = 0;

	if (y < 0 || y >= LINES || x < 0 || x >= COLS || width <= 0)
		return 0;
	if (width > COLS - x)
		width = COLS - x;
	move(y, x);
	attrset(attr);
	for (; s[n] != '\0' && n < width; n++) {
		unsigned char c = (unsigned char)s[n];

		addch(c >= 0x20 && c < 0x7f ? c : '?');
	}
	attrset(A_NORMAL);
	return n;
}

/* tui_put() of a formatted string. */
int
tui_putf(int y, int x, int width, attr_t attr, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return tui_put(y, x, width, attr, buf);
}

/* Blank width cells in attr. */
void
tui_fill(int y, int x, int width, attr_t attr)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS || width <= 0)
		return;
	if (width > COLS - x)
		width = COLS - x;
	attrset(attr);
	mvhline(y, x, ' ', width);
	attrset(A_NORMAL);
}

/* A horizontal line of width cells. */
void
tui_hline(int y, int x, int width, attr_t attr)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS || width <= 0)
		return;
	if (width > COLS - x)
		width = COLS - x;
	attrset(attr);
	mvhline(y, x, ACS_HLINE, width);
	attrset(A_NORMAL);
}

/* A vertical line of height cells. */
void
tui_vline(int y, int x, int height, attr_t attr)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS || height <= 0)
		return;
	if (height > LINES - y)
		height = LINES - y;
	attrset(attr);
	mvvline(y, x, ACS_VLINE, height);
	attrset(A_NORMAL);
}

/* A URI without its "sip:" or "sips:": the list is narrow. */
const char *
tui_uri(const char *uri)
{
	if (strncmp(uri, "sip:", 4) == 0)
		return uri + 4;
	if (strncmp(uri, "sips:", 5) == 0)
		return uri + 5;
	return uri;
}

/* A duration in five characters at most: 12.3, 59:59, 23h59, 99d. */
void
tui_format_duration(char *buf, size_t size, double seconds)
{
	long s;

	if (seconds < 0 || isnan(seconds)) {
		snprintf(buf, size, "-");
		return;
	}
	if (seconds < 100) {
		snprintf(buf, size, "%.1f", seconds);
		return;
	}
	s = (long)seconds;
	if (s < 3600)
		snprintf(buf, size, "%ld:%02ld", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, size, "%ldh%02ld", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, size, "%ldd", s / 86400);
}

/* A time in ms, or "-" when there is none. */
void
tui_format_ms(char *buf, size_t size, double ms)
{
	if (ms < 0 || isnan(ms))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.0f", ms);
}

/* An epoch time as the local clock, HH:MM:SS. */
void
tui_format_clock(char *buf, size_t size, double epoch_s)
{
	struct tm tm;
	time_t when = (time_t)epoch_s;

	if (epoch_s < 0 || localtime_r(&when, &tm) == NULL) {
		snprintf(buf, size, "-");
		return;
	}
	strftime(buf, size, "%H:%M:%S", &tm);
}

/* Append one piece of the header, in its own style; returns the next column. */
static int
tui_header_piece(int x, attr_t attr, const char *text)
{
	if (x >= COLS)
		return x;
	return x + tui_put(0, x, COLS - x, attr, text);
}

/*
 * The header: source, time, packets/s, drops (red when any), active
 * calls and streams, exporter state.  Without a status (a snapshot only),
 * the snapshot's capture figures.
 */
void
tui_header(const struct tui *t)
{
	const struct snap_status *st = &t->status;
	const struct snap_capture *cap = &t->snap.capture;
	attr_t bar = tui_style(t, TUI_BAR), bad = tui_style(t, TUI_BAR_BAD);
	const char *source = t->have_status ? st->source : cap->source;
	const char *base = strrchr(source, '/');
	int64_t kernel = t->have_status ? st->kernel_drops : cap->kernel_drops;
	uint64_t probe = t->have_status ? st->probe_drops : cap->probe_drops;
	char buf[128], when[32];
	int x;

	tui_fill(0, 0, COLS, bar);
	x = tui_header_piece(0, bar | A_BOLD, " vqprobe ");
	snprintf(buf, sizeof(buf), "%.32s ", base ? base + 1 : source);
	x = tui_header_piece(x, bar, buf);
	if (t->have_status) {
		if (st->live) {
			long up = (long)st->uptime_s;

			snprintf(buf, sizeof(buf), "up %ld:%02ld:%02ld ", up / 3600,
			    up / 60 % 60, up % 60);
		} else {
			tui_format_clock(when, sizeof(when),
			    (double)st->capture_us / 1e6);
			snprintf(buf, sizeof(buf), "at %s%s ", when,
			    st->finished ? " (end)" : "");
		}
		x = tui_header_piece(x, bar, buf);
		if (st->finished)
			snprintf(buf, sizeof(buf), "%llu pkts ",
			    (unsigned long long)st->packets);
		else
			snprintf(buf, sizeof(buf), "%.0f pkt/s ", st->packets_per_s);
		x = tui_header_piece(x, bar, buf);
	} else {
		snprintf(buf, sizeof(buf), "%llu pkts ",
		    (unsigned long long)cap->packets);
		x = tui_header_piece(x, bar, buf);
	}
	x = tui_header_piece(x, bar, "drops ");
	if (kernel < 0)
		snprintf(buf, sizeof(buf), "kernel -");
	else
		snprintf(buf, sizeof(buf), "kernel %lld", (long long)kernel);
	x = tui_header_piece(x, kernel > 0 ? bad : bar, buf);
	snprintf(buf, sizeof(buf), " ring %llu", (unsigned long long)probe);
	x = tui_header_piece(x, probe > 0 ? bad : bar, buf);
	if (t->have_status && st->exporter_state != NULL) {
		x = tui_header_piece(x, bar, "  export ");
		x = tui_header_piece(x, strcmp(st->exporter_state, "ok") == 0 ?
		    bar : bad, st->exporter_state);
	}
	if (t->have_status && !st->finished)
		snprintf(buf, sizeof(buf), "  active: %llu calls %llu streams",
		    (unsigned long long)st->active_calls,
		    (unsigned long long)st->active_streams);
	else
		/* What the capture had, kept or not. */
		snprintf(buf, sizeof(buf), "  %zu calls %zu streams",
		    t->snap.n_calls + t->calls_not_kept,
		    t->snap.n_streams + t->streams_not_kept);
	tui_header_piece(x, bar, buf);
}

/* The key bar at the bottom: keys then what they do, "Enter=detail /=filter". */
void
tui_keybar(const struct tui *t, const char *keys)
{
	attr_t bar = tui_style(t, TUI_BAR);
	int x = 0, y = LINES - 1;
	const char *p = keys;

	tui_fill(y, 0, COLS, bar);
	while (*p != '\0' && x < COLS) {
		const char *eq = strchr(p, '='), *end;
		char key[24], what[40];

		if (eq == NULL)
			break;
		end = strchr(eq, ' ');
		if (end == NULL)
			end = eq + strlen(eq);
		snprintf(key, sizeof(key), " %.*s", (int)(eq - p), p);
		snprintf(what, sizeof(what), " %.*s ", (int)(end - eq - 1), eq + 1);
		if (x + (int)strlen(key) + (int)strlen(what) > COLS)
			break;
		x += tui_put(y, x, COLS - x, bar | A_BOLD, key);
		x += tui_put(y, x, COLS - x, bar, what);
		p = *end != '\0' ? end + 1 : end;
	}
}

/* One sparkline cell's level, 0 to 7, of value between lo and hi. */
static int
tui_level(double value, double lo, double hi)
{
	double f = hi > lo ? (value - lo) / (hi - lo) : 0;

	if (f < 0 || isnan(f))
		f = 0;
	if (f > 1)
		f = 1;
	return (int)lround(f * 7);
}

/*
 * A sparkline of one figure per metrics interval, the latest on the
 * right.  With more intervals than cells, a cell shows the worst of the
 * intervals it stands for: the moment it went wrong stays visible.
 */
void
tui_spark(const struct tui *t, int y, int x, int width,
    const struct snap_point *pts, size_t n, int what)
{
	static const wchar_t blocks[] = L"\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588";
	static const char ascii[] = "_.-:=+*#";
	size_t per, first, cells, i, j;
	double top = 0;

	if (width <= 0 || y < 0 || y >= LINES || x >= COLS)
		return;
	if (width > COLS - x)
		width = COLS - x;
	if (n == 0) {
		tui_put(y, x, width, tui_style(t, TUI_DIM), "no intervals yet");
		return;
	}
	per = (n + (size_t)width - 1) / (size_t)width;
	cells = (n + per - 1) / per;
	first = n - (cells * per > n ? n : cells * per);
	for (i = 0; i < n; i++) {
		if (what == TUI_SPARK_LOSS && pts[i].loss_pct > top)
			top = pts[i].loss_pct;
		if (what == TUI_SPARK_JITTER && pts[i].jitter_ms > top)
			top = pts[i].jitter_ms;
	}
	/* A floor, so that a quiet stream does not look alarming. */
	if (what == TUI_SPARK_LOSS && top < 5)
		top = 5;
	if (what == TUI_SPARK_JITTER && top < 20)
		top = 20;
	for (i = 0; i < cells; i++) {
		double v = what == TUI_SPARK_MOS ? 5 : 0;
		int have = 0, level;
		attr_t attr;

		for (j = first + i * per; j < first + (i + 1) * per && j < n; j++) {
			const struct snap_point *p = &pts[j];

			if (what == TUI_SPARK_MOS) {
				if (p->have_mos && p->mos < v)
					v = p->mos;
				have |= p->have_mos;
			} else {
				double f = what == TUI_SPARK_LOSS ? p->loss_pct :
				    p->jitter_ms;

				if (f > v)
					v = f;
				have = 1;
			}
		}
		if (!have) {
			tui_put(y, x + (int)i, 1, tui_style(t, TUI_DIM), " ");
			continue;
		}
		if (what == TUI_SPARK_MOS) {
			level = tui_level(v, 1, 4.5);
			attr = tui_mos_style(t, v);
		} else {
			level = tui_level(v, 0, top);
			if (what == TUI_SPARK_LOSS)
				attr = tui_band_style(t, verdict_loss_band(v),
				    TUI_GOOD);
			else
				attr = tui_band_style(t,
				    verdict_jitter_band(v), TUI_GOOD);
		}
		if (t->utf8) {
			cchar_t cc;
			wchar_t wc[2] = { blocks[level], L'\0' };

			setcchar(&cc, wc, attr & ~A_COLOR,
			    (short)PAIR_NUMBER(attr), NULL);
			mvadd_wch(y, x + (int)i, &cc);
		} else {
			attrset(attr);
			mvaddch(y, x + (int)i, (chtype)(unsigned char)ascii[level]);
			attrset(A_NORMAL);
		}
	}
}
