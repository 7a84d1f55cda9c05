/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What this kernel allows. features__probe() fills one struct features and
 * never prints; `pwru check` and auto selection both read it.
 */
#ifndef PWRU_FEATURES_H
#define PWRU_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "table.h" /* enum pwru_backend */

const char *pwru_backend_name(enum pwru_backend be); /* "kprobe-multi", ... */
/* accepts "fentry", "kprobe-multi" (and "kprobe_multi"), "kprobe", "tracepoint"; -EINVAL otherwise */
int pwru_backend_parse(const char *s);

enum feat_how {
	FEAT_HOW_UNKNOWN = 0,
	FEAT_HOW_PROBE, /* loaded/attached a test program or called the kernel */
	FEAT_HOW_CONFIG, /* kernel config */
	FEAT_HOW_VERSION, /* inferred from the kernel version */
	FEAT_HOW_FILE, /* presence or content of a file */
	FEAT_HOW_PROFILE, /* fixture profile (tests) */
};

struct feat {
	int val; /* 1 yes, 0 no, -1 unknown */
	enum feat_how how;
	int err; /* positive errno of a failed probe, 0 otherwise */
	char detail[192]; /* what was seen, e.g. "load failed: EPERM (empty verifier log)" */
	const char *remedy; /* static string or NULL */
};

struct probe_opts {
	const char *kernel_btf; /* --kernel-btf, or NULL */
	bool skip_load_probes; /* do not load or attach test programs */
};

struct features; /* defined in features_impl.h; opaque to most callers */

struct features *features__new(void);
void features__free(struct features *f);
/* Probe the running kernel. Returns 0, or a negative errno if probing itself broke. */
int features__probe(struct features *f, const struct probe_opts *o);
/* Fill from a fixture kernel profile (tests/unit/profiles/ *.profile). */
int features__load_profile(struct features *f, const char *path);

/*
 * Is this backend usable? On false, why (one line) and remedy are filled.
 * remedy may be set to NULL when there is nothing the user can do.
 * On true, why gets a short note (e.g. "load+attach probe succeeded") and
 * remedy is NULL. why and remedy may be NULL.
 */
bool features__usable(const struct features *f, enum pwru_backend be, char *why,
		      size_t why_len, const char **remedy);
/*
 * Auto selection: the first usable backend in preference order, or -ENOENT.
 * explain gets one line naming the choice and why better ones were skipped:
 * "tracepoint (fentry: ...; kprobe-multi: ...; kprobe: ...)", or
 * "none (fentry: ...; ...; tracepoint: ...)" when nothing is usable.
 */
int features__pick(const struct features *f, char *explain, size_t explain_len);

/* kernel facts the run-time needs */
bool features__has_ringbuf(const struct features *f);
bool features__has_vmlinux_btf(const struct features *f);
bool features__has_attach_cookie(const struct features *f);
bool features__has_get_func_ip(const struct features *f);
bool features__has_kprobe_pmu(const struct features *f);
/*
 * Directory of the pinned build for this release when the kernel has no BTF
 * and no --kernel-btf was given, else NULL; *detail (may be NULL) gets the
 * one-line finding either way ("none for 6.12.1 in DIR (it has: ...)").
 */
const char *features__pinned_dir(const struct features *f, const char **detail);

/*
 * `pwru check`: human report or one JSON document. Returns 0 when at least
 * one backend is usable and 1 when none is (use it as the exit code), or a
 * negative errno (-EINVAL, -EIO) when the report could not be written.
 */
int check__report(const struct features *f, FILE *out, bool json);

#endif /* PWRU_FEATURES_H */
