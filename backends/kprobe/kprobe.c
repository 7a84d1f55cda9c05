// SPDX-License-Identifier: GPL-2.0
/*
 * Classic kprobe backend: one perf kprobe event per function, through the
 * kprobe PMU (4.17+) or, when it is missing, through legacy tracefs
 * kprobe_events. Events are opened and attached on a few threads: each
 * register and unregister waits for an RCU grace period, and detach is what
 * makes the Go pwru slow (21-35 probes/s).
 *
 * Legacy events are named pwru_<pid>_<func id>, so that a start-up sweep can
 * remove those of a pwru that was killed.
 *
 * Measured under TCG (1 vCPU), 1471 functions on Debian 6.1: detach took 68 s
 * on one thread (22/s, the Go pwru's rate) and 32 s on 32 threads; unregister
 * waits for RCU outside kprobe_mutex, so the waits overlap.
 *
 * Test knobs: PWRU_KPROBE_LEGACY=1 uses kprobe_events although the PMU
 * exists; PWRU_KPROBE_NO_COOKIE=1 identifies functions by address, as on
 * kernels before 5.15; PWRU_ATTACH_THREADS sets the thread count.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "backend.h"
#include "kprobe_common.h"
#include "mass_attach.h"
#include "pinned.h"
#include "kprobe.skel.h"

#define KPROBE_PMU_TYPE "/sys/bus/event_source/devices/kprobe/type"

struct kprobe_backend {
	struct kprobe_bpf *skel;
	const struct skb_funcs *funcs;
	char tracefs[64];
	int pmu_type; /* -1: legacy kprobe_events */
	bool cookie;
	int *pfd; /* per func id, -1 when not attached */
	int *link_fd;
	bool *legacy; /* a kprobe_events entry exists */
	int *err;
	const char **stage;
};

static struct bpf_program *template_prog(struct kprobe_bpf *skel, int t)
{
	struct bpf_program *p[KP_T__COUNT] = {
		skel->progs.kprobe_skb1,	     skel->progs.kprobe_skb2,
		skel->progs.kprobe_skb3,	     skel->progs.kprobe_skb4,
		skel->progs.kprobe_skb5,	     skel->progs.kprobe_kfree_skb_reason,
		skel->progs.kprobe_sk_skb_reason_drop,
	};

	return p[t];
}

static int read_int(const char *path, int *v)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC), n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EINVAL;
	*v = atoi(buf);
	return 0;
}

static int perf_open(struct perf_event_attr *attr)
{
	int fd = syscall(__NR_perf_event_open, attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int kprobe_open_pmu(struct kprobe_backend *kb, const struct skb_func *f)
{
	struct perf_event_attr attr = { .size = sizeof(attr), .type = kb->pmu_type };

	attr.config1 = (__u64)(unsigned long)f->name; /* the kernel resolves module symbols too */
	return perf_open(&attr);
}

static int kprobe_open_legacy(struct kprobe_backend *kb, size_t i)
{
	struct perf_event_attr attr = { .size = sizeof(attr), .type = PERF_TYPE_TRACEPOINT };
	const struct skb_func *f = &kb->funcs->v[i];
	char cmd[256], path[256];
	int err, id;

	if (f->module)
		snprintf(cmd, sizeof(cmd), "p:kprobes/pwru_%d_%zu %s:%s\n", getpid(), i, f->module,
			 f->name);
	else
		snprintf(cmd, sizeof(cmd), "p:kprobes/pwru_%d_%zu %s\n", getpid(), i, f->name);
	err = kprobe_events__write(kb->tracefs, cmd);
	if (err)
		return err;
	kb->legacy[i] = true;
	snprintf(path, sizeof(path), "%s/events/kprobes/pwru_%d_%zu/id", kb->tracefs, getpid(), i);
	err = read_int(path, &id);
	if (err)
		return err;
	attr.config = id;
	return perf_open(&attr);
}

/* One function: a perf kprobe event with the template attached. Threads. */
static void attach_job(size_t i, void *arg)
{
	struct kprobe_backend *kb = arg;
	const struct skb_func *f = &kb->funcs->v[i];
	int t = kp_template_of(f), pfd, prog;

	if (t < 0) {
		kb->err[i] = -E2BIG;
		kb->stage[i] = "skb argument beyond the 5th";
		return;
	}
	pfd = kb->pmu_type >= 0 ? kprobe_open_pmu(kb, f) : kprobe_open_legacy(kb, i);
	if (pfd < 0) {
		kb->err[i] = pfd;
		kb->stage[i] = kb->pmu_type >= 0 ? "perf_event_open" : "kprobe_events";
		/* 6.7, backported: a name kallsyms holds more than once is refused */
		if (pfd == -EADDRNOTAVAIL)
			kb->stage[i] = "ambiguous symbol";
		return;
	}
	kb->pfd[i] = pfd;
	prog = bpf_program__fd(template_prog(kb->skel, t));
	kb->err[i] = kp_perf_attach(pfd, prog, kb->cookie, i, &kb->link_fd[i]);
	kb->stage[i] = "attach";
	/* a BPF link holds the perf event: one fd per function, not two */
	if (!kb->err[i] && kb->link_fd[i] >= 0) {
		close(pfd);
		kb->pfd[i] = -1;
	}
}

static void detach_job(size_t i, void *arg)
{
	struct kprobe_backend *kb = arg;
	char cmd[128];

	if (kb->link_fd[i] >= 0)
		close(kb->link_fd[i]);
	if (kb->pfd[i] >= 0)
		close(kb->pfd[i]);
	if (kb->legacy[i]) {
		snprintf(cmd, sizeof(cmd), "-:kprobes/pwru_%d_%zu\n", getpid(), i);
		kprobe_events__write(kb->tracefs, cmd);
	}
	kb->link_fd[i] = kb->pfd[i] = -1;
	kb->legacy[i] = false;
}

static int kprobe_backend_open(struct backend *b, struct pwru_run *r)
{
	struct kprobe_backend *kb;
	int err;

	kb = calloc(1, sizeof(*kb));
	if (!kb)
		return -ENOMEM;
	b->priv = kb;
	b->kind = PWRU_EV_FUNC;
	kb->funcs = &r->funcs;
	kb->pmu_type = -1;
	/* PWRU_KPROBE_LEGACY=1 forces kprobe_events, to test that path */
	if (!getenv("PWRU_KPROBE_LEGACY") && read_int(KPROBE_PMU_TYPE, &kb->pmu_type))
		kb->pmu_type = -1;
	kb->cookie = features__has_attach_cookie(r->feat) && !getenv("PWRU_KPROBE_NO_COOKIE");
	if (kprobe_events__tracefs(kb->tracefs, sizeof(kb->tracefs)) == 0)
		kprobe_events__sweep(kb->tracefs);
	else if (kb->pmu_type < 0)
		return -ENOENT; /* neither the PMU nor kprobe_events */
	kb->skel = PWRU_SKEL_OPEN(kprobe_bpf, r);
	if (!kb->skel)
		return -errno;
	err = pwru_obj__prepare(kb->skel->obj, r);
	if (err)
		return err;
	kb->skel->rodata->USE_COOKIE = kb->cookie;
	kb->skel->rodata->HAS_FUNC_IP = features__has_get_func_ip(r->feat);
	err = kprobe_bpf__load(kb->skel);
	return err ?: pwru_obj__fill_fds(kb->skel->obj, b);
}

static int kprobe_backend_attach(struct backend *b, struct pwru_run *r)
{
	struct kprobe_backend *kb = b->priv;
	size_t n = kb->funcs->n;

	kb->pfd = malloc(n * sizeof(int));
	kb->link_fd = malloc(n * sizeof(int));
	kb->legacy = calloc(n, sizeof(bool));
	kb->err = calloc(n, sizeof(int));
	kb->stage = calloc(n, sizeof(*kb->stage));
	if (!kb->pfd || !kb->link_fd || !kb->legacy || !kb->err || !kb->stage)
		return -ENOMEM;
	memset(kb->pfd, 0xff, n * sizeof(int));
	memset(kb->link_fd, 0xff, n * sizeof(int));
	mass__reserve_fds(n);
	b->stats.attach_secs = mass__run(n, attach_job, kb, "attaching");
	for (size_t i = 0; i < n; i++) {
		if (!kb->err[i]) {
			b->stats.attached++;
			continue;
		}
		mass__skip(&b->stats, kb->stage[i], kb->err[i], kb->funcs->v[i].name);
		detach_job(i, kb); /* a half-made probe */
	}
	return mass__result(&b->stats, kb->err, n);
}

static void kprobe_backend_close(struct backend *b)
{
	struct kprobe_backend *kb = b->priv;

	if (!kb)
		return;
	if (kb->pfd && kb->link_fd && kb->legacy)
		mass__run(kb->funcs->n, detach_job, kb, "detaching");
	kprobe_bpf__destroy(kb->skel);
	free(kb->pfd);
	free(kb->link_fd);
	free(kb->legacy);
	free(kb->err);
	free(kb->stage);
	free(kb);
	b->priv = NULL;
}

const struct backend_ops kprobe_backend_ops = {
	.name = "kprobe",
	.id = PWRU_BE_KPROBE,
	.open = kprobe_backend_open,
	.attach = kprobe_backend_attach,
	.close = kprobe_backend_close,
};
