// SPDX-License-Identifier: GPL-2.0
/*
 * options__parse() on any argv: NUL-separated words. It must return 0 or
 * -EINVAL with a one-line message, and what it accepts must be in range.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "options.h"

#define MAX_ARGS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[MAX_ARGS + 2], err[512];
	struct options o;
	int argc = 1, ret;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	argv[0] = "pwru";
	for (char *p = buf; p <= buf + size && argc <= MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	err[0] = 0;
	ret = options__parse(&o, argc, argv, err, sizeof(err));
	FUZZ_ASSERT(ret == 0 || ret == -EINVAL, "returned %d", ret);
	if (ret) {
		FUZZ_ASSERT(err[0], "refused without a message");
		/* one line, unless it quotes an argument that has a newline */
		FUZZ_ASSERT(!strchr(err, '\n') || memchr(data, '\n', size),
			    "message of more than one line: %s", err);
	} else {
		__u32 p = o.ringbuf_pages;

		FUZZ_ASSERT(p && !(p & (p - 1)) && p <= 1u << 20, "ringbuf pages %u", p);
		FUZZ_ASSERT(!o.mark_mask || !(o.mark & ~o.mark_mask), "mark outside its mask");
		FUZZ_ASSERT(o.cmd <= CMD_LIST_FUNCS && o.timestamp <= TS_ABSOLUTE, "bad enum");
	}
	options__free(&o);
	free(buf);
	/* nothing of this parse may leak into the next one */
	char *plain[] = {"pwru", "--output-tuple", NULL};

	FUZZ_ASSERT(!options__parse(&o, 2, plain, err, sizeof(err)), "then: %s", err);
	FUZZ_ASSERT(o.cmd == CMD_TRACE && o.output_tuple && !o.output_json,
		    "the next parse saw this one's options");
	options__free(&o);
	return 0;
}
