/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry points shared by the kprobe and kprobe.multi backends: one program
 * per skb position plus the two drop-path functions. The including file
 * defines KP_SEC (the section) and KP_NAME(x) (the program name). The
 * function is identified by the BPF cookie, or, without cookies (kprobes
 * before 5.15), by its address.
 *
 * The Makefile does not track this header: touch the .bpf.c files after
 * editing it.
 */
#ifndef PWRU_KPROBE_TMPL_BPF_H
#define PWRU_KPROBE_TMPL_BPF_H

#include "body.bpf.h"

/* set by user space before load */
const volatile bool USE_COOKIE = false; /* bpf_get_attach_cookie(), 5.15+ */
const volatile bool HAS_FUNC_IP = false; /* bpf_get_func_ip() for kprobes, 5.15+ */

/* At function entry the stack pointer holds the return address. */
static __always_inline __u64 return_address(struct pt_regs *ctx)
{
	__u64 ra = 0;

	bpf_probe_read_kernel(&ra, sizeof(ra), (void *)PT_REGS_SP(ctx));
	return ra;
}

static __always_inline void identify(struct pt_regs *ctx, struct pwru_probe *p)
{
	p->kind = PWRU_EV_FUNC;
	if (USE_COOKIE) {
		p->func_id = bpf_get_attach_cookie(ctx);
		return;
	}
	/*
	 * No cookie: an out-of-range id makes the formatter name the function
	 * from addr. A kprobe's IP is one past the probed instruction (int3).
	 */
	p->func_id = ~0U;
	p->addr = HAS_FUNC_IP ? bpf_get_func_ip(ctx) : PT_REGS_IP(ctx) - 1;
}

#define KPROBE_TEMPLATE(pos)                                                   \
	SEC(KP_SEC)                                                          \
	int KP_NAME(skb##pos)(struct pt_regs *ctx)                               \
	{                                                                      \
		struct pwru_probe p = {};                                      \
									       \
		identify(ctx, &p);                                             \
		if (CFG.output_caller)                                         \
			p.caller = return_address(ctx);                        \
		return pwru_handle(ctx, (struct sk_buff *)PT_REGS_PARM##pos(ctx), &p); \
	}

KPROBE_TEMPLATE(1)
KPROBE_TEMPLATE(2)
KPROBE_TEMPLATE(3)
KPROBE_TEMPLATE(4)
KPROBE_TEMPLATE(5)

/* The drop path: the freed skb and its reason (0: none); location is the caller. */
static __always_inline int kp_drop(struct pt_regs *ctx, struct sk_buff *skb, __u32 reason)
{
	struct pwru_probe p = { .has_drop = 1 };

	identify(ctx, &p);
	p.drop_reason = reason;
	p.location = return_address(ctx);
	if (CFG.output_caller)
		p.caller = p.location;
	return pwru_handle(ctx, skb, &p);
}

/* kfree_skb_reason(skb, reason), 5.17+ */
SEC(KP_SEC)
int KP_NAME(kfree_skb_reason)(struct pt_regs *ctx)
{
	return kp_drop(ctx, (struct sk_buff *)PT_REGS_PARM1(ctx), (__u32)PT_REGS_PARM2(ctx));
}

/* sk_skb_reason_drop(sk, skb, reason), 6.11+ */
SEC(KP_SEC)
int KP_NAME(sk_skb_reason_drop)(struct pt_regs *ctx)
{
	return kp_drop(ctx, (struct sk_buff *)PT_REGS_PARM2(ctx), (__u32)PT_REGS_PARM3(ctx));
}

/* kfree_skb(skb) before 5.17: location only, the reason is inferred from it */
SEC(KP_SEC)
int KP_NAME(kfree_skb)(struct pt_regs *ctx)
{
	return kp_drop(ctx, (struct sk_buff *)PT_REGS_PARM1(ctx), 0);
}

/* nf_tables: who decided (bpf/nf.bpf.h); attached only when nf_tables is there */
SEC(KP_SEC)
int KP_NAME(nft_do_chain)(struct pt_regs *ctx)
{
	nf_on_chain((void *)PT_REGS_PARM1(ctx), (struct nft_chain *)PT_REGS_PARM2(ctx));
	return 0;
}

SEC(KP_SEC)
int KP_NAME(nft_immediate_eval)(struct pt_regs *ctx)
{
	nf_on_immediate((const struct nft_expr *)PT_REGS_PARM1(ctx), (void *)PT_REGS_PARM3(ctx));
	return 0;
}

SEC(KP_SEC)
int KP_NAME(ipt_do_table)(struct pt_regs *ctx)
{
	NF_XT_CALL(PT_REGS_PARM1(ctx), PT_REGS_PARM2(ctx), PT_REGS_PARM3(ctx));
	return 0;
}

SEC(KP_SEC)
int KP_NAME(ip6t_do_table)(struct pt_regs *ctx)
{
	NF_XT_CALL(PT_REGS_PARM1(ctx), PT_REGS_PARM2(ctx), PT_REGS_PARM3(ctx));
	return 0;
}

#endif /* PWRU_KPROBE_TMPL_BPF_H */
