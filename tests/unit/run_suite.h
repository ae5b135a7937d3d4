/*
 * The main() of every unit test program: run a Check suite and turn its
 * failures into the exit status automake reads.  Header-only.
 */
#ifndef PERFIMMO_RUN_SUITE_H
#define PERFIMMO_RUN_SUITE_H

#include <stdlib.h>

#include <check.h>

/* Runs every test of SUITE; returns EXIT_SUCCESS when none failed. */
static inline int
run_suite(Suite *suite)
{
	SRunner *runner = srunner_create(suite);
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
