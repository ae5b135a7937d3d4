/*
 * Patrimony commands (POST/PATCH /api/vEvent/patrimonies...): their
 * schemas, and the loading of the facts their decisions need.
 */
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "command_endpoints.h"
#include "domain/patrimony.h"
#include "facts.h"
#include "shared_schemas.h"
#include "handlers.h"
#include "journal/journal.h"

#define UID {.type = SCHEMA_UUID}
#define TEXT {.type = SCHEMA_STRING}
#define NON_EMPTY {.type = SCHEMA_NON_EMPTY_STRING}
#define END {NULL, 0, {0}}

static const struct schema_value uid_item = UID;

static const struct schema_field reference_patrimony_fields[] = {
	{"ref", SCHEMA_REQUIRED, NON_EMPTY},
	{"agencyUids", SCHEMA_REQUIRED, {.type = SCHEMA_NON_EMPTY_LIST, .items = &uid_item}},
	{"label", 0, NON_EMPTY},
	END,
};

static const struct schema_field reference_building_fields[] = {
	{"label", SCHEMA_REQUIRED, NON_EMPTY},
	END,
};

static const struct schema_field add_address_fields[] = {
	{"complementaryAddress", SCHEMA_REQUIRED,
	    {.type = SCHEMA_OBJECT, .fields = shared_patrimony_address_fields}},
	END,
};

static const struct schema_field remove_address_fields[] = {
	{"addressUid", SCHEMA_REQUIRED, UID},
	END,
};

static const struct schema_field update_fields[] = {
	{"ref", SCHEMA_REQUIRED, NON_EMPTY},
	{"label", 0, NON_EMPTY},
	{"comment", 0, TEXT},
	END,
};

static const struct schema_field agency_fields[] = {
	{"agencyUid", SCHEMA_REQUIRED, UID},
	END,
};


static bool
execute_create(struct command_run *run, struct error *err)
{
	struct json_object *uids = NULL;
	struct patrimony_create_facts facts;
	struct agency_fact *agencies;
	struct patrimony_fact target;
	struct scope scope;
	size_t count;
	bool ok;

	json_object_object_get_ex(run->cmd.body, "agencyUids", &uids);
	count = json_object_array_length(uids);
	agencies = calloc(count, sizeof(*agencies));
	if (agencies == NULL)
		return error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");

	memset(&target, 0, sizeof(target));
	ok = scope_load(run->cmd.actor, &scope, err) &&
	    facts_load_patrimony(run->cmd.aggregate_uid, &target, &run->expected_version, err);
	for (size_t i = 0; ok && i < count; i++)
		ok = facts_load_agency(json_object_get_string(json_object_array_get_idx(uids, i)),
		    &agencies[i], err);

	if (ok) {
		facts = (struct patrimony_create_facts){&scope, agencies, count, target.state.exists};
		ok = patrimony_decide_create(&run->cmd, &facts, run->events, err);
	}
	patrimony_free(&target.state);
	scope_free(&scope);
	free(agencies);
	return ok;
}


static bool
execute_update(struct command_run *run, struct error *err)
{
	const char *agency_uid = domain_string(run->cmd.body, "agencyUid");
	struct patrimony_update_facts facts;
	struct patrimony_fact target;
	struct agency_fact agency;
	struct scope scope;
	char new_uid[37];
	bool ok;

	memset(&agency, 0, sizeof(agency));
	memset(&target, 0, sizeof(target));
	command_new_uid(new_uid);
	ok = scope_load(run->cmd.actor, &scope, err) &&
	    facts_load_patrimony(run->cmd.aggregate_uid, &target, &run->expected_version, err) &&
	    (agency_uid == NULL || facts_load_agency(agency_uid, &agency, err));

	if (ok) {
		facts = (struct patrimony_update_facts){&scope, &target, &agency, new_uid};
		ok = patrimony_decide_update(&run->cmd, &facts, run->events, err);
	}
	patrimony_free(&target.state);
	scope_free(&scope);
	return ok;
}


static const struct command_spec create_specs[] = {
	{"ReferencePatrimony", reference_patrimony_fields, execute_create, NULL},
	{NULL, NULL, NULL, NULL},
};

static const struct command_spec update_specs[] = {
	{"ReferenceBuilding", reference_building_fields, execute_update, NULL},
	{"AddComplementaryAddressToPatrimony", add_address_fields, execute_update, NULL},
	{"RemoveComplementaryAddressFromPatrimony", remove_address_fields, execute_update, NULL},
	{"UpdatePatrimony", update_fields, execute_update, NULL},
	{"AssociatePatrimonyInAgency", agency_fields, execute_update, NULL},
	{"DissociatePatrimonyFromAgency", agency_fields, execute_update, NULL},
	{NULL, NULL, NULL, NULL},
};

const struct command_endpoint patrimony_create_endpoint = {"patrimony", true, -1, create_specs};
const struct command_endpoint patrimony_update_endpoint = {"patrimony", false, 0, update_specs};
