// SPDX-License-Identifier: GPL-2.0
/*
 * The pcap fuzzers' oracle: what the translator and the splice promise
 * (src/pcap.h), checked in user space. The in-kernel differential test
 * (tests/unit/test_pcap.c) does the same with the real verifier on a
 * fixed corpus; here the filters and packets come from the fuzzer.
 */
#include <errno.h>
#include <string.h>
#include <linux/bpf.h>

#include "ebpf_run.h"
#include "fuzz.h"
#include "pcap_check.h"

/* main calls the stub as the body does (r1-r3 passed on); the stub as clang emits it */
static void harness(struct bpf_insn *v, __u64 magic)
{
	const struct bpf_insn h[] = {
	    {BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 1},
	    {BPF_JMP | BPF_EXIT},
	    {BPF_LD | BPF_DW | BPF_IMM, BPF_REG_0, 0, 0, (__s32)(__u32)magic},
	    {0, 0, 0, 0, (__s32)(magic >> 32)},
	    {BPF_JMP | BPF_EXIT},
	};

	memcpy(v, h, sizeof(h));
}

static void dump(const struct bpf_insn *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%4zu: code 0x%02x dst r%d src r%d off %d imm %d\n", i, v[i].code,
			v[i].dst_reg, v[i].src_reg, v[i].off, v[i].imm);
}

static void check_layer(const struct pwru_pcap *f, enum pcap_layer layer, const __u8 *pkt,
			__u32 caplen, __u32 wirelen, bool compare)
{
	static const __u64 magic[2] = {PCAP_STUB_MAGIC_L2, PCAP_STUB_MAGIC_L3};
	/* func_info for main and the stub, line_info for each insn */
	__u32 fi[2][2] = {{0, 1}, {2, 2}}, li[5][4] = {{0}, {1}, {2}, {3}, {4}};
	struct pcap_btf_ext fie = {fi, 2, sizeof(fi[0])}, lie = {li, 5, sizeof(li[0])};
	struct pcap_where where = {};
	struct bpf_insn h[5], *v = NULL;
	char err[256] = "";
	size_t n = 0;
	__u64 r0 = 0;
	int ret;

	harness(h, magic[layer]);
	ret = pcap_splice(f, h, 5, &v, &n, &fie, &lie, &where, err, sizeof(err));
	/* the one refusal a program libpcap accepts may get: too large for a 16-bit jump */
	if (ret == -E2BIG)
		return;
	FUZZ_ASSERT(ret == 1, "L%d splice returned %d: %s", layer + 2, ret, err);
	FUZZ_ASSERT(where.n == 1 && where.start[0] == 2 && where.end[0] == n,
		    "filter body at [%zu, %zu) of %zu", where.start[0], where.end[0], n);
	FUZZ_ASSERT(fie.cnt == 2 && ((__u32 *)fie.recs)[2] == 2, "func_info not kept");
	/* the records inside the old stub body are gone */
	FUZZ_ASSERT(lie.cnt == 3 && ((__u32 *)lie.recs)[8] == 2, "line_info: %u records", lie.cnt);
	free(fie.recs);
	free(lie.recs);
	ret = ebpf_check(v, n, err, sizeof(err));
	if (ret)
		dump(v, n);
	FUZZ_ASSERT(!ret, "L%d: the verifier would refuse it: %s", layer + 2, err);
	ret = ebpf_run(v, n, pkt, caplen, wirelen, &r0, err, sizeof(err));
	if (ret)
		dump(v, n);
	FUZZ_ASSERT(!ret, "L%d: run failed: %s", layer + 2, err);
	if (compare) {
		__u32 want = pcap_filter__match_offline(f, layer, pkt, caplen, wirelen);

		FUZZ_ASSERT((__u32)r0 == want, "L%d '%s' caplen %u len %u: libpcap %u, eBPF %u",
			    layer + 2, f->expr ? f->expr : "(cbpf)", caplen, wirelen, want,
			    (__u32)r0);
	}
	free(v);
}

void pcap_check(const struct pwru_pcap *f, unsigned int mask, const __u8 *pkt, __u32 caplen,
		__u32 wirelen, bool compare)
{
	for (int layer = PCAP_L2; layer <= PCAP_L3; layer++)
		if (mask & (1u << layer))
			check_layer(f, layer, pkt, caplen, wirelen, compare);
}
