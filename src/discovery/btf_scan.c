// SPDX-License-Identifier: GPL-2.0
/*
 * The BTF scan: the functions and tracepoints whose parameters include an
 * sk_buff pointer. discover.c narrows them down with name_filter.c and
 * probeable.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "discover_impl.h"

#define TRACEPOINT_PREFIX "btf_trace_"

/*
 * Longest typedef/modifier chain followed: libbpf's own bound. A kernel's
 * BTF has no cycle (the kernel's BTF checker refuses one), but libbpf does
 * not look for them, so a corrupt --kernel-btf would loop forever.
 */
#define MAX_MODS 32

/*
 * Skip typedefs, cv-qualifiers and type tags (__rcu, __user, ...) from *id
 * on, leaving *id at the type returned; NULL on a cycle.
 */
static const struct btf_type *skip_mods(const struct btf *btf, __u32 *id)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);
	int depth = 0;

	while (t && (btf_is_typedef(t) || btf_is_mod(t) || btf_is_type_tag(t))) {
		if (++depth > MAX_MODS)
			return NULL;
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

static bool is_skb_ptr(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = skip_mods(btf, &id);
	const char *name;

	if (!t || !btf_is_ptr(t))
		return false;
	id = t->type;
	t = skip_mods(btf, &id);
	if (!t)
		return false;
	/* A forward declaration only happens in hand-made or partial BTF. */
	if (!btf_is_struct(t) && !(btf_is_fwd(t) && !btf_kflag(t)))
		return false;
	name = btf__name_by_offset(btf, t->name_off);
	return name && strcmp(name, "sk_buff") == 0;
}

static bool is_void_ptr(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = skip_mods(btf, &id);

	return t && btf_is_ptr(t) && t->type == 0;
}

/*
 * Answers per BTF type id, computed once: vmlinux has 56k functions but
 * only 29k prototypes and 5.5k distinct parameter types, and
 * walking the same modifier chains and prototypes again was most of the
 * scan. Both arrays have btf__type_cnt() entries: a module's functions may
 * use any id of its base too.
 */
struct scan_memo {
	__u8 *skb; /* per parameter type: 0 unknown, 1 not an skb pointer, 2 one */
	__u8 *pos; /* per prototype: 0 unknown, else skb_param_pos() + 1 */
	__u32 n;
};

static bool is_skb_ptr_memo(const struct btf *btf, struct scan_memo *m, __u32 id)
{
	if (id >= m->n)
		return false; /* no such type: libbpf's btf__type_by_id() says NULL */
	if (!m->skb[id])
		m->skb[id] = is_skb_ptr(btf, id) ? 2 : 1;
	return m->skb[id] == 2;
}

/* 1-based position of the first skb parameter from param first on, or 0. */
static int skb_param_pos(const struct btf *btf, struct scan_memo *m,
			 const struct btf_type *proto, int first)
{
	const struct btf_param *p = btf_params(proto);
	int i, n = btf_vlen(proto);

	for (i = first; i < n; i++)
		if (is_skb_ptr_memo(btf, m, p[i].type))
			return i - first + 1;
	return 0;
}

/* skb_param_pos() of prototype id, 0 when id is no prototype; first is per scan. */
static int proto_skb_pos(const struct btf *btf, struct scan_memo *m, __u32 id, int first)
{
	const struct btf_type *proto;
	int pos;

	if (id < m->n && m->pos[id])
		return m->pos[id] - 1;
	proto = btf__type_by_id(btf, id);
	pos = proto && btf_is_func_proto(proto) ? skb_param_pos(btf, m, proto, first) : 0;
	/* a position past 254 (vlen goes to 65535) is looked for each time */
	if (id < m->n && pos < 255)
		m->pos[id] = pos + 1;
	return pos;
}

int skb_funcs__push(struct skb_funcs *out, size_t *cap, const char *name,
		      const char *module, __u32 id, int pos, int nr_args)
{
	struct skb_func *f;

	if (out->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;

		f = realloc(out->v, ncap * sizeof(*f));
		if (!f)
			return -ENOMEM;
		out->v = f;
		*cap = ncap;
	}
	f = &out->v[out->n];
	memset(f, 0, sizeof(*f));
	f->name = strdup(name);
	f->module = module ? strdup(module) : NULL;
	if (!f->name || (module && !f->module)) {
		free(f->name);
		free(f->module);
		return -ENOMEM;
	}
	f->btf_id = id;
	f->skb_pos = pos;
	f->nr_args = nr_args;
	out->n++;
	return 0;
}

void skb_func__clear(struct skb_func *f)
{
	free(f->name);
	free(f->module);
	f->name = f->module = NULL;
}

static int cmp_name_id(const void *a, const void *b)
{
	const struct skb_func *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r)
		return r;
	return x->btf_id < y->btf_id ? -1 : x->btf_id > y->btf_id;
}

/*
 * One BTF may describe two static functions with the same name. When their
 * prototypes agree on the skb position, keep the first (lowest BTF id); when
 * they disagree, drop them all: a probe attached by name cannot tell them
 * apart, and reading the skb from the wrong argument would trace garbage.
 * Only the entries appended since index from are considered.
 */
static void dedup_from(struct skb_funcs *out, size_t from)
{
	struct skb_func *v;
	size_t n = out->n - from, i, j, k = 0;

	if (!n)
		return; /* out->v may be NULL: no pointer arithmetic on it */
	v = out->v + from;
	qsort(v, n, sizeof(*v), cmp_name_id);
	for (i = 0; i < n; i = j) {
		bool same = true;

		for (j = i + 1; j < n && strcmp(v[i].name, v[j].name) == 0; j++)
			same &= v[j].skb_pos == v[i].skb_pos && v[j].nr_args == v[i].nr_args;
		for (size_t d = i + 1; d < j; d++)
			skb_func__clear(&v[d]);
		if (!same) {
			skb_func__clear(&v[i]);
			continue;
		}
		v[k++] = v[i];
	}
	out->n = from + k;
}

/* First type id that belongs to btf itself (not to its base). */
static __u32 own_start_id(const struct btf *btf)
{
	const struct btf *base = btf__base_btf(btf);

	return base ? btf__type_cnt(base) : 1;
}

/*
 * What one BTF type is to the scan: the prototype whose skb parameter is
 * looked for and how many leading parameters are not event arguments
 * (false for every other type), and the name to record. The name is only
 * looked up for a match: the other 54k functions' names stay unread.
 */
struct scan_kind {
	bool (*match)(const struct btf *btf, const struct btf_type *t, __u32 *proto, int *skip);
	const char *(*name)(const struct btf *btf, const struct btf_type *t);
};

static bool match_func(const struct btf *btf, const struct btf_type *t, __u32 *proto,
		       int *skip)
{
	if (!btf_is_func(t))
		return false;
	*proto = t->type;
	*skip = 0;
	return true;
}

static const char *func_name(const struct btf *btf, const struct btf_type *t)
{
	/* libbpf does not check a name's offset: a corrupt --kernel-btf gives NULL */
	const char *name = btf__name_by_offset(btf, t->name_off);

	return name && *name ? name : NULL;
}

static const char *tracepoint_name(const struct btf *btf, const struct btf_type *t)
{
	const size_t plen = strlen(TRACEPOINT_PREFIX);
	const char *name = btf__name_by_offset(btf, t->name_off);

	if (!name || strncmp(name, TRACEPOINT_PREFIX, plen) != 0)
		return NULL;
	return name + plen;
}

/* btf_trace_<event>: a typedef of a pointer to void (*)(void *data, args...) */
static bool match_tracepoint(const struct btf *btf, const struct btf_type *t, __u32 *proto,
			     int *skip)
{
	const struct btf_type *p;

	if (!btf_is_typedef(t) || !tracepoint_name(btf, t))
		return false;
	*proto = t->type;
	t = skip_mods(btf, proto);
	if (!t || !btf_is_ptr(t))
		return false;
	*proto = t->type;
	p = skip_mods(btf, proto);
	/* Parameter 0 is the tracepoint's data pointer, not an event arg. */
	*skip = 1;
	return p && btf_is_func_proto(p) && btf_vlen(p) >= 1 &&
	       is_void_ptr(btf, btf_params(p)[0].type);
}

static int scan(const struct btf *btf, const char *module, const struct scan_kind *kind,
		struct skb_funcs *out)
{
	__u32 id, n = btf__type_cnt(btf);
	size_t cap = out->n, from = out->n;
	struct scan_memo memo = { .skb = calloc(n, 1), .pos = calloc(n, 1), .n = n };
	int err = 0;

	if (!memo.skb || !memo.pos) {
		err = -ENOMEM;
		goto out;
	}
	for (id = own_start_id(btf); id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;
		__u32 proto;
		int pos, skip;

		if (!kind->match(btf, t, &proto, &skip))
			continue;
		pos = proto_skb_pos(btf, &memo, proto, skip);
		if (!pos)
			continue;
		name = kind->name(btf, t);
		if (!name)
			continue;
		err = skb_funcs__push(out, &cap, name, module, id, pos,
				      btf_vlen(btf__type_by_id(btf, proto)) - skip);
		if (err)
			goto out;
	}
	dedup_from(out, from);
out:
	free(memo.skb);
	free(memo.pos);
	return err;
}

static const struct scan_kind scan_funcs = { match_func, func_name };
static const struct scan_kind scan_tracepoints = { match_tracepoint, tracepoint_name };

int skb_funcs__scan_btf(const struct btf *btf, const char *module, struct skb_funcs *out)
{
	return scan(btf, module, &scan_funcs, out);
}

int skb_tracepoints__scan_btf(const struct btf *btf, struct skb_funcs *out)
{
	return scan(btf, NULL, &scan_tracepoints, out);
}

void skb_funcs__free(struct skb_funcs *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++)
		skb_func__clear(&f->v[i]);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}
