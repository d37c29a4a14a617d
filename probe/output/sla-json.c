/*
 * The SLA list as the JSON report writes it (sla.h): "sla", an entry per
 * label value with the figures of sla_entry, and "sla_targets".  Figures
 * kept in thousandths are printed from their integers, so that the text
 * is the one the figures were compared on.
 */
#include <math.h>
#include <stdio.h>

#include "probe/output/sla.h"

/* A figure in thousandths with three decimals, or null. */
static json_object *
jmilli(int64_t m)
{
	char buf[SLA_MILLI_TEXT];

	if (m == SLA_NONE)
		return NULL;
	sla_milli_text(buf, m);
	return json_object_new_double_s((double)m / 1000.0, buf);
}

/* A figure with its decimals (as report-json.c prints them), or null. */
static json_object *
jfixed(double v, int decimals)
{
	char buf[64];

	if (!isfinite(v) || v < 0)
		return NULL;
	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

static json_object *
pair_json(int64_t p50, int64_t p95)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "p50", jmilli(p50));
	json_object_object_add(o, "p95", jmilli(p95));
	return o;
}

static json_object *
entry_json(const struct sla_entry *e)
{
	json_object *o = json_object_new_object(), *worst;
	size_t i;

	json_object_object_add(o, "label", e->label ?
	    json_object_new_string(e->label) : NULL);
	json_object_object_add(o, "value", e->value ?
	    json_object_new_string(e->value) : NULL);
	json_object_object_add(o, "calls", json_object_new_int64(
	    (int64_t)e->calls));
	json_object_object_add(o, "answered", json_object_new_int64(
	    (int64_t)e->kpis.answered));
	json_object_object_add(o, "asr_pct", jfixed(e->kpis.asr_pct, 2));
	json_object_object_add(o, "ner_pct", jfixed(e->kpis.ner_pct, 2));
	json_object_object_add(o, "streams", json_object_new_int64(
	    (int64_t)e->streams));
	json_object_object_add(o, "streams_below_mos", json_object_new_int64(
	    (int64_t)e->streams_below_mos));
	json_object_object_add(o, "minutes", jfixed(e->minutes, 3));
	json_object_object_add(o, "minutes_below_mos",
	    jfixed(e->minutes_below_mos, 3));
	json_object_object_add(o, "loss_pct", pair_json(e->loss_p50_milli,
	    e->loss_p95_milli));
	json_object_object_add(o, "jitter_ms", pair_json(e->jitter_p50_milli,
	    e->jitter_p95_milli));
	worst = json_object_new_array();
	for (i = 0; i < e->n_worst; i++) {
		json_object *w = json_object_new_object();

		json_object_object_add(w, "call_id",
		    json_object_new_string(e->worst[i].call_id));
		json_object_object_add(w, "mos", jmilli(e->worst[i].mos_milli));
		json_object_object_add(w, "page", e->worst[i].page[0] ?
		    json_object_new_string(e->worst[i].page) : NULL);
		json_object_array_add(worst, w);
	}
	json_object_object_add(o, "worst_calls", worst);
	return o;
}

json_object *
sla_json(struct sla *sla)
{
	json_object *list = json_object_new_array();
	struct sla_entry e;
	size_t i, n = sla_count(sla);

	for (i = 0; i < n; i++) {
		sla_entry(sla, i, &e);
		json_object_array_add(list, entry_json(&e));
	}
	return list;
}

/* A target as short as it goes: 3.6, 0.1, 50. */
static json_object *
target_json(int64_t m)
{
	char buf[SLA_MILLI_TEXT];
	size_t len;

	if (m == SLA_NONE)
		return NULL;
	len = sla_milli_text(buf, m);
	while (buf[len - 1] == '0')
		buf[--len] = '\0';
	if (buf[len - 1] == '.')
		buf[--len] = '\0';
	return json_object_new_double_s((double)m / 1000.0, buf);
}

json_object *
sla_targets_json(const struct sla *sla)
{
	const struct sla_targets *t = sla_targets(sla);
	json_object *o = json_object_new_object();
	json_object *sources = json_object_new_object();
	size_t i;

	for (i = 0; i < SLA_TARGETS; i++) {
		json_object_object_add(o, sla_target_name(i),
		    target_json(t->milli[i]));
		json_object_object_add(sources, sla_target_name(i),
		    json_object_new_string(sla_target_source(t, i)));
	}
	json_object_object_add(o, "percentiles",
	    json_object_new_string("nearest rank"));
	json_object_object_add(o, "sources", sources);
	return o;
}
