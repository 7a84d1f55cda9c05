// SPDX-License-Identifier: GPL-2.0
/*
 * Classic BPF (as libpcap emits it) to an eBPF subprogram; splice.c puts it
 * into a relocated program in place of a stub.
 *
 * The semantics are those of libpcap's bpf_filter() (pcap_offline_filter):
 * loads are big-endian and bounded by the captured length, a load past it
 * or a division by zero returns 0, shifts by 32 or more give 0. The
 * translation follows the kernel's own cBPF converter (net/core/filter.c)
 * where it can: 32-bit ALU so A and X stay zero-extended, and immediates
 * with the top bit set moved to a register before 64-bit compares.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/filter.h>

#include "pcap.h"

/* Registers: A and X, then the packet window; r0-r5 are scratch. */
#define R_A BPF_REG_6
#define R_X BPF_REG_7
#define R_BASE BPF_REG_8
#define R_CAP BPF_REG_9
#define R_FP BPF_REG_10

/* Stack: the load buffer, the packet length, then M[0..15]. */
#define OFF_BUF (-8)
#define OFF_WIRELEN (-16)
#define OFF_MEM(i) (-24 - 8 * (int)(i))

#define OFF_LOOPS OFF_MEM(BPF_MEMWORDS)

/*
 * `protochain` walks IPv6/IPv4 header chains with a backward `ja`, which
 * libpcap's interpreter follows until a read fails. eBPF needs a bound the
 * verifier can see (kernels 5.3+): this many backward jumps, then no match.
 */
#define MAX_LOOPS 16

#define TGT_REJECT (-1)

static struct bpf_insn mk(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	struct bpf_insn i = {.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};

	return i;
}

struct xlate {
	struct bpf_insn *v;
	size_t n, cap;
	/* jumps to patch: insn index and classic target (or TGT_REJECT) */
	struct {
		size_t at;
		long target;
	} * fix;
	size_t nfix, capfix;
	int probe_read;
	int err;
};

static void emit(struct xlate *x, struct bpf_insn i)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 256;
		struct bpf_insn *v = realloc(x->v, cap * sizeof(*v));

		if (!v) {
			x->err = -ENOMEM;
			return;
		}
		x->v = v;
		x->cap = cap;
	}
	x->v[x->n++] = i;
}

/* A jump whose offset is patched once every classic insn has a position. */
static void emit_jmp(struct xlate *x, struct bpf_insn i, long target)
{
	if (x->nfix == x->capfix) {
		size_t cap = x->capfix ? x->capfix * 2 : 128;
		void *v = realloc(x->fix, cap * sizeof(*x->fix));

		if (!v) {
			x->err = -ENOMEM;
			return;
		}
		x->fix = v;
		x->capfix = cap;
	}
	x->fix[x->nfix].at = x->n;
	x->fix[x->nfix].target = target;
	x->nfix++;
	emit(x, i);
}

#define MOV64_REG(d, s) mk(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV32_REG(d, s) mk(BPF_ALU | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, k) mk(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, k)
#define MOV32_IMM(d, k) mk(BPF_ALU | BPF_MOV | BPF_K, d, 0, 0, k)
#define ADD64_REG(d, s) mk(BPF_ALU64 | BPF_ADD | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, k) mk(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, k)
#define LDX(sz, d, s, o) mk(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define STX(sz, d, s, o) mk(BPF_STX | BPF_MEM | (sz), d, s, o, 0)
#define ST_IMM(sz, d, o, k) mk(BPF_ST | BPF_MEM | (sz), d, 0, o, k)
#define JMP_IMM(op, d, k) mk(BPF_JMP | (op) | BPF_K, d, 0, 0, k)
#define JMP_REG(op, d, s) mk(BPF_JMP | (op) | BPF_X, d, s, 0, 0)
#define JA() mk(BPF_JMP | BPF_JA, 0, 0, 0, 0)
#define CALL(fn) mk(BPF_JMP | BPF_CALL, 0, 0, 0, fn)
#define EXIT() mk(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/*
 * Bounds-check [r3, r3 + size) against the captured length, read it into
 * the stack buffer with the probe-read helper, and load it into dst in host
 * order. r3 holds the offset (zero-extended) on entry.
 */
static void emit_read(struct xlate *x, int size, int dst)
{
	static const int bpf_size[] = {[1] = BPF_B, [2] = BPF_H, [4] = BPF_W};

	emit(x, MOV64_REG(BPF_REG_2, BPF_REG_3));
	emit(x, ADD64_IMM(BPF_REG_2, size));
	emit_jmp(x, JMP_REG(BPF_JGT, BPF_REG_2, R_CAP), TGT_REJECT);
	emit(x, ADD64_REG(BPF_REG_3, R_BASE));
	emit(x, MOV64_REG(BPF_REG_1, R_FP));
	emit(x, ADD64_IMM(BPF_REG_1, OFF_BUF));
	emit(x, MOV64_IMM(BPF_REG_2, size));
	emit(x, CALL(x->probe_read));
	emit_jmp(x, JMP_IMM(BPF_JNE, BPF_REG_0, 0), TGT_REJECT);
	emit(x, LDX(bpf_size[size], dst, R_FP, OFF_BUF));
	if (size > 1) /* to big endian = from network order; zero-extends */
		emit(x, mk(BPF_ALU | BPF_END | BPF_TO_BE, dst, 0, 0, size * 8));
}

static int size_of(__u16 code)
{
	switch (BPF_SIZE(code)) {
	case BPF_W:
		return 4;
	case BPF_H:
		return 2;
	case BPF_B:
		return 1;
	}
	return 0;
}

static int xlate_ld(struct xlate *x, const struct pcap_cbpf *c, int dst)
{
	int size = size_of(c->code);

	switch (BPF_MODE(c->code)) {
	case BPF_IMM:
		emit(x, MOV32_IMM(dst, c->k));
		return 0;
	case BPF_MEM:
		if (c->k >= BPF_MEMWORDS)
			return -EINVAL;
		emit(x, LDX(BPF_W, dst, R_FP, OFF_MEM(c->k)));
		return 0;
	case BPF_LEN:
		emit(x, LDX(BPF_DW, dst, R_FP, OFF_WIRELEN));
		return 0;
	case BPF_ABS:
		if (dst != R_A || !size)
			return -EINVAL;
		emit(x, MOV32_IMM(BPF_REG_3, c->k)); /* zero-extends any k */
		emit_read(x, size, R_A);
		return 0;
	case BPF_IND:
		if (dst != R_A || !size)
			return -EINVAL;
		/* X + k in 64 bits cannot wrap, so the bound check is exact */
		emit(x, MOV32_IMM(BPF_REG_3, c->k));
		emit(x, ADD64_REG(BPF_REG_3, R_X));
		emit_read(x, size, R_A);
		return 0;
	case BPF_MSH: /* X = (P[k] & 0xf) << 2, the IPv4 header length */
		if (dst != R_X || BPF_SIZE(c->code) != BPF_B)
			return -EINVAL;
		emit(x, MOV32_IMM(BPF_REG_3, c->k));
		emit_read(x, 1, R_X);
		emit(x, mk(BPF_ALU | BPF_AND | BPF_K, R_X, 0, 0, 0xf));
		emit(x, mk(BPF_ALU | BPF_LSH | BPF_K, R_X, 0, 0, 2));
		return 0;
	}
	return -EINVAL;
}

static int xlate_alu(struct xlate *x, const struct pcap_cbpf *c)
{
	__u8 op = BPF_OP(c->code);

	switch (op) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_MUL:
	case BPF_OR:
	case BPF_AND:
	case BPF_XOR:
		break;
	case BPF_NEG:
		emit(x, mk(BPF_ALU | BPF_NEG, R_A, 0, 0, 0));
		return 0;
	case BPF_DIV:
	case BPF_MOD:
		if (BPF_SRC(c->code) == BPF_K && !c->k) {
			emit_jmp(x, JA(), TGT_REJECT);
			return 0;
		}
		if (BPF_SRC(c->code) == BPF_X)
			emit_jmp(x, JMP_IMM(BPF_JEQ, R_X, 0), TGT_REJECT);
		break;
	case BPF_LSH:
	case BPF_RSH:
		/* libpcap 1.10: a shift by 32 or more yields 0 */
		if (BPF_SRC(c->code) == BPF_K) {
			if (c->k >= 32)
				emit(x, MOV32_IMM(R_A, 0));
			else
				emit(x, mk(BPF_ALU | op | BPF_K, R_A, 0, 0, c->k));
			return 0;
		}
		emit(x, JMP_IMM(BPF_JGT, R_X, 31));
		x->v[x->n - 1].off = 2;
		emit(x, mk(BPF_ALU | op | BPF_X, R_A, R_X, 0, 0));
		emit(x, JA());
		x->v[x->n - 1].off = 1;
		emit(x, MOV32_IMM(R_A, 0));
		return 0;
	default:
		return -EINVAL;
	}
	if (BPF_SRC(c->code) == BPF_K)
		emit(x, mk(BPF_ALU | op | BPF_K, R_A, 0, 0, c->k));
	else
		emit(x, mk(BPF_ALU | op | BPF_X, R_A, R_X, 0, 0));
	return 0;
}

static int xlate_jmp(struct xlate *x, const struct pcap_cbpf *c, size_t pc, size_t n)
{
	__u8 op = BPF_OP(c->code);
	long jt = pc + 1 + c->jt, jf = pc + 1 + c->jf;
	struct bpf_insn j;

	if (op == BPF_JA) {
		long t = (long)pc + 1 + (__s32)c->k;

		if (t < 0 || t >= (long)n)
			return -EINVAL;
		if (t <= (long)pc) {
			emit(x, LDX(BPF_DW, BPF_REG_0, R_FP, OFF_LOOPS));
			emit(x, ADD64_IMM(BPF_REG_0, 1));
			emit(x, STX(BPF_DW, R_FP, BPF_REG_0, OFF_LOOPS));
			emit_jmp(x, JMP_IMM(BPF_JGT, BPF_REG_0, MAX_LOOPS), TGT_REJECT);
		}
		emit_jmp(x, JA(), t);
		return 0;
	}
	if (op != BPF_JEQ && op != BPF_JGT && op != BPF_JGE && op != BPF_JSET)
		return -EINVAL;
	if ((size_t)jt >= n || (size_t)jf >= n)
		return -EINVAL;
	if (BPF_SRC(c->code) == BPF_X) {
		j = JMP_REG(op, R_A, R_X);
	} else if ((__s32)c->k < 0 && op != BPF_JSET) {
		/* imm is sign-extended in 64-bit compares; A is not */
		emit(x, MOV32_IMM(BPF_REG_2, c->k));
		j = JMP_REG(op, R_A, BPF_REG_2);
	} else {
		j = JMP_IMM(op, R_A, c->k);
	}
	if (jt == jf) {
		emit_jmp(x, JA(), jt);
		return 0;
	}
	emit_jmp(x, j, jt);
	if (jf != (long)pc + 1)
		emit_jmp(x, JA(), jf);
	return 0;
}

static int xlate_one(struct xlate *x, const struct pcap_cbpf *c, size_t pc, size_t n)
{
	switch (BPF_CLASS(c->code)) {
	case BPF_LD:
		return xlate_ld(x, c, R_A);
	case BPF_LDX:
		return xlate_ld(x, c, R_X);
	case BPF_ST:
	case BPF_STX:
		if (c->k >= BPF_MEMWORDS)
			return -EINVAL;
		emit(x, STX(BPF_W, R_FP, BPF_CLASS(c->code) == BPF_ST ? R_A : R_X, OFF_MEM(c->k)));
		return 0;
	case BPF_ALU:
		return xlate_alu(x, c);
	case BPF_JMP:
		return xlate_jmp(x, c, pc, n);
	case BPF_RET:
		if (BPF_RVAL(c->code) == BPF_A)
			emit(x, MOV32_REG(BPF_REG_0, R_A));
		else if (BPF_RVAL(c->code) == BPF_K)
			emit(x, MOV32_IMM(BPF_REG_0, c->k));
		else
			return -EINVAL;
		emit(x, EXIT());
		return 0;
	case BPF_MISC:
		if (BPF_MISCOP(c->code) == BPF_TAX)
			emit(x, MOV32_REG(R_X, R_A));
		else if (BPF_MISCOP(c->code) == BPF_TXA)
			emit(x, MOV32_REG(R_A, R_X));
		else
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

/* M[] slots that are read: zeroed up front so the verifier sees them written. */
static unsigned int mem_used(const struct pcap_cbpf *prog, size_t n)
{
	unsigned int used = 0;

	for (size_t i = 0; i < n; i++) {
		__u16 c = prog[i].code;

		if (((BPF_CLASS(c) == BPF_LD || BPF_CLASS(c) == BPF_LDX) &&
		     BPF_MODE(c) == BPF_MEM) ||
		    BPF_CLASS(c) == BPF_ST || BPF_CLASS(c) == BPF_STX)
			if (prog[i].k < BPF_MEMWORDS)
				used |= 1u << prog[i].k;
	}
	return used;
}

static bool has_loops(const struct pcap_cbpf *prog, size_t n)
{
	for (size_t i = 0; i < n; i++)
		/* as xlate_jmp() decodes it: any JA code, whatever its other bits */
		if (BPF_CLASS(prog[i].code) == BPF_JMP && BPF_OP(prog[i].code) == BPF_JA &&
		    (__s32)prog[i].k < 0)
			return true;
	return false;
}

/*
 * Classic insns that no path reaches: libpcap's optimizer leaves none, but
 * their translation would be dead eBPF code, which the verifier refuses
 * ("unreachable insn"). A division by a constant zero ends its path (it
 * becomes a jump to the reject label). -EINVAL if a path runs off the end,
 * which libpcap's bpf_validate() refuses too.
 */
static int reachable(const struct pcap_cbpf *prog, size_t n, bool *reach)
{
	size_t *work = malloc(n * sizeof(*work)), nw = 0;
	int ret = 0;

	if (!work)
		return -ENOMEM;
	reach[0] = true;
	work[nw++] = 0;
	while (nw && !ret) {
		const struct pcap_cbpf *c = &prog[work[--nw]];
		long pc = c - prog, next[2] = {pc + 1, -1};
		__u8 op = BPF_OP(c->code);

		if (BPF_CLASS(c->code) == BPF_RET)
			continue;
		if (BPF_CLASS(c->code) == BPF_ALU && (op == BPF_DIV || op == BPF_MOD) &&
		    BPF_SRC(c->code) == BPF_K && !c->k)
			continue;
		if (BPF_CLASS(c->code) == BPF_JMP && op == BPF_JA) {
			next[0] = pc + 1 + (__s32)c->k;
		} else if (BPF_CLASS(c->code) == BPF_JMP) {
			next[0] = pc + 1 + c->jt;
			next[1] = pc + 1 + c->jf;
		}
		for (int k = 0; k < 2; k++) {
			if (next[k] == (long)n)
				ret = -EINVAL;
			if (next[k] < 0 || next[k] >= (long)n || reach[next[k]])
				continue; /* a bad jump target is xlate_jmp()'s to refuse */
			reach[next[k]] = true;
			work[nw++] = next[k];
		}
	}
	free(work);
	return ret;
}

static void emit_prologue(struct xlate *x, unsigned int mem, bool loops)
{
	emit(x, MOV64_REG(R_BASE, BPF_REG_1));
	emit(x, MOV32_REG(R_CAP, BPF_REG_2));
	emit(x, MOV32_REG(BPF_REG_3, BPF_REG_3));
	emit(x, STX(BPF_DW, R_FP, BPF_REG_3, OFF_WIRELEN));
	emit(x, MOV32_IMM(R_A, 0));
	emit(x, MOV32_IMM(R_X, 0));
	for (int i = 0; i < BPF_MEMWORDS; i++)
		if (mem & (1u << i))
			emit(x, ST_IMM(BPF_W, R_FP, OFF_MEM(i), 0));
	if (loops)
		emit(x, ST_IMM(BPF_DW, R_FP, OFF_LOOPS, 0));
}

int pcap_translate(const struct pcap_cbpf *prog, size_t n, int probe_read_fn, struct bpf_insn **out,
		   size_t *cnt, char *err, size_t len)
{
	struct xlate x = {.probe_read = probe_read_fn};
	size_t *pos, reject;
	bool *reach;
	int ret = 0;

	if (!n)
		return pcap__fail(err, len, -EINVAL, "empty classic BPF program");
	pos = calloc(n, sizeof(*pos));
	reach = calloc(n, sizeof(*reach));
	if (!pos || !reach) {
		ret = -ENOMEM;
		goto out;
	}
	ret = reachable(prog, n, reach);
	if (ret) {
		ret = pcap__fail(err, len, ret, "classic BPF program runs past its last insn");
		goto out;
	}
	emit_prologue(&x, mem_used(prog, n), has_loops(prog, n));
	for (size_t pc = 0; pc < n && !x.err; pc++) {
		size_t mark = x.n, fmark = x.nfix;

		pos[pc] = x.n;
		ret = xlate_one(&x, &prog[pc], pc, n);
		if (ret) {
			ret = pcap__fail(err, len, ret,
				   "classic BPF insn %zu (code 0x%04x k %u) not supported", pc,
				   prog[pc].code, prog[pc].k);
			goto out;
		}
		if (!reach[pc]) { /* checked, but not emitted */
			x.n = mark;
			x.nfix = fmark;
		}
	}
	/* the shared "return 0", only if something jumps there: the verifier rejects dead code */
	reject = x.n;
	for (size_t i = 0; i < x.nfix; i++) {
		if (x.fix[i].target == TGT_REJECT) {
			emit(&x, MOV32_IMM(BPF_REG_0, 0));
			emit(&x, EXIT());
			break;
		}
	}
	ret = x.err;
	for (size_t i = 0; !ret && i < x.nfix; i++) {
		long to = x.fix[i].target == TGT_REJECT ? (long)reject : (long)pos[x.fix[i].target];
		long off = to - (long)x.fix[i].at - 1;

		if (off < -32768 || off > 32767)
			ret = pcap__fail(err, len, -E2BIG, "filter too large: jump offset %ld", off);
		else
			x.v[x.fix[i].at].off = off;
	}
out:
	free(pos);
	free(reach);
	free(x.fix);
	if (ret) {
		free(x.v);
		return ret;
	}
	*out = x.v;
	*cnt = x.n;
	return 0;
}
