/*
 * One call's evidence page, written into a file the caller opened: what
 * an MSP hands a customer or a carrier to show where the call went wrong.
 */
#ifndef VQ_EVIDENCE_PAGE_H
#define VQ_EVIDENCE_PAGE_H

#include <stdint.h>
#include <stdio.h>

#include "metrics/snapshot.h"
#include "probe/analysis/analyzer.h"
#include "probe/output/evidence-dir.h"

struct evidence_page {
	const struct snap_call	*call;
	const char		*stem;		/* its files' name */
	const struct evidence_dir *dir;		/* [2]: enum verdict_side */
	/* The probe's own drops over the call; not known from a file. */
	int			 drops_known;
	int64_t			 kernel_drops;	/* -1: not known */
	uint64_t		 probe_drops;
	long long		 pcap_bytes;	/* its pcap's size, -1: none */
	const char		*probe;		/* the probe's name */
	const char		*source;	/* interface or file */
	int			 live;
	const char		*tz;		/* the probe's zone */
	/* The listener the MOS models (jitter buffer, PLC, interval). */
	const struct analyzer_config *analysis;
};

void	evidence_page_write(FILE *, const struct evidence_page *);

#endif /* VQ_EVIDENCE_PAGE_H */
