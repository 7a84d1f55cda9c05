// SPDX-License-Identifier: GPL-2.0
/* Formatters, golden output from canned events: no kernel, no BPF. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/btf.h>

#include "drop_reason.h"
#include "drop_summary.h"
#include "event.h"
#include "ksyms.h"
#include "netns.h"
#include "options.h"
#include "output.h"
#include "sbuf.h"
#include "unit_main.h"

static const char *const funcs[] = { "ip_output", "kfree_skb_reason", "__dev_queue_xmit" };
static const char *const tps[] = { "net_dev_queue", "kfree_skb" };

static struct ksyms *ks;
static struct drop_reasons *dr;
static struct btf *btf;
static struct out_ctx c;
static struct options o;

static void setup(void)
{
	int id;

	ks = ksyms__load("tests/unit/data/output_kallsyms");
	ck_assert_ptr_nonnull(ks);
	btf = btf__new_empty();
	id = btf__add_enum(btf, "skb_drop_reason", 4);
	ck_assert_int_gt(id, 0);
	btf__add_enum_value(btf, "SKB_NOT_DROPPED_YET", 0);
	btf__add_enum_value(btf, "SKB_DROP_REASON_NOT_SPECIFIED", 2);
	btf__add_enum_value(btf, "SKB_DROP_REASON_NETFILTER_DROP", 12);
	dr = drop_reasons__from_btf(btf);
	ck_assert_ptr_nonnull(dr);
	memset(&o, 0, sizeof(o));
}

static void teardown(void)
{
	out_ctx__free(&c);
	drop_reasons__free(dr);
	btf__free(btf);
	ksyms__free(ks);
}

static void ctx_init(void)
{
	ck_assert_int_eq(out_ctx__init(&c, &o), 0);
	c.ksyms = ks;
	c.reasons = dr;
	c.func_names = funcs;
	c.nr_funcs = 3;
	c.tp_names = tps;
	c.nr_tps = 2;
}

static struct pwru_event v4_event(__u32 func_id)
{
	struct pwru_event ev = {
		.skb = 0xffff888012345600ULL,
		.ts = 1000,
		.func_id = func_id,
		.kind = PWRU_EV_FUNC,
		.flags = PWRU_F_HAS_TUPLE,
		.pid = 4242,
		.cpu = 1,
		.netns = 4026531840u,
		.mark = 0x2a,
		.ifindex = 1,
		.len = 60,
		.mtu = 65536,
		.proto = 0x0800,
		.stack_id = -1,
		.comm = "curl",
		.ifname = "lo",
	};

	inet_pton(AF_INET, "10.0.2.15", ev.tuple.saddr);
	inet_pton(AF_INET, "1.1.1.1", ev.tuple.daddr);
	ev.tuple.sport = 58998;
	ev.tuple.dport = 80;
	ev.tuple.l4_proto = IPPROTO_TCP;
	ev.tuple.tcp_flags = 0x02;
	return ev;
}

/* Render with f, return a malloc'd string */
static char *render(const struct pwru_event *ev, bool header)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (header)
		output__header(&c, f);
	output__event(&c, ev, f);
	fclose(f);
	return buf;
}

START_TEST(text_default)
{
	struct pwru_event ev = v4_event(0);
	char *argv[] = { "pwru", NULL }, err[128];
	char *s;

	/* the defaults the parser sets: tuple and meta on, as in pwru */
	ck_assert_int_eq(options__parse(&o, 1, argv, err, sizeof(err)), 0);
	ctx_init();
	s = render(&ev, true);
	ck_assert_str_eq(s, "SKB                CPU PROCESS          NETNS      MARK/x   IFACE            "
			    "PROTO  MTU   LEN   TUPLE FUNC\n"
			    "0xffff888012345600 1   curl:4242        4026531840 2a       lo               "
			    "0x0800 65536 60    10.0.2.15:58998->1.1.1.1:80(tcp) ip_output\n");
	free(s);
}
END_TEST

START_TEST(text_bare)
{
	struct pwru_event ev = v4_event(0);
	char *s;

	ctx_init();
	s = render(&ev, true);
	ck_assert_str_eq(s, "SKB                CPU PROCESS          FUNC\n"
			    "0xffff888012345600 1   curl:4242        ip_output\n");
	free(s);
}
END_TEST

START_TEST(text_tuple_meta)
{
	struct pwru_event ev = v4_event(0);
	char *s;

	o.output_tuple = o.output_meta = true;
	ctx_init();
	s = render(&ev, true);
	ck_assert_str_eq(s, "SKB                CPU PROCESS          NETNS      MARK/x   IFACE            "
			    "PROTO  MTU   LEN   TUPLE FUNC\n"
			    "0xffff888012345600 1   curl:4242        4026531840 2a       lo               "
			    "0x0800 65536 60    10.0.2.15:58998->1.1.1.1:80(tcp) ip_output\n");
	free(s);
}
END_TEST

START_TEST(text_tcp_flags_netns_names)
{
	struct pwru_event ev = v4_event(0);
	char dir[] = "/tmp/pwru-netns-XXXXXX", path[64], want[64];
	struct netns_names *nn;
	struct stat st;
	char *s;

	ck_assert_int_eq(netns_names__load("tests/unit/no-such-dir", &nn), 0);
	ck_assert_ptr_null(netns_names__find(nn, ev.netns));
	netns_names__free(nn);
	/* a plain file stands in for a /run/netns bind mount: only its inode counts */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/blue", dir);
	fclose(fopen(path, "w"));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(netns_names__load(dir, &nn), 0);
	unlink(path);
	rmdir(dir);
	o.output_tuple = o.output_meta = o.output_tcp_flags = true;
	ctx_init();
	c.netns_names = nn;
	ev.tuple.tcp_flags = 0x12;
	ev.netns = st.st_ino;
	snprintf(want, sizeof(want), " %u(blue) 2a ", ev.netns);
	s = render(&ev, false);
	ck_assert_ptr_nonnull(strstr(s, want));
	ck_assert_ptr_nonnull(strstr(s, "->1.1.1.1:80(tcp:SYN|ACK) ip_output"));
	free(s);
	ev.tuple.tcp_flags = 0xff;
	s = render(&ev, false);
	ck_assert_ptr_nonnull(strstr(s, "(tcp:FIN|SYN|RST|PSH|ACK|URG|ECE|CWR)"));
	free(s);
	/* no flags: plain "tcp", as pwru */
	ev.tuple.tcp_flags = 0;
	s = render(&ev, false);
	ck_assert_ptr_nonnull(strstr(s, "(tcp) "));
	free(s);
	/* UDP never gets flags */
	ev.tuple.tcp_flags = 0x12;
	ev.tuple.l4_proto = IPPROTO_UDP;
	s = render(&ev, false);
	ck_assert_ptr_nonnull(strstr(s, "(udp) "));
	free(s);
	netns_names__free(nn);
}
END_TEST

START_TEST(text_drop_reason)
{
	struct pwru_event ev = v4_event(1);
	char *s;

	ev.flags |= PWRU_F_HAS_DROP;
	ev.drop_reason = 12;
	ev.location = 0xffffffff81200000ULL + 0x7d;
	o.output_tuple = true;
	ctx_init();
	s = render(&ev, false);
	ck_assert_str_eq(s, "0xffff888012345600 1   curl:4242        10.0.2.15:58998->1.1.1.1:80(tcp) "
			    "kfree_skb_reason(SKB_DROP_REASON_NETFILTER_DROP) location=nf_hook_slow+0x7d\n");
	free(s);
	/* a reason this table does not know is printed as a number, not dropped */
	ev.drop_reason = 99;
	s = render(&ev, false);
	ck_assert_ptr_nonnull(strstr(s, "kfree_skb_reason(99)"));
	free(s);
}
END_TEST

START_TEST(text_tracepoint)
{
	struct pwru_event ev = v4_event(1);
	char *s;

	ev.kind = PWRU_EV_TRACEPOINT;
	ev.flags |= PWRU_F_HAS_DROP;
	ev.drop_reason = 12;
	ev.location = 0xffffffff81200200ULL + 0x46f;
	ctx_init();
	s = render(&ev, false);
	ck_assert_str_eq(s, "0xffff888012345600 1   curl:4242        "
			    "kfree_skb(SKB_DROP_REASON_NETFILTER_DROP) location=nft_do_chain+0x46f\n");
	free(s);
}
END_TEST

START_TEST(tuple_ipv6_and_udp)
{
	struct pwru_event ev = v4_event(0);
	char buf[128];

	ev.flags |= PWRU_F_IPV6;
	inet_pton(AF_INET6, "fd00::1", ev.tuple.saddr);
	inet_pton(AF_INET6, "::1", ev.tuple.daddr);
	ev.tuple.l4_proto = IPPROTO_UDP;
	ck_assert_str_eq(output__tuple(&ev, buf, sizeof(buf)), "[fd00::1]:58998->[::1]:80(udp)");
	ev.tuple.l4_proto = 132;
	ck_assert_str_eq(output__tuple(&ev, buf, sizeof(buf)), "[fd00::1]:58998->[::1]:80(sctp)");
	ev.tuple.l4_proto = 253;
	ck_assert_str_eq(output__tuple(&ev, buf, sizeof(buf)), "[fd00::1]:58998->[::1]:80(253)");
	ev.flags = 0;
	ck_assert_str_eq(output__tuple(&ev, buf, sizeof(buf)), "0.0.0.0:0->0.0.0.0:0(0)");
}
END_TEST

START_TEST(json_line)
{
	struct pwru_event ev = v4_event(1);
	char *s;

	ev.flags |= PWRU_F_HAS_DROP;
	ev.drop_reason = 12;
	ev.location = 0xffffffff81200000ULL + 0x7d;
	o.output_json = o.output_meta = true;
	ctx_init();
	s = render(&ev, true); /* JSON has no header */
	ck_assert_str_eq(s, "{\"skb\":\"0xffff888012345600\",\"cpu\":1,\"process\":\"curl:4242\","
			    "\"func\":\"kfree_skb_reason(SKB_DROP_REASON_NETFILTER_DROP)\","
			    "\"kind\":\"func\",\"netns\":4026531840,\"mark\":42,\"iface\":\"lo\","
			    "\"ifindex\":1,\"proto\":2048,\"mtu\":65536,\"len\":60,"
			    "\"tuple\":{\"saddr\":\"10.0.2.15\",\"daddr\":\"1.1.1.1\",\"sport\":58998,"
			    "\"dport\":80,\"proto\":6,\"tcp_flags\":2},"
			    "\"drop_reason_code\":12,\"drop_reason\":\"SKB_DROP_REASON_NETFILTER_DROP\","
			    "\"drop_reason_inferred\":false,\"location\":\"nf_hook_slow+0x7d\"}\n");
	free(s);
}
END_TEST

/* A kernel without drop reasons (before 5.17): reason from the location, marked. */
START_TEST(inferred_reason)
{
	struct pwru_event ev = v4_event(1);
	char *s;

	ev.kind = PWRU_EV_TRACEPOINT;
	ev.flags |= PWRU_F_HAS_DROP;
	ev.location = 0xffffffff81200000ULL + 0x93;
	ctx_init();
	c.reasons = NULL;
	s = render(&ev, false);
	ck_assert_str_eq(s, "0xffff888012345600 1   curl:4242        "
			    "kfree_skb(SKB_DROP_REASON_NETFILTER_DROP, inferred) "
			    "location=nf_hook_slow+0x93\n");
	free(s);
	/* a site with several causes stays unnamed */
	ev.location = 0xffffffff81100000ULL + 0x10;
	s = render(&ev, false);
	ck_assert_str_eq(s, "0xffff888012345600 1   curl:4242        kfree_skb location=ip_output+0x10\n");
	free(s);
	c.json = true;
	ev.location = 0xffffffff81100400ULL + 0x20;
	s = render(&ev, false);
	ck_assert_ptr_nonnull(strstr(s, "\"drop_reason_code\":0,"
					"\"drop_reason\":\"SKB_DROP_REASON_NEIGH_CREATEFAIL\","
					"\"drop_reason_inferred\":true,"
					"\"location\":\"ip_finish_output2+0x20\"}"));
	free(s);
}
END_TEST

static int lookups;

static int fake_lookup(void *priv, const struct pwru_nf *nf, struct nft_rule_info *out)
{
	lookups++;
	if (nf->handle != 3)
		return -ENOENT;
	out->position = 1;
	out->iptables = true;
	snprintf(out->text, sizeof(out->text), "-A %s -d 1.1.1.1/32 -p tcp -m tcp -j DROP",
		 nf->chain);
	return 0;
}

static struct pwru_event_nf nf_event(void)
{
	struct pwru_event_nf rec = { .ev = v4_event(1) };

	rec.ev.flags |= PWRU_F_HAS_DROP | PWRU_F_HAS_NF;
	rec.ev.drop_reason = 12;
	rec.ev.location = 0xffffffff81200200ULL + 0x47f;
	strcpy(rec.nf.table, "filter");
	strcpy(rec.nf.chain, "OUTPUT");
	rec.nf.family = 2; /* NFPROTO_IPV4 */
	rec.nf.hook = 3; /* NF_INET_LOCAL_OUT */
	rec.nf.handle = 3;
	rec.nf.flags = PWRU_NF_HAS_CHAIN | PWRU_NF_HAS_RULE;
	return rec;
}

START_TEST(netfilter_text_json)
{
	struct pwru_event_nf rec = nf_event();
	char *s;

	o.output_tuple = true;
	ctx_init();
	c.nf_lookup = fake_lookup;
	s = render(&rec.ev, false);
	ck_assert_str_eq(s, "0xffff888012345600 1   curl:4242        10.0.2.15:58998->1.1.1.1:80(tcp) "
			    "kfree_skb_reason(SKB_DROP_REASON_NETFILTER_DROP) location=nft_do_chain+0x47f\n"
			    "    netfilter: ip filter OUTPUT (hook output, priority 0): rule 1, handle 3: "
			    "-A OUTPUT -d 1.1.1.1/32 -p tcp -m tcp -j DROP\n");
	free(s);
	c.json = true;
	s = render(&rec.ev, false);
	ck_assert_ptr_nonnull(strstr(s, "\"location\":\"nft_do_chain+0x47f\","
					"\"netfilter\":{\"family\":\"ip\",\"table\":\"filter\","
					"\"chain\":\"OUTPUT\",\"hook\":\"output\",\"priority\":0,"
					"\"handle\":3,\"position\":1,"
					"\"rule\":\"-A OUTPUT -d 1.1.1.1/32 -p tcp -m tcp -j DROP\","
					"\"verdict\":\"drop\"}}"));
	free(s);
	/* a rule deleted meanwhile: the handle, no position, no text */
	rec.nf.handle = 4;
	s = render(&rec.ev, false);
	ck_assert_ptr_nonnull(strstr(s, "\"priority\":0,\"handle\":4,\"verdict\":\"drop\"}}"));
	free(s);
}
END_TEST

/* A record that rode along with a drop netfilter did not make is not shown. */
START_TEST(netfilter_not_ours)
{
	struct pwru_event_nf rec = nf_event();
	char *s;

	rec.ev.drop_reason = 2; /* SKB_DROP_REASON_NOT_SPECIFIED */
	ctx_init();
	lookups = 0;
	c.nf_lookup = fake_lookup;
	s = render(&rec.ev, false);
	ck_assert_ptr_null(strstr(s, "netfilter"));
	ck_assert_int_eq(lookups, 0);
	free(s);
}
END_TEST

START_TEST(drop_summary_counts)
{
	struct pwru_event_nf rec = nf_event();
	char *s = NULL;
	size_t len = 0;
	FILE *f;

	ctx_init();
	c.nf_lookup = fake_lookup;
	c.drops = drop_summary__new();
	free(render(&rec.ev, false));
	free(render(&rec.ev, false));
	rec.ev.flags &= ~PWRU_F_HAS_NF;
	rec.ev.drop_reason = 2;
	rec.ev.location = 0xffffffff81100400ULL + 0x20;
	free(render(&rec.ev, false));
	f = open_memstream(&s, &len);
	drop_summary__print(c.drops, f);
	fclose(f);
	ck_assert_str_eq(s, "pwru: 3 drops:\n"
			    "pwru:        2  SKB_DROP_REASON_NETFILTER_DROP at nft_do_chain+0x47f by "
			    "filter OUTPUT rule 1: -A OUTPUT -d 1.1.1.1/32 -p tcp -m tcp -j DROP\n"
			    "pwru:        1  SKB_DROP_REASON_NOT_SPECIFIED at ip_finish_output2+0x20\n");
	free(s);
	drop_summary__free(c.drops);
	c.drops = NULL;
}
END_TEST

START_TEST(json_escapes_comm)
{
	struct pwru_event ev = v4_event(0);
	char *s;

	memcpy(ev.comm, "a\"b\\c\n", 7);
	o.output_json = true;
	ctx_init();
	s = render(&ev, false);
	ck_assert_ptr_nonnull(strstr(s, "\"process\":\"a\\\"b\\\\c\\u000a:4242\""));
	free(s);
}
END_TEST

START_TEST(relative_timestamps)
{
	struct pwru_event ev = v4_event(0);
	char *s;

	o.timestamp = TS_RELATIVE;
	ctx_init();
	s = render(&ev, true);
	ck_assert_ptr_nonnull(strstr(s, "TIMESTAMP"));
	ck_assert_ptr_nonnull(strstr(s, "curl:4242        0                ip_output"));
	free(s);
	ev.ts = 1500;
	s = render(&ev, false);
	ck_assert_ptr_nonnull(strstr(s, " 500              ip_output"));
	free(s);
}
END_TEST

static int fake_stack(void *priv, __s32 id, __u64 *ips, size_t max)
{
	/* raw tracepoint: BPF plumbing, then the function that fired it, then its caller */
	static const __u64 s[] = { 0xffffffff81400010ULL, 0xffffffff81400120ULL,
				   0xffffffff81300020ULL, 0xffffffff81500030ULL };

	memcpy(ips, s, sizeof(s));
	return 4;
}

START_TEST(caller_from_stack)
{
	struct pwru_event ev = v4_event(1);
	char *s;

	ev.flags |= PWRU_F_HAS_STACK;
	ev.stack_id = 3;
	o.output_caller = true;
	ctx_init();
	c.stack_lookup = fake_stack;
	s = render(&ev, true);
	ck_assert_ptr_nonnull(strstr(s, "FUNC CALLER\n"));
	/* skips bpf_trace_run3, __bpf_trace_kfree_skb and kfree_skb_reason itself */
	ck_assert_ptr_nonnull(strstr(s, "kfree_skb_reason ip_local_out+0x30\n"));
	free(s);
}
END_TEST

START_TEST(stack_starts_at_probed_function)
{
	struct pwru_event ev = v4_event(1);
	char *s;

	ev.flags |= PWRU_F_HAS_STACK;
	ev.stack_id = 3;
	o.output_stack = true;
	ctx_init();
	c.stack_lookup = fake_stack;
	s = render(&ev, true);
	/* bpf_trace_run3 and __bpf_trace_kfree_skb are pwru's plumbing */
	ck_assert_ptr_null(strstr(s, "bpf_trace_run3"));
	ck_assert_ptr_null(strstr(s, "__bpf_trace_kfree_skb"));
	ck_assert_ptr_nonnull(strstr(s, "\nkfree_skb_reason+0x20\nip_local_out+0x30"));
	free(s);
}
END_TEST

/*
 * Events are assembled in a fixed buffer (src/sbuf.h) that is written out
 * when full, so nothing is too long; the string helpers truncate as
 * snprintf does.
 */
START_TEST(sbuf_flush_and_truncation)
{
	struct pwru_event ev = v4_event(0);
	char mem[32], small[8], *out = NULL;
	size_t len = 0;
	struct sbuf b;
	FILE *f;

	f = open_memstream(&out, &len);
	sb_init(&b, mem, sizeof(mem), f);
	sb_str(&b, "0123456789abcdefghij0123456789abcdefghij"); /* longer than the buffer */
	for (int i = 0; i < 5; i++)
		sb_u64(&b, 1234567, 9); /* across refills */
	sb_ch(&b, '|');
	sb_hex_alt(&b, 0);
	sb_hex_alt(&b, 0xff);
	sb_flush(&b);
	fclose(f);
	ck_assert_str_eq(out, "0123456789abcdefghij0123456789abcdefghij1234567  1234567  1234567  1234567  1234567  |00xff");
	ck_assert_uint_eq(sb_pos(&b), strlen(out));
	free(out);
	ctx_init();
	ck_assert_str_eq(output__tuple(&ev, small, sizeof(small)), "10.0.2.");
	ck_assert_str_eq(output__func(&c, &ev, small, 4), "ip_");
}
END_TEST

START_TEST(unknown_func_id)
{
	struct pwru_event ev = v4_event(77);
	char buf[64];

	ctx_init();
	ck_assert_str_eq(output__func(&c, &ev, buf, sizeof(buf)), "func#77");
	ev.addr = 0xffffffff81100400ULL;
	ck_assert_str_eq(output__func(&c, &ev, buf, sizeof(buf)), "ip_finish_output2");
	/* a kprobe past ftrace's call site (+5, +9 behind endbr64) still names the function */
	ev.addr = 0xffffffff81100405ULL;
	ck_assert_str_eq(output__func(&c, &ev, buf, sizeof(buf)), "ip_finish_output2");
	ev.addr = 0xffffffff81100409ULL;
	ck_assert_str_eq(output__func(&c, &ev, buf, sizeof(buf)), "ip_finish_output2");
	/* below every symbol: the address */
	ev.addr = 0x1000;
	ck_assert_str_eq(output__func(&c, &ev, buf, sizeof(buf)), "0x1000");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("golden");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, text_default);
	tcase_add_test(tc, text_bare);
	tcase_add_test(tc, text_tcp_flags_netns_names);
	tcase_add_test(tc, text_tuple_meta);
	tcase_add_test(tc, text_drop_reason);
	tcase_add_test(tc, text_tracepoint);
	tcase_add_test(tc, tuple_ipv6_and_udp);
	tcase_add_test(tc, json_line);
	tcase_add_test(tc, inferred_reason);
	tcase_add_test(tc, netfilter_text_json);
	tcase_add_test(tc, netfilter_not_ours);
	tcase_add_test(tc, drop_summary_counts);
	tcase_add_test(tc, json_escapes_comm);
	tcase_add_test(tc, relative_timestamps);
	tcase_add_test(tc, caller_from_stack);
	tcase_add_test(tc, stack_starts_at_probed_function);
	tcase_add_test(tc, unknown_func_id);
	tcase_add_test(tc, sbuf_flush_and_truncation);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
