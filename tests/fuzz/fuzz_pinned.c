// SPDX-License-Identifier: GPL-2.0
/*
 * A pinned build's "funcs"/"tracepoints" table ("name skb_pos nr_args"
 * lines): read it; what is accepted must be sane and write back to a
 * table that reads the same.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "funcs.h"
#include "fuzz.h"
#include "pinned.h"

/*
 * The table as a memfd: pinned__read_table(dir, table) opens dir/table, and
 * "/proc/self/fd" + "<fd>" is such a path, with no file left behind.
 */
static int put(const void *data, size_t size, char *table, size_t len)
{
	int fd = memfd_create("funcs", MFD_CLOEXEC);

	FUZZ_ASSERT(fd >= 0, "memfd_create: %s", strerror(errno));
	FUZZ_ASSERT(!size || write(fd, data, size) == (ssize_t)size, "write");
	snprintf(table, len, "%d", fd);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct skb_funcs f = {}, g = {};
	char *text = NULL;
	size_t len = 0;
	FILE *fp;
	int ret;

	char table[16];
	int fd = put(data, size, table, sizeof(table));

	ret = pinned__read_table("/proc/self/fd", table, &f);
	close(fd);
	FUZZ_ASSERT(ret == 0 || ret == -EINVAL || ret == -ENOMEM, "returned %d", ret);
	if (ret)
		return 0;
	for (size_t i = 0; i < f.n; i++)
		FUZZ_ASSERT(f.v[i].name && f.v[i].name[0] && f.v[i].skb_pos >= 1 &&
				    f.v[i].skb_pos <= f.v[i].nr_args,
			    "entry %zu accepted: %s %d %d", i, f.v[i].name, f.v[i].skb_pos,
			    f.v[i].nr_args);
	fp = open_memstream(&text, &len);
	FUZZ_ASSERT(fp && !pinned__write_table(fp, &f), "write failed");
	fclose(fp);
	fd = put(text, len, table, sizeof(table));
	FUZZ_ASSERT(!pinned__read_table("/proc/self/fd", table, &g),
		    "its own table does not read back");
	close(fd);
	FUZZ_ASSERT(g.n == f.n, "%zu entries became %zu", f.n, g.n);
	for (size_t i = 0; i < f.n; i++)
		FUZZ_ASSERT(!strcmp(f.v[i].name, g.v[i].name) && f.v[i].skb_pos == g.v[i].skb_pos &&
				    f.v[i].nr_args == g.v[i].nr_args,
			    "entry %zu changed", i);
	skb_funcs__free(&f);
	skb_funcs__free(&g);
	free(text);
	return 0;
}
