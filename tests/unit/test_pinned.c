// SPDX-License-Identifier: GPL-2.0
/*
 * Kernels without BTF: drop-reason names from the kfree_skb tracepoint
 * format (real formats of 6.12 and 6.18), a pinned build's tables, finding
 * the pinned build for exactly this release, and discovery from its table.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "drop_reason.h"
#include "features_impl.h"
#include "funcs.h"
#include "pinned.h"
#include "privilege.h"
#include "unit_main.h"

#define DATA "tests/unit/data/"

static char root[] = "/tmp/pwru-test-pinned.XXXXXX";

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
}

/* A complete pinned build for release, with this pwru's bpf-hash unless hash is given. */
static void make_build(const char *release, const char *hash)
{
	static const char *const files[] = { "kprobe.bpf.o", "kprobe_multi.bpf.o",
					     "tracepoint.bpf.o", "tracepoints" };
	char dir[PATH_MAX], text[128];

	snprintf(dir, sizeof(dir), "%s/%s", root, release);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(text, sizeof(text), "%s\n", release);
	write_file(dir, "release", text);
	snprintf(text, sizeof(text), "%s\n", hash ? hash : pinned__bpf_hash());
	write_file(dir, "bpf-hash", text);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		write_file(dir, files[i], "x");
	write_file(dir, "funcs", "ip_rcv 1 4\nweak_fn 2 2\nnot_in_kernel 1 1\n");
	write_file(dir, "netfilter", "nf_tables\nx_tables\n");
	write_file(dir, "drop_reasons", "2 SKB_DROP_REASON_NOT_SPECIFIED\n"
					"12 SKB_DROP_REASON_NETFILTER_DROP\n");
}

static void setup(void)
{
	strcpy(root, "/tmp/pwru-test-pinned.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	setenv("PWRU_PINNED_DIR", root, 1);
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
	unsetenv("PWRU_PINNED_DIR");
}

START_TEST(reasons_from_tracefs_6_12)
{
	struct drop_reasons *dr = drop_reasons__from_tracefs(DATA "kfree_skb-6.12.format");

	ck_assert_ptr_nonnull(dr);
	ck_assert_str_eq(drop_reasons__name(dr, 2), "SKB_DROP_REASON_NOT_SPECIFIED");
	ck_assert_str_eq(drop_reasons__name(dr, 3), "SKB_DROP_REASON_NO_SOCKET");
	/* 6.12 numbers them differently from 6.18: the kernel's values, never ours */
	ck_assert_str_eq(drop_reasons__name(dr, 11), "SKB_DROP_REASON_NETFILTER_DROP");
	/* 0 and 1 are SKB_NOT_DROPPED_YET and SKB_CONSUMED, which the format leaves out */
	ck_assert_ptr_null(drop_reasons__name(dr, 0));
	ck_assert_ptr_null(drop_reasons__name(dr, 100000));
	drop_reasons__free(dr);
}
END_TEST

START_TEST(reasons_from_tracefs_6_18)
{
	struct drop_reasons *dr = drop_reasons__from_tracefs(DATA "kfree_skb-6.18.format");

	ck_assert_ptr_nonnull(dr);
	ck_assert_str_eq(drop_reasons__name(dr, 12), "SKB_DROP_REASON_NETFILTER_DROP");
	drop_reasons__free(dr);
}
END_TEST

/* On this machine, when it has both: the tracefs names agree with its BTF. */
START_TEST(reasons_tracefs_agrees_with_btf)
{
	struct drop_reasons *a = drop_reasons__from_tracefs(NULL), *b;
	struct btf *btf = btf__parse("/sys/kernel/btf/vmlinux", NULL);
	int same = 0;

	if (!a || !btf) {
		drop_reasons__free(a);
		btf__free(btf);
		return;
	}
	b = drop_reasons__from_btf(btf);
	ck_assert_ptr_nonnull(b);
	for (__u32 v = 0; v < 1024; v++) {
		const char *x = drop_reasons__name(a, v), *y = drop_reasons__name(b, v);

		if (!x || !y)
			continue;
		ck_assert_str_eq(x, y);
		same++;
	}
	ck_assert_int_gt(same, 10);
	drop_reasons__free(a);
	drop_reasons__free(b);
	btf__free(btf);
}
END_TEST

START_TEST(reasons_tracefs_missing_or_bad)
{
	char path[PATH_MAX];

	ck_assert_ptr_null(drop_reasons__from_tracefs(DATA "does-not-exist"));
	snprintf(path, sizeof(path), "%s/format", root);
	write_file(root, "format", "name: kfree_skb\nID: 1\nformat:\n\tfield:int x;\toffset:8;\t"
				   "size:4;\tsigned:1;\n\nprint fmt: \"x=%d\", REC->x\n");
	ck_assert_ptr_null(drop_reasons__from_tracefs(path));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(reasons_file_roundtrip)
{
	struct drop_reasons *a = drop_reasons__from_tracefs(DATA "kfree_skb-6.12.format"), *b;
	char path[PATH_MAX];
	FILE *fp;

	ck_assert_ptr_nonnull(a);
	snprintf(path, sizeof(path), "%s/drop_reasons", root);
	fp = fopen(path, "w");
	ck_assert_int_eq(drop_reasons__write(a, fp), 0);
	fclose(fp);
	b = drop_reasons__from_file(path);
	ck_assert_ptr_nonnull(b);
	for (__u32 v = 0; v < 200; v++) {
		const char *x = drop_reasons__name(a, v), *y = drop_reasons__name(b, v);

		ck_assert(!x == !y);
		if (x)
			ck_assert_str_eq(x, y);
	}
	drop_reasons__free(a);
	drop_reasons__free(b);
	write_file(root, "bad", "12\n");
	snprintf(path, sizeof(path), "%s/bad", root);
	ck_assert_ptr_null(drop_reasons__from_file(path));
}
END_TEST

START_TEST(find_exact_release)
{
	char dir[PATH_MAX], why[512], want[PATH_MAX];

	make_build("6.12.117", NULL);
	ck_assert_int_eq(pinned__find("6.12.117", dir, sizeof(dir), why, sizeof(why)), 0);
	snprintf(want, sizeof(want), "%s/6.12.117", root);
	ck_assert_str_eq(dir, want);
	ck_assert_ptr_nonnull(strstr(why, want));
}
END_TEST

/* Which netfilter groups a build has types for, and ipt_do_table()'s argument order. */
START_TEST(netfilter_groups)
{
	char dir[PATH_MAX];
	int ipt, ip6t;

	make_build("6.12.117", NULL);
	snprintf(dir, sizeof(dir), "%s/6.12.117", root);
	write_file(dir, "funcs", "ip_rcv 1 4\nipt_do_table 2 3\n");
	ck_assert_uint_eq(pinned__netfilter(dir, &ipt, &ip6t), PINNED_NF_TABLES | PINNED_NF_XT);
	ck_assert_int_eq(ipt, 2); /* (priv, skb, state): 5.16+ */
	ck_assert_int_eq(ip6t, 0); /* not in vmlinux */
	/* ip_tables a module: x_tables' types alone do not name its position */
	write_file(dir, "funcs", "ip_rcv 1 4\n");
	ck_assert_uint_eq(pinned__netfilter(dir, &ipt, &ip6t), PINNED_NF_TABLES | PINNED_NF_XT);
	ck_assert_int_eq(ipt, 0);
	/* nf_tables a module: nothing to name rules with */
	write_file(dir, "netfilter", "");
	ck_assert_uint_eq(pinned__netfilter(dir, &ipt, &ip6t), 0);
}
END_TEST

START_TEST(find_never_another_release)
{
	char dir[PATH_MAX], why[512];

	make_build("6.12.116", NULL);
	ck_assert_int_eq(pinned__find("6.12.117", dir, sizeof(dir), why, sizeof(why)), -ENOENT);
	ck_assert_msg(strstr(why, "none for 6.12.117") && strstr(why, "it has: 6.12.116"), "%s",
		      why);
	teardown();
	setup();
	ck_assert_int_eq(pinned__find("6.12.117", dir, sizeof(dir), why, sizeof(why)), -ENOENT);
	ck_assert_msg(strstr(why, "it has: none"), "%s", why);
}
END_TEST

START_TEST(find_rejects_stale_and_renamed)
{
	char dir[PATH_MAX], why[512], path[PATH_MAX];

	make_build("6.12.117", "0123456789abcdef");
	ck_assert_int_eq(pinned__find("6.12.117", dir, sizeof(dir), why, sizeof(why)), -ESTALE);
	ck_assert_msg(strstr(why, "other BPF sources"), "%s", why);

	/* a build renamed to look like another release */
	make_build("6.1.0", NULL);
	snprintf(path, sizeof(path), "mv %s/6.1.0 %s/6.1.1", root, root);
	ck_assert_int_eq(system(path), 0);
	ck_assert_int_eq(pinned__find("6.1.1", dir, sizeof(dir), why, sizeof(why)), -EINVAL);

	/* incomplete */
	make_build("6.2.0", NULL);
	snprintf(path, sizeof(path), "%s/6.2.0/kprobe.bpf.o", root);
	unlink(path);
	ck_assert_int_eq(pinned__find("6.2.0", dir, sizeof(dir), why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, "kprobe.bpf.o"), "%s", why);
}
END_TEST

/* Root loads code from a pinned build: anyone else able to change it is refused. */
START_TEST(find_rejects_writable_by_others)
{
	char dir[PATH_MAX], why[512], path[PATH_MAX];

	make_build("6.12.117", NULL);
	snprintf(path, sizeof(path), "%s/6.12.117", root);
	ck_assert_int_eq(chmod(path, 0775), 0);
	ck_assert_int_eq(pinned__find("6.12.117", dir, sizeof(dir), why, sizeof(why)), -EPERM);
	ck_assert_msg(strstr(why, path) && strstr(why, "writable by its group"), "%s", why);
	ck_assert_int_eq(chmod(path, 0755), 0);

	snprintf(path, sizeof(path), "%s/6.12.117/funcs", root);
	ck_assert_int_eq(chmod(path, 0646), 0);
	ck_assert_int_eq(pinned__find("6.12.117", dir, sizeof(dir), why, sizeof(why)), -EPERM);
	ck_assert_msg(strstr(why, path) && strstr(why, "writable by others"), "%s", why);
	ck_assert_int_eq(chmod(path, 0644), 0);

	ck_assert_int_eq(chown(path, 65534, 65534), 0);
	ck_assert_int_eq(pinned__find("6.12.117", dir, sizeof(dir), why, sizeof(why)), -EPERM);
	ck_assert_msg(strstr(why, "owned by uid 65534"), "%s", why);
	ck_assert_int_eq(chown(path, 0, 0), 0);
	ck_assert_int_eq(pinned__find("6.12.117", dir, sizeof(dir), why, sizeof(why)), 0);
}
END_TEST

/* The whole path counts; a sticky /tmp above a root-owned entry is fine. */
START_TEST(trusted_path_walks_up)
{
	char path[PATH_MAX + 8], sub[PATH_MAX], why[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/t", root);
	write_file(root, "t", "x");
	ck_assert_int_eq(priv__trusted_path(path, why, sizeof(why)), 0);
	ck_assert_int_eq(chmod(root, 01777), 0);
	ck_assert_int_eq(priv__trusted_path(path, why, sizeof(why)), 0);
	ck_assert_int_eq(chmod(root, 0777), 0);
	ck_assert_int_eq(priv__trusted_path(path, why, sizeof(why)), -EPERM);
	ck_assert_msg(strstr(why, root) && strstr(why, "writable by others"), "%s", why);
	/* sticky, but what it holds is not root's */
	snprintf(sub, sizeof(sub), "%s/d", root);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	write_file(sub, "t", "x");
	ck_assert_int_eq(chown(sub, 65534, 65534), 0);
	ck_assert_int_eq(chmod(root, 01777), 0);
	snprintf(path, sizeof(path), "%s/t", sub);
	ck_assert_int_eq(priv__trusted_path(path, why, sizeof(why)), -EPERM);
	ck_assert_msg(strstr(why, "owned by uid 65534"), "%s", why);
	ck_assert_int_eq(chmod(root, 0700), 0);
}
END_TEST

START_TEST(user_from_passwd)
{
	struct priv_target t;
	char path[PATH_MAX], err[256];

	write_file(root, "passwd", "root:x:0:0::/root:/bin/sh\nbroken\n"
				   "pwrutest:x:4242:4343::/:/bin/false\n");
	snprintf(path, sizeof(path), "%s/passwd", root);
	ck_assert_int_eq(priv__resolve("pwrutest", path, &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t.uid, 4242);
	ck_assert_uint_eq(t.gid, 4343);
	ck_assert(!t.keep);
	ck_assert_int_eq(priv__resolve("4242", path, &t, err, sizeof(err)), 0);
	ck_assert_str_eq(t.name, "pwrutest");
	ck_assert_int_eq(priv__resolve("root", path, &t, err, sizeof(err)), 0);
	ck_assert(t.keep);
	/* no nobody there: the overflow ids */
	ck_assert_int_eq(priv__resolve(NULL, path, &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t.uid, PRIV_NOBODY_ID);
	ck_assert_int_eq(priv__resolve("nosuchuser", path, &t, err, sizeof(err)), -ENOENT);
	ck_assert_msg(strstr(err, "--user: no user 'nosuchuser' in "), "%s", err);
}
END_TEST

START_TEST(cap_names)
{
	char buf[256];

	priv__cap_names((1ULL << 38) | (1ULL << 39), buf, sizeof(buf));
	ck_assert_str_eq(buf, "CAP_PERFMON,CAP_BPF");
	priv__cap_names(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "none");
	ck_assert_int_eq(priv__cap_from_name("cap_net_admin"), 12);
}
END_TEST

START_TEST(table_roundtrip)
{
	struct skb_funcs f = {}, g = {};
	char path[PATH_MAX];
	FILE *fp;

	make_build("6.12.117", NULL);
	snprintf(path, sizeof(path), "%s/6.12.117", root);
	ck_assert_int_eq(pinned__read_table(path, "funcs", &f), 0);
	ck_assert_uint_eq(f.n, 3);
	ck_assert_str_eq(f.v[1].name, "weak_fn");
	ck_assert_int_eq(f.v[1].skb_pos, 2);
	ck_assert_int_eq(f.v[1].nr_args, 2);
	snprintf(path, sizeof(path), "%s/again", root);
	fp = fopen(path, "w");
	ck_assert_int_eq(pinned__write_table(fp, &f), 0);
	fclose(fp);
	ck_assert_int_eq(pinned__read_table(root, "again", &g), 0);
	ck_assert_uint_eq(g.n, f.n);
	for (size_t i = 0; i < f.n; i++) {
		ck_assert_str_eq(f.v[i].name, g.v[i].name);
		ck_assert_int_eq(f.v[i].skb_pos, g.v[i].skb_pos);
	}
	/* a position past the argument count is refused */
	write_file(root, "bad", "ip_rcv 3 2\n");
	ck_assert_int_eq(pinned__read_table(root, "bad", &g), -EINVAL);
	skb_funcs__free(&f);
	skb_funcs__free(&g);
}
END_TEST

/* Discovery from the table: the same name and probeable filters as from BTF. */
START_TEST(discover_from_table)
{
	struct skb_funcs table = {}, f = {};
	struct discover_opts o = {
		.avail_path = DATA "available_filter_functions",
		.kallsyms_path = DATA "kallsyms",
		.kernel_btf = "/nonexistent/never-read.btf",
	};
	char path[PATH_MAX];

	make_build("6.12.117", NULL);
	snprintf(path, sizeof(path), "%s/6.12.117", root);
	ck_assert_int_eq(pinned__read_table(path, "funcs", &table), 0);
	o.candidates = &table;
	ck_assert_int_eq(skb_funcs__discover(&o, &f), 0);
	ck_assert_uint_eq(f.n, 2); /* not_in_kernel is in neither list */
	ck_assert_str_eq(f.v[0].name, "ip_rcv");
	ck_assert_str_eq(f.v[1].name, "weak_fn");
	ck_assert_int_eq(f.v[1].skb_pos, 2);
	skb_funcs__free(&f);
	o.filter_func = "weak_.*";
	ck_assert_int_eq(skb_funcs__discover(&o, &f), 0);
	ck_assert_uint_eq(f.n, 1);
	skb_funcs__free(&f);
	skb_funcs__free(&table);
}
END_TEST

/* The decisions: a pinned build stands in for BTF everywhere but fentry. */
START_TEST(decide_with_pinned)
{
	struct features *f = features__new();
	const char *rem = NULL, *detail = NULL;
	char why[256], ex[512];

	ck_assert_int_eq(features__load_profile(f, "tests/unit/profiles/nobtf-5.15.profile"), 0);
	ck_assert(!features__usable(f, PWRU_BE_KPROBE, why, sizeof(why), &rem));
	ck_assert_msg(strstr(why, "no pinned build"), "%s", why);
	ck_assert_msg(strstr(rem, "make pinned KDIR=") && strstr(rem, "--kernel-btf"), "%s", rem);
	ck_assert_ptr_null(features__pinned_dir(f, NULL));

	f->f[FEAT_BTF_PINNED].val = 1;
	snprintf(f->pinned, sizeof(f->pinned), "/usr/local/lib/pwru/pinned/5.15.160");
	snprintf(f->f[FEAT_BTF_PINNED].detail, sizeof(f->f[0].detail), "5.15.160 at %.100s",
		 f->pinned);
	ck_assert_str_eq(features__pinned_dir(f, &detail), f->pinned);
	ck_assert_ptr_nonnull(strstr(detail, "5.15.160 at "));
	ck_assert(features__usable(f, PWRU_BE_KPROBE, why, sizeof(why), NULL));
	ck_assert_str_eq(why, "load+attach probe succeeded, with the pinned build");
	ck_assert(features__usable(f, PWRU_BE_TRACEPOINT, NULL, 0, NULL));
	ck_assert(!features__usable(f, PWRU_BE_FENTRY, why, sizeof(why), NULL));
	ck_assert_str_eq(why, "no vmlinux BTF");
	ck_assert_int_eq(features__pick(f, ex, sizeof(ex)), PWRU_BE_KPROBE);
	features__free(f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pinned");
	TCase *tc = tcase_create("no-btf");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, reasons_from_tracefs_6_12);
	tcase_add_test(tc, reasons_from_tracefs_6_18);
	tcase_add_test(tc, reasons_tracefs_agrees_with_btf);
	tcase_add_test(tc, reasons_tracefs_missing_or_bad);
	tcase_add_test(tc, reasons_file_roundtrip);
	tcase_add_test(tc, find_exact_release);
	tcase_add_test(tc, netfilter_groups);
	tcase_add_test(tc, find_never_another_release);
	tcase_add_test(tc, find_rejects_stale_and_renamed);
	tcase_add_test(tc, find_rejects_writable_by_others);
	tcase_add_test(tc, trusted_path_walks_up);
	tcase_add_test(tc, user_from_passwd);
	tcase_add_test(tc, cap_names);
	tcase_add_test(tc, table_roundtrip);
	tcase_add_test(tc, discover_from_table);
	tcase_add_test(tc, decide_with_pinned);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
