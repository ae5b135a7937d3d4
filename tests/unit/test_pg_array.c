/* Unit tests of the PostgreSQL array literals. */
#include <check.h>
#include <stdint.h>

#include "db/pg_array.h"
#include "run_suite.h"


/* Returns the literal of the first COUNT ITEMS, which the caller frees with strbuf_free. */
static struct strbuf
literal_of(const char *const *items, size_t count)
{
	struct strbuf out;

	strbuf_init(&out);
	pg_array_literal(&out, items, count);
	return out;
}


START_TEST(items_quoted)
{
	struct strbuf out = literal_of((const char *const[]){"AgencyCreated", "ticket"}, 2);

	ck_assert_str_eq(out.data, "{\"AgencyCreated\",\"ticket\"}");
	strbuf_free(&out);
}
END_TEST


START_TEST(quote_and_backslash_escaped)
{
	struct strbuf out = literal_of((const char *const[]){"a\"b", "c\\d", "e,f}"}, 3);

	ck_assert_str_eq(out.data, "{\"a\\\"b\",\"c\\\\d\",\"e,f}\"}");
	strbuf_free(&out);
}
END_TEST


START_TEST(null_item_ends_list)
{
	struct strbuf out = literal_of((const char *const[]){"one", "two", NULL}, SIZE_MAX);

	ck_assert_str_eq(out.data, "{\"one\",\"two\"}");
	strbuf_free(&out);
}
END_TEST


START_TEST(count_ends_list)
{
	struct strbuf out = literal_of((const char *const[]){"one", "two", "three"}, 2);

	ck_assert_str_eq(out.data, "{\"one\",\"two\"}");
	strbuf_free(&out);
}
END_TEST


START_TEST(empty_list)
{
	struct strbuf out = literal_of((const char *const[]){NULL}, SIZE_MAX);

	ck_assert_str_eq(out.data, "{}");
	strbuf_free(&out);
}
END_TEST


START_TEST(empty_item_kept)
{
	struct strbuf out = literal_of((const char *const[]){""}, 1);

	ck_assert_str_eq(out.data, "{\"\"}");
	strbuf_free(&out);
}
END_TEST


static Suite *
pg_array_suite(void)
{
	Suite *suite = suite_create("pg_array");
	TCase *literal = tcase_create("literal");

	tcase_add_test(literal, items_quoted);
	tcase_add_test(literal, quote_and_backslash_escaped);
	tcase_add_test(literal, null_item_ends_list);
	tcase_add_test(literal, count_ends_list);
	tcase_add_test(literal, empty_list);
	tcase_add_test(literal, empty_item_kept);
	suite_add_tcase(suite, literal);
	return suite;
}


int
main(void)
{
	return run_suite(pg_array_suite());
}
