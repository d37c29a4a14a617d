/*
 * The terminal view: a list of calls worst first, a call's SIP ladder and
 * media figures, the streams without a call, the probe's own health.
 *
 * It renders snapshots (metrics/snapshot.h) and nothing else; curses is
 * included only under tui/.  Every function is called from one thread.
 */
#ifndef VQ_TUI_H
#define VQ_TUI_H

#include "metrics/snapshot.h"
#include "metrics/verdict.h"

struct tui;

/*
 * Take over the terminal (standard input and output must be one): the
 * alternate screen, no echo, keys one at a time (Ctrl-C still signals).
 * Sets LC_CTYPE from the environment, so that a UTF-8 locale gets line
 * and block characters and any other gets ACS lines and plain ASCII.
 * Installs handlers that restore the terminal and then die as before for
 * SIGSEGV, SIGBUS, SIGABRT, SIGFPE and SIGILL, and for SIGINT, SIGTERM
 * and SIGQUIT only where the program left the default action (a program
 * with its own handlers calls tui_restore_terminal() on any path that
 * exits without tui_close()).  SIGHUP it takes over whatever the program
 * did with it, until tui_close(): while the view is open, a hangup means
 * its terminal is gone, and tui_poll() says so.  NULL with *cause (static
 * text) if this is not a terminal or curses fails.
 */
struct tui	*tui_open(const char **cause);
/*
 * New data, redrawn at once.  tui_update copies the snapshot deeply (the
 * caller keeps and frees its own); tui_update_take takes over what *snap
 * holds and leaves it empty, as snapshot_release() would.  Either way the
 * view frees the previous snapshot.  status may be NULL (the header then
 * shows the snapshot's capture figures); it is copied.  The static
 * strings a snapshot points to (state, direction, protocol names) must
 * outlive the view.
 */
void		 tui_update(struct tui *, const struct snapshot *,
		    const struct snap_status *);
void		 tui_update_take(struct tui *, struct snapshot *,
		    const struct snap_status *);
/*
 * Wait up to timeout_ms (-1: until a key) for keys and handle them, and a
 * resize of the terminal at any moment.  Returns 1 once the user quit
 * (q on the list) or the terminal is gone (SIGHUP, reading it fails, it
 * is no longer a terminal: the window closed, the connection dropped),
 * else 0.  Either way the program ends the view as it would on q; after
 * a hangup every later call returns 1 at once, without waiting.
 */
int		 tui_poll(struct tui *, int timeout_ms);
/*
 * What the view keeps, from the next update on: every call still up, and
 * ended_calls of the ended ones (TUI_KEEP_ENDED until told otherwise); see
 * tui_keep_calls.  The call open in the detail stays while it is open.
 */
void		 tui_keep(struct tui *, size_t ended_calls);
/*
 * Trim a snapshot that is kept for the view (not the view's own) to what
 * the view keeps, counting what goes among the calls not kept: the
 * pipeline need not hold what the view would drop.
 */
void		 tui_prune(struct tui *, struct snapshot *);
/* Give the terminal back as it was, remove the handlers, free the view. */
void		 tui_close(struct tui *);
/*
 * Put the terminal back from a fatal path or a signal handler: reset the
 * attributes, show the cursor, leave keypad mode and the alternate screen,
 * restore the terminal modes saved by tui_open().  Only write(2) and
 * tcsetattr(3) on strings captured when the view opened, so it is
 * async-signal-safe; curses itself is left as it is (endwin() is not safe
 * there), which is fine for a process about to exit.  Does nothing when no
 * view is open, and nothing the second time.
 */
void		 tui_restore_terminal(void);

/*
 * The ended calls a view keeps by default.  A kept call costs the view its
 * SIP messages (a few kilobytes) and its streams' figures per interval (80
 * bytes each, up to 360 a stream): about 7.5 kB for a short call, 65 kB
 * for one of an hour, so 1000 take 8 to 65 MB.  A thousand rows is more
 * than anyone pages through, and the worst and the latest are what a
 * person looks for.
 */
#define TUI_KEEP_ENDED		1000

/*
 * Trim a snapshot to what the view keeps of it: every call still up (no
 * end time), and at most keep_ended of the ended calls: first the worst
 * by the verdict (metrics/verdict.h), up to half of them: impaired calls,
 * the lowest MOS first; then the latest to end, until keep_ended are kept.
 * The calls let go are freed with their streams, SIP messages and figures
 * per interval; the streams without a call stay.  Returns how many calls
 * it let go.  Needs no open view: the view does the same at each update.
 */
size_t		 tui_keep_calls(struct snapshot *, size_t keep_ended);

/* One figure of the list: as printed ("-": none) and its colour's band. */
struct tui_cell {
	int		 have;
	char		 text[16];
	enum verdict_band band;
};

/* What the list shows of the media one side of a call sent. */
struct tui_side_cells {
	int		 impaired;	/* the verdict (metrics/verdict.h) */
	struct tui_cell	 mos;
	struct tui_cell	 loss_pct;
	struct tui_cell	 jitter_ms;
};

/*
 * The list's cells of a call of a snapshot, both sides (enum
 * verdict_side), made as the list makes them: for scripts and tests that
 * read what the view shows without a terminal.  Needs no open view.
 */
void		 tui_list_cells(const struct snapshot *, size_t call,
		    struct tui_side_cells[2]);

#endif /* VQ_TUI_H */
