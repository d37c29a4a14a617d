/*
 * Spill files: what a report has written so far, kept on disk rather than
 * in memory until the report can be put together (its head needs figures
 * known only at the end).  Each is anonymous: unlinked as soon as made, so
 * nothing is left behind however the run ends.
 */
#ifndef VQ_SPILL_H
#define VQ_SPILL_H

#include <stdio.h>

/*
 * A new empty spill file, read and written, named after prefix (a path:
 * "PATH" makes it beside PATH) or, when prefix is NULL, in $TMPDIR (or
 * /tmp).  NULL with *cause set (free it) when it cannot be made.
 */
FILE	*spill_open(const char *prefix, char **cause);
/*
 * Copy everything written to f so far to out, through a small buffer; each
 * SPILL_MARK byte becomes mark_as (NULL: copied as it is).  Returns 0, or
 * -1 with errno set by the read or write that failed.
 */
#define SPILL_MARK	'\001'
int	 spill_copy(FILE *f, FILE *out, const char *mark_as);

#endif /* VQ_SPILL_H */
