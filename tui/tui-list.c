/*
 * The call list and the list of streams without a call.
 *
 * Only the rows on screen are drawn, so thousands of calls scroll as
 * smoothly as ten.  Columns that do not fit are left out, least useful
 * first; From and To share what is left.
 */
#include <stdio.h>
#include <string.h>

#include "tui/tui-private.h"

/* Rows above and below a list: header, title, column names; key bar. */
#define TUI_LIST_FIRST_ROW	3

enum tui_col_id {
	COL_START, COL_FROM, COL_TO, COL_STATE, COL_CODE, COL_DUR, COL_CODEC,
	COL_MOS_FWD, COL_MOS_REV, COL_LOSS_FWD, COL_LOSS_REV, COL_JIT_FWD,
	COL_JIT_REV, COL_PDD, COL_SETUP, COL_REASON, COL_COUNT
};

/* A column of the call list. */
struct tui_column {
	enum tui_col_id	 id;
	const char	*title;
	int		 width;		/* flexible columns: the least */
	int		 drop;		/* 0: always shown; higher goes first */
	int		 flex;
	int		 right;		/* right-aligned numbers */
};

/* ">" is what the caller sent, "<" what the callee sent (see the help). */
static const struct tui_column tui_columns[] = {
	{ COL_START,	"START",	8,  2, 0, 0 },
	{ COL_FROM,	"FROM",		16, 0, 1, 0 },
	{ COL_TO,	"TO",		16, 0, 1, 0 },
	{ COL_STATE,	"STATE",	9,  0, 0, 0 },
	{ COL_CODE,	"CODE",		4,  0, 0, 1 },
	{ COL_DUR,	"DUR",		5,  0, 0, 1 },
	{ COL_CODEC,	"CODEC",	5,  3, 0, 0 },
	{ COL_MOS_FWD,	"MOS>",		4,  0, 0, 1 },
	{ COL_MOS_REV,	"MOS<",		4,  0, 0, 1 },
	{ COL_LOSS_FWD,	"LOSS>",	5,  0, 0, 1 },
	{ COL_LOSS_REV,	"LOSS<",	5,  0, 0, 1 },
	{ COL_JIT_FWD,	"JIT>",		5,  0, 0, 1 },
	{ COL_JIT_REV,	"JIT<",		5,  0, 0, 1 },
	{ COL_PDD,	"PDD ms",	7,  5, 0, 1 },
	{ COL_SETUP,	"SETUP ms",	8,  4, 0, 1 },
	{ COL_REASON,	"REASON",	14, 6, 0, 0 },
};
#define TUI_NCOLUMNS	(sizeof(tui_columns) / sizeof(tui_columns[0]))

static const char *const tui_sort_names[TUI_SORT_COUNT] = {
	"worst MOS", "loss", "jitter", "start time"
};

/* Where each column goes at this width: x and width, or width 0 when left out. */
static void
tui_layout(int x[TUI_NCOLUMNS], int width[TUI_NCOLUMNS])
{
	int fixed = 0, flex_min = 0, nflex = 0, level, left, i;

	for (i = 0; i < (int)TUI_NCOLUMNS; i++) {
		width[i] = tui_columns[i].width;
		if (tui_columns[i].flex) {
			flex_min += width[i] + 1;
			nflex++;
		} else
			fixed += width[i] + 1;
	}
	/* Leave out columns, the highest drop level first, until it fits. */
	for (level = 9; level > 0 && fixed + flex_min > COLS; level--)
		for (i = 0; i < (int)TUI_NCOLUMNS; i++)
			if (tui_columns[i].drop == level && width[i] > 0) {
				fixed -= width[i] + 1;
				width[i] = 0;
			}
	left = COLS - fixed - nflex;
	for (i = 0; i < (int)TUI_NCOLUMNS; i++)
		if (tui_columns[i].flex) {
			width[i] = left / nflex;
			if (width[i] < 4)
				width[i] = 4;
			left -= width[i];
			nflex--;
		}
	for (i = 0, level = 0; i < (int)TUI_NCOLUMNS; i++) {
		x[i] = level;
		if (width[i] > 0)
			level += width[i] + 1;
	}
}

/* One cell, clipped to its column and aligned. */
static void
tui_cell(int y, int x, int width, int right, attr_t attr, const char *text)
{
	int n = (int)strlen(text);

	if (width <= 0)
		return;
	if (right && n < width)
		x += width - n;
	tui_put(y, x, width, attr, text);
}

/* Rows of a list on screen: what PgUp and PgDn move by. */
int
tui_list_page(void)
{
	int page = LINES - TUI_LIST_FIRST_ROW - 1;

	return page > 1 ? page : 1;
}

/* Move the selection by delta rows, stopping at either end. */
void
tui_list_scroll(struct tui_cursor *cur, size_t rows, int delta)
{
	if (rows == 0) {
		cur->sel = 0;
		return;
	}
	if (delta < 0)
		cur->sel = cur->sel > (size_t)-delta ? cur->sel - (size_t)-delta : 0;
	else
		cur->sel = cur->sel + (size_t)delta < rows ?
		    cur->sel + (size_t)delta : rows - 1;
}

/* Keep the selected row on screen, moving the view as little as possible. */
void
tui_follow(struct tui_cursor *cur, size_t rows, size_t page)
{
	if (cur->sel >= rows)
		cur->sel = rows > 0 ? rows - 1 : 0;
	if (cur->sel < cur->top)
		cur->top = cur->sel;
	if (cur->sel >= cur->top + page)
		cur->top = cur->sel - page + 1;
	if (cur->top + page > rows)
		cur->top = rows > page ? rows - page : 0;
}

/* A side's cells, as the list prints them, with their bands. */
static void
tui_side_cells(const struct verdict_dir *d, struct tui_side_cells *c)
{
	memset(c, 0, sizeof(*c));
	c->impaired = d->impaired;
	snprintf(c->mos.text, sizeof(c->mos.text), "-");
	snprintf(c->loss_pct.text, sizeof(c->loss_pct.text), "-");
	snprintf(c->jitter_ms.text, sizeof(c->jitter_ms.text), "-");
	if ((c->mos.have = d->have_mos)) {
		snprintf(c->mos.text, sizeof(c->mos.text), "%.2f", d->mos);
		c->mos.band = verdict_mos_band(d->mos);
	}
	if ((c->loss_pct.have = d->have_loss)) {
		snprintf(c->loss_pct.text, sizeof(c->loss_pct.text),
		    d->loss_pct >= 99.95 ? "%.0f" : "%.1f", d->loss_pct);
		c->loss_pct.band = verdict_loss_band(d->loss_pct);
	}
	if ((c->jitter_ms.have = d->have_jitter)) {
		snprintf(c->jitter_ms.text, sizeof(c->jitter_ms.text),
		    d->jitter_ms >= 999.5 ? "%.0f" : "%.1f", d->jitter_ms);
		c->jitter_ms.band = verdict_jitter_band(d->jitter_ms);
	}
}

void
tui_list_cells(const struct snapshot *snap, size_t call,
    struct tui_side_cells cells[2])
{
	struct verdict_call v;
	int i;

	verdict_of_call(snap->streams, snap->n_streams, call, &v);
	for (i = 0; i < 2; i++)
		tui_side_cells(&v.dir[i], &cells[i]);
}

/* A cell's text and colour: MOS good is green, other figures plain. */
static void
tui_cell_show(const struct tui *t, const struct tui_cell *c,
    enum tui_style good, char *buf, size_t size, attr_t *attr)
{
	snprintf(buf, size, "%s", c->text);
	if (c->have)
		*attr = tui_band_style(t, c->band, good);
}

/* One call's row. */
static void
tui_call_row(const struct tui *t, int y, size_t call, int selected,
    const int x[TUI_NCOLUMNS], const int width[TUI_NCOLUMNS])
{
	const struct snap_call *c = &t->snap.calls[call];
	const struct tui_call_info *info = &t->info[call];
	attr_t base = selected ? tui_style(t, TUI_SELECTED) : A_NORMAL;
	struct tui_side_cells cells[2];
	size_t i;

	tui_side_cells(&info->v.dir[VERDICT_CALLER], &cells[0]);
	tui_side_cells(&info->v.dir[VERDICT_CALLEE], &cells[1]);
	if (selected)
		tui_fill(y, 0, COLS, base);
	for (i = 0; i < TUI_NCOLUMNS; i++) {
		const struct tui_column *col = &tui_columns[i];
		attr_t attr = A_NORMAL;
		char buf[SNAP_TEXT_LEN];

		if (width[i] == 0)
			continue;
		buf[0] = '\0';
		switch (col->id) {
		case COL_START:
			tui_format_clock(buf, sizeof(buf), c->start_s);
			break;
		case COL_FROM:
			snprintf(buf, sizeof(buf), "%s", tui_uri(c->from));
			break;
		case COL_TO:
			snprintf(buf, sizeof(buf), "%s", tui_uri(c->to));
			break;
		case COL_STATE:
			snprintf(buf, sizeof(buf), "%s", c->state ? c->state : "-");
			break;
		case COL_CODE:
			if (c->final_code != 0)
				snprintf(buf, sizeof(buf), "%d", c->final_code);
			else
				snprintf(buf, sizeof(buf), "-");
			if (c->final_code >= 300)
				attr = tui_style(t, TUI_FAIR);
			break;
		case COL_DUR:
			tui_format_duration(buf, sizeof(buf), c->duration_s);
			break;
		case COL_CODEC:
			snprintf(buf, sizeof(buf), "%s",
			    info->codec[0] ? info->codec : "-");
			break;
		case COL_MOS_FWD:
		case COL_MOS_REV:
			tui_cell_show(t, &cells[col->id == COL_MOS_REV].mos,
			    TUI_GOOD, buf, sizeof(buf), &attr);
			break;
		case COL_LOSS_FWD:
		case COL_LOSS_REV:
			tui_cell_show(t, &cells[col->id == COL_LOSS_REV].loss_pct,
			    TUI_NORMAL, buf, sizeof(buf), &attr);
			break;
		case COL_JIT_FWD:
		case COL_JIT_REV:
			tui_cell_show(t, &cells[col->id == COL_JIT_REV].jitter_ms,
			    TUI_NORMAL, buf, sizeof(buf), &attr);
			break;
		case COL_PDD:
			tui_format_ms(buf, sizeof(buf), c->pdd_ms);
			break;
		case COL_SETUP:
			tui_format_ms(buf, sizeof(buf), c->setup_ms);
			break;
		case COL_REASON:
			snprintf(buf, sizeof(buf), "%s", c->end_reason);
			break;
		case COL_COUNT:
			break;
		}
		tui_cell(y, x[i], width[i], col->right, attr | base, buf);
	}
}

/* Whether a column is the one the list is sorted by. */
static int
tui_sorted_by(const struct tui *t, enum tui_col_id id)
{
	switch (t->sort) {
	case TUI_SORT_MOS:
		return id == COL_MOS_FWD || id == COL_MOS_REV;
	case TUI_SORT_LOSS:
		return id == COL_LOSS_FWD || id == COL_LOSS_REV;
	case TUI_SORT_JITTER:
		return id == COL_JIT_FWD || id == COL_JIT_REV;
	case TUI_SORT_START:
		return id == COL_START;
	default:
		return 0;
	}
}

/* The key bar of the list, or the filter being typed. */
static void
tui_list_bar(const struct tui *t)
{
	attr_t bar = tui_style(t, TUI_BAR);
	int x;

	if (!t->editing) {
		tui_keybar(t, "Enter=detail /=filter s=sort e=ended u=streams "
		    "a=apps ?=help q=quit");
		return;
	}
	tui_fill(LINES - 1, 0, COLS, bar);
	x = tui_put(LINES - 1, 0, COLS, bar | A_BOLD, " Filter: ");
	x += tui_put(LINES - 1, x, COLS - x - 30, bar, t->filter);
	tui_put(LINES - 1, x, 1, bar | A_BOLD | A_BLINK, "_");
	tui_put(LINES - 1, COLS - 29, 29, bar, " Enter=keep Esc=clear ");
}

/* The call list: title, column names, the rows on screen, key bar. */
void
tui_list_draw(struct tui *t)
{
	int x[TUI_NCOLUMNS], width[TUI_NCOLUMNS], y, page = tui_list_page();
	attr_t label = tui_style(t, TUI_LABEL);
	char gone[64] = "";
	size_t i;
	int title;

	/* The bound (--tui-calls) let older ended calls go: say how many. */
	if (t->calls_not_kept > 0)
		snprintf(gone, sizeof(gone), " (%zu older calls not kept)",
		    t->calls_not_kept);
	title = tui_putf(1, 0, COLS, A_BOLD, " Calls %zu of %zu%s   sort: %s   "
	    "ended calls: %s%s%s", t->n_rows, t->snap.n_calls, gone,
	    tui_sort_names[t->sort], t->hide_ended ? "hidden" : "shown",
	    t->filter_len > 0 ? "   filter: " : "", t->filter);
	if (t->n_orphans > 0 && COLS >= 100 && title < COLS - 24)
		tui_putf(1, COLS - 24, 24, tui_style(t, TUI_DIM),
		    "%zu streams w/o call (u)", t->n_orphans);
	tui_layout(x, width);
	for (i = 0; i < TUI_NCOLUMNS; i++)
		tui_cell(2, x[i], width[i], tui_columns[i].right,
		    label | (tui_sorted_by(t, tui_columns[i].id) ?
		    A_BOLD | A_UNDERLINE : 0), tui_columns[i].title);
	tui_follow(&t->list, t->n_rows, (size_t)page);
	if (t->n_rows == 0)
		tui_put(TUI_LIST_FIRST_ROW + 1, 2, COLS - 2, tui_style(t, TUI_DIM),
		    t->snap.n_calls == 0 ? "No SIP calls seen yet." :
		    "No call matches (Esc clears the filter, e shows ended calls).");
	for (y = 0; y < page && t->list.top + (size_t)y < t->n_rows; y++) {
		size_t row = t->list.top + (size_t)y;

		tui_call_row(t, TUI_LIST_FIRST_ROW + y, t->rows[row],
		    row == t->list.sel, x, width);
	}
	tui_list_bar(t);
}

/* The streams without a call, one per row. */
void
tui_streams_draw(struct tui *t)
{
	static const char *const titles[] = {
		"SOURCE", "DESTINATION", "CODEC", "SSRC", "PACKETS", "LOSS%",
		"JIT ms", "MOS", "DSCP"
	};
	int widths[] = { 0, 0, 8, 10, 8, 6, 6, 4, 4 };
	int page = tui_list_page(), y, i, x, flex;
	attr_t label = tui_style(t, TUI_LABEL);

	flex = COLS - (8 + 10 + 8 + 6 + 6 + 4 + 4) - 9;
	widths[0] = widths[1] = flex / 2 > 8 ? flex / 2 : 8;
	tui_putf(1, 0, COLS, A_BOLD, " Streams without a call: %zu   "
	    "(media whose signalling was not seen)", t->n_orphans);
	for (i = 0, x = 0; i < 9; x += widths[i] + 1, i++)
		tui_cell(2, x, widths[i], i >= 4, label, titles[i]);
	tui_follow(&t->streams, t->n_orphans, (size_t)page);
	if (t->n_orphans == 0)
		tui_put(TUI_LIST_FIRST_ROW + 1, 2, COLS - 2, tui_style(t, TUI_DIM),
		    "Every stream belongs to a call.");
	for (y = 0; y < page && t->streams.top + (size_t)y < t->n_orphans; y++) {
		size_t row = t->streams.top + (size_t)y;
		const struct snap_stream *s = &t->snap.streams[t->orphans[row]];
		attr_t base = row == t->streams.sel ? tui_style(t, TUI_SELECTED) : 0;
		int ry = TUI_LIST_FIRST_ROW + y;
		char buf[7][32];
		attr_t mos_attr = A_NORMAL;

		if (base)
			tui_fill(ry, 0, COLS, base);
		snprintf(buf[0], sizeof(buf[0]), "%s", s->codec[0] ? s->codec : "-");
		snprintf(buf[1], sizeof(buf[1]), "0x%08x", s->ssrc);
		snprintf(buf[2], sizeof(buf[2]), "%llu",
		    (unsigned long long)s->rtp.packets);
		snprintf(buf[3], sizeof(buf[3]), "%.1f", s->rtp.loss_pct);
		if (s->clock_rate_hz != 0)
			snprintf(buf[4], sizeof(buf[4]), "%.1f", s->rtp.jitter_mean_ms);
		else
			snprintf(buf[4], sizeof(buf[4]), "-");
		if (s->quality.have_mos) {
			snprintf(buf[5], sizeof(buf[5]), "%.2f", s->quality.mos_call);
			mos_attr = tui_mos_style(t, s->quality.mos_call);
		} else
			snprintf(buf[5], sizeof(buf[5]), "-");
		snprintf(buf[6], sizeof(buf[6]), "%d", s->dscp);
		x = 0;
		tui_cell(ry, x, widths[0], 0, base, s->src);
		x += widths[0] + 1;
		tui_cell(ry, x, widths[1], 0, base, s->dst);
		x += widths[1] + 1;
		for (i = 0; i < 7; i++) {
			tui_cell(ry, x, widths[i + 2], i >= 2,
			    base | (i == 5 ? mos_attr : 0), buf[i]);
			x += widths[i + 2] + 1;
		}
	}
	tui_keybar(t, "Enter=detail u/Tab=calls Esc=back ?=help");
}

/*
 * The applications nDPI named in the traffic no call explains, most bytes
 * first as the snapshot has them.
 */
void
tui_apps_draw(struct tui *t)
{
	static const char *const titles[4] = { "APPLICATION", "FLOWS",
	    "PACKETS", "BYTES" };
	int widths[4] = { 24, 10, 12, 14 }, page = tui_list_page(), x, y, i;
	attr_t label = tui_style(t, TUI_LABEL);
	size_t n = t->snap.n_apps;

	if (t->snap.apps == NULL)
		tui_putf(1, 0, COLS, A_BOLD, " Applications: not classified "
		    "(--no-dpi)");
	else
		tui_putf(1, 0, COLS, A_BOLD, " Applications: %zu   (traffic "
		    "no SIP explains, as nDPI names it)", n);
	for (i = 0, x = 0; i < 4; x += widths[i] + 1, i++)
		tui_cell(2, x, widths[i], i > 0, label, titles[i]);
	tui_follow(&t->apps, n, (size_t)page);
	for (y = 0; y < page && t->apps.top + (size_t)y < n; y++) {
		size_t row = t->apps.top + (size_t)y;
		const struct snap_app *a = &t->snap.apps[row];
		attr_t base = row == t->apps.sel ? tui_style(t, TUI_SELECTED) : 0;
		int ry = TUI_LIST_FIRST_ROW + y;
		char buf[3][24];

		if (base)
			tui_fill(ry, 0, COLS, base);
		snprintf(buf[0], sizeof(buf[0]), "%llu",
		    (unsigned long long)a->flows);
		snprintf(buf[1], sizeof(buf[1]), "%llu",
		    (unsigned long long)a->packets);
		snprintf(buf[2], sizeof(buf[2]), "%llu",
		    (unsigned long long)a->bytes);
		x = 0;
		tui_cell(ry, x, widths[0], 0, base, a->name);
		for (i = 0, x = widths[0] + 1; i < 3; x += widths[i + 1] + 1, i++)
			tui_cell(ry, x, widths[i + 1], 1, base, buf[i]);
	}
	tui_keybar(t, "Up/Down=move Esc=back ?=help");
}
