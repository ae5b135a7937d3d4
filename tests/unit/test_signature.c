/* Unit tests of webhook secrets and signatures. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "notify/signature.h"
#include "run_suite.h"

START_TEST(signs_timestamp_dot_body)
{
	char header[SIGNATURE_HEADER_SIZE];

	/* Python: hmac.new(b"whsec_test-secret", b'1700000000.{"a":1}', hashlib.sha256).hexdigest() */
	ck_assert(signature_header("whsec_test-secret", 1700000000LL, "{\"a\":1}", 7, header));
	ck_assert_str_eq(header,
	    "t=1700000000,v1=f7c40776aa58d1eee88648e741f2488ecc8e2cc810cd3801942f335e82a1da57");
}
END_TEST

START_TEST(signature_changes_with_each_input)
{
	char base[SIGNATURE_HEADER_SIZE], other[SIGNATURE_HEADER_SIZE];

	ck_assert(signature_header("whsec_a", 1700000000LL, "{}", 2, base));
	ck_assert(signature_header("whsec_b", 1700000000LL, "{}", 2, other));
	ck_assert_str_ne(base, other);
	ck_assert(signature_header("whsec_a", 1700000001LL, "{}", 2, other));
	ck_assert_str_ne(strchr(base, ','), strchr(other, ','));
	ck_assert(signature_header("whsec_a", 1700000000LL, "{ }", 3, other));
	ck_assert_str_ne(base, other);
}
END_TEST

START_TEST(body_bytes_after_nul_are_signed)
{
	char cut[SIGNATURE_HEADER_SIZE], whole[SIGNATURE_HEADER_SIZE];

	ck_assert(signature_header("whsec_a", 1, "ab\0cd", 2, cut));
	ck_assert(signature_header("whsec_a", 1, "ab\0cd", 5, whole));
	ck_assert_str_ne(cut, whole);
}
END_TEST

START_TEST(new_secrets_are_random_base64url)
{
	char first[SIGNATURE_SECRET_SIZE], second[SIGNATURE_SECRET_SIZE];

	ck_assert(signature_new_secret(first));
	ck_assert(signature_new_secret(second));
	ck_assert_uint_eq(strlen(first), SIGNATURE_SECRET_SIZE - 1);
	ck_assert(strncmp(first, "whsec_", 6) == 0);
	ck_assert_uint_eq(strspn(first + 6,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), strlen(first) - 6);
	ck_assert_str_ne(first, second);
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("signature");
	TCase *tc = tcase_create("hmac");

	tcase_add_test(tc, signs_timestamp_dot_body);
	tcase_add_test(tc, signature_changes_with_each_input);
	tcase_add_test(tc, body_bytes_after_nul_are_signed);
	tcase_add_test(tc, new_secrets_are_random_base64url);
	suite_add_tcase(suite, tc);

	return run_suite(suite);
}
