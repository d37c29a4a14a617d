/*
 * SIP, RFC 3261: the start line, the headers a call needs, and the body.
 *
 * A message is text lines ending in CRLF (a bare LF is accepted), an empty
 * line, then the body (RFC 3261 §7):
 *
 *  +-------------------------------------------------------------+
 *  | INVITE sip:bob@192.0.2.20 SIP/2.0          request line, or |
 *  | SIP/2.0 183 Session Progress               status line      |
 *  +-------------------------------------------------------------+
 *  | Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-1           |
 *  | From: "Alice" <sip:alice@example.net>;tag=a1                |
 *  | To: <sip:bob@example.org>                                   |
 *  | Call-ID: 7f3e1a@192.0.2.10          name: value headers;    |
 *  | CSeq: 1 INVITE                      a line that starts with |
 *  | Content-Type: application/sdp       SP or HT continues the  |
 *  | Content-Length: 129                 one before (folding)    |
 *  +-------------------------------------------------------------+
 *  | (empty line)                                                |
 *  +-------------------------------------------------------------+
 *  | v=0 ...                             Content-Length bytes    |
 *  +-------------------------------------------------------------+
 *
 * Header names are case-insensitive and many have a one-letter compact
 * form (§7.3.3).  Everything here is bounded by the captured length: the
 * text is never assumed to be NUL-terminated.
 */

#include <stddef.h>
#include <string.h>

#include "dissectors/scan.h"
#include "dissectors/sip.h"

#define SIP_VERSION		"SIP/2.0"
#define SIP_VERSION_LEN		(sizeof SIP_VERSION - 1)
#define SIP_CONTENT_LENGTH_MAX	0x7fffffffL

/* The headers sip_parse keeps. */
enum sip_hdr {
	SIP_HDR_OTHER = 0,
	SIP_HDR_CALL_ID,
	SIP_HDR_FROM,
	SIP_HDR_TO,
	SIP_HDR_CSEQ,
	SIP_HDR_CONTENT_LENGTH,
	SIP_HDR_CONTENT_TYPE,
	SIP_HDR_REASON
};

/*
 * Header names and their compact forms.  The compact forms of headers that
 * are not kept are listed too, so this stays the whole list (RFC 3261
 * §7.3.3 and the RFCs that added letters) and keeping one is one edit.
 */
static const struct {
	const char	*name;
	char		 compact;
	enum sip_hdr	 hdr;
} sip_hdr_names[] = {
	{ "Call-ID",		 'i', SIP_HDR_CALL_ID },
	{ "From",		 'f', SIP_HDR_FROM },
	{ "To",			 't', SIP_HDR_TO },
	{ "CSeq",		 0,   SIP_HDR_CSEQ },
	{ "Content-Length",	 'l', SIP_HDR_CONTENT_LENGTH },
	{ "Content-Type",	 'c', SIP_HDR_CONTENT_TYPE },
	{ "Reason",		 0,   SIP_HDR_REASON },	/* RFC 3326 */
	{ "Contact",		 'm', SIP_HDR_OTHER },
	{ "Via",		 'v', SIP_HDR_OTHER },
	{ "Content-Encoding",	 'e', SIP_HDR_OTHER },
	{ "Supported",		 'k', SIP_HDR_OTHER },
	{ "Subject",		 's', SIP_HDR_OTHER },
	{ "Event",		 'o', SIP_HDR_OTHER },	/* RFC 6665 */
	{ "Allow-Events",	 'u', SIP_HDR_OTHER },	/* RFC 6665 */
	{ "Refer-To",		 'r', SIP_HDR_OTHER },	/* RFC 3515 */
	{ "Referred-By",	 'b', SIP_HDR_OTHER },	/* RFC 3892 */
	{ "Session-Expires",	 'x', SIP_HDR_OTHER },	/* RFC 4028 */
	{ "Accept-Contact",	 'a', SIP_HDR_OTHER },	/* RFC 3841 */
	{ "Reject-Contact",	 'j', SIP_HDR_OTHER },	/* RFC 3841 */
	{ "Request-Disposition", 'd', SIP_HDR_OTHER },	/* RFC 3841 */
	{ "Identity",		 'y', SIP_HDR_OTHER },	/* RFC 8224 */
	{ NULL,			 0,   SIP_HDR_OTHER }
};

static const struct {
	enum sip_method	 method;
	const char	*name;
} sip_methods[] = {
	{ SIP_INVITE,		"INVITE" },
	{ SIP_ACK,		"ACK" },
	{ SIP_BYE,		"BYE" },
	{ SIP_CANCEL,		"CANCEL" },
	{ SIP_REGISTER,		"REGISTER" },
	{ SIP_OPTIONS,		"OPTIONS" },
	{ SIP_PRACK,		"PRACK" },		/* RFC 3262 */
	{ SIP_UPDATE,		"UPDATE" },		/* RFC 3311 */
	{ SIP_INFO,		"INFO" },		/* RFC 6086 */
	{ SIP_REFER,		"REFER" },		/* RFC 3515 */
	{ SIP_NOTIFY,		"NOTIFY" },		/* RFC 6665 */
	{ SIP_SUBSCRIBE,	"SUBSCRIBE" },		/* RFC 6665 */
	{ SIP_MESSAGE,		"MESSAGE" },		/* RFC 3428 */
	{ SIP_PUBLISH,		"PUBLISH" },		/* RFC 3903 */
	{ SIP_METHOD_UNKNOWN,	NULL }
};

/* RFC 3261 §21, and the codes later RFCs added that calls run into. */
static const struct {
	int		 code;
	const char	*phrase;
} sip_status_phrases[] = {
	{ 100, "Trying" },
	{ 180, "Ringing" },
	{ 181, "Call Is Being Forwarded" },
	{ 182, "Queued" },
	{ 183, "Session Progress" },
	{ 199, "Early Dialog Terminated" },		/* RFC 6228 */
	{ 200, "OK" },
	{ 202, "Accepted" },				/* RFC 3265 */
	{ 204, "No Notification" },			/* RFC 5839 */
	{ 300, "Multiple Choices" },
	{ 301, "Moved Permanently" },
	{ 302, "Moved Temporarily" },
	{ 305, "Use Proxy" },
	{ 380, "Alternative Service" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 402, "Payment Required" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 406, "Not Acceptable" },
	{ 407, "Proxy Authentication Required" },
	{ 408, "Request Timeout" },
	{ 410, "Gone" },
	{ 412, "Conditional Request Failed" },		/* RFC 3903 */
	{ 413, "Request Entity Too Large" },
	{ 414, "Request-URI Too Long" },
	{ 415, "Unsupported Media Type" },
	{ 416, "Unsupported URI Scheme" },
	{ 420, "Bad Extension" },
	{ 421, "Extension Required" },
	{ 422, "Session Interval Too Small" },		/* RFC 4028 */
	{ 423, "Interval Too Brief" },
	{ 429, "Provide Referrer Identity" },		/* RFC 3892 */
	{ 480, "Temporarily Unavailable" },
	{ 481, "Call/Transaction Does Not Exist" },
	{ 482, "Loop Detected" },
	{ 483, "Too Many Hops" },
	{ 484, "Address Incomplete" },
	{ 485, "Ambiguous" },
	{ 486, "Busy Here" },
	{ 487, "Request Terminated" },
	{ 488, "Not Acceptable Here" },
	{ 491, "Request Pending" },
	{ 493, "Undecipherable" },
	{ 500, "Server Internal Error" },
	{ 501, "Not Implemented" },
	{ 502, "Bad Gateway" },
	{ 503, "Service Unavailable" },
	{ 504, "Server Time-out" },
	{ 505, "Version Not Supported" },
	{ 513, "Message Too Large" },
	{ 580, "Precondition Failure" },		/* RFC 3312 */
	{ 600, "Busy Everywhere" },
	{ 603, "Decline" },
	{ 604, "Does Not Exist Anywhere" },
	{ 606, "Not Acceptable" },
	{ 607, "Unwanted" },				/* RFC 8197 */
	{ 608, "Rejected" },				/* RFC 8688 */
	{ 0, NULL }
};

/* URI schemes a request line may carry, in lower case. */
static const char *const sip_uri_schemes[] = {
	"sip:",
	"sips:",
	"tel:",
	NULL
};

static char
sip_lower(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return (char)(ch - 'A' + 'a');
	return ch;
}

static int
sip_is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Space or tab, or the CR and LF a folded header keeps inside its value. */
static int
sip_is_lws(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* RFC 3261 §25.1 token characters. */
static int
sip_is_token(char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    sip_is_digit(ch))
		return 1;
	return ch != '\0' && strchr("-.!%*_+`'~", ch) != NULL;
}

/* Does [p, end) start with lit, ignoring ASCII case? */
static int
sip_caseprefix(const char *p, const char *end, const char *lit)
{
	size_t	n = strlen(lit);

	return (size_t)(end - p) >= n && scan_caseeq(p, n, lit);
}

/* Skip the empty lines RFC 3261 §7.5 allows before a start line. */
static const char *
sip_skip_crlf(const char *p, const char *end)
{
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	return p;
}

/* Trim linear white space from both ends of [*p, *end). */
static void
sip_trim(const char **p, const char **end)
{
	while (*p < *end && sip_is_lws(**p))
		(*p)++;
	while (*end > *p && sip_is_lws((*end)[-1]))
		(*end)--;
}

static void
sip_set(struct sip_str *s, const char *p, const char *end)
{
	s->p = p;
	s->len = (size_t)(end - p);
}

/* Does the UDP payload start like a request or status line? */
int
sip_looks_like(const uint8_t *data, size_t len)
{
	const char	*p, *end, *eol, *q, *version;
	size_t		 i;

	if (len == 0)
		return 0;
	p = (const char *)data;
	end = p + len;
	p = sip_skip_crlf(p, end);

	/* "SIP/2.0 NNN ": a status line. */
	if (sip_caseprefix(p, end, SIP_VERSION " ")) {
		q = p + SIP_VERSION_LEN + 1;
		if (end - q < 4)
			return 0;
		return sip_is_digit(q[0]) && sip_is_digit(q[1]) &&
		    sip_is_digit(q[2]) &&
		    (q[3] == ' ' || q[3] == '\r' || q[3] == '\n');
	}

	/* "METHOD scheme:": a request line, if it ends in SIP/2.0. */
	for (q = p; q < end && sip_is_token(*q); q++)
		;
	if (q == p || q == end || *q != ' ')
		return 0;
	q++;
	for (i = 0; sip_uri_schemes[i] != NULL; i++) {
		if (sip_caseprefix(q, end, sip_uri_schemes[i]))
			break;
	}
	if (sip_uri_schemes[i] == NULL)
		return 0;

	/*
	 * A capture cut inside the request line still looks like SIP, so
	 * that it is counted as truncated SIP rather than ignored.
	 */
	if ((eol = memchr(q, '\n', (size_t)(end - q))) == NULL)
		return 1;
	if (eol > q && eol[-1] == '\r')
		eol--;
	if ((size_t)(eol - q) <= SIP_VERSION_LEN + 1)
		return 0;
	version = eol - SIP_VERSION_LEN;
	return version[-1] == ' ' &&
	    scan_caseeq(version, SIP_VERSION_LEN, SIP_VERSION);
}

/* Parse "METHOD uri SIP/2.0" or "SIP/2.0 code phrase" (no line end). */
static enum dissect_result
sip_start_line(const char *p, const char *end, struct sip_msg *msg)
{
	const char	*sp, *sp2;
	unsigned long	 code;

	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;

	if (sip_caseprefix(p, end, SIP_VERSION " ")) {
		p += SIP_VERSION_LEN + 1;
		if (end - p < 3 || scan_number(p, p + 3, 699, &code) == -1 ||
		    code < 100)
			return DISSECT_MALFORMED;
		msg->status_code = (int)code;
		p += 3;
		if (p < end && *p++ != ' ')
			return DISSECT_MALFORMED;
		sip_set(&msg->reason_phrase, p, end);
		return DISSECT_OK;
	}

	msg->is_request = 1;
	if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL || sp == p)
		return DISSECT_MALFORMED;
	sip_set(&msg->method_text, p, sp);
	msg->method = sip_method_from(p, (size_t)(sp - p));
	for (; p < sp; p++) {
		if (!sip_is_token(*p))
			return DISSECT_MALFORMED;
	}
	p = sp + 1;
	if ((sp2 = memchr(p, ' ', (size_t)(end - p))) == NULL || sp2 == p)
		return DISSECT_MALFORMED;
	sip_set(&msg->request_uri, p, sp2);
	p = sp2 + 1;
	if (!scan_caseeq(p, (size_t)(end - p), SIP_VERSION))
		return DISSECT_MALFORMED;
	return DISSECT_OK;
}

/* Which kept header, if any, a name is. */
static enum sip_hdr
sip_hdr_lookup(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; sip_hdr_names[i].name != NULL; i++) {
		if (len == 1 && sip_hdr_names[i].compact != 0 &&
		    sip_lower(*name) == sip_hdr_names[i].compact)
			return sip_hdr_names[i].hdr;
		if (scan_caseeq(name, len, sip_hdr_names[i].name))
			return sip_hdr_names[i].hdr;
	}
	return SIP_HDR_OTHER;
}

/*
 * From or To (RFC 3261 §20.20, §20.39): the URI is inside <...> when there
 * is a display name or the URI has parameters, else it runs to the first
 * ';'.  The display name may be quoted and hold '<' or ';' of its own.
 * The tag is a header parameter, after the '>' or the URI.
 */
static int
sip_name_addr(const char *p, const char *end, struct sip_str *uri,
    struct sip_str *tag)
{
	const char	*q, *lt = NULL, *gt, *params, *uri_end;
	const char	*name, *name_end, *value, *value_end;

	for (q = p; q < end && lt == NULL; q++) {
		if (*q == '<')
			lt = q;
		else if (*q == '"') {
			for (q++; q < end && *q != '"'; q++) {
				if (*q == '\\' && q + 1 < end)
					q++;
			}
			if (q == end)
				return -1;
		}
	}

	if (lt != NULL) {
		if ((gt = memchr(lt, '>', (size_t)(end - lt))) == NULL)
			return -1;
		p = lt + 1;
		uri_end = gt;
		params = gt + 1;
	} else {
		if ((uri_end = memchr(p, ';', (size_t)(end - p))) == NULL)
			uri_end = end;
		params = uri_end;
	}
	sip_trim(&p, &uri_end);
	if (p == uri_end)
		return -1;
	sip_set(uri, p, uri_end);

	/* ;name[=value] pairs, white space allowed around both. */
	while (params < end) {
		params = memchr(params, ';', (size_t)(end - params));
		if (params == NULL)
			break;
		name = ++params;
		value_end = memchr(params, ';', (size_t)(end - params));
		if (value_end == NULL)
			value_end = end;
		name_end = memchr(name, '=', (size_t)(value_end - name));
		if (name_end == NULL)
			name_end = value = value_end;
		else
			value = name_end + 1;
		sip_trim(&name, &name_end);
		if (scan_caseeq(name, (size_t)(name_end - name), "tag")) {
			sip_trim(&value, &value_end);
			sip_set(tag, value, value_end);
			break;
		}
		params = value_end;
	}
	return 0;
}

/* CSeq: a sequence number and the method it counts (RFC 3261 §20.16). */
static int
sip_cseq(const char *p, const char *end, struct sip_msg *msg)
{
	const char	*digits = p, *method;
	unsigned long	 n;

	while (p < end && sip_is_digit(*p))
		p++;
	if (scan_number(digits, p, 0xffffffffUL, &n) == -1)
		return -1;
	if (p == end || !sip_is_lws(*p))
		return -1;
	while (p < end && sip_is_lws(*p))
		p++;
	for (method = p; p < end && sip_is_token(*p); p++)
		;
	if (p == method)
		return -1;
	msg->cseq = (uint32_t)n;
	msg->cseq_method = sip_method_from(method, (size_t)(p - method));
	return 0;
}

/* Keep one header's value, if it is one of ours; -1 if it is unparsable. */
static int
sip_header(const char *p, const char *end, struct sip_msg *msg,
    int *have_cseq)
{
	const char	*colon, *name_end, *value;
	unsigned long	 n;

	if ((colon = memchr(p, ':', (size_t)(end - p))) == NULL)
		return 0;	/* not a header: ignored, like the unknown */
	name_end = colon;
	while (name_end > p && (name_end[-1] == ' ' || name_end[-1] == '\t'))
		name_end--;
	value = colon + 1;
	sip_trim(&value, &end);

	/* The first of a repeated header counts. */
	switch (sip_hdr_lookup(p, (size_t)(name_end - p))) {
	case SIP_HDR_CALL_ID:
		if (msg->call_id.p == NULL)
			sip_set(&msg->call_id, value, end);
		break;
	case SIP_HDR_FROM:
		if (msg->from.p != NULL)
			break;
		sip_set(&msg->from, value, end);
		return sip_name_addr(value, end, &msg->from_uri,
		    &msg->from_tag);
	case SIP_HDR_TO:
		if (msg->to.p != NULL)
			break;
		sip_set(&msg->to, value, end);
		return sip_name_addr(value, end, &msg->to_uri, &msg->to_tag);
	case SIP_HDR_CSEQ:
		if (*have_cseq)
			break;
		*have_cseq = 1;
		return sip_cseq(value, end, msg);
	case SIP_HDR_CONTENT_LENGTH:
		if (msg->content_length != -1)
			break;
		if (scan_number(value, end, SIP_CONTENT_LENGTH_MAX, &n) == -1)
			return -1;
		msg->content_length = (long)n;
		break;
	case SIP_HDR_CONTENT_TYPE:
		if (msg->content_type.p == NULL)
			sip_set(&msg->content_type, value, end);
		break;
	case SIP_HDR_REASON:
		if (msg->reason.p == NULL)
			sip_set(&msg->reason, value, end);
		break;
	case SIP_HDR_OTHER:
		break;
	}
	return 0;
}

/*
 * Parse a message.  A header is used only once the line after it has been
 * seen (it might continue there), so a header the capture cut is never
 * mistaken for a malformed one.
 */
enum dissect_result
sip_parse(const uint8_t *data, size_t len, struct sip_msg *msg)
{
	const char		*p, *end, *lf, *line_end;
	enum dissect_result	 r;
	size_t			 body_len;
	int			 have_cseq = 0;

	memset(msg, 0, sizeof *msg);
	msg->content_length = -1;
	if (len == 0)
		return DISSECT_TRUNCATED;
	p = (const char *)data;
	end = p + len;

	p = sip_skip_crlf(p, end);
	if ((lf = memchr(p, '\n', (size_t)(end - p))) == NULL)
		return DISSECT_TRUNCATED;
	line_end = lf;
	if (line_end > p && line_end[-1] == '\r')
		line_end--;
	if ((r = sip_start_line(p, line_end, msg)) != DISSECT_OK)
		return r;
	p = lf + 1;

	for (;;) {
		if ((lf = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return DISSECT_TRUNCATED;
		line_end = lf;
		if (line_end > p && line_end[-1] == '\r')
			line_end--;
		if (line_end == p)
			break;	/* the empty line: the body follows */

		/* Take in continuation lines (folding, RFC 3261 §7.3.1). */
		for (;;) {
			if (lf + 1 == end)
				return DISSECT_TRUNCATED;
			if (lf[1] != ' ' && lf[1] != '\t')
				break;
			lf = memchr(lf + 1, '\n', (size_t)(end - lf - 1));
			if (lf == NULL)
				return DISSECT_TRUNCATED;
		}
		if (sip_header(p, lf, msg, &have_cseq) == -1)
			return DISSECT_MALFORMED;
		p = lf + 1;
	}
	p = lf + 1;

	if (msg->call_id.len == 0 || msg->from.p == NULL ||
	    msg->to.p == NULL || !have_cseq)
		return DISSECT_MALFORMED;

	/* Over UDP, without Content-Length the body runs to the end. */
	body_len = (size_t)(end - p);
	if (msg->content_length >= 0 && (size_t)msg->content_length < body_len)
		body_len = (size_t)msg->content_length;
	msg->body.p = p;
	msg->body.len = body_len;
	return DISSECT_OK;
}

/* A method's name. */
const char *
sip_method_name(enum sip_method method)
{
	size_t	i;

	for (i = 0; sip_methods[i].name != NULL; i++) {
		if (sip_methods[i].method == method)
			return sip_methods[i].name;
	}
	return "UNKNOWN";
}

/* A method from its name; method names are case-sensitive (§7.1). */
enum sip_method
sip_method_from(const char *p, size_t len)
{
	size_t	i;

	for (i = 0; sip_methods[i].name != NULL; i++) {
		if (strlen(sip_methods[i].name) == len &&
		    memcmp(sip_methods[i].name, p, len) == 0)
			return sip_methods[i].method;
	}
	return SIP_METHOD_UNKNOWN;
}

/* The standard reason phrase of a status code. */
const char *
sip_status_phrase(int code)
{
	size_t	i;

	for (i = 0; sip_status_phrases[i].phrase != NULL; i++) {
		if (sip_status_phrases[i].code == code)
			return sip_status_phrases[i].phrase;
	}
	return NULL;
}
