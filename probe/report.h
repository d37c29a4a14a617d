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
/* Print the per-call quality table. */
void	report_table_print(const struct snapshot *, FILE *);

#endif /* VQ_REPORT_H */
