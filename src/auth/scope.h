/*
 * The access scopes (which entities a user may see) and the permission
 * table (which commands his role may send).  This is the only C copy of
 * these rules, and the decisions of every aggregate call it.  The rule
 * functions are pure: they judge facts the caller loaded, and
 * scope_load() (scope_load.c) fills a struct scope for the actor of a
 * request, once.  Lists filter in SQL, so the same rules also exist as
 * the SQL functions of sql/tenant/008_scopes.sql, and
 * tests/integration/test_scopes_agree.py checks that both agree on a
 * table of cases.
 */
#ifndef PERFIMMO_SCOPE_H
#define PERFIMMO_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/actor.h"
#include "common/error.h"
#include "common/uid_list.h"

/* The actor's reach: what the rules compare entities against. */
struct scope {
	enum user_type type;
	char user_uid[37];
	char company_uid[37];		/* "" for the superUser */
	char holding_uid[37];		/* clientAccountManager: his company's holding, "" when none */
	struct uid_list agencies;	/* executive: managed; patrimonyManager: of his patrimonies */
	struct uid_list patrimonies;	/* patrimonyManager: managed */
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

/* Companies: SU all; CC C and the companies of C; CAM A and A's holding; EX, PM A. */
bool scope_sees_company(const struct scope *scope, const struct scope_company *company);

/* Agencies: SU all; CC of visible client accounts; CAM of A; EX S; PM agencies of P. */
bool scope_sees_agency(const struct scope *scope, const char *agency_uid,
    const struct scope_company *company);

/*
 * Patrimonies (and their lots): SU all; CC whose company is visible; CAM
 * of A; EX having an agency in S; PM P.  AGENCIES are the patrimony's,
 * COMPANY the company of those agencies.  A ticket's location is seen by
 * the rule of agencies or of patrimonies.
 */
bool scope_sees_patrimony(const struct scope *scope, const char *patrimony_uid,
    const struct scope_company *company, const struct uid_list *agencies);

/*
 * Tickets: SU all; CC whose company's call center is C; CAM whose company
 * is A; EX whose agencies meet S; PM whose patrimony is in P.  AGENCIES
 * are the location's (an agency, or the patrimony's), PATRIMONY_UID is
 * NULL or "" for an agency location.
 */
bool scope_sees_ticket(const struct scope *scope, const struct scope_company *company,
    const struct uid_list *agencies, const char *patrimony_uid);

/*
 * Provider contacts: SU all; CC associated with C or with a company whose
 * call center is C; the others associated with A.  COMPANIES and
 * CALL_CENTERS are the contact's associations, and COMPANY_CALL_CENTERS
 * the call centers of COMPANIES.
 */
bool scope_sees_provider_contact(const struct scope *scope, const struct uid_list *companies,
    const struct uid_list *call_centers, const struct uid_list *company_call_centers);

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
