/* Unit tests of the User aggregate: folding and decisions, in check order. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/user.h"
#include "run_suite.h"

#define CC1 "00000000-0000-4000-8000-0000000000c1"
#define CC2 "00000000-0000-4000-8000-0000000000c2"
#define A1 "00000000-0000-4000-8000-0000000000a1"
#define A2 "00000000-0000-4000-8000-0000000000a2"
#define AG1 "00000000-0000-4000-8000-000000000011"
#define AG2 "00000000-0000-4000-8000-000000000012"
#define P1 "00000000-0000-4000-8000-000000000021"
#define U1 "00000000-0000-4000-8000-0000000000e1"
#define ME "00000000-0000-4000-8000-0000000000ff"

static struct actor actor;
static struct scope scope;
static struct user_state user;
static struct company_state company;
static struct agency_fact agency;
static struct patrimony_fact patrimony;
static struct user_facts facts;
static struct command cmd;
static struct json_object *events;
static struct error err;


static void
act_as(enum user_type type, const char *company_uid)
{
	memset(&actor, 0, sizeof(actor));
	actor.type = type;
	strcpy(actor.uid, ME);
	strcpy(actor.company_uid, company_uid);
	scope_free(&scope);
	scope_init(&scope, &actor);
}


static void
setup(void)
{
	act_as(USER_SUPER, "");
	user_init(&user, U1);
	company_init(&company, A1);
	company.kind = COMPANY_CLIENT_ACCOUNT;
	strcpy(company.call_center, CC1);

	memset(&agency, 0, sizeof(agency));
	strcpy(agency.uid, AG1);
	agency.exists = true;
	strcpy(agency.company_uid, A1);
	strcpy(agency.call_center_uid, CC1);

	memset(&patrimony, 0, sizeof(patrimony));
	patrimony_init(&patrimony.state, P1);
	patrimony.state.exists = true;
	strcpy(patrimony.company_uid, A1);
	strcpy(patrimony.call_center_uid, CC1);

	memset(&facts, 0, sizeof(facts));
	facts.target = &user;
	facts.company = &company;
	facts.scope = &scope;
	events = json_object_new_array();
	error_clear(&err);
}


static void
teardown(void)
{
	json_object_put(cmd.body);
	cmd.body = NULL;
	json_object_put(events);
	user_free(&user);
	company_free(&company);
	scope_free(&scope);
}


static void
command(const char *type, const char *body)
{
	json_object_put(cmd.body);
	memset(&cmd, 0, sizeof(cmd));
	cmd.type = type;
	cmd.body = json_tokener_parse(body);
	ck_assert_ptr_nonnull(cmd.body);
	strcpy(cmd.aggregate_uid, U1);
	strcpy(cmd.process_uid, "00000000-0000-4000-8000-000000000001");
	strcpy(cmd.sent_date, "2021-03-15T09:12:03.418Z");
	cmd.actor = &actor;
}


static const char *
event_type(size_t i)
{
	return json_object_get_string(json_object_object_get(
	    json_object_array_get_idx(events, i), "eventType"));
}


static void
fold_into_user(const char *json)
{
	struct json_object *stored = json_tokener_parse(json);

	user_evolve(&user, stored);
	json_object_put(stored);
}


#define EXECUTIVE_BODY \
	"{\"login\":\"s.morel@example.test\",\"companyUid\":\"" A1 "\",\"firstName\":\"\"," \
	"\"lastName\":\"Morel\",\"managedAgencies\":[\"" AG1 "\"]}"

START_TEST(reference_executive_emits_its_event)
{
	command("ReferenceExecutive", EXECUTIVE_BODY);
	facts.agencies = &agency;
	facts.agency_count = 1;

	ck_assert(user_decide_reference(&cmd, &facts, events, &err));
	ck_assert_uint_eq(json_object_array_length(events), 1);
	ck_assert_str_eq(event_type(0), "ExecutiveReferenced");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(
	    json_object_array_get_idx(events, 0), "login")), "s.morel@example.test");
}
END_TEST

START_TEST(reference_checks_in_order)
{
	command("ReferenceExecutive", EXECUTIVE_BODY);
	facts.agencies = &agency;
	facts.agency_count = 1;

	/* 1. an invisible company reads as a missing one */
	act_as(USER_CALL_CENTER, CC2);
	ck_assert(!user_decide_reference(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_REFERENCED_ENTITY_NOT_FOUND);

	/* 2. wrong kind, before the role */
	act_as(USER_EXECUTIVE, A1);
	company.kind = COMPANY_HOLDING;
	ck_assert(!user_decide_reference(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_INCONSISTENT_REFERENCE);

	/* 3. role */
	company.kind = COMPANY_CLIENT_ACCOUNT;
	ck_assert(!user_decide_reference(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_FORBIDDEN);

	/* 4. uid used, before 5. login used */
	act_as(USER_CLIENT_ACCOUNT_MANAGER, A1);
	user.type = USER_CALL_CENTER;
	facts.login_used = true;
	ck_assert(!user_decide_reference(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_USER_EXISTS);
	user.type = USER_NONE;
	ck_assert(!user_decide_reference(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_LOGIN_ALREADY_USED);
	facts.login_used = false;

	/* 6. a missing agency, 7. a deleted one */
	agency.exists = false;
	ck_assert(!user_decide_reference(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_REFERENCED_ENTITY_NOT_FOUND);
	agency.exists = true;
	agency.deleted = true;
	ck_assert(!user_decide_reference(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_INCONSISTENT_REFERENCE);
	ck_assert_uint_eq(json_object_array_length(events), 0);
}
END_TEST

START_TEST(agency_of_another_company_is_inconsistent_for_a_call_center)
{
	command("ReferenceExecutive", EXECUTIVE_BODY);
	act_as(USER_CALL_CENTER, CC1);
	strcpy(agency.company_uid, A2);
	facts.agencies = &agency;
	facts.agency_count = 1;

	ck_assert(!user_decide_reference(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_INCONSISTENT_REFERENCE);

	/* A manager does not see the other company's agency at all. */
	act_as(USER_CLIENT_ACCOUNT_MANAGER, A1);
	strcpy(agency.call_center_uid, CC1);
	ck_assert(!user_decide_reference(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_REFERENCED_ENTITY_NOT_FOUND);
}
END_TEST

START_TEST(call_center_user_needs_a_call_center)
{
	command("ReferenceCallCenterUser",
	    "{\"login\":\"a@b.test\",\"companyUid\":\"" A1 "\",\"firstName\":\"\",\"lastName\":\"L\"}");
	ck_assert(!user_decide_reference(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_INCONSISTENT_REFERENCE);

	company_init(&company, CC1);
	company.kind = COMPANY_CALL_CENTER;
	act_as(USER_CALL_CENTER, CC1);
	ck_assert(user_decide_reference(&cmd, &facts, events, &err));
	ck_assert_str_eq(event_type(0), "CallCenterUserReferenced");
}
END_TEST

START_TEST(patrimony_manager_reference)
{
	command("ReferencePatrimonyManager",
	    "{\"login\":\"a@b.test\",\"companyUid\":\"" A1 "\",\"firstName\":\"\",\"lastName\":\"L\","
	    "\"managedPatrimonies\":[\"" P1 "\"]}");
	facts.patrimonies = &patrimony;
	facts.patrimony_count = 1;

	strcpy(patrimony.company_uid, A2);
	ck_assert(!user_decide_reference(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_INCONSISTENT_REFERENCE);
	patrimony.state.exists = false;
	ck_assert(!user_decide_reference(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_REFERENCED_ENTITY_NOT_FOUND);
	patrimony.state.exists = true;
	strcpy(patrimony.company_uid, A1);
	ck_assert(user_decide_reference(&cmd, &facts, events, &err));
	ck_assert_str_eq(event_type(0), "PatrimonyManagerReferenced");
}
END_TEST

START_TEST(fold_follows_the_events)
{
	fold_into_user("{\"eventType\":\"ExecutiveReferenced\",\"companyUid\":\"" A1 "\","
	    "\"managedAgencies\":[\"" AG1 "\",\"" AG2 "\"]}");
	ck_assert_int_eq(user.type, USER_EXECUTIVE);
	ck_assert(user.active);
	ck_assert_uint_eq(user.agencies.count, 2);
	fold_into_user("{\"eventType\":\"UserDissociatedFromAgency\",\"agencyUid\":\"" AG1 "\"}");
	ck_assert_uint_eq(user.agencies.count, 1);
	ck_assert_str_eq(user.agencies.items[0], AG2);
	fold_into_user("{\"eventType\":\"UserDisabled\"}");
	ck_assert(!user.active);
	fold_into_user("{\"eventType\":\"UserEnabled\"}");
	ck_assert(user.active);
	fold_into_user("{\"eventType\":\"ExecutiveDowngradedToPatrimonyManager\","
	    "\"managedPatrimonies\":[\"" P1 "\"]}");
	ck_assert_int_eq(user.type, USER_PATRIMONY_MANAGER);
	ck_assert_uint_eq(user.agencies.count, 0);
	ck_assert_uint_eq(user.patrimonies.count, 1);
	ck_assert_str_eq(user.company, A1);
}
END_TEST

static void
existing_executive(void)
{
	fold_into_user("{\"eventType\":\"ExecutiveReferenced\",\"companyUid\":\"" A1 "\","
	    "\"managedAgencies\":[\"" AG1 "\"]}");
}

START_TEST(increment_on_missing_or_invisible_user_is_404)
{
	command("DisableUser", "{}");
	ck_assert(!user_decide_update(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_USER_NOT_FOUND);

	existing_executive();
	act_as(USER_CLIENT_ACCOUNT_MANAGER, A2);
	ck_assert(!user_decide_update(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_USER_NOT_FOUND);

	act_as(USER_EXECUTIVE, A1);
	ck_assert(!user_decide_update(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_FORBIDDEN);
}
END_TEST

START_TEST(self_service_update)
{
	existing_executive();
	act_as(USER_EXECUTIVE, A1);
	command("UpdateUser", "{\"firstName\":\"\",\"lastName\":\"Morel\"}");
	ck_assert(!user_decide_update(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_FORBIDDEN);

	strcpy(actor.uid, U1);
	ck_assert(user_decide_update(&cmd, &facts, events, &err));
	ck_assert_str_eq(event_type(0), "UserUpdated");

	command("UpdateLogin", "{\"login\":\"new@b.test\"}");
	facts.login_used = true;
	ck_assert(!user_decide_update(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_LOGIN_ALREADY_USED);
	facts.login_used = false;
	ck_assert(user_decide_update(&cmd, &facts, events, &err));
	ck_assert_str_eq(event_type(1), "LoginUpdated");
}
END_TEST

START_TEST(agency_association_checks)
{
	existing_executive();
	facts.agencies = &agency;
	facts.agency_count = 1;

	command("AssociateUserWithAgency", "{\"agencyUid\":\"" AG1 "\"}");
	ck_assert(!user_decide_update(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_USER_AGENCY_ALREADY_ASSOCIATED);

	command("DissociateUserFromAgency", "{\"agencyUid\":\"" AG1 "\"}");
	ck_assert(!user_decide_update(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_USER_LAST_AGENCY);

	command("DissociateUserFromAgency", "{\"agencyUid\":\"" AG2 "\"}");
	ck_assert(!user_decide_update(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_USER_AGENCY_NOT_ASSOCIATED);

	strcpy(agency.uid, AG2);
	command("AssociateUserWithAgency", "{\"agencyUid\":\"" AG2 "\"}");
	ck_assert(user_decide_update(&cmd, &facts, events, &err));
	ck_assert_str_eq(event_type(0), "UserAssociatedWithAgency");
}
END_TEST

START_TEST(patrimony_commands_need_a_patrimony_manager)
{
	existing_executive();
	facts.patrimonies = &patrimony;
	facts.patrimony_count = 1;

	command("AssociateUserWithPatrimony", "{\"patrimonyUid\":\"" P1 "\"}");
	ck_assert(!user_decide_update(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_COMMAND_NOT_APPLICABLE);

	command("DowngradeExecutiveToPatrimonyManager", "{\"managedPatrimonies\":[\"" P1 "\"]}");
	ck_assert(user_decide_update(&cmd, &facts, events, &err));
	ck_assert_str_eq(event_type(0), "ExecutiveDowngradedToPatrimonyManager");

	fold_into_user("{\"eventType\":\"ExecutiveDowngradedToPatrimonyManager\","
	    "\"managedPatrimonies\":[\"" P1 "\"]}");
	command("AssociateUserWithPatrimony", "{\"patrimonyUid\":\"" P1 "\"}");
	ck_assert(!user_decide_update(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_USER_PATRIMONY_ALREADY_ASSOCIATED);
	command("DissociateUserFromPatrimony", "{\"patrimonyUid\":\"" P1 "\"}");
	ck_assert(!user_decide_update(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_USER_LAST_PATRIMONY);
	command("DowngradeExecutiveToPatrimonyManager", "{\"managedPatrimonies\":[\"" P1 "\"]}");
	ck_assert(!user_decide_update(&cmd, &facts, events, &err));
	ck_assert_int_eq(err.type, ERR_COMMAND_NOT_APPLICABLE);
}
END_TEST

START_TEST(disable_and_enable_are_accepted_twice)
{
	existing_executive();
	command("DisableUser", "{}");
	ck_assert(user_decide_update(&cmd, &facts, events, &err));
	fold_into_user("{\"eventType\":\"UserDisabled\"}");
	ck_assert(user_decide_update(&cmd, &facts, events, &err));
	command("EnableUser", "{}");
	ck_assert(user_decide_update(&cmd, &facts, events, &err));
	ck_assert_str_eq(event_type(1), "UserDisabled");
	ck_assert_str_eq(event_type(2), "UserEnabled");
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("user");
	TCase *tc = tcase_create("decide");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, reference_executive_emits_its_event);
	tcase_add_test(tc, reference_checks_in_order);
	tcase_add_test(tc, agency_of_another_company_is_inconsistent_for_a_call_center);
	tcase_add_test(tc, call_center_user_needs_a_call_center);
	tcase_add_test(tc, patrimony_manager_reference);
	tcase_add_test(tc, fold_follows_the_events);
	tcase_add_test(tc, increment_on_missing_or_invisible_user_is_404);
	tcase_add_test(tc, self_service_update);
	tcase_add_test(tc, agency_association_checks);
	tcase_add_test(tc, patrimony_commands_need_a_patrimony_manager);
	tcase_add_test(tc, disable_and_enable_are_accepted_twice);
	suite_add_tcase(suite, tc);

	return run_suite(suite);
}
