/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_TRACE_H
#define PWRU_TRACE_H

struct options;

void trace__init_libbpf(void);
/* exit code: 0, or 1 when tracing could not start or failed */
int trace__run(const struct options *o);
int trace__list_funcs(const struct options *o);

#endif /* PWRU_TRACE_H */
