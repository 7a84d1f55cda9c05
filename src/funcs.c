// SPDX-License-Identifier: GPL-2.0
/*
 * Discovery of the kernel functions and tracepoints that take an sk_buff.
 *
 * The BTF scan finds the candidates; a name filter and the list of
 * probeable functions (available_filter_functions, else kallsyms) narrow
 * them down. The probeable lists hold 60k-120k lines, so they are streamed
 * against a small hash table of the (few thousand) candidates instead of
 * being loaded.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "funcs.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#define MODULES_BTF_DIR "/sys/kernel/btf"
#define KALLSYMS "/proc/kallsyms"
#define TRACEPOINT_PREFIX "btf_trace_"

static const char *const avail_paths[] = {
	"/sys/kernel/tracing/available_filter_functions",
	"/sys/kernel/debug/tracing/available_filter_functions",
};

/* Skip typedefs, cv-qualifiers and type tags (__rcu, __user, ...). */
static const struct btf_type *skip_mods(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t) || btf_is_type_tag(t)))
		t = btf__type_by_id(btf, t->type);
	return t;
}

static bool is_skb_ptr(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = skip_mods(btf, id);
	const char *name;

	if (!t || !btf_is_ptr(t))
		return false;
	t = skip_mods(btf, t->type);
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
	const struct btf_type *t = skip_mods(btf, id);

	return t && btf_is_ptr(t) && t->type == 0;
}

/* 1-based position of the first skb parameter from param first on, or 0. */
static int skb_param_pos(const struct btf *btf, const struct btf_type *proto, int first)
{
	const struct btf_param *p = btf_params(proto);
	int i, n = btf_vlen(proto);

	for (i = first; i < n; i++)
		if (is_skb_ptr(btf, p[i].type))
			return i - first + 1;
	return 0;
}

static int funcs_push(struct skb_funcs *out, size_t *cap, const char *name,
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

static void func_clear(struct skb_func *f)
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
	struct skb_func *v = out->v + from;
	size_t n = out->n - from, i, j, k = 0;

	qsort(v, n, sizeof(*v), cmp_name_id);
	for (i = 0; i < n; i = j) {
		bool same = true;

		for (j = i + 1; j < n && strcmp(v[i].name, v[j].name) == 0; j++)
			same &= v[j].skb_pos == v[i].skb_pos && v[j].nr_args == v[i].nr_args;
		for (size_t d = i + 1; d < j; d++)
			func_clear(&v[d]);
		if (!same) {
			func_clear(&v[i]);
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

int skb_funcs__scan_btf(const struct btf *btf, const char *module, struct skb_funcs *out)
{
	__u32 id, n = btf__type_cnt(btf);
	size_t cap = out->n, from = out->n;
	int err;

	for (id = own_start_id(btf); id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id), *proto;
		int pos;

		if (!btf_is_func(t))
			continue;
		proto = btf__type_by_id(btf, t->type);
		if (!proto || !btf_is_func_proto(proto))
			continue;
		pos = skb_param_pos(btf, proto, 0);
		if (!pos)
			continue;
		err = funcs_push(out, &cap, btf__name_by_offset(btf, t->name_off), module, id,
				 pos, btf_vlen(proto));
		if (err)
			return err;
	}
	dedup_from(out, from);
	return 0;
}

int skb_tracepoints__scan_btf(const struct btf *btf, struct skb_funcs *out)
{
	const size_t plen = strlen(TRACEPOINT_PREFIX);
	__u32 id, n = btf__type_cnt(btf);
	size_t cap = out->n, from = out->n;
	int err;

	for (id = own_start_id(btf); id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id), *proto;
		const char *name;
		int pos;

		if (!btf_is_typedef(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!name || strncmp(name, TRACEPOINT_PREFIX, plen) != 0)
			continue;
		t = skip_mods(btf, t->type);
		if (!t || !btf_is_ptr(t))
			continue;
		proto = skip_mods(btf, t->type);
		if (!proto || !btf_is_func_proto(proto) || btf_vlen(proto) < 1 ||
		    !is_void_ptr(btf, btf_params(proto)[0].type))
			continue;
		/* Parameter 0 is the tracepoint's data pointer, not an event arg. */
		pos = skb_param_pos(btf, proto, 1);
		if (!pos)
			continue;
		err = funcs_push(out, &cap, name + plen, NULL, id, pos, btf_vlen(proto) - 1);
		if (err)
			return err;
	}
	dedup_from(out, from);
	return 0;
}

void skb_funcs__free(struct skb_funcs *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++)
		func_clear(&f->v[i]);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

/* ---- name filter ---- */

int skb_funcs__regex_compile(regex_t *re, const char *pattern)
{
	size_t len = strlen(pattern) + 5;
	char *anchored = malloc(len);
	int rc;

	if (!anchored)
		return REG_ESPACE;
	snprintf(anchored, len, "^(%s)$", pattern);
	rc = regcomp(re, anchored, REG_EXTENDED | REG_NOSUB);
	free(anchored);
	return rc;
}

int skb_funcs__regex_error(const char *pattern, char *buf, size_t len)
{
	regex_t re;
	int rc = skb_funcs__regex_compile(&re, pattern);

	if (rc == 0) {
		regfree(&re);
		if (len)
			buf[0] = '\0';
		return 0;
	}
	regerror(rc, &re, buf, len);
	return -EINVAL;
}

static int filter_by_regex(struct skb_funcs *f, const char *pattern)
{
	size_t i, k = 0;
	regex_t re;

	if (skb_funcs__regex_compile(&re, pattern))
		return -EINVAL;
	for (i = 0; i < f->n; i++) {
		if (regexec(&re, f->v[i].name, 0, NULL, 0) == 0)
			f->v[k++] = f->v[i];
		else
			func_clear(&f->v[i]);
	}
	f->n = k;
	regfree(&re);
	return 0;
}

/* ---- candidate hash table: name -> chain of indices into skb_funcs ---- */

struct cand_index {
	int *slot; /* first candidate index for a name, -1 when empty */
	int *next; /* next candidate with the same name */
	bool *seen;
	size_t mask;
};

static __u32 hash_str(const char *s, size_t len)
{
	__u32 h = 2166136261u; /* FNV-1a */

	while (len--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Slot holding name, or the empty slot where it would go. */
static size_t cand_slot(const struct cand_index *ix, const struct skb_funcs *f,
			const char *name, size_t len)
{
	size_t s = hash_str(name, len) & ix->mask;

	while (ix->slot[s] >= 0) {
		const char *c = f->v[ix->slot[s]].name;

		if (strncmp(c, name, len) == 0 && c[len] == '\0')
			break;
		s = (s + 1) & ix->mask;
	}
	return s;
}

static void cand_index_free(struct cand_index *ix)
{
	free(ix->slot);
	free(ix->next);
	free(ix->seen);
}

static int cand_index_build(struct cand_index *ix, const struct skb_funcs *f)
{
	size_t size = 16, i;

	while (size < 2 * f->n)
		size <<= 1;
	ix->mask = size - 1;
	ix->slot = malloc(size * sizeof(*ix->slot));
	ix->next = malloc((f->n + 1) * sizeof(*ix->next));
	ix->seen = calloc(f->n + 1, sizeof(*ix->seen));
	if (!ix->slot || !ix->next || !ix->seen) {
		cand_index_free(ix);
		return -ENOMEM;
	}
	memset(ix->slot, 0xff, size * sizeof(*ix->slot));
	for (i = 0; i < f->n; i++) {
		size_t s = cand_slot(ix, f, f->v[i].name, strlen(f->v[i].name));

		ix->next[i] = ix->slot[s];
		ix->slot[s] = i;
	}
	return 0;
}

static bool same_module(const char *cand, const char *mod, size_t mlen)
{
	if (!cand || !mod)
		return !cand && !mod;
	return strncmp(cand, mod, mlen) == 0 && cand[mlen] == '\0';
}

/* Mark the candidates called name in module mod (NULL: vmlinux). */
static void cand_mark(struct cand_index *ix, struct skb_funcs *f, const char *name,
		      size_t len, const char *mod, size_t mlen, __u64 addr, bool has_addr)
{
	int i = ix->slot[cand_slot(ix, f, name, len)];

	for (; i >= 0; i = ix->next[i]) {
		if (!same_module(f->v[i].module, mod, mlen))
			continue;
		ix->seen[i] = true;
		if (has_addr && !f->v[i].addr)
			f->v[i].addr = addr;
	}
}

/*
 * Split "name[ [module]]" without modifying line: the name and its length,
 * the module (without brackets) and its length, or NULL.
 */
static void split_line(char *line, const char **name, size_t *len, const char **mod,
		       size_t *mlen)
{
	char *p = line + strspn(line, " \t"), *m;

	*len = strcspn(p, " \t\n");
	*name = p;
	*mod = NULL;
	*mlen = 0;
	m = strchr(p + *len, '[');
	if (m) {
		*mod = m + 1;
		*mlen = strcspn(*mod, "]\n");
	}
}

/* available_filter_functions: "name" or "name [module]" per line. */
static int mark_from_avail(FILE *fp, struct cand_index *ix, struct skb_funcs *f)
{
	size_t cap = 0, len, mlen;
	const char *name, *mod;
	char *line = NULL;

	while (getline(&line, &cap, fp) > 0) {
		split_line(line, &name, &len, &mod, &mlen);
		if (len)
			cand_mark(ix, f, name, len, mod, mlen, 0, false);
	}
	free(line);
	return 0;
}

/*
 * kallsyms: "addr type name [module]". Only text symbols count. With
 * mark false, only fill addresses of already-marked candidates.
 */
static int mark_from_kallsyms(FILE *fp, struct cand_index *ix, struct skb_funcs *f,
			      bool mark)
{
	size_t cap = 0, len, mlen;
	const char *name, *mod;
	char *line = NULL, *p;
	__u64 addr;

	while (getline(&line, &cap, fp) > 0) {
		addr = strtoull(line, &p, 16);
		if (p == line || p[0] != ' ' || !p[1] || !strchr("tTwW", p[1]) || p[2] != ' ')
			continue;
		split_line(p + 3, &name, &len, &mod, &mlen);
		if (!len)
			continue;
		if (mark) {
			cand_mark(ix, f, name, len, mod, mlen, addr, true);
			continue;
		}
		/* Addresses only: do not let kallsyms widen the avail list. */
		for (int i = ix->slot[cand_slot(ix, f, name, len)]; i >= 0; i = ix->next[i])
			if (ix->seen[i] && !f->v[i].addr && same_module(f->v[i].module, mod, mlen))
				f->v[i].addr = addr;
	}
	free(line);
	return 0;
}

static FILE *open_avail(const char *path)
{
	FILE *fp;
	size_t i;

	if (path)
		return fopen(path, "r");
	for (i = 0; i < sizeof(avail_paths) / sizeof(avail_paths[0]); i++) {
		fp = fopen(avail_paths[i], "r");
		if (fp)
			return fp;
	}
	return NULL;
}

static int cmp_name_mod(const void *a, const void *b)
{
	const struct skb_func *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r)
		return r;
	return strcmp(x->module ? x->module : "", y->module ? y->module : "");
}

/* Keep only the candidates listed as probeable; fill addresses. */
static int filter_probeable(const struct discover_opts *o, struct skb_funcs *f)
{
	const char *ksyms_path = o->kallsyms_path ? o->kallsyms_path : KALLSYMS;
	struct cand_index ix;
	FILE *avail, *ksyms;
	size_t i, k = 0;
	int err;

	err = cand_index_build(&ix, f);
	if (err)
		return err;
	avail = open_avail(o->avail_path);
	ksyms = fopen(ksyms_path, "r");
	if (!avail && !ksyms) {
		err = -errno;
		goto out;
	}
	if (avail)
		mark_from_avail(avail, &ix, f);
	if (ksyms)
		mark_from_kallsyms(ksyms, &ix, f, !avail);
	for (i = 0; i < f->n; i++) {
		if (ix.seen[i])
			f->v[k++] = f->v[i];
		else
			func_clear(&f->v[i]);
	}
	f->n = k;
out:
	if (avail)
		fclose(avail);
	if (ksyms)
		fclose(ksyms);
	cand_index_free(&ix);
	return err;
}

/* Every /sys/kernel/btf/<module>, as split BTF on top of vmlinux. */
static int scan_modules(struct btf *vmlinux, struct skb_funcs *out)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct btf *btf;
	int err = 0;
	DIR *dir;

	dir = opendir(MODULES_BTF_DIR);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "vmlinux") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", MODULES_BTF_DIR, de->d_name);
		btf = btf__parse_split(path, vmlinux);
		if (!btf) {
			err = -errno;
			/* A module unloaded meanwhile is not an error. */
			if (err == -ENOENT) {
				err = 0;
				continue;
			}
			break;
		}
		err = skb_funcs__scan_btf(btf, de->d_name, out);
		btf__free(btf);
		if (err)
			break;
	}
	closedir(dir);
	return err;
}

int skb_funcs__discover(const struct discover_opts *o, struct skb_funcs *out)
{
	const char *path = o->kernel_btf ? o->kernel_btf : VMLINUX_BTF;
	struct skb_funcs f = {};
	struct btf *vmlinux;
	regex_t re;
	int err = 0;

	/* Fail on a bad regex before any expensive work. */
	if (o->filter_func) {
		if (skb_funcs__regex_compile(&re, o->filter_func))
			return -EINVAL;
		regfree(&re);
	}
	if (o->candidates) {
		size_t cap = 0;

		vmlinux = NULL;
		for (size_t i = 0; !err && i < o->candidates->n; i++) {
			const struct skb_func *c = &o->candidates->v[i];

			err = funcs_push(&f, &cap, c->name, c->module, c->btf_id, c->skb_pos,
					 c->nr_args);
		}
	} else {
		vmlinux = btf__parse(path, NULL);
		if (!vmlinux)
			return -errno;
		err = skb_funcs__scan_btf(vmlinux, NULL, &f);
	}
	if (!err && o->all_kmods && vmlinux)
		err = scan_modules(vmlinux, &f);
	if (!err && o->filter_func)
		err = filter_by_regex(&f, o->filter_func);
	if (!err && f.n)
		err = filter_probeable(o, &f);
	btf__free(vmlinux);
	if (err) {
		skb_funcs__free(&f);
		return err;
	}
	qsort(f.v, f.n, sizeof(*f.v), cmp_name_mod);
	*out = f;
	return 0;
}
