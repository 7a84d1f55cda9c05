/* SPDX-License-Identifier: GPL-2.0 */
/* The main() of a Check unit-test binary: run one suite, exit 1 if any test failed. */
#ifndef PWRU_UNIT_MAIN_H
#define PWRU_UNIT_MAIN_H

#include <check.h>
#include <stdlib.h>

/* Run suite s: EXIT_FAILURE if any of its tests failed. */
static inline int unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#define UNIT_MAIN(suite)                                                                           \
	int main(void)                                                                             \
	{                                                                                          \
		return unit_run(suite());                                                          \
	}

#endif /* PWRU_UNIT_MAIN_H */
