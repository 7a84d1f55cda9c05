// SPDX-License-Identifier: GPL-2.0
/*
 * Classic BPF programs straight from the fuzzer: the translator must never
 * crash, must refuse with a message or give a program the verifier would
 * take, and, for programs libpcap's interpreter defines (its opcodes, only
 * forward jumps, no constant division by zero, no scratch word read before
 * it is stored on every path), must agree with libpcap on the packet.
 * Input: u8 insn count, u8 flags, the insns (struct sock_filter layout),
 * then the packet.
 */
#include <errno.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/filter.h>

#include "fuzz.h"
#include "pcap_check.h"

/* The opcodes of libpcap's bpf_filter() switch (1.10). */
static bool libpcap_op(__u16 code)
{
	switch (code) {
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND:
	case BPF_LDX | BPF_MSH | BPF_B:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_JMP | BPF_JA:
	case BPF_ALU | BPF_NEG:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
		return true;
	}
	if (BPF_CLASS(code) == BPF_JMP)
		return (code & ~(BPF_X | 0xf0)) == BPF_JMP &&
		       (BPF_OP(code) == BPF_JEQ || BPF_OP(code) == BPF_JGT ||
			BPF_OP(code) == BPF_JGE || BPF_OP(code) == BPF_JSET);
	if (BPF_CLASS(code) == BPF_ALU && (code & ~(BPF_X | 0xf0)) == BPF_ALU)
		switch (BPF_OP(code)) {
		case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_DIV: case BPF_MOD:
		case BPF_AND: case BPF_OR: case BPF_XOR: case BPF_LSH: case BPF_RSH:
			return true;
		}
	return false;
}

static bool reads_mem(__u16 code)
{
	return code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_MEM);
}

/* Defined for libpcap's interpreter: see the comment at the top. */
static bool libpcap_defined(const struct pcap_cbpf *p, size_t n)
{
	__u32 stored[256]; /* scratch words stored on every path to insn i */
	bool reached[256] = {[0] = true};

	if (n > 256 || BPF_CLASS(p[n - 1].code) != BPF_RET)
		return false;
	memset(stored, 0, sizeof(stored));
	for (size_t i = 0; i < n; i++) {
		__u16 c = p[i].code;
		size_t next[2] = {i + 1, i + 1};
		__u32 out = stored[i];

		if (!libpcap_op(c))
			return false;
		if ((reads_mem(c) || c == BPF_ST || c == BPF_STX) && p[i].k >= BPF_MEMWORDS)
			return false;
		if ((c == (BPF_ALU | BPF_DIV | BPF_K) || c == (BPF_ALU | BPF_MOD | BPF_K)) && !p[i].k)
			return false;
		/* bpf_validate() checks every jump, reached or not */
		if (c == (BPF_JMP | BPF_JA) && p[i].k >= n - i - 1)
			return false;
		if (BPF_CLASS(c) == BPF_JMP && c != (BPF_JMP | BPF_JA) &&
		    (i + 1 + p[i].jt >= n || i + 1 + p[i].jf >= n))
			return false;
		if (!reached[i])
			continue;
		if (reads_mem(c) && !(stored[i] & (1u << p[i].k)))
			return false;
		if (c == BPF_ST || c == BPF_STX)
			out |= 1u << p[i].k;
		if (BPF_CLASS(c) == BPF_RET)
			continue;
		if (c == (BPF_JMP | BPF_JA)) {
			if (p[i].k >= n - i - 1)
				return false;
			next[0] = next[1] = i + 1 + p[i].k;
		} else if (BPF_CLASS(c) == BPF_JMP) {
			next[0] = i + 1 + p[i].jt;
			next[1] = i + 1 + p[i].jf;
		}
		for (int k = 0; k < 2; k++) {
			if (next[k] >= n)
				return false;
			stored[next[k]] = reached[next[k]] ? stored[next[k]] & out : out;
			reached[next[k]] = true;
		}
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pwru_pcap f = {};
	size_t n, plen;
	struct bpf_insn *out;
	char err[256];
	__u8 *pkt;
	size_t cnt;
	bool defined;
	int ret;

	if (size < 2)
		return 0;
	n = data[0] % 64 + 1;
	if (size < 2 + n * sizeof(struct pcap_cbpf))
		return 0;
	f.prog[PCAP_L2] = malloc(n * sizeof(struct pcap_cbpf));
	memcpy(f.prog[PCAP_L2], data + 2, n * sizeof(struct pcap_cbpf));
	f.len[PCAP_L2] = n;
	f.no_l3 = true;
	plen = size - 2 - n * sizeof(struct pcap_cbpf);
	pkt = malloc(plen ? plen : 1);
	memcpy(pkt, data + 2 + n * sizeof(struct pcap_cbpf), plen);
	defined = libpcap_defined(f.prog[PCAP_L2], n);

	ret = pcap_translate(f.prog[PCAP_L2], n, BPF_FUNC_probe_read_kernel, &out, &cnt, err,
			     sizeof(err));
	FUZZ_ASSERT(ret == 0 || (ret == -EINVAL && err[0]) || ret == -E2BIG,
		    "translate returned %d", ret);
	/* everything libpcap's interpreter runs, the translator takes */
	FUZZ_ASSERT(!defined || !ret || ret == -E2BIG, "refused a program libpcap runs: %s", err);
	if (!ret) {
		free(out);
		pcap_check(&f, 1u << PCAP_L2 | 1u << PCAP_L3, pkt, plen,
			   plen + (data[1] & 0x7f) * 16, defined);
	}
	free(pkt);
	free(f.prog[PCAP_L2]);
	return 0;
}
