/*
 * The terminal view's keys: what each key does on each screen.  They move
 * the cursors and switch screens; the filter and the sort rebuild the
 * store's rows (tui-store.c).  tui_poll (tui.c) reads them.
 */
#include "tui/tui-private.h"

#define TUI_KEY_ESC		27
#define TUI_KEY_CTRL(c)		((c) & 0x1f)

/* Open the detail of the list's selected call. */
static void
tui_open_call(struct tui *t)
{
	size_t call = tui_selected_call(t);

	if (call == SNAP_NO_CALL)
		return;
	t->detail_call = call;
	t->detail_stream = SNAP_NO_CALL;
	t->msgs.sel = t->msgs.top = 0;
	t->raw_top = 0;
	t->detail_back = TUI_LIST;
	t->screen_id = TUI_DETAIL;
}

/* Open the detail of the selected stream without a call. */
static void
tui_open_stream(struct tui *t)
{
	if (t->streams.sel >= t->n_orphans)
		return;
	t->detail_call = SNAP_NO_CALL;
	t->detail_stream = t->orphans[t->streams.sel];
	t->detail_back = TUI_STREAMS;
	t->screen_id = TUI_DETAIL;
}

/* Moving in a list; returns 1 when key was one. */
static int
tui_move_key(struct tui_cursor *cur, size_t rows, int key, int page)
{
	switch (key) {
	case KEY_UP:
	case 'k':
		tui_list_scroll(cur, rows, -1);
		return 1;
	case KEY_DOWN:
	case 'j':
		tui_list_scroll(cur, rows, 1);
		return 1;
	case KEY_PPAGE:
		tui_list_scroll(cur, rows, -page);
		return 1;
	case KEY_NPAGE:
	case ' ':
		tui_list_scroll(cur, rows, page);
		return 1;
	case KEY_HOME:
	case 'g':
		cur->sel = 0;
		return 1;
	case KEY_END:
	case 'G':
		cur->sel = rows > 0 ? rows - 1 : 0;
		return 1;
	}
	return 0;
}

/* A key while the filter is being typed. */
static void
tui_filter_key(struct tui *t, int key)
{
	size_t keep = tui_selected_call(t);

	switch (key) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		t->editing = 0;
		return;
	case TUI_KEY_ESC:
		t->editing = 0;
		t->filter_len = 0;
		break;
	case KEY_BACKSPACE:
	case 127:
	case TUI_KEY_CTRL('h'):
		if (t->filter_len > 0)
			t->filter_len--;
		break;
	case TUI_KEY_CTRL('u'):
		t->filter_len = 0;
		break;
	case KEY_UP:
	case KEY_DOWN:
	case KEY_PPAGE:
	case KEY_NPAGE:
		tui_move_key(&t->list, t->n_rows, key, tui_list_page());
		return;
	default:
		if (key < 0x20 || key > 0x7e ||
		    t->filter_len + 1 >= sizeof(t->filter))
			return;
		t->filter[t->filter_len++] = (char)key;
		break;
	}
	t->filter[t->filter_len] = '\0';
	tui_rebuild_rows(t, keep);
}

/* A key on the call list; 1 to quit. */
static int
tui_list_key(struct tui *t, int key)
{
	size_t keep = tui_selected_call(t);

	if (tui_move_key(&t->list, t->n_rows, key, tui_list_page()))
		return 0;
	switch (key) {
	case 'q':
	case 'Q':
		return 1;
	case TUI_KEY_ESC:
		if (t->filter_len > 0) {
			t->filter_len = 0;
			t->filter[0] = '\0';
			tui_rebuild_rows(t, keep);
		}
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
		tui_open_call(t);
		break;
	case '/':
		t->editing = 1;
		break;
	case 's':
		t->sort = (t->sort + 1) % TUI_SORT_COUNT;
		tui_rebuild_rows(t, keep);
		break;
	case 'e':
		t->hide_ended = !t->hide_ended;
		tui_rebuild_rows(t, keep);
		break;
	case 'u':
	case '\t':
		t->screen_id = TUI_STREAMS;
		break;
	case 'a':
		t->screen_id = TUI_APPS;
		break;
	}
	return 0;
}

/* A key on the applications: move, or back to the calls. */
static void
tui_apps_key(struct tui *t, int key)
{
	if (tui_move_key(&t->apps, t->snap.n_apps, key, tui_list_page()))
		return;
	switch (key) {
	case 'q':
	case 'Q':
	case 'a':
	case TUI_KEY_ESC:
	case KEY_LEFT:
		t->screen_id = TUI_LIST;
		break;
	}
}

/* A key on the streams without a call. */
static void
tui_streams_key(struct tui *t, int key)
{
	if (tui_move_key(&t->streams, t->n_orphans, key, tui_list_page()))
		return;
	switch (key) {
	case 'q':
	case 'Q':
	case 'u':
	case '\t':
	case TUI_KEY_ESC:
	case KEY_LEFT:
		t->screen_id = TUI_LIST;
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
		tui_open_stream(t);
		break;
	}
}

/* A key on a detail: arrows pick a message, pages scroll its text. */
static void
tui_detail_key(struct tui *t, int key)
{
	size_t n = 0, text_lines, page = (size_t)(LINES > 4 ? LINES / 3 : 1);

	if (t->detail_call != SNAP_NO_CALL)
		n = t->snap.calls[t->detail_call].n_msgs;
	switch (key) {
	case 'q':
	case 'Q':
	case TUI_KEY_ESC:
	case KEY_LEFT:
		t->screen_id = t->detail_back;
		return;
	case KEY_UP:
	case 'k':
	case KEY_DOWN:
	case 'j':
	case KEY_HOME:
	case 'g':
	case KEY_END:
	case 'G':
		tui_move_key(&t->msgs, n, key, 1);
		t->raw_top = 0;
		return;
	case KEY_NPAGE:
	case ' ':
		text_lines = tui_detail_raw_lines(t);
		if (t->raw_top + page < text_lines)
			t->raw_top += page;
		return;
	case KEY_PPAGE:
		t->raw_top = t->raw_top > page ? t->raw_top - page : 0;
		return;
	}
}

/* A key on the help screen. */
static void
tui_help_key(struct tui *t, int key)
{
	size_t n = tui_help_lines();

	switch (key) {
	case KEY_UP:
	case 'k':
		if (t->help_top > 0)
			t->help_top--;
		break;
	case KEY_DOWN:
	case 'j':
		if (t->help_top + 1 < n)
			t->help_top++;
		break;
	default:
		t->screen_id = t->help_back;
		break;
	}
}

/* Handle one key; 1 when the user quit. */
int
tui_key(struct tui *t, int key)
{
	if (key == KEY_RESIZE)
		return 0;
	if (key == TUI_KEY_CTRL('l')) {
		clearok(curscr, TRUE);
		return 0;
	}
	if (t->editing && t->screen_id == TUI_LIST) {
		tui_filter_key(t, key);
		return 0;
	}
	if ((key == KEY_F(1) || key == '?' || key == 'h') &&
	    t->screen_id != TUI_HELP) {
		t->help_back = t->screen_id;
		t->help_top = 0;
		t->screen_id = TUI_HELP;
		return 0;
	}
	switch (t->screen_id) {
	case TUI_LIST:
		return tui_list_key(t, key);
	case TUI_STREAMS:
		tui_streams_key(t, key);
		break;
	case TUI_DETAIL:
		tui_detail_key(t, key);
		break;
	case TUI_APPS:
		tui_apps_key(t, key);
		break;
	case TUI_HELP:
		tui_help_key(t, key);
		break;
	}
	return 0;
}
