// SPDX-License-Identifier: GPL-2.0
/*
 * Names of enum skb_drop_reason values, read from the running kernel's BTF,
 * from --kernel-btf, from the kfree_skb tracepoint's format (libtraceevent)
 * when the kernel has no BTF, or from a pinned build's table.
 * Core reasons are small and dense (0..SKB_DROP_REASON_MAX), so they get a
 * direct table; anything else (SKB_DROP_REASON_SUBSYS_MASK, subsystem
 * reasons in the upper 16 bits) goes to a sorted array.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <event-parse.h>

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
		/* NULL for an offset libbpf did not check (a corrupt --kernel-btf) */
		const char *tn = btf__name_by_offset(btf, t->name_off);

		if (btf_is_any_enum(t) && btf_vlen(t) && tn && strcmp(tn, name) == 0)
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

/* Collected (value, name) pairs, from whichever source, before the tables. */
struct pairs {
	struct reason *v;
	size_t n, cap;
};

static int pairs_add(struct pairs *p, __u64 value, const char *prefix, const char *name)
{
	struct reason *v;
	size_t len;

	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 128;
		v = realloc(p->v, p->cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		p->v = v;
	}
	len = strlen(prefix) + strlen(name) + 1;
	p->v[p->n].name = malloc(len);
	if (!p->v[p->n].name)
		return -ENOMEM;
	snprintf(p->v[p->n].name, len, "%s%s", prefix, name);
	p->v[p->n++].value = value;
	return 0;
}

static void pairs_free(struct pairs *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].name);
	free(p->v);
}

/*
 * Dense table for small values, sorted array for the rest. Two names for
 * one value: the first wins. Takes the names; frees p in every case.
 */
static struct drop_reasons *build(struct pairs *p, int err)
{
	struct drop_reasons *dr = NULL;
	size_t i, k = 0;

	if (!err && !p->n)
		err = -ENOENT;
	if (!err && !(dr = calloc(1, sizeof(*dr))))
		err = -ENOMEM;
	for (i = 0; !err && i < p->n; i++) {
		if (p->v[i].value < DENSE_LIMIT && p->v[i].value >= dr->nr_dense)
			dr->nr_dense = p->v[i].value + 1;
		else if (p->v[i].value >= DENSE_LIMIT)
			dr->nr_sparse++;
	}
	if (!err) {
		dr->dense = calloc(dr->nr_dense ? dr->nr_dense : 1, sizeof(*dr->dense));
		dr->sparse = calloc(dr->nr_sparse ? dr->nr_sparse : 1, sizeof(*dr->sparse));
		if (!dr->dense || !dr->sparse)
			err = -ENOMEM;
	}
	for (i = 0; !err && i < p->n; i++) {
		__u64 v = p->v[i].value;

		if (v < DENSE_LIMIT && dr->dense[v])
			continue;
		if (v < DENSE_LIMIT)
			dr->dense[v] = p->v[i].name;
		else
			dr->sparse[k++] = p->v[i];
		p->v[i].name = NULL;
	}
	pairs_free(p);
	if (err) {
		drop_reasons__free(dr);
		errno = -err;
		return NULL;
	}
	dr->nr_sparse = k;
	qsort(dr->sparse, k, sizeof(*dr->sparse), cmp_reason);
	return dr;
}

struct drop_reasons *drop_reasons__from_btf(const struct btf *btf)
{
	const struct btf_type *t = btf ? find_enum(btf, "skb_drop_reason") : NULL;
	struct pairs p = {};
	int i, err = 0;

	for (i = 0; t && !err && i < btf_vlen(t); i++) {
		const char *name = btf__name_by_offset(btf, enum_name_off(t, i));

		/* NULL from a corrupt --kernel-btf: libbpf does not check value names */
		if (name && *name)
			err = pairs_add(&p, enum_value(t, i), "", name);
	}
	return build(&p, err);
}

static char *read_all(const char *path, size_t *len)
{
	size_t cap = 65536, n = 0, r;
	FILE *fp = fopen(path, "re");
	char *buf = NULL, *nb;

	if (!fp)
		return NULL;
	for (;;) {
		nb = realloc(buf, cap + 1);
		if (!nb) {
			free(buf);
			buf = NULL;
			errno = ENOMEM;
			break;
		}
		buf = nb;
		r = fread(buf + n, 1, cap - n, fp);
		n += r;
		if (n < cap)
			break;
		cap *= 2;
	}
	fclose(fp);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

/* The __print_symbolic() over REC->reason among the format's print args. */
static const struct tep_print_arg *reason_symbols(const struct tep_event *ev)
{
	const struct tep_print_arg *a;

	for (a = ev->print_fmt.args; a; a = a->next) {
		const struct tep_print_arg *f = a->symbol.field;

		if (a->type == TEP_PRINT_SYMBOL && f && f->type == TEP_PRINT_FIELD &&
		    f->field.name && !strcmp(f->field.name, "reason"))
			return a;
	}
	return NULL;
}

static const char *const kfree_skb_formats[] = {
	"/sys/kernel/tracing/events/skb/kfree_skb/format",
	"/sys/kernel/debug/tracing/events/skb/kfree_skb/format",
};

/*
 * The tracefs format prints the reason with __print_symbolic(REC->reason,
 * { 2, "NOT_SPECIFIED" }, ...): the kernel resolves the enum values when it
 * writes the file, and the names lack the SKB_DROP_REASON_ prefix.
 */
struct drop_reasons *drop_reasons__from_tracefs(const char *path)
{
	const struct tep_print_flag_sym *sym;
	const struct tep_print_arg *arg;
	struct tep_event *ev = NULL;
	struct tep_handle *tep;
	struct pairs p = {};
	size_t len = 0, i;
	char *buf = NULL, *end;
	const char *prefix;
	int err = 0;
	__u64 v;

	for (i = 0; !buf && i < sizeof(kfree_skb_formats) / sizeof(kfree_skb_formats[0]); i++)
		buf = read_all(path ? path : kfree_skb_formats[i], &len);
	if (!buf)
		return NULL;
	tep = tep_alloc();
	if (!tep)
		err = -ENOMEM;
	else if (tep_parse_format(tep, &ev, buf, len, "skb") || !ev)
		err = -EINVAL;
	arg = err ? NULL : reason_symbols(ev);
	for (sym = arg ? arg->symbol.symbols : NULL; sym && !err; sym = sym->next) {
		errno = 0;
		v = strtoull(sym->value, &end, 0);
		if (errno || end == sym->value || *end || !sym->str)
			continue; /* an enum name the kernel left unresolved */
		prefix = strncmp(sym->str, "SKB_DROP_REASON_", 16) ? "SKB_DROP_REASON_" : "";
		err = pairs_add(&p, v, prefix, sym->str);
	}
	tep_free(tep);
	free(buf);
	return build(&p, err);
}

/* "value NAME" lines, as drop_reasons__write() makes them (pinned builds). */
struct drop_reasons *drop_reasons__from_file(const char *path)
{
	char name[256];
	struct pairs p = {};
	unsigned long long v;
	int n, err = 0;
	FILE *fp = fopen(path, "re");

	if (!fp)
		return NULL;
	while (!err && (n = fscanf(fp, "%llu %255s", &v, name)) != EOF)
		err = n == 2 ? pairs_add(&p, v, "", name) : -EINVAL;
	fclose(fp);
	return build(&p, err);
}

int drop_reasons__write(const struct drop_reasons *dr, FILE *fp)
{
	size_t i;

	for (i = 0; i < dr->nr_dense; i++)
		if (dr->dense[i])
			fprintf(fp, "%zu %s\n", i, dr->dense[i]);
	for (i = 0; i < dr->nr_sparse; i++)
		fprintf(fp, "%llu %s\n", (unsigned long long)dr->sparse[i].value,
			dr->sparse[i].name);
	return ferror(fp) ? -EIO : 0;
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

/*
 * Freeing sites with exactly one cause in the kernels that predate drop
 * reasons (checked against 5.10's sources), named with the reason later
 * kernels give the same site. Anything less certain stays unnamed.
 */
static const struct {
	const char *func;
	const char *reason;
} inferred[] = {
	/* a hook returned NF_DROP: nf_hook_slow()'s only kfree_skb() */
	{ "nf_hook_slow", "SKB_DROP_REASON_NETFILTER_DROP" },
	/* where newer kernels' nf_tables drops show (a tail call) */
	{ "nft_do_chain", "SKB_DROP_REASON_NETFILTER_DROP" },
	/* 5.10's only kfree_skb() there: no neighbour could be created */
	{ "ip_finish_output2", "SKB_DROP_REASON_NEIGH_CREATEFAIL" },
	/* skb_queue_purge() frees a whole queue: a socket or device going away */
	{ "skb_queue_purge", "SKB_DROP_REASON_QUEUE_PURGE" },
};

const char *drop_reason__infer(const char *func)
{
	for (size_t i = 0; func && i < sizeof(inferred) / sizeof(inferred[0]); i++)
		if (!strcmp(func, inferred[i].func))
			return inferred[i].reason;
	return NULL;
}
