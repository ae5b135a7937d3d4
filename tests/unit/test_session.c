/* Unit tests of session tokens: format, signature, secrets, dates, cookies. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "run_suite.h"

#define USER "4c9e2a7b-6d1f-4b3a-9e8c-2f5d7a0b1c69"

static struct session_secrets secrets;


static void
setup(void)
{
	memset(&secrets, 0, sizeof(secrets));
	memset(secrets.key[0], 'n', 32);
	memset(secrets.key[1], 'p', 32);
	secrets.len[0] = secrets.len[1] = 32;
	secrets.count = 2;
}


static struct session_payload
payload(void)
{
	struct session_payload p;

	memset(&p, 0, sizeof(p));
	strcpy(p.tenant, "demo");
	strcpy(p.user_uid, USER);
	p.generation = 3;
	p.issued_ms = 1700000000000LL;
	p.last_seen_ms = 1700000005000LL;
	return p;
}


START_TEST(token_round_trips)
{
	struct session_payload in = payload(), out;
	char token[SESSION_TOKEN_MAX];

	ck_assert(session_token_make(&in, secrets.key[0], 32, token, sizeof(token)));
	ck_assert_ptr_null(strpbrk(token, "+/="));
	ck_assert(session_token_verify(token, &secrets, &out));
	ck_assert_str_eq(out.tenant, "demo");
	ck_assert_str_eq(out.user_uid, USER);
	ck_assert_int_eq(out.generation, 3);
	ck_assert(out.issued_ms == in.issued_ms && out.last_seen_ms == in.last_seen_ms);
}
END_TEST

START_TEST(previous_secret_verifies_and_a_third_does_not)
{
	struct session_payload in = payload(), out;
	unsigned char other[32];
	char token[SESSION_TOKEN_MAX];

	ck_assert(session_token_make(&in, secrets.key[1], 32, token, sizeof(token)));
	ck_assert(session_token_verify(token, &secrets, &out));

	memset(other, 'x', sizeof(other));
	ck_assert(session_token_make(&in, other, 32, token, sizeof(token)));
	ck_assert(!session_token_verify(token, &secrets, &out));
}
END_TEST

START_TEST(tampering_is_refused)
{
	struct session_payload in = payload(), out;
	char token[SESSION_TOKEN_MAX], copy[SESSION_TOKEN_MAX];

	ck_assert(session_token_make(&in, secrets.key[0], 32, token, sizeof(token)));
	for (size_t i = 0; token[i] != '\0'; i++) {
		if (token[i] == '.')
			continue;
		strcpy(copy, token);
		copy[i] = copy[i] == 'A' ? 'B' : 'A';
		ck_assert_msg(!session_token_verify(copy, &secrets, &out), "byte %zu", i);
	}
	ck_assert(!session_token_verify("", &secrets, &out));
	ck_assert(!session_token_verify("abc", &secrets, &out));
	ck_assert(!session_token_verify(".", &secrets, &out));
}
END_TEST

START_TEST(dates_decide_the_age)
{
	struct session_payload p = payload();
	long long now = p.last_seen_ms;

	ck_assert_int_eq(session_age(&p, now, 43200, 3600), SESSION_FRESH);
	ck_assert_int_eq(session_age(&p, now + 3600 * 1000LL, 43200, 3600), SESSION_FRESH);
	ck_assert_int_eq(session_age(&p, now + 3600 * 1000LL + 1, 43200, 3600), SESSION_IDLE);
	p.last_seen_ms = p.issued_ms + 43199 * 1000LL;
	ck_assert_int_eq(session_age(&p, p.issued_ms + 43200 * 1000LL, 43200, 3600), SESSION_EXPIRED);
	p = payload();
	ck_assert_int_eq(session_age(&p, p.issued_ms - 120000, 43200, 3600), SESSION_FROM_FUTURE);
	p.last_seen_ms = p.issued_ms - 1;
	ck_assert_int_eq(session_age(&p, p.issued_ms, 43200, 3600), SESSION_FROM_FUTURE);
}
END_TEST

START_TEST(remaining_lifetime)
{
	struct session_payload p = payload();

	ck_assert_int_eq(session_remaining_s(&p, p.issued_ms, 43200), 43200);
	ck_assert_int_eq(session_remaining_s(&p, p.issued_ms + 1000, 43200), 43199);
	ck_assert_int_eq(session_remaining_s(&p, p.issued_ms + 43200 * 1000LL, 43200), 1);
}
END_TEST

START_TEST(cookie_header_parsing)
{
	char value[64];

	ck_assert(session_cookie_value("PI_SESSION=abc", "PI_SESSION", 0, value, sizeof(value)));
	ck_assert_str_eq(value, "abc");
	ck_assert(session_cookie_value("a=1; PI_SESSION=x.y ;b=2", "PI_SESSION", 0, value, sizeof(value)));
	ck_assert_str_eq(value, "x.y");
	ck_assert(!session_cookie_value("XPI_SESSION=abc", "PI_SESSION", 0, value, sizeof(value)));
	ck_assert(session_cookie_value("PI_SESSION=1; PI_SESSION=2", "PI_SESSION", 1, value, sizeof(value)));
	ck_assert_str_eq(value, "2");
	ck_assert(!session_cookie_value("PI_SESSION=1", "PI_SESSION", 1, value, sizeof(value)));
	ck_assert(!session_cookie_value("PI_SESSION=0123456789", "PI_SESSION", 0, value, 4));
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("session");
	TCase *tc = tcase_create("tokens");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, token_round_trips);
	tcase_add_test(tc, previous_secret_verifies_and_a_third_does_not);
	tcase_add_test(tc, tampering_is_refused);
	tcase_add_test(tc, dates_decide_the_age);
	tcase_add_test(tc, remaining_lifetime);
	tcase_add_test(tc, cookie_header_parsing);
	suite_add_tcase(suite, tc);

	return run_suite(suite);
}
