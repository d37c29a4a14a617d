/*
 * What endpoints report of a call's streams themselves (RFC 6035, see
 * dissectors/vqreport.h): each metrics block of a report filed under the
 * stream it describes, beside the probe's own figures and RTCP's.
 */
#include <stdint.h>
#include <string.h>

#include "dissectors/vqreport.h"
#include "probe/analysis/streams-private.h"
#include "probe/vqprobe.h"

/* The media a block describes: from sender to receiver. */
struct vq_leg {
	const struct vqr_addr	*sender;
	const struct vqr_addr	*receiver;
};

/* How well a stream fits a leg; 0: not at all. */
static int
leg_fit(const struct stream *s, const struct vq_leg *leg)
{
	int fit = 0;

	if (leg->sender->has_endpoint && leg->receiver->has_endpoint &&
	    endpoint_equal(&s->src, &leg->sender->endpoint) &&
	    endpoint_equal(&s->dst, &leg->receiver->endpoint))
		fit += 4;
	if (leg->sender->has_ssrc && s->ssrc == leg->sender->ssrc)
		fit += 2;
	if (leg->receiver->has_endpoint &&
	    endpoint_equal(&s->dst, &leg->receiver->endpoint))
		fit += 1;
	return fit;
}

/*
 * The stream of the call that the leg names: the one with both its
 * endpoints, else its sender's SSRC, else its receiver's endpoint, the
 * best fit winning.  A NAT between the reporter and the probe changes
 * the addresses but not the SSRC; a relay keeps the SSRC on both legs,
 * but they are different calls.  Two that fit as well: none, rather than
 * the wrong one.
 */
static struct stream *
leg_stream(struct stream *first, const struct vq_leg *leg)
{
	struct stream *s, *best = NULL;
	int fit, best_fit = 0, tie = 0;

	for (s = first; s != NULL; s = s->call_next) {
		if ((fit = leg_fit(s, leg)) == 0 || fit < best_fit)
			continue;
		if (fit == best_fit) {
			tie = 1;
			continue;
		}
		best = s;
		best_fit = fit;
		tie = 0;
	}
	return tie ? NULL : best;
}

/*
 * File a block under s.  The receiver's own figures are not replaced by
 * what the sender relays of them; of the same kind, the later report
 * (a session report after interval reports) wins.
 */
static void
file_block(struct stream *s, const struct vqr_report *r,
    const struct vqr_metrics *m, int by_receiver)
{
	struct snap_vq_report *vq;

	if (s->far == NULL)
		s->far = xcalloc(1, sizeof(*s->far));
	vq = &s->far->vq;
	vq->reports++;
	if (vq->reports > 1 && vq->by_receiver && !by_receiver)
		return;
	vq->kind = r->kind;
	vq->by_receiver = by_receiver;
	vq->metrics = *m;
	vq->reporter[0] = '\0';
	if (r->local.has_endpoint)
		addr_format_endpoint(&r->local.endpoint, vq->reporter,
		    sizeof(vq->reporter));
}

int
streams_vq_report(struct call *c, const struct vqr_report *r)
{
	struct vq_leg to_reporter = { &r->remote, &r->local };
	struct vq_leg from_reporter = { &r->local, &r->remote };
	struct stream *first = streams_of_call(c), *s;
	int filed = 0;

	if (r->has_local_metrics &&
	    (s = leg_stream(first, &to_reporter)) != NULL) {
		file_block(s, r, &r->local_metrics, 1);
		filed++;
	}
	if (r->has_remote_metrics &&
	    (s = leg_stream(first, &from_reporter)) != NULL) {
		file_block(s, r, &r->remote_metrics, 0);
		filed++;
	}
	return filed;
}
