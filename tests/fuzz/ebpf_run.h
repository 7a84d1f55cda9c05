/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A user-space stand-in for the kernel's checks and execution of the
 * programs the pcap translator emits, for the fuzzers: ebpf_check() does
 * the verifier's static CFG checks (check_cfg: targets in range, no jump
 * across subprograms, no fall-through off the end, no unreachable insn),
 * ebpf_run() executes, failing on what the verifier would refuse at run
 * time (reading an unset register or stack byte, stack out of bounds) and
 * on a probe read outside the packet bytes the caller said are readable.
 */
#ifndef PWRU_FUZZ_EBPF_RUN_H
#define PWRU_FUZZ_EBPF_RUN_H

#include <stddef.h>
#include <linux/bpf.h>
#include <linux/types.h>

/* 0, or -EINVAL with the reason in err */
int ebpf_check(const struct bpf_insn *v, size_t n, char *err, size_t len);

/*
 * Run from insn 0 with r1 = pkt, r2 = caplen, r3 = wirelen. 0 and *r0, or
 * -EINVAL (a check failed) / -E2BIG (did not end) with the reason in err.
 */
int ebpf_run(const struct bpf_insn *v, size_t n, const __u8 *pkt, __u32 caplen, __u32 wirelen,
	     __u64 *r0, char *err, size_t len);

#endif
