/* Unit tests of the shared scalar type parsers. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/types.h"
#include "run_suite.h"

/* Passes a string literal with its exact length, embedded NUL bytes included. */
#define TEXT(literal) literal, sizeof(literal) - 1

#define MS_PER_DAY INT64_C(86400000)


/* Parses a DateTime literal that must be valid and returns its UTC form. */
static const char *
datetime_utc(const char *s)
{
	static char out[TYPES_DATETIME_SIZE];
	struct error err;
	int64_t ms;

	ck_assert_msg(types_parse_datetime(s, strlen(s), &ms, &err),
	    "%s rejected: %s", s, err.message_en);
	types_format_datetime(ms, out);
	return out;
}


static void
assert_datetime_rejected(const char *s)
{
	struct error err;
	int64_t ms;

	error_clear(&err);
	ck_assert_msg(!types_parse_datetime(s, strlen(s), &ms, &err),
	    "%s accepted", s);
	ck_assert_int_eq(err.type, ERR_INVALID_COMMAND);
}


static bool
date_valid(const char *s)
{
	struct types_date date;
	struct error err;

	return types_parse_local_date(s, strlen(s), &date, &err);
}


static bool
siret_valid(const char *s)
{
	struct error err;

	return types_check_siret(s, strlen(s), &err);
}


static bool
phone_valid(const char *s)
{
	struct error err;

	return types_check_phone(s, strlen(s), &err);
}


static bool
email_valid(const char *s, size_t len)
{
	struct error err;
	char *out = types_parse_email(s, len, &err);

	free(out);
	return out != NULL;
}


static bool
non_empty(const char *s, size_t len)
{
	struct error err;

	return types_check_non_empty(s, len, &err);
}


START_TEST(uuid_lowercased)
{
	char out[TYPES_UUID_SIZE];
	struct error err;

	ck_assert(types_parse_uuid(TEXT("0E9B5F7C-3A21-4D8E-B6F4-91C2D7A3E5B0"), out, &err));
	ck_assert_str_eq(out, "0e9b5f7c-3a21-4d8e-b6f4-91c2d7a3e5b0");
}
END_TEST

START_TEST(uuid_version_not_checked)
{
	char out[TYPES_UUID_SIZE];
	struct error err;

	ck_assert(types_parse_uuid(TEXT("00000000-0000-0000-0000-000000000000"), out, &err));
}
END_TEST

START_TEST(uuid_rejects_malformed)
{
	static const char *const cases[] = {
		"{0e9b5f7c-3a21-4d8e-b6f4-91c2d7a3e5b0}",
		"urn:uuid:0e9b5f7c-3a21-4d8e-b6f4-91c2d7a3e5b0",
		"0e9b5f7c3a214d8eb6f491c2d7a3e5b0",
		"0e9b5f7c-3a21-4d8e-b6f4-91c2d7a3e5b",
		"0e9b5f7c-3a21-4d8e-b6f4-91c2d7a3e5b00",
		"0e9b5f7c-3a21-4d8e-b6f4_91c2d7a3e5b0",
		"0e9b5f7c-3a21-4d8e-b6f4-91c2d7a3e5bg",
		" e9b5f7c-3a21-4d8e-b6f4-91c2d7a3e5b0",
		"",
	};
	char out[TYPES_UUID_SIZE];
	struct error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(!types_parse_uuid(cases[i], strlen(cases[i]), out, &err),
		    "%s accepted", cases[i]);
	ck_assert_int_eq(err.type, ERR_INVALID_COMMAND);
}
END_TEST

START_TEST(uuid_rejects_nul)
{
	char out[TYPES_UUID_SIZE];
	struct error err;

	ck_assert(!types_parse_uuid(TEXT("0e9b5f7c-3a21-4d8e-b6f4-91c2d7a3e5b\0"), out, &err));
}
END_TEST

START_TEST(date_accepts_valid)
{
	struct types_date date;
	struct error err;
	char out[TYPES_DATE_SIZE];

	ck_assert(types_parse_local_date(TEXT("2021-03-15"), &date, &err));
	ck_assert_int_eq(date.year, 2021);
	ck_assert_int_eq(date.month, 3);
	ck_assert_int_eq(date.day, 15);
	types_format_local_date(&date, out);
	ck_assert_str_eq(out, "2021-03-15");
}
END_TEST

START_TEST(date_checks_leap_years)
{
	ck_assert(date_valid("2024-02-29"));
	ck_assert(date_valid("2000-02-29"));
	ck_assert(!date_valid("2023-02-29"));
	ck_assert(!date_valid("1900-02-29"));
}
END_TEST

START_TEST(date_checks_year_range)
{
	ck_assert(date_valid("0001-01-01"));
	ck_assert(date_valid("9999-12-31"));
	ck_assert(!date_valid("0000-12-31"));
}
END_TEST

START_TEST(date_rejects_malformed)
{
	static const char *const cases[] = {
		"2021-3-15", "2021-03-5", "21-03-15", "2021/03/15", "2021-13-01",
		"2021-00-10", "2021-04-31", "2021-04-00", "2021-03-15T00:00:00Z",
		"2021-03-15 ", "+021-03-15", "",
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(!date_valid(cases[i]), "%s accepted", cases[i]);
}
END_TEST

START_TEST(datetime_converts_offset)
{
	ck_assert_str_eq(datetime_utc("2021-03-15T09:05:00+01:00"),
	    "2021-03-15T08:05:00.000Z");
	ck_assert_str_eq(datetime_utc("2021-03-15T23:30:00-01:00"),
	    "2021-03-16T00:30:00.000Z");
	ck_assert_str_eq(datetime_utc("2021-03-15T09:05:00+14:00"),
	    "2021-03-14T19:05:00.000Z");
}
END_TEST

START_TEST(datetime_reads_fraction)
{
	ck_assert_str_eq(datetime_utc("2021-03-15T09:05:00.5Z"),
	    "2021-03-15T09:05:00.500Z");
	ck_assert_str_eq(datetime_utc("2021-03-15T09:05:00.12Z"),
	    "2021-03-15T09:05:00.120Z");
	ck_assert_str_eq(datetime_utc("2021-03-15T09:05:00.123456789Z"),
	    "2021-03-15T09:05:00.123Z");
	ck_assert_str_eq(datetime_utc("2021-03-15T09:05:00.999999999+00:00"),
	    "2021-03-15T09:05:00.999Z");
}
END_TEST

START_TEST(datetime_epoch_values)
{
	int64_t ms;
	struct error err;

	ck_assert(types_parse_datetime(TEXT("1970-01-01T00:00:00Z"), &ms, &err));
	ck_assert(ms == 0);
	ck_assert(types_parse_datetime(TEXT("2021-03-15T08:05:00.000Z"), &ms, &err));
	ck_assert(ms == INT64_C(1615795500000));
}
END_TEST

START_TEST(datetime_formats_before_epoch)
{
	char out[TYPES_DATETIME_SIZE];

	types_format_datetime(-1, out);
	ck_assert_str_eq(out, "1969-12-31T23:59:59.999Z");
	types_format_datetime(-MS_PER_DAY, out);
	ck_assert_str_eq(out, "1969-12-31T00:00:00.000Z");
}
END_TEST

START_TEST(datetime_year_bounds)
{
	ck_assert_str_eq(datetime_utc("0001-01-01T00:00:00Z"),
	    "0001-01-01T00:00:00.000Z");
	ck_assert_str_eq(datetime_utc("9999-12-31T23:59:59.999Z"),
	    "9999-12-31T23:59:59.999Z");
	assert_datetime_rejected("0001-01-01T00:00:00+01:00");
	assert_datetime_rejected("9999-12-31T23:30:00-01:00");
}
END_TEST

START_TEST(datetime_rejects_malformed)
{
	static const char *const cases[] = {
		"2021-03-15T09:05:00",
		"2021-03-15t09:05:00Z",
		"2021-03-15T09:05:00z",
		"2021-03-15 09:05:00Z",
		"2021-03-15T09:05Z",
		"2021-03-15T09:05:00.Z",
		"2021-03-15T09:05:00.1234567890Z",
		"2021-03-15T09:05:00+0100",
		"2021-03-15T09:05:00+01",
		"2021-03-15T09:05:00 01:00",
		"2021-03-15T09:05:00+15:00",
		"2021-03-15T09:05:00+01:60",
		"2021-03-15T24:00:00Z",
		"2021-03-15T23:60:00Z",
		"2021-03-15T23:59:60Z",
		"2021-02-30T00:00:00Z",
		"2021-03-15T09:05:00ZZ",
		"2021-03-15T09:05:00Z ",
		"",
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_datetime_rejected(cases[i]);
}
END_TEST

/* A malformed date part of a DateTime gets the DateTime form, not the LocalDate one. */
START_TEST(datetime_bad_date_part_message)
{
	static const char *const cases[] = {
		"+2021-03-15T09:05:00Z",
		"21-03-15T09:05:00Z",
		"2021/03/15T09:05:00Z",
		"2021-3-15T09:05:00Z",
	};
	struct error err;
	int64_t ms;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		error_clear(&err);
		ck_assert(!types_parse_datetime(cases[i], strlen(cases[i]), &ms, &err));
		ck_assert_msg(strstr(err.message_en, "must be a DateTime in the form") != NULL,
		    "%s: %s", cases[i], err.message_en);
		ck_assert_msg(strstr(err.message_fr, "date-heure") != NULL,
		    "%s: %s", cases[i], err.message_fr);
	}
}
END_TEST

START_TEST(datetime_rejects_nul)
{
	int64_t ms;
	struct error err;

	ck_assert(!types_parse_datetime(TEXT("2021-03-15T09:05:00Z\0"), &ms, &err));
}
END_TEST

START_TEST(civil_days_round_trip)
{
	struct types_date date;

	ck_assert(types_days_from_civil(1970, 1, 1) == 0);
	ck_assert(types_days_from_civil(2000, 3, 1) == 11017);
	for (int64_t days = -800000; days <= 3000000; days += 97) {
		types_civil_from_days(days, &date);
		ck_assert(types_days_from_civil(date.year, date.month, date.day) == days);
	}
}
END_TEST

START_TEST(siret_accepts_luhn)
{
	ck_assert(siret_valid("51234567800019"));
	ck_assert(siret_valid("73282932000074"));
}
END_TEST

START_TEST(siret_rejects_bad_checksum)
{
	struct error err;

	ck_assert(!types_check_siret(TEXT("51234567800018"), &err));
	ck_assert_str_eq(err.message_en, "invalid SIRET check digit");
}
END_TEST

START_TEST(siret_la_poste_exception)
{
	/* Digit sum 15 but Luhn-invalid, then Luhn-valid but digit sum 19. */
	ck_assert(siret_valid("35600000000001"));
	ck_assert(!siret_valid("35600000000014"));
	ck_assert(!siret_valid("35600000000002"));
}
END_TEST

START_TEST(siret_rejects_malformed)
{
	ck_assert(!siret_valid("5123456780001"));
	ck_assert(!siret_valid("512345678000190"));
	ck_assert(!siret_valid("5123456780001a"));
	ck_assert(!siret_valid("512 345 678 00019"));
	ck_assert(!siret_valid(""));
}
END_TEST

START_TEST(phone_accepts_forms)
{
	ck_assert(phone_valid("0472001122"));
	ck_assert(phone_valid("+33472001122"));
	ck_assert(phone_valid("+12345678"));
	ck_assert(phone_valid("+123456789012345"));
}
END_TEST

START_TEST(phone_rejects_forms)
{
	static const char *const cases[] = {
		"0072001122", "047200112", "04720011223", "04 72 00 11 22",
		"04.72.00.11.22", "+03472001122", "+1234567", "+1234567890123456",
		"33472001122", "+33 472001122", "", "+",
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(!phone_valid(cases[i]), "%s accepted", cases[i]);
}
END_TEST

START_TEST(email_lowercased)
{
	struct error err;
	char *out = types_parse_email(TEXT("Jean.Dupont@Example.FR"), &err);

	ck_assert_str_eq(out, "jean.dupont@example.fr");
	free(out);
}
END_TEST

START_TEST(email_lowercases_accents)
{
	struct error err;
	char *out = types_parse_email(TEXT("ÉLODIE@Exemple.fr"), &err);

	ck_assert_str_eq(out, "élodie@exemple.fr");
	free(out);
}
END_TEST

START_TEST(email_rejects_malformed)
{
	static const char *const cases[] = {
		"jean.dupont", "@example.fr", "jean@", "jean@example",
		"jean@.fr", "jean@example.", "jean@@example.fr", "je@n@example.fr",
		"jean dupont@example.fr", "jean@exa\tmple.fr", "jean@example.fr\n",
		"",
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(!email_valid(cases[i], strlen(cases[i])),
		    "%s accepted", cases[i]);
}
END_TEST

START_TEST(email_accepts_minimal)
{
	ck_assert(email_valid(TEXT("a@b.c")));
	ck_assert(email_valid(TEXT("a@b..c")));
}
END_TEST

START_TEST(email_rejects_nul)
{
	ck_assert(!email_valid(TEXT("jean@example.fr\0x")));
}
END_TEST

START_TEST(email_rejects_invalid_utf8)
{
	ck_assert(!email_valid(TEXT("ren\xE9" "e@example.fr")));
}
END_TEST

START_TEST(email_length_limit)
{
	char email[300];

	memset(email, 'a', sizeof(email));
	memcpy(email + 254 - 6, "@b.com", 6);
	ck_assert(email_valid(email, 254));

	memset(email, 'a', sizeof(email));
	memcpy(email + 255 - 6, "@b.com", 6);
	ck_assert(!email_valid(email, 255));
}
END_TEST

START_TEST(non_empty_accepts_text)
{
	ck_assert(non_empty(TEXT("  x ")));
	ck_assert(non_empty(TEXT("\v")));
	ck_assert(non_empty(TEXT("é")));
}
END_TEST

START_TEST(non_empty_rejects_blank)
{
	struct error err;

	ck_assert(!non_empty(TEXT("")));
	ck_assert(!non_empty(TEXT(" \t\r\n")));
	ck_assert(!types_check_non_empty(TEXT("  "), &err));
	ck_assert_str_eq(err.message_fr, "ne doit pas être vide");
	ck_assert_str_eq(err.message_en, "must not be blank");
}
END_TEST

START_TEST(non_empty_rejects_nul)
{
	ck_assert(!non_empty(TEXT("abc\0def")));
}
END_TEST


static Suite *
types_suite(void)
{
	Suite *suite = suite_create("types");
	TCase *uuid = tcase_create("uuid");
	TCase *date = tcase_create("date");
	TCase *datetime = tcase_create("datetime");
	TCase *others = tcase_create("others");

	tcase_add_test(uuid, uuid_lowercased);
	tcase_add_test(uuid, uuid_version_not_checked);
	tcase_add_test(uuid, uuid_rejects_malformed);
	tcase_add_test(uuid, uuid_rejects_nul);
	suite_add_tcase(suite, uuid);

	tcase_add_test(date, date_accepts_valid);
	tcase_add_test(date, date_checks_leap_years);
	tcase_add_test(date, date_checks_year_range);
	tcase_add_test(date, date_rejects_malformed);
	tcase_add_test(date, civil_days_round_trip);
	suite_add_tcase(suite, date);

	tcase_add_test(datetime, datetime_converts_offset);
	tcase_add_test(datetime, datetime_reads_fraction);
	tcase_add_test(datetime, datetime_epoch_values);
	tcase_add_test(datetime, datetime_formats_before_epoch);
	tcase_add_test(datetime, datetime_year_bounds);
	tcase_add_test(datetime, datetime_rejects_malformed);
	tcase_add_test(datetime, datetime_bad_date_part_message);
	tcase_add_test(datetime, datetime_rejects_nul);
	suite_add_tcase(suite, datetime);

	tcase_add_test(others, siret_accepts_luhn);
	tcase_add_test(others, siret_rejects_bad_checksum);
	tcase_add_test(others, siret_la_poste_exception);
	tcase_add_test(others, siret_rejects_malformed);
	tcase_add_test(others, phone_accepts_forms);
	tcase_add_test(others, phone_rejects_forms);
	tcase_add_test(others, email_lowercased);
	tcase_add_test(others, email_lowercases_accents);
	tcase_add_test(others, email_rejects_malformed);
	tcase_add_test(others, email_accepts_minimal);
	tcase_add_test(others, email_rejects_nul);
	tcase_add_test(others, email_rejects_invalid_utf8);
	tcase_add_test(others, email_length_limit);
	tcase_add_test(others, non_empty_accepts_text);
	tcase_add_test(others, non_empty_rejects_blank);
	tcase_add_test(others, non_empty_rejects_nul);
	suite_add_tcase(suite, others);

	return suite;
}


int
main(void)
{
	return run_suite(types_suite());
}
