/*
 * The terminal view: taking over and giving back the terminal, the view's
 * own copy of the data, and the keys.  Drawing is in tui-list.c,
 * tui-detail.c, tui-help.c and tui-draw.c.
 *
 * The terminal must come back on every exit path, crashes included, so
 * what puts it back (the capability strings and the terminal modes) is
 * captured when the view opens and replayed with write(2) and tcsetattr(3),
 * both async-signal-safe, from tui_restore_terminal().
 */
#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <term.h>
#include <unistd.h>

#include "tui/tui-private.h"

#define TUI_KEY_ESC		27
#define TUI_KEY_CTRL(c)		((c) & 0x1f)

/* What tui_restore_terminal() replays; filled by tui_open(). */
static struct {
	char			seq[512];	/* sgr0, op, cnorm, rmkx, rmcup */
	size_t			len;
	int			fd;
	struct termios		modes;
	int			have_modes;
	volatile sig_atomic_t	armed;
} tui_saved;

/* The signals that restore the terminal, and what they did before. */
static const int tui_crash_signals[] = {
	SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL
};
static const int tui_stop_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT
};
#define TUI_NSIGNALS	9
static struct {
	int			sig;
	struct sigaction	old;
} tui_handlers[TUI_NSIGNALS];
static size_t tui_n_handlers;

/* Out of memory: nothing sensible is left to show. */
static void
tui_fatal(const char *what)
{
	tui_restore_terminal();
	fprintf(stderr, "vqprobe: %s\n", what);
	exit(1);
}

/* calloc that never returns NULL. */
static void *
tui_xcalloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		return NULL;
	if ((p = calloc(n, size)) == NULL)
		tui_fatal("out of memory");
	return p;
}

/* A copy of n objects of size bytes, or NULL when n is 0. */
static void *
tui_memdup(const void *src, size_t n, size_t size)
{
	void *p;

	if (n == 0 || src == NULL)
		return NULL;
	if (n > SIZE_MAX / size)
		tui_fatal("out of memory");
	p = tui_xcalloc(n, size);
	memcpy(p, src, n * size);
	return p;
}

/* Replay what puts the terminal back (see tui.h: signal-safe). */
void
tui_restore_terminal(void)
{
	const char *p;
	size_t left;
	ssize_t n;

	if (!tui_saved.armed)
		return;
	tui_saved.armed = 0;
	p = tui_saved.seq;
	left = tui_saved.len;
	while (left > 0) {
		n = write(tui_saved.fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n;
		left -= (size_t)n;
	}
	if (tui_saved.have_modes)
		tcsetattr(tui_saved.fd, TCSANOW, &tui_saved.modes);
}

/*
 * A crash or a stop signal: put the terminal back, then let the signal do
 * what it did before (the previous handler, or the default: die).
 */
static void
tui_on_signal(int sig)
{
	int saved_errno = errno;
	size_t i;

	tui_restore_terminal();
	for (i = 0; i < tui_n_handlers; i++) {
		if (tui_handlers[i].sig == sig) {
			sigaction(sig, &tui_handlers[i].old, NULL);
			break;
		}
	}
	raise(sig);
	errno = saved_errno;
}

/* Catch sig, remembering its previous action; only_default: leave a program's own handler. */
static void
tui_catch(int sig, int only_default)
{
	struct sigaction sa, old;

	if (sigaction(sig, NULL, &old) != 0)
		return;
	if (only_default && old.sa_handler != SIG_DFL)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tui_on_signal;
	sigemptyset(&sa.sa_mask);
	/* The handler re-raises the signal from inside itself. */
	sa.sa_flags = SA_NODEFER;
	if (sigaction(sig, &sa, NULL) != 0)
		return;
	tui_handlers[tui_n_handlers].sig = sig;
	tui_handlers[tui_n_handlers].old = old;
	tui_n_handlers++;
}

/* Put back the actions tui_catch() replaced, unless the program changed them since. */
static void
tui_uncatch(void)
{
	struct sigaction now;

	while (tui_n_handlers > 0) {
		tui_n_handlers--;
		if (sigaction(tui_handlers[tui_n_handlers].sig, NULL, &now) == 0 &&
		    now.sa_handler == tui_on_signal)
			sigaction(tui_handlers[tui_n_handlers].sig,
			    &tui_handlers[tui_n_handlers].old, NULL);
	}
}

/* Append a terminfo string capability to what the restore replays. */
static void
tui_save_cap(const char *name)
{
	const char *s = tigetstr(name);
	size_t n;

	if (s == NULL || s == (const char *)-1)
		return;
	n = strlen(s);
	if (n >= sizeof(tui_saved.seq) - tui_saved.len)
		return;
	memcpy(tui_saved.seq + tui_saved.len, s, n);
	tui_saved.len += n;
}

/* Capture what puts the terminal back, for tui_restore_terminal(). */
static void
tui_save_restore(void)
{
	const char *s;
	size_t n;

	tui_saved.len = 0;
	tui_save_cap("sgr0");
	tui_save_cap("op");
	tui_save_cap("cnorm");
	tui_save_cap("rmkx");
	s = tigetstr("rmcup");
	if (s == NULL || s == (const char *)-1) {
		/* No alternate screen: leave the cursor below the view. */
		s = tigetstr("cup");
		if (s != NULL && s != (const char *)-1) {
			s = tiparm(s, LINES - 1, 0);
			n = s ? strlen(s) : 0;
			if (n > 0 && n + 2 < sizeof(tui_saved.seq) - tui_saved.len) {
				memcpy(tui_saved.seq + tui_saved.len, s, n);
				tui_saved.len += n;
			}
		}
		if (tui_saved.len + 2 <= sizeof(tui_saved.seq)) {
			memcpy(tui_saved.seq + tui_saved.len, "\r\n", 2);
			tui_saved.len += 2;
		}
	} else
		tui_save_cap("rmcup");
}

/* Colour pairs, when the terminal has colours and NO_COLOR is not set. */
static void
tui_init_colours(struct tui *t)
{
	const char *no_colour = getenv("NO_COLOR");

	t->colour = 0;
	if (!has_colors() || (no_colour != NULL && no_colour[0] != '\0'))
		return;
	if (start_color() != OK)
		return;
	use_default_colors();
	init_pair(1, COLOR_WHITE, COLOR_BLUE);		/* bars */
	init_pair(2, COLOR_RED, COLOR_BLUE);		/* bad on a bar */
	init_pair(3, COLOR_GREEN, -1);
	init_pair(4, COLOR_YELLOW, -1);
	init_pair(5, COLOR_RED, -1);
	init_pair(6, COLOR_MAGENTA, -1);		/* escaped bytes */
	init_pair(7, COLOR_CYAN, -1);			/* labels, requests */
	t->colour = 1;
}

/* Take over the terminal (see tui.h). */
struct tui *
tui_open(const char **cause)
{
	static int at_exit;
	const char *codeset;
	struct tui *t;
	SCREEN *screen;

	if (tui_saved.armed) {
		*cause = "the terminal view is already open";
		return NULL;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*cause = "the terminal view needs a terminal";
		return NULL;
	}
	setlocale(LC_CTYPE, "");
	codeset = nl_langinfo(CODESET);

	tui_saved.fd = STDOUT_FILENO;
	tui_saved.have_modes = tcgetattr(STDIN_FILENO, &tui_saved.modes) == 0;
	/*
	 * Before curses starts: it puts its own handlers (which exit with
	 * status 1) on SIGINT and SIGTERM where it finds the default action.
	 */
	tui_n_handlers = 0;
	for (size_t i = 0; i < sizeof(tui_crash_signals) / sizeof(int); i++)
		tui_catch(tui_crash_signals[i], 0);
	for (size_t i = 0; i < sizeof(tui_stop_signals) / sizeof(int); i++)
		tui_catch(tui_stop_signals[i], 1);
	/* Unlike initscr(), newterm() returns NULL rather than exit. */
	if ((screen = newterm(NULL, stdout, stdin)) == NULL) {
		tui_uncatch();
		*cause = "the terminal type is unknown to curses";
		return NULL;
	}
	t = tui_xcalloc(1, sizeof(*t));
	t->screen = screen;
	t->utf8 = codeset != NULL && (strcmp(codeset, "UTF-8") == 0 ||
	    strcmp(codeset, "utf8") == 0);
	t->screen_id = TUI_LIST;
	t->detail_call = SNAP_NO_CALL;
	t->detail_stream = SNAP_NO_CALL;

	tui_save_restore();
	tui_saved.armed = 1;
	if (!at_exit) {
		/* exit() from anywhere (a fatal error, say) gives the terminal back. */
		atexit(tui_restore_terminal);
		at_exit = 1;
	}

	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	tui_init_colours(t);
	tui_update(t, &t->snap, NULL);
	return t;
}

/* Free what was derived from the snapshot. */
static void
tui_free_derived(struct tui *t)
{
	free(t->info);
	free(t->call_streams);
	free(t->orphans);
	free(t->rows);
	t->info = NULL;
	t->call_streams = t->orphans = t->rows = NULL;
	t->n_orphans = t->n_rows = 0;
}

/* Give the terminal back and free the view. */
void
tui_close(struct tui *t)
{
	if (t == NULL)
		return;
	endwin();
	delscreen(t->screen);
	tui_saved.armed = 0;
	tui_uncatch();
	tui_free_derived(t);
	snapshot_release(&t->snap);
	free(t);
}

/* NUL-terminate a fixed array, whatever its writer did. */
#define TUI_TERMINATE(a)	((a)[sizeof(a) - 1] = '\0')

/* Make sure every string the view reads ends inside its array. */
static void
tui_terminate_strings(struct snapshot *s)
{
	size_t i, j;

	TUI_TERMINATE(s->capture.source);
	for (i = 0; i < s->n_calls; i++) {
		struct snap_call *c = &s->calls[i];

		TUI_TERMINATE(c->call_id);
		TUI_TERMINATE(c->from);
		TUI_TERMINATE(c->to);
		TUI_TERMINATE(c->end_reason);
		for (j = 0; j < c->n_msgs; j++) {
			TUI_TERMINATE(c->msgs[j].src);
			TUI_TERMINATE(c->msgs[j].dst);
			TUI_TERMINATE(c->msgs[j].summary);
		}
	}
	for (i = 0; i < s->n_streams; i++) {
		TUI_TERMINATE(s->streams[i].src);
		TUI_TERMINATE(s->streams[i].dst);
		TUI_TERMINATE(s->streams[i].codec);
	}
}

/* Copy a snapshot and everything it points to. */
static void
tui_copy_snapshot(struct snapshot *dst, const struct snapshot *src)
{
	size_t i, j;

	*dst = *src;
	dst->calls = tui_memdup(src->calls, src->n_calls, sizeof(*src->calls));
	for (i = 0; i < dst->n_calls; i++) {
		struct snap_call *c = &dst->calls[i];

		c->msgs = snap_msgs_dup(c->msgs, c->n_msgs);
		if (c->n_msgs > 0 && c->msgs == NULL)
			tui_fatal("out of memory");
		for (j = 0; j < c->n_msgs; j++)
			if (c->msgs[j].text == NULL)
				c->msgs[j].text_len = 0;
	}
	dst->streams = tui_memdup(src->streams, src->n_streams,
	    sizeof(*src->streams));
	for (i = 0; i < dst->n_streams; i++) {
		struct snap_stream *s = &dst->streams[i];

		s->points = tui_memdup(s->points, s->n_points, sizeof(*s->points));
	}
	/* An empty list of applications is not "not classified" (NULL). */
	dst->apps = NULL;
	if (src->apps != NULL) {
		dst->apps = tui_xcalloc(src->n_apps ? src->n_apps : 1,
		    sizeof(*src->apps));
		if (src->n_apps > 0)
			memcpy(dst->apps, src->apps,
			    src->n_apps * sizeof(*src->apps));
	}
}

/* Whether a call is over. */
static int
tui_call_ended(const struct snap_call *c)
{
	return c->end_s != SNAP_NONE && c->end_s >= 0;
}

/* Fold a stream into its call's figures for the list. */
static void
tui_add_stream(struct tui_call_info *info, const struct snap_stream *s)
{
	struct tui_dir *d;
	int way;

	if (s->direction != NULL && strcmp(s->direction, "callee") == 0)
		way = 1;
	else if (s->direction != NULL && strcmp(s->direction, "caller") == 0)
		way = 0;
	else
		way = info->dir[0].have_stream && !info->dir[1].have_stream;
	d = &info->dir[way];
	if (!d->have_stream || s->rtp.loss_pct > d->loss_pct)
		d->loss_pct = s->rtp.loss_pct;
	d->have_stream = 1;
	if (s->quality.have_mos && (!d->have_mos || s->quality.mos_call < d->mos)) {
		d->mos = s->quality.mos_call;
		d->have_mos = 1;
	}
	if (s->clock_rate_hz != 0 &&
	    (!d->have_jitter || s->rtp.jitter_mean_ms > d->jitter_ms)) {
		d->jitter_ms = s->rtp.jitter_mean_ms;
		d->have_jitter = 1;
	}
	if (info->codec[0] == '\0' && s->codec[0] != '\0')
		info->codec = s->codec;
}

/* Group the streams by call and find those without one. */
static void
tui_derive(struct tui *t)
{
	const struct snapshot *s = &t->snap;
	size_t i, *fill;

	tui_free_derived(t);
	t->info = tui_xcalloc(s->n_calls, sizeof(*t->info));
	t->call_streams = tui_xcalloc(s->n_streams, sizeof(size_t));
	t->orphans = tui_xcalloc(s->n_streams, sizeof(size_t));
	t->rows = tui_xcalloc(s->n_calls, sizeof(size_t));
	for (i = 0; i < s->n_calls; i++)
		t->info[i].codec = "";
	for (i = 0; i < s->n_streams; i++) {
		size_t call = s->streams[i].call;

		if (call < s->n_calls)
			t->info[call].n_streams++;
		else
			t->orphans[t->n_orphans++] = i;
	}
	fill = tui_xcalloc(s->n_calls, sizeof(size_t));
	for (i = 1; i < s->n_calls; i++)
		t->info[i].first = t->info[i - 1].first + t->info[i - 1].n_streams;
	for (i = 0; i < s->n_streams; i++) {
		size_t call = s->streams[i].call;

		if (call >= s->n_calls)
			continue;
		t->call_streams[t->info[call].first + fill[call]++] = i;
		tui_add_stream(&t->info[call], &s->streams[i]);
	}
	free(fill);
}

/* Whether needle (lower case) occurs in hay, ignoring case. */
static int
tui_contains(const char *hay, const char *needle)
{
	size_t i, n = strlen(needle);

	if (n == 0)
		return 1;
	for (; *hay != '\0'; hay++) {
		for (i = 0; i < n; i++) {
			int c = (unsigned char)hay[i];

			if (c == '\0')
				return 0;
			if (c >= 'A' && c <= 'Z')
				c += 'a' - 'A';
			if (c != (unsigned char)needle[i])
				break;
		}
		if (i == n)
			return 1;
	}
	return 0;
}

/* Whether a call matches the filter: any of its texts contains it. */
static int
tui_call_matches(const struct tui *t, size_t call, const char *needle)
{
	const struct snap_call *c = &t->snap.calls[call];
	const struct tui_call_info *info = &t->info[call];
	char code[16];
	size_t i;

	snprintf(code, sizeof(code), "%d", c->final_code);
	if (tui_contains(c->from, needle) || tui_contains(c->to, needle) ||
	    tui_contains(c->call_id, needle) ||
	    tui_contains(c->end_reason, needle) ||
	    (c->state != NULL && tui_contains(c->state, needle)) ||
	    (c->final_code != 0 && tui_contains(code, needle)))
		return 1;
	for (i = 0; i < info->n_streams; i++) {
		const struct snap_stream *s =
		    &t->snap.streams[t->call_streams[info->first + i]];

		if (tui_contains(s->src, needle) || tui_contains(s->dst, needle) ||
		    tui_contains(s->codec, needle))
			return 1;
	}
	return 0;
}

/* A call's place in the list: its sort key, then its start. */
struct tui_sort_row {
	double		key;
	double		start_s;
	size_t		call;
};

/* Compare two rows for qsort: key, start, then capture order. */
static int
tui_compare_rows(const void *a, const void *b)
{
	const struct tui_sort_row *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->start_s != y->start_s)
		return x->start_s < y->start_s ? -1 : 1;
	return x->call < y->call ? -1 : x->call > y->call;
}

/* A call's sort key: the lower the key, the higher in the list. */
static double
tui_sort_key(const struct tui *t, size_t call)
{
	const struct tui_call_info *info = &t->info[call];
	double key = HUGE_VAL;
	int i;

	for (i = 0; i < 2; i++) {
		const struct tui_dir *d = &info->dir[i];

		switch (t->sort) {
		case TUI_SORT_MOS:
			if (d->have_mos && d->mos < key)
				key = d->mos;
			break;
		case TUI_SORT_LOSS:
			if (d->have_stream && -d->loss_pct < key)
				key = -d->loss_pct;
			break;
		case TUI_SORT_JITTER:
			if (d->have_jitter && -d->jitter_ms < key)
				key = -d->jitter_ms;
			break;
		default:
			break;
		}
	}
	if (t->sort == TUI_SORT_START)
		key = t->snap.calls[call].start_s;
	return key;
}

/*
 * Which calls the list shows, in order.  The selection stays on the call
 * it was on (keep: its index) when that call is still shown.
 */
static void
tui_rebuild_rows(struct tui *t, size_t keep)
{
	const struct snapshot *s = &t->snap;
	struct tui_sort_row *sorted;
	char needle[TUI_FILTER_LEN];
	size_t i, n = 0;

	for (i = 0; i <= t->filter_len && i < sizeof(needle); i++) {
		int c = (unsigned char)t->filter[i];

		needle[i] = (char)(c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c);
	}
	needle[sizeof(needle) - 1] = '\0';
	sorted = tui_xcalloc(s->n_calls, sizeof(*sorted));
	for (i = 0; i < s->n_calls; i++) {
		if (t->hide_ended && tui_call_ended(&s->calls[i]))
			continue;
		if (needle[0] != '\0' && !tui_call_matches(t, i, needle))
			continue;
		sorted[n].key = tui_sort_key(t, i);
		sorted[n].start_s = s->calls[i].start_s;
		sorted[n].call = i;
		n++;
	}
	if (n > 1)
		qsort(sorted, n, sizeof(*sorted), tui_compare_rows);
	t->n_rows = n;
	for (i = 0; i < n; i++) {
		t->rows[i] = sorted[i].call;
		if (sorted[i].call == keep)
			t->list.sel = i;
	}
	free(sorted);
	if (t->list.sel >= n)
		t->list.sel = n > 0 ? n - 1 : 0;
}

/* The call index of the list's selected row, or SNAP_NO_CALL. */
static size_t
tui_selected_call(const struct tui *t)
{
	return t->list.sel < t->n_rows ? t->rows[t->list.sel] : SNAP_NO_CALL;
}

/* A call of the new snapshot that is the old one's call (same INVITE, same Call-ID). */
static size_t
tui_find_call(const struct snapshot *s, const struct snap_call *old)
{
	size_t i;

	for (i = 0; i < s->n_calls; i++)
		if (s->calls[i].order == old->order &&
		    strcmp(s->calls[i].call_id, old->call_id) == 0)
			return i;
	return SNAP_NO_CALL;
}

/* A stream of the new snapshot that is the old one's stream. */
static size_t
tui_find_stream(const struct snapshot *s, const struct snap_stream *old)
{
	size_t i;

	for (i = 0; i < s->n_streams; i++)
		if (s->streams[i].order == old->order &&
		    s->streams[i].id == old->id)
			return i;
	return SNAP_NO_CALL;
}

/* Draw the whole screen. */
static void
tui_draw(struct tui *t)
{
	erase();
	if (COLS < 40 || LINES < 10) {
		tui_put(0, 0, COLS, tui_style(t, TUI_NORMAL),
		    "vqprobe: the terminal is too small (40x10 at least)");
		refresh();
		return;
	}
	tui_header(t);
	switch (t->screen_id) {
	case TUI_LIST:
		tui_list_draw(t);
		break;
	case TUI_STREAMS:
		tui_streams_draw(t);
		break;
	case TUI_DETAIL:
		tui_detail_draw(t);
		break;
	case TUI_APPS:
		tui_apps_draw(t);
		break;
	case TUI_HELP:
		tui_help_draw(t);
		break;
	}
	refresh();
}

/* Take over a snapshot, keep the selections on the same calls, redraw. */
void
tui_update_take(struct tui *t, struct snapshot *snap,
    const struct snap_status *status)
{
	struct snapshot old = t->snap;
	size_t list_call = tui_selected_call(t), stream = SNAP_NO_CALL;
	size_t detail_call = SNAP_NO_CALL, detail_stream = SNAP_NO_CALL;

	/* Where the selections were, in the new snapshot's indexes. */
	if (snap != &t->snap) {
		t->snap = *snap;
		memset(snap, 0, sizeof(*snap));
		tui_terminate_strings(&t->snap);
		if (list_call != SNAP_NO_CALL)
			list_call = tui_find_call(&t->snap, &old.calls[list_call]);
		if (t->streams.sel < t->n_orphans)
			stream = tui_find_stream(&t->snap,
			    &old.streams[t->orphans[t->streams.sel]]);
		if (t->detail_call != SNAP_NO_CALL)
			detail_call = tui_find_call(&t->snap,
			    &old.calls[t->detail_call]);
		else if (t->detail_stream != SNAP_NO_CALL)
			detail_stream = tui_find_stream(&t->snap,
			    &old.streams[t->detail_stream]);
		snapshot_release(&old);
	}
	if (status != NULL) {
		t->status = *status;
		TUI_TERMINATE(t->status.source);
		snprintf(t->exporter, sizeof(t->exporter), "%s",
		    status->exporter_state ? status->exporter_state : "");
		t->status.exporter_state = status->exporter_state ?
		    t->exporter : NULL;
		t->have_status = 1;
	}
	tui_derive(t);
	tui_rebuild_rows(t, list_call);
	for (size_t i = 0; i < t->n_orphans; i++)
		if (t->orphans[i] == stream)
			t->streams.sel = i;
	if (t->streams.sel >= t->n_orphans)
		t->streams.sel = t->n_orphans > 0 ? t->n_orphans - 1 : 0;

	t->detail_call = detail_call;
	t->detail_stream = detail_stream;
	if (t->screen_id == TUI_DETAIL && detail_call == SNAP_NO_CALL &&
	    detail_stream == SNAP_NO_CALL)
		t->screen_id = t->detail_back;	/* it left the tables */
	if (t->detail_call != SNAP_NO_CALL) {
		size_t n = t->snap.calls[t->detail_call].n_msgs;

		if (t->msgs.sel >= n)
			t->msgs.sel = n > 0 ? n - 1 : 0;
	}
	tui_draw(t);
}

/* A deep copy of a snapshot, then as tui_update_take(). */
void
tui_update(struct tui *t, const struct snapshot *snap,
    const struct snap_status *status)
{
	struct snapshot copy;

	if (snap == &t->snap) {
		tui_update_take(t, &t->snap, status);
		return;
	}
	tui_copy_snapshot(&copy, snap);
	tui_update_take(t, &copy, status);
}

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
static int
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

/* Handle the keys of up to timeout_ms, then draw once. */
int
tui_poll(struct tui *t, int timeout_ms)
{
	int key, quit = 0, handled = 0;

	timeout(timeout_ms < 0 ? -1 : timeout_ms);
	key = getch();
	/* Take every key already typed, then draw once. */
	while (key != ERR) {
		handled = 1;
		if (tui_key(t, key)) {
			quit = 1;
			break;
		}
		timeout(0);
		key = getch();
	}
	if (handled && !quit)
		tui_draw(t);
	return quit;
}
