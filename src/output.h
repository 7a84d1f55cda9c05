/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Formatters: an event and a stream in, text or JSON out. They know nothing
 * of BPF; names, symbols and stacks come through struct out_ctx.
 */
#ifndef PWRU_OUTPUT_H
#define PWRU_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "event.h"
#include "options.h"
#include "nf_explain.h"

struct ksyms;
struct drop_reasons;
struct netns_names;
struct drop_summary;
struct skb_meta_out;
struct skb_dump;

#define OUT_STACK_MAX 127

struct out_ctx {
	bool tuple, meta, json, stack, caller, tcp_flags;
	enum ts_mode ts;
	const struct ksyms *ksyms;
	const struct drop_reasons *reasons;
	const struct netns_names *netns_names; /* --output-netns-names, else NULL */
	/* names by func_id, per event kind */
	const char *const *func_names;
	size_t nr_funcs;
	const char *const *tp_names;
	size_t nr_tps;
	/* fills ips (0-terminated when shorter); returns count or negative errno */
	int (*stack_lookup)(void *priv, __s32 stack_id, __u64 *ips, size_t max);
	void *stack_priv;
	__s64 mono_to_real_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC, for absolute time */
	/* the current event's stack, fetched once: lookups may consume it */
	__u64 ips[OUT_STACK_MAX];
	int nr_ips;
	/* relative timestamps: last time each skb was seen */
	struct skb_seen *seen;
	size_t seen_cap;
	/* the rule behind a netfilter drop (src/nft/nft_rules.h); 0 or -errno */
	int (*nf_lookup)(void *priv, const struct pwru_nf *nf, struct nft_rule_info *out);
	void *nf_priv;
	struct drop_summary *drops; /* counts every drop printed, or NULL */
	/* the current drop's netfilter explanation, made once per event */
	bool has_nf;
	struct nf_explain nf;
	struct nft_rule_info nf_rule;
	const struct skb_meta_out *skb_meta; /* --output-skb-metadata, or NULL */
	struct skb_dump *skb_dump; /* --output-skb and friends, or NULL */
};

int out_ctx__init(struct out_ctx *c, const struct options *o);
void out_ctx__free(struct out_ctx *c);

void output__header(const struct out_ctx *c, FILE *out);
int output__event(struct out_ctx *c, const struct pwru_event *ev, FILE *out);

/* "10.0.2.15:58998->1.1.1.1:80(tcp)", "[::1]:5->[::1]:6(udp)"; returns buf */
char *output__tuple(const struct pwru_event *ev, char *buf, size_t len);
/* The same with "(tcp:SYN|ACK)" when flags is set and the segment has any (pwru's form). */
char *output__tuple_flags(const struct pwru_event *ev, bool flags, char *buf, size_t len);
/*
 * "ip_output", "kfree_skb_reason(SKB_DROP_REASON_NETFILTER_DROP)", and on
 * kernels without drop reasons "kfree_skb(SKB_DROP_REASON_NETFILTER_DROP,
 * inferred)" where the location tells (drop_reason__infer()); returns buf.
 */
char *output__func(const struct out_ctx *c, const struct pwru_event *ev, char *buf, size_t len);

#endif /* PWRU_OUTPUT_H */
