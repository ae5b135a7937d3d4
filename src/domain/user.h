/*
 * The User aggregate (callCenterUser, clientAccountManager, executive,
 * patrimonyManager): state folded from its events, and the pure
 * decisions of the reference commands (W13) and user increments (W14).
 * The superUser is no aggregate: it lives in the credentials only.
 */
#ifndef PERFIMMO_USER_H
#define PERFIMMO_USER_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/scope.h"
#include "common/uid_list.h"
#include "company.h"
#include "domain.h"
#include "patrimony.h"

struct user_state {
	char uid[37];
	enum user_type type;		/* USER_NONE: no such user */
	char company[37];
	bool active;
	struct uid_list agencies;	/* executive: managed agencies, in order */
	struct uid_list patrimonies;	/* patrimonyManager: managed patrimonies */
};

/* Empties STATE (type USER_NONE) for the user UID. */
void user_init(struct user_state *state, const char *uid);

/* Frees what STATE owns. */
void user_free(struct user_state *state);

/* Applies one stored event; events of other kinds are ignored. */
void user_evolve(struct user_state *state, struct json_object *event);

/* Applies every event of the array EVENTS, in order. */
void user_fold(struct user_state *state, struct json_object *events);

/* What the decisions need besides the command; the caller loads it all. */
struct user_facts {
	const struct user_state *target;	/* user acted on, or the aggregateUid to create */
	const struct company_state *company;	/* creation: companyUid; increments: the user's company */
	const struct scope *scope;		/* the actor's scope */
	bool login_used;			/* the command's login belongs to another user or a superUser */
	const struct agency_fact *agencies;		/* managedAgencies, or agencyUid */
	size_t agency_count;
	const struct patrimony_fact *patrimonies;	/* managedPatrimonies, or patrimonyUid */
	size_t patrimony_count;
};

/* Decides ReferenceCallCenterUser, ReferenceClientAccountManager, ReferenceExecutive, ReferencePatrimonyManager. */
bool user_decide_reference(const struct command *cmd, const struct user_facts *facts,
    struct json_object *events, struct error *err);

/* Decides a user increment (W14). */
bool user_decide_update(const struct command *cmd, const struct user_facts *facts,
    struct json_object *events, struct error *err);

#endif
