// SPDX-License-Identifier: GPL-2.0
/* Plumbing shared by every backend: configuration, buffers, program clones. */
#include <errno.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "backend.h"
#include "pcap.h"
#include "verifier_log.h"

#define FUNC_ID_MAGIC 0x7077727546554e43ULL /* must match body.bpf.h */

static struct bpf_map *find_map(struct bpf_object *obj, const char *suffix)
{
	size_t n = strlen(suffix);
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		const char *name = bpf_map__name(m);
		size_t len = strlen(name);

		if (len >= n && !strcmp(name + len - n, suffix))
			return m;
	}
	return NULL;
}

/* Offset and size of variable var in section sec, through the object's BTF. */
static int find_var(struct bpf_object *obj, const char *sec_name, const char *var_name,
		    __u32 *off, __u32 *size)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	int id;

	if (!btf)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, sec_name, BTF_KIND_DATASEC);
	if (id < 0)
		return id;
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), var_name))
			continue;
		*off = vs->offset;
		*size = vs->size;
		return 0;
	}
	return -ENOENT;
}

/* Write cfg into the CFG variable of .rodata, found through the object's BTF. */
static int set_cfg(struct bpf_object *obj, const struct pwru_cfg *cfg)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	struct bpf_map *rodata = find_map(obj, ".rodata");
	const struct btf_type *sec;
	size_t size;
	char *data;
	int id;

	if (!btf || !rodata)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (id < 0)
		return id;
	sec = btf__type_by_id(btf, id);
	/* libbpf 1.1 returns it const; it is writable until load */
	data = (char *)bpf_map__initial_value(rodata, &size);
	if (!data)
		return -EINVAL;
	vs = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), "CFG"))
			continue;
		if (vs->offset + sizeof(*cfg) > size || vs->size != sizeof(*cfg))
			return -EINVAL;
		memcpy(data + vs->offset, cfg, sizeof(*cfg));
		return 0;
	}
	return -ENOENT;
}

/* The field expressions' read lists into EXPR of .rodata (bpf/skb_expr.bpf.h). */
static int set_expr(struct bpf_object *obj, const struct pwru_expr_cfg *expr)
{
	struct bpf_map *rodata = find_map(obj, ".rodata");
	__u32 off, size;
	size_t len;
	char *data;
	int err;

	err = rodata ? find_var(obj, ".rodata", "EXPR", &off, &size) : -ENOENT;
	if (err)
		return err;
	data = (char *)bpf_map__initial_value(rodata, &len);
	if (!data || size != sizeof(*expr) || off + size > len)
		return -EINVAL;
	memcpy(data + off, expr, sizeof(*expr));
	return 0;
}

int pwru_obj__prepare(struct bpf_object *obj, const struct pwru_run *r, const struct backend *b)
{
	struct bpf_map *events = find_map(obj, "events"), *stacks;
	struct pwru_cfg cfg = r->cfg;
	int err;

	/* fentry's frame scan of kfree_skb(skb) before 5.15 (fentry.bpf.c) */
	for (size_t i = 0; i < r->funcs.n; i++)
		if (!strcmp(r->funcs.v[i].name, "kfree_skb") && !r->funcs.v[i].module)
			cfg.kfree_skb_addr = r->funcs.v[i].addr;

	if (!events)
		return -ENOENT;
	if (r->perfbuf) {
		/* libbpf sizes a PERF_EVENT_ARRAY with max_entries 0 to the CPU count */
		err = bpf_map__set_type(events, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
		err = err ?: bpf_map__set_key_size(events, sizeof(int));
		err = err ?: bpf_map__set_value_size(events, sizeof(int));
		err = err ?: bpf_map__set_max_entries(events, 0);
	} else {
		err = bpf_map__set_max_entries(events, r->ringbuf_bytes);
	}
	if (err)
		return err;
	/*
	 * Stack ids are kept for the whole run (src/trace.c): room for many
	 * distinct stacks when they are asked for, one bucket when not (each
	 * is preallocated, about 1 KiB).
	 */
	stacks = find_map(obj, "stacks");
	if (!stacks)
		return -ENOENT;
	err = bpf_map__set_max_entries(stacks, cfg.output_stack || cfg.output_caller ? 16384 : 1);
	if (err)
		return err;
	/* the splice happens in libbpf's load (src/pcap/load.c); refuse what it would miss */
	if (r->pcap) {
		err = pcap_filter__check_obj(obj);
		if (err)
			return err;
	}
	if (b->ops && b->ops->tune_cfg)
		b->ops->tune_cfg(b, &cfg);
	return set_cfg(obj, &cfg) ?: set_expr(obj, &r->expr);
}

const char *const pwru_probe_targets[PWRU_PROBE_TARGETS] = {
	"bpf_fentry_test1", "do_nanosleep", "vfs_fsync",
};

/*
 * A failed load's log at level 1 covers the path that failed; the kernel
 * refuses the load (ENOSPC) rather than truncate it, so room for a long one.
 */
#define PROBE_LOG_SIZE (1 << 20)

int pwru_probe__load(struct bpf_object *obj, struct bpf_program *prog, struct be_probe *p)
{
	struct bpf_map *stacks = find_map(obj, "stacks");
	struct bpf_program *q;
	char *log;
	int err;

	p->stage = "load";
	p->log[0] = '\0';
	bpf_object__for_each_program(q, obj)
		bpf_program__set_autoload(q, q == prog);
	/* a run sizes it for 4096 stacks of 127 frames: 4 MiB the probe never uses */
	err = stacks ? bpf_map__set_max_entries(stacks, 1) : -ENOENT;
	if (err)
		return err;
	log = calloc(1, PROBE_LOG_SIZE);
	if (!log)
		return -ENOMEM;
	/* log level 0: libbpf asks for the log only when the first load fails */
	err = bpf_program__set_log_buf(prog, log, PROBE_LOG_SIZE);
	err = err ?: bpf_object__load(obj);
	if (err)
		verifier_log__reason(log, p->log, sizeof(p->log));
	free(log);
	return err;
}

int pwru_probe__raw_attach(struct bpf_program *prog, const char *tp, struct be_probe *p)
{
	int link;

	p->stage = "attach";
	link = bpf_raw_tracepoint_open(tp, bpf_program__fd(prog));
	if (link < 0)
		return -errno;
	close(link);
	return 0;
}

int pwru_skel__load(struct bpf_object_skeleton *s, struct backend *b)
{
	int err = bpf_object__load_skeleton(s);

	return err ?: pwru_obj__fill_fds(*s->obj, b);
}

int pwru_obj__fill_fds(struct bpf_object *obj, struct backend *b)
{
	struct bpf_map *events = find_map(obj, "events");
	struct bpf_map *stacks = find_map(obj, "stacks");
	struct bpf_map *lost = find_map(obj, "lost");
	struct bpf_map *bss = find_map(obj, ".bss");
	__u32 size;
	int err;

	if (!events || !stacks || !lost || !bss)
		return -ENOENT;
	if (pcap_filter__check_loaded(obj))
		return -EINVAL;
	err = find_var(obj, ".bss", "PWRU_READY", &b->ready_off, &size);
	if (err)
		return err;
	if (size != sizeof(__u32) || b->ready_off + size > bpf_map__value_size(bss))
		return -EINVAL;
	b->bss_fd = bpf_map__fd(bss);
	b->bss_size = bpf_map__value_size(bss);
	/* mapped now, while privileged: see backend__set_ready() */
	b->bss_mem = NULL;
	if (bpf_map__map_flags(bss) & BPF_F_MMAPABLE) {
		long page = sysconf(_SC_PAGESIZE);
		size_t len = (b->bss_size + page - 1) / page * page;
		void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, b->bss_fd, 0);

		if (m != MAP_FAILED)
			b->bss_mem = m;
	}
	b->events_fd = bpf_map__fd(events);
	b->stacks_fd = bpf_map__fd(stacks);
	b->lost_fd = bpf_map__fd(lost);
	return 0;
}

void *backend__alloc(struct backend *b, size_t size, enum pwru_event_kind kind)
{
	b->priv = calloc(1, size);
	if (b->priv)
		b->kind = kind;
	return b->priv;
}

void backend__unmap(struct backend *b)
{
	long page = sysconf(_SC_PAGESIZE);

	if (b->bss_mem)
		munmap(b->bss_mem, (b->bss_size + page - 1) / page * page);
	b->bss_mem = NULL;
}

/*
 * Through a mapping of .bss made at load where the map is mmapable (libbpf
 * makes it so on 5.5+, the floor): a plain store, no syscall, so disarming
 * still works after the privilege drop on kernels that refuse bpf() map
 * updates without CAP_BPF (unprivileged_bpf_disabled before 6.4's per-command
 * checks). Otherwise through the syscall, which keeps the other .bss values.
 */
int backend__set_ready(struct backend *b, bool ready)
{
	__u32 zero = 0, v = ready;
	char *val;
	int err = 0;

	if (b->bss_mem) {
		__atomic_store_n((__u32 *)((char *)b->bss_mem + b->ready_off), v, __ATOMIC_SEQ_CST);
		return 0;
	}
	if (b->bss_fd < 0)
		return -EBADF;
	val = calloc(1, b->bss_size);
	if (!val)
		return -ENOMEM;
	if (bpf_map_lookup_elem(b->bss_fd, &zero, val)) {
		err = -errno;
		goto out;
	}
	memcpy(val + b->ready_off, &v, sizeof(v));
	if (bpf_map_update_elem(b->bss_fd, &zero, val, BPF_ANY))
		err = -errno;
out:
	free(val);
	return err;
}

static bool is_magic_ldimm64(const struct bpf_insn *insn)
{
	return insn[0].code == (BPF_LD | BPF_DW | BPF_IMM) && insn[0].src_reg == 0 &&
	       (__u32)insn[0].imm == (__u32)FUNC_ID_MAGIC &&
	       (__u32)insn[1].imm == (__u32)(FUNC_ID_MAGIC >> 32);
}

int pwru_prog__clone(const struct bpf_program *tmpl, __u64 func_id, const char *name,
		     struct bpf_prog_load_opts *opts)
{
	size_t cnt = bpf_program__insn_cnt(tmpl);
	struct bpf_insn *insns;
	int fd, patched = 0;

	insns = calloc(cnt, sizeof(*insns));
	if (!insns)
		return -ENOMEM;
	memcpy(insns, bpf_program__insns(tmpl), cnt * sizeof(*insns));
	for (size_t i = 0; i + 1 < cnt; i++) {
		if (!is_magic_ldimm64(&insns[i]))
			continue;
		insns[i].imm = (__u32)func_id;
		insns[i + 1].imm = (__u32)(func_id >> 32);
		patched++;
		i++;
	}
	if (!patched) {
		free(insns);
		return -ENOENT;
	}
	fd = bpf_prog_load(bpf_program__type(tmpl), name, "GPL", insns, cnt, opts);
	free(insns);
	return fd < 0 ? -errno : fd;
}

void attach_stats__skip(struct attach_stats *st, const char *reason, const char *target)
{
	int i;

	st->skipped++;
	for (i = 0; i < PWRU_SKIP_REASONS && st->skip[i].count; i++) {
		if (!strcmp(st->skip[i].reason, reason)) {
			st->skip[i].count++;
			return;
		}
	}
	if (i == PWRU_SKIP_REASONS)
		i--; /* fold the rest into the last bucket */
	if (!st->skip[i].count) {
		snprintf(st->skip[i].reason, sizeof(st->skip[i].reason), "%s", reason);
		snprintf(st->skip[i].example, sizeof(st->skip[i].example), "%s", target);
	}
	st->skip[i].count++;
}

void attach_stats__print(const struct attach_stats *st, const char *what, FILE *out)
{
	fprintf(out, "pwru: attached %zu %s in %.2fs", st->attached, what, st->attach_secs);
	if (st->skipped) {
		fprintf(out, ", skipped %zu:", st->skipped);
		for (int i = 0; i < PWRU_SKIP_REASONS && st->skip[i].count; i++)
			fprintf(out, "%s %zu %s (e.g. %s)", i ? ";" : "", st->skip[i].count,
				st->skip[i].reason, st->skip[i].example);
	}
	fputc('\n', out);
}
