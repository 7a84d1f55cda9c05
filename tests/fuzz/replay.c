// SPDX-License-Identifier: GPL-2.0
/*
 * Without libFuzzer: feed each file given (or each file of each directory
 * given) to the target's LLVMFuzzerTestOneInput once, as the unit run does
 * with the corpus and the regression inputs. A broken check aborts.
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int one(const char *path, size_t *count)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, r;

	if (!fp) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		r = fread(buf + len, 1, cap - len, fp);
		len += r;
	} while (r);
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	(*count)++;
	return 0;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int err = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		struct dirent **ents;
		int n;

		if (stat(argv[i], &st)) {
			continue; /* an optional directory (no regressions yet) */
		}
		if (!S_ISDIR(st.st_mode)) {
			err |= one(argv[i], &count);
			continue;
		}
		n = scandir(argv[i], &ents, NULL, alphasort);
		for (int k = 0; k < n; k++) {
			char p[4096];

			if (ents[k]->d_name[0] != '.') {
				snprintf(p, sizeof(p), "%s/%s", argv[i], ents[k]->d_name);
				err |= one(p, &count);
			}
			free(ents[k]);
		}
		free(ents);
	}
	printf("%s: %zu inputs replayed\n", argv[0], count);
	return err ? 1 : 0;
}
