/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The backend table: one row a backend, in auto mode's order of preference.
 * A row is (ID, sym): PWRU_BE_<ID> is its index, <sym>_backend_ops (in
 * backends/<folder>/) its ops. Everything else about a backend, from its
 * name to what it needs from the kernel, is in its ops (backend.h).
 */
#ifndef PWRU_BACKEND_TABLE_H
#define PWRU_BACKEND_TABLE_H

#define PWRU_BACKENDS(X)                   \
	X(FENTRY, fentry)                  \
	X(KPROBE_MULTI, kprobe_multi)      \
	X(KPROBE, kprobe)                  \
	X(TRACEPOINT, tracepoint)

enum pwru_backend {
#define PWRU_BE_ROW(id, sym) PWRU_BE_##id,
	PWRU_BACKENDS(PWRU_BE_ROW)
#undef PWRU_BE_ROW
	PWRU_BE__COUNT,
};

#endif /* PWRU_BACKEND_TABLE_H */
