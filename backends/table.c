// SPDX-License-Identifier: GPL-2.0
/* The backend table of table.h, as ops. */
#include <stddef.h>

#include "backend.h"

#define PWRU_BE_OPS(id, sym) extern const struct backend_ops sym##_backend_ops;
PWRU_BACKENDS(PWRU_BE_OPS)
#undef PWRU_BE_OPS

static const struct backend_ops *const table[PWRU_BE__COUNT] = {
#define PWRU_BE_OPS(id, sym) [PWRU_BE_##id] = &sym##_backend_ops,
	PWRU_BACKENDS(PWRU_BE_OPS)
#undef PWRU_BE_OPS
};

const struct backend_ops *backend_ops_get(enum pwru_backend be)
{
	return (unsigned int)be < PWRU_BE__COUNT ? table[be] : NULL;
}
