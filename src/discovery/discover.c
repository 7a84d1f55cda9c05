// SPDX-License-Identifier: GPL-2.0
/*
 * Discovery of the functions to trace: the BTF scan (btf_scan.c) of vmlinux
 * and, with --all-kmods, of every module, then the name filter
 * (name_filter.c) and the probeable list (probeable.c).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "discover_impl.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#define MODULES_BTF_DIR "/sys/kernel/btf"

static int cmp_name_mod(const void *a, const void *b)
{
	const struct skb_func *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r)
		return r;
	return strcmp(x->module ? x->module : "", y->module ? y->module : "");
}

/* Every /sys/kernel/btf/<module>, as split BTF on top of vmlinux. */
static int scan_modules(const struct btf *vmlinux, struct skb_funcs *out)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct btf *btf;
	int err = 0;
	DIR *dir;

	dir = opendir(MODULES_BTF_DIR);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "vmlinux") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", MODULES_BTF_DIR, de->d_name);
		btf = btf__parse_split(path, (struct btf *)vmlinux);
		if (!btf) {
			err = -errno;
			/* A module unloaded meanwhile is not an error. */
			if (err == -ENOENT) {
				err = 0;
				continue;
			}
			break;
		}
		err = skb_funcs__scan_btf(btf, de->d_name, out);
		btf__free(btf);
		if (err)
			break;
	}
	closedir(dir);
	return err;
}

/* --kmods a,b: just those modules; one without BTF is an error (-ENOENT), unlike with --all-kmods. */
static int scan_kmods(const struct btf *vmlinux, const char *list, struct skb_funcs *out)
{
	char path[PATH_MAX], name[64];
	struct btf *btf;
	int err = 0;

	while (!err && *list) {
		size_t n = strcspn(list, ",");

		snprintf(name, sizeof(name), "%.*s", (int)n, list);
		list += list[n] ? n + 1 : n;
		snprintf(path, sizeof(path), "%s/%s", MODULES_BTF_DIR, name);
		btf = btf__parse_split(path, (struct btf *)vmlinux);
		if (!btf)
			return -errno;
		err = skb_funcs__scan_btf(btf, name, out);
		btf__free(btf);
	}
	return err;
}

int skb_funcs__discover(const struct discover_opts *o, struct skb_funcs *out)
{
	const char *path = o->kernel_btf ? o->kernel_btf : VMLINUX_BTF;
	struct skb_funcs f = {};
	const struct btf *vmlinux = o->btf;
	struct btf *own = NULL;
	regex_t re;
	int err = 0;

	/* Fail on a bad regex before any expensive work. */
	if (o->filter_func) {
		if (skb_funcs__regex_compile(&re, o->filter_func))
			return -EINVAL;
		regfree(&re);
	}
	if (o->candidates) {
		size_t cap = 0;

		vmlinux = NULL;
		for (size_t i = 0; !err && i < o->candidates->n; i++) {
			const struct skb_func *c = &o->candidates->v[i];

			err = skb_funcs__push(&f, &cap, c->name, c->module, c->btf_id, c->skb_pos,
					 c->nr_args);
		}
	} else {
		if (!vmlinux)
			vmlinux = own = btf__parse(path, NULL);
		if (!vmlinux)
			return -errno;
		err = skb_funcs__scan_btf(vmlinux, NULL, &f);
	}
	if (!err && o->all_kmods && vmlinux)
		err = scan_modules(vmlinux, &f);
	else if (!err && o->kmods && vmlinux)
		err = scan_kmods(vmlinux, o->kmods, &f);
	if (!err && o->filter_func)
		err = skb_funcs__filter_regex(&f, o->filter_func);
	if (!err && f.n)
		err = skb_funcs__filter_probeable(o, &f);
	btf__free(own);
	if (err) {
		skb_funcs__free(&f);
		return err;
	}
	if (f.n) /* f.v is NULL when nothing was found: qsort(NULL, 0) is undefined */
		qsort(f.v, f.n, sizeof(*f.v), cmp_name_mod);
	*out = f;
	return 0;
}
