// SPDX-License-Identifier: GPL-2.0
/* The netfilter probes of the function backends; see nf_probe.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "backend.h"
#include "nf_probe.h"
#include "pinned.h"

static const struct {
	const char *func;
	const char *module; /* where distributions build it */
	const char *what; /* the group a missing module turns off */
} probes[NF_P__COUNT] = {
	[NF_P_CHAIN] = { "nft_do_chain", "nf_tables", "nf_tables rule lookup" },
	[NF_P_IMMEDIATE] = { "nft_immediate_eval", "nf_tables", "nf_tables rule lookup" },
	[NF_P_IPT] = { "ipt_do_table", "ip_tables", "iptables-legacy table lookup" },
	[NF_P_IP6T] = { "ip6t_do_table", "ip6_tables", "ip6tables-legacy table lookup" },
};

const char *nf_probes__unavailable(const char *sys_dir, const char *module, bool builtin)
{
	char path[256];

	if (builtin)
		return NULL;
	snprintf(path, sizeof(path), "%s/module/%s", sys_dir, module);
	if (access(path, F_OK))
		return "module not loaded (load it, or add a rule, before pwru starts)";
	snprintf(path, sizeof(path), "%s/kernel/btf/%s", sys_dir, module);
	if (access(path, R_OK))
		return "the module has no BTF (module BTF needs 5.11+ and "
		       "CONFIG_DEBUG_INFO_BTF_MODULES; `make modbtf KDIR=<its headers>` "
		       "makes its types, docs/no-btf.md)";
	return NULL;
}

bool nf_probes__module_without_btf(const char *sys_dir)
{
	char path[256];

	for (int i = 0; i < NF_P__COUNT; i++) {
		snprintf(path, sizeof(path), "%s/module/%s", sys_dir, probes[i].module);
		if (access(path, F_OK))
			continue;
		snprintf(path, sizeof(path), "%s/kernel/btf/%s", sys_dir, probes[i].module);
		if (access(path, F_OK))
			return true;
	}
	return false;
}

/* Said once per group and run, whichever backend asks. */
static void say_off(const char *what, const char *why)
{
	static char said[4][64];

	for (int i = 0; i < 4; i++) {
		if (!strcmp(said[i], what))
			return;
		if (!said[i][0]) {
			snprintf(said[i], sizeof(said[i]), "%s", what);
			break;
		}
	}
	fprintf(stderr, "pwru: %s off: %s\n", what, why);
}

/*
 * The BTF that describes func: vmlinux's, else its module's (split), else
 * the module types made from the kernel's headers (src/modbtf.h), which
 * vouch for func by a pwru_fn_<func> prototype. fentry attaches through
 * the module's own BTF (5.11+): the header-made types cannot serve it.
 */
static struct btf *func_btf(const struct pwru_run *r, int i, enum nf_attach_kind kind,
			    struct btf **mod, int *id)
{
	char path[256];

	*id = r->btf ? btf__find_by_name_kind(r->btf, probes[i].func, BTF_KIND_FUNC) : -1;
	if (*id > 0)
		return r->btf;
	if (!*mod) {
		snprintf(path, sizeof(path), "/sys/kernel/btf/%s", probes[i].module);
		*mod = r->btf ? btf__parse_split(path, r->btf) : NULL;
		if (libbpf_get_error(*mod))
			*mod = NULL;
	}
	*id = *mod ? btf__find_by_name_kind(*mod, probes[i].func, BTF_KIND_FUNC) : -1;
	if (*id > 0)
		return *mod;
	if (!r->mod_btf || kind == NF_ATTACH_FENTRY)
		return NULL;
	snprintf(path, sizeof(path), "pwru_fn_%s", probes[i].func);
	*id = btf__find_by_name_kind(r->mod_btf, path, BTF_KIND_TYPEDEF);
	return *id > 0 ? r->mod_btf : NULL;
}

/* ipt_do_table(void *priv, skb, state) in 6.1, (skb, state, table) in 5.10 */
static bool xt_priv_first(const struct btf *btf, int id)
{
	/* a FUNC, or the typedef of the module types: either points at the proto */
	const struct btf_type *fn = btf__type_by_id(btf, id);
	const struct btf_type *proto = btf__type_by_id(btf, fn->type);
	const struct btf_type *t;

	if (!btf_is_func_proto(proto) || !btf_vlen(proto))
		return false;
	t = btf__type_by_id(btf, btf_params(proto)[0].type);
	while (btf_is_mod(t) || btf_is_typedef(t))
		t = btf__type_by_id(btf, t->type);
	if (!btf_is_ptr(t))
		return false;
	return t->type == 0; /* void * */
}

/*
 * The programs of a kind's skeleton, by name: <prefix>_<function>, as
 * backends/common/kprobe_tmpl.bpf.h and backends/fentry/fentry.bpf.c name
 * them.
 */
static void find_progs(struct bpf_object *obj, enum nf_attach_kind kind,
		       struct bpf_program *prog[NF_P__COUNT])
{
	static const char *const prefix[] = {
		[NF_ATTACH_FENTRY] = "fentry",
		[NF_ATTACH_KPROBE] = "kprobe",
		[NF_ATTACH_KPROBE_MULTI] = "kmulti",
	};
	char name[64];

	for (int i = 0; i < NF_P__COUNT; i++) {
		snprintf(name, sizeof(name), "%s_%s", prefix[kind], probes[i].func);
		prog[i] = bpf_object__find_program_by_name(obj, name);
	}
}

/*
 * A pinned build (no kernel BTF): its netfilter file says which groups it
 * was compiled with vmlinux's types for; x_tables' needs ipt_do_table() in
 * vmlinux too, and its funcs table gives the argument order. *quiet: nothing
 * to say (ip_tables is a module: no types, and few use legacy iptables).
 */
static const char *pinned_unavailable(const char *dir, int i, bool *priv_first, bool *quiet)
{
	int ipt, ip6t, pos;
	unsigned int g = pinned__netfilter(dir, &ipt, &ip6t);

	*quiet = false;
	if (i <= NF_P_IMMEDIATE)
		return g & PINNED_NF_TABLES ? NULL :
					      "the pinned build has no nf_tables types (not built "
					      "into this kernel's vmlinux)";
	pos = i == NF_P_IPT ? ipt : ip6t;
	if (!(g & PINNED_NF_XT) || !pos) {
		*quiet = true;
		return "the pinned build has no x_tables types, or the function is in a module";
	}
	/* ipt_do_table(priv, skb, state) since 5.16, (skb, state, table) before */
	*priv_first = pos == 2;
	return NULL;
}

bool nf_probes__prepare(struct nf_probes *np, struct bpf_object *obj, const struct pwru_run *r,
			enum nf_attach_kind kind, bool *priv_first)
{
	struct btf *mods[NF_P__COUNT] = {};
	struct bpf_program *prog[NF_P__COUNT];
	bool any = false;

	memset(np, 0, sizeof(*np));
	find_progs(obj, kind, prog);
	for (int i = 0; i < NF_P__COUNT; i++) {
		int id = 0;
		const struct btf *btf = NULL;
		const char *why;
		bool quiet = false;

		np->prog[i] = prog[i];
		if (r->pinned_dir) {
			why = pinned_unavailable(r->pinned_dir, i, priv_first, &quiet);
			if (!why && getenv("PWRU_NO_NF"))
				why = "PWRU_NO_NF is set";
			if (why && !quiet)
				say_off(probes[i].what, why);
			np->enabled[i] = !why;
			continue;
		}
		btf = func_btf(r, i, kind, &mods[i], &id);
		why = nf_probes__unavailable("/sys", probes[i].module, btf == r->btf && btf);
		if (!why && !btf)
			why = "its functions are not in the kernel's BTF";
		/* loaded, without BTF of its own: the header-made types stand in */
		if (why && !strncmp(why, "the module has no BTF", 21) && r->mod_btf) {
			if (btf == r->mod_btf)
				why = NULL;
			else if (kind == NF_ATTACH_FENTRY)
				why = "fentry needs the module's own BTF (5.11+); --probe-backend "
				      "kprobe names the rules with the module types of `make modbtf`";
		}
		if (!why && getenv("PWRU_NO_NF"))
			why = "PWRU_NO_NF is set";
		/* nothing to say where nobody uses legacy iptables */
		if (why && (i <= NF_P_IMMEDIATE || strncmp(why, "module not", 10)))
			say_off(probes[i].what, why);
		np->enabled[i] = !why;
		if (np->enabled[i] && i == NF_P_IPT)
			*priv_first = xt_priv_first(btf, id);
		if (np->enabled[i] && kind == NF_ATTACH_FENTRY &&
		    bpf_program__set_attach_target(prog[i], 0, probes[i].func))
			np->enabled[i] = false;
	}
	/* the nf_tables pair works together or not at all; ip6t's order is ipt's */
	if (!np->enabled[NF_P_CHAIN] || !np->enabled[NF_P_IMMEDIATE])
		np->enabled[NF_P_CHAIN] = np->enabled[NF_P_IMMEDIATE] = false;
	if (np->enabled[NF_P_IP6T] && !np->enabled[NF_P_IPT] && mods[NF_P_IP6T]) {
		int id = btf__find_by_name_kind(mods[NF_P_IP6T], "ip6t_do_table", BTF_KIND_FUNC);

		*priv_first = id > 0 && xt_priv_first(mods[NF_P_IP6T], id);
	}
	for (int i = 0; i < NF_P__COUNT; i++) {
		bpf_program__set_autoload(prog[i], np->enabled[i]);
		any |= np->enabled[i];
		if (mods[i] != r->btf)
			btf__free(mods[i]);
	}
	return any;
}

void nf_probes__off(struct nf_probes *np, struct bpf_object *obj, enum nf_attach_kind kind,
		    int err)
{
	struct bpf_program *prog[NF_P__COUNT];
	char why[128];

	memset(np, 0, sizeof(*np));
	find_progs(obj, kind, prog);
	for (int i = 0; i < NF_P__COUNT; i++)
		bpf_program__set_autoload(prog[i], false);
	snprintf(why, sizeof(why), "the kernel refused its programs (%s)",
		 strerror(err < 0 ? -err : err));
	say_off("netfilter lookup", why);
}

static struct bpf_link *attach_one(struct bpf_program *p, const char *func,
				   enum nf_attach_kind kind)
{
	LIBBPF_OPTS(bpf_kprobe_multi_opts, mo, .syms = &func, .cnt = 1);

	switch (kind) {
	case NF_ATTACH_FENTRY:
		return bpf_program__attach_trace(p);
	case NF_ATTACH_KPROBE:
		return bpf_program__attach_kprobe(p, false, func);
	case NF_ATTACH_KPROBE_MULTI:
		return bpf_program__attach_kprobe_multi_opts(p, NULL, &mo);
	}
	return NULL;
}

static void drop_link(struct nf_probes *np, int i)
{
	bpf_link__destroy(np->link[i]);
	np->link[i] = NULL;
	np->enabled[i] = false;
}

void nf_probes__attach(struct nf_probes *np, enum nf_attach_kind kind)
{
	char why[128];
	int err;

	for (int i = 0; i < NF_P__COUNT; i++) {
		if (!np->enabled[i])
			continue;
		np->link[i] = attach_one(np->prog[i], probes[i].func, kind);
		err = libbpf_get_error(np->link[i]);
		if (np->link[i] && !err)
			continue;
		np->link[i] = NULL;
		snprintf(why, sizeof(why), "attaching to %s failed: %s", probes[i].func,
			 strerror(err ? -err : ENOENT));
		say_off(probes[i].what, why);
		np->enabled[i] = false;
		if (i <= NF_P_IMMEDIATE) {
			drop_link(np, NF_P_CHAIN);
			drop_link(np, NF_P_IMMEDIATE);
		}
	}
}

void nf_probes__detach(struct nf_probes *np)
{
	for (int i = 0; i < NF_P__COUNT; i++)
		drop_link(np, i);
}

bool nf_probes__any(const struct nf_probes *np)
{
	for (int i = 0; i < NF_P__COUNT; i++)
		if (np->enabled[i])
			return true;
	return false;
}
