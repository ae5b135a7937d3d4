/* Append, load and idempotency records of the event journal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "db/maintenance.h"
#include "db/pg.h"
#include "journal.h"
#include "journal_batch.h"
#include "upcast.h"

/* True while a batch transaction is open: commands then use savepoints. */
static bool batch_open;


/*
 * Raises the generation and takes the command lock, inside the open
 * transaction; refuses with 503 when the tenant went under maintenance.
 */
static bool
take_command_lock(struct error *err)
{
	PGresult *result;
	int retry_after;

	/*
	 * Commands of one tenant run one at a time: positions commit in order.
	 * The same statement raises the tenant's generation, which only counts
	 * if the command commits, and reads the maintenance state once the
	 * lock is held (command_lock_take in sql/tenant/011_maintenance.sql).
	 */
	result = pg_query("SELECT generation, maintenance_retry_after FROM command_lock_take()",
	    0, NULL, PGRES_TUPLES_OK, err);
	if (result == NULL)
		return false;
	if (PQntuples(result) != 1 || PQgetisnull(result, 0, 1)) {
		PQclear(result);
		return true;
	}
	retry_after = atoi(PQgetvalue(result, 0, 1));
	PQclear(result);
	return maintenance_refuse(err, retry_after);
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


bool
journal_commit(struct error *err)
{
	if (batch_open)
		return true;
	if (pg_exec("COMMIT", 0, NULL, err))
		return true;

	/*
	 * The COMMIT may or may not have taken effect: never report success,
	 * and never 500 (which promises nothing was stored).  A retry with the
	 * same processUid tells the client which it was.
	 */
	log_error("commit failed: outcome of the command unknown");
	journal_rollback();
	return error_set(err, ERR_SERVICE_UNAVAILABLE,
	    "issue de la commande inconnue : renvoyez-la avec le même processUid",
	    "outcome of the command unknown: send it again with the same processUid");
}


static struct pg_statement generation_statement = {
	"perfimmo_generation", "SELECT generation FROM command_lock", 0
};


void
journal_prefetch_generation(void)
{
	pg_prefetch(&generation_statement);
}


bool
journal_generation(long long *generation, struct error *err)
{
	PGresult *result = pg_query_prepared(&generation_statement, 0, NULL, PGRES_TUPLES_OK, err);

	if (result == NULL)
		return false;
	*generation = PQntuples(result) == 1 ? atoll(PQgetvalue(result, 0, 0)) : 0;
	PQclear(result);
	return true;
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
	if (conn != NULL && PQtransactionStatus(conn) != PQTRANS_IDLE)
		PQclear(PQexec(conn, "ROLLBACK"));
}


bool
journal_batch_begin(struct error *err)
{
	if (!pg_exec("BEGIN", 0, NULL, err))
		return false;
	if (!take_command_lock(err)) {
		journal_batch_rollback();
		return false;
	}
	batch_open = true;
	return true;
}


bool
journal_batch_commit(struct error *err)
{
	batch_open = false;
	batch_forget();
	return journal_commit(err);
}


void
journal_batch_rollback(void)
{
	batch_open = false;
	batch_forget();
	journal_rollback();
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
	result = pg_query("SELECT coalesce(user_uid::text, ''), events::text"
	    "  FROM processed_commands WHERE process_uid = $1",
	    1, params, PGRES_TUPLES_OK, err);
	if (result == NULL)
		return false;

	*found = PQntuples(result) == 1;
	if (*found) {
		snprintf(user_uid, 37, "%s", PQgetvalue(result, 0, 0));
		strbuf_puts(events, PQgetvalue(result, 0, 1));
	}
	PQclear(result);
	return true;
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
	result = pg_query("SELECT payload::text, version, schema_version FROM events"
	    " WHERE aggregate_type = $1 AND aggregate_uid = $2 ORDER BY version",
	    2, params, PGRES_TUPLES_OK, err);
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


enum journal_append_result
journal_append(const char *aggregate_type, const char *aggregate_uid,
    int expected_version, struct json_object *events, const char *process_uid,
    const char *actor_uid, struct strbuf *stored, struct error *err)
{
	char version_text[16];
	const char *params[6];
	PGresult *result;
	int rows;

	snprintf(version_text, sizeof(version_text), "%d", expected_version);
	params[0] = aggregate_type;
	params[1] = aggregate_uid;
	params[2] = version_text;
	params[3] = json_object_to_json_string_ext(events, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	params[4] = process_uid;
	params[5] = actor_uid != NULL && actor_uid[0] != '\0' ? actor_uid : NULL;
	if (batch_open)
		return batch_append(params, stored, err);

	result = pg_query("SELECT event_position, event_payload"
	    "  FROM journal_append($1, $2, $3, $4, $5, $6)",
	    6, params, PGRES_TUPLES_OK, err);
	if (result == NULL) {
		/* pg_query mapped it already; a unique violation means "decide again". */
		return err->type == ERR_INTERNAL && pg_last_sqlstate_is("23505") ?
		    JOURNAL_CONFLICT : JOURNAL_FAILED;
	}

	rows = PQntuples(result);
	strbuf_puts(stored, "[");
	for (int i = 0; i < rows; i++) {
		if (i > 0)
			strbuf_puts(stored, ",");
		strbuf_puts(stored, PQgetvalue(result, i, 1));
	}
	strbuf_puts(stored, "]");
	PQclear(result);
	return JOURNAL_APPENDED;
}
