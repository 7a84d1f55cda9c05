// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe.multi backend: one fprobe link per template (skb position, drop
 * path), given explicit symbols and the func ids as cookies. libbpf 1.1's
 * pattern mode is not used: it matches every kallsyms name, including
 * functions ftrace cannot attach to. The kernel rejects a whole batch for one
 * bad symbol, so a rejected batch is bisected and the bad symbols skipped.
 *
 * Targets go by kallsyms address when every one has one: the kernel then
 * skips resolving and sorting names. Where it refuses addresses, the rest
 * goes by name. 6.7-6.11 fail links of more than a few hundred functions
 * with ENOMEM (retsnoop saw it too): the batch is halved until it fits, and
 * later batches start at the size that fitted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>

#include "backend.h"
#include "decide_impl.h"
#include "kprobe_common.h"
#include "clone_probe.h"
#include "mass_attach.h"
#include "nf_probe.h"
#include "pinned.h"
#include "kprobe_multi.skel.h"

struct kmulti_backend {
	struct kprobe_multi_bpf *skel;
	const struct skb_funcs *funcs;
	/* links[]: one per accepted batch, more than one after a bisection */
	struct bpf_link **links;
	size_t nr_links, cap_links;
	size_t attempts; /* attach calls, bisection included */
	int first_err; /* of the first symbol skipped */
	bool by_addr; /* until the kernel refuses an address */
	size_t max_batch; /* the largest batch that fitted after an ENOMEM, or 0 */
	size_t sim_max_batch; /* PWRU_KMULTI_MAX_BATCH: fail larger ones with ENOMEM */
	bool sim_no_addrs; /* PWRU_KMULTI_REJECT_ADDRS: refuse addresses with EINVAL */
	struct nf_probes nf;
	struct clone_probes clone; /* --filter-track-skb through clones */
};

struct batch {
	const char **syms;
	unsigned long *addrs; /* 0 where kallsyms has none */
	__u64 *cookies;
	size_t n;
};

/* cookies and bpf_get_func_ip() came with kprobe.multi (5.18) */
static void kmulti_configure(struct kprobe_multi_bpf *skel)
{
	skel->rodata->USE_COOKIE = true;
	skel->rodata->HAS_FUNC_IP = true;
}

static int kmulti_open(struct backend *b, struct pwru_run *r)
{
	struct kmulti_backend *kb;

	kb = backend__alloc(b, sizeof(*kb), PWRU_EV_FUNC);
	if (!kb)
		return -ENOMEM;
	kb->funcs = &r->funcs;
	/* PWRU_KMULTI_BY_NAME=1 skips addresses, to compare */
	kb->by_addr = !getenv("PWRU_KMULTI_BY_NAME");
	kb->sim_no_addrs = getenv("PWRU_KMULTI_REJECT_ADDRS") != NULL;
	if (getenv("PWRU_KMULTI_MAX_BATCH"))
		kb->sim_max_batch = strtoul(getenv("PWRU_KMULTI_MAX_BATCH"), NULL, 10);
	return KP_SKEL_OPEN_LOAD(kprobe_multi_bpf, &kb->skel, &kb->nf, NF_ATTACH_KPROBE_MULTI, &kb->clone, CLONE_KPROBE_MULTI, kmulti_clone_enter, kmulti_clone_exit, r, b,
				 kmulti_configure(kb->skel));
}

static int keep_link(struct kmulti_backend *kb, struct bpf_link *link)
{
	if (kb->nr_links == kb->cap_links) {
		size_t cap = kb->cap_links ? 2 * kb->cap_links : 16;
		struct bpf_link **v = realloc(kb->links, cap * sizeof(*v));

		if (!v) {
			bpf_link__destroy(link);
			return -ENOMEM;
		}
		kb->links = v;
		kb->cap_links = cap;
	}
	kb->links[kb->nr_links++] = link;
	return 0;
}

/* Errors that one bad symbol can cause; anything else fails every symbol. */
static bool worth_bisecting(int err)
{
	return err == -ENOENT || err == -ESRCH || err == -EINVAL || err == -EEXIST ||
	       err == -EBUSY;
}

static void skip_all(struct backend *b, const struct batch *bt, const char *stage, int err)
{
	struct kmulti_backend *kb = b->priv;

	if (!kb->first_err)
		kb->first_err = err;
	for (size_t i = 0; i < bt->n; i++)
		mass__skip(&b->stats, stage, err, bt->syms[i]);
}

static bool all_addrs(const struct batch *bt)
{
	for (size_t i = 0; i < bt->n; i++)
		if (!bt->addrs[i])
			return false;
	return true;
}

/* One attach call, by address or by name; failure simulation for the VM tests. */
static struct bpf_link *attach_once(struct kmulti_backend *kb, struct bpf_program *prog,
				    const struct batch *bt, bool by_addr)
{
	LIBBPF_OPTS(bpf_kprobe_multi_opts, o, .cookies = bt->cookies, .cnt = bt->n);

	kb->attempts++;
	if ((kb->sim_max_batch && bt->n > kb->sim_max_batch) || (by_addr && kb->sim_no_addrs)) {
		errno = by_addr && kb->sim_no_addrs ? EINVAL : ENOMEM;
		return NULL;
	}
	if (by_addr)
		o.addrs = bt->addrs;
	else
		o.syms = bt->syms;
	return bpf_program__attach_kprobe_multi_opts(prog, NULL, &o);
}

static int attach_batch(struct backend *b, struct bpf_program *prog, const struct batch *bt);

static int attach_halves(struct backend *b, struct bpf_program *prog, const struct batch *bt)
{
	struct batch lo = *bt, hi;

	lo.n = bt->n / 2;
	hi = (struct batch){ bt->syms + lo.n, bt->addrs + lo.n, bt->cookies + lo.n,
			     bt->n - lo.n };
	return attach_batch(b, prog, &lo) ?: attach_batch(b, prog, &hi);
}

/* Attach a batch; when the kernel rejects it, attach each half. */
static int attach_batch(struct backend *b, struct bpf_program *prog, const struct batch *bt)
{
	struct kmulti_backend *kb = b->priv;
	bool by_addr = kb->by_addr && all_addrs(bt);
	struct bpf_link *link;
	int err, by_name;

	if (mass__stopping()) {
		skip_all(b, bt, "interrupted", -EINTR);
		return 0;
	}
	link = attach_once(kb, prog, bt, by_addr);
	err = libbpf_get_error(link);
	if (err && by_addr && err != -ENOMEM) {
		/* refused by address: by name from now on, this batch included */
		link = attach_once(kb, prog, bt, false);
		by_name = libbpf_get_error(link);
		/* the same error by name: a bad symbol, not the addresses */
		if (by_name != err) {
			kb->by_addr = false;
			if (getenv("PWRU_DEBUG"))
				fprintf(stderr, "pwru: kprobe-multi: addresses refused (%s), "
						"attaching by name\n", strerror(-err));
		}
		err = by_name;
	}
	if (!err) {
		b->stats.attached += bt->n;
		return keep_link(kb, link);
	}
	if (err == -ENOMEM && bt->n > 1) {
		if (!kb->max_batch || bt->n / 2 < kb->max_batch)
			kb->max_batch = bt->n / 2;
		return attach_halves(b, prog, bt);
	}
	if (bt->n == 1 || !worth_bisecting(err)) {
		skip_all(b, bt, "attach", err);
		return 0;
	}
	return attach_halves(b, prog, bt);
}

/* A template's batch in slices no larger than what last fitted. */
static int attach_sliced(struct backend *b, struct bpf_program *prog, const struct batch *bt)
{
	struct kmulti_backend *kb = b->priv;
	int err = 0;

	for (size_t off = 0; off < bt->n && !err;) {
		size_t n = bt->n - off;
		struct batch s;

		if (kb->max_batch && n > kb->max_batch)
			n = kb->max_batch;
		s = (struct batch){ bt->syms + off, bt->addrs + off, bt->cookies + off, n };
		err = attach_batch(b, prog, &s);
		off += n;
	}
	return err;
}

/* Every function that uses template t, in one batch. */
static int attach_template(struct backend *b, int t, struct batch *bt)
{
	struct kmulti_backend *kb = b->priv;

	bt->n = 0;
	for (size_t i = 0; i < kb->funcs->n; i++) {
		if (kp_template_of(&kb->funcs->v[i]) != t)
			continue;
		bt->syms[bt->n] = kb->funcs->v[i].name;
		bt->addrs[bt->n] = kb->funcs->v[i].addr;
		bt->cookies[bt->n++] = i;
	}
	/*
	 * Failure simulation for the VM tests, after retsnoop: a symbol the
	 * kernel rejects, to exercise the bisection.
	 */
	if (bt->n && t == KP_T_POS1 && getenv("PWRU_KMULTI_BAD_SYM")) {
		bt->syms[bt->n] = getenv("PWRU_KMULTI_BAD_SYM");
		bt->addrs[bt->n] = 0;
		bt->cookies[bt->n++] = ~0U;
	}
	if (!bt->n)
		return 0;
	return attach_sliced(b, kp_template_prog(kb->skel->obj, "kmulti", t), bt);
}

static int kmulti_attach(struct backend *b, struct pwru_run *r)
{
	struct kmulti_backend *kb = b->priv;
	struct batch bt = {};
	struct timespec t0, t1;
	int err = 0;

	/* + 1: room for PWRU_KMULTI_BAD_SYM */
	bt.syms = calloc(kb->funcs->n + 1, sizeof(*bt.syms));
	bt.addrs = calloc(kb->funcs->n + 1, sizeof(*bt.addrs));
	bt.cookies = calloc(kb->funcs->n + 1, sizeof(*bt.cookies));
	if (!bt.syms || !bt.addrs || !bt.cookies) {
		err = -ENOMEM;
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < kb->funcs->n; i++)
		if (kp_template_of(&kb->funcs->v[i]) < 0)
			mass__skip(&b->stats, "skb argument beyond the 5th", -E2BIG,
				   kb->funcs->v[i].name);
	for (int t = 0; t < KP_T__COUNT && !err; t++)
		err = attach_template(b, t, &bt);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	b->stats.attach_secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (getenv("PWRU_DEBUG"))
		fprintf(stderr, "pwru: kprobe-multi: %zu links, %zu attach calls, by %s\n",
			kb->nr_links, kb->attempts, kb->by_addr ? "address" : "name");
	if (!err && !b->stats.attached)
		err = kb->first_err ?: -ENOENT;
	if (!err) {
		nf_probes__attach(&kb->nf, NF_ATTACH_KPROBE_MULTI);
		clone_probes__attach(&kb->clone);
	}
out:
	free(bt.syms);
	free(bt.addrs);
	free(bt.cookies);
	return err;
}

static void kmulti_close(struct backend *b)
{
	struct kmulti_backend *kb = b->priv;

	if (!kb)
		return;
	for (size_t i = 0; i < kb->nr_links; i++)
		bpf_link__destroy(kb->links[i]);
	nf_probes__detach(&kb->nf);
	clone_probes__detach(&kb->clone);
	kprobe_multi_bpf__destroy(kb->skel);
	free(kb->links);
	free(kb);
	b->priv = NULL;
}

/*
 * pwru's template for an skb in the first argument, attached as a one-symbol
 * kprobe.multi link. Loading succeeds on kernels that cannot attach (no
 * CONFIG_FPROBE), so only the attach tells.
 */
static int kmulti_probe_load(const struct pwru_run *r, struct be_probe *p)
{
	LIBBPF_OPTS(bpf_kprobe_multi_opts, o, .cnt = 1);
	struct bpf_link *link = NULL;
	struct kprobe_multi_bpf *skel;
	struct backend b = {};
	int err;

	p->stage = "open";
	skel = PWRU_SKEL_OPEN(kprobe_multi_bpf, r, &b);
	if (!skel)
		return -errno;
	kmulti_configure(skel);
	err = pwru_probe__load(skel->obj, skel->progs.kmulti_skb1, p);
	for (int i = 0; !err && i < PWRU_PROBE_TARGETS; i++) {
		p->stage = "attach";
		o.syms = (const char **)&pwru_probe_targets[i]; /* libbpf only reads them */
		link = bpf_program__attach_kprobe_multi_opts(skel->progs.kmulti_skb1, NULL, &o);
		err = libbpf_get_error(link);
		/* only a missing symbol is worth another try */
		if (err != -ESRCH && err != -ENOENT)
			break;
		err = 0;
		link = NULL;
	}
	if (!err && !link)
		err = -ESRCH;
	if (!err)
		p->stage = "loaded pwru's kmulti_skb1, attached it to one symbol, then detached";
	bpf_link__destroy(link); /* NULL-safe; libbpf 1.x returns NULL on error */
	kprobe_multi_bpf__destroy(skel);
	return err;
}

#define REM_FPROBE                                                                       \
	"use a kernel with CONFIG_FPROBE=y (6.1+ distro kernels often lack it); pwru "      \
	"falls back to kprobe or tracepoint"

/* No CONFIG_FPROBE, and whether the config says so too */
static bool explain_kmulti(const struct features *f, int err, char *brief, size_t blen,
			   char *lng, size_t llen, const char **remedy)
{
	char eb[24];

	if (err != EOPNOTSUPP && err != ENOTSUPP)
		return false;
	snprintf(brief, blen, "no CONFIG_FPROBE");
	snprintf(lng, llen,
		 "kprobe.multi link create failed (%s): kernel built without "
		 "CONFIG_FPROBE%s",
		 feat__ename(err, eb, sizeof(eb)),
		 feat__val(f, FEAT_CFG_FPROBE) == 0 ? " (the config agrees)" : "");
	*remedy = REM_FPROBE;
	return true;
}

static const struct be_why kmulti_why[] = {
	{ { EINVAL },
	  "kprobe.multi unknown to this kernel (needs 5.18+)",
	  "BPF_TRACE_KPROBE_MULTI rejected (EINVAL): kprobe.multi links came in "
	  "Linux 5.18",
	  "use a 5.18+ kernel with CONFIG_FPROBE=y; pwru falls back by itself" },
	{ { ENOENT, ESRCH },
	  "probe symbol not attachable (%s)",
	  "kprobe.multi could not resolve the probe symbol (%s): not in "
	  "available_filter_functions",
	  NULL },
	{},
};

const struct backend_ops kprobe_multi_backend_ops = {
	.name = "kprobe-multi",
	.caps = PWRU_CAPS_BPF,
	.alias = "kprobe_multi",
	.id = PWRU_BE_KPROBE_MULTI,
	.probe = FEAT_PROBE_KPROBE_MULTI,
	.probe_load = kmulti_probe_load,
	.needs_funcs = true,
	.explain = explain_kmulti,
	.why = kmulti_why,
	.what = "kprobe.multi",
	.assumed_from_config = PWRU_FEAT_BIT(FEAT_CFG_FPROBE),
	.open = kmulti_open,
	.attach = kmulti_attach,
	.close = kmulti_close,
};
