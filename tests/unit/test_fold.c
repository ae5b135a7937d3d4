/* Unit tests of fold_text(), including the cases shared with the SQL fold(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <unistr.h>

#include "common/fold.h"
#include "run_suite.h"

/* Passes a string literal with its exact length, embedded NUL bytes included. */
#define TEXT(literal) literal, sizeof(literal) - 1


static void
assert_folds(const char *input, const char *expected)
{
	char *folded = fold_text(input, strlen(input));

	ck_assert_msg(folded != NULL, "fold(%s) failed", input);
	ck_assert_str_eq(folded, expected);
	free(folded);
}


/* Decodes the \t, \n, \r, \\ and \uXXXX escapes of a case file column in place. */
static void
unescape(char *s)
{
	char *out = s;

	while (*s != '\0') {
		unsigned code;

		if (*s != '\\') {
			*out++ = *s++;
			continue;
		}
		switch (s[1]) {
		case 't': *out++ = '\t'; s += 2; break;
		case 'n': *out++ = '\n'; s += 2; break;
		case 'r': *out++ = '\r'; s += 2; break;
		case '\\': *out++ = '\\'; s += 2; break;
		case 'u':
			ck_assert_msg(sscanf(s + 2, "%4x", &code) == 1,
			    "bad \\u escape in case file: %s", s);
			out += u8_uctomb((uint8_t *)out, code, 4);
			s += 6;
			break;
		default:
			ck_abort_msg("unknown escape in case file: %s", s);
		}
	}
	*out = '\0';
}


static FILE *
open_cases(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	FILE *file;

	snprintf(path, sizeof(path), "%s/tests/data/fold_cases.tsv",
	    top != NULL ? top : ".");
	file = fopen(path, "r");
	ck_assert_msg(file != NULL, "cannot open %s", path);
	return file;
}


START_TEST(fold_shared_cases)
{
	FILE *file = open_cases();
	char line[4096];
	int cases = 0;

	while (fgets(line, sizeof(line), file) != NULL) {
		char *tab = strchr(line, '\t');

		if (line[0] == '#' || line[0] == '\n')
			continue;
		ck_assert_msg(tab != NULL, "line without a tab: %s", line);
		*tab = '\0';
		tab[1 + strcspn(tab + 1, "\n")] = '\0';
		unescape(line);
		unescape(tab + 1);
		assert_folds(line, tab + 1);
		cases++;
	}
	fclose(file);
	ck_assert_int_ge(cases, 30);
}
END_TEST

START_TEST(fold_removes_accents)
{
	assert_folds("Crème brûlée à l'éléphant", "creme brulee a l elephant");
}
END_TEST

START_TEST(fold_uppercase_accents)
{
	assert_folds("ÉLÈVE À ÇA", "eleve a ca");
}
END_TEST

START_TEST(fold_expands_ligatures)
{
	assert_folds("Œil cœur Ætna æ", "oeil coeur aetna ae");
}
END_TEST

START_TEST(fold_hyphens_and_apostrophes)
{
	assert_folds("Aix-en-Provence l'été l’hiver", "aix en provence l ete l hiver");
}
END_TEST

START_TEST(fold_collapses_whitespace)
{
	assert_folds("a  \t\r\n b\u00a0\u00a0c", "a b c");
}
END_TEST

START_TEST(fold_keeps_separator_spaces)
{
	assert_folds("a - b", "a   b");
}
END_TEST

START_TEST(fold_composes_nfd)
{
	assert_folds("e\xCC\x81te\xCC\x81", "ete");
}
END_TEST

START_TEST(fold_keeps_non_latin)
{
	assert_folds("Москва ΑΘΗΝΑ 東京 ß Ø", "Москва ΑΘΗΝΑ 東京 ß Ø");
}
END_TEST

START_TEST(fold_empty_string)
{
	assert_folds("", "");
}
END_TEST

START_TEST(fold_rejects_invalid_utf8)
{
	ck_assert_ptr_null(fold_text(TEXT("Ren\xE9" "e")));
	ck_assert_ptr_null(fold_text(TEXT("\xED\xA0\x80")));
	ck_assert_ptr_null(fold_text(TEXT("\xC3")));
}
END_TEST

START_TEST(fold_rejects_nul)
{
	ck_assert_ptr_null(fold_text(TEXT("pay\0e")));
}
END_TEST


static Suite *
fold_suite(void)
{
	Suite *suite = suite_create("fold");
	TCase *cases = tcase_create("cases");

	tcase_add_test(cases, fold_shared_cases);
	tcase_add_test(cases, fold_removes_accents);
	tcase_add_test(cases, fold_uppercase_accents);
	tcase_add_test(cases, fold_expands_ligatures);
	tcase_add_test(cases, fold_hyphens_and_apostrophes);
	tcase_add_test(cases, fold_collapses_whitespace);
	tcase_add_test(cases, fold_keeps_separator_spaces);
	tcase_add_test(cases, fold_composes_nfd);
	tcase_add_test(cases, fold_keeps_non_latin);
	tcase_add_test(cases, fold_empty_string);
	tcase_add_test(cases, fold_rejects_invalid_utf8);
	tcase_add_test(cases, fold_rejects_nul);
	suite_add_tcase(suite, cases);
	return suite;
}


int
main(void)
{
	return run_suite(fold_suite());
}
