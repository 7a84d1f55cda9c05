// SPDX-License-Identifier: GPL-2.0
/* Module types from headers (src/modbtf.h): find, check against the kernel's BTF, merge. */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "modbtf.h"
#include "unit_main.h"

static char root[PATH_MAX];
static struct btf *base, *mod;

/* a kernel's BTF: sk_buff, net_device, an int */
static struct btf *new_base(__u32 skb_size)
{
	struct btf *b = btf__new_empty();
	int i;

	ck_assert_ptr_nonnull(b);
	i = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	ck_assert_int_gt(btf__add_struct(b, "sk_buff", skb_size), 0);
	ck_assert_int_eq(btf__add_field(b, "len", i, 0, 0), 0);
	ck_assert_int_gt(btf__add_struct(b, "net_device", 2048), 0);
	return b;
}

/* header-made module types: nft_chain, a prototype, and sk_buff of skb_size (0: none) */
static struct btf *new_mod(__u32 skb_size)
{
	struct btf *b = btf__new_empty();
	int i, p;

	ck_assert_ptr_nonnull(b);
	i = btf__add_int(b, "unsigned int", 4, 0);
	if (skb_size)
		ck_assert_int_gt(btf__add_struct(b, "sk_buff", skb_size), 0);
	ck_assert_int_gt(btf__add_struct(b, "nft_chain", 112), 0);
	ck_assert_int_eq(btf__add_field(b, "use", i, 0, 0), 0);
	p = btf__add_func_proto(b, i);
	ck_assert_int_gt(btf__add_typedef(b, "pwru_fn_nft_do_chain", p), 0);
	return b;
}

static void setup(void)
{
	strcpy(root, "/tmp/pwru-test-modbtf.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_int_eq(chmod(root, 0755), 0);
	setenv("PWRU_MODBTF_DIR", root, 1);
	base = mod = NULL;
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	btf__free(base);
	btf__free(mod);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
	unsetenv("PWRU_MODBTF_DIR");
}

START_TEST(check_same_layout)
{
	char why[256] = "";

	base = new_base(232);
	mod = new_mod(232);
	ck_assert_int_eq(modbtf__check(base, mod, why, sizeof(why)), 0);
}
END_TEST

START_TEST(check_other_headers)
{
	char why[256] = "";

	base = new_base(232);
	mod = new_mod(240);
	ck_assert_int_eq(modbtf__check(base, mod, why, sizeof(why)), -ESTALE);
	ck_assert_str_eq(why, "struct sk_buff is 232 bytes in the kernel but 240 in the module "
			      "types: they were made from other headers");
}
END_TEST

/* nothing to compare by is no proof: refused */
START_TEST(check_nothing_shared)
{
	char why[256] = "";

	base = new_base(232);
	mod = new_mod(0);
	ck_assert_int_eq(modbtf__check(base, mod, why, sizeof(why)), -ESTALE);
	ck_assert_ptr_nonnull(strstr(why, "share no core struct"));
}
END_TEST

START_TEST(merge_holds_both)
{
	char path[64];
	struct btf *m;
	int fd, id;

	base = new_base(232);
	mod = new_mod(232);
	fd = modbtf__merge(base, mod);
	ck_assert_int_ge(fd, 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	m = btf__parse(path, NULL);
	ck_assert_int_eq(libbpf_get_error(m), 0);
	ck_assert_uint_eq(btf__type_cnt(m), btf__type_cnt(base) + btf__type_cnt(mod) - 1);
	ck_assert_int_gt(btf__find_by_name_kind(m, "net_device", BTF_KIND_STRUCT), 0);
	id = btf__find_by_name_kind(m, "nft_chain", BTF_KIND_STRUCT);
	ck_assert_int_gt(id, 0);
	ck_assert_uint_eq(btf__type_by_id(m, id)->size, 112);
	/* its member's name and type moved with it */
	ck_assert_str_eq(btf__name_by_offset(m, btf_members(btf__type_by_id(m, id))->name_off),
			 "use");
	ck_assert_str_eq(
	    btf__name_by_offset(
		m, btf__type_by_id(m, btf_members(btf__type_by_id(m, id))->type)->name_off),
	    "unsigned int");
	/* mod's ids moved past base's, and its references with them */
	id = btf__find_by_name_kind(m, "pwru_fn_nft_do_chain", BTF_KIND_TYPEDEF);
	ck_assert_int_gt(id, 0);
	ck_assert(btf_is_func_proto(btf__type_by_id(m, btf__type_by_id(m, id)->type)));
	btf__free(m);
	close(fd);
}
END_TEST

static void write_mod(const char *release, mode_t mode)
{
	char path[PATH_MAX + 64];
	const void *raw;
	__u32 sz;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", root, release);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%s/modules.btf", root, release);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	if (mode) {
		struct btf *b = new_mod(232);

		raw = btf__raw_data(b, &sz);
		ck_assert_uint_eq(fwrite(raw, 1, sz, fp), sz);
		btf__free(b);
	} else {
		fputs("not BTF\n", fp);
	}
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(chmod(path, mode ?: 0644), 0);
}

START_TEST(load_by_release)
{
	char path[PATH_MAX + 64], want[PATH_MAX + 64], why[PATH_MAX + 128] = "";

	write_mod("5.10.0-46-amd64", 0644);
	ck_assert_int_eq(
	    modbtf__load("5.10.0-46-amd64", &mod, path, sizeof(path), why, sizeof(why)), 0);
	ck_assert_ptr_nonnull(mod);
	snprintf(want, sizeof(want), "%s/5.10.0-46-amd64/modules.btf", root);
	ck_assert_str_eq(path, want);
	ck_assert_int_gt(btf__find_by_name_kind(mod, "nft_chain", BTF_KIND_STRUCT), 0);
}
END_TEST

START_TEST(load_refuses)
{
	char path[PATH_MAX + 64], why[PATH_MAX + 128] = "";

	/* another release's types are never used */
	write_mod("5.10.0-45-amd64", 0644);
	ck_assert_int_eq(
	    modbtf__load("5.10.0-46-amd64", &mod, path, sizeof(path), why, sizeof(why)), -ENOENT);
	ck_assert_ptr_null(mod);
	ck_assert_ptr_nonnull(strstr(why, "make modbtf KDIR="));

	write_mod("5.10.0-46-amd64", 0666);
	ck_assert_int_eq(
	    modbtf__load("5.10.0-46-amd64", &mod, path, sizeof(path), why, sizeof(why)), -EPERM);
	ck_assert_msg(strstr(why, "writable by others") && strstr(why, "only root"), "%s", why);

	write_mod("5.10.0-47-amd64", 0);
	ck_assert_int_eq(
	    modbtf__load("5.10.0-47-amd64", &mod, path, sizeof(path), why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "is not a BTF file"));
}
END_TEST

static Suite *modbtf_suite(void)
{
	Suite *s = suite_create("modbtf");
	TCase *tc = tcase_create("modbtf");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, check_same_layout);
	tcase_add_test(tc, check_other_headers);
	tcase_add_test(tc, check_nothing_shared);
	tcase_add_test(tc, merge_holds_both);
	tcase_add_test(tc, load_by_release);
	tcase_add_test(tc, load_refuses);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(modbtf_suite)
