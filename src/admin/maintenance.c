/*
 * perfimmo-admin maintenance on|off|status: suspends and resumes the
 * writes of one tenant.  src/db/maintenance.h describes what the API does then.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

/* Retry-After sent while no --retry-after is given, in seconds. */
#define DEFAULT_RETRY_AFTER 120
#define MAX_RETRY_AFTER 86400
/* How long `maintenance on` waits for the commands in flight. */
#define DRAIN_LOCK_TIMEOUT "30s"


/* Parses --retry-after: whole seconds from 1 to MAX_RETRY_AFTER. */
static bool
parse_retry_after(const char *text, int *seconds)
{
	char *end;
	long value;

	if (text == NULL) {
		*seconds = DEFAULT_RETRY_AFTER;
		return true;
	}
	errno = 0;
	value = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || value < 1 || value > MAX_RETRY_AFTER)
		return false;
	*seconds = (int)value;
	return true;
}


/*
 * Waits until no command of TENANT holds its command lock.  A command that
 * takes the lock later reads the maintenance state under it and is
 * refused, so once this returns no command can commit any more.
 */
static bool
wait_for_commands(struct admin *admin, const struct tenant *tenant)
{
	char sql[256];
	bool ok;

	snprintf(sql, sizeof(sql), "SELECT FROM \"%s\".command_lock FOR UPDATE", tenant->schema);
	ok = admin_exec(admin, "BEGIN", 0, NULL) &&
	    admin_exec(admin, "SET LOCAL lock_timeout = '" DRAIN_LOCK_TIMEOUT "'", 0, NULL) &&
	    admin_exec(admin, sql, 0, NULL);
	PQclear(PQexec(admin->db, "ROLLBACK"));
	return ok;
}


bool
admin_maintenance_on(struct admin *admin, const struct tenant *tenant, int retry_after)
{
	char seconds[16];
	const char *params[2] = {tenant->name, seconds};

	snprintf(seconds, sizeof(seconds), "%d", retry_after);
	if (!admin_exec(admin,
	    "INSERT INTO perfimmo_meta.maintenance (tenant, retry_after) VALUES ($1, $2) "
	    "ON CONFLICT (tenant) DO UPDATE SET retry_after = EXCLUDED.retry_after", 2, params))
		return false;
	if (!wait_for_commands(admin, tenant)) {
		admin_fail("maintenance is on for tenant %s, but commands still held its command lock "
		    "after %s: run the command again to wait for them", tenant->name, DRAIN_LOCK_TIMEOUT);
		return false;
	}
	return true;
}


bool
admin_maintenance_off(struct admin *admin, const struct tenant *tenant)
{
	const char *params[1] = {tenant->name};

	return admin_exec(admin, "DELETE FROM perfimmo_meta.maintenance WHERE tenant = $1", 1, params);
}


bool
admin_maintenance_is_on(struct admin *admin, const struct tenant *tenant, bool *on)
{
	const char *params[1] = {tenant->name};
	PGresult *result = admin_query(admin,
	    "SELECT 1 FROM perfimmo_meta.maintenance WHERE tenant = $1", 1, params);

	if (result == NULL)
		return false;
	*on = PQntuples(result) == 1;
	PQclear(result);
	return true;
}


/* Prints one line per tenant: name, on or off, Retry-After seconds, start time. */
static int
print_status(struct admin *admin, const char *only)
{
	const char *params[1] = {only};
	PGresult *result = admin_query(admin,
	    "SELECT t.name, CASE WHEN m.tenant IS NULL THEN 'off' ELSE 'on' END, "
	    "coalesce(m.retry_after::text, '-'), coalesce(to_char(m.started_at AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '-') "
	    "FROM perfimmo_meta.tenants t LEFT JOIN perfimmo_meta.maintenance m ON m.tenant = t.name "
	    "WHERE $1::text IS NULL OR t.name = $1 ORDER BY t.name", 1, params);

	if (result == NULL)
		return 1;
	for (int i = 0; i < PQntuples(result); i++)
		printf("%s\t%s\t%s\t%s\n", PQgetvalue(result, i, 0), PQgetvalue(result, i, 1),
		    PQgetvalue(result, i, 2), PQgetvalue(result, i, 3));
	PQclear(result);
	return 0;
}


static int
usage_error(void)
{
	admin_fail("usage: maintenance on --tenant T [--retry-after SECONDS] | "
	    "maintenance off --tenant T | maintenance status [--tenant T]");
	return 2;
}


int
maintenance_command(struct admin *admin, int argc, char **argv)
{
	const char *name = admin_option(argc, argv, "--tenant");
	struct tenant tenant;
	int retry_after;

	if (argc < 1)
		return usage_error();
	if (strcmp(argv[0], "status") == 0) {
		if (name != NULL && !admin_find_tenant(admin, name, &tenant))
			return 1;
		return print_status(admin, name);
	}
	if (name == NULL || (strcmp(argv[0], "on") != 0 && strcmp(argv[0], "off") != 0))
		return usage_error();
	if (!admin_find_tenant(admin, name, &tenant))
		return 1;

	if (strcmp(argv[0], "off") == 0) {
		if (!admin_maintenance_off(admin, &tenant))
			return 1;
		printf("maintenance off for tenant %s: writes are accepted again\n", tenant.name);
		return 0;
	}
	if (!parse_retry_after(admin_option(argc, argv, "--retry-after"), &retry_after))
		return admin_fail("invalid --retry-after: expected whole seconds from 1 to %d",
		    MAX_RETRY_AFTER), 2;
	if (!admin_maintenance_on(admin, &tenant, retry_after))
		return 1;
	printf("maintenance on for tenant %s: writes answer 503 ServiceUnavailable with "
	    "Retry-After: %d, reads go on\n", tenant.name, retry_after);
	return 0;
}
