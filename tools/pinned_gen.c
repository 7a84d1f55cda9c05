// SPDX-License-Identifier: GPL-2.0
/*
 * Build-time helper of `make pinned` (scripts/pinned-build):
 *
 *   pinned-gen tables BTF DIR   write DIR/funcs, DIR/tracepoints and
 *                               DIR/drop_reasons from the kernel's BTF (made
 *                               by pahole from its DWARF), with the same
 *                               scan pwru runs on /sys/kernel/btf/vmlinux
 *   pinned-gen check-core OBJ   fail if OBJ carries any CO-RE relocation:
 *                               a pinned object must load without kernel BTF
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "drop_reason.h"
#include "funcs.h"
#include "pinned.h"

static int write_table(const char *dir, const char *name, const struct skb_funcs *f)
{
	char path[PATH_MAX];
	FILE *fp;
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (!fp)
		return -errno;
	err = pinned__write_table(fp, f);
	if (fclose(fp) && !err)
		err = -errno;
	fprintf(stderr, "pinned-gen: %s: %zu entries\n", path, f->n);
	return err;
}

static int write_reasons(const char *dir, const struct btf *btf)
{
	struct drop_reasons *dr = drop_reasons__from_btf(btf);
	char path[PATH_MAX];
	FILE *fp;
	int err;

	snprintf(path, sizeof(path), "%s/drop_reasons", dir);
	fp = fopen(path, "w");
	if (!fp) {
		drop_reasons__free(dr);
		return -errno;
	}
	/* before 5.17 there is no enum skb_drop_reason: an empty table */
	err = dr ? drop_reasons__write(dr, fp) : 0;
	if (fclose(fp) && !err)
		err = -errno;
	fprintf(stderr, "pinned-gen: %s: %s\n", path,
		dr ? "written" : "empty (no skb_drop_reason)");
	drop_reasons__free(dr);
	return err;
}

static int tables(const char *btf_path, const char *dir)
{
	struct skb_funcs funcs = {}, tps = {};
	struct btf *btf = btf__parse(btf_path, NULL);
	int err;

	if (!btf) {
		err = -errno;
		fprintf(stderr, "pinned-gen: %s: %s\n", btf_path, strerror(-err));
		return err;
	}
	err = skb_funcs__scan_btf(btf, NULL, &funcs);
	err = err ?: skb_tracepoints__scan_btf(btf, &tps);
	err = err ?: write_table(dir, "funcs", &funcs);
	err = err ?: write_table(dir, "tracepoints", &tps);
	err = err ?: write_reasons(dir, btf);
	if (!err && !funcs.n)
		err = -ENOENT; /* no function takes an sk_buff: not a kernel's BTF */
	skb_funcs__free(&funcs);
	skb_funcs__free(&tps);
	btf__free(btf);
	return err;
}

/* struct btf_ext_header of the kernel's UAPI-less .BTF.ext, up to CO-RE */
struct ext_hdr {
	__u16 magic;
	__u8 version;
	__u8 flags;
	__u32 hdr_len;
	__u32 func_info_off, func_info_len;
	__u32 line_info_off, line_info_len;
	__u32 core_relo_off, core_relo_len;
};

/* CO-RE relocations in a .BTF.ext section, or -EINVAL when malformed. */
static long count_core_relos(const char *d, size_t size)
{
	struct ext_hdr h = {};
	const char *p, *end;
	__u32 rec, sec[2];
	long n = 0;

	if (size < 8)
		return -EINVAL;
	memcpy(&h, d, size < sizeof(h) ? size : sizeof(h));
	if (h.magic != 0xeB9F || h.hdr_len > size)
		return -EINVAL;
	if (h.hdr_len < sizeof(h) || !h.core_relo_len)
		return 0;
	p = d + h.hdr_len + h.core_relo_off;
	end = p + h.core_relo_len;
	if (end > d + size || h.core_relo_len < 4)
		return -EINVAL;
	memcpy(&rec, p, 4);
	for (p += 4; p + 8 <= end; p += 8 + (size_t)sec[1] * rec) {
		memcpy(sec, p, 8);
		n += sec[1];
	}
	return n;
}

static int check_core(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = -ENOENT;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;
	Elf_Data *data;
	long n = 0;
	Elf *elf;

	if (fd < 0 || elf_version(EV_CURRENT) == EV_NONE)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx)) {
		close(fd);
		return -EINVAL;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".BTF.ext"))
			continue;
		data = elf_getdata(scn, NULL);
		n = data ? count_core_relos(data->d_buf, data->d_size) : -EINVAL;
		err = n < 0 ? (int)n : 0;
	}
	elf_end(elf);
	close(fd);
	if (err == -ENOENT) /* no .BTF.ext at all: nothing to relocate */
		err = 0;
	if (!err && n) {
		fprintf(stderr,
			"pinned-gen: %s has %ld CO-RE relocations; a pinned object must have none\n",
			path, n);
		return -EINVAL;
	}
	if (err)
		fprintf(stderr, "pinned-gen: %s: cannot read .BTF.ext: %s\n", path, strerror(-err));
	return err;
}

int main(int argc, char **argv)
{
	int err = -EINVAL;

	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	if (argc == 4 && !strcmp(argv[1], "tables")) {
		err = tables(argv[2], argv[3]);
	} else if (argc >= 3 && !strcmp(argv[1], "check-core")) {
		err = 0;
		for (int i = 2; i < argc && !err; i++)
			err = check_core(argv[i]);
	} else {
		fprintf(stderr, "usage: pinned-gen tables BTF DIR | check-core OBJ...\n");
		return 2;
	}
	return err ? 1 : 0;
}
