/*
 * The help screen: every key, and what the figures mean.
 */
#include <string.h>

#include "tui/tui-private.h"

/* A constant's value as text: the thresholds below are the verdict's. */
#define TUI_STR(x)	TUI_STR_(x)
#define TUI_STR_(x)	#x

/* Lines of help; a line starting with '#' is a heading. */
static const char *const tui_help_text[] = {
	"# Everywhere",
	"  F1 ?  h        this help (any key leaves it)",
	"  Ctrl-L         redraw the screen",
	"  Ctrl-C         stop (vqprobe writes its reports and exits)",
	"# Calls",
	"  Up Down j k    move one call",
	"  PgUp PgDn      move one page",
	"  Home End       first, last call",
	"  Enter          the call's detail",
	"  /              filter: type text, Enter keeps it, Esc clears it;",
	"                 matches From, To, Call-ID, state, code, codec, addresses",
	"  Esc            clear the filter",
	"  s              sort by worst MOS, loss, jitter, start time (cycles)",
	"  e              hide or show ended calls",
	"                 (the view keeps every call up and --tui-calls ended",
	"                 ones, the worst and the latest; the title counts",
	"                 the older calls it let go)",
	"  u  Tab         streams without a call",
	"  a              applications (nDPI) of the traffic no call explains",
	"  q              quit",
	"# A call's detail",
	"  Up Down        pick a SIP message; its raw text shows on the right",
	"  Home End       first, last message",
	"  PgUp PgDn      scroll the raw text",
	"  Esc q Left     back to the list",
	"# Streams without a call",
	"  Up Down Enter  pick one, see its figures",
	"  Esc q u Tab    back to the calls",
	"# Applications",
	"  Up Down        move; Esc q a back to the calls",
	"# Figures",
	"  MOS> LOSS> JIT>  what the caller sent (caller to callee)",
	"  MOS< LOSS< JIT<  what the callee sent (callee to caller)",
	"  MOS colours      green >= " TUI_STR(VERDICT_MOS_GOOD) ", yellow "
	    TUI_STR(VERDICT_MOS) " to " TUI_STR(VERDICT_MOS_GOOD) ", red < "
	    TUI_STR(VERDICT_MOS),
	"  red figures      why a side is impaired: loss >= "
	    TUI_STR(VERDICT_LOSS_PCT) " %, MOS < " TUI_STR(VERDICT_MOS) ",",
	"                   mean jitter > " TUI_STR(VERDICT_JITTER_MS) " ms",
	"  LOSS             % of expected packets lost in the network",
	"  JIT              RFC 3550 interarrival jitter, mean, in ms",
	"  charts           one cell per interval (the worst when squeezed),",
	"                   the latest on the right",
	"  raw SIP text     bytes that are not printable ASCII show escaped:",
	"                   ^[ is ESC, ^X control characters, \\xNN other bytes",
};
#define TUI_HELP_LINES	(sizeof(tui_help_text) / sizeof(tui_help_text[0]))

/* Lines of help, for scrolling. */
size_t
tui_help_lines(void)
{
	return TUI_HELP_LINES;
}

/* The help screen from help_top. */
void
tui_help_draw(struct tui *t)
{
	int rows = LINES - 3, y;

	tui_put(1, 0, COLS, A_BOLD, " Keys");
	if (t->help_top + (size_t)rows > TUI_HELP_LINES)
		t->help_top = TUI_HELP_LINES > (size_t)rows ?
		    TUI_HELP_LINES - (size_t)rows : 0;
	for (y = 0; y < rows && t->help_top + (size_t)y < TUI_HELP_LINES; y++) {
		const char *line = tui_help_text[t->help_top + (size_t)y];

		if (line[0] == '#')
			tui_put(2 + y, 1, COLS - 1, tui_style(t, TUI_LABEL) | A_BOLD,
			    line + 2);
		else
			tui_put(2 + y, 1, COLS - 1, A_NORMAL, line);
	}
	tui_keybar(t, "Up/Down=scroll any=back");
}
