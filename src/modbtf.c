// SPDX-License-Identifier: GPL-2.0
/* Module types from a kernel's headers: find, check, merge (src/modbtf.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "modbtf.h"
#include "privilege.h"

const char *modbtf__root(void)
{
	const char *d = getenv("PWRU_MODBTF_DIR");

	return d && *d ? d : PWRU_MODBTF_DIR_DEFAULT;
}

int modbtf__load(const char *release, struct btf **out, char *path, size_t path_len, char *why,
		 size_t why_len)
{
	char msg[PATH_MAX + 64];
	struct btf *btf;

	*out = NULL;
	snprintf(path, path_len, "%s/%s/modules.btf", modbtf__root(), release);
	if (access(path, F_OK)) {
		snprintf(why, why_len, "no %s (make modbtf KDIR=<this kernel's headers>)", path);
		return -ENOENT;
	}
	/* its offsets decide what kernel memory the programs copy into events */
	if (priv__trusted_path(path, msg, sizeof(msg))) {
		snprintf(why, why_len, "%s: refused, only root may be able to change it", msg);
		return -EPERM;
	}
	btf = btf__parse_raw(path);
	if (libbpf_get_error(btf)) {
		snprintf(why, why_len, "%s is not a BTF file", path);
		return -EINVAL;
	}
	*out = btf;
	return 0;
}

/* Structs whose size changes with the config options that move the rest. */
static const char *const core_structs[] = {
	"sk_buff", "net_device", "sock", "net", "nf_hook_state", "nf_hook_ops",
};

int modbtf__check(const struct btf *base, const struct btf *mod, char *why, size_t why_len)
{
	int compared = 0;

	for (size_t i = 0; i < sizeof(core_structs) / sizeof(core_structs[0]); i++) {
		int b = btf__find_by_name_kind(base, core_structs[i], BTF_KIND_STRUCT);
		int m = btf__find_by_name_kind(mod, core_structs[i], BTF_KIND_STRUCT);
		__u32 bs, ms;

		if (b <= 0 || m <= 0)
			continue;
		bs = btf__type_by_id(base, b)->size;
		ms = btf__type_by_id(mod, m)->size;
		if (bs != ms) {
			snprintf(why, why_len,
				 "struct %s is %u bytes in the kernel but %u in the module "
				 "types: they were made from other headers",
				 core_structs[i], bs, ms);
			return -ESTALE;
		}
		compared++;
	}
	if (!compared) {
		snprintf(why, why_len, "the module types share no core struct with the kernel's "
				       "BTF to check them by");
		return -ESTALE;
	}
	return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int modbtf__merge(const struct btf *base, const struct btf *mod)
{
	struct btf *m = btf__new_empty();
	const void *raw;
	__u32 sz;
	int fd = -1, err;

	if (libbpf_get_error(m))
		return -ENOMEM;
	/*
	 * Types both have (sk_buff, ...) appear twice; their layouts were
	 * checked equal (modbtf__check), so CO-RE finds one answer in either.
	 */
	err = btf__add_btf(m, base);
	if (err >= 0)
		err = btf__add_btf(m, mod);
	if (err < 0)
		goto out;
	raw = btf__raw_data(m, &sz);
	if (!raw) {
		err = -ENOMEM;
		goto out;
	}
	fd = memfd_create("pwru-core-btf", MFD_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	err = write_all(fd, raw, sz);
out:
	btf__free(m);
	if (err < 0) {
		if (fd >= 0)
			close(fd);
		return err;
	}
	return fd;
}
