/*
 * Hostile points through the line-protocol encoder, for
 * tests/lineproto-influxd.test to post to a real InfluxDB.
 *
 *	lineproto-emit		the points, as line protocol, on stdout
 *	lineproto-emit cases	each case as "NAME HEX-OF-RAW-TEXT", one a
 *				line, so that the test can work out on its
 *				own what the server must give back
 *
 * Every case is a point of measurement "lp_hostile" with tags case=NAME,
 * codec=PCMU and from=RAW, and fields text=RAW, n=index (integer),
 * x=index + 0.5 (float), ok=true and nan=NaN (never written), at
 * 1700000000000 + index ms.  Three more: "nan_only" and "no_fields", which
 * must not reach the server, and "names", whose measurement, tag key and
 * field key are the raw texts of the cases "@measurement", "@tagkey" and
 * "@fieldkey" (tags case=names and TAGKEY=v, field FIELDKEY=1i).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/lineproto.h"

#define BASE_MS		1700000000000LL
#define LONG_BYTES	10240

struct emit_case {
	const char	*name;
	const char	*raw;
	size_t		 len;
};

#define CASE(name, text)	{ name, text, sizeof(text) - 1 }

static const struct emit_case emit_fixed[] = {
	CASE("from_header", "\"Alice\" <sip:alice@example.com>;tag=1928301774"),
	CASE("newline", "Alice\r\nX-Injected: evil\n"),
	CASE("forged_line", "x\nlp_hostile,case=forged,evil=1 n=666i 0\n"),
	CASE("separators", "Bob, Jr.=boss \"q\" a=b"),
	CASE("backslashes", "a\\b c\\\\d \\"),
	CASE("trailing_backslash", "trailing\\"),
	CASE("backslash_special", "a\\,b\\=c\\ d\\\\,e"),
	CASE("quote_backslash", "\"\\\""),
	CASE("terminal", "\x1b[31mred\x1b[0m\a\x7f\xc2\x9b" "2J"),
	CASE("invalid_utf8", "ok \xff\xfe \xc0\xaf \xed\xa0\x80 "
	    "\xf4\x90\x80\x80 \xe2\x82x \xf0\x9f\x98 \xc3"),
	CASE("valid_utf8", "Zo\xc3\xab \xe2\x82\xacuro \xe6\x97\xa5 "
	    "\xf0\x9f\x98\x80"),
	CASE("hash", "#comment"),
	CASE("tag_cut", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaa\\b"),
	CASE("empty", ""),
	CASE("@measurement", "lp names,\n#x\\"),
	CASE("@tagkey", "k e=y\x1b\\"),
	CASE("@fieldkey", "f,\"=\xff\\"),
};

#define NFIXED	(sizeof(emit_fixed) / sizeof(emit_fixed[0]))

/* Fill the two 10 KB cases: a valid hostile pattern, and random bytes. */
static void
emit_long_cases(char *valid, char *bytes)
{
	static const char pattern[] = "\xc3\x84,= \"\\x\xe2\x82\xac \r\n";
	uint32_t x = 12345;
	size_t i;

	for (i = 0; i < LONG_BYTES; i++) {
		valid[i] = pattern[i % (sizeof(pattern) - 1)];
		x = x * 1103515245 + 12345;
		bytes[i] = (char)(1 + (x >> 16) % 255);	/* never NUL */
	}
}

/* The raw text of a fixed case, by name. */
static const char *
emit_find(const char *name)
{
	size_t i;

	for (i = 0; i < NFIXED; i++)
		if (strcmp(emit_fixed[i].name, name) == 0)
			return emit_fixed[i].raw;
	abort();
}

/* One case as "NAME HEX". */
static void
emit_case_line(const char *name, const char *raw, size_t len)
{
	size_t i;

	printf("%s ", name);
	for (i = 0; i < len; i++)
		printf("%02x", (unsigned char)raw[i]);
	putchar('\n');
}

/* The standard point of one case. */
static void
emit_point(struct lp_buf *b, int index, const char *name, const char *raw,
    size_t len)
{
	lp_begin(b, "lp_hostile");
	lp_tag(b, "case", name);
	lp_tag(b, "codec", "PCMU");
	lp_tagn(b, "from", raw, len);
	lp_field_strn(b, "text", raw, len);
	lp_field_int(b, "n", index);
	lp_field_float(b, "x", index + 0.5);
	lp_field_bool(b, "ok", 1);
	lp_field_float(b, "nan", NAN);
	lp_end(b, BASE_MS + index);
}

int
main(int argc, char **argv)
{
	static char valid[LONG_BYTES], bytes[LONG_BYTES];
	struct lp_buf b;
	size_t i;
	int index = 0;

	emit_long_cases(valid, bytes);
	if (argc > 1 && strcmp(argv[1], "cases") == 0) {
		for (i = 0; i < NFIXED; i++)
			emit_case_line(emit_fixed[i].name, emit_fixed[i].raw,
			    emit_fixed[i].len);
		emit_case_line("long_valid", valid, LONG_BYTES);
		emit_case_line("long_bytes", bytes, LONG_BYTES);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	lp_buf_init(&b);
	for (i = 0; i < NFIXED; i++)
		if (emit_fixed[i].name[0] != '@')
			emit_point(&b, index++, emit_fixed[i].name,
			    emit_fixed[i].raw, emit_fixed[i].len);
	emit_point(&b, index++, "long_valid", valid, LONG_BYTES);
	emit_point(&b, index++, "long_bytes", bytes, LONG_BYTES);

	lp_begin(&b, "lp_hostile");
	lp_tag(&b, "case", "nan_only");
	lp_field_float(&b, "x", NAN);
	lp_field_float(&b, "y", -INFINITY);
	lp_end(&b, BASE_MS + index++);
	lp_begin(&b, "lp_hostile");
	lp_tag(&b, "case", "no_fields");
	lp_end(&b, BASE_MS + index++);

	lp_begin(&b, emit_find("@measurement"));
	lp_tag(&b, "case", "names");
	lp_tag(&b, emit_find("@tagkey"), "v");
	lp_field_int(&b, emit_find("@fieldkey"), 1);
	lp_end(&b, BASE_MS + index++);

	if (b.failed || fwrite(b.data, 1, b.len, stdout) != b.len ||
	    fflush(stdout) != 0) {
		lp_buf_free(&b);
		return 1;
	}
	lp_buf_free(&b);
	return 0;
}
