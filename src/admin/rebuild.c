/*
 * perfimmo-admin rebuild: rebuilds every read-model table of a tenant from
 * its journal while the tenant keeps serving.
 *
 * 1. Empty copies of the read-model tables (table_registry) are made in a
 *    shadow schema, and the journal is replayed into them through the same
 *    project_<kind>() functions that commands use, with the shadow schema
 *    first in search_path.  Each event is upcast to its current shape
 *    first (rebuild_replay.c).  Commands go on meanwhile.
 * 2. One transaction takes the tenant's command lock, replays the events
 *    stored since step 1, and replaces the rows of the live tables with the
 *    shadow's.  Readers see the old rows until it commits, commands wait
 *    for the lock, and the tables keep their definitions and grants.  Like
 *    a command, it raises the tenant's generation, so views cached before
 *    the swap are not served after it.
 * 3. The shadow schema is dropped.
 *
 * With --maintenance the tenant's writes are refused (503) from before
 * step 1 to after step 3, so that the rebuild never holds commands waiting
 * for the lock in step 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

/* Suffix of the shadow schema: "t_<tenant>_rebuild". */
#define SHADOW_SUFFIX "_rebuild"
/* Retry-After of the writes refused during `rebuild --maintenance`, in seconds. */
#define REBUILD_RETRY_AFTER 60


/* Fails when a table of the tenant's schema is missing from table_registry. */
static bool
check_registry(struct admin *admin, const struct tenant *tenant)
{
	PGresult *result = admin_query(admin, "SELECT rebuild_unregistered_tables()", 0, NULL);
	int rows;

	if (result == NULL)
		return false;
	rows = PQntuples(result);
	for (int i = 0; i < rows; i++)
		admin_fail("table %s.%s is not in table_registry: register it in its migration as "
		    "read_model, source or projected_source", tenant->schema, PQgetvalue(result, i, 0));
	PQclear(result);
	return rows == 0;
}


/* Takes a session lock so that two rebuilds of one tenant never share the shadow schema. */
static bool
lock_rebuild(struct admin *admin, const struct tenant *tenant)
{
	const char *params[1] = {tenant->schema};
	PGresult *result = admin_query(admin,
	    "SELECT pg_try_advisory_lock(hashtext('perfimmo rebuild ' || $1))", 1, params);
	bool locked;

	if (result == NULL)
		return false;
	locked = strcmp(PQgetvalue(result, 0, 0), "t") == 0;
	PQclear(result);
	if (!locked)
		admin_fail("another rebuild of tenant %s is running", tenant->name);
	return locked;
}


static bool
create_shadow(struct admin *admin, const struct tenant *tenant, const char *shadow)
{
	const char *params[2] = {tenant->schema, shadow};
	char sql[256];

	/* A rebuild that was interrupted may have left its shadow schema. */
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS \"%s\" CASCADE; CREATE SCHEMA \"%s\"",
	    shadow, shadow);
	return admin_exec(admin, sql, 0, NULL) &&
	    admin_exec(admin, "SELECT rebuild_prepare($1, $2)", 2, params);
}


/* Replays the events after AFTER into the shadow tables; *LAST gets the last position. */
static bool
replay(struct admin *admin, const struct tenant *tenant, const char *shadow,
    const char *after, char last[24])
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SET LOCAL search_path TO \"%s\", \"%s\", perfimmo_ext",
	    shadow, tenant->schema);
	if (!admin_exec(admin, sql, 0, NULL) || !rebuild_replay(admin, after, last))
		return false;

	snprintf(sql, sizeof(sql), "SET LOCAL search_path TO \"%s\", perfimmo_ext", tenant->schema);
	return admin_exec(admin, sql, 0, NULL);
}


/*
 * Step 2: under the command lock, which raising the generation takes,
 * catches up from FIRST_LAST and swaps the rows in.
 */
static bool
swap(struct admin *admin, const struct tenant *tenant, const char *shadow,
    const char *first_last, char last[24])
{
	const char *params[2] = {tenant->schema, shadow};
	long long generation;

	return admin_begin_raise(admin, &generation) &&
	    replay(admin, tenant, shadow, first_last, last) &&
	    admin_exec(admin, "SELECT rebuild_swap($1, $2)", 2, params) &&
	    admin_commit_raise(admin, tenant, generation);
}


static bool
rebuild_tenant(struct admin *admin, const struct tenant *tenant)
{
	char shadow[sizeof(tenant->schema) + sizeof(SHADOW_SUFFIX)];
	char first_last[24], last[24], sql[160];
	bool ok;

	snprintf(shadow, sizeof(shadow), "%s%s", tenant->schema, SHADOW_SUFFIX);

	ok = create_shadow(admin, tenant, shadow) &&
	    admin_exec(admin, "BEGIN", 0, NULL) &&
	    replay(admin, tenant, shadow, "0", first_last) &&
	    admin_exec(admin, "COMMIT", 0, NULL) &&
	    swap(admin, tenant, shadow, first_last, last);
	if (!ok)
		PQclear(PQexec(admin->db, "ROLLBACK"));

	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS \"%s\" CASCADE", shadow);
	ok = admin_exec(admin, sql, 0, NULL) && ok;
	if (ok)
		printf("rebuilt the read model of tenant %s from the journal up to position %s\n",
		    tenant->name, last);
	return ok;
}


int
rebuild_command(struct admin *admin, int argc, char **argv)
{
	const char *name = admin_option(argc, argv, "--tenant");
	bool with_maintenance = admin_has_flag(argc, argv, "--maintenance");
	bool was_on = false;
	struct tenant tenant;
	bool ok;

	if (name == NULL)
		return admin_fail("usage: rebuild --tenant NAME [--maintenance]"), 2;
	if (!admin_find_tenant(admin, name, &tenant) || !admin_use_tenant(admin, &tenant) ||
	    !check_registry(admin, &tenant) || !lock_rebuild(admin, &tenant))
		return 1;

	/* Maintenance that an operator switched on stays on after the rebuild. */
	if (with_maintenance &&
	    (!admin_maintenance_is_on(admin, &tenant, &was_on) ||
	    (!was_on && !admin_maintenance_on(admin, &tenant, REBUILD_RETRY_AFTER))))
		return 1;
	ok = rebuild_tenant(admin, &tenant);
	if (with_maintenance && !was_on && !admin_maintenance_off(admin, &tenant))
		admin_fail("could not switch maintenance off for tenant %s: run "
		    "perfimmo-admin maintenance off --tenant %s", tenant.name, tenant.name);
	if (!ok)
		return admin_fail("rebuild of tenant %s failed: its read model is unchanged", name);
	return 0;
}
