/*
 * SIP voice-quality reports, RFC 6035 (application/vq-rtcpxr): a report
 * type, then "Name: value" lines, a metric line in the block of the last
 * LocalMetrics: or RemoteMetrics: line before it.
 *
 *   VQSessionReport: CallTerm          or VQIntervalReport, VQAlertReport
 *   CallID: 6dg37f1890463
 *   LocalAddr: IP=192.0.2.10 PORT=40000 SSRC=0x2468abcd
 *   LocalMetrics:
 *   PacketLoss: NLR=5.0 JDR=2.0        KEY=VALUE, a value may be quoted
 *
 * The body is the reporter's, bounded by len, never NUL-terminated.
 */

#include <stddef.h>
#include <string.h>

#include "dissectors/scan.h"
#include "dissectors/vqreport.h"

/*
 * Digits a metric may have in all.  Up to 15, the integer they make and
 * 10^(digits after the point) are exact in a double, so the one division
 * that gives the value rounds it as strtod would.
 */
#define VQR_DIGITS_MAX	15

/* Each metric: where a report writes it, what it is called, its range. */
static const struct vqr_metric_info vqr_metric_table[] = {
	[VQR_NLR] = { "PacketLoss", "NLR", "loss_pct",
	    "network loss", 0, 100, 1 },
	[VQR_JDR] = { "PacketLoss", "JDR", "discard_pct",
	    "jitter-buffer discards", 0, 100, 1 },
	[VQR_BLD] = { "BurstGapLoss", "BLD", "burst_density_pct",
	    "burst loss density", 0, 100, 1 },
	[VQR_BD] = { "BurstGapLoss", "BD", "burst_ms",
	    "burst duration", 0, 65535, 0 },
	[VQR_GLD] = { "BurstGapLoss", "GLD", "gap_density_pct",
	    "gap loss density", 0, 100, 1 },
	[VQR_GD] = { "BurstGapLoss", "GD", "gap_ms",
	    "gap duration", 0, 65535, 0 },
	[VQR_GMIN] = { "BurstGapLoss", "GMIN", "gmin",
	    "Gmin", 0, 255, 0 },
	[VQR_JBN] = { "JitterBuffer", "JBN", "jb_nominal_ms",
	    "jitter buffer, nominal", 0, 65535, 0 },
	[VQR_JBM] = { "JitterBuffer", "JBM", "jb_max_ms",
	    "jitter buffer, maximum", 0, 65535, 0 },
	[VQR_JBX] = { "JitterBuffer", "JBX", "jb_abs_max_ms",
	    "jitter buffer, absolute maximum", 0, 65535, 0 },
	[VQR_RTD] = { "Delay", "RTD", "rtt_ms",
	    "round trip", 0, 65535, 0 },
	[VQR_ESD] = { "Delay", "ESD", "end_system_delay_ms",
	    "end system delay", 0, 65535, 0 },
	[VQR_OWD] = { "Delay", "OWD", "one_way_delay_ms",
	    "one-way delay", 0, 65535, 0 },
	[VQR_SOWD] = { "Delay", "SOWD", "symm_one_way_delay_ms",
	    "symmetric one-way delay", 0, 65535, 0 },
	[VQR_IAJ] = { "Delay", "IAJ", "jitter_ms",
	    "inter-arrival jitter", 0, 65535, 0 },
	[VQR_MAJ] = { "Delay", "MAJ", "mean_abs_jitter_ms",
	    "mean absolute jitter", 0, 65535, 0 },
	[VQR_RLQ] = { "QualityEst", "RLQ", "r_lq",
	    "listening R", 0, 120, 0 },
	[VQR_RCQ] = { "QualityEst", "RCQ", "r_cq",
	    "conversational R", 0, 120, 0 },
	[VQR_MOSLQ] = { "QualityEst", "MOSLQ", "mos_lq",
	    "listening MOS", 1, 5, 1 },
	[VQR_MOSCQ] = { "QualityEst", "MOSCQ", "mos_cq",
	    "conversational MOS", 1, 5, 1 }
};

_Static_assert(sizeof vqr_metric_table / sizeof vqr_metric_table[0] ==
    VQR_METRICS, "one vqr_metric_table entry per enum vqr_metric");
_Static_assert(VQR_METRICS <= 32, "a bit of vqr_metrics.present each");

/* The report types, as the first line names them. */
static const struct {
	enum vqr_kind	 kind;
	const char	*name;
} vqr_kinds[] = {
	{ VQR_SESSION,	"VQSessionReport" },
	{ VQR_INTERVAL,	"VQIntervalReport" },
	{ VQR_ALERT,	"VQAlertReport" },
	{ 0,		NULL }
};

/* A line: its name (before the first ':', blanks after it dropped), value. */
struct vqr_line {
	const char	*name, *name_end;
	const char	*value, *end;
};

/* One KEY=VALUE of a line, the quotes of a quoted value left out. */
struct vqr_pair {
	const char	*key, *key_end;
	const char	*value, *value_end;
};

/* The metrics block being read, and the keys it has met, valid or not. */
struct vqr_block {
	struct vqr_metrics	*metrics;	/* NULL before a block header */
	uint32_t		*seen;
};

/* A hex digit's value; 16 for any other character. */
static unsigned
vqr_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return (unsigned)(ch - '0');
	if (ch >= 'a' && ch <= 'f')
		return (unsigned)(ch - 'a' + 10);
	if (ch >= 'A' && ch <= 'F')
		return (unsigned)(ch - 'A' + 10);
	return 16;
}

/* Do the bytes of [p, end) spell lit exactly?  (Most differ at once.) */
static int
vqr_eq(const char *p, const char *end, const char *lit)
{
	size_t	len = (size_t)(end - p);

	if (len == 0 || *p != *lit)
		return len == 0 && *lit == '\0';
	return strlen(lit) == len && memcmp(p, lit, len) == 0;
}

/*
 * The line at *pp, up to LF (a CR before it dropped, a last line without
 * one counted), split at its first ':'; *pp moves to the next.  -1 at the
 * end of the body.
 */
static int
vqr_next_line(const char **pp, const char *end, struct vqr_line *line)
{
	const char	*p = *pp, *eol, *colon;
	size_t		 n;

	if (p >= end)
		return -1;
	n = (size_t)(end - p);
	if ((eol = memchr(p, '\n', n)) == NULL)
		*pp = end;
	else {
		n = (size_t)(eol - p);
		*pp = eol + 1;
	}
	if (n > 0 && p[n - 1] == '\r')
		n--;
	line->name = p;
	line->end = p + n;
	if ((colon = memchr(p, ':', n)) == NULL)
		colon = line->end;
	line->name_end = colon;
	line->value = colon < line->end ? colon + 1 : colon;
	while (line->name_end > p && scan_is_blank(line->name_end[-1]))
		line->name_end--;
	return 0;
}

/*
 * The next KEY=VALUE of [*pp, end), words without '=' passed over; -1 when
 * none is left, or at a quote not closed (the rest cannot be split then).
 */
static int
vqr_next_pair(const char **pp, const char *end, struct vqr_pair *pair)
{
	const char	*p = *pp, *quote;

	for (;;) {
		while (p < end && scan_is_blank(*p))
			p++;
		if (p == end)
			break;
		pair->key = p;
		while (p < end && !scan_is_blank(*p) && *p != '=')
			p++;
		if (p == end || *p != '=')
			continue;
		pair->key_end = p++;
		if (p < end && *p == '"') {
			p++;
			if ((quote = memchr(p, '"', (size_t)(end - p))) ==
			    NULL)
				break;
			pair->value = p;
			pair->value_end = quote;
			p = quote + 1;
		} else {
			pair->value = p;
			while (p < end && !scan_is_blank(*p))
				p++;
			pair->value_end = p;
		}
		*pp = p;
		return 0;
	}
	*pp = end;
	return -1;
}

/*
 * A plain decimal number ("-12", "4.25"): no '+', exponent, hex, "inf" or
 * "nan", at most VQR_DIGITS_MAX digits; -1 if it is not one.  Read here
 * rather than by strtod, whose decimal point is the locale's.
 */
static int
vqr_number(const char *p, const char *end, double *out)
{
	uint64_t	 mantissa = 0;
	double		 scale = 1;
	const char	*point = NULL;
	int		 negative, digits = 0;

	if ((negative = p < end && *p == '-'))
		p++;
	for (; p < end; p++) {
		if (*p == '.' && point == NULL && digits != 0)
			point = p;
		else if (vqr_digit(*p) < 10 && ++digits <= VQR_DIGITS_MAX) {
			mantissa = mantissa * 10 + vqr_digit(*p);
			if (point != NULL)
				scale *= 10;
		} else
			return -1;
	}
	if (digits == 0 || point == end - 1)
		return -1;
	*out = (double)mantissa / scale;
	if (negative && mantissa != 0)	/* "-0" is 0, not -0.0 */
		*out = -*out;
	return 0;
}

/* An SSRC: "0x" and hex digits, or decimal digits; 32 bits at most. */
static int
vqr_ssrc(const char *p, const char *end, uint32_t *out)
{
	uint64_t	v = 0;
	unsigned	base = 10, digit;

	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (p == end)
		return -1;
	for (; p < end; p++) {
		if ((digit = vqr_digit(*p)) >= base ||
		    (v = v * base + digit) > UINT32_MAX)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* LocalAddr or RemoteAddr: "IP=<address> PORT=<port> SSRC=<ssrc>". */
static void
vqr_line_addr(const struct vqr_line *line, struct vqr_addr *out)
{
	struct vqr_pair	 pair;
	struct vq_addr	 addr;
	const char	*p = line->value, *ip, *ip_end;
	unsigned long	 port = 0;
	int		 seen_ip = 0, seen_port = 0, seen_ssrc = 0;

	memset(&addr, 0, sizeof addr);
	while (vqr_next_pair(&p, line->end, &pair) == 0) {
		if (vqr_eq(pair.key, pair.key_end, "IP") && !seen_ip) {
			seen_ip = 1;
			ip = pair.value;
			ip_end = pair.value_end;
			if (ip_end - ip >= 2 && ip[0] == '[' &&
			    ip_end[-1] == ']') {
				ip++;
				ip_end--;
			}
			(void)addr_parse(ip, (size_t)(ip_end - ip), &addr);
		} else if (vqr_eq(pair.key, pair.key_end, "PORT") &&
		    !seen_port) {
			seen_port = 1;
			if (scan_number(pair.value, pair.value_end, 65535,
			    &port) == -1)
				port = 0;
		} else if (vqr_eq(pair.key, pair.key_end, "SSRC") &&
		    !seen_ssrc) {
			seen_ssrc = 1;
			out->has_ssrc = vqr_ssrc(pair.value, pair.value_end,
			    &out->ssrc) == 0;
		}
	}
	if (addr.family != 0 && port != 0) {
		out->has_endpoint = 1;
		out->endpoint.addr = addr;
		out->endpoint.port = (uint16_t)port;
	}
}

/*
 * A line in a metrics block: if a metric line (PacketLoss, Delay, ...),
 * each of its own parameters the block has not had yet, kept if in range.
 */
static void
vqr_line_metrics(const struct vqr_block *block, const struct vqr_line *line)
{
	const struct vqr_metric_info	*info;
	struct vqr_pair			 pair;
	const char			*p = line->value;
	double				 v;
	uint32_t			 bit, on_line = 0;
	int				 m;

	for (m = 0; m < VQR_METRICS; m++) {
		if (vqr_eq(line->name, line->name_end,
		    vqr_metric_table[m].line))
			on_line |= 1u << m;
	}
	while (on_line != 0 && vqr_next_pair(&p, line->end, &pair) == 0) {
		for (m = 0; m < VQR_METRICS; m++) {
			if ((on_line & 1u << m) != 0 &&
			    vqr_eq(pair.key, pair.key_end,
			    vqr_metric_table[m].param))
				break;
		}
		bit = 1u << m;
		if (m == VQR_METRICS || (*block->seen & bit) != 0)
			continue;
		*block->seen |= bit;
		info = &vqr_metric_table[m];
		if (vqr_number(pair.value, pair.value_end, &v) == 0 &&
		    v >= info->min && v <= info->max) {
			block->metrics->value[m] = v;
			block->metrics->present |= bit;
		}
	}
}

/*
 * The first line, which must name a report type, alone or before a ':'
 * ("VQAlertReport: Type=MOSQ ..."); the start of the next line, or NULL.
 */
static const char *
vqr_kind_line(const char *p, const char *end, enum vqr_kind *kind)
{
	struct vqr_line	line;
	size_t		i;

	if (vqr_next_line(&p, end, &line) == -1)
		return NULL;
	for (i = 0; vqr_kinds[i].name != NULL; i++) {
		if (vqr_eq(line.name, line.name_end, vqr_kinds[i].name)) {
			*kind = vqr_kinds[i].kind;
			return p;
		}
	}
	return NULL;
}

/* A CallID line's value, blanks around it dropped; -1 if it is empty. */
static int
vqr_call_id_value(const struct vqr_line *line, const char **id,
    size_t *id_len)
{
	const char	*p = line->value, *end = line->end;

	scan_trim_blanks(&p, &end);
	if (p == end)
		return -1;
	*id = p;
	*id_len = (size_t)(end - p);
	return 0;
}

/* Is this a Content-Type of application/vq-rtcpxr, parameters or not? */
int
vqr_content_type_is(const char *p, size_t len)
{
	const char	*end = p + len, *word;

	while (p < end && scan_is_blank(*p))
		p++;
	for (word = p; p < end && *p != '/' && !scan_is_blank(*p); p++)
		;
	if (!scan_caseeq(word, (size_t)(p - word), "application"))
		return 0;
	while (p < end && scan_is_blank(*p))	/* SIP's SLASH is SWS "/" SWS */
		p++;
	if (p == end || *p++ != '/')
		return 0;
	while (p < end && scan_is_blank(*p))
		p++;
	for (word = p; p < end && *p != ';' && !scan_is_blank(*p); p++)
		;
	if (!scan_caseeq(word, (size_t)(p - word), "vq-rtcpxr"))
		return 0;
	while (p < end && scan_is_blank(*p))
		p++;
	return p == end || *p == ';';
}

/* Parse a report line by line; of a line given twice, the first counts. */
enum dissect_result
vqr_parse(const char *p, size_t len, struct vqr_report *out)
{
	struct vqr_block	 block = { NULL, NULL };
	struct vqr_line		 line;
	const char		*end = p + len;
	uint32_t		 local_seen = 0, remote_seen = 0;
	int			 call_id = 0, local_addr = 0, remote_addr = 0;

	memset(out, 0, sizeof *out);
	if ((p = vqr_kind_line(p, end, &out->kind)) == NULL)
		return DISSECT_MALFORMED;
	while (vqr_next_line(&p, end, &line) == 0) {
		if (vqr_eq(line.name, line.name_end, "CallID")) {
			if (!call_id)
				(void)vqr_call_id_value(&line, &out->call_id,
				    &out->call_id_len);
			call_id = 1;
		} else if (vqr_eq(line.name, line.name_end, "LocalAddr")) {
			if (!local_addr)
				vqr_line_addr(&line, &out->local);
			local_addr = 1;
		} else if (vqr_eq(line.name, line.name_end, "RemoteAddr")) {
			if (!remote_addr)
				vqr_line_addr(&line, &out->remote);
			remote_addr = 1;
		} else if (vqr_eq(line.name, line.name_end, "LocalMetrics")) {
			out->has_local_metrics = 1;
			block.metrics = &out->local_metrics;
			block.seen = &local_seen;
		} else if (vqr_eq(line.name, line.name_end, "RemoteMetrics")) {
			out->has_remote_metrics = 1;
			block.metrics = &out->remote_metrics;
			block.seen = &remote_seen;
		} else if (block.metrics != NULL && line.value < line.end)
			vqr_line_metrics(&block, &line);
	}
	return out->call_id == NULL ? DISSECT_MALFORMED : DISSECT_OK;
}

/*
 * The CallID alone, by the rules vqr_parse reads it with: 0 exactly when
 * vqr_parse would say DISSECT_OK, with the same call_id.
 */
int
vqr_call_id(const char *p, size_t len, const char **id, size_t *id_len)
{
	struct vqr_line	 line;
	const char	*end = p + len;
	enum vqr_kind	 kind;

	if ((p = vqr_kind_line(p, end, &kind)) == NULL)
		return -1;
	while (vqr_next_line(&p, end, &line) == 0) {
		if (vqr_eq(line.name, line.name_end, "CallID"))
			return vqr_call_id_value(&line, id, id_len);
	}
	return -1;
}

/* A metric's name, place and range; NULL past the last. */
const struct vqr_metric_info *
vqr_metric_info(enum vqr_metric metric)
{
	if ((unsigned)metric >= VQR_METRICS)
		return NULL;
	return &vqr_metric_table[metric];
}

/* A report type's name, as its first line writes it. */
const char *
vqr_kind_name(enum vqr_kind kind)
{
	size_t	i;

	for (i = 0; vqr_kinds[i].name != NULL; i++) {
		if (vqr_kinds[i].kind == kind)
			return vqr_kinds[i].name;
	}
	return "unknown";
}
