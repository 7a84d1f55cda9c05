// SPDX-License-Identifier: GPL-2.0
/* What a person needs from a verifier log: its last lines (verifier_log.h). */
#include <stdbool.h>
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

/* The verifier closes every log with its statistics: they are never the reason. */
static bool is_stats(const char *line)
{
	return !strncmp(line, "processed ", 10) || !strncmp(line, "verification time", 17) ||
	       !strncmp(line, "stack depth", 11);
}

void verifier_log__reason(char *log, char *out, size_t len)
{
	size_t n = strlen(log);
	char *line;

	for (;;) {
		while (n && (log[n - 1] == '\n' || log[n - 1] == ' '))
			log[--n] = '\0';
		line = strrchr(log, '\n');
		line = line ? line + 1 : log;
		if (!*line || !is_stats(line))
			break;
		*line = '\0';
		n = line - log;
	}
	verifier_log__tail(log, out, len, 1);
}
