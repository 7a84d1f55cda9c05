// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel symbol table from /proc/kallsyms: text symbols sorted by address.
 * Names and modules point into one string pool.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"

#define KALLSYMS "/proc/kallsyms"

struct ksyms {
	struct ksym *syms;
	size_t n;
	char *pool; /* names and modules, NUL-separated; syms point into it */
	bool has_addrs; /* false when kallsyms hides addresses (no CAP_SYSLOG) */
};

/* A growing string pool; syms hold offsets into it until it stops moving. */
struct pool {
	char *buf;
	size_t len, cap;
};

static long pool_add(struct pool *p, const char *s, size_t len)
{
	size_t off = p->len;

	if (p->len + len + 1 > p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 1 << 20;
		char *nbuf;

		while (ncap < p->len + len + 1)
			ncap *= 2;
		nbuf = realloc(p->buf, ncap);
		if (!nbuf)
			return -ENOMEM;
		p->buf = nbuf;
		p->cap = ncap;
	}
	memcpy(p->buf + off, s, len);
	p->buf[off + len] = '\0';
	p->len += len + 1;
	return off;
}

/* Parse "addr type name[\t[module]]" in place; false if not a text symbol. */
static bool parse_line(char *line, struct ksym *s)
{
	char *p, *name, *mod;

	s->addr = strtoull(line, &p, 16);
	if (p == line || p[0] != ' ' || !p[1] || !strchr("tTwW", p[1]) || p[2] != ' ')
		return false;
	name = p + 3;
	p = name + strcspn(name, " \t\n");
	s->module = NULL;
	mod = strchr(p, '[');
	*p = '\0';
	if (!*name)
		return false;
	if (mod) {
		mod++;
		mod[strcspn(mod, "]")] = '\0';
		s->module = mod;
	}
	s->name = name;
	return true;
}

/*
 * Streamed line by line rather than read whole: kallsyms is 5+ MiB of text
 * and a buffer for it grows to 8 MiB; only the names of text symbols are
 * kept, without the address and type columns, and a module's name once per
 * run of its symbols.
 */
static int parse_all(struct ksyms *ks, FILE *fp)
{
	size_t cap = 0, lcap = 0, i;
	long noff, moff = -1;
	struct pool pool = {};
	char *line = NULL, prev_mod[64] = "";
	struct ksym s, *v;
	int err = 0;

	while (getline(&line, &lcap, fp) > 0) {
		if (!parse_line(line, &s))
			continue;
		if (ks->n == cap) {
			cap = cap ? cap * 2 : 4096;
			v = realloc(ks->syms, cap * sizeof(*v));
			if (!v) {
				err = -ENOMEM;
				break;
			}
			ks->syms = v;
		}
		noff = pool_add(&pool, s.name, strlen(s.name));
		if (s.module && (moff < 0 || strcmp(prev_mod, s.module))) {
			moff = pool_add(&pool, s.module, strlen(s.module));
			snprintf(prev_mod, sizeof(prev_mod), "%s", s.module);
		}
		if (noff < 0 || (s.module && moff < 0)) {
			err = -ENOMEM;
			break;
		}
		/* offsets until the pool stops moving; a module's plus 1, as NULL is none */
		s.name = (const char *)(uintptr_t)noff;
		s.module = s.module ? (const char *)(uintptr_t)(moff + 1) : NULL;
		ks->syms[ks->n++] = s;
		ks->has_addrs |= s.addr != 0;
	}
	if (!err && ferror(fp))
		err = -EIO;
	free(line);
	ks->pool = pool.buf;
	for (i = 0; i < ks->n; i++) {
		ks->syms[i].name = pool.buf + (uintptr_t)ks->syms[i].name;
		if (ks->syms[i].module)
			ks->syms[i].module = pool.buf + (uintptr_t)ks->syms[i].module - 1;
	}
	return err;
}

/* By address; among equal addresses keep file order (names are in the buffer in order). */
static int cmp_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;
}

struct ksyms *ksyms__load(const char *path)
{
	struct ksyms *ks;
	FILE *fp;
	int err;

	ks = calloc(1, sizeof(*ks));
	if (!ks)
		return NULL;
	fp = fopen(path ? path : KALLSYMS, "r");
	if (!fp) {
		err = -errno;
		goto err_out;
	}
	err = parse_all(ks, fp);
	fclose(fp);
	if (err)
		goto err_out;
	/* an empty (or all-zero, unprivileged) kallsyms leaves syms NULL: qsort must not see it */
	if (ks->n)
		qsort(ks->syms, ks->n, sizeof(*ks->syms), cmp_addr);
	return ks;
err_out:
	ksyms__free(ks);
	errno = -err;
	return NULL;
}

void ksyms__free(struct ksyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->pool);
	free(ks);
}

const struct ksym *ksyms__find(const struct ksyms *ks, __u64 addr)
{
	size_t lo = 0, hi;

	if (!ks || !ks->has_addrs || !ks->n || addr < ks->syms[0].addr)
		return NULL;
	/* Greatest index with syms[i].addr <= addr; the first of equals is kept. */
	hi = ks->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	while (lo > 0 && ks->syms[lo - 1].addr == ks->syms[lo].addr)
		lo--;
	return &ks->syms[lo];
}

/*
 * Linear, lowest address first: meant for a few look-ups (discovery streams
 * kallsyms itself).
 */
__u64 ksyms__addr(const struct ksyms *ks, const char *name)
{
	size_t i;

	if (!ks || !ks->has_addrs)
		return 0;
	for (i = 0; i < ks->n; i++)
		if (strcmp(ks->syms[i].name, name) == 0)
			return ks->syms[i].addr;
	return 0;
}

size_t ksyms__count(const struct ksyms *ks)
{
	return ks ? ks->n : 0;
}

const struct ksym *ksyms__at(const struct ksyms *ks, size_t i)
{
	return &ks->syms[i];
}

bool ksyms__has_addrs(const struct ksyms *ks)
{
	return ks && ks->has_addrs;
}

/* pwru style: "name" for an exact match, "name+0xoff" inside, "0xaddr" unknown. */
char *ksyms__format(const struct ksyms *ks, __u64 addr, char *buf, size_t len)
{
	const struct ksym *s = ksyms__find(ks, addr);

	if (!s)
		snprintf(buf, len, "0x%" PRIx64, (uint64_t)addr);
	else if (s->addr == addr)
		snprintf(buf, len, "%s", s->name);
	else
		snprintf(buf, len, "%s+0x%" PRIx64, s->name, (uint64_t)(addr - s->addr));
	return buf;
}
