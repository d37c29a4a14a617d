/*
 * Unit tests for probe/analysis/flows.c: a flow's entry leads to its
 * stream, a flow of other endpoints finds nothing, the table grows past
 * thousands of flows and every entry is still found, and forgetting
 * streams in any order (deletion shifts later entries back, with no
 * tombstones) leaves each remaining flow found and each forgotten one
 * gone, down to an empty table.  Every lookup is made three ways, with
 * no hint, with a hint that holds the flow's hash and with one that holds
 * its entry, and hints made before the table changed (a put, a growth, a
 * forget) must not mislead a lookup after it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/analysis/calls.h"
#include "probe/analysis/flows.h"
#include "probe/analysis/streams.h"
#include "tests/unit.h"

#define FLOWS	6000

/*
 * Flow n: 10.0.(n >> 8).(n) port 20000 + 2 (n % 7) to 192.0.2.1 port
 * 30000 + 2 (n % 2000).
 */
static struct pkt_meta
flow_meta(unsigned n)
{
	struct pkt_meta m;

	memset(&m, 0, sizeof(m));
	m.ts_us = 1000000;
	m.ip_proto = 17;
	m.src.addr.family = 4;
	m.src.addr.bytes[0] = 10;
	m.src.addr.bytes[2] = (uint8_t)(n >> 8);
	m.src.addr.bytes[3] = (uint8_t)n;
	m.src.port = (uint16_t)(20000 + 2 * (n % 7));
	m.dst.addr.family = 4;
	m.dst.addr.bytes[0] = 192;
	m.dst.addr.bytes[2] = 2;
	m.dst.addr.bytes[3] = 1;
	m.dst.port = (uint16_t)(30000 + 2 * (n % 2000));
	/* Flows past 2000 differ by source only: long probe chains. */
	return m;
}

/* Does f lead to s, as flow n's entry (NULL: there must be none)? */
static int
leads_to(const struct flow *f, unsigned n, const struct stream *s)
{
	if (s == NULL)
		return f == NULL;
	return f != NULL && f->stream == s && f->ssrc == 1000 + n;
}

/* Looking ahead at flow n as analyzer_prefetch does, up to step 2. */
static struct flow_hint
hint_of(const struct flow_table *ft, unsigned n)
{
	struct pkt_meta m = flow_meta(n);
	struct flow_hint hint;

	memset(&hint, 0, sizeof(hint));
	flows_hint_hash(ft, &m, &hint);
	flows_hint_entry(ft, &m, &hint);
	return hint;
}

/*
 * Is flow n found, leading to s (NULL: it must not be found), without a
 * hint, with its hash and with its entry?  stale, if not NULL, is a hint
 * made earlier, which must not change the answer either.
 */
static int
found_as(struct flow_table *ft, unsigned n, const struct stream *s,
    const struct flow_hint *stale)
{
	struct pkt_meta m = flow_meta(n);
	struct flow_hint hashed, entry = hint_of(ft, n);

	memset(&hashed, 0, sizeof(hashed));
	flows_hint_hash(ft, &m, &hashed);
	return leads_to(flows_find(ft, &m, NULL), n, s) &&
	    leads_to(flows_find(ft, &m, &hashed), n, s) &&
	    leads_to(flows_find(ft, &m, &entry), n, s) &&
	    (stale == NULL || leads_to(flows_find(ft, &m, stale), n, s));
}

static void
test_put_find_forget(void)
{
	struct stream_config cfg;
	struct call_table *calls = calls_new();
	struct stream_table *st;
	struct flow_table *ft = flows_new(calls);
	struct stream **s = calloc(FLOWS, sizeof(*s));
	struct flow_hint *before = calloc(FLOWS, sizeof(*before));
	unsigned *order = calloc(FLOWS, sizeof(*order));
	unsigned i, j, bad;

	memset(&cfg, 0, sizeof(cfg));
	cfg.interval_us = 10 * 1000000LL;
	jbuf_config_default(&cfg.jbuf, JBUF_FIXED);
	st = streams_new(&cfg);
	/*
	 * Each flow looked ahead at before it is put (no entry then), while
	 * the table grows past thousands: found all the same.
	 */
	for (i = 0; i < FLOWS; i++) {
		struct pkt_meta m = flow_meta(i);

		before[i] = hint_of(ft, i);
		s[i] = streams_add(st, &m, 1000 + i, NULL, 0, i);
		flows_put(ft, &m, s[i], 1000 + i, NULL, 0);
	}
	CHECK_INT(flows_count(ft), FLOWS);
	for (i = 0, bad = 0; i < FLOWS; i++)
		bad += !found_as(ft, i, s[i], &before[i]);
	CHECK_INT(bad, 0);
	/* Endpoints no flow has: nothing, even in a crowded table. */
	for (i = FLOWS, bad = 0; i < FLOWS + 500; i++)
		bad += !found_as(ft, i, NULL, NULL);
	CHECK_INT(bad, 0);
	/* The same flow again: its entry is replaced, not doubled. */
	{
		struct pkt_meta m = flow_meta(7);

		flows_put(ft, &m, s[7], 1000 + 7, NULL, 0);
		CHECK_INT(flows_count(ft), FLOWS);
	}

	/* Forget in a scrambled order, checking every flow as it goes. */
	for (i = 0; i < FLOWS; i++)
		order[i] = i;
	srand(7);
	for (i = FLOWS - 1; i > 0; i--) {
		unsigned k = (unsigned)rand() % (i + 1), t = order[i];

		order[i] = order[k];
		order[k] = t;
	}
	/* Entries found before any goes, shifted back as others go. */
	for (i = 0; i < FLOWS; i++)
		before[i] = hint_of(ft, i);
	for (i = 0; i < FLOWS; i++) {
		flows_forget(ft, s[order[i]]);
		if (i % 1500 != 0 && i != FLOWS - 1)
			continue;
		for (j = 0, bad = 0; j < FLOWS; j++)
			bad += !found_as(ft, order[j], j <= i ? NULL :
			    s[order[j]], &before[order[j]]);
		CHECK_INT(bad, 0);
		CHECK_INT(flows_count(ft), FLOWS - 1 - i);
	}
	/* A stream with no entry (forgotten already): nothing happens. */
	flows_forget(ft, s[0]);
	CHECK_INT(flows_count(ft), 0);

	for (i = 0; i < FLOWS; i++)
		streams_remove(st, s[i]);
	free(order);
	free(before);
	free(s);
	flows_free(ft);
	streams_free(st);
	calls_free(calls);
}

int
main(void)
{
	RUN(test_put_find_forget);
	return unit_done("flows");
}
