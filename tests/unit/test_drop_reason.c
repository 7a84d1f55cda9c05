// SPDX-License-Identifier: GPL-2.0
/* Drop-reason names from hand-built BTF and from the host's BTF. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "drop_reason.h"
#include "unit_main.h"

#define HOST_BTF "/sys/kernel/btf/vmlinux"

static struct btf *btf;
static struct drop_reasons *dr;

static void teardown(void)
{
	drop_reasons__free(dr);
	btf__free(btf);
	dr = NULL;
	btf = NULL;
}

static struct btf *new_btf(void)
{
	struct btf *b = btf__new_empty();

	ck_assert_ptr_nonnull(b);
	/* A decoy enum with overlapping values. */
	ck_assert_int_gt(btf__add_enum(b, "other_reason", 4), 0);
	btf__add_enum_value(b, "OTHER_ZERO", 0);
	btf__add_enum_value(b, "OTHER_TWELVE", 12);
	return b;
}

START_TEST(synthetic_enum)
{
	btf = new_btf();
	/* Holes on purpose: names come from the BTF, not from positions. */
	ck_assert_int_gt(btf__add_enum(btf, "skb_drop_reason", 4), 0);
	btf__add_enum_value(btf, "SKB_NOT_DROPPED_YET", 0);
	btf__add_enum_value(btf, "SKB_DROP_REASON_NOT_SPECIFIED", 2);
	btf__add_enum_value(btf, "SKB_DROP_REASON_NETFILTER_DROP", 12);
	btf__add_enum_value(btf, "SKB_DROP_REASON_MAX", 13);
	btf__add_enum_value(btf, "SKB_DROP_REASON_SUBSYS_MASK", (__s64)(__s32)0xffff0000);
	dr = drop_reasons__from_btf(btf);
	ck_assert_ptr_nonnull(dr);
	ck_assert_str_eq(drop_reasons__name(dr, 0), "SKB_NOT_DROPPED_YET");
	ck_assert_str_eq(drop_reasons__name(dr, 2), "SKB_DROP_REASON_NOT_SPECIFIED");
	ck_assert_str_eq(drop_reasons__name(dr, 12), "SKB_DROP_REASON_NETFILTER_DROP");
	ck_assert_str_eq(drop_reasons__name(dr, 13), "SKB_DROP_REASON_MAX");
	ck_assert_str_eq(drop_reasons__name(dr, 0xffff0000), "SKB_DROP_REASON_SUBSYS_MASK");
	ck_assert_ptr_null(drop_reasons__name(dr, 1));
	ck_assert_ptr_null(drop_reasons__name(dr, 14));
	ck_assert_ptr_null(drop_reasons__name(dr, 0x10000));
	ck_assert_ptr_null(drop_reasons__name(dr, 0xffffffff));
}
END_TEST

START_TEST(synthetic_enum64)
{
	btf = new_btf();
	/* Kernels >= 6.0 with pahole >= 1.24 may emit ENUM64. */
	ck_assert_int_gt(btf__add_enum64(btf, "skb_drop_reason", 8, false), 0);
	btf__add_enum64_value(btf, "SKB_DROP_REASON_NOT_SPECIFIED", 2);
	btf__add_enum64_value(btf, "SKB_DROP_REASON_NETFILTER_DROP", 12);
	btf__add_enum64_value(btf, "SKB_DROP_REASON_BIG", 0x1ffff0000ULL);
	dr = drop_reasons__from_btf(btf);
	ck_assert_ptr_nonnull(dr);
	ck_assert_str_eq(drop_reasons__name(dr, 12), "SKB_DROP_REASON_NETFILTER_DROP");
	ck_assert_str_eq(drop_reasons__name(dr, 2), "SKB_DROP_REASON_NOT_SPECIFIED");
	ck_assert_ptr_null(drop_reasons__name(dr, 0));
	/* The event's reason is 32 bits wide: a 64-bit value never matches. */
	ck_assert_ptr_null(drop_reasons__name(dr, 0xffff0000));
}
END_TEST

START_TEST(no_enum)
{
	btf = new_btf();
	/* A forward declaration has no values: same as absent. */
	btf__add_fwd(btf, "skb_drop_reason", BTF_FWD_ENUM);
	errno = 0;
	ck_assert_ptr_null(drop_reasons__from_btf(btf));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_null(drop_reasons__name(NULL, 12));
	drop_reasons__free(NULL);
}
END_TEST

/* Value of name in enum skb_drop_reason, read independently of drop_reason.c. */
static long host_value(const char *name)
{
	int id = btf__find_by_name_kind(btf, "skb_drop_reason", BTF_KIND_ENUM);
	const struct btf_type *t;
	int i;

	ck_assert_msg(id > 0, "host BTF has no enum skb_drop_reason");
	t = btf__type_by_id(btf, id);
	for (i = 0; i < btf_vlen(t); i++)
		if (strcmp(btf__name_by_offset(btf, btf_enum(t)[i].name_off), name) == 0)
			return (__u32)btf_enum(t)[i].val;
	return -1;
}

START_TEST(host_btf)
{
	long v;

	btf = btf__parse(HOST_BTF, NULL);
	ck_assert_msg(btf, "cannot read the host BTF %s: %s (these tests need it)", HOST_BTF,
		      strerror(errno));
	dr = drop_reasons__from_btf(btf);
	ck_assert_ptr_nonnull(dr);
	/* 12 on the 6.18.44 lab kernel; read from the BTF, not assumed. */
	v = host_value("SKB_DROP_REASON_NETFILTER_DROP");
	ck_assert_int_gt(v, 0);
	ck_assert_str_eq(drop_reasons__name(dr, v), "SKB_DROP_REASON_NETFILTER_DROP");
	v = host_value("SKB_DROP_REASON_NOT_SPECIFIED");
	ck_assert_str_eq(drop_reasons__name(dr, v), "SKB_DROP_REASON_NOT_SPECIFIED");
	v = host_value("SKB_DROP_REASON_MAX");
	ck_assert_str_eq(drop_reasons__name(dr, v), "SKB_DROP_REASON_MAX");
	ck_assert_ptr_null(drop_reasons__name(dr, v + 1000));
}
END_TEST

START_TEST(inferred_sites)
{
	ck_assert_str_eq(drop_reason__infer("nf_hook_slow"), "SKB_DROP_REASON_NETFILTER_DROP");
	ck_assert_str_eq(drop_reason__infer("nft_do_chain"), "SKB_DROP_REASON_NETFILTER_DROP");
	ck_assert_str_eq(drop_reason__infer("ip_finish_output2"),
			 "SKB_DROP_REASON_NEIGH_CREATEFAIL");
	/* whole names only, and nothing for sites with several causes */
	ck_assert_ptr_null(drop_reason__infer("nf_hook_slow_list"));
	ck_assert_ptr_null(drop_reason__infer("nf_hook"));
	ck_assert_ptr_null(drop_reason__infer("tcp_v4_rcv"));
	ck_assert_ptr_null(drop_reason__infer("__udp4_lib_rcv"));
	ck_assert_ptr_null(drop_reason__infer(""));
	ck_assert_ptr_null(drop_reason__infer(NULL));
}
END_TEST

static Suite *drop_reason_suite(void)
{
	Suite *s = suite_create("drop_reason");
	TCase *tc = tcase_create("btf");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, synthetic_enum);
	tcase_add_test(tc, synthetic_enum64);
	tcase_add_test(tc, no_enum);
	tcase_add_test(tc, host_btf);
	tcase_add_test(tc, inferred_sites);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(drop_reason_suite)
