/* Unit tests of the retry schedule of webhook deliveries. */
#include <check.h>
#include <stdlib.h>

#include "notify/backoff.h"
#include "run_suite.h"

static const char *const default_schedule = "10000,30000,60000,300000,900000,3600000";

static struct backoff_schedule schedule;
static char message[256];

START_TEST(default_schedule_as_listed)
{
	ck_assert(backoff_parse(default_schedule, &schedule, message, sizeof(message)));
	ck_assert_uint_eq(schedule.count, 6);
	ck_assert_int_eq(backoff_delay_ms(&schedule, 1, 0.5), 10000);
	ck_assert_int_eq(backoff_delay_ms(&schedule, 2, 0.5), 30000);
	ck_assert_int_eq(backoff_delay_ms(&schedule, 3, 0.5), 60000);
	ck_assert_int_eq(backoff_delay_ms(&schedule, 4, 0.5), 300000);
	ck_assert_int_eq(backoff_delay_ms(&schedule, 5, 0.5), 900000);
	ck_assert_int_eq(backoff_delay_ms(&schedule, 6, 0.5), 3600000);
}
END_TEST

START_TEST(last_delay_repeats)
{
	ck_assert(backoff_parse(default_schedule, &schedule, message, sizeof(message)));
	ck_assert_int_eq(backoff_delay_ms(&schedule, 7, 0.5), 3600000);
	ck_assert_int_eq(backoff_delay_ms(&schedule, 1000, 0.5), 3600000);
	ck_assert_int_eq(backoff_delay_ms(&schedule, 0, 0.5), 10000);
}
END_TEST

START_TEST(jitter_stays_within_a_fifth)
{
	ck_assert(backoff_parse("1000", &schedule, message, sizeof(message)));
	ck_assert_int_eq(backoff_delay_ms(&schedule, 1, 0.0), 800);
	ck_assert_int_le(backoff_delay_ms(&schedule, 1, 0.999999), 1200);
	ck_assert_int_ge(backoff_delay_ms(&schedule, 1, 0.999999), 1199);
	for (int i = 0; i < 100; i++) {
		long long delay = backoff_delay_ms(&schedule, 3, i / 100.0);
		ck_assert_int_ge(delay, 800);
		ck_assert_int_le(delay, 1200);
	}
}
END_TEST

START_TEST(bad_schedules_rejected)
{
	static const char *const bad[] = {"", " , ", "ten", "0", "-5", "100,abc", "100ms",
	    "86400001", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		message[0] = '\0';
		ck_assert_msg(!backoff_parse(bad[i], &schedule, message, sizeof(message)), "%s", bad[i]);
		ck_assert(message[0] != '\0');
	}
	ck_assert(backoff_parse("200, 400 ,800", &schedule, message, sizeof(message)));
	ck_assert_uint_eq(schedule.count, 3);
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("backoff");
	TCase *tc = tcase_create("schedule");

	tcase_add_test(tc, default_schedule_as_listed);
	tcase_add_test(tc, last_delay_repeats);
	tcase_add_test(tc, jitter_stays_within_a_fifth);
	tcase_add_test(tc, bad_schedules_rejected);
	suite_add_tcase(suite, tc);

	return run_suite(suite);
}
