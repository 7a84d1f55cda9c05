// SPDX-License-Identifier: GPL-2.0
/* Netfilter explanations and the drop summary: golden text from canned records. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>

#include "drop_summary.h"
#include "nf_explain.h"
#include "unit_main.h"

static struct pwru_nf rule_drop(void)
{
	struct pwru_nf nf = {
		.handle = 3,
		.priority = 0,
		.verdict = NF_DROP,
		.family = NFPROTO_IPV4,
		.hook = NF_INET_LOCAL_OUT,
		.flags = PWRU_NF_HAS_CHAIN | PWRU_NF_HAS_RULE,
	};

	strcpy(nf.table, "filter");
	strcpy(nf.chain, "OUTPUT");
	return nf;
}

START_TEST(iptables_rule)
{
	struct nft_rule_info ri = { .position = 1, .iptables = true };
	struct pwru_nf nf = rule_drop();
	struct nf_explain x;
	char buf[512];

	strcpy(ri.text, "-A OUTPUT -d 1.1.1.1/32 -p tcp -m tcp -j DROP");
	nf_explain__fill(&x, &nf, &ri);
	ck_assert_str_eq(nf_explain__text(&x, buf, sizeof(buf)),
			 "ip filter OUTPUT (hook output, priority 0): rule 1, handle 3: "
			 "-A OUTPUT -d 1.1.1.1/32 -p tcp -m tcp -j DROP");
	ck_assert_str_eq(nf_explain__short(&x, buf, sizeof(buf)),
			 "filter OUTPUT rule 1: -A OUTPUT -d 1.1.1.1/32 -p tcp -m tcp -j DROP");
	ck_assert_str_eq(x.verdict, "drop");
}
END_TEST

START_TEST(nft_rule_in_jumped_chain)
{
	struct nft_rule_info ri = { .position = 2 };
	struct pwru_nf nf = rule_drop();
	struct nf_explain x;
	char buf[512];

	nf.family = NFPROTO_INET;
	nf.priority = -150;
	nf.handle = 7;
	strcpy(nf.table, "pwru_t");
	strcpy(nf.chain, "blocked");
	strcpy(ri.text, "ip daddr 1.1.1.1 tcp dport 80 counter drop");
	nf_explain__fill(&x, &nf, &ri);
	ck_assert_str_eq(nf_explain__text(&x, buf, sizeof(buf)),
			 "inet pwru_t blocked (hook output, priority -150): rule 2, handle 7: "
			 "ip daddr 1.1.1.1 tcp dport 80 counter drop");
}
END_TEST

START_TEST(rule_not_found)
{
	struct pwru_nf nf = rule_drop();
	struct nf_explain x;
	char buf[512];

	/* the rule was deleted before the lookup: the handle stays */
	nf_explain__fill(&x, &nf, NULL);
	ck_assert_str_eq(nf_explain__text(&x, buf, sizeof(buf)),
			 "ip filter OUTPUT (hook output, priority 0): handle 3");
	ck_assert_ptr_null(x.rule);
	ck_assert_int_eq(x.position, 0);
}
END_TEST

START_TEST(policy_and_legacy)
{
	struct pwru_nf nf = rule_drop();
	struct nf_explain x;
	char buf[512];

	nf.flags = PWRU_NF_HAS_CHAIN | PWRU_NF_POLICY_DROP;
	nf.hook = NF_INET_LOCAL_IN;
	strcpy(nf.chain, "INPUT");
	nf_explain__fill(&x, &nf, NULL);
	ck_assert_str_eq(nf_explain__text(&x, buf, sizeof(buf)),
			 "ip filter INPUT (hook input, priority 0): policy drop");
	ck_assert(!x.has_handle);

	nf.flags = PWRU_NF_HAS_CHAIN | PWRU_NF_LEGACY;
	nf.chain[0] = '\0';
	nf.hook = NF_INET_FORWARD;
	nf_explain__fill(&x, &nf, NULL);
	ck_assert_str_eq(nf_explain__text(&x, buf, sizeof(buf)),
			 "iptables-legacy ip filter FORWARD (hook forward, priority 0)");
	ck_assert_ptr_null(x.verdict);

	nf.flags = 0; /* no chain recorded: nothing to say */
	nf_explain__fill(&x, &nf, NULL);
	ck_assert_ptr_null(x.table);
}
END_TEST

START_TEST(applies)
{
	ck_assert(nf_explain__applies("SKB_DROP_REASON_NETFILTER_DROP", "nf_hook_slow"));
	ck_assert(!nf_explain__applies("SKB_DROP_REASON_NO_SOCKET", "nf_hook_slow"));
	ck_assert(nf_explain__applies(NULL, "nft_do_chain"));
	ck_assert(!nf_explain__applies(NULL, "tcp_v4_rcv"));
	ck_assert(!nf_explain__applies(NULL, NULL));
}
END_TEST

START_TEST(summary_order)
{
	struct drop_summary *s = drop_summary__new();
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(s);
	drop_summary__add(s, "SKB_DROP_REASON_NO_SOCKET", "__udp4_lib_rcv+0x4bc", NULL);
	for (int i = 0; i < 3; i++)
		drop_summary__add(s, "SKB_DROP_REASON_NETFILTER_DROP", "nft_do_chain+0x47f",
				  "filter OUTPUT rule 1: -A OUTPUT -d 1.1.1.1/32 -j DROP");
	drop_summary__add(s, "SKB_DROP_REASON_NETFILTER_DROP", "nft_do_chain+0x47f",
			  "filter PWRU rule 2: -A PWRU -j DROP");
	drop_summary__add(s, NULL, NULL, NULL);
	drop_summary__print(s, f);
	fclose(f);
	ck_assert_str_eq(out, "pwru: 6 drops:\n"
			      "pwru:        3  SKB_DROP_REASON_NETFILTER_DROP at nft_do_chain+0x47f "
			      "by filter OUTPUT rule 1: -A OUTPUT -d 1.1.1.1/32 -j DROP\n"
			      "pwru:        1  SKB_DROP_REASON_NO_SOCKET at __udp4_lib_rcv+0x4bc\n"
			      "pwru:        1  SKB_DROP_REASON_NETFILTER_DROP at nft_do_chain+0x47f "
			      "by filter PWRU rule 2: -A PWRU -j DROP\n"
			      "pwru:        1  (no reason) at ?\n");
	free(out);
	drop_summary__free(s);
}
END_TEST

START_TEST(summary_empty)
{
	struct drop_summary *s = drop_summary__new();
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	drop_summary__print(s, f);
	fclose(f);
	ck_assert_uint_eq(len, 0);
	free(out);
	drop_summary__free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nf_explain");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, iptables_rule);
	tcase_add_test(tc, nft_rule_in_jumped_chain);
	tcase_add_test(tc, rule_not_found);
	tcase_add_test(tc, policy_and_legacy);
	tcase_add_test(tc, applies);
	tcase_add_test(tc, summary_order);
	tcase_add_test(tc, summary_empty);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
