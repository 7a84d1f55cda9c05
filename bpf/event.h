/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one event every backend emits and every formatter reads. Shared by BPF
 * (which includes vmlinux.h first) and user space (which includes
 * <linux/types.h>). Any layout change must update PWRU_EVENT_SIZE on purpose.
 */
#ifndef PWRU_EVENT_H
#define PWRU_EVENT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif
#include "skb_expr_cfg.h"

#define PWRU_COMM_LEN 16
#define PWRU_IFNAME_LEN 16

/* event.kind */
enum pwru_event_kind {
	PWRU_EV_FUNC = 0, /* a probed kernel function; func_id indexes the func table */
	PWRU_EV_TRACEPOINT = 1, /* a tracepoint; func_id indexes the tracepoint table */
};

/* event.flags */
#define PWRU_F_HAS_TUPLE (1u << 0)
#define PWRU_F_IPV6 (1u << 1)
#define PWRU_F_HAS_DROP (1u << 2) /* drop_reason and location are valid */
#define PWRU_F_HAS_STACK (1u << 3)
#define PWRU_F_HAS_CALLER (1u << 4)
#define PWRU_F_HAS_NF (1u << 5) /* the record is a struct pwru_event_nf */
#define PWRU_F_HAS_DUMP (1u << 6) /* the record is a struct pwru_event_dump */

struct pwru_tuple {
	__u8 saddr[16]; /* IPv4 uses the first 4 bytes */
	__u8 daddr[16];
	__u16 sport; /* host byte order */
	__u16 dport;
	__u8 l4_proto; /* IPPROTO_* */
	__u8 tcp_flags; /* FIN=0x01 ... CWR=0x80, as in the TCP header */
	__u8 pad[2];
};

struct pwru_event {
	__u64 skb; /* kernel address of the sk_buff */
	__u64 ts; /* bpf_ktime_get_ns() */
	__u64 addr; /* function IP when the backend knows it, else 0 */
	__u64 caller; /* return address into the caller, --output-caller */
	__u64 location; /* kfree_skb freeing location */
	__u32 func_id;
	__u32 kind; /* enum pwru_event_kind */
	__u32 flags; /* PWRU_F_* */
	__u32 pid;
	__u32 cpu;
	__u32 netns; /* inode of the skb's netns (dev, then sk) */
	__u32 mark;
	__u32 ifindex;
	__u32 len;
	__u32 mtu;
	__u32 drop_reason;
	__s32 stack_id;
	__u16 proto; /* skb->protocol, host byte order (ETH_P_*) */
	__u16 pad0;
	__u32 pad1;
	char comm[PWRU_COMM_LEN];
	char ifname[PWRU_IFNAME_LEN];
	struct pwru_tuple tuple;
	/* --output-skb-metadata: meta[i] was read when bit i of meta_ok is set */
	__u64 meta[PWRU_META_MAX];
	__u32 meta_ok;
	__u32 pad2;
};

#define PWRU_EVENT_SIZE 208
_Static_assert(sizeof(struct pwru_event) == PWRU_EVENT_SIZE,
	       "struct pwru_event layout changed: update PWRU_EVENT_SIZE deliberately");

#define PWRU_TRACK_FREE_FUNCS 4
#define PWRU_TRACK_FREE_TPS 2
#define PWRU_TRACK_MAX 65536 /* skbs followed at once; the least recently seen goes first */

/* pwru_nf.flags */
#define PWRU_NF_HAS_CHAIN (1u << 0) /* table, chain, family, hook, priority */
#define PWRU_NF_HAS_RULE (1u << 1) /* handle: the rule whose verdict was taken */
#define PWRU_NF_POLICY_DROP (1u << 2) /* the base chain's policy is drop */
#define PWRU_NF_LEGACY (1u << 3) /* an iptables-legacy table: no chain, no rule */
#define PWRU_NF_FROM_TRACE (1u << 4) /* from nftrace (--nft-trace): no hook, no priority */
#define PWRU_NF_NAME_LEN 64 /* nft allows 256; longer names are cut */

/*
 * Who in netfilter decided, as seen by the nf_tables probes (bpf/nf.bpf.h).
 * chain is the chain that held the rule (a jump target, not always the
 * base chain); table, hook and priority are those of the base chain.
 */
struct pwru_nf {
	char table[PWRU_NF_NAME_LEN];
	char chain[PWRU_NF_NAME_LEN];
	__u64 handle; /* nft rule handle when PWRU_NF_HAS_RULE */
	__s32 priority;
	__s32 verdict; /* NF_DROP ..., or NFT_JUMP ... (negative) */
	__u8 family; /* NFPROTO_*, the nft table's family (inet = 1) */
	__u8 hook; /* NF_INET_* (netdev: NF_NETDEV_*) */
	__u8 flags; /* PWRU_NF_* */
	__u8 pad[5];
};

/* A drop event with a netfilter explanation: a longer record, same head. */
struct pwru_event_nf {
	struct pwru_event ev;
	struct pwru_nf nf;
};

#define PWRU_NF_SIZE 152
_Static_assert(sizeof(struct pwru_nf) == PWRU_NF_SIZE,
	       "struct pwru_nf layout changed: update PWRU_NF_SIZE deliberately");

/*
 * Run-time configuration, placed in every backend's .rodata before load so
 * the verifier prunes disabled paths.
 */
struct pwru_cfg {
	__u32 netns; /* 0: any */
	__u32 mark; /* compared after masking */
	__u32 mark_mask; /* 0: no mark filter */
	__u32 ifindex; /* 0: any */
	char ifname[PWRU_IFNAME_LEN]; /* "": any; matched against skb->dev->name */
	__u8 output_stack;
	__u8 output_caller;
	__u8 use_perfbuf; /* kernels before 5.8 have no BPF ring buffer */
	__u8 kfree_has_reason; /* kfree_skb tracepoint carries a reason (5.17+) */
	__u8 pcap_filter; /* a pcap filter is spliced into the stubs (src/pcap/pcap.h) */
	__u8 track_skb; /* --filter-track-skb: a matched skb is followed by address */
	__u8 pad[2];
	/* --filter-track-skb: targets that free the skb, as id + 1 (0: unused) */
	__u32 free_func[PWRU_TRACK_FREE_FUNCS]; /* PWRU_EV_FUNC ids */
	__u32 free_tp[PWRU_TRACK_FREE_TPS]; /* PWRU_EV_TRACEPOINT ids */
	/*
	 * kfree_skb()'s address, for kernels before 5.17 where kfree_skb(skb)
	 * is the drop path and fentry has no bpf_get_func_ip() (before 5.15):
	 * the trampoline frame is scanned for the return address into it.
	 */
	__u64 kfree_skb_addr;
	/*
	 * --output-skb, --output-skb-shared-info, --output-skb-cb: sizes and
	 * offsets from the BTF the dump is formatted with (src/skb_dump.c),
	 * so that pinned builds and every kernel copy what that BTF describes.
	 * All 0: no dump, and the verifier prunes it.
	 */
	__u16 dump_skb_size; /* sizeof(struct sk_buff) */
	__u16 dump_shinfo_size; /* sizeof(struct skb_shared_info) */
	__u16 dump_cb_off; /* offsetof(struct sk_buff, cb) */
	__u16 dump_head_off; /* offsetof(struct sk_buff, head) */
	__u16 dump_end_off; /* offsetof(struct sk_buff, end) */
	__u8 dump_cb; /* copy skb->cb */
	__u8 dump_end_ptr; /* sk_buff_data_t is a pointer (NET_SKBUFF_DATA_USES_OFFSET unset) */
	__u32 dump_pad;
};

/*
 * A dump rides at the end of the event, after the (maybe unused) netfilter
 * part: with a dump asked for every record is a struct pwru_event_dump.
 * The largest x86-64 layouts seen: sk_buff 232-256 bytes, skb_shared_info
 * 320 (MAX_SKB_FRAGS 17) to 768 (CONFIG_MAX_SKB_FRAGS=45, 6.2+).
 */
#define PWRU_DUMP_SKB_MAX 512
#define PWRU_DUMP_SHINFO_MAX 768
#define PWRU_DUMP_CB_LEN 48 /* sizeof(skb->cb) since 2.6.35 */

struct pwru_dump {
	__u16 skb_len; /* bytes of struct sk_buff copied; 0: not asked, or unreadable */
	__u16 shinfo_len; /* bytes of struct skb_shared_info copied (at skb->head + skb->end) */
	__u16 cb_len; /* bytes of skb->cb copied */
	__u16 pad;
	__u8 skb[PWRU_DUMP_SKB_MAX];
	__u8 shinfo[PWRU_DUMP_SHINFO_MAX];
	__u8 cb[PWRU_DUMP_CB_LEN];
};

struct pwru_event_dump {
	struct pwru_event ev;
	struct pwru_nf nf; /* valid with PWRU_F_HAS_NF */
	struct pwru_dump dump;
};

#define PWRU_DUMP_SIZE 1336
_Static_assert(sizeof(struct pwru_dump) == PWRU_DUMP_SIZE,
	       "struct pwru_dump layout changed: update PWRU_DUMP_SIZE deliberately");

#endif /* PWRU_EVENT_H */
