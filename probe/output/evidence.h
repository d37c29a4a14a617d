/*
 * The evidence report (--report DIR): what an MSP hands a customer or a
 * carrier to show where a call went wrong.
 *
 *   DIR/index.html            every call, worst first
 *   DIR/calls/STEM.html       one call: a verdict in plain words, the SIP
 *                             ladder, charts per interval, the E-model's
 *                             inputs, the capture's metadata
 *   DIR/pcap/STEM.pcap        its packets (written by the analyzers, see
 *                             probe/output/callpcap.h)
 *   DIR/sla.html              per label value, the month (see
 *                             probe/output/sla.h), at the end
 *
 * Pages are static HTML with inline CSS and SVG: no script, font or image
 * from anywhere, so they work offline, print, and cannot be made to load
 * anything (their Content-Security-Policy forbids it).  A call's page is
 * written when the call ends, live or from a file; the index when the run
 * ends, and every 10 s of the clock while new calls come (live).
 */
#ifndef VQ_EVIDENCE_H
#define VQ_EVIDENCE_H

#include "metrics/snapshot.h"
#include "probe/analysis/analyzer.h"
#include "probe/pipeline/pipeline.h"

struct evidence_config {
	const char	*dir;
	const char	*probe;		/* the probe's name */
	const char	*source;	/* interface or file */
	int		 live;
	/* The listener the MOS models (jitter buffer, PLC, interval). */
	const struct analyzer_config *analysis;
};

struct evidence;
struct sla;

void		 evidence_config_default(struct evidence_config *);
/*
 * Make DIR and its folders (or use them as they are); NULL with *cause
 * set when they cannot be written.
 */
struct evidence	*evidence_open(const struct evidence_config *, char **cause);
/* Where the analyzers write the calls' pcaps. */
const char	*evidence_pcap_dir(const struct evidence *);
/* The SLA list whose page evidence_finish writes (not owned). */
void		 evidence_set_sla(struct evidence *, struct sla *);
/* The sink that writes each call's page as it ends. */
void		 evidence_sink(struct evidence *, struct pipeline_sink *);
/*
 * The run is over: pages for the calls still pending, then the index with
 * the capture's final figures.  Returns 0, or -1 with *cause set.
 */
int		 evidence_finish(struct evidence *, const struct snapshot *,
		    char **cause);
void		 evidence_free(struct evidence *);

#endif /* VQ_EVIDENCE_H */
