/* Unit tests of fulltext terms turned into LIKE patterns on folded text. */
#include <check.h>
#include <stdlib.h>

#include "readmodel/search.h"
#include "run_suite.h"


static char **
patterns_of(char **terms)
{
	struct error err;
	char **patterns = search_like_patterns(terms, &err);

	ck_assert_ptr_nonnull(patterns);
	return patterns;
}


START_TEST(terms_are_folded)
{
	char *terms[] = {"Foncière", "FONCIERE", "Saint-Étienne", NULL};
	char **patterns = patterns_of(terms);

	ck_assert_str_eq(patterns[0], "%fonciere%");
	ck_assert_str_eq(patterns[1], "%fonciere%");
	ck_assert_str_eq(patterns[2], "%saint etienne%");
	ck_assert_ptr_null(patterns[3]);
	free(patterns);
}
END_TEST

START_TEST(terms_are_trimmed_and_blank_dropped)
{
	char *terms[] = {"  rhône\t", " \r\n", "", "lyon", NULL};
	char **patterns = patterns_of(terms);

	ck_assert_str_eq(patterns[0], "%rhone%");
	ck_assert_str_eq(patterns[1], "%lyon%");
	ck_assert_ptr_null(patterns[2]);
	free(patterns);
}
END_TEST

START_TEST(like_characters_are_escaped)
{
	char *terms[] = {"100%", "a_b", "c\\d", NULL};
	char **patterns = patterns_of(terms);

	ck_assert_str_eq(patterns[0], "%100\\%%");
	ck_assert_str_eq(patterns[1], "%a\\_b%");
	ck_assert_str_eq(patterns[2], "%c\\\\d%");
	free(patterns);
}
END_TEST

START_TEST(no_terms_gives_empty_list)
{
	char **patterns = patterns_of(NULL);

	ck_assert_ptr_null(patterns[0]);
	free(patterns);
}
END_TEST

START_TEST(invalid_utf8_is_bad_request)
{
	char *terms[] = {"ok", "\xC0\xA9", NULL};
	struct error err;

	ck_assert_ptr_null(search_like_patterns(terms, &err));
	ck_assert_int_eq(err.type, ERR_BAD_REQUEST);
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("search");
	TCase *tc = tcase_create("patterns");

	tcase_add_test(tc, terms_are_folded);
	tcase_add_test(tc, terms_are_trimmed_and_blank_dropped);
	tcase_add_test(tc, like_characters_are_escaped);
	tcase_add_test(tc, no_terms_gives_empty_list);
	tcase_add_test(tc, invalid_utf8_is_bad_request);
	suite_add_tcase(suite, tc);

	return run_suite(suite);
}
