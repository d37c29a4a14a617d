/*
 * The evidence report: per-call pages, an index, written as calls end.
 * Everything shown comes from the snapshot the analyzers made; the text
 * in it (URIs, Call-IDs, SIP messages) is the sender's choice and is
 * escaped for HTML here, whatever it holds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <uthash.h>

#include "config.h"
#include "probe/output/callpcap.h"
#include "probe/output/evidence-dir.h"
#include "probe/output/evidence-page.h"
#include "probe/output/evidence.h"
#include "probe/output/html.h"
#include "probe/output/sla.h"
#include "probe/vqprobe.h"

/* Interval totals kept to tell the probe's drops during a call. */
#define TIMELINE_MAX		8192
/* Live, the index is rewritten at most this often. */
#define INDEX_EVERY_US		(10 * 1000000LL)
/*
 * Calls the index lists, at most: past it, the better half goes (their
 * pages stay), so that months of calls keep memory and the page bounded.
 */
#define INDEX_MAX		20000

/* A call not yet written: its latest copy and its streams. */
struct pending {
	char		 stem[CALLPCAP_STEM_LEN];
	struct snap_call call;
	int		 have_call;
	struct snap_stream *streams;
	size_t		 n_streams;
	int		 ended;		/* its page waits for the interval
					   after its end (the probe's drops) */
	UT_hash_handle	 hh;
};

/* One line of the index. */
struct row {
	char		stem[CALLPCAP_STEM_LEN];
	char		call_id[SNAP_TEXT_LEN];
	char		from[SNAP_TEXT_LEN];
	char		to[SNAP_TEXT_LEN];
	double		start_s;
	double		duration_s;
	int		final_code;
	const char	*state;
	int		has_media[2];
	struct verdict_dir v[2];	/* caller's media, callee's */
	double		worst;		/* sort key: lower is worse */
};

struct drops_at {
	int64_t		end_us;
	int64_t		kernel;		/* -1: a file */
	uint64_t	probe;
};

struct evidence {
	struct evidence_config cfg;
	char		 dir[4096];
	char		 pcap_dir[4200];
	char		 tz[64];	/* the probe's zone, "CET (+0100)" */
	struct pending	*pending;	/* uthash by stem */
	struct row	*rows;
	size_t		 n_rows;
	size_t		 cap_rows;
	uint64_t	 rows_dropped;	/* better calls the index no longer lists */
	int		 rows_changed;
	int64_t		 index_written_us;	/* monotonic */
	struct drops_at	 timeline[TIMELINE_MAX];
	size_t		 n_timeline;
	uint64_t	 write_errors;
	int		 warned;
	struct sla	*sla;		/* NULL: no sla.html */
};

void
evidence_config_default(struct evidence_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->probe = "vqprobe";
	cfg->source = "";
}

/* ---- Writing files ---- */

/* A page that could not be written: counted, and said once. */
static int
write_failed(struct evidence *ev, const char *path)
{
	ev->write_errors++;
	if (!ev->warned) {
		ev->warned = 1;
		warnx_vq("evidence %s: %s", path, strerror(errno));
	}
	return -1;
}

static int
make_dir(const char *path, char **cause)
{
	struct stat st;

	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		*cause = xasprintf("--report %s: %s", path, strerror(errno));
		return -1;
	}
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    access(path, W_OK | X_OK) != 0) {
		*cause = xasprintf("--report %s: not a folder this process can "
		    "write to", path);
		return -1;
	}
	return 0;
}

struct evidence *
evidence_open(const struct evidence_config *cfg, char **cause)
{
	struct evidence *ev;
	char sub[4200];
	time_t now = time(NULL);
	struct tm tm;

	if (strlen(cfg->dir) > 3000) {
		*cause = xasprintf("--report: folder name too long");
		return NULL;
	}
	ev = xcalloc(1, sizeof(*ev));
	ev->cfg = *cfg;
	snprintf(ev->dir, sizeof(ev->dir), "%s", cfg->dir);
	snprintf(sub, sizeof(sub), "%s/calls", ev->dir);
	snprintf(ev->pcap_dir, sizeof(ev->pcap_dir), "%s/pcap", ev->dir);
	if (make_dir(ev->dir, cause) != 0 || make_dir(sub, cause) != 0 ||
	    make_dir(ev->pcap_dir, cause) != 0) {
		free(ev);
		return NULL;
	}
	localtime_r(&now, &tm);
	strftime(ev->tz, sizeof(ev->tz), "%Z (%z)", &tm);
	return ev;
}

const char *
evidence_pcap_dir(const struct evidence *ev)
{
	return ev->pcap_dir;
}

/* Close a page; a failure is counted. */
static int
page_close(struct evidence *ev, FILE *f, const char *tmp, const char *path)
{
	if (html_page_close(f, tmp, path) == 0)
		return 0;
	return write_failed(ev, path);
}

/* The probe's drops from the interval before start to the one after end. */
static void
drops_during(const struct evidence *ev, double start_s, double end_s,
    int64_t *kernel, uint64_t *probe, int *known)
{
	int64_t from = (int64_t)(start_s * 1e6), to = (int64_t)(end_s * 1e6);
	const struct drops_at *base = NULL, *top = NULL;
	size_t i;

	for (i = 0; i < ev->n_timeline; i++) {
		const struct drops_at *t = &ev->timeline[i];

		if (t->end_us <= from)
			base = t;
		if (top == NULL && t->end_us >= to)
			top = t;
	}
	if (top == NULL && ev->n_timeline > 0)
		top = &ev->timeline[ev->n_timeline - 1];
	*known = top != NULL && top->kernel >= 0;
	*kernel = top != NULL && top->kernel >= 0 ? top->kernel -
	    (base != NULL && base->kernel >= 0 ? base->kernel : 0) : -1;
	*probe = top != NULL ? top->probe - (base != NULL ? base->probe : 0) :
	    0;
}

/* Write a call's page. */
static void
write_call_page(struct evidence *ev, const struct pending *p,
    const struct evidence_dir *d)
{
	char path[4300], tmp[4400], pcap[4300];
	struct evidence_page pg;
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/calls/%s.html", ev->dir, p->stem);
	if ((f = html_page_open(path, tmp, sizeof(tmp))) == NULL) {
		write_failed(ev, path);
		return;
	}
	memset(&pg, 0, sizeof(pg));
	pg.call = &p->call;
	pg.stem = p->stem;
	pg.dir = d;
	drops_during(ev, p->call.start_s, p->call.end_s != SNAP_NONE ?
	    p->call.end_s : p->call.start_s, &pg.kernel_drops, &pg.probe_drops,
	    &pg.drops_known);
	snprintf(pcap, sizeof(pcap), "%s/%s.pcap", ev->pcap_dir, p->stem);
	pg.pcap_bytes = stat(pcap, &st) == 0 ? (long long)st.st_size : -1;
	pg.probe = ev->cfg.probe;
	pg.source = ev->cfg.source;
	pg.live = ev->cfg.live;
	pg.tz = ev->tz;
	pg.analysis = ev->cfg.analysis;
	evidence_page_write(f, &pg);
	page_close(ev, f, tmp, path);
}

static int row_cmp(const void *, const void *);

static struct row *
row_add(struct evidence *ev, const char *stem)
{
	size_t i;

	/* A call written again (a later copy) keeps its line. */
	for (i = ev->n_rows; i-- > 0 && ev->n_rows - i <= 64;)
		if (strcmp(ev->rows[i].stem, stem) == 0)
			return &ev->rows[i];
	if (ev->n_rows == INDEX_MAX) {
		qsort(ev->rows, ev->n_rows, sizeof(*ev->rows), row_cmp);
		ev->rows_dropped += ev->n_rows - INDEX_MAX / 2;
		ev->n_rows = INDEX_MAX / 2;
	}
	if (ev->n_rows == ev->cap_rows) {
		ev->cap_rows = ev->cap_rows ? ev->cap_rows * 2 : 64;
		ev->rows = xreallocarray(ev->rows, ev->cap_rows,
		    sizeof(*ev->rows));
	}
	memset(&ev->rows[ev->n_rows], 0, sizeof(ev->rows[0]));
	return &ev->rows[ev->n_rows++];
}

/* Write a pending call's page, keep its line for the index, forget it. */
static void
settle(struct evidence *ev, struct pending *p)
{
	struct evidence_dir d[2];
	struct row *r;
	size_t k;

	if (!p->have_call)
		return;
	evidence_dir_gather(&p->call, p->streams, p->n_streams, VERDICT_CALLER,
	    &d[0]);
	evidence_dir_gather(&p->call, p->streams, p->n_streams, VERDICT_CALLEE,
	    &d[1]);
	write_call_page(ev, p, d);

	r = row_add(ev, p->stem);
	snprintf(r->stem, sizeof(r->stem), "%s", p->stem);
	memcpy(r->call_id, p->call.call_id, sizeof(r->call_id));
	memcpy(r->from, p->call.from, sizeof(r->from));
	memcpy(r->to, p->call.to, sizeof(r->to));
	r->start_s = p->call.start_s;
	r->duration_s = p->call.duration_s;
	r->final_code = p->call.final_code;
	r->state = p->call.state;
	r->worst = 6.0;
	for (k = 0; k < 2; k++) {
		r->has_media[k] = d[k].first != NULL;
		r->v[k] = d[k].v;
		if (d[k].v.have_mos && d[k].v.mos < r->worst)
			r->worst = d[k].v.mos;
		evidence_dir_release(&d[k]);
	}
	ev->rows_changed = 1;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int ix = x->v[0].impaired + x->v[1].impaired;
	int iy = y->v[0].impaired + y->v[1].impaired;

	/* Impaired first, then the lowest MOS, then the most loss. */
	if (ix != iy)
		return iy - ix;
	if (x->worst != y->worst)
		return x->worst < y->worst ? -1 : 1;
	if (x->v[0].loss_pct + x->v[1].loss_pct != y->v[0].loss_pct + y->v[1].loss_pct)
		return x->v[0].loss_pct + x->v[1].loss_pct >
		    y->v[0].loss_pct + y->v[1].loss_pct ? -1 : 1;
	return (x->start_s > y->start_s) - (x->start_s < y->start_s);
}

static int
write_index(struct evidence *ev, const struct snapshot *final)
{
	char path[4300], tmp[4400], t1[32];
	size_t i, k, bad = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/index.html", ev->dir);
	if ((f = html_page_open(path, tmp, sizeof(tmp))) == NULL)
		return write_failed(ev, path);
	if (ev->n_rows > 0)
		qsort(ev->rows, ev->n_rows, sizeof(*ev->rows), row_cmp);
	for (i = 0; i < ev->n_rows; i++)
		bad += ev->rows[i].v[0].impaired || ev->rows[i].v[1].impaired;
	html_page_head(f, "vqprobe: calls");
	fputs("<h1>Calls, worst first</h1>\n<p class=\"meta\">Probe ", f);
	html_str(f, ev->cfg.probe);
	fprintf(f, " %s ", ev->cfg.live ? "on interface" : "from file");
	html_str(f, ev->cfg.source);
	fprintf(f, "; times UTC (the probe's zone: %s).", ev->tz);
	if (final != NULL) {
		fprintf(f, " %llu packets", (unsigned long long)
		    final->capture.packets);
		if (final->capture.kernel_drops >= 0)
			fprintf(f, "; dropped by the kernel %lld, by the probe "
			    "%llu", (long long)final->capture.kernel_drops,
			    (unsigned long long)final->capture.probe_drops);
		fputs(".", f);
	} else
		fputs(" The run goes on: this page is rewritten as calls "
		    "end.", f);
	fprintf(f, "</p>\n<p>%zu calls, <b>%zu impaired</b> (loss &ge; %.0f %%, "
	    "MOS &lt; %.1f or mean jitter &gt; %.0f ms in a direction).",
	    ev->n_rows, bad, VERDICT_LOSS_PCT, VERDICT_MOS,
	    VERDICT_JITTER_MS);
	if (ev->rows_dropped > 0)
		fprintf(f, " %llu better calls are not listed (the index keeps "
		    "the worst %d); their pages are in calls/.",
		    (unsigned long long)ev->rows_dropped, INDEX_MAX / 2);
	fputs("</p>\n", f);
	fputs("<table><tr><th rowspan=\"2\">start</th><th rowspan=\"2\">from"
	    "</th><th rowspan=\"2\">to</th><th rowspan=\"2\">code</th>"
	    "<th rowspan=\"2\">talk s</th><th colspan=\"3\">caller's media"
	    "</th><th colspan=\"3\">callee's media</th><th rowspan=\"2\">"
	    "evidence</th></tr>\n<tr><th>MOS</th><th>loss %</th><th>jitter ms"
	    "</th><th>MOS</th><th>loss %</th><th>jitter ms</th></tr>\n", f);
	for (i = 0; i < ev->n_rows; i++) {
		const struct row *r = &ev->rows[i];

		html_utc(r->start_s, 1, t1, sizeof(t1));
		fprintf(f, "<tr><td>%s</td><td>", t1);
		html_str(f, r->from);
		fputs("</td><td>", f);
		html_str(f, r->to);
		fprintf(f, "</td><td class=\"n\">%d</td>", r->final_code);
		if (r->duration_s != SNAP_NONE)
			fprintf(f, "<td class=\"n\">%.1f</td>", r->duration_s);
		else
			fputs("<td class=\"n\">-</td>", f);
		for (k = 0; k < 2; k++) {
			if (!r->has_media[k]) {
				fputs("<td>-</td><td>-</td><td>-</td>", f);
				continue;
			}
			html_figure_cell(f, r->v[k].have_mos, r->v[k].mos, 2,
			    r->v[k].reasons & VERDICT_REASON_MOS);
			html_figure_cell(f, r->v[k].have_loss, r->v[k].loss_pct,
			    2, r->v[k].reasons & VERDICT_REASON_LOSS);
			html_figure_cell(f, r->v[k].have_jitter,
			    r->v[k].jitter_ms, 1,
			    r->v[k].reasons & VERDICT_REASON_JITTER);
		}
		fprintf(f, "<td><a href=\"calls/%s.html\">page</a> <a href=\""
		    "pcap/%s.pcap\">pcap</a></td></tr>\n", r->stem, r->stem);
	}
	fprintf(f, "</table>\n<p class=\"meta\">vqprobe %s</p>\n</body>"
	    "</html>\n", PACKAGE_VERSION);
	ev->rows_changed = 0;
	return page_close(ev, f, tmp, path);
}

/* ---- Gathering the parts ---- */

static struct pending *
pending_get(struct evidence *ev, const struct snap_call *c)
{
	char stem[CALLPCAP_STEM_LEN];
	struct pending *p;

	callpcap_stem(c->order, c->call_id, stem, sizeof(stem));
	HASH_FIND_STR(ev->pending, stem, p);
	if (p == NULL) {
		p = xcalloc(1, sizeof(*p));
		memcpy(p->stem, stem, sizeof(stem));
		HASH_ADD_STR(ev->pending, stem, p);
	}
	return p;
}

static void
pending_call(struct pending *p, const struct snap_call *c)
{
	if (p->have_call && p->call.version > c->version)
		return;
	if (p->have_call && c->msgs_same) {
		/* The messages we hold are still the call's. */
		struct snap_sip_msg *msgs = p->call.msgs;
		size_t n_msgs = p->call.n_msgs;

		p->call = *c;
		p->call.msgs = msgs;
		p->call.n_msgs = n_msgs;
		p->call.msgs_same = 0;
		return;
	}
	if (p->have_call)
		snap_call_release(&p->call);
	p->call = *c;
	p->call.msgs = snap_msgs_dup(c->msgs, c->n_msgs);
	if (p->call.msgs == NULL)
		p->call.n_msgs = 0;
	p->call.msgs_same = 0;
	p->have_call = 1;
}

static void
pending_stream(struct pending *p, const struct snap_stream *s)
{
	struct snap_stream *copy;

	p->streams = xreallocarray(p->streams, p->n_streams + 1,
	    sizeof(*p->streams));
	copy = &p->streams[p->n_streams++];
	*copy = *s;
	copy->points = NULL;
	if (s->n_points > 0) {
		copy->points = xcalloc(s->n_points, sizeof(*s->points));
		memcpy(copy->points, s->points, s->n_points *
		    sizeof(*s->points));
	}
}

static void
pending_free(struct evidence *ev, struct pending *p)
{
	size_t i;

	HASH_DEL(ev->pending, p);
	if (p->have_call)
		snap_call_release(&p->call);
	for (i = 0; i < p->n_streams; i++)
		free(p->streams[i].points);
	free(p->streams);
	free(p);
}

static void
on_part(void *arg, const struct snapshot *part, int final)
{
	struct evidence *ev = arg;
	size_t i;

	for (i = 0; i < part->n_calls; i++)
		pending_call(pending_get(ev, &part->calls[i]),
		    &part->calls[i]);
	for (i = 0; i < part->n_streams; i++) {
		const struct snap_stream *s = &part->streams[i];

		/* Media no call explains has no page. */
		if (s->call == SNAP_NO_CALL || s->call >= part->n_calls)
			continue;
		pending_stream(pending_get(ev, &part->calls[s->call]), s);
	}
	/*
	 * A call on its own is the call ending (its streams came before it):
	 * its page now.  What a worker still held at the end waits for
	 * evidence_finish.
	 */
	if (!final && part->n_calls == 1 && part->n_streams == 0)
		pending_get(ev, &part->calls[0])->ended = 1;
}

static void
on_interval(void *arg, const struct snap_interval *iv,
    const struct pipeline_progress *pr)
{
	struct evidence *ev = arg;
	struct pending *p, *tmp;
	struct drops_at *t;

	(void)iv;
	if (ev->n_timeline == TIMELINE_MAX) {
		/* The oldest half goes: calls that long ago are written. */
		memmove(ev->timeline, ev->timeline + TIMELINE_MAX / 2,
		    (TIMELINE_MAX / 2) * sizeof(*ev->timeline));
		ev->n_timeline = TIMELINE_MAX / 2;
	}
	t = &ev->timeline[ev->n_timeline++];
	t->end_us = pr->capture_us;
	t->kernel = pr->capture.kernel_drops;
	t->probe = pr->capture.probe_drops;
	/*
	 * The calls that ended before this interval did: the probe's drops
	 * over their whole time are known now, so their pages can say them.
	 */
	HASH_ITER(hh, ev->pending, p, tmp)
		if (p->ended && p->have_call && p->call.end_s != SNAP_NONE &&
		    (int64_t)(p->call.end_s * 1e6) <= pr->capture_us) {
			settle(ev, p);
			pending_free(ev, p);
		}
	if (ev->cfg.live && ev->rows_changed && mono_us() -
	    ev->index_written_us >= INDEX_EVERY_US) {
		write_index(ev, NULL);
		ev->index_written_us = mono_us();
	}
}

void
evidence_set_sla(struct evidence *ev, struct sla *sla)
{
	ev->sla = sla;
}

/* sla.html, once every call is in (a failure is counted). */
static void
write_sla(struct evidence *ev)
{
	char path[4300];

	snprintf(path, sizeof(path), "%s/sla.html", ev->dir);
	if (sla_html_write(ev->sla, path, ev->cfg.probe, ev->cfg.source) != 0)
		write_failed(ev, path);
}

void
evidence_sink(struct evidence *ev, struct pipeline_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->part = on_part;
	sink->interval = on_interval;
	sink->arg = ev;
	sink->wants_msgs = 1;
}

int
evidence_finish(struct evidence *ev, const struct snapshot *final,
    char **cause)
{
	struct pending *p, *tmp;
	struct drops_at *t;

	/* The end of the run counts as the last interval's totals. */
	if (ev->n_timeline < TIMELINE_MAX) {
		t = &ev->timeline[ev->n_timeline++];
		t->end_us = INT64_MAX;
		t->kernel = final->capture.kernel_drops;
		t->probe = final->capture.probe_drops;
	}
	HASH_ITER(hh, ev->pending, p, tmp) {
		settle(ev, p);
		pending_free(ev, p);
	}
	if (ev->sla != NULL)
		write_sla(ev);
	if (write_index(ev, final) != 0 || ev->write_errors > 0) {
		*cause = xasprintf("--report %s: %llu files could not be written",
		    ev->dir, (unsigned long long)ev->write_errors);
		return -1;
	}
	return 0;
}

void
evidence_free(struct evidence *ev)
{
	struct pending *p, *tmp;

	if (ev == NULL)
		return;
	HASH_ITER(hh, ev->pending, p, tmp)
		pending_free(ev, p);
	free(ev->rows);
	free(ev);
}
