// SPDX-License-Identifier: GPL-2.0
/* pwru-compatible text columns and JSON lines. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json_writer.h"
#include "skb_expr.h"
#include "output.h"
#include "sbuf.h"
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

static void sb_l4(struct sbuf *b, __u8 proto)
{
	const char *name = NULL;

	switch (proto) {
	case IPPROTO_TCP:
		name = "tcp";
		break;
	case IPPROTO_UDP:
		name = "udp";
		break;
	case IPPROTO_ICMP:
		name = "icmp";
		break;
	case IPPROTO_ICMPV6:
		name = "icmp6";
		break;
	case IPPROTO_SCTP:
		name = "sctp";
		break;
	}
	if (name)
		sb_str(b, name);
	else
		sb_u64(b, proto, 0);
}

/* inet_ntop()'s form; IPv4 by hand, glibc formats it with sprintf() */
static void sb_addr(struct sbuf *b, const struct pwru_event *ev, const __u8 *a)
{
	char buf[INET6_ADDRSTRLEN], *p = buf;

	if (ev->flags & PWRU_F_IPV6) {
		inet_ntop(AF_INET6, a, buf, sizeof(buf));
		sb_str(b, buf);
		return;
	}

	for (int i = 0; i < 4; i++) {
		unsigned int o = a[i];

		if (o >= 100)
			*p++ = '0' + o / 100;
		if (o >= 10)
			*p++ = '0' + o / 10 % 10;
		*p++ = '0' + o % 10;
		*p++ = '.';
	}
	sb_mem(b, buf, p - buf - 1);
}

/* Bit order of the TCP header, FIN first; pwru joins the names with '|'. */
static void sb_tcp_flags(struct sbuf *b, __u8 f)
{
	static const char names[][4] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
	bool first = true;

	for (int i = 0; i < 8; i++) {
		if (!(f & (1u << i)))
			continue;
		if (!first)
			sb_ch(b, '|');
		sb_mem(b, names[i], 3);
		first = false;
	}
}

static void sb_tuple(struct sbuf *b, const struct pwru_event *ev, bool flags)
{
	const struct pwru_tuple *t = &ev->tuple;
	bool v6 = ev->flags & PWRU_F_IPV6;

	if (!(ev->flags & PWRU_F_HAS_TUPLE)) {
		sb_str(b, "0.0.0.0:0->0.0.0.0:0(0)");
		return;
	}
	sb_mem(b, "[", v6);
	sb_addr(b, ev, t->saddr);
	sb_mem(b, &"]:"[!v6], 1 + v6);
	sb_u64(b, t->sport, 0);
	sb_mem(b, "->[", v6 + 2);
	sb_addr(b, ev, t->daddr);
	sb_mem(b, &"]:"[!v6], 1 + v6);
	sb_u64(b, t->dport, 0);
	sb_ch(b, '(');
	if (flags && t->l4_proto == IPPROTO_TCP && t->tcp_flags) {
		sb_mem(b, "tcp:", 4);
		sb_tcp_flags(b, t->tcp_flags);
	} else {
		sb_l4(b, t->l4_proto);
	}
	sb_ch(b, ')');
}

char *output__tuple(const struct pwru_event *ev, char *buf, size_t len)
{
	return output__tuple_flags(ev, false, buf, len);
}

char *output__tuple_flags(const struct pwru_event *ev, bool flags, char *buf, size_t len)
{
	struct sbuf b;

	sb_init(&b, buf, len - 1, NULL);
	sb_tuple(&b, ev, flags);
	buf[b.len] = '\0';
	return buf;
}

/* ksyms__format(): "name", "name+0xoff" or "0xaddr" */
static void sb_ksym(struct sbuf *b, const struct ksyms *ks, __u64 addr)
{
	const struct ksym *s = ksyms__find(ks, addr);

	if (s)
		sb_str(b, s->name);
	if (s && s->addr == addr)
		return;
	sb_mem(b, s ? "+0x" : "0x", s ? 3 : 2);
	sb_hex(b, s ? addr - s->addr : addr, 0);
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

static void sb_func(struct sbuf *b, const struct out_ctx *c, const struct pwru_event *ev)
{
	const char *name = target_name(c, ev), *reason;
	bool inferred;

	if (name) {
		sb_str(b, name);
	} else if (ev->addr) {
		/* the function probed: the kprobe may sit past its ftrace call site */
		const struct ksym *s = ksyms__find(c->ksyms, ev->addr);

		if (s) {
			sb_str(b, s->name);
		} else {
			sb_mem(b, "0x", 2);
			sb_hex(b, ev->addr, 0);
		}
	} else {
		sb_mem(b, "func#", 5);
		sb_u64(b, ev->func_id, 0);
	}
	if (!(ev->flags & PWRU_F_HAS_DROP))
		return;
	reason = drop_reason_of(c, ev, &inferred);
	if (reason) {
		sb_ch(b, '(');
		sb_str(b, reason);
		sb_str(b, inferred ? ", inferred)" : ")");
	} else if (c->reasons) {
		sb_ch(b, '(');
		sb_u64(b, ev->drop_reason, 0);
		sb_ch(b, ')');
	} /* else a kernel without drop reasons: the name alone */
}

char *output__func(const struct out_ctx *c, const struct pwru_event *ev, char *buf, size_t len)
{
	struct sbuf b;

	sb_init(&b, buf, len - 1, NULL);
	sb_func(&b, c, ev);
	buf[b.len] = '\0';
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

static void sb_process(struct sbuf *b, const struct pwru_event *ev)
{
	size_t n = strnlen(ev->comm, PWRU_COMM_LEN);

	if (n)
		sb_mem(b, ev->comm, n);
	else
		sb_mem(b, "<empty>", 7);
	sb_ch(b, ':');
	sb_u64(b, ev->pid, 0);
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

static void print_stack_text(struct out_ctx *c, const struct pwru_event *ev, struct sbuf *b)
{
	for (int i = 0; i < c->nr_ips; i++) {
		sb_ch(b, '\n');
		sb_ksym(b, c->ksyms, c->ips[i]);
	}
}

/* "4026531840", or "4026532290(blue)" when /run/netns names it */
static void sb_netns(struct sbuf *b, const struct out_ctx *c, const struct pwru_event *ev)
{
	const char *name = netns_names__find(c->netns_names, ev->netns);

	sb_u64(b, ev->netns, 0);
	if (name) {
		sb_ch(b, '(');
		sb_str(b, name);
		sb_ch(b, ')');
	}
}

/* What writer(sbuf, args) writes, as a string in array buf (truncated to fit). */
#define SB_TO_STR(buf, writer, ...)                                  \
	({                                                           \
		struct sbuf t_;                                      \
		sb_init(&t_, buf, sizeof(buf) - 1, NULL);            \
		writer(&t_, __VA_ARGS__);                            \
		buf[t_.len] = '\0';                                  \
		buf;                                                 \
	})

/* What writer(b, args) writes, padded to width ("%-*s"). */
#define SB_PADDED(b, width, writer, ...)                 \
	do {                                             \
		size_t pos_ = sb_pos(b);                 \
		writer(b, __VA_ARGS__);                  \
		sb_pad_since(b, pos_, width);            \
	} while (0)

static void sb_skb(struct sbuf *b, const struct pwru_event *ev)
{
	sb_hex_alt(b, ev->skb);
}

/* printf's "%#06x" of a 16-bit value */
static void sb_proto(struct sbuf *b, __u16 v)
{
	char buf[6], *s;

	if (!v) {
		sb_mem(b, "000000", 6);
		return;
	}
	s = u64_hex(v, buf + sizeof(buf), 4);
	*--s = 'x';
	*--s = '0';
	sb_mem(b, s, buf + sizeof(buf) - s);
}

static int event_text(struct out_ctx *c, const struct pwru_event *ev, FILE *out)
{
	char mem[4096], sym[64];
	struct sbuf b;
	__u64 caller;

	sb_init(&b, mem, sizeof(mem), out);
	if (c->ts == TS_ABSOLUTE) {
		abs_time(c, ev->ts, sym, sizeof(sym));
		sb_pad_str(&b, sym, 23);
		sb_ch(&b, ' ');
	}
	SB_PADDED(&b, 18, sb_skb, ev);
	sb_ch(&b, ' ');
	sb_u64(&b, ev->cpu, 3);
	sb_ch(&b, ' ');
	SB_PADDED(&b, 16, sb_process, ev);
	if (c->ts == TS_CURRENT || c->ts == TS_RELATIVE) {
		sb_ch(&b, ' ');
		sb_u64(&b, c->ts == TS_CURRENT ? ev->ts : relative_ts(c, ev), 16);
	}
	if (c->meta) {
		sb_ch(&b, ' ');
		SB_PADDED(&b, 10, sb_netns, c, ev);
		sb_ch(&b, ' ');
		sb_hex(&b, ev->mark, 8);
		sb_ch(&b, ' ');
		sb_pad_mem(&b, ev->ifname[0] ? ev->ifname : "0",
			   ev->ifname[0] ? strnlen(ev->ifname, PWRU_IFNAME_LEN) : 1, 16);
		sb_ch(&b, ' ');
		sb_proto(&b, ev->proto);
		sb_ch(&b, ' ');
		sb_u64(&b, ev->mtu, 5);
		sb_ch(&b, ' ');
		sb_u64(&b, ev->len, 5);
	}
	if (c->tuple) {
		sb_ch(&b, ' ');
		sb_tuple(&b, ev, c->tcp_flags);
	}
	sb_ch(&b, ' ');
	sb_func(&b, c, ev);
	if (c->caller) {
		caller = ev->flags & PWRU_F_HAS_CALLER ? ev->caller : caller_from_stack(c, ev);
		sb_ch(&b, ' ');
		if (caller)
			sb_ksym(&b, c->ksyms, caller);
		else
			sb_ch(&b, '?');
	}
	/* where the skb was freed: what tells a netfilter drop from any other */
	if (ev->flags & PWRU_F_HAS_DROP && ev->location) {
		sb_mem(&b, " location=", 10);
		sb_ksym(&b, c->ksyms, ev->location);
	}
	if (c->skb_meta)
		skb_meta__text(c->skb_meta, ev, &b);
	/* who in netfilter: the line after, indented (a rule can be long) */
	if (c->has_nf) {
		char nf[NFT_RULE_TEXT_LEN + 256];

		sb_str(&b, "\n    netfilter: ");
		sb_str(&b, nf_explain__text(&c->nf, nf, sizeof(nf)));
	}
	if (c->stack)
		print_stack_text(c, ev, &b);
	if (c->skb_dump) {
		/* libbpf's btf_dump prints to the stream: what comes before goes first */
		sb_flush(&b);
		skb_dump__text(c->skb_dump, ev, out);
	}
	sb_ch(&b, '\n');
	sb_flush(&b);
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

/*
 * Events are compact JSON with members in a fixed order, so they are laid
 * out here rather than through the writer's calls per member (a third of
 * the cost); strings that may hold anything go through its escaping, and
 * the rare nested parts (netfilter) through the writer itself.
 */
#define SB_LIT(b, lit) sb_mem(b, lit, sizeof(lit) - 1)

/* key is a literal: ",\"name\":" */
#define JSON_UINT(b, key, v)              \
	do {                              \
		SB_LIT(b, key);           \
		sb_u64(b, v, 0);          \
	} while (0)

#define JSON_STR(b, key, v)               \
	do {                              \
		SB_LIT(b, key);           \
		jsonw_sbuf_string(b, v);  \
	} while (0)

static void json_tuple(struct sbuf *b, const struct pwru_event *ev)
{
	const struct pwru_tuple *t = &ev->tuple;

	SB_LIT(b, ",\"tuple\":{\"saddr\":\"");
	sb_addr(b, ev, t->saddr);
	SB_LIT(b, "\",\"daddr\":\"");
	sb_addr(b, ev, t->daddr);
	SB_LIT(b, "\",\"sport\":");
	sb_u64(b, t->sport, 0);
	JSON_UINT(b, ",\"dport\":", t->dport);
	JSON_UINT(b, ",\"proto\":", t->l4_proto);
	if (t->l4_proto == IPPROTO_TCP)
		JSON_UINT(b, ",\"tcp_flags\":", t->tcp_flags);
	sb_ch(b, '}');
}

static void json_stack(struct out_ctx *c, struct sbuf *b)
{
	char sym[192];

	if (!c->nr_ips)
		return;
	SB_LIT(b, ",\"stack\":[");
	for (int i = 0; i < c->nr_ips; i++) {
		if (i)
			sb_ch(b, ',');
		jsonw_sbuf_string(b, SB_TO_STR(sym, sb_ksym, c->ksyms, c->ips[i]));
	}
	sb_ch(b, ']');
}

static void json_drop(struct out_ctx *c, const struct pwru_event *ev, struct sbuf *b)
{
	const char *r;
	bool inferred;
	char buf[192];

	JSON_UINT(b, ",\"drop_reason_code\":", ev->drop_reason);
	r = drop_reason_of(c, ev, &inferred);
	if (r) {
		JSON_STR(b, ",\"drop_reason\":", r);
		sb_str(b, inferred ? ",\"drop_reason_inferred\":true" :
				     ",\"drop_reason_inferred\":false");
	}
	if (ev->location)
		JSON_STR(b, ",\"location\":", SB_TO_STR(buf, sb_ksym, c->ksyms, ev->location));
	if (c->has_nf) {
		struct json_writer w;

		jsonw_init_member(&w, b);
		json_netfilter(&c->nf, &w);
	}
}

static void json_meta(const struct out_ctx *c, const struct pwru_event *ev, struct sbuf *b)
{
	const char *name = netns_names__find(c->netns_names, ev->netns);

	JSON_UINT(b, ",\"netns\":", ev->netns);
	if (name)
		JSON_STR(b, ",\"netns_name\":", name);
	JSON_UINT(b, ",\"mark\":", ev->mark);
	JSON_STR(b, ",\"iface\":", ev->ifname[0] ? ev->ifname : "");
	JSON_UINT(b, ",\"ifindex\":", ev->ifindex);
	JSON_UINT(b, ",\"proto\":", ev->proto);
	JSON_UINT(b, ",\"mtu\":", ev->mtu);
	JSON_UINT(b, ",\"len\":", ev->len);
}

static int event_json(struct out_ctx *c, const struct pwru_event *ev, FILE *out)
{
	char mem[4096], buf[192];
	struct sbuf b;
	__u64 caller;

	sb_init(&b, mem, sizeof(mem), out);
	SB_LIT(&b, "{\"skb\":\"");
	sb_hex_alt(&b, ev->skb);
	SB_LIT(&b, "\",\"cpu\":");
	sb_u64(&b, ev->cpu, 0);
	/* sb_process(), with only the command escaped */
	SB_LIT(&b, ",\"process\":\"");
	if (ev->comm[0])
		jsonw_sbuf_chars(&b, ev->comm, strnlen(ev->comm, PWRU_COMM_LEN));
	else
		SB_LIT(&b, "<empty>");
	sb_ch(&b, ':');
	sb_u64(&b, ev->pid, 0);
	sb_ch(&b, '"');
	JSON_STR(&b, ",\"func\":", SB_TO_STR(buf, sb_func, c, ev));
	sb_str(&b, ev->kind == PWRU_EV_TRACEPOINT ? ",\"kind\":\"tracepoint\"" : ",\"kind\":\"func\"");
	if (c->caller) {
		caller = ev->flags & PWRU_F_HAS_CALLER ? ev->caller : caller_from_stack(c, ev);
		if (caller)
			JSON_STR(&b, ",\"caller_func\":",
					SB_TO_STR(buf, sb_ksym, c->ksyms, caller));
	}
	if (c->ts == TS_CURRENT || c->ts == TS_RELATIVE) {
		JSON_UINT(&b, ",\"time\":", c->ts == TS_CURRENT ? ev->ts : relative_ts(c, ev));
	} else if (c->ts == TS_ABSOLUTE) {
		abs_time(c, ev->ts, buf, sizeof(buf));
		JSON_STR(&b, ",\"time\":", buf);
	}
	if (c->meta)
		json_meta(c, ev, &b);
	if (ev->flags & PWRU_F_HAS_TUPLE)
		json_tuple(&b, ev);
	if (ev->flags & PWRU_F_HAS_DROP)
		json_drop(c, ev, &b);
	if (c->skb_meta) {
		struct json_writer w;

		jsonw_init_member(&w, &b);
		skb_meta__json(c->skb_meta, ev, &w);
	}
	if (c->stack)
		json_stack(c, &b);
	if (c->skb_dump) {
		struct json_writer w;

		jsonw_init_member(&w, &b);
		skb_dump__json(c->skb_dump, ev, &w);
	}
	SB_LIT(&b, "}\n");
	sb_flush(&b);
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
