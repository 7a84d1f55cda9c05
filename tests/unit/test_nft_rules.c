// SPDX-License-Identifier: GPL-2.0
/* Picking the rule line out of `iptables -S` and nft listings (src/nft/nft_rules.c). */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <linux/netfilter.h>

#include "nft_rules.h"
#include "nft_trace.h"
#include "unit_main.h"

static const char ipt_dump[] = "-P OUTPUT ACCEPT\n"
			       "-A OUTPUT -d 1.1.1.1/32 -p tcp -m tcp -j DROP\n"
			       "-A OUTPUT -d 10.0.0.0/8 -j PWRU\n";

static const char nft_listing[] = "table inet t {\n"
				  "\tchain c { # handle 1\n"
				  "\t\ttype filter hook output priority filter; policy accept;\n"
				  "\t\tip daddr 1.1.1.1 tcp dport 80 counter drop # handle 12\n"
				  "\t\tip daddr 1.1.1.2 counter drop # handle 2\n"
				  "\t}\n"
				  "}\n";

START_TEST(iptables_lines)
{
	char buf[128];

	ck_assert(nft_rules__iptables_line(ipt_dump, 1, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "-A OUTPUT -d 1.1.1.1/32 -p tcp -m tcp -j DROP");
	ck_assert(nft_rules__iptables_line(ipt_dump, 2, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "-A OUTPUT -d 10.0.0.0/8 -j PWRU");
	/* the -P/-N line is not a rule; past the end is nothing */
	ck_assert(!nft_rules__iptables_line(ipt_dump, 3, buf, sizeof(buf)));
	ck_assert(!nft_rules__iptables_line(ipt_dump, 0, buf, sizeof(buf)));
	ck_assert(!nft_rules__iptables_line("-N PWRU\n", 1, buf, sizeof(buf)));
	/* cut, not overrun */
	ck_assert(nft_rules__iptables_line(ipt_dump, 1, buf, 8));
	ck_assert_str_eq(buf, "-A OUTP");
}
END_TEST

START_TEST(nft_lines)
{
	char buf[128];

	ck_assert(nft_rules__nft_line(nft_listing, 12, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "ip daddr 1.1.1.1 tcp dport 80 counter drop");
	/* handle 2 is not a suffix match of handle 12 */
	ck_assert(nft_rules__nft_line(nft_listing, 2, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "ip daddr 1.1.1.2 counter drop");
	/* the chain's own handle is not a rule */
	ck_assert(!nft_rules__nft_line(nft_listing, 1, buf, sizeof(buf)));
	ck_assert(!nft_rules__nft_line(nft_listing, 3, buf, sizeof(buf)));
}
END_TEST

START_TEST(xtables_tables)
{
	ck_assert(nft_rules__is_xtables(NFPROTO_IPV4, "filter"));
	ck_assert(nft_rules__is_xtables(NFPROTO_IPV6, "nat"));
	ck_assert(!nft_rules__is_xtables(NFPROTO_INET, "filter"));
	ck_assert(!nft_rules__is_xtables(NFPROTO_IPV4, "mytable"));
}
END_TEST

START_TEST(trace_selection)
{
	struct nft_trace_sel s;

	struct in6_addr a6;
	__u32 a4;

	ck_assert(nft_trace__select("tcp and host 1.1.1.1 and port 80", &s));
	a4 = inet_addr("1.1.1.1");
	ck_assert_uint_eq(s.host.len, 4);
	ck_assert_mem_eq(s.host.a, &a4, 4);
	ck_assert_uint_eq(s.port, 80);
	ck_assert_uint_eq(s.proto, IPPROTO_TCP);
	ck_assert(nft_trace__select("dst host 10.0.0.1 && src port 5353 and udp", &s));
	a4 = inet_addr("10.0.0.1");
	ck_assert_uint_eq(s.daddr.len, 4);
	ck_assert_mem_eq(s.daddr.a, &a4, 4);
	ck_assert_uint_eq(s.saddr.len, 0);
	ck_assert_uint_eq(s.host.len, 0);
	ck_assert_uint_eq(s.sport, 5353);
	ck_assert_uint_eq(s.proto, IPPROTO_UDP);
	/* anything else traces every packet: never fewer than the filter takes */
	ck_assert(!nft_trace__select(NULL, &s));
	ck_assert(!nft_trace__select("", &s));
	ck_assert(!nft_trace__select("host 1.1.1.1 or port 80", &s));
	ck_assert(!nft_trace__select("not host 1.1.1.1", &s));
	ck_assert(!nft_trace__select("host 1.1.1.1 and host 2.2.2.2", &s));
	/* IPv6 (issue 13): one host of either family */
	ck_assert(nft_trace__select("src host fd00::9 and udp", &s));
	ck_assert(inet_pton(AF_INET6, "fd00::9", &a6) == 1);
	ck_assert_uint_eq(s.saddr.len, 16);
	ck_assert_mem_eq(s.saddr.a, &a6, 16);
	ck_assert_uint_eq(s.proto, IPPROTO_UDP);
	ck_assert(nft_trace__select("host ::1", &s));
	ck_assert_uint_eq(s.host.len, 16);
	ck_assert(!nft_trace__select("host ::1 and host 1.1.1.1", &s));
	ck_assert(!nft_trace__select("host fd00::zz", &s));
	ck_assert(!nft_trace__select("port 0", &s));
	ck_assert(!nft_trace__select("tcp and", &s));
	ck_assert(!nft_trace__select("(tcp)", &s));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nft_rules");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, iptables_lines);
	tcase_add_test(tc, nft_lines);
	tcase_add_test(tc, xtables_tables);
	tcase_add_test(tc, trace_selection);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
