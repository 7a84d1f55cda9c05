// SPDX-License-Identifier: GPL-2.0
/*
 * `make static` links this in place of nft_rules.c and nft_trace.c: Debian
 * ships no static libmnl or libnftables (and libnftnl.a needs libmnl), so a
 * static pwru names the table, chain, hook, priority and rule handle of a
 * drop (all from BPF), but not the rule's text or position, and has no
 * --nft-trace.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nft_rules.h"
#include "nft_trace.h"

struct nft_rules *nft_rules__new(void)
{
	errno = ENOTSUP;
	return NULL;
}

void nft_rules__free(struct nft_rules *nr)
{
}

int nft_rules__lookup(struct nft_rules *nr, __u8 family, const char *table, const char *chain,
		      __u64 handle, struct nft_rule_info *out)
{
	memset(out, 0, sizeof(*out));
	return -ENOTSUP;
}

int nft_trace__open(struct nft_trace **out, const char *pcap_filter, char *msg, size_t len)
{
	*out = NULL;
	snprintf(msg, len, "not in this static build (no static libmnl or libnftables): use the "
		 "packaged pwru");
	return -ENOTSUP;
}

void nft_trace__close(struct nft_trace *nt)
{
}

bool nft_trace__match(struct nft_trace *nt, const struct pwru_event *ev, struct pwru_nf *nf)
{
	return false;
}
