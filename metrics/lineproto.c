/*
 * InfluxDB line protocol encoder; the rules it follows are in lineproto.h.
 *
 * Why a backslash before a special character cannot be escaped: InfluxDB
 * 1.x scans the key part of a line (measurement and tags) asking "is the
 * previous byte a backslash?", but splits lines and fields by skipping a
 * backslash and the byte after it.  For "a\\,b" the first says the comma is
 * escaped, the second says it is a separator, and the two disagree about
 * where a quoted string starts, so a later line feed can end up inside a
 * "string".  Text written here therefore never has a literal backslash in
 * front of ',', '=', ' ' or the end of a name, where the readings differ.
 *
 * Every call reserves the most room its text can take first, so that an
 * allocation can only fail before a byte of it is written and the
 * writers below need no checks.
 */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/lineproto.h"

enum lp_state {
	LP_IDLE = 0,	/* no point open */
	LP_TAGS,	/* measurement written, tags may follow */
	LP_FIELDS,	/* at least one field written */
	LP_DEAD		/* point cannot be written: wait for lp_end */
};

/* How a piece of text is escaped. */
enum lp_kind {
	LP_MEASUREMENT,	/* ',' ' ' escaped, no leading '#' */
	LP_NAME,	/* tag key, tag value, field key: ',' '=' ' ' escaped */
	LP_STRING	/* string field value: '"' '\' escaped */
};

/* Most bytes one clean byte can take once escaped ("," becomes "\,"). */
#define LP_ESCAPE_GROWTH	2
/* Most clean bytes one input byte can become (a stray byte is U+FFFD). */
#define LP_CLEAN_GROWTH		3
/* Room for a name with its separator and '='. */
#define LP_NAME_ROOM		(LP_ESCAPE_GROWTH * LP_NAME_MAX + 2)

void
lp_buf_init(struct lp_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
lp_buf_free(struct lp_buf *b)
{
	free(b->data);
	lp_buf_init(b);
}

void
lp_buf_reset(struct lp_buf *b)
{
	b->len = 0;
	b->failed = 0;
	b->state = LP_IDLE;
	b->nfields = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Give up on the open point: back to where it started. */
static void
lp_drop_point(struct lp_buf *b)
{
	if (b->state != LP_IDLE)
		b->len = b->point_start;
	if (b->data != NULL)
		b->data[b->len] = '\0';
}

/*
 * Make room for need more bytes and the NUL.  On failure the open point is
 * dropped, failed set and 0 returned.
 */
static int
lp_reserve(struct lp_buf *b, size_t need)
{
	size_t want, cap;
	char *p;

	if (b->failed)
		return 0;
	if (need <= SIZE_MAX - 1 - b->len) {
		want = b->len + need + 1;
		if (want <= b->cap)
			return 1;
		cap = b->cap > 0 ? b->cap : 1024;
		while (cap < want)
			cap = cap > SIZE_MAX / 2 ? want : cap * 2;
		if ((p = realloc(b->data, cap)) != NULL) {
			b->data = p;
			b->cap = cap;
			return 1;
		}
	}
	b->failed = 1;
	lp_drop_point(b);
	b->state = LP_DEAD;
	return 0;
}

/* Append bytes that lp_reserve already made room for. */
static void
lp_put(struct lp_buf *b, const char *s, size_t n)
{
	assert(b->len + n < b->cap);
	memcpy(b->data + b->len, s, n);
	b->len += n;
}

/* Append one byte that lp_reserve already made room for. */
static void
lp_putc(struct lp_buf *b, char c)
{
	assert(b->len + 1 < b->cap);
	b->data[b->len++] = c;
}

/* Does a well-formed sequence's second byte fit its lead (Unicode Table 3-7)? */
static int
lp_second_ok(unsigned lead, unsigned c)
{
	switch (lead) {
	case 0xe0:
		return c >= 0xa0 && c <= 0xbf;	/* no overlong 3-byte form */
	case 0xed:
		return c >= 0x80 && c <= 0x9f;	/* no surrogates */
	case 0xf0:
		return c >= 0x90 && c <= 0xbf;	/* no overlong 4-byte form */
	case 0xf4:
		return c >= 0x80 && c <= 0x8f;	/* nothing past U+10FFFF */
	default:
		return c >= 0x80 && c <= 0xbf;
	}
}

/*
 * Take the next character of s[*i..n) and put its clean UTF-8 in out:
 * the character itself, a space for a control character, or U+FFFD for a
 * maximal ill-formed subsequence.  Returns its length, 0 at the end.
 */
static size_t
lp_clean_next(const unsigned char *s, size_t n, size_t *i, char out[4])
{
	unsigned lead;
	size_t len, k;

	if (*i >= n)
		return 0;
	lead = s[*i];
	if (lead < 0x80) {
		out[0] = lead < 0x20 || lead == 0x7f ? ' ' : (char)lead;
		(*i)++;
		return 1;
	}
	if (lead >= 0xc2 && lead <= 0xdf)
		len = 2;
	else if (lead >= 0xe0 && lead <= 0xef)
		len = 3;
	else if (lead >= 0xf0 && lead <= 0xf4)
		len = 4;
	else
		len = 1;	/* continuation byte or never-valid lead */
	for (k = 1; k < len; k++) {
		if (*i + k >= n || (k == 1 ? !lp_second_ok(lead, s[*i + 1]) :
		    (s[*i + k] & 0xc0) != 0x80))
			break;
	}
	if (len == 1 || k < len) {
		*i += k;
		memcpy(out, "\xef\xbf\xbd", 3);
		return 3;
	}
	/* C1 controls (U+0080..U+009F, "\xc2\x80".."\xc2\x9f"): CSI is one. */
	if (lead == 0xc2 && s[*i + 1] < 0xa0) {
		*i += 2;
		out[0] = ' ';
		return 1;
	}
	memcpy(out, s + *i, len);
	*i += len;
	return len;
}

/* Is c a character the kind escapes with a backslash? */
static int
lp_special(enum lp_kind kind, char c)
{
	switch (kind) {
	case LP_MEASUREMENT:
		return c == ',' || c == ' ';
	case LP_NAME:
		return c == ',' || c == '=' || c == ' ';
	case LP_STRING:
		return c == '"' || c == '\\';
	}
	return 0;
}

/*
 * Append text[0..n) cleaned, cut to max_bytes and escaped for its kind,
 * into room reserved for LP_ESCAPE_GROWTH times the clean length.  Returns
 * the clean length (0: nothing written).
 */
static size_t
lp_put_text(struct lp_buf *b, const char *text, size_t n, enum lp_kind kind,
    size_t max_bytes)
{
	const unsigned char *s = (const unsigned char *)text;
	char cur[4], next[4];
	size_t i = 0, used = 0, cur_len, next_len;

	cur_len = lp_clean_next(s, n, &i, cur);
	while (cur_len > 0 && used + cur_len <= max_bytes) {
		next_len = lp_clean_next(s, n, &i, next);
		if (used + cur_len + next_len > max_bytes)
			next_len = 0;	/* cut here: cur is the last */
		if (cur_len == 1 && kind != LP_STRING && cur[0] == '\\' &&
		    (next_len == 0 || (next_len == 1 &&
		    (next[0] == ',' || next[0] == '=' || next[0] == ' '))))
			cur[0] = '?';	/* see the comment at the top */
		else if (cur_len == 1 && kind == LP_MEASUREMENT && used == 0 &&
		    cur[0] == '#')
			cur[0] = '?';	/* not a comment line */
		if (cur_len == 1 && lp_special(kind, cur[0]))
			lp_putc(b, '\\');
		lp_put(b, cur, cur_len);
		used += cur_len;
		memcpy(cur, next, next_len);
		cur_len = next_len;
	}
	return used;
}

/* Room the escaped form of n input bytes cut to max_bytes can take. */
static size_t
lp_text_room(size_t n, size_t max_bytes)
{
	size_t clean = n > max_bytes / LP_CLEAN_GROWTH ? max_bytes :
	    n * LP_CLEAN_GROWTH;

	return LP_ESCAPE_GROWTH * clean;
}

/* Is the name just written at data[from..len) the reserved key "time"? */
static int
lp_is_time(const struct lp_buf *b, size_t from)
{
	return b->len - from == 4 && memcmp(b->data + from, "time", 4) == 0;
}

/* Where the name starting at data[from] ends: its first unescaped stop. */
static size_t
lp_name_end(const struct lp_buf *b, size_t from, size_t to, char stop)
{
	while (from < to && b->data[from] != stop)
		from += b->data[from] == '\\' ? 2 : 1;
	return from < to ? from : to;
}

/* Reverse data[from..to). */
static void
lp_reverse(struct lp_buf *b, size_t from, size_t to)
{
	char c;

	while (from + 1 < to) {
		c = b->data[from];
		b->data[from++] = b->data[--to];
		b->data[to] = c;
	}
}

/*
 * The tag just written at data[start..len) (",key=value", key_len bytes of
 * key) moves to its place among the tags before it, sorted by escaped key.
 * Returns 0, leaving it in place, if a tag with the same key is there.
 */
static int
lp_sort_tag(struct lp_buf *b, size_t start, size_t key_len)
{
	const char *key = b->data + start + 1;
	size_t pos, end, other_len;
	int cmp;

	for (pos = b->tags_start; pos < start; pos = end) {
		end = lp_name_end(b, pos + 1, start, ',');
		other_len = lp_name_end(b, pos + 1, end, '=') - (pos + 1);
		cmp = memcmp(b->data + pos + 1, key,
		    other_len < key_len ? other_len : key_len);
		if (cmp == 0 && other_len == key_len)
			return 0;
		if (cmp > 0 || (cmp == 0 && other_len > key_len)) {
			/* Rotate [pos, len) so that [start, len) comes first. */
			lp_reverse(b, pos, start);
			lp_reverse(b, start, b->len);
			lp_reverse(b, pos, b->len);
			return 1;
		}
	}
	return 1;
}

int
lp_begin(struct lp_buf *b, const char *measurement)
{
	lp_drop_point(b);
	b->state = LP_DEAD;
	b->nfields = 0;
	b->point_start = b->len;
	if (measurement == NULL)
		return 0;
	if (!lp_reserve(b, LP_NAME_ROOM))
		return 0;
	if (lp_put_text(b, measurement, strlen(measurement), LP_MEASUREMENT,
	    LP_NAME_MAX) == 0) {
		b->data[b->len] = '\0';
		return 0;
	}
	b->data[b->len] = '\0';
	b->tags_start = b->len;
	b->state = LP_TAGS;
	return 1;
}

int
lp_tagn(struct lp_buf *b, const char *key, const char *value,
    size_t value_len)
{
	size_t start, key_len;

	if (b->state != LP_TAGS || key == NULL || value == NULL ||
	    value_len == 0)
		return 0;
	if (!lp_reserve(b, 2 * LP_NAME_ROOM))
		return 0;
	start = b->len;
	lp_putc(b, ',');
	if (lp_put_text(b, key, strlen(key), LP_NAME, LP_NAME_MAX) == 0 ||
	    lp_is_time(b, start + 1))
		goto undo;
	key_len = b->len - (start + 1);	/* escaped, as InfluxDB sorts */
	lp_putc(b, '=');
	if (lp_put_text(b, value, value_len, LP_NAME, LP_NAME_MAX) == 0)
		goto undo;
	if (!lp_sort_tag(b, start, key_len))
		goto undo;
	b->data[b->len] = '\0';
	return 1;
undo:
	b->len = start;
	b->data[b->len] = '\0';
	return 0;
}

int
lp_tag(struct lp_buf *b, const char *key, const char *value)
{
	return lp_tagn(b, key, value, value != NULL ? strlen(value) : 0);
}

/*
 * Write a field's separator, key and '=' after reserving room for them and
 * value_room bytes of value.  Returns 0, having written nothing, if the
 * field cannot be written.
 */
static int
lp_field_key(struct lp_buf *b, const char *key, size_t value_room,
    size_t *start)
{
	if ((b->state != LP_TAGS && b->state != LP_FIELDS) || key == NULL)
		return 0;
	if (!lp_reserve(b, LP_NAME_ROOM + value_room))
		return 0;
	*start = b->len;
	lp_putc(b, b->nfields == 0 ? ' ' : ',');
	if (lp_put_text(b, key, strlen(key), LP_NAME, LP_NAME_MAX) == 0 ||
	    lp_is_time(b, *start + 1)) {
		b->len = *start;
		b->data[b->len] = '\0';
		return 0;
	}
	lp_putc(b, '=');
	return 1;
}

/* Close a field whose value has been written. */
static int
lp_field_done(struct lp_buf *b)
{
	b->data[b->len] = '\0';
	b->state = LP_FIELDS;
	b->nfields++;
	return 1;
}

/* A field whose value is already text in the form the protocol wants. */
static int
lp_field_raw(struct lp_buf *b, const char *key, const char *value, size_t n)
{
	size_t start;

	if (!lp_field_key(b, key, n, &start))
		return 0;
	lp_put(b, value, n);
	return lp_field_done(b);
}

int
lp_field_strn(struct lp_buf *b, const char *key, const char *value,
    size_t value_len)
{
	size_t start;

	if (value == NULL)
		return 0;
	if (!lp_field_key(b, key, lp_text_room(value_len, LP_STRING_MAX) + 2,
	    &start))
		return 0;
	lp_putc(b, '"');
	lp_put_text(b, value, value_len, LP_STRING, LP_STRING_MAX);
	lp_putc(b, '"');
	return lp_field_done(b);
}

int
lp_field_str(struct lp_buf *b, const char *key, const char *value)
{
	return lp_field_strn(b, key, value, value != NULL ? strlen(value) : 0);
}

int
lp_field_int(struct lp_buf *b, const char *key, int64_t v)
{
	char text[32];
	int n;

	n = snprintf(text, sizeof(text), "%" PRId64 "i", v);
	return lp_field_raw(b, key, text, (size_t)n);
}

int
lp_field_uint(struct lp_buf *b, const char *key, uint64_t v)
{
	return lp_field_int(b, key, v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

/*
 * Write a finite double in as few of 15, 16 or 17 significant digits as
 * read back the same.  printf and strtod both follow the locale, so the
 * check is consistent; the locale's decimal point (one or more bytes, such
 * as ",") is then replaced by '.'.
 */
static size_t
lp_format_double(double v, char out[40])
{
	char text[40];
	size_t i, n = 0;
	int precision, point = 0;

	for (precision = 15; precision <= 17; precision++) {
		snprintf(text, sizeof(text), "%.*g", precision, v);
		if (strtod(text, NULL) == v)
			break;
	}
	for (i = 0; text[i] != '\0'; i++) {
		if ((text[i] >= '0' && text[i] <= '9') || text[i] == '-' ||
		    text[i] == '+' || text[i] == 'e' || text[i] == 'E') {
			out[n++] = text[i];
			point = 0;
		} else if (!point) {
			out[n++] = '.';
			point = 1;
		}
	}
	out[n] = '\0';
	return n;
}

int
lp_field_float(struct lp_buf *b, const char *key, double v)
{
	char text[40];
	size_t n;

	if (!isfinite(v))
		return 0;
	n = lp_format_double(v, text);
	return lp_field_raw(b, key, text, n);
}

int
lp_field_bool(struct lp_buf *b, const char *key, int v)
{
	return v ? lp_field_raw(b, key, "true", 4) :
	    lp_field_raw(b, key, "false", 5);
}

int
lp_end(struct lp_buf *b, int64_t ts_ms)
{
	char text[32];
	int n;

	if (b->state != LP_FIELDS) {
		lp_drop_point(b);
		b->state = LP_IDLE;
		return 0;
	}
	n = snprintf(text, sizeof(text), " %" PRId64 "\n", ts_ms);
	if (!lp_reserve(b, (size_t)n)) {
		b->state = LP_IDLE;
		return 0;
	}
	lp_put(b, text, (size_t)n);
	b->data[b->len] = '\0';
	b->state = LP_IDLE;
	b->nfields = 0;
	return 1;
}

size_t
lp_count_lines(const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl;
	size_t n = 0;

	while (p < end) {
		n++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		p = nl + 1;
	}
	return n;
}
