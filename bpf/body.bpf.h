/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one BPF body. Each backend's .bpf.c includes this and supplies only
 * how to find the skb, the function id and the address for its attach type,
 * then calls pwru_handle(). Filters run before any buffer space is used.
 */
#ifndef PWRU_BODY_BPF_H
#define PWRU_BODY_BPF_H

#ifdef PWRU_PINNED
/*
 * `make pinned` (scripts/pinned-build): the target kernel's own types, from
 * a vmlinux.h found on the include path before bpf/, without
 * preserve_access_index, and plain probe reads below: every field offset is
 * fixed at compile time, no CO-RE relocation, no kernel BTF needed to load.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include <vmlinux.h>
#else
#include "vmlinux.h"
#endif
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "event.h"

#ifdef PWRU_PINNED
/* BPF_CORE_READ() expands to bpf_core_read() at each use: read in place */
#undef bpf_core_read
#define bpf_core_read(dst, sz, src) bpf_probe_read_kernel(dst, sz, (const void *)(src))
#undef bpf_core_read_str
#define bpf_core_read_str(dst, sz, src) bpf_probe_read_kernel_str(dst, sz, (const void *)(src))
/* the target's own types: a field it lacks fails the build, not the load */
#define PWRU_HAS_FIELD(f) 1
#else
#define PWRU_HAS_FIELD(f) bpf_core_field_exists(f)
#endif

char LICENSE[] SEC("license") = "GPL";

const volatile struct pwru_cfg CFG = {};

/*
 * Writable at run time (.bss, shared by every clone of a template because the
 * clones reference the same map): 0 until every probe is attached, and again
 * from the moment pwru stops, so that a slow detach costs nothing per call.
 * After retsnoop's ready flag.
 */
volatile __u32 PWRU_READY = 0;

/*
 * Placeholder for the per-program function id. User space clones a loaded
 * program once per target and rewrites this 64-bit immediate, because
 * tracing and raw tracepoint programs have no attach cookie before 6.10.
 */
#define PWRU_FUNC_ID_MAGIC 0x7077727546554e43ULL /* "pwruFUNC" */

static __always_inline __u64 pwru_func_id_placeholder(void)
{
	__u64 id;

	asm volatile("%0 = 0x7077727546554e43 ll" : "=r"(id));
	return id;
}

/*
 * max_entries is set by user space; the type is switched to
 * PERF_EVENT_ARRAY on kernels without a ring buffer (before 5.8).
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 4096);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 127 * sizeof(__u64));
} stacks SEC(".maps");

/*
 * Perf buffer only: bpf_perf_event_output() copies from memory the program
 * owns, and a per-CPU scratch event is shared by every pwru program on the
 * CPU. A program interrupted half-way (task, softirq, hardirq, NMI: fentry
 * and raw tracepoints only guard against re-entering the same program) must
 * not have its event overwritten, so each nesting level gets its own slot.
 */
#define PWRU_NEST_MAX 4

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PWRU_NEST_MAX);
	__type(key, __u32);
	__type(value, struct pwru_event_dump); /* the longest record */
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} nesting SEC(".maps");

/*
 * Events the buffer refused (full ring buffer, failed perf output, nesting
 * too deep). One u64 per CPU, updated atomically: an interrupting program
 * on the same CPU may update it between our load and store.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

/*
 * --filter-track-skb: skbs that matched the filters once, by address, until
 * freed. LRU so that a full map forgets the skb seen least recently (one
 * whose free this run did not probe) instead of refusing new ones.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PWRU_TRACK_MAX);
	__type(key, __u64);
	__type(value, __u8);
} tracked SEC(".maps");

struct pwru_probe {
	__u64 addr; /* function IP if known */
	__u64 caller;
	__u64 location; /* kfree_skb location */
	__u32 func_id;
	__u32 kind;
	__u32 drop_reason;
	__u32 has_drop;
};

/*
 * netns of the device, else of the socket, as pwru does. possible_net_t
 * has no net pointer without CONFIG_NET_NS: one netns, reported as 0.
 */
static __always_inline __u32 skb_netns(struct sk_buff *skb, struct net_device *dev)
{
	__u32 ino = 0;

	if (!PWRU_HAS_FIELD(dev->nd_net.net))
		return 0;
	if (dev)
		ino = BPF_CORE_READ(dev, nd_net.net, ns.inum);
	if (!ino) {
		struct sock *sk = BPF_CORE_READ(skb, sk);

		if (sk)
			ino = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	}
	return ino;
}

static __always_inline bool ifname_match(const char *name)
{
	for (int i = 0; i < PWRU_IFNAME_LEN; i++) {
		if (name[i] != CFG.ifname[i])
			return false;
		if (!name[i])
			return true;
	}
	return true;
}

/*
 * pcap filter stubs. User space replaces each body with the translated
 * filter before load (src/pcap/splice.c finds it by the marker). Arguments:
 * address of the first packet byte, bytes readable from it, packet length;
 * non-zero means match. The asm keeps clang from dropping the arguments or
 * folding the result; as written a stub matches everything.
 */
#define PWRU_PCAP_STUB(name, magic)                                            \
	static __noinline __u64 name(__u64 base, __u64 caplen, __u64 wirelen)  \
	{                                                                      \
		__u64 ret;                                                     \
                                                                               \
		asm volatile("%0 = " #magic " ll"                              \
			     : "=r"(ret)                                       \
			     : "r"(base), "r"(caplen), "r"(wirelen));          \
		return ret;                                                    \
	}

PWRU_PCAP_STUB(pwru_pcap_l2, 0x7077727550434c32) /* "pwruPCL2", src/pcap/pcap.h */
PWRU_PCAP_STUB(pwru_pcap_l3, 0x7077727550434c33) /* "pwruPCL3" */

/*
 * L2 (Ethernet) when the MAC header is set and lies before the network
 * header, else L3 (raw IP) from the network header. Bytes are readable up
 * to the end of the linear data (tail); the length is that of the whole
 * packet from the chosen header, paged data included.
 */
static __always_inline bool pwru_pcap_match(struct sk_buff *skb)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	unsigned char *data = BPF_CORE_READ(skb, data);
	__u16 mh = BPF_CORE_READ(skb, mac_header);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u64 tail = BPF_CORE_READ(skb, tail);
	__s64 wire = (__s64)BPF_CORE_READ(skb, len) + (data - head);
	bool l2 = mh != (__u16)~0U && nh != (__u16)~0U && mh < nh;
	__u64 off = l2 ? mh : nh, cap;

	if (!head || (!l2 && nh == (__u16)~0U))
		return false;
	wire -= off;
	if (wire < 0)
		wire = 0;
	cap = tail > off ? tail - off : 0;
	if (cap > (__u64)wire)
		cap = wire;
	if (l2)
		return pwru_pcap_l2((__u64)head + off, cap, wire);
	return pwru_pcap_l3((__u64)head + off, cap, wire);
}

#include "skb_expr.bpf.h"

/* known at load time: the verifier prunes the read when no filter needs it */
#define PWRU_FILTER_NEEDS_DEV (CFG.netns || CFG.ifindex || CFG.ifname[0])

/* *devp: skb->dev, read here only when a filter needs it (PWRU_FILTER_NEEDS_DEV) */
static __always_inline bool pwru_filter(struct sk_buff *skb, struct net_device **devp)
{
	struct net_device *dev;

	if (CFG.mark_mask && (BPF_CORE_READ(skb, mark) & CFG.mark_mask) != CFG.mark)
		return false;
	if (PWRU_FILTER_NEEDS_DEV) {
		dev = *devp = BPF_CORE_READ(skb, dev);
		if (CFG.netns && skb_netns(skb, dev) != CFG.netns)
			return false;
	}
	if (CFG.ifindex || CFG.ifname[0]) {
		char name[PWRU_IFNAME_LEN] = {};

		if (!dev)
			return false;
		if (CFG.ifindex && BPF_CORE_READ(dev, ifindex) != CFG.ifindex)
			return false;
		if (CFG.ifname[0]) {
			bpf_probe_read_kernel_str(name, sizeof(name), dev->name);
			if (!ifname_match(name))
				return false;
		}
	}
	if (!pwru_expr_filter(skb))
		return false;
	/* last: the costliest; pruned by the verifier when there is no filter */
	if (CFG.pcap_filter && !pwru_pcap_match(skb))
		return false;
	return true;
}

/* network_header and transport_header are u16 offsets; ~0 means unset */
static __always_inline void parse_tuple(struct sk_buff *skb, struct pwru_event *ev)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u16 th = BPF_CORE_READ(skb, transport_header);
	struct pwru_tuple *t = &ev->tuple;
	__u8 ver = 0;
	__u32 l4off;

	if (nh == (__u16)~0U || !head)
		return;
	if (bpf_probe_read_kernel(&ver, 1, head + nh))
		return;
	ver >>= 4;
	if (ver == 4) {
		struct iphdr ip;

		if (bpf_probe_read_kernel(&ip, sizeof(ip), head + nh))
			return;
		__builtin_memcpy(t->saddr, &ip.saddr, 4);
		__builtin_memcpy(t->daddr, &ip.daddr, 4);
		t->l4_proto = ip.protocol;
		l4off = nh + ip.ihl * 4;
		/* non-first fragments carry no ports */
		if (ip.frag_off & bpf_htons(0x1fff))
			goto done;
	} else if (ver == 6) {
		struct ipv6hdr ip6;

		if (bpf_probe_read_kernel(&ip6, sizeof(ip6), head + nh))
			return;
		__builtin_memcpy(t->saddr, &ip6.saddr, 16);
		__builtin_memcpy(t->daddr, &ip6.daddr, 16);
		t->l4_proto = ip6.nexthdr;
		l4off = nh + sizeof(ip6);
		ev->flags |= PWRU_F_IPV6;
	} else {
		return;
	}
	/* Trust transport_header only when it lies past the IP header. */
	if (th != (__u16)~0U && th > nh)
		l4off = th;
	if (t->l4_proto == IPPROTO_TCP) {
		struct tcphdr tcp;

		if (!bpf_probe_read_kernel(&tcp, sizeof(tcp), head + l4off)) {
			t->sport = bpf_ntohs(tcp.source);
			t->dport = bpf_ntohs(tcp.dest);
			t->tcp_flags = ((__u8 *)&tcp)[13];
		}
	} else if (t->l4_proto == IPPROTO_UDP) {
		struct udphdr udp;

		if (!bpf_probe_read_kernel(&udp, sizeof(udp), head + l4off)) {
			t->sport = bpf_ntohs(udp.source);
			t->dport = bpf_ntohs(udp.dest);
		}
	}
done:
	ev->flags |= PWRU_F_HAS_TUPLE;
}

static __always_inline void fill_meta(struct sk_buff *skb, struct net_device *dev,
				      struct pwru_event *ev)
{
	ev->mark = BPF_CORE_READ(skb, mark);
	ev->len = BPF_CORE_READ(skb, len);
	ev->proto = bpf_ntohs(BPF_CORE_READ(skb, protocol));
	ev->netns = skb_netns(skb, dev);
	if (dev) {
		ev->ifindex = BPF_CORE_READ(dev, ifindex);
		ev->mtu = BPF_CORE_READ(dev, mtu);
		bpf_probe_read_kernel_str(ev->ifname, sizeof(ev->ifname), dev->name);
	}
}

#include "nf.bpf.h"
#include "skb_dump.bpf.h"

static __always_inline void count_lost(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&lost, &zero);

	/* result unused: plain BPF_XADD, which every kernel with BPF has */
	if (n)
		__sync_fetch_and_add(n, 1);
}

static __always_inline bool frees_skb(const struct pwru_probe *p)
{
	__u32 id = p->func_id + 1;

	/*
	 * No id: a kprobe without cookies (before 5.15) names its function by
	 * address only. Then a tracked skb is forgotten by the LRU alone (a
	 * later skb at the same address is followed too); 0 also fills the
	 * unused slots below, which must never match.
	 */
	if (!id)
		return false;
	if (p->kind == PWRU_EV_TRACEPOINT) {
		for (int i = 0; i < PWRU_TRACK_FREE_TPS; i++)
			if (CFG.free_tp[i] == id)
				return true;
		return false;
	}
	for (int i = 0; i < PWRU_TRACK_FREE_FUNCS; i++)
		if (CFG.free_func[i] == id)
			return true;
	return false;
}

/*
 * A tracked skb passes whatever its headers say now (NAT, encapsulation);
 * an untracked one that passes the filters is tracked from here on. The
 * address leaves the map where the skb is freed, after this last event.
 */
static __always_inline bool pwru_match(struct sk_buff *skb, const struct pwru_probe *p,
				       struct net_device **dev, bool *untrack)
{
	__u64 key = (__u64)skb;
	__u8 one = 1;

	*untrack = false;
	if (!CFG.track_skb)
		return pwru_filter(skb, dev);
	if (bpf_map_lookup_elem(&tracked, &key)) {
		*untrack = frees_skb(p);
		return true;
	}
	if (!pwru_filter(skb, dev))
		return false;
	if (frees_skb(p))
		return true;
	bpf_map_update_elem(&tracked, &key, &one, BPF_ANY);
	return true;
}

static __always_inline void fill_event(void *ctx, struct sk_buff *skb, struct net_device *dev,
				       const struct pwru_probe *p, struct pwru_event *ev)
{
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->skb = (__u64)skb;
	ev->ts = bpf_ktime_get_ns();
	ev->addr = p->addr;
	ev->func_id = p->func_id;
	ev->kind = p->kind;
	ev->pid = bpf_get_current_pid_tgid() >> 32;
	ev->cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	fill_meta(skb, dev, ev);
	parse_tuple(skb, ev);
	pwru_expr_meta(skb, ev);
	if (p->has_drop) {
		ev->flags |= PWRU_F_HAS_DROP;
		ev->drop_reason = p->drop_reason;
		ev->location = p->location;
		if (pwru_nf_take(ev->skb, &((struct pwru_event_nf *)ev)->nf))
			ev->flags |= PWRU_F_HAS_NF;
	}
	if (p->caller) {
		ev->caller = p->caller;
		ev->flags |= PWRU_F_HAS_CALLER;
	}
	ev->stack_id = -1;
	if (CFG.output_stack || CFG.output_caller) {
		ev->stack_id = bpf_get_stackid(ctx, &stacks, 0);
		if (ev->stack_id >= 0)
			ev->flags |= PWRU_F_HAS_STACK;
	}
	if (PWRU_DUMPING)
		pwru_dump_fill(skb, ev);
}

/* The event is built in the ring buffer itself: no shared scratch to overwrite. */
static __always_inline void emit_ringbuf(void *ctx, struct sk_buff *skb, struct net_device *dev,
					 const struct pwru_probe *p)
{
	/* a drop may carry a netfilter record: the longer record (p->has_drop is constant) */
	struct pwru_event *ev = bpf_ringbuf_reserve(&events, PWRU_RECORD_SIZE(p->has_drop), 0);

	if (!ev) {
		count_lost();
		return;
	}
	fill_event(ctx, skb, dev, p, ev);
	bpf_ringbuf_submit(ev, 0);
}

/*
 * One scratch slot per nesting level on this CPU. The depth is restored
 * before return, so a program that interrupts us between its load and store
 * leaves it as it found it. This holds where pwru's programs run with
 * preemption disabled, as on the kernels that need the perf buffer
 * (before 5.8); a preemptible run (CONFIG_PREEMPT, fentry since 5.10's
 * migrate_disable) could race, and has the ring buffer.
 */
static __always_inline void emit_perf(void *ctx, struct sk_buff *skb, struct net_device *dev,
				      const struct pwru_probe *p)
{
	__u32 zero = 0, slot, *depth = bpf_map_lookup_elem(&nesting, &zero);
	struct pwru_event *ev = NULL;

	if (!depth)
		return;
	slot = *depth;
	*depth = slot + 1;
	if (slot < PWRU_NEST_MAX)
		ev = bpf_map_lookup_elem(&scratch, &slot);
	if (ev) {
		fill_event(ctx, skb, dev, p, ev);
		/* -ENOSPC when full: the PERF_RECORD_LOST for it may come late or never */
		if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, ev,
					  PWRU_RECORD_SIZE(ev->flags & PWRU_F_HAS_NF)))
			count_lost();
	} else {
		count_lost();
	}
	*depth = slot;
}

static __always_inline int pwru_handle(void *ctx, struct sk_buff *skb,
				       const struct pwru_probe *p)
{
	struct net_device *dev = NULL;
	bool untrack;

	if (!PWRU_READY || !skb || !pwru_match(skb, p, &dev, &untrack))
		return 0;
	if (untrack) {
		__u64 key = (__u64)skb;

		bpf_map_delete_elem(&tracked, &key);
	}
	/* a tracked skb skipped the filters that would have read it */
	if (!PWRU_FILTER_NEEDS_DEV || !dev)
		dev = BPF_CORE_READ(skb, dev);
	if (CFG.use_perfbuf)
		emit_perf(ctx, skb, dev, p);
	else
		emit_ringbuf(ctx, skb, dev, p);
	return 0;
}

#endif /* PWRU_BODY_BPF_H */
