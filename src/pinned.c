// SPDX-License-Identifier: GPL-2.0
/* Pinned pre-CO-RE builds: find the one for this release, read its tables and objects. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "backend.h"
#include "funcs.h"
#include "pinned.h"
#include "privilege.h"

#ifndef PWRU_BPF_HASH
#define PWRU_BPF_HASH "unknown"
#endif

/* what every pinned build holds besides release and bpf-hash */
static const char *const pinned_files[] = {
	"kprobe.bpf.o", "kprobe_multi.bpf.o", "tracepoint.bpf.o",
	"funcs",	"tracepoints",	      "drop_reasons", "netfilter",
};

/*
 * Root loads these objects into the kernel and reads offsets from these
 * tables: anyone who can change one of them, or rename a directory above,
 * chooses what root runs. Only root may.
 */
static int trusted(const char *dir, char *why, size_t why_len)
{
	char path[PATH_MAX], msg[PATH_MAX + 64];
	size_t i;

	for (i = 0; i <= sizeof(pinned_files) / sizeof(pinned_files[0]); i++) {
		if (i < sizeof(pinned_files) / sizeof(pinned_files[0]))
			snprintf(path, sizeof(path), "%s/%s", dir, pinned_files[i]);
		else
			snprintf(path, sizeof(path), "%s", dir);
		if (priv__trusted_path(path, msg, sizeof(msg))) {
			snprintf(why, why_len, "%s: refused, only root may be able to change a "
					       "pinned build", msg);
			return -EPERM;
		}
	}
	return 0;
}

const char *pinned__root(void)
{
	const char *d = getenv("PWRU_PINNED_DIR");

	return d && *d ? d : PWRU_PINNED_DIR_DEFAULT;
}

const char *pinned__bpf_hash(void)
{
	return PWRU_BPF_HASH;
}

static int read_word(const char *dir, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];
	FILE *fp;
	int err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fp = fopen(path, "re");
	if (!fp)
		return -errno;
	if (!fgets(buf, len, fp))
		err = -ENODATA;
	else
		buf[strcspn(buf, "\n")] = '\0';
	fclose(fp);
	return err;
}

/* "6.1.0-13-amd64, 5.15.0-91-generic" or "none" */
static void list_releases(const char *root, char *buf, size_t len)
{
	struct dirent *de;
	size_t off = 0;
	DIR *d;

	snprintf(buf, len, "none");
	d = opendir(root);
	if (!d)
		return;
	while ((de = readdir(d)) && off < len) {
		if (de->d_name[0] == '.')
			continue;
		off += snprintf(buf + off, len - off, "%s%s", off ? ", " : "", de->d_name);
	}
	closedir(d);
}

int pinned__find(const char *release, char *dir, size_t dir_len, char *why, size_t why_len)
{
	const char *root = pinned__root();
	char buf[256], have[256], path[PATH_MAX];
	struct stat st;
	size_t i;

	snprintf(dir, dir_len, "%s/%s", root, release);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		list_releases(root, have, sizeof(have));
		snprintf(why, why_len, "none for %s in %s (it has: %s)", release, root, have);
		return -ENOENT;
	}
	if (read_word(dir, "release", buf, sizeof(buf)) || strcmp(buf, release)) {
		snprintf(why, why_len, "%s: its release file does not say %s", dir, release);
		return -EINVAL;
	}
	for (i = 0; i < sizeof(pinned_files) / sizeof(pinned_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, pinned_files[i]);
		if (access(path, R_OK)) {
			snprintf(why, why_len, "%s: incomplete, no %s", dir, pinned_files[i]);
			return -EINVAL;
		}
	}
	if (trusted(dir, why, why_len))
		return -EPERM;
	if (read_word(dir, "bpf-hash", buf, sizeof(buf)) || strcmp(buf, PWRU_BPF_HASH)) {
		snprintf(why, why_len,
			 "%s was built from other BPF sources (bpf-hash %s, this pwru %s)", dir,
			 buf, PWRU_BPF_HASH);
		return -ESTALE;
	}
	snprintf(why, why_len, "%s at %s", release, dir);
	return 0;
}

unsigned int pinned__netfilter(const char *dir, int *ipt_skb_pos, int *ip6t_skb_pos)
{
	struct skb_funcs f = {};
	char path[PATH_MAX], word[64];
	unsigned int groups = 0;
	FILE *fp;

	*ipt_skb_pos = *ip6t_skb_pos = 0;
	snprintf(path, sizeof(path), "%s/netfilter", dir);
	fp = fopen(path, "re");
	if (!fp)
		return 0;
	while (fscanf(fp, "%63s", word) == 1) {
		if (!strcmp(word, "nf_tables"))
			groups |= PINNED_NF_TABLES;
		else if (!strcmp(word, "x_tables"))
			groups |= PINNED_NF_XT;
	}
	fclose(fp);
	/* x_tables' types are of no use unless ipt_do_table() is in vmlinux too */
	if ((groups & PINNED_NF_XT) && !pinned__read_table(dir, "funcs", &f)) {
		for (size_t i = 0; i < f.n; i++) {
			if (!strcmp(f.v[i].name, "ipt_do_table"))
				*ipt_skb_pos = f.v[i].skb_pos;
			else if (!strcmp(f.v[i].name, "ip6t_do_table"))
				*ip6t_skb_pos = f.v[i].skb_pos;
		}
		skb_funcs__free(&f);
	}
	return groups;
}

int pinned__write_table(FILE *fp, const struct skb_funcs *f)
{
	for (size_t i = 0; i < f->n; i++) {
		if (f->v[i].module)
			continue; /* vmlinux only: modules of a pinned kernel are not scanned */
		fprintf(fp, "%s %d %d\n", f->v[i].name, f->v[i].skb_pos, f->v[i].nr_args);
	}
	return ferror(fp) ? -EIO : 0;
}

int pinned__read_table(const char *dir, const char *table, struct skb_funcs *out)
{
	struct skb_funcs f = {};
	char path[PATH_MAX], name[256];
	int pos, nr, err = 0, line = 0;
	size_t cap = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, table);
	fp = fopen(path, "re");
	if (!fp)
		return -errno;
	while (!err) {
		int n = fscanf(fp, "%255s %d %d", name, &pos, &nr);

		if (n == EOF)
			break;
		line++;
		/* %s takes a NUL byte as part of a word: a corrupt line, not an empty name */
		err = n == 3 && name[0] && pos > 0 && pos <= nr ?
			      skb_funcs__push(&f, &cap, name, NULL, 0, pos, nr) :
			      -EINVAL;
	}
	fclose(fp);
	if (err) {
		skb_funcs__free(&f);
		return err;
	}
	skb_funcs__free(out);
	*out = f;
	return 0;
}

/* The pinned object for skeleton s ("kprobe_bpf" -> DIR/kprobe.bpf.o), read whole. */
static int read_obj(const char *dir, const char *skel_name, void **buf, size_t *sz)
{
	size_t n = strlen(skel_name);
	char path[PATH_MAX];
	struct stat st;
	FILE *fp;
	int err = 0;

	if (n > 4 && !strcmp(skel_name + n - 4, "_bpf"))
		n -= 4;
	snprintf(path, sizeof(path), "%s/%.*s.bpf.o", dir, (int)n, skel_name);
	fp = fopen(path, "re");
	if (!fp)
		return -errno;
	if (fstat(fileno(fp), &st) || !st.st_size) {
		fclose(fp);
		return -EINVAL;
	}
	*buf = malloc(st.st_size);
	if (!*buf)
		err = -ENOMEM;
	else if (fread(*buf, 1, st.st_size, fp) != (size_t)st.st_size)
		err = -EIO;
	fclose(fp);
	if (err) {
		free(*buf);
		*buf = NULL;
		return err;
	}
	*sz = st.st_size;
	return 0;
}

/*
 * The bytes of each pinned object, read once and kept for the whole run:
 * libbpf may read the ELF it was opened from until load, and a backend that
 * fails is followed by another that may open the same object again.
 */
static struct {
	char name[64];
	void *buf;
	size_t sz;
} objs[8];

static int pinned_obj(const char *dir, const char *skel_name, void **buf, size_t *sz)
{
	size_t i;
	int err;

	for (i = 0; i < sizeof(objs) / sizeof(objs[0]) && objs[i].buf; i++) {
		if (!strcmp(objs[i].name, skel_name))
			goto out;
	}
	if (i == sizeof(objs) / sizeof(objs[0]))
		return -ENOSPC;
	err = read_obj(dir, skel_name, &objs[i].buf, &objs[i].sz);
	if (err)
		return err;
	snprintf(objs[i].name, sizeof(objs[i].name), "%s", skel_name);
out:
	*buf = objs[i].buf;
	*sz = objs[i].sz;
	return 0;
}

int pwru_skel__open(struct bpf_object_skeleton *s, const struct pwru_run *r)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = r->core_btf ?: r->kernel_btf);
	void *buf;
	size_t sz;
	int err;

	if (r->pinned_dir) {
		err = pinned_obj(r->pinned_dir, s->name, &buf, &sz);
		if (err)
			return err;
		/* same names and layout as the embedded object (bpf-hash), no CO-RE */
		s->data = buf;
		s->data_sz = sz;
		oo.btf_custom_path = NULL;
	}
	return bpf_object__open_skeleton(s, &oo);
}
