/* One PostgreSQL connection per process, with reconnection. */
#include <stdio.h>
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
static const char *prefetch_sql;
static const char *prefetched_sql;
static PGresult *prefetched;
/* Whether this process had a connection before: the next one is a reconnect. */
static bool connected_before;


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
	prefetch_sql = NULL;
	prefetched_sql = NULL;
}


void
pg_prefetch(const char *sql)
{
	drop_prefetch();
	prefetch_sql = sql;
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

	snprintf(options, sizeof(options), "-c statement_timeout=%d",
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
	if (connected_before)
		metrics_count(METRICS_POSTGRESQL_RECONNECTS);
	connected_before = true;
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


/*
 * Runs SQL, and the statement given to pg_prefetch() if any, in one round
 * trip (libpq pipeline mode).  Its result is kept for the pg_query of the
 * same statement.  A prefetched statement that failed is dropped, so that
 * pg_query runs it again and reports its own error.
 */
static PGresult *
exec_with_prefetch(const char *sql, int nparams, const char *const *values)
{
	const char *other = prefetch_sql;
	PGresult *result, *sync;
	bool clean;

	if (other == NULL || PQtransactionStatus(connection) != PQTRANS_IDLE)
		return PQexecParams(connection, sql, nparams, NULL, values, NULL, NULL, 0);
	drop_prefetch();

	if (PQenterPipelineMode(connection) != 1)
		return PQexecParams(connection, sql, nparams, NULL, values, NULL, NULL, 0);
	if (PQsendQueryParams(connection, sql, nparams, NULL, values, NULL, NULL, 0) != 1 ||
	    PQsendQueryParams(connection, other, 0, NULL, NULL, NULL, NULL, 0) != 1 ||
	    PQpipelineSync(connection) != 1) {
		pg_close();
		return NULL;
	}
	result = take_result();
	prefetched = take_result();
	sync = PQgetResult(connection);
	clean = sync != NULL && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
	PQclear(sync);
	if (!clean || PQexitPipelineMode(connection) != 1) {
		PQclear(result);
		pg_close();
		return NULL;
	}
	if (prefetched != NULL && PQresultStatus(prefetched) == PGRES_TUPLES_OK)
		prefetched_sql = other;
	else
		drop_prefetch();
	return result;
}


/* The prefetched result of SQL, if it is there; the caller clears it. */
static PGresult *
take_prefetched(const char *sql, int nparams)
{
	PGresult *result;

	if (prefetched_sql == NULL || nparams != 0 || strcmp(sql, prefetched_sql) != 0)
		return NULL;
	result = prefetched;
	prefetched = NULL;
	prefetched_sql = NULL;
	return result;
}


/*
 * A connection the server closed while idle (restart, pg_terminate_backend)
 * is only noticed by the next statement.  Outside a transaction nothing was
 * half done, so the statement is sent once more on a new connection, with
 * the request's tenant role set again.
 */
PGresult *
pg_query(const char *sql, int nparams, const char *const *values,
    ExecStatusType expect, struct error *err)
{
	PGresult *result = take_prefetched(sql, nparams);
	bool idle, lost;

	if (result != NULL && PQresultStatus(result) == expect)
		return result;
	PQclear(result);
	result = NULL;

	for (int attempt = 0; attempt < 2; attempt++) {
		if (pg_connection(err) == NULL)
			return NULL;
		last_sqlstate[0] = '\0';
		idle = PQtransactionStatus(connection) == PQTRANS_IDLE;
		if (!sync_role(idle && attempt == 0, &lost, err)) {
			if (lost) {
				log_warn("PostgreSQL connection lost while idle: reconnecting once");
				continue;
			}
			return NULL;
		}
		result = exec_with_prefetch(sql, nparams, values);
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
