/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --filter-track-skb through clones (bpf/track_clone.bpf.h): the probes at
 * the return of skb_clone(), skb_copy(), __pskb_copy_fclone() and
 * skb_copy_expand(), for the fentry (fexit), kprobe (kprobe + kretprobe)
 * and kprobe.multi (both multi links) backends. Extra, like the netfilter
 * probes: a failure is said once and the trace goes on without it.
 */
#ifndef PWRU_CLONE_PROBE_H
#define PWRU_CLONE_PROBE_H

#include <stdbool.h>

struct bpf_program;
struct bpf_link;
struct pwru_run;

enum clone_attach_kind {
	CLONE_FEXIT, /* exit[i]: one fexit program per function; entry unused */
	CLONE_KPROBE, /* entry[0], exit[0]: one kprobe and one kretprobe per function */
	CLONE_KPROBE_MULTI, /* entry[0], exit[0]: one multi link each for all four */
};

#define CLONE_FUNCS 4

struct clone_probes {
	enum clone_attach_kind kind;
	struct bpf_program *entry, *exit[CLONE_FUNCS];
	struct bpf_link *link[2 * CLONE_FUNCS];
	bool enabled[CLONE_FUNCS];
};

/*
 * Before load: keep the programs only with --filter-track-skb, and for each
 * function only where the kernel's BTF has it (all of them without BTF:
 * the attach decides). exit[] holds CLONE_FUNCS programs for CLONE_FEXIT,
 * one otherwise. Returns whether any stays.
 */
bool clone_probes__prepare(struct clone_probes *cp, enum clone_attach_kind kind,
			   struct bpf_program *entry, struct bpf_program *const *exit,
			   const struct pwru_run *r);
/* Leave them unloaded: the kernel refused them with err (said once). */
void clone_probes__off(struct clone_probes *cp, int err);
bool clone_probes__any(const struct clone_probes *cp);
/* After load. A function that cannot be probed is said once; never fatal. */
void clone_probes__attach(struct clone_probes *cp);
void clone_probes__detach(struct clone_probes *cp);

#endif /* PWRU_CLONE_PROBE_H */
