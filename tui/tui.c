/*
 * The terminal view's hold on the terminal: taking it over, reading it,
 * giving it back.  The view's copy of the data is in tui-store.c, what the
 * keys do in tui-keys.c, drawing in tui-list.c, tui-detail.c, tui-help.c
 * and tui-draw.c.
 *
 * The terminal must come back on every exit path, crashes included, so
 * what puts it back (the capability strings and the terminal modes) is
 * captured when the view opens and replayed with write(2) and tcsetattr(3),
 * both async-signal-safe, from tui_restore_terminal().
 */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <term.h>
#include <unistd.h>

#include "tui/tui-private.h"

/* What tui_restore_terminal() replays; filled by tui_open(). */
static struct {
	char			seq[512];	/* sgr0, op, cnorm, rmkx, rmcup */
	size_t			len;
	int			fd;
	struct termios		modes;
	int			have_modes;
	volatile sig_atomic_t	armed;
} tui_saved;

/*
 * The signals that restore the terminal, and what they did before; and
 * SIGHUP, which the view takes over while it is open.
 */
static const int tui_crash_signals[] = {
	SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL
};
static const int tui_stop_signals[] = {
	SIGINT, SIGTERM, SIGQUIT
};
#define TUI_NSIGNALS	9
static struct {
	int			sig;
	void			(*handler)(int);	/* the view's */
	struct sigaction	old;
} tui_handlers[TUI_NSIGNALS];
static size_t tui_n_handlers;

/*
 * Set by the SIGHUP handler while the view is open (its terminal hung up:
 * the window closed, the connection dropped), read by tui_poll in whatever
 * thread drives the view.  Relaxed both ways: the flag carries no data,
 * and a hangup seen one poll late is seen all the same.  Lock-free, so
 * that the handler may touch it.
 */
static atomic_int tui_hung_up;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2,
    "the hangup flag must be lock-free to be set in a signal handler");

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

/*
 * SIGHUP: the terminal is gone.  Only a flag is set; tui_poll then ends
 * the view as q does, so that the program writes its outputs and exits
 * rather than live on, orphaned, polling a terminal that is no more.
 */
static void
tui_on_hangup(int sig)
{
	(void)sig;
	/* Relaxed: see tui_hung_up. */
	atomic_store_explicit(&tui_hung_up, 1, memory_order_relaxed);
}

/* Catch sig, remembering its previous action; only_default: leave a program's own handler. */
static void
tui_catch(int sig, int only_default, void (*handler)(int), int flags)
{
	struct sigaction sa, old;

	if (sigaction(sig, NULL, &old) != 0)
		return;
	if (only_default && old.sa_handler != SIG_DFL)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = flags;
	if (sigaction(sig, &sa, NULL) != 0)
		return;
	tui_handlers[tui_n_handlers].sig = sig;
	tui_handlers[tui_n_handlers].handler = handler;
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
		    now.sa_handler == tui_handlers[tui_n_handlers].handler)
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
	/* SA_NODEFER: the handler re-raises the signal from inside itself. */
	for (size_t i = 0; i < sizeof(tui_crash_signals) / sizeof(int); i++)
		tui_catch(tui_crash_signals[i], 0, tui_on_signal, SA_NODEFER);
	for (size_t i = 0; i < sizeof(tui_stop_signals) / sizeof(int); i++)
		tui_catch(tui_stop_signals[i], 1, tui_on_signal, SA_NODEFER);
	/*
	 * A hangup means this terminal is gone, whatever else SIGHUP means to
	 * the program (vqprobe's log reopening comes back at tui_close).
	 * SA_RESTART: the program's other threads are not to see EINTR.
	 */
	atomic_store_explicit(&tui_hung_up, 0, memory_order_relaxed);
	tui_catch(SIGHUP, 0, tui_on_hangup, SA_RESTART);
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
	t->keep_ended = TUI_KEEP_ENDED;

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

/* Draw the whole screen. */
void
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

/*
 * Whether the terminal is gone, once getch has returned ERR: hung up
 * (SIGHUP), or no longer a terminal.  A terminal that hung up reads as end
 * of file at once, which getch reports as ERR without waiting out its
 * timeout, or fails with EIO; either way polling it on would spin.
 */
static int
tui_terminal_lost(int read_errno)
{
	/* Relaxed: see tui_hung_up. */
	if (atomic_load_explicit(&tui_hung_up, memory_order_relaxed))
		return 1;
	return read_errno == EIO || !isatty(STDIN_FILENO);
}

/* Handle the keys of up to timeout_ms, then draw once. */
int
tui_poll(struct tui *t, int timeout_ms)
{
	int key, handled = 0;

	/* Relaxed: see tui_hung_up. */
	if (atomic_load_explicit(&tui_hung_up, memory_order_relaxed))
		return 1;
	timeout(timeout_ms < 0 ? -1 : timeout_ms);
	errno = 0;
	key = getch();
	/* Take every key already typed, then draw once. */
	while (key != ERR) {
		handled = 1;
		if (tui_key(t, key))
			return 1;
		timeout(0);
		errno = 0;
		key = getch();
	}
	if (tui_terminal_lost(errno))
		return 1;
	if (handled)
		tui_draw(t);
	return 0;
}
