// SPDX-License-Identifier: GPL-2.0
/* The clone-tracking probes of the function backends; see clone_probe.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "backend.h"
#include "clone_probe.h"
#include "options.h"

/* in the order of fentry.bpf.c's fexit programs */
static const char *const funcs[CLONE_FUNCS] = {
	"skb_clone", "skb_copy", "__pskb_copy_fclone", "skb_copy_expand"
};

/* Once per function and run: a backend may open its skeleton twice. */
static void say_off(const char *func, const char *why)
{
	static bool said[CLONE_FUNCS];

	for (int i = 0; i < CLONE_FUNCS; i++) {
		if (strcmp(funcs[i], func))
			continue;
		if (said[i])
			return;
		said[i] = true;
	}
	fprintf(stderr, "pwru: --filter-track-skb: skbs made by %s are not followed: %s\n", func,
		why);
}

static void set_autoload(struct clone_probes *cp)
{
	bool any = clone_probes__any(cp);

	if (cp->entry)
		bpf_program__set_autoload(cp->entry, any && cp->kind != CLONE_FEXIT);
	for (int i = 0; i < CLONE_FUNCS; i++)
		if (cp->exit[i])
			bpf_program__set_autoload(cp->exit[i],
						  cp->kind == CLONE_FEXIT ? cp->enabled[i] : any);
}

bool clone_probes__prepare(struct clone_probes *cp, enum clone_attach_kind kind,
			   struct bpf_program *entry, struct bpf_program *const *exit,
			   const struct pwru_run *r)
{
	bool track = r->opts && r->opts->filter_track_skb;

	memset(cp, 0, sizeof(*cp));
	cp->kind = kind;
	cp->entry = entry;
	for (int i = 0; i < (kind == CLONE_FEXIT ? CLONE_FUNCS : 1); i++)
		cp->exit[i] = exit[i];
	for (int i = 0; track && i < CLONE_FUNCS; i++) {
		cp->enabled[i] = !r->btf || btf__find_by_name_kind(r->btf, funcs[i], BTF_KIND_FUNC) > 0;
		if (!cp->enabled[i])
			say_off(funcs[i], "not in the kernel's BTF");
		if (cp->enabled[i] && kind == CLONE_FEXIT &&
		    bpf_program__set_attach_target(cp->exit[i], 0, funcs[i]))
			cp->enabled[i] = false;
	}
	set_autoload(cp);
	return clone_probes__any(cp);
}

void clone_probes__off(struct clone_probes *cp, int err)
{
	char why[128];

	snprintf(why, sizeof(why), "the kernel refused the programs (%s)",
		 strerror(err < 0 ? -err : err));
	for (int i = 0; i < CLONE_FUNCS; i++)
		if (cp->enabled[i])
			say_off(funcs[i], why);
	memset(cp->enabled, 0, sizeof(cp->enabled));
	set_autoload(cp);
}

bool clone_probes__any(const struct clone_probes *cp)
{
	for (int i = 0; i < CLONE_FUNCS; i++)
		if (cp->enabled[i])
			return true;
	return false;
}

static int keep(struct clone_probes *cp, int slot, struct bpf_link *l)
{
	int err = libbpf_get_error(l);

	cp->link[slot] = err ? NULL : l;
	return l ? err : -ENOENT;
}

/* The kprobe.multi pair for every enabled function at once. */
static int attach_multi(struct clone_probes *cp)
{
	const char *syms[CLONE_FUNCS];
	LIBBPF_OPTS(bpf_kprobe_multi_opts, o, .syms = syms);
	int err;

	for (int i = 0; i < CLONE_FUNCS; i++)
		if (cp->enabled[i])
			syms[o.cnt++] = funcs[i];
	err = keep(cp, 0, bpf_program__attach_kprobe_multi_opts(cp->entry, NULL, &o));
	if (err)
		return err;
	o.retprobe = true;
	return keep(cp, 1, bpf_program__attach_kprobe_multi_opts(cp->exit[0], NULL, &o));
}

void clone_probes__attach(struct clone_probes *cp)
{
	char why[96];
	int err = 0;

	if (cp->kind == CLONE_KPROBE_MULTI && clone_probes__any(cp)) {
		err = attach_multi(cp);
		if (err) {
			snprintf(why, sizeof(why), "kprobe.multi attach failed: %s", strerror(-err));
			clone_probes__detach(cp);
			for (int i = 0; i < CLONE_FUNCS; i++)
				if (cp->enabled[i])
					say_off(funcs[i], why);
			memset(cp->enabled, 0, sizeof(cp->enabled));
		}
		return;
	}
	for (int i = 0; i < CLONE_FUNCS; i++) {
		if (!cp->enabled[i])
			continue;
		if (cp->kind == CLONE_FEXIT) {
			err = keep(cp, 2 * i, bpf_program__attach_trace(cp->exit[i]));
		} else {
			err = keep(cp, 2 * i, bpf_program__attach_kprobe(cp->entry, false, funcs[i]));
			err = err ?: keep(cp, 2 * i + 1,
					  bpf_program__attach_kprobe(cp->exit[0], true, funcs[i]));
		}
		if (!err)
			continue;
		snprintf(why, sizeof(why), "attach failed: %s", strerror(-err));
		say_off(funcs[i], why);
		cp->enabled[i] = false;
		bpf_link__destroy(cp->link[2 * i]);
		bpf_link__destroy(cp->link[2 * i + 1]);
		cp->link[2 * i] = cp->link[2 * i + 1] = NULL;
	}
}

void clone_probes__detach(struct clone_probes *cp)
{
	for (int i = 0; i < 2 * CLONE_FUNCS; i++) {
		bpf_link__destroy(cp->link[i]);
		cp->link[i] = NULL;
	}
}
