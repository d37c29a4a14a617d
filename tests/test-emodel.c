/*
 * Unit tests for metrics/emodel.c: the G.107 defaults, Idd, Ie,eff, R to
 * MOS, the combined rating, the wideband scale and the codec table.
 *
 * Figures marked REFERENCES come from REFERENCES.md with its tolerance;
 * the others are worked out in the comment beside them.
 */

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "metrics/emodel.h"
#include "tests/unit.h"

#define TOL	0.001	/* REFERENCES' tolerance for computed figures */

/* REFERENCES: every G.107 default gives Ro 94.769, Is 1.414, Id 0.149. */
static void
test_g107_defaults(void)
{
	struct emodel_g107		g;
	struct emodel_g107_terms	t;

	emodel_g107_defaults(&g);
	emodel_g107(&g, &t);
	CHECK_NEAR(t.ro, 94.769, TOL);
	CHECK_NEAR(t.is, 1.414, TOL);
	CHECK_NEAR(t.id, 0.149, TOL);
	CHECK_NEAR(t.idte, 0, 1e-12);	/* T = 0: echo is sidetone */
	CHECK_NEAR(t.idd, 0, 1e-12);
	CHECK_NEAR(t.ie_eff, 0, 1e-12);
	CHECK_NEAR(t.r, 93.206, TOL);
	CHECK_NEAR(emodel_mos(t.r), 4.409, TOL);
	/* The no-impairment R the probe uses is the same, rounded. */
	CHECK_NEAR(t.r, EMODEL_R0_NB, 0.01);
}

/*
 * The full model with delay and loss: Idd and Ie,eff enter as in the
 * short form, so with T = Tr = 0 (no echo path) R is the default R less
 * REFERENCES' Idd and Ie,eff.
 */
static void
test_g107_delay_and_loss(void)
{
	struct emodel_g107		g;
	struct emodel_g107_terms	t;

	emodel_g107_defaults(&g);
	g.ta_ms = 300;
	g.ie = 11;
	g.bpl = 19;
	g.ppl_pct = 5;
	emodel_g107(&g, &t);
	CHECK_NEAR(t.idd, 14.761, TOL);
	CHECK_NEAR(t.ie_eff, 28.500, TOL);
	CHECK_NEAR(t.r, 93.206 - 14.761 - 28.5, 2 * TOL);

	/*
	 * An echo path makes things worse, never better: with T = Ta and
	 * Tr = 2 Ta, Idte and Idle both grow.
	 */
	/* Under 1 ms an echo is heard as sidetone: no Idte (G.107 7.4). */
	g.t_ms = 0.5;
	emodel_g107(&g, &t);
	CHECK_NEAR(t.idte, 0, 1e-12);

	g.t_ms = 300;
	g.tr_ms = 600;
	emodel_g107(&g, &t);
	CHECK(t.idte > 1);
	CHECK(t.idle > 0.149);
	CHECK(t.r < 93.206 - 14.761 - 28.5);
}

/* REFERENCES: Idd for mT 100, sT 1. */
static void
test_idd(void)
{
	CHECK_NEAR(emodel_idd(0), 0, 1e-12);
	CHECK_NEAR(emodel_idd(100), 0, 1e-12);
	CHECK_NEAR(emodel_idd(150), 0.164, TOL);
	CHECK_NEAR(emodel_idd(200), 3.044, TOL);
	CHECK_NEAR(emodel_idd(250), 8.917, TOL);
	CHECK_NEAR(emodel_idd(300), 14.761, TOL);
	CHECK_NEAR(emodel_idd(400), 24.070, TOL);
	CHECK_NEAR(emodel_idd(500), 30.636, TOL);
	CHECK_NEAR(emodel_idd(-5), 0, 1e-12);
	CHECK_NEAR(emodel_idd(NAN), 0, 1e-12);
}

/* REFERENCES: the Ie,eff table, BurstR 1 unless the column says 2. */
static void
test_ie_eff_table(void)
{
	static const struct {
		double	ppl_pct;
		double	g711;		/* Ie 0, Bpl 4.3 */
		double	g711_plc;	/* Ie 0, Bpl 25.1 */
		double	g711_plc_b2;	/* the same, BurstR 2 */
		double	g729a;		/* Ie 11, Bpl 19.0 */
		double	g723;		/* Ie 15, Bpl 16.1 */
	} rows[] = {
		{ 1, 17.925, 3.640, 3.711, 15.200, 19.678 },
		{ 2, 30.159, 7.011, 7.280, 19.000, 23.840 },
		{ 5, 51.075, 15.781, 17.210, 28.500, 33.957 },
		{ 10, 66.434, 27.066, 31.561, 39.966, 45.651 },
	};
	size_t	i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		double	p = rows[i].ppl_pct;

		CHECK_NEAR(emodel_ie_eff(0, 4.3, p, 1), rows[i].g711, TOL);
		CHECK_NEAR(emodel_ie_eff(0, 25.1, p, 1), rows[i].g711_plc, TOL);
		CHECK_NEAR(emodel_ie_eff(0, 25.1, p, 2), rows[i].g711_plc_b2,
		    TOL);
		CHECK_NEAR(emodel_ie_eff(11, 19.0, p, 1), rows[i].g729a, TOL);
		CHECK_NEAR(emodel_ie_eff(15, 16.1, p, 1), rows[i].g723, TOL);
	}
}

/* Degenerate inputs: no loss, nonsense BurstR, loss past 100 %. */
static void
test_ie_eff_guards(void)
{
	CHECK_NEAR(emodel_ie_eff(11, 19, 0, 1), 11, 1e-12);
	CHECK_NEAR(emodel_ie_eff(11, 19, -3, 1), 11, 1e-12);
	CHECK_NEAR(emodel_ie_eff(11, 19, NAN, 1), 11, 1e-12);
	/* BurstR 0, negative or NaN: random loss. */
	CHECK_NEAR(emodel_ie_eff(11, 19, 5, 0), 28.5, TOL);
	CHECK_NEAR(emodel_ie_eff(11, 19, 5, -1), 28.5, TOL);
	CHECK_NEAR(emodel_ie_eff(11, 19, 5, NAN), 28.5, TOL);
	/* 100 % loss with Bpl 0 would divide 100 by 100: stays finite. */
	CHECK_NEAR(emodel_ie_eff(0, 0, 100, 1), 95, 1e-9);
	CHECK_NEAR(emodel_ie_eff(0, 4.3, 250, 1), emodel_ie_eff(0, 4.3,
	    100, 1), 1e-12);
	/* Ppl 0 and Bpl 0: no loss, nothing to divide. */
	CHECK_NEAR(emodel_ie_eff(0, 0, 0, 1), 0, 1e-12);
	/*
	 * Wideband: Ie,WB 13, Bpl 25.1, 2 % loss:
	 * 13 + 116 * 2 / 27.1 = 21.5609.
	 */
	CHECK_NEAR(emodel_ie_eff_wb(13, 25.1, 2, 1), 21.5609, 0.0001);
}

/* REFERENCES: R to MOS (Annex B), clamped. */
static void
test_mos(void)
{
	CHECK_NEAR(emodel_mos(20), 1.252, TOL);
	CHECK_NEAR(emodel_mos(50), 2.575, TOL);
	CHECK_NEAR(emodel_mos(60), 3.100, TOL);
	CHECK_NEAR(emodel_mos(70), 3.597, TOL);
	CHECK_NEAR(emodel_mos(80), 4.024, TOL);
	CHECK_NEAR(emodel_mos(90), 4.339, TOL);
	CHECK_NEAR(emodel_mos(93.2), 4.409, TOL);
	/* The cubic's dip to 0.989 near R 3.2 is clamped to 1. */
	CHECK_NEAR(emodel_mos(3.2), 1, 1e-12);
	CHECK_NEAR(emodel_mos(0), 1, 1e-12);
	CHECK_NEAR(emodel_mos(-20), 1, 1e-12);
	CHECK_NEAR(emodel_mos(NAN), 1, 1e-12);
	CHECK_NEAR(emodel_mos(100), 4.5, 1e-12);
	CHECK_NEAR(emodel_mos(129), 4.5, 1e-12);
	/* Just under 100 it meets 4.5 continuously. */
	CHECK_NEAR(emodel_mos(99.999), 4.5, TOL);
}

/* Rate a stream with the table's figures for encoding. */
static void
rate(const char *encoding, double ppl_pct, double burst_r, double ta_ms,
    struct emodel_result *res)
{
	struct emodel_input	in;

	memset(&in, 0, sizeof in);
	in.codec = emodel_codec_find(encoding, 8000, NULL);
	CHECK(in.codec != NULL);
	if (in.codec == NULL)
		return;
	in.ppl_pct = ppl_pct;
	in.burst_r = burst_r;
	in.ta_ms = ta_ms;
	emodel_rate(&in, res);
}

/* REFERENCES: the combined vectors, R = 93.2 - Idd - Ie,eff. */
static void
test_combined(void)
{
	struct emodel_result	res;

	rate("PCMU", 1, 1, 150, &res);
	CHECK_INT(res.wideband, 0);
	CHECK_NEAR(res.idd, 0.164, TOL);
	CHECK_NEAR(res.ie_eff, 3.640, TOL);
	CHECK_NEAR(res.r, 89.397, TOL);
	CHECK_NEAR(res.r_nb, 89.397, TOL);
	CHECK_NEAR(res.mos, 4.324, TOL);

	rate("PCMA", 2, 1, 250, &res);
	CHECK_NEAR(res.r, 77.272, TOL);
	CHECK_NEAR(res.mos, 3.917, TOL);

	rate("G729", 5, 1, 300, &res);
	CHECK_NEAR(res.r, 49.939, TOL);
	CHECK_NEAR(res.mos, 2.572, TOL);

	/* No impairment at all: the top of the scale. */
	rate("pcmu", 0, 1, 0, &res);
	CHECK_NEAR(res.r, 93.2, 1e-12);
	CHECK_NEAR(res.mos, 4.409, TOL);
}

/*
 * The advantage factor adds to R; total loss with a long delay takes R
 * below 0 and the MOS to its floor.
 */
static void
test_rate_extremes(void)
{
	struct emodel_input	in;
	struct emodel_result	res;

	memset(&in, 0, sizeof in);
	in.codec = emodel_codec_find("PCMU", 8000, NULL);
	in.advantage = 5;
	emodel_rate(&in, &res);
	CHECK_NEAR(res.r, 98.2, 1e-12);

	in.advantage = 0;
	in.ppl_pct = 100;
	in.ta_ms = 800;
	emodel_rate(&in, &res);
	CHECK(res.r < 0);
	CHECK_NEAR(res.mos, 1, 1e-12);
}

/*
 * Wideband: G.722 is rated on the G.107.1 scale and brought down by 1.29
 * before the MOS.  Clean: R 129 - 13 = 116, narrowband 89.9225, MOS
 * 1 + 0.035 * 89.9225 + 7e-6 * 89.9225 * 29.9225 * 10.0775 = 4.3371.
 * With 2 % loss at 200 ms: 129 - 3.0444 - 21.5609 = 104.3947, narrowband
 * 80.9261, MOS 4.0585.
 */
static void
test_wideband(void)
{
	struct emodel_result	res;

	rate("G722", 0, 1, 0, &res);
	CHECK_INT(res.wideband, 1);
	CHECK_NEAR(res.r, 116, 1e-9);
	CHECK_NEAR(res.r_nb, 89.9225, 0.0001);
	CHECK_NEAR(res.mos, 4.3371, 0.0001);

	rate("g722", 2, 1, 200, &res);
	CHECK_NEAR(res.ie_eff, 21.5609, 0.0001);
	CHECK_NEAR(res.r, 104.3947, 0.0001);
	CHECK_NEAR(res.r_nb, 80.9261, 0.0001);
	CHECK_NEAR(res.mos, 4.0585, 0.0001);
}

/* Lookup by SDP name, any case; G.711 with or without PLC. */
static void
test_codec_find(void)
{
	struct emodel_options		 opt;
	const struct emodel_codec	*c;

	c = emodel_codec_find("PCMU", 8000, NULL);
	CHECK(c != NULL && c->ie == 0 && c->bpl == 25.1 && !c->wideband);
	c = emodel_codec_find("pcma", 8000, NULL);
	CHECK(c != NULL && c->bpl == 25.1);

	emodel_options_init(&opt);
	CHECK_INT(opt.g711_plc, 1);
	opt.g711_plc = 0;
	c = emodel_codec_find("PcMu", 8000, &opt);
	CHECK(c != NULL && c->ie == 0 && c->bpl == 4.3);
	/* The PLC choice touches G.711 only. */
	c = emodel_codec_find("G729", 8000, &opt);
	CHECK(c != NULL && c->ie == 11 && c->bpl == 19.0);

	c = emodel_codec_find("G723", 8000, NULL);
	CHECK(c != NULL && c->ie == 15 && c->bpl == 16.1);
	c = emodel_codec_find("G726-32", 8000, NULL);
	CHECK(c != NULL && c->ie == 7);
	/* AAL2 packing is the same coder: rated as G.726 at its rate. */
	CHECK(emodel_codec_find("AAL2-G726-32", 8000, NULL) == c);
	c = emodel_codec_find("aal2-g726-16", 8000, NULL);
	CHECK(c != NULL && c->ie == 50);
	CHECK(emodel_codec_find("AAL2-", 8000, NULL) == NULL);
	c = emodel_codec_find("GSM", 8000, NULL);
	CHECK(c != NULL && c->ie == 20);
	c = emodel_codec_find("AMR", 8000, NULL);
	CHECK(c != NULL && c->ie == 5 && !c->wideband);
	c = emodel_codec_find("AMR-WB", 16000, NULL);
	CHECK(c != NULL && c->wideband);
	c = emodel_codec_find("ilbc", 8000, NULL);
	CHECK(c != NULL && !c->wideband);
	c = emodel_codec_find("OPUS", 48000, NULL);
	CHECK(c != NULL && c->wideband);
	c = emodel_codec_find("G722", 8000, NULL);
	CHECK(c != NULL && c->wideband && c->ie == 13);
	c = emodel_codec_find("G728", 8000, NULL);
	CHECK(c != NULL && c->ie == 7);

	/* speex: the scale follows the clock rate. */
	c = emodel_codec_find("speex", 8000, NULL);
	CHECK(c != NULL && !c->wideband);
	c = emodel_codec_find("SPEEX", 16000, NULL);
	CHECK(c != NULL && c->wideband);
	c = emodel_codec_find("speex", 0, NULL);
	CHECK(c != NULL && !c->wideband);

	/* Not voice codecs, or unknown: no figures, no guess. */
	CHECK(emodel_codec_find("telephone-event", 8000, NULL) == NULL);
	CHECK(emodel_codec_find("CN", 8000, NULL) == NULL);
	CHECK(emodel_codec_find("H264", 90000, NULL) == NULL);
	CHECK(emodel_codec_find("", 8000, NULL) == NULL);
	CHECK(emodel_codec_find("PCM", 8000, NULL) == NULL);
	CHECK(emodel_codec_find("PCMUX", 8000, NULL) == NULL);
	CHECK(emodel_codec_find(NULL, 8000, NULL) == NULL);
}

/* A configuration's rows win over the built-in table, for any codec. */
static void
test_codec_override(void)
{
	static const struct emodel_codec mine[] = {
		{ "opus", -1, 0, 5, 30, 1, "site measurement" },
		{ "iLBC", -1, 0, 12, 15, 0, "site measurement" },
		{ NULL, 0, 0, 0, 0, 0, NULL }
	};
	struct emodel_options		 opt;
	const struct emodel_codec	*c;

	emodel_options_init(&opt);
	opt.codecs = mine;
	c = emodel_codec_find("Opus", 48000, &opt);
	CHECK(c != NULL && c->ie == 5 && c->bpl == 30);
	CHECK_STR(c != NULL ? c->source : NULL, "site measurement");
	c = emodel_codec_find("ILBC", 8000, &opt);
	CHECK(c != NULL && c->ie == 12);
	/* Anything not overridden comes from the table. */
	c = emodel_codec_find("PCMU", 8000, &opt);
	CHECK(c != NULL && c->bpl == 25.1);
}

/* Every row of the table names a source and has figures in range. */
static void
test_codec_table(void)
{
	const struct emodel_codec	*c;
	size_t				 n = 0;

	for (c = emodel_codec_table(); c->name != NULL; c++) {
		n++;
		CHECK(c->source != NULL && strlen(c->source) > 10);
		CHECK(c->ie >= 0 && c->ie < (c->wideband ? 129 : 95));
		CHECK(c->bpl > 0);
		CHECK(c->plc >= -1 && c->plc <= 1);
		/* Each row can be found through its own name. */
		CHECK(emodel_codec_find(c->name, c->clock_rate_hz, NULL) !=
		    NULL);
	}
	CHECK(n >= 15);
}

int
main(void)
{
	RUN(test_g107_defaults);
	RUN(test_g107_delay_and_loss);
	RUN(test_idd);
	RUN(test_ie_eff_table);
	RUN(test_ie_eff_guards);
	RUN(test_mos);
	RUN(test_combined);
	RUN(test_rate_extremes);
	RUN(test_wideband);
	RUN(test_codec_find);
	RUN(test_codec_override);
	RUN(test_codec_table);
	return unit_done("test-emodel");
}
