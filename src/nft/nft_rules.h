/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rule behind an nf_tables handle, as the user wrote it: for tables of
 * iptables-nft the `iptables -S CHAIN` line, otherwise nft syntax printed
 * by libnftables. Read over netlink in pwru's own network namespace, and
 * cached per (family, table, chain, handle, ruleset generation).
 */
#ifndef PWRU_NFT_RULES_H
#define PWRU_NFT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define NFT_RULE_TEXT_LEN 512

struct nft_rule_info {
	int position; /* 1-based position in its chain, 0 unknown */
	bool iptables; /* text is an `iptables -S` line */
	char text[NFT_RULE_TEXT_LEN]; /* "" unknown */
	bool base; /* the chain is a base chain: hook and priority are valid */
	__u32 hook;
	int priority;
};

struct nft_rules;

struct nft_rules *nft_rules__new(void); /* NULL + errno */
void nft_rules__free(struct nft_rules *nr);
/* 0, or a negative errno with *out cleared (the rule is gone, no netlink, ...) */
int nft_rules__lookup(struct nft_rules *nr, __u8 family, const char *table, const char *chain,
		      __u64 handle, struct nft_rule_info *out);

/* Pure helpers, exposed for tests. */
/* The nth (1-based) "-A" line of `iptables -S` output, into buf; false if absent. */
bool nft_rules__iptables_line(const char *dump, int nth, char *buf, size_t len);
/* The rule line ending in "# handle N" of an nft listing, without it and trimmed. */
bool nft_rules__nft_line(const char *listing, __u64 handle, char *buf, size_t len);
/* Tables iptables-nft makes: ip/ip6 and a classic table name. */
bool nft_rules__is_xtables(__u8 family, const char *table);

#endif /* PWRU_NFT_RULES_H */
