/*
 * The streaming JSON writer (see jsonw.h).
 *
 * Why not json-c, which the rest of the report still uses: every call and
 * stream of a report went through a json-c tree (a malloc and a hash
 * insert per key, snprintf per number, json-c's printbuf, then a pass to
 * indent the text).  At 10 000 calls (20 000 streams, a 42 MB report)
 * the report added 0.54 s to a 1.6 s run on 2 cores, nearly all of it
 * after the capture's end, most of it in malloc and free, printf's
 * conversion of doubles and json-c's printbuf and hash table.  Written
 * here straight into one reused buffer, the same entries take about
 * 0.02 s, and the report adds 0.15 s, most of that the spill files and
 * the report's own writes.  The layout and the escaping are json-c's,
 * byte for byte, and tests/test-jsonw.c holds them to json-c itself:
 * the escaping over every byte value, every pair of them and random
 * strings, the layout over trees of every kind of value, the numbers
 * against printf.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/output/jsonw.h"
#include "probe/vqprobe.h"

/* The deepest indent, in spaces. */
#define INDENT_MAX	(2 * (JSONW_MAX_DEPTH + JSONW_MAX_NESTING))
/* Key bytes begin_value copies without measuring the key first. */
#define JSONW_SHORT_KEY	32

struct jsonw {
	char		*buf;
	size_t		 len;
	size_t		 cap;
	int		 depth;		/* the top value's, as json-c's level */
	int		 open;		/* containers open */
	/* Per open container, outermost first. */
	unsigned char	 is_object[JSONW_MAX_NESTING];
	unsigned char	 has_child[JSONW_MAX_NESTING];
	/* An indent's spaces, copied whole and cut (see begin_value). */
	char		 spaces[INDENT_MAX];
};

/* Most text needs no escape: the bytes json-c writes as they are. */
static int
is_plain(unsigned char c)
{
	return c >= 0x20 && c != '"' && c != '\\';
}

struct jsonw *
jsonw_new(void)
{
	struct jsonw *w = xcalloc(1, sizeof(*w));

	memset(w->spaces, ' ', sizeof(w->spaces));
	w->cap = 4096;
	w->buf = xreallocarray(NULL, w->cap, 1);
	return w;
}

void
jsonw_free(struct jsonw *w)
{
	if (w == NULL)
		return;
	free(w->buf);
	free(w);
}

void
jsonw_clear(struct jsonw *w, int depth)
{
	assert(depth >= 0 && depth <= JSONW_MAX_DEPTH);
	w->len = 0;
	w->open = 0;
	w->depth = depth;
}

const char *
jsonw_text(const struct jsonw *w, size_t *len)
{
	*len = w->len;
	return w->buf;
}

/* Room for n more bytes; the buffer only grows, so it settles early. */
static char *
reserve(struct jsonw *w, size_t n)
{
	if (w->cap - w->len < n) {
		while (w->cap - w->len < n)
			w->cap *= 2;
		w->buf = xreallocarray(w->buf, w->cap, 1);
	}
	return w->buf + w->len;
}

/*
 * s as json-c's json_escape_str writes it with NOSLASHESCAPE: '"', '\\'
 * and the five controls with a short form backslashed, every other byte
 * below 0x20 as \u00xx (lower-case hex), everything else (DEL, bytes of
 * UTF-8, valid or not) as it is.  o has room for 6 bytes an input byte.
 */
static char *
put_escaped(char *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	const unsigned char *run;
	unsigned char c;

	for (;;) {
		/* Most text needs nothing: copied in runs. */
		for (run = p; p < end && is_plain(*p); p++)
			;
		memcpy(o, run, (size_t)(p - run));
		o += p - run;
		if (p == end)
			return o;
		c = *p++;
		*o++ = '\\';
		switch (c) {
		case '\b': *o++ = 'b'; break;
		case '\t': *o++ = 't'; break;
		case '\n': *o++ = 'n'; break;
		case '\f': *o++ = 'f'; break;
		case '\r': *o++ = 'r'; break;
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		default:
			memcpy(o, "u00", 3);
			o[3] = hex[c >> 4];
			o[4] = hex[c & 0xf];
			o += 5;
		}
	}
}

/*
 * What json-c writes before a value in its container: a comma after the
 * previous child, the line's indent, the key.  Leaves room for extra
 * bytes of the value itself and returns where they go.
 *
 * Written for speed (a 10 000 call report has 1.4 million keys): the
 * room reserved first holds a whole indent and a short key, so that
 * the indent is one fixed-size copy and a plain key is copied as it is
 * checked; anything else takes the general way.
 */
static char *
begin_value(struct jsonw *w, const char *key, size_t extra)
{
	int level = w->depth + w->open;
	const unsigned char *k;
	size_t n;
	char *o;

	o = reserve(w, 2 + INDENT_MAX + JSONW_SHORT_KEY + 3 + extra);
	if (w->open == 0) {
		assert(key == NULL);
		return o;
	}
	assert((key != NULL) == (w->is_object[w->open - 1] != 0));
	if (w->has_child[w->open - 1]) {
		*o++ = ',';
		*o++ = '\n';
	}
	w->has_child[w->open - 1] = 1;
	memcpy(o, w->spaces, INDENT_MAX);
	o += 2 * level;
	if (key == NULL)
		return o;
	*o++ = '"';
	for (k = (const unsigned char *)key; is_plain(*k) &&
	    k - (const unsigned char *)key < JSONW_SHORT_KEY; k++)
		*o++ = (char)*k;
	if (*k != '\0') {
		/* Long, or to be escaped: the rest measured, room made. */
		n = strlen((const char *)k);
		w->len = (size_t)(o - w->buf);
		o = reserve(w, 6 * n + 3 + extra);
		o = put_escaped(o, (const char *)k, n);
	}
	memcpy(o, "\": ", 3);
	return o + 3;
}

static void
end_value(struct jsonw *w, char *o)
{
	w->len = (size_t)(o - w->buf);
}

static void
container_begin(struct jsonw *w, const char *key, int is_object)
{
	char *o = begin_value(w, key, 2);

	assert(w->open < JSONW_MAX_NESTING);
	*o++ = is_object ? '{' : '[';
	*o++ = '\n';
	end_value(w, o);
	w->is_object[w->open] = (unsigned char)is_object;
	w->has_child[w->open] = 0;
	w->open++;
}

/* json-c closes a container on a line of its own, empty or not. */
static void
container_end(struct jsonw *w, int is_object)
{
	int level = w->depth + w->open - 1;
	char *o = reserve(w, 2 + INDENT_MAX);

	assert(w->open > 0 && w->is_object[w->open - 1] == is_object);
	if (w->has_child[w->open - 1])
		*o++ = '\n';
	memcpy(o, w->spaces, INDENT_MAX);
	o += 2 * level;
	*o++ = is_object ? '}' : ']';
	end_value(w, o);
	w->open--;
}

void
jsonw_object_begin(struct jsonw *w, const char *key)
{
	container_begin(w, key, 1);
}

void
jsonw_object_end(struct jsonw *w)
{
	container_end(w, 1);
}

void
jsonw_array_begin(struct jsonw *w, const char *key)
{
	container_begin(w, key, 0);
}

void
jsonw_array_end(struct jsonw *w)
{
	container_end(w, 0);
}

void
jsonw_raw(struct jsonw *w, const char *key, const char *text)
{
	size_t n = strlen(text);
	char *o = begin_value(w, key, n);

	memcpy(o, text, n);
	end_value(w, o + n);
}

void
jsonw_null(struct jsonw *w, const char *key)
{
	jsonw_raw(w, key, "null");
}

void
jsonw_bool(struct jsonw *w, const char *key, int b)
{
	jsonw_raw(w, key, b ? "true" : "false");
}

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* The n lowest decimal digits of v (zeros first if it has fewer) at o. */
static void
put_digits(char *o, uint64_t v, int n)
{
	while (n >= 2) {
		n -= 2;
		memcpy(o + n, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (n == 1)
		o[0] = (char)('0' + v % 10);
}

/* Decimal digits of v at o; returns their end. */
static char *
put_u64(char *o, uint64_t v)
{
	uint64_t t = v;
	int n = 1;

	while (t >= 10) {
		t /= 10;
		n++;
	}
	put_digits(o, v, n);
	return o + n;
}

void
jsonw_int(struct jsonw *w, const char *key, int64_t v)
{
	char *o = begin_value(w, key, 20);

	if (v < 0) {
		*o++ = '-';
		o = put_u64(o, -(uint64_t)v);
	} else
		o = put_u64(o, (uint64_t)v);
	end_value(w, o);
}

void
jsonw_string(struct jsonw *w, const char *key, const char *s)
{
	size_t n;
	char *o;

	if (s == NULL) {
		jsonw_null(w, key);
		return;
	}
	n = strlen(s);
	o = begin_value(w, key, 6 * n + 2);
	*o++ = '"';
	o = put_escaped(o, s, n);
	*o++ = '"';
	end_value(w, o);
}

void
jsonw_fixed(struct jsonw *w, const char *key, double v, int decimals)
{
	char *o;

	if (!isfinite(v)) {
		jsonw_null(w, key);
		return;
	}
	o = begin_value(w, key, JSONW_FIXED_MAX);
	end_value(w, o + jsonw_format_fixed(o, v, decimals));
}

/*
 * "%.*f" without printf, where 128-bit integers make it exact.  A double
 * is m * 2^e, m an integer of 53 bits at most: below 2^64 its integer
 * part is m >> -e and its fraction r / 2^-e, r the bits shifted out.  The
 * decimals are then r * 10^d / 2^-e, its remainder deciding the rounding
 * as glibc's printf does in the default rounding mode: to nearest, a tie
 * to the even digit.  r * 10^d stays below 2^53 * 10^9 < 2^83, so every
 * step is exact.  Larger values, and systems without 128-bit integers,
 * go to snprintf.
 */
size_t
jsonw_format_fixed(char *buf, double v, int decimals)
{
#ifdef __SIZEOF_INT128__
	static const uint64_t pow10[JSONW_MAX_DECIMALS + 1] = { 1, 10, 100,
	    1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000 };
	typedef unsigned __int128 u128;
	uint64_t bits, m, ip, fr, scale;
	int biased, e, k;
	char *o = buf;

	assert(decimals >= 0 && decimals <= JSONW_MAX_DECIMALS);
	memcpy(&bits, &v, sizeof(bits));
	biased = (int)(bits >> 52 & 0x7ff);
	m = bits & ((UINT64_C(1) << 52) - 1);
	/* Not finite, or 2^63 and up: printf's own. */
	if (biased == 0x7ff || biased > 1075 + 10)
		return (size_t)snprintf(buf, JSONW_FIXED_MAX, "%.*f",
		    decimals, v);
	if (biased == 0)
		biased = 1;			/* subnormal */
	else
		m |= UINT64_C(1) << 52;
	e = biased - 1075;			/* v = m * 2^e */
	scale = pow10[decimals];
	if (e >= 0) {
		ip = m << e;
		fr = 0;
	} else if ((k = -e) >= 128) {
		/* Below 2^-75: rounds to 0 in any decimals taken. */
		ip = 0;
		fr = 0;
	} else {
		u128 r = k < 64 ? m & ((UINT64_C(1) << k) - 1) : m;
		u128 p = r * scale, rem, half;

		ip = k < 64 ? m >> k : 0;
		fr = (uint64_t)(p >> k);
		rem = p & (((u128)1 << k) - 1);
		half = (u128)1 << (k - 1);
		if (rem > half || (rem == half &&
		    ((decimals > 0 ? fr : ip) & 1) != 0)) {
			if (++fr == scale) {
				fr = 0;
				ip++;
			}
		}
	}
	if (bits >> 63)
		*o++ = '-';
	o = put_u64(o, ip);
	if (decimals > 0) {
		*o++ = '.';
		put_digits(o, fr, decimals);
		o += decimals;
	}
	*o = '\0';
	return (size_t)(o - buf);
#else
	assert(decimals >= 0 && decimals <= JSONW_MAX_DECIMALS);
	return (size_t)snprintf(buf, JSONW_FIXED_MAX, "%.*f", decimals, v);
#endif
}
