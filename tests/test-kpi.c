/* Unit tests for metrics/kpi.c: ASR and NER after E.425. */
#include "metrics/kpi.h"
#include "tests/unit.h"

static void
test_no_attempts(void)
{
	struct kpi_summary k;
	int codes[] = { 0, 0 };

	kpi_summarise(codes, 2, &k);
	CHECK_INT(k.attempts, 0);
	CHECK_NEAR(k.asr_pct, -1, 0);
	CHECK_NEAR(k.ner_pct, -1, 0);
}

static void
test_mixed_outcomes(void)
{
	struct kpi_summary k;
	/* 2 answered, busy, cancelled, declined, 404, 503, 500, one ringing. */
	int codes[] = { 200, 202, 486, 487, 603, 404, 503, 500, 0 };

	kpi_summarise(codes, sizeof(codes) / sizeof(codes[0]), &k);
	CHECK_INT(k.attempts, 8);
	CHECK_INT(k.answered, 2);
	CHECK_INT(k.effective, 5);
	CHECK_NEAR(k.asr_pct, 25.0, 1e-9);
	CHECK_NEAR(k.ner_pct, 62.5, 1e-9);
}

static void
test_effective_codes(void)
{
	CHECK(kpi_effective_code(200));
	CHECK(kpi_effective_code(486));
	CHECK(kpi_effective_code(600));
	CHECK(!kpi_effective_code(404));
	CHECK(!kpi_effective_code(408));
	CHECK(!kpi_effective_code(503));
	CHECK(!kpi_effective_code(302));
}

int
main(void)
{
	RUN(test_no_attempts);
	RUN(test_mixed_outcomes);
	RUN(test_effective_codes);
	return unit_done("kpi");
}
