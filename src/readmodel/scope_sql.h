/*
 * The access scopes of the read API as SQL conditions on the read tables:
 * what a user may see of patrimonies (and so of lots) and provider
 * contacts.  Executives and patrimony managers are read through
 * user_agencies and user_patrimonies, the read tables of the user stream.
 */
#ifndef PERFIMMO_SCOPE_SQL_H
#define PERFIMMO_SCOPE_SQL_H

#include "auth/actor.h"
#include "sql_builder.h"

/* Appends " AND <ACTOR may see the patrimony ALIAS>" to BUILDER. */
void scope_sql_patrimony(struct sql_builder *builder, const struct actor *actor,
    const char *alias);

/* Appends " AND <ACTOR may see the provider contact ALIAS>" to BUILDER. */
void scope_sql_contact(struct sql_builder *builder, const struct actor *actor,
    const char *alias);

#endif
