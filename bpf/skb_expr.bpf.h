/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --filter-skb-expr and --output-skb-metadata: walk the read list that user
 * space resolved from BTF (bpf/skb_expr_cfg.h). EXPR is in .rodata, so the
 * verifier sees every count and size as a constant and drops the unused
 * steps; an object without expressions pays nothing.
 */
#ifndef PWRU_SKB_EXPR_BPF_H
#define PWRU_SKB_EXPR_BPF_H

#include "skb_expr_cfg.h"

const volatile struct pwru_expr_cfg EXPR = {};

/* false when a pointer on the path is NULL or a read faults */
static __always_inline bool pwru_expr_read(const volatile struct pwru_expr *e,
					   struct sk_buff *skb, __u64 *out)
{
	__u64 cur = (__u64)skb, v = 0;
	void *at;

#pragma unroll
	for (int i = 0; i < PWRU_EXPR_DEREFS; i++) {
		if (i >= e->nderef)
			break;
		if (bpf_probe_read_kernel(&cur, sizeof(cur), (void *)(cur + e->deref_off[i])) ||
		    !cur)
			return false;
	}
	at = (void *)(cur + e->off);
	/* constant sizes: each a fixed-length read (little-endian: the low bytes of v) */
	switch (e->size) {
	case 1:
		if (bpf_probe_read_kernel(&v, 1, at))
			return false;
		break;
	case 2:
		if (bpf_probe_read_kernel(&v, 2, at))
			return false;
		break;
	case 4:
		if (bpf_probe_read_kernel(&v, 4, at))
			return false;
		break;
	default:
		if (bpf_probe_read_kernel(&v, 8, at))
			return false;
		break;
	}
	v <<= e->lshift;
	if (e->is_signed)
		v = (__u64)((__s64)v >> e->rshift);
	else
		v >>= e->rshift;
	*out = v;
	return true;
}

static __always_inline bool pwru_expr_filter(struct sk_buff *skb)
{
	const volatile struct pwru_expr *e = &EXPR.filter;
	__u64 v;
	__s64 a, b;

	if (!e->size)
		return true;
	if (!pwru_expr_read(e, skb, &v))
		return false;
	if (e->is_signed) {
		a = v;
		b = e->value;
	} else {
		/* unsigned: compare as u64 by flipping the sign bit of both */
		a = v ^ (1ULL << 63);
		b = e->value ^ (1ULL << 63);
	}
	switch (e->op) {
	case PWRU_EXPR_EQ:
		return a == b;
	case PWRU_EXPR_NE:
		return a != b;
	case PWRU_EXPR_LT:
		return a < b;
	case PWRU_EXPR_LE:
		return a <= b;
	case PWRU_EXPR_GT:
		return a > b;
	case PWRU_EXPR_GE:
		return a >= b;
	}
	return false;
}

static __always_inline void pwru_expr_meta(struct sk_buff *skb, struct pwru_event *ev)
{
#pragma unroll
	for (int i = 0; i < PWRU_META_MAX; i++) {
		if (i >= EXPR.nr_meta)
			break;
		if (pwru_expr_read(&EXPR.meta[i], skb, &ev->meta[i]))
			ev->meta_ok |= 1u << i;
	}
}

#endif /* PWRU_SKB_EXPR_BPF_H */
