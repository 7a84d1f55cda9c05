// SPDX-License-Identifier: GPL-2.0
/* Module types from a kernel's headers: find, check, merge (src/modbtf.h). */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
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

void modbtf__path(const char *release, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/modules.btf", modbtf__root(), release);
}

int modbtf__load(const char *release, struct btf **out, char *path, size_t path_len, char *why,
		 size_t why_len)
{
	char msg[PATH_MAX + 64];
	struct btf *btf;

	*out = NULL;
	modbtf__path(release, path, path_len);
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
		snprintf(why, why_len,
			 "the module types share no core struct with the kernel's "
			 "BTF to check them by");
		return -ESTALE;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

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

/* The bytes after struct btf_type that kind t carries; -1 for a kind this libbpf does not know. */
static long type_extra(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return sizeof(__u32);
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return btf_vlen(t) * (long)sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return btf_vlen(t) * (long)sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return btf_vlen(t) * 3L * sizeof(__u32); /* name_off, val_lo32, val_hi32 */
	case BTF_KIND_FUNC_PROTO:
		return btf_vlen(t) * (long)sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return btf_vlen(t) * (long)sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(struct btf_decl_tag);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	}
	return -1;
}

struct shift {
	__u32 ids, strs;       /* base's type count (without void) and string bytes */
	__u32 nr_ids, nr_strs; /* mod's: what is past them stays invalid */
};

/*
 * Type t of mod, moved behind base (0, void and "", stay). libbpf 1.1 does
 * not check every id and name offset of a parsed BTF (the fuzzer found a
 * CONST named at 0xffffffff): one that is out of mod's range stays out of
 * the merged one's, rather than wrapping onto a real type or name.
 */
static void shift_type(struct btf_type *t, const struct shift *s)
{
	__u32 *name = &t->name_off;
	__u16 n = btf_vlen(t);

#define SHIFT_ID(x) ((x) = !(x) ? 0 : (x) < s->nr_ids ? (x) + s->ids : UINT32_MAX)
#define SHIFT_STR(x) ((x) = !(x) ? 0 : (x) < s->nr_strs ? (x) + s->strs : UINT32_MAX)
	SHIFT_STR(*name);
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_DECL_TAG:
		SHIFT_ID(t->type);
		break;
	case BTF_KIND_FUNC_PROTO:
		SHIFT_ID(t->type);
		for (struct btf_param *p = btf_params(t); n--; p++) {
			SHIFT_ID(p->type);
			SHIFT_STR(p->name_off);
		}
		break;
	case BTF_KIND_ARRAY:
		SHIFT_ID(btf_array(t)->type);
		SHIFT_ID(btf_array(t)->index_type);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (struct btf_member *m = btf_members(t); n--; m++) {
			SHIFT_ID(m->type);
			SHIFT_STR(m->name_off);
		}
		break;
	case BTF_KIND_ENUM:
		for (struct btf_enum *e = btf_enum(t); n--; e++)
			SHIFT_STR(e->name_off);
		break;
	case BTF_KIND_ENUM64:
		for (__u32 *e = (__u32 *)(t + 1); n--; e += 3)
			SHIFT_STR(*e);
		break;
	case BTF_KIND_DATASEC:
		for (struct btf_var_secinfo *v = btf_var_secinfos(t); n--; v++)
			SHIFT_ID(v->type);
		break;
	}
#undef SHIFT_ID
#undef SHIFT_STR
}

/*
 * Raw BTF of base's sections followed by mod's, mod's type ids and string
 * offsets moved behind base's. Put together by hand: btf__add_btf() builds
 * a string index over all of vmlinux's strings first, 140 ms here (x86_64,
 * 6.1's BTF), against a copy of a few MB.
 */
int modbtf__merge(const struct btf *base, const struct btf *mod)
{
	const struct btf_header *bh, *mh;
	struct btf_header h;
	const void *braw, *mraw;
	struct shift sh;
	__u32 bsz, msz;
	char *types = NULL;
	size_t off = 0;
	int fd = -1, err = 0;

	braw = btf__raw_data(base, &bsz);
	mraw = btf__raw_data(mod, &msz);
	if (!braw || !mraw)
		return -ENOMEM;
	bh = braw;
	mh = mraw;
	if (btf__base_btf(base) || btf__base_btf(mod) || bh->magic != BTF_MAGIC ||
	    mh->magic != BTF_MAGIC)
		return -EINVAL;
	sh.ids = btf__type_cnt(base) - 1;
	sh.strs = bh->str_len;
	sh.nr_ids = btf__type_cnt(mod);
	sh.nr_strs = mh->str_len;
	types = malloc(mh->type_len ?: 1);
	if (!types)
		return -ENOMEM;
	for (__u32 id = 1; id < btf__type_cnt(mod); id++) {
		const struct btf_type *t = btf__type_by_id(mod, id);
		long len = type_extra(t);

		if (len < 0 || off + sizeof(*t) + (size_t)len > mh->type_len) {
			err = -EINVAL;
			goto out;
		}
		len += sizeof(*t);
		memcpy(types + off, t, (size_t)len);
		shift_type((struct btf_type *)(types + off), &sh);
		off += (size_t)len;
	}
	h = *bh;
	h.hdr_len = sizeof(h);
	h.type_off = 0;
	h.type_len = bh->type_len + (__u32)off;
	h.str_off = h.type_len;
	h.str_len = bh->str_len + mh->str_len;
	fd = memfd_create("pwru-core-btf", MFD_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	err = write_all(fd, &h, sizeof(h));
	err = err ?: write_all(fd, (const char *)braw + bh->hdr_len + bh->type_off, bh->type_len);
	err = err ?: write_all(fd, types, off);
	err = err ?: write_all(fd, (const char *)braw + bh->hdr_len + bh->str_off, bh->str_len);
	err = err ?: write_all(fd, (const char *)mraw + mh->hdr_len + mh->str_off, mh->str_len);
out:
	free(types);
	if (err && fd >= 0)
		close(fd);
	return err ?: fd;
}
