/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The detector's facts and how they are gathered. features__probe() fills
 * one struct features with what the kernel allows (value, how it was learned,
 * errno, what was seen) and never decides or prints: decide.h turns the
 * facts into verdicts, report.h prints them.
 */
#ifndef PWRU_PROBE_H
#define PWRU_PROBE_H

#include <stdbool.h>
#include <stddef.h>

enum feat_how {
	FEAT_HOW_UNKNOWN = 0,
	FEAT_HOW_PROBE, /* loaded/attached a test program or called the kernel */
	FEAT_HOW_CONFIG, /* kernel config */
	FEAT_HOW_VERSION, /* inferred from the kernel version */
	FEAT_HOW_FILE, /* presence or content of a file */
	FEAT_HOW_PROFILE, /* fixture profile (tests) */
	FEAT_HOW_DEFERRED, /* a run's backend probe left to the run itself (probe_opts.run) */
};

struct feat {
	int val; /* 1 yes, 0 no, -1 unknown */
	enum feat_how how;
	int err; /* positive errno of a failed probe, 0 otherwise */
	char detail[192]; /* what was seen, e.g. "load failed: EPERM (empty verifier log)" */
	const char *remedy; /* static string or NULL */
	char log[192]; /* load+attach probes: the verifier log's last line, or "" */
};

struct probe_opts {
	const char *kernel_btf; /* --kernel-btf, or NULL */
	/* where pinned builds are looked up (src/pinned.h's pinned__find), or NULL: not at all */
	int (*find_pinned)(const char *release, char *dir, size_t dir_len, char *why,
			   size_t why_len);
	bool skip_load_probes; /* do not load or attach test programs */
	/*
	 * A trace run needs less than `pwru check`: -1 (auto) probes backends
	 * in preference order up to the first that passes, a backend id probes
	 * only that one; the rest stay "not probed". `pwru check` probes all.
	 */
	bool run;
	int backend;
};

struct features; /* defined in features_impl.h; opaque to most callers */

struct features *features__new(void);
/* Also unmounts what probing mounted (tracefs), which f->tracefs names until then. */
void features__free(struct features *f);
/* Probe the running kernel. Returns 0, or a negative errno if probing itself broke. */
int features__probe(struct features *f, const struct probe_opts *o);
/* Fill from a fixture kernel profile (tests/unit/profiles/ *.profile). */
int features__load_profile(struct features *f, const char *path);

#endif /* PWRU_PROBE_H */
