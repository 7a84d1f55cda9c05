// SPDX-License-Identifier: GPL-2.0
/* --filter-func: one anchoring of the pattern, and the filter on discovered names. */
#include <errno.h>
#include <stdbool.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover_impl.h"

/*
 * glibc's regcomp() copies a repeated subexpression once per repetition,
 * and again for each level of nesting: "a+++...+" (60 bytes) or
 * "((a{100}){100}){100}" take gigabytes to compile. Refuse what RE2 (the
 * Go pwru's regexp) refuses too: a repetition of a repetition, a count
 * above 1000, and a pattern whose expansion is too large.
 */
#define RE_MAX_COUNT 1000
#define RE_MAX_SIZE 100000
#define RE_MAX_DEPTH 64

/* "{m}", "{m,}" or "{m,n}" at p: its length, and its largest count in *max */
static size_t interval(const char *p, unsigned long *max)
{
	const char *q = p + 1;
	unsigned long m, n;
	char *end;

	if (*p != '{' || *q < '0' || *q > '9')
		return 0;
	m = strtoul(q, &end, 10);
	n = m;
	if (*end == ',') {
		q = end + 1;
		n = *q >= '0' && *q <= '9' ? strtoul(q, &end, 10) : m;
		if (q == end)
			end = (char *)q;
	}
	if (*end != '}')
		return 0;
	*max = n > m ? n : m;
	return end + 1 - p;
}

/* the end of the bracket expression that starts at p ('['), or NULL */
static const char *bracket_end(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	for (; *p && *p != ']'; p++) {
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			const char *e = strchr(p + 2, p[1]);

			while (e && e[1] != ']')
				e = strchr(e + 1, p[1]);
			if (!e)
				return NULL;
			p = e + 1;
		}
	}
	return *p ? p : NULL;
}

static int regex_cost_check(const char *p)
{
	/* size of each open group so far, and of the last atom at each level */
	unsigned long size[RE_MAX_DEPTH + 1] = {0}, last[RE_MAX_DEPTH + 1] = {0};
	int depth = 0;
	bool after_rep = false, have_atom = false;

	for (; *p; p++) {
		unsigned long count = 0;
		size_t n = 0;

		if (*p == '*' || *p == '+' || *p == '?' || (n = interval(p, &count))) {
			if (after_rep)
				return REG_BADRPT;
			if (n && count > RE_MAX_COUNT)
				return REG_ESIZE;
			if (!n)
				count = 2; /* a loop: one copy, and one more for the way round */
			if (have_atom) {
				size[depth] += last[depth] * (count ? count - 1 : 0);
				if (size[depth] > RE_MAX_SIZE)
					return REG_ESIZE;
			}
			after_rep = true;
			if (n)
				p += n - 1;
			continue;
		}
		after_rep = false;
		have_atom = true;
		switch (*p) {
		case '(':
			if (depth == RE_MAX_DEPTH)
				return REG_ESIZE;
			size[++depth] = 0;
			have_atom = false;
			continue;
		case ')':
			if (depth) {
				last[depth - 1] = size[depth] + 1;
				size[depth - 1] += last[depth - 1];
				depth--;
			} else {
				last[0] = 1;
				size[0]++;
			}
			break;
		case '|':
			have_atom = false;
			continue;
		case '[': {
			const char *e = bracket_end(p);

			if (!e)
				return 0; /* regcomp() names this error */
			p = e;
			last[depth] = 1;
			size[depth]++;
			break;
		}
		case '\\':
			if (p[1])
				p++;
			/* fall through */
		default:
			last[depth] = 1;
			size[depth]++;
		}
		if (size[depth] > RE_MAX_SIZE)
			return REG_ESIZE;
	}
	return 0;
}

int skb_funcs__regex_compile(regex_t *re, const char *pattern)
{
	size_t len = strlen(pattern) + 5;
	char *anchored;
	int rc = regex_cost_check(pattern);

	if (rc) {
		/* regerror() of a regex_t regcomp() never saw: glibc reads no field */
		memset(re, 0, sizeof(*re));
		return rc;
	}
	anchored = malloc(len);
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

int skb_funcs__filter_regex(struct skb_funcs *f, const char *pattern)
{
	size_t i, k = 0;
	regex_t re;

	if (skb_funcs__regex_compile(&re, pattern))
		return -EINVAL;
	for (i = 0; i < f->n; i++) {
		if (regexec(&re, f->v[i].name, 0, NULL, 0) == 0)
			f->v[k++] = f->v[i];
		else
			skb_func__clear(&f->v[i]);
	}
	f->n = k;
	regfree(&re);
	return 0;
}
