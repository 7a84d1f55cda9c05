// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint backend: raw tracepoints, the one attach type a locked-down or
 * kprobe-less kernel still allows. One template per position of the skb in
 * the tracepoint's arguments; user space clones a template per tracepoint.
 */
#include "body.bpf.h"

#define TP_TEMPLATE(pos)                                                       \
	SEC("raw_tp")                                                          \
	int tp_skb##pos(struct bpf_raw_tracepoint_args *ctx)                   \
	{                                                                      \
		struct pwru_probe p = {                                        \
			.func_id = pwru_func_id_placeholder(),                 \
			.kind = PWRU_EV_TRACEPOINT,                            \
		};                                                             \
		return pwru_handle(ctx, (struct sk_buff *)ctx->args[pos - 1], &p); \
	}

TP_TEMPLATE(1)
TP_TEMPLATE(2)
TP_TEMPLATE(3)
TP_TEMPLATE(4)

/*
 * skb:kfree_skb is (skb, location) until 5.16 and (skb, location, reason)
 * since 5.17; the reason is an enum skb_drop_reason.
 */
SEC("raw_tp")
int tp_kfree_skb(struct bpf_raw_tracepoint_args *ctx)
{
	struct pwru_probe p = {
		.func_id = pwru_func_id_placeholder(),
		.kind = PWRU_EV_TRACEPOINT,
		.location = ctx->args[1],
		.has_drop = 1,
	};

	if (CFG.kfree_has_reason)
		p.drop_reason = (__u32)ctx->args[2];
	return pwru_handle(ctx, (struct sk_buff *)ctx->args[0], &p);
}
