/*
 * Making attacker-controlled text safe to keep and show.
 */
#include <string.h>

#include "probe/text.h"

size_t
text_copy_safe(char *out, size_t size, const char *p, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;

	if (size == 0)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x20 && c < 0x7f && c != '%') {
			if (o + 1 >= size)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 3 >= size)
				break;
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0x0f];
		}
	}
	out[o] = '\0';
	return o;
}

void
text_copy(char *out, size_t size, const char *s)
{
	size_t len = strlen(s);

	if (size == 0)
		return;
	if (len > size - 1)
		len = size - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}
