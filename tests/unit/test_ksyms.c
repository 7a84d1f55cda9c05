// SPDX-License-Identifier: GPL-2.0
/* kallsyms symbolization on canned files (tests/unit/data) and the host's. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "unit_main.h"

#define DATA "tests/unit/data/"

static struct ksyms *ks;

static void setup(void)
{
	ks = ksyms__load(DATA "kallsyms");
	ck_assert_ptr_nonnull(ks);
}

static void teardown(void)
{
	ksyms__free(ks);
}

static const char *fmt(__u64 addr)
{
	static char buf[128];

	return ksyms__format(ks, addr, buf, sizeof(buf));
}

START_TEST(find_exact_and_inside)
{
	const struct ksym *s = ksyms__find(ks, 0xffffffff81002000ULL);

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->name, "ip_rcv");
	ck_assert_uint_eq(s->addr, 0xffffffff81002000ULL);
	ck_assert_ptr_null(s->module);
	ck_assert_str_eq(ksyms__find(ks, 0xffffffff810023ffULL)->name, "ip_rcv");
	ck_assert_str_eq(ksyms__find(ks, 0xffffffff81002400ULL)->name, "weak_fn");
	ck_assert_str_eq(ksyms__find(ks, 0xffffffff81003fffULL)->name, "ip_rcv_finish");
}
END_TEST

START_TEST(find_skips_data_symbols)
{
	/* some_data (D) sits at ...1100: the text symbol before it wins. */
	ck_assert_str_eq(ksyms__find(ks, 0xffffffff81001100ULL)->name, "do_one_initcall");
	ck_assert_str_eq(ksyms__find(ks, 0xffffffff81006000ULL)->name, "not_in_avail");
	ck_assert_uint_eq(ksyms__addr(ks, "some_data"), 0);
	ck_assert_uint_eq(ksyms__addr(ks, "bss_sym"), 0);
}
END_TEST

START_TEST(find_same_address)
{
	/* _stext and _text share an address: the first in the file. */
	ck_assert_str_eq(ksyms__find(ks, 0xffffffff81000000ULL)->name, "_stext");
	ck_assert_str_eq(ksyms__find(ks, 0xffffffff81000010ULL)->name, "_stext");
}
END_TEST

START_TEST(find_modules)
{
	const struct ksym *s = ksyms__find(ks, 0xffffffffc0001020ULL);

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->name, "nft_do_chain");
	ck_assert_str_eq(s->module, "nf_tables");
	s = ksyms__find(ks, 0xffffffffc0001800ULL);
	ck_assert_str_eq(s->name, "nft_other");
	ck_assert_str_eq(s->module, "nf_tables");
}
END_TEST

START_TEST(find_unknown)
{
	ck_assert_ptr_null(ksyms__find(ks, 0));
	ck_assert_ptr_null(ksyms__find(ks, 0xffffffff80ffffffULL));
	ck_assert_ptr_null(ksyms__find(NULL, 0xffffffff81002000ULL));
}
END_TEST

START_TEST(format)
{
	char small[8];

	ck_assert_str_eq(fmt(0xffffffff81002000ULL), "ip_rcv");
	ck_assert_str_eq(fmt(0xffffffff81002010ULL), "ip_rcv+0x10");
	ck_assert_str_eq(fmt(0xffffffff810037ffULL), "ip_rcv_core+0x7ff");
	ck_assert_str_eq(fmt(0xffffffffc0001042ULL), "nft_do_chain+0x42");
	ck_assert_str_eq(fmt(0xffffffff80000000ULL), "0xffffffff80000000");
	ck_assert_str_eq(fmt(0), "0x0");
	ck_assert_str_eq(ksyms__format(NULL, 0x1234, small, sizeof(small)), "0x1234");
	/* Truncated, still terminated. */
	ck_assert_str_eq(ksyms__format(ks, 0xffffffff810037ffULL, small, sizeof(small)),
			 "ip_rcv_");
}
END_TEST

START_TEST(addr_by_name)
{
	ck_assert(ksyms__has_addrs(ks));
	ck_assert_uint_eq(ksyms__addr(ks, "ip_rcv"), 0xffffffff81002000ULL);
	ck_assert_uint_eq(ksyms__addr(ks, "weak_fn"), 0xffffffff81002400ULL);
	ck_assert_uint_eq(ksyms__addr(ks, "nft_do_chain"), 0xffffffffc0001000ULL);
	ck_assert_uint_eq(ksyms__addr(ks, "no_such_symbol"), 0);
	ck_assert_uint_eq(ksyms__addr(NULL, "ip_rcv"), 0);
}
END_TEST

START_TEST(zero_addresses)
{
	struct ksyms *z = ksyms__load(DATA "kallsyms.zero");
	char buf[64];

	/* What an unprivileged reader sees: loads, but symbolizes nothing. */
	ck_assert_ptr_nonnull(z);
	ck_assert(!ksyms__has_addrs(z));
	ck_assert_ptr_null(ksyms__find(z, 0xffffffff81002000ULL));
	ck_assert_ptr_null(ksyms__find(z, 0));
	ck_assert_uint_eq(ksyms__addr(z, "ip_rcv"), 0);
	ck_assert_str_eq(ksyms__format(z, 0xffffffff81002000ULL, buf, sizeof(buf)),
			 "0xffffffff81002000");
	ksyms__free(z);
}
END_TEST

START_TEST(missing_file)
{
	errno = 0;
	ck_assert_ptr_null(ksyms__load(DATA "does-not-exist"));
	ck_assert_int_eq(errno, ENOENT);
	ksyms__free(NULL);
}
END_TEST

START_TEST(host_kallsyms)
{
	struct ksyms *h = ksyms__load(NULL);
	char buf[128];
	__u64 addr;

	ck_assert_msg(h, "cannot read /proc/kallsyms: %s", strerror(errno));
	if (ksyms__has_addrs(h)) {
		addr = ksyms__addr(h, "ip_rcv");
		ck_assert_uint_ne(addr, 0);
		ck_assert_str_eq(ksyms__format(h, addr, buf, sizeof(buf)), "ip_rcv");
		ck_assert_str_eq(ksyms__format(h, addr + 4, buf, sizeof(buf)), "ip_rcv+0x4");
	}
	ksyms__free(h);
}
END_TEST

static Suite *ksyms_suite(void)
{
	Suite *s = suite_create("ksyms");
	TCase *tc = tcase_create("canned");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, find_exact_and_inside);
	tcase_add_test(tc, find_skips_data_symbols);
	tcase_add_test(tc, find_same_address);
	tcase_add_test(tc, find_modules);
	tcase_add_test(tc, find_unknown);
	tcase_add_test(tc, format);
	tcase_add_test(tc, addr_by_name);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_test(tc, zero_addresses);
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, host_kallsyms);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(ksyms_suite)
