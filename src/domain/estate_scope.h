/*
 * What a user may see (the access scopes of the API), as pure predicates
 * over facts the caller loads.  A superUser sees everything; the others see
 * through their company, and an executive or a patrimony manager through
 * the agencies or patrimonies his user stream gives him.
 */
#ifndef PERFIMMO_ESTATE_SCOPE_H
#define PERFIMMO_ESTATE_SCOPE_H

#include <stdbool.h>

#include <json-c/json.h>

#include "auth/actor.h"
#include "uid_list.h"

struct estate_scope {
	const struct actor *actor;
	char actor_holding[37];		/* clientAccountManager: his company's holding, or "" */
	struct uid_list agencies;	/* executive: managed agencies */
	struct uid_list patrimonies;	/* patrimony manager: managed patrimonies */
	struct uid_list patrimony_agencies; /* patrimony manager: agencies of his patrimonies */
};

/* What the command pipeline knows of an agency that a command names. */
struct agency_fact {
	char uid[37];
	bool exists;
	bool deleted;			/* AgencyDeleted was stored */
	char company_uid[37];		/* the client account that created it */
	char call_center_uid[37];	/* that client account's call center */
};

/* Starts an empty scope of ACTOR; the caller folds his user stream in. */
void estate_scope_init(struct estate_scope *scope, const struct actor *actor);

/* Frees what SCOPE owns. */
void estate_scope_free(struct estate_scope *scope);

/* Applies one event of the actor's user stream (managed agencies and patrimonies). */
void estate_scope_evolve(struct estate_scope *scope, struct json_object *event);

/* Applies every event of the array EVENTS, in order. */
void estate_scope_fold(struct estate_scope *scope, struct json_object *events);

/* True when the company COMPANY_UID, under the call center CALL_CENTER_UID ("" for none), is visible. */
bool estate_scope_sees_company(const struct estate_scope *scope, const char *company_uid,
    const char *call_center_uid);

/* True when the agency AGENCY_UID of the client account COMPANY_UID is visible. */
bool estate_scope_sees_agency(const struct estate_scope *scope, const char *agency_uid,
    const char *company_uid, const char *call_center_uid);

/* True when the patrimony UID, linked to AGENCIES of the client account COMPANY_UID, is visible. */
bool estate_scope_sees_patrimony(const struct estate_scope *scope, const char *uid,
    const struct uid_list *agencies, const char *company_uid,
    const char *call_center_uid);

/* True when AGENCY exists and is visible. */
bool estate_scope_sees_agency_fact(const struct estate_scope *scope, const struct agency_fact *agency);

/*
 * True when a provider contact associated with the client accounts
 * COMPANIES and the call centers CALL_CENTERS is visible.
 * COMPANY_CALL_CENTERS holds the call centers of those client accounts.
 */
bool estate_scope_sees_contact(const struct estate_scope *scope, const struct uid_list *companies,
    const struct uid_list *call_centers, const struct uid_list *company_call_centers);

#endif
