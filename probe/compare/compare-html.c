/*
 * --compare --report DIR: a page per call, its streams drawn as segments
 * on one line each (sender, the points in path order, receiver, with the
 * loss of each segment between them), the figures and how each pair was
 * made; a page for the streams of no call; DIR/index.html linking them.
 * Every text from a capture goes through html.h's escaping.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/compare/compare.h"
#include "probe/output/html.h"
#include "probe/vqprobe.h"

/* The calls of the report, in order of first appearance. */
struct calls {
	const char	**ids;		/* "" for the streams of no call */
	size_t		  n;
};

static size_t
calls_find(struct calls *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->ids[i], id) == 0)
			return i;
	c->ids = xreallocarray(c->ids, c->n + 1, sizeof(*c->ids));
	c->ids[c->n] = id;
	return c->n++;
}

static void
page_name(const struct calls *c, size_t i, char *buf, size_t size)
{
	if (c->ids[i][0] == '\0')
		snprintf(buf, size, "no-call.html");
	else
		snprintf(buf, size, "call-%zu.html", i + 1);
}

static void
html_endpoint(FILE *f, const struct vq_endpoint *ep)
{
	char buf[ADDR_ENDPOINT_STRLEN];

	addr_format_endpoint(ep, buf, sizeof(buf));
	html_str(f, buf);
}

/* One stream on one line: phone → [lost 0] → a → [lost 3] → b → ... */
static void
page_segments(FILE *f, const struct compare_point *pts,
    const struct compare_pair *p)
{
	int up = p->upstream, down = 1 - p->upstream;
	const struct compare_stream *u = &pts[up].streams[p->stream[up]];
	const struct compare_stream *d = &pts[down].streams[p->stream[down]];
	const struct compare_figures *fig = &p->fig;

	fputs("<p class=\"segments\">", f);
	html_endpoint(f, &u->src);
	fprintf(f, " &rarr; [lost %lld] &rarr; <b>", (long long)fig->lost_before);
	html_str(f, pts[up].name);
	fprintf(f, "</b> &rarr; [lost %lld", (long long)fig->lost_between);
	if (fig->longest_run_between > 1)
		fprintf(f, ", bursty: longest run %lld",
		    (long long)fig->longest_run_between);
	fputs("] &rarr; <b>", f);
	html_str(f, pts[down].name);
	if (fig->has_lost_after)
		fprintf(f, "</b> &rarr; [lost %lld] &rarr; ",
		    (long long)fig->lost_after);
	else
		fputs("</b> &rarr; [lost ? no receiver report] &rarr; ", f);
	html_endpoint(f, &d->dst);
	fputs("</p>\n", f);
}

/* The figures and the evidence of one pair. */
static void
page_pair(FILE *f, const struct compare_point *pts,
    const struct compare_pair *p)
{
	const struct compare_figures *fig = &p->fig;
	unsigned bit;
	const char *sep = "";

	fprintf(f, "<h2>SSRC 0x%08x, payload type %u</h2>\n",
	    pts[0].streams[p->stream[0]].ssrc,
	    pts[0].streams[p->stream[0]].payload_type);
	page_segments(f, pts, p);
	fputs("<table><tr><th>upstream by</th><th>duplicated</th>"
	    "<th>reordered</th><th>delay variation (ms)</th>"
	    "<th>jitter added (ms)</th><th>one-way delay min / median / p95 "
	    "(ms)</th></tr>\n<tr>", f);
	fprintf(f, "<td>%s</td><td>%lld</td><td>%lld</td>",
	    p->upstream_by_loss ? "loss" : "time",
	    (long long)fig->duplicated_between,
	    (long long)fig->reordered_between);
	html_figure_cell(f, fig->has_delay_variation, fig->delay_variation_ms,
	    2, 0);
	html_figure_cell(f, fig->has_jitter_added, fig->jitter_added_ms, 2, 0);
	if (fig->has_one_way_delay)
		fprintf(f, "<td>%.2f / %.2f / %.2f</td>",
		    fig->one_way_delay_min_ms, fig->one_way_delay_median_ms,
		    fig->one_way_delay_p95_ms);
	else
		fputs("<td>- (clocks not trusted)</td>", f);
	fputs("</tr></table>\n<p>Paired by: ", f);
	for (bit = 1; bit <= COMPARE_BY_ALL; bit <<= 1)
		if (p->evidence & bit) {
			fprintf(f, "%s%s", sep, compare_evidence_name(bit));
			sep = ", ";
		}
	fprintf(f, "%s</p>\n", p->nat ? "; addresses differ between the "
	    "points (NAT)" : "");
}

/* The unpaired streams of one call. */
static void
page_unpaired(FILE *f, const struct compare_point *pts,
    const struct compare_result *res, const char *id)
{
	const struct compare_unpaired *u;
	const struct compare_stream *s;
	size_t i;
	int any = 0;

	for (i = 0; i < res->n_unpaired; i++) {
		u = &res->unpaired[i];
		s = &pts[u->point].streams[u->stream];
		if (strcmp(s->call_id, id) != 0)
			continue;
		if (!any++)
			fputs("<h2>Not paired</h2>\n<ul>\n", f);
		fputs("<li>at <b>", f);
		html_str(f, pts[u->point].name);
		fprintf(f, "</b>: SSRC 0x%08x ", s->ssrc);
		html_endpoint(f, &s->src);
		fputs(" &rarr; ", f);
		html_endpoint(f, &s->dst);
		fprintf(f, ", %zu packets: ", s->n_pkts);
		if (u->reason == COMPARE_AMBIGUOUS)
			fprintf(f, "ambiguous (%zu equally good candidates)",
			    u->candidates);
		else if (u->reason == COMPARE_REJECTED)
			fprintf(f, "%zu candidate%s at the other point, "
			    "all ruled out", u->candidates,
			    u->candidates == 1 ? "" : "s");
		else
			fputs("no candidate at the other point", f);
		fputs("</li>\n", f);
	}
	if (any)
		fputs("</ul>\n", f);
}

static void
page_clock(FILE *f, const struct compare_point *pts,
    const struct compare_result *res)
{
	fputs("<p>Points: <b>", f);
	html_str(f, pts[0].name);
	fputs("</b> (", f);
	html_str(f, pts[0].file);
	fputs("), <b>", f);
	html_str(f, pts[1].name);
	fputs("</b> (", f);
	html_str(f, pts[1].file);
	fputs(").  Clock: ", f);
	if (res->clock.trusted)
		fprintf(f, "offset %.3f ms, ", res->clock.offset_us / 1000.0);
	html_str(f, res->clock.method != NULL ? res->clock.method : "none");
	fputs(".</p>\n", f);
}

/* A page of the report being written: DIR/name, made beside it. */
struct page {
	FILE	*f;
	char	*path;
	char	 tmp[4200];
};

/* Open DIR/name and write its head; -1 with *cause. */
static int
page_open(struct page *pg, const char *dir, const char *name,
    const char *title, char **cause)
{
	pg->path = xasprintf("%s/%s", dir, name);
	if ((pg->f = html_page_open(pg->path, pg->tmp,
	    sizeof(pg->tmp))) == NULL) {
		*cause = xasprintf("cannot create %s: %s", pg->tmp,
		    strerror(errno));
		free(pg->path);
		return -1;
	}
	html_page_head(pg->f, title);
	return 0;
}

/* End the page and put it in place; -1 with *cause. */
static int
page_close(struct page *pg, char **cause)
{
	int rc;

	fputs("</body></html>\n", pg->f);
	if ((rc = html_page_close(pg->f, pg->tmp, pg->path)) != 0)
		*cause = xasprintf("cannot write %s: %s", pg->path,
		    strerror(errno));
	free(pg->path);
	return rc;
}

/* One call's page. */
static int
write_page(const char *dir, const struct calls *c, size_t k,
    const struct compare_point *pts, const struct compare_result *res,
    char **cause)
{
	struct page pg;
	char name[64];
	size_t i;
	FILE *f;

	page_name(c, k, name, sizeof(name));
	if (page_open(&pg, dir, name, c->ids[k][0] != '\0' ? c->ids[k] :
	    "streams of no call", cause) != 0)
		return -1;
	f = pg.f;
	fputs("<p><a href=\"index.html\">all calls</a></p>\n<h1>", f);
	if (c->ids[k][0] != '\0') {
		fputs("Call ", f);
		html_str(f, c->ids[k]);
	} else
		fputs("Streams of no call", f);
	fputs("</h1>\n", f);
	page_clock(f, pts, res);
	for (i = 0; i < res->n_pairs; i++)
		if (strcmp(compare_pair_call(pts, &res->pairs[i]),
		    c->ids[k]) == 0)
			page_pair(f, pts, &res->pairs[i]);
	page_unpaired(f, pts, res, c->ids[k]);
	return page_close(&pg, cause);
}

/* index.html: a line per call, with its worst loss between the points. */
static int
write_index(const char *dir, const struct calls *c,
    const struct compare_point *pts, const struct compare_result *res,
    char **cause)
{
	struct page pg;
	char name[64];
	int64_t between;
	size_t k, i, n;
	FILE *f;

	if (page_open(&pg, dir, "index.html", "vqprobe --compare",
	    cause) != 0)
		return -1;
	f = pg.f;
	fputs("<h1>Two-point comparison</h1>\n", f);
	page_clock(f, pts, res);
	fprintf(f, "<p>%zu pairs, %zu streams not paired.</p>\n",
	    res->n_pairs, res->n_unpaired);
	fputs("<table><tr><th>call</th><th>pairs</th><th>lost between"
	    "</th></tr>\n", f);
	for (k = 0; k < c->n; k++) {
		for (i = 0, n = 0, between = 0; i < res->n_pairs; i++)
			if (strcmp(compare_pair_call(pts, &res->pairs[i]),
			    c->ids[k]) == 0) {
				n++;
				between += res->pairs[i].fig.lost_between;
			}
		page_name(c, k, name, sizeof(name));
		fprintf(f, "<tr><td><a href=\"%s\">", name);
		html_str(f, c->ids[k][0] != '\0' ? c->ids[k] :
		    "(streams of no call)");
		fprintf(f, "</a></td><td>%zu</td><td>%lld</td></tr>\n", n,
		    (long long)between);
	}
	fputs("</table>\n", f);
	return page_close(&pg, cause);
}

int
compare_write_report(const char *dir, const struct compare_point *pts,
    const struct compare_result *res, char **cause)
{
	struct calls c = { NULL, 0 };
	size_t i, k;
	int rc = 0;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		*cause = xasprintf("cannot create %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < res->n_pairs; i++)
		calls_find(&c, compare_pair_call(pts, &res->pairs[i]));
	for (i = 0; i < res->n_unpaired; i++)
		calls_find(&c, pts[res->unpaired[i].point].streams[
		    res->unpaired[i].stream].call_id);
	for (k = 0; k < c.n && rc == 0; k++)
		rc = write_page(dir, &c, k, pts, res, cause);
	if (rc == 0)
		rc = write_index(dir, &c, pts, res, cause);
	free(c.ids);
	return rc;
}
