/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netfilter probes of bpf/nf.bpf.h, shared by the function backends:
 * nft_do_chain and nft_immediate_eval (nf_tables), ipt_do_table and
 * ip6t_do_table (iptables-legacy). Whether this kernel allows them, and
 * their attach and detach. They are extra: without them pwru still traces,
 * only without saying who in netfilter dropped.
 */
#ifndef PWRU_NF_PROBE_H
#define PWRU_NF_PROBE_H

#include <stdbool.h>
#include <stddef.h>

struct bpf_object;
struct bpf_program;
struct bpf_link;
struct btf;
struct pwru_run;

enum nf_attach_kind {
	NF_ATTACH_FENTRY,
	NF_ATTACH_KPROBE,
	NF_ATTACH_KPROBE_MULTI,
};

enum { NF_P_CHAIN, NF_P_IMMEDIATE, NF_P_IPT, NF_P_IP6T, NF_P__COUNT };

struct nf_probes {
	struct bpf_program *prog[NF_P__COUNT]; /* in the enum's order */
	struct bpf_link *link[NF_P__COUNT];
	bool enabled[NF_P__COUNT];
};

/*
 * Before load of obj, a skeleton of kind whose programs are named
 * <prefix>_nft_do_chain .. <prefix>_ip6t_do_table (fentry, kprobe, kmulti):
 * keep each program only where the kernel has its module and that module's
 * types (the reason is said once otherwise), and tell the ipt_do_table()
 * argument order through *xt_priv_first. Returns whether any stays.
 */
bool nf_probes__prepare(struct nf_probes *np, struct bpf_object *obj, const struct pwru_run *r,
			enum nf_attach_kind kind, bool *xt_priv_first);
/* Leave them all unloaded: the kernel refused them with err (said once). */
void nf_probes__off(struct nf_probes *np, struct bpf_object *obj, enum nf_attach_kind kind,
		    int err);
/* After load. A failure only disables that group (said once); never fatal. */
void nf_probes__attach(struct nf_probes *np, enum nf_attach_kind kind);
void nf_probes__detach(struct nf_probes *np);
bool nf_probes__any(const struct nf_probes *np);

/* Is one of the probes' modules loaded without BTF of its own (under sys_dir)? */
bool nf_probes__module_without_btf(const char *sys_dir);

/*
 * NULL when the functions of module can be probed with their types, else
 * why not (a static string). builtin: vmlinux BTF has them. For tests.
 */
const char *nf_probes__unavailable(const char *sys_dir, const char *module, bool builtin);

#endif /* PWRU_NF_PROBE_H */
