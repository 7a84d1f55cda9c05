/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure decisions on the facts of probe.h (decide.c): backend names, which
 * backends are usable and why, which one auto mode takes, and the kernel
 * facts a run needs. Backends are read from their ops (backends/backend.h).
 */
#ifndef PWRU_DECIDE_H
#define PWRU_DECIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "probe.h"
#include "table.h" /* enum pwru_backend */

/*
 * The oldest kernel pwru supports, and why: every backend's BPF object
 * keeps its run's configuration in .rodata and branches on it to paths
 * that use newer helpers (ring buffer 5.8, BPF cookies and function IPs
 * 5.15). Only a verifier that reads read-only map values as constants
 * (5.5, "bpf: Track contents of read-only maps as scalars") skips the paths this kernel lacks; global data
 * (5.2) and BPF-to-BPF calls for the pcap filter (4.16) come before it.
 * Learned by probing (FEAT_BPF_FLOOR), as distro kernels backport it.
 */
#define PWRU_FLOOR "5.5"
#define PWRU_FLOOR_KVER ((5 << 16) + (5 << 8)) /* PWRU_KVER(5, 5, 0) */
#define PWRU_FLOOR_NEEDS "its verifier reads .rodata as constants"

/*
 * Does pwru support this kernel at all? On false, why gets the one line
 * `pwru` and `pwru check` print before they exit 1. why may be NULL.
 */
bool features__supported(const struct features *f, char *why, size_t why_len);

const char *pwru_backend_name(enum pwru_backend be); /* "kprobe-multi", ... */
/* accepts "fentry", "kprobe-multi" (and "kprobe_multi"), "kprobe", "tracepoint"; -EINVAL otherwise */
int pwru_backend_parse(const char *s);

/*
 * Is this backend usable? On false, why (one line) and remedy are filled.
 * remedy may be set to NULL when there is nothing the user can do.
 * On true, why gets a short note (e.g. "load+attach probe succeeded") and
 * remedy is NULL. why and remedy may be NULL.
 */
bool features__usable(const struct features *f, enum pwru_backend be, char *why,
		      size_t why_len, const char **remedy);
/*
 * Auto selection: the usable backends, cheapest for this run first, into
 * order[PWRU_BE__COUNT]; returns how many. kprobe-multi first (one link per
 * template), then fentry and kprobe by what attaching and removing
 * nr_targets functions costs on this kernel (0: a full set of about 1500)
 * and fentry's lower cost per call, then tracepoint. explain gets one line:
 * the winner, why the unusable ones were skipped, and why the winner won:
 * "kprobe (kprobe-multi: no CONFIG_FPROBE); cheaper than fentry for 1408
 * functions ...", or "none (fentry: ...; ...)" when nothing is usable.
 */
/*
 * Auto's preference order, PWRU_BE__COUNT entries: the first wins whenever
 * usable, the middle ones are ranked by cost, the last is the last resort.
 */
const int *features__preference(void);
int features__rank(const struct features *f, size_t nr_targets, int *order, char *explain,
		   size_t explain_len);
/* The winner of features__rank() for a full set, or -ENOENT. */
int features__pick(const struct features *f, char *explain, size_t explain_len);

/* Estimated wall time to attach and to remove n functions (0: a full set). */
struct backend_cost {
	size_t n;
	double attach_secs;
	double detach_secs;
	const char *measured; /* the lab kernel the figures come from */
};
void features__cost(const struct features *f, enum pwru_backend be, size_t n,
		    struct backend_cost *c);
/*
 * Capabilities (bit N = capability N) backend be needs without root: its
 * measured set on 5.8+, CAP_SYS_ADMIN before. Missing: those not in this
 * process's effective set (0 when unknown, e.g. a profile).
 */
unsigned long long features__caps_needed(const struct features *f, enum pwru_backend be);
unsigned long long features__caps_missing(const struct features *f, enum pwru_backend be);

/* kernel facts the run-time needs */
bool features__has_ringbuf(const struct features *f);
bool features__has_vmlinux_btf(const struct features *f);
bool features__has_attach_cookie(const struct features *f);
bool features__has_get_func_ip(const struct features *f);
bool features__has_kprobe_pmu(const struct features *f);
/* Kprobes go just past ftrace's call site, not on it (the reason is in decide.c). */
bool features__kprobe_past_ftrace(const struct features *f);
/*
 * Directory of the pinned build for this release when the kernel has no BTF
 * and no --kernel-btf was given, else NULL; *detail (may be NULL) gets the
 * one-line finding either way ("none for 6.12.1 in DIR (it has: ...)").
 */
const char *features__pinned_dir(const struct features *f, const char **detail);

#endif /* PWRU_DECIDE_H */
