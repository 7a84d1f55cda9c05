/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The inside of struct features, for probe-detect/ and its unit tests.
 * Everything else goes through probe.h, decide.h and report.h.
 */
#ifndef PWRU_FEATURES_IMPL_H
#define PWRU_FEATURES_IMPL_H

#include "features.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* kernel-internal, but bpf() leaks it to user space */
#endif

enum feat_id {
	/* kernel config: val 1 = y or m, 0 = not set, -1 = no config found */
	FEAT_CFG_KPROBES = 0,
	FEAT_CFG_KPROBE_EVENTS,
	FEAT_CFG_FPROBE,
	FEAT_CFG_FUNCTION_TRACER,
	FEAT_CFG_DIRECT_CALLS, /* DYNAMIC_FTRACE_WITH_DIRECT_CALLS */
	FEAT_CFG_DEBUG_INFO_BTF,
	FEAT_CFG_BPF_EVENTS,
	FEAT_CFG_BPF_JIT,
	FEAT_CFG_TASKS_RCU, /* synchronize_rcu_tasks() is its own grace period, not synchronize_rcu() */
	/* BTF */
	FEAT_BTF_VMLINUX,
	FEAT_BTF_MODULES,
	FEAT_BTF_MODTYPES, /* no module BTF: nf_tables' types from headers (src/modbtf.h) */
	FEAT_BTF_EXTERNAL, /* --kernel-btf given and parsable */
	FEAT_BTF_PINNED, /* no kernel BTF: a pinned pre-CO-RE build for this release (src/pinned.h) */
	/* val is an enum lockdown_mode here, not a yes/no */
	FEAT_LOCKDOWN,
	/* privileges */
	FEAT_ROOT,
	FEAT_CAP_BPF,
	FEAT_CAP_PERFMON,
	FEAT_CAP_SYS_ADMIN,
	/* tracing file systems */
	FEAT_TRACEFS,
	FEAT_FILTER_FUNCS, /* available_filter_functions readable */
	FEAT_KPROBE_PMU,
	/* maps and helpers */
	FEAT_RINGBUF,
	FEAT_PROBE_READ_KERNEL,
	FEAT_GET_FUNC_IP,
	FEAT_ATTACH_COOKIE,
	FEAT_SNPRINTF_BTF,
	/* the verifier features that set pwru's floor (PWRU_FLOOR) */
	FEAT_BPF_FLOOR,
	/* each backend's own template, loaded and attached (its probe_load op) */
	FEAT_PROBE_FENTRY,
	FEAT_PROBE_KPROBE_MULTI,
	FEAT_PROBE_KPROBE,
	FEAT_PROBE_RAW_TP,
	FEAT__COUNT,
};

enum lockdown_mode {
	LOCKDOWN_UNKNOWN = -1,
	LOCKDOWN_NONE = 0,
	LOCKDOWN_INTEGRITY = 1,
	LOCKDOWN_CONFIDENTIALITY = 2,
};

struct features {
	char source[256]; /* "running kernel" or the profile path */
	char release[65]; /* uname -r */
	char version[256]; /* uname -v */
	char version_signature[128]; /* Ubuntu's /proc/version_signature, or "" */
	unsigned int kver; /* PWRU_KVER() of the release, 0 if unknown; version fallbacks only */
	char config_source[160]; /* file the config came from, "" if none */
	char kernel_btf[256]; /* --kernel-btf path, or "" */
	char pinned[256]; /* directory of the pinned build in use, or "" */
	char tracefs[128]; /* mount point, or "" */
	bool mounted_tracefs; /* probing mounted tracefs at tracefs: features__free() unmounts it */
	char error[160]; /* why features__load_profile() failed, "" otherwise */
	bool cap_known; /* cap_eff was read from this process (not a profile) */
	unsigned long long cap_eff; /* effective capabilities, bit N = capability N */
	int perf_paranoid; /* kernel.perf_event_paranoid; 0 in a profile, -100 unreadable */
	struct feat f[FEAT__COUNT];
};

struct feat_info {
	const char *key; /* profile and JSON key, e.g. "probe.fentry" */
	const char *label; /* report label, e.g. "fentry load+attach" */
};

extern const struct feat_info feat_info[FEAT__COUNT];

#define PWRU_KVER(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))

unsigned int feat__kver_parse(const char *release);
const char *feat__errno_name(int err); /* "EPERM", or NULL if not known */
int feat__errno_parse(const char *s); /* "EPERM" or "1" -> 1; -EINVAL */
const char *feat__lockdown_name(int mode);
/* Find a feature by key; -ENOENT if none. */
int feat__find(const char *key);

#include "decide_impl.h"

#endif /* PWRU_FEATURES_IMPL_H */
