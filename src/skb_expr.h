/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --filter-skb-expr 'skb->dev->ifindex == 2' and --output-skb-metadata
 * 'skb->mark': a field path from the traced skb, parsed here and resolved
 * through the kernel's BTF into the read list of bpf/skb_expr_cfg.h, which
 * the BPF body walks. Formatting of the metadata values lives here too.
 */
#ifndef PWRU_SKB_EXPR_H
#define PWRU_SKB_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "event.h"

struct btf;
struct json_writer;
struct options;

#define SKB_EXPR_LEN 128 /* an expression's text */
#define SKB_EXPR_PARTS 8 /* members after skb */
#define SKB_EXPR_NAME 64 /* one member's or enum value's name */

/* The syntax of one expression: skb, then (-> | .) member ..., then op value. */
struct skb_expr_path {
	char text[SKB_EXPR_LEN]; /* the path without spaces: "skb->dev->ifindex" */
	int nr;
	struct {
		char name[SKB_EXPR_NAME];
		bool arrow;
	} part[SKB_EXPR_PARTS];
	enum pwru_expr_op op; /* PWRU_EXPR_NONE without a comparison */
	char value[SKB_EXPR_NAME]; /* a number or an enum value's name */
};

/*
 * Parse s. With cmp, a comparison must follow the path, else nothing may.
 * 0, or -EINVAL with a message (no option name, no newline) in err.
 */
int skb_expr__parse(const char *s, bool cmp, struct skb_expr_path *p, char *err, size_t len);

/*
 * Resolve p in btf (which has struct sk_buff) into e. 0, or -EINVAL with
 * a message naming what is missing ("struct sk_buff has no member 'foo'").
 * is_ptr: the field is a pointer (printed in hex).
 */
int skb_expr__resolve(const struct btf *btf, const struct skb_expr_path *p, struct pwru_expr *e,
		      bool *is_ptr, char *err, size_t len);

/* How to print each --output-skb-metadata value. */
struct skb_meta_out {
	unsigned int nr;
	struct {
		char name[SKB_EXPR_LEN];
		bool is_signed;
		bool is_ptr;
	} v[PWRU_META_MAX];
};

/*
 * Every expression of o, resolved in btf (NULL: none available) into cfg
 * and out. 0 when there is none; -EINVAL with a message naming the option.
 */
int skb_expr__setup(const struct options *o, const struct btf *btf, struct pwru_expr_cfg *cfg,
		    struct skb_meta_out *out, char *err, size_t len);

/* " skb->mark=0 skb->dev=0xffff8880..." ("?" for a NULL pointer on the way) */
struct sbuf;
void skb_meta__text(const struct skb_meta_out *m, const struct pwru_event *ev, struct sbuf *b);
/* "skb_metadata": {"skb->mark": 0, ...}, null for a value that could not be read */
void skb_meta__json(const struct skb_meta_out *m, const struct pwru_event *ev,
		    struct json_writer *w);

#endif /* PWRU_SKB_EXPR_H */
