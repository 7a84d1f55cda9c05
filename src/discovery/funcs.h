/* SPDX-License-Identifier: GPL-2.0 */
/* Discovery of the kernel functions and tracepoints that take an sk_buff. */
#ifndef PWRU_FUNCS_H
#define PWRU_FUNCS_H

#include <stdbool.h>
#include <regex.h>
#include <stddef.h>
#include <linux/types.h>

struct btf;
struct ksyms;

struct skb_func {
	char *name;
	char *module; /* NULL for vmlinux */
	__u32 btf_id; /* BTF_KIND_FUNC id in its BTF (module BTF for modules) */
	int skb_pos; /* 1-based position of the first struct sk_buff * parameter */
	int nr_args;
	__u64 addr; /* from kallsyms when known, else 0 */
	/* listed in available_filter_functions: it starts with ftrace's call site */
	bool ftrace;
};

struct skb_funcs {
	struct skb_func *v;
	size_t n;
};

/*
 * Append every BTF_KIND_FUNC of btf whose parameters include a
 * struct sk_buff * (through typedefs and cv-qualifiers). module may be NULL.
 * Returns 0 or a negative errno.
 */
int skb_funcs__scan_btf(const struct btf *btf, const char *module, struct skb_funcs *out);

/* Same for tracepoints, from the btf_trace_<name> typedefs; name is the event name. */
int skb_tracepoints__scan_btf(const struct btf *btf, struct skb_funcs *out);

struct discover_opts {
	const char *kernel_btf; /* NULL: /sys/kernel/btf/vmlinux */
	const char *filter_func; /* POSIX extended regex, whole-name match; NULL: all */
	bool all_kmods; /* also scan /sys/kernel/btf/<module> */
	const char *kmods; /* "a,b": also scan just these modules (all_kmods wins) */
	const char *avail_path; /* NULL: <tracefs>/available_filter_functions */
	const char *kallsyms_path; /* NULL: /proc/kallsyms */
	/* parsed already by the caller, who keeps it: vmlinux BTF is not parsed twice */
	const struct btf *btf;
	/* loaded already: kallsyms (~50 ms of kernel time to read) is not read twice */
	const struct ksyms *ksyms;
	/* scanned already (a pinned build's table): no BTF is read, all_kmods ignored */
	const struct skb_funcs *candidates;
};

/*
 * Scan, filter by name, and keep only probeable functions (listed in
 * available_filter_functions when readable, else in kallsyms). Sorted by name.
 * *out is replaced, not appended to. -EINVAL: filter_func does not compile;
 * -ENOENT: a module of kmods has no BTF (not loaded).
 */
int skb_funcs__discover(const struct discover_opts *o, struct skb_funcs *out);
void skb_funcs__free(struct skb_funcs *f);
/* Append one entry, name and module (may be NULL) copied; *cap tracks out's allocation. */
int skb_funcs__push(struct skb_funcs *out, size_t *cap, const char *name, const char *module,
		    __u32 btf_id, int skb_pos, int nr_args);
/*
 * 0 if pattern compiles as a --filter-func regex, else -EINVAL with
 * regerror()'s message in buf.
 */
int skb_funcs__regex_error(const char *pattern, char *buf, size_t len);
/*
 * Compile a --filter-func pattern the one way every user matches names: the
 * whole name, POSIX extended. regcomp()'s return value.
 */
int skb_funcs__regex_compile(regex_t *re, const char *pattern);

#endif /* PWRU_FUNCS_H */
