/*
 * Unit tests of event upcasting: each upcaster of the release registry,
 * and the registry mechanism on a test registry with a chain of versions.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "journal/upcast.h"
#include "run_suite.h"

#define CONTACT "e3a7c5d9-1b4f-4a2e-8c6d-7f9b0e1a3c54"
#define OPERATOR "{\"userUid\":\"4c9e2a7b-6d1f-4b3a-9e8c-2f5d7a0b1c69\",\"operatorType\":\"ReferencedUser\"}"
#define ENVELOPE "\"processUid\":\"8b0d2f4a-6c8e-4a1c-9e3b-5d7f9b1d3f68\"," \
	"\"aggregateUid\":\"c41d7e2a-58b0-4f6e-9d3a-2b7f10e6a4c8\",\"operator\":" OPERATOR "," \
	"\"sentDate\":\"2018-06-15T08:21:40.915Z\""

static struct error err;


static struct json_object *
parse(const char *text)
{
	struct json_object *value = json_tokener_parse(text);

	ck_assert_msg(value != NULL, "test JSON does not parse: %s", text);
	return value;
}


static const char *
string_at(struct json_object *object, const char *first, const char *second)
{
	struct json_object *value;

	if (!json_object_object_get_ex(object, first, &value))
		return NULL;
	if (second != NULL && !json_object_object_get_ex(value, second, &value))
		return NULL;
	return json_object_get_string(value);
}


static bool
has(struct json_object *object, const char *key)
{
	return json_object_object_get_ex(object, key, NULL);
}


START_TEST(provider_assigned_referenced)
{
	struct json_object *event = parse("{" ENVELOPE ",\"provider\":{\"providerUid\":\"" CONTACT "\","
	    "\"providerType\":\"ReferencedProvider\"},\"comment\":\"Plombier du contrat\","
	    "\"date\":\"2018-06-15T08:20:00.000Z\",\"eventType\":\"ProviderAssigned\"}");

	ck_assert(upcast_event(event, 1, &err));
	ck_assert_str_eq(string_at(event, "eventType", NULL), "AssigneeIdentified");
	ck_assert_str_eq(string_at(event, "assignee", "providerUid"), CONTACT);
	ck_assert_str_eq(string_at(event, "assignee", "assigneeType"), "ReferencedProviderContact");
	ck_assert(!has(event, "provider"));
	ck_assert_str_eq(string_at(event, "comment", NULL), "Plombier du contrat");
	ck_assert_str_eq(string_at(event, "date", NULL), "2018-06-15T08:20:00.000Z");
	ck_assert_str_eq(string_at(event, "operator", "operatorType"), "ReferencedUser");
	json_object_put(event);
}
END_TEST


START_TEST(provider_assigned_anonymous)
{
	struct json_object *event = parse("{" ENVELOPE ",\"provider\":{\"name\":{\"value\":\"Plombier Express\","
	    "\"nameType\":\"PoorName\"},\"phones\":[\"0478112233\"],\"fax\":[],\"emails\":[],"
	    "\"providerType\":\"AnonymousProvider\"},\"date\":\"2018-06-15T08:20:00.000Z\","
	    "\"eventType\":\"ProviderAssigned\"}");
	struct json_object *phones;

	ck_assert(upcast_event(event, 1, &err));
	ck_assert_str_eq(string_at(event, "assignee", "assigneeType"), "AnonymousAssignee");
	ck_assert_str_eq(string_at(json_object_object_get(event, "assignee"), "name", "value"),
	    "Plombier Express");
	phones = json_object_object_get(json_object_object_get(event, "assignee"), "phones");
	ck_assert_int_eq(json_object_array_length(phones), 1);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(phones, 0)), "0478112233");
	ck_assert(!has(json_object_object_get(event, "assignee"), "providerType"));
	json_object_put(event);
}
END_TEST


START_TEST(mission_refused_becomes_intervention_refused)
{
	struct json_object *event = parse("{" ENVELOPE ",\"provider\":{\"providerUid\":\"" CONTACT "\","
	    "\"providerType\":\"ReferencedProvider\"},\"date\":\"2018-06-15T09:00:00.000Z\","
	    "\"eventType\":\"MissionRefused\"}");

	ck_assert(upcast_event(event, 1, &err));
	ck_assert_str_eq(string_at(event, "eventType", NULL), "InterventionRefused");
	ck_assert_str_eq(string_at(event, "assignee", "providerUid"), CONTACT);
	ck_assert(!has(event, "provider"));
	json_object_put(event);
}
END_TEST


START_TEST(former_event_without_provider_rejected)
{
	struct json_object *event = parse("{" ENVELOPE ",\"date\":\"2018-06-15T09:00:00.000Z\","
	    "\"eventType\":\"ProviderAssigned\"}");

	ck_assert(!upcast_event(event, 1, &err));
	ck_assert_int_eq(err.type, ERR_INTERNAL);
	json_object_put(event);
}
END_TEST


START_TEST(former_event_with_unknown_provider_type_rejected)
{
	struct json_object *event = parse("{" ENVELOPE ",\"provider\":{\"providerUid\":\"" CONTACT "\","
	    "\"providerType\":\"ReferencedProviderCompany\"},\"eventType\":\"ProviderAssigned\"}");

	ck_assert(!upcast_event(event, 1, &err));
	ck_assert_int_eq(err.type, ERR_INTERNAL);
	ck_assert_str_eq(string_at(event, "eventType", NULL), "ProviderAssigned");
	json_object_put(event);
}
END_TEST


START_TEST(current_event_unchanged)
{
	const char *text = "{" ENVELOPE ",\"assignee\":{\"providerUid\":\"" CONTACT "\","
	    "\"assigneeType\":\"ReferencedProviderContact\"},\"date\":\"2021-03-15T08:20:00.000Z\","
	    "\"eventType\":\"AssigneeIdentified\"}";
	struct json_object *event = parse(text), *expected = parse(text);

	ck_assert(upcast_event(event, 1, &err));
	ck_assert(json_object_equal(event, expected));
	json_object_put(event);
	json_object_put(expected);
}
END_TEST


START_TEST(release_writes_version_one)
{
	/* journal_append stores the column default, 1: raising a version must change that first. */
	for (size_t i = 0; i < upcast_registry.count; i++) {
		const char *type = upcast_registry.steps[i].to_type;
		ck_assert_msg(upcast_current_version(&upcast_registry, type) == 1,
		    "%s is written at version %d but journal_append writes 1", type,
		    upcast_current_version(&upcast_registry, type));
	}
	ck_assert_int_eq(upcast_current_version(&upcast_registry, "TicketOpened"), 1);
	ck_assert_int_eq(upcast_current_version(&upcast_registry, "ProviderAssigned"), 0);
}
END_TEST


START_TEST(text_current_copied_verbatim)
{
	const char *text = "{\"eventType\":\"MessageAdded\",\"message\":\"caf\\u00e9\"}";
	struct strbuf out;

	strbuf_init(&out);
	ck_assert(upcast_text("MessageAdded", 1, text, &out, &err));
	ck_assert_str_eq(out.data, text);
	strbuf_free(&out);
}
END_TEST


START_TEST(text_former_upcast)
{
	const char *text = "{\"provider\":{\"providerUid\":\"" CONTACT "\","
	    "\"providerType\":\"ReferencedProvider\"},\"eventType\":\"ProviderAssigned\"}";
	struct json_object *event;
	struct strbuf out;

	strbuf_init(&out);
	ck_assert(upcast_text("ProviderAssigned", 1, text, &out, &err));
	event = parse(out.data);
	ck_assert_str_eq(string_at(event, "eventType", NULL), "AssigneeIdentified");
	ck_assert_str_eq(string_at(event, "assignee", "providerUid"), CONTACT);
	json_object_put(event);
	strbuf_free(&out);
}
END_TEST


START_TEST(filter_gains_former_names)
{
	const char *names[4] = {"AssigneeIdentified", "MessageAdded", NULL, NULL};

	ck_assert(upcast_add_former_names(names, 4));
	ck_assert_str_eq(names[2], "ProviderAssigned");
	ck_assert_ptr_null(names[3]);
}
END_TEST


START_TEST(filter_too_small_reported)
{
	const char *names[2] = {"InterventionRefused", NULL};

	ck_assert(!upcast_add_former_names(names, 2));
}
END_TEST


START_TEST(renames_of_release)
{
	const char *former[2], *current[2];

	ck_assert_uint_eq(upcast_renames(&upcast_registry, former, current), 2);
	ck_assert_str_eq(former[0], "ProviderAssigned");
	ck_assert_str_eq(current[0], "AssigneeIdentified");
	ck_assert_str_eq(former[1], "MissionRefused");
	ck_assert_str_eq(current[1], "InterventionRefused");
}
END_TEST


/* ---------------------------------------------------------- a test registry */

/* Gadget v1 {"colour"} -> v2 {"color"} -> v3 {"color", "size": "M"}; Widget v1 -> Gadget v1. */
static bool
rename_colour(struct json_object *payload, struct error *error)
{
	struct json_object *value;

	if (!json_object_object_get_ex(payload, "colour", &value))
		return error_set(error, ERR_INTERNAL, "colour absent", "colour missing");
	json_object_object_add(payload, "color", json_object_get(value));
	json_object_object_del(payload, "colour");
	return true;
}


static bool
default_size(struct json_object *payload, struct error *error)
{
	(void)error;
	json_object_object_add(payload, "size", json_object_new_string("M"));
	return true;
}


static bool
keep(struct json_object *payload, struct error *error)
{
	(void)payload;
	(void)error;
	return true;
}


static const struct upcaster chain_steps[] = {
	{"Gadget", 2, "Gadget", 3, default_size},
	{"Gadget", 1, "Gadget", 2, rename_colour},
	{"Widget", 1, "Gadget", 1, keep},
	{"Loop", 1, "Spin", 1, keep},
	{"Spin", 1, "Loop", 1, keep},
};
static const struct upcast_registry chain = {chain_steps, sizeof(chain_steps) / sizeof(chain_steps[0])};


START_TEST(chain_applies_every_step)
{
	struct json_object *event = parse("{\"eventType\":\"Gadget\",\"colour\":\"red\"}");

	ck_assert_int_eq(upcast_current_version(&chain, "Gadget"), 3);
	ck_assert(upcast_event_with(&chain, event, 1, &err));
	ck_assert_str_eq(string_at(event, "color", NULL), "red");
	ck_assert_str_eq(string_at(event, "size", NULL), "M");
	ck_assert(!has(event, "colour"));
	json_object_put(event);
}
END_TEST


START_TEST(chain_starts_at_stored_version)
{
	struct json_object *event = parse("{\"eventType\":\"Gadget\",\"color\":\"blue\"}");

	ck_assert(upcast_event_with(&chain, event, 2, &err));
	ck_assert_str_eq(string_at(event, "color", NULL), "blue");
	ck_assert_str_eq(string_at(event, "size", NULL), "M");
	json_object_put(event);
}
END_TEST


START_TEST(chain_follows_rename)
{
	struct json_object *event = parse("{\"eventType\":\"Widget\",\"colour\":\"green\"}");

	ck_assert(upcast_event_with(&chain, event, 1, &err));
	ck_assert_str_eq(string_at(event, "eventType", NULL), "Gadget");
	ck_assert_str_eq(string_at(event, "color", NULL), "green");
	ck_assert_str_eq(string_at(event, "size", NULL), "M");
	json_object_put(event);
}
END_TEST


START_TEST(current_version_untouched)
{
	struct json_object *event = parse("{\"eventType\":\"Gadget\",\"color\":\"red\",\"size\":\"S\"}");

	ck_assert(!upcast_needed(&chain, "Gadget", 3));
	ck_assert(upcast_event_with(&chain, event, 3, &err));
	ck_assert_str_eq(string_at(event, "size", NULL), "S");
	json_object_put(event);
}
END_TEST


START_TEST(future_version_rejected)
{
	struct json_object *event = parse("{\"eventType\":\"Gadget\",\"color\":\"red\",\"weight\":2}");

	ck_assert(!upcast_event_with(&chain, event, 4, &err));
	ck_assert_int_eq(err.type, ERR_SERVICE_UNAVAILABLE);
	ck_assert_ptr_nonnull(strstr(err.message_en, "version 4"));
	ck_assert_ptr_nonnull(strstr(err.message_en, "newer server release"));
	ck_assert_ptr_nonnull(strstr(err.message_en, "up to version 3"));
	ck_assert(!has(event, "size"));
	json_object_put(event);
}
END_TEST


START_TEST(missing_step_rejected)
{
	struct json_object *event = parse("{\"eventType\":\"Widget\",\"colour\":\"red\"}");

	ck_assert(!upcast_event_with(&chain, event, 2, &err));
	ck_assert_int_eq(err.type, ERR_SERVICE_UNAVAILABLE);
	ck_assert_ptr_nonnull(strstr(err.message_en, "no known conversion"));
	json_object_put(event);
}
END_TEST


START_TEST(version_zero_rejected)
{
	struct json_object *event = parse("{\"eventType\":\"Gadget\",\"colour\":\"red\"}");

	ck_assert(!upcast_event_with(&chain, event, 0, &err));
	ck_assert_int_eq(err.type, ERR_SERVICE_UNAVAILABLE);
	json_object_put(event);
}
END_TEST


START_TEST(loop_rejected)
{
	struct json_object *event = parse("{\"eventType\":\"Loop\"}");

	ck_assert(!upcast_event_with(&chain, event, 1, &err));
	ck_assert_int_eq(err.type, ERR_INTERNAL);
	ck_assert_ptr_nonnull(strstr(err.message_en, "steps"));
	json_object_put(event);
}
END_TEST


START_TEST(failed_step_reported)
{
	struct json_object *event = parse("{\"eventType\":\"Gadget\",\"tint\":\"red\"}");

	ck_assert(!upcast_event_with(&chain, event, 1, &err));
	ck_assert_str_eq(err.message_en, "colour missing");
	json_object_put(event);
}
END_TEST


START_TEST(event_without_type_rejected)
{
	struct json_object *event = parse("{\"colour\":\"red\"}");

	ck_assert(!upcast_event_with(&chain, event, 1, &err));
	ck_assert_int_eq(err.type, ERR_INTERNAL);
	json_object_put(event);
}
END_TEST


/* Gizmo v1 and v2 -> Widget v1 -> Gadget v1, and a Sprocket v1 -> v2 that keeps its name. */
static const struct upcaster rename_steps[] = {
	{"Gizmo", 1, "Widget", 1, keep},
	{"Sprocket", 1, "Sprocket", 2, keep},
	{"Widget", 1, "Gadget", 1, keep},
	{"Gizmo", 2, "Widget", 1, keep},
};
static const struct upcast_registry renames = {rename_steps, sizeof(rename_steps) / sizeof(rename_steps[0])};


START_TEST(current_type_follows_renames)
{
	ck_assert_str_eq(upcast_current_type(&renames, "Gizmo"), "Gadget");
	ck_assert_str_eq(upcast_current_type(&renames, "Widget"), "Gadget");
	ck_assert_str_eq(upcast_current_type(&renames, "Gadget"), "Gadget");
	ck_assert_str_eq(upcast_current_type(&renames, "Sprocket"), "Sprocket");
}
END_TEST


START_TEST(current_type_of_loop_ends)
{
	const char *name = upcast_current_type(&chain, "Loop");

	ck_assert(strcmp(name, "Loop") == 0 || strcmp(name, "Spin") == 0);
}
END_TEST


START_TEST(renames_list_each_former_once)
{
	const char *former[4], *current[4];

	ck_assert_uint_eq(upcast_renames(&renames, former, current), 2);
	ck_assert_str_eq(former[0], "Gizmo");
	ck_assert_str_eq(current[0], "Gadget");
	ck_assert_str_eq(former[1], "Widget");
	ck_assert_str_eq(current[1], "Gadget");
}
END_TEST


START_TEST(renames_of_empty_registry)
{
	const struct upcast_registry empty = {NULL, 0};

	ck_assert_uint_eq(upcast_renames(&empty, NULL, NULL), 0);
}
END_TEST


static Suite *
upcast_suite(void)
{
	Suite *suite = suite_create("upcast");
	TCase *release = tcase_create("release registry");
	TCase *mechanism = tcase_create("mechanism");

	tcase_add_test(release, provider_assigned_referenced);
	tcase_add_test(release, provider_assigned_anonymous);
	tcase_add_test(release, mission_refused_becomes_intervention_refused);
	tcase_add_test(release, former_event_without_provider_rejected);
	tcase_add_test(release, former_event_with_unknown_provider_type_rejected);
	tcase_add_test(release, current_event_unchanged);
	tcase_add_test(release, release_writes_version_one);
	tcase_add_test(release, text_current_copied_verbatim);
	tcase_add_test(release, text_former_upcast);
	tcase_add_test(release, filter_gains_former_names);
	tcase_add_test(release, filter_too_small_reported);
	tcase_add_test(release, renames_of_release);
	suite_add_tcase(suite, release);

	tcase_add_test(mechanism, chain_applies_every_step);
	tcase_add_test(mechanism, chain_starts_at_stored_version);
	tcase_add_test(mechanism, chain_follows_rename);
	tcase_add_test(mechanism, current_version_untouched);
	tcase_add_test(mechanism, future_version_rejected);
	tcase_add_test(mechanism, missing_step_rejected);
	tcase_add_test(mechanism, version_zero_rejected);
	tcase_add_test(mechanism, loop_rejected);
	tcase_add_test(mechanism, failed_step_reported);
	tcase_add_test(mechanism, event_without_type_rejected);
	tcase_add_test(mechanism, current_type_follows_renames);
	tcase_add_test(mechanism, current_type_of_loop_ends);
	tcase_add_test(mechanism, renames_list_each_former_once);
	tcase_add_test(mechanism, renames_of_empty_registry);
	suite_add_tcase(suite, mechanism);
	return suite;
}


int
main(void)
{
	return run_suite(upcast_suite());
}
