// SPDX-License-Identifier: GPL-2.0
/*
 * fentry backend: one BPF trampoline program per traced function. Templates
 * (one per skb position, two for the drop path) are loaded once against a
 * real target, then cloned per function with its BTF id as attach target
 * and its func id patched in, as retsnoop does. The templates are those of
 * the kprobe backends (kp_template_of()). Functions that cannot be
 * attached are skipped and counted by reason.
 *
 * Detach is slow and cannot be sped up from here: each link's release
 * unregisters its trampoline's ftrace ops, which waits for RCU-tasks grace
 * periods under ftrace_lock (about 130 ms per function under TCG on 6.1 and
 * 100 ms on 6.12, whatever the thread count).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "backend.h"
#include "decide_impl.h"
#include "options.h"
#include "pinned.h"
#include "fentry.skel.h"
#include "kprobe_common.h"
#include "clone_probe.h"
#include "mass_attach.h"
#include "nf_probe.h"

/* a rejected template is retried against the next candidate, this often */
#define TEMPLATE_TRIES 8

struct module_btf {
	char name[64];
	int fd;
};

struct fentry_backend {
	struct fentry_bpf *skel;
	const struct skb_funcs *funcs;
	bool usable[KP_T__COUNT];
	int tmpl_err[KP_T__COUNT]; /* why a template could not be loaded */
	int *link_fd; /* per func id, -1 when not attached */
	int *err; /* per func id: 0, or why it was skipped */
	const char **stage;
	struct module_btf *mods; /* grown before the attach threads start, read-only after */
	int nr_mods;
	struct nf_probes nf;
	struct clone_probes clone; /* --filter-track-skb through clones */
	bool clone_off;
	int clone_err;
	bool nf_off; /* the kernel refused the nf_tables programs */
	int nf_err;
};

/* in the order of clone_probe.c's functions */
#define clone_progs(skel)                                                               \
	((struct bpf_program *const[CLONE_FUNCS]){                                      \
		(skel)->progs.fexit_skb_clone, (skel)->progs.fexit_skb_copy,             \
		(skel)->progs.fexit_pskb_copy_fclone, (skel)->progs.fexit_skb_copy_expand })

/* Next function at or after *from that uses template t, vmlinux first. */
static int next_target(const struct skb_funcs *fs, int t, size_t from)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = from; i < fs->n; i++)
			if (kp_template_of(&fs->v[i]) == t && !fs->v[i].module == !pass)
				return i;
	return -1;
}

/*
 * Open, configure and load the skeleton with each used template bound to
 * target[t]. On failure, *failed is the template the kernel rejected.
 */
static int load_templates(struct backend *b, struct pwru_run *r, const int *target,
			  int *failed)
{
	struct fentry_backend *fb = b->priv;
	int err;

	*failed = -1;
	fb->skel = PWRU_SKEL_OPEN(fentry_bpf, r, b);
	if (!fb->skel)
		return -errno;
	fb->skel->rodata->HAS_FUNC_IP = features__has_get_func_ip(r->feat);
	if (fb->nf_off)
		nf_probes__off(&fb->nf, fb->skel->obj, NF_ATTACH_FENTRY, fb->nf_err);
	else
		nf_probes__prepare(&fb->nf, fb->skel->obj, r, NF_ATTACH_FENTRY,
				   (bool *)&fb->skel->rodata->NF_XT_PRIV_FIRST);
	clone_probes__prepare(&fb->clone, CLONE_FEXIT, NULL, clone_progs(fb->skel), r);
	if (fb->clone_off)
		clone_probes__off(&fb->clone, fb->clone_err);
	for (int t = 0; t < KP_T__COUNT; t++) {
		struct bpf_program *p = kp_template_prog(fb->skel->obj, "fentry", t);

		if (target[t] < 0) {
			bpf_program__set_autoload(p, false);
			continue;
		}
		err = bpf_program__set_attach_target(p, 0, fb->funcs->v[target[t]].name);
		if (err)
			return err;
	}
	err = fentry_bpf__load(fb->skel);
	/* libbpf loads in order and stops at the first rejected program */
	for (int t = 0; err && t < KP_T__COUNT && *failed < 0; t++)
		if (target[t] >= 0 && bpf_program__fd(kp_template_prog(fb->skel->obj, "fentry", t)) < 0)
			*failed = t;
	return err;
}

static int fentry_open(struct backend *b, struct pwru_run *r)
{
	int target[KP_T__COUNT], tries[KP_T__COUNT] = {}, failed, err;
	struct fentry_backend *fb;

	fb = backend__alloc(b, sizeof(*fb), PWRU_EV_FUNC);
	if (!fb)
		return -ENOMEM;
	fb->funcs = &r->funcs;
	for (int t = 0; t < KP_T__COUNT; t++)
		target[t] = next_target(fb->funcs, t, 0);
	for (;;) {
		err = load_templates(b, r, target, &failed);
		if (!err)
			break;
		fentry_bpf__destroy(fb->skel);
		fb->skel = NULL;
		/* the extra nf_tables programs must never cost the trace */
		if (failed < 0 && nf_probes__any(&fb->nf) && !fb->nf_off) {
			fb->nf_off = true;
			fb->nf_err = err;
			continue;
		}
		if (failed < 0 && clone_probes__any(&fb->clone) && !fb->clone_off) {
			fb->clone_off = true;
			fb->clone_err = err;
			continue;
		}
		if (failed < 0)
			return err;
		/*
		 * That target is unfit (e.g. no address): bind to another one,
		 * or give up on this template and skip its functions.
		 */
		fb->tmpl_err[failed] = err;
		target[failed] = ++tries[failed] < TEMPLATE_TRIES ?
					 next_target(fb->funcs, failed, target[failed] + 1) :
					 -1;
	}
	for (int t = 0; t < KP_T__COUNT; t++)
		fb->usable[t] = target[t] >= 0;
	return pwru_obj__fill_fds(fb->skel->obj, b);
}

static int cached_module_btf_fd(const struct fentry_backend *fb, const char *module)
{
	for (int i = 0; i < fb->nr_mods; i++)
		if (!strcmp(fb->mods[i].name, module))
			return fb->mods[i].fd;
	return -ENOENT;
}

/*
 * The fd of a module's BTF object, for attach_btf_obj_fd, into the cache.
 * Not thread-safe: fentry_attach fills the cache for every module first.
 */
static int module_btf_fd(struct fentry_backend *fb, const char *module)
{
	struct bpf_btf_info info;
	struct module_btf *m;
	char name[64];
	__u32 id = 0, len;
	int fd;

	fd = cached_module_btf_fd(fb, module);
	if (fd >= 0)
		return fd;
	while (!bpf_btf_get_next_id(id, &id)) {
		fd = bpf_btf_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		info.name = (__u64)(unsigned long)name;
		info.name_len = sizeof(name);
		len = sizeof(info);
		if (bpf_obj_get_info_by_fd(fd, &info, &len) || strcmp(name, module)) {
			close(fd);
			continue;
		}
		m = realloc(fb->mods, (fb->nr_mods + 1) * sizeof(*m));
		if (!m) {
			close(fd);
			return -ENOMEM;
		}
		fb->mods = m;
		snprintf(m[fb->nr_mods].name, sizeof(m->name), "%s", module);
		m[fb->nr_mods++].fd = fd;
		return fd;
	}
	return -ENOENT;
}

/* One function: clone its template, attach it. Runs on worker threads. */
static void attach_job(size_t i, void *arg)
{
	struct fentry_backend *fb = arg;
	const struct skb_func *f = &fb->funcs->v[i];
	LIBBPF_OPTS(bpf_prog_load_opts, lo, .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_btf_id = f->btf_id);
	int t = kp_template_of(f), prog, link;

	if (t < 0) {
		fb->err[i] = -E2BIG;
		fb->stage[i] = "skb argument beyond the 5th";
		return;
	}
	if (!fb->usable[t]) {
		fb->err[i] = fb->tmpl_err[t] ?: -ENOENT;
		fb->stage[i] = "template load";
		return;
	}
	if (f->module) {
		lo.attach_btf_obj_fd = cached_module_btf_fd(fb, f->module);
		if ((int)lo.attach_btf_obj_fd < 0) {
			fb->err[i] = lo.attach_btf_obj_fd;
			fb->stage[i] = "module BTF";
			return;
		}
	}
	prog = pwru_prog__clone(kp_template_prog(fb->skel->obj, "fentry", t), (__u64)f->nr_args << 32 | i,
				"pwru_fentry", &lo);
	if (prog < 0) {
		fb->err[i] = prog;
		fb->stage[i] = "load";
		return;
	}
	link = bpf_raw_tracepoint_open(NULL, prog);
	if (link < 0) {
		fb->err[i] = -errno;
		fb->stage[i] = "attach";
		close(prog);
		return;
	}
	/* the link holds the program: one fd per function, not two */
	close(prog);
	fb->err[i] = 0;
	fb->link_fd[i] = link;
}

static int fentry_attach(struct backend *b, struct pwru_run *r)
{
	struct fentry_backend *fb = b->priv;
	size_t n = fb->funcs->n;

	fb->link_fd = malloc(n * sizeof(int));
	fb->err = calloc(n, sizeof(int));
	fb->stage = calloc(n, sizeof(*fb->stage));
	if (!fb->link_fd || !fb->err || !fb->stage)
		return -ENOMEM;
	memset(fb->link_fd, 0xff, n * sizeof(int));
	/* what a job the stop flag kept from running leaves */
	for (size_t i = 0; i < n; i++) {
		fb->err[i] = -EINTR;
		fb->stage[i] = "interrupted";
	}
	mass__reserve_fds(n);
	/* module BTF fds are looked up before the threads share the cache */
	for (size_t i = 0; i < n; i++)
		if (fb->funcs->v[i].module)
			module_btf_fd(fb, fb->funcs->v[i].module);
	b->stats.attach_secs = mass__run(n, attach_job, fb, "attaching", true);
	for (size_t i = 0; i < n; i++) {
		if (fb->link_fd[i] >= 0)
			b->stats.attached++;
		else
			mass__skip(&b->stats, fb->stage[i], fb->err[i], fb->funcs->v[i].name);
	}
	nf_probes__attach(&fb->nf, NF_ATTACH_FENTRY);
	clone_probes__attach(&fb->clone);
	return mass__result(&b->stats, fb->err, n);
}

static void detach_job(size_t i, void *arg)
{
	struct fentry_backend *fb = arg;

	if (fb->link_fd[i] >= 0)
		close(fb->link_fd[i]);
}

static void fentry_close(struct backend *b)
{
	struct fentry_backend *fb = b->priv;

	if (!fb)
		return;
	if (fb->link_fd)
		mass__run(fb->funcs->n, detach_job, fb, "detaching", false);
	nf_probes__detach(&fb->nf);
	clone_probes__detach(&fb->clone);
	fentry_bpf__destroy(fb->skel);
	for (int i = 0; i < fb->nr_mods; i++)
		close(fb->mods[i].fd);
	free(fb->mods);
	free(fb->link_fd);
	free(fb->err);
	free(fb->stage);
	free(fb);
	b->priv = NULL;
}

/*
 * pwru's template for an skb in the first argument, bound to the harmless
 * bpf_fentry_test1() (net/bpf/test_run.c, there for exactly this), attached
 * as fentry_attach() attaches its clones.
 */
static int fentry_probe_load(const struct pwru_run *r, struct be_probe *p)
{
	struct backend b = {};
	struct fentry_bpf *skel;
	struct bpf_program *prog;
	int err;

	p->stage = "open";
	skel = PWRU_SKEL_OPEN(fentry_bpf, r, &b);
	if (!skel)
		return -errno;
	skel->rodata->HAS_FUNC_IP = features__has_get_func_ip(r->feat);
	prog = skel->progs.fentry_skb1;
	err = bpf_program__set_attach_target(prog, 0, pwru_probe_targets[0]);
	err = err ?: pwru_probe__load(skel->obj, prog, p);
	err = err ?: pwru_probe__raw_attach(prog, NULL, p);
	if (!err)
		p->stage = "loaded pwru's fentry_skb1 on bpf_fentry_test1, attached, detached";
	fentry_bpf__destroy(skel);
	return err;
}

#define REM_VMLINUX_BTF                                                                  \
	"use a kernel built with CONFIG_DEBUG_INFO_BTF=y; --kernel-btf cannot stand in "    \
	"for fentry, which attaches by the kernel's own BTF ids"

/* fentry attaches by the kernel's own BTF ids: without them nothing else matters */
static bool explain_fentry(const struct features *f, int err, char *brief, size_t blen,
			   char *lng, size_t llen, const char **remedy)
{
	if (feat__val(f, FEAT_BTF_VMLINUX) == 1)
		return false;
	snprintf(brief, blen, "no vmlinux BTF");
	snprintf(lng, llen,
		 "no /sys/kernel/btf/vmlinux: fentry attaches by the kernel's own BTF "
		 "ids, an external BTF file cannot replace it");
	*remedy = REM_VMLINUX_BTF;
	return true;
}

static const struct be_why fentry_why[] = {
	{ { EOPNOTSUPP, ENOTSUPP },
	  "no BPF trampoline (%s)",
	  "fentry attach failed (%s): no BPF trampoline on this kernel or arch "
	  "(CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS not set?)",
	  "use kprobe-multi or kprobe; pwru falls back by itself" },
	{ { EINVAL },
	  "fentry unknown to this kernel (EINVAL, needs 5.5+)",
	  "BPF_PROG_TYPE_TRACING/BPF_TRACE_FENTRY rejected (EINVAL): BPF "
	  "trampolines came in Linux 5.5 and this kernel has no backport",
	  "use a 5.5+ kernel, or the kprobe backend" },
	{ { ENOENT, ESRCH },
	  "no probe target in vmlinux BTF (%s)",
	  "none of the harmless functions pwru probes with is in vmlinux BTF "
	  "(%s); fentry itself may still work",
	  "report this kernel to pwru; use --probe-backend to force another" },
	{},
};

const struct backend_ops fentry_backend_ops = {
	.name = "fentry",
	.caps = PWRU_CAPS_BPF,
	.id = PWRU_BE_FENTRY,
	.probe = FEAT_PROBE_FENTRY,
	.probe_load = fentry_probe_load,
	.needs_vmlinux_btf = true,
	.needs_funcs = true,
	.explain = explain_fentry,
	.why = fentry_why,
	.what = "fentry",
	.assumed_from_config = PWRU_FEAT_BIT(FEAT_CFG_DIRECT_CALLS) | PWRU_FEAT_BIT(FEAT_BTF_VMLINUX),
	.open = fentry_open,
	.attach = fentry_attach,
	.close = fentry_close,
};
