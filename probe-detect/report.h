/* SPDX-License-Identifier: GPL-2.0 */
/* `pwru check`'s report of the facts and decisions (check.c). */
#ifndef PWRU_REPORT_H
#define PWRU_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "probe.h"

/*
 * `pwru check`: human report or one JSON document. Returns 0 when at least
 * one backend is usable and 1 when none is (use it as the exit code), or a
 * negative errno (-EINVAL, -EIO) when the report could not be written.
 */
int check__report(const struct features *f, FILE *out, bool json);

#endif /* PWRU_REPORT_H */
