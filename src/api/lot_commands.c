/*
 * Lot commands (POST/PATCH /api/vEvent/lots...): their schemas, and the
 * loading of the facts their decisions need.
 */
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "command_endpoints.h"
#include "domain/lot.h"
#include "facts.h"
#include "shared_schemas.h"
#include "handlers.h"
#include "journal/journal.h"

#define UID {.type = SCHEMA_UUID}
#define NON_EMPTY {.type = SCHEMA_NON_EMPTY_STRING}
#define END {NULL, 0, {0}}

static const char *const lot_usages[] = {
	"Apartment", "IndividualHouse", "ResidentialParking", "ResidentialCellar", "ResidentialAnnex",
	"Restaurant", "MeetingRoom", "Fitness", "SPA", "SportFacility", "Pool", "PoolHouse",
	"Playground", "Laundry", "OtherService",
	"TertiaryParking", "Workspace", "Workstation", "Office", "RetailShop", "Warehouse", "GasStation",
	"BoilerRoom", "Elevator", "VentilationSystem", "Gate", "Intercom", "BinStorageArea",
	"MachineRoom", "GardeningShed", "OtherTechnical",
	NULL,
};

#define USAGE {.type = SCHEMA_ENUM, .members = lot_usages}

static const struct schema_value address_item = {
	.type = SCHEMA_OBJECT, .fields = shared_lot_address_fields,
};

static const struct schema_field reference_lot_fields[] = {
	{"ref", SCHEMA_REQUIRED, NON_EMPTY},
	{"lotNumber", SCHEMA_REQUIRED, NON_EMPTY},
	{"patrimonyUid", SCHEMA_REQUIRED, UID},
	{"addresses", SCHEMA_REQUIRED, {.type = SCHEMA_NON_EMPTY_LIST, .items = &address_item}},
	{"usage", SCHEMA_REQUIRED, USAGE},
	END,
};

static const struct schema_field add_address_fields[] = {
	{"address", SCHEMA_REQUIRED, {.type = SCHEMA_OBJECT, .fields = shared_lot_address_fields}},
	END,
};

static const struct schema_field remove_address_fields[] = {{"addressUid", SCHEMA_REQUIRED, UID}, END};
static const struct schema_field update_reference_fields[] = {{"ref", SCHEMA_REQUIRED, NON_EMPTY}, END};
static const struct schema_field update_number_fields[] = {{"lotNumber", SCHEMA_REQUIRED, NON_EMPTY}, END};
static const struct schema_field update_usage_fields[] = {{"usage", SCHEMA_REQUIRED, USAGE}, END};
static const struct schema_field delete_fields[] = {END};


/* Sets *USED when a live lot other than EXCEPT_UID ("" for none) of the company has REF. */
static bool
ref_used(const char *company_uid, const char *ref, const char *except_uid, bool *used,
    struct error *err)
{
	const char *params[3] = {company_uid, ref, except_uid};

	*used = false;
	if (company_uid[0] == '\0' || ref == NULL)
		return true;
	return facts_exists(
	    "SELECT 1 FROM lots WHERE company_uid = $1::uuid AND ref = $2 AND NOT deleted"
	    "   AND uid::text <> $3",
	    3, params, used, err);
}


/* Sets *USED when a live lot other than EXCEPT_UID of the patrimony has NUMBER. */
static bool
number_used(const char *patrimony_uid, const char *number, const char *except_uid,
    bool *used, struct error *err)
{
	const char *params[3] = {patrimony_uid, number, except_uid};

	*used = false;
	if (patrimony_uid[0] == '\0' || number == NULL)
		return true;
	return facts_exists(
	    "SELECT 1 FROM lots WHERE patrimony_uid = $1::uuid AND lot_number = $2 AND NOT deleted"
	    "   AND uid::text <> $3",
	    3, params, used, err);
}


static bool
load_lot(const char *uid, struct lot_state *state, int *version, struct error *err)
{
	struct json_object *events;

	lot_init(state, uid);
	events = journal_load("lot", uid, version, err);
	if (events == NULL)
		return false;
	lot_fold(state, events);
	json_object_put(events);
	return true;
}


static bool
execute_create(struct command_run *run, struct error *err)
{
	struct json_object *body = run->cmd.body, *addresses = NULL;
	const char *patrimony_uid = domain_string(body, "patrimonyUid");
	struct lot_create_facts facts;
	struct patrimony_fact patrimony;
	struct lot_state target;
	struct scope scope;
	char (*address_uids)[37];
	size_t count;
	bool ok;

	json_object_object_get_ex(body, "addresses", &addresses);
	count = json_object_array_length(addresses);
	address_uids = calloc(count, sizeof(*address_uids));
	if (address_uids == NULL)
		return error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
	for (size_t i = 0; i < count; i++)
		command_new_uid(address_uids[i]);

	memset(&facts, 0, sizeof(facts));
	memset(&patrimony, 0, sizeof(patrimony));
	lot_init(&target, run->cmd.aggregate_uid);
	ok = scope_load(run->cmd.actor, &scope, err) &&
	    facts_load_patrimony(patrimony_uid, &patrimony, NULL, err) &&
	    load_lot(run->cmd.aggregate_uid, &target, &run->expected_version, err) &&
	    ref_used(patrimony.company_uid, domain_string(body, "ref"), "", &facts.ref_used, err) &&
	    number_used(patrimony_uid, domain_string(body, "lotNumber"), "", &facts.number_used, err);

	if (ok) {
		facts.scope = &scope;
		facts.patrimony = &patrimony;
		facts.uid_used = target.exists;
		facts.address_uids = (const char (*)[37])address_uids;
		ok = lot_decide_create(&run->cmd, &facts, run->events, err);
	}
	lot_free(&target);
	patrimony_free(&patrimony.state);
	scope_free(&scope);
	free(address_uids);
	return ok;
}


static bool
execute_update(struct command_run *run, struct error *err)
{
	struct json_object *body = run->cmd.body;
	const char *uid = run->cmd.aggregate_uid;
	struct lot_update_facts facts;
	struct patrimony_fact patrimony;
	struct lot_state target;
	struct scope scope;
	char new_uid[37];
	bool ok;

	memset(&facts, 0, sizeof(facts));
	memset(&patrimony, 0, sizeof(patrimony));
	lot_init(&target, uid);
	command_new_uid(new_uid);
	ok = scope_load(run->cmd.actor, &scope, err) &&
	    load_lot(uid, &target, &run->expected_version, err) &&
	    (!target.exists || facts_load_patrimony(target.patrimony_uid, &patrimony, NULL, err)) &&
	    ref_used(patrimony.company_uid, domain_string(body, "ref"), uid, &facts.ref_used, err) &&
	    number_used(target.patrimony_uid, domain_string(body, "lotNumber"), uid,
	    &facts.number_used, err);

	if (ok) {
		facts.scope = &scope;
		facts.target = &target;
		facts.patrimony = &patrimony;
		facts.new_uid = new_uid;
		ok = lot_decide_update(&run->cmd, &facts, run->events, err);
	}
	lot_free(&target);
	patrimony_free(&patrimony.state);
	scope_free(&scope);
	return ok;
}


static const struct command_spec create_specs[] = {
	{"ReferenceLot", reference_lot_fields, execute_create, lot_validate},
	{NULL, NULL, NULL, NULL},
};

static const struct command_spec update_specs[] = {
	{"AddAddressToLot", add_address_fields, execute_update, lot_validate},
	{"RemoveAddressFromLot", remove_address_fields, execute_update, NULL},
	{"UpdateLotReference", update_reference_fields, execute_update, NULL},
	{"UpdateLotNumber", update_number_fields, execute_update, NULL},
	{"UpdateLotUsage", update_usage_fields, execute_update, NULL},
	{"DeleteLot", delete_fields, execute_update, NULL},
	{NULL, NULL, NULL, NULL},
};

const struct command_endpoint lot_create_endpoint = {"lot", true, -1, create_specs};
const struct command_endpoint lot_update_endpoint = {"lot", false, 0, update_specs};
