/*
 * Unit tests for probe/output/prom-text.c: label values from the network
 * or the operator never break the exposition, operators' keys become
 * valid label names, and a histogram's buckets add up.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/output/prom-text.h"
#include "tests/unit.h"

/* The escaped form of value, allocated. */
static char *
escaped(const char *value)
{
	char *out = NULL;
	size_t len = 0, cap = 0;

	prom_escape_value(&out, &len, &cap, value);
	return out;
}

/* Whether text is what a label value may hold between its quotes. */
static int
value_is_safe(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;

	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '"')
			return 0;
		if (*p == '\\') {
			if (p[1] != '\\' && p[1] != '"' && p[1] != 'n')
				return 0;
			p++;
		}
	}
	return 1;
}

static void
test_escapes_as_the_format_says(void)
{
	char *e;

	CHECK_STR(e = escaped("PCMU"), "PCMU");
	free(e);
	CHECK_STR(e = escaped("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
	free(e);
	CHECK_STR(e = escaped("Z\xc3\xbcrich"), "Z\xc3\xbcrich");
	free(e);
	/* Control characters and bytes that are not UTF-8. */
	CHECK_STR(e = escaped("a\rb\x1b[0m\x7f"), "a?b?[0m?");
	free(e);
	CHECK_STR(e = escaped("\xff\xc3(\xe0\x80\x80\xed\xa0\x80"),
	    "?" "?(" "??????");
	free(e);
	CHECK_STR(e = escaped(""), "");
	free(e);
}

/* Every byte, and every pair of bytes, escapes to a safe value. */
static void
test_every_pair_is_safe(void)
{
	char in[3], *e;
	int a, b, unsafe = 0;

	for (a = 1; a < 256; a++)
		for (b = 1; b < 256; b++) {
			in[0] = (char)a;
			in[1] = (char)b;
			in[2] = '\0';
			e = escaped(in);
			if (!value_is_safe(e))
				unsafe++;
			free(e);
		}
	CHECK_INT(unsafe, 0);
}

static void
test_label_names(void)
{
	char *n;

	CHECK_STR(n = prom_label_name("site"), "site");
	free(n);
	CHECK_STR(n = prom_label_name("data-centre.room"), "data_centre_room");
	free(n);
	CHECK_STR(n = prom_label_name("9th"), "_9th");
	free(n);
	CHECK_STR(n = prom_label_name("le"), "label_le");
	free(n);
	CHECK_STR(n = prom_label_name("class"), "label_class");
	free(n);
	CHECK_STR(n = prom_label_name("__name__"), "label___name__");
	free(n);
}

static void
test_histogram_buckets(void)
{
	struct prom_histogram h;
	size_t i;
	uint64_t total = 0;

	memset(&h, 0, sizeof(h));
	prom_histogram_observe(&h, &prom_mos_buckets, 4.41, 1);
	prom_histogram_observe(&h, &prom_mos_buckets, 3.6, 2);	/* on a bound */
	prom_histogram_observe(&h, &prom_mos_buckets, 0.5, 1);
	prom_histogram_observe(&h, &prom_mos_buckets, 9.0, 1);	/* past all */
	CHECK_INT(h.count, 5);
	CHECK_NEAR(h.sum, 4.41 + 7.2 + 0.5 + 9.0, 1e-9);
	for (i = 0; i <= prom_mos_buckets.n; i++)
		total += h.in_bucket[i];
	CHECK_INT(total, h.count);
	CHECK_INT(h.in_bucket[0], 1);			/* le 1 */
	CHECK_INT(h.in_bucket[6], 2);			/* le 3.6 */
	CHECK_INT(h.in_bucket[prom_mos_buckets.n], 1);	/* +Inf only */
	/* le="0" holds the intervals without loss. */
	memset(&h, 0, sizeof(h));
	prom_histogram_observe(&h, &prom_loss_buckets, 0.0, 3);
	CHECK_INT(h.in_bucket[0], 3);
}

/* A rendered histogram is cumulative and its +Inf bucket is its count. */
static void
test_render(void)
{
	struct prom_figures f;
	struct prom_series s;
	char *text, *p;
	size_t len;

	memset(&f, 0, sizeof(f));
	memset(&s, 0, sizeof(s));
	s.labels = "probe=\"p\",direction=\"caller\",codec=\"PCMA\"";
	prom_histogram_observe(&s.mos, &prom_mos_buckets, 2.2, 1);
	prom_histogram_observe(&s.mos, &prom_mos_buckets, 4.4, 3);
	f.series = &s;
	f.n_series = 1;
	f.capture.kernel_drops = -1;
	f.calls[0] = 7;
	text = prom_text_render(&f, "probe=\"p\"", &len);
	CHECK_INT(len, strlen(text));
	CHECK(len > 0 && text[len - 1] == '\n');
	CHECK(strstr(text, "vqprobe_interval_mos_bucket{probe=\"p\","
	    "direction=\"caller\",codec=\"PCMA\",le=\"2.5\"} 1\n") != NULL);
	CHECK(strstr(text, "vqprobe_interval_mos_bucket{probe=\"p\","
	    "direction=\"caller\",codec=\"PCMA\",le=\"4.3\"} 1\n") != NULL);
	CHECK(strstr(text, "vqprobe_interval_mos_bucket{probe=\"p\","
	    "direction=\"caller\",codec=\"PCMA\",le=\"+Inf\"} 4\n") != NULL);
	CHECK(strstr(text, "vqprobe_interval_mos_count{probe=\"p\","
	    "direction=\"caller\",codec=\"PCMA\"} 4\n") != NULL);
	CHECK(strstr(text, "vqprobe_calls_total{probe=\"p\","
	    "state=\"completed\"} 7\n") != NULL);
	/* A file: no kernel drops series, not a false 0. */
	CHECK(strstr(text, "kernel_dropped") == NULL);
	/* One TYPE per name. */
	p = strstr(text, "# TYPE vqprobe_calls_total ");
	CHECK(p != NULL && strstr(p + 1, "# TYPE vqprobe_calls_total ") == NULL);
	free(text);
}

int
main(void)
{
	RUN(test_escapes_as_the_format_says);
	RUN(test_every_pair_is_safe);
	RUN(test_label_names);
	RUN(test_histogram_buckets);
	RUN(test_render);
	return unit_done("test-prom");
}
