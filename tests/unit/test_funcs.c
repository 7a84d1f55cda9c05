// SPDX-License-Identifier: GPL-2.0
/*
 * skb-function discovery: BTF scan on hand-built BTF and on the host's BTF,
 * tracepoints, whole-name regex filter, probeable filtering from canned
 * available_filter_functions / kallsyms files (tests/unit/data).
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "funcs.h"
#include "ksyms.h"
#include "unit_main.h"

#define HOST_BTF "/sys/kernel/btf/vmlinux"
#define DATA "tests/unit/data/"

/* Type ids of the hand-built BTF. */
struct types {
	int i32, skb, head, sock, skb_p, skb_pp, head_p, sock_p, void_p;
	int skb_td_p, skb_struct_td_p, const_skb_p, volatile_skb_p, tagged_p, restrict_p;
};

static struct btf *btf;
static struct types ty;
static struct skb_funcs out;

static int add_func(struct btf *b, const char *name, int n, const int *args)
{
	int proto = btf__add_func_proto(b, ty.i32), i;
	char pname[16];

	ck_assert_int_gt(proto, 0);
	for (i = 0; i < n; i++) {
		snprintf(pname, sizeof(pname), "a%d", i);
		ck_assert_int_eq(btf__add_func_param(b, pname, args[i]), 0);
	}
	return btf__add_func(b, name, BTF_FUNC_GLOBAL, proto);
}

#define FUNC(b, name, ...)                                                                  \
	add_func(b, name, sizeof((int[]){ __VA_ARGS__ }) / sizeof(int), (int[]){ __VA_ARGS__ })

/* btf_trace_<name>: typedef -> PTR -> FUNC_PROTO(void *, args...) */
static void add_tracepoint(struct btf *b, const char *tdname, int n, const int *args)
{
	int proto = btf__add_func_proto(b, 0), i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(btf__add_func_param(b, NULL, args[i]), 0);
	ck_assert_int_gt(btf__add_typedef(b, tdname, btf__add_ptr(b, proto)), 0);
}

#define TRACEPOINT(b, name, ...)                                                            \
	add_tracepoint(b, name, sizeof((int[]){ __VA_ARGS__ }) / sizeof(int),               \
		       (int[]){ __VA_ARGS__ })

static void add_types(struct btf *b)
{
	ty.i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	ty.skb = btf__add_struct(b, "sk_buff", 4);
	btf__add_field(b, "len", ty.i32, 0, 0);
	ty.head = btf__add_struct(b, "sk_buff_head", 4);
	ty.sock = btf__add_struct(b, "sock", 4);
	ty.skb_p = btf__add_ptr(b, ty.skb);
	ty.skb_pp = btf__add_ptr(b, ty.skb_p);
	ty.head_p = btf__add_ptr(b, ty.head);
	ty.sock_p = btf__add_ptr(b, ty.sock);
	ty.void_p = btf__add_ptr(b, 0);
	/* typedef struct sk_buff *skb_p_t; */
	ty.skb_td_p = btf__add_typedef(b, "skb_p_t", ty.skb_p);
	/* typedef struct sk_buff skb_t; skb_t * */
	ty.skb_struct_td_p = btf__add_ptr(b, btf__add_typedef(b, "skb_t", ty.skb));
	/* const struct sk_buff * */
	ty.const_skb_p = btf__add_ptr(b, btf__add_const(b, ty.skb));
	/* const skb_p_t volatile (qualifiers on the pointer, through a typedef) */
	ty.volatile_skb_p = btf__add_volatile(b, btf__add_const(b, ty.skb_td_p));
	/* struct sk_buff __rcu * */
	ty.tagged_p = btf__add_ptr(b, btf__add_type_tag(b, "rcu", ty.skb));
	ty.restrict_p = btf__add_restrict(b, ty.skb_p);
	ck_assert_int_gt(ty.restrict_p, 0);
}

static void add_funcs(struct btf *b)
{
	FUNC(b, "f_first", ty.skb_p);
	FUNC(b, "f_typedef", ty.skb_td_p);
	FUNC(b, "f_typedef_pointee", ty.skb_struct_td_p);
	FUNC(b, "f_const", ty.const_skb_p);
	FUNC(b, "f_volatile", ty.volatile_skb_p);
	FUNC(b, "f_tagged", ty.tagged_p);
	FUNC(b, "f_restrict", ty.restrict_p);
	FUNC(b, "f_second", ty.sock_p, ty.skb_p);
	FUNC(b, "f_third", ty.i32, ty.sock_p, ty.const_skb_p);
	FUNC(b, "f_fifth", ty.i32, ty.i32, ty.head_p, ty.i32, ty.skb_p, ty.i32);
	FUNC(b, "f_two_skbs", ty.sock_p, ty.skb_p, ty.i32, ty.skb_p);
	FUNC(b, "f_pp", ty.skb_pp);
	FUNC(b, "f_head", ty.head_p);
	FUNC(b, "f_byval", ty.skb);
	FUNC(b, "f_void", ty.void_p, ty.i32);
	add_func(b, "f_none", 0, NULL);
	/* Same name twice with the same position: one entry, the first. */
	FUNC(b, "f_dup", ty.sock_p, ty.skb_p);
	FUNC(b, "f_dup", ty.sock_p, ty.skb_td_p);
	/* Same name, different positions: ambiguous, dropped. */
	FUNC(b, "f_ambiguous", ty.skb_p);
	FUNC(b, "f_ambiguous", ty.i32, ty.skb_p);
}

static void add_tracepoints(struct btf *b)
{
	TRACEPOINT(b, "btf_trace_kfree_skb", ty.void_p, ty.skb_p, ty.void_p, ty.i32, ty.sock_p);
	TRACEPOINT(b, "btf_trace_tp_second", ty.void_p, ty.sock_p, ty.const_skb_p);
	TRACEPOINT(b, "btf_trace_tp_noskb", ty.void_p, ty.i32);
	TRACEPOINT(b, "btf_trace_tp_pp", ty.void_p, ty.skb_pp);
	/* No leading data pointer: not a tracepoint prototype. */
	TRACEPOINT(b, "btf_trace_tp_bad", ty.skb_p, ty.i32);
	/* Wrong prefix. */
	TRACEPOINT(b, "not_a_trace", ty.void_p, ty.skb_p);
}

static struct btf *make_btf(void)
{
	struct btf *b = btf__new_empty();

	ck_assert_ptr_nonnull(b);
	add_types(b);
	add_funcs(b);
	add_tracepoints(b);
	return b;
}

static const struct skb_func *find(const struct skb_funcs *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			return &f->v[i];
	return NULL;
}

static void check_func(const struct skb_funcs *f, const char *name, int pos, int nr_args)
{
	const struct skb_func *fn = find(f, name);

	ck_assert_msg(fn, "%s not found", name);
	ck_assert_msg(fn->skb_pos == pos, "%s: skb_pos %d, want %d", name, fn->skb_pos, pos);
	ck_assert_msg(fn->nr_args == nr_args, "%s: nr_args %d, want %d", name, fn->nr_args,
		      nr_args);
}

static void check_absent(const struct skb_funcs *f, const char *name)
{
	ck_assert_msg(!find(f, name), "%s should not be found", name);
}

static void setup(void)
{
	btf = make_btf();
	memset(&out, 0, sizeof(out));
}

static void teardown(void)
{
	skb_funcs__free(&out);
	btf__free(btf);
}

/* ---- scan on hand-built BTF ---- */

START_TEST(scan_positions)
{
	ck_assert_int_eq(skb_funcs__scan_btf(btf, NULL, &out), 0);
	check_func(&out, "f_first", 1, 1);
	check_func(&out, "f_second", 2, 2);
	check_func(&out, "f_third", 3, 3);
	check_func(&out, "f_fifth", 5, 6);
	check_func(&out, "f_two_skbs", 2, 4);
}
END_TEST

START_TEST(scan_through_typedefs_and_qualifiers)
{
	ck_assert_int_eq(skb_funcs__scan_btf(btf, NULL, &out), 0);
	check_func(&out, "f_typedef", 1, 1);
	check_func(&out, "f_typedef_pointee", 1, 1);
	check_func(&out, "f_const", 1, 1);
	check_func(&out, "f_volatile", 1, 1);
	check_func(&out, "f_tagged", 1, 1);
	check_func(&out, "f_restrict", 1, 1);
}
END_TEST

START_TEST(scan_exclusions)
{
	ck_assert_int_eq(skb_funcs__scan_btf(btf, NULL, &out), 0);
	check_absent(&out, "f_pp");
	check_absent(&out, "f_head");
	check_absent(&out, "f_byval");
	check_absent(&out, "f_void");
	check_absent(&out, "f_none");
	/* Tracepoint prototypes are not functions. */
	check_absent(&out, "kfree_skb");
	check_absent(&out, "btf_trace_kfree_skb");
	ck_assert_ptr_null(out.v[0].module);
}
END_TEST

START_TEST(scan_duplicates)
{
	const struct skb_func *fn;
	size_t i, n = 0;

	ck_assert_int_eq(skb_funcs__scan_btf(btf, NULL, &out), 0);
	for (i = 0; i < out.n; i++)
		n += strcmp(out.v[i].name, "f_dup") == 0;
	ck_assert_int_eq(n, 1);
	fn = find(&out, "f_dup");
	ck_assert_int_eq(fn->skb_pos, 2);
	ck_assert_int_eq(fn->btf_id, btf__find_by_name_kind(btf, "f_dup", BTF_KIND_FUNC));
	check_absent(&out, "f_ambiguous");
}
END_TEST

START_TEST(scan_btf_ids)
{
	const struct skb_func *fn;

	ck_assert_int_eq(skb_funcs__scan_btf(btf, NULL, &out), 0);
	fn = find(&out, "f_fifth");
	ck_assert_int_eq(fn->btf_id, btf__find_by_name_kind(btf, "f_fifth", BTF_KIND_FUNC));
	ck_assert_int_eq(fn->addr, 0);
}
END_TEST

START_TEST(scan_appends)
{
	size_t n;

	ck_assert_int_eq(skb_funcs__scan_btf(btf, NULL, &out), 0);
	n = out.n;
	ck_assert_int_eq(skb_tracepoints__scan_btf(btf, &out), 0);
	ck_assert_int_eq(out.n, n + 2);
	ck_assert_ptr_nonnull(find(&out, "f_first"));
}
END_TEST

START_TEST(scan_split_btf)
{
	struct btf *mod = btf__new_empty_split(btf);
	const struct skb_func *fn;

	ck_assert_ptr_nonnull(mod);
	FUNC(mod, "mod_fn", ty.i32, ty.skb_p);
	FUNC(mod, "mod_noskb", ty.i32);
	ck_assert_int_eq(skb_funcs__scan_btf(mod, "mymod", &out), 0);
	/* Only the module's own types: none of the base's functions. */
	ck_assert_int_eq(out.n, 1);
	fn = find(&out, "mod_fn");
	ck_assert_ptr_nonnull(fn);
	ck_assert_int_eq(fn->skb_pos, 2);
	ck_assert_str_eq(fn->module, "mymod");
	btf__free(mod);
}
END_TEST

START_TEST(tracepoints)
{
	ck_assert_int_eq(skb_tracepoints__scan_btf(btf, &out), 0);
	check_func(&out, "kfree_skb", 1, 4);
	check_func(&out, "tp_second", 2, 2);
	check_absent(&out, "tp_noskb");
	check_absent(&out, "tp_pp");
	check_absent(&out, "tp_bad");
	check_absent(&out, "not_a_trace");
	check_absent(&out, "f_first");
	ck_assert_int_eq(out.n, 2);
}
END_TEST

/* ---- host BTF (verified with bpftool btf dump on 6.18.44) ---- */

static struct btf *host_btf(void)
{
	struct btf *b = btf__parse(HOST_BTF, NULL);

	ck_assert_msg(b, "cannot read the host BTF %s: %s (these tests need it)", HOST_BTF,
		      strerror(errno));
	return b;
}

START_TEST(host_functions)
{
	struct btf *b = host_btf();

	ck_assert_int_eq(skb_funcs__scan_btf(b, NULL, &out), 0);
	ck_assert_uint_gt(out.n, 1000);
	check_func(&out, "ip_rcv", 1, 4);
	check_func(&out, "tcp_v4_rcv", 1, 1);
	check_func(&out, "nf_hook_slow", 1, 4);
	/* (struct net *, struct sock *, struct sk_buff *) */
	check_func(&out, "ip_finish_output2", 3, 3);
	check_func(&out, "ip_output", 3, 3);
	/* (struct sock *, struct sk_buff *, enum skb_drop_reason) */
	check_func(&out, "sk_skb_reason_drop", 2, 3);
	/* (sk, struct sk_buff_head *, int *, long *, const struct sk_buff *) */
	check_func(&out, "__skb_wait_for_more_packets", 5, 5);
	check_func(&out, "ctrl_fill_info", 5, 6);
	/* Takes struct sk_buff **pskb only. */
	check_absent(&out, "__netif_receive_skb_core");
	btf__free(b);
}
END_TEST

START_TEST(host_tracepoints)
{
	struct btf *b = host_btf();

	ck_assert_int_eq(skb_tracepoints__scan_btf(b, &out), 0);
	/* (void *, struct sk_buff *, void *location, enum skb_drop_reason, struct sock *) */
	check_func(&out, "kfree_skb", 1, 4);
	check_func(&out, "consume_skb", 1, 2);
	check_func(&out, "net_dev_queue", 1, 1);
	check_func(&out, "net_dev_xmit", 1, 4);
	check_func(&out, "netif_receive_skb", 1, 1);
	check_func(&out, "qdisc_dequeue", 4, 4);
	btf__free(b);
}
END_TEST

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

START_TEST(host_discover)
{
	struct discover_opts o = {};
	const struct skb_func *fn;
	struct ksyms *ks;
	double t;

	btf__free(host_btf());
	t = now_ms();
	ck_assert_int_eq(skb_funcs__discover(&o, &out), 0);
	t = now_ms() - t;
	printf("host discovery: %zu functions in %.1f ms\n", out.n, t);
	ck_assert_uint_gt(out.n, 1000);
	ck_assert_msg(t < 2000, "discovery took %.1f ms", t);
	fn = find(&out, "ip_rcv");
	ck_assert_ptr_nonnull(fn);
	ck_assert_int_eq(fn->skb_pos, 1);
	ks = ksyms__load(NULL);
	ck_assert_ptr_nonnull(ks);
	ck_assert_uint_eq(fn->addr, ksyms__addr(ks, "ip_rcv"));
	ksyms__free(ks);
}
END_TEST

/* ---- discovery from canned files ---- */

static char btf_path[] = "/tmp/pwru-test-btf-XXXXXX";

/* Write btf to a raw BTF file for discover_opts.kernel_btf. */
static void write_btf(void)
{
	const void *raw;
	__u32 size;
	int fd;

	raw = btf__raw_data(btf, &size);
	ck_assert_ptr_nonnull(raw);
	strcpy(btf_path, "/tmp/pwru-test-btf-XXXXXX");
	fd = mkstemp(btf_path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, raw, size), size);
	close(fd);
}

static void teardown_discover(void)
{
	unlink(btf_path);
	teardown();
}

/* BTF with functions named after the canned kallsyms / avail entries. */
static void setup_named(void)
{
	btf = btf__new_empty();
	ck_assert_ptr_nonnull(btf);
	memset(&out, 0, sizeof(out));
	add_types(btf);
	FUNC(btf, "ip_rcv", ty.skb_p, ty.i32);
	FUNC(btf, "ip_rcv_core", ty.skb_p);
	FUNC(btf, "ip_rcv_finish", ty.i32, ty.sock_p, ty.skb_p);
	FUNC(btf, "tcp_v4_rcv", ty.skb_p);
	FUNC(btf, "not_in_avail", ty.skb_p);
	FUNC(btf, "not_probeable", ty.skb_p);
	FUNC(btf, "do_one_initcall", ty.i32);
	FUNC(btf, "weak_fn", ty.sock_p, ty.skb_p);
	/* Only a data symbol in kallsyms. */
	FUNC(btf, "ip_rcv_data", ty.skb_p);
	/* kallsyms and avail have it only as a module function. */
	FUNC(btf, "nft_do_chain", ty.skb_p);
	write_btf();
}

static void discover_names(const char *re, const char *avail, const char *kallsyms,
			   const char *want)
{
	struct discover_opts o = {
		.kernel_btf = btf_path,
		.filter_func = re,
		.avail_path = avail,
		.kallsyms_path = kallsyms,
	};
	char got[512] = "";
	size_t i;

	skb_funcs__free(&out);
	ck_assert_int_eq(skb_funcs__discover(&o, &out), 0);
	for (i = 0; i < out.n; i++) {
		if (i)
			strcat(got, " ");
		strcat(got, out.v[i].name);
	}
	ck_assert_str_eq(got, want);
}

START_TEST(discover_avail)
{
	/*
	 * avail lists ip_rcv_finish only for another module, and neither
	 * not_in_avail nor ip_rcv_data; nft_do_chain only as [nf_tables].
	 */
	discover_names(NULL, DATA "available_filter_functions", DATA "kallsyms",
		       "ip_rcv ip_rcv_core tcp_v4_rcv weak_fn");
}
END_TEST

START_TEST(discover_kallsyms_fallback)
{
	/* Unreadable avail: text symbols of kallsyms, vmlinux ones only. */
	discover_names(NULL, DATA "does-not-exist", DATA "kallsyms",
		       "ip_rcv ip_rcv_core ip_rcv_finish not_in_avail tcp_v4_rcv weak_fn");
}
END_TEST

START_TEST(discover_addresses)
{
	struct discover_opts o = {
		.kernel_btf = btf_path,
		.avail_path = DATA "available_filter_functions",
		.kallsyms_path = DATA "kallsyms",
	};

	ck_assert_int_eq(skb_funcs__discover(&o, &out), 0);
	ck_assert_uint_eq(find(&out, "ip_rcv")->addr, 0xffffffff81002000ULL);
	ck_assert_uint_eq(find(&out, "weak_fn")->addr, 0xffffffff81002400ULL);
	check_func(&out, "weak_fn", 2, 2);
	ck_assert_ptr_null(find(&out, "ip_rcv")->module);
}
END_TEST

/*
 * trace.c hands discovery the BTF and kallsyms table it loaded once: the
 * same functions and addresses as reading both files, avail or not.
 */
static void discover_shared(const char *avail)
{
	struct discover_opts o = {
		.kernel_btf = btf_path,
		.avail_path = avail,
		.kallsyms_path = DATA "kallsyms",
	};
	struct skb_funcs files = {};
	struct ksyms *ks;
	struct btf *btf;

	ck_assert_int_eq(skb_funcs__discover(&o, &files), 0);
	ks = ksyms__load(DATA "kallsyms");
	btf = btf__parse(btf_path, NULL);
	ck_assert_ptr_nonnull(ks);
	ck_assert_ptr_nonnull(btf);
	o.ksyms = ks;
	o.btf = btf;
	o.kernel_btf = "does-not-exist"; /* the shared one wins */
	o.kallsyms_path = DATA "does-not-exist";
	ck_assert_int_eq(skb_funcs__discover(&o, &out), 0);
	ck_assert_uint_gt(out.n, 3);
	ck_assert_uint_eq(out.n, files.n);
	for (size_t i = 0; i < out.n; i++) {
		ck_assert_str_eq(out.v[i].name, files.v[i].name);
		ck_assert_uint_eq(out.v[i].addr, files.v[i].addr);
		ck_assert_uint_eq(out.v[i].btf_id, files.v[i].btf_id);
	}
	/* still the caller's: usable after discovery */
	ck_assert_int_gt(btf__type_cnt(btf), 1);
	btf__free(btf);
	ksyms__free(ks);
	skb_funcs__free(&files);
}

START_TEST(discover_shared_tables)
{
	discover_shared(DATA "available_filter_functions");
	skb_funcs__free(&out);
	discover_shared(DATA "does-not-exist");
}
END_TEST

START_TEST(discover_avail_without_kallsyms)
{
	struct discover_opts o = {
		.kernel_btf = btf_path,
		.avail_path = DATA "available_filter_functions",
		.kallsyms_path = DATA "does-not-exist",
	};

	ck_assert_int_eq(skb_funcs__discover(&o, &out), 0);
	ck_assert_uint_eq(out.n, 4);
	ck_assert_uint_eq(find(&out, "ip_rcv")->addr, 0);
}
END_TEST

START_TEST(discover_zero_kallsyms)
{
	struct discover_opts o = {
		.kernel_btf = btf_path,
		.avail_path = DATA "does-not-exist",
		.kallsyms_path = DATA "kallsyms.zero",
	};

	/* Hidden addresses still tell which functions exist. */
	ck_assert_int_eq(skb_funcs__discover(&o, &out), 0);
	ck_assert_uint_eq(out.n, 6);
	ck_assert_uint_eq(find(&out, "ip_rcv")->addr, 0);
}
END_TEST

START_TEST(discover_nothing_readable)
{
	struct discover_opts o = {
		.kernel_btf = btf_path,
		.avail_path = DATA "does-not-exist",
		.kallsyms_path = DATA "does-not-exist",
	};

	ck_assert_int_eq(skb_funcs__discover(&o, &out), -ENOENT);
	ck_assert_uint_eq(out.n, 0);
}
END_TEST

START_TEST(discover_bad_btf)
{
	struct discover_opts o = { .kernel_btf = DATA "kallsyms" };

	ck_assert_int_lt(skb_funcs__discover(&o, &out), 0);
}
END_TEST

START_TEST(regex_whole_name)
{
	const char *avail = DATA "available_filter_functions", *ks = DATA "kallsyms";

	discover_names("ip_rcv", avail, ks, "ip_rcv");
	discover_names("ip_rcv.*", avail, ks, "ip_rcv ip_rcv_core");
	discover_names("rcv", avail, ks, "");
	discover_names(".*rcv.*", avail, ks, "ip_rcv ip_rcv_core tcp_v4_rcv");
	/* Alternation stays inside the anchors: not "^ip_rcv" or "weak$". */
	discover_names("ip_rcv|weak", avail, ks, "ip_rcv");
	discover_names("ip_rcv|weak_fn", avail, ks, "ip_rcv weak_fn");
	discover_names("tcp_v[46]_rcv", avail, ks, "tcp_v4_rcv");
}
END_TEST

START_TEST(regex_invalid)
{
	struct discover_opts o = {
		.kernel_btf = btf_path,
		.filter_func = "ip_rcv(",
		.kallsyms_path = DATA "kallsyms",
	};
	char msg[128];

	ck_assert_int_eq(skb_funcs__discover(&o, &out), -EINVAL);
	ck_assert_uint_eq(out.n, 0);
	ck_assert_int_eq(skb_funcs__regex_error("ip_rcv(", msg, sizeof(msg)), -EINVAL);
	ck_assert_str_ne(msg, "");
	ck_assert_int_eq(skb_funcs__regex_error("[", msg, sizeof(msg)), -EINVAL);
	ck_assert_int_eq(skb_funcs__regex_error("ip_.*", msg, sizeof(msg)), 0);
	ck_assert_str_eq(msg, "");
	/* what would take glibc's regcomp() gigabytes is refused, as RE2 does */
	ck_assert_int_eq(skb_funcs__regex_error("-_\xbf++++++++++++++++++++++++++r", msg, sizeof(msg)),
			 -EINVAL);
	ck_assert_str_ne(msg, "");
	ck_assert_int_eq(skb_funcs__regex_error("a**", msg, sizeof(msg)), -EINVAL);
	ck_assert_int_eq(skb_funcs__regex_error("a{2}{3}", msg, sizeof(msg)), -EINVAL);
	ck_assert_int_eq(skb_funcs__regex_error("a{1001}", msg, sizeof(msg)), -EINVAL);
	ck_assert_int_eq(skb_funcs__regex_error("((a{100}){100}){100}", msg, sizeof(msg)), -EINVAL);
	/* and what only looks like it is not */
	ck_assert_int_eq(skb_funcs__regex_error("(ip_rcv.*)+", msg, sizeof(msg)), 0);
	ck_assert_int_eq(skb_funcs__regex_error("[+*]+\\++", msg, sizeof(msg)), 0);
	ck_assert_int_eq(skb_funcs__regex_error("[]+]*x{1000}", msg, sizeof(msg)), 0);
	ck_assert_int_eq(skb_funcs__regex_error("([[:alpha:]]{10}){10}", msg, sizeof(msg)), 0);
	/* Invalid regex is reported even before the BTF is read. */
	o.kernel_btf = DATA "does-not-exist";
	ck_assert_int_eq(skb_funcs__discover(&o, &out), -EINVAL);
}
END_TEST

static Suite *funcs_suite(void)
{
	Suite *s = suite_create("funcs");
	TCase *tc = tcase_create("scan");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, scan_positions);
	tcase_add_test(tc, scan_through_typedefs_and_qualifiers);
	tcase_add_test(tc, scan_exclusions);
	tcase_add_test(tc, scan_duplicates);
	tcase_add_test(tc, scan_btf_ids);
	tcase_add_test(tc, scan_appends);
	tcase_add_test(tc, scan_split_btf);
	tcase_add_test(tc, tracepoints);
	suite_add_tcase(s, tc);

	tc = tcase_create("host");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, host_functions);
	tcase_add_test(tc, host_tracepoints);
	tcase_add_test(tc, host_discover);
	suite_add_tcase(s, tc);

	tc = tcase_create("discover");
	tcase_add_checked_fixture(tc, setup_named, teardown_discover);
	tcase_add_test(tc, discover_avail);
	tcase_add_test(tc, discover_kallsyms_fallback);
	tcase_add_test(tc, discover_addresses);
	tcase_add_test(tc, discover_avail_without_kallsyms);
	tcase_add_test(tc, discover_zero_kallsyms);
	tcase_add_test(tc, discover_shared_tables);
	tcase_add_test(tc, discover_nothing_readable);
	tcase_add_test(tc, discover_bad_btf);
	tcase_add_test(tc, regex_whole_name);
	tcase_add_test(tc, regex_invalid);
	suite_add_tcase(s, tc);
	return s;
}

/* discover_bad_btf makes libbpf complain on purpose. */
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

int main(void)
{
	libbpf_set_print(quiet);
	return unit_run(funcs_suite());
}
