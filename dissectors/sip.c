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
 * form (§7.3.3).  Via, Contact and Reason may hold several comma-separated
 * values, and commas inside quoted strings or <...> do not count.
 *
 * The session description is the body, or one part of a multipart body
 * (RFC 2046 §5.1.1), as SIP-I gateways send SDP beside ISUP:
 *
 *  Content-Type: multipart/mixed;boundary=b1
 *
 *  (preamble, ignored)
 *  --b1                                 delimiter: at a line start
 *  Content-Type: application/sdp        part headers, empty line
 *
 *  v=0 ...                              part body; the line end before
 *  --b1                                 the next delimiter belongs to it
 *  Content-Type: application/ISUP;version=itu-t92+
 *
 *  (binary)
 *  --b1--                               close delimiter, then epilogue
 *
 * Everything here is bounded by the captured length: the text is never
 * assumed to be NUL-terminated.
 */

#include <stddef.h>
#include <string.h>

#include "dissectors/scan.h"
#include "dissectors/sip.h"

#define SIP_VERSION		"SIP/2.0"
#define SIP_VERSION_LEN		(sizeof SIP_VERSION - 1)
#define SIP_CONTENT_LENGTH_MAX	0x7fffffffL
#define SIP_BOUNDARY_MAX	70	/* RFC 2046 §5.1.1 */
#define SIP_MULTIPART_DEPTH	3	/* multipart inside multipart */

/* How sip_parse treats a header. */
enum sip_hdr {
	SIP_HDR_OTHER = 0,	/* not kept */
	SIP_HDR_TEXT,		/* the first value, as written, into a field */
	SIP_HDR_FROM,
	SIP_HDR_TO,
	SIP_HDR_CSEQ,
	SIP_HDR_CONTENT_LENGTH,
	SIP_HDR_VIA,		/* every one counted, the first kept */
	SIP_HDR_CONTACT,
	SIP_HDR_REASON		/* every one read */
};

/* Where a SIP_HDR_TEXT header's value goes. */
#define SIP_FIELD(f)	offsetof(struct sip_msg, f)

/*
 * Header names and their compact forms.  The compact forms of headers that
 * are not kept are listed too, so this stays the whole list (RFC 3261
 * §7.3.3 and the RFCs that added letters, as IANA's SIP parameters
 * registry lists them) and keeping one is one edit.
 */
static const struct sip_hdr_name {
	const char	*name;
	char		 compact;
	enum sip_hdr	 hdr;
	size_t		 field;		/* SIP_HDR_TEXT only */
} sip_hdr_names[] = {
	{ "Call-ID",		 'i', SIP_HDR_TEXT, SIP_FIELD(call_id) },
	{ "From",		 'f', SIP_HDR_FROM, 0 },
	{ "To",			 't', SIP_HDR_TO, 0 },
	{ "CSeq",		 0,   SIP_HDR_CSEQ, 0 },
	{ "Via",		 'v', SIP_HDR_VIA, 0 },
	{ "Contact",		 'm', SIP_HDR_CONTACT, 0 },
	{ "Content-Length",	 'l', SIP_HDR_CONTENT_LENGTH, 0 },
	{ "Content-Type",	 'c', SIP_HDR_TEXT, SIP_FIELD(content_type) },
	{ "Content-Encoding",	 'e', SIP_HDR_TEXT,
	    SIP_FIELD(content_encoding) },
	{ "Supported",		 'k', SIP_HDR_TEXT, SIP_FIELD(supported) },
	{ "Subject",		 's', SIP_HDR_TEXT, SIP_FIELD(subject) },
	{ "Reason",		 0,   SIP_HDR_REASON, 0 },	/* RFC 3326 */
	{ "User-Agent",		 0,   SIP_HDR_TEXT, SIP_FIELD(user_agent) },
	{ "Server",		 0,   SIP_HDR_TEXT, SIP_FIELD(server) },
	{ "Event",		 'o', SIP_HDR_TEXT, SIP_FIELD(event) },
							/* RFC 6665 */
	{ "Allow-Events",	 'u', SIP_HDR_TEXT, SIP_FIELD(allow_events) },
							/* RFC 6665 */
	{ "Refer-To",		 'r', SIP_HDR_TEXT, SIP_FIELD(refer_to) },
							/* RFC 3515 */
	{ "Referred-By",	 'b', SIP_HDR_OTHER, 0 },	/* RFC 3892 */
	{ "Session-Expires",	 'x', SIP_HDR_OTHER, 0 },	/* RFC 4028 */
	{ "Accept-Contact",	 'a', SIP_HDR_OTHER, 0 },	/* RFC 3841 */
	{ "Reject-Contact",	 'j', SIP_HDR_OTHER, 0 },	/* RFC 3841 */
	{ "Request-Disposition", 'd', SIP_HDR_OTHER, 0 },	/* RFC 3841 */
	{ "Identity",		 'y', SIP_HDR_OTHER, 0 },	/* RFC 8224 */
	{ "Identity-Info",	 'n', SIP_HDR_OTHER, 0 },	/* RFC 4474 */
	{ NULL,			 0,   SIP_HDR_OTHER, 0 }
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

/*
 * RFC 3261 §25.1 token characters, by a switch rather than strchr: every
 * UDP datagram is asked whether it looks like SIP, and an RTP packet's
 * first byte (0x80 and up) must be turned away in a compare or two.
 */
static int
sip_is_token(char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    sip_is_digit(ch))
		return 1;
	switch (ch) {
	case '-': case '.': case '!': case '%': case '*':
	case '_': case '+': case '`': case '\'': case '~':
		return 1;
	default:
		return 0;
	}
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
	 * that it is counted as truncated SIP rather than ignored, if what
	 * there is of it is text.
	 */
	if ((eol = memchr(q, '\n', (size_t)(end - q))) == NULL) {
		for (; q < end; q++) {
			if (*q != '\r' && (*q < ' ' || *q > '~'))
				return 0;
		}
		return 1;
	}
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

/* The table entry of a header name, or NULL for one not listed. */
static const struct sip_hdr_name *
sip_hdr_lookup(const char *name, size_t len)
{
	const struct sip_hdr_name	*h;

	for (h = sip_hdr_names; h->name != NULL; h++) {
		if (len == 1 && h->compact != 0 &&
		    sip_lower(*name) == h->compact)
			return h;
		if (scan_caseeq(name, len, h->name))
			return h;
	}
	return NULL;
}

/*
 * The closing quote of a quoted string whose text starts at p, or end.
 * The text may hold escaped characters (RFC 3261 §25.1 quoted-pair).
 */
static const char *
sip_quote_end(const char *p, const char *end)
{
	for (; p < end && *p != '"'; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
	}
	return p;
}

/* The first ch in [p, end) outside a quoted string, or end. */
static const char *
sip_find_unquoted(const char *p, const char *end, char ch)
{
	for (; p < end; p++) {
		if (*p == '"' && (p = sip_quote_end(p + 1, end)) == end)
			break;
		if (*p == ch)
			return p;
	}
	return end;
}

/*
 * The end of the value starting at p in a comma-separated header (Via,
 * Contact, Reason; RFC 3261 §7.3.1): the next ',' outside a quoted
 * string and outside <...>, or end.
 */
static const char *
sip_value_end(const char *p, const char *end)
{
	const char	*gt;

	for (; p < end; p++) {
		if (*p == ',')
			return p;
		if (*p == '"') {
			if ((p = sip_quote_end(p + 1, end)) == end)
				break;
		} else if (*p == '<') {
			if ((gt = memchr(p, '>', (size_t)(end - p))) == NULL)
				break;
			p = gt;
		}
	}
	return end;
}

/* Drop the quotes around a quoted string, if it is one. */
static void
sip_unquote(struct sip_str *s)
{
	if (s->len >= 2 && s->p[0] == '"' && s->p[s->len - 1] == '"') {
		s->p++;
		s->len -= 2;
	}
}

/*
 * Find ";name[=value]" (name in any case) among the parameters in
 * [p, end); values may be quoted strings holding ';'.  Returns 1 and the
 * value, trimmed, quotes kept (empty for a bare name), or 0.
 */
static int
sip_param(const char *p, const char *end, const char *name,
    struct sip_str *value)
{
	const char	*name_p, *name_end, *value_p, *value_end;

	while ((p = sip_find_unquoted(p, end, ';')) < end) {
		name_p = ++p;
		value_end = sip_find_unquoted(p, end, ';');
		name_end = memchr(name_p, '=', (size_t)(value_end - name_p));
		if (name_end == NULL)
			name_end = value_p = value_end;
		else
			value_p = name_end + 1;
		sip_trim(&name_p, &name_end);
		if (scan_caseeq(name_p, (size_t)(name_end - name_p), name)) {
			sip_trim(&value_p, &value_end);
			sip_set(value, value_p, value_end);
			return 1;
		}
		p = value_end;
	}
	return 0;
}

/*
 * A name-addr or addr-spec (From, To, Contact; RFC 3261 §20.10, §20.20,
 * §20.39): the URI is inside <...> when there is a display name or the URI
 * has parameters, else it runs to the first ';'.  The display name may be
 * quoted and hold '<' or ';' of its own.  *params is set to where the
 * header parameters (;tag=...) begin.
 */
static int
sip_name_addr(const char *p, const char *end, struct sip_str *uri,
    const char **params)
{
	const char	*q, *lt = NULL, *gt, *uri_end;

	for (q = p; q < end && lt == NULL; q++) {
		if (*q == '<')
			lt = q;
		else if (*q == '"' && (q = sip_quote_end(q + 1, end)) == end)
			return -1;
	}

	if (lt != NULL) {
		if ((gt = memchr(lt, '>', (size_t)(end - lt))) == NULL)
			return -1;
		p = lt + 1;
		uri_end = gt;
		*params = gt + 1;
	} else {
		if ((uri_end = memchr(p, ';', (size_t)(end - p))) == NULL)
			uri_end = end;
		*params = uri_end;
	}
	sip_trim(&p, &uri_end);
	if (p == uri_end)
		return -1;
	sip_set(uri, p, uri_end);
	return 0;
}

/* From or To: the URI and the tag parameter. */
static int
sip_from_to(const char *p, const char *end, struct sip_str *uri,
    struct sip_str *tag)
{
	const char	*params;

	if (sip_name_addr(p, end, uri, &params) == -1)
		return -1;
	(void)sip_param(params, end, "tag", tag);
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

/*
 * The top Via value: "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1", white
 * space allowed around the slashes (RFC 3261 §20.42, §25.1).
 */
static void
sip_top_via(const char *p, const char *end, struct sip_msg *msg)
{
	const char	*q, *word, *params;

	sip_set(&msg->via, p, end);
	params = sip_find_unquoted(p, end, ';');
	(void)sip_param(params, end, "branch", &msg->via_branch);

	/* The transport follows the second '/', then the sent-by. */
	if ((q = memchr(p, '/', (size_t)(params - p))) == NULL ||
	    (q = memchr(q + 1, '/', (size_t)(params - q - 1))) == NULL)
		return;
	for (q++; q < params && sip_is_lws(*q); q++)
		;
	for (word = q; q < params && sip_is_token(*q); q++)
		;
	if (q > word)
		sip_set(&msg->via_transport, word, q);
	sip_trim(&q, &params);
	if (params > q)
		sip_set(&msg->via_sent_by, q, params);
}

/*
 * Via: every value is counted; the first one is the top Via, the hop
 * nearest the receiver.
 */
static void
sip_via(const char *p, const char *end, struct sip_msg *msg)
{
	const char	*value_end;

	for (;;) {
		value_end = sip_value_end(p, end);
		sip_trim(&p, &value_end);
		if (p < value_end && msg->via_count++ == 0)
			sip_top_via(p, value_end, msg);
		if (value_end == end || (p = sip_value_end(p, end)) == end)
			break;
		p++;
	}
}

/* Contact (RFC 3261 §20.10): the first value, and its URI unless "*". */
static void
sip_contact(const char *p, const char *end, struct sip_msg *msg)
{
	const char	*value_end, *params;
	struct sip_str	 uri;

	if (msg->contact.p != NULL)
		return;
	value_end = sip_value_end(p, end);
	sip_trim(&p, &value_end);
	sip_set(&msg->contact, p, value_end);
	if (value_end - p == 1 && *p == '*')
		return;
	if (sip_name_addr(p, value_end, &uri, &params) == 0)
		msg->contact_uri = uri;
}

/*
 * Reason (RFC 3326): "protocol ;cause=N ;text="..."" values.  The Q.850
 * cause (ITU-T Q.850, 0..127) says why the network cleared the call; the
 * SIP cause is a status code (e.g. 200 for "call completed elsewhere").
 */
static void
sip_reason(const char *p, const char *end, struct sip_msg *msg)
{
	const char	*value_end, *proto, *proto_end;
	struct sip_str	 cause, text;
	unsigned long	 n;
	int		 first, have_cause, have_text;

	for (;;) {
		value_end = sip_value_end(p, end);
		proto = p;
		proto_end = sip_find_unquoted(p, value_end, ';');
		sip_trim(&proto, &proto_end);
		first = msg->reason_protocol.p == NULL;
		if (first && proto < proto_end)
			sip_set(&msg->reason_protocol, proto, proto_end);
		have_cause = sip_param(proto_end, value_end, "cause", &cause);
		have_text = sip_param(proto_end, value_end, "text", &text);
		if (have_text)
			sip_unquote(&text);

		if (scan_caseeq(proto, (size_t)(proto_end - proto), "Q.850")) {
			if (have_cause && msg->reason_cause == -1 &&
			    scan_number(cause.p, cause.p + cause.len, 127,
			    &n) == 0) {
				msg->reason_cause = (int)n;
				if (have_text)
					msg->reason_text = text;
			}
		} else if (scan_caseeq(proto, (size_t)(proto_end - proto),
		    "SIP")) {
			if (have_cause && msg->reason_sip_cause == -1 &&
			    scan_number(cause.p, cause.p + cause.len, 699,
			    &n) == 0)
				msg->reason_sip_cause = (int)n;
		}
		if (first && have_text && msg->reason_text.p == NULL)
			msg->reason_text = text;

		if (value_end == end)
			break;
		p = value_end + 1;
	}
}

/* Keep one header's value, if it is one of ours; -1 if it is unparsable. */
static int
sip_header(const char *p, const char *end, struct sip_msg *msg,
    int *have_cseq)
{
	const struct sip_hdr_name	*h;
	const char			*colon, *name_end, *value;
	struct sip_str			*field;
	unsigned long			 n;

	if ((colon = memchr(p, ':', (size_t)(end - p))) == NULL)
		return 0;	/* not a header: ignored, like the unknown */
	name_end = colon;
	while (name_end > p && (name_end[-1] == ' ' || name_end[-1] == '\t'))
		name_end--;
	value = colon + 1;
	sip_trim(&value, &end);
	if ((h = sip_hdr_lookup(p, (size_t)(name_end - p))) == NULL)
		return 0;

	/* The first of a repeated header counts. */
	switch (h->hdr) {
	case SIP_HDR_TEXT:
		field = (struct sip_str *)(void *)((char *)msg + h->field);
		if (field->p == NULL)
			sip_set(field, value, end);
		break;
	case SIP_HDR_FROM:
		if (msg->from.p != NULL)
			break;
		sip_set(&msg->from, value, end);
		return sip_from_to(value, end, &msg->from_uri, &msg->from_tag);
	case SIP_HDR_TO:
		if (msg->to.p != NULL)
			break;
		sip_set(&msg->to, value, end);
		return sip_from_to(value, end, &msg->to_uri, &msg->to_tag);
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
	case SIP_HDR_VIA:
		sip_via(value, end, msg);
		break;
	case SIP_HDR_CONTACT:
		sip_contact(value, end, msg);
		break;
	case SIP_HDR_REASON:
		if (msg->reason.p == NULL)
			sip_set(&msg->reason, value, end);
		sip_reason(value, end, msg);
		break;
	case SIP_HDR_OTHER:
		break;
	}
	return 0;
}

/* Is a Content-Type value's media type the one named (any case)? */
static int
sip_media_type_is(const char *p, const char *end, const char *type)
{
	const char	*semi;

	if ((semi = memchr(p, ';', (size_t)(end - p))) == NULL)
		semi = end;
	sip_trim(&p, &semi);
	return scan_caseeq(p, (size_t)(semi - p), type);
}

/*
 * The next delimiter line of a multipart body (RFC 2046 §5.1.1) at or
 * after p: "--" boundary at the start of a line (first_line: or at p
 * itself), then "--" for the close delimiter, or else optional white space
 * and the line end.  Returns its start, or NULL; *next is set past its
 * line and *is_close to whether it closes the body.
 */
static const char *
sip_delimiter(const char *p, const char *end, int first_line,
    const struct sip_str *boundary, const char **next, int *is_close)
{
	const char	*q, *after, *lf;
	size_t		 n = 2 + boundary->len;

	for (q = p; (size_t)(end - q) >= n; q++) {
		if (q[0] != '-' || q[1] != '-' ||
		    memcmp(q + 2, boundary->p, boundary->len) != 0)
			continue;
		if (!(q == p && first_line) && (q == p || q[-1] != '\n'))
			continue;
		after = q + n;
		if (end - after >= 2 && after[0] == '-' && after[1] == '-') {
			*is_close = 1;
			*next = end;
			return q;
		}
		while (after < end && (*after == ' ' || *after == '\t'))
			after++;
		if (after < end && *after == '\r')
			after++;
		if (after < end && *after != '\n')
			continue;	/* a longer boundary, or text */
		lf = after;
		*is_close = 0;
		*next = lf < end ? lf + 1 : end;
		return q;
	}
	return NULL;
}

static int	sip_find_sdp(const char *, const char *, int, const char *,
		    const char *, int, int, struct sip_msg *);

/*
 * The parts of a multipart body, each looked through for the SDP.
 * complete says the body was captured whole.  Returns 1 once found.
 */
static int
sip_multipart(const char *ctype, const char *ctype_end, const char *p,
    const char *end, int complete, int depth, struct sip_msg *msg)
{
	struct sip_str	 boundary;
	const char	*part, *part_end, *next, *after, *lf, *line_end;
	const char	*colon, *name, *name_end, *pct = NULL, *pct_end = NULL;
	int		 is_close, next_close, part_complete;

	if (!sip_param(ctype, ctype_end, "boundary", &boundary))
		return 0;
	sip_unquote(&boundary);
	if (boundary.len == 0 || boundary.len > SIP_BOUNDARY_MAX)
		return 0;

	/* The preamble before the first delimiter is ignored. */
	if (sip_delimiter(p, end, 1, &boundary, &part, &is_close) == NULL)
		return 0;
	while (!is_close && part < end) {
		next = sip_delimiter(part, end, 0, &boundary, &after,
		    &next_close);
		if (next != NULL) {
			/* The line end before a delimiter belongs to it. */
			part_end = next;
			if (part_end > part && part_end[-1] == '\n')
				part_end--;
			if (part_end > part && part_end[-1] == '\r')
				part_end--;
			part_complete = 1;
		} else {
			/* No close delimiter: tolerated if nothing was cut. */
			part_end = end;
			part_complete = complete;
		}

		/* The part's headers, up to an empty line. */
		pct = NULL;
		lf = NULL;
		for (p = part; p < part_end; p = lf + 1) {
			lf = memchr(p, '\n', (size_t)(part_end - p));
			if (lf == NULL)
				break;
			line_end = lf;
			if (line_end > p && line_end[-1] == '\r')
				line_end--;
			if (line_end == p)
				break;
			if (pct == NULL && (colon = memchr(p, ':',
			    (size_t)(line_end - p))) != NULL) {
				name = p;
				name_end = colon;
				sip_trim(&name, &name_end);
				if (scan_caseeq(name, (size_t)(name_end - name),
				    "Content-Type")) {
					pct = colon + 1;
					pct_end = line_end;
					sip_trim(&pct, &pct_end);
				}
			}
		}
		if (lf != NULL && p < part_end && pct != NULL &&
		    sip_find_sdp(pct, pct_end, 0, lf + 1, part_end,
		    part_complete, depth + 1, msg))
			return 1;
		if (next == NULL)
			break;
		part = after;
		is_close = next_close;
	}
	return 0;
}

/*
 * Look for the SDP in a body (or a body part) of the given Content-Type:
 * the body itself when it is application/sdp, or when there is no type
 * and untyped_is_sdp (RFC 3261 bodies should be typed, but some are not;
 * a MIME part without one is text/plain, RFC 2045 §5.2), or inside it
 * when it is multipart.  Returns 1 once found.
 */
static int
sip_find_sdp(const char *ctype, const char *ctype_end, int untyped_is_sdp,
    const char *p, const char *end, int complete, int depth,
    struct sip_msg *msg)
{
	const char	*slash;

	if (ctype == NULL ? untyped_is_sdp :
	    sip_media_type_is(ctype, ctype_end, "application/sdp")) {
		if (p == end)
			return 0;
		sip_set(&msg->sdp, p, end);
		msg->sdp_truncated = !complete;
		return 1;
	}
	if (ctype == NULL || depth >= SIP_MULTIPART_DEPTH)
		return 0;
	slash = memchr(ctype, '/', (size_t)(ctype_end - ctype));
	if (slash == NULL || !scan_caseeq(ctype, (size_t)(slash - ctype),
	    "multipart"))
		return 0;
	return sip_multipart(ctype, ctype_end, p, end, complete, depth, msg);
}

/*
 * Parse a message.  A header is used only once the line after it has been
 * seen (it might continue there), so a header the capture cut is never
 * mistaken for a malformed one.
 */
enum dissect_result
sip_parse(const uint8_t *data, size_t len, struct sip_msg *msg)
{
	const char		*p, *start, *end, *lf, *line_end;
	const char		*ctype, *ctype_end;
	enum dissect_result	 r;
	size_t			 body_len;
	int			 have_cseq = 0, complete;

	memset(msg, 0, sizeof *msg);
	msg->content_length = -1;
	msg->reason_cause = -1;
	msg->reason_sip_cause = -1;
	if (len == 0)
		return DISSECT_TRUNCATED;
	start = p = (const char *)data;
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
	msg->header_len = (size_t)(p - start);

	if (msg->call_id.len == 0 || msg->from.p == NULL ||
	    msg->to.p == NULL || !have_cseq)
		return DISSECT_MALFORMED;

	/* Over UDP, without Content-Length the body runs to the end. */
	body_len = (size_t)(end - p);
	complete = 1;
	if (msg->content_length >= 0) {
		if ((size_t)msg->content_length < body_len)
			body_len = (size_t)msg->content_length;
		else if ((size_t)msg->content_length > body_len)
			complete = 0;
	}
	msg->body.p = p;
	msg->body.len = body_len;
	if (body_len == 0)
		return DISSECT_OK;
	/* A compressed body (e: gzip) holds no SDP text to read. */
	if (msg->content_encoding.p != NULL &&
	    !scan_caseeq(msg->content_encoding.p, msg->content_encoding.len,
	    "identity"))
		return DISSECT_OK;
	/* No pointer arithmetic on an absent Content-Type's NULL. */
	ctype = msg->content_type.p;
	ctype_end = ctype != NULL ? ctype + msg->content_type.len : NULL;
	(void)sip_find_sdp(ctype, ctype_end, 1, p, p + body_len, complete, 0,
	    msg);
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

/* Every slice of a parsed message, for sip_msg_rebase. */
static const size_t sip_msg_slices[] = {
	offsetof(struct sip_msg, method_text),
	offsetof(struct sip_msg, request_uri),
	offsetof(struct sip_msg, reason_phrase),
	offsetof(struct sip_msg, call_id),
	offsetof(struct sip_msg, from),
	offsetof(struct sip_msg, to),
	offsetof(struct sip_msg, from_uri),
	offsetof(struct sip_msg, to_uri),
	offsetof(struct sip_msg, from_tag),
	offsetof(struct sip_msg, to_tag),
	offsetof(struct sip_msg, reason),
	offsetof(struct sip_msg, content_type),
	offsetof(struct sip_msg, body),
	offsetof(struct sip_msg, via),
	offsetof(struct sip_msg, via_transport),
	offsetof(struct sip_msg, via_sent_by),
	offsetof(struct sip_msg, via_branch),
	offsetof(struct sip_msg, contact),
	offsetof(struct sip_msg, contact_uri),
	offsetof(struct sip_msg, user_agent),
	offsetof(struct sip_msg, server),
	offsetof(struct sip_msg, supported),
	offsetof(struct sip_msg, subject),
	offsetof(struct sip_msg, content_encoding),
	offsetof(struct sip_msg, event),
	offsetof(struct sip_msg, allow_events),
	offsetof(struct sip_msg, refer_to),
	offsetof(struct sip_msg, reason_protocol),
	offsetof(struct sip_msg, reason_text),
	offsetof(struct sip_msg, sdp),
};

/*
 * A slice that points nowhere (p NULL, an absent header) stays so; every
 * other points into the message's bytes.  test-sip checks that the table
 * names every slice: none still points into the old bytes after.
 */
void
sip_msg_rebase(struct sip_msg *m, const uint8_t *from, const uint8_t *to)
{
	size_t i;

	for (i = 0; i < sizeof(sip_msg_slices) / sizeof(sip_msg_slices[0]);
	    i++) {
		struct sip_str *s = (struct sip_str *)((char *)m +
		    sip_msg_slices[i]);

		if (s->p != NULL)
			s->p = (const char *)to + (s->p - (const char *)from);
	}
}
