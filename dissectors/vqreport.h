/*
 * SIP voice-quality reports (RFC 6035): the body of a PUBLISH (or NOTIFY)
 * of type application/vq-rtcpxr, in which an endpoint tells a collector
 * how a call sounded to it.  LocalMetrics are what the reporter measured
 * on the media it received (from RemoteAddr to LocalAddr); RemoteMetrics
 * are what its peer measured on the media the reporter sent, as the peer
 * told it over RTCP XR.
 *
 *   VQSessionReport: CallTerm
 *   CallID: 6dg37f1890463
 *   LocalAddr: IP=192.0.2.10 PORT=40000 SSRC=0x2468abcd
 *   RemoteAddr: IP=198.51.100.20 PORT=50000 SSRC=0x1357efff
 *   LocalMetrics:
 *   PacketLoss: NLR=5.0 JDR=2.0
 *   QualityEst: RLQ=66 MOSLQ=3.4 MOSCQ=3.3
 *   RemoteMetrics:
 *   ...
 *
 * Lines end in CRLF or LF; a line is "Name: key=value key=value ...",
 * values may be quoted ("FMTP="annexb=no"").  The text is the reporter's,
 * so nothing of it is kept but numbers, addresses and the Call-ID's place
 * in the body (which only looks a call up: it is never shown).
 */
#ifndef VQ_VQREPORT_H
#define VQ_VQREPORT_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/addr.h"
#include "dissectors/dissect.h"
#include "dissectors/sip.h"

/* The report's first line. */
enum vqr_kind {
	VQR_SESSION = 1,	/* VQSessionReport: the call as a whole */
	VQR_INTERVAL,		/* VQIntervalReport: since the last one */
	VQR_ALERT		/* VQAlertReport: a threshold crossed */
};

/*
 * The figures a metrics block can give, in the units RFC 6035's
 * parameters are written in (vqr_metric_info names each).
 */
enum vqr_metric {
	VQR_NLR = 0,	/* PacketLoss: network loss rate, % */
	VQR_JDR,	/* PacketLoss: jitter-buffer discard rate, % */
	VQR_BLD,	/* BurstGapLoss: burst loss density, % */
	VQR_BD,		/* BurstGapLoss: burst duration, ms */
	VQR_GLD,	/* BurstGapLoss: gap loss density, % */
	VQR_GD,		/* BurstGapLoss: gap duration, ms */
	VQR_GMIN,	/* BurstGapLoss: Gmin, packets */
	VQR_JBN,	/* JitterBuffer: nominal delay, ms */
	VQR_JBM,	/* JitterBuffer: maximum delay, ms */
	VQR_JBX,	/* JitterBuffer: absolute maximum delay, ms */
	VQR_RTD,	/* Delay: round trip, ms */
	VQR_ESD,	/* Delay: end system delay, ms */
	VQR_OWD,	/* Delay: one way, ms */
	VQR_SOWD,	/* Delay: symmetric one way, ms */
	VQR_IAJ,	/* Delay: inter-arrival jitter, ms */
	VQR_MAJ,	/* Delay: mean absolute jitter, ms */
	VQR_RLQ,	/* QualityEst: listening R */
	VQR_RCQ,	/* QualityEst: conversational R */
	VQR_MOSLQ,	/* QualityEst: listening MOS */
	VQR_MOSCQ,	/* QualityEst: conversational MOS */
	VQR_METRICS
};

/* What one metric is called, where, and the values it may take. */
struct vqr_metric_info {
	const char	*line;		/* "PacketLoss" */
	const char	*param;		/* "NLR" */
	const char	*key;		/* "loss_pct": reports' name for it */
	const char	*label;		/* "network loss": for people */
	double		 min;		/* a value outside [min, max] is */
	double		 max;		/* not taken */
	int		 decimals;	/* to show it with */
};

/* The metric's description; NULL when metric is not below VQR_METRICS. */
const struct vqr_metric_info *vqr_metric_info(enum vqr_metric);

/* One metrics block (LocalMetrics or RemoteMetrics). */
struct vqr_metrics {
	uint32_t	present;	/* bit (1u << metric): value[metric] */
	double		value[VQR_METRICS];
};

/*
 * LocalAddr or RemoteAddr: "IP=a PORT=p SSRC=0x..." (each may be absent).
 * The SSRC is read as RFC 6035's grammar writes it, 0x and hex digits, or
 * as plain decimal digits, which some phones send; bare hex with letters
 * is no SSRC.
 */
struct vqr_addr {
	int			has_endpoint;	/* IP and PORT both */
	struct vq_endpoint	endpoint;
	int			has_ssrc;
	uint32_t		ssrc;
};

struct vqr_report {
	enum vqr_kind		kind;
	const char		*call_id;	/* into the body; not NUL-ended */
	size_t			 call_id_len;
	struct vqr_addr		 local;
	struct vqr_addr		 remote;
	int			 has_local_metrics;	/* a LocalMetrics: line */
	int			 has_remote_metrics;
	struct vqr_metrics	 local_metrics;
	struct vqr_metrics	 remote_metrics;
};

/*
 * Is this a Content-Type value (len bytes) of application/vq-rtcpxr?
 * Case-insensitive, parameters and spaces around allowed.
 */
int		vqr_content_type_is(const char *p, size_t len);

/* Does the message carry a report: a PUBLISH or NOTIFY of that type? */
static inline int
vqr_sip_carries(const struct sip_msg *m)
{
	return m->is_request && (m->method == SIP_PUBLISH ||
	    m->method == SIP_NOTIFY) &&
	    vqr_content_type_is(m->content_type.p, m->content_type.len);
}

/*
 * Parse a report body of len bytes.  MALFORMED when the first line is not
 * a report type or there is no CallID; a value that is not a number in
 * its metric's range is left out (not present), as is an address that
 * does not parse.  Of a line or key given twice, the first counts, even
 * when its value is not taken.  On MALFORMED, out holds what was read
 * (nothing when the first line is no report).
 */
enum dissect_result vqr_parse(const char *p, size_t len,
		    struct vqr_report *out);

/*
 * Only the CallID of a body (for routing, before a full parse): 0 and
 * *id, *id_len set exactly when vqr_parse would return OK with that
 * CallID; else -1.
 */
int		vqr_call_id(const char *p, size_t len, const char **id,
		    size_t *id_len);

/* "VQSessionReport", "VQIntervalReport", "VQAlertReport"; else "unknown". */
const char	*vqr_kind_name(enum vqr_kind);

#endif /* VQ_VQREPORT_H */
