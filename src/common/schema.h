/*
 * Declared validation of command bodies.  A command (or object) schema is a
 * static table of struct schema_field, ended by an entry whose name is NULL.
 * schema_validate() checks a parsed body against it and builds the
 * normalised copy that handlers and events use.  For example:
 *
 *	static const char *const genders[] = {"Male", "Female", NULL};
 *	static const struct schema_field civil_name[] = {
 *		{"firstName", SCHEMA_REQUIRED, {.type = SCHEMA_STRING}},
 *		{"lastName", SCHEMA_REQUIRED, {.type = SCHEMA_NON_EMPTY_STRING}},
 *		{"gender", 0, {.type = SCHEMA_ENUM, .members = genders}},
 *		{NULL, 0, {0}},
 *	};
 *	static const struct schema_field add_message[] = {
 *		{"processUid", SCHEMA_REQUIRED, {.type = SCHEMA_UUID}},
 *		{"message", SCHEMA_REQUIRED, {.type = SCHEMA_NON_EMPTY_STRING}},
 *		{"agencies", 0, {.type = SCHEMA_ARRAY,
 *		    .items = &(const struct schema_value){.type = SCHEMA_UUID}}},
 *		{NULL, 0, {0}},
 *	};
 *
 * Tables must not declare a name twice, and a union's variant tables must
 * not declare its discriminator.
 */
#ifndef PERFIMMO_SCHEMA_H
#define PERFIMMO_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "common/error.h"

/* Maximum length of any JSON string in a body (keys too), in code points. */
#define SCHEMA_STRING_MAX 10000

/* Maximum number of elements of any JSON array in a body. */
#define SCHEMA_ARRAY_MAX 1000

enum schema_type {
	SCHEMA_UUID = 1,	/* SafeUUID, output lowercase */
	SCHEMA_LOCAL_DATE,	/* "YYYY-MM-DD", output as sent */
	SCHEMA_DATETIME,	/* output "YYYY-MM-DDTHH:MM:SS.sssZ" in UTC */
	SCHEMA_DURATION,	/* integer of milliseconds, 0 to INT64_MAX */
	SCHEMA_SIRET,
	SCHEMA_PHONE,
	SCHEMA_EMAIL,		/* output lowercase */
	SCHEMA_STRING,		/* any string without NUL, empty allowed */
	SCHEMA_NON_EMPTY_STRING, /* not only spaces, tabs, CR and LF; not trimmed */
	SCHEMA_BOOLEAN,
	SCHEMA_NUMBER,		/* finite number, optional bounds min and max */
	SCHEMA_INTEGER,		/* int64, optional bounds int_min and int_max */
	SCHEMA_ENUM,		/* one of `members`, case-sensitive */
	SCHEMA_CONSTANT,	/* exactly the string `constant` */
	SCHEMA_OBJECT,		/* an object checked against `fields` */
	SCHEMA_ARRAY,		/* 0 or more `items`; absent gives [] */
	SCHEMA_NON_EMPTY_LIST,	/* 1 or more `items`; UUID duplicates collapsed */
	SCHEMA_MAP,		/* object of non-empty keys to `items`; null values dropped */
	SCHEMA_UNION,		/* tagged union, see struct schema_variant */
};

/* Field flags. */
enum {
	SCHEMA_REQUIRED = 1 << 0,	/* absent or null is an error */
	SCHEMA_DEFAULT_EMPTY = 1 << 1,	/* an absent SCHEMA_MAP becomes {} */
};

struct schema_field;
struct schema_variant;

/* Type of one value, with the parameters its type uses (others stay zero). */
struct schema_value {
	enum schema_type type;

	/* SCHEMA_NUMBER uses min and max, SCHEMA_INTEGER int_min and int_max. */
	bool has_min;
	bool has_max;
	double min;
	double max;
	int64_t int_min;
	int64_t int_max;

	const char *const *members;		/* SCHEMA_ENUM, NULL-terminated */
	const char *constant;			/* SCHEMA_CONSTANT */
	const struct schema_field *fields;	/* SCHEMA_OBJECT */
	const struct schema_value *items;	/* SCHEMA_ARRAY, _NON_EMPTY_LIST, _MAP */

	/*
	 * SCHEMA_UNION: the discriminator's name and the variants, ended by an
	 * entry whose name is NULL.  Without a discriminator, the variant is
	 * the one whose first field is present, exactly one must be, and so
	 * every variant needs at least one field.
	 */
	const char *discriminator;
	const struct schema_variant *variants;
};

/* Member of an object schema. */
struct schema_field {
	const char *name;	/* NULL ends the table */
	unsigned flags;		/* SCHEMA_REQUIRED, SCHEMA_DEFAULT_EMPTY */
	struct schema_value value;
};

/* Variant of a tagged union. */
struct schema_variant {
	const char *name;		/* discriminator value; NULL ends the table */
	const struct schema_field *fields;
	bool rejected;			/* known, but not accepted in API v1 */
};

/*
 * Validates the body IN against FIELDS and returns a new normalised object
 * that the caller releases with json_object_put().  IN is only read, and
 * the result shares no json-c object with it.
 *
 * Normalisation: only declared fields are copied (unknown fields are
 * dropped), null is the same as absent, SafeUUIDs and Emails are lowercased,
 * DateTimes take their UTC millisecond form, numbers their shortest
 * round-trip decimal form, absent arrays become [], absent maps flagged
 * SCHEMA_DEFAULT_EMPTY become {}, other absent optional fields stay absent,
 * and a union keeps its discriminator.
 *
 * First, every string (keys included) anywhere in IN, unknown fields
 * included, must have at most SCHEMA_STRING_MAX code points, and every
 * array at most SCHEMA_ARRAY_MAX elements.
 *
 * On failure returns NULL with ERR set to ERR_INVALID_COMMAND and a message
 * starting with the JSON path of the faulty value, as in
 * "ticket.caller.name.value : ne doit pas être vide" and
 * "ticket.caller.name.value: must not be blank", with array indexes as in
 * "agency.phones[2]".  Paths longer than 200 bytes are cut.  Memory
 * exhaustion gives ERR_INTERNAL.
 *
 * Integers: json_strict_parse() gives a double for an integer literal
 * outside the int64 range, so a SCHEMA_INTEGER or SCHEMA_DURATION field
 * rejects it as out of range, and rejects any other double as not an
 * integer.
 */
struct json_object *schema_validate(struct json_object *in,
    const struct schema_field *fields, struct error *err);

#endif
