/* Unit tests of the Lot aggregate: address rules, fold and decisions. */
#include <stdlib.h>

#include "domain/lot.h"
#include "domain_support.h"
#include "run_suite.h"

#define PATRIMONY UID_A
#define BUILDING UID_D
#define ADDRESS_1 "a0000000-0000-4000-8000-000000000001"
#define ADDRESS_2 "a0000000-0000-4000-8000-000000000002"

static struct patrimony_fact patrimony;
static struct lot_state lot;
static struct scope scope;
static struct test_command t;


static void
load_patrimony(bool exists)
{
	struct json_object *events = test_events(exists ?
	    "[{\"eventType\":\"PatrimonyReferenced\",\"ref\":\"R\",\"agencies\":[\"" UID_B "\"]},"
	    "{\"eventType\":\"BuildingReferenced\",\"buildingUid\":\"" BUILDING "\",\"label\":\"A\"}]" : "[]");

	memset(&patrimony, 0, sizeof(patrimony));
	patrimony_init(&patrimony.state, PATRIMONY);
	patrimony_fold(&patrimony.state, events);
	json_object_put(events);
	snprintf(patrimony.company_uid, 37, "%s", COMPANY_1);
	snprintf(patrimony.call_center_uid, 37, "%s", CENTER_1);
}


static void
load_lot(const char *extra_events)
{
	char json[2048];
	struct json_object *events;

	snprintf(json, sizeof(json),
	    "[{\"eventType\":\"LotReferenced\",\"patrimonyUid\":\"" PATRIMONY "\",\"ref\":\"L1\","
	    "\"lotNumber\":\"1\",\"usage\":\"Office\",\"addresses\":[{\"uid\":\"" ADDRESS_1 "\","
	    "\"street\":\"s\",\"zipCode\":\"69003\",\"city\":\"Lyon\"}]}%s]", extra_events);
	events = test_events(json);
	lot_init(&lot, UID_C);
	lot_fold(&lot, events);
	json_object_put(events);
}


static void
start(const char *type, const char *aggregate, const char *body, enum user_type user,
    const char *company)
{
	test_command_start(&t, type, aggregate, body, user, company);
	scope_init(&scope, &t.actor);
}


static void
finish(void)
{
	test_command_end(&t);
	scope_free(&scope);
	patrimony_free(&patrimony.state);
	lot_free(&lot);
}


/* Checks ADDRESS_JSON with lot_check_address() and returns the error type. */
static enum error_type
check_address(const char *address_json)
{
	struct json_object *address = json_tokener_parse(address_json);
	struct error err;
	enum error_type type;

	ck_assert_ptr_nonnull(address);
	error_clear(&err);
	type = lot_check_address(address, "address", &err) ? ERR_NONE : err.type;
	json_object_put(address);
	return type;
}

#define VALID "\"street\":\"rue\",\"zipCode\":\"69003\",\"city\":\"Lyon\""


START_TEST(address_rules)
{
	ck_assert_int_eq(check_address("{" VALID "}"), ERR_NONE);
	ck_assert_int_eq(check_address("{" VALID ",\"checker\":{\"googlePlaceId\":\"x\"},"
	    "\"geoLocation\":{\"lat\":-90,\"lng\":180}}"), ERR_NONE);
	ck_assert_int_eq(check_address("{\"street\":\" \",\"zipCode\":\"69003\",\"city\":\"Lyon\"}"),
	    ERR_LOT_ADDRESS_NOT_CONFORM);
	ck_assert_int_eq(check_address("{\"street\":\"r\",\"zipCode\":\"69003\",\"city\":\"\"}"),
	    ERR_LOT_ADDRESS_NOT_CONFORM);
	ck_assert_int_eq(check_address("{" VALID ",\"geoLocation\":{\"lat\":90.5,\"lng\":0}}"),
	    ERR_LOT_ADDRESS_NOT_CONFORM);
	ck_assert_int_eq(check_address("{" VALID ",\"geoLocation\":{\"lat\":0,\"lng\":-180.1}}"),
	    ERR_LOT_ADDRESS_NOT_CONFORM);
	ck_assert_int_eq(check_address("{" VALID ",\"checker\":{}}"), ERR_LOT_ADDRESS_NOT_CONFORM);
	ck_assert_int_eq(check_address("{" VALID ",\"checker\":{\"googlePlaceId\":\"x\","
	    "\"dataGouvAddressId\":\"y\"}}"), ERR_LOT_ADDRESS_NOT_CONFORM);
}
END_TEST


START_TEST(zip_code_shapes)
{
	static const char *const valid[] = {"69", "69003", "SW1A 1AA", "1234-5678A", "a1"};
	static const char *const invalid[] = {"6", "-6900", " 6900", "12345678901", "69_03", "6900é"};
	char json[128];

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		snprintf(json, sizeof(json), "{\"street\":\"r\",\"city\":\"c\",\"zipCode\":\"%s\"}", valid[i]);
		ck_assert_msg(check_address(json) == ERR_NONE, "zipCode %s should pass", valid[i]);
	}
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		snprintf(json, sizeof(json), "{\"street\":\"r\",\"city\":\"c\",\"zipCode\":\"%s\"}", invalid[i]);
		ck_assert_msg(check_address(json) == ERR_LOT_ADDRESS_NOT_CONFORM,
		    "zipCode %s should fail", invalid[i]);
	}
}
END_TEST


START_TEST(validate_names_the_address)
{
	struct json_object *body = json_tokener_parse("{\"addresses\":[{" VALID "},"
	    "{\"street\":\"r\",\"zipCode\":\"1\",\"city\":\"c\"}]}");
	struct error err;

	ck_assert(!lot_validate("ReferenceLot", body, &err));
	ck_assert_int_eq(err.type, ERR_LOT_ADDRESS_NOT_CONFORM);
	ck_assert_ptr_nonnull(strstr(err.message_en, "addresses[1].zipCode"));
	ck_assert(lot_validate("UpdateLotUsage", body, &err));
	json_object_put(body);
}
END_TEST


START_TEST(fold_tracks_addresses_and_deletion)
{
	load_lot(",{\"eventType\":\"AddressAddedToLot\",\"lotAddress\":{\"uid\":\"" ADDRESS_2 "\"}},"
	    "{\"eventType\":\"AddressRemovedFromLot\",\"addressUid\":\"" ADDRESS_1 "\"},"
	    "{\"eventType\":\"LotDeleted\"}");
	ck_assert(lot.exists);
	ck_assert(lot.deleted);
	ck_assert_str_eq(lot.patrimony_uid, PATRIMONY);
	ck_assert_uint_eq(lot.addresses.count, 1);
	ck_assert_str_eq(lot.addresses.items[0], ADDRESS_2);
	lot_free(&lot);
}
END_TEST


static bool
create(bool uid_used, bool ref_used, bool number_used)
{
	static const char uids[2][37] = {ADDRESS_1, ADDRESS_2};
	struct lot_create_facts facts = {&scope, &patrimony, uid_used, ref_used, number_used, uids};

	return lot_decide_create(&t.cmd, &facts, t.events, &t.err);
}

#define CREATE_BODY(building) "{\"ref\":\"TIL-B12\",\"lotNumber\":\"B12\",\"patrimonyUid\":\"" PATRIMONY "\"," \
	"\"usage\":\"Apartment\",\"addresses\":[{" VALID ",\"building\":\"" building "\"},{" VALID "}]}"


START_TEST(create_emits_two_events)
{
	struct json_object *addresses;

	start("ReferenceLot", UID_C, CREATE_BODY(BUILDING), USER_SUPER, "");
	load_patrimony(true);
	lot_init(&lot, UID_C);
	ck_assert(create(false, false, false));
	ck_assert_event_types(&t, "LotReferenced", "LotNumberUpdated");
	addresses = json_object_object_get(test_event(&t, 0), "addresses");
	ck_assert_str_eq(test_string(json_object_array_get_idx(addresses, 0), "uid"), ADDRESS_1);
	ck_assert_str_eq(test_string(json_object_array_get_idx(addresses, 1), "uid"), ADDRESS_2);
	ck_assert_str_eq(test_string(test_event(&t, 0), "usage"), "Apartment");
	ck_assert_str_eq(test_string(test_event(&t, 1), "lotNumber"), "B12");
	finish();
}
END_TEST


START_TEST(create_checks_in_order)
{
	lot_init(&lot, UID_C);

	start("ReferenceLot", UID_C, CREATE_BODY(UID_E), USER_SUPER, "");
	load_patrimony(false);
	ck_assert_rejected(create(true, true, true), &t, ERR_LOT_PATRIMONY_NOT_FOUND);
	finish();

	start("ReferenceLot", UID_C, CREATE_BODY(UID_E), USER_CLIENT_ACCOUNT_MANAGER, COMPANY_2);
	load_patrimony(true);
	ck_assert_rejected(create(true, true, true), &t, ERR_LOT_PATRIMONY_NOT_FOUND);
	finish();

	start("ReferenceLot", UID_C, CREATE_BODY(UID_E), USER_SUPER, "");
	load_patrimony(true);
	ck_assert_rejected(create(true, true, true), &t, ERR_LOT_EXISTS);
	finish();

	start("ReferenceLot", UID_C, CREATE_BODY(UID_E), USER_SUPER, "");
	load_patrimony(true);
	ck_assert_rejected(create(false, true, true), &t, ERR_LOT_BUILDING_NOT_FOUND);
	finish();

	start("ReferenceLot", UID_C, CREATE_BODY(BUILDING), USER_SUPER, "");
	load_patrimony(true);
	ck_assert_rejected(create(false, true, true), &t, ERR_LOT_REFERENCE_EXISTS);
	finish();

	start("ReferenceLot", UID_C, CREATE_BODY(BUILDING), USER_SUPER, "");
	load_patrimony(true);
	ck_assert_rejected(create(false, false, true), &t, ERR_LOT_NUMBER_EXISTS);
	finish();
}
END_TEST


START_TEST(create_by_patrimony_manager_of_patrimony)
{
	start("ReferenceLot", UID_C, CREATE_BODY(BUILDING), USER_PATRIMONY_MANAGER, COMPANY_1);
	uid_list_add(&scope.patrimonies, PATRIMONY);
	load_patrimony(true);
	lot_init(&lot, UID_C);
	ck_assert(create(false, false, false));
	finish();
}
END_TEST


static bool
update(bool ref_used, bool number_used)
{
	struct lot_update_facts facts = {&scope, &lot, &patrimony, ref_used, number_used,
	    ADDRESS_2};

	return lot_decide_update(&t.cmd, &facts, t.events, &t.err);
}


START_TEST(update_deleted_lot)
{
	start("UpdateLotUsage", UID_C, "{\"usage\":\"Office\"}", USER_SUPER, "");
	load_patrimony(true);
	load_lot(",{\"eventType\":\"LotDeleted\"}");
	ck_assert_rejected(update(false, false), &t, ERR_LOT_NOT_FOUND);
	finish();
}
END_TEST


START_TEST(update_lot_of_invisible_patrimony)
{
	start("UpdateLotUsage", UID_C, "{\"usage\":\"Office\"}", USER_EXECUTIVE, COMPANY_1);
	load_patrimony(true);
	load_lot("");
	ck_assert_rejected(update(false, false), &t, ERR_LOT_NOT_FOUND);
	finish();
}
END_TEST


START_TEST(remove_address_rules)
{
	start("RemoveAddressFromLot", UID_C, "{\"addressUid\":\"" ADDRESS_2 "\"}", USER_SUPER, "");
	load_patrimony(true);
	load_lot("");
	ck_assert_rejected(update(false, false), &t, ERR_LOT_ADDRESS_NOT_FOUND);
	finish();

	start("RemoveAddressFromLot", UID_C, "{\"addressUid\":\"" ADDRESS_1 "\"}", USER_SUPER, "");
	load_patrimony(true);
	load_lot("");
	ck_assert_rejected(update(false, false), &t, ERR_LOT_LAST_ADDRESS);
	finish();

	start("RemoveAddressFromLot", UID_C, "{\"addressUid\":\"" ADDRESS_1 "\"}", USER_SUPER, "");
	load_patrimony(true);
	load_lot(",{\"eventType\":\"AddressAddedToLot\",\"lotAddress\":{\"uid\":\"" ADDRESS_2 "\"}}");
	ck_assert(update(false, false));
	ck_assert_event_types(&t, "AddressRemovedFromLot");
	finish();
}
END_TEST


START_TEST(add_address_rules)
{
	start("AddAddressToLot", UID_C, "{\"address\":{" VALID ",\"building\":\"" UID_E "\"}}", USER_SUPER, "");
	load_patrimony(true);
	load_lot("");
	ck_assert_rejected(update(false, false), &t, ERR_LOT_BUILDING_NOT_FOUND);
	finish();

	start("AddAddressToLot", UID_C, "{\"address\":{" VALID ",\"building\":\"" BUILDING "\"}}", USER_SUPER, "");
	load_patrimony(true);
	load_lot("");
	ck_assert(update(false, false));
	ck_assert_event_types(&t, "AddressAddedToLot");
	ck_assert_str_eq(test_string(json_object_object_get(test_event(&t, 0), "lotAddress"), "uid"), ADDRESS_2);
	finish();
}
END_TEST


START_TEST(reference_and_number_uniqueness)
{
	start("UpdateLotReference", UID_C, "{\"ref\":\"L2\"}", USER_SUPER, "");
	load_patrimony(true);
	load_lot("");
	ck_assert_rejected(update(true, false), &t, ERR_LOT_REFERENCE_EXISTS);
	finish();

	start("UpdateLotNumber", UID_C, "{\"lotNumber\":\"2\"}", USER_SUPER, "");
	load_patrimony(true);
	load_lot("");
	ck_assert_rejected(update(false, true), &t, ERR_LOT_NUMBER_EXISTS);
	finish();

	start("UpdateLotNumber", UID_C, "{\"lotNumber\":\"2\"}", USER_SUPER, "");
	load_patrimony(true);
	load_lot("");
	ck_assert(update(false, false));
	ck_assert_event_types(&t, "LotNumberUpdated");
	finish();
}
END_TEST


START_TEST(usage_and_deletion)
{
	start("UpdateLotUsage", UID_C, "{\"usage\":\"Pool\"}", USER_SUPER, "");
	load_patrimony(true);
	load_lot("");
	ck_assert(update(false, false));
	ck_assert_event_types(&t, "LotUsageUpdated");
	ck_assert_str_eq(test_string(test_event(&t, 0), "usage"), "Pool");
	finish();

	start("DeleteLot", UID_C, "{}", USER_SUPER, "");
	load_patrimony(true);
	load_lot("");
	ck_assert(update(false, false));
	ck_assert_event_types(&t, "LotDeleted");
	finish();
}
END_TEST


static Suite *
lot_suite(void)
{
	Suite *suite = suite_create("lot");
	TCase *rules = tcase_create("rules");
	TCase *decide = tcase_create("decide");

	tcase_add_test(rules, address_rules);
	tcase_add_test(rules, zip_code_shapes);
	tcase_add_test(rules, validate_names_the_address);
	tcase_add_test(rules, fold_tracks_addresses_and_deletion);
	tcase_add_test(decide, create_emits_two_events);
	tcase_add_test(decide, create_checks_in_order);
	tcase_add_test(decide, create_by_patrimony_manager_of_patrimony);
	tcase_add_test(decide, update_deleted_lot);
	tcase_add_test(decide, update_lot_of_invisible_patrimony);
	tcase_add_test(decide, remove_address_rules);
	tcase_add_test(decide, add_address_rules);
	tcase_add_test(decide, reference_and_number_uniqueness);
	tcase_add_test(decide, usage_and_deletion);
	suite_add_tcase(suite, rules);
	suite_add_tcase(suite, decide);
	return suite;
}


int
main(void)
{
	return run_suite(lot_suite());
}
