/*
 * SDP, RFC 4566 (with RFC 3264 offer/answer, RFC 3605 a=rtcp, RFC 5761
 * a=rtcp-mux, RFC 3362 T.38 image media): where each RTP stream of a call
 * will flow, its codecs and their parameters, which way it flows.
 *
 * A description is lines of "<type>=<value>", ending CRLF or LF; a session
 * part, then one part per m= line:
 *
 *  +------------------------------------------------------------+
 *  | v=0                                                        |
 *  | o=- 20518 0 IN IP4 192.0.2.10                              |
 *  | s=-                                                        |
 *  | c=IN IP4 192.0.2.10          session address, the default  |
 *  | t=0 0                                                      |
 *  | a=sendrecv                   session attribute: a default  |
 *  +------------------------------------------------------------+
 *  | m=audio 49170 RTP/AVP 0 8 101                              |
 *  |   kind, port, proto, payload types in order of preference  |
 *  | c=IN IP6 2001:db8::10        media address, overrides      |
 *  | a=rtpmap:101 telephone-event/8000                          |
 *  | a=fmtp:101 0-15              codec parameters, as text     |
 *  | a=ptime:20                   ms of media per packet        |
 *  | a=rtcp:49300 IN IP4 192.0.2.11      or a=rtcp-mux          |
 *  | a=sendonly                   overrides the session's       |
 *  +------------------------------------------------------------+
 *  | m=image 49172 udptl t38      fax: kept, flagged not RTP    |
 *  +------------------------------------------------------------+
 *
 * A port of 0 declines the stream (RFC 3264 §6).  The text is bounded by
 * len and never assumed to be NUL-terminated.
 */

#include <stddef.h>
#include <string.h>

#include "dissectors/rtp.h"
#include "dissectors/scan.h"
#include "dissectors/sdp.h"

#define SDP_PT_MAX	127
#define SDP_PTIME_MAX	65535	/* ms; more is no packetization */

/* What the parse knows beyond the result it fills. */
struct sdp_state {
	struct sdp_session	*out;
	struct sdp_media	*media;	/* m= being read, or NULL */
	int			 in_media;	/* past the first m= */
	int			 have_version;
	int			 m_lines;
	int			 bad_m_lines;
	int			 rtp_media;
	uint32_t		 session_ptime_ms;
	uint8_t			 own_addr[SDP_MAX_MEDIA];
	uint8_t			 own_direction[SDP_MAX_MEDIA];
};

/* A line or attribute handler gets the value as [p, end). */
typedef void (*sdp_handler)(struct sdp_state *, const char *p,
    const char *end);

static void	sdp_line_version(struct sdp_state *, const char *,
		    const char *);
static void	sdp_line_origin(struct sdp_state *, const char *,
		    const char *);
static void	sdp_line_connection(struct sdp_state *, const char *,
		    const char *);
static void	sdp_line_media(struct sdp_state *, const char *,
		    const char *);
static void	sdp_line_attribute(struct sdp_state *, const char *,
		    const char *);
static void	sdp_attr_rtpmap(struct sdp_state *, const char *,
		    const char *);
static void	sdp_attr_fmtp(struct sdp_state *, const char *,
		    const char *);
static void	sdp_attr_ptime(struct sdp_state *, const char *,
		    const char *);
static void	sdp_attr_maxptime(struct sdp_state *, const char *,
		    const char *);
static void	sdp_attr_rtcp(struct sdp_state *, const char *,
		    const char *);
static void	sdp_attr_rtcp_mux(struct sdp_state *, const char *,
		    const char *);
static void	sdp_attr_sendrecv(struct sdp_state *, const char *,
		    const char *);
static void	sdp_attr_sendonly(struct sdp_state *, const char *,
		    const char *);
static void	sdp_attr_recvonly(struct sdp_state *, const char *,
		    const char *);
static void	sdp_attr_inactive(struct sdp_state *, const char *,
		    const char *);

/* Line types that matter here; the others (s=, t=, b=, ...) do not. */
static const struct {
	char		type;
	sdp_handler	handle;
} sdp_lines[] = {
	{ 'v',	sdp_line_version },
	{ 'o',	sdp_line_origin },
	{ 'c',	sdp_line_connection },
	{ 'm',	sdp_line_media },
	{ 'a',	sdp_line_attribute },
	{ '\0',	NULL }
};

/* Attributes, by name (case-sensitive); the value follows a ':'. */
static const struct {
	const char	*name;
	sdp_handler	 handle;
} sdp_attributes[] = {
	{ "rtpmap",	sdp_attr_rtpmap },
	{ "fmtp",	sdp_attr_fmtp },
	{ "ptime",	sdp_attr_ptime },
	{ "maxptime",	sdp_attr_maxptime },	/* RFC 4566 §6 */
	{ "rtcp",	sdp_attr_rtcp },	/* RFC 3605 */
	{ "rtcp-mux",	sdp_attr_rtcp_mux },	/* RFC 5761 */
	{ "sendrecv",	sdp_attr_sendrecv },
	{ "sendonly",	sdp_attr_sendonly },
	{ "recvonly",	sdp_attr_recvonly },
	{ "inactive",	sdp_attr_inactive },
	{ NULL,		NULL }
};

static const char *const sdp_direction_names[] = {
	"sendrecv",
	"sendonly",
	"recvonly",
	"inactive"
};

/* Transport protocols that carry RTP (RFC 4566, 3711, 4585, 5124, 5764). */
static const char *const sdp_rtp_protos[] = {
	"RTP/AVP",
	"RTP/SAVP",
	"RTP/AVPF",
	"RTP/SAVPF",
	"UDP/TLS/RTP/SAVP",
	"UDP/TLS/RTP/SAVPF",
	NULL
};

/* Do the len bytes at p spell lit exactly? */
static int
sdp_eq(const char *p, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(p, lit, len) == 0;
}

/* Copy len bytes into a field of size bytes, cut to fit, NUL-terminated. */
static void
sdp_copy(char *field, size_t size, const char *p, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(field, p, len);
	field[len] = '\0';
}

/*
 * The next space-separated word of [*pp, end): its start in *word, its
 * length returned (0 at the end); *pp moves past it.
 */
static size_t
sdp_word(const char **pp, const char *end, const char **word)
{
	const char	*p = *pp;

	while (p < end && scan_is_blank(*p))
		p++;
	*word = p;
	while (p < end && !scan_is_blank(*p))
		p++;
	*pp = p;
	return (size_t)(p - *word);
}

/*
 * The port at the start of [p, end), which may go on with "/<count>" (m=)
 * or " IN IP4 ..." (a=rtcp); -1 if there is none or it is out of range.
 */
static int
sdp_port(const char *p, const char *end, uint16_t *port)
{
	const char	*q;
	unsigned long	 v;

	for (q = p; q < end && *q >= '0' && *q <= '9'; q++)
		;
	if (q < end && *q != '/' && !scan_is_blank(*q))
		return -1;
	if (scan_number(p, q, 65535, &v) == -1)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* A decimal number of up to 64 bits; -1 if it is not one or too large. */
static int
sdp_u64(const char *p, size_t len, uint64_t *out)
{
	uint64_t	v = 0;
	unsigned	digit;
	size_t		i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		digit = (unsigned)(p[i] - '0');
		if (v > (UINT64_MAX - digit) / 10)
			return -1;
		v = v * 10 + digit;
	}
	*out = v;
	return 0;
}

/*
 * "IN IP4 <address>" or "IN IP6 <address>" (c=, a=rtcp); a multicast
 * address may add "/ttl" and "/count", dropped here.  A host name, or an
 * address that does not match its type, gives none: -1.
 */
static int
sdp_address(const char *p, const char *end, struct vq_addr *addr)
{
	const char	*word, *slash;
	size_t		 n;
	int		 family;

	n = sdp_word(&p, end, &word);
	if (!sdp_eq(word, n, "IN"))
		return -1;
	n = sdp_word(&p, end, &word);
	if (scan_caseeq(word, n, "IP4"))
		family = 4;
	else if (scan_caseeq(word, n, "IP6"))
		family = 6;
	else
		return -1;
	n = sdp_word(&p, end, &word);
	if ((slash = memchr(word, '/', n)) != NULL)
		n = (size_t)(slash - word);
	if (addr_parse(word, n, addr) == -1 || addr->family != family)
		return -1;
	return 0;
}

/*
 * A time in ms (a=ptime, a=maxptime): an integer, perhaps with a fraction
 * that is dropped ("20.0"); -1 if it is not one.
 */
static int
sdp_ms(const char *p, const char *end, uint32_t *ms)
{
	const char	*q, *frac;
	unsigned long	 v;

	scan_trim_blanks(&p, &end);
	for (q = p; q < end && *q >= '0' && *q <= '9'; q++)
		;
	if (q < end && *q == '.') {
		for (frac = q + 1; frac < end && *frac >= '0' && *frac <= '9';
		    frac++)
			;
		if (frac != end)
			return -1;
	} else if (q != end)
		return -1;
	if (scan_number(p, q, SDP_PTIME_MAX, &v) == -1)
		return -1;
	*ms = (uint32_t)v;
	return 0;
}

/* Index of the media being read, for the per-media flags. */
static size_t
sdp_media_index(const struct sdp_state *st)
{
	return (size_t)(st->media - st->out->media);
}

/* v=: a description must have one. */
static void
sdp_line_version(struct sdp_state *st, const char *p, const char *end)
{
	(void)p;
	(void)end;
	st->have_version = 1;
}

/*
 * o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address>:
 * the first one counts.  Numbers too large for 64 bits give no origin.
 */
static void
sdp_line_origin(struct sdp_state *st, const char *p, const char *end)
{
	const char	*word;
	size_t		 n;
	uint64_t	 id, version;

	if (st->in_media || st->out->has_origin)
		return;
	(void)sdp_word(&p, end, &word);
	n = sdp_word(&p, end, &word);
	if (sdp_u64(word, n, &id) == -1)
		return;
	n = sdp_word(&p, end, &word);
	if (sdp_u64(word, n, &version) == -1)
		return;
	st->out->has_origin = 1;
	st->out->origin_session_id = id;
	st->out->origin_version = version;
}

/* c=: the session's address, or the media's own. */
static void
sdp_line_connection(struct sdp_state *st, const char *p, const char *end)
{
	struct vq_addr	addr;

	if (sdp_address(p, end, &addr) == -1)
		return;
	if (!st->in_media)
		st->out->connection = addr;
	else if (st->media != NULL) {
		st->media->rtp.addr = addr;
		st->own_addr[sdp_media_index(st)] = 1;
	}
}

/* m=<kind> <port>[/<count>] <proto> <format> ...: start a media part. */
static void
sdp_line_media(struct sdp_state *st, const char *p, const char *end)
{
	struct sdp_media	*m;
	const char		*kind, *port, *proto, *fmt;
	size_t			 kind_len, port_len, proto_len, fmt_len;
	size_t			 i;
	uint16_t		 port_num;
	unsigned long		 pt;

	st->in_media = 1;
	st->media = NULL;
	st->m_lines++;

	kind_len = sdp_word(&p, end, &kind);
	port_len = sdp_word(&p, end, &port);
	proto_len = sdp_word(&p, end, &proto);
	if (kind_len == 0 || proto_len == 0 ||
	    sdp_port(port, port + port_len, &port_num) == -1) {
		st->bad_m_lines++;
		return;
	}
	if (st->out->n_media == SDP_MAX_MEDIA)
		return;

	m = &st->out->media[st->out->n_media++];
	st->media = m;
	sdp_copy(m->kind, sizeof m->kind, kind, kind_len);
	sdp_copy(m->proto, sizeof m->proto, proto, proto_len);
	m->rtp.port = port_num;
	m->inactive = port_num == 0;
	for (i = 0; sdp_rtp_protos[i] != NULL; i++) {
		if (scan_caseeq(proto, proto_len, sdp_rtp_protos[i]))
			break;
	}
	if (sdp_rtp_protos[i] == NULL) {
		m->not_rtp = 1;
		return;		/* its formats are not payload types */
	}
	st->rtp_media++;

	while ((fmt_len = sdp_word(&p, end, &fmt)) != 0) {
		if (m->n_formats == SDP_MAX_FORMATS)
			break;
		if (scan_number(fmt, fmt + fmt_len, SDP_PT_MAX, &pt) == 0)
			m->formats[m->n_formats++] = (uint8_t)pt;
	}
}

/* a=<name>[:<value>]: hand the value to the attribute's handler. */
static void
sdp_line_attribute(struct sdp_state *st, const char *p, const char *end)
{
	const char	*colon, *value;
	size_t		 i;

	if ((colon = memchr(p, ':', (size_t)(end - p))) == NULL)
		colon = value = end;
	else
		value = colon + 1;
	for (i = 0; sdp_attributes[i].name != NULL; i++) {
		if (sdp_eq(p, (size_t)(colon - p), sdp_attributes[i].name)) {
			sdp_attributes[i].handle(st, value, end);
			return;
		}
	}
}

/*
 * Encoding names as IANA's RTP payload format media types spell them.
 * The names are case-insensitive (RFC 4855), and phones write "pcma" as
 * readily as "PCMA": reported as written, one codec would show under two
 * names.  A name not listed here is kept as it came.
 */
static const char *const iana_encodings[] = {
	"PCMU", "PCMA", "G722", "G723", "G728", "G729", "G729D", "G729E",
	"G7221", "G719", "G726-16", "G726-24", "G726-32", "G726-40",
	"AAL2-G726-16", "AAL2-G726-24", "AAL2-G726-32", "AAL2-G726-40",
	"GSM", "GSM-EFR", "GSM-HR-08", "AMR", "AMR-WB", "AMR-WB+", "EVS",
	"iLBC", "speex", "opus", "SILK", "L8", "L16", "L24", "LPC", "QCELP",
	"EVRC", "EVRC0", "EVRCB", "EVRCWB", "MPA", "telephone-event", "tone",
	"CN", "red", "ulpfec", "rtx", "H261", "H263", "H263-1998", "H263-2000",
	"H264", "H265", "VP8", "VP9", "AV1", "JPEG", "MP4V-ES", "MP4A-LATM",
	"t140", NULL
};

/* The registry's spelling of an encoding name, in place. */
static void
sdp_encoding_canonical(char *name)
{
	const char *const *known;
	size_t len = strlen(name);

	for (known = iana_encodings; *known != NULL; known++)
		if (scan_caseeq(name, len, *known)) {
			memcpy(name, *known, len);
			return;
		}
}

/* a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>], in a media part. */
static void
sdp_attr_rtpmap(struct sdp_state *st, const char *p, const char *end)
{
	struct sdp_media	*m = st->media;
	struct sdp_rtpmap	*map;
	const char		*word, *name, *slash, *rate_end;
	size_t			 n, name_len, i;
	unsigned long		 pt, rate;

	if (m == NULL || m->not_rtp || m->n_rtpmaps == SDP_MAX_FORMATS)
		return;
	n = sdp_word(&p, end, &word);
	if (scan_number(word, word + n, SDP_PT_MAX, &pt) == -1)
		return;
	n = sdp_word(&p, end, &word);
	if ((slash = memchr(word, '/', n)) == NULL)
		return;
	name = word;
	name_len = (size_t)(slash - word);
	if (name_len == 0 || name_len >= SDP_ENCODING_LEN)
		return;
	for (rate_end = slash + 1; rate_end < word + n && *rate_end != '/';
	    rate_end++)
		;
	if (scan_number(slash + 1, rate_end, 0xffffffffUL, &rate) == -1)
		return;

	for (i = 0; i < m->n_rtpmaps; i++) {
		if (m->rtpmaps[i].payload_type == pt)
			return;		/* the first one counts */
	}
	map = &m->rtpmaps[m->n_rtpmaps++];
	map->payload_type = (uint8_t)pt;
	memcpy(map->encoding, name, name_len);
	map->encoding[name_len] = '\0';
	sdp_encoding_canonical(map->encoding);
	map->clock_rate_hz = (uint32_t)rate;
}

/*
 * a=fmtp:<pt> <parameters> (RFC 4566 §6): kept as text, cut to the field,
 * the first one per payload type.
 */
static void
sdp_attr_fmtp(struct sdp_state *st, const char *p, const char *end)
{
	struct sdp_media	*m = st->media;
	struct sdp_fmtp		*f;
	const char		*word;
	size_t			 n, i;
	unsigned long		 pt;

	if (m == NULL || m->not_rtp || m->n_fmtps == SDP_MAX_FORMATS)
		return;
	n = sdp_word(&p, end, &word);
	if (scan_number(word, word + n, SDP_PT_MAX, &pt) == -1)
		return;
	for (i = 0; i < m->n_fmtps; i++) {
		if (m->fmtps[i].payload_type == pt)
			return;
	}
	scan_trim_blanks(&p, &end);
	f = &m->fmtps[m->n_fmtps++];
	f->payload_type = (uint8_t)pt;
	f->truncated = (size_t)(end - p) >= sizeof f->params;
	sdp_copy(f->params, sizeof f->params, p, (size_t)(end - p));
}

/*
 * a=ptime (ms of media per packet): media-level by RFC 4566, but some
 * send it for the session, where it is the default.
 */
static void
sdp_attr_ptime(struct sdp_state *st, const char *p, const char *end)
{
	uint32_t	ms;

	if (sdp_ms(p, end, &ms) == -1)
		return;
	if (!st->in_media)
		st->session_ptime_ms = ms;
	else if (st->media != NULL)
		st->media->ptime_ms = ms;
}

/* a=maxptime: the most media one packet may hold, in ms. */
static void
sdp_attr_maxptime(struct sdp_state *st, const char *p, const char *end)
{
	uint32_t	ms;

	if (st->media != NULL && sdp_ms(p, end, &ms) == 0)
		st->media->maxptime_ms = ms;
}

/* a=rtcp:<port>[ IN IP4 <address>]: RTCP not on the RTP port + 1. */
static void
sdp_attr_rtcp(struct sdp_state *st, const char *p, const char *end)
{
	struct sdp_media	*m = st->media;
	const char		*q;
	uint16_t		 port;

	if (m == NULL || sdp_port(p, end, &port) == -1 || port == 0)
		return;
	m->rtcp_port = port;
	m->rtcp_attr = 1;
	for (q = p; q < end && *q >= '0' && *q <= '9'; q++)
		;
	if (sdp_address(q, end, &m->rtcp_addr) == -1)
		memset(&m->rtcp_addr, 0, sizeof m->rtcp_addr);
}

/* a=rtcp-mux: RTCP shares the RTP port. */
static void
sdp_attr_rtcp_mux(struct sdp_state *st, const char *p, const char *end)
{
	(void)p;
	(void)end;
	if (st->media != NULL)
		st->media->rtcp_mux = 1;
}

/* A direction attribute, for one media part or, before any, the session. */
static void
sdp_direction(struct sdp_state *st, enum sdp_direction direction)
{
	if (!st->in_media)
		st->out->direction = direction;
	else if (st->media != NULL) {
		st->media->direction = direction;
		st->own_direction[sdp_media_index(st)] = 1;
	}
}

static void
sdp_attr_sendrecv(struct sdp_state *st, const char *p, const char *end)
{
	(void)p;
	(void)end;
	sdp_direction(st, SDP_SENDRECV);
}

static void
sdp_attr_sendonly(struct sdp_state *st, const char *p, const char *end)
{
	(void)p;
	(void)end;
	sdp_direction(st, SDP_SENDONLY);
}

static void
sdp_attr_recvonly(struct sdp_state *st, const char *p, const char *end)
{
	(void)p;
	(void)end;
	sdp_direction(st, SDP_RECVONLY);
}

static void
sdp_attr_inactive(struct sdp_state *st, const char *p, const char *end)
{
	(void)p;
	(void)end;
	sdp_direction(st, SDP_INACTIVE);
}

/* Parse a description line by line. */
enum dissect_result
sdp_parse(const char *text, size_t len, struct sdp_session *out)
{
	struct sdp_state	 st;
	struct sdp_media	*m;
	const char		*p, *end, *eol, *line_end, *next;
	size_t			 i;

	memset(out, 0, sizeof *out);
	for (i = 0; i < SDP_MAX_MEDIA; i++) {
		out->media[i].rtpmaps = out->rtpmap_room[i];
		out->media[i].fmtps = out->fmtp_room[i];
	}
	if (len == 0)
		return DISSECT_MALFORMED;
	memset(&st, 0, sizeof st);
	st.out = out;

	end = text + len;
	for (p = text; p < end; p = next) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			line_end = end;
			next = end;
		} else {
			line_end = eol;
			next = eol + 1;
		}
		if (line_end > p && line_end[-1] == '\r')
			line_end--;
		if (line_end - p < 2 || p[1] != '=')
			continue;
		for (i = 0; sdp_lines[i].handle != NULL; i++) {
			if (sdp_lines[i].type == p[0]) {
				sdp_lines[i].handle(&st, p + 2, line_end);
				break;
			}
		}
	}

	if (!st.have_version || st.m_lines == 0)
		return DISSECT_MALFORMED;

	/* What the session part says holds where a media part is silent. */
	for (i = 0; i < out->n_media; i++) {
		m = &out->media[i];
		if (!st.own_addr[i])
			m->rtp.addr = out->connection;
		if (!st.own_direction[i])
			m->direction = out->direction;
		if (m->direction == SDP_INACTIVE)
			m->inactive = 1;
		if (m->ptime_ms == 0 && !m->not_rtp)
			m->ptime_ms = st.session_ptime_ms;
		if (m->not_rtp)
			m->rtcp_port = 0;
		else if (m->rtcp_port == 0 && m->rtp.port != 0)
			m->rtcp_port = (uint16_t)(m->rtp.port + 1);
	}
	if (st.rtp_media == 0)
		return st.bad_m_lines != 0 && out->n_media == 0 ?
		    DISSECT_MALFORMED : DISSECT_UNSUPPORTED;
	return DISSECT_OK;
}

/*
 * Where the media's RTP and RTCP go.  The parse has already put the RTP
 * port + 1 where no a=rtcp gave a port, and 0 for media that is not RTP;
 * an a=rtcp without an address means the RTP address.
 */
int
sdp_media_endpoints(const struct sdp_media *m, struct sdp_endpoints *out)
{
	memset(out, 0, sizeof *out);
	if (m->rtp.port == 0 || m->rtp.addr.family == 0)
		return -1;
	out->rtp = m->rtp;
	if (m->rtcp_port != 0) {
		out->rtcp.addr = m->rtcp_attr && m->rtcp_addr.family != 0 ?
		    m->rtcp_addr : m->rtp.addr;
		out->rtcp.port = m->rtcp_port;
	}
	out->rtcp_mux = m->rtcp_mux;
	return 0;
}

/* The parameters of a payload type's a=fmtp. */
const char *
sdp_media_fmtp(const struct sdp_media *m, uint8_t payload_type)
{
	size_t	i;

	for (i = 0; i < m->n_fmtps; i++) {
		if (m->fmtps[i].payload_type == payload_type)
			return m->fmtps[i].params;
	}
	return NULL;
}

/* A direction's attribute name. */
const char *
sdp_direction_name(enum sdp_direction direction)
{
	if ((size_t)direction >= sizeof sdp_direction_names /
	    sizeof sdp_direction_names[0])
		return "sendrecv";
	return sdp_direction_names[direction];
}

/* Encoding and clock of a payload type: the media's rtpmap, else RFC 3551. */
int
sdp_media_codec(const struct sdp_media *m, uint8_t payload_type,
    const char **encoding, uint32_t *clock_rate_hz)
{
	const char	*name = NULL;
	uint32_t	 rate = 0;
	size_t		 i;

	for (i = 0; i < m->n_rtpmaps && name == NULL; i++) {
		if (m->rtpmaps[i].payload_type == payload_type) {
			name = m->rtpmaps[i].encoding;
			rate = m->rtpmaps[i].clock_rate_hz;
		}
	}
	if (name == NULL && (name = rtp_static_codec(payload_type, &rate)) ==
	    NULL)
		return -1;
	if (encoding != NULL)
		*encoding = name;
	if (clock_rate_hz != NULL)
		*clock_rate_hz = rate;
	return 0;
}
