// SPDX-License-Identifier: GPL-2.0
/* --output-skb and friends: layout from BTF in, formatted structs out. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "json_writer.h"
#include "skb_dump.h"
#include "perr.h"

struct skb_dump {
	const struct btf *btf;
	struct btf_dump *dump;
	FILE *out; /* where the dump's printf goes: swapped per call */
	__s32 skb_id, shinfo_id; /* > 0 when asked for */
	__s32 nr_frags_off; /* byte offset of skb_shared_info.nr_frags, or -1 */
	bool cb;
};

static void dump_printf(void *ctx, const char *fmt, va_list args)
{
	struct skb_dump *d = ctx;

	vfprintf(d->out, fmt, args);
}

#define fail perr__msg

/* A member by name, looked for through anonymous structs and unions too. */
static int find_member(const struct btf *btf, __u32 id, const char *name, __u32 *bit_off,
		       __u32 *type_id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m;

	if (!t || !btf_is_composite(t))
		return -ENOENT;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		__u32 off = btf_member_bit_offset(t, i), inner;

		if (mn && *mn && !strcmp(mn, name)) {
			*bit_off = off;
			*type_id = m->type;
			return 0;
		}
		if ((!mn || !*mn) && !find_member(btf, btf__resolve_type(btf, m->type), name,
						  &inner, type_id)) {
			*bit_off = off + inner;
			return 0;
		}
	}
	return -ENOENT;
}

/* Byte offset of a member of struct sk_buff, for a read at that offset. */
static int member_off(const struct btf *btf, __u32 skb_id, const char *name, __u16 *off,
		      __u32 *type_id)
{
	__u32 bits;

	if (find_member(btf, skb_id, name, &bits, type_id) || bits % 8 || bits / 8 > 0xffff)
		return -ENOENT;
	*off = bits / 8;
	return 0;
}

static int find_struct(const struct btf *btf, const char *name, const char *opt,
		       const struct skb_dump_opts *o, __u32 max, char *err, size_t len)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);
	const struct btf_type *t;

	if (id <= 0)
		return fail(err, len, -EINVAL, "%s: no struct %s in the kernel BTF (%s)", opt, name,
			    o->btf_name);
	t = btf__type_by_id(btf, id);
	if (t->size > max)
		return fail(err, len, -E2BIG,
			    "%s: struct %s is %u bytes in the kernel BTF (%s), more than the %u pwru copies",
			    opt, name, t->size, o->btf_name, max);
	return id;
}

/* skb->head + skb->end, where skb_shared_info starts. */
static int shinfo_layout(const struct btf *btf, __u32 skb_id, const struct skb_dump_opts *o,
			 struct pwru_cfg *cfg, char *err, size_t len)
{
	const struct btf_type *t;
	__u32 type;

	if (member_off(btf, skb_id, "head", &cfg->dump_head_off, &type) ||
	    member_off(btf, skb_id, "end", &cfg->dump_end_off, &type))
		return fail(err, len, -EINVAL,
			    "--output-skb-shared-info: struct sk_buff has no head or end in the kernel BTF (%s)",
			    o->btf_name);
	/* sk_buff_data_t: an offset where NET_SKBUFF_DATA_USES_OFFSET (64-bit), else a pointer */
	t = btf__type_by_id(btf, btf__resolve_type(btf, type));
	if (t && btf_is_ptr(t))
		cfg->dump_end_ptr = 1;
	else if (!t || !btf_is_int(t) || t->size != 4)
		return fail(err, len, -EINVAL,
			    "--output-skb-shared-info: sk_buff.end is neither a pointer nor a 32-bit offset in the kernel BTF (%s)",
			    o->btf_name);
	return 0;
}

static int cb_layout(const struct btf *btf, __u32 skb_id, const struct skb_dump_opts *o,
		     struct pwru_cfg *cfg, char *err, size_t len)
{
	__u32 type;
	__s64 size;

	if (member_off(btf, skb_id, "cb", &cfg->dump_cb_off, &type) ||
	    (size = btf__resolve_size(btf, type)) != PWRU_DUMP_CB_LEN)
		return fail(err, len, -EINVAL,
			    "--output-skb-cb: struct sk_buff has no %d-byte cb in the kernel BTF (%s)",
			    PWRU_DUMP_CB_LEN, o->btf_name);
	cfg->dump_cb = 1;
	return 0;
}

static int layout(struct skb_dump *d, const struct skb_dump_opts *o, struct pwru_cfg *cfg,
		  char *err, size_t len)
{
	const char *opt = o->skb ? "--output-skb" : o->shinfo ? "--output-skb-shared-info" :
								"--output-skb-cb";
	int skb_id = find_struct(d->btf, "sk_buff", opt, o, PWRU_DUMP_SKB_MAX, err, len);
	__u32 bits, type;
	int err_code;

	if (skb_id < 0)
		return skb_id;
	if (o->skb) {
		d->skb_id = skb_id;
		cfg->dump_skb_size = btf__type_by_id(d->btf, skb_id)->size;
	}
	if (o->shinfo) {
		d->shinfo_id = find_struct(d->btf, "skb_shared_info", "--output-skb-shared-info", o,
					   PWRU_DUMP_SHINFO_MAX, err, len);
		if (d->shinfo_id < 0)
			return d->shinfo_id;
		err_code = shinfo_layout(d->btf, skb_id, o, cfg, err, len);
		if (err_code)
			return err_code;
		cfg->dump_shinfo_size = btf__type_by_id(d->btf, d->shinfo_id)->size;
		d->nr_frags_off = -1;
		if (!find_member(d->btf, d->shinfo_id, "nr_frags", &bits, &type) && !(bits % 8))
			d->nr_frags_off = bits / 8;
	}
	d->cb = o->cb;
	return o->cb ? cb_layout(d->btf, skb_id, o, cfg, err, len) : 0;
}

int skb_dump__new(const struct btf *btf, const struct skb_dump_opts *o, struct pwru_cfg *cfg,
		  struct skb_dump **out, char *err, size_t err_len)
{
	struct skb_dump *d = calloc(1, sizeof(*d));
	int ret;

	*out = NULL;
	if (!d)
		return fail(err, err_len, -ENOMEM, "out of memory");
	d->btf = btf;
	ret = layout(d, o, cfg, err, err_len);
	if (ret)
		goto err_out;
	d->dump = btf_dump__new(btf, dump_printf, d, NULL);
	if (!d->dump) {
		ret = -errno;
		fail(err, err_len, ret, "--output-skb: cannot set up the BTF dumper: %s",
		     strerror(errno));
		goto err_out;
	}
	*out = d;
	return 0;
err_out:
	free(d);
	return ret;
}

void skb_dump__free(struct skb_dump *d)
{
	if (!d)
		return;
	btf_dump__free(d->dump);
	free(d);
}

static bool zero(const __u8 *data, __s64 len)
{
	for (__s64 k = 0; k < len; k++)
		if (data[k])
			return false;
	return true;
}

#define WALK_DEPTH_MAX 32 /* sk_buff nests 6 deep */

/* libbpf does not check member offsets against the struct's size: we read them */
static bool member_fits(const struct btf *btf, const struct btf_type *t, int i)
{
	__u64 off = btf_member_bit_offset(t, i), sz = btf_member_bitfield_size(t, i);
	__s64 size = sz ? 0 : btf__resolve_size(btf, btf_members(t)[i].type);

	if (size < 0)
		return false;
	return sz ? (off + sz + 7) / 8 <= t->size : off % 8 == 0 && off / 8 + size <= t->size;
}

/* Where the member's bits lie (x86-64: little-endian bit numbering), all clear. */
static bool member_zero(const struct btf *btf, const struct btf_type *t, int i, const __u8 *data)
{
	__u32 off = btf_member_bit_offset(t, i), sz = btf_member_bitfield_size(t, i);
	__s64 size;

	if (!sz) {
		size = btf__resolve_size(btf, btf_members(t)[i].type);
		return zero(data + off / 8, size);
	}
	for (__u32 b = off; b < off + sz; b++)
		if (data[b / 8] >> (b % 8) & 1)
			return false;
	return true;
}

static __u64 bitfield(const __u8 *data, __u32 off, __u32 sz)
{
	__u64 v = 0;

	for (__u32 b = 0; b < sz && b < 64; b++)
		v |= (__u64)(data[(off + b) / 8] >> ((off + b) % 8) & 1) << b;
	return v;
}

/* "(struct list_head)", "(skb_frag_t)"; an anonymous one is "(union)", as libbpf says */
static void type_name(struct skb_dump *d, __u32 id, FILE *out)
{
	LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts, .field_name = "");
	const struct btf_type *t = btf__type_by_id(d->btf, id);

	if (btf_is_composite(t) && !t->name_off) {
		fputs(btf_is_union(t) ? "(union)" : "(struct)", out);
		return;
	}
	d->out = out;
	fputc('(', out);
	btf_dump__emit_type_decl(d->dump, id, &opts);
	fputc(')', out);
}

/* libbpf at depth 0 indents the first line too: ours already is */
static void leaf(struct skb_dump *d, __u32 id, const __u8 *data, __s64 size, int lvl, FILE *out)
{
	LIBBPF_OPTS(btf_dump_type_data_opts, opts, .indent_str = " ", .indent_level = lvl);
	char *buf = NULL;
	size_t len = 0;
	int ret;

	d->out = open_memstream(&buf, &len);
	if (!d->out)
		return;
	ret = btf_dump__dump_type_data(d->dump, id, data, size, &opts);
	if (!fclose(d->out) && buf)
		fputs(buf + strspn(buf, " "), out);
	if (ret < 0)
		fprintf(out, "<%s>", strerror(-ret));
	free(buf);
}

static void walk(struct skb_dump *d, __u32 id, const __u8 *data, int lvl, FILE *out);

/*
 * An array of structs (skb_shared_info.frags): the first n elements up to
 * the last non-zero one, so that indices stay right and 17 empty frags take
 * no room.
 */
static void walk_array(struct skb_dump *d, __u32 id, const struct btf_array *a,
		       const __u8 *data, __u32 n, int lvl, FILE *out)
{
	__s64 esz = btf__resolve_size(d->btf, a->type);

	if (n > a->nelems)
		n = a->nelems;
	while (n && zero(data + (n - 1) * esz, esz))
		n--;
	type_name(d, id, out);
	fputs("[\n", out);
	for (__u32 k = 0; k < n; k++) {
		fprintf(out, "%*s", lvl + 1, "");
		walk(d, a->type, data + k * esz, lvl + 1, out);
		fputs(",\n", out);
	}
	fprintf(out, "%*s]", lvl, "");
}

/*
 * skb_shared_info.frags past nr_frags were never written: __alloc_skb()
 * clears the struct only up to dataref, so they hold an older packet's.
 */
static __u32 frags_in_use(struct skb_dump *d, const struct btf_type *t, const __u8 *data,
			  const char *name)
{
	if (d->shinfo_id > 0 && d->nr_frags_off >= 0 && t == btf__type_by_id(d->btf, d->shinfo_id) &&
	    name && !strcmp(name, "frags"))
		return data[d->nr_frags_off];
	return ~0U;
}

static void walk_member(struct skb_dump *d, const struct btf_type *t, int i, const __u8 *data,
			int lvl, FILE *out)
{
	const struct btf_member *m = btf_members(t) + i;
	const char *name = btf__name_by_offset(d->btf, m->name_off);
	const struct btf_type *mt = btf__type_by_id(d->btf, btf__resolve_type(d->btf, m->type));
	__u32 off = btf_member_bit_offset(t, i), sz = btf_member_bitfield_size(t, i);
	__s64 size = btf__resolve_size(d->btf, m->type);

	fprintf(out, "%*s", lvl, "");
	if (name && *name)
		fprintf(out, ".%s = ", name);
	if (sz) {
		type_name(d, m->type, out);
		fprintf(out, "%llu", (unsigned long long)bitfield(data, off, sz));
	} else if (mt && btf_is_composite(mt)) {
		walk(d, m->type, data + off / 8, lvl, out);
	} else if (mt && btf_is_array(mt) && btf_is_composite(btf__type_by_id(
			     d->btf, btf__resolve_type(d->btf, btf_array(mt)->type)))) {
		walk_array(d, m->type, btf_array(mt), data + off / 8,
			   frags_in_use(d, t, data, name), lvl, out);
	} else {
		leaf(d, m->type, data + off / 8, size, lvl, out);
	}
	fputs(",\n", out);
}

/*
 * The struct in libbpf's typed form, close to the kernel's bpf_snprintf_btf()
 * that pwru uses: "(struct sk_buff){\n .len = (unsigned int)84,\n ...}",
 * zero members left out. libbpf's own walk leaves out a whole struct or union
 * whose first member is zero (its zero check compares with ENODATA, not
 * -ENODATA, through at least 1.5), which hides the headers group with
 * .protocol; so composites are walked here and libbpf formats the rest.
 */
static void walk(struct skb_dump *d, __u32 id, const __u8 *data, int lvl, FILE *out)
{
	const struct btf_type *t = btf__type_by_id(d->btf, btf__resolve_type(d->btf, id));

	type_name(d, id, out);
	/* a struct within itself can only come from a broken --kernel-btf */
	if (lvl > WALK_DEPTH_MAX) {
		fputs("{...}", out);
		return;
	}
	fputs("{\n", out);
	for (int i = 0; i < btf_vlen(t); i++)
		if (member_fits(d->btf, t, i) && !member_zero(d->btf, t, i, data))
			walk_member(d, t, i, data, lvl + 1, out);
	fprintf(out, "%*s}", lvl, "");
}

static void dump_struct(struct skb_dump *d, __s32 id, const void *data, size_t len, FILE *out)
{
	/* the BPF side copies the whole type or nothing (skb_dump.bpf.h) */
	if (len < btf__type_by_id(d->btf, id)->size) {
		fprintf(out, "(struct %s): %zu bytes, too short",
			btf__name_by_offset(d->btf, btf__type_by_id(d->btf, id)->name_off), len);
		return;
	}
	walk(d, id, data, 0, out);
}

static void cb_words(const struct pwru_dump *x, __u32 *w)
{
	memcpy(w, x->cb, PWRU_DUMP_CB_LEN);
}

void skb_dump__text(struct skb_dump *d, const struct pwru_event *ev, FILE *out)
{
	const struct pwru_dump *x = &((const struct pwru_event_dump *)ev)->dump;
	__u32 w[PWRU_DUMP_CB_LEN / 4];

	if (!(ev->flags & PWRU_F_HAS_DUMP))
		return;
	if (d->skb_id > 0) {
		fputc('\n', out);
		if (x->skb_len)
			dump_struct(d, d->skb_id, x->skb, x->skb_len, out);
		else
			fputs("(struct sk_buff): unreadable", out);
	}
	if (d->shinfo_id > 0) {
		fputc('\n', out);
		if (x->shinfo_len)
			dump_struct(d, d->shinfo_id, x->shinfo, x->shinfo_len, out);
		else
			fputs("(struct skb_shared_info): unreadable", out);
	}
	if (d->cb && x->cb_len) {
		/* pwru's words: 0x%08X, comma-separated, in brackets */
		cb_words(x, w);
		fputs("\nskb->cb: [", out);
		for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
			fprintf(out, "%s0x%08X", i ? "," : "", w[i]);
		fputc(']', out);
	}
}

/* The struct as text in a string member; absent when the copy failed. */
static void json_struct(struct skb_dump *d, __s32 id, const void *data, size_t len,
			const char *name, struct json_writer *w)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	if (!len)
		return;
	f = open_memstream(&buf, &size);
	if (!f)
		return;
	dump_struct(d, id, data, len, f);
	if (!fclose(f))
		jsonw_string_field(w, name, buf);
	free(buf);
}

void skb_dump__json(struct skb_dump *d, const struct pwru_event *ev, struct json_writer *w)
{
	const struct pwru_dump *x = &((const struct pwru_event_dump *)ev)->dump;
	__u32 words[PWRU_DUMP_CB_LEN / 4];

	if (!(ev->flags & PWRU_F_HAS_DUMP))
		return;
	if (d->skb_id > 0)
		json_struct(d, d->skb_id, x->skb, x->skb_len, "skb_dump", w);
	if (d->shinfo_id > 0)
		json_struct(d, d->shinfo_id, x->shinfo, x->shinfo_len, "skb_shared_info", w);
	if (d->cb && x->cb_len) {
		cb_words(x, words);
		jsonw_name(w, "cb");
		jsonw_start_array(w);
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			jsonw_uint(w, words[i]);
		jsonw_end_array(w);
	}
}
