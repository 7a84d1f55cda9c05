/* SPDX-License-Identifier: GPL-2.0 */
/* Between the files of src/discovery/; everything else uses funcs.h. */
#ifndef PWRU_DISCOVER_IMPL_H
#define PWRU_DISCOVER_IMPL_H

#include "funcs.h"

void skb_func__clear(struct skb_func *f);
/* Keep the entries whose whole name matches pattern (skb_funcs__regex_compile()). */
int skb_funcs__filter_regex(struct skb_funcs *f, const char *pattern);
/* Keep the entries the kernel can probe; see probeable.c. */
int skb_funcs__filter_probeable(const struct discover_opts *o, struct skb_funcs *f);

#endif /* PWRU_DISCOVER_IMPL_H */
