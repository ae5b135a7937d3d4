/*
 * libFuzzer harness: json_strict_parse() on arbitrary bytes, then
 * schema_validate() on a schema using every field type.  Aborts when an
 * accepted document does not read back after serialisation, or when a
 * normalised command does not validate again to the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_strict.h"
#include "common/schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kinds[] = {"A", "B", NULL};

static const struct schema_field name_fields[] = {
	{"value", SCHEMA_REQUIRED, {.type = SCHEMA_NON_EMPTY_STRING}},
	{NULL, 0, {0}},
};

static const struct schema_field other_fields[] = {
	{"n", 0, {.type = SCHEMA_NUMBER, .has_min = true, .min = -90,
	    .has_max = true, .max = 90}},
	{NULL, 0, {0}},
};

static const struct schema_variant variants[] = {
	{"Poor", name_fields, false},
	{"Other", other_fields, false},
	{"Old", other_fields, true},
	{NULL, NULL, false},
};

static const struct schema_variant keyed_variants[] = {
	{"ByValue", name_fields, false},
	{"ByN", other_fields, false},
	{NULL, NULL, false},
};

static const struct schema_field nested[] = {
	{"u", 0, {.type = SCHEMA_UUID}},
	{"s", 0, {.type = SCHEMA_STRING}},
	{NULL, 0, {0}},
};

static const struct schema_field command[] = {
	{"processUid", 0, {.type = SCHEMA_UUID}},
	{"commandType", 0, {.type = SCHEMA_CONSTANT, .constant = "AddMessage"}},
	{"date", 0, {.type = SCHEMA_LOCAL_DATE}},
	{"at", 0, {.type = SCHEMA_DATETIME}},
	{"duration", 0, {.type = SCHEMA_DURATION}},
	{"siret", 0, {.type = SCHEMA_SIRET}},
	{"phone", 0, {.type = SCHEMA_PHONE}},
	{"login", 0, {.type = SCHEMA_EMAIL}},
	{"message", 0, {.type = SCHEMA_NON_EMPTY_STRING}},
	{"note", 0, {.type = SCHEMA_STRING}},
	{"flag", 0, {.type = SCHEMA_BOOLEAN}},
	{"number", 0, {.type = SCHEMA_NUMBER}},
	{"count", 0, {.type = SCHEMA_INTEGER, .has_min = true, .int_min = -5,
	    .has_max = true, .int_max = 1000}},
	{"kind", 0, {.type = SCHEMA_ENUM, .members = kinds}},
	{"object", 0, {.type = SCHEMA_OBJECT, .fields = nested}},
	{"list", 0, {.type = SCHEMA_ARRAY,
	    .items = &(const struct schema_value){.type = SCHEMA_OBJECT,
	    .fields = nested}}},
	{"uids", 0, {.type = SCHEMA_NON_EMPTY_LIST,
	    .items = &(const struct schema_value){.type = SCHEMA_UUID}}},
	{"map", SCHEMA_DEFAULT_EMPTY, {.type = SCHEMA_MAP,
	    .items = &(const struct schema_value){.type = SCHEMA_STRING}}},
	{"name", 0, {.type = SCHEMA_UNION, .discriminator = "type",
	    .variants = variants}},
	{"checker", 0, {.type = SCHEMA_UNION, .variants = keyed_variants}},
	{NULL, 0, {0}},
};

static const int serialise_flags = JSON_C_TO_STRING_PLAIN
    | JSON_C_TO_STRING_NOSLASHESCAPE;


/* Validates the normalised OUT again and aborts unless the text is unchanged. */
static void
check_idempotent(struct json_object *out)
{
	const char *text = json_object_to_json_string_ext(out, serialise_flags);
	struct json_object *reparsed, *again;
	struct error err;

	reparsed = json_strict_parse(text, strlen(text), &err);
	if (reparsed == NULL)
		abort();
	again = schema_validate(reparsed, command, &err);
	if (again == NULL)
		abort();
	if (strcmp(text, json_object_to_json_string_ext(again, serialise_flags)) != 0)
		abort();
	json_object_put(again);
	json_object_put(reparsed);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *in, *reparsed, *out;
	const char *text;
	struct error err;

	in = json_strict_parse((const char *)data, size, &err);
	if (in == NULL) {
		if (err.type != ERR_INVALID_JSON)
			abort();
		return 0;
	}

	/* Whatever was accepted must read back once serialised by json-c. */
	text = json_object_to_json_string_ext(in, serialise_flags);
	reparsed = json_strict_parse(text, strlen(text), &err);
	if (reparsed == NULL)
		abort();
	json_object_put(reparsed);

	out = schema_validate(in, command, &err);
	if (out != NULL)
		check_idempotent(out);
	else if (err.type != ERR_INVALID_COMMAND)
		abort();

	json_object_put(out);
	json_object_put(in);
	return 0;
}
