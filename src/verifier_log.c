// SPDX-License-Identifier: GPL-2.0
/* What a person needs from a verifier log: its last lines (verifier_log.h). */
#include <string.h>

#include "verifier_log.h"

void verifier_log__tail(const char *log, char *out, size_t len, int lines)
{
	const char *end = log + strlen(log), *p = end;
	int n = 0;

	if (len)
		out[0] = '\0';
	while (p > log && (p[-1] == '\n' || p[-1] == ' '))
		p--;
	end = p;
	while (p > log && n < lines) {
		p--;
		if (*p == '\n' && p + 1 < end && p[1] != '\n')
			n++;
	}
	if (*p == '\n')
		p++;
	for (size_t o = 0; len && p < end && o + 4 < len; p++) {
		if (*p == '\n') {
			if (p[1] == '\n')
				continue;
			memcpy(out + o, " | ", 3);
			o += 3;
		} else {
			out[o++] = *p;
		}
		out[o] = '\0';
	}
}
