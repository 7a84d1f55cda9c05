// SPDX-License-Identifier: GPL-2.0
/* --output-skb and friends: layout checks and golden dumps of canned bytes, small BTF. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "event.h"
#include "json_writer.h"
#include "options.h"
#include "output.h"
#include "skb_dump.h"
#include "unit_main.h"

static struct btf *btf;
static __u32 uint_id, ushort_id, char_id, uchar_ptr_id;

static void base_types(void)
{
	btf = btf__new_empty();
	ck_assert_ptr_nonnull(btf);
	uint_id = btf__add_int(btf, "unsigned int", 4, 0);
	ushort_id = btf__add_int(btf, "short unsigned int", 2, 0);
	char_id = btf__add_int(btf, "char", 1, BTF_INT_SIGNED);
	uchar_ptr_id = btf__add_ptr(btf, btf__add_int(btf, "unsigned char", 1, 0));
}

/*
 * A sk_buff in miniature: an anonymous struct whose first member is 0 (libbpf
 * would hide it, and .protocol with it), bitfields, cb, head and end.
 */
static void add_skb(__u32 size, __u32 end_type, bool with_cb)
{
	__u32 anon = btf__add_struct(btf, NULL, 8), cb;

	btf__add_field(btf, "first", uint_id, 0, 0);
	btf__add_field(btf, "protocol", ushort_id, 32, 0);
	btf__add_field(btf, "pad", ushort_id, 48, 0);
	cb = btf__add_array(btf, uint_id, char_id, 48);
	btf__add_struct(btf, "sk_buff", size);
	btf__add_field(btf, NULL, anon, 0, 0);
	btf__add_field(btf, "len", uint_id, 64, 0);
	btf__add_field(btf, "pkt_type", uint_id, 96, 3);
	btf__add_field(btf, "ignore_df", uint_id, 99, 1);
	if (with_cb)
		btf__add_field(btf, "cb", cb, 128, 0);
	btf__add_field(btf, "head", uchar_ptr_id, 512, 0);
	btf__add_field(btf, "end", end_type, 576, 0);
	btf__add_field(btf, "zero", uint_id, 608, 0);
}

static void add_shinfo(void)
{
	__u32 u8_id = btf__add_int(btf, "unsigned char", 1, 0);
	__u32 frag = btf__add_struct(btf, "frag", 4), frags;

	/* fields go to the type added last */
	btf__add_field(btf, "len", uint_id, 0, 0);
	frags = btf__add_array(btf, uint_id, frag, 3);
	btf__add_struct(btf, "skb_shared_info", 20);
	btf__add_field(btf, "nr_frags", u8_id, 0, 0);
	btf__add_field(btf, "dataref", uint_id, 32, 0);
	btf__add_field(btf, "frags", frags, 64, 0);
}

static void teardown(void)
{
	btf__free(btf);
	btf = NULL;
}

static const struct skb_dump_opts all = { .skb = true, .shinfo = true, .cb = true,
					   .btf_name = "test.btf" };

static struct pwru_event_dump canned(void)
{
	struct pwru_event_dump r = {};
	__u16 proto = 8; /* ETH_P_IP as the kernel holds it: big-endian 0x0800 */
	__u32 len = 84, end = 64, dataref = 1;
	__u64 head = 0xffff888100000000ULL;

	r.ev.flags = PWRU_F_HAS_DUMP;
	r.ev.skb = 0xffff888100000100ULL;
	memcpy(r.dump.skb + 4, &proto, 2);
	memcpy(r.dump.skb + 8, &len, 4);
	r.dump.skb[12] = 3 | 1 << 3; /* pkt_type 3, ignore_df 1 */
	r.dump.skb[16] = 1; /* cb[0] */
	memcpy(r.dump.skb + 64, &head, 8);
	memcpy(r.dump.skb + 72, &end, 4);
	r.dump.skb_len = 80;
	r.dump.shinfo[0] = 1; /* nr_frags: frags[2] is an older packet's */
	memcpy(r.dump.shinfo + 4, &dataref, 4);
	r.dump.shinfo[8] = 100;
	r.dump.shinfo[16] = 7;
	r.dump.shinfo_len = 20;
	r.dump.cb[0] = 1;
	r.dump.cb[47] = 0xab;
	r.dump.cb_len = PWRU_DUMP_CB_LEN;
	return r;
}

static char *text_of(struct skb_dump *d, const struct pwru_event_dump *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	skb_dump__text(d, &r->ev, f);
	fclose(f);
	return buf;
}

START_TEST(layout_into_cfg)
{
	struct pwru_cfg cfg = {};
	struct skb_dump *d;
	char err[256] = "";

	base_types();
	add_skb(80, uint_id, true);
	add_shinfo();
	ck_assert_int_eq(skb_dump__new(btf, &all, &cfg, &d, err, sizeof(err)), 0);
	ck_assert_uint_eq(cfg.dump_skb_size, 80);
	ck_assert_uint_eq(cfg.dump_shinfo_size, 20);
	ck_assert_uint_eq(cfg.dump_cb, 1);
	ck_assert_uint_eq(cfg.dump_cb_off, 16);
	ck_assert_uint_eq(cfg.dump_head_off, 64);
	ck_assert_uint_eq(cfg.dump_end_off, 72);
	ck_assert_uint_eq(cfg.dump_end_ptr, 0);
	skb_dump__free(d);
}
END_TEST

/* 32-bit kernels (NET_SKBUFF_DATA_USES_OFFSET unset): end is a pointer */
START_TEST(end_pointer)
{
	struct skb_dump_opts o = { .shinfo = true, .btf_name = "test.btf" };
	struct pwru_cfg cfg = {};
	struct skb_dump *d;
	char err[256] = "";

	base_types();
	add_skb(80, uchar_ptr_id, true);
	add_shinfo();
	ck_assert_int_eq(skb_dump__new(btf, &o, &cfg, &d, err, sizeof(err)), 0);
	ck_assert_uint_eq(cfg.dump_end_ptr, 1);
	ck_assert_uint_eq(cfg.dump_skb_size, 0);
	ck_assert_uint_eq(cfg.dump_cb, 0);
	skb_dump__free(d);
}
END_TEST

START_TEST(golden_text)
{
	struct pwru_event_dump r = canned();
	struct pwru_cfg cfg = {};
	struct skb_dump *d;
	char err[256] = "", *s;

	base_types();
	add_skb(80, uint_id, true);
	add_shinfo();
	ck_assert_int_eq(skb_dump__new(btf, &all, &cfg, &d, err, sizeof(err)), 0);
	s = text_of(d, &r);
	ck_assert_str_eq(s, "\n(struct sk_buff){\n"
			    " (struct){\n"
			    "  .protocol = (short unsigned int)8,\n"
			    " },\n"
			    " .len = (unsigned int)84,\n"
			    " .pkt_type = (unsigned int)3,\n"
			    " .ignore_df = (unsigned int)1,\n"
			    " .cb = (char[48])[\n"
			    "  1,\n"
			    " ],\n"
			    " .head = (unsigned char *)0xffff888100000000,\n"
			    " .end = (unsigned int)64,\n"
			    "}\n"
			    "(struct skb_shared_info){\n"
			    " .nr_frags = (unsigned char)1,\n"
			    " .dataref = (unsigned int)1,\n"
			    " .frags = (struct frag[3])[\n"
			    "  (struct frag){\n"
			    "   .len = (unsigned int)100,\n"
			    "  },\n"
			    " ],\n"
			    "}\n"
			    "skb->cb: [0x00000001,0x00000000,0x00000000,0x00000000,0x00000000,"
			    "0x00000000,0x00000000,0x00000000,0x00000000,0x00000000,0x00000000,"
			    "0xAB000000]");
	free(s);
	/* a copy the BPF side could not make: said, not guessed */
	r.dump.skb_len = 0;
	r.dump.shinfo_len = 0;
	r.dump.cb_len = 0;
	s = text_of(d, &r);
	ck_assert_str_eq(s, "\n(struct sk_buff): unreadable\n(struct skb_shared_info): unreadable");
	free(s);
	/* no trailer: nothing */
	r.ev.flags = 0;
	s = text_of(d, &r);
	ck_assert_str_eq(s, "");
	free(s);
	skb_dump__free(d);
}
END_TEST

/* Through the formatter: the dump follows the event line, in JSON a string. */
START_TEST(in_output)
{
	struct skb_dump_opts so = { .skb = true, .cb = true, .btf_name = "test.btf" };
	struct pwru_event_dump r = canned();
	struct options o = {};
	struct pwru_cfg cfg = {};
	struct out_ctx c;
	char err[256] = "", *buf = NULL, *nl;
	size_t len = 0;
	FILE *f;

	base_types();
	add_skb(80, uint_id, true);
	ck_assert_int_eq(out_ctx__init(&c, &o), 0);
	ck_assert_int_eq(skb_dump__new(btf, &so, &cfg, &c.skb_dump, err, sizeof(err)), 0);
	f = open_memstream(&buf, &len);
	output__event(&c, &r.ev, f);
	fclose(f);
	nl = strchr(buf, '\n');
	ck_assert_ptr_nonnull(nl);
	ck_assert_msg(!strncmp(buf, "0xffff888100000100 ", 19), "event line: %s", buf);
	ck_assert_msg(!strncmp(nl, "\n(struct sk_buff){\n (struct){\n  .protocol = (short unsigned int)8,",
			       60), "dump: %s", nl);
	ck_assert_msg(strstr(buf, "}\nskb->cb: [0x00000001,") && buf[len - 1] == '\n' &&
			      buf[len - 2] == ']', "%s", buf);
	free(buf);
	buf = NULL;
	o.output_json = true;
	skb_dump__free(c.skb_dump);
	out_ctx__free(&c);
	ck_assert_int_eq(out_ctx__init(&c, &o), 0);
	ck_assert_int_eq(skb_dump__new(btf, &so, &cfg, &c.skb_dump, err, sizeof(err)), 0);
	f = open_memstream(&buf, &len);
	output__event(&c, &r.ev, f);
	fclose(f);
	ck_assert_msg(strstr(buf, "\"skb_dump\":\"(struct sk_buff){\\u000a (struct){\\u000a  "
				  ".protocol = (short unsigned int)8,"), "%s", buf);
	ck_assert_msg(strstr(buf, "\"cb\":[1,0,0,0,0,0,0,0,0,0,0,2868903936]}"), "%s", buf);
	ck_assert_msg(!strstr(buf, "skb_shared_info"), "%s", buf);
	ck_assert_int_eq(strchr(buf, '\n') - buf, (long)len - 1); /* one line */
	free(buf);
	skb_dump__free(c.skb_dump);
	out_ctx__free(&c);
}
END_TEST

START_TEST(bad_btf)
{
	struct skb_dump_opts shinfo = { .shinfo = true, .btf_name = "test.btf" };
	struct skb_dump_opts cb = { .cb = true, .btf_name = "test.btf" };
	struct pwru_cfg cfg = {};
	struct skb_dump *d = (void *)1;
	char err[256] = "";

	base_types();
	ck_assert_int_eq(skb_dump__new(btf, &all, &cfg, &d, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "--output-skb: no struct sk_buff in the kernel BTF (test.btf)");
	ck_assert_ptr_null(d);
	ck_assert_int_eq(skb_dump__new(btf, &cb, &cfg, &d, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "--output-skb-cb: no struct sk_buff in the kernel BTF (test.btf)");
	/* sk_buff without cb, and no skb_shared_info */
	add_skb(80, uint_id, false);
	ck_assert_int_eq(skb_dump__new(btf, &cb, &cfg, &d, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "--output-skb-cb: struct sk_buff has no 48-byte cb in the kernel BTF "
			      "(test.btf)");
	ck_assert_int_eq(skb_dump__new(btf, &shinfo, &cfg, &d, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "--output-skb-shared-info: no struct skb_shared_info in the kernel "
			      "BTF (test.btf)");
	teardown();
	/* larger than the trailer carries */
	base_types();
	add_skb(PWRU_DUMP_SKB_MAX + 8, uint_id, true);
	ck_assert_int_eq(skb_dump__new(btf, &all, &cfg, &d, err, sizeof(err)), -E2BIG);
	ck_assert_str_eq(err, "--output-skb: struct sk_buff is 520 bytes in the kernel BTF "
			      "(test.btf), more than the 512 pwru copies");
	teardown();
	/* end neither a 32-bit offset nor a pointer */
	base_types();
	add_skb(80, ushort_id, true);
	add_shinfo();
	ck_assert_int_eq(skb_dump__new(btf, &shinfo, &cfg, &d, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "sk_buff.end is neither a pointer nor a 32-bit offset"), "%s", err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("skb_dump");
	TCase *tc = tcase_create("skb_dump");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, layout_into_cfg);
	tcase_add_test(tc, end_pointer);
	tcase_add_test(tc, golden_text);
	tcase_add_test(tc, in_output);
	tcase_add_test(tc, bad_btf);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
