/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one reporter of user-facing errors, after bpftool's p_err(). As text,
 * each error is a line "pwru: MESSAGE" on stderr, at once. Under
 * --output-json the errors of a run are held and, when pwru exits, written
 * through the JSON writer as one object on one line of stderr:
 *
 *	{"error":"MESSAGE","exit":N}
 *
 * MESSAGE is the text line without its "pwru: " prefix; two or more errors
 * are joined with "; " in the order they came (cut at 4 KiB). N is pwru's
 * exit code (2 bad input, 1 cannot trace). An exit other than 0 with no
 * error reported says perr__exit_reason()'s words, else "failed"; errors a run recovered from (auto mode
 * falling back to the next backend) come with "exit":0. Notices and
 * warnings stay text lines.
 */
#ifndef PWRU_PERR_H
#define PWRU_PERR_H

#include <stdbool.h>
#include <stdio.h>

/* Errors as JSON from now on (on) or as text lines (off, the default). */
void perr__set_json(bool on);
/* Where errors go: NULL for stderr (the unit tests pass a memstream). */
void perr__set_stream(FILE *out);
void perr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Under JSON, the words for an exit other than 0 when no error is reported
 * (the text output says it elsewhere: pwru check's report). Text: unused.
 */
void perr__exit_reason(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * The end of a run that exits rc: under JSON, the object for what was held
 * (if rc is 0 and nothing was held, nothing). Returns rc.
 */
int perr__exit(int rc);
/* The object for message and exit code rc, as perr__exit() writes it. */
void perr__write_json(FILE *out, const char *message, int rc);

/*
 * A one-line message into buf, for a parser whose caller reports it (with
 * perr() or in a test); returns ret, a negative errno.
 */
int perr__msg(char *buf, size_t len, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif /* PWRU_PERR_H */
