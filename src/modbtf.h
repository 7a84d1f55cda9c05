/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module types for kernels whose modules have no BTF of their own (module
 * BTF came in 5.11; Debian 11's 5.10 has none): `make modbtf KDIR=<headers>`
 * (scripts/modbtf-build) compiles tools/modbtf_types.c against the kernel's
 * headers and writes their BTF, keyed by release:
 *
 *   <root>/<release>/modules.btf
 *
 * <root> is $PWRU_MODBTF_DIR, else PWRU_MODBTF_DIR_DEFAULT. With them the
 * function backends that probe by symbol (kprobe, kprobe-multi) read
 * nf_tables' structs through CO-RE as on a kernel with module BTF.
 */
#ifndef PWRU_MODBTF_H
#define PWRU_MODBTF_H

#include <stddef.h>

#ifndef PWRU_MODBTF_DIR_DEFAULT
#define PWRU_MODBTF_DIR_DEFAULT "/usr/local/lib/pwru/modbtf"
#endif

struct btf;

/* $PWRU_MODBTF_DIR or the default */
const char *modbtf__root(void);
/* <root>/<release>/modules.btf into buf */
void modbtf__path(const char *release, char *buf, size_t len);

/*
 * The module types of release: 0 and *out, or -ENOENT (none for it), -EPERM
 * (someone but root can change the file), -EINVAL (not BTF). path gets the
 * file's name, why one line.
 */
int modbtf__load(const char *release, struct btf **out, char *path, size_t path_len, char *why,
		 size_t why_len);

/*
 * Whether mod was made for the kernel that base (its vmlinux BTF) describes:
 * the core structs both have must have the same size. 0, or -ESTALE and why.
 */
int modbtf__check(const struct btf *base, const struct btf *mod, char *why, size_t why_len);

/*
 * base's types then mod's, as one BTF in a memfd: libbpf's CO-RE takes one
 * target BTF (btf_custom_path), so the two must become one file. Returns the
 * fd (read it as /proc/self/fd/<fd>) or -errno.
 */
int modbtf__merge(const struct btf *base, const struct btf *mod);

#endif /* PWRU_MODBTF_H */
