/*
 * Company and agency commands (POST/PATCH /api/vEvent/clientcompanies...):
 * their schemas, and the loading of the states their decisions need.
 */
#include <string.h>

#include "command.h"
#include "command_endpoints.h"
#include "db/pg.h"
#include "domain/company.h"
#include "facts.h"
#include "handlers.h"
#include "shared_schemas.h"

static const char *const billing_types[] = {"SponsoredAccount", "PremiumAccount", "StandardAccount", NULL};

#define UID {.type = SCHEMA_UUID}
#define DATE {.type = SCHEMA_LOCAL_DATE}
#define TEXT {.type = SCHEMA_STRING}
#define NON_EMPTY {.type = SCHEMA_NON_EMPTY_STRING}
#define END {NULL, 0, {0}}

static const struct schema_field create_client_account_fields[] = {
	{"callCenterReference", SCHEMA_REQUIRED, UID},
	{"holdingReference", 0, UID},
	{"billingType", 0, {.type = SCHEMA_ENUM, .members = billing_types}},
	{"createdDate", SCHEMA_REQUIRED, DATE},
	{"name", SCHEMA_REQUIRED, NON_EMPTY},
	{"siretNumber", 0, {.type = SCHEMA_SIRET}},
	END,
};

static const struct schema_field create_holding_fields[] = {
	{"callCenterReference", SCHEMA_REQUIRED, UID},
	{"billingType", 0, {.type = SCHEMA_ENUM, .members = billing_types}},
	{"createdDate", SCHEMA_REQUIRED, DATE},
	{"name", SCHEMA_REQUIRED, NON_EMPTY},
	{"siretNumber", 0, {.type = SCHEMA_SIRET}},
	END,
};

static const struct schema_field create_call_center_fields[] = {
	{"createdDate", SCHEMA_REQUIRED, DATE},
	{"name", SCHEMA_REQUIRED, NON_EMPTY},
	{"siretNumber", 0, {.type = SCHEMA_SIRET}},
	END,
};

static const struct schema_field identify_fields[] = {
	{"siretNumber", SCHEMA_REQUIRED, {.type = SCHEMA_SIRET}}, END,
};
static const struct schema_field cancel_fields[] = {{"canceledDate", SCHEMA_REQUIRED, DATE}, END};
static const struct schema_field reactive_fields[] = {{"reactivatedDate", SCHEMA_REQUIRED, DATE}, END};
static const struct schema_field upgraded_fields[] = {{"upgradedDate", SCHEMA_REQUIRED, DATE}, END};
static const struct schema_field downgraded_fields[] = {{"downgradedDate", SCHEMA_REQUIRED, DATE}, END};

static const struct schema_field update_client_account_fields[] = {
	{"name", SCHEMA_REQUIRED, NON_EMPTY},
	{"updatedDate", SCHEMA_REQUIRED, DATE},
	{"holdingReference", 0, UID},
	END,
};

static const struct schema_field update_named_fields[] = {
	{"name", SCHEMA_REQUIRED, NON_EMPTY},
	{"updatedDate", SCHEMA_REQUIRED, DATE},
	END,
};

static const struct schema_value non_empty_item = NON_EMPTY;

static const struct schema_field raw_agency_fields[] = {
	{"agencyUid", 0, UID},
	{"name", SCHEMA_REQUIRED, NON_EMPTY},
	{"extName", 0, TEXT},
	{"ref", 0, NON_EMPTY},
	{"sda", 0, TEXT},
	{"group", 0, TEXT},
	{"address", 0, {.type = SCHEMA_OBJECT, .fields = shared_agency_address_fields}},
	{"phones", 0, {.type = SCHEMA_ARRAY, .items = &non_empty_item}},
	{"fax", 0, TEXT},
	{"emails", 0, {.type = SCHEMA_ARRAY, .items = &non_empty_item}},
	END,
};

static const struct schema_field create_agency_fields[] = {
	{"createdDate", SCHEMA_REQUIRED, DATE},
	{"agency", SCHEMA_REQUIRED, {.type = SCHEMA_OBJECT, .fields = raw_agency_fields}},
	END,
};

static const struct schema_field update_agency_fields[] = {
	{"updatedDate", SCHEMA_REQUIRED, DATE},
	{"agency", SCHEMA_REQUIRED, {.type = SCHEMA_OBJECT, .fields = raw_agency_fields}},
	END,
};

static const struct schema_field delete_agency_fields[] = {
	{"deletedDate", SCHEMA_REQUIRED, DATE},
	{"agencyUid", 0, UID},
	END,
};


/* Loads the actor's own company when visibility depends on it (a manager's holding). */
static bool
load_actor_company(const struct actor *actor, struct company_state *state,
    struct error *err)
{
	if (actor->type != USER_CLIENT_ACCOUNT_MANAGER) {
		company_init(state, "");
		return true;
	}
	return facts_load_company(actor->company_uid, state, NULL, err);
}


static bool
execute_create(struct command_run *run, struct error *err)
{
	const char *call_center_uid = domain_string(run->cmd.body, "callCenterReference");
	const char *holding_uid = domain_string(run->cmd.body, "holdingReference");
	struct company_state target, call_center, holding, actor_company;
	struct company_create_facts facts = {&call_center, NULL, &target, &actor_company};
	bool ok;

	/* Every state is freed below, also when a load fails before reaching it. */
	company_init(&target, run->cmd.aggregate_uid);
	company_init(&call_center, call_center_uid != NULL ? call_center_uid : "");
	company_init(&holding, holding_uid != NULL ? holding_uid : "");
	company_init(&actor_company, "");

	ok = facts_load_company(run->cmd.aggregate_uid, &target, &run->expected_version, err) &&
	    (call_center_uid == NULL || facts_load_company(call_center_uid, &call_center, NULL, err)) &&
	    (holding_uid == NULL || facts_load_company(holding_uid, &holding, NULL, err)) &&
	    load_actor_company(run->cmd.actor, &actor_company, err);
	if (holding_uid != NULL)
		facts.holding = &holding;
	if (ok)
		ok = company_decide_create(&run->cmd, &facts, run->events, err);

	company_free(&target);
	company_free(&call_center);
	company_free(&holding);
	company_free(&actor_company);
	return ok;
}


/* True when an agency uid is taken in any company, deleted agencies included. */
static bool
agency_uid_used(const char *uid, bool *used, struct error *err)
{
	const char *params[1] = {uid};
	PGresult *result = pg_query("SELECT 1 FROM agencies WHERE uid = $1", 1, params,
	    PGRES_TUPLES_OK, err);

	if (result == NULL)
		return false;
	*used = PQntuples(result) > 0;
	PQclear(result);
	return true;
}


/* Returns the agency uid the body names (agency.agencyUid or agencyUid), or NULL. */
static const char *
body_agency_uid(const struct command_run *run)
{
	struct json_object *agency = NULL;
	const char *uid;

	json_object_object_get_ex(run->cmd.body, "agency", &agency);
	uid = domain_string(agency, "agencyUid");
	return uid != NULL ? uid : domain_string(run->cmd.body, "agencyUid");
}


/* Agency increments: an agency uid in the body must be the path's (400 InvalidCommand). */
static bool
check_agency_path(const struct command_run *run, struct error *err)
{
	const char *body_uid = body_agency_uid(run);

	if (body_uid == NULL || strcmp(body_uid, run->ctx->req->params[1]) == 0)
		return true;
	error_set(err, ERR_INVALID_COMMAND, "différent de l'agence du chemin",
	    "differs from the agency in the path");
	error_prefix_path(err, strcmp(run->cmd.type, "UpdateAgency") == 0 ?
	    "agency.agencyUid" : "agencyUid");
	return false;
}


/* The agency of an agency command: the path's, or for CreateAgency the body's or a new one. */
static void
agency_uid_of(const struct command_run *run, char uid[37])
{
	const char *body_uid = body_agency_uid(run);

	if (run->ctx->req->param_count >= 2)
		memcpy(uid, run->ctx->req->params[1], 37);
	else if (body_uid != NULL)
		memcpy(uid, body_uid, 37);
	else
		command_new_uid(uid);
}


/*
 * Agency increments: whether the actor may not see the path's agency of
 * the company TARGET, because executives and patrimony managers see only
 * some agencies of their company.
 */
static bool
load_agency_hidden(const struct command_run *run, const struct company_state *target,
    const char *agency_uid, bool *hidden, struct error *err)
{
	struct scope_company company = {target->uid, target->call_center};
	struct scope scope;
	bool ok;

	*hidden = false;
	if (run->ctx->req->param_count < 2)
		return true;
	ok = scope_load(run->cmd.actor, &scope, err);
	if (ok)
		*hidden = !scope_sees_agency(&scope, agency_uid, &company);
	scope_free(&scope);
	return ok;
}


static bool
execute_update(struct command_run *run, struct error *err)
{
	const char *holding_uid = domain_string(run->cmd.body, "holdingReference");
	bool agency_command = strstr(run->cmd.type, "Agency") != NULL;
	struct company_state target, holding, actor_company;
	struct company_update_facts facts = {&target, NULL, &actor_company, NULL, false};
	char agency_uid[37];
	bool ok = true;

	if (agency_command) {
		agency_uid_of(run, agency_uid);
		facts.agency_uid = agency_uid;
	}

	/* Every state is freed below, also when a load fails before reaching it. */
	company_init(&target, run->cmd.aggregate_uid);
	company_init(&holding, holding_uid != NULL ? holding_uid : "");
	company_init(&actor_company, "");
	ok = facts_load_company(run->cmd.aggregate_uid, &target, &run->expected_version, err) &&
	    (holding_uid == NULL || facts_load_company(holding_uid, &holding, NULL, err)) &&
	    load_actor_company(run->cmd.actor, &actor_company, err);
	if (ok && strcmp(run->cmd.type, "CreateAgency") == 0)
		ok = agency_uid_used(agency_uid, &facts.agency_uid_used, err);
	if (ok && agency_command)
		ok = load_agency_hidden(run, &target, agency_uid, &facts.agency_hidden, err);
	if (holding_uid != NULL && strcmp(run->cmd.type, "UpdateClientAccount") == 0)
		facts.holding = &holding;
	if (ok)
		ok = company_decide_update(&run->cmd, &facts, run->events, err);

	company_free(&target);
	company_free(&holding);
	company_free(&actor_company);
	return ok;
}


static const struct command_spec create_specs[] = {
	{"CreateClientAccount", create_client_account_fields, execute_create, NULL},
	{"CreateClientAccountHolding", create_holding_fields, execute_create, NULL},
	{"CreateCallCenter", create_call_center_fields, execute_create, NULL},
	{NULL, NULL, NULL, NULL},
};

static const struct command_spec update_specs[] = {
	{"IdentifyCompany", identify_fields, execute_update, NULL},
	{"CancelCompany", cancel_fields, execute_update, NULL},
	{"ReactiveCompany", reactive_fields, execute_update, NULL},
	{"UpdateClientAccount", update_client_account_fields, execute_update, NULL},
	{"UpdateClientAccountHolding", update_named_fields, execute_update, NULL},
	{"UpdateCallCenter", update_named_fields, execute_update, NULL},
	{"UpgradeCompanyToPremiumAccount", upgraded_fields, execute_update, NULL},
	{"DowngradePremiumAccount", downgraded_fields, execute_update, NULL},
	{"UpgradeCompanyToStandardAccount", upgraded_fields, execute_update, NULL},
	{NULL, NULL, NULL, NULL},
};

static const struct command_spec create_agency_specs[] = {
	{"CreateAgency", create_agency_fields, execute_update, NULL},
	{NULL, NULL, NULL, NULL},
};

static const struct command_spec agency_specs[] = {
	{"DeleteAgency", delete_agency_fields, execute_update, NULL, check_agency_path},
	{"UpdateAgency", update_agency_fields, execute_update, NULL, check_agency_path},
	{NULL, NULL, NULL, NULL},
};

const struct command_endpoint company_create_endpoint = {"company", true, -1, create_specs};
const struct command_endpoint company_update_endpoint = {"company", false, 0, update_specs};
const struct command_endpoint agency_create_endpoint = {"company", true, 0, create_agency_specs};
const struct command_endpoint agency_update_endpoint = {"company", false, 0, agency_specs};
