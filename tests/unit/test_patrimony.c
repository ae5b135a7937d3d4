/* Unit tests of the Patrimony aggregate: fold, scopes and decisions. */
#include <stdlib.h>

#include "domain/patrimony.h"
#include "domain_support.h"
#include "run_suite.h"

/* A patrimony UID_A of COMPANY_1 (under CENTER_1) with agencies UID_B and UID_C. */
static const char *const patrimony_stream =
    "[{\"eventType\":\"PatrimonyReferenced\",\"ref\":\"TIL-01\",\"agencies\":[\"" UID_B "\"]},"
    "{\"eventType\":\"PatrimonyAssociatedInAgency\",\"agencyUid\":\"" UID_C "\"},"
    "{\"eventType\":\"BuildingReferenced\",\"buildingUid\":\"" UID_D "\",\"label\":\"Bâtiment A\"},"
    "{\"eventType\":\"ComplementaryAddressAddedToPatrimony\",\"complementaryAddress\":"
    "{\"uid\":\"" UID_E "\",\"number\":\"14\",\"street\":\"Rue des Tilleuls\",\"zipCode\":\"69003\","
    "\"city\":\"Lyon\"}}]";

static struct patrimony_fact target;
static struct scope scope;
static struct test_command t;


static void
load_target(const char *stream)
{
	struct json_object *events = test_events(stream);

	memset(&target, 0, sizeof(target));
	patrimony_init(&target.state, UID_A);
	patrimony_fold(&target.state, events);
	json_object_put(events);
	snprintf(target.company_uid, 37, "%s", COMPANY_1);
	snprintf(target.call_center_uid, 37, "%s", CENTER_1);
}


static void
agency(struct agency_fact *fact, const char *uid, bool exists, bool deleted, const char *company)
{
	memset(fact, 0, sizeof(*fact));
	snprintf(fact->uid, 37, "%s", uid);
	fact->exists = exists;
	fact->deleted = deleted;
	snprintf(fact->company_uid, 37, "%s", company);
	snprintf(fact->call_center_uid, 37, "%s", CENTER_1);
}


static void
start(const char *type, const char *body, enum user_type user, const char *company)
{
	test_command_start(&t, type, UID_A, body, user, company);
	scope_init(&scope, &t.actor);
}


static void
finish(void)
{
	test_command_end(&t);
	scope_free(&scope);
	patrimony_free(&target.state);
}


static bool
update(const struct agency_fact *fact)
{
	struct patrimony_update_facts facts = {&scope, &target, fact, "f0000000-0000-4000-8000-00000000000f"};

	return patrimony_decide_update(&t.cmd, &facts, t.events, &t.err);
}


START_TEST(fold_builds_state)
{
	load_target(patrimony_stream);
	ck_assert(target.state.exists);
	ck_assert_uint_eq(target.state.agencies.count, 2);
	ck_assert_str_eq(target.state.agencies.items[1], UID_C);
	ck_assert(patrimony_has_building(&target.state, UID_D));
	ck_assert_uint_eq(target.state.address_count, 1);
	patrimony_free(&target.state);
}
END_TEST


START_TEST(fold_removes_links)
{
	load_target("[{\"eventType\":\"PatrimonyReferenced\",\"ref\":\"R\",\"agencies\":[\"" UID_B "\",\"" UID_C "\"]},"
	    "{\"eventType\":\"PatrimonyDissociatedFromAgency\",\"agencyUid\":\"" UID_B "\"},"
	    "{\"eventType\":\"ComplementaryAddressAddedToPatrimony\",\"complementaryAddress\":{\"uid\":\"" UID_E "\","
	    "\"street\":\"s\",\"zipCode\":\"1\",\"city\":\"c\"}},"
	    "{\"eventType\":\"ComplementaryAddressRemovedFromPatrimony\",\"addressUid\":\"" UID_E "\"}]");
	ck_assert_uint_eq(target.state.agencies.count, 1);
	ck_assert_str_eq(target.state.agencies.items[0], UID_C);
	ck_assert_uint_eq(target.state.address_count, 0);
	patrimony_free(&target.state);
}
END_TEST


START_TEST(building_key_trims_and_folds)
{
	char *a = patrimony_building_key("  Bâtiment  A\t");
	char *b = patrimony_building_key("batiment a");

	ck_assert_str_eq(a, b);
	free(a);
	free(b);
}
END_TEST


/* Starts S as the scope of a user of TYPE in COMPANY, with empty lists. */
static void
scope_as(struct scope *s, enum user_type type, const char *company)
{
	struct actor actor = {.type = type};

	snprintf(actor.company_uid, 37, "%s", company);
	scope_free(s);
	scope_init(s, &actor);
}


START_TEST(scopes_of_each_user_kind)
{
	struct scope s = {0};

	load_target(patrimony_stream);
	scope_as(&s, USER_CALL_CENTER, CENTER_1);
	ck_assert(patrimony_visible(&s, &target));
	scope_as(&s, USER_CALL_CENTER, CENTER_2);
	ck_assert(!patrimony_visible(&s, &target));

	scope_as(&s, USER_CLIENT_ACCOUNT_MANAGER, COMPANY_1);
	ck_assert(patrimony_visible(&s, &target));
	scope_as(&s, USER_CLIENT_ACCOUNT_MANAGER, COMPANY_2);
	ck_assert(!patrimony_visible(&s, &target));

	scope_as(&s, USER_EXECUTIVE, COMPANY_1);
	ck_assert(!patrimony_visible(&s, &target));
	uid_list_add(&s.agencies, UID_C);
	ck_assert(patrimony_visible(&s, &target));

	scope_as(&s, USER_PATRIMONY_MANAGER, COMPANY_1);
	ck_assert(!patrimony_visible(&s, &target));
	uid_list_add(&s.patrimonies, UID_A);
	ck_assert(patrimony_visible(&s, &target));

	scope_as(&s, USER_SUPER, "");
	ck_assert(patrimony_visible(&s, &target));
	target.state.exists = false;
	ck_assert(!patrimony_visible(&s, &target));
	scope_free(&s);
	patrimony_free(&target.state);
}
END_TEST


static bool
create(struct agency_fact *agencies, size_t count, bool used)
{
	struct patrimony_create_facts facts = {&scope, agencies, count, used};

	return patrimony_decide_create(&t.cmd, &facts, t.events, &t.err);
}

#define CREATE_BODY "{\"ref\":\"TIL-01\",\"label\":\"Les Tilleuls\",\"agencyUids\":[\"" UID_B "\",\"" UID_C "\"]}"


START_TEST(create_emits_patrimony_referenced)
{
	struct agency_fact agencies[2];

	start("ReferencePatrimony", CREATE_BODY, USER_SUPER, "");
	agency(&agencies[0], UID_B, true, false, COMPANY_1);
	agency(&agencies[1], UID_C, true, false, COMPANY_1);
	ck_assert(create(agencies, 2, false));
	ck_assert_event_types(&t, "PatrimonyReferenced");
	ck_assert_str_eq(test_string(test_event(&t, 0), "ref"), "TIL-01");
	ck_assert_str_eq(test_string(test_event(&t, 0), "label"), "Les Tilleuls");
	ck_assert_str_eq(json_object_to_json_string(json_object_object_get(test_event(&t, 0), "agencies")),
	    "[ \"" UID_B "\", \"" UID_C "\" ]");
	finish();
}
END_TEST


START_TEST(create_unknown_agency)
{
	struct agency_fact agencies[2];

	start("ReferencePatrimony", CREATE_BODY, USER_SUPER, "");
	agency(&agencies[0], UID_B, true, true, COMPANY_1);
	agency(&agencies[1], UID_C, false, false, "");
	/* Existence of every agency is checked before any of them is found deleted. */
	ck_assert_rejected(create(agencies, 2, true), &t, ERR_REFERENCED_ENTITY_NOT_FOUND);
	finish();
}
END_TEST


START_TEST(create_agency_outside_executive_scope)
{
	struct agency_fact agencies[1];

	start("ReferencePatrimony", CREATE_BODY, USER_EXECUTIVE, COMPANY_1);
	uid_list_add(&scope.agencies, UID_C);
	agency(&agencies[0], UID_B, true, false, COMPANY_1);
	ck_assert_rejected(create(agencies, 1, false), &t, ERR_REFERENCED_ENTITY_NOT_FOUND);
	finish();
}
END_TEST


START_TEST(create_deleted_agency)
{
	struct agency_fact agencies[1];

	start("ReferencePatrimony", CREATE_BODY, USER_SUPER, "");
	agency(&agencies[0], UID_B, true, true, COMPANY_1);
	ck_assert_rejected(create(agencies, 1, false), &t, ERR_INCONSISTENT_REFERENCE);
	finish();
}
END_TEST


START_TEST(create_agencies_of_two_companies)
{
	struct agency_fact agencies[2];

	start("ReferencePatrimony", CREATE_BODY, USER_SUPER, "");
	agency(&agencies[0], UID_B, true, false, COMPANY_1);
	agency(&agencies[1], UID_C, true, false, COMPANY_2);
	ck_assert_rejected(create(agencies, 2, false), &t, ERR_INCONSISTENT_REFERENCE);
	finish();
}
END_TEST


START_TEST(create_by_patrimony_manager)
{
	struct agency_fact agencies[1];

	start("ReferencePatrimony", CREATE_BODY, USER_PATRIMONY_MANAGER, COMPANY_1);
	uid_list_add(&scope.agencies, UID_B);
	agency(&agencies[0], UID_B, true, false, COMPANY_1);
	ck_assert_rejected(create(agencies, 1, true), &t, ERR_FORBIDDEN);
	finish();
}
END_TEST


START_TEST(create_existing_patrimony)
{
	struct agency_fact agencies[1];

	start("ReferencePatrimony", CREATE_BODY, USER_CLIENT_ACCOUNT_MANAGER, COMPANY_1);
	agency(&agencies[0], UID_B, true, false, COMPANY_1);
	ck_assert_rejected(create(agencies, 1, true), &t, ERR_PATRIMONY_EXISTS);
	finish();
}
END_TEST


START_TEST(update_missing_patrimony)
{
	start("UpdatePatrimony", "{\"ref\":\"X\"}", USER_SUPER, "");
	load_target("[]");
	ck_assert_rejected(update(NULL), &t, ERR_PATRIMONY_NOT_FOUND);
	finish();
}
END_TEST


START_TEST(update_invisible_patrimony)
{
	start("UpdatePatrimony", "{\"ref\":\"X\"}", USER_CLIENT_ACCOUNT_MANAGER, COMPANY_2);
	load_target(patrimony_stream);
	ck_assert_rejected(update(NULL), &t, ERR_PATRIMONY_NOT_FOUND);
	finish();
}
END_TEST


START_TEST(update_by_patrimony_manager)
{
	start("UpdatePatrimony", "{\"ref\":\"X\"}", USER_PATRIMONY_MANAGER, COMPANY_1);
	uid_list_add(&scope.patrimonies, UID_A);
	load_target(patrimony_stream);
	ck_assert_rejected(update(NULL), &t, ERR_FORBIDDEN);
	finish();
}
END_TEST


START_TEST(update_replaces_fields)
{
	start("UpdatePatrimony", "{\"ref\":\"X\",\"comment\":\"\"}", USER_SUPER, "");
	load_target(patrimony_stream);
	ck_assert(update(NULL));
	ck_assert_event_types(&t, "PatrimonyUpdated");
	ck_assert_str_eq(test_string(test_event(&t, 0), "ref"), "X");
	ck_assert(!json_object_object_get_ex(test_event(&t, 0), "label", NULL));
	ck_assert_str_eq(test_string(test_event(&t, 0), "comment"), "");
	finish();
}
END_TEST


START_TEST(building_same_folded_label)
{
	start("ReferenceBuilding", "{\"label\":\" BATIMENT a \"}", USER_SUPER, "");
	load_target(patrimony_stream);
	ck_assert_rejected(update(NULL), &t, ERR_BUILDING_EXISTS);
	finish();
}
END_TEST


START_TEST(building_new_label)
{
	start("ReferenceBuilding", "{\"label\":\"Bâtiment B\"}", USER_SUPER, "");
	load_target(patrimony_stream);
	ck_assert(update(NULL));
	ck_assert_event_types(&t, "BuildingReferenced");
	ck_assert_str_eq(test_string(test_event(&t, 0), "buildingUid"), "f0000000-0000-4000-8000-00000000000f");
	ck_assert_str_eq(test_string(test_event(&t, 0), "label"), "Bâtiment B");
	finish();
}
END_TEST


START_TEST(complementary_address_duplicate)
{
	start("AddComplementaryAddressToPatrimony", "{\"complementaryAddress\":{\"number\":\"14\","
	    "\"street\":\"rue des tilleuls\",\"zipCode\":\"69003\",\"city\":\"LYON\",\"floor\":\"2\"}}",
	    USER_SUPER, "");
	load_target(patrimony_stream);
	ck_assert_rejected(update(NULL), &t, ERR_COMPLEMENTARY_ADDRESS_EXISTS);
	finish();
}
END_TEST


START_TEST(complementary_address_added_with_uid)
{
	struct json_object *address;

	start("AddComplementaryAddressToPatrimony", "{\"complementaryAddress\":{\"number\":\"16\","
	    "\"street\":\"rue des Tilleuls\",\"zipCode\":\"69003\",\"city\":\"Lyon\"}}", USER_SUPER, "");
	load_target(patrimony_stream);
	ck_assert(update(NULL));
	ck_assert_event_types(&t, "ComplementaryAddressAddedToPatrimony");
	address = json_object_object_get(test_event(&t, 0), "complementaryAddress");
	ck_assert_str_eq(test_string(address, "uid"), "f0000000-0000-4000-8000-00000000000f");
	ck_assert_str_eq(test_string(address, "number"), "16");
	finish();
}
END_TEST


START_TEST(complementary_address_remove_unknown)
{
	start("RemoveComplementaryAddressFromPatrimony", "{\"addressUid\":\"" UID_D "\"}", USER_SUPER, "");
	load_target(patrimony_stream);
	ck_assert_rejected(update(NULL), &t, ERR_COMPLEMENTARY_ADDRESS_NOT_FOUND);
	finish();
}
END_TEST


START_TEST(complementary_address_removed)
{
	start("RemoveComplementaryAddressFromPatrimony", "{\"addressUid\":\"" UID_E "\"}", USER_SUPER, "");
	load_target(patrimony_stream);
	ck_assert(update(NULL));
	ck_assert_event_types(&t, "ComplementaryAddressRemovedFromPatrimony");
	finish();
}
END_TEST


START_TEST(associate_checks_in_order)
{
	struct agency_fact fact;

	load_target(patrimony_stream);

	start("AssociatePatrimonyInAgency", "{\"agencyUid\":\"" UID_D "\"}", USER_SUPER, "");
	agency(&fact, UID_D, false, false, "");
	ck_assert_rejected(update(&fact), &t, ERR_REFERENCED_ENTITY_NOT_FOUND);
	test_command_end(&t);

	start("AssociatePatrimonyInAgency", "{\"agencyUid\":\"" UID_D "\"}", USER_SUPER, "");
	agency(&fact, UID_D, true, true, COMPANY_2);
	ck_assert_rejected(update(&fact), &t, ERR_INCONSISTENT_REFERENCE);
	test_command_end(&t);

	start("AssociatePatrimonyInAgency", "{\"agencyUid\":\"" UID_D "\"}", USER_SUPER, "");
	agency(&fact, UID_D, true, false, COMPANY_2);
	ck_assert_rejected(update(&fact), &t, ERR_INCONSISTENT_REFERENCE);
	test_command_end(&t);

	start("AssociatePatrimonyInAgency", "{\"agencyUid\":\"" UID_B "\"}", USER_SUPER, "");
	agency(&fact, UID_B, true, false, COMPANY_1);
	ck_assert_rejected(update(&fact), &t, ERR_PATRIMONY_AGENCY_ALREADY_ASSOCIATED);
	test_command_end(&t);

	start("AssociatePatrimonyInAgency", "{\"agencyUid\":\"" UID_D "\"}", USER_SUPER, "");
	agency(&fact, UID_D, true, false, COMPANY_1);
	ck_assert(update(&fact));
	ck_assert_event_types(&t, "PatrimonyAssociatedInAgency");
	finish();
}
END_TEST


START_TEST(associate_agency_outside_executive_scope)
{
	struct agency_fact fact;

	start("AssociatePatrimonyInAgency", "{\"agencyUid\":\"" UID_D "\"}", USER_EXECUTIVE, COMPANY_1);
	uid_list_add(&scope.agencies, UID_B);
	load_target(patrimony_stream);
	agency(&fact, UID_D, true, false, COMPANY_1);
	ck_assert_rejected(update(&fact), &t, ERR_REFERENCED_ENTITY_NOT_FOUND);
	finish();
}
END_TEST


START_TEST(dissociate_rules)
{
	struct agency_fact fact;

	load_target("[{\"eventType\":\"PatrimonyReferenced\",\"ref\":\"R\",\"agencies\":[\"" UID_B "\"]}]");

	start("DissociatePatrimonyFromAgency", "{\"agencyUid\":\"" UID_C "\"}", USER_SUPER, "");
	agency(&fact, UID_C, true, false, COMPANY_1);
	ck_assert_rejected(update(&fact), &t, ERR_PATRIMONY_AGENCY_NOT_ASSOCIATED);
	test_command_end(&t);

	start("DissociatePatrimonyFromAgency", "{\"agencyUid\":\"" UID_B "\"}", USER_SUPER, "");
	agency(&fact, UID_B, true, false, COMPANY_1);
	ck_assert_rejected(update(&fact), &t, ERR_PATRIMONY_LAST_AGENCY);
	finish();

	load_target(patrimony_stream);
	start("DissociatePatrimonyFromAgency", "{\"agencyUid\":\"" UID_B "\"}", USER_SUPER, "");
	ck_assert(update(&fact));
	ck_assert_event_types(&t, "PatrimonyDissociatedFromAgency");
	finish();
}
END_TEST


static Suite *
patrimony_suite(void)
{
	Suite *suite = suite_create("patrimony");
	TCase *state = tcase_create("state");
	TCase *create_case = tcase_create("create");
	TCase *update_case = tcase_create("update");

	tcase_add_test(state, fold_builds_state);
	tcase_add_test(state, fold_removes_links);
	tcase_add_test(state, building_key_trims_and_folds);
	tcase_add_test(state, scopes_of_each_user_kind);
	tcase_add_test(create_case, create_emits_patrimony_referenced);
	tcase_add_test(create_case, create_unknown_agency);
	tcase_add_test(create_case, create_agency_outside_executive_scope);
	tcase_add_test(create_case, create_deleted_agency);
	tcase_add_test(create_case, create_agencies_of_two_companies);
	tcase_add_test(create_case, create_by_patrimony_manager);
	tcase_add_test(create_case, create_existing_patrimony);
	tcase_add_test(update_case, update_missing_patrimony);
	tcase_add_test(update_case, update_invisible_patrimony);
	tcase_add_test(update_case, update_by_patrimony_manager);
	tcase_add_test(update_case, update_replaces_fields);
	tcase_add_test(update_case, building_same_folded_label);
	tcase_add_test(update_case, building_new_label);
	tcase_add_test(update_case, complementary_address_duplicate);
	tcase_add_test(update_case, complementary_address_added_with_uid);
	tcase_add_test(update_case, complementary_address_remove_unknown);
	tcase_add_test(update_case, complementary_address_removed);
	tcase_add_test(update_case, associate_checks_in_order);
	tcase_add_test(update_case, associate_agency_outside_executive_scope);
	tcase_add_test(update_case, dissociate_rules);
	suite_add_tcase(suite, state);
	suite_add_tcase(suite, create_case);
	suite_add_tcase(suite, update_case);
	return suite;
}


int
main(void)
{
	return run_suite(patrimony_suite());
}
