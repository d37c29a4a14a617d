/*
 * sla.html: the entries of the SLA list (sla.h) as the evidence report's
 * pages show tables: one for every call, then one per label with a row
 * per value, the worst calls linked to their pages.  The figures are the
 * JSON report's, with its decimals; each cell says which key it is
 * (data-key) so that tests/check-sla.py can read them back.  Labels and
 * Call-IDs are the operator's and the SIP peers' text: escaped, always.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "probe/output/html.h"
#include "probe/output/sla.h"

/* A figure in thousandths with three decimals, or "-". */
static void
milli_cell(FILE *f, const char *key, int64_t m, int bad)
{
	char text[SLA_MILLI_TEXT];

	if (m == SLA_NONE) {
		fprintf(f, "<td class=\"n\" data-key=\"%s\">-</td>", key);
		return;
	}
	sla_milli_text(text, m);
	fprintf(f, "<td class=\"n%s\" data-key=\"%s\">%s</td>",
	    bad ? " bad" : "", key, text);
}

static void
count_cell(FILE *f, const char *key, uint64_t n)
{
	fprintf(f, "<td class=\"n\" data-key=\"%s\">%llu</td>", key,
	    (unsigned long long)n);
}

/* A figure with its decimals, "-" when it is negative (none). */
static void
fixed_cell(FILE *f, const char *key, double v, int decimals, int bad)
{
	if (v < 0) {
		fprintf(f, "<td class=\"n\" data-key=\"%s\">-</td>", key);
		return;
	}
	fprintf(f, "<td class=\"n%s\" data-key=\"%s\">%.*f</td>",
	    bad ? " bad" : "", key, decimals, v);
}

/* Is m above (sign 1) or below (sign -1) the target t? */
static int
misses(int64_t m, int64_t t, int sign)
{
	if (m == SLA_NONE || t == SLA_NONE)
		return 0;
	return sign > 0 ? m > t : m < t;
}

static void
table_head(FILE *f, const char *label)
{
	if (label == NULL)
		fputs("<table class=\"sla\" data-all=\"1\">\n<tr><th></th>", f);
	else {
		fputs("<table class=\"sla\" data-label=\"", f);
		html_str(f, label);
		fputs("\">\n<tr><th>", f);
		html_str(f, label);
		fputs("</th>", f);
	}
	fputs("<th>calls</th><th>answered</th><th>ASR %</th><th>NER %</th>"
	    "<th>streams</th><th>streams below MOS</th><th>minutes</th>"
	    "<th>minutes below MOS</th><th>loss % p50</th><th>loss % p95</th>"
	    "<th>jitter ms p50</th><th>jitter ms p95</th><th>worst calls "
	    "(MOS)</th></tr>\n", f);
}

static void
entry_row(FILE *f, const struct sla_entry *e, const struct sla_targets *t)
{
	int64_t asr = e->kpis.asr_pct < 0 ? SLA_NONE :
	    sla_milli(e->kpis.asr_pct);
	size_t i;

	if (e->label == NULL)
		fputs("<tr data-all=\"1\"><td>every call</td>", f);
	else {
		fputs("<tr data-value=\"", f);
		html_str(f, e->value);
		fputs("\"><td>", f);
		html_str(f, e->value);
		fputs("</td>", f);
	}
	count_cell(f, "calls", e->calls);
	count_cell(f, "answered", e->kpis.answered);
	fixed_cell(f, "asr_pct", e->kpis.asr_pct, 2,
	    misses(asr, t->milli[SLA_TARGET_ASR_PCT], -1));
	fixed_cell(f, "ner_pct", e->kpis.ner_pct, 2, 0);
	count_cell(f, "streams", e->streams);
	count_cell(f, "streams_below_mos", e->streams_below_mos);
	fixed_cell(f, "minutes", e->minutes, 3, 0);
	fixed_cell(f, "minutes_below_mos", e->minutes_below_mos, 3, 0);
	milli_cell(f, "loss_pct.p50", e->loss_p50_milli,
	    misses(e->loss_p50_milli, t->milli[SLA_TARGET_LOSS_PCT], 1));
	milli_cell(f, "loss_pct.p95", e->loss_p95_milli,
	    misses(e->loss_p95_milli, t->milli[SLA_TARGET_LOSS_PCT], 1));
	milli_cell(f, "jitter_ms.p50", e->jitter_p50_milli,
	    misses(e->jitter_p50_milli, t->milli[SLA_TARGET_JITTER_MS], 1));
	milli_cell(f, "jitter_ms.p95", e->jitter_p95_milli,
	    misses(e->jitter_p95_milli, t->milli[SLA_TARGET_JITTER_MS], 1));
	fputs("<td data-key=\"worst_calls\">", f);
	for (i = 0; i < e->n_worst; i++) {
		const struct sla_worst *w = &e->worst[i];
		int64_t m = w->mos_milli;

		fprintf(f, "%s<span class=\"worst%s\" data-mos=\"%lld.%03lld\">",
		    i > 0 ? "<br>" : "", misses(m, t->milli[SLA_TARGET_MOS],
		    -1) ? " bad" : "", (long long)(m / 1000),
		    (long long)(m % 1000));
		if (w->page[0] != '\0') {
			fputs("<a href=\"", f);
			html_str(f, w->page);
			fputs("\">", f);
		}
		html_str(f, w->call_id);
		if (w->page[0] != '\0')
			fputs("</a>", f);
		fprintf(f, " (%lld.%03lld)</span>", (long long)(m / 1000),
		    (long long)(m % 1000));
	}
	fputs("</td></tr>\n", f);
}

static void
targets_table(FILE *f, const struct sla_targets *t)
{
	static const char *const what[SLA_TARGETS] = {
		[SLA_TARGET_MOS] = "a stream's MOS (mos.call) at least",
		[SLA_TARGET_LOSS_PCT] = "loss % at most (p50, p95)",
		[SLA_TARGET_JITTER_MS] = "mean jitter ms at most (p50, p95)",
		[SLA_TARGET_ASR_PCT] = "ASR % at least",
	};
	size_t i;

	fputs("<h2>Targets</h2>\n<table class=\"targets\"><tr><th>target</th>"
	    "<th>value</th><th>from</th></tr>\n", f);
	for (i = 0; i < SLA_TARGETS; i++) {
		fprintf(f, "<tr data-target=\"%s\"><td>%s</td>",
		    sla_target_name(i), what[i]);
		milli_cell(f, sla_target_name(i), t->milli[i], 0);
		fputs("<td>", f);
		html_str(f, sla_target_source(t, i));
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

int
sla_html_write(struct sla *sla, const char *path, const char *probe,
    const char *source)
{
	const struct sla_targets *t = sla_targets(sla);
	const char *label = NULL;
	struct sla_entry e;
	char tmp[4400];
	size_t i, n = sla_count(sla);
	FILE *f;

	if ((f = html_page_open(path, tmp, sizeof(tmp))) == NULL)
		return -1;
	html_page_head(f, "vqprobe: service levels");
	fputs("<h1>Service levels per label</h1>\n<p class=\"meta\">Probe ", f);
	html_str(f, probe);
	fputs(", source ", f);
	html_str(f, source);
	fputs(". Per label value (--label, --subnet-label): a call counts "
	    "where its media's addresses or the static labels put it, its "
	    "streams with it. ASR and NER after ITU-T E.425 (calls with a "
	    "final response); a stream is below target when its MOS is; "
	    "percentiles by nearest rank over the streams' loss and mean "
	    "jitter. <a href=\"index.html\">Every call</a>.</p>\n", f);
	targets_table(f, t);
	for (i = 0; i < n; i++) {
		sla_entry(sla, i, &e);
		if (i == 0) {
			fputs("<h2>Every call</h2>\n", f);
			table_head(f, NULL);
		} else if (label == NULL || strcmp(label, e.label) != 0) {
			fputs("</table>\n<h2>", f);
			html_str(f, e.label);
			fputs("</h2>\n", f);
			table_head(f, e.label);
		}
		label = e.label;
		entry_row(f, &e, t);
	}
	fprintf(f, "</table>\n<p class=\"meta\">vqprobe %s</p>\n</body>"
	    "</html>\n", PACKAGE_VERSION);
	return html_page_close(f, tmp, path);
}
