/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The backend ops table. A backend loads its skeleton (the shared BPF body
 * plus its thin wrapper), attaches to its targets and hands back the maps the
 * pipeline reads. close() undoes everything and is safe after a partial open.
 */
#ifndef PWRU_BACKEND_H
#define PWRU_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/capability.h>
#include <linux/types.h>

#include "event.h"
#include "features.h"
#include "funcs.h"
#include "pinned.h"

struct bpf_object;
struct bpf_object_skeleton;
struct bpf_program;
struct bpf_prog_load_opts;
struct btf;
struct options;
struct pwru_pcap;

#ifndef CAP_PERFMON
#define CAP_PERFMON 38 /* 5.8 */
#endif
#ifndef CAP_BPF
#define CAP_BPF 39 /* 5.8 */
#endif
#define PWRU_CAP(c) (1ULL << (c))
/* what every backend measured needs without root on 5.8+ (tests/vm/privilege.sh measure) */
#define PWRU_CAPS_BPF (PWRU_CAP(CAP_BPF) | PWRU_CAP(CAP_PERFMON))

/* What a run needs from the CLI and the kernel, shared by all backends. */
struct pwru_run {
	const struct options *opts;
	const struct features *feat;
	struct pwru_cfg cfg;
	const char *kernel_btf; /* --kernel-btf: CO-RE and discovery source, or NULL */
	const char *pinned_dir; /* no kernel BTF: the pinned build for this release (src/pinned.h) */
	struct btf *btf; /* vmlinux BTF (or --kernel-btf); NULL once released */
	const char *core_btf; /* CO-RE target instead: btf and mod_btf merged, or NULL */
	struct btf *mod_btf; /* module types from headers (src/modbtf.h), or NULL */
	struct skb_funcs funcs; /* function targets; func_id indexes it */
	const struct pwru_pcap *pcap; /* compiled pcap filter, or NULL (src/pcap/pcap.h) */
	bool perfbuf; /* no BPF ring buffer (before 5.8) */
	__u32 ringbuf_bytes;
	struct pwru_expr_cfg expr; /* --filter-skb-expr, --output-skb-metadata (src/skb_expr.h) */
};

#define PWRU_SKIP_REASONS 8

/*
 * What a backend's probe_load op saw: the stage it reached (its success text
 * when it returns 0) and, for a rejected load, the verifier's last line.
 */
struct be_probe {
	const char *stage; /* "open", "load", "attach", or what succeeded */
	char log[192];
};

struct attach_stats {
	size_t attached;
	size_t skipped;
	struct {
		char reason[64];
		size_t count;
		char example[64];
	} skip[PWRU_SKIP_REASONS];
	double attach_secs;
	double detach_secs;
};

struct backend {
	const struct backend_ops *ops;
	void *priv;
	int events_fd; /* ring buffer or perf event array */
	int stacks_fd;
	int lost_fd; /* per-CPU u64 counter of events the ring buffer refused */
	int bss_fd; /* .bss, which holds PWRU_READY (bpf/body.bpf.h) */
	__u32 bss_size, ready_off;
	void *bss_mem; /* .bss mapped at load (NULL: not mmapable), see backend__set_ready() */
	/* names by func_id, for the event kind this backend emits */
	enum pwru_event_kind kind;
	const char *const *names;
	size_t nr_names;
	struct attach_stats stats;
};

#define PWRU_FEAT_BIT(id) (1ULL << (id))

/* One errno's explanation of a failed probe (backend_ops.why). */
struct be_why {
	int err[2]; /* the positive errnos it explains; err[1] 0 for one */
	const char *brief; /* may hold one %s: the errno's name */
	const char *lng; /* likewise */
	const char *remedy; /* static, or NULL */
};

/*
 * A backend: what it needs from the kernel (read by probe-detect's decisions,
 * auto mode and `pwru check`, none of which names a backend) and how it runs.
 */
struct backend_ops {
	const char *name; /* "kprobe-multi" */
	const char *alias; /* also accepted by --backend ("kprobe_multi"), or NULL */
	enum pwru_backend id; /* its row in table.h */
	int probe; /* enum feat_id of the load+attach probe that proves it works */
	/*
	 * That probe: open this backend's skeleton as a run would (r: config,
	 * buffers, BTF or pinned build; no functions, no pcap filter), load
	 * one real template, and attach it to one harmless target (see
	 * pwru_probe__load()). Undone before it returns. 0 or a negative errno.
	 */
	int (*probe_load)(const struct pwru_run *r, struct be_probe *p);
	bool needs_vmlinux_btf; /* attaches by the kernel's own BTF ids: no other BTF will do */
	bool needs_funcs; /* attaches to the discovered functions (r->funcs) */
	/* capabilities it needs without root on 5.8+, as measured (README, Requirements) */
	unsigned long long caps;
	/*
	 * It opens perf events: where perf_event_paranoid is 3 (a Debian and
	 * Ubuntu patch, not upstream) perf_event_open() wants CAP_SYS_ADMIN.
	 */
	bool perf_event;
	/*
	 * Why its probe failed with err (positive errno; or needs_vmlinux_btf
	 * is unmet), as a short phrase for verdicts, a sentence for the report
	 * and a static remedy or NULL (probe-detect/decide.c asks in this
	 * order): explain(), if set and it returns true, for what the facts
	 * decide (config, sysctl); EPERM and EACCES as for every probe; the
	 * row of why[] for err; else "<what> probe failed (E)".
	 */
	bool (*explain)(const struct features *f, int err, char *brief, size_t blen, char *lng,
			size_t llen, const char **remedy);
	const struct be_why *why; /* ends with a row whose err[0] is 0 */
	const char *what; /* its name in those words: "kprobe.multi", "raw tracepoint" */
	/*
	 * Load probes skipped: the kernel config vouches for it when every
	 * feature in this set (PWRU_FEAT_BIT(enum feat_id)) is 1; 0 never does.
	 */
	unsigned long long assumed_from_config;
	/* Optional: adjust the BPF side's copy of the config after open (r->cfg stays as is). */
	void (*tune_cfg)(const struct backend *b, struct pwru_cfg *cfg);
	int (*open)(struct backend *b, struct pwru_run *r); /* open, configure, load */
	int (*attach)(struct backend *b, struct pwru_run *r);
	void (*close)(struct backend *b); /* detach and free */
};

/* The row of table.h, or NULL for an id out of range. */
const struct backend_ops *backend_ops_get(enum pwru_backend be);

/*
 * For an open: b->priv = size zeroed bytes (the backend's state, which its
 * close frees), and the kind of events it emits. NULL when out of memory.
 */
void *backend__alloc(struct backend *b, size_t size, enum pwru_event_kind kind);

/* Record one target that could not be attached, grouped by reason. */
void attach_stats__skip(struct attach_stats *st, const char *reason, const char *target);
/* "attached 1234 functions, skipped 5 (3 EINVAL: notrace ..., ...)" */
void attach_stats__print(const struct attach_stats *st, const char *what, FILE *out);

/*
 * Shared plumbing for every backend's skeleton: rodata config, ring or perf
 * buffer sizing, and the fds the pipeline needs. Call before load.
 */
int pwru_obj__prepare(struct bpf_object *obj, const struct pwru_run *r, const struct backend *b);
/* after load */
int pwru_obj__fill_fds(struct bpf_object *obj, struct backend *b);
/*
 * kb->skel = PWRU_SKEL_OPEN(kprobe_bpf, r, b): create, open (src/pinned.h:
 * CO-RE or the pinned build) and prepare; NULL and errno on failure.
 */
#define PWRU_SKEL_OPEN(type, r, b)                                              \
	({                                                                      \
		struct type *__s = calloc(1, sizeof(*__s));                     \
		int __e = __s ? type##__create_skeleton(__s) : -ENOMEM;         \
									        \
		__e = __e ?: pwru_skel__open(__s->skeleton, (r));               \
		__e = __e ?: pwru_obj__prepare(__s->obj, (r), (b));             \
		if (__e) {                                                      \
			type##__destroy(__s);                                   \
			__s = NULL;                                             \
			errno = -__e;                                           \
		}                                                               \
		__s;                                                            \
	})

/* Kernel functions a probe may attach to: exist on most kernels, called rarely. */
extern const char *const pwru_probe_targets[];
#define PWRU_PROBE_TARGETS 3 /* bpf_fentry_test1, do_nanosleep, vfs_fsync */

/*
 * For a backend's probe_load: load only prog of its opened skeleton obj,
 * with maps shrunk to the minimum (the probe reads no events), keeping the
 * verifier's last line in p on failure. 0 or a negative errno.
 */
int pwru_probe__load(struct bpf_object *obj, struct bpf_program *prog, struct be_probe *p);

/*
 * Then attach it and detach it again: a raw tracepoint (tp) or, with tp
 * NULL, a tracing program's own target. 0 or a negative errno.
 */
int pwru_probe__raw_attach(struct bpf_program *prog, const char *tp, struct be_probe *p);

/* Let the programs emit events, or make them return at once (PWRU_READY). */
int backend__set_ready(struct backend *b, bool ready);
/* Undo the mapping of .bss that pwru_obj__fill_fds() made, once the backend is closed. */
void backend__unmap(struct backend *b);

/* Load a prepared skeleton and fill b's fds from it. */
int pwru_skel__load(struct bpf_object_skeleton *s, struct backend *b);

/*
 * Load a copy of a loaded template program with its function-id placeholder
 * replaced by func_id. opts carries the attach target for tracing programs.
 * Returns the new program fd or a negative errno.
 */
int pwru_prog__clone(const struct bpf_program *tmpl, __u64 func_id, const char *name,
		     struct bpf_prog_load_opts *opts);

#endif /* PWRU_BACKEND_H */
