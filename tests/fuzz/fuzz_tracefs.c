// SPDX-License-Identifier: GPL-2.0
/*
 * The drop-reason readers that take text: a tracefs event format (the
 * kfree_skb tracepoint's __print_symbolic pairs, through libtraceevent)
 * and a pinned build's "value NAME" table. Byte 0 picks the reader. What
 * one reads must write back and read again to the same names.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "drop_reason.h"
#include "fuzz.h"

/* A path that reads as these bytes. */
static int as_file(const uint8_t *data, size_t size, char *path, size_t len)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -EIO;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

static void roundtrip(const struct drop_reasons *dr)
{
	char *text = NULL, path[64];
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	struct drop_reasons *again;
	int fd;

	FUZZ_ASSERT(fp, "open_memstream");
	FUZZ_ASSERT(!drop_reasons__write(dr, fp), "write failed");
	fclose(fp);
	fd = as_file((const uint8_t *)text, len, path, sizeof(path));
	FUZZ_ASSERT(fd >= 0, "memfd");
	again = drop_reasons__from_file(path);
	FUZZ_ASSERT(again, "its own table does not read back: %s", text);
	/* every value written has the same name after the round trip */
	for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		unsigned long long v = strtoull(l, NULL, 0);

		if (v > UINT32_MAX)
			continue; /* kept, but a reason is a __u32: not looked up by it */

		FUZZ_ASSERT(drop_reasons__name(again, v) && drop_reasons__name(dr, v) &&
				    !strcmp(drop_reasons__name(again, v), drop_reasons__name(dr, v)),
			    "value %llu changed name", v);
	}
	drop_reasons__free(again);
	close(fd);
	free(text);
}

/*
 * The table is "value NAME" lines: a name with a space (a format can have
 * one, a kernel's has none) cannot survive it.
 */
static bool one_word_names(const struct drop_reasons *dr)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	bool ok = true;

	FUZZ_ASSERT(fp && !drop_reasons__write(dr, fp), "write failed");
	fclose(fp);
	for (char *l = text; ok && *l; l = strchr(l, '\n') + 1) {
		char *nl = strchr(l, '\n'), *end;
		unsigned long long v = strtoull(l, &end, 10);
		const char *name = v <= UINT32_MAX ? drop_reasons__name(dr, v) : NULL;

		/* "value NAME": the line holds exactly the name the table has for the value */
		ok = *end == ' ' && end + 1 < nl;
		if (ok && name)
			ok = strlen(name) == (size_t)(nl - end - 1) && !strncmp(name, end + 1, nl - end - 1);
		for (char *c = end + 1; ok && c < nl; c++)
			ok = !isspace((unsigned char)*c);
	}
	free(text);
	return ok;
}

/*
 * libtraceevent 1.7.1 dereferences NULL when __print_symbolic() or
 * __print_flags() names a field the format does not declare
 * (tests/fuzz/regressions/tracefs/libtraceevent-undeclared-field). A
 * kernel writes both from one TP_STRUCT, so such a format only comes
 * from a fuzzer: skip it rather than find that bug again every run.
 */
static bool undeclared_print_field(const char *text)
{
	static const char *const fns[] = {"__print_symbolic(", "__print_flags("};

	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		for (const char *p = strstr(text, fns[i]); p; p = strstr(p + 1, fns[i])) {
			const char *a = p + strlen(fns[i]), *e, *d;
			size_t len;
			bool found = false;

			while (isspace((unsigned char)*a))
				a++;
			if (strncmp(a, "REC->", 5)) /* not a plain field: be safe */
				return true;
			a += 5;
			for (e = a; isalnum((unsigned char)*e) || *e == '_'; e++)
				;
			len = e - a;
			/* declared as "field:TYPE NAME;" or "NAME[N];" */
			for (d = strstr(text, "field:"); d && !found; d = strstr(d + 1, "field:")) {
				const char *semi = strchr(d, ';');

				for (const char *q = d; semi && q + len <= semi && !found; q++)
					found = !strncmp(q, a, len) && (q[len] == ';' || q[len] == '[') &&
						(q[-1] == ' ' || q[-1] == '*' || q[-1] == '\t');
			}
			if (!len || !found)
				return true;
		}
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drop_reasons *dr;
	char path[64];
	int fd;

	if (!size)
		return 0;
	if (!(data[0] & 1)) {
		char *text = strndup((const char *)data + 1, size - 1);
		bool skip = !text || undeclared_print_field(text);

		free(text);
		if (skip)
			return 0;
	}
	fd = as_file(data + 1, size - 1, path, sizeof(path));
	if (fd < 0)
		return 0;
	errno = 0;
	dr = data[0] & 1 ? drop_reasons__from_file(path) : drop_reasons__from_tracefs(path);
	FUZZ_ASSERT(dr || errno, "NULL without errno");
	if (dr) {
		drop_reasons__name(dr, 0);
		drop_reasons__name(dr, 0xffffffff);
		if (one_word_names(dr))
			roundtrip(dr);
	}
	drop_reasons__free(dr);
	close(fd);
	return 0;
}
