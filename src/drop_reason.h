/* SPDX-License-Identifier: GPL-2.0 */
/* Names of enum skb_drop_reason values, from the running kernel, never hard-coded. */
#ifndef PWRU_DROP_REASON_H
#define PWRU_DROP_REASON_H

#include <stdio.h>
#include <linux/types.h>

struct btf;
struct drop_reasons;

/* From BTF's enum skb_drop_reason; NULL + errno (ENOENT: kernel has none). */
struct drop_reasons *drop_reasons__from_btf(const struct btf *btf);
/*
 * Without BTF: from the __print_symbolic() pairs of the skb/kfree_skb
 * tracepoint's format (path NULL: under /sys/kernel/tracing or debugfs),
 * names given their SKB_DROP_REASON_ prefix. NULL + errno.
 */
struct drop_reasons *drop_reasons__from_tracefs(const char *path);
/* From "value NAME" lines (a pinned build's drop_reasons). NULL + errno. */
struct drop_reasons *drop_reasons__from_file(const char *path);
/* Write "value NAME" lines, ascending. 0 or -EIO. */
int drop_reasons__write(const struct drop_reasons *dr, FILE *fp);
void drop_reasons__free(struct drop_reasons *dr);
/* "SKB_DROP_REASON_NETFILTER_DROP", or NULL when unknown (dr may be NULL). */
const char *drop_reasons__name(const struct drop_reasons *dr, __u32 reason);

/*
 * Kernels without drop reasons (before 5.17): the reason a freeing site
 * implies, for the few sites that free for one reason only; NULL elsewhere.
 * func is the location's function name ("nf_hook_slow", no offset).
 */
const char *drop_reason__infer(const char *func);

#endif /* PWRU_DROP_REASON_H */
