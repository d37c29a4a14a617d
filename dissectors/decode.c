/*
 * The plumbing every layer of the decoder shares (see decode.h): the
 * context a capture keeps from frame to frame, and the run of one frame
 * down the layers, with its tunnel count and its way out to the caller.
 * It needs no layer, so that each layer (link.c, ip.c, ipv4.c, ...) needs
 * only this file and the layers it hands a packet to.
 */

#include <stdlib.h>
#include <string.h>

#include "dissectors/decode.h"

/* The state a context keeps between frames. */
struct decode_ctx {
	struct ipfrag	*ipfrag;	/* NULL: reassembly off */
	struct tcpreasm	*tcp;		/* NULL: TCP off */
	uint64_t	 too_deep;
};

void
decode_limits_default(struct decode_limits *limits)
{
	ipfrag_limits_default(&limits->ipfrag);
	tcpreasm_limits_default(&limits->tcp);
}

struct decode_ctx *
decode_ctx_new(const struct decode_limits *limits)
{
	struct decode_limits	 defaults;
	struct decode_ctx	*ctx;

	if (limits == NULL) {
		decode_limits_default(&defaults);
		limits = &defaults;
	}
	if ((ctx = calloc(1, sizeof *ctx)) == NULL)
		return NULL;
	if (limits->ipfrag.max_datagrams > 0 &&
	    (ctx->ipfrag = ipfrag_new(&limits->ipfrag)) == NULL)
		goto fail;
	if (limits->tcp.max_streams > 0 &&
	    (ctx->tcp = tcpreasm_new(&limits->tcp)) == NULL)
		goto fail;
	return ctx;
fail:
	decode_ctx_free(ctx);
	return NULL;
}

void
decode_ctx_free(struct decode_ctx *ctx)
{
	if (ctx == NULL)
		return;
	ipfrag_free(ctx->ipfrag);
	tcpreasm_free(ctx->tcp);
	free(ctx);
}

void
decode_ctx_expire(struct decode_ctx *ctx, int64_t now_us)
{
	if (ctx->ipfrag != NULL)
		ipfrag_expire(ctx->ipfrag, now_us);
	if (ctx->tcp != NULL)
		tcpreasm_expire(ctx->tcp, now_us);
}

void
decode_ctx_stats(const struct decode_ctx *ctx, struct decode_stats *out)
{
	memset(out, 0, sizeof *out);
	if (ctx->ipfrag != NULL)
		ipfrag_stats(ctx->ipfrag, &out->ipfrag);
	if (ctx->tcp != NULL)
		tcpreasm_stats(ctx->tcp, &out->tcp);
	out->too_deep = ctx->too_deep;
}

void
decode_run_begin(struct decode_run *run, struct decode_ctx *ctx,
    struct pkt_meta *meta, decode_deliver_fn *fn, void *arg)
{
	meta->n_vlans = 0;
	memset(meta->vlan_ids, 0, sizeof meta->vlan_ids);
	meta->n_tunnels = 0;
	meta->ip_proto = 0;
	meta->dscp = 0;
	meta->is_fragment = 0;
	memset(&meta->src, 0, sizeof meta->src);
	memset(&meta->dst, 0, sizeof meta->dst);
	meta->ip_payload_wirelen = 0;
	meta->ip = NULL;
	meta->ip_caplen = 0;
	meta->payload = NULL;
	meta->payload_len = 0;
	meta->payload_wirelen = 0;
	meta->fail_proto = PROTO_LINK;

	memset(run, 0, sizeof *run);
	run->meta = meta;
	run->deliver = fn;
	run->deliver_arg = arg;
	if (ctx != NULL) {
		decode_ctx_expire(ctx, meta->ts_us);
		run->ipfrag = ctx->ipfrag;
		run->tcp = ctx->tcp;
	}
}

void
decode_run_end(const struct decode_run *run, struct decode_ctx *ctx)
{
	if (run->too_deep && ctx != NULL)
		ctx->too_deep++;
}

/* Count one more tunnel; refuse it past the limit. */
int
decode_tunnel_enter(struct decode_run *run, enum dissect_proto proto)
{
	if (run->meta->n_tunnels >= DECODE_MAX_TUNNELS) {
		run->meta->fail_proto = proto;
		run->too_deep = 1;
		return -1;
	}
	run->meta->n_tunnels++;
	return 0;
}

/* Hand the payload meta points at to the caller. */
void
decode_deliver(struct decode_run *run)
{
	if (run->deliver != NULL)
		run->deliver(run->deliver_arg, run->meta);
}
