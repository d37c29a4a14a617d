/*
 * SIP over WebSocket framing (RFC 6455 sections 4 and 5, RFC 7118).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-------+-+-------------+-------------------------------+
 * |F|R|R|R| opcode|M| length (7)  |   extended length (16 or 64)  |
 * |I|S|S|S|       |A|  126: 16    |                               |
 * |N|V|V|V|       |S|  127: 64    |                               |
 * +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 * |      ... extended length, if 64     |  masking key, if MASK   |
 * +-------------------------------------+-------------------------+
 * |                         payload ...                           |
 * +---------------------------------------------------------------+
 *
 * A client masks every frame it sends, a server none; the key XORs the
 * payload byte by byte, cycling every 4.  The HTTP head before the first
 * frame is scanned for the empty line and the two headers that say it is
 * an upgrade; its other headers are not checked (a probe sees what the
 * server accepted, in its 101).
 */
#include <string.h>

#include "dissectors/scan.h"
#include "dissectors/wsframe.h"

#define WS_MAX_CONTROL	125

int
wsframe_http_start(const uint8_t *p, size_t len)
{
	static const char *const starts[] = { "GET ", "HTTP/1.", NULL };
	const char *const *s;
	size_t n;

	for (s = starts; *s != NULL; s++) {
		n = strlen(*s);
		if (len >= n && memcmp(p, *s, n) == 0)
			return 1;
	}
	return 0;
}

/* Does the header line [p, end) name `name` with a value holding `word`? */
static int
header_has(const char *p, const char *end, const char *name, const char *word)
{
	size_t n = strlen(name), w = strlen(word);
	const char *v;

	if ((size_t)(end - p) <= n || !scan_caseeq(p, n, name) || p[n] != ':')
		return 0;
	for (v = p + n + 1; v + w <= end; v++)
		if (scan_caseeq(v, w, word))
			return 1;
	return 0;
}

enum wsframe_result
wsframe_http_head(const uint8_t *p, size_t len, size_t max_len,
    size_t *head_len, int *upgrade)
{
	const char *s = (const char *)p, *line, *eol;
	size_t n = len < max_len ? len : max_len;
	int is_get, is_101, has_upgrade = 0, has_connection = 0;

	if (!wsframe_http_start(p, len))
		return WSFRAME_BAD;
	is_get = memcmp(p, "GET ", 4) == 0;
	is_101 = len >= 12 && memcmp(p, "HTTP/1.", 7) == 0 &&
	    memcmp(p + 8, " 101", 4) == 0;
	for (line = s; line < s + n; line = eol + 1) {
		if ((eol = memchr(line, '\n', (size_t)(s + n - line))) == NULL)
			break;
		/* The empty line: CRLF or a bare LF. */
		if (eol == line || (eol == line + 1 && line[0] == '\r')) {
			*head_len = (size_t)(eol + 1 - s);
			*upgrade = (is_get || is_101) && has_upgrade &&
			    has_connection;
			return WSFRAME_COMPLETE;
		}
		if (header_has(line, eol, "Upgrade", "websocket"))
			has_upgrade = 1;
		if (header_has(line, eol, "Connection", "upgrade"))
			has_connection = 1;
	}
	return len < max_len ? WSFRAME_NEED_MORE : WSFRAME_BAD;
}

enum wsframe_result
wsframe_header(const uint8_t *p, size_t len, struct wsframe *f)
{
	size_t at = 2, i;
	uint64_t n;

	if (len < 2)
		return WSFRAME_NEED_MORE;
	memset(f, 0, sizeof(*f));
	f->fin = (p[0] & 0x80) != 0;
	f->rsv = (p[0] & 0x70) != 0;
	f->opcode = p[0] & 0x0f;
	f->masked = (p[1] & 0x80) != 0;
	n = p[1] & 0x7f;
	if (n == 126) {
		if (len < at + 2)
			return WSFRAME_NEED_MORE;
		n = (uint64_t)p[at] << 8 | p[at + 1];
		at += 2;
		if (n < 126)
			return WSFRAME_BAD;	/* not the minimal form */
	} else if (n == 127) {
		if (len < at + 8)
			return WSFRAME_NEED_MORE;
		for (n = 0, i = 0; i < 8; i++)
			n = n << 8 | p[at + i];
		at += 8;
		if (n >> 63 || n <= 0xffff)
			return WSFRAME_BAD;
	}
	if ((f->opcode & 0x8) && (n > WS_MAX_CONTROL || !f->fin))
		return WSFRAME_BAD;
	if (f->masked) {
		if (len < at + 4)
			return WSFRAME_NEED_MORE;
		memcpy(f->mask, p + at, 4);
		at += 4;
	}
	f->header_len = at;
	f->payload_len = n;
	return WSFRAME_COMPLETE;
}

void
wsframe_unmask(uint8_t *dst, const uint8_t *src, size_t n,
    const uint8_t mask[4], uint64_t at)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = src[i] ^ mask[(at + i) & 3];
}
