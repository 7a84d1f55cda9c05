/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --output-skb, --output-skb-shared-info, --output-skb-cb: what the BPF side
 * copies (sizes and offsets from the kernel's BTF, into struct pwru_cfg) and
 * how the copied bytes are shown (libbpf's btf_dump__dump_type_data() against
 * the same BTF). The BPF half is bpf/skb_dump.bpf.h.
 */
#ifndef PWRU_SKB_DUMP_H
#define PWRU_SKB_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "event.h"

struct btf;
struct json_writer;
struct skb_dump;

struct skb_dump_opts {
	bool skb; /* --output-skb */
	bool shinfo; /* --output-skb-shared-info */
	bool cb; /* --output-skb-cb */
	const char *btf_name; /* where the BTF came from, for messages */
};

/*
 * Check the BTF has what the options need and fill cfg's dump_* fields.
 * Returns 0, -EINVAL when the BTF lacks a type or member (bad input), or
 * -E2BIG when a type is larger than the event can carry; err holds one line
 * naming the option.
 */
int skb_dump__new(const struct btf *btf, const struct skb_dump_opts *o, struct pwru_cfg *cfg,
		  struct skb_dump **out, char *err, size_t err_len);
void skb_dump__free(struct skb_dump *d);

/* After the event line: "\n(struct sk_buff){...}" and the others asked for. */
void skb_dump__text(struct skb_dump *d, const struct pwru_event *ev, FILE *out);
/* "skb_dump" and "skb_shared_info" as strings, "cb" as 12 u32 words. */
void skb_dump__json(struct skb_dump *d, const struct pwru_event *ev, struct json_writer *w);

#endif /* PWRU_SKB_DUMP_H */
