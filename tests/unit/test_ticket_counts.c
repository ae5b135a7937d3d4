/* Unit tests of the choice between ticket_counts and a scan of the matching tickets. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "http/query.h"
#include "readmodel/ticket_counts.h"
#include "run_suite.h"

#define AGENCY "00000000-0000-4000-8000-000000000011"
#define PROVIDER "00000000-0000-4000-8000-000000000031"


static struct actor
actor_of(enum user_type type)
{
	struct actor actor;

	memset(&actor, 0, sizeof(actor));
	actor.type = type;
	snprintf(actor.uid, sizeof(actor.uid), "%s", "00000000-0000-4000-8000-0000000000ff");
	return actor;
}


/* Whether the list filtered by QUERY_STRING is summed from ticket_counts for a user of TYPE. */
static bool
served(const char *query_string, enum user_type type)
{
	struct actor actor = actor_of(type);
	struct ticket_filter filter;
	struct query *q;
	struct error err;
	bool result;

	q = query_parse(query_string, &err);
	ck_assert_ptr_nonnull(q);
	ck_assert_msg(ticket_filter_parse(q, true, &filter, &err), "filter %s rejected", query_string);
	result = ticket_counts_serve(&filter, &actor);
	ticket_filter_free(&filter);
	query_free(q);
	return result;
}


START_TEST(no_filter_served)
{
	ck_assert(served("", USER_SUPER));
	ck_assert(served("range=100-199", USER_SUPER));
}
END_TEST

START_TEST(status_served)
{
	ck_assert(served("status=OPENED", USER_SUPER));
	ck_assert(served("status=CLOSED&range=0-9", USER_SUPER));
}
END_TEST

START_TEST(other_filters_scanned)
{
	static const char *const queries[] = {
		"agency=" AGENCY,
		"status=OPENED&agency=" AGENCY,
		"location=lyon",
		"from=2023-01-01",
		"to=2023-01-31",
		"status=OPENED&from=2023-01-01&to=2023-01-31",
		"callpurpose=plomberie",
		"activeproviders=" PROVIDER,
		"intervention=true",
		"intervention=false&status=OPENED",
		"fulltext=fuite",
	};

	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		ck_assert_msg(!served(queries[i], USER_SUPER), "%s served from counts", queries[i]);
}
END_TEST

START_TEST(scopes_without_patrimony_served)
{
	ck_assert(served("status=OPENED", USER_CALL_CENTER));
	ck_assert(served("status=OPENED", USER_CLIENT_ACCOUNT_MANAGER));
	ck_assert(served("status=OPENED", USER_EXECUTIVE));
}
END_TEST

START_TEST(patrimony_manager_scanned)
{
	ck_assert(!served("", USER_PATRIMONY_MANAGER));
	ck_assert(!served("status=OPENED", USER_PATRIMONY_MANAGER));
}
END_TEST


int
main(void)
{
	Suite *suite = suite_create("ticket_counts");
	TCase *tc = tcase_create("serve");

	tcase_add_test(tc, no_filter_served);
	tcase_add_test(tc, status_served);
	tcase_add_test(tc, other_filters_scanned);
	tcase_add_test(tc, scopes_without_patrimony_served);
	tcase_add_test(tc, patrimony_manager_scanned);
	suite_add_tcase(suite, tc);
	return run_suite(suite);
}
