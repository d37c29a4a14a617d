/*
 * Scanning the text protocols without running past their end.
 */
#include "dissectors/scan.h"

static char
scan_lower(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return (char)(ch - 'A' + 'a');
	return ch;
}

int
scan_caseeq(const char *p, size_t len, const char *lit)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (lit[i] == '\0' || scan_lower(p[i]) != scan_lower(lit[i]))
			return 0;
	}
	return lit[len] == '\0';
}

int
scan_number(const char *p, const char *end, unsigned long max,
    unsigned long *out)
{
	unsigned long	v = 0;

	if (p == end)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

void
scan_trim_blanks(const char **p, const char **end)
{
	while (*p < *end && scan_is_blank(**p))
		(*p)++;
	while (*end > *p && scan_is_blank((*end)[-1]))
		(*end)--;
}
