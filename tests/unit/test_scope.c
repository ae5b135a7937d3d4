/* Unit tests of the visibility rules and the permission table. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/scope.h"
#include "run_suite.h"

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


/* A list of the NULL-terminated UIDS; the caller frees it. */
static struct uid_list
list_of(const char *const *uids)
{
	struct uid_list list;

	uid_list_init(&list);
	for (; *uids != NULL; uids++)
		uid_list_add(&list, *uids);
	return list;
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
	ck_assert(scope_sees_ticket(&su, &a2, NULL, NULL));
	ck_assert(scope_sees_provider_contact(&su, NULL, NULL, NULL));
}
END_TEST

START_TEST(call_center_user_sees_his_call_center_and_its_companies)
{
	struct scope cc = scope_of(USER_CALL_CENTER, CC1);
	struct uid_list agencies = list_of((const char *[]){AG1, NULL});
	struct uid_list a2_only = list_of((const char *[]){A2, NULL});
	struct uid_list cc1_only = list_of((const char *[]){CC1, NULL});
	struct uid_list cc2_only = list_of((const char *[]){CC2, NULL});

	ck_assert(scope_sees_company(&cc, &cc1));
	ck_assert(scope_sees_company(&cc, &h1));
	ck_assert(scope_sees_company(&cc, &a1));
	ck_assert(!scope_sees_company(&cc, &cc2));
	ck_assert(!scope_sees_company(&cc, &a2));
	ck_assert(scope_sees_agency(&cc, AG1, &a1));
	ck_assert(!scope_sees_agency(&cc, AG2, &a2));
	ck_assert(scope_sees_patrimony(&cc, P1, &a1, &agencies));
	ck_assert(!scope_sees_patrimony(&cc, P1, &a2, &agencies));
	ck_assert(scope_sees_ticket(&cc, &a1, &agencies, NULL));
	ck_assert(!scope_sees_ticket(&cc, &a2, &agencies, NULL));
	ck_assert(scope_sees_user(&cc, &cc1));
	ck_assert(scope_sees_user(&cc, &a1));
	ck_assert(!scope_sees_user(&cc, &a2));

	/* A contact of A2 (under CC2), seen through an association with CC1 or a company of CC1. */
	ck_assert(scope_sees_provider_contact(&cc, &a2_only, &cc1_only, &cc2_only));
	ck_assert(scope_sees_provider_contact(&cc, &a2_only, NULL, &cc1_only));
	ck_assert(!scope_sees_provider_contact(&cc, &a2_only, &cc2_only, &cc2_only));
	ck_assert(!scope_sees_provider_contact(&cc, &cc1_only, NULL, NULL));
	uid_list_free(&agencies);
	uid_list_free(&a2_only);
	uid_list_free(&cc1_only);
	uid_list_free(&cc2_only);
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
	ck_assert(scope_sees_ticket(&cam, &a1, NULL, NULL));
	ck_assert(!scope_sees_ticket(&cam, &a2, NULL, NULL));
}
END_TEST

START_TEST(executive_sees_his_agencies)
{
	struct scope ex = scope_of(USER_EXECUTIVE, A1);
	struct uid_list mine = list_of((const char *[]){AG2, AG1, NULL});
	struct uid_list others = list_of((const char *[]){AG2, NULL});

	uid_list_add(&ex.agencies, AG1);
	ck_assert(scope_sees_company(&ex, &a1));
	ck_assert(!scope_sees_company(&ex, &h1));
	ck_assert(scope_sees_agency(&ex, AG1, &a1));
	ck_assert(!scope_sees_agency(&ex, AG2, &a1));
	ck_assert(scope_sees_patrimony(&ex, P1, &a1, &mine));
	ck_assert(!scope_sees_patrimony(&ex, P1, &a1, &others));
	ck_assert(scope_sees_ticket(&ex, &a1, &mine, NULL));
	ck_assert(!scope_sees_ticket(&ex, &a1, &others, P1));
	ck_assert(scope_sees_user(&ex, &a1));
	uid_list_free(&mine);
	uid_list_free(&others);
	scope_free(&ex);
}
END_TEST

START_TEST(patrimony_manager_sees_his_patrimonies)
{
	struct scope pm = scope_of(USER_PATRIMONY_MANAGER, A1);
	struct uid_list agencies = list_of((const char *[]){AG1, NULL});
	struct uid_list a1_only = list_of((const char *[]){A1, NULL});
	struct uid_list h1_only = list_of((const char *[]){H1, NULL});

	uid_list_add(&pm.patrimonies, P1);
	uid_list_add(&pm.agencies, AG1);
	ck_assert(scope_sees_patrimony(&pm, P1, &a1, &agencies));
	ck_assert(!scope_sees_patrimony(&pm, P2, &a1, &agencies));
	ck_assert(scope_sees_ticket(&pm, &a1, &agencies, P1));
	ck_assert(!scope_sees_ticket(&pm, &a1, &agencies, NULL));
	ck_assert(!scope_sees_ticket(&pm, &a1, &agencies, P2));
	ck_assert(scope_sees_agency(&pm, AG1, &a1));
	ck_assert(!scope_sees_agency(&pm, AG2, &a1));
	ck_assert(scope_sees_provider_contact(&pm, &a1_only, NULL, NULL));
	ck_assert(!scope_sees_provider_contact(&pm, &h1_only, NULL, NULL));
	uid_list_free(&agencies);
	uid_list_free(&a1_only);
	uid_list_free(&h1_only);
	scope_free(&pm);
}
END_TEST

/* A ticket is judged on its location's agencies; the location itself by the agency or patrimony rule. */
START_TEST(tickets_and_their_locations)
{
	struct scope cc = scope_of(USER_CALL_CENTER, CC1);
	struct scope ex = scope_of(USER_EXECUTIVE, A1);
	struct scope pm = scope_of(USER_PATRIMONY_MANAGER, A1);
	struct uid_list both = list_of((const char *[]){AG1, AG2, NULL});
	struct uid_list first = list_of((const char *[]){AG1, NULL});

	ck_assert(scope_sees_ticket(&cc, &a1, &first, NULL));
	ck_assert(!scope_sees_ticket(&cc, &cc1, &first, NULL));

	uid_list_add(&ex.agencies, AG2);
	ck_assert(!scope_sees_ticket(&ex, &a1, &first, NULL));
	ck_assert(scope_sees_ticket(&ex, &a1, &both, P1));

	/* A patrimony manager sees the tickets of his patrimonies, and their agencies as locations. */
	uid_list_add(&pm.patrimonies, P1);
	uid_list_add(&pm.agencies, AG1);
	ck_assert(!scope_sees_ticket(&pm, &a1, &first, NULL));
	ck_assert(scope_sees_agency(&pm, AG1, &a1));
	ck_assert(scope_sees_ticket(&pm, &a1, &first, P1));
	ck_assert(!scope_sees_patrimony(&pm, P2, &a1, &first));
	uid_list_free(&both);
	uid_list_free(&first);
	scope_free(&ex);
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

	tcase_add_test(visibility, superuser_sees_all);
	tcase_add_test(visibility, call_center_user_sees_his_call_center_and_its_companies);
	tcase_add_test(visibility, manager_sees_his_company_and_its_holding);
	tcase_add_test(visibility, executive_sees_his_agencies);
	tcase_add_test(visibility, patrimony_manager_sees_his_patrimonies);
	tcase_add_test(visibility, tickets_and_their_locations);
	tcase_add_test(visibility, nobody_sees_nothing);
	tcase_add_test(permissions, permission_table_company_rows);
	tcase_add_test(permissions, permission_table_other_rows);
	tcase_add_test(permissions, permission_table_user_rows);
	suite_add_tcase(suite, visibility);
	suite_add_tcase(suite, permissions);

	return run_suite(suite);
}
