// SPDX-License-Identifier: GPL-2.0
/*
 * Getting a translated pcap filter into the programs libbpf loads.
 *
 * The splice needs the final, relocated instructions (subprograms appended,
 * CO-RE applied), which libbpf 1.1 exposes only to a section handler's
 * prog_prepare_load_fn, where bpf_program__set_insns() may replace them
 * (libbpf re-reads prog->insns after the callback). Custom handlers take
 * precedence over libbpf's own, so while a filter is installed we register
 * one for each section kind the backends use and do what libbpf's handler
 * would (resolve BTF attach targets, auto-attach) plus the splice. Without
 * a filter nothing is registered and libbpf behaves as usual.
 *
 * Programs cloned later (pwru_prog__clone) copy bpf_program__insns(), so
 * they inherit the filter.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "pcap.h"
#include "verifier_log.h"

enum attach_kind { AT_NONE, AT_RAW_TP, AT_KPROBE, AT_KRETPROBE, AT_KMULTI, AT_KRETMULTI, AT_TRACE };

static const struct pcap_handler {
	const char *sec;
	enum bpf_prog_type type;
	enum bpf_attach_type attach;
	enum attach_kind kind;
} handlers[] = {
    {"raw_tp+", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, AT_RAW_TP},
    {"raw_tracepoint+", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, AT_RAW_TP},
    {"kprobe+", BPF_PROG_TYPE_KPROBE, 0, AT_KPROBE},
    {"kretprobe+", BPF_PROG_TYPE_KPROBE, 0, AT_KRETPROBE},
    {"kprobe.multi+", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, AT_KMULTI},
    {"kretprobe.multi+", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, AT_KRETMULTI},
    {"fentry+", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, AT_TRACE},
    {"fexit+", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, AT_TRACE},
    {"tp_btf+", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, AT_TRACE},
};

#define NR_HANDLERS (sizeof(handlers) / sizeof(handlers[0]))

static const struct pwru_pcap *active;
static int handler_ids[NR_HANDLERS];
static bool installed;
/* func_info/line_info copies handed to libbpf; freed on uninstall */
static void **keep;
static size_t nkeep;
static int last_err;
static char last_msg[256];
/* the verifier log of the last program loaded with the filter, if it failed */
#define VLOG_SIZE (16u << 20)
static char *vlog;
static struct pcap_where cur_where;
static char cur_prog[64];

static void keep_ptr(void *p)
{
	void **k = realloc(keep, (nkeep + 1) * sizeof(*k));

	if (!k) {
		free(p); /* only reached after the load it was for */
		return;
	}
	keep = k;
	keep[nkeep++] = p;
}

static const char *sec_target(const struct bpf_program *prog)
{
	const char *s = strchr(bpf_program__section_name(prog), '/');

	return s && s[1] ? s + 1 : NULL;
}

static int prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	const struct pcap_handler *h = &handlers[cookie];
	struct pcap_btf_ext fi, li;
	struct bpf_insn *out;
	size_t n;
	int ret;

	/* what libbpf's own handler does for SEC_ATTACH_BTF sections */
	if (h->type == BPF_PROG_TYPE_TRACING && !opts->attach_btf_id) {
		const char *name = sec_target(prog);

		if (!name)
			return -EINVAL;
		ret = libbpf_find_vmlinux_btf_id(name, h->attach);
		if (ret < 0)
			return ret;
		opts->attach_btf_id = ret;
	}
	if (!active)
		return 0;
	/*
	 * Every program of a backend carries the same filter: once the
	 * verifier rejected one because of it, fail the backend's others fast
	 * (under TCG each 1M-insn verification takes minutes, and backends
	 * retry other targets). The next backend starts afresh
	 * (pcap_filter__next_backend): its programs are other programs.
	 */
	if (vlog && vlog[0] && pcap_filter__rejected(NULL, 0))
		return -E2BIG;
	fi = (struct pcap_btf_ext){(void *)opts->func_info, opts->func_info_cnt,
				   opts->func_info_rec_size};
	li = (struct pcap_btf_ext){(void *)opts->line_info, opts->line_info_cnt,
				   opts->line_info_rec_size};
	memset(&cur_where, 0, sizeof(cur_where));
	ret = pcap_splice(active, bpf_program__insns(prog), bpf_program__insn_cnt(prog), &out, &n,
			  &fi, &li, &cur_where, last_msg, sizeof(last_msg));
	if (ret <= 0) {
		if (ret < 0)
			last_err = ret;
		return ret;
	}
	ret = bpf_program__set_insns(prog, out, n);
	free(out);
	/* libbpf retries a failed load with a log, into this buffer */
	if (!ret && vlog) {
		vlog[0] = '\0';
		snprintf(cur_prog, sizeof(cur_prog), "%s", bpf_program__name(prog));
		ret = bpf_program__set_log_buf(prog, vlog, VLOG_SIZE);
	}
	if (ret) {
		last_err = ret;
		snprintf(last_msg, sizeof(last_msg), "cannot replace the instructions of %s",
			 bpf_program__name(prog));
		return ret;
	}
	if (fi.recs != opts->func_info) {
		keep_ptr(fi.recs);
		opts->func_info = fi.recs;
		opts->func_info_cnt = fi.cnt;
	}
	if (li.recs != opts->line_info) {
		keep_ptr(li.recs);
		opts->line_info = li.recs;
		opts->line_info_cnt = li.cnt;
	}
	return 0;
}

/* Auto-attach as libbpf's handlers would; no target in the section: nothing to do. */
static int attach(const struct bpf_program *prog, long cookie, struct bpf_link **link)
{
	const char *t = sec_target(prog);

	*link = NULL;
	if (handlers[cookie].kind == AT_TRACE) {
		*link = bpf_program__attach_trace(prog);
		return libbpf_get_error(*link) ? (int)libbpf_get_error(*link) : 0;
	}
	if (!t)
		return 0;
	switch (handlers[cookie].kind) {
	case AT_RAW_TP:
		*link = bpf_program__attach_raw_tracepoint(prog, t);
		break;
	case AT_KPROBE:
	case AT_KRETPROBE:
		*link = bpf_program__attach_kprobe(prog, handlers[cookie].kind == AT_KRETPROBE, t);
		break;
	case AT_KMULTI:
	case AT_KRETMULTI: {
		LIBBPF_OPTS(bpf_kprobe_multi_opts, mo,
			    .retprobe = handlers[cookie].kind == AT_KRETMULTI);

		*link = bpf_program__attach_kprobe_multi_opts(prog, t, &mo);
		break;
	}
	default:
		return 0;
	}
	if (libbpf_get_error(*link)) {
		int err = (int)libbpf_get_error(*link);

		*link = NULL;
		return err;
	}
	return 0;
}

int pcap_filter__install(const struct pwru_pcap *f)
{
	if (installed)
		pcap_filter__uninstall();
	for (size_t i = 0; i < NR_HANDLERS; i++) {
		LIBBPF_OPTS(libbpf_prog_handler_opts, ho, .cookie = i,
			    .prog_prepare_load_fn = prepare_load, .prog_attach_fn = attach);
		int id = libbpf_register_prog_handler(handlers[i].sec, handlers[i].type,
						      handlers[i].attach, &ho);

		if (id < 0) {
			while (i--)
				libbpf_unregister_prog_handler(handler_ids[i]);
			return id;
		}
		handler_ids[i] = id;
	}
	installed = true;
	active = f;
	last_err = 0;
	vlog = calloc(1, VLOG_SIZE); /* without it, failures are only less precise */
	return 0;
}

void pcap_filter__uninstall(void)
{
	if (installed)
		for (size_t i = 0; i < NR_HANDLERS; i++)
			libbpf_unregister_prog_handler(handler_ids[i]);
	installed = false;
	active = NULL;
	for (size_t i = 0; i < nkeep; i++)
		free(keep[i]);
	free(keep);
	keep = NULL;
	nkeep = 0;
	free(vlog);
	vlog = NULL;
}

int pcap_filter__last_error(char *err, size_t len)
{
	if (last_err)
		snprintf(err, len, "%s", last_msg);
	return last_err;
}

/*
 * main: call L2(args[0..2]), call L3(args[0..2]), return the sum. The stubs
 * are the same marker + exit that clang emits for body.bpf.h's stubs.
 */
static const struct bpf_insn verify_tmpl[] = {
    {BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0},
    {BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1, BPF_REG_6, 0, 0},
    {BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_2, BPF_REG_6, 8, 0},
    {BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_3, BPF_REG_6, 16, 0},
    {BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 7}, /* -> 12 */
    {BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_7, BPF_REG_0, 0, 0},
    {BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1, BPF_REG_6, 0, 0},
    {BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_2, BPF_REG_6, 8, 0},
    {BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_3, BPF_REG_6, 16, 0},
    {BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 5}, /* -> 15 */
    {BPF_ALU64 | BPF_ADD | BPF_X, BPF_REG_0, BPF_REG_7, 0, 0},
    {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
    {BPF_LD | BPF_DW | BPF_IMM, BPF_REG_0, 0, 0, (__s32)(__u32)PCAP_STUB_MAGIC_L2},
    {0, 0, 0, 0, (__s32)(PCAP_STUB_MAGIC_L2 >> 32)},
    {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
    {BPF_LD | BPF_DW | BPF_IMM, BPF_REG_0, 0, 0, (__s32)(__u32)PCAP_STUB_MAGIC_L3},
    {0, 0, 0, 0, (__s32)(PCAP_STUB_MAGIC_L3 >> 32)},
    {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
};

/* Index of the last instruction the log shows ("123: (bf) r1 = r6"), or -1. */
static long last_insn(const char *log)
{
	const char *p = log + strlen(log);
	char *end;
	long idx;

	while (p > log) {
		p--;
		if (p != log && p[-1] != '\n')
			continue;
		idx = strtol(p, &end, 10);
		if (end != p && !strncmp(end, ": (", 3))
			return idx;
	}
	return -1;
}

bool pcap_where__blamed(const struct pcap_where *w, const char *log)
{
	long idx = last_insn(log);

	/*
	 * Only the instruction the verifier stopped at says whose fault it
	 * is: "too large" or "too complex" alone can come from the program
	 * around the filter as well (a small filter on a big template).
	 */
	for (size_t i = 0; idx >= 0 && i < w->n; i++)
		if ((size_t)idx >= w->start[i] && (size_t)idx < w->end[i])
			return true;
	return false;
}

bool pcap_filter__rejected(char *err, size_t len)
{
	char tail[384];

	if (!vlog || !vlog[0] || !pcap_where__blamed(&cur_where, vlog))
		return false;
	if (!err)
		return true;
	verifier_log__tail(vlog, tail, sizeof(tail), 3);
	snprintf(err, len, "the kernel verifier rejected program %s with the filter: %s", cur_prog,
		 tail);
	return true;
}

void pcap_filter__next_backend(void)
{
	if (vlog)
		vlog[0] = '\0';
	memset(&cur_where, 0, sizeof(cur_where));
}

int pcap_filter__verify(const struct pwru_pcap *f, char *err, size_t len)
{
	size_t cnt = sizeof(verify_tmpl) / sizeof(verify_tmpl[0]), n;
	size_t log_size = 1 << 20;
	struct bpf_insn *v;
	char *log, tail[384];
	int fd, ret;

	ret = pcap_splice(f, verify_tmpl, cnt, &v, &n, NULL, NULL, NULL, err, len);
	if (ret < 0)
		return ret;
	log = calloc(1, log_size);
	if (!log) {
		free(v);
		return -ENOMEM;
	}
	{
		LIBBPF_OPTS(bpf_prog_load_opts, lo, .log_buf = log, .log_size = log_size,
			    .log_level = 1);

		fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "pwru_pcap_chk", "GPL", v, n, &lo);
		ret = fd < 0 ? -errno : 0;
	}
	if (fd >= 0)
		close(fd);
	/* no log: this kernel cannot load the check program at all (type, privileges) */
	if (ret && log[0] && !strstr(log, "unknown#")) {
		verifier_log__tail(log, tail, sizeof(tail), 3);
		snprintf(err, len, "the kernel verifier rejected the translated filter: %s", tail);
	} else {
		ret = 0;
	}
	free(log);
	free(v);
	return ret;
}

static bool sec_handled(const char *sec)
{
	for (size_t i = 0; i < NR_HANDLERS; i++) {
		size_t n = strlen(handlers[i].sec) - 1; /* without the '+' */

		if (!strncmp(sec, handlers[i].sec, n) && (sec[n] == '\0' || sec[n] == '/'))
			return true;
	}
	return false;
}

static bool has_stub(const struct bpf_insn *v, size_t cnt)
{
	for (size_t i = 0; i + 1 < cnt; i++)
		if (v[i].code == (BPF_LD | BPF_DW | BPF_IMM) && v[i].src_reg == 0 &&
		    ((__u32)v[i].imm == (__u32)PCAP_STUB_MAGIC_L2 ||
		     (__u32)v[i].imm == (__u32)PCAP_STUB_MAGIC_L3) &&
		    (__u32)v[i + 1].imm == (__u32)(PCAP_STUB_MAGIC_L2 >> 32))
			return true;
	return false;
}

int pcap_filter__check_obj(const struct bpf_object *obj)
{
	struct bpf_program *prog;

	if (!installed)
		return 0;
	bpf_object__for_each_program (prog, obj) {
		if (!bpf_program__autoload(prog) || sec_handled(bpf_program__section_name(prog)))
			continue;
		last_err = -ENOTSUP;
		snprintf(last_msg, sizeof(last_msg),
			 "program %s: section '%s' has no filter handler in src/pcap/load.c",
			 bpf_program__name(prog), bpf_program__section_name(prog));
		return last_err;
	}
	return 0;
}

int pcap_filter__check_loaded(const struct bpf_object *obj)
{
	struct bpf_program *prog;

	if (!active)
		return 0;
	bpf_object__for_each_program (prog, obj) {
		if (!bpf_program__autoload(prog) ||
		    !has_stub(bpf_program__insns(prog), bpf_program__insn_cnt(prog)))
			continue;
		last_err = -EINVAL;
		snprintf(last_msg, sizeof(last_msg), "program %s was loaded without the filter",
			 bpf_program__name(prog));
		return last_err;
	}
	return 0;
}
