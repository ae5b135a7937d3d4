/*
 * Numbered SQL migrations: sql/meta/NNN_*.sql once per database and
 * sql/tenant/NNN_*.sql once per tenant schema, in file-name order, each in
 * its own transaction together with the row that records it.  An advisory
 * lock keeps two hosts from migrating at the same time: the second waits
 * for the first to finish.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

#define MIGRATION_LOCK_KEY "7294001"

static const char bootstrap_sql[] =
    "CREATE SCHEMA IF NOT EXISTS perfimmo_meta;"
    "CREATE TABLE IF NOT EXISTS perfimmo_meta.migrations ("
    "  scope text NOT NULL,"
    "  version text NOT NULL,"
    "  applied_at timestamptz NOT NULL DEFAULT now(),"
    "  PRIMARY KEY (scope, version))";


static int
only_sql(const struct dirent *entry)
{
	size_t len = strlen(entry->d_name);

	return len > 4 && strcmp(entry->d_name + len - 4, ".sql") == 0 && entry->d_name[0] != '.';
}


static char *
read_file(const char *path)
{
	FILE *file = fopen(path, "r");
	char *text = NULL;
	long size;

	if (file == NULL)
		return NULL;
	if (fseek(file, 0, SEEK_END) == 0 && (size = ftell(file)) >= 0 &&
	    fseek(file, 0, SEEK_SET) == 0 && (text = malloc((size_t)size + 1)) != NULL) {
		if (fread(text, 1, (size_t)size, file) != (size_t)size) {
			free(text);
			text = NULL;
		} else {
			text[size] = '\0';
		}
	}
	fclose(file);
	return text;
}


static bool
is_applied(struct admin *admin, const char *scope, const char *version, bool *applied)
{
	const char *params[2] = {scope, version};
	PGresult *result = admin_query(admin,
	    "SELECT 1 FROM perfimmo_meta.migrations WHERE scope = $1 AND version = $2", 2, params);

	if (result == NULL)
		return false;
	*applied = PQntuples(result) == 1;
	PQclear(result);
	return true;
}


/* Applies one file in one transaction; PREPARE_SQL sets the scope up first. */
static bool
apply_file(struct admin *admin, const char *scope, const char *dir,
    const char *file, const char *prepare_sql)
{
	char path[1024];
	const char *params[2] = {scope, file};
	char *sql;
	bool applied = false;
	bool ok;

	if (!is_applied(admin, scope, file, &applied))
		return false;
	if (applied)
		return true;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	sql = read_file(path);
	if (sql == NULL) {
		admin_fail("could not read %s: %s", path, strerror(errno));
		return false;
	}

	ok = admin_exec(admin, "BEGIN", 0, NULL) &&
	    admin_exec(admin, prepare_sql, 0, NULL) &&
	    admin_exec(admin, sql, 0, NULL) &&
	    admin_exec(admin, "INSERT INTO perfimmo_meta.migrations (scope, version) VALUES ($1, $2)",
		2, params) &&
	    admin_exec(admin, "COMMIT", 0, NULL);
	free(sql);

	if (!ok) {
		PQclear(PQexec(admin->db, "ROLLBACK"));
		admin_fail("migration %s failed for %s: nothing of it was applied", path, scope);
		return false;
	}
	printf("applied %s to %s\n", file, scope);
	return true;
}


static bool
apply_dir(struct admin *admin, const char *scope, const char *subdir,
    const char *prepare_sql)
{
	char dir[CONFIG_PATH_MAX + 16];
	struct dirent **entries;
	bool ok = true;
	int count;

	snprintf(dir, sizeof(dir), "%s/%s", admin->config.sql_dir, subdir);
	count = scandir(dir, &entries, only_sql, alphasort);
	if (count < 0) {
		admin_fail("could not list %s: %s", dir, strerror(errno));
		return false;
	}
	for (int i = 0; i < count; i++) {
		if (ok)
			ok = apply_file(admin, scope, dir, entries[i]->d_name, prepare_sql);
		free(entries[i]);
	}
	free(entries);
	return ok;
}


bool
migrate_lock(struct admin *admin)
{
	return admin_exec(admin, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")", 0, NULL);
}


void
migrate_unlock(struct admin *admin)
{
	PQclear(PQexec(admin->db, "SELECT pg_advisory_unlock(" MIGRATION_LOCK_KEY ")"));
}


bool
migrate_meta(struct admin *admin)
{
	return admin_exec(admin, bootstrap_sql, 0, NULL) &&
	    apply_dir(admin, "meta", "meta", "SET LOCAL search_path TO perfimmo_meta, perfimmo_ext");
}


bool
migrate_tenant(struct admin *admin, const struct tenant *tenant)
{
	char prepare[256];

	snprintf(prepare, sizeof(prepare),
	    "SET LOCAL search_path TO \"%s\", perfimmo_ext; SET LOCAL perfimmo.tenant_role TO \"%s\"",
	    tenant->schema, tenant->role);
	return apply_dir(admin, tenant->name, "tenant", prepare);
}


static bool
migrate_all_tenants(struct admin *admin)
{
	PGresult *result = admin_query(admin, "SELECT name FROM perfimmo_meta.tenants ORDER BY name", 0, NULL);
	bool ok = result != NULL;

	for (int i = 0; ok && i < PQntuples(result); i++) {
		struct tenant tenant;
		if (admin_find_tenant(admin, PQgetvalue(result, i, 0), &tenant))
			ok = migrate_tenant(admin, &tenant);
		else
			ok = false;
	}
	PQclear(result);
	return ok;
}


/*
 * Runs `migrate [--all-tenants | --tenant NAME]`: every tenant unless one
 * is named.  A second run waits for the lock of the first, then finds its
 * files recorded and applies nothing twice.
 */
int
migrate_command(struct admin *admin, int argc, char **argv)
{
	const char *only = admin_option(argc, argv, "--tenant");
	bool all = admin_has_flag(argc, argv, "--all-tenants");
	struct tenant tenant;
	bool ok;

	if (only == NULL && admin_has_flag(argc, argv, "--tenant"))
		return admin_fail("usage: migrate [--all-tenants | --tenant NAME]: --tenant needs a name"), 2;
	if (all && only != NULL)
		return admin_fail("usage: migrate [--all-tenants | --tenant NAME]: "
		    "--all-tenants and --tenant exclude each other"), 2;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--all-tenants") == 0)
			continue;
		if (strcmp(argv[i], "--tenant") == 0 && i + 1 < argc) {
			i++;
			continue;
		}
		return admin_fail("usage: migrate [--all-tenants | --tenant NAME]: unknown argument %.80s",
		    argv[i]), 2;
	}

	if (!migrate_lock(admin))
		return 1;

	ok = migrate_meta(admin);
	if (ok && only != NULL)
		ok = admin_find_tenant(admin, only, &tenant) && migrate_tenant(admin, &tenant);
	else if (ok)
		ok = migrate_all_tenants(admin);

	migrate_unlock(admin);
	return ok ? 0 : 1;
}
