// SPDX-License-Identifier: GPL-2.0
/*
 * Static checks and a small interpreter for the eBPF subset the pcap
 * translator and the fuzz harness use: ALU/ALU64, byte swaps, stack loads
 * and stores through r10, JMP (not JMP32), bpf-to-bpf calls, the two
 * probe-read helpers and ldimm64 of a constant. Anything else is refused,
 * so a new kind of instruction in the translator shows up here first.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpf_run.h"

#define STACK 512
#define MAX_FRAMES 8
#define MAX_STEPS (1 << 20)

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool is_ldimm64(const struct bpf_insn *i)
{
	return i->code == (BPF_LD | BPF_DW | BPF_IMM);
}

static bool is_pseudo_call(const struct bpf_insn *i)
{
	return i->code == (BPF_JMP | BPF_CALL) && i->src_reg == BPF_PSEUDO_CALL;
}

/* Known opcode with sane registers; *target set for jumps and calls (else -1). */
static int check_one(const struct bpf_insn *v, size_t n, size_t i, long *target, char *err,
		     size_t len)
{
	const struct bpf_insn *c = &v[i];
	__u8 cls = BPF_CLASS(c->code), op = BPF_OP(c->code);

	*target = -1;
	if (c->dst_reg > 10 || c->src_reg > 10)
		return fail(err, len, "insn %zu: bad register", i);
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (c->dst_reg == BPF_REG_10)
			return fail(err, len, "insn %zu: writes r10", i);
		if (op == BPF_END) {
			if (cls != BPF_ALU || (c->imm != 16 && c->imm != 32 && c->imm != 64))
				return fail(err, len, "insn %zu: bad byte swap", i);
			return 0;
		}
		if (op > BPF_ARSH && op != BPF_MOV)
			return fail(err, len, "insn %zu: bad ALU op 0x%x", i, op);
		if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) && BPF_SRC(c->code) == BPF_K &&
		    (__u32)c->imm >= (cls == BPF_ALU ? 32u : 64u))
			return fail(err, len, "insn %zu: invalid shift %d", i, c->imm);
		if ((op == BPF_DIV || op == BPF_MOD) && BPF_SRC(c->code) == BPF_K && !c->imm)
			return fail(err, len, "insn %zu: division by zero", i);
		return 0;
	case BPF_LDX:
	case BPF_STX:
	case BPF_ST:
		if (BPF_MODE(c->code) != BPF_MEM)
			return fail(err, len, "insn %zu: bad memory mode", i);
		if (cls == BPF_LDX && c->dst_reg == BPF_REG_10)
			return fail(err, len, "insn %zu: writes r10", i);
		return 0;
	case BPF_LD:
		if (!is_ldimm64(c) || c->src_reg || i + 1 >= n || v[i + 1].code || v[i + 1].dst_reg ||
		    v[i + 1].src_reg || v[i + 1].off)
			return fail(err, len, "insn %zu: bad ld", i);
		return 0;
	case BPF_JMP:
		if (op == BPF_EXIT)
			return 0;
		if (op == BPF_CALL) {
			if (is_pseudo_call(c))
				*target = (long)i + c->imm + 1;
			else if (c->src_reg || (c->imm != BPF_FUNC_probe_read_kernel &&
						c->imm != BPF_FUNC_probe_read))
				return fail(err, len, "insn %zu: call to helper %d", i, c->imm);
			else
				return 0;
			break;
		}
		if (op > BPF_JSLE)
			return fail(err, len, "insn %zu: bad jump op 0x%x", i, op);
		*target = (long)i + c->off + 1;
		break;
	default:
		return fail(err, len, "insn %zu: class 0x%x not expected", i, cls);
	}
	if (*target < 0 || *target >= (long)n || (*target > 0 && is_ldimm64(&v[*target - 1])))
		return fail(err, len, "insn %zu: target %ld out of range", i, *target);
	return 0;
}

int ebpf_check(const struct bpf_insn *v, size_t n, char *err, size_t len)
{
	bool *sub = calloc(n + 1, 1), *seen = calloc(n, 1);
	size_t *work = calloc(n + 1, sizeof(*work)), *sid = calloc(n + 1, sizeof(*sid)), nw = 0;
	long t;
	int ret = 0;

	if (!sub || !seen || !work || !sid) {
		ret = -ENOMEM;
		goto out;
	}
	if (!n) {
		ret = fail(err, len, "empty program");
		goto out;
	}
	sub[0] = true;
	for (size_t i = 0; i < n && !ret; i++) {
		ret = check_one(v, n, i, &t, err, len);
		if (!ret && is_pseudo_call(&v[i]))
			sub[t] = true;
		if (is_ldimm64(&v[i]))
			i++;
	}
	sub[n] = true;
	/* every subprogram ends in exit or ja; jumps stay inside their subprogram */
	for (size_t i = 0; i < n; i++)
		sid[i] = (i ? sid[i - 1] : 0) + (i && sub[i]);
	for (size_t i = 0; i < n && !ret; i++) {
		if (sub[i + 1] && v[i].code != (BPF_JMP | BPF_EXIT) && v[i].code != (BPF_JMP | BPF_JA))
			ret = fail(err, len, "insn %zu: falls through the end of its subprogram", i);
		if (ret || BPF_CLASS(v[i].code) != BPF_JMP || BPF_OP(v[i].code) == BPF_EXIT ||
		    BPF_OP(v[i].code) == BPF_CALL)
			continue;
		t = (long)i + v[i].off + 1;
		if (sid[t] != sid[i])
			ret = fail(err, len, "insn %zu: jumps out of its subprogram", i);
	}
	/* reachability, as check_cfg: the verifier refuses dead code */
	for (size_t i = 0; i < n && !ret; i++)
		if (sub[i])
			work[nw++] = i, seen[i] = true;
	while (nw && !ret) {
		size_t i = work[--nw];
		long next[2] = {-1, -1};

		check_one(v, n, i, &t, err, len);
		if (v[i].code == (BPF_JMP | BPF_EXIT))
			;
		else if (v[i].code == (BPF_JMP | BPF_JA))
			next[0] = t;
		else if (BPF_CLASS(v[i].code) == BPF_JMP && BPF_OP(v[i].code) != BPF_CALL)
			next[0] = t, next[1] = i + 1;
		else
			next[0] = i + 1 + is_ldimm64(&v[i]);
		for (int k = 0; k < 2; k++) {
			if (next[k] < 0 || next[k] >= (long)n || seen[next[k]])
				continue;
			seen[next[k]] = true;
			work[nw++] = next[k];
		}
	}
	for (size_t i = 0; i < n && !ret; i++) {
		if (!seen[i])
			ret = fail(err, len, "insn %zu: unreachable", i);
		if (is_ldimm64(&v[i]))
			i++;
	}
out:
	free(sub);
	free(seen);
	free(work);
	free(sid);
	return ret;
}

/* ---- execution ---- */

enum kind { UNSET, SCALAR, FP };

struct reg {
	enum kind kind;
	__u64 val; /* FP: offset from the frame's top (<= 0) */
	int frame;
};

struct frame {
	__u8 mem[STACK];
	bool set[STACK];
	struct reg saved[4]; /* r6-r9 */
	size_t ret_pc;
};

struct vm {
	const __u8 *pkt;
	__u32 caplen;
	struct frame f[MAX_FRAMES];
	int depth;
	char *err;
	size_t len;
};

/* The stack bytes a pointer register plus off covers, or NULL. */
static __u8 *stack_at(struct vm *m, const struct reg *r, int off, int size, bool **set)
{
	long o = (long)(__s64)r->val + off;

	if (r->kind != FP || o < -STACK || o + size > 0)
		return NULL;
	*set = &m->f[r->frame].set[STACK + o];
	return &m->f[r->frame].mem[STACK + o];
}

static int sz(__u8 code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B:
		return 1;
	case BPF_H:
		return 2;
	case BPF_W:
		return 4;
	}
	return 8;
}

static int mem_op(struct vm *m, struct reg *r, const struct bpf_insn *c, size_t pc)
{
	int size = sz(c->code);
	struct reg *base = &r[BPF_CLASS(c->code) == BPF_LDX ? c->src_reg : c->dst_reg];
	bool *set;
	__u8 *p = stack_at(m, base, c->off, size, &set);
	__u64 v = 0;

	if (!p)
		return fail(m->err, m->len, "insn %zu: memory access outside the stack", pc);
	if (BPF_CLASS(c->code) == BPF_LDX) {
		for (int i = 0; i < size; i++)
			if (!set[i])
				return fail(m->err, m->len, "insn %zu: reads an unset stack byte", pc);
		memcpy(&v, p, size);
		r[c->dst_reg] = (struct reg){SCALAR, v, 0};
		return 0;
	}
	if (BPF_CLASS(c->code) == BPF_STX) {
		if (r[c->src_reg].kind != SCALAR)
			return fail(m->err, m->len, "insn %zu: stores r%d (not a number)", pc,
				    c->src_reg);
		v = r[c->src_reg].val;
	} else {
		v = (__u64)(__s64)c->imm;
	}
	memcpy(p, &v, size);
	memset(set, 1, size);
	return 0;
}

static int helper(struct vm *m, struct reg *r, const struct bpf_insn *c, size_t pc)
{
	bool *set;
	__u64 size = r[2].val, src = r[3].val;
	__u8 *dst;

	if (r[1].kind != FP || r[2].kind != SCALAR || r[3].kind != SCALAR)
		return fail(m->err, m->len, "insn %zu: probe read with bad arguments", pc);
	if (!size || size > STACK)
		return fail(m->err, m->len, "insn %zu: probe read of %llu bytes", pc,
			    (unsigned long long)size);
	dst = stack_at(m, &r[1], 0, size, &set);
	if (!dst)
		return fail(m->err, m->len, "insn %zu: probe read outside the stack", pc);
	/* the translator bound-checks against caplen: reading past it is its bug */
	if (src < (__u64)(uintptr_t)m->pkt || src + size > (__u64)(uintptr_t)m->pkt + m->caplen ||
	    src + size < src)
		return fail(m->err, m->len, "insn %zu: probe read of %llu bytes at packet offset %lld, "
			    "%u readable", pc, (unsigned long long)size,
			    (long long)(src - (__u64)(uintptr_t)m->pkt), m->caplen);
	memcpy(dst, (const void *)(uintptr_t)src, size);
	memset(set, 1, size);
	r[0] = (struct reg){SCALAR, 0, 0};
	for (int i = 1; i <= 5; i++)
		r[i].kind = UNSET;
	return 0;
}

static __u64 alu(__u8 op, __u64 a, __u64 b, bool is64)
{
	unsigned int mask = is64 ? 63 : 31;

	if (!is64) {
		a = (__u32)a;
		b = (__u32)b;
	}
	switch (op) {
	case BPF_ADD:
		return a + b;
	case BPF_SUB:
		return a - b;
	case BPF_MUL:
		return a * b;
	case BPF_DIV:
		return b ? a / b : 0;
	case BPF_MOD:
		return b ? a % b : a;
	case BPF_OR:
		return a | b;
	case BPF_AND:
		return a & b;
	case BPF_XOR:
		return a ^ b;
	case BPF_LSH:
		return a << (b & mask);
	case BPF_RSH:
		return a >> (b & mask);
	case BPF_ARSH:
		return is64 ? (__u64)((__s64)a >> (b & mask)) : (__u32)((__s32)a >> (b & mask));
	case BPF_NEG:
		return -a;
	case BPF_MOV:
		return b;
	}
	return 0;
}

static int alu_op(struct vm *m, struct reg *r, const struct bpf_insn *c, size_t pc)
{
	bool is64 = BPF_CLASS(c->code) == BPF_ALU64;
	__u8 op = BPF_OP(c->code);
	struct reg *d = &r[c->dst_reg], s = {SCALAR, (__u64)(__s64)c->imm, 0};
	__u64 v;

	if (BPF_SRC(c->code) == BPF_X && op != BPF_END)
		s = r[c->src_reg];
	if (s.kind == UNSET || (op != BPF_MOV && d->kind == UNSET))
		return fail(m->err, m->len, "insn %zu: reads an unset register", pc);
	if (op == BPF_END) {
		v = c->imm == 16 ? __builtin_bswap16(d->val)
		    : c->imm == 32 ? __builtin_bswap32(d->val)
				   : __builtin_bswap64(d->val);
		*d = (struct reg){SCALAR, v, 0};
		return 0;
	}
	/* pointer arithmetic: only fp + constant, as the translator's buffer address */
	if (s.kind == FP || d->kind == FP) {
		if (is64 && op == BPF_MOV) {
			*d = s;
			return 0;
		}
		if (is64 && op == BPF_ADD && d->kind == FP && BPF_SRC(c->code) == BPF_K) {
			d->val += s.val;
			return 0;
		}
		return fail(m->err, m->len, "insn %zu: arithmetic on the frame pointer", pc);
	}
	v = alu(op, d->val, s.val, is64);
	*d = (struct reg){SCALAR, is64 ? v : (__u32)v, 0};
	return 0;
}

static bool jmp_taken(__u8 op, __u64 a, __u64 b)
{
	switch (op) {
	case BPF_JA:
		return true;
	case BPF_JEQ:
		return a == b;
	case BPF_JGT:
		return a > b;
	case BPF_JGE:
		return a >= b;
	case BPF_JSET:
		return a & b;
	case BPF_JNE:
		return a != b;
	case BPF_JSGT:
		return (__s64)a > (__s64)b;
	case BPF_JSGE:
		return (__s64)a >= (__s64)b;
	case BPF_JLT:
		return a < b;
	case BPF_JLE:
		return a <= b;
	case BPF_JSLT:
		return (__s64)a < (__s64)b;
	case BPF_JSLE:
		return (__s64)a <= (__s64)b;
	}
	return false;
}

int ebpf_run(const struct bpf_insn *v, size_t n, const __u8 *pkt, __u32 caplen, __u32 wirelen,
	     __u64 *r0, char *err, size_t len)
{
	struct vm *m = calloc(1, sizeof(*m));
	struct reg r[11] = {};
	size_t pc = 0;
	int ret = 0;

	if (!m)
		return -ENOMEM;
	m->pkt = pkt;
	m->caplen = caplen;
	m->err = err;
	m->len = len;
	r[1] = (struct reg){SCALAR, (uintptr_t)pkt, 0};
	r[2] = (struct reg){SCALAR, caplen, 0};
	r[3] = (struct reg){SCALAR, wirelen, 0};
	r[10] = (struct reg){FP, 0, 0};
	for (long steps = 0; !ret; steps++) {
		const struct bpf_insn *c = &v[pc];
		__u8 op = BPF_OP(c->code);
		long t;

		if (steps == MAX_STEPS) {
			ret = fail(err, len, "still running after %d insns", MAX_STEPS);
			ret = -E2BIG;
			break;
		}
		ret = check_one(v, n, pc, &t, err, len);
		if (ret)
			break;
		switch (BPF_CLASS(c->code)) {
		case BPF_ALU:
		case BPF_ALU64:
			ret = alu_op(m, r, c, pc++);
			continue;
		case BPF_LDX:
		case BPF_STX:
		case BPF_ST:
			ret = mem_op(m, r, c, pc++);
			continue;
		case BPF_LD:
			r[c->dst_reg] = (struct reg){SCALAR, (__u32)c->imm | (__u64)v[pc + 1].imm << 32};
			pc += 2;
			continue;
		}
		if (op == BPF_CALL && !is_pseudo_call(c)) {
			ret = helper(m, r, c, pc++);
			continue;
		}
		if (op == BPF_CALL) {
			struct frame *f;

			if (m->depth + 1 == MAX_FRAMES) {
				ret = fail(err, len, "insn %zu: calls nest too deep", pc);
				break;
			}
			f = &m->f[++m->depth];
			memset(f->set, 0, sizeof(f->set));
			memcpy(f->saved, &r[6], sizeof(f->saved));
			f->ret_pc = pc + 1;
			r[10] = (struct reg){FP, 0, m->depth};
			pc = t;
			continue;
		}
		if (op == BPF_EXIT) {
			if (r[0].kind != SCALAR) {
				ret = fail(err, len, "insn %zu: exits with r0 unset", pc);
				break;
			}
			if (!m->depth) {
				*r0 = r[0].val;
				break;
			}
			memcpy(&r[6], m->f[m->depth].saved, sizeof(m->f[m->depth].saved));
			for (int i = 1; i <= 5; i++)
				r[i].kind = UNSET;
			pc = m->f[m->depth--].ret_pc;
			r[10] = (struct reg){FP, 0, m->depth};
			continue;
		}
		if (op != BPF_JA) {
			struct reg a = r[c->dst_reg];
			struct reg b = BPF_SRC(c->code) == BPF_X ? r[c->src_reg]
						 : (struct reg){SCALAR, (__u64)(__s64)c->imm};

			if (a.kind != SCALAR || b.kind != SCALAR) {
				ret = fail(err, len, "insn %zu: compares an unset register", pc);
				break;
			}
			pc = jmp_taken(op, a.val, b.val) ? (size_t)t : pc + 1;
			continue;
		}
		pc = t;
	}
	free(m);
	return ret;
}
