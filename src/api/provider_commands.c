/*
 * Provider-contact commands (POST/PATCH /api/vEvent/providercontacts...):
 * their schemas, and the loading of the facts their decisions need.
 */
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "command_endpoints.h"
#include "domain/provider_contact.h"
#include "facts.h"
#include "shared_schemas.h"
#include "handlers.h"
#include "journal/journal.h"

#define UID {.type = SCHEMA_UUID}
#define DATE {.type = SCHEMA_LOCAL_DATE}
#define DATETIME {.type = SCHEMA_DATETIME}
#define END {NULL, 0, {0}}
#define NAME {.type = SCHEMA_UNION, .discriminator = "nameType", .variants = shared_name_variants}

static const struct schema_value uid_item = UID;
static const struct schema_value non_empty_item = {.type = SCHEMA_NON_EMPTY_STRING};

#define UID_ARRAY {.type = SCHEMA_ARRAY, .items = &uid_item}
#define TEXT_ARRAY {.type = SCHEMA_ARRAY, .items = &non_empty_item}

static const struct schema_field add_fields[] = {
	{"companyUid", SCHEMA_REQUIRED, UID},
	{"providerCompanyUid", 0, UID},
	{"date", SCHEMA_REQUIRED, DATETIME},
	{"name", SCHEMA_REQUIRED, NAME},
	{"phones", 0, TEXT_ARRAY},
	{"fax", 0, TEXT_ARRAY},
	{"emails", 0, TEXT_ARRAY},
	END,
};

static const struct schema_field agency_fields[] = {
	{"agencyUid", SCHEMA_REQUIRED, UID},
	{"date", SCHEMA_REQUIRED, DATE},
	END,
};

static const struct schema_field company_fields[] = {
	{"companyUid", SCHEMA_REQUIRED, UID},
	{"date", SCHEMA_REQUIRED, DATE},
	END,
};

static const struct schema_field update_fields[] = {
	{"name", SCHEMA_REQUIRED, NAME},
	{"phones", 0, TEXT_ARRAY},
	{"fax", 0, TEXT_ARRAY},
	{"emails", 0, TEXT_ARRAY},
	{"date", SCHEMA_REQUIRED, DATETIME},
	END,
};

static const struct schema_field dated_fields[] = {{"date", SCHEMA_REQUIRED, DATETIME}, END};
static const struct schema_field provider_company_fields[] = {{"providerCompanyUid", SCHEMA_REQUIRED, UID}, END};
static const struct schema_field patrimony_fields[] = {{"patrimonyUid", SCHEMA_REQUIRED, UID}, END};
static const struct schema_field remove_activity_fields[] = {{"activityUid", SCHEMA_REQUIRED, UID}, END};

static const struct schema_field activity_fields[] = {
	{"activityUid", SCHEMA_REQUIRED, UID},
	{"includedIncidentTypes", SCHEMA_REQUIRED, UID_ARRAY},
	END,
};

static const struct schema_value activity_item = {.type = SCHEMA_OBJECT, .fields = activity_fields};

static const struct schema_field crush_fields[] = {
	{"name", SCHEMA_REQUIRED, NAME},
	{"phones", 0, TEXT_ARRAY},
	{"fax", 0, TEXT_ARRAY},
	{"emails", 0, TEXT_ARRAY},
	{"patrimonies", 0, UID_ARRAY},
	{"activities", 0, {.type = SCHEMA_ARRAY, .items = &activity_item}},
	END,
};


/* Collects the patrimonies a command names, once each, in request order. */
static void
named_patrimonies(struct json_object *body, struct uid_list *uids)
{
	struct json_object *list = NULL;

	uid_list_add(uids, domain_string(body, "patrimonyUid"));
	if (json_object_object_get_ex(body, "patrimonies", &list))
		uid_list_add_json(uids, list);
}


static bool
execute_create(struct command_run *run, struct error *err)
{
	struct provider_contact_facts facts;
	struct provider_contact_state target;
	struct company_state company;
	struct scope scope;
	char local_date[11] = "";
	bool ok;

	memset(&facts, 0, sizeof(facts));
	provider_contact_init(&target, run->cmd.aggregate_uid);
	company_init(&company, "");
	ok = scope_load(run->cmd.actor, &scope, err) &&
	    facts_load_company(domain_string(run->cmd.body, "companyUid"), &company, NULL, err) &&
	    facts_load_contact(run->cmd.aggregate_uid, &target, &run->expected_version, err) &&
	    facts_local_date(domain_string(run->cmd.body, "date"), run->ctx->tenant.timezone,
	    local_date, err);

	if (ok) {
		facts.scope = &scope;
		facts.target = &target;
		facts.company = &company;
		facts.local_date = local_date;
		ok = provider_contact_decide_create(&run->cmd, &facts, run->events, err);
	}
	provider_contact_free(&target);
	company_free(&company);
	scope_free(&scope);
	return ok;
}


static bool
load_patrimonies(const struct uid_list *uids, struct patrimony_fact *facts,
    struct error *err)
{
	for (size_t i = 0; i < uids->count; i++)
		if (!facts_load_patrimony(uids->items[i], &facts[i], NULL, err))
			return false;
	return true;
}


static bool
execute_update(struct command_run *run, struct error *err)
{
	struct json_object *body = run->cmd.body;
	const char *company_uid = domain_string(body, "companyUid");
	const char *agency_uid = domain_string(body, "agencyUid");
	struct provider_contact_facts facts;
	struct provider_contact_state target;
	struct company_state company;
	struct agency_fact agency;
	struct uid_list call_centers, patrimony_uids;
	struct patrimony_fact *patrimonies;
	struct scope scope;
	bool ok;

	uid_list_init(&call_centers);
	uid_list_init(&patrimony_uids);
	named_patrimonies(body, &patrimony_uids);
	patrimonies = calloc(patrimony_uids.count + 1, sizeof(*patrimonies));
	if (patrimonies == NULL) {
		uid_list_free(&patrimony_uids);
		return error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
	}
	memset(&facts, 0, sizeof(facts));
	memset(&agency, 0, sizeof(agency));
	provider_contact_init(&target, run->cmd.aggregate_uid);
	company_init(&company, "");

	ok = scope_load(run->cmd.actor, &scope, err) &&
	    facts_load_contact(run->cmd.aggregate_uid, &target, &run->expected_version, err) &&
	    facts_load_call_centers(&target.companies, &call_centers, err) &&
	    (company_uid == NULL || facts_load_company(company_uid, &company, NULL, err)) &&
	    (agency_uid == NULL || facts_load_agency(agency_uid, &agency, err)) &&
	    load_patrimonies(&patrimony_uids, patrimonies, err);

	if (ok) {
		facts.scope = &scope;
		facts.target = &target;
		facts.company_call_centers = &call_centers;
		facts.company = &company;
		facts.agency = &agency;
		facts.patrimonies = patrimonies;
		facts.patrimony_count = patrimony_uids.count;
		ok = provider_contact_decide_update(&run->cmd, &facts, run->events, err);
	}
	for (size_t i = 0; i < patrimony_uids.count; i++)
		patrimony_free(&patrimonies[i].state);
	free(patrimonies);
	uid_list_free(&patrimony_uids);
	uid_list_free(&call_centers);
	provider_contact_free(&target);
	company_free(&company);
	scope_free(&scope);
	return ok;
}


static const struct command_spec create_specs[] = {
	{"AddProviderContact", add_fields, execute_create, NULL},
	{NULL, NULL, NULL, NULL},
};

static const struct command_spec update_specs[] = {
	{"AssociateProviderContactToAgency", agency_fields, execute_update, NULL},
	{"AssociateProviderContactToCompany", company_fields, execute_update, NULL},
	{"DissociateProviderContactFromAgency", agency_fields, execute_update, NULL},
	{"UpdateProviderContact", update_fields, execute_update, NULL},
	{"DisableProviderContact", dated_fields, execute_update, NULL},
	{"EnableProviderContact", dated_fields, execute_update, NULL},
	{"AssociateProviderContactWithProviderCompany", provider_company_fields, execute_update, NULL},
	{"AssociateProviderContactWithPatrimony", patrimony_fields, execute_update, NULL},
	{"DissociateProviderContactFromPatrimony", patrimony_fields, execute_update, NULL},
	{"AssignActivityToProviderContact", activity_fields, execute_update, NULL},
	{"RemoveActivityFromProviderContact", remove_activity_fields, execute_update, NULL},
	{"CrushUpdateProviderContact", crush_fields, execute_update, provider_contact_validate},
	{NULL, NULL, NULL, NULL},
};

const struct command_endpoint provider_contact_create_endpoint = {"providerContact", true, -1, create_specs};
const struct command_endpoint provider_contact_update_endpoint = {"providerContact", false, 0, update_specs};
