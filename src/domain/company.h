/*
 * The Company aggregate (CallCenter, ClientAccountHolding, ClientAccount)
 * and its agencies: state folded from events, visibility, and the pure
 * decisions of every company and agency command.
 */
#ifndef PERFIMMO_COMPANY_H
#define PERFIMMO_COMPANY_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/scope.h"
#include "domain.h"

enum company_kind {
	COMPANY_NONE = 0,		/* no such company */
	COMPANY_CALL_CENTER,
	COMPANY_HOLDING,
	COMPANY_CLIENT_ACCOUNT,
};

enum company_billing {
	BILLING_SPONSORED,
	BILLING_PREMIUM,
	BILLING_STANDARD,
};

struct company_agency {
	char uid[37];
	bool deleted;
};

struct company_state {
	char uid[37];
	enum company_kind kind;
	enum company_billing billing;
	bool active;
	bool identified;
	char call_center[37];		/* "" for a CallCenter */
	char holding[37];		/* "" when none */
	struct company_agency *agencies;
	size_t agency_count;
};

/* Empties STATE (kind COMPANY_NONE) for the company UID. */
void company_init(struct company_state *state, const char *uid);

/* Frees what STATE owns. */
void company_free(struct company_state *state);

/* Applies one stored event to STATE; events of other kinds are ignored. */
void company_evolve(struct company_state *state, struct json_object *event);

/* Applies every event of the array EVENTS, in order. */
void company_fold(struct company_state *state, struct json_object *events);

/* Returns the agency UID of STATE, or NULL. */
const struct company_agency *company_agency(const struct company_state *state,
    const char *uid);

/*
 * True when ACTOR may see COMPANY.  ACTOR_COMPANY is the state of the
 * actor's own company (needed for a manager, whose scope includes his holding).
 */
bool company_visible(const struct actor *actor, const struct company_state *company,
    const struct company_state *actor_company);

/* An agency that a command names, with the client account that created it. */
struct agency_fact {
	char uid[37];
	bool exists;
	bool deleted;			/* AgencyDeleted was stored */
	char company_uid[37];		/* the client account that created it, "" when unknown */
	char call_center_uid[37];	/* that client account's call center */
};

/* True when AGENCY exists and is visible in SCOPE. */
bool company_agency_visible(const struct scope *scope, const struct agency_fact *agency);

/* Facts the creation commands need about the companies they name. */
struct company_create_facts {
	const struct company_state *call_center;	/* callCenterReference */
	const struct company_state *holding;		/* holdingReference, NULL when absent */
	const struct company_state *target;		/* the aggregateUid to create */
	const struct company_state *actor_company;
};

/* Facts of the increment commands: the target and the companies they name. */
struct company_update_facts {
	const struct company_state *target;
	const struct company_state *holding;		/* UpdateClientAccount's holdingReference */
	const struct company_state *actor_company;
	const char *agency_uid;				/* agency commands: the path's agency */
	bool agency_uid_used;				/* CreateAgency: uid taken by any company */
	bool agency_hidden;				/* agency increments: the actor may not see it */
};

/*
 * Decides a creation command (CreateCallCenter, CreateClientAccountHolding,
 * CreateClientAccount), appending its events to EVENTS, or returns false
 * with the first failed check in ERR.
 */
bool company_decide_create(const struct command *cmd,
    const struct company_create_facts *facts, struct json_object *events,
    struct error *err);

/* Decides a company increment (PATCH) or an agency command (POST or PATCH). */
bool company_decide_update(const struct command *cmd,
    const struct company_update_facts *facts, struct json_object *events,
    struct error *err);

#endif
