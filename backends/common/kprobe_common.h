/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the fentry, kprobe and kprobe.multi backends: templates, perf attach. */
#ifndef PWRU_KPROBE_COMMON_H
#define PWRU_KPROBE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct bpf_object;
struct bpf_program;
struct skb_func;

/* the programs of kprobe_tmpl.bpf.h */
enum {
	KP_T_POS1, /* KP_T_POS1 + pos - 1 for the skb at position pos */
	KP_T_POS5 = KP_T_POS1 + 4,
	KP_T_KFREE_SKB_REASON,
	KP_T_SK_SKB_REASON_DROP,
	KP_T_KFREE_SKB, /* kfree_skb(skb) before 5.17: the drop path without a reason */
	KP_T__COUNT,
};

/* The template for f, or -1 when its skb is beyond the 5th argument. */
int kp_template_of(const struct skb_func *f);
/* Template t of a skeleton whose programs are <prefix>_skb1 .. <prefix>_sk_skb_reason_drop. */
struct bpf_program *kp_template_prog(struct bpf_object *obj, const char *prefix, int t);

/*
 * Attach prog to the perf event pfd: a BPF link carrying the cookie when
 * cookie is set (5.15+), else PERF_EVENT_IOC_SET_BPF. *link_fd stays -1
 * without a link. Returns 0 or a negative errno.
 */
int kp_perf_attach(int pfd, int prog, bool cookie, __u64 id, int *link_fd);

#define KPROBE_PMU_TYPE "/sys/bus/event_source/devices/kprobe/type"

/* The kprobe PMU's perf type (4.17+), or a negative errno. */
int kp_pmu_type(void);
/*
 * A perf kprobe event through the kprobe PMU on addr + off when addr is
 * known, else on sym + off: the fd or a negative errno (-EILSEQ: off is not
 * an instruction boundary). By address, the kernel looks no name up.
 */
int kp_pmu_open(int pmu_type, const char *sym, __u64 addr, __u32 off);

/*
 * The kprobe backends' open: *skelp = PWRU_SKEL_OPEN(type, r, b), then
 * configure (an expression on *skelp), then load with the netfilter
 * programs of kind in np and the clone programs (centry, cexit: program
 * names in the skeleton) in cp; if that load fails, all over once more
 * without either: the extra programs must never cost the trace. 0 or a
 * negative errno; *skelp is NULL after a failed open.
 */
#define KP_SKEL_OPEN_LOAD(type, skelp, np, kind, cp, ckind, centry, cexit, r, b, configure)  \
	({                                                                               \
		int __err = 0;                                                           \
												 \
		for (bool __extra = true;; __extra = false) {                            \
			bool __any;                                                      \
												 \
			*(skelp) = PWRU_SKEL_OPEN(type, r, b);                           \
			if (!*(skelp)) {                                                 \
				__err = -errno;                                          \
				break;                                                   \
			}                                                                \
			configure;                                                       \
			__any = clone_probes__prepare(cp, ckind, (*(skelp))->progs.centry, \
						      &(*(skelp))->progs.cexit, r);      \
			if (__extra) {                                                   \
				__any |= nf_probes__prepare(                             \
					np, (*(skelp))->obj, r, kind,                    \
					(bool *)&(*(skelp))->rodata->NF_XT_PRIV_FIRST);  \
			} else {                                                         \
				nf_probes__off(np, (*(skelp))->obj, kind, __err);        \
				clone_probes__off(cp, __err);                            \
			}                                                                \
			__err = pwru_skel__load((*(skelp))->skeleton, b);                \
			if (!__err || !__extra || !__any)                                \
				break;                                                   \
			type##__destroy(*(skelp));                                       \
			*(skelp) = NULL;                                                 \
		}                                                                        \
		__err;                                                                   \
	})

#endif /* PWRU_KPROBE_COMMON_H */
