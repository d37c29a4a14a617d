/*
 * The per-call quality table printed at the end of an analysis.
 *
 * Every string shown was made safe when it was copied out of the packet
 * (probe/text.c), so nothing printed here can drive the terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/report.h"
#include "probe/vqprobe.h"

static void
print_ms(FILE *f, double ms)
{
	if (ms < 0)
		fprintf(f, " %9s", "-");
	else
		fprintf(f, " %9.1f", ms);
}

/* A stream's line: who sent it, codec, packets, loss and jitter. */
static void
print_stream(FILE *f, const struct snap_stream *s)
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
	fprintf(f, "    %-6s %-21s -> %-21s %-8s %7llu %6llu %6.2f%% %5.2f "
	    "%6llu %6llu %14s %5s\n",
	    s->direction ? s->direction : "-", s->src, s->dst,
	    s->codec[0] ? s->codec : "?", (unsigned long long)r->packets,
	    (unsigned long long)r->lost, r->loss_pct, r->burst_ratio,
	    (unsigned long long)r->duplicates,
	    (unsigned long long)s->quality.jb_discards, jitter, mos);
}

void
report_table_print(const struct snapshot *snap, FILE *f)
{
	const struct snap_capture *cap = &snap->capture;
	struct report_index ix;
	size_t i, j, orphans = 0;

	fprintf(f, "%s: %llu packets, %zu calls, %zu RTP streams",
	    cap->source, (unsigned long long)cap->packets, snap->n_calls,
	    snap->n_streams);
	if (cap->truncated || cap->malformed)
		fprintf(f, ", %llu truncated, %llu malformed",
		    (unsigned long long)cap->truncated,
		    (unsigned long long)cap->malformed);
	fprintf(f, "\n\n");
	if (snap->n_calls == 0 && snap->n_streams == 0) {
		fprintf(f, "no SIP calls found\n");
		return;
	}

	fprintf(f, "%-3s %-28s %-28s %-10s %4s %9s %9s %9s\n", "#", "FROM",
	    "TO", "STATE", "CODE", "PDD ms", "SETUP ms", "DUR s");
	fprintf(f, "    %-6s %-21s    %-21s %-8s %7s %6s %7s %5s %6s %6s %14s %5s\n",
	    "SENDER", "SOURCE", "DESTINATION", "CODEC", "PACKETS", "LOST",
	    "LOSS", "BURST", "DUPS", "LATE", "JITTER avg/max", "MOS");
	report_index_build(snap, &ix);
	for (i = 0; i < snap->n_calls; i++) {
		const struct snap_call *c = &snap->calls[i];

		fprintf(f, "%-3zu %-28.28s %-28.28s %-10s ", i + 1, c->from,
		    c->to, c->state);
		if (c->final_code)
			fprintf(f, "%4d", c->final_code);
		else
			fprintf(f, "%4s", "-");
		print_ms(f, c->pdd_ms);
		print_ms(f, c->setup_ms);
		print_ms(f, c->duration_s < 0 ? -1 : c->duration_s);
		fputc('\n', f);
		for (j = ix.first[i]; j != SNAP_NO_CALL; j = ix.next[j])
			print_stream(f, &snap->streams[j]);
	}
	report_index_free(&ix);
	for (j = 0; j < snap->n_streams; j++)
		if (snap->streams[j].call == SNAP_NO_CALL) {
			if (orphans++ == 0)
				fprintf(f, "media without signalling:\n");
			print_stream(f, &snap->streams[j]);
		}
}

void
report_index_build(const struct snapshot *snap, struct report_index *ix)
{
	size_t *last, i;

	ix->first = xcalloc(snap->n_calls ? snap->n_calls : 1,
	    sizeof(*ix->first));
	ix->next = xcalloc(snap->n_streams ? snap->n_streams : 1,
	    sizeof(*ix->next));
	last = xcalloc(snap->n_calls ? snap->n_calls : 1, sizeof(*last));
	for (i = 0; i < snap->n_calls; i++)
		ix->first[i] = last[i] = SNAP_NO_CALL;
	for (i = 0; i < snap->n_streams; i++) {
		size_t c = snap->streams[i].call;

		ix->next[i] = SNAP_NO_CALL;
		if (c == SNAP_NO_CALL || c >= snap->n_calls)
			continue;
		if (last[c] == SNAP_NO_CALL)
			ix->first[c] = i;
		else
			ix->next[last[c]] = i;
		last[c] = i;
	}
	free(last);
}

void
report_index_free(struct report_index *ix)
{
	free(ix->first);
	free(ix->next);
	ix->first = ix->next = NULL;
}
