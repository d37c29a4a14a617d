/*
 * The month per customer (see sla.h): calls and streams summed per label
 * value as they end, in capture order; the list made at the end.
 *
 * Every figure is taken as the JSON report prints it (three decimals
 * for loss, jitter and MOS, microseconds for a stream's start and end),
 * in integers, so that a checker reading the report remakes each one
 * exactly: percentiles pick one of those values, sums of microseconds do
 * not depend on their order.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "metrics/verdict.h"
#include "probe/output/callpcap.h"
#include "probe/output/sla.h"
#include "probe/vqprobe.h"

/* ---- Targets ---- */

/*
 * The defaults.  MOS: ITU-T G.107 rates R from 70 to 80 "some users
 * dissatisfied" and below 70 "many users dissatisfied" (its provisional
 * guide to user satisfaction, as G.109's categories); R 70 is MOS 3.597
 * by G.107 Annex B, so 3.6.  Loss and jitter: ITU-T Y.1541's objectives
 * for its real-time classes 0 and 1: packet loss ratio (IPLR) 1e-3, that
 * is 0.1 %, and packet delay variation (IPDV) 50 ms.  ASR: no ITU-T
 * objective exists; it is the operator's, so none by default.
 */
static const struct {
	const char	*name;
	int64_t		 default_milli;
	int64_t		 max_milli;	/* the highest value accepted */
	const char	*source;
} sla_target_table[SLA_TARGETS] = {
	[SLA_TARGET_MOS] = { "mos", 3600, 5000,
	    "ITU-T G.107 user satisfaction: below R 70 many users are "
	    "dissatisfied; R 70 is MOS 3.6 (3.597, G.107 Annex B)" },
	[SLA_TARGET_LOSS_PCT] = { "loss_pct", 100, 100000,
	    "ITU-T Y.1541 classes 0 and 1: IP packet loss ratio (IPLR) "
	    "1e-3" },
	[SLA_TARGET_JITTER_MS] = { "jitter_ms", 50000, 60000000,
	    "ITU-T Y.1541 classes 0 and 1: IP packet delay variation "
	    "(IPDV) 50 ms, compared here with RFC 3550 jitter" },
	[SLA_TARGET_ASR_PCT] = { "asr_pct", SLA_NONE, 100000,
	    "none: no ITU-T objective; set one with --sla-target "
	    "asr_pct=VALUE" },
};

void
sla_targets_default(struct sla_targets *t)
{
	size_t i;

	for (i = 0; i < SLA_TARGETS; i++) {
		t->milli[i] = sla_target_table[i].default_milli;
		t->operator[i] = 0;
	}
}

const char *
sla_target_name(enum sla_target_key k)
{
	return sla_target_table[k].name;
}

const char *
sla_target_source(const struct sla_targets *t, enum sla_target_key k)
{
	return t->operator[k] ? "the operator (--sla-target)" :
	    sla_target_table[k].source;
}

int
sla_targets_set(struct sla_targets *t, const char *spec, char **cause)
{
	const char *eq = strchr(spec, '=');
	char *end;
	double v;
	size_t i, len;

	if (eq == NULL) {
		*cause = xasprintf("bad --sla-target '%s' (KEY=VALUE)", spec);
		return -1;
	}
	len = (size_t)(eq - spec);
	for (i = 0; i < SLA_TARGETS; i++)
		if (strlen(sla_target_table[i].name) == len &&
		    strncmp(spec, sla_target_table[i].name, len) == 0)
			break;
	if (i == SLA_TARGETS) {
		*cause = xasprintf("bad --sla-target '%s' (keys: mos, "
		    "loss_pct, jitter_ms, asr_pct)", spec);
		return -1;
	}
	if (strcmp(eq + 1, "none") == 0) {
		t->milli[i] = SLA_NONE;
		t->operator[i] = 1;
		return 0;
	}
	errno = 0;
	v = strtod(eq + 1, &end);
	if (eq[1] == '\0' || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v < 0 || sla_milli(v) > sla_target_table[i].max_milli) {
		*cause = xasprintf("bad --sla-target '%s' (a number from 0 to "
		    "%g, or none)", spec,
		    (double)sla_target_table[i].max_milli / 1000.0);
		return -1;
	}
	t->milli[i] = sla_milli(v);
	t->operator[i] = 1;
	return 0;
}

/* ---- Figures ---- */

int64_t
sla_milli(double v)
{
	char buf[64], *p = buf;
	int64_t whole = 0, sign = 1;
	int i;

	if (!isfinite(v) || fabs(v) > 9e12)
		return SLA_NONE;
	/* printf's rounding, the report's: not llround's. */
	snprintf(buf, sizeof(buf), "%.3f", v);
	if (*p == '-') {
		sign = -1;
		p++;
	}
	for (; *p >= '0' && *p <= '9'; p++)
		whole = whole * 10 + (*p - '0');
	if (*p == '.')
		p++;
	for (i = 0; i < 3; i++, p++)
		whole = whole * 10 + (*p >= '0' && *p <= '9' ? *p - '0' : 0);
	return sign * whole;
}

size_t
sla_milli_text(char buf[SLA_MILLI_TEXT], int64_t m)
{
	/* Not -m: INT64_MIN has no opposite. */
	uint64_t a = m < 0 ? -(uint64_t)m : (uint64_t)m;

	return (size_t)snprintf(buf, SLA_MILLI_TEXT, "%s%llu.%03llu",
	    m < 0 ? "-" : "", (unsigned long long)(a / 1000),
	    (unsigned long long)(a % 1000));
}

/* A figure in thousandths as a 32-bit value (clamped: a year of jitter). */
static int32_t
milli32(int64_t m)
{
	return m > INT32_MAX ? INT32_MAX : m < 0 ? 0 : (int32_t)m;
}

/* ---- Labels ---- */

/* A call whose streams ended before it: the subnet labels they give it. */
struct labeler_call {
	uint64_t		order;
	struct subnet_match	where;
	UT_hash_handle		hh;
};

/*
 * The labels of a match (NULL: none matched): the subnet keys that
 * matched, then the static labels whose key is not yet there (the first
 * of a key wins, as lp_tag keeps it on the points).
 */
static void
labels_from(const struct sla_label_config *cfg,
    const struct subnet_match *where, struct sla_labels *out)
{
	size_t i, j, n_keys;

	out->n = 0;
	n_keys = cfg->subnets != NULL ? subnet_labels_n_keys(cfg->subnets) : 0;
	for (i = 0; where != NULL && i < n_keys; i++)
		if (where->value[i] != NULL) {
			out->key[out->n] = subnet_labels_key(cfg->subnets, i);
			out->value[out->n++] = where->value[i];
		}
	for (i = 0; i < cfg->n_labels && out->n < SLA_MAX_LABELS; i++) {
		for (j = 0; j < out->n; j++)
			if (strcmp(out->key[j], cfg->labels[i].key) == 0)
				break;
		if (j == out->n) {
			out->key[out->n] = cfg->labels[i].key;
			out->value[out->n++] = cfg->labels[i].value;
		}
	}
}

/* A stream's addresses into m: the source first, it wins ties. */
static void
where_add(const struct sla_label_config *cfg, const struct snap_stream *s,
    struct subnet_match *m)
{
	if (cfg->subnets == NULL)
		return;
	subnet_labels_match_text(cfg->subnets, s->src, m);
	subnet_labels_match_text(cfg->subnets, s->dst, m);
}

/*
 * A stream ended (call_id: its call's, or NULL): its own labels into own;
 * its addresses label its call, in calls.
 */
static void
label_stream(const struct sla_label_config *cfg, struct labeler_call **calls,
    const struct snap_stream *s, const char *call_id, uint64_t call_order,
    struct sla_labels *own)
{
	struct subnet_match m;
	struct labeler_call *c;

	subnet_match_init(&m);
	where_add(cfg, s, &m);
	labels_from(cfg, &m, own);
	/* As the vq_call point: only media with a side labels its call. */
	if (call_id == NULL || s->direction == NULL || cfg->subnets == NULL)
		return;
	HASH_FIND(hh, *calls, &call_order, sizeof(call_order), c);
	if (c == NULL) {
		c = xcalloc(1, sizeof(*c));
		c->order = call_order;
		subnet_match_init(&c->where);
		HASH_ADD(hh, *calls, order, sizeof(c->order), c);
	}
	where_add(cfg, s, &c->where);
}

/* A call ended, after its streams: its labels; the call is forgotten. */
static void
label_call(const struct sla_label_config *cfg, struct labeler_call **calls,
    uint64_t order, struct sla_labels *out)
{
	struct labeler_call *c;

	HASH_FIND(hh, *calls, &order, sizeof(order), c);
	labels_from(cfg, c != NULL ? &c->where : NULL, out);
	if (c != NULL) {
		HASH_DEL(*calls, c);
		free(c);
	}
}

/* ---- Sums per label value ---- */

/*
 * Values kept for a percentile: each distinct value once, with how many
 * times it came.  The values are the report's printed thousandths, so
 * their number is bounded by the figures' range, not by the streams: a
 * month of calls takes no more than a day of them.
 */
struct sla_count {
	int32_t		 value;
	uint64_t	 n;
	UT_hash_handle	 hh;
};

/* One label value (or every call): what its entry is made from. */
struct sla_group {
	char		*hkey;		/* label NUL value */
	size_t		 hkey_len;
	const char	*label;		/* NULL: every call */
	const char	*value;
	uint64_t	 calls;
	struct kpi_summary kpis;
	uint64_t	 streams;
	uint64_t	 streams_below;
	int64_t		 us;		/* the streams' (end - start) */
	int64_t		 us_below;
	struct sla_values loss;		/* thousandths of a percent */
	struct sla_values jitter;	/* thousandths of a ms */
	size_t		 n_worst;
	struct sla_worst worst[SLA_WORST_CALLS];
	UT_hash_handle	 hh;
};

/* A stream's figures, as the report prints them. */
struct sla_fig {
	int64_t		us;
	int64_t		mos_milli;	/* SLA_NONE: no MOS */
	int32_t		loss_milli;
	int32_t		jitter_milli;
	int		have_jitter;
};

/* The streams of a call that has not ended yet. */
struct sla_pending {
	uint64_t	 order;
	struct sla_fig	*figs;
	size_t		 n;
	size_t		 cap;
	UT_hash_handle	 hh;
};

struct sla {
	struct sla_config	 cfg;
	struct labeler_call	*label_calls;	/* uthash by order */
	/* What the sink gave the stream and the call it handled last. */
	unsigned		 last_stream_id;
	struct sla_labels	 last_stream;
	uint64_t		 last_call_order;
	int			 have_last_call;
	struct sla_labels	 last_call;
	struct sla_group	 all;
	struct sla_group	*groups;	/* uthash by hkey */
	struct sla_pending	*pending;	/* uthash by order */
	struct sla_group	**sorted;	/* made by settle */
	size_t			 n_sorted;
	int			 settled;
};

void
sla_values_push(struct sla_values *vs, int32_t v)
{
	struct sla_count *c;

	HASH_FIND(hh, vs->counts, &v, sizeof(v), c);
	if (c == NULL) {
		c = xcalloc(1, sizeof(*c));
		c->value = v;
		HASH_ADD(hh, vs->counts, value, sizeof(c->value), c);
	}
	c->n++;
	vs->n++;
}

static int
count_order(const struct sla_count *a, const struct sla_count *b)
{
	return (a->value > b->value) - (a->value < b->value);
}

int64_t
sla_values_percentile(struct sla_values *vs, unsigned pct)
{
	uint64_t rank, seen = 0;
	struct sla_count *c;

	if (vs->n == 0)
		return SLA_NONE;
	HASH_SORT(vs->counts, count_order);
	/* Nearest rank: the smallest value with pct % of them at or below. */
	rank = ((uint64_t)pct * vs->n + 99) / 100;
	if (rank < 1)
		rank = 1;
	for (c = vs->counts; c != NULL; c = c->hh.next)
		if ((seen += c->n) >= rank)
			return c->value;
	return SLA_NONE;
}

void
sla_values_free(struct sla_values *vs)
{
	struct sla_count *c, *tmp;

	HASH_ITER(hh, vs->counts, c, tmp) {
		HASH_DEL(vs->counts, c);
		free(c);
	}
	vs->n = 0;
}

static void
group_init(struct sla_group *g)
{
	memset(g, 0, sizeof(*g));
	kpi_summarise(NULL, 0, &g->kpis);
}

static struct sla_group *
group_get(struct sla *sla, const char *label, const char *value)
{
	size_t lk = strlen(label), lv = strlen(value), len = lk + 1 + lv;
	char *key = xcalloc(1, len + 1);
	struct sla_group *g;

	memcpy(key, label, lk + 1);
	memcpy(key + lk + 1, value, lv + 1);
	HASH_FIND(hh, sla->groups, key, len, g);
	if (g != NULL) {
		free(key);
		return g;
	}
	g = xcalloc(1, sizeof(*g));
	group_init(g);
	g->hkey = key;
	g->hkey_len = len;
	g->label = key;
	g->value = key + lk + 1;
	HASH_ADD_KEYPTR(hh, sla->groups, g->hkey, g->hkey_len, g);
	return g;
}

static void
group_add_fig(struct sla *sla, struct sla_group *g, const struct sla_fig *f)
{
	int64_t target = sla->cfg.targets.milli[SLA_TARGET_MOS];

	g->streams++;
	g->us += f->us;
	sla_values_push(&g->loss, f->loss_milli);
	if (f->have_jitter)
		sla_values_push(&g->jitter, f->jitter_milli);
	if (f->mos_milli != SLA_NONE && target != SLA_NONE &&
	    f->mos_milli < target) {
		g->streams_below++;
		g->us_below += f->us;
	}
}

/* A call among a group's worst: sorted by MOS, the earlier first on ties. */
static void
group_add_worst(struct sla_group *g, const struct sla_worst *w)
{
	size_t i = g->n_worst;

	if (i == SLA_WORST_CALLS) {
		if (w->mos_milli >= g->worst[i - 1].mos_milli)
			return;
		i--;
	} else
		g->n_worst++;
	while (i > 0 && g->worst[i - 1].mos_milli > w->mos_milli) {
		g->worst[i] = g->worst[i - 1];
		i--;
	}
	g->worst[i] = *w;
}

/* Figures to every group of labels, and to every call's. */
static void
add_figs(struct sla *sla, const struct sla_labels *l,
    const struct sla_fig *figs, size_t n)
{
	size_t i, k;

	for (k = 0; k < n; k++)
		group_add_fig(sla, &sla->all, &figs[k]);
	for (i = 0; i < l->n; i++) {
		struct sla_group *g = group_get(sla, l->key[i], l->value[i]);

		for (k = 0; k < n; k++)
			group_add_fig(sla, g, &figs[k]);
	}
}

static void
fig_of(const struct snap_stream *s, struct sla_fig *f)
{
	const struct rtpstat_summary *r = &s->rtp;

	memset(f, 0, sizeof(*f));
	/* The report's start and end are these microseconds, exactly. */
	f->us = r->last_us > r->first_us ? r->last_us - r->first_us : 0;
	f->loss_milli = milli32(sla_milli(r->loss_pct));
	f->have_jitter = s->clock_rate_hz != 0;
	if (f->have_jitter)
		f->jitter_milli = milli32(sla_milli(r->jitter_mean_ms));
	f->mos_milli = s->quality.have_mos ? sla_milli(s->quality.mos_call) :
	    SLA_NONE;
}

static void
on_stream(void *arg, const struct snap_stream *s, const char *call_id,
    uint64_t call_order)
{
	struct sla *sla = arg;
	struct sla_labels own;
	struct sla_pending *p;
	struct sla_fig f;

	fig_of(s, &f);
	label_stream(&sla->cfg.labels, &sla->label_calls, s, call_id,
	    call_order, &own);
	sla->last_stream_id = s->id;
	sla->last_stream = own;
	/*
	 * Without subnet labels every call has the static labels, its own
	 * streams' too: nothing to wait for (a call held back by a long one
	 * would otherwise keep its streams here until it is handed on).
	 */
	if (call_id == NULL || sla->cfg.labels.subnets == NULL) {
		add_figs(sla, &own, &f, 1);
		return;
	}
	/* Its call's labels decide its groups: it waits for the call. */
	HASH_FIND(hh, sla->pending, &call_order, sizeof(call_order), p);
	if (p == NULL) {
		p = xcalloc(1, sizeof(*p));
		p->order = call_order;
		HASH_ADD(hh, sla->pending, order, sizeof(p->order), p);
	}
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 4;
		p->figs = xreallocarray(p->figs, p->cap, sizeof(*p->figs));
	}
	p->figs[p->n++] = f;
}

/* The pending streams of a call (order) to the groups of l. */
static void
settle_pending(struct sla *sla, uint64_t order, const struct sla_labels *l)
{
	struct sla_pending *p;

	HASH_FIND(hh, sla->pending, &order, sizeof(order), p);
	if (p == NULL)
		return;
	add_figs(sla, l, p->figs, p->n);
	HASH_DEL(sla->pending, p);
	free(p->figs);
	free(p);
}

/*
 * A call's MOS for its worst-call rank: the lower of its sides' (the
 * verdict's, as calls[].verdict prints them); SLA_NONE without one.
 */
static int64_t
call_mos_milli(const struct snap_call *c)
{
	struct verdict_call v;
	int64_t m = SLA_NONE, side;
	size_t k;

	verdict_call_from(c->media, &v);
	for (k = 0; k < 2; k++) {
		if (!v.dir[k].have_mos)
			continue;
		side = sla_milli(v.dir[k].mos);
		if (m == SLA_NONE || side < m)
			m = side;
	}
	return m;
}

static void
group_add_call(struct sla_group *g, const struct snap_call *c,
    const struct sla_worst *w)
{
	g->calls++;
	kpi_add(&g->kpis, c->final_code);
	if (w != NULL)
		group_add_worst(g, w);
}

static void
on_call(void *arg, const struct snap_call *c, const unsigned *stream_ids,
    size_t n_streams)
{
	struct sla *sla = arg;
	struct sla_labels l;
	struct sla_worst w, *wp = NULL;
	char stem[CALLPCAP_STEM_LEN];
	size_t i;

	(void)stream_ids;
	(void)n_streams;
	label_call(&sla->cfg.labels, &sla->label_calls, c->order, &l);
	sla->have_last_call = 1;
	sla->last_call_order = c->order;
	sla->last_call = l;
	if ((w.mos_milli = call_mos_milli(c)) != SLA_NONE) {
		snprintf(w.call_id, sizeof(w.call_id), "%s", c->call_id);
		w.page[0] = '\0';
		if (sla->cfg.pages) {
			callpcap_stem(c->order, c->call_id, stem, sizeof(stem));
			snprintf(w.page, sizeof(w.page), "calls/%s.html", stem);
		}
		wp = &w;
	}
	group_add_call(&sla->all, c, wp);
	for (i = 0; i < l.n; i++)
		group_add_call(group_get(sla, l.key[i], l.value[i]), c, wp);
	settle_pending(sla, c->order, &l);
}

struct sla *
sla_new(const struct sla_config *cfg)
{
	struct sla *sla = xcalloc(1, sizeof(*sla));

	sla->cfg = *cfg;
	group_init(&sla->all);
	return sla;
}

static void
group_release(struct sla_group *g)
{
	sla_values_free(&g->loss);
	sla_values_free(&g->jitter);
	free(g->hkey);
}

void
sla_free(struct sla *sla)
{
	struct sla_group *g, *gtmp;
	struct sla_pending *p, *ptmp;
	struct labeler_call *c, *ctmp;

	if (sla == NULL)
		return;
	HASH_ITER(hh, sla->groups, g, gtmp) {
		HASH_DEL(sla->groups, g);
		group_release(g);
		free(g);
	}
	HASH_ITER(hh, sla->pending, p, ptmp) {
		HASH_DEL(sla->pending, p);
		free(p->figs);
		free(p);
	}
	group_release(&sla->all);
	HASH_ITER(hh, sla->label_calls, c, ctmp) {
		HASH_DEL(sla->label_calls, c);
		free(c);
	}
	free(sla->sorted);
	free(sla);
}

void
sla_sink(struct sla *sla, struct pipeline_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->stream_done = on_stream;
	sink->call_done = on_call;
	sink->arg = sla;
}

void
sla_stream_labels(const struct sla *sla, const struct snap_stream *s,
    struct sla_labels *out)
{
	if (s->id != sla->last_stream_id)
		fatal("SLA labels asked for stream %u, not the last one (%u)",
		    s->id, sla->last_stream_id);
	*out = sla->last_stream;
}

void
sla_call_labels(const struct sla *sla, const struct snap_call *c,
    struct sla_labels *out)
{
	if (!sla->have_last_call || c->order != sla->last_call_order)
		fatal("SLA labels asked for a call it has not handled last");
	*out = sla->last_call;
}

const struct sla_targets *
sla_targets(const struct sla *sla)
{
	return &sla->cfg.targets;
}

static int
group_cmp(const void *a, const void *b)
{
	const struct sla_group *x = *(struct sla_group *const *)a;
	const struct sla_group *y = *(struct sla_group *const *)b;
	int c = strcmp(x->label, y->label);

	return c != 0 ? c : strcmp(x->value, y->value);
}

/*
 * The run is over: streams whose call never came (none should) take the
 * labels their addresses gave the call; then the entries in order.
 */
static void
settle(struct sla *sla)
{
	struct sla_pending *p, *tmp;
	struct sla_group *g;
	struct sla_labels l;
	size_t i = 0;

	if (sla->settled)
		return;
	sla->settled = 1;
	HASH_ITER(hh, sla->pending, p, tmp) {
		label_call(&sla->cfg.labels, &sla->label_calls, p->order, &l);
		settle_pending(sla, p->order, &l);
	}
	sla->n_sorted = 1 + HASH_COUNT(sla->groups);
	sla->sorted = xcalloc(sla->n_sorted, sizeof(*sla->sorted));
	sla->sorted[i++] = &sla->all;
	for (g = sla->groups; g != NULL; g = g->hh.next)
		sla->sorted[i++] = g;
	qsort(sla->sorted + 1, sla->n_sorted - 1, sizeof(*sla->sorted),
	    group_cmp);
}

size_t
sla_count(struct sla *sla)
{
	settle(sla);
	return sla->n_sorted;
}

void
sla_entry(struct sla *sla, size_t i, struct sla_entry *e)
{
	struct sla_group *g;

	settle(sla);
	g = sla->sorted[i];
	memset(e, 0, sizeof(*e));
	e->label = g->label;
	e->value = g->value;
	e->calls = g->calls;
	e->kpis = g->kpis;
	e->streams = g->streams;
	e->streams_below_mos = g->streams_below;
	e->minutes = (double)g->us / 60e6;
	e->minutes_below_mos = (double)g->us_below / 60e6;
	e->loss_p50_milli = sla_values_percentile(&g->loss, 50);
	e->loss_p95_milli = sla_values_percentile(&g->loss, 95);
	e->jitter_p50_milli = sla_values_percentile(&g->jitter, 50);
	e->jitter_p95_milli = sla_values_percentile(&g->jitter, 95);
	e->n_worst = g->n_worst;
	memcpy(e->worst, g->worst, g->n_worst * sizeof(*g->worst));
}
