/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --filter-track-skb through clones and copies: an skb made from a tracked
 * one by skb_clone(), skb_copy(), __pskb_copy_fclone() (pskb_copy() is an
 * inline wrapper) or skb_copy_expand() is tracked too, from the moment the
 * function returns it. Included by the function backends after body.bpf.h;
 * attached by backends/common/clone_probe.c only with --filter-track-skb.
 * The tracepoint backend has no event at these functions' return: there a
 * clone is followed only if it matches the filters by itself.
 */
#ifndef PWRU_TRACK_CLONE_BPF_H
#define PWRU_TRACK_CLONE_BPF_H

/*
 * kprobe + kretprobe: the original skb from entry to return, keyed by the
 * stack slot of the return address, which no other call in flight shares
 * (nesting, interrupts and other CPUs each use other stack memory). LRU: a
 * return the kernel missed (kretprobe maxactive) leaves an entry behind.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u64);
} clone_calls SEC(".maps");

static __always_inline void pwru_track_clone(__u64 old, __u64 new)
{
	__u8 one = 1;

	if (!PWRU_READY || !CFG.track_skb || !new || !bpf_map_lookup_elem(&tracked, &old))
		return;
	bpf_map_update_elem(&tracked, &new, &one, BPF_ANY);
}

static __always_inline void pwru_clone_enter(__u64 ret_slot, __u64 old)
{
	if (!PWRU_READY || !CFG.track_skb || !bpf_map_lookup_elem(&tracked, &old))
		return;
	bpf_map_update_elem(&clone_calls, &ret_slot, &old, BPF_ANY);
}

static __always_inline void pwru_clone_exit(__u64 ret_slot, __u64 new)
{
	__u64 *old = bpf_map_lookup_elem(&clone_calls, &ret_slot), o;

	if (!old)
		return;
	o = *old;
	bpf_map_delete_elem(&clone_calls, &ret_slot);
	pwru_track_clone(o, new);
}

#ifdef KP_SEC
/* the skb is the first argument of all four */
SEC(KP_SEC)
int KP_NAME(clone_enter)(struct pt_regs *ctx)
{
	/* at entry the stack pointer is the return address's slot */
	pwru_clone_enter(PT_REGS_SP(ctx), PT_REGS_PARM1(ctx));
	return 0;
}

/*
 * At return it is one slot above: x86's kretprobe trampoline (5.10) and
 * rethook (5.19+) both report the stack pointer after the return.
 */
SEC(KP_RET_SEC)
int KP_NAME(clone_exit)(struct pt_regs *ctx)
{
	pwru_clone_exit(PT_REGS_SP(ctx) - 8, PT_REGS_RC(ctx));
	return 0;
}
#endif

#endif /* PWRU_TRACK_CLONE_BPF_H */
