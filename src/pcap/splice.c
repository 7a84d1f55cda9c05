// SPDX-License-Identifier: GPL-2.0
/*
 * The splice of a translated filter (translate.c) into a relocated program
 * in place of each of its stubs: instructions, jump offsets, subprogram
 * calls and the BTF func_info/line_info offsets that follow them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/filter.h>

#include "pcap.h"

static bool is_ldimm64(const struct bpf_insn *i)
{
	return i->code == (BPF_LD | BPF_DW | BPF_IMM);
}

static bool is_marker(const struct bpf_insn *i, __u64 magic)
{
	return is_ldimm64(i) && i->src_reg == 0 && (__u32)i[0].imm == (__u32)magic &&
	       (__u32)i[1].imm == (__u32)(magic >> 32);
}

/*
 * If insn i refers to another instruction by a relative offset, return
 * true with that target: jumps, bpf-to-bpf calls, and ldimm64 of a
 * subprogram address (callbacks).
 */
static bool rel_target(const struct bpf_insn *v, size_t i, long *t)
{
	__u8 cls = BPF_CLASS(v[i].code), op = BPF_OP(v[i].code);

	if (is_ldimm64(&v[i])) {
		if (v[i].src_reg != BPF_PSEUDO_FUNC)
			return false;
		*t = (long)i + v[i].imm + 1;
		return true;
	}
	if (cls != BPF_JMP && cls != BPF_JMP32)
		return false;
	if (op == BPF_EXIT)
		return false;
	if (op == BPF_CALL) {
		if (v[i].src_reg != BPF_PSEUDO_CALL)
			return false;
		*t = (long)i + v[i].imm + 1;
		return true;
	}
	if (cls == BPF_JMP32 && op == BPF_JA) /* gotol */
		*t = (long)i + v[i].imm + 1;
	else
		*t = (long)i + v[i].off + 1;
	return true;
}

static void set_rel(struct bpf_insn *i, long off)
{
	__u8 cls = BPF_CLASS(i->code), op = BPF_OP(i->code);

	if (is_ldimm64(i) || (cls == BPF_JMP && op == BPF_CALL) ||
	    (cls == BPF_JMP32 && op == BPF_JA))
		i->imm = off;
	else
		i->off = off;
}

/* Subprogram containing insn idx: [start, end). */
static void subprog_bounds(const struct bpf_insn *v, size_t cnt, size_t idx, size_t *start,
			   size_t *end)
{
	long t;

	*start = 0;
	*end = cnt;
	for (size_t i = 0; i < cnt; i++) {
		if (!rel_target(v, i, &t) || !(is_ldimm64(&v[i]) || BPF_OP(v[i].code) == BPF_CALL))
			continue;
		if (t <= (long)idx && (size_t)t > *start)
			*start = t;
		if (t > (long)idx && (size_t)t < *end)
			*end = t;
		if (is_ldimm64(&v[i]))
			i++;
	}
}

static int fix_btf_ext(struct pcap_btf_ext *e, size_t start, size_t end, long delta,
		       bool drop_inside)
{
	char *recs;
	__u32 n = 0;

	if (!e || !e->recs || !e->cnt)
		return 0;
	recs = malloc((size_t)e->cnt * e->rec_size);
	if (!recs)
		return -ENOMEM;
	for (__u32 i = 0; i < e->cnt; i++) {
		char *r = (char *)e->recs + (size_t)i * e->rec_size;
		__u32 off;

		memcpy(&off, r, sizeof(off));
		if (drop_inside && off > start && off < end)
			continue;
		if (off >= end)
			off += delta;
		memcpy(recs + (size_t)n * e->rec_size, r, e->rec_size);
		memcpy(recs + (size_t)n * e->rec_size, &off, sizeof(off));
		n++;
	}
	e->recs = recs; /* caller owns the copy */
	e->cnt = n;
	return 0;
}

/* Replace v[start, end) by body; fix every relative reference that crosses it. */
static int splice_one(struct bpf_insn **v, size_t *cnt, size_t start, size_t end,
		      const struct bpf_insn *body, size_t blen, char *err, size_t len)
{
	long delta = (long)blen - (long)(end - start);
	size_t n = *cnt + delta;
	struct bpf_insn *nv;
	long t;

	nv = calloc(n, sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	memcpy(nv, *v, start * sizeof(*nv));
	memcpy(nv + start, body, blen * sizeof(*nv));
	memcpy(nv + start + blen, *v + end, (*cnt - end) * sizeof(*nv));
	for (size_t i = 0; i < *cnt; i++) {
		long ni, nt, off;

		if (i >= start && i < end)
			continue;
		if (!rel_target(*v, i, &t)) {
			if (is_ldimm64(&(*v)[i]))
				i++;
			continue;
		}
		if (t > (long)start && t < (long)end) {
			free(nv);
			return pcap__fail(err, len, -EINVAL, "insn %zu jumps into the filter stub", i);
		}
		ni = i < start ? (long)i : (long)i + delta;
		nt = t < (long)end ? t : t + delta;
		off = nt - ni - 1;
		if (off < -32768 || off > 32767) {
			free(nv);
			return pcap__fail(err, len, -E2BIG,
				    "program too large after inserting the filter");
		}
		set_rel(&nv[ni], off);
		if (is_ldimm64(&(*v)[i]))
			i++;
	}
	free(*v);
	*v = nv;
	*cnt = n;
	return 0;
}

int pcap_probe_read_fn(const struct bpf_insn *insns, size_t cnt)
{
	for (size_t i = 0; i < cnt; i++)
		if (insns[i].code == (BPF_JMP | BPF_CALL) && insns[i].src_reg == 0 &&
		    (insns[i].imm == BPF_FUNC_probe_read_kernel ||
		     insns[i].imm == BPF_FUNC_probe_read))
			return insns[i].imm;
	return BPF_FUNC_probe_read_kernel;
}

static const struct bpf_insn reject_all[] = {
    {.code = BPF_ALU | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
    {.code = BPF_JMP | BPF_EXIT},
};

int pcap_splice(const struct pwru_pcap *f, const struct bpf_insn *insns, size_t cnt,
		struct bpf_insn **out, size_t *out_cnt, struct pcap_btf_ext *func_info,
		struct pcap_btf_ext *line_info, struct pcap_where *where, char *err, size_t len)
{
	static const __u64 magic[2] = {PCAP_STUB_MAGIC_L2, PCAP_STUB_MAGIC_L3};
	int helper = pcap_probe_read_fn(insns, cnt), done = 0, ret = 0;
	void *fi0 = func_info ? func_info->recs : NULL, *li0 = line_info ? line_info->recs : NULL;
	struct bpf_insn *v = NULL, *body;
	size_t n = cnt, blen;

	for (int layer = PCAP_L2; layer <= PCAP_L3; layer++) {
		size_t at = n, start, end;

		if (!v) {
			v = malloc(cnt * sizeof(*v));
			if (!v)
				return -ENOMEM;
			memcpy(v, insns, cnt * sizeof(*v));
		}
		for (size_t i = 0; i + 1 < n; i++)
			if (is_marker(&v[i], magic[layer])) {
				at = i;
				break;
			}
		if (at == n)
			continue;
		subprog_bounds(v, n, at, &start, &end);
		if (start == 0) {
			ret = pcap__fail(err, len, -EINVAL, "filter stub is not a subprogram");
			break;
		}
		if (layer == PCAP_L3 && f->no_l3) {
			body = (struct bpf_insn *)reject_all;
			blen = 2;
		} else {
			ret = pcap_translate(f->prog[layer], f->len[layer], helper, &body, &blen,
					     err, len);
			if (ret)
				break;
		}
		ret = splice_one(&v, &n, start, end, body, blen, err, len);
		if (!ret) {
			void *fi = func_info ? func_info->recs : NULL;
			void *li = line_info ? line_info->recs : NULL;
			long delta = (long)blen - (long)(end - start);

			ret = fix_btf_ext(func_info, start, end, delta, false);
			ret = ret ?: fix_btf_ext(line_info, start, end, delta, true);
			/* free intermediate copies, never the caller's originals */
			if (fi && fi != fi0 && func_info->recs != fi)
				free(fi);
			if (li && li != li0 && line_info->recs != li)
				free(li);
		}
		if (body != reject_all)
			free(body);
		if (ret)
			break;
		if (where) {
			/* a later splice moves an earlier body that lies after it */
			for (size_t i = 0; i < where->n; i++) {
				if (where->start[i] >= end) {
					where->start[i] += (long)blen - (long)(end - start);
					where->end[i] += (long)blen - (long)(end - start);
				}
			}
			where->start[where->n] = start;
			where->end[where->n++] = start + blen;
		}
		done++;
	}
	if (ret || !done) {
		free(v);
		return ret;
	}
	*out = v;
	*out_cnt = n;
	return done;
}
