/* Unit tests of the cached form of a credentials row (the actor cache's values). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "auth/credentials.h"
#include "run_suite.h"

#define USER "4c9e2a7b-6d1f-4b3a-9e8c-2f5d7a0b1c69"
#define COMPANY "0e9b5f7c-3a21-4d8e-b6f4-91c2d7a3e5b0"


static struct credentials
manager(void)
{
	struct credentials row;

	memset(&row, 0, sizeof(row));
	strcpy(row.user_uid, USER);
	strcpy(row.user_type, "clientAccountManager");
	strcpy(row.company_uid, COMPANY);
	row.disabled = false;
	row.session_generation = 7;
	return row;
}


static bool
decode(const char *text, struct credentials *row)
{
	return credentials_decode(text, strlen(text), row);
}


START_TEST(encoding_puts_user_uid_first)
{
	struct credentials row = manager();
	char text[CREDENTIALS_TEXT_MAX];

	ck_assert(credentials_encode(&row, text));
	ck_assert_str_eq(text, USER "|clientAccountManager|" COMPANY "|f|7");
}
END_TEST

START_TEST(row_round_trips)
{
	struct credentials row = manager(), back;
	char text[CREDENTIALS_TEXT_MAX];

	row.disabled = true;
	row.session_generation = 2147483647;
	ck_assert(credentials_encode(&row, text));
	ck_assert(decode(text, &back));
	ck_assert_str_eq(back.user_uid, USER);
	ck_assert_str_eq(back.user_type, "clientAccountManager");
	ck_assert_str_eq(back.company_uid, COMPANY);
	ck_assert(back.disabled);
	ck_assert_int_eq(back.session_generation, 2147483647);
}
END_TEST

START_TEST(superuser_has_empty_company)
{
	struct credentials back;

	ck_assert(decode(USER "|superUser||f|1", &back));
	ck_assert_str_eq(back.company_uid, "");
	ck_assert_str_eq(back.user_type, "superUser");
	ck_assert(!back.disabled);
}
END_TEST

START_TEST(bar_in_a_field_is_not_encoded)
{
	struct credentials row = manager();
	char text[CREDENTIALS_TEXT_MAX];

	strcpy(row.user_type, "super|User");
	ck_assert(!credentials_encode(&row, text));
}
END_TEST

START_TEST(malformed_values_rejected)
{
	static const char *const bad[] = {
		"",
		USER,
		USER "|superUser||f",
		USER "|superUser||f|",
		USER "|superUser||x|1",
		USER "|superUser||tf|1",
		USER "|superUser||f|1|",
		USER "|superUser||f|-1",
		USER "|superUser||f|+1",
		USER "|superUser||f|1a",
		USER "|superUser||f|2147483648",
		USER "|superUser||f|12345678901",
		"|superUser||f|1",
		USER "||" COMPANY "|f|1",
		USER "0|superUser||f|1",
	};
	struct credentials back;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!decode(bad[i], &back), "accepted \"%s\"", bad[i]);
}
END_TEST

START_TEST(nul_byte_rejected)
{
	static const char text[] = USER "|superUser||f|1";
	char copy[sizeof(text)];
	struct credentials back;

	memcpy(copy, text, sizeof(text));
	copy[40] = '\0';
	ck_assert(!credentials_decode(copy, sizeof(text) - 1, &back));
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("credentials");
	TCase *tc = tcase_create("cached form");

	tcase_add_test(tc, encoding_puts_user_uid_first);
	tcase_add_test(tc, row_round_trips);
	tcase_add_test(tc, superuser_has_empty_company);
	tcase_add_test(tc, bar_in_a_field_is_not_encoded);
	tcase_add_test(tc, malformed_values_rejected);
	tcase_add_test(tc, nul_byte_rejected);
	suite_add_tcase(suite, tc);
	return run_suite(suite);
}
