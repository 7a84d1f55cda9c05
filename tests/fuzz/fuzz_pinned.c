// SPDX-License-Identifier: GPL-2.0
/*
 * A pinned build's "funcs"/"tracepoints" table ("name skb_pos nr_args"
 * lines): read it; what is accepted must be sane and write back to a
 * table that reads the same.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "funcs.h"
#include "fuzz.h"
#include "pinned.h"

static char dir[] = "/tmp/pwru-fuzz-pinned.XXXXXX";

static void cleanup(void)
{
	char p[64];

	snprintf(p, sizeof(p), "%s/funcs", dir);
	unlink(p);
	rmdir(dir);
}

static void put(const void *data, size_t size)
{
	char p[64];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/funcs", dir);
	fp = fopen(p, "w");
	FUZZ_ASSERT(fp, "cannot write %s", p);
	fwrite(data, 1, size, fp);
	fclose(fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct skb_funcs f = {}, g = {};
	char *text = NULL;
	size_t len = 0;
	FILE *fp;
	int ret;

	if (dir[sizeof(dir) - 2] == 'X') {
		FUZZ_ASSERT(mkdtemp(dir), "mkdtemp");
		atexit(cleanup);
	}
	put(data, size);
	ret = pinned__read_table(dir, "funcs", &f);
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
	put(text, len);
	FUZZ_ASSERT(!pinned__read_table(dir, "funcs", &g), "its own table does not read back");
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
