/* Unit tests of the ProviderContact aggregate: fold, scopes and decisions. */
#include <stdlib.h>

#include "domain/provider_contact.h"
#include "domain_support.h"
#include "run_suite.h"

#define CONTACT UID_A
#define ACTIVITY_1 "a1000000-0000-4000-8000-000000000001"
#define ACTIVITY_2 "a2000000-0000-4000-8000-000000000002"
#define TYPE_1 "71000000-0000-4000-8000-000000000001"
#define PATRIMONY_1 "b1000000-0000-4000-8000-000000000001"
#define PATRIMONY_2 "b2000000-0000-4000-8000-000000000002"
#define NAME "{\"value\":\"Marc Perrin\",\"nameType\":\"PoorName\"}"

/* A contact of COMPANY_1 (under CENTER_1) with activity 1, patrimony 1 and agency UID_B. */
static const char *const contact_stream =
    "[{\"eventType\":\"ProviderContactAdded\",\"name\":" NAME ",\"phones\":[\"0472\"],\"fax\":[],\"emails\":[]},"
    "{\"eventType\":\"ProviderContactAssociatedToCallCenter\",\"callCenterUid\":\"" CENTER_1 "\"},"
    "{\"eventType\":\"ProviderContactAssociatedToCompany\",\"companyUid\":\"" COMPANY_1 "\"},"
    "{\"eventType\":\"ProviderContactAssociatedToAgency\",\"agencyUid\":\"" UID_B "\"},"
    "{\"eventType\":\"ProviderContactAssociatedWithPatrimony\",\"patrimonyUid\":\"" PATRIMONY_1 "\"},"
    "{\"eventType\":\"ActivityAssignedToProviderContact\",\"activityUid\":\"" ACTIVITY_1 "\","
    "\"includedIncidentTypes\":[\"" TYPE_1 "\"]},"
    "{\"eventType\":\"ProviderContactAssociatedWithProviderCompany\",\"providerCompanyUid\":\"" UID_E "\"}]";

static struct provider_contact_state contact;
static struct uid_list call_centers;
static struct company_state company;
static struct agency_fact agency;
static struct patrimony_fact patrimonies[2];
static struct scope scope;
static struct test_command t;


static void
load_contact(const char *stream)
{
	struct json_object *events = test_events(stream);

	provider_contact_init(&contact, CONTACT);
	provider_contact_fold(&contact, events);
	json_object_put(events);
	uid_list_init(&call_centers);
	uid_list_add(&call_centers, CENTER_1);
}


static void
set_company(const char *uid, enum company_kind kind, const char *call_center)
{
	company_init(&company, uid);
	company.kind = kind;
	snprintf(company.call_center, 37, "%s", call_center);
}


static void
set_patrimony(size_t index, const char *uid, bool exists, const char *company_uid)
{
	/* A test may set a patrimony that start() set already: free that one first. */
	patrimony_free(&patrimonies[index].state);
	memset(&patrimonies[index], 0, sizeof(patrimonies[index]));
	patrimony_init(&patrimonies[index].state, uid);
	patrimonies[index].state.exists = exists;
	uid_list_add(&patrimonies[index].state.agencies, UID_B);
	snprintf(patrimonies[index].company_uid, 37, "%s", company_uid);
	snprintf(patrimonies[index].call_center_uid, 37, "%s", CENTER_1);
}


static void
start(const char *type, const char *body, enum user_type user, const char *actor_company)
{
	test_command_start(&t, type, CONTACT, body, user, actor_company);
	scope_init(&scope, &t.actor);
	memset(&agency, 0, sizeof(agency));
	set_company("", COMPANY_NONE, "");
	set_patrimony(0, PATRIMONY_1, true, COMPANY_1);
	set_patrimony(1, PATRIMONY_2, true, COMPANY_1);
}


static void
finish(void)
{
	test_command_end(&t);
	scope_free(&scope);
	provider_contact_free(&contact);
	uid_list_free(&call_centers);
	patrimony_free(&patrimonies[0].state);
	patrimony_free(&patrimonies[1].state);
}


static bool
update(size_t patrimony_count)
{
	struct provider_contact_facts facts = {&scope, &contact, &call_centers, &company, &agency,
	    patrimonies, patrimony_count, NULL};

	return provider_contact_decide_update(&t.cmd, &facts, t.events, &t.err);
}


START_TEST(fold_builds_state)
{
	load_contact(contact_stream);
	ck_assert(contact.exists);
	ck_assert(contact.active);
	ck_assert(uid_list_has(&contact.companies, COMPANY_1));
	ck_assert(uid_list_has(&contact.call_centers, CENTER_1));
	ck_assert(uid_list_has(&contact.patrimonies, PATRIMONY_1));
	ck_assert_uint_eq(contact.activity_count, 1);
	ck_assert_str_eq(contact.provider_company, UID_E);
	provider_contact_free(&contact);
	uid_list_free(&call_centers);
}
END_TEST


START_TEST(visibility_by_user_kind)
{
	struct actor actor = {.type = USER_CALL_CENTER};
	struct uid_list none;
	struct scope s;

	load_contact(contact_stream);
	uid_list_init(&none);
	snprintf(actor.company_uid, 37, "%s", CENTER_1);
	scope_init(&s, &actor);
	ck_assert(provider_contact_visible(&s, &contact, &none));
	snprintf(s.company_uid, 37, "%s", CENTER_2);
	ck_assert(!provider_contact_visible(&s, &contact, &none));
	uid_list_add(&none, CENTER_2);
	ck_assert(provider_contact_visible(&s, &contact, &none));

	s.type = USER_EXECUTIVE;
	snprintf(s.company_uid, 37, "%s", COMPANY_1);
	ck_assert(provider_contact_visible(&s, &contact, &none));
	snprintf(s.company_uid, 37, "%s", COMPANY_2);
	ck_assert(!provider_contact_visible(&s, &contact, &none));
	uid_list_free(&none);
	scope_free(&s);
	provider_contact_free(&contact);
	uid_list_free(&call_centers);
}
END_TEST


static bool
create(bool exists)
{
	struct provider_contact_facts facts = {&scope, &contact, NULL, &company, NULL, NULL, 0,
	    "2021-02-10"};

	contact.exists = exists;
	return provider_contact_decide_create(&t.cmd, &facts, t.events, &t.err);
}

#define ADD_BODY "{\"companyUid\":\"" COMPANY_1 "\",\"date\":\"2021-02-10T14:02:51.207Z\",\"name\":" NAME "," \
	"\"phones\":[],\"fax\":[],\"emails\":[],\"providerCompanyUid\":\"" UID_E "\"}"


START_TEST(add_emits_association_events)
{
	start("AddProviderContact", ADD_BODY, USER_CALL_CENTER, CENTER_1);
	load_contact("[]");
	set_company(COMPANY_1, COMPANY_CLIENT_ACCOUNT, CENTER_1);
	ck_assert(create(false));
	ck_assert_event_types(&t, "ProviderContactAdded", "ProviderContactAssociatedToCallCenter",
	    "ProviderContactAssociatedToCompany", "ProviderContactAssociatedWithProviderCompany");
	ck_assert_str_eq(test_string(test_event(&t, 0), "date"), "2021-02-10T14:02:51.207Z");
	ck_assert_str_eq(test_string(test_event(&t, 1), "date"), "2021-02-10");
	ck_assert_str_eq(test_string(test_event(&t, 1), "callCenterUid"), CENTER_1);
	ck_assert_str_eq(test_string(test_event(&t, 2), "companyUid"), COMPANY_1);
	finish();
}
END_TEST


START_TEST(add_checks_in_order)
{
	start("AddProviderContact", ADD_BODY, USER_SUPER, "");
	load_contact("[]");
	ck_assert_rejected(create(true), &t, ERR_REFERENCED_ENTITY_NOT_FOUND);
	finish();

	start("AddProviderContact", ADD_BODY, USER_CALL_CENTER, CENTER_2);
	load_contact("[]");
	set_company(COMPANY_1, COMPANY_CLIENT_ACCOUNT, CENTER_1);
	ck_assert_rejected(create(true), &t, ERR_REFERENCED_ENTITY_NOT_FOUND);
	finish();

	start("AddProviderContact", ADD_BODY, USER_SUPER, "");
	load_contact("[]");
	set_company(COMPANY_1, COMPANY_HOLDING, CENTER_1);
	ck_assert_rejected(create(true), &t, ERR_INCONSISTENT_REFERENCE);
	finish();

	start("AddProviderContact", ADD_BODY, USER_PATRIMONY_MANAGER, COMPANY_1);
	load_contact("[]");
	set_company(COMPANY_1, COMPANY_CLIENT_ACCOUNT, CENTER_1);
	ck_assert_rejected(create(true), &t, ERR_FORBIDDEN);
	finish();

	start("AddProviderContact", ADD_BODY, USER_SUPER, "");
	load_contact("[]");
	set_company(COMPANY_1, COMPANY_CLIENT_ACCOUNT, CENTER_1);
	ck_assert_rejected(create(true), &t, ERR_PROVIDER_CONTACT_EXISTS);
	finish();
}
END_TEST


START_TEST(increment_on_missing_or_hidden_contact)
{
	start("DisableProviderContact", "{\"date\":\"2021-03-01T00:00:00.000Z\"}", USER_SUPER, "");
	load_contact("[]");
	ck_assert_rejected(update(0), &t, ERR_PROVIDER_CONTACT_NOT_FOUND);
	finish();

	start("DisableProviderContact", "{\"date\":\"2021-03-01T00:00:00.000Z\"}",
	    USER_CLIENT_ACCOUNT_MANAGER, COMPANY_2);
	load_contact(contact_stream);
	ck_assert_rejected(update(0), &t, ERR_PROVIDER_CONTACT_NOT_FOUND);
	finish();

	start("DisableProviderContact", "{\"date\":\"2021-03-01T00:00:00.000Z\"}",
	    USER_PATRIMONY_MANAGER, COMPANY_1);
	load_contact(contact_stream);
	ck_assert_rejected(update(0), &t, ERR_FORBIDDEN);
	finish();
}
END_TEST


START_TEST(agency_association_rules)
{
	const char *body = "{\"agencyUid\":\"" UID_C "\",\"date\":\"2021-02-10\"}";

	start("AssociateProviderContactToAgency", body, USER_SUPER, "");
	load_contact(contact_stream);
	ck_assert_rejected(update(0), &t, ERR_REFERENCED_ENTITY_NOT_FOUND);
	finish();

	start("AssociateProviderContactToAgency", body, USER_SUPER, "");
	load_contact(contact_stream);
	agency = (struct agency_fact){UID_C, true, true, COMPANY_1, CENTER_1};
	ck_assert_rejected(update(0), &t, ERR_INCONSISTENT_REFERENCE);
	finish();

	start("AssociateProviderContactToAgency", body, USER_SUPER, "");
	load_contact(contact_stream);
	agency = (struct agency_fact){UID_C, true, false, COMPANY_2, CENTER_1};
	ck_assert_rejected(update(0), &t, ERR_PROVIDER_AGENCY_COMPANY_NOT_ASSOCIATED);
	finish();

	start("AssociateProviderContactToAgency", "{\"agencyUid\":\"" UID_B "\",\"date\":\"2021-02-10\"}",
	    USER_SUPER, "");
	load_contact(contact_stream);
	agency = (struct agency_fact){UID_B, true, false, COMPANY_1, CENTER_1};
	ck_assert_rejected(update(0), &t, ERR_PROVIDER_AGENCY_ALREADY_ASSOCIATED);
	finish();

	start("AssociateProviderContactToAgency", body, USER_SUPER, "");
	load_contact(contact_stream);
	agency = (struct agency_fact){UID_C, true, false, COMPANY_1, CENTER_1};
	ck_assert(update(0));
	ck_assert_event_types(&t, "ProviderContactAssociatedToAgency");
	ck_assert_str_eq(test_string(test_event(&t, 0), "date"), "2021-02-10");
	finish();

	start("DissociateProviderContactFromAgency", body, USER_SUPER, "");
	load_contact(contact_stream);
	ck_assert_rejected(update(0), &t, ERR_PROVIDER_AGENCY_NOT_ASSOCIATED);
	finish();
}
END_TEST


START_TEST(company_association_rules)
{
	const char *body = "{\"companyUid\":\"" COMPANY_2 "\",\"date\":\"2021-02-10\"}";

	start("AssociateProviderContactToCompany", body, USER_SUPER, "");
	load_contact(contact_stream);
	ck_assert_rejected(update(0), &t, ERR_REFERENCED_ENTITY_NOT_FOUND);
	finish();

	start("AssociateProviderContactToCompany", body, USER_SUPER, "");
	load_contact(contact_stream);
	set_company(COMPANY_2, COMPANY_CALL_CENTER, "");
	ck_assert_rejected(update(0), &t, ERR_INCONSISTENT_REFERENCE);
	finish();

	start("AssociateProviderContactToCompany", body, USER_SUPER, "");
	load_contact(contact_stream);
	set_company(COMPANY_1, COMPANY_CLIENT_ACCOUNT, CENTER_1);
	ck_assert_rejected(update(0), &t, ERR_PROVIDER_CLIENT_COMPANY_ALREADY_ASSOCIATED);
	finish();

	/* A new call center is associated first; a known one is not repeated. */
	start("AssociateProviderContactToCompany", body, USER_SUPER, "");
	load_contact(contact_stream);
	set_company(COMPANY_2, COMPANY_CLIENT_ACCOUNT, CENTER_2);
	ck_assert(update(0));
	ck_assert_event_types(&t, "ProviderContactAssociatedToCallCenter", "ProviderContactAssociatedToCompany");
	finish();

	start("AssociateProviderContactToCompany", body, USER_SUPER, "");
	load_contact(contact_stream);
	set_company(COMPANY_2, COMPANY_CLIENT_ACCOUNT, CENTER_1);
	ck_assert(update(0));
	ck_assert_event_types(&t, "ProviderContactAssociatedToCompany");
	finish();
}
END_TEST


START_TEST(provider_company_and_activities)
{
	start("AssociateProviderContactWithProviderCompany", "{\"providerCompanyUid\":\"" UID_E "\"}",
	    USER_SUPER, "");
	load_contact(contact_stream);
	ck_assert_rejected(update(0), &t, ERR_PROVIDER_COMPANY_ALREADY_ASSOCIATED);
	finish();

	start("AssociateProviderContactWithProviderCompany", "{\"providerCompanyUid\":\"" UID_D "\"}",
	    USER_SUPER, "");
	load_contact(contact_stream);
	ck_assert(update(0));
	ck_assert_event_types(&t, "ProviderContactAssociatedWithProviderCompany");
	finish();

	start("RemoveActivityFromProviderContact", "{\"activityUid\":\"" ACTIVITY_2 "\"}", USER_SUPER, "");
	load_contact(contact_stream);
	ck_assert_rejected(update(0), &t, ERR_PROVIDER_ACTIVITY_NOT_FOUND);
	finish();

	start("AssignActivityToProviderContact", "{\"activityUid\":\"" ACTIVITY_1 "\","
	    "\"includedIncidentTypes\":[]}", USER_SUPER, "");
	load_contact(contact_stream);
	ck_assert(update(0));
	ck_assert_event_types(&t, "ActivityAssignedToProviderContact");
	finish();
}
END_TEST


START_TEST(patrimony_association_rules)
{
	const char *body = "{\"patrimonyUid\":\"" PATRIMONY_2 "\"}";

	start("AssociateProviderContactWithPatrimony", body, USER_SUPER, "");
	load_contact(contact_stream);
	set_patrimony(0, PATRIMONY_2, false, "");
	ck_assert_rejected(update(1), &t, ERR_REFERENCED_ENTITY_NOT_FOUND);
	finish();

	start("AssociateProviderContactWithPatrimony", body, USER_SUPER, "");
	load_contact(contact_stream);
	set_patrimony(0, PATRIMONY_2, true, COMPANY_2);
	ck_assert_rejected(update(1), &t, ERR_PROVIDER_PATRIMONY_COMPANY_NOT_ASSOCIATED);
	finish();

	start("AssociateProviderContactWithPatrimony", "{\"patrimonyUid\":\"" PATRIMONY_1 "\"}", USER_SUPER, "");
	load_contact(contact_stream);
	ck_assert_rejected(update(1), &t, ERR_PROVIDER_PATRIMONY_ALREADY_ASSOCIATED);
	finish();

	start("DissociateProviderContactFromPatrimony", body, USER_SUPER, "");
	load_contact(contact_stream);
	ck_assert_rejected(update(1), &t, ERR_PROVIDER_PATRIMONY_NOT_ASSOCIATED);
	finish();
}
END_TEST


#define CRUSH_SAME "{\"name\":" NAME ",\"phones\":[\"0472\"],\"fax\":[],\"emails\":[]," \
	"\"patrimonies\":[\"" PATRIMONY_1 "\"],\"activities\":[{\"activityUid\":\"" ACTIVITY_1 "\"," \
	"\"includedIncidentTypes\":[\"" TYPE_1 "\"]}]}"


START_TEST(crush_without_difference)
{
	start("CrushUpdateProviderContact", CRUSH_SAME, USER_SUPER, "");
	load_contact(contact_stream);
	ck_assert(update(1));
	ck_assert_uint_eq(json_object_array_length(t.events), 0);
	finish();
}
END_TEST


START_TEST(crush_events_in_group_order)
{
	start("CrushUpdateProviderContact", "{\"name\":{\"value\":\"M. Perrin\",\"nameType\":\"PoorName\"},"
	    "\"phones\":[\"0472\"],\"fax\":[],\"emails\":[],\"patrimonies\":[\"" PATRIMONY_2 "\"],"
	    "\"activities\":[{\"activityUid\":\"" ACTIVITY_2 "\",\"includedIncidentTypes\":[]}]}",
	    USER_SUPER, "");
	load_contact(contact_stream);
	set_patrimony(0, PATRIMONY_2, true, COMPANY_1);
	ck_assert(update(1));
	ck_assert_event_types(&t, "ProviderContactUpdated", "ActivityRemovedFromProviderContact",
	    "ActivityAssignedToProviderContact", "ProviderContactDissociatedFromPatrimony",
	    "ProviderContactAssociatedWithPatrimony");
	ck_assert_str_eq(test_string(test_event(&t, 0), "date"), "2021-03-15T09:00:00.000Z");
	ck_assert_str_eq(test_string(test_event(&t, 1), "activityUid"), ACTIVITY_1);
	ck_assert_str_eq(test_string(test_event(&t, 3), "patrimonyUid"), PATRIMONY_1);
	ck_assert_str_eq(test_string(test_event(&t, 4), "patrimonyUid"), PATRIMONY_2);
	finish();
}
END_TEST


START_TEST(crush_changed_incident_types)
{
	start("CrushUpdateProviderContact", "{\"name\":" NAME ",\"phones\":[\"0472\"],\"fax\":[],"
	    "\"emails\":[],\"patrimonies\":[\"" PATRIMONY_1 "\"],\"activities\":[{\"activityUid\":\""
	    ACTIVITY_1 "\",\"includedIncidentTypes\":[]}]}", USER_SUPER, "");
	load_contact(contact_stream);
	ck_assert(update(1));
	ck_assert_event_types(&t, "ActivityAssignedToProviderContact");
	finish();
}
END_TEST


START_TEST(crush_rejects_foreign_patrimony)
{
	start("CrushUpdateProviderContact", "{\"name\":" NAME ",\"phones\":[],\"fax\":[],\"emails\":[],"
	    "\"patrimonies\":[\"" PATRIMONY_2 "\"],\"activities\":[]}", USER_SUPER, "");
	load_contact(contact_stream);
	set_patrimony(0, PATRIMONY_2, true, COMPANY_2);
	ck_assert_rejected(update(1), &t, ERR_PROVIDER_PATRIMONY_COMPANY_NOT_ASSOCIATED);
	finish();
}
END_TEST


START_TEST(crush_validation_rejects_duplicate_activity)
{
	struct json_object *body = json_tokener_parse("{\"activities\":[{\"activityUid\":\"" ACTIVITY_1 "\"},"
	    "{\"activityUid\":\"" ACTIVITY_1 "\"}]}");
	struct error err;

	ck_assert(!provider_contact_validate("CrushUpdateProviderContact", body, &err));
	ck_assert_int_eq(err.type, ERR_INVALID_COMMAND);
	ck_assert_ptr_nonnull(strstr(err.message_en, "activities[1].activityUid"));
	json_object_put(body);
}
END_TEST


static Suite *
provider_contact_suite(void)
{
	Suite *suite = suite_create("provider_contact");
	TCase *state = tcase_create("state");
	TCase *decide = tcase_create("decide");
	TCase *crush = tcase_create("crush");

	tcase_add_test(state, fold_builds_state);
	tcase_add_test(state, visibility_by_user_kind);
	tcase_add_test(decide, add_emits_association_events);
	tcase_add_test(decide, add_checks_in_order);
	tcase_add_test(decide, increment_on_missing_or_hidden_contact);
	tcase_add_test(decide, agency_association_rules);
	tcase_add_test(decide, company_association_rules);
	tcase_add_test(decide, provider_company_and_activities);
	tcase_add_test(decide, patrimony_association_rules);
	tcase_add_test(crush, crush_without_difference);
	tcase_add_test(crush, crush_events_in_group_order);
	tcase_add_test(crush, crush_changed_incident_types);
	tcase_add_test(crush, crush_rejects_foreign_patrimony);
	tcase_add_test(crush, crush_validation_rejects_duplicate_activity);
	suite_add_tcase(suite, state);
	suite_add_tcase(suite, decide);
	suite_add_tcase(suite, crush);
	return suite;
}


int
main(void)
{
	return run_suite(provider_contact_suite());
}
