/*
 * Reports of a snapshot: the JSON report and the per-call table.
 */
#ifndef VQ_REPORT_H
#define VQ_REPORT_H

#include <stdio.h>

#include "metrics/snapshot.h"

/*
 * Write the JSON report to path ("-": standard output).  A file is written
 * beside its final name and renamed into place, so that a reader never sees
 * half a report.  Returns 0, or -1 with *cause set (free it).
 */
int	report_json_write(const struct snapshot *, const char *path, char **cause);
/*
 * Each call's streams, in stream order, without scanning every stream for
 * every call: first[call] and next[stream], SNAP_NO_CALL ending a list.
 */
struct report_index {
	size_t	*first;
	size_t	*next;
};

void	report_index_build(const struct snapshot *, struct report_index *);
void	report_index_free(struct report_index *);
/* Print the per-call quality table. */
void	report_table_print(const struct snapshot *, FILE *);

#endif /* VQ_REPORT_H */
