// SPDX-License-Identifier: GPL-2.0
/*
 * Classic kprobe backend: one perf kprobe event per function, through the
 * kprobe PMU (4.17+, well below pwru's floor: tracefs kprobe_events are
 * never needed). Events are opened and attached on a few threads: each
 * register and unregister waits for an RCU grace period, and detach is what
 * makes the Go pwru slow (21-35 probes/s).
 *
 * Measured under TCG (1 vCPU), 1471 functions on Debian 6.1: detach took 68 s
 * on one thread (22/s, the Go pwru's rate) and 32 s on 32 threads; unregister
 * waits for RCU outside kprobe_mutex, so the waits overlap.
 *
 * Test knobs: PWRU_KPROBE_NO_COOKIE=1 identifies functions by address, as on
 * kernels before 5.15; PWRU_ATTACH_THREADS sets the thread count;
 * PWRU_KPROBE_AT_ENTRY=1 puts every kprobe on the function's entry, where
 * kp_open_func() would go past ftrace's call site.
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
#include "decide_impl.h"
#include "kprobe_common.h"
#include "clone_probe.h"
#include "nf_probe.h"
#include "mass_attach.h"
#include "pinned.h"
#include "kprobe.skel.h"

struct kprobe_backend {
	struct kprobe_bpf *skel;
	const struct skb_funcs *funcs;
	int pmu_type;
	bool cookie;
	bool past_ftrace; /* kprobes past ftrace's call site (kp_open_func()) */
	int *pfd; /* per func id, -1 when not attached */
	int *link_fd;
	int *err;
	const char **stage;
	struct nf_probes nf;
	struct clone_probes clone; /* --filter-track-skb through clones */
};

/*
 * Where a function's kprobe goes. A function of available_filter_functions
 * starts with ftrace's 5-byte call site (behind endbr64 with IBT), and a
 * kprobe on it is ftrace-based: each one registered updates ftrace's filter
 * hash, which walks every ftrace record under ftrace_lock
 * (ftrace_hash_move_and_update_ops()), so attaching is serialized and grows
 * with the set: 1475 functions took 36-70 s on Debian 6.1 under TCG. Just
 * past the call site the kprobe is an int3 written into the text, one
 * text_poke() each. The argument registers and the stack pointer there are
 * still the entry's: the call site is a nop, or a call into ftrace that
 * saves and restores them. The first instruction boundary past it is +5,
 * or +9 behind endbr64; the kernel refuses an offset that is not a
 * boundary (-EILSEQ), which is how +9 is found. Anything else refused, or
 * a function ftrace does not know: on the entry, as before. Only where the
 * kernel's kprobe optimizer makes that cheap: features__kprobe_past_ftrace().
 */
static int kp_open_func(const struct kprobe_backend *kb, const struct skb_func *f)
{
	static const __u32 past_call[] = { 5, 9 };
	int pfd = -EILSEQ;

	for (size_t i = 0; kb->past_ftrace && f->ftrace && pfd == -EILSEQ &&
			   i < sizeof(past_call) / sizeof(past_call[0]);
	     i++)
		pfd = kp_pmu_open(kb->pmu_type, f->name, f->addr, past_call[i]);
	if (pfd >= 0 || pfd == -EMFILE || pfd == -ENFILE)
		return pfd;
	return kp_pmu_open(kb->pmu_type, f->name, f->addr, 0);
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
	pfd = kp_open_func(kb, f);
	if (pfd < 0) {
		kb->err[i] = pfd;
		kb->stage[i] = "perf_event_open";
		/* 6.7, backported: a name kallsyms holds more than once is refused */
		if (pfd == -EADDRNOTAVAIL)
			kb->stage[i] = "ambiguous symbol";
		return;
	}
	kb->pfd[i] = pfd;
	prog = bpf_program__fd(kp_template_prog(kb->skel->obj, "kprobe", t));
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

	if (kb->link_fd[i] >= 0)
		close(kb->link_fd[i]);
	if (kb->pfd[i] >= 0)
		close(kb->pfd[i]);
	kb->link_fd[i] = kb->pfd[i] = -1;
}

/* As a run has it: cookies where the kernel has them (5.15+), else addresses. */
static bool kprobe_cookie(const struct pwru_run *r)
{
	return features__has_attach_cookie(r->feat) && !getenv("PWRU_KPROBE_NO_COOKIE");
}

static void kprobe_configure(struct kprobe_bpf *skel, const struct pwru_run *r, bool cookie)
{
	skel->rodata->USE_COOKIE = cookie;
	skel->rodata->HAS_FUNC_IP = features__has_get_func_ip(r->feat);
}

static int kprobe_backend_open(struct backend *b, struct pwru_run *r)
{
	struct kprobe_backend *kb;

	kb = backend__alloc(b, sizeof(*kb), PWRU_EV_FUNC);
	if (!kb)
		return -ENOMEM;
	kb->funcs = &r->funcs;
	kb->pmu_type = kp_pmu_type();
	if (kb->pmu_type < 0)
		return kb->pmu_type;
	kb->cookie = kprobe_cookie(r);
	kb->past_ftrace = features__kprobe_past_ftrace(r->feat) && !getenv("PWRU_KPROBE_AT_ENTRY");
	return KP_SKEL_OPEN_LOAD(kprobe_bpf, &kb->skel, &kb->nf, NF_ATTACH_KPROBE, &kb->clone, CLONE_KPROBE, kprobe_clone_enter, kprobe_clone_exit, r, b,
				 kprobe_configure(kb->skel, r, kb->cookie));
}

static int kprobe_backend_attach(struct backend *b, struct pwru_run *r)
{
	struct kprobe_backend *kb = b->priv;
	size_t n = kb->funcs->n;

	kb->pfd = malloc(n * sizeof(int));
	kb->link_fd = malloc(n * sizeof(int));
	kb->err = calloc(n, sizeof(int));
	kb->stage = calloc(n, sizeof(*kb->stage));
	if (!kb->pfd || !kb->link_fd || !kb->err || !kb->stage)
		return -ENOMEM;
	memset(kb->pfd, 0xff, n * sizeof(int));
	memset(kb->link_fd, 0xff, n * sizeof(int));
	/* what a job the stop flag kept from running leaves */
	for (size_t i = 0; i < n; i++) {
		kb->err[i] = -EINTR;
		kb->stage[i] = "interrupted";
	}
	mass__reserve_fds(n);
	b->stats.attach_secs = mass__run(n, attach_job, kb, "attaching", true);
	for (size_t i = 0; i < n; i++) {
		if (!kb->err[i]) {
			b->stats.attached++;
			continue;
		}
		mass__skip(&b->stats, kb->stage[i], kb->err[i], kb->funcs->v[i].name);
		detach_job(i, kb); /* a half-made probe */
	}
	nf_probes__attach(&kb->nf, NF_ATTACH_KPROBE);
	clone_probes__attach(&kb->clone);
	return mass__result(&b->stats, kb->err, n);
}

static void kprobe_backend_close(struct backend *b)
{
	struct kprobe_backend *kb = b->priv;

	if (!kb)
		return;
	if (kb->pfd && kb->link_fd)
		mass__run(kb->funcs->n, detach_job, kb, "detaching", false);
	nf_probes__detach(&kb->nf);
	clone_probes__detach(&kb->clone);
	kprobe_bpf__destroy(kb->skel);
	free(kb->pfd);
	free(kb->link_fd);
	free(kb->err);
	free(kb->stage);
	free(kb);
	b->priv = NULL;
}

/*
 * pwru's template for an skb in the first argument on do_nanosleep(),
 * through the kprobe PMU and attached as kprobe_backend_attach() does.
 */
static int kprobe_probe_load(const struct pwru_run *r, struct be_probe *p)
{
	struct kprobe_bpf *skel;
	struct backend b = {};
	bool cookie = kprobe_cookie(r);
	int err, pfd = -1, link = -1;

	/* no PMU, no kprobes: spare the load (the BTF parse is most of a probe's time) */
	p->stage = "perf_event_open (kprobe PMU)";
	err = kp_pmu_type();
	if (err < 0)
		return err;
	pfd = kp_pmu_open(err, pwru_probe_targets[1], 0, 0);
	if (pfd < 0)
		return pfd;
	p->stage = "open";
	skel = PWRU_SKEL_OPEN(kprobe_bpf, r, &b);
	if (!skel) {
		err = -errno;
		close(pfd);
		return err;
	}
	kprobe_configure(skel, r, cookie);
	err = pwru_probe__load(skel->obj, skel->progs.kprobe_skb1, p);
	if (!err) {
		p->stage = "attach";
		err = kp_perf_attach(pfd, bpf_program__fd(skel->progs.kprobe_skb1), cookie, 0,
				     &link);
	}
	if (!err)
		p->stage = "loaded pwru's kprobe_skb1, attached it through the kprobe PMU, "
			   "then detached";
	if (link >= 0)
		close(link);
	if (pfd >= 0)
		close(pfd);
	kprobe_bpf__destroy(skel);
	return err;
}

#define REM_KPROBES                                                                      \
	"use a kernel with CONFIG_KPROBES=y and CONFIG_KPROBE_EVENTS=y, or the tracepoint " \
	"backend"

/* Neither a kprobe PMU nor kprobe_events: what the config says about it. */
static void explain_no_kprobes(const struct features *f, int err, char *brief, size_t blen,
			       char *lng, size_t llen)
{
	const char *b, *l;
	char eb[24];

	switch (feat__val(f, FEAT_CFG_KPROBES)) {
	case 0:
		b = "CONFIG_KPROBES not set";
		l = "the kernel is built without CONFIG_KPROBES";
		break;
	case 1:
		b = "no kprobe PMU";
		l = "CONFIG_KPROBES=y, but no CONFIG_KPROBE_EVENTS";
		break;
	default:
		b = "no kprobes (CONFIG_KPROBES not set?)";
		l = "no kernel config to confirm it, but the kernel is likely built without "
		    "CONFIG_KPROBES";
	}
	snprintf(brief, blen, "%s", b);
	snprintf(lng, llen,
		 "no kprobe PMU in /sys/bus/event_source/devices (%s): %s",
		 feat__ename(err, eb, sizeof(eb)), l);
}

static bool explain_kprobe(const struct features *f, int err, char *brief, size_t blen,
			   char *lng, size_t llen, const char **remedy)
{
	char eb[24];

	if (err == EACCES && features__caps_missing(f, PWRU_BE_KPROBE) & PWRU_CAP(CAP_SYS_ADMIN)) {
		snprintf(brief, blen, "refused with EACCES: perf_event_paranoid=%d wants CAP_SYS_ADMIN",
			 f->perf_paranoid);
		snprintf(lng, llen, "perf_event_open refused (EACCES): kernel.perf_event_paranoid=%d "
				    "(a distro patch) allows it only with CAP_SYS_ADMIN",
			 f->perf_paranoid);
		*remedy = "sysctl kernel.perf_event_paranoid=2, or add CAP_SYS_ADMIN; fentry and "
			  "tracepoint need neither";
		return true;
	}
	if (err != ENOENT && err != ENODEV)
		return false;
	if (feat__val(f, FEAT_KPROBE_PMU) == 1) {
		snprintf(brief, blen, "probe function not found (%s)",
			 feat__ename(err, eb, sizeof(eb)));
		snprintf(lng, llen,
			 "kprobes exist but the probe function could not be "
			 "resolved (%s)",
			 feat__ename(err, eb, sizeof(eb)));
		*remedy = NULL;
		return true;
	}
	explain_no_kprobes(f, err, brief, blen, lng, llen);
	*remedy = REM_KPROBES;
	return true;
}

static const struct be_why kprobe_why[] = {
	{ { EINVAL },
	  "pwru's kprobe program rejected (EINVAL)",
	  "pwru's kprobe template was rejected at load or attach (EINVAL): the "
	  "verifier's line says why; CONFIG_BPF_EVENTS not set?",
	  "use a kernel with CONFIG_BPF_EVENTS=y" },
	{},
};

const struct backend_ops kprobe_backend_ops = {
	.name = "kprobe",
	.caps = PWRU_CAPS_BPF,
	.perf_event = true,
	.id = PWRU_BE_KPROBE,
	.probe = FEAT_PROBE_KPROBE,
	.probe_load = kprobe_probe_load,
	.needs_funcs = true,
	.explain = explain_kprobe,
	.why = kprobe_why,
	.what = "kprobe",
	.assumed_from_config = PWRU_FEAT_BIT(FEAT_CFG_KPROBES) | PWRU_FEAT_BIT(FEAT_CFG_BPF_EVENTS),
	.open = kprobe_backend_open,
	.attach = kprobe_backend_attach,
	.close = kprobe_backend_close,
};
