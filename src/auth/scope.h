/*
 * Who sees what (conventions §6) and who may send which command
 * (write-api §2), in one place.  The rule functions are pure: they judge
 * facts the caller loaded.  scope_load() (scope_load.c) fills a struct
 * scope for the actor of a request, once; the SQL function
 * aggregate_visible() of sql/tenant/004_users.sql applies the same rules
 * inside queries, and tests/unit/test_scope.c pins both to the table.
 */
#ifndef PERFIMMO_SCOPE_H
#define PERFIMMO_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/actor.h"
#include "common/error.h"

/* The actor's reach: what the rules compare entities against. */
struct scope {
	enum user_type type;
	char user_uid[37];
	char company_uid[37];		/* "" for the superUser */
	char holding_uid[37];		/* clientAccountManager: his company's holding, "" when none */
	char (*agencies)[37];		/* executive: managed; patrimonyManager: of his patrimonies */
	size_t agency_count;
	char (*patrimonies)[37];	/* patrimonyManager: managed */
	size_t patrimony_count;
};

/* A company as the rules need it; "" for unknown fields. */
struct scope_company {
	const char *uid;
	const char *call_center;	/* of a holding or client account; "" for a CallCenter */
};

/*
 * Loads the scope of ACTOR from the tenant's read model (scope_load.c):
 * a manager's holding, an executive's agencies, a patrimony manager's
 * patrimonies and their agencies.  Call it once per request; the caller
 * frees SCOPE with scope_free.  Returns false with ERR (503/500).
 */
bool scope_load(const struct actor *actor, struct scope *scope, struct error *err);

/* Fills SCOPE with ACTOR's type, uid and company; lists empty. */
void scope_init(struct scope *scope, const struct actor *actor);

/* Frees the lists SCOPE owns. */
void scope_free(struct scope *scope);

/* Adds UID to the agencies (or patrimonies) of SCOPE, once. */
void scope_add_agency(struct scope *scope, const char *uid);
void scope_add_patrimony(struct scope *scope, const char *uid);

bool scope_has_agency(const struct scope *scope, const char *uid);
bool scope_has_patrimony(const struct scope *scope, const char *uid);

/* Companies: SU all; CC C and the companies of C; CAM A and A's holding; EX, PM A. */
bool scope_sees_company(const struct scope *scope, const struct scope_company *company);

/* Agencies: SU all; CC of visible client accounts; CAM of A; EX S; PM agencies of P. */
bool scope_sees_agency(const struct scope *scope, const char *agency_uid,
    const struct scope_company *company);

/*
 * Patrimonies (and their lots): SU all; CC whose company is visible; CAM
 * of A; EX having an agency in S; PM P.  AGENCIES are the patrimony's,
 * COMPANY the company of those agencies.
 */
bool scope_sees_patrimony(const struct scope *scope, const char *patrimony_uid,
    const struct scope_company *company, const char (*agencies)[37],
    size_t agency_count);

/*
 * Tickets: SU all; CC whose company's call center is C; CAM whose company
 * is A; EX whose agencies meet S; PM whose patrimony is in P.
 * PATRIMONY_UID is NULL or "" for an agency location.
 */
bool scope_sees_ticket(const struct scope *scope, const struct scope_company *company,
    const char (*agencies)[37], size_t agency_count, const char *patrimony_uid);

/* Provider contacts: SU all; CC associated with C or a company of C; others with A. */
bool scope_sees_provider_contact(const struct scope *scope,
    const struct scope_company *companies, size_t company_count);

/* Users: SU all; CC users of visible companies; CAM, EX, PM users of A. */
bool scope_sees_user(const struct scope *scope, const struct scope_company *company);

/* What the permission table needs to know about a visible target. */
struct scope_target {
	const char *company_uid;	/* the company the command acts in or on ("" if none) */
	bool self;			/* a user command on the actor himself */
	bool patrimony_location;	/* a ticket command located on a patrimony */
};

/*
 * True when ACTOR's role may send COMMAND_TYPE on a target already known
 * to be visible (write-api §2).  An unknown command type is refused.
 */
bool scope_may_send(const struct actor *actor, const char *command_type,
    const struct scope_target *target);

#endif
