// SPDX-License-Identifier: GPL-2.0
/*
 * Host micro-benchmarks for `make bench`, one JSON object per line on stdout:
 *
 *   micro discover [REPS]      skb_funcs__discover() vs btf__parse() of the
 *                              same BTF, alternated so both see the same load
 *   micro funcs [BTF|-] [--try-load]
 *                              "name pos argname mark_offset nargs tramp_ok"
 *                              per skb function: what the bpftrace scripts
 *                              need (the skb parameter's name for kfunc,
 *                              skb->mark's offset for kprobe); tramp_ok: a
 *                              trampoline can take it (with --try-load: and
 *                              an fentry program for it loads)
 *   micro format [EVENTS] [REPS] [MODE]
 *                              synthetic pwru_events through each formatter
 *                              (text, tuple, json; or MODE only) into
 *                              /dev/null, one core
 *
 * Samples are raw; bench/report aggregates them (min/median/max, ratios).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <bpf/btf.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "event.h"
#include "funcs.h"
#include "output.h"
#include "options.h"
#include "ksyms.h"
#include "drop_reason.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* user + system CPU time of this process */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin_one_core(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "micro: cannot pin to CPU 0: %s\n", strerror(errno));
}

/*
 * Per repetition, in this order: a bare btf__parse() (the floor); pwru's
 * discovery as trace.c runs it: one parse shared by everything, the scan,
 * the probeable check on the kallsyms table loaded once per run for
 * symbolization anyway (its read timed on its own); and
 * skb_funcs__discover() alone, which parses and reads kallsyms itself.
 */
static int bench_discover(int reps)
{
	struct skb_funcs f = {};
	size_t nr_types = 0;

	for (int i = 0; i < reps; i++) {
		double t0, t_parse, t_disc, t_ksyms, t_alone;
		struct discover_opts d = {};
		struct ksyms *ks;
		struct btf *btf;
		int err;

		t0 = now();
		btf = btf__parse(VMLINUX, NULL);
		t_parse = now() - t0;
		if (!btf) {
			fprintf(stderr, "micro: btf__parse %s: %s\n", VMLINUX, strerror(errno));
			return 1;
		}
		nr_types = btf__type_cnt(btf);
		btf__free(btf);

		t0 = now();
		ks = ksyms__load(NULL);
		t_ksyms = now() - t0;

		t0 = now();
		btf = btf__parse(VMLINUX, NULL);
		d.btf = btf;
		d.ksyms = ks;
		err = btf ? skb_funcs__discover(&d, &f) : -errno;
		t_disc = now() - t0;
		btf__free(btf);
		ksyms__free(ks);
		if (err) {
			fprintf(stderr, "micro: skb_funcs__discover: %s\n", strerror(-err));
			return 1;
		}
		skb_funcs__free(&f);

		memset(&d, 0, sizeof(d));
		t0 = now();
		err = skb_funcs__discover(&d, &f);
		t_alone = now() - t0;
		if (err) {
			fprintf(stderr, "micro: skb_funcs__discover: %s\n", strerror(-err));
			return 1;
		}
		printf("{\"bench\":\"discover\",\"rep\":%d,\"btf_parse_s\":%.6f,"
		       "\"discover_s\":%.6f,\"kallsyms_s\":%.6f,\"discover_alone_s\":%.6f,"
		       "\"funcs\":%zu,\"btf_types\":%zu}\n",
		       i, t_parse, t_disc, t_ksyms, t_alone, f.n, nr_types);
		fflush(stdout);
		skb_funcs__free(&f);
	}
	return 0;
}

/*
 * A repeating mix like a real trace of TCP and UDP flows: most events are
 * plain function hits, one in 16 a drop with reason and location.
 */
#define MIX 4096

static void make_events(struct pwru_event *v, size_t n, size_t nr_funcs, __u64 loc)
{
	for (size_t i = 0; i < n; i++) {
		struct pwru_event *e = &v[i];

		memset(e, 0, sizeof(*e));
		e->skb = 0xffff888100000000ULL + (i / 8) * 0x100;
		e->ts = 1000000000ULL + i * 1000;
		e->func_id = (i * 7) % nr_funcs;
		e->kind = PWRU_EV_FUNC;
		e->flags = PWRU_F_HAS_TUPLE;
		e->pid = 1000 + i % 50;
		e->cpu = i % 2;
		e->netns = 4026531840u;
		e->mark = 0;
		e->ifindex = 1;
		e->len = 64 + i % 1400;
		e->mtu = 1500;
		e->proto = 0x0800;
		snprintf(e->comm, sizeof(e->comm), "iperf3");
		snprintf(e->ifname, sizeof(e->ifname), "veth0");
		e->tuple.saddr[0] = 10, e->tuple.saddr[3] = 1 + i % 200;
		e->tuple.daddr[0] = 10, e->tuple.daddr[3] = 2;
		e->tuple.sport = 30000 + i % 1000;
		e->tuple.dport = 5201;
		e->tuple.l4_proto = i % 3 ? 6 : 17;
		e->tuple.tcp_flags = 0x18;
		if (i % 16 == 15) {
			e->flags |= PWRU_F_HAS_DROP;
			e->drop_reason = 2; /* NOT_SPECIFIED on 6.x */
			e->location = loc;
		}
	}
}

struct fmt_mode {
	const char *name;
	bool tuple, json;
};

static const struct fmt_mode modes[] = {
	{ "text", false, false },
	{ "tuple", true, false },
	{ "json", false, true },
};

static int bench_format(long nr_events, int reps, const char *only)
{
	struct discover_opts d = {};
	struct skb_funcs f = {};
	struct pwru_event *ev;
	struct ksyms *ks;
	struct drop_reasons *dr = NULL;
	const char **names;
	struct btf *btf;
	__u64 loc;
	FILE *out;
	int err;

	err = skb_funcs__discover(&d, &f);
	if (err || !f.n) {
		fprintf(stderr, "micro: skb_funcs__discover: %s\n", strerror(-err));
		return 1;
	}
	names = calloc(f.n, sizeof(*names));
	ev = calloc(MIX, sizeof(*ev));
	if (!names || !ev)
		return 1;
	for (size_t i = 0; i < f.n; i++)
		names[i] = f.v[i].name;
	ks = ksyms__load(NULL);
	btf = btf__parse(VMLINUX, NULL);
	if (btf)
		dr = drop_reasons__from_btf(btf);
	loc = ks ? ksyms__addr(ks, "__udp4_lib_rcv") : 0;
	make_events(ev, MIX, f.n, loc ? loc + 0x4bc : 0xffffffff81000000ULL);
	out = fopen("/dev/null", "w");
	if (!out)
		return 1;
	pin_one_core();

	for (int r = 0; r < reps; r++) {
		for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
			if (only && strcmp(only, modes[m].name))
				continue;
			struct options o = { .output_tuple = modes[m].tuple,
					     .output_json = modes[m].json };
			struct out_ctx c;
			double t0, c0, wall, cpu;

			if (out_ctx__init(&c, &o))
				return 1;
			c.ksyms = ks;
			c.reasons = dr;
			c.func_names = names;
			c.nr_funcs = f.n;
			output__header(&c, out);
			t0 = now();
			c0 = cpu_now();
			for (long i = 0; i < nr_events; i++)
				output__event(&c, &ev[i & (MIX - 1)], out);
			fflush(out);
			wall = now() - t0;
			cpu = cpu_now() - c0;
			out_ctx__free(&c);
			printf("{\"bench\":\"format\",\"mode\":\"%s\",\"rep\":%d,\"events\":%ld,"
			       "\"wall_s\":%.6f,\"cpu_s\":%.6f,\"events_per_s\":%.0f,"
			       "\"events_per_cpu_s\":%.0f}\n",
			       modes[m].name, r, nr_events, wall, cpu, nr_events / wall,
			       nr_events / cpu);
			fflush(stdout);
		}
	}
	fclose(out);
	drop_reasons__free(dr);
	btf__free(btf);
	ksyms__free(ks);
	free(ev);
	free(names);
	skb_funcs__free(&f);
	return 0;
}

/* Byte offset of member name in struct/union t, through anonymous members. */
static long member_offset(const struct btf *btf, const struct btf_type *t, const char *name)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *n = btf__name_by_offset(btf, m->name_off);
		long off = btf_member_bit_offset(t, i) / 8, sub;
		const struct btf_type *mt;

		if (n && !strcmp(n, name))
			return off;
		if (n && *n)
			continue;
		mt = btf__type_by_id(btf, btf__resolve_type(btf, m->type));
		if (mt && (btf_is_struct(mt) || btf_is_union(mt))) {
			sub = member_offset(btf, mt, name);
			if (sub >= 0)
				return off + sub;
		}
	}
	return -1;
}

/* Integer, enum or pointer (through typedefs and modifiers): what a BPF trampoline passes. */
static bool reg_sized(const struct btf *btf, __u32 id)
{
	const struct btf_type *t;

	if (!id)
		return false; /* void as a parameter: varargs */
	t = btf__type_by_id(btf, btf__resolve_type(btf, id));
	return t && (btf_is_int(t) || btf_is_enum(t) || btf_is_enum64(t) || btf_is_ptr(t));
}

/* Could a BPF trampoline (fentry, kfunc) take this function? 6 args, no struct by value. */
static int tramp_ok(const struct btf *btf, const struct btf_type *proto)
{
	const struct btf_param *p = btf_params(proto);

	if (btf_vlen(proto) > 6 || (proto->type && !reg_sized(btf, proto->type)))
		return 0;
	for (int i = 0; i < btf_vlen(proto); i++)
		if (!reg_sized(btf, p[i].type))
			return 0;
	return 1;
}

/*
 * Would the kernel load an fentry program for BTF id? A two-instruction
 * program, loaded and closed, never attached: the verifier's refusals
 * (deny list, argument model) show without a trampoline's cost.
 */
static int fentry_loads(__u32 btf_id)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_btf_id = btf_id);
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", insns, 2, &o);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int list_funcs(const char *btf_path, bool try_load)
{
	struct discover_opts d = { .kernel_btf = btf_path };
	struct skb_funcs f = {};
	const struct btf_type *skb;
	struct btf *btf;
	long mark_off;
	int err, id;

	btf = btf__parse(btf_path ? btf_path : VMLINUX, NULL);
	if (!btf)
		return 1;
	id = btf__find_by_name_kind(btf, "sk_buff", BTF_KIND_STRUCT);
	skb = id > 0 ? btf__type_by_id(btf, id) : NULL;
	mark_off = skb ? member_offset(btf, skb, "mark") : -1;
	err = skb_funcs__discover(&d, &f);
	if (err || mark_off < 0) {
		fprintf(stderr, "micro: funcs: discover %d, mark offset %ld\n", err, mark_off);
		return 1;
	}
	for (size_t i = 0; i < f.n; i++) {
		const struct btf_type *fn = btf__type_by_id(btf, f.v[i].btf_id);
		const struct btf_type *proto = fn ? btf__type_by_id(btf, fn->type) : NULL;
		const char *arg = "?";
		int ok = 0;

		if (proto && btf_is_func_proto(proto) && f.v[i].skb_pos <= btf_vlen(proto)) {
			arg = btf__name_by_offset(btf, btf_params(proto)[f.v[i].skb_pos - 1].name_off);
			ok = tramp_ok(btf, proto);
			if (ok && try_load)
				ok = fentry_loads(f.v[i].btf_id);
		}
		printf("%s %d %s %ld %d %d\n", f.v[i].name, f.v[i].skb_pos, arg && *arg ? arg : "?",
		       mark_off, f.v[i].nr_args, ok);
	}
	skb_funcs__free(&f);
	btf__free(btf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "funcs"))
		return list_funcs(argc > 2 && strcmp(argv[2], "-") ? argv[2] : NULL,
				  argc > 3 && !strcmp(argv[3], "--try-load"));
	if (argc >= 2 && !strcmp(argv[1], "discover"))
		return bench_discover(argc > 2 ? atoi(argv[2]) : 5);
	if (argc >= 2 && !strcmp(argv[1], "format"))
		return bench_format(argc > 2 ? atol(argv[2]) : 1000000, argc > 3 ? atoi(argv[3]) : 5,
				    argc > 4 ? argv[4] : NULL);
	fprintf(stderr, "usage: micro discover [REPS] | micro funcs [BTF|-] [--try-load] | micro format [EVENTS] [REPS] [MODE]\n");
	return 2;
}
