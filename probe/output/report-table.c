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

static void
print_ms(FILE *f, double ms)
{
	if (ms < 0)
		fprintf(f, " %9s", "-");
	else
		fprintf(f, " %9.1f", ms);
}

/* A stream's line: who sent it, codec, packets, loss and jitter. */
static int
format_stream(char *buf, size_t size, const struct snap_stream *s)
{
	const struct rtpstat_summary *r = &s->rtp;
	char jitter[32], mos[16];

	if (s->clock_rate_hz != 0)
		snprintf(jitter, sizeof(jitter), "%.2f/%.2f", r->jitter_mean_ms,
		    r->jitter_max_ms);
	else
		snprintf(jitter, sizeof(jitter), "-");
	if (s->quality.have_mos)
		snprintf(mos, sizeof(mos), "%.2f", s->quality.mos_call);
	else
		snprintf(mos, sizeof(mos), "-");
	return snprintf(buf, size, "    %-6s %-21s -> %-21s %-8s %7llu %6llu "
	    "%6.2f%% %5.2f %6llu %6llu %14s %5s\n",
	    s->direction ? s->direction : "-", s->src, s->dst,
	    s->codec[0] ? s->codec : "?", (unsigned long long)r->packets,
	    (unsigned long long)r->lost, r->loss_pct, r->burst_ratio,
	    (unsigned long long)r->duplicates,
	    (unsigned long long)s->quality.jb_discards, jitter, mos);
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
	char line[512];
	int n;

	t->n_streams++;
	if ((n = format_stream(line, sizeof(line), s)) < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	if (call_id == NULL) {
		t->n_orphans++;
		if (t->orphans != NULL) {
			fwrite(line, 1, (size_t)n, t->orphans);
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
	if (w->len + (size_t)n > w->cap) {
		w->cap = (w->len + (size_t)n) * 2;
		w->text = xreallocarray(w->text, w->cap, 1);
	}
	memcpy(w->text + w->len, line, (size_t)n);
	w->len += (size_t)n;
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
	int i;

	(void)stream_ids;
	(void)n_streams;
	t->n_calls++;
	verdict_call_from(c->media, &v);
	HASH_FIND(hh, t->waiting, &c->order, sizeof(c->order), w);
	if (f != NULL) {
		fprintf(f, "%-3zu %-28.28s %-28.28s %-10s ", t->n_calls,
		    c->from, c->to, c->state);
		if (c->final_code)
			fprintf(f, "%4d", c->final_code);
		else
			fprintf(f, "%4s", "-");
		print_ms(f, c->pdd_ms);
		print_ms(f, c->setup_ms);
		print_ms(f, c->duration_s < 0 ? -1 : c->duration_s);
		fputc('\n', f);
		if (w != NULL)
			fwrite(w->text, 1, w->len, f);
		for (i = 0; i < 2; i++)
			verdict_dir_text(&v.dir[i], words[i], sizeof(words[i]));
		if (v.dir[0].sums.packets == 0 && v.dir[1].sums.packets == 0)
			fputs("    verdict: no media\n", f);
		else
			fprintf(f, "    verdict: %s; caller's media %s; callee's "
			    "media %s\n", v.impaired ? "IMPAIRED" : "clean",
			    words[0], words[1]);
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
