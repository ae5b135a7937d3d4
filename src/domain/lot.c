/* Lot rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/types.h"
#include "lot.h"


void
lot_init(struct lot_state *state, const char *uid)
{
	memset(state, 0, sizeof(*state));
	snprintf(state->uid, sizeof(state->uid), "%s", uid);
}


void
lot_free(struct lot_state *state)
{
	uid_list_free(&state->addresses);
}


static void
add_addresses(struct lot_state *state, struct json_object *addresses)
{
	size_t count;

	if (addresses == NULL || !json_object_is_type(addresses, json_type_array))
		return;
	count = json_object_array_length(addresses);
	for (size_t i = 0; i < count; i++)
		uid_list_add(&state->addresses,
		    domain_string(json_object_array_get_idx(addresses, i), "uid"));
}


void
lot_evolve(struct lot_state *state, struct json_object *event)
{
	const char *type = domain_string(event, "eventType");
	struct json_object *value = NULL;

	if (type == NULL)
		return;

	if (strcmp(type, "LotReferenced") == 0) {
		const char *patrimony = domain_string(event, "patrimonyUid");
		state->exists = true;
		snprintf(state->patrimony_uid, 37, "%s", patrimony != NULL ? patrimony : "");
		json_object_object_get_ex(event, "addresses", &value);
		add_addresses(state, value);
	} else if (strcmp(type, "AddressAddedToLot") == 0) {
		json_object_object_get_ex(event, "lotAddress", &value);
		uid_list_add(&state->addresses, domain_string(value, "uid"));
	} else if (strcmp(type, "AddressRemovedFromLot") == 0) {
		uid_list_remove(&state->addresses, domain_string(event, "addressUid"));
	} else if (strcmp(type, "LotDeleted") == 0) {
		state->deleted = true;
	}
}


void
lot_fold(struct lot_state *state, struct json_object *events)
{
	size_t count = json_object_array_length(events);

	for (size_t i = 0; i < count; i++)
		lot_evolve(state, json_object_array_get_idx(events, i));
}


static bool
not_conform(struct error *err, const char *path, const char *field,
    const char *fr, const char *en)
{
	char full[256];

	error_set_text(err, ERR_LOT_ADDRESS_NOT_CONFORM, fr, en);
	snprintf(full, sizeof(full), "%s.%s", path, field);
	error_prefix_path(err, full);
	return false;
}


static bool
is_blank(const char *s)
{
	struct error ignored;

	return s == NULL || !types_check_non_empty(s, strlen(s), &ignored);
}


/* ^[0-9A-Za-z][0-9A-Za-z -]{1,9}$ */
static bool
zip_code_is_valid(const char *s)
{
	size_t len = strlen(s);

	if (len < 2 || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z');
		if (!alnum && (i == 0 || (c != ' ' && c != '-')))
			return false;
	}
	return true;
}


static bool
number_within(struct json_object *object, const char *name, double min, double max)
{
	struct json_object *value;
	double number;

	if (!json_object_object_get_ex(object, name, &value))
		return false;
	number = json_object_get_double(value);
	return number >= min && number <= max;
}


bool
lot_check_address(struct json_object *address, const char *path, struct error *err)
{
	static const char *const required[] = {"street", "zipCode", "city"};
	struct json_object *geo, *checker;

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (is_blank(domain_string(address, required[i])))
			return not_conform(err, path, required[i], "ne doit pas être vide",
			    "must not be blank");

	if (!zip_code_is_valid(domain_string(address, "zipCode")))
		return not_conform(err, path, "zipCode",
		    "doit comporter de 2 à 10 lettres, chiffres, espaces ou tirets, en commençant par une lettre ou un chiffre",
		    "must be 2 to 10 letters, digits, spaces or hyphens, starting with a letter or a digit");

	if (json_object_object_get_ex(address, "geoLocation", &geo)) {
		if (!number_within(geo, "lat", -90, 90))
			return not_conform(err, path, "geoLocation.lat",
			    "doit être comprise entre -90 et 90", "must be between -90 and 90");
		if (!number_within(geo, "lng", -180, 180))
			return not_conform(err, path, "geoLocation.lng",
			    "doit être comprise entre -180 et 180", "must be between -180 and 180");
	}

	if (json_object_object_get_ex(address, "checker", &checker) &&
	    (domain_string(checker, "googlePlaceId") != NULL) ==
	    (domain_string(checker, "dataGouvAddressId") != NULL))
		return not_conform(err, path, "checker",
		    "doit contenir soit googlePlaceId, soit dataGouvAddressId",
		    "must hold either googlePlaceId or dataGouvAddressId");
	return true;
}


bool
lot_validate(const char *command_type, struct json_object *body, struct error *err)
{
	struct json_object *value;
	char path[32];
	size_t count;

	if (strcmp(command_type, "AddAddressToLot") == 0)
		return !json_object_object_get_ex(body, "address", &value) ||
		    lot_check_address(value, "address", err);
	if (strcmp(command_type, "ReferenceLot") != 0 ||
	    !json_object_object_get_ex(body, "addresses", &value))
		return true;

	count = json_object_array_length(value);
	for (size_t i = 0; i < count; i++) {
		snprintf(path, sizeof(path), "addresses[%zu]", i);
		if (!lot_check_address(json_object_array_get_idx(value, i), path, err))
			return false;
	}
	return true;
}


/* Returns ADDRESS (a LotAddressInput) with its uid, as events carry it. */
static struct json_object *
address_with_uid(struct json_object *address, const char *uid)
{
	struct json_object *copy = json_object_new_object();

	json_object_object_add(copy, "uid", json_object_new_string(uid));
	json_object_object_foreach(address, name, value)
		json_object_object_add(copy, name, json_object_get(value));
	return copy;
}


/* The building of every address must be one of the patrimony's. */
static bool
check_buildings(struct json_object *addresses, const struct patrimony_state *patrimony,
    struct error *err)
{
	size_t count = json_object_array_length(addresses);

	for (size_t i = 0; i < count; i++) {
		const char *building = domain_string(json_object_array_get_idx(addresses, i), "building");
		if (building != NULL && !patrimony_has_building(patrimony, building))
			return error_set(err, ERR_LOT_BUILDING_NOT_FOUND,
			    "le bâtiment %s n'appartient pas au patrimoine %s",
			    "building %s is not a building of patrimony %s", building, patrimony->uid);
	}
	return true;
}


static bool
ref_taken(struct error *err, const char *ref)
{
	return error_set(err, ERR_LOT_REFERENCE_EXISTS,
	    "un autre lot de la société a déjà la référence « %.200s »",
	    "another lot of the company already has the reference \"%.200s\"", ref);
}


static bool
number_taken(struct error *err, const char *number)
{
	return error_set(err, ERR_LOT_NUMBER_EXISTS,
	    "un autre lot du patrimoine a déjà le numéro « %.200s »",
	    "another lot of the patrimony already has the number \"%.200s\"", number);
}


bool
lot_decide_create(const struct command *cmd, const struct lot_create_facts *facts,
    struct json_object *events, struct error *err)
{
	struct json_object *addresses = NULL, *with_uids, *event;
	size_t count;

	if (!patrimony_visible(facts->scope, facts->patrimony))
		return error_set(err, ERR_LOT_PATRIMONY_NOT_FOUND, "aucun patrimoine %s",
		    "no patrimony %s", facts->patrimony->state.uid);
	if (facts->uid_used)
		return error_set(err, ERR_LOT_EXISTS, "le lot %s existe déjà",
		    "lot %s already exists", cmd->aggregate_uid);
	json_object_object_get_ex(cmd->body, "addresses", &addresses);
	if (!check_buildings(addresses, &facts->patrimony->state, err))
		return false;
	if (facts->ref_used)
		return ref_taken(err, domain_string(cmd->body, "ref"));
	if (facts->number_used)
		return number_taken(err, domain_string(cmd->body, "lotNumber"));

	with_uids = json_object_new_array();
	count = json_object_array_length(addresses);
	for (size_t i = 0; i < count; i++)
		json_object_array_add(with_uids,
		    address_with_uid(json_object_array_get_idx(addresses, i), facts->address_uids[i]));

	event = domain_event_open(cmd);
	domain_copy(event, cmd, "patrimonyUid");
	domain_copy(event, cmd, "ref");
	domain_copy(event, cmd, "lotNumber");
	domain_copy(event, cmd, "usage");
	json_object_object_add(event, "addresses", with_uids);
	domain_event_close(events, event, cmd, "LotReferenced");

	/* The source makes LotNumberUpdated part of every lot creation. */
	event = domain_event_open(cmd);
	domain_copy(event, cmd, "lotNumber");
	domain_event_close(events, event, cmd, "LotNumberUpdated");
	return true;
}


static bool
decide_add_address(const struct command *cmd, const struct lot_update_facts *facts,
    struct json_object *events, struct error *err)
{
	struct json_object *address = NULL, *list, *event;
	bool ok;

	json_object_object_get_ex(cmd->body, "address", &address);
	list = json_object_new_array();
	json_object_array_add(list, json_object_get(address));
	ok = check_buildings(list, &facts->patrimony->state, err);
	json_object_put(list);
	if (!ok)
		return false;

	event = domain_event_open(cmd);
	json_object_object_add(event, "lotAddress", address_with_uid(address, facts->new_uid));
	domain_event_close(events, event, cmd, "AddressAddedToLot");
	return true;
}


static bool
decide_remove_address(const struct command *cmd, const struct lot_update_facts *facts,
    struct json_object *events, struct error *err)
{
	const char *uid = domain_string(cmd->body, "addressUid");
	struct json_object *event;

	if (!uid_list_has(&facts->target->addresses, uid))
		return error_set(err, ERR_LOT_ADDRESS_NOT_FOUND, "aucune adresse %s dans ce lot",
		    "no address %s in this lot", uid);
	if (facts->target->addresses.count == 1)
		return error_set(err, ERR_LOT_LAST_ADDRESS,
		    "un lot garde au moins une adresse", "a lot keeps at least one address");

	event = domain_event_open(cmd);
	domain_copy(event, cmd, "addressUid");
	domain_event_close(events, event, cmd, "AddressRemovedFromLot");
	return true;
}


/* Builds the one event of the simple increments from the listed field, if any. */
static bool
emit(const struct command *cmd, struct json_object *events, const char *field,
    const char *event_type)
{
	struct json_object *event = domain_event_open(cmd);

	if (field != NULL)
		domain_copy(event, cmd, field);
	domain_event_close(events, event, cmd, event_type);
	return true;
}


bool
lot_decide_update(const struct command *cmd, const struct lot_update_facts *facts,
    struct json_object *events, struct error *err)
{
	const struct lot_state *lot = facts->target;
	const char *type = cmd->type;

	/* A deleted lot, or one whose patrimony is out of sight, does not exist for the user. */
	if (!lot->exists || lot->deleted || !patrimony_visible(facts->scope, facts->patrimony))
		return error_set(err, ERR_LOT_NOT_FOUND, "aucun lot %s", "no lot %s", lot->uid);

	if (strcmp(type, "AddAddressToLot") == 0)
		return decide_add_address(cmd, facts, events, err);
	if (strcmp(type, "RemoveAddressFromLot") == 0)
		return decide_remove_address(cmd, facts, events, err);
	if (strcmp(type, "UpdateLotReference") == 0) {
		if (facts->ref_used)
			return ref_taken(err, domain_string(cmd->body, "ref"));
		return emit(cmd, events, "ref", "LotReferenceUpdated");
	}
	if (strcmp(type, "UpdateLotNumber") == 0) {
		if (facts->number_used)
			return number_taken(err, domain_string(cmd->body, "lotNumber"));
		return emit(cmd, events, "lotNumber", "LotNumberUpdated");
	}
	if (strcmp(type, "UpdateLotUsage") == 0)
		return emit(cmd, events, "usage", "LotUsageUpdated");
	return emit(cmd, events, NULL, "LotDeleted");
}
