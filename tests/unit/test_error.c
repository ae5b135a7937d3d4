/* Unit tests of the errorType catalogue. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "run_suite.h"

START_TEST(statuses_match_catalogue)
{
	ck_assert_int_eq(error_status(ERR_INVALID_JSON), 400);
	ck_assert_int_eq(error_status(ERR_UNAUTHENTICATED), 401);
	ck_assert_int_eq(error_status(ERR_MISDIRECTED_REQUEST), 421);
	ck_assert_int_eq(error_status(ERR_COMPANY_NOT_FOUND), 404);
	ck_assert_int_eq(error_status(ERR_LOT_ADDRESS_NOT_CONFORM), 400);
	ck_assert_int_eq(error_status(ERR_BLANK_CORRECTION), 400);
	ck_assert_int_eq(error_status(ERR_COMMAND_ALREADY_SENT), 409);
	ck_assert_int_eq(error_status(ERR_SERVICE_UNAVAILABLE), 503);
}
END_TEST

START_TEST(names_keep_source_spelling)
{
	ck_assert_str_eq(error_name(ERR_COMPANY_NOT_FOUND), "ImpossibleToPerfomCommandOnNonExistingCompany");
	ck_assert_str_eq(error_name(ERR_PROVIDER_COMPANY_ALREADY_ASSOCIATED),
	    "ImppossibleToAssociateWithProviderCompanyThatIsAlreadyAssociated");
	ck_assert_str_eq(error_name(ERR_TARGETED_EVENT_NOT_ELIGIBLE), "EventTargetedIsNotElligibleToThisCommand");
}
END_TEST

START_TEST(every_type_has_name_and_status)
{
	for (int i = ERR_NONE + 1; i < ERR__MAX; i++) {
		ck_assert_msg(strlen(error_name((enum error_type)i)) > 0, "type %d has no name", i);
		ck_assert_int_ge(error_status((enum error_type)i), 400);
		ck_assert_int_eq(error_from_name(error_name((enum error_type)i)), i);
	}
}
END_TEST

START_TEST(unknown_type_is_internal)
{
	ck_assert_int_eq(error_status(ERR__MAX), 500);
	ck_assert_str_eq(error_name(ERR_NONE), "InternalError");
	ck_assert_int_eq(error_from_name("NoSuchError"), ERR_NONE);
}
END_TEST

START_TEST(set_formats_both_languages)
{
	struct error err;

	ck_assert(!error_set(&err, ERR_NOT_FOUND, "pas de ticket %s", "no ticket %s", "abc"));
	ck_assert_int_eq(err.type, ERR_NOT_FOUND);
	ck_assert_str_eq(err.message_fr, "pas de ticket abc");
	ck_assert_str_eq(err.message_en, "no ticket abc");
}
END_TEST

START_TEST(prefix_path_per_language)
{
	struct error err;

	error_set(&err, ERR_INVALID_COMMAND, "ne doit pas être vide", "must not be blank");
	error_prefix_path(&err, "ticket.caller.name.value");
	ck_assert_str_eq(err.message_fr, "ticket.caller.name.value : ne doit pas être vide");
	ck_assert_str_eq(err.message_en, "ticket.caller.name.value: must not be blank");
}
END_TEST

START_TEST(long_message_is_cut)
{
	struct error err;
	char big[2000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	error_set(&err, ERR_BAD_REQUEST, "%s", "%s", big);
	ck_assert_uint_eq(strlen(err.message_fr), ERROR_MESSAGE_MAX - 1);
	error_prefix_path(&err, "a.b");
	ck_assert_uint_eq(strlen(err.message_en), ERROR_MESSAGE_MAX - 1);
	ck_assert(strncmp(err.message_en, "a.b: ", 5) == 0);
}
END_TEST

START_TEST(cut_character_is_dropped)
{
	struct error err;
	char big[600];

	/* "%.2s" keeps "a" and the first byte of "é" (C3 A9): that byte must go. */
	error_set(&err, ERR_BAD_REQUEST, "« %.2s »", "\"%.2s\"", "aé");
	ck_assert_str_eq(err.message_fr, "« a »");
	ck_assert_str_eq(err.message_en, "\"a\"");

	/* 300 "é": the cut after byte 511 falls between the two bytes of one. */
	memset(big, 0, sizeof(big));
	for (size_t i = 0; i + 2 < sizeof(big); i += 2)
		memcpy(big + i, "é", 2);
	error_set(&err, ERR_BAD_REQUEST, "%s", "%s", big);
	ck_assert_uint_eq(strlen(err.message_fr), ERROR_MESSAGE_MAX - 2);
	ck_assert_str_eq(err.message_fr + strlen(err.message_fr) - 2, "é");
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("error");
	TCase *tc = tcase_create("catalogue");

	tcase_add_test(tc, statuses_match_catalogue);
	tcase_add_test(tc, names_keep_source_spelling);
	tcase_add_test(tc, every_type_has_name_and_status);
	tcase_add_test(tc, unknown_type_is_internal);
	tcase_add_test(tc, set_formats_both_languages);
	tcase_add_test(tc, prefix_path_per_language);
	tcase_add_test(tc, long_message_is_cut);
	tcase_add_test(tc, cut_character_is_dropped);
	suite_add_tcase(suite, tc);

	return run_suite(suite);
}
