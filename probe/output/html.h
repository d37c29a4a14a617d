/*
 * HTML pages of the evidence report: text escaped so that nothing a SIP
 * peer chose can open a tag, end an attribute or reach a terminal; pages
 * written beside their name and renamed, so a reader never sees one
 * half-made; the head and style every page shares.
 */
#ifndef VQ_HTML_H
#define VQ_HTML_H

#include <stddef.h>
#include <stdio.h>

/*
 * Text for HTML: the five metacharacters as entities, any other byte
 * outside printable ASCII as %XX (as probe/text.h makes it).  keep_lines:
 * CR LF and LF stay line breaks (SIP messages shown whole).
 */
void	 html_text(FILE *, const char *p, size_t len, int keep_lines);
/* A C string, escaped as html_text does, on one line. */
void	 html_str(FILE *, const char *s);
/* A table cell: a figure with its decimals, marked when bad; "-" without. */
void	 html_figure_cell(FILE *, int have, double v, int decimals, int bad);
/* A cell of two figures, "a / b" with two decimals, marked when bad. */
void	 html_pair_cell(FILE *, int have, double a, double b, int bad);
/* The document's head, with its title and the shared style. */
void	 html_page_head(FILE *, const char *title);
/* Open PATH's temporary sibling (its name in tmp); NULL on failure. */
FILE	*html_page_open(const char *path, char *tmp, size_t size);
/* Close it and rename it to PATH; -1 (errno set) when it failed. */
int	 html_page_close(FILE *, const char *tmp, const char *path);
/* A time in UTC, with its date or only the clock, or "-" for none (< 0). */
void	 html_utc(double epoch_s, int with_date, char *buf, size_t size);

#endif /* VQ_HTML_H */
