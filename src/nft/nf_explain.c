// SPDX-License-Identifier: GPL-2.0
/* Words for a netfilter drop; see nf_explain.h. */
#include <stdio.h>
#include <string.h>
#include <linux/netfilter.h>

#include "nf_explain.h"

bool nf_explain__applies(const char *reason, const char *func)
{
	if (reason)
		return !strcmp(reason, "SKB_DROP_REASON_NETFILTER_DROP");
	return func && (!strcmp(func, "nf_hook_slow") || !strcmp(func, "nft_do_chain"));
}

const char *nf_family_name(__u8 family)
{
	switch (family) {
	case NFPROTO_INET: return "inet";
	case NFPROTO_IPV4: return "ip";
	case NFPROTO_ARP: return "arp";
	case NFPROTO_NETDEV: return "netdev";
	case NFPROTO_BRIDGE: return "bridge";
	case NFPROTO_IPV6: return "ip6";
	}
	return NULL;
}

const char *nf_hook_name(__u8 family, __u8 hook)
{
	static const char *const inet[] = { "prerouting", "input", "forward", "output",
					    "postrouting", "ingress" };
	static const char *const arp[] = { "input", "output", "forward" };
	static const char *const netdev[] = { "ingress", "egress" };

	switch (family) {
	case NFPROTO_ARP:
		return hook < 3 ? arp[hook] : NULL;
	case NFPROTO_NETDEV:
		return hook < 2 ? netdev[hook] : NULL;
	}
	/* ip, ip6, inet, and bridge (NF_BR_* numbers the same five hooks) */
	return hook < 6 ? inet[hook] : NULL;
}

/* iptables-legacy names a hook's chain in capitals */
static const char *legacy_chain(__u8 hook)
{
	static const char *const chains[] = { "PREROUTING", "INPUT", "FORWARD", "OUTPUT",
					      "POSTROUTING" };

	return hook < 5 ? chains[hook] : NULL;
}

void nf_explain__fill(struct nf_explain *x, const struct pwru_nf *nf,
		      const struct nft_rule_info *ri)
{
	memset(x, 0, sizeof(*x));
	if (!(nf->flags & PWRU_NF_HAS_CHAIN))
		return;
	x->legacy = nf->flags & PWRU_NF_LEGACY;
	x->family = nf_family_name(nf->family);
	x->table = nf->table[0] ? nf->table : NULL;
	x->chain = x->legacy ? legacy_chain(nf->hook) : nf->chain[0] ? nf->chain : NULL;
	/* a trace message names no hook or priority */
	if (!(nf->flags & PWRU_NF_FROM_TRACE)) {
		x->hook = nf_hook_name(nf->family, nf->hook);
		x->has_priority = true;
		x->priority = nf->priority;
	} else if (ri && ri->base) { /* the ruleset's word for it */
		x->hook = nf_hook_name(nf->family, ri->hook);
		x->has_priority = true;
		x->priority = ri->priority;
	}
	if (nf->flags & PWRU_NF_HAS_RULE) {
		x->has_handle = true;
		x->handle = nf->handle;
		x->verdict = "drop";
		if (ri && ri->position)
			x->position = ri->position;
		if (ri && ri->text[0])
			x->rule = ri->text;
	} else if (!x->legacy && nf->flags & PWRU_NF_POLICY_DROP) {
		x->verdict = "policy drop";
	}
}

char *nf_explain__text(const struct nf_explain *x, char *buf, size_t len)
{
	size_t n;

	n = snprintf(buf, len, "%s%s %s %s", x->legacy ? "iptables-legacy " : "", x->family ?: "?",
		     x->table ?: "?", x->chain ?: "?");
	if (n < len && x->hook && x->has_priority)
		n += snprintf(buf + n, len - n, " (hook %s, priority %d)", x->hook, x->priority);
	if (n < len && x->has_handle) {
		if (x->position)
			n += snprintf(buf + n, len - n, ": rule %d, handle %llu", x->position,
				      (unsigned long long)x->handle);
		else
			n += snprintf(buf + n, len - n, ": handle %llu",
				      (unsigned long long)x->handle);
		if (n < len && x->rule)
			n += snprintf(buf + n, len - n, ": %s", x->rule);
	} else if (n < len && x->verdict) {
		n += snprintf(buf + n, len - n, ": %s", x->verdict);
	}
	return buf;
}

char *nf_explain__short(const struct nf_explain *x, char *buf, size_t len)
{
	size_t n = snprintf(buf, len, "%s %s", x->table ?: "?", x->chain ?: "?");

	if (n >= len)
		return buf;
	if (x->rule && x->position)
		snprintf(buf + n, len - n, " rule %d: %s", x->position, x->rule);
	else if (x->has_handle)
		snprintf(buf + n, len - n, " handle %llu", (unsigned long long)x->handle);
	else if (x->verdict)
		snprintf(buf + n, len - n, " %s", x->verdict);
	return buf;
}
