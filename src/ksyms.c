// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel symbol table from /proc/kallsyms: text symbols sorted by address.
 * The file is read whole into one buffer and parsed in place, so names and
 * modules point into it and freeing takes two calls.
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
	char *buf;
	bool has_addrs; /* false when kallsyms hides addresses (no CAP_SYSLOG) */
};

static int read_all(FILE *fp, char **out)
{
	size_t cap = 1 << 20, len = 0, r;
	char *buf = malloc(cap), *nbuf;

	if (!buf)
		return -ENOMEM;
	/* /proc files report size 0: read until EOF. */
	while ((r = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
		len += r;
		if (cap - len > 1)
			continue;
		nbuf = realloc(buf, cap * 2);
		if (!nbuf) {
			free(buf);
			return -ENOMEM;
		}
		buf = nbuf;
		cap *= 2;
	}
	if (ferror(fp)) {
		free(buf);
		return -EIO;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* Parse "addr type name[\t[module]]" in place; false if not a text symbol. */
static bool parse_line(char *line, struct ksym *s)
{
	char *p, *name, *mod;

	s->addr = strtoull(line, &p, 16);
	if (p == line || p[0] != ' ' || !p[1] || !strchr("tTwW", p[1]) || p[2] != ' ')
		return false;
	name = p + 3;
	p = name + strcspn(name, " \t");
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

static int parse_all(struct ksyms *ks)
{
	size_t cap = 0;
	char *line, *next;
	struct ksym s, *v;

	for (line = ks->buf; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (!parse_line(line, &s))
			continue;
		if (ks->n == cap) {
			cap = cap ? cap * 2 : 4096;
			v = realloc(ks->syms, cap * sizeof(*v));
			if (!v)
				return -ENOMEM;
			ks->syms = v;
		}
		ks->syms[ks->n++] = s;
		ks->has_addrs |= s.addr != 0;
	}
	return 0;
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
	err = read_all(fp, &ks->buf);
	fclose(fp);
	if (!err)
		err = parse_all(ks);
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
	free(ks->buf);
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
