/* Unit tests of the SHA-256 hex digests behind cache keys and stored API keys. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/digest.h"
#include "run_suite.h"

/* The SHA-256 of "abc" and of the empty message (sha256sum gives the same). */
#define ABC_SHA256 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


START_TEST(known_digest_in_lowercase)
{
	const char *parts[1] = {"abc"};
	char hex[DIGEST_SHA256_HEX_SIZE];

	digest_sha256_hex(parts, 1, hex);
	ck_assert_str_eq(hex, ABC_SHA256);
}
END_TEST

START_TEST(parts_are_concatenated)
{
	const char *parts[3] = {"a", "", "bc"};
	char hex[DIGEST_SHA256_HEX_SIZE];

	digest_sha256_hex(parts, 3, hex);
	ck_assert_str_eq(hex, ABC_SHA256);
}
END_TEST

START_TEST(empty_input)
{
	char hex[DIGEST_SHA256_HEX_SIZE];

	digest_sha256_hex(NULL, 0, hex);
	ck_assert_str_eq(hex, EMPTY_SHA256);
}
END_TEST

START_TEST(repeated_calls_agree)
{
	const char *parts[1] = {"abc"};
	const char *other[1] = {"abd"};
	char first[DIGEST_SHA256_HEX_SIZE], second[DIGEST_SHA256_HEX_SIZE];

	digest_sha256_hex(other, 1, first);
	digest_sha256_hex(parts, 1, second);
	ck_assert_str_ne(first, second);
	ck_assert_str_eq(second, ABC_SHA256);
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("digest");
	TCase *tc = tcase_create("sha256");

	tcase_add_test(tc, known_digest_in_lowercase);
	tcase_add_test(tc, parts_are_concatenated);
	tcase_add_test(tc, empty_input);
	tcase_add_test(tc, repeated_calls_agree);
	suite_add_tcase(suite, tc);
	return run_suite(suite);
}
