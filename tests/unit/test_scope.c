/* Unit tests of the visibility rules and the permission table. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/scope.h"

#define CC1 "00000000-0000-4000-8000-0000000000c1"
#define CC2 "00000000-0000-4000-8000-0000000000c2"
#define H1 "00000000-0000-4000-8000-0000000000b1"
#define A1 "00000000-0000-4000-8000-0000000000a1"
#define A2 "00000000-0000-4000-8000-0000000000a2"
#define AG1 "00000000-0000-4000-8000-000000000011"
#define AG2 "00000000-0000-4000-8000-000000000012"
#define P1 "00000000-0000-4000-8000-000000000021"
#define P2 "00000000-0000-4000-8000-000000000022"
#define ME "00000000-0000-4000-8000-0000000000ff"

static const struct scope_company cc1 = {CC1, ""};
static const struct scope_company cc2 = {CC2, ""};
static const struct scope_company h1 = {H1, CC1};
static const struct scope_company a1 = {A1, CC1};
static const struct scope_company a2 = {A2, CC2};


static struct scope
scope_of(enum user_type type, const char *company)
{
	struct actor actor;
	struct scope scope;

	memset(&actor, 0, sizeof(actor));
	actor.type = type;
	snprintf(actor.uid, sizeof(actor.uid), "%s", ME);
	snprintf(actor.company_uid, sizeof(actor.company_uid), "%s", company);
	scope_init(&scope, &actor);
	return scope;
}


static struct actor
actor_of(enum user_type type, const char *company)
{
	struct actor actor;

	memset(&actor, 0, sizeof(actor));
	actor.type = type;
	snprintf(actor.uid, sizeof(actor.uid), "%s", ME);
	snprintf(actor.company_uid, sizeof(actor.company_uid), "%s", company);
	return actor;
}


START_TEST(superuser_sees_all)
{
	struct scope su = scope_of(USER_SUPER, "");

	ck_assert(scope_sees_company(&su, &a2));
	ck_assert(scope_sees_agency(&su, AG1, &a1));
	ck_assert(scope_sees_user(&su, &cc2));
	ck_assert(scope_sees_ticket(&su, &a2, NULL, 0, NULL));
}
END_TEST

START_TEST(call_center_user_sees_his_call_center_and_its_companies)
{
	struct scope cc = scope_of(USER_CALL_CENTER, CC1);
	const char agencies[1][37] = {AG1};

	ck_assert(scope_sees_company(&cc, &cc1));
	ck_assert(scope_sees_company(&cc, &h1));
	ck_assert(scope_sees_company(&cc, &a1));
	ck_assert(!scope_sees_company(&cc, &cc2));
	ck_assert(!scope_sees_company(&cc, &a2));
	ck_assert(scope_sees_agency(&cc, AG1, &a1));
	ck_assert(!scope_sees_agency(&cc, AG2, &a2));
	ck_assert(scope_sees_patrimony(&cc, P1, &a1, agencies, 1));
	ck_assert(!scope_sees_patrimony(&cc, P1, &a2, agencies, 1));
	ck_assert(scope_sees_ticket(&cc, &a1, agencies, 1, NULL));
	ck_assert(!scope_sees_ticket(&cc, &a2, agencies, 1, NULL));
	ck_assert(scope_sees_user(&cc, &cc1));
	ck_assert(scope_sees_user(&cc, &a1));
	ck_assert(!scope_sees_user(&cc, &a2));
	ck_assert(scope_sees_provider_contact(&cc, (struct scope_company[]){a2, h1}, 2));
	ck_assert(!scope_sees_provider_contact(&cc, (struct scope_company[]){a2, cc2}, 2));
}
END_TEST

START_TEST(manager_sees_his_company_and_its_holding)
{
	struct scope cam = scope_of(USER_CLIENT_ACCOUNT_MANAGER, A1);

	ck_assert(scope_sees_company(&cam, &a1));
	ck_assert(!scope_sees_company(&cam, &h1));
	snprintf(cam.holding_uid, sizeof(cam.holding_uid), "%s", H1);
	ck_assert(scope_sees_company(&cam, &h1));
	ck_assert(!scope_sees_company(&cam, &cc1));
	ck_assert(scope_sees_agency(&cam, AG1, &a1));
	ck_assert(!scope_sees_agency(&cam, AG1, &h1));
	ck_assert(scope_sees_user(&cam, &a1));
	ck_assert(!scope_sees_user(&cam, &h1));
	ck_assert(scope_sees_ticket(&cam, &a1, NULL, 0, NULL));
	ck_assert(!scope_sees_ticket(&cam, &a2, NULL, 0, NULL));
}
END_TEST

START_TEST(executive_sees_his_agencies)
{
	struct scope ex = scope_of(USER_EXECUTIVE, A1);
	const char mine[2][37] = {AG2, AG1};
	const char others[1][37] = {AG2};

	scope_add_agency(&ex, AG1);
	scope_add_agency(&ex, AG1);
	ck_assert_uint_eq(ex.agency_count, 1);
	ck_assert(scope_sees_company(&ex, &a1));
	ck_assert(!scope_sees_company(&ex, &h1));
	ck_assert(scope_sees_agency(&ex, AG1, &a1));
	ck_assert(!scope_sees_agency(&ex, AG2, &a1));
	ck_assert(scope_sees_patrimony(&ex, P1, &a1, mine, 2));
	ck_assert(!scope_sees_patrimony(&ex, P1, &a1, others, 1));
	ck_assert(scope_sees_ticket(&ex, &a1, mine, 2, NULL));
	ck_assert(!scope_sees_ticket(&ex, &a1, others, 1, P1));
	ck_assert(scope_sees_user(&ex, &a1));
	scope_free(&ex);
}
END_TEST

START_TEST(patrimony_manager_sees_his_patrimonies)
{
	struct scope pm = scope_of(USER_PATRIMONY_MANAGER, A1);
	const char agencies[1][37] = {AG1};

	scope_add_patrimony(&pm, P1);
	scope_add_agency(&pm, AG1);
	ck_assert(scope_sees_patrimony(&pm, P1, &a1, agencies, 1));
	ck_assert(!scope_sees_patrimony(&pm, P2, &a1, agencies, 1));
	ck_assert(scope_sees_ticket(&pm, &a1, agencies, 1, P1));
	ck_assert(!scope_sees_ticket(&pm, &a1, agencies, 1, NULL));
	ck_assert(!scope_sees_ticket(&pm, &a1, agencies, 1, P2));
	ck_assert(scope_sees_agency(&pm, AG1, &a1));
	ck_assert(!scope_sees_agency(&pm, AG2, &a1));
	ck_assert(scope_sees_provider_contact(&pm, &a1, 1));
	ck_assert(!scope_sees_provider_contact(&pm, &h1, 1));
	scope_free(&pm);
}
END_TEST

START_TEST(nobody_sees_nothing)
{
	struct scope none = scope_of(USER_NONE, A1);

	ck_assert(!scope_sees_company(&none, &a1));
	ck_assert(!scope_sees_user(&none, &a1));
	ck_assert(!scope_sees_agency(&none, AG1, &a1));
}
END_TEST

START_TEST(permission_table_company_rows)
{
	struct actor su = actor_of(USER_SUPER, "");
	struct actor cc = actor_of(USER_CALL_CENTER, CC1);
	struct actor cam = actor_of(USER_CLIENT_ACCOUNT_MANAGER, A1);
	struct actor ex = actor_of(USER_EXECUTIVE, A1);
	struct scope_target on_a1 = {A1, false, false};
	struct scope_target on_cc1 = {CC1, false, false};
	struct scope_target on_h1 = {H1, false, false};

	ck_assert(scope_may_send(&su, "CreateCallCenter", &on_cc1));
	ck_assert(!scope_may_send(&cc, "CreateCallCenter", &on_cc1));
	ck_assert(!scope_may_send(&cc, "IdentifyCompany", &on_a1));
	ck_assert(scope_may_send(&cc, "CreateClientAccount", &on_cc1));
	ck_assert(!scope_may_send(&cc, "CreateClientAccount", &on_a1));
	ck_assert(scope_may_send(&cc, "CancelCompany", &on_a1));
	ck_assert(!scope_may_send(&cam, "CancelCompany", &on_a1));
	ck_assert(scope_may_send(&cc, "UpdateCallCenter", &on_cc1));
	ck_assert(!scope_may_send(&cc, "UpdateCallCenter", &on_a1));
	ck_assert(scope_may_send(&cam, "UpdateClientAccount", &on_a1));
	ck_assert(!scope_may_send(&cam, "UpdateClientAccount", &on_h1));
	ck_assert(scope_may_send(&cam, "CreateAgency", &on_a1));
	ck_assert(!scope_may_send(&ex, "CreateAgency", &on_a1));
	ck_assert(!scope_may_send(&su, "NoSuchCommand", &on_a1));
}
END_TEST

START_TEST(permission_table_other_rows)
{
	struct actor ex = actor_of(USER_EXECUTIVE, A1);
	struct actor pm = actor_of(USER_PATRIMONY_MANAGER, A1);
	struct scope_target any = {A1, false, false};
	struct scope_target location = {A1, false, true};

	ck_assert(scope_may_send(&ex, "ReferencePatrimony", &any));
	ck_assert(!scope_may_send(&pm, "AssociatePatrimonyInAgency", &any));
	ck_assert(scope_may_send(&pm, "ReferenceLot", &any));
	ck_assert(scope_may_send(&ex, "AddProviderContact", &any));
	ck_assert(!scope_may_send(&pm, "CrushUpdateProviderContact", &any));
	ck_assert(scope_may_send(&ex, "OpenTicket", &any));
	ck_assert(!scope_may_send(&pm, "OpenTicket", &any));
	ck_assert(scope_may_send(&pm, "AddMessage", &location));
}
END_TEST

START_TEST(permission_table_user_rows)
{
	struct actor su = actor_of(USER_SUPER, "");
	struct actor cc = actor_of(USER_CALL_CENTER, CC1);
	struct actor cam = actor_of(USER_CLIENT_ACCOUNT_MANAGER, A1);
	struct actor ex = actor_of(USER_EXECUTIVE, A1);
	struct actor pm = actor_of(USER_PATRIMONY_MANAGER, A1);
	struct scope_target on_cc1 = {CC1, false, false};
	struct scope_target on_cc2 = {CC2, false, false};
	struct scope_target on_a1 = {A1, false, false};
	struct scope_target on_a2 = {A2, false, false};
	struct scope_target self = {A1, true, false};

	ck_assert(scope_may_send(&su, "ReferenceCallCenterUser", &on_cc2));
	ck_assert(scope_may_send(&cc, "ReferenceCallCenterUser", &on_cc1));
	ck_assert(!scope_may_send(&cc, "ReferenceCallCenterUser", &on_cc2));
	ck_assert(!scope_may_send(&cam, "ReferenceCallCenterUser", &on_a1));
	ck_assert(scope_may_send(&cc, "ReferenceExecutive", &on_a1));
	ck_assert(scope_may_send(&cam, "ReferenceExecutive", &on_a1));
	ck_assert(!scope_may_send(&cam, "ReferenceExecutive", &on_a2));
	ck_assert(!scope_may_send(&ex, "ReferenceExecutive", &on_a1));
	ck_assert(!scope_may_send(&pm, "DisableUser", &self));
	ck_assert(scope_may_send(&cam, "DisableUser", &on_a1));
	ck_assert(scope_may_send(&ex, "UpdateUser", &self));
	ck_assert(scope_may_send(&pm, "UpdateLogin", &self));
	ck_assert(!scope_may_send(&ex, "UpdateUser", &on_a1));
	ck_assert(scope_may_send(&cam, "UpdateLogin", &on_a1));
	ck_assert(scope_may_send(&cc, "UpdateUser", &on_a2));
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("scope");
	TCase *visibility = tcase_create("visibility");
	TCase *permissions = tcase_create("permissions");
	SRunner *runner;
	int failed;

	tcase_add_test(visibility, superuser_sees_all);
	tcase_add_test(visibility, call_center_user_sees_his_call_center_and_its_companies);
	tcase_add_test(visibility, manager_sees_his_company_and_its_holding);
	tcase_add_test(visibility, executive_sees_his_agencies);
	tcase_add_test(visibility, patrimony_manager_sees_his_patrimonies);
	tcase_add_test(visibility, nobody_sees_nothing);
	tcase_add_test(permissions, permission_table_company_rows);
	tcase_add_test(permissions, permission_table_other_rows);
	tcase_add_test(permissions, permission_table_user_rows);
	suite_add_tcase(suite, visibility);
	suite_add_tcase(suite, permissions);

	runner = srunner_create(suite);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
