/*
 * The verdict on a call (see verdict.h).
 */
#include <stdio.h>
#include <string.h>

#include "metrics/snapshot.h"
#include "metrics/verdict.h"

/* How a figure is compared with its threshold: one operator per rule. */
enum verdict_cmp {
	CMP_AT_LEAST,		/* figure >= threshold */
	CMP_BELOW,		/* figure < threshold */
	CMP_ABOVE,		/* figure > threshold */
};

/* The figure of a direction a rule looks at. */
enum verdict_figure {
	FIGURE_LOSS_PCT,
	FIGURE_MOS,
	FIGURE_JITTER_MS,
};

struct verdict_rule {
	unsigned		reason;
	const char		*name;
	const char		*label;		/* in sentences */
	const char		*unit;		/* after a figure, or "" */
	enum verdict_figure	figure;
	enum verdict_cmp	cmp;
	double			threshold;
};

/* When a direction is impaired: any rule whose figure breaches it. */
static const struct verdict_rule verdict_rules[VERDICT_REASONS] = {
	{ VERDICT_REASON_LOSS, "loss", "loss", " %", FIGURE_LOSS_PCT,
	    CMP_AT_LEAST, VERDICT_LOSS_PCT },
	{ VERDICT_REASON_MOS, "mos", "MOS", "", FIGURE_MOS, CMP_BELOW,
	    VERDICT_MOS },
	{ VERDICT_REASON_JITTER, "jitter", "jitter", " ms", FIGURE_JITTER_MS,
	    CMP_ABOVE, VERDICT_JITTER_MS },
};

/* How each comparison reads, indexed by enum verdict_cmp. */
static const char *const verdict_cmp_words[] = { ">=", "<", ">" };

static const char *const verdict_side_names[] = { "caller", "callee" };

/* Whether value breaches a rule. */
static int
rule_breached(const struct verdict_rule *r, double value)
{
	switch (r->cmp) {
	case CMP_AT_LEAST:
		return value >= r->threshold;
	case CMP_BELOW:
		return value < r->threshold;
	case CMP_ABOVE:
		return value > r->threshold;
	}
	return 0;
}

/* The rule of a reason bit. */
static const struct verdict_rule *
rule_of(unsigned reason)
{
	size_t i;

	for (i = 0; i < VERDICT_REASONS; i++)
		if (verdict_rules[i].reason == reason)
			return &verdict_rules[i];
	return NULL;
}

/* A direction's figure for a rule; 0 when it has none. */
static int
dir_figure(const struct verdict_dir *d, enum verdict_figure f, double *value)
{
	switch (f) {
	case FIGURE_LOSS_PCT:
		*value = d->loss_pct;
		return d->have_loss;
	case FIGURE_MOS:
		*value = d->mos;
		return d->have_mos;
	case FIGURE_JITTER_MS:
		*value = d->jitter_ms;
		return d->have_jitter;
	}
	return 0;
}

int
verdict_side(const char *direction)
{
	size_t i;

	if (direction == NULL)
		return -1;
	for (i = 0; i < sizeof(verdict_side_names) /
	    sizeof(verdict_side_names[0]); i++)
		if (strcmp(direction, verdict_side_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
verdict_side_name(enum verdict_side side)
{
	return verdict_side_names[side == VERDICT_CALLEE];
}

/* Add one stream's figures to one side's sums. */
static void
sums_add(struct verdict_sums *d, const struct snap_stream *s)
{
	const struct rtpstat_summary *r = &s->rtp;
	const struct quality_summary *q = &s->quality;

	d->streams++;
	d->packets += r->packets;
	d->expected += r->expected;
	d->lost += r->lost;
	if (q->have_mos) {
		if (!d->have_mos || q->mos_min < d->mos_min)
			d->mos_min = q->mos_min;
		d->have_mos = 1;
		d->mos_packets += r->packets;
		d->mos_call_sum += q->mos_call * (double)r->packets;
		d->mos_avg_sum += q->mos_avg * (double)r->packets;
	}
	/* Jitter needs the RTP clock: without one it is not measured. */
	if (s->clock_rate_hz != 0 && r->packets > 0) {
		d->jitter_packets += r->packets;
		d->jitter_sum += r->jitter_mean_ms * (double)r->packets;
		if (r->jitter_max_ms > d->jitter_max_ms)
			d->jitter_max_ms = r->jitter_max_ms;
	}
}


/* Make one direction's figures and verdict from its sums. */
static void
dir_finish(struct verdict_dir *d)
{
	const struct verdict_sums *m = &d->sums;
	size_t i;

	d->have_loss = m->expected > 0;
	d->loss_pct = d->have_loss ?
	    100.0 * (double)m->lost / (double)m->expected : 0.0;
	/* A MOS is weighed by packets: a rated stream has some. */
	d->have_mos = m->have_mos && m->mos_packets > 0;
	d->mos = d->mos_avg = d->mos_min = 0.0;
	if (d->have_mos) {
		d->mos = m->mos_call_sum / (double)m->mos_packets;
		d->mos_avg = m->mos_avg_sum / (double)m->mos_packets;
		d->mos_min = m->mos_min;
	}
	d->have_jitter = m->jitter_packets > 0;
	d->jitter_ms = d->have_jitter ?
	    m->jitter_sum / (double)m->jitter_packets : 0.0;
	d->jitter_max_ms = d->have_jitter ? m->jitter_max_ms : 0.0;
	d->reasons = 0;
	for (i = 0; i < VERDICT_REASONS; i++) {
		const struct verdict_rule *r = &verdict_rules[i];
		double value;

		if (dir_figure(d, r->figure, &value) &&
		    rule_breached(r, value))
			d->reasons |= r->reason;
	}
	d->impaired = d->reasons != 0;
}

void
verdict_sums_add(struct verdict_sums side[2], const struct snap_stream *s)
{
	int i = verdict_side(s->direction);

	if (i >= 0)
		sums_add(&side[i], s);
}

void
verdict_call_from(const struct verdict_sums side[2], struct verdict_call *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < 2; i++) {
		struct verdict_dir *d = &c->dir[i];

		d->sums = side[i];
		dir_finish(d);
		c->impaired |= d->impaired;
		if (d->have_mos && (!c->have_mos || d->mos < c->mos)) {
			c->mos = d->mos;
			c->have_mos = 1;
		}
	}
}

void
verdict_of_call(const struct snap_stream *streams, size_t n, size_t call,
    struct verdict_call *c)
{
	struct verdict_sums side[2];
	size_t i;

	memset(side, 0, sizeof(side));
	for (i = 0; i < n; i++)
		if (streams[i].call == call)
			verdict_sums_add(side, &streams[i]);
	verdict_call_from(side, c);
}

const char *
verdict_reason_name(unsigned reason)
{
	const struct verdict_rule *r = rule_of(reason);

	return r != NULL ? r->name : NULL;
}

unsigned
verdict_reason_at(size_t i)
{
	return i < VERDICT_REASONS ? verdict_rules[i].reason : 0;
}

int
verdict_dir_text(const struct verdict_dir *d, char *buf, size_t size)
{
	const char *sep = "";
	size_t i, used;
	int n;

	if (!d->impaired)
		return snprintf(buf, size, "%s", d->sums.packets > 0 ?
		    "clean" : "no media");
	n = snprintf(buf, size, "impaired:");
	for (i = 0; i < VERDICT_REASONS && n >= 0; i++) {
		const struct verdict_rule *r = &verdict_rules[i];
		double value = 0;

		if (!(d->reasons & r->reason))
			continue;
		(void)dir_figure(d, r->figure, &value);
		used = (size_t)n < size ? (size_t)n : size;
		n += snprintf(buf + used, size - used, "%s %s %.2f%s %s %g%s",
		    sep, r->label, value, r->unit, verdict_cmp_words[r->cmp],
		    r->threshold, r->unit);
		sep = ",";
	}
	return n;
}

int
verdict_interval_bad(double loss_pct, int have_mos, double mos)
{
	return rule_breached(rule_of(VERDICT_REASON_LOSS), loss_pct) ||
	    (have_mos && rule_breached(rule_of(VERDICT_REASON_MOS), mos));
}

enum verdict_band
verdict_loss_band(double loss_pct)
{
	if (rule_breached(rule_of(VERDICT_REASON_LOSS), loss_pct))
		return VERDICT_POOR;
	return loss_pct > 0 ? VERDICT_FAIR : VERDICT_GOOD;
}

enum verdict_band
verdict_mos_band(double mos)
{
	if (rule_breached(rule_of(VERDICT_REASON_MOS), mos))
		return VERDICT_POOR;
	return mos < VERDICT_MOS_GOOD ? VERDICT_FAIR : VERDICT_GOOD;
}

enum verdict_band
verdict_jitter_band(double jitter_ms)
{
	if (rule_breached(rule_of(VERDICT_REASON_JITTER), jitter_ms))
		return VERDICT_POOR;
	return jitter_ms >= VERDICT_JITTER_FAIR_MS ? VERDICT_FAIR :
	    VERDICT_GOOD;
}
