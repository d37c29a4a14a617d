/*
 * Unit tests for probe/output/jsonw.c: the report's text must be json-c's,
 * byte for byte, so every check here asks json-c (or printf) itself.
 * Strings are the security line (SIP text is the sender's): every byte
 * value, every pair of them, and random strings are escaped as json-c
 * escapes them.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "probe/output/jsonw.h"
#include "tests/unit.h"

#define FLAGS	(JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | \
		 JSON_C_TO_STRING_NOSLASHESCAPE)

/* A small deterministic generator, so that a failure can be replayed. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* json-c's text for o, written depth levels down (lines after the first
 * indented two spaces a level more), as the report writes it. */
static char *
jsonc_text(json_object *o, int depth)
{
	const char *t = json_object_to_json_string_ext(o, FLAGS);
	size_t n = strlen(t), i, j = 0;
	char *out = malloc(n * (1 + 2 * (size_t)depth) + 1);

	for (i = 0; i < n; i++) {
		out[j++] = t[i];
		if (t[i] == '\n') {
			memset(out + j, ' ', 2 * (size_t)depth);
			j += 2 * (size_t)depth;
		}
	}
	out[j] = '\0';
	return out;
}

/* Compare the writer's text with json-c's for the same tree. */
static int
same_text(struct jsonw *w, json_object *o, int depth, const char *what)
{
	char *want = jsonc_text(o, depth);
	size_t len;
	const char *got = jsonw_text(w, &len);
	int same = len == strlen(want) && memcmp(got, want, len) == 0;

	unit_checks++;
	if (!same)
		UNIT_FAIL("%s: got\n%.*s\nwant\n%s", what, (int)len, got, want);
	free(want);
	json_object_put(o);
	return same;
}

/* One string as a top value and as a key, against json-c. */
static int
string_matches(const char *s)
{
	struct jsonw *w = jsonw_new();
	json_object *o = json_object_new_object();
	json_object *str = json_object_new_string(s);
	char *want;
	const char *got;
	size_t len;
	int same;

	jsonw_clear(w, 0);
	jsonw_string(w, NULL, s);
	want = jsonc_text(str, 0);
	got = jsonw_text(w, &len);
	same = len == strlen(want) && memcmp(got, want, len) == 0;
	free(want);
	json_object_put(str);

	jsonw_clear(w, 0);
	jsonw_object_begin(w, NULL);
	jsonw_string(w, s, s);
	jsonw_object_end(w);
	json_object_object_add(o, s, json_object_new_string(s));
	want = jsonc_text(o, 0);
	got = jsonw_text(w, &len);
	same = same && len == strlen(want) && memcmp(got, want, len) == 0;
	free(want);
	json_object_put(o);
	jsonw_free(w);
	return same;
}

static void
test_every_byte_escaped_as_jsonc(void)
{
	char s[4];
	int c;

	for (c = 1; c < 256; c++) {
		s[0] = 'a';
		s[1] = (char)c;
		s[2] = 'z';
		s[3] = '\0';
		if (!string_matches(s))
			UNIT_FAIL("byte 0x%02x escaped unlike json-c", c);
		unit_checks++;
		s[0] = (char)c;
		s[1] = '\0';
		if (!string_matches(s))
			UNIT_FAIL("byte 0x%02x alone escaped unlike json-c", c);
		unit_checks++;
	}
}

static void
test_every_pair_escaped_as_jsonc(void)
{
	char s[3];
	int a, b, bad = 0;

	for (a = 1; a < 256; a++)
		for (b = 1; b < 256; b++) {
			s[0] = (char)a;
			s[1] = (char)b;
			s[2] = '\0';
			if (!string_matches(s) && bad++ < 5)
				UNIT_FAIL("bytes 0x%02x 0x%02x escaped unlike "
				    "json-c", a, b);
		}
	CHECK_INT(bad, 0);
}

static void
test_random_and_utf8_strings_escaped_as_jsonc(void)
{
	static const char *fixed[] = {
		"", "\"", "\\", "/", "</script>", "\x7f", "a\"b\\c/d",
		"\"}, \"injected\": true, \"x\": {\"",
		"caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x93\x9e",	/* valid */
		"\xc3", "\xc3\x28", "\xe2\x28\xa1", "\xf8\x88\x80\x80\x80",
		"\xed\xa0\x80", "\xc0\xaf", "\xff\xfe", "\x80",	/* invalid */
		"\x01\x1f\x20\x7e\x7f\x80\xff", "tab\there\r\nnew\bline\f",
	};
	char s[64];
	size_t i, j, n;
	int bad = 0;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (!string_matches(fixed[i]))
			UNIT_FAIL("\"%s\" escaped unlike json-c", fixed[i]);
		unit_checks++;
	}
	for (i = 0; i < 100000; i++) {
		n = rng() % (sizeof(s) - 1);
		for (j = 0; j < n; j++)
			s[j] = (char)(1 + rng() % 255);
		s[n] = '\0';
		if (!string_matches(s) && bad++ < 5)
			UNIT_FAIL("random string %zu escaped unlike json-c", i);
	}
	CHECK_INT(bad, 0);
}

/* A C string ends at its NUL, for json_object_new_string as here. */
static void
test_embedded_nul_ends_string(void)
{
	static const char s[] = "ab\0\"cd";

	CHECK(string_matches(s));
	CHECK(string_matches("ab"));
}

/* Every kind of value and container, nested, at several depths. */
static void
test_layout_as_jsonc(void)
{
	struct jsonw *w = jsonw_new();
	int depth;

	for (depth = 0; depth < 4; depth++) {
		json_object *o = json_object_new_object(), *a, *e, *n;

		jsonw_clear(w, depth);
		jsonw_object_begin(w, NULL);
		jsonw_int(w, "id", 7);
		json_object_object_add(o, "id", json_object_new_int(7));
		jsonw_string(w, "name", "x/y\"z");
		json_object_object_add(o, "name", json_object_new_string("x/y\"z"));
		jsonw_null(w, "nothing");
		json_object_object_add(o, "nothing", NULL);
		jsonw_bool(w, "yes", 1);
		json_object_object_add(o, "yes", json_object_new_boolean(1));
		jsonw_bool(w, "no", 0);
		json_object_object_add(o, "no", json_object_new_boolean(0));
		jsonw_fixed(w, "pi", 3.14159, 3);
		json_object_object_add(o, "pi",
		    json_object_new_double_s(3.14159, "3.142"));
		jsonw_fixed(w, "nan", NAN, 3);
		json_object_object_add(o, "nan", NULL);
		jsonw_int(w, "min", INT64_MIN);
		json_object_object_add(o, "min", json_object_new_int64(INT64_MIN));
		jsonw_int(w, "max", INT64_MAX);
		json_object_object_add(o, "max", json_object_new_int64(INT64_MAX));
		jsonw_int(w, "neg", -42);
		json_object_object_add(o, "neg", json_object_new_int64(-42));

		jsonw_object_begin(w, "empty_object");
		jsonw_object_end(w);
		json_object_object_add(o, "empty_object", json_object_new_object());
		jsonw_array_begin(w, "empty_array");
		jsonw_array_end(w);
		json_object_object_add(o, "empty_array", json_object_new_array());

		jsonw_array_begin(w, "list");
		a = json_object_new_array();
		jsonw_int(w, NULL, 0);
		json_object_array_add(a, json_object_new_int(0));
		jsonw_null(w, NULL);
		json_object_array_add(a, NULL);
		jsonw_string(w, NULL, "s");
		json_object_array_add(a, json_object_new_string("s"));
		jsonw_object_begin(w, NULL);
		e = json_object_new_object();
		jsonw_array_begin(w, "inner");
		n = json_object_new_array();
		jsonw_array_begin(w, NULL);
		json_object_array_add(n, json_object_new_array());
		jsonw_array_end(w);
		jsonw_object_begin(w, NULL);
		json_object_array_add(n, json_object_new_object());
		jsonw_object_end(w);
		jsonw_array_end(w);
		json_object_object_add(e, "inner", n);
		jsonw_object_end(w);
		json_object_array_add(a, e);
		jsonw_array_end(w);
		json_object_object_add(o, "list", a);
		jsonw_raw(w, "raw", "false");
		json_object_object_add(o, "raw", json_object_new_boolean(0));
		/* Keys past the short copy, plain and to be escaped. */
		jsonw_int(w, "a_key_longer_than_thirty_two_bytes_plain", 1);
		json_object_object_add(o, "a_key_longer_than_thirty_two_bytes_plain",
		    json_object_new_int(1));
		jsonw_int(w, "a_key_longer_than_thirty_two_bytes\"\n\x01", 2);
		json_object_object_add(o, "a_key_longer_than_thirty_two_bytes\"\n\x01",
		    json_object_new_int(2));
		jsonw_int(w, "sh\"ort", 3);
		json_object_object_add(o, "sh\"ort", json_object_new_int(3));
		jsonw_object_end(w);
		same_text(w, o, depth, "nested object");
	}

	jsonw_clear(w, 1);
	jsonw_array_begin(w, NULL);
	jsonw_array_end(w);
	same_text(w, json_object_new_array(), 1, "empty top array");
	jsonw_clear(w, 2);
	jsonw_object_begin(w, NULL);
	jsonw_object_end(w);
	same_text(w, json_object_new_object(), 2, "empty top object");
	jsonw_clear(w, 1);
	jsonw_string(w, NULL, "top");
	same_text(w, json_object_new_string("top"), 1, "top string");
	jsonw_free(w);
}

/* One double against printf at every decimals the writer takes. */
static int
fixed_matches(double v)
{
	char want[512], got[JSONW_FIXED_MAX];
	int d, same = 1;

	for (d = 0; d <= JSONW_MAX_DECIMALS; d++) {
		snprintf(want, sizeof(want), "%.*f", d, v);
		if (jsonw_format_fixed(got, v, d) != strlen(want) ||
		    strcmp(got, want) != 0) {
			if (same)
				UNIT_FAIL("%.17g at %d decimals: \"%s\", printf "
				    "\"%s\"", v, d, got, want);
			same = 0;
		}
	}
	return same;
}

static void
test_fixed_edges_as_printf(void)
{
	static const double edges[] = {
		0.0, -0.0, 0.125, -0.125, 0.375, 2.5, 3.5, -2.5, 0.5, 1.5,
		0.05, 0.15, 0.25, 0.35, 1.005, 2.675, 1.0005, 0.0625, 0.1875,
		9.9995, 9.5, 99.95, 999999.9999995, 0.0000005, 0.0000015,
		0.00000049999999999999999, 1e-10, -1e-10, -0.001, -0.4, -0.6,
		5e-324, -5e-324, 2.2250738585072014e-308, DBL_MIN, 1e-300,
		4503599627370495.5, 4503599627370496.0, 9007199254740991.0,
		9007199254740992.0, 9007199254740993.0, 1e15, 1e16, 1e17,
		9223372036854774784.0, 9223372036854775808.0,
		18446744073709549568.0, 18446744073709551616.0, 1e19, 1e20,
		1e300, DBL_MAX, -DBL_MAX, INFINITY, -INFINITY, NAN,
		1733389200.123456, 1733389200.1234565, 0.1, 0.2, 0.3, 0.7,
		4.35, 4.345, 4.3450000000000001, 123.456, 1.0 / 3.0, 2.0 / 3.0,
	};
	size_t i;

	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		CHECK(fixed_matches(edges[i]));
		CHECK(fixed_matches(-edges[i]));
	}
}

/* Exact ties at every binary place a decimal can meet them. */
static void
test_fixed_ties_as_printf(void)
{
	int bad = 0, shift;
	int64_t n;

	for (shift = 1; shift <= 40; shift++)
		for (n = 0; n < 2000; n++) {
			double v = ldexp((double)(2 * n + 1), -shift);

			if (!fixed_matches(v) && bad++ < 5)
				UNIT_FAIL("tie %lld/2^%d", (long long)(2 * n + 1),
				    shift);
		}
	CHECK_INT(bad, 0);
}

static void
test_fixed_random_as_printf(void)
{
	int bad = 0, i;

	/*
	 * Any bit pattern: the whole range of exponents, subnormals, the
	 * values printf is left with; then as many again whose exponent
	 * puts them where the exact path works, from 2^-80 to 2^70.
	 */
	for (i = 0; i < 20000; i++) {
		uint64_t bits = rng();
		double v;

		memcpy(&v, &bits, sizeof(v));
		if (!fixed_matches(v) && bad++ < 5)
			UNIT_FAIL("bit pattern %016llx", (unsigned long long)bits);
	}
	for (i = 0; i < 100000; i++) {
		uint64_t bits = rng(), biased = 1023 - 80 + rng() % 150;
		double v;

		bits = (bits & 0x800fffffffffffffULL) | biased << 52;
		memcpy(&v, &bits, sizeof(v));
		if (!fixed_matches(v) && bad++ < 5)
			UNIT_FAIL("bit pattern %016llx", (unsigned long long)bits);
	}
	/* The figures a report holds: times, milliseconds, percentages. */
	for (i = 0; i < 100000; i++) {
		double scale = ldexp(1.0, (int)(rng() % 80) - 40);
		double v = (double)(rng() >> 11) / 9007199254740992.0 * scale;

		if (!fixed_matches(v) && bad++ < 5)
			UNIT_FAIL("value %.17g", v);
	}
	/* Decimal halves, which are ties only when binary allows. */
	for (i = 0; i < 100000; i++) {
		int d = (int)(rng() % 7);
		double v = ((double)(rng() % 100000000) + 0.5) / pow(10, d);

		if (!fixed_matches(v) && bad++ < 5)
			UNIT_FAIL("decimal half %.17g", v);
	}
	CHECK_INT(bad, 0);
}

int
main(void)
{
	RUN(test_every_byte_escaped_as_jsonc);
	RUN(test_every_pair_escaped_as_jsonc);
	RUN(test_random_and_utf8_strings_escaped_as_jsonc);
	RUN(test_embedded_nul_ends_string);
	RUN(test_layout_as_jsonc);
	RUN(test_fixed_edges_as_printf);
	RUN(test_fixed_ties_as_printf);
	RUN(test_fixed_random_as_printf);
	return unit_done("test-jsonw");
}
