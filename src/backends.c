// SPDX-License-Identifier: GPL-2.0
/*
 * The backend table. Weak references let a build leave a backend out (its
 * ops are then NULL) without touching this file when one lands.
 */
#include <stddef.h>

#include "backend.h"

extern const struct backend_ops fentry_backend_ops __attribute__((weak));
extern const struct backend_ops kprobe_multi_backend_ops __attribute__((weak));
extern const struct backend_ops kprobe_backend_ops __attribute__((weak));
extern const struct backend_ops tracepoint_backend_ops __attribute__((weak));

const struct backend_ops *backend_ops_get(enum pwru_backend be)
{
	switch (be) {
	case PWRU_BE_FENTRY:
		return &fentry_backend_ops;
	case PWRU_BE_KPROBE_MULTI:
		return &kprobe_multi_backend_ops;
	case PWRU_BE_KPROBE:
		return &kprobe_backend_ops;
	case PWRU_BE_TRACEPOINT:
		return &tracepoint_backend_ops;
	default:
		return NULL;
	}
}
