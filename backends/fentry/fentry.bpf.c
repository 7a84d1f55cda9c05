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
static __always_inline __u64 frame_caller(unsigned long long *ctx, __u32 nr_args)
{
	__u64 ip, v = 0, base;

	if (!HAS_FUNC_IP || nr_args > 12)
		return 0;
	ip = bpf_get_func_ip(ctx);
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

/*
 * The drop path: kfree_skb_reason(skb, reason) from 5.17 (kfree_skb() is an
 * inline wrapper), sk_skb_reason_drop(sk, skb, reason) from 6.11 (commit
 * ba8de796baf4). location is the caller, as the kfree_skb tracepoint's
 * __builtin_return_address(0) is.
 */
SEC("fentry")
int fentry_kfree_skb_reason(unsigned long long *ctx)
{
	__u64 id = pwru_func_id_placeholder();
	struct pwru_probe p = {
		.func_id = (__u32)id,
		.kind = PWRU_EV_FUNC,
		.drop_reason = (__u32)ctx[1],
		.has_drop = 1,
	};

	p.location = frame_caller(ctx, 2);
	if (CFG.output_caller)
		p.caller = p.location;
	return pwru_handle(ctx, (struct sk_buff *)ctx[0], &p);
}

SEC("fentry")
int fentry_sk_skb_reason_drop(unsigned long long *ctx)
{
	__u64 id = pwru_func_id_placeholder();
	struct pwru_probe p = {
		.func_id = (__u32)id,
		.kind = PWRU_EV_FUNC,
		.drop_reason = (__u32)ctx[2],
		.has_drop = 1,
	};

	p.location = frame_caller(ctx, 3);
	if (CFG.output_caller)
		p.caller = p.location;
	return pwru_handle(ctx, (struct sk_buff *)ctx[1], &p);
}
