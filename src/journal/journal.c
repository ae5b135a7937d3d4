/* Append, load and idempotency records of the event journal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "db/maintenance.h"
#include "db/pg.h"
#include "journal.h"
#include "journal_batch.h"
#include "journal_deferred.h"
#include "upcast.h"

/* True while a batch transaction is open: commands then use savepoints. */
static bool batch_open;

/*
 * The generation the open transaction raised the tenant's to, and the one
 * the last COMMIT made visible, until journal_take_committed_generation.
 * 0 when none.
 */
static long long locked_generation;
static long long committed_generation;

/*
 * The stream journal_begin_command read along with the command lock, kept
 * for the journal_load of the same stream until the transaction ends.
 */
static struct {
	char kind[24];
	char uid[37];
	PGresult *result;
} begun_stream;

/*
 * The statements of every command, prepared once per connection (see
 * struct pg_statement).  The lock statement also raises the generation and
 * reads the maintenance state (command_lock_take in
 * sql/tenant/011_maintenance.sql).
 */
static struct pg_statement lock_statement = {
	"perfimmo_command_lock",
	"SELECT generation, maintenance_retry_after FROM command_lock_take()", 0
};
static struct pg_statement processed_statement = {
	"perfimmo_processed",
	"SELECT coalesce(user_uid::text, ''), events::text"
	"  FROM processed_commands WHERE process_uid = $1", 0
};
static struct pg_statement stream_statement = {
	"perfimmo_stream",
	"SELECT payload::text, version, schema_version FROM events"
	" WHERE aggregate_type = $1 AND aggregate_uid = $2 ORDER BY version", 0
};
static struct pg_statement append_statement = {
	"perfimmo_append",
	"SELECT event_position, event_payload  FROM journal_append($1, $2, $3, $4, $5, $6)", 0
};
static struct pg_statement structure_statement = {
	"perfimmo_structure", "SELECT structure_generation FROM command_lock", 0
};
static struct pg_statement ticket_lock_statement = {
	"perfimmo_ticket_lock", "SELECT command_lock_take_for_ticket($1)", 0
};
/* Reads back the generation that command_lock_take_for_ticket raised, in its transaction. */
static struct pg_statement generation_statement = {
	"perfimmo_generation", "SELECT generation FROM command_lock", 0
};

/*
 * The structure_generation that journal_begin_unlocked_command read, as
 * text, while such a command is under way; empty when the command holds
 * the lock from its start.
 */
static char unlocked_structure[24];


static void
forget_begun_stream(void)
{
	PQclear(begun_stream.result);
	begun_stream.result = NULL;
}


/* The result of journal_begin_command's read of KIND/UID, once; NULL for another stream. */
static PGresult *
take_begun_stream(const char *kind, const char *uid)
{
	PGresult *result = begun_stream.result;

	if (result == NULL || strcmp(begun_stream.kind, kind) != 0 || strcmp(begun_stream.uid, uid) != 0)
		return NULL;
	begun_stream.result = NULL;
	return result;
}


/* Keeps the generation that RESULT, from the lock statement, raised the tenant's to. */
static void
note_locked_generation(PGresult *result)
{
	locked_generation = PQntuples(result) == 1 ? atoll(PQgetvalue(result, 0, 0)) : 0;
}


/* The open transaction committed: its generation is now the tenant's. */
static void
note_committed(void)
{
	committed_generation = locked_generation;
	locked_generation = 0;
}


/* Rejects the command with 503 when RESULT, from the lock statement, shows the tenant under maintenance. */
static bool
check_maintenance(PGresult *result, struct error *err)
{
	if (PQntuples(result) != 1 || PQgetisnull(result, 0, 1))
		return true;
	return maintenance_refuse(err, atoi(PQgetvalue(result, 0, 1)));
}


/*
 * Reports a command cancelled (SQLSTATE 57014, statement_timeout) while it
 * waited for the command lock.  The database is up and another holder,
 * such as an import batch, is the cause, so the generic "database
 * temporarily unavailable" would mislead the client.
 */
static bool
command_lock_timed_out(struct error *err)
{
	return error_set(err, ERR_SERVICE_UNAVAILABLE,
	    "délai dépassé en attendant le verrou des commandes de ce tenant, tenu par une autre "
	    "opération (un import, par exemple) : réessayez",
	    "timed out waiting for this tenant's command lock, which another operation "
	    "(an import, for example) holds: retry");
}


/* Checks the result of a statement taking the command lock, naming the lock when its wait timed out. */
static bool
check_lock_result(PGresult *result, struct error *err)
{
	if (pg_pipeline_check(result, PGRES_TUPLES_OK, err))
		return true;
	if (pg_last_sqlstate_is("57014"))
		command_lock_timed_out(err);
	return false;
}


/*
 * Raises the generation and takes the command lock, inside the open
 * transaction; rejects the command with 503 when the tenant went under maintenance.
 */
static bool
take_command_lock(struct error *err)
{
	PGresult *result;
	bool ok;

	/*
	 * Commands of one tenant run one at a time: positions commit in order.
	 * The same statement raises the tenant's generation, which only counts
	 * if the command commits, and reads the maintenance state once the
	 * lock is held (command_lock_take in sql/tenant/011_maintenance.sql).
	 */
	result = pg_query_prepared(&lock_statement, 0, NULL, PGRES_TUPLES_OK, err);
	if (result == NULL && pg_last_sqlstate_is("57014"))
		return command_lock_timed_out(err);
	if (result == NULL)
		return false;
	note_locked_generation(result);
	ok = check_maintenance(result, err);
	PQclear(result);
	return ok;
}


bool
journal_begin(struct error *err)
{
	/* In a batch the savepoint goes with the append (batch_append): reads need none. */
	if (batch_open)
		return true;

	if (!pg_exec("BEGIN", 0, NULL, err))
		return false;
	if (!take_command_lock(err)) {
		journal_rollback();
		return false;
	}
	return true;
}


/*
 * Reports a failed COMMIT.  It may or may not have taken effect: never
 * report success, and never 500 (which promises nothing was stored).  A
 * retry with the same processUid shows the client which it was.
 */
static bool
commit_outcome_unknown(struct error *err)
{
	log_error("commit failed: outcome of the command unknown");
	journal_rollback();
	return error_set(err, ERR_SERVICE_UNAVAILABLE,
	    "issue de la commande inconnue : renvoyez-la avec le même processUid",
	    "outcome of the command unknown: send it again with the same processUid");
}


bool
journal_commit(struct error *err)
{
	if (batch_open)
		return true;
	forget_begun_stream();
	if (pg_exec("COMMIT", 0, NULL, err)) {
		note_committed();
		return true;
	}
	return commit_outcome_unknown(err);
}


bool
journal_take_committed_generation(long long *generation)
{
	*generation = committed_generation;
	committed_generation = 0;
	return *generation > 0;
}


void
journal_rollback(void)
{
	struct error ignored;
	PGconn *conn = pg_connection(&ignored);

	if (batch_open) {
		batch_undo_command();
		return;
	}
	locked_generation = 0;
	forget_begun_stream();
	unlocked_structure[0] = '\0';
	if (conn != NULL && PQtransactionStatus(conn) != PQTRANS_IDLE)
		PQclear(PQexec(conn, "ROLLBACK"));
}


bool
journal_batch_begin(struct error *err)
{
	if (!pg_exec("BEGIN", 0, NULL, err))
		return false;
	if (!take_command_lock(err) || !batch_start(err)) {
		journal_batch_rollback();
		return false;
	}
	batch_open = true;
	return true;
}


bool
journal_batch_begin_deferred(struct error *err)
{
	if (!journal_batch_begin(err))
		return false;
	deferred_start(&stream_statement);
	return true;
}


bool
journal_batch_deferred_failed(void)
{
	return deferred_failed();
}


bool
journal_batch_usable(void)
{
	struct error ignored;
	PGconn *conn = pg_connection(&ignored);

	return batch_open && conn != NULL && PQtransactionStatus(conn) == PQTRANS_INTRANS;
}


bool
journal_batch_commit(struct error *err)
{
	bool committed;

	/* Deferred appends that fail leave nothing to commit. */
	if (!deferred_send(err)) {
		journal_batch_rollback();
		return false;
	}
	batch_open = false;
	committed = journal_commit(err);

	/* Kept streams outlive a commit, but not a COMMIT whose outcome is unknown. */
	if (committed)
		batch_end();
	else
		batch_forget();
	return committed;
}


void
journal_batch_rollback(void)
{
	batch_open = false;
	batch_forget();
	journal_rollback();
}


unsigned long
journal_batch_epoch(void)
{
	return batch_open ? batch_epoch() : 0;
}


bool
journal_group_mark(struct error *err)
{
	return pg_exec("SAVEPOINT line", 0, NULL, err);
}


bool
journal_group_keep(struct error *err)
{
	return pg_exec("RELEASE SAVEPOINT line", 0, NULL, err);
}


bool
journal_group_undo(struct error *err)
{
	batch_forget_streams();
	return pg_exec("ROLLBACK TO SAVEPOINT line", 0, NULL, err) &&
	    pg_exec("RELEASE SAVEPOINT line", 0, NULL, err);
}


/* Reads the processed_commands row of RESULT, if any, into FOUND, USER_UID and EVENTS. */
static void
read_processed(PGresult *result, bool *found, char user_uid[37], struct strbuf *events)
{
	*found = PQntuples(result) == 1;
	if (*found) {
		snprintf(user_uid, 37, "%s", PQgetvalue(result, 0, 0));
		strbuf_puts(events, PQgetvalue(result, 0, 1));
	}
}


bool
journal_find_processed(const char *process_uid, bool *found,
    char user_uid[37], struct strbuf *events, struct error *err)
{
	const char *params[1] = {process_uid};
	PGresult *result;

	if (batch_open && batch_process_uid_is_new(process_uid)) {
		*found = false;
		return true;
	}
	result = pg_query_prepared(&processed_statement, 1, params, PGRES_TUPLES_OK, err);
	if (result == NULL)
		return false;
	read_processed(result, found, user_uid, events);
	PQclear(result);
	return true;
}


bool
journal_begin_command(const char *process_uid, const char *kind, const char *uid,
    bool *found, char user_uid[37], struct strbuf *events, struct error *err)
{
	const char *processed_params[1] = {process_uid};
	const char *stream_params[2] = {kind, uid};
	const struct pg_pipelined statements[4] = {
		{NULL, "BEGIN", 0, NULL},
		{&lock_statement, NULL, 0, NULL},
		{&processed_statement, NULL, 1, processed_params},
		{&stream_statement, NULL, 2, stream_params},
	};
	PGresult *results[4];
	bool ok;

	/* A batch holds the lock already, and keeps the streams it read. */
	if (batch_open)
		return journal_find_processed(process_uid, found, user_uid, events, err);

	/*
	 * PostgreSQL runs the four in order: the reads start once the lock is
	 * taken, so they see every command committed before this one.
	 */
	if (!pg_pipeline(statements, 4, results, err))
		return false;
	ok = pg_pipeline_check(results[0], PGRES_COMMAND_OK, err) &&
	    check_lock_result(results[1], err) &&
	    pg_pipeline_check(results[2], PGRES_TUPLES_OK, err) &&
	    pg_pipeline_check(results[3], PGRES_TUPLES_OK, err) &&
	    check_maintenance(results[1], err);
	if (ok) {
		note_locked_generation(results[1]);
		read_processed(results[2], found, user_uid, events);
		forget_begun_stream();
		snprintf(begun_stream.kind, sizeof(begun_stream.kind), "%s", kind);
		snprintf(begun_stream.uid, sizeof(begun_stream.uid), "%s", uid);
		begun_stream.result = results[3];
		results[3] = NULL;
	}
	for (int i = 0; i < 4; i++)
		PQclear(results[i]);
	if (!ok)
		journal_rollback();
	return ok;
}


bool
journal_begin_unlocked_command(const char *process_uid, const char *kind, const char *uid,
    bool *found, char user_uid[37], struct strbuf *events, struct error *err)
{
	const char *processed_params[1] = {process_uid};
	const char *stream_params[2] = {kind, uid};
	const struct pg_pipelined statements[3] = {
		{&processed_statement, NULL, 1, processed_params},
		{&stream_statement, NULL, 2, stream_params},
		{&structure_statement, NULL, 0, NULL},
	};
	PGresult *results[3];
	bool ok;

	if (batch_open)
		return journal_begin_command(process_uid, kind, uid, found, user_uid, events, err);

	if (!pg_pipeline(statements, 3, results, err))
		return false;
	ok = pg_pipeline_check(results[0], PGRES_TUPLES_OK, err) &&
	    pg_pipeline_check(results[1], PGRES_TUPLES_OK, err) &&
	    pg_pipeline_check(results[2], PGRES_TUPLES_OK, err) &&
	    PQntuples(results[2]) == 1;
	if (ok) {
		read_processed(results[0], found, user_uid, events);
		forget_begun_stream();
		snprintf(begun_stream.kind, sizeof(begun_stream.kind), "%s", kind);
		snprintf(begun_stream.uid, sizeof(begun_stream.uid), "%s", uid);
		begun_stream.result = results[1];
		results[1] = NULL;
		snprintf(unlocked_structure, sizeof(unlocked_structure), "%s",
		    PQgetvalue(results[2], 0, 0));
	} else if (err->type == ERR_NONE) {
		error_set(err, ERR_INTERNAL, "erreur interne", "internal error");
	}
	for (int i = 0; i < 3; i++)
		PQclear(results[i]);
	return ok;
}


struct json_object *
journal_load(const char *aggregate_type, const char *aggregate_uid, int *version,
    struct error *err)
{
	const char *params[2] = {aggregate_type, aggregate_uid};
	struct json_object *events;
	PGresult *result;
	int rows;

	if (batch_open && (events = batch_stream_get(aggregate_type, aggregate_uid, version)) != NULL)
		return events;
	result = take_begun_stream(aggregate_type, aggregate_uid);
	if (result == NULL)
		result = pg_query_prepared(&stream_statement, 2, params, PGRES_TUPLES_OK, err);
	if (result == NULL)
		return NULL;

	rows = PQntuples(result);
	events = json_object_new_array_ext(rows);
	*version = 0;
	for (int i = 0; i < rows; i++) {
		struct json_object *event = json_tokener_parse(PQgetvalue(result, i, 0));
		if (event == NULL) {
			log_error("stored event %s/%d is not JSON", aggregate_uid, i + 1);
			json_object_put(events);
			PQclear(result);
			error_set(err, ERR_INTERNAL, "erreur interne", "internal error");
			return NULL;
		}
		json_object_array_add(events, event);
		*version = atoi(PQgetvalue(result, i, 1));

		/* Decisions and folds only ever see the current shape of each event. */
		if (!upcast_event(event, atoi(PQgetvalue(result, i, 2)), err)) {
			log_error("stored event %s/%d cannot be read: %s", aggregate_uid, i + 1,
			    err->message_en);
			json_object_put(events);
			PQclear(result);
			return NULL;
		}
	}
	PQclear(result);
	if (batch_open)
		batch_stream_keep(aggregate_type, aggregate_uid, *version, events);
	return events;
}


void
journal_write_stored(PGresult *result, struct strbuf *stored)
{
	strbuf_puts(stored, "[");
	for (int i = 0; i < PQntuples(result); i++) {
		if (i > 0)
			strbuf_puts(stored, ",");
		strbuf_puts(stored, PQgetvalue(result, i, 1));
	}
	strbuf_puts(stored, "]");
}


/*
 * The lock's result of an unlocked command's append pipeline: a structure
 * fact moved (decide again, under the lock this time), the tenant went
 * under maintenance (503), or another failure.
 */
static enum journal_append_result
check_late_lock(PGresult *result, struct error *err)
{
	const char *state = pg_sqlstate(result);

	if (PQresultStatus(result) == PGRES_TUPLES_OK)
		return JOURNAL_APPENDED;
	if (strcmp(state, "40001") == 0)
		return JOURNAL_CONFLICT;
	if (strcmp(state, "PIM01") == 0) {
		journal_rollback();
		/* Reads the Retry-After; maintenance ended meanwhile means "decide again". */
		return maintenance_check(err) ? JOURNAL_CONFLICT : JOURNAL_FAILED;
	}
	check_lock_result(result, err);
	return JOURNAL_FAILED;
}


/*
 * Appends and commits a command begun by journal_begin_unlocked_command:
 * BEGIN, the lock, the read of the generation it raised, the append and
 * COMMIT in one round trip, so the lock is
 * held only while PostgreSQL runs them and flushes the commit.  Any
 * failure before COMMIT makes PostgreSQL skip the rest of the pipeline.
 */
static enum journal_append_result
append_commit_unlocked(const char *params[6], struct strbuf *stored, struct error *err)
{
	const char *lock_params[1] = {unlocked_structure};
	struct pg_pipelined statements[5] = {
		{NULL, "BEGIN", 0, NULL},
		{&ticket_lock_statement, NULL, 1, lock_params},
		{&generation_statement, NULL, 0, NULL},
		{&append_statement, NULL, 6, params},
		{NULL, "COMMIT", 0, NULL},
	};
	PGresult *results[5];
	enum journal_append_result outcome = JOURNAL_APPENDED;

	forget_begun_stream();
	if (!pg_pipeline(statements, 5, results, err)) {
		unlocked_structure[0] = '\0';
		commit_outcome_unknown(err);
		return JOURNAL_FAILED;
	}
	unlocked_structure[0] = '\0';

	if (!pg_pipeline_check(results[0], PGRES_COMMAND_OK, err)) {
		outcome = JOURNAL_FAILED;
		journal_rollback();
	} else if ((outcome = check_late_lock(results[1], err)) != JOURNAL_APPENDED) {
		journal_rollback();
	} else if (!pg_pipeline_check(results[2], PGRES_TUPLES_OK, err)) {
		outcome = JOURNAL_FAILED;
		journal_rollback();
	} else if (!pg_pipeline_check(results[3], PGRES_TUPLES_OK, err)) {
		/* A moved stream or a processUid stored meanwhile: decide again. */
		outcome = err->type == ERR_INTERNAL && pg_last_sqlstate_is("23505") ?
		    JOURNAL_CONFLICT : JOURNAL_FAILED;
		journal_rollback();
	} else if (PQresultStatus(results[4]) != PGRES_COMMAND_OK) {
		pg_map_error(results[4], err);
		commit_outcome_unknown(err);
		outcome = JOURNAL_FAILED;
	} else {
		note_locked_generation(results[2]);
		note_committed();
		journal_write_stored(results[3], stored);
	}
	for (int i = 0; i < 5; i++)
		PQclear(results[i]);
	return outcome;
}


enum journal_append_result
journal_append_commit(const char *aggregate_type, const char *aggregate_uid,
    int expected_version, struct json_object *events, const char *process_uid,
    const char *actor_uid, struct strbuf *stored, struct error *err)
{
	char version_text[16];
	const char *params[6];
	struct pg_pipelined statements[2] = {
		{&append_statement, NULL, 6, params},
		{NULL, "COMMIT", 0, NULL},
	};
	PGresult *results[2];
	enum journal_append_result outcome = JOURNAL_APPENDED;

	snprintf(version_text, sizeof(version_text), "%d", expected_version);
	params[0] = aggregate_type;
	params[1] = aggregate_uid;
	params[2] = version_text;
	params[3] = json_object_to_json_string_ext(events, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	params[4] = process_uid;
	params[5] = actor_uid != NULL && actor_uid[0] != '\0' ? actor_uid : NULL;
	if (batch_open)
		return batch_append(params, events, stored, err);
	if (unlocked_structure[0] != '\0')
		return append_commit_unlocked(params, stored, err);

	/*
	 * The COMMIT goes in the append's round trip.  When the append fails,
	 * PostgreSQL skips the COMMIT and the transaction is rolled back below.
	 */
	forget_begun_stream();
	if (!pg_pipeline(statements, 2, results, err)) {
		/* The COMMIT may have been sent and run before the link failed. */
		commit_outcome_unknown(err);
		return JOURNAL_FAILED;
	}
	if (!pg_pipeline_check(results[0], PGRES_TUPLES_OK, err)) {
		/* A unique violation means "decide again". */
		outcome = err->type == ERR_INTERNAL && pg_last_sqlstate_is("23505") ?
		    JOURNAL_CONFLICT : JOURNAL_FAILED;
		journal_rollback();
	} else if (PQresultStatus(results[1]) != PGRES_COMMAND_OK) {
		pg_map_error(results[1], err);
		commit_outcome_unknown(err);
		outcome = JOURNAL_FAILED;
	} else {
		note_committed();
		journal_write_stored(results[0], stored);
	}
	PQclear(results[0]);
	PQclear(results[1]);
	return outcome;
}
