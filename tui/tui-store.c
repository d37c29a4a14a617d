/*
 * The terminal view's store: its own copy of the snapshot, and what is
 * worked out from it once per update (each call's figures per direction,
 * its streams, the streams without a call, the rows the list shows,
 * filtered and sorted).  Drawing and keys read it; only this file and the
 * keys' filter and sort change it.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui-private.h"

/* Out of memory: nothing sensible is left to show. */
static void
tui_fatal(const char *what)
{
	tui_restore_terminal();
	fprintf(stderr, "vqprobe: %s\n", what);
	exit(1);
}

/* calloc that never returns NULL. */
void *
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

/* Free what was derived from the snapshot. */
void
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

/*
 * Copy what a snapshot keeps (keep[i]: call i) and everything it points
 * to: the calls kept, their streams and the streams without a call.
 * Returns how many streams were left out with their calls.
 */
static size_t
tui_copy_snapshot(struct snapshot *dst, const struct snapshot *src,
    const unsigned char *keep)
{
	size_t i, j, n_calls = 0, n_streams = 0, *at;

	*dst = *src;
	/* Where each call kept goes in the copy. */
	at = tui_xcalloc(src->n_calls, sizeof(*at));
	for (i = 0; i < src->n_calls; i++)
		at[i] = keep[i] ? n_calls++ : SNAP_NO_CALL;
	for (i = 0; i < src->n_streams; i++) {
		size_t call = src->streams[i].call;

		if (call >= src->n_calls || at[call] != SNAP_NO_CALL)
			n_streams++;
	}
	dst->calls = tui_xcalloc(n_calls, sizeof(*dst->calls));
	dst->n_calls = n_calls;
	for (i = 0; i < src->n_calls; i++) {
		struct snap_call *c;

		if (at[i] == SNAP_NO_CALL)
			continue;
		c = &dst->calls[at[i]];
		*c = src->calls[i];
		c->msgs = snap_msgs_dup(c->msgs, c->n_msgs);
		if (c->n_msgs > 0 && c->msgs == NULL)
			tui_fatal("out of memory");
		for (j = 0; j < c->n_msgs; j++)
			if (c->msgs[j].text == NULL)
				c->msgs[j].text_len = 0;
	}
	dst->streams = tui_xcalloc(n_streams, sizeof(*dst->streams));
	dst->n_streams = n_streams;
	for (i = 0, j = 0; i < src->n_streams; i++) {
		const struct snap_stream *from = &src->streams[i];
		struct snap_stream *s;

		if (from->call < src->n_calls && at[from->call] == SNAP_NO_CALL)
			continue;
		s = &dst->streams[j++];
		*s = *from;
		if (from->call < src->n_calls)
			s->call = at[from->call];
		s->points = tui_memdup(s->points, s->n_points, sizeof(*s->points));
	}
	free(at);
	/* An empty list of applications is not "not classified" (NULL). */
	dst->apps = NULL;
	if (src->apps != NULL) {
		dst->apps = tui_xcalloc(src->n_apps ? src->n_apps : 1,
		    sizeof(*src->apps));
		if (src->n_apps > 0)
			memcpy(dst->apps, src->apps,
			    src->n_apps * sizeof(*src->apps));
	}
	return src->n_streams - n_streams;
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
	verdict_sums_add(info->media, s);
	if (info->codec[0] == '\0' && s->codec[0] != '\0')
		info->codec = s->codec;
}

/* An ended call as the bound ranks it. */
struct tui_rank {
	int		impaired;
	int		have_mos;
	double		mos;		/* its worse direction's */
	double		end_s;
	uint64_t	order;		/* capture frame of its INVITE */
	size_t		call;
};

/* Worst first: impaired, then the lowest MOS (none: last), then the latest. */
static int
tui_compare_worst(const void *a, const void *b)
{
	const struct tui_rank *x = a, *y = b;

	if (x->impaired != y->impaired)
		return x->impaired ? -1 : 1;
	if (x->have_mos != y->have_mos)
		return x->have_mos ? -1 : 1;
	if (x->have_mos && x->mos != y->mos)
		return x->mos < y->mos ? -1 : 1;
	if (x->end_s != y->end_s)
		return x->end_s > y->end_s ? -1 : 1;
	return x->order > y->order ? -1 : x->order < y->order;
}

/* Latest first: the latest end, then the latest INVITE. */
static int
tui_compare_latest(const void *a, const void *b)
{
	const struct tui_rank *x = a, *y = b;

	if (x->end_s != y->end_s)
		return x->end_s > y->end_s ? -1 : 1;
	return x->order > y->order ? -1 : x->order < y->order;
}

/*
 * Which calls a snapshot keeps (keep[i] for call i): those still up, the
 * pinned one (or SNAP_NO_CALL), with settled_only those that may still
 * come in a later copy, and keep_ended of the ended others, the worst
 * then the latest (see tui_keep_calls).  Returns how many are not kept.
 * Only impaired calls compete for the worst half: a clean call's
 * slightly lower MOS is no reason to keep it rather than a later one.
 */
static size_t
tui_keep_mark(const struct snapshot *s, size_t keep_ended, size_t pin,
    int settled_only, unsigned char *keep)
{
	struct verdict_sums (*sums)[2];
	struct verdict_call v;
	struct tui_rank *rank;
	size_t i, n = 0, kept = 0;

	for (i = 0; i < s->n_calls; i++) {
		keep[i] = !tui_call_ended(&s->calls[i]) || i == pin ||
		    (settled_only && !s->calls[i].settled);
		if (!keep[i])
			n++;
	}
	if (n <= keep_ended) {
		for (i = 0; i < s->n_calls; i++)
			keep[i] = 1;
		return 0;
	}
	/* Their figures as the list shows them: their streams, summed. */
	sums = tui_xcalloc(s->n_calls, sizeof(*sums));
	for (i = 0; i < s->n_streams; i++) {
		size_t call = s->streams[i].call;

		if (call < s->n_calls && !keep[call])
			verdict_sums_add(sums[call], &s->streams[i]);
	}
	rank = tui_xcalloc(n, sizeof(*rank));
	for (i = 0, n = 0; i < s->n_calls; i++) {
		if (keep[i])
			continue;
		verdict_call_from(sums[i], &v);
		rank[n].impaired = v.impaired;
		rank[n].have_mos = v.have_mos;
		rank[n].mos = v.mos;
		rank[n].end_s = s->calls[i].end_s;
		rank[n].order = s->calls[i].order;
		rank[n].call = i;
		n++;
	}
	free(sums);
	qsort(rank, n, sizeof(*rank), tui_compare_worst);
	for (i = 0; i < n && kept < keep_ended / 2 && rank[i].impaired; i++) {
		keep[rank[i].call] = 1;
		kept++;
	}
	qsort(rank, n, sizeof(*rank), tui_compare_latest);
	for (i = 0; i < n && kept < keep_ended; i++)
		if (!keep[rank[i].call]) {
			keep[rank[i].call] = 1;
			kept++;
		}
	free(rank);
	return n - kept;
}

/* An array cut down to n objects of size bytes (NULL for none). */
static void *
tui_shrink(void *p, size_t n, size_t size)
{
	void *q;

	if (n == 0) {
		free(p);
		return NULL;
	}
	/* A failed shrink leaves the larger block, which is as good. */
	if ((q = realloc(p, n * size)) == NULL)
		return p;
	return q;
}

/*
 * Let go of the calls a snapshot does not keep (see tui_keep_mark), with
 * their streams, in place: the others keep their order.  Returns how many
 * calls went; *streams_gone (if not NULL): how many streams.
 */
static size_t
tui_trim(struct snapshot *s, size_t keep_ended, size_t pin, int settled_only,
    size_t *streams_gone)
{
	unsigned char *keep;
	size_t i, gone, n_calls = 0, n_streams = 0, *at;

	if (streams_gone != NULL)
		*streams_gone = 0;
	keep = tui_xcalloc(s->n_calls, 1);
	gone = tui_keep_mark(s, keep_ended, pin, settled_only, keep);
	if (gone == 0) {
		free(keep);
		return 0;
	}
	at = tui_xcalloc(s->n_calls, sizeof(*at));
	for (i = 0; i < s->n_calls; i++) {
		if (!keep[i]) {
			snap_call_release(&s->calls[i]);
			at[i] = SNAP_NO_CALL;
			continue;
		}
		at[i] = n_calls;
		s->calls[n_calls++] = s->calls[i];
	}
	for (i = 0; i < s->n_streams; i++) {
		struct snap_stream *st = &s->streams[i];

		if (st->call < s->n_calls) {
			if (at[st->call] == SNAP_NO_CALL) {
				free(st->points);
				continue;
			}
			st->call = at[st->call];
		}
		s->streams[n_streams++] = *st;
	}
	if (streams_gone != NULL)
		*streams_gone = s->n_streams - n_streams;
	s->calls = tui_shrink(s->calls, n_calls, sizeof(*s->calls));
	s->n_calls = n_calls;
	s->streams = tui_shrink(s->streams, n_streams, sizeof(*s->streams));
	s->n_streams = n_streams;
	free(at);
	free(keep);
	return gone;
}

size_t
tui_keep_calls(struct snapshot *s, size_t keep_ended)
{
	return tui_trim(s, keep_ended, SNAP_NO_CALL, 0, NULL);
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
	for (i = 0; i < s->n_calls; i++)
		verdict_call_from(t->info[i].media, &t->info[i].v);
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
		const struct verdict_dir *d = &info->v.dir[i];

		switch (t->sort) {
		case TUI_SORT_MOS:
			if (d->have_mos && d->mos < key)
				key = d->mos;
			break;
		case TUI_SORT_LOSS:
			if (d->have_loss && -d->loss_pct < key)
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
void
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
size_t
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
		    strncmp(s->calls[i].call_id, old->call_id,
		    sizeof(old->call_id)) == 0)
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

/*
 * Take over a snapshot, trimmed to the bound (calls_gone and streams_gone:
 * what was already left out of it), keep the selections on the same
 * calls, redraw.
 */
static void
tui_take(struct tui *t, struct snapshot *snap, const struct snap_status *status,
    size_t calls_gone, size_t streams_gone)
{
	struct snapshot old = t->snap;
	size_t list_call = tui_selected_call(t), stream = SNAP_NO_CALL;
	size_t detail_call = SNAP_NO_CALL, detail_stream = SNAP_NO_CALL;
	size_t pin = SNAP_NO_CALL, more_streams;

	/* Where the selections were, in the new snapshot's indexes. */
	if (snap != &t->snap) {
		t->snap = *snap;
		memset(snap, 0, sizeof(*snap));
		tui_terminate_strings(&t->snap);
		/* The call open in the detail stays, whatever the bound. */
		if (t->detail_call != SNAP_NO_CALL)
			pin = tui_find_call(&t->snap, &old.calls[t->detail_call]);
		calls_gone += tui_trim(&t->snap, t->keep_ended, pin, 0,
		    &more_streams);
		t->calls_not_kept = t->calls_pruned + calls_gone;
		t->streams_not_kept = t->streams_pruned + streams_gone +
		    more_streams;
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

/* Take over a snapshot, keep the selections on the same calls, redraw. */
void
tui_update_take(struct tui *t, struct snapshot *snap,
    const struct snap_status *status)
{
	tui_take(t, snap, status, 0, 0);
}

/*
 * A deep copy of what the view keeps of a snapshot (never the whole of a
 * big one, which would double it for a moment), then as tui_update_take().
 */
void
tui_update(struct tui *t, const struct snapshot *snap,
    const struct snap_status *status)
{
	struct snapshot copy;
	unsigned char *keep;
	size_t pin = SNAP_NO_CALL, calls_gone, streams_gone;

	if (snap == &t->snap) {
		tui_take(t, &t->snap, status, 0, 0);
		return;
	}
	if (t->detail_call != SNAP_NO_CALL)
		pin = tui_find_call(snap, &t->snap.calls[t->detail_call]);
	keep = tui_xcalloc(snap->n_calls, 1);
	calls_gone = tui_keep_mark(snap, t->keep_ended, pin, 0, keep);
	streams_gone = tui_copy_snapshot(&copy, snap, keep);
	free(keep);
	tui_take(t, &copy, status, calls_gone, streams_gone);
}

/* The ended calls kept from the next update on. */
void
tui_keep(struct tui *t, size_t ended_calls)
{
	t->keep_ended = ended_calls;
}

void
tui_prune(struct tui *t, struct snapshot *s)
{
	size_t pin = SNAP_NO_CALL, streams_gone;

	/*
	 * The call open in the detail stays here too, and so does a call
	 * that may yet come again (one that hung up sends its own last
	 * copy a while later): what goes from here goes once.
	 */
	if (t->detail_call != SNAP_NO_CALL)
		pin = tui_find_call(s, &t->snap.calls[t->detail_call]);
	t->calls_pruned += tui_trim(s, t->keep_ended, pin, 1, &streams_gone);
	t->streams_pruned += streams_gone;
}
