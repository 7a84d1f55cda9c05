// SPDX-License-Identifier: GPL-2.0
/* --filter-func: one anchoring of the pattern, and the filter on discovered names. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover_impl.h"

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
