/* Unit tests of schema_validate() on a ticket-like command schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/json_strict.h"
#include "common/schema.h"
#include "run_suite.h"

static const char *const genders[] = {"Male", "Female", NULL};

static const struct schema_field poor_name[] = {
	{"value", SCHEMA_REQUIRED, {.type = SCHEMA_NON_EMPTY_STRING}},
	{NULL, 0, {0}},
};

static const struct schema_field civil_name[] = {
	{"firstName", SCHEMA_REQUIRED, {.type = SCHEMA_STRING}},
	{"lastName", SCHEMA_REQUIRED, {.type = SCHEMA_NON_EMPTY_STRING}},
	{"gender", 0, {.type = SCHEMA_ENUM, .members = genders}},
	{NULL, 0, {0}},
};

static const struct schema_variant name_variants[] = {
	{"PoorName", poor_name, false},
	{"CivilName", civil_name, false},
	{NULL, NULL, false},
};

static const struct schema_field provider_company[] = {
	{"providerUid", SCHEMA_REQUIRED, {.type = SCHEMA_UUID}},
	{NULL, 0, {0}},
};

static const struct schema_variant assignee_variants[] = {
	{"ReferencedProviderContact", provider_company, false},
	{"ReferencedProviderCompany", provider_company, true},
	{NULL, NULL, false},
};

static const struct schema_field google_checker[] = {
	{"googlePlaceId", SCHEMA_REQUIRED, {.type = SCHEMA_NON_EMPTY_STRING}},
	{NULL, 0, {0}},
};

static const struct schema_field data_gouv_checker[] = {
	{"dataGouvAddressId", SCHEMA_REQUIRED, {.type = SCHEMA_NON_EMPTY_STRING}},
	{NULL, 0, {0}},
};

static const struct schema_variant checker_variants[] = {
	{"GooglePlaceIdChecker", google_checker, false},
	{"DataGouvAPIIdChecker", data_gouv_checker, false},
	{NULL, NULL, false},
};

static const struct schema_field caller[] = {
	{"name", SCHEMA_REQUIRED, {.type = SCHEMA_UNION,
	    .discriminator = "nameType", .variants = name_variants}},
	{"phones", 0, {.type = SCHEMA_ARRAY,
	    .items = &(const struct schema_value){.type = SCHEMA_PHONE}}},
	{NULL, 0, {0}},
};

static const struct schema_field location[] = {
	{"lat", SCHEMA_REQUIRED, {.type = SCHEMA_NUMBER,
	    .has_min = true, .has_max = true, .min = -90, .max = 90}},
	{"lng", SCHEMA_REQUIRED, {.type = SCHEMA_NUMBER,
	    .has_min = true, .has_max = true, .min = -180, .max = 180}},
	{NULL, 0, {0}},
};

static const struct schema_field ticket[] = {
	{"caller", SCHEMA_REQUIRED, {.type = SCHEMA_OBJECT, .fields = caller}},
	{"request", SCHEMA_REQUIRED, {.type = SCHEMA_NON_EMPTY_STRING}},
	{"location", 0, {.type = SCHEMA_OBJECT, .fields = location}},
	{"checker", 0, {.type = SCHEMA_UNION, .variants = checker_variants}},
	{NULL, 0, {0}},
};

static const struct schema_field open_ticket[] = {
	{"processUid", SCHEMA_REQUIRED, {.type = SCHEMA_UUID}},
	{"commandType", SCHEMA_REQUIRED, {.type = SCHEMA_CONSTANT,
	    .constant = "OpenTicket"}},
	{"ticket", SCHEMA_REQUIRED, {.type = SCHEMA_OBJECT, .fields = ticket}},
	{"openingDate", 0, {.type = SCHEMA_DATETIME}},
	{"dueDate", 0, {.type = SCHEMA_LOCAL_DATE}},
	{"login", 0, {.type = SCHEMA_EMAIL}},
	{"siret", 0, {.type = SCHEMA_SIRET}},
	{"urgent", 0, {.type = SCHEMA_BOOLEAN}},
	{"duration", 0, {.type = SCHEMA_DURATION}},
	{"priority", 0, {.type = SCHEMA_INTEGER,
	    .has_min = true, .has_max = true, .int_min = 1, .int_max = 5}},
	{"count", 0, {.type = SCHEMA_INTEGER}},
	{"note", 0, {.type = SCHEMA_STRING}},
	{"agencies", 0, {.type = SCHEMA_NON_EMPTY_LIST,
	    .items = &(const struct schema_value){.type = SCHEMA_UUID}}},
	{"labels", 0, {.type = SCHEMA_NON_EMPTY_LIST,
	    .items = &(const struct schema_value){.type = SCHEMA_STRING}}},
	{"tags", 0, {.type = SCHEMA_ARRAY,
	    .items = &(const struct schema_value){.type = SCHEMA_STRING}}},
	{"additionalData", SCHEMA_DEFAULT_EMPTY, {.type = SCHEMA_MAP,
	    .items = &(const struct schema_value){.type = SCHEMA_STRING}}},
	{"claimNumber", 0, {.type = SCHEMA_MAP,
	    .items = &(const struct schema_value){.type = SCHEMA_STRING}}},
	{"assignee", 0, {.type = SCHEMA_UNION,
	    .discriminator = "assigneeType", .variants = assignee_variants}},
	{NULL, 0, {0}},
};

#define UID "0e9b5f7c-3a21-4d8e-b6f4-91c2d7a3e5b0"
#define HEAD "{\"processUid\":\"" UID "\",\"commandType\":\"OpenTicket\","
#define CALLER "\"caller\":{\"name\":{\"value\":\"Mme Roux\",\"nameType\":\"PoorName\"}}"
#define TICKET "\"ticket\":{" CALLER ",\"request\":\"Fuite\"}"

/* A valid body with EXTRA members inserted before "ticket". */
#define BODY_WITH(extra) HEAD extra TICKET "}"


static struct json_object *
validate(const char *body, struct error *err)
{
	struct json_object *in, *out;

	error_clear(err);
	in = json_strict_parse(body, strlen(body), err);
	ck_assert_msg(in != NULL, "test body rejected: %s", err->message_en);
	out = schema_validate(in, open_ticket, err);
	json_object_put(in);
	return out;
}


/* Validates BODY, which must pass, and returns the normalised JSON text. */
static char *
normalised(const char *body)
{
	struct error err;
	struct json_object *out = validate(body, &err);
	char *text;

	ck_assert_msg(out != NULL, "rejected: %s", err.message_en);
	text = strdup(json_object_to_json_string_ext(out,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(out);
	return text;
}


/* Validates BODY, which must fail, and checks the English message. */
static void
assert_rejected(const char *body, const char *message_en)
{
	struct error err;
	struct json_object *out = validate(body, &err);

	ck_assert_ptr_null(out);
	ck_assert_int_eq(err.type, ERR_INVALID_COMMAND);
	ck_assert_str_eq(err.message_en, message_en);
}


static void
assert_contains(const char *text, const char *part)
{
	ck_assert_msg(strstr(text, part) != NULL, "%s not in %s", part, text);
}


/* Builds a valid body whose "note" repeats UNIT COUNT times, in a new buffer. */
static char *
body_with_long_string(const char *unit, size_t count)
{
	size_t unit_len = strlen(unit);
	char *body = malloc(sizeof(BODY_WITH("\"note\":\"\",")) + unit_len * count);
	size_t n = (size_t)sprintf(body, "%s\"note\":\"", HEAD);

	for (size_t i = 0; i < count; i++) {
		memcpy(body + n, unit, unit_len);
		n += unit_len;
	}
	sprintf(body + n, "\",%s}", TICKET);
	return body;
}


/* Builds a valid body with an array NAME of COUNT numbers, in a new buffer. */
static char *
body_with_long_array(const char *name, size_t count)
{
	char *body = malloc(sizeof(BODY_WITH("")) + strlen(name) + 8 + 2 * count);
	size_t n = (size_t)sprintf(body, "%s\"%s\":[", HEAD, name);

	for (size_t i = 0; i < count; i++)
		n += (size_t)sprintf(body + n, "%s1", i > 0 ? "," : "");
	sprintf(body + n, "],%s}", TICKET);
	return body;
}


START_TEST(copies_declared_fields)
{
	char *text = normalised(BODY_WITH(""));

	ck_assert_str_eq(text, "{\"processUid\":\"" UID "\",\"commandType\":\"OpenTicket\","
	    "\"ticket\":{\"caller\":{\"name\":{\"value\":\"Mme Roux\",\"nameType\":\"PoorName\"},"
	    "\"phones\":[]},\"request\":\"Fuite\"},\"tags\":[],\"additionalData\":{}}");
	free(text);
}
END_TEST

START_TEST(drops_unknown_fields)
{
	char *text = normalised(BODY_WITH("\"unknown\":{\"a\":[1,2]},\"note2\":\"x\","));

	ck_assert_ptr_null(strstr(text, "unknown"));
	ck_assert_ptr_null(strstr(text, "note2"));
	free(text);
}
END_TEST

START_TEST(null_is_absent)
{
	char *text = normalised(BODY_WITH("\"note\":null,\"tags\":null,\"claimNumber\":null,"));

	ck_assert_ptr_null(strstr(text, "note"));
	ck_assert_ptr_null(strstr(text, "claimNumber"));
	assert_contains(text, "\"tags\":[]");
	free(text);
}
END_TEST

START_TEST(rejects_missing_required)
{
	struct error err;

	ck_assert_ptr_null(validate("{\"commandType\":\"OpenTicket\"," TICKET "}", &err));
	ck_assert_int_eq(err.type, ERR_INVALID_COMMAND);
	ck_assert_str_eq(err.message_fr, "processUid : champ obligatoire manquant");
	ck_assert_str_eq(err.message_en, "processUid: is required");
}
END_TEST

START_TEST(rejects_required_null)
{
	assert_rejected("{\"processUid\":null,\"commandType\":\"OpenTicket\"," TICKET "}",
	    "processUid: is required");
}
END_TEST

START_TEST(lowercases_uuid)
{
	char *text = normalised("{\"processUid\":\"0E9B5F7C-3A21-4D8E-B6F4-91C2D7A3E5B0\","
	    "\"commandType\":\"OpenTicket\"," TICKET "}");

	assert_contains(text, "\"processUid\":\"" UID "\"");
	free(text);
}
END_TEST

START_TEST(rejects_bad_uuid)
{
	assert_rejected("{\"processUid\":\"{" UID "}\",\"commandType\":\"OpenTicket\"," TICKET "}",
	    "processUid: must be a SafeUUID (8-4-4-4-12 hexadecimal digits)");
}
END_TEST

START_TEST(normalises_datetime)
{
	char *text = normalised(BODY_WITH("\"openingDate\":\"2021-03-15T09:05:00+01:00\","));

	assert_contains(text, "\"openingDate\":\"2021-03-15T08:05:00.000Z\"");
	free(text);
}
END_TEST

START_TEST(rejects_datetime_without_offset)
{
	assert_rejected(BODY_WITH("\"openingDate\":\"2021-03-15T09:05:00\","),
	    "openingDate: must be a DateTime in the form YYYY-MM-DDTHH:MM:SS[.f]{Z|±HH:MM}");
}
END_TEST

START_TEST(keeps_local_date)
{
	char *text = normalised(BODY_WITH("\"dueDate\":\"2024-02-29\","));

	assert_contains(text, "\"dueDate\":\"2024-02-29\"");
	free(text);
}
END_TEST

START_TEST(lowercases_email)
{
	char *text = normalised(BODY_WITH("\"login\":\"Claire.Fontaine@Exemple.FR\","));

	assert_contains(text, "\"login\":\"claire.fontaine@exemple.fr\"");
	free(text);
}
END_TEST

START_TEST(rejects_bad_siret)
{
	assert_rejected(BODY_WITH("\"siret\":\"51234567800018\","),
	    "siret: invalid SIRET check digit");
}
END_TEST

START_TEST(blank_nested_path)
{
	struct error err;

	ck_assert_ptr_null(validate(HEAD "\"ticket\":{\"caller\":{\"name\":{\"value\":\" \\t\","
	    "\"nameType\":\"PoorName\"}},\"request\":\"Fuite\"}}", &err));
	ck_assert_int_eq(err.type, ERR_INVALID_COMMAND);
	ck_assert_str_eq(err.message_fr, "ticket.caller.name.value : ne doit pas être vide");
	ck_assert_str_eq(err.message_en, "ticket.caller.name.value: must not be blank");
}
END_TEST

START_TEST(array_index_path)
{
	assert_rejected(HEAD "\"ticket\":{\"caller\":{\"name\":{\"value\":\"R\",\"nameType\":\"PoorName\"},"
	    "\"phones\":[\"0472001122\",\"+33472001122\",\"04 72\"]},\"request\":\"Fuite\"}}",
	    "ticket.caller.phones[2]: must be a phone number: 10 digits starting with 0, "
	    "or + followed by 8 to 15 digits, without spaces or dots");
}
END_TEST

START_TEST(rejects_wrong_json_type)
{
	assert_rejected(BODY_WITH("\"note\":12,"), "note: must be a string");
	assert_rejected(BODY_WITH("\"urgent\":\"true\","), "urgent: must be a boolean");
	assert_rejected(BODY_WITH("\"tags\":{},"), "tags: must be an array");
	assert_rejected(HEAD "\"ticket\":[]}", "ticket: must be an object");
}
END_TEST

START_TEST(rejects_null_array_item)
{
	assert_rejected(BODY_WITH("\"tags\":[\"a\",null],"), "tags[1]: must be a string");
}
END_TEST

START_TEST(rejects_unknown_enum)
{
	struct error err;

	ck_assert_ptr_null(validate(HEAD "\"ticket\":{\"caller\":{\"name\":{\"firstName\":\"\","
	    "\"lastName\":\"Roux\",\"gender\":\"male\",\"nameType\":\"CivilName\"}},"
	    "\"request\":\"Fuite\"}}", &err));
	ck_assert_str_eq(err.message_en,
	    "ticket.caller.name.gender: unknown value \"male\" (expected one of: Male, Female)");
	ck_assert_str_eq(err.message_fr,
	    "ticket.caller.name.gender : valeur inconnue « male » (valeurs admises : Male, Female)");
}
END_TEST

START_TEST(rejects_wrong_constant)
{
	assert_rejected("{\"processUid\":\"" UID "\",\"commandType\":\"CloseTicket\"," TICKET "}",
	    "commandType: must be \"OpenTicket\"");
}
END_TEST

START_TEST(union_keeps_discriminator)
{
	char *text = normalised(HEAD "\"ticket\":{\"caller\":{\"name\":{\"nameType\":\"CivilName\","
	    "\"firstName\":\"Claire\",\"lastName\":\"Fontaine\",\"value\":\"x\"}},\"request\":\"Fuite\"}}");

	assert_contains(text, "\"name\":{\"firstName\":\"Claire\",\"lastName\":\"Fontaine\","
	    "\"nameType\":\"CivilName\"}");
	free(text);
}
END_TEST

START_TEST(union_unknown_variant)
{
	assert_rejected(HEAD "\"ticket\":{\"caller\":{\"name\":{\"value\":\"R\",\"nameType\":\"RichName\"}},"
	    "\"request\":\"Fuite\"}}",
	    "ticket.caller.name.nameType: unknown value \"RichName\" (expected one of: PoorName, CivilName)");
}
END_TEST

START_TEST(union_missing_discriminator)
{
	assert_rejected(HEAD "\"ticket\":{\"caller\":{\"name\":{\"value\":\"R\"}},\"request\":\"Fuite\"}}",
	    "ticket.caller.name.nameType: is required");
}
END_TEST

START_TEST(union_rejected_variant)
{
	assert_rejected(BODY_WITH("\"assignee\":{\"providerUid\":\"" UID "\","
	    "\"assigneeType\":\"ReferencedProviderCompany\"},"),
	    "assignee.assigneeType: \"ReferencedProviderCompany\" is not accepted in this API version");
}
END_TEST

START_TEST(union_by_key_one)
{
	char *text = normalised(HEAD "\"ticket\":{" CALLER ",\"request\":\"Fuite\","
	    "\"checker\":{\"dataGouvAddressId\":\"75056_1234\"}}}");

	assert_contains(text, "\"checker\":{\"dataGouvAddressId\":\"75056_1234\"}");
	free(text);
}
END_TEST

START_TEST(union_by_key_both)
{
	assert_rejected(HEAD "\"ticket\":{" CALLER ",\"request\":\"Fuite\","
	    "\"checker\":{\"googlePlaceId\":\"g\",\"dataGouvAddressId\":\"d\"}}}",
	    "ticket.checker: exactly one of the fields googlePlaceId, dataGouvAddressId must be present");
}
END_TEST

START_TEST(union_by_key_none)
{
	assert_rejected(HEAD "\"ticket\":{" CALLER ",\"request\":\"Fuite\",\"checker\":{}}}",
	    "ticket.checker: exactly one of the fields googlePlaceId, dataGouvAddressId must be present");
}
END_TEST

START_TEST(absent_array_is_empty)
{
	char *text = normalised(BODY_WITH(""));

	assert_contains(text, "\"tags\":[]");
	ck_assert_ptr_null(strstr(text, "agencies"));
	free(text);
}
END_TEST

START_TEST(flagged_map_defaults_empty)
{
	char *text = normalised(BODY_WITH(""));

	assert_contains(text, "\"additionalData\":{}");
	ck_assert_ptr_null(strstr(text, "claimNumber"));
	free(text);
}
END_TEST

START_TEST(map_drops_null_values)
{
	char *text = normalised(BODY_WITH("\"additionalData\":{\"a\":\"1\",\"b\":null},"));

	assert_contains(text, "\"additionalData\":{\"a\":\"1\"}");
	free(text);
}
END_TEST

START_TEST(map_rejects_empty_key)
{
	assert_rejected(BODY_WITH("\"additionalData\":{\"\":\"1\"},"),
	    "additionalData: keys must not be empty");
}
END_TEST

START_TEST(map_value_path)
{
	assert_rejected(BODY_WITH("\"additionalData\":{\"etage\":3},"),
	    "additionalData.etage: must be a string");
}
END_TEST

START_TEST(non_empty_list_rejects_empty)
{
	assert_rejected(BODY_WITH("\"agencies\":[],"), "agencies: must not be an empty list");
}
END_TEST

START_TEST(uuid_list_collapses_duplicates)
{
	char *text = normalised(BODY_WITH("\"agencies\":[\"" UID "\","
	    "\"11111111-1111-1111-1111-111111111111\",\"0E9B5F7C-3A21-4D8E-B6F4-91C2D7A3E5B0\"],"));

	assert_contains(text, "\"agencies\":[\"" UID "\",\"11111111-1111-1111-1111-111111111111\"]");
	free(text);
}
END_TEST

START_TEST(string_list_keeps_duplicates)
{
	char *text = normalised(BODY_WITH("\"labels\":[\"a\",\"a\"],"));

	assert_contains(text, "\"labels\":[\"a\",\"a\"]");
	free(text);
}
END_TEST

START_TEST(integer_bounds)
{
	char *text = normalised(BODY_WITH("\"priority\":5,\"count\":-9223372036854775808,"));

	assert_contains(text, "\"priority\":5");
	assert_contains(text, "\"count\":-9223372036854775808");
	free(text);
	assert_rejected(BODY_WITH("\"priority\":6,"), "priority: must be at most 5");
	assert_rejected(BODY_WITH("\"priority\":0,"), "priority: must be at least 1");
}
END_TEST

START_TEST(integer_out_of_int64)
{
	assert_rejected(BODY_WITH("\"count\":9223372036854775808,"),
	    "count: is outside the signed 64-bit integer range");
	assert_rejected(BODY_WITH("\"count\":-99999999999999999999,"),
	    "count: is outside the signed 64-bit integer range");
}
END_TEST

START_TEST(integer_rejects_fraction)
{
	assert_rejected(BODY_WITH("\"count\":1.5,"), "count: must be an integer");
	assert_rejected(BODY_WITH("\"count\":\"1\","), "count: must be an integer");
}
END_TEST

START_TEST(duration_rejects_negative)
{
	assert_rejected(BODY_WITH("\"duration\":-1,"),
	    "duration: must be a duration in milliseconds of 0 or more");
}
END_TEST

START_TEST(duration_accepts_milliseconds)
{
	char *text = normalised(BODY_WITH("\"duration\":5400000,"));

	assert_contains(text, "\"duration\":5400000");
	free(text);
}
END_TEST

START_TEST(number_bounds)
{
	assert_rejected(HEAD "\"ticket\":{" CALLER ",\"request\":\"F\",\"location\":{\"lat\":90.5,\"lng\":0}}}",
	    "ticket.location.lat: must be at most 90");
	assert_rejected(HEAD "\"ticket\":{" CALLER ",\"request\":\"F\",\"location\":{\"lat\":0,\"lng\":-181}}}",
	    "ticket.location.lng: must be at least -180");
}
END_TEST

START_TEST(number_shortest_form)
{
	char *text = normalised(HEAD "\"ticket\":{" CALLER ",\"request\":\"F\","
	    "\"location\":{\"lat\":45.750000,\"lng\":4.85E0}}}");

	assert_contains(text, "\"location\":{\"lat\":45.75,\"lng\":4.85}");
	free(text);
}
END_TEST

START_TEST(number_negative_zero)
{
	char *text = normalised(HEAD "\"ticket\":{" CALLER ",\"request\":\"F\","
	    "\"location\":{\"lat\":-0e8,\"lng\":-0.0}}}");

	assert_contains(text, "\"location\":{\"lat\":0,\"lng\":0}");
	free(text);
}
END_TEST

START_TEST(number_rejects_infinite)
{
	assert_rejected(HEAD "\"ticket\":{" CALLER ",\"request\":\"F\",\"location\":{\"lat\":1e999,\"lng\":0}}}",
	    "ticket.location.lat: must be a finite number");
}
END_TEST

START_TEST(string_limit_code_points)
{
	char *body = body_with_long_string("é", SCHEMA_STRING_MAX);
	char *text = normalised(body);

	free(text);
	free(body);
}
END_TEST

START_TEST(string_limit_exceeded)
{
	char *body = body_with_long_string("a", SCHEMA_STRING_MAX + 1);

	assert_rejected(body, "note: must not exceed 10000 characters (got 10001)");
	free(body);
}
END_TEST

START_TEST(limit_applies_to_unknown)
{
	char *body = body_with_long_array("unknownList", SCHEMA_ARRAY_MAX + 1);

	assert_rejected(body, "unknownList: must not exceed 1000 elements (got 1001)");
	free(body);
}
END_TEST

START_TEST(array_limit_accepted)
{
	char *body = body_with_long_array("unknownList", SCHEMA_ARRAY_MAX);
	char *text = normalised(body);

	free(text);
	free(body);
}
END_TEST

START_TEST(rejects_non_object_body)
{
	struct error err;
	struct json_object *array = json_object_new_array();

	ck_assert_ptr_null(schema_validate(array, open_ticket, &err));
	ck_assert_int_eq(err.type, ERR_INVALID_COMMAND);
	json_object_put(array);
}
END_TEST

START_TEST(rejects_nul_in_built_string)
{
	struct error err;
	struct json_object *in = json_object_new_object();
	struct json_object *out;

	json_object_object_add(in, "processUid", json_object_new_string(UID));
	json_object_object_add(in, "commandType", json_object_new_string("OpenTicket"));
	json_object_object_add(in, "note", json_object_new_string_len("a\0b", 3));
	out = schema_validate(in, open_ticket, &err);
	ck_assert_ptr_null(out);
	json_object_put(in);
}
END_TEST


static Suite *
schema_suite(void)
{
	Suite *suite = suite_create("schema");
	TCase *fields = tcase_create("fields");
	TCase *types = tcase_create("types");
	TCase *limits = tcase_create("limits");

	tcase_add_test(fields, copies_declared_fields);
	tcase_add_test(fields, drops_unknown_fields);
	tcase_add_test(fields, null_is_absent);
	tcase_add_test(fields, rejects_missing_required);
	tcase_add_test(fields, rejects_required_null);
	tcase_add_test(fields, blank_nested_path);
	tcase_add_test(fields, array_index_path);
	tcase_add_test(fields, rejects_wrong_json_type);
	tcase_add_test(fields, rejects_null_array_item);
	tcase_add_test(fields, absent_array_is_empty);
	tcase_add_test(fields, flagged_map_defaults_empty);
	tcase_add_test(fields, map_drops_null_values);
	tcase_add_test(fields, map_rejects_empty_key);
	tcase_add_test(fields, map_value_path);
	tcase_add_test(fields, non_empty_list_rejects_empty);
	tcase_add_test(fields, uuid_list_collapses_duplicates);
	tcase_add_test(fields, string_list_keeps_duplicates);
	tcase_add_test(fields, union_keeps_discriminator);
	tcase_add_test(fields, union_unknown_variant);
	tcase_add_test(fields, union_missing_discriminator);
	tcase_add_test(fields, union_rejected_variant);
	tcase_add_test(fields, union_by_key_one);
	tcase_add_test(fields, union_by_key_both);
	tcase_add_test(fields, union_by_key_none);
	tcase_add_test(fields, rejects_non_object_body);
	suite_add_tcase(suite, fields);

	tcase_add_test(types, lowercases_uuid);
	tcase_add_test(types, rejects_bad_uuid);
	tcase_add_test(types, normalises_datetime);
	tcase_add_test(types, rejects_datetime_without_offset);
	tcase_add_test(types, keeps_local_date);
	tcase_add_test(types, lowercases_email);
	tcase_add_test(types, rejects_bad_siret);
	tcase_add_test(types, rejects_unknown_enum);
	tcase_add_test(types, rejects_wrong_constant);
	tcase_add_test(types, integer_bounds);
	tcase_add_test(types, integer_out_of_int64);
	tcase_add_test(types, integer_rejects_fraction);
	tcase_add_test(types, duration_rejects_negative);
	tcase_add_test(types, duration_accepts_milliseconds);
	tcase_add_test(types, number_bounds);
	tcase_add_test(types, number_shortest_form);
	tcase_add_test(types, number_negative_zero);
	tcase_add_test(types, number_rejects_infinite);
	tcase_add_test(types, rejects_nul_in_built_string);
	suite_add_tcase(suite, types);

	tcase_add_test(limits, string_limit_code_points);
	tcase_add_test(limits, string_limit_exceeded);
	tcase_add_test(limits, limit_applies_to_unknown);
	tcase_add_test(limits, array_limit_accepted);
	suite_add_tcase(suite, limits);

	return suite;
}


int
main(void)
{
	return run_suite(schema_suite());
}
