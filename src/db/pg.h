/*
 * The process's PostgreSQL connection.  Each worker keeps one connection,
 * opened on first use and dropped after a connection failure so that the
 * next request reconnects; statements are always parameterised.  The few
 * statements of every request (credentials, generation) are named
 * statements, prepared once per connection: see pg_query_prepared().
 * Results returned to callers are theirs to PQclear.
 */
#ifndef PERFIMMO_PG_H
#define PERFIMMO_PG_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "common/error.h"

/* Remembers how to connect; does not connect yet. */
void pg_setup(const char *conninfo, const char *application_name,
    int statement_timeout_ms);

/* Returns the open connection, connecting first if needed; NULL with ERR (503). */
PGconn *pg_connection(struct error *err);

/* Closes the connection, if any. */
void pg_close(void);

/*
 * Runs SQL with NPARAMS text parameters and checks the result status is
 * EXPECT.  Returns the result (caller clears it) or NULL with ERR set by
 * pg_map_error.
 */
PGresult *pg_query(const char *sql, int nparams, const char *const *values,
    ExecStatusType expect, struct error *err);

/*
 * Statement run at nearly every request, prepared under NAME once per
 * connection (in the round trip of its first execution) instead of being
 * parsed and planned at each call.  PostgreSQL parses it again when the
 * search_path differs from its last use or a table it reads changed, and
 * checks the current role's privileges at each execution (PREPARE in its
 * manual), so one statement serves every tenant.  Declare it static with
 * prepared_on 0.
 */
struct pg_statement {
	const char *name;
	const char *sql;
	unsigned long prepared_on;	/* the connection it was prepared on */
};

/* Like pg_query, for a named statement (see struct pg_statement). */
PGresult *pg_query_prepared(struct pg_statement *statement, int nparams,
    const char *const *values, ExecStatusType expect, struct error *err);

/*
 * Sends STATEMENT, which has no parameters and may be read a little early,
 * along with the next statement of this request (pipeline mode: one round
 * trip for both), then hands its result to the pg_query_prepared of the
 * same STATEMENT.  Dropped, unused, when the request ends.
 */
void pg_prefetch(struct pg_statement *statement);

/*
 * One statement of pg_pipeline: the named STATEMENT, or SQL when STATEMENT
 * is NULL, with NPARAMS text parameters VALUES.
 */
struct pg_pipelined {
	struct pg_statement *statement;
	const char *sql;
	int nparams;
	const char *const *values;
};

/* Maximum number of statements in one pg_pipeline call. */
#define PG_PIPELINE_MAX 8

/*
 * Sends the COUNT statements in one round trip (libpq pipeline mode) and
 * fills RESULTS[i] with the result of statement i; the caller clears them
 * all.  After a statement fails, PostgreSQL skips the rest
 * (PGRES_PIPELINE_ABORTED), so pg_pipeline_check reports the first
 * failure.  Returns false with ERR, and no result, when the statements
 * could not be sent or their results not read (a lost connection).  Like
 * pg_query, it reconnects once when an idle connection is found dead.
 */
bool pg_pipeline(const struct pg_pipelined *statements, int count, PGresult **results,
    struct error *err);

/* True when RESULT has the status EXPECT, else fills ERR like pg_query. */
bool pg_pipeline_check(PGresult *result, ExecStatusType expect, struct error *err);

/* Like pg_query for statements whose result is not needed. */
bool pg_exec(const char *sql, int nparams, const char *const *values,
    struct error *err);

/*
 * Fills ERR from a failed result (RESULT may be NULL after a lost
 * connection): connection loss, shutdown, time-outs, lack of resources,
 * serialisation failures and deadlocks are 503 ServiceUnavailable,
 * anything else 500 InternalError.  Drops the connection when it is dead.
 */
bool pg_map_error(PGresult *result, struct error *err);

/* True when the last failed statement of pg_query ended with SQLSTATE STATE. */
bool pg_last_sqlstate_is(const char *state);

/* Returns the SQLSTATE of RESULT, or "" when it has none. */
const char *pg_sqlstate(const PGresult *result);

/*
 * A function run before each statement of pg_query, pg_query_prepared,
 * pg_exec and pg_pipeline: STATEMENT is the named statement about to run
 * (NULL for plain SQL and for pipelines) with its NPARAMS VALUES.  It may
 * run statements of its own, which do not call it again.  When it returns
 * false with ERR set, the statement is not sent and fails with ERR.  A
 * journal batch uses it to send its deferred appends first.
 */
typedef bool (*pg_before_statement)(const struct pg_statement *statement, int nparams,
    const char *const *values, struct error *err);

/* Sets the function run before each statement; NULL removes it. */
void pg_set_before_statement(pg_before_statement hook);

/*
 * Switches to the tenant's own database role and schema for one request,
 * and back.  The tenant's role is the only one with rights on its schema,
 * so a query of this request cannot reach another tenant.  The switch is
 * made lazily by pg_query, right before each statement, and only when the
 * connection is not already there: between requests the connection keeps
 * the last tenant's role.  So every statement must go through pg_query
 * (pg_connection() is only for ending a transaction).
 */
bool pg_enter_tenant(const char *role, const char *schema, struct error *err);
void pg_leave_tenant(void);

#endif
