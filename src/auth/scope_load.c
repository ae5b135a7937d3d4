/* Loading an actor's scope from the tenant's read model. */
#include <stdio.h>
#include <string.h>

#include "db/pg.h"
#include "scope.h"


/* Runs SQL with the actor's uid and adds column 0 of every row through ADD. */
static bool
add_rows(const char *sql, const char *param, struct scope *scope,
    void (*add)(struct scope *, const char *), struct error *err)
{
	const char *params[1] = {param};
	PGresult *result = pg_query(sql, 1, params, PGRES_TUPLES_OK, err);

	if (result == NULL)
		return false;
	for (int i = 0; i < PQntuples(result); i++)
		if (!PQgetisnull(result, i, 0))
			add(scope, PQgetvalue(result, i, 0));
	PQclear(result);
	return true;
}


static void
set_holding(struct scope *scope, const char *uid)
{
	snprintf(scope->holding_uid, sizeof(scope->holding_uid), "%s", uid);
}


static void
add_agency(struct scope *scope, const char *uid)
{
	uid_list_add(&scope->agencies, uid);
}


static void
add_patrimony(struct scope *scope, const char *uid)
{
	uid_list_add(&scope->patrimonies, uid);
}


bool
scope_load(const struct actor *actor, struct scope *scope, struct error *err)
{
	scope_init(scope, actor);

	switch (actor->type) {
	case USER_CLIENT_ACCOUNT_MANAGER:
		return add_rows("SELECT holding_uid FROM companies WHERE uid = $1",
		    actor->company_uid, scope, set_holding, err);
	case USER_EXECUTIVE:
		return add_rows("SELECT agency_uid FROM user_agencies WHERE user_uid = $1"
		    " ORDER BY position, rank", actor->uid, scope, add_agency, err);
	case USER_PATRIMONY_MANAGER:
		return add_rows("SELECT patrimony_uid FROM user_patrimonies WHERE user_uid = $1"
		    " ORDER BY position, rank", actor->uid, scope, add_patrimony, err) &&
		    add_rows("SELECT scope_viewer_agencies($1)", actor->uid, scope,
		    add_agency, err);
	default:
		return true;
	}
}
