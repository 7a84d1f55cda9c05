// SPDX-License-Identifier: GPL-2.0
/*
 * Drops counted by (reason, location, rule). Few distinct keys are expected
 * (a handful of freeing sites and rules), so a linear scan is enough; past
 * MAX_KEYS the rest is counted as "other".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "drop_summary.h"

#define MAX_KEYS 256

struct drop_key {
	char *reason, *location, *rule;
	unsigned long long count;
};

struct drop_summary {
	struct drop_key *v;
	size_t n, cap;
	unsigned long long other;
};

struct drop_summary *drop_summary__new(void)
{
	return calloc(1, sizeof(struct drop_summary));
}

void drop_summary__free(struct drop_summary *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].reason);
		free(s->v[i].location);
		free(s->v[i].rule);
	}
	free(s->v);
	free(s);
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static char *dup_or_null(const char *s, bool *oom)
{
	char *d = s ? strdup(s) : NULL;

	*oom |= s && !d;
	return d;
}

int drop_summary__add(struct drop_summary *s, const char *reason, const char *location,
		      const char *rule)
{
	struct drop_key *k;
	bool oom = false;

	for (size_t i = 0; i < s->n; i++) {
		k = &s->v[i];
		if (same(k->reason, reason) && same(k->location, location) && same(k->rule, rule)) {
			k->count++;
			return 0;
		}
	}
	if (s->n == MAX_KEYS) {
		s->other++;
		return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;

		k = realloc(s->v, cap * sizeof(*k));
		if (!k)
			return -ENOMEM;
		s->v = k;
		s->cap = cap;
	}
	k = &s->v[s->n];
	k->reason = dup_or_null(reason, &oom);
	k->location = dup_or_null(location, &oom);
	k->rule = dup_or_null(rule, &oom);
	if (oom) {
		free(k->reason);
		free(k->location);
		free(k->rule);
		return -ENOMEM;
	}
	k->count = 1;
	s->n++;
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct drop_key *x = *(const struct drop_key *const *)a;
	const struct drop_key *y = *(const struct drop_key *const *)b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x < y ? -1 : x > y; /* ties: first seen first */
}

void drop_summary__print(const struct drop_summary *s, FILE *out)
{
	const struct drop_key **order;
	unsigned long long total = s->other;

	if (!s->n)
		return;
	order = malloc(s->n * sizeof(*order));
	if (!order)
		return;
	for (size_t i = 0; i < s->n; i++) {
		order[i] = &s->v[i];
		total += s->v[i].count;
	}
	qsort(order, s->n, sizeof(*order), by_count);
	fprintf(out, "pwru: %llu drops:\n", total);
	for (size_t i = 0; i < s->n; i++) {
		fprintf(out, "pwru: %8llu  %s at %s", order[i]->count,
			order[i]->reason ?: "(no reason)", order[i]->location ?: "?");
		if (order[i]->rule)
			fprintf(out, " by %s", order[i]->rule);
		fputc('\n', out);
	}
	if (s->other)
		fprintf(out, "pwru: %8llu  others\n", s->other);
	free(order);
}
