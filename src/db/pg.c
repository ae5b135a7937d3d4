/* One PostgreSQL connection per process, with reconnection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "metrics/metrics.h"
#include "pg.h"

static PGconn *connection;
static char saved_conninfo[1024];
static char saved_application[64];
static int saved_statement_timeout_ms;
static char last_sqlstate[6];
static char entered_role[64];		/* tenant role of the request, "" between requests */
static char entered_schema[64];
/* Role and schema set on the connection now: see sync_role(). */
static char applied_role[64];
static char applied_schema[64];
/* See pg_prefetch(): waiting to be sent, then sent with its result kept. */
static struct pg_statement *prefetch_statement;
static struct pg_statement *prefetched_statement;
static PGresult *prefetched;
/*
 * Number of connections opened by this process.  A statement prepared on
 * connection N records N, so after a reconnection it is prepared again.
 */
static unsigned long connection_serial;
/* See pg_set_before_statement(); NULL while it runs, so that its own statements skip it. */
static pg_before_statement before_statement;


void
pg_setup(const char *conninfo, const char *application_name,
    int statement_timeout_ms)
{
	snprintf(saved_conninfo, sizeof(saved_conninfo), "%s", conninfo);
	snprintf(saved_application, sizeof(saved_application), "%s", application_name);
	saved_statement_timeout_ms = statement_timeout_ms;
}


static void
drop_prefetch(void)
{
	PQclear(prefetched);
	prefetched = NULL;
	prefetch_statement = NULL;
	prefetched_statement = NULL;
}


void
pg_prefetch(struct pg_statement *statement)
{
	drop_prefetch();
	prefetch_statement = statement;
}


void
pg_close(void)
{
	drop_prefetch();
	if (connection != NULL) {
		PQfinish(connection);
		connection = NULL;
	}
	/* A new connection starts with the login role and the default path. */
	applied_role[0] = '\0';
	applied_schema[0] = '\0';
}


static bool
unavailable(struct error *err, const char *reason)
{
	log_error("PostgreSQL unavailable: %s", reason);
	pg_close();
	return error_set(err, ERR_SERVICE_UNAVAILABLE,
	    "base de données indisponible, réessayez plus tard",
	    "database unavailable, retry later");
}


PGconn *
pg_connection(struct error *err)
{
	char options[64];
	const char *keys[] = {"dbname", "application_name", "options", "connect_timeout", NULL};
	const char *values[5];

	if (connection != NULL && PQstatus(connection) == CONNECTION_OK)
		return connection;
	pg_close();

	/*
	 * jit=off: the ticket list statement summed from ticket_counts runs in
	 * 7 ms, but its planner estimate (its rarely run sub-selects counted
	 * for every location) passes jit_above_cost, and compiling it took 80
	 * to 900 ms (PostgreSQL 15, tests/bench/explain_tickets.sql on 100 000
	 * tickets).  No statement of that file ran faster with JIT.
	 */
	snprintf(options, sizeof(options), "-c statement_timeout=%d -c jit=off",
	    saved_statement_timeout_ms);
	values[0] = saved_conninfo;
	values[1] = saved_application;
	values[2] = options;
	values[3] = "5";
	values[4] = NULL;

	connection = PQconnectdbParams(keys, values, 1);
	if (connection == NULL || PQstatus(connection) != CONNECTION_OK) {
		char reason[256];
		snprintf(reason, sizeof(reason), "%s",
		    connection != NULL ? PQerrorMessage(connection) : "out of memory");
		reason[strcspn(reason, "\n")] = '\0';
		metrics_count(METRICS_POSTGRESQL_CONNECT_FAILURES);
		unavailable(err, reason);
		return NULL;
	}
	/* Every connection after the process's first one is a reconnect. */
	if (connection_serial > 0)
		metrics_count(METRICS_POSTGRESQL_RECONNECTS);
	connection_serial++;
	log_debug("connected to PostgreSQL");
	return connection;
}


const char *
pg_sqlstate(const PGresult *result)
{
	const char *state = result != NULL ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : NULL;

	return state != NULL ? state : "";
}


/* SQLSTATE classes that mean "try again later", not "we have a bug". */
static bool
is_transient(const char *state)
{
	return strncmp(state, "08", 2) == 0 ||	/* connection exception */
	    strncmp(state, "53", 2) == 0 ||	/* insufficient resources */
	    strncmp(state, "57", 2) == 0 ||	/* operator intervention, time-outs */
	    strcmp(state, "40001") == 0 ||	/* serialization failure */
	    strcmp(state, "40P01") == 0 ||	/* deadlock detected */
	    strcmp(state, "55P03") == 0 ||	/* lock not available */
	    strcmp(state, "25P03") == 0;	/* idle in transaction time-out */
}


bool
pg_map_error(PGresult *result, struct error *err)
{
	const char *state = pg_sqlstate(result);
	const char *message = result != NULL ? PQresultErrorMessage(result) : "";
	char reason[256];

	snprintf(last_sqlstate, sizeof(last_sqlstate), "%s", state);
	snprintf(reason, sizeof(reason), "%s", *message != '\0' ? message :
	    (connection != NULL ? PQerrorMessage(connection) : "no connection"));
	reason[strcspn(reason, "\n")] = '\0';

	if (connection == NULL || PQstatus(connection) != CONNECTION_OK)
		return unavailable(err, reason);
	if (is_transient(state)) {
		log_warn("PostgreSQL transient failure %s: %s", state, reason);
		return error_set(err, ERR_SERVICE_UNAVAILABLE,
		    "base de données momentanément indisponible, réessayez",
		    "database temporarily unavailable, retry");
	}
	/* A unique violation is a conflict the caller resolves, not a fault. */
	if (strcmp(state, "23505") == 0)
		log_warn("PostgreSQL conflict %s: %s", state, reason);
	else
		log_error("PostgreSQL error %s: %s", state, reason);
	return error_set(err, ERR_INTERNAL, "erreur interne", "internal error");
}


bool
pg_last_sqlstate_is(const char *state)
{
	return strcmp(last_sqlstate, state) == 0;
}


/*
 * Brings the connection to the request's role and search_path right before
 * a statement.  Between requests the connection keeps the role of the last
 * tenant it served instead of resetting it.  A worker that serves the same
 * tenant again so spends no round trip on SET ROLE nor on RESET, which were
 * two of the four PostgreSQL round trips of a cached GET.  Every
 * statement of the API goes through pg_query and so through here first:
 * none runs under another request's role, and statements outside a tenant
 * (tenant lookup, health) reset the role before they run.
 *
 * The SETs are only sent outside a transaction, so that they are committed
 * at once: a rollback later in the request cannot bring back a previous
 * tenant's role behind applied_role's back.  When they fail, the
 * connection is closed, which resets the role for sure.
 *
 * With MAY_RETRY, a connection found dead is only closed, LOST is set and
 * ERR left alone, so that the caller can try once more on a new one.
 */
static bool
sync_role(bool may_retry, bool *lost, struct error *err)
{
	char sql[256];
	PGresult *result;

	*lost = false;
	if (strcmp(applied_role, entered_role) == 0 && strcmp(applied_schema, entered_schema) == 0)
		return true;
	if (PQtransactionStatus(connection) != PQTRANS_IDLE) {
		log_error("tenant role change to '%s' requested inside a transaction", entered_role);
		return error_set(err, ERR_INTERNAL, "erreur interne", "internal error");
	}

	/* Names come from the tenant table and match ^[a-z][a-z0-9_]*$; quoted anyway. */
	if (entered_role[0] != '\0')
		snprintf(sql, sizeof(sql), "SET ROLE \"%s\"; SET search_path TO \"%s\", perfimmo_ext",
		    entered_role, entered_schema);
	else
		snprintf(sql, sizeof(sql), "RESET ROLE; RESET search_path");
	result = PQexec(connection, sql);
	if (result != NULL && PQresultStatus(result) == PGRES_COMMAND_OK) {
		PQclear(result);
		snprintf(applied_role, sizeof(applied_role), "%s", entered_role);
		snprintf(applied_schema, sizeof(applied_schema), "%s", entered_schema);
		return true;
	}
	*lost = may_retry && PQstatus(connection) == CONNECTION_BAD;
	if (!*lost)
		pg_map_error(result, err);
	PQclear(result);
	pg_close();
	return false;
}


/* The first result of the next statement of a pipeline; reads up to its end. */
static PGresult *
take_result(void)
{
	PGresult *first = PQgetResult(connection), *extra;

	for (int i = 0; first != NULL && i < 16; i++) {
		extra = PQgetResult(connection);
		if (extra == NULL)
			break;
		PQclear(extra);
	}
	return first;
}


/* One statement of a pipeline: named (STATEMENT) or plain SQL. */
struct step {
	struct pg_statement *statement;
	const char *sql;
	int nparams;
	const char *const *values;
	bool preparing;		/* its Parse goes first in the pipeline */
};


static bool
is_prepared(const struct pg_statement *statement)
{
	return statement->prepared_on == connection_serial;
}


/* Queues STEP, preceded by the preparation of its statement when this connection lacks it. */
static bool
send_step(struct step *step)
{
	struct pg_statement *statement = step->statement;

	if (statement == NULL)
		return PQsendQueryParams(connection, step->sql, step->nparams, NULL,
		    step->values, NULL, NULL, 0) == 1;
	step->preparing = !is_prepared(statement);
	if (step->preparing &&
	    PQsendPrepare(connection, statement->name, statement->sql, step->nparams, NULL) != 1)
		return false;
	return PQsendQueryPrepared(connection, statement->name, step->nparams, step->values,
	    NULL, NULL, 0) == 1;
}


/*
 * Reads the result of STEP.  A failed preparation aborts the rest of the
 * pipeline, so its result, which names the error, is returned instead.
 */
static PGresult *
take_step_result(const struct step *step)
{
	PGresult *prepared, *result;

	if (!step->preparing)
		return take_result();
	prepared = take_result();
	result = take_result();
	if (prepared != NULL && PQresultStatus(prepared) == PGRES_COMMAND_OK) {
		step->statement->prepared_on = connection_serial;
		PQclear(prepared);
		return result;
	}
	PQclear(result);
	return prepared;
}


/*
 * Runs the COUNT steps in one round trip (libpq pipeline mode) and stores
 * their results in RESULTS.  False, with the connection closed, when the
 * pipeline could not be sent or read to its end.
 */
static bool
run_pipeline(struct step *steps, int count, PGresult **results)
{
	PGresult *sync;
	bool clean;

	if (PQenterPipelineMode(connection) != 1) {
		pg_close();
		return false;
	}
	for (int i = 0; i < count; i++)
		if (!send_step(&steps[i])) {
			pg_close();
			return false;
		}
	if (PQpipelineSync(connection) != 1) {
		pg_close();
		return false;
	}
	for (int i = 0; i < count; i++)
		results[i] = take_step_result(&steps[i]);
	sync = PQgetResult(connection);
	clean = sync != NULL && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
	PQclear(sync);
	if (!clean || PQexitPipelineMode(connection) != 1) {
		for (int i = 0; i < count; i++)
			PQclear(results[i]);
		pg_close();
		return false;
	}
	return true;
}


/*
 * Runs one statement, in one round trip with the statement of pg_prefetch()
 * and with the preparation of a named statement new to this connection.
 * A prefetched result is kept for the pg_query of its statement. A failed
 * one is dropped, so that pg_query runs it again and reports its own error.
 */
static PGresult *
execute(struct pg_statement *statement, const char *sql, int nparams,
    const char *const *values)
{
	struct step steps[2] = {{statement, sql, nparams, values, false}, {0}};
	PGresult *results[2] = {NULL, NULL};
	int count = 1;

	if (prefetch_statement != NULL && PQtransactionStatus(connection) == PQTRANS_IDLE) {
		steps[1].statement = prefetch_statement;
		count = 2;
	}
	if (count == 1 && statement == NULL)
		return PQexecParams(connection, sql, nparams, NULL, values, NULL, NULL, 0);
	if (count == 1 && is_prepared(statement))
		return PQexecPrepared(connection, statement->name, nparams, values, NULL, NULL, 0);

	if (count == 2) {
		prefetched_statement = prefetch_statement;
		prefetch_statement = NULL;
	}
	if (!run_pipeline(steps, count, results)) {
		drop_prefetch();
		return NULL;
	}
	if (count == 2) {
		prefetched = results[1];
		if (prefetched == NULL || PQresultStatus(prefetched) != PGRES_TUPLES_OK)
			drop_prefetch();
	}
	return results[0];
}


/* The prefetched result of STATEMENT, if it is there; the caller clears it. */
static PGresult *
take_prefetched(const struct pg_statement *statement, int nparams)
{
	PGresult *result;

	if (statement == NULL || prefetched_statement != statement || nparams != 0)
		return NULL;
	result = prefetched;
	prefetched = NULL;
	prefetched_statement = NULL;
	return result;
}


/* Outcome of start_attempt(). */
enum attempt_start {
	ATTEMPT_RUN,		/* connected, role set: send the statements */
	ATTEMPT_AGAIN,		/* the idle link was lost: reconnect and start over */
	ATTEMPT_FAILED		/* ERR is set */
};


/*
 * Connects and sets the request's role and schema before attempt ATTEMPT
 * (0 or 1) of a statement.  *IDLE is true when no transaction was open, so
 * the first attempt may be sent again on a new connection.
 */
static enum attempt_start
start_attempt(int attempt, bool *idle, struct error *err)
{
	bool lost;

	if (pg_connection(err) == NULL)
		return ATTEMPT_FAILED;
	last_sqlstate[0] = '\0';
	*idle = PQtransactionStatus(connection) == PQTRANS_IDLE;
	if (sync_role(*idle && attempt == 0, &lost, err))
		return ATTEMPT_RUN;
	if (!lost)
		return ATTEMPT_FAILED;
	log_warn("PostgreSQL connection lost while idle: reconnecting once");
	return ATTEMPT_AGAIN;
}


void
pg_set_before_statement(pg_before_statement hook)
{
	before_statement = hook;
}


static bool
run_before_statement(const struct pg_statement *statement, int nparams,
    const char *const *values, struct error *err)
{
	pg_before_statement hook = before_statement;
	bool ok;

	if (hook == NULL)
		return true;
	before_statement = NULL;
	ok = hook(statement, nparams, values, err);
	before_statement = hook;
	return ok;
}


/*
 * A connection the server closed while idle (restart, pg_terminate_backend)
 * is only noticed by the next statement.  Outside a transaction nothing was
 * half done, so the statement is sent once more on a new connection, with
 * the request's tenant role set again.
 */
static PGresult *
query(struct pg_statement *statement, const char *sql, int nparams,
    const char *const *values, ExecStatusType expect, struct error *err)
{
	PGresult *result = take_prefetched(statement, nparams);
	enum attempt_start start;
	bool idle;

	if (result != NULL && PQresultStatus(result) == expect)
		return result;
	PQclear(result);
	result = NULL;
	if (!run_before_statement(statement, nparams, values, err))
		return NULL;

	for (int attempt = 0; attempt < 2; attempt++) {
		start = start_attempt(attempt, &idle, err);
		if (start == ATTEMPT_FAILED)
			return NULL;
		if (start == ATTEMPT_AGAIN)
			continue;
		result = execute(statement, sql, nparams, values);
		if (idle && attempt == 0 && PQstatus(connection) == CONNECTION_BAD) {
			PQclear(result);
			result = NULL;
			log_warn("PostgreSQL connection lost while idle: reconnecting once");
			pg_close();
			continue;
		}
		break;
	}
	if (result != NULL && PQresultStatus(result) == expect)
		return result;

	pg_map_error(result, err);
	PQclear(result);
	return NULL;
}


PGresult *
pg_query(const char *sql, int nparams, const char *const *values,
    ExecStatusType expect, struct error *err)
{
	return query(NULL, sql, nparams, values, expect, err);
}


PGresult *
pg_query_prepared(struct pg_statement *statement, int nparams, const char *const *values,
    ExecStatusType expect, struct error *err)
{
	return query(statement, statement->sql, nparams, values, expect, err);
}


bool
pg_pipeline(const struct pg_pipelined *statements, int count, PGresult **results,
    struct error *err)
{
	struct step steps[PG_PIPELINE_MAX];
	enum attempt_start start;
	bool idle;

	if (count > PG_PIPELINE_MAX)
		abort();
	if (!run_before_statement(NULL, 0, NULL, err))
		return false;
	for (int attempt = 0; attempt < 2; attempt++) {
		for (int i = 0; i < count; i++) {
			steps[i] = (struct step){statements[i].statement, statements[i].sql,
			    statements[i].nparams, statements[i].values, false};
			results[i] = NULL;
		}
		start = start_attempt(attempt, &idle, err);
		if (start == ATTEMPT_FAILED)
			return false;
		if (start == ATTEMPT_AGAIN)
			continue;
		/* run_pipeline closes the connection when the link failed. */
		if (run_pipeline(steps, count, results))
			return true;
		for (int i = 0; i < count; i++)
			results[i] = NULL;
		if (idle && attempt == 0) {
			log_warn("PostgreSQL connection lost while idle: reconnecting once");
			continue;
		}
		break;
	}
	/* A failed run_pipeline has cleared the results it read. */
	for (int i = 0; i < count; i++)
		results[i] = NULL;
	pg_map_error(NULL, err);
	return false;
}


bool
pg_pipeline_check(PGresult *result, ExecStatusType expect, struct error *err)
{
	if (result != NULL && PQresultStatus(result) == expect)
		return true;
	pg_map_error(result, err);
	return false;
}


bool
pg_exec(const char *sql, int nparams, const char *const *values,
    struct error *err)
{
	PGresult *result = pg_query(sql, nparams, values, PGRES_COMMAND_OK, err);

	if (result == NULL)
		return false;
	PQclear(result);
	return true;
}


bool
pg_enter_tenant(const char *role, const char *schema, struct error *err)
{
	snprintf(entered_role, sizeof(entered_role), "%s", role);
	snprintf(entered_schema, sizeof(entered_schema), "%s", schema);

	/* The role itself is set by the request's first statement (sync_role). */
	return pg_connection(err) != NULL;
}


void
pg_leave_tenant(void)
{
	entered_role[0] = '\0';
	entered_schema[0] = '\0';
	drop_prefetch();

	if (connection == NULL || PQstatus(connection) != CONNECTION_OK)
		return;

	/* A handler that failed mid-transaction leaves it open: end it. */
	if (PQtransactionStatus(connection) != PQTRANS_IDLE)
		PQclear(PQexec(connection, "ROLLBACK"));
}
