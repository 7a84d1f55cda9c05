/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who in nf_tables dropped the packet, without touching the ruleset.
 *
 * nft_do_chain(pkt, priv) runs once per base chain; priv is the base chain.
 * Its entry records, per skb, the table, chain, family, hook and priority.
 * Rules jump by setting regs->verdict from an immediate expression, and a
 * rule drops the same way (`-j DROP`, `drop`): nft_immediate_eval(expr, regs,
 * pkt) is a real call (nf_tables_core.c calls builtin exprs directly under
 * CONFIG_RETPOLINE, through ops->eval otherwise), so its entry sees the
 * verdict of every rule that got that far. A jump pushes the target chain;
 * a drop maps the expression's address to its rule by walking the chains
 * seen so far: 6.1+ evaluates the rule blob (struct nft_rule_dp, copies of
 * the rules), 5.10 arrays of struct nft_rule pointers (rules_gen_0/1).
 * The drop event of that skb (pwru_handle()) carries the record out.
 *
 * A drop by the base chain's policy leaves the chain recorded with no rule.
 * Records of packets that netfilter accepted stay in the LRU map; user space
 * shows a record only for a netfilter drop (reason or location).
 *
 * Needs the nf_tables types: in the kernel's BTF (vmlinux, or nf_tables'
 * module BTF, 5.11+), in the module types of `make modbtf` (src/modbtf.h), or,
 * in a pinned build, in the target's vmlinux (nf_tables built in:
 * scripts/pinned-build passes PWRU_PINNED_NF, and PWRU_PINNED_NF_BLOB where
 * the rule blob exists, PWRU_PINNED_XT for x_tables). User space leaves
 * these programs unloaded otherwise.
 */
#ifndef PWRU_NF_BPF_H
#define PWRU_NF_BPF_H

/* uapi netfilter.h: macros, so not in vmlinux.h */
#ifndef NF_DROP
#define NF_DROP 0
#endif
#ifndef NF_VERDICT_MASK
#define NF_VERDICT_MASK 0x000000ff
#endif

#define NF_TRACK_CHAINS 4 /* base chain + jumps remembered (the kernel allows 16) */
#define NF_RULES_MAX 1024 /* rules walked in the chain that holds the verdict */
#define NF_RULES_MAX_510 256 /* 5.10: per chain and generation, in nested loops */

struct nf_track {
	struct pwru_nf nf;
	__u64 chains[NF_TRACK_CHAINS];
	__u32 nr_chains;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64); /* skb address */
	__type(value, struct nf_track);
} nf_tracks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nf_track);
} nf_scratch SEC(".maps");

/* The drop path: move this skb's record, if any, into the event. */
static __always_inline bool pwru_nf_take(__u64 skb, struct pwru_nf *out)
{
	struct nf_track *t = bpf_map_lookup_elem(&nf_tracks, &skb);

	if (!t)
		return false;
	__builtin_memcpy(out, &t->nf, sizeof(*out));
	bpf_map_delete_elem(&nf_tracks, &skb);
	return true;
}

#if !defined(PWRU_PINNED) || defined(PWRU_PINNED_NF)

#ifdef PWRU_PINNED
/* the target's own layouts, fixed at compile time */
#define NF_OFFSET(type, field) __builtin_offsetof(type, field)
#define NF_SIZE(type) sizeof(type)
/* a bitfield of a small struct: copy it whole, the compiler extracts the bits */
#define NF_BITS(ptr, field)                                             \
	({                                                              \
		typeof(*(ptr)) __nf_c;                                  \
		bpf_probe_read_kernel(&__nf_c, sizeof(__nf_c), (ptr)); \
		__nf_c.field;                                           \
	})
#define nft_chain___v510 nft_chain
#else
#define NF_OFFSET(type, field) bpf_core_field_offset(type, field)
#define NF_SIZE(type) bpf_core_type_size(type)
#define NF_BITS(ptr, field) BPF_CORE_READ_BITFIELD_PROBED(ptr, field)

/* the layout before 5.17, where the rule blob (struct nft_rule_dp) replaced it */
struct nft_chain___v510 {
	struct nft_rule **rules_gen_0;
	struct nft_rule **rules_gen_1;
} __attribute__((preserve_access_index));
#endif

/* struct nft_pktinfo's first member is the skb in every version */
static __always_inline struct sk_buff *nf_pkt_skb(const void *pkt)
{
	struct sk_buff *skb = NULL;

	bpf_probe_read_kernel(&skb, sizeof(skb), pkt);
	return skb;
}

static __always_inline void nf_on_chain(const void *pkt, struct nft_chain *chain)
{
	struct sk_buff *skb = nf_pkt_skb(pkt);
	struct nft_base_chain *base;
	struct net_device *dev = NULL;
	struct nft_table *table;
	struct nf_track *t;
	__u64 key = (__u64)skb;
	__u32 zero = 0;

	if (!skb || !pwru_filter(skb, &dev))
		return;
	t = bpf_map_lookup_elem(&nf_scratch, &zero);
	if (!t)
		return;
	__builtin_memset(t, 0, sizeof(*t));
	/* priv is always a base chain: container_of(chain, nft_base_chain, chain) */
	base = (void *)chain - NF_OFFSET(struct nft_base_chain, chain);
	table = BPF_CORE_READ(chain, table);
	bpf_probe_read_kernel_str(t->nf.table, sizeof(t->nf.table), BPF_CORE_READ(table, name));
	bpf_probe_read_kernel_str(t->nf.chain, sizeof(t->nf.chain), BPF_CORE_READ(chain, name));
	/* nft_basechain_init() gives a base chain's hook its table's family */
	t->nf.family = BPF_CORE_READ(base, ops.pf);
	t->nf.hook = BPF_CORE_READ(base, ops.hooknum);
	t->nf.priority = BPF_CORE_READ(base, ops.priority);
	if (BPF_CORE_READ(base, policy) == NF_DROP)
		t->nf.flags |= PWRU_NF_POLICY_DROP;
	t->nf.flags |= PWRU_NF_HAS_CHAIN;
	t->nf.verdict = -1; /* none seen yet: NFT_CONTINUE */
	t->chains[0] = (__u64)chain;
	t->nr_chains = 1;
	bpf_map_update_elem(&nf_tracks, &key, t, BPF_ANY);
}

#if !defined(PWRU_PINNED) || defined(PWRU_PINNED_NF_BLOB)
/* 6.1+: is expr inside this chain's blob of generation gen? Returns the blob's data. */
static __always_inline __u64 nf_blob_holding(struct nft_chain *c, int gen, __u64 expr, __u64 *end)
{
	struct nft_rule_blob *b = gen ? BPF_CORE_READ(c, blob_gen_1) : BPF_CORE_READ(c, blob_gen_0);
	__u64 start;

	if (!b)
		return 0;
	start = (__u64)b + NF_OFFSET(struct nft_rule_blob, data);
	*end = start + BPF_CORE_READ(b, size);
	return expr >= start && expr < *end ? start : 0;
}

static __always_inline int nf_find_blob(struct nf_track *t, __u64 expr, __u64 *handle)
{
	__u64 start = 0, end = 0, r;
	int idx = -1;

	for (int i = 0; i < NF_TRACK_CHAINS; i++) {
		struct nft_chain *c = (void *)t->chains[i & (NF_TRACK_CHAINS - 1)];

		if (i >= t->nr_chains)
			break;
		start = nf_blob_holding(c, 0, expr, &end) ?: nf_blob_holding(c, 1, expr, &end);
		if (start) {
			idx = i;
			break;
		}
	}
	if (idx < 0)
		return -1;
	r = start;
	for (int i = 0; i < NF_RULES_MAX && r < end; i++) {
		struct nft_rule_dp *dp = (void *)r;
		__u64 data = r + NF_SIZE(struct nft_rule_dp);
		__u64 dlen = NF_BITS(dp, dlen);

		if (NF_BITS(dp, is_last))
			break;
		if (expr >= data && expr < data + dlen) {
			*handle = NF_BITS(dp, handle);
			return idx;
		}
		r = data + dlen;
	}
	return -1;
}
#endif

#if !defined(PWRU_PINNED) || !defined(PWRU_PINNED_NF_BLOB)
/* 5.10: NULL-terminated arrays of rule pointers, one per generation */
static __always_inline int nf_find_rules(struct nf_track *t, __u64 expr, __u64 *handle)
{
	for (int i = 0; i < NF_TRACK_CHAINS; i++) {
		struct nft_chain___v510 *c = (void *)t->chains[i & (NF_TRACK_CHAINS - 1)];

		if (i >= t->nr_chains)
			break;
		for (int gen = 0; gen < 2; gen++) {
			struct nft_rule **rules = gen ? BPF_CORE_READ(c, rules_gen_1) :
							BPF_CORE_READ(c, rules_gen_0);

			for (int k = 0; rules && k < NF_RULES_MAX_510; k++) {
				struct nft_rule *rule = NULL;
				__u64 data, dlen;

				bpf_probe_read_kernel(&rule, sizeof(rule), rules + k);
				if (!rule)
					break;
				data = (__u64)rule + NF_SIZE(struct nft_rule);
				dlen = NF_BITS(rule, dlen);
				if (expr >= data && expr < data + dlen) {
					*handle = NF_BITS(rule, handle);
					return i;
				}
			}
		}
	}
	return -1;
}
#endif

/* The chain of t that holds expr, and its rule's handle; -1 if none does. */
static __always_inline int nf_find_rule(struct nf_track *t, __u64 expr, __u64 *handle)
{
#if defined(PWRU_PINNED) && defined(PWRU_PINNED_NF_BLOB)
	return nf_find_blob(t, expr, handle);
#elif defined(PWRU_PINNED)
	return nf_find_rules(t, expr, handle);
#else
	if (bpf_core_field_exists(struct nft_chain, blob_gen_0))
		return nf_find_blob(t, expr, handle);
	if (bpf_core_field_exists(struct nft_chain___v510, rules_gen_0))
		return nf_find_rules(t, expr, handle);
	return -1;
#endif
}

static __always_inline void nf_on_immediate(const struct nft_expr *expr, const void *pkt)
{
	struct nft_immediate_expr *imm;
	__u64 key = (__u64)nf_pkt_skb(pkt), handle = 0;
	struct nft_chain *target, *holder;
	struct nf_track *t;
	__s32 code;
	int idx;

	t = key ? bpf_map_lookup_elem(&nf_tracks, &key) : NULL;
	if (!t)
		return;
	imm = (void *)expr + NF_OFFSET(struct nft_expr, data);
	if (BPF_CORE_READ(imm, dreg) != NFT_REG_VERDICT)
		return;
	code = BPF_CORE_READ(imm, data.verdict.code);
	if (code == NFT_JUMP || code == NFT_GOTO) {
		target = BPF_CORE_READ(imm, data.verdict.chain);
		if (t->nr_chains < NF_TRACK_CHAINS)
			t->chains[t->nr_chains++ & (NF_TRACK_CHAINS - 1)] = (__u64)target;
		return;
	}
	/* NF_DROP_ERR() keeps the errno in the upper bits */
	if ((code & NF_VERDICT_MASK) != NF_DROP)
		return;
	idx = nf_find_rule(t, (__u64)expr, &handle);
	t->nf.verdict = code;
	if (idx < 0)
		return;
	t->nf.handle = handle;
	t->nf.flags |= PWRU_NF_HAS_RULE;
	if (idx > 0) {
		holder = (void *)t->chains[idx & (NF_TRACK_CHAINS - 1)];
		bpf_probe_read_kernel_str(t->nf.chain, sizeof(t->nf.chain),
					  BPF_CORE_READ(holder, name));
	}
}

#else /* a pinned build whose vmlinux has no nf_tables: the programs exist and do nothing */

static __always_inline void nf_on_chain(const void *pkt, const void *chain)
{
}

static __always_inline void nf_on_immediate(const void *expr, const void *pkt)
{
}

#endif /* nf_tables */

/*
 * Set by user space from the prototype of ipt_do_table() (BTF, or a pinned
 * build's funcs table). Defined in every build: a pinned object's .rodata
 * must have the layout of the embedded one, whose skeleton writes it.
 */
const volatile bool NF_XT_PRIV_FIRST = false;

#if !defined(PWRU_PINNED) || defined(PWRU_PINNED_XT)
/*
 * iptables-legacy: ipt_do_table()/ip6t_do_table() walk a table's rules
 * inline (the standard target's verdict is no call), so the rule is not
 * seen; the table, its priority and the hook are. The last table a packet
 * entered before a netfilter drop is the one that dropped it, so each entry
 * replaces the record, as nft_do_chain() does.
 */
static __always_inline void nf_on_xt(const struct xt_table *table,
				     const struct nf_hook_state *state, struct sk_buff *skb)
{
	struct net_device *dev = NULL;
	struct nf_track *t;
	__u64 key = (__u64)skb;
	__u32 zero = 0;

	if (!skb || !table || !state || !pwru_filter(skb, &dev))
		return;
	t = bpf_map_lookup_elem(&nf_scratch, &zero);
	if (!t)
		return;
	__builtin_memset(t, 0, sizeof(*t));
	BPF_CORE_READ_STR_INTO(&t->nf.table, table, name);
	t->nf.family = BPF_CORE_READ(state, pf);
	t->nf.hook = BPF_CORE_READ(state, hook);
	t->nf.priority = BPF_CORE_READ(table, priority);
	t->nf.flags = PWRU_NF_HAS_CHAIN | PWRU_NF_LEGACY;
	t->nf.verdict = -1;
	bpf_map_update_elem(&nf_tracks, &key, t, BPF_ANY);
}


/* (priv = table, skb, state) in 6.1, (skb, state, table) in 5.10 */
#define NF_XT_CALL(a1, a2, a3)                                                 \
	(NF_XT_PRIV_FIRST ? nf_on_xt((void *)(a1), (void *)(a3), (void *)(a2)) \
			  : nf_on_xt((void *)(a3), (void *)(a2), (void *)(a1)))

#else /* a pinned build without x_tables: the programs exist and do nothing */

#define NF_XT_CALL(a1, a2, a3) ((void)0)

#endif /* x_tables */
#endif /* PWRU_NF_BPF_H */
