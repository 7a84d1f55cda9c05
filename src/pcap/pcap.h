/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcap filters: a libpcap expression compiled to classic BPF twice (Ethernet
 * and raw IP), translated to eBPF subprograms and spliced into every
 * program that calls the stubs of bpf/body.bpf.h, before it is loaded.
 *
 * The translated subprogram follows the stub's signature:
 *   r1 = address of the first packet byte (head + mac_header or network_header)
 *   r2 = bytes readable from there, r3 = packet length (what `len` means)
 *   r0 = 0: no match, anything else: match
 */
#ifndef PWRU_PCAP_H
#define PWRU_PCAP_H

#include "perr.h"

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct bpf_insn;
struct bpf_object;

/* One classic BPF instruction, struct sock_filter's layout. */
struct pcap_cbpf {
	__u16 code;
	__u8 jt;
	__u8 jf;
	__u32 k;
};

enum pcap_layer {
	PCAP_L2 = 0, /* DLT_EN10MB, from the MAC header */
	PCAP_L3 = 1, /* DLT_RAW, from the network header */
};

/* Markers of the stubs' bodies; must match body.bpf.h. */
#define PCAP_STUB_MAGIC_L2 0x7077727550434c32ULL /* "pwruPCL2" */
#define PCAP_STUB_MAGIC_L3 0x7077727550434c33ULL /* "pwruPCL3" */

/* snaplen given to pcap_open_dead(); what `ret #k` returns on a match */
#define PCAP_SNAPLEN 262144

struct pwru_pcap {
	char *expr;
	struct pcap_cbpf *prog[2]; /* by enum pcap_layer */
	size_t len[2];
	bool no_l3; /* no raw-IP form (e.g. `arp`): the L3 stub rejects */
};

/*
 * Compile expr for both layers (optimized, netmask unknown). A bad
 * expression fails with -EINVAL and libpcap's own message in err.
 */
int pcap_filter__compile(const char *expr, struct pwru_pcap **out, char *err, size_t len);
void pcap_filter__free(struct pwru_pcap *f);
/* libpcap's verdict (pcap_offline_filter) for one layer: 0 or the snaplen; 0 without a program */
__u32 pcap_filter__match_offline(const struct pwru_pcap *f, enum pcap_layer layer, const __u8 *pkt,
				 __u32 caplen, __u32 wirelen);

/*
 * Translate one classic program into an eBPF subprogram body that reads the
 * packet with helper probe_read_fn (bpf_probe_read_kernel, or bpf_probe_read
 * on kernels before 5.5). *out is malloc'ed.
 */
int pcap_translate(const struct pcap_cbpf *prog, size_t n, int probe_read_fn, struct bpf_insn **out,
		   size_t *cnt, char *err, size_t len);

/*
 * Instruction-offset fix-ups for a splice: records (func_info, line_info)
 * whose first __u32 is an instruction offset, rewritten to match the new
 * instruction stream. Either may be NULL.
 */
struct pcap_btf_ext {
	void *recs;
	__u32 cnt;
	__u32 rec_size;
};

/*
 * Replace the body of every stub subprogram found in insns (by its marker)
 * with the translated filter for its layer, fixing jump, call and BTF
 * offsets. Returns the number of stubs replaced (0: nothing to do, *out
 * untouched) or a negative errno with a message in err.
 */
struct pcap_where {
	size_t n; /* filter bodies in the new program: [start, end) */
	size_t start[2], end[2];
};

/* translate.c and splice.c: format err, return ret */
#define pcap__fail perr__msg /* src/perr.h */

int pcap_splice(const struct pwru_pcap *f, const struct bpf_insn *insns, size_t cnt,
		struct bpf_insn **out, size_t *out_cnt, struct pcap_btf_ext *func_info,
		struct pcap_btf_ext *line_info, struct pcap_where *where, char *err, size_t len);

/* The helper the program already uses to read kernel memory (libbpf may have downgraded it). */
int pcap_probe_read_fn(const struct bpf_insn *insns, size_t cnt);

/*
 * Load the filter alone, in a raw tracepoint program that calls both
 * subprograms with unknown arguments, so that a verifier rejection is
 * reported with the verifier's last lines before any backend loads.
 * Returns 0, -EACCES/-EINVAL with the message in err, or 0 when the kernel
 * cannot load such a program at all (nothing to learn).
 */
int pcap_filter__verify(const struct pwru_pcap *f, char *err, size_t len);

/*
 * Make every program libbpf loads from now on (raw_tp, kprobe, kprobe.multi,
 * fentry, fexit, tp_btf sections) get f spliced into its stubs. Call before
 * the backends open their objects; f must outlive the loads.
 */
int pcap_filter__install(const struct pwru_pcap *f);
void pcap_filter__uninstall(void);
/*
 * Before load: -ENOTSUP if a program of obj is in a section no handler
 * covers (it would load unfiltered). After load: -EINVAL if a program still
 * has a stub. Both 0 when no filter is installed.
 */
int pcap_filter__check_obj(const struct bpf_object *obj);
int pcap_filter__check_loaded(const struct bpf_object *obj);
/*
 * After a backend failed to load: true, with the verifier's last lines in
 * err, when the kernel rejected a program because of the filter: the last
 * instruction the verifier log shows lies inside a spliced filter body.
 */
bool pcap_filter__rejected(char *err, size_t len); /* err may be NULL */
bool pcap_where__blamed(const struct pcap_where *w, const char *log);
/* forget the last rejection: the next backend's loads are judged afresh */
void pcap_filter__next_backend(void);
/* -errno of the last splice or check that failed, with its message */
int pcap_filter__last_error(char *err, size_t len);

#endif /* PWRU_PCAP_H */
