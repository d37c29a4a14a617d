/*
 * The verdicts of calls whose streams come before them (see verdicts.h).
 */
#include <stdlib.h>

#include <uthash.h>

#include "probe/output/verdicts.h"
#include "probe/vqprobe.h"

struct pending_verdict {
	uint64_t		call_order;
	struct verdict_call	v;
	UT_hash_handle		hh;
};

struct verdicts {
	struct pending_verdict	*calls;		/* uthash head, by order */
};

struct verdicts *
verdicts_new(void)
{
	return xcalloc(1, sizeof(struct verdicts));
}

void
verdicts_free(struct verdicts *vs)
{
	struct pending_verdict *p, *tmp;

	if (vs == NULL)
		return;
	HASH_ITER(hh, vs->calls, p, tmp) {
		HASH_DEL(vs->calls, p);
		free(p);
	}
	free(vs);
}

void
verdicts_stream(struct verdicts *vs, uint64_t call_order,
    const struct snap_stream *s)
{
	struct pending_verdict *p;

	HASH_FIND(hh, vs->calls, &call_order, sizeof(call_order), p);
	if (p == NULL) {
		p = xcalloc(1, sizeof(*p));
		p->call_order = call_order;
		verdict_call_init(&p->v);
		HASH_ADD(hh, vs->calls, call_order, sizeof(p->call_order), p);
	}
	verdict_call_add(&p->v, s);
}

void
verdicts_call(struct verdicts *vs, uint64_t call_order,
    struct verdict_call *out)
{
	struct pending_verdict *p;

	HASH_FIND(hh, vs->calls, &call_order, sizeof(call_order), p);
	if (p != NULL) {
		*out = p->v;
		HASH_DEL(vs->calls, p);
		free(p);
	} else
		verdict_call_init(out);
	verdict_call_finish(out);
}
