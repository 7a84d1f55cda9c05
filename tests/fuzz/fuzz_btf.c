// SPDX-License-Identifier: GPL-2.0
/*
 * skb function and tracepoint discovery, and drop-reason names, on any
 * BTF libbpf accepts (the seed is a trimmed vmlinux BTF, see mkseed_btf.c):
 * --kernel-btf takes any file, so nothing here may trust the BTF. What a
 * scan finds must be sane, and skb_funcs__discover() on the same blob,
 * with every found name listed as probeable, must find the same set.
 * As module types (src/modbtf.h), merged behind a small vmlinux-like BTF:
 * the result parses, and every type keeps its kind and name at its new id.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "drop_reason.h"
#include "funcs.h"
#include "fuzz.h"
#include "modbtf.h"

static int memfd(const void *data, size_t size, char *path, size_t len)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	FUZZ_ASSERT(fd >= 0, "memfd_create: %s", strerror(errno));
	FUZZ_ASSERT(!size || write(fd, data, size) == (ssize_t)size, "write");
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

static void check_found(const struct btf *btf, const struct skb_funcs *f, bool tp)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct skb_func *s = &f->v[i];
		const struct btf_type *t = btf__type_by_id(btf, s->btf_id);

		FUZZ_ASSERT(s->name && s->skb_pos >= 1 && s->skb_pos <= s->nr_args,
			    "%s: skb at %d of %d", s->name, s->skb_pos, s->nr_args);
		FUZZ_ASSERT(t && (tp ? btf_is_typedef(t) : btf_is_func(t)), "%s: id %u is kind %d",
			    s->name, s->btf_id, t ? (int)btf_kind(t) : -1);
		/* one entry per name: a probe attached by name cannot tell two apart */
		FUZZ_ASSERT(!i || strcmp(f->v[i - 1].name, s->name) < 0, "%s after %s", s->name,
			    f->v[i - 1].name);
	}
}

/* Names a kernel can have; others cannot be listed one per line to compare. */
static bool plain_names(const struct skb_funcs *f)
{
	for (size_t i = 0; i < f->n; i++) {
		if (!f->v[i].name[0])
			return false;
		for (const char *c = f->v[i].name; *c; c++)
			if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '.'))
				return false;
	}
	return true;
}

static void check_discover(const uint8_t *data, size_t size, const struct skb_funcs *scan)
{
	struct discover_opts o = {};
	struct skb_funcs got = {};
	char btf_path[64], avail_path[64], *list = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&list, &len);
	int bfd, afd, ret;

	FUZZ_ASSERT(fp, "open_memstream");
	for (size_t i = 0; i < scan->n; i++)
		fprintf(fp, "%s\n", scan->v[i].name);
	fputs("not_in_btf\n", fp);
	fclose(fp);
	bfd = memfd(data, size, btf_path, sizeof(btf_path));
	afd = memfd(list, len, avail_path, sizeof(avail_path));
	o.kernel_btf = btf_path;
	o.avail_path = avail_path;
	o.kallsyms_path = "/dev/null";
	ret = skb_funcs__discover(&o, &got);
	FUZZ_ASSERT(!ret, "discover failed on BTF the scan read: %d", ret);
	FUZZ_ASSERT(got.n == scan->n, "discover found %zu, the scan %zu", got.n, scan->n);
	for (size_t i = 0; i < got.n; i++)
		FUZZ_ASSERT(!strcmp(got.v[i].name, scan->v[i].name) &&
				    got.v[i].skb_pos == scan->v[i].skb_pos,
			    "%s differs", got.v[i].name);
	skb_funcs__free(&got);
	close(bfd);
	close(afd);
	free(list);
}

static void check_merge(const struct btf *mod)
{
	static struct btf *base;
	struct btf *m;
	char path[64], why[256];
	__u32 ids;
	int fd;

	if (!base) {
		base = btf__new_empty();
		FUZZ_ASSERT(base, "btf__new_empty");
		btf__add_int(base, "int", 4, BTF_INT_SIGNED);
		btf__add_struct(base, "sk_buff", 232);
	}
	modbtf__check(base, mod, why, sizeof(why));
	fd = modbtf__merge(base, mod);
	/* a kind this libbpf parses but the merge does not know is refused */
	FUZZ_ASSERT(fd >= 0 || fd == -EINVAL, "merge: %d", fd);
	if (fd < 0)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	m = btf__parse(path, NULL);
	FUZZ_ASSERT(m, "the merged BTF does not parse: %d", -errno);
	ids = btf__type_cnt(base) - 1;
	FUZZ_ASSERT(btf__type_cnt(m) == ids + btf__type_cnt(mod), "%u types, want %u + %u",
		    btf__type_cnt(m), ids, btf__type_cnt(mod));
	for (__u32 id = 1; id < btf__type_cnt(mod); id++) {
		const struct btf_type *a = btf__type_by_id(mod, id);
		const struct btf_type *b = btf__type_by_id(m, ids + id);

		const char *na = btf__name_by_offset(mod, a->name_off);
		const char *nb = btf__name_by_offset(m, b->name_off);

		/* an offset past mod's strings stays past the merged ones: both NULL */
		FUZZ_ASSERT(btf_kind(a) == btf_kind(b) && (na && nb ? !strcmp(na, nb) : na == nb),
			    "type %u moved wrong", id);
	}
	btf__free(m);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct skb_funcs funcs = {}, tps = {};
	struct drop_reasons *dr;
	struct btf *btf = btf__new(data, size);
	int ret;

	if (!btf)
		return 0;
	ret = skb_funcs__scan_btf(btf, NULL, &funcs);
	FUZZ_ASSERT(!ret, "scan: %d", ret);
	check_found(btf, &funcs, false);
	ret = skb_tracepoints__scan_btf(btf, &tps);
	FUZZ_ASSERT(!ret, "tracepoint scan: %d", ret);
	check_found(btf, &tps, true);
	dr = drop_reasons__from_btf(btf);
	FUZZ_ASSERT(dr || errno == ENOENT || errno == ENOMEM, "drop reasons: %d", errno);
	drop_reasons__name(dr, 2);
	drop_reasons__free(dr);
	if (plain_names(&funcs))
		check_discover(data, size, &funcs);
	check_merge(btf);
	skb_funcs__free(&funcs);
	skb_funcs__free(&tps);
	btf__free(btf);
	return 0;
}
