/*
 * The E-model: ITU-T G.107 (narrowband) and G.107.1 (wideband) transmission
 * rating R, and the MOS it maps to (G.107 Annex B).
 *
 * Two ways in.  emodel_rate() is what the probe uses: R from the codec, the
 * effective packet loss (lost + discarded), its burstiness and the one-way
 * delay, every other input at its G.107 default and echo taken as fully
 * controlled.  emodel_g107() is the whole narrowband model with every G.107
 * input, for checking the defaults and for planning figures.
 *
 * Everything here is pure arithmetic: no state, no I/O.
 */
#ifndef VQ_EMODEL_H
#define VQ_EMODEL_H

#include <stdint.h>

/*
 * R with every G.107 default and no impairment (94.769 - 1.414 - 0.149
 * = 93.206, rounded as the world quotes it); the top of the narrowband
 * scale emodel_rate() works on.
 */
#define EMODEL_R0_NB		93.2
/* Ro,WB of G.107.1: the top of the wideband scale. */
#define EMODEL_R0_WB		129.0
/* A wideband R divided by this is on the narrowband scale (G.107.1). */
#define EMODEL_WB_FACTOR	1.29
/* G.107 default delay sensitivity class: mT 100 ms, sT 1. */
#define EMODEL_MT_MS		100.0
#define EMODEL_ST		1.0

/*
 * A codec's impairment figures, looked up by its SDP encoding name.  ie
 * and bpl are on the codec's own scale: G.107 for narrowband codecs, G.107.1
 * (Ie,WB, Bpl,WB) for wideband ones.  source names where the numbers come
 * from, or says they are assumed.
 */
struct emodel_codec {
	const char	*name;		/* SDP encoding name; NULL: table end */
	int		 plc;		/* G.711: 1 PLC, 0 none; others -1 */
	uint32_t	 clock_rate_hz;	/* row for this RTP clock only; 0 any */
	double		 ie;		/* equipment impairment, Ie or Ie,WB */
	double		 bpl;		/* packet-loss robustness, Bpl */
	int		 wideband;	/* on the G.107.1 scale */
	const char	*source;
};

/* Choices the operator can make; emodel_options_init() gives defaults. */
struct emodel_options {
	/* G.711 with the G.711 Appendix I PLC (1, default) or without (0). */
	int				 g711_plc;
	/*
	 * Rows consulted before the built-in table, ending with a NULL name
	 * (NULL: none): how a configuration overrides opus, iLBC or any other
	 * codec's figures.
	 */
	const struct emodel_codec	*codecs;
};

/* What emodel_rate() needs about one direction of a stream. */
struct emodel_input {
	const struct emodel_codec *codec;	/* from emodel_codec_find() */
	double		ppl_pct;	/* (lost + discarded) / expected, % */
	double		burst_r;	/* G.107 BurstR; <= 0 or NaN: 1 */
	double		ta_ms;		/* one-way mouth-to-ear delay */
	double		advantage;	/* A; 0 for wired VoIP */
};

struct emodel_result {
	int	wideband;	/* r is on the G.107.1 scale */
	double	r;		/* on the codec's scale: <= 93.2 or <= 129 */
	double	r_nb;		/* the same on the narrowband scale */
	double	mos;		/* MOS-CQE of r_nb, G.107 Annex B */
	double	idd;		/* delay impairment */
	double	ie_eff;		/* effective equipment impairment */
};

/* Fill the defaults: G.711 with PLC, no overrides. */
void	emodel_options_init(struct emodel_options *);
/*
 * The figures for an SDP encoding name (any case) at an RTP clock rate
 * (0: unknown); NULL for a codec nobody has figures for, in which case the
 * caller should report no MOS rather than guess.  opt may be NULL.
 */
const struct emodel_codec *emodel_codec_find(const char *encoding,
	    uint32_t clock_rate_hz, const struct emodel_options *opt);
/* The built-in table, ending with a NULL name (for documentation). */
const struct emodel_codec *emodel_codec_table(void);

/* Idd, the delay impairment for a one-way delay ta_ms (mT 100, sT 1). */
double	emodel_idd(double ta_ms);
/*
 * Ie,eff = Ie + (top - Ie) * Ppl / (Ppl / BurstR + Bpl), with top 95 on
 * the narrowband scale; ppl_pct in percent.
 */
double	emodel_ie_eff(double ie, double bpl, double ppl_pct, double burst_r);
/* The same on the wideband scale (top 129). */
double	emodel_ie_eff_wb(double ie_wb, double bpl, double ppl_pct,
	    double burst_r);
/* MOS-CQE from a narrowband R (G.107 Annex B), from 1 to 4.5. */
double	emodel_mos(double r);
/* Rate one direction: R on the codec's scale, its narrowband R and MOS. */
void	emodel_rate(const struct emodel_input *, struct emodel_result *);

/*
 * The full narrowband G.107 model.  Levels in dB, delays in ms, noise in
 * dBm0p / dBmp, room noise in dB(A).  The refinement G.107 applies to Idte
 * when STMR is above 20 dB is not modelled.
 */
struct emodel_g107 {
	double	slr_db;		/* send loudness rating */
	double	rlr_db;		/* receive loudness rating */
	double	stmr_db;	/* sidetone masking rating */
	double	dr_db;		/* D-value, receive side (LSTR = STMR + Dr) */
	double	ds_db;		/* D-value, send side */
	double	telr_db;	/* talker echo loudness rating */
	double	wepl_db;	/* weighted echo path loss */
	double	t_ms;		/* mean one-way delay of the echo path */
	double	tr_ms;		/* round-trip delay in a 4-wire loop */
	double	ta_ms;		/* absolute one-way delay */
	double	qdu;		/* quantizing distortion units */
	double	ie;		/* equipment impairment */
	double	bpl;		/* packet-loss robustness */
	double	ppl_pct;	/* random packet-loss probability, % */
	double	burst_r;	/* burst ratio */
	double	nc_dbm0p;	/* circuit noise at the 0 dBr point */
	double	nfor_dbmp;	/* noise floor at the receive side */
	double	ps_dba;		/* room noise, send side */
	double	pr_dba;		/* room noise, receive side */
	double	advantage;	/* A */
	double	mt_ms;		/* delay sensitivity: minimum perceivable */
	double	st;		/* delay sensitivity class */
};

/* Each term of R = Ro - Is - Id - Ie,eff + A. */
struct emodel_g107_terms {
	double	ro;
	double	is;
	double	id;		/* idte + idle + idd */
	double	idte;		/* talker echo */
	double	idle;		/* listener echo */
	double	idd;		/* absolute delay */
	double	ie_eff;
	double	r;
};

/* Fill every input with its G.107 default (Table 3). */
void	emodel_g107_defaults(struct emodel_g107 *);
/* Compute every term of the model. */
void	emodel_g107(const struct emodel_g107 *, struct emodel_g107_terms *);

#endif /* VQ_EMODEL_H */
