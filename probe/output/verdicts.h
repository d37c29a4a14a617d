/*
 * The verdicts of calls whose streams come before them.
 *
 * The outputs that are written as the run goes get a call's streams one
 * by one and the call after them (probe/pipeline/reorder.h); this keeps
 * each call's sums until its call comes, so that every such output gives
 * the call the verdict metrics/verdict.h defines, from the same streams.
 */
#ifndef VQ_VERDICTS_H
#define VQ_VERDICTS_H

#include <stdint.h>

#include "metrics/snapshot.h"
#include "metrics/verdict.h"

struct verdicts;

struct verdicts	*verdicts_new(void);
void		 verdicts_free(struct verdicts *);
/* A stream of the call whose INVITE was frame call_order. */
void		 verdicts_stream(struct verdicts *, uint64_t call_order,
		    const struct snap_stream *);
/*
 * The call came: its verdict from the streams that came before it (none:
 * no media), and its sums forgotten.
 */
void		 verdicts_call(struct verdicts *, uint64_t call_order,
		    struct verdict_call *);

#endif /* VQ_VERDICTS_H */
