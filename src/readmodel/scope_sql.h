/*
 * The access scopes of the read API as SQL conditions on the read tables:
 * calls of the rule functions of sql/tenant/008_scopes.sql (the SQL twins
 * of src/auth/scope.c) with the acting user's facts and the row's.  The
 * user's agencies and patrimonies are read by the statement itself.
 */
#ifndef PERFIMMO_SCOPE_SQL_H
#define PERFIMMO_SCOPE_SQL_H

#include <stdbool.h>

#include "auth/actor.h"
#include "sql_builder.h"

/* Appends " AND <ACTOR may see the patrimony ALIAS>", a row of patrimonies. */
void scope_sql_patrimony(struct sql_builder *builder, const struct actor *actor,
    const char *alias);

/* Appends " AND <ACTOR may see the provider contact ALIAS>", a row of provider_contacts. */
void scope_sql_contact(struct sql_builder *builder, const struct actor *actor,
    const char *alias);

/* Appends " AND <ACTOR may see the ticket ALIAS>", a row of tickets. */
void scope_sql_ticket(struct sql_builder *builder, const struct actor *actor,
    const char *alias);

/*
 * Whether the ticket rule gives ACTOR's scope exactly from a ticket's
 * company, call center and agencies alone.  Every viewer type but the
 * patrimony manager, whose scope is a list of patrimonies, reads no more.
 */
bool scope_ticket_group_exact(const struct actor *actor);

/*
 * Appends " AND <ACTOR may see the tickets of row ALIAS>", a row with
 * company_uid, call_center_uid and agency_uids but no patrimony, such as a
 * row of ticket_counts.  Appends nothing and returns false when
 * scope_ticket_group_exact(ACTOR) is false.
 */
bool scope_sql_ticket_group(struct sql_builder *builder, const struct actor *actor,
    const char *alias);

#endif
