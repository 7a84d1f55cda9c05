// SPDX-License-Identifier: GPL-2.0
/*
 * The drop-reason readers that take text: a tracefs event format (the
 * kfree_skb tracepoint's __print_symbolic pairs, through libtraceevent)
 * and a pinned build's "value NAME" table. Byte 0's low bit picks the
 * reader. What one reads must write back and read again to the same names.
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
 * The format file is the kernel's own (tracefs, written from the
 * tracepoint's TP_STRUCT and TP_printk), so the fuzzer writes formats of
 * that shape with its own symbols, rather than random text: random text
 * finds libtraceevent 1.7.1's bugs (a NULL dereference for a symbol on an
 * undeclared field, another in its argument parser), which no kernel
 * writes. Recipe: a flags byte, then symbols of 1 kind byte, 4 value bytes
 * and a name up to 0xff.
 */
#define MAX_SYMS 512
#define MAX_NAME 64

struct sym {
	uint64_t value;
	char name[MAX_NAME + 17];
	bool numeric;
	uint8_t kind;
};

static const char header[] =
	"name: kfree_skb\nID: 404\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:void * location;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:unsigned short protocol;\toffset:24;\tsize:2;\tsigned:0;\n";

static size_t read_syms(const uint8_t *d, size_t n, struct sym *syms)
{
	static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
	size_t k = 0, i = 0;

	while (i + 5 <= n && k < MAX_SYMS) {
		uint8_t kind = d[i];
		uint32_t v = d[i + 1] | d[i + 2] << 8 | d[i + 3] << 16 | (uint32_t)d[i + 4] << 24;
		struct sym *s = &syms[k++];
		size_t len = 0;

		i += 5;
		/* kind 0x10: a 64-bit value (SKB_DROP_REASON_SUBSYS_MASK and above) */
		s->kind = kind;
		s->value = kind & 0x10 ? (uint64_t)v << 16 | 0xffff : v;
		s->numeric = !(kind & 0x04); /* else an enum name the kernel left unresolved */
		if (kind & 0x08)
			len = snprintf(s->name, sizeof(s->name), "SKB_DROP_REASON_");
		for (; i < n && d[i] != 0xff; i++)
			if (len < sizeof(s->name) - 1)
				s->name[len++] = chars[d[i] % (sizeof(chars) - 1)];
		s->name[len] = 0;
		i++;
	}
	return k;
}

/* What a kernel would write for these symbols; flags from byte 0. */
static char *kernel_format(uint8_t flags, const struct sym *syms, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	FUZZ_ASSERT(fp, "open_memstream");
	fputs(header, fp);
	/* 5.17 added the reason, as an enum; a kernel before has no symbols */
	if (!(flags & 1))
		fprintf(fp, "\tfield:%s reason;\toffset:28;\tsize:4;\tsigned:0;\n",
			flags & 2 ? "enum skb_drop_reason" : "unsigned int");
	fputs("\nprint fmt: \"skbaddr=%p protocol=%u location=%pS reason: %s\", "
	      "REC->skbaddr, REC->protocol, REC->location",
	      fp);
	if (!(flags & 1)) {
		/* the symbols could also be on another field: only reason's count */
		fputs(flags & 4 ? ", __print_symbolic(REC->protocol, { 1, \"ONE\" })" : "", fp);
		fputs(", __print_symbolic(REC->reason", fp);
		for (size_t i = 0; i < n; i++) {
			if (!syms[i].numeric)
				fprintf(fp, ", { SKB_DROP_REASON_%s, \"%s\" }", syms[i].name, syms[i].name);
			else if (syms[i].kind & 0x01)
				fprintf(fp, ", { 0x%llx, \"%s\" }", (unsigned long long)syms[i].value,
					syms[i].name);
			else
				fprintf(fp, ", { %llu, \"%s\" }", (unsigned long long)syms[i].value,
					syms[i].name);
		}
		fputs(")", fp);
	}
	fputs("\n", fp);
	FUZZ_ASSERT(!fclose(fp), "memstream");
	return text;
}

/* Each numeric symbol has its name, prefixed; a repeated small value keeps its first. */
static void check_names(const struct drop_reasons *dr, const struct sym *syms, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = drop_reasons__name(dr, syms[i].value);
		bool first = true, any = false;

		if (!syms[i].numeric || syms[i].value > UINT32_MAX)
			continue;
		FUZZ_ASSERT(got, "value %llu has no name", (unsigned long long)syms[i].value);
		for (size_t j = 0; j < n; j++) {
			const char *want = syms[j].name;
			char full[sizeof(syms[j].name) + 16];

			if (!syms[j].numeric || syms[j].value != syms[i].value)
				continue;
			if (strncmp(want, "SKB_DROP_REASON_", 16)) {
				snprintf(full, sizeof(full), "SKB_DROP_REASON_%s", want);
				want = full;
			}
			if (first && syms[i].value < 0x10000) {
				FUZZ_ASSERT(!strcmp(got, want), "value %llu: %s, not the first %s",
					    (unsigned long long)syms[i].value, got, want);
				any = true;
				break;
			}
			first = false;
			any = any || !strcmp(got, want);
		}
		FUZZ_ASSERT(any, "value %llu: %s is none of its names", (unsigned long long)syms[i].value,
			    got);
	}
}

/* byte 0: the format's flags, then the symbols */
static void fuzz_format(const uint8_t *data, size_t size)
{
	static struct sym syms[MAX_SYMS];
	uint8_t flags = size ? data[0] : 0;
	size_t n = size > 1 ? read_syms(data + 1, size - 1, syms) : 0, i;
	struct drop_reasons *dr;
	char *text, path[64];
	bool numeric = false;
	int fd;

	for (i = 0; i < n; i++)
		numeric = numeric || syms[i].numeric;
	text = kernel_format(flags, syms, n);
	fd = as_file((const uint8_t *)text, strlen(text), path, sizeof(path));
	FUZZ_ASSERT(fd >= 0, "memfd");
	errno = 0;
	dr = drop_reasons__from_tracefs(path);
	FUZZ_ASSERT(dr || errno, "NULL without errno");
	/* a kernel's format with a resolved reason symbol gives a table */
	FUZZ_ASSERT(dr || !numeric || (flags & 1), "no table from: %s", text);
	if (dr) {
		check_names(dr, syms, n);
		drop_reasons__name(dr, 0xffffffff);
		if (one_word_names(dr))
			roundtrip(dr);
	}
	drop_reasons__free(dr);
	close(fd);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drop_reasons *dr;
	char path[64];
	int fd;

	if (!size)
		return 0;
	if (!(data[0] & 1)) {
		fuzz_format(data + 1, size - 1);
		return 0;
	}
	/* a pinned build's table: pwru's own reader, on any bytes */
	fd = as_file(data + 1, size - 1, path, sizeof(path));
	if (fd < 0)
		return 0;
	errno = 0;
	dr = drop_reasons__from_file(path);
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
