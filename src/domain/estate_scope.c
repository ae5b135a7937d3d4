/* Access scopes of the users. */
#include <stdio.h>
#include <string.h>

#include "domain.h"
#include "estate_scope.h"


void
estate_scope_init(struct estate_scope *scope, const struct actor *actor)
{
	memset(scope, 0, sizeof(*scope));
	scope->actor = actor;
}


void
estate_scope_free(struct estate_scope *scope)
{
	uid_list_free(&scope->agencies);
	uid_list_free(&scope->patrimonies);
	uid_list_free(&scope->patrimony_agencies);
}


static struct json_object *
member(struct json_object *event, const char *name)
{
	struct json_object *value = NULL;

	json_object_object_get_ex(event, name, &value);
	return value;
}


void
estate_scope_evolve(struct estate_scope *scope, struct json_object *event)
{
	const char *type = domain_string(event, "eventType");

	if (type == NULL)
		return;
	if (strcmp(type, "ExecutiveReferenced") == 0) {
		uid_list_add_json(&scope->agencies, member(event, "managedAgencies"));
	} else if (strcmp(type, "PatrimonyManagerReferenced") == 0) {
		uid_list_add_json(&scope->patrimonies, member(event, "managedPatrimonies"));
	} else if (strcmp(type, "UserAssociatedWithAgency") == 0) {
		uid_list_add(&scope->agencies, domain_string(event, "agencyUid"));
	} else if (strcmp(type, "UserDissociatedFromAgency") == 0) {
		uid_list_remove(&scope->agencies, domain_string(event, "agencyUid"));
	} else if (strcmp(type, "UserAssociatedWithPatrimony") == 0) {
		uid_list_add(&scope->patrimonies, domain_string(event, "patrimonyUid"));
	} else if (strcmp(type, "UserDissociatedFromPatrimony") == 0) {
		uid_list_remove(&scope->patrimonies, domain_string(event, "patrimonyUid"));
	} else if (strcmp(type, "ExecutiveDowngradedToPatrimonyManager") == 0) {
		/* The downgrade drops the agencies and gives patrimonies instead. */
		uid_list_free(&scope->agencies);
		uid_list_free(&scope->patrimonies);
		uid_list_add_json(&scope->patrimonies, member(event, "managedPatrimonies"));
	}
}


void
estate_scope_fold(struct estate_scope *scope, struct json_object *events)
{
	size_t count = json_object_array_length(events);

	for (size_t i = 0; i < count; i++)
		estate_scope_evolve(scope, json_object_array_get_idx(events, i));
}


static bool
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && a[0] != '\0' && strcmp(a, b) == 0;
}


bool
estate_scope_sees_company(const struct estate_scope *scope, const char *company_uid,
    const char *call_center_uid)
{
	const struct actor *actor = scope->actor;

	switch (actor->type) {
	case USER_SUPER:
		return true;
	case USER_CALL_CENTER:
		return same(company_uid, actor->company_uid) ||
		    same(call_center_uid, actor->company_uid);
	case USER_CLIENT_ACCOUNT_MANAGER:
		return same(company_uid, actor->company_uid) ||
		    same(company_uid, scope->actor_holding);
	case USER_EXECUTIVE:
	case USER_PATRIMONY_MANAGER:
		return same(company_uid, actor->company_uid);
	default:
		return false;
	}
}


bool
estate_scope_sees_agency(const struct estate_scope *scope, const char *agency_uid,
    const char *company_uid, const char *call_center_uid)
{
	const struct actor *actor = scope->actor;

	switch (actor->type) {
	case USER_SUPER:
		return true;
	case USER_CALL_CENTER:
		return same(call_center_uid, actor->company_uid);
	case USER_CLIENT_ACCOUNT_MANAGER:
		return same(company_uid, actor->company_uid);
	case USER_EXECUTIVE:
		return same(company_uid, actor->company_uid) &&
		    uid_list_has(&scope->agencies, agency_uid);
	case USER_PATRIMONY_MANAGER:
		return same(company_uid, actor->company_uid) &&
		    uid_list_has(&scope->patrimony_agencies, agency_uid);
	default:
		return false;
	}
}


bool
estate_scope_sees_agency_fact(const struct estate_scope *scope, const struct agency_fact *agency)
{
	return agency->exists && estate_scope_sees_agency(scope, agency->uid,
	    agency->company_uid, agency->call_center_uid);
}


bool
estate_scope_sees_patrimony(const struct estate_scope *scope, const char *uid,
    const struct uid_list *agencies, const char *company_uid,
    const char *call_center_uid)
{
	const struct actor *actor = scope->actor;

	switch (actor->type) {
	case USER_SUPER:
		return true;
	case USER_CALL_CENTER:
		return same(call_center_uid, actor->company_uid);
	case USER_CLIENT_ACCOUNT_MANAGER:
		return same(company_uid, actor->company_uid);
	case USER_EXECUTIVE:
		if (!same(company_uid, actor->company_uid))
			return false;
		for (size_t i = 0; i < agencies->count; i++)
			if (uid_list_has(&scope->agencies, agencies->items[i]))
				return true;
		return false;
	case USER_PATRIMONY_MANAGER:
		return same(company_uid, actor->company_uid) &&
		    uid_list_has(&scope->patrimonies, uid);
	default:
		return false;
	}
}


bool
estate_scope_sees_contact(const struct estate_scope *scope, const struct uid_list *companies,
    const struct uid_list *call_centers, const struct uid_list *company_call_centers)
{
	const struct actor *actor = scope->actor;

	switch (actor->type) {
	case USER_SUPER:
		return true;
	case USER_CALL_CENTER:
		return uid_list_has(call_centers, actor->company_uid) ||
		    uid_list_has(company_call_centers, actor->company_uid);
	case USER_CLIENT_ACCOUNT_MANAGER:
	case USER_EXECUTIVE:
	case USER_PATRIMONY_MANAGER:
		return uid_list_has(companies, actor->company_uid);
	default:
		return false;
	}
}
