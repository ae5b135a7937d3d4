/* User rules: reference commands and increments, in the documented check order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user.h"


void
user_init(struct user_state *state, const char *uid)
{
	memset(state, 0, sizeof(*state));
	snprintf(state->uid, sizeof(state->uid), "%s", uid);
}


void
user_free(struct user_state *state)
{
	uid_list_free(&state->agencies);
	uid_list_free(&state->patrimonies);
}


/* Adds every uid of the array member NAME of EVENT to LIST. */
static void
add_member_uids(struct uid_list *list, struct json_object *event, const char *name)
{
	struct json_object *array = NULL;

	json_object_object_get_ex(event, name, &array);
	uid_list_add_json(list, array);
}


static enum user_type
referenced_type(const char *event_type)
{
	if (strcmp(event_type, "CallCenterUserReferenced") == 0)
		return USER_CALL_CENTER;
	if (strcmp(event_type, "ClientAccountManagerReferenced") == 0)
		return USER_CLIENT_ACCOUNT_MANAGER;
	if (strcmp(event_type, "ExecutiveReferenced") == 0)
		return USER_EXECUTIVE;
	if (strcmp(event_type, "PatrimonyManagerReferenced") == 0)
		return USER_PATRIMONY_MANAGER;
	return USER_NONE;
}


void
user_evolve(struct user_state *state, struct json_object *event)
{
	const char *type = domain_string(event, "eventType");
	enum user_type created;

	if (type == NULL)
		return;

	created = referenced_type(type);
	if (created != USER_NONE) {
		const char *company = domain_string(event, "companyUid");
		state->type = created;
		state->active = true;
		snprintf(state->company, sizeof(state->company), "%s", company != NULL ? company : "");
		add_member_uids(&state->agencies, event, "managedAgencies");
		add_member_uids(&state->patrimonies, event, "managedPatrimonies");
	} else if (strcmp(type, "UserAssociatedWithAgency") == 0) {
		uid_list_add(&state->agencies, domain_string(event, "agencyUid"));
	} else if (strcmp(type, "UserDissociatedFromAgency") == 0) {
		uid_list_remove(&state->agencies, domain_string(event, "agencyUid"));
	} else if (strcmp(type, "UserAssociatedWithPatrimony") == 0) {
		uid_list_add(&state->patrimonies, domain_string(event, "patrimonyUid"));
	} else if (strcmp(type, "UserDissociatedFromPatrimony") == 0) {
		uid_list_remove(&state->patrimonies, domain_string(event, "patrimonyUid"));
	} else if (strcmp(type, "UserDisabled") == 0) {
		state->active = false;
	} else if (strcmp(type, "UserEnabled") == 0) {
		state->active = true;
	} else if (strcmp(type, "ExecutiveDowngradedToPatrimonyManager") == 0) {
		state->type = USER_PATRIMONY_MANAGER;
		uid_list_free(&state->agencies);
		add_member_uids(&state->patrimonies, event, "managedPatrimonies");
	}
}


void
user_fold(struct user_state *state, struct json_object *events)
{
	size_t count = json_object_array_length(events);

	for (size_t i = 0; i < count; i++)
		user_evolve(state, json_object_array_get_idx(events, i));
}


static bool
entity_not_found(struct error *err, const char *what_fr, const char *what_en, const char *uid)
{
	char fr[ERROR_MESSAGE_MAX], en[ERROR_MESSAGE_MAX];

	snprintf(fr, sizeof(fr), "%s %s", what_fr, uid);
	snprintf(en, sizeof(en), "%s %s", what_en, uid);
	return error_set_text(err, ERR_REFERENCED_ENTITY_NOT_FOUND, fr, en);
}


static bool
user_not_found(struct error *err, const char *uid)
{
	return error_set(err, ERR_USER_NOT_FOUND, "aucun utilisateur %s", "no user %s", uid);
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
login_used(struct error *err, const struct command *cmd)
{
	return error_set(err, ERR_LOGIN_ALREADY_USED, "l'identifiant %s est déjà utilisé",
	    "login %s is already used", domain_string(cmd->body, "login"));
}


static bool
sees_company(const struct scope *scope, const struct company_state *company)
{
	struct scope_company facts = {company->uid, company->call_center};

	return company->kind != COMPANY_NONE && scope_sees_company(scope, &facts);
}


/* Check 6 then check 7 of the reference table, for every named agency and patrimony. */
static bool
check_managed(const struct user_facts *facts, const char *company_uid, struct error *err)
{
	for (size_t i = 0; i < facts->agency_count; i++)
		if (!company_agency_visible(facts->scope, &facts->agencies[i]))
			return entity_not_found(err, "aucune agence", "no agency", facts->agencies[i].uid);
	for (size_t i = 0; i < facts->patrimony_count; i++)
		if (!patrimony_visible(facts->scope, &facts->patrimonies[i]))
			return entity_not_found(err, "aucun patrimoine", "no patrimony", facts->patrimonies[i].state.uid);

	for (size_t i = 0; i < facts->agency_count; i++) {
		const struct agency_fact *agency = &facts->agencies[i];
		if (agency->deleted)
			return error_set(err, ERR_INCONSISTENT_REFERENCE, "l'agence %s est supprimée",
			    "agency %s is deleted", agency->uid);
		if (strcmp(agency->company_uid, company_uid) != 0)
			return error_set(err, ERR_INCONSISTENT_REFERENCE,
			    "l'agence %s n'appartient pas à la société %s",
			    "agency %s does not belong to company %s", agency->uid, company_uid);
	}
	for (size_t i = 0; i < facts->patrimony_count; i++) {
		const struct patrimony_fact *patrimony = &facts->patrimonies[i];
		if (strcmp(patrimony->company_uid, company_uid) != 0)
			return error_set(err, ERR_INCONSISTENT_REFERENCE,
			    "le patrimoine %s n'appartient pas à la société %s",
			    "patrimony %s does not belong to company %s", patrimony->state.uid, company_uid);
	}
	return true;
}


struct reference_kind {
	const char *command;
	const char *event;
	enum company_kind company_kind;
	const char *list;		/* managedAgencies / managedPatrimonies, or NULL */
};

static const struct reference_kind reference_kinds[] = {
	{"ReferenceCallCenterUser", "CallCenterUserReferenced", COMPANY_CALL_CENTER, NULL},
	{"ReferenceClientAccountManager", "ClientAccountManagerReferenced", COMPANY_CLIENT_ACCOUNT, NULL},
	{"ReferenceExecutive", "ExecutiveReferenced", COMPANY_CLIENT_ACCOUNT, "managedAgencies"},
	{"ReferencePatrimonyManager", "PatrimonyManagerReferenced", COMPANY_CLIENT_ACCOUNT, "managedPatrimonies"},
};


static const struct reference_kind *
find_reference_kind(const char *command)
{
	for (size_t i = 0; i < sizeof(reference_kinds) / sizeof(reference_kinds[0]); i++)
		if (strcmp(reference_kinds[i].command, command) == 0)
			return &reference_kinds[i];
	return NULL;
}


bool
user_decide_reference(const struct command *cmd, const struct user_facts *facts,
    struct json_object *events, struct error *err)
{
	const struct reference_kind *kind = find_reference_kind(cmd->type);
	const struct company_state *company = facts->company;
	struct scope_target target = {company->uid, false, false};
	struct json_object *event;

	if (kind == NULL)
		return error_set(err, ERR_INTERNAL, "commande inconnue", "unknown command");

	if (!sees_company(facts->scope, company))
		return entity_not_found(err, "aucune société", "no company", company->uid);
	if (company->kind != kind->company_kind)
		return error_set(err, ERR_INCONSISTENT_REFERENCE,
		    "la société %s n'est pas du type attendu par %s",
		    "company %s is not of the kind %s expects", company->uid, cmd->type);
	if (!scope_may_send(cmd->actor, cmd->type, &target))
		return domain_forbidden(err, cmd);
	if (facts->target->type != USER_NONE)
		return error_set(err, ERR_USER_EXISTS, "l'utilisateur %s existe déjà",
		    "user %s already exists", cmd->aggregate_uid);
	if (facts->login_used)
		return login_used(err, cmd);
	if (!check_managed(facts, company->uid, err))
		return false;

	event = domain_event_open(cmd);
	domain_copy(event, cmd, "login");
	domain_copy(event, cmd, "companyUid");
	domain_copy(event, cmd, "firstName");
	domain_copy(event, cmd, "lastName");
	domain_copy(event, cmd, "job");
	domain_copy(event, cmd, "phone");
	if (kind->list != NULL)
		domain_copy(event, cmd, kind->list);
	domain_event_close(events, event, cmd, kind->event);
	return true;
}


static bool
decide_agency_link(const struct command *cmd, const struct user_facts *facts,
    struct json_object *events, struct error *err)
{
	const struct user_state *user = facts->target;
	const char *agency_uid = domain_string(cmd->body, "agencyUid");
	bool linked = uid_list_has(&user->agencies, agency_uid);

	if (user->type != USER_EXECUTIVE)
		return not_applicable(err, cmd, "un cadre (executive)", "an executive");

	if (strcmp(cmd->type, "AssociateUserWithAgency") == 0) {
		if (!check_managed(facts, user->company, err))
			return false;
		if (linked)
			return error_set(err, ERR_USER_AGENCY_ALREADY_ASSOCIATED,
			    "l'utilisateur gère déjà l'agence %s", "the user already manages agency %s",
			    agency_uid);
		return domain_emit(cmd, events, "UserAssociatedWithAgency",
		    (const char *const[]){"agencyUid", NULL});
	}

	if (!linked)
		return error_set(err, ERR_USER_AGENCY_NOT_ASSOCIATED,
		    "l'utilisateur ne gère pas l'agence %s", "the user does not manage agency %s", agency_uid);
	if (user->agencies.count == 1)
		return error_set(err, ERR_USER_LAST_AGENCY,
		    "l'agence %s est la dernière de l'utilisateur", "agency %s is the user's last agency",
		    agency_uid);
	return domain_emit(cmd, events, "UserDissociatedFromAgency",
	    (const char *const[]){"agencyUid", NULL});
}


static bool
decide_patrimony_link(const struct command *cmd, const struct user_facts *facts,
    struct json_object *events, struct error *err)
{
	const struct user_state *user = facts->target;
	const char *patrimony_uid = domain_string(cmd->body, "patrimonyUid");
	bool linked = uid_list_has(&user->patrimonies, patrimony_uid);

	if (user->type != USER_PATRIMONY_MANAGER)
		return not_applicable(err, cmd, "un gestionnaire de patrimoine", "a patrimony manager");

	if (strcmp(cmd->type, "AssociateUserWithPatrimony") == 0) {
		if (!check_managed(facts, user->company, err))
			return false;
		if (linked)
			return error_set(err, ERR_USER_PATRIMONY_ALREADY_ASSOCIATED,
			    "l'utilisateur gère déjà le patrimoine %s",
			    "the user already manages patrimony %s", patrimony_uid);
		return domain_emit(cmd, events, "UserAssociatedWithPatrimony",
		    (const char *const[]){"patrimonyUid", NULL});
	}

	if (!linked)
		return error_set(err, ERR_USER_PATRIMONY_NOT_ASSOCIATED,
		    "l'utilisateur ne gère pas le patrimoine %s",
		    "the user does not manage patrimony %s", patrimony_uid);
	if (user->patrimonies.count == 1)
		return error_set(err, ERR_USER_LAST_PATRIMONY,
		    "le patrimoine %s est le dernier de l'utilisateur",
		    "patrimony %s is the user's last patrimony", patrimony_uid);
	return domain_emit(cmd, events, "UserDissociatedFromPatrimony",
	    (const char *const[]){"patrimonyUid", NULL});
}


bool
user_decide_update(const struct command *cmd, const struct user_facts *facts,
    struct json_object *events, struct error *err)
{
	const struct user_state *user = facts->target;
	const char *type = cmd->type;
	struct scope_company company = {facts->company->uid, facts->company->call_center};
	struct scope_target target = {user->company, false, false};

	/* An invisible user is answered exactly like a missing one. */
	if (user->type == USER_NONE || !scope_sees_user(facts->scope, &company))
		return user_not_found(err, cmd->aggregate_uid);
	target.self = strcmp(user->uid, cmd->actor->uid) == 0;
	if (!scope_may_send(cmd->actor, type, &target))
		return domain_forbidden(err, cmd);

	if (strstr(type, "Agency") != NULL)
		return decide_agency_link(cmd, facts, events, err);
	if (strcmp(type, "AssociateUserWithPatrimony") == 0 ||
	    strcmp(type, "DissociateUserFromPatrimony") == 0)
		return decide_patrimony_link(cmd, facts, events, err);
	if (strcmp(type, "DisableUser") == 0)
		return domain_emit(cmd, events, "UserDisabled", (const char *const[]){NULL});
	if (strcmp(type, "EnableUser") == 0)
		return domain_emit(cmd, events, "UserEnabled", (const char *const[]){NULL});
	if (strcmp(type, "DowngradeExecutiveToPatrimonyManager") == 0) {
		if (user->type != USER_EXECUTIVE)
			return not_applicable(err, cmd, "un cadre (executive)", "an executive");
		if (!check_managed(facts, user->company, err))
			return false;
		return domain_emit(cmd, events, "ExecutiveDowngradedToPatrimonyManager",
		    (const char *const[]){"managedPatrimonies", NULL});
	}
	if (strcmp(type, "UpdateUser") == 0)
		return domain_emit(cmd, events, "UserUpdated",
		    (const char *const[]){"firstName", "lastName", "job", "phone", NULL});
	if (facts->login_used)
		return login_used(err, cmd);
	return domain_emit(cmd, events, "LoginUpdated", (const char *const[]){"login", NULL});
}
