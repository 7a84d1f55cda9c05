// SPDX-License-Identifier: GPL-2.0
/* The error reporter of perr.h. */
#include <stdarg.h>
#include <string.h>

#include "json_writer.h"
#include "perr.h"

/* held under JSON: a few kernel-worded lines fit, a longer tail is cut */
static char held[4096];
static size_t held_len;
static bool as_json;
static FILE *stream; /* NULL: stderr */
static char reason[1024]; /* perr__exit_reason() */

void perr__set_stream(FILE *out)
{
	stream = out;
}

void perr__set_json(bool on)
{
	as_json = on;
}

void perr(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (!as_json) {
		fputs("pwru: ", stream ?: stderr);
		vfprintf(stream ?: stderr, fmt, ap);
		fputc('\n', stream ?: stderr);
	} else if (held_len < sizeof(held) - 1) {
		if (held_len)
			held_len += snprintf(held + held_len, sizeof(held) - held_len, "; ");
		if (held_len < sizeof(held) - 1) {
			n = vsnprintf(held + held_len, sizeof(held) - held_len, fmt, ap);
			held_len += n > 0 ? (size_t)n : 0;
		}
		if (held_len > sizeof(held) - 1)
			held_len = sizeof(held) - 1;
	}
	va_end(ap);
}

void perr__exit_reason(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
}

void perr__write_json(FILE *out, const char *message, int rc)
{
	struct json_writer w;

	jsonw_init(&w, out);
	jsonw_start_object(&w);
	jsonw_string_field(&w, "error", message);
	jsonw_name(&w, "exit");
	jsonw_int(&w, rc);
	jsonw_end_object(&w);
	fflush(out);
}

int perr__exit(int rc)
{
	if (as_json && (rc || held_len))
		perr__write_json(stream ?: stderr,
				 held_len ? held : reason[0] ? reason : "failed", rc);
	held_len = 0;
	reason[0] = '\0';
	return rc;
}

int perr__msg(char *buf, size_t len, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return ret;
}
