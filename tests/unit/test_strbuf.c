/* Unit tests of the growable string buffer. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"

START_TEST(append_joins_bytes)
{
	struct strbuf buf;

	strbuf_init(&buf);
	strbuf_append(&buf, "ab", 2);
	strbuf_puts(&buf, "cd");
	ck_assert_uint_eq(buf.len, 4);
	ck_assert_str_eq(buf.data, "abcd");
	strbuf_free(&buf);
}
END_TEST

/*
 * An empty buffer's data is NULL, and appending it elsewhere passes NULL
 * with length 0: that must not reach memcpy, whose arguments must never be
 * NULL (UndefinedBehaviorSanitizer aborts on it).
 */
START_TEST(append_of_empty_buffer)
{
	struct strbuf empty, buf;

	strbuf_init(&empty);
	strbuf_init(&buf);
	strbuf_append(&buf, empty.data, empty.len);
	strbuf_append(&buf, NULL, 0);
	ck_assert_uint_eq(buf.len, 0);
	ck_assert(!buf.failed);
	strbuf_free(&buf);
	strbuf_free(&empty);
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("strbuf");
	TCase *tc = tcase_create("append");
	SRunner *runner;
	int failed;

	tcase_add_test(tc, append_joins_bytes);
	tcase_add_test(tc, append_of_empty_buffer);
	suite_add_tcase(suite, tc);

	runner = srunner_create(suite);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
