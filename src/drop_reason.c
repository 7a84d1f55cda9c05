// SPDX-License-Identifier: GPL-2.0
/*
 * Names of enum skb_drop_reason values, read from the running kernel's BTF.
 * Core reasons are small and dense (0..SKB_DROP_REASON_MAX), so they get a
 * direct table; anything else (SKB_DROP_REASON_SUBSYS_MASK, subsystem
 * reasons in the upper 16 bits) goes to a sorted array.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "drop_reason.h"

#define DENSE_LIMIT 0x10000 /* values below go to the direct table */

struct reason {
	__u64 value;
	char *name;
};

struct drop_reasons {
	char **dense; /* dense[value], NULL for holes */
	size_t nr_dense;
	struct reason *sparse; /* sorted by value */
	size_t nr_sparse;
};

static const struct btf_type *find_enum(const struct btf *btf, const char *name)
{
	__u32 id, n = btf__type_cnt(btf);

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_any_enum(t) && btf_vlen(t) &&
		    strcmp(btf__name_by_offset(btf, t->name_off), name) == 0)
			return t;
	}
	return NULL;
}

static __u64 enum_value(const struct btf_type *t, int i)
{
	/* Drop reasons are unsigned; take ENUM values as __u32. */
	if (btf_is_enum64(t))
		return btf_enum64_value(btf_enum64(t) + i);
	return (__u32)btf_enum(t)[i].val;
}

static __u32 enum_name_off(const struct btf_type *t, int i)
{
	return btf_is_enum64(t) ? btf_enum64(t)[i].name_off : btf_enum(t)[i].name_off;
}

static int cmp_reason(const void *a, const void *b)
{
	const struct reason *x = a, *y = b;

	return x->value < y->value ? -1 : x->value > y->value;
}

/* First pass: size the tables. */
static int alloc_tables(struct drop_reasons *dr, const struct btf_type *t)
{
	int i, n = btf_vlen(t);
	__u64 v;

	for (i = 0; i < n; i++) {
		v = enum_value(t, i);
		if (v < DENSE_LIMIT && v >= dr->nr_dense)
			dr->nr_dense = v + 1;
		else if (v >= DENSE_LIMIT)
			dr->nr_sparse++;
	}
	dr->dense = calloc(dr->nr_dense ? dr->nr_dense : 1, sizeof(*dr->dense));
	dr->sparse = calloc(dr->nr_sparse ? dr->nr_sparse : 1, sizeof(*dr->sparse));
	return dr->dense && dr->sparse ? 0 : -ENOMEM;
}

/* Second pass: fill them. Two names for one value: the first wins. */
static int fill_tables(struct drop_reasons *dr, const struct btf *btf,
		       const struct btf_type *t)
{
	int i, n = btf_vlen(t);
	size_t k = 0;
	char *name;
	__u64 v;

	for (i = 0; i < n; i++) {
		v = enum_value(t, i);
		if (v < DENSE_LIMIT && dr->dense[v])
			continue;
		name = strdup(btf__name_by_offset(btf, enum_name_off(t, i)));
		if (!name)
			return -ENOMEM;
		if (v < DENSE_LIMIT) {
			dr->dense[v] = name;
		} else {
			dr->sparse[k].value = v;
			dr->sparse[k++].name = name;
		}
	}
	dr->nr_sparse = k;
	qsort(dr->sparse, k, sizeof(*dr->sparse), cmp_reason);
	return 0;
}

struct drop_reasons *drop_reasons__from_btf(const struct btf *btf)
{
	const struct btf_type *t = find_enum(btf, "skb_drop_reason");
	struct drop_reasons *dr;
	int err;

	if (!t) {
		errno = ENOENT;
		return NULL;
	}
	dr = calloc(1, sizeof(*dr));
	if (!dr) {
		errno = ENOMEM;
		return NULL;
	}
	err = alloc_tables(dr, t);
	if (!err)
		err = fill_tables(dr, btf, t);
	if (err) {
		drop_reasons__free(dr);
		errno = -err;
		return NULL;
	}
	return dr;
}

void drop_reasons__free(struct drop_reasons *dr)
{
	size_t i;

	if (!dr)
		return;
	for (i = 0; dr->dense && i < dr->nr_dense; i++)
		free(dr->dense[i]);
	for (i = 0; dr->sparse && i < dr->nr_sparse; i++)
		free(dr->sparse[i].name);
	free(dr->dense);
	free(dr->sparse);
	free(dr);
}

const char *drop_reasons__name(const struct drop_reasons *dr, __u32 reason)
{
	struct reason key = { .value = reason }, *r;

	if (!dr)
		return NULL;
	if (reason < dr->nr_dense)
		return dr->dense[reason];
	r = bsearch(&key, dr->sparse, dr->nr_sparse, sizeof(*r), cmp_reason);
	return r ? r->name : NULL;
}
