// SPDX-License-Identifier: GPL-2.0
/*
 * Seed for fuzz_btf: a few skb functions and tracepoints of a real vmlinux
 * BTF, with the types their prototypes use (structs kept by name and size
 * only), some functions without an skb, and enum skb_drop_reason.
 *   mkseed_btf [/sys/kernel/btf/vmlinux] OUT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "funcs.h"

static struct btf *src, *dst;
static __u32 *map; /* source id -> id in dst, 0: not copied yet */

static __u32 copy(__u32 id);

static const char *name(const struct btf_type *t)
{
	return btf__name_by_offset(src, t->name_off);
}

static __u32 copy_proto(const struct btf_type *t)
{
	const struct btf_param *p = btf_params(t);
	__u32 ids[64], ret = copy(t->type);
	int n = btf_vlen(t), id;

	for (int i = 0; i < n && i < 64; i++)
		ids[i] = copy(p[i].type);
	id = btf__add_func_proto(dst, ret);
	for (int i = 0; i < n && i < 64; i++)
		btf__add_func_param(dst, btf__name_by_offset(src, p[i].name_off), ids[i]);
	return id;
}

static __u32 copy(__u32 id)
{
	const struct btf_type *t = btf__type_by_id(src, id);
	int r = 0;

	if (!id || map[id])
		return map[id];
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		r = btf__add_int(dst, name(t), t->size, btf_int_encoding(t));
		break;
	case BTF_KIND_PTR:
		r = btf__add_ptr(dst, copy(t->type));
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		r = btf_is_struct(t) ? btf__add_struct(dst, name(t), t->size)
				     : btf__add_union(dst, name(t), t->size);
		break;
	case BTF_KIND_FWD:
		r = btf__add_fwd(dst, name(t), btf_kflag(t) ? BTF_FWD_UNION : BTF_FWD_STRUCT);
		break;
	case BTF_KIND_ENUM:
		r = btf__add_enum(dst, name(t), t->size);
		if (!strcmp(name(t), "skb_drop_reason"))
			for (int i = 0; i < btf_vlen(t); i++)
				btf__add_enum_value(dst, btf__name_by_offset(src, btf_enum(t)[i].name_off),
						    btf_enum(t)[i].val);
		break;
	case BTF_KIND_TYPEDEF:
		r = btf__add_typedef(dst, name(t), copy(t->type));
		break;
	case BTF_KIND_CONST:
		r = btf__add_const(dst, copy(t->type));
		break;
	case BTF_KIND_VOLATILE:
		r = btf__add_volatile(dst, copy(t->type));
		break;
	case BTF_KIND_RESTRICT:
		r = btf__add_restrict(dst, copy(t->type));
		break;
	case BTF_KIND_TYPE_TAG:
		r = btf__add_type_tag(dst, name(t), copy(t->type));
		break;
	case BTF_KIND_ARRAY:
		r = btf__add_array(dst, copy(btf_array(t)->index_type), copy(btf_array(t)->type),
				   btf_array(t)->nelems);
		break;
	case BTF_KIND_FUNC_PROTO:
		r = copy_proto(t);
		break;
	case BTF_KIND_FUNC:
		r = copy(t->type);
		r = btf__add_func(dst, name(t), (enum btf_func_linkage)btf_vlen(t), r);
		break;
	default: /* floats, enum64: not in prototypes of interest */
		r = btf__add_int(dst, "long", 8, BTF_INT_SIGNED);
	}
	if (r <= 0) {
		fprintf(stderr, "copying id %u: %d\n", id, r);
		exit(1);
	}
	return map[id] = r;
}

int main(int argc, char **argv)
{
	struct skb_funcs f = {}, tp = {};
	const void *raw;
	__u32 size, n, other = 0;
	FILE *out;

	if (argc < 2)
		return 2;
	src = btf__parse(argc > 2 ? argv[1] : "/sys/kernel/btf/vmlinux", NULL);
	dst = btf__new_empty();
	if (!src || !dst)
		return 1;
	n = btf__type_cnt(src);
	map = calloc(n, sizeof(*map));
	if (skb_funcs__scan_btf(src, NULL, &f) || skb_tracepoints__scan_btf(src, &tp))
		return 1;
	for (size_t i = 0; i < f.n && i < 24; i++)
		copy(f.v[i * (f.n / 24)].btf_id);
	for (size_t i = 0; i < tp.n && i < 8; i++)
		copy(tp.v[i * (tp.n / 8)].btf_id);
	for (__u32 id = 1; id < n && other < 8; id++)
		if (btf_is_func(btf__type_by_id(src, id)) && !map[id] && id % 97 == 0)
			copy(id), other++;
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(src, id);

		if (btf_is_enum(t) && !strcmp(name(t), "skb_drop_reason"))
			copy(id);
	}
	raw = btf__raw_data(dst, &size);
	out = fopen(argv[argc - 1], "w");
	if (!raw || !out || fwrite(raw, 1, size, out) != size || fclose(out))
		return 1;
	fprintf(stderr, "%u bytes, %zu skb functions, %zu tracepoints in the source\n", size, f.n,
		tp.n);
	return 0;
}
