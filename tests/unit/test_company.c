/*
 * Unit tests of the Company aggregate: evolve, visibility, and every
 * decision of the company and agency commands, in the documented order of
 * checks, with each company and agency errorType.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/company.h"
#include "run_suite.h"

#define CALL_CENTER "11111111-1111-4111-8111-111111111111"
#define OTHER_CALL_CENTER "22222222-2222-4222-8222-222222222222"
#define HOLDING "33333333-3333-4333-8333-333333333333"
#define ACCOUNT "44444444-4444-4444-8444-444444444444"
#define OTHER_ACCOUNT "55555555-5555-4555-8555-555555555555"
#define NEW_COMPANY "66666666-6666-4666-8666-666666666666"
#define AGENCY "77777777-7777-4777-8777-777777777777"
#define DELETED_AGENCY "88888888-8888-4888-8888-888888888888"
#define NEW_AGENCY "99999999-9999-4999-8999-999999999999"
#define USER "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
#define PROCESS "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
#define SENT_DATE "2021-03-15T09:12:03.418Z"

/* The companies of every test: two call centers, a holding and two client accounts. */
static struct company_state call_center, other_call_center, holding, account,
    other_account, missing;

/* Every kind of user; the managers act for ACCOUNT. */
static struct actor super_user, call_center_user, other_call_center_user,
    manager, executive, patrimony_manager;

/* Outcome of the last decision. */
static struct json_object *events;
static struct error err;


static struct json_object *
parse(const char *text)
{
	struct json_object *value = json_tokener_parse(text);

	ck_assert_msg(value != NULL, "test JSON does not parse: %s", text);
	return value;
}


/* Builds the state of UID from the JSON array EVENTS_TEXT. */
static void
fold_events(struct company_state *state, const char *uid, const char *events_text)
{
	struct json_object *list = parse(events_text);

	company_init(state, uid);
	company_fold(state, list);
	json_object_put(list);
}


/* Applies the one event EVENT_TEXT to STATE. */
static void
apply(struct company_state *state, const char *event_text)
{
	struct json_object *event = parse(event_text);

	company_evolve(state, event);
	json_object_put(event);
}


static void
set_actor(struct actor *actor, enum user_type type, const char *company)
{
	memset(actor, 0, sizeof(*actor));
	actor->type = type;
	snprintf(actor->uid, sizeof(actor->uid), "%s", USER);
	snprintf(actor->company_uid, sizeof(actor->company_uid), "%s", company);
}


static void
setup(void)
{
	fold_events(&call_center, CALL_CENTER,
	    "[{\"eventType\":\"CallCenterCreated\",\"name\":\"CC\",\"createdDate\":\"2021-01-01\"}]");
	fold_events(&other_call_center, OTHER_CALL_CENTER,
	    "[{\"eventType\":\"CallCenterCreated\",\"name\":\"CC2\",\"createdDate\":\"2021-01-01\"}]");
	fold_events(&holding, HOLDING,
	    "[{\"eventType\":\"ClientAccountHoldingCreated\",\"callCenterReference\":\"" CALL_CENTER "\"}]");
	fold_events(&account, ACCOUNT,
	    "[{\"eventType\":\"ClientAccountCreated\",\"callCenterReference\":\"" CALL_CENTER "\","
	    "\"holdingReference\":\"" HOLDING "\"},"
	    "{\"eventType\":\"AgencyCreated\",\"agency\":{\"agencyUid\":\"" AGENCY "\",\"name\":\"A\"}},"
	    "{\"eventType\":\"AgencyCreated\",\"agency\":{\"agencyUid\":\"" DELETED_AGENCY "\",\"name\":\"B\"}},"
	    "{\"eventType\":\"AgencyDeleted\",\"agencyUid\":\"" DELETED_AGENCY "\"}]");
	fold_events(&other_account, OTHER_ACCOUNT,
	    "[{\"eventType\":\"ClientAccountCreated\",\"callCenterReference\":\"" OTHER_CALL_CENTER "\"}]");
	company_init(&missing, NEW_COMPANY);

	set_actor(&super_user, USER_SUPER, "");
	set_actor(&call_center_user, USER_CALL_CENTER, CALL_CENTER);
	set_actor(&other_call_center_user, USER_CALL_CENTER, OTHER_CALL_CENTER);
	set_actor(&manager, USER_CLIENT_ACCOUNT_MANAGER, ACCOUNT);
	set_actor(&executive, USER_EXECUTIVE, ACCOUNT);
	set_actor(&patrimony_manager, USER_PATRIMONY_MANAGER, ACCOUNT);

	events = json_object_new_array();
	error_clear(&err);
}


static void
teardown(void)
{
	company_free(&call_center);
	company_free(&other_call_center);
	company_free(&holding);
	company_free(&account);
	company_free(&other_account);
	company_free(&missing);
	json_object_put(events);
}


/* A command of TYPE with the JSON object BODY on aggregate UID, sent by ACTOR. */
static struct command
command(const char *type, const char *body, const char *uid, const struct actor *actor)
{
	struct command cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.type = type;
	cmd.body = parse(body);
	cmd.actor = actor;
	snprintf(cmd.aggregate_uid, sizeof(cmd.aggregate_uid), "%s", uid);
	snprintf(cmd.process_uid, sizeof(cmd.process_uid), "%s", PROCESS);
	snprintf(cmd.sent_date, sizeof(cmd.sent_date), "%s", SENT_DATE);
	return cmd;
}


/* Decides a creation command of TYPE targeting TARGET. */
static bool
create(const char *type, const char *body, const struct actor *actor,
    const struct company_state *reference, const struct company_state *holding_state,
    const struct company_state *target)
{
	struct command cmd = command(type, body, target->uid, actor);
	struct company_state actor_company;
	struct company_create_facts facts;
	bool ok;

	company_init(&actor_company, "");
	if (actor->type == USER_CLIENT_ACCOUNT_MANAGER)
		actor_company = account;
	facts.call_center = reference;
	facts.holding = holding_state;
	facts.target = target;
	facts.actor_company = &actor_company;
	ok = company_decide_create(&cmd, &facts, events, &err);
	json_object_put(cmd.body);
	return ok;
}


/* Decides an increment of TYPE on TARGET; AGENCY_UID is set for agency commands. */
static bool
update_full(const char *type, const char *body, const struct actor *actor,
    const struct company_state *target, const struct company_state *holding_state,
    const char *agency_uid, bool agency_used, bool agency_hidden)
{
	struct command cmd = command(type, body, target->uid, actor);
	struct company_update_facts facts;
	bool ok;

	memset(&facts, 0, sizeof(facts));
	facts.target = target;
	facts.holding = holding_state;
	facts.actor_company = actor->type == USER_CLIENT_ACCOUNT_MANAGER ? &account : NULL;
	facts.agency_uid = agency_uid;
	facts.agency_uid_used = agency_used;
	facts.agency_hidden = agency_hidden;
	ok = company_decide_update(&cmd, &facts, events, &err);
	json_object_put(cmd.body);
	return ok;
}


static bool
update(const char *type, const char *body, const struct actor *actor,
    const struct company_state *target)
{
	return update_full(type, body, actor, target, NULL, NULL, false, false);
}


static const char *
event_field(size_t index, const char *name)
{
	struct json_object *event = json_object_array_get_idx(events, index);
	struct json_object *value;

	ck_assert_ptr_nonnull(event);
	if (!json_object_object_get_ex(event, name, &value))
		return NULL;
	return json_object_get_string(value);
}


/* Asserts the decision failed with TYPE, stored nothing, and maps to STATUS. */
static void
assert_rejected(bool ok, enum error_type type, int status)
{
	ck_assert(!ok);
	ck_assert_str_eq(error_name(err.type), error_name(type));
	ck_assert_int_eq(error_status(err.type), status);
	ck_assert_uint_eq(json_object_array_length(events), 0);
	ck_assert(err.message_fr[0] != '\0');
	ck_assert(err.message_en[0] != '\0');
}


static void
assert_event_types(const char *const *types)
{
	size_t count = 0;

	for (; types[count] != NULL; count++) {
		ck_assert_uint_gt(json_object_array_length(events), count);
		ck_assert_str_eq(event_field(count, "eventType"), types[count]);
		ck_assert_str_eq(event_field(count, "processUid"), PROCESS);
		ck_assert_str_eq(event_field(count, "sentDate"), SENT_DATE);
	}
	ck_assert_uint_eq(json_object_array_length(events), count);
}

#define EVENTS(...) assert_event_types((const char *const[]){__VA_ARGS__, NULL})

/* ---------------------------------------------------------------- evolve */

START_TEST(evolve_creations_set_kind_and_billing)
{
	ck_assert_int_eq(call_center.kind, COMPANY_CALL_CENTER);
	ck_assert_int_eq(call_center.billing, BILLING_STANDARD);
	ck_assert_int_eq(holding.kind, COMPANY_HOLDING);
	ck_assert_int_eq(holding.billing, BILLING_SPONSORED);
	ck_assert_int_eq(account.kind, COMPANY_CLIENT_ACCOUNT);
	ck_assert_str_eq(account.holding, HOLDING);
	ck_assert_str_eq(account.call_center, CALL_CENTER);
	ck_assert(account.active);
	ck_assert_int_eq(missing.kind, COMPANY_NONE);
}
END_TEST

START_TEST(evolve_billing_follows_events)
{
	struct company_state state;

	fold_events(&state, ACCOUNT,
	    "[{\"eventType\":\"ClientAccountCreated\"},"
	    "{\"eventType\":\"CompanyUpgradedToPremiumAccount\"}]");
	ck_assert_int_eq(state.billing, BILLING_PREMIUM);
	apply(&state, "{\"eventType\":\"CompanyUpgradedToStandardAccount\"}");
	ck_assert_int_eq(state.billing, BILLING_STANDARD);
	apply(&state, "{\"eventType\":\"CompanyDowngradedToPremiumAccount\"}");
	ck_assert_int_eq(state.billing, BILLING_PREMIUM);
	apply(&state, "{\"eventType\":\"PremiumAccountDowngraded\"}");
	ck_assert_int_eq(state.billing, BILLING_SPONSORED);
	company_free(&state);
}
END_TEST

START_TEST(evolve_call_center_stays_standard)
{
	apply(&call_center, "{\"eventType\":\"CompanyUpgradedToStandardAccount\"}");
	ck_assert_int_eq(call_center.billing, BILLING_STANDARD);
}
END_TEST

START_TEST(evolve_cancel_reactivate_identify)
{
	struct company_state state;

	fold_events(&state, ACCOUNT,
	    "[{\"eventType\":\"ClientAccountCreated\"},{\"eventType\":\"CompanyCanceled\"},"
	    "{\"eventType\":\"CompanyIdentified\",\"siretNumber\":\"51234567800019\"}]");
	ck_assert(!state.active);
	ck_assert(state.identified);
	apply(&state, "{\"eventType\":\"CompanyReactivated\"}");
	ck_assert(state.active);
	company_free(&state);
}
END_TEST

START_TEST(evolve_update_replaces_holding)
{
	apply(&account, "{\"eventType\":\"ClientAccountUpdated\",\"name\":\"N\"}");
	ck_assert_str_eq(account.holding, "");
}
END_TEST

START_TEST(evolve_agencies_created_and_deleted)
{
	const struct company_agency *live = company_agency(&account, AGENCY);
	const struct company_agency *gone = company_agency(&account, DELETED_AGENCY);

	ck_assert_uint_eq(account.agency_count, 2);
	ck_assert_ptr_nonnull(live);
	ck_assert(!live->deleted);
	ck_assert_ptr_nonnull(gone);
	ck_assert(gone->deleted);
	ck_assert_ptr_null(company_agency(&account, NEW_AGENCY));
}
END_TEST

/* ---------------------------------------------------------------- visibility */

START_TEST(visible_super_user_sees_all)
{
	ck_assert(company_visible(&super_user, &call_center, NULL));
	ck_assert(company_visible(&super_user, &other_account, NULL));
	ck_assert(!company_visible(&super_user, &missing, NULL));
}
END_TEST

START_TEST(visible_call_center_user_scope)
{
	ck_assert(company_visible(&call_center_user, &call_center, NULL));
	ck_assert(company_visible(&call_center_user, &holding, NULL));
	ck_assert(company_visible(&call_center_user, &account, NULL));
	ck_assert(!company_visible(&call_center_user, &other_call_center, NULL));
	ck_assert(!company_visible(&call_center_user, &other_account, NULL));
}
END_TEST

START_TEST(visible_manager_sees_company_and_holding)
{
	ck_assert(company_visible(&manager, &account, &account));
	ck_assert(company_visible(&manager, &holding, &account));
	ck_assert(!company_visible(&manager, &call_center, &account));
	ck_assert(!company_visible(&manager, &other_account, &account));
}
END_TEST

START_TEST(visible_executive_and_manager_own_only)
{
	ck_assert(company_visible(&executive, &account, NULL));
	ck_assert(!company_visible(&executive, &holding, NULL));
	ck_assert(company_visible(&patrimony_manager, &account, NULL));
	ck_assert(!company_visible(&patrimony_manager, &call_center, NULL));
}
END_TEST

START_TEST(visible_user_without_company_sees_none)
{
	struct actor lost;

	set_actor(&lost, USER_CALL_CENTER, "");
	ck_assert(!company_visible(&lost, &call_center, NULL));
	ck_assert(!company_visible(&lost, &account, NULL));
}
END_TEST

/* ---------------------------------------------------------------- CreateCallCenter */

#define CALL_CENTER_BODY "{\"createdDate\":\"2021-02-01\",\"name\":\"Centre\",\"siretNumber\":\"51234567800019\"}"

START_TEST(create_call_center_events)
{
	ck_assert(create("CreateCallCenter", CALL_CENTER_BODY, &super_user, NULL, NULL, &missing));
	EVENTS("CallCenterCreated", "CompanyIdentified");
	ck_assert_str_eq(event_field(0, "aggregateUid"), NEW_COMPANY);
	ck_assert_str_eq(event_field(0, "name"), "Centre");
	ck_assert_str_eq(event_field(0, "createdDate"), "2021-02-01");
	ck_assert_ptr_null(event_field(0, "billingType"));
	ck_assert_str_eq(event_field(1, "siretNumber"), "51234567800019");
}
END_TEST

START_TEST(create_call_center_without_siret)
{
	ck_assert(create("CreateCallCenter", "{\"createdDate\":\"2021-02-01\",\"name\":\"C\"}",
	    &super_user, NULL, NULL, &missing));
	EVENTS("CallCenterCreated");
}
END_TEST

START_TEST(create_call_center_super_user_only)
{
	assert_rejected(create("CreateCallCenter", CALL_CENTER_BODY, &call_center_user, NULL,
	    NULL, &missing), ERR_FORBIDDEN, 403);
}
END_TEST

START_TEST(create_call_center_role_before_existing)
{
	assert_rejected(create("CreateCallCenter", CALL_CENTER_BODY, &call_center_user, NULL,
	    NULL, &call_center), ERR_FORBIDDEN, 403);
}
END_TEST

START_TEST(create_call_center_existing_uid)
{
	assert_rejected(create("CreateCallCenter", CALL_CENTER_BODY, &super_user, NULL, NULL,
	    &account), ERR_COMPANY_EXISTS, 409);
}
END_TEST

/* ---------------------------------------------------------------- CreateClientAccount(Holding) */

#define ACCOUNT_BODY(billing) \
	"{\"callCenterReference\":\"" CALL_CENTER "\",\"holdingReference\":\"" HOLDING "\"," \
	"\"billingType\":\"" billing "\",\"createdDate\":\"2021-02-01\",\"name\":\"Foncière\"," \
	"\"siretNumber\":\"51234567800019\"}"

START_TEST(create_account_premium_three_events)
{
	ck_assert(create("CreateClientAccount", ACCOUNT_BODY("PremiumAccount"), &super_user,
	    &call_center, &holding, &missing));
	EVENTS("ClientAccountCreated", "CompanyIdentified", "CompanyUpgradedToPremiumAccount");
	ck_assert_str_eq(event_field(0, "callCenterReference"), CALL_CENTER);
	ck_assert_str_eq(event_field(0, "holdingReference"), HOLDING);
	ck_assert_str_eq(event_field(0, "name"), "Foncière");
	ck_assert_ptr_null(event_field(0, "billingType"));
	ck_assert_ptr_null(event_field(0, "siretNumber"));
	ck_assert_str_eq(event_field(2, "upgradedDate"), "2021-02-01");
}
END_TEST

START_TEST(create_account_standard_billing_event)
{
	ck_assert(create("CreateClientAccount", ACCOUNT_BODY("StandardAccount"), &call_center_user,
	    &call_center, &holding, &missing));
	EVENTS("ClientAccountCreated", "CompanyIdentified", "CompanyUpgradedToStandardAccount");
	ck_assert_str_eq(event_field(2, "upgradedDate"), "2021-02-01");
}
END_TEST

START_TEST(create_account_sponsored_one_event)
{
	ck_assert(create("CreateClientAccount",
	    "{\"callCenterReference\":\"" CALL_CENTER "\",\"billingType\":\"SponsoredAccount\","
	    "\"createdDate\":\"2021-02-01\",\"name\":\"F\"}",
	    &super_user, &call_center, NULL, &missing));
	EVENTS("ClientAccountCreated");
	ck_assert_ptr_null(event_field(0, "holdingReference"));
}
END_TEST

START_TEST(create_account_missing_call_center)
{
	struct company_state nowhere;

	company_init(&nowhere, OTHER_ACCOUNT);
	assert_rejected(create("CreateClientAccount", ACCOUNT_BODY("PremiumAccount"), &super_user,
	    &nowhere, &holding, &missing), ERR_COMPANY_NOT_FOUND, 404);
}
END_TEST

START_TEST(create_account_invisible_call_center)
{
	assert_rejected(create("CreateClientAccount", ACCOUNT_BODY("PremiumAccount"),
	    &other_call_center_user, &call_center, &holding, &missing), ERR_COMPANY_NOT_FOUND, 404);
	assert_rejected(create("CreateClientAccount", ACCOUNT_BODY("PremiumAccount"),
	    &executive, &call_center, &holding, &missing), ERR_COMPANY_NOT_FOUND, 404);
}
END_TEST

START_TEST(create_account_reference_not_call_center)
{
	assert_rejected(create("CreateClientAccount", ACCOUNT_BODY("PremiumAccount"), &super_user,
	    &holding, &holding, &missing), ERR_INCONSISTENT_REFERENCE, 409);
}
END_TEST

START_TEST(create_account_role_after_kind)
{
	struct actor odd;

	/* A visible CallCenter, but a role that may not create: 403 comes third. */
	set_actor(&odd, USER_EXECUTIVE, CALL_CENTER);
	assert_rejected(create("CreateClientAccount", ACCOUNT_BODY("PremiumAccount"), &odd,
	    &call_center, &holding, &account), ERR_FORBIDDEN, 403);
	json_object_put(events);
	events = json_object_new_array();

	/* A visible reference of the wrong kind: 409 comes before the role. */
	set_actor(&odd, USER_EXECUTIVE, HOLDING);
	assert_rejected(create("CreateClientAccount", ACCOUNT_BODY("PremiumAccount"), &odd,
	    &holding, &holding, &account), ERR_INCONSISTENT_REFERENCE, 409);
}
END_TEST

START_TEST(create_account_missing_holding)
{
	struct company_state nowhere;

	company_init(&nowhere, OTHER_ACCOUNT);
	assert_rejected(create("CreateClientAccount", ACCOUNT_BODY("PremiumAccount"), &super_user,
	    &call_center, &nowhere, &account), ERR_COMPANY_NOT_FOUND, 404);
}
END_TEST

START_TEST(create_account_invisible_holding)
{
	struct company_state foreign_holding;

	fold_events(&foreign_holding, OTHER_ACCOUNT,
	    "[{\"eventType\":\"ClientAccountHoldingCreated\",\"callCenterReference\":\"" OTHER_CALL_CENTER "\"}]");
	assert_rejected(create("CreateClientAccount", ACCOUNT_BODY("PremiumAccount"),
	    &call_center_user, &call_center, &foreign_holding, &missing), ERR_COMPANY_NOT_FOUND, 404);
	company_free(&foreign_holding);
}
END_TEST

START_TEST(create_account_holding_not_holding)
{
	assert_rejected(create("CreateClientAccount", ACCOUNT_BODY("PremiumAccount"), &super_user,
	    &call_center, &account, &missing), ERR_INCONSISTENT_REFERENCE, 409);
}
END_TEST

START_TEST(create_account_existing_uid_last)
{
	assert_rejected(create("CreateClientAccount", ACCOUNT_BODY("PremiumAccount"), &super_user,
	    &call_center, &holding, &other_account), ERR_COMPANY_EXISTS, 409);
}
END_TEST

START_TEST(create_holding_events)
{
	ck_assert(create("CreateClientAccountHolding",
	    "{\"callCenterReference\":\"" CALL_CENTER "\",\"billingType\":\"PremiumAccount\","
	    "\"createdDate\":\"2021-02-01\",\"name\":\"Groupe\",\"siretNumber\":\"51234567800019\"}",
	    &call_center_user, &call_center, NULL, &missing));
	EVENTS("ClientAccountHoldingCreated", "CompanyIdentified", "CompanyUpgradedToPremiumAccount");
	ck_assert_ptr_null(event_field(0, "holdingReference"));
	ck_assert_str_eq(event_field(0, "callCenterReference"), CALL_CENTER);
}
END_TEST

START_TEST(create_holding_checks)
{
	assert_rejected(create("CreateClientAccountHolding",
	    "{\"callCenterReference\":\"" HOLDING "\",\"createdDate\":\"2021-02-01\",\"name\":\"G\"}",
	    &super_user, &holding, NULL, &missing), ERR_INCONSISTENT_REFERENCE, 409);
	assert_rejected(create("CreateClientAccountHolding",
	    "{\"callCenterReference\":\"" CALL_CENTER "\",\"createdDate\":\"2021-02-01\",\"name\":\"G\"}",
	    &super_user, &call_center, NULL, &holding), ERR_COMPANY_EXISTS, 409);
}
END_TEST

/* ---------------------------------------------------------------- increments: common checks */

START_TEST(update_missing_company)
{
	assert_rejected(update("CancelCompany", "{\"canceledDate\":\"2021-03-01\"}", &super_user,
	    &missing), ERR_COMPANY_NOT_FOUND, 404);
}
END_TEST

START_TEST(update_invisible_company_is_missing)
{
	assert_rejected(update("CancelCompany", "{\"canceledDate\":\"2021-03-01\"}",
	    &other_call_center_user, &account), ERR_COMPANY_NOT_FOUND, 404);
	assert_rejected(update("IdentifyCompany", "{\"siretNumber\":\"51234567800019\"}",
	    &executive, &other_account), ERR_COMPANY_NOT_FOUND, 404);
}
END_TEST

START_TEST(update_visible_but_role_forbidden)
{
	assert_rejected(update("CancelCompany", "{\"canceledDate\":\"2021-03-01\"}", &executive,
	    &account), ERR_FORBIDDEN, 403);
	assert_rejected(update("CancelCompany", "{\"canceledDate\":\"2021-03-01\"}", &manager,
	    &account), ERR_FORBIDDEN, 403);
	assert_rejected(update("UpgradeCompanyToPremiumAccount", "{\"upgradedDate\":\"2021-03-01\"}",
	    &patrimony_manager, &account), ERR_FORBIDDEN, 403);
}
END_TEST

START_TEST(update_role_before_preconditions)
{
	/* The company is already canceled (409), but the role is checked first. */
	apply(&account, "{\"eventType\":\"CompanyCanceled\"}");
	assert_rejected(update("CancelCompany", "{\"canceledDate\":\"2021-03-01\"}", &executive,
	    &account), ERR_FORBIDDEN, 403);
	json_object_put(events);
	events = json_object_new_array();
	apply(&call_center, "{\"eventType\":\"CompanyIdentified\"}");
	assert_rejected(update("IdentifyCompany", "{\"siretNumber\":\"51234567800019\"}",
	    &call_center_user, &call_center), ERR_FORBIDDEN, 403);
}
END_TEST

/* ---------------------------------------------------------------- IdentifyCompany */

START_TEST(identify_event)
{
	ck_assert(update("IdentifyCompany", "{\"siretNumber\":\"51234567800019\"}", &super_user,
	    &account));
	EVENTS("CompanyIdentified");
	ck_assert_str_eq(event_field(0, "siretNumber"), "51234567800019");
	ck_assert_str_eq(event_field(0, "aggregateUid"), ACCOUNT);
}
END_TEST

START_TEST(identify_twice)
{
	apply(&account, "{\"eventType\":\"CompanyIdentified\",\"siretNumber\":\"51234567800019\"}");
	assert_rejected(update("IdentifyCompany", "{\"siretNumber\":\"51234567800019\"}",
	    &super_user, &account), ERR_COMPANY_ALREADY_IDENTIFIED, 409);
}
END_TEST

START_TEST(identify_super_user_only)
{
	assert_rejected(update("IdentifyCompany", "{\"siretNumber\":\"51234567800019\"}",
	    &call_center_user, &account), ERR_FORBIDDEN, 403);
}
END_TEST

/* ---------------------------------------------------------------- Cancel / Reactive */

START_TEST(cancel_event)
{
	ck_assert(update("CancelCompany", "{\"canceledDate\":\"2021-03-01\"}", &call_center_user,
	    &account));
	EVENTS("CompanyCanceled");
	ck_assert_str_eq(event_field(0, "canceledDate"), "2021-03-01");
}
END_TEST

START_TEST(cancel_call_center)
{
	assert_rejected(update("CancelCompany", "{\"canceledDate\":\"2021-03-01\"}", &super_user,
	    &call_center), ERR_CALL_CENTER_NOT_CANCELABLE, 409);
}
END_TEST

START_TEST(cancel_canceled)
{
	apply(&holding, "{\"eventType\":\"CompanyCanceled\"}");
	assert_rejected(update("CancelCompany", "{\"canceledDate\":\"2021-03-01\"}", &super_user,
	    &holding), ERR_COMPANY_ALREADY_CANCELED, 409);
}
END_TEST

START_TEST(reactivate_any_state)
{
	ck_assert(update("ReactiveCompany", "{\"reactivatedDate\":\"2021-03-02\"}", &super_user,
	    &account));
	apply(&account, "{\"eventType\":\"CompanyCanceled\"}");
	ck_assert(update("ReactiveCompany", "{\"reactivatedDate\":\"2021-03-02\"}",
	    &call_center_user, &account));
	EVENTS("CompanyReactivated", "CompanyReactivated");
	ck_assert_str_eq(event_field(1, "reactivatedDate"), "2021-03-02");
}
END_TEST

/* ---------------------------------------------------------------- UpdateClientAccount */

START_TEST(update_account_event)
{
	ck_assert(update_full("UpdateClientAccount",
	    "{\"name\":\"Nouveau\",\"updatedDate\":\"2021-03-01\",\"holdingReference\":\"" HOLDING "\"}",
	    &manager, &account, &holding, NULL, false, false));
	EVENTS("ClientAccountUpdated");
	ck_assert_str_eq(event_field(0, "name"), "Nouveau");
	ck_assert_str_eq(event_field(0, "updatedDate"), "2021-03-01");
	ck_assert_str_eq(event_field(0, "holdingReference"), HOLDING);
}
END_TEST

START_TEST(update_account_without_holding)
{
	ck_assert(update("UpdateClientAccount", "{\"name\":\"N\",\"updatedDate\":\"2021-03-01\"}",
	    &call_center_user, &account));
	EVENTS("ClientAccountUpdated");
	ck_assert_ptr_null(event_field(0, "holdingReference"));
}
END_TEST

START_TEST(update_account_not_applicable)
{
	assert_rejected(update("UpdateClientAccount", "{\"name\":\"N\",\"updatedDate\":\"2021-03-01\"}",
	    &super_user, &holding), ERR_COMMAND_NOT_APPLICABLE, 409);
}
END_TEST

START_TEST(update_account_missing_holding)
{
	struct company_state nowhere;

	company_init(&nowhere, NEW_COMPANY);
	assert_rejected(update_full("UpdateClientAccount",
	    "{\"name\":\"N\",\"updatedDate\":\"2021-03-01\",\"holdingReference\":\"" NEW_COMPANY "\"}",
	    &super_user, &account, &nowhere, NULL, false, false), ERR_COMPANY_NOT_FOUND, 404);
}
END_TEST

START_TEST(update_account_holding_not_holding)
{
	assert_rejected(update_full("UpdateClientAccount",
	    "{\"name\":\"N\",\"updatedDate\":\"2021-03-01\",\"holdingReference\":\"" OTHER_ACCOUNT "\"}",
	    &super_user, &account, &other_account, NULL, false, false),
	    ERR_INCONSISTENT_REFERENCE, 409);
}
END_TEST

START_TEST(update_account_manager_not_on_holding)
{
	assert_rejected(update("UpdateClientAccountHolding",
	    "{\"name\":\"N\",\"updatedDate\":\"2021-03-01\"}", &manager, &holding), ERR_FORBIDDEN, 403);
	json_object_put(events);
	events = json_object_new_array();
	assert_rejected(update("UpdateClientAccount", "{\"name\":\"N\",\"updatedDate\":\"2021-03-01\"}",
	    &manager, &holding), ERR_FORBIDDEN, 403);
}
END_TEST

/* ---------------------------------------------------------------- UpdateClientAccountHolding / UpdateCallCenter */

START_TEST(update_holding_event)
{
	ck_assert(update("UpdateClientAccountHolding", "{\"name\":\"G\",\"updatedDate\":\"2021-03-01\"}",
	    &call_center_user, &holding));
	EVENTS("ClientAccountHoldingUpdated");
	ck_assert_str_eq(event_field(0, "name"), "G");
}
END_TEST

START_TEST(update_holding_not_applicable)
{
	assert_rejected(update("UpdateClientAccountHolding",
	    "{\"name\":\"G\",\"updatedDate\":\"2021-03-01\"}", &super_user, &account),
	    ERR_COMMAND_NOT_APPLICABLE, 409);
}
END_TEST

START_TEST(update_call_center_event)
{
	ck_assert(update("UpdateCallCenter", "{\"name\":\"C\",\"updatedDate\":\"2021-03-01\"}",
	    &call_center_user, &call_center));
	ck_assert(update("UpdateCallCenter", "{\"name\":\"C\",\"updatedDate\":\"2021-03-01\"}",
	    &super_user, &call_center));
	EVENTS("CallCenterUpdated", "CallCenterUpdated");
}
END_TEST

START_TEST(update_call_center_not_applicable)
{
	assert_rejected(update("UpdateCallCenter", "{\"name\":\"C\",\"updatedDate\":\"2021-03-01\"}",
	    &super_user, &account), ERR_COMMAND_NOT_APPLICABLE, 409);
}
END_TEST

START_TEST(update_call_center_own_only)
{
	/* A call-center user may update his own call center, not a client account he sees. */
	assert_rejected(update("UpdateCallCenter", "{\"name\":\"C\",\"updatedDate\":\"2021-03-01\"}",
	    &call_center_user, &account), ERR_FORBIDDEN, 403);
}
END_TEST

/* ---------------------------------------------------------------- billing */

START_TEST(premium_from_sponsored)
{
	ck_assert(update("UpgradeCompanyToPremiumAccount", "{\"upgradedDate\":\"2021-03-01\"}",
	    &call_center_user, &account));
	EVENTS("CompanyUpgradedToPremiumAccount");
	ck_assert_str_eq(event_field(0, "upgradedDate"), "2021-03-01");
}
END_TEST

START_TEST(premium_from_standard_is_downgrade)
{
	apply(&account, "{\"eventType\":\"CompanyUpgradedToStandardAccount\"}");
	ck_assert(update("UpgradeCompanyToPremiumAccount", "{\"upgradedDate\":\"2021-03-01\"}",
	    &super_user, &account));
	EVENTS("CompanyDowngradedToPremiumAccount");
	ck_assert_str_eq(event_field(0, "downgradedDate"), "2021-03-01");
	ck_assert_ptr_null(event_field(0, "upgradedDate"));
}
END_TEST

START_TEST(premium_already_premium)
{
	apply(&account, "{\"eventType\":\"CompanyUpgradedToPremiumAccount\"}");
	assert_rejected(update("UpgradeCompanyToPremiumAccount", "{\"upgradedDate\":\"2021-03-01\"}",
	    &super_user, &account), ERR_COMPANY_ALREADY_PREMIUM, 409);
}
END_TEST

START_TEST(premium_call_center)
{
	assert_rejected(update("UpgradeCompanyToPremiumAccount", "{\"upgradedDate\":\"2021-03-01\"}",
	    &super_user, &call_center), ERR_CALL_CENTER_NOT_PREMIUM_ELIGIBLE, 409);
}
END_TEST

START_TEST(downgrade_premium)
{
	apply(&account, "{\"eventType\":\"CompanyUpgradedToPremiumAccount\"}");
	ck_assert(update("DowngradePremiumAccount", "{\"downgradedDate\":\"2021-03-01\"}",
	    &super_user, &account));
	EVENTS("PremiumAccountDowngraded");
	ck_assert_str_eq(event_field(0, "downgradedDate"), "2021-03-01");
}
END_TEST

START_TEST(downgrade_call_center)
{
	assert_rejected(update("DowngradePremiumAccount", "{\"downgradedDate\":\"2021-03-01\"}",
	    &super_user, &call_center), ERR_CALL_CENTER_NOT_DOWNGRADABLE, 409);
}
END_TEST

START_TEST(downgrade_sponsored)
{
	assert_rejected(update("DowngradePremiumAccount", "{\"downgradedDate\":\"2021-03-01\"}",
	    &super_user, &account), ERR_COMPANY_ALREADY_SPONSORED, 409);
}
END_TEST

START_TEST(downgrade_standard)
{
	apply(&account, "{\"eventType\":\"CompanyUpgradedToStandardAccount\"}");
	assert_rejected(update("DowngradePremiumAccount", "{\"downgradedDate\":\"2021-03-01\"}",
	    &super_user, &account), ERR_COMPANY_NOT_PREMIUM, 409);
}
END_TEST

START_TEST(standard_always_accepted)
{
	ck_assert(update("UpgradeCompanyToStandardAccount", "{\"upgradedDate\":\"2021-03-01\"}",
	    &super_user, &call_center));
	apply(&account, "{\"eventType\":\"CompanyUpgradedToStandardAccount\"}");
	ck_assert(update("UpgradeCompanyToStandardAccount", "{\"upgradedDate\":\"2021-03-01\"}",
	    &call_center_user, &account));
	EVENTS("CompanyUpgradedToStandardAccount", "CompanyUpgradedToStandardAccount");
	ck_assert_str_eq(event_field(1, "upgradedDate"), "2021-03-01");
}
END_TEST

/* ---------------------------------------------------------------- CreateAgency */

#define AGENCY_BODY \
	"{\"createdDate\":\"2021-02-03\",\"agency\":{\"name\":\"Agence\",\"phones\":[],\"emails\":[]}}"

static bool
create_agency(const struct actor *actor, const struct company_state *target, bool used)
{
	return update_full("CreateAgency", AGENCY_BODY, actor, target, NULL, NEW_AGENCY, used, false);
}

START_TEST(create_agency_event)
{
	struct json_object *event, *agency, *uid;

	ck_assert(create_agency(&manager, &account, false));
	EVENTS("AgencyCreated");
	ck_assert_str_eq(event_field(0, "aggregateUid"), ACCOUNT);
	ck_assert_str_eq(event_field(0, "createdDate"), "2021-02-03");
	event = json_object_array_get_idx(events, 0);
	ck_assert(json_object_object_get_ex(event, "agency", &agency));
	ck_assert(json_object_object_get_ex(agency, "agencyUid", &uid));
	ck_assert_str_eq(json_object_get_string(uid), NEW_AGENCY);
}
END_TEST

START_TEST(create_agency_missing_company)
{
	assert_rejected(create_agency(&super_user, &missing, false), ERR_COMPANY_NOT_FOUND, 404);
	assert_rejected(create_agency(&other_call_center_user, &account, false), ERR_COMPANY_NOT_FOUND, 404);
}
END_TEST

START_TEST(create_agency_role_before_kind)
{
	assert_rejected(create_agency(&executive, &account, true), ERR_FORBIDDEN, 403);
	json_object_put(events);
	events = json_object_new_array();
	assert_rejected(create_agency(&manager, &holding, false), ERR_FORBIDDEN, 403);
}
END_TEST

START_TEST(create_agency_only_in_client_account)
{
	assert_rejected(create_agency(&call_center_user, &holding, true),
	    ERR_AGENCY_OUTSIDE_CLIENT_ACCOUNT, 409);
	json_object_put(events);
	events = json_object_new_array();
	assert_rejected(create_agency(&super_user, &call_center, false),
	    ERR_AGENCY_OUTSIDE_CLIENT_ACCOUNT, 409);
}
END_TEST

START_TEST(create_agency_uid_used)
{
	assert_rejected(create_agency(&super_user, &account, true), ERR_AGENCY_EXISTS, 409);
}
END_TEST

/* ---------------------------------------------------------------- UpdateAgency / DeleteAgency */

#define UPDATE_AGENCY_BODY "{\"updatedDate\":\"2021-03-03\",\"agency\":{\"name\":\"Renommée\"}}"
#define DELETE_AGENCY_BODY "{\"deletedDate\":\"2021-03-04\"}"

START_TEST(update_agency_event)
{
	struct json_object *agency, *name;

	ck_assert(update_full("UpdateAgency", UPDATE_AGENCY_BODY, &call_center_user, &account,
	    NULL, AGENCY, false, false));
	EVENTS("AgencyUpdated");
	ck_assert_str_eq(event_field(0, "updatedDate"), "2021-03-03");
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(events, 0), "agency", &agency));
	ck_assert(json_object_object_get_ex(agency, "name", &name));
	ck_assert_str_eq(json_object_get_string(name), "Renommée");
	ck_assert(json_object_object_get_ex(agency, "agencyUid", &name));
	ck_assert_str_eq(json_object_get_string(name), AGENCY);
}
END_TEST

START_TEST(delete_agency_event)
{
	ck_assert(update_full("DeleteAgency", DELETE_AGENCY_BODY, &manager, &account, NULL,
	    AGENCY, false, false));
	EVENTS("AgencyDeleted");
	ck_assert_str_eq(event_field(0, "deletedDate"), "2021-03-04");
	ck_assert_str_eq(event_field(0, "agencyUid"), AGENCY);
}
END_TEST

START_TEST(agency_command_missing_company)
{
	assert_rejected(update_full("DeleteAgency", DELETE_AGENCY_BODY, &super_user, &missing,
	    NULL, AGENCY, false, false), ERR_COMPANY_NOT_FOUND, 404);
}
END_TEST

START_TEST(agency_command_missing_agency)
{
	assert_rejected(update_full("UpdateAgency", UPDATE_AGENCY_BODY, &super_user, &account,
	    NULL, NEW_AGENCY, false, false), ERR_AGENCY_NOT_FOUND, 404);
}
END_TEST

START_TEST(agency_command_deleted_agency)
{
	assert_rejected(update_full("DeleteAgency", DELETE_AGENCY_BODY, &super_user, &account,
	    NULL, DELETED_AGENCY, false, false), ERR_AGENCY_NOT_FOUND, 404);
}
END_TEST

START_TEST(agency_command_other_company)
{
	assert_rejected(update_full("UpdateAgency", UPDATE_AGENCY_BODY, &super_user, &other_account,
	    NULL, AGENCY, false, false), ERR_AGENCY_NOT_FOUND, 404);
}
END_TEST

START_TEST(agency_command_hidden_before_role)
{
	/* An executive's agency he does not manage is missing to him (404), one he manages is 403. */
	assert_rejected(update_full("UpdateAgency", UPDATE_AGENCY_BODY, &executive, &account,
	    NULL, AGENCY, false, true), ERR_AGENCY_NOT_FOUND, 404);
	json_object_put(events);
	events = json_object_new_array();
	assert_rejected(update_full("UpdateAgency", UPDATE_AGENCY_BODY, &executive, &account,
	    NULL, AGENCY, false, false), ERR_FORBIDDEN, 403);
}
END_TEST

START_TEST(agency_command_missing_before_role)
{
	assert_rejected(update_full("DeleteAgency", DELETE_AGENCY_BODY, &patrimony_manager, &account,
	    NULL, NEW_AGENCY, false, false), ERR_AGENCY_NOT_FOUND, 404);
}
END_TEST

START_TEST(agency_command_manager_other_company)
{
	assert_rejected(update_full("DeleteAgency", DELETE_AGENCY_BODY, &manager, &other_account,
	    NULL, AGENCY, false, false), ERR_COMPANY_NOT_FOUND, 404);
}
END_TEST

/* ---------------------------------------------------------------- catalogue */

START_TEST(company_errors_statuses)
{
	static const struct {
		enum error_type type;
		const char *name;
		int status;
	} cases[] = {
		{ERR_COMMAND_ALREADY_SENT, "CommandAlreadySent", 409},
		{ERR_COMPANY_EXISTS, "ImpossibleToCreateExistingCompany", 409},
		{ERR_COMPANY_NOT_FOUND, "ImpossibleToPerfomCommandOnNonExistingCompany", 404},
		{ERR_AGENCY_EXISTS, "ImpossibleToCreateExistingAgency", 409},
		{ERR_AGENCY_NOT_FOUND, "ImpossibleToPerformCommandOnNonExistingAgency", 404},
		{ERR_COMPANY_ALREADY_CANCELED, "ImpossibleToCancelCanceledCompany", 409},
		{ERR_CALL_CENTER_NOT_CANCELABLE, "ImpossibleToCancelCallCenter", 409},
		{ERR_AGENCY_OUTSIDE_CLIENT_ACCOUNT, "ImpossibleToCreateAgencyInAnotherCompanyThatClientAccount", 409},
		{ERR_CALL_CENTER_NOT_PREMIUM_ELIGIBLE, "CallCenterIsNotEligibleToPremiumAccount", 409},
		{ERR_COMPANY_ALREADY_PREMIUM, "CompanyIsAlreadyPremiumAccount", 409},
		{ERR_COMPANY_ALREADY_SPONSORED, "CompanyIsAlreadySponsoredAccount", 409},
		{ERR_CALL_CENTER_NOT_DOWNGRADABLE, "CallCenterIsNotDowngradable", 409},
		{ERR_COMPANY_ALREADY_IDENTIFIED, "CompanyAlreadyIdentified", 409},
		{ERR_COMPANY_NOT_PREMIUM, "CompanyIsNotPremiumAccount", 409},
		{ERR_INCONSISTENT_REFERENCE, "InconsistentReference", 409},
		{ERR_COMMAND_NOT_APPLICABLE, "CommandNotApplicable", 409},
		{ERR_FORBIDDEN, "Forbidden", 403},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_str_eq(error_name(cases[i].type), cases[i].name);
		ck_assert_int_eq(error_status(cases[i].type), cases[i].status);
	}
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("company");
	TCase *evolve = tcase_create("evolve");
	TCase *visibility = tcase_create("visibility");
	TCase *creation = tcase_create("creation");
	TCase *increments = tcase_create("increments");
	TCase *agencies = tcase_create("agencies");

	tcase_add_checked_fixture(evolve, setup, teardown);
	tcase_add_test(evolve, evolve_creations_set_kind_and_billing);
	tcase_add_test(evolve, evolve_billing_follows_events);
	tcase_add_test(evolve, evolve_call_center_stays_standard);
	tcase_add_test(evolve, evolve_cancel_reactivate_identify);
	tcase_add_test(evolve, evolve_update_replaces_holding);
	tcase_add_test(evolve, evolve_agencies_created_and_deleted);
	suite_add_tcase(suite, evolve);

	tcase_add_checked_fixture(visibility, setup, teardown);
	tcase_add_test(visibility, visible_super_user_sees_all);
	tcase_add_test(visibility, visible_call_center_user_scope);
	tcase_add_test(visibility, visible_manager_sees_company_and_holding);
	tcase_add_test(visibility, visible_executive_and_manager_own_only);
	tcase_add_test(visibility, visible_user_without_company_sees_none);
	suite_add_tcase(suite, visibility);

	tcase_add_checked_fixture(creation, setup, teardown);
	tcase_add_test(creation, create_call_center_events);
	tcase_add_test(creation, create_call_center_without_siret);
	tcase_add_test(creation, create_call_center_super_user_only);
	tcase_add_test(creation, create_call_center_role_before_existing);
	tcase_add_test(creation, create_call_center_existing_uid);
	tcase_add_test(creation, create_account_premium_three_events);
	tcase_add_test(creation, create_account_standard_billing_event);
	tcase_add_test(creation, create_account_sponsored_one_event);
	tcase_add_test(creation, create_account_missing_call_center);
	tcase_add_test(creation, create_account_invisible_call_center);
	tcase_add_test(creation, create_account_reference_not_call_center);
	tcase_add_test(creation, create_account_role_after_kind);
	tcase_add_test(creation, create_account_missing_holding);
	tcase_add_test(creation, create_account_invisible_holding);
	tcase_add_test(creation, create_account_holding_not_holding);
	tcase_add_test(creation, create_account_existing_uid_last);
	tcase_add_test(creation, create_holding_events);
	tcase_add_test(creation, create_holding_checks);
	suite_add_tcase(suite, creation);

	tcase_add_checked_fixture(increments, setup, teardown);
	tcase_add_test(increments, update_missing_company);
	tcase_add_test(increments, update_invisible_company_is_missing);
	tcase_add_test(increments, update_visible_but_role_forbidden);
	tcase_add_test(increments, update_role_before_preconditions);
	tcase_add_test(increments, identify_event);
	tcase_add_test(increments, identify_twice);
	tcase_add_test(increments, identify_super_user_only);
	tcase_add_test(increments, cancel_event);
	tcase_add_test(increments, cancel_call_center);
	tcase_add_test(increments, cancel_canceled);
	tcase_add_test(increments, reactivate_any_state);
	tcase_add_test(increments, update_account_event);
	tcase_add_test(increments, update_account_without_holding);
	tcase_add_test(increments, update_account_not_applicable);
	tcase_add_test(increments, update_account_missing_holding);
	tcase_add_test(increments, update_account_holding_not_holding);
	tcase_add_test(increments, update_account_manager_not_on_holding);
	tcase_add_test(increments, update_holding_event);
	tcase_add_test(increments, update_holding_not_applicable);
	tcase_add_test(increments, update_call_center_event);
	tcase_add_test(increments, update_call_center_not_applicable);
	tcase_add_test(increments, update_call_center_own_only);
	tcase_add_test(increments, premium_from_sponsored);
	tcase_add_test(increments, premium_from_standard_is_downgrade);
	tcase_add_test(increments, premium_already_premium);
	tcase_add_test(increments, premium_call_center);
	tcase_add_test(increments, downgrade_premium);
	tcase_add_test(increments, downgrade_call_center);
	tcase_add_test(increments, downgrade_sponsored);
	tcase_add_test(increments, downgrade_standard);
	tcase_add_test(increments, standard_always_accepted);
	tcase_add_test(increments, company_errors_statuses);
	suite_add_tcase(suite, increments);

	tcase_add_checked_fixture(agencies, setup, teardown);
	tcase_add_test(agencies, create_agency_event);
	tcase_add_test(agencies, create_agency_missing_company);
	tcase_add_test(agencies, create_agency_role_before_kind);
	tcase_add_test(agencies, create_agency_only_in_client_account);
	tcase_add_test(agencies, create_agency_uid_used);
	tcase_add_test(agencies, update_agency_event);
	tcase_add_test(agencies, delete_agency_event);
	tcase_add_test(agencies, agency_command_missing_company);
	tcase_add_test(agencies, agency_command_missing_agency);
	tcase_add_test(agencies, agency_command_deleted_agency);
	tcase_add_test(agencies, agency_command_other_company);
	tcase_add_test(agencies, agency_command_hidden_before_role);
	tcase_add_test(agencies, agency_command_missing_before_role);
	tcase_add_test(agencies, agency_command_manager_other_company);
	suite_add_tcase(suite, agencies);

	return run_suite(suite);
}
