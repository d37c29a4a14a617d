/*
 * Results from several analyzers as one: the calls and streams of every
 * worker in the order one analyzer reading the whole capture would have
 * given them, and their counters added up.
 */
#ifndef VQ_MERGE_H
#define VQ_MERGE_H

#include <stddef.h>

#include "metrics/snapshot.h"

/*
 * Fill out from parts[0 .. n - 1]: calls sorted by the frame of their
 * INVITE, streams by the frame that made them, stream ids renumbered from
 * 1 in that order, and each stream's call index pointing into out's calls.
 * A call in several parts (the same INVITE frame) is one call, as its
 * copy of the highest version has it (the last, of equal versions).  out gets its own copies of what the parts
 * point to (messages, points): release both as usual.
 */
void	merge_snapshots(struct snapshot *out, const struct snapshot *parts,
	    size_t n);
/* Add one part's capture counters to a total (its kernel_drops aside). */
void	merge_capture(struct snap_capture *to, const struct snap_capture *from);

#endif /* VQ_MERGE_H */
