/*
 * The access scopes of the read API as SQL conditions on the read tables:
 * calls of the rule functions of sql/tenant/008_scopes.sql (the SQL twins
 * of src/auth/scope.c) with the acting user's facts and the row's.  The
 * user's agencies and patrimonies are read by the statement itself.
 */
#ifndef PERFIMMO_SCOPE_SQL_H
#define PERFIMMO_SCOPE_SQL_H

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

#endif
