/* Unit tests for probe/text.c: attacker-controlled text made safe. */
#include <stdio.h>
#include <string.h>

#include "probe/text.h"
#include "tests/unit.h"

static void
test_plain_ascii_kept(void)
{
	char out[64];

	CHECK_INT(text_copy_safe(out, sizeof(out), "sip:alice@example.com", 21), 21);
	CHECK_STR(out, "sip:alice@example.com");
}

static void
test_escapes_and_controls_encoded(void)
{
	char out[64];
	const char evil[] = "a\x1b[2Jb\r\nc\"d,e=f g%";

	text_copy_safe(out, sizeof(out), evil, sizeof(evil) - 1);
	CHECK_STR(out, "a%1B[2Jb%0D%0Ac\"d,e=f g%25");
	CHECK(strchr(out, '\x1b') == NULL);
	CHECK(strchr(out, '\n') == NULL);
}

static void
test_non_ascii_encoded(void)
{
	char out[64];

	text_copy_safe(out, sizeof(out), "\xc3\xa9\xff", 3);
	CHECK_STR(out, "%C3%A9%FF");
}

static void
test_distinct_inputs_stay_distinct(void)
{
	char a[32], b[32];

	/* A literal "%0A" and a real line feed must not collide. */
	text_copy_safe(a, sizeof(a), "%0A", 3);
	text_copy_safe(b, sizeof(b), "\n", 1);
	CHECK(strcmp(a, b) != 0);
}

static void
test_truncates_whole_escapes(void)
{
	char out[5];

	/* "ab" fits; "%0A" would need 3 bytes more plus the NUL: stop before it. */
	CHECK_INT(text_copy_safe(out, sizeof(out), "ab\ncd", 5), 2);
	CHECK_STR(out, "ab");
	CHECK_INT(text_copy_safe(out, 1, "ab", 2), 0);
	CHECK_STR(out, "");
}

/* text_copy writes what snprintf("%s") would, for every size. */
static void
test_copy_like_snprintf(void)
{
	static const char *const texts[] = { "", "a", "abc@example.com",
	    "0123456789012345678901234567890" };
	char got[40], want[40];
	size_t i, size;
	int bad = 0;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		for (size = 1; size <= sizeof(got); size++) {
			snprintf(want, size, "%s", texts[i]);
			memset(got, 'x', sizeof(got));
			text_copy(got, size, texts[i]);
			bad += strcmp(got, want) != 0;
		}
	}
	CHECK_INT(bad, 0);
	/* No room: nothing written, not even the terminator. */
	got[0] = 'x';
	text_copy(got, 0, "abc");
	CHECK_INT(got[0], 'x');
}

int
main(void)
{
	RUN(test_plain_ascii_kept);
	RUN(test_escapes_and_controls_encoded);
	RUN(test_non_ascii_encoded);
	RUN(test_distinct_inputs_stay_distinct);
	RUN(test_truncates_whole_escapes);
	RUN(test_copy_like_snprintf);
	return unit_done("text");
}
