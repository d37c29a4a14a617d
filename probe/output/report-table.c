/*
 * The per-call quality table printed at the end of an analysis.
 *
 * Every string shown was made safe when it was copied out of the packet
 * (probe/text.c), so nothing printed here can drive the terminal.
 *
 * Written as the run goes (see report.h): a call's block when the call
 * comes, in capture order, with the lines of its streams, which come
 * before it and wait for it as text; the streams without a call, printed
 * after every call, and the calls' blocks themselves wait in spill files,
 * since the table's head counts them all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "metrics/verdict.h"
#include "probe/output/jsonw.h"
#include "probe/output/report.h"
#include "probe/pipeline/spill.h"
#include "probe/vqprobe.h"

/* The lines of a call's streams, until the call comes. */
struct waiting_lines {
	uint64_t	call_order;
	char		*text;
	size_t		 len;
	size_t		 cap;
	UT_hash_handle	 hh;
};

struct report_table {
	FILE			*calls;		/* spilled; NULL: failed */
	FILE			*orphans;	/* streams without a call */
	size_t			 n_calls;
	size_t			 n_streams;
	size_t			 n_orphans;
	struct waiting_lines	*waiting;	/* uthash head, by call */
	char			*cause;		/* the first error */
};

/*
 * The lines are put together by hand, not by printf: at 10 000 calls
 * printf's parsing and its conversion of doubles were most of the
 * table's time.  Each helper writes what the printf conversion named
 * beside it would, numbers through jsonw_format_fixed (printf's "%.*f"
 * exactly), so the table is the same to the byte.
 */

/* len bytes of s, then spaces up to width ("%-*s"). */
static char *
put_left(char *o, const char *s, size_t len, size_t width)
{
	memcpy(o, s, len);
	o += len;
	for (; len < width; len++)
		*o++ = ' ';
	return o;
}

/* Spaces up to width, then len bytes of s ("%*s"). */
static char *
put_right(char *o, const char *s, size_t len, size_t width)
{
	for (; len < width; width--)
		*o++ = ' ';
	memcpy(o, s, len);
	return o + len;
}

/* v's decimal digits, at the end of buf (20 bytes); returns the first. */
static char *
u64_text(char *buf, uint64_t v)
{
	char *p = buf + 20;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return p;
}

/* "%*llu" */
static char *
put_u64(char *o, uint64_t v, size_t width)
{
	char buf[20], *p = u64_text(buf, v);

	return put_right(o, p, (size_t)(buf + sizeof(buf) - p), width);
}

/* "%*d" */
static char *
put_int(char *o, int v, size_t width)
{
	char buf[21], *p = u64_text(buf + 1, v < 0 ? -(uint64_t)v :
	    (uint64_t)v);

	if (v < 0)
		*--p = '-';
	return put_right(o, p, (size_t)(buf + sizeof(buf) - p), width);
}

/* "%*.*f" */
static char *
put_fixed(char *o, double v, int decimals, size_t width)
{
	char text[JSONW_FIXED_MAX];

	return put_right(o, text, jsonw_format_fixed(text, v, decimals),
	    width);
}

/* What snprintf(buf, size, ...) keeps of text made by hand: its length. */
static size_t
cap(size_t len, size_t size)
{
	return len < size ? len : size - 1;
}

/* " %9.1f", or " %9s" of "-" when absent. */
static char *
put_ms(char *o, double ms)
{
	*o++ = ' ';
	if (ms < 0)
		return put_right(o, "-", 1, 9);
	return put_fixed(o, ms, 1, 9);
}

/*
 * A stream's line into line (LINE_BYTES), as snprintf(line, LINE_BYTES,
 * "    %-6s %-21s -> %-21s %-8s %7llu %6llu %6.2f%% %5.2f %6llu %6llu
 * %14s %5s\n", ...) would, its jitter and MOS first made, and cut, as
 * snprintf into 32 and 16 bytes would: who sent it, codec, packets,
 * loss and jitter.  Returns the length kept.
 */
#define LINE_BYTES	512
static size_t
format_stream(char *line, const struct snap_stream *s)
{
	const struct rtpstat_summary *r = &s->rtp;
	char jitter[2 * JSONW_FIXED_MAX + 1], mos[JSONW_FIXED_MAX];
	/* Every field at its longest fits: strings are bounded, numbers too. */
	char buf[4 * LINE_BYTES + 4 * JSONW_FIXED_MAX], *o = buf;
	const char *dir = s->direction ? s->direction : "-";
	const char *codec = s->codec[0] ? s->codec : "?";
	size_t jitter_len, mos_len, n;

	if (s->clock_rate_hz != 0) {
		n = jsonw_format_fixed(jitter, r->jitter_mean_ms, 2);
		jitter[n++] = '/';
		n += jsonw_format_fixed(jitter + n, r->jitter_max_ms, 2);
		jitter_len = cap(n, 32);
	} else
		jitter_len = (size_t)(put_left(jitter, "-", 1, 1) - jitter);
	if (s->quality.have_mos)
		mos_len = cap(jsonw_format_fixed(mos, s->quality.mos_call, 2), 16);
	else
		mos_len = (size_t)(put_left(mos, "-", 1, 1) - mos);

	o = put_left(o, "    ", 4, 4);
	o = put_left(o, dir, strlen(dir), 6);
	*o++ = ' ';
	o = put_left(o, s->src, strlen(s->src), 21);
	o = put_left(o, " -> ", 4, 4);
	o = put_left(o, s->dst, strlen(s->dst), 21);
	*o++ = ' ';
	o = put_left(o, codec, strlen(codec), 8);
	*o++ = ' ';
	o = put_u64(o, r->packets, 7);
	*o++ = ' ';
	o = put_u64(o, r->lost, 6);
	*o++ = ' ';
	o = put_fixed(o, r->loss_pct, 2, 6);
	*o++ = '%';
	*o++ = ' ';
	o = put_fixed(o, r->burst_ratio, 2, 5);
	*o++ = ' ';
	o = put_u64(o, r->duplicates, 6);
	*o++ = ' ';
	o = put_u64(o, s->quality.jb_discards, 6);
	*o++ = ' ';
	o = put_right(o, jitter, jitter_len, 14);
	*o++ = ' ';
	o = put_right(o, mos, mos_len, 5);
	*o++ = '\n';
	n = cap((size_t)(o - buf), LINE_BYTES);
	memcpy(line, buf, n);
	return n;
}

/* Note the first failure to write a spill file; the end reports it. */
static void
check_write(struct report_table *t, FILE *f)
{
	if (t->cause == NULL && ferror(f))
		t->cause = xstrdup("cannot write a spill file of the table");
}

static void
on_stream(void *arg, const struct snap_stream *s, const char *call_id,
    uint64_t call_order)
{
	struct report_table *t = arg;
	struct waiting_lines *w;
	char line[LINE_BYTES];
	size_t n;

	t->n_streams++;
	n = format_stream(line, s);
	if (call_id == NULL) {
		t->n_orphans++;
		if (t->orphans != NULL) {
			fwrite(line, 1, n, t->orphans);
			check_write(t, t->orphans);
		}
		return;
	}
	HASH_FIND(hh, t->waiting, &call_order, sizeof(call_order), w);
	if (w == NULL) {
		w = xcalloc(1, sizeof(*w));
		w->call_order = call_order;
		HASH_ADD(hh, t->waiting, call_order, sizeof(w->call_order), w);
	}
	if (w->len + n > w->cap) {
		w->cap = (w->len + n) * 2;
		w->text = xreallocarray(w->text, w->cap, 1);
	}
	memcpy(w->text + w->len, line, n);
	w->len += n;
}

static void
on_call(void *arg, const struct snap_call *c, const unsigned *stream_ids,
    size_t n_streams)
{
	struct report_table *t = arg;
	struct waiting_lines *w;
	struct verdict_call v;
	FILE *f = t->calls;
	char words[2][160];
	char line[LINE_BYTES + 4 * JSONW_FIXED_MAX], *o;
	char number[20], *p;
	int i;

	(void)stream_ids;
	(void)n_streams;
	t->n_calls++;
	verdict_call_from(c->media, &v);
	HASH_FIND(hh, t->waiting, &c->order, sizeof(c->order), w);
	if (f != NULL) {
		/* "%-3zu %-28.28s %-28.28s %-10s %4d" (or "%4s" of "-"). */
		p = u64_text(number, t->n_calls);
		o = put_left(line, p, (size_t)(number + sizeof(number) - p),
		    3);
		*o++ = ' ';
		o = put_left(o, c->from, strnlen(c->from, 28), 28);
		*o++ = ' ';
		o = put_left(o, c->to, strnlen(c->to, 28), 28);
		*o++ = ' ';
		o = put_left(o, c->state, strlen(c->state), 10);
		*o++ = ' ';
		if (c->final_code)
			o = put_int(o, c->final_code, 4);
		else
			o = put_right(o, "-", 1, 4);
		o = put_ms(o, c->pdd_ms);
		o = put_ms(o, c->setup_ms);
		o = put_ms(o, c->duration_s < 0 ? -1 : c->duration_s);
		*o++ = '\n';
		fwrite(line, 1, (size_t)(o - line), f);
		if (w != NULL)
			fwrite(w->text, 1, w->len, f);
		for (i = 0; i < 2; i++)
			verdict_dir_text(&v.dir[i], words[i], sizeof(words[i]));
		if (v.dir[0].sums.packets == 0 && v.dir[1].sums.packets == 0)
			fputs("    verdict: no media\n", f);
		else {
			fputs(v.impaired ? "    verdict: IMPAIRED; caller's "
			    "media " : "    verdict: clean; caller's media ", f);
			fputs(words[0], f);
			fputs("; callee's media ", f);
			fputs(words[1], f);
			fputc('\n', f);
		}
		check_write(t, f);
	}
	if (w != NULL) {
		HASH_DEL(t->waiting, w);
		free(w->text);
		free(w);
	}
}

struct report_table *
report_table_new(void)
{
	struct report_table *t = xcalloc(1, sizeof(*t));

	if ((t->calls = spill_open(NULL, &t->cause)) != NULL &&
	    (t->orphans = spill_open(NULL, &t->cause)) == NULL) {
		fclose(t->calls);
		t->calls = NULL;
	}
	return t;
}

void
report_table_sink(struct report_table *t, struct pipeline_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->stream_done = on_stream;
	sink->call_done = on_call;
	sink->arg = t;
}

int
report_table_finish(struct report_table *t, const struct snap_capture *cap,
    FILE *f, char **cause)
{
	if (t->cause != NULL) {
		*cause = t->cause;
		t->cause = NULL;
		return -1;
	}
	fprintf(f, "%s: %llu packets, %zu calls, %zu RTP streams",
	    cap->source, (unsigned long long)cap->packets, t->n_calls,
	    t->n_streams);
	if (cap->truncated || cap->malformed)
		fprintf(f, ", %llu truncated, %llu malformed",
		    (unsigned long long)cap->truncated,
		    (unsigned long long)cap->malformed);
	fprintf(f, "\n\n");
	if (t->n_calls == 0 && t->n_streams == 0) {
		fprintf(f, "no SIP calls found\n");
		return 0;
	}
	fprintf(f, "%-3s %-28s %-28s %-10s %4s %9s %9s %9s\n", "#", "FROM",
	    "TO", "STATE", "CODE", "PDD ms", "SETUP ms", "DUR s");
	fprintf(f, "    %-6s %-21s    %-21s %-8s %7s %6s %7s %5s %6s %6s %14s %5s\n",
	    "SENDER", "SOURCE", "DESTINATION", "CODEC", "PACKETS", "LOST",
	    "LOSS", "BURST", "DUPS", "LATE", "JITTER avg/max", "MOS");
	if (spill_copy(t->calls, f, NULL) != 0 ||
	    (t->n_orphans > 0 && (fputs("media without signalling:\n", f) ==
	    EOF || spill_copy(t->orphans, f, NULL) != 0))) {
		*cause = xstrdup("cannot print the table");
		return -1;
	}
	return 0;
}

void
report_table_free(struct report_table *t)
{
	struct waiting_lines *w, *tmp;

	if (t == NULL)
		return;
	HASH_ITER(hh, t->waiting, w, tmp) {
		HASH_DEL(t->waiting, w);
		free(w->text);
		free(w);
	}
	if (t->calls != NULL)
		fclose(t->calls);
	if (t->orphans != NULL)
		fclose(t->orphans);
	free(t->cause);
	free(t);
}
