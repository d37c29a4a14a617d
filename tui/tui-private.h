/*
 * What the terminal view's files share: the view's state and the drawing
 * helpers.  Included only by the files of tui/; the rest of the program sees tui.h.
 */
#ifndef VQ_TUI_PRIVATE_H
#define VQ_TUI_PRIVATE_H

/* The wide-character curses (ncursesw) whatever the feature macros. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR	1
#endif
#include <curses.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics/verdict.h"
#include "tui/tui.h"

#define TUI_FILTER_LEN		64
#define TUI_EXPORTER_LEN	16

enum tui_screen {
	TUI_LIST,		/* the calls */
	TUI_STREAMS,		/* the streams without a call */
	TUI_DETAIL,		/* one call, or one stream without a call */
	TUI_APPS,		/* the applications nDPI named */
	TUI_HELP
};

enum tui_sort {
	TUI_SORT_MOS,		/* worst MOS first (the default) */
	TUI_SORT_LOSS,		/* most loss first */
	TUI_SORT_JITTER,	/* most jitter first */
	TUI_SORT_START,		/* latest call first */
	TUI_SORT_COUNT
};

/* How a piece of text looks; tui_style() maps it to colours or to plain attributes. */
enum tui_style {
	TUI_NORMAL,
	TUI_BAR,		/* the header and the key bar */
	TUI_BAR_BAD,		/* a bad figure in the header */
	TUI_SELECTED,
	TUI_GOOD,
	TUI_FAIR,
	TUI_BAD,
	TUI_ESCAPED,		/* a byte of SIP text shown escaped */
	TUI_LABEL,
	TUI_REQUEST,
	TUI_DIM
};

/* What the list needs of a call, worked out once per snapshot. */
struct tui_call_info {
	struct verdict_sums media[2];	/* its streams, summed per side */
	struct verdict_call v;		/* its figures and verdict per side */
	const char	*codec;		/* of its first stream with one, or "" */
	size_t		first;		/* its streams: call_streams[first ...] */
	size_t		n_streams;
};

/* A position in a list: the selected row and the first row shown. */
struct tui_cursor {
	size_t		sel;
	size_t		top;
};

struct tui {
	SCREEN			*screen;
	int			 utf8;		/* the locale's codeset is UTF-8 */
	int			 colour;
	enum tui_screen		 screen_id;
	enum tui_screen		 help_back;	/* where the help screen returns */
	enum tui_screen		 detail_back;

	struct snapshot		 snap;
	struct snap_status	 status;
	/*
	 * The bound: every call still up, keep_ended ended ones; what the
	 * pipeline let go of for good (tui_prune), and what is not kept in
	 * all (those, and what the last update let go of).
	 */
	size_t			 keep_ended;
	size_t			 calls_pruned;
	size_t			 streams_pruned;
	size_t			 calls_not_kept;
	size_t			 streams_not_kept;
	int			 have_status;
	char			 exporter[TUI_EXPORTER_LEN];

	/* Derived from snap at each update. */
	struct tui_call_info	*info;		/* one per call */
	size_t			*call_streams;	/* stream indexes grouped by call */
	size_t			*orphans;	/* streams without a call */
	size_t			 n_orphans;
	size_t			*rows;		/* calls shown: filtered, sorted */
	size_t			 n_rows;

	/* The call list. */
	struct tui_cursor	 list;
	enum tui_sort		 sort;
	int			 hide_ended;
	char			 filter[TUI_FILTER_LEN];
	size_t			 filter_len;
	int			 editing;	/* typing the filter */

	/* The streams without a call. */
	struct tui_cursor	 streams;

	/* The applications, most bytes first (indexes into snap.apps). */
	struct tui_cursor	 apps;

	/* The detail: a call, or a stream without a call. */
	size_t			 detail_call;	/* or SNAP_NO_CALL */
	size_t			 detail_stream;	/* when detail_call is none */
	struct tui_cursor	 msgs;
	size_t			 raw_top;	/* first line of the raw text shown */

	size_t			 help_top;
};

/* tui.c */
/* Draw the whole screen of the current state. */
void		 tui_draw(struct tui *);

/* tui-store.c */
/* calloc that never returns NULL: out of memory restores the terminal. */
void		*tui_xcalloc(size_t n, size_t size);
void		 tui_free_derived(struct tui *);
/* Filter and sort the rows again, keeping the selection on call keep. */
void		 tui_rebuild_rows(struct tui *, size_t keep);
/* The call index of the list's selected row, or SNAP_NO_CALL. */
size_t		 tui_selected_call(const struct tui *);

/* tui-keys.c */
/* Handle one key; 1 when the user quit. */
int		 tui_key(struct tui *, int key);

/* tui-draw.c */
attr_t		 tui_style(const struct tui *, enum tui_style);
attr_t		 tui_mos_style(const struct tui *, double mos);
/* The style of a figure in a verdict band; good: the style given. */
attr_t		 tui_band_style(const struct tui *, enum verdict_band,
		    enum tui_style good);
int		 tui_put(int y, int x, int width, attr_t, const char *);
int		 tui_putf(int y, int x, int width, attr_t, const char *, ...)
		    __attribute__((format(printf, 5, 6)));
void		 tui_fill(int y, int x, int width, attr_t);
void		 tui_hline(int y, int x, int width, attr_t);
void		 tui_vline(int y, int x, int height, attr_t);
void		 tui_header(const struct tui *);
void		 tui_keybar(const struct tui *, const char *);
void		 tui_spark(const struct tui *, int y, int x, int width,
		    const struct snap_point *, size_t, int what);
const char	*tui_uri(const char *);
void		 tui_format_duration(char *, size_t, double seconds);
void		 tui_format_clock(char *, size_t, double epoch_s);
void		 tui_format_ms(char *, size_t, double ms);

/* What tui_spark draws. */
#define TUI_SPARK_MOS		0
#define TUI_SPARK_LOSS		1
#define TUI_SPARK_JITTER	2

/* tui-list.c */
void		 tui_list_draw(struct tui *);
void		 tui_streams_draw(struct tui *);
void		 tui_apps_draw(struct tui *);
void		 tui_list_scroll(struct tui_cursor *, size_t rows, int page);
/* Keep the selected row on screen, moving the view as little as possible. */
void		 tui_follow(struct tui_cursor *, size_t rows, size_t page);
int		 tui_list_page(void);

/* tui-detail.c */
void		 tui_detail_draw(struct tui *);
size_t		 tui_detail_raw_lines(const struct tui *);

/* tui-help.c */
void		 tui_help_draw(struct tui *);
size_t		 tui_help_lines(void);

#endif /* VQ_TUI_PRIVATE_H */
