/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pinned pre-CO-RE builds: for a kernel without BTF, `make pinned KDIR=...`
 * compiles the BPF body against that kernel's own types (field offsets fixed
 * at compile time, no CO-RE relocations) and writes, keyed by the exact
 * kernel release, what user space would otherwise learn from BTF:
 *
 *   <root>/<release>/release        the kernel release, as uname -r says it
 *   <root>/<release>/bpf-hash       hash of the BPF sources it was built from
 *   <root>/<release>/<name>.bpf.o   kprobe, kprobe_multi, tracepoint
 *   <root>/<release>/funcs          "name skb_pos nr_args" per function
 *   <root>/<release>/tracepoints    the same for tracepoints
 *   <root>/<release>/drop_reasons   "value NAME" per enum skb_drop_reason value
 *   <root>/<release>/netfilter      "nf_tables", "x_tables": the groups of
 *                                   bpf/nf.bpf.h built with vmlinux's types
 *
 * <root> is $PWRU_PINNED_DIR, else PWRU_PINNED_DIR_DEFAULT. See docs/no-btf.md.
 */
#ifndef PWRU_PINNED_H
#define PWRU_PINNED_H

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef PWRU_PINNED_DIR_DEFAULT
#define PWRU_PINNED_DIR_DEFAULT "/usr/local/lib/pwru/pinned"
#endif

struct bpf_object_skeleton;
struct pwru_run;
struct skb_funcs;

/* $PWRU_PINNED_DIR or the default */
const char *pinned__root(void);
/* hash of the BPF sources this pwru was built from */
const char *pinned__bpf_hash(void);

/*
 * The pinned build for exactly this release. 0 and dir filled, or:
 * -ENOENT none for this release (why names the builds that are there: they
 * are never used for another release), -ESTALE made from other BPF sources,
 * -EINVAL incomplete or its release file disagrees, -EPERM someone but root
 * can change it (src/privilege.h). why gets one line.
 */
int pinned__find(const char *release, char *dir, size_t dir_len, char *why, size_t why_len);

#define PINNED_NF_TABLES 1u
#define PINNED_NF_XT 2u
/*
 * The netfilter groups a pinned build has the types of (PINNED_NF_*), and
 * the 1-based skb position of ipt_do_table() and ip6t_do_table() when its
 * funcs table has them (built into vmlinux), else 0.
 */
unsigned int pinned__netfilter(const char *dir, int *ipt_skb_pos, int *ip6t_skb_pos);

/* "funcs" or "tracepoints" of a pinned build; *out is replaced. */
int pinned__read_table(const char *dir, const char *table, struct skb_funcs *out);
/* The same format, for the generator: "name skb_pos nr_args" lines. */
int pinned__write_table(FILE *fp, const struct skb_funcs *f);

/*
 * Open a backend's skeleton: the embedded object with CO-RE against the
 * kernel's BTF or --kernel-btf, or, when r->pinned_dir is set, that pinned
 * build's object of the same name. Backends use PWRU_SKEL_OPEN() (backend.h).
 */
int pwru_skel__open(struct bpf_object_skeleton *s, const struct pwru_run *r);

#endif /* PWRU_PINNED_H */
