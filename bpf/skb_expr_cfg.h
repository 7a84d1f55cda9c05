/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --filter-skb-expr and --output-skb-metadata as the BPF body reads them:
 * user space resolves each expression through the kernel's BTF into a short
 * list of reads (src/skb_expr.c); bpf/skb_expr.bpf.h walks that list with
 * bpf_probe_read_kernel(). No instructions are generated: the same object
 * serves every expression, on CO-RE and pinned builds alike, because the
 * offsets come from BTF at run time.
 */
#ifndef PWRU_SKB_EXPR_CFG_H
#define PWRU_SKB_EXPR_CFG_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define PWRU_EXPR_DEREFS 4 /* pointers followed after skb ('->' past the first) */
#define PWRU_META_MAX 4 /* --output-skb-metadata expressions */

enum pwru_expr_op {
	PWRU_EXPR_NONE = 0, /* metadata: read only */
	PWRU_EXPR_EQ,
	PWRU_EXPR_NE,
	PWRU_EXPR_LT,
	PWRU_EXPR_LE,
	PWRU_EXPR_GT,
	PWRU_EXPR_GE,
};

/*
 * cur = skb; cur = *(u64 *)(cur + deref_off[i]) for i < nderef (a NULL
 * pointer on the way: no value); then size bytes at cur + off, shifted
 * left by lshift and right by rshift (arithmetic when is_signed): that
 * cuts a bitfield out and extends the sign, as BPF_CORE_READ_BITFIELD().
 */
struct pwru_expr {
	__u32 deref_off[PWRU_EXPR_DEREFS];
	__u32 off;
	__u8 nderef;
	__u8 size; /* 1, 2, 4 or 8; 0: the expression is unused */
	__u8 lshift;
	__u8 rshift;
	__u8 is_signed;
	__u8 op; /* enum pwru_expr_op */
	__u8 pad[2];
	__u64 value; /* compared with, as s64 when is_signed */
};

struct pwru_expr_cfg {
	struct pwru_expr filter; /* filter.size 0: no --filter-skb-expr */
	struct pwru_expr meta[PWRU_META_MAX];
	__u32 nr_meta;
	__u32 pad;
};

#endif /* PWRU_SKB_EXPR_CFG_H */
