/* Unit tests of the per-worker failure counters (the Redis fallback). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "auth/ratelimit.h"
#include "run_suite.h"


static void
setup(void)
{
	ratelimit_memory_clear();
}


START_TEST(blocks_at_the_limit_until_the_window_ends)
{
	int retry = 0;

	for (int i = 0; i < 4; i++) {
		ck_assert(!ratelimit_memory_blocked("k", 5, 1000, &retry));
		ratelimit_memory_fail("k", 60, 1000 + i);
	}
	ck_assert(!ratelimit_memory_blocked("k", 5, 2000, &retry));
	ratelimit_memory_fail("k", 60, 2000);
	ck_assert(ratelimit_memory_blocked("k", 5, 2000, &retry));
	ck_assert_int_eq(retry, 59);
	ck_assert(ratelimit_memory_blocked("k", 5, 60999, &retry));
	ck_assert_int_eq(retry, 1);
	ck_assert(!ratelimit_memory_blocked("k", 5, 61000, &retry));
}
END_TEST

START_TEST(keys_count_apart_and_reset)
{
	int retry = 0;

	ratelimit_memory_fail("a", 60, 0);
	ratelimit_memory_fail("a", 60, 0);
	ratelimit_memory_fail("b", 60, 0);
	ck_assert(ratelimit_memory_blocked("a", 2, 0, &retry));
	ck_assert(!ratelimit_memory_blocked("b", 2, 0, &retry));
	ratelimit_memory_reset("a");
	ck_assert(!ratelimit_memory_blocked("a", 2, 0, &retry));
}
END_TEST

START_TEST(a_full_table_still_counts)
{
	char key[32];
	int retry = 0;

	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "spray-%d", i);
		ratelimit_memory_fail(key, 60, i);
	}
	ratelimit_memory_fail("target", 60, 6000);
	ratelimit_memory_fail("target", 60, 6000);
	ck_assert(ratelimit_memory_blocked("target", 2, 6001, &retry));
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("ratelimit");
	TCase *tc = tcase_create("memory");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, blocks_at_the_limit_until_the_window_ends);
	tcase_add_test(tc, keys_count_apart_and_reset);
	tcase_add_test(tc, a_full_table_still_counts);
	suite_add_tcase(suite, tc);

	return run_suite(suite);
}
