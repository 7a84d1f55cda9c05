/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Words for a netfilter drop: the event's struct pwru_nf and the rule
 * looked up for it, as the text line and the JSON object print them.
 * Pure: no netlink, no BPF.
 */
#ifndef PWRU_NF_EXPLAIN_H
#define PWRU_NF_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "event.h"
#include "nft_rules.h"

struct nf_explain {
	const char *family; /* "ip", "ip6", "inet", ...; NULL unknown */
	const char *table;
	const char *chain; /* legacy: the built-in chain of the hook */
	const char *hook; /* "output", ... */
	bool has_priority;
	int priority;
	bool has_handle;
	__u64 handle;
	int position; /* 0 unknown */
	const char *rule; /* NULL unknown */
	const char *verdict; /* "drop", "policy drop"; NULL unknown */
	bool legacy; /* iptables-legacy */
};

/*
 * Does the drop come from netfilter? reason: its name, kernel's or
 * inferred (NULL unknown); func: the location's function (NULL unknown).
 */
bool nf_explain__applies(const char *reason, const char *func);
/* Fill x from the event's record and the rule looked up (ri may be NULL). */
void nf_explain__fill(struct nf_explain *x, const struct pwru_nf *nf,
		      const struct nft_rule_info *ri);
/*
 * "ip filter OUTPUT (hook output, priority 0): rule 1, handle 3:
 * -A OUTPUT -d 1.1.1.1/32 -p tcp -m tcp -j DROP"; returns buf.
 */
char *nf_explain__text(const struct nf_explain *x, char *buf, size_t len);
/* "filter OUTPUT rule 1: <rule>" or "filter OUTPUT policy drop": the summary's key */
char *nf_explain__short(const struct nf_explain *x, char *buf, size_t len);

const char *nf_family_name(__u8 family);
const char *nf_hook_name(__u8 family, __u8 hook);

#endif /* PWRU_NF_EXPLAIN_H */
