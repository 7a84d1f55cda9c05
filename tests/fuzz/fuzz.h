/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the fuzz targets and the replay driver. */
#ifndef PWRU_FUZZ_H
#define PWRU_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise of the code under test: report it the way a crash is. */
#define FUZZ_ASSERT(cond, ...)                                                  \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__,  \
				__LINE__, #cond);                               \
			fprintf(stderr, __VA_ARGS__);                           \
			fputc('\n', stderr);                                    \
			abort();                                                \
		}                                                               \
	} while (0)

#endif
