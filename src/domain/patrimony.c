/* Patrimony rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fold.h"
#include "common/strbuf.h"
#include "patrimony.h"


void
patrimony_init(struct patrimony_state *state, const char *uid)
{
	memset(state, 0, sizeof(*state));
	snprintf(state->uid, sizeof(state->uid), "%s", uid);
}


void
patrimony_free(struct patrimony_state *state)
{
	for (size_t i = 0; i < state->building_count; i++)
		free(state->buildings[i].label_key);
	for (size_t i = 0; i < state->address_count; i++)
		free(state->addresses[i].key);
	free(state->buildings);
	free(state->addresses);
	uid_list_free(&state->agencies);
	state->buildings = NULL;
	state->addresses = NULL;
	state->building_count = 0;
	state->address_count = 0;
}


static bool
is_blank_byte(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}


char *
patrimony_building_key(const char *label)
{
	size_t start = 0, end = strlen(label);

	while (start < end && is_blank_byte(label[start]))
		start++;
	while (end > start && is_blank_byte(label[end - 1]))
		end--;
	return fold_text(label + start, end - start);
}


/*
 * Appends the folded string field NAME of OBJECT ("" when absent), prefixed
 * by its length so that two different addresses never give the same key.
 */
static void
append_folded(struct strbuf *key, struct json_object *object, const char *name)
{
	const char *value = domain_string(object, name);
	char *folded = fold_text(value != NULL ? value : "", value != NULL ? strlen(value) : 0);

	strbuf_printf(key, "%zu:%s", folded != NULL ? strlen(folded) : 0,
	    folded != NULL ? folded : "");
	free(folded);
}


char *
patrimony_address_key(struct json_object *address)
{
	struct strbuf key;

	strbuf_init(&key);
	append_folded(&key, address, "number");
	append_folded(&key, address, "street");
	append_folded(&key, address, "zipCode");
	append_folded(&key, address, "city");
	if (key.failed || key.data == NULL)
		abort();
	return key.data;
}


bool
patrimony_has_building(const struct patrimony_state *state, const char *uid)
{
	for (size_t i = 0; uid != NULL && i < state->building_count; i++)
		if (strcmp(state->buildings[i].uid, uid) == 0)
			return true;
	return false;
}


static void
add_building(struct patrimony_state *state, const char *uid, const char *label)
{
	struct patrimony_building *grown;

	grown = realloc(state->buildings, (state->building_count + 1) * sizeof(*grown));
	if (grown == NULL)
		abort();
	state->buildings = grown;
	snprintf(grown[state->building_count].uid, 37, "%s", uid);
	grown[state->building_count].label_key = patrimony_building_key(label);
	state->building_count++;
}


static void
add_address(struct patrimony_state *state, struct json_object *address)
{
	struct patrimony_address *grown;
	const char *uid = domain_string(address, "uid");

	if (uid == NULL)
		return;
	grown = realloc(state->addresses, (state->address_count + 1) * sizeof(*grown));
	if (grown == NULL)
		abort();
	state->addresses = grown;
	snprintf(grown[state->address_count].uid, 37, "%s", uid);
	grown[state->address_count].key = patrimony_address_key(address);
	state->address_count++;
}


static void
remove_address(struct patrimony_state *state, const char *uid)
{
	for (size_t i = 0; uid != NULL && i < state->address_count; i++) {
		if (strcmp(state->addresses[i].uid, uid) != 0)
			continue;
		free(state->addresses[i].key);
		memmove(&state->addresses[i], &state->addresses[i + 1],
		    (state->address_count - i - 1) * sizeof(state->addresses[0]));
		state->address_count--;
		return;
	}
}


void
patrimony_evolve(struct patrimony_state *state, struct json_object *event)
{
	const char *type = domain_string(event, "eventType");
	struct json_object *value;

	if (type == NULL)
		return;

	if (strcmp(type, "PatrimonyReferenced") == 0) {
		state->exists = true;
		if (json_object_object_get_ex(event, "agencies", &value))
			uid_list_add_json(&state->agencies, value);
	} else if (strcmp(type, "BuildingReferenced") == 0) {
		const char *uid = domain_string(event, "buildingUid");
		const char *label = domain_string(event, "label");
		if (uid != NULL)
			add_building(state, uid, label != NULL ? label : "");
	} else if (strcmp(type, "ComplementaryAddressAddedToPatrimony") == 0) {
		if (json_object_object_get_ex(event, "complementaryAddress", &value))
			add_address(state, value);
	} else if (strcmp(type, "ComplementaryAddressRemovedFromPatrimony") == 0) {
		remove_address(state, domain_string(event, "addressUid"));
	} else if (strcmp(type, "PatrimonyAssociatedInAgency") == 0) {
		uid_list_add(&state->agencies, domain_string(event, "agencyUid"));
	} else if (strcmp(type, "PatrimonyDissociatedFromAgency") == 0) {
		uid_list_remove(&state->agencies, domain_string(event, "agencyUid"));
	}
}


void
patrimony_fold(struct patrimony_state *state, struct json_object *events)
{
	size_t count = json_object_array_length(events);

	for (size_t i = 0; i < count; i++)
		patrimony_evolve(state, json_object_array_get_idx(events, i));
}


bool
patrimony_visible(const struct scope *scope, const struct patrimony_fact *patrimony)
{
	struct scope_company company = {patrimony->company_uid, patrimony->call_center_uid};

	return patrimony->state.exists && scope_sees_patrimony(scope, patrimony->state.uid,
	    &company, &patrimony->state.agencies);
}


/* The permission table: patrimony managers read patrimonies but may send no patrimony command. */
static bool
role_allows(const struct command *cmd)
{
	return scope_may_send(cmd->actor, cmd->type, NULL);
}


static bool
agency_not_found(struct error *err, const char *uid)
{
	return error_set(err, ERR_REFERENCED_ENTITY_NOT_FOUND, "aucune agence %s",
	    "no agency %s", uid);
}


/* Checks 1 and 2 of ReferencePatrimony: existence and visibility, then consistency. */
static bool
check_create_agencies(const struct patrimony_create_facts *facts, struct error *err)
{
	const struct agency_fact *first = &facts->agencies[0];

	for (size_t i = 0; i < facts->agency_count; i++)
		if (!company_agency_visible(facts->scope, &facts->agencies[i]))
			return agency_not_found(err, facts->agencies[i].uid);

	for (size_t i = 0; i < facts->agency_count; i++) {
		const struct agency_fact *agency = &facts->agencies[i];
		if (agency->deleted)
			return error_set(err, ERR_INCONSISTENT_REFERENCE,
			    "l'agence %s est supprimée", "agency %s is deleted", agency->uid);
		if (strcmp(agency->company_uid, first->company_uid) != 0)
			return error_set(err, ERR_INCONSISTENT_REFERENCE,
			    "les agences %s et %s appartiennent à des sociétés différentes",
			    "agencies %s and %s belong to different companies",
			    first->uid, agency->uid);
	}
	return true;
}


bool
patrimony_decide_create(const struct command *cmd,
    const struct patrimony_create_facts *facts, struct json_object *events,
    struct error *err)
{
	struct json_object *event;

	if (facts->agency_count == 0)
		return error_set(err, ERR_INVALID_COMMAND, "agencyUids : ne doit pas être vide",
		    "agencyUids: must not be empty");
	if (!check_create_agencies(facts, err))
		return false;
	if (!role_allows(cmd))
		return domain_forbidden(err, cmd);
	if (facts->uid_used)
		return error_set(err, ERR_PATRIMONY_EXISTS, "le patrimoine %s existe déjà",
		    "patrimony %s already exists", cmd->aggregate_uid);

	event = domain_event_open(cmd);
	domain_copy(event, cmd, "ref");
	domain_copy(event, cmd, "label");
	{
		struct json_object *agencies = NULL;
		json_object_object_get_ex(cmd->body, "agencyUids", &agencies);
		json_object_object_add(event, "agencies", json_object_get(agencies));
	}
	domain_event_close(events, event, cmd, "PatrimonyReferenced");
	return true;
}


static bool
decide_building(const struct command *cmd, const struct patrimony_update_facts *facts,
    struct json_object *events, struct error *err)
{
	const struct patrimony_state *state = &facts->target->state;
	const char *label = domain_string(cmd->body, "label");
	char *key = patrimony_building_key(label);
	bool taken = false;
	struct json_object *event;

	for (size_t i = 0; key != NULL && i < state->building_count; i++)
		if (state->buildings[i].label_key != NULL &&
		    strcmp(state->buildings[i].label_key, key) == 0)
			taken = true;
	free(key);
	if (taken)
		return error_set(err, ERR_BUILDING_EXISTS,
		    "un bâtiment nommé « %.200s » existe déjà dans ce patrimoine",
		    "a building named \"%.200s\" already exists in this patrimony", label);

	event = domain_event_open(cmd);
	json_object_object_add(event, "buildingUid", json_object_new_string(facts->new_uid));
	domain_copy(event, cmd, "label");
	domain_event_close(events, event, cmd, "BuildingReferenced");
	return true;
}


static bool
decide_add_address(const struct command *cmd, const struct patrimony_update_facts *facts,
    struct json_object *events, struct error *err)
{
	const struct patrimony_state *state = &facts->target->state;
	struct json_object *input = NULL, *address, *event;
	char *key;
	bool taken = false;

	json_object_object_get_ex(cmd->body, "complementaryAddress", &input);
	key = patrimony_address_key(input);
	for (size_t i = 0; i < state->address_count; i++)
		if (strcmp(state->addresses[i].key, key) == 0)
			taken = true;
	free(key);
	if (taken)
		return error_set(err, ERR_COMPLEMENTARY_ADDRESS_EXISTS,
		    "cette adresse complémentaire existe déjà dans le patrimoine",
		    "this complementary address already exists in the patrimony");

	address = json_object_new_object();
	json_object_object_add(address, "uid", json_object_new_string(facts->new_uid));
	json_object_object_foreach(input, name, value)
		json_object_object_add(address, name, json_object_get(value));
	event = domain_event_open(cmd);
	json_object_object_add(event, "complementaryAddress", address);
	domain_event_close(events, event, cmd, "ComplementaryAddressAddedToPatrimony");
	return true;
}


static bool
decide_remove_address(const struct command *cmd, const struct patrimony_update_facts *facts,
    struct json_object *events, struct error *err)
{
	const struct patrimony_state *state = &facts->target->state;
	const char *uid = domain_string(cmd->body, "addressUid");
	struct json_object *event;
	bool found = false;

	for (size_t i = 0; i < state->address_count; i++)
		if (strcmp(state->addresses[i].uid, uid) == 0)
			found = true;
	if (!found)
		return error_set(err, ERR_COMPLEMENTARY_ADDRESS_NOT_FOUND,
		    "aucune adresse complémentaire %s dans ce patrimoine",
		    "no complementary address %s in this patrimony", uid);

	event = domain_event_open(cmd);
	domain_copy(event, cmd, "addressUid");
	domain_event_close(events, event, cmd, "ComplementaryAddressRemovedFromPatrimony");
	return true;
}


static bool
decide_associate(const struct command *cmd, const struct patrimony_update_facts *facts,
    struct json_object *events, struct error *err)
{
	const struct agency_fact *agency = facts->agency;
	struct json_object *event;

	if (!company_agency_visible(facts->scope, agency))
		return agency_not_found(err, agency->uid);
	if (agency->deleted)
		return error_set(err, ERR_INCONSISTENT_REFERENCE,
		    "l'agence %s est supprimée", "agency %s is deleted", agency->uid);
	if (strcmp(agency->company_uid, facts->target->company_uid) != 0)
		return error_set(err, ERR_INCONSISTENT_REFERENCE,
		    "l'agence %s appartient à une autre société que le patrimoine",
		    "agency %s belongs to another company than the patrimony", agency->uid);
	if (uid_list_has(&facts->target->state.agencies, agency->uid))
		return error_set(err, ERR_PATRIMONY_AGENCY_ALREADY_ASSOCIATED,
		    "le patrimoine est déjà associé à l'agence %s",
		    "the patrimony is already associated with agency %s", agency->uid);

	event = domain_event_open(cmd);
	domain_copy(event, cmd, "agencyUid");
	domain_event_close(events, event, cmd, "PatrimonyAssociatedInAgency");
	return true;
}


static bool
decide_dissociate(const struct command *cmd, const struct patrimony_update_facts *facts,
    struct json_object *events, struct error *err)
{
	const struct agency_fact *agency = facts->agency;
	const struct uid_list *agencies = &facts->target->state.agencies;
	struct json_object *event;

	/* An agency the user cannot see is named like a missing one. */
	if (agency->exists && !company_agency_visible(facts->scope, agency))
		return agency_not_found(err, agency->uid);
	if (!uid_list_has(agencies, agency->uid))
		return error_set(err, ERR_PATRIMONY_AGENCY_NOT_ASSOCIATED,
		    "le patrimoine n'est pas associé à l'agence %s",
		    "the patrimony is not associated with agency %s", agency->uid);
	if (agencies->count == 1)
		return error_set(err, ERR_PATRIMONY_LAST_AGENCY,
		    "l'agence %s est la dernière du patrimoine",
		    "agency %s is the last one of the patrimony", agency->uid);

	event = domain_event_open(cmd);
	domain_copy(event, cmd, "agencyUid");
	domain_event_close(events, event, cmd, "PatrimonyDissociatedFromAgency");
	return true;
}


bool
patrimony_decide_update(const struct command *cmd,
    const struct patrimony_update_facts *facts, struct json_object *events,
    struct error *err)
{
	const char *type = cmd->type;
	struct json_object *event;

	if (!patrimony_visible(facts->scope, facts->target))
		return error_set(err, ERR_PATRIMONY_NOT_FOUND, "aucun patrimoine %s",
		    "no patrimony %s", cmd->aggregate_uid);
	if (!role_allows(cmd))
		return domain_forbidden(err, cmd);

	if (strcmp(type, "ReferenceBuilding") == 0)
		return decide_building(cmd, facts, events, err);
	if (strcmp(type, "AddComplementaryAddressToPatrimony") == 0)
		return decide_add_address(cmd, facts, events, err);
	if (strcmp(type, "RemoveComplementaryAddressFromPatrimony") == 0)
		return decide_remove_address(cmd, facts, events, err);
	if (strcmp(type, "AssociatePatrimonyInAgency") == 0)
		return decide_associate(cmd, facts, events, err);
	if (strcmp(type, "DissociatePatrimonyFromAgency") == 0)
		return decide_dissociate(cmd, facts, events, err);

	/* UpdatePatrimony replaces ref, label and comment: absent ones are cleared. */
	event = domain_event_open(cmd);
	domain_copy(event, cmd, "ref");
	domain_copy(event, cmd, "label");
	domain_copy(event, cmd, "comment");
	domain_event_close(events, event, cmd, "PatrimonyUpdated");
	return true;
}
