// SPDX-License-Identifier: GPL-2.0
/*
 * Which candidates can be probed: those in available_filter_functions, else
 * in kallsyms. The lists hold 60k-120k lines, so they are streamed against a
 * small hash table of the (few thousand) candidates instead of being loaded.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover_impl.h"
#include "ksyms.h"

#define KALLSYMS "/proc/kallsyms"

static const char *const avail_paths[] = {
	"/sys/kernel/tracing/available_filter_functions",
	"/sys/kernel/debug/tracing/available_filter_functions",
};

/* ---- candidate hash table: name -> chain of indices into skb_funcs ---- */

struct cand_index {
	/* first candidate index for a name (-1: empty) and its hash, side by side */
	struct {
		int first;
		__u32 hash; /* a probe past another name compares no string */
	} *slot;
	/*
	 * Bit h >> 16 set for each candidate's hash h: it rejects nearly all
	 * of kallsyms' 120k names without probing the table, which was more
	 * than half of the check (a third of the probes meet another name).
	 */
	__u64 bits[(1 << 16) / 64];
	int *next; /* next candidate with the same name */
	bool *seen;
	size_t mask;
};

/*
 * Eight bytes per multiply rather than FNV-1a's one, and the last eight
 * (overlapping) rather than a byte loop: every kallsyms name is hashed.
 */
static __u32 hash_str(const char *s, size_t len)
{
	const __u64 k = 0x9e3779b97f4a7c15ull;
	__u64 h = len * k, w = 0;

	if (len < 8) {
		for (; len; len--)
			w = w << 8 | (unsigned char)s[len - 1];
		return ((h ^ w) * k) >> 32;
	}
	for (; len > 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * k;
	}
	memcpy(&w, s + len - 8, 8);
	return ((h ^ w) * k) >> 32;
}

/* Slot holding name (hash h: hash_str()), or the empty slot where it would go. */
static size_t cand_slot(const struct cand_index *ix, const struct skb_funcs *f,
			const char *name, size_t len, __u32 h)
{
	size_t s = h & ix->mask;

	for (; ix->slot[s].first >= 0; s = (s + 1) & ix->mask) {
		const char *c;

		if (ix->slot[s].hash != h)
			continue;
		c = f->v[ix->slot[s].first].name;
		if (strncmp(c, name, len) == 0 && c[len] == '\0')
			break;
	}
	return s;
}

/* First of the candidates called name, -1 if none. */
static int cand_find(const struct cand_index *ix, const struct skb_funcs *f, const char *name,
		     size_t len, __u32 h)
{
	if (!(ix->bits[h >> 22] & (1ull << (h >> 16 & 63))))
		return -1;
	return ix->slot[cand_slot(ix, f, name, len, h)].first;
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
	memset(ix->bits, 0, sizeof(ix->bits));
	for (i = 0; i < f->n; i++) {
		size_t len = strlen(f->v[i].name);
		__u32 h = hash_str(f->v[i].name, len);
		size_t s = cand_slot(ix, f, f->v[i].name, len, h);

		ix->next[i] = ix->slot[s].first;
		ix->slot[s].first = i;
		ix->slot[s].hash = h;
		ix->bits[h >> 22] |= 1ull << (h >> 16 & 63);
	}
	return 0;
}

static bool same_module(const char *cand, const char *mod, size_t mlen)
{
	if (!cand || !mod)
		return !cand && !mod;
	return strncmp(cand, mod, mlen) == 0 && cand[mlen] == '\0';
}

/* Mark the candidates from i (cand_find()) on that are in module mod (NULL: vmlinux). */
static void cand_mark(struct cand_index *ix, struct skb_funcs *f, int i, const char *mod,
		      size_t mlen, __u64 addr, bool has_addr)
{
	for (; i >= 0; i = ix->next[i]) {
		if (!same_module(f->v[i].module, mod, mlen))
			continue;
		ix->seen[i] = true;
		if (has_addr && !f->v[i].addr)
			f->v[i].addr = addr;
	}
}

/* Addresses only, for candidates marked already: kallsyms must not widen the avail list. */
static void cand_fill_addr(struct cand_index *ix, struct skb_funcs *f, int i, const char *mod,
			   size_t mlen, __u64 addr)
{
	for (; i >= 0; i = ix->next[i])
		if (ix->seen[i] && !f->v[i].addr && same_module(f->v[i].module, mod, mlen))
			f->v[i].addr = addr;
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
			cand_mark(ix, f, cand_find(ix, f, name, len, hash_str(name, len)), mod,
				  mlen, 0, false);
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
	int i;

	while (getline(&line, &cap, fp) > 0) {
		addr = strtoull(line, &p, 16);
		if (p == line || p[0] != ' ' || !p[1] || !strchr("tTwW", p[1]) || p[2] != ' ')
			continue;
		split_line(p + 3, &name, &len, &mod, &mlen);
		if (!len)
			continue;
		i = cand_find(ix, f, name, len, hash_str(name, len));
		if (mark)
			cand_mark(ix, f, i, mod, mlen, addr, true);
		else
			cand_fill_addr(ix, f, i, mod, mlen, addr);
	}
	free(line);
	return 0;
}

/* mark_from_kallsyms() on the table the caller loaded already. */
static void mark_from_table(const struct ksyms *ks, struct cand_index *ix, struct skb_funcs *f,
			    bool mark)
{
	size_t n = ksyms__count(ks), len, mlen;
	const struct ksym *s;
	int i;

	for (size_t k = 0; k < n; k++) {
		s = ksyms__at(ks, k);
		len = strlen(s->name);
		i = cand_find(ix, f, s->name, len, hash_str(s->name, len));
		if (i < 0)
			continue;
		mlen = s->module ? strlen(s->module) : 0;
		if (mark)
			cand_mark(ix, f, i, s->module, mlen, s->addr, true);
		else
			cand_fill_addr(ix, f, i, s->module, mlen, s->addr);
	}
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

/* Keep only the candidates listed as probeable; fill addresses. */
int skb_funcs__filter_probeable(const struct discover_opts *o, struct skb_funcs *f)
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
	ksyms = o->ksyms ? NULL : fopen(ksyms_path, "r");
	if (!avail && !ksyms && !o->ksyms) {
		err = -errno;
		goto out;
	}
	if (avail)
		mark_from_avail(avail, &ix, f);
	if (ksyms)
		mark_from_kallsyms(ksyms, &ix, f, !avail);
	else if (o->ksyms)
		mark_from_table(o->ksyms, &ix, f, !avail);
	for (i = 0; i < f->n; i++) {
		if (ix.seen[i]) {
			f->v[i].ftrace = avail != NULL;
			f->v[k++] = f->v[i];
		} else
			skb_func__clear(&f->v[i]);
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
