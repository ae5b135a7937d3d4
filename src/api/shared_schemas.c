/* Input models shared by the commands of several aggregates. */
#include <stddef.h>

#include "shared_schemas.h"

#define TEXT {.type = SCHEMA_STRING}
#define NON_EMPTY {.type = SCHEMA_NON_EMPTY_STRING}
#define OBJECT(f) {.type = SCHEMA_OBJECT, .fields = (f)}
#define END {NULL, 0, {0}}

const struct schema_field shared_geolocation_fields[] = {
	{"lat", SCHEMA_REQUIRED, {.type = SCHEMA_NUMBER, .has_min = true, .has_max = true, .min = -90, .max = 90}},
	{"lng", SCHEMA_REQUIRED, {.type = SCHEMA_NUMBER, .has_min = true, .has_max = true, .min = -180, .max = 180}},
	END,
};

static const struct schema_field google_checker_fields[] = {{"googlePlaceId", SCHEMA_REQUIRED, NON_EMPTY}, END};
static const struct schema_field data_gouv_checker_fields[] = {{"dataGouvAddressId", SCHEMA_REQUIRED, NON_EMPTY}, END};

const struct schema_variant shared_checker_variants[] = {
	{"GooglePlaceIdChecker", google_checker_fields, false},
	{"DataGouvAPIIdChecker", data_gouv_checker_fields, false},
	{NULL, NULL, false},
};

#define GEOLOCATION OBJECT(shared_geolocation_fields)
#define CHECKER {.type = SCHEMA_UNION, .variants = shared_checker_variants}

const struct schema_field shared_agency_address_fields[] = {
	{"quality", 0, TEXT},
	{"number", SCHEMA_REQUIRED, NON_EMPTY},
	{"street", SCHEMA_REQUIRED, NON_EMPTY},
	{"complement", 0, TEXT},
	{"zipCode", SCHEMA_REQUIRED, NON_EMPTY},
	{"city", SCHEMA_REQUIRED, NON_EMPTY},
	{"state", 0, TEXT},
	{"country", 0, TEXT},
	{"geoLocation", 0, GEOLOCATION},
	{"checker", 0, CHECKER},
	END,
};

const struct schema_field shared_patrimony_address_fields[] = {
	{"quality", 0, NON_EMPTY},
	{"number", 0, NON_EMPTY},
	{"street", SCHEMA_REQUIRED, NON_EMPTY},
	{"complement", 0, NON_EMPTY},
	{"zipCode", SCHEMA_REQUIRED, NON_EMPTY},
	{"city", SCHEMA_REQUIRED, NON_EMPTY},
	{"state", 0, NON_EMPTY},
	{"country", 0, NON_EMPTY},
	{"geoLocation", 0, GEOLOCATION},
	{"checker", 0, CHECKER},
	{"floor", 0, TEXT},
	{"unit", 0, TEXT},
	{"digicode", 0, TEXT},
	{"entrance", 0, TEXT},
	{"elevator", 0, TEXT},
	{"staircase", 0, TEXT},
	END,
};

static const struct schema_field recipient_supplement_fields[] = {
	{"floor", 0, TEXT},
	{"unit", 0, TEXT},
	{"entrance", 0, TEXT},
	{"elevator", 0, TEXT},
	{"staircase", 0, TEXT},
	END,
};

static const struct schema_field geographical_supplement_fields[] = {
	{"building", 0, TEXT},
	END,
};

/* Shapes only, because lot_check_address() judges the values (AddressNotConform). */
static const struct schema_field open_geolocation_fields[] = {
	{"lat", SCHEMA_REQUIRED, {.type = SCHEMA_NUMBER}},
	{"lng", SCHEMA_REQUIRED, {.type = SCHEMA_NUMBER}},
	END,
};

static const struct schema_field open_checker_fields[] = {
	{"googlePlaceId", 0, NON_EMPTY},
	{"dataGouvAddressId", 0, NON_EMPTY},
	END,
};

const struct schema_field shared_lot_address_fields[] = {
	{"quality", 0, NON_EMPTY},
	{"number", 0, NON_EMPTY},
	{"street", SCHEMA_REQUIRED, TEXT},
	{"complement", 0, NON_EMPTY},
	{"zipCode", SCHEMA_REQUIRED, TEXT},
	{"city", SCHEMA_REQUIRED, TEXT},
	{"state", 0, NON_EMPTY},
	{"country", 0, NON_EMPTY},
	{"recipientSupplement", 0, OBJECT(recipient_supplement_fields)},
	{"geographicalSupplement", 0, OBJECT(geographical_supplement_fields)},
	{"geoLocation", 0, OBJECT(open_geolocation_fields)},
	{"checker", 0, OBJECT(open_checker_fields)},
	{"building", 0, {.type = SCHEMA_UUID}},
	END,
};

const struct schema_field shared_basic_address_fields[] = {
	{"quality", 0, TEXT},
	{"street", SCHEMA_REQUIRED, NON_EMPTY},
	{"complement", 0, TEXT},
	{"recipientSupplement", 0, OBJECT(recipient_supplement_fields)},
	{"geographicalSupplement", 0, OBJECT(geographical_supplement_fields)},
	{"zipCode", SCHEMA_REQUIRED, NON_EMPTY},
	{"city", SCHEMA_REQUIRED, NON_EMPTY},
	{"state", 0, TEXT},
	{"country", 0, TEXT},
	END,
};

static const char *const genders[] = {"Male", "Female", NULL};

static const struct schema_field poor_name_fields[] = {
	{"value", SCHEMA_REQUIRED, NON_EMPTY},
	END,
};

static const struct schema_field civil_name_fields[] = {
	{"firstName", SCHEMA_REQUIRED, TEXT},
	{"lastName", SCHEMA_REQUIRED, NON_EMPTY},
	{"gender", 0, {.type = SCHEMA_ENUM, .members = genders}},
	{"company", 0, TEXT},
	END,
};

const struct schema_variant shared_name_variants[] = {
	{"PoorName", poor_name_fields, false},
	{"CivilName", civil_name_fields, false},
	{NULL, NULL, false},
};
