/* Prefetched processUids and streams, and pipelined appends of a journal batch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "db/pg.h"
#include "db/pg_array.h"
#include "journal_batch.h"
#include "journal_deferred.h"
#include "journal_kept.h"

/* Sorted processUids the last prefetch found absent; USED marks those appended since. */
static char (*new_uids)[37];
static bool *used;
static size_t new_count;

/*
 * Sorted "kind/uid" keys of the streams the last stream prefetch found
 * without any event; ABSENT_USED marks those kept since, which are then
 * read from the kept streams or from PostgreSQL again.
 */
static char (*absent)[64];
static bool *absent_used;
static size_t absent_count;

static bool savepoint_left;		/* a failed append's savepoint waits for its rollback */


/* Compares two NUL-terminated rows of a sorted table, for qsort and bsearch. */
static int
compare_rows(const void *a, const void *b)
{
	return strcmp(a, b);
}


/* Sorts the COUNT rows of SIZE bytes at TABLE and drops repeated rows.  Returns how many are left. */
static size_t
sort_unique(void *table, size_t count, size_t size)
{
	char *rows = table;
	size_t kept = 0;

	qsort(rows, count, size, compare_rows);
	for (size_t i = 0; i < count; i++) {
		if (kept > 0 && strcmp(rows + (kept - 1) * size, rows + i * size) == 0)
			continue;
		if (kept != i)
			memcpy(rows + kept * size, rows + i * size, size);
		kept++;
	}
	return kept;
}


/* The entry of KIND/UID among the absent streams, or NULL. */
static char (*find_absent(const char *kind, const char *uid))[64]
{
	char key[64];

	if (absent_count == 0)
		return NULL;
	snprintf(key, sizeof(key), "%s/%s", kind, uid);
	return bsearch(key, absent, absent_count, sizeof(*absent), compare_rows);
}


struct json_object *
batch_stream_get(const char *kind, const char *uid, int *version)
{
	struct json_object *events = kept_get(kind, uid, version);
	char (*none)[64];

	if (events != NULL)
		return events;
	none = find_absent(kind, uid);
	if (none == NULL || absent_used[none - absent])
		return NULL;
	*version = 0;
	return json_object_new_array();
}


/* Records that KIND/UID, if the prefetch found it without events, may have some now. */
static void
mark_absent_used(const char *kind, const char *uid)
{
	char (*none)[64] = find_absent(kind, uid);

	if (none != NULL)
		absent_used[none - absent] = true;
}


void
batch_stream_keep(const char *kind, const char *uid, int version, struct json_object *events)
{
	mark_absent_used(kind, uid);
	kept_keep(kind, uid, version, events);
}


unsigned long
batch_epoch(void)
{
	return kept_epoch();
}


void
batch_forget_streams(void)
{
	kept_forget();
}


/* Drops what one batch prefetched and deferred. */
static void
forget_batch_state(void)
{
	deferred_stop();
	free(absent);
	free(absent_used);
	absent = NULL;
	absent_used = NULL;
	absent_count = 0;
	free(new_uids);
	free(used);
	new_uids = NULL;
	used = NULL;
	new_count = 0;
}


bool
batch_start(struct error *err)
{
	forget_batch_state();
	return kept_check(err);
}


void
batch_end(void)
{
	forget_batch_state();
	kept_end_batch();
}


void
batch_forget(void)
{
	kept_forget();
	forget_batch_state();
}


/* The entry of UID among the processUids the prefetch found absent, or NULL. */
static char (*find_new_uid(const char *uid))[37]
{
	if (new_count == 0)
		return NULL;
	return bsearch(uid, new_uids, new_count, sizeof(*new_uids), compare_rows);
}


bool
batch_process_uid_is_new(const char *uid)
{
	char (*found)[37] = find_new_uid(uid);

	return found != NULL && !used[found - new_uids];
}


void
batch_process_uid_used(const char *uid)
{
	char (*found)[37] = find_new_uid(uid);

	if (found != NULL)
		used[found - new_uids] = true;
}


/* Appends to OUT the array literal of the COUNT fixed-width ROWS of SIZE bytes. */
static void
rows_literal(const void *rows, size_t count, size_t size, struct strbuf *out)
{
	const char **items = calloc(count + 1, sizeof(*items));

	if (items == NULL)
		abort();
	for (size_t i = 0; i < count; i++)
		items[i] = (const char *)rows + i * size;
	pg_array_literal(out, items, count);
	free(items);
}


bool
journal_batch_prefetch(const char (*uids)[37], size_t count, struct error *err)
{
	struct strbuf literal;
	const char *params[1];
	PGresult *result;
	size_t kept_new = 0;

	free(new_uids);
	free(used);
	new_uids = calloc(count + 1, sizeof(*new_uids));
	used = calloc(count + 1, sizeof(*used));
	new_count = 0;
	if (new_uids == NULL || used == NULL)
		abort();

	strbuf_init(&literal);
	rows_literal(uids, count, sizeof(*uids), &literal);
	params[0] = literal.data;
	result = pg_query("SELECT u::text FROM unnest($1::uuid[]) u"
	    " WHERE NOT EXISTS (SELECT 1 FROM processed_commands p WHERE p.process_uid = u)",
	    1, params, PGRES_TUPLES_OK, err);
	strbuf_free(&literal);
	if (result == NULL)
		return false;
	for (int i = 0; i < PQntuples(result); i++)
		snprintf(new_uids[kept_new++], 37, "%s", PQgetvalue(result, i, 0));
	PQclear(result);

	/* A uid sent twice in the batch must be "new" once only: the second is a duplicate. */
	new_count = sort_unique(new_uids, kept_new, sizeof(*new_uids));
	return true;
}


bool
journal_batch_prefetch_streams(const char (*kinds)[24], const char (*uids)[37], size_t count,
    struct error *err)
{
	struct strbuf kind_list, uid_list;
	const char *params[2];
	PGresult *result;
	size_t found = 0;

	free(absent);
	free(absent_used);
	absent = calloc(count + 1, sizeof(*absent));
	absent_used = calloc(count + 1, sizeof(*absent_used));
	absent_count = 0;
	if (absent == NULL || absent_used == NULL)
		abort();

	strbuf_init(&kind_list);
	strbuf_init(&uid_list);
	rows_literal(kinds, count, sizeof(*kinds), &kind_list);
	rows_literal(uids, count, sizeof(*uids), &uid_list);
	params[0] = kind_list.data;
	params[1] = uid_list.data;
	result = pg_query("SELECT x.kind || '/' || x.uid::text FROM unnest($1::text[], $2::uuid[]) AS x (kind, uid)"
	    " WHERE NOT EXISTS (SELECT 1 FROM events e"
	    "  WHERE e.aggregate_type = x.kind AND e.aggregate_uid = x.uid)",
	    2, params, PGRES_TUPLES_OK, err);
	strbuf_free(&kind_list);
	strbuf_free(&uid_list);
	if (result == NULL)
		return false;
	for (int i = 0; i < PQntuples(result) && found < count; i++)
		snprintf(absent[found++], sizeof(*absent), "%s", PQgetvalue(result, i, 0));
	PQclear(result);

	absent_count = sort_unique(absent, found, sizeof(*absent));
	return true;
}


/* Adds the stored events (STORED, a JSON array text) to the kept stream they extend. */
static void
keep_appended(const char *kind, const char *uid, int expected, const char *stored)
{
	struct json_object *events = json_tokener_parse(stored);

	if (events == NULL || !json_object_is_type(events, json_type_array))
		kept_forget();
	else
		kept_extend(kind, uid, expected, events);
	json_object_put(events);
}


/* Reads every result of one pipelined query; keeps the first, clears the rest. */
static PGresult *
take_result(PGconn *conn)
{
	PGresult *first = PQgetResult(conn), *extra;

	if (first == NULL)
		return NULL;
	while ((extra = PQgetResult(conn)) != NULL)
		PQclear(extra);
	return first;
}


static bool
send_pipeline(PGconn *conn, const char *const params[6])
{
	return PQenterPipelineMode(conn) == 1 &&
	    PQsendQueryParams(conn, "SAVEPOINT command", 0, NULL, NULL, NULL, NULL, 0) == 1 &&
	    PQsendQueryParams(conn, "SELECT event_position, event_payload"
	    "  FROM journal_append($1, $2, $3, $4, $5, $6)", 6, NULL, params, NULL, NULL, 0) == 1 &&
	    PQsendQueryParams(conn, "RELEASE SAVEPOINT command", 0, NULL, NULL, NULL, NULL, 0) == 1 &&
	    PQpipelineSync(conn) == 1;
}


enum journal_append_result
batch_append(const char *const params[6], struct json_object *events, struct strbuf *stored,
    struct error *err)
{
	PGconn *conn;
	PGresult *savepoint, *append, *release, *sync;
	enum journal_append_result outcome = JOURNAL_FAILED;
	size_t mark = stored->len;

	if (deferred_active()) {
		outcome = deferred_add(params, events, stored, err);
		if (outcome == JOURNAL_APPENDED)
			mark_absent_used(params[0], params[1]);
		return outcome;
	}
	conn = pg_connection(err);
	if (conn == NULL)
		return JOURNAL_FAILED;
	if (!send_pipeline(conn, params)) {
		pg_map_error(NULL, err);
		PQexitPipelineMode(conn);
		return JOURNAL_FAILED;
	}
	savepoint = take_result(conn);
	append = take_result(conn);
	release = take_result(conn);
	sync = PQgetResult(conn);

	savepoint_left = PQresultStatus(savepoint) == PGRES_COMMAND_OK &&
	    PQresultStatus(release) != PGRES_COMMAND_OK;
	if (PQresultStatus(append) == PGRES_TUPLES_OK && !savepoint_left) {
		journal_write_stored(append, stored);
		for (int i = 0; i < PQntuples(append); i++)
			kept_note_position(atoll(PQgetvalue(append, i, 0)));
		outcome = JOURNAL_APPENDED;
	} else {
		PGresult *failed = PQresultStatus(savepoint) != PGRES_COMMAND_OK ? savepoint : append;
		pg_map_error(failed, err);
		if (err->type == ERR_INTERNAL && pg_last_sqlstate_is("23505"))
			outcome = JOURNAL_CONFLICT;
	}
	PQclear(savepoint);
	PQclear(append);
	PQclear(release);
	PQclear(sync);
	if (PQexitPipelineMode(conn) != 1)
		log_error("could not leave pipeline mode: %s", PQerrorMessage(conn));

	if (outcome == JOURNAL_APPENDED) {
		mark_absent_used(params[0], params[1]);
		batch_process_uid_used(params[4]);
		keep_appended(params[0], params[1], atoi(params[2]), stored->data + mark);
	}
	return outcome;
}


void
batch_undo_command(void)
{
	struct error ignored;
	PGconn *conn;

	if (!savepoint_left)
		return;
	savepoint_left = false;
	batch_forget_streams();
	conn = pg_connection(&ignored);
	if (conn != NULL)
		PQclear(PQexec(conn, "ROLLBACK TO SAVEPOINT command; RELEASE SAVEPOINT command"));
}
