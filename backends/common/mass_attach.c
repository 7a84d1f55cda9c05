// SPDX-License-Identifier: GPL-2.0
/* Parallel attach and detach with a progress bar; see mass_attach.h. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include "backend.h"
#include "mass_attach.h"

#define MASS_MAX_THREADS 64

struct mass {
	size_t n;
	size_t next; /* atomic: next job to hand out */
	size_t done; /* atomic */
	void (*job)(size_t i, void *arg);
	void *arg;
	bool cancellable;
};

static volatile sig_atomic_t *stop_flag;

void mass__set_stop(volatile sig_atomic_t *flag)
{
	stop_flag = flag;
}

bool mass__stopping(void)
{
	return stop_flag && *stop_flag;
}

/* Attach stops handing out jobs once the user asked to stop; detach never does. */
static bool stopped(const struct mass *m)
{
	return m->cancellable && stop_flag && *stop_flag;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int mass__threads(void)
{
	const char *env = getenv("PWRU_ATTACH_THREADS");
	/* the jobs mostly wait in the kernel, so more threads than CPUs pay */
	long n = env ? atol(env) : 8;

	if (n < 1)
		n = 1;
	return n > MASS_MAX_THREADS ? MASS_MAX_THREADS : n;
}

static void *worker(void *p)
{
	struct mass *m = p;
	size_t i;

	while (!stopped(m) && (i = __atomic_fetch_add(&m->next, 1, __ATOMIC_RELAXED)) < m->n) {
		m->job(i, m->arg);
		__atomic_fetch_add(&m->done, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* "pwru: detaching [####      ] 412/1408 15.2/s, 65s left" */
static void progress_line(const char *what, size_t done, size_t n, double secs)
{
	int width = 30, fill = n ? (int)(done * width / n) : width;
	double rate = done / secs;

	fprintf(stderr, "\rpwru: %s [%.*s%*s] %zu/%zu %.1f/s", what, fill,
		"##############################", width - fill, "", done, n, rate);
	if (done)
		fprintf(stderr, ", %.0fs left\033[K", (n - done) / rate);
	else
		fprintf(stderr, "\033[K");
}

void progress__start(struct progress *p, const char *what, size_t n)
{
	*p = (struct progress){ .what = what, .n = n, .t0 = now(),
				.tty = isatty(STDERR_FILENO) };
}

void progress__update(struct progress *p, size_t done)
{
	double secs = now() - p->t0;

	if (!p->tty || secs <= 1)
		return;
	progress_line(p->what, done, p->n, secs);
	p->shown = true;
}

double progress__end(struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
	return now() - p->t0;
}

double mass__run(size_t n, void (*job)(size_t i, void *arg), void *arg, const char *what,
		 bool cancellable)
{
	struct mass m = { .n = n, .job = job, .arg = arg, .cancellable = cancellable };
	pthread_t tid[MASS_MAX_THREADS];
	int nt = mass__threads(), started = 0;
	struct progress p;

	progress__start(&p, what, n);
	for (int i = 0; nt > 1 && (size_t)i < n && i < nt; i++)
		if (!pthread_create(&tid[started], NULL, worker, &m))
			started++;
	if (!started) {
		for (size_t i = 0; i < n && !stopped(&m); i++) {
			job(i, arg);
			m.done++;
			if (i % 16 == 15)
				progress__update(&p, m.done);
		}
	}
	while (started && __atomic_load_n(&m.done, __ATOMIC_ACQUIRE) < n) {
		if (stopped(&m))
			break;
		usleep(100 * 1000);
		progress__update(&p, __atomic_load_n(&m.done, __ATOMIC_ACQUIRE));
	}
	/* after a stop, the workers finish the job in hand and return */
	for (int i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	return progress__end(&p);
}

void mass__reserve_fds(size_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	need += 256; /* maps, BTF, kallsyms, output, libbpf's own */
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

void mass__skip(struct attach_stats *st, const char *stage, int err, const char *target)
{
	const char *name;
	char reason[64];

	err = err < 0 ? -err : err;
	/* 524: the kernel-internal ENOTSUPP, e.g. a trampoline for struct args */
	name = err == 524 ? "ENOTSUPP" : strerrorname_np(err);
	snprintf(reason, sizeof(reason), "%s: %s", stage, name ? name : strerror(err));
	attach_stats__skip(st, reason, target);
}

int mass__result(const struct attach_stats *st, const int *errs, size_t n)
{
	if (st->attached)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (errs[i])
			return errs[i] < 0 ? errs[i] : -errs[i];
	return -ENOENT;
}
