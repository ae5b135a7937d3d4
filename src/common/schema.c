/* Table-driven validation and normalisation of command bodies. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "schema.h"
#include "types.h"

/* Maximum path length kept in messages, below the 256 bytes of error_prefix_path(). */
#define PATH_MAX_BYTES 200

/* Maximum length of a client value quoted in a message, in bytes. */
#define QUOTE_MAX_BYTES 40

struct validator {
	char path[PATH_MAX_BYTES + 4];
	size_t path_len;
	struct error *err;
};

static bool validate_value(struct validator *v, struct json_object *in,
    const struct schema_value *desc, struct json_object **out);


/* Appends ".name" (or "name" at the top) or "[index]" to the path and returns the old length. */
static size_t
path_push(struct validator *v, const char *name, size_t index)
{
	size_t old_len = v->path_len;
	char segment[PATH_MAX_BYTES + 1];
	size_t n;

	if (name != NULL)
		snprintf(segment, sizeof(segment), "%s%s",
		    v->path_len > 0 ? "." : "", name);
	else
		snprintf(segment, sizeof(segment), "[%zu]", index);

	/* A cut path ends with "..." so the reader knows it is incomplete. */
	n = strlen(segment);
	if (v->path_len + n > PATH_MAX_BYTES) {
		if (v->path_len < PATH_MAX_BYTES) {
			memcpy(v->path + v->path_len, "...", 4);
			v->path_len = PATH_MAX_BYTES;
		}
		return old_len;
	}
	memcpy(v->path + v->path_len, segment, n + 1);
	v->path_len += n;
	return old_len;
}


static void
path_pop(struct validator *v, size_t old_len)
{
	v->path_len = old_len;
	v->path[old_len] = '\0';
}


/* Prefixes the message already in v->err with the current path. */
static bool
fail_here(struct validator *v)
{
	if (v->path_len > 0)
		error_prefix_path(v->err, v->path);
	return false;
}


static bool
fail(struct validator *v, const char *message_fr, const char *message_en)
{
	error_set(v->err, ERR_INVALID_COMMAND, "%s%.0s", "%.0s%s",
	    message_fr, message_en);
	return fail_here(v);
}


static bool
fail_memory(struct validator *v)
{
	return error_set(v->err, ERR_INTERNAL, "mémoire insuffisante",
	    "out of memory");
}


/* Copies at most QUOTE_MAX_BYTES of S into OUT without cutting a UTF-8 character. */
static void
quote_value(const char *s, char out[QUOTE_MAX_BYTES + 4])
{
	size_t len = strlen(s);

	if (len <= QUOTE_MAX_BYTES) {
		memcpy(out, s, len + 1);
		return;
	}
	len = QUOTE_MAX_BYTES;
	while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
		len--;
	memcpy(out, s, len);
	memcpy(out + len, "...", 4);
}


/* Appends ", NAME" (just NAME at first) to OUT, leaving OUT as it was when it would not fit. */
static void
append_name(char *out, size_t size, const char *name)
{
	size_t n = strlen(out);
	int written = snprintf(out + n, size - n, "%s%s", n > 0 ? ", " : "", name);

	if (written < 0 || (size_t)written >= size - n)
		out[n] = '\0';
}


static bool
add_member(struct validator *v, struct json_object *object, const char *key,
    struct json_object *value)
{
	if (json_object_object_add(object, key, value) != 0) {
		json_object_put(value);
		return fail_memory(v);
	}
	return true;
}


/* Enforces the string and array size limits anywhere under IN. */
static bool
check_limits(struct validator *v, struct json_object *in)
{
	size_t count;

	switch (json_object_get_type(in)) {
	case json_type_string:
		count = u8_mbsnlen((const uint8_t *)json_object_get_string(in),
		    (size_t)json_object_get_string_len(in));
		if (count > SCHEMA_STRING_MAX) {
			error_set(v->err, ERR_INVALID_COMMAND,
			    "ne doit pas dépasser %d caractères (%zu reçus)",
			    "must not exceed %d characters (got %zu)",
			    SCHEMA_STRING_MAX, count);
			return fail_here(v);
		}
		return true;

	case json_type_array:
		count = json_object_array_length(in);
		if (count > SCHEMA_ARRAY_MAX) {
			error_set(v->err, ERR_INVALID_COMMAND,
			    "ne doit pas dépasser %d éléments (%zu reçus)",
			    "must not exceed %d elements (got %zu)",
			    SCHEMA_ARRAY_MAX, count);
			return fail_here(v);
		}
		for (size_t i = 0; i < count; i++) {
			size_t old_len = path_push(v, NULL, i);

			if (!check_limits(v, json_object_array_get_idx(in, i)))
				return false;
			path_pop(v, old_len);
		}
		return true;

	case json_type_object: {
		json_object_object_foreach(in, key, member) {
			size_t old_len = path_push(v, key, 0);

			if (u8_mbsnlen((const uint8_t *)key, strlen(key))
			    > SCHEMA_STRING_MAX)
				return fail(v,
				    "le nom du champ dépasse 10000 caractères",
				    "the field name exceeds 10000 characters");
			if (!check_limits(v, member))
				return false;
			path_pop(v, old_len);
		}
		return true;
	}

	default:
		return true;
	}
}


/* Reads IN as a string into S and LEN, failing when it is not one. */
static bool
read_string(struct validator *v, struct json_object *in, const char **s,
    size_t *len)
{
	if (!json_object_is_type(in, json_type_string))
		return fail(v, "doit être une chaîne de caractères",
		    "must be a string");
	*s = json_object_get_string(in);
	*len = (size_t)json_object_get_string_len(in);
	return true;
}


static bool
new_string(struct validator *v, const char *s, size_t len,
    struct json_object **out)
{
	*out = json_object_new_string_len(s, (int)len);
	return *out != NULL || fail_memory(v);
}


/* Validates the string types whose output is a string. */
static bool
validate_text(struct validator *v, struct json_object *in,
    const struct schema_value *desc, struct json_object **out)
{
	char uuid[TYPES_UUID_SIZE], datetime[TYPES_DATETIME_SIZE];
	struct types_date date;
	const char *s;
	size_t len;
	int64_t ms;
	char *email;
	bool ok;

	if (!read_string(v, in, &s, &len))
		return false;

	switch (desc->type) {
	case SCHEMA_UUID:
		if (!types_parse_uuid(s, len, uuid, v->err))
			return fail_here(v);
		return new_string(v, uuid, TYPES_UUID_SIZE - 1, out);
	case SCHEMA_LOCAL_DATE:
		if (!types_parse_local_date(s, len, &date, v->err))
			return fail_here(v);
		return new_string(v, s, len, out);
	case SCHEMA_DATETIME:
		if (!types_parse_datetime(s, len, &ms, v->err))
			return fail_here(v);
		types_format_datetime(ms, datetime);
		return new_string(v, datetime, strlen(datetime), out);
	case SCHEMA_SIRET:
		if (!types_check_siret(s, len, v->err))
			return fail_here(v);
		return new_string(v, s, len, out);
	case SCHEMA_PHONE:
		if (!types_check_phone(s, len, v->err))
			return fail_here(v);
		return new_string(v, s, len, out);
	case SCHEMA_EMAIL:
		email = types_parse_email(s, len, v->err);
		if (email == NULL)
			return fail_here(v);
		ok = new_string(v, email, strlen(email), out);
		free(email);
		return ok;
	case SCHEMA_NON_EMPTY_STRING:
		if (!types_check_non_empty(s, len, v->err))
			return fail_here(v);
		return new_string(v, s, len, out);
	default:
		/* JSON bodies never hold NUL, but trees built in code might. */
		if (memchr(s, '\0', len) != NULL)
			return fail(v, "ne doit pas contenir d'octet NUL",
			    "must not contain a NUL byte");
		return new_string(v, s, len, out);
	}
}


/* Formats D with the fewest significant digits that read back as D. */
static void
shortest_decimal(double d, char out[32])
{
	for (int precision = 1; precision <= 17; precision++) {
		snprintf(out, 32, "%.*g", precision, d);
		if (strtod(out, NULL) == d)
			return;
	}
}


static bool
validate_number(struct validator *v, struct json_object *in,
    const struct schema_value *desc, struct json_object **out)
{
	char text[32];
	double d;

	if (!json_object_is_type(in, json_type_int)
	    && !json_object_is_type(in, json_type_double))
		return fail(v, "doit être un nombre", "must be a number");

	d = json_object_get_double(in);
	if (!isfinite(d))
		return fail(v, "doit être un nombre fini",
		    "must be a finite number");
	if (desc->has_min && d < desc->min) {
		error_set(v->err, ERR_INVALID_COMMAND,
		    "doit être supérieur ou égal à %g", "must be at least %g",
		    desc->min);
		return fail_here(v);
	}
	if (desc->has_max && d > desc->max) {
		error_set(v->err, ERR_INVALID_COMMAND,
		    "doit être inférieur ou égal à %g", "must be at most %g",
		    desc->max);
		return fail_here(v);
	}

	if (json_object_is_type(in, json_type_int))
		*out = json_object_new_int64(json_object_get_int64(in));
	else {
		/* "-0" would read back as the integer 0, so -0.0 is written as 0. */
		if (d == 0.0)
			d = 0.0;
		shortest_decimal(d, text);
		*out = json_object_new_double_s(d, text);
	}
	return *out != NULL || fail_memory(v);
}


/* Reads IN as an int64, telling a too-large integer from a non-integer. */
static bool
read_integer(struct validator *v, struct json_object *in, int64_t *value)
{
	double d;

	if (json_object_is_type(in, json_type_int)) {
		*value = json_object_get_int64(in);
		return true;
	}
	if (!json_object_is_type(in, json_type_double))
		return fail(v, "doit être un entier", "must be an integer");

	/*
	 * json_strict_parse() turns integer literals beyond int64 into doubles.
	 * Every double of magnitude 2^63 or more is a whole number.
	 */
	d = json_object_get_double(in);
	if (isfinite(d) && (d >= 9223372036854775808.0 || d <= -9223372036854775808.0))
		return fail(v,
		    "dépasse l'intervalle des entiers 64 bits signés",
		    "is outside the signed 64-bit integer range");
	return fail(v, "doit être un entier", "must be an integer");
}


static bool
validate_integer(struct validator *v, struct json_object *in,
    const struct schema_value *desc, struct json_object **out)
{
	int64_t value;

	if (!read_integer(v, in, &value))
		return false;

	if (desc->type == SCHEMA_DURATION && value < 0)
		return fail(v,
		    "doit être une durée en millisecondes positive ou nulle",
		    "must be a duration in milliseconds of 0 or more");
	if (desc->type == SCHEMA_INTEGER && desc->has_min && value < desc->int_min) {
		error_set(v->err, ERR_INVALID_COMMAND,
		    "doit être supérieur ou égal à %" PRId64,
		    "must be at least %" PRId64, desc->int_min);
		return fail_here(v);
	}
	if (desc->type == SCHEMA_INTEGER && desc->has_max && value > desc->int_max) {
		error_set(v->err, ERR_INVALID_COMMAND,
		    "doit être inférieur ou égal à %" PRId64,
		    "must be at most %" PRId64, desc->int_max);
		return fail_here(v);
	}

	*out = json_object_new_int64(value);
	return *out != NULL || fail_memory(v);
}


static bool
validate_enum(struct validator *v, struct json_object *in,
    const struct schema_value *desc, struct json_object **out)
{
	char quoted[QUOTE_MAX_BYTES + 4], names[256];
	const char *s;
	size_t len;

	if (!read_string(v, in, &s, &len))
		return false;

	for (const char *const *member = desc->members; *member != NULL; member++)
		if (strlen(*member) == len && memcmp(*member, s, len) == 0)
			return new_string(v, s, len, out);

	quote_value(s, quoted);
	names[0] = '\0';
	for (const char *const *member = desc->members; *member != NULL; member++)
		append_name(names, sizeof(names), *member);
	error_set(v->err, ERR_INVALID_COMMAND,
	    "valeur inconnue « %s » (valeurs admises : %s)",
	    "unknown value \"%s\" (expected one of: %s)", quoted, names);
	return fail_here(v);
}


static bool
validate_constant(struct validator *v, struct json_object *in,
    const struct schema_value *desc, struct json_object **out)
{
	const char *s;
	size_t len;

	if (!read_string(v, in, &s, &len))
		return false;

	if (strlen(desc->constant) != len || memcmp(desc->constant, s, len) != 0) {
		error_set(v->err, ERR_INVALID_COMMAND, "doit valoir « %s »",
		    "must be \"%s\"", desc->constant);
		return fail_here(v);
	}
	return new_string(v, s, len, out);
}


/* Copies the declared FIELDS of the object IN into the object OUT. */
static bool
validate_fields(struct validator *v, struct json_object *in,
    const struct schema_field *fields, struct json_object *out)
{
	for (const struct schema_field *field = fields; field->name != NULL; field++) {
		struct json_object *member = NULL, *normalised = NULL;
		size_t old_len = path_push(v, field->name, 0);

		/* A member whose value is null reads as absent. */
		json_object_object_get_ex(in, field->name, &member);

		if (member == NULL) {
			if (field->flags & SCHEMA_REQUIRED)
				return fail(v, "champ obligatoire manquant",
				    "is required");
			if (field->value.type == SCHEMA_ARRAY)
				normalised = json_object_new_array();
			else if (field->value.type == SCHEMA_MAP
			    && (field->flags & SCHEMA_DEFAULT_EMPTY))
				normalised = json_object_new_object();
			else {
				path_pop(v, old_len);
				continue;
			}
			if (normalised == NULL)
				return fail_memory(v);
		} else if (!validate_value(v, member, &field->value, &normalised)) {
			json_object_put(normalised);
			return false;
		}

		if (!add_member(v, out, field->name, normalised))
			return false;
		path_pop(v, old_len);
	}
	return true;
}


static bool
validate_object(struct validator *v, struct json_object *in,
    const struct schema_value *desc, struct json_object **out)
{
	if (!json_object_is_type(in, json_type_object))
		return fail(v, "doit être un objet", "must be an object");

	*out = json_object_new_object();
	if (*out == NULL)
		return fail_memory(v);
	return validate_fields(v, in, desc->fields, *out);
}


/* Tells whether the normalised string ITEM is already in the first COUNT items of ARRAY. */
static bool
array_has_string(struct json_object *array, size_t count,
    struct json_object *item)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(array, i)),
		    json_object_get_string(item)) == 0)
			return true;
	return false;
}


static bool
validate_array(struct validator *v, struct json_object *in,
    const struct schema_value *desc, struct json_object **out)
{
	bool collapse = desc->type == SCHEMA_NON_EMPTY_LIST
	    && desc->items->type == SCHEMA_UUID;
	size_t count;

	if (!json_object_is_type(in, json_type_array))
		return fail(v, "doit être un tableau", "must be an array");
	count = json_object_array_length(in);
	if (desc->type == SCHEMA_NON_EMPTY_LIST && count == 0)
		return fail(v, "ne doit pas être une liste vide",
		    "must not be an empty list");

	*out = json_object_new_array();
	if (*out == NULL)
		return fail_memory(v);

	for (size_t i = 0; i < count; i++) {
		struct json_object *item = NULL;
		size_t old_len = path_push(v, NULL, i);

		if (!validate_value(v, json_object_array_get_idx(in, i),
		    desc->items, &item)) {
			json_object_put(item);
			return false;
		}
		path_pop(v, old_len);

		/* NonEmptyList[SafeUUID] keeps the first of equal uids. */
		if (collapse && array_has_string(*out,
		    json_object_array_length(*out), item)) {
			json_object_put(item);
			continue;
		}
		if (json_object_array_add(*out, item) != 0) {
			json_object_put(item);
			return fail_memory(v);
		}
	}
	return true;
}


static bool
validate_map(struct validator *v, struct json_object *in,
    const struct schema_value *desc, struct json_object **out)
{
	if (!json_object_is_type(in, json_type_object))
		return fail(v, "doit être un objet", "must be an object");

	*out = json_object_new_object();
	if (*out == NULL)
		return fail_memory(v);

	json_object_object_foreach(in, key, member) {
		struct json_object *normalised = NULL;
		size_t old_len;

		if (key[0] == '\0')
			return fail(v, "les clés ne doivent pas être vides",
			    "keys must not be empty");
		/* A null value is dropped so that stored events never hold null. */
		if (member == NULL)
			continue;

		old_len = path_push(v, key, 0);
		if (!validate_value(v, member, desc->items, &normalised)) {
			json_object_put(normalised);
			return false;
		}
		path_pop(v, old_len);
		if (!add_member(v, *out, key, normalised))
			return false;
	}
	return true;
}


/* Picks the variant of a union without discriminator: the one whose first field is present. */
static bool
select_variant_by_key(struct validator *v, struct json_object *in,
    const struct schema_value *desc, const struct schema_variant **chosen)
{
	char names[256];
	int present = 0;

	for (const struct schema_variant *variant = desc->variants;
	    variant->name != NULL; variant++) {
		struct json_object *member = NULL;

		json_object_object_get_ex(in, variant->fields[0].name, &member);
		if (member != NULL) {
			*chosen = variant;
			present++;
		}
	}
	if (present == 1)
		return true;

	/* Lists the first field of each variant, which is what the client must pick from. */
	names[0] = '\0';
	for (const struct schema_variant *variant = desc->variants;
	    variant->name != NULL; variant++)
		append_name(names, sizeof(names), variant->fields[0].name);
	error_set(v->err, ERR_INVALID_COMMAND,
	    "exactement un des champs %s doit être présent",
	    "exactly one of the fields %s must be present", names);
	return fail_here(v);
}


/* Picks the variant named by the discriminator member of IN. */
static bool
select_variant_by_name(struct validator *v, struct json_object *in,
    const struct schema_value *desc, const struct schema_variant **chosen)
{
	char quoted[QUOTE_MAX_BYTES + 4], names[256];
	struct json_object *tag = NULL;
	size_t old_len = path_push(v, desc->discriminator, 0);
	const char *s;
	size_t len;

	json_object_object_get_ex(in, desc->discriminator, &tag);
	if (tag == NULL)
		return fail(v, "champ obligatoire manquant", "is required");
	if (!read_string(v, tag, &s, &len))
		return false;

	for (const struct schema_variant *variant = desc->variants;
	    variant->name != NULL; variant++) {
		if (strlen(variant->name) != len || memcmp(variant->name, s, len) != 0)
			continue;
		if (variant->rejected) {
			error_set(v->err, ERR_INVALID_COMMAND,
			    "« %s » n'est pas accepté dans cette version de l'API",
			    "\"%s\" is not accepted in this API version",
			    variant->name);
			return fail_here(v);
		}
		*chosen = variant;
		path_pop(v, old_len);
		return true;
	}

	quote_value(s, quoted);
	names[0] = '\0';
	for (const struct schema_variant *variant = desc->variants;
	    variant->name != NULL; variant++)
		append_name(names, sizeof(names), variant->name);
	error_set(v->err, ERR_INVALID_COMMAND,
	    "valeur inconnue « %s » (valeurs admises : %s)",
	    "unknown value \"%s\" (expected one of: %s)", quoted, names);
	return fail_here(v);
}


static bool
validate_union(struct validator *v, struct json_object *in,
    const struct schema_value *desc, struct json_object **out)
{
	const struct schema_variant *variant = NULL;
	struct json_object *tag;

	if (!json_object_is_type(in, json_type_object))
		return fail(v, "doit être un objet", "must be an object");

	if (desc->discriminator == NULL) {
		if (!select_variant_by_key(v, in, desc, &variant))
			return false;
	} else if (!select_variant_by_name(v, in, desc, &variant)) {
		return false;
	}

	*out = json_object_new_object();
	if (*out == NULL)
		return fail_memory(v);
	if (!validate_fields(v, in, variant->fields, *out))
		return false;
	if (desc->discriminator == NULL)
		return true;

	tag = json_object_new_string(variant->name);
	if (tag == NULL)
		return fail_memory(v);
	return add_member(v, *out, desc->discriminator, tag);
}


/*
 * Validates one non-null value.  On failure *OUT may hold a partly built
 * container, which the caller releases.
 */
static bool
validate_value(struct validator *v, struct json_object *in,
    const struct schema_value *desc, struct json_object **out)
{
	switch (desc->type) {
	case SCHEMA_BOOLEAN:
		if (!json_object_is_type(in, json_type_boolean))
			return fail(v, "doit être un booléen", "must be a boolean");
		*out = json_object_new_boolean(json_object_get_boolean(in));
		return *out != NULL || fail_memory(v);
	case SCHEMA_NUMBER:
		return validate_number(v, in, desc, out);
	case SCHEMA_INTEGER:
	case SCHEMA_DURATION:
		return validate_integer(v, in, desc, out);
	case SCHEMA_ENUM:
		return validate_enum(v, in, desc, out);
	case SCHEMA_CONSTANT:
		return validate_constant(v, in, desc, out);
	case SCHEMA_OBJECT:
		return validate_object(v, in, desc, out);
	case SCHEMA_ARRAY:
	case SCHEMA_NON_EMPTY_LIST:
		return validate_array(v, in, desc, out);
	case SCHEMA_MAP:
		return validate_map(v, in, desc, out);
	case SCHEMA_UNION:
		return validate_union(v, in, desc, out);
	default:
		return validate_text(v, in, desc, out);
	}
}


struct json_object *
schema_validate(struct json_object *in, const struct schema_field *fields,
    struct error *err)
{
	struct validator v = {.err = err};
	struct json_object *out;

	if (!json_object_is_type(in, json_type_object)) {
		error_set(err, ERR_INVALID_COMMAND,
		    "le corps de la commande doit être un objet JSON",
		    "the command body must be a JSON object");
		return NULL;
	}
	if (!check_limits(&v, in))
		return NULL;

	out = json_object_new_object();
	if (out == NULL) {
		fail_memory(&v);
		return NULL;
	}
	if (!validate_fields(&v, in, fields, out)) {
		json_object_put(out);
		return NULL;
	}
	return out;
}
