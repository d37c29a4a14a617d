/*
 * The E-model, ITU-T G.107 (narrowband) and G.107.1 (wideband).
 *
 * The probe's rating, emodel_rate(), is
 *
 *	R = R0 - Idd(Ta) - Ie,eff(Ie, Bpl, Ppl, BurstR) + A
 *
 * with R0 = 93.2 on the narrowband scale: what G.107 gives with every other
 * input at its default (Ro 94.769 - Is 1.414 - Id 0.149 = 93.206, which
 * emodel_g107() reproduces).  The echo terms Idte and Idle are left at
 * their defaults, which is to say that echo is taken as controlled: a
 * passive probe cannot see the echo loss (TELR) of the phones at either
 * end, and VoIP endpoints cancel echo.  Putting the delay into Idte as
 * well (with the default TELR 65 dB) would take another 3 points off R at
 * 150 ms for an echo the probe has no evidence of.  Idle depends only on
 * the 4-wire round trip, and stays at its default 0.149 inside R0.
 *
 * Wideband codecs are rated on the G.107.1 scale, R0 = Ro,WB = 129, with
 * Ie,WB, and Ie,eff,WB formed as in G.107 with 129 in place of 95.  Idd is
 * taken unscaled, the same number of points on either scale.  A wideband
 * R is then brought to the narrowband scale by dividing it by 1.29, and
 * only that figure is turned into a MOS, so a MOS always means the same
 * thing whichever codec a call used.  (A G.722 call with no impairment
 * thus scores (129 - 13) / 1.29 = 89.9: a little below a clean G.711
 * call.  That is what the two scales say, not a bug.)
 */

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <strings.h>

#include "metrics/emodel.h"

/* The top of G.107's Ie,eff formula on each scale. */
#define IE_TOP_NB	95.0
#define IE_TOP_WB	129.0

/*
 * Sources, once each.  G.113 Appendix I gives Ie for most narrowband
 * codecs and Bpl for a handful; a Bpl it does not give is borrowed from
 * the nearest codec it does, and the row says so.
 */
#define SRC_G711_PLC	"G.113 App. I: G.711 with G.711 App. I PLC"
#define SRC_G711	"G.113 App. I: G.711 without PLC"
#define SRC_G729	"G.113 App. I: G.729A + VAD"
#define SRC_G723	"G.113 App. I: G.723.1 6.3 kbit/s + VAD"
#define SRC_G726 \
	"Ie: G.113 App. I (G.726 ADPCM); Bpl assumed, configurable: " \
	"G.711 without PLC's 4.3 (G.726 defines no concealment)"
#define SRC_CELP(what) \
	"Ie: G.113 App. I (" what "); Bpl assumed, configurable: " \
	"GSM-EFR's 10.0"
#define SRC_WB(what) \
	"Ie,WB: G.113 App. IV (" what "), quoted from memory and not " \
	"checked against the text: treat as assumed, configurable; "

static const struct emodel_codec codec_table[] = {
	{ "PCMU", 1, 0, 0, 25.1, 0, SRC_G711_PLC },
	{ "PCMU", 0, 0, 0, 4.3, 0, SRC_G711 },
	{ "PCMA", 1, 0, 0, 25.1, 0, SRC_G711_PLC },
	{ "PCMA", 0, 0, 0, 4.3, 0, SRC_G711 },
	{ "G729", -1, 0, 11, 19.0, 0, SRC_G729 },
	{ "G723", -1, 0, 15, 16.1, 0, SRC_G723 },
	{ "G726-40", -1, 0, 2, 4.3, 0, SRC_G726 },
	{ "G726-32", -1, 0, 7, 4.3, 0, SRC_G726 },
	{ "G726-24", -1, 0, 25, 4.3, 0, SRC_G726 },
	{ "G726-16", -1, 0, 50, 4.3, 0, SRC_G726 },
	{ "G728", -1, 0, 7, 10.0, 0, SRC_CELP("G.728 LD-CELP 16 kbit/s") },
	{ "GSM", -1, 0, 20, 10.0, 0, SRC_CELP("GSM 06.10 full rate") },
	{ "GSM-EFR", -1, 0, 5, 10.0, 0,
	    "G.113 App. I: GSM 06.60 enhanced full rate" },
	{ "AMR", -1, 0, 5, 10.0, 0,
	    SRC_CELP("12.2 kbit/s mode, the GSM-EFR codec") },
	{ "iLBC", -1, 0, 10, 25.1, 0,
	    "assumed, configurable: no G.113 value; Ie between G.728 (7) and "
	    "G.729A (11) for a 13.3-15.2 kbit/s codec, Bpl as G.711 with PLC "
	    "for a codec built to conceal loss" },
	{ "speex", -1, 16000, 20, 19.0, 1,
	    "assumed, configurable: no G.113 value; wideband mode rated "
	    "below AMR-WB 12.65, Bpl as G.729A" },
	{ "speex", -1, 32000, 20, 19.0, 1,
	    "assumed, configurable: no G.113 value; rated as its wideband "
	    "mode" },
	{ "speex", -1, 0, 11, 19.0, 0,
	    "assumed, configurable: no G.113 value; narrowband mode rated "
	    "as G.729A + VAD" },
	{ "G722", -1, 0, 13, 25.1, 1,
	    SRC_WB("G.722 64 kbit/s") "Bpl assumed: G.711 with PLC's 25.1, "
	    "for the G.722 App. III/IV concealment" },
	{ "AMR-WB", -1, 0, 11, 10.0, 1,
	    SRC_WB("G.722.2 12.65 kbit/s; other modes differ") "Bpl assumed: "
	    "GSM-EFR's 10.0" },
	{ "opus", -1, 0, 10, 20.0, 1,
	    "assumed, configurable: no G.113 value; Ie,WB 10 for a wideband "
	    "VoIP rate (about 20-32 kbit/s), near AMR-WB 14.25; Bpl 20 for "
	    "its built-in concealment, in-band FEC not credited" },
	{ NULL, 0, 0, 0, 0, 0, NULL }
};

/* The first row of a NULL-name-terminated table that fits; or NULL. */
static const struct emodel_codec *
codec_search(const struct emodel_codec *table, const char *encoding,
    uint32_t clock_rate_hz, int g711_plc)
{
	const struct emodel_codec	*c;

	for (c = table; c->name != NULL; c++) {
		if (strcasecmp(c->name, encoding) != 0)
			continue;
		if (c->plc != -1 && c->plc != g711_plc)
			continue;
		if (c->clock_rate_hz != 0 && c->clock_rate_hz != clock_rate_hz)
			continue;
		return c;
	}
	return NULL;
}

/* Fill the defaults: G.711 with PLC, no overrides. */
void
emodel_options_init(struct emodel_options *opt)
{
	opt->g711_plc = 1;
	opt->codecs = NULL;
}

/*
 * The figures for an SDP encoding name at an RTP clock rate; NULL if
 * neither the overrides nor the built-in table know the codec.
 */
const struct emodel_codec *
emodel_codec_find(const char *encoding, uint32_t clock_rate_hz,
    const struct emodel_options *opt)
{
	const struct emodel_codec	*c = NULL;
	int				 plc = opt != NULL ? opt->g711_plc : 1;

	if (encoding == NULL)
		return NULL;
	plc = plc != 0;
	if (opt != NULL && opt->codecs != NULL)
		c = codec_search(opt->codecs, encoding, clock_rate_hz, plc);
	if (c == NULL)
		c = codec_search(codec_table, encoding, clock_rate_hz, plc);
	/*
	 * AAL2-G726-nn (RFC 3551 4.5.4) is G.726 with its code words packed
	 * the other way round: the same coder, the same impairment.
	 */
	if (c == NULL && strncasecmp(encoding, "AAL2-", 5) == 0)
		c = emodel_codec_find(encoding + 5, clock_rate_hz, opt);
	return c;
}

/* The built-in table, ending with a NULL name. */
const struct emodel_codec *
emodel_codec_table(void)
{
	return codec_table;
}

/*
 * Idd for a delay sensitivity class (G.107 7.4): nothing up to mT, then
 *
 *	X = log2(Ta / mT)
 *	Idd = 25 * ((1 + X^(6 sT))^(1/(6 sT))
 *	    - 3 * (1 + (X/3)^(6 sT))^(1/(6 sT)) + 2)
 */
static double
idd_class(double ta_ms, double mt_ms, double st)
{
	double	x, e;

	if (!(ta_ms > mt_ms) || !(mt_ms > 0) || !(st > 0))
		return 0;
	x = log2(ta_ms / mt_ms);
	e = 6 * st;
	return 25 * (pow(1 + pow(x, e), 1 / e) -
	    3 * pow(1 + pow(x / 3, e), 1 / e) + 2);
}

/* Idd, the delay impairment for a one-way delay ta_ms (mT 100, sT 1). */
double
emodel_idd(double ta_ms)
{
	return idd_class(ta_ms, EMODEL_MT_MS, EMODEL_ST);
}

/*
 * Ie,eff with the given top of scale.  Loss is clamped to [0, 100] %;
 * BurstR that is not positive (or NaN, or unknown) means random loss.
 * A BurstR below 1 is kept: loss more spread out than random hurts less,
 * and G.107's formula says so.
 */
static double
ie_eff_top(double top, double ie, double bpl, double ppl_pct, double burst_r)
{
	double	denominator;

	if (!(ppl_pct > 0))
		return ie;
	if (ppl_pct > 100)
		ppl_pct = 100;
	if (!(burst_r > 0) || isinf(burst_r))
		burst_r = 1;
	denominator = ppl_pct / burst_r + bpl;
	if (!(denominator > 0))
		return top;
	return ie + (top - ie) * ppl_pct / denominator;
}

/* Ie,eff on the narrowband scale (G.107 7.5). */
double
emodel_ie_eff(double ie, double bpl, double ppl_pct, double burst_r)
{
	return ie_eff_top(IE_TOP_NB, ie, bpl, ppl_pct, burst_r);
}

/* Ie,eff,WB on the wideband scale (G.107.1 7.5). */
double
emodel_ie_eff_wb(double ie_wb, double bpl, double ppl_pct, double burst_r)
{
	return ie_eff_top(IE_TOP_WB, ie_wb, bpl, ppl_pct, burst_r);
}

/*
 * MOS-CQE from R (G.107 Annex B).  The cubic dips below 1 for R between 0
 * and about 6.5 (to 0.989 near R 3.2): a MOS below 1 means nothing, so it
 * is clamped.
 */
double
emodel_mos(double r)
{
	double	mos;

	if (isnan(r) || r <= 0)
		return 1;
	if (r >= 100)
		return 4.5;
	mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
	return mos < 1 ? 1 : mos;
}

/* Rate one direction: R on the codec's scale, its narrowband R and MOS. */
void
emodel_rate(const struct emodel_input *in, struct emodel_result *out)
{
	const struct emodel_codec	*c = in->codec;

	assert(c != NULL);
	out->wideband = c->wideband != 0;
	out->idd = emodel_idd(in->ta_ms);
	if (out->wideband) {
		out->ie_eff = emodel_ie_eff_wb(c->ie, c->bpl, in->ppl_pct,
		    in->burst_r);
		out->r = EMODEL_R0_WB - out->idd - out->ie_eff + in->advantage;
		out->r_nb = out->r / EMODEL_WB_FACTOR;
	} else {
		out->ie_eff = emodel_ie_eff(c->ie, c->bpl, in->ppl_pct,
		    in->burst_r);
		out->r = EMODEL_R0_NB - out->idd - out->ie_eff + in->advantage;
		out->r_nb = out->r;
	}
	out->mos = emodel_mos(out->r_nb);
}

/* Fill every input with its G.107 default (Table 3). */
void
emodel_g107_defaults(struct emodel_g107 *g)
{
	g->slr_db = 8;
	g->rlr_db = 2;
	g->stmr_db = 15;
	g->dr_db = 3;
	g->ds_db = 3;
	g->telr_db = 65;
	g->wepl_db = 110;
	g->t_ms = 0;
	g->tr_ms = 0;
	g->ta_ms = 0;
	g->qdu = 1;
	g->ie = 0;
	g->bpl = 4.3;
	g->ppl_pct = 0;
	g->burst_r = 1;
	g->nc_dbm0p = -70;
	g->nfor_dbmp = -64;
	g->ps_dba = 35;
	g->pr_dba = 35;
	g->advantage = 0;
	g->mt_ms = EMODEL_MT_MS;
	g->st = EMODEL_ST;
}

/* 10^(x/10): a level in dB as a power ratio. */
static double
db_power(double x)
{
	return pow(10, x / 10);
}

/*
 * Ro = 15 - 1.5 (SLR + No), the basic signal-to-noise ratio, where No sums
 * the circuit noise, the room noise at either end as it reaches the
 * listener's ear, and the receive-side noise floor (G.107 7.2).
 */
static double
g107_no(const struct emodel_g107 *g)
{
	double	olr = g->slr_db + g->rlr_db;
	double	lstr = g->stmr_db + g->dr_db;
	double	nos, pre, nor, nfo;

	nos = g->ps_dba - g->slr_db - g->ds_db - 100 +
	    0.004 * pow(g->ps_dba - olr - g->ds_db - 14, 2);
	pre = g->pr_dba + 10 * log10(1 + db_power(10 - lstr));
	nor = g->rlr_db - 121 + pre + 0.008 * pow(pre - 35, 2);
	nfo = g->nfor_dbmp + g->rlr_db;
	return 10 * log10(db_power(g->nc_dbm0p) + db_power(nos) +
	    db_power(nor) + db_power(nfo));
}

/*
 * Ist, the impairment from a sidetone that is too loud or too quiet, at
 * STMRo, the sidetone with the talker's echo added in (G.107 7.3).
 */
static double
g107_ist(const struct emodel_g107 *g)
{
	double	stmro;

	stmro = -10 * log10(db_power(-g->stmr_db) +
	    exp(-g->t_ms / 4) * db_power(-g->telr_db));
	return 12 * pow(1 + pow((stmro - 13) / 6, 8), 1.0 / 8) -
	    28 * pow(1 + pow((stmro + 1) / 19.4, 35), 1.0 / 35) -
	    13 * pow(1 + pow((stmro - 3) / 33, 13), 1.0 / 13) + 29;
}

/* Is = Iolr + Ist + Iq (G.107 7.3). */
static double
g107_is(const struct emodel_g107 *g, double no, double ro, double ist)
{
	double	olr = g->slr_db + g->rlr_db;
	double	xolr, iolr, q, gq, y, z, iq;

	/* Too quiet a connection: the overall loudness rating. */
	xolr = olr + 0.2 * (64 + no - g->rlr_db);
	iolr = 20 * (pow(1 + pow(xolr / 8, 8), 1.0 / 8) - xolr / 8);

	/* Quantizing distortion. */
	q = 37 - 15 * log10(g->qdu);
	gq = 1.07 + 0.258 * q + 0.0602 * q * q;
	y = (ro - 100) / 15 + 46 / 8.4 - gq / 9;
	z = 46 / 30.0 - gq / 40;
	iq = 15 * log10(1 + pow(10, y) + pow(10, z));
	return iolr + ist + iq;
}

/*
 * Idte, talker echo (G.107 7.4).  Below 1 ms the echo is heard as sidetone
 * (the factor 1 - e^-T takes it to 0); a sidetone under 9 dB masks part of
 * the echo, which G.107 models by adding Ist / 2 to TERV.
 */
static double
g107_idte(const struct emodel_g107 *g, double no, double ist)
{
	double	t = g->t_ms, roe, terv, re, d;

	if (t < 1)
		return 0;
	roe = -1.5 * (no - g->rlr_db);
	terv = g->telr_db - 40 * log10((1 + t / 10) / (1 + t / 150)) +
	    6 * exp(-0.3 * t * t);
	if (g->stmr_db < 9)
		terv += ist / 2;
	re = 80 + 2.5 * (terv - 14);
	d = roe - re;
	return (d / 2 + sqrt(d * d / 4 + 100) - 1) * (1 - exp(-t));
}

/* Idle, listener echo from the 4-wire round trip (G.107 7.4). */
static double
g107_idle(const struct emodel_g107 *g, double ro)
{
	double	rle, d;

	rle = 10.5 * (g->wepl_db + 7) * pow(g->tr_ms + 1, -0.25);
	d = ro - rle;
	return d / 2 + sqrt(d * d / 4 + 169);
}

/* Compute every term of R = Ro - Is - Id - Ie,eff + A. */
void
emodel_g107(const struct emodel_g107 *g, struct emodel_g107_terms *t)
{
	double	no, ist;

	no = g107_no(g);
	t->ro = 15 - 1.5 * (g->slr_db + no);
	ist = g107_ist(g);
	t->is = g107_is(g, no, t->ro, ist);
	t->idte = g107_idte(g, no, ist);
	t->idle = g107_idle(g, t->ro);
	t->idd = idd_class(g->ta_ms, g->mt_ms, g->st);
	t->id = t->idte + t->idle + t->idd;
	t->ie_eff = emodel_ie_eff(g->ie, g->bpl, g->ppl_pct, g->burst_r);
	t->r = t->ro - t->is - t->id - t->ie_eff + g->advantage;
}
