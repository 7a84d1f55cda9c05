/* SPDX-License-Identifier: GPL-2.0 */
/* Command line: one struct options, filled by options__parse(). */
#ifndef PWRU_OPTIONS_H
#define PWRU_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#include "skb_expr_cfg.h"

/*
 * Default ring buffer: 4 MiB. A record is 216 bytes (struct pwru_event and
 * the ring's 8-byte header), so at 100k events/s it holds 190 ms of events,
 * the time the reader may be off the CPU without a loss; an idle reader
 * needs a few ms. The kernel maps the data pages twice, so it counts twice
 * in resident memory: 8 MiB of a 20 MiB budget for a whole session. On a
 * machine loaded far beyond its cores, stalls grow longer (bench/README.md).
 */
#define RINGBUF_DEFAULT_BYTES (4u << 20)

enum ts_mode {
	TS_NONE = 0,
	TS_CURRENT,
	TS_RELATIVE,
	TS_ABSOLUTE,
};

enum pwru_cmd {
	CMD_TRACE = 0,
	CMD_CHECK,
	CMD_HELP,
	CMD_VERSION,
	CMD_LIST_FUNCS,
};

struct options {
	enum pwru_cmd cmd;
	int backend; /* enum pwru_backend, or -1 for auto */
	const char *filter_func;
	__u32 netns; /* 0: any */
	const char *netns_path; /* --filter-netns given as a path, for --filter-ifname */
	__u32 mark;
	__u32 mark_mask; /* 0: no mark filter */
	const char *ifname;
	bool output_tuple;
	bool output_meta;
	bool output_json;
	bool output_stack;
	bool output_caller;
	bool filter_track_skb;
	bool output_tcp_flags;
	bool output_netns_names;
	const char *output_file;
	unsigned long long limit_lines; /* 0: unlimited */
	enum ts_mode timestamp;
	const char *kernel_btf;
	const char *ready_file;
	const char *user; /* --user: who the event loop runs as; NULL: nobody */
	bool all_kmods;
	const char *kmods; /* --kmods: comma-separated module names */
	const char *pcap_filter; /* positional words, joined; owned by options */
	__u32 ringbuf_pages; /* per ring buffer, power of two */
	bool perf_buffer; /* force the perf buffer even where a ring buffer exists */
	bool wait_detach; /* stop: remove the probes before exiting, never in a child */
	bool nft_trace; /* tracepoint backend: a tracing nftables table of pwru's own */
	/* field expressions (src/skb_expr.h), resolved through BTF at trace time */
	const char *skb_expr; /* --filter-skb-expr */
	const char *skb_meta[PWRU_META_MAX]; /* --output-skb-metadata, in order */
	unsigned int nr_skb_meta;
	/* struct dumps after each event (src/skb_dump.h) */
	bool output_skb;
	bool output_skb_shared_info;
	bool output_skb_cb;
};

/*
 * Whether argv asks for --output-json, read before options__parse() so that
 * its own errors can be JSON too: the full spelling only (--output-json or
 * --output-json=BOOL, up to a "--"); options__parse()'s answer wins once
 * it succeeds.
 */
bool options__json_early(int argc, char **argv);
/*
 * Parse argv. Returns 0 on success, or -EINVAL with a one-line message
 * (without the "pwru: " prefix or newline) in err.
 */
int options__parse(struct options *o, int argc, char **argv, char *err, size_t err_len);
/* RINGBUF_DEFAULT_BYTES in pages of this machine */
__u32 options__default_ringbuf_pages(void);
void options__free(struct options *o);
void options__usage(FILE *out);

#endif /* PWRU_OPTIONS_H */
