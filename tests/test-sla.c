/* Unit tests for probe/output/sla.c: targets, rounding, percentiles, groups. */
#include <stdlib.h>
#include <string.h>

#include "metrics/verdict.h"
#include "probe/output/sla.h"
#include "tests/unit.h"

static void
test_milli(void)
{
	CHECK_INT(sla_milli(3.6), 3600);
	CHECK_INT(sla_milli(3.5996), 3600);
	CHECK_INT(sla_milli(0.0), 0);
	CHECK_INT(sla_milli(7.8334), 7833);
	CHECK_INT(sla_milli(100.0), 100000);
	CHECK_INT(sla_milli(-1.25), -1250);
	CHECK(sla_milli(NAN) == SLA_NONE);
}

/* n values into a fresh set (zeroed: empty). */
static void
values_of(struct sla_values *vs, const int32_t *values, size_t n)
{
	size_t i;

	memset(vs, 0, sizeof(*vs));
	for (i = 0; i < n; i++)
		sla_values_push(vs, values[i]);
}

static void
test_percentile(void)
{
	int32_t ten[] = { 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };
	int32_t one[] = { 42 };
	int32_t twenty[20];
	struct sla_values vs;
	size_t i;

	/* Nearest rank: ceil(p / 100 * n). */
	values_of(&vs, ten, 10);
	CHECK_INT(sla_values_percentile(&vs, 50), 5);
	CHECK_INT(sla_values_percentile(&vs, 95), 10);
	CHECK_INT(sla_values_percentile(&vs, 10), 1);
	sla_values_free(&vs);
	values_of(&vs, one, 1);
	CHECK_INT(sla_values_percentile(&vs, 50), 42);
	CHECK_INT(sla_values_percentile(&vs, 95), 42);
	sla_values_free(&vs);
	values_of(&vs, NULL, 0);
	CHECK(sla_values_percentile(&vs, 50) == SLA_NONE);
	for (i = 0; i < 20; i++)
		twenty[i] = (int32_t)(20 - i);
	values_of(&vs, twenty, 20);
	CHECK_INT(sla_values_percentile(&vs, 95), 19);
	CHECK_INT(sla_values_percentile(&vs, 50), 10);
	sla_values_free(&vs);
}

static void
test_targets(void)
{
	struct sla_targets t;
	char *cause = NULL;

	sla_targets_default(&t);
	CHECK_INT(t.milli[SLA_TARGET_MOS], 3600);
	CHECK_INT(t.milli[SLA_TARGET_LOSS_PCT], 100);
	CHECK_INT(t.milli[SLA_TARGET_JITTER_MS], 50000);
	CHECK(t.milli[SLA_TARGET_ASR_PCT] == SLA_NONE);
	CHECK(!t.operator[SLA_TARGET_MOS]);
	CHECK(strstr(sla_target_source(&t, SLA_TARGET_MOS), "G.107") != NULL);
	CHECK(strstr(sla_target_source(&t, SLA_TARGET_LOSS_PCT), "Y.1541") !=
	    NULL);

	CHECK_INT(sla_targets_set(&t, "mos=4", &cause), 0);
	CHECK_INT(t.milli[SLA_TARGET_MOS], 4000);
	CHECK(t.operator[SLA_TARGET_MOS]);
	CHECK_INT(sla_targets_set(&t, "asr_pct=42.5", &cause), 0);
	CHECK_INT(t.milli[SLA_TARGET_ASR_PCT], 42500);
	CHECK_INT(sla_targets_set(&t, "jitter_ms=none", &cause), 0);
	CHECK(t.milli[SLA_TARGET_JITTER_MS] == SLA_NONE);

	/* Errors leave the targets as they were. */
	CHECK_INT(sla_targets_set(&t, "mos=6", &cause), -1);
	CHECK(cause != NULL);
	free(cause);
	cause = NULL;
	CHECK_INT(sla_targets_set(&t, "loss_pct=1x", &cause), -1);
	free(cause);
	cause = NULL;
	CHECK_INT(sla_targets_set(&t, "loss_pct=", &cause), -1);
	free(cause);
	cause = NULL;
	CHECK_INT(sla_targets_set(&t, "loss_pct=-1", &cause), -1);
	free(cause);
	cause = NULL;
	CHECK_INT(sla_targets_set(&t, "delay_ms=100", &cause), -1);
	free(cause);
	cause = NULL;
	CHECK_INT(sla_targets_set(&t, "mos", &cause), -1);
	free(cause);
	CHECK_INT(t.milli[SLA_TARGET_MOS], 4000);
	CHECK_INT(t.milli[SLA_TARGET_LOSS_PCT], 100);
}

/* A stream of first_us..last_us with a loss, a jitter and (mos > 0) a MOS. */
static void
stream_init(struct snap_stream *s, unsigned id, const char *src,
    const char *dst, const char *direction, double loss_pct, double mos,
    int64_t first_us, int64_t last_us)
{
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->direction = direction;
	snprintf(s->src, sizeof(s->src), "%s", src);
	snprintf(s->dst, sizeof(s->dst), "%s", dst);
	s->clock_rate_hz = 8000;
	s->rtp.first_us = first_us;
	s->rtp.last_us = last_us;
	s->rtp.packets = 100;
	s->rtp.expected = 100;
	s->rtp.loss_pct = loss_pct;
	s->rtp.jitter_mean_ms = loss_pct / 2;
	s->quality.have_mos = mos > 0;
	s->quality.mos_call = mos;
	s->quality.mos_min = mos;
	s->quality.mos_avg = mos;
}

static void
call_init(struct snap_call *c, uint64_t order, const char *call_id,
    int final_code)
{
	memset(c, 0, sizeof(*c));
	c->order = order;
	snprintf(c->call_id, sizeof(c->call_id), "%s", call_id);
	c->final_code = final_code;
	c->end_s = SNAP_NONE;
}

static struct subnet_labels *
subnets_of(const char *const *specs)
{
	struct subnet_labels *sl = subnet_labels_new();
	struct subnet_rule rule;
	char *cause = NULL;

	for (; *specs != NULL; specs++) {
		if (subnet_rule_parse(*specs, &rule, &cause) != 0 ||
		    subnet_labels_add(sl, &rule, &cause) != 0)
			UNIT_FAIL("rule %s: %s", *specs, cause);
	}
	return sl;
}

static void
test_groups(void)
{
	static const char *const rules[] = { "10.1.0.0/16 site=paris",
	    "10.2.0.0/16 site=lyon", NULL };
	struct export_label statics[] = { { "customer", "acme" },
	    { "site", "default" } };
	struct subnet_labels *sl = subnets_of(rules);
	struct sla_config cfg;
	struct pipeline_sink sink;
	struct snap_stream s1, s2, s3;
	struct snap_call c1, c2;
	struct sla_entry e;
	struct sla *sla;
	unsigned ids[] = { 1 };

	memset(&cfg, 0, sizeof(cfg));
	cfg.labels.subnets = sl;
	cfg.labels.labels = statics;
	cfg.labels.n_labels = 2;
	sla_targets_default(&cfg.targets);
	cfg.pages = 1;
	sla = sla_new(&cfg);
	sla_sink(sla, &sink);

	/* Call 1, answered: its one stream from Paris, MOS 3.0 for 60 s. */
	stream_init(&s1, 1, "10.1.0.5:4000", "192.0.2.1:5000", "caller", 2.0,
	    3.0, 1000000, 61000000);
	call_init(&c1, 7, "call-one<x>", 200);
	verdict_sums_add(c1.media, &s1);
	sink.stream_done(sink.arg, &s1, c1.call_id, c1.order);
	sink.call_done(sink.arg, &c1, ids, 1);
	/* Media without a call, from Lyon: its own addresses label it. */
	stream_init(&s2, 2, "10.2.0.1:6000", "198.51.100.1:7000", NULL, 0.0,
	    4.4, 0, 30000000);
	sink.stream_done(sink.arg, &s2, NULL, 0);
	/* Call 2, busy, no media: only the static labels. */
	call_init(&c2, 9, "call-two", 486);
	sink.call_done(sink.arg, &c2, NULL, 0);
	/* A stream without a MOS (no codec): counted, never below. */
	stream_init(&s3, 3, "10.2.0.2:6000", "198.51.100.1:7002", NULL, 1.0,
	    0, 0, 6000000);
	s3.clock_rate_hz = 0;
	sink.stream_done(sink.arg, &s3, NULL, 0);

	/* Every call, customer=acme, site=default, site=lyon, site=paris. */
	CHECK_INT(sla_count(sla), 5);
	sla_entry(sla, 0, &e);
	CHECK(e.label == NULL && e.value == NULL);
	CHECK_INT(e.calls, 2);
	CHECK_INT(e.kpis.answered, 1);
	CHECK_NEAR(e.kpis.asr_pct, 50.0, 1e-9);
	CHECK_NEAR(e.kpis.ner_pct, 100.0, 1e-9);
	CHECK_INT(e.streams, 3);
	CHECK_INT(e.streams_below_mos, 1);
	CHECK_NEAR(e.minutes, 1.6, 1e-9);
	CHECK_NEAR(e.minutes_below_mos, 1.0, 1e-9);
	CHECK_INT(e.loss_p50_milli, 1000);
	CHECK_INT(e.loss_p95_milli, 2000);
	CHECK_INT(e.jitter_p50_milli, 0);
	CHECK_INT(e.jitter_p95_milli, 1000);
	CHECK_INT(e.n_worst, 1);
	CHECK_STR(e.worst[0].call_id, "call-one<x>");
	CHECK_INT(e.worst[0].mos_milli, 3000);
	CHECK(strncmp(e.worst[0].page, "calls/call-000007-", 18) == 0);

	sla_entry(sla, 1, &e);
	CHECK_STR(e.label, "customer");
	CHECK_STR(e.value, "acme");
	CHECK_INT(e.calls, 2);
	CHECK_INT(e.streams, 3);

	/* The static site is the default where no subnet matched: call 2. */
	sla_entry(sla, 2, &e);
	CHECK_STR(e.value, "default");
	CHECK_INT(e.calls, 1);
	CHECK_INT(e.kpis.answered, 0);
	CHECK_NEAR(e.kpis.asr_pct, 0.0, 1e-9);
	CHECK_INT(e.streams, 0);
	CHECK(e.loss_p50_milli == SLA_NONE);

	sla_entry(sla, 3, &e);
	CHECK_STR(e.value, "lyon");
	CHECK_INT(e.calls, 0);
	CHECK(e.kpis.asr_pct < 0);
	CHECK_INT(e.streams, 2);
	CHECK_INT(e.streams_below_mos, 0);
	CHECK_INT(e.jitter_p95_milli, 0);

	sla_entry(sla, 4, &e);
	CHECK_STR(e.value, "paris");
	CHECK_INT(e.calls, 1);
	CHECK_INT(e.streams, 1);
	CHECK_INT(e.streams_below_mos, 1);
	CHECK_NEAR(e.minutes_below_mos, 1.0, 1e-9);

	sla_free(sla);
	subnet_labels_free(sl);
}

/* The five worst calls by MOS, the earlier first on a tie. */
static void
test_worst(void)
{
	static const double mos[] = { 4.0, 2.0, 3.0, 2.0, 1.0, 4.4, 3.5, 2.0 };
	struct sla_config cfg;
	struct pipeline_sink sink;
	struct snap_stream s;
	struct snap_call c;
	struct sla_entry e;
	struct sla *sla;
	char id[32];
	size_t i;

	memset(&cfg, 0, sizeof(cfg));
	sla_targets_default(&cfg.targets);
	sla = sla_new(&cfg);
	sla_sink(sla, &sink);
	for (i = 0; i < sizeof(mos) / sizeof(mos[0]); i++) {
		snprintf(id, sizeof(id), "c%zu", i);
		stream_init(&s, (unsigned)i + 1, "10.0.0.1:1", "10.0.0.2:2",
		    "caller", 0, mos[i], 0, 1000000);
		call_init(&c, i + 1, id, 200);
		verdict_sums_add(c.media, &s);
		sink.stream_done(sink.arg, &s, c.call_id, c.order);
		sink.call_done(sink.arg, &c, NULL, 0);
	}
	CHECK_INT(sla_count(sla), 1);
	sla_entry(sla, 0, &e);
	CHECK_INT(e.n_worst, 5);
	CHECK_STR(e.worst[0].call_id, "c4");
	CHECK_STR(e.worst[1].call_id, "c1");
	CHECK_STR(e.worst[2].call_id, "c3");
	CHECK_STR(e.worst[3].call_id, "c7");
	CHECK_STR(e.worst[4].call_id, "c2");
	CHECK_STR(e.worst[0].page, "");
	CHECK_INT(e.streams_below_mos, 6);
	sla_free(sla);
}

int
main(void)
{
	test_milli();
	test_percentile();
	test_targets();
	test_groups();
	test_worst();
	return unit_done("sla");
}
