/* Company and agency rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/scope.h"
#include "company.h"

static bool role_allows(const struct command *cmd, const struct company_state *target);


void
company_init(struct company_state *state, const char *uid)
{
	memset(state, 0, sizeof(*state));
	snprintf(state->uid, sizeof(state->uid), "%s", uid);
}


void
company_free(struct company_state *state)
{
	free(state->agencies);
	state->agencies = NULL;
	state->agency_count = 0;
}


static void
copy_uid(char dst[37], struct json_object *object, const char *name)
{
	const char *value = domain_string(object, name);

	snprintf(dst, 37, "%s", value != NULL ? value : "");
}


static void
add_agency(struct company_state *state, const char *uid)
{
	struct company_agency *grown;

	grown = realloc(state->agencies, (state->agency_count + 1) * sizeof(*grown));
	if (grown == NULL)
		abort();
	state->agencies = grown;
	snprintf(grown[state->agency_count].uid, 37, "%s", uid);
	grown[state->agency_count].deleted = false;
	state->agency_count++;
}


void
company_evolve(struct company_state *state, struct json_object *event)
{
	const char *type = domain_string(event, "eventType");
	struct json_object *agency;

	if (type == NULL)
		return;

	if (strcmp(type, "ClientAccountCreated") == 0) {
		state->kind = COMPANY_CLIENT_ACCOUNT;
		state->active = true;
		state->billing = BILLING_SPONSORED;
		copy_uid(state->call_center, event, "callCenterReference");
		copy_uid(state->holding, event, "holdingReference");
	} else if (strcmp(type, "ClientAccountHoldingCreated") == 0) {
		state->kind = COMPANY_HOLDING;
		state->active = true;
		state->billing = BILLING_SPONSORED;
		copy_uid(state->call_center, event, "callCenterReference");
	} else if (strcmp(type, "CallCenterCreated") == 0) {
		/* A CallCenter is always billed directly. */
		state->kind = COMPANY_CALL_CENTER;
		state->active = true;
		state->billing = BILLING_STANDARD;
	} else if (strcmp(type, "CompanyIdentified") == 0) {
		state->identified = true;
	} else if (strcmp(type, "CompanyCanceled") == 0) {
		state->active = false;
	} else if (strcmp(type, "CompanyReactivated") == 0) {
		state->active = true;
	} else if (strcmp(type, "ClientAccountUpdated") == 0) {
		copy_uid(state->holding, event, "holdingReference");
	} else if (strcmp(type, "CompanyUpgradedToPremiumAccount") == 0 ||
	    strcmp(type, "CompanyDowngradedToPremiumAccount") == 0) {
		state->billing = BILLING_PREMIUM;
	} else if (strcmp(type, "PremiumAccountDowngraded") == 0) {
		state->billing = BILLING_SPONSORED;
	} else if (strcmp(type, "CompanyUpgradedToStandardAccount") == 0) {
		if (state->kind != COMPANY_CALL_CENTER)
			state->billing = BILLING_STANDARD;
	} else if (strcmp(type, "AgencyCreated") == 0 &&
	    json_object_object_get_ex(event, "agency", &agency)) {
		const char *uid = domain_string(agency, "agencyUid");
		if (uid != NULL)
			add_agency(state, uid);
	} else if (strcmp(type, "AgencyDeleted") == 0) {
		const char *uid = domain_string(event, "agencyUid");
		for (size_t i = 0; uid != NULL && i < state->agency_count; i++)
			if (strcmp(state->agencies[i].uid, uid) == 0)
				state->agencies[i].deleted = true;
	}
}


void
company_fold(struct company_state *state, struct json_object *events)
{
	size_t count = json_object_array_length(events);

	for (size_t i = 0; i < count; i++)
		company_evolve(state, json_object_array_get_idx(events, i));
}


const struct company_agency *
company_agency(const struct company_state *state, const char *uid)
{
	for (size_t i = 0; i < state->agency_count; i++)
		if (strcmp(state->agencies[i].uid, uid) == 0)
			return &state->agencies[i];
	return NULL;
}


bool
company_visible(const struct actor *actor, const struct company_state *company,
    const struct company_state *actor_company)
{
	struct scope scope;
	struct scope_company facts;

	if (company == NULL || company->kind == COMPANY_NONE)
		return false;

	/* A manager also sees his company's holding: the one fact the actor's scope needs here. */
	scope_init(&scope, actor);
	if (actor_company != NULL)
		snprintf(scope.holding_uid, sizeof(scope.holding_uid), "%s", actor_company->holding);
	facts.uid = company->uid;
	facts.call_center = company->call_center;
	return scope_sees_company(&scope, &facts);
}


bool
company_agency_visible(const struct scope *scope, const struct agency_fact *agency)
{
	struct scope_company company = {agency->company_uid, agency->call_center_uid};

	return agency->exists && scope_sees_agency(scope, agency->uid, &company);
}


static bool
company_not_found(struct error *err, const char *uid)
{
	return error_set(err, ERR_COMPANY_NOT_FOUND, "aucune société %s", "no company %s", uid);
}


/* The existence check of a named company, where invisible reads as missing. */
static bool
check_exists(const struct command *cmd, const struct company_state *company,
    const struct company_state *actor_company, struct error *err)
{
	if (!company_visible(cmd->actor, company, actor_company))
		return company_not_found(err, company->uid);
	return true;
}


static void
add_billing_event(const struct command *cmd, struct json_object *events)
{
	const char *billing = domain_string(cmd->body, "billingType");
	struct json_object *event;

	if (billing == NULL || strcmp(billing, "SponsoredAccount") == 0)
		return;
	event = domain_event_open(cmd);
	json_object_object_add(event, "upgradedDate",
	    json_object_new_string(domain_string(cmd->body, "createdDate")));
	domain_event_close(events, event, cmd, strcmp(billing, "PremiumAccount") == 0 ?
	    "CompanyUpgradedToPremiumAccount" : "CompanyUpgradedToStandardAccount");
}


static void
add_identified_event(const struct command *cmd, struct json_object *events)
{
	struct json_object *event;

	if (domain_string(cmd->body, "siretNumber") == NULL)
		return;
	event = domain_event_open(cmd);
	domain_copy(event, cmd, "siretNumber");
	domain_event_close(events, event, cmd, "CompanyIdentified");
}


static bool
decide_create_call_center(const struct command *cmd,
    const struct company_create_facts *facts, struct json_object *events,
    struct error *err)
{
	struct json_object *event;

	if (cmd->actor->type != USER_SUPER)
		return domain_forbidden(err, cmd);
	if (facts->target->kind != COMPANY_NONE)
		return error_set(err, ERR_COMPANY_EXISTS, "la société %s existe déjà",
		    "company %s already exists", cmd->aggregate_uid);

	event = domain_event_open(cmd);
	domain_copy(event, cmd, "createdDate");
	domain_copy(event, cmd, "name");
	domain_event_close(events, event, cmd, "CallCenterCreated");
	add_identified_event(cmd, events);
	return true;
}


/* Checks 1-5 of a client account or holding creation, in the documented order. */
static bool
check_create_references(const struct command *cmd,
    const struct company_create_facts *facts, struct error *err)
{
	if (!check_exists(cmd, facts->call_center, facts->actor_company, err))
		return false;
	if (facts->call_center->kind != COMPANY_CALL_CENTER)
		return error_set(err, ERR_INCONSISTENT_REFERENCE,
		    "callCenterReference %s n'est pas un centre d'appels",
		    "callCenterReference %s is not a CallCenter", facts->call_center->uid);

	/* A call-center user may only create companies under his own call center. */
	if (!role_allows(cmd, facts->call_center))
		return domain_forbidden(err, cmd);

	if (facts->holding == NULL)
		return true;
	if (!check_exists(cmd, facts->holding, facts->actor_company, err))
		return false;
	if (facts->holding->kind != COMPANY_HOLDING)
		return error_set(err, ERR_INCONSISTENT_REFERENCE,
		    "holdingReference %s n'est pas une holding",
		    "holdingReference %s is not a ClientAccountHolding", facts->holding->uid);
	return true;
}


static bool
decide_create_client(const struct command *cmd,
    const struct company_create_facts *facts, struct json_object *events,
    struct error *err)
{
	bool account = strcmp(cmd->type, "CreateClientAccount") == 0;
	struct json_object *event;

	if (!check_create_references(cmd, facts, err))
		return false;
	if (facts->target->kind != COMPANY_NONE)
		return error_set(err, ERR_COMPANY_EXISTS, "la société %s existe déjà",
		    "company %s already exists", cmd->aggregate_uid);

	event = domain_event_open(cmd);
	domain_copy(event, cmd, "createdDate");
	if (account)
		domain_copy(event, cmd, "holdingReference");
	domain_copy(event, cmd, "callCenterReference");
	domain_copy(event, cmd, "name");
	domain_event_close(events, event, cmd, account ?
	    "ClientAccountCreated" : "ClientAccountHoldingCreated");
	add_identified_event(cmd, events);
	add_billing_event(cmd, events);
	return true;
}


bool
company_decide_create(const struct command *cmd,
    const struct company_create_facts *facts, struct json_object *events,
    struct error *err)
{
	if (strcmp(cmd->type, "CreateCallCenter") == 0)
		return decide_create_call_center(cmd, facts, events, err);
	return decide_create_client(cmd, facts, events, err);
}


/* The permission table (src/auth/scope.c) for a visible target company. */
static bool
role_allows(const struct command *cmd, const struct company_state *target)
{
	struct scope_target facts = {target->uid, false, false};

	return scope_may_send(cmd->actor, cmd->type, &facts);
}


static bool
not_applicable(struct error *err, const struct command *cmd, const char *kind_fr,
    const char *kind_en)
{
	char fr[ERROR_MESSAGE_MAX], en[ERROR_MESSAGE_MAX];

	snprintf(fr, sizeof(fr), "%s ne s'applique qu'à %s", cmd->type, kind_fr);
	snprintf(en, sizeof(en), "%s only applies to %s", cmd->type, kind_en);
	return error_set_text(err, ERR_COMMAND_NOT_APPLICABLE, fr, en);
}


static bool
decide_billing(const struct command *cmd, const struct company_state *target,
    struct json_object *events, struct error *err)
{
	struct json_object *event;

	if (strcmp(cmd->type, "UpgradeCompanyToPremiumAccount") == 0) {
		if (target->kind == COMPANY_CALL_CENTER)
			return error_set(err, ERR_CALL_CENTER_NOT_PREMIUM_ELIGIBLE,
			    "un centre d'appels ne peut pas passer en compte premium",
			    "a CallCenter cannot become a premium account");
		if (target->billing == BILLING_PREMIUM)
			return error_set(err, ERR_COMPANY_ALREADY_PREMIUM,
			    "la société est déjà un compte premium", "the company is already a premium account");
		if (target->billing == BILLING_SPONSORED)
			return domain_emit(cmd, events, "CompanyUpgradedToPremiumAccount",
			    (const char *const[]){"upgradedDate", NULL});

		/* From Standard, the source names the move a downgrade. */
		event = domain_event_open(cmd);
		json_object_object_add(event, "downgradedDate",
		    json_object_new_string(domain_string(cmd->body, "upgradedDate")));
		domain_event_close(events, event, cmd, "CompanyDowngradedToPremiumAccount");
		return true;
	}

	if (strcmp(cmd->type, "DowngradePremiumAccount") == 0) {
		if (target->kind == COMPANY_CALL_CENTER)
			return error_set(err, ERR_CALL_CENTER_NOT_DOWNGRADABLE,
			    "un centre d'appels ne peut pas être rétrogradé", "a CallCenter cannot be downgraded");
		if (target->billing == BILLING_SPONSORED)
			return error_set(err, ERR_COMPANY_ALREADY_SPONSORED,
			    "la société est déjà un compte parrainé", "the company is already a sponsored account");
		if (target->billing == BILLING_STANDARD)
			return error_set(err, ERR_COMPANY_NOT_PREMIUM,
			    "la société n'est pas un compte premium", "the company is not a premium account");
		return domain_emit(cmd, events, "PremiumAccountDowngraded",
		    (const char *const[]){"downgradedDate", NULL});
	}

	return domain_emit(cmd, events, "CompanyUpgradedToStandardAccount",
	    (const char *const[]){"upgradedDate", NULL});
}


static bool
decide_update_client_account(const struct command *cmd,
    const struct company_update_facts *facts, struct json_object *events,
    struct error *err)
{
	if (facts->target->kind != COMPANY_CLIENT_ACCOUNT)
		return not_applicable(err, cmd, "un compte client", "a ClientAccount");
	if (facts->holding != NULL) {
		if (!check_exists(cmd, facts->holding, facts->actor_company, err))
			return false;
		if (facts->holding->kind != COMPANY_HOLDING)
			return error_set(err, ERR_INCONSISTENT_REFERENCE,
			    "holdingReference %s n'est pas une holding",
			    "holdingReference %s is not a ClientAccountHolding", facts->holding->uid);
	}
	return domain_emit(cmd, events, "ClientAccountUpdated",
	    (const char *const[]){"updatedDate", "name", "holdingReference", NULL});
}


/*
 * The agency of the path must exist in this company, not be deleted, and
 * be visible to the actor: one he may not see is reported as missing.
 */
static bool
check_agency(const struct company_update_facts *facts, struct error *err)
{
	const struct company_agency *agency = company_agency(facts->target, facts->agency_uid);

	if (agency == NULL || agency->deleted || facts->agency_hidden)
		return error_set(err, ERR_AGENCY_NOT_FOUND,
		    "aucune agence %s dans la société %s", "no agency %s in company %s",
		    facts->agency_uid, facts->target->uid);
	return true;
}


/* Builds AgencyCreated or AgencyUpdated with the agency's uid filled in. */
static bool
emit_agency(const struct command *cmd, const struct company_update_facts *facts,
    struct json_object *events, const char *date_field, const char *event_type)
{
	struct json_object *event = domain_event_open(cmd);
	struct json_object *agency = NULL;
	struct json_object *copy;

	domain_copy(event, cmd, date_field);
	json_object_object_get_ex(cmd->body, "agency", &agency);
	copy = NULL;
	json_object_deep_copy(agency, &copy, NULL);
	json_object_object_add(copy, "agencyUid", json_object_new_string(facts->agency_uid));
	json_object_object_add(event, "agency", copy);
	domain_event_close(events, event, cmd, event_type);
	return true;
}


static bool
decide_agency(const struct command *cmd, const struct company_update_facts *facts,
    struct json_object *events, struct error *err)
{
	if (strcmp(cmd->type, "CreateAgency") == 0) {
		if (!role_allows(cmd, facts->target))
			return domain_forbidden(err, cmd);
		if (facts->target->kind != COMPANY_CLIENT_ACCOUNT)
			return error_set(err, ERR_AGENCY_OUTSIDE_CLIENT_ACCOUNT,
			    "les agences n'existent que dans les comptes clients",
			    "agencies exist only in ClientAccounts");
		if (facts->agency_uid_used)
			return error_set(err, ERR_AGENCY_EXISTS, "l'agence %s existe déjà",
			    "agency %s already exists", facts->agency_uid);
		return emit_agency(cmd, facts, events, "createdDate", "AgencyCreated");
	}

	if (!check_agency(facts, err))
		return false;
	if (!role_allows(cmd, facts->target))
		return domain_forbidden(err, cmd);
	if (strcmp(cmd->type, "UpdateAgency") == 0)
		return emit_agency(cmd, facts, events, "updatedDate", "AgencyUpdated");

	{
		struct json_object *event = domain_event_open(cmd);
		domain_copy(event, cmd, "deletedDate");
		json_object_object_add(event, "agencyUid", json_object_new_string(facts->agency_uid));
		domain_event_close(events, event, cmd, "AgencyDeleted");
	}
	return true;
}


bool
company_decide_update(const struct command *cmd,
    const struct company_update_facts *facts, struct json_object *events,
    struct error *err)
{
	const struct company_state *target = facts->target;
	const char *type = cmd->type;

	if (!check_exists(cmd, target, facts->actor_company, err))
		return false;
	if (facts->agency_uid != NULL)
		return decide_agency(cmd, facts, events, err);
	if (!role_allows(cmd, target))
		return domain_forbidden(err, cmd);

	if (strcmp(type, "IdentifyCompany") == 0) {
		if (target->identified)
			return error_set(err, ERR_COMPANY_ALREADY_IDENTIFIED,
			    "la société a déjà un SIRET", "the company already has a SIRET");
		return domain_emit(cmd, events, "CompanyIdentified",
		    (const char *const[]){"siretNumber", NULL});
	}
	if (strcmp(type, "CancelCompany") == 0) {
		if (target->kind == COMPANY_CALL_CENTER)
			return error_set(err, ERR_CALL_CENTER_NOT_CANCELABLE,
			    "un centre d'appels ne peut pas être annulé", "a CallCenter cannot be canceled");
		if (!target->active)
			return error_set(err, ERR_COMPANY_ALREADY_CANCELED,
			    "la société est déjà annulée", "the company is already canceled");
		return domain_emit(cmd, events, "CompanyCanceled",
		    (const char *const[]){"canceledDate", NULL});
	}
	if (strcmp(type, "ReactiveCompany") == 0)
		return domain_emit(cmd, events, "CompanyReactivated",
		    (const char *const[]){"reactivatedDate", NULL});
	if (strcmp(type, "UpdateClientAccount") == 0)
		return decide_update_client_account(cmd, facts, events, err);
	if (strcmp(type, "UpdateClientAccountHolding") == 0) {
		if (target->kind != COMPANY_HOLDING)
			return not_applicable(err, cmd, "une holding", "a ClientAccountHolding");
		return domain_emit(cmd, events, "ClientAccountHoldingUpdated",
		    (const char *const[]){"updatedDate", "name", NULL});
	}
	if (strcmp(type, "UpdateCallCenter") == 0) {
		if (target->kind != COMPANY_CALL_CENTER)
			return not_applicable(err, cmd, "un centre d'appels", "a CallCenter");
		return domain_emit(cmd, events, "CallCenterUpdated",
		    (const char *const[]){"updatedDate", "name", NULL});
	}
	return decide_billing(cmd, target, events, err);
}
