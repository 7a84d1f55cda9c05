// SPDX-License-Identifier: GPL-2.0
/*
 * Field expressions: the parser, the resolver against a small BTF made here
 * with libbpf's writer API (the shapes of sk_buff that matter: anonymous
 * unions, bitfields, pointers, typedefs, enums), and the value printer.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "skb_expr.h"
#include "sbuf.h"
#include "options.h"
#include "unit_main.h"

static struct btf *btf;
static char err[256];

/*
 * struct ns_common { unsigned int inum; };
 * struct net { int count; struct ns_common ns; };           ns at 8
 * typedef struct { struct net *net; } possible_net_t;
 * enum reg_state { NETREG_UNINITIALIZED, NETREG_REGISTERED };
 * enum sgn { SGN_NEG = -3 };
 * struct net_device { char name[16]; int ifindex; enum reg_state reg_state;
 *                     possible_net_t nd_net; enum sgn sgn; };   16, 20, 24, 32
 * struct sk_buff {
 *	union { struct { struct sk_buff *next, *prev;
 *			 union { struct net_device *dev; unsigned long dev_scratch; }; };
 *		struct rb_node_like { long x; } rbnode; };          dev at 16
 *	unsigned int len;                                        24
 *	__u8 pkt_type:3, cloned:1; int sbits:4;                  bits 224.., 227, 228
 *	const volatile __u32 mark;                               32
 *	struct { unsigned short proto; } headers;                36
 *	struct refcount_like { int refs; } users;                40
 *	unsigned long long tstamp;                               48
 * };
 */
static struct btf *make_btf(void)
{
	struct btf *b = btf__new_empty();
	int u32, s32, u8, u16, u64, chr, arr, ns, net, pnet, pnet_td, reg, sgn, ndev, skb, pskb;
	int pndev, pnet_ptr, inner_u, inner_s, outer_u, rb, hdr, users, u8td, u32td, cu32, vcu32;

	u32 = btf__add_int(b, "unsigned int", 4, 0);
	s32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	u8 = btf__add_int(b, "unsigned char", 1, 0);
	u16 = btf__add_int(b, "unsigned short", 2, 0);
	u64 = btf__add_int(b, "unsigned long long", 8, 0);
	chr = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
	u8td = btf__add_typedef(b, "__u8", u8);
	u32td = btf__add_typedef(b, "__u32", u32);
	vcu32 = btf__add_volatile(b, u32td);
	cu32 = btf__add_const(b, vcu32);
	arr = btf__add_array(b, u32, chr, 16);

	ns = btf__add_struct(b, "ns_common", 4);
	btf__add_field(b, "inum", u32, 0, 0);
	net = btf__add_struct(b, "net", 12);
	btf__add_field(b, "count", s32, 0, 0);
	btf__add_field(b, "ns", ns, 64, 0);
	pnet_ptr = btf__add_ptr(b, net);
	pnet = btf__add_struct(b, NULL, 8);
	btf__add_field(b, "net", pnet_ptr, 0, 0);
	pnet_td = btf__add_typedef(b, "possible_net_t", pnet);

	reg = btf__add_enum(b, "reg_state", 4);
	btf__add_enum_value(b, "NETREG_UNINITIALIZED", 0);
	btf__add_enum_value(b, "NETREG_REGISTERED", 1);
	sgn = btf__add_enum(b, "sgn", 4);
	btf__add_enum_value(b, "SGN_NEG", -3);

	ndev = btf__add_struct(b, "net_device", 40);
	btf__add_field(b, "name", arr, 0, 0);
	btf__add_field(b, "ifindex", s32, 128, 0);
	btf__add_field(b, "reg_state", reg, 160, 0);
	btf__add_field(b, "nd_net", pnet_td, 192, 0);
	btf__add_field(b, "sgn", sgn, 256, 0);
	pndev = btf__add_ptr(b, ndev);

	/* struct sk_buff * before struct sk_buff: aimed at it once it exists */
	pskb = btf__add_ptr(b, s32);
	inner_u = btf__add_union(b, NULL, 8);
	btf__add_field(b, "dev", pndev, 0, 0);
	btf__add_field(b, "dev_scratch", u64, 0, 0);
	inner_s = btf__add_struct(b, NULL, 24);
	btf__add_field(b, "next", pskb, 0, 0);
	btf__add_field(b, "prev", pskb, 64, 0);
	btf__add_field(b, NULL, inner_u, 128, 0);
	rb = btf__add_struct(b, "rb_node_like", 8);
	btf__add_field(b, "x", u64, 0, 0);
	outer_u = btf__add_union(b, NULL, 24);
	btf__add_field(b, NULL, inner_s, 0, 0);
	btf__add_field(b, "rbnode", rb, 0, 0);
	hdr = btf__add_struct(b, NULL, 2);
	btf__add_field(b, "proto", u16, 0, 0);
	users = btf__add_struct(b, "refcount_like", 4);
	btf__add_field(b, "refs", s32, 0, 0);

	/* the members of sk_buff last: btf__add_field appends to the newest struct */
	skb = btf__add_struct(b, "sk_buff", 56);
	btf__add_field(b, NULL, outer_u, 0, 0);
	btf__add_field(b, "len", u32, 192, 0);
	btf__add_field(b, "pkt_type", u8td, 224, 3);
	btf__add_field(b, "cloned", u8td, 227, 1);
	btf__add_field(b, "sbits", s32, 228, 4);
	btf__add_field(b, "mark", cu32, 256, 0);
	btf__add_field(b, "headers", hdr, 288, 0);
	btf__add_field(b, "users", users, 320, 0);
	btf__add_field(b, "tstamp", u64, 384, 0);
	((struct btf_type *)btf__type_by_id(b, pskb))->type = skb;
	return b;
}

static void setup(void)
{
	btf = make_btf();
	ck_assert_ptr_nonnull(btf);
	err[0] = '\0';
}

static void teardown(void)
{
	btf__free(btf);
	btf = NULL;
}

/* Parse and resolve s: 0 or -EINVAL with err set. */
static int resolve(const char *s, bool cmp, struct pwru_expr *e, bool *is_ptr)
{
	struct skb_expr_path p;
	bool ptr;

	if (skb_expr__parse(s, cmp, &p, err, sizeof(err)))
		return -EINVAL;
	return skb_expr__resolve(btf, &p, e, is_ptr ? is_ptr : &ptr, err, sizeof(err));
}

START_TEST(parse_paths)
{
	struct skb_expr_path p;

	ck_assert_int_eq(skb_expr__parse(" skb -> dev ->ifindex==2 ", true, &p, err, sizeof(err)),
			 0);
	ck_assert_str_eq(p.text, "skb->dev->ifindex");
	ck_assert_int_eq(p.nr, 2);
	ck_assert(p.part[0].arrow && p.part[1].arrow);
	ck_assert_int_eq(p.op, PWRU_EXPR_EQ);
	ck_assert_str_eq(p.value, "2");
	ck_assert_int_eq(skb_expr__parse("skb->headers.proto<=0x800", true, &p, err, sizeof(err)),
			 0);
	ck_assert_str_eq(p.text, "skb->headers.proto");
	ck_assert(!p.part[1].arrow);
	ck_assert_int_eq(p.op, PWRU_EXPR_LE);
	ck_assert_str_eq(p.value, "0x800");
	ck_assert_int_eq(skb_expr__parse("skb->len < 5", true, &p, err, sizeof(err)), 0);
	ck_assert_int_eq(p.op, PWRU_EXPR_LT);
	ck_assert_int_eq(skb_expr__parse("skb->len >= -5", true, &p, err, sizeof(err)), 0);
	ck_assert_int_eq(p.op, PWRU_EXPR_GE);
	ck_assert_str_eq(p.value, "-5");
	ck_assert_int_eq(skb_expr__parse("skb->mark", false, &p, err, sizeof(err)), 0);
	ck_assert_int_eq(p.op, PWRU_EXPR_NONE);
}
END_TEST

START_TEST(parse_errors)
{
	static const struct {
		const char *s;
		bool cmp;
		const char *msg;
	} bad[] = {
		{ "dev->ifindex == 2", true, "'dev->ifindex == 2' does not start with skb (the traced sk_buff)" },
		{ "skb == 0", true, "'skb' alone is not a field: write skb->FIELD" },
		{ "skb->", true, "expected a member name after 'skb->'" },
		{ "skb->len", true, "expected == != < <= > or >= after 'skb->len'" },
		{ "skb->len = 3", true, "expected == != < <= > or >= after 'skb->len'" },
		{ "skb->len ==", true, "expected a number or an enum value after the comparison" },
		{ "skb->len == 1 2", true, "unexpected '2' after '1'" },
		{ "skb->mark == 1", false, "unexpected '== 1' after 'skb->mark' (a field, no comparison)" },
		{ "skb->a.b.c.d.e.f.g.h.i", false, "'skb->a.b.c.d.e.f.g.h...' has more than 8 members" },
	};
	struct skb_expr_path p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(skb_expr__parse(bad[i].s, bad[i].cmp, &p, err, sizeof(err)),
				 -EINVAL);
		ck_assert_str_eq(err, bad[i].msg);
	}
}
END_TEST

START_TEST(resolve_fields)
{
	struct pwru_expr e;
	bool ptr;

	/* a pointer in anonymous unions, then a field of what it points to */
	ck_assert_int_eq(resolve("skb->dev->ifindex == 2", true, &e, &ptr), 0);
	ck_assert_uint_eq(e.nderef, 1);
	ck_assert_uint_eq(e.deref_off[0], 16);
	ck_assert_uint_eq(e.off, 16);
	ck_assert_uint_eq(e.size, 4);
	ck_assert(e.is_signed && !ptr);
	ck_assert_uint_eq(e.lshift, 32);
	ck_assert_uint_eq(e.rshift, 32);
	ck_assert_uint_eq(e.op, PWRU_EXPR_EQ);
	ck_assert_uint_eq(e.value, 2);
	/* two pointers, '.' through a typedef'd anonymous struct */
	ck_assert_int_eq(resolve("skb->dev->nd_net.net->ns.inum", false, &e, NULL), 0);
	ck_assert_uint_eq(e.nderef, 2);
	ck_assert_uint_eq(e.deref_off[0], 16);
	ck_assert_uint_eq(e.deref_off[1], 24);
	ck_assert_uint_eq(e.off, 8);
	ck_assert(!e.is_signed);
	/* const volatile typedef */
	ck_assert_int_eq(resolve("skb->mark != 0xffffffff", true, &e, NULL), 0);
	ck_assert_uint_eq(e.nderef, 0);
	ck_assert_uint_eq(e.off, 32);
	ck_assert_uint_eq(e.value, 0xffffffff);
	ck_assert_int_eq(resolve("skb->headers.proto", false, &e, NULL), 0);
	ck_assert_uint_eq(e.off, 36);
	ck_assert_uint_eq(e.size, 2);
	ck_assert_uint_eq(e.lshift, 48);
	ck_assert_int_eq(resolve("skb->tstamp > 1", true, &e, NULL), 0);
	ck_assert_uint_eq(e.off, 48);
	ck_assert_uint_eq(e.size, 8);
	ck_assert_uint_eq(e.lshift, 0);
	ck_assert_uint_eq(e.rshift, 0);
	/* a pointer as the value: unsigned, printed in hex */
	ck_assert_int_eq(resolve("skb->dev", false, &e, &ptr), 0);
	ck_assert(ptr && e.size == 8 && e.off == 16 && !e.nderef);
}
END_TEST

START_TEST(resolve_bitfields)
{
	struct pwru_expr e;

	/* bits 224..226: byte 28, bits 0..2 */
	ck_assert_int_eq(resolve("skb->pkt_type == 3", true, &e, NULL), 0);
	ck_assert_uint_eq(e.off, 28);
	ck_assert_uint_eq(e.size, 1);
	ck_assert_uint_eq(e.lshift, 61);
	ck_assert_uint_eq(e.rshift, 61);
	ck_assert(!e.is_signed);
	ck_assert_int_eq(resolve("skb->cloned", false, &e, NULL), 0);
	ck_assert_uint_eq(e.off, 28);
	ck_assert_uint_eq(e.lshift, 64 - 4);
	ck_assert_uint_eq(e.rshift, 63);
	/* signed, 4 bits at bit 4 of byte 28 */
	ck_assert_int_eq(resolve("skb->sbits >= -8", true, &e, NULL), 0);
	ck_assert(e.is_signed);
	ck_assert_uint_eq(e.size, 1);
	ck_assert_uint_eq(e.lshift, 56);
	ck_assert_uint_eq(e.rshift, 60);
	ck_assert_uint_eq(e.value, (__u64)-8LL);
	/* ranges follow the width, not the declared type */
	ck_assert_int_eq(resolve("skb->pkt_type == 8", true, &e, NULL), -EINVAL);
	ck_assert_str_eq(err, "8 does not fit 'skb->pkt_type' (unsigned, 3 bits)");
	ck_assert_int_eq(resolve("skb->sbits == 8", true, &e, NULL), -EINVAL);
	ck_assert_str_eq(err, "8 does not fit 'skb->sbits' (signed, 4 bits)");
}
END_TEST

START_TEST(resolve_enums)
{
	struct pwru_expr e;

	ck_assert_int_eq(resolve("skb->dev->reg_state == NETREG_REGISTERED", true, &e, NULL), 0);
	ck_assert_uint_eq(e.value, 1);
	ck_assert(!e.is_signed);
	/* any enum of the kernel may name a number */
	ck_assert_int_eq(resolve("skb->len > NETREG_REGISTERED", true, &e, NULL), 0);
	ck_assert_uint_eq(e.value, 1);
	/* a signed enum: the field and the value are signed */
	ck_assert_int_eq(resolve("skb->dev->sgn == SGN_NEG", true, &e, NULL), 0);
	ck_assert(e.is_signed);
	ck_assert_uint_eq(e.value, (__u64)-3LL);
	ck_assert_int_eq(resolve("skb->len == NOT_AN_ENUM", true, &e, NULL), -EINVAL);
	ck_assert_str_eq(err, "'NOT_AN_ENUM' is neither a number nor an enum value of this kernel");
}
END_TEST

START_TEST(resolve_errors)
{
	static const struct {
		const char *s;
		bool cmp;
		const char *msg;
	} bad[] = {
		{ "skb->foo == 1", true, "struct sk_buff has no member 'foo'" },
		{ "skb->dev->nothere", false, "struct net_device has no member 'nothere'" },
		{ "skb->headers.nope", false, "'skb->headers' (an anonymous struct) has no member 'nope'" },
		{ "skb.len", false, "'skb' is a pointer: write 'skb->len'" },
		{ "skb->dev.ifindex", false, "'skb->dev' is a pointer: write 'skb->dev->ifindex'" },
		{ "skb->headers->proto", false, "'skb->headers' is not a pointer: write 'skb->headers.proto'" },
		{ "skb->len.x", false, "'skb->len' is not a struct or union: it has no member 'x'" },
		{ "skb->pkt_type.x", false, "'skb->pkt_type' is not a struct or union: it has no member 'x'" },
		{ "skb->users", false, "'skb->users' is a struct, not a number" },
		{ "skb->dev->name == 1", true, "'skb->dev->name' is an array, not a number" },
		{ "skb->mark == -1", true, "-1 does not fit 'skb->mark' (unsigned, 32 bits)" },
		{ "skb->mark == 0x100000000", true, "0x100000000 does not fit 'skb->mark' (unsigned, 32 bits)" },
		{ "skb->dev->ifindex == 2147483648", true, "2147483648 does not fit 'skb->dev->ifindex' (signed, 32 bits)" },
		{ "skb->len == 1x", true, "'1x' is not a number" },
		{ "skb->next->next->next->next->next->len", false, "'skb->next->next->next->next->next->len': more than 4 pointers to follow" },
	};
	struct pwru_expr e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(resolve(bad[i].s, bad[i].cmp, &e, NULL), -EINVAL);
		ck_assert_str_eq(err, bad[i].msg);
	}
	/* four pointers are fine */
	ck_assert_int_eq(resolve("skb->next->next->next->next->len", false, &e, NULL), 0);
	ck_assert_uint_eq(e.nderef, 4);
}
END_TEST

START_TEST(setup_and_print)
{
	struct options o = {};
	struct pwru_expr_cfg cfg;
	struct skb_meta_out m;
	struct pwru_event ev = {};
	char *buf = NULL;
	size_t n = 0;
	FILE *f;
	struct sbuf sb;
	char mem[512];

	o.skb_expr = "skb->len > 1000";
	o.skb_meta[0] = "skb->mark";
	o.skb_meta[1] = "skb->dev";
	o.skb_meta[2] = "skb->sbits";
	o.skb_meta[3] = "skb->dev->ifindex";
	o.nr_skb_meta = 4;
	ck_assert_int_eq(skb_expr__setup(&o, NULL, &cfg, &m, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "--filter-skb-expr: needs the kernel's BTF to find the fields: pass --kernel-btf FILE");
	ck_assert_int_eq(skb_expr__setup(&o, btf, &cfg, &m, err, sizeof(err)), 0);
	ck_assert_uint_eq(cfg.filter.op, PWRU_EXPR_GT);
	ck_assert_uint_eq(cfg.nr_meta, 4);
	ck_assert_uint_eq(m.nr, 4);
	ck_assert_str_eq(m.v[1].name, "skb->dev");
	ev.meta[0] = 7;
	ev.meta[1] = 0xffff888012345000ULL;
	ev.meta[2] = (__u64)-2LL;
	ev.meta_ok = 0x7; /* skb->dev was NULL: no ifindex */
	f = open_memstream(&buf, &n);
	sb_init(&sb, mem, sizeof(mem), f);
	skb_meta__text(&m, &ev, &sb);
	sb_flush(&sb);
	fclose(f);
	ck_assert_str_eq(buf, " skb->mark=7 skb->dev=0xffff888012345000 skb->sbits=-2 skb->dev->ifindex=?");
	free(buf);
	o.skb_meta[2] = "skb->nope";
	ck_assert_int_eq(skb_expr__setup(&o, btf, &cfg, &m, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "--output-skb-metadata: struct sk_buff has no member 'nope'");
}
END_TEST

START_TEST(options_flags)
{
	struct options o;
	char *argv[] = { "pwru",
			 "--filter-skb-expr", "skb->len > 1",
			 "--output-skb-metadata", "skb->mark",
			 "--output-skb-metadata", "skb->len",
			 "--output-skb-metadata", "skb->dev",
			 "--output-skb-metadata", "skb->protocol",
			 "--output-skb-metadata", "skb->pkt_type",
			 NULL };

	ck_assert_int_eq(options__parse(&o, 11, argv, err, sizeof(err)), 0);
	ck_assert_str_eq(o.skb_expr, "skb->len > 1");
	ck_assert_uint_eq(o.nr_skb_meta, 4);
	options__free(&o);
	ck_assert_int_eq(options__parse(&o, 13, argv, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "--output-skb-metadata: at most 4 fields");
	options__free(&o);
	argv[3] = "--filter-skb-expr";
	ck_assert_int_eq(options__parse(&o, 5, argv, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "--filter-skb-expr: given twice (one comparison per run)");
	options__free(&o);
	argv[2] = "skb->len";
	ck_assert_int_eq(options__parse(&o, 3, argv, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "--filter-skb-expr: expected == != < <= > or >= after 'skb->len'");
	options__free(&o);
}
END_TEST

/* The running kernel's own BTF, where there is one: the fields pwru's docs use. */
START_TEST(kernel_btf)
{
	struct btf *k;
	struct skb_expr_path p;
	struct pwru_expr e;
	bool ptr;

	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		printf("SKIP: kernel_btf: no /sys/kernel/btf/vmlinux here\n");
		return;
	}
	k = btf__load_vmlinux_btf();
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(skb_expr__parse("skb->dev->ifindex == 1", true, &p, err, sizeof(err)), 0);
	ck_assert_int_eq(skb_expr__resolve(k, &p, &e, &ptr, err, sizeof(err)), 0);
	ck_assert(e.nderef == 1 && e.size == 4 && e.is_signed);
	ck_assert_int_eq(skb_expr__parse("skb->pkt_type", false, &p, err, sizeof(err)), 0);
	ck_assert_int_eq(skb_expr__resolve(k, &p, &e, &ptr, err, sizeof(err)), 0);
	ck_assert(e.size == 1 && e.rshift == 61); /* __u8 pkt_type:3 */
	ck_assert_int_eq(skb_expr__parse("skb->foo == 1", true, &p, err, sizeof(err)), 0);
	ck_assert_int_eq(skb_expr__resolve(k, &p, &e, &ptr, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "struct sk_buff has no member 'foo'");
	btf__free(k);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("skb_expr");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, parse_paths);
	tcase_add_test(tc, parse_errors);
	tcase_add_test(tc, resolve_fields);
	tcase_add_test(tc, resolve_bitfields);
	tcase_add_test(tc, resolve_enums);
	tcase_add_test(tc, resolve_errors);
	tcase_add_test(tc, setup_and_print);
	tcase_add_test(tc, options_flags);
	tcase_add_test(tc, kernel_btf);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
