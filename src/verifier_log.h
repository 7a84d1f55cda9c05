/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_VERIFIER_LOG_H
#define PWRU_VERIFIER_LOG_H

#include <stddef.h>

/*
 * The last `lines` non-empty lines of a verifier log, joined with " | ", into
 * out (always terminated when len > 0; "" for an empty log).
 */
void verifier_log__tail(const char *log, char *out, size_t len, int lines);

/*
 * The line that says why a load failed: the last one before the verifier's
 * statistics ("processed N insns ...", which end every log). Trims log.
 */
void verifier_log__reason(char *log, char *out, size_t len);

#endif /* PWRU_VERIFIER_LOG_H */
