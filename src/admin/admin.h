/*
 * Shared pieces of perfimmo-admin.  The admin tool connects as the owner
 * role (admin_database), prints results on stdout and errors on stderr,
 * and exits 0 on success, 1 on failure, 2 on a usage error.
 */
#ifndef PERFIMMO_ADMIN_H
#define PERFIMMO_ADMIN_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "common/config.h"
#include "db/tenant.h"

struct admin {
	struct config config;
	PGconn *db;
};

/* Prints "perfimmo-admin: MESSAGE" on stderr; returns 1 for `return admin_fail(...)`. */
int admin_fail(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Runs SQL with text parameters; on failure prints the server's message and returns NULL. */
PGresult *admin_query(struct admin *admin, const char *sql, int nparams,
    const char *const *values);

/* Like admin_query for statements without rows. */
bool admin_exec(struct admin *admin, const char *sql, int nparams,
    const char *const *values);

/* Looks a tenant up in the meta schema; prints an error when it does not exist. */
bool admin_find_tenant(struct admin *admin, const char *name, struct tenant *tenant);

/* Sets the session to act inside TENANT's schema (owner role kept). */
bool admin_use_tenant(struct admin *admin, const struct tenant *tenant);

/*
 * Begins a transaction that first raises the generation of the tenant in
 * search_path (admin_use_tenant), as every change to credentials, API keys
 * and session secrets must; *GENERATION gets the new value.  Prints the
 * error and rolls back on failure.
 */
bool admin_begin_raise(struct admin *admin, long long *generation);

/*
 * Commits the transaction of admin_begin_raise, then raises TENANT's
 * generation mirror in Redis to GENERATION.  A Redis failure only prints a
 * warning: the mirror's TTL bounds how long readers lag.
 */
bool admin_commit_raise(struct admin *admin, const struct tenant *tenant, long long generation);

/* Rolls back the open transaction, if any. */
void admin_rollback(struct admin *admin);

/* Returns the value following OPTION in ARGV, or NULL. */
const char *admin_option(int argc, char **argv, const char *option);

/* True when ARGV contains FLAG. */
bool admin_has_flag(int argc, char **argv, const char *flag);

int migrate_command(struct admin *admin, int argc, char **argv);
bool migrate_meta(struct admin *admin);

/*
 * Takes and releases the session-level advisory lock that makes
 * migrations of two hosts, or of a migrate and a tenant create, run one
 * after the other.
 */
bool migrate_lock(struct admin *admin);
void migrate_unlock(struct admin *admin);
bool migrate_tenant(struct admin *admin, const struct tenant *tenant);
int tenant_command(struct admin *admin, int argc, char **argv);
int secret_command(struct admin *admin, int argc, char **argv);
int users_command(struct admin *admin, const char *noun, int argc, char **argv);
int rebuild_command(struct admin *admin, int argc, char **argv);

/*
 * Projects every event after position AFTER, up to the journal's end when
 * called, in their current shapes, into the tables that search_path finds
 * first.  *LAST gets the last position replayed, or AFTER when none was.
 */
bool rebuild_replay(struct admin *admin, const char *after, char last[24]);
int import_command(struct admin *admin, int argc, char **argv);
int maintenance_command(struct admin *admin, int argc, char **argv);

/*
 * Suspends the writes of TENANT with RETRY_AFTER seconds in Retry-After,
 * then waits for the commands in flight to end.
 */
bool admin_maintenance_on(struct admin *admin, const struct tenant *tenant, int retry_after);
bool admin_maintenance_off(struct admin *admin, const struct tenant *tenant);
bool admin_maintenance_is_on(struct admin *admin, const struct tenant *tenant, bool *on);

#endif
