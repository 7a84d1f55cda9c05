/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --nft-trace, for the tracepoint backend where no function can be probed:
 * a table of pwru's own (inet pwru_<pid>) whose chains, at the earliest
 * priority of the prerouting and output hooks, set `meta nftrace 1` on the
 * packets the pcap filter names (its IPv4 or IPv6 host, ports and tcp/udp
 * when it is a plain conjunction of those; every packet otherwise). The table is
 * owned by pwru's netlink socket (NFT_TABLE_F_OWNER, 5.12+), so the kernel
 * removes it when pwru exits, even on SIGKILL. A listener on NFNLGRP_NFTRACE
 * keeps the recent drop verdicts; a drop event takes the one of its flow.
 */
#ifndef PWRU_NFT_TRACE_H
#define PWRU_NFT_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "event.h"

struct nft_trace;

/* 0, or a negative errno with a one-line reason in msg. */
int nft_trace__open(struct nft_trace **out, const char *pcap_filter, char *msg, size_t len);
void nft_trace__close(struct nft_trace *nt);
/* Read the trace messages queued so far, then the verdict that dropped ev's flow. */
bool nft_trace__match(struct nft_trace *nt, const struct pwru_event *ev, struct pwru_nf *nf);

/*
 * The host (IPv4 or IPv6; one), ports and protocol of a pcap filter made
 * only of `host`, `src|dst host`, `port`, `src|dst port`, `tcp`, `udp`
 * joined by `and`; false (trace everything) for anything else. Exposed for
 * tests.
 */
struct nft_trace_addr {
	__u8 len; /* 0: any, 4 or 16 */
	__u8 a[16]; /* network order */
};

struct nft_trace_sel {
	struct nft_trace_addr saddr, daddr, host;
	__u16 sport, dport, port; /* host order, 0: any */
	__u8 proto; /* IPPROTO_TCP/UDP, 0: both */
};
bool nft_trace__select(const char *pcap_filter, struct nft_trace_sel *sel);

#endif /* PWRU_NFT_TRACE_H */
