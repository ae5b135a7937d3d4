/* perfimmo-admin: tenants, migrations, users and keys. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "cache/generation_mirror.h"
#include "cache/redis.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: perfimmo-admin [-c FILE] COMMAND ...\n"
	    "  migrate [--all-tenants | --tenant NAME]  apply pending migrations to every tenant\n"
	    "                                           (the default) or to tenant NAME\n"
	    "  tenant create NAME --host HOST [--timezone ZONE]\n"
	    "                                           create a tenant and regenerate the nginx hosts\n"
	    "  tenant list                              list tenants\n"
	    "  tenant sync-nginx                        write the nginx hosts again from the database,\n"
	    "                                           test and reload nginx\n"
	    "  secret add --tenant T                    add a session secret: it signs new cookies, the\n"
	    "                                           previous one still verifies, older ones stop\n"
	    "  superuser create --tenant T --login EMAIL\n"
	    "                                           create a superUser; prints its uid\n"
	    "  password set --tenant T --login EMAIL    set a password read from stdin\n"
	    "  key create --tenant T --login EMAIL [--label TEXT]\n"
	    "                                           create an API key; prints it once, last line\n"
	    "  key list --tenant T                      list API keys (ids, users, labels)\n"
	    "  key revoke --tenant T --id ID            delete an API key\n"
	    "  rebuild --tenant T [--maintenance]       rebuild the read-model tables from the journal;\n"
	    "                                           --maintenance suspends writes meanwhile\n"
	    "  maintenance on --tenant T [--retry-after SECONDS]\n"
	    "                                           suspend the tenant's writes (503, Retry-After\n"
	    "                                           SECONDS, default 120); reads go on\n"
	    "  maintenance off --tenant T               accept the tenant's writes again\n"
	    "  maintenance status [--tenant T]          list tenants with on or off\n"
	    "  import --tenant T [--company UID] [--as LOGIN] [--rejects FILE] [--lang fr|en]\n"
	    "         [--batch N] [--one-by-one] FILE...\n"
	    "                                           send the commands of JSON Lines files and\n"
	    "                                           onboarding sheets (CSV) through the write API;\n"
	    "                                           --one-by-one stores JSON Lines one at a time\n"
	    "  -c FILE   configuration file (default %s)\n",
	    CONFIG_DEFAULT_PATH);
}


/* Tells whether an argument is -h or --help, so help needs no configuration or database. */
static bool
help_requested(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	return false;
}


int
admin_fail(const char *format, ...)
{
	va_list ap;

	fputs("perfimmo-admin: ", stderr);
	va_start(ap, format);
	vfprintf(stderr, format, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}


PGresult *
admin_query(struct admin *admin, const char *sql, int nparams,
    const char *const *values)
{
	/* Without parameters, PQexec runs scripts of several statements (migrations). */
	PGresult *result = nparams == 0 ? PQexec(admin->db, sql) :
	    PQexecParams(admin->db, sql, nparams, NULL, values, NULL, NULL, 0);
	ExecStatusType status = PQresultStatus(result);

	if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
		return result;
	admin_fail("%s", PQresultErrorMessage(result));
	PQclear(result);
	return NULL;
}


bool
admin_exec(struct admin *admin, const char *sql, int nparams,
    const char *const *values)
{
	PGresult *result = admin_query(admin, sql, nparams, values);

	PQclear(result);
	return result != NULL;
}


bool
admin_find_tenant(struct admin *admin, const char *name, struct tenant *tenant)
{
	const char *params[1] = {name};
	PGresult *result;

	if (name == NULL || !tenant_name_is_valid(name)) {
		admin_fail("invalid tenant name: expected ^[a-z][a-z0-9_]{0,30}$");
		return false;
	}
	result = admin_query(admin, "SELECT host, timezone FROM perfimmo_meta.tenants WHERE name = $1",
	    1, params);
	if (result == NULL)
		return false;
	if (PQntuples(result) != 1) {
		PQclear(result);
		admin_fail("no tenant named %s (see: perfimmo-admin tenant list)", name);
		return false;
	}
	tenant_derive_names(tenant, name);
	snprintf(tenant->host, sizeof(tenant->host), "%s", PQgetvalue(result, 0, 0));
	snprintf(tenant->timezone, sizeof(tenant->timezone), "%s", PQgetvalue(result, 0, 1));
	PQclear(result);
	return true;
}


bool
admin_use_tenant(struct admin *admin, const struct tenant *tenant)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "SET search_path TO \"%s\", perfimmo_ext", tenant->schema);
	return admin_exec(admin, sql, 0, NULL);
}


const char *
admin_option(int argc, char **argv, const char *option)
{
	for (int i = 0; i + 1 < argc; i++)
		if (strcmp(argv[i], option) == 0)
			return argv[i + 1];
	return NULL;
}


bool
admin_has_flag(int argc, char **argv, const char *flag)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], flag) == 0)
			return true;
	return false;
}


static bool
connect_database(struct admin *admin)
{
	const char *keys[] = {"dbname", "application_name", NULL};
	const char *values[] = {admin->config.admin_database, "perfimmo-admin", NULL};

	admin->db = PQconnectdbParams(keys, values, 1);
	if (PQstatus(admin->db) != CONNECTION_OK) {
		admin_fail("could not connect to PostgreSQL: %s", PQerrorMessage(admin->db));
		return false;
	}
	return admin_exec(admin, "SET client_min_messages TO warning", 0, NULL);
}


int
main(int argc, char **argv)
{
	static struct admin admin;
	const char *path = CONFIG_DEFAULT_PATH;
	char message[512];
	int rc;

	if (argc >= 3 && strcmp(argv[1], "-c") == 0) {
		path = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (help_requested(argc, argv)) {
		usage(stdout);
		return 0;
	}
	if (!config_load(&admin.config, path, message, sizeof(message)))
		return admin_fail("%s", message);
	if (!connect_database(&admin))
		return 1;
	/* Changes to credentials and the read model raise the generation mirror there. */
	redis_setup(admin.config.redis_host, admin.config.redis_port, admin.config.redis_timeout_ms);
	generation_mirror_setup(admin.config.generation_mirror_ttl_ms);

	if (strcmp(argv[1], "migrate") == 0)
		rc = migrate_command(&admin, argc - 2, argv + 2);
	else if (strcmp(argv[1], "import") == 0)
		rc = import_command(&admin, argc - 2, argv + 2);
	else if (strcmp(argv[1], "maintenance") == 0)
		rc = maintenance_command(&admin, argc - 2, argv + 2);
	else if (strcmp(argv[1], "rebuild") == 0)
		rc = rebuild_command(&admin, argc - 2, argv + 2);
	else if (strcmp(argv[1], "tenant") == 0)
		rc = tenant_command(&admin, argc - 2, argv + 2);
	else if (strcmp(argv[1], "secret") == 0)
		rc = secret_command(&admin, argc - 2, argv + 2);
	else if (strcmp(argv[1], "superuser") == 0 || strcmp(argv[1], "password") == 0 ||
	    strcmp(argv[1], "key") == 0)
		rc = users_command(&admin, argv[1], argc - 2, argv + 2);
	else {
		usage(stderr);
		rc = 2;
	}

	PQfinish(admin.db);
	redis_close();
	return rc;
}
