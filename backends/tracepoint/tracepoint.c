// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint backend: raw tracepoints on every tracepoint whose arguments
 * include an skb, found from the btf_trace_<event> typedefs of the kernel's
 * BTF. The only backend left on kernels without kprobes or trampolines.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "backend.h"
#include "mass_attach.h"
#include "decide_impl.h"
#include "options.h"
#include "pinned.h"
#include "tracepoint.skel.h"

#define TP_MAX_POS 4

struct tp_backend {
	struct tracepoint_bpf *skel;
	struct skb_funcs tps;
	const char **names;
	int *prog_fds;
	int *link_fds;
	size_t n;
};

/* kfree_skb gained its reason argument in 5.17: tell this object's BPF side; the frees. */
static void tp_tune_cfg(const struct backend *b, struct pwru_cfg *cfg)
{
	const struct tp_backend *tb = b->priv;

	for (size_t i = 0; i < tb->tps.n; i++) {
		if (!strcmp(tb->tps.v[i].name, "kfree_skb"))
			cfg->kfree_has_reason = tb->tps.v[i].nr_args >= 3;
		/* both fire only once the last reference is gone: --filter-track-skb forgets it */
		if (cfg->track_skb && !strcmp(tb->tps.v[i].name, "kfree_skb"))
			cfg->free_tp[0] = i + 1;
		if (cfg->track_skb && !strcmp(tb->tps.v[i].name, "consume_skb"))
			cfg->free_tp[1] = i + 1;
	}
}

static int tp_open(struct backend *b, struct pwru_run *r)
{
	struct tp_backend *tb;
	int err;

	tb = backend__alloc(b, sizeof(*tb), PWRU_EV_TRACEPOINT);
	if (!tb)
		return -ENOMEM;
	err = r->pinned_dir ? pinned__read_table(r->pinned_dir, "tracepoints", &tb->tps) :
			     skb_tracepoints__scan_btf(r->btf, &tb->tps);
	if (err)
		return err;
	/*
	 * The run's BTF has served (discovery, drop reasons, this scan); freed
	 * now, it is not resident beside the copy libbpf parses for CO-RE
	 * while loading: ~6 MiB less peak RSS. A backend tried after this one
	 * parses again what it needs.
	 */
	btf__free(r->btf);
	r->btf = NULL;
	tb->skel = PWRU_SKEL_OPEN(tracepoint_bpf, r, b);
	if (!tb->skel)
		return -errno;
	return pwru_skel__load(tb->skel->skeleton, b);
}

static const struct bpf_program *template_for(struct tp_backend *tb, const struct skb_func *tp)
{
	const struct bpf_program *t[TP_MAX_POS + 1] = {
		NULL, tb->skel->progs.tp_skb1, tb->skel->progs.tp_skb2,
		tb->skel->progs.tp_skb3, tb->skel->progs.tp_skb4,
	};

	if (!strcmp(tp->name, "kfree_skb") && tp->skb_pos == 1)
		return tb->skel->progs.tp_kfree_skb;
	if (tp->skb_pos < 1 || tp->skb_pos > TP_MAX_POS)
		return NULL;
	return t[tp->skb_pos];
}

static bool name_wanted(const regex_t *re, const char *name)
{
	return !re || !regexec(re, name, 0, NULL, 0);
}

static int attach_one(struct tp_backend *tb, struct backend *b, const struct skb_func *tp)
{
	const struct bpf_program *tmpl = template_for(tb, tp);
	LIBBPF_OPTS(bpf_prog_load_opts, lo);
	int prog, link;

	if (!tmpl) {
		attach_stats__skip(&b->stats, "skb argument beyond the 4th", tp->name);
		return 0;
	}
	prog = pwru_prog__clone(tmpl, tb->n, "pwru_tp", &lo);
	if (prog < 0) {
		attach_stats__skip(&b->stats, "load failed", tp->name);
		return 0;
	}
	link = bpf_raw_tracepoint_open(tp->name, prog);
	if (link < 0) {
		attach_stats__skip(&b->stats, strerror(errno), tp->name);
		close(prog);
		return 0;
	}
	tb->names[tb->n] = tp->name;
	tb->prog_fds[tb->n] = prog;
	tb->link_fds[tb->n] = link;
	tb->n++;
	b->stats.attached++;
	return 0;
}

static int tp_attach(struct backend *b, struct pwru_run *r)
{
	struct tp_backend *tb = b->priv;
	regex_t re, *rep = NULL;
	struct progress p;
	long delay_us = 0;
	size_t wanted = 0;

	tb->names = calloc(tb->tps.n + 1, sizeof(*tb->names));
	tb->prog_fds = calloc(tb->tps.n + 1, sizeof(int));
	tb->link_fds = calloc(tb->tps.n + 1, sizeof(int));
	if (!tb->names || !tb->prog_fds || !tb->link_fds)
		return -ENOMEM;
	if (r->opts->filter_func) {
		if (skb_funcs__regex_compile(&re, r->opts->filter_func))
			return -EINVAL;
		rep = &re;
	}
	/* for the host tests: a slow attach that a signal can interrupt */
	if (getenv("PWRU_TEST_ATTACH_DELAY_MS"))
		delay_us = atol(getenv("PWRU_TEST_ATTACH_DELAY_MS")) * 1000;
	progress__start(&p, "attaching", tb->tps.n);
	for (size_t i = 0; i < tb->tps.n && !mass__stopping(); i++) {
		progress__update(&p, i);
		if (!name_wanted(rep, tb->tps.v[i].name))
			continue;
		attach_one(tb, b, &tb->tps.v[i]);
		wanted++;
		if (delay_us)
			usleep(delay_us);
	}
	b->stats.attach_secs = progress__end(&p);
	if (rep)
		regfree(rep);
	b->names = tb->names;
	b->nr_names = tb->n;
	/* -ESRCH: --filter-func named none of them (src/trace.c says so) */
	return tb->n ? 0 : wanted ? -ENOENT : -ESRCH;
}

static void tp_close(struct backend *b)
{
	const char *delay = getenv("PWRU_TEST_DETACH_DELAY_MS");
	struct tp_backend *tb = b->priv;
	struct progress p;

	if (!tb)
		return;
	progress__start(&p, "detaching", tb->n);
	for (size_t i = 0; i < tb->n; i++) {
		progress__update(&p, i);
		close(tb->link_fds[i]);
		close(tb->prog_fds[i]);
		/* for the host tests: a removal as slow as fentry's on 6.x */
		if (delay)
			usleep(atol(delay) * 1000);
	}
	progress__end(&p);
	tracepoint_bpf__destroy(tb->skel);
	skb_funcs__free(&tb->tps);
	free(tb->names);
	free(tb->prog_fds);
	free(tb->link_fds);
	free(tb);
	b->priv = NULL;
	b->names = NULL;
	b->nr_names = 0;
}

#define PROBE_TP "net_dev_queue"

/* pwru's own template for an skb in the first argument, on net_dev_queue. */
static int tp_probe_load(const struct pwru_run *r, struct be_probe *p)
{
	struct backend b = {};
	struct tracepoint_bpf *skel;
	int err;

	p->stage = "open";
	skel = PWRU_SKEL_OPEN(tracepoint_bpf, r, &b);
	if (!skel)
		return -errno;
	err = pwru_probe__load(skel->obj, skel->progs.tp_skb1, p);
	err = err ?: pwru_probe__raw_attach(skel->progs.tp_skb1, PROBE_TP, p);
	if (!err)
		p->stage = "loaded pwru's tp_skb1, attached it to " PROBE_TP ", then detached";
	tracepoint_bpf__destroy(skel);
	return err;
}

static const struct be_why rawtp_why[] = {
	{ { EINVAL },
	  "pwru's raw tracepoint program rejected (EINVAL)",
	  "the kernel rejected pwru's raw tracepoint template (EINVAL); the "
	  "verifier's line says why",
	  "report this kernel and the verifier line to pwru; use another backend" },
	{ { ENOENT },
	  "tracepoint " PROBE_TP " not found",
	  "raw tracepoint " PROBE_TP " not found (ENOENT): kernel without "
	  "CONFIG_NET tracepoints?",
	  NULL },
	{},
};

const struct backend_ops tracepoint_backend_ops = {
	.name = "tracepoint",
	.caps = PWRU_CAPS_BPF,
	.id = PWRU_BE_TRACEPOINT,
	.probe = FEAT_PROBE_RAW_TP,
	.probe_load = tp_probe_load,
	.why = rawtp_why,
	.what = "raw tracepoint",
	.assumed_from_config = PWRU_FEAT_BIT(FEAT_CFG_BPF_EVENTS),
	.tune_cfg = tp_tune_cfg,
	.open = tp_open,
	.attach = tp_attach,
	.close = tp_close,
};
