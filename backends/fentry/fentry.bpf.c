// SPDX-License-Identifier: GPL-2.0
/*
 * fentry backend: BPF trampolines. A tracing program is bound to its target
 * at load, so user space loads one template per skb position against a real
 * target, then clones it per function with the placeholder patched to
 * (nr_args << 32 | func_id).
 */
#include "body.bpf.h"

/* set by user space: the kernel has bpf_get_func_ip() for tracing (5.15+) */
const volatile bool HAS_FUNC_IP = false;

/*
 * x86 trampoline frame at fentry time, from ctx (the saved arg1) upwards:
 * the nr_args saved arguments, the return value slot when another program
 * needs the original call (fexit, fmod_ret), the saved RBP, the return
 * address into the traced function (func + 5, or + 9 after ENDBR), and the
 * return address into its caller. Find the one that points just past the
 * function start; the next slot is the caller. Returns 0 when not found.
 */
static __always_inline __u64 frame_caller_of(unsigned long long *ctx, __u32 nr_args, __u64 ip)
{
	__u64 v = 0, base;

	if (!ip || nr_args > 12)
		return 0;
	base = (__u64)ctx + nr_args * 8;
#pragma unroll
	for (int k = 1; k <= 3; k++) {
		if (bpf_probe_read_kernel(&v, sizeof(v), (void *)(base + k * 8)))
			return 0;
		if (v - ip < 32) {
			if (bpf_probe_read_kernel(&v, sizeof(v), (void *)(base + (k + 1) * 8)))
				return 0;
			return v;
		}
	}
	return 0;
}

static __always_inline __u64 frame_caller(unsigned long long *ctx, __u32 nr_args)
{
	return HAS_FUNC_IP ? frame_caller_of(ctx, nr_args, bpf_get_func_ip(ctx)) : 0;
}

#define FENTRY_TEMPLATE(pos)                                                   \
	SEC("fentry")                                                          \
	int fentry_skb##pos(unsigned long long *ctx)                           \
	{                                                                      \
		__u64 id = pwru_func_id_placeholder();                         \
		struct pwru_probe p = {                                        \
			.func_id = (__u32)id,                                  \
			.kind = PWRU_EV_FUNC,                                  \
		};                                                             \
		if (CFG.output_caller)                                         \
			p.caller = frame_caller(ctx, id >> 32);                \
		return pwru_handle(ctx, (struct sk_buff *)ctx[pos - 1], &p);   \
	}

FENTRY_TEMPLATE(1)
FENTRY_TEMPLATE(2)
FENTRY_TEMPLATE(3)
FENTRY_TEMPLATE(4)
FENTRY_TEMPLATE(5)

/* The drop path: the freed skb, its reason (0: none) and where it was freed. */
static __always_inline int fentry_drop(unsigned long long *ctx, struct sk_buff *skb,
				       __u32 reason, __u64 location)
{
	__u64 id = pwru_func_id_placeholder();
	struct pwru_probe p = {
		.func_id = (__u32)id,
		.kind = PWRU_EV_FUNC,
		.drop_reason = reason,
		.has_drop = 1,
		.location = location,
	};

	if (CFG.output_caller)
		p.caller = p.location;
	return pwru_handle(ctx, skb, &p);
}

/*
 * kfree_skb_reason(skb, reason) from 5.17 (kfree_skb() is an inline
 * wrapper), sk_skb_reason_drop(sk, skb, reason) from 6.11 (commit
 * ba8de796baf4). location is the caller, as the kfree_skb tracepoint's
 * __builtin_return_address(0) is.
 */
SEC("fentry")
int fentry_kfree_skb_reason(unsigned long long *ctx)
{
	return fentry_drop(ctx, (struct sk_buff *)ctx[0], (__u32)ctx[1], frame_caller(ctx, 2));
}

SEC("fentry")
int fentry_sk_skb_reason_drop(unsigned long long *ctx)
{
	return fentry_drop(ctx, (struct sk_buff *)ctx[1], (__u32)ctx[2], frame_caller(ctx, 3));
}

/*
 * kfree_skb(skb) before 5.17: no reason argument, and before 5.15 no
 * bpf_get_func_ip(): user space passes kfree_skb's address instead, so the
 * frame scan still finds where the skb was freed. The reason is inferred
 * from that location in user space (src/drop_reason.c).
 */
SEC("fentry")
int fentry_kfree_skb(unsigned long long *ctx)
{
	return fentry_drop(ctx, (struct sk_buff *)ctx[0], 0,
			   frame_caller_of(ctx, 1, HAS_FUNC_IP ? bpf_get_func_ip(ctx) :
								 CFG.kfree_skb_addr));
}

/* nf_tables: who decided (bpf/nf.bpf.h); attached only when nf_tables is there */
SEC("fentry")
int fentry_nft_do_chain(unsigned long long *ctx)
{
	nf_on_chain((void *)ctx[0], (struct nft_chain *)ctx[1]);
	return 0;
}

SEC("fentry")
int fentry_nft_immediate_eval(unsigned long long *ctx)
{
	nf_on_immediate((const struct nft_expr *)ctx[0], (void *)ctx[2]);
	return 0;
}

SEC("fentry")
int fentry_ipt_do_table(unsigned long long *ctx)
{
	NF_XT_CALL(ctx[0], ctx[1], ctx[2]);
	return 0;
}

SEC("fentry")
int fentry_ip6t_do_table(unsigned long long *ctx)
{
	NF_XT_CALL(ctx[0], ctx[1], ctx[2]);
	return 0;
}

#include "track_clone.bpf.h"

/* --filter-track-skb: the return value sits after the nr arguments */
#define FEXIT_CLONE(name, nr)                                                  \
	SEC("fexit")                                                           \
	int fexit_##name(unsigned long long *ctx)                              \
	{                                                                      \
		pwru_track_clone(ctx[0], ctx[nr]);                             \
		return 0;                                                      \
	}

FEXIT_CLONE(skb_clone, 2) /* (skb, gfp) */
FEXIT_CLONE(skb_copy, 2) /* (skb, gfp) */
FEXIT_CLONE(pskb_copy_fclone, 4) /* __pskb_copy_fclone(skb, headroom, gfp, fclone) */
FEXIT_CLONE(skb_copy_expand, 4) /* (skb, newheadroom, newtailroom, gfp) */
