// SPDX-License-Identifier: GPL-2.0
/* --nft-trace: pwru's own tracing table and the trace listener; see nft_trace.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/trace.h>

#include "nft_trace.h"

#define RECENT 64 /* drop verdicts kept for the events still to come */

struct verdict {
	__u8 alen, saddr[16], daddr[16], proto; /* alen 4 or 16 */
	__u16 sport, dport; /* host order */
	struct pwru_nf nf;
	bool used;
};

/*
 * The packet's headers come with the first message of a trace in each base
 * chain only, so a verdict in a chain reached by a jump names its packet by
 * trace id alone: remember the flow of each id seen.
 */
struct flow {
	__u32 id;
	__u8 alen, saddr[16], daddr[16], proto;
	__u16 sport, dport;
	bool set;
};

struct nft_trace {
	struct mnl_socket *owner; /* created the table: closing it removes the table */
	struct mnl_socket *listen; /* NFNLGRP_NFTRACE */
	char table[32];
	__u32 seq;
	struct verdict recent[RECENT];
	size_t next;
	struct flow flows[RECENT];
	size_t next_flow;
};

static bool parse_port(const char *s, __u16 *port)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v <= 0 || v > 65535)
		return false;
	*port = v;
	return true;
}

bool nft_trace__select(const char *filter, struct nft_trace_sel *sel)
{
	char buf[256], *save = NULL, *tok, *dir = NULL;
	bool want_term = true;
	struct nft_trace_addr a;

	memset(sel, 0, sizeof(*sel));
	if (!filter || snprintf(buf, sizeof(buf), "%s", filter) >= (int)sizeof(buf))
		return false;
	for (tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (!want_term) {
			if (strcmp(tok, "and") && strcmp(tok, "&&"))
				return false;
			want_term = true;
			continue;
		}
		if (!strcmp(tok, "src") || !strcmp(tok, "dst")) {
			if (dir)
				return false;
			dir = tok;
			continue;
		}
		if (!strcmp(tok, "host")) {
			tok = strtok_r(NULL, " \t", &save);
			memset(&a, 0, sizeof(a));
			if (tok && inet_pton(AF_INET, tok, a.a) == 1)
				a.len = 4;
			else if (tok && inet_pton(AF_INET6, tok, a.a) == 1)
				a.len = 16;
			if (!a.len || sel->saddr.len || sel->daddr.len || sel->host.len)
				return false;
			*(dir ? (*dir == 's' ? &sel->saddr : &sel->daddr) : &sel->host) = a;
		} else if (!strcmp(tok, "port")) {
			__u16 *p = dir ? (*dir == 's' ? &sel->sport : &sel->dport) : &sel->port;

			tok = strtok_r(NULL, " \t", &save);
			if (!tok || sel->sport || sel->dport || sel->port || !parse_port(tok, p))
				return false;
		} else if (!dir && (!strcmp(tok, "tcp") || !strcmp(tok, "udp"))) {
			if (sel->proto)
				return false;
			sel->proto = *tok == 't' ? IPPROTO_TCP : IPPROTO_UDP;
		} else {
			return false;
		}
		dir = NULL;
		want_term = false;
	}
	return !want_term;
}

static void add_expr(struct nftnl_rule *r, struct nftnl_expr *e)
{
	if (e)
		nftnl_rule_add_expr(r, e);
}

static struct nftnl_expr *meta_load(__u32 key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	return e;
}

static struct nftnl_expr *payload_load(__u32 base, __u32 off, __u32 len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	}
	return e;
}

static struct nftnl_expr *cmp_eq(const void *data, __u32 len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	return e;
}

/* One rule: the matches given (0 = any), then `meta nftrace set 1`. */
static struct nftnl_rule *trace_rule(const char *table, const char *chain,
				     const struct nft_trace_addr *saddr,
				     const struct nft_trace_addr *daddr, __u8 proto, __u16 sport,
				     __u16 dport)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	__u8 alen = saddr->len ?: daddr->len, one = 1;
	/* ip saddr/daddr at 12/16, ip6 at 8/24 */
	__u8 nfproto = alen == 16 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	__u32 soff = alen == 16 ? 8 : 12, doff = alen == 16 ? 24 : 16;
	struct nftnl_expr *e;
	__u16 p;

	if (!r)
		return NULL;
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	if (alen) {
		add_expr(r, meta_load(NFT_META_NFPROTO));
		add_expr(r, cmp_eq(&nfproto, 1));
	}
	if (saddr->len) {
		add_expr(r, payload_load(NFT_PAYLOAD_NETWORK_HEADER, soff, alen));
		add_expr(r, cmp_eq(saddr->a, alen));
	}
	if (daddr->len) {
		add_expr(r, payload_load(NFT_PAYLOAD_NETWORK_HEADER, doff, alen));
		add_expr(r, cmp_eq(daddr->a, alen));
	}
	if (proto) {
		add_expr(r, meta_load(NFT_META_L4PROTO));
		add_expr(r, cmp_eq(&proto, 1));
	}
	if (sport) {
		p = htons(sport);
		add_expr(r, payload_load(NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2));
		add_expr(r, cmp_eq(&p, 2));
	}
	if (dport) {
		p = htons(dport);
		add_expr(r, payload_load(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2));
		add_expr(r, cmp_eq(&p, 2));
	}
	e = nftnl_expr_alloc("immediate");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
		nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, &one, 1);
		nftnl_rule_add_expr(r, e);
	}
	e = nftnl_expr_alloc("meta");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_NFTRACE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, NFT_REG_1);
		nftnl_rule_add_expr(r, e);
	}
	return r;
}

struct batch {
	struct mnl_nlmsg_batch *b;
	__u32 *seq;
	int n; /* messages that want an ACK */
};

static void batch_rule(struct batch *bt, struct nftnl_rule *r)
{
	struct nlmsghdr *nlh;

	if (!r)
		return;
	nlh = nftnl_rule_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), NFT_MSG_NEWRULE,
					 NFPROTO_INET, NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK,
					 (*bt->seq)++);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	mnl_nlmsg_batch_next(bt->b);
	bt->n++;
}

/*
 * The selection as rules of one chain: a host matches either direction, a
 * port either side, a port without protocol tcp or udp.
 */
static void batch_rules(struct batch *bt, const char *table, const char *chain,
			const struct nft_trace_sel *s)
{
	static const struct nft_trace_addr any;
	__u8 protos[2] = { s->proto, 0 };
	int np = 1;

	if ((s->port || s->sport || s->dport) && !s->proto)
		protos[0] = IPPROTO_TCP, protos[1] = IPPROTO_UDP, np = 2;
	/* a host is a rule with it as the source and one with it as the destination */
	for (int h = 0; h < (s->host.len ? 2 : 1); h++)
		for (int p = 0; p < (s->port ? 2 : 1); p++)
			for (int k = 0; k < np; k++)
				batch_rule(bt, trace_rule(table, chain,
							  h ? &s->host : s->host.len ? &any : &s->saddr,
							  !h && s->host.len ? &s->host : &s->daddr,
							  protos[k], p ? s->port : s->port ? 0 : s->sport,
							  !p && s->port ? s->port : s->dport));
}

static void batch_obj(struct batch *bt, __u16 type, void *obj, bool chain)
{
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type,
						     NFPROTO_INET, NLM_F_CREATE | NLM_F_ACK,
						     (*bt->seq)++);

	if (chain)
		nftnl_chain_nlmsg_build_payload(nlh, obj);
	else
		nftnl_table_nlmsg_build_payload(nlh, obj);
	mnl_nlmsg_batch_next(bt->b);
	bt->n++;
}

/* Send the batch; the first error any message got, else 0. */
static int batch_send(struct nft_trace *nt, struct mnl_nlmsg_batch *b, int acks)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int portid = mnl_socket_get_portid(nt->owner);
	int ret, err = 0;

	if (mnl_socket_sendto(nt->owner, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b)) < 0)
		return -errno;
	/* one ACK per message; an error answer ends that message's wait */
	while (acks-- > 0) {
		ret = mnl_socket_recvfrom(nt->owner, buf, sizeof(buf));
		if (ret < 0)
			return -errno;
		ret = mnl_cb_run(buf, ret, 0, portid, NULL, NULL);
		if (ret < 0 && !err)
			err = -errno;
	}
	return err;
}

static int add_table(struct nft_trace *nt, const struct nft_trace_sel *sel, bool selective)
{
	static const struct {
		const char *name;
		__u32 hook;
	} chains[] = { { "pre", NF_INET_PRE_ROUTING }, { "out", NF_INET_LOCAL_OUT } };
	static const struct nft_trace_addr any;
	char *buf = malloc(MNL_SOCKET_BUFFER_SIZE * 2);
	struct nftnl_table *t = nftnl_table_alloc();
	struct batch bt = { .seq = &nt->seq };
	int err;

	if (!buf || !t) {
		free(buf);
		nftnl_table_free(t);
		return -ENOMEM;
	}
	bt.b = mnl_nlmsg_batch_start(buf, MNL_SOCKET_BUFFER_SIZE * 2);
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt.b), nt->seq++);
	mnl_nlmsg_batch_next(bt.b);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, nt->table);
	nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, NFT_TABLE_F_OWNER);
	batch_obj(&bt, NFT_MSG_NEWTABLE, t, false);
	nftnl_table_free(t);
	for (size_t i = 0; i < sizeof(chains) / sizeof(chains[0]); i++) {
		struct nftnl_chain *c = nftnl_chain_alloc();

		if (!c)
			continue;
		nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, nt->table);
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, chains[i].name);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, chains[i].hook);
		/* before every other hook: conntrack's defrag is at -400 */
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, INT_MIN);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		batch_obj(&bt, NFT_MSG_NEWCHAIN, c, true);
		nftnl_chain_free(c);
		if (selective)
			batch_rules(&bt, nt->table, chains[i].name, sel);
		else
			batch_rule(&bt, trace_rule(nt->table, chains[i].name, &any, &any, 0, 0,
						   0));
	}
	nftnl_batch_end(mnl_nlmsg_batch_current(bt.b), nt->seq++);
	mnl_nlmsg_batch_next(bt.b);
	err = batch_send(nt, bt.b, bt.n);
	mnl_nlmsg_batch_stop(bt.b);
	free(buf);
	return err;
}

int nft_trace__open(struct nft_trace **out, const char *pcap_filter, char *msg, size_t len)
{
	struct nft_trace *nt = calloc(1, sizeof(*nt));
	unsigned int group = NFNLGRP_NFTRACE;
	struct nft_trace_sel sel;
	bool selective;
	int err;

	*out = NULL;
	if (!nt)
		return -ENOMEM;
	nt->seq = time(NULL);
	snprintf(nt->table, sizeof(nt->table), "pwru_%d", getpid());
	nt->owner = mnl_socket_open(NETLINK_NETFILTER);
	nt->listen = mnl_socket_open2(NETLINK_NETFILTER, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!nt->owner || !nt->listen || mnl_socket_bind(nt->owner, 0, MNL_SOCKET_AUTOPID) ||
	    mnl_socket_bind(nt->listen, 0, MNL_SOCKET_AUTOPID) ||
	    mnl_socket_setsockopt(nt->listen, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group))) {
		err = -errno;
		snprintf(msg, len, "no nf_tables netlink socket: %s", strerror(-err));
		goto fail;
	}
	selective = nft_trace__select(pcap_filter, &sel);
	err = add_table(nt, &sel, selective);
	if (err) {
		snprintf(msg, len, "cannot add the tracing table inet %s: %s (needs nf_tables and "
			 "a table owned by pwru's socket, NFT_TABLE_F_OWNER, 5.12+)",
			 nt->table, strerror(-err));
		goto fail;
	}
	snprintf(msg, len, "table inet %s traces %s", nt->table,
		 selective ? "the packets the filter names" : "every packet (the filter is "
							     "not a plain host/port/proto one)");
	*out = nt;
	return 0;
fail:
	nft_trace__close(nt);
	return err;
}

void nft_trace__close(struct nft_trace *nt)
{
	if (!nt)
		return;
	/* closing the owner socket is what removes the table */
	if (nt->owner)
		mnl_socket_close(nt->owner);
	if (nt->listen)
		mnl_socket_close(nt->listen);
	free(nt);
}

/* A trace message with a drop verdict, kept with its flow. */
static int trace_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_trace *nt = data;
	struct nftnl_trace *t = nftnl_trace_alloc();
	__u32 nlen = 0, tlen = 0, type, verdict, id;
	const __u8 *nh, *th;
	struct verdict *v;
	struct flow *f;
	int k, vattr;

	if (!t || nftnl_trace_nlmsg_parse(nlh, t))
		goto out;
	id = nftnl_trace_get_u32(t, NFTNL_TRACE_ID);
	nh = nftnl_trace_get_data(t, NFTNL_TRACE_NETWORK_HEADER, &nlen);
	th = nftnl_trace_get_data(t, NFTNL_TRACE_TRANSPORT_HEADER, &tlen);
	if (nh && ((nlen >= 20 && (nh[0] >> 4) == 4) || (nlen >= 40 && (nh[0] >> 4) == 6))) {
		bool v6 = (nh[0] >> 4) == 6;

		f = &nt->flows[nt->next_flow];
		nt->next_flow = (nt->next_flow + 1) % RECENT;
		memset(f, 0, sizeof(*f));
		f->id = id;
		f->set = true;
		f->alen = v6 ? 16 : 4;
		memcpy(f->saddr, nh + (v6 ? 8 : 12), f->alen);
		memcpy(f->daddr, nh + (v6 ? 24 : 16), f->alen);
		/* IPv6: the next header, which pwru's tuple also takes as the protocol */
		f->proto = v6 ? nh[6] : nh[9];
		if (th && tlen >= 4) {
			f->sport = th[0] << 8 | th[1];
			f->dport = th[2] << 8 | th[3];
		}
	}
	type = nftnl_trace_get_u32(t, NFTNL_TRACE_TYPE);
	/* a policy message carries the chain's policy, not a verdict */
	vattr = type == NFT_TRACETYPE_POLICY ? NFTNL_TRACE_POLICY : NFTNL_TRACE_VERDICT;
	if ((type != NFT_TRACETYPE_RULE && type != NFT_TRACETYPE_POLICY) ||
	    !nftnl_trace_is_set(t, vattr) ||
	    !strcmp(nftnl_trace_get_str(t, NFTNL_TRACE_TABLE) ?: "", nt->table))
		goto out;
	verdict = nftnl_trace_get_u32(t, vattr);
	if ((verdict & NF_VERDICT_MASK) != NF_DROP)
		goto out;
	for (f = NULL, k = 1; !f && k <= RECENT; k++) {
		struct flow *c = &nt->flows[(nt->next_flow + RECENT - k) % RECENT];

		if (c->set && c->id == id)
			f = c;
	}
	if (!f)
		goto out;
	v = &nt->recent[nt->next];
	nt->next = (nt->next + 1) % RECENT;
	memset(v, 0, sizeof(*v));
	v->alen = f->alen;
	memcpy(v->saddr, f->saddr, sizeof(v->saddr));
	memcpy(v->daddr, f->daddr, sizeof(v->daddr));
	v->proto = f->proto;
	v->sport = f->sport;
	v->dport = f->dport;
	snprintf(v->nf.table, sizeof(v->nf.table), "%s", nftnl_trace_get_str(t, NFTNL_TRACE_TABLE) ?: "");
	snprintf(v->nf.chain, sizeof(v->nf.chain), "%s", nftnl_trace_get_str(t, NFTNL_TRACE_CHAIN) ?: "");
	v->nf.family = nftnl_trace_get_u32(t, NFTNL_TRACE_FAMILY);
	v->nf.verdict = verdict;
	v->nf.flags = PWRU_NF_HAS_CHAIN | PWRU_NF_FROM_TRACE;
	if (type == NFT_TRACETYPE_RULE && nftnl_trace_is_set(t, NFTNL_TRACE_RULE_HANDLE)) {
		v->nf.handle = nftnl_trace_get_u64(t, NFTNL_TRACE_RULE_HANDLE);
		v->nf.flags |= PWRU_NF_HAS_RULE;
	} else if (type == NFT_TRACETYPE_POLICY) {
		v->nf.flags |= PWRU_NF_POLICY_DROP;
	}
out:
	nftnl_trace_free(t);
	return MNL_CB_OK;
}

static void drain(struct nft_trace *nt)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int n;

	/* ENOBUFS (the socket overflowed) loses traces, not the run */
	while ((n = mnl_socket_recvfrom(nt->listen, buf, sizeof(buf))) > 0 || errno == ENOBUFS)
		if (n > 0)
			mnl_cb_run(buf, n, 0, 0, trace_cb, nt);
}

bool nft_trace__match(struct nft_trace *nt, const struct pwru_event *ev, struct pwru_nf *nf)
{
	const struct pwru_tuple *tp = &ev->tuple;
	__u8 alen = ev->flags & PWRU_F_IPV6 ? 16 : 4;

	drain(nt);
	if (!(ev->flags & PWRU_F_HAS_TUPLE))
		return false;
	/* newest first: the verdict that came right before this drop */
	for (size_t k = 1; k <= RECENT; k++) {
		struct verdict *v = &nt->recent[(nt->next + RECENT - k) % RECENT];

		if (v->used || !v->nf.flags || v->alen != alen || memcmp(v->saddr, tp->saddr, alen) ||
		    memcmp(v->daddr, tp->daddr, alen) || v->proto != tp->l4_proto ||
		    ((tp->l4_proto == IPPROTO_TCP || tp->l4_proto == IPPROTO_UDP) &&
		     (v->sport != tp->sport || v->dport != tp->dport)))
			continue;
		v->used = true;
		*nf = v->nf;
		return true;
	}
	return false;
}
