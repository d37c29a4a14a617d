/*
 * Framing SIP messages in a byte stream, RFC 3261 sections 7 and 18.3.
 *
 *   INVITE sip:bob@example.com SIP/2.0 CRLF      start line (or
 *   Via: SIP/2.0/TCP ... CRLF                    "SIP/2.0 200 OK")
 *   Content-Length: 142 CRLF                     header lines, long or
 *   ... CRLF                                     compact ("l: 142")
 *   CRLF                                         empty line
 *   v=0 ...                                      Content-Length bytes
 *
 * Bare LF line ends are accepted as well (RFC 3261 section 7.5 asks
 * receivers to be tolerant); folded header lines (leading SP or HT) belong
 * to the header above them.
 */

#include "dissectors/sipframe.h"

#include <string.h>

#define SIP_VERSION		"SIP/2.0"
#define SIP_VERSION_LEN		7
#define SIPFRAME_QUICK_LOOK	16

/* How far a partial line got in matching a start line. */
enum match {
	MATCH_NO,
	MATCH_YES,
	MATCH_MAYBE
};

static int
sipframe_upper(uint8_t c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* RFC 3261 token characters: method and header names. */
static int
sipframe_is_token(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("-.!%*_+`'~", c) != NULL;
}

/* Not a space, not a control character: a URI byte. */
static int
sipframe_is_uri_char(uint8_t c)
{
	return c > ' ' && c != 0x7f;
}

/*
 * Match "SIP/2.0" (any case) at p[0..n); complete says the line ends at n.
 * The version is the last thing on a request line.
 */
static enum match
sipframe_match_version(const uint8_t *p, size_t n, int complete)
{
	size_t	i;

	for (i = 0; i < SIP_VERSION_LEN; i++) {
		if (i == n)
			return complete ? MATCH_NO : MATCH_MAYBE;
		if (sipframe_upper(p[i]) != (uint8_t)SIP_VERSION[i])
			return MATCH_NO;
	}
	if (i != n)
		return MATCH_NO;
	return complete ? MATCH_YES : MATCH_MAYBE;
}

/* Status-Line = SIP-Version SP Status-Code SP Reason-Phrase */
static enum match
sipframe_match_status(const uint8_t *p, size_t n, int complete)
{
	size_t	i;

	for (i = 0; i < SIP_VERSION_LEN + 1; i++) {
		if (i == n)
			return complete ? MATCH_NO : MATCH_MAYBE;
		if (sipframe_upper(p[i]) != (uint8_t)(SIP_VERSION " ")[i])
			return MATCH_NO;
	}
	for (; i < SIP_VERSION_LEN + 4; i++) {
		if (i == n)
			return complete ? MATCH_NO : MATCH_MAYBE;
		if (p[i] < '0' || p[i] > '9')
			return MATCH_NO;
	}
	if (p[SIP_VERSION_LEN + 1] < '1' || p[SIP_VERSION_LEN + 1] > '6')
		return MATCH_NO;
	/* The reason phrase may be empty, and its space with it. */
	if (i < n && p[i] != ' ')
		return MATCH_NO;
	return complete ? MATCH_YES : MATCH_MAYBE;
}

/* Request-Line = Method SP Request-URI SP SIP-Version */
static enum match
sipframe_match_request(const uint8_t *p, size_t n, int complete)
{
	size_t	i, uri;
	int	has_colon = 0;

	for (i = 0; i < n && sipframe_is_token(p[i]); i++)
		;
	if (i == n)
		return complete || i == 0 ? MATCH_NO : MATCH_MAYBE;
	if (i == 0 || p[i] != ' ')
		return MATCH_NO;
	uri = ++i;
	for (; i < n && sipframe_is_uri_char(p[i]); i++) {
		if (p[i] == ':')
			has_colon = 1;
	}
	if (i == n)
		return complete ? MATCH_NO : MATCH_MAYBE;
	/* Every Request-URI is an absolute URI: it names its scheme. */
	if (i == uri || p[i] != ' ' || !has_colon)
		return MATCH_NO;
	i++;
	return sipframe_match_version(p + i, n - i, complete);
}

/* Is the line p[0..n) (whole if complete) a start line, or its start? */
static enum match
sipframe_match_start(const uint8_t *p, size_t n, int complete)
{
	enum match	status, request;

	status = sipframe_match_status(p, n, complete);
	request = sipframe_match_request(p, n, complete);
	if (status == MATCH_YES || request == MATCH_YES)
		return MATCH_YES;
	if (status == MATCH_MAYBE || request == MATCH_MAYBE)
		return MATCH_MAYBE;
	return MATCH_NO;
}

/*
 * Could the n bytes at p, which hold no line end, begin a start line?  A
 * CR at their end may be the first half of the CRLF.
 */
static int
sipframe_could_start(const uint8_t *p, size_t n)
{
	if (n > 0 && p[n - 1] == '\r')
		n--;
	return sipframe_match_start(p, n, 0) != MATCH_NO;
}

/* Does p start with a SIP start line?  See sipframe.h. */
enum sipframe_result
sipframe_start_line(const uint8_t *p, size_t len, size_t *line_len)
{
	const uint8_t	*lf;
	size_t		 scan, n;
	enum match	 m;

	/*
	 * Most bytes that are not SIP say so within a few characters: look
	 * there before searching the whole segment for the line end.
	 */
	n = len < SIPFRAME_QUICK_LOOK ? len : SIPFRAME_QUICK_LOOK;
	if (memchr(p, '\n', n) == NULL && !sipframe_could_start(p, n))
		return SIPFRAME_NOT_SIP;

	scan = len < SIPFRAME_MAX_START_LINE ? len : SIPFRAME_MAX_START_LINE;
	if ((lf = memchr(p, '\n', scan)) == NULL) {
		if (len >= SIPFRAME_MAX_START_LINE)
			return SIPFRAME_NOT_SIP;
		return sipframe_could_start(p, len) ? SIPFRAME_NEED_MORE :
		    SIPFRAME_NOT_SIP;
	}
	n = (size_t)(lf - p);
	*line_len = n + 1;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	m = sipframe_match_start(p, n, 1);
	return m == MATCH_YES ? SIPFRAME_COMPLETE : SIPFRAME_NOT_SIP;
}

/* Do the n bytes at p spell the lower-case name, in any case? */
static int
sipframe_name_is(const uint8_t *p, size_t n, const char *name)
{
	size_t	i;

	if (n != strlen(name))
		return 0;
	for (i = 0; i < n; i++) {
		if (sipframe_upper(p[i]) != sipframe_upper((uint8_t)name[i]))
			return 0;
	}
	return 1;
}

/*
 * Read one header line p[0..n), CR and LF removed.  Returns 0, or -1 if
 * the line is no header or states a Content-Length that cannot be.
 */
static int
sipframe_header(struct sipframe *sf, const uint8_t *p, size_t n,
    size_t max_len)
{
	size_t		 name_len, i, value, digit;

	for (name_len = 0; name_len < n && sipframe_is_token(p[name_len]);
	    name_len++)
		;
	if (name_len == 0)
		return -1;
	for (i = name_len; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	if (i == n || p[i] != ':')
		return -1;
	if (!sipframe_name_is(p, name_len, "content-length") &&
	    !sipframe_name_is(p, name_len, "l"))
		return 0;

	for (i++; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	if (i == n || p[i] < '0' || p[i] > '9')
		return -1;
	for (value = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		digit = (size_t)(p[i] - '0');
		/* Checked at every digit, so it never overflows. */
		if (value > (max_len - digit) / 10 || digit > max_len)
			return -1;
		value = value * 10 + digit;
	}
	for (; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	if (i != n)
		return -1;
	/* Two lengths that disagree: which message ends where is a guess. */
	if (sf->has_content_length && sf->content_length != value)
		return -1;
	sf->content_length = value;
	sf->has_content_length = 1;
	return 0;
}

void
sipframe_init(struct sipframe *sf)
{
	sf->scanned = 0;
	sf->header_len = 0;
	sf->content_length = 0;
	sf->has_content_length = 0;
}

/* Measure the message at p, resuming where the last call stopped. */
enum sipframe_result
sipframe_feed(struct sipframe *sf, const uint8_t *p, size_t len,
    size_t max_len, size_t *msg_len)
{
	const uint8_t		*lf;
	size_t			 scan, n, body, total;
	enum sipframe_result	 r;
	int			 folded;

	if (sf->scanned == 0) {
		r = sipframe_start_line(p, len, &n);
		if (r != SIPFRAME_COMPLETE) {
			if (r == SIPFRAME_NEED_MORE && len >= max_len)
				return SIPFRAME_NOT_SIP;
			return r;
		}
		if (n >= max_len)
			return SIPFRAME_NOT_SIP;
		sf->scanned = n;
	}

	while (sf->header_len == 0) {
		/* Only the first max_len bytes may hold the headers. */
		scan = (len < max_len ? len : max_len) - sf->scanned;
		if ((lf = memchr(p + sf->scanned, '\n', scan)) == NULL)
			return len >= max_len ? SIPFRAME_NOT_SIP :
			    SIPFRAME_NEED_MORE;
		n = (size_t)(lf - (p + sf->scanned));
		if (n > 0 && lf[-1] == '\r')
			n--;
		/*
		 * A folded line (leading SP or HT) continues the header
		 * above and is not read: a Content-Length folded before its
		 * digits has no number and makes the message NOT_SIP.
		 */
		folded = n > 0 && (p[sf->scanned] == ' ' ||
		    p[sf->scanned] == '\t');
		if (n == 0)
			sf->header_len = (size_t)(lf - p) + 1;
		else if (memchr(p + sf->scanned, '\0', n) != NULL)
			return SIPFRAME_NOT_SIP;
		else if (!folded &&
		    sipframe_header(sf, p + sf->scanned, n, max_len) != 0)
			return SIPFRAME_NOT_SIP;
		sf->scanned = (size_t)(lf - p) + 1;
	}

	body = sf->content_length;
	if (body > max_len || sf->header_len > max_len - body)
		return SIPFRAME_NOT_SIP;
	total = sf->header_len + body;
	if (len < total)
		return SIPFRAME_NEED_MORE;
	*msg_len = total;
	return SIPFRAME_COMPLETE;
}

/* Measure a message with no saved state. */
enum sipframe_result
sipframe_measure(const uint8_t *p, size_t len, size_t max_len,
    size_t *msg_len)
{
	struct sipframe	sf;

	sipframe_init(&sf);
	return sipframe_feed(&sf, p, len, max_len, msg_len);
}
