// SPDX-License-Identifier: GPL-2.0
/* pwru-compatible text columns and JSON lines. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json_writer.h"
#include "output.h"
#include "ksyms.h"
#include "drop_reason.h"
#include "netns.h"
#include "drop_summary.h"
#include "skb_dump.h"

struct skb_seen {
	__u64 skb;
	__u64 ts;
};

#define SEEN_CAP 8192 /* power of two; older skbs are forgotten, not leaked */

int out_ctx__init(struct out_ctx *c, const struct options *o)
{
	struct timespec mono, real;

	memset(c, 0, sizeof(*c));
	c->tuple = o->output_tuple;
	c->meta = o->output_meta;
	c->json = o->output_json;
	c->stack = o->output_stack;
	c->caller = o->output_caller;
	c->tcp_flags = o->output_tcp_flags;
	c->ts = o->timestamp;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	c->mono_to_real_ns = (real.tv_sec - mono.tv_sec) * 1000000000LL +
			     (real.tv_nsec - mono.tv_nsec);
	if (c->ts == TS_RELATIVE) {
		c->seen = calloc(SEEN_CAP, sizeof(*c->seen));
		if (!c->seen)
			return -ENOMEM;
		c->seen_cap = SEEN_CAP;
	}
	return 0;
}

void out_ctx__free(struct out_ctx *c)
{
	free(c->seen);
	c->seen = NULL;
}

/* Time since this skb was last seen, 0 the first time (as pwru). */
static __u64 relative_ts(struct out_ctx *c, const struct pwru_event *ev)
{
	size_t i = (ev->skb >> 8) * 0x9E3779B97F4A7C15ULL >> 51 & (c->seen_cap - 1);
	struct skb_seen *s = &c->seen[i];
	__u64 d = 0;

	if (s->skb == ev->skb && ev->ts >= s->ts)
		d = ev->ts - s->ts;
	s->skb = ev->skb;
	s->ts = ev->ts;
	return d;
}

static const char *l4_name(__u8 proto, char *buf, size_t len)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmp6";
	case IPPROTO_SCTP:
		return "sctp";
	}
	snprintf(buf, len, "%u", proto);
	return buf;
}

static void addr_str(const struct pwru_event *ev, const __u8 *a, char *buf, size_t len)
{
	if (ev->flags & PWRU_F_IPV6)
		inet_ntop(AF_INET6, a, buf, len);
	else
		inet_ntop(AF_INET, a, buf, len);
}

/* Bit order of the TCP header, FIN first; pwru joins the names with '|'. */
static const char *tcp_flags_str(__u8 f, char *buf, size_t len)
{
	static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < 8; i++)
		if (f & (1u << i) && off < len)
			off += snprintf(buf + off, len - off, "%s%s", off ? "|" : "", names[i]);
	return buf;
}

char *output__tuple(const struct pwru_event *ev, char *buf, size_t len)
{
	return output__tuple_flags(ev, false, buf, len);
}

char *output__tuple_flags(const struct pwru_event *ev, bool flags, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], p[48], fl[40];
	const struct pwru_tuple *t = &ev->tuple;
	const char *l4;
	bool v6 = ev->flags & PWRU_F_IPV6;

	if (!(ev->flags & PWRU_F_HAS_TUPLE)) {
		snprintf(buf, len, "0.0.0.0:0->0.0.0.0:0(0)");
		return buf;
	}
	addr_str(ev, t->saddr, s, sizeof(s));
	addr_str(ev, t->daddr, d, sizeof(d));
	l4 = l4_name(t->l4_proto, p, sizeof(p));
	if (flags && t->l4_proto == IPPROTO_TCP && t->tcp_flags) {
		snprintf(p, sizeof(p), "tcp:%s", tcp_flags_str(t->tcp_flags, fl, sizeof(fl)));
		l4 = p;
	}
	snprintf(buf, len, v6 ? "[%s]:%u->[%s]:%u(%s)" : "%s:%u->%s:%u(%s)", s, t->sport, d,
		 t->dport, l4);
	return buf;
}

static const char *target_name(const struct out_ctx *c, const struct pwru_event *ev)
{
	if (ev->kind == PWRU_EV_TRACEPOINT)
		return ev->func_id < c->nr_tps ? c->tp_names[ev->func_id] : NULL;
	return ev->func_id < c->nr_funcs ? c->func_names[ev->func_id] : NULL;
}

/* The function the skb was freed in, or NULL. */
static const char *location_func(const struct out_ctx *c, const struct pwru_event *ev)
{
	const struct ksym *k = ev->location ? ksyms__find(c->ksyms, ev->location) : NULL;

	return k ? k->name : NULL;
}

/* The kernel's name for the reason; without drop reasons, the location's. */
static const char *drop_reason_of(const struct out_ctx *c, const struct pwru_event *ev,
				  bool *inferred)
{
	*inferred = false;
	if (c->reasons)
		return drop_reasons__name(c->reasons, ev->drop_reason);
	*inferred = true;
	return drop_reason__infer(location_func(c, ev));
}

char *output__func(const struct out_ctx *c, const struct pwru_event *ev, char *buf, size_t len)
{
	const char *name = target_name(c, ev), *reason;
	char fallback[64];
	bool inferred;

	if (!name) {
		if (ev->addr)
			name = ksyms__format(c->ksyms, ev->addr, fallback, sizeof(fallback));
		else
			snprintf(fallback, sizeof(fallback), "func#%u", ev->func_id), name = fallback;
	}
	if (!(ev->flags & PWRU_F_HAS_DROP)) {
		snprintf(buf, len, "%s", name);
		return buf;
	}
	reason = drop_reason_of(c, ev, &inferred);
	if (reason)
		snprintf(buf, len, inferred ? "%s(%s, inferred)" : "%s(%s)", name, reason);
	else if (c->reasons)
		snprintf(buf, len, "%s(%u)", name, ev->drop_reason);
	else
		snprintf(buf, len, "%s", name); /* kernel without drop reasons */
	return buf;
}

static bool is_plumbing(const char *sym)
{
	static const char *const prefixes[] = { "bpf_", "__bpf_", "__traceiter_", "trace_",
						"__trace_", "kprobe_", "perf_", "fprobe",
						"ftrace_", "arch_ftrace", "rethook", "0x" };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(sym, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/*
 * Caller from the stack when the backend could not read it directly: skip
 * BPF, trampoline and tracing frames, then the traced function itself.
 */
static __u64 caller_from_stack(const struct out_ctx *c, const struct pwru_event *ev)
{
	const char *self = target_name(c, ev);

	for (int i = 0; i < c->nr_ips; i++) {
		const struct ksym *k = ksyms__find(c->ksyms, c->ips[i]);

		if (!k || is_plumbing(k->name))
			continue;
		if (ev->kind == PWRU_EV_FUNC && self && !strcmp(k->name, self))
			continue;
		return c->ips[i];
	}
	return 0;
}

static void process_str(const struct pwru_event *ev, char *buf, size_t len)
{
	char comm[PWRU_COMM_LEN + 1];

	memcpy(comm, ev->comm, PWRU_COMM_LEN);
	comm[PWRU_COMM_LEN] = '\0';
	snprintf(buf, len, "%s:%u", comm[0] ? comm : "<empty>", ev->pid);
}

static void abs_time(const struct out_ctx *c, __u64 ts, char *buf, size_t len)
{
	__s64 ns = (__s64)ts + c->mono_to_real_ns;
	time_t sec = ns / 1000000000LL;
	struct tm tm;
	char tmp[32];

	localtime_r(&sec, &tm);
	strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03lld", tmp, (long long)(ns % 1000000000LL) / 1000000);
}

void output__header(const struct out_ctx *c, FILE *out)
{
	if (c->json)
		return;
	if (c->ts == TS_ABSOLUTE)
		fprintf(out, "%-23s ", "TIME");
	fprintf(out, "%-18s %-3s %-16s", "SKB", "CPU", "PROCESS");
	if (c->ts == TS_CURRENT || c->ts == TS_RELATIVE)
		fprintf(out, " %-16s", "TIMESTAMP");
	if (c->meta)
		fprintf(out, " %-10s %-8s %-16s %-6s %-5s %-5s", "NETNS", "MARK/x", "IFACE", "PROTO",
			"MTU", "LEN");
	if (c->tuple)
		fprintf(out, " %s", "TUPLE");
	fprintf(out, " %s", "FUNC");
	if (c->caller)
		fprintf(out, " %s", "CALLER");
	fputc('\n', out);
}

static void print_stack_text(struct out_ctx *c, const struct pwru_event *ev, FILE *out)
{
	char sym[128];

	for (int i = 0; i < c->nr_ips; i++)
		fprintf(out, "\n%s", ksyms__format(c->ksyms, c->ips[i], sym, sizeof(sym)));
}

/* "4026531840", or "4026532290(blue)" when /run/netns names it */
static void netns_str(const struct out_ctx *c, const struct pwru_event *ev, char *buf, size_t len)
{
	const char *name = netns_names__find(c->netns_names, ev->netns);

	if (name)
		snprintf(buf, len, "%u(%s)", ev->netns, name);
	else
		snprintf(buf, len, "%u", ev->netns);
}

static int event_text(struct out_ctx *c, const struct pwru_event *ev, FILE *out)
{
	char proc[48], func[192], tuple[128], sym[128], skb[24];
	__u64 caller;

	if (c->ts == TS_ABSOLUTE) {
		abs_time(c, ev->ts, sym, sizeof(sym));
		fprintf(out, "%-23s ", sym);
	}
	process_str(ev, proc, sizeof(proc));
	snprintf(skb, sizeof(skb), "%#llx", (unsigned long long)ev->skb);
	fprintf(out, "%-18s %-3u %-16s", skb, ev->cpu, proc);
	if (c->ts == TS_CURRENT)
		fprintf(out, " %-16llu", (unsigned long long)ev->ts);
	else if (c->ts == TS_RELATIVE)
		fprintf(out, " %-16llu", (unsigned long long)relative_ts(c, ev));
	if (c->meta) {
		netns_str(c, ev, sym, sizeof(sym));
		fprintf(out, " %-10s %-8x %-16s %#06x %-5u %-5u", sym, ev->mark,
			ev->ifname[0] ? ev->ifname : "0", ev->proto, ev->mtu, ev->len);
	}
	if (c->tuple)
		fprintf(out, " %s", output__tuple_flags(ev, c->tcp_flags, tuple, sizeof(tuple)));
	fprintf(out, " %s", output__func(c, ev, func, sizeof(func)));
	if (c->caller) {
		caller = ev->flags & PWRU_F_HAS_CALLER ? ev->caller : caller_from_stack(c, ev);
		fprintf(out, " %s", caller ? ksyms__format(c->ksyms, caller, sym, sizeof(sym)) : "?");
	}
	/* where the skb was freed: what tells a netfilter drop from any other */
	if (ev->flags & PWRU_F_HAS_DROP && ev->location)
		fprintf(out, " location=%s", ksyms__format(c->ksyms, ev->location, sym, sizeof(sym)));
	/* who in netfilter: the line after, indented (a rule can be long) */
	if (c->has_nf) {
		char nf[NFT_RULE_TEXT_LEN + 256];

		fprintf(out, "\n    netfilter: %s", nf_explain__text(&c->nf, nf, sizeof(nf)));
	}
	if (c->stack)
		print_stack_text(c, ev, out);
	if (c->skb_dump)
		skb_dump__text(c->skb_dump, ev, out);
	fputc('\n', out);
	return 0;
}

/* Keys absent when unknown. */
static void json_netfilter(const struct nf_explain *x, struct json_writer *w)
{
	jsonw_name(w, "netfilter");
	jsonw_start_object(w);
	if (x->family)
		jsonw_string_field(w, "family", x->family);
	if (x->table)
		jsonw_string_field(w, "table", x->table);
	if (x->chain)
		jsonw_string_field(w, "chain", x->chain);
	if (x->hook)
		jsonw_string_field(w, "hook", x->hook);
	if (x->has_priority) {
		jsonw_name(w, "priority");
		jsonw_int(w, x->priority);
	}
	if (x->has_handle)
		jsonw_uint_field(w, "handle", x->handle);
	if (x->position)
		jsonw_uint_field(w, "position", x->position);
	if (x->rule)
		jsonw_string_field(w, "rule", x->rule);
	if (x->verdict)
		jsonw_string_field(w, "verdict", x->verdict);
	if (x->legacy)
		jsonw_bool_field(w, "legacy", true);
	jsonw_end_object(w);
}

static void json_tuple(const struct pwru_event *ev, struct json_writer *w)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	const struct pwru_tuple *t = &ev->tuple;

	addr_str(ev, t->saddr, s, sizeof(s));
	addr_str(ev, t->daddr, d, sizeof(d));
	jsonw_name(w, "tuple");
	jsonw_start_object(w);
	jsonw_string_field(w, "saddr", s);
	jsonw_string_field(w, "daddr", d);
	jsonw_uint_field(w, "sport", t->sport);
	jsonw_uint_field(w, "dport", t->dport);
	jsonw_uint_field(w, "proto", t->l4_proto);
	if (t->l4_proto == IPPROTO_TCP)
		jsonw_uint_field(w, "tcp_flags", t->tcp_flags);
	jsonw_end_object(w);
}

static void json_stack(struct out_ctx *c, const struct pwru_event *ev, struct json_writer *w)
{
	char sym[128];

	if (!c->nr_ips)
		return;
	jsonw_name(w, "stack");
	jsonw_start_array(w);
	for (int i = 0; i < c->nr_ips; i++)
		jsonw_string(w, ksyms__format(c->ksyms, c->ips[i], sym, sizeof(sym)));
	jsonw_end_array(w);
}

static int event_json(struct out_ctx *c, const struct pwru_event *ev, FILE *out)
{
	struct json_writer w;
	char buf[192];
	__u64 caller;

	jsonw_init(&w, out);
	jsonw_start_object(&w);
	snprintf(buf, sizeof(buf), "%#llx", (unsigned long long)ev->skb);
	jsonw_string_field(&w, "skb", buf);
	jsonw_uint_field(&w, "cpu", ev->cpu);
	process_str(ev, buf, sizeof(buf));
	jsonw_string_field(&w, "process", buf);
	jsonw_string_field(&w, "func", output__func(c, ev, buf, sizeof(buf)));
	jsonw_string_field(&w, "kind", ev->kind == PWRU_EV_TRACEPOINT ? "tracepoint" : "func");
	if (c->caller) {
		caller = ev->flags & PWRU_F_HAS_CALLER ? ev->caller : caller_from_stack(c, ev);
		if (caller)
			jsonw_string_field(&w, "caller_func",
					   ksyms__format(c->ksyms, caller, buf, sizeof(buf)));
	}
	if (c->ts == TS_CURRENT) {
		jsonw_uint_field(&w, "time", ev->ts);
	} else if (c->ts == TS_RELATIVE) {
		jsonw_uint_field(&w, "time", relative_ts(c, ev));
	} else if (c->ts == TS_ABSOLUTE) {
		abs_time(c, ev->ts, buf, sizeof(buf));
		jsonw_string_field(&w, "time", buf);
	}
	if (c->meta) {
		jsonw_uint_field(&w, "netns", ev->netns);
		if (netns_names__find(c->netns_names, ev->netns))
			jsonw_string_field(&w, "netns_name",
					   netns_names__find(c->netns_names, ev->netns));
		jsonw_uint_field(&w, "mark", ev->mark);
		jsonw_string_field(&w, "iface", ev->ifname[0] ? ev->ifname : "");
		jsonw_uint_field(&w, "ifindex", ev->ifindex);
		jsonw_uint_field(&w, "proto", ev->proto);
		jsonw_uint_field(&w, "mtu", ev->mtu);
		jsonw_uint_field(&w, "len", ev->len);
	}
	if (ev->flags & PWRU_F_HAS_TUPLE)
		json_tuple(ev, &w);
	if (ev->flags & PWRU_F_HAS_DROP) {
		bool inferred;
		const char *r = drop_reason_of(c, ev, &inferred);

		jsonw_uint_field(&w, "drop_reason_code", ev->drop_reason);
		if (r) {
			jsonw_string_field(&w, "drop_reason", r);
			jsonw_bool_field(&w, "drop_reason_inferred", inferred);
		}
		if (ev->location)
			jsonw_string_field(&w, "location",
					   ksyms__format(c->ksyms, ev->location, buf, sizeof(buf)));
		if (c->has_nf)
			json_netfilter(&c->nf, &w);
	}
	if (c->stack)
		json_stack(c, ev, &w);
	if (c->skb_dump)
		skb_dump__json(c->skb_dump, ev, &w);
	jsonw_end_object(&w);
	return 0;
}

/*
 * A drop's netfilter record is shown only when netfilter dropped it: the
 * record of a packet netfilter accepted stays behind in the kernel's map
 * (bpf/nf.bpf.h) and may ride along with a later drop elsewhere.
 */
static void explain_drop(struct out_ctx *c, const struct pwru_event *ev)
{
	const struct pwru_nf *nf = &((const struct pwru_event_nf *)ev)->nf;
	const char *reason, *rule = NULL;
	char loc[128], key[NFT_RULE_TEXT_LEN + 128];
	bool inferred;

	c->has_nf = false;
	if (!(ev->flags & PWRU_F_HAS_DROP))
		return;
	reason = drop_reason_of(c, ev, &inferred);
	if (ev->flags & PWRU_F_HAS_NF && nf_explain__applies(reason, location_func(c, ev))) {
		memset(&c->nf_rule, 0, sizeof(c->nf_rule));
		if (nf->flags & PWRU_NF_HAS_RULE && c->nf_lookup &&
		    c->nf_lookup(c->nf_priv, nf, &c->nf_rule))
			memset(&c->nf_rule, 0, sizeof(c->nf_rule));
		nf_explain__fill(&c->nf, nf, &c->nf_rule);
		c->has_nf = c->nf.table != NULL;
	}
	if (!c->drops)
		return;
	if (c->has_nf)
		rule = nf_explain__short(&c->nf, key, sizeof(key));
	drop_summary__add(c->drops, reason,
			  ev->location ? ksyms__format(c->ksyms, ev->location, loc, sizeof(loc)) : NULL,
			  rule);
}


/*
 * Stacks are fetched once per event. The leading frames are pwru's own: its
 * BPF program, trampoline and the tracing glue that called it; drop them so
 * that a stack starts at the probed function (or the tracepoint's caller).
 */
static void fetch_stack(struct out_ctx *c, const struct pwru_event *ev)
{
	int n = 0, skip = 0;

	c->nr_ips = 0;
	if (!(c->stack || c->caller) || !(ev->flags & PWRU_F_HAS_STACK) || !c->stack_lookup)
		return;
	n = c->stack_lookup(c->stack_priv, ev->stack_id, c->ips, OUT_STACK_MAX);
	while (c->nr_ips < n && c->ips[c->nr_ips])
		c->nr_ips++;
	for (; skip < c->nr_ips; skip++) {
		const struct ksym *k = ksyms__find(c->ksyms, c->ips[skip]);

		if (!k || !is_plumbing(k->name))
			break;
	}
	/* all plumbing, or unknown symbols: keep what there is */
	if (skip == c->nr_ips)
		return;
	memmove(c->ips, c->ips + skip, (c->nr_ips - skip) * sizeof(c->ips[0]));
	c->nr_ips -= skip;
}

int output__event(struct out_ctx *c, const struct pwru_event *ev, FILE *out)
{
	fetch_stack(c, ev);
	explain_drop(c, ev);
	if (c->json)
		return event_json(c, ev, out);
	return event_text(c, ev, out);
}
