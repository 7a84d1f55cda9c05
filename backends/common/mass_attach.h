/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the fentry, kprobe.multi and kprobe backends: run one
 * job per target on a few threads with a progress bar, and collect the
 * per-target results into the attach statistics afterwards (attach_stats
 * is not thread-safe, so workers only write their own slot).
 */
#ifndef PWRU_MASS_ATTACH_H
#define PWRU_MASS_ATTACH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

struct attach_stats;

/*
 * job(i, arg) for every i in [0, n); returns the wall time in seconds. On a
 * terminal, a run longer than a second shows a progress line. A cancellable
 * run (attach) hands out no more jobs once the stop flag is set: the jobs
 * it never ran are left as the caller initialised them.
 */
double mass__run(size_t n, void (*job)(size_t i, void *arg), void *arg, const char *what,
		 bool cancellable);

/* The flag the signal handler sets (src/trace.c); NULL: never stop. */
void mass__set_stop(volatile sig_atomic_t *flag);
/* Has the user asked to stop? */
bool mass__stopping(void);

/*
 * A progress line on stderr, only when it is a terminal and only after the
 * first second: "pwru: attaching [###   ] 412/1408 15.2/s, 65s left".
 */
struct progress {
	const char *what;
	size_t n;
	double t0;
	bool tty, shown;
};
void progress__start(struct progress *p, const char *what, size_t n);
void progress__update(struct progress *p, size_t done);
/* clears the line; returns the seconds since start */
double progress__end(struct progress *p);

/* PWRU_ATTACH_THREADS, else 8 */
int mass__threads(void);

/*
 * Raise the soft RLIMIT_NOFILE towards the hard limit so that need more fds
 * fit (one per attached function; shells default to 1024).
 */
void mass__reserve_fds(size_t need);

/* one skip reason: "<stage>: <errno name> (<message>)" */
void mass__skip(struct attach_stats *st, const char *stage, int err, const char *target);

/*
 * What attach() returns: 0 when something is attached, else the first
 * per-target error (so that the reason reaches the user and auto mode falls
 * back), else -ENOENT.
 */
int mass__result(const struct attach_stats *st, const int *errs, size_t n);

#endif /* PWRU_MASS_ATTACH_H */
