/*
 * Unit tests for metrics/lineproto.c: exact output for simple points, and
 * for hostile text, proof through an independent reader of the line
 * protocol grammar that each point is exactly one line with exactly the
 * intended measurement, tag keys, field keys and timestamp.
 */
#include <float.h>
#include <stdlib.h>

#include "metrics/lineproto.h"
#include "tests/unit.h"

#define TS	1700000000123LL

/* One element of a line as the server would read it, unescaped. */
struct tok_item {
	char	*key;
	char	*value;
	size_t	 value_len;
	char	 type;		/* tags 't'; fields 's', 'i', 'f', 'b' */
};

/* One line as the server would read it. */
struct tok_line {
	char		*measurement;
	struct tok_item	 tags[16];
	int		 ntags;
	struct tok_item	 fields[16];
	int		 nfields;
	long long	 ts;
};

/* Copy n bytes into a fresh C string. */
static char *
tok_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		abort();
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Free what tok_parse_line() allocated. */
static void
tok_free(struct tok_line *t)
{
	int i;

	free(t->measurement);
	for (i = 0; i < t->ntags; i++) {
		free(t->tags[i].key);
		free(t->tags[i].value);
	}
	for (i = 0; i < t->nfields; i++) {
		free(t->fields[i].key);
		free(t->fields[i].value);
	}
	memset(t, 0, sizeof(*t));
}

/*
 * Read one backslash-escaped name from s[*i..n) up to an unescaped byte in
 * stops, unescaping the bytes in escapable.  A backslash before anything
 * else is literal, as InfluxDB reads it; but a literal backslash right
 * before an escaping one ("\\,") or at the end, where InfluxDB's own
 * scanners disagree, is an error.  Returns NULL on error.
 */
static char *
tok_name(const char *s, size_t n, size_t *i, const char *stops,
    const char *escapable)
{
	char *out = malloc(n + 1);
	size_t k = 0;

	if (out == NULL)
		abort();
	while (*i < n && strchr(stops, s[*i]) == NULL) {
		if (s[*i] == '\\') {
			if (*i + 1 >= n)
				goto bad;
			if (strchr(escapable, s[*i + 1]) != NULL) {
				out[k++] = s[*i + 1];
				*i += 2;
				continue;
			}
			if (s[*i + 1] == '\\' && (*i + 2 >= n ||
			    strchr(escapable, s[*i + 2]) != NULL ||
			    strchr(stops, s[*i + 2]) != NULL))
				goto bad;
		}
		out[k++] = s[(*i)++];
	}
	if (k == 0)
		goto bad;
	out[k] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

/* Read a quoted string field value at s[*i] (the opening quote). */
static char *
tok_string(const char *s, size_t n, size_t *i, size_t *len)
{
	char *out = malloc(n + 1);
	size_t k = 0;

	if (out == NULL)
		abort();
	for ((*i)++; *i < n && s[*i] != '"'; (*i)++) {
		if (s[*i] == '\\' && *i + 1 < n &&
		    (s[*i + 1] == '"' || s[*i + 1] == '\\'))
			(*i)++;
		out[k++] = s[*i];
	}
	if (*i >= n) {
		free(out);
		return NULL;
	}
	(*i)++;
	out[k] = '\0';
	*len = k;
	return out;
}

/* Classify an unquoted field value: 'i', 'f', 'b' or 0 if invalid. */
static char
tok_number_type(const char *v)
{
	size_t n = strlen(v), k;
	char *end;

	if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
		return 'b';
	if (n >= 2 && v[n - 1] == 'i') {
		for (k = v[0] == '-' ? 1 : 0; k < n - 1; k++)
			if (v[k] < '0' || v[k] > '9')
				return 0;
		return 'i';
	}
	for (k = 0; k < n; k++)
		if (strchr("0123456789.-+eE", v[k]) == NULL)
			return 0;
	strtod(v, &end);
	return n > 0 && *end == '\0' ? 'f' : 0;
}

/*
 * Parse one line (without its LF) per the grammar into t.  Also checks
 * that tag keys are sorted and unique.  Returns 0 if it is not a valid
 * line.
 */
static int
tok_parse_line(const char *s, size_t n, struct tok_line *t)
{
	size_t i = 0, start;
	struct tok_item *it;
	char *end;

	memset(t, 0, sizeof(*t));
	if (n == 0 || s[0] == '#')
		return 0;
	if ((t->measurement = tok_name(s, n, &i, ", ", ", ")) == NULL)
		return 0;
	while (i < n && s[i] == ',') {
		i++;
		if (t->ntags == 16)
			return 0;
		it = &t->tags[t->ntags++];
		it->type = 't';
		if ((it->key = tok_name(s, n, &i, "=, ", ",= ")) == NULL ||
		    i >= n || s[i] != '=')
			return 0;
		i++;
		if ((it->value = tok_name(s, n, &i, "=, ", ",= ")) == NULL ||
		    (i < n && s[i] == '='))
			return 0;
		it->value_len = strlen(it->value);
		if (t->ntags > 1 && strcmp(t->tags[t->ntags - 2].key,
		    it->key) >= 0)
			return 0;
	}
	if (i >= n || s[i] != ' ')
		return 0;
	do {
		i++;
		if (t->nfields == 16)
			return 0;
		it = &t->fields[t->nfields++];
		if ((it->key = tok_name(s, n, &i, "=, ", ",= ")) == NULL ||
		    i >= n || s[i] != '=')
			return 0;
		i++;
		if (i < n && s[i] == '"') {
			it->type = 's';
			if ((it->value = tok_string(s, n, &i,
			    &it->value_len)) == NULL)
				return 0;
		} else {
			start = i;
			while (i < n && s[i] != ',' && s[i] != ' ')
				i++;
			it->value = tok_strndup(s + start, i - start);
			it->value_len = i - start;
			if ((it->type = tok_number_type(it->value)) == 0)
				return 0;
		}
	} while (i < n && s[i] == ',');
	if (i >= n || s[i] != ' ' || i + 1 >= n)
		return 0;
	t->ts = strtoll(s + i + 1, &end, 10);
	return end == s + n;
}

/* Is s[0..n) valid UTF-8 without control characters? */
static int
tok_clean_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, len, k;
	uint32_t cp;

	while (i < n) {
		if (s[i] < 0x80) {
			if (s[i] < 0x20 || s[i] == 0x7f)
				return 0;
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0)
			len = 2, cp = s[i] & 0x1f;
		else if ((s[i] & 0xf0) == 0xe0)
			len = 3, cp = s[i] & 0x0f;
		else if ((s[i] & 0xf8) == 0xf0)
			len = 4, cp = s[i] & 0x07;
		else
			return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
			return 0;
		i += len;
	}
	return 1;
}

/*
 * The buffer holds exactly one line, clean UTF-8 without control bytes
 * but its final LF, that parses into t.
 */
static int
tok_one_line(const struct lp_buf *b, struct tok_line *t)
{
	memset(t, 0, sizeof(*t));
	if (b->len == 0 || b->data[b->len - 1] != '\n' ||
	    memchr(b->data, '\n', b->len - 1) != NULL ||
	    strlen(b->data) != b->len)
		return 0;
	if (!tok_clean_utf8((const unsigned char *)b->data, b->len - 1))
		return 0;
	return tok_parse_line(b->data, b->len - 1, t);
}

/* Look up an item by key. */
static const struct tok_item *
tok_find(const struct tok_item *items, int n, const char *key)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(items[i].key, key) == 0)
			return &items[i];
	return NULL;
}

static void
test_golden(void)
{
	struct lp_buf b;

	lp_buf_init(&b);
	CHECK_INT(lp_begin(&b, "rtp"), 1);
	CHECK_INT(lp_tag(&b, "codec", "PCMU"), 1);
	CHECK_INT(lp_tag(&b, "dir", "in"), 1);
	CHECK_INT(lp_field_int(&b, "lost", 3), 1);
	CHECK_INT(lp_field_float(&b, "mos", 4.25), 1);
	CHECK_INT(lp_field_str(&b, "call_id", "abc@host"), 1);
	CHECK_INT(lp_field_bool(&b, "ended", 1), 1);
	CHECK_INT(lp_field_bool(&b, "held", 0), 1);
	CHECK_INT(lp_field_uint(&b, "packets", 50), 1);
	CHECK_INT(lp_end(&b, TS), 1);
	CHECK_STR(b.data, "rtp,codec=PCMU,dir=in lost=3i,mos=4.25,"
	    "call_id=\"abc@host\",ended=true,held=false,packets=50i "
	    "1700000000123\n");

	/* A second point appends; no tags is fine. */
	CHECK_INT(lp_begin(&b, "calls"), 1);
	CHECK_INT(lp_field_int(&b, "active", -2), 1);
	CHECK_INT(lp_end(&b, 0), 1);
	CHECK_STR(b.data + strlen(b.data) - strlen("calls active=-2i 0\n"),
	    "calls active=-2i 0\n");
	CHECK_INT(b.len, strlen(b.data));

	lp_buf_reset(&b);
	CHECK_INT(b.len, 0);
	/* Every escape in its place. */
	lp_begin(&b, "sip calls,x=1");
	lp_tag(&b, "a=b", "c d,e=f");
	lp_field_str(&b, "k y,z", "say \"hi\" \\o/");
	lp_end(&b, -5);
	CHECK_STR(b.data, "sip\\ calls\\,x=1,a\\=b=c\\ d\\,e\\=f "
	    "k\\ y\\,z=\"say \\\"hi\\\" \\\\o/\" -5\n");
	lp_buf_free(&b);
	CHECK(b.data == NULL);
}

static void
test_tag_order(void)
{
	struct lp_buf b;

	lp_buf_init(&b);
	lp_begin(&b, "m");
	CHECK_INT(lp_tag(&b, "zone", "z"), 1);
	CHECK_INT(lp_tag(&b, "a", "1"), 1);
	CHECK_INT(lp_tag(&b, "mid", "m m"), 1);
	CHECK_INT(lp_tag(&b, "ab", "2"), 1);
	CHECK_INT(lp_tag(&b, "a", "again"), 0);		/* duplicate */
	CHECK_INT(lp_tag(&b, "b", ""), 0);		/* empty value */
	CHECK_INT(lp_tag(&b, "c", NULL), 0);
	CHECK_INT(lp_tag(&b, "", "v"), 0);		/* empty key */
	CHECK_INT(lp_tag(&b, NULL, "v"), 0);
	CHECK_INT(lp_tag(&b, "time", "v"), 0);		/* reserved */
	CHECK_INT(lp_tagn(&b, "n", "x\0y", 3), 1);	/* NUL is a control */
	CHECK_INT(lp_field_int(&b, "f", 1), 1);
	CHECK_INT(lp_tag(&b, "late", "v"), 0);		/* after a field */
	CHECK_INT(lp_field_int(&b, "", 1), 0);
	CHECK_INT(lp_field_int(&b, NULL, 1), 0);
	CHECK_INT(lp_field_int(&b, "time", 1), 0);
	CHECK_INT(lp_field_str(&b, "s", NULL), 0);
	CHECK_INT(lp_field_str(&b, "e", ""), 1);
	lp_end(&b, 1);
	CHECK_STR(b.data, "m,a=1,ab=2,mid=m\\ m,n=x\\ y,zone=z f=1i,e=\"\" 1\n");
	lp_buf_free(&b);
}

static void
test_integers(void)
{
	struct lp_buf b;

	lp_buf_init(&b);
	lp_begin(&b, "m");
	lp_field_int(&b, "min", INT64_MIN);
	lp_field_int(&b, "max", INT64_MAX);
	lp_field_int(&b, "zero", 0);
	lp_field_uint(&b, "umax", UINT64_MAX);
	lp_field_uint(&b, "top", (uint64_t)INT64_MAX + 1);
	lp_field_uint(&b, "fits", INT64_MAX);
	lp_end(&b, 7);
	CHECK_STR(b.data, "m min=-9223372036854775808i,"
	    "max=9223372036854775807i,zero=0i,umax=9223372036854775807i,"
	    "top=9223372036854775807i,fits=9223372036854775807i 7\n");
	lp_buf_free(&b);
}

/* Write v as the only field and return its text (static storage). */
static const char *
float_text(double v)
{
	static char text[64];
	struct lp_buf b;

	lp_buf_init(&b);
	lp_begin(&b, "m");
	text[0] = '\0';
	if (lp_field_float(&b, "v", v) && lp_end(&b, 0) &&
	    b.len > strlen("m v= 0\n"))
		snprintf(text, sizeof(text), "%.*s",
		    (int)(b.len - strlen("m v= 0\n")), b.data + 4);
	lp_buf_free(&b);
	return text;
}

static void
test_floats(void)
{
	static const double values[] = {
		0.1, 1.0 / 3, 2.0 / 3, 1e-5, 1e300, -1e-300, DBL_MAX, DBL_MIN,
		4.9e-324, 123456789.125, 1e15, 1e16, 1e17, 9007199254740993.0,
		-0.0, 3.0, 100.0, 0.30000000000000004
	};
	const char *text;
	size_t i, k;

	CHECK_STR(float_text(0.1), "0.1");
	CHECK_STR(float_text(4.25), "4.25");
	CHECK_STR(float_text(1e-5), "1e-05");
	CHECK_STR(float_text(1e300), "1e+300");
	CHECK_STR(float_text(-0.0), "-0");
	CHECK_STR(float_text(3), "3");
	CHECK_STR(float_text(1.0 / 3), "0.3333333333333333");
	CHECK_STR(float_text(0.30000000000000004), "0.30000000000000004");
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		text = float_text(values[i]);
		/* Reads back exactly, and only as InfluxDB's number scanner allows. */
		CHECK(strtod(text, NULL) == values[i]);
		CHECK(text[0] != '\0');
		for (k = 0; text[k] != '\0'; k++)
			CHECK(strchr("0123456789.-+e", text[k]) != NULL);
	}
}

static void
test_not_finite(void)
{
	struct lp_buf b;

	lp_buf_init(&b);
	lp_begin(&b, "m");
	CHECK_INT(lp_field_float(&b, "nan", NAN), 0);
	CHECK_INT(lp_field_float(&b, "inf", INFINITY), 0);
	CHECK_INT(lp_field_float(&b, "ninf", -INFINITY), 0);
	CHECK_INT(lp_field_float(&b, "ok", 1.5), 1);
	CHECK_INT(lp_end(&b, 2), 1);
	CHECK_STR(b.data, "m ok=1.5 2\n");

	/* Only non-finite fields: the point goes, the line before stays. */
	CHECK_INT(lp_begin(&b, "m"), 1);
	CHECK_INT(lp_tag(&b, "t", "v"), 1);
	CHECK_INT(lp_field_float(&b, "nan", NAN), 0);
	CHECK_INT(lp_end(&b, 3), 0);
	CHECK_STR(b.data, "m ok=1.5 2\n");
	lp_buf_free(&b);
}

static void
test_dropped_points(void)
{
	struct lp_buf b;

	lp_buf_init(&b);
	lp_begin(&b, "keep");
	lp_field_int(&b, "f", 1);
	lp_end(&b, 1);
	/* Tags but no field. */
	CHECK_INT(lp_begin(&b, "m"), 1);
	lp_tag(&b, "t", "v");
	CHECK_INT(lp_end(&b, 2), 0);
	/* No measurement: nothing sticks. */
	CHECK_INT(lp_begin(&b, NULL), 0);
	CHECK_INT(lp_tag(&b, "t", "v"), 0);
	CHECK_INT(lp_field_int(&b, "f", 1), 0);
	CHECK_INT(lp_end(&b, 3), 0);
	CHECK_INT(lp_begin(&b, ""), 0);
	CHECK_INT(lp_field_int(&b, "f", 1), 0);
	CHECK_INT(lp_end(&b, 4), 0);
	/* lp_end with nothing open; a point begun twice keeps the second. */
	CHECK_INT(lp_end(&b, 5), 0);
	lp_begin(&b, "first");
	lp_field_int(&b, "f", 1);
	lp_begin(&b, "second");
	lp_field_int(&b, "g", 2);
	CHECK_INT(lp_end(&b, 6), 1);
	CHECK_STR(b.data, "keep f=1i 1\nsecond g=2i 6\n");
	/* A leading '#' would make a comment of the line. */
	lp_buf_reset(&b);
	lp_begin(&b, "#m");
	lp_field_int(&b, "f", 1);
	lp_end(&b, 7);
	CHECK_STR(b.data, "?m f=1i 7\n");
	lp_buf_free(&b);
}

/* Hostile text, what a tag value and a string field must read back as. */
struct hostile {
	const char	*name;
	const char	*raw;
	const char	*tag;		/* NULL: the tag is omitted */
	const char	*str;
};

static const struct hostile hostile_cases[] = {
	{ "from header", "\"Alice\" <sip:alice@example.com>;tag=1928301774",
	    "\"Alice\" <sip:alice@example.com>;tag=1928301774",
	    "\"Alice\" <sip:alice@example.com>;tag=1928301774" },
	{ "newline", "Alice\r\nX-Injected: evil\n",
	    "Alice  X-Injected: evil ", "Alice  X-Injected: evil " },
	{ "forged line", "x\nsip,from=evil hacked=1i 0\n",
	    "x sip,from=evil hacked=1i 0 ", "x sip,from=evil hacked=1i 0 " },
	{ "separators", "Bob, Jr.=boss \"q\" a=b",
	    "Bob, Jr.=boss \"q\" a=b", "Bob, Jr.=boss \"q\" a=b" },
	{ "backslashes", "a\\b c\\\\d",
	    "a\\b c\\\\d", "a\\b c\\\\d" },
	{ "trailing backslash", "trailing\\",
	    "trailing?", "trailing\\" },
	{ "backslash before special", "a\\,b\\=c\\ d\\\\,e",
	    "a?,b?=c? d\\?,e", "a\\,b\\=c\\ d\\\\,e" },
	{ "quote backslash", "\"\\\"",
	    "\"\\\"", "\"\\\"" },
	{ "terminal escapes", "\x1b[31mred\x1b[0m\a\x7f\xc2\x9b" "2J",
	    " [31mred [0m   2J", " [31mred [0m   2J" },
	{ "invalid utf-8", "ok \xff\xfe \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 "
	    "\xe2\x82x \xf0\x9f\x98 \xc3",
	    "ok \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
	    "\xef\xbf\xbdx \xef\xbf\xbd \xef\xbf\xbd",
	    "ok \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
	    "\xef\xbf\xbdx \xef\xbf\xbd \xef\xbf\xbd" },
	{ "valid utf-8", "Zo\xc3\xab \xe2\x82\xacuro \xe6\x97\xa5 \xf0\x9f\x98\x80",
	    "Zo\xc3\xab \xe2\x82\xacuro \xe6\x97\xa5 \xf0\x9f\x98\x80",
	    "Zo\xc3\xab \xe2\x82\xacuro \xe6\x97\xa5 \xf0\x9f\x98\x80" },
	{ "hash", "#comment", "#comment", "#comment" },
	{ "empty", "", NULL, "" },
};

/*
 * Write the standard hostile point: measurement sip, tags codec and from,
 * fields text and n.
 */
static void
hostile_point(struct lp_buf *b, const char *raw, size_t raw_len)
{
	lp_buf_reset(b);
	lp_begin(b, "sip");
	lp_tagn(b, "from", raw, raw_len);
	lp_tag(b, "codec", "PCMU");
	lp_field_strn(b, "text", raw, raw_len);
	lp_field_int(b, "n", 1);
	lp_end(b, TS);
}

/* Check the one line in b against the intended point. */
static void
check_hostile(const struct lp_buf *b, const char *name, const char *tag,
    size_t tag_len, const char *str, size_t str_len)
{
	struct tok_line t;
	const struct tok_item *it;

	if (!tok_one_line(b, &t)) {
		UNIT_FAIL("%s: not one valid line: %s", name, b->data);
		tok_free(&t);
		return;
	}
	CHECK_STR(t.measurement, "sip");
	CHECK_INT(t.ts, TS);
	CHECK_INT(t.ntags, tag != NULL ? 2 : 1);
	CHECK_STR(t.tags[0].key, "codec");
	CHECK_STR(t.tags[0].value, "PCMU");
	if (tag != NULL && t.ntags == 2) {
		CHECK_STR(t.tags[1].key, "from");
		CHECK_INT(t.tags[1].value_len, tag_len);
		if (t.tags[1].value_len != tag_len ||
		    memcmp(t.tags[1].value, tag, tag_len) != 0)
			UNIT_FAIL("%s: tag from = \"%s\"", name,
			    t.tags[1].value);
	}
	CHECK_INT(t.nfields, 2);
	if ((it = tok_find(t.fields, t.nfields, "text")) == NULL)
		UNIT_FAIL("%s: no field text", name);
	else {
		CHECK_INT(it->type, 's');
		CHECK_INT(it->value_len, str_len);
		if (it->value_len != str_len ||
		    memcmp(it->value, str, str_len) != 0)
			UNIT_FAIL("%s: field text = \"%.200s\"", name,
			    it->value);
	}
	if ((it = tok_find(t.fields, t.nfields, "n")) == NULL)
		UNIT_FAIL("%s: no field n", name);
	else {
		CHECK_INT(it->type, 'i');
		CHECK_STR(it->value, "1i");
	}
	tok_free(&t);
}

static void
test_hostile_text(void)
{
	const struct hostile *h;
	struct lp_buf b;
	size_t i;

	lp_buf_init(&b);
	for (i = 0; i < sizeof(hostile_cases) / sizeof(hostile_cases[0]);
	    i++) {
		h = &hostile_cases[i];
		hostile_point(&b, h->raw, strlen(h->raw));
		check_hostile(&b, h->name, h->tag,
		    h->tag != NULL ? strlen(h->tag) : 0, h->str, strlen(h->str));
	}
	lp_buf_free(&b);
}

static void
test_hostile_names(void)
{
	struct lp_buf b;
	struct tok_line t;

	lp_buf_init(&b);
	lp_begin(&b, "m\n,x y\\");
	lp_tag(&b, "k\r=y\\", "v");
	lp_tag(&b, "\x1b", "w\\");
	lp_field_int(&b, "f\",\\=", 1);
	lp_field_str(&b, "\xff", "s");
	lp_end(&b, 9);
	CHECK(tok_one_line(&b, &t));
	if (t.measurement != NULL) {
		CHECK_STR(t.measurement, "m ,x y?");
		CHECK_INT(t.ntags, 2);
		CHECK_INT(t.nfields, 2);
	}
	if (t.ntags == 2 && t.nfields == 2) {
		CHECK_STR(t.tags[0].key, " ");
		CHECK_STR(t.tags[0].value, "w?");
		CHECK_STR(t.tags[1].key, "k =y?");
		CHECK_STR(t.tags[1].value, "v");
		CHECK_STR(t.fields[0].key, "f\",?=");
		CHECK_STR(t.fields[1].key, "\xef\xbf\xbd");
	}
	tok_free(&t);
	lp_buf_free(&b);
}

static void
test_long_text(void)
{
	/* A valid, hostile 10 KB string: kept whole in a field. */
	static const char pattern[] = "\xc3\x84,= \"\\x\xe2\x82\xac ";
	char *big = malloc(10241), *want = malloc(300);
	struct lp_buf b;
	size_t i, n;

	if (big == NULL || want == NULL)
		abort();
	for (i = 0; i <= 10240; i++)
		big[i] = pattern[i % (sizeof(pattern) - 1)];
	/* Cut at a character boundary: back off continuation bytes. */
	n = 10240;
	while (((unsigned char)big[n] & 0xc0) == 0x80)
		n--;
	big[n] = '\0';
	/* The tag: at most 256 bytes, whole characters. */
	i = 256;
	while (((unsigned char)big[i] & 0xc0) == 0x80)
		i--;
	memcpy(want, big, i);
	if (want[i - 1] == '\\' || (want[i - 2] == '\\' &&
	    strchr(",= ", want[i - 1]) != NULL))
		abort();	/* the pattern should not end there */
	lp_buf_init(&b);
	hostile_point(&b, big, n);
	check_hostile(&b, "10 KB valid", want, i, big, n);

	/* Random NUL-free bytes: one clean line, within the caps. */
	{
		struct tok_line t;
		uint32_t x = 12345;

		for (i = 0; i < 10240; i++) {
			x = x * 1103515245 + 12345;
			big[i] = (char)(1 + (x >> 16) % 255);
		}
		big[10240] = '\0';
		hostile_point(&b, big, 10240);
		CHECK(tok_one_line(&b, &t));
		CHECK_INT(t.ntags, 2);
		CHECK_INT(t.nfields, 2);
		if (t.ntags == 2 && t.nfields == 2) {
			CHECK(t.tags[1].value_len <= LP_NAME_MAX);
			CHECK(t.tags[1].value_len > LP_NAME_MAX - 4);
			CHECK(t.fields[0].value_len >= 10240 / 2);
		}
		tok_free(&t);
	}

	/* Caps: 70000 bytes of string, a tag cut to a trailing backslash. */
	{
		char *huge = malloc(70001);

		if (huge == NULL)
			abort();
		memset(huge, 'x', 70000);
		huge[70000] = '\0';
		memset(want, 'a', 255);
		memcpy(want + 255, "\\b", 3);
		lp_buf_reset(&b);
		lp_begin(&b, "m");
		lp_tag(&b, "t", want);
		lp_field_str(&b, "s", huge);
		lp_end(&b, 1);
		CHECK_INT(b.len, strlen("m,t= s=\"\" 1\n") + 256 + LP_STRING_MAX);
		CHECK_MEM(b.data + 4 + 254, 3, "a? ");
		free(huge);
		/* Three-byte characters: 85 of them fit in 256 bytes. */
		lp_buf_reset(&b);
		for (i = 0; i < 100; i++)
			memcpy(want + 3 * i, "\xe2\x82\xac", 3);
		lp_begin(&b, "m");
		lp_tagn(&b, "t", want, 300);
		lp_field_int(&b, "f", 1);
		lp_end(&b, 1);
		CHECK_INT(b.len, strlen("m,t= f=1i 1\n") + 255);
	}
	lp_buf_free(&b);
	free(big);
	free(want);
}

int
main(void)
{
	RUN(test_golden);
	RUN(test_tag_order);
	RUN(test_integers);
	RUN(test_floats);
	RUN(test_not_finite);
	RUN(test_dropped_points);
	RUN(test_hostile_text);
	RUN(test_hostile_names);
	RUN(test_long_text);
	return unit_done("lineproto");
}
