/*
 * Scanning the text protocols (SIP, SDP) without running past their end:
 * every helper takes an explicit length or end, never a NUL.
 */
#ifndef VQ_SCAN_H
#define VQ_SCAN_H

#include <stddef.h>

/* A blank within a line: SP or HTAB. */
static inline int
scan_is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Narrow [*p, *end) to leave out the blanks at both ends. */
void	scan_trim_blanks(const char **p, const char **end);
/* Do the len bytes at p spell the C string lit, ignoring ASCII case? */
int	scan_caseeq(const char *p, size_t len, const char *lit);
/*
 * Parse the decimal digits of [p, end) into *out, at most max.  Returns 0,
 * or -1 if the text is empty, holds anything but digits, or is too large.
 */
int	scan_number(const char *p, const char *end, unsigned long max,
	    unsigned long *out);

#endif /* VQ_SCAN_H */
