// SPDX-License-Identifier: GPL-2.0
/*
 * The module types pwru's netfilter probes read (bpf/nf.bpf.h), for kernels
 * whose modules carry no BTF of their own: module BTF came in 5.11
 * (CONFIG_DEBUG_INFO_BTF_MODULES), and Debian 11's 5.10 has none. Compiled
 * by scripts/modbtf-build against the kernel's own headers and config (not
 * pwru's), so every layout is the running kernel's; pahole turns the DWARF
 * into BTF. One object of each type makes the compiler emit it whole.
 *
 * pwru_fn_<function>: the prototype of each probed function, which tells
 * pwru the module's types cover it (src/nft/nf_probe.c) and, for
 * ipt_do_table(), its argument order.
 */
#include <linux/module.h>
#include <net/netfilter/nf_tables.h>
#include <net/netfilter/nf_tables_core.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

typedef typeof(nft_do_chain) pwru_fn_nft_do_chain;
typedef typeof(nft_immediate_eval) pwru_fn_nft_immediate_eval;
typedef typeof(ipt_do_table) pwru_fn_ipt_do_table;
typedef typeof(ip6t_do_table) pwru_fn_ip6t_do_table;

struct pwru_modbtf_types {
	struct nft_chain chain;
	struct nft_base_chain base_chain;
	struct nft_table table;
	struct nft_rule rule;
	struct nft_expr expr;
	struct nft_immediate_expr immediate;
	struct nft_pktinfo pktinfo;
	struct nft_regs regs;
	struct xt_table xt_table;
	struct nf_hook_state hook_state;
	pwru_fn_nft_do_chain *nft_do_chain;
	pwru_fn_nft_immediate_eval *nft_immediate_eval;
	pwru_fn_ipt_do_table *ipt_do_table;
	pwru_fn_ip6t_do_table *ip6t_do_table;
} pwru_modbtf_types;
